"""Scorecards and the cross-cluster comparison: the seam between the pact models and
:mod:`clusterpact.analysis.scorecard`, which holds the rule.

Which values count: for each reporting period, the **latest accepted version** of its
report. A correction waiting for review therefore leaves the accepted figures in place
until it is accepted itself; drafts, submitted and returned reports never count.
A period counts towards the pact year in which it ends (a pact year runs from the
pact's start date; a term-long period counts for the last year).

Only signed pacts are scored: their baselines and targets are locked. Each pact keeps
its own baseline; the scorecard reads across successive pacts of a cluster.

Queries: a cluster's scorecard takes five, whatever its size. The comparison of all
clusters for one year takes four, and is cached under a fingerprint of the data it
reads (accepted reports, signed pacts, amendments, clusters), so a new acceptance or
amendment is visible on the next request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, FloatField, Q, QuerySet
from django.db.models.functions import Cast, ExtractYear
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from clusterpact.accounts.models import Role
from clusterpact.analysis import scorecard as rule
from clusterpact.bilingual import in_language
from clusterpact.charts import Bar, Line, bar_chart, line_chart
from clusterpact.registry.models import Cluster
from clusterpact.registry.permissions import clusters_for, is_agency

from .models import (
    MAX_TERM_YEARS,
    Amendment,
    Dimension,
    Kpi,
    Pact,
    PactKpi,
    PactStatus,
    Report,
    ReportStatus,
    ReportValue,
    Target,
)
from .periods import target_year
from .permissions import can_read_pacts

DIMENSIONS: tuple[str, ...] = tuple(Dimension.values)
COMPARISON_CACHE_SECONDS = 3600


def thresholds() -> rule.Thresholds:
    """The status thresholds: settings PACTS_SCORECARD_ON_TRACK (0.9) and PACTS_SCORECARD_AT_RISK (0.6)."""
    return rule.Thresholds(
        on_track=float(getattr(settings, "PACTS_SCORECARD_ON_TRACK", 0.9)),
        at_risk=float(getattr(settings, "PACTS_SCORECARD_AT_RISK", 0.6)),
    )


def cap() -> float:
    """Upper clip of normalised achievement in means: setting PACTS_SCORECARD_CAP (1.5)."""
    return float(getattr(settings, "PACTS_SCORECARD_CAP", rule.DEFAULT_CAP))


STATUS_LABELS = {
    rule.Status.ON_TRACK: gettext_lazy("On track"),
    rule.Status.AT_RISK: gettext_lazy("At risk"),
    rule.Status.OFF_TRACK: gettext_lazy("Off track"),
    rule.Status.NO_DATA: gettext_lazy("No data"),
    rule.Status.NO_TARGET: gettext_lazy("No target"),
}
# A symbol beside the text, so that the status never rests on colour alone.
STATUS_SYMBOLS = {
    rule.Status.ON_TRACK: "●",
    rule.Status.AT_RISK: "▲",
    rule.Status.OFF_TRACK: "✕",
    rule.Status.NO_DATA: "○",
    rule.Status.NO_TARGET: "–",
}


def status_label(status: rule.Status | str) -> str:
    return str(STATUS_LABELS[rule.Status(status)])


@dataclass(frozen=True)
class Badge:
    status: str
    label: str
    symbol: str


_badges: dict[str | None, dict[rule.Status, Badge]] = {}


def badges() -> dict[rule.Status, Badge]:
    """The five badges in the active language, built once per language: a scorecard shows
    hundreds, and a translation lookup each is measurable at EU scale."""
    language = get_language()
    table = _badges.get(language)
    if table is None:
        table = _badges[language] = {
            status: Badge(status.value, status_label(status), STATUS_SYMBOLS[status])
            for status in rule.Status
        }
    return table


def badge(status: rule.Status | str) -> Badge:
    return badges()[rule.Status(status)]


def dimension_label(code: str) -> str:
    return str(Dimension(code).label) if code in DIMENSIONS else code


# --------------------------------------------------------------------------
# Access
# --------------------------------------------------------------------------


def scorecard_clusters_for(user) -> QuerySet[Cluster]:
    """Clusters whose scorecard ``user`` may read: the pact readers' clusters (a manager: own only)."""
    if not can_read_pacts(user):
        return Cluster.objects.none()
    return clusters_for(user)


