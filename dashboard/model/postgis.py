"""Workspace back end on PostgreSQL/PostGIS: one schema per municipality, several app servers.

A workspace is addressed by a URL, ``postgresql://user@host:port/db?schema=arnsberg``; the
database may hold several municipalities as schemas. Each layer of :mod:`dashboard.model.schema`
is a table of the same name (typed columns; lists as ``;``-joined text as in the GeoPackage;
geometries as PostGIS geometries in the workspace's metric CRS); ``meta`` is a key/value table.
Besides them the schema holds:

- ``atlas_schema_version``: the migrations applied (:data:`MIGRATIONS`); a database is
  upgraded on first use by a newer program, in one transaction (never half-migrated);
- ``atlas_layers``: which optional layers and columns the workspace has (a GeoPackage may lack
  optional columns; a round trip keeps that), and a change counter per layer;
- ``atlas_counter``: the change counter of the whole workspace, bumped by every write
  transaction as its last statement: caches are keyed on it (:func:`change_counter`);
- ``atlas_secret``: the cell-key secret (the GeoPackage keeps it in a file beside it).

Writes are row-level transactions (:func:`save_changes`, used through
:func:`dashboard.model.store.transaction`): only the records that changed are written, each
versioned record is locked (``SELECT … FOR UPDATE``) and its version compared with the version
the change was computed from; a difference raises :class:`StaleWrite` and nothing is written.
Editing one offer does not wait for an edit of another.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.model import schema
from dashboard.model.problems import Problem, WorkspaceError

log = logging.getLogger("praeventionsatlas")

URL_SCHEMES = ("postgresql", "postgres")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
PG_TYPES = {"str": "text", "list": "text", "date": "date", "int": "bigint", "float": "double precision",
            "bool": "boolean"}
GEOMETRY_TYPES = {"Polygon": "MultiPolygon", "Point": "Point", "LineString": "LineString"}
POOL_SIZE = 8  # connections per app process and database
CONNECT_TIMEOUT_S = 10
LOCK_TIMEOUT_S = 30  # how long a save waits for a record or lock someone else holds before it gives up (s)


def is_database_url(location) -> bool:
    """Whether ``location`` names a database workspace (a URL or a :class:`DatabaseLocation`)."""
    if isinstance(location, DatabaseLocation):
        return True
    return isinstance(location, str) and location.split("://", 1)[0].lower() in URL_SCHEMES and "://" in location


@dataclass(frozen=True)
class DatabaseLocation:
    """Where a database workspace lives: the connection URL without ``schema`` and the schema."""

    conninfo: str
    schema: str

    @property
    def name(self) -> str:
        """What messages call the workspace: the URL without a password."""
        parts = urlsplit(self.conninfo)
        host = parts.hostname or "localhost"
        netloc = (f"{parts.username}@" if parts.username else "") + host + (f":{parts.port}" if parts.port else "")
        query = urlencode([("schema", self.schema)])
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))

    def __str__(self) -> str:
        return self.name

    def __fspath__(self):  # no file: code that needs one must not take a database for it
        raise TypeError(f"{self.name} is a database workspace, not a file")


def parse_url(url: str | DatabaseLocation) -> DatabaseLocation:
    """``postgresql://user@host/db?schema=arnsberg`` → :class:`DatabaseLocation`. A missing or
    malformed schema raises :class:`WorkspaceError` (named in the user's language)."""
    if isinstance(url, DatabaseLocation):
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schemas = [v for k, v in query if k == "schema"]
    shown = urlunsplit((parts.scheme, (f"{parts.username}@" if parts.username else "") + (parts.hostname or ""),
                        parts.path, "", ""))
    if len(schemas) != 1 or not _IDENTIFIER.match(schemas[0]) or schemas[0].startswith("pg_"):
        raise WorkspaceError([Problem(shown, None, None, "schema", "database_schema_invalid",
                                      {"value": ",".join(schemas) or "–"})])
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    return DatabaseLocation(urlunsplit((parts.scheme, parts.netloc, parts.path, rest, "")), schemas[0])


# --- connections -------------------------------------------------------------------------------

_pools: dict[str, object] = {}
_pools_lock = threading.Lock()


def _pool(loc: DatabaseLocation):
    from psycopg_pool import ConnectionPool

    with _pools_lock:
        pool = _pools.get(loc.conninfo)
        if pool is None:
            import psycopg

            psycopg.connect(loc.conninfo, connect_timeout=CONNECT_TIMEOUT_S).close()  # fails at once, with the reason
            pool = ConnectionPool(loc.conninfo, min_size=1, max_size=POOL_SIZE, open=True, timeout=30,
                                  kwargs={"application_name": "praeventionsatlas", "connect_timeout": CONNECT_TIMEOUT_S})
            _pools[loc.conninfo] = pool
        return pool


@contextmanager
def connection(loc: DatabaseLocation):
    """A pooled connection (autocommit off: the block is one transaction, committed at its end
    and rolled back on an exception). An unreachable server raises :class:`WorkspaceError`."""
    import psycopg
    from psycopg_pool import PoolTimeout

    try:
        pool = _pool(loc)
        cm = pool.connection()
        conn = cm.__enter__()
    except (psycopg.OperationalError, PoolTimeout) as exc:
        raise WorkspaceError([Problem(loc.name, None, None, None, "database_unreachable",
                                      {"detail": str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""})]) from exc
    try:
        yield conn
    except BaseException as exc:
        cm.__exit__(type(exc), exc, exc.__traceback__)
        if isinstance(exc, psycopg.errors.LockNotAvailable):  # lock_timeout: another save held it too long
            raise WorkspaceError([Problem(loc.name, None, None, None, "database_busy",
                                          {"seconds": LOCK_TIMEOUT_S})]) from exc
        raise
    else:
        cm.__exit__(None, None, None)


def _wait_at_most(conn_or_cursor) -> None:
    """Within this transaction, wait for a lock at most :data:`LOCK_TIMEOUT_S` (then
    :func:`connection` names the workspace as busy; nothing is written)."""
    conn_or_cursor.execute(f"SET LOCAL lock_timeout = '{int(LOCK_TIMEOUT_S * 1000)}ms'")


def close_pools() -> None:
    """Close every connection pool of this process (tests, shutdown)."""
    with _pools_lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()


def _q(*names: str):
    from psycopg import sql

    return sql.Identifier(*names)


# --- migrations --------------------------------------------------------------------------------

def _layer_ddl(cur, s: str) -> None:
    """Every layer table of the schema module, created if missing, with every column added
    if missing (idempotent: a migration that adds a layer or column calls this again)."""
    from psycopg import sql

    for name, spec in schema.LAYERS.items():
        cols = [sql.SQL("fid bigserial")]
        for col in spec.columns:
            not_null = " NOT NULL" if col.required and not col.nullable else ""
            key = " PRIMARY KEY" if spec.id_column == col.name else ""
            cols.append(sql.SQL("{} " + PG_TYPES[col.kind] + not_null + key).format(_q(col.name)))
        if spec.geometry:
            cols.append(sql.SQL("geometry geometry"))
        cur.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(_q(s, name), sql.SQL(", ").join(cols)))
        for col in spec.columns:
            cur.execute(sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} " + PG_TYPES[col.kind]).format(
                _q(s, name), _q(col.name)))
        if spec.geometry:
            cur.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} USING gist (geometry)").format(
                _q(f"{name}_geometry_idx"), _q(s, name)))
        cur.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (fid)").format(_q(f"{name}_fid_idx"), _q(s, name)))


