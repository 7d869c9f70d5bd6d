"""The app shell with AppTest: landing page, language switch, map page, bad workspaces."""

from __future__ import annotations

import pytest
import shapely
from apptest_util import map_args, run_app, shown, table_value

from dashboard.model.workspace import write_workspace


@pytest.fixture(autouse=True)
def _default_workspace(monkeypatch):
    monkeypatch.delenv("PRAEVENTIONSATLAS_WORKSPACE", raising=False)
    monkeypatch.delenv("PRAEVENTIONSATLAS_LANG", raising=False)


def test_landing_page_says_what_is_loaded(demo_ws, backend):
    at = run_app()
    assert not at.exception
    text = shown(" ".join(m.value for m in at.markdown))
    assert "Lindenbrück (fiktive Demostadt)" in text
    assert "2025-12-31" in text and "05999999" in text
    assert ("demo_city.gpkg" if backend == "gpkg" else "?schema=demo") in text
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sozialräume"] == "14"
    assert metrics["Familienzentren"] == "12"
    expected = f"{demo_ws.total_population():,.0f}".replace(",", ".")
    assert metrics["Einwohnerinnen und Einwohner"] == expected
    assert 70_000 < demo_ws.total_population() < 80_000
    assert any("Fiktive Demodaten" in w.value for w in at.warning)
    assert at.title[0].value == "Präventionsatlas"


def test_language_switch_to_english():
    # AppTest (Streamlit 1.67) drops entry-script widgets after a rerun under st.navigation,
    # so the switch is set as session state here; the browser test clicks the real radio.
    at = run_app(session={"lang_widget": "en"})
    assert not at.exception
    assert at.title[0].value == "Prevention Atlas"
    assert "Districts" in [m.label for m in at.metric]
    assert at.query_params["lang"] in ("en", ["en"])


def test_english_from_url():
    at = run_app(query={"lang": "en"})
    assert at.title[0].value == "Prevention Atlas"


def test_map_page_sends_only_local_assets():
    at = run_app("pages/map.py")
    assert not at.exception
    args = map_args(at)
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith("/app/static/vendor/") for link in links)
    assert "L.Icon.Default.imagePath" in args["script"]
    assert args["feature_group"].count('"district_id"') >= 14  # the shading, drawn as a layer group


def test_other_workspace_from_environment(monkeypatch, demo_ws, tmp_path):
    ws = demo_ws
    ws2 = type(ws)(**{**ws.__dict__, "meta": {**ws.meta, "municipality_name": "Anderstadt"}})
    path = write_workspace(ws2, tmp_path / "anderstadt.gpkg")
    monkeypatch.setenv("PRAEVENTIONSATLAS_WORKSPACE", str(path))
    at = run_app()
    assert "Anderstadt" in " ".join(m.value for m in at.markdown)


def test_invalid_workspace_shows_every_problem_in_german(monkeypatch, demo_ws, tmp_path):
    import pyogrio

    tables = demo_ws.tables()
    tables["offers"].loc[3, "life_phases"] = "U3"
    tables["districts"].loc[1, "geometry"] = shapely.Point()
    path = tmp_path / "kaputt.gpkg"
    for layer, frame in tables.items():
        pyogrio.write_dataframe(frame, path, layer=layer)
    monkeypatch.setenv("PRAEVENTIONSATLAS_WORKSPACE", str(path))
    at = run_app()
    assert not at.exception
    assert "Arbeitsbereich konnte nicht geladen werden" in at.error[0].value
    report = at.code[0].value
    assert "kaputt.gpkg, Ebene 'offers', Zeile 4 (Kennung A0004), Feld 'life_phases'" in report
    assert "Unbekannte Lebensphase 'U3'" in report
    assert "Ebene 'districts', Zeile 2" in report


def test_missing_workspace_file(monkeypatch, tmp_path):
    monkeypatch.setenv("PRAEVENTIONSATLAS_WORKSPACE", str(tmp_path / "fehlt.gpkg"))
    at = run_app()
    assert not at.exception
    assert "fehlt.gpkg: Datei nicht gefunden." in at.code[0].value


def test_bad_setting_is_reported(monkeypatch):
    monkeypatch.setenv("PRAEVENTIONSATLAS_DISCLOSURE_THRESHOLD", "drei")
    at = run_app()
    assert not at.exception
    assert "Ungültige Einstellung" in at.error[0].value


@pytest.fixture
def broken_home(monkeypatch, tmp_path):
    """The app's pages, with a start page that fails after drawing its title."""
    import shutil

    from dashboard.app import state

    shutil.copytree(state.PAGES_DIR, tmp_path / "pages")
    with open(tmp_path / "pages" / "home.py", "a") as f:
        f.write('\nraise RuntimeError("kaputt")\n')
    monkeypatch.setattr(state, "PAGES_DIR", tmp_path / "pages")


def test_page_tests_see_a_crash_on_the_first_page(broken_home):
    from apptest_util import CrashOnPage

    with pytest.raises(CrashOnPage, match="kaputt"):
        run_app()


