"""Every kind of bad input is reported with file, layer, row and field; nothing is written."""

from __future__ import annotations

import copy
import hashlib

import numpy as np
import pyogrio
import pytest
import shapely

from dashboard.model import schema
from dashboard.model.workspace import WorkspaceError, read_workspace, write_workspace
from dashboard.present.problems import message, report


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def ws(demo_ws):
    return copy.deepcopy(demo_ws)


def save_fails(ws, target):
    """write_workspace must raise and leave ``target`` byte-identical; returns the problems."""
    before = digest(target)
    with pytest.raises(WorkspaceError) as info:
        write_workspace(ws, target)
    assert digest(target) == before
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")], "temporary file left behind"
    return info.value.problems


def write_raw(ws, path, change=None):
    """Write the workspace's tables without validation (as a foreign tool might)."""
    tables = ws.tables()
    if change:
        change(tables)
    for layer, frame in tables.items():
        pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG")
    return path


def only(problems, code):
    found = [p for p in problems if p.code == code]
    assert found, [message(p) for p in problems]
    return found


def test_demo_workspace_is_valid(demo_ws):
    assert len(demo_ws.districts) == 14


def test_missing_column(ws, workspace_copy):
    ws.offers = ws.offers.drop(columns=["provider"])
    (p,) = only(save_fails(ws, workspace_copy), "column_missing")
    assert (p.file, p.layer, p.field) == ("stadt.gpkg", "offers", "provider")
    assert "stadt.gpkg" in message(p, "de") and "Feld 'provider'" in message(p, "de")


def test_invalid_geometry(ws, workspace_copy):
    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    bowtie = shapely.affinity.translate(bowtie, *ws.districts.geometry.iloc[2].centroid.coords[0])
    ws.districts.loc[2, "geometry"] = bowtie
    (p,) = only(save_fails(ws, workspace_copy), "geometry_invalid")
    assert (p.layer, p.row, p.field, p.record_id) == ("districts", 3, "geometry", "SR03")
    assert "Zeile 3 (Kennung SR03)" in message(p, "de")
    assert "Self-intersection" in message(p, "en")


def test_empty_geometry(ws, workspace_copy):
    ws.family_centres.loc[4, "geometry"] = shapely.Point()
    (p,) = only(save_fails(ws, workspace_copy), "geometry_empty")
    assert (p.layer, p.row, p.field) == ("family_centres", 5, "geometry")


def test_missing_geometry_where_required(ws, workspace_copy):
    ws.partners.loc[0, "geometry"] = None
    (p,) = only(save_fails(ws, workspace_copy), "geometry_missing")
    assert (p.layer, p.row, p.record_id) == ("partners", 1, "P001")


def test_missing_crs_in_file(ws, tmp_path):
    def drop_crs(tables):
        tables["partners"] = tables["partners"].set_crs(None, allow_override=True)

    path = write_raw(ws, tmp_path / "ohne_crs.gpkg", drop_crs)
    before = digest(path)
    with pytest.raises(WorkspaceError) as info:
        read_workspace(path)
    (p,) = only(info.value.problems, "crs_missing")
    assert (p.file, p.layer, p.field) == ("ohne_crs.gpkg", "partners", "geometry")
    assert digest(path) == before


def test_geographic_crs_is_rejected(ws, workspace_copy):
    ws.districts = ws.districts.to_crs(4326)
    problems = save_fails(ws, workspace_copy)
    (p,) = only(problems, "crs_not_metric")
    assert p.layer == "districts" and "EPSG:4326" in message(p, "en")


def test_duplicate_ids(ws, workspace_copy):
    ws.offers.loc[9, "offer_id"] = ws.offers.loc[4, "offer_id"]
    (p,) = only(save_fails(ws, workspace_copy), "duplicate_id")
    assert (p.layer, p.row, p.field) == ("offers", 10, "offer_id")
    assert p.params["other"] == 5
    assert "auch in Zeile 5" in message(p, "de")


def test_unknown_life_phase(ws, workspace_copy):
    ws.offers.at[7, "life_phases"] = ("kita", "U3-Betreuung")
    (p,) = only(save_fails(ws, workspace_copy), "unknown_life_phase")
    assert (p.layer, p.row, p.field) == ("offers", 8, "life_phases")
    assert "'U3-Betreuung'" in message(p, "de") and "early_childhood" in message(p, "de")


def test_unknown_sector(ws, workspace_copy):
    ws.partners.at[3, "sector"] = "Kultur"
    (p,) = only(save_fails(ws, workspace_copy), "unknown_value")
    assert (p.layer, p.row, p.field) == ("partners", 4, "sector")


def test_point_outside_municipality(ws, workspace_copy):
    xy = shapely.get_coordinates(ws.districts.union_all())
    east = xy[xy[:, 0].argmax()]  # the easternmost boundary point: 5 km east of it is 5 km away
    ws.offers.loc[0, "geometry"] = shapely.Point(east[0] + 5000, east[1])
    (p,) = only(save_fails(ws, workspace_copy), "outside_municipality")
    assert (p.layer, p.row, p.field) == ("offers", 1, "geometry")
    assert p.params["distance"] == pytest.approx(5000, abs=1)


