"""Import of grants and projects from CSV or Excel, all or nothing, on the registry's pipeline.

Both files are flat tables read by :func:`clusterpact.registry.imports.read_table`,
so header matching, encodings, row numbers and the problem list work as in the
member import:

* a **grant file** has one row per grant and year: the rows of one cluster
  sharing a ``reference`` are one grant (its aid and eligible costs by category
  for each year); the grant's own columns are repeated on each row (optional
  ones may be left blank after the first row, never filled differently);
* a **project file** has one row per project and participant: the rows sharing
  a ``title`` are one project; participants are named by enterprise number or
  national identifier.

:func:`preview_grants` / :func:`preview_projects` check everything and save
nothing; :func:`commit_grants` (bulk inserts) / :func:`commit_projects` (through
:func:`domain.create_project`) save a clean preview in one transaction, every
record in the audit trail, attributed to the importing user with the file name
as reason.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from clusterpact.accounts import audit
from clusterpact.registry.imports import (
    Column,
    Problem,
    Row,
    RowReader,
    TableSpec,
    read_table,
    vocabulary,
    write_csv,
    write_xlsx,
)
from clusterpact.registry.models import Cluster, Organisation, TransitionPriority
from clusterpact.rules import enterprise_number

from . import domain
from .models import (
    CostCategory,
    FundingLine,
    Grant,
    GrantCost,
    GrantKind,
    GrantYear,
    ParticipantRole,
    Programme,
    Project,
    ProjectKind,
    ProjectStatus,
    PublicationStatus,
    RecipientKind,
    RegionType,
)

MAX_MONEY = Decimal(10) ** 12
BATCH_SIZE = 1000
COST_COLUMNS = tuple(f"cost_{value}" for value in CostCategory.values)

GRANT_SPEC = TableSpec(
    (
        Column("reference", ("referentie", "grant", "subsidie"), required=True),
        Column("cluster", ("cluster_slug",), required=True),
        Column("funding_line", ("financieringslijn", "line", "lijn"), required=True),
        Column("kind", ("soort", "aard"), required=True),
        Column("recipient", ("ontvanger", "recipient_identifier")),
        Column("recipient_kind", ("ontvanger_is", "soort_ontvanger")),
        Column("grant_date", ("toekenningsdatum", "datum"), required=True),
        Column("period_start", ("periode_start", "start")),
        Column("period_end", ("periode_einde", "einde", "end")),
        Column("publication_status", ("publicatie", "publication")),
        Column("published_on", ("gepubliceerd_op",)),
        Column("region_type", ("regio_type", "regiotype")),
        Column("year", ("jaar",), required=True),
        Column("aid", ("steun", "aid_eur", "steun_eur"), required=True),
        *(Column(code) for code in COST_COLUMNS),
    )
)
GRANT_COLUMNS = GRANT_SPEC.codes
# The columns that describe the grant itself (as opposed to one of its years).
_GRANT_FIELDS = GRANT_COLUMNS[2:12]

PROJECT_SPEC = TableSpec(
    (
        Column("title", ("titel", "project"), required=True),
        Column("kind", ("soort", "aard"), required=True),
        Column("clusters", ("cluster",), required=True),
        Column("programme", ("programma",)),
        Column("status", ("stand",)),
        Column("budget", ("budget_eur", "project_budget"), required=True),
        Column(
            "trl",
        ),
        Column("transition_priorities", ("transitieprioriteiten", "priorities")),
        Column("start", ("begin",)),
        Column("end", ("einde",)),
        Column("participant", ("deelnemer", "participant_identifier")),
        Column("role", ("rol",)),
        Column("participant_budget", ("budget_deelnemer",)),
    )
)
PROJECT_COLUMNS = PROJECT_SPEC.codes
_PROJECT_FIELDS = PROJECT_COLUMNS[1:10]
_PARTICIPANT_FIELDS = ("participant", "role", "participant_budget")
_LIST_SPLIT = re.compile(r"\s*[;,|]\s*")


@dataclass(frozen=True)
class Preview:
    """What a file would create, or why it cannot be imported.

    ``items`` holds the parsed grants or projects, ready for the commit; when
    there are problems it may be incomplete and must not be used.
    """

    kind: str  # "grants" or "projects"
    filename: str
    items: tuple = ()
    problems: tuple[Problem, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_clean(self) -> bool:
        return not self.problems

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def detail_count(self) -> int:
        """Grant years, or project participants."""
        return sum(len(item.details) for item in self.items)


@dataclass
class GrantItem:
    row: int
    reference: str
    cluster: Cluster
    fields: dict
    details: list[domain.YearInput]
    years_seen: dict[int, int] = field(default_factory=dict)


@dataclass
class ProjectItem:
    row: int
    title: str
    clusters: list[Cluster]
    priorities: list[TransitionPriority]
    fields: dict
    details: list[tuple] = field(default_factory=list)
    participants_seen: dict[int, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------


class _Lookups:
    """Register lookups for a whole file: one query per kind of reference."""

    def __init__(self, rows: Sequence[Row], identifier_columns: Iterable[str]):
        self.clusters = {c.slug: c for c in Cluster.objects.select_related("aid_profile")}
        self.lines = {line.name.casefold(): line for line in FundingLine.objects.all()}
        self.priorities = {p.code: p for p in TransitionPriority.objects.all()}
        texts = {
            str(row.values.get(column)).strip()
            for row in rows
            for column in identifier_columns
            if row.values.get(column) is not None
        }
        numbers = {enterprise_number.normalise(t) for t in texts if enterprise_number.is_valid(t)}
        self.by_number = {
            o.enterprise_number: o
            for o in Organisation.objects.filter(enterprise_number__in=numbers)
        }
        self.by_identifier: dict[str, list[Organisation]] = {}
        for organisation in Organisation.objects.filter(foreign_identifier__in=texts):
            self.by_identifier.setdefault(organisation.foreign_identifier, []).append(organisation)

    def organisation(self, cells: RowReader, column: str) -> Organisation | None:
        text = cells.text(column)
        if not text:
            return None
        if enterprise_number.is_valid(text):
            found = self.by_number.get(enterprise_number.normalise(text))
        else:
            matches = self.by_identifier.get(text, [])
            if len(matches) > 1:
                cells.problem(
                    column,
                    _(
                        "“%(value)s” is the national identifier of organisations in several countries."
                    )
                    % {"value": text},
                )
                return None
            found = matches[0] if matches else None
        if found is None:
            cells.problem(
                column,
                _(
                    "No organisation in the register has the enterprise number or identifier “%(value)s”."
                )
                % {"value": text},
            )
        return found

    def cluster(self, cells: RowReader, column: str, text: str) -> Cluster | None:
        found = self.clusters.get(text.strip().lower())
        if found is None:
            cells.problem(
                column,
                _("No cluster has the short name (slug) “%(value)s”.") % {"value": text},
            )
        return found


@functools.cache
def _words(choices) -> dict[str, str]:
    # Codes and the English and Dutch labels of ``choices``, matched without case.
    return vocabulary(choices, {})


def _choice(cells: RowReader, column: str, choices, default: str | None = None) -> str:
    if cells.row.values.get(column) is None and default is not None:
        return default
    return cells.choice(column, _words(choices), [v for v in choices.values if v])


def _differing(row: Row, first, later, columns: Iterable[str], value) -> list[str]:
    """Columns a later row of the same grant or project fills with another value than its first
    row (compared as read, so "basic funding" names the same line as "Basic funding")."""
    return [
        c for c in columns if row.values.get(c) is not None and value(first, c) != value(later, c)
    ]


def _grant_value(item: GrantItem, column: str):
    return item.fields[column]


def _project_value(item: ProjectItem, column: str):
    if column == "clusters":
        return {c.pk for c in item.clusters}
    if column == "transition_priorities":
        return {p.pk for p in item.priorities}
    return item.fields[column]


def _sorted(problems: Iterable[Problem], columns: Sequence[str]) -> tuple[Problem, ...]:
    order = {code: index for index, code in enumerate(columns)}
    return tuple(sorted(problems, key=lambda p: (p.row or 0, order.get(p.column or "", -1))))


# ---------------------------------------------------------------------------
# Grants
# ---------------------------------------------------------------------------


def _parse_grant(row: Row, problems: list[Problem], lookups: _Lookups) -> GrantItem | None:
    cells = RowReader(row, problems)
    reference = cells.text("reference", required=True, max_length=60)
    slug = cells.text("cluster", required=True)
    cluster = lookups.cluster(cells, "cluster", slug) if slug else None
    line_name = cells.text("funding_line", required=True)
    line = lookups.lines.get(line_name.casefold()) if line_name else None
    if line_name and line is None:
        cells.problem(
            "funding_line",
            _("No funding line is called “%(value)s”; the administration creates funding lines.")
            % {"value": line_name},
        )
    kind = _choice(cells, "kind", GrantKind)
    recipient = lookups.organisation(cells, "recipient")
    if recipient is None and cells.row.values.get("recipient") is None and cluster is not None:
        recipient = cluster.cluster_organisation
        if recipient is None:
            cells.problem(
                "recipient",
                _("The cluster has no cluster organisation; name the recipient."),
            )
    recipient_kind = _choice(
        cells, "recipient_kind", RecipientKind, RecipientKind.CLUSTER_ORGANISATION
    )
    grant_date = cells.date("grant_date", required=True)
    start = cells.date("period_start")
    end = cells.date("period_end")
    publication = _choice(cells, "publication_status", PublicationStatus, PublicationStatus.UNKNOWN)
    published_on = cells.date("published_on")
    region = _choice(cells, "region_type", RegionType, "")
    if region and kind and kind != GrantKind.INVESTMENT:
        cells.problem("region_type", _("Only an investment grant has a region type of its own."))
    year = cells.integer("year", minimum=2000, maximum=2100)
    if year is None and cells.row.values.get("year") is None:
        cells.problem("year", _("This field is required."))
    aid = cells.amount("aid", places=2, maximum=MAX_MONEY)
    if aid is None and cells.row.values.get("aid") is None:
        cells.problem("aid", _("This field is required."))
    costs = {}
    for value, column in zip(CostCategory.values, COST_COLUMNS, strict=True):
        amount = cells.amount(column, places=2, maximum=MAX_MONEY)
        if amount:
            costs[value] = amount
    if not cells.ok:
        return None
    fields = {
        "funding_line": line,
        "kind": kind,
        "recipient": recipient,
        "recipient_kind": recipient_kind,
        "grant_date": grant_date,
        "period_start": start,
        "period_end": end,
        "publication_status": publication,
        "published_on": published_on,
        "region_type": region,
        "reference": reference,
    }
    return GrantItem(
        row.number,
        reference,
        cluster,
        fields,
        [domain.YearInput(year, aid, costs)],
        {year: row.number},
    )


def preview_grants(data: bytes, *, filename: str) -> Preview:
    """Read and check a grant file without saving anything; every problem by row and column."""
    table = read_table(data, filename, GRANT_SPEC)
    problems = list(table.problems)
    items: dict[tuple[str, str], GrantItem] = {}
    if table.rows:
        lookups = _Lookups(table.rows, ("recipient",))
        for row in table.rows:
            parsed = _parse_grant(row, problems, lookups)
            if parsed is None:
                continue
            key = (parsed.cluster.slug, parsed.reference)
            item = items.get(key)
            if item is None:
                items[key] = parsed
                continue
            differing = _differing(row, item, parsed, _GRANT_FIELDS, _grant_value)
            if differing:
                problems.append(
                    Problem(
                        row.number,
                        differing[0],
                        _("Row %(first)s describes the same grant differently in: %(columns)s.")
                        % {"first": item.row, "columns": ", ".join(differing)},
                    )
                )
                continue
            year = parsed.details[0].year
            if year in item.years_seen:
                problems.append(
                    Problem(
                        row.number,
                        "year",
                        _("Row %(first)s already gives this grant's year %(year)s.")
                        % {"first": item.years_seen[year], "year": year},
                    )
                )
                continue
            item.years_seen[year] = row.number
            item.details.append(parsed.details[0])
        _check_grants(items.values(), problems)
    return Preview(
        "grants",
        filename,
        tuple(items.values()),
        _sorted(problems, GRANT_COLUMNS),
        dict(table.headers),
    )


def _check_grants(items: Iterable[GrantItem], problems: list[Problem]) -> None:
    items = list(items)
    existing = set(
        Grant.objects.filter(
            reference__in=[i.reference for i in items], cluster__in=[i.cluster for i in items]
        ).values_list("cluster__slug", "reference")
    )
    for item in items:
        # Without a period given, the grant covers the calendar years of its aid.
        years = [d.year for d in item.details]
        item.fields["period_start"] = item.fields["period_start"] or dt.date(min(years), 1, 1)
        item.fields["period_end"] = item.fields["period_end"] or dt.date(max(years), 12, 31)
        if (item.cluster.slug, item.reference) in existing:
            problems.append(
                Problem(
                    item.row,
                    "reference",
                    _(
                        "The cluster already has a grant with reference %(reference)s; "
                        "correct that grant in its form instead."
                    )
                    % {"reference": item.reference},
                )
            )
        grant = Grant(cluster=item.cluster, **item.fields)
        # The related records were read from the register above; checking them again would
        # cost three queries per grant.
        _model_problems(
            item.row,
            lambda g=grant: g.full_clean(exclude=["cluster", "funding_line", "recipient"]),
            problems,
        )


def _model_problems(row: int, validate: Callable[[], None], problems: list[Problem]) -> None:
    from django.core.exceptions import ValidationError

    try:
        validate()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = name if name != "__all__" else None
            for message in messages:
                problems.append(Problem(row, column, message))


def commit_grants(preview: Preview, *, user) -> int:
    """Save a clean grant preview in one transaction; returns the number of grants.

    Side effects, all or nothing: ``bulk_create`` of the grants, their years and
    their costs (the rows :func:`domain.save_grant` would write for a new grant),
    and an audit entry for every row created, attributed to ``user`` with the
    reason ``import <filename>``. A database error rolls everything back and
    propagates.
    """
    if not preview.is_clean or preview.kind != "grants":
        raise ValueError("only a clean grant preview can be imported")
    with audit.acting_as(user, reason=f"import {preview.filename}"[:255]), transaction.atomic():
        grants = [Grant(cluster=item.cluster, **item.fields) for item in preview.items]
        # One insert per table instead of a dozen queries per grant: a yearly file of a
        # thousand grants took twenty seconds row by row.
        Grant.objects.bulk_create(grants, batch_size=BATCH_SIZE)
        years = [
            GrantYear(grant=grant, year=row.year, amount=row.aid)
            for grant, item in zip(grants, preview.items, strict=True)
            for row in item.details
        ]
        costs = [
            GrantCost(grant=grant, year=row.year, category=category, amount=amount)
            for grant, item in zip(grants, preview.items, strict=True)
            for row in item.details
            for category, amount in row.costs.items()
            if amount
        ]
        GrantYear.objects.bulk_create(years, batch_size=BATCH_SIZE)
        GrantCost.objects.bulk_create(costs, batch_size=BATCH_SIZE)
        audit.record_created(grants)
        audit.record_created(years)
        audit.record_created(costs)
    return preview.count


# ---------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------


def _parse_project(row: Row, problems: list[Problem], lookups: _Lookups) -> ProjectItem | None:
    cells = RowReader(row, problems)
    title = cells.text("title", required=True, max_length=255)
    kind = _choice(cells, "kind", ProjectKind)
    clusters = []
    for slug in _LIST_SPLIT.split(cells.text("clusters", required=True)):
        if slug:
            cluster = lookups.cluster(cells, "clusters", slug)
            if cluster is not None and cluster not in clusters:
                clusters.append(cluster)
    programme = _choice(cells, "programme", Programme, "")
    status = _choice(cells, "status", ProjectStatus, ProjectStatus.PLANNED)
    budget = cells.amount("budget", places=2, maximum=MAX_MONEY)
    if budget is None and cells.row.values.get("budget") is None:
        cells.problem("budget", _("This field is required."))
    trl = cells.integer("trl", minimum=1, maximum=9)
    priorities = []
    for code in _LIST_SPLIT.split(cells.text("transition_priorities")):
        if not code:
            continue
        priority = lookups.priorities.get(code.lower())
        if priority is None:
            cells.problem(
                "transition_priorities",
                _("“%(value)s” is not a transition priority; use one of: %(codes)s.")
                % {"value": code, "codes": ", ".join(sorted(lookups.priorities))},
            )
        else:
            priorities.append(priority)
    start = cells.date("start")
    end = cells.date("end")
    if start and end and end < start:
        cells.problem("end", _("The project ends before it starts."))
    participant = lookups.organisation(cells, "participant")
    role = _choice(cells, "role", ParticipantRole, ParticipantRole.PARTNER)
    participant_budget = cells.amount("participant_budget", places=2, maximum=MAX_MONEY)
    if (
        participant is None
        and any(cells.row.values.get(c) is not None for c in ("role", "participant_budget"))
        and cells.row.values.get("participant") is None
    ):
        cells.problem("participant", _("Name the participant of this role and budget."))
    if not cells.ok:
        return None
    fields = {
        "title": title,
        "kind": kind,
        "programme": programme,
        "status": status,
        "budget": budget,
        "trl": trl,
        "start": start,
        "end": end,
    }
    item = ProjectItem(row.number, title, clusters, priorities, fields)
    if participant is not None:
        item.details.append((participant, role, participant_budget or Decimal(0)))
        item.participants_seen[participant.pk] = row.number
    return item


def preview_projects(data: bytes, *, filename: str) -> Preview:
    """Read and check a project file without saving anything; every problem by row and column."""
    table = read_table(data, filename, PROJECT_SPEC)
    problems = list(table.problems)
    items: dict[str, ProjectItem] = {}
    if table.rows:
        lookups = _Lookups(table.rows, ("participant",))
        for row in table.rows:
            parsed = _parse_project(row, problems, lookups)
            if parsed is None:
                continue
            key = parsed.title.casefold()
            item = items.get(key)
            if item is None:
                items[key] = parsed
                continue
            differing = _differing(row, item, parsed, _PROJECT_FIELDS, _project_value)
            if differing:
                problems.append(
                    Problem(
                        row.number,
                        differing[0],
                        _("Row %(first)s describes the same project differently in: %(columns)s.")
                        % {"first": item.row, "columns": ", ".join(differing)},
                    )
                )
                continue
            for organisation, role, budget in parsed.details:
                if organisation.pk in item.participants_seen:
                    problems.append(
                        Problem(
                            row.number,
                            "participant",
                            _("Row %(first)s already lists %(name)s in this project.")
                            % {
                                "first": item.participants_seen[organisation.pk],
                                "name": organisation.name,
                            },
                        )
                    )
                    continue
                item.participants_seen[organisation.pk] = row.number
                item.details.append((organisation, role, budget))
        _check_projects(items.values(), problems)
    return Preview(
        "projects",
        filename,
        tuple(items.values()),
        _sorted(problems, PROJECT_COLUMNS),
        dict(table.headers),
    )


def _check_projects(items: Iterable[ProjectItem], problems: list[Problem]) -> None:
    items = list(items)
    existing = {
        t.casefold()
        for t in Project.objects.filter(title__in=[i.title for i in items]).values_list(
            "title", flat=True
        )
    }
    for item in items:
        if item.title.casefold() in existing:
            problems.append(
                Problem(
                    item.row,
                    "title",
                    _("A project called “%(title)s” exists already; change it in its form.")
                    % {"title": item.title},
                )
            )
        project = Project(**item.fields)
        _model_problems(item.row, project.full_clean, problems)
        _model_problems(item.row, lambda p=project, i=item: p.clean_clusters(i.clusters), problems)


def commit_projects(preview: Preview, *, user) -> int:
    """Save a clean project preview in one transaction; returns the number of projects.

    Side effects, all or nothing: each project with its clusters, priorities and
    participants through :func:`domain.create_project`, every record an audit
    entry attributed to ``user`` with the reason ``import <filename>``.
    """
    if not preview.is_clean or preview.kind != "projects":
        raise ValueError("only a clean project preview can be imported")
    with audit.acting_as(user, reason=f"import {preview.filename}"[:255]), transaction.atomic():
        for item in preview.items:
            domain.create_project(
                clusters=item.clusters,
                priorities=item.priorities,
                participants=item.details,
                user=user,
                **item.fields,
            )
    return preview.count


# ---------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------


def template_rows(kind: str) -> tuple[Sequence[str], list[list[object]]]:
    """The columns and example rows of the downloadable template of ``kind``."""
    if kind == "grants":
        base = ["BF-2024-01", "alpha", "Basic funding", "operating", None, None]
        dates = [dt.date(2024, 1, 1), dt.date(2024, 1, 1), dt.date(2025, 12, 31)]
        publication = ["published", dt.date(2024, 2, 1), None]
        costs = [Decimal(300_000), Decimal(150_000), Decimal(100_000), None, None, None]
        return GRANT_COLUMNS, [
            [*base, *dates, *publication, 2024, Decimal(250_000), *costs],
            [*base, *dates, *publication, 2025, Decimal(250_000), *costs],
        ]
    if kind == "projects":
        project = ["Circular coatings", "intercluster", "alpha; beta", None, "running"]
        rest = [Decimal(400_000), 5, "circular-economy", dt.date(2024, 1, 1), dt.date(2026, 12, 31)]
        return PROJECT_COLUMNS, [
            [*project, *rest, "0123.456.749", "coordinator", Decimal(250_000)],
            [*project, *rest, "0200.065.765", "partner", Decimal(150_000)],
        ]
    raise ValueError(f"unknown import {kind!r}")


def template_file(kind: str, fmt: str) -> bytes:
    columns, rows = template_rows(kind)
    if fmt == "csv":
        return write_csv(columns, rows)
    if fmt == "xlsx":
        return write_xlsx(columns, rows, title=kind)
    raise ValueError(f"unknown format {fmt!r}")
