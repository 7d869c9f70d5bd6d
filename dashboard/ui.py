"""Streamlit glue shared by the pages: settings, language, cached workspace, offline map.

The only module of the package that imports Streamlit; the analysis stays plain library
code that tests and the CLI call directly.
"""

from __future__ import annotations

import logging
import os
import re
from datetime import datetime
from pathlib import Path

import streamlit as st

from . import i18n, maps, offline
from ._errors import Problem
from .settings import ROOT, Settings, from_env
from .workspace import Workspace, WorkspaceError, content_hash, read_workspace

log = logging.getLogger("praeventionsatlas")
LANG_KEY = "lang"

# The app's pages in navigation order: name (= URL path and file pages/<name>.py) -> icon;
# titles come from the translation keys ``page_<name>``.
PAGES = {
    "home": ":material/home:", "map": ":material/map:", "chain": ":material/timeline:",
    "gaps": ":material/troubleshoot:", "profile": ":material/description:", "partner": ":material/handshake:",
    "lotse": ":material/family_restroom:", "networks": ":material/hub:", "present": ":material/slideshow:",
    "edit": ":material/edit_note:", "import": ":material/upload_file:", "account": ":material/login:",
}
PAGES_DIR = ROOT / "pages"


def page_file(name: str) -> str:
    """Absolute path of a page script (``st.Page``/``st.page_link`` take it as it is)."""
    return str(PAGES_DIR / f"{name}.py")


def settings() -> Settings:
    """Settings from the environment; an invalid value stops the page with a German message."""
    try:
        return from_env()
    except ValueError as exc:
        st.error(i18n.t("settings_error", lang(), detail=str(exc)))
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


def language_selector() -> str:
    """Sidebar switch Deutsch/English, kept in the URL (?lang=en)."""
    current = lang()
    choice = st.sidebar.radio(
        "Sprache / Language", list(i18n.LANGUAGES), index=list(i18n.LANGUAGES).index(current),
        format_func=i18n.LANGUAGES.get, horizontal=True, key="lang_widget",
    )
    st.session_state[LANG_KEY] = choice
    if choice != "de":
        st.query_params[LANG_KEY] = choice
    elif LANG_KEY in st.query_params:
        del st.query_params[LANG_KEY]
    return choice


@st.cache_data(show_spinner=False, max_entries=16)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    return content_hash(path)


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(path: str, digest: str, include_retired: bool) -> Workspace:
    ws = read_workspace(path)
    return ws if include_retired else ws.current()


def workspace(include_retired: bool = False) -> Workspace:
    """The configured workspace, loaded once per file content and shared (treat as read-only);
    retired records are left out unless ``include_retired`` (editing, import).

    A missing or invalid file stops the page with every problem listed in the UI language.
    """
    path = Path(settings().workspace)
    try:
        stat = path.stat()
        return _load(str(path), _digest(str(path), stat.st_mtime_ns, stat.st_size), include_retired)
    except FileNotFoundError:
        error = WorkspaceError([Problem(path.name, None, None, None, "file_missing")])
    except WorkspaceError as exc:
        error = exc
    st.error(t("workspace_error"))
    st.code(error.report(lang(), limit=200), language=None)
    st.info(t("workspace_hint"))
    st.stop()


@st.cache_resource(show_spinner=False)
def _asset_problems() -> list[str]:
    return offline.check_assets()


def show_map(m, *, key: str, height: int = 620, **kwargs):
    """Render a folium map with st_folium after checking nothing is loaded from outside."""
    from streamlit_folium import st_folium

    problems = _asset_problems()
    if problems:
        st.error(t("assets_missing", detail="; ".join(problems[:3])))
        return None
    groups = kwargs.get("feature_group_to_add") or []
    groups = groups if isinstance(groups, list) else [groups]
    external = maps.external_urls(m) + [u for g in groups for u in maps.external_urls(g)]
    if external:
        raise RuntimeError(f"map would load external resources: {external}")
    return st_folium(m, key=key, height=height, use_container_width=True, **kwargs)


