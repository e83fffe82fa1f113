"""Pact and report logic: one function per state change. Views, the demo and imports call these.

Each function checks who may do it, refuses an illegal transition with a
:class:`WorkflowError` whose message says why, runs in one transaction and is
recorded in the audit trail (every model here is ``@audit.register``-ed; the
functions name the actor and reason through :func:`audit.acting_as`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterpact.accounts import audit
from clusterpact.registry.models import Cluster

from . import derived as derived_kpis
from . import permissions
from .models import (
    MAX_TERM_YEARS,
    MIN_TERM_YEARS,
    Amendment,
    Comment,
    Evidence,
    Frequency,
    Kpi,
    Pact,
    PactKpi,
    PactStatus,
    Report,
    ReportStatus,
    ReportValue,
    Target,
)
from .periods import Period, periods
from .validation import Problem, parse_values


class WorkflowError(Exception):
    """A refused change; ``str(error)`` is the message for the user."""


class NotAllowed(WorkflowError):
    pass


class InvalidValues(WorkflowError):
    """Values that fail validation; ``problems`` names each one by KPI. Nothing was stored."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


# --------------------------------------------------------------------------
# KPI catalogue
# --------------------------------------------------------------------------

KPI_EDITABLE_FIELDS = [
    "name_nl",
    "name_en",
    "definition_nl",
    "definition_en",
    "unit",
    "direction",
    "aggregation_periods",
    "aggregation_clusters",
    "category",
    "dimension",
    "overarching",
    "value_type",
    "min_value",
    "max_value",
    "required",
    "derived",
    "order",
]


