"""Login throttling, password policy, security headers and deployment checks."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_works_with_the_right_password(client, officer):
    response = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/dashboard/"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_login_is_locked_after_repeated_failures(client, officer):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "officer", "password": "wrong-password-123"})
    locked = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("weak", ["short1!", "password1234", "123456789012", "officer2026"])
def test_weak_passwords_are_refused(officer, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=officer)


def test_content_security_policy_forbids_inline_script(client):
    header = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in header
    assert "unsafe-inline" not in header
    assert "frame-ancestors 'none'" in header


def test_pages_carry_no_inline_script_or_style(client, officer, members_a):
    client.force_login(officer)
    for url in [
        "/",
        "/dashboard/",
        "/registry/clusters/",
        "/registry/clusters/alpha/",
        "/registry/organisations/",
    ]:
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<script type" not in html
        assert " style=" not in html and "<style" not in html
        assert "onclick=" not in html


def test_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_production_settings_pass_the_deployment_check(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("p" * 30 + "-production-secret-for-the-check-" + "q" * 20)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CLUSTERPACT_", "SECURE_", "DEBUG", "DJANGO_SETTINGS"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "clusterpact.settings",
        "DEBUG": "false",
        "SECRET_KEY_FILE": str(secret),
        "ALLOWED_HOSTS": "clusters.example.eu",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CLUSTERPACT_", "SECRET_KEY", "DEBUG"))
    }
    env |= {"DJANGO_SETTINGS_MODULE": "clusterpact.settings", "DEBUG": "false"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def _production_env(tmp_path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLUSTERPACT_", "DEBUG"))}
    return env | {
        "DJANGO_SETTINGS_MODULE": "clusterpact.settings",
        "DEBUG": "false",
        "SECRET_KEY": "s" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    }


def test_app_processes_can_share_one_cache_in_the_database(tmp_path):
    env = _production_env(tmp_path, CACHE_BACKEND="database")
    django = [sys.executable, "-m", "django"]
    subprocess.run([*django, "createcachetable"], env=env, check=True, capture_output=True)
    write = "import django; django.setup(); from django.core.cache import cache; cache.set('k', 42)"
    read = (
        "import django; django.setup(); from django.core.cache import cache; print(cache.get('k'))"
    )
    subprocess.run([sys.executable, "-c", write], env=env, check=True, capture_output=True)
    result = subprocess.run([sys.executable, "-c", read], env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "42", result.stderr


def test_an_unknown_cache_backend_is_refused(tmp_path):
    env = _production_env(tmp_path, CACHE_BACKEND="redis")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert "CACHE_BACKEND must be 'memory' or 'database'" in result.stderr


@pytest.mark.parametrize(
    ("role_fixture", "expected"),
    [
        (
            "officer",
            [
                "/",
                "/dashboard/",
                "/registry/clusters/",
                "/registry/organisations/",
                "/pacts/",
                "/funding/",
                "/calls/",
                "/landscape/",
                "/scenarios/",
                "/evaluation/",
            ],
        ),
        (
            "manager_a",
            [
                "/",
                "/dashboard/",
                "/registry/clusters/",
                "/registry/organisations/",
                "/pacts/",
                "/funding/",
                "/landscape/",
                "/scenarios/",
            ],
        ),
        (
            "evaluator",
            [
                "/",
                "/dashboard/",
                "/registry/clusters/",
                "/registry/organisations/",
                "/pacts/",
                "/funding/",
                "/landscape/",
                "/scenarios/",
                "/evaluation/",
            ],
        ),
        ("applicant", ["/", "/dashboard/", "/calls/"]),
        ("reviewer", ["/", "/dashboard/", "/calls/"]),
    ],
)
def test_menu_offers_only_what_the_role_can_open(client, request, role_fixture, expected):
    client.force_login(request.getfixturevalue(role_fixture))
    menu = client.get("/dashboard/").context["main_menu"]
    assert [item["url"] for item in menu] == expected
    for url in expected:
        assert client.get(url).status_code == 200
