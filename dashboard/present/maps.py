"""Folium maps that load nothing from the internet.

Library code (no Streamlit): builds :class:`OfflineMap` objects whose only JS/CSS are the
local Leaflet copies under ``static/``; every text from the data is HTML-escaped before
it reaches a tooltip or popup.
"""

from __future__ import annotations

import functools
import html
import json

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.map import Layer
from jinja2 import Template

from dashboard.model import schema
from dashboard.present import offline
from dashboard.present.classify import NO_DATA_COLOUR


class _Raw(Element):
    """Already rendered text. branca would compile every element's output as a Jinja
    template again: slow for megabytes of GeoJSON, and a template injection for any
    '{{ ... }}' in the data. Our elements hand over their output as it is."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "Raw"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class RawMacroElement(MacroElement):
    """A MacroElement whose header/html/script output is not re-templated (see _Raw)."""

    def render(self, **kwargs):
        figure = self.get_root()
        for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = self._template.module.__dict__.get(part)
            if macro is not None:
                target.add_child(_Raw(macro(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class LayerGroup(RawMacroElement, folium.FeatureGroup):
    """folium's FeatureGroup without compiling its rendered output as a template again (see
    :class:`_Raw`; ~1 ms per group and script run). streamlit-folium adds the group to the map
    itself (``map_div.addLayer``), so the group's own ``addTo`` statement is left out."""


def safe_label(text) -> str:
    """A label from the data for folium's own templates (layer names): HTML-escaped and
    without Jinja delimiters."""
    return html.escape(str(text)).replace("{", "&#123;").replace("}", "&#125;")


class _ImagePath(RawMacroElement):
    """Tell Leaflet where its marker images are (it cannot guess it inside st_folium)."""

    _template = Template(
        "{% macro script(this, kwargs) %}L.Icon.Default.imagePath = {{ this.path|tojson }};{% endmacro %}"
    )

    def __init__(self, path: str):
        super().__init__()
        self._name = "ImagePath"
        self.path = path


class _MetricScale(RawMacroElement):
    """The scale bar in metres and kilometres only (folium's own adds miles and feet)."""

    _template = Template("{% macro script(this, kwargs) %}"
                         "L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});{% endmacro %}")

    def __init__(self):
        super().__init__()
        self._name = "MetricScale"


class _WheelZoomOnFocus(RawMacroElement):
    """Scrolling the page over a map scrolls the page: the wheel zooms only once the map has
    the focus (a click or the Tab key into it), and stops when it loses it."""

    _template = Template("{% macro script(this, kwargs) %}"
                         "(function(m) { m.scrollWheelZoom.disable();"
                         " m.on('focus', function() { m.scrollWheelZoom.enable(); });"
                         " m.on('blur', function() { m.scrollWheelZoom.disable(); });"
                         "})({{ this._parent.get_name() }});{% endmacro %}")

    def __init__(self):
        super().__init__()
        self._name = "WheelZoomOnFocus"


class _Css(RawMacroElement):
    """Small CSS rules for the map document (no files, no requests)."""

    _template = Template("{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}")

    def __init__(self, css: str):
        super().__init__()
        self._name = "Css"
        self.css = css


LANDMARK_COLOURS = {"school": "#3f6fb5", "kindergarten": "#e08a1e", "park": "#4c9a2a", "station": "#222222"}
"""The symbol colour of each landmark kind, on screen (MAP_CSS) and in print (charts)."""

MAP_CSS = (".leaflet-interactive:focus{outline:none}"
           # the map fills its frame, whose height the page sets (a map beside a panel fills the screen)
           "#map_div{height:100vh!important}"
           ".pa-district{display:inline-block;transform:translate(-50%,-50%);font:700 12px/1.1 sans-serif;color:#111;"
           "white-space:nowrap;pointer-events:none;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff,0 0 2px #fff}"
           ".pa-popup{font:13px/1.4 sans-serif}.pa-icon{background:none;border:none}"
           ".pa-place{display:inline-block;font:600 12px/1 sans-serif;color:#333;white-space:nowrap;"
           "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff;transform:translate(-50%,-50%)}"
           # landmarks: a small symbol of their kind before the name (schools, Kitas, stations, parks)
           ".pa-landmark{font:italic 500 11px/1 sans-serif;color:#3a3a3a}"
           ".pa-landmark::before{content:'';display:inline-block;width:8px;height:8px;margin-right:3px;"
           "vertical-align:-1px;border:1px solid #fff;border-radius:50%;background:#777}"
           + "".join(f".pa-lm-{kind}::before{{background:{colour}}}" for kind, colour in LANDMARK_COLOURS.items())
           + ".pa-lm-station::before{border-radius:1px}")


