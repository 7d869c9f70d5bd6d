"""The last line of defence: an unexpected error is logged and shown as a short message."""

from __future__ import annotations

import logging
from datetime import datetime

import streamlit as st

from dashboard.app.state import t

log = logging.getLogger("praeventionsatlas")


def _under_test() -> bool:
    """True while ``streamlit.testing`` (AppTest) runs the script (it patches ``config.get_option``)."""
    from streamlit import config

    return bool(config.get_option("global.appTest"))


def run_guarded(page) -> None:
    """Run a page; an unexpected exception is logged and shown as a short message, never a traceback.

    Under ``streamlit.testing`` (AppTest) the exception is raised again, so that a page test
    sees every crash instead of an error box."""
    try:
        page.run()
    except Exception:  # noqa: BLE001 - last line of defence, Streamlit control flow is BaseException
        when = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        log.exception("unexpected error at %s", when)
        if _under_test():
            raise
        st.error(t("unexpected_error", when=when))
