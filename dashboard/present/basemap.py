"""An offline base map drawn from the workspace itself: streets (main roads emphasised),
railways, water and place names under the districts, so a planner sees where the river, the
main roads and the station are, with no tile server and no outside request.

The lines are merged per kind, simplified (a few metres) and sent as integer deltas of
1e-5 degrees (about 1 m), decoded in the browser and drawn on one canvas, not clickable.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import shapely
from folium.map import Layer
from jinja2 import Template

from dashboard.model import schema
from dashboard.present.maps import RawMacroElement, _script_json

SIMPLIFY_M = 4.0
"""Tolerance (metres) of the simplified lines: below what the map shows at district zoom."""
# kind → (colour, weight in pixels at zoom 14, dash); drawn in this order (first = bottom)
STYLES = {
    "street": ("#ffffff", 2.0, None),
    "main_road": ("#fdd49e", 4.0, None),
    "water": ("#6baed6", 3.0, None),
    "rail": ("#555555", 2.0, "6 4"),
}
LABEL_ZOOM = {"city": 0, "town": 0, "village": 0, "suburb": 0, "quarter": 11, "neighbourhood": 13, "hamlet": 13}
"""From which zoom a place name of each kind is shown (others: 12)."""
MAIN_ROADS = frozenset({"motorway", "trunk", "trunk_link", "primary", "primary_link", "secondary",
                        "secondary_link", "tertiary", "tertiary_link"})


def base_lines(ws) -> pd.DataFrame:
    """The lines of the base map: kind (``street``, ``main_road``, ``rail``, ``water``,
    ``water_area`` outlines) and geometry (workspace CRS), merged per kind and simplified."""
    parts = []
    if ws.has_streets:
        edges = ws.street_edges
        main = edges["highway"].isin(MAIN_ROADS).to_numpy()
        parts += [("street", edges.geometry.to_numpy()[~main]), ("main_road", edges.geometry.to_numpy()[main])]
    extra = getattr(ws, "base_lines", None)
    if extra is not None and len(extra):
        for kind, group in extra.groupby("kind"):
            parts.append((str(kind), group.geometry.to_numpy()))
    kinds, geoms = [], []
    for kind, lines in parts:
        if not len(lines):
            continue
        merged = shapely.line_merge(shapely.multilinestrings(list(lines))) if kind in ("street", "main_road") else \
            shapely.multilinestrings(list(shapely.get_parts(lines)))
        kinds.append(kind)  # simplified part by part (a whole network at once is very slow)
        geoms.append(shapely.multilinestrings(list(shapely.simplify(shapely.get_parts(merged), SIMPLIFY_M,
                                                                     preserve_topology=False))))
    return pd.DataFrame({"kind": kinds, "geometry": geoms})


def encode(ws, lines: pd.DataFrame) -> dict:
    """Per kind a list of lines, each [lat0, lon0, dlat1, dlon1, …] in integer 1e-5 degrees."""
    import geopandas as gpd

    out = {}
    for kind, geom in zip(lines["kind"], lines["geometry"]):
        shown = gpd.GeoSeries(list(shapely.get_parts(geom)), crs=ws.crs).to_crs(schema.DISPLAY_CRS).to_numpy()
        coords, index = shapely.get_coordinates(shown, return_index=True)
        ints = np.rint(coords[:, ::-1] * 1e5).astype(np.int64)  # lat, lon
        starts = np.r_[True, index[1:] != index[:-1]]
        deltas = np.where(starts[:, None], ints, ints - np.vstack([ints[:1], ints[:-1]]))
        bounds = np.flatnonzero(starts).tolist() + [len(ints)]
        out[kind] = [deltas[a:b].ravel().tolist() for a, b in zip(bounds[:-1], bounds[1:]) if b - a >= 2]
    return out


class BaseMapLayer(RawMacroElement, Layer):
    """The base map on its own canvas pane below the districts (not clickable); place names
    as plain labels above the districts (from the zoom of their kind, :data:`LABEL_ZOOM`)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function() {
    var map = {{ this._parent.get_name() }}, data = {{ this.data_json }}, styles = {{ this.styles_json }};
    if (!map.getPane('paBase')) { map.createPane('paBase'); map.getPane('paBase').style.zIndex = 250; }
    if (!map.getPane('paLabels')) {  // names above the shaded districts, below the symbols; never clickable
        map.createPane('paLabels'); map.getPane('paLabels').style.zIndex = 450;
        map.getPane('paLabels').style.pointerEvents = 'none';
    }
    var renderer = L.canvas({pane: 'paBase', padding: 0.3});
    Object.keys(styles).forEach(function(kind) {
        if (!data.lines[kind]) { return; }
        var s = styles[kind], lines = data.lines[kind].map(function(d) {
            var lat = 0, lon = 0, out = [];  // the first pair is absolute, the others are steps
            for (var i = 0; i < d.length; i += 2) {
                lat += d[i]; lon += d[i + 1];
                out.push([lat / 1e5, lon / 1e5]);
            }
            return out;
        });
        L.polyline(lines, {renderer: renderer, pane: 'paBase', interactive: false, color: s[0],
                           weight: s[1], dashArray: s[2], opacity: 0.95}).addTo(map);
    });
    var labels = data.places.map(function(p) {
        return [p[3], L.marker([p[0], p[1]], {interactive: false, keyboard: false, pane: 'paLabels',
            icon: L.divIcon({className: 'pa-place', html: p[2], iconSize: null})})];
    });
    function showLabels() {  // each name from its kind's zoom on (towns always, hamlets close up)
        var z = map.getZoom();
        labels.forEach(function(l) { if (z >= l[0]) { l[1].addTo(map); } else { l[1].remove(); } });
    }
    map.on('zoomend', showLabels);
    showLabels();
})();
{% endmacro %}
""")

    def __init__(self, data: dict):
        super().__init__(name="base", overlay=False, control=False)
        self._name = "BaseMapLayer"
        self.data = data

    @functools.cached_property
    def data_json(self) -> str:
        return _script_json(self.data)

    @property
    def styles_json(self) -> str:
        return _script_json(STYLES)


def base_map_data(ws) -> dict | None:
    """What :class:`BaseMapLayer` draws (lines per kind, place names escaped), or None when the
    workspace has nothing to draw."""
    import html

    lines = base_lines(ws)
    places = getattr(ws, "base_places", None)
    labels = []
    if places is not None and len(places):
        shown = places.to_crs(schema.DISPLAY_CRS)
        kinds = shown["kind"] if "kind" in shown else pd.Series(None, index=shown.index)
        labels = [[round(p.y, 5), round(p.x, 5), html.escape(str(n)), LABEL_ZOOM.get(k, 12)]
                  for p, n, k in zip(shown.geometry, shown["name"], kinds)]
    if lines.empty and not labels:
        return None
    return {"lines": encode(ws, lines), "places": labels}
