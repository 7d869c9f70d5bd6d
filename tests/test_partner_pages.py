"""Partner view, Lotse and Netzwerke pages (AppTest), the Wegweiser PDF, and what each role sees."""

from __future__ import annotations

import io
import json
import re

import pytest
from apptest_util import map_args, run_app, table_value
from pypdf import PdfReader
from test_profile_pages import _default_workspace_and_media, download_data, downloads  # noqa: F401

from dashboard.analysis.nearby import FamilySituation, offers_for_family
from dashboard.present.report import wegweiser_pdf


def in_order(text: str, names) -> bool:
    """Each name occurs after the previous one (names may repeat)."""
    position = 0
    for name in names:
        position = text.find(name, position)
        if position < 0:
            return False
        position += len(name)
    return True


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def family_search(at, demo_ws, k=5000, ages="1; 4"):
    address = demo_ws.addresses.iloc[k]
    at.text_input(key="lotse_ages").input(ages).run()
    at.text_input(key="lotse_pos_address").input(f"{address['street']} {address['number']}")
    at.button(key="lotse_pos_find").click().run()
    return address


# --------------------------------------------------------------------------- Lotse
def test_lotse_walks_on_the_streets_and_slower_with_a_pram(demo_ws):
    at = run_app("pages/lotse.py")
    family_search(at, demo_ws)
    normal = table_value(at.table[0])
    assert any(c.value == "Fußweg auf dem Straßennetz bei 4,5 km/h." for c in at.caption)
    at.checkbox(key="lotse_slow").check().run()
    slow = table_value(at.table[0])
    assert any(c.value == "Fußweg auf dem Straßennetz bei 3,0 km/h." for c in at.caption)
    minutes = [[int(w.split(" min")[0]) for w in t["Fußweg"] if "min" in w] for t in (normal, slow)]
    metres = [[w.split("(")[1] for w in t["Fußweg"] if "min" in w] for t in (normal, slow)]
    assert metres[0] == metres[1] and sum(minutes[1]) > sum(minutes[0])  # same way, more time


def test_lotse_lists_offers_for_the_family_nearest_first(demo_ws):
    at = run_app("pages/lotse.py")
    assert not at.exception
    assert any("nicht gespeichert" in c.value for c in at.caption)
    assert at.info[-1].value.startswith("Bitte eine Adresse suchen")
    address = family_search(at, demo_ws)
    assert not at.exception
    table = table_value(at.table[0])
    expected = offers_for_family(demo_ws.current(), address.geometry.x, address.geometry.y,
                                 FamilySituation(child_ages=(1, 4)), valid_on=__import__("datetime").date.today())
    assert list(table["Angebot"]) == list(expected["name"])
    walks = [int(w.split(" min")[0]) for w in table["Fußweg"] if "min" in w]
    assert walks == sorted(walks) and walks
    assert set(table["Für"]) <= {"Kind (1 J.)", "Kind (4 J.)", "Kind (1 J.), Kind (4 J.)"}
    assert "Ansprechperson" not in table.columns  # a viewer sees no personal contacts
    assert dict(at.query_params) == {}  # nothing about the family goes into the URL (history, logs)
    # the found offers are drawn on the map around the address
    assert expected["offer_id"].iat[0] in map_args(at)["feature_group"]


def test_lotse_filters_and_bad_ages(demo_ws):
    at = run_app("pages/lotse.py")
    family_search(at, demo_ws, ages="1; vier; 40")
    assert "„vier“, „40“" in at.error[0].value
    everything = len(table_value(at.table[0]))
    at.checkbox(key="lotse_free").check().run()
    at.checkbox(key="lotse_barrier").check().run()
    filtered = table_value(at.table[0])
    assert len(filtered) < everything
    free = set(demo_ws.offers.loc[demo_ws.offers["cost_free"] & demo_ws.offers["barrier_free"], "name"])
    assert set(filtered["Angebot"]) <= free


def test_lotse_by_district_and_unknown_address(demo_ws):
    at = run_app("pages/lotse.py")
    at.checkbox(key="lotse_pregnant").check().run()
    at.text_input(key="lotse_pos_address").input("Gibtesnichtweg 1")
    at.button(key="lotse_pos_find").click().run()
    assert "nicht im Adressverzeichnis" in at.warning[-1].value
    at.radio(key="lotse_how").set_value("district").run()
    at.selectbox(key="lotse_district").set_value("SR01").run()
    assert not at.exception and len(table_value(at.table[0])) > 0
    found = table_value(at.table[0])
    payload = map_args(at)["feature_group"]  # the district's map shows the offers found
    first = demo_ws.offers.set_index("name").loc[[found["Angebot"].iat[0]], "offer_id"]
    assert any(f'"{oid}"' in payload for oid in first)


