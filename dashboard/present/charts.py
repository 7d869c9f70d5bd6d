"""Static images for reports and downloads (matplotlib, no browser, no network): the map
with legend, scale bar, north arrow and attribution, and the profile charts.

Every image is drawn on its own ``matplotlib.figure.Figure``: no pyplot, whose "current
figure" is shared by all threads (Streamlit serves each browser session in a thread of its
own, so two people downloading at once would draw into each other's figures). Polygons are
drawn here too, not with ``GeoSeries.plot``, which calls pyplot.
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path

from dashboard.present import classify, maps
from dashboard.present.format import format_number, format_range
from dashboard.present.i18n import phase_labels, t

HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]
TEXT_BOX = {"boxstyle": "round,pad=0.12", "facecolor": "white", "alpha": 0.75, "edgecolor": "none"}
"""A light box behind names that must stay text in a PDF made from SVG (a halo would turn them into
outlines: matplotlib draws text with path effects as paths)."""

STATUS_COLOURS = {"ok": "#1a9850", "gap": "#d73027", "none": "#bdbdbd"}
# once, at import; names from the data are text, never mathtext ("$…$" in a name must not be parsed)
matplotlib.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9, "svg.fonttype": "none", "text.parse_math": False})


def figure(size, layout: str | None = None):
    """A new (figure, axes) pair that belongs to nobody else."""
    fig = Figure(figsize=size, layout=layout)
    return fig, fig.add_subplot()


def need_class_labels(lang: str = "de") -> list[str]:
    """The need index's five classes in words, lowest need first (what a council reads)."""

    return [t(f"need_level_{k}", lang) for k in range(1, 6)]


def to_bytes(fig, fmt: str = "png", dpi: int = 150) -> bytes:
    """The figure as PNG, JPEG or SVG bytes. Layout is fixed by the figure itself (no
    'tight' bounding box, which would draw everything twice)."""
    buffer = io.BytesIO()
    options = {"pil_kwargs": {"quality": 90}} if fmt in ("jpg", "jpeg") else {}
    fig.savefig(buffer, format=fmt, dpi=dpi, facecolor="white", metadata=_metadata(fmt), **options)
    return buffer.getvalue()


def _metadata(fmt: str) -> dict | None:
    """No creation date in the file: the same map gives the same bytes."""
    return {"Date": None} if fmt == "svg" else None


def _polygon_path(geometry) -> Path:
    """One compound path of a (multi)polygon: exteriors and holes (metres)."""
    rings = []
    for polygon in shapely.get_parts(geometry):
        rings.append(shapely.get_coordinates(polygon.exterior))
        rings.extend(shapely.get_coordinates(hole) for hole in polygon.interiors)
    return Path.make_compound_path(*[Path(ring, closed=True) for ring in rings if len(ring)])


def draw_polygons(ax, geometries, facecolor, edgecolor="#555555", linewidth=0.6, zorder=1) -> None:
    """Fill (multi)polygons (one colour each or one for all) with outlines, on ``ax``."""
    paths = [_polygon_path(g) for g in geometries]
    ax.add_collection(PathCollection(paths, facecolors=facecolor, edgecolors=edgecolor, linewidths=linewidth,
                                     zorder=zorder))
    ax.update_datalim(np.vstack([p.vertices for p in paths]) if paths else np.zeros((0, 2)))


def draw_outlines(ax, geometries, color, linewidth, zorder=2) -> None:
    """The boundary lines of (multi)polygons on ``ax``."""
    rings = [shapely.get_coordinates(line) for line in shapely.get_parts(shapely.boundary(np.asarray(geometries)))]
    ax.add_collection(LineCollection(rings, colors=color, linewidths=linewidth, zorder=zorder))


def _nice_length(span_m: float) -> float:
    """A round scale-bar length of about a fifth of the map width (metres)."""
    target = span_m / 5
    magnitude = 10 ** np.floor(np.log10(target))
    for step in (1, 2, 5, 10):
        if step * magnitude >= target:
            return step * magnitude
    return 10 * magnitude


