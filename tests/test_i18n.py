"""Dutch is the default language and complete; English is the source language.

The catalogue is checked without gettext tools (a fresh clone and CI need
none): a small .po reader, Django's template parser for ``{% translate %}`` and
``{% blocktranslate %}``, and :mod:`ast` for gettext calls in Python code.
``docs/translations.md`` says how to update the catalogue when a test here fails.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.template import engines
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.test import Client
from django.urls import reverse
from django.utils import translation

import clusterpact

PACKAGE = Path(clusterpact.__file__).resolve().parent
LOCALE = PACKAGE / "locale"
NL_PO = LOCALE / "nl" / "LC_MESSAGES" / "django.po"
NL_MO = LOCALE / "nl" / "LC_MESSAGES" / "django.mo"
EN_MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"
TEMPLATES = PACKAGE / "templates"

GETTEXT_FUNCTIONS = {
    "_": 1,
    "gettext": 1,
    "gettext_lazy": 1,
    "gettext_noop": 1,
    "ngettext": 2,
    "ngettext_lazy": 2,
    "pgettext": 2,
    "pgettext_lazy": 2,
    "npgettext": 3,
    "npgettext_lazy": 3,
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]")


# --------------------------------------------------------------------------
# A small .po reader: enough for the files makemessages writes.
# --------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return ast.literal_eval(text)


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header first; obsolete (``#~``) entries are left out."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int | None] | None = None

    def finish():
        nonlocal current, target
        if target is not None:
            entries.append(current)
        current, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
            continue
        if line.startswith("#,"):
            if target is not None and "msgstr" in target[0]:
                finish()
            current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            if target is not None and "msgstr" in target[0]:
                finish()
            continue
        if line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation without keyword"
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, getattr(current, name) + _unquote(line))
            continue
        keyword, _space, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and target is not None and "msgstr" in target[0]:
            finish()
        if keyword == "msgid":
            current.line = number
        match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
        if match:
            index = int(match.group(1) or 0)
            current.msgstr[index] = _unquote(value)
            target = ("msgstr", index)
        elif keyword in ("msgid", "msgid_plural", "msgctxt"):
            setattr(current, keyword, _unquote(value))
            target = (keyword, None)
        else:
            raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def nl_entries() -> list[Entry]:
    entries = read_po(NL_PO)
    assert entries and entries[0].msgid == "", "the catalogue starts with its header"
    return entries


@pytest.fixture(scope="module")
def nl_catalogue(nl_entries) -> dict[str, Entry]:
    return {entry.key: entry for entry in nl_entries[1:]}


# --------------------------------------------------------------------------
# Where the source strings are: templates and Python code.
# --------------------------------------------------------------------------


def _walk(nodes):
    for node in nodes:
        yield node
        for attr in getattr(node, "child_nodelists", ()):
            yield from _walk(getattr(node, attr, None) or ())


def template_msgids() -> dict[str, str]:
    """msgid → first template that uses it, for every translate and blocktranslate tag."""
    engine = engines["django"].engine
    found: dict[str, str] = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        template = engine.from_string(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(PACKAGE))
        for node in _walk(template.nodelist):
            if isinstance(node, TranslateNode):
                literal = node.filter_expression.var
                value = getattr(literal, "literal", None)
                if isinstance(value, str) and not node.noop and node.message_context is None:
                    # Like makemessages and Variable.resolve: a literal % is %% in the msgid.
                    found.setdefault(value.replace("%", "%%"), where)
            elif isinstance(node, BlockTranslateNode) and node.message_context is None:
                singular, _vars = node.render_token_list(node.singular)
                found.setdefault(singular, where)
    return found


def python_msgids() -> dict[str, str]:
    """msgid → first module that passes it as a literal to a gettext function."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in GETTEXT_FUNCTIONS or not node.args:
                continue
            context_first = name.startswith(("pgettext", "npgettext"))
            args = node.args[1:] if context_first else node.args
            if not args or not isinstance(args[0], ast.Constant):
                continue
            if not isinstance(args[0].value, str) or not args[0].value:
                continue
            msgid = args[0].value
            if context_first and isinstance(node.args[0], ast.Constant):
                msgid = f"{node.args[0].value}\x04{msgid}"
            found.setdefault(msgid, f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return found


# --------------------------------------------------------------------------
# The catalogue itself
# --------------------------------------------------------------------------


def test_nl_catalogue_header_declares_dutch_and_two_plural_forms(nl_entries):
    header = nl_entries[0]
    assert "fuzzy" not in header.flags
    assert "Language: nl\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]


def test_nl_catalogue_has_no_untranslated_entries(nl_entries):
    untranslated = [f"line {e.line}: {e.msgid!r}" for e in nl_entries[1:] if not e.translated]
    assert not untranslated, "untranslated in nl/django.po:\n" + "\n".join(untranslated)


def test_nl_catalogue_has_no_fuzzy_entries(nl_entries):
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in nl_entries if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy in nl/django.po:\n" + "\n".join(fuzzy)


def test_nl_plural_entries_have_both_forms(nl_entries):
    for entry in nl_entries[1:]:
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstr) == [0, 1], entry.msgid


