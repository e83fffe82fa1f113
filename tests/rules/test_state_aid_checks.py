"""The checks of GBER art. 27, read paragraph by paragraph, at their boundaries."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterpact.rules.state_aid import (
    AidHistory,
    Cluster,
    ClusterType,
    Grant,
    GrantKind,
    Recipient,
    RecipientKind,
    RegionType,
    Status,
    check_all,
)
from clusterpact.rules.state_aid.checks import (
    add_years,
    check_cost_categories,
    check_investment_intensity,
    check_notification_threshold,
    check_operating_duration,
    check_operating_intensity,
    check_private_cofinancing,
    check_publication,
    check_recipient,
    check_regime,
    check_yearly_ceiling,
)

D = Decimal
ORG = Recipient("org", "Cluster vzw", RecipientKind.CLUSTER_ORGANISATION)
CONSORTIUM = Recipient("cons", "Operating consortium", RecipientKind.OPERATING_CONSORTIUM)
MEMBER = Recipient("firm", "A member firm", RecipientKind.OTHER)
SPEARHEAD = Cluster("c1", "Spearhead", ClusterType.SPEARHEAD)


def operating(gid, day, aid, costs=None, *, recipient=ORG, year=None, published=True):
    year = year or day.year
    costs = D(aid) * 2 if costs is None else costs
    return Grant(
        gid,
        recipient,
        GrantKind.OPERATING,
        day,
        {year: D(aid)},
        {year: {"animation": D(costs)}},
        published=published,
    )


def investment(gid, day, aid, costs, *, region=None, published=True):
    return Grant(
        gid,
        ORG,
        GrantKind.INVESTMENT,
        day,
        {day.year: D(aid)},
        {day.year: {"tangible": D(costs)}},
        published=published,
        region_type=region,
    )


def history(*grants, cluster=SPEARHEAD, private=None):
    return AidHistory(cluster, grants, private or {})


def one(verdicts):
    assert len(verdicts) == 1, verdicts
    return verdicts[0]


# --- art. 27(7): operating aid for at most 10 years -------------------------------------------


FIRST = date(2017, 1, 1)


@pytest.mark.parametrize(
    ("second", "status"),
    [
        (date(2026, 12, 31), Status.OK),  # the day before the tenth anniversary: last day allowed
        (date(2027, 1, 1), Status.BREACH),  # the tenth anniversary: ten years have passed
        (date(2027, 1, 2), Status.BREACH),  # the day after
    ],
)
def test_operating_aid_at_most_ten_years(second, status):
    """Art. 27(7): "Operating aid may be granted for not more than 10 years." The period starts
    with the first operating grant; a later grant on its last day passes, one after it breaches."""
    h = history(operating("g1", FIRST, 100_000), operating("g2", second, 100_000, year=2026))
    verdict = one(check_operating_duration(h, as_of=date(2030, 1, 1)))
    assert verdict.status is status
    assert verdict.legal_basis == "GBER art. 27(7)"
    assert verdict.figures["last_day"] == date(2026, 12, 31)


def test_operating_aid_allocated_to_a_year_after_the_period_breaches():
    """Art. 27(7): a grant inside the ten years that pays operating aid for a later year
    extends the aid beyond ten years."""
    late = Grant("g2", ORG, GrantKind.OPERATING, date(2026, 6, 1), {2026: D(1), 2027: D(1)})
    h = history(operating("g1", FIRST, 100_000), late)
    assert one(check_operating_duration(h)).status is Status.BREACH


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        (date(2024, 12, 30), Status.OK),  # 24 months and a day before the last day
        (date(2024, 12, 31), Status.WARNING),  # 24 months before: the warning starts
        (date(2026, 12, 31), Status.WARNING),
        (date(2027, 1, 1), Status.OK),  # period over, no aid after it
    ],
)
def test_warning_within_24_months_of_the_end(as_of, status):
    """Art. 27(7) with the programme's lead time: warn 24 months before the ten years end."""
    h = history(operating("g1", FIRST, 100_000))
    assert one(check_operating_duration(h, as_of=as_of)).status is status


def test_ten_years_from_29_february():
    """A period starting on 29 February ends on 28 February ten years later (no 29th then)."""
    assert add_years(date(2016, 2, 29), 10) == date(2026, 3, 1)
    h = history(
        operating("g1", date(2016, 2, 29), 1), operating("g2", date(2026, 3, 1), 1, year=2025)
    )
    verdict = one(check_operating_duration(h))
    assert verdict.figures["last_day"] == date(2026, 2, 28)
    assert verdict.status is Status.BREACH


# --- art. 27(9): operating aid intensity ≤ 50 % over the aid period -----------------------------


