"""Standortvorschlag: for some life phases, k new offers (or a Familienzentrum) and a walking
distance, the k sites that newly reach the most persons not reached today (optionally weighted
by the need index), solved exactly; candidates from the populated grid, the address list or
the planner's own list (file). Planners turn a proposal into a scenario with one click."""

import hashlib
from datetime import date

import shapely
import streamlit as st

from dashboard.analysis import suggest
from dashboard.analysis.coverage import CoverageParams
from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t, term
from dashboard.model import schema
from dashboard.model.problems import ProblemError, problem
from dashboard.present import export, mapview, sentences
from dashboard.present.format import format_count, md
from dashboard.present.i18n import phase_labels
from dashboard.present.problems import message
from dashboard.sources import scenarios as store

ws = widgets.scenario_workspace(cache.workspace())
cfg = state.settings()
lang = state.lang()
labels = phase_labels(ws.life_phases, lang)
phases = list(labels)
widgets.page_header(t("page_sites"), ws)
st.caption(t("sites_intro"))

panel, area = st.columns([2, 3], gap="medium")
with panel:
    with st.form("sites_form"):
        chosen = st.multiselect(t("life_phases"), phases, default=[phases[1] if len(phases) > 1 else phases[0]],
                                key="sites_phases", format_func=labels.get, help=t("sites_phases_help"))
        k = st.number_input(t("sites_k"), min_value=1, max_value=20, value=3, step=1, key="sites_k")
        radius = st.slider(t("cov_radius"), 250, 3000, 1000, step=50, key="sites_radius")
        source = st.radio(t("sites_candidates"), ["grid", "addresses", "layer"], key="sites_source",
                          format_func=lambda s: t(f"sites_candidates.{s}"))
        upload = st.file_uploader(t("sites_candidates_file"), type=["csv", "xlsx", "gpkg", "geojson", "json"],
                                  key="sites_file")
        need = st.checkbox(t("sites_need_weighted_choice"), key="sites_need")
        go = st.form_submit_button(t("sites_compute"), type="primary")

if go:
    st.session_state.pop("sites_result", None)
    try:
        candidates, key = None, ""
        if source == "layer":
            if upload is None:
                raise ProblemError([problem("no_candidates", field="candidates", source=t("sites_candidates.layer"))])
            from dashboard.sources.candidates import read_candidates

            data = upload.getvalue()
            key = hashlib.blake2b(data, digest_size=16).hexdigest()
            candidates = suggest.layer_candidates(read_candidates(upload.name, ws, data), ws.crs)
        params = CoverageParams(radius_m=float(radius))
        st.session_state["sites_result"] = cache.site_suggestion(ws, tuple(chosen), int(k), params, source, need, key,
                                                                 candidates)
    except ProblemError as exc:
        for p in exc.problems[:20]:
            panel.error(message(p, lang))

found = st.session_state.get("sites_result")
with area:
    m = widgets.base_map(cache.district_view(ws), ws=ws)
    groups = []
    if found is not None and len(found.sites):
        shown = tuple(found.assumptions["phases"])
        offers = ws.offers[ws.offers["life_phases"].map(lambda ps: bool(set(ps) & set(shown)))]
        points, areas = mapview.offer_layers(ws, offers, shown, lang, session.may_see_personal_contacts())
        proposed = mapview.proposed_sites_layer(ws, found.sites, t("layer_proposed_sites"),
                                                sentences.site_places(found, lang))
        groups = [mapview.feature_group(areas, areas.layer_name), mapview.feature_group(points, points.layer_name),
                  mapview.feature_group(proposed, t("layer_proposed_sites"))]
    widgets.show_map(m, key="sites_map", height=520, returned_objects=[], feature_group_to_add=groups or None,
                     fit=cache.district_view(ws))

if found is not None:
    st.subheader(t("sites_result"))
    st.markdown(md(sentences.suggestion_summary(found, ws, lang, cfg.disclosure_threshold)))
    for line in sentences.site_sentences(found, ws, lang, cfg.disclosure_threshold):
        st.markdown(f"- {md(line)}")
    st.caption(sentences.suggestion_assumptions(found, lang))
    widgets.cell_key_note(ws, cfg)
    table = found.sites.assign(
        label=sentences.site_places(found, lang),
        new_persons=[format_count(v, cfg.disclosure_threshold, lang) for v in found.sites["new_persons"]],
        new_persons_high_need=[format_count(v, cfg.disclosure_threshold, lang)
                               for v in found.sites["new_persons_high_need"]])
    view = table[["rank", "label", "district_name", "new_persons", "new_persons_high_need"]].rename(columns={
        c: t(f"sites_col.{c}") for c in ("rank", "label", "district_name", "new_persons", "new_persons_high_need")})
    widgets.dataframe(view, hide_index=True, width="stretch")
    st.download_button(t("download_csv"), lambda: export.to_csv(view), "standortvorschlag.csv", "text/csv",
                       key="sites_dl")
    if store.may_change_scenarios(session.role()) and len(found.sites):
        with st.expander(t("sites_to_scenario")):
            with st.form("sites_scenario_form"):
                name = st.text_input(t("scenario_name"), value=t("sites_scenario_name", date=date.today().isoformat()),
                                     key="sites_scn_name")
                provider = st.text_input(t("scenario_field.provider"), key="sites_scn_provider")
                category = st.selectbox(t("categories"), schema.CATEGORIES, key="sites_scn_cat", format_func=term)
                sectors = st.multiselect(t("sectors"), schema.SECTORS, key="sites_scn_sectors", format_func=term)
                audience = st.multiselect(t("scenario_field.audience"), schema.AUDIENCES, key="sites_scn_audience",
                                          format_func=term)
                if st.form_submit_button(t("sites_make_scenario")):
                    user = st.session_state.get("user") or session.role()
                    try:
                        additions = [
                            {"action": "add", "layer": "offers", "geometry": shapely.Point(row.x, row.y),
                             "fields": {"name": t("sites_new_offer", n=row.rank, place=place), "provider": provider,
                                 "category": category, "sectors": sectors, "audience": audience,
                                 "life_phases": list(found.assumptions["phases"]),
                                 "last_updated": date.today().isoformat()}}
                            for row, place in zip(found.sites.itertuples(), sentences.site_places(found, lang))]
                        _, sid = store.create_scenario(cfg.workspace, name, user=user, role=session.role(),
                                                       changes=additions)
                        st.success(t("sites_scenario_made", name=md(name)))
                        st.page_link(state.page_file("scenarios"), label=t("page_scenarios"), icon=":material/science:")
                        st.session_state["scn_pick"] = sid
                    except ProblemError as exc:
                        for p in exc.problems[:20]:
                            st.error(message(p, lang))
