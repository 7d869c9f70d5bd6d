"""What a person sees, in headless Debian Chromium: the app starts offline and draws the map."""

import pytest
from conftest import ARTIFACTS, PageWatch, app_idle, launch, new_context, rerun, settled, wait_for_map
from playwright.sync_api import expect

from dashboard.analysis import filters

pytestmark = pytest.mark.browser


def test_landing_page_names_the_workspace(page, app_url):
    page.goto(app_url)
    page.wait_for_selector("text=Lindenbrück", timeout=30_000)
    assert page.get_by_text("Fiktive Demodaten", exact=False).first.is_visible()
    assert page.watch.external == []
    assert page.watch.console_errors == []


LAYER_COUNTS = """() => window.feature_group.map(g => {
    let n = 0; g.eachLayer(l => { n += l.getLayers ? l.getLayers().length : 1; }); return n; })"""


def open_map(page, app_url):
    """Enter at the root and navigate like a person: a deep link (/map) makes Streamlit's
    frontend probe /map/_stcore/health first, a 404 it logs to the console by design."""
    page.goto(app_url)
    page.get_by_role("link", name="Karte").first.click()
    frame = wait_for_map(page)
    frame.wait_for_function("window.feature_group && window.feature_group.length >= 4", timeout=30_000)
    return frame


def check_all_layers_drawn(frame, demo_ws):
    """Every layer of the demo workspace drawn on the map, with its count of features."""
    paths = frame.eval_on_selector_all(".leaflet-overlay-pane path", "els => els.length")
    assert paths >= 14  # one shaded polygon per Sozialraum (+ outreach outlines)
    shading, offers, outreach, centres, partners, names, view = frame.evaluate(LAYER_COUNTS)
    assert shading == len(demo_ws.districts)  # the shaded districts come as a layer group too
    assert offers == demo_ws.offers.geometry.notna().sum() and names == len(demo_ws.districts)
    assert view == 0  # the group that frames the map draws nothing and is not in the layer list
    overlays = frame.eval_on_selector_all(".leaflet-control-layers-overlays label", "els => els.map(e => e.innerText)")
    assert "Namen der Sozialräume" in " ".join(overlays) and "Ausschnitt" not in " ".join(overlays), overlays
    labels = frame.eval_on_selector_all(".pa-district", "els => els.filter(e => e.style.visibility !== 'hidden')"
                                        ".map(e => e.innerText)")
    assert sorted(labels) == sorted(demo_ws.districts["name"])  # every district named on the map, none hidden
    assert outreach >= 2
    assert centres == len(demo_ws.family_centres) and partners == len(demo_ws.partners)
    assert frame.query_selector(".leaflet-overlay-pane canvas") is not None  # offers drawn on canvas


def test_map_page_renders_all_layers_offline(page, app_url, demo_ws):
    frame = open_map(page, app_url)
    check_all_layers_drawn(frame, demo_ws)
    popup = frame.evaluate("""() => {  // an outreach area's popup lists each of its offers
        let hit = null;
        window.feature_group[2].eachLayer(g => g.eachLayer(x => { hit = hit || x; }));
        hit.openPopup(hit.getBounds().getCenter());
        const el = document.querySelector('.leaflet-popup-content');
        return {text: el.innerText, parts: el.querySelectorAll('hr').length + 1,
                offers: hit.feature.properties.offer_ids.length};
    }""")
    assert popup["parts"] == popup["offers"] and popup["text"].count("Träger:") == popup["offers"], popup
    legend = frame.query_selector(".pa-legend")
    assert legend.is_visible() and "SGB-II-Quote" in legend.inner_text()
    assert len(frame.query_selector_all(".pa-legend .pa-class")) >= 3
    box = page.query_selector('iframe[data-testid="stCustomComponentV1"]').bounding_box()
    assert box["height"] > 500
    app_idle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map_page.png"), full_page=True)
    assert page.watch.external == [], page.watch.external
    assert page.watch.failed == [], page.watch.failed
    assert page.watch.console_errors == [], page.watch.console_errors


