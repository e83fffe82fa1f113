from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import domain, exports, presenters
from .forms import OUTCOME_LABELS, TFP_METHOD_LABELS, DatasetUploadForm, RunForm
from .messages import panel_problem
from .models import RunStatus
from .panels import PanelError
from .permissions import (
    datasets_for,
    evaluator_required,
    get_dataset_for,
    get_run_for,
    runs_for,
)

RECENT_RUNS = 50


def _index(request, form, problems=(), status=200):
    context = {
        "datasets": datasets_for(request.user).select_related("uploaded_by"),
        "runs": runs_for(request.user).select_related("dataset", "started_by")[:RECENT_RUNS],
        "form": form,
        "problems": problems,
    }
    return render(request, "evaluation/index.html", context, status=status)


@require_safe
@evaluator_required
def index(request):
    return _index(request, DatasetUploadForm())


@require_POST
@evaluator_required
def dataset_upload(request):
    form = DatasetUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        dataset = domain.register_dataset(
            content=upload.read(),
            filename=upload.name,
            name=form.cleaned_data["name"],
            roles=form.roles(),
            user=request.user,
            description=form.cleaned_data["description"],
        )
    except PanelError as error:
        return _index(
            request, form, problems=[panel_problem(p) for p in error.problems], status=400
        )
    messages.success(request, _("The firm panel was checked and stored."))
    return redirect(dataset)


@require_safe
@evaluator_required
def dataset_detail(request, pk):
    dataset = get_dataset_for(request.user, pk)
    return _dataset_page(request, dataset, RunForm(dataset=dataset))


def _dataset_page(request, dataset, form, status=200):
    context = {"dataset": dataset, "form": form, "runs": dataset.runs.select_related("started_by")}
    return render(request, "evaluation/dataset_detail.html", context, status=status)


@require_POST
@evaluator_required
def run_start(request, pk):
    dataset = get_dataset_for(request.user, pk)
    form = RunForm(request.POST, dataset=dataset)
    if not form.is_valid():
        return _dataset_page(request, dataset, form, status=400)
    run = domain.start_run(dataset=dataset, user=request.user, parameters=form.parameters())
    return redirect(run)


def _result_context(request, run) -> dict:
    result = run.result or {}
    entry = presenters.select(
        result,
        request.GET.get("outcome", ""),
        request.GET.get("scope", ""),
        request.GET.get("key", ""),
    )
    return {
        "run": run,
        "result": result,
        "summary": presenters.summary_rows(result),
        "entry": entry,
        "entry_label": presenters.subgroup_label(entry) if entry else "",
        "outcome_label": OUTCOME_LABELS[entry["outcome"]] if entry else "",
        "chart": presenters.chart(entry) if entry else None,
        "tfp": result.get("tfp"),
        "tfp_rows": presenters.tfp_rows(result.get("tfp")),
        "tfp_method_label": TFP_METHOD_LABELS.get(run.parameters.get("tfp_method"), ""),
        "outcome_labels": OUTCOME_LABELS,
    }


@require_safe
@evaluator_required
def run_detail(request, pk):
    run = get_run_for(request.user, pk)
    if run.status != RunStatus.DONE:
        return render(request, "evaluation/run_progress.html", {"run": run})
    return render(request, "evaluation/run_result.html", _result_context(request, run))


@require_safe
@evaluator_required
def run_progress(request, pk):
    run = get_run_for(request.user, pk)
    response = render(request, "evaluation/_progress.html", {"run": run})
    if run.is_finished and request.headers.get("HX-Request"):
        # The whole page changes (result or error): let htmx reload it.
        response["HX-Refresh"] = "true"
    return response


@require_safe
@evaluator_required
def run_download(request, pk, fmt):
    run = get_run_for(request.user, pk)
    if run.status != RunStatus.DONE or fmt not in {"json", "xlsx", "pdf"}:
        raise Http404
    name = f"evaluation-{run.pk}"
    if fmt == "json":
        response = HttpResponse(exports.as_json(run), content_type="application/json")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.as_excel(run),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            exports.as_pdf(run, _result_context(request, run)), content_type="application/pdf"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
