"""The default KPI catalogue: the measures the Flemish programme has reported and the ESCA areas.

Configuration, not law: no official KPI list exists (see the reference on the
Flemish scheme), so the agency edits this catalogue; every edit is a new
version. :func:`load_default_catalogue` is used by the demo and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from clusterpact.registry.models import TransitionPriority


@dataclass(frozen=True)
class KpiSpec:
    code: str
    name_nl: str
    name_en: str
    definition_nl: str
    definition_en: str
    unit: str
    category: str
    dimension: str
    value_type: str
    aggregation_periods: str = "sum"
    aggregation_clusters: str = "sum"
    direction: str = "higher"
    overarching: bool = False
    min_value: Decimal | None = Decimal(0)
    max_value: Decimal | None = None
    required: bool = True
    derived: str = ""
    priorities: tuple[str, ...] = field(default_factory=tuple)


PCT = Decimal(100)

DEFAULT_CATALOGUE: tuple[KpiSpec, ...] = (
    # Overarching: in every pact. Registry-derived first.
    KpiSpec(
        "members",
        "Aantal leden",
        "Number of members",
        "Actieve leden op de laatste dag van de periode.",
        "Active members on the last day of the period.",
        "members",
        "output",
        "economic",
        "integer",
        "last",
        "sum",
        overarching=True,
        derived="members",
    ),
    KpiSpec(
        "sme-members",
        "Aantal kmo-leden",
        "Number of SME members",
        "Lid-bedrijven die volgens de EU-definitie kmo zijn, op de laatste dag van de periode.",
        "Member companies that are SMEs under the EU definition, on the last day of the period.",
        "members",
        "output",
        "smes",
        "integer",
        "last",
        "sum",
        overarching=True,
        derived="sme_members",
    ),
    KpiSpec(
        "sme-share",
        "Aandeel kmo's",
        "Share of SMEs",
        "Kmo's als percentage van de lid-bedrijven.",
        "SMEs as a percentage of member companies.",
        "%",
        "output",
        "smes",
        "percentage",
        "last",
        "ratio",
        overarching=True,
        max_value=PCT,
        derived="sme_share",
    ),
    KpiSpec(
        "young-share",
        "Aandeel jonge bedrijven",
        "Share of young firms",
        "Bedrijven van hoogstens vijf jaar oud als percentage van de lid-bedrijven.",
        "Firms at most five years old as a percentage of member companies.",
        "%",
        "output",
        "smes",
        "percentage",
        "last",
        "ratio",
        overarching=True,
        max_value=PCT,
        derived="young_share",
    ),
    KpiSpec(
        "helix-diversity",
        "Helixdiversiteit",
        "Helix diversity",
        "Blau-index over de helixrollen van de leden (0 = één rol, 0,75 = vier gelijke).",
        "Blau index over the members' helix roles (0 = one role, 0.75 = four equal).",
        "index",
        "output",
        "diffusion",
        "decimal",
        "last",
        "mean",
        overarching=True,
        max_value=Decimal(1),
        derived="helix_diversity",
    ),
    KpiSpec(
        "fee-income",
        "Lidgeldinkomsten",
        "Fee income",
        "Lidgelden volgens het lidgeldrooster, voor de kalenderjaren van de periode.",
        "Membership fees under the fee schedule, for the calendar years of the period.",
        "EUR",
        "input",
        "economic",
        "decimal",
        "sum",
        "sum",
        overarching=True,
        derived="fee_income",
    ),
    KpiSpec(
        "cofinancing-ratio",
        "Cofinancieringsgraad",
        "Cofinancing ratio",
        "Private middelen (lidgelden en andere private bijdragen) per euro overheidssteun aan de "
        "cluster, over de kalenderjaren van de periode.",
        "Private funds (membership fees and other private contributions) per euro of public aid "
        "to the cluster, over the calendar years of the period.",
        "EUR/EUR",
        "input",
        "economic",
        "decimal",
        "mean",
        "mean",
        overarching=True,
        derived="cofinancing_ratio",
    ),
    # Overarching: the measures public reporting on the Flemish programme has used.
    KpiSpec(
        "collab-projects",
        "Samenwerkingsprojecten",
        "Collaborative projects",
        "Nieuwe clusterprojecten met minstens twee leden, gestart in de periode.",
        "New cluster projects with at least two members, started in the period.",
        "projects",
        "activity",
        "innovation",
        "integer",
        overarching=True,
    ),
    KpiSpec(
        "project-budget",
        "Gereserveerd projectbudget",
        "Reserved project budget",
        "Budget gereserveerd voor de samenwerkingsprojecten van de periode.",
        "Budget reserved for the period's collaborative projects.",
        "EUR",
        "input",
        "innovation",
        "decimal",
        overarching=True,
    ),
    KpiSpec(
        "competitiveness",
        "Leden met hogere concurrentiekracht",
        "Members reporting higher competitiveness",
        "Aandeel van de bevraagde leden dat een hogere concurrentiekracht meldt dankzij de cluster.",
        "Share of surveyed members that report higher competitiveness thanks to the cluster.",
        "%",
        "outcome",
        "economic",
        "percentage",
        "last",
        "mean",
        overarching=True,
        max_value=PCT,
    ),
    KpiSpec(
        "value-added-vs-sector",
        "Groei toegevoegde waarde t.o.v. sector",
        "Value-added growth against the sector",
        "Groei van de toegevoegde waarde van de leden min die van hun sector, in procentpunt.",
        "Members' value-added growth minus their sector's, in percentage points.",
        "pp",
        "impact",
        "economic",
        "decimal",
        "mean",
        "mean",
        overarching=True,
        min_value=Decimal(-100),
        required=False,
    ),
    KpiSpec(
        "productivity-vs-sector",
        "Productiviteit t.o.v. sector",
        "Productivity against the sector",
        "Arbeidsproductiviteit van de leden als percentage van die van hun sector.",
        "Members' labour productivity as a percentage of their sector's.",
        "%",
        "impact",
        "economic",
        "percentage",
        "mean",
        "mean",
        overarching=True,
        max_value=Decimal(1000),
        required=False,
    ),
    KpiSpec(
        "employment-share",
        "Aandeel in de werkgelegenheid",
        "Share of employment",
        "Tewerkstelling bij de leden als percentage van die van de regio.",
        "Employment at the members as a percentage of the region's.",
        "%",
        "impact",
        "economic",
        "percentage",
        "last",
        "sum",
        overarching=True,
        max_value=PCT,
        required=False,
    ),
    KpiSpec(
        "private-cofinancing",
        "Private cofinanciering",
        "Private cofinancing",
        "Private middelen (lidgelden, projectbijdragen) als percentage van de werkingskosten; "
        "minstens 50 %.",
        "Private funds (fees, project contributions) as a percentage of running costs; "
        "at least 50 %.",
        "%",
        "input",
        "economic",
        "percentage",
        "mean",
        "ratio",
        overarching=True,
        max_value=PCT,
    ),
    KpiSpec(
        "transition-projects",
        "Projecten met transitiebijdrage",
        "Projects contributing to a transition",
        "Samenwerkingsprojecten die bijdragen aan een transitieprioriteit.",
        "Collaborative projects that contribute to a transition priority.",
        "projects",
        "output",
        "societal",
        "integer",
        overarching=True,
    ),
    KpiSpec(
        "eu-participations",
        "Deelnames aan Europese programma's",
        "Participations in European programmes",
        "Deelnames van leden aan Europese projecten via de cluster.",
        "Members' participations in European projects through the cluster.",
        "participations",
        "output",
        "international",
        "integer",
        overarching=True,
    ),
    # Cluster-specific, along the ESCA benchmarking areas.
    KpiSpec(
        "management-fte",
        "Clusterteam (VTE)",
        "Cluster management team (FTE)",
        "Voltijdse equivalenten in het clusterteam (ESCA: structuur en management).",
        "Full-time equivalents in the cluster management team (ESCA: structure, management).",
        "FTE",
        "input",
        "economic",
        "decimal",
        "mean",
        "sum",
    ),
    KpiSpec(
        "services-events",
        "Evenementen en workshops",
        "Events and workshops",
        "Door de cluster georganiseerde evenementen, workshops en opleidingen (ESCA: diensten).",
        "Events, workshops and training organised by the cluster (ESCA: services).",
        "events",
        "activity",
        "diffusion",
        "integer",
    ),
    KpiSpec(
        "follower-participants",
        "Deelnemers uit innovatievolgers",
        "Participants from innovation followers",
        "Unieke bedrijven zonder eigen O&O die aan activiteiten deelnamen (ESCA: interactie).",
        "Unique firms without own R&D that joined activities (ESCA: interaction).",
        "firms",
        "outcome",
        "diffusion",
        "integer",
    ),
    # Cluster-specific, derived from the collaboration network of the cluster's projects
    # (clusterpact.landscape.kpis): the year the period ends.
    KpiSpec(
        "network-follower-reach",
        "Bereik van innovatievolgers",
        "Reach of innovation followers",
        "Aandeel van de deelnemers aan projecten van de cluster dat in eerdere jaren geen "
        "innovatieproject had, in het jaar waarin de periode eindigt.",
        "Share of the participants in the cluster's projects that had no innovation project in "
        "earlier years, in the year the period ends.",
        "%",
        "outcome",
        "diffusion",
        "decimal",
        "mean",
        "mean",
        max_value=PCT,
        required=False,
        derived="network_follower_reach",
    ),
    KpiSpec(
        "network-sme-share",
        "Aandeel kmo's in projecten",
        "SME share of project participants",
        "Kmo's als percentage van de deelnemers aan projecten van de cluster (met gekende "
        "grootteklasse), in het jaar waarin de periode eindigt.",
        "SMEs as a percentage of the participants in the cluster's projects (with a known size "
        "class), in the year the period ends.",
        "%",
        "output",
        "smes",
        "decimal",
        "mean",
        "mean",
        max_value=PCT,
        required=False,
        derived="network_sme_share",
    ),
    KpiSpec(
        "network-bridge-projects",
        "Projecten met andere clusters",
        "Projects bridging clusters",
        "Projecten van de cluster die ook bij minstens één andere cluster horen, in het jaar "
        "waarin de periode eindigt.",
        "The cluster's projects that also belong to at least one other cluster, in the year the "
        "period ends.",
        "projects",
        "output",
        "diffusion",
        "integer",
        "last",
        "sum",
        required=False,
        derived="network_bridge_projects",
    ),
    KpiSpec(
        "new-members",
        "Nieuwe leden",
        "New members",
        "Leden die in de periode toetraden.",
        "Members that joined in the period.",
        "members",
        "output",
        "smes",
        "integer",
    ),
    KpiSpec(
        "intercluster-projects",
        "Interclusterprojecten",
        "Intercluster projects",
        "Projecten met minstens één andere cluster.",
        "Projects with at least one other cluster.",
        "projects",
        "output",
        "innovation",
        "integer",
        required=False,
    ),
    KpiSpec(
        "international-agreements",
        "Internationale samenwerkingsakkoorden",
        "International cooperation agreements",
        "Akkoorden met buitenlandse clusters (ESCA: verwezenlijkingen en erkenning).",
        "Agreements with foreign clusters (ESCA: achievements and recognition).",
        "agreements",
        "output",
        "international",
        "integer",
        required=False,
    ),
    KpiSpec(
        "co2-avoided",
        "Vermeden CO2-uitstoot",
        "CO2 emissions avoided",
        "Door clusterprojecten vermeden uitstoot, in ton CO2-equivalent.",
        "Emissions avoided by cluster projects, in tonnes of CO2 equivalent.",
        "t CO2e",
        "impact",
        "societal",
        "decimal",
        required=False,
        priorities=("energy-climate",),
    ),
    KpiSpec(
        "circular-projects",
        "Circulaire projecten",
        "Circular-economy projects",
        "Projecten die materiaalkringlopen sluiten.",
        "Projects that close material loops.",
        "projects",
        "output",
        "societal",
        "integer",
        required=False,
        priorities=("circular-economy",),
    ),
)


@transaction.atomic
def load_default_catalogue() -> int:
    """Create version 1 of each default KPI that the catalogue lacks; returns the number created."""
    from .models import Kpi

    existing = set(Kpi.objects.values_list("code", flat=True))
    priorities = {p.code: p for p in TransitionPriority.objects.all()}
    created = 0
    for order, spec in enumerate(DEFAULT_CATALOGUE, start=1):
        if spec.code in existing:
            continue
        fields = {k: v for k, v in spec.__dict__.items() if k not in {"priorities"}}
        kpi = Kpi.objects.create(order=order, **fields)
        kpi.transition_priorities.set([priorities[c] for c in spec.priorities if c in priorities])
        created += 1
    return created