def _scale_bar_and_north(ax, bounds, lang, scale: float = 1.0):
    minx, miny, maxx, maxy = bounds
    length = _nice_length(maxx - minx)
    x0, y0 = minx + (maxx - minx) * 0.04, miny + (maxy - miny) * 0.05
    ax.plot([x0, x0 + length], [y0, y0], color="black", lw=3 * scale, solid_capstyle="butt")
    # lengths are 1, 2 or 5 × a power of ten: whole kilometres from 1 km
    label = f"{format_number(length / 1000, 0, lang)} km" if length >= 1000 else f"{length:.0f} m"
    ax.text(x0 + length / 2, y0 + (maxy - miny) * 0.015, label,
            ha="center", va="bottom", fontsize=8 * scale)
    nx, ny = maxx - (maxx - minx) * 0.05, maxy - (maxy - miny) * 0.12
    ax.annotate("N", xy=(nx, ny + (maxy - miny) * 0.07), xytext=(nx, ny), ha="center", va="center",
                fontsize=10 * scale, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.5 * scale})


PRINT_STYLES = {  # kind → (colour, width in points, casing colour or None, dashes)
    "street": ("#ffffff", 1.6, "#b9b9b9", None),
    "main_road": ("#fde3b8", 2.6, "#c8a46a", None),
    "water": ("#6baed6", 2.0, None, None),
    "rail": ("#555555", 1.2, None, (4, 3)),
}
LIGHT_STYLES = {  # district and city maps: the streets as a faint web, railway and river clear
    "street": ("#cfcfcf", 0.3, None, None),
    "main_road": ("#b5b5b5", 0.6, None, None),
    "water": ("#6baed6", 1.0, None, None),
    "rail": ("#666666", 0.7, None, (3, 2)),
}


def draw_base_map(ax, ws, bounds, *, light: bool = False, names: bool = False, max_names: int = 40,
                  fontsize: float = 5.5) -> list[str]:
    """Streets (main roads wider), the railway and rivers within ``bounds`` (metres) under a
    printed map; ``names``: landmarks (schools, Kitas, stations, parks of ``base_places``: a
    symbol of their kind's colour and their name) and street names written along their streets
    as text (searchable and read aloud in a PDF made from SVG), landmarks first, then the longest
    streets, none over another. Returns the street names written."""
    if ws.street_edges is None and getattr(ws, "base_lines", None) is None:
        return []
    from dashboard.present.basemap import base_lines

    lines = base_lines(ws)  # once per workspace, shared with the web map
    if lines.empty:
        return []
    box = shapely.box(*bounds)
    clipped = shapely.intersection(lines["geometry"].to_numpy(), box)
    keep = ~shapely.is_empty(clipped)
    lines, clipped = lines[keep], clipped[keep]
    styles = LIGHT_STYLES if light else PRINT_STYLES
    for z, kind in enumerate(styles):
        mine = clipped[(lines["kind"] == kind).to_numpy()]
        if not len(mine):
            continue
        colour, width, casing, dashes = styles[kind]
        segments = [shapely.get_coordinates(part) for part in shapely.get_parts(mine)]
        if casing:
            ax.add_collection(LineCollection(segments, colors=casing, linewidths=width + 1.0, zorder=1.2 + z * 0.1,
                                             capstyle="round"))
        ax.add_collection(LineCollection(segments, colors=colour, linewidths=width, zorder=1.25 + z * 0.1,
                                         capstyle="round", linestyles=(0, dashes) if dashes else "solid"))
    if not names:
        return []
    streets = lines["kind"].isin(["street", "main_road"]).to_numpy() & lines["name"].notna().to_numpy()
    pieces = pd.DataFrame({"name": lines["name"].to_numpy()[streets], "geometry": clipped[streets]})
    pieces = pieces.assign(geometry=[max(shapely.get_parts(g), key=lambda p: p.length) for g in pieces["geometry"]])
    pieces["length"] = shapely.length(pieces["geometry"].to_numpy())
    pieces = pieces.sort_values("length", ascending=False).drop_duplicates("name")
    fig = ax.figure
    ax_box = ax.get_position()
    metres_per_point = (bounds[2] - bounds[0]) / (fig.get_figwidth() * ax_box.width * 72)
    placed, written = _landmarks(ax, ws, box, fontsize, metres_per_point), []
    for name, line, length in zip(pieces["name"], pieces["geometry"], pieces["length"]):
        width = len(name) * fontsize * 0.56 * metres_per_point
        if length < width * 1.1 or len(written) >= max_names:
            continue
        mid = line.interpolate(0.5, normalized=True)
        a, b = line.interpolate(max(length / 2 - width / 2, 0)), line.interpolate(min(length / 2 + width / 2, length))
        angle = np.degrees(np.arctan2(b.y - a.y, b.x - a.x))
        angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle
        half = fontsize * 0.7 * metres_per_point
        label = shapely.buffer(shapely.LineString([a, b]), half, cap_style="flat")
        if not box.buffer(-half).contains(label) or any(label.intersects(other) for other in placed):
            continue
        placed.append(label)
        written.append(name)
        ax.text(mid.x, mid.y, name, fontsize=fontsize, rotation=angle, rotation_mode="anchor", ha="center",
                va="center", color="#333333", bbox=TEXT_BOX, zorder=2.5)
    return written


