"""The PostgreSQL/PostGIS back end (dashboard.model.postgis) on a real server (tests/pgserver.py):
lossless copies both ways, migrations, row-level edits with optimistic locking, two writing
processes, a writer killed mid-transaction, backup and restore with pg_dump/pg_restore."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pandas as pd
import psycopg
import pytest
import shapely
from conftest import DEMO, ROOT

from dashboard.model import postgis
from dashboard.model.problems import WorkspaceError
from dashboard.model.store import copy_workspace
from dashboard.model.workspace import read_workspace, write_workspace
from dashboard.present.problems import report
from dashboard.sources import editing


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def canonical(ws) -> dict[str, pd.DataFrame]:
    """Every layer as stored, rows sorted by all their values, geometries as WKB: two workspaces
    with the same records, geometries (to the coordinate), history and meta give equal tables."""
    out = {}
    for name, frame in ws.tables().items():
        frame = pd.DataFrame(frame).copy()
        if "geometry" in frame.columns:
            geoms = frame["geometry"].to_numpy()
            frame["geometry"] = [None if g is None else w for g, w in zip(geoms, shapely.to_wkb(geoms, hex=True))]
        frame = frame.astype(object).where(frame.notna(), None).astype(str)
        out[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return out


def assert_same(a, b) -> None:
    ca, cb = canonical(a), canonical(b)
    assert sorted(ca) == sorted(cb)
    for name in ca:
        assert list(ca[name].columns) == list(cb[name].columns), name
        pd.testing.assert_frame_equal(ca[name], cb[name], obj=name)
    assert dict(a.meta) == dict(b.meta)
    assert a.cell_key_secret == b.cell_key_secret


def test_copy_round_trip_is_lossless(pg, workspace_copy, tmp_path):
    # history, versions and a retired offer first, so the copy carries them
    ws = read_workspace(workspace_copy)
    first, second = ws.offers["offer_id"].iloc[:2]
    editing.edit_record(workspace_copy, "offers", first, {"name": "Café <b>Eltern</b> =1+1", "capacity": 7},
                        user="ana", role="planner")
    editing.retire_record(workspace_copy, "offers", second, user="ana", role="planner")
    source = read_workspace(workspace_copy)
    assert len(source.history) >= 3
    url = pg.url("rundreise")
    done = cli("workspace", "copy", str(workspace_copy), url)
    assert done.returncode == 0, done.stderr
    assert "206 offers" in done.stdout
    in_db = read_workspace(url)
    assert_same(source, in_db)
    back = tmp_path / "zurueck.gpkg"
    done = cli("workspace", "copy", url, str(back))
    assert done.returncode == 0, done.stderr
    assert_same(source, read_workspace(back))
    # coordinates exactly as they were (not rounded by a text format)
    a, b = source.population_cells.geometry.to_numpy(), read_workspace(back).population_cells.geometry.to_numpy()
    assert np.array_equal(shapely.get_coordinates(a), shapely.get_coordinates(b))
    # copying onto an existing workspace replaces it whole
    copy_workspace(DEMO, url)
    assert len(read_workspace(url).history) == 0


def test_bad_locations_are_named(pg):
    no_schema = cli("info", pg.admin_url())
    assert no_schema.returncode == 1 and "names no valid schema" in no_schema.stderr and "field 'schema'" in no_schema.stderr
    bad = cli("info", pg.admin_url() + "?schema=Drop;Table")
    assert bad.returncode == 1 and "Drop;Table" in bad.stderr
    missing = cli("info", pg.url("gibtsnicht"))
    assert missing.returncode == 1 and "holds no workspace" in missing.stderr and "workspace copy" in missing.stderr
    down = cli("info", "postgresql://niemand:geheim@127.0.0.1:1/atlas?schema=x")
    assert down.returncode == 1 and "cannot be reached" in down.stderr
    assert "geheim" not in down.stderr  # the password is never shown
    assert "Traceback" not in no_schema.stderr + missing.stderr + down.stderr
    with pytest.raises(WorkspaceError) as caught:
        read_workspace(pg.url("gibtsnicht"))
    assert "liegt kein Arbeitsstand" in report(caught.value.problems, "de")


def test_migrations_are_versioned_and_atomic(pg, monkeypatch, caplog):
    url = pg.url("migration")
    copy_workspace(DEMO, url)
    loc = postgis.parse_url(url)
    with psycopg.connect(pg.admin_url()) as conn:
        assert conn.execute("SELECT max(version) FROM migration.atlas_schema_version").fetchone()[0] == postgis.SCHEMA_LEVEL

    def broken(cur, schema):
        cur.execute(f'CREATE TABLE "{schema}".half_done (x int)')
        raise RuntimeError("the second step fails")

    def adds_column(cur, schema):
        cur.execute(f'ALTER TABLE "{schema}".offers ADD COLUMN funding text')

    level = postgis.SCHEMA_LEVEL
    monkeypatch.setattr(postgis, "MIGRATIONS", postgis.MIGRATIONS + ((level + 1, "broken", broken),))
    monkeypatch.setattr(postgis, "SCHEMA_LEVEL", level + 1)
    with pytest.raises(RuntimeError):
        postgis.migrate(loc)
    with psycopg.connect(pg.admin_url()) as conn:  # never half-migrated
        assert conn.execute("SELECT max(version) FROM migration.atlas_schema_version").fetchone()[0] == level
        assert conn.execute("SELECT to_regclass('migration.half_done')").fetchone()[0] is None
    # a newer program upgrades on start, with a message
    monkeypatch.setattr(postgis, "MIGRATIONS", postgis.MIGRATIONS[:-1] + ((level + 1, "funding column", adds_column),))
    postgis._migrated.discard(loc)
    with caplog.at_level("WARNING", logger="praeventionsatlas"):
        ws = read_workspace(url)
    assert len(ws.offers) == 206
    assert any(f"schema migration {level + 1} (funding column)" in r.getMessage() for r in caplog.records)
    # an older program refuses a newer database instead of misreading it
    monkeypatch.setattr(postgis, "MIGRATIONS", postgis.MIGRATIONS[:-1])
    monkeypatch.setattr(postgis, "SCHEMA_LEVEL", level)
    with pytest.raises(WorkspaceError) as caught:
        postgis.migrate(loc)
    assert f"schema level {level + 1}, this program knows only {level}" in report(caught.value.problems, "en")


def _xmins(url: str, pg) -> dict:
    schema = postgis.parse_url(url).schema
    with psycopg.connect(pg.admin_url(postgis.parse_url(url).conninfo.rsplit("/", 1)[1])) as conn:
        return dict(conn.execute(f'SELECT offer_id, xmin::text FROM "{schema}".offers').fetchall())


def test_edits_are_row_level_with_history(pg, pg_workspace):
    url = pg_workspace
    ws = read_workspace(url)
    counter = ws.revision[0]
    a, b = ws.offers["offer_id"].iloc[[3, 5]]
    before = _xmins(url, pg)
    after = editing.edit_record(url, "offers", a, {"name": "Babylotsen <script>", "capacity": 11},
                                user="ana", role="planner", expected_version=1)
    assert after.revision[0] == counter + 1
    changed = {k for k, v in _xmins(url, pg).items() if before[k] != v}
    assert changed == {a}  # one row written, not the layer
    row = after.offers.set_index("offer_id").loc[a]
    assert (row["name"], row["capacity"], row["version"]) == ("Babylotsen <script>", 11, 2)
    history = after.history[after.history["record_id"] == a]
    assert set(history["field"]) == {"name", "capacity"} and set(history["user"]) == {"ana"}
    # someone who opened the record before that edit gets the conflict, nothing is written
    with pytest.raises(editing.ConflictError) as caught:
        editing.edit_record(url, "offers", a, {"name": "Überschrieben"}, user="ben", role="planner",
                            expected_version=1)
    assert caught.value.params == {"version": 2, "expected": 1}
    assert read_workspace(url).offers.set_index("offer_id").loc[a, "name"] == "Babylotsen <script>"
    # a partner adds an offer of its own; retire, never delete
    partner = ws.partners["partner_id"].iloc[0]
    added = editing.add_record(url, "offers", {**editing.form_values(ws.offers.iloc[0], "offers"), "name": "Neu"},
                               user="p", role="partner", organisation=partner, record_id="NEU1")
    assert added.offers.set_index("offer_id").loc["NEU1", "partner_id"] == partner
    with pytest.raises(editing.EditError) as caught:
        editing.add_record(url, "offers", {"name": "Doppelt"}, user="p", role="planner", record_id="NEU1")
    assert caught.value.code == "id_exists"
    gone = editing.retire_record(url, "offers", b, user="ana", role="planner")
    assert gone.offers.set_index("offer_id").loc[b, "retired"] == True  # noqa: E712
    assert b not in set(gone.current().offers["offer_id"])
    # the incremental reads after each edit equal a fresh read of the whole database
    postgis._cache.clear()
    assert_same(gone, read_workspace(url))


def test_one_edit_does_not_wait_for_another_record(pg, pg_workspace):
    """A partner's open transaction on one offer (its row locked) does not hold up a planner's
    edit of another offer."""
    url = pg_workspace
    ws = read_workspace(url)
    a, b = ws.offers["offer_id"].iloc[[0, 1]]
    loc = postgis.parse_url(url)
    holder = psycopg.connect(loc.conninfo)
    holder.execute(f'SELECT * FROM "{loc.schema}".offers WHERE offer_id = %s FOR UPDATE', (a,))
    done = {}

    def edit():
        done["ws"] = editing.edit_record(url, "offers", b, {"capacity": 3}, user="ana", role="planner")

    worker = threading.Thread(target=edit)
    worker.start()
    worker.join(120)  # a failure detector only: the edit takes well under a second
    holder.rollback()
    holder.close()
    worker.join()
    assert "ws" in done and done["ws"].offers.set_index("offer_id").loc[b, "capacity"] == 3


def run_side_by_side(commands: list[list[str]], folder) -> list[dict]:
    """Run Python scripts at the same time; the JSON each prints last. Their output goes to
    files, not pipes: a pipe read only after another process ended could fill and stall a
    writer inside its transaction, which the other would then wait for."""
    logs = [(folder / f"proc{i}.out", folder / f"proc{i}.err") for i in range(len(commands))]
    procs = [subprocess.Popen([sys.executable, *command], cwd=ROOT, stdout=open(out, "w"), stderr=open(err, "w"))
             for command, (out, err) in zip(commands, logs)]
    results = []
    for proc, (out, err) in zip(procs, logs):
        assert proc.wait(timeout=1200) == 0, err.read_text()[-2000:]
        results.append(json.loads(out.read_text().strip().splitlines()[-1]))
    return results


def test_a_save_that_waits_too_long_is_named_busy(pg, pg_workspace, monkeypatch):
    """A record someone holds locked (an open QGIS edit session, a hung client) or the writer
    lock a retrying save holds alone: a save waits LOCK_TIMEOUT_S, then says so in German and
    English, naming the workspace; nothing is written, and the next save after the lock goes works."""
    monkeypatch.setattr(postgis, "LOCK_TIMEOUT_S", 1)
    url = pg_workspace
    ws = read_workspace(url)
    record = ws.offers["offer_id"].iloc[3]
    loc = postgis.parse_url(url)
    for hold in (f'SELECT * FROM "{loc.schema}".offers WHERE offer_id = %s FOR UPDATE',
                 "SELECT pg_advisory_xact_lock(hashtext('praeventionsatlas-writers:' || %s))"):
        holder = psycopg.connect(loc.conninfo)
        holder.execute(hold, (record if "offers" in hold else loc.schema,))
        try:
            with pytest.raises(WorkspaceError) as caught:
                editing.edit_record(url, "offers", record, {"capacity": 77}, user="ana", role="planner")
        finally:
            holder.rollback()
            holder.close()
        assert [p.code for p in caught.value.problems] == ["database_busy"]
        german = report(caught.value.problems, "de")
        assert "belegt (länger als 1 s)" in german and "Nichts wurde gespeichert" in german and loc.name in german
        assert "busy with another save" in report(caught.value.problems, "en")
        postgis._cache.clear()
        assert read_workspace(url).revision[0] == ws.revision[0]  # nothing written
    done = editing.edit_record(url, "offers", record, {"capacity": 77}, user="ana", role="planner")
    assert done.offers.set_index("offer_id").loc[record, "capacity"] == 77


WRITER = r"""
import json, sys
from dashboard.model.workspace import read_workspace
from dashboard.sources import editing
url, shared, own, n, barrier = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
import os, time
open(barrier + "." + own, "w").close()
while not all(os.path.exists(barrier + "." + x) for x in sys.argv[6:]):
    time.sleep(0.01)