def test_negative_count(ws, workspace_copy):
    ws.population_cells.loc[11, "age_3_6"] = -4
    (p,) = only(save_fails(ws, workspace_copy), "negative_count")
    assert (p.layer, p.row, p.field) == ("population_cells", 12, "age_3_6")


def test_not_a_number_and_not_a_date(ws, tmp_path):
    def spoil(tables):
        tables["indicators"]["value"] = tables["indicators"]["value"].astype(object)
        tables["indicators"].loc[2, "value"] = "zwölf"
        tables["offers"].loc[5, "last_updated"] = "31.12.2025"

    path = write_raw(ws, tmp_path / "typen.gpkg", spoil)
    with pytest.raises(WorkspaceError) as info:
        read_workspace(path)
    (num,) = only(info.value.problems, "not_a_number")
    assert (num.layer, num.row, num.field) == ("indicators", 3, "value")
    (date,) = only(info.value.problems, "not_a_date")
    assert (date.layer, date.row, date.field) == ("offers", 6, "last_updated")


def test_unknown_reference(ws, workspace_copy):
    ws.memberships.loc[0, "partner_id"] = "P999"
    (p,) = only(save_fails(ws, workspace_copy), "unknown_reference")
    assert (p.layer, p.row, p.field) == ("memberships", 1, "partner_id")


def test_offer_without_location_or_service_area(ws, workspace_copy):
    ws.offers.loc[2, "geometry"] = None
    (p,) = only(save_fails(ws, workspace_copy), "no_location")
    assert (p.layer, p.row) == ("offers", 3)


def test_missing_layer_in_file(ws, tmp_path):
    path = tmp_path / "ohne_angebote.gpkg"
    write_raw(ws, path, lambda tables: tables.pop("offers"))
    with pytest.raises(WorkspaceError) as info:
        read_workspace(path)
    (p,) = only(info.value.problems, "layer_missing")
    assert p.layer == "offers" and "Pflicht-Ebene fehlt" in message(p, "de")


def test_not_a_geopackage(tmp_path):
    path = tmp_path / "kaputt.gpkg"
    path.write_text("kein GeoPackage")
    with pytest.raises(WorkspaceError) as info:
        read_workspace(path)
    assert info.value.problems[0].code == "file_unreadable"
    assert path.read_text() == "kein GeoPackage"


def test_all_problems_are_reported_at_once(ws, workspace_copy):
    ws.offers.loc[9, "offer_id"] = ws.offers.loc[4, "offer_id"]
    ws.offers.at[7, "life_phases"] = ("nope",)
    ws.population_cells.loc[0, "age_0_1"] = -1
    ws.partners = ws.partners.drop(columns=["organisation"])
    codes = {p.code for p in save_fails(ws, workspace_copy)}
    assert {"duplicate_id", "unknown_life_phase", "negative_count", "column_missing"} <= codes


def test_report_lists_every_problem_in_both_languages(ws, workspace_copy):
    ws.offers.loc[[1, 2, 3], "category"] = "Fest"
    with pytest.raises(WorkspaceError) as info:
        write_workspace(ws, workspace_copy)
    de = report(info.value.problems, "de")
    assert de.startswith("3 Problem(e) gefunden:")
    for row in (2, 3, 4):
        assert f"Zeile {row}" in de
    assert "row 2" in report(info.value.problems, "en")
    assert "row 2" in str(info.value)  # the exception text is for logs; people read the report


def test_withheld_values_stay_missing_not_zero(demo_ws, tmp_path):
    cells = demo_ws.population_cells
    withheld = cells["age_30_50"].isna()
    assert withheld.any()
    out = write_workspace(demo_ws, tmp_path / "rund.gpkg")
    again = read_workspace(out)
    assert again.population_cells["age_30_50"].isna().sum() == withheld.sum()
    ind = demo_ws.indicators
    # three withheld in the demo's 2024/2025 values, and 2023's copy of one withheld in 2024
    assert ind["value"].isna().sum() == 4 and (ind["value"] == 0).sum() == 0
    assert again.indicators["value"].isna().sum() == 4


