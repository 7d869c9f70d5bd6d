"""Command line: ``python -m dashboard COMMAND``.

    demo     [--out FILE] [--seed N]   write the fictional demo workspace
    validate WORKSPACE                 check a workspace, list every problem
    info     WORKSPACE                 summary of a workspace
    coverage WORKSPACE [--scenario ID | --as-of DAY] [--radius M] [--detour F] [--decay none|gaussian] [--measure NAME] [--format csv|xlsx]
                       [--out FILE]
                                       district × phase coverage table
    report   WORKSPACE [--district ID ...] --out FILE.pdf [--lang de|en]
                                       Sozialraumprofil(e) as PDF; without --district the whole city
    lotse    WORKSPACE --address "STREET NO[, POSTCODE PLACE]" [--children "1;4"] [--pregnant] [--parents]
             [--older] [--max-distance M] [--out FILE.pdf]   offers near a family, nearest first
    networks WORKSPACE                 network summary, cross-sector ties and holes
    scenario list|show|compare|export|import WORKSPACE [SCENARIO_ID|FILE] [--out FILE] [--valid-on DATE]
                                       what-if scenarios: list, their changes, scenario − Ist, file exchange
    sites    WORKSPACE --phase ID[,ID] --k N [--radius M] [--candidates FILE|addresses|grid] [--need-weighted]
             [--format csv|xlsx] [--out FILE]   where k new offers reach the most persons not reached today
    monitoring WORKSPACE --out BERICHT.pdf [--xlsx FILE] [--since DATE] [--days D1,D2] [--lang de|en]
                                       the Monitoringbericht (quality goals, targets, what changed)
    targets  list|set|retire|import WORKSPACE [FILE] [--id ID] [--district ID] [--phase ID] [--measure M]
             [--value V] [--due DATE] [--note TEXT]   targets (Zielwerte), with history
    build    RECIPE.toml --out WORKSPACE.gpkg   build a workspace from a municipality's own files
    workspace copy SOURCE TARGET       copy a workspace between a GeoPackage and PostgreSQL/PostGIS
                                       (postgresql://user@host/db?schema=NAME), losslessly
    workspace migrate URL              bring a database workspace's schema up to this program's level

WORKSPACE is a GeoPackage file or a database URL (postgresql://user@host/db?schema=NAME).
    user     add NAME --role planner|partner|viewer [--organisation ID] [--sso] | list   accounts
    serve    [STREAMLIT OPTIONS]       start the app (streamlit run dashboard/app/main.py) without any outside request
    vendor                             re-fetch the pinned map libraries (npm)

Messages are in English; the exit code is 0 on success, 1 on problems, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from dashboard.model.problems import ProblemError
from dashboard.model.settings import DEMO_WORKSPACE
from dashboard.model.workspace import read_workspace, write_workspace
from dashboard.present import offline
from dashboard.present.i18n import t
from dashboard.present.problems import report

MEASURE_NAMES = ("reach_share", "offers_per_1000", "places_per_1000", "access_2sfca", "offers", "target_population")


def _analysed(args):
    """The workspace to analyse: the real data, with ``--as-of DAY`` as it was that day
    (:func:`dashboard.sources.timeline.as_of`), or with ``--scenario ID`` that scenario applied."""
    if getattr(args, "as_of", None):
        from dashboard.sources.timeline import as_of

        if getattr(args, "scenario", None):
            print("error: --as-of and --scenario do not go together (a scenario is built on today's data)",
                  file=sys.stderr)
            raise SystemExit(2)
        return as_of(read_workspace(args.workspace), _day(args.as_of, "as-of"))
    ws = read_workspace(args.workspace).current()
    if getattr(args, "scenario", None):
        from dashboard.analysis.scenario import apply_scenario

        return apply_scenario(ws, args.scenario)
    return ws


def _coverage_of(ws, params, threshold: int, demand=None):
    """Coverage of the real data, or a scenario's with its published persons."""
    from dashboard.analysis import coverage as cov_mod

    if ws.scenario is None:
        return cov_mod.coverage(ws, params, demand=demand)
    from dashboard.analysis.scenario import scenario_coverage

    return scenario_coverage(ws.scenario.base, ws, params, scen_demand=demand, threshold=threshold)


def _demo(args) -> int:
    from dashboard.sources.demo import generate_demo_workspace

    path = write_workspace(generate_demo_workspace(args.seed), args.out)
    print(f"wrote fictional demo workspace to {path}")
    return 0


def _validate(args) -> int:
    ws = read_workspace(args.workspace)
    print(f"{args.workspace}: OK ({ws.counts()['districts']} districts, {len(ws.offers)} offers)")
    return 0


