"""Lücken & Parallelstrukturen: ranked gaps, duplicate offers and broken transitions, with a
map, adjustable thresholds and CSV/XLSX downloads."""

import html

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.analysis import coverage as C
from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t, term
from dashboard.model.life_phases import phase_priority
from dashboard.present import classify, maps, mapview, sentences
from dashboard.present.export import to_csv, to_xlsx
from dashboard.present.format import format_number
from dashboard.present.i18n import phase_labels

ws = cache.workspace()
cfg = state.settings()
lang = state.lang()
de = lang == "de"
labels = phase_labels(ws.life_phases, lang)
phases = list(labels)

st.title(t("page_gaps"))
widgets.fictional_banner(ws)

STATE = {"gaps_phases": ("phases", "list", [], phases)}
state.init_state_from_url(STATE)
with st.sidebar.expander(t("cov_settings"), expanded=True):
    param_state, read_params = widgets.coverage_controls("gaps", st, extra=True)
st.multiselect(t("phases_shown"), phases, key="gaps_phases", format_func=labels.get, select_all=False, placeholder=t("all"))
state.sync_state_to_url({**STATE, **param_state})
params = read_params()
chosen = st.session_state["gaps_phases"] or phases

cov = cache.coverage(ws, params)
gaps = sentences.gaps_in_words(cov, ws, lang, cfg.disclosure_threshold)
gaps = gaps[gaps["phase_id"].isin(chosen)].reset_index(drop=True)
dups = C.public_table(cache.duplicates(ws, params), cfg.disclosure_threshold)
dups = dups[dups["phase_id"].isin(chosen)].reset_index(drop=True)
transitions = sentences.transitions_in_words(cov, ws, lang, cfg.disclosure_threshold)
transitions = transitions[transitions["from_phase"].isin(chosen) | transitions["to_phase"].isin(chosen)]
st.caption(t("rules_note", dist=int(params.radius_m), detour=format_number(params.detour, 1, lang)))

GAP_COLUMNS = {
    "sentence": "Befund" if de else "Finding", "district": t("district"), "phase": t("phase"),
    "target_population": "Zielgruppe" if de else "Target population", "reached": "erreicht" if de else "reached",
    "reach_share": "Erreichung" if de else "Reach", "offers_per_1000": "Angebote je 1.000" if de else "Offers per 1,000",
    "need_rank": t("need_rank"), "priority_rank": "Rang" if de else "Rank",
}
DUP_COLUMNS = {
    "cluster": "Gruppe" if de else "Cluster", "phase": t("phase"), "topic": t("topic"),
    "name_a": "Angebot A" if de else "Offer A", "provider_a": "Träger A" if de else "Provider A",
    "name_b": "Angebot B" if de else "Offer B", "provider_b": "Träger B" if de else "Provider B",
    "distance_m": "Abstand (m)" if de else "Distance (m)",
    "shared_persons": "gemeinsame Zielgruppe" if de else "shared target group",
    "overlap": "Überschneidung" if de else "Overlap",
}
TRANSITION_COLUMNS = {"sentence": "Befund" if de else "Finding", "district": t("district"),
                      "reach_from": "Erreichung vorher" if de else "Reach before",
                      "reach_to": "Erreichung nachher" if de else "Reach after"}
gaps = gaps.assign(phase=gaps["phase_id"].map(labels))
gap_view = gaps[list(GAP_COLUMNS)].rename(columns=GAP_COLUMNS)
dup_view = dups.assign(topic=dups["topic"].map(term), phase=dups["phase_id"].map(labels))[list(DUP_COLUMNS)].rename(columns=DUP_COLUMNS)
transition_view = transitions[list(TRANSITION_COLUMNS)].rename(columns=TRANSITION_COLUMNS)
percent = st.column_config.NumberColumn(format="percent")
number = st.column_config.NumberColumn(format="%.1f")

