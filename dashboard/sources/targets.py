"""Storing the Qualitätskreislauf's own records in the workspace file: targets (Zielwerte),
qualitative assessments of quality goals and comparison values (Referenzwerte).

Targets and assessments are edited like offers: every save is one locked transaction on the
file (read, check the record's version against the one the editor started from, validate the
whole workspace, write atomically) with history rows (who, when, field, old → new); records are
retired, never deleted. Only planners set them. Comparison values are imported from a CSV/XLSX
table (one transaction; a bad row names file, row and field and nothing is written).

What a target means (the rules, also in the README):

* ``measure`` (:data:`dashboard.model.schema.TARGET_MEASURES`) of a district × phase, of the
  city (``district_id`` empty) or of every phase (``phase_id`` empty, counts only);
* the coverage measures (reach, offers and places per 1,000, 2SFCA, offers) need a phase;
* the quality goals' indicators are city-wide (no district, no phase);
* shares are 0–1 (CSV: "80 %" or "0,8"), the rank correlation −1…1, counts and rates ≥ 0;
* ``due``: the day by which the value is to be reached.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.model import schema
from dashboard.model.problems import ProblemError, Problems
from dashboard.model.store import StaleWrite, location_name, save_current
from dashboard.model.workspace import not_retired
from dashboard.sources.editing import ConflictError, EditError, PermissionDenied, _text, same_value

SHARE_MEASURES = ("reach_share", "parents_reach", "outreach_share", "new_offers_high_need", "multi_sector_networks",
                  "inclusion_cost_free", "inclusion_barrier_free", "inclusion_languages")
"""Measures that are shares (0–1)."""
COUNT_MEASURES = ("offers", "gaps", "duplicates", "broken_transitions")
PHASE_MEASURES = ("reach_share", "offers_per_1000", "places_per_1000", "access_2sfca", "offers")
"""Coverage measures: a target on them names a life phase."""
CITY_MEASURES = ("parents_reach", "outreach_share", "need_correlation", "new_offers_high_need",
                 "multi_sector_networks", "inclusion_cost_free", "inclusion_barrier_free", "inclusion_languages")
"""The quality goals' indicators: city-wide targets only."""
TARGET_FIELDS = ("district_id", "phase_id", "measure", "value", "due", "note")
ASSESSMENT_FIELDS = ("goal", "district_id", "rating", "note", "assessed_on")
ID_COLUMNS = {"targets": "target_id", "assessments": "assessment_id"}


def may_set_targets(role: str) -> bool:
    """Only planners set targets and assessments and import comparison values."""
    return role == "planner"


def current(frame: pd.DataFrame) -> pd.DataFrame:
    """The records not retired."""
    return not_retired(frame)


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or (isinstance(value, str) and not value.strip())


def parse_value(text, measure: str) -> float | None:
    """A target value as planners write it: "80 %", "0,8", "0.8", "12" → float (shares 0–1);
    None when unreadable."""
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        return float(text)
    raw = str(text or "").strip().replace("\u00a0", " ")
    percent = raw.endswith("%")
    raw = raw.rstrip("%").strip().replace(" ", "")
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        return None
    return value / 100.0 if percent else value


