"""``python -m dashboard``: ``serve`` starts the app (dashboard.app.server), everything else is the CLI."""

import sys

if sys.argv[1:2] == ["serve"]:
    from dashboard.app.server import serve

    raise SystemExit(serve(sys.argv[2:]))

from dashboard.cli import main

raise SystemExit(main())
