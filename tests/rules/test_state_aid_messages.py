"""Every verdict names its sentence by a stable code with parameters; the English text is rendered
from the one table of sentences, and that table covers exactly the codes the checks emit."""

import re
from datetime import date
from decimal import Decimal

import pytest

from clusterpact.rules.state_aid import (
    MESSAGES,
    AidHistory,
    Cluster,
    ClusterType,
    Grant,
    GrantKind,
    Recipient,
    RecipientKind,
    RegionType,
    check_all,
    what_if,
)
from clusterpact.rules.state_aid.checks import check_regime
from clusterpact.rules.state_aid.messages import render

D = Decimal
ORG = Recipient("org", "Cluster vzw", RecipientKind.CLUSTER_ORGANISATION)
MEMBER = Recipient("firm", "A member firm", RecipientKind.OTHER)
SPEARHEAD = Cluster("c1", "Spearhead", ClusterType.SPEARHEAD)
PROJECT_BASED = Cluster("c2", "Initiative", ClusterType.PROJECT_BASED)


def op(gid, day, aid, costs, *, recipient=ORG, published=True, category="animation"):
    return Grant(
        gid,
        recipient,
        GrantKind.OPERATING,
        day,
        {day.year: D(aid)},
        {day.year: {category: D(costs)}},
        published=published,
    )


def inv(gid, day, aid, costs, published=True):
    return Grant(
        gid,
        ORG,
        GrantKind.INVESTMENT,
        day,
        {day.year: D(aid)},
        {day.year: {"tangible": D(costs)}},
        published=published,
    )


def scenarios():
    """Histories (with as-of dates) that together reach every branch of every check."""
    yield AidHistory(SPEARHEAD, (op("a", date(2017, 1, 1), 400_000, 1_000_000),)), date(2018, 1, 1)
    yield (
        AidHistory(
            SPEARHEAD,
            (
                op("b", date(2017, 1, 1), 600_000, 1_000_000, recipient=MEMBER, published=False),
                op("c", date(2018, 1, 1), 300_000, 400_000, published=None, category="travel"),
                op("d", date(2027, 3, 1), 100, 200),
                inv("e", date(2018, 6, 1), 900_000, 1_000_000),
                inv("f", date(2019, 6, 1), 8_000_000, 20_000_000),
            ),
            {2017: D(600_000), 2018: D(100_000)},
        ),
        date(2025, 6, 1),
    )
    yield AidHistory(SPEARHEAD, (op("g", date(2014, 1, 1), 100, 200),)), None
    yield (
        AidHistory(
            SPEARHEAD,
            (
                op("n", date(2017, 1, 1), 400_000, 1_000_000),
                op("o", date(2024, 1, 1), 200_000, 400_000, published=None),
            ),
        ),
        date(2025, 6, 1),
    )
    yield AidHistory(SPEARHEAD, (op("h", date(2016, 1, 1), 100, 200),)), date(2027, 6, 1)
    yield (
        AidHistory(
            PROJECT_BASED,
            (
                op("i", date(2019, 1, 1), 100_000, 1_000_000),
                op("j", date(2020, 1, 1), 100_000, 100_000),
            ),
        ),
        date(2020, 6, 1),
    )
    yield (
        AidHistory(SPEARHEAD, (op("k", date(2019, 1, 1), 600_000, 2_000_000),)),
        date(2020, 1, 1),
    )
    yield (
        AidHistory(SPEARHEAD, (op("l", date(2019, 1, 1), 600_000, 1_000_000),)),
        date(2020, 1, 1),
    )


def emitted():
    verdicts = []
    for history, as_of in scenarios():
        verdicts.extend(check_all(history, as_of=as_of))
    history = AidHistory(SPEARHEAD, (op("m", date(2020, 1, 1), 1, 2),))
    verdicts.extend(check_regime(history, scheme="nowhere"))
    return verdicts


def test_the_table_covers_exactly_the_codes_the_checks_emit():
    codes = {v.code for v in emitted()}
    assert codes == set(MESSAGES)


def test_every_verdict_fills_exactly_the_placeholders_of_its_sentence():
    for verdict in emitted():
        placeholders = set(re.findall(r"%\((\w+)\)s", MESSAGES[verdict.code]))
        assert placeholders == set(verdict.params), verdict.code
        assert verdict.message == render(verdict.code, verdict.params)
        assert verdict.code.split(".")[0] == verdict.check


def test_operating_intensity_breach_in_english_with_the_figures():
    history = AidHistory(SPEARHEAD, (op("g1", date(2018, 1, 1), 600_000, 1_000_000),))
    verdict = next(v for v in check_all(history) if v.check == "operating_aid_intensity")
    assert verdict.code == "operating_aid_intensity.exceeded"
    assert verdict.params == {
        "aid": D(600_000),
        "max_pct": D("50.00"),
        "costs": D(1_000_000),
        "excess": D(100_000),
    }
    assert verdict.message == (
        "Operating aid EUR 600,000.00 exceeds 50.00 % of eligible costs EUR 1,000,000.00 "
        "by EUR 100,000.00."
    )


def test_investment_sentence_names_the_region_of_the_grant():
    grant = Grant(
        "i1",
        ORG,
        GrantKind.INVESTMENT,
        date(2020, 1, 1),
        {2020: D(560_000)},
        {2020: {"tangible": D(1_000_000)}},
        region_type=RegionType.C_AREA,
    )
    verdict = next(
        v
        for v in check_all(AidHistory(SPEARHEAD, (grant,)))
        if v.check == "investment_aid_intensity"
    )
    assert verdict.params["region"] == "107(3)(c)"
    assert verdict.params["max_pct"] == D("55.00")
    assert verdict.message == (
        "Investment grant i1: EUR 560,000.00 on eligible costs EUR 1,000,000.00 exceeds "
        "55.00 % (region: 107(3)(c)) by EUR 10,000.00."
    )


def test_what_if_failures_carry_the_code_and_parameters():
    history = AidHistory(SPEARHEAD, (op("w", date(2018, 1, 1), 600_000, 1_000_000),))
    failure = next(f for f in what_if(history).failures if f.check == "operating_aid_intensity")
    assert failure.code == "operating_aid_intensity.exceeded"
    assert failure.params["excess"] == D(100_000)


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_sentences_are_whole_and_use_named_placeholders_only(code):
    text = MESSAGES[code]
    assert text[0].isupper() or text.startswith("%(")
    assert text.endswith(".")
    assert not re.search(r"%[sd]", text.replace("%%", ""))
