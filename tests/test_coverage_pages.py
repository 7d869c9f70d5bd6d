"""The Lebenskette and Lücken & Parallelstrukturen pages with AppTest."""

from __future__ import annotations

import json

import pytest
from apptest_util import map_args, run_app, shown

from dashboard.analysis import coverage as C
from dashboard.present import sentences


@pytest.fixture(autouse=True)
def _default_workspace(monkeypatch):
    monkeypatch.delenv("PRAEVENTIONSATLAS_WORKSPACE", raising=False)


@pytest.fixture(scope="module")
def demo_coverage(demo_ws):
    return C.coverage(demo_ws)


def test_chain_matrix_shows_the_measure(demo_ws, demo_coverage):
    at = run_app("pages/chain.py")
    assert not at.exception
    matrix = at.dataframe[0].value.data if hasattr(at.dataframe[0].value, "data") else at.dataframe[0].value
    assert list(matrix.index[:-1]) == list(demo_ws.districts["name"])
    assert matrix.index[-1] == "Stadt gesamt"
    westfeld = demo_coverage.table.set_index(["district_name", "phase_id"]).loc[("Westfeld", "early_childhood")]
    assert matrix.loc["Westfeld", "early_childhood"] == f"{100 * westfeld['reach_share']:.0f} %"


def test_chain_other_measure_and_radius_from_url(demo_ws):
    at = run_app("pages/chain.py", query={"measure": "offers", "radius": "500", "d": "SR07", "p": "kita"})
    assert not at.exception
    assert at.selectbox(key="chain_measure").value == "offers"
    assert at.sidebar.slider(key="chain_radius").value == 500
    assert shown(at.subheader[0].value) == "Westfeld · Kita-Alter (3–<6)"
    expected = C.coverage(demo_ws, C.CoverageParams(radius_m=500)).table
    row = expected.set_index(["district_id", "phase_id"]).loc[("SR07", "kita")]
    facts = next(d.value for d in at.dataframe if "Wert" in d.value.columns)
    assert facts.iloc[2, 1] == f"{100 * row['reach_share']:.0f} %"
    assert facts.iloc[3, 1] == f"{int(row['offers'])} ({int(row['outreach_offers'])})"


def test_clicking_a_matrix_cell_opens_it():
    at = run_app("pages/chain.py")
    at.session_state["chain_matrix"] = {"selection": {"rows": [], "columns": [], "cells": [[6, "kita"]]}}
    at.run()
    assert not at.exception
    assert shown(at.subheader[0].value) == "Westfeld · Kita-Alter (3–<6)"
    assert at.query_params["d"] in ("SR07", ["SR07"]) and at.query_params["p"] in ("kita", ["kita"])
    fg = map_args(at)["feature_group"]
    assert "#f46d43" in fg or "#1a9850" in fg  # cells coloured reached / not reached


def test_gaps_page_lists_and_offers_downloads(demo_ws, demo_coverage):
    at = run_app("pages/gaps.py")
    assert not at.exception
    expected = sentences.gaps_in_words(demo_coverage, demo_ws)
    assert at.markdown[0].value == f"{len(expected)} Lücken, nach Rang"
    assert any(shown(c.value).startswith("Rang: zuerst die Lebensphasen mit Vorrang (Schwangerschaft & Geburt, ")
               for c in at.caption)
    assert expected["sentence"].iloc[0] in shown(at.markdown[1].value)
    labels = [b.label for b in at.get("download_button")]
    assert "Alle Tabellen als Excel (XLSX)" in labels and labels.count("CSV herunterladen") == 4  # and straight line vs. streets


def test_gaps_threshold_and_phase_filter():
    at = run_app("pages/gaps.py", query={"minreach": "90", "phases": "early_childhood"})
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table["Lebensphase"]) == {"Frühe Kindheit (0–<3)"}
    assert (table["Erreichung"].dropna() < 0.9).all()
    low = run_app("pages/gaps.py", query={"minreach": "10", "phases": "early_childhood"})
    assert len(low.dataframe[0].value) < len(table)


def test_duplicates_tab_and_map(demo_ws):
    at = run_app("pages/gaps.py", query={"overlap": "95"})
    dup = at.dataframe[1].value
    assert (dup["Überschneidung"] >= 0.95).all()
    assert len(dup) < len(run_app("pages/gaps.py").dataframe[1].value)
    assert any("Parallelstrukturen" in (map_args(at, i)["layer_control"] or "") for i in range(2))  # gaps, changes


def test_gaps_page_in_english():
    at = run_app("pages/gaps.py", query={"lang": "en"})
    assert not at.exception
    assert at.title[0].value == "Gaps & duplicates"
    assert "only" in at.markdown[1].value


