"""Szenarien: what-if scenarios on top of the real data. Planners create and change them
(add, close, move or change an offer, a housing area, a population change), share them with
partners and viewers, exchange them as files; everyone who may see one reads its effect
(scenario − Ist per district and life phase), on a difference map, and takes the council's
page as PDF or XLSX."""

from datetime import date

import shapely
import streamlit as st

from dashboard.analysis.scenario import changes_of
from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t, term
from dashboard.model import schema
from dashboard.model.problems import ProblemError
from dashboard.present import maps, mapview
from dashboard.present import scenario as words
from dashboard.present.format import md
from dashboard.present.i18n import phase_labels
from dashboard.present.problems import message
from dashboard.sources import scenarios as store

ws = cache.workspace()
cfg = state.settings()
lang = state.lang()
role = session.role()
planner = store.may_change_scenarios(role)
user = st.session_state.get("user") or role
labels = phase_labels(ws.life_phases, lang)
phases = list(labels)
district_names = dict(zip(ws.districts["district_id"], ws.districts["name"]))
widgets.page_header(t("page_scenarios"), ws)
st.caption(t("scenarios_intro"))


def store_call(action, *args, **kwargs):
    """A change of the stored scenarios; problems shown in the UI language, nothing half-written."""
    try:
        return action(cfg.workspace, *args, user=user, role=role, **kwargs)
    except ProblemError as exc:
        st.session_state["_scn_problems"] = [message(p, lang) for p in exc.problems[:20]]
        return None


def position_of(text: str):
    """The point (workspace CRS) of an address of the directory, or None with a message."""
    hit = cache.find_address(ws, text) if text and text.strip() else {"x": None}
    if hit.get("x") is None:
        st.session_state["_scn_problems"] = [t("address_not_found", address=md(text or "–"))]
        return None
    return shapely.Point(hit["x"], hit["y"])


visible = store.visible_scenarios(ws, role)
if planner:
    with st.expander(t("scenario_new"), expanded=visible.empty):
        with st.form("scn_new_form", clear_on_submit=True):
            name = st.text_input(t("scenario_name"), key="scn_new_name")
            description = st.text_area(t("scenario_description"), key="scn_new_description")
            shared = st.checkbox(t("scenario_shared"), key="scn_new_shared")
            if st.form_submit_button(t("scenario_create")):
                done = store_call(store.create_scenario, name, description=description or None, shared=shared)
                if done is not None:
                    st.session_state["scn_pick"] = done[1]
                    st.rerun()
    with st.expander(t("scenario_import")):
        upload = st.file_uploader(t("scenario_import_file"), type=["json"], key="scn_import_file")
        if upload is not None and st.button(t("scenario_import_button"), key="scn_import_go"):
            done = store_call(lambda path, **kw: store.import_scenario(path, upload.getvalue(), upload.name, **kw))
            if done is not None:
                st.session_state["scn_pick"] = done[1]
                st.rerun()

for line in st.session_state.pop("_scn_problems", []):
    st.error(line)

if visible.empty:
    st.info(t("scenarios_none_planner" if planner else "scenarios_none"))
    st.stop()

ids = list(visible["scenario_id"])
names = dict(zip(visible["scenario_id"], visible["name"]))
if st.session_state.get("scn_pick") not in ids:
    chosen = st.session_state.get(widgets.SCENARIO_KEY) or st.query_params.get("sc")
    st.session_state["scn_pick"] = chosen if chosen in ids else ids[0]
pick = st.selectbox(t("scenario_pick"), ids, key="scn_pick", format_func=names.get)
row = visible.set_index("scenario_id").loc[pick]
st.subheader(md(names[pick]))
if isinstance(row["description"], str) and row["description"]:
    st.caption(md(row["description"]))
st.caption(t("scenario_is_shared" if bool(row["shared"]) else "scenario_is_draft"))

# ---- the changes -----------------------------------------------------------------------
st.markdown(f"**{t('scenario_changes')}**")
changes = changes_of(ws, pick)
sentences = words.change_sentences(ws, pick, lang)
if not changes:
    st.caption(t("scenario_no_changes"))
for change, sentence in zip(changes, sentences):
    left, right = st.columns([6, 1], vertical_alignment="center")
    left.markdown(f"- {md(sentence)}")
    if planner and right.button(t("scenario_remove"), key=f"scn_rm_{change.change_id}"):
        if store_call(store.remove_change, pick, change.change_id) is not None:
            st.rerun()

