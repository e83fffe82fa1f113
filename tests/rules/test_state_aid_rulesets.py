"""Dated rule sets: the GBER before and after Regulation (EU) 2023/1315, the Flemish scheme on top."""

import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterpact.rules.state_aid import EU_REGIMES, NoRulesetError, RecipientKind, ruleset_for
from clusterpact.rules.state_aid.model import ClusterType, RegionType
from clusterpact.rules.state_aid.rulesets import Parameter, unverified_parameters


def test_the_day_before_the_amendment_uses_the_2014_text():
    """Regulation (EU) 2023/1315 applies from 1 July 2023; 30 June 2023 is still the old text."""
    ruleset = ruleset_for(date(2023, 6, 30))
    assert ruleset.eu.name == "GBER 651/2014 before the 2023 amendment"
    assert ruleset.eu.notification_threshold.value == Decimal(7_500_000)
    assert ruleset.eu.publication_threshold.value == Decimal(500_000)
    assert ruleset.eu.eligible_recipients.value == {RecipientKind.CLUSTER_ORGANISATION}


def test_from_1_july_2023_the_amended_text_applies():
    """Art. 4(1)(l) as amended: EUR 10 million per cluster; art. 9: awards above EUR 100 000;
    art. 27(2): also a consortium operating the cluster."""
    ruleset = ruleset_for(date(2023, 7, 1))
    assert ruleset.eu.notification_threshold.value == Decimal(10_000_000)
    assert ruleset.eu.publication_threshold.value == Decimal(100_000)
    assert RecipientKind.OPERATING_CONSORTIUM in ruleset.eu.eligible_recipients.value


def test_last_day_of_the_gber_is_31_december_2026():
    """The GBER applies until 31 December 2026 (art. 59 as amended)."""
    assert ruleset_for(date(2026, 12, 31)).eu is EU_REGIMES[-1]


def test_a_date_after_2026_raises_a_clear_error():
    """No successor regime is configured yet: the error names that and where to add it."""
    with pytest.raises(NoRulesetError, match=r"no state-aid regime is configured for 2027-01-01"):
        ruleset_for(date(2027, 1, 1))
    with pytest.raises(NoRulesetError, match="successor regime"):
        ruleset_for(date(2030, 6, 1))


def test_a_date_before_the_gber_raises():
    with pytest.raises(NoRulesetError, match="starts on 2014-07-01"):
        ruleset_for(date(2014, 6, 30))


def test_regimes_follow_each_other_without_gaps():
    for before, after in zip(EU_REGIMES, EU_REGIMES[1:], strict=False):
        assert (after.valid_from - before.valid_until).days == 1


def test_flemish_scheme_on_top_with_ceilings_per_cluster_type():
    """Besluit 4 March 2016: 50 % of running costs; EUR 500 000 a year for a spearhead cluster,
    EUR 150 000 for an innovative business network; private cofinancing at least the public."""
    national = ruleset_for(date(2020, 1, 1)).national
    assert national is not None
    assert national.basic_funding_max_share.value == Decimal("0.50")
    assert national.yearly_ceiling.value[ClusterType.SPEARHEAD] == Decimal(500_000)
    assert national.yearly_ceiling.value[ClusterType.BUSINESS_NETWORK] == Decimal(150_000)
    assert national.min_private_to_public_ratio.value == Decimal(1)


def test_flemish_scheme_starts_when_the_besluit_came_into_force():
    """In force on 17 April 2016; another region runs the GBER without it (scheme=None)."""
    assert ruleset_for(date(2016, 4, 16)).national is None
    assert ruleset_for(date(2016, 4, 17)).national is not None
    assert ruleset_for(date(2020, 1, 1), scheme=None).national is None
    with pytest.raises(NoRulesetError, match="no national scheme 'atlantis'"):
        ruleset_for(date(2020, 1, 1), scheme="atlantis")


def test_every_parameter_names_its_source_and_domain_verify_items_are_unverified():
    """DOMAIN.md marks the thresholds of art. 4(1)(l) and art. 9, the +15 pp bonus and the
    2023 wording of art. 27(2) as *verify*; they must be flagged, the others not."""
    for regime in EU_REGIMES:
        for value in vars(regime).values():
            if isinstance(value, Parameter):
                assert value.source
    flagged = {(layer, name) for layer, name, _ in unverified_parameters()}
    old, new = (r.name for r in EU_REGIMES)
    assert {(old, "notification_threshold"), (new, "notification_threshold")} <= flagged
    assert {(old, "publication_threshold"), (new, "publication_threshold")} <= flagged
    assert (new, "eligible_recipients") in flagged and (old, "regional_bonus") in flagged
    assert (old, "operating_aid_max_years") not in flagged


def test_regional_bonus_values():
    """Art. 27(6): +15 percentage points in art. 107(3)(a) areas, +5 in art. 107(3)(c) areas."""
    bonus = ruleset_for(date(2024, 1, 1)).eu.regional_bonus.value
    assert bonus[RegionType.A_AREA] == Decimal("0.15")
    assert bonus[RegionType.C_AREA] == Decimal("0.05")
    assert bonus[RegionType.NONE] == 0


@given(st.dates(min_value=date(2014, 7, 1), max_value=date(2026, 12, 31)))
def test_every_date_of_the_gber_has_exactly_one_regime(day):
    """A grant is checked against the one rule set in force on its grant date."""
    covering = [r for r in EU_REGIMES if r.covers(day)]
    assert covering == [ruleset_for(day).eu]


@given(st.dates(min_value=date(2027, 1, 1)))
def test_every_date_after_2026_raises(day):
    with pytest.raises(NoRulesetError, match="Add the successor regime"):
        ruleset_for(day)


def test_the_rules_engine_imports_no_django():
    """DESIGN.md: rules/ never sees a model or a request."""
    code = "import sys, clusterpact.rules.state_aid; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