def _migration_1(cur, s: str) -> None:
    from psycopg import sql

    _layer_ddl(cur, s)
    cur.execute(sql.SQL("CREATE TABLE {} (layer text PRIMARY KEY, present boolean NOT NULL, "
                        "counter bigint NOT NULL DEFAULT 0, columns text[])").format(_q(s, "atlas_layers")))
    cur.execute(sql.SQL("INSERT INTO {} (layer, present) SELECT unnest(%s::text[]), false").format(
        _q(s, "atlas_layers")), (list(schema.LAYERS),))
    cur.execute(sql.SQL("CREATE TABLE {} (id int PRIMARY KEY CHECK (id = 1), counter bigint NOT NULL)").format(
        _q(s, "atlas_counter")))
    cur.execute(sql.SQL("INSERT INTO {} VALUES (1, 0)").format(_q(s, "atlas_counter")))
    cur.execute(sql.SQL("CREATE TABLE {} (id int PRIMARY KEY CHECK (id = 1), secret bytea NOT NULL)").format(
        _q(s, "atlas_secret")))


def _migration_2(cur, s: str) -> None:
    from psycopg import sql

    for name, columns in (
        ("atlas_auth_failures", "key text PRIMARY KEY, count integer NOT NULL, last double precision NOT NULL"),
        ("atlas_auth_tickets", "token text PRIMARY KEY, username text NOT NULL, expires double precision NOT NULL"),
        ("atlas_auth_revoked", "nonce text PRIMARY KEY, expires double precision NOT NULL"),
        ("atlas_session_key", "id int PRIMARY KEY CHECK (id = 1), secret bytea NOT NULL"),
    ):
        cur.execute(sql.SQL("CREATE TABLE {} (" + columns + ")").format(_q(s, name)))


WRITER_SETTING = "praeventionsatlas.writer"  # set (SET LOCAL) to 'app' in the app's own write transactions


