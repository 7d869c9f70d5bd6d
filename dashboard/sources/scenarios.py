"""Storing scenarios in the workspace file: create, change, share, delete, export, import.

Every call is one transaction on the workspace file, like an edit (:mod:`dashboard.sources.editing`):
under the file's lock the workspace is read, the scenario layers changed, the scenario
checked by applying it (a change whose record is gone, a bad field: nothing is written) and
the file replaced atomically. The real layers (offers, population, …) are written back as
they were read. Only planners create and change scenarios; partners and viewers see the
shared ones (:func:`visible_scenarios`).

An exported scenario is a JSON file (``{"format": "praeventionsatlas-scenario", "version": 1,
"scenario": {...}, "changes": [...]}``, geometries as WKT in the workspace's CRS, named in
the file); importing it gives it a new id, so it never overwrites another.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.model import schema
from dashboard.model.problems import ProblemError, Problems, problem
from dashboard.model.store import StaleWrite, location_name, save_current
from dashboard.model.workspace import validate_workspace
from dashboard.sources.editing import ConflictError, EditError, PermissionDenied

EXPORT_FORMAT = "praeventionsatlas-scenario"
EXPORT_VERSION = 1


ID_COLUMNS = {"offers": "offer_id", "family_centres": "centre_id"}
"""The layers a scenario adds to or changes, with their id column."""
SCENARIO_ID_PREFIX = "SZ-"


@dataclass(frozen=True)
class Change:
    """One change of a scenario (see the module doc); ``geometry`` in the workspace CRS."""

    change_id: str
    action: str
    layer: str | None = None
    record_id: str | None = None
    fields: dict | None = None
    valid_from: date | None = None
    geometry: object = None


def changes_of(ws, scenario_id: str) -> list[Change]:
    """The changes of a scenario in their order."""
    rows = ws.scenario_changes[ws.scenario_changes["scenario_id"] == scenario_id]
    rows = rows.assign(_p=pd.to_numeric(rows["position"], errors="coerce")).sort_values("_p", kind="stable")
    out = []
    for r in rows.itertuples():  # a scenario holds a handful of changes
        valid = pd.Timestamp(r.valid_from).date() if r.valid_from is not None and not pd.isna(r.valid_from) else None
        out.append(Change(r.change_id, r.action, _none(r.layer), _none(r.record_id),
                          json.loads(r.fields) if isinstance(r.fields, str) and r.fields else None, valid,
                          shapely.from_wkt(r.wkt) if isinstance(r.wkt, str) and r.wkt else None))
    return out


def _none(value):
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def apply_scenario(ws, scenario_id: str):
    """A new workspace with the scenario's changes made (``ws`` stays as it is). Raises
    :class:`ProblemError` naming the change that cannot be made (its record is gone, …)."""
    rows = ws.scenarios[ws.scenarios["scenario_id"] == scenario_id]
    if rows.empty:
        raise EditError("scenarios", scenario_id, "unknown_record", record=scenario_id)
    return apply_changes(ws, changes_of(ws, scenario_id), scenario_id, str(rows["name"].iat[0]))


@dataclass(frozen=True)
class Housing:
    """A planned housing area: ``persons`` per life phase (made up by the planner, not secret)."""

    change_id: str
    name: str | None
    geometry: object
    persons: dict


@dataclass(frozen=True)
class ScenarioView:
    """What a scenario changes besides records: its housing areas and population factors per
    (district id, phase id); ``base``: the Ist workspace it was made from. The population
    layers themselves stay the real ones, so every count of a free area (walking areas, a
    site's reach) counts real persons only; the changes enter the published district figures
    (:func:`dashboard.analysis.scenario.scenario_coverage`)."""

    scenario_id: str | None
    name: str | None
    housing: tuple = ()
    factors: dict = field(default_factory=dict)
    base: object = field(default=None, repr=False, compare=False)


MAX_PERCENT = 1000.0  # a population change of more than +1,000 % is a typing error


def apply_changes(ws, changes: list[Change], scenario_id: str | None = None, name: str | None = None):
    """``ws`` with ``changes`` made, in order (see :func:`apply_scenario`): offers and
    Familienzentren changed, housing areas and population changes in ``ws.scenario``
    (:class:`ScenarioView`)."""
    frames = {"offers": ws.offers.copy(), "family_centres": ws.family_centres.copy()}
    housing, factors = [], {}
    phases = set(ws.life_phases["phase_id"])
    districts = set(ws.districts["district_id"])
    found = Problems("scenario")
    for change in changes:
        layer, fields = change.layer, change.fields or {}
        if change.action in ("add", "move", "close", "change") and layer not in ID_COLUMNS:
            found.add("unknown_value", field="layer", value=layer, known=", ".join(ID_COLUMNS),
                      record_id=change.change_id)
            continue
        if change.action in ("add", "move") and change.geometry is not None and \
                shapely.get_type_id(change.geometry) != 0:
            found.add("scenario_bad_geometry", field="wkt", record_id=change.change_id)
            continue
        if change.action == "add":
            frames[layer] = _added(frames[layer], layer, change, ws.crs)
        elif change.action in ("move", "close", "change"):
            frame = frames[layer]
            rows = np.flatnonzero(frame[ID_COLUMNS[layer]].to_numpy() == change.record_id)
            if not len(rows):
                found.add("scenario_record_gone", layer=layer, record_id=change.change_id, record=change.record_id)
                continue
            frames[layer] = _changed(frame, rows[0], change)
        elif change.action == "housing":
            persons = fields.get("persons") or {}
            if change.geometry is None or shapely.get_type_id(change.geometry) not in (3, 6):
                found.add("scenario_bad_geometry", field="wkt", record_id=change.change_id)
            for phase, n in persons.items():
                if phase not in phases:
                    found.add("unknown_life_phase", field="persons", value=phase, known=", ".join(sorted(phases)),
                              record_id=change.change_id)
                elif not _number(n) or float(n) < 0:
                    found.add("parameter_range", field="persons", value=n, range=">= 0", record_id=change.change_id)
            housing.append(Housing(change.change_id, fields.get("name"), change.geometry,
                                   {p: float(n) for p, n in persons.items() if p in phases and _number(n)}))
        elif change.action == "population":
            district, phase, percent = fields.get("district_id"), fields.get("phase_id"), fields.get("percent")
            if district not in districts:
                found.add("unknown_value", field="district_id", value=district, known=", ".join(sorted(districts)),
                          record_id=change.change_id)
            if phase not in phases:
                found.add("unknown_life_phase", field="phase_id", value=phase, known=", ".join(sorted(phases)),
                          record_id=change.change_id)
            if not _number(percent) or not -100.0 <= float(percent) <= MAX_PERCENT:
                found.add("parameter_range", field="percent", value=percent, range=f"-100 … {MAX_PERCENT:.0f}",
                          record_id=change.change_id)
            elif district in districts and phase in phases:
                factors[(district, phase)] = factors.get((district, phase), 1.0) * (1.0 + float(percent) / 100.0)
    found.raise_if_any(ProblemError)
    base = ws.scenario.base if getattr(ws, "scenario", None) is not None else ws
    view = ScenarioView(scenario_id, name, tuple(housing), factors, base)
    return replace(ws, offers=frames["offers"], family_centres=frames["family_centres"], scenario=view)


def _number(value) -> bool:
    try:
        return np.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _added(frame: gpd.GeoDataFrame, layer: str, change: Change, crs) -> gpd.GeoDataFrame:
    spec = schema.LAYERS[layer]
    record = {c.name: None for c in spec.columns}
    record.update({k: _typed(spec, k, v) for k, v in (change.fields or {}).items()})
    record[ID_COLUMNS[layer]] = record.get(ID_COLUMNS[layer]) or f"{SCENARIO_ID_PREFIX}{change.change_id[:8]}"
    record.update({"version": 1, "retired": False})
    kinds = {c.name: c.kind for c in spec.columns}
    for name, kind in kinds.items():  # an empty list is an empty tuple, as the loader gives it
        if kind == "list" and record.get(name) is None:
            record[name] = ()
    new = pd.DataFrame([record]).astype(object)
    for column in new.columns:  # typed like the loaded layer: texts, numbers, dates, flags
        kind = frame[column].dtype if column in frame.columns else None
        if kind is None or pd.api.types.is_object_dtype(kind):
            continue
        if pd.api.types.is_datetime64_any_dtype(kind):
            new[column] = pd.to_datetime(new[column], errors="coerce")
        elif pd.api.types.is_numeric_dtype(kind) and not pd.api.types.is_bool_dtype(kind):
            new[column] = pd.to_numeric(new[column], errors="coerce").astype(kind)
        else:
            new[column] = new[column].astype(kind)
    new = gpd.GeoDataFrame(new, geometry=[change.geometry], crs=crs)
    return pd.concat([frame, new[[c for c in new.columns if c in frame.columns or c == "geometry"]]],
                     ignore_index=True)


def _typed(spec, name: str, value):
    """A field value from JSON as the analysis expects it: lists as tuples, dates as timestamps."""
    column = next((c for c in spec.columns if c.name == name), None)
    if column is None or value is None:
        return value
    if column.kind == "list":
        return tuple(value) if isinstance(value, (list, tuple)) else tuple(
            v.strip() for v in str(value).split(schema.LIST_SEPARATOR) if v.strip())
    if column.kind == "date":
        return pd.Timestamp(value)
    return value


def _changed(frame: gpd.GeoDataFrame, row: int, change: Change) -> gpd.GeoDataFrame:
    frame = frame.copy()
    if change.action == "move":
        geoms = frame.geometry.to_numpy().copy()
        geoms[row] = change.geometry
        return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))
    if change.action == "close":
        if change.valid_from is None or "valid_to" not in frame.columns:
            return frame.drop(index=frame.index[row]).reset_index(drop=True)
        frame["valid_to"] = frame["valid_to"].astype(object)
        frame.at[frame.index[row], "valid_to"] = pd.Timestamp(change.valid_from - timedelta(days=1))
        return frame
    spec = schema.LAYERS["offers" if "offer_id" in frame.columns else "family_centres"]
    for name, value in (change.fields or {}).items():
        if name not in frame.columns:
            frame[name] = None
        kind = frame[name].dtype
        frame[name] = frame[name].astype(object)
        frame.at[frame.index[row], name] = _typed(spec, name, value)
        if not pd.api.types.is_object_dtype(kind):  # typed as loaded (a capacity stays a whole number)
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(kind) \
                if pd.api.types.is_numeric_dtype(kind) else frame[name].astype(kind)
    return frame


def may_change_scenarios(role: str) -> bool:
    """Planners create and change scenarios; partners and viewers only look at shared ones."""
    return role == "planner"


def visible_scenarios(ws, role: str) -> pd.DataFrame:
    """The scenarios a role may see: all for planners, the shared ones for everyone else."""
    table = ws.scenarios
    if may_change_scenarios(role):
        return table.reset_index(drop=True)
    return table[table["shared"].fillna(False).astype(bool).to_numpy()].reset_index(drop=True)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _transaction(path, role: str, change):
    """Read, change (``change(ws) -> ws``), check and write the workspace at ``path``."""
    if not may_change_scenarios(role):
        raise PermissionDenied("scenarios", None, role=role)

    def checked(ws):
        new = change(ws)
        for scenario_id in new.scenarios["scenario_id"]:
            apply_changes(new, changes_of(new, scenario_id))  # every scenario still applies
        return new

    try:
        return save_current(path, checked)  # computed again when someone else saved in between
    except StaleWrite as exc:
        raise ConflictError("scenarios", exc.record_id, version=exc.version, expected=exc.expected) from exc


def create_scenario(path, name: str, *, user: str, role: str, description: str | None = None,
                    shared: bool = False, scenario_id: str | None = None, changes: list[dict] | None = None):
    """A new scenario, empty or with ``changes`` (dicts of :func:`add_change`'s arguments:
    ``action``, ``layer``, ``record_id``, ``fields``, ``valid_from``, ``geometry``) in one
    transaction; returns (workspace, scenario id)."""
    found = Problems(location_name(path))
    if not str(name or "").strip():
        found.add("missing_value", layer="scenarios", field="name")
    found.raise_if_any(ProblemError)
    scenario_id = scenario_id or f"S{uuid.uuid4().hex[:8]}"

    def change(ws):
        if (ws.scenarios["scenario_id"] == scenario_id).any():
            raise EditError("scenarios", scenario_id, "id_exists", record=scenario_id)
        row = pd.DataFrame([{"scenario_id": scenario_id, "name": str(name).strip(), "description": description,
                             "shared": bool(shared), "created_by": user, "created_at": _now(), "version": 1}])
        ws = replace(ws, scenarios=pd.concat([ws.scenarios, row.astype(object)], ignore_index=True))
        for change in changes or []:
            ws = _with_change(ws, scenario_id, uuid.uuid4().hex, **change)
        return ws

    return _transaction(path, role, change), scenario_id


def _row(ws, scenario_id: str) -> int:
    rows = ws.scenarios.index[ws.scenarios["scenario_id"] == scenario_id]
    if not len(rows):
        raise EditError("scenarios", scenario_id, "unknown_record", record=scenario_id)
    return rows[0]


def _bump(ws, scenario_id: str, **values):
    table = ws.scenarios.copy().astype(object)
    i = _row(ws, scenario_id)
    for key, value in values.items():
        table.at[i, key] = value
    table.at[i, "version"] = int(pd.to_numeric(table.at[i, "version"], errors="coerce") or 0) + 1
    return replace(ws, scenarios=table)


def add_change(path, scenario_id: str, action: str, *, user: str, role: str, layer: str | None = None,
               record_id: str | None = None, fields: dict | None = None, valid_from: date | None = None,
               geometry=None) -> tuple:
    """Append one change (see :mod:`dashboard.analysis.scenario` for the actions); returns
    (workspace, change id). ``geometry``: a shapely geometry in the workspace's CRS."""
    change_id = uuid.uuid4().hex

    def change(ws):
        return _bump(_with_change(ws, scenario_id, change_id, action, layer, record_id, fields, valid_from, geometry),
                     scenario_id)

    return _transaction(path, role, change), change_id


def _with_change(ws, scenario_id: str, change_id: str, action: str, layer: str | None = None,
                 record_id: str | None = None, fields: dict | None = None, valid_from: date | None = None,
                 geometry=None):
    """``ws`` with one change appended to the scenario (checked: it must apply)."""
    _row(ws, scenario_id)
    own = ws.scenario_changes[ws.scenario_changes["scenario_id"] == scenario_id]
    position = int(pd.to_numeric(own["position"], errors="coerce").max()) + 1 if len(own) else 1
    row = pd.DataFrame([{"change_id": change_id, "scenario_id": scenario_id, "position": position,
                         "action": action, "layer": layer, "record_id": record_id,
                         "fields": json.dumps(fields, ensure_ascii=False, default=str) if fields else None,
                         "valid_from": pd.Timestamp(valid_from) if valid_from else None,
                         "wkt": shapely.to_wkt(geometry, rounding_precision=2) if geometry is not None else None}])
    ws = replace(ws, scenario_changes=pd.concat([ws.scenario_changes, row.astype(object)], ignore_index=True))
    _check_scenario(ws, scenario_id)
    return ws


def _check_scenario(ws, scenario_id: str) -> None:
    """A scenario whose result would not be a valid workspace is refused (a field, a vocabulary
    term, a record that is gone: each named)."""
    applied = apply_changes(ws, changes_of(ws, scenario_id))
    problems = [p for p in validate_workspace(applied, "scenario") if p.layer in ("offers", "family_centres")]
    if problems:
        raise ProblemError(problems)


def remove_change(path, scenario_id: str, change_id: str, *, user: str, role: str):
    """Take one change out of a scenario."""
    def change(ws):
        _row(ws, scenario_id)
        table = ws.scenario_changes
        keep = ~((table["scenario_id"] == scenario_id) & (table["change_id"] == change_id))
        if keep.all():
            raise EditError("scenario_changes", change_id, "unknown_record", record=change_id)
        return _bump(replace(ws, scenario_changes=table[keep].reset_index(drop=True)), scenario_id)

    return _transaction(path, role, change)


def update_scenario(path, scenario_id: str, *, user: str, role: str, **values):
    """Rename, describe or share a scenario (``name``, ``description``, ``shared``)."""
    unknown = set(values) - {"name", "description", "shared"}
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")  # a programming error
    return _transaction(path, role, lambda ws: _bump(ws, scenario_id, **values))


def delete_scenario(path, scenario_id: str, *, user: str, role: str):
    """Remove a scenario and its changes (the real data is not touched)."""
    def change(ws):
        _row(ws, scenario_id)
        return replace(ws, scenarios=ws.scenarios[ws.scenarios["scenario_id"] != scenario_id].reset_index(drop=True),
                       scenario_changes=ws.scenario_changes[ws.scenario_changes["scenario_id"] != scenario_id]
                       .reset_index(drop=True))

    return _transaction(path, role, change)


def export_scenario(ws, scenario_id: str) -> bytes:
    """The scenario and its changes as a JSON file (UTF-8)."""
    row = ws.scenarios.loc[_row(ws, scenario_id)]
    changes = ws.scenario_changes[ws.scenario_changes["scenario_id"] == scenario_id]
    changes = changes.assign(_p=pd.to_numeric(changes["position"], errors="coerce")).sort_values("_p")

    def plain(value):
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
            return None
        return value.date().isoformat() if isinstance(value, pd.Timestamp) else value

    document = {
        "format": EXPORT_FORMAT, "version": EXPORT_VERSION, "crs": str(ws.crs.to_string()),
        "municipality": ws.meta.get("municipality_name"),
        "scenario": {k: plain(row[k]) for k in ("name", "description", "shared")},
        "changes": [{"action": c.action, "layer": plain(c.layer), "record_id": plain(c.record_id),
                     "fields": json.loads(c.fields) if isinstance(c.fields, str) and c.fields else None,
                     "valid_from": plain(pd.Timestamp(c.valid_from)) if plain(c.valid_from) else None,
                     "wkt": plain(c.wkt)} for c in changes.itertuples()],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def import_scenario(path, data: bytes, file: str, *, user: str, role: str):
    """A scenario from an exported file, under a new id; returns (workspace, scenario id).
    Bad files are problems naming the file, the change (row) and the field."""
    found = Problems(file)
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        found.add("upload_unreadable", detail=str(exc)[:120])
        found.raise_if_any(ProblemError)
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        found.add("scenario_file_format", field="format")
        found.raise_if_any(ProblemError)
    changes = document.get("changes") or []
    for n, c in enumerate(changes, start=1):
        if not isinstance(c, dict) or c.get("action") not in schema.SCENARIO_ACTIONS:
            found.add("unknown_value", row=n, field="action", value=(c or {}).get("action") if isinstance(c, dict)
                      else c, known=", ".join(schema.SCENARIO_ACTIONS))
        elif c.get("wkt"):
            try:
                shapely.from_wkt(c["wkt"])
            except shapely.errors.GEOSException:
                found.add("scenario_bad_geometry", row=n, field="wkt")
    found.raise_if_any(ProblemError)
    meta = document.get("scenario") or {}
    scenario_id = f"S{uuid.uuid4().hex[:8]}"
    crs = document.get("crs")

    def change(ws):
        if crs and not ws.crs.equals(crs):
            raise ProblemError([problem("scenario_other_crs", file=file, crs=crs)])
        row = pd.DataFrame([{"scenario_id": scenario_id, "name": str(meta.get("name") or file),
                             "description": meta.get("description"), "shared": bool(meta.get("shared", False)),
                             "created_by": user, "created_at": _now(), "version": 1}])
        rows = pd.DataFrame([{"change_id": uuid.uuid4().hex, "scenario_id": scenario_id, "position": n,
                              "action": c["action"], "layer": c.get("layer"), "record_id": c.get("record_id"),
                              "fields": json.dumps(c["fields"], ensure_ascii=False) if c.get("fields") else None,
                              "valid_from": pd.Timestamp(c["valid_from"]) if c.get("valid_from") else None,
                              "wkt": c.get("wkt")} for n, c in enumerate(changes, start=1)],
                            columns=list(ws.scenario_changes.columns))
        return replace(ws, scenarios=pd.concat([ws.scenarios, row.astype(object)], ignore_index=True),
                       scenario_changes=pd.concat([ws.scenario_changes, rows.astype(object)], ignore_index=True))

    return _transaction(path, role, change), scenario_id
