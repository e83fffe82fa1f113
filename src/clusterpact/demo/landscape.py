"""The public facts of the demo landscape: Flanders' spearhead clusters and named initiatives.

Sources: VLAIO's list of spearhead clusters (name, domain, start year) and the
VARIO advice of May 2024, which names EdTech, Flanders Space 2.0 and Slimme
Regio Vlaanderen as initiatives started outside a call, and a possible
entertainment-technology cluster. Only the start year is public: support starts
on 1 January of that year in the demo. Transition-priority tags, member
populations and fees are synthetic and marked so.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClusterFact:
    slug: str
    name: str
    kind: str
    domain_nl: str
    start_year: int | None
    status: str
    priorities: tuple[str, ...]
    nace_divisions: tuple[str, ...]  # where the synthetic member companies come from
    members: int  # size of the synthetic member population


SPEARHEAD_CLUSTERS = (
    ClusterFact(
        "catalisti",
        "Catalisti",
        "spearhead",
        "Duurzame chemie en kunststoffen",
        2017,
        "active",
        ("circular-economy", "energy-climate"),
        ("20", "22", "21", "72"),
        320,
    ),
    ClusterFact(
        "flanders-food",
        "Flanders' FOOD",
        "spearhead",
        "Agrovoeding",
        2017,
        "active",
        ("circular-economy", "living-together"),
        ("10", "11", "01", "46"),
        380,
    ),
    ClusterFact(
        "flux50",
        "Flux50",
        "spearhead",
        "Energie",
        2017,
        "active",
        ("energy-climate", "industry-4-0"),
        ("35", "27", "43", "71"),
        260,
    ),
    ClusterFact(
        "sim",
        "SIM",
        "spearhead",
        "Materialen",
        2017,
        "active",
        ("industry-4-0", "circular-economy"),
        ("24", "25", "22", "23"),
        220,
    ),
    ClusterFact(
        "vil",
        "VIL",
        "spearhead",
        "Logistiek",
        2017,
        "active",
        ("mobility", "industry-4-0"),
        ("49", "52", "50", "46"),
        300,
    ),
    ClusterFact(
        "de-blauwe-cluster",
        "De Blauwe Cluster",
        "spearhead",
        "Blauwe (maritieme) economie",
        2018,
        "active",
        ("energy-climate", "environment-future"),
        ("50", "30", "42", "03"),
        200,
    ),
    ClusterFact(
        "medvia",
        "MEDVIA",
        "spearhead",
        "Gezondheidstechnologie",
        2021,
        "active",
        ("living-together", "living-learning-working"),
        ("21", "26", "32", "86"),
        180,
    ),
)

# Initiatives named in the seed; their start years are not public, so the demo's are synthetic.
OTHER_INITIATIVES = (
    ClusterFact(
        "edtech",
        "EdTech",
        "business_network",
        "Onderwijstechnologie",
        2020,
        "active",
        ("living-learning-working",),
        ("62", "85", "58"),
        45,
    ),
    ClusterFact(
        "flanders-space",
        "Flanders Space 2.0",
        "business_network",
        "Ruimtevaarttechnologie",
        2021,
        "active",
        ("industry-4-0",),
        ("30", "26", "71"),
        40,
    ),
    ClusterFact(
        "slimme-regio",
        "Slimme Regio Vlaanderen",
        "business_network",
        "Slimme steden en regio's, data en digitale dienstverlening",
        2021,
        "active",
        ("mobility", "environment-future"),
        ("62", "63", "71"),
        35,
    ),
    ClusterFact(
        "entertainment-tech",
        "Entertainmenttechnologie",
        "project_based",
        "Entertainmenttechnologie (mogelijke nieuwe speerpuntcluster)",
        None,
        "proposed",
        ("living-together",),
        ("59", "62", "90"),
        12,
    ),
)

# Synthetic innovative business networks, clearly named as demo records.
SYNTHETIC_NETWORKS = (
    ClusterFact(
        "ibn-bouw-demo",
        "IBN Circulair Bouwen (demo)",
        "business_network",
        "Circulair bouwen en renovatie (synthetisch demonetwerk)",
        2018,
        "ended",
        ("circular-economy", "environment-future"),
        ("41", "43", "23"),
        30,
    ),
    ClusterFact(
        "ibn-agritech-demo",
        "IBN Precisielandbouw (demo)",
        "business_network",
        "Precisielandbouw en sensoren (synthetisch demonetwerk)",
        2019,
        "active",
        ("industry-4-0", "environment-future"),
        ("01", "28", "26"),
        28,
    ),
)
