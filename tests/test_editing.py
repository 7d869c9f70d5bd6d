"""Editing with history, roles, stale offers and lost-update detection."""

from __future__ import annotations

import hashlib
import threading
from datetime import date

import pandas as pd
import pytest
import shapely

from dashboard.model.workspace import WorkspaceError, read_workspace
from dashboard.present.problems import report
from dashboard.sources import editing


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_edit_records_history_and_version(workspace_copy):
    ws = editing.edit_record(workspace_copy, "offers", "A0001", {"name": "Schwangerschaftsberatung (neu)"},
                             user="anna", role="planner", expected_version=1)
    row = ws.offers.set_index("offer_id").loc["A0001"]
    assert row["name"] == "Schwangerschaftsberatung (neu)" and row["version"] == 2
    assert row["last_updated"].date() == date.today()
    history = editing.history_table(ws, "offers", "A0001")
    first = history.iloc[0]
    assert (first["user"], first["field"], first["new"], first["action"]) == \
        ("anna", "name", "Schwangerschaftsberatung (neu)", "edit")
    assert first["old"] == "Schwangerschaftsberatung Hohe Heide"


def test_lost_update_is_detected_and_nothing_written(workspace_copy):
    editing.edit_record(workspace_copy, "offers", "A0002", {"capacity": 120}, user="anna", role="planner",
                        expected_version=1)
    before = digest(workspace_copy)
    with pytest.raises(editing.ConflictError, match="conflict"):
        editing.edit_record(workspace_copy, "offers", "A0002", {"capacity": 125}, user="ben", role="planner",
                            expected_version=1)  # ben opened the record before anna saved
    assert digest(workspace_copy) == before


def test_two_sessions_editing_at_once(workspace_copy):
    results = []

    def save(user, value):
        try:
            editing.edit_record(workspace_copy, "offers", "A0003", {"capacity": value}, user=user, role="planner",
                                expected_version=1)
            results.append((user, "saved"))
        except editing.ConflictError:
            results.append((user, "conflict"))

    threads = [threading.Thread(target=save, args=(u, v)) for u, v in (("anna", 101), ("ben", 102))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r for _, r in results) == ["conflict", "saved"]  # one wins, the other is told
    ws = read_workspace(workspace_copy)
    winner = next(u for u, r in results if r == "saved")
    assert ws.offers.set_index("offer_id").loc["A0003", "capacity"] == (101 if winner == "anna" else 102)
    assert len(editing.history_table(ws, "offers", "A0003")) == 1


def test_partner_edits_only_own_offers(workspace_copy, demo_ws):
    own = demo_ws.offers[demo_ws.offers["partner_id"] == "P003"].iloc[0]
    other = demo_ws.offers[demo_ws.offers["partner_id"] != "P003"].iloc[0]
    editing.edit_record(workspace_copy, "offers", own["offer_id"], {"languages": ("Deutsch", "Türkisch")},
                        user="awo", role="partner", organisation="P003")
    before = digest(workspace_copy)
    with pytest.raises(editing.PermissionDenied):
        editing.edit_record(workspace_copy, "offers", other["offer_id"], {"name": "gekapert"}, user="awo",
                            role="partner", organisation="P003")
    with pytest.raises(editing.PermissionDenied):
        editing.edit_record(workspace_copy, "offers", own["offer_id"], {"partner_id": "P001"}, user="awo",
                            role="partner", organisation="P003")
    with pytest.raises(editing.PermissionDenied):
        editing.edit_record(workspace_copy, "partners", "P003", {"organisation": "x"}, user="awo", role="partner",
                            organisation="P003")
    with pytest.raises(editing.PermissionDenied):
        editing.edit_record(workspace_copy, "offers", own["offer_id"], {"name": "x"}, user="gast", role="viewer")
    assert digest(workspace_copy) == before


def test_add_and_retire(workspace_copy, demo_ws):
    point = demo_ws.districts.geometry.iloc[0].representative_point()
    ws = editing.add_record(workspace_copy, "offers", {
        "name": "Neues Elterncafé", "provider": "AWO Ortsverein Lindenbrück", "category": "Treffpunkt",
        "sectors": ("Kinder- und Jugendhilfe",), "life_phases": ("early_childhood",), "audience": ("Eltern",),
        "cost_free": True, "barrier_free": True, "geometry": point}, user="awo", role="partner",
        organisation="P003", record_id="A9999")
    new = ws.offers.set_index("offer_id").loc["A9999"]
    assert new["partner_id"] == "P003" and new["version"] == 1
    ws = editing.retire_record(workspace_copy, "offers", "A9999", user="anna", role="planner", expected_version=1,
                               today=date(2026, 1, 31))
    retired = ws.offers.set_index("offer_id").loc["A9999"]
    assert retired["retired"] and retired["valid_to"] == pd.Timestamp("2026-01-31")
    assert set(editing.history_table(ws, "offers", "A9999")["action"]) == {"add", "retire"}
    # the analysis and the map no longer see it; the file and history keep it
    assert "A9999" not in set(ws.current().offers["offer_id"]) and len(ws.current().offers) == len(demo_ws.offers)
    assert "A9999" in set(ws.offers["offer_id"])


