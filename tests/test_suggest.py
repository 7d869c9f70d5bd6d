"""Standortvorschlag on workspaces: who counts as not reached, the candidates, walking
distance, need weights, the published counts and the sentences that explain them."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from test_coverage import CRS, X0, Y0, offer, river_grid, tiny

from dashboard.analysis import cellkey, suggest
from dashboard.analysis import sites as mclp
from dashboard.analysis.coverage import CoverageParams, coverage, prepare_demand
from dashboard.model.problems import ProblemError
from dashboard.present import problems as problem_words
from dashboard.present import sentences

OSM = Path(__file__).resolve().parents[2] / "shared" / "data" / "osm"
YOUNG = "early_childhood"  # 0–<3: 4 persons in every 100 m cell of the tiny town


def points(*xy, names=None):
    return suggest.layer_candidates(gpd.GeoDataFrame(
        {"name": names or [f"S{i}" for i in range(len(xy))]},
        geometry=[shapely.Point(X0 + x, Y0 + y) for x, y in xy], crs=CRS), CRS)


def brute_unreached(ws, xy, radius, offers=()):
    """Persons 0–<3 in cells whose centre is within radius / 1.3 of (x, y) and not within it
    of any of the ``offers``' (x, y), by hand."""
    cells = ws.population_cells
    centre = cells.geometry.centroid

    def near(x, y):
        return np.hypot(centre.x - (X0 + x), centre.y - (Y0 + y)) <= radius / 1.3

    today = np.zeros(len(cells), bool)
    for x, y in offers:
        today |= near(x, y)
    return cells.loc[near(*xy) & ~today, "age_0_3"].sum()


def test_the_site_where_nobody_is_reached_wins():
    ws = tiny([offer("o1", [YOUNG], 500, 500)])  # reaches West's middle
    found = suggest.suggest_sites(ws, YOUNG, 1, candidates=points((450, 450), (1500, 500)), threshold=1)
    assert list(found.sites["label"]) == ["S1"]
    assert found.sites["district_name"].tolist() == ["Ost"]
    assert found.choice.reached == pytest.approx(brute_unreached(ws, (1500, 500), 1000.0, [(500, 500)]))
    # the candidate beside the existing offer adds nothing the offer and S1 do not reach: not proposed
    both = suggest.suggest_sites(ws, YOUNG, 2, candidates=points((450, 450), (1500, 500)), threshold=1)
    assert list(both.sites["label"]) == ["S1"]


def test_an_outreach_offer_reaches_its_whole_district():
    ws = tiny([offer("o1", [YOUNG], area=["D1"])])  # Ost served by outreach
    found = suggest.suggest_sites(ws, YOUNG, 1, candidates=points((500, 500), (1500, 500)), threshold=1)
    assert list(found.sites["label"]) == ["S0"]
    persons = suggest.unreached_persons(ws, [YOUNG], coverage(ws), prepare_demand(ws))
    assert persons.sum() == pytest.approx(4.0 * 100)  # West's 100 cells only


def test_need_weighting_prefers_the_district_of_high_need():
    ws = tiny([offer("o1", ["seniors"], 2500, 500)])
    # S0 at West's lower edge reaches about half a circle, S1 a full circle in Ost;
    # West's need index is higher (poverty 30 vs 10: weight 1.84 vs 0.54)
    candidates = points((500, 0), (1500, 500))
    plain = suggest.suggest_sites(ws, YOUNG, 1, candidates=candidates)
    weighted = suggest.suggest_sites(ws, YOUNG, 1, candidates=candidates, need_weighted=True)
    assert list(plain.sites["label"]) == ["S1"]
    assert list(weighted.sites["label"]) == ["S0"]
    assert weighted.assumptions["need_weighted"] and not plain.assumptions["need_weighted"]


def test_several_phases_count_together():
    """A Familienzentrum serves several phases: the persons of all of them count."""
    ws = tiny([offer("o1", [YOUNG], 1500, 500)])
    one = suggest.suggest_sites(ws, YOUNG, 1, candidates=points((500, 500), (1500, 500)))
    both = suggest.suggest_sites(ws, [YOUNG, "kita"], 1, candidates=points((500, 500), (1500, 500)))
    assert list(one.sites["label"]) == ["S0"]
    assert both.choice.reached > one.choice.reached


