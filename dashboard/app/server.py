"""``python -m dashboard serve``: start the app server without any outside request."""

from __future__ import annotations

import sys

from dashboard.model.settings import ENTRY_SCRIPT


def serve(streamlit_args: list[str]) -> int:
    """``streamlit run dashboard/app/main.py`` with Streamlit's external-IP lookup switched off.

    Streamlit asks checkip.amazonaws.com for the machine's public address when it prints its
    URLs on a wildcard address and when a browser connects under a name it does not know; a
    municipal intranet must see no such request (and no 2 s wait for its time-out)."""
    from streamlit import net_util
    from streamlit.web import cli as streamlit_cli

    net_util.get_external_ip = lambda: None
    sys.argv = ["streamlit", "run", str(ENTRY_SCRIPT), *streamlit_args]
    return streamlit_cli.main()