def parse_day(text) -> date | None:
    """A day as YYYY-MM-DD or DD.MM.YYYY; None when unreadable."""
    if isinstance(text, (date, pd.Timestamp)):
        return pd.Timestamp(text).date()
    raw = str(text or "").strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def check_target(ws, values: dict, found: Problems, row: int | None = None, record_id: str | None = None) -> dict:
    """The target ``values`` checked and typed (see the module doc); problems name the field."""
    out = {}
    where = {"layer": "targets", "row": row, "record_id": record_id}
    measure = str(values.get("measure") or "").strip()
    if measure not in schema.TARGET_MEASURES:
        found.add("unknown_value" if measure else "missing_value", field="measure", value=measure,
                  known=", ".join(schema.TARGET_MEASURES), **where)
    district = None if _blank(values.get("district_id")) else str(values["district_id"]).strip()
    if district is not None and district not in set(ws.districts["district_id"]):
        by_name = ws.districts.loc[ws.districts["name"] == district, "district_id"]
        if len(by_name) == 1:
            district = by_name.iloc[0]
        else:
            found.add("unknown_reference", field="district_id", value=district, target="districts", **where)
    phase = None if _blank(values.get("phase_id")) else str(values["phase_id"]).strip()
    if phase is not None and phase not in set(ws.life_phases["phase_id"]):
        found.add("unknown_life_phase", field="phase_id", value=phase,
                  known=", ".join(ws.life_phases["phase_id"]), **where)
    if measure in PHASE_MEASURES and phase is None:
        found.add("target_needs_phase", field="phase_id", measure=measure, **where)
    if measure in CITY_MEASURES and (district is not None or phase is not None):
        found.add("target_city_only", field="district_id" if district is not None else "phase_id",
                  measure=measure, **where)
    value = None if _blank(values.get("value")) else parse_value(values.get("value"), measure)
    if _blank(values.get("value")):
        found.add("missing_value", field="value", **where)
    elif value is None or not np.isfinite(value):
        found.add("not_a_number", field="value", value=values.get("value"), **where)
    else:
        low, high = (0.0, 1.0) if measure in SHARE_MEASURES else (-1.0, 1.0) if measure == "need_correlation" \
            else (0.0, None)
        if value < low or (high is not None and value > high):
            found.add("target_value_range", field="value", value=value, low=low,
                      high="∞" if high is None else high, **where)
        if measure in COUNT_MEASURES and value != int(value):
            found.add("target_value_range", field="value", value=value, low=low, high="∞", **where)
    due = parse_day(values.get("due"))
    if due is None:
        found.add("not_a_date" if not _blank(values.get("due")) else "missing_value", field="due",
                  value=values.get("due"), **where)
    note = None if _blank(values.get("note")) else str(values["note"]).strip()
    out.update(district_id=district, phase_id=phase, measure=measure, value=value,
               due=None if due is None else pd.Timestamp(due), note=note)
    return out


def check_assessment(values: dict, found: Problems, row: int | None = None, ws=None) -> dict:
    """An assessment's ``values`` checked and typed; problems name the field."""
    where = {"layer": "assessments", "row": row}
    goal = str(values.get("goal") or "").strip()
    if goal not in schema.QUALITY_GOALS:
        found.add("unknown_value", field="goal", value=goal, known=", ".join(schema.QUALITY_GOALS), **where)
    rating = str(values.get("rating") or "").strip()
    if rating not in schema.ASSESSMENT_RATINGS:
        found.add("unknown_value" if rating else "missing_value", field="rating", value=rating,
                  known=", ".join(schema.ASSESSMENT_RATINGS), **where)
    district = None if _blank(values.get("district_id")) else str(values["district_id"]).strip()
    if district is not None and ws is not None and district not in set(ws.districts["district_id"]):
        found.add("unknown_reference", field="district_id", value=district, target="districts", **where)
    note = None if _blank(values.get("note")) else str(values["note"]).strip()
    if note is None:
        found.add("assessment_needs_note", field="note", **where)
    day = parse_day(values.get("assessed_on"))
    if day is None:
        found.add("not_a_date" if not _blank(values.get("assessed_on")) else "missing_value", field="assessed_on",
                  value=values.get("assessed_on"), **where)
    return {"goal": goal, "district_id": district, "rating": rating, "note": note,
            "assessed_on": None if day is None else pd.Timestamp(day)}