def test_map_page_renders_from_a_postgis_workspace(browser, pg_workspace, demo_ws):
    """The same map, drawn from the demo workspace in PostgreSQL/PostGIS by `python -m dashboard
    serve`: every layer with every feature, nothing fetched from outside."""
    from urllib.parse import urlparse

    server = launch(env_extra={"PRAEVENTIONSATLAS_WORKSPACE": pg_workspace})
    context = new_context(browser)
    try:
        page = context.new_page()
        page.watch = PageWatch(page, urlparse(server.url).netloc)
        frame = open_map(page, server.url)
        check_all_layers_drawn(frame, demo_ws)
        app_idle(page)
        assert page.watch.external == [] and page.watch.failed == [], (page.watch.external, page.watch.failed)
        assert page.watch.console_errors == [], page.watch.console_errors
    finally:
        context.close()
        server.stop()


def test_clicking_a_district_opens_its_panel(page, app_url, demo_ws):
    import shapely

    district = demo_ws.districts.iloc[12]  # Rodenberg, a village district
    spot = district.geometry.representative_point()
    sites = [demo_ws.offers.geometry.dropna(), demo_ws.family_centres.geometry, demo_ws.partners.geometry]
    assert min(s.distance(spot).min() for s in sites) > 400, "click spot must not hit a marker"
    lonlat = shapely.get_coordinates(demo_ws.districts.to_crs(4326).geometry.iloc[12].representative_point())[0]
    frame = open_map(page, app_url)
    # A click on the map at the district's inner point, given as a place (not a pixel, which
    # would move while st_folium applies the page's centre and zoom): Leaflet's own click
    # event, which streamlit-folium reports to the app as last_clicked.
    frame.evaluate(f"() => {{ window.map.fire('click', {{latlng: L.latLng({lonlat[1]}, {lonlat[0]})}}); }}")
    page.wait_for_selector(f"h3:has-text('{district['name']}')", timeout=30_000)
    assert "d=SR13" in page.url
    assert page.get_by_text("Bevölkerung nach Lebensphase").is_visible()
    frame = wait_for_map(page)
    frame.wait_for_function("window.feature_group && window.feature_group.length >= 5", timeout=30_000)
    app_idle(page)
    page.screenshot(path=str(ARTIFACTS / "map_district_panel.png"), full_page=True)
    assert page.watch.external == [] and page.watch.console_errors == [], page.watch.console_errors


def test_a_choice_redraws_the_layers_in_the_same_map(page, app_url, demo_ws):
    """A filter, the shading's theme or its measure: the map stays in the browser (the same
    frame, Leaflet and the base map not loaded again) and only its layer groups are drawn
    again, once per choice, with the new legend."""
    frame = open_map(page, app_url)
    app_idle(page)
    frame.evaluate("() => { window.paProbe = 'the same frame'; }")

    def choose(action):
        drawn = frame.evaluate("() => window.paDrawn")
        rerun(page, action)
        app_idle(page)
        frame.wait_for_function("(n) => window.paDrawn > n", arg=drawn, timeout=30_000)
        assert frame.evaluate("() => window.paProbe") == "the same frame"
        return frame.evaluate(LAYER_COUNTS)

    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Lebensphasen").click()
    counts = choose(lambda: page.get_by_role("option", name="Kita-Alter (3–<6)").click())
    page.keyboard.press("Escape")
    kita = filters.filter_offers(demo_ws, filters.OfferFilter(life_phases=("kita",)))
    assert counts[1] == kita.geometry.notna().sum()
    counts = choose(lambda: page.get_by_text("Zielgruppe einer Lebensphase", exact=True).click())
    legend = frame.query_selector(".pa-legend").inner_text()
    assert "Frühe Kindheit" in legend and "SGB-II" not in legend
    choose(lambda: page.get_by_text("Anteil an der Bevölkerung", exact=True).click())
    expect(frame.locator(".pa-legend")).to_contain_text("% der Bevölkerung")
    assert len(frame.query_selector_all(".pa-legend")) == 1
    assert page.watch.external == [] and page.watch.console_errors == [], page.watch.console_errors


def test_popups_show_escaped_text_and_run_no_script(browser, demo_ws, tmp_path):
    from urllib.parse import urlparse

    from test_map_page import evil_workspace

    server = launch(evil_workspace(demo_ws, tmp_path))
    context = new_context(browser)
    try:
        page = context.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        watch = PageWatch(page, urlparse(server.url).netloc)
        frame = open_map(page, server.url)
        popup = frame.evaluate("""() => {
            let hit = null;
            window.feature_group.forEach(g => g.eachLayer(l => l.paValue && l.eachLayer(x => {
                if (l.paValue('offer_id', x.pa_row) === 'EVIL') { hit = x; } })));
            hit.fire('click', {latlng: hit.getLatLng()}, true);  // propagate to the layer's group
            const el = document.querySelector('.leaflet-popup-content');
            return {text: el.innerText, scripts: el.querySelectorAll('script, img, iframe').length};
        }""")
        assert "<script>alert(1)</script>" in popup["text"]
        assert '<img src=x onerror="alert(2)">' in popup["text"]
        assert popup["scripts"] == 0  # no element that could run anything exists in the popup
        assert dialogs == [] and watch.console_errors == []
    finally:
        context.close()
        server.stop()


