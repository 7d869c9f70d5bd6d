"""The command line: demo generation and validation, with English messages."""

import subprocess
import sys

import pyogrio
import pytest
from conftest import ROOT


def cli(*args):
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, capture_output=True, text=True)


def test_demo_validate_and_info(tmp_path):
    out = tmp_path / "demo.gpkg"
    result = cli("demo", "--out", str(out))
    assert result.returncode == 0 and "fictional" in result.stdout
    result = cli("validate", str(out))
    assert result.returncode == 0 and "14 districts" in result.stdout
    result = cli("info", str(out))
    assert "Lindenbrück" in result.stdout and "population" in result.stdout


def test_validate_reports_problems_in_english(demo_ws, tmp_path):
    tables = demo_ws.tables()
    tables["population_cells"].loc[0, "age_0_1"] = -2
    path = tmp_path / "bad.gpkg"
    for layer, frame in tables.items():
        pyogrio.write_dataframe(frame, path, layer=layer)
    result = cli("validate", str(path))
    assert result.returncode == 1
    assert "bad.gpkg, layer 'population_cells', row 1" in result.stderr
    assert "field 'age_0_1': Negative count -2" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file(tmp_path):
    result = cli("validate", str(tmp_path / "none.gpkg"))
    assert result.returncode == 1 and "File not found" in result.stderr


def test_coverage_writes_the_district_phase_table(demo_ws, tmp_path):
    import openpyxl
    import pandas as pd

    from dashboard.analysis import coverage as C

    out = tmp_path / "coverage.csv"
    result = cli("coverage", "geodata/demo_city.gpkg", "--out", str(out))
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig")
    expected = C.coverage(demo_ws).table
    assert len(table) == len(demo_ws.districts) * len(demo_ws.life_phases)
    assert list(table["district_id"].unique()) == list(demo_ws.districts["district_id"])
    merged = table.merge(expected, on=["district_id", "phase_id"], suffixes=("", "_lib"))
    assert (merged["reach_share"] - merged["reach_share_lib"]).abs().max() <= 0.005 + 1e-9  # published: whole per cent
    assert (merged["offers"] == merged["offers_lib"]).all()

    matrix = cli("coverage", "geodata/demo_city.gpkg", "--measure", "offers_per_1000", "--radius", "500")
    header = matrix.stdout.splitlines()[0].split(";")
    assert header == ["district_id", *demo_ws.life_phases["phase_id"]]

    xlsx = tmp_path / "coverage.xlsx"
    assert cli("coverage", "geodata/demo_city.gpkg", "--out", str(xlsx)).returncode == 0
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["coverage", "city", "need_index", "gaps", "duplicates", "transitions"]
    assert book["coverage"]["A1"].value == "district_id" and book["coverage"].max_row == len(table) + 1


def test_coverage_with_the_gaussian_2sfca(demo_ws):
    from dashboard.analysis import coverage as C

    result = cli("coverage", "geodata/demo_city.gpkg", "--measure", "access_2sfca", "--decay", "gaussian")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[1].split(";")
    expected = C.coverage(demo_ws, C.CoverageParams(decay="gaussian")).table.set_index(["district_id", "phase_id"])
    assert float(first[2].replace(",", ".")) == pytest.approx(expected.loc[(first[0], "early_childhood"),
                                                                            "access_2sfca"], abs=0.005)
    classic = cli("coverage", "geodata/demo_city.gpkg", "--measure", "access_2sfca").stdout
    assert classic.splitlines()[1] != result.stdout.splitlines()[1]
    assert cli("coverage", "geodata/demo_city.gpkg", "--decay", "linear").returncode == 2  # argparse: choices


def test_coverage_rejects_bad_parameters():
    result = cli("coverage", "geodata/demo_city.gpkg", "--radius", "-5")
    assert result.returncode == 1 and "field 'radius_m': Value -5.0 is out of range" in result.stderr and "Traceback" not in result.stderr


