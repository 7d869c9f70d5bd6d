"""Helpers for AppTest: run the app, reach the st_folium map's arguments."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from conftest import ROOT


def run_app(page: str | None = None, query: dict | None = None, session: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (session or {}).items():
        at.session_state[key] = value
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
