"""Every analysis page runs on a scenario: the sidebar's choice, the notice, roles (only
shared scenarios for viewers and partners), and the figures that change."""

from __future__ import annotations

import pytest
import shapely
from apptest_util import run_app

from dashboard.sources import scenarios as store

NEW_OFFER = {"name": "Elterncafé Westfeld", "provider": "Stadt", "category": "Treffpunkt",
             "sectors": ["Kinder- und Jugendhilfe"], "life_phases": ["early_childhood", "kita"], "audience": ["Eltern"],
             "last_updated": "2026-12-01"}


@pytest.fixture
def town(monkeypatch, workspace_copy):
    monkeypatch.setenv("PRAEVENTIONSATLAS_WORKSPACE", str(workspace_copy))
    _, shared = store.create_scenario(workspace_copy, "Elterncafé Westfeld", user="anna", role="planner", shared=True)
    store.add_change(workspace_copy, shared, "add", user="anna", role="planner", layer="offers", fields=NEW_OFFER,
                     geometry=shapely.Point(428838, 5699052))
    _, private = store.create_scenario(workspace_copy, "Entwurf", user="anna", role="planner")
    return workspace_copy, shared, private


def notice(at) -> str:
    return " ".join(str(i.value) for i in at.info)


@pytest.mark.parametrize("page", ["pages/map.py", "pages/chain.py", "pages/gaps.py", "pages/profile.py",
                                  "pages/partner.py", "pages/present.py"])
def test_every_analysis_page_runs_on_a_shared_scenario(town, page):
    _, shared, _ = town
    at = run_app(page, query={"sc": shared})
    assert "Elterncafé Westfeld" in notice(at) and "Was-wäre-wenn" in notice(at)
    choice = at.sidebar.selectbox(key="scenario")
    assert choice.value == shared and len(choice.options) == 2  # Ist and the shared one: no draft for a viewer


def test_a_viewer_never_sees_a_draft_and_planners_do(town):
    _, shared, private = town
    at = run_app("pages/chain.py", query={"sc": private})
    assert "Szenario" not in notice(at) and at.sidebar.selectbox(key="scenario").value == ""
    at = run_app("pages/chain.py", query={"sc": private}, session={"role": "planner", "user": "anna"})
    assert "Entwurf" in notice(at) and len(at.sidebar.selectbox(key="scenario").options) == 3


def test_the_chain_shows_the_scenarios_reach(town):
    _, shared, _ = town
    ist = run_app("pages/chain.py", query={"d": "SR07", "p": "early_childhood"})
    what_if = run_app("pages/chain.py", query={"d": "SR07", "p": "early_childhood", "sc": shared})

    def facts(at):
        return at.dataframe[1].value.to_string()

    assert facts(ist) != facts(what_if)
    back = what_if.sidebar.selectbox(key="scenario").set_value("").run()
    assert facts(back) == facts(ist) and "Was-wäre-wenn" not in notice(back)