def test_nl_translations_keep_every_placeholder(nl_entries):
    """A dropped or misspelt ``%(name)s`` would crash or lose data at render time."""
    for entry in nl_entries[1:]:
        if "python-format" not in entry.flags:
            continue
        expected = set(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural is not None:
            expected |= set(PLACEHOLDER.findall(entry.msgid_plural))
        for index, text in entry.msgstr.items():
            assert set(PLACEHOLDER.findall(text)) <= expected, (entry.msgid, index)
            # Form 0 may say "one" in words only where the source does; keep every other name.
            assert set(PLACEHOLDER.findall(text)) >= expected - {"counter"}, (entry.msgid, index)


def test_nl_compiled_catalogue_matches_the_po(nl_entries):
    """The committed .mo holds exactly the .po's translations (no stale compile)."""
    with NL_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    stale = []
    for entry in nl_entries[1:]:
        if entry.msgid_plural is None:
            if compiled.get(entry.key) != entry.msgstr[0]:
                stale.append(entry.msgid)
        else:
            for index, text in entry.msgstr.items():
                if compiled.get((entry.key, index)) != text:
                    stale.append(f"{entry.msgid} [{index}]")
    assert not stale, "recompile the catalogue (django-admin compilemessages):\n" + "\n".join(stale)


def test_english_catalogue_exists():
    assert EN_MO.is_file()
    with EN_MO.open("rb") as handle:
        assert "Language: en" in gettext.GNUTranslations(handle)._catalog[""]


@pytest.mark.parametrize("source", [template_msgids, python_msgids], ids=["templates", "python"])
def test_every_source_string_has_a_dutch_translation(source, nl_catalogue):
    missing = [
        f"{where}: {msgid!r}"
        for msgid, where in source().items()
        if msgid not in nl_catalogue or not nl_catalogue[msgid].translated
    ]
    assert not missing, (
        "strings without a Dutch translation (run makemessages, translate, compilemessages; "
        "see docs/translations.md):\n" + "\n".join(missing)
    )


def test_source_scan_finds_known_strings():
    """Guard against the scanners silently finding nothing."""
    templates = template_msgids()
    assert "Innovation clusters" in templates
    assert "Page %(number)s of %(total)s" in templates
    assert "%(sme_percent)s %% of companies with a known size class" in templates
    assert "%(counter)s result" in templates
    assert "Members by helix role" in python_msgids()


# --------------------------------------------------------------------------
# Rendering: Dutch by default, English on request
# --------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_are_dutch_by_default(client):
    home = client.get(reverse("home")).content.decode()
    assert '<html lang="nl">' in home
    assert "<h1>Innovatieclusters</h1>" in home
    assert "Naar de inhoud" in home and "Aanmelden" in home
    assert "Innovation clusters" not in home
    login = client.get(reverse("login")).content.decode()
    assert "Gebruikersnaam" in login and "Wachtwoord" in login


@pytest.mark.django_db
def test_pages_are_english_with_accept_language():
    client = Client(headers={"accept-language": "en"})
    home = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in home
    assert "<h1>Innovation clusters</h1>" in home
    assert "Skip to content" in home
    assert "Innovatieclusters" not in home


@pytest.mark.django_db
def test_language_switch_sticks_for_later_pages(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302 and response.url == reverse("home")
    assert "<h1>Innovation clusters</h1>" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "nl", "next": reverse("home")})
    assert "<h1>Innovatieclusters</h1>" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_logged_in_pages_and_404_are_dutch(client, manager_a, members_a):
    client.force_login(manager_a)
    cluster = client.get(reverse("registry:cluster-detail", args=["alpha"])).content.decode()
    assert "Speerpuntcluster" in cluster and "Afmelden" in cluster
    assert "Leden per helixrol" in cluster and "Ondernemingsnummer" in cluster
    assert "3 resultaten" in cluster
    assert (
        "(50 % van de ondernemingen met gekende grootteklasse)" in cluster
    )  # a literal % in blocktranslate
    missing = client.get(reverse("registry:cluster-detail", args=["beta"]))
    assert missing.status_code == 404
    assert "Pagina niet gevonden" in missing.content.decode()


def test_dutch_plural_forms():
    with translation.override("nl"):
        one = translation.ngettext("%(counter)s result", "%(counter)s results", 1)
        many = translation.ngettext("%(counter)s result", "%(counter)s results", 2)
        assert one % {"counter": 1} == "1 resultaat"
        assert many % {"counter": 2} == "2 resultaten"
        assert str(translation.gettext_lazy("Spearhead cluster")) == "Speerpuntcluster"
    with translation.override("en"):
        assert translation.gettext("Spearhead cluster") == "Spearhead cluster"


def test_walk_reaches_nested_translate_tags():
    template = engines["django"].engine.from_string(
        "{% load i18n %}{% if x %}{% for y in z %}{% translate 'Nested' %}{% endfor %}{% endif %}"
    )
    assert any(isinstance(node, TranslateNode) for node in _walk(template.nodelist))