def test_lotse_pdf_in_distance_order_without_personal_contacts(demo_ws):
    at = run_app("pages/lotse.py", session={"role": "planner", "user": "anna"})
    family_search(at, demo_ws)
    table = table_value(at.table[0])
    assert "Ansprechperson" in table.columns  # planners see them on screen …
    text = pdf_text(download_data(downloads(at)["Wegweiser als PDF (1 Seite)"]))
    assert len(PdfReader(io.BytesIO(download_data(downloads(at)["Wegweiser als PDF (1 Seite)"]))).pages) == 1
    sited = [name for name, walk in zip(table["Angebot"], table["Fußweg"]) if "min" in walk][:10]
    assert in_order(text.replace("\n", " "), sited), sited
    offers = demo_ws.offers.set_index("name")
    for name in table["Angebot"]:  # … but the hand-out never shows them
        for column in ("contact_person", "contact_email", "contact_phone"):
            values = offers.loc[[name], column].dropna()
            assert not any(v in text for v in values), (name, column)
    assert "Wegweiser" in text and "Fiktive Demodaten" in text


def test_wegweiser_library_order_and_public_contacts_only(demo_ws):
    ws = demo_ws.current()
    centre = ws.districts.geometry.iloc[0].representative_point()
    found = offers_for_family(ws, centre.x, centre.y, FamilySituation(pregnant=True, child_ages=(2,), parents=True))
    text = pdf_text(wegweiser_pdf(ws, centre.x, centre.y, found)).replace("\n", " ")
    sited = found[~found["outreach"]].head(10)
    assert in_order(text, sited["name"])
    assert "@" not in text  # e-mail addresses are personal contact data in the demo
    for value in sited["contact_public"]:
        assert value.split(":")[0] in text
    empty = wegweiser_pdf(ws, centre.x, centre.y, found.iloc[:0])
    assert "Keine passenden Angebote" in pdf_text(empty)


# --------------------------------------------------------------------------- Partner view
def test_partner_view_preselects_own_organisation(demo_ws):
    at = run_app("pages/partner.py", session={"role": "partner", "user": "awo", "organisation": "P003"})
    assert not at.exception
    assert at.selectbox(key="partner_org").value == "P003"
    assert "**Zielgruppe im Einzugsbereich**" in [m.value for m in at.markdown]  # in the panel beside the map
    assert [s.value for s in at.subheader] == ["Angebote anderer Träger für dieselben Lebensphasen in der Nähe",
                                               "Lücken in der Umgebung"]
    reach, nearby = table_value(at.table[0]), at.dataframe[0].value
    own = demo_ws.offers[demo_ws.offers["partner_id"] == "P003"]
    assert set(reach["Angebot"]) <= set(own["name"]) and len(reach) >= len(own[own.geometry.notna()])
    assert not set(nearby["Anbieter" if "Anbieter" in nearby else "Träger"]) & {own["provider"].iat[0]}
    assert (nearby["Fußweg (m)"] <= 1000).all()
    assert any("Zuletzt aktualisiert" in c.value for c in at.caption)
    assert edit_links(at)  # a way to update the data
    # a wider catchment reaches more people
    before = reach["Personen"].str.replace(".", "").str.replace("< 3", "0").replace("–", "0").astype(int).sum()
    at.slider(key="partner_radius").set_value(2000).run()
    after = table_value(at.table[0])["Personen"].str.replace(".", "").str.replace("< 3", "0").replace("–", "0") \
        .astype(int).sum()
    assert after > before


def edit_links(at):
    """The page's links to the editing page (the sidebar links the accessibility statement on every page)."""
    return [link for link in at.get("page_link") if "edit" in link.proto.page]


def test_partner_view_for_viewer_shows_no_personal_contacts(demo_ws):
    at = run_app("pages/partner.py")
    assert not at.exception
    assert not edit_links(at)  # viewers cannot update
    payload = map_args(at)["feature_group"]
    first = at.selectbox(key="partner_org").value
    own = demo_ws.offers[demo_ws.offers["partner_id"] == first]
    for column in ("contact_email", "contact_phone"):
        assert not any(v in payload for v in own[column].dropna())
    at = run_app("pages/partner.py", session={"role": "planner", "user": "anna"})
    at.selectbox(key="partner_org").set_value(first).run()
    assert any(v in map_args(at)["feature_group"] for v in own["contact_email"].dropna())


