"""Report values by Excel, and evidence files. Thin: rules in :mod:`.excel`, :mod:`.evidence`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import domain, excel
from . import evidence as evidence_files
from .forms import EvidenceForm, WorkbookUploadForm
from .models import Evidence, Kpi, ReportStatus
from .permissions import can_fill_report, get_report_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _editable_report(request, pk):
    """The report, if the user may change its values now: another cluster's is 404, else 403."""
    report = get_report_for(request.user, pk=pk)
    if not (
        can_fill_report(request.user, report)
        and report.status in ReportStatus.editable()
        and report.is_current
    ):
        raise PermissionDenied
    return report


@require_safe
@login_required
def report_excel_template(request, pk):
    report = _editable_report(request, pk)
    response = HttpResponse(excel.write_template(report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{excel.template_filename(report)}"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def report_excel(request, pk):
    report = _editable_report(request, pk)
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check = excel.upload_values(
                report, data=upload.read(), filename=upload.name, user=request.user
            )
        except excel.WorkbookRejected as error:
            problems = error.messages
        except domain.NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except domain.WorkflowError as error:
            problems = [str(error)]
        else:
            messages.success(
                request, _("The values of %(file)s are saved.") % {"file": upload.name}
            )
            for warning in check.warnings:
                messages.warning(request, str(warning))
            return redirect(report.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "pacts/report_excel.html",
        {"report": report, "form": form, "problems": problems},
        status=status,
    )


@require_POST
@login_required
def evidence_add(request, pk):
    report = _editable_report(request, pk)
    kpis = Kpi.objects.filter(pk__in=[k.pk for k in domain.report_kpis(report)])
    form = EvidenceForm(request.POST, request.FILES, kpis=kpis)
    if form.is_valid():
        try:
            item = evidence_files.add_evidence(
                report,
                kpi=form.cleaned_data["kpi"],
                upload=form.cleaned_data["file"],
                user=request.user,
            )
        except domain.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(file)s is attached to %(kpi)s.")
                % {"file": item.filename, "kpi": item.kpi.name},
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(f"{report.get_absolute_url()}#evidence")


def _evidence_of(report, evidence_pk) -> Evidence:
    return get_object_or_404(Evidence.objects.select_related("kpi"), report=report, pk=evidence_pk)


@require_safe
@login_required
def evidence_download(request, pk, evidence_pk):
    report = get_report_for(request.user, pk=pk)
    item = _evidence_of(report, evidence_pk)
    try:
        handle = evidence_files.open_file(item)
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle, as_attachment=True, filename=item.filename, content_type=item.content_type
    )


@require_POST
@login_required
def evidence_delete(request, pk, evidence_pk):
    report = _editable_report(request, pk)
    item = _evidence_of(report, evidence_pk)
    try:
        evidence_files.remove_evidence(item, user=request.user)
    except domain.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(file)s is removed.") % {"file": item.filename})
    return redirect(f"{report.get_absolute_url()}#evidence")
