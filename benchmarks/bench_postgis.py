"""PostgreSQL/PostGIS back end benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_postgis.py [--sessions 50] [--changes 6] [--repeat 5] [--smoke]

A throwaway PostgreSQL 15 + PostGIS server (tests/pgserver.py) holds a copy of the demo city.
Timed, each back end in a fresh process (nothing cached from the other):

1. reading the workspace (GeoPackage vs PostGIS), and after one edit (PostGIS reads only the
   changed layers);
2. one edit of an offer (a transaction: the whole file vs the changed rows);
3. the map page (AppTest server time): first run incl. loading the workspace, and the median
   filter change; PostGIS / GeoPackage as a ratio;
4. an edit made through one app process and seen by a second: the second reruns its page
   back to back until the new offer is counted; the time from the edit's end to that rerun;
5. ``--sessions`` partner sessions on the map page, spread over two app processes (two app
   servers on one database, as behind a reverse proxy), each session changing its life-phase
   filter ``--changes`` times: the server time of every filter change, p50 / p95 / max.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
DEMO = ROOT / "geodata" / "demo_city.gpkg"
CHOICES = [["kita"], ["youth", "transition"], ["seniors"], ["early_childhood", "kita"], []]


def _worker(argv: list[str]) -> dict:
    """Run one measurement in a fresh process (``--worker NAME LOCATION ...``); returns its JSON."""
    done = subprocess.run([sys.executable, __file__, "--worker", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _read_and_edit(location: str, repeat: int) -> dict:
    from dashboard.model import postgis
    from dashboard.model.workspace import read_workspace
    from dashboard.sources import editing

    reads, edits = [], []
    for _ in range(repeat):
        postgis._cache.clear()
        t0 = time.perf_counter()
        ws = read_workspace(location)
        reads.append(time.perf_counter() - t0)
    offers = list(ws.offers["offer_id"])
    for k in range(repeat):
        t0 = time.perf_counter()
        editing.edit_record(location, "offers", offers[k], {"capacity": 40 + k}, user="bench", role="planner")
        edits.append(time.perf_counter() - t0)
    before = read_workspace(location)
    editing.edit_record(location, "offers", offers[0], {"capacity": 3}, user="bench", role="planner")
    if before.revision is not None:  # as if another app server had made the edit: only `before` is cached
        with postgis._cache_lock:
            postgis._cache.clear()
            postgis._cache[(before.path, before.revision[0])] = before
    t0 = time.perf_counter()
    read_workspace(location)  # PostGIS: the changed layers only
    after = time.perf_counter() - t0
    return {"read": statistics.median(reads), "edit": statistics.median(edits), "read_after_edit": after}


def _map_page(location: str, repeat: int) -> dict:
    os.environ["PRAEVENTIONSATLAS_WORKSPACE"] = location
    from apptest_util import run_app

    t0 = time.perf_counter()
    at = run_app("pages/map.py")
    first = time.perf_counter() - t0
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        at.sidebar.multiselect(key="f_phases").set_value(CHOICES[i % len(CHOICES)]).run()
        times.append(time.perf_counter() - t0)
    return {"first": first, "filter": statistics.median(times)}


def _watch(location: str, ready: str, expected: int, limit_s: float) -> dict:
    """A second app process: rerun the start page until it counts ``expected`` offers."""
    os.environ["PRAEVENTIONSATLAS_WORKSPACE"] = location
    from apptest_util import run_app

    at = run_app()
    Path(ready).touch()
    deadline, reruns = time.time() + limit_s, 0
    while time.time() < deadline:
        shown = {m.label: m.value for m in at.metric}
        if any(str(expected) == str(v).replace(".", "").replace(",", "") for v in shown.values()):
            return {"seen_at": time.time(), "reruns": reruns}
        at.run()
        reruns += 1
    return {"seen_at": None, "reruns": reruns}


def _sessions(location: str, sessions: int, changes: int, start: str) -> dict:
    """One app process holding ``sessions`` map-page sessions; each changes its filter
    ``changes`` times, in turns with the others. Returns every filter change's server time."""
    os.environ["PRAEVENTIONSATLAS_WORKSPACE"] = location
    from apptest_util import run_app

    pages = [run_app("pages/map.py", session={"role": "partner", "organisation": "P001"}) for _ in range(sessions)]
    Path(start + f".{os.getpid()}").touch()
    while len(list(Path(start).parent.glob(Path(start).name + ".*"))) < 2:  # both app processes ready
        time.sleep(0.01)
    times, first, seen = [], [], set()
    for round_ in range(changes):
        for k, at in enumerate(pages):
            choice = (round_ + k) % len(CHOICES)
            t0 = time.perf_counter()
            at.sidebar.multiselect(key="f_phases").set_value(CHOICES[choice]).run()
            times.append(time.perf_counter() - t0)
            first.append(choice not in seen)  # the first time this process computes this choice
            seen.add(choice)
    return {"times": times, "first": first}