# --------------------------------------------------------------------------- Networks
def test_networks_page_summary_and_members_on_the_map(demo_ws):
    at = run_app("pages/networks.py")
    assert not at.exception
    summary = at.dataframe[0].value
    assert list(summary["Netzwerk"]) == list(demo_ws.networks["name"])
    assert summary["rechtskreisübergreifend"].any()
    at.selectbox(key="net_pick").set_value("N1").run()
    assert not at.exception
    members = at.dataframe[0].value
    expected = demo_ws.memberships[demo_ws.memberships["network_id"] == "N1"]
    assert len(members) == len(expected) and "Rolle" in members.columns
    payload = map_args(at)["feature_group"]
    outsiders = demo_ws.partners[~demo_ws.partners["partner_id"].isin(expected["partner_id"])]
    assert all(name in payload for name in demo_ws.partners.set_index("partner_id").loc[
        expected["partner_id"], "organisation"].str.replace("&", "&amp;"))
    assert not any(f'"{pid}"' in payload for pid in outsiders["partner_id"])
    member_rows = demo_ws.partners[demo_ws.partners["partner_id"].isin(expected["partner_id"])]
    assert not any(v in payload for v in member_rows["contact_email"].dropna())  # viewer: no personal contacts
    # the graph is a Plotly chart (its JS ships with Streamlit), coloured by Rechtskreis on request
    at.radio(key="net_colour").set_value("legal_domain").run()
    chart = at.get("plotly_chart")[0]
    assert "SGB VIII" in chart.proto.spec


def test_networks_page_in_english(demo_ws):
    at = run_app("pages/networks.py", query={"lang": "en"})
    assert not at.exception and at.title[0].value == "Networks"


@pytest.mark.parametrize("page,title", [("pages/lotse.py", "Family guide"), ("pages/partner.py", "Partner view")])
def test_pages_in_english(page, title):
    at = run_app(page, query={"lang": "en"})
    assert not at.exception and at.title[0].value == title


def test_lotse_map_never_asks_a_tile_server(demo_ws, monkeypatch):
    """With a tile server configured, the map page uses it, but the Lotse maps (around a
    family's address, or a district) do not: the tile server would learn the area."""
    tiles = "https://tiles.stadt.example/{z}/{x}/{y}.png"
    monkeypatch.setenv("PRAEVENTIONSATLAS_TILE_URL", tiles)
    assert "tiles.stadt.example" in map_args(run_app("pages/map.py"))["script"]
    at = run_app("pages/lotse.py")
    family_search(at, demo_ws)
    assert "tiles.stadt.example" not in map_args(at)["script"]
    at.radio(key="lotse_how").set_value("district").run()
    at.selectbox(key="lotse_district").set_value("SR01").run()
    assert "tiles.stadt.example" not in map_args(at)["script"]


def test_parse_ages_reads_the_decimal_comma():
    from dashboard.analysis.nearby import parse_ages

    assert parse_ages("0,5; 4") == ((0.5, 4.0), [])  # half a year and four, not 0, 5 and 4
    assert parse_ages("0.5;4 ; ") == ((0.5, 4.0), [])
    assert parse_ages("1; vier; 40") == ((1.0,), ["vier", "40"])


@pytest.mark.parametrize("k, ages", [(5000, "1; 4"), (700, "0,5; 7"), (9000, "2")])
def test_lotse_page_and_cli_give_the_same_answer(demo_ws, k, ages):
    """One family, one address: the page and `python -m dashboard lotse` list the same offers."""
    import contextlib

    from dashboard.cli import main

    at = run_app("pages/lotse.py")
    address = family_search(at, demo_ws, k=k, ages=ages)
    page = list(table_value(at.table[0])["Angebot"])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["lotse", "geodata/demo_city.gpkg", "--address", f"{address['street']} {address['number']}",
                     "--children", ages]) == 0
    lines = [line for line in out.getvalue().splitlines() if line[:3].strip().isdigit()]
    assert len(lines) == len(page) > 0
    for k, (line, name) in enumerate(zip(lines, page), start=1):
        assert line.startswith(f"{k:3d}. {name} – "), (line, name)


