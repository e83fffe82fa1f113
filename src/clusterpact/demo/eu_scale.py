"""A deterministic synthetic EU landscape at the scale the product is designed for.

DESIGN.md (Scale) sizes the registry for the EU: 1,500 cluster organisations
and 150,000 members. :func:`generate_eu_scale` fills a database with such a
landscape so the pages can be measured at that size (``benchmarks/bench_pages.py``):
clusters across NUTS regions of thirteen member states, each operated by a
cluster organisation; organisations of every helix role with size classes,
NACE Rev. 2.1 classes and valid identifiers (Belgian enterprise numbers with
correct check digits, national register numbers elsewhere); memberships with
a long-tailed cluster size; three years of figures for companies; and ten years
of fee schedules per cluster. Every record has ``is_synthetic=True``.

The audit trail is skipped on purpose: this is benchmark data, not a history of
anyone's changes, and 600,000 audit entries would only slow the load and skew
the audit table. For the same reason rows are written in bulk (``COPY`` on
PostgreSQL, ``bulk_create`` elsewhere), bypassing ``save()`` and its signals;
derived fields (NACE section, size classes) are computed here instead.

The same arguments and seed give the same rows on every machine
(:func:`plan` is pure). Load it into a registry without an earlier EU-scale
landscape; the ids continue after the rows already there.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from clusterpact.demo.loader import NAME_PARTS
from clusterpact.registry.models import (
    Cluster,
    ClusterKind,
    ClusterStatus,
    FeeRate,
    HelixRole,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationYear,
    SizeClass,
    TransitionPriority,
)
from clusterpact.rules import enterprise_number, nace, sme

SEED = 20_260_101
CLUSTERS = 1_500
ORGANISATIONS = 150_000
MEMBERSHIPS = 300_000
SLUG_PREFIX = "eu-"
FIGURES_YEARS = (2022, 2023, 2024)
FEE_YEARS = tuple(range(2017, 2027))
LAST_START = dt.date(2025, 12, 31)

# Member state → weight (share of clusters and organisations) and NUTS 2 regions with a main town.
COUNTRIES: dict[str, tuple[int, tuple[tuple[str, str, str], ...]]] = {
    "BE": (
        10,
        (
            ("BE10", "Brussels", "Brussel"),
            ("BE21", "Antwerpen", "Antwerpen"),
            ("BE22", "Limburg", "Hasselt"),
            ("BE23", "Oost-Vlaanderen", "Gent"),
            ("BE24", "Vlaams-Brabant", "Leuven"),
            ("BE25", "West-Vlaanderen", "Kortrijk"),
            ("BE32", "Hainaut", "Charleroi"),
            ("BE33", "Liège", "Liège"),
        ),
    ),
    "NL": (
        9,
        (
            ("NL11", "Groningen", "Groningen"),
            ("NL22", "Gelderland", "Arnhem"),
            ("NL31", "Utrecht", "Utrecht"),
            ("NL32", "Noord-Holland", "Amsterdam"),
            ("NL33", "Zuid-Holland", "Rotterdam"),
            ("NL41", "Noord-Brabant", "Eindhoven"),
        ),
    ),
    "DE": (
        18,
        (
            ("DE11", "Stuttgart", "Stuttgart"),
            ("DE12", "Karlsruhe", "Karlsruhe"),
            ("DE21", "Oberbayern", "München"),
            ("DE30", "Berlin", "Berlin"),
            ("DE60", "Hamburg", "Hamburg"),
            ("DEA1", "Düsseldorf", "Düsseldorf"),
            ("DEA2", "Köln", "Aachen"),
            ("DED2", "Dresden", "Dresden"),
            ("DE71", "Darmstadt", "Frankfurt am Main"),
        ),
    ),
    "FR": (
        15,
        (
            ("FR10", "Ile-de-France", "Paris"),
            ("FRK2", "Rhône-Alpes", "Lyon"),
            ("FRL0", "Provence-Alpes-Côte d'Azur", "Marseille"),
            ("FRI1", "Aquitaine", "Bordeaux"),
            ("FRJ2", "Midi-Pyrénées", "Toulouse"),
            ("FRE1", "Nord-Pas-de-Calais", "Lille"),
            ("FRG0", "Pays de la Loire", "Nantes"),
        ),
    ),
    "IT": (
        12,
        (
            ("ITC4", "Lombardia", "Milano"),
            ("ITC1", "Piemonte", "Torino"),
            ("ITH3", "Veneto", "Padova"),
            ("ITH5", "Emilia-Romagna", "Bologna"),
            ("ITI1", "Toscana", "Firenze"),
            ("ITI4", "Lazio", "Roma"),
        ),
    ),
    "ES": (
        10,
        (
            ("ES30", "Comunidad de Madrid", "Madrid"),
            ("ES51", "Cataluña", "Barcelona"),
            ("ES21", "País Vasco", "Bilbao"),
            ("ES52", "Comunitat Valenciana", "València"),
            ("ES61", "Andalucía", "Sevilla"),
        ),
    ),
    "PL": (
        7,
        (
            ("PL91", "Warszawski stołeczny", "Warszawa"),
            ("PL21", "Małopolskie", "Kraków"),
            ("PL22", "Śląskie", "Katowice"),
            ("PL51", "Dolnośląskie", "Wrocław"),
        ),
    ),
    "SE": (
        4,
        (("SE11", "Stockholm", "Stockholm"), ("SE23", "Västsverige", "Göteborg")),
    ),
    "AT": (
        4,
        (
            ("AT13", "Wien", "Wien"),
            ("AT22", "Steiermark", "Graz"),
            ("AT31", "Oberösterreich", "Linz"),
        ),
    ),
    "DK": (3, (("DK01", "Hovedstaden", "København"), ("DK04", "Midtjylland", "Aarhus"))),
    "FI": (3, (("FI1B", "Helsinki-Uusimaa", "Helsinki"), ("FI19", "Länsi-Suomi", "Tampere"))),
    "CZ": (3, (("CZ01", "Praha", "Praha"), ("CZ06", "Jihovýchod", "Brno"))),
    "PT": (2, (("PT17", "Lisboa", "Lisboa"), ("PT11", "Norte", "Porto"))),
}
LEGAL_FORMS = {
    "BE": ("NV", "BV", "SRL", "SA"),
    "NL": ("B.V.", "N.V."),
    "DE": ("GmbH", "AG", "GmbH & Co. KG"),
    "FR": ("SAS", "SA", "SARL"),
    "IT": ("S.r.l.", "S.p.A."),
    "ES": ("S.L.", "S.A."),
    "PL": ("sp. z o.o.", "S.A."),
    "SE": ("AB",),
    "AT": ("GmbH", "AG"),
    "DK": ("A/S", "ApS"),
    "FI": ("Oy", "Oyj"),
    "CZ": ("s.r.o.", "a.s."),
    "PT": ("Lda", "S.A."),
}
# National register numbers: (prefix, digits). Distinct per country, as the unique constraint asks.
REGISTER_FORMATS = {
    "NL": ("", 8),
    "DE": ("HRB ", 6),
    "FR": ("", 9),
    "IT": ("", 11),
    "ES": ("B", 8),
    "PL": ("", 10),
    "SE": ("556", 7),
    "AT": ("FN ", 6),
    "DK": ("", 8),
    "FI": ("", 8),
    "CZ": ("", 8),
    "PT": ("5", 8),
}
# The same syllables as the Flemish demo's synthetic companies.
PREFIXES, SUFFIXES = NAME_PARTS[0], NAME_PARTS[1]
NOUNS = [
    "Systems",
    "Solutions",
    "Labs",
    "Industries",
    "Technologies",
    "Group",
    "Works",
    "Dynamics",
    "Partners",
    "Engineering",
    "Materials",
    "Robotics",
    "Analytics",
    "Energy",
    "Foods",
    "Devices",
]
THEMES = (
    "Hydrogen Valley",
    "Photonics",
    "Smart Manufacturing",
    "Circular Plastics",
    "Agri-Food",
    "Blue Economy",
    "Life Sciences",
    "Medtech",
    "Battery",
    "Offshore Wind",
    "Space",
    "Cybersecurity",
    "Artificial Intelligence",
    "Mobility",
    "Logistics",
    "Textiles",
    "Wood and Furniture",
    "Creative Industries",
    "Construction",
    "Water Technology",
    "Microelectronics",
    "Chemistry",
    "Aerospace",
    "Tourism",
    "Digital Health",
    "Quantum",
    "Packaging",
    "Advanced Materials",
    "Cleantech",
    "Fintech",
)
# (size class, headcount range, turnover per head) for companies; weights below.
COMPANY_PROFILES = (
    (SizeClass.MICRO, (1, 9), 150_000),
    (SizeClass.SMALL, (10, 49), 180_000),
    (SizeClass.MEDIUM, (50, 249), 170_000),
    (SizeClass.LARGE, (250, 5_000), 260_000),
)
COMPANY_WEIGHTS = (0.45, 0.30, 0.15, 0.10)
HELIX_WEIGHTS = (
    (HelixRole.COMPANY, 0.80),
    (HelixRole.KNOWLEDGE, 0.08),
    (HelixRole.GOVERNMENT, 0.05),
    (HelixRole.CIVIL_SOCIETY, 0.07),
)
NON_COMPANIES = {
    HelixRole.KNOWLEDGE: (
        (OrganisationKind.UNIVERSITY, "University", "85.40"),
        (OrganisationKind.RESEARCH_INSTITUTE, "Research Institute", "72.10"),
        (OrganisationKind.COLLECTIVE_CENTRE, "Technology Centre", "72.10"),
    ),
    HelixRole.GOVERNMENT: (
        (OrganisationKind.LOCAL_AUTHORITY, "City of", "84.11"),
        (OrganisationKind.GOVERNMENT_DEPARTMENT, "Regional Agency", "84.13"),
    ),
    HelixRole.CIVIL_SOCIETY: (
        (OrganisationKind.SECTOR_FEDERATION, "Federation", "94.11"),
        (OrganisationKind.CIVIL_SOCIETY, "Association", "94.99"),
    ),
}
# Yearly fee by helix role and size class, as in the Flemish demo.
BASE_FEES = {
    (HelixRole.COMPANY, SizeClass.MICRO): 250,
    (HelixRole.COMPANY, SizeClass.SMALL): 600,
    (HelixRole.COMPANY, SizeClass.MEDIUM): 1_800,
    (HelixRole.COMPANY, SizeClass.LARGE): 6_000,
    (HelixRole.KNOWLEDGE, ""): 2_500,
    (HelixRole.GOVERNMENT, ""): 0,
    (HelixRole.CIVIL_SOCIETY, ""): 150,
}

ORGANISATION_FIELDS = (
    "id",
    "name",
    "country",
    "enterprise_number",
    "foreign_identifier",
    "helix_role",
    "kind",
    "nace_code",
    "nace_section",
    "nuts_code",
    "municipality",
    "founding_year",
    "size_class",
    "publicly_controlled",
    "is_synthetic",
    "created_at",
    "updated_at",
)
YEAR_FIELDS = (
    "organisation_id",
    "year",
    "headcount",
    "turnover",
    "balance_sheet",
    "size_class",
)
CLUSTER_FIELDS = (
    "id",
    "name",
    "slug",
    "kind",
    "domain_description",
    "cluster_organisation_id",
    "support_start",
    "status",
    "nuts_code",
    "is_published",
    "is_synthetic",
    "created_at",
    "updated_at",
)
PRIORITY_FIELDS = ("cluster_id", "transitionpriority_id")
MEMBERSHIP_FIELDS = ("organisation_id", "cluster_id", "start", "end", "is_synthetic")
FEE_FIELDS = ("cluster_id", "year", "helix_role", "size_class", "amount")


@dataclass
class Landscape:
    """The rows to write, as tuples in the order of the ``*_FIELDS`` constants."""

    organisations: list[tuple] = field(default_factory=list)
    years: list[tuple] = field(default_factory=list)
    clusters: list[tuple] = field(default_factory=list)
    priorities: list[tuple] = field(default_factory=list)
    memberships: list[tuple] = field(default_factory=list)
    fee_rates: list[tuple] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in vars(self).items()}


def _level4_codes() -> list[tuple[str, str]]:
    table = nace._table()
    return sorted((code, e.section) for code, e in table.items() if e.level == 4)


def _cluster_sizes(rng: random.Random, clusters: int, memberships: int, cap: int) -> list[int]:
    """Long-tailed sizes summing to ``memberships``: the largest near 1,000 at EU scale, median ~180."""
    weights = [math.exp(rng.gauss(0.0, 0.6)) for _ in range(clusters)]
    total = sum(weights)
    sizes = [min(cap, max(1, int(memberships * w / total))) for w in weights]
    shortfall = memberships - sum(sizes)
    order = sorted(range(clusters), key=lambda i: -weights[i])
    i = 0
    while shortfall > 0 and any(s < cap for s in sizes):
        k = order[i % clusters]
        if sizes[k] < cap:
            sizes[k] += 1
            shortfall -= 1
        i += 1
    while shortfall < 0:
        k = order[i % clusters]
        if sizes[k] > 1:
            sizes[k] -= 1
            shortfall += 1
        i += 1
    return sizes


def _company_figures(rng: random.Random, founded: int) -> tuple[list[tuple], str]:
    size, (low, high), per_head = rng.choices(COMPANY_PROFILES, weights=COMPANY_WEIGHTS)[0]
    headcount = rng.randint(low, high)
    rows, figures = [], []
    for year in FIGURES_YEARS:
        if year < founded:
            continue
        headcount = max(1, round(headcount * rng.uniform(0.95, 1.06)))
        turnover = Decimal(round(headcount * per_head * rng.uniform(0.8, 1.2), -3))
        balance = Decimal(round(float(turnover) * rng.uniform(0.5, 0.9), -3))
        rows.append([year, Decimal(headcount), turnover, balance])
        figures.append(sme.YearFigures(year, headcount, turnover, balance))
    history = sme.size_class_history(figures)
    for row in rows:
        row.append(SizeClass.from_rule(history[row[0]]).value)
    current = SizeClass.from_rule(history[max(history)]).value if history else ""
    return [tuple(r) for r in rows], current


def plan(
    *,
    clusters: int = CLUSTERS,
    organisations: int = ORGANISATIONS,
    memberships: int = MEMBERSHIPS,
    seed: int = SEED,
    first_organisation_id: int = 1,
    first_cluster_id: int = 1,
    priority_ids: tuple[int, ...] = (),
    now: dt.datetime | None = None,
) -> Landscape:
    """The landscape's rows, without touching the database: same arguments, same rows.

    The first ``clusters`` organisations are the cluster organisations. Memberships
    stay mostly in the cluster's own country (85 %), and each cluster has at most
    one membership per organisation, so ``memberships`` may not exceed
    ``clusters × organisations``.
    """
    if clusters < 1 or organisations < clusters:
        raise ValueError("need at least one cluster and one organisation per cluster")
    if memberships > clusters * organisations:
        raise ValueError("more memberships than cluster-organisation pairs")
    rng = random.Random(seed)
    now = now or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    codes = _level4_codes()
    countries = list(COUNTRIES)
    country_weights = [COUNTRIES[c][0] for c in countries]
    sections = {code: section for code, section in codes}
    land = Landscape()

    # Identifiers: one draw without replacement per country keeps them unique.
    country_of = [rng.choices(countries, weights=country_weights)[0] for _ in range(organisations)]
    per_country = {c: country_of.count(c) for c in countries}
    # Enterprise numbers starting with 1 (issued since 2023): disjoint from the Flemish demo's 0-prefixed ones.
    be_numbers = iter(rng.sample(range(10_000_000, 20_000_000), per_country["BE"]))
    register = {
        c: iter(rng.sample(range(10 ** (digits - 1), 10**digits), per_country[c]))
        for c, (_prefix, digits) in REGISTER_FORMATS.items()
    }
    pools: dict[str, list[int]] = {c: [] for c in countries}
    cluster_homes = []

    for index in range(organisations):
        org_id = first_organisation_id + index
        country = country_of[index]
        nuts, region, town = rng.choice(COUNTRIES[country][1])
        if country == "BE":
            first_eight = next(be_numbers)
            number = f"{first_eight:08d}{enterprise_number.check_digits(first_eight):02d}"
            foreign = ""
        else:
            prefix, digits = REGISTER_FORMATS[country]
            number = ""
            foreign = f"{prefix}{next(register[country]):0{digits}d}"
        founded = rng.randint(2020, 2025) if rng.random() < 0.15 else rng.randint(1950, 2019)
        size, public = "", False
        if index < clusters:
            role, kind, nace_code = (
                HelixRole.CIVIL_SOCIETY,
                OrganisationKind.CLUSTER_ORGANISATION,
                "94.12",
            )
            theme = THEMES[index % len(THEMES)]
            name = f"{theme} {region} Cluster Organisation {index + 1:04d}"
            cluster_homes.append((org_id, country, nuts, region, theme))
        else:
            role = rng.choices(
                [r for r, _ in HELIX_WEIGHTS], weights=[w for _, w in HELIX_WEIGHTS]
            )[0]
            if role == HelixRole.COMPANY:
                kind = OrganisationKind.COMPANY
                nace_code = rng.choice(codes)[0]
                name = (
                    f"{rng.choice(PREFIXES)}{rng.choice(SUFFIXES)} {rng.choice(NOUNS)} "
                    f"{town} {rng.choice(LEGAL_FORMS[country])}"
                )
                rows, size = _company_figures(rng, founded)
                land.years.extend((org_id, *row) for row in rows)
            else:
                kind, label, nace_code = rng.choice(NON_COMPANIES[role])
                public = role == HelixRole.GOVERNMENT
                name = f"{label} {town} {rng.choice(PREFIXES)}{rng.choice(SUFFIXES)} {index:06d}"
            pools[country].append(org_id)
        land.organisations.append(
            (
                org_id,
                name,
                country,
                number,
                foreign,
                role.value,
                kind.value,
                nace_code,
                sections[nace_code],
                nuts,
                town,
                founded,
                size,
                public,
                True,
                now,
                now,
            )
        )

    everyone = [oid for c in countries for oid in pools[c]] or [
        first_organisation_id + i for i in range(organisations)
    ]
    sizes = _cluster_sizes(rng, clusters, memberships, cap=len(everyone))
    kinds = [ClusterKind.SPEARHEAD, ClusterKind.BUSINESS_NETWORK, ClusterKind.PROJECT_BASED]
    for index, (operator_id, country, nuts, region, theme) in enumerate(cluster_homes):
        cluster_id = first_cluster_id + index
        name = f"{theme} {region} {index + 1:04d}"
        start_year = rng.randint(2012, 2024)
        status = rng.choices(
            [ClusterStatus.ACTIVE, ClusterStatus.ENDED, ClusterStatus.PROPOSED],
            weights=[0.85, 0.10, 0.05],
        )[0]
        land.clusters.append(
            (
                cluster_id,
                name,
                f"{SLUG_PREFIX}{index + 1:04d}-{slugify(name)}"[:80],
                rng.choices(kinds, weights=[0.2, 0.6, 0.2])[0].value,
                f"{theme} in {region} ({country}): synthetic cluster for the EU-scale benchmark.",
                operator_id,
                dt.date(start_year, 1, 1),
                status.value,
                nuts,
                True,
                True,
                now,
                now,
            )
        )
        land.priorities.extend(
            (cluster_id, pid)
            for pid in sorted(rng.sample(priority_ids, k=min(len(priority_ids), rng.randint(1, 3))))
        )

        wanted = sizes[index]
        home = pools[country]
        chosen = rng.sample(home, k=min(len(home), round(wanted * 0.85)))
        taken = set(chosen)
        while len(chosen) < wanted:
            candidate = rng.choice(everyone)
            if candidate not in taken:
                taken.add(candidate)
                chosen.append(candidate)
        first_day = dt.date(start_year, 1, 1)
        span = max((LAST_START - first_day).days, 1)
        for org_id in chosen:
            start = first_day + dt.timedelta(days=rng.randrange(span))
            end = None
            if status == ClusterStatus.ENDED:
                end = max(start, dt.date(start_year + 4, 12, 31))
            elif rng.random() < 0.10:
                end = start + dt.timedelta(days=rng.randint(365, 1_500))
            land.memberships.append((org_id, cluster_id, start, end, True))

        scale = Decimal("1") if rng.random() < 0.3 else Decimal("0.4")
        for year in FEE_YEARS:
            indexation = Decimal("1.02") ** (year - FEE_YEARS[0])
            land.fee_rates.extend(
                (
                    cluster_id,
                    year,
                    role.value,
                    str(size),
                    (base * scale * indexation).quantize(Decimal("1")),
                )
                for (role, size), base in BASE_FEES.items()
            )
    return land


def _columns(model: type[models.Model], names: tuple[str, ...]) -> list[str]:
    meta = model._meta
    return [
        meta.get_field(name[:-3] if name.endswith("_id") and name != "id" else name).column
        for name in names
    ]


def _write(model, names: tuple[str, ...], rows: list[tuple], batch_size: int = 5_000) -> None:
    if connection.vendor == "postgresql":
        columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, names))
        table = connection.ops.quote_name(model._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    model.objects.bulk_create(
        (model(**dict(zip(names, row, strict=True))) for row in rows), batch_size=batch_size
    )


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=models.Max("id"))["top"] or 0) + 1


@transaction.atomic
def generate_eu_scale(
    *,
    clusters: int = CLUSTERS,
    organisations: int = ORGANISATIONS,
    memberships: int = MEMBERSHIPS,
    seed: int = SEED,
    stdout: TextIO | None = sys.stdout,
) -> dict[str, int]:
    """Write the EU-scale landscape to the default database; returns the row count per table.

    Side effects: inserts organisations, their yearly figures, clusters with their
    transition priorities, memberships and fee rates, all ``is_synthetic=True``,
    in one transaction; no audit entries and no signals (see the module docstring).
    On PostgreSQL it then resets the id sequences and runs ``ANALYZE`` on the tables.
    Raises ``ValueError`` if an EU-scale landscape is already loaded.
    """
    if Cluster.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        raise ValueError("an EU-scale landscape is already loaded in this database")
    started = time.perf_counter()
    land = plan(
        clusters=clusters,
        organisations=organisations,
        memberships=memberships,
        seed=seed,
        first_organisation_id=_next_id(Organisation),
        first_cluster_id=_next_id(Cluster),
        priority_ids=tuple(TransitionPriority.objects.order_by("pk").values_list("pk", flat=True)),
        now=timezone.now(),
    )
    planned = time.perf_counter()
    through = Cluster.transition_priorities.through
    _write(Organisation, ORGANISATION_FIELDS, land.organisations)
    _write(OrganisationYear, YEAR_FIELDS, land.years)
    _write(Cluster, CLUSTER_FIELDS, land.clusters)
    _write(through, PRIORITY_FIELDS, land.priorities)
    _write(Membership, MEMBERSHIP_FIELDS, land.memberships)
    _write(FeeRate, FEE_FIELDS, land.fee_rates)
    tables = [Organisation, OrganisationYear, Cluster, through, Membership, FeeRate]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Explicit ids leave the sequences behind; the next save() would collide without this.
            for statement in connection.ops.sequence_reset_sql(no_style(), tables):
                cursor.execute(statement)
            for model in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    counts = land.counts()
    if stdout is not None:
        stdout.write(
            f"EU-scale landscape: {counts['clusters']} clusters, {counts['organisations']} "
            f"organisations, {counts['memberships']} memberships, {counts['years']} yearly "
            f"figures, {counts['fee_rates']} fee rates (planned in {planned - started:.1f} s, "
            f"written in {time.perf_counter() - planned:.1f} s; synthetic, no audit trail).\n"
        )
    return counts


# --------------------------------------------------------------------------
# Pacts and reports: ten years of KPI reporting for every cluster
# --------------------------------------------------------------------------

REPORT_SEED = 20_260_404
PACT_STARTS = (dt.date(2016, 1, 1), dt.date(2021, 1, 1))
PACT_YEARS = 5
KPIS = 30
# The catalogue's own KPIs come first; synthetic ones fill up to KPIS, spread over the dimensions.
EXTRA_KPI_PREFIX = "eu-kpi-"
EXTRA_DIMENSIONS = ("economic", "innovation", "societal", "international", "smes", "diffusion")
EXTRA_AGGREGATIONS = ("sum", "mean", "last")

PACT_FIELDS = (
    "id",
    "cluster_id",
    "start",
    "term_years",
    "frequency",
    "status",
    "signed_at",
    "is_synthetic",
    "created_at",
    "updated_at",
)
PACT_KPI_FIELDS = ("id", "pact_id", "kpi_id")
TARGET_FIELDS = ("pact_kpi_id", "year", "value", "is_current")
REPORT_FIELDS = (
    "id",
    "pact_id",
    "period_start",
    "period_end",
    "due_date",
    "version",
    "is_current",
    "correction_reason",
    "status",
    "submitted_at",
    "accepted_at",
    "created_at",
    "updated_at",
)
VALUE_FIELDS = ("report_id", "kpi_id", "value", "note")


@dataclass(frozen=True)
class KpiShape:
    """What the generator needs of a catalogue KPI: its id, direction, and value kind."""

    id: int
    direction: str
    percentage: bool


@dataclass
class Reporting:
    """The pact and report rows to write, as tuples in the order of the ``*_FIELDS`` constants."""

    pacts: list[tuple] = field(default_factory=list)
    pact_kpis: list[tuple] = field(default_factory=list)
    targets: list[tuple] = field(default_factory=list)
    reports: list[tuple] = field(default_factory=list)
    values: list[tuple] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in vars(self).items()}


def plan_reports(
    *,
    cluster_ids: list[int],
    kpis: list[KpiShape],
    seed: int = REPORT_SEED,
    first_pact_id: int = 1,
    first_pact_kpi_id: int = 1,
    first_report_id: int = 1,
    now: dt.datetime | None = None,
) -> Reporting:
    """Two signed five-year pacts per cluster (2016 and 2021) with every KPI, a baseline and five
    yearly targets each, and one accepted yearly report per year with a value for every KPI.

    Values scatter around the target (0.75–1.15 of the planned step past the baseline), so
    every status occurs; one cluster in ten has its last report submitted, not yet accepted.
    Pure: the same arguments give the same rows.
    """
    rng = random.Random(seed)
    now = now or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    plan = Reporting()
    pact_id, pact_kpi_id, report_id = first_pact_id, first_pact_kpi_id, first_report_id
    for cluster_id in cluster_ids:
        scale = rng.uniform(0.3, 3.0)
        levels = {
            k.id: rng.uniform(20, 80) if k.percentage else rng.uniform(5, 500) * scale for k in kpis
        }
        late = rng.random() < 0.1
        for start in PACT_STARTS:
            plan.pacts.append(
                (pact_id, cluster_id, start, PACT_YEARS, "yearly", "signed", now, True, now, now)
            )
            steps = {}
            for kpi in kpis:
                plan.pact_kpis.append((pact_kpi_id, pact_id, kpi.id))
                base = levels[kpi.id]
                sign = -1 if kpi.direction == "lower" else 1
                step = base * rng.uniform(0.02, 0.06) * sign
                if kpi.percentage:
                    step = min(abs(step), (100 - base) / (PACT_YEARS + 1)) * sign
                plan.targets.append((pact_kpi_id, None, round(base, 2), True))
                plan.targets.extend(
                    (pact_kpi_id, start.year + i, round(base + step * (i + 1), 2), True)
                    for i in range(PACT_YEARS)
                )
                steps[kpi.id] = (base, step)
                pact_kpi_id += 1
            for i in range(PACT_YEARS):
                year = start.year + i
                first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
                due = dt.date(year + 1, 3, 31)
                submitted = dt.datetime(year + 1, 3, 15, 10, tzinfo=dt.UTC)
                accepted = not (late and start == PACT_STARTS[-1] and i == PACT_YEARS - 1)
                plan.reports.append(
                    (
                        report_id,
                        pact_id,
                        first,
                        last,
                        due,
                        1,
                        True,
                        "",
                        "accepted" if accepted else "submitted",
                        submitted,
                        submitted + dt.timedelta(days=20) if accepted else None,
                        submitted,
                        submitted,
                    )
                )
                for kpi in kpis:
                    base, step = steps[kpi.id]
                    value = base + step * (i + 1) * rng.uniform(0.75, 1.15)
                    if kpi.percentage:
                        value = min(max(value, 0.0), 100.0)
                    plan.values.append((report_id, kpi.id, round(max(value, 0.0), 2), ""))
                report_id += 1
            pact_id += 1
        levels = {k: v * 1.2 for k, v in levels.items()}
    return plan


def ensure_kpis(count: int = KPIS) -> list[KpiShape]:
    """The current catalogue, filled up with synthetic KPIs to ``count`` (bulk: no audit trail)."""
    from clusterpact.pacts.catalogue import load_default_catalogue
    from clusterpact.pacts.models import Kpi

    load_default_catalogue()
    current = list(Kpi.objects.filter(is_current=True).order_by("order", "code"))
    missing = count - len(current)
    if missing > 0:
        Kpi.objects.bulk_create(
            Kpi(
                code=f"{EXTRA_KPI_PREFIX}{index:02d}",
                name_nl=f"Synthetische KPI {index}",
                name_en=f"Synthetic KPI {index}",
                unit="units",
                direction="lower" if index % 5 == 0 else "higher",
                aggregation_periods=EXTRA_AGGREGATIONS[index % len(EXTRA_AGGREGATIONS)],
                aggregation_clusters="sum",
                category="output",
                dimension=EXTRA_DIMENSIONS[index % len(EXTRA_DIMENSIONS)],
                value_type="decimal",
                required=False,
                order=100 + index,
            )
            for index in range(1, missing + 1)
        )
        current = list(Kpi.objects.filter(is_current=True).order_by("order", "code"))
    return [KpiShape(k.pk, k.direction, k.value_type == "percentage") for k in current[:count]]


@transaction.atomic
def generate_eu_reports(
    *, kpis: int = KPIS, seed: int = REPORT_SEED, stdout: TextIO | None = sys.stdout
) -> dict[str, int]:
    """Give every EU-scale cluster two signed pacts and ten years of accepted yearly reports.

    Side effects: synthetic KPIs up to ``kpis``; pacts, pact KPIs, targets, reports and
    values written in bulk (``COPY`` on PostgreSQL) without audit entries, in one
    transaction; sequences reset and tables analysed on PostgreSQL. Raises ``ValueError``
    when no EU-scale landscape is loaded or its clusters already have pacts.
    """
    from clusterpact.pacts.models import Pact, PactKpi, Report, ReportValue, Target

    clusters = list(
        Cluster.objects.filter(slug__startswith=SLUG_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not clusters:
        raise ValueError("load the EU-scale landscape first (generate_eu_scale)")
    if Pact.objects.filter(cluster_id__in=clusters).exists():
        raise ValueError("the EU-scale clusters already have pacts")
    started = time.perf_counter()
    plan = plan_reports(
        cluster_ids=clusters,
        kpis=ensure_kpis(kpis),
        seed=seed,
        first_pact_id=_next_id(Pact),
        first_pact_kpi_id=_next_id(PactKpi),
        first_report_id=_next_id(Report),
        now=timezone.now(),
    )
    planned = time.perf_counter()
    _write(Pact, PACT_FIELDS, plan.pacts)
    _write(PactKpi, PACT_KPI_FIELDS, plan.pact_kpis)
    _write(Target, TARGET_FIELDS, plan.targets)
    _write(Report, REPORT_FIELDS, plan.reports)
    _write(ReportValue, VALUE_FIELDS, plan.values)
    tables = [Pact, PactKpi, Target, Report, ReportValue]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), tables):
                cursor.execute(statement)
            for model in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    counts = plan.counts()
    if stdout is not None:
        stdout.write(
            f"EU-scale reporting: {counts['pacts']} pacts, {counts['pact_kpis']} pact KPIs, "
            f"{counts['targets']} targets, {counts['reports']} reports, {counts['values']} "
            f"values (planned in {planned - started:.1f} s, written in "
            f"{time.perf_counter() - planned:.1f} s; synthetic, no audit trail).\n"
        )
    return counts