def _save(path, layer: str, records: list[tuple[str | None, dict, int | None]], *, user: str, role: str,
          action: str, file: str | None = None, check=None):
    """One transaction: ``records`` are (record id or None for a new one, values, expected
    version); values are checked with ``check(ws, values, found, row)`` on the file's current
    state. History rows for every changed field. Returns (workspace, ids)."""
    if not may_set_targets(role):
        raise PermissionDenied(layer, None, role=role)
    id_col = ID_COLUMNS[layer]
    by, on = ("set_by", "set_on") if layer == "targets" else ("assessed_by", None)
    ids: list[str] = []

    def change(ws):
        nonlocal ids
        frame = getattr(ws, layer).copy().astype(object)
        found = Problems(file or location_name(path))
        checked = []
        for n, (record_id, values, _) in enumerate(records):
            row = n + 2 if file else None  # CSV rows: the header is row 1
            checked.append(check(ws, values, found, row) if check else values)
        found.raise_if_any(ProblemError)
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        history, ids = [], []  # afresh on every try
        for (record_id, _, expected), values in zip(records, checked):
            if record_id is None:
                record_id = f"{'Z' if layer == 'targets' else 'E'}{uuid.uuid4().hex[:8]}"
                new = {c.name: None for c in schema.LAYERS[layer].columns}
                new.update({id_col: record_id, "version": 0, "retired": False})
                frame = pd.concat([frame, pd.DataFrame([new]).astype(object)], ignore_index=True)
                history.append((record_id, "add", None, None, None))
            rows = frame.index[frame[id_col] == record_id]
            if not len(rows):
                raise EditError(layer, record_id, "unknown_record", record=record_id)
            i = rows[0]
            version = int(pd.to_numeric(frame.at[i, "version"], errors="coerce") or 0)
            if expected is not None and expected != version:
                raise ConflictError(layer, record_id, version=version, expected=expected)
            changed = False
            for name, value in {**values, by: user, **({on: pd.Timestamp(date.today())} if on else {})}.items():
                old = frame.at[i, name]
                if same_value(old, value, 0.0):
                    continue
                frame.at[i, name] = value
                if name not in (by, on):
                    changed = True
                    history.append((record_id, action, name, None if action == "add" else _text(old), _text(value)))
            if changed or action == "add":
                frame.at[i, "version"] = version + 1
            ids.append(record_id)
        if not history:
            return None  # nothing changed: nothing to save
        rows = pd.DataFrame([{"change_id": uuid.uuid4().hex, "at": at, "user": user, "layer": layer,
                              "record_id": r, "action": a, "field": f, "old": o, "new": n}
                             for r, a, f, o, n in history])
        return replace(ws, **{layer: frame, "history": pd.concat([ws.history, rows], ignore_index=True)})

    try:
        return save_current(path, change), ids  # computed again when someone else saved in between
    except StaleWrite as exc:
        raise ConflictError(layer, exc.record_id, version=exc.version, expected=exc.expected) from exc


def set_target(path, values: dict, *, user: str, role: str, target_id: str | None = None,
               expected_version: int | None = None):
    """Add a target (``target_id`` None) or change one; ``values`` holds :data:`TARGET_FIELDS`.
    Returns (workspace, target id)."""
    ws, ids = _save(path, "targets", [(target_id, values, expected_version)], user=user, role=role,
                    action="add" if target_id is None else "edit", check=check_target)
    return ws, ids[0]


def retire_target(path, target_id: str, *, user: str, role: str, expected_version: int | None = None):
    """Retire a target (it stays in the file with its history)."""
    ws, _ = _save(path, "targets", [(target_id, {"retired": True}, expected_version)], user=user, role=role,
                  action="retire")
    return ws


def read_target_table(name: str, data: bytes) -> list[dict]:
    """Targets from an uploaded CSV/XLSX (columns ``district_id`` (id or name, empty: city),
    ``phase_id``, ``measure``, ``value``, ``due``, ``note``, optional ``target_id`` to change one):
    one dict per row."""
    from dashboard.sources.importer import read_upload

    table = read_upload(name, data)
    table.columns = [str(c).strip().lower() for c in table.columns]
    return [{k: (None if _blank(v) else v) for k, v in row.items()} for row in table.to_dict("records")]


def import_targets(path, name: str, data: bytes, *, user: str, role: str):
    """Every row of the table a target, all in one transaction (a bad row: nothing is written,
    the problems name file, row and field). Returns (workspace, target ids)."""
    rows = read_target_table(name, data)
    found = Problems(Path(name).name)
    required = ("measure", "value", "due")
    for column in required:
        if rows and column not in rows[0]:
            found.add("column_missing", layer="targets", field=column)
    if not rows:
        found.add("missing_value", layer="targets", field="measure")
    found.raise_if_any(ProblemError)
    records = [(row.get("target_id"), {k: row.get(k) for k in TARGET_FIELDS}, None) for row in rows]
    return _save(path, "targets", records, user=user, role=role, action="import", file=Path(name).name,
                 check=check_target)