SHADINGS = {"full": 1.0, "translucent": 0.45, "outline": 0.0}
"""How strongly shaded areas (choropleths) cover the base map: factor on their fill opacity."""
FADE_ZOOM = 15
"""From this zoom on shaded areas fade to 40 % (70 % a level before): the streets show through."""
ZOOM_SNAP = 0.1
"""Zoom levels snap to tenths, so fitted bounds fill at least 93 % of the frame's free part."""
PANEL_MIN_MAP_PX = 760
"""A map frame at least this wide (px) has its page's panel over its right side (see the
page style ``.pa-stage``); narrower, the panel stands above it."""
PANEL_WIDTH = (440, 0.38)
"""The panel over a map: at most 440 px and 38 % of the map's width."""


class _FitView(RawMacroElement):
    """Frame the map to bounds the way a reader sees it: fitted on load with Leaflet's own
    ``fitBounds`` to the frame's real size (not a zoom guessed in Python), fitted again when the
    frame's size changes as long as the reader has not moved the map, clear of the panel over
    the map's right side (``panel``) and of the legend (bottom left): where the shown area's
    outline (its convex hull) would run under the legend, the bounds are fitted beside or
    above it, whichever shows them larger. ``window.paFit(view)`` frames a new view (see
    :func:`view_of`; a chosen district, see :class:`FitTo`); the same view again leaves the
    reader's own view alone."""

    _template = Template("""{% macro script(this, kwargs) %}
(function(m, panel, wide, side) {
  var fitting = false, moved = false, current = null, outline = null, shown = null;
  function crosses(p, q, r, s) {  // segments p–q and r–s meet
    function turn(a, b, c) { return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x); }
    var d1 = turn(r, s, p), d2 = turn(r, s, q), d3 = turn(p, q, r), d4 = turn(p, q, s);
    return ((d1 > 0) !== (d2 > 0)) && ((d3 > 0) !== (d4 > 0));
  }
  function under(box, pad) {  // would the outline, fitted with this padding, run under the box?
    if (!outline) { return true; }
    var view = m._getBoundsCenterZoom(current, {paddingTopLeft: pad[0], paddingBottomRight: pad[1]});
    var origin = m.project(view.center, view.zoom).subtract(m.getSize().divideBy(2));
    var pts = outline.map(function(ll) { return m.project(ll, view.zoom).subtract(origin); });
    var corners = [L.point(box[0], box[1]), L.point(box[2], box[1]), L.point(box[2], box[3]), L.point(box[0], box[3])];
    var inBox = pts.some(function(p) { return p.x >= box[0] && p.x <= box[2] && p.y >= box[1] && p.y <= box[3]; });
    var inside = corners.some(function(c) {  // a corner of the box inside the (convex) outline
      var sign = 0;
      for (var i = 0; i < pts.length; i++) {
        var a = pts[i], b = pts[(i + 1) % pts.length], z = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
        if (z !== 0) { if (sign && (z > 0) !== (sign > 0)) { return false; } sign = z; }
      }
      return pts.length > 2;
    });
    var cut = pts.some(function(a, i) {
      var b = pts[(i + 1) % pts.length];
      return corners.some(function(c, j) { return crosses(a, b, c, corners[(j + 1) % 4]); });
    });
    return inBox || inside || cut;
  }
  function fit() {
    if (!current) { return; }
    var size = m.getSize(), right = panel && size.x >= wide ? Math.min(side[0], side[1] * size.x) + 16 : 0;
    var plain = [[16, 16], [right + 16, 16]], best = plain;
    var legend = m.getContainer().querySelector('.pa-legend');
    if (legend && legend.offsetWidth) {
      // its size, not its place: leaflet.css may not apply yet (the scale and margins below it: 40 px)
      var lw = legend.offsetWidth + 20, lh = legend.offsetHeight + 40;
      var box = [0, size.y - lh, lw, size.y], fold = legend.querySelector('details.pa-fold');
      if (under(box, plain)) {  // move the area right and/or up, as little as keeps it clear
        var zoom = -Infinity, shift = Infinity;
        var steps = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
        steps.forEach(function(fx) {
          steps.forEach(function(fy) {
            var p = [[16 + fx * lw, 16], [right + 16, 16 + fy * (lh - 16)]];
            var z = m.getBoundsZoom(current, false, L.point(p[0][0] + p[1][0], p[0][1] + p[1][1]));
            if ((fx < 1 && fy < 1 && under(box, p)) || z < zoom || (z === zoom && fx + fy >= shift)) { return; }
            zoom = z; shift = fx + fy; best = p;
          });
        });
        var full = m.getBoundsZoom(current, false, L.point(plain[0][0] + plain[1][0], plain[0][1] + plain[1][1]));
        if (fold && fold.open && !fold.dataset.kept && zoom < full - 0.15) {
          // clear of it only at a tenth smaller scale or worse: fold it to its title (a click opens it)
          fold.dataset.folded = '1'; fold.open = false;
          return fit();
        }
      }
    }
    fitting = true;
    m.fitBounds(current, {paddingTopLeft: best[0], paddingBottomRight: best[1], animate: false});
    fitting = false;
  }
  m.on('movestart zoomstart', function() { if (!fitting) { moved = true; } });
  m.on('resize', function() { if (!moved) { fit(); } });
  window.paRefit = function() { if (!moved) { fit(); } };  // the legend came or changed its size
  m.getContainer().addEventListener('toggle', function(e) {  // the reader opened the folded legend: keep it
    var d = e.target;
    if (d.classList && d.classList.contains('pa-fold') && d.open && d.dataset.folded) { d.dataset.kept = '1'; }
  }, true);
  window.paFit = function(view) {
    var key = JSON.stringify(view);
    if (key === shown) { return; }
    shown = key; current = view.bounds; outline = view.outline; moved = false; fit();
  };
  window.paFit({{ this.view_json }});
})({{ this._parent.get_name() }}, {{ this.panel_json }}, {{ this.wide }}, {{ this.side_json }});
{% endmacro %}""")

    def __init__(self, view, panel: bool = False):
        super().__init__()
        self._name = "FitView"
        self.view_json = _script_json(_view(view))
        self.panel_json = "true" if panel else "false"
        self.wide = PANEL_MIN_MAP_PX
        self.side_json = _script_json(list(PANEL_WIDTH))


