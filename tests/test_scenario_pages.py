"""Every analysis page runs on a scenario: the sidebar's choice, the notice, roles (only
shared scenarios for viewers and partners), and the figures that change."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
import shapely
from apptest_util import run_app
from test_profile_pages import _default_workspace_and_media, download_data, downloads  # noqa: F401

from dashboard.model.workspace import read_workspace
from dashboard.sources import scenarios as store

NEW_OFFER = {"name": "Elterncafé Westfeld", "provider": "Stadt", "category": "Treffpunkt",
             "sectors": ["Kinder- und Jugendhilfe"], "life_phases": ["early_childhood", "kita"], "audience": ["Eltern"],
             "last_updated": "2026-12-01"}


@pytest.fixture
def town(monkeypatch, workspace_copy):
    monkeypatch.setenv("PRAEVENTIONSATLAS_WORKSPACE", str(workspace_copy))
    _, shared = store.create_scenario(workspace_copy, "Elterncafé Westfeld", user="anna", role="planner", shared=True)
    store.add_change(workspace_copy, shared, "add", user="anna", role="planner", layer="offers", fields=NEW_OFFER,
                     geometry=shapely.Point(428838, 5699052))
    _, private = store.create_scenario(workspace_copy, "Entwurf", user="anna", role="planner")
    return workspace_copy, shared, private


def notice(at) -> str:
    return " ".join(str(i.value) for i in at.info)


@pytest.mark.parametrize("page", ["pages/map.py", "pages/chain.py", "pages/gaps.py", "pages/profile.py",
                                  "pages/partner.py", "pages/present.py"])
def test_every_analysis_page_runs_on_a_shared_scenario(town, page):
    _, shared, _ = town
    at = run_app(page, query={"sc": shared})
    assert "Elterncafé Westfeld" in notice(at) and "Was-wäre-wenn" in notice(at)
    choice = at.sidebar.selectbox(key="scenario")
    assert choice.value == shared and len(choice.options) == 2  # Ist and the shared one: no draft for a viewer


def test_a_viewer_never_sees_a_draft_and_planners_do(town):
    _, shared, private = town
    at = run_app("pages/chain.py", query={"sc": private})
    assert "Szenario" not in notice(at) and at.sidebar.selectbox(key="scenario").value == ""
    at = run_app("pages/chain.py", query={"sc": private}, session={"role": "planner", "user": "anna"})
    assert "Entwurf" in notice(at) and len(at.sidebar.selectbox(key="scenario").options) == 3


def test_the_chain_shows_the_scenarios_reach(town):
    _, shared, _ = town
    ist = run_app("pages/chain.py", query={"d": "SR07", "p": "early_childhood"})
    what_if = run_app("pages/chain.py", query={"d": "SR07", "p": "early_childhood", "sc": shared})

    def facts(at):
        return at.dataframe[1].value.to_string()

    assert facts(ist) != facts(what_if)
    back = what_if.sidebar.selectbox(key="scenario").set_value("").run()
    assert facts(back) == facts(ist) and "Was-wäre-wenn" not in notice(back)


# ---- the Szenarien page ------------------------------------------------------------------
PAGE = "pages/scenarios.py"


def shown_text(at) -> str:
    """The page's markdown as a reader sees it (markdown escapes removed)."""
    return " ".join(m.value for m in at.markdown).replace("\\", "")


PLANNER = {"role": "planner", "user": "anna"}


def test_viewers_see_shared_scenarios_and_their_effect(town):
    path, shared, _ = town
    at = run_app(PAGE)
    assert at.selectbox(key="scn_pick").options == ["Elterncafé Westfeld"]
    assert not [b for b in at.button if b.key and b.key.startswith("scn_rm_")]  # no editing for a viewer
    text = shown_text(at)
    assert "Neues Angebot „Elterncafé Westfeld“" in text and "Lücke(n) geschlossen" in text
    effect = at.dataframe[0].value
    assert "Westfeld" in set(effect["Sozialraum"]) and (effect["Lücke"] == "Lücke geschlossen").any()
    files = downloads(at)
    pdf = download_data(files["Ratsvorlage (PDF)"])
    assert pdf.startswith(b"%PDF")
    exported = json.loads(download_data(files["Szenario-Datei (JSON)"]))
    assert exported["scenario"]["name"] == "Elterncafé Westfeld"
    sheets = pd.read_excel(io.BytesIO(download_data(files["Tabelle (XLSX)"])), sheet_name=None)
    assert {"Wirkung", "Alle Sozialräume", "Änderungen", "Hinweise"} <= set(sheets)


