"""A call with a known consortium, budget and KPI, built through the domain functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from clusterpact.accounts.models import Role
from clusterpact.calls import domain
from clusterpact.calls.models import (
    PartnerRole,
    Proposal,
    ProposalBudgetLine,
    ProposalKpi,
    ProposalPartner,
)
from clusterpact.pacts.catalogue import load_default_catalogue
from clusterpact.pacts.models import Kpi
from clusterpact.registry.models import HelixRole
from tests.conftest import make_user

CLOSES = dt.datetime(2030, 3, 31, 17, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def kpi(db) -> Kpi:
    load_default_catalogue()
    return Kpi.objects.get(code="collab-projects", is_current=True)


def make_call(*, kpis=(), opens=None, closes=CLOSES, **fields):
    fields.setdefault("title", "Open call for new strategic themes")
    fields.setdefault("call_type", "new_theme")
    fields.setdefault("budget", Decimal("1000000"))
    fields.setdefault("max_duration_months", 36)
    return domain.create_call(
        kpis=kpis,
        opens_at=opens or dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        closes_at=closes,
        **fields,
    )


@pytest.fixture
def open_call(kpi):
    """Open until 2030; two companies needed, one of them an SME, and a knowledge partner."""
    return make_call(
        kpis=[kpi],
        min_companies=2,
        min_sme_share=Decimal("0.5"),
        required_helix_roles=[HelixRole.KNOWLEDGE],
    )


def make_proposal(call, applicant, *, partners=(), budget=Decimal("200000"), kpi=None, title="P"):
    """A draft; ``partners`` are organisations, the first one the coordinator."""
    proposal = Proposal.objects.create(
        call=call,
        applicant=applicant,
        title=title,
        theme_description="Hydrogen storage in salt caverns for the chemical industry.",
        duration_months=24,
    )
    for n, org in enumerate(partners):
        ProposalPartner.objects.create(
            proposal=proposal,
            organisation=org,
            role=PartnerRole.COORDINATOR if n == 0 else PartnerRole.PARTNER,
        )
    if budget:
        ProposalBudgetLine.objects.create(
            proposal=proposal, year=2031, category="personnel", amount=budget
        )
    if kpi is not None:
        ProposalKpi.objects.create(
            proposal=proposal, kpi=kpi, baseline=Decimal(2), target=Decimal(6)
        )
    return proposal


@pytest.fixture
def consortium(members_a):
    """Small Firm (SME), Large Firm, Test University."""
    return [m.organisation for m in members_a]


@pytest.fixture
def draft(open_call, applicant, consortium, kpi):
    return make_proposal(open_call, applicant, partners=consortium, kpi=kpi)


@pytest.fixture
def submitted(draft):
    return domain.submit_proposal(proposal=draft, at=CLOSES - dt.timedelta(days=1))


@pytest.fixture
def reviewers(db):
    return [make_user(f"rev{n}", Role.REVIEWER) for n in range(1, 5)]


def close(call):
    """Move the call's closing moment into the past (decisions need a closed call)."""
    call.closes_at = timezone.now() - dt.timedelta(seconds=1)
    call.opens_at = call.closes_at - dt.timedelta(days=30)
    call.save()
    return call
