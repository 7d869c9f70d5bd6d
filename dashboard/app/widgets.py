"""Widgets shared by the pages: the offline map, the coverage sliders, the position picker."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.app import cache
from dashboard.app.state import init_state_from_url, lang, settings, t
from dashboard.model.workspace import Workspace
from dashboard.present import basemap, maps, offline
from dashboard.present.format import format_count, md
from dashboard.present.i18n import fictional_label


@st.cache_resource(show_spinner=False)
def _asset_problems() -> list[str]:
    return offline.check_assets()


def show_map(m, *, key: str, height: int = 620, fit=None, **kwargs):
    """Render a folium map with st_folium after checking nothing is loaded from outside.

    ``fit``: bounds ([[south, west], [north, east]], see :func:`maps.bounds_of`) or a view (:func:`maps.view_of`) the map is
    framed to whenever they change (a chosen district), in the browser at the map's real size;
    the reader's own panning stays until then. Inside :func:`map_stage` the map fills the
    screen's remaining height (``height`` is then only the size before the page's script ran)."""
    from streamlit_folium import st_folium

    problems = _asset_problems()
    if problems:
        st.error(t("assets_missing", detail="; ".join(problems[:3])))
        return None

    groups = kwargs.get("feature_group_to_add") or []
    groups = groups if isinstance(groups, list) else [groups]
    # the map itself stays in the browser; its layer groups are redrawn when they change
    # (streamlit-folium compares them), and the last one counts the drawings
    view = maps.LayerGroup(name=t("layer_view"), control=False)
    if fit is not None:
        maps.FitTo(fit).add_to(view)
    maps.DrawnStamp(len(groups) + 1).add_to(view)
    groups = [*groups, view]
    kwargs["feature_group_to_add"] = groups
    external = maps.external_urls(m) + [u for g in groups for u in maps.external_urls(g)]
    if external:
        raise RuntimeError(f"map would load external resources: {external}")
    return st_folium(m, key=key, height=height, use_container_width=True, **kwargs)


STAGE_SCRIPT = """<script>
(function() {
  function size() {
    var main = document.querySelector('[data-testid="stMain"]'), scrolled = main ? main.scrollTop : 0;
    document.querySelectorAll('[class*="st-key-pa_stage_"]').forEach(function(stage) {
      var map = stage.querySelector('[class*="st-key-pa_map_"]') || stage;
      var top = map.getBoundingClientRect().top + scrolled, h = window.innerHeight - top - 12;
      if (h < 0.6 * window.innerHeight) { h = Math.max(320, 0.8 * window.innerHeight); }
      var value = Math.round(h) + 'px';
      if (stage.style.getPropertyValue('--pa-map-h') !== value) { stage.style.setProperty('--pa-map-h', value); }
    });
  }
  if (!window.paStage) {
    var queued = false;
    window.paStage = function() {
      if (!queued) { queued = true; requestAnimationFrame(function() { queued = false; size(); }); }
    };
    window.addEventListener('resize', window.paStage);
    new MutationObserver(window.paStage).observe(document.body, {childList: true, subtree: true});
  }
  size();
})();
</script>"""
"""Sizes every map stage (:func:`map_stage`) to the screen: from its top to the window's
bottom (at least 60 % of the window, else 80 % of it below a panel, e.g. on a phone); the
page style turns the size into the map frame's height and the panel's."""


def map_stage(key: str):
    """(panel, map area): containers for a map that owns the screen. The map area's map fills
    the rest of the window's height; the panel (controls, a district's figures, the ranking)
    lies over the map's right side on a wide screen and stands above the map on a narrow one
    (see ``PAGE_STYLE``: ``.st-key-pa_stage_*``). The panel comes first for the keyboard and
    screen readers."""
    stage = st.container(key=f"pa_stage_{key}")
    panel = stage.container(key=f"pa_panel_{key}")
    area = stage.container(key=f"pa_map_{key}")
    with st.sidebar:  # a script takes no room there
        st.html(STAGE_SCRIPT, unsafe_allow_javascript=True, width="content")
    return panel, area


def base_map(fit, outlines=None, private: bool = False, ws: Workspace | None = None, panel: bool = False):
    """The offline base map fitted to ``fit`` (a GeoDataFrame or a view,
    :func:`cache.district_view`), with the configured tiles and
    the app's URL path; ``outlines``: districts drawn as hoverable outlines. ``private``: a
    map around a family's address never loads tiles (a tile server would learn the area).
    Without a tile server, the workspace's own streets, railways, water and place names
    (:mod:`dashboard.present.basemap`) are drawn underneath."""
    cfg = settings()
    tile_url = None if private else cfg.tile_url
    m = maps.base_map(fit, base_url_path=st.get_option("server.baseUrlPath") or "",
                      tile_url=tile_url, tile_attribution=cfg.tile_attribution, panel=panel)
    if ws is not None and not tile_url:
        data = cache.base_map_json(ws)
        if data is not None:
            basemap.BaseMapLayer(data).add_to(m)
    if outlines is not None:
        maps.district_layer(outlines, t("layer_districts"), t("district")).add_to(m)
    return m


def plain_table(frame) -> None:
    """A read-only table whose text wraps (nothing cut off or scrolled sideways in a panel or on
    a tablet; a real ``<table>`` for screen readers). st.table reads its cells as Markdown, so
    every text, headings included, is escaped: a name such as ``![x](http://…)`` stays text."""
    shown = frame.rename(columns=lambda c: md(c)).map(lambda v: md(v) if isinstance(v, str) else v)
    st.table(shown, hide_index=True, border="horizontal")


LONG_TABLE_ROWS = 200
"""From this many rows a list is shown as a scrolling grid (the browser draws only the rows
in view) instead of a wrapping table (every row in the page)."""


def long_table(frame) -> None:
    """A list that may be long (the offers of a city): a wrapping :func:`plain_table` up to
    :data:`LONG_TABLE_ROWS` rows, a scrolling grid beyond."""
    if len(frame) < LONG_TABLE_ROWS:
        plain_table(frame)
    else:
        dataframe(frame, hide_index=True, width="stretch")


def page_header(title: str, ws: Workspace) -> None:
    """A map page's title with the demo-data notice beside it (not above the map)."""
    if not ws.is_fictional:
        st.title(title)
        return
    left, right = st.columns([2, 3], vertical_alignment="center")
    left.title(title)
    with right:
        fictional_banner(ws)


def fictional_banner(ws: Workspace) -> None:
    if ws.is_fictional:
        st.warning(md(fictional_label(ws.meta, lang())))


def coverage_controls(prefix: str, container, extra: bool = False, network: bool = False):
    """Sliders for the coverage parameters (keys ``<prefix>_radius`` …); returns the state spec
    for URL sync and a function building CoverageParams from the session state. With a street
    ``network`` the detour factor is not used and says so."""
    from dashboard.analysis.coverage import DECAYS, CoverageParams

    spec = {
        f"{prefix}_radius": ("radius", "int", 1000, range(100, 5001)),
        f"{prefix}_detour": ("detour", "str", "1.3", ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5")),
        f"{prefix}_reach": ("minreach", "int", 50, range(0, 101)),
        f"{prefix}_need": ("needw", "bool", False, None),
        f"{prefix}_decay": ("decay", "str", "none", DECAYS),
    }
    if extra:
        spec.update({
            f"{prefix}_ratio": ("minratio", "str", "0", ("0", "0.5", "1", "2", "5", "10")),
            f"{prefix}_overlap": ("overlap", "int", 80, range(50, 101)),
            f"{prefix}_drop": ("drop", "int", 40, range(10, 101)),
        })
    init_state_from_url(spec)
    container.slider(t("cov_radius"), 250, 3000, step=50, key=f"{prefix}_radius")
    if network:  # walked on the streets: the detour factor does not apply (said, not a greyed-out control)
        container.caption(t("cov_detour_network"))
    else:
        container.select_slider(t("cov_detour"), ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5"), key=f"{prefix}_detour")
    container.slider(t("cov_min_reach"), 0, 100, step=5, key=f"{prefix}_reach")
    if extra:
        container.select_slider(t("cov_min_ratio"), ("0", "0.5", "1", "2", "5", "10"), key=f"{prefix}_ratio")
        container.slider(t("cov_overlap"), 50, 100, step=5, key=f"{prefix}_overlap")
        container.slider(t("cov_drop"), 10, 100, step=5, key=f"{prefix}_drop")
    container.checkbox(t("cov_need_weighted"), key=f"{prefix}_need")
    container.radio(t("cov_decay"), DECAYS, format_func=lambda code: t(f"decay.{code}"), key=f"{prefix}_decay",
                    help=t("cov_decay_help"))

    def params():
        s = st.session_state
        return CoverageParams(
            radius_m=float(s[f"{prefix}_radius"]), detour=float(s[f"{prefix}_detour"]),
            min_reach=s[f"{prefix}_reach"] / 100, need_weighted=bool(s[f"{prefix}_need"]),
            min_offers_per_1000=float(s.get(f"{prefix}_ratio", "0")),
            overlap=s.get(f"{prefix}_overlap", 80) / 100, reach_drop=s.get(f"{prefix}_drop", 40) / 100,
            decay=s[f"{prefix}_decay"],
        )

    return spec, params


def fmt_count(value) -> str:
    return format_count(value, settings().disclosure_threshold, lang())


def example_address(ws: Workspace) -> str:
    """An address of the workspace's own directory, as a typing example ('Straße Nr, PLZ Ort')."""
    if len(ws.addresses) == 0:
        return t("address_placeholder_plain")
    row = ws.addresses.iloc[len(ws.addresses) // 2]
    return t("address_placeholder", example=f"{row['street']} {row['number']}, {row['postcode']} {row['place']}")


def position_picker(ws: Workspace, key: str, initial: tuple[float, float] | None = None, *, height: int = 360,
                    layers=None, private: bool = False, frame=None, controls=None,
                    panel: bool = False) -> tuple[float, float] | None:
    """An address field (offline geocoding) and a map to click on; returns (lat, lon) in
    WGS84, kept in the session under ``key`` (None until chosen). Confirms the address found
    ("Gefunden: …", kept under ``<key>_found`` until a click on the map), shows why an address
    was not found, with street names that come close. ``layers(position)`` may return extra
    feature groups for the map (e.g. the offers found around the position); ``private``: see
    :func:`base_map`; ``frame(position)`` may return (lat, lon) points the map is fitted to
    (else it shows the position at street level); ``controls``: the container for the address
    field and its messages (e.g. a map stage's panel; default: here), ``panel``: the map lies
    under such a panel (see :func:`map_stage`)."""
    from dashboard.present import mapview
    from dashboard.sources.geocode import street_suggestions

    state = f"_pos_{key}"
    if state not in st.session_state:
        st.session_state[state] = initial
    controls = controls if controls is not None else st.container()
    c1, c2 = controls.columns([3, 1], vertical_alignment="bottom")  # room for "Suchen" in a narrow panel
    text = c1.text_input(t("address_search"), key=f"{key}_address", placeholder=example_address(ws))
    if c2.button(t("address_find"), key=f"{key}_find") and text.strip():
        hit = cache.find_address(ws, text)
        if hit["lat"] is not None:
            st.session_state[state] = (hit["lat"], hit["lon"])
            st.session_state[f"{key}_found"] = hit.get("label") or hit.get("corrected") or text.strip()
            st.session_state[f"{key}_corrected"] = hit.get("corrected")
        else:
            st.session_state[f"{key}_problem"] = (text.strip(), hit["status"], hit["candidates"])
    problem = st.session_state.pop(f"{key}_problem", None)
    if problem:
        typed, status, n = problem
        if status == "no_directory":
            controls.warning(t("address_no_directory"))
        elif status == "ambiguous":
            controls.warning(t("address_ambiguous_ui", address=typed, n=n))
        else:
            hints = street_suggestions(ws.addresses, typed)
            controls.warning(t("address_not_found", address=typed) +
                             (" " + t("address_hints", streets=", ".join(hints)) if hints else ""))
    corrected = st.session_state.pop(f"{key}_corrected", None)
    if corrected:
        controls.info(t("address_corrected", address=corrected))
    position = st.session_state[state]
    found = st.session_state.get(f"{key}_found")
    if position is not None and found:  # which address the search found, as the directory writes it
        controls.success(t("address_found", address=md(found)))
    m = base_map(ws.districts, outlines=ws.districts, private=private, ws=ws, panel=panel)
    shown = list(layers(position) if layers is not None else [])
    if position is not None:
        label = found or t("position_clicked")
        shown.append(mapview.feature_group(mapview.position_layer(ws, *position, label), t("position")))
    fit = None
    if position is not None:
        fit = mapview.bounds_around(list(frame(position)) if frame is not None else [position], min_span_m=600)
    result = show_map(m, key=f"{key}_map", height=height, feature_group_to_add=shown or None,
                      returned_objects=["last_clicked"], fit=fit)
    controls.caption(t("position_hint"))
    clicked = (result or {}).get("last_clicked") or (st.session_state.get(f"{key}_map") or {}).get("last_clicked")
    if clicked and clicked != st.session_state.get(f"{key}_last_click"):
        st.session_state[f"{key}_last_click"] = clicked
        st.session_state[state] = (float(clicked["lat"]), float(clicked["lng"]))
        st.session_state[f"{key}_found"] = None
        st.rerun()
    return st.session_state[state]


def cell_key_note(ws, cfg):
    """The note under every count of a freely chosen area: the cell-key method in one sentence,
    or why no such count is shown (no key)."""
    if ws.cell_key_secret is None:
        st.warning(t("cell_key_missing"))
    else:
        st.caption(t("cell_key_note", deviation=cfg.ckm_max_deviation))


def dataframe(data, **kwargs):
    """``st.dataframe`` whose toolbar download cannot carry a live formula: texts that a
    spreadsheet would evaluate (=, +, -, @, tab, line break) get a leading apostrophe
    (:func:`dashboard.present.export.neutralise_table`). Every page shows tables through this."""
    from dashboard.present.export import neutralise_table

    return st.dataframe(neutralise_table(data) if isinstance(data, pd.DataFrame) else data, **kwargs)


def yes_no_word(value) -> str:
    """'ja', 'nein' or 'unbekannt' for a yes / no / unknown choice."""
    return t("unknown") if value is None else t("yes") if value else t("no")


SCENARIO_KEY = "scenario"


def scenario_workspace(ws: Workspace) -> Workspace:
    """The sidebar's choice between the real data ("Ist") and a scenario the user may see
    (kept in the URL as ``sc``); returns ``ws`` or the scenario applied to it, with a notice
    on the page that the figures are a what-if. A scenario that no longer applies (a record it
    changes is gone) is named and the page shows Ist."""
    from dashboard.app import session
    from dashboard.model.problems import ProblemError
    from dashboard.present.problems import text
    from dashboard.sources.scenarios import visible_scenarios

    visible = visible_scenarios(ws, session.role())
    ids = [""] + list(visible["scenario_id"])
    names = dict(zip(visible["scenario_id"], visible["name"]))
    if SCENARIO_KEY not in st.session_state:
        st.session_state[SCENARIO_KEY] = st.query_params.get("sc", "")
    if st.session_state[SCENARIO_KEY] not in ids:
        st.session_state[SCENARIO_KEY] = ""
    if len(ids) == 1:
        st.query_params.pop("sc", None)
        return ws
    choice = st.sidebar.selectbox(t("scenario_choice"), ids, key=SCENARIO_KEY,
                                  format_func=lambda i: names.get(i, t("scenario_ist")))
    if not choice:
        st.query_params.pop("sc", None)
        return ws
    st.query_params["sc"] = choice
    try:
        scenario = cache.scenario_workspace(ws, choice)
    except ProblemError as exc:
        st.error(t("scenario_broken", name=md(names[choice]), detail=md(text(exc.problem, lang()))))
        return ws
    st.info(t("scenario_notice", name=md(names[choice])), icon=":material/science:")
    return scenario