def _migration_3(cur, s: str) -> None:
    """Edits made outside the app (QGIS, SQL) are counted like the app's: a statement on a layer
    table bumps its change counter and the workspace's (every app server reads it at its next
    rerun, checked like any read), and an update of a versioned record raises its version (an
    editor who opened it before gets the conflict message)."""
    from psycopg import sql

    cur.execute(sql.SQL("""
        CREATE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            IF coalesce(current_setting('""" + WRITER_SETTING + """', true), '') = 'app' THEN
                RETURN NULL;
            END IF;
            EXECUTE format('UPDATE %I.atlas_layers SET counter = counter + 1 WHERE layer = %L',
                           TG_TABLE_SCHEMA, TG_TABLE_NAME);
            EXECUTE format('UPDATE %I.atlas_counter SET counter = counter + 1', TG_TABLE_SCHEMA);
            RETURN NULL;
        END $body$""").format(_q(s, "atlas_outside_edit")))
    cur.execute(sql.SQL("""
        CREATE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $body$
        DECLARE tracked boolean;
        BEGIN
            IF coalesce(current_setting('""" + WRITER_SETTING + """', true), '') = 'app' THEN
                RETURN NEW;
            END IF;
            EXECUTE format('SELECT coalesce(%L = ANY(columns), true) FROM %I.atlas_layers WHERE layer = %L',
                           'version', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO tracked;
            IF NOT tracked THEN  -- the layer had no versions yet: from now on it has (unedited records: 1)
                EXECUTE format('UPDATE %I.atlas_layers SET columns = array_append(columns, %L) WHERE layer = %L',
                               TG_TABLE_SCHEMA, 'version', TG_TABLE_NAME);
            END IF;
            NEW.version := coalesce(OLD.version, 1) + 1;
            RETURN NEW;
        END $body$""").format(_q(s, "atlas_outside_version")))
    for name, spec in schema.LAYERS.items():
        cur.execute(sql.SQL("CREATE TRIGGER atlas_outside_edit AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {} "
                            "FOR EACH STATEMENT EXECUTE FUNCTION {}()").format(_q(s, name),
                                                                              _q(s, "atlas_outside_edit")))
        if any(c.name == "version" for c in spec.columns):
            cur.execute(sql.SQL("CREATE TRIGGER atlas_outside_version BEFORE UPDATE ON {} "
                                "FOR EACH ROW EXECUTE FUNCTION {}()").format(_q(s, name),
                                                                            _q(s, "atlas_outside_version")))


MIGRATIONS = (
    (1, "layers, meta, change counters, cell-key secret", _migration_1),
    (2, "sign-in state shared by the app servers: failed attempts, tickets, revoked sessions, session key",
     _migration_2),
    (3, "edits outside the app (QGIS, SQL) counted and versioned", _migration_3),
)
"""(version, what it does, function(cursor, schema)): applied in order, each once."""
SCHEMA_LEVEL = MIGRATIONS[-1][0]


def _applied(cur, s: str) -> int | None:
    cur.execute("SELECT to_regclass(%s)", (f'"{s}".atlas_schema_version',))
    if cur.fetchone()[0] is None:
        return None
    from psycopg import sql

    cur.execute(sql.SQL("SELECT max(version) FROM {}").format(_q(s, "atlas_schema_version")))
    return cur.fetchone()[0] or 0


def migrate(loc: DatabaseLocation, create: bool = False) -> int:
    """Bring the schema up to :data:`SCHEMA_LEVEL` in one transaction (under an advisory lock,
    so two app servers starting at once migrate once); returns the level before. A missing
    workspace is created only with ``create``; a database newer than this program raises."""
    from psycopg import sql

    with connection(loc) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"praeventionsatlas:{loc.schema}",))
        level = _applied(cur, loc.schema)
        if level is None and not create:
            raise WorkspaceError([Problem(loc.name, None, None, None, "database_workspace_missing",
                                          {"schema": loc.schema})])
        if level is not None and level > SCHEMA_LEVEL:
            raise WorkspaceError([Problem(loc.name, None, None, None, "database_newer",
                                          {"level": level, "known": SCHEMA_LEVEL})])
        if level == SCHEMA_LEVEL:
            return level
        cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
        if cur.fetchone() is None:
            try:
                cur.execute("CREATE EXTENSION postgis")
            except Exception as exc:
                raise WorkspaceError([Problem(loc.name, None, None, None, "database_no_postgis",
                                              {"detail": str(exc).splitlines()[0][:200]})]) from exc
        if level is None:
            cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(_q(loc.schema)))
            cur.execute(sql.SQL("CREATE TABLE {} (version int PRIMARY KEY, description text NOT NULL, "
                                "applied_at timestamptz NOT NULL DEFAULT now())").format(
                _q(loc.schema, "atlas_schema_version")))
        for version, description, step in MIGRATIONS:
            if version > (level or 0):
                log.warning("workspace %s: schema migration %d (%s)", loc.name, version, description)
                step(cur, loc.schema)
                cur.execute(sql.SQL("INSERT INTO {} (version, description) VALUES (%s, %s)").format(
                    _q(loc.schema, "atlas_schema_version")), (version, description))
        return level or 0


_migrated: set[DatabaseLocation] = set()


def ensure_current(loc: DatabaseLocation) -> None:
    """Migrate once per process and workspace (upgrade on start; see :func:`migrate`)."""
    if loc not in _migrated:
        migrate(loc)
        _migrated.add(loc)


# --- values ------------------------------------------------------------------------------------