def test_switch_to_english(page, app_url):
    page.goto(app_url)
    page.wait_for_selector("text=Lindenbrück", timeout=30_000)
    page.get_by_text("English").click()
    page.wait_for_selector("h1:has-text('Prevention Atlas')", timeout=15_000)
    assert "lang=en" in page.url
    assert page.get_by_role("link", name="Map").first.is_visible()
    assert page.watch.external == [] and page.watch.console_errors == []


def test_chain_page_renders_matrix_and_cell_map(page, app_url):
    page.goto(app_url)
    page.get_by_role("link", name="Lebenskette").first.click()
    page.wait_for_selector("h3:has-text('Altstadt · Frühe Kindheit')", timeout=30_000)
    frame = wait_for_map(page)
    frame.wait_for_function("window.feature_group && window.feature_group.length >= 4", timeout=30_000)
    assert page.query_selector('[data-testid="stDataFrame"]') is not None
    assert frame.query_selector(".pa-legend").is_visible()
    page.screenshot(path=str(ARTIFACTS / "chain_page.png"), full_page=True)
    assert page.watch.external == [] and page.watch.failed == []
    assert page.watch.console_errors == [], page.watch.console_errors


def test_download_profile_pdf_from_the_page(page, app_url, tmp_path):
    page.goto(app_url)
    page.get_by_role("link", name="Sozialraumprofil").first.click()
    page.wait_for_selector("h1:has-text('Sozialraumprofil: Altstadt')", timeout=30_000)
    button = page.get_by_role("button", name="PDF dieses Sozialraums")
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=30_000) as info:
        button.click()
    path = tmp_path / "profil.pdf"
    info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Sozialraumprofil Altstadt" in " ".join(text.split())
    page.screenshot(path=str(ARTIFACTS / "profile_page.png"), full_page=True)
    assert page.watch.external == [] and page.watch.console_errors == [], page.watch.console_errors


def test_import_wizard_end_to_end(browser, demo_ws, tmp_path):
    """A planner signs in, uploads a small German CSV, sees the words mapped to phases, checks
    and takes it over."""
    import shutil
    from urllib.parse import urlparse

    from conftest import DEMO

    from dashboard.model.accounts import add_account

    workspace = tmp_path / "stadt.gpkg"
    shutil.copy(DEMO, workspace)
    accounts = tmp_path / "konten.toml"
    add_account(accounts, "anna", "planner", "geheim123")
    first, second = demo_ws.addresses.iloc[3], demo_ws.addresses.iloc[700]
    csv = tmp_path / "angebote.csv"  # addresses, not coordinates: geocoded against the address directory
    # category, sector and audience come from the file: the wizard presets none of them
    csv.write_text(f"offer_id;name;provider;Zielgruppe;Kategorie;Bereich;Adressaten;Adresse\n"
                   f"N1;Elterncafé Süd;AWO;U3;Treffpunkt;Soziales;Familien;{first['street']} {first['number']}\n"
                   f"N2;Seniorencafé;DRK;Senioren;Treffpunkt;Soziales;Senioren;{second['street']} {second['number']}, "
                   f"{second['postcode']}\n", encoding="cp1252")
    server = launch(workspace, {"PRAEVENTIONSATLAS_ACCOUNTS": str(accounts)})
    context = new_context(browser, height=2400)
    try:
        page = context.new_page()
        watch = PageWatch(page, urlparse(server.url).netloc)
        page.goto(server.url)
        page.get_by_role("link", name="Anmeldung").first.click()
        page.get_by_label("Benutzername").fill("anna")
        page.get_by_label("Passwort").fill("geheim123")
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_selector("text=Angemeldet als anna", timeout=30_000)
        page.get_by_role("link", name="Import-Assistent").first.click()
        page.wait_for_selector("h1:has-text('Import-Assistent')", timeout=30_000)
        app_idle(page)
        rerun(page, lambda: page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv)))
        page.wait_for_selector("text=2 Zeilen in angebote.csv", timeout=30_000)
        page.get_by_text("„U3“").wait_for(timeout=30_000)
        for word, phase in (("U3", "Frühe Kindheit (0–<3)"), ("Senioren", "Seniorinnen & Senioren (65+)")):
            # the wizard proposes the phase the word names; the planner sees it before checking
            box = page.locator('[data-testid="stMultiSelect"]').filter(has_text=f"„{word}“")
            box.get_by_text(phase).wait_for(timeout=30_000)
        rerun(page, lambda: page.get_by_role("button", name="Prüfen").click())
        try:
            page.wait_for_selector("text=Keine Probleme: 2 Einträge", timeout=30_000)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "import_wizard_failed.png"), full_page=True)
            raise
        page.get_by_role("button", name="Übernehmen").click()
        page.wait_for_selector("text=2 Einträge übernommen", timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "import_wizard.png"), full_page=True)
        assert watch.external == [] and watch.console_errors == [], watch.console_errors
    finally:
        context.close()
        server.stop()

    from dashboard.model.workspace import read_workspace

    ws = read_workspace(workspace)
    offers = ws.offers.set_index("offer_id")
    assert offers.loc["N1", "life_phases"] == ("early_childhood",) and offers.loc["N2", "name"] == "Seniorencafé"
    assert offers.loc["N2", "geometry"].distance(second.geometry) < 0.01
    assert set(ws.history["action"]) == {"import"} and set(ws.history["user"]) == {"anna"}
    assert offers.loc[["N1", "N2"], "cost_free"].isna().all()  # the file does not say: unknown


