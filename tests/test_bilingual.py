"""Which of a text's Dutch and English versions a reader sees."""

from django.utils import translation

from clusterpact.bilingual import in_language


def test_dutch_readers_get_dutch_and_everyone_else_english():
    with translation.override("nl"):
        assert in_language("leden", "members") == "leden"
    with translation.override("en"):
        assert in_language("leden", "members") == "members"
    with translation.override("fr"):
        assert in_language("leden", "members") == "members"
    with translation.override(None):
        assert in_language("leden", "members") == "leden"  # Dutch is the default language


def test_an_empty_version_falls_back_to_the_other():
    with translation.override("en"):
        assert in_language("leden", "") == "leden"
    with translation.override("nl"):
        assert in_language("", "members") == "members"
