"""Mail reminders about reports: run once a day from cron.

0 7 * * *  manage.py send_report_reminders
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clusterpact.pacts import reminders


class Command(BaseCommand):
    help = (
        "Mail cluster managers about reports due within --days or overdue, and programme "
        "officers a digest of reports waiting for review; each person at most once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Remind of reports due within this many days (default: the "
            f"PACTS_REMINDER_DAYS setting, else {reminders.DEFAULT_DAYS}).",
        )
        parser.add_argument(
            "--today", help="The date to act as, YYYY-MM-DD (for testing; default: today)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be sent; send and record nothing, create no due reports.",
        )

    def handle(self, *args, days, today, dry_run, **options):
        if days is not None and days < 0:
            raise CommandError("--days cannot be negative.")
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today {today!r} is not a date as YYYY-MM-DD.") from error
        if not dry_run:
            created = reminders.create_due_reports()
            if created:
                self.stdout.write(f"Created {created} due report(s).")
        outcome = reminders.send(today=day, days=days, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        for reminder in outcome.sent:
            self.stdout.write(
                f"{verb} to {reminder.recipient.email}: {reminder.subject} "
                f"({len(reminder.reports)} report(s))"
            )
        for reminder in outcome.already_sent:
            self.stdout.write(f"Already sent today to {reminder.recipient.email}: {reminder.kind}")
        for user in outcome.without_email:
            self.stderr.write(f"No e-mail address for {user.get_username()}; not reminded.")
        for reminder, error in outcome.failed:
            self.stderr.write(f"Could not send to {reminder.recipient.email}: {error}")
        self.stdout.write(
            f"{verb} {len(outcome.sent)}, already sent today {len(outcome.already_sent)}, "
            f"without an e-mail address {len(outcome.without_email)}, "
            f"failed {len(outcome.failed)}."
        )
        if outcome.failed:
            # A non-zero exit makes cron report it; the next run retries these.
            raise CommandError(f"{len(outcome.failed)} reminder(s) could not be sent.")
