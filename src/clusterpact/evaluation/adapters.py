"""The one seam between the registry and ``clusterpact.analysis``: querysets become polars frames.

Membership histories are read with one ``values_list`` query each and joined
to the firm panel in polars; nothing loops over firms in Python except the
keyed hash that turns each enterprise number into its pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

import polars as pl
from django.conf import settings

from clusterpact.registry.models import Cluster, Membership, Organisation

#: Length of a pseudonym (hex characters of the HMAC-SHA-256).
PSEUDONYM_LENGTH = 16
#: Headcount thresholds of the EU SME definition, for firms the registry does not know.
HEADCOUNT_CLASSES = ((10, "micro"), (50, "small"), (250, "medium"))


def pseudonym(number: str) -> str:
    """A short token that stands for an enterprise number in every result.

    HMAC-SHA-256 keyed with the site's SECRET_KEY: stable across runs of one
    installation, and not reversible without the key (enterprise numbers are
    few enough to enumerate, so a plain hash would not do).
    """
    key = hashlib.sha256(
        b"clusterpact.evaluation.pseudonym:" + settings.SECRET_KEY.encode()
    ).digest()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def pseudonymise(numbers: pl.Series) -> pl.Series:
    """Pseudonyms of a column of ten-digit enterprise numbers (hashing each distinct number once)."""
    distinct = numbers.unique()
    tokens = pl.Series([pseudonym(n) for n in distinct.to_list()], dtype=pl.String)
    lookup = pl.DataFrame({"n": distinct, "token": tokens})
    return (
        pl.DataFrame({"n": numbers})
        .join(lookup, on="n", how="left", maintain_order="left")
        .get_column("token")
        .alias(numbers.name)
    )


def membership_frame() -> pl.DataFrame:
    """Every membership of an organisation with an enterprise number: number, cluster, start year."""
    rows = Membership.objects.exclude(organisation__enterprise_number="").values_list(
        "organisation__enterprise_number", "cluster__slug", "start__year"
    )
    return pl.DataFrame(
        list(rows),
        schema={"enterprise_number": pl.String, "cluster": pl.String, "start_year": pl.Int32},
        orient="row",
    )


def cohorts(memberships: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Treatment cohorts: the first year of membership overall, and per cluster.

    Returns ``(overall, by_cluster)``: ``enterprise_number, group`` and
    ``enterprise_number, cluster, group``. A membership that starts during a year
    counts for that whole year.
    """
    overall = memberships.group_by("enterprise_number").agg(
        pl.col("start_year").min().alias("group")
    )
    by_cluster = memberships.group_by("enterprise_number", "cluster").agg(
        pl.col("start_year").min().alias("group")
    )
    return overall, by_cluster


def size_class_frame() -> pl.DataFrame:
    rows = (
        Organisation.objects.exclude(enterprise_number="")
        .exclude(size_class="")
        .values_list("enterprise_number", "size_class")
    )
    return pl.DataFrame(
        list(rows),
        schema={"enterprise_number": pl.String, "size_class": pl.String},
        orient="row",
    )


def cluster_names() -> dict[str, str]:
    return dict(Cluster.objects.values_list("slug", "name"))


@dataclass(frozen=True)
class EvaluationPanel:
    """The firm panel joined with the registry, firms pseudonymised.

    frame : one row per firm-year: ``unit`` (pseudonym), ``year``, ``group`` (first year
        of membership of any cluster, 0 = never a member), ``size_class``, and the
        panel's numeric columns.
    cluster_groups : ``unit, cluster, group``: the first year of membership per cluster.
    clusters : slug → name of every cluster with members in the panel.
    """

    frame: pl.DataFrame
    cluster_groups: pl.DataFrame
    clusters: dict[str, str]
    notes: list[str] = field(default_factory=list)


def _size_from_headcount(employment: pl.Expr) -> pl.Expr:
    expr = pl.lit("large")
    for limit, label in reversed(HEADCOUNT_CLASSES):
        expr = pl.when(employment < limit).then(pl.lit(label)).otherwise(expr)
    return pl.when(employment.is_null()).then(pl.lit(None, pl.String)).otherwise(expr)


def join_registry(
    panel: pl.DataFrame,
    memberships: pl.DataFrame,
    sizes: pl.DataFrame,
    names: dict[str, str],
) -> EvaluationPanel:
    """Join a checked panel (``enterprise_number``, ``year``, values) with membership cohorts
    and size classes, and replace every enterprise number by its pseudonym. Pure: no queries."""
    overall, by_cluster = cohorts(memberships)
    notes: list[str] = []
    frame = (
        panel.join(overall, on="enterprise_number", how="left")
        .with_columns(pl.col("group").fill_null(0).cast(pl.Int32))
        .join(sizes, on="enterprise_number", how="left")
    )
    unknown = frame.filter(pl.col("size_class").is_null())["enterprise_number"].n_unique()
    if unknown and "employment" in frame.columns:
        # Firms outside the registry (most of a national panel) get the class their
        # headcount in their first year implies: the EU thresholds on staff alone.
        first_headcount = (
            frame.sort("year")
            .group_by("enterprise_number")
            .agg(pl.col("employment").drop_nulls().first().alias("_first_employment"))
        )
        frame = (
            frame.join(first_headcount, on="enterprise_number", how="left")
            .with_columns(
                pl.col("size_class").fill_null(_size_from_headcount(pl.col("_first_employment")))
            )
            .drop("_first_employment")
        )
        notes.append(
            f"{unknown} firms are not in the registry with a size class; their size class is "
            "taken from their headcount in their first year (EU SME thresholds on staff)"
        )
    frame = frame.with_columns(pl.col("size_class").fill_null("unknown"))
    in_panel = panel.select("enterprise_number").unique()
    per_cluster = by_cluster.join(in_panel, on="enterprise_number", how="semi")
    units = pseudonymise(frame["enterprise_number"]).alias("unit")
    frame = frame.with_columns(units).drop("enterprise_number").select("unit", pl.exclude("unit"))
    per_cluster = per_cluster.with_columns(
        pseudonymise(per_cluster["enterprise_number"]).alias("unit")
    ).select("unit", "cluster", "group")
    present = sorted(per_cluster["cluster"].unique().to_list())
    return EvaluationPanel(
        frame=frame,
        cluster_groups=per_cluster,
        clusters={slug: names.get(slug, slug) for slug in present},
        notes=notes,
    )


def evaluation_panel(panel: pl.DataFrame) -> EvaluationPanel:
    """:func:`join_registry` on the registry as it is now (three queries)."""
    return join_registry(panel, membership_frame(), size_class_frame(), cluster_names())