done = {"shared_ok": 0, "conflicts": 0, "own_ok": 0}
for i in range(n):
    record = shared if i % 2 == 0 else own
    ws = read_workspace(url)
    row = ws.offers.set_index("offer_id").loc[record]
    version = editing.version_of(ws, "offers", record)
    try:
        editing.edit_record(url, "offers", record, {"capacity": int(row["capacity"] or 0) + 1}, user=own,
                            role="planner", expected_version=version)
        done["shared_ok" if record == shared else "own_ok"] += 1
    except editing.ConflictError:
        done["conflicts"] += 1
print(json.dumps(done))
"""


def test_two_processes_no_lost_update(pg, pg_workspace, tmp_path):
    """Two processes × 100 edits, every other one on the same record: the shared record's count
    equals the edits that were saved, every other one was reported as a conflict, and the
    edits of each process's own record all landed."""
    url = pg_workspace
    ws = read_workspace(url)
    shared, own_a, own_b = ws.offers["offer_id"].iloc[[10, 11, 12]]
    loc = postgis.parse_url(url)
    with psycopg.connect(loc.conninfo) as conn:
        conn.execute(f'UPDATE "{loc.schema}".offers SET capacity = 0 WHERE offer_id = ANY(%s)', ([shared, own_a, own_b],))
    start = editing.version_of(read_workspace(url), "offers", shared)  # that update was an edit, too
    barrier = str(tmp_path / "start")
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    results = run_side_by_side([[str(script), url, shared, own, "100", barrier, own_a, own_b] for own in (own_a, own_b)],
                               tmp_path)
    print("edits per process:", results)
    postgis._cache.clear()
    final = read_workspace(url).offers.set_index("offer_id")
    saved = sum(r["shared_ok"] for r in results)
    assert final.loc[shared, "capacity"] == saved  # no lost update
    assert saved + sum(r["conflicts"] for r in results) == 100  # every attempt saved or reported
    assert [r["own_ok"] for r in results] == [50, 50]
    assert final.loc[own_a, "capacity"] == 50 and final.loc[own_b, "capacity"] == 50
    history = read_workspace(url).history
    assert (history["record_id"] == shared).sum() == saved  # history rows in the same transactions
    assert final.loc[shared, "version"] == start + saved


