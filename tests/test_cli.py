"""The command line: demo generation and validation, with English messages."""

import subprocess
import sys

import pyogrio

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
