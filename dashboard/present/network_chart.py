"""The cooperation graph as an interactive Plotly figure: networks and their member partners,
coloured by sector or Rechtskreis, labels placed where they do not overlap."""

from __future__ import annotations

import html

import numpy as np

from dashboard.analysis.networks import layout, network_graph
from dashboard.present.i18n import t, term

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


OWN_COLOUR = "#d7191c"


def network_figure(ws, colour_by: str = "sector", lang: str = "de", highlight: str | None = None,
                   positions: dict | None = None, own: str | None = None):
    """A Plotly figure of the cooperation graph: networks as dark squares, partners as
    circles coloured by ``colour_by`` ('sector' or 'legal_domain'), memberships as lines;
    the ``highlight`` network and its members drawn bold; ``positions`` from :func:`layout`
    (computed when not given). Node ``customdata`` holds
    ("network"|"partner", id) for click selection; the network trace comes before the partner
    traces so that a click on a network square picks the network. ``own``: the partner_id of
    the reader's own organisation, ringed and named. The partners in no network, which stand
    in rows under the graph, are headed by a note saying so. Plotly's JS ships with
    Streamlit: no CDN."""

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
        name=t("chart.network", lang), customdata=[["network", n[1]] for n in nets],
        text=[esc(g.nodes[n]["name"]) for n in nets], textfont={"size": 11},
        textposition=label_spots([pos[n] for n in nets], [str(g.nodes[n]["name"]) for n in nets])[0],
        hovertemplate="%{text}<extra></extra>",
        marker={"symbol": "square", "size": [24 if n in highlighted else 18 for n in nets], "color": NETWORK_COLOUR,
                "line": {"width": 2, "color": "#ffffff"}}))
    partners = [n for n in g.nodes if n[0] == "partner"]
    groups = sorted({str(g.nodes[n].get(colour_by)) for n in partners})
    colours = {group: PALETTE[k % len(PALETTE)] for k, group in enumerate(groups)}
    no_network = t("chart.no_network", lang)
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
    alone = [n for n in partners if not g.degree[n]]
    if alone:  # the row of unconnected partners, explained where it stands
        top = max(pos[n][1] for n in alone)
        fig.add_annotation(x=min(pos[n][0] for n in alone), y=top + 0.06, xanchor="left", yanchor="bottom",
                           showarrow=False, font={"size": 11, "color": "#444444"},
                           text=esc(t("chart.no_network_row", lang, n=len(alone))))
    mine = ("partner", own)
    if mine in g:  # the reader's own organisation: ringed and named
        fig.add_trace(go.Scatter(
            x=[pos[mine][0]], y=[pos[mine][1]], mode="markers+text", name=esc(t("chart.own_organisation", lang)),
            text=[esc(g.nodes[mine]["name"])], textposition="top center",
            textfont={"size": 12, "color": OWN_COLOUR}, hoverinfo="skip",
            marker={"symbol": "circle-open", "size": 24, "line": {"width": 3, "color": OWN_COLOUR}}))
    legend_title = t(f"chart.colour_by.{colour_by}", lang)
    fig.update_layout(height=560, margin={"l": 5, "r": 5, "t": 5, "b": 5}, plot_bgcolor="#ffffff",
                      xaxis={"visible": False}, yaxis={"visible": False},
                      legend={"title": {"text": legend_title}, "orientation": "h", "yanchor": "top", "y": -0.02,
                              "xanchor": "left", "x": 0},
                      clickmode="event+select", dragmode="pan", hoverdistance=12)
    return fig
