"""Spreadsheets as planners receive them: title rows, notes, empty rows, two-row headers
from merged cells, totals and footnotes below, footnote marks on numbers, German and
English number formats (dashboard/sources/tables.py)."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from dashboard.sources.tables import read_table, row_numbers, sniff_separator, to_number


def register_workbook(path):
    """An age table as an Einwohnermeldeamt sends it (XLSX)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tabelle 3"
    sheet.append(["Einwohnerinnen und Einwohner nach Altersgruppen und Sozialräumen"])
    sheet.append(["Stand: 31.12.2024"])
    sheet.append([])
    sheet.append(["Sozialraum", "Nr.", "Altersgruppen", None, None])
    sheet.append([None, None, "0 bis unter 3", "3 bis unter 6", "6 bis unter 10"])
    sheet.merge_cells("A4:A5")
    sheet.merge_cells("B4:B5")
    sheet.merge_cells("C4:E4")
    sheet.append(["Altstadt", "SR01", 120, 131, "1.204¹"])
    sheet.append([])
    sheet.append(["Westfeld", "SR02", 87, "x", 190])
    sheet.append(["Stadt insgesamt", None, 207, 131, 1394])
    sheet.append(["¹ vorläufiger Wert"])
    sheet.append(["Quelle: Einwohnermeldeamt"])
    book.create_sheet("Hinweise").append(["nur Text"])
    book.save(path)


def test_a_register_workbook_is_read_as_a_table(tmp_path):
    path = tmp_path / "einwohner.xlsx"
    register_workbook(path)
    table = read_table(path)
    assert list(table.columns) == ["Sozialraum", "Nr.", "Altersgruppen 0 bis unter 3", "Altersgruppen 3 bis unter 6",
                                   "Altersgruppen 6 bis unter 10"]
    assert table["Sozialraum"].tolist() == ["Altstadt", "Westfeld"]  # no total, no notes, no empty row
    assert row_numbers(table).tolist() == [6, 8]  # as the spreadsheet numbers them
    assert table.attrs["skipped"] == [(7, "empty"), (9, "total"), (10, "footnote"), (11, "footnote")]
    values, bad = to_number(table["Altersgruppen 6 bis unter 10"], decimal=",")
    assert values.tolist() == [1204.0, 190.0] and not bad.any()
    withheld, bad = to_number(table["Altersgruppen 3 bis unter 6"], decimal=",")
    assert withheld.iloc[0] == 131 and np.isnan(withheld.iloc[1]) and not bad.any()
    # the header row and sheet can be given: then the title row is the header
    other = read_table(path, sheet="Hinweise")
    assert list(other.columns) == ["nur Text"] and other.empty
    given = read_table(path, header_row=5)
    assert list(given.columns)[:3] == ["0 bis unter 3", "3 bis unter 6", "6 bis unter 10"]
    with pytest.raises(ValueError):
        read_table(path, sheet="Fehlt")


def test_a_csv_with_a_title_line_and_notes(tmp_path):
    path = tmp_path / "kitas.csv"
    path.write_text("Kitas der Stadt, Stand 2024\n\nName;Träger;Plätze;Anteil U3 (%)\nKita Sonne;AWO;1.250;12,5\n"
                    "Kita Mond;DRK;  40 ;7\nSumme;;1.290;\n* Plätze laut Betriebserlaubnis\n", encoding="cp1252")
    table = read_table(path)
    assert list(table.columns) == ["Name", "Träger", "Plätze", "Anteil U3 (%)"]
    assert table["Name"].tolist() == ["Kita Sonne", "Kita Mond"] and row_numbers(table).tolist() == [4, 5]
    assert to_number(table["Plätze"], decimal="auto")[0].tolist() == [1250.0, 40.0]
    assert to_number(table["Anteil U3 (%)"], decimal="auto")[0].tolist() == [12.5, 7.0]
    assert sniff_separator(path.read_text(encoding="cp1252")) == ";"


def test_a_plain_table_keeps_its_first_row_as_header(tmp_path):
    """An offers list whose header is row 1 and whose data are words (no numbers): nothing is
    taken for a second header row, and an offer called "Summe der Talente" is data."""
    path = tmp_path / "angebote.csv"
    path.write_text("Nr;Titel;Träger\nA1;Summe der Talente;AWO\nA2;Elterncafé;\n", encoding="utf-8")
    table = read_table(path)
    assert list(table.columns) == ["Nr", "Titel", "Träger"] and len(table) == 2
    assert row_numbers(table).tolist() == [2, 3]


@pytest.mark.parametrize("texts, expected", [
    (["1.234", "12"], [1234, 12]),  # German thousands
    (["1,234", "12"], [1234, 12]),  # English thousands
    (["1.234,5", "2,25"], [1234.5, 2.25]),  # German decimal comma
    (["1,234.5", "2.25"], [1234.5, 2.25]),  # English decimal point
    (["12,5", "7"], [12.5, 7]),
    (["3.5", "7"], [3.5, 7]),
    (["1 234", "12¹", "5*"], [1234, 12, 5]),  # spaces as thousands, footnote marks
])
def test_number_formats_are_recognised_per_column(texts, expected):
    values, bad = to_number(pd.Series(texts), decimal="auto")
    assert values.tolist() == expected and not bad.any()


def test_numbers_from_a_workbook_stay_numbers():
    values, bad = to_number(pd.Series([1234.5, 7, "1.234", None], dtype=object), decimal=",")
    assert values.iloc[:3].tolist() == [1234.5, 7.0, 1234.0] and np.isnan(values.iloc[3]) and not bad.any()
