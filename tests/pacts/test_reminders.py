"""send_report_reminders: who gets which mail, when, and never twice on the same day.

The conftest pact starts on 2022-01-01 with yearly reports due three months after
each year: the 2022 report is due on 2023-03-31.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterpact.pacts import domain, reminders
from clusterpact.pacts.models import ReminderSent

from .conftest import VALID, full_targets


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.SITE_URL = "https://pacts.example.org"


@pytest.fixture
def people(manager_a, manager_b, officer):
    for user, address in (
        (manager_a, "a@example.org"),
        (manager_b, "b@example.org"),
        (officer, "officer@example.org"),
    ):
        user.email = address
        user.save()
    return manager_a, manager_b, officer


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_report_reminders", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_manager_is_reminded_of_a_report_due_within_the_window(people, report):
    run("--today", "2023-03-17")  # 2023-03-31 is exactly 14 days away
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["a@example.org"]
    assert message.subject == "1 cluster report is due or overdue"
    assert (
        f"- Alpha Cluster, 2022-01-01 – 2022-12-31: due on 2023-03-31. "
        f"https://pacts.example.org/pacts/reports/{report.pk}/" in message.body
    )
    assert "overdue." not in message.body.replace("due or overdue", "")


def test_a_day_before_the_window_nobody_is_reminded(people, report):
    out = run("--today", "2023-03-16")
    assert mail.outbox == []
    assert "Sent 0, already sent today 0" in out


def test_overdue_reports_are_named_overdue_and_days_can_be_set(people, signed_pact, report):
    run("--today", "2024-04-02", "--days", "0")
    (message,) = mail.outbox
    assert message.subject == "2 cluster reports are due or overdue"
    assert "2022-01-01 – 2022-12-31: was due on 2023-03-31 and is overdue." in message.body
    assert "2023-01-01 – 2023-12-31: was due on 2024-03-31 and is overdue." in message.body
    assert "2024-01-01" not in message.body


def test_officers_get_a_digest_of_reports_waiting_for_review(people, submitted):
    run("--today", "2023-04-05", "--days", "0")
    by_recipient = {m.to[0]: m for m in mail.outbox}
    digest = by_recipient["officer@example.org"]
    assert digest.subject == "1 cluster report is waiting for review"
    assert "2022-01-01 – 2022-12-31: Submitted on" in digest.body
    # The submitted report is no longer the manager's to do; nothing else is due yet.
    assert "a@example.org" not in by_recipient


def test_accepted_and_other_clusters_reports_are_left_out(people, officer, submitted):
    domain.accept_report(submitted, user=officer)
    run("--today", "2023-04-05", "--days", "0")
    assert mail.outbox == []


def test_never_twice_on_the_same_day_but_again_the_next(people, report):
    run("--today", "2023-03-20")
    second = run("--today", "2023-03-20")
    assert len(mail.outbox) == 1
    assert "Already sent today to a@example.org: due" in second
    run("--today", "2023-03-21")
    assert len(mail.outbox) == 2
    sent = ReminderSent.objects.values_list("sent_on", "kind", "reports")
    assert sorted((f"{day:%Y-%m-%d}", kind, ids) for day, kind, ids in sent) == [
        ("2023-03-20", "due", [report.pk]),
        ("2023-03-21", "due", [report.pk]),
    ]


def test_dry_run_sends_and_records_nothing(people, report):
    out = run("--today", "2023-03-20", "--dry-run")
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()
    assert "Would send to a@example.org: 1 cluster report is due or overdue (1 report(s))" in out


def test_manager_without_an_address_is_named_not_mailed(manager_a, report):
    out = run("--today", "2023-03-20")
    assert mail.outbox == []
    assert "No e-mail address for manager-a; not reminded." in out
    assert not ReminderSent.objects.exists()


def test_a_failing_mail_server_records_nothing_so_the_next_run_retries(people, report, settings):
    settings.EMAIL_BACKEND = "tests.pacts.test_reminders.FailingBackend"
    with pytest.raises(CommandError, match="1 reminder\\(s\\) could not be sent"):
        run("--today", "2023-03-20")
    assert not ReminderSent.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run("--today", "2023-03-20")
    assert len(mail.outbox) == 1


def test_bad_arguments_are_refused(db):
    with pytest.raises(CommandError, match="is not a date"):
        run("--today", "31/03/2023")
    with pytest.raises(CommandError, match="cannot be negative"):
        run("--days", "-1")


def test_values_saved_by_the_manager_do_not_stop_the_reminder(people, manager_a, report):
    # A draft with values is still a report to submit.
    domain.save_report_values(report, values=VALID, user=manager_a)
    run("--today", "2023-03-20")
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("connection refused")


def test_sent_reminders_are_listed_read_only_in_the_administration(
    client, admin_user, people, report
):
    run("--today", "2023-03-20")
    client.force_login(admin_user)
    page = client.get(reverse("admin:pacts_remindersent_changelist"))
    assert page.status_code == 200
    assert "2023" in page.content.decode() and "manager-a" in page.content.decode()
    assert client.get(reverse("admin:pacts_remindersent_add")).status_code == 403


def test_planning_takes_the_same_queries_for_one_cluster_or_two(
    people, officer, cluster_b, signed_pact, report
):
    today = dt.date(2024, 4, 2)
    with CaptureQueriesContext(connection) as one:
        assert len(reminders.plan(today=today, days=0)) == 1
    other = domain.create_pact(cluster=cluster_b, start=dt.date(2022, 1, 1), user=officer)
    domain.set_targets(other, values=full_targets(other), user=officer)
    domain.sign_pact(other, user=officer)
    with CaptureQueriesContext(connection) as two:
        planned = reminders.plan(today=today, days=0)
    assert sorted(r.recipient.username for r in planned) == ["manager-a", "manager-b"]
    assert len(two.captured_queries) == len(one.captured_queries)
