"""A real Chromium (Debian's, never a downloaded one) driven by Playwright against ``live_server``.

Without ``/usr/bin/chromium`` the browser tests are skipped, unless
``CLUSTERPACT_REQUIRE_BROWSER=1`` (set by CI): then they fail, so a green CI run
always means the browser tests ran.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
VIEWPORT = {"width": 1280, "height": 900}


def _browser_required() -> bool:
    return os.environ.get("CLUSTERPACT_REQUIRE_BROWSER", "").strip() == "1"


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        reason = f"Chromium not found at {CHROMIUM} (Debian package 'chromium')"
        if _browser_required():
            pytest.fail(f"{reason}, and CLUSTERPACT_REQUIRE_BROWSER=1 requires the browser tests")
        pytest.skip(f"{reason}; set CLUSTERPACT_REQUIRE_BROWSER=1 to make this a failure")
    return CHROMIUM


def is_csp_violation(text: str) -> bool:
    # Older Chromium says "Refused to apply inline style because it violates ...";
    # Chromium 15x says "Applying inline style violates the following Content Security Policy ...".
    return "Refused to" in text or "Content Security Policy" in text


@dataclass
class ConsoleWatch:
    """Console errors, CSP violations and uncaught exceptions seen by one page.

    A page that is expected to fail (the 404 step) registers its URL with
    :meth:`expect_failure`; the browser's "Failed to load resource" line for
    that URL is then not an error.
    """

    errors: list[str] = field(default_factory=list)
    expected_failures: list[str] = field(default_factory=list)

    def on_console(self, message) -> None:
        if message.type != "error" and not is_csp_violation(message.text):
            return
        url = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and url in self.expected_failures:
            return
        self.errors.append(f"console {message.type}: {message.text} ({url})")

    def on_page_error(self, error) -> None:
        self.errors.append(f"uncaught exception: {error}")

    def expect_failure(self, url: str) -> None:
        self.expected_failures.append(url)

    @property
    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if is_csp_violation(e)]


@pytest.fixture
def browser_context(chromium_executable, tmp_path_factory, monkeypatch) -> Iterator:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread; Django's ORM calls
    # from fixtures and assertions would otherwise be refused as "async unsafe".
    # Set only while a browser runs: a leaked variable fails `check --deploy` in
    # subprocesses that other tests start.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(chromium_executable),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
            locale="nl-BE",
        )
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


@pytest.fixture
def page(browser_context, console, live_server):
    """A fresh tab; the test fails afterwards if it logged an error or a CSP violation."""
    tab = browser_context.new_page()
    tab.on("console", console.on_console)
    tab.on("pageerror", console.on_page_error)
    yield tab
    tab.close()
    assert not console.csp_violations, "CSP violations:\n" + "\n".join(console.csp_violations)
    assert not console.errors, "browser console errors:\n" + "\n".join(console.errors)


@pytest.fixture
def screenshot(request, page):
    """``screenshot("step")`` keeps a full-page PNG under test-artifacts/browser/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name).strip("-")
    for old in ARTIFACTS.glob(f"{test_name}--*.png"):
        old.unlink()
    counter = iter(range(1, 100))

    def take(step: str) -> Path:
        path = ARTIFACTS / f"{test_name}--{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
