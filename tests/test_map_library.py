"""Library functions behind the map, on hand-made cases."""

from __future__ import annotations

import copy
import json
from datetime import date

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from dashboard.analysis import filters, secrecy
from dashboard.analysis.indicators import city_value
from dashboard.analysis.population import cell_district_shares, phase_band_weights, target_population
from dashboard.present import classify, district_tables, maps, mapview
from dashboard.present import format as fmt


def test_phase_band_weights_split_straddling_bands():
    bands = pd.DataFrame({"column": ["a0_6", "a6_18", "a25_30", "a80"], "age_from": [0, 6, 25, 80],
                          "age_to": [6, 18, 30, np.nan]})
    phases = pd.DataFrame({"phase_id": ["u3", "kita", "transition", "seniors"], "age_from": [0, 3, 18, 65],
                           "age_to": [3, 6, 27, np.nan]})
    w = phase_band_weights(bands, phases)
    assert w.loc["a0_6", "u3"] == pytest.approx(0.5)
    assert w.loc["a0_6", "kita"] == pytest.approx(0.5)
    assert w.loc["a25_30", "transition"] == pytest.approx(2 / 5)
    assert w.loc["a80", "seniors"] == 1.0
    assert w.loc["a6_18"].sum() == 0.0


def test_cells_cut_by_a_boundary_are_split_by_area():
    districts = gpd.GeoDataFrame({"district_id": ["W", "E"]},
                                 geometry=[shapely.box(0, 0, 100, 200), shapely.box(100, 0, 200, 200)], crs=25832)
    cells = gpd.GeoDataFrame({"cell_id": ["c1", "c2"]},
                             geometry=[shapely.box(70, 0, 170, 100), shapely.box(0, 100, 100, 200)], crs=25832)
    cell, district, share = cell_district_shares(cells, districts)
    got = {(int(c), int(d)): s for c, d, s in zip(cell, district, share)}
    assert got[(0, 0)] == pytest.approx(0.3) and got[(0, 1)] == pytest.approx(0.7)
    assert got[(1, 0)] == pytest.approx(1.0) and (1, 1) not in got


def small_workspace(demo_ws):
    """Two districts, two cells (one withheld), age bands straddling phases."""
    ws = copy.deepcopy(demo_ws)
    ws.districts = gpd.GeoDataFrame({"district_id": ["W", "E"], "name": ["West", "Ost"],
                                     "parent_id": [None, None], "parent_name": [None, None]},
                                    geometry=[shapely.box(0, 0, 100, 200), shapely.box(100, 0, 200, 200)],
                                    crs=25832)
    ws.age_bands = pd.DataFrame({"column": ["a0_6", "a6_65", "a65"], "age_from": [0.0, 6.0, 65.0],
                                 "age_to": [6.0, 65.0, np.nan]})
    ws.population_cells = gpd.GeoDataFrame(
        {"cell_id": ["c1", "c2"], "a0_6": [60.0, np.nan], "a6_65": [100.0, 50.0], "a65": [10.0, 0.0]},
        geometry=[shapely.box(70, 0, 170, 100), shapely.box(0, 100, 100, 200)], crs=25832)
    return ws


def test_target_population_by_hand(demo_ws):
    ws = small_workspace(demo_ws)
    tp = target_population(ws)
    # cell 1: 30 % West, 70 % East; 60 persons aged 0-6 -> early_childhood (0-3) gets half
    assert tp.persons.loc["W", "early_childhood"] == pytest.approx(0.3 * 30)
    assert tp.persons.loc["E", "early_childhood"] == pytest.approx(0.7 * 30)
    assert tp.persons.loc["E", "seniors"] == pytest.approx(7)
    assert tp.estimated.loc["E", "early_childhood"] and not tp.estimated.loc["E", "seniors"]
    # cell 2 (withheld 0-6) lies in West only: West is incomplete, East is not
    assert tp.incomplete.loc["W"] and not tp.incomplete.loc["E"]
    assert tp.total.loc["W"] == pytest.approx(0.3 * 170 + 50)
    assert tp.density(ws.districts).loc["E", "seniors"] == pytest.approx(7 / 0.02)