def _column_kinds(layer: str, frame: pd.DataFrame) -> dict[str, str]:
    """Kind of every stored column of ``frame`` (schema columns by the schema, others — the age
    bands — by their data: numbers 'float', flags 'bool', else 'str')."""
    known = {c.name: c.kind for c in schema.LAYERS[layer].columns}
    kinds = {}
    for name in frame.columns:
        if name == "geometry" or name == getattr(frame, "_geometry_column_name", None):
            continue
        if name in known:
            kinds[name] = known[name]
        elif pd.api.types.is_bool_dtype(frame[name]):
            kinds[name] = "bool"
        elif pd.api.types.is_numeric_dtype(frame[name]):
            kinds[name] = "float"
        else:
            kinds[name] = "str"
    return kinds


def _python_values(kind: str, s: pd.Series) -> list:
    """A column as Python values for the driver (None for missing)."""
    if kind == "list":
        return [schema.LIST_SEPARATOR.join(map(str, v)) if isinstance(v, (tuple, list)) and len(v)
                else (v if isinstance(v, str) and v else None) for v in s]
    if kind == "date":
        d = pd.to_datetime(s, errors="coerce")
        return [None if pd.isna(v) else v.date() for v in d]
    if kind == "int":
        n = pd.to_numeric(s, errors="coerce")
        return [None if pd.isna(v) else int(round(v)) for v in n]
    if kind == "float":
        n = pd.to_numeric(s, errors="coerce").astype("float64")
        return [None if np.isnan(v) else float(v) for v in n]
    if kind == "bool":
        return [None if v is None or (not isinstance(v, str) and pd.isna(v)) else bool(v) for v in s]
    return [None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in s]


def _ewkb(frame: gpd.GeoDataFrame, layer: str, srid: int) -> list:
    geoms = frame.geometry.to_numpy()
    if schema.LAYERS[layer].geometry == "Polygon":
        single = shapely.get_type_id(geoms) == 3
        if single.any():
            geoms = geoms.copy()
            geoms[single] = shapely.multipolygons(geoms[single], indices=np.arange(int(single.sum())))
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    hexes = shapely.to_wkb(shapely.set_srid(np.where(missing, None, geoms), srid), hex=True, include_srid=True)
    return [None if m else h for m, h in zip(missing, hexes)]


def _rows(layer: str, frame: pd.DataFrame, srid: int | None) -> tuple[list[str], list[tuple]]:
    """(column names, rows) to store ``frame`` (a typed layer) in its table."""
    kinds = _column_kinds(layer, frame)
    columns = {name: _python_values(kind, frame[name]) for name, kind in kinds.items()}
    if schema.LAYERS[layer].geometry and isinstance(frame, gpd.GeoDataFrame):
        columns["geometry"] = _ewkb(frame, layer, srid)
    names = list(columns)
    return names, list(zip(*(columns[n] for n in names))) if names else []


def _srid(ws) -> int:
    epsg = ws.crs.to_epsg() if ws.crs is not None else None
    if epsg is None:
        raise WorkspaceError([Problem("workspace", "districts", None, "geometry", "database_crs_no_epsg",
                                      {"crs": str(ws.crs)})])
    return int(epsg)


# --- reading -----------------------------------------------------------------------------------

def change_counter(loc: DatabaseLocation) -> int:
    """The workspace's change counter: bumped by every committed write (a cache key)."""
    from psycopg import sql

    ensure_current(loc)
    with connection(loc) as conn:
        return conn.execute(sql.SQL("SELECT counter FROM {}").format(_q(loc.schema, "atlas_counter"))).fetchone()[0]


def _state(cur, s: str) -> tuple[int, dict, dict]:
    """(change counter, {layer: (present, counter)}, {layer: stored columns or None})."""
    from psycopg import sql

    cur.execute(sql.SQL("SELECT counter FROM {}").format(_q(s, "atlas_counter")))
    counter = cur.fetchone()[0]
    cur.execute(sql.SQL("SELECT layer, present, counter, columns FROM {}").format(_q(s, "atlas_layers")))
    state, stored = {}, {}
    for layer, present, n, columns in cur.fetchall():
        state[layer], stored[layer] = (present, n), columns
    return counter, state, stored


