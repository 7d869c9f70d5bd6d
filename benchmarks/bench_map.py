"""Map benchmark: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_map.py [--offers 5000] [--districts 300] [--no-browser] [--smoke]

1. synthetic workspace (default 5,000 offers, 300 districts): Python time to build the
   map (base map + overlays rendered to the strings st_folium sends), payload bytes,
   server time of the map page (AppTest: first run, filter change), and the time from
   navigation to a painted map in headless Chromium;
2. demo city: server time of a filter change (AppTest rerun);
3. ``--base-map [--extract heidelberg]``: only the cost of the base map drawn from the
   workspace (streets, railway, river, place names, landmarks) on the demo city, or built
   from an OpenStreetMap extract and moved onto it: time to build, its payload, and click
   'Karte' → painted in Chromium with and without it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


REPEATS = {"n": 5}  # 1 with --smoke


def build_map_strings(ws, lang="de", point_table=None):
    """What the map page builds and st_folium serialises; returns (seconds, payload bytes).

    Without ``point_table`` the offers' map features are built too (first view); with it
    (as on every later rerun of the page) they are reused."""
    import folium
    from streamlit_folium import _get_feature_group_string, _get_layer_control_string, _get_map_string

    from dashboard.analysis import filters
    from dashboard.analysis.population import target_population
    from dashboard.present import maps, mapview

    tp = target_population(ws)
    t0 = time.perf_counter()
    spec = mapview.ChoroplethSpec(indicator="sgb2_u15", year=2025)
    m = maps.base_map(ws.districts)
    shading, title, classes, _ = mapview.choropleth(ws, spec, tp, 3, lang)
    shaded = folium.FeatureGroup(name="Thema", control=False)  # as on the page: a layer group
    shading.add_to(shaded)
    maps.Legend(maps.legend_html(title, classes, mapview.overlay_symbols(ws, lang))).add_to(shaded)
    offers = filters.filter_offers(ws, filters.OfferFilter())
    points, areas = mapview.offer_layers(ws, offers, (), lang, point_table=point_table)
    groups = [shaded, mapview.feature_group(points, "Angebote"), mapview.feature_group(areas, "Aufsuchend"),
              mapview.feature_group(mapview.family_centre_layer(ws, ws.family_centres, lang), "FZ"),
              mapview.feature_group(mapview.partner_layer(ws, ws.partners, lang), "Partner")]
    m.get_root().render()
    script = _get_map_string(m)
    fg = "".join(_get_feature_group_string(g, m, i) for i, g in enumerate(groups))
    control = _get_layer_control_string(folium.LayerControl(), m)
    return time.perf_counter() - t0, len(script.encode()) + len(fg.encode()) + len(control.encode())


def apptest_times(workspace: Path, runs: int = 3):
    """(first run s, median filter-change rerun s) of the map page for a workspace."""
    os.environ["PRAEVENTIONSATLAS_WORKSPACE"] = str(workspace)
    from apptest_util import run_app

    t0 = time.perf_counter()
    at = run_app("pages/map.py")
    first = time.perf_counter() - t0
    assert not at.exception, at.exception
    times = []
    choices = [["kita"], ["youth", "transition"], ["seniors"], []]
    for i in range(runs):
        t0 = time.perf_counter()
        at.sidebar.multiselect(key="f_phases").set_value(choices[i % len(choices)]).run()
        times.append(time.perf_counter() - t0)
    return first, statistics.median(times)


def browser_time(workspace: Path, expected_offers: int, repeats: int = 3):
    repeats = min(repeats, REPEATS["n"])
    """Median seconds from clicking 'Karte' to all offers drawn (and from a deep link)."""
    from urllib.parse import urlparse

    from conftest import CHROMIUM, CHROMIUM_ARGS, PageWatch, start_app
    from playwright.sync_api import sync_playwright

    proc, url = start_app(workspace)
    js_count = """(n) => window.feature_group && window.feature_group.length >= 5 &&
        window.feature_group[1].getLayers()[0].getLayers().length >= n &&
        document.querySelector('.leaflet-overlay-pane canvas') !== null"""
    nav, deep = [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(repeats):
                page = browser.new_page(viewport={"width": 1400, "height": 1700})
                watch = PageWatch(page, urlparse(url).netloc)
                page.goto(url)
                page.wait_for_selector("text=Präventionsatlas", timeout=60_000)
                t0 = time.perf_counter()
                page.get_by_role("link", name="Karte").first.click()
                page.wait_for_selector('iframe[data-testid="stCustomComponentV1"]', timeout=60_000)
                frame = page.query_selector('iframe[data-testid="stCustomComponentV1"]').content_frame()
                frame.wait_for_function(js_count, arg=expected_offers, timeout=60_000, polling=50)
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
                nav.append(time.perf_counter() - t0)
                assert not watch.external, watch.external
                page.close()
                page = browser.new_page(viewport={"width": 1400, "height": 1700})
                t0 = time.perf_counter()
                page.goto(f"{url}/map")
                page.wait_for_selector('iframe[data-testid="stCustomComponentV1"]', timeout=60_000)
                frame = page.query_selector('iframe[data-testid="stCustomComponentV1"]').content_frame()
                frame.wait_for_function(js_count, arg=expected_offers, timeout=60_000, polling=50)
                deep.append(time.perf_counter() - t0)
                page.close()
            browser.close()
    finally:
        proc.terminate()
    return statistics.median(nav), statistics.median(deep)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=5000)
    parser.add_argument("--districts", type=int, default=300)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--base-map", action="store_true", help="only the base map's cost on the demo city")
    parser.add_argument("--extract", help="with --base-map: an extract of ../shared/data/osm (e.g. heidelberg)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: runs in seconds (the test run's check)")
    args = parser.parse_args()
    if args.smoke:
        args.offers, args.districts, REPEATS["n"] = 200, 20, 1
    if args.base_map:
        return base_map_cost(extract=args.extract, browser=not args.no_browser)

    from dashboard.model.workspace import read_workspace, write_workspace
    from dashboard.sources.synthetic import generate_synthetic_workspace

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.gpkg"
        t0 = time.perf_counter()
        write_workspace(generate_synthetic_workspace(args.districts, args.offers), path)
        print(f"synthetic workspace: {args.districts} districts, {args.offers} offers "
              f"(written in {time.perf_counter() - t0:.1f} s, {path.stat().st_size / 1e6:.1f} MB)")
        t0 = time.perf_counter()
        ws = read_workspace(path)
        print(f"  load + validate:                      {time.perf_counter() - t0:6.2f} s")
        from dashboard.present import mapview

        build = [build_map_strings(ws) for _ in range(min(3, REPEATS["n"]))]
        table = mapview.offer_point_table(ws, ws.offers)
        warm = [build_map_strings(ws, point_table=table)[0] for _ in range(min(3, REPEATS["n"]))]
        print(f"  Python time to build the map (cold):  {statistics.median(b[0] for b in build):6.2f} s")
        print(f"  ... with cached offer features:       {statistics.median(warm):6.2f} s")
        print(f"  payload to the browser:               {build[0][1] / 1e6:6.2f} MB")
        first, rerun = apptest_times(path)
        print(f"  map page server time, first run:      {first:6.2f} s (incl. loading the workspace)")
        print(f"  map page server time, filter change:  {rerun:6.2f} s")
        if not args.no_browser:
            sited = int(ws.offers.geometry.notna().sum())
            nav, deep = browser_time(path, sited)
            print(f"  Chromium: click 'Karte' -> painted:   {nav:6.2f} s (median of 3, {sited} offer points)")
            print(f"  Chromium: deep link /map -> painted:  {deep:6.2f} s (incl. Streamlit start-up)")

    demo = ROOT / "geodata" / "demo_city.gpkg"
    first, rerun = apptest_times(demo, runs=min(5, REPEATS["n"]))
    print("demo city:")
    print(f"  map page server time, first run:      {first:6.2f} s")
    print(f"  map page server time, filter change:  {rerun:6.2f} s (median of 5)")


def base_map_cost(repeats: int = 5, extract: str | None = None, browser: bool = True):
    """Payload and painted-map time of the demo city with and without its own base map; with
    ``extract`` (e.g. ``heidelberg`` from ../shared/data/osm) the base map built from that
    OpenStreetMap extract (streets, railways, water, places, landmarks; time to build it)
    and moved onto the demo city, so the same fitted view paints all of it."""
    from dataclasses import replace

    import geopandas as gpd
    import shapely

    from dashboard.model.workspace import read_workspace, write_workspace
    from dashboard.present import basemap
    from dashboard.present.maps import _script_json
    from dashboard.sources import streets

    demo = read_workspace(ROOT / "geodata" / "demo_city.gpkg")
    shown = demo
    if extract:
        path = ROOT.parent / "shared" / "data" / "osm" / f"{extract}.osm.pbf"
        t0 = time.perf_counter()
        lines, _, _ = streets._osm_ways(path, demo.crs)
        area = gpd.GeoSeries([shapely.convex_hull(shapely.union_all(lines))], crs=demo.crs)
        nodes, edges = streets.read_streets(path, area, margin_m=0)
        base_lines, base_places = streets.read_base_map(path, area, margin_m=0)
        read_s = time.perf_counter() - t0
        (cx, cy), (tx, ty) = area.iloc[0].centroid.coords[0], demo.districts.union_all().centroid.coords[0]

        def moved(frame):
            return frame.set_geometry(frame.geometry.translate(tx - cx, ty - cy))

        shown = replace(demo, street_nodes=moved(nodes), street_edges=moved(edges), base_lines=moved(base_lines),
                        base_places=moved(base_places))
        t0 = time.perf_counter()
        data = basemap.base_map_data(shown)
        prepare_s = time.perf_counter() - t0
        kinds = base_places["kind"].value_counts().to_dict()
        print(f"{extract}: {len(edges):,} street edges, {edges['length_m'].sum() / 1000:,.0f} km, "
              f"{len(base_lines):,} railway/water lines, places and landmarks {kinds}")
        print(f"  read the extract (streets + base map):  {read_s:6.2f} s")
        print(f"  base map for the browser (merge, encode): {prepare_s:6.2f} s")
    else:
        data = basemap.base_map_data(demo)
    size = len(_script_json(data))
    print(f"{extract or 'demo city'} base map: {size / 1e6:.2f} MB added to the map page")
    if not browser:
        return
    sited = int(demo.offers.geometry.notna().sum())
    with tempfile.TemporaryDirectory() as tmp:
        bare = write_workspace(replace(demo, street_nodes=demo.street_nodes.iloc[:0],
                                       street_edges=demo.street_edges.iloc[:0], base_lines=demo.base_lines.iloc[:0],
                                       base_places=demo.base_places.iloc[:0]), Path(tmp) / "bare.gpkg")
        full = ROOT / "geodata" / "demo_city.gpkg" if shown is demo else write_workspace(shown, Path(tmp) / "x.gpkg")
        without, _ = browser_time(bare, sited, repeats)
        with_base, _ = browser_time(full, sited, repeats)
    print(f"  Chromium: click 'Karte' -> painted, without base map: {without:6.2f} s "
          f"(median of {min(repeats, REPEATS['n'])})")
    print(f"  Chromium: click 'Karte' -> painted, with base map:    {with_base:6.2f} s "
          f"({100 * (with_base / without - 1):+.0f} %)")


if __name__ == "__main__":
    main()
