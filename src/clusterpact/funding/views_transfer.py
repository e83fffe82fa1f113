"""Import of grants and projects (upload, preview, commit) and the import templates.

As in the member import (``registry/views_transfer.py``): between preview and
commit the uploaded file waits as a pending upload (``registry.pending_uploads``)
scoped to the import kind, and is read and checked again at commit time, since
the register may have changed meanwhile. Only the agency imports.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from clusterpact.registry import pending_uploads

from . import imports
from .permissions import can_read_funding, can_record_projects

SESSION_KEY = "funding_imports"
MAX_PROBLEMS_SHOWN = 1000
KINDS = {
    "grants": (imports.preview_grants, imports.commit_grants),
    "projects": (imports.preview_projects, imports.commit_projects),
}
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV or Excel (.xlsx), with the columns of the template."),
    )


def _require_importer(request, kind: str | None = None) -> None:
    if not can_read_funding(request.user) or (kind is not None and kind not in KINDS):
        raise Http404
    if not can_record_projects(request.user):
        raise PermissionDenied


_LABELS = {"grants": gettext_lazy("Grant file"), "projects": gettext_lazy("Project file")}


def _form(kind: str, *args) -> ImportForm:
    form = ImportForm(*args, prefix=kind)
    form.fields["file"].label = _LABELS[kind]
    return form


def _forms():
    return {kind: _form(kind) for kind in KINDS}


def _page(request, *, kind=None, preview=None, upload_forms=None, token=None, status=200):
    headers = preview.headers if preview else {}
    problems = [
        {
            "row": p.row,
            "column": headers.get(p.column, p.column) if p.column else "",
            "message": p.message,
        }
        for p in (preview.problems[:MAX_PROBLEMS_SHOWN] if preview else ())
    ]
    context = {
        "kind": kind,
        "preview": preview,
        "problems": problems,
        "problems_hidden": max(0, len(preview.problems) - MAX_PROBLEMS_SHOWN) if preview else 0,
        "forms": upload_forms or _forms(),
        "token": token,
        "grant_columns": imports.GRANT_COLUMNS,
        "project_columns": imports.PROJECT_COLUMNS,
        "max_megabytes": settings.IMPORT_MAX_BYTES // 2**20,
    }
    return render(request, "funding/import.html", context, status=status)


@require_GET
@login_required
def import_start(request):
    """The two upload forms (grants, projects), with the templates and the columns."""
    _require_importer(request)
    return _page(request)


@require_POST
@login_required
def import_preview(request, kind):
    """Check an uploaded grant or project file and show every problem, or what it will create."""
    _require_importer(request, kind)
    form = _form(kind, request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload_forms={**_forms(), kind: form}, status=400)
    upload = form.cleaned_data["file"]
    preview_fn, _commit = KINDS[kind]
    if upload.size > settings.IMPORT_MAX_BYTES:
        preview = imports.Preview(
            kind,
            upload.name,
            problems=(
                imports.Problem(
                    None,
                    None,
                    _("The file is %(size)s MB; the limit is %(limit)s MB.")
                    % {
                        "size": f"{upload.size / 2**20:.1f}",
                        "limit": f"{settings.IMPORT_MAX_BYTES / 2**20:.1f}",
                    },
                ),
            ),
        )
        data = b""
    else:
        data = upload.read()
        preview = preview_fn(data, filename=upload.name)
    token = (
        pending_uploads.keep(request, SESSION_KEY, {"kind": kind}, upload.name, data)
        if preview.is_clean
        else None
    )
    return _page(request, kind=kind, preview=preview, token=token)


@require_POST
@login_required
def import_commit(request, kind):
    """Check the stashed file again and, if still clean, save it all."""
    _require_importer(request, kind)
    stashed = pending_uploads.take(
        request, SESSION_KEY, {"kind": kind}, request.POST.get("token", "")
    )
    if stashed is None:
        messages.error(
            request, _("This import is no longer available; please upload the file again.")
        )
        return redirect("funding:import")
    filename, data = stashed
    preview_fn, commit_fn = KINDS[kind]
    preview = preview_fn(data, filename=filename)
    if not preview.is_clean:
        return _page(request, kind=kind, preview=preview, status=409)
    try:
        count = commit_fn(preview, user=request.user)
    except DatabaseError:
        messages.error(
            request,
            _(
                "The data changed while the file was being imported; nothing was saved. "
                "Please upload the file again."
            ),
        )
        return redirect("funding:import")
    if kind == "grants":
        text = ngettext(
            "Imported %(file)s: %(count)s grant.", "Imported %(file)s: %(count)s grants.", count
        )
    else:
        text = ngettext(
            "Imported %(file)s: %(count)s project.", "Imported %(file)s: %(count)s projects.", count
        )
    messages.success(request, text % {"file": filename, "count": count})
    return redirect("funding:programme" if kind == "grants" else "funding:project-list")


@require_GET
@login_required
def import_template(request, kind, fmt):
    """An example file with the columns of the grant or project import."""
    _require_importer(request, kind)
    if fmt not in FORMATS:
        raise Http404
    response = HttpResponse(imports.template_file(kind, fmt), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return response
