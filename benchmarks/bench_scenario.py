"""Scenario benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_scenario.py [--workspace geodata/demo_city.gpkg] [--repeat 5] [--smoke]

On a copy of the workspace, a scenario of six changes (three new offers, one closed, a
housing area, a population change) is stored; then timed (median of ``--repeat`` runs):

* storing one change (a full transaction on the file: read, check, validate, write);
* the first comparison: Ist demand and coverage, the scenario applied, its demand (offers
  placed on the street network), its published coverage and scenario − Ist for every
  district, phase and measure;
* the comparison after the first run, as in the app when a parameter changes (the prepared
  demands of Ist and scenario are cached per workspace): Ist coverage, the scenario's
  published coverage and the comparison with a new radius.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _timing import timed  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workspace", default=str(ROOT / "geodata" / "demo_city.gpkg"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="two runs each (the test run's check)")
    args = parser.parse_args()
    if args.smoke:
        args.repeat = 2
    import shapely

    from dashboard.analysis import coverage as C
    from dashboard.analysis import scenario as what_if
    from dashboard.model.workspace import read_workspace
    from dashboard.sources import scenarios as store

    folder = Path(tempfile.mkdtemp())
    path = folder / "stadt.gpkg"
    shutil.copy(args.workspace, path)
    ws = read_workspace(path)
    centre = ws.districts.geometry.union_all().centroid
    phases = list(ws.life_phases["phase_id"])
    offer = {"provider": "Stadt", "category": "Treffpunkt", "sectors": ["Bildung"], "audience": ["Eltern"],
             "last_updated": "2026-12-01"}
    changes = [{"action": "add", "layer": "offers", "geometry": shapely.Point(centre.x + dx, centre.y + dy),
                "fields": {**offer, "name": f"Neues Angebot {k}", "life_phases": phases[1:3]}}
               for k, (dx, dy) in enumerate([(-1500, 0), (1500, 500), (0, -1500)])]
    changes += [{"action": "close", "layer": "offers", "record_id": ws.offers["offer_id"].iat[0]},
                {"action": "housing", "geometry": shapely.box(centre.x, centre.y, centre.x + 300, centre.y + 300),
                 "fields": {"name": "Neubau", "persons": {phases[1]: 60, phases[2]: 50}}},
                {"action": "population", "fields": {"district_id": ws.districts["district_id"].iat[0],
                                                    "phase_id": phases[2], "percent": 20}}]
    _, sid = store.create_scenario(path, "Benchmark", user="bench", role="planner", changes=changes)
    print(f"workspace {Path(args.workspace).name}: {len(ws.districts)} districts, {len(phases)} phases, "
          f"{len(ws.offers):,} offers, {0 if ws.population_cells is None else len(ws.population_cells):,} cells, "
          f"street network: {'yes' if ws.has_streets else 'no'}; scenario of {len(changes)} changes")

    extra = {"action": "population", "fields": {"district_id": ws.districts["district_id"].iat[1],
                                                "phase_id": phases[1], "percent": 5}}
    t_store, _ = timed(lambda: store.add_change(path, sid, user="bench", role="planner", **extra), args.repeat)
    print(f"  store one change (transaction on the file): {t_store:.2f} s")
    ist = read_workspace(path).current()

    def first():
        ist_demand = C.prepare_demand(ist)
        ist_cov = C.coverage(ist, C.CoverageParams(), ist_demand)
        scen = what_if.apply_scenario(ist, sid)
        scen_demand = C.prepare_demand(scen)
        scen_cov = what_if.scenario_coverage(ist, scen, ist_demand=ist_demand, ist_cov=ist_cov,
                                             scen_demand=scen_demand)
        return ist_demand, scen, scen_demand, what_if.compare(ist_cov, scen_cov, ist, scen, ist_demand=ist_demand,
                                                              scen_demand=scen_demand)

    t_first, (ist_demand, scen, scen_demand, table) = timed(first, args.repeat)
    print(f"  first comparison (demands prepared, all phases and measures): {t_first:.2f} s, "
          f"{int(what_if.changed_rows(table).sum())} of {len(table)} district × phase rows change")

    def again():
        params = C.CoverageParams(radius_m=1250.0)
        ist_cov = C.coverage(ist, params, ist_demand)
        scen_cov = what_if.scenario_coverage(ist, scen, params, ist_demand=ist_demand, ist_cov=ist_cov,
                                             scen_demand=scen_demand)
        return what_if.compare(ist_cov, scen_cov, ist, scen, params, ist_demand=ist_demand, scen_demand=scen_demand)

    t_again, _ = timed(again, args.repeat)
    print(f"  comparison after the first run (a new radius; demands cached): {t_again:.2f} s")
    print(f"summary: store {t_store:.2f} s, first comparison {t_first:.2f} s, after the first run {t_again:.2f} s")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
