"""Lotse: a guide sitting with a family finds matching offers near them (address, map click
or district + the family's situation) and prints a one-page Wegweiser. Nothing about the
family is stored or logged: it lives only in this browser session's widgets."""

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from dashboard.analysis.nearby import FamilySituation, offers_for_family, parse_ages
from dashboard.analysis.walking import SPEEDS_KMH
from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t, term
from dashboard.model import schema
from dashboard.present import maps, mapview, report
from dashboard.present.format import format_number, md
from dashboard.present.i18n import who_label

ws = cache.workspace()
lang = state.lang()
widgets.page_header(t("page_lotse"), ws)
st.caption(t("lotse_privacy"))

# the map owns the screen; the family's situation and the place lie over its right side
panel, area = widgets.map_stage("lotse")
with panel:
    st.markdown(f"**{t('lotse_family')}**")
    pregnant = st.checkbox(t("lotse_pregnant"), key="lotse_pregnant")
    ages_text = st.text_input(t("lotse_child_ages"), key="lotse_ages", placeholder="1; 4")
    parents = st.checkbox(t("lotse_parents"), key="lotse_parents")
    older = st.checkbox(t("lotse_older"), key="lotse_older")
    ages, bad = parse_ages(ages_text)
    if bad:
        st.error(t("lotse_bad_age", values=md(", ".join(f"„{b}“" for b in bad))))
    situation = FamilySituation(pregnant=pregnant, child_ages=ages, parents=parents, older_relatives=older)

    how = st.radio(t("lotse_where"), ["address", "district"], horizontal=True, key="lotse_how",
                   format_func=lambda k: t(f"lotse_where_{k}"))
    place = st.container()
    with st.expander(t("lotse_filters")):
        options = cache.filter_options(ws)
        max_distance = st.slider(t("lotse_max_distance"), 500, 10_000, 3000, step=250, key="lotse_distance")
        c1, c2 = st.columns(2)
        cost_free = c1.checkbox(t("cost_free"), key="lotse_free")
        barrier_free = c2.checkbox(t("barrier_free"), key="lotse_barrier")
        speed = SPEEDS_KMH["slow" if st.checkbox(t("lotse_slow"), key="lotse_slow") else "default"]
        languages = st.multiselect(t("languages"), options["languages"], key="lotse_languages", select_all=False,
                                   placeholder=t("all"), format_func=term)
        categories = st.multiselect(t("categories"), options["categories"], key="lotse_categories",
                                    select_all=False, placeholder=t("all"), format_func=term)
        topics = st.multiselect(t("topics"), options["topics"], key="lotse_topics", select_all=False,
                                placeholder=t("all"), format_func=term) if options["topics"] else []
    summary = st.container()

with area:
    result = {}

    def search(position):
        """The offers around a (lat, lon) position (kept for the map layers and the list)."""
        point = gpd.GeoSeries([shapely.Point(position[1], position[0])], crs=schema.DISPLAY_CRS).to_crs(ws.crs).iloc[0]
        result["xy"] = (point.x, point.y)
        result["found"] = offers_for_family(ws, point.x, point.y, situation, max_distance_m=max_distance, cost_free=cost_free,
                                  barrier_free=barrier_free, languages=tuple(languages),
                                  categories=tuple(categories), topics=tuple(topics),
                                  valid_on=pd.Timestamp.today().date(),
                                  demand=cache.demand(ws), speed_kmh=speed)
        return result["found"]

    def layers(position):
        """The offers found, numbered as in the list below (outreach areas outlined)."""
        if position is None or situation.is_empty():
            return []
        hits = search(position)
        outreach = ws.offers[ws.offers["offer_id"].isin(set(hits.loc[hits["outreach"], "offer_id"]))]
        _, areas = mapview.offer_layers(ws, outreach, (), lang, session.may_see_personal_contacts())
        numbered = mapview.numbered_offers_layer(ws, hits, t("layer_offers"))
        return [mapview.feature_group(areas, t("layer_outreach")), mapview.feature_group(numbered, t("layer_offers"))]

    def frame(position):
        """The map shows the family's place and every offer found."""
        hits = result.get("found")
        if hits is None or situation.is_empty():
            return [position]
        sited = gpd.GeoSeries(hits.geometry.dropna(), crs=ws.crs).to_crs(schema.DISPLAY_CRS)
        return [position, *zip(sited.y, sited.x)]

    if how == "district":
        names = dict(zip(ws.districts["district_id"], ws.districts["name"]))
        district_id = place.selectbox(t("district"), list(names), format_func=names.get, key="lotse_district")
        place.caption(t("lotse_district_hint"))
        chosen = ws.districts[ws.districts["district_id"] == district_id]
        centre = chosen.to_crs(schema.DISPLAY_CRS).geometry.iloc[0].representative_point()
        position = (centre.y, centre.x)
        m = widgets.base_map(chosen, outlines=ws.districts, private=True, ws=ws, panel=True)
        groups = [*layers(position), mapview.feature_group(mapview.focus_layer(ws, district_id, lang),
                                                           t("layer_focus"))]
        widgets.show_map(m, key="lotse_district_map", height=420, feature_group_to_add=groups, returned_objects=[],
                         fit=mapview.bounds_around([*frame(position), *maps.bounds_of(chosen)], min_span_m=600))
    else:
        position = widgets.position_picker(ws, "lotse_pos", None, height=420, layers=layers, private=True, frame=frame,
                                           controls=place, panel=True)

