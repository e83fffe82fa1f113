"""Downloads of a finished run: JSON, Excel (openpyxl) and PDF (WeasyPrint)."""

from __future__ import annotations

import io
import json
from typing import Any

from django.template.loader import render_to_string
from openpyxl import Workbook

from .models import EvaluationRun
from .presenters import subgroup_label


def run_document(run: EvaluationRun) -> dict[str, Any]:
    """The stored result plus what identifies the run: all that is needed to redo it."""
    return {
        "run": {
            "id": run.pk,
            "status": run.status,
            "data_sha256": run.data_sha256,
            "library_version": run.library_version,
            "parameters": run.parameters,
            "queued_at": run.created_at.isoformat(),
            "started_at": run.started_at.isoformat() if run.started_at else None,
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        },
        "result": run.result,
    }


def as_json(run: EvaluationRun) -> bytes:
    return json.dumps(run_document(run), indent=2, allow_nan=False).encode()


def _sheet(workbook: Workbook, title: str, header: list[str], rows) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"


def as_excel(run: EvaluationRun) -> bytes:
    result = run.result or {}
    workbook = Workbook()
    about = workbook.active
    about.title = "Run"
    for key, value in [
        ("run", run.pk),
        ("data set", run.dataset.name),
        ("data SHA-256", run.data_sha256),
        ("library version", run.library_version),
        *((f"parameter {k}", json.dumps(v)) for k, v in run.parameters.items()),
        ("finished at", run.finished_at.isoformat() if run.finished_at else ""),
    ]:
        about.append([key, value])
    analyses = [a for a in result.get("analyses", [])]
    _sheet(
        workbook,
        "Summary",
        [
            "outcome",
            "scope",
            "subgroup",
            "status",
            "reason",
            "member firms",
            "never members",
            "att",
            "se",
            "ci_lower",
            "ci_upper",
        ],
        (
            [
                a["outcome"],
                a["scope"],
                subgroup_label(a),
                a["status"],
                a["reason"],
                a["n_treated_firms"],
                a["n_never_members"],
            ]
            + (
                [a["aggregates"]["simple"][k] for k in ("att", "se", "ci_lower", "ci_upper")]
                if a["status"] == "done"
                else [None] * 4
            )
            for a in analyses
        ),
    )
    done = [a for a in analyses if a["status"] == "done"]
    cells = [
        "g",
        "t",
        "event_time",
        "att",
        "se",
        "ci_lower",
        "ci_upper",
        "band_lower",
        "band_upper",
        "n_treated",
        "n_control",
    ]
    _sheet(
        workbook,
        "ATT(g,t)",
        ["outcome", "scope", "subgroup", *cells],
        (
            [a["outcome"], a["scope"], subgroup_label(a), *(row.get(c) for c in cells)]
            for a in done
            for row in a["att_gt"]["att_gt"]
        ),
    )
    for kind, label in (("dynamic", "e"), ("group", "g"), ("calendar", "t")):
        columns = [label, "att", "se", "ci_lower", "ci_upper", "band_lower", "band_upper"]
        _sheet(
            workbook,
            {"dynamic": "Event study", "group": "By cohort", "calendar": "By year"}[kind],
            ["outcome", "scope", "subgroup", *columns],
            (
                [a["outcome"], a["scope"], subgroup_label(a), *(row.get(c) for c in columns)]
                for a in done
                for row in a["aggregates"][kind]["table"]
            ),
        )
    tfp = result.get("tfp")
    if tfp:
        _sheet(
            workbook,
            "TFP",
            ["term", "estimate", "se", "ci_low", "ci_high"],
            (
                [r["term"], r["estimate"], r["se"], r["ci_low"], r["ci_high"]]
                for r in tfp["coefficients"]
            ),
        )
        diagnostics = workbook["TFP"]
        diagnostics.append([])
        for key in (
            "converged",
            "criterion",
            "n_iterations",
            "distinct_minima",
            "selection",
            "n_obs",
            "first_stage_r2",
            "se_method",
        ):
            diagnostics.append([key, json.dumps(tfp["diagnostics"].get(key))])
        diagnostics.append(["returns_to_scale", tfp["returns_to_scale"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_pdf(run: EvaluationRun, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("evaluation/report_pdf.html", context)
    return HTML(string=html).write_pdf()
