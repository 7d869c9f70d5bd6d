"""Angebote pflegen: add, edit and retire offers (planners also Familienzentren and partners),
with the change history and stale offers flagged."""

import html
from datetime import date

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from dashboard import editing, export, schema, ui
from dashboard.life_phases import phase_labels
from dashboard.workspace import WorkspaceError

ws = ui.workspace(include_retired=True)
lang = ui.lang()
role, organisation, user = ui.role(), st.session_state.get("organisation"), st.session_state.get("user")
st.title(ui.t("page_edit"))
ui.fictional_banner(ws)
if role not in ("planner", "partner"):
    st.info(ui.t("edit_needs_login"))
    st.stop()

labels = phase_labels(ws.life_phases, lang)
layers = ["offers"] if role == "partner" else list(editing.LAYERS)
layer = st.selectbox(ui.t("edit_layer"), layers, key="edit_layer",
                     format_func=lambda k: ui.t({"offers": "layer_offers", "family_centres": "layer_family_centres",
                                                 "partners": "layer_partners"}[k]))
id_col = editing.LAYERS[layer]
frame = getattr(ws, layer)
title_col = "organisation" if layer == "partners" else "name"
if role == "partner":
    frame = frame[frame["partner_id"] == organisation]
active = frame[~frame.get("retired", pd.Series(False, index=frame.index)).fillna(False).astype(bool)]
stale = editing.stale(active) if layer == "offers" else [False] * len(active)
if layer == "offers" and stale.any():
    st.warning(ui.t("edit_stale", n=int(stale.sum())))
choices = ["__new__"] + list(active[id_col])
names = dict(zip(active[id_col], active[title_col]))
flags = dict(zip(active[id_col], stale))
record_id = st.selectbox(ui.t("edit_record"), choices, key="edit_record",
                         format_func=lambda r: ui.t("edit_new") if r == "__new__" else
                         f"{names[r]} ({r})" + (" ⚠ " + ui.t("edit_stale_short") if flags.get(r) else ""))
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
st.markdown(f"**{ui.t('position')}**")
pick_key = f"edit_pos_{layer}_{record_id}"
position = ui.position_picker(ws, pick_key, None if point is None else (float(point.y), float(point.x)), height=320)
found_address = st.session_state.get(f"{pick_key}_label") if st.session_state.get(f"{pick_key}_address") else None
with st.form(f"edit_form_{layer}_{record_id}"):
    fields = {}
    fields[title_col] = st.text_input(ui.t("col_offer") if layer == "offers" else ui.t("district_name_field"),
                                      value=shown[title_col])
    if layer == "offers":
        fields["provider"] = st.text_input(ui.t("provider"), value=shown["provider"])
        options = choices_with(schema.CATEGORIES, shown["category"])
        fields["category"] = st.selectbox(ui.t("category"), options, index=options.index(shown["category"]),
                                          format_func=ui.term)
        topics = [None, *choices_with(schema.topics_of(ws.meta), shown["topic"])] if shown["topic"] else \
            [None, *schema.topics_of(ws.meta)]
        fields["topic"] = st.selectbox(ui.t("topic"), topics, index=topics.index(shown["topic"] or None),
                                       format_func=lambda v: ui.t("choose") if v is None else ui.term(v))
        fields["life_phases"] = tuple(st.multiselect(ui.t("life_phases"), list(labels), default=[
            p for p in shown["life_phases"] if p in labels], format_func=labels.get, select_all=False, placeholder=ui.t("choose")))
        fields["sectors"] = tuple(st.multiselect(ui.t("sectors"), choices_with(schema.SECTORS, *shown["sectors"]),
                                                 default=list(shown["sectors"]), select_all=False, placeholder=ui.t("choose"),
                                                 format_func=ui.term))
        fields["audience"] = tuple(st.multiselect(ui.t("audience"), choices_with(schema.AUDIENCES, *shown["audience"]),
                                                  default=list(shown["audience"]), select_all=False, placeholder=ui.t("choose"),
                                                  format_func=ui.term))
        c1, c2, c3 = st.columns(3)
        fields["cost_free"] = c1.checkbox(ui.t("cost_free"), value=shown["cost_free"])
        fields["barrier_free"] = c2.checkbox(ui.t("barrier_free"), value=shown["barrier_free"])
        fields["capacity"] = c3.number_input(ui.t("capacity"), min_value=0, step=1, value=None if shown["capacity"] is
                                             None else int(shown["capacity"]))
        fields["languages"] = tuple(x.strip() for x in st.text_input(
            ui.t("languages"), value="; ".join(shown["languages"])).split(";") if x.strip())
    elif layer == "partners":
        options = choices_with(schema.SECTORS, shown["sector"])
        fields["sector"] = st.selectbox(ui.t("sector"), options, index=options.index(shown["sector"]),
                                        format_func=ui.term)
        options = choices_with(schema.LEGAL_DOMAINS, shown["legal_domain"])
        fields["legal_domain"] = st.selectbox(ui.t("legal_domain"), options, index=options.index(shown["legal_domain"]),
                                              format_func=ui.term)
    else:
        fields["provider"] = st.text_input(ui.t("provider"), value=shown["provider"])
    typed_address = found_address if found_address and found_address != ui.t("position_clicked") else shown["address"]
    fields["address"] = st.text_input(ui.t("address"), value=typed_address)
    fields["contact_public"] = st.text_input(ui.t("contact"), value=shown["contact_public"])
    c1, c2 = st.columns(2)
    lat = c1.number_input(ui.t("edit_latitude"), format="%.6f", value=None if position is None else position[0])
    lon = c2.number_input(ui.t("edit_longitude"), format="%.6f", value=None if position is None else position[1])
    saved = st.form_submit_button(ui.t("edit_save"), type="primary")

