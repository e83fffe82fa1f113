"""An import file kept between preview and commit: only its own session, user and scope get it back."""

import datetime as dt
import os

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.storage import default_storage
from django.test import RequestFactory

from clusterpact.registry import pending_uploads

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request.user = user
    return request


def test_the_file_comes_back_once_to_its_scope(officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = _request(officer)
    token = pending_uploads.keep(request, "k", {"cluster": 1}, "members.csv", b"a,b\n")
    assert pending_uploads.take(request, "k", {"cluster": 1}, token) == ("members.csv", b"a,b\n")
    assert pending_uploads.take(request, "k", {"cluster": 1}, token) is None
    assert not list((tmp_path / "imports").iterdir())


def test_another_scope_or_user_gets_nothing_and_the_file_is_gone(
    officer, admin_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    request = _request(officer)
    token = pending_uploads.keep(request, "k", {"cluster": 1}, "m.csv", b"x")
    assert pending_uploads.take(request, "k", {"cluster": 2}, token) is None
    assert not list((tmp_path / "imports").iterdir())
    token = pending_uploads.keep(request, "k", {"cluster": 1}, "m.csv", b"x")
    request.user = admin_user
    assert pending_uploads.take(request, "k", {"cluster": 1}, token) is None
    assert pending_uploads.take(request, "k", {"cluster": 1}, "not-a-token") is None


def test_only_the_newest_uploads_are_kept_and_stale_files_are_deleted(officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = _request(officer)
    tokens = [
        pending_uploads.keep(request, "k", {"kind": "grants"}, f"{i}.csv", b"x") for i in range(4)
    ]
    assert len(request.session["k"]) == pending_uploads.MAX_PENDING
    assert pending_uploads.take(request, "k", {"kind": "grants"}, tokens[0]) is None
    old = tmp_path / "imports" / tokens[1]
    long_ago = (dt.datetime.now() - pending_uploads.STASH_LIFETIME * 2).timestamp()
    os.utime(old, (long_ago, long_ago))
    pending_uploads.forget_stale()
    assert not default_storage.exists(f"imports/{tokens[1]}")
    assert default_storage.exists(f"imports/{tokens[2]}")
