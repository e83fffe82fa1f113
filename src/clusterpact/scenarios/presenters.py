"""Plain rows and charts for the scenario pages and PDFs (the same figures in both)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.utils.translation import gettext as _

from clusterpact.charts import Bar, bar_chart, paired_column_chart
from clusterpact.funding.messages import CHECK_LABELS, verdict_message

from . import domain, projection
from .models import Assessment, BudgetPlan, Scenario
from .permissions import assessments_for


def percent(share: float) -> str:
    return f"{share * 100:.1f} %"


def score_grid(matrix: domain.ScoreMatrix) -> list[dict]:
    """Per scenario the scores per criterion (None where missing) and their rationales."""
    rows = []
    for i, scenario in enumerate(matrix.scenarios):
        cells = []
        for j, criterion in enumerate(matrix.criteria):
            value = matrix.scores[i, j]
            cells.append(
                {
                    "criterion": criterion,
                    "score": None if value != value else value,
                    "rationale": matrix.rationale.get((scenario.pk, criterion.pk), ""),
                }
            )
        rows.append({"scenario": scenario, "cells": cells})
    return rows


def _short(scenario: Scenario) -> str:
    # "Scenario 3: continuation ..." → "Scenario 3": the charts need short labels.
    return scenario.name.split(":")[0]


def result_context(result: domain.Evaluation) -> dict:
    """Ranking rows, flips with criterion and scenario names, and the two charts."""
    by_code = {s.code: s for s in result.matrix.scenarios}
    criteria = {c.code: c for c in result.matrix.criteria}
    rows = result.rows()
    for row in rows:
        row["first_share_display"] = percent(row["first_share"])
    current = dict(
        zip(
            (c.code for c in result.matrix.criteria),
            (float(w) for w in result.matrix.normalised_weights),
            strict=True,
        )
    )
    flips = [
        {
            "criterion": criteria[f.criterion],
            "weight": f.weight,
            "current_weight": current[f.criterion],
            "new_leader": by_code[f.new_leader],
            "direction": "up" if f.weight > current[f.criterion] else "down",
        }
        for f in result.flips
    ]
    weights = list(zip(result.matrix.criteria, current.values(), strict=True))
    return {
        "rows": rows,
        "leader": result.leader,
        "leader_share": result.sensitivity.first_place_share.get(result.leader.code, 0.0),
        "leader_share_display": percent(
            result.sensitivity.first_place_share.get(result.leader.code, 0.0)
        ),
        "flips": flips,
        "weights": weights,
        "draws": result.sensitivity.draws,
        "weight_spread": result.sensitivity.weight_spread,
        "score_spread": result.sensitivity.score_spread,
        "seed": result.sensitivity.seed,
        "totals_chart": bar_chart(
            _("Weighted total per scenario (0–5)"),
            [Bar(_short(r["scenario"]), r["total"], f"{r['total']:.2f}") for r in rows],
        ),
        "share_chart": bar_chart(
            _("Share of random perturbations in which the scenario ranks first"),
            [
                Bar(_short(r["scenario"]), r["first_share"] * 100, percent(r["first_share"]))
                for r in rows
            ],
        ),
    }


def projection_rows(
    pairs: Sequence[tuple[BudgetPlan, projection.Projection]],
) -> list[dict]:
    """Per scenario: plan totals, verdict, findings in the reader's language, and a chart."""
    out = []
    for plan, outcome in pairs:
        years = outcome.plan.years
        out.append(
            {
                "plan": plan,
                "scenario": plan.scenario,
                "projection": outcome,
                "complies": outcome.complies,
                "first_breach_year": outcome.first_breach_year,
                "findings": [
                    {
                        "finding": f,
                        "label": str(CHECK_LABELS.get(f.check, f.check)),
                        "message": verdict_message(f),
                    }
                    for f in outcome.findings
                ],
                "inherited": [
                    {
                        "finding": f,
                        "label": str(CHECK_LABELS.get(f.check, f.check)),
                        "message": verdict_message(f),
                    }
                    for f in outcome.inherited
                ],
                "years": years,
                "rows": outcome.rows,
                "chart": paired_column_chart(
                    _("Planned money per year (EUR)"),
                    [str(y.year) for y in years],
                    [
                        (_("Basic funding"), [float(y.basic_funding) for y in years]),
                        (_("Project funding"), [float(y.project_funding) for y in years]),
                        (_("Private cofinancing"), [float(y.cofinancing) for y in years]),
                    ],
                ),
            }
        )
    return out


