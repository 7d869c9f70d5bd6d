"""Building workspaces from real open data (../shared/data) and from German-format files."""

from __future__ import annotations

import hashlib

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import ROOT, SHARED

from dashboard.analysis import coverage as C
from dashboard.model.workspace import WorkspaceError, read_workspace
from dashboard.present.problems import report
from dashboard.sources.recipe import build, build_workspace
from dashboard.sources.tables import to_number

RECIPES = ROOT / "tests" / "recipes"
needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/data beside the checkout")


@needs_shared
def test_arnsberg_1km_totals_match_attribution(tmp_path):
    out = tmp_path / "arnsberg.gpkg"
    build(RECIPES / "arnsberg_1km.toml", out)
    ws = read_workspace(out)
    assert ws.total_population() == 74_175  # ATTRIBUTION.md: the 1 km cells sum to 74,175
    assert list(ws.districts["name"]) == ["Arnsberg"] and ws.districts["district_id"].iloc[0] == "05958004"
    assert len(ws.offers) == 33 and ws.crs.to_epsg() == 25832
    cells = ws.population_cells
    bands = cells[ws.band_columns].to_numpy(float)
    assert (np.nan_to_num(bands) >= 0).all()  # -1/-9 withheld, never 0 or negative
    raw = pd.read_csv(SHARED / "arnsberg" / "zensus2011_grid_1km.csv")
    withheld = (raw["unter18_A"] < 0).sum()
    # a withheld class is estimated from the cell's published total, or stays withheld with the total
    estimated = cells["classes_estimated"].astype(object).isin([True]).to_numpy()
    total_withheld = np.isnan(cells["persons_total"].to_numpy(float))
    assert (np.isnan(cells["age_0_18"]) | estimated).sum() >= withheld and estimated.sum() > 0
    assert not (np.isnan(bands).any(axis=1) & ~total_withheld).any()
    assert np.allclose(bands[~total_withheld].sum(axis=1), cells["persons_total"].to_numpy(float)[~total_withheld])
    primary = ws.offers[ws.offers["life_phases"].map(lambda p: "primary" in p)]
    assert len(primary) == (pd.read_csv(SHARED / "arnsberg" / "schools_nrw_2021.csv", sep=";",
                                        dtype=str)["Schulform"].isin(["02", "14", "08"])).sum()
    cov = C.coverage(ws)
    assert cov.table.loc[cov.table["phase_id"] == "primary", "offers"].iloc[0] == len(primary)


@needs_shared
def test_arnsberg_100m_coarse_bands(tmp_path):
    out = tmp_path / "arnsberg100.gpkg"
    build(RECIPES / "arnsberg_100m.toml", out)
    ws = read_workspace(out)
    under10 = pd.read_csv(SHARED / "arnsberg" / "zensus2011_grid_100m_under10.csv")["value"].sum()
    plus80 = pd.read_csv(SHARED / "arnsberg" / "zensus2011_grid_100m_80plus.csv")["value"].sum()
    assert np.nansum(ws.population_cells["age_0_10"]) == under10 == 6141
    assert np.nansum(ws.population_cells["age_80_plus"]) == plus80 == 4207
    assert np.allclose(np.sqrt(ws.population_cells.area), 100.0, rtol=1e-3)  # EPSG:3035 cells in EPSG:25832
    tp = C.prepare_demand(ws).target
    assert tp.estimated.loc["05958004", "early_childhood"]  # 0-<10 split over phases
    assert tp.persons.loc["05958004", "primary"] == pytest.approx(under10 * 4 / 10, rel=1e-6)


@needs_shared
def test_viersen_five_municipalities(tmp_path):
    out = tmp_path / "viersen.gpkg"
    build(RECIPES / "viersen_1km.toml", out)
    ws = read_workspace(out)
    assert sorted(ws.districts["name"]) == ["Brüggen", "Grefrath", "Niederkrüchten", "Schwalmtal", "Tönisvorst"]
    assert ws.total_population() == pd.read_csv(SHARED / "viersen" / "zensus2011_grid_1km.csv")["Einwohner"].clip(
        lower=0).sum()
    # persons per municipality (cells split by area) near the Zensus 2022 totals of ATTRIBUTION.md
    zensus_2022 = {"Tönisvorst": 29_114, "Schwalmtal": 18_658, "Brüggen": 16_082, "Grefrath": 14_710,
                   "Niederkrüchten": 14_447}
    demand = C.prepare_demand(ws)
    totals = demand.per_district(np.nan_to_num(ws.population_cells["persons_total"].to_numpy(float)))
    for name, total in zip(ws.districts["name"], totals):
        assert total == pytest.approx(zensus_2022[name], rel=0.15), name
    assert len(ws.offers) == 21


