"""Renew the README's screenshots from the shipped demo (headless Debian Chromium, no network).

    .venv/bin/python docs/screenshots.py

Writes docs/screenshot-map.png (the city at 1440 × 900), docs/screenshot-streets.png (the
Altstadt at street zoom: street names, landmarks, faded shading), docs/screenshot-lotse.png,
docs/screenshot-chain.png and docs/screenshot-slide.png (a district slide at 1920 × 1080).
Each waits on the app's state (selectors), never on time.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main():
    from conftest import CHROMIUM, CHROMIUM_ARGS, launch, new_context, rerun, settled, wait_for_map
    from playwright.sync_api import sync_playwright

    from dashboard.model.workspace import read_workspace

    ws = read_workspace(ROOT / "geodata" / "demo_city.gpkg")
    docs = ROOT / "docs"
    server = launch()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = new_context(browser, width=1440, height=900)
            page = context.new_page()
            page.goto(f"{server.url}/map?d=SR07")
            frame = settled(page, has_map=True)
            frame.wait_for_function("() => window.paStreetNames !== undefined", timeout=30_000)
            page.screenshot(path=str(docs / "screenshot-map.png"))
            page.goto(f"{server.url}/map")
            frame = settled(page, has_map=True)
            frame.wait_for_function("() => window.paStreetNames !== undefined", timeout=30_000)
            centre = ws.districts[ws.districts["name"] == "Altstadt"].to_crs(4326).geometry.iloc[0].centroid
            frame.evaluate(f"() => {{ window.map.setView([{centre.y + 0.002}, {centre.x}], 16, "
                           "{animate: false}); return 1; }")
            frame.wait_for_function("() => window.paStreetNames && window.paStreetNames.length >= 8", timeout=30_000)
            page.screenshot(path=str(docs / "screenshot-streets.png"))
            address = ws.addresses.iloc[5000]
            page.goto(f"{server.url}/lotse")
            settled(page)
            page.get_by_label("Alter der Kinder").fill("1; 4")
            rerun(page, lambda: page.keyboard.press("Enter"))
            page.get_by_label("Adresse", exact=True).fill(f"{address['street']} {address['number']}")
            page.get_by_role("button", name="Suchen").click()
            page.wait_for_selector("text=passende Angebote, die nächsten zuerst", timeout=30_000)
            wait_for_map(page)
            settled(page)
            page.screenshot(path=str(docs / "screenshot-lotse.png"))
            page.goto(f"{server.url}/chain")
            settled(page)
            page.screenshot(path=str(docs / "screenshot-chain.png"))
            context.close()
            context = new_context(browser, width=1920, height=1080)
            page = context.new_page()
            page.goto(f"{server.url}/present?present=1&slide=4")
            page.wait_for_selector("text=Folie 5 von 6", timeout=60_000)
            settled(page)
            page.wait_for_function("document.images.length > 0 && "
                                   "[...document.images].every(i => i.complete && i.naturalWidth > 0)")
            page.screenshot(path=str(docs / "screenshot-slide.png"))
            context.close()
            browser.close()
    finally:
        server.stop()
    for name in ("map", "streets", "lotse", "chain", "slide"):
        print(docs / f"screenshot-{name}.png")


if __name__ == "__main__":
    main()