def test_lotse_example_address_and_a_typo(demo_ws):
    at = run_app("pages/lotse.py")
    example = at.text_input(key="lotse_pos_address").placeholder.removeprefix("z. B. ")
    at.text_input(key="lotse_ages").input("1").run()
    at.text_input(key="lotse_pos_address").input(example)
    at.button(key="lotse_pos_find").click().run()
    assert at.table and not [w for w in at.warning if "Adressverzeichnis" in w.value]  # the example is found
    ring = demo_ws.addresses[demo_ws.addresses["street"].str.endswith("ring")].iloc[0]
    street = ring["street"]
    slip = street[:-3] + "rnig"  # 'Lindenring' → 'Lindenrnig'
    at.text_input(key="lotse_pos_address").input(f"{slip} {ring['number']}")
    at.button(key="lotse_pos_find").click().run()
    assert any(i.value == f"Gefunden als „{street} {ring['number']}“." for i in at.info)
    # the address as the directory writes it stays confirmed beside the map
    assert [s.value for s in at.success] == [
        f"Gefunden: {street} {ring['number']}, {ring['postcode']} {ring['place']}"]


def test_the_found_address_is_confirmed_on_the_page_and_in_the_wegweiser(demo_ws):
    at = run_app("pages/lotse.py")
    address = family_search(at, demo_ws)
    label = f"{address['street']} {address['number']}, {address['postcode']} {address['place']}"
    assert [s.value for s in at.success] == [f"Gefunden: {label}"]
    assert f"Gefunden: {label}" in pdf_text(download_data(downloads(at)["Wegweiser als PDF (1 Seite)"]))
    at.session_state["lotse_pos_map"] = {"last_clicked": {"lat": 51.45, "lng": 8.0}}
    at.run()
    assert not at.exception and not at.success  # a point on the map is no address


def test_lotse_list_and_map_agree(demo_ws):
    """The walking time is the third column, an outreach offer says it comes to the family,
    and the map shows every sited offer of the list with its number, framed together."""
    at = run_app("pages/lotse.py")
    at.checkbox(key="lotse_pregnant").check().run()
    family_search(at, demo_ws, ages="1; 4")
    table = table_value(at.table[0])
    assert list(table.columns[:3]) == ["Nr.", "Angebot", "Fußweg"]
    assert "None" not in set(table["Adresse"].astype(str))
    found = table[table["Fußweg"] != "kommt nach Hause"] if "kommt nach Hause" in set(table["Fußweg"]) else table
    args = map_args(at)
    payload = args["feature_group"].replace("\\u003e", ">").replace("\\u003c", "<")
    sited = found[found["Fußweg"].str.contains("min")]
    assert len(sited) >= 2
    for nr in sited["Nr."]:  # a marker with the list's number
        assert f">{nr}</div>" in payload, nr
    # framed in the browser to the family's place and every sited offer found
    (south, west), (north, east) = json.loads(re.search(r"window\.paFit\((\{.*?\})\)", payload).group(1))["bounds"]
    offers = demo_ws.offers.set_index("name").loc[list(sited["Angebot"])].geometry.to_crs(4326)
    inside = offers.y.between(south, north) & offers.x.between(west, east)
    assert inside.groupby(level=0).any().all()  # (a name used at several places: one of them is the one found)
    assert (north - south) * 111_320 < 6_000  # the neighbourhood, not the whole city


def test_topic_filter_in_the_lotse_and_the_partner_view(demo_ws):
    at = run_app("pages/lotse.py")
    family_search(at, demo_ws, ages="0,5")
    everything = table_value(at.table[0])
    at.multiselect(key="lotse_topics").set_value(["Hebammenhilfe"]).run()
    assert not at.exception
    alone = table_value(at.table[0])
    assert 0 < len(alone) < len(everything)
    assert set(alone["Angebot"]) <= set(demo_ws.offers.loc[demo_ws.offers["topic"] == "Hebammenhilfe", "name"])
    # the partner view: one of the organisation's topics alone
    offers = demo_ws.offers.dropna(subset=["partner_id", "topic"])
    counts = offers.groupby("partner_id")["topic"].nunique()
    partner = counts.idxmax()
    topic = offers.loc[offers["partner_id"] == partner, "topic"].iloc[0]
    at = run_app("pages/partner.py")
    at.selectbox(key="partner_org").set_value(partner).run()
    others = offers[(offers["partner_id"] == partner) & (offers["topic"] != topic) & offers.geometry.notna()]
    assert len(others) and any(f'"{oid}"' in map_args(at)["feature_group"] for oid in others["offer_id"])
    at.multiselect(key="partner_topics").set_value([topic]).run()
    assert not at.exception and at.multiselect(key="partner_topics").value == [topic]
    assert not any(f'"{oid}"' in map_args(at)["feature_group"] for oid in others["offer_id"])