def set_assessment(path, values: dict, *, user: str, role: str, assessment_id: str | None = None,
                   expected_version: int | None = None):
    """Add or change a planner's assessment of a quality goal (rating, note, day)."""
    ws, ids = _save(path, "assessments", [(assessment_id, values, expected_version)], user=user, role=role,
                    action="add" if assessment_id is None else "edit",
                    check=lambda ws, v, found, row: check_assessment(v, found, row, ws))
    return ws, ids[0]


def import_reference_values(path, name: str, data: bytes, *, user: str, role: str, replace_all: bool = False):
    """Comparison values from a CSV/XLSX (columns ``area``, ``measure``, ``phase_id`` (may be
    empty), ``year``, ``value`` (empty or a secrecy marker: withheld), ``source``); added to the
    stored ones (a row for the same area, measure, phase and year replaces the old one), or
    replacing all with ``replace_all``. One transaction; bad rows named, nothing written."""
    from dashboard.sources.importer import read_upload
    from dashboard.sources.tables import to_number

    if not may_set_targets(role):
        raise PermissionDenied("reference_values", None, role=role)
    file = Path(name).name
    table = read_upload(name, data)
    table.columns = [str(c).strip().lower() for c in table.columns]
    found = Problems(file)
    for column in ("area", "measure", "year", "value"):
        if column not in table.columns:
            found.add("column_missing", layer="reference_values", field=column)
    found.raise_if_any(ProblemError)
    rows = np.arange(len(table)) + 2
    area = table["area"].astype(str).str.strip()
    for i in np.flatnonzero((area == "").to_numpy()):
        found.add("missing_value", layer="reference_values", row=rows[i], field="area")
    measure = table["measure"].astype(str).str.strip()
    for i in np.flatnonzero(~measure.isin(schema.TARGET_MEASURES).to_numpy()):
        found.add("unknown_value", layer="reference_values", row=rows[i], field="measure", value=measure.iloc[i],
                  known=", ".join(schema.TARGET_MEASURES))
    year = pd.to_numeric(table["year"].astype(str).str.strip(), errors="coerce")
    for i in np.flatnonzero((year.isna() | (year != year.round())).to_numpy()):
        found.add("not_a_number", layer="reference_values", row=rows[i], field="year", value=table["year"].iloc[i])
    percent = table["value"].astype(str).str.strip().str.endswith("%")
    value, bad = to_number(table["value"].astype(str).str.rstrip().str.rstrip("%"), decimal="auto")
    for i in np.flatnonzero(bad):
        found.add("not_a_number", layer="reference_values", row=rows[i], field="value", value=table["value"].iloc[i])
    value = value.where(~percent, value / 100.0)
    phase = table["phase_id"].astype(str).str.strip() if "phase_id" in table.columns else pd.Series("", index=table.index)
    source = table["source"].astype(str).str.strip() if "source" in table.columns else pd.Series("", index=table.index)
    found.raise_if_any(ProblemError)
    new = pd.DataFrame({"area": area, "measure": measure, "phase_id": phase.replace("", None),
                        "year": year.astype(int), "value": value.astype(float),
                        "source": source.replace("", None)}).astype(object)
    def change(ws):
        unknown = new["phase_id"].notna() & ~new["phase_id"].isin(set(ws.life_phases["phase_id"]))
        for i in np.flatnonzero(unknown.to_numpy()):
            found.add("unknown_life_phase", layer="reference_values", row=rows[i], field="phase_id",
                      value=new["phase_id"].iloc[i], known=", ".join(ws.life_phases["phase_id"]))
        found.raise_if_any(ProblemError)
        old = ws.reference_values.astype(object)
        if not replace_all and len(old):
            key = ["area", "measure", "phase_id", "year"]
            mine = pd.MultiIndex.from_frame(new[key].fillna(""))
            old = old[~pd.MultiIndex.from_frame(old[key].fillna("").astype({"year": int})).isin(mine)]
        table = pd.concat([old, new], ignore_index=True) if len(old) else new
        return replace(ws, reference_values=table.reset_index(drop=True))

    try:
        return save_current(path, change)  # unknown phases are named by the validation; atomic replace
    except StaleWrite as exc:
        raise ConflictError("reference_values", None, version=exc.version, expected=exc.expected) from exc
