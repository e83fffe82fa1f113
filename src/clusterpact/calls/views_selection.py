"""Ranking, selection and decisions; decision letters; the proposal as a project; the KPI
comparison at its end and the separate promotion decision. Officer pages, except the
letter, which the applicant may download too."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clusterpact.registry.models import Cluster

from . import domain, exports
from .forms import DecisionForm, PromoteForm, PromotionForm
from .messages import failure_message, tie_break_label
from .models import LetterLanguage, Outcome
from .permissions import can_manage_calls, get_call_for, get_proposal_for


def _officer(request):
    if not can_manage_calls(request.user):
        raise PermissionDenied


@require_safe
@login_required
def ranking(request, pk):
    _officer(request)
    call = get_call_for(request.user, pk=pk)
    result = domain.ranking(call)
    criteria = list(call.criteria.order_by("order", "pk"))
    consensus = {}
    for proposal_row in result.rows:
        consensus[proposal_row.proposal.pk] = {
            c.criterion_id: c.score for c in proposal_row.proposal.consensus.all()
        }
    rows = [
        {
            "row": r,
            "scores": [consensus[r.proposal.pk].get(c.pk) for c in criteria],
            "failed": [failure_message(f) for f in r.ranked.failed],
            "tie_break": tie_break_label(r.ranked.tie_break),
        }
        for r in result.rows
    ]
    decisions = domain.current_decisions(call)
    return render(
        request,
        "calls/ranking.html",
        {
            "call": call,
            "criteria": criteria,
            "rows": rows,
            "result": result,
            "decisions": decisions,
            "form": DecisionForm(),
            "closed": call.has_closed(),
        },
    )


@require_POST
@login_required
def decide(request, pk):
    _officer(request)
    call = get_call_for(request.user, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            created = domain.record_decisions(
                call=call,
                user=request.user,
                language=form.cleaned_data["language"],
                correction_reason=form.cleaned_data["correction_reason"],
            )
        except domain.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s decision is recorded.",
                    "%(count)s decisions are recorded.",
                    len(created),
                )
                % {"count": len(created)},
            )
    return redirect("calls:ranking", pk=call.pk)


def _language(request, default: str) -> str:
    language = request.GET.get("lang") or default
    return language if language in LetterLanguage.values else default


@require_safe
@login_required
def letter(request, pk):
    """The decision letter of one proposal: the agency, or the applicant once decided."""
    proposal = get_proposal_for(request.user, pk=pk)
    decision = domain.current_decision(proposal)
    if decision is None:
        raise Http404
    if not (can_manage_calls(request.user) or proposal.applicant_id == request.user.pk):
        raise PermissionDenied
    language = _language(request, decision.letter_language)
    response = HttpResponse(
        exports.letters_pdf([decision], language=language), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="decision-{proposal.receipt_number}-{language}.pdf"'
    )
    return response


@require_safe
@login_required
def letters(request, pk):
    _officer(request)
    call = get_call_for(request.user, pk=pk)
    decisions = domain.current_decisions(call)
    if not decisions:
        raise Http404
    language = request.GET.get("lang")
    language = language if language in LetterLanguage.values else None
    response = HttpResponse(
        exports.letters_pdf(decisions, language=language), content_type="application/pdf"
    )
    suffix = f"-{language}" if language else ""
    response["Content-Disposition"] = f'attachment; filename="decisions-call-{call.pk}{suffix}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def project(request, pk):
    """Make a selected proposal a funding project; then its KPI results and the promotion decision."""
    _officer(request)
    proposal = get_proposal_for(request.user, pk=pk)
    decision = domain.current_decision(proposal)
    defaults = domain.partner_clusters(proposal)
    promote_form = PromoteForm(
        request.POST if request.POST.get("action") == "project" else None,
        clusters=Cluster.objects.order_by("name"),
        initial={"clusters": defaults, "start": timezone.localdate()},
    )
    promotion_form = PromotionForm(
        request.POST if request.POST.get("action") == "promotion" else None
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "project" and promote_form.is_valid():
                domain.promote_to_project(
                    proposal=proposal,
                    clusters=list(promote_form.cleaned_data["clusters"]),
                    start=promote_form.cleaned_data["start"],
                    user=request.user,
                )
                messages.success(request, _("The proposal is now a project."))
                return redirect("calls:project", pk=proposal.pk)
            if action == "results":
                results = {}
                for row in proposal.kpis.all():
                    raw = (request.POST.get(f"result-{row.pk}") or "").strip().replace(",", ".")
                    results[row.pk] = Decimal(raw) if raw else None
                domain.record_kpi_results(proposal=proposal, results=results)
                messages.success(request, _("The KPI results are saved."))
                return redirect("calls:project", pk=proposal.pk)
            if action == "promotion" and promotion_form.is_valid():
                domain.record_promotion_decision(
                    proposal=proposal,
                    outcome=promotion_form.cleaned_data["outcome"],
                    reasons=promotion_form.cleaned_data["reasons"],
                    user=request.user,
                )
                messages.success(request, _("The promotion decision is recorded."))
                return redirect("calls:project", pk=proposal.pk)
            status = 400
        except InvalidOperation:
            messages.error(request, _("Enter each result as a number."))
            status = 400
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            status = 400
        except domain.WorkflowError as error:
            messages.error(request, str(error))
            status = 400
    return render(
        request,
        "calls/project.html",
        {
            "proposal": proposal,
            "call": proposal.call,
            "decision": decision,
            "is_selected": decision is not None and decision.outcome == Outcome.SELECTED,
            "promote_form": promote_form,
            "promotion_form": promotion_form,
            "comparison": domain.kpi_comparison(proposal),
            "promotions": proposal.promotion_decisions.select_related("decided_by"),
        },
        status=status,
    )