def test_secrecy_hides_small_counts():
    values = pd.Series([0.0, 1.0, 2.9, 3.0, np.nan])
    out = secrecy.suppress(values, 3)
    assert out.tolist()[0] == 0.0 and np.isnan(out[1]) and np.isnan(out[2]) and out[3] == 3.0
    assert fmt.format_count(2, 3) == "< 3"
    assert fmt.format_count(1234.4, 3) == "1.234" and fmt.format_count(1234, 3, "en") == "1,234"
    assert fmt.format_count(np.nan) == "keine Angabe"
    assert fmt.format_number(1234.56, 1) == "1.234,6"


def test_classify_schemes():
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, np.nan], index=list("abcdefg"))
    q = classify.classify(values, "quantiles", 3)
    assert q.edges == pytest.approx((1.0, 1 + 5 / 3, 1 + 10 / 3, 6.0))  # linear-interpolated tertiles
    assert q.classes.tolist() == [0, 0, 1, 1, 2, 2, -1]
    e = classify.classify(values, "equal_interval", 5)
    assert e.edges[-1] == 6.0 and e.k == 5
    n = classify.classify(pd.Series([1.0, 1.1, 1.2, 9.0, 9.1, 9.2]), "natural_breaks", 3)
    assert n.classes.tolist()[:3] == [0, 0, 0] and n.classes.tolist()[3] >= 1
    assert classify.classify(pd.Series([2.0, 2.0]), "quantiles", 5).k == 1
    assert classify.classify(pd.Series([np.nan]), "quantiles", 5).k == 0
    with pytest.raises(ValueError):
        classify.classify(values, "quantiles", 9)


def test_palettes_are_sequential_and_reversible():
    p = classify.palette("YlGnBu", 5)
    assert len(p) == 5 and p == classify.palette("YlGnBu", 5, reverse=True)[::-1]
    assert len(set(classify.palette("viridis", 7))) == 7


def test_city_value_is_weighted_and_skips_withheld():
    values = pd.Series([10.0, 20.0, np.nan], index=["a", "b", "c"])
    weights = pd.Series([100.0, 300.0, 1000.0], index=["a", "b", "c"])
    assert city_value(values, weights) == pytest.approx(17.5)


def test_filters(demo_ws):
    ws = demo_ws
    everything = filters.filter_offers(ws, filters.OfferFilter())
    assert len(everything) == len(ws.offers)
    kita = filters.filter_offers(ws, filters.OfferFilter(life_phases=("kita",)))
    assert kita["life_phases"].map(lambda p: "kita" in p).all()
    assert len(kita) == ws.offers["life_phases"].map(lambda p: "kita" in p).sum()
    day = date(2025, 12, 1)
    valid = filters.filter_offers(ws, filters.OfferFilter(valid_on=day))
    expired = ws.offers["valid_to"].notna() & (ws.offers["valid_to"] < pd.Timestamp(day))
    future = ws.offers["valid_from"] > pd.Timestamp(day)
    assert len(valid) == len(ws.offers) - (expired | future).sum() and expired.any() and future.any()
    net = filters.filter_offers(ws, filters.OfferFilter(networks=("N4",)))
    members = set(ws.memberships.loc[ws.memberships["network_id"] == "N4", "partner_id"])
    assert len(net) > 0 and set(net["partner_id"]) <= members
    partners = filters.filter_partners(ws, filters.OfferFilter(networks=("N4",)))
    assert set(partners["partner_id"]) == members
    topic = filters.filter_offers(ws, filters.OfferFilter(topics=("Babymassage", "Hebammenhilfe")))
    assert len(topic) == ws.offers["topic"].isin(["Babymassage", "Hebammenhilfe"]).sum() > 0
    assert "Hebammenhilfe" in filters.options(ws)["topics"]


def test_first_phase_follows_the_life_chain():
    chain = ["pregnancy", "early_childhood", "kita"]
    lists = pd.Series([("kita", "pregnancy"), ("kita",), ()])
    first = filters.first_phase(lists, chain)
    assert first.tolist()[:2] == ["pregnancy", "kita"] and pd.isna(first.iloc[2])
    assert filters.first_phase(lists, chain, ("kita",)).tolist()[:2] == ["kita", "kita"]


