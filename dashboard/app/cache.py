"""The workspace and every expensive result derived from it, cached per file content.

A loaded :class:`Workspace` is hashed by its file's digest (``hash_funcs``), a coverage result
by its parameters, so the cached functions take them as ordinary arguments. Results are
numbers and codes, never words: a language switch re-renders and recomputes nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from dashboard.analysis import coverage as C
from dashboard.analysis import district, networks, quality
from dashboard.analysis import scenario as what_if
from dashboard.analysis.cellkey import PerturbationTable
from dashboard.analysis.filters import options
from dashboard.analysis.nearby import snap_point
from dashboard.analysis.population import target_population as _target_population
from dashboard.analysis.profile import district_figures
from dashboard.analysis.walking import WALKING_SPEED_KMH
from dashboard.app.state import lang, settings, t
from dashboard.model.problems import Problem, WorkspaceError
from dashboard.model.store import change_stamp
from dashboard.model.workspace import Workspace, content_hash, is_database, read_workspace
from dashboard.present import maps, mapview
from dashboard.present.problems import report
from dashboard.sources.geocode import address_index, locate


@st.cache_data(show_spinner=False, max_entries=16)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    return content_hash(path)


@st.cache_resource(show_spinner=False, max_entries=4)
def _read(location: str, stamp: str) -> Workspace:
    return read_workspace(location)


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(location: str, stamp: str, include_retired: bool) -> Workspace:
    ws = _read(location, stamp)  # one read for both views
    return ws if include_retired else ws.current()


def _stamp(location) -> str:
    """What the cached workspace is keyed on: a database's change counter (one query, bumped
    by every edit on any app server), a file's content digest (recomputed when its
    modification time or size changed)."""
    if is_database(location):
        return f"db:{change_stamp(location)[1]}"
    stat = Path(location).stat()
    return _digest(str(location), stat.st_mtime_ns, stat.st_size)


def workspace(include_retired: bool = False) -> Workspace:
    """The configured workspace, loaded once per content and shared (treat as read-only);
    retired records are left out unless ``include_retired`` (editing, import).

    A missing or invalid workspace stops the page with every problem listed in the UI language.
    """
    location = settings().workspace
    try:
        return _load(str(location), _stamp(location), include_retired)
    except FileNotFoundError:
        error = WorkspaceError([Problem(Path(location).name, None, None, None, "file_missing")])
    except WorkspaceError as exc:
        error = exc
    st.error(t("workspace_error"))
    st.code(report(error.problems, lang(), limit=200), language=None)
    st.info(t("workspace_hint"))
    st.stop()


def workspace_key(ws: Workspace) -> tuple:
    """Cache key of a loaded workspace: its content (a database's change counter when read, a
    file's digest) and the rows it holds (the view without retired records differs from the
    whole workspace)."""
    content = f"db:{ws.revision[0]}" if ws.revision is not None else _stamp(ws.path)
    return (content, len(ws.offers), len(ws.family_centres), len(ws.partners),
            getattr(ws.scenario, "scenario_id", None))


KEYS = {Workspace: workspace_key, C.Coverage: lambda cov: cov.params}


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=KEYS)
def target_population(ws: Workspace):
    """Target population per district and phase."""
    return _target_population(ws)


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=KEYS)
def demand(ws: Workspace) -> C.Demand:
    """The prepared population of the workspace (cells × phases)."""
    return C.prepare_demand(ws)


def cell_persons(ws: Workspace):
    """Persons per population cell and phase (cells × phases; withheld as 0)."""
    return demand(ws).persons


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=KEYS)
def coverage(ws: Workspace, params: C.CoverageParams) -> C.Coverage:
    """All coverage measures (shared, read-only) for one set of parameters; for a scenario's
    workspace with its published persons (:func:`dashboard.analysis.scenario.scenario_coverage`)."""
    if ws.scenario is not None:
        base = ws.scenario.base
        return what_if.scenario_coverage(base, ws, params, ist_demand=demand(base), ist_cov=coverage(base, params),
                                         scen_demand=demand(ws), threshold=settings().disclosure_threshold,
                                         perturbation=perturbation())
    return C.coverage(ws, params, demand=demand(ws))


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=KEYS)
def monitoring(ws: Workspace, params: C.CoverageParams, threshold: int) -> quality.Monitoring:
    """Every measure on every report day (shared, read-only); ``ws`` the whole workspace,
    retired records included (:func:`workspace` with ``include_retired``)."""
    return quality.monitor(ws, None, params, threshold)


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=KEYS)
def changes_since(ws: Workspace, params: C.CoverageParams, threshold: int, since):
    """(day, what changed from it to the last report day) (shared, read-only)."""
    return quality.changes_since(monitoring(ws, params, threshold), ws, since, params, threshold)


@st.cache_resource(show_spinner=False, max_entries=8, hash_funcs=KEYS)
def scenario_values(scen: Workspace, params: C.CoverageParams, threshold: int):
    """Every measure of a scenario in the long form of :func:`dashboard.analysis.quality.values`
    (its published coverage; new offers against Ist), to check the targets against."""
    from datetime import date

    base = scen.scenario.base
    now = date.today()
    scen_snap = quality.snapshot_of(scen, coverage(scen, params), demand(scen), now, threshold)
    base_snap = quality.snapshot_of(base, coverage(base, params), demand(base), now, threshold)
    return quality.values(scen_snap, base_snap)


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=KEYS)
def series_png(ws: Workspace, params: C.CoverageParams, threshold: int, measure: str, district_id, phase_id,
               lang: str, target_values: tuple, title: str | None, size: tuple) -> bytes:
    """The small line chart of one measure over the report days as PNG
    (:func:`dashboard.present.quality.series_chart`), drawn once per choice."""
    from dashboard.present import charts
    from dashboard.present import quality as words

    fig = words.series_chart(monitoring(ws, params, threshold), measure, district_id, phase_id, lang, target_values,
                             title, size)
    return charts.to_bytes(fig, "png", dpi=110)


@st.cache_resource(show_spinner=False, max_entries=8, hash_funcs=KEYS)
def scenario_workspace(ws: Workspace, scenario_id: str) -> Workspace:
    """The workspace with a scenario's changes made (shared, read-only; the real data untouched)."""
    return what_if.apply_scenario(ws, scenario_id)


