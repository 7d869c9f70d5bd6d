"""The map page with AppTest: filters, payload, URL state, escaping, roles, district focus."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from apptest_util import map_args, run_app, table_value

from dashboard.analysis import filters
from dashboard.app import widgets
from dashboard.model.workspace import write_workspace
from dashboard.present.format import format_count

PAGE = "pages/map.py"


@pytest.fixture(autouse=True)
def _default_workspace(monkeypatch):
    monkeypatch.delenv("PRAEVENTIONSATLAS_WORKSPACE", raising=False)


def _rows(data: dict) -> list[dict]:
    """Features of a column-wise point table (PointTableLayer) as GeoJSON-like dicts."""
    def value(col, i):
        return col["dict"][col["idx"][i]] if isinstance(col, dict) else col[i]

    return [{"geometry": {"type": "Point", "coordinates": [data["lon"][i], data["lat"][i]]},
             "properties": {k: value(c, i) for k, c in data["cols"].items()}} for i in range(len(data["lat"]))]


def layers(at) -> dict[str, list[dict]]:
    """The features sent as dynamic feature groups, keyed by their first property."""
    fg = map_args(at)["feature_group"]
    collections = [json.loads(m.group(1))["features"]
                   for m in re.finditer(r"var layer = L\.geoJSON\((\{.*?\}), \{", fg, flags=re.S)]
    collections += [_rows(json.loads(m.group(1))) for m in re.finditer(r", data = (\{.*?\});\n", fg, flags=re.S)]
    out = {}
    for features in collections:
        key = next(iter(features[0]["properties"])) if features else "empty"
        out.setdefault(key, []).extend(features)
    return out


def test_map_page_shows_all_offers_by_default(demo_ws):
    at = run_app(PAGE)
    assert not at.exception
    found = layers(at)
    sited = demo_ws.offers.geometry.notna().sum()
    assert len(found["offer_id"]) == sited
    assert sum(len(f["properties"]["offer_ids"]) for f in found["offer_ids"]) == len(demo_ws.offers) - sited
    assert len(found["centre_id"]) == len(demo_ws.family_centres)
    assert len(found["partner_id"]) == len(demo_ws.partners)
    assert f"{len(demo_ws.offers)} von {len(demo_ws.offers)} Angeboten" in at.caption[0].value
    assert "Fiktive Demodaten" in at.warning[0].value
    at.session_state["offer_list_open"] = True  # the whole city's list: a scrolling grid
    at.run()
    assert len(at.dataframe[-1].value) == len(demo_ws.offers) >= widgets.LONG_TABLE_ROWS


def test_phase_filter_changes_counts_and_payload(demo_ws):
    at = run_app(PAGE)
    at.sidebar.multiselect(key="f_phases").set_value(["kita"]).run()
    assert not at.exception
    expected = filters.filter_offers(demo_ws, filters.OfferFilter(life_phases=("kita",)))
    offer_features = layers(at)["offer_id"]
    assert len(offer_features) == expected.geometry.notna().sum() < demo_ws.offers.geometry.notna().sum()
    assert all("kita" in f["properties"]["ph"] for f in offer_features)
    assert all(f["properties"]["phase"] == "kita" for f in offer_features)
    assert f"{len(expected)} von {len(demo_ws.offers)} Angeboten" in at.caption[0].value
    assert at.query_params["phases"] in ("kita", ["kita"])


def test_more_filters_reduce_the_offers(demo_ws):
    at = run_app(PAGE)
    at.sidebar.checkbox(key="f_free").check().run()
    at.sidebar.multiselect(key="f_sectors").set_value(["Gesundheit"]).run()
    expected = filters.filter_offers(demo_ws, filters.OfferFilter(sectors=("Gesundheit",), cost_free=True))
    assert f"{len(expected)} von" in at.caption[0].value
    assert {f["properties"]["offer_id"] for f in layers(at)["offer_id"]} == \
        set(expected.loc[expected.geometry.notna(), "offer_id"])
    partners = layers(at)["partner_id"]
    assert {p["properties"]["s"] for p in partners} == {"Gesundheit"}


def test_url_restores_the_view(demo_ws):
    query = {"phases": "early_childhood,kita", "free": "1", "kind": "population", "phase": "kita",
             "measure": "share", "cls": "equal_interval", "k": "4", "pal": "viridis", "d": "SR03"}
    at = run_app(PAGE, query=query)
    assert not at.exception
    assert at.sidebar.multiselect(key="f_phases").value == ["early_childhood", "kita"]
    assert at.sidebar.checkbox(key="f_free").value is True
    assert at.radio(key="c_kind").value == "population"
    assert at.selectbox(key="c_phase").value == "kita"
    assert at.radio(key="c_measure").value == "share"
    assert at.selectbox(key="c_scheme").value == "equal_interval"
    assert at.slider(key="c_k").value == 4
    assert at.selectbox(key="district").value == "SR03"
    assert at.subheader[0].value == "Nordstadt"
    legend = map_args(at)["feature_group"]
    assert "Kita-Alter" in legend and "% der Bevölkerung" in legend  # legend of the chosen theme
    expected = filters.filter_offers(demo_ws, filters.OfferFilter(life_phases=("early_childhood", "kita"),
                                                                  cost_free=True))
    assert f"{len(expected)} von" in at.caption[0].value


def test_invalid_url_values_are_ignored():
    at = run_app(PAGE, query={"phases": "nope,kita", "k": "99", "d": "XX", "kind": "<b>"})
    assert not at.exception
    assert at.sidebar.multiselect(key="f_phases").value == ["kita"]
    assert at.slider(key="c_k").value == 5
    assert at.selectbox(key="district").value == ""
    warning = next(w.value for w in at.warning if w.value.startswith("Der Link enthält Werte"))
    assert "phases=nope,kita" in warning and "k=99" in warning and "d=XX" in warning
    assert "kind=b" in warning and "<" not in warning  # shown, never as markup


def cache_free_offers_serving(ws, district_id):
    from dashboard.analysis import district

    return district.offers_serving(ws, district_id)


def test_clicking_a_district_opens_its_panel(demo_ws):
    at = run_app(PAGE)
    centre = demo_ws.districts.to_crs(4326).geometry.iloc[6].representative_point()
    at.session_state["atlas_map"] = {"last_clicked": {"lat": centre.y, "lng": centre.x}}
    at.run()
    assert not at.exception
    assert at.selectbox(key="district").value == "SR07"
    assert at.subheader[0].value == "Westfeld"
    # population, indicators, offers per phase; the offers as a list only once opened (a city's
    # thousands of rows would hold up the browser at every choice); the ranking likewise
    assert len(at.table) == 3 and len(at.dataframe) == 0
    at.session_state["offer_list_open"] = True
    at.run()
    tables = [table_value(t) for t in at.table]  # plain tables: they wrap in the panel, nothing is cut off
    assert len(tables) == 4 and len(at.dataframe) == 0
    assert "Frühe Kindheit (0–<3)" in list(tables[0].iloc[:, 0])
    serving = cache_free_offers_serving(demo_ws, "SR07")
    assert sorted(tables[3]["Angebot"]) == sorted(serving["name"])  # the map's offers for Westfeld, in words
    assert list(tables[3].columns) == ["Angebot", "Lebensphasen", "Träger", "Adresse"]
    assert at.query_params["d"] in ("SR07", ["SR07"])
    fg = map_args(at)["feature_group"]
    assert '"district_id":"SR07"' in fg and "#d7191c" in fg  # highlighted outline


def test_a_choice_redraws_layers_and_keeps_the_map(demo_ws):
    """Only the layer groups change with a filter, a district, the theme or its measure: the
    map's script (a new one reloads the whole frame: Leaflet, base map and all) stays the same,
    and a rerun that changes nothing sends the same groups (the browser draws nothing again)."""
    at = run_app(PAGE)
    first = map_args(at)
    at.run()
    assert map_args(at) == first
    scripts, groups = {first["script"]}, {first["feature_group"]}
    steps = [lambda: at.sidebar.multiselect(key="f_phases").set_value(["kita"]),
             lambda: at.selectbox(key="district").set_value("SR03"),
             lambda: at.radio(key="c_kind").set_value("population"),
             lambda: at.radio(key="c_measure").set_value("share")]
    for step in steps:
        step().run()
        assert not at.exception
        args = map_args(at)
        scripts.add(args["script"])
        groups.add(args["feature_group"])
    assert len(scripts) == 1 and len(groups) == 1 + len(steps)
    assert "% der Bevölkerung" in args["feature_group"]  # the new measure's legend came with the groups


def test_indicator_year_and_classes_in_legend():
    at = run_app(PAGE)
    at.selectbox(key="c_year").set_value(2024).run()
    at.slider(key="c_k").set_value(3).run()
    legend = map_args(at)["feature_group"]
    assert "Jahr 2024" in legend and "Quelle: Fiktiv: Jobcenter (Demo)" in legend
    assert legend.count("pa-class") == 3  # no value is withheld in 2024


def test_withheld_indicator_is_drawn_as_no_data():
    at = run_app(PAGE, query={"ind": "single_parent", "year": "2025"})
    shading = map_args(at)["feature_group"]
    assert "keine Angabe" in shading and "#bdbdbd" in shading


def test_grid_layer_can_be_shown():
    at = run_app(PAGE, query={"kind": "population", "phase": "early_childhood", "grid": "1"})
    assert not at.exception
    args = map_args(at)
    assert "Bev\\u00f6lkerungsraster: Fr\\u00fche Kindheit" in args["layer_control"]
    assert args["feature_group"].count("L.canvas") == 2  # offers and grid drawn on canvas


def evil_workspace(ws, tmp_path):
    offers = ws.offers.copy()
    offers.loc[0, "name"] = "<script>alert(1)</script>"
    offers.loc[0, "provider"] = '<img src=x onerror="alert(2)">'
    offers.loc[0, "offer_id"] = "EVIL"
    outreach = offers.index[offers.geometry.isna()][0]
    offers.loc[outreach, "name"] = "<b onmouseover=alert(3)>Streetwork</b>"
    centres = ws.family_centres.copy()
    centres.loc[0, "name"] = "<iframe src=javascript:alert(4)>"
    districts = ws.districts.copy()
    districts.loc[1, "name"] = "<svg onload=alert(5)>Nordstadt"
    ws2 = type(ws)(**{**ws.__dict__, "offers": offers, "family_centres": centres, "districts": districts})
    return write_workspace(ws2, tmp_path / "evil.gpkg")


def test_names_from_the_data_are_escaped(demo_ws, tmp_path, monkeypatch):
    monkeypatch.setenv("PRAEVENTIONSATLAS_WORKSPACE", str(evil_workspace(demo_ws, tmp_path)))
    at = run_app(PAGE)
    assert not at.exception
    args = map_args(at)
    payload = args["script"] + args["feature_group"]
    for raw in ("<script>alert(1)</script>", "<img src=x", "<b onmouseover", "<iframe", "<svg"):
        assert raw not in payload
    assert "\\u0026lt;svg onload=alert(5)\\u0026gt;Nordstadt" in payload  # its name on the map, escaped
    # escaped, then made script-safe: &lt;script&gt; is sent as \\u0026lt;script\\u0026gt;
    assert "\\u0026lt;script\\u0026gt;alert(1)\\u0026lt;/script\\u0026gt;" in payload
    assert "\\u0026lt;iframe" in payload


def test_viewer_sees_no_personal_contacts(demo_ws):
    at = run_app(PAGE)
    person = demo_ws.offers["contact_email"].iloc[0]
    assert person not in map_args(at)["feature_group"]


def test_planner_sees_personal_contacts(demo_ws):
    at = run_app(PAGE, session={"role": "planner"})
    fg = map_args(at)["feature_group"]
    assert demo_ws.offers["contact_email"].iloc[0] in fg
    assert demo_ws.partners["contact_person"].iloc[0] in fg


def test_english_map_page():
    at = run_app(PAGE, query={"lang": "en"})
    assert not at.exception
    assert at.title[0].value == "Map"
    assert "Shown:" in at.caption[0].value
    assert "Source: " in map_args(at)["feature_group"]


def test_outreach_areas_are_not_points(demo_ws):
    at = run_app(PAGE)
    areas = layers(at)["offer_ids"]
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in areas)
    assert all(f["properties"]["_style"]["dashArray"] for f in areas)


def test_cached_outreach_areas_follow_the_filter(demo_ws):
    """The outreach areas are cached per offers and phases (by a digest of the offers' ids):
    back and forth between filters, the map shows exactly the areas made afresh."""
    from dashboard.present import mapview

    at = run_app(PAGE)
    for phases, free in ((["early_childhood"], False), (["early_childhood"], True), (["youth"], False),
                         (["early_childhood"], False), (["kita"], False), ([], True), ([], False)):
        at.sidebar.multiselect(key="f_phases").set_value(phases)
        at.sidebar.checkbox(key="f_free").set_value(free).run()
        offers = filters.filter_offers(demo_ws, filters.OfferFilter(life_phases=tuple(phases), cost_free=free))
        fresh = mapview.outreach_area_features(demo_ws, offers[offers.geometry.isna()], tuple(phases), "de", False)
        assert layers(at).get("offer_ids", []) == json.loads(json.dumps(fresh)), (phases, free)


def test_empty_filter_result_still_renders():
    at = run_app(PAGE, query={"langs": "Ukrainisch", "prov": "Jobcenter Lindenbrück", "free": "1", "bf": "1"})
    assert not at.exception
    assert at.caption[0].value.startswith("Angezeigt:")


def test_point_on_no_district_is_ignored():
    at = run_app(PAGE)
    at.session_state["atlas_map"] = {"last_clicked": {"lat": 10.0, "lng": 10.0}}
    at.run()
    assert not at.exception and at.selectbox(key="district").value == ""


def test_scale_in_metres_and_data_stand_as_a_date():
    at = run_app(PAGE, query={"kind": "population", "phase": "kita"})
    args = map_args(at)
    assert "L.control.scale({imperial: false})" in args["script"] and "L.control.scale()" not in args["script"]
    legend = args["feature_group"]
    assert "Datenstand: 31.12.2025" in legend and "Jahr 2025-12-31" not in legend


def test_format_stand():
    from dashboard.present.format import format_stand

    assert format_stand("2011-05-09", "de") == "09.05.2011" and format_stand("2011-05-09", "en") == "2011-05-09"
    assert format_stand("2024", "de") == "2024" and format_stand(None, "de") == ""


def test_a_click_shows_the_walking_areas_and_who_lives_there(demo_ws):
    """Click mode 'walking areas': three areas drawn (5/10/15 min) and a table of persons per
    phase; a click picks no district then."""
    from dashboard.analysis.nearby import walking_areas

    at = run_app(PAGE)
    at.radio(key="click_mode").set_value("walk").run()
    assert any("Auf die Karte klicken" in c.value for c in at.caption)
    home = demo_ws.addresses.to_crs(4326).geometry.iloc[5000]
    at.session_state["walk_point"] = (home.y, home.x)
    at.run()
    assert not at.exception and at.session_state["district"] == ""
    payload = map_args(at)["feature_group"]
    assert payload.count('"minutes":') == 3 and "bis 15 min zu Fu" in payload
    table = next(table_value(d) for d in at.table if "Lebensphase" in table_value(d).columns)
    assert list(table.columns) == ["Lebensphase", "bis 5 min zu Fuß", "bis 10 min zu Fuß", "bis 15 min zu Fuß"]
    point = demo_ws.addresses.geometry.iloc[5000]
    _, population = walking_areas(demo_ws, round(point.x), round(point.y), threshold=3)
    shown = table.set_index("Lebensphase")["bis 15 min zu Fuß"]
    assert shown.iloc[1] == format_count(population.loc[15].iloc[1], 3, "de")


def test_walking_areas_grow_with_time_and_withhold_small_counts(demo_ws):
    from dashboard.analysis.nearby import walking_areas

    point = demo_ws.addresses.geometry.iloc[100]
    areas, population = walking_areas(demo_ws, point.x, point.y, threshold=3)
    by_minutes = areas.set_index("minutes").geometry
    assert by_minutes[5].area < by_minutes[10].area < by_minutes[15].area
    assert by_minutes[15].buffer(1).contains(by_minutes[5])
    values = population.to_numpy()
    assert not ((values > 0) & (values < 3)).any()
    rings = np.diff(np.nan_to_num(values), axis=0)
    assert not ((rings > 0) & (rings < 3) & ~np.isnan(values[1:])).any()
    _, strict = walking_areas(demo_ws, point.x, point.y, threshold=80)
    assert strict.isna().sum().sum() > population.isna().sum().sum()


def test_walking_areas_from_a_chosen_family_centre(demo_ws):
    from dashboard.present import mapview

    at = run_app(PAGE)
    at.radio(key="click_mode").set_value("walk").run()
    sites = mapview.walking_start_sites(demo_ws, "de")
    centre = next(k for k in sites if k.startswith("centre:"))
    assert sites[centre][0].endswith("(Familienzentrum)")
    at.selectbox(key="walk_site").set_value(centre).run()
    assert not at.exception
    assert at.session_state["walk_point"] == sites[centre][1:]
    assert map_args(at)["feature_group"].count('"minutes":') == 3


def test_the_districts_ranked_by_the_shown_value_and_a_click_chooses(demo_ws):
    """Beside the map: every district ranked by the mapped value (highest first, its class in
    words); clicking a row chooses that district."""
    from dashboard.analysis.population import target_population
    from dashboard.present import mapview

    at = run_app(PAGE)
    assert not at.exception and len(at.dataframe) == 0  # folded away: made only when opened
    at.session_state["ranking_open"] = True
    at.run()
    ranking = next(d.value for d in at.dataframe if "Rang" in d.value.columns)
    spec = mapview.ChoroplethSpec(kind="indicator", indicator=at.session_state["c_ind"],
                                  year=at.session_state["c_year"], phase="kita", measure="absolute",
                                  scheme="quantiles", k=5, palette="YlGnBu")
    values, _ = mapview.choropleth_values(demo_ws, spec, target_population(demo_ws))
    names = demo_ws.districts.set_index("district_id")["name"]
    assert list(ranking["Sozialraum"]) == [names[d] for d in values.sort_values(ascending=False).index]
    assert ranking["Rang"].iloc[0] == "1" and ranking["Klasse (Karte)"].iloc[0] != ""
    top = values.idxmax()
    at.session_state["map_ranking"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert at.selectbox(key="district").value == top and at.subheader[0].value == names[top]


def test_the_district_names_are_on_the_map(demo_ws):
    """Every district's name is written on the map (not only in a tooltip)."""
    fg = map_args(run_app(PAGE))["feature_group"]
    assert fg.count("pa-district") == len(demo_ws.districts)
    for name in demo_ws.districts["name"]:
        assert f'\\u003cspan class=\\"pa-district\\"\\u003e{name}\\u003c/span' in fg, name


def test_with_a_phase_chosen_the_partners_are_off_until_asked_for(demo_ws):
    """Partners have no life phases: filtered to "Kita", the map shows the matching offers and
    the centres serving the phase, not the 60 partner symbols – until the planner ticks them on.
    Offers are drawn larger with a dark ring, outreach areas as dotted (not dashed) outlines."""
    at = run_app(PAGE)
    assert "partner_id" in layers(at) and at.checkbox(key="c_partners_all").value
    everything = map_args(at)["feature_group"]
    assert '"dashArray":"0.1 8","lineCap":"round"' in everything and '"dashArray":"6 4"' not in everything
    at.sidebar.multiselect(key="f_phases").set_value(["kita"]).run()
    assert not at.exception and not at.checkbox(key="c_partners_phase").value
    assert "partner_id" not in layers(at) and "0 von 60 Netzwerkpartnern" in at.caption[0].value
    at.checkbox(key="c_partners_phase").check().run()
    assert len(layers(at)["partner_id"]) == len(demo_ws.partners)
    assert '"radius":7,"color":"#111111","weight":2' in map_args(at)["feature_group"]


def test_topic_filter_shows_one_topic_alone(demo_ws):
    at = run_app(PAGE)
    topic = "Hebammenhilfe"
    at.sidebar.multiselect(key="f_topics").set_value([topic]).run()
    assert not at.exception
    expected = filters.filter_offers(demo_ws, filters.OfferFilter(topics=(topic,)))
    assert len(expected) and set(expected["topic"]) == {topic}
    assert {f["properties"]["offer_id"] for f in layers(at)["offer_id"]} == \
        set(expected.loc[expected.geometry.notna(), "offer_id"])
    assert f"{len(expected)} von {len(demo_ws.offers)} Angeboten" in at.caption[0].value
    assert at.query_params["topics"] in (topic, [topic])  # kept in the link


def test_barriers_crossing_names_the_railway_and_river_that_cut_an_area(demo_ws):
    """A circle across the Lindetalbahn names it; one across the Linde names the river; a village
    far from both has none; the sentence names them in both languages."""
    from dashboard.analysis.nearby import barriers_crossing
    from dashboard.present.sentences import barrier_sentence
    from dashboard.sources.demo import railway_line, river_line

    on_rail = railway_line().interpolate(0.5, normalized=True)
    on_river = river_line().interpolate(0.5, normalized=True)
    village = demo_ws.districts.loc[demo_ws.districts["name"] == "Birkenau"].geometry.iloc[0].representative_point()
    found = barriers_crossing(demo_ws, [[on_rail.x + 300, on_rail.y], [on_river.x, on_river.y - 400],
                                        [village.x, village.y]], 500.0)
    rows = set(map(tuple, found[["point", "kind", "name"]].to_numpy()))
    assert {(0, "rail", "Lindetalbahn"), (1, "water", "Linde")} <= rows and 2 not in set(found["point"])
    assert (0, "water", "Linde") not in rows and (1, "rail", "Lindetalbahn") not in rows
    sentence = barrier_sentence(found[found["point"] == 0], "de")
    assert sentence.startswith("Achtung: Dieses Gebiet wird von der Bahnstrecke „Lindetalbahn“ durchschnitten.")
    both = barrier_sentence(found.assign(point=0), "en")
    assert "cut by the railway “Lindetalbahn” and the river “Linde”" in both
    sites = barrier_sentence(found, "de", ["Kita A", "Treff B", "Dorf C"])
    assert "Das Einzugsgebiet von 2 Standort(en) (Kita A, Treff B)" in sites
    assert barrier_sentence(found[found["point"] == 2], "de") is None


def test_a_walk_across_the_railway_says_so(demo_ws):
    from dashboard.sources.demo import railway_line

    at = run_app(PAGE)
    at.radio(key="click_mode").set_value("walk").run()
    near = demo_ws.addresses.geometry.distance(railway_line())
    home = demo_ws.addresses[(near > 150) & (near < 300)].to_crs(4326).geometry.iloc[0]
    at.session_state["walk_point"] = (home.y, home.x)
    at.run()
    assert not at.exception
    assert any("Bahnstrecke „Lindetalbahn“" in w.value for w in at.warning)
    river = demo_ws.addresses.geometry.distance(demo_ws.base_lines.geometry.iloc[0])
    home = demo_ws.addresses[(near > 3000) & (river > 3000)].to_crs(4326).geometry.iloc[0]
    at.session_state["walk_point"] = (home.y, home.x)
    at.run()
    assert not at.exception and not any("Achtung" in w.value for w in at.warning)
