"""Reminders by mail: cluster managers about reports due soon or overdue, officers about reports to review.

Run daily from cron through ``manage.py send_report_reminders``. Each person gets
at most one reminder of each kind a day: the row in :class:`ReminderSent` is
claimed (inserted under its unique constraint) before the mail goes out, in one
transaction with the sending, so two runs on the same day cannot both send it
and a failed send is tried again by the next run.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterpact.accounts.models import Role, User

from . import domain
from .models import Pact, PactStatus, ReminderKind, ReminderSent, Report, ReportStatus

DEFAULT_DAYS = 14


def default_days() -> int:
    return int(getattr(settings, "PACTS_REMINDER_DAYS", DEFAULT_DAYS))


@dataclass(frozen=True)
class Reminder:
    recipient: User
    kind: str
    reports: tuple[Report, ...]
    subject: str
    body: str


@dataclass
class Outcome:
    sent: list[Reminder] = field(default_factory=list)
    already_sent: list[Reminder] = field(default_factory=list)
    without_email: list[User] = field(default_factory=list)
    failed: list[tuple[Reminder, str]] = field(default_factory=list)


def _open_reports():
    return (
        Report.objects.filter(is_current=True, pact__status=PactStatus.SIGNED)
        .select_related("pact__cluster")
        .order_by("due_date", "pact__cluster__name", "period_start")
    )


def due_reports(today: dt.date, days: int) -> list[Report]:
    """Reports still to be filled in whose due date is at most ``days`` away, overdue ones included."""
    return list(
        _open_reports().filter(
            status__in=ReportStatus.editable(), due_date__lte=today + dt.timedelta(days=days)
        )
    )


def waiting_reports() -> list[Report]:
    return list(_open_reports().filter(status__in=ReportStatus.waiting_for_review()))


def _link(report: Report) -> str:
    base = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    return f"{base}{report.get_absolute_url()}"


def _due_line(report: Report, today: dt.date) -> str:
    values = {
        "cluster": report.pact.cluster.name,
        "period": report.period_label,
        "due": f"{report.due_date:%Y-%m-%d}",
        "link": _link(report),
    }
    if report.due_date < today:
        return _("%(cluster)s, %(period)s: was due on %(due)s and is overdue. %(link)s") % values
    return _("%(cluster)s, %(period)s: due on %(due)s. %(link)s") % values


def _waiting_line(report: Report) -> str:
    return _("%(cluster)s, %(period)s: %(status)s on %(date)s. %(link)s") % {
        "cluster": report.pact.cluster.name,
        "period": report.period_label,
        "status": report.get_status_display(),
        "date": f"{report.submitted_at:%Y-%m-%d}" if report.submitted_at else "—",
        "link": _link(report),
    }


def _due_reminder(user: User, reports: list[Report], today: dt.date) -> Reminder:
    subject = ngettext(
        "%(count)s cluster report is due or overdue",
        "%(count)s cluster reports are due or overdue",
        len(reports),
    ) % {"count": len(reports)}
    body = "\n\n".join(
        [
            _("Dear %(name)s,") % {"name": user.get_full_name() or user.get_username()},
            _("These reports of your cluster are to be filled in and submitted:"),
            "\n".join(f"- {_due_line(r, today)}" for r in reports),
            _("You can enter the values in the web form or upload the Excel workbook."),
        ]
    )
    return Reminder(user, ReminderKind.DUE, tuple(reports), subject, body)


def _review_reminder(user: User, reports: list[Report]) -> Reminder:
    subject = ngettext(
        "%(count)s cluster report is waiting for review",
        "%(count)s cluster reports are waiting for review",
        len(reports),
    ) % {"count": len(reports)}
    body = "\n\n".join(
        [
            _("Dear %(name)s,") % {"name": user.get_full_name() or user.get_username()},
            _("These reports are waiting for your review:"),
            "\n".join(f"- {_waiting_line(r)}" for r in reports),
        ]
    )
    return Reminder(user, ReminderKind.REVIEW, tuple(reports), subject, body)


def plan(*, today: dt.date, days: int) -> list[Reminder]:
    """The reminders for ``today``: one per manager with reports due, one per officer if any wait."""
    by_manager: dict[int, list[Report]] = defaultdict(list)
    due = due_reports(today, days)
    managers = {}
    cluster_ids = {r.pact.cluster_id for r in due}
    for user in User.objects.filter(
        is_active=True, role=Role.CLUSTER_MANAGER, managed_clusters__in=cluster_ids
    ).distinct():
        managers[user.pk] = user
    links = User.managed_clusters.through.objects.filter(
        cluster_id__in=cluster_ids, user_id__in=list(managers)
    ).values_list("cluster_id", "user_id")
    managers_of: dict[int, list[int]] = defaultdict(list)
    for cluster_id, user_id in links:
        managers_of[cluster_id].append(user_id)
    for report in due:
        for user_id in managers_of[report.pact.cluster_id]:
            by_manager[user_id].append(report)
    reminders = [_due_reminder(managers[pk], reports, today) for pk, reports in by_manager.items()]
    waiting = waiting_reports()
    if waiting:
        officers = User.objects.filter(is_active=True, role=Role.OFFICER).order_by("username")
        reminders.extend(_review_reminder(user, waiting) for user in officers)
    return reminders


def create_due_reports() -> int:
    """Create the reports of every signed pact whose periods have ended (as the pact page does)."""
    created = 0
    for pact in Pact.objects.filter(status=PactStatus.SIGNED):
        created += len(domain.ensure_due_reports(pact))
    return created


def send(*, today: dt.date, days: int | None = None, dry_run: bool = False) -> Outcome:
    """Send today's reminders through Django's mail settings, each at most once a day.

    With ``dry_run`` nothing is sent or recorded; the outcome lists what would be. A mail
    the server refuses is listed as failed and left unrecorded, so the next run retries it.
    Side effects (otherwise): one ReminderSent row per mail, then the mail.
    """
    days = default_days() if days is None else days
    outcome = Outcome()
    with translation.override(settings.LANGUAGE_CODE):
        reminders = plan(today=today, days=days)
    already = set(ReminderSent.objects.filter(sent_on=today).values_list("recipient_id", "kind"))
    for reminder in reminders:
        if not reminder.recipient.email:
            outcome.without_email.append(reminder.recipient)
            continue
        if (reminder.recipient.pk, reminder.kind) in already:
            outcome.already_sent.append(reminder)
            continue
        if dry_run:
            outcome.sent.append(reminder)
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    recipient=reminder.recipient,
                    kind=reminder.kind,
                    sent_on=today,
                    reports=[r.pk for r in reminder.reports],
                )
                send_mail(
                    reminder.subject,
                    reminder.body,
                    settings.DEFAULT_FROM_EMAIL,
                    [reminder.recipient.email],
                )
        except IntegrityError:
            # Another run claimed this reminder between the check above and the insert.
            outcome.already_sent.append(reminder)
            continue
        # A refused or unreachable mail server: the claim is rolled back, the next run retries,
        # and the other recipients are still reminded.
        except (OSError, smtplib.SMTPException) as error:
            outcome.failed.append((reminder, str(error)))
            continue
        outcome.sent.append(reminder)
    return outcome
