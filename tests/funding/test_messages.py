"""Verdict sentences rendered in the request's language: gettext on the English sentence, numbers
and dates in the locale's format, the engine's choice values by their translated labels."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from clusterpact.funding.messages import render, verdict_message
from clusterpact.funding.models import RecipientKind, RegionType
from clusterpact.rules import state_aid as sa

from .conftest import record_operating

D = Decimal


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2025, 6, 1))


def _breach():
    grant = sa.Grant(
        "7",
        sa.Recipient("o", "Alpha Cluster vzw", "cluster_organisation"),
        "operating",
        dt.date(2018, 1, 1),
        {2018: D(600_000)},
        {2018: {"animation": D(1_000_000)}},
    )
    verdicts = sa.check_all(sa.AidHistory(sa.Cluster("1", "Alpha", "spearhead"), (grant,)))
    return next(v for v in verdicts if v.check == "operating_aid_intensity")


def test_english_rendering_equals_the_engines_sentence():
    verdict = _breach()
    with translation.override("en"):
        assert verdict_message(verdict) == (
            "Operating aid EUR 600,000.00 exceeds 50.00 % of eligible costs EUR 1,000,000.00 "
            "by EUR 100,000.00."
        )
        assert verdict_message(verdict) == verdict.message


def test_dutch_rendering_translates_the_sentence_and_formats_numbers_the_dutch_way():
    verdict = _breach()
    with translation.override("nl"):
        expected = gettext(sa.MESSAGES[verdict.code]) % {
            "aid": "600.000,00",
            "max_pct": "50,00",
            "costs": "1.000.000,00",
            "excess": "100.000,00",
        }
        assert verdict_message(verdict) == expected


def test_choice_values_become_their_translated_labels():
    params = {
        "grant": "3",
        "aid": D(10),
        "costs": D(20),
        "max_pct": D(55),
        "region": "107(3)(c)",
        "excess": D(0),
    }
    for language in ("en", "nl"):
        with translation.override(language):
            text = render("investment_aid_intensity.exceeded", params)
            assert f"{RegionType.C_AREA.label})" in text
            assert "107(3)(c))" not in text
    params = {
        "grant": "3",
        "recipient": "Firm",
        "recipient_kind": "other",
        "allowed": ("cluster_organisation",),
    }
    with translation.override("en"):
        assert render("recipient.not_allowed", params) == (
            "Grant 3 goes to Firm (Other), which this rule set does not allow: only "
            f"{RecipientKind.CLUSTER_ORGANISATION.label}."
        )


def test_an_unknown_code_falls_back_to_the_engines_text():
    assert render("no.such.code", {}, "as the engine said") == "as the engine said"


def test_every_code_of_the_engine_renders_in_both_languages():
    # Parameters of the right kind for every placeholder; a translation that drops or
    # misspells a placeholder fails here with a KeyError.
    import re

    for code, sentence in sa.MESSAGES.items():
        params = {name: D(1) for name in re.findall(r"%\((\w+)\)s", sentence)}
        for language in ("en", "nl"):
            with translation.override(language):
                assert render(code, params)


def test_the_cluster_page_and_the_excel_export_show_the_rendered_sentence(
    client, officer, cluster_a, basic_line, org_a
):
    from io import BytesIO

    from openpyxl import load_workbook

    record_operating(cluster_a, basic_line, org_a, year=2018, aid=600_000, animation=1_000_000)
    client.force_login(officer)
    sentence = (
        "Operating aid EUR 600,000.00 exceeds 50.00 % of eligible costs EUR 1,000,000.00 "
        "by EUR 100,000.00."
    )
    page = client.get("/funding/clusters/alpha/", HTTP_ACCEPT_LANGUAGE="en")
    assert sentence in page.content.decode()
    xlsx = client.get("/funding/clusters/alpha/compliance/xlsx/", HTTP_ACCEPT_LANGUAGE="en")
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sentence in [row[5] for row in sheet.iter_rows(values_only=True)]


def test_every_figure_the_checks_emit_has_a_translated_name():
    from clusterpact.funding.messages import FIGURE_LABELS
    from tests.rules.test_state_aid_messages import emitted

    keys = {key for verdict in emitted() for key in verdict.figures}
    assert keys - set(FIGURE_LABELS) == set()


def test_figures_read_in_the_locale_with_labels_for_codes_and_booleans():
    from clusterpact.funding.messages import figure_rows

    figures = {
        "operating_aid": D(600_000),
        "intensity": D("0.6"),
        "region_type": "107(3)(a)",
        "publication_required": True,
        "year": 2018,
        "late_grants": (),
    }
    with translation.override("en"):
        assert figure_rows(figures) == [
            ("Operating aid (EUR)", "600,000"),
            ("Aid intensity (share of eligible costs)", "0.60"),
            ("Region type", "Art. 107(3)(a) area"),
            ("Publication required", "Yes"),
            ("Year", "2018"),
            ("Grants after the period", "—"),
        ]
    with translation.override("nl"):
        assert figure_rows(figures)[0][1] == "600.000"
        assert figure_rows(figures)[1][1] == "0,60"


def test_a_provision_is_named_in_the_readers_language():
    from django.utils import translation

    from clusterpact.funding.messages import legal_basis

    with translation.override("nl"):
        assert legal_basis("GBER art. 27(9)") == "AGVV art. 27(9)"
        assert legal_basis("GBER") == "AGVV"
        assert legal_basis("GBERX art. 1") == "GBERX art. 1"
    with translation.override("en"):
        assert legal_basis("GBER art. 27(9)") == "GBER art. 27(9)"