def _evaluated(assessment: Assessment, draws: int | None = None):
    matrix = domain.score_matrix(assessment)
    return domain.evaluate(matrix, draws=draws)


def programme_rows(clusters, *, user) -> list[dict]:
    """Per cluster the newest assessment the user may read, its leader and robustness."""
    readable = assessments_for(user).filter(cluster__in=clusters).order_by("cluster_id", "-version")
    newest: dict[int, int] = {}
    for pk, cluster_id in readable.values_list("pk", "cluster_id"):
        newest.setdefault(cluster_id, pk)
    latest = {
        a.cluster_id: a
        for a in domain.with_matrix_data(Assessment.objects.filter(pk__in=newest.values()))
    }
    rows = []
    for cluster in clusters:
        item = latest.get(cluster.pk)
        result = _evaluated(item) if item else None
        rows.append(_summary_row(cluster, item, result))
    return rows


def _summary_row(cluster, item, result) -> dict:
    leader = result.leader if result else None
    ranked = result.rows() if result else []
    runner_up = ranked[1] if len(ranked) > 1 else None
    return {
        "cluster": cluster,
        "assessment": item,
        "leader": leader,
        "leader_total": ranked[0]["total"] if ranked else None,
        "leader_share": result.sensitivity.first_place_share.get(leader.code, 0.0)
        if leader
        else None,
        "leader_share_display": percent(result.sensitivity.first_place_share.get(leader.code, 0.0))
        if leader
        else None,
        "runner_up": runner_up["scenario"] if runner_up else None,
        "margin": (ranked[0]["total"] - runner_up["total"]) if runner_up else None,
        "ranked": ranked,
    }


def leader_tally(rows: Sequence[dict]) -> list[tuple[Scenario, int]]:
    """How many clusters each scenario leads, most first."""
    counts = Counter(r["leader"].pk for r in rows if r["leader"])
    scenarios = {r["leader"].pk: r["leader"] for r in rows if r["leader"]}
    return sorted(
        ((scenarios[pk], n) for pk, n in counts.items()), key=lambda t: (-t[1], t[0].order)
    )


def public_rows(assessments: Sequence[Assessment]) -> list[dict]:
    return [_summary_row(a.cluster, a, _evaluated(a)) for a in assessments]


def comparison(assessment: Assessment) -> dict:
    """The scenarios side by side: description, reasoning, scores, total, rank, share, budget."""
    matrix = domain.score_matrix(assessment)
    result = domain.evaluate(matrix)
    shown = result_context(result) if result else None
    ranking = {r["scenario"].pk: r for r in shown["rows"]} if shown else {}
    outcomes = {row["scenario"].pk: row for row in projection_rows(domain.projections(assessment))}
    columns = []
    for i, scenario in enumerate(matrix.scenarios):
        columns.append(
            {
                "scenario": scenario,
                "rank": ranking.get(scenario.pk),
                "outcome": outcomes.get(scenario.pk),
                "scores": [
                    None if matrix.scores[i, j] != matrix.scores[i, j] else matrix.scores[i, j]
                    for j in range(len(matrix.criteria))
                ],
            }
        )
    criteria_rows = [
        (criterion, [col["scores"][j] for col in columns])
        for j, criterion in enumerate(matrix.criteria)
    ]
    return {
        "columns": columns,
        "criteria_rows": criteria_rows,
        "result": shown,
        "matrix": matrix,
    }