def _landmarks(ax, ws, box, fontsize: float, metres_per_point: float) -> list:
    """The landmarks inside ``box`` as a small symbol and their name beside it (italic text);
    a name that would run off the map or over another is left out, the symbol stays. Returns
    the areas the names cover (metres), for the street names to keep clear of."""
    places = getattr(ws, "base_places", None)
    if places is None or not len(places) or "kind" not in places:
        return []
    marks = places[places["kind"].isin(list(maps.LANDMARK_COLOURS)).to_numpy()
                   & shapely.contains(box, places.geometry.to_numpy())]
    placed = []
    for name, kind, point in zip(marks["name"], marks["kind"], marks.geometry):
        ax.scatter([point.x], [point.y], s=22, marker={"station": "s", "school": "^"}.get(kind, "o"),
                   c=maps.LANDMARK_COLOURS[kind], edgecolors="white", linewidths=0.6, zorder=2.55)
        gap, half = fontsize * 0.8 * metres_per_point, fontsize * 0.7 * metres_per_point
        label = shapely.box(point.x + gap, point.y - half, point.x + gap + len(str(name)) * fontsize * 0.56
                            * metres_per_point, point.y + half)
        if box.contains(label) and not any(label.intersects(other) for other in placed):
            placed.append(label)
            ax.text(point.x + gap, point.y, str(name), fontsize=fontsize, style="italic", ha="left", va="center",
                    color="#333333", bbox=TEXT_BOX, zorder=2.55)
    return placed


def _to_aspect(bounds, aspect: float | None) -> tuple:
    """``bounds`` (metres) widened or heightened about their middle to width / height = ``aspect``."""
    if not aspect:
        return tuple(bounds)
    minx, miny, maxx, maxy = bounds
    cx, cy, w, h = (minx + maxx) / 2, (miny + maxy) / 2, maxx - minx, maxy - miny
    w, h = max(w, h * aspect), max(h, w / aspect)
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _padded(bounds, share: float = 0.15) -> tuple:
    pad = max(bounds[2] - bounds[0], bounds[3] - bounds[1]) * share
    return (bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad)


