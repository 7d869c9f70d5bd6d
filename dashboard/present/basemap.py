"""An offline base map drawn from the workspace itself: streets (main roads emphasised),
railways, water and place names under the districts, so a planner sees where the river, the
main roads and the station are, with no tile server and no outside request.

The lines are merged per kind, simplified (a few metres) and sent as integer deltas of
1e-5 degrees (about 1 m), decoded in the browser and drawn on one canvas, not clickable.
"""

from __future__ import annotations

import threading
import weakref

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
LABEL_ZOOM = {"city": 0, "town": 0, "village": 0, "suburb": 0, "quarter": 11, "neighbourhood": 13, "hamlet": 13,
              "station": 13, "school": 15, "kindergarten": 15, "park": 15}
"""From which zoom a place name of each kind is shown (others: 12)."""
LANDMARK_KINDS = ("station", "school", "kindergarten", "park")
"""Places drawn as landmarks: a small symbol of their kind before the name (see MAP_CSS)."""
MAIN_ROADS = frozenset({"motorway", "trunk", "trunk_link", "primary", "primary_link", "secondary",
                        "secondary_link", "tertiary", "tertiary_link"})


_LINES: dict[int, pd.DataFrame] = {}
_LINES_LOCK = threading.Lock()


def base_lines(ws) -> pd.DataFrame:
    """The lines of the base map: kind (``street``, ``main_road``, ``rail``, ``water``), name
    (None where the source names none) and geometry (workspace CRS), merged per kind and name
    (a street becomes one long line to write its name along) and simplified. Computed once per
    workspace object and shared by the web map and the printed maps (any thread); forgotten
    with the workspace."""
    key = id(ws)
    with _LINES_LOCK:
        if key in _LINES:
            return _LINES[key]
    lines = _base_lines(ws)
    try:
        weakref.finalize(ws, _LINES.pop, key, None)  # the id may be reused once ws is gone
    except TypeError:  # an object without weak references (a stand-in in a test): not kept
        return lines
    with _LINES_LOCK:
        return _LINES.setdefault(key, lines)


def _base_lines(ws) -> pd.DataFrame:
    kinds, names, geoms = [], [], []
    if ws.has_streets:
        edges = ws.street_edges
        main = edges["highway"].isin(MAIN_ROADS).to_numpy()
        named = edges["name"] if "name" in edges else pd.Series(None, index=edges.index)
        kinds.append(np.where(main, "main_road", "street"))
        names.append(named.to_numpy(object))
        geoms.append(edges.geometry.to_numpy())
    extra = getattr(ws, "base_lines", None)
    if extra is not None and len(extra):
        parts, index = shapely.get_parts(extra.geometry.to_numpy(), return_index=True)
        kinds.append(extra["kind"].astype(str).to_numpy()[index])
        names.append((extra["name"] if "name" in extra else pd.Series(None, index=extra.index)).to_numpy(object)[index])
        geoms.append(parts)
    if not geoms:
        return pd.DataFrame({"kind": [], "name": [], "geometry": []})
    kind = np.concatenate(kinds)
    name = np.array([n.strip() if isinstance(n, str) and n.strip() else "" for n in np.concatenate(names)], object)
    lines = np.concatenate(geoms)
    keep = ~shapely.is_empty(lines) & (shapely.get_type_id(lines) == 1)
    kind, name, lines = kind[keep], name[keep], lines[keep]
    group, groups = pd.MultiIndex.from_arrays([kind, name]).factorize()
    order = np.argsort(group, kind="stable")
    merged = shapely.line_merge(shapely.multilinestrings(lines[order], indices=group[order]))
    parts, index = shapely.get_parts(merged, return_index=True)
    # simplified part by part (a whole network at once is very slow)
    parts = shapely.simplify(parts, SIMPLIFY_M, preserve_topology=False)
    return pd.DataFrame({"kind": groups.get_level_values(0)[index], "name": groups.get_level_values(1)[index],
                         "geometry": parts}).replace({"name": {"": None}})


