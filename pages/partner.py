"""Partnersicht: one organisation's sites and offers with their catchment, the target
population they reach, other providers' offers of the same phases nearby and the gaps
around – and when its data was last updated, with a way to update it."""


import pandas as pd
import shapely
import streamlit as st

from dashboard.analysis import coverage as C
from dashboard.analysis.nearby import (
    barriers_crossing,
    catchment_areas,
    districts_around,
    nearby_same_phase,
    organisation_family_centres,
    organisation_offers,
    site_reach,
)
from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t, term
from dashboard.present import maps, mapview, sentences
from dashboard.present.format import format_date, format_number, md
from dashboard.present.i18n import phase_labels
from dashboard.sources import editing

ws = widgets.scenario_workspace(cache.workspace())
cfg = state.settings()
lang = state.lang()
widgets.page_header(t("page_partner"), ws)
panel, area = widgets.map_stage("partner")  # the map owns the screen, the organisation beside it

partners = ws.partners.sort_values("organisation")
names = dict(zip(partners["partner_id"], partners["organisation"]))
own = st.session_state.get("organisation") if session.role() == "partner" else None
if "partner_org" not in st.session_state and own in names:
    st.session_state["partner_org"] = own
partner_id = panel.selectbox(t("partner_pick"), list(names), format_func=names.get, key="partner_org")
radius = panel.slider(t("partner_radius"), 250, 3000, 1000, step=250, key="partner_radius")
params = C.CoverageParams(radius_m=float(radius))  # the documented default detour
detour = params.detour
labels = phase_labels(ws.life_phases, lang)
partner = partners[partners["partner_id"] == partner_id].iloc[0]
offers = organisation_offers(ws, partner_id)
memberships = ws.memberships[ws.memberships["partner_id"] == partner_id]
network_names = ws.networks.set_index("network_id")["name"].reindex(memberships["network_id"]).dropna()
panel.markdown(md(t("partner_facts", sector=term(partner["sector"]), domain=term(partner["legal_domain"]),
                                    offers=len(offers), networks=", ".join(network_names) or t("net_none"))))
if len(offers):
    updated = pd.to_datetime(offers["last_updated"], errors="coerce")
    panel.caption(t("partner_updated", date=format_date(updated.max(), lang) or "–"))
    stale = editing.stale(offers)
    if stale.any():
        panel.warning(t("partner_stale", n=int(stale.sum())))
    if editing.may_edit_offers_of(session.role(), own, partner_id):
        panel.page_link(state.page_file("edit"), label=t("partner_edit"), icon=":material/edit_note:")

own_topics = sorted(set(offers["topic"].dropna())) if "topic" in offers and len(offers) else []
if own_topics:  # one topic alone, e.g. "Beratung/Lotsendienst Frühe Hilfen"
    chosen = panel.multiselect(t("topics"), own_topics, key="partner_topics", select_all=False,
                               placeholder=t("all"), format_func=term)
    if chosen:
        offers = offers[offers["topic"].isin(chosen)].reset_index(drop=True)
personal = session.may_see_personal_contacts()
sited = offers[offers.geometry.notna()]
demand = cache.demand(ws)
nearby = nearby_same_phase(ws, offers, radius_m=radius, detour=detour, demand=demand)
around = districts_around(ws, offers, radius_m=radius, detour=detour, demand=demand)

shown_districts = ws.districts[ws.districts["district_id"].isin(around)] if around else ws.districts
m = widgets.base_map(shown_districts, outlines=ws.districts, ws=ws, panel=True)
groups = []
if len(sited):
    catchment = maps.GeoJsonLayer(maps.area_features(catchment_areas(ws, sited, radius, detour, demand),
                                                     {"offer_id": list(sited["offer_id"])},
                                                     {"color": "#2b83ba", "weight": 1.5, "fillOpacity": 0.08,
                                                      "dashArray": "4 4"}),
                                  name=t("layer_catchment"), interactive=False)
    groups.append(mapview.feature_group(catchment, t("layer_catchment")))
others = ws.offers[ws.offers["offer_id"].isin(set(nearby["near_offer_id"]))]
if len(others):
    points, _ = mapview.offer_layers(ws, others, (), lang, personal)
    groups.append(mapview.feature_group(points, t("layer_nearby")))
if len(offers):
    points, areas = mapview.offer_layers(ws, offers, (), lang, personal)
    groups += [mapview.feature_group(points, t("layer_offers")), mapview.feature_group(areas, t("layer_outreach"))]
groups.append(mapview.feature_group(mapview.partner_layer(ws, partners[partners["partner_id"] == partner_id], lang,
                                                          personal), t("layer_partners")))
centres = organisation_family_centres(ws, partner_id)
if len(centres):
    groups.append(mapview.feature_group(mapview.family_centre_layer(ws, centres, lang, personal),
                                        t("layer_family_centres")))
with area:
    widgets.show_map(m, key="partner_map", height=480, feature_group_to_add=groups, returned_objects=[],
                     layer_control=maps.folium.LayerControl(collapsed=True, position="topleft"),
                     fit=maps.view_of(shown_districts))
if sited.empty:
    panel.info(t("partner_no_offers"))

with panel:
    st.markdown(f"**{t('partner_reach')}**")
    reach = site_reach(ws, offers, radius_m=radius, detour=detour, threshold=cfg.disclosure_threshold,
                       demand=demand, perturbation=cache.perturbation())
    widgets.plain_table(pd.DataFrame({
        t("col_offer"): reach["name"], t("phase"): reach["phase_id"].map(labels),
        t("col_persons"): reach["persons"].map(widgets.fmt_count),
        t("col_city_share_reach"): reach["city_share"].map(
            lambda v: "–" if pd.isna(v) else f"{format_number(v * 100, 1, lang)} %"),
    }))
    if len(sited):
        barrier = sentences.barrier_sentence(barriers_crossing(ws, shapely.get_coordinates(sited.geometry.to_numpy()),
                                                               radius), lang, list(sited["name"]))
        if barrier:
            st.warning(md(barrier))
    widgets.cell_key_note(ws, cfg)

st.subheader(t("partner_nearby"))
st.caption(t("partner_nearby_hint"))
widgets.dataframe(pd.DataFrame({
    t("col_offer"): nearby["name"], t("col_near_offer"): nearby["near_name"],
    t("provider"): nearby["near_provider"],
    t("col_shared_phases"): nearby["shared_phases"].map(lambda ps: ", ".join(labels.get(p, p) for p in ps)),
    t("col_distance"): nearby["distance_m"].astype(int),
}), hide_index=True, width="stretch")

st.subheader(t("partner_gaps"))
gaps = sentences.gaps_in_words(cache.coverage(ws, params), ws, lang, cfg.disclosure_threshold)
local = gaps[gaps["district_id"].isin(around)] if len(gaps) else gaps
if local.empty:
    st.write(t("net_none"))
for sentence in local["sentence"].head(12):
    st.markdown(f"- {md(sentence)}")