def static_map(ws, *, district_id: str | None = None, shading: pd.Series | None = None,
               shading_title: str = "", palette: str = "YlGnBu", k: int = 5, offers=None,
               family_centres=None, partners=None, lang: str = "de", attribution: str = "",
               size=(7.5, 6.0), class_labels: list[str] | None = None, text_scale: float = 1.0,
               aspect: float | None = None):
    """A printable map (matplotlib Figure, EPSG of the workspace, metres): districts shaded
    by ``shading`` (per district_id, quantile classes) or plain, the focus district outlined,
    offers coloured by life phase, Familienzentren (squares), partners (diamonds); legend,
    scale bar, north arrow and attribution. ``class_labels``: words for the classes, lowest
    first (e.g. the need index as "sehr niedrig" … "sehr hoch"), instead of value ranges.
    ``text_scale``: every text, marker and line this many times its print size (a slide);
    ``aspect``: the map's width / height (the view widened or heightened to it, to fill a box).
    The legend stands right of the map and always inside the figure (its texts wrap)."""
    scale = text_scale
    fig, ax = figure(size)
    fig.subplots_adjust(left=0.01, right=0.64, top=0.98, bottom=0.05)
    districts = ws.districts
    handles = []
    if shading is not None:
        values = shading.reindex(districts["district_id"]).astype(float)
        k = len(class_labels) if class_labels else k
        classes = classify.classify(pd.Series(values.to_numpy()), "quantiles", k)
        colours = classify.palette(palette, max(classes.k, 1)) if classes.k else []
        fill = [colours[c] if c >= 0 else classify.NO_DATA_COLOUR for c in classes.classes]
        for i, colour in enumerate(colours):
            label = class_labels[round(i * (len(class_labels) - 1) / max(classes.k - 1, 1))] if class_labels else \
                format_range(classes.edges[i], classes.edges[i + 1], 1, lang)
            handles.append(Patch(facecolor=colour, edgecolor="#777777", label=label))
        if values.isna().any():
            handles.append(Patch(facecolor=classify.NO_DATA_COLOUR, edgecolor="#777777",
                                 label=t("not_disclosed", lang)))
    else:
        fill = ["#eeeeee"] * len(districts)
    draw_polygons(ax, districts.geometry, fill)
    if district_id is not None:
        focus = districts[districts["district_id"] == district_id]
        bounds = _to_aspect(_padded(focus.total_bounds), aspect)
        draw_base_map(ax, ws, bounds, light=True)
        draw_outlines(ax, focus.geometry, "#d7191c", 2.2 * scale)
        name_size = 7 * scale
    else:
        bounds = _to_aspect(tuple(districts.total_bounds), aspect)
        draw_base_map(ax, ws, bounds, light=True)
        name_size = 6.5 * scale
    labels = phase_labels(ws.life_phases, lang)
    colours = dict(zip(ws.life_phases["phase_id"], ws.life_phases["colour"]))
    if offers is not None and len(offers):
        sited = offers[offers.geometry.notna()]
        first = sited["life_phases"].map(lambda ps: next((p for p in labels if p in ps), None))
        ax.scatter(sited.geometry.x, sited.geometry.y, s=22 * scale ** 2, c=[colours.get(p, "#999999") for p in first],
                   edgecolors="#222222", linewidths=0.5 * scale, zorder=3)
        for p in labels:
            if (first == p).any():
                handles.append(Line2D([], [], marker="o", ls="", markerfacecolor=colours[p], markeredgecolor="#222222",
                                      label=labels[p]))
    if family_centres is not None and len(family_centres):
        ax.scatter(family_centres.geometry.x, family_centres.geometry.y, s=40 * scale ** 2, marker="s",
                   c=maps.FAMILY_CENTRE_COLOUR, edgecolors="white", linewidths=0.8 * scale, zorder=4)
        handles.append(Line2D([], [], marker="s", ls="", markerfacecolor=maps.FAMILY_CENTRE_COLOUR,
                              markeredgecolor="white", label=t("chart.family_centre", lang)))
    if partners is not None and len(partners):
        ax.scatter(partners.geometry.x, partners.geometry.y, s=30 * scale ** 2, marker="D", c=maps.PARTNER_COLOUR,
                   edgecolors="white", linewidths=0.6 * scale, zorder=4)
        handles.append(Line2D([], [], marker="D", ls="", markerfacecolor=maps.PARTNER_COLOUR, markeredgecolor="white",
                              label=t("chart.network_partner", lang)))
    ax.set_xlim(bounds[0], bounds[2])
    ax.set_ylim(bounds[1], bounds[3])
    ax.set_aspect("equal")
    ax.set_axis_off()
    _district_names(ax, districts, bounds, name_size, bold=district_id)
    _scale_bar_and_north(ax, bounds, lang, scale)
    if handles:
        legend_inside(ax, handles, shading_title, 7.5 * scale)
    crs = ws.crs.to_string() if ws.crs is not None else ""
    # under the map across the figure, wrapped at its edge: never cut
    fig.text(0.01, 0.005, f"{attribution} · {crs}".strip(" ·"), ha="left", va="bottom", fontsize=6.5 * scale,
             color="#555555", wrap=True)
    return fig


