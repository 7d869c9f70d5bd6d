"""The workspace as of a day: records valid that day, the population of the matching year."""

from __future__ import annotations

import copy
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.analysis.coverage import CoverageParams, broken_transitions, coverage, duplicates
from dashboard.model.workspace import Workspace, WorkspaceError, read_workspace, write_workspace
from dashboard.sources import timeline
from dashboard.sources.editing import retire_record


@pytest.fixture(scope="module")
def whole(demo_ws):
    return demo_ws  # read_workspace: retired records included


def _valid_rows(frame: pd.DataFrame, day: date) -> pd.DataFrame:
    """Independently of the library: row by row, a record's dates compared as ISO text."""
    keep = []
    for _, row in frame.iterrows():
        start = row.get("valid_from")
        end = row.get("valid_to")
        start = None if start is None or pd.isna(start) else pd.Timestamp(start).date().isoformat()
        end = None if end is None or pd.isna(end) else pd.Timestamp(end).date().isoformat()
        keep.append((start is None or start <= day.isoformat()) and (end is None or end >= day.isoformat()))
    return frame[np.array(keep, bool)].reset_index(drop=True)


def _year_population(ws: Workspace, year: int):
    """Independently: the cells of ``year`` built from the population_years rows by a plain join."""
    rows = ws.population_years[ws.population_years["year"] == year]
    bands = ws.band_columns
    cells = ws.population_cells[["cell_id", "geometry"]].merge(rows[["unit_id", *bands]], left_on="cell_id",
                                                               right_on="unit_id", how="left")
    missing = cells["unit_id"].isna()
    cells.loc[missing, bands] = 0.0  # not in the year's rows: nobody lived there
    return cells.drop(columns="unit_id")


@pytest.mark.parametrize("day", [date(2023, 12, 31), date(2024, 12, 31), date(2025, 12, 31)])
def test_coverage_as_of_a_day_equals_a_workspace_with_only_that_days_offers(whole, day):
    then = timeline.as_of(whole, day)
    assert then.as_of.day == day and then.as_of.population_year == day.year and then.as_of.population_exact
    offers = _valid_rows(whole.offers, day).assign(retired=False)
    cells = _year_population(whole, day.year) if day.year != 2025 else whole.population_cells
    built = copy.copy(whole)
    built = Workspace(**{**whole.__dict__, "offers": offers,
                         "family_centres": _valid_rows(whole.family_centres, day),
                         "population_cells": cells,
                         "indicators": whole.indicators[whole.indicators["year"] <= day.year]})
    params = CoverageParams()
    got, expected = coverage(then, params), coverage(built, params)
    pd.testing.assert_frame_equal(got.table, expected.table)
    pd.testing.assert_frame_equal(got.city, expected.city)
    pd.testing.assert_frame_equal(duplicates(then, params), duplicates(built, params))
    pd.testing.assert_frame_equal(broken_transitions(got, then), broken_transitions(expected, built))
    assert sorted(then.offers["offer_id"]) == sorted(offers["offer_id"])
    assert sorted(then.family_centres["centre_id"]) == sorted(_valid_rows(whole.family_centres, day)["centre_id"])


def test_the_demo_city_has_three_years_of_history(whole):
    assert timeline.population_years(whole) == [2023, 2024, 2025]
    assert timeline.year_ends(whole) == [date(2023, 12, 31), date(2024, 12, 31), date(2025, 12, 31)]
    years = [timeline.as_of(whole, d) for d in timeline.year_ends(whole)]
    offers = [len(w.offers) for w in years]
    totals = [w.total_population() for w in years]
    assert len(set(offers)) == 3, offers  # offers opened and closed between the year ends
    assert totals[0] < totals[1] < totals[2], totals  # a growing city
    assert set(whole.indicators["year"]) == {2023, 2024, 2025}
    # a year's coverage is computed with that year's persons
    tables = [coverage(w).table["target_population"].sum() for w in years]
    assert len(set(np.round(tables))) == 3
    # the Familienzentrum opened in August 2024
    assert "FZ12" not in set(years[0].family_centres["centre_id"]) and "FZ12" in set(years[1].family_centres["centre_id"])


def test_a_retired_offer_counts_on_the_days_it_was_valid(workspace_copy):
    ws = read_workspace(workspace_copy)
    offer = ws.offers[ws.offers["valid_to"].isna() & (ws.offers["valid_from"] < "2023-01-01")]["offer_id"].iloc[0]
    retire_record(workspace_copy, "offers", offer, user="p", role="planner", today=date(2025, 3, 1))
    ws = read_workspace(workspace_copy)
    assert offer not in set(ws.current().offers["offer_id"])
    before, after = timeline.as_of(ws, date(2025, 3, 1)), timeline.as_of(ws, date(2025, 3, 2))
    assert offer in set(before.offers["offer_id"]) and offer not in set(after.offers["offer_id"])
    assert not before.offers["retired"].any()