def _info(args) -> int:
    ws = read_workspace(args.workspace)
    for key in ("municipality_name", "ags", "data_stand", "crs", "schema_version"):
        print(f"{key:18s} {ws.meta.get(key, '')}")
    for key, value in ws.counts().items():
        print(f"{key:18s} {value}")
    print(f"{'population':18s} {ws.total_population():.0f}")
    return 0


def _coverage(args) -> int:
    from pathlib import Path

    from dashboard.analysis import coverage as cov_mod
    from dashboard.present.export import to_csv, to_xlsx
    from dashboard.present.sentences import gaps_in_words, transitions_in_words

    ws = _analysed(args)
    params = cov_mod.CoverageParams(radius_m=args.radius, detour=args.detour, min_reach=args.min_reach,
                                    decay=args.decay)
    demand = cov_mod.prepare_demand(ws)
    result = _coverage_of(ws, params, args.threshold, demand)
    shown = cov_mod.public_table(result.table, args.threshold)
    if args.measure == "all":
        table = shown
    else:
        table = shown.pivot(index="district_id", columns="phase_id", values=args.measure).reindex(
            index=result.table["district_id"].unique(), columns=result.table["phase_id"].unique()).reset_index()
    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "csv")
    if fmt not in ("csv", "xlsx"):
        print(f"error: unknown format {fmt!r} (csv or xlsx)", file=sys.stderr)
        return 2
    if fmt == "csv":
        data = to_csv(table)
    else:
        data = to_xlsx({"coverage": table, "city": cov_mod.public_table(result.city, args.threshold),
                        "need_index": result.need.reset_index(),
                        "gaps": gaps_in_words(result, ws, "en", args.threshold),
                        "duplicates": cov_mod.public_table(cov_mod.duplicates(ws, params, demand=demand),
                                                           args.threshold),
                        "transitions": transitions_in_words(result, ws, "en", args.threshold)})
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"wrote {len(table)} rows ({args.measure}) to {args.out}")
    elif fmt == "csv":
        sys.stdout.write(data.decode("utf-8-sig"))
    else:
        print("error: --out FILE is needed for xlsx", file=sys.stderr)
        return 2
    return 0


def _gaps(args) -> int:
    from pathlib import Path

    from dashboard.analysis import coverage as cov_mod
    from dashboard.present.export import to_csv, to_xlsx
    from dashboard.present.sentences import ranked_gaps

    ws = _analysed(args)
    params = cov_mod.CoverageParams(radius_m=args.radius, detour=args.detour, min_reach=args.min_reach,
                                    decay=args.decay)
    table = ranked_gaps(_coverage_of(ws, params, args.threshold), ws, args.lang, args.threshold)
    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "csv")
    if fmt not in ("csv", "xlsx"):
        print(f"error: unknown format {fmt!r} (csv or xlsx)", file=sys.stderr)
        return 2
    if fmt == "xlsx" and not args.out:
        print("error: --out FILE is needed for xlsx", file=sys.stderr)
        return 2
    data = to_csv(table) if fmt == "csv" else to_xlsx({"gaps": table})
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"wrote {len(table)} ranked gaps to {args.out}")
    else:
        sys.stdout.write(data.decode("utf-8-sig"))
    return 0


def _difference(args) -> int:
    from pathlib import Path

    from dashboard.analysis import coverage as cov_mod
    from dashboard.present.district_tables import difference_table
    from dashboard.present.export import to_csv, to_xlsx

    ws = read_workspace(args.workspace).current()
    if not ws.has_streets:
        print("error: the workspace has no street network (python -m dashboard streets WORKSPACE FILE)",
              file=sys.stderr)
        return 1
    params = cov_mod.CoverageParams(radius_m=args.radius, detour=args.detour)
    table = difference_table(ws, cov_mod.compare_distances(ws, params, threshold=args.threshold), "en")
    if args.out:
        out = Path(args.out)
        out.write_bytes(to_xlsx({"straight_vs_network": table}) if out.suffix.lower() == ".xlsx" else to_csv(table))
        print(f"wrote {len(table)} rows to {args.out}")
    else:
        sys.stdout.write(to_csv(table).decode("utf-8-sig"))
    return 0


def _report(args) -> int:
    import time
    from pathlib import Path

    from dashboard.analysis.coverage import CoverageParams
    from dashboard.present.report import report_pdf

    started = time.perf_counter()
    ws = _analysed(args)
    cov = _coverage_of(ws, CoverageParams(), args.threshold) if ws.scenario is not None else None
    pdf = report_pdf(ws, args.district or None, cov=cov, lang=args.lang, threshold=args.threshold)
    Path(args.out).write_bytes(pdf)
    what = f"{len(args.district)} district(s)" if args.district else f"whole city ({len(ws.districts)} districts)"
    print(f"wrote {what} to {args.out} ({len(pdf) / 1e6:.1f} MB, {time.perf_counter() - started:.1f} s)")
    return 0


