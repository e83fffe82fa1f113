"""Demo scenario assessments for the seven spearhead clusters (synthetic scores and rationales).

Consistent with the advice: scenario 3 (continuation with a mainly economic
mission) leads for most clusters, but not for all, as the advice expects
("voor alle bestaande speerpuntclusters wellicht niet hetzelfde scenario"):
in this synthetic demo SIM leans to merging with a research centre and De Blauwe
Cluster narrowly to a transition mission. The scores and rationales are
invented for the demo; the budget plans derive from the demo funding, so load
this after ``load_demo_funding``.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import TextIO

from django.db import transaction

CRITERIA = (
    "neutrality",
    "company-steering",
    "synergy",
    "valorisation",
    "transition",
    "admin-burden",
    "legal-basis",
)

# Scores per scenario, in the order of CRITERIA, following the advice's reasoning.
BASE_SCORES = {
    "project-funding": (1, 3, 2, 3, 2, 2, 5),
    "merge": (2, 1, 2, 2, 3, 3, 3),
    "continue": (5, 5, 3, 5, 4, 3, 2),
    "transition": (4, 1, 2, 1, 5, 3, 2),
}

RATIONALE = {
    "project-funding": {
        "neutrality": "Without basic funding the cluster depends on the projects of its largest members; "
        "neutrality towards all beneficiaries is hard to keep.",
        "company-steering": "Companies still steer through the projects they cofinance, but not the long-term roadmap.",
        "synergy": "No structure changes, so no synergy gains either.",
        "valorisation": "Projects keep a valorisation focus, though without animation fewer firms join.",
        "transition": "Transition work depends on calls; the cluster has no mandate of its own.",
        "admin-burden": "Every activity needs its own project application and report.",
        "legal-basis": "Earmarked project funds fall under other GBER articles: no ten-year limit.",
    },
    "merge": {
        "neutrality": "The host organisation has research interests of its own.",
        "company-steering": "Steering by companies is not secured in a research centre's governance.",
        "synergy": "Few overlapping activities with the research centres; little to gain.",
        "valorisation": "A research centre's mission is knowledge, not market valorisation.",
        "transition": "The host may link the work to its transition programmes.",
        "admin-burden": "One organisation fewer to follow up.",
        "legal-basis": "The aid would go to another legal entity than the cluster organisation.",
    },
    "continue": {
        "neutrality": "Basic funding keeps the cluster a neutral facilitator.",
        "company-steering": "Members steer the roadmap and cofinance through fees and projects.",
        "synergy": "Consolidating related initiatives into the cluster is possible.",
        "valorisation": "Favourable TFP effects of membership; the economic mission stays central.",
        "transition": "Intercluster projects follow the transition priorities.",
        "admin-burden": "The current pact and reporting continue, every five years instead of two.",
        "legal-basis": "Operating aid beyond ten years needs an extension of art. 27 or a notification.",
    },
    "transition": {
        "neutrality": "Basic funding continues, tied to mission goals set by government.",
        "company-steering": "Without economic valorisation, companies have less reason to pay.",
        "synergy": "Mission programmes may bundle several clusters.",
        "valorisation": "Economic valorisation is no longer a goal.",
        "transition": "The whole programme serves the system transformation.",
        "admin-burden": "Mission reporting adds to the pact.",
        "legal-basis": "Still operating aid beyond ten years: extension or notification needed.",
    },
}

# Synthetic departures from the base scores per cluster (slug → scenario → scores).
ADJUSTMENTS = {
    "sim": {
        "merge": (3, 3, 5, 4, 3, 4, 3),
        "continue": (4, 3, 2, 4, 3, 3, 2),
    },
    "de-blauwe-cluster": {
        "transition": (5, 3, 3, 3, 5, 4, 3),
        "continue": (5, 4, 3, 4, 4, 3, 2),
    },
    "medvia": {
        # Operating aid since 2021: the ten-year period runs to 2030.
        "continue": (5, 5, 3, 5, 4, 3, 4),
    },
}

ADJUSTED_RATIONALE = {
    ("sim", "merge", "synergy"): "Synthetic demo: the materials research largely overlaps with a "
    "strategic research centre's programme, so merging brings real synergy.",
    ("de-blauwe-cluster", "transition", "transition"): "Synthetic demo: offshore energy and the "
    "marine environment make a transition mission the natural frame.",
    ("medvia", "continue", "legal-basis"): "The ten-year period of operating aid runs until 2030: "
    "time to settle the legal basis.",
}

UNPUBLISHED = {"medvia"}


@transaction.atomic
def load_demo_scenarios(stdout: TextIO = sys.stdout) -> int:
    """Final assessments of the seven spearhead clusters; idempotent (a cluster that has a
    synthetic assessment is left alone). Returns the number of assessments created.

    Side effects: creates assessments, weights, scores and budget plans (audited as the
    demo loader), finalises them and publishes all but MEDVIA's.
    """
    from clusterpact.accounts import audit
    from clusterpact.accounts.models import Role, User
    from clusterpact.demo.landscape import SPEARHEAD_CLUSTERS
    from clusterpact.registry.models import Cluster

    from . import domain
    from .models import Assessment

    author = User.objects.filter(role=Role.OFFICER).order_by("pk").first()
    if author is None:
        stdout.write("Demo scenarios skipped: no programme officer account.\n")
        return 0
    slugs = [fact.slug for fact in SPEARHEAD_CLUSTERS]
    created = 0
    with audit.acting_as(None, label="demo loader", reason="demo scenarios"):
        for cluster in Cluster.objects.filter(slug__in=slugs).order_by("name"):
            if Assessment.objects.filter(cluster=cluster, is_synthetic=True).exists():
                continue
            assessment = domain.start_assessment(cluster=cluster, user=author)
            assessment.is_synthetic = True
            assessment.save()
            matrix = domain.score_matrix(assessment)
            codes = [c.code for c in matrix.criteria]
            values = {}
            for scenario in matrix.scenarios:
                scores = ADJUSTMENTS.get(cluster.slug, {}).get(scenario.code) or BASE_SCORES.get(
                    scenario.code
                )
                if scores is None:
                    continue
                by_code = dict(zip(CRITERIA, scores, strict=True))
                for criterion in matrix.criteria:
                    text = ADJUSTED_RATIONALE.get(
                        (cluster.slug, scenario.code, criterion.code),
                        RATIONALE[scenario.code].get(criterion.code, ""),
                    )
                    values[(scenario.pk, criterion.pk)] = (
                        Decimal(by_code.get(criterion.code, 0)),
                        text,
                    )
            domain.save_scores(assessment=assessment, values=values)
            if domain.missing_scores(assessment) or len(codes) != len(CRITERIA):
                # Templates added by the agency have no demo scores: leave the draft open.
                created += 1
                continue
            result = domain.evaluate(domain.score_matrix(assessment))
            domain.finalise(
                assessment=assessment,
                user=author,
                summary=f"Synthetic demo advice: {result.leader.name_en}.",
            )
            if cluster.slug not in UNPUBLISHED:
                domain.set_published(assessment=assessment, published=True)
            created += 1
    stdout.write(f"Demo scenario assessments: {created} created.\n")
    return created