def revise_kpi(kpi: Kpi, *, changes: Mapping[str, object], user) -> Kpi:
    """Create the next version of a catalogue KPI with ``changes``; the old version stays for its pacts.

    Side effects: the current version is marked not current; a new Kpi row (version + 1)
    with the same transition priorities; both in the audit trail.
    """
    if not permissions.can_manage_pacts(user):
        raise NotAllowed(_("Only the agency edits the KPI catalogue."))
    unknown = set(changes) - set(KPI_EDITABLE_FIELDS)
    if unknown:
        raise WorkflowError(
            _("Unknown KPI fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic(), audit.acting_as(user, reason=_("KPI revised")):
        current = Kpi.objects.select_for_update().get(code=kpi.code, is_current=True)
        priorities = list(current.transition_priorities.all())
        current.is_current = False
        current.save(update_fields=["is_current"])
        fields = {name: getattr(current, name) for name in KPI_EDITABLE_FIELDS}
        fields.update(changes)
        new = Kpi.objects.create(code=current.code, version=current.version + 1, **fields)
        new.transition_priorities.set(priorities)
    return new


# --------------------------------------------------------------------------
# Pacts
# --------------------------------------------------------------------------


def _term_end(start: dt.date, term_years: int) -> dt.date:
    return Pact(start=start, term_years=term_years).end


def check_pact_term(
    cluster: Cluster, start: dt.date, term_years: int, *, exclude: int | None = None
) -> list[str]:
    """Problems with a term: its length, and overlap with another pact of the same cluster."""
    problems = []
    if not MIN_TERM_YEARS <= term_years <= MAX_TERM_YEARS:
        problems.append(
            _("A pact runs %(min)s to %(max)s years.")
            % {"min": MIN_TERM_YEARS, "max": MAX_TERM_YEARS}
        )
        return problems
    end = _term_end(start, term_years)
    for other in Pact.objects.filter(cluster=cluster).exclude(pk=exclude):
        if other.start <= end and start <= other.end:
            problems.append(
                _("The term overlaps the pact %(start)s – %(end)s of this cluster.")
                % {"start": other.start.isoformat(), "end": other.end.isoformat()}
            )
    return problems


def create_pact(
    *,
    cluster: Cluster,
    start: dt.date,
    user,
    term_years: int = 5,
    frequency: str = Frequency.YEARLY,
    specific_kpis: Iterable[Kpi] = (),
    is_synthetic: bool = False,
) -> Pact:
    """Create a draft pact with every overarching KPI (current version) plus the chosen specific ones.

    Side effects: one Pact and its PactKpi rows, in the audit trail. Refuses a
    term outside 2–5 years or overlapping another pact of the cluster.
    """
    if not permissions.can_manage_pacts(user):
        raise NotAllowed(_("Only the agency draws up pacts."))
    problems = check_pact_term(cluster, start, term_years)
    if problems:
        raise WorkflowError(" ".join(problems))
    with transaction.atomic(), audit.acting_as(user, reason=_("pact drafted")):
        pact = Pact.objects.create(
            cluster=cluster,
            start=start,
            term_years=term_years,
            frequency=frequency,
            is_synthetic=is_synthetic,
        )
        kpis = {k.pk: k for k in Kpi.objects.filter(is_current=True, overarching=True)}
        kpis.update({k.pk: k for k in specific_kpis})
        for kpi in kpis.values():
            PactKpi.objects.create(pact=pact, kpi=kpi)
    return pact


TargetKey = tuple[str, int | None]  # (KPI code, year); year None is the baseline


def _pact_kpis(pact: Pact) -> dict[str, PactKpi]:
    return {pk.kpi.code: pk for pk in pact.pact_kpis.select_related("kpi")}


def _check_target_keys(pact: Pact, values: Mapping[TargetKey, object], by_code) -> list[str]:
    problems = []
    for code, year in values:
        if code not in by_code:
            problems.append(_("%(kpi)s is not in this pact.") % {"kpi": code})
        elif year is not None and year not in pact.years:
            problems.append(
                _("%(kpi)s: %(year)s is outside the term.") % {"kpi": code, "year": year}
            )
    return problems


def set_targets(pact: Pact, *, values: Mapping[TargetKey, Decimal | None], user) -> None:
    """Set baselines and yearly targets of a draft pact (in place: nothing is agreed yet).

    Side effects: Target rows created, changed or deleted (None deletes), in the audit trail.
    """
    if not permissions.can_manage_pacts(user):
        raise NotAllowed(_("Only the agency sets targets."))
    if pact.status != PactStatus.DRAFT:
        raise WorkflowError(_("The pact is signed: change its targets with an amendment."))
    by_code = _pact_kpis(pact)
    problems = _check_target_keys(pact, values, by_code)
    if problems:
        raise WorkflowError(" ".join(problems))
    with transaction.atomic(), audit.acting_as(user, reason=_("targets set")):
        current = {
            (t.pact_kpi_id, t.year): t
            for t in Target.objects.filter(pact_kpi__pact=pact, is_current=True)
        }
        new = []
        for (code, year), value in values.items():
            pact_kpi = by_code[code]
            row = current.get((pact_kpi.pk, year))
            if value is None:
                if row:
                    row.delete()
            elif row is None:
                new.append(Target(pact_kpi=pact_kpi, year=year, value=value))
            elif row.value != value:
                row.value = value
                row.save(update_fields=["value"])
        # A first draft sets a few hundred values: one insert, recorded in the audit trail in bulk.
        audit.record_created(Target.objects.bulk_create(new))


def missing_targets(pact: Pact) -> list[str]:
    """Baselines and targets a pact still lacks, named by KPI and year."""
    have = set(
        Target.objects.filter(pact_kpi__pact=pact, is_current=True).values_list(
            "pact_kpi__kpi__code", "year"
        )
    )
    missing = []
    for pact_kpi in pact.pact_kpis.select_related("kpi"):
        code = pact_kpi.kpi.code
        if (code, None) not in have:
            missing.append(_("%(kpi)s: baseline") % {"kpi": code})
        missing.extend(
            _("%(kpi)s: target %(year)s") % {"kpi": code, "year": year}
            for year in pact.years
            if (code, year) not in have
        )
    return missing


def sign_pact(pact: Pact, *, user) -> Pact:
    """Sign a draft pact: baselines and targets are locked from now on; due reports are created.

    Side effects: status → signed, signed_at/by set (audit trail); reports for
    periods already ended (:func:`ensure_due_reports`). Refuses a pact with a
    baseline or target missing, naming each.
    """
    if not permissions.can_manage_pacts(user):
        raise NotAllowed(_("Only a programme officer signs a pact."))
    with transaction.atomic(), audit.acting_as(user, reason=_("pact signed")):
        pact = Pact.objects.select_for_update().get(pk=pact.pk)
        if pact.status != PactStatus.DRAFT:
            raise WorkflowError(_("The pact is already signed."))
        missing = missing_targets(pact)
        if missing:
            raise WorkflowError(_("Targets missing: %(list)s") % {"list": ", ".join(missing)})
        pact.status = PactStatus.SIGNED
        pact.signed_at = timezone.now()
        pact.signed_by = user
        pact.save(update_fields=["status", "signed_at", "signed_by", "updated_at"])
    ensure_due_reports(pact)
    return pact


def amend_targets(pact: Pact, changes: Mapping[TargetKey, Decimal], reason: str, user) -> Amendment:
    """Change baselines or targets of a signed pact: an amendment with a reason, kept in history.

    Side effects: one Amendment (numbered per pact, listing each value before and
    after); for each change a new current Target row pointing to it, the old
    row kept with is_current False; all in the audit trail with the reason.
    """
    if not permissions.can_manage_pacts(user):
        raise NotAllowed(_("Only the agency amends a pact."))
    if pact.status != PactStatus.SIGNED:
        raise WorkflowError(_("Only a signed pact is amended; a draft is edited directly."))
    if not reason or not reason.strip():
        raise WorkflowError(_("An amendment needs a reason."))
    if not changes:
        raise WorkflowError(_("The amendment changes nothing."))
    by_code = _pact_kpis(pact)
    problems = _check_target_keys(pact, changes, by_code)
    if problems:
        raise WorkflowError(" ".join(problems))
    with transaction.atomic(), audit.acting_as(user, reason=reason.strip()[:255]):
        Pact.objects.select_for_update().get(pk=pact.pk)
        number = (pact.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
        current = {
            (t.pact_kpi_id, t.year): t
            for t in Target.objects.filter(pact_kpi__pact=pact, is_current=True)
        }
        amendment = Amendment.objects.create(
            pact=pact, number=number, reason=reason.strip(), created_by=user
        )
        log = []
        for (code, year), value in changes.items():
            pact_kpi = by_code[code]
            old = current.get((pact_kpi.pk, year))
            if old is not None:
                old.is_current = False
                old.save(update_fields=["is_current"])
            Target.objects.create(pact_kpi=pact_kpi, year=year, value=value, amendment=amendment)
            log.append(
                {
                    "kpi": code,
                    "year": year,
                    "before": None if old is None else str(old.value),
                    "after": str(value),
                }
            )
        amendment.changes = log
        amendment.save(update_fields=["changes"])
    return amendment


def targets_table(pact: Pact) -> list[dict]:
    """Per KPI of the pact: its Kpi, the current baseline and {year: target}, in two queries."""
    rows = {
        pk.pk: {"kpi": pk.kpi, "baseline": None, "targets": {}}
        for pk in pact.pact_kpis.select_related("kpi")
    }
    for target in Target.objects.filter(pact_kpi__pact=pact, is_current=True):
        if target.year is None:
            rows[target.pact_kpi_id]["baseline"] = target.value
        else:
            rows[target.pact_kpi_id]["targets"][target.year] = target.value
    for row in rows.values():
        row["cells"] = [{"year": y, "value": row["targets"].get(y)} for y in pact.years]
    return list(rows.values())


# --------------------------------------------------------------------------
# Reporting periods
# --------------------------------------------------------------------------


def pact_periods(pact: Pact) -> list[Period]:
    return periods(pact.start, pact.term_years, pact.frequency)


def ensure_due_reports(pact: Pact, *, today: dt.date | None = None) -> list[Report]:
    """Create the reports of the periods that have ended, once each; returns those created.

    Runs under a row lock on the pact (``select_for_update``) so two requests
    cannot both create the same report; the unique constraint on (pact, period,
    version) backs it up. Draft pacts get no reports.
    Side effects: new draft Report rows, in the audit trail.
    """
    today = today or timezone.localdate()
    with transaction.atomic(), audit.acting_as(None, label="clusterpact", reason=_("report due")):
        locked = Pact.objects.select_for_update().get(pk=pact.pk)
        if locked.status != PactStatus.SIGNED:
            return []
        have = set(Report.objects.filter(pact=locked).values_list("period_start", flat=True))
        created = []
        for period in pact_periods(locked):
            if period.end < today and period.start not in have:
                created.append(
                    Report.objects.create(
                        pact=locked,
                        period_start=period.start,
                        period_end=period.end,
                        due_date=period.due,
                    )
                )
    return created


# --------------------------------------------------------------------------
# Reports: values
# --------------------------------------------------------------------------


@dataclass
class ValueCheck:
    values: dict[str, Decimal | None]
    problems: list[Problem]
    warnings: list[Problem] = field(default_factory=list)


def report_kpis(report: Report) -> list[Kpi]:
    return [pk.kpi for pk in report.pact.pact_kpis.select_related("kpi")]


def derived_values(report: Report, kpis: list[Kpi]) -> dict[str, Decimal | None]:
    period = Period(report.period_start, report.period_end, report.due_date)
    wanted = {kpi.code: kpi.derived for kpi in kpis if kpi.derived in derived_kpis.DERIVED}
    computed = derived_kpis.compute_many(set(wanted.values()), report.pact.cluster, period)
    return {code: computed[name] for code, name in wanted.items()}


def check_values(report: Report, raw: Mapping[str, object]) -> ValueCheck:
    """Validate raw values for a report without storing anything: problems block, warnings do not.

    A warning flags a reported value that contradicts the one derived from the registry.
    """
    kpis = report_kpis(report)
    values, problems = parse_values(kpis, raw)
    warnings = []
    for code, computed in derived_values(report, kpis).items():
        reported = values.get(code)
        if (
            reported is not None
            and computed is not None
            and derived_kpis.contradicts(reported, computed)
        ):
            warnings.append(
                Problem(
                    code,
                    _("Reported %(reported)s, the registry gives %(derived)s.")
                    % {"reported": _plain(reported), "derived": _plain(computed)},
                )
            )
    return ValueCheck(values, problems, warnings)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _store_values(
    report: Report, values: Mapping[str, Decimal | None], notes: Mapping[str, str]
) -> None:
    kpis = {k.code: k for k in report_kpis(report)}
    existing = {v.kpi_id: v for v in report.values.all()}
    for code, value in values.items():
        kpi = kpis[code]
        note = (notes.get(code) or "").strip()
        row = existing.get(kpi.pk)
        if row is None:
            ReportValue.objects.create(report=report, kpi=kpi, value=value, note=note)
        elif row.value != value or row.note != note:
            row.value, row.note = value, note
            row.save(update_fields=["value", "note"])


def check_editable(report: Report, user) -> None:
    """Refuse, with the reason, unless ``user`` may change the values of ``report`` now."""
    if not permissions.can_fill_report(user, report):
        raise NotAllowed(_("Only the cluster's manager fills in its report."))
    if report.status not in ReportStatus.editable() or not report.is_current:
        raise WorkflowError(
            _("This report can no longer be changed: it is %(status)s.")
            % {"status": report.get_status_display()}
        )


def save_report_values(
    report: Report, *, values: Mapping[str, object], notes: Mapping[str, str] | None = None, user
) -> ValueCheck:
    """Store the values (and source notes) of a draft or returned report, all or nothing.

    Shared by the web form and the Excel upload. Raises :class:`InvalidValues`
    naming every problem by KPI, and then stores nothing. Returns the check,
    whose warnings flag contradictions with derived values.
    Side effects: ReportValue rows created or changed, in the audit trail.
    """
    check_editable(report, user)
    check = check_values(report, values)
    if check.problems:
        raise InvalidValues(check.problems)
    with transaction.atomic(), audit.acting_as(user, reason=_("report values")):
        _store_values(report, check.values, notes or {})
    return check


def _stored_raw(report: Report) -> dict[str, Decimal | None]:
    return {v.kpi.code: v.value for v in report.values.select_related("kpi")}


# --------------------------------------------------------------------------
# Reports: the review workflow, written as data
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    side: str  # "cluster" (the cluster's manager) or "agency"


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition((ReportStatus.DRAFT,), ReportStatus.SUBMITTED, "cluster"),
    "return": Transition(
        (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED), ReportStatus.RETURNED, "agency"
    ),
    "resubmit": Transition((ReportStatus.RETURNED,), ReportStatus.RESUBMITTED, "cluster"),
    "accept": Transition(
        (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED), ReportStatus.ACCEPTED, "agency"
    ),
}


def may(user, report: Report, action: str) -> bool:
    """Whether ``user`` may take ``action`` on ``report`` now (the pages show only these buttons)."""
    transition = TRANSITIONS[action]
    if report.status not in transition.sources or not report.is_current:
        return False
    if transition.side == "cluster":
        return permissions.can_fill_report(user, report)
    return permissions.can_review_report(user, report)


def _transition(report: Report, action: str, user, reason: str) -> Report:
    transition = TRANSITIONS[action]
    allowed = (
        permissions.can_fill_report(user, report)
        if transition.side == "cluster"
        else permissions.can_review_report(user, report)
    )
    if not allowed:
        if transition.side == "cluster":
            raise NotAllowed(_("Only the cluster's manager may do this."))
        raise NotAllowed(_("Only a programme officer may do this."))
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.status not in transition.sources or not locked.is_current:
        raise WorkflowError(
            _("A report that is %(status)s cannot be %(action)s.")
            % {
                "status": locked.get_status_display(),
                "action": ReportStatus(transition.target).label,
            }
        )
    return locked


def _submit(report: Report, action: str, user) -> Report:
    with (
        transaction.atomic(),
        audit.acting_as(user, reason=_("report %(action)s") % {"action": action}),
    ):
        locked = _transition(report, action, user, action)
        check = check_values(locked, _stored_raw(locked))
        if check.problems:
            raise InvalidValues(check.problems)
        locked.status = TRANSITIONS[action].target
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
    return locked


def submit_report(report: Report, *, user) -> Report:
    """draft → submitted, by the cluster's manager, once every required value is valid.

    Side effects: status and submitted_at saved (audit trail). Raises
    :class:`InvalidValues` if a stored value is missing or invalid.
    """
    return _submit(report, "submit", user)


def resubmit_report(report: Report, *, user) -> Report:
    """returned → resubmitted, by the cluster's manager, after the values were revised.

    Side effects: status and submitted_at saved (audit trail).
    """
    return _submit(report, "resubmit", user)


def return_report(report: Report, *, user, comment: str) -> Report:
    """submitted/resubmitted → returned, by the agency, with a comment saying what to change.

    Side effects: status saved and the comment added to the thread (audit trail).
    """
    if not comment or not comment.strip():
        raise WorkflowError(_("Say in a comment why the report goes back."))
    with transaction.atomic(), audit.acting_as(user, reason=_("report returned")):
        locked = _transition(report, "return", user, "return")
        locked.status = ReportStatus.RETURNED
        locked.save(update_fields=["status", "updated_at"])
        Comment.objects.create(report=locked, author=user, body=comment.strip())
    return locked


def accept_report(report: Report, *, user) -> Report:
    """submitted/resubmitted → accepted, by the agency. An accepted report is never edited again.

    Side effects: status, accepted_at and accepted_by saved (audit trail).
    """
    with transaction.atomic(), audit.acting_as(user, reason=_("report accepted")):
        locked = _transition(report, "accept", user, "accept")
        locked.status = ReportStatus.ACCEPTED
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
    return locked


def add_comment(report: Report, *, user, body: str, kpi: Kpi | None = None) -> Comment:
    """Add to the thread of the report, or of one of its values (``kpi``), from either side.

    Side effects: one Comment (audit trail).
    """
    if not permissions.can_comment(user, report):
        raise NotAllowed(_("You cannot comment on this report."))
    if not body or not body.strip():
        raise WorkflowError(_("The comment is empty."))
    if kpi is not None and not report.pact.pact_kpis.filter(kpi=kpi).exists():
        raise WorkflowError(_("%(kpi)s is not in this report.") % {"kpi": kpi.code})
    with transaction.atomic(), audit.acting_as(user, reason=_("comment")):
        return Comment.objects.create(report=report, author=user, body=body.strip(), kpi=kpi)


def correct_report(
    report: Report,
    values: Mapping[str, object],
    reason: str,
    user,
    notes: Mapping[str, str] | None = None,
) -> Report:
    """Correct an accepted report: a new version with the changed values; the old one stays readable.

    ``values`` holds the changed values only; the others carry over. A correction
    by the agency is accepted at once; one by the cluster's manager waits for
    review as submitted.
    Side effects: the old version is marked not current; a new Report (version + 1,
    ``corrects`` the old one, with the reason), its values and the old version's evidence
    rows (sharing the files); all in the audit trail.
    """
    if not permissions.can_correct_report(user, report):
        raise NotAllowed(_("You cannot correct this report."))
    if not reason or not reason.strip():
        raise WorkflowError(_("A correction needs a reason."))
    with transaction.atomic(), audit.acting_as(user, reason=reason.strip()[:255]):
        old = Report.objects.select_for_update().get(pk=report.pk)
        if old.status != ReportStatus.ACCEPTED or not old.is_current:
            raise WorkflowError(_("Only the current version of an accepted report is corrected."))
        raw = {**_stored_raw(old), **values}
        check = check_values(old, raw)
        if check.problems:
            raise InvalidValues(check.problems)
        old_notes = {v.kpi.code: v.note for v in old.values.select_related("kpi")}
        old.is_current = False
        old.save(update_fields=["is_current", "updated_at"])
        agency = permissions.can_review_report(user, old)
        new = Report.objects.create(
            pact=old.pact,
            period_start=old.period_start,
            period_end=old.period_end,
            due_date=old.due_date,
            version=old.version + 1,
            corrects=old,
            correction_reason=reason.strip(),
            status=ReportStatus.ACCEPTED if agency else ReportStatus.SUBMITTED,
            submitted_at=timezone.now(),
            accepted_at=timezone.now() if agency else None,
            accepted_by=user if agency else None,
        )
        _store_values(new, check.values, {**old_notes, **(notes or {})})
        _copy_evidence(old, new)
    return new


def _copy_evidence(old: Report, new: Report) -> None:
    """Carry the evidence files over to the new version; the rows share the stored files."""
    for item in old.evidence.all():
        Evidence.objects.create(
            report=new,
            kpi_id=item.kpi_id,
            stored_name=item.stored_name,
            filename=item.filename,
            size=item.size,
            content_type=item.content_type,
            uploaded_by_id=item.uploaded_by_id,
        )


def versions(report: Report) -> list[Report]:
    """Every version of the report's period, oldest first."""
    return list(
        Report.objects.filter(pact=report.pact_id, period_start=report.period_start).order_by(
            "version"
        )
    )
