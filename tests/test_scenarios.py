"""What-if scenarios: each change by hand on the tiny town, the real data untouched, the
published figures of a scenario, storage with roles, export and import, the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import DEMO, ROOT
from test_coverage import X0, Y0, offer, tiny

from dashboard.analysis import cellkey
from dashboard.analysis import coverage as C
from dashboard.analysis import scenario as what_if
from dashboard.analysis.scenario import Change
from dashboard.model.problems import ProblemError
from dashboard.model.workspace import read_workspace
from dashboard.sources import scenarios as store
from dashboard.sources.editing import PermissionDenied

YOUNG = "early_childhood"
NEW_OFFER = {"name": "Elterncafé Ost", "provider": "Stadt", "category": "Treffpunkt",
             "sectors": ["Kinder- und Jugendhilfe"], "life_phases": [YOUNG], "audience": ["Eltern"],
             "last_updated": "2026-12-01"}


def table_of(ws, params=C.CoverageParams(), threshold=1):
    return C.public_table(C.coverage(ws, params).table, threshold).set_index(["district_id", "phase_id"])


def test_adding_an_offer_reaches_the_district_without_one():
    ws = tiny([offer("o1", [YOUNG], 500, 500)])
    scen = what_if.apply_changes(ws, [Change("c1", "add", "offers", fields=NEW_OFFER,
                                             geometry=shapely.Point(X0 + 1500, Y0 + 500))])
    assert len(ws.offers) == 1 and len(scen.offers) == 2  # the real data stays as it was
    assert scen.offers["offer_id"].iat[1] == "SZ-c1"
    before, after = table_of(ws), table_of(scen)
    assert before.at[("D1", YOUNG), "offers"] == 0 and after.at[("D1", YOUNG), "offers"] == 1
    assert after.at[("D1", YOUNG), "reach_share"] > 0.5 > before.at[("D1", YOUNG), "reach_share"]


def test_move_close_and_change():
    ws = tiny([offer("o1", [YOUNG], 500, 500), offer("o2", ["kita"], 600, 500)])
    moved = what_if.apply_changes(ws, [Change("c1", "move", "offers", "o1", geometry=shapely.Point(X0 + 1500, Y0 + 500))])
    assert moved.offers.geometry.iat[0].x == X0 + 1500 and ws.offers.geometry.iat[0].x == X0 + 500
    assert table_of(moved).at[("D0", YOUNG), "offers"] == 0
    closed = what_if.apply_changes(ws, [Change("c2", "close", "offers", "o1", valid_from=date(2027, 1, 1))])
    assert table_of(closed, C.CoverageParams(valid_on=date(2026, 12, 31))).at[("D0", YOUNG), "offers"] == 1
    assert table_of(closed, C.CoverageParams(valid_on=date(2027, 1, 1))).at[("D0", YOUNG), "offers"] == 0
    gone = what_if.apply_changes(ws, [Change("c3", "close", "offers", "o1")])
    assert list(gone.offers["offer_id"]) == ["o2"]
    changed = what_if.apply_changes(ws, [Change("c4", "change", "offers", "o2", fields={"life_phases": [YOUNG, "kita"],
                                                                                      "capacity": 40})])
    assert changed.offers["life_phases"].iat[1] == (YOUNG, "kita") and changed.offers["capacity"].iat[1] == 40
    assert changed.offers.dtypes.equals(ws.offers.dtypes)
    assert table_of(changed).at[("D0", YOUNG), "offers"] == 2
    with pytest.raises(ProblemError) as err:
        what_if.apply_changes(ws, [Change("c5", "move", "offers", "nope", geometry=shapely.Point(X0, Y0))])
    assert err.value.problem.code == "scenario_record_gone"


def scenario_table(ws, scen, params=C.CoverageParams(), threshold=1):
    return what_if.scenario_coverage(ws, scen, params, threshold=threshold).table.set_index(["district_id", "phase_id"])


def test_housing_and_population_changes_by_hand():
    ws = tiny([offer("o1", [YOUNG], 500, 500)])  # reaches West's middle, nothing in Ost
    before = table_of(ws)
    near = shapely.box(X0 + 400, Y0 + 400, X0 + 600, Y0 + 600)  # in West, beside the offer
    far = shapely.box(X0 + 1700, Y0 + 700, X0 + 1900, Y0 + 900)  # in Ost, out of reach
    housed = what_if.apply_changes(ws, [
        Change("h1", "housing", fields={"name": "Neubau West", "persons": {YOUNG: 60, "kita": 30}}, geometry=near),
        Change("h2", "housing", fields={"name": "Neubau Ost", "persons": {YOUNG: 40}}, geometry=far)])
    assert housed.population_cells is ws.population_cells  # the real population stays as it is
    after = scenario_table(ws, housed)
    for district, phase, n, hit in (("D0", YOUNG, 60, 60), ("D0", "kita", 30, 0), ("D1", YOUNG, 40, 0)):
        assert after.at[(district, phase), "target_population"] == pytest.approx(
            before.at[(district, phase), "target_population"] + n)
        assert after.at[(district, phase), "reached"] == pytest.approx(before.at[(district, phase), "reached"] + hit)
    grown = what_if.apply_changes(ws, [Change("p1", "population", fields={"district_id": "D0", "phase_id": YOUNG,
                                                                          "percent": 50})])
    after = scenario_table(ws, grown)
    for column in ("target_population", "reached"):
        assert after.at[("D0", YOUNG), column] == pytest.approx(1.5 * before.at[("D0", YOUNG), column])
        assert after.at[("D1", YOUNG), column] == pytest.approx(before.at[("D1", YOUNG), column])
        assert after.at[("D0", "kita"), column] == pytest.approx(before.at[("D0", "kita"), column])
    assert after.at[("D0", YOUNG), "reach_share"] == pytest.approx(before.at[("D0", YOUNG), "reach_share"])
    with pytest.raises(ProblemError) as err:
        what_if.apply_changes(ws, [Change("p2", "population", fields={"district_id": "D9", "phase_id": "toddlers",
                                                                      "percent": 5000})])
    assert {p.field for p in err.value.problems} == {"district_id", "phase_id", "percent"}


def test_a_scenarios_persons_reached_are_published_from_ist_and_cell_key_counts():
    """The difference of the scenario and Ist is a count of a free area (the cells an added
    offer reaches): published by the cell-key method, withheld when small."""
    ws = tiny([offer("o1", [YOUNG], 500, 500)])
    ws.cell_key_secret = b"alpha" * 8  # the same figures every run (a perturbation that is not 0)
    demand = C.prepare_demand(ws)
    ist_cov = C.coverage(ws, C.CoverageParams(), demand)
    ist = C.public_table(ist_cov.table, 3).set_index(["district_id", "phase_id"])
    scen = what_if.apply_changes(ws, [Change("c1", "add", "offers", fields=NEW_OFFER,  # Ost's far corner
                                             geometry=shapely.Point(X0 + 1900, Y0 + 100))])
    published = what_if.scenario_coverage(ws, scen, ist_demand=demand, ist_cov=ist_cov).table \
        .set_index(["district_id", "phase_id"])
    true = C.coverage(scen).table.set_index(["district_id", "phase_id"])
    gained = true.at[("D1", YOUNG), "reached"] - ist.at[("D1", YOUNG), "reached"]
    shown = published.at[("D1", YOUNG), "reached"] - ist.at[("D1", YOUNG), "reached"]
    assert abs(shown - gained) <= cellkey.PerturbationTable().max_deviation
    k = demand.phases.index(YOUNG)
    cells = np.flatnonzero(true_reached(scen, k) & ~true_reached(ws, k) & (demand.district_idx[
        np.argsort(demand.cell_idx)] == 1))
    expected = cellkey.publish_area_counts(demand.persons[:, k:k + 1], demand.keys[:, k:k + 1], [cells],
                                           cellkey.PerturbationTable(), 3)[0, 0]
    assert published.at[("D1", YOUNG), "reached"] < 400 - cellkey.PerturbationTable().max_deviation  # not cut
    assert shown == pytest.approx(expected)
    # the city's figure is the sum of the published district figures, never the true one
    city = what_if.scenario_coverage(ws, scen, ist_demand=demand, ist_cov=ist_cov).city.set_index("phase_id")
    assert city.at[YOUNG, "reached"] == pytest.approx(published.xs(YOUNG, level="phase_id")["reached"].sum())
    # an offer that newly reaches one cell of 4 persons: withheld at a threshold of 5
    one = what_if.apply_changes(ws, [Change("c2", "add", "offers", fields=NEW_OFFER,
                                            geometry=shapely.Point(X0 + 1950, Y0 + 950))])
    small = what_if.scenario_coverage(ws, one, C.CoverageParams(radius_m=60.0), threshold=5).table \
        .set_index(["district_id", "phase_id"])
    assert np.isnan(small.at[("D1", YOUNG), "reached"])


def true_reached(ws, k):
    return C.coverage(ws).cell_reached[:, k]


def test_compare_lists_what_changes():
    ws = tiny([offer("o1", [YOUNG], 500, 500)])
    scen = what_if.apply_changes(ws, [Change("c1", "add", "offers", fields=NEW_OFFER,
                                             geometry=shapely.Point(X0 + 1500, Y0 + 500))])
    demand = C.prepare_demand(ws)
    ist_cov = C.coverage(ws, C.CoverageParams(), demand)
    table = what_if.compare(ist_cov, what_if.scenario_coverage(ws, scen, ist_demand=demand, ist_cov=ist_cov),
                            ws, scen)
    row = table[(table["district_id"] == "D1") & (table["phase_id"] == YOUNG)].iloc[0]
    assert row["offers_change"] == 1 and row["gap_ist"] and not row["gap_scenario"] and row["gap_change"] == -1
    assert row["reached_change"] > 0
    changed = table[what_if.changed_rows(table)]
    assert set(changed["phase_id"]) == {YOUNG}
    # a second alike offer beside the new one: a Parallelstruktur the scenario creates
    twin = what_if.apply_changes(scen, [Change("c2", "add", "offers", fields={**NEW_OFFER, "provider": "Verein"},
                                               geometry=shapely.Point(X0 + 1520, Y0 + 500))])
    table = what_if.compare(ist_cov, what_if.scenario_coverage(ws, twin, ist_demand=demand, ist_cov=ist_cov), ws, twin)
    row = table[(table["district_id"] == "D1") & (table["phase_id"] == YOUNG)].iloc[0]
    assert row["duplicates_change"] == 1


@pytest.fixture
def stored(tmp_path):
    path = tmp_path / "stadt.gpkg"
    shutil.copy(DEMO, path)
    shutil.copy(Path(str(DEMO) + ".key"), Path(str(path) + ".key"))
    return path


def layers_bytes(path) -> dict:
    ws = read_workspace(path)
    return {name: (frame.to_wkt() if hasattr(frame, "to_wkt") else frame).to_csv().encode()
            for name, frame in ws.tables().items() if name not in ("scenarios", "scenario_changes")}


def test_ist_is_byte_identical_before_and_after_scenarios(stored):
    before_layers = layers_bytes(stored)
    before = C.public_table(C.coverage(read_workspace(stored).current()).table, 3).to_csv().encode()
    ws, sid = store.create_scenario(stored, "Elterncafés Nord", user="anna", role="planner")
    first = ws.offers["offer_id"].iat[0]
    ws, cid = store.add_change(stored, sid, "add", user="anna", role="planner", layer="offers", fields=NEW_OFFER,
                               geometry=shapely.Point(428838, 5699052))
    store.add_change(stored, sid, "close", user="anna", role="planner", layer="offers", record_id=first)
    store.add_change(stored, sid, "housing", user="anna", role="planner",
                     fields={"name": "Neubau", "persons": {YOUNG: 60}},
                     geometry=shapely.box(432000, 5701000, 432300, 5701300))
    store.add_change(stored, sid, "population", user="anna", role="planner",
                     fields={"district_id": "SR03", "phase_id": "kita", "percent": 20})
    store.update_scenario(stored, sid, user="anna", role="planner", shared=True, name="Elterncafés Nord 2")
    store.remove_change(stored, sid, cid, user="anna", role="planner")
    middle = read_workspace(stored)
    assert middle.scenarios["name"].iat[0] == "Elterncafés Nord 2" and len(middle.scenario_changes) == 3
    assert C.public_table(C.coverage(middle.current()).table, 3).to_csv().encode() == before
    store.delete_scenario(stored, sid, user="anna", role="planner")
    after = read_workspace(stored)
    assert after.scenarios.empty and after.scenario_changes.empty
    assert layers_bytes(stored) == before_layers
    assert C.public_table(C.coverage(after.current()).table, 3).to_csv().encode() == before


def test_roles_and_a_refused_change_leave_the_file_as_it_was(stored):
    ws, sid = store.create_scenario(stored, "Test", user="anna", role="planner")
    with pytest.raises(PermissionDenied):
        store.create_scenario(stored, "Partner", user="p", role="partner")
    with pytest.raises(PermissionDenied):
        store.add_change(stored, sid, "close", user="v", role="viewer", layer="offers", record_id="A0001")
    assert store.visible_scenarios(ws, "viewer").empty and len(store.visible_scenarios(ws, "planner")) == 1
    ws = store.update_scenario(stored, sid, user="anna", role="planner", shared=True)
    assert len(store.visible_scenarios(ws, "partner")) == 1
    data = stored.read_bytes()
    with pytest.raises(ProblemError) as err:  # an unknown life phase in the new offer
        store.add_change(stored, sid, "add", user="anna", role="planner", layer="offers",
                         fields={**NEW_OFFER, "life_phases": ["toddlers"]}, geometry=shapely.Point(428838, 5699052))
    assert err.value.problem.field == "life_phases" and err.value.problem.layer == "offers"
    with pytest.raises(ProblemError) as err:
        store.add_change(stored, sid, "move", user="anna", role="planner", layer="offers", record_id="nope",
                         geometry=shapely.Point(428838, 5699052))
    assert err.value.problem.code == "scenario_record_gone"
    with pytest.raises(ProblemError):
        store.create_scenario(stored, "  ", user="anna", role="planner")
    assert stored.read_bytes() == data


def test_export_and_import_give_the_same_scenario(stored, tmp_path):
    ws, sid = store.create_scenario(stored, "Babylotsen 2027", user="anna", role="planner",
                                    description="Förderung endet")
    lotsen = ws.offers["offer_id"].iat[3]
    store.add_change(stored, sid, "close", user="anna", role="planner", layer="offers", record_id=lotsen,
                     valid_from=date(2027, 1, 1))
    ws, _ = store.add_change(stored, sid, "add", user="anna", role="planner", layer="offers", fields=NEW_OFFER,
                             geometry=shapely.Point(428838.25, 5699052.75))
    data = store.export_scenario(ws, sid)
    document = json.loads(data)
    assert document["scenario"]["name"] == "Babylotsen 2027" and len(document["changes"]) == 2
    other = tmp_path / "other.gpkg"
    shutil.copy(DEMO, other)
    imported, new_id = store.import_scenario(other, data, "babylotsen.json", user="ben", role="planner")
    assert new_id != sid
    a = what_if.apply_scenario(ws.current(), sid).offers
    b = what_if.apply_scenario(imported.current(), new_id).offers
    assert a.drop(columns="offer_id").equals(b.drop(columns="offer_id"))
    assert a["valid_to"].max() == pd.Timestamp("2026-12-31")
    # bad files: named, nothing written
    before = other.read_bytes()
    bad = json.dumps({**document, "changes": [{"action": "explode"}]}).encode()
    with pytest.raises(ProblemError) as err:
        store.import_scenario(other, bad, "bad.json", user="ben", role="planner")
    assert (err.value.problem.file, err.value.problem.row, err.value.problem.field) == ("bad.json", 1, "action")
    with pytest.raises(ProblemError) as err:
        store.import_scenario(other, b"{not json", "broken.json", user="ben", role="planner")
    assert err.value.problem.code == "upload_unreadable"
    with pytest.raises(ProblemError) as err:
        store.import_scenario(other, json.dumps({"format": "x"}).encode(), "x.json", user="ben", role="planner")
    assert err.value.problem.code == "scenario_file_format"
    with pytest.raises(ProblemError) as err:
        store.import_scenario(other, json.dumps({**document, "crs": "EPSG:4326"}).encode(), "wgs.json", user="ben",
                              role="planner")
    assert err.value.problem.code == "scenario_other_crs"
    assert other.read_bytes() == before


def cli(*args):
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, capture_output=True, text=True)


def test_scenario_command_line(stored, tmp_path):
    ws, sid = store.create_scenario(stored, "Elterncafés Nord", user="anna", role="planner")
    store.add_change(stored, sid, "add", user="anna", role="planner", layer="offers", fields=NEW_OFFER,
                     geometry=shapely.Point(428838, 5699052))
    result = cli("scenario", "list", str(stored))
    assert result.returncode == 0 and "Elterncafés Nord;False;1" in result.stdout
    result = cli("scenario", "show", str(stored), sid)
    assert result.returncode == 0 and "add;offers" in result.stdout
    out = tmp_path / "wirkung.xlsx"
    result = cli("scenario", "compare", str(stored), sid, "--changed-only", "--out", str(out))
    assert result.returncode == 0, result.stderr
    table = pd.read_excel(out)
    row = table[(table["district_name"] == "Westfeld") & (table["phase_id"] == YOUNG)].iloc[0]
    assert row["offers_change"] == 1 and row["reached_change"] > 0
    exported = tmp_path / "s.json"
    assert cli("scenario", "export", str(stored), sid, "--out", str(exported)).returncode == 0
    result = cli("scenario", "import", str(stored), str(exported))
    assert result.returncode == 0 and "imported s.json as scenario" in result.stdout
    assert len(read_workspace(stored).scenarios) == 2
    # the other commands on the scenario: coverage, gaps, the sites and the PDF report
    ist = cli("coverage", str(stored), "--measure", "reach_share")
    what_if_cov = cli("coverage", str(stored), "--scenario", sid, "--measure", "reach_share")
    assert ist.returncode == 0 and what_if_cov.returncode == 0, what_if_cov.stderr
    row = [line for line in what_if_cov.stdout.splitlines() if line.startswith("SR07")][0]
    assert row != [line for line in ist.stdout.splitlines() if line.startswith("SR07")][0]
    gaps = cli("gaps", str(stored), "--scenario", sid)
    assert gaps.returncode == 0 and "Westfeld;early_childhood" not in gaps.stdout.replace('"', "")
    assert "Westfeld;early_childhood" in cli("gaps", str(stored)).stdout.replace('"', "")
    pdf = tmp_path / "westfeld.pdf"
    assert cli("report", str(stored), "--scenario", sid, "--district", "SR07", "--out", str(pdf)).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    result = cli("scenario", "compare", str(stored), "nope")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    result = cli("scenario", "compare", str(stored), sid, "--valid-on", "morgen")
    assert result.returncode == 1 and "not a date" in result.stderr
