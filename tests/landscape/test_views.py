"""Landscape pages: what each role sees, the figures on the pages, exports and imports."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from clusterpact.accounts.models import AuditEntry
from clusterpact.landscape.models import EmploymentDataset, EmploymentFigure, InnovationProfile
from tests.landscape.conftest import SBS_HEADER, sbs_line


def login(client, user):
    """Log in and read the pages in English, the source language the assertions use."""
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


PAGES = [
    ("landscape:measures", {}),
    ("landscape:network", {}),
    ("landscape:network-data", {}),
    ("landscape:profiles", {}),
    ("landscape:partners", {}),
    ("landscape:specialisation", {}),
]


@pytest.mark.parametrize("name,kwargs", PAGES)
@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_pages_are_404_for_applicants_and_reviewers(client, network, request, role, name, kwargs):
    login(client, request.getfixturevalue(role))
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404


@pytest.mark.parametrize("name,kwargs", PAGES)
def test_pages_need_a_login(client, network, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ["officer", "evaluator", "manager_a"])
@pytest.mark.parametrize("name,kwargs", PAGES)
def test_pages_render_for_readers(client, network, request, role, name, kwargs):
    login(client, request.getfixturevalue(role))
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


def test_programme_table_shows_hand_computed_measures(client, network, officer):
    login(client, officer)
    response = client.get(reverse("landscape:measures"), {"year": 2023})
    body = response.content.decode()
    table = body[body.index('id="programme-measures"') :]
    alpha = table[table.index("Alpha Cluster") : table.index("</tr>", table.index("Alpha Cluster"))]
    # organisations, projects, links, density, Blau, Shannon, SME, young, followers, bridges...
    for cell in ("0.333", "0.375", "0.562", "25.0\u00a0%", "50.0\u00a0%", "100.0\u00a0%", "0.420"):
        assert f">{cell}<" in alpha, cell
    assert "Beta Network" in table


def test_manager_sees_only_own_cluster_in_the_programme_table(client, network, manager_b):
    login(client, manager_b)
    body = client.get(reverse("landscape:measures"), {"year": 2023}).content.decode()
    assert "Beta Network" in body
    assert "Alpha Cluster" not in body


def test_cluster_page_is_404_for_another_clusters_manager(client, network, manager_b):
    login(client, manager_b)
    assert client.get(reverse("landscape:cluster-measures", args=["alpha"])).status_code == 404
    assert client.get(reverse("landscape:cluster-measures", args=["beta"])).status_code == 200


def test_cluster_page_shows_years_and_charts(client, network, manager_a):
    login(client, manager_a)
    body = client.get(reverse("landscape:cluster-measures", args=["alpha"])).content.decode()
    assert 'id="chart-density"' in body and "<svg" in body
    table = body[body.index('id="cluster-measures"') :]
    assert ">2022<" in table and ">2023<" in table
    assert ">0.444<" in table  # Blau of 2022: 1 − (2/3)² − (1/3)²


def test_json_lists_organisations_below_the_node_limit(client, network, officer):
    login(client, officer)
    data = client.get(reverse("landscape:network-data")).json()
    assert data["grouped"] is False
    labels = {n["label"] for n in data["nodes"]}
    assert labels == {"Small Firm", "Large Firm", "Test University", "Beta Only Firm"}
    assert all(0 <= n["x"] <= 1000 and 0 <= n["y"] <= 1000 for n in data["nodes"])
    weights = sorted(e["weight"] for e in data["edges"])
    # Small–University share P1 and P2; the other pairs one project each.
    assert weights == [1, 1, 1, 2]


def test_json_groups_organisations_above_the_node_limit(client, network, officer, settings):
    settings.LANDSCAPE_GRAPH_MAX_NODES = 2
    login(client, officer)
    data = client.get(reverse("landscape:network-data")).json()
    assert data["grouped"] is True
    assert data["organisations"] == 4
    nodes = {n["label"]: n for n in data["nodes"]}
    # Four cluster × role × size groups exceed the limit; cluster × role gives two.
    assert set(nodes) == {"Alpha Cluster · Company", "Alpha Cluster · Knowledge institution"}
    assert nodes["Alpha Cluster · Company"]["organisations"] == 3
    assert nodes["Alpha Cluster · Company"]["size"] == 3
    assert nodes["Alpha Cluster · Company"]["internal_weight"] == 2
    # Between the groups: Small–University (2 projects) and Large–University (1).
    assert [e["weight"] for e in data["edges"]] == [3]


def test_json_filters_by_helix_role_and_years(client, network, officer):
    login(client, officer)
    url = reverse("landscape:network-data")
    data = client.get(url, {"helix_role": "knowledge"}).json()
    assert [n["label"] for n in data["nodes"]] == ["Test University"]
    data = client.get(url, {"year_from": 2022, "year_to": 2022}).json()
    assert {n["label"] for n in data["nodes"]} == {"Small Firm", "Large Firm", "Test University"}


def test_json_refuses_a_reversed_year_range(client, network, officer):
    login(client, officer)
    response = client.get(reverse("landscape:network-data"), {"year_from": 2024, "year_to": 2020})
    assert response.status_code == 400


def test_manager_network_keeps_to_own_clusters(client, network, manager_b):
    login(client, manager_b)
    data = client.get(reverse("landscape:network-data")).json()
    assert {n["label"] for n in data["nodes"]} == {"Large Firm", "Beta Only Firm"}
    alpha = network["small"].memberships.get().cluster_id
    data = client.get(reverse("landscape:network-data"), {"cluster": alpha}).json()
    assert "errors" in data  # not a choice for this manager


def test_network_page_lists_bridges_as_text(client, network, officer):
    login(client, officer)
    body = client.get(reverse("landscape:network")).content.decode()
    bridges = body[body.index('id="network-bridges"') :]
    assert "Large Firm" in bridges and "Beta Only Firm" in bridges
    assert "Small Firm" not in bridges
    assert "landscape-network.js" in body and "<script>" not in body


# --- Profiles -------------------------------------------------------------------------------


def test_profiles_are_derived_and_filterable(client, network, officer):
    login(client, officer)
    url = reverse("landscape:profiles")
    followers = client.get(url, {"profile": "follower"}).content.decode()
    assert "Newcomer" in followers and "Small Firm" not in followers
    leaders = client.get(url, {"profile": "leader"}).content.decode()
    assert "Small Firm" in leaders and "Newcomer" not in leaders


def test_officer_overrides_a_profile_with_a_reason_in_the_audit_trail(client, network, officer):
    login(client, officer)
    small = network["small"]
    url = reverse("landscape:profile", args=[small.pk])
    refused = client.post(url, {"override": "follower", "reason": ""})
    assert "Give the reason" in refused.content.decode()
    assert not InnovationProfile.objects.exists()
    response = client.post(url, {"override": "follower", "reason": "Only a subcontractor in P1"})
    assert response.status_code == 302
    profile = InnovationProfile.objects.get(organisation=small)
    assert profile.override == "follower"
    entry = AuditEntry.objects.filter(object_id=str(profile.pk)).latest("timestamp")
    assert entry.actor == officer and entry.reason == "Only a subcontractor in P1"
    followers = client.get(reverse("landscape:profiles"), {"profile": "follower"})
    assert "Small Firm" in followers.content.decode()


def test_manager_reads_but_cannot_change_profiles(client, network, manager_a, manager_b):
    login(client, manager_a)
    url = reverse("landscape:profile", args=[network["small"].pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="override"' not in page.content.decode()
    assert client.post(url, {"override": "leader", "reason": "x"}).status_code == 403
    client.logout()
    login(client, manager_b)
    assert client.get(url).status_code == 404


def test_profile_list_queries_do_not_grow_with_rows(
    client, network, officer, django_assert_max_num_queries
):
    login(client, officer)
    with django_assert_max_num_queries(20):
        client.get(reverse("landscape:profiles"))


# --- Partner search -------------------------------------------------------------------------


def test_partner_search_ranks_by_fit_and_distance(client, network, manager_a):
    login(client, manager_a)
    body = client.get(
        reverse("landscape:partners"),
        {"theme": "battery metals recycling", "cluster": "alpha", "exclude_members": "on"},
    ).content.decode()
    results = body[body.index('id="partner-results"') :]
    assert "Beta Only Firm" in results
    assert "Large Firm" not in results  # a member of alpha, left out


def test_partner_export_csv_and_xlsx_hold_the_ranked_rows(client, network, manager_a):
    login(client, manager_a)
    query = {"theme": "battery metals recycling", "cluster": "alpha"}
    response = client.get(reverse("landscape:partners-export", args=["csv"]), query)
    assert response["Content-Disposition"].startswith('attachment; filename="partners-alpha-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in body}
    # P3's title holds every word of the theme: Large Firm and Beta share the best fit, and
    # both are close (a member, and a member's partner), so the lower id comes first.
    assert [row[1] for row in body[:2]] == ["Large Firm", "Beta Only Firm"]
    assert by_name["Large Firm"]["Fit (0–1)"] == by_name["Beta Only Firm"]["Fit (0–1)"]
    # Small Firm's best project (P1, "recycling") matches one word of three: a weaker fit.
    assert float(by_name["Small Firm"]["Fit (0–1)"]) < float(by_name["Large Firm"]["Fit (0–1)"])
    assert by_name["Beta Only Firm"]["Collaboration distance (hops)"] == "1"
    assert by_name["Large Firm"]["Collaboration distance (hops)"] == "0"
    assert by_name["Beta Only Firm"]["Identifier"] == "0403.170.701"
    response = client.get(reverse("landscape:partners-export", args=["xlsx"]), query)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [row[1] for row in body]


def test_partner_search_from_another_clusters_is_refused(client, network, manager_b):
    login(client, manager_b)
    query = {"theme": "battery recycling", "cluster": "alpha"}
    page = client.get(reverse("landscape:partners"), query).content.decode()
    assert 'id="partner-results"' not in page
    response = client.get(reverse("landscape:partners-export", args=["csv"]), query)
    assert response.status_code == 302


def test_partner_search_prefers_followers(client, network, officer):
    InnovationProfile.objects.create(
        organisation=network["uni"], override="follower", reason="New research group"
    )
    login(client, officer)
    query = {"theme": "plastics recycling hydrogen", "cluster": "beta", "prefer": "follower"}
    response = client.get(reverse("landscape:partners-export", args=["csv"]), query)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1] == "Test University"


# --- Regional specialisation ----------------------------------------------------------------


def test_import_computes_location_quotients_and_maps_clusters(
    client, network, officer, sbs_csv, settings
):
    settings.LANDSCAPE_STAR_LQ_MIN = 1.5
    login(client, officer)
    upload = io.BytesIO(sbs_csv)
    upload.name = "sbs.csv"
    response = client.post(
        reverse("landscape:specialisation-upload"),
        {
            "name": "Test regions",
            "source": "hand-made",
            "year": 2021,
            "nuts_level": 2,
            "file": upload,
        },
    )
    dataset = EmploymentDataset.objects.get()
    assert response.status_code == 302 and dataset.figures.count() == 4
    body = client.get(reverse("landscape:dataset", args=[dataset.pk])).content.decode()
    table = body[body.index('id="specialisation-table"') :]
    # LQ BE21 C20 = (300/400)/(400/1000) = 1.875; BE22 C10 = (500/600)/(600/1000) = 1.389.
    assert ">1.88<" in table and ">1.39<" in table and ">0.42<" in table
    body = client.get(reverse("landscape:dataset-map", args=[dataset.pk])).content.decode()
    footprints = body[body.index('id="cluster-footprints"') :]
    alpha = footprints[
        footprints.index("Alpha Cluster") : footprints.index(
            "</tr>", footprints.index("Alpha Cluster")
        )
    ]
    # Small and Large (BE211, C20: size and specialisation stars) strong; Newcomer (BE212, C10) weak.
    cells = [c.split("<")[0] for c in alpha.split('<td class="num">')[1:]]
    assert cells == ["4", "3", "2", "1"]


def test_import_refuses_a_bad_file_and_saves_nothing(client, network, officer):
    login(client, officer)
    bad = SBS_HEADER + sbs_line("C20", "BE21", "300") + sbs_line("C10", "BE21", "many")
    upload = io.BytesIO(bad.encode())
    upload.name = "bad.csv"
    response = client.post(
        reverse("landscape:specialisation-upload"),
        {"name": "Broken", "source": "x", "year": 2021, "nuts_level": 2, "file": upload},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Line 3: column &#x27;OBS_VALUE&#x27; holds &#x27;many&#x27;" in body
    assert not EmploymentDataset.objects.exists() and not EmploymentFigure.objects.exists()


def test_only_the_agency_imports(client, network, manager_a, evaluator):
    for user in (manager_a, evaluator):
        login(client, user)
        assert client.get(reverse("landscape:specialisation-upload")).status_code == 404
        client.logout()


def test_programme_table_is_paginated(client, network, officer, monkeypatch):
    from clusterpact.landscape import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    login(client, officer)
    url = reverse("landscape:measures")
    first = client.get(url, {"year": 2023}).content.decode()
    second = client.get(url, {"year": 2023, "page": 2}).content.decode()
    assert "Alpha Cluster" in first and "Beta Network" not in first
    assert "Beta Network" in second and "Alpha Cluster" not in second
    assert "year=2023&amp;page=2" in first


def _dataset(sbs_csv, officer):
    from clusterpact.landscape import domain

    return domain.import_employment(
        data=sbs_csv, filename="sbs.csv", name="Test", source="hand-made", year=2021, user=officer
    )


def test_submitted_proposals_are_placed_on_the_map_for_the_agency(
    client, network, officer, manager_a, applicant, sbs_csv, settings
):
    from clusterpact.calls.models import Proposal, ProposalStatus
    from tests.calls.conftest import make_call, make_proposal

    settings.LANDSCAPE_STAR_LQ_MIN = 1.5
    dataset = _dataset(sbs_csv, officer)
    call = make_call(title="Open call for circular chemistry")
    chemistry = make_proposal(
        call, applicant, partners=[network["small"], network["large"], network["uni"]], title="C"
    )
    make_proposal(call, applicant, partners=[network["newcomer"]], title="Draft only")
    Proposal.objects.filter(pk=chemistry.pk).update(status=ProposalStatus.SUBMITTED)
    login(client, officer)
    body = client.get(reverse("landscape:dataset-map", args=[dataset.pk])).content.decode()
    table = body[body.index('id="proposal-footprints"') :]
    assert "Draft only" not in table
    row = table[table.index(">C<") : table.index("</tr>", table.index(">C<"))]
    # Three partners; Small and Large placed in BE21 C20 (two stars), the university not placed.
    cells = [c.split("<")[0] for c in row.split('<td class="num">')[1:]]
    assert cells == ["3", "2", "2", "0"]
    client.logout()
    login(client, manager_a)
    page = client.get(reverse("landscape:dataset-map", args=[dataset.pk])).content.decode()
    assert 'id="proposal-footprints"' not in page  # proposals are the agency's


def test_partner_search_from_a_call_uses_its_topic(client, network, officer):
    from tests.calls.conftest import make_call

    call = make_call(
        title="Battery metals", description="Recycling of battery metals from end-of-life cells."
    )
    login(client, officer)
    query = {"call": call.pk, "cluster": "beta"}
    response = client.get(reverse("landscape:partners-export", args=["csv"]), query)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert {row[1] for row in rows[1:3]} == {"Large Firm", "Beta Only Firm"}
    empty = client.get(reverse("landscape:partners"), {"cluster": "beta"}).content.decode()
    assert "Describe a theme or choose a call." in empty


@pytest.mark.parametrize(
    "role,status", [("applicant", 404), ("reviewer", 404), ("manager_b", 200), ("evaluator", 200)]
)
def test_dataset_pages_per_role(client, network, officer, sbs_csv, request, role, status):
    dataset = _dataset(sbs_csv, officer)
    login(client, request.getfixturevalue(role))
    for name in ("landscape:dataset", "landscape:dataset-map"):
        assert client.get(reverse(name, args=[dataset.pk])).status_code == status


def test_measures_use_the_decimal_comma_in_dutch(client, network, officer):
    client.force_login(officer)
    body = client.get(
        reverse("landscape:cluster-measures", args=["alpha"]), HTTP_ACCEPT_LANGUAGE="nl"
    )
    table = body.content.decode()[body.content.decode().index('id="cluster-measures"') :]
    assert ">0,333<" in table and ">25,0\u00a0%<" in table


def test_measure_and_network_pages_do_not_query_per_cluster(
    client, network, officer, django_assert_max_num_queries
):
    login(client, officer)
    # A fixed number: the session, the user, the clusters, the data version's five counts and
    # the frames (the test settings cache nothing), whatever the number of clusters or projects.
    with django_assert_max_num_queries(16):
        client.get(reverse("landscape:measures"))
    with django_assert_max_num_queries(20):
        client.get(reverse("landscape:network"))
