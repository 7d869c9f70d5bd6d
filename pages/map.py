"""Map page: indicator or target-population choropleth with offers, Familienzentren and
partners on top, sidebar filters, district focus and a shareable URL."""

from datetime import date

import geopandas as gpd
import shapely
import streamlit as st

from dashboard.analysis import district, filters
from dashboard.analysis.indicators import indicator_years
from dashboard.analysis.nearby import WALKING_AREA_MINUTES, barriers_crossing, snap_point
from dashboard.analysis.walking import WALKING_SPEED_KMH, walking_metres
from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t, term
from dashboard.model import schema
from dashboard.present import charts, classify, district_tables, export, maps, mapview, sentences
from dashboard.present.format import format_number, md
from dashboard.present.i18n import headed, own_label, phase_labels

ws = widgets.scenario_workspace(cache.workspace())
cfg = state.settings()
lang = state.lang()
tp = cache.target_population(ws)
opts = cache.filter_options(ws)
phase_label = phase_labels(ws.life_phases, lang)
indicator_ids = list(ws.indicator_catalogue["indicator"])
indicator_label = dict(zip(ws.indicator_catalogue["indicator"],
                           own_label(ws.indicator_catalogue, lang)))
network_label = dict(zip(ws.networks["network_id"], ws.networks["name"]))
district_ids = list(ws.districts["district_id"])
district_label = dict(zip(ws.districts["district_id"], ws.districts["name"]))

STATE = {
    "f_phases": ("phases", "list", [], opts["life_phases"]),
    "f_sectors": ("sectors", "list", [], opts["sectors"]),
    "f_cats": ("cats", "list", [], opts["categories"]),
    "f_topics": ("topics", "list", [], opts["topics"]),
    "f_nets": ("nets", "list", [], opts["networks"]),
    "f_prov": ("prov", "list", [], opts["providers"]),
    "f_langs": ("langs", "list", [], opts["languages"]),
    "f_free": ("free", "bool", False, None),
    "f_bf": ("bf", "bool", False, None),
    "f_valid": ("valid", "date", None, None),
    "c_kind": ("kind", "str", "indicator" if indicator_ids else "population", ("indicator", "population")),
    "c_ind": ("ind", "str", indicator_ids[0] if indicator_ids else None, indicator_ids),
    "c_year": ("year", "int", indicator_years(ws, indicator_ids[0])[-1] if indicator_ids else None, None),
    "c_phase": ("phase", "str", opts["life_phases"][1 if len(opts["life_phases"]) > 1 else 0],
                opts["life_phases"]),
    "c_measure": ("measure", "str", "absolute", mapview.POPULATION_MEASURES),
    "c_scheme": ("cls", "str", "quantiles", tuple(classify.SCHEMES)),
    "c_k": ("k", "int", 5, range(3, 8)),
    "c_pal": ("pal", "str", "YlGnBu", classify.PALETTES),
    "c_grid": ("grid", "bool", False, None),
    "c_shade": ("shade", "str", "full", tuple(maps.SHADINGS)),
    "district": ("d", "str", "", [""] + district_ids),
}
if "_pending_district" in st.session_state:
    st.session_state["district"] = st.session_state.pop("_pending_district")
state.init_state_from_url(STATE)
if not indicator_ids:
    st.session_state["c_kind"] = "population"

# ---- sidebar: filters ---------------------------------------------------------------
sb = st.sidebar
sb.header(t("filters"))
sb.multiselect(t("life_phases"), opts["life_phases"], format_func=phase_label.get, key="f_phases",
               select_all=False, placeholder=t("all"))
sb.multiselect(t("sectors"), opts["sectors"], key="f_sectors", select_all=False, placeholder=t("all"), format_func=term)
sb.multiselect(t("categories"), opts["categories"], key="f_cats", select_all=False, placeholder=t("all"), format_func=term)
if opts["topics"]:
    sb.multiselect(t("topics"), opts["topics"], key="f_topics", select_all=False, placeholder=t("all"),
                   format_func=term)