def _build(args) -> int:
    from dashboard.sources.recipe import build

    report = build(args.recipe, args.out)
    if args.new_cell_key:  # every published area count changes
        from dashboard.model.workspace import cell_key_secret

        cell_key_secret(args.out, renew=True)
        print(f"made a new cell-key secret for {args.out}")
    for name, rows in report.rows.items():
        print(f"read {rows} rows from {name}")
    for code, figures in report.notes:
        print(t(f"build_note.{code}", "en", **figures))
    for matches in report.matches:
        for row in matches.itertuples():
            print(f"{row.file}, row {row.row}: {row.address}: {t(f'match_status.{row.status}', 'en')}")
    print(f"wrote workspace to {args.out}")
    skipped = report.skipped_rows()
    if len(skipped):
        from pathlib import Path

        from dashboard.present.export import to_csv

        listed = Path(args.out).with_suffix(".unmatched.csv")
        shown = skipped.assign(reason=[t(f"unmatched_reason.{r}", "en") for r in skipped["reason"]])
        listed.write_bytes(to_csv(shown))
        print(f"left out {len(skipped)} rows whose address was not found: listed in {listed}")
    return 0


def _streets(args) -> int:
    from dataclasses import replace

    from dashboard.sources.streets import read_base_map, read_streets

    ws = read_workspace(args.workspace)
    nodes, edges = read_streets(args.file, ws.districts.geometry, margin_m=args.margin)
    lines, places = read_base_map(args.file, ws.districts.geometry, margin_m=args.margin)
    write_workspace(replace(ws, street_nodes=nodes, street_edges=edges, base_lines=lines, base_places=places),
                    args.workspace)
    print(t("build_note.streets", "en", nodes=len(nodes), edges=len(edges), km=round(edges["length_m"].sum() / 1000)))
    print(f"wrote the street network into {args.workspace}")
    return 0


def _user(args) -> int:
    import getpass
    import os

    from dashboard.model.accounts import add_account, add_sso_user, load_accounts, load_sso_roles

    path = args.accounts or os.environ.get("PRAEVENTIONSATLAS_ACCOUNTS")
    if not path:
        print("error: give --accounts FILE or set PRAEVENTIONSATLAS_ACCOUNTS", file=sys.stderr)
        return 2
    if args.action == "list":
        for account in load_accounts(path).values():
            print(f"{account.name:20s} {account.role:8s} {account.organisation or ''}")
        sso = load_sso_roles(path)
        for email, (role, organisation) in sso.users.items():
            print(f"{email:20s} {role:8s} {organisation or ''} (SSO)")
        return 0
    if args.sso:
        add_sso_user(path, args.name, args.role, args.organisation)
        print(f"single sign-on user {args.name} is now {args.role}")
        return 0
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
    if not args.password_stdin and getpass.getpass("Repeat: ") != password:
        print("error: passwords differ", file=sys.stderr)
        return 1
    add_account(path, args.name, args.role, password, args.organisation)
    print(f"account {args.name} ({args.role}) saved in {path}")
    return 0


def _lotse(args) -> int:
    from datetime import date

    from dashboard.analysis.nearby import FamilySituation, offers_for_family, parse_ages
    from dashboard.present.i18n import who_label
    from dashboard.sources.geocode import address_index, locate

    ws = read_workspace(args.workspace).current()
    if len(ws.addresses) == 0:
        print("error: the workspace has no address directory (layer 'addresses')", file=sys.stderr)
        return 1
    hit = locate(address_index(ws.addresses), args.address, ws.crs, streets=ws.addresses["street"])
    if hit["x"] is None:
        print(f"error: address {args.address!r} {'is ambiguous' if hit['status'] == 'ambiguous' else 'not found'} "
              "in the address directory", file=sys.stderr)
        return 1
    if hit.get("corrected"):
        print(f"address found as {hit['corrected']!r}")
    ages, bad = parse_ages(args.children)
    if bad:
        print(f"error: --children {args.children!r}: ages in years (0 to 27) separated by ';', e.g. '0,5; 4' "
              f"(not: {', '.join(bad)})", file=sys.stderr)
        return 2
    situation = FamilySituation(pregnant=args.pregnant, child_ages=ages, parents=args.parents,
                                older_relatives=args.older)
    if situation.is_empty():
        print("error: say who the offers are for (--pregnant, --children, --parents, --older)", file=sys.stderr)
        return 2
    # as the Lotse page asks: offers valid today
    from dashboard.analysis.walking import SPEEDS_KMH

    speed = SPEEDS_KMH["slow" if args.slow else "default"]
    found = offers_for_family(ws, hit["x"], hit["y"], situation, max_distance_m=args.max_distance,
                              valid_on=date.today(), speed_kmh=speed)
    print("walking along the streets" if ws.has_streets else "walking estimated as straight line × 1.3",
          f"at {speed:g} km/h")
    for k, row in enumerate(found.itertuples(), start=1):
        walk = "outreach" if row.outreach else f"{int(row.walking_min)} min ({int(row.distance_m)} m)"
        whom = ", ".join(dict.fromkeys(who_label(w, "en") for w in row.for_whom))
        where = "comes to the family" if row.outreach else row.address if isinstance(row.address, str) and \
            row.address else "address unknown"
        print(f"{k:3d}. {row.name} – {row.provider} – {where} – {walk} – for {whom}")
    if args.out:
        from dashboard.present.report import wegweiser_pdf

        with open(args.out, "wb") as fh:
            fh.write(wegweiser_pdf(ws, hit["x"], hit["y"], found, lang=args.lang, speed_kmh=speed))
        print(f"wrote {args.out}")
    return 0


