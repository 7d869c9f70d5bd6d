"""Coverage measures on a tiny hand-made town whose answers can be checked by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from dashboard.analysis import coverage as C
from dashboard.analysis.need import need_index, need_weight
from dashboard.model.life_phases import default_life_phases
from dashboard.model.problems import ProblemError
from dashboard.model.workspace import Workspace
from dashboard.present import sentences

CRS = "EPSG:25832"
X0, Y0 = 400_000.0, 5_700_000.0


def offer(offer_id, phases, x=None, y=None, category="Beratung", area=None, capacity=10.0, name=None):
    return {"offer_id": offer_id, "name": name or offer_id, "provider": "Träger", "category": category,
            "life_phases": tuple(phases), "service_area": tuple(area or ()), "capacity": capacity,
            "cost_free": True, "barrier_free": True, "valid_from": pd.NaT, "valid_to": pd.NaT,
            "sectors": ("Soziales",), "geometry": None if x is None else shapely.Point(X0 + x, Y0 + y)}


def tiny(offers, empty_district=True, withheld=False):
    """West (0–1 km) and Ost (1–2 km) with 100 m cells of 4 persons aged 0–<3, 10 aged
    3–<65 and 2 aged 65+; optionally a third district 'Wald' (2–3 km) where nobody lives."""
    boxes = [shapely.box(X0, Y0, X0 + 1000, Y0 + 1000), shapely.box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)]
    names = ["West", "Ost"]
    if empty_district:
        boxes.append(shapely.box(X0 + 2000, Y0, X0 + 3000, Y0 + 1000))
        names.append("Wald")
    districts = gpd.GeoDataFrame({"district_id": [f"D{i}" for i in range(len(boxes))], "name": names,
                                  "parent_id": None, "parent_name": None}, geometry=boxes, crs=CRS)
    gx, gy = np.meshgrid(np.arange(20) * 100.0, np.arange(10) * 100.0)
    gx, gy = gx.ravel() + X0, gy.ravel() + Y0
    young = np.full(len(gx), 4.0)
    if withheld:
        young[0] = np.nan
    cells = gpd.GeoDataFrame({"cell_id": [f"c{i}" for i in range(len(gx))], "age_0_3": young,
                              "age_3_65": 10.0, "age_65": 2.0},
                             geometry=shapely.box(gx, gy, gx + 100, gy + 100), crs=CRS)
    bands = pd.DataFrame({"column": ["age_0_3", "age_3_65", "age_65"], "age_from": [0.0, 3.0, 65.0],
                          "age_to": [3.0, 65.0, np.nan]})
    ids = list(districts["district_id"])
    catalogue = pd.DataFrame({"indicator": ["poverty"], "label_de": ["Armut"], "label_en": ["Poverty"],
                              "unit": ["%"], "category": ["x"], "higher_is_need": [True], "source": ["test"]})
    indicators = pd.DataFrame({"district_id": ids, "year": 2025, "indicator": "poverty",
                               "value": [30.0, 10.0, 20.0][:len(ids)]})
    frame = pd.DataFrame(offers)
    geoms = frame.pop("geometry")
    return Workspace(meta={"schema_version": "1.0"}, districts=districts, life_phases=default_life_phases(),
                     offers=gpd.GeoDataFrame(frame, geometry=list(geoms), crs=CRS), age_bands=bands,
                     population_cells=cells, indicator_catalogue=catalogue, indicators=indicators)


def brute_reached(ws, x, y, radius):
    """Independent reference: cells whose centre is within ``radius`` metres (brute force)."""
    centres = ws.population_cells.geometry.centroid
    return (np.hypot(centres.x - (X0 + x), centres.y - (Y0 + y)) <= radius).to_numpy()


def cell(table, district, phase, column):
    return table.set_index(["district_id", "phase_id"]).loc[(district, phase), column]


def test_reach_ratio_and_supply_by_hand():
    ws = tiny([offer("A", ["early_childhood"], 500, 500, capacity=12.0)])
    cov = C.coverage(ws, C.CoverageParams(radius_m=390.0, detour=1.3))  # 300 m straight line
    inside = brute_reached(ws, 500, 500, 300.0)
    # centres at 50 + 100 k m: offsets (±50|±150|±250)² within 300 m → 4 + 8 + 8 + 4 + 8 = 32 cells
    assert inside.sum() == 32  # all in West, 4 persons aged 0-<3 each
    t = cov.table
    assert cell(t, "D0", "early_childhood", "target_population") == pytest.approx(400)
    assert cell(t, "D0", "early_childhood", "reached") == pytest.approx(32 * 4)
    assert cell(t, "D0", "early_childhood", "reach_share") == pytest.approx(0.32)
    assert cell(t, "D0", "early_childhood", "offers") == 1
    assert cell(t, "D0", "early_childhood", "capacity") == 12.0
    assert cell(t, "D0", "early_childhood", "offers_per_1000") == pytest.approx(1 / 400 * 1000)
    assert cell(t, "D0", "early_childhood", "places_per_1000") == pytest.approx(12 / 400 * 1000)
    assert cell(t, "D1", "early_childhood", "reached") == 0 and cell(t, "D1", "early_childhood", "offers") == 0
    city = cov.city.set_index("phase_id").loc["early_childhood"]
    assert city["reach_share"] == pytest.approx(128 / 800) and city["offers"] == 1


def test_2sfca_per_district_is_the_population_weighted_mean():
    ws = tiny([offer("A", ["seniors"], 500, 500)])
    cov = C.coverage(ws, C.CoverageParams(radius_m=300.0, detour=1.0))
    inside = brute_reached(ws, 500, 500, 300.0)
    per_cell = np.where(inside, 1 / (2 * inside.sum()), 0.0) * 1000  # 1 offer for 32 cells × 2 persons
    west = per_cell.reshape(10, 20)[:, :10].mean()
    assert cell(cov.table, "D0", "seniors", "access_2sfca") == pytest.approx(west)
    assert cov.city.set_index("phase_id").loc["seniors", "access_2sfca"] == pytest.approx(per_cell.mean())


def test_outreach_offer_reaches_its_whole_service_area():
    ws = tiny([offer("H", ["early_childhood"], area=["D1"], category="Hausbesuch/aufsuchend")])
    t = C.coverage(ws).table
    assert cell(t, "D1", "early_childhood", "reach_share") == 1.0
    assert cell(t, "D1", "early_childhood", "outreach_offers") == 1
    assert cell(t, "D0", "early_childhood", "reach_share") == 0.0


def test_empty_phase_and_district_without_population():
    ws = tiny([offer("A", ["seniors"], 500, 500)])
    cov = C.coverage(ws)
    t = cov.table
    assert cell(t, "D0", "kita", "offers") == 0 and cell(t, "D0", "kita", "reach_share") == 0.0
    assert cell(t, "D2", "seniors", "target_population") == 0
    assert np.isnan(cell(t, "D2", "seniors", "reach_share"))
    assert np.isnan(cell(t, "D2", "seniors", "offers_per_1000"))
    assert "Wald" not in set(sentences.gaps_in_words(cov, ws)["district_name"])  # nobody lives there: no gap


def test_withheld_cell_flags_the_district_incomplete():
    ws = tiny([offer("A", ["early_childhood"], 500, 500)], withheld=True)
    t = C.coverage(ws).table
    assert cell(t, "D0", "early_childhood", "incomplete")
    assert cell(t, "D0", "early_childhood", "target_population") == pytest.approx(99 * 4)
    assert not cell(t, "D1", "early_childhood", "incomplete")


def test_gaps_are_ranked_and_written_out():
    ws = tiny([offer("A", ["early_childhood"], 500, 500)], empty_district=False)
    cov = C.coverage(ws, C.CoverageParams(radius_m=390.0, detour=1.3, min_reach=0.5))
    found = sentences.gaps_in_words(cov, ws)
    early = found[found["phase_id"] == "early_childhood"]
    assert set(early["district_name"]) == {"West", "Ost"}
    west = early[early["district_name"] == "West"].iloc[0]
    assert west["sentence"] == ("West: nur 32 % der 0- bis unter 3-Jährigen (128 von 400 Personen) erreichen "
                                "ein Angebot der Frühen Hilfen in 390 m; Bedarfsindex Rang 1 von 2")
    # priority = unreached persons × need weight: West 272 × e^(1/2) = 448 before Ost 400 × e^(-1/2) = 243
    assert list(early["district_name"]) == ["West", "Ost"]
    assert list(found["priority_rank"]) == list(range(1, len(found) + 1))
    en = " ".join(sentences.gaps_in_words(cov, ws, "en")["sentence"])
    assert "only 32 % of children aged 0 to under 3 (128 of 400 persons)" in en


def test_gap_sentence_hides_small_counts():
    ws = tiny([offer("A", ["seniors"], 50, 50)], empty_district=False)
    cov = C.coverage(ws, C.CoverageParams(radius_m=10.0, detour=1.0, min_reach=0.5))
    west = sentences.gaps_in_words(cov, ws).query("district_name == 'West' and phase_id == 'seniors'").iloc[0]
    # 2 persons reached: below the threshold, so neither the count nor the share (2 of 200 = 1 %) is shown
    assert west["sentence"] == ("West: weniger als 50 % der Menschen ab 65 (200 Personen) erreichen ein Angebot für "
                                "Ältere in 10 m (genaue Zahl geheim gehalten); Bedarfsindex Rang 1 von 2")
    assert np.isnan(west["reached"]) and np.isnan(west["reach_share"])


def test_duplicates_same_phase_and_category_only():
    ws = tiny([offer("A", ["kita"], 500, 500), offer("B", ["kita"], 520, 500),
               offer("C", ["kita"], 510, 500, category="Kurs"), offer("D", ["kita"], 1900, 900)])
    found = C.duplicates(ws, C.CoverageParams(radius_m=300.0, detour=1.0, overlap=0.8))
    assert list(zip(found["offer_a"], found["offer_b"])) == [("A", "B")]
    row = found.iloc[0]
    both = brute_reached(ws, 500, 500, 300) & brute_reached(ws, 520, 500, 300)
    kita_per_cell = 10 * 3 / 62  # band 3-<65 split by years
    assert row["shared_persons"] == pytest.approx(both.sum() * kita_per_cell)
    assert row["overlap"] > 0.9 and row["distance_m"] == pytest.approx(20.0) and row["cluster"] == 1


def test_broken_transition():
    ws = tiny([offer("A", ["early_childhood"], area=["D0"]), offer("B", ["kita"], area=["D1"]),
               offer("K", ["kita"], area=["D0"]), offer("E", ["primary"], area=["D0", "D1"])],
              empty_district=False)
    found = sentences.transitions_in_words(C.coverage(ws, C.CoverageParams(min_reach=0.5)), ws)
    pairs = set(zip(found["district_name"], found["from_phase"], found["to_phase"]))
    assert ("West", "primary", "youth") in pairs  # primary served, youth not
    assert ("West", "early_childhood", "kita") not in pairs  # both served
    assert ("Ost", "pregnancy", "early_childhood") not in pairs  # nothing served before: nothing breaks
    assert any("Übergang Grundschulalter (6–<10) → Kinder & Jugendliche (10–<18) bricht ab" in s
               for s in found["sentence"])


def test_need_index_by_hand():
    ws = tiny([offer("A", ["kita"], 500, 500)])
    need = need_index(ws)
    z = (np.array([30.0, 10.0, 20.0]) - 20.0) / np.std([30.0, 10.0, 20.0])
    assert need["score"].to_numpy() == pytest.approx(z)
    assert need["rank"].tolist() == [1, 3, 2]
    ws.indicator_catalogue.loc[0, "higher_is_need"] = False
    assert need_index(ws)["rank"].tolist() == [3, 1, 2]
    ws.indicators.loc[1, "value"] = np.nan
    imputed = need_index(ws)
    assert imputed.loc["D1", "imputed"] == 1 and imputed.loc["D1", "score"] == 0.0
    assert need_weight([0.0, 2.0]) == pytest.approx([1.0, np.e])
    with pytest.raises(ValueError, match="unknown indicators"):
        need_index(ws, indicators=["nope"])


def test_need_weighting_changes_access():
    ws = tiny([offer("A", ["seniors"], 1000, 500)], empty_district=False)
    plain = C.coverage(ws, C.CoverageParams(radius_m=600, detour=1.0)).table
    weighted = C.coverage(ws, C.CoverageParams(radius_m=600, detour=1.0, need_weighted=True)).table
    a, b = cell(plain, "D0", "seniors", "access_2sfca"), cell(weighted, "D0", "seniors", "access_2sfca")
    assert a > 0 and b != pytest.approx(a)


def test_demo_city_all_measures(demo_ws):
    demand = C.prepare_demand(demo_ws)
    cov = C.coverage(demo_ws, demand=demand)
    assert len(cov.table) == len(demo_ws.districts) * len(demo_ws.life_phases)
    assert cov.table["reach_share"].between(0, 1).all()
    westfeld = cov.table.set_index(["district_name", "phase_id"]).loc[("Westfeld", "early_childhood")]
    assert westfeld["reach_share"] < 0.5  # the deliberate gap
    found = sentences.gaps_in_words(cov, demo_ws)
    assert ((found["district_name"] == "Westfeld") & (found["phase_id"] == "early_childhood")).any()
    dup = C.duplicates(demo_ws, demand=demand)
    names = set(dup["name_a"]) | set(dup["name_b"])
    assert {"Babymassage-Kurs Altstadt", "Seniorentreff Lindenhof"} <= names


def test_public_table_protects_phase_columns_against_subtraction(demo_ws):
    cov = C.coverage(demo_ws)
    table = cov.table.copy()
    table.loc[(table["district_id"] == "SR10") & (table["phase_id"] == "kita"), "target_population"] = 2.0
    shown = C.public_table(table, 3)
    kita = shown[shown["phase_id"] == "kita"]["target_population"]
    assert kita.isna().sum() >= 2  # the city total of the phase is published: one hidden cell is not enough
    assert shown[shown["phase_id"] == "seniors"]["target_population"].notna().all()


def test_gap_ranking_puts_the_prevention_chain_first(demo_ws):
    """On the demo city the top gaps were all adults (the biggest group); the ranking now
    takes the phases of the programme's focus first, within them the share not reached × need."""
    ws = demo_ws.current()
    cov = C.coverage(ws)
    found = sentences.gaps_in_words(cov, ws)
    focus = {"pregnancy", "early_childhood", "kita", "primary", "youth", "transition"}
    ranked = list(found["phase_id"])
    last_focus = max(i for i, p in enumerate(ranked) if p in focus)
    assert all(p in focus for p in ranked[: last_focus + 1])  # every focus gap before any other
    assert found.loc[found["phase_id"] == "early_childhood", "priority_rank"].min() <= 3
    zero = found[found["reach_share"] == 0]
    assert len(zero) and all(" kein " in s and "nur 0 %" not in s for s in zero["sentence"])
    # a workspace may set its own priorities: adults first
    phases = ws.life_phases.copy()
    phases["priority"] = np.where(phases["phase_id"] == "adults", 1, 2)
    other = type(ws)(**{**ws.__dict__, "life_phases": phases})
    assert sentences.gaps_in_words(C.coverage(other), other)["phase_id"].iloc[0] == "adults"