@st.cache_data(show_spinner=False, max_entries=16, hash_funcs=KEYS)
def scenario_comparison(scen: Workspace, params: C.CoverageParams):
    """Scenario − Ist per district and phase (:func:`dashboard.analysis.scenario.compare`)."""
    base = scen.scenario.base
    return what_if.compare(coverage(base, params), coverage(scen, params), base, scen, params,
                           settings().disclosure_threshold, ist_demand=demand(base), scen_demand=demand(scen))


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs=KEYS)
def duplicates(ws: Workspace, params: C.CoverageParams):
    """Pairs of alike offers with overlapping catchments (see :func:`dashboard.analysis.coverage.duplicates`)."""
    return C.duplicates(ws, params, demand=demand(ws))


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=KEYS)
def offer_districts(ws: Workspace):
    """Which districts each offer serves (see :func:`dashboard.analysis.district.offer_districts`)."""
    return district.offer_districts(ws, ws.offers)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=KEYS)
def district_profile(ws: Workspace, district_id: str, cov: C.Coverage, threshold: int):
    """The figures of one district's profile (see :func:`dashboard.analysis.profile.district_figures`)."""
    return district_figures(ws, district_id, cov, threshold=threshold, duplicates=duplicates(ws, cov.params))


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=KEYS)
def filter_options(ws: Workspace) -> dict:
    """The values offered in the filter widgets."""
    return options(ws)


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=KEYS)
def _choropleth(ws: Workspace, spec, threshold: int, lang: str):  # shared, read-only: no copy per run
    layer, title, classes, _ = mapview.choropleth(ws, spec, target_population(ws), threshold, lang)
    return maps.Features(layer.features), layer.layer_name, title, classes


def choropleth(ws: Workspace, spec, threshold: int, lang: str):
    """(fresh GeoJsonLayer, legend title lines, legend classes, None); the features are cached."""
    features, name, title, classes = _choropleth(ws, spec, threshold, lang)
    return maps.GeoJsonLayer(features, name=name, control=False, shade=maps.SHADINGS.get(spec.shading, 1.0)), \
        title, classes, None


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=KEYS)
def _grid(ws: Workspace, phase: str, threshold: int, lang: str):  # shared, read-only: no copy per run
    layer = mapview.grid_layer(ws, phase, threshold, lang, tp=target_population(ws))
    return maps.Features(layer.features), layer.layer_name


