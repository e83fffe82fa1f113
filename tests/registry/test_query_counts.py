"""Query-count guards on every list page, and exact figures from the grouped domain queries.

Each page is rendered with one row and again with three; the number of queries
must not change. The first count is captured rather than written down, so the
test states the invariant (no query per row) and survives unrelated changes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterpact.registry import domain
from clusterpact.registry.models import (
    Cluster,
    ClusterKind,
    FeeRate,
    HelixRole,
    Membership,
    OrganisationKind,
    OrganisationYear,
    TransitionPriority,
)
from tests.conftest import make_organisation

_serial = itertools.count(1)


def _member(cluster: Cluster, name: str | None = None) -> Membership:
    organisation = make_organisation(
        name or f"Member {next(_serial):04d}", nace_code="20.11", founding_year=2000
    )
    OrganisationYear.objects.create(organisation=organisation, year=2024, headcount=Decimal(12))
    return Membership.objects.create(
        organisation=organisation, cluster=cluster, start=dt.date(2020, 1, 1)
    )


def _cluster() -> Cluster:
    number = next(_serial)
    operator = make_organisation(
        f"Operator {number:04d}",
        helix_role=HelixRole.CIVIL_SOCIETY,
        kind=OrganisationKind.CLUSTER_ORGANISATION,
    )
    cluster = Cluster.objects.create(
        name=f"Cluster {number:04d}",
        slug=f"cluster-{number:04d}",
        kind=ClusterKind.BUSINESS_NETWORK,
        cluster_organisation=operator,
        support_start=dt.date(2020, 1, 1),
    )
    cluster.transition_priorities.set(TransitionPriority.objects.all()[:2])
    _member(cluster)
    _member(cluster)
    return cluster


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _assert_constant(client, url: str, add_rows, django_assert_num_queries) -> None:
    """One row is on the page; warm caches, count, add two rows, and expect the same count."""
    client.get(url)  # content types and sessions are cached on first use, not per row
    with_one_row = _count(client, url)
    add_rows()
    with django_assert_num_queries(with_one_row):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.django_db
def test_home_queries_do_not_grow_with_clusters(client, django_assert_num_queries):
    _cluster()

    _assert_constant(client, "/", lambda: [_cluster() for _ in range(2)], django_assert_num_queries)
    assert len(client.get("/").context["rows"]) == 3


def test_dashboard_queries_do_not_grow_with_clusters(client, officer, django_assert_num_queries):
    client.force_login(officer)
    _cluster()

    _assert_constant(
        client, "/dashboard/", lambda: [_cluster() for _ in range(2)], django_assert_num_queries
    )
    assert [c.member_count for c in client.get("/dashboard/").context["clusters"]] == [2, 2, 2]


def test_cluster_list_queries_do_not_grow_with_clusters(client, officer, django_assert_num_queries):
    client.force_login(officer)
    _cluster()

    _assert_constant(
        client,
        "/registry/clusters/",
        lambda: [_cluster() for _ in range(2)],
        django_assert_num_queries,
    )
    page = client.get("/registry/clusters/").context["page"]
    assert [c.member_count for c in page] == [2, 2, 2]


def test_cluster_list_queries_do_not_grow_for_a_manager(
    client, cluster_a, manager_a, django_assert_num_queries
):
    client.force_login(manager_a)
    _member(cluster_a)

    def add_rows():
        for _ in range(2):
            manager_a.managed_clusters.add(_cluster())

    _assert_constant(client, "/registry/clusters/", add_rows, django_assert_num_queries)


def test_organisation_list_queries_do_not_grow_with_organisations(
    client, officer, cluster_a, django_assert_num_queries
):
    client.force_login(officer)
    _member(cluster_a)

    _assert_constant(
        client,
        "/registry/organisations/",
        lambda: [_member(cluster_a) for _ in range(2)],
        django_assert_num_queries,
    )
    assert len(client.get("/registry/organisations/").context["page"]) == 3


@pytest.mark.parametrize(
    "query",
    [
        "?q=member",
        "?helix_role=company&section=C",
        "?cluster=alpha&young=",
        "?q=0123&size_class=",
    ],
)
def test_filtered_organisation_list_queries_do_not_grow_with_organisations(
    client, officer, cluster_a, query, django_assert_num_queries
):
    client.force_login(officer)
    _member(cluster_a)
    url = f"/registry/organisations/{query}"

    _assert_constant(
        client, url, lambda: [_member(cluster_a) for _ in range(2)], django_assert_num_queries
    )


def test_organisation_list_queries_do_not_grow_for_a_manager(
    client, cluster_a, manager_a, django_assert_num_queries
):
    client.force_login(manager_a)
    _member(cluster_a)

    _assert_constant(
        client,
        "/registry/organisations/?q=member",
        lambda: [_member(cluster_a) for _ in range(2)],
        django_assert_num_queries,
    )
    assert len(client.get("/registry/organisations/?q=member").context["page"]) == 3


def test_cluster_detail_queries_do_not_grow_with_members(
    client, officer, cluster_a, fees_a, django_assert_num_queries
):
    client.force_login(officer)
    _member(cluster_a)

    _assert_constant(
        client,
        "/registry/clusters/alpha/",
        lambda: [_member(cluster_a) for _ in range(2)],
        django_assert_num_queries,
    )
    response = client.get("/registry/clusters/alpha/")
    assert len(response.context["members"]) == 3
    assert response.context["composition"].members == 3


# Domain figures on the conftest registry: cluster A has a small firm, a large firm
# and a university, all members since 2020-01-01; fees 500 / 5000 / 2000 in 2020 and 2021.


def test_fee_income_sums_the_rate_of_each_members_size_class(cluster_a, members_a, fees_a):
    income = domain.fee_income(cluster_a, [2019, 2020, 2021, 2022])

    assert income == {
        2019: Decimal(0),
        2020: Decimal(7500),
        2021: Decimal(7500),
        2022: Decimal(0),
    }


def test_fee_income_uses_the_size_class_in_force_that_year(cluster_a, members_a, fees_a):
    small = members_a[0].organisation
    OrganisationYear.objects.create(
        organisation=small, year=2021, headcount=Decimal(60), size_class="medium"
    )

    income = domain.fee_income(cluster_a, [2020, 2021])

    # No medium-company rate in 2021: the small firm owes nothing that year.
    assert income == {2020: Decimal(7500), 2021: Decimal(7000)}


def test_fee_income_falls_back_to_the_roles_blank_size_rate(cluster_a, members_a, fees_a):
    small = members_a[0].organisation
    OrganisationYear.objects.create(
        organisation=small, year=2021, headcount=Decimal(60), size_class="medium"
    )
    FeeRate.objects.create(
        cluster=cluster_a, year=2021, helix_role=HelixRole.COMPANY, size_class="", amount=100
    )

    assert domain.fee_income(cluster_a, [2021]) == {2021: Decimal(7100)}


def test_fee_income_counts_a_member_only_in_the_years_it_is_active(cluster_a, members_a, fees_a):
    large = members_a[1]
    large.end = dt.date(2020, 6, 30)
    large.save()

    assert domain.fee_income(cluster_a, [2020, 2021]) == {
        2020: Decimal(7500),
        2021: Decimal(2500),
    }


def test_fee_income_of_no_years_is_empty(cluster_a, members_a, fees_a):
    assert domain.fee_income(cluster_a, []) == {}


def test_composition_counts_active_members_by_role_size_section_and_youth(cluster_a, members_a):
    comp = domain.composition(cluster_a, dt.date(2024, 6, 1))

    assert comp.members == 3
    assert comp.by_helix == {HelixRole.COMPANY: 2, HelixRole.KNOWLEDGE: 1}
    assert comp.by_size == {"small": 1, "large": 1}
    assert comp.by_section == {"C": 2}
    assert comp.young_firms == 1  # founded 2023; the large firm dates from 1990
    assert comp.smes == 1
    assert comp.sme_share == 0.5


def test_composition_young_firms_are_at_most_five_years_old(cluster_a, members_a):
    assert domain.composition(cluster_a, dt.date(2028, 12, 31)).young_firms == 1
    assert domain.composition(cluster_a, dt.date(2029, 1, 1)).young_firms == 0


def test_composition_leaves_out_members_not_yet_active(cluster_a, members_a):
    comp = domain.composition(cluster_a, dt.date(2019, 12, 31))

    assert (comp.members, comp.by_helix, comp.by_size, comp.smes) == (0, {}, {}, 0)
    assert comp.sme_share is None


def test_composition_counts_companies_without_size_class_as_unknown(cluster_a, members_a):
    _member(cluster_a, "Unsized Firm")

    comp = domain.composition(cluster_a, dt.date(2024, 6, 1))

    assert comp.by_size == {"small": 1, "large": 1, "unknown": 1}
    assert comp.by_section == {"C": 3}


def test_member_counts_cover_only_the_clusters_asked_for(cluster_a, members_a, member_b):
    ended = members_a[2]
    ended.end = dt.date(2022, 12, 31)
    ended.save()
    day = dt.date(2024, 6, 1)

    assert domain.active_member_counts([cluster_a.pk], day) == {cluster_a.pk: 2}
    assert domain.membership_counts([cluster_a.pk]) == {cluster_a.pk: 3}
    assert domain.active_member_counts(Cluster.objects.all(), day) == {
        cluster_a.pk: 2,
        member_b.cluster_id: 1,
    }
