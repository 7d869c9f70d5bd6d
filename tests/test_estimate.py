"""The register's fine age bands on the population grid (dashboard/sources/estimate.py):
iterative proportional fitting checked by hand, against its closed form, and on the real
Arnsberg and Kreis Viersen grids with a generated register."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import SHARED

from dashboard.sources.estimate import WITHHELD_SEED, fit_margins, register_on_grid

CRS = "EPSG:25832"
X0, Y0 = 400_000.0, 5_700_000.0


def test_ipf_reproduces_both_margins_of_a_table():
    """A 2 × 3 table fitted to row sums (10, 20) and column sums (5, 10, 15): the classic
    IPF answer (rows × columns / total for a flat seed) to 1e-9."""
    rows = np.repeat([0, 1], 3)
    cols = np.tile([0, 1, 2], 2)
    fit = fit_margins(np.ones(6), [(rows, [10.0, 20.0]), (cols, [5.0, 10.0, 15.0])])
    assert np.allclose(fit.values, np.outer([10, 20], [5, 10, 15]).ravel() / 30, rtol=1e-12)
    seed = np.array([1.0, 2, 3, 4, 5, 6])
    fit = fit_margins(seed, [(rows, [10.0, 20.0]), (cols, [5.0, 10.0, 15.0])])
    table = fit.values.reshape(2, 3)
    assert np.allclose(table.sum(axis=1), [10, 20], rtol=1e-9) and np.allclose(table.sum(axis=0), [5, 10, 15],
                                                                                rtol=1e-9)
    # the fitted table keeps the seed's odds ratios (what IPF preserves)
    odds = (table[0, 0] * table[1, 1]) / (table[0, 1] * table[1, 0])
    assert odds == pytest.approx((1 * 5) / (2 * 4), rel=1e-9)
    # a group without a target (NaN) is left to the other margins
    free = fit_margins(np.ones(6), [(rows, [10.0, np.nan]), (cols, [5.0, 10.0, 15.0])])
    assert free.values.reshape(2, 3)[0].sum() == pytest.approx(10.0)


def town(cells_values, withheld=()):
    """Two districts side by side (West x < 200, East x ≥ 200), four 100 m cells per row
    (x 0–400, one row): the grid's coarse classes under 18 and 18+."""
    geoms = [shapely.box(X0 + 100 * k, Y0, X0 + 100 * (k + 1), Y0 + 100) for k in range(4)]
    cells = gpd.GeoDataFrame({"cell_id": [f"c{k}" for k in range(4)],
                              "u18": [v[0] for v in cells_values], "o18": [v[1] for v in cells_values]},
                             geometry=geoms, crs=CRS)
    for k in withheld:
        cells.loc[k, "u18"] = np.nan
    units = gpd.GeoDataFrame({"unit_id": ["W", "E"]}, geometry=[shapely.box(X0, Y0, X0 + 200, Y0 + 100),
                                                                shapely.box(X0 + 200, Y0, X0 + 400, Y0 + 100)],
                             crs=CRS)
    grid_bands = pd.DataFrame({"column": ["u18", "o18"], "age_from": [0.0, 18.0], "age_to": [18.0, np.nan]})
    fine = pd.DataFrame({"column": ["a0_3", "a3_6", "a6_18", "a18_65", "a65"],
                         "age_from": [0.0, 3, 6, 18, 65], "age_to": [3.0, 6, 18, 65, np.nan]})
    return cells, units, grid_bands, fine


def test_register_bands_are_placed_where_the_grid_has_people():
    """By hand: West's 30 under-18s live 10 in cell 0, 20 in cell 1; the register says 6 of
    them are under 3. Cell 1 gets two thirds of every fine band of its class: 4 under-3s."""
    cells, units, grid_bands, fine = town([(10, 40), (20, 60), (5, 50), (15, 50)])
    register = pd.DataFrame({"unit_id": ["W", "E"], "a0_3": [6.0, 4], "a3_6": [6.0, 4], "a6_18": [18.0, 12],
                             "a18_65": [80.0, 70], "a65": [20.0, 30]})
    result = register_on_grid(cells, grid_bands, units, register, fine)
    got = result.persons
    assert got.loc[1, "a0_3"] == pytest.approx(4.0) and got.loc[0, "a0_3"] == pytest.approx(2.0)
    assert got.loc[3, "a65"] == pytest.approx(15.0)  # East: 30 over 65, cell 3 holds half its adults
    # both margins: each district's fine bands, each cell's coarse classes
    assert np.allclose(result.unit_persons.to_numpy(), register.iloc[:, 1:].to_numpy(float), rtol=1e-9)
    west, east = got.loc[[0, 1]].sum(), got.loc[[2, 3]].sum()
    assert np.allclose(west.to_numpy(), register.iloc[0, 1:].to_numpy(float), rtol=1e-9)
    assert np.allclose(east.to_numpy(), register.iloc[1, 1:].to_numpy(float), rtol=1e-9)
    assert np.allclose(got[["a0_3", "a3_6", "a6_18"]].sum(axis=1), cells["u18"], rtol=1e-9)
    assert np.allclose(got[["a18_65", "a65"]].sum(axis=1), cells["o18"], rtol=1e-9)
    # the closed form IPF converges to: each cell's class count × the district's mix within the class
    mix = register.iloc[0, 1:4].to_numpy(float) / 30
    assert np.allclose(got.loc[0, ["a0_3", "a3_6", "a6_18"]].to_numpy(), 10 * mix, rtol=1e-9)