def encode(ws, lines: pd.DataFrame) -> dict:
    """Per kind a list of lines, each [lat0, lon0, dlat1, dlon1, …] in integer 1e-5 degrees."""
    import geopandas as gpd

    out = {}
    if lines.empty:
        return out
    shown = gpd.GeoSeries(lines["geometry"].to_numpy(), crs=ws.crs).to_crs(schema.DISPLAY_CRS).to_numpy()
    for kind in pd.unique(lines["kind"]):
        mine = shown[(lines["kind"] == kind).to_numpy()]
        coords, index = shapely.get_coordinates(mine, return_index=True)
        ints = np.rint(coords[:, ::-1] * 1e5).astype(np.int64)  # lat, lon
        starts = np.r_[True, index[1:] != index[:-1]]
        deltas = np.where(starts[:, None], ints, ints - np.vstack([ints[:1], ints[:-1]]))
        bounds = np.flatnonzero(starts).tolist() + [len(ints)]
        out[str(kind)] = [deltas[a:b].ravel().tolist() for a, b in zip(bounds[:-1], bounds[1:])]
    return out


def _names(lines: pd.DataFrame) -> tuple[list[str], dict]:
    """The distinct line names, and per kind each line's name as an index into them (-1: none)."""
    known = lines["name"].dropna()
    names = sorted(pd.unique(known))
    lookup = {n: k for k, n in enumerate(names)}
    per_kind = {str(kind): [lookup.get(n, -1) if isinstance(n, str) else -1 for n in group["name"]]
                for kind, group in lines.groupby("kind", sort=False)}
    return names, per_kind


STREET_NAME_ZOOM = 15
"""From this zoom on streets carry their names (about 1:18,000: a few blocks across)."""
NAME_FONT_PX = 12