if position is None:
    summary.info(t("lotse_need_place"))
    st.stop()
if situation.is_empty():
    summary.info(t("lotse_need_family"))
    st.stop()
found = result["found"] if "found" in result else search(position)
xy = result["xy"]

st.subheader(t("lotse_results", n=len(found)))
if found.empty:
    summary.warning(t("lotse_none"))
    st.warning(t("lotse_none"))
    st.stop()
personal = session.may_see_personal_contacts()
table = pd.DataFrame({  # the walk right after the name: it must be visible without scrolling
    t("lotse_nr"): range(1, len(found) + 1),
    t("col_offer"): found["name"],
    t("lotse_walk"): [t("lotse_outreach_short") if o else f"{int(m)} min ({int(d):,} m)".replace(",", ".")
                         for o, m, d in zip(found["outreach"], found["walking_min"], found["distance_m"])],
    t("lotse_for"): found["for_whom"].map(lambda w: ", ".join(dict.fromkeys(who_label(x, lang) for x in w))),
    t("provider"): found["provider"],
    t("address"): [t("lotse_comes_home") if o else (a if isinstance(a, str) and a else "–")
                      for o, a in zip(found["outreach"], found["address"])],
    t("contact"): found["contact_public"].fillna(""),
})
if personal:
    people = ws.offers.set_index("offer_id").reindex(found["offer_id"])
    table[t("contact_person")] = [" · ".join(str(v) for v in row if isinstance(v, str) and v) for row in
                                     people[list(schema.PERSONAL_CONTACT_COLUMNS)].itertuples(index=False)]
apart = found["unknown"].map(len).gt(0).to_numpy()  # asked-for facts the source does not give
widgets.plain_table(table[~apart])  # wraps: the whole row readable, no sideways scrolling
if apart.any():
    st.markdown(f"**{t('lotse_apart')}**")
    widgets.plain_table(table[apart].assign(**{t("unknown"): [", ".join(t(f"unknown_fact.{f}") for f in facts)
                                                              for facts in found.loc[apart, "unknown"]]}))
st.caption(t("lotse_walk_note_network" if ws.has_streets else "lotse_walk_note", speed=format_number(speed, 1, lang)))
walks = [t("lotse_outreach_short") if o else f"{int(m)} min" for o, m in zip(found["outreach"], found["walking_min"])]
with summary:  # beside the map: the nearest offers and the hand-out, the whole list below the map
    st.markdown(f"**{t('lotse_results', n=len(found))}**")
    st.markdown("\n".join(f"{k}. {md(name)} – {walk}" for k, (name, walk) in
                          enumerate(zip(found["name"].head(3), walks[:3]), start=1)))
    st.caption(t("lotse_list_below"))
    found_address = st.session_state.get("lotse_pos_found") if how == "address" else None
    st.download_button(t("lotse_pdf"), lambda: report.wegweiser_pdf(ws, xy[0], xy[1], found, lang=lang,
                                                                     speed_kmh=speed, found_address=found_address),
                       "wegweiser.pdf", "application/pdf", key="lotse_pdf", type="primary")