def get_scorecard_cluster_for(user, **lookup) -> Cluster:
    return get_object_or_404(scorecard_clusters_for(user), **lookup)


def can_compare(user) -> bool:
    """The comparison of all clusters: the agency and evaluators, who read every cluster."""
    return user.is_authenticated and (is_agency(user) or user.role == Role.EVALUATOR)


# --------------------------------------------------------------------------
# Years and periods
# --------------------------------------------------------------------------


def _latest_accepted(rows: Iterable[tuple]) -> dict[tuple[int, dt.date], tuple]:
    """Keep, per (pact, period start), the row of the highest accepted version.

    ``rows`` are tuples starting (report id, pact id, period start, version, ...).
    """
    best: dict[tuple[int, dt.date], tuple] = {}
    for row in rows:
        key = (row[1], row[2])
        if key not in best or row[3] > best[key][3]:
            best[key] = row
    return best


# --------------------------------------------------------------------------
# One cluster
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class YearCell:
    year: int
    pact_id: int
    baseline: float | None
    target: float | None
    value: float | None
    achievement: float | None
    status: str
    badge: Badge
    future: bool
    # Baseline, target and value as the page prints them (see number_text).
    shown: tuple[str, str, str] = ("—", "—", "—")

    @property
    def percent(self) -> int | None:
        """Achievement in percent of the planned progress, for display."""
        return None if self.achievement is None else round(self.achievement * 100)


class TermRow(NamedTuple):
    """A pact's term so far for one KPI, with its numbers as printed."""

    pact: Pact
    score: rule.TermScore
    badge: Badge
    shown: tuple[str, str, str]  # baseline, target, value

    @property
    def percent(self) -> int | None:
        a = self.score.achievement
        return None if a is None else round(a * 100)


def number_text(value: float | None, separator: str = ".") -> str:
    """A figure as the template filter ``floatformat:"-2"`` prints it (whole numbers without
    decimals, others with two), with the language's decimal separator; "—" for none.

    Done here because a scorecard prints a thousand numbers and the filter was a fifth of
    the page's time at EU scale.
    """
    if value is None:
        return "—"
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".replace(".", separator)


@dataclass
class KpiRow:
    kpi: Kpi
    cells: list[YearCell]
    terms: list[TermRow]
    latest: YearCell | None
    chart: SafeString | str = ""

    @property
    def dimension(self) -> str:
        return self.kpi.dimension

    def cell(self, year: int) -> YearCell | None:
        return next((c for c in self.cells if c.year == year), None)

    def term_for(self, year: int) -> TermRow | None:
        """The term score of the pact that covers ``year``."""
        return next((t for t in self.terms if year in t.pact.years), None)


@dataclass(frozen=True)
class DimensionRow:
    code: str
    label: str
    summary: rule.Summary
    badge: Badge
    percent: int | None
    kpis: tuple[KpiRow, ...]


@dataclass
class Scorecard:
    cluster: Cluster
    pacts: list[Pact]
    years: list[int]
    rows: list[KpiRow]
    dimensions: list[DimensionRow]
    dimension_chart: SafeString | str
    today: dt.date
    extra: dict = field(default_factory=dict)

    @property
    def reported_years(self) -> list[int]:
        return sorted({c.year for r in self.rows for c in r.cells if c.value is not None})

    @property
    def on_track_percent(self) -> int:
        return round(thresholds().on_track * 100)

    @property
    def at_risk_percent(self) -> int:
        return round(thresholds().at_risk * 100)

    @property
    def export_years(self) -> list[int]:
        """Years with accepted figures, newest first: one yearly report each."""
        return list(reversed(self.reported_years))

    def pact_for(self, year: int) -> Pact | None:
        return next((p for p in self.pacts if year in p.years), None)

    def year_view(self, year: int) -> dict:
        """The scorecard as it reads for one year: each KPI's cell and term, and the dimensions."""
        dimensions = _dimension_rows(self.rows, thresholds(), cap(), year)
        return {
            "year": year,
            "pact": self.pact_for(year),
            "rows": [
                {"row": r, "cell": r.cell(year), "term": r.term_for(year)}
                for r in self.rows
                if r.cell(year) is not None
            ],
            "dimensions": dimensions,
            "dimension_chart": _dimension_chart(dimensions),
        }