def test_walking_distance_keeps_the_river_between():
    """A candidate just west of a river reaches the cells across it in a straight line, but on
    foot only over the bridge far to the north."""
    ws = river_grid(tiny([offer("o1", ["seniors"], 2500, 500)]), bridge_y=950.0)
    candidates = points((950, 50))
    demand = prepare_demand(ws)
    cell, _ = suggest.candidate_pairs(demand, candidates, 500.0, 1.3, ws)
    east = demand.xy[cell, 0] > X0 + 1000
    assert not east.any()
    cell, _ = suggest.candidate_pairs(demand, candidates, 500.0, 1.3)  # straight line
    assert (demand.xy[cell, 0] > X0 + 1000).any()
    found = suggest.suggest_sites(ws, YOUNG, 1, CoverageParams(radius_m=500.0), candidates=candidates)
    assert found.assumptions["network"]


def test_published_counts_follow_the_cell_key_method_and_withhold_small_ones():
    ws = tiny([offer("o1", ["seniors"], 2500, 500)])
    table = cellkey.PerturbationTable()
    found = suggest.suggest_sites(ws, YOUNG, 2, candidates=points((500, 500), (1500, 500)))
    true = found.choice.gain
    assert np.all(np.abs(found.sites["new_persons"].to_numpy() - true) <= table.max_deviation)
    # a site reaching one cell of 4 persons: withheld at a threshold of 5
    small = suggest.suggest_sites(ws, YOUNG, 1, CoverageParams(radius_m=60.0), candidates=points((50, 50)),
                                  threshold=5)
    assert small.choice.reached == pytest.approx(4.0)
    assert np.isnan(small.sites["new_persons"].iat[0]) and np.isnan(small.new_persons)
    assert "keine Angabe" in sentences.site_sentences(small, ws, "de", threshold=5)[0]


def test_the_same_request_publishes_the_same_figures():
    ws = tiny([offer("o1", ["seniors"], 2500, 500)])
    a = suggest.suggest_sites(ws, YOUNG, 2, candidates=points((500, 500), (1500, 500)))
    b = suggest.suggest_sites(ws, YOUNG, 2, candidates=points((500, 500), (1500, 500)))
    assert a.sites.equals(b.sites)


def test_bad_requests_are_problems_in_both_languages():
    ws = tiny([offer("o1", ["seniors"], 2500, 500)])
    with pytest.raises(ProblemError) as err:
        suggest.suggest_sites(ws, "toddlers", 0)
    codes = {p.code for p in err.value.problems}
    assert codes == {"unknown_value", "parameter_range"}
    no_grid = tiny([offer("o1", ["seniors"], 2500, 500)])
    no_grid.population_cells = None
    with pytest.raises(ProblemError) as err:
        suggest.suggest_sites(no_grid, YOUNG, 1)
    assert err.value.problem.code == "sites_need_grid"
    assert "Bevölkerungsraster" in problem_words.message(err.value.problem, "de")
    with pytest.raises(ProblemError) as err:
        suggest.suggest_sites(ws, YOUNG, 1, candidates=suggest.layer_candidates(
            gpd.GeoDataFrame({"name": []}, geometry=[], crs=CRS), CRS))
    assert err.value.problem.code == "no_candidates"


def test_long_candidate_lists_are_thinned_one_per_square():
    xy = np.random.default_rng(3).uniform(0, 1000, (500, 2))
    kept = suggest._thin(xy, np.arange(500).astype(object), "addresses", limit=50)
    assert len(kept) <= 50 and kept.thinned_m >= suggest.THIN_START_M and kept.given == 500
    squares = np.floor(kept.xy / kept.thinned_m)
    assert len(np.unique(squares, axis=0)) == len(kept)  # one per square


