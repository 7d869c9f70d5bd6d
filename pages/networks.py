"""Netzwerke: who works with whom in the Präventionskette – the graph of networks and
partners (coloured by sector or Rechtskreis), per network its members, phases and
sectors, cross-sector ties, and the holes: partners in no network, Sozialräume without a
network partner, life phases without a network. A clicked network's members on the map."""

import html

import pandas as pd
import streamlit as st

from dashboard import i18n, maps, mapview, networks, ui
from dashboard.life_phases import phase_labels

ws = ui.workspace()
lang = ui.lang()
st.title(ui.t("page_networks"))
ui.fictional_banner(ws)
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
colour_by = c1.radio(ui.t("net_colour_by"), ["sector", "legal_domain"], horizontal=True, key="net_colour",
                     format_func=lambda k: ui.t(f"net_colour_{k}"))
chosen = c2.selectbox(ui.t("net_pick"), [None, *names], key="net_pick",
                      format_func=lambda k: "—" if k is None else names[k])
st.caption(ui.t("net_pick_hint"))

graph_col, map_col = st.columns([3, 2])
with graph_col:
    fig = networks.network_figure(ws, colour_by=colour_by, lang=lang, highlight=chosen,
                                  positions=ui.network_layout(ws))
    st.plotly_chart(fig, key="net_graph", on_select="rerun", selection_mode="points",
                    config={"displaylogo": False, "scrollZoom": True})
with map_col:
    members = networks.members_of(ws, chosen) if chosen else ws.partners.iloc[:0]
    personal = ui.may_see_personal_contacts()
    if chosen:
        st.markdown(f"**{html.escape(ui.t('net_members_map', name=names[chosen]))}**")
    focus = members[members.geometry.notna()]
    m = ui.base_map(ws.districts, outlines=ws.districts)
    shown = members if chosen else ws.partners
    groups = [mapview.feature_group(mapview.partner_layer(ws, shown, lang, personal), ui.t("layer_partners"))]
    kwargs = {}
    if len(focus):
        minx, miny, maxx, maxy = maps.to_display(focus[["geometry"]]).total_bounds
        kwargs = {"center": [(miny + maxy) / 2, (minx + maxx) / 2]}
    ui.show_map(m, key="net_map", height=420, feature_group_to_add=groups, returned_objects=[], **kwargs)
    if chosen:
        st.dataframe(pd.DataFrame({
            ui.t("district_name_field"): members["organisation"], ui.t("sector"): members["sector"].map(ui.term),
            ui.t("legal_domain"): members["legal_domain"].map(ui.term), ui.t("col_role"): members["role"],
        }), hide_index=True, width="stretch")

st.subheader(ui.t("net_summary"))
summary = networks.network_summary(ws)
st.dataframe(pd.DataFrame({
    ui.t("col_network"): summary["name"], ui.t("net_members"): summary["members"],
    ui.t("life_phases"): summary["life_phases"].map(lambda ps: ", ".join(labels.get(p, p) for p in ps)),
    ui.t("net_offer_phases"): summary["offer_phases"].map(lambda ps: ", ".join(labels.get(p, p) for p in ps)),
    ui.t("sectors"): summary["sectors"].map(lambda v: i18n.terms(v, lang)),
    ui.t("col_legal_domains"): summary["legal_domains"].map(lambda v: i18n.terms(v, lang)),
    ui.t("net_cross"): summary["cross_sector"],
}), hide_index=True, width="stretch")

left, right = st.columns(2)
with left:
    st.subheader(ui.t("net_ties"))
    ties = networks.cross_sector_ties(ws)
    st.dataframe(pd.DataFrame({
        ui.t("legal_domain") + " A": ties["legal_domain_a"], ui.t("legal_domain") + " B": ties["legal_domain_b"],
        ui.t("net_ties_col"): ties["partner_pairs"]}), hide_index=True, width="stretch")
    st.subheader(ui.t("net_phases_without"))
    missing = networks.phases_without_network(ws)
    st.markdown(html.escape(", ".join(labels.get(p, p) for p in missing)) if missing else ui.t("net_none"))
with right:
    st.subheader(ui.t("net_without"))
    alone = networks.partners_without_network(ws)
    st.dataframe(pd.DataFrame({ui.t("district_name_field"): alone["organisation"],
                               ui.t("sector"): alone["sector"].map(ui.term),
                               ui.t("legal_domain"): alone["legal_domain"].map(ui.term)}), hide_index=True,
                 width="stretch")
    st.subheader(ui.t("net_districts_without"))
    empty = networks.districts_without_network_partner(ws)
    st.markdown(html.escape(", ".join(empty["name"])) if len(empty) else ui.t("net_none"))