def _networks(args) -> int:
    from dashboard.analysis import networks

    ws = read_workspace(args.workspace).current()
    for row in networks.network_summary(ws).itertuples():
        print(f"{row.network_id} {row.name}: {row.members} members; phases {', '.join(row.life_phases)} "
              f"(offers: {', '.join(row.offer_phases)}); "
              f"{', '.join(row.legal_domains)}{' (cross-sector)' if row.cross_sector else ''}")
    for row in networks.cross_sector_ties(ws).itertuples():
        print(f"tie {row.legal_domain_a} – {row.legal_domain_b}: {row.partner_pairs} partner pairs")
    alone = networks.partners_without_network(ws)
    print(f"partners in no network: {', '.join(alone['organisation']) or 'none'}")
    empty = networks.districts_without_network_partner(ws)
    print(f"districts without a network partner: {', '.join(empty['name']) or 'none'}")
    print(f"life phases without a network: {', '.join(networks.phases_without_network(ws)) or 'none'}")
    return 0


def _sites(args) -> int:
    from pathlib import Path

    from dashboard.analysis import coverage as cov_mod
    from dashboard.analysis import suggest
    from dashboard.present.export import to_csv, to_xlsx
    from dashboard.present.sentences import site_sentences, suggestion_assumptions, suggestion_summary

    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "csv")
    if fmt not in ("csv", "xlsx") or (fmt == "xlsx" and not args.out):
        print("error: --format csv, or xlsx with --out FILE", file=sys.stderr)
        return 2
    ws = _analysed(args)
    params = cov_mod.CoverageParams(radius_m=args.radius, detour=args.detour)
    if args.candidates in ("addresses", "grid"):
        candidates = args.candidates
    else:
        from dashboard.sources.candidates import read_candidates

        candidates = suggest.layer_candidates(read_candidates(args.candidates, ws), ws.crs)
    phases = [p.strip() for p in args.phase.split(",") if p.strip()]
    found = suggest.suggest_sites(ws, phases, args.k, params, candidates=candidates,
                                  need_weighted=args.need_weighted, threshold=args.threshold)
    table = found.sites.assign(sentence=site_sentences(found, ws, args.lang, args.threshold))
    table = table[["rank", "label", "near_address", "district_id", "district_name", "x", "y", "new_persons",
                   "new_persons_high_need", "sentence"]].round({"x": 1, "y": 1})
    choice = found.choice
    # the solver's own objective is an exact count (or need-weighted count) of a free area: only
    # its published form (cell-key) and ratios rounded to 0.1 % leave the library
    greedy_share = round(choice.greedy_reached / choice.reached, 3) if choice.reached > 0 else 1.0
    gap = round(choice.gap, 3) if choice.gap != float("inf") else None
    solver = pd_frame({"objective_persons_published": [found.new_persons], "need_weighted": [args.need_weighted],
                       "optimality_gap": [gap], "greedy_share_of_objective": [greedy_share],
                       "method": [choice.method], "summary": [suggestion_summary(found, ws, args.lang, args.threshold)],
                       "assumptions": [suggestion_assumptions(found, args.lang)]})
    print(suggestion_summary(found, ws, "en", args.threshold), file=sys.stderr)
    print(f"objective: {found.new_persons:,.0f} persons newly reached (published); optimality gap "
          f"{'unknown' if gap is None else f'{100 * gap:.1f} %'}; the greedy choice reaches {100 * greedy_share:.1f} % "
          f"of the objective{' (need-weighted)' if args.need_weighted else ''}; method {choice.method}", file=sys.stderr)
    print(suggestion_assumptions(found, "en"), file=sys.stderr)
    data = to_csv(table) if fmt == "csv" else to_xlsx({"sites": table, "solver": solver})
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"wrote {len(table)} sites to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8-sig"))
    return 0


