"""The cofinancing ratio: private over public funding of the report's period, from the funding app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from clusterpact.funding.models import FundingLine, FundingLineKind, PrivateContribution
from clusterpact.pacts import derived, domain
from clusterpact.pacts.periods import Period
from tests.conftest import make_organisation
from tests.funding.conftest import record_operating

from .conftest import VALID

YEAR_2021 = Period(dt.date(2021, 1, 1), dt.date(2021, 12, 31), dt.date(2022, 3, 31))


@pytest.fixture
def line(db):
    return FundingLine.objects.create(name="Basic", kind=FundingLineKind.BASIC)


@pytest.fixture
def recipient(cluster_a):
    return make_organisation("Alpha vzw", helix_role="civil_society", kind="cluster_organisation")


def test_ratio_of_a_calendar_year(cluster_a, members_a, fees_a, line, recipient):
    # 2021: fees 500 + 5,000 + 2,000 = 7,500 and a declared contribution of 2,500, over aid of 4,000.
    record_operating(cluster_a, line, recipient, year=2021, aid=4000, animation=10000)
    PrivateContribution.objects.create(cluster=cluster_a, year=2021, amount=2500)
    assert derived.compute("cofinancing_ratio", cluster_a, YEAR_2021) == Decimal("2.50")


def test_ratio_of_a_period_across_two_years_is_pro_rata(
    cluster_a, members_a, fees_a, line, recipient
):
    record_operating(cluster_a, line, recipient, year=2020, aid=8000, animation=20000)
    record_operating(cluster_a, line, recipient, year=2021, aid=4000, animation=10000)
    PrivateContribution.objects.create(cluster=cluster_a, year=2021, amount=2500)
    period = Period(dt.date(2020, 7, 1), dt.date(2021, 6, 30), dt.date(2021, 9, 30))
    # private: 7,500 × 184/366 + 10,000 × 181/365 = 3,770.49 + 4,958.90 = 8,729.39
    # public:  8,000 × 184/366 +  4,000 × 181/365 = 4,021.86 + 1,983.56 = 6,005.42
    # 8,729.39 / 6,005.42 = 1.4536
    assert derived.compute("cofinancing_ratio", cluster_a, period) == Decimal("1.45")


def test_no_public_funding_gives_none(cluster_a, members_a, fees_a):
    assert derived.compute("cofinancing_ratio", cluster_a, YEAR_2021) is None


def test_only_the_clusters_own_grants_count(
    cluster_a, cluster_b, members_a, fees_a, line, recipient
):
    record_operating(cluster_a, line, recipient, year=2021, aid=7500, animation=20000)
    record_operating(cluster_b, line, recipient, year=2021, aid=100_000, animation=200_000)
    assert derived.compute("cofinancing_ratio", cluster_a, YEAR_2021) == Decimal("1.00")


def test_a_reported_ratio_that_contradicts_the_funding_is_flagged(
    report, manager_a, members_a, line, recipient
):
    # The first report covers 2022: no fee schedule that year, 1,000 declared over 500 of aid.
    record_operating(report.pact.cluster, line, recipient, year=2022, aid=500, animation=2000)
    PrivateContribution.objects.create(cluster=report.pact.cluster, year=2022, amount=1000)
    assert "cofinancing-ratio" in [k.code for k in domain.report_kpis(report)]
    with translation.override("en"):
        check = domain.save_report_values(
            report, values={**VALID, "cofinancing-ratio": "3"}, user=manager_a
        )
    assert [(w.kpi, w.message) for w in check.warnings] == [
        ("cofinancing-ratio", "Reported 3, the registry gives 2.")
    ]
    check = domain.save_report_values(
        report, values={**VALID, "cofinancing-ratio": "2.05"}, user=manager_a
    )
    assert check.warnings == []
