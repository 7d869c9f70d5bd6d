"""``python -m dashboard`` and the ``praeventionsatlas`` command: ``serve`` starts the app
(dashboard.app.server), everything else is the CLI (dashboard.cli)."""

import sys


def run(argv=None) -> int:
    """The command line: ``serve [streamlit options]`` or a CLI command (``build``, ``coverage`` …)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["serve"]:
        from dashboard.app.server import serve

        return serve(argv[1:])
    from dashboard.cli import main

    return main(argv)


if __name__ == "__main__":
    raise SystemExit(run())
