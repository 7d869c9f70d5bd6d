"""Sozialraumprofil: one district's story, with PDF, images and tables to download."""

import html

import streamlit as st

from dashboard.analysis import coverage as C
from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t, term
from dashboard.present import charts, district_tables, i18n, maps, mapview, report, sentences
from dashboard.present import profile as present_profile
from dashboard.present.export import to_xlsx
from dashboard.present.format import md

ws = widgets.scenario_workspace(cache.workspace())
cfg = state.settings()
lang = state.lang()
names = dict(zip(ws.districts["district_id"], ws.districts["name"]))
ids = list(names)

STATE = {"profile_district": ("d", "str", ids[0], ids)}
state.init_state_from_url(STATE)
st.sidebar.selectbox(t("district"), ids, key="profile_district", format_func=names.get)
with st.sidebar.expander(t("cov_settings")):
    param_state, read_params = widgets.coverage_controls("profile", st, network=ws.has_streets)
state.sync_state_to_url({**STATE, **param_state})
focus = st.session_state["profile_district"]
cov = cache.coverage(ws, read_params())
profile = present_profile.render(ws, cache.district_profile(ws, focus, cov, cfg.disclosure_threshold), cov.params,
                                 lang=lang, threshold=cfg.disclosure_threshold)

widgets.page_header(f"{t('page_profile')}: {md(profile.name)}", ws)
facts = [f"{t('parent')}: {profile.parent}"] if profile.parent else []
facts.append(t("need_rank_of", rank=profile.need_rank, of=profile.need_of) if C.has_need_index(ws)
             else t("no_need_index"))
facts.append(f"{t('count_population')}: {widgets.fmt_count(profile.total_population)}")
st.markdown(" · ".join(md(f) for f in facts))

panel, area = widgets.map_stage("profile")  # the map owns the screen, the population beside it
with area:
    served = cache.offers_serving(ws, focus)
    personal = session.may_see_personal_contacts()
    m = widgets.base_map(cache.district_view(ws), ws=ws, panel=True)  # stays in the browser: the district comes as layer groups
    points, areas = mapview.offer_layers(ws, served, (), lang, personal)
    layers = [points, areas, mapview.family_centre_layer(ws, ws.family_centres, lang, personal),
              mapview.partner_layer(ws, ws.partners, lang, personal), mapview.focus_layer(ws, focus, lang)]
    legend = mapview.unlisted_group(maps.Legend(maps.legend_html(
        [html.escape(profile.name)], [], mapview.overlay_symbols(ws, lang), t("legend_symbols"))))
    widgets.show_map(m, key="profile_map", height=430,
                     feature_group_to_add=[legend, *(mapview.feature_group(layer, layer.layer_name) for layer in layers)],
                     returned_objects=[], fit=cache.district_view(ws, focus))
with panel:
    st.markdown(f"**{t('panel_population')}**")
    widgets.plain_table(profile.population[["phase_label", "persons", "share", "city_share"]].rename(columns={
        "phase_label": t("phase"), "persons": t("col_persons"), "share": t("col_share"),
        "city_share": t("col_city_share")}))
    population_png = charts.to_bytes(charts.population_chart(profile, lang))
    st.image(population_png, alt=t("alt_population_chart", district=profile.name))

st.subheader(t("life_chain"))
strip_png = charts.to_bytes(charts.chain_strip(profile, lang))
st.image(strip_png, alt=sentences.chain_alt_text(profile, ws.life_phases, lang))
c1, c2, c3 = st.columns(3)
for column, title, lines in ((c1, t("tab_gaps"), profile.gaps), (c2, t("tab_duplicates"), profile.duplicates),
                             (c3, t("tab_transitions"), profile.transitions)):
    column.markdown(f"**{title}**")
    column.markdown("\n".join(f"- {md(line)}" for line in lines) if lines else t("panel_none"))

