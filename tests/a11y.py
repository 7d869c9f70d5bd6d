"""Accessibility checks in the browser (BITV 2.0 / WCAG 2.1 AA): axe-core, as bundled by the
pinned ``axe-playwright-python``, run offline on the page and its same-origin frames (maps,
components)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page, impacts=BLOCKING) -> list[dict]:
    """The WCAG 2.0/2.1 A and AA violations of the page (and its frames) of the given impacts:
    dicts with id, impact, help and the nodes' targets."""
    script = axe_script()
    for frame in page.frames:
        try:
            frame.evaluate(script)
        except Exception:  # noqa: BLE001 - a frame that went away or is not ours
            pass
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", WCAG_TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]][:5], "nodes": len(v["nodes"])}
            for v in result["violations"] if v["impact"] in impacts]


# ---- layout measurements (WCAG 1.4.10 reflow; the map-first layout) -------------------------

MAP_FRAME = '[class*="st-key-pa_map_"] iframe'
PANEL = '[class*="st-key-pa_panel_"]'


def map_box(page) -> dict:
    """The on-screen box (left, top, width, height, bottom) of the stage's map, CSS px."""
    return page.evaluate(f"""() => {{ const r = document.querySelector('{MAP_FRAME}').getBoundingClientRect();
        return {{left: r.left, top: r.top, width: r.width, height: r.height, bottom: r.bottom}}; }}""")


def panel_box(page) -> dict | None:
    """The on-screen box of the panel beside or over the map (None without one)."""
    return page.evaluate(f"""() => {{ const p = document.querySelector('{PANEL}'); if (!p) {{ return null; }}
        const r = p.getBoundingClientRect();
        return {{left: r.left, top: r.top, width: r.width, height: r.height, bottom: r.bottom}}; }}""")


def sideways_overflow(page, scope: str) -> list[str]:
    """Tables under ``scope`` whose content is wider than their box (cut off, or scrolling
    sideways): data grids and plain tables, as 'kind: content width > box width'."""
    return page.evaluate("""(scope) => {
        const root = document.querySelector(scope), found = [];
        root.querySelectorAll('.dvn-scroller, [data-testid="stTable"], [data-testid="stTable"] > div')
            .forEach(e => { if (e.scrollWidth > e.clientWidth + 1) {
                found.push((e.dataset.testid || e.className) + ': ' + e.scrollWidth + ' > ' + e.clientWidth); } });
        return found; }""", scope)