def _scenario(args) -> int:
    from pathlib import Path

    from dashboard.sources import scenarios as store

    ws = read_workspace(args.workspace)
    if args.action == "list":
        table = ws.scenarios.copy()
        counts = ws.scenario_changes.groupby("scenario_id").size()
        table["changes"] = table["scenario_id"].map(counts).fillna(0).astype(int)
        cols = ["scenario_id", "name", "shared", "changes", "created_by", "created_at"]
        sys.stdout.write(table[cols].to_csv(sep=";", index=False) if len(table) else "no scenarios\n")
        return 0
    if args.action == "import":
        if not args.target:
            print("error: the scenario FILE to import is missing", file=sys.stderr)
            return 2
        path = Path(args.target)
        _, scenario_id = store.import_scenario(args.workspace, path.read_bytes(), path.name, user=args.user,
                                               role="planner")
        print(f"imported {path.name} as scenario {scenario_id}")
        return 0
    if not args.target:
        print("error: SCENARIO_ID is missing (python -m dashboard scenario list WORKSPACE)", file=sys.stderr)
        return 2
    if args.action == "export":
        data = store.export_scenario(ws, args.target)
        if args.out:
            Path(args.out).write_bytes(data)
            print(f"wrote scenario {args.target} to {args.out}", file=sys.stderr)
        else:
            sys.stdout.write(data.decode("utf-8") + "\n")
        return 0
    if args.action == "show":
        table = ws.scenario_changes[ws.scenario_changes["scenario_id"] == args.target]
        if not (ws.scenarios["scenario_id"] == args.target).any():
            store.export_scenario(ws, args.target)  # raises the 'unknown record' problem
        sys.stdout.write(table.drop(columns=["scenario_id"]).to_csv(sep=";", index=False))
        return 0
    from dashboard.analysis import coverage as cov_mod
    from dashboard.analysis import scenario as what_if
    from dashboard.present.export import to_csv, to_xlsx

    params = cov_mod.CoverageParams(radius_m=args.radius, valid_on=_day(args.valid_on))
    ist = ws.current()
    scen = what_if.apply_scenario(ist, args.target)
    demand = cov_mod.prepare_demand(ist)
    ist_cov = cov_mod.coverage(ist, params, demand)
    scen_demand = cov_mod.prepare_demand(scen)
    scen_cov = what_if.scenario_coverage(ist, scen, params, ist_demand=demand, ist_cov=ist_cov,
                                         scen_demand=scen_demand, threshold=args.threshold)
    table = what_if.compare(ist_cov, scen_cov, ist, scen, params, args.threshold, ist_demand=demand,
                            scen_demand=scen_demand)
    if args.changed_only:
        table = table[what_if.changed_rows(table)]
    data = to_xlsx({"scenario_vs_ist": table}) if args.out and args.out.lower().endswith(".xlsx") else to_csv(table)
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"wrote {len(table)} rows to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8-sig"))
    return 0


def _monitoring(args) -> int:
    from pathlib import Path

    from dashboard.analysis import coverage as cov_mod
    from dashboard.analysis import quality
    from dashboard.present import quality as words
    from dashboard.sources.targets import current

    ws = read_workspace(args.workspace)  # retired records too: they count on the days they were valid
    days = [_day(d.strip(), "days") for d in args.days.split(",")] if args.days else None
    params = cov_mod.CoverageParams(radius_m=args.radius)
    mon = quality.monitor(ws, days, params, args.threshold)
    since, changes = quality.changes_since(mon, ws, _day(args.since, "since"), params, args.threshold)
    status = quality.target_table(mon, current(ws.targets))
    assessments = current(ws.assessments)
    Path(args.out).write_bytes(words.monitoring_pdf(ws, mon, status, changes, since, args.lang, assessments))
    print(f"wrote the Monitoringbericht ({len(mon.days)} report days, {len(status)} targets) to {args.out}",
          file=sys.stderr)
    if args.xlsx:
        Path(args.xlsx).write_bytes(words.monitoring_xlsx(ws, mon, status, changes, args.lang, assessments))
        print(f"wrote the workbook to {args.xlsx}", file=sys.stderr)
    return 0


