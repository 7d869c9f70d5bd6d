"""Streamlit's own table toolbar ("Download as CSV" on every ``st.dataframe``) writes cells as
they are shown: no text a user typed may arrive there as a live formula. Checked in headless
Chromium on the profile page, whose offers table holds names starting with =, +, -, @, a tab
and a carriage return."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest
from conftest import app_idle, launch, new_context

from dashboard.model.workspace import write_workspace
from dashboard.present import export

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["=1+1 Kurs", "+2+3 Treff", "-4+5 Beratung", "@SUM(1+1) Lotsen", "\t=6+7 Café", "\r=8+9 Hilfe"]


@pytest.fixture
def formula_workspace(demo_ws, tmp_path):
    """The demo with six offers of district SR01 named like formulas."""
    from dashboard.analysis.district import offer_districts

    offers = demo_ws.offers.copy()
    served = offer_districts(demo_ws, demo_ws.offers)
    in_sr01 = served.loc[served["district_id"] == "SR01", "offer_id"].unique()
    rows = offers.index[offers["offer_id"].isin(in_sr01) & offers.geometry.notna()][:len(NAMES)]
    assert len(rows) == len(NAMES)
    offers.loc[rows, "name"] = NAMES
    ws = type(demo_ws)(**{**demo_ws.__dict__, "offers": offers})
    return write_workspace(ws, tmp_path / "formeln.gpkg")


def test_every_table_is_shown_through_the_neutralising_helper():
    """Only ``widgets.dataframe`` calls ``st.dataframe`` (so every table's toolbar download is safe)."""
    offenders = []
    for path in [*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "pages").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("dataframe", "data_editor") and isinstance(node.func.value, ast.Name) \
                    and node.func.value.id != "widgets":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert len(offenders) == 1 and offenders[0].startswith("dashboard/app/widgets.py"), offenders


def test_neutralise_table():
    import pandas as pd

    shown = export.neutralise_table(pd.DataFrame({"=x": [*NAMES, "-0,5 ↓", "Kita", None], "n": range(9)}))
    assert list(shown.columns) == ["'=x", "n"]
    assert shown["'=x"].tolist()[:6] == ["'" + n for n in NAMES]
    assert shown["'=x"].iat[6] == "\u22120,5 ↓"  # a negative number as text: the minus sign, no apostrophe
    assert shown["'=x"].iat[7] == "Kita" and pd.isna(shown["'=x"].iat[8])
    assert shown["n"].tolist() == list(range(9))


def test_toolbar_csv_download_has_no_formula(browser, formula_workspace, tmp_path):
    server = launch(formula_workspace)
    context = new_context(browser)
    # the toolbar writes through the File System Access API where the browser has it (a save
    # dialog); without it, it falls back to an ordinary download that the test can catch
    context.add_init_script("delete window.showSaveFilePicker;")
    try:
        page = context.new_page()
        page.goto(server.url + "/profile?d=SR01")
        app_idle(page)
        table = page.locator('[data-testid="stDataFrame"]').filter(has_text="Kurs").first
        table.wait_for(timeout=60_000)
        table.scroll_into_view_if_needed()
        table.hover()
        button = page.locator('[data-testid="stElementToolbar"] button[aria-label="Download as CSV"]').last
        with page.expect_download(timeout=60_000) as info:
            table.hover()
            button.click()
        text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    finally:
        context.close()
        server.stop()
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    found = {n for n in NAMES if any(n.strip("\t\r") in c for c in cells)}
    assert found == set(NAMES), (found, text[:500])
    assert not [c for c in cells if export.formula_like(c)], [c for c in cells if export.formula_like(c)]
