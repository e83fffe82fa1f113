"""What the result page, the PDF and the Excel file show, read from a run's stored result."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterpact.charts import Estimate, event_study_chart
from clusterpact.registry.models import SizeClass

from .forms import OUTCOME_LABELS

SCOPE_LABELS = {
    "overall": gettext_lazy("All firms"),
    "cluster": gettext_lazy("Cluster"),
    "size_class": gettext_lazy("Size class"),
}


def subgroup_label(entry: dict[str, Any]) -> str:
    if entry["scope"] == "overall":
        return str(SCOPE_LABELS["overall"])
    if entry["scope"] == "size_class":
        return str(dict(SizeClass.choices).get(entry["key"], entry["key"]))
    return entry["label"]


def percent(att: float | None) -> float | None:
    return None if att is None else 100 * (math.exp(att) - 1)


def summary_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for entry in result.get("analyses", []):
        simple = entry.get("aggregates", {}).get("simple", {}) if entry["status"] == "done" else {}
        rows.append(
            {
                "outcome": entry["outcome"],
                "outcome_label": OUTCOME_LABELS[entry["outcome"]],
                "scope": entry["scope"],
                "scope_label": SCOPE_LABELS[entry["scope"]],
                "key": entry["key"],
                "subgroup": subgroup_label(entry),
                "status": entry["status"],
                "reason": entry["reason"],
                "n_treated": entry["n_treated_firms"],
                "n_never": entry["n_never_members"],
                "att": simple.get("att"),
                "se": simple.get("se"),
                "ci_lower": simple.get("ci_lower"),
                "ci_upper": simple.get("ci_upper"),
                "percent": percent(simple.get("att")),
            }
        )
    return rows


def select(result: dict[str, Any], outcome: str, scope: str, key: str) -> dict[str, Any] | None:
    """The analysis asked for, else the first estimated overall one."""
    analyses = [a for a in result.get("analyses", []) if a["status"] == "done"]
    for entry in analyses:
        if (entry["outcome"], entry["scope"], entry["key"]) == (outcome, scope, key):
            return entry
    overall = [a for a in analyses if a["scope"] == "overall"]
    return (overall or analyses or [None])[0]


def event_points(entry: dict[str, Any]) -> list[Estimate]:
    points = []
    for row in entry["aggregates"]["dynamic"]["table"]:
        if row["att"] is None or row["ci_lower"] is None:
            continue
        points.append(
            Estimate(
                x=row["e"],
                value=row["att"],
                lower=row["ci_lower"],
                upper=row["ci_upper"],
                band_lower=row.get("band_lower"),
                band_upper=row.get("band_upper"),
            )
        )
    return points


def chart(entry: dict[str, Any]):
    outcome = OUTCOME_LABELS[entry["outcome"]]
    title = _("Event study: effect of membership on %(outcome)s, %(group)s") % {
        "outcome": outcome,
        "group": subgroup_label(entry),
    }
    bands = entry["aggregates"]["dynamic"]["bootstrap"]
    description = _(
        "Average effect by years since joining (e = 0 is the year of joining), with 95%% "
        "confidence intervals as bars and %(band)s as the shaded area."
    ) % {"band": _("a simultaneous band") if bands else _("the pointwise interval")}
    return event_study_chart(
        title,
        event_points(entry),
        x_label=_("Years since joining (e)"),
        y_label=_("Effect (log points)"),
        description=description,
    )


def tfp_rows(tfp: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not tfp:
        return []
    return [
        {**row, "elasticity": tfp["elasticities"].get(row["term"])} for row in tfp["coefficients"]
    ]