sb.multiselect(t("networks"), opts["networks"], format_func=network_label.get, key="f_nets",
               select_all=False, placeholder=t("all"))
sb.multiselect(t("providers"), opts["providers"], key="f_prov", select_all=False, placeholder=t("all"))
sb.multiselect(t("languages"), opts["languages"], key="f_langs", select_all=False, placeholder=t("all"), format_func=term)
sb.checkbox(t("only_cost_free"), key="f_free")
sb.checkbox(t("only_barrier_free"), key="f_bf")
use_date = sb.checkbox(t("valid_at"), value=st.session_state["f_valid"] is not None, key="f_valid_on")
if use_date:
    if st.session_state["f_valid"] is None:
        st.session_state["f_valid"] = date.today()
    sb.date_input(t("date"), key="f_valid", format=t("date_widget_format"))
else:
    st.session_state["f_valid"] = None

offer_filter = filters.OfferFilter(
    life_phases=tuple(st.session_state["f_phases"]), sectors=tuple(st.session_state["f_sectors"]),
    categories=tuple(st.session_state["f_cats"]), topics=tuple(st.session_state["f_topics"]),
    networks=tuple(st.session_state["f_nets"]),
    providers=tuple(st.session_state["f_prov"]), languages=tuple(st.session_state["f_langs"]),
    cost_free=st.session_state["f_free"], barrier_free=st.session_state["f_bf"],
    valid_on=st.session_state["f_valid"],
)

# ---- main: the map owns the screen; controls and the district panel lie over its right side ----
widgets.page_header(t("page_map"), ws)
panel, area = widgets.map_stage("map")
with panel:
    st.radio(t("map_theme"), ["indicator", "population"], key="c_kind", horizontal=True,
             format_func=lambda k: t("theme_indicator" if k == "indicator" else "theme_population"))
    if st.session_state["c_kind"] == "indicator" and indicator_ids:
        c1, c2 = st.columns([3, 1])
        c1.selectbox(t("indicator"), indicator_ids, format_func=indicator_label.get, key="c_ind")
        years = indicator_years(ws, st.session_state["c_ind"])
        if st.session_state["c_year"] not in years:
            st.session_state["c_year"] = years[-1]
        c2.selectbox(t("year"), years, key="c_year")
    else:
        st.selectbox(t("phase"), opts["life_phases"], format_func=phase_label.get, key="c_phase")
        st.radio(t("measure"), list(mapview.POPULATION_MEASURES), key="c_measure", horizontal=True,
                 format_func=lambda m: t(f"measure_{m}"))
    with st.expander(t("map_display")):
        st.selectbox(t("scheme"), list(classify.SCHEMES), key="c_scheme", format_func=lambda s: t(f"scheme.{s}"))
        st.slider(t("n_classes"), 3, 7, key="c_k")
        st.selectbox(t("palette"), list(classify.PALETTES), key="c_pal")
        st.checkbox(t("show_grid"), key="c_grid", disabled=ws.population_cells is None)
        st.radio(t("shading"), list(maps.SHADINGS), key="c_shade", horizontal=True,
                 format_func=lambda s: t(f"shading.{s}"), help=t("shading_help"))

spec = mapview.ChoroplethSpec(
    kind=st.session_state["c_kind"], indicator=st.session_state["c_ind"], year=st.session_state["c_year"],
    phase=st.session_state["c_phase"], measure=st.session_state["c_measure"],
    scheme=st.session_state["c_scheme"], k=st.session_state["c_k"], palette=st.session_state["c_pal"],
    shading=st.session_state["c_shade"],
)
panel.selectbox(t("focus"), [""] + district_ids, key="district",
                format_func=lambda d: district_label.get(d, t("whole_city_option")))
state.sync_state_to_url(STATE)
focus = st.session_state["district"] or None