def _view(view) -> dict:
    """A view for ``paFit``: {'bounds': [[s, w], [n, e]], 'outline': [[lat, lon], …] or None}
    from bounds or from :func:`view_of`."""
    if isinstance(view, dict):
        return {"bounds": [[float(v) for v in c] for c in view["bounds"]], "outline": view.get("outline")}
    return {"bounds": [[float(v) for v in corner] for corner in view], "outline": None}


class FitTo(RawMacroElement):
    """Frame the map to a new view (bounds [[south, west], [north, east]] or :func:`view_of`)
    when its layer group is drawn (a district chosen, a walking area): see :class:`_FitView`."""

    _template = Template("{% macro script(this, kwargs) %}"
                         "if (window.paFit) { window.paFit({{ this.view_json }}); }{% endmacro %}")

    def __init__(self, view):
        super().__init__()
        self._name = "FitTo"
        self.view_json = _script_json(_view(view))


class DrawnStamp(RawMacroElement):
    """Counts in the map's frame how often its layers were drawn (``window.paDrawn``: 1 when
    the map is first drawn, +1 whenever changed layers are drawn again), and lets the frame
    forget the layer groups it has removed (streamlit-folium keeps every group it ever drew
    in ``window.feature_group``). Tests and benchmarks wait on the count: the map's own
    state, not a time. Belongs in the last of ``groups`` layer groups drawn with the map."""

    _template = Template("{% macro script(this, kwargs) %}"
                         "window.feature_group = {{ this.keep }} ? window.feature_group.slice(-{{ this.keep }}) : [];"
                         " window.paDrawn = (window.paDrawn || 0) + 1;{% endmacro %}")

    def __init__(self, groups: int):
        super().__init__()
        self._name = "DrawnStamp"
        self.keep = int(groups) - 1  # the groups drawn before this one in the same run


class OfflineMap(folium.Map):
    """A folium Map whose JS/CSS are the local Leaflet copies only.

    ``base_url_path`` is Streamlit's ``server.baseUrlPath``; ``tile_url`` an optional
    tile template (default: no background, nothing requested).
    """

    def __init__(self, location, zoom_start=12, base_url_path="", tile_url=None, tile_attribution="", **kwargs):
        # fractional zoom (quarter steps): a fitted city or district fills its frame, not half of it
        super().__init__(location=location, zoom_start=zoom_start, tiles=None, control_scale=False,
                         maxZoom=18, zoomSnap=ZOOM_SNAP, zoomDelta=0.5, wheelPxPerZoomLevel=120, **kwargs)
        self.add_child(_MetricScale())
        self.add_child(_WheelZoomOnFocus())
        self.default_js = [("leaflet", offline.static_url(offline.LEAFLET_JS, base_url_path))]
        self.default_css = [("leaflet_css", offline.static_url(offline.LEAFLET_CSS, base_url_path))]
        self.add_child(_ImagePath(offline.static_url(offline.LEAFLET_IMAGES, base_url_path)))
        self.add_child(_Css(MAP_CSS))
        if tile_url:
            folium.TileLayer(tiles=tile_url, attr=tile_attribution or " ", max_zoom=18, name="Hintergrund",
                             overlay=False, control=False).add_to(self)


def asset_urls(m: folium.Element) -> list[str]:
    """Every JS/CSS URL the map's elements ask the browser to load."""
    urls: list[str] = []

    def walk(element):
        for _, url in list(getattr(element, "default_js", [])) + list(getattr(element, "default_css", [])):
            urls.append(url)
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(m)
    return list(dict.fromkeys(urls))


