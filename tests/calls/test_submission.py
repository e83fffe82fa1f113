"""Applicant side: eligibility with a message per failed rule, closing time to the second,
receipts, attachments, and an applicant seeing only their own proposals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from clusterpact.accounts.models import Role
from clusterpact.calls import domain
from clusterpact.calls.messages import failure_message
from clusterpact.calls.models import ProposalPartner, ProposalStatus
from clusterpact.registry.models import HelixRole
from tests.conftest import make_organisation, make_user

from .conftest import CLOSES, make_call, make_proposal


def messages_of(proposal) -> list[str]:
    with translation.override("en"):
        return [failure_message(f) for f in domain.check_proposal(proposal)]


def test_complete_consortium_is_eligible(draft):
    assert domain.check_proposal(draft) == []


def test_min_companies_fails_with_its_message(open_call, applicant, consortium, kpi):
    small, _large, uni = consortium
    proposal = make_proposal(open_call, applicant, partners=[uni, small], kpi=kpi)
    assert messages_of(proposal) == [
        "The consortium has 1 companies; the call requires at least 2."
    ]


def test_sme_share_fails_with_its_message(open_call, applicant, consortium, kpi):
    _small, large, uni = consortium
    other_large = make_organisation("Other Large", size_class="large")
    proposal = make_proposal(open_call, applicant, partners=[uni, large, other_large], kpi=kpi)
    assert messages_of(proposal) == [
        "SMEs are 0 of 2 companies (0 %); the call requires at least 50 %."
    ]


def test_missing_helix_role_fails_with_its_message(open_call, applicant, consortium, kpi):
    small, large, _uni = consortium
    proposal = make_proposal(open_call, applicant, partners=[small, large], kpi=kpi)
    assert messages_of(proposal) == [
        "The consortium has no partner with the helix role Knowledge institution; "
        "the call requires one."
    ]


def test_helix_count_clusters_duration_and_budget_each_fail(applicant, consortium, kpi):
    call = make_call(
        kpis=[kpi],
        min_helix_roles=3,
        min_clusters=2,
        max_duration_months=12,
        max_budget_per_proposal=Decimal("150000"),
    )
    proposal = make_proposal(call, applicant, partners=consortium, kpi=kpi)
    assert messages_of(proposal) == [
        "The consortium covers 2 helix roles; the call requires at least 3.",
        "The partners belong to 1 clusters; the call requires at least 2.",
        "The project lasts 24 months; the call allows at most 12.",
        "The budget of EUR 200,000.00 is above the call's maximum of EUR 150,000.00.",
    ]


def test_completeness_rules_each_fail(open_call, applicant, consortium):
    small, large, uni = consortium
    proposal = make_proposal(open_call, applicant, partners=[], budget=None)
    for org in (small, large, uni):
        ProposalPartner.objects.create(proposal=proposal, organisation=org, role="partner")
    assert messages_of(proposal) == [
        "The budget must be a positive amount.",
        "A consortium has exactly one coordinator; this one has 0.",
        "The budget has no lines yet.",
        "The call asks a baseline and a target for the KPI collab-projects.",
    ]


def test_new_organisation_counts_with_declared_helix_role_and_sme(
    open_call, applicant, consortium, kpi
):
    _small, large, uni = consortium
    proposal = make_proposal(open_call, applicant, partners=[uni, large], kpi=kpi)
    ProposalPartner.objects.create(
        proposal=proposal, new_name="Startup BV", new_helix_role=HelixRole.COMPANY, new_is_sme=True
    )
    assert domain.check_proposal(proposal) == []


def test_submission_refused_with_every_failure(open_call, applicant, consortium, kpi):
    small, _large, _uni = consortium
    proposal = make_proposal(open_call, applicant, partners=[small], kpi=kpi)
    with pytest.raises(domain.NotEligible) as error:
        domain.submit_proposal(proposal=proposal, at=CLOSES - dt.timedelta(days=1))
    assert [f.code for f in error.value.failures] == ["min_companies", "missing_helix_role"]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT and proposal.receipt_number is None


def test_submission_one_second_before_closing_is_accepted(draft):
    at = CLOSES - dt.timedelta(seconds=1)
    domain.submit_proposal(proposal=draft, at=at)
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.SUBMITTED
    assert draft.submitted_at == at
    assert draft.receipt_number == f"C{draft.call_id:03d}-0001"


def test_submission_at_the_closing_second_is_refused(draft):
    with pytest.raises(domain.CallClosed):
        domain.submit_proposal(proposal=draft, at=CLOSES)
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.DRAFT


def test_submission_before_opening_is_refused(applicant, consortium, kpi):
    call = make_call(kpis=[kpi], opens=CLOSES - dt.timedelta(days=10))
    proposal = make_proposal(call, applicant, partners=consortium, kpi=kpi)
    with pytest.raises(domain.CallClosed):
        domain.submit_proposal(proposal=proposal, at=CLOSES - dt.timedelta(days=11))


def test_receipt_numbers_count_up_per_call(open_call, consortium, kpi):
    first = make_proposal(open_call, make_user("a1", Role.APPLICANT), partners=consortium, kpi=kpi)
    second = make_proposal(open_call, make_user("a2", Role.APPLICANT), partners=consortium, kpi=kpi)
    at = CLOSES - dt.timedelta(hours=1)
    domain.submit_proposal(proposal=first, at=at)
    domain.submit_proposal(proposal=second, at=at)
    assert [first.receipt_number, second.receipt_number] == [
        f"C{open_call.pk:03d}-0001",
        f"C{open_call.pk:03d}-0002",
    ]


@pytest.fixture
def frozen(monkeypatch, settings):
    """Set the server clock the views read (the session outlives the jump to 2030)."""
    settings.SESSION_COOKIE_AGE = 20 * 365 * 24 * 3600

    def freeze(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


def test_submit_page_to_the_second(client, draft, applicant, frozen):
    frozen(timezone.now())
    client.force_login(applicant)
    url = reverse("calls:proposal-submit", args=[draft.pk])
    frozen(CLOSES)
    response = client.post(url)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.DRAFT
    frozen(CLOSES - dt.timedelta(seconds=1))
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("calls:proposal-receipt", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.SUBMITTED
    assert draft.submitted_at == CLOSES - dt.timedelta(seconds=1)


def test_editing_after_closing_is_forbidden_to_the_second(client, draft, applicant, frozen):
    frozen(timezone.now())
    client.force_login(applicant)
    url = reverse("calls:proposal-edit", args=[draft.pk])
    data = {"title": "Changed", "theme_description": "x", "duration_months": 12}
    frozen(CLOSES - dt.timedelta(seconds=1))
    assert client.post(url, data).status_code == 302
    frozen(CLOSES)
    assert client.post(url, {**data, "title": "Too late"}).status_code == 403
    assert client.post(reverse("calls:budget-add", args=[draft.pk]), {}).status_code == 403
    draft.refresh_from_db()
    assert draft.title == "Changed"


def test_submitted_proposal_cannot_be_edited(client, submitted, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("calls:proposal-edit", args=[submitted.pk]),
        {"title": "Changed", "theme_description": "x", "duration_months": 12},
    )
    assert response.status_code == 403


def test_submit_page_lists_each_failed_rule(client, open_call, applicant, consortium, kpi):
    small, _large, _uni = consortium
    proposal = make_proposal(open_call, applicant, partners=[small], kpi=kpi)
    client.force_login(applicant)
    response = client.post(
        reverse("calls:proposal-submit", args=[proposal.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.context["problems"] == [
        "The consortium has 1 companies; the call requires at least 2.",
        "The consortium has no partner with the helix role Knowledge institution; "
        "the call requires one.",
    ]


def test_receipt_page_and_pdf(client, submitted, applicant):
    client.force_login(applicant)
    url = reverse("calls:proposal-receipt", args=[submitted.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert submitted.receipt_number in page.content.decode()
    pdf = client.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_applicant_sees_only_own_proposals(client, draft, consortium, kpi):
    other = make_user("other-applicant", Role.APPLICANT)
    client.force_login(other)
    assert client.get(reverse("calls:proposal-detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("calls:proposal-edit", args=[draft.pk])).status_code == 404
    assert client.post(reverse("calls:proposal-submit", args=[draft.pk])).status_code == 404
    api = client.get(reverse("calls:api-proposal-list"))
    assert api.json()["results"] == []


def test_partner_form_finds_registry_organisation_by_enterprise_number(client, draft, applicant):
    client.force_login(applicant)
    org = make_organisation("Numbered NV", "0403170701")
    url = reverse("calls:partner-add", args=[draft.pk])
    response = client.post(url, {"partner-identifier": "0403.170.701", "partner-role": "partner"})
    assert response.status_code == 302
    assert draft.partners.filter(organisation=org).exists()
    response = client.post(url, {"partner-identifier": "0999.999.999", "partner-role": "partner"})
    assert response.status_code == 400


PDF = b"%PDF-1.4\n%test\n"


@override_settings(CALLS_ATTACHMENT_MAX_BYTES=64)
def test_attachments_are_checked_by_type_content_and_size(
    client, draft, applicant, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(applicant)
    url = reverse("calls:attachment-add", args=[draft.pk])

    def upload(name, content):
        return client.post(url, {"file-file": SimpleUploadedFile(name, content)})

    assert upload("plan.pdf", PDF).status_code == 302
    assert upload("tool.exe", b"MZ\x90\x00").status_code == 400
    assert upload("fake.pdf", b"MZ\x90\x00 not a pdf").status_code == 400
    assert upload("big.pdf", PDF + b"x" * 100).status_code == 400
    assert list(draft.attachments.values_list("name", flat=True)) == ["plan.pdf"]


def test_kpi_targets_must_improve_in_the_kpis_direction(draft):
    row = draft.kpis.select_related("kpi").get()
    row.target = row.baseline
    row.save()
    assert messages_of(draft) == [
        "The target 2 for the KPI collab-projects does not improve on its baseline 2."
    ]
    # For a KPI where lower is better, a lower target is the improvement.
    type(row.kpi).objects.filter(pk=row.kpi_id).update(direction="lower")
    row.target = Decimal(1)
    row.save()
    assert messages_of(draft) == []