# ---- map --------------------------------------------------------------------------------
offers = filters.filter_offers(ws, offer_filter)
centres = filters.filter_family_centres(ws, offer_filter)
partners = filters.filter_partners(ws, offer_filter)
personal = session.may_see_personal_contacts()

show_partners = panel.checkbox(t("show_partners"), value=not offer_filter.life_phases,
                               key=f"c_partners_{'phase' if offer_filter.life_phases else 'all'}")
if not show_partners:
    partners = partners.iloc[:0]  # not drawn: neither counted nor in the map image
panel.caption(t("shown_counts", offers=len(offers), offers_total=len(ws.offers),
                outreach=int(offers.geometry.isna().sum()), centres=len(centres),
                centres_total=len(ws.family_centres), partners=len(partners), partners_total=len(ws.partners)))
with panel:
    walk_mode = st.radio(t("click_mode"), ["district", "walk"], horizontal=True, key="click_mode",
                         format_func=lambda k: t(f"click_mode_{k}")) == "walk"
    if walk_mode and ws.has_streets:
        sites = cache.walking_start_sites(ws, lang)

        def start_at_site():
            chosen = st.session_state.get("walk_site")
            if chosen in sites:
                st.session_state["walk_point"] = sites[chosen][1:]
                st.session_state["walk_free"] = False  # an offer's own site: the walk starts there

        st.selectbox(t("walk_from_site"), [""] + list(sites), key="walk_site", on_change=start_at_site,
                     format_func=lambda k: sites[k][0] if k in sites else t("walk_from_site_none"))
with area:
    # the base map stays in the browser; what a choice changes (the shading and its legend, the
    # offers, the focus) comes in layer groups, redrawn without reloading the map
    m = widgets.base_map(cache.district_view(ws), ws=ws, panel=True)
    shading, title, legend_classes, _ = cache.choropleth(ws, spec, cfg.disclosure_threshold, lang)
    shaded = mapview.unlisted_group(shading, maps.Legend(maps.legend_html(
        title, legend_classes, mapview.overlay_symbols(ws, lang), t("legend_symbols"))), name=t("map_theme"))

    points, areas = mapview.offer_layers(ws, offers, offer_filter.life_phases, lang, personal,
                                         point_table=cache.offer_point_table(ws, lang, personal),
                                         outreach_features=cache.outreach_features(
                                             ws, offers, offer_filter.life_phases, lang, personal),
                                         beneath=mapview.shade_beneath(shading.features, shading.shade))
    groups = [
        shaded,
        mapview.feature_group(points, t("layer_offers")),
        mapview.feature_group(areas, t("layer_outreach")),
        mapview.feature_group(cache.family_centre_layer(ws, centres, lang, personal), t("layer_family_centres")),
    ]
    # partners have no life phases: with a phase chosen they are off until asked for, so the
    # matching offers are what the map shows
    if show_partners:
        groups.append(mapview.feature_group(cache.partner_layer(ws, partners, lang, personal), t("layer_partners")))
    if st.session_state["c_grid"] and ws.population_cells is not None:
        grid_phase = spec.phase if spec.kind == "population" else (offer_filter.life_phases or [spec.phase])[0]
        groups.insert(1, mapview.feature_group(cache.grid_layer(ws, grid_phase, cfg.disclosure_threshold, lang),
                                               t("layer_grid") + ": " + maps.safe_label(phase_label[grid_phase])))
    groups.append(mapview.feature_group(cache.district_names_layer(ws, t("layer_district_names")),
                                        t("layer_district_names")))
    if focus:
        groups.append(mapview.feature_group(mapview.focus_layer(ws, focus, lang), t("layer_focus")))
    walk = None
    if walk_mode and ws.has_streets and st.session_state.get("walk_point"):
        lat, lon = st.session_state["walk_point"]
        point = gpd.GeoSeries([shapely.Point(lon, lat)], crs=schema.DISPLAY_CRS).to_crs(ws.crs).iloc[0]
        free = st.session_state.get("walk_free", True)
        walk = cache.walking_areas(ws, point.x, point.y, cfg.disclosure_threshold, snap=free)
        start_xy = snap_point(point.x, point.y) if free else (point.x, point.y)
        if free:  # the walk starts on the 100 m lattice
            start = gpd.GeoSeries([shapely.Point(*start_xy)], crs=ws.crs).to_crs(schema.DISPLAY_CRS)
            lat, lon = start.iloc[0].y, start.iloc[0].x
        groups += [mapview.feature_group(mapview.walking_area_layer(ws, walk[0], lang), t("layer_walking_areas")),
                   mapview.feature_group(mapview.position_layer(ws, lat, lon, t("walk_area_start")), t("walk_area_start"))]
    view = maps.view_of(walk[0]) if walk is not None else cache.district_view(ws, focus)
    result = widgets.show_map(m, key="atlas_map", height=680, feature_group_to_add=groups, fit=view,
                              layer_control=maps.folium.LayerControl(collapsed=True, position="topleft"),
                              returned_objects=["last_clicked"])
