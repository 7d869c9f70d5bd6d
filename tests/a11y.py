"""Accessibility checks in the browser (BITV 2.0 / WCAG 2.1 AA): axe-core, as bundled by the
pinned ``axe-playwright-python``, run offline on the page and its same-origin frames (maps,
components)."""

from __future__ import annotations

from pathlib import Path

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
