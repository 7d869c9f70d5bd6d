"""Helpers for AppTest: run the app through its entry script and see every crash.

``PageTest`` checks after every run (first run, widget interaction, page switch) that no
exception reached the page: the app's guard (``guard.run_guarded``) re-raises under AppTest, so
an error on whatever page the run shows fails the test instead of hiding in an error box.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dashboard.model.settings import ENTRY_SCRIPT
from dashboard.present import i18n

UNEXPECTED = tuple(text.split("{")[0] for text in i18n.TEXT["unexpected_error"])


class CrashOnPage(AssertionError):
    """A page raised (or showed the guard's 'unexpected error' box) during an AppTest run."""


class PageTest(AppTest):
    """AppTest of the whole app; page paths are given as in the repository (``pages/map.py``)."""

    expect_crash = False

    def _run(self, widget_state=None, timeout=None):
        from streamlit import config

        # the app's config redacts error details (users see no traceback); tests want them
        redacted = config.get_option("client.showErrorDetails")
        config.set_option("client.showErrorDetails", "full")
        try:
            result = super()._run(widget_state, timeout)
        finally:
            config.set_option("client.showErrorDetails", redacted)
        if not self.expect_crash:
            assert_no_crash(self)
        return result

    def switch_page(self, page_path: str) -> PageTest:
        return super().switch_page(str(ROOT / page_path) if not Path(page_path).is_absolute() else page_path)


def assert_no_crash(at: AppTest) -> None:
    """Fail with the traceback when the run raised, or an 'unexpected error' box is shown."""
    if len(at.exception):
        raise CrashOnPage("\n".join(e.message + "\n" + "\n".join(e.stack_trace) for e in at.exception))
    boxes = [e.value for e in [*at.error, *at.sidebar.error] if str(e.value).startswith(UNEXPECTED)]
    if boxes:
        raise CrashOnPage(boxes[0])


def new_app(timeout: float = 60) -> PageTest:
    return PageTest(ENTRY_SCRIPT, default_timeout=timeout)


def run_app(page: str | None = None, query: dict | None = None, session: dict | None = None,
            secrets: dict | None = None) -> PageTest:
    at = new_app()
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (session or {}).items():
        at.session_state[key] = value
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def components(at: AppTest) -> list:
    found = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", None) == "component_instance":
                found.append(child)
            walk(child)

    walk(at.main)
    return found


def map_args(at: AppTest, index: int = 0) -> dict:
    """The arguments st_folium sent to its frontend: script, js_links, css_links, ..."""
    return json.loads(components(at)[index].proto.json_args)


def shown(markdown: str) -> str:
    """What a person reads from Markdown the app escaped (:func:`dashboard.present.format.md`)."""
    import re

    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|~<>$:=])", r"\1", markdown).replace("\u200b", "").replace("&amp;", "&")


def table_value(element):
    """A plain table's (st.table's) DataFrame as a person reads it: the app escapes its texts,
    because st.table reads cells as Markdown (see ``widgets.plain_table``)."""
    frame = element.value
    return frame.rename(columns=lambda c: shown(str(c))).map(lambda v: shown(v) if isinstance(v, str) else v)
