"""PDF reports: pages, text, the library's figures, the fictional label, umlauts, rendering."""

from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfReader

from dashboard.analysis import coverage as C
from dashboard.present import sentences
from dashboard.present.profile import district_profile
from dashboard.present.report import report_pdf


@pytest.fixture(scope="module")
def analysis(demo_ws):
    demand = C.prepare_demand(demo_ws)
    return demand, C.coverage(demo_ws, demand=demand)


@pytest.fixture(scope="module")
def westfeld_pdf(demo_ws, analysis):
    demand, cov = analysis
    return report_pdf(demo_ws, ["SR07"], cov=cov, demand=demand)


def text_of(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_single_profile_pdf(demo_ws, analysis, westfeld_pdf):
    demand, cov = analysis
    pages, text = text_of(westfeld_pdf)
    assert 2 <= pages <= 8
    flat = " ".join(text.split())
    assert "Sozialraumprofil Westfeld" in flat
    assert "Fiktive Demodaten – keine realen Personen, Angebote oder Statistiken" in flat
    profile = district_profile(demo_ws, "SR07", cov, duplicates=C.duplicates(demo_ws, demand=demand))
    assert f"Bedarfsindex: Rang {profile.need_rank} von 14" in flat
    for row in profile.population.itertuples():  # the library's figures, as printed
        assert f"{row.phase_label} {row.persons} {row.share} {row.city_share}" in flat
    for gap in profile.gaps:  # as on screen, withheld figures worded the same
        assert " ".join(gap.split()) in flat
    assert "Bevölkerung nach Lebensphase" in flat and "Übergang Schule–Beruf" in flat and "straße" in flat
    assert f"Seite 1 von {pages}" in flat


def test_pdf_renders_to_png(westfeld_pdf, tmp_path):
    path = tmp_path / "profil.pdf"
    path.write_bytes(westfeld_pdf)
    result = subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert len(list(tmp_path.glob("page-*.png"))) == len(PdfReader(io.BytesIO(westfeld_pdf)).pages)


def test_whole_city_report(demo_ws, analysis):
    demand, cov = analysis
    pdf = report_pdf(demo_ws, cov=cov, demand=demand)
    pages, text = text_of(pdf)
    flat = " ".join(text.split())
    assert pages > len(demo_ws.districts)
    assert "Sozialraumbericht Lindenbrück (fiktive Demostadt)" in flat
    assert "Lebenskette der Stadt" in flat and "Wichtigste Lücken" in flat
    for name in demo_ws.districts["name"]:
        assert f"Sozialraumprofil {name}" in flat
    first_gap = " ".join(sentences.gaps_in_words(cov, demo_ws)["sentence"].iloc[0].split())
    assert first_gap in flat
    assert "Angebote je 1.000" in flat and "…" not in flat.split("Wichtigste Lücken")[0]  # headers wrap, not cut
    assert "1000 m Fußweg auf dem Straßennetz" in flat and "Luftlinie" not in flat  # the demo has streets


def test_english_report_and_unknown_district(demo_ws, analysis):
    demand, cov = analysis
    _, text = text_of(report_pdf(demo_ws, ["SR01"], cov=cov, demand=demand, lang="en"))
    assert "District profile Altstadt" in " ".join(text.split())
    with pytest.raises(ValueError, match="unknown district ids: XX"):
        report_pdf(demo_ws, ["XX"], cov=cov, demand=demand)


def test_cli_report(tmp_path):
    import sys

    from conftest import ROOT

    out = tmp_path / "bericht.pdf"
    result = subprocess.run([sys.executable, "-m", "dashboard", "report", "geodata/demo_city.gpkg",
                             "--district", "SR03", "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    pages, text = text_of(out.read_bytes())
    assert "Sozialraumprofil Nordstadt" in text and pages >= 2
