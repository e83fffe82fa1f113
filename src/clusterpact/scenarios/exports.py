"""The scenario advice as PDF (WeasyPrint, as in funding/exports.py), per cluster and for the
programme, in the active language; the charts are the page's own SVG."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from . import domain, evidence, presenters
from .models import Assessment


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string(template, context)).write_pdf()


def assessment_context(assessment: Assessment) -> dict:
    matrix = domain.score_matrix(assessment)
    result = domain.evaluate(matrix)
    today = timezone.localdate()
    return {
        "assessment": assessment,
        "cluster": assessment.cluster,
        "matrix": matrix,
        "grid": presenters.score_grid(matrix),
        "result": presenters.result_context(result) if result else None,
        "projections": presenters.projection_rows(domain.projections(assessment)),
        "evidence": evidence.evidence_for(assessment.cluster, today=today),
        "today": today,
    }


def assessment_pdf(assessment: Assessment) -> bytes:
    return _pdf("scenarios/advice_pdf.html", assessment_context(assessment))


def programme_pdf(clusters, *, user) -> bytes:
    rows = presenters.programme_rows(clusters, user=user)
    context = {
        "rows": rows,
        "tally": presenters.leader_tally(rows),
        "today": timezone.localdate(),
    }
    return _pdf("scenarios/programme_pdf.html", context)
