"""The keys a build recipe knows, and the problems for those it does not.

A planner who misspells a key (``unmached`` for ``unmatched``) must hear about it instead of
getting a workspace built without it: :func:`check_keys` reports every unknown key with its
table and the closest known key. The tree below is the one list of the recipe's keys (the
README's table documents them); ``FIELDS`` stands for the schema fields of a layer (the
keys of ``columns``, ``constants``, ``defaults`` and ``map``), ``ANY`` for keys the planner
chooses (file names, source texts).
"""

from __future__ import annotations

import difflib

from dashboard.model import schema
from dashboard.model.problems import Problems

ANY = object()
"""Keys are the planner's own (a file name, a source text): not checked."""
FIELDS = object()
"""Keys are the schema fields of the section's layer."""

_READ = {"file": None, "separator": None, "sheet": None, "header_row": None}
_NUMBERS = {"decimal": None, "thousands": None, "missing": None}
_POINTS = {
    **_READ, "x": None, "y": None, "crs": None, "decimal": None, "thousands": None, "unmatched": None,
    "columns": FIELDS, "constants": FIELDS, "defaults": FIELDS,
    "map": (FIELDS, {"column": None, "values": ANY, "default": None}),
    "geocode": {"address": None, "street": None, "number": None, "postcode": None, "place": None},
}
_BAND = {"name": None, "from": None, "to": None, "column": None, "percent_of": None, "remainder_of": None,
         "minus": None}
KEYS = {
    "workspace": {"municipality_name": None, "ags": None, "data_stand": None, "sources": None, "licences": None,
                  "crs": None, "fictional": None},
    "districts": {"file": None, "id": None, "name": None, "parent_id": None, "parent_name": None, "crs": None,
                  "from_osm": None, "admin_level": None, "grid_m": None},
    "population": {**_READ, **_NUMBERS, "files": None, "kind": None, "format": None, "resolution": None, "x": None, "y": None, "crs": None,
                   "cell_size": None, "total": None, "district": None, "rename": ANY, "bands": [_BAND]},
    "register": {**_READ, **_NUMBERS, "level": None, "id": None, "total": None, "bands": [_BAND],
                 "blocks": {"file": None, "id": None}},
    "offers": _POINTS,
    "family_centres": _POINTS,
    "partners": _POINTS,
    "indicators": {**_READ, **_NUMBERS, "columns": {"district_id": None, "year": None, "indicator": None,
                                                   "value": None},
                   "layout": None, "district": None, "year_column": None, "year": None, "wide": ANY,
                   "catalogue": (ANY, {"label_de": None, "label_en": None, "unit": None, "unit_en": None, "category": None,
                                       "higher_is_need": None, "source": None})},
    "geocoding": {**_READ, "street": None, "number": None, "suffix": None, "postcode": None, "place": None,
                  "x": None, "y": None, "crs": None},
    "streets": {"file": None, "margin_m": None},
}
_LAYER_OF = {"offers": "offers", "family_centres": "family_centres", "partners": "partners"}


def check_keys(recipe: dict, problems: Problems, file: str) -> None:
    """Add a ``recipe_unknown_key`` problem for every key of ``recipe`` the format does not
    know (with the closest known key, if any is close), and ``recipe_not_a_table`` where a
    table was expected and a plain value found."""
    _check(recipe, KEYS, "", None, problems, file)


def _check(value, spec, path: str, layer, problems, file) -> None:
    if spec is None or spec is ANY:
        return
    if isinstance(spec, list):  # an array of tables, e.g. [[population.bands]]
        for item in value if isinstance(value, list) else [value]:
            _check(item, spec[0], path, layer, problems, file)
        return
    if not isinstance(value, dict):
        problems.add("recipe_not_a_table", file=file, field=path, section=path)
        return
    if isinstance(spec, tuple):  # keys chosen from a set (or free), each with the same sub-table
        keys, sub = spec
        known = _field_names(layer) if keys is FIELDS else None
        for key, item in value.items():
            if known is not None and key not in known:
                _unknown(key, known, path, problems, file)
            else:
                _check(item, sub, f"{path}.{key}", layer, problems, file)
        return
    if spec is FIELDS:
        known = _field_names(layer)
        for key in value:
            if key not in known:
                _unknown(key, known, path, problems, file)
        return
    for key, item in value.items():
        if key not in spec:
            _unknown(key, list(spec), path, problems, file)
            continue
        _check(item, spec[key], f"{path}.{key}" if path else key, _LAYER_OF.get(key, layer), problems, file)


def _field_names(layer) -> list[str]:
    return [c.name for c in schema.LAYERS[layer].columns] if layer in schema.LAYERS else []


def _unknown(key: str, known, path: str, problems: Problems, file) -> None:
    close = difflib.get_close_matches(str(key), [str(k) for k in known], n=1, cutoff=0.6)
    problems.add("recipe_unknown_key", file=file, field=str(key), section=path or "–", name=str(key),
                 suggestion=close[0] if close else "", known=", ".join(sorted(map(str, known))))
