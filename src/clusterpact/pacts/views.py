"""Pact and report pages. Thin: permissions from :mod:`.permissions`, changes through :mod:`.domain`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clusterpact.accounts.audit import history_for
from clusterpact.registry.permissions import clusters_for

from . import domain, scorecards
from .forms import CommentForm, EvidenceForm, PactForm
from .models import Kpi, ReportStatus, Target
from .periods import target_year
from .permissions import (
    can_comment,
    can_correct_report,
    can_fill_report,
    can_manage_pacts,
    get_pact_for,
    get_report_for,
    kpis_for,
    pacts_for,
    reports_for,
)

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@require_safe
@login_required
def pact_list(request):
    pacts = pacts_for(request.user).select_related("cluster").order_by("cluster__name", "-start")
    return render(
        request,
        "pacts/pact_list.html",
        {
            "page": _page(request, pacts),
            "can_manage": can_manage_pacts(request.user),
            "can_compare": scorecards.can_compare(request.user),
        },
    )


@require_safe
@login_required
def kpi_list(request):
    kpis = kpis_for(request.user).filter(is_current=True).order_by("order", "code")
    return render(request, "pacts/kpi_list.html", {"page": _page(request, kpis)})


@require_safe
@login_required
def pact_detail(request, pk):
    pact = get_pact_for(request.user, pk=pk)
    if pact.is_signed:
        domain.ensure_due_reports(pact)
    context = {
        "pact": pact,
        "rows": domain.targets_table(pact),
        "amendments": pact.amendments.select_related("created_by").order_by("-number"),
        "reports": pact.reports.order_by("period_start", "version"),
        "can_manage": can_manage_pacts(request.user),
        "history": history_for(pact)[:20],
    }
    return render(request, "pacts/pact_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def pact_create(request):
    if not can_manage_pacts(request.user):
        raise PermissionDenied
    form = PactForm(request.POST or None, clusters=clusters_for(request.user).order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pact = domain.create_pact(
                cluster=data["cluster"],
                start=data["start"],
                term_years=data["term_years"],
                frequency=data["frequency"],
                specific_kpis=data["specific_kpis"],
                user=request.user,
            )
        except domain.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft pact is created; now set its targets."))
            return redirect("pacts:pact-targets", pk=pact.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "pacts/pact_form.html", {"form": form}, status=status)


def _parse_decimal(raw: str) -> Decimal | None:
    raw = (raw or "").strip().replace(" ", "").replace(",", ".")
    if not raw:
        return None
    value = Decimal(raw)
    if not value.is_finite():
        raise InvalidOperation
    return value


@require_http_methods(["GET", "POST"])
@login_required
def pact_targets(request, pk):
    pact = get_pact_for(request.user, pk=pk)
    if not can_manage_pacts(request.user):
        raise PermissionDenied
    rows = domain.targets_table(pact)
    errors: list[str] = []
    if request.method == "POST":
        values = {}
        for row in rows:
            code = row["kpi"].code
            cells = [(None, row["baseline"])] + [(c["year"], c["value"]) for c in row["cells"]]
            for year, current in cells:
                name = f"t-{code}-{year or 'baseline'}"
                try:
                    value = _parse_decimal(request.POST.get(name, ""))
                except InvalidOperation:
                    errors.append(
                        _("%(kpi)s %(cell)s: enter a number.")
                        % {"kpi": code, "cell": year or _("baseline")}
                    )
                    continue
                if value != current and not (pact.is_signed and value is None):
                    values[(code, year)] = value
        if not errors:
            try:
                if pact.is_signed:
                    domain.amend_targets(pact, values, request.POST.get("reason", ""), request.user)
                    messages.success(request, _("The amendment is recorded."))
                else:
                    domain.set_targets(pact, values=values, user=request.user)
                    messages.success(request, _("The targets are saved."))
                return redirect(pact.get_absolute_url())
            except domain.WorkflowError as error:
                errors.append(str(error))
    context = {
        "pact": pact,
        "rows": rows,
        "errors": errors,
        "post": request.POST if errors else None,
    }
    return render(request, "pacts/pact_targets.html", context, status=400 if errors else 200)


@require_POST
@login_required
def pact_sign(request, pk):
    pact = get_pact_for(request.user, pk=pk)
    try:
        domain.sign_pact(pact, user=request.user)
    except domain.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except domain.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The pact is signed; its baselines and targets are locked."))
    return redirect(pact.get_absolute_url())


def _report_state(report, today) -> str:
    if report.status in ReportStatus.waiting_for_review():
        return "waiting"
    return "overdue" if report.due_date < today else "due"


@require_safe
@login_required
def report_table(request):
    today = timezone.localdate()
    which = request.GET.get("show", "")
    reports = (
        reports_for(request.user)
        .filter(is_current=True)
        .exclude(status=ReportStatus.ACCEPTED)
        .select_related("pact__cluster")
        .order_by("due_date", "pact__cluster__name")
    )
    if which == "waiting":
        reports = reports.filter(status__in=ReportStatus.waiting_for_review())
    elif which == "overdue":
        reports = reports.filter(status__in=ReportStatus.editable(), due_date__lt=today)
    elif which == "due":
        reports = reports.filter(status__in=ReportStatus.editable(), due_date__gte=today)
    page = _page(request, reports)
    page.object_list = list(page.object_list)
    for report in page.object_list:
        report.state = _report_state(report, today)
    query_string = f"show={which}" if which else ""
    return render(
        request,
        "pacts/report_table.html",
        {"page": page, "show": which, "query_string": query_string},
    )


def _value_rows(report, kpis, derived):
    stored = {v.kpi_id: v for v in report.values.all()}
    year = target_year(report.pact.start, report.pact.term_years, report.period_end)
    targets = {
        t.pact_kpi.kpi_id: t.value
        for t in Target.objects.filter(
            pact_kpi__pact=report.pact, is_current=True, year=year
        ).select_related("pact_kpi")
    }
    rows = []
    for kpi in kpis:
        value = stored.get(kpi.pk)
        rows.append(
            {
                "kpi": kpi,
                "value": value.value if value else None,
                "note": value.note if value else "",
                "target": targets.get(kpi.pk),
                "derived": derived.get(kpi.code),
            }
        )
    return rows


@require_safe
@login_required
def report_detail(request, pk):
    report = get_report_for(request.user, pk=pk)
    kpis = domain.report_kpis(report)
    derived = domain.derived_values(report, kpis)
    comments = list(report.comments.select_related("author", "kpi"))
    rows = _value_rows(report, kpis, derived)
    evidence = list(report.evidence.select_related("uploaded_by"))
    for row in rows:
        row["comments"] = [c for c in comments if c.kpi_id == row["kpi"].pk]
        row["evidence"] = [e for e in evidence if e.kpi_id == row["kpi"].pk]
    check = domain.check_values(report, {r["kpi"].code: r["value"] for r in rows})
    can_edit = (
        can_fill_report(request.user, report)
        and report.status in ReportStatus.editable()
        and report.is_current
    )
    report_kpis = Kpi.objects.filter(pk__in=[k.pk for k in kpis])
    context = {
        "report": report,
        "rows": rows,
        "warnings": check.warnings,
        "comments": [c for c in comments if c.kpi_id is None],
        "actions": [a for a in domain.TRANSITIONS if domain.may(request.user, report, a)],
        "can_edit": can_edit,
        "evidence": evidence,
        "evidence_form": EvidenceForm(kpis=report_kpis) if can_edit else None,
        "can_correct": can_correct_report(request.user, report)
        and report.status == ReportStatus.ACCEPTED
        and report.is_current,
        "comment_form": CommentForm(kpis=report_kpis)
        if can_comment(request.user, report)
        else None,
        "versions": domain.versions(report),
        "history": history_for(report)[:20],
    }
    return render(request, "pacts/report_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def report_form(request, pk):
    report = get_report_for(request.user, pk=pk)
    correcting = report.status == ReportStatus.ACCEPTED
    allowed = can_correct_report if correcting else can_fill_report
    if not allowed(request.user, report) or not report.is_current:
        raise PermissionDenied
    if not correcting and report.status not in ReportStatus.editable():
        raise PermissionDenied
    kpis = domain.report_kpis(report)
    derived = domain.derived_values(report, kpis)
    rows = _value_rows(report, kpis, derived)
    problems: dict[str, list[str]] = {}
    errors: list[str] = []
    if request.method == "POST":
        raw = {k.code: request.POST.get(f"v-{k.code}", "") for k in kpis}
        notes = {k.code: request.POST.get(f"n-{k.code}", "") for k in kpis}
        try:
            if correcting:
                new = domain.correct_report(
                    report, raw, request.POST.get("reason", ""), request.user, notes=notes
                )
                messages.success(request, _("The correction is saved as a new version."))
                return redirect(new.get_absolute_url())
            check = domain.save_report_values(report, values=raw, notes=notes, user=request.user)
        except domain.InvalidValues as error:
            for problem in error.problems:
                problems.setdefault(problem.kpi, []).append(problem.message)
            errors = [str(p) for p in error.problems]
        except domain.WorkflowError as error:
            errors = [str(error)]
        else:
            messages.success(request, _("The values are saved."))
            for warning in check.warnings:
                messages.warning(request, str(warning))
            return redirect(report.get_absolute_url())
        for row in rows:
            code = row["kpi"].code
            row["value"], row["note"] = raw[code], notes[code]
            row["problems"] = problems.get(code, [])
    else:
        for row in rows:
            if row["value"] is None and row["derived"] is not None:
                row["value"] = row["derived"]
    context = {"report": report, "rows": rows, "errors": errors, "correcting": correcting}
    return render(request, "pacts/report_form.html", context, status=400 if errors else 200)


@require_POST
@login_required
def report_comment(request, pk):
    report = get_report_for(request.user, pk=pk)
    kpis = Kpi.objects.filter(pk__in=[k.pk for k in domain.report_kpis(report)])
    form = CommentForm(request.POST, kpis=kpis)
    if not can_comment(request.user, report):
        raise PermissionDenied
    if form.is_valid():
        domain.add_comment(
            report, user=request.user, body=form.cleaned_data["body"], kpi=form.cleaned_data["kpi"]
        )
        messages.success(request, _("Your comment is added."))
    else:
        messages.error(request, _("The comment is empty."))
    return redirect(report.get_absolute_url())


@require_POST
@login_required
def report_transition(request, pk, action):
    report = get_report_for(request.user, pk=pk)
    if action not in domain.TRANSITIONS:
        raise Http404
    try:
        if action == "submit":
            domain.submit_report(report, user=request.user)
        elif action == "resubmit":
            domain.resubmit_report(report, user=request.user)
        elif action == "return":
            domain.return_report(report, user=request.user, comment=request.POST.get("comment", ""))
        else:
            domain.accept_report(report, user=request.user)
    except domain.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except domain.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The report is %(status)s.")
            % {"status": ReportStatus(domain.TRANSITIONS[action].target).label},
        )
    return redirect(report.get_absolute_url())
