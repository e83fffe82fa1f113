"""The demo calls: a closed call ready to rank and decide, an open call, idempotent."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from clusterpact.accounts.models import User
from clusterpact.calls import domain
from clusterpact.calls.demo import CLOSED_CALL, OPEN_CALL, load_demo_calls
from clusterpact.calls.models import Call, ConsensusScore, Review
from clusterpact.calls.permissions import is_conflicted
from clusterpact.demo.loader import load_demo


@pytest.mark.django_db
def test_demo_calls_reviewed_ranked_and_idempotent(client):
    load_demo(stdout=io.StringIO())
    # The demo loader calls it too (once wired); either way a second load adds nothing.
    load_demo_calls(io.StringIO())
    assert load_demo_calls(io.StringIO()) == 0
    closed = Call.objects.get(title=CLOSED_CALL)
    assert closed.has_closed()
    assert Call.objects.get(title=OPEN_CALL).is_open()
    assert closed.proposals.filter(status="submitted").count() == 12
    assert Review.objects.filter(submitted_at__isnull=False).count() == 36
    assert ConsensusScore.objects.count() == 36
    result = domain.ranking(closed)
    assert result.incomplete == ()
    assert len(result.rows) == 12
    assert result.selection.selected and result.selection.committed <= closed.budget
    reviewer = User.objects.get(username="reviewer")
    assert sum(is_conflicted(reviewer, p) for p in closed.proposals.all()) >= 1
    client.force_login(User.objects.get(username="officer"))
    for url in (
        reverse("calls:ranking", args=[closed.pk]),
        reverse("calls:call-overlap", args=[closed.pk]),
        reverse("calls:theme-gaps"),
    ):
        assert client.get(url).status_code == 200, url