if planner:
    with st.expander(t("scenario_add_change")):
        kinds = ["add", "add_centre", "close", "move", "change", "housing", "population"]
        kind = st.radio(t("scenario_change_kind"), kinds, horizontal=True, key="scn_kind",
                        format_func=lambda k: t(f"scenario_kind.{k}"))
        offer_names = dict(zip(ws.offers["offer_id"], ws.offers["name"] + " – " + ws.offers["provider"]))
        with st.form("scn_change_form"):
            fields, point, record, valid_from = {}, None, None, None
            if kind == "add":
                fields["name"] = st.text_input(t("scenario_field.name"), key="scn_add_name")
                fields["provider"] = st.text_input(t("scenario_field.provider"), key="scn_add_provider")
                fields["category"] = st.selectbox(t("categories"), schema.CATEGORIES, key="scn_add_cat", format_func=term)
                fields["life_phases"] = st.multiselect(t("life_phases"), phases, key="scn_add_phases",
                                                       format_func=labels.get)
                fields["sectors"] = st.multiselect(t("sectors"), schema.SECTORS, key="scn_add_sectors", format_func=term)
                fields["audience"] = st.multiselect(t("scenario_field.audience"), schema.AUDIENCES, key="scn_add_audience",
                                                    format_func=term)
                fields["capacity"] = st.number_input(t("scenario_field.capacity"), min_value=0, value=None, step=1,
                                                     key="scn_add_capacity")
                address = st.text_input(t("address_search"), key="scn_add_address",
                                        placeholder=widgets.example_address(ws))
            elif kind == "add_centre":
                fields["name"] = st.text_input(t("scenario_field.centre_name"), key="scn_centre_name")
                fields["provider"] = st.text_input(t("scenario_field.provider"), key="scn_centre_provider")
                fields["life_phases"] = st.multiselect(t("life_phases"), phases, key="scn_centre_phases",
                                                       format_func=labels.get)
                address = st.text_input(t("address_search"), key="scn_centre_address",
                                        placeholder=widgets.example_address(ws))
            elif kind in ("close", "move", "change"):
                record = st.selectbox(t("scenario_offer"), list(offer_names), key="scn_offer", format_func=offer_names.get)
                if kind == "close":
                    valid_from = st.date_input(t("scenario_close_from"), value=None, key="scn_close_from",
                                               format="DD.MM.YYYY")
                elif kind == "move":
                    address = st.text_input(t("address_search"), key="scn_move_address",
                                            placeholder=widgets.example_address(ws))
                else:
                    fields["life_phases"] = st.multiselect(t("life_phases"), phases, key="scn_change_phases",
                                                           format_func=labels.get)
                    fields["capacity"] = st.number_input(t("scenario_field.capacity"), min_value=0, value=None, step=1,
                                                         key="scn_change_capacity")
                    areas = {schema.CITY_WIDE: t("scenario_whole_city"), **district_names}
                    fields["service_area"] = st.multiselect(t("scenario_field.service_area"), list(areas),
                                                            key="scn_change_area", format_func=areas.get)
            elif kind == "housing":
                fields["name"] = st.text_input(t("scenario_housing_name"), key="scn_housing_name")
                address = st.text_input(t("scenario_housing_centre"), key="scn_housing_address",
                                        placeholder=widgets.example_address(ws))
                size = st.number_input(t("scenario_housing_size"), min_value=50, max_value=2000, value=300, step=50,
                                       key="scn_housing_size")
                columns = st.columns(4)
                fields["persons"] = {p: columns[k % 4].number_input(labels[p], min_value=0, value=0, step=1,
                                                                    key=f"scn_housing_{p}")
                                     for k, p in enumerate(phases)}
            else:
                fields["district_id"] = st.selectbox(t("district"), list(district_names), key="scn_pop_district",
                                                     format_func=district_names.get)
                fields["phase_id"] = st.selectbox(t("phase"), phases, key="scn_pop_phase", format_func=labels.get)
                fields["percent"] = st.number_input(t("scenario_percent"), min_value=-100.0,
                                                    max_value=store.MAX_PERCENT, value=10.0, step=5.0,
                                                    key="scn_pop_percent")
            if st.form_submit_button(t("scenario_add")):
                geometry = None
                if kind == "add_centre":
                    kind, layer_of = "add", "family_centres"
                else:
                    layer_of = "offers" if kind in ("add", "close", "move", "change") else None
                if kind in ("add", "move", "housing"):
                    geometry = position_of(address)
                    if geometry is not None and kind == "housing":
                        geometry = shapely.box(geometry.x - size / 2, geometry.y - size / 2,
                                               geometry.x + size / 2, geometry.y + size / 2)
                        fields["persons"] = {p: n for p, n in fields["persons"].items() if n}
                if kind == "add" and layer_of == "offers":
                    fields["last_updated"] = date.today().isoformat()
                fields = {k: v for k, v in fields.items() if v not in (None, [], "")}
                if geometry is not None or kind not in ("add", "move", "housing"):
                    done = store_call(store.add_change, pick, kind, layer=layer_of, record_id=record,
                                      fields=fields or None, valid_from=valid_from, geometry=geometry)
                    if done is not None:
                        st.rerun()
                else:
                    st.rerun()  # the address problem is shown above
    c1, c2, c3 = st.columns(3)
    if c1.button(t("scenario_unshare" if bool(row["shared"]) else "scenario_share"), key="scn_share"):
        if store_call(store.update_scenario, pick, shared=not bool(row["shared"])) is not None:
            st.rerun()
    sure = c3.checkbox(t("scenario_delete_sure"), key="scn_delete_sure")
    if c2.button(t("scenario_delete"), key="scn_delete", disabled=not sure):
        if store_call(store.delete_scenario, pick) is not None:
            st.session_state.pop("scn_pick", None)
            st.rerun()

