"""The journey's "no console errors, no CSP violations" check can fail: a negative control."""

from __future__ import annotations

import pytest

from .conftest import ConsoleWatch, is_csp_violation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_console_watch_reports_a_csp_violation(browser_context, live_server):
    watch = ConsoleWatch()
    tab = browser_context.new_page()
    tab.on("console", watch.on_console)
    tab.goto(f"{live_server.url}/")
    with tab.expect_console_message(lambda message: is_csp_violation(message.text)):
        # An inline style, which the Content-Security-Policy (style-src 'self') forbids.
        tab.evaluate(
            "() => { const s = document.createElement('style');"
            " s.textContent = 'body { color: red }'; document.head.appendChild(s); }"
        )
    tab.close()
    assert len(watch.csp_violations) == 1
    assert "Content Security Policy" in watch.csp_violations[0]


def test_console_watch_reports_an_unexpected_404_but_not_an_expected_one(
    browser_context, live_server
):
    watch = ConsoleWatch()
    tab = browser_context.new_page()
    tab.on("console", watch.on_console)
    expected = f"{live_server.url}/no-such-page/"
    watch.expect_failure(expected)
    assert tab.goto(expected).status == 404
    assert watch.errors == []
    with tab.expect_console_message(lambda message: message.type == "error"):
        tab.goto(f"{live_server.url}/another-missing-page/")
    tab.close()
    assert len(watch.errors) == 1 and "404" in watch.errors[0]
