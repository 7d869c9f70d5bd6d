"""The map page's content as plain functions: choropleth values, overlay layers, popups.

Everything a planner sees on the map is computed here (no Streamlit), so tests, the CLI
and the page share it. Texts from the data are HTML-escaped before they reach the map.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.analysis import filters
from dashboard.analysis.indicators import catalogue_entry, indicator_values
from dashboard.analysis.population import TargetPopulation, cell_phase_population
from dashboard.analysis.secrecy import protect_cells, protect_counts
from dashboard.model import schema
from dashboard.present import classify as cls
from dashboard.present import maps
from dashboard.present.format import format_count, format_dates, format_number, format_range, format_stand
from dashboard.present.i18n import own_label, own_unit, phase_labels, t, terms

POPULATION_MEASURES = ("absolute", "share", "density")


@dataclass(frozen=True)
class ChoroplethSpec:
    """What the district colours show.

    ``kind='indicator'``: ``indicator`` in ``year``; ``kind='population'``: target
    population of ``phase`` as ``measure`` (absolute persons, share of all persons in %,
    or persons per km²). Classes: ``scheme`` (quantiles, natural_breaks, equal_interval),
    ``k`` 3–7, sequential ``palette``; ``shading`` how strongly the colours cover the base map
    (:data:`dashboard.present.maps.SHADINGS`: full, translucent, outline).
    """

    kind: str = "indicator"
    indicator: str | None = None
    year: int | None = None
    phase: str | None = None
    measure: str = "absolute"
    scheme: str = "quantiles"
    k: int = 5
    palette: str = "YlGnBu"
    shading: str = "full"


def choropleth_values(ws, spec: ChoroplethSpec, tp: TargetPopulation, threshold: int = 3, lang: str = "de"):
    """(values per district_id, legend facts dict: title, unit, year, source, reverse).

    Population counts below ``threshold`` are withheld (NaN → "keine Angabe"); shares and
    densities of a withheld count are withheld too.
    """
    if spec.kind == "indicator":
        entry = catalogue_entry(ws, spec.indicator)
        values = indicator_values(ws, spec.indicator, spec.year)
        return values, {
            "title": own_label(entry, lang), "unit": own_unit(entry, lang),
            "when": f"{t('year', lang)} {spec.year}", "source": entry["source"],
            "reverse": not bool(entry["higher_is_need"]),
            "decimals": 1,
        }
    if spec.measure not in POPULATION_MEASURES:
        raise ValueError(f"measure must be one of {POPULATION_MEASURES}, got {spec.measure!r}")
    persons = protect_counts(tp.persons, threshold)[spec.phase]  # as every page publishes it
    if spec.measure == "absolute":
        values, unit, decimals = persons, t("persons", lang), 0
    elif spec.measure == "share":
        values = persons / tp.total.replace(0, np.nan) * 100
        unit, decimals = t("share_of_population", lang), 1
    else:
        area = pd.Series(ws.districts.area.to_numpy() / 1e6, index=ws.districts["district_id"].to_numpy())
        values, unit, decimals = persons / area.reindex(persons.index), t("per_km2", lang), 1
    label = phase_labels(ws.life_phases, lang)[spec.phase]
    return values, {
        "title": f"{t('target_population', lang)}: {label}", "unit": unit,
        "when": f"{t('data_stand', lang)}: {format_stand(ws.meta.get('data_stand', ''), lang)}",
        "source": t("population_register", lang),
        "reverse": False, "decimals": decimals,
        "estimated": bool(tp.estimated[spec.phase].any()),
    }


def choropleth(ws, spec: ChoroplethSpec, tp: TargetPopulation, threshold: int = 3, lang: str = "de"):
    """(GeoJsonLayer of the districts coloured by class, legend HTML, classification)."""
    values, facts = choropleth_values(ws, spec, tp, threshold, lang)
    classes = cls.classify(values, spec.scheme, spec.k)
    colours_k = cls.palette(spec.palette, max(classes.k, 1), reverse=facts["reverse"]) if classes.k else []
    colour = classes.classes.map(lambda i: colours_k[i] if i >= 0 else None)
    d = facts["decimals"]
    names = ws.districts["name"].map(lambda v: html.escape(str(v))).to_numpy()
    shown = [format_number(v, d, lang) if not np.isnan(v) else t("keine_angabe", lang) for v in values.to_numpy()]
    unit = html.escape(str(facts["unit"]))
    tooltips = [f"<b>{n}</b><br>{html.escape(s)} {unit if s[0].isdigit() else ''}" for n, s in zip(names, shown)]
    geoms = ws.districts.geometry.simplify(2.0)
    layer = maps.GeoJsonLayer(
        maps.area_features(geoms, {"district_id": list(ws.districts["district_id"]), "_tooltip": tooltips},
                           maps.choropleth_style(colour, outline=spec.shading == "outline")),
        name=html.escape(facts["title"]), control=False, shade=maps.SHADINGS.get(spec.shading, 1.0),
    )
    legend_classes = [(c, format_range(classes.edges[i], classes.edges[i + 1], d, lang))
                      for i, c in enumerate(colours_k)]
    if values.isna().any():
        legend_classes.append((cls.NO_DATA_COLOUR, t("keine_angabe", lang)))
    title = [html.escape(facts["title"]), f"{unit} · {html.escape(facts['when'])}",
             f"{t('source', lang)}: {html.escape(str(facts['source']))}",
             f"{t('classes', lang)}: {html.escape(t(f'scheme.{spec.scheme}', lang))}"]
    if facts.get("estimated"):
        title.append(t("estimated", lang))
    return layer, title, legend_classes, classes


def overlay_symbols(ws, lang: str = "de") -> list[tuple[str, str]]:
    """Legend entries of the overlays: one circle per life phase, FZ square, partner diamond, outreach."""
    labels = phase_labels(ws.life_phases, lang)
    colours = dict(zip(ws.life_phases["phase_id"], ws.life_phases["colour"]))
    items = [(maps.circle_swatch(colours[p]), html.escape(label)) for p, label in labels.items()]
    items.append((maps.square_icon(maps.FAMILY_CENTRE_COLOUR, 12)["html"], t("layer_family_centres", lang)))
    items.append((maps.diamond_icon(maps.PARTNER_COLOUR, 12)["html"], t("layer_partners", lang)))
    items.append(('<span style="display:inline-block;width:14px;height:9px;border:2px dashed #555"></span>',
                  t("layer_outreach", lang)))
    return items


_HTML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))


def _esc(series: pd.Series) -> pd.Series:
    """Display text of every value, HTML-escaped like :func:`html.escape` (vectorised)."""
    text = pd.Series([maps._display(v) for v in series], index=series.index, dtype="str")
    for raw, entity in _HTML_ESCAPES:
        text = text.str.replace(raw, entity, regex=False)
    return text


def _esc_terms(series: pd.Series, lang: str) -> pd.Series:
    """Vocabulary terms (a list or one term per row) in the UI language, HTML-escaped."""
    return _esc(series.map(lambda v: terms(v, lang)))


def _esc_list(series: pd.Series) -> pd.Series:
    return series.map(lambda items: [html.escape(str(x)) for x in items])


def yes_no(series: pd.Series, lang: str) -> pd.Series:
    """A yes / no / unknown field in words: 'ja', 'nein', 'unbekannt'."""
    words = {True: t("yes", lang), False: t("no", lang)}
    return series.astype(object).map(lambda v: t("unknown", lang) if v is None or pd.isna(v) else words[bool(v)])


OFFER_ROWS = [("provider", "p"), ("life_phases", "ph"), ("topic", "tp"), ("sectors", "s"), ("category", "c"),
              ("audience", "a"),
              ("cost_free", "f"), ("barrier_free", "b"), ("languages", "l"), ("service_area", "sa"),
              ("address", "ad"), ("capacity", "cap"), ("contact", "ct"), ("contact_person", "cp"),
              ("last_updated", "u")]


def popup_spec(ws, rows, lang: str, title: str = "n") -> dict:
    """Labels for popups built in the browser (escaped), incl. life-phase and district names."""
    labels = {html.escape(k): html.escape(v) for k, v in phase_labels(ws.life_phases, lang).items()}
    labels.update({html.escape(str(k)): html.escape(str(v))
                   for k, v in zip(ws.districts["district_id"], ws.districts["name"])})
    labels[schema.CITY_WIDE] = t("whole_city", lang)
    return {"title": title, "rows": [[t(label, lang), key] for label, key in rows], "yes": t("yes", lang),
            "no": t("no", lang), "labels": labels}


def _personal(frame: pd.DataFrame, show_personal: bool) -> pd.Series:
    if not show_personal:
        return pd.Series(None, index=frame.index, dtype=object)
    cols = [c for c in schema.PERSONAL_CONTACT_COLUMNS if c in frame]
    joined = frame[cols].apply(lambda r: " · ".join(str(v) for v in r if isinstance(v, str) and v), axis=1)
    return joined.map(html.escape)


def offer_properties(ws, offers: pd.DataFrame, lang: str = "de", show_personal: bool = False) -> dict:
    """Compact, escaped popup properties per offer (see :data:`OFFER_ROWS`). Personal
    contact data only when ``show_personal`` (the role may see it)."""
    updated = format_dates(offers["last_updated"], lang)
    capacity = offers["capacity"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    return {
        "offer_id": offers["offer_id"], "n": _esc(offers["name"]), "p": _esc(offers["provider"]),
        "ph": _esc_list(offers["life_phases"]), "s": _esc_terms(offers["sectors"], lang),
        "c": _esc_terms(offers["category"], lang), "a": _esc_terms(offers["audience"], lang),
        "tp": _esc_terms(offers["topic"] if "topic" in offers else pd.Series(None, index=offers.index), lang),
        "f": yes_no(offers["cost_free"], lang), "b": yes_no(offers["barrier_free"], lang),
        "l": _esc_terms(offers["languages"], lang), "sa": _esc_list(offers["service_area"]), "ad": _esc(offers["address"]),
        "cap": capacity, "ct": _esc(offers.get("contact_public", pd.Series("", index=offers.index))),
        "cp": _personal(offers, show_personal), "u": updated,
    }


def offer_popup_items(ws, offers: pd.DataFrame, lang: str = "de", show_personal: bool = False) -> pd.Series:
    """Popup properties per offer as one dict each (escaped, as :func:`offer_properties`), for
    features that list several offers in one popup (outreach areas); the browser builds
    the popup with the same function as for points."""
    props = pd.DataFrame(offer_properties(ws, offers, lang, show_personal), index=offers.index)
    props = props.astype(object).where(props.notna(), None)
    return pd.Series(props.drop(columns="offer_id").to_dict("records"), index=offers.index, dtype=object)


def offer_point_table(ws, offers: pd.DataFrame, lang: str = "de", show_personal: bool = False) -> maps.ColumnTable:
    """Map table of the sited offers (by offer_id): WGS84 position and the escaped popup
    properties (see :data:`OFFER_ROWS`). Independent of filters: the map page builds it
    once per workspace, language and role."""
    sited = offers[offers.geometry.notna()]
    lonlat = maps.to_display(sited[["geometry"]]).geometry.get_coordinates()
    props = pd.DataFrame(offer_properties(ws, sited, lang, show_personal))
    return maps.ColumnTable(props, lonlat["x"], lonlat["y"], "offer_id")


def shade_beneath(features: list[dict], shade: float = 1.0) -> dict:
    """Per district_id the colour a reader sees under a symbol on the choropleth
    (:func:`choropleth` features; ``shade``: :data:`dashboard.present.maps.SHADINGS`)."""
    out = {}
    for f in features:
        style, district_id = f["properties"].get("_style") or {}, f["properties"].get("district_id")
        if district_id is not None and style.get("fillColor"):
            out[district_id] = maps.blend(style["fillColor"], style.get("fillOpacity", 0.2) * shade)
    return out


def _rings(ws, offers: pd.DataFrame, beneath: dict | None) -> np.ndarray:
    """Per sited offer the ring (dark or white) that stands out from the district colour beneath."""
    rings = np.full(len(offers), maps.RINGS[0], dtype=object)
    if not beneath or offers.empty:
        return rings
    hit = ws.districts.sindex.query(gpd.GeoSeries(offers.geometry.to_numpy(), crs=ws.crs), predicate="intersects")
    under = ws.districts["district_id"].to_numpy()[hit[1]]
    colour = {d: maps.ring_for(c) for d, c in beneath.items()}
    rings[hit[0]] = [colour.get(d, maps.RINGS[0]) for d in under]
    return rings


def offer_layers(ws, offers: pd.DataFrame, chosen_phases=(), lang="de", show_personal=False, point_table=None,
                 outreach_items: pd.Series | None = None, beneath: dict | None = None,
                 outreach_features: list[dict] | None = None):
    """(points layer, outreach-areas layer) for the given (filtered) offers.

    Points are circle markers coloured by the earliest chosen phase of each offer;
    outreach offers (no point) are dotted outlines of their service area. ``point_table``
    (from :func:`offer_point_table` over all offers) and ``outreach_items`` (from
    :func:`offer_popup_items` of all outreach offers, indexed by offer_id) save rebuilding them.
    ``beneath`` (:func:`shade_beneath`): the district colours under the points; each point's
    ring is then dark or white, whichever stands out more (WCAG non-text contrast ≥ 3:1).
    ``outreach_features``: the outreach offers' areas as made by :func:`outreach_area_features`
    for the same offers and phases (a cache's copy).
    """
    chain = list(ws.life_phases["phase_id"])
    colours = dict(zip(ws.life_phases["phase_id"], ws.life_phases["colour"]))
    phase = filters.first_phase(offers["life_phases"], chain, chosen_phases)
    sited = offers.geometry.notna().to_numpy()
    table = point_table if point_table is not None else offer_point_table(ws, offers[sited], lang, show_personal)
    rings = _rings(ws, offers[sited], beneath)
    looks = [f"{p}|{r}" for p, r in zip(phase[sited], rings)]
    shown = table.take(offers["offer_id"][sited], extra={"phase": list(phase[sited]), "look": looks})
    # larger than the partners' and centres' symbols, with a ring dark or white by the shading beneath
    circles = {f"{p}|{r}": {"radius": 7, "color": r, "weight": 2.5, "fillOpacity": 1.0, "fillColor": c}
               for p, c in colours.items() for r in maps.RINGS}
    points = maps.PointTableLayer(shown, name=t("layer_offers", lang), popup=popup_spec(ws, OFFER_ROWS, lang),
                                  styles=circles, style_key="look")
    if outreach_features is None:
        outreach_features = outreach_area_features(ws, offers[~sited], chosen_phases, lang, show_personal,
                                                   outreach_items)
    area_layer = maps.GeoJsonLayer(outreach_features, name=t("layer_outreach", lang),
                                   popup=popup_spec(ws, OFFER_ROWS, lang))
    return points, area_layer


def outreach_area_features(ws, outreach: pd.DataFrame, chosen_phases=(), lang="de", show_personal=False,
                           outreach_items: pd.Series | None = None) -> list[dict]:
    """The map features of outreach offers (no site of their own): one dotted outline per
    distinct service area, listing every offer serving it, coloured by the earliest chosen
    phase the offers share (grey when they differ). ``outreach_items``: popup items of all
    outreach offers by offer_id (:func:`offer_popup_items`), else made here."""
    if outreach.empty:
        return []
    chain = list(ws.life_phases["phase_id"])
    colours = dict(zip(ws.life_phases["phase_id"], ws.life_phases["colour"]))
    phase = filters.first_phase(outreach["life_phases"], chain, chosen_phases)
    if outreach_items is not None:
        items = pd.Series(outreach_items.reindex(outreach["offer_id"]).to_numpy(), index=outreach.index)
    else:
        items = offer_popup_items(ws, outreach, lang, show_personal)
    return _outreach_features(ws, outreach, phase, items, colours, lang)


def _outreach_features(ws, outreach, phase, items, colours, lang) -> list[dict]:
    """One dotted outline per distinct service area, listing every outreach offer serving it."""
    key = outreach["service_area"].map(lambda a: tuple(sorted(a)))
    groups = pd.DataFrame({"key": key, "offer_id": outreach["offer_id"], "phase": phase, "item": items,
                           "name": _esc(outreach["name"])}).groupby("key", sort=True)
    keys, offer_ids, tips, pops, styles = [], [], [], [], []
    for area, rows in groups:
        keys.append(area)
        offer_ids.append(list(rows["offer_id"]))
        phases = set(rows["phase"])
        colour = colours.get(next(iter(phases)), "#555555") if len(phases) == 1 else "#555555"
        # outline only (a filled area would catch every click meant for the district below), dotted:
        # a row of round dots marks an area's edge on a map, a dashed line reads like a road or a path
        styles.append({"color": colour, "weight": 4, "dashArray": "0.1 8", "lineCap": "round", "opacity": 0.9,
                       "fill": False})
        tips.append(f"<b>{len(rows)} × {t('layer_outreach', lang)}</b><br>" + "<br>".join(rows["name"]))
        pops.append(list(rows["item"]))
    areas = service_areas(ws, pd.Series(keys))
    return maps.area_features(areas, {"offer_ids": offer_ids, "_tooltip": tips, "_items": pops}, styles)


def service_areas(ws, areas: pd.Series) -> gpd.GeoSeries:
    """Geometry (metric CRS) of each service area: union of its districts, or the whole city."""
    polys = dict(zip(ws.districts["district_id"], ws.districts.geometry.simplify(5.0)))
    city = shapely.union_all(list(polys.values()))
    cache: dict[tuple, object] = {}

    def geom(area):
        if area not in cache:
            cache[area] = city if schema.CITY_WIDE in area else shapely.union_all([polys[d] for d in area if d in polys])
        return cache[area]

    return gpd.GeoSeries([geom(tuple(a)) for a in areas], index=areas.index, crs=ws.crs)


SITE_ROWS = [("provider", "p"), ("sector", "s"), ("legal_domain", "r"), ("life_phases", "ph"), ("address", "ad"),
             ("contact", "ct"), ("contact_person", "cp")]


def _site_properties(frame, id_col, title_col, show_personal, lang: str = "de") -> dict:
    get = lambda col: _esc(frame[col]) if col in frame else pd.Series("", index=frame.index)  # noqa: E731
    term = lambda col: _esc_terms(frame[col], lang) if col in frame else pd.Series("", index=frame.index)  # noqa: E731
    return {
        id_col: frame[id_col], "n": _esc(frame[title_col]), "p": get("provider"), "s": term("sector"),
        "r": term("legal_domain"), "ad": get("address"), "ct": get("contact_public"),
        "ph": _esc_list(frame["life_phases"]) if "life_phases" in frame else pd.Series([[]] * len(frame),
                                                                                          index=frame.index),
        "cp": _personal(frame, show_personal), "_": pd.Series("", index=frame.index),
    }


SITE_KINDS = {"centres": ("centre_id", "name"), "partners": ("partner_id", "organisation")}
"""Kind of site → (its id column, its title column)."""


def site_features(sites, kind: str, lang="de", show_personal=False) -> list[dict]:
    """Map features of Familienzentren (``kind`` 'centres') or partners ('partners') with
    their escaped popup texts (:func:`family_centre_layer`, :func:`partner_layer`)."""
    id_col, title_col = SITE_KINDS[kind]
    return maps.point_features(sites, _site_properties(sites, id_col, title_col, show_personal, lang))


def family_centre_layer(ws, centres, lang="de", show_personal=False, features=None):
    """Familienzentren as purple squares (``features``: their :func:`site_features`, if made already)."""
    features = site_features(centres, "centres", lang, show_personal) if features is None else features
    return maps.GeoJsonLayer(features, name=t("layer_family_centres", lang),
                             points="icon", popup=popup_spec(ws, SITE_ROWS, lang),
                             styles={"": maps.square_icon(maps.FAMILY_CENTRE_COLOUR)}, style_key="_")


def partner_layer(ws, partners, lang="de", show_personal=False, features=None):
    """Network partners as green diamonds (``features``: their :func:`site_features`, if made already)."""
    features = site_features(partners, "partners", lang, show_personal) if features is None else features
    return maps.GeoJsonLayer(features, name=t("layer_partners", lang),
                             points="icon", popup=popup_spec(ws, SITE_ROWS, lang),
                             styles={"": maps.diamond_icon(maps.PARTNER_COLOUR)}, style_key="_")


def _grid_inputs(ws, phase: str, threshold: int, tp):
    """Persons per cell of one phase, the cell→district pairs and which districts' figures
    of the phase are withheld (as published everywhere)."""
    from dashboard.analysis.population import cell_district_shares, target_population

    tp = tp if tp is not None else target_population(ws)
    raw = cell_phase_population(ws)[phase]
    published = protect_counts(tp.persons, threshold)[phase].reindex(ws.districts["district_id"])
    cell_idx, district_idx, _ = cell_district_shares(ws.population_cells, ws.districts)
    return raw, cell_idx, district_idx, published.isna().to_numpy()


def grid_values(ws, phase: str, threshold: int = 3, tp=None) -> pd.Series:
    """Persons per grid cell of one phase as published beside the district figures
    (:func:`dashboard.secrecy.protect_cells`): NaN where withheld."""
    raw, cell_idx, district_idx, withheld = _grid_inputs(ws, phase, threshold, tp)
    return pd.Series(protect_cells(raw.to_numpy(), cell_idx, district_idx, withheld, threshold), index=raw.index)


def reach_cell_values(ws, phase: str, cell_reached: np.ndarray, reached_withheld: pd.Series, threshold: int = 3,
                      tp=None) -> pd.Series:
    """Persons per grid cell of one phase as shown on a map that also colours the cells
    reached / not reached: protected like :func:`grid_values`, and also so that the reached
    cells of a district neither add up to its withheld reached count nor, with its published
    count, give a single withheld reached cell away. ``reached_withheld``: per district_id,
    whether the district's reached count of the phase is withheld."""
    raw, cell_idx, district_idx, withheld = _grid_inputs(ws, phase, threshold, tp)
    values = raw.to_numpy()
    shown = protect_cells(values, cell_idx, district_idx, withheld, threshold)
    reached = reached_withheld.reindex(ws.districts["district_id"]).fillna(True).to_numpy(bool)
    reached_only = np.where(np.asarray(cell_reached, bool), values, 0.0)
    hidden_reached = np.isnan(protect_cells(reached_only, cell_idx, district_idx, reached, threshold))
    shown[hidden_reached & (np.nan_to_num(values, nan=1) > 0)] = np.nan
    return pd.Series(shown, index=raw.index)


def grid_layer(ws, phase: str, threshold: int = 3, lang: str = "de", palette: str = "YlOrRd", tp=None):
    """Population grid cells of one phase, 5 quantile classes; withheld/small values grey."""
    cells = ws.population_cells
    values = grid_values(ws, phase, threshold, tp)
    raw = cell_phase_population(ws)[phase]
    drawn = (values > 0) | (values.isna() & ~(raw <= 0))  # empty cells are not drawn, withheld ones grey
    values = values.where(values > 0)
    classes = cls.classify(values[drawn], "quantiles", 5) if values.notna().sum() >= 5 else None
    colours = cls.palette(palette, classes.k) if classes is not None and classes.k else []
    colour = classes.classes.map(lambda i: colours[i] if i >= 0 else None) if classes is not None else \
        pd.Series(None, index=values[drawn].index)
    style = [{"stroke": False, "fillColor": c if isinstance(c, str) else cls.NO_DATA_COLOUR,
              "fillOpacity": 0.7 if isinstance(c, str) else 0.35} for c in colour]
    estimated = ws.meta.get("population_estimate") == "register_on_grid"  # figures estimated from the register
    tips = [format_count(v, threshold, lang) + (f" · {t('grid_estimated', lang)}" if estimated else "")
            for v in values[drawn]]
    return maps.GeoJsonLayer(maps.area_features(cells.geometry[drawn], {"_tooltip": tips}, style),
                             name=t("layer_grid", lang), canvas=True)


REACHED_COLOURS = {True: "#1a9850", False: "#f46d43"}


def reach_cells_layer(ws, cells: pd.DataFrame, counts, threshold: int = 3, lang: str = "de"):
    """Population cells of a district (:func:`dashboard.analysis.coverage.district_cells`)
    green when reached, orange when not; the tooltip gives the published persons
    (``counts`` per row of ``cells``, from :func:`reach_cell_values`)."""
    reached = cells["reached"].to_numpy(bool)
    style = [{"stroke": False, "fillColor": REACHED_COLOURS[bool(r)], "fillOpacity": 0.55} for r in reached]
    tips = [f"{format_count(p, threshold, lang)} · {t('reached_cells' if r else 'unreached_cells', lang)}"
            for p, r in zip(counts, reached)]
    return maps.GeoJsonLayer(maps.area_features(ws.population_cells.geometry.iloc[cells["cell"].to_numpy()],
                                                {"_tooltip": tips}, style),
                             name=t("layer_grid", lang), canvas=True)


def reach_legend(title: str, lang: str = "de") -> str:
    """Legend of :func:`reach_cells_layer`."""
    return maps.legend_html([html.escape(title)], [(REACHED_COLOURS[True], t("reached_cells", lang)),
                                                   (REACHED_COLOURS[False], t("unreached_cells", lang))], [])


CHANGE_COLOURS = {"lost": "#d73027", "gained": "#4575b4"}


def changed_cells_layer(ws, cells: pd.DataFrame, lang: str = "de"):
    """The cells whose reach changes with the street network
    (:func:`dashboard.analysis.coverage.changed_cells`): red where only the straight line
    reached them, blue where only the streets do. No counts (the district table has the
    published ones). Returns (layer, legend HTML)."""
    change = cells["change"].to_numpy(object)
    style = [{"stroke": False, "fillColor": CHANGE_COLOURS[c], "fillOpacity": 0.7} for c in change]
    layer = maps.GeoJsonLayer(maps.area_features(ws.population_cells.geometry.iloc[cells["cell"].to_numpy()],
                                                {"_tooltip": [html.escape(t(f"change.{c}", lang)) for c in change]},
                                                style), name=t("layer_changed_cells", lang), canvas=True)
    legend = maps.legend_html([html.escape(t("layer_changed_cells", lang))],
                              [(CHANGE_COLOURS[c], t(f"change.{c}", lang)) for c in ("lost", "gained")], [])
    return layer, legend


def gap_count_layer(ws, gaps: pd.DataFrame, lang: str = "de"):
    """Districts shaded by their number of gaps (up to five classes of equal width, none
    white), the tooltip names the first gap. Returns (layer, legend HTML)."""
    counts = gaps.groupby("district_id").size().reindex(ws.districts["district_id"], fill_value=0)
    colours = cls.palette("YlOrRd", 5)
    top = max(int(counts.max()), 1)
    fill = [colours[min(4, int(np.ceil(4 * c / top)))] if c else "#f7f7f7" for c in counts]
    first = gaps.drop_duplicates("district_id").set_index("district_id")["sentence"]
    tips = [f"<b>{html.escape(n)}</b>: {c} {t('tab_gaps', lang)}" + (f"<br>{html.escape(first[d])}" if d in first else "")
            for d, n, c in zip(ws.districts["district_id"], ws.districts["name"], counts)]
    style = [{"color": "#444444", "weight": 1, "fillColor": f, "fillOpacity": 0.75} for f in fill]
    layer = maps.GeoJsonLayer(maps.area_features(ws.districts.geometry, {"district_id": list(counts.index),
                                                                         "_tooltip": tips}, style),
                              name=t("map_gaps", lang), control=False)
    uppers = [int(np.ceil(top * k / 4)) for k in range(5)]
    classes = [("#f7f7f7", "0")] + [(colours[k], f"≤ {uppers[k]}") for k in range(1, 5) if uppers[k] > uppers[k - 1]]
    return layer, maps.legend_html([t("map_gaps", lang)], classes, [])


def duplicate_links_layer(ws, duplicates: pd.DataFrame, lang: str = "de"):
    """A line between the two offers of each duplicate pair, its overlap in the tooltip."""
    pos = ws.offers.set_index("offer_id").geometry
    lines = shapely.linestrings(np.stack([shapely.get_coordinates(pos.loc[duplicates["offer_a"]].to_numpy()),
                                          shapely.get_coordinates(pos.loc[duplicates["offer_b"]].to_numpy())],
                                         axis=1)) if len(duplicates) else np.array([], dtype=object)
    tips = [html.escape(f"{a} ↔ {b}: {100 * o:.0f} %")
            for a, b, o in zip(duplicates["name_a"], duplicates["name_b"], duplicates["overlap"])]
    return maps.GeoJsonLayer(maps.area_features(gpd.GeoSeries(lines, crs=ws.crs), {"_tooltip": tips},
                                                {"color": "#6a3d9a", "weight": 3}),
                             name=t("tab_duplicates", lang))


def walking_start_sites(ws, lang: str = "de") -> dict:
    """Where walking areas can start besides a map click: every sited offer and Familienzentrum,
    key ('offer:<id>' / 'centre:<id>') → (label, lat, lon), by name."""
    out = []
    for kind, frame, id_column in (("offer", ws.offers, "offer_id"), ("centre", ws.family_centres, "centre_id")):
        sited = frame[frame.geometry.notna()]
        if sited.empty:
            continue
        shown = sited.to_crs(schema.DISPLAY_CRS)
        word = t(f"site_{kind}", lang)
        for key, name, p in zip(sited[id_column], sited["name"], shown.geometry):
            out.append((f"{kind}:{key}", (f"{name} ({word})", p.y, p.x)))
    return dict(sorted(out, key=lambda item: item[1][0].lower()))


WALKING_AREA_COLOURS = ("#08519c", "#3182bd", "#9ecae1")  # 5, 10, 15 minutes: dark (near) to light


def walking_area_layer(ws, areas, lang: str = "de"):
    """Walking areas (largest first, :func:`dashboard.analysis.nearby.walking_areas`) as
    outlined, lightly filled polygons; the nearest is darkest. Not clickable."""
    colours = dict(zip(sorted(areas["minutes"]), WALKING_AREA_COLOURS))
    style = [{"color": colours[m], "weight": 2, "fillColor": colours[m], "fillOpacity": 0.18} for m in areas["minutes"]]
    tips = [t("walk_area_tip", lang, minutes=int(m)) for m in areas["minutes"]]
    return maps.GeoJsonLayer(maps.area_features(areas.geometry, {"minutes": list(areas["minutes"]), "_tooltip": tips},
                                                style), name=t("layer_walking_areas", lang), interactive=True)


def walking_area_legend(areas, lang: str = "de") -> list[tuple[str, str]]:
    """Legend classes of :func:`walking_area_layer`: colour and 'bis 5 min' …"""
    return [(c, t("walk_area_tip", lang, minutes=int(m))) for m, c in zip(sorted(areas["minutes"]),
                                                                        WALKING_AREA_COLOURS)]


def focus_layer(ws, district_id: str, lang: str = "de"):
    """The selected district as a thick outline (not clickable)."""
    row = ws.districts[ws.districts["district_id"] == district_id]
    return maps.GeoJsonLayer(
        maps.area_features(row.geometry, {"district_id": list(row["district_id"])},
                           {"color": "#d7191c", "weight": 4, "fill": False}),
        name=t("layer_focus", lang), interactive=False, control=False)


def feature_group(layer: maps.GeoJsonLayer, name: str, show: bool = True) -> folium.FeatureGroup:
    group = maps.LayerGroup(name=name, show=show)
    layer.add_to(group)
    return group


def unlisted_group(*elements, name: str = "") -> folium.FeatureGroup:
    """A layer group not in the layer list (the shading, its legend): drawn with the map's
    other groups, so a change redraws it without reloading the map."""
    group = maps.LayerGroup(name=maps.safe_label(name), control=False)
    for element in elements:
        element.add_to(group)
    return group


def district_at(ws, lat: float, lon: float) -> str | None:
    """The district_id at a WGS84 point (e.g. a map click), or None outside."""
    point = gpd.GeoSeries([shapely.Point(lon, lat)], crs=schema.DISPLAY_CRS).to_crs(ws.crs).iloc[0]
    hit = ws.districts.sindex.query(point, predicate="intersects")
    return str(ws.districts["district_id"].iloc[hit[0]]) if len(hit) else None


def bounds_around(points, min_span_m: float = 600) -> list[list[float]]:
    """[[south, west], [north, east]] around (lat, lon) points, at least ``min_span_m`` metres
    across (a single place is shown with its streets, not at the highest zoom)."""
    lat, lon = np.asarray(points, float).reshape(-1, 2).T
    half_lat = min_span_m / 2 / 111_320
    half_lon = half_lat / max(np.cos(np.radians(lat.mean())), 1e-6)
    mid_lat, mid_lon = (lat.min() + lat.max()) / 2, (lon.min() + lon.max()) / 2
    return [[float(min(lat.min(), mid_lat - half_lat)), float(min(lon.min(), mid_lon - half_lon))],
            [float(max(lat.max(), mid_lat + half_lat)), float(max(lon.max(), mid_lon + half_lon))]]


def district_name_features(ws) -> list[dict]:
    """The districts' names (escaped) at their inner points, as map features."""
    frame = gpd.GeoDataFrame(geometry=ws.districts.geometry.representative_point().to_numpy(), crs=ws.crs,
                             index=ws.districts.index)
    styles = ws.districts["name"].map(lambda v: {"size": 0, "html": (
        f'<span class="pa-district">{html.escape(str(v))}</span>')})
    return maps.point_features(frame, {"_": pd.Series("", index=frame.index)}, styles)


def district_names_layer(ws, name: str, features=None):
    """The districts' names on the map, so a reader finds a district without hovering; not
    clickable (clicks reach the district beneath). ``features``: :func:`district_name_features`."""
    features = district_name_features(ws) if features is None else features
    return maps.GeoJsonLayer(features, name=name, points="icon", interactive=False)


def numbered_offers_layer(ws, found: pd.DataFrame, name: str):
    """The offers of a list as numbered markers (1, 2, … in list order; offers without a site
    keep their number but are not drawn), names as tooltips."""
    numbers = pd.Series(np.arange(1, len(found) + 1), index=found.index)
    frame = gpd.GeoDataFrame(found, geometry="geometry", crs=ws.crs)
    styles = numbers.map(lambda n: {"size": 22, "html": (
        f'<div style="width:20px;height:20px;border-radius:50%;background:#1c5d87;color:#fff;border:1px solid #fff;'
        f'font:bold 11px/20px sans-serif;text-align:center">{n}</div>')})
    props = {"n": numbers.astype(str) + ". " + found["name"].map(lambda v: html.escape(str(v))),
             "offer_id": found["offer_id"]}
    return maps.GeoJsonLayer(maps.point_features(frame, props, styles), name=name, points="icon",
                             popup={"title": "n", "rows": []})


def position_layer(ws, lat: float, lon: float, label: str):
    """The chosen position (address found or map click) as a large red dot with its label."""
    point = gpd.GeoDataFrame(geometry=[shapely.Point(lon, lat)], crs=schema.DISPLAY_CRS).to_crs(ws.crs)
    props = {"n": pd.Series([html.escape(str(label))]), "_": pd.Series([""])}
    return maps.GeoJsonLayer(maps.point_features(point, props), name=label, points="circle", canvas=False,
                             popup={"title": "n", "rows": []},
                             styles={"": {"radius": 9, "color": "#ffffff", "weight": 2, "fillColor": "#d7191c",
                                          "fillOpacity": 1.0}}, style_key="_")


DIFFERENCE_COLOURS = {"less": "#d6604d", "same": "#f7f7f7", "more": "#4393c3", "withheld": "#bdbdbd"}


def difference_layer(ws, table: pd.DataFrame, phase: str, lang: str = "de", threshold: int = 3):
    """Districts coloured by the scenario's change of persons reached in ``phase`` (rows of
    :func:`dashboard.analysis.scenario.compare`, published figures): blue more, red fewer,
    white unchanged, grey withheld; the tooltip gives Ist → scenario and the gap's fate.
    Returns (layer, legend HTML)."""
    rows = table[table["phase_id"] == phase].set_index("district_id").reindex(ws.districts["district_id"])
    change = rows["reached_change"].to_numpy(float)
    kind = np.where(np.isnan(change), "withheld", np.where(change > 0.5, "more", np.where(change < -0.5, "less", "same")))
    gap = rows["gap_change"].fillna(0).to_numpy()
    tips = []
    for name, a, b, c, g in zip(ws.districts["name"], rows["reached_ist"], rows["reached_scenario"], change, gap):
        fate = t("scenario_gap.closed" if g < 0 else "scenario_gap.opened", lang) if g else ""
        shown = "–" if np.isnan(c) else (f"+{c:.0f}" if c > 0 else f"{c:.0f}")
        tips.append(f"<b>{html.escape(str(name))}</b>: {format_count(a, threshold, lang)} → "
                    f"{format_count(b, threshold, lang)} ({shown})" + (f"<br>{html.escape(fate)}" if fate else ""))
    style = [{"color": "#444444", "weight": 1, "fillColor": DIFFERENCE_COLOURS[k], "fillOpacity": 0.7} for k in kind]
    name = t("layer_scenario_difference", lang, phase=phase_labels(ws.life_phases, lang).get(phase, phase))
    layer = maps.GeoJsonLayer(maps.area_features(ws.districts.geometry, {"district_id": list(rows.index),
                                                                         "_tooltip": tips}, style),
                              name=name, control=False)
    classes = [(DIFFERENCE_COLOURS[k], t(f"difference_class.{k}", lang)) for k in ("more", "same", "less", "withheld")]
    return layer, maps.legend_html([html.escape(name)], classes, [])


def housing_layer(ws, housing, lang: str = "de"):
    """A scenario's housing areas (outlined, hatched orange) with name and persons in the tooltip."""
    labels = phase_labels(ws.life_phases, lang)
    geoms = gpd.GeoSeries([h.geometry for h in housing], crs=ws.crs)
    tips = [f"<b>{html.escape(str(h.name or t('layer_housing', lang)))}</b><br>" + "<br>".join(
        f"{html.escape(labels.get(p, p))}: {format_count(n, 0, lang)}" for p, n in h.persons.items()) for h in housing]
    return maps.GeoJsonLayer(maps.area_features(geoms, {"_tooltip": tips},
                                                {"color": "#e66101", "weight": 2, "fillColor": "#fdb863",
                                                 "fillOpacity": 0.45}), name=t("layer_housing", lang))


def proposed_sites_layer(ws, sites: pd.DataFrame, name: str, places: list[str]):
    """Proposed sites (:func:`dashboard.analysis.suggest.suggest_sites`) as numbered markers,
    their ``places`` (:func:`dashboard.present.sentences.site_places`) as tooltip (escaped)."""
    frame = gpd.GeoDataFrame({"name": list(places),
                              "offer_id": [f"site{r}" for r in sites["rank"]]},
                             geometry=gpd.points_from_xy(sites["x"], sites["y"]), crs=ws.crs)
    return numbered_offers_layer(ws, frame, name)
