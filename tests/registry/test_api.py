"""The registry API for every role: scope, writes, validation, audit, query counts, schema, tokens."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clusterpact.accounts.models import AuditAction, AuditEntry
from clusterpact.registry.models import (
    Cluster,
    ClusterKind,
    FeeRate,
    HelixRole,
    Membership,
    Organisation,
)
from tests.conftest import PASSWORD, make_organisation

pytestmark = pytest.mark.django_db

ROLES = ["admin_user", "officer", "manager_a", "manager_b", "evaluator", "applicant"]
AGENCY = ["admin_user", "officer"]
READ_ONLY = ["evaluator", "applicant", "reviewer"]

LIST_URLS = [
    "/api/clusters/",
    "/api/organisations/",
    "/api/memberships/",
    "/api/fee-rates/",
    "/api/me/",
]


def api_as(user) -> APIClient:
    """A client that authenticates with the user's token, as an integration would."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def as_role(request):
    def client_for(role_fixture: str) -> APIClient:
        return api_as(request.getfixturevalue(role_fixture))

    return client_for


@pytest.fixture
def registry(members_a, member_b, fees_a):
    return {"a": members_a, "b": member_b, "fees": fees_a}


def audit_of(model, pk):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
    )


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def organisation_payload(**overrides) -> dict:
    payload = {
        "name": "New Firm",
        "country": "BE",
        "enterprise_number": "BE0404.616.494",
        "helix_role": HelixRole.COMPANY,
        "kind": "company",
        "nace_code": "2011",
        "founding_year": dt.date.today().year - 1,
    }
    return payload | overrides


# --- authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", LIST_URLS + ["/api/clusters/alpha/", "/api/organisations/1/", "/api/memberships/1/"]
)
def test_anonymous_gets_401_with_token_challenge(registry, url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_anonymous_write_gets_401(cluster_a):
    response = APIClient().post("/api/clusters/", {"name": "X", "slug": "x"}, format="json")
    assert response.status_code == 401


def test_a_wrong_token_gets_401(cluster_a):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/clusters/").status_code == 401


def test_session_login_also_works(client, officer, cluster_a):
    client.force_login(officer)
    assert client.get("/api/clusters/").json()["count"] == 1


# --- clusters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_fixture", "expected"),
    [
        ("admin_user", ["alpha", "beta"]),
        ("officer", ["alpha", "beta"]),
        ("evaluator", ["alpha", "beta"]),
        ("manager_a", ["alpha"]),
        ("manager_b", ["beta"]),
        ("applicant", []),
        ("reviewer", []),
    ],
)
def test_cluster_list_is_scoped_per_role(as_role, registry, role_fixture, expected):
    slugs = [row["slug"] for row in results(as_role(role_fixture).get("/api/clusters/"))]
    assert slugs == expected


def test_cluster_detail_carries_member_counts(as_role, registry):
    Membership.objects.filter(pk=registry["a"][0].pk).update(end=dt.date(2021, 1, 1))
    data = as_role("manager_a").get("/api/clusters/alpha/").json()
    assert data["name"] == "Alpha Cluster"
    assert data["member_count"] == 2
    assert data["membership_count"] == 3


@pytest.mark.parametrize("role_fixture", ["manager_b", "applicant"])
def test_cluster_outside_scope_is_404(as_role, registry, role_fixture):
    assert as_role(role_fixture).get("/api/clusters/alpha/").status_code == 404


def test_missing_cluster_is_404(as_role, registry):
    assert as_role("officer").get("/api/clusters/no-such-cluster/").status_code == 404


def test_cluster_list_filters_by_kind_and_text(as_role, registry):
    client = as_role("officer")
    spearheads = results(client.get("/api/clusters/", {"kind": ClusterKind.SPEARHEAD}))
    assert [row["slug"] for row in spearheads] == ["alpha"]
    assert [row["slug"] for row in results(client.get("/api/clusters/", {"q": "beta"}))] == ["beta"]
    assert client.get("/api/clusters/", {"kind": "nonsense"}).status_code == 400


