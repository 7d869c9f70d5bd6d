"""The README's complete recipe example, copied as it is next to a planner's files (made
here from the real Arnsberg data, as an office would send them) and run with the installed
``praeventionsatlas`` command from that folder, outside the repository."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import ROOT, SHARED

from dashboard.model.workspace import read_workspace

pytestmark = pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/data beside the checkout")
COMMAND = Path(sys.executable).parent / "praeventionsatlas"


def readme_recipe() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"<!-- recipe-example -->\n```toml\n(.*?)```", text, re.S).group(1)


def planner_folder(folder: Path) -> list[str]:
    """Sozialräume, Zensus 2022 zip, register workbook, offers workbook and house coordinates;
    returns the register's district ids."""
    import sys as _sys

    _sys.path.insert(0, str(ROOT / "tests"))
    from test_register import arnsberg_in_quadrants

    _, districts = arnsberg_in_quadrants(folder)
    districts.rename(columns={"SR": "SR_NR", "NAME": "SR_NAME"}).to_file(folder / "sozialraeume.gpkg",
                                                                         layer="sozialraeume")
    rng = np.random.default_rng(11)
    under10 = pd.read_csv(SHARED / "arnsberg" / "zensus2011_grid_100m_under10.csv")
    head = "GITTER_ID_100m;x_mp_100m;y_mp_100m;Insgesamt_Bevoelkerung;Unter10;a10bis19;a20bis29;a30bis39;a40bis49;" \
           "a50bis59;a60bis69;a70bis79;a80undaelter;werterlaeuternde_Zeichen"
    lines = [head]
    for x, y, v in zip(under10["x_3035"], under10["y_3035"], under10["value"]):
        groups = [max(int(v), 0), *rng.integers(0, 25, 8)]
        shown = ["–" if g < 3 else str(g) for g in groups]
        lines.append(f"CRS3035RES100mN{int(y) - 50}E{int(x) - 50};{int(x)};{int(y)};{sum(groups)};{';'.join(shown)};")
    with zipfile.ZipFile(folder / "Zensus2022_Alter_in_10er-Jahresgruppen.zip", "w") as archive:
        archive.writestr("Zensus2022_Alter_in_10er-Jahresgruppen_100m-Gitter.csv", "\n".join(lines).encode("utf-8"))
        archive.writestr("Zensus2022_Alter_in_10er-Jahresgruppen_1km-Gitter.csv", "GITTER_ID_1km;Unter10\n")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Bevölkerung mit Hauptwohnsitz nach Sozialräumen und Altersgruppen, 31.12.2024"])
    sheet.append([])
    sheet.append(["Sozialraum", "Nr.", "0 bis unter 3", "3 bis unter 6", "6 bis unter 10", "10 bis unter 18",
                  "18 bis unter 65", "65 und älter"])
    for name, sr in zip(districts["NAME"], districts["SR"]):
        sheet.append([name, sr, *[int(v) for v in rng.integers(100, 5000, 6)]])
    sheet.append(["Stadt insgesamt", None, 1, 2, 3, 4, 5, 6])
    book.save(folder / "einwohner_2024.xlsx")
    schools = pd.read_csv(SHARED / "arnsberg" / "schools_nrw_2021.csv", sep=";", dtype=str).head(12)
    parts = schools["Strasse"].str.extract(r"^(?P<street>.*?)\s*(?P<number>\d+\s*[a-zA-Z]?)$")
    pd.DataFrame({"STN": parts["street"], "HNR": parts["number"].str.extract(r"(\d+)")[0],
                  "ADZ": parts["number"].str.extract(r"\d+\s*([a-zA-Z]?)")[0].str.upper(), "PLZ": schools["PLZ"],
                  "ONM": schools["Ort"], "OST": schools["UTMRechtswert"], "NORD": schools["UTMHochwert"]}) \
        .to_csv(folder / "hauskoordinaten.csv", sep=";", index=False)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Angebote der Frühen Hilfen und Familienbildung (Stand November 2024)"])
    sheet.append(["Angebot", "Träger", "Straße", "Hausnr.", "PLZ", "Ort", "Zielgruppe"])
    groups = ["Eltern mit Babys", "U3", "Kinder 3-6", "Schulkinder", "ab 14"]
    for k in range(10):
        street = parts["street"].iat[k] if k != 4 else "Nirgendwostraße"  # one address the directory lacks
        sheet.append([f"Angebot {k + 1}", "AWO", street, parts["number"].iat[k], schools["PLZ"].iat[k],
                      schools["Ort"].iat[k], groups[k % 5]])
    sheet.append([])
    sheet.append(["Summe: 10 Angebote"])
    book.save(folder / "angebote.xlsx")
    return list(districts["SR"])


@pytest.mark.skipif(not COMMAND.exists(), reason="the package is installed by make run / make test")
def test_the_readme_recipe_runs_next_to_the_planners_files(tmp_path):
    folder = tmp_path / "Planung"
    folder.mkdir()
    ids = planner_folder(folder)
    (folder / "rezept.toml").write_text(readme_recipe(), encoding="utf-8")
    result = subprocess.run([str(COMMAND), "build", "rezept.toml", "--out", "stadt.gpkg"], cwd=folder,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "left out 1 rows whose address was not found" in result.stdout
    ws = read_workspace(folder / "stadt.gpkg")
    assert len(ws.offers) == 9 and ws.offers["offer_id"].str.startswith("A-").all()
    assert sorted(ws.population_districts["district_id"]) == sorted(ids)
    assert list(ws.age_bands["column"]) == ["age_0_3", "age_3_6", "age_6_10", "age_10_18", "age_18_65",
                                            "age_65_plus"]
    listed = pd.read_csv(folder / "stadt.unmatched.csv", sep=";", encoding="utf-8-sig")
    assert listed["address"].iat[0].startswith("Nirgendwostraße") and listed["row"].iat[0] == 7
