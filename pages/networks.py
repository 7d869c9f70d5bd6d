"""Netzwerke: who works with whom in the Präventionskette – the graph of networks and
partners (coloured by sector or Rechtskreis), per network its members, phases and
sectors, cross-sector ties, and the holes: partners in no network, Sozialräume without a
network partner, life phases without a network. A clicked network's members on the map."""


import pandas as pd
import streamlit as st

from dashboard.analysis import networks
from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t, term
from dashboard.present import i18n, maps, mapview, network_chart
from dashboard.present.format import md
from dashboard.present.i18n import phase_labels

ws = cache.workspace()
lang = state.lang()
st.title(t("page_networks"))
widgets.fictional_banner(ws)
labels = phase_labels(ws.life_phases, lang)
names = dict(zip(ws.networks["network_id"], ws.networks["name"]))

# A click on a network node in the graph (previous run's selection) chooses that network.
event = st.session_state.get("net_graph") or {}
points = (event.get("selection") or {}).get("points") or []
clicked = next((p["customdata"][1] for p in points if (p.get("customdata") or [None])[0] == "network"), None)
if clicked in names and clicked != st.session_state.get("_net_clicked"):
    st.session_state["_net_clicked"] = clicked
    st.session_state["net_pick"] = clicked

c1, c2 = st.columns([1, 2])
colour_by = c1.radio(t("net_colour_by"), ["sector", "legal_domain"], horizontal=True, key="net_colour",
                     format_func=lambda k: t(f"net_colour_{k}"))
chosen = c2.selectbox(t("net_pick"), [None, *names], key="net_pick",
                      format_func=lambda k: "—" if k is None else names[k])
st.caption(t("net_pick_hint"))

graph_col, map_col = st.columns([3, 2])
with graph_col:
    own = st.session_state.get("organisation") if session.role() == "partner" else None
    fig = network_chart.network_figure(ws, colour_by=colour_by, lang=lang, highlight=chosen,
                                       positions=cache.network_layout(ws), own=own)
    st.plotly_chart(fig, key="net_graph", on_select="rerun", selection_mode="points",
                    config={"displaylogo": False, "scrollZoom": True})
with map_col:
    members = networks.members_of(ws, chosen) if chosen else ws.partners.iloc[:0]
    personal = session.may_see_personal_contacts()
    if chosen:
        st.markdown(f"**{md(t('net_members_map', name=names[chosen]))}**")
    focus = members[members.geometry.notna()]
    m = widgets.base_map(cache.district_view(ws), outlines=ws.districts, ws=ws)
    shown = members if chosen else ws.partners
    groups = [mapview.feature_group(mapview.partner_layer(ws, shown, lang, personal), t("layer_partners"))]
    kwargs = {}
    if len(focus):
        minx, miny, maxx, maxy = maps.to_display(focus[["geometry"]]).total_bounds
        kwargs = {"center": [(miny + maxy) / 2, (minx + maxx) / 2]}
    widgets.show_map(m, key="net_map", height=420, feature_group_to_add=groups, returned_objects=[], **kwargs)
    if chosen:
        widgets.dataframe(pd.DataFrame({
            t("district_name_field"): members["organisation"], t("sector"): members["sector"].map(term),
            t("legal_domain"): members["legal_domain"].map(term), t("col_role"): members["role"],
        }), hide_index=True, width="stretch")

st.subheader(t("net_summary"))
summary = networks.network_summary(ws)
widgets.dataframe(pd.DataFrame({
    t("col_network"): summary["name"], t("net_members"): summary["members"],
    t("life_phases"): summary["life_phases"].map(lambda ps: ", ".join(labels.get(p, p) for p in ps)),
    t("net_offer_phases"): summary["offer_phases"].map(lambda ps: ", ".join(labels.get(p, p) for p in ps)),
    t("sectors"): summary["sectors"].map(lambda v: i18n.terms(v, lang)),
    t("col_legal_domains"): summary["legal_domains"].map(lambda v: i18n.terms(v, lang)),
    t("net_cross"): summary["cross_sector"],
}), hide_index=True, width="stretch")

left, right = st.columns(2)
with left:
    st.subheader(t("net_ties"))
    ties = networks.cross_sector_ties(ws)
    widgets.dataframe(pd.DataFrame({
        t("legal_domain") + " A": ties["legal_domain_a"], t("legal_domain") + " B": ties["legal_domain_b"],
        t("net_ties_col"): ties["partner_pairs"]}), hide_index=True, width="stretch")
    st.subheader(t("net_phases_without"))
    missing = networks.phases_without_network(ws)
    st.markdown(md(", ".join(labels.get(p, p) for p in missing)) if missing else t("net_none"))
with right:
    st.subheader(t("net_without"))
    alone = networks.partners_without_network(ws)
    if len(alone):
        st.caption(t("net_without_sentence", n=len(alone)))
    widgets.dataframe(pd.DataFrame({t("district_name_field"): alone["organisation"],
                               t("sector"): alone["sector"].map(term),
                               t("legal_domain"): alone["legal_domain"].map(term)}), hide_index=True,
                 width="stretch")
    st.subheader(t("net_districts_without"))
    empty = networks.districts_without_network_partner(ws)
    st.markdown(md(", ".join(empty["name"])) if len(empty) else t("net_none"))
