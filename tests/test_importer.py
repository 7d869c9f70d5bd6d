"""The import of offers from a planner's file: mapping, checks with rows, all-or-nothing commit."""

from __future__ import annotations

import hashlib
import io

import pandas as pd
import pytest

from dashboard.build import read_table
from dashboard.importer import ImportPlan, ImportTooLarge, check_limits, commit_import, prepare_import
from dashboard.workspace import WorkspaceError, read_workspace


def upload(demo_ws, rows):
    centre = demo_ws.districts.geometry.iloc[0].representative_point()
    text = "Nr;Titel;Träger;Zielgruppe;Kategorie;Rechtswert;Hochwert\n" + "".join(
        f"{nr};{title};{provider};{group};Beratung;{str(round(centre.x + dx, 1)).replace('.', ',')};"
        f"{str(round(centre.y, 1)).replace('.', ',')}\n" for nr, title, provider, group, dx in rows)
    path = io.BytesIO(text.encode("cp1252"))
    return text, path


PLAN = ImportPlan(
    layer="offers",
    columns={"offer_id": "Nr", "name": "Titel", "provider": "Träger", "category": "Kategorie",
             "life_phases": "Zielgruppe"},
    x="Rechtswert", y="Hochwert", crs="EPSG:25832",
    constants={"sectors": "Soziales", "audience": "Familien", "cost_free": True, "barrier_free": True,
               "last_updated": "2026-11-01"},
    value_maps={"life_phases": {"U3": ["early_childhood"], "Kita": ["kita"], "Senioren": ["seniors"]}},
)


def table_from(tmp_path, text):
    path = tmp_path / "angebote.csv"
    path.write_bytes(text.encode("cp1252"))
    return read_table(path)


def test_import_checks_and_commits(tmp_path, workspace_copy, demo_ws):
    text, _ = upload(demo_ws, [("N1", "Elterncafé Süd", "AWO", "U3", 0), ("N2", "Spielkreis", "DRK", "Kita", 50),
                               ("N3", "Seniorencafé", "Caritas", "Senioren", -50)])
    table = table_from(tmp_path, text)
    new, problems = prepare_import(demo_ws, table, PLAN, "angebote.csv")
    assert problems == [] and list(new["life_phases"]) == ["early_childhood", "kita", "seniors"]
    ws = commit_import(workspace_copy, table, PLAN, "angebote.csv", user="anna")
    assert len(ws.offers) == len(demo_ws.offers) + 3
    assert set(ws.history["action"]) == {"import"} and len(ws.history) == 3
    assert ws.offers.set_index("offer_id").loc["N1", "name"] == "Elterncafé Süd"


def test_bad_rows_are_reported_and_nothing_is_written(tmp_path, workspace_copy, demo_ws):
    text, _ = upload(demo_ws, [("N1", "Elterncafé", "AWO", "Krabbelkinder", 0), ("A0001", "Doppelt", "DRK", "Kita", 0),
                               ("N3", "Weit weg", "Caritas", "Senioren", 90_000)])
    table = table_from(tmp_path, text)
    _, problems = prepare_import(demo_ws, table, PLAN, "angebote.csv")
    assert [(p.row, p.code) for p in problems] == [(2, "unmapped_value")]  # mapping first
    fixed = dict(PLAN.value_maps["life_phases"], Krabbelkinder=["early_childhood"])
    plan = ImportPlan(**{**PLAN.__dict__, "value_maps": {"life_phases": fixed}})
    _, problems = prepare_import(demo_ws, table, plan, "angebote.csv")
    found = {(p.row, p.code) for p in problems}
    assert (3, "duplicate_id") in found and (4, "outside_municipality") in found
    before = hashlib.sha256(workspace_copy.read_bytes()).hexdigest()
    with pytest.raises(WorkspaceError) as info:
        commit_import(workspace_copy, table, plan, "angebote.csv", user="anna")
    assert "angebote.csv, Zeile 3" in info.value.report("de")
    assert hashlib.sha256(workspace_copy.read_bytes()).hexdigest() == before
    assert len(read_workspace(workspace_copy).offers) == len(demo_ws.offers)


def test_upload_limits():
    check_limits(1000, 10)
    with pytest.raises(ImportTooLarge, match="Datei zu groß"):
        check_limits(30 * 1024 * 1024, 10)
    with pytest.raises(ImportTooLarge, match="Zu viele Zeilen"):
        check_limits(1000, 50_000)
    assert pd is not None


def test_import_with_addresses_geocodes_offline(tmp_path, workspace_copy, demo_ws):
    from dataclasses import replace

    a = demo_ws.addresses.iloc[[10, 500]]
    given = [f"{a['street'].iat[0].replace('straße', 'str.')} {a['number'].iat[0]}",  # tolerant spelling
             f"{a['street'].iat[1]} {a['number'].iat[1]}, {a['postcode'].iat[1]} Lindenbrück",
             "Nirgendweg 7"]
    text = "Nr;Titel;Träger;Zielgruppe;Kategorie;Adresse\n" + "".join(
        f"N{k};Angebot {k};AWO;U3;Beratung;{address}\n" for k, address in enumerate(given))
    table = table_from(tmp_path, text)
    plan = replace(PLAN, x=None, y=None, address="Adresse")
    _, problems = prepare_import(demo_ws, table, plan, "angebote.csv")
    assert [(p.row, p.field, p.code) for p in problems] == [(4, "Adresse", "address_unmatched")]
    assert "Nirgendweg 7" in problems[0].message("de") and "angebote.csv" in problems[0].message("de")
    before = hashlib.sha256(workspace_copy.read_bytes()).hexdigest()
    with pytest.raises(ValueError):
        commit_import(workspace_copy, table, plan, "angebote.csv", user="anna")
    assert hashlib.sha256(workspace_copy.read_bytes()).hexdigest() == before
    table = table.iloc[:2]
    new, problems = prepare_import(demo_ws, table, plan, "angebote.csv")
    assert problems == []
    assert new.geometry.distance(a.geometry.reset_index(drop=True)).max() < 0.01
    assert list(new["address"]) == given[:2]


def test_import_with_addresses_needs_an_address_directory(tmp_path, demo_ws):
    from dataclasses import replace

    ws = replace(demo_ws, addresses=demo_ws.addresses.iloc[:0])
    table = table_from(tmp_path, "Nr;Titel;Träger;Zielgruppe;Kategorie;Adresse\nN1;X;AWO;U3;Beratung;Weg 1\n")
    _, problems = prepare_import(ws, table, replace(PLAN, x=None, y=None, address="Adresse"), "angebote.csv")
    assert [p.code for p in problems] == ["no_address_directory"]