def test_demo_city_suggestion_and_its_explanation(demo_ws):
    ws = demo_ws.current()
    found = suggest.suggest_sites(ws, "kita", 3, candidates="addresses", need_weighted=True)
    assert len(found.sites) == 3 and found.choice.method in ("lp", "milp", "greedy")
    assert found.choice.reached >= found.choice.greedy_reached
    assert found.sites["district_id"].notna().all()
    assert (found.sites["new_persons"].fillna(0) > 0).any()
    words = sentences.suggestion_assumptions(found, "de")
    assert "Straßennetz" in words and "Bedarfsindex" in words and "Adressverzeichnis" in words
    assert "exakt" in words or "Optimum" in words
    english = sentences.suggestion_assumptions(found, "en")
    assert "along the streets" in english
    assert len(sentences.site_sentences(found, ws, "en")) == 3


@pytest.mark.skipif(not (OSM / "lauf_an_der_pegnitz.osm.pbf").exists(), reason="needs ../shared/data/osm")
def test_a_real_street_network_the_exact_choice_beats_or_equals_greedy():
    """Lauf an der Pegnitz's real streets (OpenStreetMap); the population is made up (seeded)
    since the extract has none: the choice must be checked on real walking distances."""
    from dashboard.analysis import walking
    from dashboard.model.life_phases import default_life_phases
    from dashboard.model.workspace import Workspace
    from dashboard.sources import streets

    path = OSM / "lauf_an_der_pegnitz.osm.pbf"
    lines, _, _ = streets._osm_ways(path, gpd.GeoSeries([], crs=CRS).crs)
    hull = shapely.convex_hull(shapely.union_all(lines))
    nodes, edges = streets.read_streets(path, gpd.GeoSeries([hull], crs=CRS), margin_m=0)
    x0, y0, x1, y1 = hull.bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    gx, gy = np.meshgrid(np.arange(cx - 1500, cx + 1500, 100.0), np.arange(cy - 1500, cy + 1500, 100.0))
    gx, gy = gx.ravel(), gy.ravel()
    rng = np.random.default_rng(7)
    cells = gpd.GeoDataFrame({"cell_id": [f"c{i}" for i in range(len(gx))],
                              "age_0_3": rng.poisson(3, len(gx)).astype(float)},
                             geometry=shapely.box(gx, gy, gx + 100, gy + 100), crs=CRS)
    districts = gpd.GeoDataFrame({"district_id": ["A", "B"], "name": ["West", "Ost"], "parent_id": None,
                                  "parent_name": None},
                                 geometry=[shapely.box(cx - 1500, cy - 1500, cx, cy + 1500),
                                           shapely.box(cx, cy - 1500, cx + 1500, cy + 1500)], crs=CRS)
    import pandas as pd

    ws = Workspace(meta={"schema_version": "1.0"}, districts=districts, life_phases=default_life_phases(),
                   offers=gpd.GeoDataFrame(pd.DataFrame([offer("o1", ["seniors"])]).drop(columns="geometry"),
                                           geometry=[shapely.Point(cx, cy)], crs=CRS),
                   age_bands=pd.DataFrame({"column": ["age_0_3"], "age_from": [0.0], "age_to": [3.0]}),
                   population_cells=cells, street_nodes=nodes, street_edges=edges)
    found = suggest.suggest_sites(ws, YOUNG, 4, CoverageParams(radius_m=800.0), candidates="grid")
    assert found.assumptions["network"] and len(found.sites) == 4
    assert found.choice.reached >= found.choice.greedy_reached
    # the chosen sites reach what the walk says: one search per chosen site, summed by hand
    demand = prepare_demand(ws)
    graph = walking.street_graph(ws)
    reached = np.zeros(len(demand.xy), bool)
    for x, y in found.sites[["x", "y"]].to_numpy():
        placed = walking.place(graph, {"site": [[x, y]]}, attached={"cells": demand.xy})
        _, cell, _ = walking.pairs_within(placed, "site", "cells", 800.0)
        reached[cell] = True
    persons = suggest.unreached_persons(ws, [YOUNG], coverage(ws, CoverageParams(radius_m=800.0), demand), demand)
    assert found.choice.reached == pytest.approx(persons[reached].sum())
    # and no other four candidates do better than the solver's bound says
    assert mclp.reached_weight(persons, *suggest.candidate_pairs(demand, found.candidates, 800.0, 1.3, ws),
                               found.choice.greedy_sites) <= found.choice.bound + 1e-6
