from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clusterpact.accounts.audit import history_for

from . import domain, evidence, exports, presenters
from .forms import (
    FinaliseForm,
    NewVersionForm,
    PlanForm,
    PlanYearFormSet,
    ScoresForm,
    WeightsForm,
)
from .models import Assessment, BudgetPlan
from .permissions import (
    assessments_for,
    can_edit_scenarios,
    can_read_scenarios,
    get_assessment_for,
    get_scenario_cluster_for,
    published_assessments,
    scenario_clusters_for,
)

PAGE_SIZE = 25
LANGUAGES = ("nl", "en")


def _require_reader(request) -> None:
    if not can_read_scenarios(request.user):
        raise Http404


def _require_editor(request) -> None:
    if not can_edit_scenarios(request.user):
        raise PermissionDenied


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_safe
@login_required
def programme(request):
    """Every cluster with its newest readable assessment, the leading scenario and its robustness."""
    _require_reader(request)
    clusters = scenario_clusters_for(request.user).order_by("name")
    page = Paginator(clusters, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = presenters.programme_rows(list(page.object_list), user=request.user)
    return render(
        request,
        "scenarios/programme.html",
        {
            "page": page,
            "rows": rows,
            "tally": presenters.leader_tally(rows),
            "can_edit": can_edit_scenarios(request.user),
            "languages": LANGUAGES,
        },
    )


@require_safe
@login_required
def cluster(request, slug):
    cluster = get_scenario_cluster_for(request.user, slug=slug)
    versions = assessments_for(request.user).filter(cluster=cluster).select_related("author")
    return render(
        request,
        "scenarios/cluster.html",
        {
            "cluster": cluster,
            "versions": versions,
            "can_edit": can_edit_scenarios(request.user),
        },
    )


@require_POST
@login_required
def start(request, slug):
    cluster = get_scenario_cluster_for(request.user, slug=slug)
    _require_editor(request)
    try:
        assessment = domain.start_assessment(cluster=cluster, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("scenarios:cluster", slug=cluster.slug)
    messages.success(request, _("Draft assessment started with equal weights and default plans."))
    return redirect(assessment)


def _assessment_context(request, assessment: Assessment, *, scores_form=None, weights_form=None):
    matrix = domain.score_matrix(assessment)
    editable = can_edit_scenarios(request.user) and not assessment.is_final
    result = domain.evaluate(matrix)
    today = timezone.localdate()
    return {
        "assessment": assessment,
        "cluster": assessment.cluster,
        "matrix": matrix,
        "grid": presenters.score_grid(matrix),
        "result": presenters.result_context(result) if result else None,
        "missing": int(matrix.scores.size - (matrix.scores == matrix.scores).sum()),
        "editable": editable,
        "can_edit": can_edit_scenarios(request.user),
        "scores_form": scores_form or (ScoresForm(matrix=matrix) if editable else None),
        "weights_form": weights_form or (WeightsForm(matrix=matrix) if editable else None),
        "projections": presenters.projection_rows(domain.projections(assessment)),
        "evidence": evidence.evidence_for(assessment.cluster, today=today),
        "finalise_form": FinaliseForm(initial={"summary": assessment.summary})
        if editable
        else None,
        "version_form": NewVersionForm() if assessment.is_final else None,
        "history": history_for(assessment)[:10],
        "languages": LANGUAGES,
    }


@require_safe
@login_required
def assessment(request, pk):
    item = get_assessment_for(request.user, pk=pk)
    return render(request, "scenarios/assessment.html", _assessment_context(request, item))


def _editable(request, pk) -> Assessment:
    item = get_assessment_for(request.user, pk=pk)
    _require_editor(request)
    if item.is_final:
        raise PermissionDenied
    return item


@require_POST
@login_required
def save_scores(request, pk):
    item = _editable(request, pk)
    matrix = domain.score_matrix(item)
    form = ScoresForm(request.POST, matrix=matrix)
    if form.is_valid():
        try:
            domain.save_scores(assessment=item, values=form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Scores saved; the ranking below uses them."))
            return redirect(f"{item.get_absolute_url()}#ranking-h")
    context = _assessment_context(request, item, scores_form=form)
    return render(request, "scenarios/assessment.html", context, status=400)


@require_POST
@login_required
def save_weights(request, pk):
    """Re-rank with new weights: the ranking partial for htmx, the whole page otherwise."""
    item = _editable(request, pk)
    matrix = domain.score_matrix(item)
    form = WeightsForm(request.POST, matrix=matrix)
    saved = False
    if form.is_valid():
        try:
            domain.save_weights(assessment=item, weights=form.values())
            saved = True
        except ValidationError as error:
            form.add_error(None, error)
    if request.headers.get("HX-Request"):
        # Only the result is swapped: the form keeps what the user typed (and swapping
        # inputs would copy their style attributes, which the CSP refuses).
        context = _assessment_context(request, item, weights_form=form)
        context["weights_error"] = " ".join(
            str(message) for messages_ in form.errors.values() for message in messages_
        )
        return render(
            request, "scenarios/_ranking_result.html", context, status=200 if saved else 400
        )
    if saved:
        messages.success(request, _("Weights saved; the ranking is recomputed."))
        return redirect(f"{item.get_absolute_url()}#ranking-h")
    context = _assessment_context(request, item, weights_form=form)
    return render(request, "scenarios/assessment.html", context, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def budget(request, pk, code):
    item = get_assessment_for(request.user, pk=pk)
    plan = get_object_or_404(
        BudgetPlan.objects.filter(assessment=item).select_related("scenario"), scenario__code=code
    )
    editable = can_edit_scenarios(request.user) and not item.is_final
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = PlanForm(request.POST)
        years = PlanYearFormSet(request.POST, prefix="years")
        if form.is_valid() and years.is_valid():
            try:
                domain.save_budget_plan(
                    plan=plan,
                    recipient_kind=form.cleaned_data["recipient_kind"],
                    recipient_name=form.cleaned_data["recipient_name"].strip(),
                    years=[f.to_year() for f in years.forms if f.cleaned_data],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Budget plan saved; the verdicts are recomputed."))
                return redirect("scenarios:budget", pk=item.pk, code=code)
    else:
        form = PlanForm(
            initial={"recipient_kind": plan.recipient_kind, "recipient_name": plan.recipient_name}
        )
        years = PlanYearFormSet(
            prefix="years",
            initial=[
                {
                    "year": line.year,
                    "basic_funding": line.basic_funding,
                    "running_costs": line.running_costs,
                    "project_funding": line.project_funding,
                    "cofinancing": line.cofinancing,
                }
                for line in plan.lines.all()
            ],
        )
    outcome = presenters.projection_rows([(plan, domain.project_plan(plan))])[0]
    return render(
        request,
        "scenarios/budget.html",
        {
            "assessment": item,
            "cluster": item.cluster,
            "plan": plan,
            "outcome": outcome,
            "form": form,
            "years": years,
            "editable": editable,
        },
    )


@require_safe
@login_required
def compare(request, pk):
    item = get_assessment_for(request.user, pk=pk)
    context = presenters.comparison(item)
    context.update({"assessment": item, "cluster": item.cluster})
    return render(request, "scenarios/compare.html", context)


@require_POST
@login_required
def finalise(request, pk):
    item = _editable(request, pk)
    form = FinaliseForm(request.POST)
    if form.is_valid():
        try:
            domain.finalise(
                assessment=item, user=request.user, summary=form.cleaned_data["summary"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request, _("The assessment is final; a change now needs a new version.")
            )
    return redirect(item)


@require_POST
@login_required
def new_version(request, pk):
    item = get_assessment_for(request.user, pk=pk)
    _require_editor(request)
    form = NewVersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the new version."))
        return redirect(item)
    try:
        copy = domain.new_version(
            assessment=item, user=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(item)
    messages.success(request, _("New draft version started from the final assessment."))
    return redirect(copy)


@require_POST
@login_required
def publish(request, pk):
    item = get_assessment_for(request.user, pk=pk)
    _require_editor(request)
    try:
        domain.set_published(assessment=item, published=request.POST.get("published") == "1")
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Published on the public page.")
            if item.is_published
            else _("Withdrawn from the public page."),
        )
    return redirect(item)


def _pdf_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise Http404
    return lang


@require_safe
@login_required
def advice_pdf(request, pk, lang):
    item = get_assessment_for(request.user, pk=pk)
    with translation.override(_pdf_language(lang)):
        content = exports.assessment_pdf(item)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"scenario-advice-{item.cluster.slug}-v{item.version}-{lang}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@login_required
def programme_pdf(request, lang):
    _require_reader(request)
    clusters = list(scenario_clusters_for(request.user).order_by("name"))
    with translation.override(_pdf_language(lang)):
        content = exports.programme_pdf(clusters, user=request.user)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"scenario-advice-programme-{timezone.localdate().isoformat()}-{lang}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
def public(request):
    """Published final assessments, aggregated: leading scenario and robustness per cluster."""
    newest: dict[int, int] = {}
    for pk, cluster_id in (
        published_assessments().order_by("cluster_id", "-version").values_list("pk", "cluster_id")
    ):
        newest.setdefault(cluster_id, pk)
    latest = domain.with_matrix_data(
        Assessment.objects.filter(pk__in=newest.values())
        .select_related("cluster")
        .order_by("cluster__name")
    )
    rows = presenters.public_rows(list(latest))
    return render(
        request,
        "scenarios/public.html",
        {"rows": rows, "tally": presenters.leader_tally(rows), "home": reverse("home")},
    )