def test_single_sign_on_with_an_oidc_provider(browser, tmp_path):
    """st.login against a local OpenID provider (oidc-provider-mock): the verified e-mail
    address listed in the accounts file makes the person a planner; signing out ends it."""
    import httpx
    import oidc_provider_mock

    from dashboard.model.accounts import add_sso_user

    accounts = tmp_path / "konten.toml"
    add_sso_user(accounts, "anna@stadt.example", "planner")
    with oidc_provider_mock.run_server_in_thread() as server:
        issuer = f"http://localhost:{server.server_port}"
        response = httpx.put(f"{issuer}/users/anna", json={"email": "anna@stadt.example", "email_verified": True,
                                                          "name": "Anna Schmidt"})
        assert response.status_code == 204
        def secrets_for(port):
            secrets = tmp_path / f"secrets-{port}.toml"
            secrets.write_text(
                f'[auth]\nredirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
                f'cookie_secret = "{"s" * 40}"\nclient_id = "praeventionsatlas"\nclient_secret = "test-secret"\n'
                f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n')
            return ("--secrets.files", str(secrets))

        app = launch(env_extra={"PRAEVENTIONSATLAS_ACCOUNTS": str(accounts)}, args_for_port=secrets_for)
        context = new_context(browser)
        try:
            page = context.new_page()
            page.goto(app.url)
            page.get_by_role("link", name="Anmeldung").first.click()
            page.get_by_role("button", name="Mit Verwaltungskonto anmelden").click()
            page.wait_for_selector("input[name=sub]", timeout=30_000)  # the provider's own form
            page.fill("input[name=sub]", "anna")
            page.get_by_role("button", name="Authorize").click()
            page.wait_for_selector("text=Angemeldet als Anna Schmidt (Planung)", timeout=30_000)
            page.get_by_role("link", name="Anmeldung").first.click()
            page.get_by_role("button", name="Abmelden").click()
            # Streamlit ends the session and, as OIDC asks, sends the browser to the provider's
            # end-session page (the mock asks to confirm), which redirects back to the app.
            signed_out = page.get_by_text("Nur lesen (nicht angemeldet)")
            confirm = page.get_by_role("button", name="End session")
            signed_out.or_(confirm).first.wait_for(timeout=30_000)
            if confirm.is_visible():
                confirm.click()
                page.goto(app.url)
            signed_out.wait_for(timeout=30_000)
        finally:
            context.close()
            app.stop()


def test_lotse_address_shows_list_and_map(page, app_url, demo_ws):
    """A guide types a family's address and the children's ages: the list of offers appears,
    nearest first, and the map shows the place and the offers; then a click on the map moves it."""
    address = demo_ws.addresses.iloc[5000]
    page.goto(app_url)
    page.get_by_role("link", name="Lotse").first.click()
    page.wait_for_selector("h1:has-text('Lotse')", timeout=30_000)
    page.get_by_label("Alter der Kinder").fill("1; 4")
    rerun(page, lambda: page.keyboard.press("Enter"))
    page.get_by_label("Adresse", exact=True).fill(f"{address['street']} {address['number']}")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_selector("text=passende Angebote, die nächsten zuerst", timeout=30_000)
    frame = wait_for_map(page)
    frame.wait_for_function("window.feature_group && window.feature_group.length >= 3", timeout=30_000)
    drawn = frame.evaluate("""() => {
        let circles = 0;
        window.feature_group.forEach(g => g.eachLayer(l => { if (l.eachLayer) { l.eachLayer(() => circles++); } }));
        return circles;
    }""")
    assert drawn >= 2  # the chosen place and at least one offer
    grid = page.locator('[data-testid="stTable"]').first
    grid.wait_for(timeout=20_000)
    heading = page.locator("h3:has-text('passende Angebote')").inner_text()
    count = int(heading.split()[0])
    assert count > 0
    page.screenshot(path=str(ARTIFACTS / "lotse.png"), full_page=True)
    # a click elsewhere on the map sets a new starting point
    box = page.query_selector('iframe[data-testid="stCustomComponentV1"]').bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.8)
    page.wait_for_function("""(before) => { const h = [...document.querySelectorAll('h3')]
        .find(e => e.innerText.includes('passende Angebote')); return h && !h.innerText.startsWith(before + ' '); }""",
                           arg=str(count), timeout=30_000)
    assert page.watch.external == [] and page.watch.console_errors == [], page.watch.console_errors