def test_duplicates_match_on_topic_not_on_category():
    """Schuldnerberatung and Migrationsberatung are both "Beratung" for adults, but not the
    same offer; two Schuldnerberatungen side by side are."""
    def topical(offer_id, x, topic):
        return {**offer(offer_id, ["adults"], x, 500), "topic": topic}

    ws = tiny([topical("S1", 500, "Schuldnerberatung"), topical("M1", 510, "Migrationsberatung"),
               topical("S2", 520, "Schuldnerberatung"), topical("P1", 530, "Pflegeberatung")])
    found = C.duplicates(ws, C.CoverageParams(radius_m=300.0, detour=1.0, overlap=0.8))
    assert list(zip(found["offer_a"], found["offer_b"])) == [("S1", "S2")]
    assert list(found["topic"]) == ["Schuldnerberatung"]


def test_demo_offers_are_plausible(demo_ws):
    """A planner judges the product by whether the demo looks like their town."""
    from dashboard.sources import demo

    offers = demo_ws.offers
    assert offers["topic"].notna().all() and set(offers["topic"]) <= set(schema_topics())
    for row in offers.itertuples():
        assert row.provider in demo.PROVIDERS_OF[row.topic], (row.name, row.provider)
    implausible = [("Lotsendienst Frühe Hilfen", "Volkshochschule Lindenbrück"),
                   ("Suchtprävention", "TuS Lindenbrück 1899")]
    assert not any(((offers["topic"] == t) & (offers["provider"] == p)).any() for t, p in implausible)
    assert not any(name.startswith("Netzwerk Netzwerk") for name in demo_ws.networks["name"])
    pairs = C.duplicates(demo_ws.current())
    topic = dict(zip(offers["offer_id"], offers["topic"]))
    assert len(pairs) > 0 and all(topic[a] == topic[b] for a, b in zip(pairs["offer_a"], pairs["offer_b"]))


