"""Lücken & Parallelstrukturen: ranked gaps, duplicate offers and broken transitions, with a
map, adjustable thresholds and CSV/XLSX downloads."""


import streamlit as st

from dashboard.analysis import coverage as C
from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t
from dashboard.model.life_phases import phase_priority
from dashboard.present import district_tables, maps, mapview, sentences
from dashboard.present.export import to_csv, to_xlsx
from dashboard.present.format import format_number, md
from dashboard.present.i18n import phase_labels

ws = widgets.scenario_workspace(cache.workspace())
cfg = state.settings()
lang = state.lang()
labels = phase_labels(ws.life_phases, lang)
phases = list(labels)

st.title(t("page_gaps"))
widgets.fictional_banner(ws)

STATE = {"gaps_phases": ("phases", "list", [], phases)}
state.init_state_from_url(STATE)
with st.sidebar.expander(t("cov_settings"), expanded=True):
    param_state, read_params = widgets.coverage_controls("gaps", st, extra=True, network=ws.has_streets)
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
st.caption(t("rules_note", walk=sentences.walk_rule(cov, lang)) + " " + sentences.access_rule(cov.params, lang))

gap_view = district_tables.gap_table(ws, gaps, lang)
dup_view = district_tables.duplicate_table(ws, dups, lang)
transition_view = district_tables.transition_table(transitions, lang)
heading = {c: t(f"heading.{c}") for c in ("reach_share", "offers_per_1000", "target_population", "reached", "overlap",
                                          "distance_m", "shared_persons", "reach_from", "reach_to")}
percent = st.column_config.NumberColumn(format="percent")
number = st.column_config.NumberColumn(format="%.1f")

left, right = st.columns([3, 2], gap="medium")
with left:
    tabs = st.tabs([t("tab_gaps"), t("tab_duplicates"), t("tab_transitions")]
                   + ([t("tab_difference")] if ws.has_streets else []))
    tab_gaps, tab_dups, tab_transitions = tabs[:3]
    with tab_gaps:
        st.markdown(t("n_gaps", n=len(gaps)))
        first = [labels[p] for p, level in phase_priority(ws.life_phases).items() if level == 1 and p in labels]
        st.caption(t("gap_rank_rule", phases=md(", ".join(first))))
        if len(gaps):
            st.markdown("\n".join(f"{i}. {md(s)}" for i, s in enumerate(gaps["sentence"].head(10), 1)))
        widgets.dataframe(gap_view, hide_index=True, width="stretch", column_config={
            heading["reach_share"]: percent, heading["offers_per_1000"]: number,
            heading["target_population"]: number, heading["reached"]: number})
        st.download_button(t("download_csv"), lambda: to_csv(gap_view), "luecken.csv", "text/csv", key="dl_gaps")
    with tab_dups:
        st.markdown(t("n_duplicates", n=len(dups)))
        widgets.dataframe(dup_view, hide_index=True, width="stretch", column_config={
            heading["overlap"]: percent, heading["distance_m"]: st.column_config.NumberColumn(format="%.0f"),
            heading["shared_persons"]: number})
        st.download_button(t("download_csv"), lambda: to_csv(dup_view), "parallelstrukturen.csv", "text/csv",
                           key="dl_dups")
    with tab_transitions:
        st.markdown(t("n_transitions", n=len(transitions)))
        widgets.dataframe(transition_view, hide_index=True, width="stretch", column_config={
            heading["reach_from"]: percent, heading["reach_to"]: percent})
        st.download_button(t("download_csv"), lambda: to_csv(transition_view), "uebergaenge.csv", "text/csv",
                           key="dl_transitions")
    if ws.has_streets:
        with tabs[3]:
            st.caption(t("difference_hint", walk=sentences.walk_rule(cov, lang),
                         detour=format_number(params.detour, 1, lang)))
            compared = cache.compare_distances(ws, params, cfg.disclosure_threshold)
            difference = district_tables.difference_table(ws, compared, lang)
            difference = difference[difference[t("heading.phase_label")].isin([labels[p] for p in chosen])]
            widgets.dataframe(difference, hide_index=True, width="stretch")
            st.download_button(t("download_csv"), lambda: to_csv(difference), "luftlinie_strassennetz.csv", "text/csv",
                               key="dl_difference")
            if ws.population_cells is not None and len(ws.population_cells):
                # where the numbers changed: default the phase that changed most
                order = [p for p in compared["phase_id"].drop_duplicates() if p in chosen]
                order += [p for p in chosen if p not in order]
                phase = st.selectbox(t("changed_cells_phase"), order, format_func=labels.get, key="gaps_change_phase")
                changed = cache.changed_cells(ws, params, phase)
                counts = changed["change"].value_counts()
                st.caption(t("n_changed_cells", lost=int(counts.get("lost", 0)), gained=int(counts.get("gained", 0))))
                change_map = widgets.base_map(cache.district_view(ws), ws=ws)
                layer, legend = mapview.changed_cells_layer(ws, changed, lang)
                widgets.show_map(change_map, key="gaps_change_map", height=420, returned_objects=[],
                                 feature_group_to_add=[mapview.unlisted_group(layer, maps.Legend(legend))])
    matrix = C.public_table(cov.table, cfg.disclosure_threshold)
    sheets = {t("sheet_gaps"): gap_view, t("sheet_duplicates"): dup_view, t("sheet_transitions"): transition_view,
              t("sheet_coverage_table"): matrix, **({t("sheet_difference"): difference} if ws.has_streets else {})}
    st.download_button(  # deferred: the workbook is written only when someone clicks (it took ~0.7 s of
        t("download_xlsx"), lambda: to_xlsx(sheets),  # every run with 5,000 offers); its words are made now,
        "luecken_parallelstrukturen.xlsx",  # in the reader's language (a click runs outside the page's run)
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="dl_xlsx")

with right:
    st.markdown(f"**{t('map_gaps')}**")
    m = widgets.base_map(cache.district_view(ws), ws=ws)  # stays in the browser: other rules redraw its layer groups
    layer, legend = mapview.gap_count_layer(ws, gaps, lang)
    groups = [mapview.unlisted_group(layer, maps.Legend(legend))]
    if len(dups):
        ids = set(dups["offer_a"]) | set(dups["offer_b"])
        involved = ws.offers[ws.offers["offer_id"].isin(ids)]
        points, _ = mapview.offer_layers(ws, involved, (), lang, session.may_see_personal_contacts())
        link = mapview.duplicate_links_layer(ws, dups, lang)
        groups += [mapview.feature_group(link, t("tab_duplicates")), mapview.feature_group(points, t("layer_offers"))]
    widgets.show_map(m, key="gaps_map", height=520, feature_group_to_add=groups, returned_objects=[],
                     layer_control=maps.folium.LayerControl(collapsed=True) if len(groups) > 1 else None)