def test_networks_graph_renders_offline_and_a_click_shows_members(page, app_url, demo_ws):
    page.goto(app_url)
    page.get_by_role("link", name="Netzwerke").first.click()
    page.wait_for_selector("h1:has-text('Netzwerke')", timeout=30_000)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.wait_for(timeout=30_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .scatterlayer .point').length > 0",
                           timeout=30_000)
    points = page.eval_on_selector_all(".js-plotly-plot .scatterlayer .point", "els => els.length")
    assert points == len(demo_ws.partners) + len(demo_ws.networks)
    # click the first network square (Plotly draws squares as H/V paths)
    box = page.locator(".js-plotly-plot .scatterlayer .point[d*='H'][d*='V']").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # Plotly listens on its drag layer
    first = demo_ws.networks.iloc[0]
    page.wait_for_selector(f"text=Mitglieder von „{first['name']}“", timeout=30_000)
    members = demo_ws.memberships[demo_ws.memberships["network_id"] == first["network_id"]]
    frame = wait_for_map(page)
    frame.wait_for_function(f"document.querySelectorAll('.pa-icon').length === {len(members)}", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "networks.png"), full_page=True)
    assert page.watch.external == [] and page.watch.console_errors == [], page.watch.console_errors


def test_partner_view_draws_catchments(page, app_url, demo_ws):
    page.goto(app_url)
    page.get_by_role("link", name="Partnersicht").first.click()
    page.wait_for_selector("h1:has-text('Partnersicht')", timeout=30_000)
    first = demo_ws.partners.sort_values("organisation").iloc[0]
    own = demo_ws.offers[(demo_ws.offers["partner_id"] == first["partner_id"]) & demo_ws.offers.geometry.notna()]
    assert len(own) > 0
    frame = wait_for_map(page)
    frame.wait_for_function(f"document.querySelectorAll('path[stroke-dasharray=\"4 4\"]').length >= {len(own)}",
                            timeout=30_000)
    page.wait_for_selector("text=Zielgruppe im Einzugsbereich", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "partner_view.png"), full_page=True)
    assert page.watch.external == [] and page.watch.console_errors == [], page.watch.console_errors


def test_language_switch_keeps_what_the_planner_chose(page, app_url):
    """A choice shown in words (here the chain page's measure) survives the switch to English:
    Streamlit sends a select box's value as its label, which changes with the language."""
    page.goto(app_url)
    page.get_by_role("link", name="Lebenskette").first.click()
    page.wait_for_selector("h3:has-text('Altstadt · Frühe Kindheit')", timeout=30_000)
    settled(page, has_map=True)  # the cell map reports its first view (a rerun) before the box is opened
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Kennzahl")
    box.click()
    rerun(page, lambda: page.get_by_role("option", name="Angebote (Anzahl)").click())
    expect(box.locator("input")).to_have_value("Angebote (Anzahl)", timeout=30_000)
    assert "measure=offers" in page.url
    rerun(page, lambda: page.get_by_text("English").click())
    page.wait_for_selector("h1:has-text('Life chain')", timeout=30_000)
    settled(page, has_map=True)
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Measure")
    expect(box.locator("input")).to_have_value("Offers (count)", timeout=30_000)
    assert "measure=offers" in page.url


