"""Import-Assistent: upload a CSV/XLSX of offers, Familienzentren or partners, map its columns
and words, check every row, then take over all rows or none."""


import streamlit as st

from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t, term
from dashboard.model import schema
from dashboard.model.workspace import WorkspaceError
from dashboard.present import problems
from dashboard.present.format import md
from dashboard.present.i18n import phase_labels
from dashboard.sources.editing import ID_COLUMNS
from dashboard.sources.importer import ImportPlan, UploadRejected, commit_import, prepare_import, read_upload
from dashboard.sources.tables import guess_columns, guess_position

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
st.dataframe(table.head(20), hide_index=True, width="stretch")

layer = st.selectbox(t("edit_layer"), list(ID_COLUMNS), key="imp_layer", format_func=lambda k: t(
    {"offers": "layer_offers", "family_centres": "layer_family_centres", "partners": "layer_partners"}[k]))
sources = ["—"] + list(table.columns)
guess = guess_columns(table.columns, layer)
position = guess_position(table.columns)
st.markdown(f"**{t('import_columns')}**")
columns, cols = {}, st.columns(3)
fields = [c for c in schema.LAYERS[layer].columns if c.name not in ("version", "retired")]
for k, column in enumerate(fields):
    choice = cols[k % 3].selectbox(column.name + ("" if column.nullable or not column.required else " *"), sources,
                                   index=sources.index(guess.get(column.name, "—")),
                                   key=f"imp_col_{layer}_{column.name}")
    if choice != "—":
        columns[column.name] = choice
headings = list(table.columns)
by_address = st.radio(t("import_position"), ["xy", "address"], horizontal=True, key="imp_position",
                      index=1 if position["address"] else 0, format_func=lambda k: t(f"import_position_{k}")) == "address"
x = y = address = None
crs = schema.DEFAULT_CRS
if by_address:
    address = st.selectbox(t("import_address"), headings, key="imp_address",
                           index=headings.index(position["address"]) if position["address"] else 0)
    st.caption(t("import_address_hint", n=len(ws.addresses)))
else:
    c1, c2, c3 = st.columns(3)
    x = c1.selectbox(t("import_x"), headings, key="imp_x", index=headings.index(position["x"]) if position["x"] else 0)
    y = c2.selectbox(t("import_y"), headings, key="imp_y", index=headings.index(position["y"]) if position["y"] else 0)
    crs = c3.text_input(t("import_crs"), value="EPSG:25832", key="imp_crs")

constants, value_maps = {}, {}
if layer == "offers":
    st.markdown(f"**{t('import_constants')}**")
    k1, k2, k3 = st.columns(3)
    if "category" not in columns:
        constants["category"] = k1.selectbox(t("category"), schema.CATEGORIES, key="imp_const_category",
                                             format_func=term)
    if "sectors" not in columns:
        constants["sectors"] = ";".join(k2.multiselect(t("sectors"), schema.SECTORS, default=[schema.SECTORS[3]],
                                                       key="imp_const_sectors", select_all=False, placeholder=t("choose"),
                                                       format_func=term))
    if "audience" not in columns:
        constants["audience"] = ";".join(k3.multiselect(t("audience"), schema.AUDIENCES, default=["Familien"],
                                                        key="imp_const_audience", select_all=False, placeholder=t("choose"),
                                                        format_func=term))
    for name in ("cost_free", "barrier_free"):
        if name not in columns:
            constants[name] = k1.checkbox(t(name), value=True, key=f"imp_const_{name}")
    if "last_updated" not in columns:
        constants["last_updated"] = str(k2.date_input(t("last_updated"), key="imp_const_updated"))
    labels = phase_labels(ws.life_phases, lang)
    if "life_phases" in columns:
        st.markdown(f"**{t('import_words')}**")
        mapping = {}
        for word in sorted(set(table[columns["life_phases"]].fillna("").astype(str).str.strip())):
            known = [p for p in word.split(";") if p in labels]
            mapping[word] = st.multiselect(f"„{md(word)}“", list(labels), default=known, format_func=labels.get,
                                           key=f"imp_map_{word}", select_all=False, placeholder=t("choose"))
        value_maps["life_phases"] = mapping
plan = ImportPlan(layer=layer, columns=columns, x=x, y=y, crs=crs.strip() or schema.DEFAULT_CRS,
                  address=address, constants=constants, value_maps=value_maps)

if st.button(t("import_check"), key="imp_check"):
    new, found = prepare_import(ws, table, plan, upload.name)
    st.session_state["imp_checked"] = (upload.name, len(data), not found and new is not None)
    if found:
        st.error(t("import_problems_one" if len(found) == 1 else "import_problems", n=len(found)))
        st.code("\n".join(problems.message(p, lang) for p in found[:200]), language=None)
    elif new is not None:
        st.success(t("import_ready", n=len(new)))
checked = st.session_state.get("imp_checked")
ready = bool(checked and checked[:2] == (upload.name, len(data)) and checked[2])
if st.button(t("import_commit"), key="imp_commit", disabled=not ready, type="primary"):
    try:
        commit_import(ws.path, table, plan, upload.name, user=st.session_state.get("user", "?"))
        st.session_state.pop("imp_checked", None)
        st.success(t("import_done", n=len(table)))
    except WorkspaceError as exc:
        st.error(t("import_problems_one" if len(exc.problems) == 1 else "import_problems", n=len(exc.problems)))
        st.code(problems.report(exc.problems, lang), language=None)
