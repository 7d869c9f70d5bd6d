"""Landing page: what is loaded, and where to go."""


import streamlit as st

from dashboard.app import cache, state, widgets
from dashboard.app.state import t
from dashboard.present.format import html_text, md
from dashboard.present.i18n import phase_labels

ws = cache.workspace()
lang = state.lang()
meta = ws.meta

st.title(t("app_title"))
st.write(t("tagline"))
widgets.fictional_banner(ws)

st.subheader(t("loaded_workspace"))
left, right = st.columns(2)
left.markdown(
    f"**{t('municipality')}:** {md(state.meta(ws, 'municipality_name'))}  \n"
    f"**{t('ags')}:** {md(str(meta.get('ags', '')))}  \n"
    f"**{t('data_stand')}:** {md(str(meta.get('data_stand', '')))}"
)
right.markdown(
    f"**{t('file')}:** `{ws.path.name if ws.path else '–'}`  \n"
    f"**{t('crs')}:** {md(ws.crs.to_string())}"
)

counts = ws.counts()
cols = st.columns(4)
cols[0].metric(t("count_population"), f"{ws.total_population():,.0f}".replace(",", "."))
cols[1].metric(t("count_districts"), counts["districts"])
cols[2].metric(t("count_offers"), counts["offers"])
cols[3].metric(t("count_family_centres"), counts["family_centres"])
cols = st.columns(4)
cols[0].metric(t("count_partners"), counts["partners"])
cols[1].metric(t("count_networks"), counts["networks"])
cols[2].metric(t("count_indicators"), counts["indicators"])
cols[3].metric(t("count_cells"), counts["population_cells"])

st.subheader(t("life_chain"))
labels = phase_labels(ws.life_phases, lang)
colours = dict(zip(ws.life_phases["phase_id"], ws.life_phases["colour"]))
strip = "".join(
    f'<span style="display:inline-block;margin:2px;padding:4px 8px;border-radius:4px;'
    f'border-left:8px solid {html_text(colours[pid])};background:#f3f3f3">{html_text(label)}</span>'
    for pid, label in labels.items()
)
st.markdown(strip, unsafe_allow_html=True)

st.subheader(t("pages"))
for name, label in (("map", "goto_map"), ("chain", "goto_chain"), ("gaps", "goto_gaps"), ("profile", "goto_profile"),
                    ("partner", "goto_partner"), ("lotse", "goto_lotse"), ("networks", "goto_networks"),
                    ("present", "page_present")):
    st.page_link(state.page_file(name), label=t(label), icon=state.PAGES[name])

st.caption(
    f"{t('sources')}: {md(state.meta(ws, 'sources'))} · "
    f"{t('licences')}: {md(state.meta(ws, 'licences'))}"
)
