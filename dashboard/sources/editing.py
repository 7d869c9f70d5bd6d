"""Editing offers, Familienzentren and partners with history, roles and lost-update checks.

Every change is one transaction on the workspace (:func:`dashboard.model.store.transaction`:
the whole file under an exclusive lock, or only the changed rows of a database): the record's
``version`` is compared with the version the editor started from (a different version means
someone else saved in between: :class:`ConflictError`, nothing is written), the change is
validated with the whole workspace and written atomically together with its history rows (who,
when, what, old → new). Records are retired, never deleted.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import numpy as np
import pandas as pd
import shapely

from dashboard.model import schema
from dashboard.model.problems import ProblemError, problem
from dashboard.model.store import StaleWrite, save_current
from dashboard.model.workspace import Workspace

ID_COLUMNS = {"offers": "offer_id", "family_centres": "centre_id", "partners": "partner_id"}
"""The layers people edit and import into, with the column holding each record's id."""
STALE_AFTER_DAYS = 548  # about 18 months
GEOMETRY_TOLERANCE_M = 0.5  # metres: a position moved less than this (e.g. WGS84 rounded to 6 decimals) is unchanged


class EditError(ProblemError):
    """A change that cannot be made, as one problem: code 'unknown_record', 'id_exists',
    'denied' or 'conflict' with the layer, the record and the message's parameters."""

    default_code = "unknown_record"

    def __init__(self, layer: str | None = None, record_id: str | None = None, code: str | None = None, **params):
        super().__init__([problem(code or self.default_code, layer=layer, record_id=record_id, **params)])

    @property
    def code(self) -> str:
        return self.problem.code

    @property
    def params(self) -> dict:
        return self.problem.params


class ConflictError(EditError):
    """The record was saved by someone else after the editor opened it (lost update)."""

    default_code = "conflict"


class PermissionDenied(EditError):
    """The role may not make this change."""

    default_code = "denied"


def may_edit(role: str, organisation: str | None, layer: str, record: pd.Series | None) -> bool:
    """Planners edit everything; partners only offers whose ``partner_id`` is their own
    organisation (and add offers for it); viewers nothing."""
    if role == "planner":
        return True
    if role == "partner" and layer == "offers":
        return record is None or may_edit_offers_of(role, organisation, record.get("partner_id"))
    return False


def may_edit_offers_of(role: str, organisation: str | None, partner_id: str | None) -> bool:
    """Whether the role may edit the offers of the organisation ``partner_id``: planners
    always, partners their own organisation's."""
    return role == "planner" or (role == "partner" and organisation is not None and partner_id == organisation)


