"""Static images (maps and charts for PDFs and downloads): right, and the same from many threads.

Streamlit serves every browser session in a thread of its own; an image drawn through
pyplot's shared "current figure" could end up with another session's axes (a Wegweiser
whose star and numbers sat a kilometre off its offers). Every image is drawn on its own
Figure: the same input gives the same bytes, whatever runs beside it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import numpy as np
import pytest

from dashboard.analysis import coverage as C
from dashboard.analysis.nearby import FamilySituation, offers_for_family
from dashboard.present import charts
from dashboard.present.profile import district_profile


@pytest.fixture(scope="module")
def scene(demo_ws):
    ws = demo_ws.current()
    home = ws.addresses.iloc[5000].geometry
    found = offers_for_family(ws, home.x, home.y, FamilySituation(child_ages=(1, 4)), valid_on=date(2026, 11, 1))
    demand = C.prepare_demand(ws)
    cov = C.coverage(ws, demand=demand)
    profiles = {lang: district_profile(ws, "SR07", cov, lang=lang) for lang in ("de", "en")}
    return ws, home, found.head(6), cov, profiles


def test_wegweiser_markers_lie_on_their_offers(scene):
    ws, home, shown, _, _ = scene
    fig = charts.wegweiser_map(ws, home.x, home.y, shown, "de")
    ax = fig.axes[0]
    star = [c for c in ax.collections if c.get_zorder() == 5]  # the start, under the offers' numbers
    assert len(star) == 1 and np.allclose(star[0].get_offsets(), [[home.x, home.y]])
    numbers = {t.get_text(): t.get_position() for t in ax.texts if t.get_text().isdigit()}
    sited = shown[shown.geometry.notna()]
    assert len(numbers) == len(sited) > 0
    for k, point in enumerate(sited.geometry, start=1):  # number k on the k-th offer of the list
        assert np.allclose(numbers[str(k)], (point.x, point.y))
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < home.x < x1 and y0 < home.y < y1
    assert all(x0 < p.x < x1 and y0 < p.y < y1 for p in sited.geometry)


def test_images_are_the_same_from_many_threads(scene):
    ws, home, shown, cov, profiles = scene
    jobs = {
        "wegweiser": lambda: charts.to_bytes(charts.wegweiser_map(ws, home.x, home.y, shown, "de", "Test")),
        "population": lambda: charts.to_bytes(charts.population_chart(profiles["en"], "en")),
        "strip": lambda: charts.to_bytes(charts.chain_strip(profiles["de"], "de")),
        "map": lambda: charts.to_bytes(charts.static_map(ws, district_id="SR07", shading=cov.need["score"],
                                                         offers=ws.offers, lang="de"), dpi=80),
        "matrix": lambda: charts.to_bytes(charts.chain_matrix(cov, ws, "de"), dpi=60),
    }
    reference = {name: job() for name, job in jobs.items()}
    order = [name for _ in range(6) for name in jobs]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda name: (name, jobs[name]()), order))
    differing = [name for name, data in results if data != reference[name]]
    assert differing == []


def test_population_chart_takes_numbers_in_both_languages(scene):
    """The English chart showed shares ten times too large (formatted '19.6' read as German)."""
    _, _, _, _, profiles = scene
    widths = {}
    for lang, profile in profiles.items():
        ax = charts.population_chart(profile, lang).axes[0]
        widths[lang] = [bar.get_width() for bar in ax.patches]
    assert np.allclose(widths["de"], widths["en"], equal_nan=True)
    shares = [w for w in widths["en"] if not np.isnan(w)]
    assert 0 < max(shares) < 100
    expected = profiles["en"].population["share_value"].to_numpy(float)
    assert np.allclose(widths["en"][: len(expected)], expected, equal_nan=True)


def test_no_pyplot_anywhere_in_the_product():
    """Drawing every kind of image (hand-out, profile PDF, maps, charts) never uses pyplot,
    the module that keeps one "current figure" for all threads (a library may import it; any
    call of its figure functions fails here)."""
    import subprocess
    import sys

    from conftest import ROOT

    script = """
import sys
from datetime import date
import matplotlib.pyplot as plt
def forbidden(*args, **kwargs):
    raise RuntimeError("pyplot used")
for name in ("figure", "subplots", "gcf", "gca", "sca", "draw", "close", "savefig", "axes", "subplot"):
    setattr(plt, name, forbidden)
from dashboard.present import charts, report
from dashboard.analysis import coverage as C
from dashboard.analysis.nearby import FamilySituation, offers_for_family
from dashboard.model.workspace import read_workspace
ws = read_workspace("geodata/demo_city.gpkg").current()
home = ws.addresses.iloc[5000].geometry
found = offers_for_family(ws, home.x, home.y, FamilySituation(child_ages=(1, 4)), valid_on=date(2026, 11, 1))
cov = C.coverage(ws)
report.wegweiser_pdf(ws, home.x, home.y, found, lang="de")
report.report_pdf(ws, ["SR07"], cov=cov, lang="en")
charts.to_bytes(charts.chain_matrix(cov, ws, "de"), "svg")
print("no pyplot")
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1:] == ["no pyplot"], out.stderr[-2000:]


def test_need_map_legend_speaks_in_classes_not_z_scores(scene):
    """The council reads "sehr hoch … sehr niedrig", never z-scores like "-1,0 – -0,8"."""
    ws, _, _, cov, _ = scene
    for lang, words in (("de", ["sehr niedrig", "niedrig", "mittel", "hoch", "sehr hoch"]),
                        ("en", ["very low", "low", "medium", "high", "very high"])):
        fig = charts.static_map(ws, shading=cov.need["score"], shading_title="t", palette="YlOrRd", lang=lang,
                                class_labels=charts.need_class_labels(lang))
        texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert texts == words


def test_profile_map_title_follows_the_language(scene):
    """The profile's map image had a German title (and a fixed demo indicator) in English too."""
    ws, _, _, cov, _ = scene
    for lang, title in (("de", "Bedarf nach Bedarfsindex"), ("en", "Need by need index")):
        legend = charts.need_map(ws, cov.need["score"], district_id="SR07", lang=lang).axes[0].get_legend()
        assert legend.get_title().get_text().startswith(title)


def test_names_with_dollar_signs_are_drawn_as_text(scene):
    """A district named like TeX ("$\\frac$") is text on the PNG, not a mathtext error."""
    ws, _, _, cov, _ = scene
    districts = ws.districts.copy()
    districts.loc[0, "name"] = r"Nord $\frac{a}$ Süd $x$"
    odd = type(ws)(**{**ws.__dict__, "districts": districts})
    fig = charts.static_map(odd, shading=cov.need["score"], shading_title="t", palette="YlOrRd", lang="de")
    assert charts.to_bytes(fig)[:4] == b"\x89PNG"
    assert r"Nord $\frac{a}$ Süd $x$" in [t.get_text() for t in fig.axes[0].texts]
