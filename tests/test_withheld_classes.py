"""Every published person counts (issue 31): where a grid cell's total is published but age
classes are withheld, the remainder goes to those classes by the district's age mix."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED

from dashboard.analysis import coverage as C
from dashboard.analysis.population import cell_phase_population
from dashboard.sources.estimate import fill_withheld_classes

needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/data beside the checkout")


def test_the_remainder_goes_to_the_withheld_classes_by_the_district_mix():
    nan = np.nan
    values = np.array([
        [10, 30, 60], [20, 60, 120], [5, 15, 30],          # district 0: mix 1 : 3 : 6
        [nan, 30, nan],                                    # district 0, total 100: 70 left for classes 1 and 3
        [40, 40, 20], [nan, nan, 10],                      # district 1: one complete cell (too few) → city mix
        [nan, nan, nan],                                   # total withheld too: stays withheld
        [50, nan, 60],                                     # published parts exceed the total: withheld is 0
    ], float)
    total = np.array([100, 200, 50, 100, 100, 30, nan, 100], float)
    group = np.array([0, 0, 0, 0, 1, 1, 1, -1])
    filled, estimated = fill_withheld_classes(values, total, group, min_cells=3)
    assert estimated.tolist() == [False, False, False, True, False, True, False, True]
    published = ~np.isnan(values)
    assert np.array_equal(filled[published], values[published])  # published classes unchanged
    assert filled[3].tolist() == pytest.approx([10, 30, 60])  # 70 as 1 : 6
    city = values[[0, 1, 2, 4]].sum(axis=0)  # the municipality's mix: 75 : 145 : 230
    assert filled[5, :2] == pytest.approx(20 * city[:2] / city[:2].sum())
    assert np.isnan(filled[6]).all()
    assert filled[7, 1] == 0
    done = estimated & (np.nansum(values, axis=1) <= total)
    assert np.allclose(filled[done].sum(axis=1), total[done])  # classes add up to the total, to the person
    remainder = np.nan_to_num(total - np.nansum(values, axis=1))
    assert ((filled[~published] >= 0) | np.isnan(filled[~published])).all()
    assert (np.nan_to_num(filled) <= np.maximum(remainder, 0)[:, None] + np.nan_to_num(values)).all()


def zensus_files(folder, encoding: str, rng) -> tuple[int, int]:
    """Arnsberg's 100 m cells as the Zensus 2022 "Alter in 5 Altersklassen" zip as downloaded
    (cell ids, "–" below 3, KLAMMERN marks), in ``encoding``; a few totals withheld too.
    Returns (published persons, persons in withheld classes of published totals)."""
    under10 = pd.read_csv(SHARED / "arnsberg" / "zensus2011_grid_100m_under10.csv")
    lines = ["GITTER_ID_100m;Insgesamt_Bevoelkerung;Unter18;a18bis29;a30bis49;a50bis64;a65undaelter;"
             "werterlaeuternde_Zeichen"]
    published = hidden = 0
    for k, (x, y, v) in enumerate(zip(under10["x_3035"], under10["y_3035"], under10["value"])):
        classes = [max(int(v), 0) * 2, *rng.integers(0, 12, 4)]
        shown = ["–" if c < 3 else str(c) for c in classes]
        total = sum(classes)
        mark = "KLAMMERN" if k % 7 == 0 else ""
        if k % 50 == 0:  # the total withheld as well
            lines.append(f"CRS3035RES100mN{int(y) - 50}E{int(x) - 50};–;{';'.join(shown)};{mark}")
            continue
        published += total
        hidden += sum(c for c in classes if c < 3)
        lines.append(f"CRS3035RES100mN{int(y) - 50}E{int(x) - 50};{total};{';'.join(shown)};{mark}")
    with zipfile.ZipFile(folder / "Zensus2022_Alter_in_5_Altersklassen.zip", "w") as archive:
        archive.writestr("Zensus2022_Alter_in_5_Altersklassen_100m-Gitter.csv", "\n".join(lines).encode(encoding))
    return published, hidden


@needs_shared
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_every_published_person_is_in_a_life_phase(tmp_path, encoding):
    from dashboard.sources.recipe import build_workspace

    published, hidden = zensus_files(tmp_path, encoding, np.random.default_rng(31))
    assert hidden > 100  # the fixture withholds enough to matter
    outline = SHARED / "arnsberg" / "municipality_boundary.geojson"
    (tmp_path / "rezept.toml").write_text(
        '[workspace]\nmunicipality_name = "Arnsberg"\ncrs = "EPSG:25832"\n\n'
        f'[districts]\nfile = "{outline}"\ngrid_m = 2000\n\n'
        '[population]\nformat = "zensus2022"\nfiles = ["Zensus2022_Alter_in_5_Altersklassen.zip"]\n',
        encoding="utf-8")
    ws, built = build_workspace(tmp_path / "rezept.toml")
    notes = dict(built.notes)
    assert notes["zensus_cells"]["uncertain"] > 0  # the KLAMMERN marks were read
    cells = ws.population_cells
    totals = cells["persons_total"].to_numpy(float)
    known = ~np.isnan(totals)
    bands = cells[list(ws.band_columns)].to_numpy(float)
    assert np.allclose(bands[known].sum(axis=1), totals[known])  # each cell's classes add up to its total
    # every published person is in a life phase (the phases but pregnancy cover all ages once)
    phases = cell_phase_population(ws).drop(columns="pregnancy").to_numpy(float)
    assert phases[known].sum() == pytest.approx(np.nansum(totals), abs=1e-6) and np.nansum(totals) == published
    assert notes["zensus_withheld_estimated"]["persons"] == pytest.approx(hidden, abs=1)
    assert ws.meta["classes_estimated"] == str(int(cells["classes_estimated"].sum()))
    # "incomplete" only where totals themselves are withheld
    tp = C.prepare_demand(ws).target
    demand_cells = np.isnan(cells[list(ws.band_columns)].to_numpy(float)).any(axis=1)
    assert not (demand_cells & known).any()  # a withheld class is left only where the total is withheld
    assert tp.incomplete.sum() < len(ws.districts) and tp.incomplete.any()
    assert tp.estimated.any(axis=None)
    from dashboard.present.sentences import population_notes  # the sentence on the page and in the PDF

    assert "nach der Altersmischung ihres Sozialraums" in population_notes(ws, "de")
    assert "age mix of its district" in population_notes(ws, "en")