def _district_names(ax, districts, bounds, fontsize: float, bold: str | None = None) -> None:
    """Each district's name once at its representative point (those in ``bounds``), the
    largest districts first; a name that would overlap one already written moves just above
    or below its point (one or two lines), else stays where it is."""
    order = np.argsort(-districts.geometry.area.to_numpy())
    renderer = _renderer(ax.figure)
    placed = []
    for i in order:
        row = districts.iloc[i]
        p = row.geometry.representative_point()
        if not (bounds[0] < p.x < bounds[2] and bounds[1] < p.y < bounds[3]):
            continue
        label = ax.text(p.x, p.y, row["name"], fontsize=fontsize, ha="center", va="center", color="#222222",
                        path_effects=HALO, fontweight="bold" if row["district_id"] == bold else "normal", zorder=4.5)
        box = label.get_window_extent(renderer)
        frame = ax.get_window_extent(renderer)
        dx = max(frame.x0 - box.x0, 0) - max(box.x1 - frame.x1, 0)  # a name at the edge stays on the map
        for step in (0, 1, -1, 2, -2):
            moved = box.translated(dx, step * box.height * 1.05)
            if not any(moved.overlaps(other) for other in placed):
                break
        else:
            moved, step = box.translated(dx, 0), 0
        points = 72 / ax.figure.dpi  # offsets in points: the same at any dpi
        label.set_transform(matplotlib.transforms.offset_copy(ax.transData, fig=ax.figure, x=dx * points,
                                                              y=step * box.height * 1.05 * points, units="points"))
        placed.append(moved)


def _renderer(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return FigureCanvasAgg(fig).get_renderer()


def legend_inside(ax, handles, title: str, fontsize: float):
    """The legend right of the map (upper left corner beside the axes), its title and labels
    wrapped until it fits inside the figure: never cut at the page's edge. Wraps at 60, 40,
    32, 26, 20 and 16 characters, in one column, then in two (too tall); if even then too big,
    the font shrinks (down to 70 %)."""
    import textwrap

    fig = ax.figure
    renderer = _renderer(fig)
    tries = [(columns, width, 1.0) for columns in (1, 2) for width in (60, 40, 32, 26, 20, 16)]
    for columns, width, shrink in [*tries, (2, 16, 0.85), (2, 16, 0.7)]:
        def wrap(text, width=width):
            return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text

        for handle in handles:
            handle.set_label(wrap(handle.get_label().replace("\n", " ")))
        legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=fontsize * shrink,
                           frameon=False, title=wrap(title) if title else None, title_fontsize=fontsize * shrink * 1.07,
                           alignment="left", ncols=columns)
        box = legend.get_window_extent(renderer)
        if box.x1 <= fig.bbox.x1 - 1 and box.y0 >= fig.bbox.y0:
            break
    return legend


def need_map(ws, need_score: pd.Series, *, district_id: str | None = None, offers=None, partners=None,
             lang: str = "de", attribution: str = "", size=(7.5, 6.0), text_scale: float = 1.0,
             aspect: float | None = None):
    """The districts by need (the need index in five worded classes, no z-scores), with the
    Familienzentren, optionally one district outlined and offers/partners drawn."""

    return static_map(ws, district_id=district_id, shading=need_score, shading_title=t("need_map_title", lang),
                      palette="YlOrRd", offers=offers, family_centres=ws.family_centres, partners=partners, lang=lang,
                      attribution=attribution, size=size, class_labels=need_class_labels(lang),
                      text_scale=text_scale, aspect=aspect)


SLIDE_DPI = 100
"""Pixels per inch of a slide's picture: at 1920 × 1080 it is shown at its own size."""
SLIDE_TEXT_PX = 18.0
"""The smallest text on a slide, in screen pixels at 1920 × 1080 (the council reads ≥ 16 px)."""
SLIDE_BOX_PX = (1872, 880)
"""The room a slide's picture has at 1920 × 1080 below the navigation and the title (pixels)."""


def slide_text_scale(smallest_pt: float, dpi: int = SLIDE_DPI) -> float:
    """How many times its print size a figure's texts must be drawn on a slide so that its
    smallest text (``smallest_pt`` points in print) is :data:`SLIDE_TEXT_PX` pixels."""
    return SLIDE_TEXT_PX * 72 / (smallest_pt * dpi)


def smallest_text_px(fig, dpi: int = SLIDE_DPI) -> float:
    """The font size in pixels of the smallest visible text of ``fig`` drawn at ``dpi``
    (legend, labels, ticks, notes): what a slide test compares with the screen."""
    from matplotlib.text import Text

    sizes = [a.get_fontsize() for a in fig.findobj(Text) if a.get_visible() and a.get_text().strip()]
    return min(sizes) * dpi / 72 if sizes else float("inf")