# ---- the effect: scenario − Ist ----------------------------------------------------------
st.divider()
st.subheader(t("scenario_effect_title"))
with st.sidebar.expander(t("cov_settings"), expanded=False):
    param_state, read_params = widgets.coverage_controls("scn", st, network=ws.has_streets)
    on_day = st.date_input(t("scenario_day"), value=None, key="scn_day", format="DD.MM.YYYY",
                           help=t("scenario_day_help"))
params = read_params()
if on_day is not None:
    from dataclasses import replace

    params = replace(params, valid_on=on_day)
try:
    scen = cache.scenario_workspace(ws, pick)
except ProblemError as exc:
    st.error(t("scenario_broken", name=md(names[pick]), detail=md(message(exc.problem, lang))))
    st.stop()
table = cache.scenario_comparison(scen, params)
base_cov = cache.coverage(ws, params)
for sentence in words.effect_sentences(table, ws, lang):
    st.markdown(f"- {md(sentence)}")
notes = [words.assumptions_sentence(base_cov, lang, params.valid_on)]
st.caption(notes[0])
widgets.dataframe(words.effect_table(table, ws, lang), hide_index=True, width="stretch")

left, right = st.columns([3, 1])
with right:
    changed = table.loc[table["reached_change"].fillna(1) != 0, "phase_id"]
    default = changed.iloc[0] if len(changed) else phases[0]
    shown_phase = st.selectbox(t("phase"), phases, index=phases.index(default), key="scn_map_phase",
                               format_func=labels.get)
    st.download_button(t("scenario_download_pdf"), lambda: words.effect_pdf(ws, names[pick], table, lang, sentences,
                                                                            notes),
                       f"szenario_{pick}.pdf", "application/pdf", key="scn_dl_pdf")
    st.download_button(t("scenario_download_xlsx"), lambda: words.effect_xlsx(ws, names[pick], table, lang, sentences,
                                                                              notes),
                       f"szenario_{pick}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="scn_dl_xlsx")
    st.download_button(t("scenario_download_file"), lambda: store.export_scenario(ws, pick), f"szenario_{pick}.json",
                       "application/json", key="scn_dl_json")
with left:
    layer, legend = mapview.difference_layer(ws, table, shown_phase, lang, cfg.disclosure_threshold)
    groups = [mapview.unlisted_group(maps.Legend(legend)), mapview.feature_group(layer, layer.layer_name)]
    added = scen.offers[scen.offers["offer_id"].astype(str).str.startswith(store.SCENARIO_ID_PREFIX)]
    if len(added):
        groups.append(mapview.feature_group(mapview.numbered_offers_layer(ws, added, t("layer_scenario_offers")),
                                            t("layer_scenario_offers")))
    if scen.scenario is not None and scen.scenario.housing:
        housing = mapview.housing_layer(ws, scen.scenario.housing, lang)
        groups.append(mapview.feature_group(housing, housing.layer_name))
    m = widgets.base_map(cache.district_view(ws), ws=ws)
    widgets.show_map(m, key="scn_map", height=480, returned_objects=[], feature_group_to_add=groups,
                     fit=cache.district_view(ws))
state.sync_state_to_url(param_state)
