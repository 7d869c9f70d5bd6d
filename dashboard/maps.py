"""Folium maps that load nothing from the internet.

Library code (no Streamlit): builds :class:`OfflineMap` objects whose only JS/CSS are the
local Leaflet copies under ``static/``; every text from the data is HTML-escaped before
it reaches a tooltip or popup.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import numpy as np
from branca.element import MacroElement
from jinja2 import Template

from . import offline, schema


class _ImagePath(MacroElement):
    """Tell Leaflet where its marker images are (it cannot guess it inside st_folium)."""

    _template = Template(
        "{% macro script(this, kwargs) %}L.Icon.Default.imagePath = {{ this.path|tojson }};{% endmacro %}"
    )

    def __init__(self, path: str):
        super().__init__()
        self._name = "ImagePath"
        self.path = path


class OfflineMap(folium.Map):
    """A folium Map whose JS/CSS are the local Leaflet copies only.

    ``base_url_path`` is Streamlit's ``server.baseUrlPath``; ``tile_url`` an optional
    tile template (default: no background, nothing requested).
    """

    def __init__(self, location, zoom_start=12, base_url_path="", tile_url=None, tile_attribution="", **kwargs):
        super().__init__(location=location, zoom_start=zoom_start, tiles=None, control_scale=True,
                         maxZoom=18, **kwargs)
        self.default_js = [("leaflet", offline.static_url(offline.LEAFLET_JS, base_url_path))]
        self.default_css = [("leaflet_css", offline.static_url(offline.LEAFLET_CSS, base_url_path))]
        self.add_child(_ImagePath(offline.static_url(offline.LEAFLET_IMAGES, base_url_path)))
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


def map_centre(districts: gpd.GeoDataFrame) -> tuple[list[float], list[list[float]]]:
    """([lat, lon] centre, [[south, west], [north, east]] bounds) of the districts."""
    minx, miny, maxx, maxy = to_display(districts).total_bounds
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


def base_map(districts: gpd.GeoDataFrame, *, base_url_path: str = "", tile_url: str | None = None,
             tile_attribution: str = "") -> OfflineMap:
    """An offline map fitted to the districts (no layers yet)."""
    centre, bounds = map_centre(districts)
    m = OfflineMap(centre, zoom_start=12, base_url_path=base_url_path, tile_url=tile_url,
                   tile_attribution=tile_attribution)
    m.fit_bounds(bounds)
    return m