@pytest.mark.parametrize("role_fixture", AGENCY)
def test_agency_registers_a_cluster(as_role, role_fixture):
    response = as_role(role_fixture).post(
        "/api/clusters/",
        {"name": "Gamma", "slug": "gamma", "kind": ClusterKind.PROJECT_BASED},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["member_count"] == 0
    assert Cluster.objects.filter(slug="gamma").exists()


@pytest.mark.parametrize("role_fixture", ["manager_a", "evaluator", "applicant"])
def test_others_cannot_register_a_cluster(as_role, cluster_a, role_fixture):
    response = as_role(role_fixture).post(
        "/api/clusters/", {"name": "Gamma", "slug": "gamma", "kind": "spearhead"}, format="json"
    )
    assert response.status_code == 403
    assert not Cluster.objects.filter(slug="gamma").exists()


def test_manager_cannot_change_own_cluster_record(as_role, cluster_a, manager_a):
    response = as_role("manager_a").patch(
        "/api/clusters/alpha/", {"name": "Renamed"}, format="json"
    )
    assert response.status_code == 403


def test_manager_changing_another_cluster_learns_nothing(as_role, cluster_a, manager_b):
    # Cluster records are the agency's: a manager is refused before any lookup, so a foreign
    # slug and a missing one get the same answer.
    client = as_role("manager_b")
    foreign = client.patch("/api/clusters/alpha/", {"name": "X"}, format="json")
    missing = client.patch("/api/clusters/no-such-cluster/", {"name": "X"}, format="json")
    assert foreign.status_code == missing.status_code == 403
    assert foreign.json() == missing.json()
    assert Cluster.objects.get(slug="alpha").name == "Alpha Cluster"


def test_officer_changes_a_cluster_and_it_is_audited(as_role, cluster_a, officer):
    response = as_role("officer").patch(
        "/api/clusters/alpha/",
        {"status": "ended", "transition_priorities": []},
        format="json",
    )
    assert response.status_code == 200, response.content
    entry = audit_of(Cluster, cluster_a.pk).first()
    assert entry.action == AuditAction.UPDATE
    assert entry.actor == officer
    assert entry.before["status"] == "active" and entry.after["status"] == "ended"


def test_cluster_validation_errors_name_the_field(as_role, cluster_a):
    response = as_role("officer").post(
        "/api/clusters/", {"name": "Alpha Cluster", "slug": "alpha", "kind": "x"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"name", "slug", "kind"}


def test_clusters_cannot_be_deleted_through_the_api(as_role, cluster_a):
    assert as_role("officer").delete("/api/clusters/alpha/").status_code == 405


# --- organisations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_fixture", "expected"),
    [
        ("officer", ["Beta Only Firm", "Large Firm", "Small Firm", "Test University"]),
        ("evaluator", ["Beta Only Firm", "Large Firm", "Small Firm", "Test University"]),
        ("manager_a", ["Large Firm", "Small Firm", "Test University"]),
        ("manager_b", ["Beta Only Firm"]),
        ("applicant", []),
    ],
)
def test_organisation_list_is_scoped_per_role(as_role, registry, role_fixture, expected):
    names = [row["name"] for row in results(as_role(role_fixture).get("/api/organisations/"))]
    assert names == expected


def test_organisation_carries_derived_fields(as_role, registry):
    small = registry["a"][0].organisation
    data = as_role("manager_a").get(f"/api/organisations/{small.pk}/").json()
    assert data["enterprise_number"] == "0123456749"
    assert data["enterprise_number_display"] == "0123.456.749"
    assert data["size_class"] == "small"
    assert data["nace_section"] == "C"
    assert data["is_young"] is True


def test_organisation_outside_scope_is_404(as_role, registry):
    beta_firm = registry["b"].organisation
    assert as_role("manager_a").get(f"/api/organisations/{beta_firm.pk}/").status_code == 404
    assert as_role("officer").get("/api/organisations/999999/").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "firm"}, ["Beta Only Firm", "Large Firm", "Small Firm"]),
        ({"q": "0123.456.749"}, ["Small Firm"]),
        ({"helix_role": "knowledge"}, ["Test University"]),
        ({"size_class": "large"}, ["Large Firm"]),
        ({"section": "C"}, ["Large Firm", "Small Firm"]),
        ({"cluster": "beta"}, ["Beta Only Firm"]),
        ({"young": "true"}, ["Small Firm"]),
        ({"young": "false"}, ["Beta Only Firm", "Large Firm", "Small Firm", "Test University"]),
    ],
)
def test_organisation_filters_match_the_page(as_role, registry, params, expected):
    names = [row["name"] for row in results(as_role("officer").get("/api/organisations/", params))]
    assert names == expected


