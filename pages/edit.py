"""Angebote pflegen: add, edit and retire offers (planners also Familienzentren and partners),
with the change history and stale offers flagged."""

from datetime import date

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t, term
from dashboard.model import schema
from dashboard.model.workspace import WorkspaceError
from dashboard.present import export, problems
from dashboard.present.format import md
from dashboard.present.i18n import phase_labels
from dashboard.sources import editing

ws = cache.workspace(include_retired=True)
lang = state.lang()
role, organisation, user = session.role(), st.session_state.get("organisation"), st.session_state.get("user")
st.title(t("page_edit"))
widgets.fictional_banner(ws)
if role not in ("planner", "partner"):
    st.info(t("edit_needs_login"))
    st.stop()

labels = phase_labels(ws.life_phases, lang)
layers = ["offers"] if role == "partner" else list(editing.ID_COLUMNS)
layer = st.selectbox(t("edit_layer"), layers, key="edit_layer",
                     format_func=lambda k: t({"offers": "layer_offers", "family_centres": "layer_family_centres",
                                                 "partners": "layer_partners"}[k]))
id_col = editing.ID_COLUMNS[layer]
frame = getattr(ws, layer)
title_col = "organisation" if layer == "partners" else "name"
if role == "partner":
    frame = frame[frame["partner_id"] == organisation]
active = frame[~frame.get("retired", pd.Series(False, index=frame.index)).fillna(False).astype(bool)]
stale = editing.stale(active) if layer == "offers" else [False] * len(active)
if layer == "offers" and stale.any():
    st.warning(t("edit_stale", n=int(stale.sum())))
choices = ["__new__"] + list(active[id_col])
names = dict(zip(active[id_col], active[title_col]))
flags = dict(zip(active[id_col], stale))
record_id = st.selectbox(t("edit_record"), choices, key="edit_record",
                         format_func=lambda r: t("edit_new") if r == "__new__" else
                         f"{names[r]} ({r})" + (" ⚠ " + t("edit_stale_short") if flags.get(r) else ""))
is_new = record_id == "__new__"
row = None if is_new else frame[frame[id_col] == record_id].iloc[0]


def choices_with(options, *stored):
    """The vocabulary, plus stored values outside it (kept, not silently replaced)."""
    return list(options) + [v for v in stored if v not in options]


# The record as it was when opened: the form shows it, only fields that differ from it are
# saved, and its version detects a save by someone else in between (lost update).
opened = st.session_state.get("_edit_opened")
if opened is None or opened[0] != (layer, record_id):
    opened = ((layer, record_id), None if is_new else editing.version_of(ws, layer, record_id),
              editing.form_values(row, layer))
    st.session_state["_edit_opened"] = opened