def fitted_view(frame, shown, timeout: float = 30_000, min_fill: float = 0.8) -> dict:
    """How the map in ``frame`` frames the geometries ``shown`` (any CRS): ``inside`` (all of
    them in view, clear of the panel over the map's right side), ``fill`` (the larger of
    their width and height as a share of the visible map's) and ``legend_clear`` (no point of
    their outlines, every 25 m, lies under the legend, nor does the legend's middle lie inside
    them). Waits until the map shows them framed (it fits again once the page has sized it and
    the legend has come), else reports the last view."""
    import shapely

    from dashboard.model import schema
    from dashboard.present.maps import PANEL_MIN_MAP_PX, PANEL_WIDTH, bounds_of

    (south, west), (north, east) = bounds_of(shown)
    area = shapely.union_all(shown.geometry.to_numpy())
    edge = shapely.segmentize(area.boundary, 25.0)
    lonlat = shapely.get_coordinates(gpd.GeoSeries([shapely.MultiPoint(shapely.get_coordinates(edge))], crs=shown.crs)
                                     .to_crs(schema.DISPLAY_CRS).iloc[0])
    script = """([s, w, n, e, wide, side, frac, least, points]) => {
        const m = window.map, size = m.getSize();
        const pad = size.x >= wide ? Math.min(side, frac * size.x) : 0, visible = size.x - pad;
        const a = m.latLngToContainerPoint([s, w]), b = m.latLngToContainerPoint([n, e]);
        const inside = a.x >= -1 && b.x <= visible + 1 && b.y >= -1 && a.y <= size.y + 1;
        const fill = Math.max((b.x - a.x) / visible, (a.y - b.y) / size.y);
        const legend = m.getContainer().querySelector('.pa-legend');
        let under = 0, middle = null;
        if (legend && legend.offsetWidth) {
            const box = legend.getBoundingClientRect(), frame = m.getContainer().getBoundingClientRect();
            const l = {left: box.left - frame.left, right: box.right - frame.left, top: box.top - frame.top,
                       bottom: box.bottom - frame.top};
            under = points.filter(([lon, lat]) => { const p = m.latLngToContainerPoint([lat, lon]);
                return p.x > l.left && p.x < l.right && p.y > l.top && p.y < l.bottom; }).length;
            const c = m.containerPointToLatLng([(l.left + l.right) / 2, (l.top + l.bottom) / 2]);
            middle = [c.lng, c.lat];
        }
        window.paView = {inside: inside, fill: fill, under: under, middle: middle, zoom: m.getZoom(),
                         visible: visible, height: size.y};
        return inside && fill >= least && under === 0; }"""
    args = [south, west, north, east, PANEL_MIN_MAP_PX, PANEL_WIDTH[0], PANEL_WIDTH[1], min_fill, lonlat.tolist()]
    try:
        frame.wait_for_function(script, arg=args, timeout=timeout)
    except Exception:  # noqa: BLE001 - report the last view; the caller's assertion says what is wrong
        pass
    view = frame.evaluate("() => window.paView")
    middle = view.pop("middle")
    covered = middle is not None and gpd.GeoSeries([area], crs=shown.crs).to_crs(schema.DISPLAY_CRS).iloc[0] \
        .contains(shapely.Point(middle))
    view["legend_clear"] = view["under"] == 0 and not covered
    return view


# ---- the keyboard alone (WCAG 2.1.1 keyboard, 2.4.7 focus visible) ------------------------------

ACTIVE_LABEL = """() => { const e = document.activeElement; if (!e || e === document.body) { return ''; }
    const named = ['A', 'BUTTON', 'SUMMARY'].includes(e.tagName) || ['tab', 'button', 'link'].includes(e.getAttribute('role'));
    const labelled = (e.getAttribute('aria-labelledby') || '').split(' ').map(i => document.getElementById(i))
        .filter(x => x).map(x => x.innerText);
    return [e.getAttribute('aria-label') || '', ...(e.labels ? [...e.labels].map(l => l.innerText) : []),
            ...labelled, named ? (e.innerText || '') : '', e.value || '']
        .join(' | ').replace(/\\s+/g, ' '); }"""


def active_label(page) -> str:
    """What the focused element is called (its label, aria-label, text), for matching."""
    return page.evaluate(ACTIVE_LABEL)


def tab_to(page, text: str, *, limit: int = 200, tag: str | None = None) -> int:
    """Press Tab (only the keyboard) until the focused element's label contains ``text`` (and,
    if given, it is a ``tag`` element); returns the number of presses. Fails after ``limit``:
    the element cannot be reached with the keyboard."""
    for presses in range(limit):
        if text in active_label(page) and (tag is None or page.evaluate(
                "(t) => document.activeElement.tagName.toLowerCase() === t", tag)):
            return presses
        page.keyboard.press("Tab")
    raise AssertionError(f"not reached with {limit} Tab presses: {text!r} (last: {active_label(page)!r})")


def focus_is_visible(page) -> bool:
    """The focused element looks different with the focus than without (WCAG 2.4.7): a picture
    of it and its surroundings with the focus, against one after Tab moved the focus on
    (Shift+Tab brings it back). Playwright hides the text caret in pictures."""
    box = page.evaluate("""() => { const r = document.activeElement.getBoundingClientRect();
        return {x: Math.max(r.left - 4, 0), y: Math.max(r.top - 4, 0), width: r.width + 8, height: r.height + 8}; }""")
    if box["width"] <= 8 or box["height"] <= 8:
        return False
    focused = page.screenshot(clip=box, animations="disabled")
    page.keyboard.press("Tab")
    unfocused = page.screenshot(clip=box, animations="disabled")
    page.keyboard.press("Shift+Tab")
    return focused != unfocused