def slide_need_map(ws, need_score: pd.Series, *, box_px=SLIDE_BOX_PX, district_id: str | None = None, offers=None,
                   lang: str = "de", attribution: str = "", dpi: int = SLIDE_DPI):
    """:func:`need_map` for a slide: its texts :data:`SLIDE_TEXT_PX` pixels or more at ``dpi``,
    the map as high as ``box_px`` (width, height in pixels) allows and as wide as the room
    beside its legend allows, the figure no wider than map and legend need (no empty half)."""
    box_w, box_h = box_px
    margin, below, above = 8, 0.06 * box_h, 8  # pixels: sides, scale-bar note under the map, top
    map_h = box_h - below - above

    def draw(aspect=None):
        return need_map(ws, need_score, district_id=district_id, offers=offers, lang=lang, attribution=attribution,
                        size=(box_w / dpi, box_h / dpi), text_scale=slide_text_scale(6.5, dpi), aspect=aspect)

    fig = draw()  # first the legend's width, then the map in the room beside it
    ax = fig.axes[0]
    legend = ax.get_legend()
    legend_w = legend.get_window_extent(_renderer(fig)).width * dpi / fig.dpi + 24 if legend is not None else 0
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    aspect = (x1 - x0) / (y1 - y0)
    map_w = min(map_h * aspect, box_w - legend_w - 2 * margin)
    if district_id is not None:  # a district's surroundings fill the room (the city is shown whole as it is)
        map_w = box_w - legend_w - 2 * margin
        fig = draw(map_w / map_h)
    else:
        map_h = map_w / aspect
    fig_w = margin + map_w + legend_w + margin
    fig.set_size_inches(fig_w / dpi, box_h / dpi)
    fig.subplots_adjust(left=margin / fig_w, right=(margin + map_w) / fig_w, bottom=below / box_h,
                        top=(below + map_h) / box_h)
    return fig


def population_chart(profile, lang: str = "de"):
    """Horizontal bars: share of each life phase in the district beside the city share (%)."""
    pop = profile.population
    share = pop["share_value"].astype(float)  # numbers, never formatted text (German or English)
    city = pop["city_share_value"].astype(float)
    y = np.arange(len(pop))
    fig, ax = figure((6.5, 2.8), layout="constrained")
    ax.barh(y - 0.2, share, height=0.38, color="#2c7fb8", label=profile.name)
    ax.barh(y + 0.2, city, height=0.38, color="#bdbdbd", label=t("chart.city", lang))
    ax.set_yticks(y, pop["phase_label"])
    ax.invert_yaxis()
    ax.set_xlabel(t("chart.percent_population", lang))
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def chain_strip(profile, lang: str = "de"):
    """The district's life chain as a strip of phases coloured by coverage (reach)."""
    chain = profile.chain
    fig, ax = figure((7.5, 1.5))
    fig.subplots_adjust(left=0.01, right=0.99, top=0.98, bottom=0.02)
    for i, row in enumerate(chain.itertuples()):
        ax.add_patch(Rectangle((i, 0), 0.95, 1, color=STATUS_COLOURS[row.status]))
        reach = "–" if pd.isna(row.reach_share) else f"{100 * row.reach_share:.0f} %"
        ax.text(i + 0.475, 0.72, reach, ha="center", va="center", color="white", fontsize=10, fontweight="bold")
        ax.text(i + 0.475, 0.32, _short(row.phase_label), ha="center", va="center", color="white", fontsize=6)
    ax.set_xlim(0, len(chain))
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    return fig


def _short(label: str) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(label, 15, break_long_words=False))


