"""Workspace I/O: one GeoPackage per municipality, validated on load and on save.

>>> ws = read_workspace("geodata/demo_city.gpkg")      # doctest: +SKIP
>>> write_workspace(ws, "copy.gpkg")                    # doctest: +SKIP

Saving is all-or-nothing: the workspace is validated first and written to a temporary
file beside the target, which then replaces the target in one step.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import re
import tempfile
import time
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from dashboard.model import schema
from dashboard.model.problems import Problem, WorkspaceError
from dashboard.model.secretfile import read_secret, write_new_secret
from dashboard.model.validate import validate_tables

log = logging.getLogger("praeventionsatlas")

OPTIONAL_SPATIAL = {"population_cells": "Polygon", "family_centres": "Point", "partners": "Point"}


def _empty(layer: str, crs=None) -> pd.DataFrame:
    spec = schema.LAYERS[layer]
    frame = pd.DataFrame({c.name: pd.Series(dtype="object") for c in spec.columns})
    if spec.geometry:
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=crs), crs=crs)
    return frame


def not_retired(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of an editable layer (offers, Familienzentren, partners, targets, assessments)
    that are not retired (all rows when the layer has no ``retired`` column)."""
    if "retired" not in frame.columns or not frame["retired"].fillna(False).astype(bool).any():
        return frame
    return frame[~frame["retired"].fillna(False).astype(bool).to_numpy()].reset_index(drop=True)


@dataclass
class Workspace:
    """All layers of one municipality's workspace, typed (see :mod:`dashboard.schema`).

    Spatial layers share one metric CRS (metres). Optional layers that the file lacks
    are empty frames with the schema's columns; ``population_cells`` and
    ``population_districts`` are None when absent.
    """

    meta: dict
    districts: gpd.GeoDataFrame
    life_phases: pd.DataFrame
    offers: gpd.GeoDataFrame
    age_bands: pd.DataFrame = None
    population_cells: gpd.GeoDataFrame | None = None
    population_districts: pd.DataFrame | None = None
    indicator_catalogue: pd.DataFrame = None
    indicators: pd.DataFrame = None
    family_centres: gpd.GeoDataFrame = None
    partners: gpd.GeoDataFrame = None
    networks: pd.DataFrame = None
    memberships: pd.DataFrame = None
    history: pd.DataFrame = None
    addresses: gpd.GeoDataFrame = None  # local address directory (house coordinates) for geocoding
    street_nodes: gpd.GeoDataFrame = None  # the walkable street network (empty: straight-line distances)
    street_edges: gpd.GeoDataFrame = None
    base_lines: gpd.GeoDataFrame = None  # base map: railways and water lines (kind 'rail' / 'water')
    base_places: gpd.GeoDataFrame = None  # base map: place names
    scenarios: pd.DataFrame = None  # what-if scenarios (never applied to the layers above) …
    scenario_changes: pd.DataFrame = None  # … and their changes (dashboard.analysis.scenario)
    path: Path | None = field(default=None, compare=False)
    # secret of the cell-key method (:mod:`dashboard.analysis.cellkey`): read from the key file
    # beside the GeoPackage (:func:`cell_key_secret`); an unsaved workspace gets a random one
    cell_key_secret: bytes | None = field(default_factory=lambda: os.urandom(32), compare=False, repr=False)
    # a what-if scenario applied to this copy (dashboard.sources.scenarios.ScenarioView); None: the real data
    scenario: object = field(default=None, compare=False, repr=False)
    # the day this copy shows (dashboard.sources.timeline.AsOf); None: the data as they are today
    as_of: object = field(default=None, compare=False, repr=False)
    # a database workspace's (change counter, {layer: counter}) when read (dashboard.model.postgis);
    # None for a file
    revision: tuple | None = field(default=None, compare=False, repr=False)
    population_years: pd.DataFrame = None  # population of other years (meta 'population_year': the main layers')
    targets: pd.DataFrame = None  # Zielwerte (dashboard.analysis.quality)
    assessments: pd.DataFrame = None  # qualitative assessments of quality goals
    reference_values: pd.DataFrame = None  # comparison values (Kreis, NRW, other municipalities)

    def __post_init__(self):
        crs = self.districts.crs
        for name in ("age_bands", "indicator_catalogue", "indicators", "family_centres",
                     "partners", "networks", "memberships", "history", "addresses", "street_nodes", "street_edges",
                     "base_lines", "base_places", "scenarios", "scenario_changes", "population_years", "targets",
                     "assessments", "reference_values"):
            if getattr(self, name) is None:
                setattr(self, name, _empty(name, crs))
        if not (self.life_phases["position"].is_monotonic_increasing and self.life_phases.index.equals(
                pd.RangeIndex(len(self.life_phases)))):  # sorted already: the same frame (a cheap change check)
            self.life_phases = self.life_phases.sort_values("position").reset_index(drop=True)

    @property
    def crs(self):
        """The workspace's metric CRS (pyproj CRS)."""
        return self.districts.crs

    def current(self) -> "Workspace":
        """The workspace as the analysis sees it: retired offers, Familienzentren and partners
        left out (their rows and the history stay in the file)."""
        changes = {}
        for name in ("offers", "family_centres", "partners"):
            frame = getattr(self, name)
            kept = not_retired(frame)
            if kept is not frame:
                changes[name] = kept
        return replace(self, **changes) if changes else self

    @property
    def has_streets(self) -> bool:
        """Whether the workspace holds a street network (distances are walked on it)."""
        return len(self.street_edges) > 0

    @property
    def is_fictional(self) -> bool:
        return str(self.meta.get("fictional", "")).lower() in ("1", "true", "ja", "yes")

    @property
    def band_columns(self) -> list[str]:
        """Population columns (age bands) in age order."""
        return list(self.age_bands.sort_values("age_from")["column"])

    def total_population(self) -> float:
        """Persons: the source's all-ages total (``persons_total``) where given, else the sum
        of the age bands (withheld values count as 0 there: a lower bound)."""
        table = self.population_cells if self.population_cells is not None else self.population_districts
        if table is None:
            return 0.0
        if "persons_total" in table.columns and table["persons_total"].notna().any():
            return float(np.nansum(table["persons_total"].to_numpy(dtype=float)))
        return float(np.nansum(table[self.band_columns].to_numpy(dtype=float)))

    def counts(self) -> dict[str, int]:
        """Number of rows per layer, e.g. for the landing page."""
        return {
            "districts": len(self.districts),
            "offers": len(self.offers),
            "family_centres": len(self.family_centres),
            "partners": len(self.partners),
            "networks": len(self.networks),
            "population_cells": 0 if self.population_cells is None else len(self.population_cells),
            "indicators": int(self.indicators["indicator"].nunique()) if len(self.indicators) else 0,
        }

    def tables(self, layers=None) -> dict[str, pd.DataFrame]:
        """Layers as stored in the file: lists joined with ';', dates as ISO text (all, or those
        named in ``layers``)."""
        out = {"meta": pd.DataFrame({"key": list(self.meta), "value": [str(v) for v in self.meta.values()]})}
        for f in fields(self):
            if f.name in ("meta", "path", "cell_key_secret", "scenario", "as_of", "revision"):
                continue
            if layers is not None and f.name not in layers:
                continue
            frame = getattr(self, f.name)
            if frame is None:
                continue
            out[f.name] = _serialise(f.name, frame)
        return out


