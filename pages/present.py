"""Presentation mode: full-screen slides for the council (city overview, life chain, top
gaps, chosen districts) with next/previous; the sidebar and controls are hidden."""


import streamlit as st

from dashboard.analysis import coverage as C
from dashboard.app import cache, state, widgets
from dashboard.app.state import t
from dashboard.present import charts, sentences
from dashboard.present import profile as present_profile
from dashboard.present.format import html_text

ws = cache.workspace()
cfg = state.settings()
lang = state.lang()
names = dict(zip(ws.districts["district_id"], ws.districts["name"]))
ids = list(names)

STATE = {
    "present_on": ("present", "bool", False, None),
    "present_ids": ("slides", "list", [], ids),
    "present_slide": ("slide", "int", 0, range(0, 1000)),
}
state.init_state_from_url(STATE)
params = C.CoverageParams()
cov = cache.coverage(ws, params)


def slides():
    chosen = st.session_state["present_ids"] or ids[:3]
    return ["city", "chain", "gaps"] + [f"district:{d}" for d in chosen]


def step(delta):
    n = len(slides())
    st.session_state["present_slide"] = (st.session_state["present_slide"] + delta) % n


def stop():
    st.session_state["present_on"] = False
    st.session_state["present_slide"] = 0


if not st.session_state["present_on"]:
    st.title(t("page_present"))
    widgets.fictional_banner(ws)
    st.write(t("present_hint"))
    if "present_pick" not in st.session_state:
        st.session_state["present_pick"] = list(st.session_state["present_ids"])
    st.multiselect(t("present_districts"), ids, key="present_pick", format_func=names.get,
                   select_all=False, placeholder=", ".join(names[d] for d in ids[:3]))
    st.session_state["present_ids"] = list(st.session_state["present_pick"])  # kept while the widget is hidden
    st.button(t("present_on"), key="present_start", type="primary",
              on_click=lambda: st.session_state.update(present_on=True, present_slide=0))
    state.sync_state_to_url(STATE)
    st.stop()

# ---- presenting ---------------------------------------------------------------------------
st.markdown(
    """<style>
    [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
    [data-testid="stToolbar"] {display: none !important;}
    [data-testid="stMainBlockContainer"] {padding: 1rem 1.5rem 0 !important; max-width: 100%;}
    .pa-slide h1 {font-size: 3rem; padding: 0.5rem 0;} .pa-slide li, .pa-slide p {font-size: 1.6rem; line-height: 1.5;}
    /* a slide fits the screen: its pictures are as large as the height left allows, never cut */
    [class*="st-key-pa_figure"] img {max-height: calc(100vh - 16rem); width: auto !important; max-width: 100%;
                                     margin: 0 auto; display: block; object-fit: contain;}
    .st-key-pa_figure_district img {max-height: calc(100vh - 20rem);}
    </style>""",
    unsafe_allow_html=True,
)
all_slides = slides()
current = min(st.session_state["present_slide"], len(all_slides) - 1)
st.session_state["present_slide"] = current
state.sync_state_to_url(STATE)
nav = st.columns([1, 1, 6, 1])
nav[0].button(t("present_prev"), key="present_prev", on_click=step, args=(-1,))
nav[1].button(t("present_next"), key="present_next", on_click=step, args=(1,))
nav[2].markdown(f"<div style='text-align:center;padding-top:.4rem'>"
                f"{t('slide_of', i=current + 1, n=len(all_slides))}</div>", unsafe_allow_html=True)
nav[3].button(t("present_off"), key="present_stop", on_click=stop)

kind = all_slides[current]
fictional = state.meta(ws, "fictional_label") if ws.is_fictional else ""
if kind == "city":
    title = t("slide_city", city=state.meta(ws, "municipality_name"))
    st.markdown(f"<div class='pa-slide'><h1>{html_text(title)}</h1></div>", unsafe_allow_html=True)
    fig = charts.need_map(ws, cov.need["score"], offers=ws.offers, lang=lang, attribution=fictional, size=(13, 8.5))
    st.container(key="pa_figure_city").image(charts.to_bytes(fig, dpi=110), width="stretch",
                                             alt=sentences.need_map_alt_text(ws, cov.need, lang))
elif kind == "chain":
    st.markdown(f"<div class='pa-slide'><h1>{html_text(t('slide_chain'))}</h1></div>", unsafe_allow_html=True)
    matrix = charts.chain_matrix(cov, ws, lang, threshold=cfg.disclosure_threshold)
    st.container(key="pa_figure_chain").image(charts.to_bytes(matrix, dpi=110), width="stretch", alt=t(
        "alt_chain_matrix", n=len(ws.districts), k=len(ws.life_phases),
        gaps=len(C.gaps(cov, ws, cfg.disclosure_threshold))))
elif kind == "gaps":
    gaps = sentences.gaps_in_words(cov, ws, lang, cfg.disclosure_threshold)["sentence"].head(8)
    items = "".join(f"<li>{html_text(s)}</li>" for s in gaps)
    st.markdown(f"<div class='pa-slide'><h1>{html_text(t('slide_gaps'))}</h1><ol>{items}</ol></div>",
                unsafe_allow_html=True)
else:
    district_id = kind.split(":", 1)[1]
    profile = present_profile.render(ws, cache.district_profile(ws, district_id, cov, cfg.disclosure_threshold),
                                     cov.params, lang=lang, threshold=cfg.disclosure_threshold)
    st.markdown(f"<div class='pa-slide'><h1>{html_text(profile.name)}</h1><p>"
                f"{html_text(t('need_rank_of', rank=profile.need_rank, of=profile.need_of) if C.has_need_index(ws) else t('no_need_index'))}</p></div>",
                unsafe_allow_html=True)
    left, right = st.columns([3, 2])
    served = cache.offers_serving(ws, district_id)
    fig = charts.need_map(ws, cov.need["score"], district_id=district_id, offers=served, lang=lang,
                          attribution=fictional, size=(10, 7.5))
    left.container(key="pa_figure_district").image(charts.to_bytes(fig, dpi=110), width="stretch",
                                                   alt=sentences.need_map_alt_text(ws, cov.need, lang))
    right.image(charts.to_bytes(charts.chain_strip(profile, lang), dpi=110), width="stretch",
                alt=sentences.chain_alt_text(profile, ws.life_phases, lang))
    items = "".join(f"<li>{html_text(s)}</li>" for s in (profile.gaps + profile.transitions)[:5])
    right.markdown(f"<div class='pa-slide'><ul>{items}</ul></div>", unsafe_allow_html=True)
if fictional:
    st.caption(fictional)
