"""Background tasks (django-tasks; the database backend's ``db_worker`` runs them)."""

from __future__ import annotations

from django_tasks import task

from . import domain


@task()
def run_evaluation(run_id: int) -> str:
    return domain.execute_run(run_id)
