"""Every task with the keyboard alone, in headless Chromium (WCAG 2.1.1, 2.4.3, 2.4.7): choose a
district and read its figures, filter the offers, read the gaps, use the Lotse and take the
hand-out, sign in and edit an offer. Only key presses move the focus and act; each stop is
checked for a visible focus. Waits are on the app's state (a finished script run, a heading),
never on time."""

from __future__ import annotations

import re

import pytest
from a11y import active_label, focus_is_visible, tab_to
from conftest import ARTIFACTS, planner_session, rerun, settled

pytestmark = pytest.mark.browser


def choose(page, label: str, typed: str):
    """Tab to a select box, type part of an option and take it with Enter."""
    tab_to(page, label)
    assert focus_is_visible(page), label
    page.keyboard.type(typed)
    rerun(page, lambda: page.keyboard.press("Enter"))
    settled(page)


def shown_counts(page) -> str:
    return page.locator("text=/Angezeigt: \\d+ von/").first.inner_text()


def test_the_focus_check_tells_a_visible_focus_from_none(wide):
    """The check itself: a button whose focus ring is taken away has no visible focus."""
    for style, visible in (("", True), ("button:focus, button:focus-visible { outline: none; }", False)):
        wide.set_content(f"<style>{style}</style><p>Text</p><button>Eins</button>"
                         f"<p style='margin-top:40px'>Text</p><button>Zwei</button>")
        tab_to(wide, "Eins", tag="button")
        assert focus_is_visible(wide) is visible, style


def test_choose_a_district_and_read_its_figures(wide, app_url):
    wide.goto(f"{app_url}/map")
    settled(wide, has_map=True)
    choose(wide, "Sozialraum im Fokus", "Westf")
    wide.wait_for_selector("h3:has-text('Westfeld')", timeout=30_000)
    # its figures (population, indicators, offers per phase; the offers as a list once opened):
    # tables a screen reader reads as tables; the keyboard reaches what follows them in the panel
    # (which scrolls to it), up to the link to the district's profile
    wide.wait_for_function("""() => document.querySelectorAll(
        '[class*="st-key-pa_panel_"] [data-testid="stTable"] table').length === 3""", timeout=30_000)
    tab_to(wide, "Sozialraumprofil öffnen", tag="a")
    assert focus_is_visible(wide)
    assert wide.evaluate("""() => { const r = document.activeElement.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight; }""")  # scrolled into view
    rerun(wide, lambda: wide.keyboard.press("Enter"))
    wide.wait_for_selector("h1:has-text('Sozialraumprofil: Westfeld')", timeout=60_000)


def test_filter_the_offers(wide, app_url):
    wide.goto(f"{app_url}/map")
    settled(wide, has_map=True)
    before = shown_counts(wide)
    tab_to(wide, "Lebensphasen")  # the sidebar's first filter
    assert focus_is_visible(wide)
    wide.keyboard.type("Frühe Kindheit")
    rerun(wide, lambda: wide.keyboard.press("Enter"))
    wide.keyboard.press("Escape")
    settled(wide)
    after = shown_counts(wide)
    total = int(re.search(r"von (\d+)", before).group(1))
    assert before.startswith(f"Angezeigt: {total} von") and int(re.search(r"Angezeigt: (\d+)", after).group(1)) < total


def test_read_the_gaps(wide, app_url):
    wide.goto(f"{app_url}/")
    settled(wide)
    tab_to(wide, "Lücken & Parallelstrukturen", tag="a")  # the navigation
    assert focus_is_visible(wide)
    rerun(wide, lambda: wide.keyboard.press("Enter"))
    wide.wait_for_selector("h1:has-text('Lücken')", timeout=60_000)
    settled(wide)
    tab_to(wide, "Lücken", tag="div")  # the first tab: arrow keys move between tabs
    assert wide.evaluate("document.activeElement.getAttribute('role')") == "tab"
    assert focus_is_visible(wide)
    wide.keyboard.press("ArrowRight")
    wide.keyboard.press("Enter")
    wide.wait_for_function("""() => document.activeElement.getAttribute('role') === 'tab'
        && document.activeElement.getAttribute('aria-selected') === 'true'
        && document.activeElement.innerText.includes('Parallel')""", timeout=10_000)


def test_use_the_lotse_and_take_the_hand_out(wide, app_url):
    wide.goto(f"{app_url}/lotse")
    settled(wide, has_map=True)
    tab_to(wide, "Alter der Kinder")
    assert focus_is_visible(wide)
    wide.keyboard.type("1; 4")
    rerun(wide, lambda: wide.keyboard.press("Enter"))
    settled(wide)
    tab_to(wide, "Adresse oder Klick in die Karte")  # the radio group: arrow keys choose
    rerun(wide, lambda: wide.keyboard.press("ArrowRight"))
    wide.wait_for_selector("text=passende Angebote", timeout=60_000)
    settled(wide)
    tab_to(wide, "Wegweiser als PDF")
    assert focus_is_visible(wide)
    with wide.expect_download(timeout=60_000) as download:
        wide.keyboard.press("Enter")
    assert download.value.suggested_filename == "wegweiser.pdf"
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"


def test_sign_in_and_edit_an_offer(browser, workspace_copy, tmp_path):
    from dashboard.model.workspace import read_workspace

    with planner_session(browser, workspace_copy, tmp_path) as (server, page):
        page.goto(f"{server.url}/account")
        settled(page)
        tab_to(page, "Benutzername")
        assert focus_is_visible(page)
        page.keyboard.type("anna")
        page.keyboard.press("Tab")
        assert "Passwort" in active_label(page)
        page.keyboard.type("geheim123")
        rerun(page, lambda: page.keyboard.press("Enter"))  # Enter in the form signs in
        page.wait_for_selector("text=Angemeldet als anna", timeout=60_000)
        tab_to(page, "Angebote pflegen", tag="a")
        rerun(page, lambda: page.keyboard.press("Enter"))
        page.wait_for_selector("h1:has-text('Angebote pflegen')", timeout=60_000)
        settled(page, has_map=True)
        offer = read_workspace(workspace_copy).offers.iloc[3]
        choose(page, "Eintrag", str(offer["offer_id"]))
        page.wait_for_function(f"() => [...document.querySelectorAll('input')].some(i => i.value === "
                               f"{str(offer['name'])!r})", timeout=30_000)
        tab_to(page, "Angebot", tag="input")
        assert page.evaluate("document.activeElement.value") == offer["name"]
        assert focus_is_visible(page)
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type("Elterncafé am Markt")
        tab_to(page, "Speichern", tag="button")
        assert focus_is_visible(page)
        rerun(page, lambda: page.keyboard.press("Enter"))
        page.wait_for_selector("text=Gespeichert.", timeout=60_000)
        saved = read_workspace(workspace_copy).offers.set_index("offer_id").loc[offer["offer_id"], "name"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "keyboard_edit.png"))
        assert saved == "Elterncafé am Markt"