# ---- below the map: the link and the downloads ----------------------------------------
st.caption(t("click_hint") + " " + t("share_link"))
b1, b2, b3 = st.columns(3)
layer_tables = {"offers": offers, "family_centres": centres, "partners": partners}
layer_names = {"offers": t("layer_offers"), "family_centres": t("layer_family_centres"),
               "partners": t("layer_partners")}
chosen_layer = b1.selectbox(t("download_layer"), list(layer_tables), format_func=layer_names.get,
                            key="dl_layer", label_visibility="collapsed")
# deferred downloads: the files are made only when someone clicks
b1.download_button(t("download_layer_csv"), lambda: export.to_csv(
    export.offers_for_download(layer_tables[chosen_layer], personal).drop(columns="geometry")),
    f"{chosen_layer}.csv", "text/csv", key="dl_offers_csv")
b2.download_button(t("download_layer_geojson"), lambda: export.to_geojson(
    export.offers_for_download(layer_tables[chosen_layer], personal)), f"{chosen_layer}.geojson",
    "application/geo+json", key="dl_offers_geojson")
attribution = state.meta(ws, "fictional_label") if ws.is_fictional else (cfg.tile_attribution or "")


def map_png():
    shading, facts = mapview.choropleth_values(ws, spec, tp, cfg.disclosure_threshold, lang)
    fig = charts.static_map(ws, district_id=focus, shading=shading, palette=spec.palette, k=spec.k,
                            shading_title=f"{facts['title']} ({facts['unit']}, {facts['when']})",
                            offers=offers, family_centres=centres, partners=partners, lang=lang,
                            attribution=attribution, size=(11, 8))
    return charts.to_bytes(fig, dpi=200)


b3.download_button(t("download_map_view_png"), map_png, "karte.png", "image/png", key="dl_map_view_png")

clicked = (result or {}).get("last_clicked") or (st.session_state.get("atlas_map") or {}).get("last_clicked")
if clicked and clicked != st.session_state.get("_last_click"):
    st.session_state["_last_click"] = clicked
    if walk_mode:
        st.session_state["walk_point"] = (clicked["lat"], clicked["lng"])
        st.session_state["walk_free"] = True  # a free click: the walk starts on the 100 m lattice
        st.rerun()
    hit = mapview.district_at(ws, clicked["lat"], clicked["lng"])
    if hit and hit != focus:
        st.session_state["_pending_district"] = hit
        st.rerun()
if walk_mode:
    with panel:
        if not ws.has_streets:
            st.info(t("walk_areas_need_streets"))
        elif walk is None:
            st.caption(t("walk_areas_hint"))
        else:
            st.markdown(f"**{t('walk_areas_title', speed=format_number(WALKING_SPEED_KMH, 1, lang))}**")
            widgets.plain_table(district_tables.walking_area_table(ws, walk[1], cfg.disclosure_threshold, lang))
            barrier = sentences.barrier_sentence(barriers_crossing(
                ws, [start_xy], walking_metres(max(WALKING_AREA_MINUTES))), lang)
            if barrier:
                st.warning(md(barrier))
            widgets.cell_key_note(ws, cfg)

