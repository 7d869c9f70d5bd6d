"""Command line: ``python -m dashboard COMMAND``.

    demo     [--out FILE] [--seed N]   write the fictional demo workspace
    validate WORKSPACE                 check a workspace, list every problem
    info     WORKSPACE                 summary of a workspace
    vendor                             re-fetch the pinned map libraries (npm)

Messages are in English; the exit code is 0 on success, 1 on problems, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import sys

from . import offline
from .settings import DEMO_WORKSPACE
from .workspace import WorkspaceError, read_workspace, write_workspace


def _demo(args) -> int:
    from .demo import generate_demo_workspace

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


def _vendor(args) -> int:
    for target in offline.fetch_assets():
        print(f"fetched static/{target}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Präventionsatlas tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="write the fictional demo workspace")
    p.add_argument("--out", default=str(DEMO_WORKSPACE))
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=_demo)
    for name, func in (("validate", _validate), ("info", _info)):
        p = sub.add_parser(name, help=f"{name} a workspace")
        p.add_argument("workspace")
        p.set_defaults(func=func)
    sub.add_parser("vendor", help="re-fetch the pinned map libraries").set_defaults(func=_vendor)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except WorkspaceError as exc:
        print(exc.report("en"), file=sys.stderr)
        return 1
    except (RuntimeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