EVIL_HOST = "evil.example"


def markdown_workspace(ws, tmp_path):
    """Names that Markdown would turn into images and links that call another server."""
    from dashboard.model.workspace import write_workspace

    districts, offers, centres, partners = (ws.districts.copy(), ws.offers.copy(), ws.family_centres.copy(),
                                            ws.partners.copy())
    districts.loc[0, "name"] = f"![d](http://{EVIL_HOST}/d.png) Altstadt"
    districts.loc[1, "parent_name"] = f"[Bezirk](http://{EVIL_HOST}/b)"
    offers.loc[offers.index[:40], "name"] = f"![o](http://{EVIL_HOST}/o.png) $x$ :red[rot]"
    centres.loc[:, "name"] = f"![f](http://{EVIL_HOST}/f.png)"
    partners.loc[:, "organisation"] = f"[p](http://{EVIL_HOST}/p) ![p](http://{EVIL_HOST}/p.png)"
    meta = {**ws.meta, "municipality_name": f"![m](http://{EVIL_HOST}/m.png)",
            "sources": f"[Quelle](http://{EVIL_HOST}/q)"}
    evil = type(ws)(**{**ws.__dict__, "meta": meta, "districts": districts, "offers": offers,
                       "family_centres": centres, "partners": partners})
    return write_workspace(evil, tmp_path / "markdown.gpkg")


def test_names_never_become_images_or_links(browser, demo_ws, tmp_path):
    """Markdown in names (districts, offers, family centres, partners, workspace texts) is shown
    as written on every page: no image is loaded and no link made to another server."""
    from urllib.parse import urlparse

    server = launch(markdown_workspace(demo_ws, tmp_path))
    context = new_context(browser)
    try:
        page = context.new_page()
        watch = PageWatch(page, urlparse(server.url).netloc)
        for path in ("", "/map?d=SR01", "/map?d=SR02", "/profile?d=SR01", "/chain?d=SR01&p=early_childhood",
                     "/gaps", "/networks", "/partner", "/present"):
            page.goto(server.url + path)
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
            page.wait_for_selector("h1", timeout=30_000)
            app_idle(page)
            made = page.evaluate(f"""() => [...document.querySelectorAll('img, a, iframe')]
                .map(e => e.getAttribute('src') || e.getAttribute('href') || '')
                .filter(u => u.includes('{EVIL_HOST}'))""")
            assert made == [], (path, made)
            assert not [u for u in watch.external if EVIL_HOST in u], (path, watch.external)
            assert page.get_by_text("unerwarteter Fehler", exact=False).count() == 0, path
        page.goto(server.url + "/map?d=SR01")
        page.wait_for_selector("h3:has-text('![d](http://evil.example/d.png) Altstadt')", timeout=60_000)
    finally:
        context.close()
        server.stop()


def test_walking_areas_drawn_after_a_click(page, app_url, demo_ws):
    home = demo_ws.addresses.to_crs(4326).geometry.iloc[5000]
    frame = open_map(page, app_url)
    rerun(page, lambda: page.get_by_text("zeigt die Gehzeit-Bereiche ab dort").click())
    frame = wait_for_map(page)
    frame.wait_for_function("window.feature_group && window.feature_group.length >= 4", timeout=30_000)
    rerun(page, lambda: frame.evaluate(
        f"() => {{ window.map.fire('click', {{latlng: L.latLng({home.y}, {home.x})}}); }}"))
    page.wait_for_selector("text=Wer wohnt in Gehweite?", timeout=60_000)
    frame = wait_for_map(page)
    frame.wait_for_function("""() => window.feature_group && window.feature_group.some(g => {
        let n = 0; g.eachLayer(l => l.eachLayer && l.eachLayer(x => { if (x.feature && x.feature.properties.minutes)
        n++; })); return n === 3; })""", timeout=30_000)
    app_idle(page)
    page.screenshot(path=str(ARTIFACTS / "map_walking_areas.png"), full_page=True)
    assert page.watch.external == [] and page.watch.failed == [], page.watch.external