@pytest.fixture
def without_streets(demo_ws, tmp_path, monkeypatch):
    """The demo city without its street network: distances fall back to straight line × detour."""
    from dataclasses import replace

    from dashboard.model.workspace import write_workspace

    path = write_workspace(replace(demo_ws, street_nodes=demo_ws.street_nodes.iloc[:0],
                                   street_edges=demo_ws.street_edges.iloc[:0]), tmp_path / "ohne_strassen.gpkg")
    monkeypatch.setenv("PRAEVENTIONSATLAS_WORKSPACE", str(path))
    return path


@pytest.mark.parametrize("page", ["pages/gaps.py", "pages/chain.py"])
def test_rules_note_uses_the_decimal_comma(page, without_streets):
    at = run_app(page)
    note = next(c.value for c in at.caption if "Luftlinie" in c.value)
    assert "× 1,3" in note and "1.3" not in note and "kein Straßennetz" in note
    assert not at.sidebar.select_slider(key=f"{page[6:-3]}_detour").disabled
    english = run_app(page, query={"lang": "en"})
    assert "× 1.3" in next(c.value for c in english.caption if "straight line" in c.value)


@pytest.mark.parametrize("page", ["pages/gaps.py", "pages/chain.py"])
def test_the_page_says_distances_are_walked_on_the_streets(page):
    at = run_app(page)
    rule = next(c.value for c in at.caption if c.value.startswith("Erreichung:"))
    assert "1000 m Fußweg auf dem Straßennetz" in rule and "Luftlinie" not in rule
    # the detour factor does not apply: said in words, no greyed-out control (WCAG contrast)
    assert not [s for s in at.sidebar.select_slider if s.key == f"{page[6:-3]}_detour"]
    assert any(c.value.startswith("Umwegfaktor: entfällt") for c in at.sidebar.caption)


def test_gaps_page_compares_straight_line_and_streets(demo_ws):
    at = run_app("pages/gaps.py")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Erreichung Straßennetz (%)" in d.value.columns)
    expected = C.compare_distances(demo_ws.current(), C.CoverageParams(), threshold=3)
    assert len(table) == len(expected) and table["Sozialraum"].iloc[0] == expected["district_name"].iloc[0]
    assert any(shown(c.value).startswith("Warum haben sich die Zahlen geändert?") for c in at.caption)
    # the places behind it: a map of the cells that change, the phase that changed most first
    first = expected["phase_id"].iloc[0]
    assert at.selectbox(key="gaps_change_phase").value == first
    changed = C.changed_cells(demo_ws.current(), C.CoverageParams(), first)
    lost, gained = (changed["change"] == "lost").sum(), (changed["change"] == "gained").sum()
    assert lost + gained > 0
    assert any(c.value == f"{lost} Rasterzellen verlieren die Erreichung, {gained} gewinnen sie." for c in at.caption)
    change_map = json.dumps(map_args(at, 0), ensure_ascii=False) + json.dumps(map_args(at, 1), ensure_ascii=False)
    # one tooltip per cell, and the legend
    assert change_map.count("nur Luftlinie erreicht") == lost + 1
    assert change_map.count("nur auf den Straßen erreicht") == gained + 1
    other = next(p for p in demo_ws.life_phases["phase_id"] if p != first)
    at.selectbox(key="gaps_change_phase").set_value(other).run()
    again = C.changed_cells(demo_ws.current(), C.CoverageParams(), other)
    assert any(c.value.startswith(f"{(again['change'] == 'lost').sum()} Rasterzellen") for c in at.caption)


def test_gaps_page_without_streets_has_no_comparison(without_streets):
    at = run_app("pages/gaps.py")
    assert not any("Erreichung Straßennetz (%)" in d.value.columns for d in at.dataframe)


def test_gaussian_2sfca_from_the_sidebar_and_the_url(demo_ws):
    """The 2SFCA's distance weighting is a choice in the sidebar (kept in the URL); the matrix
    shows the Gaussian figures and the rules say so."""
    at = run_app("pages/chain.py", query={"measure": "access_2sfca", "decay": "gaussian"})
    assert not at.exception
    assert at.sidebar.radio(key="chain_decay").value == "gaussian"
    assert any("Nähere zählen mehr (Gauß-Gewichtung, σ = 500 m)" in c.value for c in at.caption)
    matrix = at.dataframe[0].value.data if hasattr(at.dataframe[0].value, "data") else at.dataframe[0].value
    for decay in ("gaussian", "none"):
        expected = C.coverage(demo_ws, C.CoverageParams(decay=decay)).table.set_index(["district_name", "phase_id"])
        value = expected.loc[("Westfeld", "early_childhood"), "access_2sfca"]
        shown_value = matrix.loc["Westfeld", "early_childhood"]
        assert (shown_value == f"{value:.1f}".replace(".", ",")) == (decay == "gaussian"), (decay, shown_value, value)
    at.sidebar.radio(key="chain_decay").set_value("none").run()
    assert any("jeder Weg im Einzugsbereich zählt gleich" in c.value for c in at.caption)