def test_retired_offer_leaves_the_map(monkeypatch, workspace_copy):
    from apptest_util import map_args, run_app

    editing.retire_record(workspace_copy, "offers", "A0003", user="anna", role="planner")
    monkeypatch.setenv("PRAEVENTIONSATLAS_WORKSPACE", str(workspace_copy))
    at = run_app("pages/map.py")
    assert not at.exception
    assert '"A0003"' not in map_args(at)["feature_group"] and '"A0004"' in map_args(at)["feature_group"]


def test_invalid_change_is_rejected_and_nothing_written(workspace_copy):
    before = digest(workspace_copy)
    with pytest.raises(WorkspaceError) as info:
        editing.edit_record(workspace_copy, "offers", "A0004", {"life_phases": ("U3",)}, user="anna", role="planner")
    assert "Unbekannte Lebensphase 'U3'" in report(info.value.problems, "de")
    with pytest.raises(WorkspaceError):
        editing.edit_record(workspace_copy, "offers", "A0004", {"geometry": shapely.Point(0, 0)}, user="anna",
                            role="planner")
    with pytest.raises(ValueError, match="unknown fields"):  # a programming error, not a user's
        editing.edit_record(workspace_copy, "offers", "A0004", {"colour": "red"}, user="anna", role="planner")
    assert digest(workspace_copy) == before


def test_stale_offers(demo_ws):
    """Stale = last update more than 548 days (about 18 months) before today."""
    offers = pd.DataFrame({"last_updated": pd.to_datetime(["2025-05-21", "2025-05-22", "2025-05-23", "2026-11-01"])})
    assert editing.stale(offers, today=date(2026, 11, 22)).tolist() == [True, True, False, False]
    assert editing.stale(offers, today=date(2026, 11, 22), days=30).tolist() == [True, True, True, False]
    assert 0 < editing.stale(demo_ws.offers, today=date(2026, 11, 22)).sum() < len(demo_ws.offers)

def test_an_unchanged_form_changes_nothing(demo_ws):
    """Every record of every layer, shown in the form and submitted as it is (positions through
    the form's WGS84 latitude/longitude), gives no change; outreach offers keep no site."""
    import geopandas as gpd

    for layer in editing.ID_COLUMNS:
        frame = getattr(demo_ws, layer)
        for _, record in frame.iterrows():
            shown = editing.form_values(record, layer)
            submitted = dict(shown)
            if shown["geometry"] is not None:
                wgs84 = gpd.GeoSeries([shown["geometry"]], crs=demo_ws.crs).to_crs(4326).iloc[0]
                submitted["geometry"] = gpd.GeoSeries([shapely.Point(round(wgs84.x, 6), round(wgs84.y, 6))],
                                                      crs=4326).to_crs(demo_ws.crs).iloc[0]
            assert editing.changed_fields(shown, submitted) == {}, (layer, record.iloc[0])
    outreach = demo_ws.offers[demo_ws.offers.geometry.isna()].iloc[0]
    assert editing.form_values(outreach, "offers")["geometry"] is None


def test_changed_fields_keeps_only_real_changes():
    point = shapely.Point(400_000, 5_700_000)
    shown = {"name": "Elterncafé", "capacity": 12.0, "languages": ("Deutsch",), "cost_free": True, "address": "",
             "geometry": point}
    submitted = {"name": "Elterncafé", "capacity": 12, "languages": ("Deutsch", "Türkisch"), "cost_free": True,
                 "address": "Lindenweg 3", "geometry": shapely.Point(400_000.3, 5_700_000)}
    assert editing.changed_fields(shown, submitted) == {"languages": ("Deutsch", "Türkisch"), "address": "Lindenweg 3"}
    moved = {**shown, "geometry": shapely.Point(400_010, 5_700_000), "name": " ", "capacity": None}
    assert editing.changed_fields(shown, moved) == {"geometry": moved["geometry"], "name": None, "capacity": None}
    assert editing.changed_fields({}, {"name": "Neu", "address": ""}) == {"name": "Neu"}
    assert editing.same_value(None, float("nan")) and editing.same_value((), None) and not editing.same_value(0, None)


def test_edit_errors_have_messages_in_both_languages(workspace_copy):
    from dashboard.present.problems import text


    with pytest.raises(editing.EditError) as info:
        editing.edit_record(workspace_copy, "offers", "GIBTESNICHT", {"name": "x"}, user="anna", role="planner")
    assert info.value.code == "unknown_record"
    german = text(info.value.problem, "de")
    assert german.startswith("Den Eintrag GIBTESNICHT gibt es nicht mehr")
    assert text(info.value.problem, "en").startswith("The record GIBTESNICHT")
