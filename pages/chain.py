"""Lebenskette: heat matrix districts × life phases; a cell opens its offers on a small map
and the numbers behind it."""

import html

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.analysis import coverage as C
from dashboard.analysis import district
from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t, term
from dashboard.present import classify, maps, mapview, sentences
from dashboard.present.format import format_count, format_number
from dashboard.present.i18n import phase_labels

ws = cache.workspace()
cfg = state.settings()
lang = state.lang()
labels = phase_labels(ws.life_phases, lang)
names = dict(zip(ws.districts["district_id"], ws.districts["name"]))
phases = list(labels)
district_ids = list(names)

st.title(t("page_chain"))
widgets.fictional_banner(ws)

STATE = {
    "chain_measure": ("measure", "str", "reach_share", tuple(C.MEASURES)),
    "chain_district": ("d", "str", district_ids[0], district_ids),
    "chain_phase": ("p", "str", phases[1] if len(phases) > 1 else phases[0], phases),
}
pending = st.session_state.pop("_chain_pending", None)
if pending:
    st.session_state["chain_district"], st.session_state["chain_phase"] = pending
state.init_state_from_url(STATE)
with st.sidebar.expander(t("cov_settings"), expanded=True):
    param_state, read_params = widgets.coverage_controls("chain", st)
params = read_params()
cov = cache.coverage(ws, params)

measure = st.selectbox(t("measure_choice"), list(C.MEASURES), key="chain_measure",
                       format_func=lambda m: t(f"coverage_measure.{m}"))
state.sync_state_to_url({**STATE, **param_state})
st.caption(t("rules_note", dist=int(params.radius_m), detour=format_number(params.detour, 1, lang)))

# ---- heat matrix --------------------------------------------------------------------------
shown = C.public_table(cov.table, cfg.disclosure_threshold)
matrix = shown.pivot(index="district_id", columns="phase_id", values=measure).reindex(index=district_ids,
                                                                                     columns=phases)
city = C.public_table(cov.city, cfg.disclosure_threshold).set_index("phase_id")[measure].reindex(phases)
values = pd.concat([matrix, city.to_frame().T.set_axis(["__city__"])])
values.index = [names.get(i, t("city_row")) for i in values.index]
is_share = measure == "reach_share"
is_count = measure in ("offers", "target_population")


def fmt(v):
    if pd.isna(v):
        return "–"
    if is_share:
        return f"{100 * v:.0f} %"
    if measure == "target_population":
        return format_count(v, cfg.disclosure_threshold, lang)
    return format_number(v, 0 if is_count else 1, lang)


finite = values.to_numpy(float)[np.isfinite(values.to_numpy(float))]
colours = classify.palette("YlGnBu", 5)
edges = np.quantile(finite, [0.2, 0.4, 0.6, 0.8]) if finite.size else np.array([])
below = cov.matrix("reach_share").reindex(index=district_ids, columns=phases) < params.min_reach


def style(frame):
    css = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for i, row in enumerate(frame.index):
        for j, col in enumerate(frame.columns):
            v = values.iat[i, j]
            if pd.isna(v):
                continue
            k = int(np.searchsorted(edges, v, side="right")) if edges.size else 2
            text = "#ffffff" if k >= 3 else "#000000"
            gap = i < len(district_ids) and bool(below.iat[i, j]) and cov.table["target_population"].any()
            css.iat[i, j] = f"background-color: {colours[k]}; color: {'#b2182b' if gap and k < 3 else text};" + \
                ("font-weight: bold;" if gap else "")
    return css


display = values.map(fmt)
styled = display.style.apply(style, axis=None)
event = st.dataframe(
    styled, key="chain_matrix", on_select="rerun", selection_mode="single-cell", width="stretch",
    height=35 * (len(display) + 1) + 3,
    column_config={p: st.column_config.TextColumn(labels[p]) for p in phases},
)
st.caption(t("chain_hint"))
selected = (event.selection.get("cells") if event and event.selection else None) or []
if selected:
    row, col = selected[0]
    if row < len(district_ids) and col in phases and (district_ids[row], col) != (
            st.session_state["chain_district"], st.session_state["chain_phase"]):
        st.session_state["_chain_pending"] = (district_ids[row], col)
        st.rerun()

