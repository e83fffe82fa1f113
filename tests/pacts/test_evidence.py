"""Evidence files: checked on upload, stored under MEDIA_ROOT, served only to the report's readers."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterpact.accounts.models import AuditEntry
from clusterpact.pacts import domain, evidence
from clusterpact.pacts.models import Evidence

from .conftest import VALID

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def attach(client, report, kpi, name="minutes.pdf", content=PDF):
    return client.post(
        reverse("pacts:report-evidence-add", args=[report.pk]),
        {"kpi": kpi.pk, "file": SimpleUploadedFile(name, content)},
    )


def test_manager_attaches_and_officer_downloads(
    english, manager_a, officer, report, catalogue, media
):
    english.force_login(manager_a)
    response = attach(english, report, catalogue["collab-projects"])
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert (item.report, item.kpi.code, item.filename, item.size) == (
        report,
        "collab-projects",
        "minutes.pdf",
        len(PDF),
    )
    stored = media / item.stored_name
    assert stored.read_bytes() == PDF
    assert item.stored_name.startswith(f"pacts/evidence/{report.pk}/")
    assert "minutes" not in item.stored_name
    assert AuditEntry.objects.filter(object_repr__contains="minutes.pdf").exists()
    detail = english.get(reverse("pacts:report-detail", args=[report.pk])).content.decode()
    url = reverse("pacts:report-evidence", args=[report.pk, item.pk])
    assert url in detail

    english.force_login(officer)
    response = english.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="minutes.pdf"' in response["Content-Disposition"]


def test_other_cluster_manager_gets_404(client, manager_a, manager_b, report, catalogue):
    item = evidence.add_evidence(
        report,
        kpi=catalogue["members"],
        upload=SimpleUploadedFile("list.csv", b"a;b\n1;2\n"),
        user=manager_a,
    )
    client.force_login(manager_b)
    assert (
        client.get(reverse("pacts:report-evidence", args=[report.pk, item.pk])).status_code == 404
    )
    assert attach(client, report, catalogue["members"]).status_code == 404
    delete = reverse("pacts:report-evidence-delete", args=[report.pk, item.pk])
    assert client.post(delete).status_code == 404
    assert Evidence.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "Only these file types are accepted:"),
        ("scan.pdf", b"\x89PNG\r\n\x1a\n....", "The file is named .pdf but its content is not"),
        ("notes.txt", b"abc\x00def", "The file is named .txt but its content is not text."),
        ("empty.pdf", b"", "The submitted file is empty."),
    ],
)
def test_wrong_files_are_refused_and_nothing_stored(
    english, manager_a, report, catalogue, media, name, content, message
):
    english.force_login(manager_a)
    response = attach(english, report, catalogue["members"], name=name, content=content)
    assert response.status_code == 302
    page = english.get(response["Location"]).content.decode()
    assert message in page
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in Path(media).rglob("*"))


def test_size_limit_from_the_setting(settings, manager_a, report, catalogue):
    settings.PACTS_EVIDENCE_MAX_BYTES = 20
    with pytest.raises(evidence.EvidenceRefused, match="the limit is 0.0 MB"):
        evidence.add_evidence(
            report,
            kpi=catalogue["members"],
            upload=SimpleUploadedFile("big.pdf", PDF),
            user=manager_a,
        )
    assert evidence.check_file("small.pdf", b"%PDF-", 20) is None


def test_submitted_report_takes_no_evidence(client, manager_a, officer, submitted, catalogue):
    client.force_login(manager_a)
    assert attach(client, submitted, catalogue["members"]).status_code == 403
    with pytest.raises(domain.NotAllowed):
        evidence.add_evidence(
            submitted,
            kpi=catalogue["members"],
            upload=SimpleUploadedFile("m.pdf", PDF),
            user=officer,
        )
    assert not Evidence.objects.exists()


def test_removal_deletes_the_file(
    client, manager_a, report, catalogue, media, django_capture_on_commit_callbacks
):
    item = evidence.add_evidence(
        report, kpi=catalogue["members"], upload=SimpleUploadedFile("m.pdf", PDF), user=manager_a
    )
    path = media / item.stored_name
    assert path.is_file()
    client.force_login(manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pacts:report-evidence-delete", args=[report.pk, item.pk]))
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert not path.exists()


def test_correction_keeps_the_evidence_of_both_versions(
    manager_a, officer, submitted, catalogue, media, django_capture_on_commit_callbacks
):
    report = submitted
    domain.return_report(report, user=officer, comment="Add the minutes.")
    report.refresh_from_db()
    item = evidence.add_evidence(
        report,
        kpi=catalogue["collab-projects"],
        upload=SimpleUploadedFile("m.pdf", PDF),
        user=manager_a,
    )
    domain.resubmit_report(report, user=manager_a)
    domain.accept_report(report, user=officer)
    report.refresh_from_db()
    new = domain.correct_report(
        report, {**VALID, "collab-projects": "5"}, "One project was missed.", officer
    )
    copied = new.evidence.get()
    assert (copied.stored_name, copied.filename) == (item.stored_name, "m.pdf")
    assert report.evidence.get().stored_name == item.stored_name
    assert (media / item.stored_name).is_file()


def test_report_page_queries_do_not_grow_with_the_evidence(
    client, manager_a, report, catalogue, django_assert_max_num_queries
):
    def add(count):
        for i in range(count):
            evidence.add_evidence(
                report,
                kpi=catalogue["collab-projects"],
                upload=SimpleUploadedFile(f"m{i}.pdf", PDF),
                user=manager_a,
            )

    client.force_login(manager_a)
    url = reverse("pacts:report-detail", args=[report.pk])
    add(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add(2)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url)
    second = Evidence.objects.get(filename="m1.pdf")
    link = reverse("pacts:report-evidence", args=[report.pk, second.pk])
    assert page.content.decode().count(f'href="{link}"') == 2  # beside the value, in the table