@pytest.mark.parametrize(
    ("aid", "status"),
    [
        (D("400000.00"), Status.OK),  # exactly 50 % of EUR 800 000: "shall not exceed"
        (D("400000.01"), Status.BREACH),  # 50 % + 1 cent
        (D("399999.99"), Status.OK),
    ],
)
def test_operating_aid_intensity_at_fifty_percent(aid, status):
    """Art. 27(9): "The aid intensity of operating aid shall not exceed 50 % of the total
    eligible costs during the period for which the aid is granted." """
    h = history(operating("g1", date(2020, 3, 1), aid, D(800_000)))
    verdict = one(check_operating_intensity(h))
    assert verdict.status is status
    assert verdict.legal_basis == "GBER art. 27(9)"
    assert verdict.figures["room"] == D(400_000) - aid


def test_operating_intensity_is_over_the_whole_period_not_per_year():
    """Art. 27(9) measures over the period: a 60 % year is fine if the period stays at 50 %."""
    h = history(
        operating("g1", date(2020, 1, 1), 60, 100),
        operating("g2", date(2021, 1, 1), 40, 100),
    )
    assert one(check_operating_intensity(h)).status is Status.OK


@given(
    aid=st.decimals(min_value=1, max_value=10**7, places=2),
    costs=st.decimals(min_value=1, max_value=10**7, places=2),
    factor=st.decimals(min_value=D("0.01"), max_value=1000, places=2),
)
def test_scaling_all_amounts_keeps_the_intensity_verdicts(aid, costs, factor):
    """Art. 27(6) and 27(9) are about ratios: scaling aid and costs together changes nothing."""
    day = date(2024, 2, 1)

    def verdicts(k):
        h = history(
            operating("op", day, aid * k, costs * k),
            investment("inv", day, aid * k, costs * k),
        )
        return [v.status for v in check_operating_intensity(h) + check_investment_intensity(h)]

    assert verdicts(D(1)) == verdicts(factor)


# --- art. 27(6): investment aid intensity and the regional bonus --------------------------------


@pytest.mark.parametrize(
    ("region", "aid", "status"),
    [
        (RegionType.NONE, 500_000, Status.OK),  # 50 %
        (RegionType.NONE, D("500000.01"), Status.BREACH),
        (RegionType.C_AREA, 550_000, Status.OK),  # 50 % + 5 pp
        (RegionType.C_AREA, D("550000.01"), Status.BREACH),
        (RegionType.A_AREA, 650_000, Status.OK),  # 50 % + 15 pp
        (RegionType.A_AREA, D("650000.01"), Status.BREACH),
    ],
)
def test_investment_aid_intensity_with_regional_bonus(region, aid, status):
    """Art. 27(6): "The aid intensity of investment aid shall not exceed 50 %"; it may be
    increased by 15 percentage points in art. 107(3)(a) areas and 5 in art. 107(3)(c) areas."""
    cluster = Cluster("c", "C", ClusterType.SPEARHEAD, region)
    h = history(investment("i1", date(2024, 5, 1), aid, 1_000_000), cluster=cluster)
    verdict = one(check_investment_intensity(h))
    assert verdict.status is status
    assert verdict.legal_basis == "GBER art. 27(6)"


def test_investment_region_of_the_grant_overrides_the_cluster():
    """Art. 27(6): the bonus follows where the investment is, which may differ per grant."""
    h = history(investment("i1", date(2024, 5, 1), 600_000, 1_000_000, region=RegionType.A_AREA))
    assert one(check_investment_intensity(h)).status is Status.OK


# --- art. 27(5) and 27(8): eligible cost categories --------------------------------------------


def test_operating_costs_outside_27_8_are_left_out_of_the_base():
    """Art. 27(8): operating aid covers personnel and administrative costs for (a) animation,
    (b) marketing, (c) facilities, training, workshops and conferences. Investment costs or
    anything else declared on an operating grant are not eligible."""
    grant = Grant(
        "g",
        ORG,
        GrantKind.OPERATING,
        date(2022, 1, 1),
        {2022: D(100)},
        {2022: {"animation": D(100), "marketing": D(50), "catering": D(30), "tangible": D(20)}},
    )
    verdict = one(check_cost_categories(history(grant)))
    assert verdict.status is Status.WARNING
    assert verdict.figures["ineligible_costs"] == D(50)
    assert verdict.figures["ineligible_categories"] == ("catering", "tangible")
    assert verdict.legal_basis == "GBER art. 27(8)"
    # 100 aid on 150 eligible costs is 66.7 %: the ineligible 50 do not rescue it.
    assert one(check_operating_intensity(history(grant))).status is Status.BREACH