def test_a_planner_builds_a_scenario_step_by_step(town, demo_ws):
    path, _, _ = town
    before = read_workspace(path).offers.to_csv()
    at = run_app(PAGE, session=PLANNER)
    at.text_input(key="scn_new_name").input("Kita Nord")
    at.checkbox(key="scn_new_shared").check()
    at.button[[b.label for b in at.button].index("Szenario anlegen")].click().run()
    stored = read_workspace(path)
    new = stored.scenarios[stored.scenarios["name"] == "Kita Nord"]
    assert len(new) == 1 and bool(new["shared"].iat[0])
    assert at.selectbox(key="scn_pick").value == new["scenario_id"].iat[0]
    # a population change, then a new offer at an address of the directory
    at.radio(key="scn_kind").set_value("population").run()
    at.selectbox(key="scn_pop_district").set_value("SR03")
    at.selectbox(key="scn_pop_phase").set_value("kita")
    at.number_input(key="scn_pop_percent").set_value(25.0)
    at.button[[b.label for b in at.button].index("Änderung speichern")].click().run()
    assert "Bevölkerung Nordstadt, Kita-Alter (3–<6): +25 %" in shown_text(at)
    a = demo_ws.addresses.iloc[100]
    at.radio(key="scn_kind").set_value("add").run()
    at.text_input(key="scn_add_name").input("Kita <b>Nord</b>")
    at.text_input(key="scn_add_provider").input("Stadt")
    at.multiselect(key="scn_add_phases").set_value(["kita"])
    at.multiselect(key="scn_add_sectors").set_value(["Bildung"])
    at.multiselect(key="scn_add_audience").set_value(["Kinder"])
    at.text_input(key="scn_add_address").input(f"{a['street']} {a['number']}")
    at.button[[b.label for b in at.button].index("Änderung speichern")].click().run()
    stored = read_workspace(path)
    mine = stored.scenario_changes[stored.scenario_changes["scenario_id"] == new["scenario_id"].iat[0]]
    assert list(mine["action"]) == ["population", "add"]
    assert "Neues Angebot „Kita <b>Nord</b>“" in shown_text(at)  # markdown-escaped: shown as text
    assert not any("<b>Nord" in m.value for m in at.markdown)  # never as HTML
    # an address that is not in the directory: a message, nothing stored
    at.text_input(key="scn_add_address").input("Gibtsnichtweg 99")
    at.button[[b.label for b in at.button].index("Änderung speichern")].click().run()
    assert any("Gibtsnichtweg 99" in e.value for e in at.error)
    assert len(read_workspace(path).scenario_changes) == len(stored.scenario_changes)
    # remove the population change, then delete the scenario: the real data never changed
    first = mine["change_id"].iat[0]
    at.button(key=f"scn_rm_{first}").click().run()
    assert len(read_workspace(path).scenario_changes[lambda f: f["scenario_id"] == new["scenario_id"].iat[0]]) == 1
    at.checkbox(key="scn_delete_sure").check().run()
    at.button(key="scn_delete").click().run()
    assert "Kita Nord" not in set(read_workspace(path).scenarios["name"])
    assert read_workspace(path).offers.to_csv() == before


def test_site_suggestion_page_and_its_scenario(town):
    path, _, _ = town
    at = run_app("pages/sites.py", session=PLANNER)
    at.multiselect(key="sites_phases").set_value(["kita"])
    at.radio(key="sites_source").set_value("layer")
    at.button[[b.label for b in at.button].index("Vorschlag berechnen")].click().run()
    assert any("Keine möglichen Standorte" in e.value for e in at.error)  # no file given
    at.radio(key="sites_source").set_value("addresses")
    at.number_input(key="sites_k").set_value(2)
    at.checkbox(key="sites_need").check()
    at.button[[b.label for b in at.button].index("Vorschlag berechnen")].click().run()
    text = shown_text(at)
    assert "Die 2 vorgeschlagenen Standorte erreichen zusammen" in text and "Adressverzeichnis" in " ".join(
        c.value for c in at.caption)
    table = at.dataframe[0].value
    assert list(table["Nr."]) == [1, 2] and table["Sozialraum"].notna().all()
    at.text_input(key="sites_scn_provider").input("Stadt")
    at.multiselect(key="sites_scn_sectors").set_value(["Bildung"])
    at.multiselect(key="sites_scn_audience").set_value(["Kinder"])
    at.button[[b.label for b in at.button].index("Szenario anlegen")].click().run()
    assert any("angelegt" in s.value for s in at.success)
    stored = read_workspace(path)
    made = stored.scenarios[stored.scenarios["name"].str.startswith("Standortvorschlag")]["scenario_id"].iat[0]
    assert (stored.scenario_changes["scenario_id"] == made).sum() == 2


def test_a_viewer_gets_the_suggestion_but_cannot_turn_it_into_a_scenario(town):
    at = run_app("pages/sites.py")
    at.button[[b.label for b in at.button].index("Vorschlag berechnen")].click().run()
    assert "vorgeschlagenen Standorte" in shown_text(at) or "Kein möglicher Standort" in shown_text(at)
    assert "Szenario anlegen" not in [b.label for b in at.button]


def test_a_planner_adds_a_familienzentrum_and_an_outreach_area(town, demo_ws):
    path, shared, _ = town
    at = run_app(PAGE, session=PLANNER, query={"sc": shared})
    assert at.selectbox(key="scn_pick").value == shared
    a = demo_ws.addresses.iloc[2000]
    at.radio(key="scn_kind").set_value("add_centre").run()
    at.text_input(key="scn_centre_name").input("Familienzentrum Westfeld")
    at.text_input(key="scn_centre_provider").input("Stadt")
    at.multiselect(key="scn_centre_phases").set_value(["early_childhood", "kita"])
    at.text_input(key="scn_centre_address").input(f"{a['street']} {a['number']}")
    at.button[[b.label for b in at.button].index("Änderung speichern")].click().run()
    offer = demo_ws.offers["offer_id"].iat[5]
    at.radio(key="scn_kind").set_value("change").run()
    at.selectbox(key="scn_offer").set_value(offer)
    at.multiselect(key="scn_change_area").set_value(["SR07"])
    at.button[[b.label for b in at.button].index("Änderung speichern")].click().run()
    stored = read_workspace(path)
    mine = stored.scenario_changes[stored.scenario_changes["scenario_id"] == shared]
    assert list(mine["layer"]) == ["offers", "family_centres", "offers"]
    assert json.loads(mine["fields"].iat[2]) == {"service_area": ["SR07"]}
    text = shown_text(at)
    assert "Neues Familienzentrum „Familienzentrum Westfeld“" in text and "ändert: Einzugsgebiet" in text