def schema_topics():
    from dashboard.model import schema

    return schema.TOPICS


def test_offers_serving_a_district_on_site_and_by_outreach():
    from dashboard.analysis import district

    ws = tiny([offer("A", ["early_childhood"], x=500, y=500), offer("B", ["kita"], x=1500, y=500),
               offer("H", ["early_childhood"], area=["D1"]), offer("S", ["kita"], area=["city"])])
    assert set(district.offers_serving(ws, "D0")["offer_id"]) == {"A", "S"}
    assert set(district.offers_serving(ws, "D1")["offer_id"]) == {"B", "H", "S"}
    assert set(district.offers_serving(ws, "D1", "early_childhood")["offer_id"]) == {"H"}
    counts = district.offer_counts_by_phase(ws, ws.offers, "D1")
    assert list(counts.index) == list(ws.life_phases["phase_id"])
    assert counts.loc["early_childhood"].tolist() == [0, 1] and counts.loc["kita"].tolist() == [1, 1]
    assert counts.drop(["early_childhood", "kita"]).to_numpy().sum() == 0


def test_district_cells_are_reached_within_the_radius_or_by_outreach():
    ws = tiny([offer("A", ["early_childhood"], x=500, y=500), offer("H", ["kita"], area=["D1"])])
    params = C.CoverageParams(radius_m=390, detour=1.3)  # 300 m in a straight line
    demand = C.prepare_demand(ws)
    cov = C.coverage(ws, params, demand=demand)
    cells = C.district_cells(ws, cov, demand, "D0", "early_childhood")
    assert len(cells) == 100 and (cells["persons"] == 4).all()  # West's 10 × 10 cells, all with persons
    expected = brute_reached(ws, 500, 500, 300)[cells["cell"].to_numpy()]
    assert cells["reached"].tolist() == expected.tolist() and 0 < expected.sum() < 100
    assert C.district_cells(ws, cov, demand, "D1", "kita")["reached"].all()  # outreach reaches everyone
    assert not C.district_cells(ws, cov, demand, "D1", "early_childhood")["reached"].any()
    assert C.district_cells(ws, cov, demand, "D2", "kita").empty  # nobody lives in the forest