# ---- district panel ---------------------------------------------------------------------
def ranking():
    """The districts ranked by the shown value: the map as a table (screen readers, colour-blind
    readers, "which district is highest?"); a click on a row chooses the district."""
    values, facts = mapview.choropleth_values(ws, spec, tp, cfg.disclosure_threshold, lang)
    table = district_tables.ranking_table(ws, values, facts["decimals"], facts["unit"],
                                          classify.classify(values, spec.scheme, spec.k), lang)
    st.markdown(f"**{t('ranking_title', title=md(facts['title']))}**")
    shown = headed(table.drop(columns="district_id"), lang)
    widths = dict(zip(shown.columns, (36, 118, 84, 100)))  # fits the panel beside the map without cutting a column
    event = widgets.dataframe(shown, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                         key="map_ranking", column_config={c: st.column_config.Column(width=w) for c, w in widths.items()})
    rows = event.selection.rows if event is not None else []
    if rows:
        chosen = table["district_id"].iat[rows[0]]
        st.session_state.pop("map_ranking", None)
        if chosen != focus:
            st.session_state["_pending_district"] = chosen
            st.rerun()


def ranking_list():
    """The ranking, folded away and made only when opened: its grid held the first drawing
    of the map up by ~0.4 s (the map's frame is made after the panel)."""
    box = st.expander(t("ranking_open"), key="ranking_open", on_change="rerun")
    if box.open:
        with box:
            ranking()


def offer_list():
    """The offers the map shows (of the chosen district, on site or coming to it) as a list,
    made only when opened (thousands of rows would hold up the browser at every choice)."""
    if focus:
        serving = set(cache.offers_serving(ws, focus)["offer_id"])
        listed = offers[offers["offer_id"].isin(serving)]
        title = t("offer_list_district", district=md(district_label[focus]), n=len(listed))
    else:
        listed, title = offers, t("offer_list", n=len(offers))
    box = st.expander(title, key="offer_list_open", on_change="rerun")
    if box.open:
        with box:
            widgets.long_table(district_tables.offer_list(ws, listed, lang))


with panel:
    if not focus:
        st.info(t("panel_pick"))
        ranking_list()
        offer_list()
    else:
        st.subheader(md(district_label[focus]))
        parent = ws.districts.loc[ws.districts["district_id"] == focus, "parent_name"].iloc[0]
        if parent:
            st.caption(f"{t('parent')}: {md(parent)}")
        st.markdown(f"**{t('panel_population')}**")
        # plain tables: their text wraps in the panel, nothing is cut off or scrolls sideways
        widgets.plain_table(district_tables.population_table(ws, tp, focus, cfg.disclosure_threshold, lang))
        if sentences.population_notes(ws, lang):
            st.caption(md(sentences.population_notes(ws, lang)))
        st.markdown(f"**{t('panel_indicators')}**")
        widgets.plain_table(district_tables.indicator_table(ws, tp, focus, lang))
        st.markdown(f"**{t('panel_offers')}**")
        widgets.plain_table(district_tables.offers_per_phase(ws, offers, focus, lang))
        st.markdown(f"**{t('panel_sites')}**")
        local_centres = district.sites_in_district(ws, ws.family_centres, focus)
        local_partners = district.sites_in_district(ws, ws.partners, focus)
        st.markdown(f"*{t('layer_family_centres')}:* " + (md(", ".join(local_centres["name"])) or t("panel_none")))
        st.markdown(f"*{t('layer_partners')}:* " + (md(", ".join(local_partners["organisation"])) or t("panel_none")))
        st.page_link(state.page_file("profile"), label=t("open_profile"), icon=":material/description:",
                     query_params={"d": focus})
        offer_list()
        ranking_list()