def test_the_map_has_a_base_map_from_the_workspace(page, app_url, demo_ws):
    """Streets, the river, the railway and place names drawn under the districts from the
    workspace itself: nothing requested from outside."""
    frame = open_map(page, app_url)
    frame.wait_for_selector(".leaflet-pane.leaflet-paBase-pane canvas", timeout=30_000)
    names = frame.eval_on_selector_all(".pa-place, .pa-district", "els => els.map(e => e.textContent)")
    assert names.count("Altstadt") == 1 and names.count("Birkenau") == 1  # the demo's places are its districts
    lines = frame.evaluate("""() => { let n = 0; window.map.eachLayer(l => {
        if (l.options && l.options.pane === 'paBase' && l.getLatLngs) { n += 1; } }); return n; }""")
    assert lines == 4  # streets, main roads, water, rail
    assert page.watch.external == [] and page.watch.console_errors == [], page.watch.console_errors


OVERLAPS = """() => { const boxes = [...document.querySelectorAll('.pa-district, .pa-place')]
    .filter(e => e.style.visibility !== 'hidden' && e.getBoundingClientRect().width > 0)
    .map(e => [e.textContent, e.getBoundingClientRect()]);
    const hits = [];
    boxes.forEach(([a, p], i) => boxes.slice(i + 1).forEach(([b, q]) => {
        if (p.left < q.right && p.right > q.left && p.top < q.bottom && p.bottom > q.top) { hits.push([a, b]); } }));
    return [boxes.length, hits]; }"""
SHADING = """() => { const out = []; window.map.eachLayer(l => {
    if (l.feature && l.feature.properties.district_id && l.options.fillColor) { out.push(l.options.fillOpacity); } });
    return out.length ? Math.max(...out) : null; }"""


def test_street_names_at_street_zoom_and_names_never_collide(page, app_url, demo_ws):
    """Zoomed in on the Altstadt the streets carry their names (the demo's address streets)
    and the shading fades so they show through; at any zoom no two district or place names
    overlap (the later one is hidden), and no name is drawn twice."""
    frame = open_map(page, app_url)
    frame.wait_for_function("() => window.paStreetNames !== undefined", timeout=30_000)
    count, hits = frame.evaluate(OVERLAPS)
    assert count >= 10 and hits == [], hits
    texts = frame.eval_on_selector_all(".pa-district, .pa-place", "els => els.filter(e => e.style.visibility !== "
                                       "'hidden').map(e => e.textContent)")
    assert len(texts) == len(set(texts)), texts  # e.g. 'Birkenau' once, not as district and as place
    assert frame.evaluate(SHADING) >= 0.7  # the city view: full colours
    frame.evaluate("() => { window.map.setZoom(10, {animate: false}); return 1; }")  # the city small: names crowd
    frame.wait_for_function(f"() => ({OVERLAPS})()[1].length === 0 && window.map.getZoom() === 10", timeout=30_000)
    shown, _ = frame.evaluate(OVERLAPS)
    assert shown < count  # some names hidden rather than drawn over each other
    centre = demo_ws.districts[demo_ws.districts["name"] == "Altstadt"].to_crs(4326).geometry.iloc[0].centroid
    frame.evaluate(f"() => {{ window.map.setView([{centre.y}, {centre.x}], 16, {{animate: false}}); return 1; }}")
    frame.wait_for_function("() => window.paStreetNames && window.paStreetNames.length >= 8", timeout=30_000)
    written = frame.evaluate("() => window.paStreetNames")
    assert set(written) <= {*demo_ws.street_edges["name"].dropna(), *demo_ws.base_lines["name"].dropna()}, written
    assert set(written) & set(demo_ws.addresses["street"])
    assert frame.evaluate(SHADING) <= 0.35  # faded at street zoom
    count, hits = frame.evaluate(OVERLAPS)
    assert hits == [], hits
    # landmarks at street zoom (a park and schools of the demo's extract), each with its kind's symbol
    landmarks = frame.eval_on_selector_all(".pa-landmark", "els => els.filter(e => e.style.visibility !== 'hidden')"
                                           ".map(e => [e.textContent, e.className])")
    assert ["Stadtpark", "pa-place pa-landmark pa-lm-park leaflet-zoom-animated"] in landmarks or any(
        text == "Stadtpark" and "pa-lm-park" in cls for text, cls in landmarks), landmarks
    # two levels out: the river is named along its course, the streets are not
    frame.evaluate("() => { window.map.setZoom(14, {animate: false}); return 1; }")
    frame.wait_for_function("() => window.map.getZoom() === 14 && (window.paStreetNames || []).includes('Linde')",
                            timeout=30_000)
    assert set(frame.evaluate("() => window.paStreetNames")) <= set(demo_ws.base_lines["name"].dropna())
    assert page.watch.console_errors == [], page.watch.console_errors