class BaseMapLayer(RawMacroElement, Layer):
    """The base map on its own canvas pane below the districts (not clickable); place names
    as plain labels above the districts (from the zoom of their kind, :data:`LABEL_ZOOM`),
    labels that would overlap an earlier one hidden; street names written along their streets
    from :data:`STREET_NAME_ZOOM` on, main roads first, never over another name."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function() {
    var map = {{ this._parent.get_name() }}, data = {{ this.data_json }}, styles = {{ this.styles_json }};
    var nameZoom = {{ this.name_zoom }}, font = {{ this.font_px }};
    if (!map.getPane('paBase')) { map.createPane('paBase'); map.getPane('paBase').style.zIndex = 250; }
    if (!map.getPane('paLabels')) {  // names above the shaded districts, below the symbols; never clickable
        map.createPane('paLabels'); map.getPane('paLabels').style.zIndex = 450;
        map.getPane('paLabels').style.pointerEvents = 'none';
    }
    var renderer = L.canvas({pane: 'paBase', padding: 0.3}), named = [];
    Object.keys(styles).forEach(function(kind) {
        if (!data.lines[kind]) { return; }
        var s = styles[kind], ids = (data.line_names || {})[kind] || [];
        var lines = data.lines[kind].map(function(d, k) {
            var lat = 0, lon = 0, out = [];  // the first pair is absolute, the others are steps
            for (var i = 0; i < d.length; i += 2) {
                lat += d[i]; lon += d[i + 1];
                out.push([lat / 1e5, lon / 1e5]);
            }
            if (ids[k] >= 0) {  // streets, and the names of rivers and railways
                named.push({name: data.names[ids[k]], pts: out, kind: kind,
                            main: kind === 'main_road' || kind === 'water' || kind === 'rail', box: L.latLngBounds(out)});
            }
            return out;
        });
        L.polyline(lines, {renderer: renderer, pane: 'paBase', interactive: false, color: s[0],
                           weight: s[1], dashArray: s[2], opacity: 0.95}).addTo(map);
    });
    named.sort(function(a, b) { return (b.main - a.main) || (b.pts.length - a.pts.length); });
    var labels = data.places.map(function(p) {  // [lat, lon, name, from zoom, landmark kind or '']
        var cls = p[4] ? 'pa-place pa-landmark pa-lm-' + p[4] : 'pa-place';
        // the name in a span of its own: Leaflet places the icon, the declutter moves only the span
        return [p[3], L.marker([p[0], p[1]], {interactive: false, keyboard: false, pane: 'paLabels',
            icon: L.divIcon({className: 'pa-icon', html: '<span class="' + cls + '">' + p[2] + '</span>',
                             iconSize: null})})];
    });
    function showLabels() {  // each name from its kind's zoom on (towns always, hamlets close up)
        var z = map.getZoom();
        labels.forEach(function(l) { if (z >= l[0]) { l[1].addTo(map); } else { l[1].remove(); } });
    }
    var taken = [];
    function free(b) {
        for (var i = 0; i < taken.length; i++) {
            var t = taken[i];
            if (b[0] < t[2] && b[2] > t[0] && b[1] < t[3] && b[3] > t[1]) { return false; }
        }
        return true;
    }
    function declutter() {  // district and place names: the first one placed keeps its place
        taken = [];
        var frame = map.getContainer().getBoundingClientRect();
        map.getContainer().querySelectorAll('.pa-district, .pa-place').forEach(function(el) {
            el.style.visibility = ''; el.style.transform = '';
            var r = el.getBoundingClientRect();
            if (!r.width) { return; }
            var b = [r.left - frame.left - 2, r.top - frame.top - 2, r.right - frame.left + 2, r.bottom - frame.top + 2];
            var h = b[3] - b[1], shifts = [0, -h, h];  // in place, else just above or below its point
            for (var k = 0; k < shifts.length; k++) {
                var moved = [b[0], b[1] + shifts[k], b[2], b[3] + shifts[k]];
                if (free(moved)) {
                    if (shifts[k]) { el.style.transform = 'translate(-50%,-50%) translateY(' + shifts[k] + 'px)'; }
                    taken.push(moved); return;
                }
            }
            el.style.visibility = 'hidden';  // no room at this zoom: shown again closer in
        });
    }
    var canvas = L.DomUtil.create('canvas', 'pa-street-names', map.getPane('paLabels'));
    canvas.setAttribute('aria-hidden', 'true');
    canvas.style.pointerEvents = 'none';
    function writeAlong(ctx, text, pts, at) {  // one name along a pixel polyline from length `at`
        var boxes = [], glyphs = [], seg = 0, done = 0, d = at;
        for (var c = 0; c < text.length; c++) {
            var w = ctx.measureText(text[c]).width, mid = d + w / 2;
            while (seg < pts.length - 2 && done + pts[seg].distanceTo(pts[seg + 1]) < mid) {
                done += pts[seg].distanceTo(pts[seg + 1]); seg += 1;
            }
            var a = pts[seg], b = pts[seg + 1], len = a.distanceTo(b) || 1, f = (mid - done) / len;
            var x = a.x + (b.x - a.x) * f, y = a.y + (b.y - a.y) * f, angle = Math.atan2(b.y - a.y, b.x - a.x);
            glyphs.push([text[c], x, y, angle, w]);
            var h = font * 0.75;
            boxes.push([x - h, y - h, x + h, y + h]);
            d += w;
        }
        for (var i = 1; i < glyphs.length; i++) {  // no sharp bend under the name
            var turn = Math.abs(glyphs[i][3] - glyphs[i - 1][3]);
            if (Math.min(turn, 2 * Math.PI - turn) > 0.5) { return false; }
        }
        if (!boxes.every(free)) { return false; }
        glyphs.forEach(function(g) {
            ctx.save(); ctx.translate(g[1], g[2]); ctx.rotate(g[3]);
            ctx.strokeText(g[0], -g[4] / 2, 0); ctx.fillText(g[0], -g[4] / 2, 0);
            ctx.restore();
        });
        boxes.forEach(function(b) { taken.push(b); });
        return true;
    }
    function along(pts, d) {  // the point `d` pixels along a polyline
        for (var i = 1; i < pts.length; i++) {
            var len = pts[i - 1].distanceTo(pts[i]);
            if (d <= len) { return pts[i - 1].add(pts[i].subtract(pts[i - 1]).multiplyBy(len ? d / len : 0)); }
            d -= len;
        }
        return pts[pts.length - 1];
    }
    function streetNames() {
        var size = map.getSize(), ratio = window.devicePixelRatio || 1;
        canvas.width = size.x * ratio; canvas.height = size.y * ratio;
        canvas.style.width = size.x + 'px'; canvas.style.height = size.y + 'px';
        L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
        var ctx = canvas.getContext('2d');
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        ctx.clearRect(0, 0, size.x, size.y);
        window.paStreetNames = [];  // what the last drawing wrote (the canvas has no text to read)
        var zoom = map.getZoom();
        if (zoom < nameZoom - 2) { return; }
        ctx.textBaseline = 'middle';
        ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(255,255,255,0.95)';
        ctx.lineJoin = 'round';
        var view = map.getBounds().pad(0.05), written = {};
        named.forEach(function(line) {  // rivers and railways from two levels out, streets close up
            var street = line.kind === 'street' || line.kind === 'main_road';
            if ((street && zoom < nameZoom) || !view.intersects(line.box)) { return; }
            ctx.font = (line.kind === 'water' ? 'italic ' : '') + font + 'px sans-serif';
            ctx.fillStyle = line.kind === 'water' ? '#1d5a8c' : '#333';
            var pts = line.pts.map(function(ll) { return map.latLngToContainerPoint(ll); });
            if (pts[pts.length - 1].x < pts[0].x) { pts.reverse(); }  // read from left to right
            var total = 0;
            for (var i = 1; i < pts.length; i++) { total += pts[i - 1].distanceTo(pts[i]); }
            var width = ctx.measureText(line.name).width;
            if (total < width + 16) { return; }
            var spots = [0.5, 0.3, 0.7, 0.15, 0.85], seen = written[line.name] || [];
            for (var k = 0; k < spots.length; k++) {
                var at = total * spots[k] - width / 2;
                if (at < 4 || at + width > total - 4) { continue; }
                var mid = along(pts, at + width / 2);
                if (seen.some(function(p) { return p.distanceTo(mid) < 250; })) { continue; }  // once a stretch
                if (writeAlong(ctx, line.name, pts, at)) {
                    written[line.name] = seen.concat([mid]);
                    window.paStreetNames.push(line.name);
                    return;
                }
            }
        });
    }
    var queued = false;
    function later() {  // after the other layers' labels are in place
        if (!queued) { queued = true; requestAnimationFrame(function() { queued = false; declutter(); streetNames(); }); }
    }
    map.on('zoomend', showLabels);
    map.on('moveend zoomend resize', later);
    map.on('layeradd', function(e) { if (e.layer instanceof L.Marker) { later(); } });
    showLabels();
    later();
})();
{% endmacro %}
""")

    def __init__(self, data: dict | str):
        """``data``: :func:`base_map_data`, or its JSON text made before (:func:`base_map_json`:
        ~0.3 MB for a city, not worth writing again on every script run)."""
        super().__init__(name="base", overlay=False, control=False)
        self._name = "BaseMapLayer"
        self.data_json = data if isinstance(data, str) else base_map_json(data)
        self.name_zoom = STREET_NAME_ZOOM
        self.font_px = NAME_FONT_PX

    @property
    def styles_json(self) -> str:
        return _script_json(STYLES)


