from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from clusterpact.charts import paired_column_chart

from . import domain, exports
from .forms import GrantForm, GrantYearFormSet, WhatIfForm, year_initial
from .messages import CHECK_LABELS, STATUS_LABELS, figure_rows, legal_basis, verdict_message
from .models import Grant
from .permissions import (
    can_read_funding,
    can_read_programme_budgets,
    can_record_grants,
    can_record_projects,
    funding_clusters_for,
    get_funding_cluster_for,
)

# What needs attention comes first: a panel of dozens of "ok" rows must not hide a breach.
_SEVERITY = {"breach": 0, "warning": 1, "ok": 2}


def panel_rows(verdicts) -> list[dict]:
    """The compliance panel as plain rows, breaches first; shared by the page and the exports."""
    verdicts = sorted(verdicts, key=lambda v: _SEVERITY.get(v.status.value, 3))
    return [
        {
            "check": v.check,
            "label": str(CHECK_LABELS.get(v.check, v.check)),
            "status": v.status.value,
            "status_label": str(STATUS_LABELS[v.status.value]),
            "message": verdict_message(v),
            "figures": figure_rows(v.figures),
            "legal_basis": legal_basis(v.legal_basis),
            "ruleset": v.ruleset,
            "grant_id": v.grant_id,
        }
        for v in verdicts
    ]


def _require_reader(request) -> None:
    if not can_read_funding(request.user):
        raise Http404


@require_safe
@login_required
def programme(request):
    _require_reader(request)
    today = timezone.localdate()
    clusters = funding_clusters_for(request.user).select_related("aid_profile").order_by("name")
    rows = domain.horizon_rows(clusters, today=today)
    ids = [r.cluster.pk for r in rows]
    sme = domain.eu_sme_participation(ids)
    concentration = domain.project_concentrations(ids)
    context = {
        "rows": [(r, sme.get(r.cluster.pk), concentration.get(r.cluster.pk)) for r in rows],
        "soon": [r for r in rows if r.soon],
        "today": today,
        "warning_months": domain.HORIZON_WARNING_MONTHS,
        "can_read_budgets": can_read_programme_budgets(request.user),
        "can_import": can_record_projects(request.user),
    }
    return render(request, "funding/programme.html", context)


def _timeline_chart(picture: domain.FundingPicture):
    labels = [str(t.year) for t in picture.timeline]
    marker = None
    if picture.horizon_year is not None:
        marker = next(
            (i for i, t in enumerate(picture.timeline) if t.year == picture.horizon_year), None
        )
    return paired_column_chart(
        _("Public and private money per year (EUR)"),
        labels,
        [
            (_("Public"), [float(t.public) for t in picture.timeline]),
            (_("Private"), [float(t.private) for t in picture.timeline]),
        ],
        marker_after=marker,
        marker_label=_("End of 10-year operating aid"),
    )


@require_safe
@login_required
def cluster_funding(request, slug):
    cluster = get_funding_cluster_for(request.user, slug=slug)
    today = timezone.localdate()
    picture = domain.funding_picture(cluster, as_of=today)
    form = WhatIfForm(request.GET or None)
    what_if = None
    if form.is_bound and form.is_valid() and form.cleaned_data["scenario"] != "none":
        data = form.cleaned_data
        what_if = domain.run_what_if(
            cluster,
            scenario=data["scenario"],
            years=data["years"] or 3,
            year=data["year"],
            aid_per_year=data["aid_per_year"],
            costs_per_year=data["costs_per_year"],
        )
    grants = (
        Grant.objects.filter(cluster=cluster)
        .select_related("funding_line", "recipient")
        .prefetch_related("years")
    )
    context = {
        "cluster": cluster,
        "picture": picture,
        "panel": panel_rows(picture.verdicts),
        "status_label": STATUS_LABELS[picture.status.value],
        "chart": _timeline_chart(picture) if picture.timeline else None,
        "form": form,
        "what_if": what_if,
        "what_if_rows": [
            (
                r,
                STATUS_LABELS[r.status.value],
                [str(CHECK_LABELS.get(c, c)) for c in r.failing],
            )
            for r in (what_if.rows if what_if else ())
        ],
        "failures": [
            (str(CHECK_LABELS.get(f.check, f.check)), f, verdict_message(f))
            for f in (what_if.failures if what_if else ())
        ],
        "grants": grants,
        "concentration": domain.project_concentration(cluster),
        "sme": domain.eu_sme_participation([cluster.pk]).get(cluster.pk),
        "can_record": can_record_grants(request.user),
        "check_labels": CHECK_LABELS,
    }
    return render(request, "funding/cluster.html", context)


def _grant_form(request, cluster, grant: Grant | None):
    if not can_record_grants(request.user):
        raise PermissionDenied
    instance = grant or Grant(cluster=cluster)
    if request.method == "POST":
        form = GrantForm(request.POST, instance=instance, cluster=cluster)
        years = GrantYearFormSet(request.POST, prefix="years")
        if form.is_valid() and years.is_valid():
            try:
                with transaction.atomic():
                    saved = domain.save_grant(
                        grant=form.save(commit=False),
                        years=[f.to_input() for f in years.forms if f.cleaned_data],
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Grant saved; the compliance panel shows its verdicts.")
                )
                return redirect(f"{saved.get_absolute_url()}#compliance")
    else:
        form = GrantForm(instance=instance, cluster=cluster)
        years = GrantYearFormSet(prefix="years", initial=year_initial(grant) if grant else None)
    context = {"cluster": cluster, "form": form, "years": years, "grant": grant}
    return render(request, "funding/grant_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def grant_create(request, slug):
    cluster = get_funding_cluster_for(request.user, slug=slug)
    return _grant_form(request, cluster, None)


@require_http_methods(["GET", "POST"])
@login_required
def grant_edit(request, slug, pk):
    cluster = get_funding_cluster_for(request.user, slug=slug)
    grant = get_object_or_404(Grant.objects.filter(cluster=cluster), pk=pk)
    return _grant_form(request, cluster, grant)


@require_safe
@login_required
def compliance_export(request, slug, fmt):
    cluster = get_funding_cluster_for(request.user, slug=slug)
    today = timezone.localdate()
    picture = domain.funding_picture(cluster, as_of=today)
    rows = panel_rows(picture.verdicts)
    name = f"compliance-{cluster.slug}-{today.isoformat()}"
    if fmt == "xlsx":
        content = exports.compliance_xlsx(
            cluster, picture, rows, str(STATUS_LABELS[picture.status.value])
        )
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "pdf":
        content = exports.compliance_pdf(
            {
                "cluster": cluster,
                "picture": picture,
                "panel": rows,
                "today": today,
                "status_label": STATUS_LABELS[picture.status.value],
                "chart": _timeline_chart(picture) if picture.timeline else None,
            }
        )
        response = HttpResponse(content, content_type="application/pdf")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
