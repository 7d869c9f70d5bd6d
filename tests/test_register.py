"""A workspace from the Zensus grid plus the residents' register in one recipe: the real
Arnsberg 100 m grid (under 10, 80+), four districts, and a register table as an office
sends it (XLSX with a title row, a total row and a footnote)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from conftest import ROOT, SHARED

from dashboard.analysis import coverage as C
from dashboard.model.workspace import WorkspaceError
from dashboard.present.problems import report
from dashboard.sources.recipe import build_workspace

RECIPES = ROOT / "tests" / "recipes"
pytestmark = pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/data beside the checkout")
BANDS = [("age_0_3", 0, 3, "0 bis unter 3"), ("age_3_6", 3, 6, "3 bis unter 6"), ("age_6_10", 6, 10, "6 bis unter 10"),
         ("age_10_80", 10, 80, "10 bis unter 80"), ("age_80", 80, None, "80 und älter")]


def arnsberg_in_quadrants(tmp_path):
    """Arnsberg's outline cut into four districts (bezirke.gpkg) and a recipe with the 100 m
    grid; returns the recipe text (without [register]) and the districts."""
    outline = gpd.read_file(SHARED / "arnsberg" / "municipality_boundary.geojson").to_crs("EPSG:25832")
    area = shapely.union_all(outline.geometry.to_numpy())
    (minx, miny, maxx, maxy), (cx, cy) = area.bounds, (area.centroid.x, area.centroid.y)
    quads = [shapely.intersection(area, shapely.box(*b)) for b in
             ((minx, miny, cx, cy), (cx, miny, maxx, cy), (minx, cy, cx, maxy), (cx, cy, maxx, maxy))]
    districts = gpd.GeoDataFrame({"SR": ["SR1", "SR2", "SR3", "SR4"], "NAME": ["Süd-West", "Süd-Ost", "Nord-West",
                                                                              "Nord-Ost"]},
                                 geometry=quads, crs="EPSG:25832")
    districts.to_file(tmp_path / "bezirke.gpkg", layer="bezirke")
    text = (RECIPES / "arnsberg_100m.toml").read_text(encoding="utf-8")
    text = text.replace('"../../../shared/', f'"{SHARED.parent}/')
    text = text.replace(f'file = "{SHARED.parent}/data/arnsberg/municipality_boundary.geojson"\nid = "KN"\nname = "GN"',
                        'file = "bezirke.gpkg"\nid = "SR"\nname = "NAME"')
    assert 'file = "bezirke.gpkg"' in text
    return text, districts


def register_xlsx(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Einwohnerinnen und Einwohner mit Hauptwohnsitz nach Altersgruppen, 31.12.2024"])
    sheet.append([])
    sheet.append(["Sozialraum", "Nr.", *[label for *_, label in BANDS]])
    for row in rows:
        sheet.append(row)
    sheet.append(["Stadt insgesamt", None, *[sum(r[2 + k] if isinstance(r[2 + k], (int, float)) else 0 for r in rows)
                                            for k in range(len(BANDS))]])
    sheet.append(["Quelle: Einwohnermeldeamt, eigene Berechnung"])
    book.save(path)


REGISTER = "\n[register]\nfile = \"einwohner.xlsx\"\nlevel = \"districts\"\nid = \"Nr.\"\n" + "".join(
    f"\n[[register.bands]]\nname = \"{name}\"\nfrom = {lo}\n" + (f"to = {hi}\n" if hi is not None else "") +
    f"column = \"{label}\"\n" for name, lo, hi, label in BANDS)


def test_grid_and_register_in_one_recipe(tmp_path):
    text, districts = arnsberg_in_quadrants(tmp_path)
    rng = np.random.default_rng(3)
    counts = [[int(v) for v in rng.integers(50, 900, len(BANDS))] for _ in range(4)]
    register_xlsx(tmp_path / "einwohner.xlsx", [[n, i, *c] for n, i, c in zip(districts["NAME"], districts["SR"],
                                                                              counts)])
    recipe = tmp_path / "rezept.toml"
    recipe.write_text(text + REGISTER, encoding="utf-8")
    ws, built = build_workspace(recipe)
    # the bands are the register's; each district's figures are exactly the register's
    assert list(ws.age_bands["column"]) == [b[0] for b in BANDS]
    table = ws.population_districts.set_index("district_id")
    assert table.loc["SR2", "age_0_3"] == counts[1][0] and table.loc["SR4", "age_80"] == counts[3][4]
    demand = C.prepare_demand(ws)
    tp = demand.target
    assert tp.persons.loc["SR1", "early_childhood"] == counts[0][0]  # 0–<3: exactly the register
    assert not tp.estimated.loc["SR1", "early_childhood"] and tp.estimated.loc["SR1", "youth"]  # 10–<80 split
    # the cells carry the register: summed by their parts in the districts, they give it back
    per_district = demand.per_district(ws.population_cells[[b[0] for b in BANDS]].to_numpy(float))
    assert np.allclose(per_district, np.array(counts, float), rtol=1e-9)
    code, figures = next(n for n in built.notes if n[0] == "population_register")
    assert figures["units"] == 4 and figures["unplaced"] == 0
    # the map says the cells' figures are estimates
    from dashboard.present.mapview import grid_layer

    layer = grid_layer(ws, "early_childhood", 3, "de")
    assert "geschätzt: Melderegister auf das Raster verteilt" in layer.data_json and ws.meta["population_estimate"]


def test_register_rows_must_name_known_districts(tmp_path):
    text, districts = arnsberg_in_quadrants(tmp_path)
    register_xlsx(tmp_path / "einwohner.xlsx", [["Süd-West", "SR1", 1, 2, 3, 4, 5], ["Irgendwo", "SR9", 1, 2, 3, 4, 5],
                                                 ["Süd-West", "SR1", 1, 2, 3, 4, 5]])
    recipe = tmp_path / "rezept.toml"
    recipe.write_text(text + REGISTER, encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        build_workspace(recipe)
    messages = report(info.value.problems, "de")
    assert "einwohner.xlsx, Zeile 5, Feld 'Nr.': 'SR9' ist kein Gebiet der Ebene districts" in messages
    recipe.write_text(text + REGISTER.replace('level = "districts"', 'level = "stadtteile"'), encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        build_workspace(recipe)
    assert any(p.code == "unknown_value" and p.field == "register.level" for p in info.value.problems)


def test_a_municipality_register_and_blocks(tmp_path):
    """The register for the whole town (one row) spreads over the grid; a block register
    without a grid puts its counts on the blocks."""
    text, districts = arnsberg_in_quadrants(tmp_path)
    book = openpyxl.Workbook()
    book.active.append(["Gemeinde", *[label for *_, label in BANDS]])
    book.active.append(["Arnsberg", 1500, 1600, 2100, 60000, 4300])
    book.save(tmp_path / "gemeinde.xlsx")
    recipe = tmp_path / "rezept.toml"
    municipal = REGISTER.replace('file = "einwohner.xlsx"\nlevel = "districts"\nid = "Nr."',
                                 'file = "gemeinde.xlsx"\nlevel = "municipality"')
    recipe.write_text(text + municipal, encoding="utf-8")
    ws, _ = build_workspace(recipe)
    assert ws.population_districts is None or not len(ws.population_districts)
    cells = ws.population_cells
    assert cells["age_0_3"].sum() == pytest.approx(1500) and cells["age_80"].sum() == pytest.approx(4300)
    # blocks without a grid: two blocks in SR1 and SR3
    blocks = gpd.GeoDataFrame({"BLK": ["B1", "B2"]}, geometry=[districts.geometry.iloc[0].representative_point()
                                                                .buffer(200),
                                                                districts.geometry.iloc[2].representative_point()
                                                                .buffer(200)], crs="EPSG:25832")
    blocks.to_file(tmp_path / "bloecke.gpkg", layer="bloecke")
    book = openpyxl.Workbook()
    book.active.append(["Block", *[label for *_, label in BANDS]])
    book.active.append(["B1", 10, 11, 12, 300, 20])
    book.active.append(["B2", 5, 6, 7, 200, 30])
    book.save(tmp_path / "bloecke.xlsx")
    no_grid = text[:text.index("[population]")] + text[text.index("[offers]"):]
    recipe.write_text(no_grid + REGISTER.replace('file = "einwohner.xlsx"\nlevel = "districts"\nid = "Nr."',
                                                 'file = "bloecke.xlsx"\nlevel = "blocks"\nid = "Block"') +
                      '\n[register.blocks]\nfile = "bloecke.gpkg"\nid = "BLK"\n', encoding="utf-8")
    ws, _ = build_workspace(recipe)
    assert sorted(ws.population_cells["cell_id"]) == ["B1", "B2"]
    tp = C.prepare_demand(ws).target
    assert tp.persons.loc["SR1", "early_childhood"] == pytest.approx(10) and tp.persons.loc["SR3", "seniors"] > 0


def zensus_2022_zip(path, rng):
    """The Arnsberg 100 m cells as a Zensus 2022 "Alter in 5 Altersklassen" zip: cell ids only,
    "–" where a figure is below 3."""
    import zipfile

    under10 = pd.read_csv(SHARED / "arnsberg" / "zensus2011_grid_100m_under10.csv")
    lines = ["GITTER_ID_100m;Insgesamt_Bevoelkerung;Unter18;a18bis29;a30bis49;a50bis64;a65undaelter;"
             "werterlaeuternde_Zeichen"]
    for x, y, v in zip(under10["x_3035"], under10["y_3035"], under10["value"]):
        classes = [max(int(v), 0) * 2, *rng.integers(0, 30, 4)]
        shown = ["–" if c < 3 else str(c) for c in classes]
        lines.append(f"CRS3035RES100mN{int(y) - 50}E{int(x) - 50};{sum(classes)};{';'.join(shown)};")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Zensus2022_Alter_in_5_Altersklassen_100m-Gitter.csv", "\n".join(lines).encode("utf-8"))


def test_zensus_2022_and_register_in_one_recipe(tmp_path):
    """Files as they were received: the Zensus zip and the register workbook, one recipe."""
    text, districts = arnsberg_in_quadrants(tmp_path)
    rng = np.random.default_rng(8)
    zensus_2022_zip(tmp_path / "Zensus2022_Alter_in_5_Altersklassen.zip", rng)
    counts = [[int(v) for v in rng.integers(50, 900, len(BANDS))] for _ in range(4)]
    register_xlsx(tmp_path / "einwohner.xlsx", [[n, i, *c] for n, i, c in zip(districts["NAME"], districts["SR"],
                                                                              counts)])
    start, end = text.index("[population]"), text.index("[offers]")
    text = text[:start] + '[population]\nformat = "zensus2022"\nfiles = ["Zensus2022_Alter_in_5_Altersklassen.zip"]\n' \
        '\n' + text[end:]
    recipe = tmp_path / "rezept.toml"
    recipe.write_text(text + REGISTER, encoding="utf-8")
    ws, built = build_workspace(recipe)
    notes = dict(built.notes)
    assert notes["zensus_cells"]["bands"] == 5 and notes["zensus_cells"]["cells"] > 1000
    demand = C.prepare_demand(ws)
    per_district = demand.per_district(ws.population_cells[[b[0] for b in BANDS]].to_numpy(float))
    assert np.allclose(per_district, np.array(counts, float), rtol=1e-9)
    assert demand.target.persons.loc["SR3", "early_childhood"] == counts[2][0]
    assert isinstance(ws.population_districts, pd.DataFrame)
