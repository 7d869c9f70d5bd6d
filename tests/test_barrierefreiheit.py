"""Barrierefreiheit (BITV 2.0 / WCAG 2.1 AA) in headless Chromium: axe-core finds no serious or
critical violation of the WCAG 2.0/2.1 A and AA rules on any page, in German and English, and
in the states a user reaches (a district chosen, the Lotse's result); ``<html lang>`` follows
the UI language. (Not the 2SFCA "accessibility" measure: that is tests/test_2sfca.py.)"""

from __future__ import annotations

import json
import urllib.request

import pytest
from a11y import axe_violations
from conftest import ARTIFACTS, planner_session, rerun, settled, wait_for_map

from dashboard.app.state import FOOTER_PAGES, PAGES

pytestmark = pytest.mark.browser
URL_PATHS = ["" if name == "home" else name for name in [*PAGES, *FOOTER_PAGES]]  # the start page is the root


def check(page, label: str):
    """axe on the page as it stands, once no fade transition runs; a script run that started
    meanwhile (the map reports its first view, and Streamlit fades what may change) makes it
    look again once settled, and a finding counts when a calm page shows it twice (a fade seen
    half-way under load is no contrast violation)."""
    previous = None
    for _attempt in range(3):
        runs = page.finished_runs
        # Streamlit fades elements during a run and fades them back in afterwards (a CSS
        # transition): axe measures contrast as painted, so wait until no transition runs
        page.wait_for_function("""() => document.getAnimations().every(
            a => !(a instanceof CSSTransition) || a.playState !== 'running')""", timeout=30_000)
        found = axe_violations(page)
        calm = page.evaluate("""() => !document.querySelector('[data-stale="true"]') &&
            !!document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')""")
        if calm and page.finished_runs == runs and (not found or found == previous):
            break  # nothing found, or the same found twice in a calm page: a real finding
        previous = found
        settled(page)
    if found:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"axe_{label.replace('/', '_')}.json").write_text(json.dumps(found, indent=1))
    assert found == [], f"{label}: {json.dumps(found, indent=1, ensure_ascii=False)[:3000]}"


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("path", URL_PATHS)
def test_no_serious_wcag_violations_on_any_page(wide, app_url, path, lang):
    wide.goto(f"{app_url}/{path}" + ("?lang=en" if lang == "en" else ""))
    settled(wide, has_map=path in ("map", "profile", "partner", "networks"))
    wide.wait_for_function(f"document.documentElement.lang === '{lang}'", timeout=30_000)  # the app's script ran
    assert not wide.get_by_text("Page not found").count()
    check(wide, f"{path or 'start'}/{lang}")


def test_no_serious_wcag_violations_with_a_district_chosen(wide, app_url):
    for path in ("map?d=SR07", "chain?d=SR07&p=kita", "profile?d=SR03", "present?present=1&slide=1",
                 "present?present=1&slide=3"):
        wide.goto(f"{app_url}/{path}")
        settled(wide, has_map=path.startswith(("map", "profile")))
        check(wide, path.replace("?", "_").replace("&", "_").replace("=", ""))


def test_no_serious_wcag_violations_in_the_lotse_result(wide, app_url):
    wide.goto(f"{app_url}/lotse")
    settled(wide)
    wide.get_by_label("Alter der Kinder").fill("1; 4")
    rerun(wide, lambda: wide.keyboard.press("Enter"))
    rerun(wide, lambda: wide.get_by_text("Sozialraum", exact=True).first.click())
    wide.wait_for_selector("text=passende Angebote", timeout=30_000)
    settled(wide, has_map=True)
    check(wide, "lotse_result")


def test_the_page_language_is_the_ui_language(wide, app_url):
    """The server sends German (the default), the app follows a switch to English and back."""
    with urllib.request.urlopen(f"{app_url}/") as response:
        assert '<html lang="de">' in response.read().decode("utf-8")
    wide.goto(f"{app_url}/")
    settled(wide)
    assert wide.evaluate("document.documentElement.lang") == "de"
    rerun(wide, lambda: wide.get_by_text("English", exact=True).click())
    wide.wait_for_function("document.documentElement.lang === 'en'", timeout=30_000)
    rerun(wide, lambda: wide.get_by_text("Deutsch", exact=True).click())
    wide.wait_for_function("document.documentElement.lang === 'de'", timeout=30_000)


def test_every_page_is_in_the_navigation_and_the_statement_linked(wide, app_url):
    """No page hidden behind a "View more" fold; the statement is linked from every page."""
    wide.goto(f"{app_url}/map")
    settled(wide, has_map=True)
    nav = wide.locator('[data-testid="stSidebarNav"]')
    assert nav.get_by_text("more", exact=False).count() == 0
    for title in ("Import-Assistent", "Anmeldung", "Karte"):
        assert nav.get_by_role("link", name=title).count() == 1
    rerun(wide, lambda: wide.get_by_role("link", name="Barrierefreiheit").click())
    wide.wait_for_selector("h1:has-text('Erklärung zur Barrierefreiheit')", timeout=30_000)