def _read_layers(cur, s: str, layers, state: dict, stored: dict) -> dict:
    """The raw tables of ``layers`` (those present), as the GeoPackage reader gives them."""
    from psycopg import sql

    cur.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s "
                "ORDER BY table_name, ordinal_position", (s,))
    table_columns: dict[str, list[str]] = {}
    for table, column in cur.fetchall():
        table_columns.setdefault(table, []).append(column)
    cur.execute("SELECT f_table_name, srid FROM geometry_columns WHERE f_table_schema = %s", (s,))
    srids = dict(cur.fetchall())
    raw = {}
    for layer in layers:
        spec = schema.LAYERS[layer]
        if not state.get(layer, (False, 0))[0]:
            continue
        cols = [c for c in table_columns.get(layer, []) if c not in ("fid", "geometry")
                and (stored.get(layer) is None or c in stored[layer])]
        select = [sql.SQL("{}").format(_q(c)) for c in cols]
        if spec.geometry:
            select.append(sql.SQL("ST_AsBinary(geometry)"))
        cur.execute(sql.SQL("SELECT {} FROM {} ORDER BY fid").format(sql.SQL(", ").join(select), _q(s, layer)))
        data = pd.DataFrame.from_records(cur.fetchall(), columns=cols + (["geometry"] if spec.geometry else []))
        for c in cols:  # dates as the GeoPackage reader gives them
            first = data[c].dropna()
            if len(first) and isinstance(first.iloc[0], dt.date):
                data[c] = pd.to_datetime(data[c])
        if spec.geometry:
            wkb = data.pop("geometry").to_numpy()
            geoms = shapely.from_wkb(np.array([None if g is None else bytes(g) for g in wkb], dtype=object))
            srid = srids.get(layer) or srids.get("districts") or 0
            data = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=f"EPSG:{srid}" if srid else None))
        data.index = pd.RangeIndex(1, len(data) + 1)
        raw[layer] = data
    return raw


# Layers people change while the app runs: a change of only these is read (and checked) alone,
# in the context of the layers it refers to; any other change reads the whole workspace.
RECORD_LAYERS = frozenset({"offers", "family_centres", "partners", "networks", "memberships", "history", "scenarios",
                           "scenario_changes", "targets", "assessments", "reference_values"})
CONTEXT_LAYERS = ("meta", "life_phases", "age_bands", "districts")


def context_of(changed) -> set[str]:
    """The layers a check of the ``changed`` layers needs: they, the layers they refer to
    (:data:`schema.REFERENCES`) and those holding the vocabularies, bands and the CRS."""
    return set(changed) | set(CONTEXT_LAYERS) | {target for (layer, _), (target, _) in schema.REFERENCES.items()
                                                 if layer in changed}


def validate_changed(tables: dict, changed, name: str) -> tuple[dict, list]:
    """Type and check the ``changed`` layers of ``tables`` (serialised layers, at least
    :func:`context_of` them): the checks of a whole-workspace validation that concern them, at
    a fraction of the cost."""
    from dashboard.model.validate import validate_tables

    changed = set(changed)
    subset = {k: v for k, v in tables.items() if k in context_of(changed)}
    typed, problems = validate_tables(subset, name)
    problems = [p for p in problems if p.layer in changed or (p.layer is None and p.code != "no_population")]
    return {k: v for k, v in typed.items() if k in changed}, problems


_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()
CACHE_ENTRIES = 4


def _cached(loc: DatabaseLocation, counter: int | None = None):
    with _cache_lock:
        if counter is not None:
            return _cache.get((loc, counter))
        latest = [ws for (where, _), ws in _cache.items() if where == loc]
        return latest[-1] if latest else None


def read_workspace(location) -> "Workspace":  # noqa: F821
    """Read and validate a database workspace (as :func:`dashboard.model.workspace.read_workspace`
    does a file), in one consistent snapshot. Kept per process on the change counter: unchanged,
    nothing is read; when only record layers changed since the last read (an edit), only those
    are read and checked (:func:`validate_changed`)."""
    from dashboard.model.validate import validate_tables
    from dashboard.model.workspace import _from_tables

    loc = parse_url(location)
    ensure_current(loc)
    with connection(loc) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        with conn.cursor() as cur:
            counter, state, stored = _state(cur, loc.schema)
            hit = _cached(loc, counter)
            if hit is not None:
                return hit
            base = _cached(loc)
            changed = None
            if base is not None:
                before = base.revision[2]
                changed = {layer for layer in schema.LAYERS if state.get(layer) != before.get(layer)}
                if not changed <= RECORD_LAYERS:
                    changed = None
            raw = _read_layers(cur, loc.schema, schema.LAYERS if changed is None else sorted(changed), state, stored)
            secret = None
            if changed is None:
                cur.execute(sql_text("SELECT secret FROM {}", loc.schema, "atlas_secret"))
                found = cur.fetchone()
                secret = bytes(found[0]) if found else None
    revision = (counter, {layer: n for layer, (_, n) in state.items()}, state)
    if changed is None:
        typed, problems = validate_tables(raw, loc.name)
        if problems:
            raise WorkspaceError(problems)
        ws = replace(_from_tables(typed, None), path=loc, cell_key_secret=secret, revision=revision)
    else:
        tables = {**base.tables(context_of(changed) - set(raw)), **raw}
        typed, problems = validate_changed(tables, changed, loc.name)
        if problems:
            raise WorkspaceError(problems)
        absent = {layer: None for layer in changed if layer not in typed}
        ws = replace(base, **{k: v.reset_index(drop=True) for k, v in typed.items()}, **absent, revision=revision)
    with _cache_lock:
        _cache[(loc, counter)] = ws
        while len(_cache) > CACHE_ENTRIES:
            _cache.popitem(last=False)
    return ws