st.subheader(t("indicators_title"))
widgets.dataframe(profile.indicators.assign(change=profile.indicators["change"] + " " + profile.indicators["arrow"])[
    ["indicator", "value", "previous", "change", "city", "unit", "year"]].rename(columns={
        "indicator": t("indicator"), "value": t("col_value"), "previous": t("col_previous"),
        "change": t("col_change"), "city": t("col_city"), "unit": t("col_unit"), "year": t("year")}),
    hide_index=True, width="stretch")

st.subheader(f"{t('offers_by_phase')} ({len(profile.offers)})")
widgets.dataframe(profile.offers.assign(category=profile.offers["category"].map(term)).rename(columns={
    "phase_label": t("phase"), "name": t("col_offer"), "provider": t("provider"), "category": t("category"),
    "where": t("col_where")}), hide_index=True, width="stretch")
st.markdown(f"**{t('layer_family_centres')}:** " + md(", ".join(profile.family_centres)
                                                                  or t("panel_none")))
st.markdown(f"**{t('layer_partners')}:** " + md(", ".join(profile.partners) or t("panel_none")))

# ---- downloads -----------------------------------------------------------------------------
st.subheader(t("downloads"))
d1, d2, d3 = st.columns(3)
# deferred downloads: each file is made only when someone clicks
demand = cache.demand(ws)
d1.download_button(t("download_pdf"), lambda: report.report_pdf(
    ws, [focus], cov=cov, lang=lang, threshold=cfg.disclosure_threshold, demand=demand),
    f"sozialraumprofil_{focus}.pdf", "application/pdf", key="dl_pdf")
d1.download_button(t("download_city_pdf"), lambda: report.report_pdf(
    ws, None, cov=cov, lang=lang, threshold=cfg.disclosure_threshold, demand=demand),
    "sozialraumbericht.pdf", "application/pdf", key="dl_city_pdf")
# The downloads are made when clicked, outside this script run: everything that depends on
# the session (language, texts) is taken now.
attribution = state.meta(ws, "fictional_label") if ws.is_fictional else (cfg.tile_attribution or "")
sheet = {key: t(f"sheet_{key}") for key in ("population", "indicators", "coverage", "gaps", "offers")}


def map_png():
    fig = charts.need_map(ws, cov.need["score"], district_id=focus, offers=served, partners=ws.partners, lang=lang,
                          attribution=attribution)
    return charts.to_bytes(fig, dpi=200)


def workbook():
    shown = C.public_table(cov.table, cfg.disclosure_threshold)
    gaps = sentences.gaps_in_words(cov, ws, lang, cfg.disclosure_threshold)
    return to_xlsx({
        sheet["population"]: profile.population.drop(columns=["persons_value"]),
        sheet["indicators"]: profile.indicators,
        sheet["coverage"]: shown.pivot(index="district_name", columns="phase_id", values="reach_share").reindex(
            index=list(names.values())).reset_index(),
        sheet["gaps"]: district_tables.gap_table(ws, gaps, lang),
        sheet["offers"]: profile.offers.assign(category=profile.offers["category"].map(lambda v: i18n.term(v, lang))),
    })


d2.download_button(t("download_map_png"), map_png, f"karte_{focus}.png", "image/png", key="dl_map_png")
d2.download_button(t("download_chart_png"), population_png, f"bevoelkerung_{focus}.png", "image/png",
                   key="dl_pop_png")
d2.download_button(t("download_chart_svg"), lambda: charts.to_bytes(charts.population_chart(profile, lang), "svg"),
                   f"bevoelkerung_{focus}.svg", "image/svg+xml", key="dl_pop_svg")
d2.download_button(t("download_chain_png"), strip_png, f"lebenskette_{focus}.png", "image/png", key="dl_strip")
d3.download_button(t("download_xlsx_profile"), workbook, f"sozialraumprofil_{focus}.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="dl_profile_xlsx")

st.caption(f"{t('data_stand')}: {md(profile.data_stand)} · {t('sources')}: "
           f"{md(profile.sources)} · {t('licences')}: {md(profile.licences)}")
if sentences.population_notes(ws, lang):
    st.caption(md(sentences.population_notes(ws, lang)))
