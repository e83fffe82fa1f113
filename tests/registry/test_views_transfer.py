"""Member import, export and template pages: the flow, and who may use them."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from clusterpact.accounts.models import AuditEntry
from clusterpact.registry.models import Membership, Organisation

from .test_imports import HEADER, csv_bytes, good_rows, xlsx_bytes

pytestmark = pytest.mark.django_db

IMPORT = reverse("registry:member-import", args=["alpha"])
COMMIT = reverse("registry:member-import-commit", args=["alpha"])


@pytest.fixture(autouse=True)
def english_and_private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def upload(client, data: bytes, name="members.csv", url=IMPORT):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def stored_uploads(settings) -> list:
    folder = settings.MEDIA_ROOT / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_manager_previews_and_commits_a_clean_file(client, manager_a, cluster_a, settings):
    client.force_login(manager_a)
    assert client.get(IMPORT).status_code == 200

    preview = upload(client, xlsx_bytes(good_rows()), "members.xlsx")

    assert preview.status_code == 200
    assert preview.context["preview"].new_memberships == 4
    page = preview.content.decode()
    assert "The file has no problems" in page
    assert Organisation.objects.count() == 0
    assert len(stored_uploads(settings)) == 1
    token = preview.context["token"]

    done = client.post(COMMIT, {"token": token}, follow=True)

    assert done.redirect_chain[-1][0] == cluster_a.get_absolute_url()
    assert "Imported members.xlsx: 4 memberships and 4 new organisations." in done.content.decode()
    assert Membership.objects.filter(cluster=cluster_a).count() == 4
    assert AuditEntry.objects.filter(reason="import members.xlsx", actor=manager_a).count() == 8
    assert stored_uploads(settings) == []


def test_preview_lists_problems_with_row_and_column_and_announces_the_count(
    client, manager_a, cluster_a, settings
):
    rows = good_rows()
    rows[1][1] = "0123.456.750"
    rows[2][6] = "99.99"
    client.force_login(manager_a)

    response = upload(client, csv_bytes(rows, header=["Naam", *HEADER[1:]]))

    page = response.content.decode()
    assert 'role="alert"' in page
    assert "2 problems found; nothing has been saved." in page
    assert '<th scope="col" class="num">Row</th>' in page
    assert [(p["row"], p["column"]) for p in response.context["problems"]] == [
        (3, "enterprise_number"),
        (4, "nace_code"),
    ]
    assert response.context["token"] is None
    assert stored_uploads(settings) == []
    assert 'name="token"' not in page


def test_problem_columns_are_named_as_in_the_users_header(client, manager_a, cluster_a):
    dutch = ["Naam", "Ondernemingsnummer", *HEADER[2:]]
    rows = good_rows()
    rows[0][1] = "12"
    client.force_login(manager_a)
    response = upload(client, csv_bytes(rows, header=dutch))
    assert response.context["problems"][0]["column"] == "Ondernemingsnummer"


def test_unreadable_file_is_reported(client, manager_a, cluster_a):
    client.force_login(manager_a)
    response = upload(client, b"%PDF-1.7 binary\x00", "members.pdf")
    assert response.status_code == 200
    assert "1 problem found" in response.content.decode()


def test_too_large_upload_is_refused_before_parsing(client, manager_a, cluster_a, settings):
    settings.IMPORT_MAX_BYTES = 50
    client.force_login(manager_a)
    response = upload(client, csv_bytes(good_rows()))
    assert "the limit is" in response.content.decode()


def test_missing_file_shows_the_form_again(client, manager_a, cluster_a):
    client.force_login(manager_a)
    response = client.post(IMPORT, {})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_commit_with_unknown_or_foreign_token_saves_nothing(
    client, manager_a, officer, cluster_a, settings
):
    client.force_login(manager_a)
    token = upload(client, csv_bytes(good_rows())).context["token"]
    client.force_login(officer)  # another session does not know the token

    for value in (token, "../../etc/passwd", ""):
        response = client.post(COMMIT, {"token": value})
        assert response.status_code == 302
        assert response.url == IMPORT
    assert Organisation.objects.count() == 0


def test_token_is_bound_to_its_cluster(client, officer, cluster_a, cluster_b):
    client.force_login(officer)
    token = upload(client, csv_bytes(good_rows())).context["token"]
    beta_commit = reverse("registry:member-import-commit", args=["beta"])
    assert client.post(beta_commit, {"token": token}).status_code == 302
    assert Membership.objects.count() == 0


def test_commit_checks_the_file_again(client, manager_a, cluster_a):
    client.force_login(manager_a)
    rows = good_rows()[:1]
    token = upload(client, csv_bytes(rows)).context["token"]
    # Between preview and commit the same organisation joins with an overlapping period.
    Organisation.objects.create(
        name="Acme NV",
        enterprise_number=rows[0][1].replace(".", ""),
        helix_role="company",
        kind="company",
    )
    Membership.objects.create(
        organisation=Organisation.objects.get(), cluster=cluster_a, start="2023-01-01"
    )
    response = client.post(COMMIT, {"token": token})
    assert response.status_code == 409
    assert "Overlaps the membership already registered" in response.content.decode()
    assert Membership.objects.count() == 1


def test_commit_twice_imports_once(client, manager_a, cluster_a):
    client.force_login(manager_a)
    token = upload(client, csv_bytes(good_rows())).context["token"]
    client.post(COMMIT, {"token": token})
    client.post(COMMIT, {"token": token})
    assert Membership.objects.count() == 4


# ------------------------------------------------------------------ export and template


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_round_trips_through_the_import(client, manager_a, members_a, cluster_a, fmt):
    client.force_login(manager_a)
    response = client.get(reverse("registry:member-export", args=["alpha", fmt]))
    assert response.status_code == 200
    assert 'filename="alpha-members-' in response["Content-Disposition"]
    content = response.content

    preview = upload(client, content, f"export.{fmt}").context["preview"]

    assert preview.problems == ()
    assert (preview.new_memberships, preview.skipped_memberships) == (0, 3)


def test_csv_export_has_the_import_header(client, manager_a, members_a):
    client.force_login(manager_a)
    content = client.get(reverse("registry:member-export", args=["alpha", "csv"])).content
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:12] == HEADER
    assert lines[1].startswith("Large Firm;0200.065.765;BE;")
    assert len(lines) == 4


def test_xlsx_export_keeps_enterprise_numbers_as_text(client, manager_a, members_a):
    client.force_login(manager_a)
    content = client.get(reverse("registry:member-export", args=["alpha", "xlsx"])).content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["B2"].value == "0200.065.765"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_downloads(client, evaluator, fmt):
    client.force_login(evaluator)
    response = client.get(reverse("registry:member-template", args=[fmt]))
    assert response.status_code == 200
    assert 'filename="members-template.' in response["Content-Disposition"]


def test_unknown_format_is_404(client, manager_a, cluster_a):
    client.force_login(manager_a)
    assert client.get(reverse("registry:member-export", args=["alpha", "pdf"])).status_code == 404
    assert client.get(reverse("registry:member-template", args=["ods"])).status_code == 404


def test_cluster_page_shows_the_buttons_only_to_those_who_may_change(
    client, manager_a, evaluator, cluster_a
):
    client.force_login(manager_a)
    assert IMPORT in client.get(cluster_a.get_absolute_url()).content.decode()
    client.force_login(evaluator)
    assert IMPORT not in client.get(cluster_a.get_absolute_url()).content.decode()


# ------------------------------------------------------------------ permissions per role

PROTECTED = [
    ("get", IMPORT),
    ("post", IMPORT),
    ("post", COMMIT),
    ("get", reverse("registry:member-export", args=["alpha", "csv"])),
    ("get", reverse("registry:member-export", args=["alpha", "xlsx"])),
]


@pytest.mark.parametrize(("method", "url"), PROTECTED)
@pytest.mark.parametrize("role_fixture", ["admin_user", "officer", "manager_a"])
def test_agency_and_the_clusters_manager_may_use_them(
    client, request, cluster_a, role_fixture, method, url
):
    client.force_login(request.getfixturevalue(role_fixture))
    response = getattr(client, method)(url)
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize(("method", "url"), PROTECTED)
def test_manager_of_another_cluster_gets_404(client, manager_b, cluster_a, method, url):
    client.force_login(manager_b)
    assert getattr(client, method)(url).status_code == 404


@pytest.mark.parametrize(("method", "url"), PROTECTED)
def test_read_only_evaluator_gets_403(client, evaluator, cluster_a, method, url):
    client.force_login(evaluator)
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize(("method", "url"), PROTECTED)
@pytest.mark.parametrize("role_fixture", ["applicant", "reviewer"])
def test_roles_without_registry_access_get_404(
    client, request, cluster_a, role_fixture, method, url
):
    client.force_login(request.getfixturevalue(role_fixture))
    assert getattr(client, method)(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        IMPORT,
        reverse("registry:member-export", args=["alpha", "csv"]),
        reverse("registry:member-template", args=["csv"]),
    ],
)
def test_anonymous_is_sent_to_login(client, cluster_a, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_commit_is_sent_to_login(client, cluster_a):
    response = client.post(COMMIT, {"token": "0" * 32})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("put", IMPORT),
        ("delete", IMPORT),
        ("get", COMMIT),
        ("post", reverse("registry:member-export", args=["alpha", "csv"])),
        ("post", reverse("registry:member-template", args=["csv"])),
    ],
)
def test_wrong_method_is_405(client, manager_a, cluster_a, method, url):
    client.force_login(manager_a)
    assert getattr(client, method)(url).status_code == 405


def test_upload_without_csrf_token_is_refused(manager_a, cluster_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_a)
    response = upload(client, csv_bytes(good_rows()))
    assert response.status_code == 403
    assert Organisation.objects.count() == 0


def test_long_problem_lists_are_cut_with_the_full_count(client, manager_a, cluster_a):
    from .test_imports import _number

    rows = [
        [
            f"Firm {i}",
            _number(500 + i),
            "BE",
            "",
            "company",
            "company",
            "99.99",
            "",
            "",
            "",
            "2024-01-01",
            "",
        ]
        for i in range(1003)
    ]
    client.force_login(manager_a)
    response = upload(client, csv_bytes(rows))
    page = response.content.decode()
    assert "1003 problems found" in page
    assert "3 more are not shown" in page
    assert len(response.context["problems"]) == 1000