SCENARIO_WRITER = r"""
import json, os, sys, time
from dashboard.sources import scenarios
from dashboard.sources.editing import ConflictError
url, scenario_id, me, n, barrier = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
open(barrier + "." + me, "w").close()
while not all(os.path.exists(barrier + "." + x) for x in sys.argv[6:]):
    time.sleep(0.01)
done = {"saved": 0, "conflicts": 0, "stale": []}
for i in range(n):
    try:
        scenarios.add_change(url, scenario_id, "population", user=me, role="planner",
                             fields={"district_id": "SR03", "phase_id": "kita", "percent": 1})
        done["saved"] += 1
    except ConflictError as exc:
        done["conflicts"] += 1
        done["stale"].append(str(vars(exc.__cause__)))
print(json.dumps(done))
"""


def test_two_planners_adding_to_one_scenario_both_land(pg, pg_workspace, tmp_path):
    """Two processes × 15 changes to the same scenario at the same moment (nobody's form is
    stale: each change is made on the scenario as it is): every change lands, in one numbered
    order, as on a GeoPackage, where the lock queues them; none is turned away as a conflict."""
    from dashboard.sources import scenarios

    url = pg_workspace
    _, scenario_id = scenarios.create_scenario(url, "Kita-Ausbau", user="anna", role="planner")
    barrier, script = str(tmp_path / "start"), tmp_path / "scenario_writer.py"
    script.write_text(SCENARIO_WRITER)
    results = run_side_by_side([[str(script), url, scenario_id, me, "15", barrier, "anna", "ben"]
                                for me in ("anna", "ben")], tmp_path)
    print("changes per process:", results)
    postgis._cache.clear()
    ws = read_workspace(url)
    changes = ws.scenario_changes[ws.scenario_changes["scenario_id"] == scenario_id]
    assert [r["conflicts"] for r in results] == [0, 0] and [r["saved"] for r in results] == [15, 15], results
    assert sorted(changes["position"].astype(int)) == list(range(1, 31))  # one order, no number twice
    assert int(ws.scenarios.set_index("scenario_id").loc[scenario_id, "version"]) == 31


