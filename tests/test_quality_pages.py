"""The Qualitätsziele page: goals over the demo's three years, targets set by planners only,
districts over time, what changed, comparison values, the Monitoringbericht; the CLI."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from apptest_util import run_app, table_value
from test_profile_pages import _default_workspace_and_media, download_data, downloads  # noqa: F401

from dashboard.cli import main
from dashboard.model.workspace import read_workspace
from dashboard.sources import targets as store

PAGE = "pages/quality.py"


@pytest.fixture
def town(monkeypatch, workspace_copy):
    monkeypatch.setenv("PRAEVENTIONSATLAS_WORKSPACE", str(workspace_copy))
    return workspace_copy


def tables(at) -> list[pd.DataFrame]:
    return [table_value(e) for e in at.table]


def test_the_goals_over_three_years_for_a_viewer(town):
    at = run_app(PAGE)
    goals = tables(at)[0]
    assert list(goals.columns[2:5]) == ["31.12.2023", "31.12.2024", "31.12.2025"]
    assert set(goals["Qualitätsziel"]) == {"Beteiligungsorientierung", "Eltern stärken – Kinder stärken",
                                           "Aufsuchender Ansatz", "Ungleiches ungleich behandeln", "Soziale Inklusion",
                                           "Fließende (Bildungs-)Übergänge", "Multiprofessionelle Zusammenarbeit"}
    transitions = goals[goals["Kennzahl"] == "Abbrechende Übergänge"].iloc[0]
    assert (transitions["31.12.2023"], transitions["31.12.2025"]) == ("19", "16")
    assert transitions["Entwicklung"] == "↓ besser"  # fewer broken transitions: better
    assert "Noch keine Einschätzung." in goals["Kennzahl"].tolist()
    assert not [f for f in at.get("form") if "quality_target_form" in str(f.proto)]  # viewers set nothing
    assert not at.get("file_uploader")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Netzwerke über mehrere Rechtskreise"] == "100 %"


def test_a_planner_sets_a_target_and_sees_its_status(town):
    at = run_app(PAGE, session={"role": "planner", "user": "anna"})
    at.selectbox(key="q_t_district").set_value("SR02")
    at.selectbox(key="q_t_phase").set_value("kita")
    at.selectbox(key="q_t_measure").set_value("reach_share")
    at.text_input(key="q_t_value").input("80 %")
    form = [b for b in at.button if b.label == "Zielwert speichern"][0]
    form.click().run()
    saved = store.current(read_workspace(town).targets)
    assert len(saved) == 1 and saved["value"].iloc[0] == pytest.approx(0.8) and saved["set_by"].iloc[0] == "anna"
    target = [t for t in tables(at) if "Stand des Ziels" in t.columns and "Gebiet" in t.columns][0]
    row = target.iloc[0]
    assert (row["Gebiet"], row["Lebensphase"], row["Kennzahl"]) == ("Bahnhofsviertel", "Kita-Alter (3–<6)",
                                                                    "Erreichte Zielgruppe")
    assert row["Ziel"].startswith("≥ 80 % bis 31.12.") and row["Stand des Ziels"] in ("gefährdet", "auf Kurs")
    history = [d.value for d in at.dataframe if "user" in d.value.columns][0]
    assert set(history["user"]) == {"anna"} and "value" in set(history["field"])  # who set what, when
    # change it: the form shows its values, the save is an edit with history
    target_id = saved["target_id"].iloc[0]
    at.selectbox(key="q_t_pick").set_value(target_id).run()
    mine = f"_{target_id}"
    assert at.text_input(key=f"q_t_value{mine}").value == "80 %" and at.selectbox(key=f"q_t_district{mine}").value == "SR02"
    assert at.selectbox(key=f"q_t_phase{mine}").value == "kita"
    at.text_input(key=f"q_t_value{mine}").input("85 %")
    [b for b in at.button if b.label == "Zielwert speichern"][0].click().run()
    saved = store.current(read_workspace(town).targets)
    assert not at.error, [e.value for e in at.error]
    assert len(saved) == 1 and saved["value"].iloc[0] == pytest.approx(0.85) and saved["version"].iloc[0] == 2
    assert at.selectbox(key="q_t_pick").value is None  # back to a new target
    # a bad value is named in German and nothing is stored
    at.text_input(key="q_t_value").input("viel")
    [b for b in at.button if b.label == "Zielwert speichern"][0].click().run()
    assert any("keine Zahl" in str(e.value) for e in at.error)
    assert len(store.current(read_workspace(town).targets)) == 1


def test_districts_over_time_changes_and_municipalities_side_by_side(town):
    at = run_app(PAGE)
    at.selectbox(key="q_d_measure").set_value("reach_share").run()
    at.selectbox(key="q_d_phase").set_value("kita").run()
    shown = tables(at)
    districts = [t for t in shown if "Gebiet" in t.columns and "Gesamtstadt" in t["Gebiet"].tolist()][0]
    assert len(districts) == 15 and districts.columns[-1] == "Entwicklung"
    groups = [t for t in shown if "Gebiet" in t.columns and "Mitte" in t["Gebiet"].tolist()][0]
    assert set(groups["Gebiet"]) == {"Mitte", "Ost", "Nord-West", "Süd"}
    lines = [m.value for m in at.markdown if "Angebote eröffnet" in str(m.value)]
    assert lines and "17" in lines[0]  # 17 offers opened in 2025 in the demo city
    from datetime import date

    at.date_input(key="q_since").set_value(date(2025, 6, 1)).run()  # any day, e.g. the last council report
    assert any("seit dem 01.06.2025" in str(m.value) for m in at.markdown)
    opened = [m.value for m in at.markdown if "Angebote eröffnet" in str(m.value)][0]
    assert int(opened.rsplit(" ", 1)[-1]) < 17  # fewer opened since June than in the whole year


def test_the_monitoringbericht_downloads(town):
    at = run_app(PAGE)
    found = downloads(at)
    pdf = download_data(found["Monitoringbericht als PDF"])
    assert pdf.startswith(b"%PDF")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(download_data(found["Monitoringbericht als Excel-Tabelle"])))
    assert {"Qualitätsziele", "Zielwerte", "Änderungen", "Sozialräume", "Vergleichswerte"} <= set(book.sheetnames)


def test_cli_monitoring_writes_pdf_and_xlsx(tmp_path, workspace_copy, capsys):
    store.set_target(workspace_copy, {"measure": "broken_transitions", "value": 10, "due": "2027-12-31"},
                     user="anna", role="planner")
    pdf, xlsx = tmp_path / "bericht.pdf", tmp_path / "bericht.xlsx"
    assert main(["monitoring", str(workspace_copy), "--out", str(pdf), "--xlsx", str(xlsx), "--since",
                 "2023-12-31"]) == 0
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.stat().st_size > 0
    assert "3 report days, 1 targets" in capsys.readouterr().err
    from pypdf import PdfReader

    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    text = "\n".join(pages)
    assert "Monitoringbericht Präventionskette" in text and "Was sich seit dem 31.12.2023 geändert hat" in text
    assert len(pages) > 2 and all("Datenstand: 31.12.2025" in page and "Quellen:" in page for page in pages)
    assert main(["monitoring", str(workspace_copy), "--out", str(pdf), "--since", "gestern"]) == 1
    assert "since" in capsys.readouterr().err


def test_a_target_is_checked_against_a_shared_scenario(town):
    import shapely

    from dashboard.sources import scenarios

    offer = {"name": "Elterncafé Westfeld", "provider": "Stadt", "category": "Treffpunkt",
             "sectors": ["Kinder- und Jugendhilfe"], "life_phases": ["early_childhood", "kita"], "audience": ["Eltern"],
             "last_updated": "2026-12-01"}
    _, sid = scenarios.create_scenario(town, "Elterncafé Westfeld", user="anna", role="planner", shared=True,
                                       changes=[{"action": "add", "layer": "offers", "fields": offer,
                                                 "geometry": shapely.Point(428838, 5699052)}])
    store.set_target(town, {"district_id": "SR07", "phase_id": "early_childhood", "measure": "reach_share",
                            "value": "50 %", "due": "2027-12-31"}, user="anna", role="planner")
    ist = run_app(PAGE)
    row = [t for t in tables(ist) if "Stand des Ziels" in t.columns and "Gebiet" in t.columns][0].iloc[0]
    assert row["Letzter Wert"] == "20 %" and "Ziel im Szenario" not in row.index
    at = run_app(PAGE, query={"sc": sid})
    row = [t for t in tables(at) if "Stand des Ziels" in t.columns and "Gebiet" in t.columns][0].iloc[0]
    assert row["Letzter Wert"] == "20 %"  # the real figures stay the real ones …
    in_scenario = int(row["Im Szenario „Elterncafé Westfeld“"].rstrip(" %"))  # cell-key published: ±2 persons
    assert 58 <= in_scenario <= 64 and row["Ziel im Szenario"] == "erreicht"  # … the scenario's beside them