def test_lotse_and_networks_commands(tmp_path, demo_ws):
    import subprocess
    import sys

    from conftest import DEMO, ROOT

    address = demo_ws.addresses.iloc[5000]
    out = tmp_path / "wegweiser.pdf"
    result = subprocess.run([sys.executable, "-m", "dashboard", "lotse", str(DEMO), "--address",
                             f"{address['street']} {address['number']}", "--children", "1;4", "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line[:4].strip().rstrip(".").isdigit()]
    minutes = [int(line.rsplit(" min (", 1)[0].rsplit("– ", 1)[1]) for line in lines if " min (" in line]
    assert minutes == sorted(minutes) and out.read_bytes().startswith(b"%PDF")
    assert "walking along the streets at 4.5 km/h" in result.stdout
    bad = subprocess.run([sys.executable, "-m", "dashboard", "lotse", str(DEMO), "--address", "Nirgendweg 1",
                          "--children", "3"], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1 and "not found in the address directory" in bad.stderr
    nets = subprocess.run([sys.executable, "-m", "dashboard", "networks", str(DEMO)], cwd=ROOT,
                          capture_output=True, text=True)
    assert nets.returncode == 0 and "cross-sector" in nets.stdout and "partners in no network" in nets.stdout


def test_build_says_what_it_did(tmp_path):
    import pytest
    from conftest import SHARED

    if not (SHARED / "arnsberg").exists():
        pytest.skip("shared open data not available")
    result = cli("build", str(ROOT / "tests" / "recipes" / "arnsberg_1km.toml"), "--out", str(tmp_path / "a.gpkg"))
    assert result.returncode == 0, result.stderr
    assert "population: " in result.stdout and " with withheld values" in result.stdout
    assert "wrote workspace to" in result.stdout


def test_difference_command(tmp_path):
    from conftest import DEMO

    out = tmp_path / "vergleich.xlsx"
    result = cli("difference", str(DEMO), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:2] == b"PK" and "rows to" in result.stdout
    listed = cli("difference", str(DEMO))
    header = listed.stdout.splitlines()[0]
    assert header.startswith("District;Life phase;Target population;Reach straight line (%)")


def test_sites_command_with_a_candidate_list(tmp_path, demo_ws):
    import pandas as pd

    a = demo_ws.addresses.head(40)
    listed = tmp_path / "standorte.csv"
    pd.DataFrame({"Name": [f"=Ort {i}" if i == 0 else f"Ort {i}" for i in range(len(a))],
                  "Adresse": (a["street"] + " " + a["number"].astype(str)).to_numpy()}).to_csv(listed, sep=";",
                                                                                             index=False)
    out = tmp_path / "sites.xlsx"
    result = cli("sites", "geodata/demo_city.gpkg", "--phase", "kita", "--k", "2", "--candidates", str(listed),
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "The 2 proposed sites together reach" in result.stderr and "from the planner's list" in result.stderr
    sites = pd.read_excel(out, sheet_name="sites")
    solver = pd.read_excel(out, sheet_name="solver")
    assert list(sites["rank"]) == [1, 2]
    assert not sites.astype(str).apply(lambda c: c.str.startswith(("=", "+", "@"))).any().any()
    assert solver["greedy_share_of_objective"].iat[0] <= 1.0 and solver["optimality_gap"].iat[0] == 0.0
    assert "objective" not in solver.columns and "bound" not in solver.columns  # no exact free-area count leaves
    assert solver["objective_persons_published"].iat[0] > 0
    # CSV to standard output: the same sites
    result = cli("sites", "geodata/demo_city.gpkg", "--phase", "kita", "--k", "2", "--candidates", str(listed))
    assert result.returncode == 0 and result.stdout.splitlines()[0].startswith("rank;label")
    assert len(result.stdout.splitlines()) == 3


def test_sites_command_names_bad_input(tmp_path):
    listed = tmp_path / "standorte.csv"
    listed.write_text("Name;Adresse\nSchule;Gibtsnichtweg 99\n", encoding="utf-8")
    result = cli("sites", "geodata/demo_city.gpkg", "--phase", "kita", "--k", "2", "--candidates", str(listed))
    assert result.returncode == 1
    assert "standorte.csv, row 2, field 'Adresse'" in result.stderr and "Traceback" not in result.stderr
    listed.write_text("Name;Telefon\nSchule;123\n", encoding="utf-8")
    result = cli("sites", "geodata/demo_city.gpkg", "--phase", "kita", "--k", "2", "--candidates", str(listed))
    assert result.returncode == 1 and "needs coordinates" in result.stderr
    result = cli("sites", "geodata/demo_city.gpkg", "--phase", "nope", "--k", "2")
    assert result.returncode == 1 and "Unknown value 'nope'" in result.stderr