def test_investment_costs_are_tangible_and_intangible_assets():
    """Art. 27(5): investment aid covers investments in tangible and intangible assets."""
    grant = Grant(
        "i",
        ORG,
        GrantKind.INVESTMENT,
        date(2022, 1, 1),
        {2022: D(100)},
        {2022: {"tangible": D(100), "intangible": D(100)}},
    )
    verdict = one(check_cost_categories(history(grant)))
    assert verdict.status is Status.OK
    assert verdict.legal_basis == "GBER art. 27(5)"


# --- art. 4(1)(l): notification threshold per cluster -------------------------------------------


def test_notification_threshold_before_the_amendment():
    """Art. 4(1)(l) before 2023/1315: aid for innovation clusters above EUR 7.5 million per
    cluster needs notification. EUR 8 million granted by 30 June 2023 breaches."""
    h = history(
        investment("i1", date(2022, 1, 1), 4_000_000, 8_000_000),
        investment("i2", date(2023, 6, 30), 4_000_000, 8_000_000),
    )
    verdict = one(check_notification_threshold(h))
    assert verdict.status is Status.BREACH
    assert verdict.grant_id == "i2"
    assert verdict.figures["threshold"] == D(7_500_000)
    assert verdict.legal_basis == "GBER art. 4(1)(l)"


def test_notification_threshold_after_the_amendment():
    """Art. 4(1)(l) as amended: EUR 10 million per cluster. The same EUR 8 million, with the
    second grant on 1 July 2023, is measured against the new threshold and passes."""
    h = history(
        investment("i1", date(2022, 1, 1), 4_000_000, 8_000_000),
        investment("i2", date(2023, 7, 1), 4_000_000, 8_000_000),
    )
    verdict = one(check_notification_threshold(h))
    assert verdict.status is Status.OK
    assert verdict.figures["room"] == D(2_000_000)


def test_notification_threshold_exactly_at_it_is_ok():
    h = history(investment("i1", date(2020, 1, 1), 7_500_000, 15_000_000))
    assert one(check_notification_threshold(h)).status is Status.OK
    h = history(investment("i1", date(2020, 1, 1), D("7500000.01"), 15_000_000))
    assert one(check_notification_threshold(h)).status is Status.BREACH


# --- art. 9: publication ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "published", "status"),
    [
        (date(2023, 6, 30), False, Status.OK),  # EUR 200 000 is below the old EUR 500 000
        (date(2023, 7, 1), False, Status.BREACH),  # and above the new EUR 100 000
        (date(2023, 7, 1), None, Status.WARNING),  # not known: ask
        (date(2023, 7, 1), True, Status.OK),
    ],
)
def test_publication_threshold_on_either_side_of_1_july_2023(day, published, status):
    """Art. 9(1)(c): information on each individual award above EUR 500 000 (from
    1 July 2023: EUR 100 000) is published."""
    h = history(operating("g", day, 200_000, published=published))
    verdict = one(check_publication(h))
    assert verdict.status is status
    assert verdict.legal_basis == "GBER art. 9(1)(c)"


def test_publication_exactly_at_the_threshold_is_not_required():
    """Art. 9: "above" the threshold; an award of exactly EUR 100 000 need not be published."""
    h = history(operating("g", date(2024, 1, 1), 100_000, published=False))
    assert one(check_publication(h)).status is Status.OK


# --- art. 27(2): the recipient ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recipient", "day", "status"),
    [
        (ORG, date(2020, 1, 1), Status.OK),
        (CONSORTIUM, date(2023, 6, 30), Status.BREACH),  # before 2023/1315: only the organisation
        (CONSORTIUM, date(2023, 7, 1), Status.OK),  # since: also a consortium operating it
        (MEMBER, date(2024, 1, 1), Status.BREACH),  # never a member firm
    ],
)
def test_aid_only_to_the_cluster_organisation_or_operating_consortium(recipient, day, status):
    """Art. 27(2): aid is granted solely to the legal entity operating the cluster; since
    Regulation (EU) 2023/1315 also to a consortium operating it."""
    h = history(operating("g", day, 100_000, recipient=recipient))
    verdict = one(check_recipient(h))
    assert verdict.status is status
    assert verdict.legal_basis == "GBER art. 27(2)"


# --- the Flemish scheme: yearly ceiling and private cofinancing ----------------------------------


@pytest.mark.parametrize(
    ("cluster_type", "aid", "status"),
    [
        (ClusterType.SPEARHEAD, 500_000, Status.OK),
        (ClusterType.SPEARHEAD, D("500000.01"), Status.BREACH),
        (ClusterType.BUSINESS_NETWORK, 150_000, Status.OK),
        (ClusterType.BUSINESS_NETWORK, D("150000.01"), Status.BREACH),
    ],
)
def test_flemish_yearly_ceiling_per_cluster_type(cluster_type, aid, status):
    """Besluit 4 March 2016: basic funding at most EUR 500 000 a year for a spearhead cluster,
    EUR 150 000 for an innovative business network."""
    cluster = Cluster("c", "C", cluster_type)
    h = history(operating("g", date(2022, 1, 1), aid, 2_000_000), cluster=cluster)
    verdict = one(check_yearly_ceiling(h))
    assert verdict.status is status
    assert "Besluit" in verdict.legal_basis


