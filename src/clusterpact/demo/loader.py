"""Load the demo landscape: real public facts plus a deterministic synthetic population.

Every synthetic record has ``is_synthetic=True``. The same seed gives the same
landscape on every machine, so screenshots, tests and documentation agree.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from decimal import Decimal
from typing import TextIO

from django.db import transaction

from clusterpact.accounts import audit
from clusterpact.accounts.models import Role, User
from clusterpact.registry.domain import derive_size_classes
from clusterpact.registry.models import (
    Cluster,
    FeeRate,
    HelixRole,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationYear,
    SizeClass,
    TransitionPriority,
)
from clusterpact.rules import enterprise_number, nace

from .landscape import OTHER_INITIATIVES, SPEARHEAD_CLUSTERS, SYNTHETIC_NETWORKS

SEED = 20240504  # the date VARIO approved the advice
DEMO_PASSWORD = "clusterpact-demo-2026"
FIRST_FIGURES_YEAR = 2017
LAST_FIGURES_YEAR = 2025

DEMO_ACCOUNTS = (
    ("admin", Role.ADMINISTRATOR, "Ann", "Admin", ()),
    ("officer", Role.OFFICER, "Olivier", "Officer", ()),
    ("manager", Role.CLUSTER_MANAGER, "Mieke", "Manager", ("catalisti", "flux50")),
    ("manager-food", Role.CLUSTER_MANAGER, "Frank", "Food", ("flanders-food",)),
    ("applicant", Role.APPLICANT, "Aya", "Applicant", ()),
    ("reviewer", Role.REVIEWER, "Ruben", "Reviewer", ()),
    ("evaluator", Role.EVALUATOR, "Eva", "Evaluator", ()),
)

# NUTS 3 regions of Flanders with a municipality each, for the synthetic addresses.
MUNICIPALITIES = (
    ("BE211", "Antwerpen"),
    ("BE212", "Mechelen"),
    ("BE213", "Turnhout"),
    ("BE221", "Hasselt"),
    ("BE222", "Genk"),
    ("BE223", "Tongeren"),
    ("BE231", "Aalst"),
    ("BE232", "Dendermonde"),
    ("BE233", "Eeklo"),
    ("BE234", "Gent"),
    ("BE235", "Oudenaarde"),
    ("BE236", "Sint-Niklaas"),
    ("BE241", "Halle"),
    ("BE242", "Leuven"),
    ("BE251", "Brugge"),
    ("BE252", "Diksmuide"),
    ("BE253", "Ieper"),
    ("BE254", "Kortrijk"),
    ("BE255", "Oostende"),
    ("BE256", "Roeselare"),
    ("BE257", "Tielt"),
    ("BE258", "Veurne"),
)
NAME_PARTS = (
    (
        "Aqua",
        "Bio",
        "Chem",
        "Data",
        "Eco",
        "Flex",
        "Geo",
        "Hydro",
        "Inno",
        "Juno",
        "Kine",
        "Lumi",
        "Medi",
        "Nano",
        "Opti",
        "Poly",
        "Quanta",
        "Robo",
        "Sol",
        "Terra",
        "Uni",
        "Vita",
        "Wave",
        "Xeno",
    ),
    (
        "tec",
        "mat",
        "gen",
        "log",
        "flow",
        "pack",
        "form",
        "line",
        "sense",
        "cure",
        "grid",
        "port",
        "farm",
        "fab",
        "lab",
        "soft",
        "cell",
        "metal",
        "fibre",
        "craft",
    ),
    ("NV", "BV", "BVBA", "CV", "NV", "BV"),
)
# (size class, headcount range, turnover per head in EUR) for synthetic companies.
COMPANY_PROFILES = (
    (SizeClass.MICRO, (1, 9), 150_000, 0.40),
    (SizeClass.SMALL, (10, 49), 180_000, 0.30),
    (SizeClass.MEDIUM, (50, 249), 200_000, 0.18),
    (SizeClass.LARGE, (250, 2500), 260_000, 0.12),
)
# Yearly fee by helix role and size class in a cluster with scale factor 1.
BASE_FEES = {
    (HelixRole.COMPANY, SizeClass.MICRO): 250,
    (HelixRole.COMPANY, SizeClass.SMALL): 600,
    (HelixRole.COMPANY, SizeClass.MEDIUM): 1_800,
    (HelixRole.COMPANY, SizeClass.LARGE): 6_000,
    (HelixRole.KNOWLEDGE, ""): 2_500,
    (HelixRole.GOVERNMENT, ""): 0,
    (HelixRole.CIVIL_SOCIETY, ""): 150,
}
KNOWLEDGE_INSTITUTIONS = (
    ("KU Leuven", OrganisationKind.UNIVERSITY),
    ("Universiteit Gent", OrganisationKind.UNIVERSITY),
    ("Universiteit Antwerpen", OrganisationKind.UNIVERSITY),
    ("Vrije Universiteit Brussel", OrganisationKind.UNIVERSITY),
    ("Universiteit Hasselt", OrganisationKind.UNIVERSITY),
    ("imec", OrganisationKind.STRATEGIC_RESEARCH_CENTRE),
    ("VITO", OrganisationKind.STRATEGIC_RESEARCH_CENTRE),
    ("Flanders Make", OrganisationKind.STRATEGIC_RESEARCH_CENTRE),
    ("VIB", OrganisationKind.STRATEGIC_RESEARCH_CENTRE),
    ("Sirris", OrganisationKind.COLLECTIVE_CENTRE),
    ("Buildwise", OrganisationKind.COLLECTIVE_CENTRE),
    ("Centexbel", OrganisationKind.COLLECTIVE_CENTRE),
    ("ILVO", OrganisationKind.RESEARCH_INSTITUTE),
    ("Howest", OrganisationKind.UNIVERSITY_COLLEGE),
    ("Thomas More", OrganisationKind.UNIVERSITY_COLLEGE),
    ("Hogeschool Gent", OrganisationKind.UNIVERSITY_COLLEGE),
)
GOVERNMENT_BODIES = (
    ("Departement Mobiliteit en Openbare Werken", OrganisationKind.GOVERNMENT_DEPARTMENT),
    ("Flanders Investment & Trade", OrganisationKind.GOVERNMENT_DEPARTMENT),
    ("Departement Omgeving", OrganisationKind.GOVERNMENT_DEPARTMENT),
    ("Stad Gent", OrganisationKind.LOCAL_AUTHORITY),
    ("Stad Antwerpen", OrganisationKind.LOCAL_AUTHORITY),
    ("Provincie West-Vlaanderen", OrganisationKind.LOCAL_AUTHORITY),
)
SECTOR_FEDERATIONS = ("essenscia vlaanderen", "Fevia Vlaanderen", "Agoria Vlaanderen", "Voka")
CIVIL_SOCIETY = (
    "Bond Beter Leefmilieu (demo)",
    "Test Aankoop (demo)",
    "Samenlevingsopbouw (demo)",
    "Patiëntenplatform (demo)",
    "Burgercoöperatie Energie (demo)",
    "Natuurpunt (demo)",
)


def demo_is_loaded() -> bool:
    return Cluster.objects.filter(slug=SPEARHEAD_CLUSTERS[0].slug).exists()


class _Numbers:
    """Valid, unique enterprise numbers for synthetic records."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def next(self) -> str:
        while True:
            # Leading digit 0 and eight digits: the form of numbers issued before 2023.
            first_eight = self.rng.randrange(4_000_000, 9_999_999)
            candidate = f"{first_eight:08d}{enterprise_number.check_digits(first_eight):02d}"
            if candidate not in self.used:
                self.used.add(candidate)
                return enterprise_number.normalise(candidate)