KILLED = r"""
import sys, time
from dashboard.model import postgis
from dashboard.sources import editing
url, record, marker = sys.argv[1:4]
real = postgis._bump
def stuck(cur, schema, layers):  # the rows are written, the transaction is not committed
    open(marker, "w").close()
    time.sleep(600)
postgis._bump = stuck
editing.edit_record(url, "offers", record, {"name": "halb geschrieben", "capacity": 999}, user="x", role="planner")
"""


def test_writer_killed_mid_transaction_leaves_nothing(pg, pg_workspace, tmp_path):
    url = pg_workspace
    ws = read_workspace(url)
    record = ws.offers["offer_id"].iloc[7]
    script, marker = tmp_path / "killed.py", tmp_path / "inside"
    script.write_text(KILLED)
    proc = subprocess.Popen([sys.executable, str(script), url, record, str(marker)], cwd=ROOT)
    while not marker.exists():  # waits for the writer's state, not for a time
        assert proc.poll() is None, "the writer ended before its transaction"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    postgis._cache.clear()
    after = read_workspace(url)
    assert after.revision[0] == ws.revision[0]
    assert_same(ws, after)
    # the record is free again: the next edit goes through
    done = editing.edit_record(url, "offers", record, {"capacity": 5}, user="y", role="planner")
    assert done.offers.set_index("offer_id").loc[record, "capacity"] == 5