def grid_layer(ws: Workspace, phase: str, threshold: int, lang: str):
    """Population grid of one phase as a canvas layer (features cached)."""
    features, name = _grid(ws, phase, threshold, lang)
    return maps.GeoJsonLayer(features, name=name, canvas=True)


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs=KEYS)
def reach_cell_values(ws: Workspace, phase: str, cov: C.Coverage, threshold: int):
    """Published persons per cell of one phase beside reached/not reached (see
    :func:`dashboard.present.mapview.reach_cell_values`): withheld where a district's reached
    count of the phase is withheld."""
    k = list(cov.table["phase_id"].unique()).index(phase)
    shown = C.public_table(cov.table, threshold)
    reached_withheld = shown[shown["phase_id"] == phase].set_index("district_id")["reached"].isna()
    return mapview.reach_cell_values(ws, phase, cov.cell_reached[:, k], reached_withheld, threshold,
                                     target_population(ws)).to_numpy()


def offers_serving(ws: Workspace, district_id: str, phase_id: str | None = None):
    """The offers serving a district (see :func:`dashboard.analysis.district.offers_serving`)."""
    return district.offers_serving(ws, district_id, phase_id, served=offer_districts(ws))


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=KEYS)
def district_cells(ws: Workspace, cov: C.Coverage, district_id: str, phase_id: str):
    """A district's population cells, reached or not (see :func:`dashboard.analysis.coverage.district_cells`)."""
    return C.district_cells(ws, cov, demand(ws), district_id, phase_id)


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=KEYS)
def base_map_json(ws: Workspace) -> str | None:
    """The workspace's own base map (:func:`dashboard.present.basemap.base_map_data`) as the JSON
    text the map embeds, or None (nothing to draw); shared."""
    from dashboard.present.basemap import base_map_data
    from dashboard.present.basemap import base_map_json as _base_map_json

    data = base_map_data(ws)
    return None if data is None else _base_map_json(data)


@st.cache_data(show_spinner=False, max_entries=16, hash_funcs=KEYS)
def compare_distances(ws: Workspace, params: C.CoverageParams, threshold: int):
    """Reach by straight line vs. on the streets (see :func:`dashboard.analysis.coverage.compare_distances`)."""
    return C.compare_distances(ws, params, demand=demand(ws), threshold=threshold)


@st.cache_data(show_spinner=False, max_entries=16, hash_funcs=KEYS)
def changed_cells(ws: Workspace, params: C.CoverageParams, phase_id: str):
    """The cells whose reach changes with the streets (see :func:`dashboard.analysis.coverage.changed_cells`)."""
    return C.changed_cells(ws, params, phase_id, demand=demand(ws))


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=KEYS)
def walking_start_sites(ws: Workspace, lang: str):
    """Offers and Familienzentren walking areas can start from (see :func:`dashboard.present.mapview.walking_start_sites`)."""
    return mapview.walking_start_sites(ws, lang)


def perturbation() -> PerturbationTable:
    """The cell-key method's perturbation table of the configured settings."""
    cfg = settings()
    return _perturbation(cfg.ckm_max_deviation, cfg.ckm_variance)


@st.cache_resource(show_spinner=False, max_entries=4)
def _perturbation(max_deviation: int, variance: float) -> PerturbationTable:
    return PerturbationTable(max_deviation, variance)


def walking_areas(ws: Workspace, x: float, y: float, threshold: int, speed_kmh: float = WALKING_SPEED_KMH,
                  snap: bool = True):
    """Walking areas around (x, y) — with ``snap`` (a free click) from the nearest point of the
    100 m lattice — and who lives in them (see :func:`dashboard.analysis.nearby.walking_areas`);
    None without a street network."""
    x, y = snap_point(x, y) if snap else (round(x), round(y))
    return _walking_areas(ws, x, y, threshold, speed_kmh, perturbation())


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs={**KEYS, PerturbationTable: repr})
def _walking_areas(ws: Workspace, x: float, y: float, threshold: int, speed_kmh: float, table: PerturbationTable):
    from dashboard.analysis.nearby import walking_areas as walking_areas_

    return walking_areas_(ws, x, y, threshold=threshold, speed_kmh=speed_kmh, demand=demand(ws), perturbation=table,
                          snap_m=0)


@st.cache_resource(show_spinner=False, max_entries=8, hash_funcs=KEYS)
def offer_point_table(ws: Workspace, lang: str, personal: bool):
    """Map table of all sited offers per language and role (shared and read-only; filters pick
    rows from it)."""
    return mapview.offer_point_table(ws, ws.offers, lang, personal)


def ids_key(ids) -> str:
    """A short digest of a list of ids: the cache key of what is made for exactly these records
    (Streamlit's own hashing of thousands of ids took ~10 ms per run)."""
    return hashlib.blake2b("\x1f".join(map(str, ids)).encode(), digest_size=16).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=KEYS)