def river_grid(ws, bridge_y=950.0):
    """Streets along every row and column of cell centres (x, y = 50, 150, … m), cut by a
    river at x = 1,000 m that only a bridge at ``bridge_y`` crosses. Cell centres are junctions."""
    from dashboard.sources.streets import _network

    xs, ys = np.arange(50.0, 2000, 100), np.arange(50.0, 1000, 100)
    lines = [shapely.LineString([(X0 + x, Y0 + y), (X0 + x + 100, Y0 + y)]) for y in ys for x in xs[:-1]
             if not (x == 950 and y != bridge_y)]
    lines += [shapely.LineString([(X0 + x, Y0 + y), (X0 + x, Y0 + y + 100)]) for x in xs for y in ys[:-1]]
    lines = np.asarray(lines, dtype=object)
    nodes, edges = _network(lines, np.full(len(lines), "residential", object), np.full(len(lines), None, object), CRS)
    return Workspace(**{**ws.__dict__, "street_nodes": nodes, "street_edges": edges})


def test_network_reach_and_2sfca_follow_the_streets():
    """An offer 50 m from the river: the straight-line rule reaches the far bank, the streets
    (one bridge, 800 m north) do not. Reach and 2SFCA equal a brute force over networkx distances."""

    plain = tiny([offer("A", ["early_childhood"], x=950, y=150)])
    ws = river_grid(plain)
    params = C.CoverageParams(radius_m=400, detour=1.3)
    straight, walked = C.coverage(plain, params), C.coverage(ws, params)
    assert not straight.network and walked.network
    centres = ws.population_cells.geometry.centroid
    far_bank = ((centres.x - X0).between(1000, 1200) & (centres.y - Y0).between(100, 200)).to_numpy()
    k = list(ws.life_phases["phase_id"]).index("early_childhood")
    assert straight.cell_reached[far_bank, k].all() and not walked.cell_reached[far_bank, k].any()
    assert cell(walked.table, "D1", "early_childhood", "reached") == 0 < cell(straight.table, "D1", "early_childhood",
                                                                               "reached")
    walk = walks_from(ws, 950, 150)
    assert (walked.cell_reached[:, k] == (walk <= 400)).all() and walked.cell_reached[:, k].sum() > 5
    persons = C.prepare_demand(ws).persons[:, k]
    expected = np.where(walk <= 400, 1000.0 / persons[walk <= 400].sum(), 0.0)
    assert np.allclose(walked.cell_access[:, k], expected)


