"""Trend and target status on hand-made series (Qualitätskreislauf, issue 29's rules)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from dashboard.analysis import trends

YEARS = [date(2023, 12, 31), date(2024, 12, 31), date(2025, 12, 31)]


@pytest.mark.parametrize("values, measure, expected", [
    ([0.40, 0.50, 0.60], "reach_share", "better"),
    ([0.60, 0.50, 0.45], "reach_share", "worse"),
    ([0.50, 0.505], "reach_share", "same"),  # within one percentage point
    ([5, 7, 4], "gaps", "better"),  # fewer gaps are better
    ([3, 3, 6], "duplicates", "worse"),
    ([0.5, np.nan], "reach_share", "unknown"),  # withheld: never guessed
    ([0.5], "reach_share", "unknown"),
])
def test_trend_by_the_measures_direction(values, measure, expected):
    assert trends.trend(values, measure, same_within=0.01 if measure == "reach_share" else 0) == expected


def test_target_met_missed_on_track_and_at_risk():
    target_day = date(2027, 12, 31)
    # 0.60 → 0.70 → 0.80: the target 0.80 is reached already
    assert trends.target_status([0.6, 0.7, 0.8], YEARS, "reach_share", 0.8, target_day, date(2026, 1, 15)) == "met"
    # +0.05 a year from 0.60: 0.70 at the end of 2025, the line gives about 0.80 by the end of 2027
    assert trends.target_status([0.6, 0.65, 0.7], YEARS, "reach_share", 0.78, target_day, date(2026, 1, 15)) \
        == "on_track"
    # +0.01 a year: 0.74 by 2027, short of 0.80
    assert trends.target_status([0.68, 0.69, 0.7], YEARS, "reach_share", 0.8, target_day, date(2026, 1, 15)) \
        == "at_risk"
    # the day has passed without the target
    assert trends.target_status([0.6, 0.65, 0.7], YEARS, "reach_share", 0.8, date(2025, 12, 31),
                                date(2026, 1, 15)) == "missed"
    # fewer gaps are better: 6 → 4 → 2 reaches "at most 1" by 2027 on the line
    assert trends.target_status([6, 4, 2], YEARS, "gaps", 1, target_day, date(2026, 1, 15)) == "on_track"
    assert trends.target_status([6, 4, 1], YEARS, "gaps", 1, target_day, date(2026, 1, 15)) == "met"


def test_unknown_and_single_values_are_never_guessed():
    day = date(2027, 12, 31)
    assert trends.target_status([0.6, np.nan], YEARS[:2], "reach_share", 0.8, day, date(2026, 1, 1)) == "unknown"
    assert trends.target_status([], [], "reach_share", 0.8, day, date(2026, 1, 1)) == "unknown"
    assert trends.target_status([0.7], YEARS[:1], "reach_share", 0.8, day, date(2026, 1, 1)) == "at_risk"
    # a withheld year in between: the line goes through the known ones
    assert trends.target_status([0.6, np.nan, 0.7], YEARS, "reach_share", 0.78, day, date(2026, 1, 1)) == "on_track"
    assert trends.target_status([0.6, np.nan, 0.7], YEARS, "reach_share", 0.82, day, date(2026, 1, 1)) == "at_risk"
    with pytest.raises(ValueError):
        trends.trend([1, 2], "weather")
