"""Session state of the app: settings, UI language, translated texts, page list, and the view's
parameters kept in the URL (a link reproduces what a planner sees)."""

from __future__ import annotations

import os
import re

import streamlit as st

from dashboard.model.problems import ProblemError
from dashboard.model.settings import ROOT, Settings, from_env
from dashboard.model.workspace import Workspace
from dashboard.present import i18n, problems
from dashboard.present.maps import PANEL_MIN_MAP_PX, PANEL_WIDTH

LANG_KEY = "lang"


# The app's pages in navigation order: name (= URL path and file pages/<name>.py) -> icon;
# titles come from the translation keys ``page_<name>``.
PAGES = {
    "home": ":material/home:", "map": ":material/map:", "chain": ":material/timeline:",
    "gaps": ":material/troubleshoot:", "profile": ":material/description:", "partner": ":material/handshake:",
    "lotse": ":material/family_restroom:", "networks": ":material/hub:", "present": ":material/slideshow:",
    "scenarios": ":material/science:", "sites": ":material/add_location_alt:", "quality": ":material/monitoring:",
    "edit": ":material/edit_note:", "import": ":material/upload_file:", "account": ":material/login:",
}
FOOTER_PAGES = {"statement": ":material/accessibility_new:"}
"""Pages linked below the navigation (the accessibility statement), not in it: the navigation
shows every page without a "more" fold."""


PAGES_DIR = ROOT / "pages"


def page_file(name: str) -> str:
    """Absolute path of a page script (``st.Page``/``st.page_link`` take it as it is)."""
    return str(PAGES_DIR / f"{name}.py")


def settings() -> Settings:
    """Settings from the environment; an invalid value stops the page with a German message."""
    try:
        return from_env()
    except ProblemError as exc:
        st.error(i18n.t("settings_error", lang(), detail=problems.message(exc.problem, lang())))
        st.stop()


def lang() -> str:
    """The UI language of this session: 'de' (default) or 'en'."""
    value = st.session_state.get(LANG_KEY) or st.query_params.get(LANG_KEY)
    if value not in i18n.LANGUAGES:
        value = os.environ.get("PRAEVENTIONSATLAS_LANG", "de")
    return value if value in i18n.LANGUAGES else "de"


def t(key: str, **params) -> str:
    return i18n.t(key, lang(), **params)


def term(value) -> str:
    """A vocabulary term from the data (sector, category, language …) in the UI language."""
    return i18n.term(value, lang())


def meta(ws: Workspace, key: str) -> str:
    """A workspace meta text (municipality name, sources …) in the UI language where given."""
    return i18n.meta_text(ws.meta, key, lang())


def _keep_choices() -> None:
    """On a language switch: hand every keyed choice back to Streamlit as set by the app.

    The browser sends a select box's or radio's value as its *label*; after the switch that
    label (in the old language) matches no option, and the widget would fall back to its
    default or keep showing the old word. A value set through ``st.session_state`` wins over
    the browser's and is sent back with its new label. Buttons, uploads and table
    selections (bool, file, dict values) cannot be set this way and do not need it."""
    from datetime import date

    for key, value in list(st.session_state.items()):
        if key == "lang_widget" or not isinstance(key, str) or key.startswith(("_", "$$", "FormSubmitter")):
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float, list, tuple, date)):
            continue
        try:
            st.session_state[key] = value
        except Exception:  # noqa: BLE001 - a widget whose value the app may not set: leave it to Streamlit
            pass


def language_selector() -> str:
    """Sidebar switch Deutsch/English, kept in the URL (?lang=en); what the planner chose on
    the page stays chosen (see :func:`_keep_choices`)."""
    current = lang()
    choice = st.sidebar.radio(
        "Sprache / Language", list(i18n.LANGUAGES), index=list(i18n.LANGUAGES).index(current),
        format_func=i18n.LANGUAGES.get, horizontal=True, key="lang_widget", on_change=_keep_choices,
    )
    st.session_state[LANG_KEY] = choice
    if choice != "de":
        st.query_params[LANG_KEY] = choice
    elif LANG_KEY in st.query_params:
        del st.query_params[LANG_KEY]
    document_language(choice)
    return choice