def sql_text(template: str, *names: str):
    """A statement with identifiers (``{}``) filled in safely: sql_text("SELECT * FROM {}", s, t)."""
    from psycopg import sql

    return sql.SQL(template).format(_q(*names))


# --- writing -----------------------------------------------------------------------------------

def _copy_rows(cur, s: str, layer: str, names: list[str], rows: list[tuple]) -> None:
    from psycopg import sql

    if not rows:
        return
    with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(_q(s, layer), sql.SQL(", ").join(map(_q, names)))) as cp:
        for row in rows:
            cp.write_row(row)


def _prepare_columns(cur, s: str, layer: str, frame: pd.DataFrame, srid: int | None) -> None:
    """Extra columns (age bands) added, geometry typed with the workspace's CRS."""
    from psycopg import sql

    known = {c.name for c in schema.LAYERS[layer].columns}
    for name, kind in _column_kinds(layer, frame).items():
        if name not in known:
            cur.execute(sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} " + PG_TYPES[kind]).format(
                _q(s, layer), _q(name)))
    geometry = schema.LAYERS[layer].geometry
    if geometry and srid:
        cur.execute("SELECT srid, type FROM geometry_columns WHERE f_table_schema = %s AND f_table_name = %s",
                    (s, layer))
        found = cur.fetchone()
        wanted = GEOMETRY_TYPES[geometry]
        if found is None or found[0] != srid or found[1].upper() != wanted.upper():
            cur.execute(sql.SQL("ALTER TABLE {} ALTER COLUMN geometry TYPE geometry(" + wanted + ", " + str(int(srid))
                                + ") USING ST_SetSRID(geometry, " + str(int(srid)) + ")").format(_q(s, layer)))


def _bump(cur, s: str, layers: dict[str, list[str] | None]) -> int:
    """Count one change of each layer (recording its columns, None: absent) and of the workspace."""
    from psycopg import sql

    for layer in sorted(layers):  # a fixed order: two writers never wait on each other crosswise
        columns = layers[layer]
        cur.execute(sql.SQL("UPDATE {} SET counter = counter + 1, present = %s, columns = %s WHERE layer = %s")
                    .format(_q(s, "atlas_layers")), (columns is not None, columns, layer))
    cur.execute(sql.SQL("UPDATE {} SET counter = counter + 1 RETURNING counter").format(_q(s, "atlas_counter")))
    return cur.fetchone()[0]


def write_workspace(ws, location) -> DatabaseLocation:
    """Validate ``ws`` and replace the whole database workspace with it in one transaction
    (created, with its schema, when missing). On any problem nothing is written."""
    from psycopg import sql

    from dashboard.model.validate import validate_tables

    loc = parse_url(location)
    tables = ws.tables()
    typed, problems = validate_tables(tables, loc.name)
    if problems:
        raise WorkspaceError(problems)
    srid = _srid(ws)
    migrate(loc, create=True)
    _migrated.add(loc)
    with connection(loc) as conn, conn.cursor() as cur:
        cur.execute(f"SET LOCAL {WRITER_SETTING} = 'app'")  # the app counts its own writes (_bump)
        present: dict[str, list[str] | None] = {}
        for layer in schema.LAYERS:
            cur.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(_q(loc.schema, layer)))
        for layer in schema.LAYERS:
            cur.execute(sql.SQL("TRUNCATE {}").format(_q(loc.schema, layer)))
            known = {c.name for c in schema.LAYERS[layer].columns}
            cur.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
                        "AND table_name = %s", (loc.schema, layer))
            frame = typed.get(layer)
            keep = set(frame.columns) if frame is not None else set()
            for (column,) in cur.fetchall():
                if column not in known | {"fid", "geometry"} and column not in keep:
                    cur.execute(sql.SQL("ALTER TABLE {} DROP COLUMN {}").format(_q(loc.schema, layer), _q(column)))
            present[layer] = None
            if frame is None:
                continue
            if layer == "meta":
                frame = tables["meta"]
            _prepare_columns(cur, loc.schema, layer, frame, srid)
            names, rows = _rows(layer, frame, srid)
            _copy_rows(cur, loc.schema, layer, names, rows)
            present[layer] = [n for n in names if n != "geometry"]
        cur.execute(sql.SQL("INSERT INTO {} VALUES (1, %s) ON CONFLICT (id) DO UPDATE SET secret = excluded.secret")
                    .format(_q(loc.schema, "atlas_secret")), (ws.cell_key_secret or b"",))
        if not ws.cell_key_secret:
            cur.execute(sql.SQL("DELETE FROM {}").format(_q(loc.schema, "atlas_secret")))
        _bump(cur, loc.schema, present)
    return loc


class StaleWrite(Exception):
    """Records changed in the database after the workspace a change was computed from was
    read: ``layer``, ``record_id`` (None: the whole layer), ``version`` now there."""

    def __init__(self, layer: str, record_id: str | None = None, version: int | None = None,
                 expected: int | None = None):
        super().__init__(f"{layer}/{record_id}: version {version}, expected {expected}")
        self.layer, self.record_id, self.version, self.expected = layer, record_id, version, expected


