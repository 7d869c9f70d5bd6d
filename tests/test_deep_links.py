"""A shared link as a fresh server's very first request goes through the entry script.

Streamlit runs a ``pages/<name>.py`` directly (legacy pages-directory mode: raw file names in
the sidebar, no language switch, narrow layout, no restored view) when a ``pages/`` folder
sits beside the entry script and the first request is a deep link. Each test starts its own
server so that the deep link really is the first request it serves.
"""

from urllib.parse import urlparse

import pytest
from conftest import PageWatch, app_idle, launch, new_context, wait_for_map

pytestmark = pytest.mark.browser

RAW_FILE_NAMES = ("app", "account", "chain", "edit", "gaps", "home", "import", "lotse", "main")


def nav_labels(page) -> list[str]:
    page.wait_for_selector('[data-testid="stSidebarNav"] a', timeout=60_000)
    # each link is the icon's ligature name and the label, on separate lines
    return [a.inner_text().strip().splitlines()[-1] for a in page.query_selector_all('[data-testid="stSidebarNav"] a')]


def assert_clean(page, deep: str):
    """No outside request, and no failed request or console error except Streamlit's own probe
    of a base path under the deep link (it tries ``<deep>/_stcore/health`` and
    ``host-config`` first, gets 404 and falls back to the root: by design, harmless)."""
    assert page.watch.external == [], page.watch.external
    probes = [f for f in page.watch.failed if urlparse(f.split()[1]).path.startswith(deep + "_stcore/")]
    assert page.watch.failed == probes, page.watch.failed
    assert len(probes) <= 2 and all(f.startswith("404 ") for f in probes), probes
    not_found = [e for e in page.watch.console_errors if "status of 404" in e]
    assert len(not_found) == len(probes) and page.watch.console_errors == not_found, page.watch.console_errors


def open_first(browser, path: str):
    """A fresh server whose first request is ``path``: (server, context, page)."""
    server = launch()
    context = new_context(browser)
    page = context.new_page()
    page.watch = PageWatch(page, urlparse(server.url).netloc)
    page.goto(server.url + path)
    return server, context, page


@pytest.mark.parametrize("lang, labels, legend, panel", [
    ("de", ["Start", "Karte", "Lebenskette", "Lücken & Parallelstrukturen"], "Alleinerziehende Haushalte", "Bevölkerung nach Lebensphase"),
    ("en", ["Home", "Map", "Life chain", "Gaps & duplicates"], "Single-parent households", "Population by life phase"),
])
def test_deep_link_as_first_request_restores_the_view(browser, lang, labels, legend, panel):
    query = "ind=single_parent&d=SR07" + ("&lang=en" if lang == "en" else "")
    server, context, page = open_first(browser, f"/map?{query}")
    try:
        page.wait_for_selector("h3:has-text('Westfeld')", timeout=60_000)  # the district panel of d=SR07
        shown = nav_labels(page)
        assert shown[:4] == labels, shown
        assert not set(shown) & set(RAW_FILE_NAMES), shown
        assert page.get_by_text("Sprache / Language").is_visible()
        width = page.eval_on_selector('[data-testid="stMainBlockContainer"]', "e => e.getBoundingClientRect().width")
        assert width > 900, width  # layout="wide" (a centred page is at most 736 px)
        assert page.get_by_text(panel).first.is_visible()
        frame = wait_for_map(page)
        frame.wait_for_selector(".pa-legend", timeout=60_000)
        assert legend in frame.inner_text(".pa-legend")
        app_idle(page)
        assert "d=SR07" in page.url and "ind=single_parent" in page.url
        assert_clean(page, "/map/")
    finally:
        context.close()
        server.stop()


def test_home_link_leads_to_the_start_page(browser):
    server, context, page = open_first(browser, "/home?lang=en")
    try:
        page.wait_for_selector("h1:has-text('Prevention Atlas')", timeout=60_000)
        assert nav_labels(page)[:2] == ["Home", "Map"]
        assert urlparse(page.url).path == "/" and "lang=en" in page.url
        assert_clean(page, "/home/")
    finally:
        context.close()
        server.stop()