def _classes_in(division: str) -> list[str]:
    table = nace._table()
    return sorted(
        code
        for code, entry in table.items()
        if entry.level == 4 and code.startswith(division + ".")
    )


def _company_years(
    rng: random.Random, founded: int
) -> tuple[list[tuple[int, Decimal, Decimal, Decimal]], SizeClass]:
    size, (low, high), per_head, _share = rng.choices(
        COMPANY_PROFILES, weights=[profile[3] for profile in COMPANY_PROFILES]
    )[0]
    headcount = rng.randint(low, high)
    rows = []
    for year in range(max(founded, FIRST_FIGURES_YEAR), LAST_FIGURES_YEAR + 1):
        headcount = max(1, round(headcount * rng.uniform(0.92, 1.12)))
        turnover = Decimal(round(headcount * per_head * rng.uniform(0.7, 1.3), -3))
        balance = Decimal(round(float(turnover) * rng.uniform(0.5, 1.1), -3))
        rows.append((year, Decimal(headcount), turnover, balance))
    return rows, size


@transaction.atomic
def load_demo(stdout: TextIO = sys.stdout) -> None:
    """Create the demo landscape and one account per role; does nothing if it is already there."""
    if demo_is_loaded():
        stdout.write("The demo landscape is already loaded.\n")
        _load_module_demos(stdout)
        return
    rng = random.Random(SEED)
    numbers = _Numbers(rng)
    priorities = {p.code: p for p in TransitionPriority.objects.all()}
    with audit.acting_as(None, label="demo loader", reason="demo landscape"):
        facts = SPEARHEAD_CLUSTERS + OTHER_INITIATIVES + SYNTHETIC_NETWORKS
        organisations: list[Organisation] = []
        figures: dict[int, list] = {}

        def organisation(**fields) -> Organisation:
            nuts, town = rng.choice(MUNICIPALITIES)
            fields.setdefault("nuts_code", nuts)
            fields.setdefault("municipality", town)
            fields.setdefault("is_synthetic", True)
            org = Organisation(**fields)
            org.derive_nace_section()
            organisations.append(org)
            return org

        cluster_orgs = {
            fact.slug: organisation(
                name=f"{fact.name} vzw"
                if fact.kind == "spearhead"
                else f"{fact.name} (clusterorganisatie)",
                helix_role=HelixRole.CIVIL_SOCIETY,
                kind=OrganisationKind.CLUSTER_ORGANISATION,
                nace_code="94.12",
                founding_year=fact.start_year - 1 if fact.start_year else None,
                # Real cluster organisations: their name is public, their enterprise number is left blank.
                is_synthetic=fact not in SPEARHEAD_CLUSTERS,
            )
            for fact in facts
            if fact.status != "proposed"
        }
        knowledge = [
            organisation(
                name=name,
                helix_role=HelixRole.KNOWLEDGE,
                kind=kind,
                nace_code="72.10",
                enterprise_number=numbers.next(),
            )
            for name, kind in KNOWLEDGE_INSTITUTIONS
        ]
        governments = [
            organisation(
                name=name,
                helix_role=HelixRole.GOVERNMENT,
                kind=kind,
                nace_code="84.13",
                enterprise_number=numbers.next(),
                publicly_controlled=True,
            )
            for name, kind in GOVERNMENT_BODIES
        ]
        federations = [
            organisation(
                name=name,
                helix_role=HelixRole.CIVIL_SOCIETY,
                kind=OrganisationKind.SECTOR_FEDERATION,
                nace_code="94.11",
                enterprise_number=numbers.next(),
            )
            for name in SECTOR_FEDERATIONS
        ]
        civil = [
            organisation(
                name=name,
                helix_role=HelixRole.CIVIL_SOCIETY,
                kind=OrganisationKind.CIVIL_SOCIETY,
                nace_code="94.99",
                enterprise_number=numbers.next(),
            )
            for name in CIVIL_SOCIETY
        ]
        companies_by_cluster: dict[str, list[Organisation]] = {}
        names_used: set[str] = set()
        for fact in facts:
            classes = [code for division in fact.nace_divisions for code in _classes_in(division)]
            companies = []
            for _ in range(fact.members):
                a, b, c = (rng.choice(part) for part in NAME_PARTS)
                name = f"{a}{b} {c}"
                if name in names_used:
                    # The syllables give about 1,900 names; a number keeps later ones distinct.
                    name = f"{a}{b} {len(names_used)} {c}"
                names_used.add(name)
                founded = (
                    rng.choice(range(1960, LAST_FIGURES_YEAR + 1))
                    if rng.random() < 0.8
                    else rng.randint(2019, 2025)
                )
                company = organisation(
                    name=name,
                    helix_role=HelixRole.COMPANY,
                    kind=OrganisationKind.COMPANY,
                    nace_code=rng.choice(classes),
                    enterprise_number=numbers.next(),
                    founding_year=founded,
                )
                figures[id(company)] = _company_years(rng, founded)[0]
                companies.append(company)
            companies_by_cluster[fact.slug] = companies

        Organisation.objects.bulk_create(organisations, batch_size=1000)
        audit.record_created(organisations)
        years = [
            OrganisationYear(organisation=org, year=y, headcount=h, turnover=t, balance_sheet=b)
            for org in organisations
            for (y, h, t, b) in figures.get(id(org), ())
        ]
        OrganisationYear.objects.bulk_create(years, batch_size=2000)
        derive_size_classes(o for o in organisations if id(o) in figures)

        clusters, memberships, rates = [], [], []
        for fact in facts:
            cluster = Cluster.objects.create(
                slug=fact.slug,
                name=fact.name,
                kind=fact.kind,
                domain_description=fact.domain_nl,
                cluster_organisation=cluster_orgs.get(fact.slug),
                support_start=dt.date(fact.start_year, 1, 1) if fact.start_year else None,
                status=fact.status,
                nuts_code="BE2",
                is_synthetic=fact in SYNTHETIC_NETWORKS,
            )
            cluster.transition_priorities.set([priorities[code] for code in fact.priorities])
            clusters.append(cluster)
            first_year = fact.start_year or 2024
            last_day = dt.date(LAST_FIGURES_YEAR + 1, 6, 30)
            others = rng.sample(knowledge, k=min(len(knowledge), rng.randint(3, 8)))
            others += rng.sample(governments, k=rng.randint(1, 3)) + rng.sample(
                federations, k=rng.randint(0, 2)
            )
            if fact.kind == "spearhead":
                others += rng.sample(civil, k=rng.randint(1, 3))
            for member in companies_by_cluster[fact.slug] + others:
                start = dt.date(first_year, 1, 1) + dt.timedelta(
                    days=rng.randrange(0, max((last_day - dt.date(first_year, 1, 1)).days, 1))
                )
                end = None
                if fact.status == "ended":
                    end = (
                        dt.date(first_year + 3, 12, 31)
                        if start <= dt.date(first_year + 3, 12, 31)
                        else start
                    )
                elif rng.random() < 0.12:
                    end = start + dt.timedelta(days=rng.randint(365, 1500))
                    end = end if end < dt.date(LAST_FIGURES_YEAR + 1, 11, 1) else None
                memberships.append(
                    Membership(
                        organisation=member,
                        cluster=cluster,
                        start=start,
                        end=end,
                        is_synthetic=True,
                    )
                )
            scale = Decimal(1) if fact.kind == "spearhead" else Decimal("0.4")
            for year in range(first_year, LAST_FIGURES_YEAR + 2):
                indexation = Decimal("1.02") ** (year - first_year)
                for (role, size), base in BASE_FEES.items():
                    amount = (Decimal(base) * scale * indexation).quantize(Decimal("1"))
                    rates.append(
                        FeeRate(
                            cluster=cluster,
                            year=year,
                            helix_role=role,
                            size_class=size,
                            amount=amount,
                        )
                    )
        # Some companies join a second spearhead cluster: the bridges that intercluster work builds on.
        spearheads = [c for c in clusters if c.kind == "spearhead"]
        for cluster in spearheads:
            for company in rng.sample(
                companies_by_cluster[cluster.slug], k=len(companies_by_cluster[cluster.slug]) // 12
            ):
                other = rng.choice([c for c in spearheads if c is not cluster])
                start_year = max(other.support_start.year, 2019)
                start = dt.date(start_year, 1, 1) + dt.timedelta(
                    days=rng.randrange(0, 365 * (LAST_FIGURES_YEAR - start_year + 1))
                )
                memberships.append(
                    Membership(organisation=company, cluster=other, start=start, is_synthetic=True)
                )
        Membership.objects.bulk_create(memberships, batch_size=2000)
        audit.record_created(memberships)
        FeeRate.objects.bulk_create(rates, batch_size=2000)
        audit.record_created(rates)

        by_slug = {c.slug: c for c in clusters}
        for username, role, first, last, managed in DEMO_ACCOUNTS:
            user = User(
                username=username,
                role=role,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.clusterpact.invalid",
                is_staff=role == Role.ADMINISTRATOR,
                is_superuser=role == Role.ADMINISTRATOR,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.managed_clusters.set([by_slug[s] for s in managed])
    stdout.write(
        f"Demo landscape loaded: {len(clusters)} clusters, {len(organisations)} organisations, "
        f"{len(memberships)} memberships (synthetic records are marked).\n"
    )
    _load_module_demos(stdout)


def _load_module_demos(stdout: TextIO) -> None:
    """Each module's demo on top of the landscape; every one is idempotent, so a rerun adds
    what a newer version brings. The order is the data flow: funding before the pacts' reports
    (their cofinancing ratio) and before the network, calls and scenarios that read projects."""
    from clusterpact.calls.demo import load_demo_calls
    from clusterpact.evaluation.demo import load_demo_panel
    from clusterpact.funding.demo import load_demo_funding
    from clusterpact.landscape.demo import load_demo_landscape
    from clusterpact.pacts.demo import load_demo_pacts
    from clusterpact.scenarios.demo import load_demo_scenarios

    for load in (
        load_demo_panel,
        load_demo_funding,
        load_demo_pacts,
        load_demo_landscape,
        load_demo_calls,
        load_demo_scenarios,
    ):
        load(stdout)


def print_demo_accounts(stdout: TextIO = sys.stdout) -> None:
    stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):\n")
    for username, role, _first, _last, managed in DEMO_ACCOUNTS:
        scope = f" – clusters: {', '.join(managed)}" if managed else ""
        stdout.write(f"  {username:<13} {role.label}{scope}\n")
    stdout.write("\n")
