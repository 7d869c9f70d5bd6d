"""Small holes found by the second attack pass and planner walkthrough (issue 25, item 5):
each test was red before its fix."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT, SHARED

from dashboard.model.workspace import WorkspaceError
from dashboard.present.problems import message, report
from dashboard.sources.importer import UploadRejected, read_upload
from dashboard.sources.tables import read_delimited


def rejected(name: str, data: bytes):
    with pytest.raises(UploadRejected) as info:
        read_upload(name, data)
    return info.value.problem


def test_a_csv_cell_longer_than_the_reader_takes_is_a_message_with_its_row():
    problem = rejected("lang.csv", ("Titel;Träger\nA;AWO\n" + "x" * 140_000 + ";DRK\n").encode())
    assert problem.code == "upload_cell_too_long" and problem.row == 3
    assert message(problem, "de").startswith("lang.csv, Zeile 3: Eine Zelle ist länger als 131072 Zeichen")
    with pytest.raises(ValueError, match="row 3"):  # the recipe's reader: a ValueError it reports, no csv.Error
        read_delimited("Titel;Träger\nA;AWO\n" + "x" * 140_000 + ";DRK\n", ";")


def test_form_feeds_are_no_line_breaks():
    table = read_upload("ff.csv", ("Titel;Träger\nA" + "\f" * 25_000 + "B;AWO\nC;DRK\n").encode())
    assert len(table) == 2 and table["Träger"].tolist() == ["AWO", "DRK"]


def test_a_very_wide_row_far_down_is_named_not_dropped():
    text = "a;b\n" + "1;2\n" * 100 + ";".join(["x"] * 10_000) + "\n3;4\n"
    problem = rejected("breit.csv", text.encode())
    assert (problem.code, problem.row, problem.params["n"]) == ("upload_too_many_columns", 102, 10_000)
    assert "breit.csv, row 102" in message(problem, "en")


def test_nb_in_a_name_is_not_the_page_count(demo_ws, tmp_path):
    from dashboard.present.report import report_pdf

    ws = demo_ws.current()
    districts = ws.districts.copy()
    districts.loc[0, "name"] = "Altstadt {nb} Nord"
    pdf = report_pdf(type(ws)(**{**ws.__dict__, "districts": districts}), [districts["district_id"].iat[0]])
    (tmp_path / "p.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "p.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\u2060", "")
    assert "Altstadt {nb} Nord" in text
    pages = [line for line in text.splitlines() if line.startswith("Seite ")]
    assert pages and all(line.endswith(f"von {len(pages)}") for line in pages)  # the footer still counts


def test_cli_lotse_prints_no_nan_address(demo_ws):
    a = demo_ws.addresses.iloc[100]
    out = subprocess.run([sys.executable, "-m", "dashboard", "lotse", str(ROOT / "geodata" / "demo_city.gpkg"),
                          "--address", f"{a['street']} {a['number']}", "--children", "1;4"],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert " nan " not in out and "– nan –" not in out
    assert "comes to the family" in out


@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/data beside the checkout")
def test_build_messages_name_the_source_files_row(tmp_path):
    from dashboard.sources.recipe import build_workspace

    schools = pd.read_csv(SHARED / "arnsberg" / "schools_nrw_2021.csv", sep=";", dtype=str)
    schools = schools[schools["Ort"].str.contains("Arnsberg", na=False)].head(30).copy()
    schools.iloc[5, schools.columns.get_loc("Schulnummer")] = schools.iloc[4]["Schulnummer"]
    schools.to_csv(tmp_path / "schulen.csv", sep=";", index=False)
    text = (ROOT / "tests" / "recipes" / "arnsberg_1km.toml").read_text(encoding="utf-8").replace(
        "../../../shared/data/arnsberg/schools_nrw_2021.csv", str(tmp_path / "schulen.csv")).replace(
        "../../../shared", str(SHARED.parent))
    (tmp_path / "rezept.toml").write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        build_workspace(tmp_path / "rezept.toml")
    text = report(info.value.problems, "en")
    assert "schulen.csv, row 7" in text and "also in row 6" in text and ".gpkg" not in text


def test_duplicate_pairs_of_one_name_are_told_apart_by_address(demo_ws):
    from dashboard.analysis import coverage as C
    from dashboard.present.sentences import duplicate_sentences

    ws = demo_ws.current()
    pairs = C.duplicates(ws)
    same = pairs[(pairs["name_a"] == pairs["name_b"]) & (pairs["provider_a"] == pairs["provider_b"])]
    assert len(same)  # the demo has such pairs
    for line, (_, d) in zip(duplicate_sentences(same, "de"), same.iterrows()):
        left, right = line.split(" ↔ ")
        assert left != right.split(":")[0] and d["address_a"] in left and d["address_b"] in right


def test_english_pdfs_translate_the_categories(demo_ws, tmp_path):
    from dashboard.present.report import report_pdf

    ws = demo_ws.current()
    (tmp_path / "en.pdf").write_bytes(report_pdf(ws, ["SR01"], lang="en"))
    text = subprocess.run(["pdftotext", str(tmp_path / "en.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Lotsendienst" not in text and "Beratung" not in text.replace("Beratungs", "")
    assert "Counselling" in text or "counselling" in text
