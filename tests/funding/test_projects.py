from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from clusterpact.funding import domain
from clusterpact.funding.models import ParticipantRole, Programme, Project, ProjectKind


def test_intercluster_project_needs_two_clusters(cluster_a):
    with pytest.raises(ValidationError) as error:
        domain.create_project(
            clusters=[cluster_a], title="Bridge", kind=ProjectKind.INTERCLUSTER, budget=Decimal(1)
        )
    assert list(error.value.message_dict) == ["clusters"]
    assert not Project.objects.exists()


def test_intercluster_project_with_two_clusters_is_saved(cluster_a, cluster_b):
    project = domain.create_project(
        clusters=[cluster_a, cluster_b],
        title="Bridge",
        kind=ProjectKind.INTERCLUSTER,
        budget=Decimal(1),
    )
    assert set(project.clusters.all()) == {cluster_a, cluster_b}


def test_clean_clusters_refuses_one_cluster_for_intercluster():
    with pytest.raises(ValidationError):
        Project(kind=ProjectKind.INTERCLUSTER).clean_clusters([1])


def test_european_project_needs_programme(cluster_a):
    with pytest.raises(ValidationError):
        domain.create_project(
            clusters=[cluster_a], title="EU", kind=ProjectKind.EUROPEAN, budget=Decimal(1)
        )


def test_concentration_and_sme_share_per_cluster(cluster_a, members_a):
    small, large, uni = (m.organisation for m in members_a)
    domain.create_project(
        clusters=[cluster_a],
        title="EU one",
        kind=ProjectKind.EUROPEAN,
        programme=Programme.HORIZON_EUROPE,
        budget=Decimal(100),
        participants=[
            (small, ParticipantRole.COORDINATOR, Decimal(50)),
            (large, ParticipantRole.PARTNER, Decimal(30)),
            (uni, ParticipantRole.PARTNER, Decimal(20)),
        ],
    )
    c = domain.project_concentration(cluster_a)
    assert (c.recipients, c.total) == (3, Decimal(100))
    assert c.top_five_share == Decimal(1)
    assert c.herfindahl == Decimal("0.38")
    assert domain.project_concentrations([cluster_a.pk]) == {cluster_a.pk: c}
    sme = domain.eu_sme_participation([cluster_a.pk])[cluster_a.pk]
    assert (sme.projects, sme.participants, sme.smes) == (1, 3, 1)
