"""Coerce raw layer tables to typed frames and collect every problem at once.

Vectorised: masks are computed per column; only the (few) bad rows are visited to
build messages.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from dashboard.model import schema
from dashboard.model.problems import Problems

_TRUE = {"1", "1.0", "true", "ja", "yes", "wahr", "j", "y", "x"}
_FALSE = {"0", "0.0", "false", "nein", "no", "falsch", "n", ""}
_UNKNOWN = {"unbekannt", "unknown", "?", "k.a.", "k. a.", "nan", "none"}
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class Collector(Problems):
    """Collects problems for one file; row numbers come from the frame's index."""

    def at(self, layer, code, row=None, field=None, record_id=None, **params):
        """A problem in ``layer`` (a missing id is left out)."""
        self.add(code, layer=layer, row=row, field=field,
                 record_id=None if record_id is None or pd.isna(record_id) else record_id, **params)

    def add_rows(self, df, layer, mask, code, field=None, params=None):
        """One problem per row where ``mask`` is true; ``params(row_label)`` gives params."""
        spec = schema.LAYERS.get(layer)
        id_col = spec.id_column if spec else None
        for label in df.index[np.asarray(mask, dtype=bool)]:
            rid = df.at[label, id_col] if id_col and id_col in df.columns else None
            self.at(layer, code, row=label, field=field, record_id=rid,
                     **(params(label) if params else {}))


def _blank(series: pd.Series) -> np.ndarray:
    s = series.astype("object")
    return (s.isna() | s.map(lambda v: isinstance(v, str) and not v.strip())).to_numpy(bool)