left, right = st.columns([3, 2], gap="medium")
with left:
    tab_gaps, tab_dups, tab_transitions = st.tabs([t("tab_gaps"), t("tab_duplicates"), t("tab_transitions")])
    with tab_gaps:
        st.markdown(t("n_gaps", n=len(gaps)))
        first = [labels[p] for p, level in phase_priority(ws.life_phases).items() if level == 1 and p in labels]
        st.caption(t("gap_rank_rule", phases=", ".join(first)))
        if len(gaps):
            st.markdown("\n".join(f"{i}. {html.escape(s)}" for i, s in enumerate(gaps["sentence"].head(10), 1)))
        st.dataframe(gap_view, hide_index=True, width="stretch", column_config={
            GAP_COLUMNS["reach_share"]: percent, GAP_COLUMNS["offers_per_1000"]: number,
            GAP_COLUMNS["target_population"]: number, GAP_COLUMNS["reached"]: number})
        st.download_button(t("download_csv"), to_csv(gap_view), "luecken.csv", "text/csv", key="dl_gaps")
    with tab_dups:
        st.markdown(t("n_duplicates", n=len(dups)))
        st.dataframe(dup_view, hide_index=True, width="stretch", column_config={
            DUP_COLUMNS["overlap"]: percent, DUP_COLUMNS["distance_m"]: st.column_config.NumberColumn(format="%.0f"),
            DUP_COLUMNS["shared_persons"]: number})
        st.download_button(t("download_csv"), to_csv(dup_view), "parallelstrukturen.csv", "text/csv",
                           key="dl_dups")
    with tab_transitions:
        st.markdown(t("n_transitions", n=len(transitions)))
        st.dataframe(transition_view, hide_index=True, width="stretch", column_config={
            TRANSITION_COLUMNS["reach_from"]: percent, TRANSITION_COLUMNS["reach_to"]: percent})
        st.download_button(t("download_csv"), to_csv(transition_view), "uebergaenge.csv", "text/csv",
                           key="dl_transitions")
    matrix = C.public_table(cov.table, cfg.disclosure_threshold)
    st.download_button(
        t("download_xlsx"),
        to_xlsx({"Lücken" if de else "Gaps": gap_view, "Parallelstrukturen" if de else "Duplicates": dup_view,
                 "Übergänge" if de else "Transitions": transition_view, "Abdeckung" if de else "Coverage": matrix}),
        "luecken_parallelstrukturen.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="dl_xlsx")

with right:
    st.markdown(f"**{t('map_gaps')}**")
    counts = gaps.groupby("district_id").size().reindex(ws.districts["district_id"], fill_value=0)
    palette = classify.palette("YlOrRd", 5)
    top = max(int(counts.max()), 1)
    fill = [palette[min(4, int(np.ceil(4 * c / top)))] if c else "#f7f7f7" for c in counts]
    first = gaps.drop_duplicates("district_id").set_index("district_id")["sentence"]
    tips = [f"<b>{html.escape(n)}</b>: {c} {t('tab_gaps')}" + (f"<br>{html.escape(first[d])}" if d in first else "")
            for d, n, c in zip(ws.districts["district_id"], ws.districts["name"], counts)]
    style = [{"color": "#444444", "weight": 1, "fillColor": f, "fillOpacity": 0.75} for f in fill]
    m = widgets.base_map(ws.districts)
    maps.GeoJsonLayer(maps.area_features(ws.districts.geometry, {"district_id": list(counts.index), "_tooltip": tips},
                                         style), name=t("map_gaps"), control=False).add_to(m)
    legend = [("#f7f7f7", "0")] + [(palette[k], f"≤ {int(np.ceil(top * k / 4))}") for k in range(1, 5)
                                   if int(np.ceil(top * k / 4)) > int(np.ceil(top * (k - 1) / 4))]
    maps.Legend(maps.legend_html([t("map_gaps")], legend, [])).add_to(m)
    groups = []
    if len(dups):
        ids = set(dups["offer_a"]) | set(dups["offer_b"])
        involved = ws.offers[ws.offers["offer_id"].isin(ids)]
        points, _ = mapview.offer_layers(ws, involved, (), lang, session.may_see_personal_contacts())
        pos = involved.set_index("offer_id").geometry
        lines = pd.Series([maps.shapely.LineString([pos[a], pos[b]]) for a, b in zip(dups["offer_a"], dups["offer_b"])])
        tips = [html.escape(f"{a} ↔ {b}: {100 * o:.0f} %") for a, b, o in zip(dups["name_a"], dups["name_b"],
                                                                            dups["overlap"])]
        link = maps.GeoJsonLayer(maps.area_features(maps.gpd.GeoSeries(lines, crs=ws.crs), {"_tooltip": tips},
                                                    {"color": "#6a3d9a", "weight": 3}),
                                 name=t("tab_duplicates"))
        groups = [mapview.feature_group(link, t("tab_duplicates")), mapview.feature_group(points, t("layer_offers"))]
    widgets.show_map(m, key="gaps_map", height=520, feature_group_to_add=groups or None, returned_objects=[],
                layer_control=maps.folium.LayerControl(collapsed=True) if groups else None)
