"""Import-Assistent: upload a CSV/XLSX of offers, Familienzentren or partners, map its columns
and words, check every row, then take over all rows or none."""


from dataclasses import replace

import streamlit as st

from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t, term
from dashboard.model import schema
from dashboard.model.workspace import WorkspaceError
from dashboard.present import problems
from dashboard.present.export import to_csv
from dashboard.present.format import md
from dashboard.present.i18n import phase_labels
from dashboard.sources.editing import ID_COLUMNS
from dashboard.sources.importer import (
    ADDRESS_CODES,
    ImportPlan,
    UploadRejected,
    commit_import,
    prepare_import,
    read_upload,
    unmatched_addresses,
)
from dashboard.sources.phase_words import NO, UNKNOWN, YES, phases_from_words, yes_no_from_word
from dashboard.sources.tables import ADDRESS_PARTS, as_text, guess_columns, guess_position, numeric_columns

YES_NO_FIELDS = ("cost_free", "barrier_free")
ws = cache.workspace(include_retired=True)
lang = state.lang()
st.title(t("page_import"))
widgets.fictional_banner(ws)
if session.role() != "planner":
    st.info(t("import_needs_planner"))
    st.stop()

upload = st.file_uploader(t("import_file"), type=["csv", "xlsx"], key="imp_file")
if upload is None:
    st.caption(t("import_hint"))
    st.stop()
data = upload.getvalue()
try:
    table = read_upload(upload.name, data)
except UploadRejected as exc:
    st.error(md(problems.message(exc.problem, lang)))
    st.stop()
st.markdown(t("import_rows", n=len(table), file=md(upload.name)))
skipped = table.attrs.get("skipped", [])
st.caption(t("import_layout", header=table.attrs.get("header_row", 1), skipped=", ".join(
    t(f"skipped_row.{why}", row=row) for row, why in skipped)) if skipped else
    t("import_layout_plain", header=table.attrs.get("header_row", 1)))
widgets.dataframe(table.head(20), hide_index=True, width="stretch")

layer = st.selectbox(t("edit_layer"), list(ID_COLUMNS), key="imp_layer", format_func=lambda k: t(
    {"offers": "layer_offers", "family_centres": "layer_family_centres", "partners": "layer_partners"}[k]))
sources = ["—"] + list(table.columns)
guess = guess_columns(table.columns, layer)
numeric = numeric_columns(table)
position = guess_position(table.columns, numeric)
parts_found = bool(position["street"] and position["number"])
st.markdown(f"**{t('import_columns')}**")
columns, cols = {}, st.columns(3)
id_column = ID_COLUMNS[layer]
fields = [c for c in schema.LAYERS[layer].columns if c.name not in ("version", "retired")]
for k, column in enumerate(fields):
    required = column.required and not column.nullable and column.name != id_column  # ids are made if missing
    label = t(f"field.{column.name}") + (" *" if required else "")
    choice = cols[k % 3].selectbox(label, sources, index=sources.index(guess.get(column.name, "—")),
                                   key=f"imp_col_{layer}_{column.name}",
                                   help=t("import_id_generated") if column.name == id_column else None)
    if choice != "—":
        columns[column.name] = choice
ways = ["parts", "address", "xy"]
default_way = "parts" if parts_found else "address" if position["address"] else "xy" if numeric else "parts"
way = st.radio(t("import_position"), ways, horizontal=True, key="imp_position", index=ways.index(default_way),
               format_func=lambda k: t(f"import_position_{k}"))
x = y = address = parts = None
crs = schema.DEFAULT_CRS
if way == "parts":
    parts, boxes = {}, st.columns(4)
    for box, role in zip(boxes, ADDRESS_PARTS):
        chosen = box.selectbox(t(f"import_part.{role}"), sources, key=f"imp_part_{role}",
                               index=sources.index(position[role]) if position[role] else 0)
        parts[role] = None if chosen == "—" else chosen
    parts = parts if parts["street"] and parts["number"] else None
    st.caption(t("import_address_hint", n=len(ws.addresses)))
elif way == "address":
    address = st.selectbox(t("import_address"), list(table.columns), key="imp_address",
                           index=list(table.columns).index(position["address"]) if position["address"] else 0)
    st.caption(t("import_address_hint", n=len(ws.addresses)))
elif not numeric:
    st.warning(t("import_no_numbers"))
else:
    c1, c2, c3 = st.columns(3)
    choices = ["—"] + numeric
    x = c1.selectbox(t("import_x"), choices, key="imp_x", index=choices.index(position["x"]) if position["x"] else 0)
    y = c2.selectbox(t("import_y"), choices, key="imp_y", index=choices.index(position["y"]) if position["y"] else 0)
    crs = c3.text_input(t("import_crs"), value="EPSG:25832", key="imp_crs")
    x, y = (None if v == "—" else v for v in (x, y))

