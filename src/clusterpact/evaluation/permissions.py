"""Who may see firm panels and evaluation runs: the one place this is decided.

Firm panels hold confidential annual accounts. Evaluators and the agency
(administrators, programme officers) may use them; for everyone else every
evaluation URL answers 404, as if nothing were there.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from clusterpact.accounts.models import Role

from .models import Dataset, EvaluationRun

_EVALUATING_ROLES = frozenset({Role.EVALUATOR, Role.ADMINISTRATOR, Role.OFFICER})


def can_evaluate(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in _EVALUATING_ROLES)


def datasets_for(user) -> QuerySet[Dataset]:
    return Dataset.objects.all() if can_evaluate(user) else Dataset.objects.none()


def runs_for(user) -> QuerySet[EvaluationRun]:
    return EvaluationRun.objects.all() if can_evaluate(user) else EvaluationRun.objects.none()


def get_dataset_for(user, pk: int) -> Dataset:
    return get_object_or_404(datasets_for(user), pk=pk)


def get_run_for(user, pk: int) -> EvaluationRun:
    return get_object_or_404(runs_for(user).select_related("dataset", "started_by"), pk=pk)


def evaluator_required(view):
    """Anonymous users go to the login page; signed-in users without the role get 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_evaluate(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