def test_partner_view_says_when_a_railway_or_river_cuts_a_catchment(demo_ws):
    """An organisation with a site near the railway is told that it cuts the catchment."""
    import shapely

    from dashboard.sources.demo import railway_line

    offers = demo_ws.offers[demo_ws.offers.geometry.notna()]
    near = shapely.distance(offers.geometry.to_numpy(), railway_line()) < 600
    partner_id = offers.loc[near & offers["partner_id"].notna(), "partner_id"].iloc[0]
    at = run_app("pages/partner.py", session={"role": "planner", "user": "anna"})
    at.selectbox(key="partner_org").set_value(partner_id).run()
    assert not at.exception
    assert any("wird von der Bahnstrecke „Lindetalbahn“" in w.value and "Standort" in w.value for w in at.warning)


def test_the_wegweiser_map_names_its_streets_and_the_district_as_text(demo_ws):
    """The hand-out's map can be walked: street names around the place and the family's
    district are text in the PDF (found by search, read aloud); the numbers lie above the star."""
    from dashboard.present import charts

    ws = demo_ws.current()
    home = ws.addresses.iloc[5000]
    found = offers_for_family(ws, home.geometry.x, home.geometry.y, FamilySituation(pregnant=True, child_ages=(1, 4)))
    text = pdf_text(wegweiser_pdf(ws, home.geometry.x, home.geometry.y, found))
    streets = set(ws.street_edges["name"].dropna())
    written = {name for name in streets if name in text}
    assert len(written) >= 15, written
    district = ws.districts[ws.districts.contains(home.geometry)]["name"].iloc[0]
    assert f"Sozialraum: {district}" in text
    fig = charts.wegweiser_map(ws, home.geometry.x, home.geometry.y, found[~found["outreach"]].head(10))
    ax = fig.axes[0]
    star = next(c for c in ax.collections if c.get_offsets().shape == (1, 2) and c.get_zorder() == 5)
    numbers = [a for a in ax.texts if a.get_text().isdigit()]
    assert numbers and min(a.get_zorder() for a in numbers) > star.get_zorder()


def test_the_wegweiser_map_shows_landmarks_with_their_names_as_text(demo_ws):
    """Near the Stadtpark the hand-out names the park and the schools around it, each beside a
    symbol of its kind's colour, as text in the PDF."""
    from matplotlib.colors import to_hex

    from dashboard.present import charts
    from dashboard.present.maps import LANDMARK_COLOURS

    ws = demo_ws.current()
    park = ws.base_places.loc[ws.base_places["name"] == "Stadtpark", "geometry"].iloc[0]
    home = ws.addresses.loc[ws.addresses.distance(park).idxmin()].geometry
    found = offers_for_family(ws, home.x, home.y, FamilySituation(child_ages=(1, 4)))
    text = " ".join(pdf_text(wegweiser_pdf(ws, home.x, home.y, found)).split())
    assert "Stadtpark" in text and "Grundschule Mühlenbach (Altstadt)" in text
    ax = charts.wegweiser_map(ws, home.x, home.y, found[~found["outreach"]].head(10)).axes[0]
    symbols = {to_hex(c.get_facecolor()[0]) for c in ax.collections if c.get_zorder() == 2.55}
    assert {LANDMARK_COLOURS["park"], LANDMARK_COLOURS["school"]} <= symbols


def test_networks_page_rings_the_partners_own_organisation_and_explains_the_row(demo_ws):
    """A signed-in partner finds its own organisation ringed and named in the graph; the
    partners in no network are headed by a note in the graph and counted in a sentence."""
    from dashboard.analysis import networks

    alone = networks.partners_without_network(demo_ws)
    assert len(alone)
    own = demo_ws.partners.iloc[2]
    at = run_app("pages/networks.py", session={"role": "partner", "user": "awo", "organisation": own["partner_id"]})
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    ring = [d for d in spec["data"] if d.get("name") == "Ihre Organisation"]
    assert len(ring) == 1 and ring[0]["text"] == [own["organisation"].replace("&", "&amp;")]
    notes = [a["text"] for a in spec["layout"].get("annotations", [])]
    assert f"In keinem Netzwerk ({len(alone)}): ohne Verbindung, in einer Reihe" in notes
    assert any(c.value.startswith(f"{len(alone)} Netzwerkpartner gehören zu keinem Netzwerk") for c in at.caption)
    viewer = run_app("pages/networks.py")  # nobody's own organisation for a viewer
    spec = json.loads(viewer.get("plotly_chart")[0].proto.spec)
    assert not [d for d in spec["data"] if d.get("name") == "Ihre Organisation"]
