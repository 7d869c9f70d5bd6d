"""Editing offers, Familienzentren and partners with history, roles and lost-update checks.

Every change is one transaction on the workspace file: under an exclusive lock the file is
read, the record's ``version`` is compared with the version the editor started from (a
different version means someone else saved in between: :class:`ConflictError`, nothing is
written), the change is validated with the whole workspace and written atomically together
with its history rows (who, when, what, old → new). Records are retired, never deleted.
"""

from __future__ import annotations

import fcntl
import uuid
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from . import schema
from .workspace import Workspace, read_workspace, write_workspace

LAYERS = {"offers": "offer_id", "family_centres": "centre_id", "partners": "partner_id"}
STALE_AFTER_DAYS = 548  # about 18 months


class EditError(ValueError):
    """A change that cannot be made (unknown record, bad field)."""


class ConflictError(EditError):
    """The record was saved by someone else after the editor opened it (lost update)."""


class PermissionDenied(EditError):
    """The role may not make this change."""


@contextmanager
def _locked(path: Path):
    lock = path.with_name(f".{path.name}.lock")
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def may_edit(role: str, organisation: str | None, layer: str, record: pd.Series | None) -> bool:
    """Planners edit everything; partners only offers whose ``partner_id`` is their own
    organisation (and add offers for it); viewers nothing."""
    if role == "planner":
        return True
    if role == "partner" and layer == "offers":
        return record is None or (organisation is not None and record.get("partner_id") == organisation)
    return False


def version_of(ws: Workspace, layer: str, record_id: str) -> int:
    """The current version of a record (1 for records never edited)."""
    frame = getattr(ws, layer)
    row = frame[frame[LAYERS[layer]] == record_id]
    if row.empty:
        raise EditError(f"unknown {layer} id {record_id!r}")
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


def _apply(path: Path, layer: str, record_id: str | None, changes: dict, *, user: str, role: str,
           organisation: str | None, expected_version: int | None, action: str, today: date | None = None):
    if layer not in LAYERS:
        raise EditError(f"layer must be one of {tuple(LAYERS)}")
    path = Path(path)
    with _locked(path):
        ws = read_workspace(path)
        frame = getattr(ws, layer).copy()
        id_col = LAYERS[layer]
        if action == "add":
            record_id = record_id or f"{id_col[0].upper()}{uuid.uuid4().hex[:8]}"
            if (frame[id_col] == record_id).any():
                raise EditError(f"{layer} id {record_id!r} exists already")
            if not may_edit(role, organisation, layer, None):
                raise PermissionDenied(f"role {role!r} may not add {layer}")
            if role == "partner":
                changes = {**changes, "partner_id": organisation}
            new = {c.name: None for c in schema.LAYERS[layer].columns}
            new.update({id_col: record_id, "version": 1, "retired": False})
            frame = pd.concat([frame, pd.DataFrame([new]).astype(object)], ignore_index=True)
            old_version = None
        rows = frame.index[frame[id_col] == record_id]
        if len(rows) == 0:
            raise EditError(f"unknown {layer} id {record_id!r}")
        i = rows[0]
        if action != "add":
            record = frame.loc[i]
            if not may_edit(role, organisation, layer, record):
                raise PermissionDenied(f"role {role!r} may not change {layer} {record_id!r}")
            old_version = version_of(ws, layer, record_id)
            if expected_version is not None and expected_version != old_version:
                raise ConflictError(f"{layer} {record_id!r} was changed by someone else (version {old_version}, "
                                    f"you started from {expected_version}); reload and apply your change again")
            if role == "partner" and "partner_id" in changes and changes["partner_id"] != organisation:
                raise PermissionDenied("a partner cannot hand an offer to another organisation")
        known = {c.name for c in schema.LAYERS[layer].columns} | {"geometry"}
        unknown = set(changes) - known
        if unknown:
            raise EditError(f"unknown fields: {', '.join(sorted(unknown))}")
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        history = []
        for field, value in changes.items():
            old = frame.at[i, field] if field in frame.columns else None
            if _text(old) == _text(value):
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
            return ws
        frame["version"] = frame["version"].astype(object) if "version" in frame else None
        frame.at[i, "version"] = (old_version or 0) + 1
        if layer == "offers":
            frame["last_updated"] = frame["last_updated"].astype(object)
            frame.at[i, "last_updated"] = pd.Timestamp(today or date.today())
        rows = pd.DataFrame([{"change_id": uuid.uuid4().hex, "at": at, "user": user, "layer": layer,
                              "record_id": record_id, "action": action, "field": f, "old": o, "new": n}
                             for f, o, n in history])
        ws = Workspace(**{**ws.__dict__, layer: frame,
                          "history": pd.concat([ws.history, rows], ignore_index=True)})
        write_workspace(ws, path)  # validates everything first; atomic replace
        return read_workspace(path)


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


