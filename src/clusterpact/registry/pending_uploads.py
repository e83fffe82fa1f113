"""An import file kept between its preview and its commit.

The file waits in the default storage under ``imports/<random hex>``; the session
maps that token to what the upload is for (its scope, e.g. the cluster or the
import kind), the file name, the storage name and the user, so the browser only
ever sends back a token that must already be in its own session. The caller reads
and checks the file again at commit time, since the register may have changed
meanwhile. Files of previews that were never committed are deleted after a day.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

STASH_DIR = "imports"
STASH_LIFETIME = dt.timedelta(hours=24)
# Pending uploads kept per session and import; older ones are dropped with their files.
MAX_PENDING = 3
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def keep(request, session_key: str, scope: Mapping, filename: str, data: bytes) -> str:
    """Keep an uploaded file for the commit step; return the token the form sends back."""
    forget_stale()
    token = uuid.uuid4().hex
    stored = default_storage.save(f"{STASH_DIR}/{token}", ContentFile(data))
    pending = request.session.get(session_key, {})
    pending[token] = {
        "scope": dict(scope),
        "filename": filename,
        "stored": stored,
        "user": request.user.pk,
    }
    while len(pending) > MAX_PENDING:
        _delete(pending.pop(next(iter(pending)))["stored"])
    request.session[session_key] = pending
    return token


def take(request, session_key: str, scope: Mapping, token: str) -> tuple[str, bytes] | None:
    """(file name, content) kept under ``token``, if it belongs to this session, user and scope;
    the kept file is gone afterwards either way."""
    if not _TOKEN.match(token or ""):
        return None
    pending = request.session.get(session_key, {})
    entry = pending.pop(token, None)
    request.session[session_key] = pending
    if entry is None:
        return None
    if entry.get("scope") != dict(scope) or entry["user"] != request.user.pk:
        _delete(entry["stored"])
        return None
    if not default_storage.exists(entry["stored"]):
        return None
    with default_storage.open(entry["stored"], "rb") as stored:
        data = stored.read()
    _delete(entry["stored"])
    return entry["filename"], data


def forget_stale() -> None:
    """Delete kept files of previews that were never committed."""
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


def _delete(name: str) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
