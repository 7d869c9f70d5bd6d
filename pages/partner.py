"""Partnersicht: one organisation's sites and offers with their catchment, the target
population they reach, other providers' offers of the same phases nearby and the gaps
around – and when its data was last updated, with a way to update it."""

import html

import pandas as pd
import streamlit as st

from dashboard import editing, maps, mapview, ui
from dashboard.analysis import coverage as C
from dashboard.analysis.nearby import (districts_around, nearby_same_phase, organisation_family_centres,
                                       organisation_offers, site_reach)
from dashboard.life_phases import phase_labels
from dashboard.secrecy import format_number

ws = ui.workspace()
cfg = ui.settings()
lang = ui.lang()
st.title(ui.t("page_partner"))
ui.fictional_banner(ws)

partners = ws.partners.sort_values("organisation")
names = dict(zip(partners["partner_id"], partners["organisation"]))
own = st.session_state.get("organisation") if ui.role() == "partner" else None
if "partner_org" not in st.session_state and own in names:
    st.session_state["partner_org"] = own
c1, c2 = st.columns([3, 2])
partner_id = c1.selectbox(ui.t("partner_pick"), list(names), format_func=names.get, key="partner_org")
radius = c2.slider(ui.t("partner_radius"), 250, 3000, 1000, step=50, key="partner_radius")
detour = 1.3
labels = phase_labels(ws.life_phases, lang)
partner = partners[partners["partner_id"] == partner_id].iloc[0]
offers = organisation_offers(ws, partner_id)
memberships = ws.memberships[ws.memberships["partner_id"] == partner_id]
network_names = ws.networks.set_index("network_id")["name"].reindex(memberships["network_id"]).dropna()
st.markdown(html.escape(ui.t("partner_facts", sector=ui.term(partner["sector"]), domain=ui.term(partner["legal_domain"]),
                                 offers=len(offers), networks=", ".join(network_names) or ui.t("net_none"))))
if len(offers):
    updated = pd.to_datetime(offers["last_updated"], errors="coerce")
    c1, c2 = st.columns([3, 1])
    c1.caption(ui.t("partner_updated", date=updated.max().strftime("%d.%m.%Y" if lang == "de" else "%Y-%m-%d")
                    if updated.notna().any() else "–"))
    stale = editing.stale(offers)
    if stale.any():
        c1.warning(ui.t("partner_stale", n=int(stale.sum())))
    if ui.role() == "planner" or (ui.role() == "partner" and own == partner_id):
        c2.page_link(ui.page_file("edit"), label=ui.t("partner_edit"), icon=":material/edit_note:")

personal = ui.may_see_personal_contacts()
sited = offers[offers.geometry.notna()]
nearby = nearby_same_phase(ws, offers, radius_m=radius, detour=detour)
around = districts_around(ws, offers, radius_m=radius, detour=detour)

m = ui.base_map(ws.districts[ws.districts["district_id"].isin(around)] if around else ws.districts,
                outlines=ws.districts)
groups = []
if len(sited):
    catchment = maps.GeoJsonLayer(maps.area_features(sited.geometry.buffer(radius / detour),
                                                     {"offer_id": list(sited["offer_id"])},
                                                     {"color": "#2b83ba", "weight": 1.5, "fillOpacity": 0.08,
                                                      "dashArray": "4 4"}),
                                  name=ui.t("layer_catchment"), interactive=False)
    groups.append(mapview.feature_group(catchment, ui.t("layer_catchment")))
others = ws.offers[ws.offers["offer_id"].isin(set(nearby["near_offer_id"]))]
if len(others):
    points, _ = mapview.offer_layers(ws, others, (), lang, personal)
    groups.append(mapview.feature_group(points, ui.t("layer_nearby")))
if len(offers):
    points, areas = mapview.offer_layers(ws, offers, (), lang, personal)
    groups += [mapview.feature_group(points, ui.t("layer_offers")), mapview.feature_group(areas, ui.t("layer_outreach"))]
groups.append(mapview.feature_group(mapview.partner_layer(ws, partners[partners["partner_id"] == partner_id], lang,
                                                          personal), ui.t("layer_partners")))
centres = organisation_family_centres(ws, partner_id)
if len(centres):
    groups.append(mapview.feature_group(mapview.family_centre_layer(ws, centres, lang, personal),
                                        ui.t("layer_family_centres")))
ui.show_map(m, key="partner_map", height=480, feature_group_to_add=groups, returned_objects=[],
            layer_control=maps.folium.LayerControl(collapsed=True, position="topright"))
if sited.empty:
    st.info(ui.t("partner_no_offers"))

left, right = st.columns(2)
with left:
    st.subheader(ui.t("partner_reach"))
    reach = site_reach(ws, offers, radius_m=radius, detour=detour, threshold=cfg.disclosure_threshold,
                       demand=ui.demand(ws))
    st.dataframe(pd.DataFrame({
        ui.t("col_offer"): reach["name"], ui.t("phase"): reach["phase_id"].map(labels),
        ui.t("col_persons"): reach["persons"].map(ui.fmt_count),
        ui.t("col_city_share_reach"): reach["city_share"].map(
            lambda v: "–" if pd.isna(v) else f"{format_number(v * 100, 1, lang)} %"),
    }), hide_index=True, width="stretch")
with right:
    st.subheader(ui.t("partner_nearby"))
    st.caption(ui.t("partner_nearby_hint"))
    st.dataframe(pd.DataFrame({
        ui.t("col_offer"): nearby["name"], ui.t("col_near_offer"): nearby["near_name"],
        ui.t("provider"): nearby["near_provider"],
        ui.t("col_shared_phases"): nearby["shared_phases"].map(lambda ps: ", ".join(labels.get(p, p) for p in ps)),
        ui.t("col_distance"): nearby["distance_m"].astype(int),
    }), hide_index=True, width="stretch")

st.subheader(ui.t("partner_gaps"))
params = C.CoverageParams(radius_m=float(radius), detour=detour)
gaps = C.gaps(ui.coverage(ws, params), ws, lang, cfg.disclosure_threshold)
local = gaps[gaps["district_id"].isin(around)] if len(gaps) else gaps
if local.empty:
    st.write(ui.t("net_none"))
for sentence in local["sentence"].head(12):
    st.markdown(f"- {html.escape(sentence)}")
