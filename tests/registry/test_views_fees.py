import pytest
from django.urls import reverse

from clusterpact.accounts.models import AuditEntry
from clusterpact.registry.models import FeeRate

pytestmark = pytest.mark.django_db


def url(slug="alpha", year=None):
    base = reverse("registry:fee-schedule", args=[slug])
    return f"{base}?year={year}" if year else base


def test_manager_reads_the_schedule_of_a_year(client, manager_a, fees_a):
    client.force_login(manager_a)
    response = client.get(url(year=2020), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    values = {row["name"]: row["value"] for row in response.context["rows"]}
    assert values["fee-company-small"] == 500
    assert values["fee-knowledge-any"] == 2000
    assert values["fee-company-micro"] == ""


def test_manager_saves_a_schedule_and_it_is_audited(client, manager_a, cluster_a, fees_a):
    client.force_login(manager_a)
    response = client.post(
        url(year=2020),
        {
            "year": 2020,
            "fee-company-small": "650",
            "fee-company-micro": "120,50",
            "fee-company-large": "",
            "fee-knowledge-any": "2000",
        },
    )
    assert response.status_code == 302
    rates = dict(
        ((r.helix_role, r.size_class), r.amount)
        for r in FeeRate.objects.filter(cluster=cluster_a, year=2020)
    )
    assert rates == {
        ("company", "small"): 650,
        ("company", "micro"): pytest.approx(120.5),
        ("knowledge", ""): 2000,
    }
    actions = sorted(AuditEntry.objects.filter(actor=manager_a).values_list("action", flat=True))
    assert actions == ["create", "delete", "update"]


def test_invalid_amounts_save_nothing_and_name_the_cell(client, manager_a, cluster_a, fees_a):
    client.force_login(manager_a)
    response = client.post(
        url(year=2020),
        {
            "year": 2020,
            "fee-company-small": "abc",
            "fee-company-micro": "-5",
            "fee-knowledge-any": "1",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    errors = {row["name"] for row in response.context["rows"] if row["error"]}
    assert errors == {"fee-company-small", "fee-company-micro"}
    assert FeeRate.objects.get(cluster=cluster_a, year=2020, helix_role="knowledge").amount == 2000


def test_other_clusters_manager_gets_404(client, manager_b, cluster_a):
    client.force_login(manager_b)
    assert client.get(url()).status_code == 404
    assert client.post(url(), {"year": 2020}).status_code == 404


def test_evaluator_reads_but_cannot_change(client, evaluator, fees_a):
    client.force_login(evaluator)
    response = client.get(url(year=2020))
    assert response.status_code == 200 and b"<input id=" not in response.content
    assert client.post(url(year=2020), {"year": 2020, "fee-company-small": "1"}).status_code == 403


def test_wrong_method_is_refused(client, officer, cluster_a):
    client.force_login(officer)
    assert client.put(url()).status_code == 405
