"""Network metrics on a hand-made cooperation structure, and the demo city's networks."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
from test_coverage import CRS, X0, Y0, offer, tiny

from dashboard.analysis import networks as N
from dashboard.present import network_chart


def networked_town():
    ws = tiny([offer("O1", ["youth"], 100, 100), offer("O2", ["kita"], 1500, 100)])
    ws.offers = ws.offers.assign(partner_id=["P1", "P3"])
    ws.partners = gpd.GeoDataFrame({
        "partner_id": ["P1", "P2", "P3", "P4"],
        "organisation": ["Jugendamt", "Gesundheitsamt", "Grundschule Ost", "Sportverein"],
        "sector": ["Kinder- und Jugendhilfe", "Gesundheit", "Bildung", "Sport"],
        "legal_domain": ["SGB VIII", "SGB V", "Schule", "Sonstige"],
    }, geometry=[shapely.Point(X0 + 100, Y0 + 100), shapely.Point(X0 + 200, Y0 + 100),
                 shapely.Point(X0 + 1500, Y0 + 100), shapely.Point(X0 + 1600, Y0 + 100)], crs=CRS)
    ws.networks = pd.DataFrame({"network_id": ["N1", "N2"], "name": ["Frühe Hilfen", "Kita–Schule"],
                                "life_phases": [("pregnancy", "early_childhood"), ("kita",)],
                                "coordinator": ["P1", "P1"]})
    ws.memberships = pd.DataFrame({"network_id": ["N1", "N1", "N2", "N2"], "partner_id": ["P1", "P2", "P1", "P3"],
                                   "role": ["Koordination", "Mitglied", "Koordination", "Mitglied"]})
    return ws


def test_network_summary_by_hand():
    summary = N.network_summary(networked_town()).set_index("network_id")
    assert summary.loc["N1", "members"] == 2 and summary.loc["N1", "member_names"] == ("Jugendamt", "Gesundheitsamt")
    # its own phases, and the phases its members' offers cover (P1 youth work, P3 kita), in chain order
    assert summary.loc["N1", "life_phases"] == ("pregnancy", "early_childhood")
    assert summary.loc["N1", "offer_phases"] == ("youth",)
    assert summary.loc["N2", "offer_phases"] == ("kita", "youth")
    assert summary.loc["N1", "legal_domains"] == ("SGB V", "SGB VIII") and summary.loc["N1", "cross_sector"]
    assert summary.loc["N2", "sectors"] == ("Bildung", "Kinder- und Jugendhilfe")


def test_gaps_in_the_structure():
    ws = networked_town()
    assert list(N.partners_without_network(ws)["partner_id"]) == ["P4"]
    assert list(N.districts_without_network_partner(ws)["district_id"]) == ["D2"]  # nobody in 'Wald'
    assert N.phases_without_network(ws) == ["primary", "youth", "transition", "adults", "seniors"]
    ties = N.cross_sector_ties(ws)
    assert ties.values.tolist() == [["SGB V", "SGB VIII", 1], ["SGB VIII", "Schule", 1]]
    assert list(N.members_of(ws, "N2")["partner_id"]) == ["P1", "P3"]


def test_graph_and_layout():
    ws = networked_town()
    g = N.network_graph(ws)
    assert g.number_of_nodes() == 6 and g.number_of_edges() == 4
    assert g.degree[("partner", "P1")] == 2 and g.degree[("partner", "P4")] == 0
    pos = N.layout(g)
    assert pos == N.layout(g) and set(pos) == set(g.nodes)  # deterministic
    lowest_tied = min(pos[n][1] for n in g if g.degree[n])
    assert pos[("partner", "P4")][1] < lowest_tied  # the partner without network sits below the graph


def test_demo_city_networks(demo_ws):
    summary = N.network_summary(demo_ws)
    assert len(summary) == len(demo_ws.networks) and summary["members"].gt(0).all()
    assert summary["cross_sector"].any()
    ties = N.cross_sector_ties(demo_ws)
    assert (ties["legal_domain_a"] < ties["legal_domain_b"]).all() and ties["partner_pairs"].gt(0).all()
    members = set(demo_ws.memberships["partner_id"])
    assert set(N.partners_without_network(demo_ws)["partner_id"]) == set(demo_ws.partners["partner_id"]) - members


def test_network_figure_marks_nodes_for_clicks():
    ws = networked_town()
    fig = network_chart.network_figure(ws, colour_by="legal_domain", highlight="N1")
    nodes = [d for d in fig.data if d.mode and "markers" in d.mode]
    ids = [tuple(c) for d in nodes for c in d.customdata]
    assert sorted(ids) == sorted([("network", "N1"), ("network", "N2"), ("partner", "P1"), ("partner", "P2"),
                                  ("partner", "P3"), ("partner", "P4")])
    assert {d.name for d in nodes} >= {"SGB VIII", "SGB V", "Schule", "Sonstige"}
    bold = fig.data[1]  # the highlighted network's memberships
    assert len([v for v in bold.x if v is not None]) == 2 * 2
    import pytest

    with pytest.raises(ValueError):
        network_chart.network_figure(ws, colour_by="colour")


def test_network_figure_escapes_names():
    ws = networked_town()
    ws.partners.loc[0, "organisation"] = '<a href="javascript:alert(1)">Jugendamt</a>'
    ws.networks.loc[0, "name"] = "<b>Frühe</b> Hilfen"
    fig = network_chart.network_figure(ws)
    texts = [t for d in fig.data if d.text is not None for t in d.text]
    assert any(t.startswith("&lt;a href=&quot;javascript:alert(1)&quot;&gt;Jugendamt") for t in texts)
    assert "&lt;b&gt;Frühe&lt;/b&gt; Hilfen" in texts
    assert not any("<a " in t or "<b>" in t for t in texts)


def test_network_labels_do_not_overlap(demo_ws):
    """Network names sat on top of each other in dense graphs; each label now takes a free spot."""
    spots, boxes = network_chart.label_spots([(0, 0), (0, 0), (0, 0)], ["Netzwerk Kinderschutz", "Gesund aufwachsen", "Kita"])
    assert len(set(spots)) == 3

    def overlap(a, b):
        return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])

    assert not any(overlap(a, b) for k, a in enumerate(boxes) for b in boxes[k + 1:])
    g = N.network_graph(demo_ws)
    pos = N.layout(g)
    nets = [n for n in g.nodes if n[0] == "network"]
    spots, boxes = network_chart.label_spots([pos[n] for n in nets], [g.nodes[n]["name"] for n in nets])
    assert not any(overlap(a, b) for k, a in enumerate(boxes) for b in boxes[k + 1:])
    fig = network_chart.network_figure(demo_ws, positions=pos)
    trace = next(t for t in fig.data if t.mode == "markers+text")
    assert list(trace.textposition) == spots