def test_the_wheel_zooms_the_map_only_when_it_has_the_focus(wide, app_url):
    """Scrolling the page over the map does not zoom it; after a click into the map it does."""
    wide.goto(f"{app_url}/map")
    settled(wide, has_map=True)
    frame = wait_for_map(wide)
    assert frame.evaluate("() => window.map.scrollWheelZoom.enabled()") is False
    frame.evaluate("() => window.map.getContainer().focus()")
    frame.wait_for_function("() => window.map.scrollWheelZoom.enabled()", timeout=10_000)
    frame.evaluate("() => window.map.getContainer().blur()")
    frame.wait_for_function("() => !window.map.scrollWheelZoom.enabled()", timeout=10_000)


def test_no_serious_wcag_violations_in_the_import_wizards_problem_list(browser, workspace_copy, tmp_path, demo_ws):
    """A planner signs in, uploads a list with faulty rows and has it checked: the problem list
    (and the wizard around it) passes axe too."""
    centre = demo_ws.districts.geometry.iloc[0].representative_point()
    rows = [("N1", "Elterncafé", "AWO", "Krabbelkinder", 0), ("A0001", "Doppelt", "DRK", "Kita", 0),
            ("N3", "Weit weg", "Caritas", "Senioren", 90_000)]
    listing = tmp_path / "angebote.csv"
    listing.write_text("Nr;Titel;Träger;Zielgruppe;Kategorie;Rechtswert;Hochwert\n" + "".join(
        f"{nr};{title};{provider};{group};Beratung;{round(centre.x + dx)};{round(centre.y)}\n"
        for nr, title, provider, group, dx in rows), encoding="utf-8")
    with planner_session(browser, workspace_copy, tmp_path) as (server, page):
        page.goto(f"{server.url}/account")
        settled(page)
        page.get_by_label("Benutzername").fill("anna")
        page.get_by_label("Passwort").fill("geheim123")
        rerun(page, lambda: page.get_by_role("button", name="Anmelden").click())
        page.wait_for_selector("text=Angemeldet als anna", timeout=60_000)
        rerun(page, lambda: page.get_by_role("link", name="Import-Assistent").click())
        settled(page)
        rerun(page, lambda: page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(listing))
        settled(page)
        rerun(page, lambda: page.get_by_role("button", name="Prüfen").click())
        page.wait_for_selector("text=nichts wurde gespeichert", timeout=60_000)
        settled(page)
        listed = page.locator('[data-testid="stCode"]').first.inner_text()
        assert "Zeile" in listed, listed  # the problems, each with its row
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "import_problems.png"), full_page=True)
        check(page, "import_problems")


CONTRAST = """(args) => {
    const [selector, background] = args;
    const lum = (rgb) => { const c = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                           return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
    const parse = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const ratios = [];
    document.querySelectorAll(selector).forEach(e => {
        if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) { return; }
        const fg = lum(parse(getComputedStyle(e).color)), bg = lum(background);
        ratios.push([(Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05), e.textContent.trim().slice(0, 30)]);
    });
    return ratios; }"""


def test_map_legend_and_labels_have_enough_contrast(wide, app_url):
    """Text on the map (axe cannot tell what lies under it): the legend's text against its
    white box at 90 % over the darkest map colour (black), district and place names against their
    white halo: at least 4.5:1 (WCAG 1.4.3)."""
    wide.goto(f"{app_url}/map")
    settled(wide, has_map=True)
    frame = wait_for_map(wide)
    frame.wait_for_selector(".pa-legend", timeout=30_000)
    worst_box = [round(0.9 * 255)] * 3  # rgba(255,255,255,0.9) over black
    legend = frame.evaluate(CONTRAST, [".pa-legend, .pa-legend *", worst_box])
    names = frame.evaluate(CONTRAST, [".pa-district, .pa-place", [255, 255, 255]])
    assert len(legend) >= 5 and len(names) >= 10, (legend, names)
    low = [(round(r, 2), text) for r, text in legend + names if r < 4.5]
    assert low == [], low


def test_no_serious_wcag_violations_with_everything_folded_opened(wide, app_url):
    """The map's panel with its folded parts open (display settings, the offers as a list, the
    ranking) and the Lotse's further filters."""
    for path in ("map?d=SR07", "lotse"):
        wide.goto(f"{app_url}/{path}")
        settled(wide, has_map=True)
        folded = wide.locator('[data-testid="stExpander"] summary')
        assert folded.count() >= 1, path
        for k in range(folded.count()):
            folded.nth(k).click()
        wide.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stExpander"] details')]
            .every(d => d.open)""", timeout=30_000)
        check(wide, path.split("?")[0] + "_opened")