def base_map(fit, outlines=None, private: bool = False):
    """The offline base map fitted to ``fit`` (a GeoDataFrame), with the configured tiles and
    the app's URL path; ``outlines``: districts drawn as hoverable outlines. ``private``: a
    map around a family's address never loads tiles (a tile server would learn the area)."""
    cfg = settings()
    m = maps.base_map(fit, base_url_path=st.get_option("server.baseUrlPath") or "",
                      tile_url=None if private else cfg.tile_url, tile_attribution=cfg.tile_attribution)
    if outlines is not None:
        maps.district_layer(outlines, t("layer_districts"), t("district")).add_to(m)
    return m


def fictional_banner(ws: Workspace) -> None:
    if ws.is_fictional:
        st.warning(t("fictional", label=meta(ws, "fictional_label")))


def _under_test() -> bool:
    """True while ``streamlit.testing`` (AppTest) runs the script (it patches ``config.get_option``)."""
    from streamlit import config

    return bool(config.get_option("global.appTest"))


def run_guarded(page) -> None:
    """Run a page; an unexpected exception is logged and shown as a short message, never a traceback.

    Under ``streamlit.testing`` (AppTest) the exception is raised again, so that a page test
    sees every crash instead of an error box."""
    try:
        page.run()
    except Exception:  # noqa: BLE001 - last line of defence, Streamlit control flow is BaseException
        when = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        log.exception("unexpected error at %s", when)
        if _under_test():
            raise
        st.error(t("unexpected_error", when=when))


# ---------------------------------------------------------------------------------------
# Cached analysis per workspace content (keyed on the file digest, not on the object).
# ---------------------------------------------------------------------------------------
def workspace_key(ws: Workspace) -> str:
    """The content digest of the loaded workspace file (cache key for derived data)."""
    stat = ws.path.stat()
    return _digest(str(ws.path), stat.st_mtime_ns, stat.st_size)


@st.cache_resource(show_spinner=False, max_entries=4)
def _target_population(key: str, _ws: Workspace):
    from .population import target_population

    return target_population(_ws)


def target_population(ws: Workspace):
    """Target population per district and phase, computed once per workspace content."""
    return _target_population(workspace_key(ws), ws)


@st.cache_resource(show_spinner=False)
def sign_in_guard():
    """The server's throttles for local sign-in (one per process, shared by all sessions)."""
    from .auth import SignInGuard

    return SignInGuard()