def test_the_register_counts_where_the_sources_disagree():
    """The grid has 30 under-18s in West, the register 60: every West cell doubles its
    under-18s (the grid says where, the register how many)."""
    cells, units, grid_bands, fine = town([(10, 40), (20, 60), (5, 50), (15, 50)])
    register = pd.DataFrame({"unit_id": ["W", "E"], "a0_3": [12.0, 4], "a3_6": [12.0, 4], "a6_18": [36.0, 12],
                             "a18_65": [80.0, 70], "a65": [20.0, 30]})
    got = register_on_grid(cells, grid_bands, units, register, fine).persons
    assert np.allclose(got.loc[[0, 1], ["a0_3", "a3_6", "a6_18"]].sum(axis=1), [20.0, 40.0], rtol=1e-9)
    assert np.allclose(got.loc[[0, 1]].sum().to_numpy(), register.iloc[0, 1:].to_numpy(float), rtol=1e-9)


def test_a_district_whose_grid_is_withheld_still_gets_its_register():
    """West's under-18 cells are all withheld: its under-18s are spread evenly over them."""
    cells, units, grid_bands, fine = town([(0, 40), (0, 60), (5, 50), (15, 50)], withheld=(0, 1))
    register = pd.DataFrame({"unit_id": ["W", "E"], "a0_3": [6.0, 4], "a3_6": [6.0, 4], "a6_18": [18.0, 12],
                             "a18_65": [80.0, 70], "a65": [20.0, 30]})
    result = register_on_grid(cells, grid_bands, units, register, fine)
    got = result.persons
    assert got.loc[0, "a0_3"] == pytest.approx(3.0) and got.loc[1, "a0_3"] == pytest.approx(3.0)
    assert np.allclose(got.loc[[0, 1]].sum().to_numpy(), register.iloc[0, 1:].to_numpy(float), rtol=1e-9)
    assert result.deviation < 1e-9 and not result.units_without_cells


def test_a_cell_across_two_districts_is_shared_by_area():
    """A cell half in West, half in East takes half its persons into each district's fit."""
    cells, units, grid_bands, fine = town([(10, 40), (20, 60), (5, 50), (15, 50)])
    units = units.set_geometry([shapely.box(X0, Y0, X0 + 150, Y0 + 100), shapely.box(X0 + 150, Y0, X0 + 400, Y0 + 100)])
    register = pd.DataFrame({"unit_id": ["W", "E"], "a0_3": [4.0, 6], "a3_6": [4.0, 6], "a6_18": [12.0, 18],
                             "a18_65": [50.0, 100], "a65": [20.0, 30]})
    got = register_on_grid(cells, grid_bands, units, register, fine).persons
    assert got.sum().to_numpy() == pytest.approx(register.iloc[:, 1:].sum().to_numpy(float))
    assert np.allclose(got[["a0_3", "a3_6", "a6_18"]].sum(axis=1), cells["u18"], rtol=1e-9)