def external_urls(m: folium.Element) -> list[str]:
    """Asset URLs that would leave the machine (anything not under /app/static/)."""
    return [u for u in asset_urls(m) if "/app/static/" not in u or "://" in u]


def escape_frame(frame, columns):
    """Copy of ``frame[columns]`` with every value as HTML-escaped text ('' for missing)."""
    out = frame[list(columns)].copy()
    for col in columns:
        out[col] = [html.escape(_display(v)) for v in out[col]]
    return out


def _display(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (tuple, list)):
        return ", ".join(map(str, value))
    return str(value)


def to_display(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to WGS84 (EPSG:4326) for Leaflet."""
    return frame.to_crs(schema.DISPLAY_CRS)


def display_hull(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> shapely.Geometry:
    """The convex hull of geometries in any CRS, in WGS84 (lon, lat): the hull is taken in the
    frame's own CRS and only its corners are reprojected (a city's districts: a few dozen
    points instead of every vertex, ~20 ms per map on the demo city); then the hull of the
    reprojected corners. Empty geometry for an empty frame."""
    points = shapely.get_coordinates(frame.geometry.to_numpy() if isinstance(frame, gpd.GeoDataFrame)
                                     else frame.to_numpy())
    if len(points) == 0:
        return shapely.Point()
    corners = shapely.get_coordinates(shapely.convex_hull(shapely.multipoints(points)))
    lon_lat = gpd.GeoSeries(shapely.points(corners), crs=frame.crs).to_crs(schema.DISPLAY_CRS)
    return shapely.convex_hull(shapely.multipoints(shapely.get_coordinates(lon_lat.to_numpy())))


def map_centre(districts: gpd.GeoDataFrame) -> tuple[list[float], list[list[float]]]:
    """([lat, lon] centre, [[south, west], [north, east]] bounds) of the districts."""
    [[miny, minx], [maxy, maxx]] = bounds_of(districts)
    return [(miny + maxy) / 2, (minx + maxx) / 2], [[miny, minx], [maxy, maxx]]


def district_layer(districts: gpd.GeoDataFrame, name: str, tooltip_label: str) -> folium.GeoJson:
    """The Sozialräume as outlined polygons with the (escaped) name on hover."""
    shown = escape_frame(districts, ["district_id", "name"])
    shown = gpd.GeoDataFrame(shown, geometry=to_display(districts).geometry.to_numpy(), crs=schema.DISPLAY_CRS)
    return folium.GeoJson(
        shown.to_json(drop_id=True),
        name=name,
        style_function=lambda _: {"color": "#333333", "weight": 1.5, "fillColor": "#d9d9d9", "fillOpacity": 0.35},
        highlight_function=lambda _: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["name"], aliases=[tooltip_label], labels=True),
    )


def base_map(districts: gpd.GeoDataFrame | dict, *, base_url_path: str = "", tile_url: str | None = None,
             tile_attribution: str = "", panel: bool = False) -> OfflineMap:
    """An offline map fitted to the districts (no layers yet), or to a view made before
    (:func:`view_of`); ``panel``: a panel lies over the map's right side (kept clear when
    fitting, see :class:`_FitView`)."""
    if isinstance(districts, dict):
        bounds = districts["bounds"]
        centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    else:
        centre, bounds = map_centre(districts)
    m = OfflineMap(centre, zoom_start=12, base_url_path=base_url_path, tile_url=tile_url,
                   tile_attribution=tile_attribution)
    m.add_child(_FitView(bounds, panel=panel))
    return m


def bounds_of(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> list[list[float]]:
    """[[south, west], [north, east]] in WGS84 of geometries in any CRS (for :class:`FitTo`)."""
    minx, miny, maxx, maxy = shapely.bounds(display_hull(frame))
    return [[miny, minx], [maxy, maxx]]


def view_of(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> dict:
    """The view a map is fitted to (:class:`FitTo`): the bounds of geometries in any CRS and
    their outline (convex hull, [[lat, lon], …] in WGS84, at most a few dozen points), so the
    legend is kept off the shown area itself, not off its whole bounding box."""
    hull = display_hull(frame)
    minx, miny, maxx, maxy = shapely.bounds(hull)
    bounds = [[miny, minx], [maxy, maxx]]
    if hull.geom_type != "Polygon":
        return {"bounds": bounds, "outline": None}
    ring = shapely.get_coordinates(hull.simplify(0.0005).exterior)[:-1]
    return {"bounds": bounds, "outline": [[round(lat, 5), round(lon, 5)] for lon, lat in ring]}


# ---------------------------------------------------------------------------------------
# Layers: one compact GeoJSON per layer, styles and escaped texts in the properties.
# ---------------------------------------------------------------------------------------


class Features(list):
    """Map features made once and shared (a cache's copy, read-only): their GeoJSON text, which
    every :class:`GeoJsonLayer` of them embeds, is written once too."""

    @functools.cached_property
    def collection_json(self) -> str:
        return _script_json({"type": "FeatureCollection", "features": self})


def _script_json(data) -> str:
    """JSON safe to embed in a <script> (no '<', '>' or '&' characters)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # Compact JSON never forms '{{', '{%' or '{#' outside strings, so these only occur inside
    # string values, where the escape is equivalent: no Jinja delimiter survives.
    return text.replace("{{", "{\\u007b").replace("{%", "{\\u0025").replace("{#", "{\\u0023")


POPUP_FUNCTION = """function paPopup(spec, get) {
        var h = "<div class='pa-popup'><b>" + get(spec.title) + "</b>";
        spec.rows.forEach(function(r) {
            var v = get(r[1]);
            if (v === undefined || v === null || v === "" || (Array.isArray(v) && !v.length)) { return; }
            if (v === true || v === false) { v = v ? spec.yes : spec.no; }
            else if (Array.isArray(v)) { v = v.map(function(x) { return spec.labels[x] || x; }).join(", "); }
            h += "<br><b>" + r[0] + ":</b> " + v;
        });
        return h + "</div>";
    }"""
"""The one popup builder (JavaScript, run in the browser): a title and the spec's rows of
already-escaped values; booleans become yes/no, lists are mapped through ``spec.labels``.
``get(key)`` reads a value of the feature or table row."""


class _PopupLayer(Layer):
    """What both layer kinds share: the popup spec and the one popup builder."""

    popup_function = POPUP_FUNCTION

    def _set_popup(self, popup: dict | None, styles: dict | None, style_key: str | None):
        self.popup = {"title": None, "rows": [], "yes": "", "no": "", "labels": {}, **(popup or {}),
                      "styles": styles or {}, "style_key": style_key}

    @property
    def popup_json(self) -> str:
        return _script_json(self.popup)


class GeoJsonLayer(_PopupLayer):
    """A GeoJSON layer whose features carry their own style (``_style``) and escaped texts.

    Hover shows ``_tooltip`` (or the ``popup`` spec's title field); a click opens ``_popup``
    HTML or, more compactly, a popup built in the browser from the feature's (escaped)
    properties after ``popup``: {"title": key, "rows": [[label, key], ...], "yes": .., "no": ..,
    "labels": {id: label}} (see :data:`POPUP_FUNCTION`); a feature with ``_items`` (a list of
    such property dicts) gets one scrolling popup listing them all.
    Styles: per feature ``_style``, or shared ``styles[properties[style_key]]`` (compact).
    Points are circle markers (``points='circle'``, on a canvas when ``canvas``) or
    CSS-shaped div icons (``points='icon'``). Clicks on points do not reach the map.
    ``shade``: the areas' fill opacity times this factor (:data:`SHADINGS`), fainter from
    :data:`FADE_ZOOM` on (street names readable under the shading).
    """

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function() {
    var spec = {{ this.popup_json }};
    var renderer = {% if this.canvas %}L.canvas({padding: 0.3}){% else %}undefined{% endif %};
    {{ this.popup_function }}
    function popup(p) {
        if (p._popup) { return p._popup; }
        if (p._items) {
            return "<div style='max-height:260px;overflow:auto'>" + p._items.map(function(item) {
                return paPopup(spec, function(key) { return item[key]; });
            }).join("<hr>") + "</div>";
        }
        return paPopup(spec, function(key) { return p[key]; });
    }
    var layer = L.geoJSON({{ this.data_json }}, {
        {%- if this.canvas %}renderer: renderer,{% endif %}
        interactive: {{ this.interactive|tojson }},
        pointToLayer: function(f, latlng) {
            var s = f.properties._style || spec.styles[f.properties[spec.style_key]] || {};
            {%- if this.points == "icon" %}
            return L.marker(latlng, {bubblingMouseEvents: false, keyboard: false, icon: L.divIcon({
                className: "pa-icon", html: s.html, iconSize: [s.size, s.size], iconAnchor: [s.size / 2, s.size / 2]})});
            {%- else %}
            return L.circleMarker(latlng, Object.assign({bubblingMouseEvents: false, renderer: renderer}, s));
            {%- endif %}
        },
        style: function(f) { return f.properties._style || spec.styles[f.properties[spec.style_key]]; },
        onEachFeature: function(f, layer) {
            var p = f.properties, tip = p._tooltip || (spec.title && p[spec.title]);
            if (tip) { layer.bindTooltip(tip, {sticky: true}); }
            if (p._popup || spec.rows.length) { layer.bindPopup(function() { return popup(p); }, {maxWidth: 340}); }
        }
    });
    {%- if this.shade is not none %}
    // shaded areas: the chosen strength, fainter at street zoom so streets and names stay readable
    function shade() {
        var m = layer._map;
        if (!m) { return; }
        var z = m.getZoom(), f = {{ this.shade }} * (z >= {{ this.fade_zoom }} ? 0.4 : z >= {{ this.fade_zoom }} - 1 ? 0.7 : 1);
        layer.eachLayer(function(l) {
            var s = l.feature.properties._style || spec.styles[l.feature.properties[spec.style_key]] || {};
            if (s.fillOpacity !== undefined) { l.setStyle({fillOpacity: s.fillOpacity * f}); }
        });
    }
    layer.on('add', function() { layer._map.on('zoomend', shade); shade(); });
    layer.on('remove', function() { if (layer._map) { layer._map.off('zoomend', shade); } });
    {%- endif %}
    return layer;
})();
{%- if this.show %}
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{%- endif %}
{% endmacro %}
""")

    def __init__(self, features: list[dict], name: str | None = None, *, points: str = "circle",
                 canvas: bool = False, interactive: bool = True, overlay: bool = True,
                 control: bool = True, show: bool = True, popup: dict | None = None,
                 styles: dict | None = None, style_key: str | None = None, shade: float | None = None):
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "GeoJsonLayer"
        self.shade = None if shade is None else float(shade)
        self.fade_zoom = FADE_ZOOM
        self.features = features
        self.points, self.canvas, self.interactive = points, canvas, interactive
        self._set_popup(popup, styles, style_key)

    render = RawMacroElement.render  # our template adds the layer to its parent itself

    @functools.cached_property
    def data_json(self) -> str:
        if isinstance(self.features, Features):
            return self.features.collection_json
        return _script_json({"type": "FeatureCollection", "features": self.features})


class PointTableLayer(_PopupLayer):
    """Many points as one compact, column-wise table (no per-feature GeoJSON objects):
    ``lon``/``lat`` arrays and property columns, repeated values dictionary-encoded.
    Drawn as circle markers on a canvas; tooltips and popups are created on first hover
    or click only. Properties must already be HTML-escaped; ``popup`` and ``styles`` as
    in :class:`GeoJsonLayer`.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function() {
    var spec = {{ this.popup_json }}, data = {{ this.data_json }};
    var renderer = L.canvas({padding: 0.3}), group = L.featureGroup();
    function val(key, i) {
        var c = data.cols[key];
        if (c === undefined) { return undefined; }
        return c.dict ? c.dict[c.idx[i]] : c[i];
    }
    {{ this.popup_function }}
    function popup(i) { return paPopup(spec, function(key) { return val(key, i); }); }
    for (var i = 0; i < data.lat.length; i++) {
        var s = spec.styles[val(spec.style_key, i)] || {};
        var m = L.circleMarker([data.lat[i], data.lon[i]],
            Object.assign({bubblingMouseEvents: false, renderer: renderer}, s));
        m.pa_row = i;
        group.addLayer(m);
    }
    group.on("mouseover", function(e) {
        var m = e.layer;
        if (!m.getTooltip()) { m.bindTooltip(val(spec.title, m.pa_row), {sticky: true}); m.openTooltip(e.latlng); }
    });
    group.on("click", function(e) {
        var m = e.layer;
        if (!m.getPopup()) { m.bindPopup(popup(m.pa_row), {maxWidth: 340}); m.openPopup(e.latlng); }
    });
    group.paValue = val;  // row values for tests and debugging
    return group;
})();
{%- if this.show %}
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{%- endif %}
{% endmacro %}
""")

    render = RawMacroElement.render

    def __init__(self, data: dict, name: str | None = None, *, popup: dict | None = None,
                 styles: dict | None = None, style_key: str | None = None, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "PointTableLayer"
        self.data = data  # as made by ColumnTable.take
        self._set_popup(popup, styles, style_key)

    @functools.cached_property
    def data_json(self) -> str:
        return _script_json(self.data)


class ColumnTable:
    """Point rows encoded column-wise once (WGS84 lon/lat, property columns; repeated
    values dictionary-encoded), so that any subset is cut out cheaply for the browser."""

    def __init__(self, frame: pd.DataFrame, lon, lat, id_column: str):
        self.index = pd.Index(frame[id_column].to_numpy())
        self.lon = np.round(np.asarray(lon, float), 5)
        self.lat = np.round(np.asarray(lat, float), 5)
        self.columns: dict[str, tuple] = {}
        for name in frame.columns:
            values = [list(v) if isinstance(v, tuple) else v for v in _column_values(frame[name])]
            hashable = pd.Series([tuple(v) if isinstance(v, list) else v for v in values], dtype=object)
            codes, uniques = pd.factorize(hashable, use_na_sentinel=False)
            if len(uniques) * 2 < len(values):
                lookup = [list(u) if isinstance(u, tuple) else (None if u is None or u is np.nan else u)
                          for u in uniques]
                self.columns[name] = ("dict", lookup, codes)
            else:
                self.columns[name] = ("plain", values, None)

    def __len__(self) -> int:
        return len(self.index)

    def take(self, ids, extra: dict | None = None) -> dict:
        """JSON-ready {'lon', 'lat', 'cols'} of the rows with these ids (in that order);
        ``extra`` adds columns given as lists aligned with ``ids``."""
        ids = list(ids)
        pos = self.index.get_indexer(ids)
        if (pos < 0).any():
            raise KeyError(f"unknown ids: {[i for i, p in zip(ids, pos) if p < 0][:5]}")
        cols = {}
        for name, (kind, values, codes) in self.columns.items():
            cols[name] = {"dict": values, "idx": codes[pos].tolist()} if kind == "dict" else [values[i] for i in pos]
        for name, values in (extra or {}).items():
            codes, uniques = pd.factorize(pd.Series(list(values), dtype=object), use_na_sentinel=False)
            cols[name] = {"dict": [None if pd.isna(u) else u for u in uniques], "idx": codes.tolist()}
        return {"lon": self.lon[pos].tolist(), "lat": self.lat[pos].tolist(), "cols": cols}


def _map_name(element) -> str:
    """The JS name of the map an element is drawn on (directly or inside a layer group)."""
    while element is not None and not isinstance(element, folium.Map):
        element = element._parent
    if element is None:
        raise ValueError("the element is not on a map")
    return element.get_name()


class Legend(RawMacroElement):
    """A Leaflet control (bottom left, above the scale; the right side may lie under a panel)
    showing the given, already escaped HTML. A map has one legend: added in a layer group
    that is drawn again (another measure), it changes the legend's content in place."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function(m) {
  var legend = m._paLegend;
  if (!legend) {
    legend = L.control({position: "bottomleft"});
    legend.onAdd = function() {
      var div = L.DomUtil.create("div", "pa-legend leaflet-control");
      div.style.cssText = "background:rgba(255,255,255,0.9);padding:5px 7px;border-radius:4px;"
          + "font:11px/1.3 sans-serif;max-width:230px;max-height:60vh;overflow:auto;"
          + "box-shadow:0 1px 4px rgba(0,0,0,.3)";
      L.DomEvent.disableClickPropagation(div);
      if (window.ResizeObserver) {  // fonts, styles or the folded symbols change its size: frame again
        new ResizeObserver(function() { if (window.paRefit) { window.paRefit(); } }).observe(div);
      }
      return div;
    };
    legend.addTo(m);
    m._paLegend = legend;
  }
  legend.getContainer().innerHTML = {{ this.html_json }};
  if (window.paRefit) { window.paRefit(); }
})({{ this.map_name }});
{% endmacro %}
""")

    def __init__(self, html_text: str):
        super().__init__()
        self._name = "Legend"
        self.html_text = html_text

    @property
    def html_json(self) -> str:
        return _script_json(self.html_text)

    @property
    def map_name(self) -> str:
        return _map_name(self)


def _column_values(series: pd.Series) -> list:
    """A column as JSON-friendly Python values (missing → None)."""
    values = series.astype(object)
    return values.where(series.notna(), None).tolist() if series.dtype != object else [
        None if (v is None or (isinstance(v, float) and np.isnan(v))) else v for v in values]


def point_features(frame: gpd.GeoDataFrame, properties: dict, styles=None) -> list[dict]:
    """GeoJSON point features (WGS84) with the given property columns (Series aligned with
    ``frame``) and optional per-row ``_style`` dicts."""
    shown = frame[frame.geometry.notna()]
    if shown.empty:
        return []
    lonlat = to_display(shown[["geometry"]]).geometry.get_coordinates().to_numpy().round(6).tolist()
    cols = {k: _column_values(pd.Series(v).loc[shown.index]) for k, v in properties.items()}
    if styles is not None:
        cols["_style"] = list(styles.loc[shown.index])
    keys = list(cols)
    rows = zip(*(cols[k] for k in keys))
    return [{"type": "Feature", "geometry": {"type": "Point", "coordinates": xy}, "properties": dict(zip(keys, row))}
            for xy, row in zip(lonlat, rows)]


def area_features(geoms, properties: dict, styles) -> list[dict]:
    """GeoJSON polygon features (WGS84) from metric geometries (a GeoSeries)."""
    shown = gpd.GeoSeries(geoms).to_crs(schema.DISPLAY_CRS)
    shown = gpd.GeoSeries(shapely.transform(shown.to_numpy(), lambda xy: np.round(xy, 6)), crs=shown.crs)
    mapping = json.loads(shown.to_json(drop_id=True))["features"]
    style_list = list(styles) if not isinstance(styles, dict) else [styles] * len(mapping)
    keys = list(properties)
    cols = {k: list(v) for k, v in properties.items()}
    return [{"type": "Feature", "geometry": feat["geometry"],
             "properties": {**{k: cols[k][i] for k in keys}, "_style": style_list[i]}}
            for i, feat in enumerate(mapping)]


def square_icon(colour: str, size: int = 14) -> dict:
    """Style of a square symbol (Familienzentrum)."""
    return {"size": size, "html": f'<div style="width:{size - 4}px;height:{size - 4}px;background:{colour};'
                                  f'border:2px solid #fff;box-shadow:0 0 0 1px #333"></div>'}


def diamond_icon(colour: str, size: int = 14) -> dict:
    """Style of a diamond symbol (network partner)."""
    inner = size - 6
    return {"size": size, "html": f'<div style="width:{inner}px;height:{inner}px;margin:3px;background:{colour};'
                                  f'border:1px solid #fff;box-shadow:0 0 0 1px #333;transform:rotate(45deg)"></div>'}


FAMILY_CENTRE_COLOUR = "#7B3294"
PARTNER_COLOUR = "#1B7837"


def legend_html(title_lines: list[str], classes: list[tuple[str, str]], symbols: list[tuple[str, str]],
                symbols_title: str = "Symbole") -> str:
    """Legend HTML from escaped parts: title lines, (colour, label) classes and, folded
    under ``symbols_title``, (swatch HTML, label) symbols of the overlays."""
    # the whole legend folds to its title where it would cover a fitted district (see _FitView)
    parts = [f'<details open class="pa-fold"><summary style="cursor:pointer"><b>{title_lines[0]}</b></summary>']
    parts += [f'<div style="color:#444">{line}</div>' for line in title_lines[1:]]
    # more than three classes in two columns (read row by row): a low legend leaves the map its height
    columns = "auto auto" if len(classes) > 3 else "auto"
    parts.append(f'<div style="display:grid;grid-template-columns:{columns};column-gap:8px">')
    for colour, label in classes:
        parts.append(f'<div class="pa-class"><span style="display:inline-block;width:14px;height:11px;'
                     f'background:{colour};border:1px solid #777;margin-right:5px;vertical-align:middle"></span>'
                     f'{label}</div>')
    parts.append("</div>")
    if symbols:
        parts.append(f'<details style="margin-top:4px"><summary style="cursor:pointer">{symbols_title}</summary>')
        for swatch, label in symbols:
            parts.append(f'<div><span style="display:inline-block;width:16px;margin-right:4px;'
                         f'vertical-align:middle">{swatch}</span>{label}</div>')
        parts.append("</details>")
    parts.append("</details>")
    return "".join(parts)


def circle_swatch(colour: str) -> str:
    return (f'<span style="display:inline-block;width:10px;height:10px;border-radius:50%;background:{colour};'
            f'border:1px solid #333"></span>')


MAP_BACKGROUND = "#dddddd"
"""Leaflet's grey under everything (no tiles)."""
RINGS = ("#111111", "#ffffff")
"""A symbol's ring: dark or white, whichever stands out more from the colour beneath."""


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour."""
    rgb = np.array([int(colour[k:k + 2], 16) for k in (1, 3, 5)]) / 255.0
    lin = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ [0.2126, 0.7152, 0.0722])


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1–21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def blend(colour: str, opacity: float, under: str = MAP_BACKGROUND) -> str:
    """The colour seen where ``colour`` is drawn with ``opacity`` over ``under``."""
    top, low = (np.array([int(c[k:k + 2], 16) for k in (1, 3, 5)], float) for c in (colour, under))
    mixed = np.rint(top * opacity + low * (1 - opacity)).astype(int)
    return "#" + "".join(f"{v:02x}" for v in mixed)


@functools.lru_cache(maxsize=4096)
def ring_for(beneath: str) -> str:
    """The ring (:data:`RINGS`) with the higher contrast against ``beneath`` (at least 4.3:1)."""
    return max(RINGS, key=lambda ring: contrast_ratio(ring, beneath))


def choropleth_style(colours: pd.Series, outline: bool = False) -> list[dict]:
    """Polygon styles from fill colours (missing → grey, hatched look via dash); ``outline``:
    the class colour as a broad inner border instead (the fill is then faded out by the
    layer's shading, see :data:`SHADINGS`)."""
    return [{"color": (c if isinstance(c, str) else NO_DATA_COLOUR) if outline else "#444444",
             "weight": 5 if outline else 1, "fillColor": c if isinstance(c, str) else NO_DATA_COLOUR,
             "fillOpacity": 0.75 if isinstance(c, str) else 0.45,
             "dashArray": None if isinstance(c, str) else "4 3"} for c in colours]