constants, value_maps = {}, {}
if layer == "offers":
    st.markdown(f"**{t('import_constants')}**")
    k1, k2, k3 = st.columns(3)
    # nothing preset: a field the file does not have stays unset (unknown), unless set here on purpose
    if "category" not in columns:
        chosen = k1.selectbox(t("category"), schema.CATEGORIES, index=None, key="imp_const_category",
                              format_func=term, placeholder=t("import_not_set"))
        if chosen is not None:
            constants["category"] = chosen
    if "sectors" not in columns:
        chosen = k2.multiselect(t("sectors"), schema.SECTORS, default=[], key="imp_const_sectors", select_all=False,
                                placeholder=t("import_not_set"), format_func=term)
        if chosen:
            constants["sectors"] = ";".join(chosen)
    if "audience" not in columns:
        chosen = k3.multiselect(t("audience"), schema.AUDIENCES, default=[], key="imp_const_audience",
                                select_all=False, placeholder=t("import_not_set"), format_func=term)
        if chosen:
            constants["audience"] = ";".join(chosen)
    for name in YES_NO_FIELDS:
        if name not in columns:
            chosen = k1.selectbox(t(name), [None, YES, NO], key=f"imp_const_{name}",
                                  format_func=lambda v: t("import_unknown_unless_set") if v is None else t(
                                      "yes" if v == YES else "no"))
            if chosen is not None:
                constants[name] = chosen
    if "last_updated" not in columns:
        constants["last_updated"] = str(k2.date_input(t("last_updated"), key="imp_const_updated"))
    set_here = [(name, value) for name, value in constants.items() if name != "last_updated"]
    for name, value in set_here:  # what the planner set for every row, in words
        shown = t("yes") if value == YES else t("no") if value == NO else ", ".join(term(v) for v in value.split(";"))
        st.caption(t("import_set_for_all", n=len(table), field=t(name), value=md(shown)))
    for name in YES_NO_FIELDS:
        if name in columns:  # the file's own words → yes / no / unknown, proposed, editable
            st.markdown(f"**{t('import_yes_no_words', field=t(name))}**")
            mapping, boxes = {}, st.columns(3)
            for k, word in enumerate(sorted(set(as_text(table[columns[name]])))):
                proposal = yes_no_from_word(name, word)
                mapping[word] = boxes[k % 3].selectbox(
                    f"„{md(word)}“" if word else t("import_empty_cell"), [YES, NO, UNKNOWN],
                    index=None if proposal is None else [YES, NO, UNKNOWN].index(proposal),
                    format_func=lambda v: t({YES: "yes", NO: "no", UNKNOWN: "unknown"}[v]),
                    placeholder=t("choose"), key=f"imp_yn_{name}_{word}")
            value_maps[name] = mapping
    labels = phase_labels(ws.life_phases, lang)
    if "life_phases" in columns:
        st.markdown(f"**{t('import_words')}**")
        st.caption(t("import_words_hint"))
        mapping = {}
        for word in sorted(set(as_text(table[columns["life_phases"]]))):
            known = [p for p in word.split(";") if p in labels] or phases_from_words(word, ws.life_phases)
            mapping[word] = st.multiselect(f"„{md(word)}“", list(labels), default=known, format_func=labels.get,
                                           key=f"imp_map_{word}", select_all=False, placeholder=t("choose"))
        value_maps["life_phases"] = mapping
plan = ImportPlan(layer=layer, columns=columns, x=x, y=y, crs=crs.strip() or schema.DEFAULT_CRS,
                  address=address, address_parts=parts, constants=constants, value_maps=value_maps)

if st.button(t("import_check"), key="imp_check"):
    new, found = prepare_import(ws, table, plan, upload.name)
    # only addresses not found: the others can be taken over, the rest listed
    only_addresses = bool(found) and all(p.code in ADDRESS_CODES for p in found)
    st.session_state["imp_checked"] = (upload.name, len(data), not found and new is not None, only_addresses)
    if found and not only_addresses:
        st.error(t("import_problems_one" if len(found) == 1 else "import_problems", n=len(found)))
        st.code("\n".join(problems.message(p, lang) for p in found[:200]), language=None)
    elif found:
        st.warning(t("import_unmatched", n=len(found), ok=len(table) - len(found)))
        st.code("\n".join(problems.message(p, lang) for p in found[:200]), language=None)
    elif new is not None:
        st.success(t("import_ready", n=len(new)))
checked = st.session_state.get("imp_checked")
current = bool(checked and checked[:2] == (upload.name, len(data)))
ready = current and checked[2]
partial = current and checked[3]
if partial:
    unmatched = unmatched_addresses(ws, table, plan, upload.name)
    listed = unmatched.assign(reason=[t(f"unmatched_reason.{r}") if r else "" for r in unmatched["reason"]])
    st.download_button(t("import_unmatched_download", n=len(unmatched)), to_csv(listed),
                       f"{upload.name.rsplit('.', 1)[0]}_nicht_gefunden.csv", "text/csv", key="imp_unmatched_csv")
commit_label = t("import_commit_matched", ok=len(table) - len(unmatched)) if partial else t("import_commit")
if st.button(commit_label, key="imp_commit", disabled=not (ready or partial), type="primary"):
    try:
        taken = replace(plan, skip_unmatched=bool(partial))
        before = len(getattr(ws, layer))
        after = commit_import(ws.path, table, taken, upload.name, user=st.session_state.get("user", "?"))
        st.session_state.pop("imp_checked", None)
        st.success(t("import_done", n=len(getattr(after, layer)) - before))
    except WorkspaceError as exc:
        st.error(t("import_problems_one" if len(exc.problems) == 1 else "import_problems", n=len(exc.problems)))
        st.code(problems.report(exc.problems, lang), language=None)