def test_roundtrip_keeps_types(demo_ws, tmp_path):
    again = read_workspace(write_workspace(demo_ws, tmp_path / "rund.gpkg"))
    assert again.offers["life_phases"].map(type).eq(tuple).all()
    assert str(again.offers["last_updated"].dtype).startswith("datetime64")
    # yes / no / unknown: True, False or None, kept as they were
    assert again.offers["cost_free"].map(type).isin([bool]).all()
    assert again.offers["cost_free"].tolist() == demo_ws.offers["cost_free"].tolist()
    unknown = demo_ws.offers.assign(barrier_free=[None] * 3 + list(demo_ws.offers["barrier_free"].iloc[3:]))
    ws = type(demo_ws)(**{**demo_ws.__dict__, "offers": unknown})
    back = read_workspace(write_workspace(ws, tmp_path / "unbekannt.gpkg")).offers["barrier_free"]
    assert back.iloc[:3].isna().all() and back.iloc[3:].tolist() == unknown["barrier_free"].iloc[3:].tolist()
    assert np.array_equal(again.offers.geometry.isna(), demo_ws.offers.geometry.isna())
    assert again.crs.to_epsg() == 25832
    assert list(again.life_phases["phase_id"]) == list(demo_ws.life_phases["phase_id"])
    assert schema.SCHEMA_VERSION == again.meta["schema_version"]


def test_every_message_code_is_known_without_import_side_effects():
    """A problem from the import wizard (codes shared with the recipe build) has its message
    even when dashboard.build was never imported, and no module adds codes at import time."""
    import ast
    import json
    import subprocess
    import sys

    from conftest import ROOT

    script = (
        "import json, importlib, pkgutil\n"
        "from dashboard.model.problems import Problem\n"
        "from dashboard.present import i18n, problems\n"
        "before = sorted(i18n.PROBLEMS)\n"
        "texts = {c: [problems.text(Problem('a.csv', None, 2, 'Adresse', c, {'address': 'X 1', 'n': 2, 'value': 'U3'}), l)\n"
        "             for l in ('de', 'en')] for c in ('address_unmatched', 'address_ambiguous', 'unmapped_value')}\n"
        "import dashboard\n"
        "for m in pkgutil.walk_packages(dashboard.__path__, 'dashboard.'):\n"
        "    if m.name not in ('dashboard.__main__', 'dashboard.app.main'):\n"
        "        importlib.import_module(m.name)\n"
        "print(json.dumps({'before': before, 'after': sorted(i18n.PROBLEMS), 'texts': texts}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.splitlines()[-1])
    assert result["before"] == result["after"]
    assert "nicht im Adressverzeichnis" in result["texts"]["address_unmatched"][0]
    known = set(result["before"])
    # every code the source gives a Problem: Problem(file, layer, row, field, CODE), problem(CODE, …), a collector's
    # add(CODE, ...) or at(layer, CODE, ...), an exception's (…, CODE) or default_code = CODE
    positions = {"Problem": 4, "problem": 0, "UploadRejected": 1, "EditError": 2, "PermissionDenied": 2, "ConflictError": 2}
    used = set()
    for path in (ROOT / "dashboard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "default_code":
                used.add(node.value.value)
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in positions:
                position = positions[func.id]
            elif isinstance(func, ast.Attribute) and func.attr == "at":
                position = 1
            elif isinstance(func, ast.Attribute) and func.attr == "add_rows":
                position = 3  # collector.add_rows(frame, layer, mask, CODE)
            elif isinstance(func, ast.Attribute) and func.attr == "add" and node.keywords:
                position = 0  # problems.add(code, file=..., row=...); set.add(x) has no keywords
            else:
                continue
            if len(node.args) > position:
                arg = node.args[position]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    used.add(arg.value)
    used |= {"address_unmatched", "address_ambiguous", "unknown_life_phase"}  # chosen by a condition
    assert len(used) >= 30 and used <= known, sorted(used - known)
    assert known <= used, f"messages of codes nothing raises: {sorted(known - used)}"


def test_killed_saves_leave_no_temporary_files(workspace_copy, demo_ws):
    """kill -9 during saves leaves temporary GeoPackages beside the workspace; the next open
    removes those of dead processes and keeps the workspace itself intact."""
    import os
    import signal
    import subprocess
    import sys

    from conftest import ROOT

    # a save that stops in the middle (after its first layer) until it is killed
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import threading, pyogrio\n"
         "from dashboard.model import workspace\n"
         "real = pyogrio.write_dataframe\n"
         "def write(*args, **kwargs):\n"
         "    real(*args, **kwargs)\n"
         "    print('writing', flush=True)\n"
         "    threading.Event().wait()\n"
         "workspace.pyogrio.write_dataframe = write\n"
         f"ws = workspace.read_workspace({str(workspace_copy)!r})\n"
         f"workspace.write_workspace(ws, {str(workspace_copy)!r})\n"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "writing"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    left = list(workspace_copy.parent.glob(f".{workspace_copy.stem}-*"))
    assert left  # what the killed save left behind
    fresh = workspace_copy.parent / f".{workspace_copy.stem}-{os.getpid()}-abcd1234.gpkg"
    fresh.write_bytes(b"")  # a save of this (live) process: kept
    other = workspace_copy.parent / ".anderer-1-abcd1234.gpkg"
    other.write_bytes(b"")  # another workspace's file: not ours to touch
    ws = read_workspace(workspace_copy)
    assert len(ws.offers) == len(demo_ws.offers)
    assert sorted(p.name for p in workspace_copy.parent.glob(".*")) == sorted([fresh.name, other.name])
