"""Council material that uses the page: PDFs cut nothing, legends stay inside their figure,
duplicate pairs are told apart, English PDFs speak English, slide pictures write large text.

(The slides themselves are measured in Chromium in ``tests/test_layout.py``.)
"""

from __future__ import annotations

import re
import subprocess

import pytest

from dashboard.analysis import coverage as C
from dashboard.present import charts, report
from dashboard.present.profile import district_profile
from dashboard.present.sentences import duplicate_sentences

A4_WIDTH_PT, MARGIN_PT = 595.28, 15 / 25.4 * 72


@pytest.fixture(scope="module")
def scene(demo_ws):
    ws = demo_ws.current()
    demand = C.prepare_demand(ws)
    return ws, C.coverage(ws, demand=demand), demand


def _words(pdf_path):
    """Every word of the PDF with its box (points), from poppler's ``pdftotext -bbox``."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["de", "en"])
def test_district_pdf_cuts_no_text_and_keeps_it_inside_the_page(scene, tmp_path, lang):
    """Before: table cells were shortened with "…" ("Eschengasse 37, 59…", "Grundschulalter
    (6–…"). Now every cell wraps: each offer's name, provider and address and each unit stand in
    the PDF whole, no "…" anywhere, and no word runs past the right margin."""
    ws, cov, demand = scene
    path = tmp_path / f"sr03_{lang}.pdf"
    path.write_bytes(report.report_pdf(ws, ["SR03"], cov=cov, demand=demand, lang=lang))
    text = _flat(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)
    assert "…" not in text
    profile = district_profile(ws, "SR03", cov, lang=lang)
    for value in [*profile.offers["name"], *profile.offers["provider"], *profile.offers["where"],
                  *profile.population["phase_label"], *profile.indicators["indicator"], *profile.indicators["unit"]]:
        assert _flat(str(value)) in text, value
    words = _words(path)
    assert words and max(x1 for _, _, x1, _, _ in words) <= A4_WIDTH_PT - MARGIN_PT + 1
    assert min(x0 for x0, _, _, _, _ in words) >= MARGIN_PT - 1


def test_english_pdf_gives_indicator_units_in_english(scene, tmp_path):
    ws, cov, demand = scene
    path = tmp_path / "en.pdf"
    path.write_bytes(report.report_pdf(ws, ["SR03"], cov=cov, demand=demand, lang="en"))
    text = _flat(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)
    assert "% of households with children" in text and "% of persons aged 65 and over" in text
    assert "der Haushalte" not in text and "Älteren" not in text


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("district_id", [None, "SR03"])
def test_map_legend_and_notes_stay_inside_the_figure(scene, lang, district_id):
    """Before: the legend title was cut at the picture's edge ("Fünftel der Sozialrä")."""
    ws, cov, _ = scene
    fig = charts.need_map(ws, cov.need["score"], district_id=district_id, offers=ws.offers, partners=ws.partners,
                          lang=lang, attribution="Fiktive Demodaten – keine realen Personen, Angebote oder Statistiken")
    renderer = charts._renderer(fig)
    legend = fig.axes[0].get_legend()
    assert legend.get_title().get_text().replace("\n", " ") == charts.t("need_map_title", lang)
    inside = fig.bbox.padded(1)
    for artist in [legend, *fig.texts]:
        box = artist.get_window_extent(renderer)
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1, artist


def test_legend_wraps_a_long_title_instead_of_leaving_the_figure(scene):
    ws, cov, _ = scene
    title = "Anteil der Kinder unter sechs Jahren in Bedarfsgemeinschaften nach SGB II (Prozent, 2025)"
    fig = charts.static_map(ws, shading=cov.need["score"], shading_title=title, palette="YlOrRd", size=(6, 5))
    box = fig.axes[0].get_legend().get_window_extent(charts._renderer(fig))
    assert box.x1 <= fig.bbox.x1 and "\n" in fig.axes[0].get_legend().get_title().get_text()


def test_duplicate_pairs_never_read_alike(scene):
    """Before: "Hausaufgabenhilfe Nordstadt (Verein Miteinander e. V.) ↔ Hausaufgabenhilfe Nordstadt
    (Caritasverband Lindenbrück)" stood twice in Nordstadt's profile (the Verein at two sites)."""
    ws, cov, demand = scene
    pairs = C.duplicates(ws, cov.params, demand=demand)
    lists = [duplicate_sentences(pairs, "de", ws.life_phases)]
    lists += [district_profile(ws, d, cov, duplicates=pairs).duplicates for d in ws.districts["district_id"]]
    assert sum(len(lines) for lines in lists[1:]) >= 10
    for lines in lists:
        pairs_read = [line.rsplit(":", 1)[0] for line in lines]  # the pair, without overlap and distance
        assert len(set(pairs_read)) == len(pairs_read), lines
        for pair in pairs_read:
            left, right = pair.split(" ↔ ")
            assert left != right


def test_slide_pictures_write_text_of_eighteen_pixels(scene):
    """The council's screen: every text in a slide's picture is ≥ 18 px at 1920 × 1080 (where
    the picture is shown at its own size, checked in Chromium), the picture as high as the room."""
    ws, cov, _ = scene
    box_w, box_h = charts.SLIDE_BOX_PX
    figures = {
        "city": charts.slide_need_map(ws, cov.need["score"], offers=ws.offers, attribution="Fiktive Demodaten"),
        "district": charts.slide_need_map(ws, cov.need["score"], district_id="SR07", offers=ws.offers,
                                          box_px=(1280, box_h)),
        "chain": charts.chain_matrix(cov, ws, "de", size=(box_w / charts.SLIDE_DPI, box_h / charts.SLIDE_DPI),
                                     text_scale=charts.slide_text_scale(8)),
    }
    for name, fig in figures.items():
        assert charts.smallest_text_px(fig) >= charts.SLIDE_TEXT_PX, name
        width, height = fig.get_size_inches() * charts.SLIDE_DPI
        assert round(height) == box_h and width <= box_w + 1, name
    district = figures["district"]
    ax_box = district.axes[0].get_position()
    assert ax_box.height * box_h >= 0.9 * box_h  # the district's surroundings fill the height
