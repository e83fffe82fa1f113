"""Derived KPIs: values computed from the registry rather than typed in.

A registry of functions ``(cluster, period) -> Decimal | None``; a catalogue
KPI names one in its ``derived`` field. Member counts are taken on the last day
of the period, fee income and funding over the calendar years the period
touches, each year pro rata to the days the period covers.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db.models import Sum

from clusterpact.funding import adapters as funding
from clusterpact.funding.models import GrantYear
from clusterpact.landscape.kpis import NETWORK_KPIS
from clusterpact.registry import domain as registry
from clusterpact.registry.models import Cluster

from .periods import Period

DerivedFunction = Callable[[Cluster, Period], Decimal | None]
DERIVED: dict[str, DerivedFunction] = {}
# The collaboration network of the cluster's projects (density, reach of followers, bridges, …).
DERIVED.update(NETWORK_KPIS)

# A reported value further than this from the derived one (relative, or 1 unit absolute) is flagged.
RELATIVE_TOLERANCE = Decimal("0.05")


def derived(name: str) -> Callable[[DerivedFunction], DerivedFunction]:
    def register(function: DerivedFunction) -> DerivedFunction:
        DERIVED[name] = function
        return function

    return register


_cache: contextvars.ContextVar[dict | None] = contextvars.ContextVar("derived_cache", default=None)


def _composition(cluster: Cluster, period: Period) -> registry.Composition:
    """The registry's composition on the period's last day, computed once per :func:`compute_many`."""
    cache = _cache.get()
    if cache is None:
        return registry.composition(cluster, period.end)
    key = (cluster.pk, period.end)
    if key not in cache:
        cache[key] = registry.composition(cluster, period.end)
    return cache[key]


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


@derived("members")
def members(cluster: Cluster, period: Period) -> Decimal:
    return Decimal(_composition(cluster, period).members)


@derived("sme_members")
def sme_members(cluster: Cluster, period: Period) -> Decimal:
    return Decimal(_composition(cluster, period).smes)


@derived("sme_share")
def sme_share(cluster: Cluster, period: Period) -> Decimal | None:
    """SMEs as a percentage of member companies."""
    comp = _composition(cluster, period)
    return _percent(comp.smes, comp.by_helix.get("company", 0))


@derived("young_share")
def young_share(cluster: Cluster, period: Period) -> Decimal | None:
    """Young firms (founded at most five years before) as a percentage of member companies."""
    comp = _composition(cluster, period)
    return _percent(comp.young_firms, comp.by_helix.get("company", 0))


@derived("helix_diversity")
def helix_diversity(cluster: Cluster, period: Period) -> Decimal | None:
    """Blau index over helix roles: 1 − Σ pᵢ², 0 for one role only, at most 0.75 for four."""
    comp = _composition(cluster, period)
    if not comp.members:
        return None
    total = Decimal(comp.members)
    index = 1 - sum((Decimal(n) / total) ** 2 for n in comp.by_helix.values())
    return index.quantize(Decimal("0.0001"))


def _pro_rata(per_year: dict[int, Decimal], period: Period) -> Decimal:
    """Yearly amounts, each weighted by the share of its calendar year the period covers."""
    total = Decimal(0)
    for year in range(period.start.year, period.end.year + 1):
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        covered = (min(last, period.end) - max(first, period.start)).days + 1
        total += per_year.get(year, Decimal(0)) * covered / ((last - first).days + 1)
    return total


def _years(period: Period) -> list[int]:
    return list(range(period.start.year, period.end.year + 1))


@derived("fee_income")
def fee_income(cluster: Cluster, period: Period) -> Decimal:
    """Fee income of the period: each calendar year's income pro rata to the days the period covers.

    A calendar-year period gets that year's income exactly; a half-year gets its share.
    """
    income = registry.fee_income(cluster, _years(period))
    return _pro_rata(income, period).quantize(Decimal("0.01"))


@derived("cofinancing_ratio")
def cofinancing_ratio(cluster: Cluster, period: Period) -> Decimal | None:
    """Private over public funding of the period: euros of private money per euro of public aid.

    Private is what the funding app counts as private cofinancing (fee income
    plus declared private contributions); public is the yearly aid of every
    grant to the cluster. Both are taken pro rata to the days of each calendar
    year the period covers. None when the period has no public funding.
    """
    years = _years(period)
    public_by_year = dict(
        GrantYear.objects.filter(grant__cluster=cluster, year__in=years)
        .values("year")
        .annotate(total=Sum("amount"))
        .values_list("year", "total")
    )
    public = _pro_rata(public_by_year, period)
    if not public:
        return None
    private = _pro_rata(funding.private_cofinancing(cluster, years), period)
    return (private / public).quantize(Decimal("0.01"))


def compute(name: str, cluster: Cluster, period: Period) -> Decimal | None:
    return DERIVED[name](cluster, period)


def compute_many(
    names: Iterable[str], cluster: Cluster, period: Period
) -> dict[str, Decimal | None]:
    """Several derived values for one cluster and period, sharing one composition query."""
    token = _cache.set({})
    try:
        return {name: DERIVED[name](cluster, period) for name in names}
    finally:
        _cache.reset(token)


def contradicts(reported: Decimal, derived_value: Decimal) -> bool:
    """Whether a reported value is further from the derived one than the tolerance allows."""
    return abs(reported - derived_value) > max(
        abs(derived_value) * RELATIVE_TOLERANCE, Decimal("0.01")
    )