def test_scenario_effect_map_and_site_proposal_render(browser, demo_ws, tmp_path):
    """A shared scenario's page draws the difference map (legend, districts, the new offer);
    the site suggestion draws its numbered proposals; nothing leaves the machine."""
    import shutil
    from urllib.parse import urlparse

    import shapely
    from conftest import DEMO

    from dashboard.sources import scenarios as store

    path = tmp_path / "stadt.gpkg"
    shutil.copy(DEMO, path)
    _, sid = store.create_scenario(path, "Elterncafé Westfeld", user="anna", role="planner", shared=True, changes=[
        {"action": "add", "layer": "offers", "geometry": shapely.Point(428838, 5699052),
         "fields": {"name": "Elterncafé Westfeld", "provider": "Stadt", "category": "Treffpunkt",
                    "sectors": ["Bildung"], "life_phases": ["early_childhood"], "audience": ["Eltern"],
                    "last_updated": "2026-12-01"}}])
    server = launch(path)
    context = new_context(browser)
    try:
        page = context.new_page()
        watch = PageWatch(page, urlparse(server.url).netloc)
        page.goto(server.url)
        page.get_by_role("link", name="Szenarien").first.click()
        page.wait_for_selector("h1:has-text('Szenarien')", timeout=60_000)
        frame = wait_for_map(page)
        frame.wait_for_selector("text=Szenario − Ist", timeout=30_000)
        frame.wait_for_function("document.querySelectorAll('.leaflet-marker-icon').length >= 1", timeout=30_000)
        assert frame.evaluate("document.querySelectorAll('.leaflet-overlay-pane path').length") >= len(demo_ws.districts)
        page.screenshot(path=str(ARTIFACTS / "scenario_effect.png"), full_page=True)
        page.get_by_role("link", name="Standortvorschlag").first.click()
        page.wait_for_selector("h1:has-text('Standortvorschlag')", timeout=60_000)
        page.wait_for_selector('iframe[data-testid="stCustomComponentV1"]', timeout=60_000)
        app_idle(page)
        rerun(page, lambda: page.get_by_role("button", name="Vorschlag berechnen").click())
        page.wait_for_selector("text=vorgeschlagenen Standorte erreichen zusammen", timeout=60_000)
        frame = wait_for_map(page)
        frame.wait_for_function("[...document.querySelectorAll('.leaflet-marker-icon')]"
                                ".filter(e => /^[0-9]+$/.test(e.innerText.trim())).length >= 3", timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "site_proposal.png"), full_page=True)
        assert watch.external == [] and watch.console_errors == [], (watch.failed, watch.console_errors)
    finally:
        context.close()
        server.stop()


def test_quality_goals_page_shows_goals_charts_and_a_report(page, app_url, tmp_path):
    """What a planner sees on Qualitätsziele: the goals over three report days, each chart drawn
    (an image that loaded, with its words as alternative text), what changed; the report downloads."""
    page.goto(app_url)
    page.get_by_role("link", name="Qualitätsziele").first.click()
    page.wait_for_selector("h1:has-text('Qualitätsziele')", timeout=60_000)
    settled(page)
    page.wait_for_selector("table:has-text('Ungleiches ungleich behandeln')", timeout=60_000)
    for day in ("31.12.2023", "31.12.2024", "31.12.2025"):
        assert page.locator(f"table th:has-text('{day}')").count() >= 1
    page.wait_for_function("[...document.querySelectorAll('img[alt*=\"Entwicklung\"]')]"
                           ".filter(i => i.complete && i.naturalWidth > 100).length >= 6", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "quality_goals_tab.png"), full_page=True)
    page.get_by_role("tab", name="Was hat sich geändert?").click()
    page.wait_for_selector("text=Angebote eröffnet: 17", timeout=30_000)
    page.get_by_role("tab", name="Monitoringbericht").click()
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Monitoringbericht als PDF").click()
    path = tmp_path / "bericht.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    page.screenshot(path=str(ARTIFACTS / "quality_goals.png"), full_page=True)
    assert page.watch.external == [] and page.watch.console_errors == [], (page.watch.failed, page.watch.console_errors)