def test_manager_cannot_filter_on_another_clusters_members(as_role, registry):
    response = as_role("manager_a").get("/api/organisations/", {"cluster": "beta"})
    assert response.status_code == 400
    assert "cluster" in response.json()


def test_officer_registers_an_organisation_normalised_and_audited(as_role, officer):
    response = as_role("officer").post("/api/organisations/", organisation_payload(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["enterprise_number"] == "0404616494"
    assert data["nace_code"] == "20.11" and data["nace_section"] == "C"
    assert data["is_young"] is True
    entry = audit_of(Organisation, data["id"]).get(action=AuditAction.CREATE)
    assert entry.actor == officer
    assert entry.after["enterprise_number"] == "0404616494"


def test_wrong_check_digit_is_400_naming_the_field(as_role, officer):
    response = as_role("officer").post(
        "/api/organisations/", organisation_payload(enterprise_number="0404.616.495"), format="json"
    )
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == ["enterprise_number"]
    assert "verkeerd controlegetal" in errors["enterprise_number"][0]
    assert not Organisation.objects.filter(name="New Firm").exists()


def test_unknown_nace_code_is_400_naming_the_field(as_role, officer):
    response = as_role("officer").post(
        "/api/organisations/", organisation_payload(nace_code="99.99"), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["nace_code"]


def test_model_rules_apply_to_api_writes(as_role, officer):
    response = as_role("officer").post(
        "/api/organisations/",
        organisation_payload(country="NL", founding_year=dt.date.today().year + 1),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"enterprise_number", "founding_year"}


def test_duplicate_enterprise_number_is_400(as_role, registry):
    response = as_role("officer").post(
        "/api/organisations/",
        organisation_payload(enterprise_number="BE 0123.456.749"),
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["enterprise_number"]


def test_officer_updates_an_organisation(as_role, registry, officer):
    small = registry["a"][0].organisation
    response = as_role("officer").patch(
        f"/api/organisations/{small.pk}/", {"municipality": "Gent"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["size_class"] == "small"
    small.refresh_from_db()
    assert small.municipality == "Gent"
    assert audit_of(Organisation, small.pk).filter(action="update", actor=officer).exists()


@pytest.mark.parametrize("role_fixture", ["manager_a", "evaluator", "applicant"])
def test_only_the_agency_writes_organisations(as_role, registry, role_fixture):
    client = as_role(role_fixture)
    small = registry["a"][0].organisation
    assert client.post("/api/organisations/", organisation_payload()).status_code == 403
    assert (
        client.patch(f"/api/organisations/{small.pk}/", {"name": "X"}, format="json").status_code
        == 403
    )


def test_organisations_cannot_be_deleted_through_the_api(as_role, registry):
    small = registry["a"][0].organisation
    assert as_role("officer").delete(f"/api/organisations/{small.pk}/").status_code == 405


# --- memberships ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_fixture", "expected"),
    [("officer", 3), ("evaluator", 3), ("manager_a", 3), ("manager_b", 0), ("applicant", 0)],
)
def test_membership_list_filtered_by_cluster_is_scoped(as_role, registry, role_fixture, expected):
    rows = results(as_role(role_fixture).get("/api/memberships/", {"cluster": "alpha"}))
    assert len(rows) == expected
    assert all(row["cluster"] == "alpha" for row in rows)


def test_membership_filters(as_role, registry):
    client = as_role("officer")
    assert len(results(client.get("/api/memberships/"))) == 4
    small = registry["a"][0].organisation
    rows = results(client.get("/api/memberships/", {"organisation": small.pk}))
    assert [row["organisation_name"] for row in rows] == ["Small Firm"]
    assert len(results(client.get("/api/memberships/", {"active_on": "2020-06-01"}))) == 3
    assert client.get("/api/memberships/", {"active_on": "yesterday"}).status_code == 400


def test_manager_reads_own_membership_but_not_anothers(as_role, registry):
    own, other = registry["a"][0], registry["b"]
    assert as_role("manager_a").get(f"/api/memberships/{own.pk}/").status_code == 200
    assert as_role("manager_a").get(f"/api/memberships/{other.pk}/").status_code == 404
    assert as_role("manager_a").get("/api/memberships/999999/").status_code == 404


def test_manager_adds_a_member_to_own_cluster_audited(as_role, registry, manager_a):
    # A member that left can be registered again with a new start.
    small = registry["a"][0].organisation
    response = as_role("manager_a").post(
        "/api/memberships/",
        {"cluster": "alpha", "organisation": small.pk, "start": "2024-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["organisation_name"] == "Small Firm"
    entry = audit_of(Membership, response.json()["id"]).get(action="create")
    assert entry.actor == manager_a


def test_manager_cannot_add_a_member_to_another_cluster(as_role, registry):
    small = registry["a"][0].organisation
    client = as_role("manager_a")
    other = client.post(
        "/api/memberships/",
        {"cluster": "beta", "organisation": small.pk, "start": "2024-01-01"},
        format="json",
    )
    missing = client.post(
        "/api/memberships/",
        {"cluster": "gamma", "organisation": small.pk, "start": "2024-01-01"},
        format="json",
    )
    assert other.status_code == missing.status_code == 400
    # An existing but foreign cluster reads exactly like one that does not exist.
    assert other.json()["cluster"] == [missing.json()["cluster"][0].replace("gamma", "beta")]
    assert not Membership.objects.filter(cluster__slug="beta", organisation=small).exists()


def test_manager_cannot_enrol_an_organisation_outside_scope(as_role, registry):
    beta_firm = registry["b"].organisation
    response = as_role("manager_a").post(
        "/api/memberships/",
        {"cluster": "alpha", "organisation": beta_firm.pk, "start": "2024-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["organisation"]


def test_manager_cannot_move_a_member_to_another_cluster(as_role, registry):
    own = registry["a"][0]
    response = as_role("manager_a").patch(
        f"/api/memberships/{own.pk}/", {"cluster": "beta"}, format="json"
    )
    assert response.status_code == 400
    own.refresh_from_db()
    assert own.cluster.slug == "alpha"


def test_membership_ending_before_it_starts_is_400(as_role, registry):
    own = registry["a"][0]
    response = as_role("manager_a").patch(
        f"/api/memberships/{own.pk}/", {"end": "2019-12-31"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["end"]


def test_duplicate_membership_is_400(as_role, registry):
    own = registry["a"][0]
    response = as_role("officer").post(
        "/api/memberships/",
        {"cluster": "alpha", "organisation": own.organisation_id, "start": "2020-01-01"},
        format="json",
    )
    assert response.status_code == 400


def test_manager_ends_and_deletes_own_memberships_audited(as_role, registry, manager_a):
    own = registry["a"][0]
    client = as_role("manager_a")
    ended = client.patch(f"/api/memberships/{own.pk}/", {"end": "2025-12-31"}, format="json")
    assert ended.status_code == 200 and ended.json()["end"] == "2025-12-31"
    assert client.delete(f"/api/memberships/{own.pk}/").status_code == 204
    actions = set(
        audit_of(Membership, own.pk).filter(actor=manager_a).values_list("action", flat=True)
    )
    assert actions == {AuditAction.UPDATE, AuditAction.DELETE}


def test_manager_deleting_anothers_membership_gets_404(as_role, registry):
    other = registry["b"]
    assert as_role("manager_a").delete(f"/api/memberships/{other.pk}/").status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("role_fixture", READ_ONLY)
def test_read_only_roles_get_403_on_membership_writes(as_role, registry, role_fixture):
    own = registry["a"][0]
    client = as_role(role_fixture)
    payload = {"cluster": "alpha", "organisation": own.organisation_id, "start": "2024-01-01"}
    assert client.post("/api/memberships/", payload, format="json").status_code == 403
    assert client.delete(f"/api/memberships/{own.pk}/").status_code == 403
    assert Membership.objects.filter(pk=own.pk).exists()


# --- fee rates --------------------------------------------------------------------------------


def test_fee_rates_are_read_within_scope(as_role, registry):
    rate = registry["fees"][0]
    assert len(results(as_role("manager_a").get("/api/fee-rates/", {"cluster": "alpha"}))) == 6
    assert len(results(as_role("manager_a").get("/api/fee-rates/", {"year": 2021}))) == 3
    assert results(as_role("manager_b").get("/api/fee-rates/")) == []
    assert as_role("manager_b").get(f"/api/fee-rates/{rate.pk}/").status_code == 404
    data = as_role("evaluator").get(f"/api/fee-rates/{rate.pk}/").json()
    assert data == {
        "id": rate.pk,
        "cluster": "alpha",
        "year": 2020,
        "helix_role": "company",
        "size_class": "small",
        "amount": "500.00",
    }


def test_manager_keeps_own_fee_schedule(as_role, registry, manager_a):
    client = as_role("manager_a")
    created = client.post(
        "/api/fee-rates/",
        {
            "cluster": "alpha",
            "year": 2022,
            "helix_role": "company",
            "size_class": "small",
            "amount": "550",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    rate_id = created.json()["id"]
    assert client.patch(f"/api/fee-rates/{rate_id}/", {"amount": "600"}).status_code == 200
    assert FeeRate.objects.get(pk=rate_id).amount == 600
    assert audit_of(FeeRate, rate_id).filter(actor=manager_a).count() == 2


def test_fee_rate_validation(as_role, registry):
    client = as_role("manager_a")
    base = {"cluster": "alpha", "year": 2020, "helix_role": "company", "size_class": "small"}
    assert client.post("/api/fee-rates/", base | {"amount": "-1"}, format="json").status_code == 400
    duplicate = client.post("/api/fee-rates/", base | {"amount": "10"}, format="json")
    assert duplicate.status_code == 400
    foreign = client.post(
        "/api/fee-rates/", base | {"cluster": "beta", "amount": "10"}, format="json"
    )
    assert foreign.status_code == 400 and list(foreign.json()) == ["cluster"]


@pytest.mark.parametrize("role_fixture", READ_ONLY)
def test_read_only_roles_get_403_on_fee_rate_writes(as_role, registry, role_fixture):
    rate = registry["fees"][0]
    response = as_role(role_fixture).patch(
        f"/api/fee-rates/{rate.pk}/", {"amount": "1"}, format="json"
    )
    assert response.status_code == 403


# --- me ---------------------------------------------------------------------------------------


def test_me_tells_role_and_managed_clusters(as_role, cluster_a, manager_a):
    data = as_role("manager_a").get("/api/me/").json()
    assert data["username"] == "manager-a"
    assert data["role"] == "cluster_manager"
    assert data["is_agency"] is False
    assert data["managed_clusters"] == [{"slug": "alpha", "name": "Alpha Cluster"}]


@pytest.mark.parametrize("role_fixture", ROLES)
def test_me_answers_every_role(as_role, cluster_a, cluster_b, role_fixture):
    data = as_role(role_fixture).get("/api/me/").json()
    assert data["is_agency"] is (role_fixture in AGENCY)


def test_me_is_read_only(as_role, officer):
    assert as_role("officer").post("/api/me/", {}).status_code == 405


# --- query counts -----------------------------------------------------------------------------


def _add_rows(cluster, count: int, offset: int) -> None:
    """Grow every list by ``count`` rows: organisations (members of ``cluster``), clusters, fees."""
    for i in range(offset, offset + count):
        organisation = make_organisation(f"Firm {i:02d}", nace_code="20.11")
        Membership.objects.create(
            organisation=organisation, cluster=cluster, start=dt.date(2020, 1, 1)
        )
        Cluster.objects.create(name=f"Cluster {i:02d}", slug=f"c{i:02d}", kind="spearhead")
        FeeRate.objects.create(
            cluster=cluster, year=2000 + i, helix_role="company", size_class="", amount=1
        )


@pytest.mark.parametrize(
    ("url", "role_fixture"),
    [
        ("/api/clusters/", "officer"),
        ("/api/organisations/", "officer"),
        ("/api/organisations/", "manager_a"),
        ("/api/memberships/", "officer"),
        ("/api/memberships/", "manager_a"),
        ("/api/fee-rates/", "officer"),
        ("/api/fee-rates/", "manager_a"),
    ],
)
def test_list_query_count_does_not_grow_with_rows(
    as_role, cluster_a, manager_a, django_assert_num_queries, url, role_fixture
):
    client = as_role(role_fixture)
    _add_rows(cluster_a, 1, 0)
    with CaptureQueriesContext(connection) as counted:
        client.get(url)
    expected = len(counted.captured_queries)
    with django_assert_num_queries(expected):
        one = client.get(url)
    _add_rows(cluster_a, 2, 1)
    with django_assert_num_queries(expected):
        three = client.get(url)
    assert three.json()["count"] == one.json()["count"] + 2


def test_pagination_by_page_number(as_role, registry):
    client = as_role("officer")
    first = client.get("/api/organisations/", {"page_size": 3}).json()
    assert first["count"] == 4 and len(first["results"]) == 3 and first["next"]
    second = client.get("/api/organisations/", {"page_size": 3, "page": 2}).json()
    assert [row["name"] for row in second["results"]] == ["Test University"]
    assert client.get("/api/organisations/", {"page": 9}).status_code == 404


# --- schema and documentation -----------------------------------------------------------------


def test_schema_is_public_yaml_by_default():
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert response.content.decode().startswith("openapi: 3.")


def test_schema_as_json_lists_every_endpoint():
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= {
        "/api/clusters/",
        "/api/clusters/{slug}/",
        "/api/organisations/",
        "/api/organisations/{id}/",
        "/api/memberships/",
        "/api/memberships/{id}/",
        "/api/fee-rates/",
        "/api/fee-rates/{id}/",
        "/api/me/",
        "/api/token/",
    }
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_of_our_endpoints_is_valid_and_free_of_warnings():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    patterns = [path("api/", include("clusterpact.registry.api.urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, (GENERATOR_STATS._warn_cache, GENERATOR_STATS._error_cache)


def test_docs_page_works_offline_under_the_csp():
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html and "<script>" not in html and " style=" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "http://" not in html and "https://" not in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    script = APIClient().get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


# --- tokens -----------------------------------------------------------------------------------


def test_token_is_obtained_with_username_and_password(officer):
    response = APIClient().post(
        "/api/token/", {"username": "officer", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=officer).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/me/").json()["username"] == "officer"


def test_wrong_password_gets_400(officer):
    response = APIClient().post(
        "/api/token/", {"username": "officer", "password": "wrong-password-123"}, format="json"
    )
    assert response.status_code == 400


def test_token_endpoint_accepts_only_post(officer):
    assert APIClient().get("/api/token/").status_code == 405


@override_settings(AXES_FAILURE_LIMIT=3)
def test_token_is_locked_out_after_repeated_failures_like_the_login_page(client, officer):
    api = APIClient()
    wrong = {"username": "officer", "password": "wrong-password-123"}
    statuses = [api.post("/api/token/", wrong, format="json").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    locked = api.post("/api/token/", {"username": "officer", "password": PASSWORD}, format="json")
    assert locked.status_code == 429
    assert "token" not in locked.json()
    assert int(locked["Retry-After"]) > 0
    assert not Token.objects.filter(user=officer).exists()
    # The API and the login page count the same failures.
    page = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert page.status_code == 429


@override_settings(AXES_FAILURE_LIMIT=3)
def test_failures_on_the_login_page_lock_the_token_endpoint(client, officer):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "officer", "password": "wrong-password-123"})
    locked = APIClient().post(
        "/api/token/", {"username": "officer", "password": PASSWORD}, format="json"
    )
    assert locked.status_code == 429