def attempt(change, done_message: str) -> None:
    """Run a change; on success reload with a message, else explain why nothing was saved."""
    try:
        change()
    except editing.ConflictError:
        st.session_state.pop("_edit_opened", None)  # the next run shows the record as saved by the other person
        st.error(ui.t("edit_conflict"))
    except editing.PermissionDenied:
        st.error(ui.t("edit_denied"))
    except WorkspaceError as exc:
        st.error(ui.t("edit_invalid"))
        st.code(exc.report(lang), language=None)
    except editing.EditError as exc:
        st.error(ui.t(f"edit_error_{exc.code}", **{k: html.escape(str(v)) for k, v in exc.params.items()}))
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
        st.error(ui.t("edit_position_missing"))
    elif is_new:
        if layer == "offers":
            changes.setdefault("valid_from", pd.Timestamp(date.today()))
        attempt(lambda: editing.add_record(ws.path, layer, changes, user=user, role=role, organisation=organisation),
                ui.t("edit_saved"))
    elif not changes:
        st.info(ui.t("edit_unchanged"))
    else:
        attempt(lambda: editing.edit_record(ws.path, layer, record_id, changes, user=user, role=role,
                                            organisation=organisation, expected_version=version), ui.t("edit_saved"))
if st.session_state.get("_edit_message"):
    st.success(st.session_state.pop("_edit_message"))

if not is_new and st.button(ui.t("edit_retire"), key="edit_retire"):
    attempt(lambda: editing.retire_record(ws.path, layer, record_id, user=user, role=role, organisation=organisation,
                                          expected_version=version), ui.t("edit_retired"))

st.subheader(ui.t("edit_history"))
history = editing.history_table(ws, layer if role == "partner" else None)
if role == "partner":
    history = history[history["record_id"].isin(set(frame[id_col]))]
st.dataframe(history.drop(columns=["change_id"]), hide_index=True, width="stretch")
st.download_button(ui.t("download_csv"), lambda: export.to_csv(history), "aenderungen.csv", "text/csv",
                   key="dl_history")
