"""Quality goals measured on a hand-made town whose every indicator is known, and the
monitoring series, target status and change list on it and on the demo city."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from dashboard.analysis import coverage as C
from dashboard.analysis import quality as Q
from dashboard.model.life_phases import default_life_phases
from dashboard.model.workspace import Workspace
from dashboard.present import quality as words

CRS = "EPSG:25832"
X0, Y0 = 400_000.0, 5_700_000.0
NARROW = C.CoverageParams(radius_m=130.0, detour=1.0)  # a sited offer reaches the 4 cells around it
EARLY = Q.QualityParams(parents_phases=("early_childhood",))


def offer(offer_id, phases, x=None, area=None, cost_free=None, barrier_free=None, languages=None, since=None):
    return {"offer_id": offer_id, "name": f"Angebot {offer_id}", "provider": "Träger", "category": "Beratung",
            "topic": f"Thema {offer_id}", "life_phases": tuple(phases), "service_area": tuple(area or ()),
            "capacity": 10.0, "cost_free": cost_free, "barrier_free": barrier_free, "languages": languages,
            "valid_from": pd.Timestamp(since) if since else pd.NaT, "valid_to": pd.NaT, "sectors": ("Soziales",),
            "geometry": None if x is None else shapely.Point(X0 + x, Y0 + 500)}


OFFERS = [
    offer("A", ["early_childhood"], area=["D0"], cost_free=True, barrier_free=True),
    offer("B", ["seniors"], area=["D0", "D1"], cost_free=False, languages=("Deutsch",)),
    offer("S1", ["early_childhood"], x=1500, cost_free=True, barrier_free=False, languages=("Deutsch", "Türkisch"),
          since="2025-06-01"),
    offer("S2", ["seniors"], x=3500, since="2025-06-01"),
    offer("Y", ["early_childhood"], area=["D4"], cost_free=False, barrier_free=False),
    offer("C", ["seniors"], area=["city"], since="2025-03-01"),
]


def town(offers=OFFERS, d0_young=4.0) -> Workspace:
    """Five districts of 1 km² in a row (D0 … D4), 100 m cells each with 4 persons aged 0–<3
    (D0: ``d0_young`` in one cell, none in the others), 10 aged 3–<65, 2 aged 65+; need by poverty
    50, 40, 30, 20, 10 % (D0 highest: need class 5, D1 class 4). Two life phases: 0–3 and 65+."""
    boxes = [shapely.box(X0 + 1000 * i, Y0, X0 + 1000 * (i + 1), Y0 + 1000) for i in range(5)]
    districts = gpd.GeoDataFrame({"district_id": [f"D{i}" for i in range(5)], "name": [f"Bezirk {i}" for i in range(5)],
                                  "parent_id": None, "parent_name": None}, geometry=boxes, crs=CRS)
    gx, gy = np.meshgrid(np.arange(50) * 100.0, np.arange(10) * 100.0)
    gx, gy = gx.ravel(), gy.ravel()
    young = np.where(gx < 1000, 0.0, 4.0)
    young[(gx == 0) & (gy == 0)] = d0_young if d0_young != 4.0 else 4.0
    if d0_young == 4.0:
        young[gx < 1000] = 4.0
    cells = gpd.GeoDataFrame({"cell_id": [f"c{i}" for i in range(len(gx))], "age_0_3": young,
                              "age_3_65": 10.0, "age_65": 2.0},
                             geometry=shapely.box(gx + X0, gy + Y0, gx + X0 + 100, gy + Y0 + 100), crs=CRS)
    bands = pd.DataFrame({"column": ["age_0_3", "age_3_65", "age_65"], "age_from": [0.0, 3.0, 65.0],
                          "age_to": [3.0, 65.0, np.nan]})
    phases = default_life_phases()
    phases = phases[phases["phase_id"].isin(["early_childhood", "seniors"])].reset_index(drop=True)
    catalogue = pd.DataFrame({"indicator": ["poverty"], "label_de": ["Armut"], "label_en": ["Poverty"],
                              "unit": ["%"], "category": ["x"], "higher_is_need": [True], "source": ["test"]})
    indicators = pd.DataFrame({"district_id": list(districts["district_id"]), "year": 2024, "indicator": "poverty",
                               "value": [50.0, 40.0, 30.0, 20.0, 10.0]})
    partners = gpd.GeoDataFrame({"partner_id": ["P1", "P2", "P3", "P4"], "organisation": ["Jugendamt", "Gesundheitsamt",
                                                                                      "Kita e. V.", "Familienbüro"],
                                 "sector": ["Kinder- und Jugendhilfe", "Gesundheit", "Bildung", "Soziales"],
                                 "legal_domain": ["SGB VIII", "SGB V", "SGB VIII", "SGB VIII"], "address": None},
                                geometry=[None] * 4, crs=CRS)
    networks = pd.DataFrame({"network_id": ["N1", "N2"], "name": ["Frühe Hilfen", "Kita-Runde"],
                             "life_phases": [("early_childhood",), ("early_childhood",)], "coordinator": ["P1", "P3"]})
    memberships = pd.DataFrame({"network_id": ["N1", "N1", "N2", "N2"], "partner_id": ["P1", "P2", "P3", "P4"]})
    frame = pd.DataFrame(offers)
    geoms = frame.pop("geometry")
    return Workspace(meta={"schema_version": "1.0"}, districts=districts, life_phases=phases,
                     offers=gpd.GeoDataFrame(frame, geometry=list(geoms), crs=CRS), age_bands=bands,
                     population_cells=cells, indicator_catalogue=catalogue, indicators=indicators,
                     partners=partners, networks=networks, memberships=memberships)


def by_measure(table):
    return table.set_index("measure")


def test_every_quality_indicator_on_a_hand_made_town():
    ws = town()
    before, now = Q.snapshot(ws, date(2024, 12, 31), NARROW), Q.snapshot(ws, date(2025, 12, 31), NARROW)
    assert sorted(before.ws.offers["offer_id"]) == ["A", "B", "Y"]
    got = by_measure(Q.indicators(now, before, EARLY))
    # Eltern stärken: 0–3 reached: D0 all 400 (outreach A), D4 all 400 (outreach Y), 16 around S1 in D1
    assert got.at["parents_reach", "value"] == pytest.approx((400 + 400 + 16) / 2000)
    # aufsuchend: (D0, 0–3) 400 by A, (D0, 65+) 200 and (D1, 65+) 200 by B, (D4, 0–3) 400 by Y and every
    # district's 65+ by the city-wide C: 400 + 400 + 5 × 200 of 3,000
    assert got.at["outreach_share", "value"] == pytest.approx((400 + 400 + 1000) / 3000)
    # Ungleiches ungleich: offers per district (both phases, each offer per phase it serves):
    # D0: A, B, C; D1: B, S1, C; D2: C; D3: S2, C; D4: Y, C — ranked against need 5 > 4 > 3 > 2 > 1
    supply_ranks = np.array([4.5, 4.5, 1.0, 2.5, 2.5])
    assert got.at["need_correlation", "value"] == pytest.approx(np.corrcoef([5, 4, 3, 2, 1], supply_ranks)[0, 1])
    # new since the year before: S1 (in D1, need class 4) and S2 (D3); C is city-wide and does not count
    assert got.at["new_offers_high_need", "value"] == pytest.approx(0.5)
    assert got.at["new_offers_high_need", "basis"] == 2
    # inclusion among the offers in or serving D0/D1 (A, B, S1, and the city-wide C):
    # free: A yes, B no, S1 yes, C unknown → 2 of 3 known
    assert got.at["inclusion_cost_free", "value"] == pytest.approx(2 / 3)
    assert (got.at["inclusion_cost_free", "basis"], got.at["inclusion_cost_free", "unknown"]) == (3, 1)
    assert got.at["inclusion_barrier_free", "value"] == pytest.approx(1 / 2)  # A yes, S1 no; B, C unknown
    assert got.at["inclusion_languages", "value"] == pytest.approx(1 / 2)  # S1 Türkisch, B only German
    # Übergänge: D4 serves 0–3 (Y) but not 65+ … C serves 65+ everywhere: nothing breaks
    assert got.at["broken_transitions", "value"] == 0
    # one of two networks spans two Rechtskreise (SGB VIII + SGB V)
    assert got.at["multi_sector_networks", "value"] == pytest.approx(0.5)
    # without the city-wide offer D4's chain breaks after 0–3
    without = town([o for o in OFFERS if o["offer_id"] != "C"])
    snap = Q.snapshot(without, date(2025, 12, 31), NARROW)
    assert by_measure(Q.indicators(snap, None, EARLY)).at["broken_transitions", "value"] == len(snap.broken) == 1
    assert snap.broken[["district_id", "from_phase", "to_phase"]].values.tolist() == [["D4", "early_childhood",
                                                                                      "seniors"]]
    assert np.isnan(by_measure(Q.indicators(snap, None, EARLY)).at["new_offers_high_need", "value"])


def test_main_languages_come_from_the_workspace():
    ws = town()
    ws.meta["main_languages"] = "Arabisch;Russisch"
    got = by_measure(Q.indicators(Q.snapshot(ws, date(2025, 12, 31), NARROW), None, EARLY))
    assert got.at["inclusion_languages", "value"] == 0.0  # S1 offers Türkisch, not a main language here


def test_a_withheld_district_figure_withholds_the_sum_it_is_part_of():
    ws = town(d0_young=2.0)  # D0's under-3s: 2 persons, below the threshold of 3
    snap = Q.snapshot(ws, date(2025, 12, 31), NARROW)
    got = by_measure(Q.indicators(snap, None, EARLY))
    assert np.isnan(got.at["outreach_share", "value"])  # D0's 0–3 served by A: the sum would give 2 away
    assert np.isfinite(got.at["parents_reach", "value"])  # from the city's published totals
    values = Q.values(snap, None, EARLY)
    d0 = values[(values["district_id"] == "D0") & (values["phase_id"] == "early_childhood")].set_index("measure")
    assert d0["value"][["reach_share", "offers_per_1000", "access_2sfca"]].isna().all()
    # … and every table and chart people see says so
    mon = Q.monitor(ws, [date(2024, 12, 31), date(2025, 12, 31)], NARROW, qp=EARLY)
    shown = words.district_table(mon, ws, "reach_share", "early_childhood", "de").set_index("Gebiet")
    assert (shown.loc["Bezirk 0"].iloc[:2] == "keine Angabe").all() and shown.loc["Bezirk 0", "Entwicklung"] == "unbekannt"
    assert "keine Angabe" in words.series_alt_text(mon, "reach_share", "D0", "early_childhood", "de")
    assert words.goal_table(mon, ws, "de").set_index("Kennzahl").loc[
        "Zielgruppe mit aufsuchendem Angebot", "31.12.2025"] == "keine Angabe"
    groups = Q.group_values(mon, pd.Series({"D0": "Nord", "D2": "Nord", "D3": "Süd", "D4": "Süd"}), "reach_share",
                            "early_childhood")
    assert groups.loc["Nord"].isna().all()  # a sum with a withheld part
    assert groups.loc["Süd"].iloc[-1] == pytest.approx(0.5)  # D3 none, D4 all 400 (Y) of 800


def test_monitoring_series_trend_and_target_status():
    ws = town()
    mon = Q.monitor(ws, [date(2024, 12, 31), date(2025, 12, 31)], NARROW, qp=EARLY)
    assert mon.days == [date(2024, 12, 31), date(2025, 12, 31)]
    reach = mon.series("reach_share", "D1", "early_childhood")
    assert list(reach.round(2)) == [0.0, 0.04]  # S1 opened in 2025: 16 of 400
    assert list(mon.series("offers", None, "seniors")) == [1.0, 3.0]  # B; then S2 and C too
    targets = pd.DataFrame([
        {"target_id": "Z1", "district_id": "D1", "phase_id": "early_childhood", "measure": "reach_share",
         "value": 0.8, "due": pd.Timestamp("2027-12-31"), "retired": False},
        {"target_id": "Z2", "district_id": None, "phase_id": None, "measure": "outreach_share",
         "value": 0.5, "due": pd.Timestamp("2025-12-31"), "retired": False},
        {"target_id": "Z3", "district_id": None, "phase_id": None, "measure": "broken_transitions",
         "value": 0, "due": pd.Timestamp("2026-12-31"), "retired": False},
        {"target_id": "Z4", "district_id": None, "phase_id": None, "measure": "gaps",
         "value": 0, "due": pd.Timestamp("2026-12-31"), "retired": True},
    ])
    status = Q.target_table(mon, targets, today=date(2026, 1, 15)).set_index("target_id")
    assert "Z4" not in status.index
    assert status.at["Z1", "trend"] == "better" and status.at["Z1", "status"] == "at_risk"  # +4 points a year
    assert status.at["Z2", "trend"] == "better" and status.at["Z2", "status"] == "met"  # 0.6 ≥ 0.5 by its day
    assert status.at["Z3", "status"] == "met"


def test_what_changed_between_two_report_days():
    ws = town([o for o in OFFERS if o["offer_id"] != "C"] +
              [{**offer("Z", ["seniors"], area=["D4"]), "valid_to": pd.Timestamp("2025-01-31")}])
    before, after = Q.snapshot(ws, date(2024, 12, 31), NARROW), Q.snapshot(ws, date(2025, 12, 31), NARROW)
    changed = Q.changes(before, after)
    assert set(changed["opened"]["offer_id"]) == {"S1", "S2"} and set(changed["closed"]["offer_id"]) == {"Z"}
    gaps_closed = set(zip(changed["gaps_closed"]["district_id"], changed["gaps_closed"]["phase_id"]))
    gaps_opened = set(zip(changed["gaps_opened"]["district_id"], changed["gaps_opened"]["phase_id"]))
    assert gaps_closed == set() and gaps_opened == {("D4", "seniors")}  # Z, visiting D4's seniors, ended
    assert changed["transitions_broken"][["district_id", "from_phase", "to_phase"]].values.tolist() == [
        ["D4", "early_childhood", "seniors"]]
    assert changed["transitions_fixed"].empty and changed["duplicates_new"].empty


def test_demo_city_monitoring_has_three_years_and_every_goal(demo_ws):
    mon = Q.monitor(demo_ws)
    assert mon.days == [date(2023, 12, 31), date(2024, 12, 31), date(2025, 12, 31)]
    city = mon.values[mon.values["district_id"].isna() & mon.values["phase_id"].isna()]
    for measures in Q.GOAL_MEASURES.values():
        for measure in measures:
            assert (city["measure"] == measure).sum() == 3, measure
    first_new = mon.series("new_offers_high_need")
    assert np.isnan(first_new.iloc[0]) and np.isfinite(first_new.iloc[1:]).all()  # no day before the first
    # every value people see is published: no district × phase figure of a withheld count
    pub = mon.snapshots[-1].published
    last = mon.values[mon.values["day"] == mon.days[-1]]
    reach = last[(last["measure"] == "reach_share") & last["district_id"].notna()]
    merged = reach.merge(pub[["district_id", "phase_id", "reach_share"]], on=["district_id", "phase_id"])
    pd.testing.assert_series_equal(merged["value"], merged["reach_share"], check_names=False)


def test_the_workspace_configures_its_indicators_and_bad_settings_are_named(demo_ws, workspace_copy):
    ws = town()
    ws.meta.update({"quality_high_need_classes": "5", "quality_parents_phases": "seniors"})
    qp = Q.QualityParams.from_meta(ws.meta)
    assert qp.high_need_classes == (5,) and qp.parents_phases == ("seniors",)
    mon = Q.monitor(ws, [date(2024, 12, 31), date(2025, 12, 31)], NARROW)  # the meta's choices by default
    # only D0 is of high need now: A (free), B (not free), C (unknown) serve it → 1 of 2 known
    assert mon.series("inclusion_cost_free").iloc[-1] == pytest.approx(0.5)
    # 65+: D0, D1 (B) and every district (C) in 2025: all 1,000 reached
    assert mon.series("parents_reach").iloc[-1] == pytest.approx(1.0)
    from dashboard.model.workspace import WorkspaceError, write_workspace

    bad = Workspace(**{**demo_ws.__dict__, "meta": {**demo_ws.meta, "quality_need_supply": "viele",
                                                     "quality_parents_phases": "kita;teens"}})
    with pytest.raises(WorkspaceError) as err:
        write_workspace(bad, workspace_copy)
    assert {(p.field, p.params.get("value")) for p in err.value.problems} == {("quality_need_supply", "viele"),
                                                                          ("quality_parents_phases", "teens")}