def _kpi_chart(row: KpiRow, years: list[int], pacts: list[Pact]) -> SafeString:
    by_year = {c.year: c for c in row.cells}
    labels = [str(y) for y in years]
    lines = [
        Line(_("Reported"), [by_year[y].value if y in by_year else None for y in years]),
        Line(_("Target"), [by_year[y].target if y in by_year else None for y in years], True),
        Line(_("Baseline"), [by_year[y].baseline if y in by_year else None for y in years], True),
    ]
    marker = None
    if len(pacts) > 1:
        last_of_previous = pacts[-2].years[-1]
        if last_of_previous in years:
            marker = years.index(last_of_previous)
    unit = f" ({row.kpi.unit})" if row.kpi.unit else ""
    return line_chart(
        f"{row.kpi.name}{unit}",
        labels,
        lines,
        description=_("Reported values against the targets and baseline of each pact, per year."),
        marker_after=marker,
        marker_label=_("new pact"),
    )


def _dimension_rows(
    rows: list[KpiRow], th: rule.Thresholds, clip: float, year: int | None = None
) -> list[DimensionRow]:
    """Summaries per dimension of each KPI's cell in ``year``, or of its latest reported year."""
    items = []
    for row in rows:
        latest = row.latest if year is None else row.cell(year)
        if latest is None or latest.value is None:
            has_target = any(c.target is not None for c in row.cells)
            status = rule.Status.NO_DATA if has_target else rule.Status.NO_TARGET
            items.append((row.dimension, None, status))
        else:
            items.append((row.dimension, latest.achievement, rule.Status(latest.status)))
    summaries = rule.by_dimension(items, dimensions=DIMENSIONS, thresholds=th, cap=clip)
    return [
        DimensionRow(
            s.key,
            dimension_label(s.key),
            s,
            badge(s.status),
            None if s.mean is None else round(s.mean * 100),
            tuple(r for r in rows if r.dimension == s.key),
        )
        for s in summaries
    ]


def _dimension_chart(dimensions: list[DimensionRow]) -> SafeString:
    bars = [
        Bar(d.label, d.percent or 0, f"{d.percent} %" if d.percent is not None else "—")
        for d in dimensions
    ]
    return bar_chart(
        _("Achievement per dimension, as a percentage of the planned progress"), bars, width=520
    )