def client_address() -> str | None:
    """The browser's address as the server sees it (a reverse proxy's address behind one)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None


def role() -> str:
    """The current user's role. Without configured authentication (or before signing in)
    the app is a read-only viewer (no personal contact data)."""
    return st.session_state.get("role", "viewer")


def sso_configured() -> bool:
    """True if single sign-on (OpenID Connect, ``[auth]`` in Streamlit's secrets.toml) is set up."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError):
        return False


@st.cache_data(show_spinner=False)
def _sso_roles(path: str | None, mtime_ns: int):
    from .auth import load_sso_roles

    return load_sso_roles(path)


def _identify_sso_user() -> None:
    """Keep the session's role in step with the OIDC sign-in (``st.user``)."""
    if sso_configured() and st.user.is_logged_in:
        path = settings().accounts
        mtime = path.stat().st_mtime_ns if path is not None and path.exists() else 0
        account = _sso_roles(str(path) if path else None, mtime).account(st.user.to_dict())
        st.session_state.update(user=account.name, role=account.role, organisation=account.organisation,
                                auth="sso")
    elif st.session_state.get("auth") == "sso":
        for key in ("user", "role", "organisation", "auth"):
            st.session_state.pop(key, None)


def account_badge() -> None:
    """Sidebar line: who is signed in, or read-only."""
    try:
        _identify_sso_user()
    except ValueError as exc:  # a broken accounts file: stay read-only, say why
        st.sidebar.error(t("accounts_error", detail=str(exc)))
    except Exception:  # e.g. an incomplete [auth] section: the app stays usable, read-only
        log.exception("single sign-on is misconfigured")
        st.sidebar.error(t("sso_error"))
    user = st.session_state.get("user")
    if user:
        st.sidebar.caption(t("signed_in_as", name=user, role=t(f"role_{role()}")))
    else:
        st.sidebar.caption(t("read_only"))


def may_see_personal_contacts() -> bool:
    from .roles import can_see_personal_contacts

    return can_see_personal_contacts(role())


# ---------------------------------------------------------------------------------------
# Shareable page state: widget values <-> URL query parameters.
# ---------------------------------------------------------------------------------------
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


@st.cache_data(show_spinner=False, max_entries=64)
def _choropleth(key: str, spec, threshold: int, lang: str, _ws: Workspace):
    from . import mapview

    layer, title, classes, _ = mapview.choropleth(_ws, spec, target_population(_ws), threshold, lang)
    return layer.features, layer.layer_name, title, classes


def choropleth(ws: Workspace, spec, threshold: int, lang: str):
    """(fresh GeoJsonLayer, legend title lines, legend classes); the features are cached."""
    features, name, title, classes = _choropleth(workspace_key(ws), spec, threshold, lang, ws)
    return maps.GeoJsonLayer(features, name=name, control=False), title, classes, None


@st.cache_data(show_spinner=False, max_entries=16)
def _grid(key: str, phase: str, threshold: int, lang: str, _ws: Workspace):
    from . import mapview

    layer = mapview.grid_layer(_ws, phase, threshold, lang, tp=target_population(_ws))
    return layer.features, layer.layer_name


@st.cache_data(show_spinner=False, max_entries=32)
def _reach_cell_values(key: str, phase: str, params, reached_withheld, threshold: int, _ws: Workspace):
    from . import mapview

    cov = _coverage(key, params, _ws)
    k = list(cov.table["phase_id"].unique()).index(phase)
    return mapview.reach_cell_values(_ws, phase, cov.cell_reached[:, k], reached_withheld, threshold,
                                     target_population(_ws)).to_numpy()


def reach_cell_values(ws: Workspace, phase: str, cov, reached_withheld, threshold: int):
    """Published persons per cell of one phase beside reached/not reached (cached; see
    :func:`dashboard.mapview.reach_cell_values`)."""
    return _reach_cell_values(workspace_key(ws), phase, cov.params, reached_withheld, threshold, ws)


def grid_layer(ws: Workspace, phase: str, threshold: int, lang: str):
    features, name = _grid(workspace_key(ws), phase, threshold, lang, ws)
    return maps.GeoJsonLayer(features, name=name, canvas=True)


@st.cache_resource(show_spinner=False, max_entries=8)
def _offer_points(key: str, lang: str, personal: bool, _ws: Workspace):
    from . import mapview

    return mapview.offer_point_table(_ws, _ws.offers, lang, personal)


@st.cache_resource(show_spinner=False, max_entries=8)
def _outreach_popups(key: str, lang: str, personal: bool, _ws: Workspace):
    from . import mapview

    outreach = _ws.offers[_ws.offers.geometry.isna()]
    return mapview.offer_popups(_ws, outreach, lang, personal).set_axis(outreach["offer_id"].to_numpy())


def outreach_popups(ws: Workspace, lang: str, personal: bool):
    """Popup HTML of every outreach offer (by offer_id), built once per workspace/language/role."""
    return _outreach_popups(workspace_key(ws), lang, personal, ws)


@st.cache_resource(show_spinner=False, max_entries=4)
def _filter_options(key: str, _ws: Workspace):
    from .filters import options

    return options(_ws)


def filter_options(ws: Workspace) -> dict:
    """The values offered in the filter widgets (cached per workspace)."""
    return _filter_options(workspace_key(ws), ws)


def offer_point_table(ws: Workspace, lang: str, personal: bool):
    """Map table of all sited offers, built once per workspace/language/role (shared and
    read-only; filters pick rows from it)."""
    return _offer_points(workspace_key(ws), lang, personal, ws)


# ---------------------------------------------------------------------------------------
# Coverage analytics, cached per workspace content and parameters.
# ---------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=4)
def _demand(key: str, _ws: Workspace):
    from .analysis.coverage import prepare_demand

    return prepare_demand(_ws)


@st.cache_resource(show_spinner=False, max_entries=32)
def _coverage(key: str, params, _ws: Workspace):
    from .analysis.coverage import coverage as run

    return run(_ws, params, demand=_demand(key, _ws))


def coverage(ws: Workspace, params):
    """All coverage measures (shared, read-only), computed once per workspace and parameters."""
    return _coverage(workspace_key(ws), params, ws)


@st.cache_data(show_spinner=False, max_entries=32)
def _duplicates(key: str, params, lang: str, _ws: Workspace):
    from .analysis.coverage import duplicates as run

    return run(_ws, params, demand=_demand(key, _ws), lang=lang)


def duplicates(ws: Workspace, params, lang: str):
    return _duplicates(workspace_key(ws), params, lang, ws)


def coverage_controls(prefix: str, container, extra: bool = False):
    """Sliders for the coverage parameters (keys ``<prefix>_radius`` …); returns the state spec
    for URL sync and a function building CoverageParams from the session state."""
    from .analysis.coverage import CoverageParams

    spec = {
        f"{prefix}_radius": ("radius", "int", 1000, range(100, 5001)),
        f"{prefix}_detour": ("detour", "str", "1.3", ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5")),
        f"{prefix}_reach": ("minreach", "int", 50, range(0, 101)),
        f"{prefix}_need": ("needw", "bool", False, None),
    }
    if extra:
        spec.update({
            f"{prefix}_ratio": ("minratio", "str", "0", ("0", "0.5", "1", "2", "5", "10")),
            f"{prefix}_overlap": ("overlap", "int", 80, range(50, 101)),
            f"{prefix}_drop": ("drop", "int", 40, range(10, 101)),
        })
    init_state_from_url(spec)
    container.slider(t("cov_radius"), 250, 3000, step=50, key=f"{prefix}_radius")
    container.select_slider(t("cov_detour"), ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5"), key=f"{prefix}_detour")
    container.slider(t("cov_min_reach"), 0, 100, step=5, key=f"{prefix}_reach")
    if extra:
        container.select_slider(t("cov_min_ratio"), ("0", "0.5", "1", "2", "5", "10"), key=f"{prefix}_ratio")
        container.slider(t("cov_overlap"), 50, 100, step=5, key=f"{prefix}_overlap")
        container.slider(t("cov_drop"), 10, 100, step=5, key=f"{prefix}_drop")
    container.checkbox(t("cov_need_weighted"), key=f"{prefix}_need")

    def params():
        s = st.session_state
        return CoverageParams(
            radius_m=float(s[f"{prefix}_radius"]), detour=float(s[f"{prefix}_detour"]),
            min_reach=s[f"{prefix}_reach"] / 100, need_weighted=bool(s[f"{prefix}_need"]),
            min_offers_per_1000=float(s.get(f"{prefix}_ratio", "0")),
            overlap=s.get(f"{prefix}_overlap", 80) / 100, reach_drop=s.get(f"{prefix}_drop", 40) / 100,
        )

    return spec, params


@st.cache_resource(show_spinner=False, max_entries=4)
def _cell_persons(key: str, _ws: Workspace):
    return _demand(key, _ws).persons


def cell_persons(ws: Workspace):
    """Persons per population cell and phase (cells × phases; withheld as 0), cached."""
    return _cell_persons(workspace_key(ws), ws)



# ---------------------------------------------------------------------------------------
# Profile, reports
# ---------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=4)
def _offer_districts(key: str, _ws: Workspace):
    from .district import offer_districts as run

    return run(_ws, _ws.offers)


def offer_districts(ws: Workspace):
    """Which districts each offer serves (cached; see dashboard.district.offer_districts)."""
    return _offer_districts(workspace_key(ws), ws)


@st.cache_data(show_spinner=False, max_entries=64)
def _district_profile(key: str, district_id: str, params, lang: str, threshold: int, _ws: Workspace):
    from .profile import district_profile as run

    cov = _coverage(key, params, _ws)
    return run(_ws, district_id, cov, lang=lang, threshold=threshold, duplicates=_duplicates(key, params, lang, _ws))


def district_profile(ws: Workspace, district_id: str, cov, lang: str, threshold: int):
    return _district_profile(workspace_key(ws), district_id, cov.params, lang, threshold, ws)


def demand(ws: Workspace):
    """The prepared population of the workspace (cached)."""
    return _demand(workspace_key(ws), ws)


def fmt_count(value) -> str:
    from .secrecy import format_count

    return format_count(value, settings().disclosure_threshold, lang())


# ---------------------------------------------------------------------------------------
# Picking a position: an address (offline geocoding) or a click on the map.
# ---------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _address_index(key: str, _ws: Workspace):
    from .geocode import address_index

    return address_index(_ws.addresses)


def find_address(ws: Workspace, text: str) -> dict:
    """:func:`dashboard.geocode.locate` against the workspace's address directory."""
    from .geocode import locate

    if len(ws.addresses) == 0:
        return {"status": "no_directory", "candidates": 0, "lat": None, "lon": None, "x": None, "y": None,
                "corrected": None}
    return locate(_address_index(workspace_key(ws), ws), text, ws.crs, streets=_street_names(workspace_key(ws), ws))


@st.cache_resource(show_spinner=False)
def _street_names(key: str, _ws: Workspace):
    return _ws.addresses["street"].dropna().unique()


def example_address(ws: Workspace) -> str:
    """An address of the workspace's own directory, as a typing example ('Straße Nr, PLZ Ort')."""
    if len(ws.addresses) == 0:
        return t("address_placeholder_plain")
    row = ws.addresses.iloc[len(ws.addresses) // 2]
    return t("address_placeholder", example=f"{row['street']} {row['number']}, {row['postcode']} {row['place']}")


def position_picker(ws: Workspace, key: str, initial: tuple[float, float] | None = None, *, height: int = 360,
                    layers=None, private: bool = False, frame=None) -> tuple[float, float] | None:
    """An address field (offline geocoding) and a map to click on; returns (lat, lon) in
    WGS84, kept in the session under ``key`` (None until chosen). Shows why an address was
    not found, with street names that come close. ``layers(position)`` may return extra
    feature groups for the map (e.g. the offers found around the position); ``private``: see
    :func:`base_map`; ``frame(position)`` may return (lat, lon) points the map is fitted to
    (else it shows the position at street level)."""
    from . import mapview
    from .geocode import street_suggestions

    state = f"_pos_{key}"
    if state not in st.session_state:
        st.session_state[state] = initial
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    text = c1.text_input(t("address_search"), key=f"{key}_address", placeholder=example_address(ws))
    if c2.button(t("address_find"), key=f"{key}_find") and text.strip():
        hit = find_address(ws, text)
        if hit["lat"] is not None:
            st.session_state[state] = (hit["lat"], hit["lon"])
            st.session_state[f"{key}_label"] = hit.get("corrected") or text.strip()
            st.session_state[f"{key}_corrected"] = hit.get("corrected")
        else:
            st.session_state[f"{key}_problem"] = (text.strip(), hit["status"], hit["candidates"])
    problem = st.session_state.pop(f"{key}_problem", None)
    if problem:
        typed, status, n = problem
        if status == "no_directory":
            st.warning(t("address_no_directory"))
        elif status == "ambiguous":
            st.warning(t("address_ambiguous_ui", address=typed, n=n))
        else:
            hints = street_suggestions(ws.addresses, typed)
            st.warning(t("address_not_found", address=typed) +
                       (" " + t("address_hints", streets=", ".join(hints)) if hints else ""))
    corrected = st.session_state.pop(f"{key}_corrected", None)
    if corrected:
        st.info(t("address_corrected", address=corrected))
    position = st.session_state[state]
    m = base_map(ws.districts, outlines=ws.districts, private=private)
    shown = list(layers(position) if layers is not None else [])
    if position is not None:
        label = st.session_state.get(f"{key}_label") or t("position_clicked")
        shown.append(mapview.feature_group(mapview.position_layer(ws, *position, label), t("position")))
    kwargs = {}
    if position is not None:
        points = list(frame(position)) if frame is not None else []
        if len(points) > 1:
            centre, zoom = mapview.view_of_points(points, height_px=height)
            kwargs = {"center": centre, "zoom": min(zoom, 16)}
        else:
            kwargs = {"center": [position[0], position[1]], "zoom": 14}
    result = show_map(m, key=f"{key}_map", height=height, feature_group_to_add=shown or None,
                      returned_objects=["last_clicked"], **kwargs)
    st.caption(t("position_hint"))
    clicked = (result or {}).get("last_clicked")
    if clicked and clicked != st.session_state.get(f"{key}_last_click"):
        st.session_state[f"{key}_last_click"] = clicked
        st.session_state[state] = (float(clicked["lat"]), float(clicked["lng"]))
        st.session_state[f"{key}_label"] = t("position_clicked")
        st.rerun()
    return st.session_state[state]


@st.cache_resource(show_spinner=False, max_entries=4)
def _network_layout(key: str, _ws: Workspace) -> dict:
    from . import networks

    return networks.layout(networks.network_graph(_ws))


def network_layout(ws: Workspace) -> dict:
    """Node positions of the cooperation graph, computed once per workspace content."""
    return _network_layout(workspace_key(ws), ws)