def _serialise(layer: str, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    spec = schema.LAYERS[layer]
    for col in spec.columns:
        if col.name not in frame.columns:
            continue
        s = frame[col.name]
        if col.kind == "list":
            frame[col.name] = s.map(lambda v: schema.LIST_SEPARATOR.join(v) if isinstance(v, (tuple, list)) and v
                                    else (v if isinstance(v, str) and v else None)).astype("object")
        elif col.kind == "date":
            d = pd.to_datetime(s, errors="coerce")
            frame[col.name] = d.dt.strftime("%Y-%m-%d").astype("object").where(d.notna(), None)
        elif col.kind == "int":
            frame[col.name] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif col.kind == "bool" and col.nullable:  # yes 1, no 0, unknown NULL; texts left to validation
            frame[col.name] = s.astype(object).map(
                lambda v: v if isinstance(v, str) else None if v is None or pd.isna(v) else float(bool(v)))
    return frame.reset_index(drop=True)


def content_hash(path: str | os.PathLike) -> str:
    """SHA-256 of the file's bytes: a cache key that changes whenever the workspace does."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


STALE_TEMP_S = 3600  # a temporary file of a live writer untouched this long is left over, too


def _temp_prefix(path: Path) -> str:
    """Prefix of the temporary files a save writes beside ``path`` (the writer's process id in it)."""
    return f".{path.stem}-{os.getpid()}-"


def remove_stale_temp_files(path: str | os.PathLike) -> list[Path]:
    """Delete temporary files that interrupted saves (a killed process) left beside ``path``:
    those of a process that no longer runs, or untouched for an hour. Returns what was removed."""
    path = Path(path)
    pattern = re.compile(rf"^\.{re.escape(path.stem)}-(\d+)-[A-Za-z0-9_]+\.gpkg(-journal|-wal|-shm)?$")
    removed = []
    for candidate in path.parent.glob(f".{glob.escape(path.stem)}-*"):
        match = pattern.match(candidate.name)
        if not match or int(match.group(1)) == os.getpid():
            continue
        try:
            os.kill(int(match.group(1)), 0)
            alive = True
        except ProcessLookupError:
            alive = False
        except PermissionError:  # another user's live process
            alive = True
        try:
            if not alive or time.time() - candidate.stat().st_mtime > STALE_TEMP_S:
                candidate.unlink()
                removed.append(candidate)
        except FileNotFoundError:
            continue
    if removed:
        log.warning("removed %d temporary file(s) of interrupted saves beside %s", len(removed), path)
    return removed


def is_database(location) -> bool:
    """Whether ``location`` is a database workspace's URL (:mod:`dashboard.model.postgis`)."""
    from dashboard.model.postgis import is_database_url

    return is_database_url(location)


def read_workspace(path) -> Workspace:
    """Read and validate a workspace GeoPackage (first removing what interrupted saves left
    beside it, see :func:`remove_stale_temp_files`) or, given a ``postgresql://`` URL, a
    database workspace (:func:`dashboard.model.postgis.read_workspace`).

    Raises :class:`WorkspaceError` listing every problem (file, layer, row, field).
    """
    if is_database(path):
        from dashboard.model import postgis

        return postgis.read_workspace(path)
    path = Path(path)
    name = path.name
    if path.parent.is_dir():
        remove_stale_temp_files(path)
    if not path.is_file():
        raise WorkspaceError([Problem(name, None, None, None, "file_missing")])
    try:
        layers = {str(n) for n, _ in pyogrio.list_layers(path)}
    except Exception as exc:  # GDAL raises several types for a broken file
        raise WorkspaceError([Problem(name, None, None, None, "file_unreadable", {"detail": str(exc)[:200]})]) from exc
    raw, problems = {}, []
    for layer in schema.LAYERS:
        if layer not in layers:
            continue
        try:
            raw[layer] = pyogrio.read_dataframe(path, layer=layer, fid_as_index=True)
        except Exception as exc:
            problems.append(Problem(name, layer, None, None, "layer_unreadable", {"detail": str(exc)[:200]}))
    typed, found = validate_tables(raw, name)
    problems += found
    if problems:
        raise WorkspaceError(problems)
    return _from_tables(typed, path)


def _from_tables(typed: dict, path: Path | None) -> Workspace:
    tables = {k: v.reset_index(drop=True) for k, v in typed.items()}
    meta_table = tables.pop("meta")
    meta = dict(zip(meta_table["key"], meta_table["value"]))
    names = {f.name for f in fields(Workspace)}
    secret = cell_key_secret(path) if path is not None else os.urandom(32)
    return Workspace(meta=meta, path=path, cell_key_secret=secret,
                     **{k: v for k, v in tables.items() if k in names})


def key_file(path: str | os.PathLike) -> Path:
    """The file beside a workspace that holds its cell-key secret (``stadt.gpkg.key``)."""
    path = Path(path)
    return path.with_name(path.name + ".key")


def cell_key_secret(path: str | os.PathLike, create: bool = True, renew: bool = False) -> bytes | None:
    """The workspace's secret for the cell-key method: 32 random bytes kept in the key file
    beside the GeoPackage (readable by its owner only, 0600), created when missing
    (``create``) or replaced (``renew``: every published area count changes). Never in the
    GeoPackage, never shown. None when it can neither be read nor created (e.g. a read-only
    folder): area counts are then withheld."""
    return read_secret(key_file(path), create=create, renew=renew)


def validate_workspace(ws: Workspace, file: str = "<workspace>") -> list[Problem]:
    """Every problem of an in-memory workspace, as :func:`read_workspace` would report."""
    return validate_tables(ws.tables(), file)[1]


def write_workspace(ws: Workspace, path):
    """Validate ``ws`` and write it to ``path`` atomically; returns the path. A ``postgresql://``
    URL replaces that database workspace in one transaction (:mod:`dashboard.model.postgis`).

    On any problem nothing is written and an existing file stays as it was.
    """
    if is_database(path):
        from dashboard.model import postgis

        return postgis.write_workspace(ws, path)
    path = Path(path)
    tables = ws.tables()
    _, problems = validate_tables(tables, path.name)
    if problems:
        raise WorkspaceError(problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".gpkg", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # GDAL must create the file itself
    try:
        for layer, frame in tables.items():
            spec = schema.LAYERS[layer]
            kwargs = {}
            if spec.geometry:
                kwargs["geometry_type"] = "MultiPolygon" if spec.geometry == "Polygon" else spec.geometry
                kwargs["promote_to_multi"] = spec.geometry == "Polygon"
            pyogrio.write_dataframe(frame, tmp, layer=layer, driver="GPKG", **kwargs)
        os.replace(tmp, path)
        if ws.cell_key_secret and not key_file(path).exists():
            write_new_secret(ws.cell_key_secret, key_file(path))
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
