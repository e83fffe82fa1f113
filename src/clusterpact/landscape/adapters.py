"""The one seam between registry/funding models and :mod:`clusterpact.analysis.network`.

Turns querysets into the polars frames the analysis expects, with a fixed
number of queries whatever the data size (``values_list``, no per-row access):

``participations``
    project, organisation, year, cluster (null for a project in no cluster),
    amount (the participant's budget, EUR). A project counts in the year it
    starts (its end year when the start is unknown; projects with neither are
    left out): the network of a year is the consortia formed that year. An
    intercluster project appears once per cluster.
``organisations``
    organisation, helix_role, is_sme (size class micro/small/medium; null when
    the size class is unknown, as for most non-companies, so SME shares are
    over participants of known size, as the registry's SME share),
    founding_year, clusters (ids of every cluster the organisation was ever a
    member of), profile (the agency's leader/follower override, else null).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection

import polars as pl
from django.db import connections
from django.db.models import Count, FloatField, Max
from django.db.models.functions import Cast, Coalesce, ExtractYear

from clusterpact.funding.models import Project, ProjectParticipant
from clusterpact.registry.models import SME_CLASSES, Membership, Organisation

from .models import InnovationProfile

PARTICIPATION_SCHEMA = {
    "project": pl.Int64,
    "organisation": pl.Int64,
    "year": pl.Int64,
    "cluster": pl.Int64,
    "amount": pl.Float64,
}
ORGANISATION_SCHEMA = {
    "organisation": pl.Int64,
    "helix_role": pl.Utf8,
    "is_sme": pl.Boolean,
    "size_class": pl.Utf8,
    "founding_year": pl.Int64,
    "clusters": pl.List(pl.Int64),
    "profile": pl.Utf8,
}


def _frame(queryset, schema: dict) -> pl.DataFrame:
    """A ``values_list`` queryset read straight from the cursor into a frame.

    Skips the ORM's per-row tuple building and converters, which took most of
    the time at EU scale; the selected columns are integers, floats and text,
    which every backend returns as Python values polars reads directly.
    """
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def participations_frame() -> pl.DataFrame:
    """Every project participation with its start year, once per cluster of the project."""
    participants = _frame(
        ProjectParticipant.objects.annotate(
            year=Coalesce(ExtractYear("project__start"), ExtractYear("project__end")),
            amount=Cast("budget", FloatField()),
        )
        .filter(year__isnull=False)
        .values_list("project_id", "organisation_id", "year", "amount")
        .order_by(),
        {"project": pl.Int64, "organisation": pl.Int64, "year": pl.Int64, "amount": pl.Float64},
    )
    links = _frame(
        Project.clusters.through.objects.values_list("project_id", "cluster_id").order_by(),
        {"project": pl.Int64, "cluster": pl.Int64},
    )
    frame = participants.join(links, on="project", how="left")
    return frame.select(list(PARTICIPATION_SCHEMA)).cast(PARTICIPATION_SCHEMA)


def organisations_frame(ids: Collection[int] | None = None) -> pl.DataFrame:
    """Organisations (all, or those in ``ids``) with memberships and profile overrides."""
    organisations = Organisation.objects.all()
    memberships = Membership.objects.all()
    overrides = InnovationProfile.objects.exclude(override="")
    if ids is not None:
        ids = list(ids)
        organisations = organisations.filter(pk__in=ids)
        memberships = memberships.filter(organisation_id__in=ids)
        overrides = overrides.filter(organisation_id__in=ids)
    sme = [str(c) for c in SME_CLASSES]
    base = _frame(
        organisations.values_list("id", "helix_role", "size_class", "founding_year").order_by(),
        {
            "organisation": pl.Int64,
            "helix_role": pl.Utf8,
            "size_class": pl.Utf8,
            "founding_year": pl.Int64,
        },
    ).with_columns(
        pl.when(pl.col("size_class") == "")
        .then(None)
        .otherwise(pl.col("size_class"))
        .alias("size_class")
    )
    clusters = (
        _frame(
            memberships.values_list("organisation_id", "cluster_id").order_by(),
            {"organisation": pl.Int64, "cluster": pl.Int64},
        )
        .group_by("organisation")
        .agg(pl.col("cluster").unique().sort().alias("clusters"))
    )
    profile = _frame(
        overrides.values_list("organisation_id", "override").order_by(),
        {"organisation": pl.Int64, "profile": pl.Utf8},
    )
    frame = (
        base.join(clusters, on="organisation", how="left")
        .join(profile, on="organisation", how="left")
        .with_columns(
            # Unknown size (most non-companies) is null, not "large": SME shares are over known sizes.
            is_sme=pl.when(pl.col("size_class").is_null())
            .then(None)
            .otherwise(pl.col("size_class").is_in(sme)),
            clusters=pl.col("clusters").fill_null(pl.lit([], dtype=pl.List(pl.Int64))),
        )
    )
    return frame.select(list(ORGANISATION_SCHEMA)).cast(ORGANISATION_SCHEMA).sort("organisation")


def data_version() -> str:
    """A cheap fingerprint of everything the frames read; cached results are keyed on it.

    Counts and maximum ids/timestamps change with every insert, delete and
    override; an edit of a project's dates or a participant's budget in place
    does not, so cached figures also expire after ``LANDSCAPE_CACHE_SECONDS``.
    """
    participants = ProjectParticipant.objects.aggregate(n=Count("id"), m=Max("id"))
    links = Project.clusters.through.objects.aggregate(n=Count("id"), m=Max("id"))
    memberships = Membership.objects.aggregate(n=Count("id"), m=Max("id"))
    organisations = Organisation.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    profiles = InnovationProfile.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    parts = [participants, links, memberships, organisations, profiles]
    return hashlib.sha1("|".join(f"{p['n']}.{p['m']}" for p in parts).encode()).hexdigest()