def test_flemish_basic_funding_at_most_half_the_running_costs_of_the_year():
    """Besluit 4 March 2016: the government pays 50 % of the running costs, year by year."""
    h = history(
        operating("g1", date(2022, 1, 1), 60, 100),
        operating("g2", date(2023, 1, 1), 40, 100),
    )
    statuses = [v.status for v in check_yearly_ceiling(h)]
    assert statuses == [Status.BREACH, Status.OK]


@pytest.mark.parametrize(
    ("private", "status"), [(100_000, Status.OK), (D("99999.99"), Status.BREACH)]
)
def test_private_cofinancing_at_least_the_public_basic_funding(private, status):
    """Besluit 4 March 2016: members cofinance at least as much as the public basic funding."""
    h = history(operating("g", date(2022, 1, 1), 100_000), private={2022: private})
    verdict = one(check_private_cofinancing(h))
    assert verdict.status is status


def test_without_a_national_scheme_only_the_gber_applies():
    h = history(operating("g", date(2022, 1, 1), 900_000, 2_000_000))
    assert check_yearly_ceiling(h, scheme=None) == ()
    assert check_private_cofinancing(h, scheme=None) == ()
    assert one(check_operating_intensity(h, scheme=None)).status is Status.OK


# --- regime and check_all -----------------------------------------------------------------------


def test_a_grant_after_2026_gets_a_breach_naming_the_missing_regime():
    """The GBER applies until 31 December 2026; a later grant has no configured exemption."""
    h = history(operating("g1", date(2020, 1, 1), 1), operating("g2", date(2027, 3, 1), 1))
    verdict = one(check_regime(h))
    assert verdict.status is Status.BREACH
    assert "no state-aid regime is configured for 2027-03-01" in verdict.message


def test_check_all_cites_an_article_and_a_ruleset_in_every_verdict():
    h = history(
        operating("g1", date(2017, 1, 1), 400_000, 800_000),
        operating("g2", date(2023, 7, 1), 400_000, 800_000),
        investment("i1", date(2024, 1, 1), 100_000, 200_000),
        private={2017: 400_000, 2023: 400_000},
    )
    verdicts = check_all(h, as_of=date(2024, 1, 1))
    checks = {v.check for v in verdicts}
    assert checks == {
        "recipient",
        "operating_aid_duration",
        "operating_aid_intensity",
        "investment_aid_intensity",
        "cost_categories",
        "notification_threshold",
        "publication",
        "yearly_ceiling",
        "private_cofinancing",
    }
    assert all(v.legal_basis and v.ruleset for v in verdicts)
    rulesets = {v.ruleset for v in verdicts if v.grant_id == "g1"}
    assert rulesets == {
        "GBER 651/2014 before the 2023 amendment + Flemish cluster scheme (Besluit 4 March 2016)"
    }
    assert all(v.status is not Status.BREACH for v in verdicts)


def test_project_funds_are_outside_article_27():
    """Earmarked project funds go to project participants under other GBER articles."""
    grant = Grant("p", MEMBER, GrantKind.PROJECT, date(2024, 1, 1), {2024: D(5_000_000)})
    assert check_all(history(grant)) == ()


def test_adapters_may_pass_stored_strings_and_floats():
    """A Django adapter passes choice values and numbers as stored; they become enums and
    Decimal (floats through their shortest repr, so 0.1 stays 0.1)."""
    cluster = Cluster("c", "C", "business_network", "107(3)(c)")
    grant = Grant(
        "g",
        Recipient("r", "R", "cluster_organisation"),
        "investment",
        date(2024, 1, 1),
        {2024: 0.1},
        {2024: {"tangible": "0.2"}},
    )
    assert cluster.cluster_type is ClusterType.BUSINESS_NETWORK
    assert (
        grant.kind is GrantKind.INVESTMENT
        and grant.recipient.kind is RecipientKind.CLUSTER_ORGANISATION
    )
    assert grant.aid == {2024: D("0.1")}
    assert grant.total_eligible_costs == D("0.2")
    with pytest.raises(ValueError, match="'spearheads' is not a valid ClusterType"):
        Cluster("c", "C", "spearheads")


def test_negative_amounts_are_refused_with_the_year():
    with pytest.raises(ValueError, match="grant g: aid for 2024 is negative"):
        Grant("g", ORG, GrantKind.OPERATING, date(2024, 1, 1), {2024: D(-1)})