def test_backup_and_restore_with_pg_dump(pg, pg_workspace):
    url = pg_workspace
    ws = read_workspace(url)
    editing.edit_record(url, "offers", ws.offers["offer_id"].iloc[0], {"capacity": 4}, user="a", role="planner")
    before = read_workspace(url)
    loc = postgis.parse_url(url)
    database = loc.conninfo.rsplit("/", 1)[1]
    dump = pg.folder / "sicherung.dump"
    pg.tool("pg_dump", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-Fc", "-n", loc.schema,
            "-f", str(dump), database)
    postgis.close_pools()
    with psycopg.connect(pg.admin_url(database), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{loc.schema}" CASCADE')
    postgis._cache.clear()
    postgis._migrated.clear()
    with pytest.raises(WorkspaceError):
        read_workspace(url)
    pg.tool("pg_restore", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-d", database, str(dump))
    postgis._cache.clear()
    assert_same(before, read_workspace(url))


def test_whole_write_refuses_bad_data_and_keeps_the_old(pg, pg_workspace, demo_ws):
    url = pg_workspace
    before = read_workspace(url)
    offers = demo_ws.offers.copy()
    offers.loc[0, "life_phases"] = ("gibtsnicht",)
    from dataclasses import replace

    with pytest.raises(WorkspaceError) as caught:
        write_workspace(replace(demo_ws, offers=offers), url)
    assert any(p.layer == "offers" and p.field == "life_phases" for p in caught.value.problems)
    postgis._cache.clear()
    assert_same(before, read_workspace(url))


SECOND_SERVER = r"""
import sys
from dashboard.model.accounts import SignInGuard, load_accounts, open_auth_store, sign_in
accounts_path, url = sys.argv[1:3]
store = open_auth_store(accounts_path, url)
guard = SignInGuard.shared(store)
for _ in range(2):
    sign_in(load_accounts(accounts_path), "anna", "falsch-123", guard, "10.0.0.7")
print(store.session_secret().hex())
"""


def test_sign_in_state_is_shared_through_the_database(pg, pg_workspace, tmp_path):
    """App servers on different machines share the throttle, the tickets, revocations and the
    session key through the workspace's database (the second server is another process)."""
    from dashboard.model.accounts import SignInGuard, add_account, load_accounts, open_auth_store, sign_in

    path = tmp_path / "konten.toml"
    add_account(path, "anna", "planner", "geheim123")
    store = open_auth_store(path, pg_workspace)
    assert isinstance(store, postgis.DatabaseAuthStore)
    assert not (tmp_path / "konten.toml.state.sqlite").exists()  # nothing kept on this machine
    guard = SignInGuard.shared(store)
    for _ in range(2):
        sign_in(load_accounts(path), "anna", "falsch-123", guard, "10.0.0.7")
    script = tmp_path / "second.py"
    script.write_text(SECOND_SERVER)
    other = subprocess.run([sys.executable, str(script), str(path), pg_workspace], cwd=ROOT, capture_output=True,
                           text=True, timeout=300)
    assert other.returncode == 0, other.stderr
    assert guard.pairs.wait_s("anna\x1f10.0.0.7") > 0  # four failures, counted by both servers
    assert bytes.fromhex(other.stdout.strip()) == store.session_secret()  # one session key
    ticket = store.issue_ticket("anna", now=1000.0)
    second = open_auth_store(path, pg_workspace)
    assert second.redeem_ticket(ticket, now=1001.0) == "anna"
    assert store.redeem_ticket(ticket, now=1001.0) is None  # once only
    store.revoke("n1", expires=2000.0, now=1000.0)
    assert second.is_revoked("n1") and not second.is_revoked("n2")


def test_edits_outside_the_app_are_seen_and_checked(pg, pg_workspace):
    """An edit in QGIS or SQL bumps the change counter (every app server sees it at its next
    read) and the record's version (an editor who opened it before gets the conflict); a bad
    value written there is named like any problem of the workspace."""
    url = pg_workspace
    ws = read_workspace(url)
    loc = postgis.parse_url(url)
    record = ws.offers["offer_id"].iloc[2]
    opened = editing.version_of(ws, "offers", record)
    with psycopg.connect(loc.conninfo) as conn:  # as QGIS would
        conn.execute(f'UPDATE "{loc.schema}".offers SET name = %s WHERE offer_id = %s', ("Aus QGIS", record))
    seen = read_workspace(url)
    assert seen.revision[0] > ws.revision[0]
    assert seen.offers.set_index("offer_id").loc[record, "name"] == "Aus QGIS"
    assert editing.version_of(seen, "offers", record) == opened + 1
    with pytest.raises(editing.ConflictError):
        editing.edit_record(url, "offers", record, {"name": "Überschrieben"}, user="ana", role="planner",
                            expected_version=opened)
    with psycopg.connect(loc.conninfo) as conn:
        conn.execute(f'UPDATE "{loc.schema}".offers SET life_phases = %s WHERE offer_id = %s', ("gibtsnicht", record))
    with pytest.raises(WorkspaceError) as caught:
        read_workspace(url)
    bad = [p for p in caught.value.problems if p.field == "life_phases"]
    assert bad and bad[0].layer == "offers" and bad[0].record_id == record and bad[0].row is not None
