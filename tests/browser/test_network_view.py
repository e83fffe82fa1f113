"""The interactive network view in a real Chromium: drawn from the JSON endpoint, redrawn on a filter.

The ``page`` fixture fails the test on any console error or CSP violation, so
the static script, the SVG it builds and the htmx swap of the text alternative
all run under the strict Content-Security-Policy.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_journey import log_in
from tests.landscape.conftest import build_network

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def network(cluster_a, cluster_b, members_a, member_b):
    return build_network(cluster_a, cluster_b, members_a, member_b)


def test_network_view_redraws_when_a_filter_changes(
    page,
    screenshot,
    live_server,
    network,
    officer,
):
    base = live_server.url
    log_in(page, base, officer.username)
    page.goto(f"{base}/landscape/network/")
    circles = page.locator("#network-canvas svg circle.node")
    expect(circles).to_have_count(4)
    expect(page.locator("#network-canvas svg line.edge")).to_have_count(4)
    expect(page.locator("#network-status")).not_to_be_empty()
    screenshot("all-organisations")

    page.locator('input[name="helix_role"][value="knowledge"]').check()
    expect(circles).to_have_count(1)
    expect(page.locator("#network-canvas svg line.edge")).to_have_count(0)
    # The text alternative follows the filter too (htmx swaps it in place).
    nodes_table = page.locator("#network-nodes")
    expect(nodes_table).to_contain_text("Test University")
    expect(nodes_table).not_to_contain_text("Small Firm")
    assert "helix_role=knowledge" in page.url
    screenshot("knowledge-institutions")

    page.locator('input[name="helix_role"][value="knowledge"]').uncheck()
    expect(circles).to_have_count(4)
    page.locator(f'#network-canvas circle.node[data-id="o{network["uni"].pk}"]').click()
    details = page.locator("#network-details")
    expect(details).to_contain_text("Test University")
    expect(details.locator("li")).to_have_count(2)  # Small Firm and Large Firm
    page.locator('[data-zoom="in"]').click()
    screenshot("node-selected")


def test_network_view_groups_a_large_selection(
    page,
    screenshot,
    live_server,
    network,
    officer,
    settings,
):
    settings.LANDSCAPE_GRAPH_MAX_NODES = 2
    log_in(page, live_server.url, officer.username)
    page.goto(f"{live_server.url}/landscape/network/")
    expect(page.locator("#network-canvas svg circle.node.group")).to_have_count(2)
    screenshot("grouped")


def test_landscape_pages_render_under_the_csp(page, screenshot, live_server, network, officer):
    log_in(page, live_server.url, officer.username)
    page.goto(f"{live_server.url}/landscape/clusters/alpha/")
    expect(page.locator("#chart-density svg")).to_be_visible()
    screenshot("cluster-measures")
    page.goto(f"{live_server.url}/landscape/partners/")
    page.locator("#id_theme").fill("battery metals recycling")
    page.locator("#id_cluster").select_option("alpha")
    page.locator('#partner-form button[type="submit"]').click()
    expect(page.locator("#partner-results tbody tr")).to_have_count(4)
    screenshot("partner-search")
    page.goto(f"{live_server.url}/landscape/profiles/{network['small'].pk}/")
    page.locator("#id_override").select_option("follower")
    page.locator("#id_reason").fill("Subcontractor only")
    page.locator('form.form button[type="submit"]').click()
    expect(page.locator("#effective-profile")).to_contain_text("Subcontractor only")
    screenshot("profile-set")
