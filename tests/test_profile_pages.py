"""Sozialraumprofil page, presentation mode and the downloads (AppTest, openpyxl)."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from apptest_util import run_app, shown, table_value

from dashboard.analysis import coverage as C
from dashboard.present.profile import district_profile

MEDIA: dict[str, bytes] = {}


@pytest.fixture(autouse=True)
def _default_workspace_and_media(monkeypatch):
    """Default workspace; keep every file handed to a download button (AppTest's media
    store lives only during a run)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    monkeypatch.delenv("PRAEVENTIONSATLAS_WORKSPACE", raising=False)
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        MEDIA[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    from streamlit.runtime.media_file_manager import MediaFileManager

    original_deferred = MediaFileManager.add_deferred

    def keep_deferred(self, data_callable, *args, **kwargs):
        file_id = original_deferred(self, data_callable, *args, **kwargs)
        MEDIA[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep_deferred)


def downloads(at) -> dict:
    return {b.label: b for b in at.get("download_button")}


def download_data(button) -> bytes:
    """The bytes behind a download button: its media file, or its deferred callable called
    as a click would (the files are made on demand)."""
    if button.proto.deferred_file_id:
        data = MEDIA[button.proto.deferred_file_id]()
    else:
        data = MEDIA[button.proto.url.rsplit("/", 1)[-1].split(".")[0]]
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def test_profile_page_tells_the_story(demo_ws):
    at = run_app("pages/profile.py", query={"d": "SR07"})
    assert not at.exception
    assert at.title[0].value == "Sozialraumprofil: Westfeld"
    demand = C.prepare_demand(demo_ws)
    cov = C.coverage(demo_ws, demand=demand)
    profile = district_profile(demo_ws, "SR07", cov, duplicates=C.duplicates(demo_ws, demand=demand))
    population = table_value(at.table[0])
    assert list(population["Personen"]) == list(profile.population["persons"])
    assert list(population["Stadt %"]) == list(profile.population["city_share"])
    assert "Bedarfsindex Rang 2 von 14" in shown(at.markdown[0].value)
    text = shown(" ".join(m.value for m in at.markdown))
    assert profile.gaps[0] in text
    indicators = next(d.value for d in at.dataframe if "Vorjahr" in d.value.columns)
    assert indicators["Veränderung"].str.contains("↑|↓|→").all()
    assert "Fiktive Demodaten" in at.warning[0].value
    assert {"Karte als PNG (Präsentation)", "Diagramm Bevölkerung (SVG)", "Tabellen als Excel (XLSX)",
            "PDF dieses Sozialraums", "Gesamtbericht der Stadt (PDF, etwa 15 s)"} <= set(downloads(at))


def test_profile_xlsx_has_the_tables(demo_ws):
    at = run_app("pages/profile.py", query={"d": "SR01"})
    data = download_data(downloads(at)["Tabellen als Excel (XLSX)"])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Bevölkerung", "Indikatoren", "Abdeckung (Erreichung)", "Lücken", "Angebote"]
    sheet = book["Bevölkerung"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["phase_id", "phase_label", "persons"]
    coverage = book["Abdeckung (Erreichung)"]
    assert coverage.max_row == len(demo_ws.districts) + 1
    assert coverage["B2"].number_format == "0.0%" or isinstance(coverage["B2"].value, float)


def test_profile_pdf_on_demand():
    at = run_app("pages/profile.py", query={"d": "SR03"})
    assert not at.exception
    pdf = download_data(downloads(at)["PDF dieses Sozialraums"])
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    png = download_data(downloads(at)["Karte als PNG (Präsentation)"])
    assert png.startswith(b"\x89PNG")
    svg = download_data(downloads(at)["Diagramm Bevölkerung (SVG)"])
    assert b"<svg" in svg[:500]


def test_map_page_offers_downloads_respect_roles(demo_ws):
    at = run_app("pages/map.py", query={"phases": "kita"})
    csv = download_data(downloads(at)["Gefilterte Ebene (CSV)"]).decode("utf-8-sig")
    assert "contact_email" not in csv and "Sprachförderung" in csv
    geo = json.loads(download_data(downloads(at)["Gefilterte Ebene (GeoJSON)"]))
    assert all("kita" in f["properties"]["life_phases"] for f in geo["features"])
    planner = run_app("pages/map.py", query={"phases": "kita"}, session={"role": "planner"})
    assert "contact_email" in download_data(downloads(planner)["Gefilterte Ebene (CSV)"]).decode("utf-8-sig")
    at.selectbox(key="dl_layer").set_value("partners").run()
    partners = download_data(downloads(at)["Gefilterte Ebene (CSV)"]).decode("utf-8-sig")
    assert "organisation" in partners and "contact_person" not in partners
    assert download_data(downloads(at)["Kartenansicht als PNG"]).startswith(b"\x89PNG")


def test_presentation_mode_steps_through_slides():
    at = run_app("pages/present.py", query={"slides": "SR07,SR01"})
    assert not at.exception
    at.button(key="present_start").click().run()
    assert "display: none" in at.markdown[0].value  # sidebar hidden
    assert "Folie 1 von 5" in at.markdown[1].value
    at.button(key="present_next").click().run()
    assert "Lebenskette" in at.markdown[2].value
    at.button(key="present_next").click().run()
    assert "Wichtigste Lücken" in at.markdown[2].value and "Westfeld: nur" in at.markdown[3].value
    at.button(key="present_next").click().run()
    assert "Westfeld" in at.markdown[2].value
    side = at.markdown[3].value  # the district's chain in words beside its map, then its gaps
    assert side.count("class='swatch'") == 8 and "Frühe Kindheit (0–&lt;3) 20 % erreicht – Lücke" in side
    at.button(key="present_prev").click().run()
    assert "Wichtigste Lücken" in at.markdown[2].value
    assert at.query_params["slide"] in ("2", ["2"])
    at.button(key="present_stop").click().run()
    assert at.title[0].value == "Präsentation"


def test_unknown_district_in_the_link_is_named(demo_ws):
    at = run_app("pages/profile.py", query={"d": "SR99"})
    assert any("d=SR99" in w.value and w.value.startswith("Der Link enthält Werte") for w in at.warning)
    assert at.title[0].value == "Sozialraumprofil: Altstadt"  # shown instead, and said so
