"""Shared fixtures: one user per role and a small registry the tests can reason about exactly."""

from __future__ import annotations

import datetime as dt

import pytest

from clusterpact.accounts.models import Role, User
from clusterpact.registry.models import (
    Cluster,
    ClusterKind,
    FeeRate,
    HelixRole,
    Membership,
    Organisation,
    OrganisationKind,
)

PASSWORD = "a-long-test-password-2026"


def make_user(username: str, role: str, *, clusters=(), **extra) -> User:
    user = User(username=username, role=role, **extra)
    user.set_password(PASSWORD)
    user.save()
    if clusters:
        user.managed_clusters.set(clusters)
    return user


def make_organisation(name: str, number: str = "", **fields) -> Organisation:
    fields.setdefault("helix_role", HelixRole.COMPANY)
    fields.setdefault("kind", OrganisationKind.COMPANY)
    return Organisation.objects.create(name=name, enterprise_number=number, **fields)


@pytest.fixture
def cluster_a(db) -> Cluster:
    return Cluster.objects.create(
        name="Alpha Cluster",
        slug="alpha",
        kind=ClusterKind.SPEARHEAD,
        support_start=dt.date(2017, 1, 1),
    )


@pytest.fixture
def cluster_b(db) -> Cluster:
    return Cluster.objects.create(
        name="Beta Network",
        slug="beta",
        kind=ClusterKind.BUSINESS_NETWORK,
        support_start=dt.date(2019, 1, 1),
    )


@pytest.fixture
def members_a(cluster_a) -> list[Membership]:
    """Three members of cluster A: a small company, a large company, a university."""
    small = make_organisation("Small Firm", "0123456749", founding_year=2023, nace_code="20.11")
    large = make_organisation("Large Firm", "0200065765", founding_year=1990, nace_code="20.11")
    uni = make_organisation(
        "Test University",
        "0419052173",
        helix_role=HelixRole.KNOWLEDGE,
        kind=OrganisationKind.UNIVERSITY,
    )
    Organisation.objects.filter(pk=small.pk).update(size_class="small")
    Organisation.objects.filter(pk=large.pk).update(size_class="large")
    return [
        Membership.objects.create(organisation=org, cluster=cluster_a, start=dt.date(2020, 1, 1))
        for org in (small, large, uni)
    ]


@pytest.fixture
def member_b(cluster_b) -> Membership:
    org = make_organisation("Beta Only Firm", "0403170701")
    return Membership.objects.create(organisation=org, cluster=cluster_b, start=dt.date(2021, 6, 1))


@pytest.fixture
def fees_a(cluster_a) -> list[FeeRate]:
    rows = [
        (HelixRole.COMPANY, "small", 500),
        (HelixRole.COMPANY, "large", 5000),
        (HelixRole.KNOWLEDGE, "", 2000),
    ]
    return [
        FeeRate.objects.create(cluster=cluster_a, year=year, helix_role=r, size_class=s, amount=a)
        for year in (2020, 2021)
        for r, s, a in rows
    ]


@pytest.fixture
def admin_user(db) -> User:
    return make_user("admin", Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def officer(db) -> User:
    return make_user("officer", Role.OFFICER)


@pytest.fixture
def manager_a(cluster_a) -> User:
    return make_user("manager-a", Role.CLUSTER_MANAGER, clusters=[cluster_a])


@pytest.fixture
def manager_b(cluster_b) -> User:
    return make_user("manager-b", Role.CLUSTER_MANAGER, clusters=[cluster_b])


@pytest.fixture
def applicant(db) -> User:
    return make_user("applicant", Role.APPLICANT)


@pytest.fixture
def reviewer(db) -> User:
    return make_user("reviewer", Role.REVIEWER)


@pytest.fixture
def evaluator(db) -> User:
    return make_user("evaluator", Role.EVALUATOR)
