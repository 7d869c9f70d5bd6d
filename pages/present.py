"""Presentation mode: full-screen slides for the council (city overview, life chain, top
gaps, chosen districts) with next/previous; the sidebar and controls are hidden."""


import streamlit as st

from dashboard.analysis import coverage as C
from dashboard.app import cache, state, widgets
from dashboard.app.state import t
from dashboard.present import charts, sentences
from dashboard.present import profile as present_profile
from dashboard.present.format import html_text

ws = widgets.scenario_workspace(cache.workspace())
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


CHAIN_ROWS = 16  # districts on one life-chain slide: each row's text stays ≥ 16 px at 1920 × 1080


def slides():
    chosen = st.session_state["present_ids"] or ids[:3]
    chain = [f"chain:{k}" for k in range(0, len(ids), CHAIN_ROWS)]
    return ["city", *chain, "gaps"] + [f"district:{d}" for d in chosen]


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
# At 1920 × 1080 a picture is shown at its own size (charts.SLIDE_BOX_PX at charts.SLIDE_DPI); on a
# smaller screen it shrinks to the height left below navigation and title, never cut, no scrolling.
st.markdown(
    """<style>
    [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
    [data-testid="stToolbar"] {display: none !important;}
    [data-testid="stMainBlockContainer"] {padding: 0.75rem 1.5rem 0 !important; max-width: 100%;}
    .pa-slide h1 {font-size: 2.2rem; padding: 0 0 0.25rem;}
    .pa-side li, .pa-side p {font-size: 1.25rem; line-height: 1.4;}
    .pa-side h3 {font-size: 1.4rem; padding: 0.6rem 0 0.2rem;}
    .pa-chain {list-style: none; padding: 0; margin: 0;}
    .pa-chain li {display: flex; align-items: center; gap: 0.6rem; font-size: 1.25rem; padding: 0.2rem 0;}
    .pa-chain .swatch {flex: none; width: 1.4rem; height: 1.4rem; border-radius: 3px;}
    .pa-nav-note {text-align: center; padding-top: .4rem; font-size: 1rem;}
    [class*="st-key-pa_figure"] {align-items: center;}
    [class*="st-key-pa_figure"] img {max-height: calc(100vh - 11rem); max-width: 100%; width: auto !important;
                                     height: auto; margin: 0 auto; display: block; object-fit: contain;}
    </style>""",
    unsafe_allow_html=True,
)
all_slides = slides()
current = min(st.session_state["present_slide"], len(all_slides) - 1)
st.session_state["present_slide"] = current
state.sync_state_to_url(STATE)
fictional = state.meta(ws, "fictional_label") if ws.is_fictional else ""
nav = st.columns([1, 1, 6, 1])
nav[0].button(t("present_prev"), key="present_prev", on_click=step, args=(-1,))
nav[1].button(t("present_next"), key="present_next", on_click=step, args=(1,))
note = " · ".join(filter(None, [t("slide_of", i=current + 1, n=len(all_slides)), fictional]))
nav[2].markdown(f"<div class='pa-nav-note'>{html_text(note)}</div>", unsafe_allow_html=True)
nav[3].button(t("present_off"), key="present_stop", on_click=stop)


def heading(text: str) -> None:
    st.markdown(f"<div class='pa-slide'><h1>{html_text(text)}</h1></div>", unsafe_allow_html=True)


def picture(key: str, fig, alt: str, container=st) -> None:
    width = round(fig.get_figwidth() * charts.SLIDE_DPI)  # its own size: Streamlit would shrink it to 1460 px
    container.container(key=key).image(charts.to_bytes(fig, dpi=charts.SLIDE_DPI), width=width, alt=alt)


kind = all_slides[current]
box_w, box_h = charts.SLIDE_BOX_PX
if kind == "city":
    heading(t("slide_city", city=state.meta(ws, "municipality_name")))
    picture("pa_figure_city", charts.slide_need_map(ws, cov.need["score"], offers=ws.offers, lang=lang,
                                                    attribution=fictional),
            sentences.need_map_alt_text(ws, cov.need, lang))
elif kind.startswith("chain:"):
    first = int(kind.split(":", 1)[1])
    rows = ids[first:first + CHAIN_ROWS]
    part = f" ({first + 1}–{first + len(rows)})" if len(ids) > CHAIN_ROWS else ""
    heading(t("slide_chain") + part)
    matrix = charts.chain_matrix(cov, ws, lang, threshold=cfg.disclosure_threshold, district_ids=rows,
                                 size=(box_w / charts.SLIDE_DPI, box_h / charts.SLIDE_DPI),
                                 text_scale=charts.slide_text_scale(8))
    picture("pa_figure_chain", matrix, t("alt_chain_matrix", n=len(rows), k=len(ws.life_phases),
                                         gaps=len(C.gaps(cov, ws, cfg.disclosure_threshold))))
elif kind == "gaps":
    heading(t("slide_gaps"))
    gaps = sentences.gaps_in_words(cov, ws, lang, cfg.disclosure_threshold)["sentence"].head(8)
    items = "".join(f"<li>{html_text(s)}</li>" for s in gaps) or f"<li>{html_text(t('no_gaps'))}</li>"
    fig = charts.slide_need_map(ws, cov.need["score"], lang=lang, attribution=fictional,
                                box_px=(round(box_w * 0.56), box_h))  # the gaps beside where need is
    map_w = fig.get_figwidth() * charts.SLIDE_DPI
    left, right = st.columns([box_w - map_w, map_w], gap="medium")
    left.markdown(f"<div class='pa-side'><ol>{items}</ol></div>", unsafe_allow_html=True)
    picture("pa_figure_gaps", fig, sentences.need_map_alt_text(ws, cov.need, lang), right)
else:
    district_id = kind.split(":", 1)[1]
    profile = present_profile.render(ws, cache.district_profile(ws, district_id, cov, cfg.disclosure_threshold),
                                     cov.params, lang=lang, threshold=cfg.disclosure_threshold)
    rank = (t("need_rank_of", rank=profile.need_rank, of=profile.need_of) if C.has_need_index(ws)
            else t("no_need_index"))
    heading(f"{profile.name} · {rank}")
    side_w = 560  # pixels at 1920: the life chain and the sentences beside the map
    fig = charts.slide_need_map(ws, cov.need["score"], district_id=district_id, offers=cache.offers_serving(ws, district_id),
                                lang=lang, attribution=fictional, box_px=(box_w - side_w - 32, box_h))
    map_w = fig.get_figwidth() * charts.SLIDE_DPI
    left, right = st.columns([map_w, box_w - map_w], gap="medium")
    picture("pa_figure_district", fig, sentences.need_map_alt_text(ws, cov.need, lang), left)
    chain = "".join(
        f"<li><span class='swatch' style='background:{charts.STATUS_COLOURS[row.status]}'></span>"
        f"{html_text(text)}</li>" for row, text in zip(profile.chain.itertuples(),
                                                       sentences.chain_phrases(profile, ws.life_phases, lang)))
    lines = (profile.gaps + profile.transitions)[:5]
    items = "".join(f"<li>{html_text(s)}</li>" for s in lines) or f"<li>{html_text(t('no_gaps'))}</li>"
    right.markdown(f"<div class='pa-side'><h3>{html_text(t('life_chain'))}</h3><ul class='pa-chain'>{chain}</ul>"
                   f"<h3>{html_text(t('tab_gaps'))}</h3><ul>{items}</ul></div>", unsafe_allow_html=True)
