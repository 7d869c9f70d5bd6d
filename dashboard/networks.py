"""The cooperation structure of the Präventionskette: networks, their member partners,
the life phases and sectors they cover, and where the structure has holes.

Graph: a bipartite networkx graph with network nodes ``("network", id)`` and partner nodes
``("partner", id)``; an edge is a membership. Ties between partners are "cross-sector"
(rechtskreisübergreifend) when two members of a network belong to different Rechtskreise
(``legal_domain``).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from .filters import membership_matrix
from .i18n import term


def network_graph(ws) -> nx.Graph:
    """Networks and partners as a bipartite graph; node attributes: kind, name, sector,
    legal_domain (partners), life_phases (networks); partners without a network are nodes too."""
    g = nx.Graph()
    for row in ws.networks.itertuples(index=False):
        g.add_node(("network", row.network_id), kind="network", name=row.name, life_phases=tuple(row.life_phases))
    for row in ws.partners[["partner_id", "organisation", "sector", "legal_domain"]].itertuples(index=False):
        g.add_node(("partner", row.partner_id), kind="partner", name=row.organisation, sector=row.sector,
                   legal_domain=row.legal_domain)
    known = set(g.nodes)
    edges = [(("network", n), ("partner", p), {"role": r}) for n, p, r in
             ws.memberships.reindex(columns=["network_id", "partner_id", "role"]).itertuples(index=False)
             if ("network", n) in known and ("partner", p) in known]
    g.add_edges_from(edges)
    return g


def layout(g: nx.Graph) -> dict:
    """Node → (x, y): a Kamada-Kawai layout of the connected nodes (deterministic; members ring
    their network, so a network's square is not hidden under a member), nodes without ties in
    rows below. About 0.5 s for 70 nodes."""
    connected = [n for n in g if g.degree[n] > 0]
    alone = sorted((n for n in g if g.degree[n] == 0), key=str)
    pos = {}
    if len(connected) > 1:
        pos = {n: (float(x), float(y)) for n, (x, y) in nx.kamada_kawai_layout(g.subgraph(connected)).items()}
    elif connected:
        pos = {connected[0]: (0.0, 0.0)}
    # nodes without any tie in rows under the graph, where they are easy to find
    bottom = min((y for _, y in pos.values()), default=0.0) - 0.25
    per_row = 12
    for k, node in enumerate(alone):
        pos[node] = (-1.0 + 2.0 * (k % per_row) / (per_row - 1), bottom - 0.12 * (k // per_row))
    return pos


def _members(ws) -> pd.DataFrame:
    m = ws.memberships.merge(ws.partners[["partner_id", "organisation", "sector", "legal_domain"]], on="partner_id",
                             how="inner")
    return m[m["network_id"].isin(set(ws.networks["network_id"]))]


def network_summary(ws) -> pd.DataFrame:
    """One row per network: members (count and names), its life phases (``life_phases``, as
    the network defines them) and the phases its members' offers cover (``offer_phases``),
    sectors and Rechtskreise covered, and whether it is cross-sector (more than one Rechtskreis)."""
    members = _members(ws)
    offers = ws.offers[["partner_id", "life_phases"]].dropna(subset=["partner_id"]) if "partner_id" in ws.offers \
        else pd.DataFrame(columns=["partner_id", "life_phases"])
    offer_phases = offers.explode("life_phases").dropna().groupby("partner_id")["life_phases"].agg(set)
    chain = list(ws.life_phases["phase_id"])
    rows = []
    for net in ws.networks.itertuples(index=False):
        mine = members[members["network_id"] == net.network_id]
        phases = set()
        for partner in mine["partner_id"]:
            phases |= offer_phases.get(partner, set())
        domains = sorted(set(mine["legal_domain"].dropna()))
        rows.append({
            "network_id": net.network_id, "name": net.name, "coordinator": net.coordinator,
            "members": len(mine), "member_names": tuple(mine["organisation"]),
            "life_phases": tuple(p for p in chain if p in set(net.life_phases)),
            "offer_phases": tuple(p for p in chain if p in phases),
            "sectors": tuple(sorted(set(mine["sector"].dropna()))), "legal_domains": tuple(domains),
            "cross_sector": len(domains) > 1,
        })
    return pd.DataFrame(rows, columns=["network_id", "name", "coordinator", "members", "member_names", "life_phases",
                                       "offer_phases", "sectors", "legal_domains", "cross_sector"])


def cross_sector_ties(ws) -> pd.DataFrame:
    """Pairs of Rechtskreise joined through shared networks: for each unordered pair of
    different legal domains, the number of partner pairs that meet in at least one network."""
    members = _members(ws)
    pairs = members.merge(members, on="network_id", suffixes=("_a", "_b"))
    pairs = pairs[(pairs["partner_id_a"] < pairs["partner_id_b"]) & (pairs["legal_domain_a"] != pairs["legal_domain_b"])]
    pairs = pairs.drop_duplicates(["partner_id_a", "partner_id_b"])
    if pairs.empty:
        return pd.DataFrame(columns=["legal_domain_a", "legal_domain_b", "partner_pairs"])
    first, second = pairs["legal_domain_a"].astype(str), pairs["legal_domain_b"].astype(str)
    swap = (first > second).to_numpy()
    a = np.where(swap, second, first)
    b = np.where(swap, first, second)
    out = pd.DataFrame({"legal_domain_a": a, "legal_domain_b": b}).value_counts().rename("partner_pairs")
    return out.reset_index().sort_values(["partner_pairs", "legal_domain_a"], ascending=[False, True],
                                         ignore_index=True)


def partners_without_network(ws) -> pd.DataFrame:
    """Partners that belong to no network."""
    inside = set(_members(ws)["partner_id"])
    return ws.partners[~ws.partners["partner_id"].isin(inside)].reset_index(drop=True)


def districts_without_network_partner(ws) -> pd.DataFrame:
    """Sozialräume in which no partner that belongs to a network is located."""
    inside = ws.partners[ws.partners["partner_id"].isin(set(_members(ws)["partner_id"]))]
    located = inside[inside.geometry.notna()]
    hit = ws.districts.sindex.query(located.geometry.to_numpy(), predicate="intersects") if len(located) else \
        np.zeros((2, 0), int)
    covered = np.zeros(len(ws.districts), bool)
    covered[hit[1]] = True
    return ws.districts.loc[~covered, ["district_id", "name"]].reset_index(drop=True)


def phases_without_network(ws) -> list[str]:
    """Life phases (chain order) that no network covers (by the network's own phases)."""
    chain = list(ws.life_phases["phase_id"])
    covered = membership_matrix(ws.networks["life_phases"], chain).any(axis=0) if len(ws.networks) else \
        np.zeros(len(chain), bool)
    return [p for p, c in zip(chain, covered) if not c]


def members_of(ws, network_id: str) -> pd.DataFrame:
    """The member partners of one network (with role), for the map and the table."""
    m = ws.memberships[ws.memberships["network_id"] == network_id][["partner_id", "role"]]
    return ws.partners.merge(m, on="partner_id", how="inner")


PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666", "#1f78b4",
           "#b2df8a", "#fb9a99", "#cab2d6"]
NETWORK_COLOUR = "#222222"


LABEL_SPOTS = {  # Plotly text position -> (dx, dy) of the label box centre, in label widths/heights
    "top center": (0.0, 1.0), "bottom center": (0.0, -1.0), "middle right": (0.55, 0.0), "middle left": (-0.55, 0.0),
    "top right": (0.55, 1.0), "top left": (-0.55, 1.0), "bottom right": (0.55, -1.0), "bottom left": (-0.55, -1.0),
}


def label_spots(points: list[tuple[float, float]], texts: list[str], width_px: float = 900, height_px: float = 560,
                font_px: float = 11) -> tuple[list[str], list[tuple[float, float, float, float]]]:
    """Where each label goes around its point so that labels do not overlap (greedy, the
    first free of :data:`LABEL_SPOTS`, else the one overlapping least). ``points`` in layout
    units, scaled to a ``width_px`` × ``height_px`` plot. Returns the Plotly text positions
    and the label boxes (x0, y0, x1, y1 in pixels)."""
    xy = np.asarray(points, float).reshape(-1, 2)
    span = np.maximum(xy.max(axis=0) - xy.min(axis=0), 1e-9) if len(xy) else np.ones(2)
    px = (xy - xy.min(axis=0)) / span * [width_px * 0.9, height_px * 0.9] if len(xy) else xy
    placed, spots = [], []

    def overlap(box, other):
        return max(0.0, min(box[2], other[2]) - max(box[0], other[0])) * max(0.0, min(box[3], other[3]) - max(box[1], other[1]))

    for (x, y), text in zip(px, texts):
        w, h = 0.6 * font_px * len(text) + 4, font_px * 1.3
        best = None
        for spot, (dx, dy) in LABEL_SPOTS.items():
            cx, cy = x + dx * w + (np.sign(dx) * 10 if dx else 0), y + dy * (h / 2 + 10)
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            cost = sum(overlap(box, other) for other in placed)
            if best is None or cost < best[0]:
                best = (cost, spot, box)
            if cost == 0:
                break
        placed.append(best[2])
        spots.append(best[1])
    return spots, placed


def network_figure(ws, colour_by: str = "sector", lang: str = "de", highlight: str | None = None,
                   positions: dict | None = None):
    """A Plotly figure of the cooperation graph: networks as dark squares, partners as
    circles coloured by ``colour_by`` ('sector' or 'legal_domain'), memberships as lines;
    the ``highlight`` network and its members drawn bold; ``positions`` from :func:`layout`
    (computed when not given). Node ``customdata`` holds
    ("network"|"partner", id) for click selection; the network trace comes before the partner
    traces so that a click on a network square picks the network. Plotly's JS ships with
    Streamlit: no CDN."""
    import html

    import plotly.graph_objects as go

    def esc(value) -> str:  # Plotly renders a subset of HTML in texts: names are data, not markup
        return html.escape(str(value))

    if colour_by not in ("sector", "legal_domain"):
        raise ValueError(f"colour_by must be 'sector' or 'legal_domain', got {colour_by!r}")
    g = network_graph(ws)
    pos = positions if positions is not None else layout(g)
    chosen = ("network", highlight)
    highlighted = {chosen, *g.neighbors(chosen)} if chosen in g else set()
    fig = go.Figure()
    for bold in (False, True):
        xs, ys = [], []
        for a, b in g.edges:
            if (a in highlighted and b in highlighted) == bold:
                xs += [pos[a][0], pos[b][0], None]
                ys += [pos[a][1], pos[b][1], None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                 line={"color": "#333333" if bold else "#bbbbbb", "width": 2.5 if bold else 1}))
    nets = [n for n in g.nodes if n[0] == "network"]
    fig.add_trace(go.Scatter(
        x=[pos[n][0] for n in nets], y=[pos[n][1] for n in nets], mode="markers+text",
        name="Netzwerk" if lang == "de" else "Network", customdata=[["network", n[1]] for n in nets],
        text=[esc(g.nodes[n]["name"]) for n in nets], textfont={"size": 11},
        textposition=label_spots([pos[n] for n in nets], [str(g.nodes[n]["name"]) for n in nets])[0],
        hovertemplate="%{text}<extra></extra>",
        marker={"symbol": "square", "size": [24 if n in highlighted else 18 for n in nets], "color": NETWORK_COLOUR,
                "line": {"width": 2, "color": "#ffffff"}}))
    partners = [n for n in g.nodes if n[0] == "partner"]
    groups = sorted({str(g.nodes[n].get(colour_by)) for n in partners})
    colours = {group: PALETTE[k % len(PALETTE)] for k, group in enumerate(groups)}
    no_network = "kein Netzwerk" if lang == "de" else "no network"
    for group in groups:
        nodes = [n for n in partners if str(g.nodes[n].get(colour_by)) == group]
        fig.add_trace(go.Scatter(
            x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers", name=esc(term(group, lang)),
            customdata=[["partner", n[1]] for n in nodes],
            text=[f"{esc(g.nodes[n]['name'])}<br>"
                  f"{esc(term(g.nodes[n].get('sector'), lang))} · {esc(term(g.nodes[n].get('legal_domain'), lang))}"
                  + ("" if g.degree[n] else f"<br><i>{no_network}</i>") for n in nodes],
            hovertemplate="%{text}<extra></extra>",
            marker={"size": [14 if n in highlighted else 10 for n in nodes], "color": colours[group],
                    "line": {"width": [2 if n in highlighted else (0 if g.degree[n] else 2) for n in nodes],
                             "color": ["#000000" if n in highlighted else "#d7191c" for n in nodes]}}))
    legend_title = ("Bereich" if colour_by == "sector" else "Rechtskreis") if lang == "de" else \
        ("Sector" if colour_by == "sector" else "Legal domain")
    fig.update_layout(height=560, margin={"l": 5, "r": 5, "t": 5, "b": 5}, plot_bgcolor="#ffffff",
                      xaxis={"visible": False}, yaxis={"visible": False},
                      legend={"title": {"text": legend_title}, "orientation": "h", "yanchor": "top", "y": -0.02,
                              "xanchor": "left", "x": 0},
                      clickmode="event+select", dragmode="pan", hoverdistance=12)
    return fig
