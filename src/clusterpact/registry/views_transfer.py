"""Member import (upload, preview, commit), member export and the import template.

Between preview and commit the uploaded file waits in the default storage under
``imports/<random hex>``; the session maps that token to the cluster, the file
name and the storage name, so the browser only ever sends back a token that
must already be in its own session. The file is read and checked again at
commit time, since the register may have changed meanwhile.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import imports
from .permissions import can_change_cluster, get_cluster_for

SESSION_KEY = "member_imports"
STASH_DIR = "imports"
STASH_LIFETIME = dt.timedelta(hours=24)
# Pending uploads kept per session; older ones are dropped with their files.
MAX_PENDING = 3
# The preview table stays usable in a browser; the count above it is always complete.
MAX_PROBLEMS_SHOWN = 1000
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


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


def _stash(request, cluster, filename: str, data: bytes) -> str:
    """Keep an uploaded file for the commit step; return the token the form sends back."""
    _forget_stale_uploads()
    token = uuid.uuid4().hex
    stored = default_storage.save(f"{STASH_DIR}/{token}", ContentFile(data))
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {
        "cluster": cluster.pk,
        "filename": filename,
        "stored": stored,
        "user": request.user.pk,
    }
    while len(pending) > MAX_PENDING:
        oldest = next(iter(pending))
        _delete_stored(pending.pop(oldest)["stored"])
    request.session[SESSION_KEY] = pending
    return token


def _take_stash(request, cluster, token: str):
    """The stashed upload for ``token`` if it belongs to this session, user and cluster."""
    pending = request.session.get(SESSION_KEY, {})
    if not _TOKEN.match(token or ""):
        return None
    entry = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if entry is None:
        return None
    if entry["cluster"] != cluster.pk or entry["user"] != request.user.pk:
        _delete_stored(entry["stored"])
        return None
    if not default_storage.exists(entry["stored"]):
        return None
    with default_storage.open(entry["stored"], "rb") as stored:
        data = stored.read()
    _delete_stored(entry["stored"])
    return entry["filename"], data


def _delete_stored(name: str) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)


def _forget_stale_uploads() -> None:
    """Delete uploads left by previews that were never committed."""
    try:
        _, names = default_storage.listdir(STASH_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - STASH_LIFETIME
    for name in names:
        path = f"{STASH_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except FileNotFoundError:
            continue


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
    token = _stash(request, cluster, upload.name, data) if preview.is_clean else None
    return _preview_page(request, cluster, preview, MemberImportForm(), token)


@require_POST
@login_required
def member_import_commit(request, slug):
    """Check the stashed file again and, if still clean, save it all; then back to the cluster."""
    cluster = _cluster_to_change(request, slug)
    stashed = _take_stash(request, cluster, request.POST.get("token", ""))
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