def test_unknown_ages_are_placed_like_the_grid_total():
    """A grid with under-10s and a total only: the register's adults follow the total."""
    geoms = [shapely.box(X0 + 100 * k, Y0, X0 + 100 * (k + 1), Y0 + 100) for k in range(2)]
    cells = gpd.GeoDataFrame({"u10": [4.0, 6.0], "persons_total": [104.0, 306.0]}, geometry=geoms, crs=CRS)
    units = gpd.GeoDataFrame({"unit_id": ["A"]}, geometry=[shapely.box(X0, Y0, X0 + 200, Y0 + 100)], crs=CRS)
    grid_bands = pd.DataFrame({"column": ["u10"], "age_from": [0.0], "age_to": [10.0]})
    fine = pd.DataFrame({"column": ["k", "e"], "age_from": [0.0, 10.0], "age_to": [10.0, np.nan]})
    register = pd.DataFrame({"unit_id": ["A"], "k": [10.0], "e": [400.0]})
    got = register_on_grid(cells, grid_bands, units, register, fine).persons
    assert np.allclose(got["k"], [4.0, 6.0]) and np.allclose(got["e"], [100.0, 300.0])


def real_grid(name: str):
    """A real Zensus 2011 100 m grid (under 10, 80+) cut into districts: quadrants of the
    municipalities' outline."""
    from dashboard.sources.tables import read_table, to_number

    folder = SHARED / name
    outline = gpd.read_file(next(folder.glob("municipality_*.geojson"))).to_crs(CRS)
    frames = []
    for file, column in (("zensus2011_grid_100m_under10.csv", "u10"), ("zensus2011_grid_100m_80plus.csv", "o80")):
        table = read_table(folder / file)
        frames.append(pd.DataFrame({"x": to_number(table["x_3035"], decimal=".")[0],
                                    "y": to_number(table["y_3035"], decimal=".")[0],
                                    column: to_number(table["value"], decimal=".", missing=("-1",))[0]}))
    grid = frames[0].merge(frames[1], on=["x", "y"], how="outer")
    boxes = shapely.box(grid["x"] - 50, grid["y"] - 50, grid["x"] + 50, grid["y"] + 50)
    cells = gpd.GeoDataFrame(grid[["u10", "o80"]], geometry=boxes, crs="EPSG:3035").to_crs(CRS)
    area = shapely.union_all(outline.geometry.to_numpy())
    (minx, miny, maxx, maxy), (cx, cy) = area.bounds, (area.centroid.x, area.centroid.y)
    quads = [shapely.box(*b) for b in ((minx, miny, cx, cy), (cx, miny, maxx, cy), (minx, cy, cx, maxy),
                                       (cx, cy, maxx, maxy))]
    units = gpd.GeoDataFrame({"unit_id": ["SW", "SO", "NW", "NO"]}, geometry=quads, crs=CRS)
    return cells, units


@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/data")
@pytest.mark.parametrize("name", ["arnsberg", "viersen"])
def test_real_grids_with_a_generated_register(name):
    """Per district the fine bands equal the generated register exactly; per cell the
    under-10s (split into 0–3, 3–6, 6–10) equal the grid's (withheld cells: their estimate)."""
    from dashboard.sources.estimate import area_shares

    cells, units = real_grid(name)
    rng = np.random.default_rng(5)
    grid_bands = pd.DataFrame({"column": ["u10", "o80"], "age_from": [0.0, 80.0], "age_to": [10.0, np.nan]})
    fine = pd.DataFrame({"column": ["a0_3", "a3_6", "a6_10", "a10_80", "a80"],
                         "age_from": [0.0, 3, 6, 10, 80], "age_to": [3.0, 6, 10, 80, np.nan]})
    c, u, s = area_shares(cells, units)
    seeded = cells[["u10", "o80"]].fillna(WITHHELD_SEED).to_numpy()
    per_unit = np.zeros((len(units), 2))
    np.add.at(per_unit, u, seeded[c] * s[:, None])
    split = rng.dirichlet([3, 3, 4], len(units))
    register = pd.DataFrame({"unit_id": units["unit_id"],
                             "a0_3": per_unit[:, 0] * split[:, 0], "a3_6": per_unit[:, 0] * split[:, 1],
                             "a6_10": per_unit[:, 0] * split[:, 2], "a10_80": rng.integers(5000, 20000, len(units)),
                             "a80": per_unit[:, 1]})
    result = register_on_grid(cells, grid_bands, units, register, fine)
    got = result.persons
    inside = np.isin(np.arange(len(cells)), c)
    assert np.allclose(result.unit_persons.to_numpy(), register.iloc[:, 1:].to_numpy(float), rtol=1e-9)
    assert list(result.unit_persons.index) == ["SW", "SO", "NW", "NO"]
    known = cells["u10"].notna().to_numpy() & inside
    assert np.allclose(got.loc[known, ["a0_3", "a3_6", "a6_10"]].sum(axis=1), cells.loc[known, "u10"], rtol=1e-9)
    assert result.deviation < 1e-9 and len(cells) > 1000