def split_list(value) -> tuple[str, ...]:
    """'a; b;c' -> ('a', 'b', 'c'); lists and tuples pass through; missing -> ()."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ()
    return tuple(p.strip() for p in str(value).split(schema.LIST_SEPARATOR) if p.strip())


def _meta_dict(meta) -> dict:
    if meta is None or not {"key", "value"} <= set(meta.columns):
        return {}
    return dict(zip(meta["key"].astype(str), meta["value"]))


def _coerce_column(df, layer, col, out, vocab, ok):
    name, kind = col.name, col.kind
    raw = df[name]
    blank = _blank(raw)
    if kind == "str":
        values = raw.astype("object").where(~blank, None)
        values = values.map(lambda v: v.strip() if isinstance(v, str) else (None if v is None else str(v)))
        out[name] = values
    elif kind in ("int", "float"):
        num = pd.to_numeric(raw.astype("object").where(~blank, None), errors="coerce")
        bad = ~blank & num.isna().to_numpy()
        out.add_rows(df, layer, bad, "not_a_number", name, lambda i: {"value": raw[i]})
        out[name] = num.round().astype("Int64") if kind == "int" else num.astype("float64")
        blank = blank | bad
    elif kind == "bool":
        text = raw.astype("object").map(lambda v: str(v).strip().lower() if not (v is None or
                                        (isinstance(v, float) and np.isnan(v))) else "")
        is_true, is_false = text.isin(_TRUE).to_numpy(), text.isin(_FALSE).to_numpy()
        if col.nullable:  # yes / no / unknown: blank is unknown, not no
            unknown = blank | text.isin(_UNKNOWN).to_numpy()
            is_false = is_false & ~unknown
            bad = ~(is_true | is_false | unknown)
            out.add_rows(df, layer, bad, "not_a_bool", name, lambda i: {"value": raw[i]})
            out[name] = pd.Series(np.where(is_true, True, np.where(is_false, False, None)), index=raw.index,
                                  dtype=object)
        else:
            bad = ~(is_true | is_false) & ~blank
            out.add_rows(df, layer, bad, "not_a_bool", name, lambda i: {"value": raw[i]})
            out[name] = is_true
    elif kind == "date":
        if pd.api.types.is_datetime64_any_dtype(raw):
            dates = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) else raw
        else:
            dates = pd.to_datetime(raw.astype("object").where(~blank, None).map(
                lambda v: str(v)[:10] if v is not None else None), format="%Y-%m-%d", errors="coerce")
        bad = ~blank & dates.isna().to_numpy()
        out.add_rows(df, layer, bad, "not_a_date", name, lambda i: {"value": raw[i]})
        out[name] = dates.dt.normalize().astype("datetime64[ns]")
        blank = blank | bad
    elif kind == "list":
        lists = raw.map(split_list)
        out[name] = lists
        blank = (lists.map(len) == 0).to_numpy()
        if vocab is not None:
            known = vocab
            for label, items in lists.items():
                for item in items:
                    if item not in known:
                        code = "unknown_life_phase" if col.vocab == "life_phases" else "unknown_value"
                        rid = df.at[label, ok] if ok and ok in df.columns else None
                        out.collector.at(layer, code, row=label, field=name, record_id=rid,
                                          value=item, known=", ".join(known))
    if not col.nullable:
        out.add_rows(df, layer, blank, "value_missing", name)
    if kind == "str" and vocab is not None:
        bad = ~blank & ~out[name].isin(list(vocab)).to_numpy()
        code = "unknown_life_phase" if col.vocab == "life_phases" else "unknown_value"
        out.add_rows(df, layer, bad, code, name,
                     lambda i: {"value": out[name][i], "known": ", ".join(vocab)})


class _Out(dict):
    """Typed columns of one layer plus the collector (tiny helper for _coerce_column)."""

    def __init__(self, collector):
        super().__init__()
        self.collector = collector

    def add_rows(self, *args, **kwargs):
        self.collector.add_rows(*args, **kwargs)


def _check_geometry(df, layer, spec, c: Collector) -> None:
    geom = df.geometry
    arr = geom.to_numpy()
    missing = shapely.is_missing(arr)
    if not spec.geometry_optional:
        c.add_rows(df, layer, missing, "geometry_missing", "geometry")
    present = ~missing
    empty = present & shapely.is_empty(arr)
    c.add_rows(df, layer, empty, "geometry_empty", "geometry")
    good = present & ~empty
    types = shapely.get_type_id(arr)
    wanted = {"Point": (0,), "LineString": (1,), "Polygon": (3, 6)}[spec.geometry]
    wrong = good & ~np.isin(types, wanted)
    names = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint",
                      "MultiLineString", "MultiPolygon", "GeometryCollection"])
    c.add_rows(df, layer, wrong, "geometry_type", "geometry",
               lambda i: {"found": names[shapely.get_type_id(geom[i])], "expected": spec.geometry})
    invalid = good & ~wrong & ~shapely.is_valid(arr)
    c.add_rows(df, layer, invalid, "geometry_invalid", "geometry",
               lambda i: {"detail": shapely.is_valid_reason(geom[i])})


def _check_crs(df, layer, c: Collector, expected) -> None:
    crs = df.crs
    if crs is None:
        c.at(layer, "crs_missing", field="geometry")
        return
    crs = CRS.from_user_input(crs)
    if not crs.is_projected or crs.axis_info[0].unit_name not in ("metre", "meter"):
        c.at(layer, "crs_not_metric", field="geometry", crs=crs.to_string())
    elif expected is not None and not crs.equals(expected):
        c.at(layer, "crs_mismatch", field="geometry", crs=crs.to_string(), expected=expected.to_string())


def _numbered(df: pd.DataFrame) -> pd.DataFrame:
    """Index rows by their 1-based feature number (keeps a GeoPackage fid index)."""
    if df.index.name == "fid":
        return df
    df = df.copy()
    df.index = pd.RangeIndex(1, len(df) + 1, name="fid")
    return df


def validate_tables(tables: dict[str, pd.DataFrame], file: str) -> tuple[dict, list]:
    """Type and check raw layer tables; returns (typed tables, all problems).

    ``tables`` maps layer names to DataFrames (GeoDataFrames for spatial layers) as read
    from the file or built in memory. Typed tables have lists as tuples, dates as
    datetime64, bools as bool, and a 1-based 'fid' index.
    """
    c = Collector(file)
    for name, spec in schema.LAYERS.items():
        if spec.required and name not in tables:
            c.at(name, "layer_missing")
    if "population_cells" not in tables and "population_districts" not in tables:
        c.at(None, "no_population")

    typed: dict[str, pd.DataFrame] = {}
    # Vocabularies: life phases come from the workspace itself.
    phases = tables.get("life_phases")
    known_phases = tuple(phases["phase_id"].astype(str)) if phases is not None and "phase_id" in phases else ()
    vocabs = {
        "life_phases": known_phases,
        "sectors": schema.SECTORS,
        "categories": schema.CATEGORIES,
        "audiences": schema.AUDIENCES,
        "legal_domains": schema.LEGAL_DOMAINS,
        "scenario_actions": schema.SCENARIO_ACTIONS,
        "target_measures": schema.TARGET_MEASURES,
        "quality_goals": schema.QUALITY_GOALS,
        "assessment_ratings": schema.ASSESSMENT_RATINGS,
        "topics": schema.topics_of(_meta_dict(tables.get("meta"))),
    }
    district_crs = None
    if "districts" in tables and getattr(tables["districts"], "crs", None) is not None:
        district_crs = CRS.from_user_input(tables["districts"].crs)

    bands = tables.get("age_bands")
    band_columns = tuple(bands["column"].astype(str)) if bands is not None and "column" in bands else ()

    for name, spec in schema.LAYERS.items():
        if name not in tables:
            continue
        df = _numbered(tables[name])
        columns = list(spec.columns)
        if name in ("population_cells", "population_districts", "population_years"):
            # an empty population_years layer need not carry the age bands
            required = name != "population_years" or len(df) > 0
            columns += [schema.Column(b, "float", required=required, nullable=True) for b in band_columns]
        missing = [col.name for col in columns if col.required and col.name not in df.columns]
        for col in missing:
            c.at(name, "column_missing", field=col)
        out = _Out(c)
        for col in columns:
            if col.name not in df.columns:
                continue
            _coerce_column(df, name, col, out, vocabs.get(col.vocab) if col.vocab else None, spec.id_column)
        for extra in df.columns:
            if extra not in out and extra != "geometry":
                out[extra] = df[extra]
        frame = pd.DataFrame(out, index=df.index)
        if spec.geometry:
            import geopandas as gpd

            if not isinstance(df, gpd.GeoDataFrame) or df.geometry is None:
                c.at(name, "column_missing", field="geometry")
                typed[name] = frame
                continue
            _check_crs(df, name, c, district_crs if name != "districts" else None)
            _check_geometry(df, name, spec, c)
            frame = gpd.GeoDataFrame(frame, geometry=df.geometry.to_numpy(), crs=df.crs)
        if spec.id_column and spec.id_column in frame.columns:
            ids = frame[spec.id_column]
            dup = ids.duplicated(keep="first") & ids.notna()
            first = {v: i for i, v in zip(frame.index[::-1], ids[::-1])}
            c.add_rows(frame, name, dup.to_numpy(), "duplicate_id", spec.id_column,
                       lambda i: {"value": frame.at[i, spec.id_column], "other": first[frame.at[i, spec.id_column]]})
        typed[name] = frame

    _check_layer_rules(typed, c, band_columns)
    return typed, c.items


def _check_population_years(t: dict, c: Collector) -> None:
    """Other years' population: each (year, unit) once, each unit a cell (or district) of the
    main population layer, and the main layers' year given in meta 'population_year'."""
    years = t.get("population_years")
    if years is None or not len(years) or not {"year", "unit_id"} <= set(years.columns):
        return
    dup = years.duplicated(["year", "unit_id"], keep="first").to_numpy()
    c.add_rows(years, "population_years", dup, "duplicate_id", "unit_id",
               lambda i: {"value": f"{years.at[i, 'year']}/{years.at[i, 'unit_id']}", "other": "–"})
    cells, districts = t.get("population_cells"), t.get("population_districts")
    main, col, target = ((cells, "cell_id", "population_cells") if cells is not None
                         else (districts, "district_id", "population_districts"))
    if main is not None and col in main.columns:
        bad = (years["unit_id"].notna() & ~years["unit_id"].isin(set(main[col].dropna()))).to_numpy()
        c.add_rows(years, "population_years", bad, "unknown_reference", "unit_id",
                   lambda i: {"value": years.at[i, "unit_id"], "target": target})
    meta = t.get("meta")
    given = dict(zip(meta["key"], meta["value"])).get("population_year") if meta is not None and "key" in meta else None
    try:
        int(str(given))
    except ValueError:
        rows = meta.index[meta["key"] == "population_year"] if meta is not None and "key" in meta else []
        c.at("meta", "population_year_missing", row=rows[0] if len(rows) else None, field="value", found=given)


