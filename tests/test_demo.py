"""The generated demo city: deterministic, plausible, clearly fictional, and what geodata/ ships."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from dashboard.model import schema
from dashboard.model.workspace import read_workspace, write_workspace
from dashboard.sources.demo import generate_demo_workspace

LAYERS = ["districts", "life_phases", "offers", "age_bands", "population_cells", "indicator_catalogue",
          "indicators", "family_centres", "partners", "networks", "memberships", "addresses", "street_edges",
          "base_lines", "base_places", "population_years"]


def assert_same_workspace(a, b):
    assert a.meta == b.meta
    for layer in LAYERS:
        x, y = getattr(a, layer), getattr(b, layer)
        if hasattr(x, "geometry") and "geometry" in x:
            assert_geodataframe_equal(x, y, check_less_precise=False)
        else:
            pd.testing.assert_frame_equal(x, y)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    return read_workspace(write_workspace(generate_demo_workspace(), path))


def test_generator_is_deterministic(generated, tmp_path):
    again = read_workspace(write_workspace(generate_demo_workspace(), tmp_path / "again.gpkg"))
    assert_same_workspace(generated, again)


def test_other_seed_gives_other_city(generated, tmp_path):
    other = generate_demo_workspace(seed=7)
    assert not np.array_equal(other.population_cells["age_30_50"].to_numpy(),
                              generated.population_cells["age_30_50"].to_numpy())


def test_shipped_geodata_is_the_generator_output(generated, demo_ws):
    assert_same_workspace(generated, demo_ws)


def test_demo_is_labelled_fictional(demo_ws):
    assert demo_ws.is_fictional
    assert "fiktiv" in demo_ws.meta["municipality_name"].lower()
    assert "Fiktive Demodaten" in demo_ws.meta["fictional_label"]
    assert "fiktiv" in demo_ws.meta["sources"].lower()


def test_demo_city_is_realistic(demo_ws):
    ws = demo_ws
    assert 70_000 <= ws.total_population() <= 80_000
    assert 12 <= len(ws.districts) <= 16
    assert ws.districts["parent_name"].nunique() >= 3
    assert 180 <= len(ws.offers) <= 230
    assert 10 <= len(ws.family_centres) <= 14
    assert 50 <= len(ws.partners) <= 70
    assert len(ws.networks) == 8
    cells = ws.population_cells
    side = np.sqrt(cells.area)
    assert np.allclose(side, 100.0)
    # every phase and sector has offers; some outreach offers have service areas
    phases = set(ws.offers["life_phases"].explode())
    assert phases == set(ws.life_phases["phase_id"])
    assert set(ws.offers["sectors"].explode()) == set(schema.SECTORS)
    outreach = ws.offers[ws.offers.geometry.isna()]
    assert len(outreach) >= 10 and outreach["service_area"].map(len).gt(0).all()
    assert ws.indicators["year"].nunique() == 3  # three years of history (Qualitätskreislauf)


def test_dense_core_and_villages(demo_ws):
    ws = demo_ws
    cells = ws.population_cells
    pop = np.nansum(cells[ws.band_columns].to_numpy(float), axis=1)
    hit = ws.districts.sindex.query(cells.geometry.centroid, predicate="intersects")
    per_district = np.bincount(hit[1], weights=pop[hit[0]], minlength=len(ws.districts))
    density = per_district / (ws.districts.area / 1e6)
    by_name = dict(zip(ws.districts["name"], density))
    assert by_name["Altstadt"] > 1500 and by_name["Birkenau"] < 200


def test_indicators_correlate_plausibly(demo_ws):
    wide = demo_ws.indicators[demo_ws.indicators["year"] == 2025].pivot(
        index="district_id", columns="indicator", values="value")
    corr = wide.corr()
    assert corr.loc["sgb2_u15", "single_parent"] > 0.5
    assert corr.loc["sgb2_u15", "school_entry_language"] > 0.5
    assert corr.loc["non_german", "unemployment"] > 0.5


def test_deliberate_gap_and_duplicates(demo_ws):
    ws = demo_ws
    sited = ws.offers[ws.offers.geometry.notna()]
    hit = ws.districts.sindex.query(sited.geometry, predicate="intersects")
    district_of = pd.Series(ws.districts["name"].to_numpy()[hit[1]], index=sited.index[hit[0]])
    westfeld = sited.loc[district_of[district_of == "Westfeld"].index]
    assert not westfeld["life_phases"].map(lambda p: "early_childhood" in p).any()
    babymassage = sited[sited["name"] == "Babymassage-Kurs Altstadt"]
    assert len(babymassage) >= 2 and babymassage["provider"].nunique() >= 2
    pts = babymassage.geometry.iloc[-2:]
    assert pts.iloc[0].distance(pts.iloc[1]) < 200


SITED = ("offers", "family_centres", "partners")


@pytest.mark.parametrize("layer", SITED)
def test_demo_places_stand_at_the_address_they_name(demo_ws, layer):
    """Every offer, Familienzentrum and partner stands on the house coordinate of its own
    address, in a populated cell, and well away from the railway and the river."""
    import shapely

    frame = getattr(demo_ws, layer)
    sited = frame[frame.geometry.notna()]
    directory = demo_ws.addresses
    text = directory["street"] + " " + directory["number"] + ", " + directory["postcode"] + " " + directory["place"]
    at = dict(zip(text, directory.geometry))
    assert sited["address"].isin(at.keys()).all()
    gap = [point.distance(at[address]) for point, address in zip(sited.geometry, sited["address"])]
    assert max(gap) < 0.5
    barriers = demo_ws.base_lines[demo_ws.base_lines["kind"].isin(["rail", "water"])].geometry.union_all()
    assert shapely.distance(sited.geometry.to_numpy(), barriers).min() >= 20.0
    cells = demo_ws.population_cells.geometry.union_all()
    assert shapely.within(sited.geometry.to_numpy(), cells).all()


def test_demo_streets_carry_the_names_of_the_address_directory(demo_ws):
    """The named base map works on the demo: streets have names, and each house coordinate
    lies beside a street of its own name."""
    import shapely

    edges = demo_ws.street_edges
    roads = edges[edges["highway"] != "footway"]
    assert roads["name"].notna().all()
    assert edges["name"].nunique() > 500
    directory = demo_ws.addresses
    assert set(directory["street"]) <= set(edges["name"].dropna())
    by_name = edges.dropna(subset=["name"]).dissolve("name").geometry
    sample = directory.sample(2000, random_state=1)
    gap = shapely.distance(sample.geometry.to_numpy(), by_name.loc[sample["street"]].to_numpy())
    assert gap.max() < 13.0
    assert not directory.duplicated(["street", "number"]).any()


def test_demo_landmarks_stand_where_they_belong(demo_ws):
    """The demo's extract names landmarks as OpenStreetMap would: the schools and Kitas among the
    partners at their own sites, the station on the railway, parks away from the tracks."""
    from dashboard.sources.demo import railway_line

    places = demo_ws.base_places
    landmarks = places[places["kind"].isin(["school", "kindergarten", "station", "park"])]
    partners = demo_ws.partners.set_index("organisation")
    for row in landmarks[landmarks["kind"].isin(["school", "kindergarten"])].itertuples():
        assert row.geometry.distance(partners.loc[row.name, "geometry"]) < 0.01
    station = landmarks[landmarks["kind"] == "station"].geometry.iloc[0]
    assert station.distance(railway_line()) < 1
    parks = landmarks[landmarks["kind"] == "park"]
    assert len(parks) == 3 and (parks.distance(railway_line()) > 200).all()
