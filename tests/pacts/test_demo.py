"""The demo pacts: seven signed pacts, reports in every state, values that pass validation, fast."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from clusterpact.accounts.models import User
from clusterpact.demo.loader import load_demo
from clusterpact.pacts import domain
from clusterpact.pacts.demo import load_demo_pacts
from clusterpact.pacts.models import Pact, PactStatus, Report, ReportStatus
from clusterpact.pacts.permissions import pacts_for


@pytest.mark.django_db
def test_demo_pacts_signed_with_reports_and_idempotent():
    load_demo(stdout=io.StringIO())
    pacts = Pact.objects.select_related("cluster")
    assert pacts.count() == 7
    assert {p.status for p in pacts} == {PactStatus.SIGNED}
    assert {p.term_years for p in pacts} == {5}
    statuses = set(Report.objects.values_list("status", flat=True))
    assert {ReportStatus.ACCEPTED, ReportStatus.RETURNED, ReportStatus.SUBMITTED} <= statuses
    for report in Report.objects.exclude(status=ReportStatus.DRAFT)[:6]:
        raw = {v.kpi.code: v.value for v in report.values.select_related("kpi")}
        assert domain.check_values(report, raw).problems == []
    Pact.objects.all().delete()
    assert load_demo_pacts(io.StringIO()) == 7
    assert load_demo_pacts(io.StringIO()) == 0


@pytest.mark.django_db
def test_demo_pages_render_for_officer_and_manager(client):
    load_demo(stdout=io.StringIO())
    for username in ("officer", "manager"):
        user = User.objects.get(username=username)
        client.force_login(user)
        assert client.get(reverse("pacts:report-table")).status_code == 200
        for pact in pacts_for(user)[:2]:
            assert client.get(pact.get_absolute_url()).status_code == 200
            for report in pact.reports.all()[:2]:
                assert client.get(report.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_demo_reports_derived_values_as_the_records_give_them():
    load_demo(stdout=io.StringIO())
    reports = Report.objects.filter(status=ReportStatus.ACCEPTED).select_related("pact__cluster")
    for report in reports[:5]:
        raw = {v.kpi.code: v.value for v in report.values.select_related("kpi")}
        assert domain.check_values(report, raw).warnings == [], report
        # The cofinancing ratio is reported only where the funding records give one.
        computed = domain.derived_values(report, domain.report_kpis(report))["cofinancing-ratio"]
        assert raw["cofinancing-ratio"] in (None, computed)
