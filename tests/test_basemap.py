"""The offline base map drawn from the workspace: what is sent to the browser, and how much."""

from __future__ import annotations

import types

import geopandas as gpd
import numpy as np
import pytest
import shapely
from conftest import SHARED

from dashboard.present import basemap
from dashboard.present.maps import _script_json


def decode(line):
    """The browser's decoding (first pair absolute, then steps), in Python."""
    steps = np.asarray(line, np.int64).reshape(-1, 2)
    return np.cumsum(steps, axis=0) / 1e5


def test_lines_survive_the_encoding_to_about_a_metre(demo_ws):
    lines = basemap.base_lines(demo_ws)
    assert set(lines["kind"]) == {"street", "main_road", "water", "rail"}
    data = basemap.encode(demo_ws, lines)
    river = lines.set_index("kind").loc["water", "geometry"]
    shown = gpd.GeoSeries([river], crs=demo_ws.crs).to_crs(4326).iloc[0]
    first = shapely.get_parts(shown)[0]
    decoded = decode(data["water"][0])
    assert np.abs(decoded - shapely.get_coordinates(first)[:, ::-1]).max() <= 0.6e-5


def test_place_names_are_escaped_zoomed_by_kind_and_never_twice(demo_ws):
    from dataclasses import replace

    places = demo_ws.base_places.copy()
    places.loc[0, "name"] = "<b>Altstadt</b>"
    village = places.index[places["name"] == "Birkenau"][0]
    places.loc[village, "name"] = "Birkenau-Dorf"
    data = basemap.base_map_data(replace(demo_ws, base_places=places))
    names = {p[2]: p[3] for p in data["places"]}
    assert "&lt;b&gt;Altstadt&lt;/b&gt;" in names and names["Birkenau-Dorf"] == 0  # a village: always
    # a place named like a district is left to the district names (not drawn twice)
    assert "Nordstadt" not in names and "Nordstadt" in set(demo_ws.districts["name"])


def test_streets_carry_their_names_to_the_browser(demo_ws):
    """Every named street's name is sent once; each drawn street line points at its name,
    and a street is merged to long lines to write its name along."""
    data = basemap.base_map_data(demo_ws)
    named = set(demo_ws.street_edges["name"].dropna())
    assert set(data["names"]) == named | {"Linde", "Lindetalbahn"}  # the river and the railway too
    for kind in ("street", "main_road"):
        assert len(data["line_names"][kind]) == len(data["lines"][kind])
    ids = [i for kind in ("street", "main_road") for i in data["line_names"][kind]]
    assert {data["names"][i] for i in ids if i >= 0} == named
    lines = basemap.base_lines(demo_ws)
    main = lines[lines["kind"] == "main_road"]
    edges = demo_ws.street_edges
    assert len(main) < 0.5 * edges["highway"].isin(basemap.MAIN_ROADS).sum()  # merged along each road
    assert lines.loc[lines["kind"] == "rail", "name"].tolist() == ["Lindetalbahn"]


def test_the_demo_base_map_is_small(demo_ws):
    size = len(_script_json(basemap.base_map_data(demo_ws)))
    print(f"demo base map: {size / 1e6:.2f} MB")
    assert size < 300_000


@pytest.mark.skipif(not (SHARED / "osm" / "heidelberg.osm.pbf").exists(), reason="needs ../shared/data/osm")
def test_a_real_city_fits_the_payload_budget():
    """Heidelberg's 3,474 km of walkable streets: under the 1.5 MB the map page may grow by."""
    from test_walking import extract

    _, edges = extract("heidelberg")
    ws = types.SimpleNamespace(has_streets=True, street_edges=edges, crs=edges.crs, base_lines=None,
                               base_places=None)
    size = len(_script_json(basemap.base_map_data(ws)))
    print(f"Heidelberg base map: {size / 1e6:.2f} MB")
    assert size < 1_500_000


@pytest.mark.skipif(not (SHARED / "osm" / "heidelberg.osm.pbf").exists(), reason="needs ../shared/data/osm")
def test_landmarks_come_from_the_extract():
    """Schools, Kitas, stations and parks people find their way by, named as OpenStreetMap names
    them (nodes, and areas at the middle of their nodes), each once."""
    from dashboard.sources.streets import read_base_map

    area = gpd.GeoSeries([shapely.box(8.65, 49.38, 8.72, 49.42)], crs=4326).to_crs(25832)
    _, places = read_base_map(SHARED / "osm" / "heidelberg.osm.pbf", area, margin_m=500)
    kinds = places.groupby("kind")["name"].apply(set)
    assert {"school", "kindergarten", "station", "park"} <= set(kinds.index)
    assert all(len(kinds[k]) >= 3 for k in ("school", "kindergarten", "station", "park")), kinds
    assert "Heidelberg Hauptbahnhof" in kinds["station"]
    main_station = places[places["name"] == "Heidelberg Hauptbahnhof"]
    assert len(main_station) == 1  # tagged railway=station and public_transport=station: drawn once
    assert area.buffer(500).union_all().contains(main_station.geometry.iloc[0])


def test_landmarks_are_sent_with_their_kind_and_escaped(demo_ws):
    from dataclasses import replace

    places = demo_ws.base_places.copy()
    park = places.index[places["name"] == "Stadtpark"][0]
    places.loc[park, "name"] = "<img src=x onerror=alert(1)>park"
    data = basemap.base_map_data(replace(demo_ws, base_places=places))
    kinds = {p[2]: (p[3], p[4]) for p in data["places"]}
    assert kinds["&lt;img src=x onerror=alert(1)&gt;park"] == (15, "park")
    assert kinds["Bahnhof Lindenbrück"] == (13, "station")
    assert {k for _, k in kinds.values()} == {"school", "kindergarten", "station", "park"}  # the places: districts
