"""Gap ranks count people: within a priority tier the order weighs the persons not reached,
the share and the need (all published), on hand-made rows and on a real Arnsberg build; the
CLI writes the ranked list; without social indicators no need rank is claimed."""

from __future__ import annotations

import csv
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import ROOT, SHARED

from dashboard.analysis import coverage as C
from dashboard.analysis.need import need_weight
from dashboard.cli import main
from dashboard.present import sentences
from dashboard.sources.recipe import build_workspace

needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/data beside the checkout")


def test_gap_score_weighs_persons_share_and_need():
    gaps = pd.DataFrame({"target_population": [8.0, 400.0, 400.0, 100.0, 300.0],
                         "reached": [0.0, 200.0, 100.0, 0.0, np.nan],  # the last one withheld
                         "need_score": [0.0, 0.0, 0.0, 2.0, 0.0]})
    score = C.gap_score(gaps, min_reach=0.5)
    # 8 unreached of 8 < 200 of 400 (half) < 300 of 400 (three quarters)
    assert score[0] == pytest.approx(8) and score[1] == pytest.approx(200 * 0.5) and score[2] == pytest.approx(225)
    assert score[3] == pytest.approx(100 * np.e)  # need weight exp(2 / 2)
    assert score[4] == pytest.approx(300 * 0.5 * 0.5)  # withheld: the rule's bound, at least half not reached
    assert C.gap_score(gaps, 0.5, need=False)[3] == pytest.approx(100)


def old_rank(gaps: pd.DataFrame) -> pd.DataFrame:
    """The rule before issue 25: within a priority, share not reached × need weight."""
    base = gaps.sort_values(["district_id", "phase_id"]).reset_index(drop=True)
    score = (1 - base["reach_share"].fillna(0)) * need_weight(base["need_score"].to_numpy())
    return base.iloc[np.lexsort((base["need_rank"].to_numpy(), -score.to_numpy(), base["phase_priority"].to_numpy()))]


@pytest.fixture(scope="module")
def arnsberg(tmp_path_factory):
    """Arnsberg from real open data: 2 km squares over the outline, Zensus 100 m cells, schools."""
    text = (ROOT / "tests" / "recipes" / "arnsberg_100m.toml").read_text(encoding="utf-8")
    text = text.replace("../../../shared/data", str(SHARED)).replace('id = "KN"\nname = "GN"', "grid_m = 2000")
    recipe = tmp_path_factory.mktemp("arnsberg") / "rezept.toml"
    recipe.write_text(text, encoding="utf-8")
    ws, _ = build_workspace(recipe)
    return ws.current()


@needs_shared
def test_on_arnsberg_the_top_gaps_leave_far_more_persons_unreached(arnsberg):
    ws = arnsberg
    assert len(ws.districts) > 50 and not C.has_need_index(ws)
    cov = C.coverage(ws)
    new = C.gaps(cov, ws, 3)

    def unreached(frame):
        top = frame.head(10)
        return float((top["target_population"] - top["reached"].fillna(0)).fillna(0).sum())

    before, after = unreached(old_rank(new)), unreached(new)
    print(f"Arnsberg, top 10 gaps: {before:.0f} → {after:.0f} persons not reached")
    assert after >= 3 * before
    # the tiers stay: no gap of a later priority before one of an earlier priority
    assert new["phase_priority"].is_monotonic_increasing
    # within a tier the order follows the stated rule
    for _, tier in new.groupby("phase_priority"):
        assert np.all(np.diff(C.gap_score(tier, cov.params.min_reach, need=False)) <= 1e-9)
    # no social indicators: no need rank claimed
    words = sentences.gaps_in_words(cov, ws, "de", 3)
    assert words["sentence"].str.contains("kein Bedarfsindex: keine Sozialindikatoren").all()
    assert not words["sentence"].str.contains("Rang 1 von").any()


def test_with_indicators_the_need_rank_is_named(demo_ws):
    ws = demo_ws.current()
    words = sentences.gaps_in_words(C.coverage(ws), ws, "de", 3)
    assert words["sentence"].str.contains(r"Bedarfsindex Rang \d+ von 14").all()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_writes_the_ranked_gaps(demo_path, tmp_path, capsys, fmt):
    out = tmp_path / f"luecken.{fmt}"
    assert main(["gaps", str(demo_path), "--out", str(out), "--lang", "en"]) == 0
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))
    else:
        sheet = openpyxl.load_workbook(out).active
        values = list(sheet.values)
        rows = [dict(zip(values[0], v)) for v in values[1:]]
    assert list(rows[0]) == ["priority_rank", "district_id", "district_name", "phase_id", "phase_name",
                             "target_population", "reached", "unreached", "reach_share", "sentence"]
    assert [int(r["priority_rank"]) for r in rows] == list(range(1, len(rows) + 1))
    assert "need index rank" in rows[0]["sentence"] and rows[0]["phase_name"]
    assert main(["gaps", str(demo_path)]) == 0 and "Bedarfsindex Rang" in capsys.readouterr().out
