"""Lebenskette: heat matrix districts × life phases; a cell opens its offers on a small map
and the numbers behind it."""


import streamlit as st

from dashboard.analysis import coverage as C
from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t
from dashboard.present import district_tables, maps, mapview, sentences
from dashboard.present.format import md
from dashboard.present.i18n import phase_labels

ws = widgets.scenario_workspace(cache.workspace())
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
    param_state, read_params = widgets.coverage_controls("chain", st, network=ws.has_streets)
params = read_params()
cov = cache.coverage(ws, params)

measure = st.selectbox(t("measure_choice"), list(C.MEASURES), key="chain_measure",
                       format_func=lambda m: t(f"coverage_measure.{m}"))
state.sync_state_to_url({**STATE, **param_state})
st.caption(t("rules_note", walk=sentences.walk_rule(cov, lang)) + " " + sentences.access_rule(cov.params, lang))

# ---- heat matrix --------------------------------------------------------------------------
display, css = district_tables.chain_matrix(ws, cov, measure, cfg.disclosure_threshold, lang)
event = widgets.dataframe(
    display.style.apply(lambda _: css, axis=None), key="chain_matrix", on_select="rerun",
    selection_mode="single-cell", width="stretch", height=35 * (len(display) + 1) + 3,
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
st.subheader(md(f"{names[focus]} · {labels[phase]}"))
left, right = st.columns([3, 2], gap="medium")
with right:
    st.markdown(f"**{t('numbers_behind')}**")
    row = C.public_table(cov.table, cfg.disclosure_threshold).set_index(["district_id", "phase_id"]).loc[(focus, phase)]
    facts = district_tables.cell_facts(row, len(district_ids), cfg.disclosure_threshold, lang, C.has_need_index(ws))
    widgets.dataframe(facts, hide_index=True, width="stretch")
    st.markdown(f"**{t('transitions_here')}**")
    transitions = sentences.transitions_in_words(cov, ws, lang, cfg.disclosure_threshold)
    here = transitions[transitions["district_id"] == focus]
    if here.empty:
        st.caption(t("no_transitions"))
    for sentence in here["sentence"]:
        st.markdown(f"- {md(sentence)}")

with left:
    mine = cache.offers_serving(ws, focus, phase)
    m = widgets.base_map(cache.district_view(ws), ws=ws)  # stays in the browser: the district and phase come as layer groups
    layers = []
    cells = cache.district_cells(ws, cov, focus, phase)
    if len(cells):
        counts = cache.reach_cell_values(ws, phase, cov, cfg.disclosure_threshold)[cells["cell"].to_numpy()]
        layers.append(mapview.reach_cells_layer(ws, cells, counts, cfg.disclosure_threshold, lang))
    points, areas = mapview.offer_layers(ws, mine, (phase,), lang, session.may_see_personal_contacts())
    layers += [points, areas, mapview.focus_layer(ws, focus, lang)]
    legend = mapview.unlisted_group(maps.Legend(mapview.reach_legend(labels[phase], lang)))
    widgets.show_map(m, key="chain_map", height=460, returned_objects=[],
                     feature_group_to_add=[legend, *(mapview.feature_group(layer, layer.layer_name) for layer in layers)],
                     fit=cache.district_view(ws, focus))
    st.markdown(f"**{t('offers_serving')}** ({len(mine)})")
    widgets.dataframe(district_tables.offer_table(mine, lang), hide_index=True, width="stretch")