def test_population_year_of_a_day(whole):
    assert timeline.as_of(whole, date(2024, 6, 1)).as_of.population_year == 2024
    later = timeline.as_of(whole, date(2030, 1, 1))
    assert later.as_of.population_year == 2025 and later.population_cells is whole.population_cells
    early = timeline.as_of(whole, date(2020, 1, 1))
    assert early.as_of.population_year == 2023 and not early.as_of.population_exact
    assert early.indicators.empty  # no indicator of 2020 or before: the need index is unknown then


def test_a_cell_missing_in_a_year_had_no_inhabitants_and_withheld_stays_withheld(whole):
    ws = copy.copy(whole)
    rows = whole.population_years
    gone = rows[rows["year"] == 2024]["unit_id"].iloc[0]
    ws = Workspace(**{**whole.__dict__, "population_years": rows[~((rows["year"] == 2024) & (rows["unit_id"] == gone))]})
    then = timeline.as_of(ws, date(2024, 12, 31)).population_cells.set_index("cell_id")
    assert (then.loc[gone, whole.band_columns] == 0).all()  # the cell stays, with nobody in it
    withheld = whole.population_cells[whole.population_cells[whole.band_columns].isna().all(axis=1)]["cell_id"]
    past = timeline.as_of(whole, date(2024, 12, 31)).population_cells.set_index("cell_id")
    assert len(withheld) and past.loc[withheld, whole.band_columns].isna().all().all()


def test_workspaces_without_years_show_todays_population(whole):
    ws = Workspace(**{**whole.__dict__, "meta": {k: v for k, v in whole.meta.items() if k != "population_year"},
                      "population_years": whole.population_years.iloc[0:0]})
    then = timeline.as_of(ws, date(2023, 12, 31))
    assert then.as_of.population_year is None and then.population_cells is whole.population_cells


@pytest.mark.parametrize("change, code, field", [
    (lambda ws: ws.population_years.__setitem__("unit_id", ws.population_years["unit_id"].where(
        ws.population_years.index != 0, "100mN0E0")), "unknown_reference", "unit_id"),
    (lambda ws: setattr(ws, "population_years", pd.concat([ws.population_years, ws.population_years.iloc[[5]]],
                                                           ignore_index=True)), "duplicate_id", "unit_id"),
    (lambda ws: ws.meta.__setitem__("population_year", "zwanzig"), "population_year_missing", "value"),
])
def test_bad_population_years_are_named_and_nothing_is_written(whole, workspace_copy, change, code, field):
    ws = Workspace(**{**whole.__dict__, "meta": dict(whole.meta), "population_years": whole.population_years.copy()})
    change(ws)
    before = workspace_copy.read_bytes()
    with pytest.raises(WorkspaceError) as err:
        write_workspace(ws, workspace_copy)
    found = [p for p in err.value.problems if p.code == code]
    assert found and found[0].field == field
    assert workspace_copy.read_bytes() == before


def test_edits_after_the_day_are_undone(workspace_copy):
    import shapely

    from dashboard.sources.editing import edit_record

    ws = read_workspace(workspace_copy)
    offer = ws.offers[ws.offers.geometry.notna() & (ws.offers["life_phases"].map(len) == 1)].iloc[0]
    before_phases, before_point = offer["life_phases"], offer.geometry
    moved = shapely.Point(before_point.x + 250, before_point.y)
    edit_record(workspace_copy, "offers", offer["offer_id"], {"life_phases": ("seniors",), "geometry": moved,
                                                             "capacity": 99, "cost_free": None},
                user="anna", role="planner")
    ws = read_workspace(workspace_copy)
    then = timeline.as_of(ws, date(2025, 12, 31)).offers.set_index("offer_id").loc[offer["offer_id"]]
    now = timeline.as_of(ws, date.today()).offers.set_index("offer_id").loc[offer["offer_id"]]
    assert then["life_phases"] == before_phases and then.geometry.equals(before_point)
    assert (pd.isna(then["capacity"]) and pd.isna(offer["capacity"])) or then["capacity"] == offer["capacity"]
    assert then["cost_free"] == offer["cost_free"]
    assert now["life_phases"] == ("seniors",) and now.geometry.equals(moved) and now["capacity"] == 99
    # the coverage of that day is the coverage of the records as they were
    old = timeline.as_of(read_workspace(workspace_copy), date(2025, 12, 31))
    assert old.offers["capacity"].dtype.kind == "f" and str(old.offers["valid_from"].dtype).startswith("datetime64")
    coverage(old)  # the analysis runs on the records set back


def test_cli_coverage_and_gaps_as_of_a_day(demo_path, capsys):
    from dashboard.cli import main

    assert main(["coverage", str(demo_path), "--as-of", "2023-12-31", "--measure", "offers"]) == 0
    shown = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out), sep=";", index_col=0)
    expected = coverage(timeline.as_of(read_workspace(demo_path), date(2023, 12, 31))).matrix("offers")
    assert (shown.to_numpy() == expected.to_numpy()).all()
    today = coverage(read_workspace(demo_path).current()).matrix("offers")
    assert not (shown.to_numpy() == today.to_numpy()).all()
    assert main(["gaps", str(demo_path), "--as-of", "31.12.2023"]) == 1
    assert "as-of" in capsys.readouterr().err