def chain_matrix(cov, ws, lang: str = "de", measure: str = "reach_share", threshold: int = 3, *,
                 district_ids: list[str] | None = None, size=None, text_scale: float = 1.0):
    """Heat matrix districts × life phases of a coverage measure (reach in %), gaps framed;
    figures as published (withheld ones shown as –). ``district_ids``: these rows only (a
    slide shows a page of districts); ``size``: inches (default: by the number of rows);
    ``text_scale``: every text this many times its print size."""
    from dashboard.analysis.coverage import public_table

    labels = phase_labels(ws.life_phases, lang)
    names = dict(zip(ws.districts["district_id"], ws.districts["name"]))
    if district_ids is not None:
        names = {d: names[d] for d in district_ids}
    scale = text_scale
    matrix = public_table(cov.table, threshold).pivot(index="district_id", columns="phase_id", values=measure)
    matrix = matrix.reindex(index=list(names), columns=list(labels))
    values = matrix.to_numpy(float) * (100 if measure == "reach_share" else 1)
    fig, ax = figure(size or (11, 0.42 * len(names) + 1.6), layout="constrained")
    image = ax.imshow(np.ma.masked_invalid(values), cmap="YlGnBu", aspect="auto", vmin=0,
                      vmax=100 if measure == "reach_share" else None)
    for (i, j), v in np.ndenumerate(values):
        text = "–" if np.isnan(v) else f"{v:.0f}"
        ax.text(j, i, text, ha="center", va="center", fontsize=9 * scale, color="white" if v > 60 else "#222222")
        if measure == "reach_share" and not np.isnan(v) and v < 100 * cov.params.min_reach:
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="#d73027", lw=2 * scale))
    ax.set_xticks(range(len(labels)), ["\n".join(__import__("textwrap").wrap(v, 16)) for v in labels.values()],
                  fontsize=8 * scale)
    ax.set_yticks(range(len(names)), list(names.values()), fontsize=9 * scale)
    ax.xaxis.tick_top()
    bar = fig.colorbar(image, ax=ax, shrink=0.6)
    bar.set_label(t("chart.percent_reached", lang), fontsize=9 * scale)
    bar.ax.tick_params(labelsize=8 * scale)
    return fig


def wegweiser_map(ws, x: float, y: float, offers, lang: str = "de", attribution: str = "", size=(6.2, 4.6)):
    """The hand-out's small map: the streets around the family's place with their names (as
    text), the family's district named (bold, and in the corner), the listed sited offers
    numbered 1, 2, … in list order above everything, the start as a star that never covers a
    number (numbers lie on top), district outlines, scale bar."""
    fig, ax = figure(size)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.05)
    sited = offers[offers.geometry.notna()] if len(offers) else offers
    xs = np.r_[x, sited.geometry.x.to_numpy()] if len(sited) else np.array([x])
    ys = np.r_[y, sited.geometry.y.to_numpy()] if len(sited) else np.array([y])
    half = max(xs.max() - xs.min(), ys.max() - ys.min(), 600) / 2 * 1.2
    cx, cy = (xs.max() + xs.min()) / 2, (ys.max() + ys.min()) / 2
    bounds = (cx - half * size[0] / size[1], cy - half, cx + half * size[0] / size[1], cy + half)
    draw_polygons(ax, ws.districts.geometry, "#f4f2ee", edgecolor="#888888")
    draw_base_map(ax, ws, bounds, names=True, fontsize=6.5)
    home = ws.districts[ws.districts.contains(shapely.Point(x, y))]
    home_id = home["district_id"].iloc[0] if len(home) else None
    for row in ws.districts.itertuples():
        p = row.geometry.representative_point()
        if bounds[0] < p.x < bounds[2] and bounds[1] < p.y < bounds[3]:
            mine = row.district_id == home_id
            ax.text(p.x, p.y, row.name, fontsize=8 if mine else 7, ha="center", color="#222222" if mine else "#666666",
                    fontweight="bold" if mine else "normal", bbox=TEXT_BOX, zorder=2.6)
    if home_id is not None:  # the family's district, also where its middle lies outside the map
        ax.text(0.01, 0.99, f"{t('district', lang)}: {home['name'].iloc[0]}", transform=ax.transAxes, ha="left",
                va="top", fontsize=8, fontweight="bold", color="#222222", bbox=TEXT_BOX, zorder=6)
    ax.scatter([x], [y], s=200, marker="*", c="#d7191c", edgecolors="white", linewidths=0.8, zorder=5)
    for number, (px, py) in enumerate(zip(sited.geometry.x, sited.geometry.y), start=1):
        ax.scatter([px], [py], s=150, c="#2b83ba", edgecolors="white", linewidths=1.0, zorder=7)
        ax.text(px, py, str(number), fontsize=7, ha="center", va="center", color="white", fontweight="bold",
                zorder=8)
    ax.set_xlim(bounds[0], bounds[2])
    ax.set_ylim(bounds[1], bounds[3])
    ax.set_aspect("equal")
    ax.set_axis_off()
    _scale_bar_and_north(ax, bounds, lang)
    ax.text(1.0, -0.02, attribution, transform=ax.transAxes, ha="right", va="top", fontsize=6.5, color="#555555")
    return fig
