"""State changes of the evaluation app: register a firm panel, start a run, carry it out."""

from __future__ import annotations

import hashlib
import io
import logging
import time
import uuid
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone

import clusterpact

from . import adapters, pipeline
from .models import Dataset, EvaluationRun, RunStatus
from .panels import PanelError, check_panel, read_table

logger = logging.getLogger(__name__)

#: Private storage of firm panels, under MEDIA_ROOT (no URL serves MEDIA_ROOT).
STORAGE_DIR = "evaluation"
#: The task writes progress to the database at most this often (seconds).
PROGRESS_INTERVAL = 1.0


def storage_root() -> Path:
    return Path(settings.MEDIA_ROOT) / STORAGE_DIR


def read_panel(dataset: Dataset) -> pl.DataFrame:
    return pl.read_parquet(storage_root() / dataset.storage_path)


def register_dataset(
    *,
    content: bytes,
    filename: str,
    name: str,
    roles: dict[str, str],
    user=None,
    description: str = "",
    is_synthetic: bool = False,
) -> Dataset:
    """Check an uploaded panel and store it as a confidential data set.

    Side effects: writes ``<MEDIA_ROOT>/evaluation/<uuid>.parquet``; creates a
    :class:`Dataset` (audited). Raises :class:`PanelError` listing every problem,
    and then nothing is written.
    """
    frame = read_table(content, filename, roles.get("enterprise_number", ""))
    checked = check_panel(frame, roles)
    panel = checked.frame
    buffer = io.BytesIO()
    panel.write_parquet(buffer, statistics=False)
    data = buffer.getvalue()
    relative = f"{uuid.uuid4().hex}.parquet"
    root = storage_root()
    root.mkdir(parents=True, exist_ok=True)
    path = root / relative
    path.write_bytes(data)
    path.chmod(0o600)
    try:
        with transaction.atomic():
            return Dataset.objects.create(
                name=name,
                description=description,
                storage_path=relative,
                original_filename=Path(filename).name[:255],
                sha256=hashlib.sha256(data).hexdigest(),
                n_rows=panel.height,
                n_firms=panel["enterprise_number"].n_unique(),
                n_years=panel["year"].n_unique(),
                first_year=int(panel["year"].min()),
                last_year=int(panel["year"].max()),
                columns=panel.columns,
                roles=checked.roles,
                is_synthetic=is_synthetic,
                uploaded_by=user,
            )
    except Exception:
        path.unlink(missing_ok=True)
        raise


def start_run(*, dataset: Dataset, user, parameters: pipeline.RunParameters) -> EvaluationRun:
    """Queue an evaluation of ``dataset``.

    Side effects: creates an :class:`EvaluationRun` (status queued) and, once the
    transaction commits, enqueues :func:`clusterpact.evaluation.tasks.run_evaluation`
    (with the immediate backend of the tests it runs there and then).
    """
    from .tasks import run_evaluation

    run = EvaluationRun.objects.create(
        dataset=dataset,
        parameters=parameters.as_dict(),
        data_sha256=dataset.sha256,
        library_version=clusterpact.__version__,
        started_by=user,
    )

    def enqueue() -> None:
        result = run_evaluation.enqueue(run.pk)
        EvaluationRun.objects.filter(pk=run.pk, task_id="").update(task_id=str(result.id)[:64])

    transaction.on_commit(enqueue)
    return run


class _ProgressWriter:
    """Progress callback that writes to the run's row, throttled so the estimators stay fast."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = 0.0

    def __call__(self, fraction: float, label: str) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL and fraction < 1.0:
            return
        self.last = now
        EvaluationRun.objects.filter(pk=self.run_id).update(
            progress=fraction, progress_label=label[:200]
        )


def execute_run(run_id: int) -> str:
    """Carry out a queued run: read the panel, join the registry, estimate, store the result.

    Side effects: the run goes running → done (result stored) or failed (error
    stored); progress is written along the way. A run that is not queued is left alone.
    """
    claimed = EvaluationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=0.0
    )
    if not claimed:
        return "not queued"
    run = EvaluationRun.objects.select_related("dataset").get(pk=run_id)
    try:
        panel = read_panel(run.dataset)
        joined = adapters.evaluation_panel(panel)
        params = pipeline.RunParameters.from_dict(run.parameters)
        result: dict[str, Any] = pipeline.evaluate(joined, params, progress=_ProgressWriter(run_id))
        result["dataset"] = {
            "name": run.dataset.name,
            "sha256": run.dataset.sha256,
            "n_rows": run.dataset.n_rows,
            "n_firms": run.dataset.n_firms,
        }
    except (PanelError, ValueError, OSError) as error:
        logger.warning("evaluation run %s failed: %s", run_id, error)
        _finish(run_id, status=RunStatus.FAILED, error=str(error))
        return "failed"
    except Exception as error:  # the run page must say it failed, whatever happened
        logger.exception("evaluation run %s failed unexpectedly", run_id)
        _finish(run_id, status=RunStatus.FAILED, error=f"{type(error).__name__}: {error}")
        raise
    _finish(run_id, status=RunStatus.DONE, result=result)
    return "done"


def _finish(run_id: int, *, status: str, error: str = "", result=None) -> None:
    EvaluationRun.objects.filter(pk=run_id).update(
        status=status,
        error=error,
        result=result,
        progress=1.0 if status == RunStatus.DONE else 0.0,
        progress_label="",
        finished_at=timezone.now(),
    )
