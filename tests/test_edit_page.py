"""The 'Angebote pflegen' page with AppTest: roles, saving with history, lost updates."""

from __future__ import annotations

import pandas as pd
import pytest
from apptest_util import run_app

from dashboard.model.workspace import read_workspace
from dashboard.sources import editing

PAGE = "pages/edit.py"


@pytest.fixture
def town(monkeypatch, workspace_copy):
    monkeypatch.setenv("PRAEVENTIONSATLAS_WORKSPACE", str(workspace_copy))
    return workspace_copy


def test_viewer_cannot_edit(town):
    at = run_app(PAGE)
    assert not at.exception and "anmelden" in at.info[0].value


def test_planner_edits_an_offer_with_history(town):
    at = run_app(PAGE, session={"role": "planner", "user": "anna"})
    at.selectbox(key="edit_record").set_value("A0005").run()
    at.text_input[1].input("Geburtsvorbereitung am Abend")
    at.button[1].click().run()  # the form's save button submits the typed value
    assert not at.exception
    assert at.success[0].value == "Gespeichert."
    ws = read_workspace(town)
    assert ws.offers.set_index("offer_id").loc["A0005", "name"] == "Geburtsvorbereitung am Abend"
    history = at.dataframe[0].value
    assert history.iloc[0]["user"] == "anna" and history.iloc[0]["new"] == "Geburtsvorbereitung am Abend"


def test_lost_update_shows_a_message(town):
    at = run_app(PAGE, session={"role": "planner", "user": "anna"})
    at.selectbox(key="edit_record").set_value("A0006").run()  # anna opens the record (version 1)
    editing.edit_record(town, "offers", "A0006", {"name": "von Ben geändert"}, user="ben", role="planner")
    at.text_input[1].input("von Anna geändert")
    at.button[1].click().run()
    assert "Jemand anderes hat diesen Eintrag inzwischen gespeichert" in at.error[0].value
    assert read_workspace(town).offers.set_index("offer_id").loc["A0006", "name"] == "von Ben geändert"


def test_partner_sees_only_own_offers(town, demo_ws):
    at = run_app(PAGE, session={"role": "partner", "user": "awo", "organisation": "P003"})
    options = at.selectbox(key="edit_record").options
    own = demo_ws.offers[demo_ws.offers["partner_id"] == "P003"]
    assert len(options) == 1 + len(own)
    assert at.selectbox(key="edit_layer").options == ["Angebote"]


def test_invalid_change_is_explained(town):
    at = run_app(PAGE, session={"role": "planner", "user": "anna"})
    at.selectbox(key="edit_record").set_value("A0007").run()
    at.number_input[1].set_value(10.0)  # latitude far outside the municipality
    at.button[1].click().run()
    assert "nicht gespeichert" in at.error[0].value
    assert "außerhalb des Gemeindegebiets" in at.code[0].value


def test_position_by_address_sets_the_saved_point(town, demo_ws):
    """A planner finds an address (offline directory); the offer is saved at that house."""
    target = demo_ws.addresses.iloc[42]
    at = run_app(PAGE, session={"role": "planner", "user": "anna"})
    at.selectbox(key="edit_record").set_value("A0008").run()
    key = "edit_pos_offers_A0008"
    at.text_input(key=f"{key}_address").input("Nirgendweg 3")
    at.button(key=f"{key}_find").click().run()
    assert "nicht im Adressverzeichnis" in at.warning[-1].value
    typed = f"{target['street']} {target['number']}, {target['postcode']}"
    at.text_input(key=f"{key}_address").input(typed)
    at.button(key=f"{key}_find").click().run()
    assert not at.exception and not [w for w in at.warning if "Adressverzeichnis" in w.value]
    # the form's address field takes the found address as the directory writes it (place included)
    written = f"{typed} {target['place']}"
    assert at.text_input[4].value == written
    # a click on the map afterwards: no address is claimed for the clicked point, the form keeps
    # the offer's stored address (not the one found before, nor "Punkt auf der Karte")
    elsewhere = demo_ws.addresses.to_crs(4326).geometry.iloc[900]
    at.session_state[f"{key}_map"] = {"last_clicked": {"lat": elsewhere.y, "lng": elsewhere.x}}
    at.run()
    stored = demo_ws.offers.set_index("offer_id").loc["A0008", "address"]
    assert at.text_input[4].value == ("" if pd.isna(stored) else stored) and not [s for s in at.success if "Gefunden" in s.value]
    at.text_input(key=f"{key}_address").input(typed + " ")
    at.button(key=f"{key}_find").click().run()
    assert at.text_input[4].value == written
    at.button[1].click().run()
    assert at.success[-1].value == "Gespeichert."
    saved = read_workspace(town).offers.set_index("offer_id").loc["A0008"]
    assert saved.geometry.distance(target.geometry) < 0.5 and saved["address"] == written


@pytest.mark.parametrize("layer, record_id", [("offers", "A0005"), ("offers", None), ("family_centres", None),
                                              ("partners", None)])
def test_saving_unchanged_changes_nothing(town, demo_ws, layer, record_id):
    """Open a record and save it as it is: the file stays byte for byte the same (the database
    unchanged), no history row; an outreach offer (no site) does not get one."""
    from conftest import content_of

    id_col = editing.ID_COLUMNS[layer]
    frame = getattr(demo_ws, layer)
    if record_id is None:
        record_id = frame[frame.geometry.isna()].iloc[0][id_col] if layer == "offers" else frame.iloc[0][id_col]
    before = content_of(town)
    at = run_app(PAGE, session={"role": "planner", "user": "anna"})
    at.selectbox(key="edit_layer").set_value(layer).run()
    at.selectbox(key="edit_record").set_value(record_id).run()
    at.button[1].click().run()
    assert at.info[0].value == "Nichts geändert – nichts gespeichert."
    assert content_of(town) == before
    assert len(read_workspace(town).history) == len(demo_ws.history)


def test_new_record_needs_a_position(town, demo_ws):
    at = run_app(PAGE, session={"role": "planner", "user": "anna"})
    at.text_input[1].input("Neues Elterncafé")
    at.button[1].click().run()
    assert "Bitte die Lage angeben" in at.error[0].value
    assert len(read_workspace(town).offers) == len(demo_ws.offers)