_, version, shown = opened
stored = shown["geometry"]
point = None if stored is None or stored.is_empty else gpd.GeoSeries([stored], crs=ws.crs).to_crs(4326).iloc[0]
st.markdown(f"**{t('position')}**")
pick_key = f"edit_pos_{layer}_{record_id}"
position = widgets.position_picker(ws, pick_key, None if point is None else (float(point.y), float(point.x)), height=320)
found_address = st.session_state.get(f"{pick_key}_found")  # None after a click on the map
with st.form(f"edit_form_{layer}_{record_id}"):
    fields = {}
    fields[title_col] = st.text_input(t("col_offer") if layer == "offers" else t("district_name_field"),
                                      value=shown[title_col])
    if layer == "offers":
        fields["provider"] = st.text_input(t("provider"), value=shown["provider"])
        options = choices_with(schema.CATEGORIES, shown["category"])
        fields["category"] = st.selectbox(t("category"), options, index=options.index(shown["category"]),
                                          format_func=term)
        topics = [None, *choices_with(schema.topics_of(ws.meta), shown["topic"])] if shown["topic"] else \
            [None, *schema.topics_of(ws.meta)]
        fields["topic"] = st.selectbox(t("topic"), topics, index=topics.index(shown["topic"] or None),
                                       format_func=lambda v: t("choose") if v is None else term(v))
        fields["life_phases"] = tuple(st.multiselect(t("life_phases"), list(labels), default=[
            p for p in shown["life_phases"] if p in labels], format_func=labels.get, select_all=False, placeholder=t("choose")))
        fields["sectors"] = tuple(st.multiselect(t("sectors"), choices_with(schema.SECTORS, *shown["sectors"]),
                                                 default=list(shown["sectors"]), select_all=False, placeholder=t("choose"),
                                                 format_func=term))
        fields["audience"] = tuple(st.multiselect(t("audience"), choices_with(schema.AUDIENCES, *shown["audience"]),
                                                  default=list(shown["audience"]), select_all=False, placeholder=t("choose"),
                                                  format_func=term))
        c1, c2, c3 = st.columns(3)
        for column, name in ((c1, "cost_free"), (c2, "barrier_free")):  # yes / no / unknown
            fields[name] = column.selectbox(t(name), [None, True, False], index=[None, True, False].index(
                None if shown[name] is None else bool(shown[name])), format_func=widgets.yes_no_word)
        fields["capacity"] = c3.number_input(t("capacity"), min_value=0, step=1, value=None if shown["capacity"] is
                                             None else int(shown["capacity"]))
        fields["languages"] = tuple(x.strip() for x in st.text_input(
            t("languages"), value="; ".join(shown["languages"])).split(";") if x.strip())
    elif layer == "partners":
        options = choices_with(schema.SECTORS, shown["sector"])
        fields["sector"] = st.selectbox(t("sector"), options, index=options.index(shown["sector"]),
                                        format_func=term)
        options = choices_with(schema.LEGAL_DOMAINS, shown["legal_domain"])
        fields["legal_domain"] = st.selectbox(t("legal_domain"), options, index=options.index(shown["legal_domain"]),
                                              format_func=term)
    else:
        fields["provider"] = st.text_input(t("provider"), value=shown["provider"])
    typed_address = found_address or shown["address"]
    fields["address"] = st.text_input(t("address"), value=typed_address)
    fields["contact_public"] = st.text_input(t("contact"), value=shown["contact_public"])
    c1, c2 = st.columns(2)
    lat = c1.number_input(t("edit_latitude"), format="%.6f", value=None if position is None else position[0])
    lon = c2.number_input(t("edit_longitude"), format="%.6f", value=None if position is None else position[1])
    saved = st.form_submit_button(t("edit_save"), type="primary")

def attempt(change, done_message: str) -> None:
    """Run a change; on success reload with a message, else explain why nothing was saved."""
    try:
        change()
    except editing.ConflictError:
        st.session_state.pop("_edit_opened", None)  # the next run shows the record as saved by the other person
        st.error(t("edit_conflict"))
    except editing.PermissionDenied:
        st.error(t("edit_denied"))
    except WorkspaceError as exc:
        st.error(t("edit_invalid"))
        st.code(problems.report(exc.problems, lang), language=None)
    except editing.EditError as exc:
        st.error(md(problems.text(exc.problem, lang)))
    else:
        st.session_state.pop("_edit_opened", None)
        st.session_state["_edit_message"] = done_message
        st.rerun()


if saved:
    if lat is not None and lon is not None:
        fields["geometry"] = gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326).to_crs(ws.crs).iloc[0]
    else:
        fields["geometry"] = stored  # no position given: an outreach offer stays without a site
    changes = editing.changed_fields(shown, fields)
    if is_new and changes.get("geometry") is None:
        st.error(t("edit_position_missing"))
    elif is_new:
        if layer == "offers":
            changes.setdefault("valid_from", pd.Timestamp(date.today()))
        attempt(lambda: editing.add_record(ws.path, layer, changes, user=user, role=role, organisation=organisation),
                t("edit_saved"))
    elif not changes:
        st.info(t("edit_unchanged"))
    else:
        attempt(lambda: editing.edit_record(ws.path, layer, record_id, changes, user=user, role=role,
                                            organisation=organisation, expected_version=version), t("edit_saved"))
if st.session_state.get("_edit_message"):
    st.success(st.session_state.pop("_edit_message"))

if not is_new and st.button(t("edit_retire"), key="edit_retire"):
    attempt(lambda: editing.retire_record(ws.path, layer, record_id, user=user, role=role, organisation=organisation,
                                          expected_version=version), t("edit_retired"))

st.subheader(t("edit_history"))
history = editing.history_table(ws, layer if role == "partner" else None)
if role == "partner":
    history = history[history["record_id"].isin(set(frame[id_col]))]
widgets.dataframe(history.drop(columns=["change_id"]), hide_index=True, width="stretch")
st.download_button(t("download_csv"), lambda: export.to_csv(history), "aenderungen.csv", "text/csv",
                   key="dl_history")
