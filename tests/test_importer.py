"""The import of offers from a planner's file: mapping, checks with rows, all-or-nothing commit."""

from __future__ import annotations

import hashlib
import io

import pandas as pd
import pytest

from dashboard.model.workspace import WorkspaceError, read_workspace
from dashboard.present.problems import message, report
from dashboard.sources.importer import ImportPlan, UploadRejected, commit_import, prepare_import, read_upload


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
    return read_upload("angebote.csv", text.encode("cp1252"))  # as the wizard reads an upload


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
    assert "angebote.csv, Zeile 3" in report(info.value.problems, "de")
    assert hashlib.sha256(workspace_copy.read_bytes()).hexdigest() == before
    assert len(read_workspace(workspace_copy).offers) == len(demo_ws.offers)


def rejected(name: str, data: bytes) -> str:
    with pytest.raises(UploadRejected) as info:
        read_upload(name, data)
    return info.value.problem


def test_upload_size_rows_and_columns_are_checked_before_parsing(monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed although over the limit")

    monkeypatch.setattr(pd, "read_csv", no_parsing)
    problem = rejected("gross.csv", b"a;b\n" + b"1;2\n" * 7_500_000)  # 30 MB
    assert problem.code == "upload_too_large"
    assert message(problem, "de") == "gross.csv: Datei zu groß (30.0 MB; höchstens 20 MB)."
    assert rejected("zeilen.csv", b"a;b\n" + b"1;2\n" * 20_001).code == "upload_too_many_rows"
    wide = ";".join(f"c{k}" for k in range(10_000)).encode() + b"\n" + b";" * 9_999 + b"\n"
    problem = rejected("breit.csv", wide)
    assert problem.code == "upload_too_many_columns" and "10000" in message(problem, "de")


def test_xlsx_that_unpacks_to_a_huge_sheet_is_not_read(monkeypatch):
    import io
    import zipfile

    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("opened a zip bomb"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<row/>" * 5_000_000)  # 30 MB of XML, a few KB packed
    data = buffer.getvalue()
    assert len(data) < 200_000
    problem = rejected("bombe.xlsx", data)
    assert problem.code == "upload_expands" and "entpackt 30 MB" in message(problem, "de")


def test_xlsx_checks_and_reading():
    import io
    import zipfile

    import openpyxl

    def workbook(rows) -> bytes:
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    table = read_upload("angebote.xlsx", workbook([["Titel", "Plätze", None], ["Elterncafé", 12, None],
                                                   ["Spielkreis", 7.5, None]]))
    assert list(table.columns) == ["Titel", "Plätze"] and table.to_dict("list") == {
        "Titel": ["Elterncafé", "Spielkreis"], "Plätze": [12, 7.5]}  # numbers typed into cells stay numbers
    problem = rejected("formeln.xlsx", workbook([["Titel", "Summe"], ["=A1&\"x\"", "=1+1"]]))
    assert problem.code == "upload_formulas" and "Zelle A2" in message(problem, "de") and problem.params["n"] == 2
    assert rejected("leer.xlsx", workbook([["Titel"]])).code == "upload_empty"
    assert rejected("breit.xlsx", workbook([[f"c{k}" for k in range(300)], list(range(300))])).code == \
        "upload_too_many_columns"
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("bericht.txt", "kein Excel")
    problem = rejected("angebote.xlsx", other.getvalue())
    assert problem.code == "upload_not_xlsx" and "keine Excel-Arbeitsmappe" in message(problem, "de")
    assert rejected("angebote.xlsx", b"PK\x03\x04 kaputt").code == "upload_not_xlsx"
    assert rejected("alt.xls", b"\xd0\xcf\x11\xe0").code == "upload_old_excel"


def test_csv_encodings():
    text = "Titel;Träger\nElterncafé Süd;AWO\n"
    for encoding in ("utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le"):
        table = read_upload("angebote.csv", text.encode(encoding))
        assert table.to_dict("list") == {"Titel": ["Elterncafé Süd"], "Träger": ["AWO"]}, encoding
    assert rejected("leer.csv", b"Titel;Traeger\n").code == "upload_empty"


def test_the_wizard_names_a_rejected_file(monkeypatch):
    from apptest_util import run_app, shown

    at = run_app("pages/import.py", session={"role": "planner", "user": "anna"})
    at.get("file_uploader")[0].set_value(("angebote.xlsx", b"PK\x03\x04 kaputt", "application/zip")).run()
    assert shown(at.error[0].value).startswith("angebote.xlsx: Die Datei ist keine Excel-Arbeitsmappe")


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
    assert "Nirgendweg 7" in message(problems[0], "de") and "angebote.csv" in message(problems[0], "de")
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


def test_unknown_crs_is_a_problem_not_a_crash(tmp_path, demo_ws):
    from dataclasses import replace

    text, _ = upload(demo_ws, [("N1", "Elterncafé", "AWO", "U3", 0)])
    new, problems = prepare_import(demo_ws, table_from(tmp_path, text), replace(PLAN, crs="EPSG:999999"),
                                   "angebote.csv")
    assert new is None and [(p.field, p.code) for p in problems] == [("crs", "unknown_crs")]
    assert "EPSG:999999" in message(problems[0], "de") and "Unknown coordinate system" in message(problems[0], "en")


def test_headings_planners_use_are_recognised():
    from dashboard.sources.tables import guess_columns, guess_position

    headings = ["Nr.", "Angebot", "Träger", "Zielgruppe", "Straße und Hausnummer", "E-Mail", "Kontakt", "Plätze"]
    guess = guess_columns(headings, "offers")
    assert guess == {"offer_id": "Nr.", "name": "Angebot", "provider": "Träger", "life_phases": "Zielgruppe",
                     "address": "Straße und Hausnummer", "contact_email": "E-Mail", "contact_public": "Kontakt",
                     "capacity": "Plätze"}
    # a field's own name wins over a synonym, and one column serves one field only
    assert guess_columns(["name", "Angebot", "provider"], "offers") == {"name": "name", "provider": "provider"}
    assert guess_columns(["Träger", "Bereich"], "partners") == {"organisation": "Träger", "sector": "Bereich"}
    position = guess_position(["Titel", "Rechtswert", "Hochwert"])
    assert (position["address"], position["x"], position["y"]) == (None, "Rechtswert", "Hochwert")
    position = guess_position(["Anschrift", "lat", "LON"])
    assert (position["address"], position["x"], position["y"]) == ("Anschrift", "LON", "lat")
    # an address in four columns; coordinates only from columns of numbers
    position = guess_position(["Angebot", "Straße", "Hausnr.", "PLZ", "Ort", "X"], numeric=["PLZ"])
    assert [position[k] for k in ("street", "number", "postcode", "place", "x")] == [
        "Straße", "Hausnr.", "PLZ", "Ort", None]


def test_recipe_and_wizard_read_the_same_encodings(tmp_path):
    from dashboard.sources.tables import read_table

    text = "Titel;Träger\nElterncafé Süd;AWO\n"
    for encoding in ("utf-8", "utf-8-sig", "cp1252", "utf-16"):
        path = tmp_path / f"angebote_{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        assert read_table(path).to_dict("list") == read_upload(path.name, path.read_bytes()).to_dict("list") == \
            {"Titel": ["Elterncafé Süd"], "Träger": ["AWO"]}, encoding


def test_the_wizard_guesses_the_columns_of_a_planners_file():
    from apptest_util import run_app

    text = "Nr;Angebot;Träger;Zielgruppe;Kategorie;Rechtswert;Hochwert\nN1;Elterncafé;AWO;U3;Beratung;1;2\n"
    at = run_app("pages/import.py", session={"role": "planner", "user": "anna"})
    at.get("file_uploader")[0].set_value(("angebote.csv", text.encode("cp1252"), "text/csv")).run()
    chosen = {box.key.removeprefix("imp_col_offers_"): box.value for box in at.selectbox
              if box.key and box.key.startswith("imp_col_offers_") and box.value != "—"}
    assert chosen == {"offer_id": "Nr", "name": "Angebot", "provider": "Träger", "life_phases": "Zielgruppe",
                      "category": "Kategorie"}
    assert at.selectbox(key="imp_x").value == "Rechtswert" and at.selectbox(key="imp_y").value == "Hochwert"
    at.text_input(key="imp_crs").set_value("EPSG:999999").run()
    at.button(key="imp_check").click().run()
    assert not at.exception and "EPSG:999999" in at.code[0].value


def coordinator_workbook(demo_ws) -> bytes:
    """A Kita coordinator's list as it comes: a title row above the header, addresses in four
    columns, free-text target groups, an empty row, a total row; one address the directory
    lacks; no id column."""
    import io

    import openpyxl

    a = demo_ws.addresses.iloc[[5, 60, 400, 900]]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Angebote der Kita-Koordination, Stand Oktober 2024"])
    sheet.append(["Angebot", "Träger", "Straße", "Hausnr.", "PLZ", "Ort", "Zielgruppe"])
    groups = ["Eltern mit Babys", "Kinder 3-6", "U3", "Schwangere"]
    for k, (_, row) in enumerate(a.iterrows()):
        sheet.append([f"Treff {k + 1}", "AWO", row["street"], row["number"], row["postcode"], row["place"], groups[k]])
    sheet.append([])
    sheet.append(["Familiencafé", "DRK", "Gibtsnichtweg", "7", None, None, "Kinder 3-6"])
    sheet.append(["Summe", None, None, None, None, None, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_wizard_on_a_coordinators_spreadsheet(workspace_copy, demo_ws, monkeypatch):
    """Header found under the title, the address taken from four columns, target groups
    proposed from the ages they name, no id column needed; the rows found are taken over and
    the one not found is listed for download."""
    from apptest_util import run_app, shown

    monkeypatch.setenv("PRAEVENTIONSATLAS_WORKSPACE", str(workspace_copy))
    at = run_app("pages/import.py", session={"role": "planner", "user": "anna"})
    at.get("file_uploader")[0].set_value(("kitas.xlsx", coordinator_workbook(demo_ws), "application/octet-stream")).run()
    assert not at.exception
    assert at.markdown[0].value.startswith("5 Zeilen in kitas")
    assert any(c.value == "Kopfzeile in Zeile 2; nicht als Daten gelesen: Zeile 7 (leer), Zeile 9 (Summe)."
               for c in at.caption), [c.value for c in at.caption]
    boxes = {b.key: b for b in at.selectbox}
    assert boxes["imp_col_offers_offer_id"].label == "Angebots-Nr." and boxes["imp_col_offers_offer_id"].value == "—"
    assert boxes["imp_col_offers_name"].value == "Angebot" and boxes["imp_col_offers_cost_free"].label == "kostenfrei"
    # nothing preset: no category, sector or audience, costs and access unknown unless set on purpose
    assert boxes["imp_const_category"].value is None
    assert boxes["imp_const_cost_free"].value is None and boxes["imp_const_barrier_free"].value is None
    assert at.multiselect(key="imp_const_sectors").value == [] and at.multiselect(key="imp_const_audience").value == []
    at.selectbox(key="imp_const_category").set_value("Treffpunkt")
    at.multiselect(key="imp_const_sectors").set_value(["Kinder- und Jugendhilfe"])
    at.multiselect(key="imp_const_audience").set_value(["Familien"])
    at.selectbox(key="imp_const_cost_free").set_value("ja").run()
    assert any(c.value == "alle 5 Zeilen: kostenfrei = ja – von Ihnen gesetzt" for c in at.caption), \
        [c.value for c in at.caption]
    boxes = {b.key: b for b in at.selectbox}
    assert at.radio(key="imp_position").value == "parts"
    assert [boxes[f"imp_part_{k}"].value for k in ("street", "number", "postcode", "place")] == [
        "Straße", "Hausnr.", "PLZ", "Ort"]
    words = {shown(m.label): m.value for m in at.multiselect if m.key.startswith("imp_map_")}
    assert words == {"„Eltern mit Babys“": ["early_childhood"], "„Kinder 3-6“": ["kita"], "„U3“": ["early_childhood"],
                     "„Schwangere“": ["pregnancy"]}
    at.button(key="imp_check").click().run()
    assert any("1 Zeilen: Adresse nicht gefunden" in w.value for w in at.warning)
    assert "Gibtsnichtweg 7" in at.code[0].value and "Straße unbekannt" in at.code[0].value
    assert at.button(key="imp_commit").label == "Die 4 gefundenen Zeilen übernehmen"
    assert at.get("download_button")[0].proto.label == "Liste der 1 nicht gefundenen (CSV)"
    before = len(demo_ws.offers)
    at.button(key="imp_commit").click().run()
    assert any(s.value == "4 Einträge übernommen." for s in at.success), [s.value for s in at.success]
    from dashboard.model.workspace import read_workspace

    offers = read_workspace(workspace_copy).offers
    assert len(offers) == before + 4 and offers["offer_id"].iloc[-4:].str.startswith("A-").all()
    assert offers.set_index("name").loc["Treff 2", "life_phases"] == ("kita",)
    new = offers.iloc[-4:]
    assert new["cost_free"].tolist() == [True] * 4  # set by the planner
    assert new["barrier_free"].isna().all()  # the file does not say: unknown, not barrier-free


def test_coordinates_are_offered_only_from_columns_of_numbers():
    from apptest_util import run_app

    text = "Angebot;Träger;Zielgruppe\nElterncafé;AWO;U3\n"
    at = run_app("pages/import.py", session={"role": "planner", "user": "anna"})
    at.get("file_uploader")[0].set_value(("angebote.csv", text.encode("utf-8"), "text/csv")).run()
    at.radio(key="imp_position").set_value("xy").run()
    assert not at.exception and any("Keine Spalte mit Zahlen für Koordinaten" in w.value for w in at.warning)
    assert not [b for b in at.selectbox if b.key in ("imp_x", "imp_y")]


def test_workspace_problems_of_imported_rows_name_the_spreadsheet_row(demo_ws):
    """A title line and a blank line above the heading: a duplicate id in the second data row is
    reported at its row in the spreadsheet (5), not at its position in the import."""
    text, _ = upload(demo_ws, [("N1", "Elterncafé", "AWO", "U3", 0), ("A0001", "Doppelt", "DRK", "Kita", 0)])
    table = read_upload("angebote.csv", ("Angebotsliste Stand November\n\n" + text).encode("cp1252"))
    assert table.attrs["header_row"] == 3
    _, problems = prepare_import(demo_ws, table, PLAN, "angebote.csv")
    assert [(p.row, p.code) for p in problems] == [(5, "duplicate_id")]


# ---------------------------------------------------------------------------------------
# Imports invent nothing: yes / no / unknown from the file's own words
# ---------------------------------------------------------------------------------------
def cost_list(demo_ws):
    """A coordinator's list of 15 offers: 7 with a fee, 6 free, 1 "teilweise", 1 empty; a
    column on access with "x", "Stufen" and nothing."""
    centre = demo_ws.districts.geometry.iloc[0].representative_point()
    costs = ["Gebühr"] * 7 + ["kostenlos"] * 4 + ["frei", "0 €", "teilweise", ""]
    access = ["x"] * 5 + ["Stufen"] * 5 + [""] * 5
    lines = ["Titel;Träger;Zielgruppe;Kategorie;Kosten;Barrierefrei;Rechtswert;Hochwert"] + [
        f"Kurs {k};AWO;U3;Kurs;{c};{a};{round(centre.x) + 10 * k};{round(centre.y)}"
        for k, (c, a) in enumerate(zip(costs, access))]
    return read_upload("kurse.csv", ("\n".join(lines) + "\n").encode("utf-8"))


COST_PLAN = ImportPlan(
    layer="offers", columns={"name": "Titel", "provider": "Träger", "category": "Kategorie", "life_phases": "Zielgruppe",
                             "cost_free": "Kosten", "barrier_free": "Barrierefrei"},
    x="Rechtswert", y="Hochwert", crs="EPSG:25832",
    constants={"sectors": "Soziales", "audience": "Familien", "last_updated": "2026-11-01"},
    value_maps={"life_phases": {"U3": ["early_childhood"]}},
)


def test_the_files_own_words_give_yes_no_or_unknown(demo_ws):
    new, problems = prepare_import(demo_ws, cost_list(demo_ws), COST_PLAN, "kurse.csv")
    assert problems == []
    from dashboard.model.validate import validate_tables  # the values as the workspace reads them

    typed, _ = validate_tables({"offers": new.assign(offer_id=[f"K{k}" for k in range(len(new))])}, "kurse.csv")
    cost = typed["offers"]["cost_free"].tolist()
    assert cost == [False] * 7 + [True] * 6 + [None, None]  # "Gebühr" is no; "teilweise" and empty unknown
    assert typed["offers"]["barrier_free"].tolist() == [True] * 5 + [False] * 5 + [None] * 5


def test_without_a_column_nothing_is_invented(demo_ws, workspace_copy):
    plan = ImportPlan(**{**COST_PLAN.__dict__, "columns": {k: v for k, v in COST_PLAN.columns.items()
                                                           if k not in ("cost_free", "barrier_free")}})
    table = cost_list(demo_ws)
    ws = commit_import(workspace_copy, table, plan, "kurse.csv", user="anna")
    new = ws.offers.iloc[-15:]
    assert new["cost_free"].isna().all() and new["barrier_free"].isna().all()  # unknown, not yes
    # existing workspaces keep their values
    assert ws.offers.iloc[:-15]["cost_free"].tolist() == demo_ws.offers["cost_free"].tolist()
    # a yes set for all rows on purpose is taken as set
    chosen = ImportPlan(**{**plan.__dict__, "constants": {**plan.constants, "barrier_free": "ja"}})
    new, problems = prepare_import(demo_ws, table, chosen, "kurse.csv")
    assert problems == [] and set(new["barrier_free"]) == {"ja"}


def test_an_unknown_word_names_the_file_row_and_field(demo_ws):
    table = cost_list(demo_ws)
    table.loc[3, "Kosten"] = "auf Anfrage"  # spreadsheet row 5: no proposal
    _, problems = prepare_import(demo_ws, table, COST_PLAN, "kurse.csv")
    assert [(p.file, p.row, p.field, p.code) for p in problems] == [("kurse.csv", 5, "cost_free", "not_a_bool")]
    assert "kurse.csv, Zeile 5" in report(problems, "de") and "auf Anfrage" in report(problems, "de")


def test_the_wizard_proposes_yes_no_for_the_files_words(demo_ws):
    from apptest_util import run_app, shown

    table = cost_list(demo_ws)
    text = table.to_csv(sep=";", index=False)
    at = run_app("pages/import.py", session={"role": "planner", "user": "anna"})
    at.get("file_uploader")[0].set_value(("kurse.csv", text.encode("utf-8"), "text/csv")).run()
    assert not at.exception
    boxes = {b.key: b for b in at.selectbox}
    assert boxes["imp_col_offers_cost_free"].value == "Kosten"  # "Kosten" is the column of costs
    words = {shown(b.label): b.value for b in at.selectbox if b.key and b.key.startswith("imp_yn_cost_free_")}
    assert words == {"„Gebühr“": "nein", "„kostenlos“": "ja", "„frei“": "ja", "„0 €“": "ja",
                     "„teilweise“": "unbekannt", "(leere Zelle)": "unbekannt"}
    # a proposal the planner changes is taken as chosen
    at.selectbox(key="imp_yn_cost_free_teilweise").set_value("nein").run()
    assert at.selectbox(key="imp_yn_cost_free_teilweise").value == "nein"
