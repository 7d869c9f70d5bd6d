"""Targets (Zielwerte), assessments and comparison values stored in the workspace, with history."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.model.problems import ProblemError
from dashboard.model.workspace import read_workspace
from dashboard.sources import targets as store
from dashboard.sources.editing import ConflictError, PermissionDenied

U3 = {"district_id": "SR03", "phase_id": "early_childhood", "measure": "reach_share", "value": "80 %",
      "due": "2027-12-31", "note": "Beschluss JHA 2026"}


def test_a_planner_sets_changes_and_retires_a_target_with_history(workspace_copy):
    ws, target = store.set_target(workspace_copy, U3, user="anna", role="planner")
    row = ws.targets.set_index("target_id").loc[target]
    assert row["value"] == pytest.approx(0.8) and row["measure"] == "reach_share" and row["district_id"] == "SR03"
    assert pd.Timestamp(row["due"]).date() == date(2027, 12, 31) and row["set_by"] == "anna" and row["version"] == 1
    assert pd.Timestamp(row["set_on"]).date() == date.today()
    ws, _ = store.set_target(workspace_copy, {**U3, "value": "0,85"}, user="bernd", role="planner", target_id=target,
                             expected_version=1)
    row = ws.targets.set_index("target_id").loc[target]
    assert row["value"] == pytest.approx(0.85) and row["set_by"] == "bernd" and row["version"] == 2
    history = ws.history[ws.history["record_id"] == target]
    assert list(history["action"]) == ["add"] * 7 + ["edit"]  # the record, its six fields, the change
    edit = history[history["action"] == "edit"].iloc[0]
    assert (edit["field"], edit["old"], edit["new"], edit["user"]) == ("value", "0.8", "0.85", "bernd")
    with pytest.raises(ConflictError):  # someone saved in between
        store.set_target(workspace_copy, {**U3, "value": 0.9}, user="anna", role="planner", target_id=target,
                         expected_version=1)
    ws = store.retire_target(workspace_copy, target, user="anna", role="planner")
    assert store.current(ws.targets).empty and len(ws.targets) == 1


@pytest.mark.parametrize("change, code, field", [
    ({"measure": "reach"}, "unknown_value", "measure"),
    ({"phase_id": None}, "target_needs_phase", "phase_id"),
    ({"measure": "outreach_share"}, "target_city_only", "district_id"),
    ({"value": "180 %"}, "target_value_range", "value"),
    ({"value": "viel"}, "not_a_number", "value"),
    ({"due": "Ende 2027"}, "not_a_date", "due"),
    ({"district_id": "Atlantis"}, "unknown_reference", "district_id"),
    ({"phase_id": "teens"}, "unknown_life_phase", "phase_id"),
    ({"measure": "gaps", "phase_id": None, "value": "2.5"}, "target_value_range", "value"),
])
def test_bad_targets_are_named_and_nothing_is_written(workspace_copy, change, code, field):
    before = workspace_copy.read_bytes()
    with pytest.raises(ProblemError) as err:
        store.set_target(workspace_copy, {**U3, **change}, user="anna", role="planner")
    assert [(p.code, p.field) for p in err.value.problems] == [(code, field)]
    assert workspace_copy.read_bytes() == before


def test_only_planners_set_targets(workspace_copy):
    for role in ("partner", "viewer"):
        with pytest.raises(PermissionDenied):
            store.set_target(workspace_copy, U3, user="x", role=role)


def test_a_district_may_be_named_and_city_targets_have_no_district(workspace_copy):
    ws = read_workspace(workspace_copy)
    name = ws.districts.set_index("district_id").loc["SR03", "name"]
    ws, target = store.set_target(workspace_copy, {**U3, "district_id": name}, user="a", role="planner")
    assert ws.targets.set_index("target_id").loc[target, "district_id"] == "SR03"
    ws, city = store.set_target(workspace_copy, {"measure": "broken_transitions", "value": 5, "due": "31.12.2027"},
                                user="a", role="planner")
    row = ws.targets.set_index("target_id").loc[city]
    assert pd.isna(row["district_id"]) and pd.isna(row["phase_id"]) and row["value"] == 5


def test_importing_targets_is_all_or_nothing_naming_file_row_and_field(workspace_copy):
    good = ("district_id;phase_id;measure;value;due;note\n"
            "SR01;kita;reach_share;75 %;2027-12-31;\n"
            ";;outreach_share;0,5;2028-12-31;Stadtratsbeschluss\n").encode()
    ws, ids = store.import_targets(workspace_copy, "ziele.csv", good, user="anna", role="planner")
    assert len(ids) == 2 and len(store.current(ws.targets)) == 2
    before = workspace_copy.read_bytes()
    bad = ("district_id;phase_id;measure;value;due;note\n"
           "SR01;kita;reach_share;75 %;2027-12-31;\n"
           "SR02;kita;reach_share;75 %;2027-31-12;\n").encode()
    with pytest.raises(ProblemError) as err:
        store.import_targets(workspace_copy, "ziele.csv", bad, user="anna", role="planner")
    (p,) = err.value.problems
    assert (p.file, p.row, p.field, p.code) == ("ziele.csv", 3, "due", "not_a_date")
    assert workspace_copy.read_bytes() == before


def test_assessments_need_a_rating_a_note_and_a_day(workspace_copy):
    ws, aid = store.set_assessment(workspace_copy, {"goal": "participation", "rating": "partly",
                                                    "note": "Elternbeirat in 3 von 14 Sozialräumen",
                                                    "assessed_on": "2026-11-30"}, user="anna", role="planner")
    row = ws.assessments.set_index("assessment_id").loc[aid]
    assert row["rating"] == "partly" and row["assessed_by"] == "anna"
    with pytest.raises(ProblemError) as err:
        store.set_assessment(workspace_copy, {"goal": "participation", "rating": "gut", "assessed_on": "2026-11-30"},
                             user="anna", role="planner")
    assert {(p.code, p.field) for p in err.value.problems} == {("unknown_value", "rating"),
                                                               ("assessment_needs_note", "note")}


def test_reference_values_are_imported_and_replaced_by_key(workspace_copy):
    table = ("area;measure;phase_id;year;value;source\n"
             "Kreis Viersen;reach_share;early_childhood;2024;61,5 %;IT.NRW\n"
             "NRW;reach_share;early_childhood;2024;58 %;IT.NRW\n"
             "NRW;broken_transitions;;2024;-;\n").encode()
    ws = store.import_reference_values(workspace_copy, "vergleich.csv", table, user="a", role="planner")
    ref = ws.reference_values
    assert len(ref) == 3
    assert ref.loc[ref["area"] == "Kreis Viersen", "value"].iloc[0] == pytest.approx(0.615)
    assert pd.isna(ref.loc[ref["measure"] == "broken_transitions", "value"].iloc[0])  # withheld, not 0
    again = "area;measure;phase_id;year;value\nNRW;reach_share;early_childhood;2024;0,59\n".encode()
    ws = store.import_reference_values(workspace_copy, "neu.csv", again, user="a", role="planner")
    assert len(ws.reference_values) == 3
    assert ws.reference_values.loc[(ws.reference_values["area"] == "NRW")
                                   & (ws.reference_values["measure"] == "reach_share"), "value"].iloc[0] == 0.59
    before = workspace_copy.read_bytes()
    bad = "area;measure;phase_id;year;value\nNRW;reach;;2024;1\nNRW;gaps;teens;zwei;1\n".encode()
    with pytest.raises(ProblemError) as err:
        store.import_reference_values(workspace_copy, "bad.csv", bad, user="a", role="planner")
    assert {(p.row, p.field, p.code) for p in err.value.problems} == {
        (2, "measure", "unknown_value"), (3, "year", "not_a_number")}
    assert workspace_copy.read_bytes() == before


def test_cli_targets_set_list_import_and_retire(workspace_copy, tmp_path, capsys):
    ws = str(workspace_copy)
    assert main(["targets", "set", ws, "--district", "SR02", "--phase", "kita", "--measure", "reach_share",
                 "--value", "70 %", "--due", "2027-12-31", "--user", "anna"]) == 0
    target = capsys.readouterr().out.split()[-1]
    assert main(["targets", "set", ws, "--id", target, "--value", "0.75"]) == 0
    capsys.readouterr()
    assert main(["targets", "list", ws]) == 0
    out = capsys.readouterr().out
    assert target in out and "0.75" in out and "2027-12-31" in out
    file = tmp_path / "ziele.csv"
    file.write_text("measure;value;due\ngaps;3;2027-12-31\nreach_share;80 %;2027-12-31\n", encoding="utf-8")
    assert main(["targets", "import", ws, str(file)]) == 1
    err = capsys.readouterr().err
    assert "ziele.csv" in err and "row 3" in err and "phase_id" in err
    assert main(["targets", "retire", ws, "--id", target]) == 0
    capsys.readouterr()
    assert main(["targets", "list", ws]) == 0
    assert capsys.readouterr().out.strip() == "no targets"