def _targets(args) -> int:
    from pathlib import Path

    from dashboard.sources import targets as store

    if args.action == "list":
        ws = read_workspace(args.workspace)
        table = store.current(ws.targets) if not args.all else ws.targets
        cols = ["target_id", "district_id", "phase_id", "measure", "value", "due", "note", "set_by", "set_on",
                "version"] + (["retired"] if args.all else [])
        if not len(table):
            print("no targets")
            return 0
        out = table[cols].copy()
        for col in ("due", "set_on"):
            out[col] = out[col].map(lambda d: "" if d is None or d != d else str(d)[:10])
        sys.stdout.write(out.to_csv(sep=";", index=False))
        return 0
    if args.action == "import":
        if not args.file:
            print("error: the FILE to import (CSV/XLSX) is missing", file=sys.stderr)
            return 2
        path = Path(args.file)
        _, ids = store.import_targets(args.workspace, path.name, path.read_bytes(), user=args.user, role="planner")
        print(f"imported {len(ids)} targets from {path.name}")
        return 0
    if args.action == "retire":
        if not args.id:
            print("error: --id TARGET_ID is missing", file=sys.stderr)
            return 2
        store.retire_target(args.workspace, args.id, user=args.user, role="planner")
        print(f"retired target {args.id}")
        return 0
    values = {"district_id": args.district, "phase_id": args.phase, "measure": args.measure, "value": args.value,
              "due": args.due, "note": args.note}
    if args.id:  # change only what was given
        ws = read_workspace(args.workspace)
        row = ws.targets[ws.targets["target_id"] == args.id]
        if len(row):
            old = row.iloc[0]
            values = {k: (v if v is not None else old[k]) for k, v in values.items()}
    _, target_id = store.set_target(args.workspace, values, user=args.user, role="planner", target_id=args.id)
    print(f"saved target {target_id}")
    return 0


def _day(text, field: str = "valid-on"):
    from datetime import date

    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        from dashboard.model.problems import problem

        raise ProblemError([problem("not_a_date", field=field, value=text)]) from None


def pd_frame(columns: dict):
    import pandas as pd

    return pd.DataFrame(columns)


def _vendor(args) -> int:
    for target in offline.fetch_assets():
        print(f"fetched {offline.STATIC_DIR.relative_to(offline.ROOT) / target}")
    return 0


