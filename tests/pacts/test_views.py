"""Pages per role: officer, own manager, other manager (404), anonymous (login), wrong method (405)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterpact.pacts import domain
from clusterpact.pacts.models import Report, ReportStatus

from .conftest import VALID, full_targets


def _pages(pact, report):
    return [
        reverse("pacts:pact-detail", args=[pact.pk]),
        reverse("pacts:report-detail", args=[report.pk]),
    ]


def test_officer_and_own_manager_read_pages(client, officer, manager_a, signed_pact, report):
    for user in (officer, manager_a):
        client.force_login(user)
        for url in [
            reverse("pacts:pact-list"),
            reverse("pacts:report-table"),
            reverse("pacts:kpi-list"),
            *_pages(signed_pact, report),
        ]:
            assert client.get(url).status_code == 200, url


def test_other_manager_gets_404(client, manager_b, signed_pact, report):
    client.force_login(manager_b)
    for url in [
        *_pages(signed_pact, report),
        reverse("pacts:report-form", args=[report.pk]),
        reverse("pacts:pact-targets", args=[signed_pact.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("pacts:report-transition", args=[report.pk, "submit"])).status_code
        == 404
    )
    assert (
        signed_pact.cluster.name not in client.get(reverse("pacts:report-table")).content.decode()
    )


def test_anonymous_goes_to_login(client, signed_pact, report):
    for url in [
        reverse("pacts:pact-list"),
        reverse("pacts:report-table"),
        *_pages(signed_pact, report),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_wrong_method_405(client, officer, signed_pact, report):
    client.force_login(officer)
    assert client.post(reverse("pacts:pact-list")).status_code == 405
    assert client.get(reverse("pacts:pact-sign", args=[signed_pact.pk])).status_code == 405
    assert (
        client.get(reverse("pacts:report-transition", args=[report.pk, "accept"])).status_code
        == 405
    )
    assert client.delete(reverse("pacts:report-detail", args=[report.pk])).status_code == 405


def test_manager_cannot_create_or_edit_targets(client, manager_a, signed_pact):
    client.force_login(manager_a)
    assert client.get(reverse("pacts:pact-create")).status_code == 403
    assert client.get(reverse("pacts:pact-targets", args=[signed_pact.pk])).status_code == 403


def test_officer_creates_sets_targets_and_signs(client, officer, cluster_a, catalogue):
    client.force_login(officer)
    response = client.post(
        reverse("pacts:pact-create"),
        {"cluster": cluster_a.pk, "start": "2023-01-01", "term_years": 3, "frequency": "yearly"},
    )
    pact = cluster_a.pacts.get()
    assert response.status_code == 302
    data = {f"t-{code}-{year or 'baseline'}": "5" for code, year in full_targets(pact)}
    assert client.post(reverse("pacts:pact-targets", args=[pact.pk]), data).status_code == 302
    client.post(reverse("pacts:pact-sign", args=[pact.pk]))
    pact.refresh_from_db()
    assert pact.is_signed
    data["t-members-2024"] = "8"
    assert client.post(reverse("pacts:pact-targets", args=[pact.pk]), data).status_code == 400
    data["reason"] = "growth"
    assert client.post(reverse("pacts:pact-targets", args=[pact.pk]), data).status_code == 302
    assert pact.amendments.get().changes[0]["after"] == "8"


def test_report_form_errors_named_and_nothing_stored(client, manager_a, report):
    client.force_login(manager_a)
    data = {f"v-{k}": v for k, v in VALID.items()} | {"v-sme-members": "7"}
    response = client.post(reverse("pacts:report-form", args=[report.pk]), data)
    assert response.status_code == 400
    assert "sme-members" in response.content.decode()
    assert report.values.count() == 0


def test_report_journey_through_pages(client, manager_a, officer, report, members_a):
    client.force_login(manager_a)
    data = {f"v-{k}": v for k, v in VALID.items()}
    assert client.post(reverse("pacts:report-form", args=[report.pk]), data).status_code == 302
    client.post(reverse("pacts:report-transition", args=[report.pk, "submit"]))
    client.force_login(officer)
    client.post(reverse("pacts:report-transition", args=[report.pk, "return"]), {"comment": "why?"})
    client.force_login(manager_a)
    client.post(reverse("pacts:report-comment", args=[report.pk]), {"body": "because"})
    client.post(reverse("pacts:report-transition", args=[report.pk, "resubmit"]))
    client.force_login(officer)
    assert (
        client.post(reverse("pacts:report-transition", args=[report.pk, "accept"])).status_code
        == 302
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.comments.count() == 2


def test_manager_transition_reserved_for_officer_is_403(client, manager_a, submitted):
    client.force_login(manager_a)
    assert (
        client.post(reverse("pacts:report-transition", args=[submitted.pk, "accept"])).status_code
        == 403
    )


@pytest.mark.parametrize("url_name", ["pacts:pact-list", "pacts:report-table"])
def test_list_pages_constant_query_count(client, officer, cluster_a, catalogue, url_name):
    client.force_login(officer)
    domain.create_pact(cluster=cluster_a, start=dt.date(2021, 1, 1), user=officer)
    Report.objects.create(
        pact=cluster_a.pacts.get(),
        period_start=dt.date(2021, 1, 1),
        period_end=dt.date(2021, 12, 31),
        due_date=dt.date(2022, 3, 31),
    )
    url = reverse(url_name)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    pact = cluster_a.pacts.get()
    for year in (2022, 2023):
        domain.create_pact(
            cluster=cluster_a, start=dt.date(year * 3 - 4000, 1, 1), term_years=2, user=officer
        )
        Report.objects.create(
            pact=pact,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            due_date=dt.date(year + 1, 3, 31),
        )
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    assert len(three) == len(one)


def test_evaluator_reads_and_applicant_sees_no_pacts(
    client, evaluator, applicant, signed_pact, report
):
    client.force_login(evaluator)
    assert client.get(reverse("pacts:pact-detail", args=[signed_pact.pk])).status_code == 200
    assert client.get(reverse("pacts:report-form", args=[report.pk])).status_code == 403
    assert (
        client.post(reverse("pacts:report-comment", args=[report.pk]), {"body": "x"}).status_code
        == 403
    )
    client.force_login(applicant)
    assert client.get(reverse("pacts:pact-list")).context["page"].paginator.count == 0
    assert client.get(reverse("pacts:pact-detail", args=[signed_pact.pk])).status_code == 404
    assert client.get(reverse("pacts:report-detail", args=[report.pk])).status_code == 404


def test_anonymous_posts_go_to_login(client, signed_pact, report):
    for url in [
        reverse("pacts:pact-sign", args=[signed_pact.pk]),
        reverse("pacts:report-comment", args=[report.pk]),
        reverse("pacts:report-transition", args=[report.pk, "submit"]),
        reverse("pacts:report-form", args=[report.pk]),
        reverse("pacts:pact-create"),
    ]:
        response = client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_unknown_transition_is_404(client, officer, report):
    client.force_login(officer)
    assert (
        client.post(reverse("pacts:report-transition", args=[report.pk, "approve"])).status_code
        == 404
    )


def test_pact_detail_shows_amendment_and_audit_trail(client, officer, signed_pact):
    domain.amend_targets(signed_pact, {("members", 2023): 12}, "new member wave", officer)
    client.force_login(officer)
    page = client.get(reverse("pacts:pact-detail", args=[signed_pact.pk])).content.decode()
    assert "new member wave" in page and "audit-heading" in page


def test_kpi_catalogue_constant_query_count(client, officer, catalogue):
    client.force_login(officer)
    url = reverse("pacts:kpi-list")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    from clusterpact.pacts.models import Kpi

    Kpi.objects.exclude(code__in=["members"]).delete()
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    assert len(one) == len(many)


def test_admin_change_of_a_kpi_makes_a_new_version(client, admin_user, signed_pact, catalogue):
    from clusterpact.pacts.models import Kpi

    kpi = catalogue["collab-projects"]
    client.force_login(admin_user)
    url = reverse("admin:pacts_kpi_change", args=[kpi.pk])
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data["transition_priorities"] = []
    data["name_en"] = "Joint projects"
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    versions = list(Kpi.objects.filter(code="collab-projects").order_by("version"))
    assert [(k.version, k.is_current, k.name_en) for k in versions] == [
        (1, False, "Collaborative projects"),
        (2, True, "Joint projects"),
    ]
    assert signed_pact.pact_kpis.get(kpi__code="collab-projects").kpi.version == 1


def test_target_form_round_trips_in_dutch(client, officer, draft_pact):
    """The form shows the stored values so that posting it unchanged changes nothing."""
    domain.set_targets(
        draft_pact, values={("project-budget", 2022): Decimal("1200000.5")}, user=officer
    )
    client.force_login(officer)
    url = reverse("pacts:pact-targets", args=[draft_pact.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    shown = re.search(r'name="t-project-budget-2022" value="([^"]*)"', page).group(1)
    response = client.post(url, {"t-project-budget-2022": shown}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 302
    target = draft_pact.pact_kpis.get(kpi__code="project-budget").targets.get(year=2022)
    assert target.value == Decimal("1200000.5")


def test_a_pact_links_its_scorecard_and_the_agency_finds_the_comparison(
    client, officer, manager_a, signed_pact
):
    scorecard = reverse("pacts:scorecard", args=[signed_pact.cluster.slug])
    comparison = reverse("pacts:comparison")
    client.force_login(manager_a)
    assert (
        f'href="{scorecard}"'
        in client.get(reverse("pacts:pact-detail", args=[signed_pact.pk])).content.decode()
    )
    assert client.get(scorecard).status_code == 200
    assert f'href="{comparison}"' not in client.get(reverse("pacts:pact-list")).content.decode()
    client.force_login(officer)
    assert f'href="{comparison}"' in client.get(reverse("pacts:pact-list")).content.decode()
