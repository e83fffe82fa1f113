"""The submission receipt and the decision letters as PDF (WeasyPrint, as in funding/exports.py).

A letter is rendered in the language recorded with its decision; the letters of a
call come as one PDF, one letter per page.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Decision, Outcome, Proposal


def receipt_context(proposal: Proposal) -> dict[str, Any]:
    return {
        "proposal": proposal,
        "call": proposal.call,
        "partners": proposal.partners.select_related("organisation"),
        "requested": proposal.requested(),
        "kpis": proposal.kpis.select_related("kpi"),
        "attachments": proposal.attachments.all(),
    }


def receipt_pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string("calls/receipt_pdf.html", context)).write_pdf()


def _letter_context(decision: Decision, language: str) -> dict[str, Any]:
    proposal = decision.proposal
    with translation.override(language):
        scores = [
            {
                "name": row.criterion.name,
                "score": row.score,
                "maximum": row.criterion.maximum,
                "threshold": row.criterion.threshold,
                "justification": row.justification,
            }
            for row in proposal.consensus.select_related("criterion").order_by("criterion__order")
        ]
    return {
        "decision": decision,
        "proposal": proposal,
        "call": proposal.call,
        "scores": scores,
        "is_selected": decision.outcome == Outcome.SELECTED,
        "is_reserve": decision.outcome == Outcome.RESERVE,
        "today": timezone.localdate(),
    }


def _letter_html(decision: Decision, language: str | None) -> str:
    language = language or decision.letter_language
    with translation.override(language):
        return render_to_string("calls/letter.html", _letter_context(decision, language))


def letters_pdf(decisions: list[Decision], *, language: str | None = None) -> bytes:
    """One PDF with a letter per decision (in ``language``, or each decision's own)."""
    from weasyprint import HTML

    documents = [HTML(string=_letter_html(d, language)).render() for d in decisions]
    first, *rest = documents
    pages = [page for document in documents for page in document.pages]
    return first.copy(pages).write_pdf() if rest else first.write_pdf()