def base_map_json(data: dict) -> str:
    """:func:`base_map_data` as the JSON text :class:`BaseMapLayer` embeds."""
    return _script_json(data)


def base_map_data(ws) -> dict | None:
    """What :class:`BaseMapLayer` draws: lines per kind, the street, river and railway names
    (``names``, and per kind each line's index into them, ``line_names``: -1 for none) and
    place names and landmarks (escaped; [lat, lon, name, from zoom, landmark kind or ""]; a
    place named like a district is left to the district names), or None when the workspace
    has nothing to draw."""
    import html

    lines = base_lines(ws)
    places = getattr(ws, "base_places", None)
    labels = []
    if places is not None and len(places):
        districts = getattr(ws, "districts", None)
        taken = set() if districts is None else {str(n).casefold() for n in districts["name"]}
        places = places[~places["name"].astype(str).str.casefold().isin(taken)]
        shown = places.to_crs(schema.DISPLAY_CRS)
        kinds = shown["kind"] if "kind" in shown else pd.Series(None, index=shown.index)
        labels = [[round(p.y, 5), round(p.x, 5), html.escape(str(n)), LABEL_ZOOM.get(k, 12),
                   k if k in LANDMARK_KINDS else ""]
                  for p, n, k in zip(shown.geometry, shown["name"], kinds)]
    if lines.empty and not labels:
        return None
    names, line_names = _names(lines) if not lines.empty else ([], {})
    return {"lines": encode(ws, lines), "names": names, "line_names": line_names, "places": labels}