def _site_features(ws: Workspace, kind: str, key: str, lang: str, personal: bool, _ids: list):
    sites = ws.family_centres if kind == "centres" else ws.partners
    return maps.Features(mapview.site_features(sites[sites[mapview.SITE_KINDS[kind][0]].isin(_ids)], kind, lang,
                                               personal))


def family_centre_layer(ws: Workspace, centres, lang: str, personal: bool):
    """:func:`mapview.family_centre_layer` of these Familienzentren, features cached (shared, read-only)."""
    return mapview.family_centre_layer(ws, centres, lang, personal, features=_site_features(
        ws, "centres", ids_key(centres["centre_id"]), lang, personal, list(centres["centre_id"])))


def partner_layer(ws: Workspace, partners, lang: str, personal: bool):
    """:func:`mapview.partner_layer` of these partners, features cached (shared, read-only)."""
    return mapview.partner_layer(ws, partners, lang, personal, features=_site_features(
        ws, "partners", ids_key(partners["partner_id"]), lang, personal, list(partners["partner_id"])))


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=KEYS)
def _district_name_features(ws: Workspace):
    return maps.Features(mapview.district_name_features(ws))


def district_names_layer(ws: Workspace, name: str):
    """:func:`mapview.district_names_layer`, features cached per workspace."""
    return mapview.district_names_layer(ws, name, features=_district_name_features(ws))


@st.cache_resource(show_spinner=False, max_entries=8, hash_funcs=KEYS)
def outreach_items(ws: Workspace, lang: str, personal: bool):
    """Popup properties of every outreach offer (by offer_id) per language and role."""
    outreach = ws.offers[ws.offers.geometry.isna()]
    return mapview.offer_popup_items(ws, outreach, lang, personal).set_axis(outreach["offer_id"].to_numpy())


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=KEYS)
def _outreach_features(ws: Workspace, key: str, phases: tuple, lang: str, personal: bool, _ids: list):
    outreach = ws.offers[ws.offers["offer_id"].isin(_ids) & ws.offers.geometry.isna()]
    return maps.Features(mapview.outreach_area_features(ws, outreach, phases, lang, personal,
                                                        outreach_items(ws, lang, personal)))


def outreach_features(ws: Workspace, offers, phases: tuple, lang: str, personal: bool) -> list[dict]:
    """:func:`mapview.outreach_area_features` of the outreach offers among ``offers`` (the
    chosen ``phases`` colour them), cached per offers, phases, language and role (shared,
    read-only)."""
    ids = list(offers.loc[offers.geometry.isna(), "offer_id"])
    return _outreach_features(ws, ids_key(ids), tuple(phases), lang, personal, ids)


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=KEYS)
def district_view(ws: Workspace, district_id: str | None = None) -> dict:
    """The view a map is fitted to (:func:`maps.view_of`): one district, or the whole city.
    Cached: the first reprojection in each script run's new thread sets up PROJ (~10 ms)."""
    shown = ws.districts if district_id is None else ws.districts[ws.districts["district_id"] == district_id]
    return maps.view_of(shown)


@st.cache_resource(show_spinner=False, hash_funcs=KEYS)
def _address_index(ws: Workspace):
    return address_index(ws.addresses), ws.addresses["street"].dropna().unique()


def find_address(ws: Workspace, text: str) -> dict:
    """:func:`dashboard.sources.geocode.locate` against the workspace's address directory."""
    if len(ws.addresses) == 0:
        return {"status": "no_directory", "candidates": 0, "lat": None, "lon": None, "x": None, "y": None,
                "corrected": None}
    index, streets = _address_index(ws)
    return locate(index, text, ws.crs, streets=streets)


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=KEYS)
def network_layout(ws: Workspace) -> dict:
    """Node positions of the cooperation graph."""
    return networks.layout(networks.network_graph(ws))


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=KEYS)
def site_suggestion(ws: Workspace, phases: tuple, k: int, params: C.CoverageParams, source: str, need_weighted: bool,
                    candidates_key: str = "", _candidates=None):
    """:func:`dashboard.analysis.suggest.suggest_sites` (shared, read-only): ``source`` 'grid',
    'addresses' or 'layer' (then ``_candidates``, keyed by ``candidates_key``, a digest of the file)."""
    from dashboard.analysis import suggest

    return suggest.suggest_sites(ws, list(phases), k, params, candidates=_candidates if source == "layer" else source,
                                 need_weighted=need_weighted, threshold=settings().disclosure_threshold,
                                 demand=demand(ws), cov=coverage(ws, params))