def _check_quality_meta(t: dict, c: Collector) -> None:
    """The quality goals' settings in meta (dashboard.analysis.quality.QualityParams.from_meta)."""
    meta = t.get("meta")
    if meta is None or not {"key", "value"} <= set(meta.columns):
        return
    given = dict(zip(meta["key"], meta["value"]))
    rows = {k: i for i, k in zip(meta.index, meta["key"])}
    phases = t.get("life_phases")
    known = set(phases["phase_id"]) if phases is not None and "phase_id" in phases else set()
    checks = {
        "quality_parents_phases": (lambda v: v in known, ", ".join(sorted(known))),
        "quality_high_need_classes": (lambda v: v in ("1", "2", "3", "4", "5"), "1, 2, 3, 4, 5"),
        "quality_need_supply": (lambda v: v in ("offers_per_1000", "access_2sfca"), "offers_per_1000, access_2sfca"),
    }
    for key, (ok, allowed) in checks.items():
        for item in (v.strip() for v in str(given.get(key) or "").split(";") if v.strip()):
            if not ok(item):
                c.at("meta", "unknown_value", row=rows.get(key), field=key, value=item, known=allowed)


def _check_layer_rules(t: dict, c: Collector, band_columns) -> None:
    """Rules across columns and layers: counts, ages, colours, references, locations."""
    meta = t.get("meta")
    if meta is not None and {"key", "value"} <= set(meta.columns):
        version = dict(zip(meta["key"], meta["value"])).get("schema_version")
        if version is None or str(version).split(".")[0] != schema.SCHEMA_VERSION.split(".")[0]:
            rows = meta.index[meta["key"] == "schema_version"]
            c.at("meta", "schema_version", row=rows[0] if len(rows) else None, field="value",
                  found=version, expected=schema.SCHEMA_VERSION)

    _check_quality_meta(t, c)
    for name in ("population_cells", "population_districts", "population_years"):
        df = t.get(name)
        if df is None:
            continue
        for band in band_columns:
            if band in df.columns:
                values = pd.to_numeric(df[band], errors="coerce")
                c.add_rows(df, name, (values < 0).to_numpy(), "negative_count", band,
                           lambda i, b=band: {"value": df.at[i, b]})

    for name in ("life_phases", "age_bands"):
        df = t.get(name)
        if df is None or not {"age_from", "age_to"} <= set(df.columns):
            continue
        lo, hi = df["age_from"].astype(float), df["age_to"].astype(float)
        bad = (lo < 0) | (hi.notna() & (hi <= lo))
        c.add_rows(df, name, bad.to_numpy(), "bad_age_range", "age_to",
                   lambda i: {"start": df.at[i, "age_from"], "end": df.at[i, "age_to"]})
    phases = t.get("life_phases")
    if phases is not None and "colour" in phases:
        bad = ~phases["colour"].map(lambda v: bool(_COLOUR.match(str(v)))).to_numpy()
        c.add_rows(phases, "life_phases", bad, "bad_colour", "colour", lambda i: {"value": phases.at[i, "colour"]})

    edges = t.get("street_edges")
    if edges is not None and "length_m" in edges.columns:
        bad = ~(edges["length_m"] > 0).fillna(False).to_numpy(bool) & edges["length_m"].notna().to_numpy()
        c.add_rows(edges, "street_edges", bad, "street_length", "length_m", lambda i: {"value": edges.at[i, "length_m"]})

    offers = t.get("offers")
    for name in ("offers", "family_centres"):
        df = t.get(name)
        if df is not None and {"valid_from", "valid_to"} <= set(df.columns):
            bad = (df["valid_from"] > df["valid_to"]).to_numpy()
            c.add_rows(df, name, bad, "date_order", "valid_to",
                       lambda i, df=df: {"start": df.at[i, "valid_from"].date(), "end": df.at[i, "valid_to"].date()})
    _check_population_years(t, c)

    def ids(layer, col):
        df = t.get(layer)
        return set(df[col].dropna()) if df is not None and col in df.columns else None

    for (layer, col), (target, tcol) in schema.REFERENCES.items():
        df, known = t.get(layer), ids(target, tcol)
        if df is None or col not in df.columns or known is None:
            continue
        bad = (df[col].notna() & ~df[col].isin(known)).to_numpy()
        c.add_rows(df, layer, bad, "unknown_reference", col, lambda i: {"value": df.at[i, col], "target": target})

    districts = ids("districts", "district_id")
    if offers is not None and "service_area" in offers.columns and districts is not None:
        allowed = districts | {schema.CITY_WIDE}
        for label, area in offers["service_area"].items():
            for item in area:
                if item not in allowed:
                    c.at("offers", "unknown_reference", row=label, field="service_area",
                          record_id=offers.at[label, "offer_id"] if "offer_id" in offers else None,
                          value=item, target="districts")
        if hasattr(offers, "geometry") and "geometry" in offers:
            no_loc = shapely.is_missing(offers.geometry.to_numpy()) & (offers["service_area"].map(len) == 0).to_numpy()
            c.add_rows(offers, "offers", no_loc, "no_location", "geometry")

    d = t.get("districts")
    if d is None or not hasattr(d, "geometry") or "geometry" not in d or d.crs is None:
        return
    polys = d.geometry.to_numpy()
    usable = ~shapely.is_missing(polys)
    usable[usable] = shapely.is_valid(polys[usable]) & ~shapely.is_empty(polys[usable])
    if not usable.any():
        return
    area = shapely.union_all(polys[usable])
    shapely.prepare(area)
    for layer in ("offers", "family_centres", "partners"):
        df = t.get(layer)
        if df is None or not hasattr(df, "geometry") or "geometry" not in df or df.crs is None:
            continue
        if not CRS.from_user_input(df.crs).equals(CRS.from_user_input(d.crs)):
            continue
        pts = df.geometry.to_numpy()
        ok = ~shapely.is_missing(pts)
        ok[ok] = ~shapely.is_empty(pts[ok])
        inside = np.ones(len(pts), bool)
        inside[ok] = shapely.intersects(area, pts[ok])
        dist = np.zeros(len(pts))
        dist[~inside] = shapely.distance(area, pts[~inside])
        outside = ~inside & (dist > schema.OUTSIDE_TOLERANCE_M)
        positions = {label: k for k, label in enumerate(df.index)}
        c.add_rows(df, layer, outside, "outside_municipality", "geometry",
                   lambda i: {"distance": dist[positions[i]]})