PAGE_STYLE = """<style>
/* WCAG 1.4.3: captions at 7:1 (Streamlit draws them grey at 60 % opacity: 3.9:1 on white) */
[data-testid="stCaptionContainer"] { opacity: 1; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #595959; }
/* room for the content: Streamlit's wide layout keeps 96 px above and 80 px beside it */
@media (min-width: 768px) {
  [data-testid="stMainBlockContainer"] { padding: 3.5rem 1.5rem 4rem; }
}
/* a map that owns the screen (widgets.map_stage): the map fills the height the page's script
   measured; from 760 px of width the panel lies over the map's right side, narrower above it */
[class*="st-key-pa_stage_"] { position: relative; container-type: inline-size; gap: 0; }
[class*="st-key-pa_panel_"] { margin-bottom: 1rem; }
/* a long word (an e-mail address, a compound) in a table cell may break rather than cut a column
   off (headings and numbers, which Streamlit aligns right, keep theirs); in a panel the tables
   are compact */
[data-testid="stTable"] :is(th, td) { white-space: normal; }
[data-testid="stTable"] td:not([style*="right"]), [data-testid="stTable"] td:not([style*="right"]) * {
  overflow-wrap: anywhere !important;
}
[class*="st-key-pa_panel_"] [data-testid="stTable"] :is(th, td) { padding: 0.3rem 0.4rem; font-size: 0.875rem; }
[class*="st-key-pa_map_"] iframe { height: var(--pa-map-h, 70vh) !important; }
@container (min-width: WIDEpx) {
  [class*="st-key-pa_panel_"] {
    position: absolute; top: 10px; right: 10px; z-index: 5; width: min(SIDE_PXpx, SIDE_PCT%);
    max-height: calc(var(--pa-map-h, 70vh) - 20px); overflow-y: auto; background: #ffffff; margin: 0;
    border: 1px solid #b3b3b3; border-radius: 8px; box-shadow: 0 2px 10px rgba(0, 0, 0, .25); padding: 12px 14px;
  }
}
</style>""".replace("WIDE", str(PANEL_MIN_MAP_PX)).replace("SIDE_PX", str(PANEL_WIDTH[0])).replace(
    "SIDE_PCT", str(round(PANEL_WIDTH[1] * 100)))


def page_style() -> None:
    """The app's few style corrections (contrast), on every page."""
    st.html(PAGE_STYLE)


def document_language(code: str) -> None:
    """Set ``<html lang>`` to the UI language (screen readers pronounce the page by it): the
    server sends German (:func:`dashboard.app.server.serve`), this script follows a switch."""
    if code not in i18n.LANGUAGES:
        return
    with st.sidebar:
        st.html(f"<script>document.documentElement.lang = {code!r};</script>", unsafe_allow_javascript=True,
                width="content")


def _parse(kind, raw, allowed):
    from datetime import date

    try:
        if kind == "list":
            values = [v for v in str(raw).split(",") if v]
            return [v for v in values if allowed is None or v in allowed]
        if kind == "bool":
            return str(raw) in ("1", "true")
        if kind == "int":
            value = int(raw)
            return value if allowed is None or value in allowed else None
        if kind == "date":
            return date.fromisoformat(str(raw))
        return raw if allowed is None or raw in allowed else None
    except (TypeError, ValueError):
        return None


def _unparse(kind, value):
    if kind == "list":
        return ",".join(value)
    if kind == "bool":
        return "1" if value else ""
    if kind == "date":
        return value.isoformat() if value else ""
    return "" if value is None else str(value)


def init_state_from_url(spec: dict) -> None:
    """Before widgets are drawn: fill missing widget state from the URL, else the default.

    ``spec``: session key -> (query parameter, kind 'list'|'bool'|'int'|'date'|'str',
    default, allowed values or None). Invalid or unknown URL values are ignored, and the
    page says which (a link may name a district or indicator the workspace does not have).
    """
    ignored = []
    for key, (param, kind, default, allowed) in spec.items():
        if key in st.session_state:
            continue
        value = _parse(kind, st.query_params[param], allowed) if param in st.query_params else None
        if param in st.query_params and (value is None or (kind == "list" and len(value) < len(
                [v for v in str(st.query_params[param]).split(",") if v]))):
            ignored.append(f"{param}={st.query_params[param]}")
        st.session_state[key] = default if value is None else value
    if ignored:  # e.g. a mailed link to a district that no longer exists
        shown = ", ".join(re.sub(r"[^\w.,:=-]", "", v)[:60] for v in ignored)
        st.warning(t("url_value_unknown", values=shown))


def sync_state_to_url(spec: dict) -> None:
    """After widgets are drawn: write every non-default value to the URL (defaults removed)."""
    for key, (param, kind, default, _allowed) in spec.items():
        value = st.session_state.get(key, default)
        text = _unparse(kind, value)
        if value == default or not text:
            if param in st.query_params:
                del st.query_params[param]
        elif st.query_params.get(param) != text:
            st.query_params[param] = text