def walks_from(ws, x, y):
    """networkx walking distance (m) from the junction at (x, y) to every cell centre of a
    :func:`river_grid` (cell centres are junctions there)."""
    import networkx as nx

    g = nx.Graph()
    for a, b, w in zip(ws.street_edges["u"], ws.street_edges["v"], ws.street_edges["length_m"]):
        g.add_edge(int(a), int(b), weight=float(w))
    at = {tuple(np.round(p, 3)): i for i, p in zip(ws.street_nodes["node_id"], shapely.get_coordinates(
        ws.street_nodes.geometry.to_numpy()))}
    lengths = nx.single_source_dijkstra_path_length(g, at[(X0 + x, Y0 + y)], weight="weight")
    centres = ws.population_cells.geometry.centroid
    return np.array([lengths.get(at[(round(cx, 3), round(cy, 3))], np.inf) for cx, cy in zip(centres.x, centres.y)])


def test_gaussian_2sfca_weighs_the_walk():
    """The Gaussian variant: each cell's share of the offer falls with its walk (on the streets)
    or with straight line × detour (without), σ = half the radius; brute force from the
    distances."""
    plain = tiny([offer("A", ["early_childhood"], x=950, y=150)])
    ws = river_grid(plain)
    k = list(ws.life_phases["phase_id"]).index("early_childhood")
    params = C.CoverageParams(radius_m=400, detour=1.3, decay="gaussian")
    persons = C.prepare_demand(ws).persons[:, k]
    centres = ws.population_cells.geometry.centroid
    straight = np.hypot(centres.x - X0 - 950, centres.y - Y0 - 150).to_numpy() * 1.3
    for workspace, d in ((ws, walks_from(ws, 950, 150)), (plain, straight)):
        w = np.where(d <= 400 + 1e-9, np.exp(-d ** 2 / (2 * 200.0 ** 2)), 0.0)
        expected = 1000.0 * w / (persons * w).sum()
        got = C.coverage(workspace, params).cell_access[:, k]
        assert np.allclose(got, expected, rtol=1e-6) and len(np.unique(got[got > 0].round(6))) > 3
    classic = C.coverage(ws, C.CoverageParams(radius_m=400, detour=1.3)).cell_access[:, k]
    assert not np.allclose(classic, C.coverage(ws, params).cell_access[:, k])
    with pytest.raises(ProblemError):
        C.CoverageParams(decay="linear")


