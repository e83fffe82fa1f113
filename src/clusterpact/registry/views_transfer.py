"""Member import (upload, preview, commit), member export and the import template.

Between preview and commit the uploaded file waits as a pending upload
(``pending_uploads``) scoped to the cluster; it is read and checked again at
commit time, since the register may have changed meanwhile.
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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import imports, pending_uploads
from .permissions import can_change_cluster, get_cluster_for

SESSION_KEY = "member_imports"
# The preview table stays usable in a browser; the count above it is always complete.
MAX_PROBLEMS_SHOWN = 1000
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Member file"),
        help_text=gettext_lazy("CSV or Excel (.xlsx), with the columns of the template."),
    )


def _cluster_to_change(request, slug):
    cluster = get_cluster_for(request.user, slug=slug)
    if not can_change_cluster(request.user, cluster):
        raise PermissionDenied
    return cluster


def _attachment(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _preview_page(request, cluster, preview, form, token=None, status=200):
    headers = preview.headers if preview else {}

    def labelled(problems):
        return [
            {
                "row": p.row,
                "column": headers.get(p.column, p.column) if p.column else "",
                "message": p.message,
            }
            for p in problems[:MAX_PROBLEMS_SHOWN]
        ]

    context = {
        "cluster": cluster,
        "form": form,
        "preview": preview,
        "problems": labelled(preview.problems),
        "notes": labelled(preview.notes),
        "problems_hidden": max(0, len(preview.problems) - MAX_PROBLEMS_SHOWN),
        "notes_hidden": max(0, len(preview.notes) - MAX_PROBLEMS_SHOWN),
        "token": token,
        "max_megabytes": settings.IMPORT_MAX_BYTES // 2**20,
    }
    return render(request, "registry/import_preview.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def member_import(request, slug):
    """GET: the upload form. POST: check the uploaded file and show the preview."""
    cluster = _cluster_to_change(request, slug)
    if request.method == "POST":
        form = MemberImportForm(request.POST, request.FILES)
    else:
        form = MemberImportForm()
    if request.method == "GET" or not form.is_valid():
        context = {
            "cluster": cluster,
            "form": form,
            "max_megabytes": settings.IMPORT_MAX_BYTES // 2**20,
        }
        return render(
            request,
            "registry/import_form.html",
            context,
            status=200 if request.method == "GET" else 400,
        )
    upload = form.cleaned_data["file"]
    if upload.size > settings.IMPORT_MAX_BYTES:
        # Refuse before reading the whole upload into memory.
        data = b""
        preview = imports.MemberImport(
            filename=upload.name,
            cluster_id=cluster.pk,
            rows=(),
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
    else:
        data = upload.read()
        preview = imports.preview_members(data, filename=upload.name, cluster=cluster)
    token = (
        pending_uploads.keep(request, SESSION_KEY, {"cluster": cluster.pk}, upload.name, data)
        if preview.is_clean
        else None
    )
    return _preview_page(request, cluster, preview, MemberImportForm(), token)


@require_POST
@login_required
def member_import_commit(request, slug):
    """Check the stashed file again and, if still clean, save it all; then back to the cluster."""
    cluster = _cluster_to_change(request, slug)
    stashed = pending_uploads.take(
        request, SESSION_KEY, {"cluster": cluster.pk}, request.POST.get("token", "")
    )
    if stashed is None:
        messages.error(
            request, _("This import is no longer available; please upload the file again.")
        )
        return redirect("registry:member-import", slug=cluster.slug)
    filename, data = stashed
    preview = imports.preview_members(data, filename=filename, cluster=cluster)
    if not preview.is_clean:
        return _preview_page(request, cluster, preview, MemberImportForm(), status=409)
    try:
        result = imports.commit_members(preview, cluster=cluster, user=request.user)
    except DatabaseError:
        messages.error(
            request,
            _(
                "The register changed while the file was being imported; nothing was saved. "
                "Please upload the file again."
            ),
        )
        return redirect("registry:member-import", slug=cluster.slug)
    messages.success(
        request,
        _("Imported %(file)s: %(memberships)s memberships and %(organisations)s new organisations.")
        % {
            "file": filename,
            "memberships": result.memberships,
            "organisations": result.organisations,
        },
    )
    return redirect(cluster)


@require_GET
@login_required
def member_export(request, slug, fmt):
    """The cluster's members as CSV or Excel, in the import's columns."""
    if fmt not in FORMATS:
        raise Http404
    cluster = _cluster_to_change(request, slug)
    content = imports.export_file(imports.member_export_rows(cluster), fmt, title=_("Members"))
    return _attachment(content, fmt, f"{cluster.slug}-members-{timezone.localdate():%Y-%m-%d}")


@require_GET
@login_required
def member_template(request, fmt):
    """An empty member file with the header and one example row."""
    if fmt not in FORMATS:
        raise Http404
    content = imports.export_file(imports.member_template_rows(), fmt, title=_("Members"))
    return _attachment(content, fmt, "members-template")