def _row_digests(layer: str, frame: pd.DataFrame, srid: int) -> tuple[list[str], list[tuple], pd.Series]:
    names, rows = _rows(layer, frame, srid)
    digest = pd.Series([hash(r) for r in rows], dtype="int64") if rows else pd.Series([], dtype="int64")
    return names, rows, digest


def _writers_lock(s: str) -> str:
    """Key of a schema's writer lock (an advisory lock; see :func:`sole_writer`)."""
    return f"praeventionsatlas-writers:{s}"


@contextmanager
def sole_writer(loc: DatabaseLocation):
    """Hold the workspace's writer lock exclusively for the block: every app save takes it
    shared (:func:`save_changes`), so none commits until the block ends. For the retry of a
    change that went stale: it reads, computes and saves without another app writer slipping
    in between, however often others write (no writer starves). Saves of different records
    still run side by side otherwise; a save inside the block passes ``sole=True``."""
    with connection(loc) as conn:
        _wait_at_most(conn)
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (_writers_lock(loc.schema),))
        yield


def save_changes(before, after, sole: bool = False) -> int:
    """Write what differs between the workspace ``before`` (as read, with its revision) and
    ``after`` to the database, row by row, in one transaction; returns the new change counter.

    Per changed layer: records (by the layer's id) added, changed or gone. A versioned record
    (column ``version``) that changed or went is locked and its version compared with
    ``before``'s; a layer without ids is replaced whole if no one changed it since ``before``.
    Raises :class:`StaleWrite` (nothing written) when someone else was first. ``sole``: the
    caller holds :func:`sole_writer` (this save then does not wait for it).
    """
    from psycopg import errors, sql

    from dashboard.model.validate import validate_tables

    loc = parse_url(before.path)
    revisions = before.revision[1]
    changed = [layer for layer in schema.LAYERS
               if layer != "meta" and getattr(after, layer, None) is not getattr(before, layer, None)]
    meta_changed = dict(after.meta) != dict(before.meta)
    if set(changed) <= RECORD_LAYERS and not meta_changed:
        typed, problems = validate_changed(after.tables(context_of(changed)), changed, loc.name)
    else:
        typed, problems = validate_tables(after.tables(), loc.name)
    if problems:
        raise WorkspaceError(problems)
    srid = _srid(after)
    with connection(loc) as conn, conn.cursor() as cur:
        cur.execute(f"SET LOCAL {WRITER_SETTING} = 'app'")  # the app counts its own writes (_bump)
        _wait_at_most(cur)
        s = loc.schema
        if not sole:  # waits while a retrying writer holds the workspace alone
            cur.execute("SELECT pg_advisory_xact_lock_shared(hashtext(%s))", (_writers_lock(s),))
        written: dict[str, list[str]] = {}
        for layer in changed:
            spec = schema.LAYERS[layer]
            old, new = getattr(before, layer), typed.get(layer)
            if new is None:
                continue
            names, rows, digest = _row_digests(layer, new, srid)
            if old is not None and set(old.columns) < set(new.columns):  # columns added (e.g. the first version)
                old = old.reindex(columns=new.columns)
            old_names, old_rows, old_digest = _row_digests(layer, old, srid) if old is not None else ([], [], None)
            if names == old_names and len(rows) == len(old_rows) and old_digest is not None \
                    and (digest.to_numpy() == old_digest.to_numpy()).all():
                continue
            _prepare_columns(cur, s, layer, new, srid)
            id_col = spec.id_column
            if id_col is None or old is None or names != old_names:
                cur.execute(sql.SQL("SELECT counter FROM {} WHERE layer = %s FOR UPDATE").format(
                    _q(s, "atlas_layers")), (layer,))
                now = cur.fetchone()[0]
                if now != revisions.get(layer):
                    raise StaleWrite(layer, None, now, revisions.get(layer))
                cur.execute(sql.SQL("DELETE FROM {}").format(_q(s, layer)))
                _copy_rows(cur, s, layer, names, rows)
                written[layer] = [n for n in names if n != "geometry"]
                continue
            at = names.index(id_col)
            old_by_id = {r[at]: (r, d) for r, d in zip(old_rows, old_digest)}
            new_ids = {r[at] for r in rows}
            added = [r for r in rows if r[at] not in old_by_id]
            updated = [r for r, d in zip(rows, digest) if r[at] in old_by_id and old_by_id[r[at]][1] != d]
            gone = [i for i in old_by_id if i not in new_ids]
            if not (added or updated or gone):
                continue
            touched = [r[at] for r in updated] + gone
            if "version" in names and touched:
                vat = names.index("version")
                cur.execute(sql.SQL("SELECT {}, version FROM {} WHERE {} = ANY(%s) ORDER BY {} FOR UPDATE").format(
                    _q(id_col), _q(s, layer), _q(id_col), _q(id_col)), (touched,))
                now = dict(cur.fetchall())
                for rid in touched:
                    was = old_by_id[rid][0][vat]
                    if rid not in now or now[rid] != was:
                        raise StaleWrite(layer, rid, now.get(rid), was)
            if gone:
                cur.execute(sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(_q(s, layer), _q(id_col)), (gone,))
            if updated:
                values = [sql.SQL("%s::geometry") if n == "geometry" else sql.SQL("%s") for n in names]
                cur.executemany(sql.SQL("UPDATE {} SET ({}) = ROW({}) WHERE {} = %s").format(
                    _q(s, layer), sql.SQL(", ").join(map(_q, names)), sql.SQL(", ").join(values), _q(id_col)),
                    [(*r, r[at]) for r in updated])
            if added:
                try:
                    with conn.transaction():
                        _copy_rows(cur, s, layer, names, added)
                except errors.UniqueViolation as exc:
                    raise StaleWrite(layer, None, None, None) from exc
            written[layer] = [n for n in names if n != "geometry"]
        if meta_changed:
            cur.execute(sql.SQL("SELECT counter FROM {} WHERE layer = 'meta' FOR UPDATE").format(
                _q(s, "atlas_layers")))
            now = cur.fetchone()[0]
            if now != revisions.get("meta"):
                raise StaleWrite("meta", None, now, revisions.get("meta"))
            cur.execute(sql.SQL("DELETE FROM {}").format(_q(s, "meta")))
            _copy_rows(cur, s, "meta", *_rows("meta", after.tables()["meta"], None))
            written["meta"] = ["key", "value"]
        if not written:
            return before.revision[0]
        return _bump(cur, s, written)