def test_duplicates_are_measured_on_the_streets():
    """Two alike offers facing each other across the river share a straight-line catchment,
    not a walked one."""
    offers = [offer("A", ["early_childhood"], x=950, y=150), offer("B", ["early_childhood"], x=1050, y=150)]
    plain = tiny(offers)
    params = C.CoverageParams(radius_m=400, overlap=0.3)
    assert len(C.duplicates(plain, params)) == 1
    assert C.duplicates(river_grid(plain), params).empty
    close = river_grid(plain, bridge_y=150.0)  # a bridge right between them
    found = C.duplicates(close, params)
    assert len(found) == 1 and found["distance_m"].iloc[0] == pytest.approx(100.0)


def test_straight_line_and_streets_side_by_side():
    """The difference report: the far bank loses its reach, the persons who lose it are counted."""
    plain = tiny([offer("A", ["early_childhood"], x=950, y=150)])
    ws = river_grid(plain)
    params = C.CoverageParams(radius_m=400, detour=1.3)
    found = C.compare_distances(ws, params, threshold=1)
    ost = found.set_index(["district_id", "phase_id"]).loc[("D1", "early_childhood")]
    straight = C.coverage(plain, params)
    assert ost["reach_straight"] == pytest.approx(cell(straight.table, "D1", "early_childhood", "reach_share"))
    assert ost["reach_network"] == 0 and ost["change"] == pytest.approx(-ost["reach_straight"])
    assert ost["lost"] == cell(straight.table, "D1", "early_childhood", "reached") and ost["gained"] == 0
    assert found["change"].abs().iloc[0] == found["change"].abs().max()  # largest change first
    assert C.compare_distances(plain, params).empty  # no streets, nothing to compare
    strict = C.compare_distances(ws, params, threshold=80).set_index(["district_id", "phase_id"])
    assert np.isnan(strict.loc[("D1", "early_childhood"), "lost"])  # withheld with its partner