def _workspace(args) -> int:
    from dashboard.model import postgis
    from dashboard.model.store import copy_workspace, location_name

    if args.action == "migrate":
        if not postgis.is_database_url(args.source):
            print("error: migrate takes a database URL (postgresql://user@host/db?schema=NAME)", file=sys.stderr)
            return 2
        before = postgis.migrate(postgis.parse_url(args.source))
        print(f"{location_name(args.source)}: schema level {before} -> {postgis.SCHEMA_LEVEL}")
        return 0
    if not args.target:
        print("error: TARGET is missing (python -m dashboard workspace copy SOURCE TARGET)", file=sys.stderr)
        return 2
    copy_workspace(args.source, args.target)
    ws = read_workspace(args.target)
    counts = ", ".join(f"{n} {k}" for k, n in ws.counts().items() if n)
    print(f"copied {location_name(args.source)} -> {location_name(args.target)}: {counts}")
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="praeventionsatlas", description="Präventionsatlas tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="write the fictional demo workspace")
    p.add_argument("--out", default=str(DEMO_WORKSPACE))
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=_demo)
    for name, func in (("validate", _validate), ("info", _info)):
        p = sub.add_parser(name, help=f"{name} a workspace")
        p.add_argument("workspace")
        p.set_defaults(func=func)
    p = sub.add_parser("coverage", help="district × phase coverage table")
    p.add_argument("workspace")
    p.add_argument("--scenario", help="analyse this scenario (its id, see 'scenario list') instead of the real data")
    p.add_argument("--as-of", help="the workspace as it was on this day (YYYY-MM-DD): offers valid then, the "
                                   "population of that year")
    p.add_argument("--radius", type=float, default=1000.0, help="walking distance in metres (default 1000)")
    p.add_argument("--detour", type=float, default=1.3, help="network/straight-line factor (default 1.3)")
    p.add_argument("--decay", choices=("none", "gaussian"), default="none",
                   help="2SFCA distance decay: none (classic) or gaussian (σ = half the radius)")
    p.add_argument("--min-reach", type=float, default=0.5, help="gap threshold, share reached 0-1 (default 0.5)")
    p.add_argument("--measure", default="all", choices=["all", *MEASURE_NAMES],
                   help="one measure as a district × phase matrix, or all measures in long form")
    p.add_argument("--format", choices=["csv", "xlsx"], help="default: from --out, else csv")
    p.add_argument("--threshold", type=int, default=3, help="smallest person count shown (default 3)")
    p.add_argument("--out", help="output file (default: CSV to standard output)")
    p.set_defaults(func=_coverage)
    p = sub.add_parser("gaps", help="the ranked gaps (district, phase, published figures, rank, sentence)")
    p.add_argument("workspace")
    p.add_argument("--scenario", help="analyse this scenario (its id, see 'scenario list') instead of the real data")
    p.add_argument("--as-of", help="the workspace as it was on this day (YYYY-MM-DD): offers valid then, the "
                                   "population of that year")
    p.add_argument("--radius", type=float, default=1000.0, help="walking distance in metres (default 1000)")
    p.add_argument("--detour", type=float, default=1.3, help="network/straight-line factor (default 1.3)")
    p.add_argument("--decay", choices=("none", "gaussian"), default="none")
    p.add_argument("--min-reach", type=float, default=0.5, help="gap threshold, share reached 0-1 (default 0.5)")
    p.add_argument("--threshold", type=int, default=3, help="smallest person count shown (default 3)")
    p.add_argument("--format", choices=["csv", "xlsx"], help="default: from --out, else csv")
    p.add_argument("--out", help="output file (default: CSV to standard output)")
    p.add_argument("--lang", choices=["de", "en"], default="de")
    p.set_defaults(func=_gaps)

    p = sub.add_parser("difference", help="reach per district and phase: straight line × detour vs. the street network")
    p.add_argument("workspace")
    p.add_argument("--radius", type=float, default=1000.0, help="walking distance in metres (default 1000)")
    p.add_argument("--detour", type=float, default=1.3, help="straight-line factor compared with (default 1.3)")
    p.add_argument("--threshold", type=int, default=3, help="smallest person count shown (default 3)")
    p.add_argument("--out", help="CSV or XLSX file (default: CSV to standard output)")
    p.set_defaults(func=_difference)
    p = sub.add_parser("build", help="build a workspace from the sources named in a TOML recipe")
    p.add_argument("recipe")
    p.add_argument("--out", required=True, help="workspace GeoPackage to write")
    p.add_argument("--new-cell-key", action="store_true",
                   help="replace the workspace's cell-key secret (kept across rebuilds otherwise)")
    p.set_defaults(func=_build)
    p = sub.add_parser("streets", help="put the walkable street network of an OSM extract or line layer into a workspace")
    p.add_argument("workspace")
    p.add_argument("file", help=".osm.pbf, .osm, .osm.gz, or a GeoPackage/Shapefile of street lines")
    p.add_argument("--margin", type=float, default=1500.0, help="metres around the municipality kept (default 1500)")
    p.set_defaults(func=_streets)
    p = sub.add_parser("user", help="manage local accounts (salted password hashes)")
    p.add_argument("action", choices=["add", "list"])
    p.add_argument("name", nargs="?")
    p.add_argument("--role", choices=["planner", "partner", "viewer"], default="viewer")
    p.add_argument("--organisation", help="partner_id of a partner account")
    p.add_argument("--accounts", help="accounts file (default: $PRAEVENTIONSATLAS_ACCOUNTS)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--sso", action="store_true",
                   help="NAME is the e-mail address of a single-sign-on (OIDC) user; no password")
    p.set_defaults(func=_user)
    p = sub.add_parser("report", help="Sozialraumprofil PDF (one or more districts, or the whole city)")
    p.add_argument("workspace")
    p.add_argument("--scenario", help="analyse this scenario (its id, see 'scenario list') instead of the real data")
    p.add_argument("--district", action="append", help="district id (repeatable); default: whole city")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.add_argument("--lang", choices=["de", "en"], default="de")
    p.add_argument("--threshold", type=int, default=3, help="smallest person count shown (default 3)")
    p.set_defaults(func=_report)
    p = sub.add_parser("lotse", help="offers near a family, nearest first (optionally the one-page PDF)")
    p.add_argument("workspace")
    p.add_argument("--address", required=True, help="'Street No[, postcode place]' from the address directory")
    p.add_argument("--children", default="", help="children's ages in years, separated by ';'")
    p.add_argument("--pregnant", action="store_true")
    p.add_argument("--parents", action="store_true", help="offers for the parents themselves")
    p.add_argument("--older", action="store_true", help="offers for older relatives")
    p.add_argument("--max-distance", type=float, default=3000.0, help="longest walk in metres (default 3000)")
    p.add_argument("--slow", action="store_true", help="walk at 3 km/h (pram, older people) instead of 4.5 km/h")
    p.add_argument("--out", help="write the Wegweiser PDF here")
    p.add_argument("--lang", choices=["de", "en"], default="de")
    p.set_defaults(func=_lotse)
    p = sub.add_parser("networks", help="network summary, cross-sector ties and holes")
    p.add_argument("workspace")
    p.set_defaults(func=_networks)
    p = sub.add_parser("scenario", help="what-if scenarios: list, show, compare with Ist, export, import")
    p.add_argument("action", choices=["list", "show", "compare", "export", "import"])
    p.add_argument("workspace")
    p.add_argument("target", nargs="?", help="scenario id (show, compare, export) or file (import)")
    p.add_argument("--out", help="output file (compare: CSV or XLSX; export: JSON)")
    p.add_argument("--radius", type=float, default=1000.0, help="walking distance in metres (default 1000)")
    p.add_argument("--valid-on", help="compare on this day (YYYY-MM-DD): offers closed before it are gone")
    p.add_argument("--changed-only", action="store_true", help="only districts and phases the scenario changes")
    p.add_argument("--threshold", type=int, default=3, help="smallest person count shown (default 3)")
    p.add_argument("--user", default=os.environ.get("USER", "cli"), help="recorded as the importer")
    p.set_defaults(func=_scenario)
    p = sub.add_parser("monitoring", help="Monitoringbericht: quality goals, targets and changes over the report days "
                                          "(PDF, optionally XLSX)")
    p.add_argument("workspace")
    p.add_argument("--out", required=True, help="the PDF to write")
    p.add_argument("--xlsx", help="also write the workbook")
    p.add_argument("--since", help="list what changed since this day (YYYY-MM-DD; default: the report day before "
                                   "the last)")
    p.add_argument("--days", help="report days, separated by ',' (default: 31 December of each population year)")
    p.add_argument("--radius", type=float, default=1000.0, help="walking distance in metres (default 1000)")
    p.add_argument("--threshold", type=int, default=3, help="smallest person count shown (default 3)")
    p.add_argument("--lang", choices=["de", "en"], default="de", help="language of the report (default de)")
    p.set_defaults(func=_monitoring)
    p = sub.add_parser("targets", help="targets (Zielwerte): list, set (add or change), retire, import from CSV/XLSX")
    p.add_argument("action", choices=["list", "set", "retire", "import"])
    p.add_argument("workspace")
    p.add_argument("file", nargs="?", help="import: CSV/XLSX with district_id, phase_id, measure, value, due, note")
    p.add_argument("--id", help="the target to change or retire (see 'targets list')")
    p.add_argument("--district", help="district id or name (empty: the whole city)")
    p.add_argument("--phase", help="life phase id (needed by the coverage measures)")
    p.add_argument("--measure", help="what is measured, e.g. reach_share, gaps, outreach_share")
    p.add_argument("--value", help="the value to reach: a share as 0.8 or '80 %%', a count, a rate")
    p.add_argument("--due", help="the day by which it is to be reached (YYYY-MM-DD)")
    p.add_argument("--note", help="why, who agreed (free text)")
    p.add_argument("--all", action="store_true", help="list: retired targets too")
    p.add_argument("--user", default=os.environ.get("USER", "cli"), help="recorded as the one who set it")
    p.set_defaults(func=_targets)
    p = sub.add_parser("sites", help="Standortvorschlag: where k new offers reach the most persons not reached today")
    p.add_argument("workspace")
    p.add_argument("--scenario", help="analyse this scenario (its id, see 'scenario list') instead of the real data")
    p.add_argument("--phase", required=True, help="life phase id; several separated by ',' (a Familienzentrum)")
    p.add_argument("--k", type=int, required=True, help="number of new sites")
    p.add_argument("--radius", type=float, default=1000.0, help="walking distance in metres (default 1000)")
    p.add_argument("--detour", type=float, default=1.3, help="network/straight-line factor (default 1.3)")
    p.add_argument("--candidates", default="grid",
                   help="candidate sites: a file (GeoPackage/GeoJSON points, CSV/XLSX with coordinates or "
                        "addresses), 'addresses' (the address list) or 'grid' (populated cells; default)")
    p.add_argument("--need-weighted", action="store_true", help="weight persons by their district's need index")
    p.add_argument("--threshold", type=int, default=3, help="smallest person count shown (default 3)")
    p.add_argument("--format", choices=["csv", "xlsx"], help="default: from --out, else csv")
    p.add_argument("--out", help="output file (default: CSV to standard output)")
    p.add_argument("--lang", choices=["de", "en"], default="en", help="language of the sentences (default en)")
    p.set_defaults(func=_sites)
    p = sub.add_parser("workspace", help="copy a workspace between GeoPackage and PostgreSQL/PostGIS; migrate")
    p.add_argument("action", choices=["copy", "migrate"])
    p.add_argument("source", help="copy: the workspace to copy; migrate: the database URL")
    p.add_argument("target", nargs="?", help="copy: where to (a .gpkg file or postgresql://…?schema=NAME)")
    p.set_defaults(func=_workspace)
    sub.add_parser("serve", help="start the app (options go to 'streamlit run'); makes no outside request")
    sub.add_parser("vendor", help="re-fetch the pinned map libraries").set_defaults(func=_vendor)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ProblemError as exc:  # bad input: every problem with file, row and field
        print(report(exc.problems, "en"), file=sys.stderr)
        return 1
    except OSError as exc:  # a file that cannot be opened or written
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception:  # a programming error: never shown as if it were bad input
        if os.environ.get("PRAEVENTIONSATLAS_DEBUG"):
            raise
        logging.getLogger("praeventionsatlas").exception("unexpected error")
        print("unexpected error – please report it with the command you ran "
              "(PRAEVENTIONSATLAS_DEBUG=1 shows the details)", file=sys.stderr)
        return 2
