import pytest

from clusterpact.rules.nace import NaceError, lookup, normalise, sections


@pytest.mark.parametrize("spelling", ["62.10", "6210", " 62.10 ", "62.1 0"])
def test_class_spellings_normalise_to_the_dotted_code(spelling):
    assert normalise(spelling) == "62.10"


def test_hierarchy_reaches_the_section():
    entry = lookup("20.11")
    assert entry.level == 4
    assert entry.section == "C"
    assert entry.division == "20"
    assert lookup("62.100").level == 5


def test_section_letters_are_codes():
    assert lookup("c").code == "C"


def test_nace_rev_2_1_has_22_sections():
    # NACE Rev. 2.1 (Commission Delegated Regulation (EU) 2023/137) has sections A to V.
    assert [s.code for s in sections()] == list("ABCDEFGHIJKLMNOPQRSTUV")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "required"),
        ("99.99", "not in NACE"),
        ("6", "expected 2 to 5 digits"),
        ("ZZ", "not a NACE section"),
        ("62.10.1x", "expected 2 to 5 digits"),
    ],
)
def test_invalid_codes_name_the_reason(value, reason):
    with pytest.raises(NaceError, match=reason):
        lookup(value)
