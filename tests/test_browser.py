"""What a person sees, in headless Debian Chromium: the app starts offline and draws the map."""

import pytest

from conftest import ARTIFACTS, wait_for_map

pytestmark = pytest.mark.browser


def test_landing_page_names_the_workspace(page, app_url):
    page.goto(app_url)
    page.wait_for_selector("text=Lindenbrück", timeout=30_000)
    assert page.get_by_text("Fiktive Demodaten", exact=False).first.is_visible()
    assert page.watch.external == []
    assert page.watch.console_errors == []


def test_map_page_draws_districts_offline(page, app_url):
    # Enter at the root and navigate like a person: a deep link (/map) makes Streamlit's
    # frontend probe /map/_stcore/health first, a 404 it logs to the console by design.
    page.goto(app_url)
    page.get_by_role("link", name="Karte").first.click()
    frame = wait_for_map(page)
    paths = frame.eval_on_selector_all(".leaflet-overlay-pane path", "els => els.length")
    assert paths >= 14  # one outline per Sozialraum
    box = page.query_selector('iframe[data-testid="stCustomComponentV1"]').bounding_box()
    assert box["height"] > 300
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map_page.png"), full_page=True)
    assert page.watch.external == [], page.watch.external
    assert page.watch.failed == [], page.watch.failed
    assert page.watch.console_errors == [], page.watch.console_errors


def test_switch_to_english(page, app_url):
    page.goto(app_url)
    page.wait_for_selector("text=Lindenbrück", timeout=30_000)
    page.get_by_text("English").click()
    page.wait_for_selector("h1:has-text('Prevention Atlas')", timeout=15_000)
    assert "lang=en" in page.url
    assert page.get_by_role("link", name="Map").first.is_visible()
    assert page.watch.external == [] and page.watch.console_errors == []
