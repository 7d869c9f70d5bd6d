"""Tables and map layers people read about districts, in both languages, on the demo city."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.analysis import coverage as C
from dashboard.present import district_tables, mapview, sentences
from dashboard.sources import editing


@pytest.fixture(scope="module")
def cov(demo_ws):
    return C.coverage(demo_ws)


def test_chain_matrix_shows_published_values_and_marks_gaps(demo_ws, cov):
    texts, css = district_tables.chain_matrix(demo_ws, cov, "reach_share", 3, "de")
    phases = list(demo_ws.life_phases.sort_values("position")["phase_id"])
    assert list(texts.columns) == phases and list(texts.index)[-1] == "Stadt gesamt"
    assert list(texts.index)[:-1] == list(demo_ws.districts["name"])
    shown = C.public_table(cov.table, 3).set_index(["district_id", "phase_id"])["reach_share"]
    first = demo_ws.districts["district_id"].iloc[0]
    for phase in phases:
        value = shown.loc[(first, phase)]
        assert texts.loc[demo_ws.districts["name"].iloc[0], phase] == ("–" if pd.isna(value) else f"{100 * value:.0f} %")
    below = (cov.matrix("reach_share") < cov.params.min_reach).to_numpy()
    bold = css.iloc[:-1].map(lambda c: "font-weight: bold" in c).to_numpy()
    assert bold.any() and (bold == (below & (texts.iloc[:-1] != "–").to_numpy())).all()
    assert (css.to_numpy()[(texts == "–").to_numpy()] == "").all()  # withheld cells stay plain
    texts_en, _ = district_tables.chain_matrix(demo_ws, cov, "target_population", 3, "en")
    assert list(texts_en.index)[-1] == "Whole city"
    assert not texts_en.isin(["1", "2"]).any().any()  # small counts never shown


def test_cell_facts_in_both_languages_withhold_small_counts(demo_ws, cov):
    row = C.public_table(cov.table, 3).set_index(["district_id", "phase_id"]).iloc[0].copy()
    row["reached"] = np.nan  # withheld
    de = district_tables.cell_facts(row, 14, 3, "de")
    en = district_tables.cell_facts(row, 14, 3, "en")
    assert de.iloc[1, 0] == "davon erreicht" and de.iloc[1, 1] == "keine Angabe"
    assert en.iloc[1, 0] == "of whom reached" and list(en.columns) == ["", "Value"]
    assert de.iloc[-1, 1] == f"{int(row['need_rank'])} / 14"


def test_gap_and_duplicate_tables_have_headings_in_the_ui_language(demo_ws, cov):
    gaps = sentences.gaps_in_words(cov, demo_ws, "en", 3)
    table = district_tables.gap_table(demo_ws, gaps, "en")
    assert list(table.columns)[:3] == ["Finding", "District", "Life phase"] and len(table) == len(gaps)
    dups = C.public_table(C.duplicates(demo_ws), 3)
    assert list(district_tables.duplicate_table(demo_ws, dups, "de").columns)[3] == "Angebot A"
    per_phase = district_tables.offers_per_phase(demo_ws, demo_ws.offers, "SR01", "de")
    assert list(per_phase.columns) == ["Lebensphase", "vor Ort", "aufsuchend"] and per_phase["vor Ort"].sum() > 0


def test_gap_count_layer_shades_by_number_of_gaps(demo_ws, cov):
    gaps = sentences.gaps_in_words(cov, demo_ws, "de", 3)
    layer, legend = mapview.gap_count_layer(demo_ws, gaps, "de")
    counts = gaps.groupby("district_id").size()
    fills = {f["properties"]["district_id"]: f["properties"]["_style"]["fillColor"] for f in layer.features}
    assert all(fills[d] == "#f7f7f7" for d in demo_ws.districts["district_id"] if d not in counts)
    assert fills[counts.idxmax()] != "#f7f7f7" and f"≤ {counts.max()}" in legend


def test_duplicate_links_join_the_two_offers(demo_ws):
    dups = C.public_table(C.duplicates(demo_ws), 3)
    layer = mapview.duplicate_links_layer(demo_ws, dups, "de")
    assert len(layer.features) == len(dups) > 0
    assert all(len(f["geometry"]["coordinates"]) == 2 for f in layer.features)


def test_who_may_edit_an_organisations_offers():
    assert editing.may_edit_offers_of("planner", None, "P1")
    assert editing.may_edit_offers_of("partner", "P1", "P1")
    assert not editing.may_edit_offers_of("partner", "P2", "P1")
    assert not editing.may_edit_offers_of("partner", None, None)
    assert not editing.may_edit_offers_of("viewer", "P1", "P1")


def test_offer_list_names_the_life_phases_in_words(demo_ws):
    offers = demo_ws.offers.iloc[:30]
    listed = district_tables.offer_list(demo_ws, offers, "de")
    assert list(listed.columns) == ["Angebot", "Lebensphasen", "Träger", "Adresse"]
    assert list(listed["Angebot"]) == sorted(offers["name"])
    first = offers.sort_values("name", kind="stable").iloc[0]
    labels = dict(zip(demo_ws.life_phases["phase_id"], demo_ws.life_phases["label_de"]))
    assert listed["Lebensphasen"].iloc[0] == ", ".join(labels[p] for p in first["life_phases"])
    outreach = offers.geometry.isna().sum()
    assert (listed["Adresse"] == "aufsuchend").sum() == outreach
    assert list(district_tables.offer_list(demo_ws, offers, "en").columns)[1] == "Life phases"