def _p95(times: list[float]) -> float:
    """The 95th percentile of sorted ``times`` (nearest rank)."""
    return times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def worker(args) -> None:
    name, location, *rest = args.worker
    if name == "read_edit":
        out = _read_and_edit(location, args.repeat)
    elif name == "map":
        out = _map_page(location, args.repeat)
    elif name == "watch":
        out = _watch(location, rest[0], int(rest[1]), float(rest[2]))
    else:
        out = _sessions(location, int(rest[0]), args.changes, rest[1])
    print(json.dumps(out))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=50, help="partner sessions (over two app processes)")
    parser.add_argument("--changes", type=int, default=6, help="filter changes per session")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: runs in about a minute (the test run's check)")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    if args.smoke:
        args.sessions, args.changes, args.repeat = 4, 2, 2
    import shutil

    from pgserver import Server, missing

    from dashboard.model import postgis
    from dashboard.model.store import copy_workspace
    from dashboard.model.workspace import read_workspace
    from dashboard.sources import editing

    reason = missing()
    if reason:
        print(f"skipped: {reason}")
        return
    with Server() as pg, tempfile.TemporaryDirectory() as tmp:
        print(f"demo city on PostgreSQL 15 + PostGIS (throwaway server), {args.repeat} repeats (median)")

        def fresh(name: str) -> tuple[str, str]:
            gpkg = Path(tmp) / f"{name}.gpkg"
            shutil.copy(DEMO, gpkg)
            url = pg.url(name)
            copy_workspace(DEMO, url)
            return str(gpkg), url

        gpkg, url = fresh("lesen")
        a, b = _worker(["read_edit", gpkg]), _worker(["read_edit", url])
        print(f"  read the workspace:            GeoPackage {a['read']:5.2f} s   PostGIS {b['read']:5.2f} s")
        print(f"  one edit (transaction):        GeoPackage {a['edit']:5.2f} s   PostGIS {b['edit']:5.2f} s")
        print(f"  read after another's edit:     GeoPackage {a['read_after_edit']:5.2f} s   "
              f"PostGIS {b['read_after_edit']:5.2f} s (changed layers only)")

        gpkg, url = fresh("karte")
        a, b = _worker(["map", gpkg]), _worker(["map", url])
        print(f"  map page, first run:           GeoPackage {a['first']:5.2f} s   PostGIS {b['first']:5.2f} s   "
              f"ratio {b['first'] / a['first']:.2f}")
        print(f"  map page, filter change:       GeoPackage {a['filter']:5.2f} s   PostGIS {b['filter']:5.2f} s   "
              f"ratio {b['filter'] / a['filter']:.2f}")

        _, url = fresh("sichtbar")
        ws = read_workspace(url)
        ready = Path(tmp) / "watch-ready"
        watch_err = Path(tmp) / "watch.err"  # a file, not a pipe: nothing the watcher writes can stall it
        watcher = subprocess.Popen([sys.executable, __file__, "--worker", "watch", url, str(ready),
                                    str(len(ws.offers) + 1), "120"], cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=open(watch_err, "w"), text=True)
        while not ready.exists():
            if watcher.poll() is not None:
                raise RuntimeError(watch_err.read_text()[-3000:])
            time.sleep(0.01)
        form = {**editing.form_values(ws.offers.iloc[0], "offers"), "name": "Neues Angebot"}
        editing.add_record(url, "offers", form, user="bench", role="planner", record_id="BENCH1")
        saved_at = time.time()
        out, _ = watcher.communicate(timeout=300)
        seen = json.loads(out.strip().splitlines()[-1])
        if seen["seen_at"] is None:
            print("  edit seen by a second app process: not within 120 s")
        else:
            print(f"  edit seen by a second app process: {max(0.0, seen['seen_at'] - saved_at):5.2f} s after the "
                  f"save returned ({seen['reruns']} reruns of its page)")
        postgis.close_pools()

        _, url = fresh("partner")
        start = str(Path(tmp) / "sessions")
        half = [args.sessions // 2, args.sessions - args.sessions // 2]
        # Each worker writes into its own files: a pipe read only after the other worker ended
        # would fill (Streamlit's warnings) and stall the second worker for seconds.
        logs = [(Path(tmp) / f"sessions{i}.out", Path(tmp) / f"sessions{i}.err") for i in range(2)]
        procs = [subprocess.Popen([sys.executable, __file__, "--worker", "sessions", url, str(n), start,
                                   "--changes", str(args.changes)], cwd=ROOT, stdout=open(out, "w"),
                                  stderr=open(err, "w")) for n, (out, err) in zip(half, logs)]
        times, first = [], []
        for proc, (out, err) in zip(procs, logs):
            if proc.wait(timeout=3600) != 0:
                raise RuntimeError(err.read_text()[-3000:])
            done = json.loads(out.read_text().strip().splitlines()[-1])
            times += done["times"]
            first += done["first"]
        warm = sorted(t for t, f in zip(times, first) if not f)
        cold = sorted(t for t, f in zip(times, first) if f)
        times.sort()
        print(f"  {args.sessions} partner sessions on two app processes, {len(times)} filter changes: "
              f"p50 {statistics.median(times):5.2f} s   p95 {_p95(times):5.2f} s   max {times[-1]:5.2f} s (server time)")
        if warm:
            print(f"    of these {len(warm)} with a filter its process had computed before: p95 {_p95(warm):5.2f} s   "
                  f"max {warm[-1]:5.2f} s")
        print(f"    and {len(cold)} computing a filter for the first time in their process: "
              f"median {statistics.median(cold):5.2f} s   max {cold[-1]:5.2f} s")
        postgis.close_pools()
    print("summary: done")


if __name__ == "__main__":
    main()