# ---- the cell behind it -----------------------------------------------------------------
c1, c2 = st.columns(2)
c1.selectbox(t("district"), district_ids, key="chain_district", format_func=names.get)
c2.selectbox(t("phase"), phases, key="chain_phase", format_func=labels.get)
focus, phase = st.session_state["chain_district"], st.session_state["chain_phase"]
row = shown.set_index(["district_id", "phase_id"]).loc[(focus, phase)]
st.subheader(f"{names[focus]} · {labels[phase]}")
left, right = st.columns([3, 2], gap="medium")
with right:
    st.markdown(f"**{t('numbers_behind')}**")
    de = lang == "de"
    facts = pd.DataFrame({
        "": ["Zielgruppe (Personen)" if de else "Target population (persons)",
             "davon erreicht" if de else "of whom reached",
             "Erreichung" if de else "Reach",
             "Angebote (davon aufsuchend)" if de else "Offers (of which outreach)",
             "Plätze" if de else "Places",
             "Angebote je 1.000" if de else "Offers per 1,000",
             "Plätze je 1.000" if de else "Places per 1,000",
             "Erreichbarkeit (2SFCA, je 1.000)" if de else "Accessibility (2SFCA, per 1,000)",
             t("need_rank")],
        "Wert" if de else "Value": [
            format_count(row["target_population"], cfg.disclosure_threshold, lang)
            + (" (" + t("estimated") + ")" if row["estimated"] else ""),
            format_count(row["reached"], cfg.disclosure_threshold, lang),
            "–" if pd.isna(row["reach_share"]) else f"{100 * row['reach_share']:.0f} %",
            f"{int(row['offers'])} ({int(row['outreach_offers'])})",
            format_number(row["capacity"], 0, lang),
            format_number(row["offers_per_1000"], 1, lang),
            format_number(row["places_per_1000"], 1, lang),
            format_number(row["access_2sfca"], 2, lang),
            f"{int(row['need_rank'])} / {len(district_ids)}",
        ],
    })
    st.dataframe(facts, hide_index=True, width="stretch")
    st.markdown(f"**{t('transitions_here')}**")
    transitions = sentences.transitions_in_words(cov, ws, lang, cfg.disclosure_threshold)
    here = transitions[transitions["district_id"] == focus]
    if here.empty:
        st.caption(t("no_transitions"))
    for sentence in here["sentence"]:
        st.markdown(f"- {html.escape(sentence)}")

with left:
    offers = ws.offers
    serving = district.offer_districts(ws, offers)
    ids = set(serving.loc[serving["district_id"] == focus, "offer_id"])
    mine = offers[offers["offer_id"].isin(ids) & offers["life_phases"].map(lambda p: phase in p)]
    m = widgets.base_map(ws.districts[ws.districts["district_id"] == focus])
    layers = []
    if ws.population_cells is not None:
        k = phases.index(phase)
        cells = ws.population_cells
        in_district = district.sites_in_district(ws, cells.assign(geometry=cells.geometry.centroid), focus).index
        pos = cells.index.get_indexer(in_district)
        persons = cache.cell_persons(ws)[pos, k]
        keep = persons > 0
        reached = cov.cell_reached[pos[keep], k] | (row["outreach_offers"] > 0)  # outreach covers everyone
        # counts as published: no sum of cells gives a withheld figure of a district
        reached_withheld = shown[shown["phase_id"] == phase].set_index("district_id")["reached"].isna()
        counts = cache.reach_cell_values(ws, phase, cov, reached_withheld, cfg.disclosure_threshold)[pos[keep]]
        style = [{"stroke": False, "fillColor": "#1a9850" if r else "#f46d43", "fillOpacity": 0.55} for r in reached]
        tips = [f"{format_count(p, cfg.disclosure_threshold, lang)} · "
                f"{t('reached_cells') if r else t('unreached_cells')}" for p, r in zip(counts, reached)]
        layers.append(maps.GeoJsonLayer(maps.area_features(cells.geometry.iloc[pos[keep]], {"_tooltip": tips}, style),
                                        name=t("layer_grid"), canvas=True))
    points, areas = mapview.offer_layers(ws, mine, (phase,), lang, session.may_see_personal_contacts())
    layers += [points, areas, mapview.focus_layer(ws, focus, lang)]
    groups = [mapview.feature_group(layer, layer.layer_name) for layer in layers]
    legend = maps.legend_html([html.escape(labels[phase])],
                              [("#1a9850", t("reached_cells")), ("#f46d43", t("unreached_cells"))], [])
    maps.Legend(legend).add_to(m)
    widgets.show_map(m, key="chain_map", height=460, feature_group_to_add=groups, returned_objects=[])
    st.markdown(f"**{t('offers_serving')}** ({len(mine)})")
    st.dataframe(mine[["name", "provider", "category", "address"]].assign(
        category=mine["category"].map(term)).rename(columns={
        "name": "Angebot" if lang == "de" else "Offer", "provider": t("provider"),
        "category": t("category"), "address": t("address")}), hide_index=True, width="stretch")