def test_offer_popup_escapes_and_respects_roles(demo_ws):
    offers = demo_ws.offers.iloc[:3].copy()
    offers.loc[offers.index[0], "name"] = "<script>alert(1)</script>"
    public = mapview.offer_popup_items(demo_ws, offers, "de", show_personal=False)
    assert public.iloc[0]["n"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert offers["contact_email"].iloc[0] not in json.dumps(public.tolist())
    personal = mapview.offer_popup_items(demo_ws, offers, "de", show_personal=True)
    assert offers["contact_email"].iloc[0] in personal.iloc[0]["cp"]
    labels = [label for label, _ in mapview.popup_spec(demo_ws, mapview.OFFER_ROWS, "de")["rows"]]
    assert "Träger" in labels and "Stand" in labels


def test_outreach_area_lists_its_offers_in_one_popup(demo_ws):
    outreach = demo_ws.offers[demo_ws.offers.geometry.isna()]
    _, areas = mapview.offer_layers(demo_ws, outreach, (), "de", show_personal=False)
    listed = sorted(oid for f in areas.features for oid in f["properties"]["offer_ids"])
    assert listed == sorted(outreach["offer_id"]) and len(areas.features) < len(outreach)
    items = areas.features[0]["properties"]["_items"]
    assert len(items) == len(areas.features[0]["properties"]["offer_ids"])
    json.loads(areas.data_json)  # the items reach the browser as JSON
    m = folium.Map(tiles=None)
    areas.add_to(m)
    page = m.get_root().render()
    assert "_items" in page and "paPopup(spec" in page


def test_district_at_and_view(demo_ws):
    point = demo_ws.districts.to_crs(4326).geometry.iloc[0].representative_point()
    assert mapview.district_at(demo_ws, point.y, point.x) == "SR01"
    assert mapview.district_at(demo_ws, 0.0, 0.0) is None
    (south, west), (north, east) = maps.bounds_of(demo_ws.districts)
    (s1, w1), (n1, e1) = maps.bounds_of(demo_ws.districts.geometry.iloc[:1])
    assert 51 < south < s1 < n1 < north < 52 and west < w1 < e1 < east
    # a single place is framed with its streets around it (600 m across), several with all of them
    (s2, w2), (n2, e2) = mapview.bounds_around([(51.5, 7.0)], min_span_m=600)
    assert np.isclose((n2 - s2) * 111_320, 600) and np.isclose((e2 - w2) * 111_320 * np.cos(np.radians(51.5)), 600)
    assert mapview.bounds_around([(51.5, 7.0), (51.52, 7.05)]) == [[51.5, 7.0], [51.52, 7.05]]


def test_choropleth_population_share_and_secrecy(demo_ws):
    tp = target_population(demo_ws)
    spec = mapview.ChoroplethSpec(kind="population", phase="kita", measure="share", k=4)
    values, facts = mapview.choropleth_values(demo_ws, spec, tp)
    expected = tp.persons["kita"] / tp.total * 100
    assert np.allclose(values, expected)
    assert facts["unit"] == "% der Bevölkerung"
    tp_small = type(tp)(tp.persons.assign(kita=2.0), tp.estimated, tp.incomplete, tp.total)
    values, _ = mapview.choropleth_values(demo_ws, spec, tp_small, threshold=3)
    assert values.isna().all()  # 2 persons are below the threshold: withheld, not 0
    layer, title, classes, _ = mapview.choropleth(demo_ws, spec, tp_small)
    assert classes == [(classify.NO_DATA_COLOUR, "keine Angabe")]


def test_template_syntax_in_data_is_inert(demo_ws):
    """folium re-renders element output as a Jinja template; data must never be evaluated."""
    from dashboard.analysis.population import target_population
    from dashboard.present import maps

    offers = demo_ws.offers.copy()
    offers.loc[offers.index[0], "name"] = "{{ 7*7 }} {% if true %}x{% endif %} {# c #}"
    districts = demo_ws.districts.copy()
    districts.loc[0, "name"] = "{{ ''.__class__ }}"
    ws = type(demo_ws)(**{**demo_ws.__dict__, "offers": offers, "districts": districts})
    m = maps.base_map(ws.districts)
    layer, title, classes, _ = mapview.choropleth(ws, mapview.ChoroplethSpec(indicator="sgb2_u15", year=2025),
                                                  target_population(ws))
    layer.add_to(m)
    points, areas = mapview.offer_layers(ws, offers)
    mapview.feature_group(points, "Angebote").add_to(m)
    html = m.get_root().render()  # raised TemplateSyntaxError / evaluated before the fix
    assert "{\\u007b 7*7 }}" in html and "{\\u0025 if true %}" in html
    assert "{\\u007b \\u0026#x27;\\u0026#x27;.__class__ }}" in html and "<class" not in html
    assert maps.safe_label("{{ x }}") == "&#123;&#123; x &#125;&#125;"


def test_secondary_suppression_defeats_the_subtraction_attack():
    table = pd.DataFrame([[2.0, 40.0, 15.0, 7.0], [10.0, 12.0, 0.0, 30.0], [1.0, 1.0, 50.0, 9.0]],
                         columns=list("abcd"))
    protected = secrecy.protect_table(table, 3)
    assert np.isnan(protected.loc[0, "a"]) and np.isnan(protected.loc[0, "d"])  # 2 withheld, then the smallest other
    assert protected.loc[1].notna().all() and protected.loc[1, "c"] == 0.0  # nothing small: all shown, 0 shown
    assert protected.loc[2, ["a", "b"]].isna().all() and protected.loc[2, ["c", "d"]].notna().all()
    for i in range(3):  # with the row total published, no withheld cell can be computed back
        assert protected.loc[i].isna().sum() != 1
    both = secrecy.protect_table(table, 3, column_totals=True)
    assert all(both[c].isna().sum() != 1 for c in both.columns)
    assert all(both.loc[i].isna().sum() != 1 for i in both.index)


def test_district_population_table_is_protected(demo_ws):
    from dashboard.analysis.population import target_population

    tp = target_population(demo_ws)
    persons = tp.persons.copy()
    persons.loc["SR10", "kita"] = 2.0  # a small count in a village
    tp_small = type(tp)(persons, tp.estimated, tp.incomplete, tp.total)
    table = district_tables.population_table(demo_ws, tp_small, "SR10", 3)
    shown = table.set_index("Lebensphase")["Personen"]
    assert shown["Kita-Alter (3–<6)"] == "keine Angabe"
    assert (shown == "keine Angabe").sum() >= 2  # a second cell hides it from subtraction


def test_markdown_text_shows_names_as_written():
    shown = fmt.md("![x](http://evil.example/a.png) Müller & Söhne\n# <b>Nr. 1</b> :red[rot] $x$ www.evil.example")
    assert "\n" not in shown and "](" not in shown and "http://" not in shown and "www." not in shown
    assert shown.startswith(r"\!\[x\]\(http") and r"\:red\[rot\]" in shown and r"\$x\$" in shown
    assert "&amp;" in shown and "<b>" not in shown
    assert fmt.html_text("a\n\n<b>") == "a  &lt;b&gt;"


def test_popups_say_unknown_for_facts_the_source_does_not_give(demo_ws):
    from dashboard.present.mapview import offer_properties

    offers = demo_ws.offers.head(3).assign(cost_free=[True, False, None], barrier_free=[None, True, False])
    props = offer_properties(demo_ws, offers, "de")
    assert list(props["f"]) == ["ja", "nein", "unbekannt"] and list(props["b"]) == ["unbekannt", "ja", "nein"]
    assert list(offer_properties(demo_ws, offers, "en")["f"]) == ["yes", "no", "unknown"]


def test_offers_stand_out_from_any_shading_beneath(demo_ws):
    """Each offer's ring against the district colour under it: at least 3:1 (WCAG 1.4.11), in
    every palette and shading; a dark ring alone would fall below on the dark classes."""
    from dashboard.analysis.population import target_population
    from dashboard.present import maps, mapview

    ws = demo_ws.current()
    offers = ws.offers[ws.offers.geometry.notna()]
    tp = target_population(ws)
    worst_dark = []
    for palette in ("YlGnBu", "YlOrRd", "PuBu", "viridis", "cividis"):
        for shading in ("full", "translucent"):
            spec = mapview.ChoroplethSpec(kind="population", phase="early_childhood", palette=palette, shading=shading)
            layer, *_ = mapview.choropleth(ws, spec, tp)
            beneath = mapview.shade_beneath(layer.features, maps.SHADINGS[shading])
            points, _ = mapview.offer_layers(ws, offers, ("early_childhood",), beneath=beneath)
            look = points.data["cols"]["look"]
            rings = [look["dict"][i].split("|")[1] for i in look["idx"]]
            hit = ws.districts.sindex.query(offers.geometry, predicate="intersects")
            under = dict(zip(hit[0], ws.districts["district_id"].to_numpy()[hit[1]]))
            ratios = [maps.contrast_ratio(r, beneath[under[k]]) for k, r in enumerate(rings)]
            assert min(ratios) >= 3.0, (palette, shading, min(ratios))
            worst_dark.append(min(maps.contrast_ratio(maps.RINGS[0], beneath[d]) for d in under.values()))
    assert min(worst_dark) < 3.0  # the fixed dark ring of before did not stand out everywhere


def test_contrast_and_blend():
    from dashboard.present import maps

    assert round(maps.contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert maps.blend("#000000", 0.5, "#ffffff") in ("#7f7f7f", "#808080")
    assert maps.ring_for("#ffffcc") == "#111111" and maps.ring_for("#253494") == "#ffffff"


def test_a_legend_in_a_layer_group_changes_the_maps_one_legend(demo_ws):
    """The map page sends its legend with the layer groups (a new measure redraws them, the map
    stays): the legend finds its map through the group, and a map keeps one legend control,
    whose content the next group replaces."""
    from streamlit_folium import _get_feature_group_string

    m = maps.base_map(demo_ws.districts)
    group = mapview.unlisted_group(maps.Legend("<b>Kita-Alter</b>"), name="Thema")
    script = _get_feature_group_string(group, m, 0)
    assert "})(map_div);" in script  # the map, as streamlit-folium names it in the frame
    assert "m._paLegend" in script and "Kita-Alter" in script
    assert "feature_group_feature_group_0" in script and group.control is False
    with pytest.raises(ValueError, match="not on a map"):
        maps.Legend("x")._template.module.script(maps.Legend("x"), {})


def test_the_drawn_stamp_keeps_only_the_groups_of_its_run():
    stamp = maps.DrawnStamp(4)
    script = stamp._template.module.script(stamp, {})
    assert "window.feature_group.slice(-3)" in script and "window.paDrawn" in script
    alone = maps.DrawnStamp(1)
    assert "0 ? " in alone._template.module.script(alone, {})  # the only group: forget all before it


def test_a_view_reprojects_only_the_hull_and_keeps_the_bounds(demo_ws):
    """map_centre, bounds_of and view_of take the hull in the workspace's CRS and reproject its
    corners only: the bounds are those of every vertex reprojected."""
    for frame in (demo_ws.districts, demo_ws.districts.iloc[[3]], demo_ws.family_centres):
        full = frame.to_crs(4326).total_bounds
        (south, west), (north, east) = maps.bounds_of(frame)
        assert np.allclose([west, south, east, north], full, rtol=0, atol=1e-9)
    view = maps.view_of(demo_ws.districts.iloc[[3]])
    hull = shapely.convex_hull(shapely.union_all(demo_ws.districts.iloc[[3]].to_crs(4326).geometry.to_numpy()))
    expected = [[round(lat, 5), round(lon, 5)] for lon, lat in shapely.get_coordinates(
        hull.simplify(0.0005).exterior)[:-1]]
    assert view["outline"] == expected
    centre, bounds = maps.map_centre(demo_ws.districts)
    assert np.allclose(centre, [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2])
    assert maps.base_map(maps.view_of(demo_ws.districts)).location == maps.base_map(demo_ws.districts).location
    assert maps.view_of(demo_ws.districts.iloc[:0])["outline"] is None


def test_shared_features_write_their_json_once_and_the_same(demo_ws):
    features = mapview.district_name_features(demo_ws)
    shared = maps.Features(features)
    first, second = (maps.GeoJsonLayer(shared, name="x") for _ in range(2))
    assert first.data_json == maps.GeoJsonLayer(features, name="x").data_json
    assert first.data_json is second.data_json  # written once, embedded by every layer


def test_a_layer_group_renders_like_folium_without_its_own_add_statement(demo_ws):
    """LayerGroup skips folium's re-templating; streamlit-folium adds groups to the map itself,
    so the group's script is folium's without the redundant ``addTo``."""
    from streamlit_folium import _get_feature_group_string

    def script(group_class):
        m = maps.base_map(demo_ws.districts)
        group = group_class(name="Namen")
        mapview.district_names_layer(demo_ws, "Namen").add_to(group)
        text = _get_feature_group_string(group, m, 0)
        layer = next(iter(group._children.values()))
        return text.replace(group.get_name(), "GROUP").replace(layer.get_name(), "LAYER")

    folium_text, ours = script(folium.FeatureGroup), script(maps.LayerGroup)
    assert "GROUP.addTo(map_div);" in folium_text
    lines = lambda text: [line for line in text.split("\n") if line.strip()]  # noqa: E731
    assert lines(ours) == [line for line in lines(folium_text) if "GROUP.addTo(map_div);" not in line]
    assert "map_div.addLayer(GROUP);" in ours