def version_of(ws: Workspace, layer: str, record_id: str) -> int:
    """The current version of a record (1 for records never edited)."""
    frame = getattr(ws, layer)
    row = frame[frame[ID_COLUMNS[layer]] == record_id]
    if row.empty:
        raise EditError(layer, record_id, "unknown_record", record=record_id)
    value = row["version"].iloc[0] if "version" in row else None
    return 1 if value is None or pd.isna(value) else int(value)


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (tuple, list)):
        return schema.LIST_SEPARATOR.join(map(str, value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, shapely.Geometry):
        return value.wkt
    return str(value)


def form_values(record: pd.Series | None, layer: str) -> dict:
    """The editable fields of a record as the edit form shows them (defaults for a new record,
    ``record`` None): texts "", lists as tuples, flags as bool, capacity None if unknown."""
    def value(col, default=None):
        if record is None or col not in record:
            return default
        v = record[col]
        return default if not isinstance(v, (tuple, list)) and pd.isna(v) else v

    title = "organisation" if layer == "partners" else "name"
    shown = {title: value(title, ""), "address": value("address", ""), "contact_public": value("contact_public", ""),
             "geometry": None if record is None else record.geometry}
    if layer == "offers":
        shown.update({
            "provider": value("provider", ""), "category": value("category", schema.CATEGORIES[0]),
            "topic": value("topic"),
            "life_phases": tuple(value("life_phases", ()) or ()), "sectors": tuple(value("sectors", ()) or ()),
            "audience": tuple(value("audience", ()) or ()), "cost_free": value("cost_free"),
            "barrier_free": value("barrier_free"), "capacity": value("capacity"),  # yes / no / unknown (None)
            "languages": tuple(value("languages", ()) or ()),
        })
    elif layer == "partners":
        shown.update({"sector": value("sector", schema.SECTORS[0]),
                      "legal_domain": value("legal_domain", schema.LEGAL_DOMAINS[0])})
    else:
        shown["provider"] = value("provider", "")
    return shown


def _blank(value) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    if isinstance(value, (tuple, list)):
        return len(value) == 0
    if isinstance(value, shapely.Geometry):
        return value.is_empty
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _items(value) -> tuple:
    return tuple(map(str, value)) if isinstance(value, (tuple, list)) else (str(value),)


def same_value(old, new, tolerance_m: float = GEOMETRY_TOLERANCE_M) -> bool:
    """True if a form value ``new`` says the same as the stored/shown value ``old``: missing,
    "" and () are alike, 12 equals 12.0, lists compare by their items, geometries (metric
    CRS) within ``tolerance_m`` metres of each other are the same place."""
    if _blank(old) or _blank(new):
        return _blank(old) and _blank(new)
    if isinstance(old, shapely.Geometry) or isinstance(new, shapely.Geometry):
        return (isinstance(old, shapely.Geometry) and isinstance(new, shapely.Geometry)
                and old.geom_type == new.geom_type and shapely.hausdorff_distance(old, new) <= tolerance_m)
    if isinstance(old, (tuple, list)) or isinstance(new, (tuple, list)):
        return _items(old) == _items(new)
    if isinstance(old, (bool, np.bool_)) or isinstance(new, (bool, np.bool_)):
        return bool(old) == bool(new)
    if isinstance(old, (int, float, np.number)) and isinstance(new, (int, float, np.number)):
        return float(old) == float(new)
    return _text(old) == _text(new)


def changed_fields(shown: dict, submitted: dict, tolerance_m: float = GEOMETRY_TOLERANCE_M) -> dict:
    """The fields of an edit form whose submitted value differs from the value the form
    showed when it was opened (``shown``; empty for a new record): only what the person
    changed is saved. Empty texts become None."""
    changes = {}
    for name, value in submitted.items():
        if not same_value(shown.get(name), value, tolerance_m):
            changes[name] = None if isinstance(value, str) and not value.strip() else value
    return changes


def _apply(path, layer: str, record_id: str | None, changes: dict, *, user: str, role: str,
           organisation: str | None, expected_version: int | None, action: str, today: date | None = None):
    if layer not in ID_COLUMNS:
        raise ValueError(f"layer must be one of {tuple(ID_COLUMNS)}")  # a programming error, not the user's
    old_version = None

    def change(ws):
        nonlocal record_id, changes, old_version
        frame = getattr(ws, layer).copy()
        id_col = ID_COLUMNS[layer]
        if action == "add":
            record_id = record_id or f"{id_col[0].upper()}{uuid.uuid4().hex[:8]}"
            if (frame[id_col] == record_id).any():
                raise EditError(layer, record_id, "id_exists", record=record_id)
            if not may_edit(role, organisation, layer, None):
                raise PermissionDenied(layer, None, role=role)
            if role == "partner":
                changes = {**changes, "partner_id": organisation}
            new = {c.name: None for c in schema.LAYERS[layer].columns}
            new.update({id_col: record_id, "version": 1, "retired": False})
            frame = pd.concat([frame, pd.DataFrame([new]).astype(object)], ignore_index=True)
            old_version = None
        rows = frame.index[frame[id_col] == record_id]
        if len(rows) == 0:
            raise EditError(layer, record_id, "unknown_record", record=record_id)
        i = rows[0]
        if action != "add":
            record = frame.loc[i]
            if not may_edit(role, organisation, layer, record):
                raise PermissionDenied(layer, record_id, role=role)
            old_version = version_of(ws, layer, record_id)
            if expected_version is not None and expected_version != old_version:
                raise ConflictError(layer, record_id, version=old_version, expected=expected_version)
            if role == "partner" and "partner_id" in changes and changes["partner_id"] != organisation:
                raise PermissionDenied(layer, record_id, role=role)
        known = {c.name for c in schema.LAYERS[layer].columns} | {"geometry"}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")  # a programming error
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        history = []
        for field, value in changes.items():
            old = frame.at[i, field] if field in frame.columns else None
            if same_value(old, value, 0.0):
                continue
            if field == "geometry":
                frame = frame.set_geometry(frame.geometry.astype(object))
                frame.loc[i, "geometry"] = value
            else:
                if field not in frame.columns:
                    frame[field] = None
                frame[field] = frame[field].astype(object)
                frame.at[i, field] = value
            history.append((field, _text(old) if action != "add" else None, _text(value)))
        if action == "add":
            history.insert(0, (None, None, None))
        if not history:
            return None  # nothing changed: nothing to save
        frame["version"] = frame["version"].astype(object) if "version" in frame else None
        frame.at[i, "version"] = (old_version or 0) + 1
        if layer == "offers":
            frame["last_updated"] = frame["last_updated"].astype(object)
            frame.at[i, "last_updated"] = pd.Timestamp(today or date.today())
        rows = pd.DataFrame([{"change_id": uuid.uuid4().hex, "at": at, "user": user, "layer": layer,
                              "record_id": record_id, "action": action, "field": f, "old": o, "new": n}
                             for f, o, n in history])
        return Workspace(**{**ws.__dict__, layer: frame,
                            "history": pd.concat([ws.history, rows], ignore_index=True)})

    try:
        return save_current(path, change)  # computed again when someone else saved in between
    except StaleWrite as exc:  # saved by someone else after each try read the record
        if action == "add":
            raise EditError(layer, record_id, "id_exists", record=record_id) from exc
        raise ConflictError(layer, record_id, version=exc.version, expected=old_version) from exc


def edit_record(path, layer, record_id, changes, *, user, role, organisation=None, expected_version=None):
    """Change fields of a record; ``expected_version`` is the version the editor started from."""
    return _apply(path, layer, record_id, changes, user=user, role=role, organisation=organisation,
                  expected_version=expected_version, action="edit")


def add_record(path, layer, changes, *, user, role, organisation=None, record_id=None):
    """Add a record (a partner's offer belongs to its organisation)."""
    return _apply(path, layer, record_id, changes, user=user, role=role, organisation=organisation,
                  expected_version=None, action="add")


def retire_record(path, layer, record_id, *, user, role, organisation=None, expected_version=None,
                  today: date | None = None):
    """Retire (not delete) a record: flagged retired, an offer ends today."""
    changes = {"retired": True}
    if layer == "offers":
        changes["valid_to"] = pd.Timestamp(today or date.today())
    return _apply(path, layer, record_id, changes, user=user, role=role, organisation=organisation,
                  expected_version=expected_version, action="retire", today=today)


def stale(offers: pd.DataFrame, today: date | None = None, days: int = STALE_AFTER_DAYS) -> np.ndarray:
    """Offers not updated for more than ``days`` days (default about 18 months)."""
    limit = pd.Timestamp(today or date.today()) - pd.Timedelta(days=days)
    return (offers["last_updated"] < limit).to_numpy()


def history_table(ws: Workspace, layer: str | None = None, record_id: str | None = None) -> pd.DataFrame:
    """The change history, newest first, optionally for one layer or record."""
    h = ws.history
    if layer:
        h = h[h["layer"] == layer]
    if record_id:
        h = h[h["record_id"] == record_id]
    return h.sort_values("at", ascending=False).reset_index(drop=True)


