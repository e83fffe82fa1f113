"""Evidence files attached to reported values: checked on upload, stored under MEDIA_ROOT.

MEDIA_ROOT is never served by a URL; a file leaves only through the download
view, to whoever may read the report. A file is accepted by its extension and
by its first bytes agreeing with it, up to ``PACTS_EVIDENCE_MAX_BYTES``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from clusterpact.accounts import audit

from . import domain
from .models import Evidence, Kpi, Report

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
STORAGE_DIR = "pacts/evidence"

_ZIP = b"PK\x03\x04"
# Extension → (content type served, the file's first bytes; None for plain text).
ACCEPTED: dict[str, tuple[str, bytes | None]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    ".csv": ("text/csv", None),
    ".txt": ("text/plain", None),
}


def max_bytes() -> int:
    return int(getattr(settings, "PACTS_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def check_file(filename: str, head: bytes, size: int) -> str | None:
    """Why a file cannot be evidence, or None. ``head`` is its first bytes (at least 8)."""
    limit = max_bytes()
    if size == 0:
        return _("The file is empty.")
    if size > limit:
        return _("The file is %(size)s MB; the limit is %(limit)s MB.") % {
            "size": f"{size / 2**20:.1f}",
            "limit": f"{limit / 2**20:.1f}",
        }
    suffix = Path(filename).suffix.lower()
    if suffix not in ACCEPTED:
        return _("Only these file types are accepted: %(types)s.") % {
            "types": ", ".join(sorted(s.lstrip(".") for s in ACCEPTED))
        }
    magic = ACCEPTED[suffix][1]
    if magic is not None and not head.startswith(magic):
        return _("The file is named %(suffix)s but its content is not of that type.") % {
            "suffix": suffix
        }
    if magic is None and b"\x00" in head:
        return _("The file is named %(suffix)s but its content is not text.") % {"suffix": suffix}
    return None


class EvidenceRefused(domain.WorkflowError):
    pass


def add_evidence(report: Report, *, kpi: Kpi, upload, user) -> Evidence:
    """Attach ``upload`` (a Django UploadedFile) to the value of ``kpi`` in an editable report.

    Refuses what the web form refuses (not the cluster's manager, report no longer
    editable), a KPI outside the report, and a file :func:`check_file` refuses.
    Side effects: the file is written to the default storage under pacts/evidence/<report>/
    with a random name; one Evidence row, in the audit trail (the file is deleted again
    if the row cannot be saved).
    """
    domain.check_editable(report, user)
    if kpi.pk not in {k.pk for k in domain.report_kpis(report)}:
        raise EvidenceRefused(_("%(kpi)s is not in this report.") % {"kpi": kpi.code})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    name = Path(upload.name or "").name[:200]
    problem = check_file(name, head, upload.size)
    if problem:
        raise EvidenceRefused(problem)
    suffix = Path(name).suffix.lower()
    # A random name: the stored path reveals neither the cluster nor the uploader's file name.
    stored = default_storage.save(f"{STORAGE_DIR}/{report.pk}/{uuid.uuid4().hex}{suffix}", upload)
    try:
        with transaction.atomic(), audit.acting_as(user, reason=_("evidence added")):
            return Evidence.objects.create(
                report=report,
                kpi=kpi,
                stored_name=stored,
                filename=name,
                size=upload.size,
                content_type=ACCEPTED[suffix][0],
                uploaded_by=user,
            )
    except Exception:
        default_storage.delete(stored)
        raise


def open_file(evidence: Evidence):
    """The stored file, opened for reading (FileNotFoundError when it has gone)."""
    return default_storage.open(evidence.stored_name, "rb")


def remove_evidence(evidence: Evidence, *, user) -> None:
    """Remove a file from an editable report; the stored file goes once no version refers to it.

    Side effects: the Evidence row deleted (audit trail); the file deleted from
    storage after the transaction commits, unless another row shares it.
    """
    domain.check_editable(evidence.report, user)
    name = evidence.stored_name
    with transaction.atomic(), audit.acting_as(user, reason=_("evidence removed")):
        evidence.delete()
        if not Evidence.objects.filter(stored_name=name).exists():
            transaction.on_commit(lambda: default_storage.delete(name))