def cluster_scorecard(
    cluster: Cluster, *, today: dt.date | None = None, charts: bool = True
) -> Scorecard:
    """Every KPI of the cluster's signed pacts, year by year, across pacts (five queries).

    A KPI appears once per code; across pacts the newest pact's KPI version names it.
    The per-dimension view uses each KPI's latest reported year.
    """
    today = today or timezone.localdate()
    th, clip = thresholds(), cap()
    pacts = list(Pact.objects.filter(cluster=cluster, status=PactStatus.SIGNED).order_by("start"))
    by_pact = {p.pk: p for p in pacts}
    targets: dict[tuple[int, int], dict[int | None, float]] = defaultdict(dict)
    kpis: dict[int, Kpi] = {}
    for kpi_id, pact_id, year, value in (
        Target.objects.filter(pact_kpi__pact__in=pacts, is_current=True)
        .order_by()  # the model's order joins the catalogue to sort rows nobody reads in order
        .annotate(number=Cast("value", FloatField()))
        .values_list("pact_kpi__kpi_id", "pact_kpi__pact_id", "year", "number")
    ):
        targets[(pact_id, kpi_id)][year] = value
    pact_kpis = {
        (pk.pact_id, pk.kpi_id)
        for pk in PactKpi.objects.filter(pact__in=pacts).order_by().only("pact_id", "kpi_id")
    }
    kpis = {k.pk: k for k in Kpi.objects.filter(pk__in={k for _p, k in pact_kpis})}
    reports = _latest_accepted(
        Report.objects.filter(pact__in=pacts, status=ReportStatus.ACCEPTED).values_list(
            "id", "pact_id", "period_start", "version", "period_end"
        )
    )
    period_of = {row[0]: row for row in reports.values()}
    values: dict[tuple[int, int], dict[int, list[float | None]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for report_id, kpi_id, value in (
        ReportValue.objects.filter(report_id__in=list(period_of))
        .annotate(number=Cast("value", FloatField()))
        .order_by("report__period_start")
        .values_list("report_id", "kpi_id", "number")
    ):
        _id, pact_id, _start, _version, end = period_of[report_id]
        pact = by_pact[pact_id]
        values[(pact_id, kpi_id)][target_year(pact.start, pact.term_years, end)].append(value)

    table = badges()
    separator = get_format("DECIMAL_SEPARATOR")
    code_rows: dict[str, KpiRow] = {}
    for pact in pacts:
        for pact_id, kpi_id in sorted(pact_kpis):
            if pact_id != pact.pk:
                continue
            kpi = kpis[kpi_id]
            agreed = targets.get((pact.pk, kpi_id), {})
            score = rule.score_kpi(
                rule.KpiSeries(
                    code=kpi.code,
                    direction=kpi.direction,
                    aggregation=kpi.aggregation_periods,
                    baseline=agreed.get(None),
                    targets={y: v for y, v in agreed.items() if y is not None},
                    values=values.get((pact.pk, kpi_id), {}),
                ),
                th,
            )
            row = code_rows.get(kpi.code)
            if row is None:
                row = code_rows[kpi.code] = KpiRow(kpi, [], [], None)
            else:
                row.kpi = kpi  # the newest pact's version names the KPI
            for year_score in score.years:
                row.cells.append(
                    YearCell(
                        year_score.year,
                        pact.pk,
                        score.baseline,
                        year_score.target,
                        year_score.value,
                        year_score.achievement,
                        year_score.status.value,
                        table[year_score.status],
                        year_score.year >= today.year and year_score.value is None,
                        (
                            number_text(score.baseline, separator),
                            number_text(year_score.target, separator),
                            number_text(year_score.value, separator),
                        ),
                    )
                )
            term = score.term
            row.terms.append(
                TermRow(
                    pact,
                    term,
                    table[term.status],
                    (
                        number_text(term.baseline, separator),
                        number_text(term.target, separator),
                        number_text(term.value, separator),
                    ),
                )
            )
    rows = sorted(code_rows.values(), key=lambda r: (r.kpi.order, r.kpi.code))
    years = sorted({c.year for r in rows for c in r.cells})
    for row in rows:
        row.cells.sort(key=lambda c: c.year)
        reported = [c for c in row.cells if c.value is not None]
        row.latest = reported[-1] if reported else None
        if charts:
            row.chart = _kpi_chart(row, years, pacts)
    dimensions = _dimension_rows(rows, th, clip)
    return Scorecard(
        cluster,
        pacts,
        years,
        rows,
        dimensions,
        _dimension_chart(dimensions) if charts else "",
        today,
    )


# --------------------------------------------------------------------------
# All clusters, one year
# --------------------------------------------------------------------------


class ClusterScore(NamedTuple):
    """One cluster in the comparison. A named tuple: the comparison of 1,500 of them is cached,
    and tuples pickle several times faster than dataclasses."""

    cluster_id: int
    name: str
    slug: str
    is_published: bool
    # (mean normalised achievement, status) per dimension, in the order of DIMENSIONS.
    dimensions: tuple[tuple[float | None, str], ...]
    overall: tuple[float | None, str]
    scored: int
    kpis: int


class ProgrammeKpi(NamedTuple):
    code: str
    name_nl: str
    name_en: str
    unit: str
    dimension: str
    aggregation: str
    value: float | None
    clusters: int
    mean: float | None
    counts: dict[str, int]

    @property
    def name(self) -> str:
        return in_language(self.name_nl, self.name_en)


@dataclass(frozen=True)
class Comparison:
    """All clusters with a signed pact covering ``year``; summaries per dimension over all
    clusters and over the published ones, computed once with the figures."""

    year: int
    clusters: tuple[ClusterScore, ...]
    kpis: tuple[ProgrammeKpi, ...]
    summaries: tuple[tuple[str, rule.Summary], ...] = ()
    published_summaries: tuple[tuple[str, rule.Summary], ...] = ()

    def dimension_summaries(
        self, *, published_only: bool = False
    ) -> list[tuple[str, rule.Summary]]:
        """Per dimension, the clusters' means summarised (clusters without a score: no data)."""
        return list(self.published_summaries if published_only else self.summaries)


def _summaries(
    clusters: Iterable[ClusterScore], th: rule.Thresholds, clip: float
) -> tuple[tuple[str, rule.Summary], ...]:
    clusters = list(clusters)
    return tuple(
        (
            code,
            rule.across_clusters(
                {c.slug: c.dimensions[i][0] for c in clusters}, thresholds=th, cap=clip
            ),
        )
        for i, code in enumerate(DIMENSIONS)
    )


def comparison_year_counts() -> dict[int, int]:
    """Per calendar year in which accepted report periods ended: how many pacts they cover."""
    return dict(
        Report.objects.filter(status=ReportStatus.ACCEPTED)
        .order_by()
        .annotate(ended=ExtractYear("period_end"))
        .values("ended")
        .annotate(pacts=Count("pact_id", distinct=True))
        .values_list("ended", "pacts")
    )


def comparison_years() -> list[int]:
    """Calendar years in which an accepted report period ended, newest first."""
    return sorted(comparison_year_counts(), reverse=True)


def default_year(counts: dict[int, int]) -> int | None:
    """The newest year with accepted reports for at least half as many pacts as the best year:
    the newest year alone often has a few early reports only, which would compare little."""
    if not counts:
        return None
    most = max(counts.values())
    return max(year for year, n in counts.items() if 2 * n >= most)


def compute_comparison(year: int) -> Comparison:
    """Normalised achievement per cluster and dimension in pact year ``year`` (six queries)."""
    th, clip = thresholds(), cap()
    scope = Pact.objects.filter(
        status=PactStatus.SIGNED, start__year__lte=year, start__year__gt=year - MAX_TERM_YEARS
    )
    pacts = {
        pk: (cluster_id, start, term)
        for pk, cluster_id, start, term in scope.values_list(
            "id", "cluster_id", "start", "term_years"
        )
        if start.year <= year < start.year + term
    }
    kpis = {k.pk: k for k in Kpi.objects.all()}
    agreed: dict[tuple[int, int], dict[int | None, float]] = defaultdict(dict)
    for pact_id, kpi_id, agreed_year, value in (
        Target.objects.filter(pact_kpi__pact__in=scope, is_current=True)
        .filter(Q(year=year) | Q(year__isnull=True))
        .order_by()  # unordered: the model's order joins the catalogue and sorts 90,000 rows
        .annotate(number=Cast("value", FloatField()))
        .values_list("pact_kpi__pact_id", "pact_kpi__kpi_id", "year", "number")
    ):
        if pact_id in pacts:
            agreed[(pact_id, kpi_id)][agreed_year] = value
    # Periods of pact year ``year`` end between its first day and a year after its last.
    accepted = Report.objects.filter(
        pact__in=scope,
        status=ReportStatus.ACCEPTED,
        period_end__range=(dt.date(year, 1, 1), dt.date(year + 1, 12, 31)),
    )
    latest = _latest_accepted(
        row
        for row in accepted.values_list("id", "pact_id", "period_start", "version", "period_end")
        if row[1] in pacts and target_year(*pacts[row[1]][1:], row[4]) == year
    )
    wanted = {row[0]: row[1] for row in latest.values()}
    values: dict[tuple[int, int], list[float | None]] = defaultdict(list)
    for report_id, kpi_id, value in (
        ReportValue.objects.filter(report__in=accepted)
        .annotate(number=Cast("value", FloatField()))
        .order_by("report__period_start")
        .values_list("report_id", "kpi_id", "number")
    ):
        if report_id in wanted:
            values[(wanted[report_id], kpi_id)].append(value)

    per_cluster: dict[int, list[tuple[str, float | None, rule.Status]]] = defaultdict(list)
    per_kpi: dict[int, list[tuple[float | None, float | None, rule.Status]]] = defaultdict(list)
    for (pact_id, kpi_id), targets in agreed.items():
        kpi = kpis[kpi_id]
        reported = values.get((pact_id, kpi_id))
        if not reported:
            value = None
        elif len(reported) == 1:  # yearly reporting: nothing to aggregate
            value = reported[0]
        else:
            value = rule.aggregate(reported, kpi.aggregation_periods)
        target = targets.get(year)
        score = rule.achievement(value, target, targets.get(None), kpi.direction)
        status = rule.status_of(score, has_target=target is not None, thresholds=th)
        per_cluster[pacts[pact_id][0]].append((kpi.dimension, score, status))
        per_kpi[kpi_id].append((value, score, status))

    clusters = []
    for cluster_id, name, slug, published in (
        Cluster.objects.filter(pk__in={c for c, _s, _t in pacts.values()})
        .order_by("name")
        .values_list("id", "name", "slug", "is_published")
    ):
        items = per_cluster.get(cluster_id, [])
        summaries = rule.by_dimension(items, dimensions=DIMENSIONS, thresholds=th, cap=clip)
        overall = rule.summarise("all", [(s, st) for _d, s, st in items], thresholds=th, cap=clip)
        clusters.append(
            ClusterScore(
                cluster_id,
                name,
                slug,
                published,
                tuple((s.mean, s.status.value) for s in summaries[: len(DIMENSIONS)]),
                (overall.mean, overall.status.value),
                overall.scored,
                overall.total,
            )
        )
    order = {}
    for kpi in kpis.values():
        order[kpi.code] = min(order.get(kpi.code, kpi.order), kpi.order)
    programme = []
    for kpi_id, items in per_kpi.items():
        kpi = kpis[kpi_id]
        summary = rule.summarise(
            kpi.code, [(s, st) for _v, s, st in items], thresholds=th, cap=clip
        )
        reported = [v for v, _s, _st in items if v is not None]
        programme.append(
            ProgrammeKpi(
                kpi.code,
                kpi.name_nl,
                kpi.name_en,
                kpi.unit,
                kpi.dimension,
                kpi.aggregation_clusters,
                rule.aggregate_clusters(reported, kpi.aggregation_clusters) if reported else None,
                len(reported),
                summary.mean,
                {s.value: n for s, n in summary.counts.items()},
            )
        )
    programme.sort(key=lambda p: (order[p.code], p.code))
    return Comparison(
        year,
        tuple(clusters),
        tuple(programme),
        _summaries(clusters, th, clip),
        _summaries((c for c in clusters if c.is_published), th, clip),
    )


def _fingerprint() -> tuple:
    """Changes whenever an input of the comparison changes, read in one statement.

    Accepted reports (count, last change), pacts (count, last change: signing),
    amendments (last id) and clusters (count, last change: name, publication).
    """
    tables = {
        name: connection.ops.quote_name(model._meta.db_table)
        for name, model in (
            ("report", Report),
            ("pact", Pact),
            ("amendment", Amendment),
            ("cluster", Cluster),
        )
    }
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {tables['report']} WHERE status = %s),"
        f" (SELECT MAX(updated_at) FROM {tables['report']}),"
        f" (SELECT COUNT(*) FROM {tables['pact']}),"
        f" (SELECT MAX(updated_at) FROM {tables['pact']}),"
        f" (SELECT MAX(id) FROM {tables['amendment']}),"
        f" (SELECT COUNT(*) FROM {tables['cluster']}),"
        f" (SELECT MAX(updated_at) FROM {tables['cluster']})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ReportStatus.ACCEPTED.value])
        return tuple(cursor.fetchone())


def data_stamp() -> str:
    """A short key for the current state of every scorecard input and of the status settings:
    cached figures and pages are stored under it, so a change is visible on the next request."""
    th = thresholds()
    state = (_fingerprint(), th.on_track, th.at_risk, cap())
    return hashlib.sha1(repr(state).encode(), usedforsecurity=False).hexdigest()


# The last comparisons this process computed or fetched, keyed like the shared cache: the
# warm path then costs one fingerprint query and no unpickling of 1,500 rows.
_recent: dict[str, Comparison] = {}
_RECENT_SIZE = 4


def comparison(year: int) -> Comparison:
    """:func:`compute_comparison`, cached per year under the data's fingerprint (in this process
    and in Django's cache, so that several processes share one computation)."""
    key = f"pacts-comparison:{year}:{data_stamp()}"
    found = _recent.get(key)
    if found is None:
        found = cache.get_or_set(key, lambda: compute_comparison(year), COMPARISON_CACHE_SECONDS)
        if len(_recent) >= _RECENT_SIZE:
            _recent.pop(next(iter(_recent)))
        _recent[key] = found
    return found


def programme_chart(summaries: list[tuple[str, rule.Summary]]) -> SafeString:
    """Mean normalised achievement per dimension across clusters, as in a cluster's integral view."""
    bars = [
        Bar(
            dimension_label(code),
            0 if s.mean is None else round(s.mean * 100),
            "—" if s.mean is None else f"{round(s.mean * 100)} %",
        )
        for code, s in summaries
    ]
    return bar_chart(
        _("Achievement per dimension, as a percentage of the planned progress"), bars, width=520
    )
