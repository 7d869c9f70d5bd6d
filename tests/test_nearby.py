"""Offers near a family (Lotse) and what a partner's sites reach, on the hand-made town."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from test_coverage import X0, Y0, brute_reached, offer, tiny

from dashboard.analysis.nearby import (
    FamilySituation,
    districts_around,
    nearby_same_phase,
    offers_for_family,
    phases_for,
    site_reach,
)
from dashboard.model.life_phases import default_life_phases


def test_family_situation_to_life_phases():
    situation = FamilySituation(pregnant=True, child_ages=(0.5, 4, 4.5), parents=True, older_relatives=True)
    assert phases_for(situation, default_life_phases()) == {
        "pregnancy": ["pregnancy"], "early_childhood": ["child:0.5"], "kita": ["child:4", "child:4.5"],
        "adults": ["parents"], "seniors": ["older_relatives"]}
    assert phases_for(FamilySituation(child_ages=(12,)), default_life_phases()) == {"youth": ["child:12"]}
    assert phases_for(FamilySituation(), default_life_phases()) == {}
    with pytest.raises(ValueError, match="between 0 and 27"):
        phases_for(FamilySituation(child_ages=(-1,)), default_life_phases())


def family_town():
    rows = [offer("near", ["early_childhood"], 800, 500),          # 300 m east of the family
            offer("kita200", ["kita"], 500, 700),                  # 200 m north, not cost-free
            offer("far", ["kita"], 3000, 500),                     # 2.5 km: 3.25 km walking
            offer("youth", ["youth"], 550, 500),                   # not for this family
            offer("visits", ["kita"], area=["D0"]),                # outreach in the family's district
            offer("elsewhere", ["kita"], area=["D1"])]             # outreach elsewhere
    rows[1]["cost_free"] = False
    rows[3]["barrier_free"] = False
    return tiny(rows)


def test_offers_for_a_family_nearest_first():
    ws = family_town()
    family = FamilySituation(child_ages=(1, 4))
    found = offers_for_family(ws, X0 + 500, Y0 + 500, family)
    assert list(found["offer_id"]) == ["kita200", "near", "visits"]
    assert list(found["distance_m"].iloc[:2]) == [260.0, 390.0]  # straight line × 1.3
    assert list(found["walking_min"].iloc[:2]) == [4.0, 6.0]     # 75 m per minute, rounded up
    assert list(found["outreach"]) == [False, False, True] and np.isnan(found["distance_m"].iat[2])
    assert found.set_index("offer_id").loc["near", "for_whom"] == ("child:1",)
    assert found.set_index("offer_id").loc["kita200", "for_whom"] == ("child:4",)
    # filters
    assert "kita200" not in set(offers_for_family(ws, X0 + 500, Y0 + 500, family, cost_free=True)["offer_id"])
    wider = offers_for_family(ws, X0 + 500, Y0 + 500, family, max_distance_m=4000, include_outreach=False)
    assert list(wider["offer_id"]) == ["kita200", "near", "far"]
    assert offers_for_family(ws, X0 + 500, Y0 + 500, FamilySituation()).empty


def test_site_reach_counts_the_target_population_within_walking_distance():
    ws = family_town()
    near = ws.offers[ws.offers["offer_id"] == "near"]
    reach = site_reach(ws, near, radius_m=1000, detour=1.3)
    cells = brute_reached(ws, 800, 500, 1000 / 1.3).sum()
    assert reach["phase_id"].tolist() == ["early_childhood"]
    # 4 children aged 0–<3 per cell, published by the cell-key method (at most 2 off)
    assert abs(reach["persons"].iat[0] - 4 * cells) <= 2
    assert reach["city_share"].iat[0] == pytest.approx(reach["persons"].iat[0] / 800)  # from the published count
    # identical areas are published identically; a radius is a multiple of 250 m
    again = site_reach(ws, near, radius_m=1000 + 40, detour=1.3)
    assert again["persons"].iat[0] == reach["persons"].iat[0]
    # a tiny reach falls under statistical secrecy
    centre = tiny([offer("one_cell", ["pregnancy"], 750, 550)])  # one cell: 4/3 persons in pregnancy
    small = site_reach(centre, centre.offers, radius_m=10, detour=1.0, radius_step_m=0)
    assert np.isnan(small["persons"].iat[0]) and np.isnan(small["city_share"].iat[0])
    # count 1: its perturbation row has no room below, so it stays 1 (shown at threshold 1)
    assert site_reach(centre, centre.offers, radius_m=10, detour=1.0, threshold=1,
                      radius_step_m=0)["persons"].iat[0] == 1


def test_nearby_same_phase_by_hand():
    rows = [offer("mine", ["kita"], 500, 500), offer("twin", ["kita", "primary"], 600, 500),
            offer("other", ["youth"], 520, 500), offer("own2", ["kita"], 510, 500), offer("remote", ["kita"], 2900, 500)]
    ws = tiny(rows)
    ws.offers = ws.offers.assign(partner_id=["P1", "P2", "P2", "P1", "P3"])
    own = ws.offers[ws.offers["partner_id"] == "P1"]
    near = nearby_same_phase(ws, own, radius_m=1300, detour=1.3)
    assert near[["offer_id", "near_offer_id", "distance_m"]].values.tolist() == [["mine", "twin", 130.0],
                                                                                ["own2", "twin", 117.0]]
    assert near["shared_phases"].iat[0] == ("kita",)
    assert districts_around(ws, own, radius_m=650, detour=1.3) == ["D0", "D1"]
    assert districts_around(ws, own, radius_m=100, detour=1.0) == ["D0"]


def test_organisation_family_centres_by_provider_name(demo_ws):
    from dashboard.analysis.nearby import organisation_family_centres, organisation_offers

    provider = demo_ws.family_centres["provider"].iat[0]
    partner_id = demo_ws.partners.loc[demo_ws.partners["organisation"] == provider, "partner_id"].iat[0]
    centres = organisation_family_centres(demo_ws, partner_id)
    assert len(centres) == (demo_ws.family_centres["provider"] == provider).sum() > 0
    assert organisation_family_centres(demo_ws, "nobody").empty
    offers = organisation_offers(demo_ws, partner_id)
    assert set(offers["partner_id"]) == {partner_id} and list(offers["name"]) == sorted(offers["name"])


def test_nearby_same_phase_needs_the_same_topic():
    rows = [offer("mine", ["kita"], 500, 500), offer("same", ["kita"], 600, 500), offer("differs", ["kita"], 520, 500)]
    ws = tiny(rows)
    ws.offers = ws.offers.assign(partner_id=["P1", "P2", "P3"],
                                 topic=["Sprachförderung", "Sprachförderung", "Bewegung und Sport"])
    near = nearby_same_phase(ws, ws.offers[ws.offers["partner_id"] == "P1"], radius_m=1300, detour=1.3)
    assert list(near["near_offer_id"]) == ["same"]


def test_the_lotse_and_the_partner_view_walk_on_the_streets():
    """Across the river (one bridge at the north end): 141 m in a straight line, 1.6 km on foot."""
    from test_coverage import river_grid

    offers = [offer("A", ["early_childhood"], x=950, y=150, name="Elterncafé West"),
              offer("B", ["early_childhood"], x=1050, y=150, name="Elterncafé Ost"),
              offer("C", ["early_childhood"], x=1250, y=150, name="Krabbelgruppe Ost")]
    for row, partner in zip(offers, ("P1", "P2", "P2")):
        row["partner_id"] = partner
    plain = tiny(offers)
    ws = river_grid(plain)
    home = (X0 + 1050, Y0 + 250)  # on the east bank
    family = FamilySituation(child_ages=(1,))
    straight = offers_for_family(plain, *home, family, max_distance_m=1000)
    walked = offers_for_family(ws, *home, family, max_distance_m=1000)
    assert list(straight["offer_id"]) == ["B", "A", "C"]  # A: 141 m straight across the river
    assert list(walked["offer_id"]) == ["B", "C"]  # A is across the river
    assert walked.set_index("offer_id").loc["C", "distance_m"] == pytest.approx(300)  # 100 m south, 200 m east
    assert walked.set_index("offer_id").loc["C", "walking_min"] == 4  # 300 m at 4.5 km/h, rounded up
    far = offers_for_family(ws, *home, family, max_distance_m=5000)
    assert far.set_index("offer_id").loc["A", "distance_m"] == pytest.approx(700 + 100 + 800)  # over the bridge
    slow = offers_for_family(ws, *home, family, max_distance_m=1000, speed_kmh=3.0)
    assert slow.set_index("offer_id").loc["C", "walking_min"] == 6
    # partner P1 (offer A): its catchment stays on the west bank, its neighbours too
    own = ws.offers[ws.offers["partner_id"] == "P1"]
    assert nearby_same_phase(plain, own, radius_m=400)["near_offer_id"].tolist() == ["B", "C"]
    assert nearby_same_phase(ws, own, radius_m=400).empty
    assert districts_around(plain, own, radius_m=400) == ["D0", "D1"]
    assert districts_around(ws, own, radius_m=400) == ["D0"]
    reach = site_reach(ws, own, radius_m=400, threshold=1, radius_step_m=0)
    reached = C_reached(ws, 400, "A")
    assert abs(reach["persons"].iloc[0] - round(reached)) <= 2  # published by the cell-key method


def C_reached(ws, radius, offer_id):
    """Persons of the phase in the cells within the walk (from the coverage's pair list)."""
    from dashboard.analysis import coverage as C

    demand = C.prepare_demand(ws)
    sited = ws.offers[ws.offers["offer_id"] == offer_id]
    cell, _, _ = demand.offer_pairs(sited, radius)
    k = demand.phases.index("early_childhood")
    assert 0 < len(cell) < 40
    return float(demand.persons[np.unique(cell), k].sum())


def test_a_partners_catchment_follows_the_streets():
    from test_coverage import river_grid

    from dashboard.analysis.nearby import catchment_areas

    plain = tiny([offer("A", ["early_childhood"], x=950, y=150)])
    ws = river_grid(plain)
    circle = catchment_areas(plain, plain.offers, radius_m=400).iloc[0]
    walked = catchment_areas(ws, ws.offers, radius_m=400).iloc[0]
    east_bank = shapely.Point(X0 + 1150, Y0 + 150)  # 200 m across the river
    west_bank = shapely.Point(X0 + 750, Y0 + 150)  # 200 m along the street
    assert circle.contains(east_bank) and circle.contains(west_bank)
    assert not walked.contains(east_bank) and walked.contains(west_bank)


def test_unknown_is_neither_yes_nor_no():
    """A barrier-free filter lists no offer whose access is unknown as barrier-free; the Lotse
    lists such offers last, apart, naming what is not known."""
    from dashboard.analysis import filters

    rows = [offer("steps", ["kita"], 600, 500), offer("unknown", ["kita"], 520, 500),
            offer("ramp", ["kita"], 700, 500)]
    rows[0]["barrier_free"] = False
    rows[1]["barrier_free"] = None
    rows[2]["barrier_free"] = True
    ws = tiny(rows)
    shown = filters.filter_offers(ws, filters.OfferFilter(barrier_free=True))
    assert list(shown["offer_id"]) == ["ramp"]
    found = offers_for_family(ws, X0 + 500, Y0 + 500, FamilySituation(child_ages=(4,)), barrier_free=True)
    assert list(found["offer_id"]) == ["ramp", "unknown"]  # the nearer unknown one comes after
    assert list(found["unknown"]) == [(), ("barrier_free",)]
    plain = offers_for_family(ws, X0 + 500, Y0 + 500, FamilySituation(child_ages=(4,)))
    assert list(plain["offer_id"]) == ["unknown", "steps", "ramp"] and set(plain["unknown"]) == {()}