def test_the_cells_that_change_are_across_the_river():
    """The places behind the difference: exactly the cells the straight line reaches and the
    streets do not (the far bank; diagonals on the grid of streets), and the reverse."""
    plain = tiny([offer("A", ["early_childhood"], x=950, y=150)])
    ws = river_grid(plain)
    params = C.CoverageParams(radius_m=400, detour=1.0)
    changed = C.changed_cells(ws, params, "early_childhood")
    centres = ws.population_cells.geometry.centroid
    straight = np.hypot(centres.x - X0 - 950, centres.y - Y0 - 150).to_numpy()
    walk = walks_from(ws, 950, 150)
    lost = np.flatnonzero((straight <= 400) & (walk > 400))
    assert sorted(changed.loc[changed["change"] == "lost", "cell"]) == lost.tolist() and len(lost) > 5
    far_bank = np.flatnonzero((centres.x.to_numpy() > X0 + 1000) & (straight <= 400))
    assert set(far_bank) <= set(lost) and len(far_bank) > 3  # the whole far bank, and corners of the grid
    gained = np.flatnonzero((straight > 400) & (walk <= 400))
    assert sorted(changed.loc[changed["change"] == "gained", "cell"]) == gained.tolist()
    cautious = C.changed_cells(ws, C.CoverageParams(radius_m=400, detour=1.3), "early_childhood")
    gained = np.flatnonzero((straight * 1.3 > 400) & (walk <= 400))
    assert sorted(cautious.loc[cautious["change"] == "gained", "cell"]) == gained.tolist() and len(gained) > 3
    assert C.changed_cells(plain, params, "early_childhood").empty
    assert C.changed_cells(ws, params, "seniors").empty  # no offer, nobody reached either way