def test_german_number_formats_and_secrecy_markers():
    numbers, bad = to_number(pd.Series(["1.234,5", "-", ".", "x", "-1", "-9,0", "12", "zwölf", ""]))
    assert numbers[0] == 1234.5 and numbers[6] == 12.0
    assert numbers[1:6].isna().all() and numbers[8:].isna().all()
    assert bad.tolist() == [False] * 7 + [True, False]


def write_town(tmp_path, offers_rows, cells_text=None):
    """A small town: districts from the demo workspace, German CSV cells, XLSX offers."""
    demo = read_workspace(ROOT / "geodata" / "demo_city.gpkg")
    demo.districts.to_file(tmp_path / "bezirke.gpkg", layer="bezirke")
    centre = demo.districts.geometry.iloc[0].representative_point()
    x0, y0 = int(centre.x // 100 * 100), int(centre.y // 100 * 100)
    cells = cells_text or (
        "Rechtswert;Hochwert;Kinder unter 6;Ältere ab 65\n"
        f"{x0 + 50};{y0 + 50};1.204;17\n{x0 + 150};{y0 + 50};-;3\n{x0 + 250};{y0 + 50};7;x\n")
    (tmp_path / "raster.csv").write_text(cells, encoding="cp1252")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nr", "Titel", "Träger", "Zielgruppe", "Rechtswert", "Hochwert"])
    for row in offers_rows(x0, y0):
        sheet.append(row)
    book.save(tmp_path / "angebote.xlsx")
    (tmp_path / "rezept.toml").write_text('''
[workspace]
municipality_name = "Teststadt"
fictional = true

[districts]
file = "bezirke.gpkg"
id = "district_id"
name = "name"

[population]
files = ["raster.csv"]
x = "Rechtswert"
y = "Hochwert"
crs = "EPSG:25832"
cell_size = 100
decimal = ","
thousands = "."

[[population.bands]]
name = "age_0_6"
from = 0
to = 6
column = "Kinder unter 6"

[[population.bands]]
name = "age_65_plus"
from = 65
column = "Ältere ab 65"

[offers]
file = "angebote.xlsx"
x = "Rechtswert"
y = "Hochwert"
crs = "EPSG:25832"
[offers.columns]
offer_id = "Nr"
name = "Titel"
provider = "Träger"
[offers.constants]
category = "Beratung"
sectors = "Soziales"
audience = "Familien"
cost_free = true
barrier_free = true
last_updated = "2025-01-01"
[offers.map.life_phases]
column = "Zielgruppe"
values = { "U3" = ["early_childhood"], "Ü3" = ["kita"], "Senioren" = ["seniors"] }
''', encoding="utf-8")
    return x0, y0


def test_german_csv_and_xlsx_sources(tmp_path):
    write_town(tmp_path, lambda x, y: [["A1", "Elterncafé", "AWO", "U3", x + 60, y + 60],
                                        ["A2", "Seniorentreff", "DRK", "Senioren", f"{x + 160}", f"{y + 40}"]])
    ws, report = build_workspace(tmp_path / "rezept.toml")
    cells = ws.population_cells
    assert cells["age_0_6"].tolist()[0] == 1204 and np.isnan(cells["age_0_6"].tolist()[1])
    assert np.isnan(cells["age_65_plus"].tolist()[2]) and cells["age_65_plus"].tolist()[1] == 3
    assert list(ws.offers["life_phases"]) == ["early_childhood", "seniors"]
    assert report.rows == {"raster.csv": 3, "angebote.xlsx": 2}
    assert ws.meta["fictional"] == "true"


def test_bad_rows_are_reported_and_nothing_is_written(tmp_path):
    write_town(tmp_path, lambda x, y: [["A1", "Elterncafé", "AWO", "Krabbelkinder", x + 60, y + 60],
                                        ["A2", "Seniorentreff", "DRK", "Senioren", "abc", y + 40]])
    target = tmp_path / "stadt.gpkg"
    target.write_bytes(b"old workspace")
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    with pytest.raises(WorkspaceError) as info:
        build(tmp_path / "rezept.toml", target)
    messages = report(info.value.problems, "de")
    assert "angebote.xlsx, Zeile 2, Feld 'Zielgruppe': Wert 'Krabbelkinder' ist keinem bekannten Begriff" in messages
    assert "angebote.xlsx, Zeile 3, Feld 'Rechtswert/Hochwert': 'abc" in messages
    assert "row 2, field 'Zielgruppe'" in report(info.value.problems, "en")
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before


@needs_shared
def test_missing_source_column_and_file(tmp_path):
    write_town(tmp_path, lambda x, y: [["A1", "Elterncafé", "AWO", "U3", x + 60, y + 60]],
               cells_text="Rechtswert;Hochwert;Kinder\n1;2;3\n")
    with pytest.raises(WorkspaceError) as info:
        build_workspace(tmp_path / "rezept.toml")
    assert "raster.csv, Feld 'age_0_6': Spalte 'Kinder unter 6' fehlt in der Quelle." in report(info.value.problems, "de")
    (tmp_path / "angebote.xlsx").unlink()
    with pytest.raises(WorkspaceError) as info:
        build_workspace(tmp_path / "rezept.toml")
    assert any(p.code == "source_unreadable" and p.file == "angebote.xlsx" for p in info.value.problems)


def test_recipe_says_which_keys_it_does_not_know(tmp_path):
    """Misspelt keys are problems with their table and the closest known key; a key of the
    planner's own (a source text in a value map, a file name in rename) is not."""
    write_town(tmp_path, lambda x, y: [["A1", "Elterncafé", "AWO", "U3", x + 60, y + 60]])
    recipe = tmp_path / "rezept.toml"
    text = recipe.read_text(encoding="utf-8")
    text = text.replace('cell_size = 100', 'cell_size = 100\ncellsize = 100')
    text = text.replace('[offers.constants]\n', '[offers.constants]\ncost_fre = true\n')
    text = text.replace('[offers.map.life_phases]\n', '[offers.map.life_phases]\ndefualt = ["kita"]\n')
    text += '\n[geocodingg]\nfile = "x.csv"\n\n[population.rename."raster.csv"]\n"Kinder unter 6" = "Kinder"\n'
    recipe.write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        build_workspace(recipe)
    found = {(p.params["section"], p.params["name"], p.params["suggestion"]) for p in info.value.problems
             if p.code == "recipe_unknown_key"}
    assert found == {("population", "cellsize", "cell_size"), ("offers.constants", "cost_fre", "cost_free"),
                     ("offers.map.life_phases", "defualt", "default"), ("–", "geocodingg", "geocoding")}
    messages = report(info.value.problems, "de")
    assert "rezept.toml, Feld 'cellsize': `cellsize` in [population]: unbekannter Schlüssel – meinten Sie " \
           "`cell_size`?" in messages
    assert "did you mean `cost_free`?" in report(info.value.problems, "en")
    recipe.write_text(text.replace("cellsize", "zzz_qqq"), encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        build_workspace(recipe)
    assert "`zzz_qqq` in [population]: unbekannter Schlüssel (bekannt: bands, cell_size, crs" in report(
        info.value.problems, "de")
    recipe.write_text('streets = "strassen.osm.pbf"\n' + text, encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        build_workspace(recipe)
    assert "[streets] muss eine Tabelle sein" in report(info.value.problems, "de")


def address_file(tmp_path, schools: pd.DataFrame, drop=(), duplicate=None):
    """A local house-coordinate file (Hauskoordinaten-like) made from the schools' own
    coordinates, with the street spelled differently ('Straße', 'ss', hyphens)."""
    from dashboard.sources.geocode import split_address, split_number

    rows = []
    for k, school in schools.iterrows():
        if k in drop:
            continue
        street, number = split_address(school["Strasse"])
        base, suffix = split_number(number)
        spelled = street.replace("str.", "straße").replace("Str.", "Straße").replace("ß", "ss")
        rows.append({"STN": spelled, "HNR": base, "ADZ": suffix.upper(), "PLZ": school["PLZ"],
                     "ONM": school["Ort"], "OST": school["UTMRechtswert"], "NORD": school["UTMHochwert"], "k": k})
    if duplicate is not None:  # the same address in another place, for an ambiguous match
        extra = dict(next(r for r in rows if r["k"] == duplicate))
        extra.update(PLZ="99999", ONM="Anderswo", OST=str(int(extra["OST"]) + 5000))
        rows.append(extra)
    frame = pd.DataFrame(rows).drop(columns="k")
    frame.to_csv(tmp_path / "hauskoordinaten.csv", sep=";", index=False)
    return frame


def geocode_recipe(tmp_path, with_place=True, unmatched=None):
    text = (RECIPES / "arnsberg_1km.toml").read_text()
    text = text.replace('"../../../shared/', f'"{SHARED.parent}/')
    text = text.replace('x = "UTMRechtswert"\ny = "UTMHochwert"\ncrs = "EPSG:25832"\n\n[offers.columns]',
                        (f'unmatched = "{unmatched}"\n' if unmatched else '') + '\n[offers.geocode]\naddress = "Strasse"\n' + ('postcode = "PLZ"\nplace = "Ort"\n'
                                                                        if with_place else '') +
                        '\n[offers.columns]')
    text += ('\n[geocoding]\nfile = "hauskoordinaten.csv"\nstreet = "STN"\nnumber = "HNR"\nsuffix = "ADZ"\n'
             'postcode = "PLZ"\nplace = "ONM"\nx = "OST"\ny = "NORD"\ncrs = "EPSG:25832"\n')
    path = tmp_path / "rezept.toml"
    path.write_text(text)
    return path


@needs_shared
def test_offline_geocoding_of_the_schools(tmp_path):
    schools = pd.read_csv(SHARED / "arnsberg" / "schools_nrw_2021.csv", sep=";", dtype=str)
    address_file(tmp_path, schools)
    ws, report = build_workspace(geocode_recipe(tmp_path))
    assert len(ws.offers) == len(schools)
    expected = np.column_stack([schools["UTMRechtswert"].astype(float), schools["UTMHochwert"].astype(float)])
    got = np.column_stack([ws.offers.geometry.x, ws.offers.geometry.y])
    assert np.allclose(got, expected, atol=0.01)
    code, figures = next(note for note in report.notes if note[0] == "addresses_matched")
    assert figures["matched"] <= figures["rows"] and figures["layer"] == "offers"
    # the address file travels with the workspace, so the app can geocode (wizard, Lotse)
    from dashboard.sources.geocode import address_index, geocode_texts

    assert len(ws.addresses) >= len(schools) and ws.addresses.crs == ws.crs
    first = schools.iloc[0]
    found = geocode_texts(address_index(ws.addresses), [f"{first['Strasse']}, {first['PLZ']} {first['Ort']}"])
    assert found["status"].iat[0] in ("matched", "matched_without_suffix")
    assert abs(found["x"].iat[0] - float(first["UTMRechtswert"])) < 0.01


@needs_shared
def test_geocoding_reports_unmatched_and_ambiguous_rows(tmp_path):
    schools = pd.read_csv(SHARED / "arnsberg" / "schools_nrw_2021.csv", sep=";", dtype=str)
    address_file(tmp_path, schools, drop=(4,), duplicate=7)
    with pytest.raises(WorkspaceError) as info:
        build_workspace(geocode_recipe(tmp_path, with_place=False))
    problems = {(p.row, p.code) for p in info.value.problems}
    assert (6, "address_unmatched") in problems  # source row 5 (index 4) is spreadsheet row 6
    assert (9, "address_ambiguous") in problems
    text = report(info.value.problems, "de")
    assert f"schools_nrw_2021.csv, Zeile 6, Feld 'Strasse': Adresse '{schools['Strasse'].iat[4]}' nicht" in text
    missing = next(p for p in info.value.problems if p.row == 6)
    assert missing.params["reason"] in ("street_unknown", "number_unknown") and missing.params["close"]
    assert f"; am nächsten: {missing.params['close']})." in text
    # with postcode and place the duplicate is no longer ambiguous; the missing one still is reported
    with pytest.raises(WorkspaceError) as info:
        build_workspace(geocode_recipe(tmp_path, with_place=True))
    assert {p.code for p in info.value.problems} == {"address_unmatched"}


def test_a_list_without_ids_gets_stable_ones(tmp_path):
    """No id column: ids from name, provider and position as given – the same however the rows
    are ordered; two equal rows are told apart by their order."""
    rows = [["", "Elterncafé", "AWO", "U3", 1, 2], ["", "Seniorentreff", "DRK", "Senioren", 3, 4],
            ["", "Seniorentreff", "DRK", "Senioren", 3, 4]]

    def built(order):
        write_town(tmp_path, lambda x, y: [[r[0], r[1], r[2], r[3], x + 60 + r[4], y + 60 + r[5]]
                                            for r in (rows[k] for k in order)])
        recipe = tmp_path / "rezept.toml"
        recipe.write_text(recipe.read_text(encoding="utf-8").replace('offer_id = "Nr"\n', ""), encoding="utf-8")
        ws, _ = build_workspace(recipe)
        return dict(zip(ws.offers["offer_id"], ws.offers["name"]))

    first = built([0, 1, 2])
    assert sorted(first.values()) == ["Elterncafé", "Seniorentreff", "Seniorentreff"]
    ids = sorted(first)
    assert all(i.startswith("A-") for i in ids) and len(set(ids)) == 3
    assert any(i.endswith("-2") for i in ids)
    assert built([1, 0, 2]) == first  # same input in another order: same ids


def test_unmatched_addresses_say_why_and_what_comes_closest():
    """A misspelt street gets the most similar streets (not a prefix match), a missing house
    number the nearest numbers on that street, a wrong place the places the address exists."""
    from dashboard.sources.geocode import AddressIndex, closest_streets, explain_unmatched

    directory = pd.DataFrame({
        "street": ["Klosterstraße", "Klosterstraße", "Klosterstraße", "Kirchweg", "Am Kloster", "Lindenring",
                   "Lindenring"],
        "number": ["2", "10", "14", "1", "3", "5", "5"],
        "postcode": ["59821", "59821", "59821", "59821", "59823", "59821", "59999"],
        "place": ["Arnsberg", "Arnsberg", "Arnsberg", "Arnsberg", "Arnsberg", "Arnsberg", "Anderswo"],
        "x": [1.0, 2, 3, 4, 5, 6, 7], "y": [1.0, 2, 3, 4, 5, 6, 7]})
    index = AddressIndex.from_frame(directory, street="street", number="number", postcode="postcode", place="place",
                                    x="x", y="y")
    assert closest_streets(directory["street"], "Kloserstrase")[0] == "Klosterstraße"  # a letter missing: no prefix
    assert closest_streets(directory["street"], "Lindenrign") == ["Lindenring"]
    assert closest_streets(directory["street"], "") == []
    why = explain_unmatched(index, ["Kloserstr.", "Klosterstr.", "Lindenring", "Lindenring"], ["12", "12", "5", "5"],
                            ["", "", "12345", ""], ["", "", "", ""])
    assert why["reason"].tolist() == ["street_unknown", "number_unknown", "place_differs", "ambiguous"]
    assert why["candidates"].iat[0][0] == "Klosterstraße"
    assert why["candidates"].iat[1] == ["Klosterstraße 2", "Klosterstraße 10", "Klosterstraße 14"]
    assert why["candidates"].iat[2] == ["Lindenring 5, 59821 Arnsberg", "Lindenring 5, 59999 Anderswo"]


@needs_shared
def test_unmatched_skip_builds_the_good_rows_and_lists_the_others(tmp_path):
    """unmatched = "skip": the workspace holds every school but the one whose address is not
    in the directory; that one is listed (file, row, address, reason, closest), the CLI writes
    the list beside the workspace. A word other than stop/skip is a problem."""
    import subprocess
    import sys

    schools = pd.read_csv(SHARED / "arnsberg" / "schools_nrw_2021.csv", sep=";", dtype=str)
    address_file(tmp_path, schools, drop=(4,))
    ws, built = build_workspace(geocode_recipe(tmp_path, unmatched="skip"))
    assert len(ws.offers) == len(schools) - 1 and schools["Schulnummer"].iat[4] not in set(ws.offers["offer_id"])
    skipped = built.skipped_rows()
    assert skipped[["file", "row"]].values.tolist() == [["schools_nrw_2021.csv", 6]]
    assert skipped["address"].iat[0].startswith(schools["Strasse"].iat[4])
    assert skipped["reason"].iat[0] in ("street_unknown", "number_unknown") and skipped["closest"].iat[0]
    assert ("addresses_skipped", {"layer": "offers", "n": 1}) in built.notes
    out = tmp_path / "stadt.gpkg"
    result = subprocess.run([sys.executable, "-m", "dashboard", "build", str(tmp_path / "rezept.toml"), "--out",
                             str(out)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    listed = pd.read_csv(tmp_path / "stadt.unmatched.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert listed["row"].tolist() == ["6"] and "left out 1 rows" in result.stdout
    with pytest.raises(WorkspaceError) as info:
        build_workspace(geocode_recipe(tmp_path, unmatched="weiter"))
    assert any(p.code == "unknown_value" and p.field == "offers.unmatched" for p in info.value.problems)


def test_address_normalisation():
    from dashboard.sources.geocode import AddressIndex, normalise_street, split_address, split_number

    assert normalise_street("Kloster-Straße") == normalise_street("klosterstr.") == "klosterstrasse"
    assert normalise_street("Schloßallee") == normalise_street("Schlossallee")
    assert normalise_street("Mühlenweg") == normalise_street("Muehlenweg")
    assert split_address("Hauptstr.12 b") == ("Hauptstr.", "12 b") and split_number("12 b") == ("12", "b")
    index = AddressIndex.from_frame(pd.DataFrame({"s": ["Marktplatz", "Marktplatz"], "n": ["3", "3a"],
                                                  "x": ["1", "2"], "y": ["5", "6"]}),
                                    street="s", number="n", x="x", y="y")
    found = index.geocode(["Markt-Platz", "marktplatz", "Marktplatz"], ["3A", "3 c", "4"])
    assert found["status"].tolist() == ["matched", "matched_without_suffix", "unmatched"]
    assert found["x"].tolist()[:2] == [2.0, 1.0]


def test_district_tables_and_wide_indicators(tmp_path):
    demo = read_workspace(ROOT / "geodata" / "demo_city.gpkg")
    demo.districts.to_file(tmp_path / "bezirke.gpkg", layer="bezirke")
    ids = list(demo.districts["district_id"])
    (tmp_path / "bevoelkerung.csv").write_text("Sozialraum;unter 6;6 bis unter 18;18 und älter;Insgesamt\n" + "".join(
        f"{d};{100 + k};{'-' if k == 3 else 200 + k};{'1.000' if k else '1.234'};2.000\n"
        for k, d in enumerate(ids)), encoding="utf-8")
    (tmp_path / "indikatoren.csv").write_text("Sozialraum;Jahr;SGB II u15;Arbeitslose\n" + "".join(
        f"{d};2025;{10 + k},5;{'x' if k == 2 else str(5 + k)}\n" for k, d in enumerate(ids)), encoding="utf-8")
    (tmp_path / "rezept.toml").write_text('''
[workspace]
municipality_name = "Tabellenstadt"
[districts]
file = "bezirke.gpkg"
id = "district_id"
name = "name"
[population]
kind = "districts"
file = "bevoelkerung.csv"
district = "Sozialraum"
total = "Insgesamt"
[[population.bands]]
name = "age_0_6"
from = 0
to = 6
column = "unter 6"
[[population.bands]]
name = "age_6_18"
from = 6
to = 18
column = "6 bis unter 18"
[[population.bands]]
name = "age_18_plus"
from = 18
column = "18 und älter"
[indicators]
file = "indikatoren.csv"
layout = "wide"
district = "Sozialraum"
year_column = "Jahr"
[indicators.wide]
"SGB II u15" = "sgb2_u15"
"Arbeitslose" = "unemployment"
[indicators.catalogue.sgb2_u15]
label_de = "SGB-II-Quote u15"
label_en = "SGB II rate u15"
unit = "%"
category = "Armut"
higher_is_need = true
source = "Jobcenter"
[indicators.catalogue.unemployment]
label_de = "Arbeitslosenquote"
label_en = "Unemployment"
unit = "% der Erwerbspersonen"
unit_en = "% of the labour force"
category = "Arbeit"
higher_is_need = true
source = "Agentur für Arbeit"
''', encoding="utf-8")
    out = tmp_path / "tabellen.gpkg"
    build(tmp_path / "rezept.toml", out)
    ws = read_workspace(out)
    table = ws.population_districts.set_index("district_id")
    assert table.loc[ids[0], "age_18_plus"] == 1234 and np.isnan(table.loc[ids[3], "age_6_18"])
    assert ws.population_cells is None and ws.total_population() == 2000 * len(ids)
    ind = ws.indicators.set_index(["district_id", "indicator"])["value"]
    assert ind[(ids[1], "sgb2_u15")] == 11.5 and np.isnan(ind[(ids[2], "unemployment")])
    from dashboard.present.i18n import own_unit  # the unit in English where the recipe gives one

    units = {e["indicator"]: (own_unit(e, "de"), own_unit(e, "en")) for e in ws.indicator_catalogue.to_dict("records")}
    assert units == {"sgb2_u15": ("%", "%"), "unemployment": ("% der Erwerbspersonen", "% of the labour force")}
    cov = C.coverage(ws)  # district tables: reach from district points, target population from the table
    kita = cov.table.set_index(["district_id", "phase_id"]).loc[(ids[0], "kita"), "target_population"]
    assert kita == pytest.approx(100 * 3 / 6)


def test_parse_address_and_street_hints(demo_ws):
    from dashboard.sources.geocode import address_index, geocode_texts, parse_address, street_suggestions

    assert parse_address("Klosterstr. 12a, 59821 Arnsberg") == {
        "street": "Klosterstr.", "number": "12a", "postcode": "59821", "place": "Arnsberg"}
    assert parse_address("Marktplatz 3") == {"street": "Marktplatz", "number": "3", "postcode": "", "place": ""}
    assert parse_address("Nirgendwo")["number"] == ""
    # every sited demo offer's address leads back to (near) its position
    sited = demo_ws.offers[demo_ws.offers.geometry.notna()]
    found = geocode_texts(address_index(demo_ws.addresses), sited["address"].tolist())
    assert (found["status"] == "matched").all()
    distance = np.hypot(found["x"].to_numpy() - sited.geometry.x.to_numpy(),
                        found["y"].to_numpy() - sited.geometry.y.to_numpy())
    assert distance.max() < 150
    street = demo_ws.addresses["street"].iat[0]
    lowered = street.lower().replace("straße", "str.")
    assert street in street_suggestions(demo_ws.addresses, lowered[:6])
    assert street_suggestions(demo_ws.addresses, "") == []


@pytest.mark.parametrize("kind", ["shp.zip", "shp", "gpkg"])
@needs_shared
def test_districts_from_shapefile_zip_and_geopackage(tmp_path, kind):
    """The GIS office's Shapefile (also zipped, other CRS) or GeoPackage give the same districts."""
    import zipfile

    import geopandas as gpd

    source = gpd.read_file(SHARED / "viersen" / "municipality_boundaries.geojson")
    folder = tmp_path / "gis"
    folder.mkdir()
    if kind == "gpkg":
        path = folder / "gemeinden.gpkg"
        source.to_crs(3035).to_file(path, layer="gemeinden", driver="GPKG")
    else:
        source.to_crs(4326).to_file(folder / "gemeinden.shp", driver="ESRI Shapefile", encoding="utf-8")
        path = folder / "gemeinden.shp"
        if kind == "shp.zip":
            path = tmp_path / "gemeinden.zip"
            with zipfile.ZipFile(path, "w") as z:
                for part in folder.iterdir():
                    z.write(part, arcname=part.name)
    text = (RECIPES / "viersen_1km.toml").read_text().replace('"../../../shared/', f'"{SHARED.parent}/')
    text = text.replace(f'file = "{SHARED.parent}/data/viersen/municipality_boundaries.geojson"', f'file = "{path}"')
    assert str(path) in text
    recipe = tmp_path / "rezept.toml"
    recipe.write_text(text)
    ws, _ = build_workspace(recipe)
    reference, _ = build_workspace(RECIPES / "viersen_1km.toml")
    assert sorted(ws.districts["name"]) == sorted(reference.districts["name"])
    assert ws.crs.to_epsg() == 25832
    merged = ws.districts.set_index("district_id").area / reference.districts.set_index("district_id").area
    assert np.allclose(merged, 1.0, rtol=1e-6)
    assert ws.total_population() == reference.total_population()


def street_grid(districts, spacing=250.0):
    """Straight streets every ``spacing`` metres across the districts' bounds (a line layer)."""
    import geopandas as gpd
    import shapely

    x0, y0, x1, y1 = districts.total_bounds
    xs, ys = np.arange(x0, x1 + spacing, spacing), np.arange(y0, y1 + spacing, spacing)
    lines = [shapely.LineString([(x, y), (x, ys[k + 1])]) for x in xs for k, y in enumerate(ys[:-1])]
    lines += [shapely.LineString([(x, y), (xs[k + 1], y)]) for y in ys for k, x in enumerate(xs[:-1])]
    return gpd.GeoDataFrame({"name": ["Rasterweg"] * len(lines)}, geometry=lines, crs=districts.crs)


def test_recipe_streets_section_puts_the_network_into_the_workspace(tmp_path):
    write_town(tmp_path, lambda x, y: [["A1", "Elterncafé", "AWO", "U3", x + 60, y + 60]])
    demo = read_workspace(ROOT / "geodata" / "demo_city.gpkg")
    street_grid(demo.districts).to_file(tmp_path / "strassen.gpkg", layer="strassen")
    recipe = tmp_path / "rezept.toml"
    recipe.write_text(recipe.read_text(encoding="utf-8") + '\n[streets]\nfile = "strassen.gpkg"\nmargin_m = 500\n',
                      encoding="utf-8")
    out = tmp_path / "stadt.gpkg"
    report = build(recipe, out)
    ws = read_workspace(out)
    assert ws.has_streets and len(ws.street_edges) > 100
    assert ws.street_edges.geom_type.eq("LineString").all() and (ws.street_edges["length_m"] > 0).all()
    code, figures = next(note for note in report.notes if note[0] == "streets")
    assert figures["edges"] == len(ws.street_edges)
    (tmp_path / "kaputt.osm.pbf").write_bytes(b"not osm")
    recipe.write_text(recipe.read_text(encoding="utf-8").replace("strassen.gpkg", "kaputt.osm.pbf"), encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        build_workspace(recipe)
    assert [(p.file, p.code) for p in info.value.problems] == [("kaputt.osm.pbf", "streets_unreadable")]


def test_cli_adds_streets_to_a_workspace(tmp_path, workspace_copy):
    import subprocess
    import sys

    demo = read_workspace(workspace_copy)
    street_grid(demo.districts).to_file(tmp_path / "strassen.gpkg", layer="strassen")
    result = subprocess.run([sys.executable, "-m", "dashboard", "streets", str(workspace_copy),
                             str(tmp_path / "strassen.gpkg")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "street network: " in result.stdout
    ws = read_workspace(workspace_copy)
    assert ws.has_streets and len(ws.offers) == len(demo.offers)
    result = subprocess.run([sys.executable, "-m", "dashboard", "streets", str(workspace_copy),
                             str(tmp_path / "fehlt.osm.pbf")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "fehlt.osm.pbf" in result.stderr and "Traceback" not in result.stderr


ADMIN_OSM = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="test">
{nodes}
  <way id="10" version="1"><nd ref="1"/><nd ref="2"/><nd ref="5"/><nd ref="4"/><nd ref="1"/></way>
  <way id="11" version="1"><nd ref="2"/><nd ref="3"/><nd ref="6"/><nd ref="5"/><nd ref="2"/></way>
  <way id="12" version="1"><nd ref="4"/><nd ref="5"/><nd ref="6"/><nd ref="8"/><nd ref="7"/><nd ref="4"/></way>
  <way id="13" version="1"><nd ref="1"/><nd ref="3"/><nd ref="8"/><nd ref="7"/><nd ref="1"/></way>
{relations}
</osm>"""


def admin_extract(path):
    """A town of three Stadtteile (admin level 10) in a square (level 8), as an .osm file."""
    from xml.sax.saxutils import escape

    grid = {1: (51.40, 8.00), 2: (51.40, 8.03), 3: (51.40, 8.06), 4: (51.42, 8.00), 5: (51.42, 8.03),
            6: (51.42, 8.06), 7: (51.44, 8.00), 8: (51.44, 8.06)}
    nodes = "\n".join(f'  <node id="{k}" lat="{lat}" lon="{lon}" version="1"/>' for k, (lat, lon) in grid.items())
    parts = [(100, 10, 10, "Altstadt", "01"), (101, 11, 10, "Neustadt", "02"), (102, 12, 10, "Südviertel & Höhe", "03"),
             (103, 13, 8, "Teststadt", None)]
    relations = "\n".join(
        f'  <relation id="{rid}" version="1"><member type="way" ref="{way}" role="outer"/>'
        f'<tag k="type" v="boundary"/><tag k="boundary" v="administrative"/><tag k="admin_level" v="{level}"/>'
        f'<tag k="name" v="{escape(name)}"/>' + (f'<tag k="ref" v="{ref}"/>' if ref else "") + "</relation>"
        for rid, way, level, name, ref in parts)
    path.write_text(ADMIN_OSM.format(nodes=nodes, relations=relations), encoding="utf-8")


def test_districts_from_osm_admin_areas_or_a_grid(tmp_path):
    """No Sozialräume yet: the Stadtteile of an OSM extract (admin level 10, not the town
    itself at level 8), or squares over the outline named as on a city map."""
    from dashboard.sources.streets import grid_districts, read_admin_areas

    admin_extract(tmp_path / "stadt.osm")
    areas = read_admin_areas(tmp_path / "stadt.osm")
    assert sorted(areas["district_id"]) == ["01", "02", "03"] and "Südviertel & Höhe" in set(areas["name"])
    assert areas.crs == "EPSG:25832" and (areas.area > 1e6).all()
    (tmp_path / "bezirke.csv").write_text("Nr;0-6\n01;10\n02;20\n03;30\n", encoding="utf-8")
    (tmp_path / "rezept.toml").write_text(
        '[workspace]\nmunicipality_name = "Teststadt"\n\n[districts]\nfrom_osm = "stadt.osm"\n\n'
        '[population]\nkind = "districts"\nfile = "bezirke.csv"\ndistrict = "Nr"\n\n[[population.bands]]\n'
        'name = "age_0_6"\nfrom = 0\nto = 6\ncolumn = "0-6"\n', encoding="utf-8")
    ws, _ = build_workspace(tmp_path / "rezept.toml")
    assert sorted(ws.districts["district_id"]) == ["01", "02", "03"]
    text = (tmp_path / "rezept.toml").read_text(encoding="utf-8").replace('from_osm = "stadt.osm"',
                                                                       'from_osm = "stadt.osm"\nadmin_level = 9')
    (tmp_path / "rezept.toml").write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        build_workspace(tmp_path / "rezept.toml")
    assert "Keine Verwaltungsgrenzen der Ebene(n) 9" in report(info.value.problems, "de")
    # a grid of 5 km squares over Arnsberg's outline
    import geopandas as gpd

    outline = gpd.read_file(SHARED / "arnsberg" / "municipality_boundary.geojson").to_crs("EPSG:25832")
    squares = grid_districts(outline, 5000)
    assert len(squares) > 5 and squares["name"].iloc[0] == "Raster A1" and squares["district_id"].is_unique
    assert squares.area.sum() == pytest.approx(outline.area.sum(), rel=1e-6)