class DatabaseAuthStore:
    """The sign-in state of :class:`dashboard.model.accounts.AuthStore` (failed attempts, one-time
    tickets, revoked sessions) in the workspace's database, so that app servers on several
    machines share it; each change is one transaction."""

    def __init__(self, location):
        self.location = parse_url(location)
        self.path = self.location.name  # what messages call it
        self._session_secret = None
        ensure_current(self.location)

    def _run(self, table: str, statement: str, params=(), fetch: bool = False):
        """Run ``statement`` with ``{}`` standing for ``table`` in the workspace's schema."""
        with connection(self.location) as conn:
            cur = conn.execute(sql_text(statement, self.location.schema, table), params)
            return cur.fetchone() if fetch else None

    def failures(self, key: str) -> tuple[int, float]:
        row = self._run("atlas_auth_failures", "SELECT count, last FROM {} WHERE key = %s", (key,), fetch=True)
        return (int(row[0]), float(row[1])) if row else (0, 0.0)

    def add_failure(self, key: str, now: float, forget_s: float) -> int:
        return self._run("atlas_auth_failures", "INSERT INTO {} AS f VALUES (%s, 1, %s) ON CONFLICT (key) DO UPDATE SET "
                         "count = CASE WHEN %s - f.last >= %s THEN 1 ELSE f.count + 1 END, last = excluded.last "
                         "RETURNING count", (key, now, now, forget_s), fetch=True)[0]

    def clear_failures(self, key: str) -> None:
        self._run("atlas_auth_failures", "DELETE FROM {} WHERE key = %s", (key,))

    def issue_ticket(self, user: str, now: float, valid_s: float = 120.0) -> str:
        import secrets

        token = secrets.token_urlsafe(32)
        self._run("atlas_auth_tickets", "DELETE FROM {} WHERE expires < %s", (now,))
        self._run("atlas_auth_tickets", "INSERT INTO {} VALUES (%s, %s, %s)", (token, user, now + valid_s))
        return token

    def redeem_ticket(self, token: str, now: float) -> str | None:
        """The ticket's user, once (the ticket is gone afterwards); None if unknown or expired."""
        row = self._run("atlas_auth_tickets", "DELETE FROM {} WHERE token = %s RETURNING username, expires", (token,),
                        fetch=True)
        return row[0] if row and row[1] >= now else None

    def revoke(self, nonce: str, expires: float, now: float) -> None:
        self._run("atlas_auth_revoked", "DELETE FROM {} WHERE expires < %s", (now,))
        self._run("atlas_auth_revoked", "INSERT INTO {} VALUES (%s, %s) ON CONFLICT (nonce) DO UPDATE SET "
                  "expires = excluded.expires", (nonce, expires))

    def is_revoked(self, nonce: str) -> bool:
        return self._run("atlas_auth_revoked", "SELECT 1 FROM {} WHERE nonce = %s", (nonce,), fetch=True) is not None

    def session_secret(self) -> bytes:
        """The installation's session key (made once, the same for every app server)."""
        import os

        if self._session_secret is None:
            self._run("atlas_session_key", "INSERT INTO {} VALUES (1, %s) ON CONFLICT (id) DO NOTHING", (os.urandom(32),))
            self._session_secret = bytes(self._run("atlas_session_key", "SELECT secret FROM {}", fetch=True)[0])
        return self._session_secret
