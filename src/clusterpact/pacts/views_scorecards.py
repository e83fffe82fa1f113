"""Scorecard pages: one cluster over its pacts, the comparison of clusters, and its public version.

Thin: the figures come from :mod:`.scorecards`, files from :mod:`.exports`. A manager
reads the own cluster's scorecard only (another cluster's is a 404); the comparison of
all clusters is for the agency and evaluators; the public comparison needs no login and
shows published clusters' aggregated achievement only.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from clusterpact.registry.domain import active_member_counts

from . import exports, scorecards

COMPARISON_PAGE_SIZE = 50
SCORECARD_CACHE_SECONDS = 3600
# Published aggregates hide any cell resting on fewer than this many firms or clusters.
SMALL_CELL = 3
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX if fmt == "xlsx" else "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_safe
@login_required
def scorecard(request, slug):
    cluster = scorecards.get_scorecard_cluster_for(request.user, slug=slug)
    today = timezone.localdate()
    context = {
        "cluster": cluster,
        # Computed only when the cached body is missing (template fragment cache keyed by the
        # data's stamp, the day and the language): every reader of a cluster sees the same.
        "card": SimpleLazyObject(lambda: scorecards.cluster_scorecard(cluster, today=today)),
        "cache_key": f"{scorecards.data_stamp()}:{today.isoformat()}",
        "cache_seconds": SCORECARD_CACHE_SECONDS,
        "can_compare": scorecards.can_compare(request.user),
    }
    return render(request, "pacts/scorecard.html", context)


@require_safe
@login_required
def scorecard_export(request, slug, year, fmt):
    cluster = scorecards.get_scorecard_cluster_for(request.user, slug=slug)
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    card = scorecards.cluster_scorecard(cluster, charts=fmt == "pdf")
    if year not in card.years:
        raise Http404
    name = f"scorecard-{cluster.slug}-{year}"
    if fmt == "pdf":
        return _attachment(exports.yearly_report_pdf(card, year), fmt, name)
    return _attachment(exports.scorecard_xlsx(card), fmt, name)


def _years(request) -> tuple[list[int], int | None]:
    """The years to choose from (newest first) and the one asked for, else the default."""
    counts = scorecards.comparison_year_counts()
    years = sorted(counts, reverse=True)
    try:
        wanted = int(request.GET.get("year", ""))
    except ValueError:
        wanted = None
    return years, wanted if wanted in counts else scorecards.default_year(counts)


def _sorted_rows(rows, sort: str):
    if sort in scorecards.DIMENSIONS:
        index = scorecards.DIMENSIONS.index(sort)
        # Best first; clusters without a score in the dimension last, by name.
        return sorted(
            rows,
            key=lambda r: (r.dimensions[index][0] is None, -(r.dimensions[index][0] or 0), r.name),
        )
    if sort == "overall":
        return sorted(rows, key=lambda r: (r.overall[0] is None, -(r.overall[0] or 0), r.name))
    return list(rows)


def _percent(score: float | None) -> int | None:
    return None if score is None else round(score * 100)


def _cells(row, table) -> list[dict]:
    return [
        {"percent": _percent(score), "badge": table[status]} for score, status in row.dimensions
    ]


def _dimension_headers() -> list[dict]:
    return [
        {"code": code, "label": scorecards.dimension_label(code)} for code in scorecards.DIMENSIONS
    ]


@require_safe
@login_required
def comparison(request):
    if not scorecards.can_compare(request.user):
        raise PermissionDenied
    years, year = _years(request)
    context = {"years": years, "year": year, "dimensions": _dimension_headers()}
    if year is not None:
        data = scorecards.comparison(year)
        sort = request.GET.get("sort", "")
        page = Paginator(_sorted_rows(data.clusters, sort), COMPARISON_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        table = scorecards.badges()
        page.object_list = [
            {
                "cluster": row,
                "cells": _cells(row, table),
                "overall": {
                    "percent": _percent(row.overall[0]),
                    "badge": table[row.overall[1]],
                },
            }
            for row in page.object_list
        ]
        context |= {
            "page": page,
            "sort": sort,
            "query_string": f"year={year}&sort={sort}",
            "summaries": [
                {
                    "label": scorecards.dimension_label(code),
                    "percent": _percent(summary.mean),
                    "badge": scorecards.badge(summary.status),
                    "summary": summary,
                }
                for code, summary in data.dimension_summaries()
            ],
        }
    return render(request, "pacts/comparison.html", context)


@require_safe
@login_required
def programme_export(request, year, fmt):
    if not scorecards.can_compare(request.user):
        raise PermissionDenied
    if fmt not in ("pdf", "xlsx") or year not in scorecards.comparison_years():
        raise Http404
    data = scorecards.comparison(year)
    name = f"programme-{year}"
    if fmt == "pdf":
        return _attachment(exports.programme_report_pdf(data), fmt, name)
    return _attachment(exports.programme_xlsx(data), fmt, name)


def _suppress(count: int) -> int | None:
    return count if count >= SMALL_CELL else None


@require_safe
def public_comparison(request):
    """Published clusters only; normalised achievement per dimension, never a reported value.

    A cluster with fewer than three active members is listed without figures (they would
    describe one or two firms); a status count below three clusters is hidden.
    """
    years, year = _years(request)
    context = {
        "years": years,
        "year": year,
        "dimensions": _dimension_headers(),
        "small_cell": SMALL_CELL,
    }
    if year is not None:
        data = scorecards.comparison(year)
        published = [row for row in data.clusters if row.is_published]
        page = Paginator(published, COMPARISON_PAGE_SIZE).get_page(request.GET.get("page"))
        table = scorecards.badges()
        members = active_member_counts(
            (r.cluster_id for r in page.object_list), timezone.localdate()
        )
        page.object_list = [
            {
                "name": row.name,
                "suppressed": members.get(row.cluster_id, 0) < SMALL_CELL,
                "cells": _cells(row, table),
            }
            for row in page.object_list
        ]
        summaries = []
        for code, summary in data.dimension_summaries(published_only=True):
            counts = [
                {"badge": scorecards.badge(status), "count": _suppress(summary.count(status))}
                for status in ("on_track", "at_risk", "off_track")
            ]
            summaries.append(
                {
                    "label": scorecards.dimension_label(code),
                    "percent": _percent(summary.mean) if summary.scored >= SMALL_CELL else None,
                    "scored": summary.scored,
                    "counts": counts,
                }
            )
        context |= {"page": page, "summaries": summaries, "query_string": f"year={year}"}
    return render(request, "pacts/comparison_public.html", context)