def test_a_crash_shows_a_short_message_not_a_traceback(broken_home, monkeypatch):
    from apptest_util import new_app

    from dashboard.app import guard

    monkeypatch.setattr(guard, "_under_test", lambda: False)  # as on a real server
    at = new_app()
    at.expect_crash = True
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("Ein unerwarteter Fehler ist aufgetreten")
    assert "kaputt" not in at.error[0].value and "Traceback" not in at.error[0].value


@pytest.mark.parametrize("name", ["map", "chain", "gaps", "lotse", "partner", "networks", "present", "edit"])
def test_no_streamlit_english_placeholders_in_german(name):
    """Multiselects say "alle" / "Bitte wählen …", not Streamlit's "Choose options", and offer
    no English "Select all" (an empty filter means all anyway)."""
    at = run_app(f"pages/{name}.py", session={"role": "planner", "user": "anna"})
    boxes = [*at.multiselect, *at.sidebar.multiselect]
    assert boxes == [] or all(box.proto.select_all == 0 for box in boxes), [box.label for box in boxes]
    assert all(box.placeholder and "Choose" not in box.placeholder for box in boxes), \
        [box.label for box in boxes if not box.placeholder or "Choose" in box.placeholder]


GERMAN_WORDS = ("Kinder- und Jugendhilfe", "fiktive Demostadt", "Fiktive Demodaten", "Gruppenangebot",
                "Hausbesuch/aufsuchend", "Erzeugt mit", "Türkisch", "Begegnung im Alter", "keine Angabe",
                "Bedarfsindex", "Zielgruppe", "Erreichung", "Lücken", "Sozialraum", "Lebensphase", "Probleme",
                "Bitte ", "Personen")


def visible_texts(at) -> list[str]:
    """Every text a person reads on the page: elements, widget labels and options, table
    headers and cells, download labels, the map's payload."""
    texts = []
    for root in (at, at.sidebar):
        for kind in ("markdown", "caption", "warning", "info", "title", "header", "subheader", "error", "success"):
            texts += [shown(str(e.value)) for e in getattr(root, kind)]
        for kind in ("selectbox", "multiselect", "radio", "checkbox", "text_input", "slider", "button"):
            for e in getattr(root, kind):
                texts.append(str(e.label))
                if kind in ("selectbox", "multiselect", "radio"):
                    texts += [str(o) for o in e.options]  # as displayed (formatted)
    for df in [*(d.value for d in at.dataframe), *(table_value(d) for d in at.table)]:
        texts += [str(c) for c in df.columns] + list(df.map(str).to_numpy().ravel())
    texts += [b.proto.label for b in at.get("download_button")]
    return texts


@pytest.mark.parametrize("name", ["home", "map", "chain", "gaps", "profile", "partner", "lotse", "networks",
                                  "present", "edit", "import", "account", "quality"])
def test_english_pages_speak_english(name, demo_ws):
    """The English UI shows no German words: neither its own texts nor the vocabularies and
    workspace texts from the data (the data keeps its German terms)."""
    at = run_app(f"pages/{name}.py", query={"lang": "en"}, session={"role": "planner", "user": "anna"})
    texts = visible_texts(at)
    if name == "map":
        texts.append(str(map_args(at)["feature_group"]))
    found = {w for w in GERMAN_WORDS for text in texts if w in text}
    assert found == set(), found
    if name == "home":
        assert any("Lindenbrück (fictional demo city)" in t for t in texts)


ENGLISH_WORDS = ("Choose", "Select all", "not disclosed", "Reach", "Gaps", "Offers", "District", "Target population",
                 "persons", "Year", "Source", "Download", "Save", "Provider", "fictional")


@pytest.mark.parametrize("name", ["home", "map", "chain", "gaps", "profile", "partner", "lotse", "networks",
                                  "present", "edit", "import", "account", "quality"])
def test_german_pages_speak_german(name):
    at = run_app(f"pages/{name}.py", session={"role": "planner", "user": "anna"})
    texts = visible_texts(at)
    found = {w for w in ENGLISH_WORDS for text in texts if w in text.split() or (len(w) > 6 and w in text)}
    assert found == set(), found


def test_english_downloads_speak_english(monkeypatch):
    """The exported tables of the English UI (gaps XLSX, profile XLSX) carry no German words."""
    import io

    import openpyxl
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from test_profile_pages import MEDIA, download_data  # noqa: F401  (media capture below)

    original, deferred = MemoryMediaFileStorage.load_and_get_id, MediaFileManager.add_deferred

    def keep(self, data, mimetype, kind, filename=None):
        file_id = original(self, data, mimetype, kind, filename)
        MEDIA[file_id] = data
        return file_id

    def keep_deferred(self, call, *args, **kwargs):
        file_id = deferred(self, call, *args, **kwargs)
        MEDIA[file_id] = call
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    monkeypatch.setattr(MediaFileManager, "add_deferred", keep_deferred)
    for page, key in (("pages/gaps.py", "dl_xlsx"), ("pages/profile.py", "dl_profile_xlsx")):
        at = run_app(page, query={"lang": "en"})
        (button,) = [b for b in at.get("download_button") if b.proto.id.endswith(key)]
        book = openpyxl.load_workbook(io.BytesIO(download_data(button)))
        cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
        cells += book.sheetnames
        found = {w for w in GERMAN_WORDS for text in cells if w in text}
        assert found == set(), (page, found)
