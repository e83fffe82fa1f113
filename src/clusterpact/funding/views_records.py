"""Pages for the funding records besides grants: projects, payments per grant, private
contributions per cluster, and the yearly budgets of the funding lines.

Thin: who may see and change what comes from :mod:`.permissions`, changes go
through :mod:`.domain` (each one in the audit trail). The agency changes;
a cluster manager reads the own cluster's records; anything else is a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clusterpact.accounts.audit import history_for
from clusterpact.registry.models import Cluster

from . import domain
from .forms import (
    BudgetForm,
    ContributionForm,
    ParticipantFormSet,
    PaymentForm,
    ProjectFilterForm,
    ProjectForm,
    participant_initial,
)
from .models import FundingLine, Grant, Payment, PrivateContribution
from .permissions import (
    can_read_funding,
    can_read_programme_budgets,
    can_record_projects,
    get_funding_cluster_for,
    get_project_for,
    projects_for,
)

PAGE_SIZE = 25


def _require_recorder(request) -> None:
    if not can_record_projects(request.user):
        raise PermissionDenied


# ---------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------


@require_safe
@login_required
def project_list(request):
    if not can_read_funding(request.user):
        raise Http404
    filters = ProjectFilterForm(request.GET or None)
    projects = projects_for(request.user)
    cluster = None
    active = {}
    if filters.is_valid():
        active = {k: v for k, v in filters.cleaned_data.items() if v}
        if active.get("cluster"):
            cluster = get_funding_cluster_for(request.user, slug=active["cluster"])
            projects = projects.filter(clusters=cluster)
        for field in ("kind", "status", "programme"):
            if active.get(field):
                projects = projects.filter(**{field: active[field]})
    projects = (
        projects.annotate(participant_count=Count("participants", distinct=True))
        .prefetch_related(Prefetch("clusters", queryset=Cluster.objects.order_by("name")))
        .order_by("title", "pk")
    )
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "cluster": cluster,
        "query_string": urlencode(active),
        "can_record": can_record_projects(request.user),
    }
    return render(request, "funding/project_list.html", context)


@require_safe
@login_required
def project_detail(request, pk):
    project = get_project_for(request.user, pk=pk)
    participants = project.participants.select_related("organisation").order_by(
        "-budget", "organisation__name"
    )
    context = {
        "project": project,
        "participants": participants,
        "participant_total": participants.aggregate(total=Sum("budget"))["total"],
        "clusters": project.clusters.order_by("name"),
        "priorities": project.transition_priorities.all(),
        "can_record": can_record_projects(request.user),
        "history": history_for(project)[:20],
    }
    return render(request, "funding/project_detail.html", context)


def _project_form(request, project):
    _require_recorder(request)
    if request.method == "POST":
        form = ProjectForm(request.POST, instance=project)
        participants = ParticipantFormSet(request.POST, prefix="participants")
        if form.is_valid() and participants.is_valid():
            data = form.cleaned_data
            try:
                if project is None:
                    fields = {
                        name: data[name]
                        for name in form.Meta.fields
                        if name not in ("clusters", "transition_priorities")
                    }
                    saved = domain.create_project(
                        clusters=data["clusters"],
                        priorities=data["transition_priorities"],
                        participants=participants.participants(),
                        user=request.user,
                        **fields,
                    )
                else:
                    saved = domain.update_project(
                        project=form.save(commit=False),
                        clusters=data["clusters"],
                        priorities=data["transition_priorities"],
                        participants=participants.participants(),
                        user=request.user,
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Project saved."))
                return redirect("funding:project-detail", pk=saved.pk)
        status = 400
    else:
        form = ProjectForm(instance=project)
        participants = ParticipantFormSet(
            prefix="participants", initial=participant_initial(project) if project else None
        )
        status = 200
    context = {"form": form, "participants": participants, "project": project}
    return render(request, "funding/project_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def project_create(request):
    if not can_read_funding(request.user):
        raise Http404
    return _project_form(request, None)


@require_http_methods(["GET", "POST"])
@login_required
def project_edit(request, pk):
    project = get_project_for(request.user, pk=pk)
    return _project_form(request, project)


# ---------------------------------------------------------------------------
# Payments per grant
# ---------------------------------------------------------------------------


def _grant_of(request, slug, pk):
    cluster = get_funding_cluster_for(request.user, slug=slug)
    grant = get_object_or_404(
        Grant.objects.filter(cluster=cluster).select_related("funding_line", "recipient"), pk=pk
    )
    return cluster, grant


@require_http_methods(["GET", "POST"])
@login_required
def grant_payments(request, slug, pk):
    cluster, grant = _grant_of(request, slug, pk)
    form = PaymentForm(request.POST or None)
    if request.method == "POST":
        _require_recorder(request)
        if form.is_valid():
            domain.record_payment(
                grant=grant, date=form.cleaned_data["date"], amount=form.cleaned_data["amount"]
            )
            messages.success(request, _("Payment recorded."))
            return redirect("funding:grant-payments", slug=cluster.slug, pk=grant.pk)
    payments = grant.payments.order_by("date", "pk")
    granted = grant.years.aggregate(total=Sum("amount"))["total"]
    paid = payments.aggregate(total=Sum("amount"))["total"]
    context = {
        "cluster": cluster,
        "grant": grant,
        "payments": payments,
        "granted": granted,
        "paid": paid,
        "outstanding": (granted or 0) - (paid or 0),
        "form": form,
        "can_record": can_record_projects(request.user),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "funding/payments.html", context, status=status)


@require_POST
@login_required
def payment_delete(request, slug, pk, payment_pk):
    cluster, grant = _grant_of(request, slug, pk)
    _require_recorder(request)
    payment = get_object_or_404(Payment.objects.filter(grant=grant), pk=payment_pk)
    payment.delete()
    messages.success(request, _("Payment removed."))
    return redirect("funding:grant-payments", slug=cluster.slug, pk=grant.pk)


# ---------------------------------------------------------------------------
# Private contributions per cluster
# ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def contributions(request, slug):
    cluster = get_funding_cluster_for(request.user, slug=slug)
    form = ContributionForm(request.POST or None)
    if request.method == "POST":
        _require_recorder(request)
        if form.is_valid():
            domain.record_contribution(cluster=cluster, **form.cleaned_data)
            messages.success(request, _("Private contribution recorded."))
            return redirect("funding:contributions", slug=cluster.slug)
    rows = PrivateContribution.objects.filter(cluster=cluster).order_by("-year", "pk")
    context = {
        "cluster": cluster,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "form": form,
        "can_record": can_record_projects(request.user),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "funding/contributions.html", context, status=status)


@require_POST
@login_required
def contribution_delete(request, slug, pk):
    cluster = get_funding_cluster_for(request.user, slug=slug)
    _require_recorder(request)
    get_object_or_404(PrivateContribution.objects.filter(cluster=cluster), pk=pk).delete()
    messages.success(request, _("Private contribution removed."))
    return redirect("funding:contributions", slug=cluster.slug)


# ---------------------------------------------------------------------------
# Funding lines and their yearly budgets
# ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def funding_lines(request):
    if not can_read_programme_budgets(request.user):
        raise Http404
    form = BudgetForm(request.POST or None)
    if request.method == "POST":
        _require_recorder(request)
        if form.is_valid():
            data = form.cleaned_data
            domain.set_budget(line=data["funding_line"], year=data["year"], amount=data["amount"])
            messages.success(
                request,
                _("Budget of %(line)s for %(year)s saved.")
                % {"line": data["funding_line"].name, "year": data["year"]},
            )
            return redirect("funding:lines")
    lines = list(FundingLine.objects.order_by("kind", "name"))
    years = domain.line_years(lines)
    context = {
        "lines": [(line, years[line.pk]) for line in lines],
        "form": form,
        "can_record": can_record_projects(request.user),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "funding/lines.html", context, status=status)
