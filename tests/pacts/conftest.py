from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clusterpact.pacts import domain
from clusterpact.pacts.catalogue import load_default_catalogue
from clusterpact.pacts.models import Kpi


@pytest.fixture
def catalogue(db):
    load_default_catalogue()
    return {k.code: k for k in Kpi.objects.filter(is_current=True)}


def full_targets(pact, value=Decimal(10)):
    return {
        (pk.kpi.code, year): value
        for pk in pact.pact_kpis.select_related("kpi")
        for year in [None, *pact.years]
    }


@pytest.fixture
def draft_pact(cluster_a, officer, catalogue):
    return domain.create_pact(
        cluster=cluster_a,
        start=dt.date(2022, 1, 1),
        user=officer,
        specific_kpis=[catalogue["new-members"]],
    )


@pytest.fixture
def signed_pact(draft_pact, officer):
    domain.set_targets(draft_pact, values=full_targets(draft_pact), user=officer)
    return domain.sign_pact(draft_pact, user=officer)


VALID = {
    "members": "3",
    "sme-members": "1",
    "sme-share": "50",
    "young-share": "0",
    "helix-diversity": "0.4444",
    "fee-income": "0",
    "collab-projects": "4",
    "project-budget": "1200000",
    "competitiveness": "70",
    "private-cofinancing": "55",
    "transition-projects": "2",
    "eu-participations": "1",
    "new-members": "1",
}


@pytest.fixture
def report(signed_pact, manager_a):
    return signed_pact.reports.order_by("period_start").first()


@pytest.fixture
def submitted(report, manager_a, members_a):
    domain.save_report_values(report, values=VALID, user=manager_a)
    return domain.submit_report(report, user=manager_a)
