"""Zensus 2022 grid files as published (dashboard/sources/zensus.py), written by the test:
cell ids only (no centre columns), "–" for withheld figures, a zip with several resolutions,
two topic files joined on the cell."""

from __future__ import annotations

import zipfile

import numpy as np
import shapely

from dashboard.model.problems import Problems
from dashboard.sources.zensus import age_range, read_zensus

CELLS = [(2689100, 4337000), (2689100, 4337100), (2689200, 4337000)]  # (north, east) lower left corners


def ten_year_csv() -> str:
    head = "GITTER_ID_100m;Insgesamt_Bevoelkerung;Unter10;a10bis19;a20bis29;a30bis39;a40bis49;a50bis59;a60bis69;" \
           "a70bis79;a80undaelter;werterlaeuternde_Zeichen\n"
    rows = ["12;3;–;1;2;1;2;1;1;–;", "30;4;3;5;6;4;3;2;2;1;KLAMMERN", "7;–;–;–;3;–;–;–;–;–;"]
    return head + "".join(f"CRS3035RES100mN{n}E{e};{r}\n" for (n, e), r in zip(CELLS, rows))


def test_age_columns_are_read_from_their_names():
    assert age_range("Unter18") == (0.0, 18.0) and age_range("a18bis29") == (18.0, 30.0)
    assert age_range("a65undaelter") == (65.0, None) and age_range("Unter3") == (0.0, 3.0)
    assert age_range("a3bis5") == (3.0, 6.0) and age_range("Insgesamt_Bevoelkerung") is None
    assert age_range("werterlaeuternde_Zeichen") is None


def test_a_zensus_zip_and_a_second_topic(tmp_path):
    archive = tmp_path / "Zensus2022_Alter_in_10er-Jahresgruppen.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Zensus2022_Alter_in_10er-Jahresgruppen_100m-Gitter.csv", ten_year_csv().encode("utf-8"))
        z.writestr("Zensus2022_Alter_in_10er-Jahresgruppen_1km-Gitter.csv",
                   "GITTER_ID_1km;Unter10\nCRS3035RES1000mN2689000E4337000;99\n")
    classes = tmp_path / "Zensus2022_Alter_in_5_Altersklassen_100m-Gitter.csv"
    classes.write_text("GITTER_ID_100m;x_mp_100m;y_mp_100m;Insgesamt_Bevoelkerung;Unter18;a18bis29;a30bis49;"
                       "a50bis64;a65undaelter\n" + "".join(
                           f"CRS3035RES100mN{n}E{e};{e + 50};{n + 50};12;4;3;2;2;1\n" for n, e in CELLS[:2]),
                       encoding="utf-8")
    problems = Problems()
    grid = read_zensus([archive, classes], problems=problems)
    assert not problems.items
    cells = grid.cells.set_index("cell_id")
    assert list(grid.age_bands["column"]) == ["age_0_10", "age_10_20", "age_20_30", "age_30_40", "age_40_50",
                                               "age_50_60", "age_60_70", "age_70_80", "age_80_plus"]
    assert grid.age_bands["age_to"].iloc[1] == 20 and np.isnan(grid.age_bands["age_to"].iloc[-1])
    first = cells.loc["100mN2689100E4337000"]
    assert first["age_0_10"] == 3 and np.isnan(first["age_10_20"]) and first["persons_total"] == 12
    assert np.isnan(cells.loc["100mN2689200E4337000", "age_0_10"])  # withheld "–"
    centre = shapely.centroid(grid.cells.geometry.iloc[0])
    assert (centre.x, centre.y) == (4337050.0, 2689150.0) and grid.cells.crs == "EPSG:3035"
    assert np.isclose(grid.cells.area, 10_000).all()
    notes = dict(grid.notes)
    assert notes["zensus_cells"] == {"cells": 3, "bands": 9, "uncertain": 1}
    assert "Unter18" in notes["zensus_left_aside"]["columns"]  # the coarser table is left aside
    # only the cells within the area
    area = shapely.box(4337000, 2689100, 4337099, 2689199)
    assert len(read_zensus([archive], area=area).cells) == 1


def test_a_file_without_the_resolution_or_cell_is_a_problem(tmp_path):
    archive = tmp_path / "Zensus2022_Bevoelkerungszahl.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Zensus2022_Bevoelkerungszahl_1km-Gitter.csv", "GITTER_ID_1km;Einwohner\nX;1\n")
    problems = Problems()
    read_zensus([archive], problems=problems)
    assert [p.code for p in problems.items] == ["zensus_no_csv"]
    plain = tmp_path / "zahlen.csv"
    plain.write_text("Kennung;Einwohner\nA;1\n", encoding="utf-8")
    problems = Problems()
    read_zensus([plain], problems=problems)
    assert [p.code for p in problems.items] == ["zensus_no_cell"]
