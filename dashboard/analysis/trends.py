"""Change over time (Qualitätskreislauf): the trend of a measure and the status of a target.

Rules (documented for planners; the words are made in the presentation layer):

* **Direction.** Each measure has a better direction (:data:`BETTER`): a higher reach, more
  offers or places per 1,000, a higher 2SFCA are better; fewer gaps, Parallelstrukturen and
  broken transitions are better.
* **Trend** (:func:`trend`): the last value against the one before it. Within ``same_within``
  (in the measure's unit, e.g. 0.01 = one percentage point of a share) it is "same", else
  "better" or "worse" by the measure's direction; "unknown" when either value is withheld or
  missing (never guessed).
* **Status of a target** (:func:`target_status`): "met" when the last value reaches the target;
  "missed" when the target's day has passed without it; "on_track" when the straight line
  through the values (least squares over their days) reaches the target by its day; else
  "at_risk"; "unknown" without a last value. One value alone is on track only if it meets
  the target already (no line through one point).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

BETTER = {
    "reach_share": 1, "offers_per_1000": 1, "places_per_1000": 1, "access_2sfca": 1, "offers": 1, "capacity": 1,
    "gaps": -1, "duplicates": -1, "broken_transitions": -1,
    # the quality goals' indicators (dashboard.analysis.quality): higher is better for each
    "parents_reach": 1, "outreach_share": 1, "need_correlation": 1, "new_offers_high_need": 1,
    "multi_sector_networks": 1, "inclusion_cost_free": 1, "inclusion_barrier_free": 1, "inclusion_languages": 1,
}
"""+1: higher is better, −1: lower is better."""
TRENDS = ("better", "same", "worse", "unknown")
STATUSES = ("met", "on_track", "at_risk", "missed", "unknown")


def direction(measure: str) -> int:
    """+1 when a higher value of ``measure`` is better, −1 when a lower one is."""
    if measure not in BETTER:
        raise ValueError(f"no direction known for measure {measure!r}")  # a programming error
    return BETTER[measure]


def trend(values, measure: str, same_within: float = 0.0) -> str:
    """"better", "same", "worse" or "unknown": the last of ``values`` (in time order) against
    the one before it (see the module doc)."""
    values = np.asarray(values, float)
    if len(values) < 2 or not np.isfinite(values[-2:]).all():
        return "unknown"
    change = (values[-1] - values[-2]) * direction(measure)
    if abs(change) <= same_within:
        return "same"
    return "better" if change > 0 else "worse"


def _days(days) -> np.ndarray:
    return pd.to_datetime(pd.Series(list(days))).to_numpy("datetime64[D]").astype(np.int64).astype(float)


def target_status(values, days, measure: str, target: float, target_day: date, today: date) -> str:
    """"met", "on_track", "at_risk", "missed" or "unknown" for a target of ``measure`` (reach
    ``target`` by ``target_day``) given the ``values`` measured on ``days`` (see the module doc)."""
    values = np.asarray(values, float)
    sign = direction(measure)
    known = np.isfinite(values)
    if not len(values) or not known[-1]:
        return "unknown"
    if (values[-1] - target) * sign >= 0:
        return "met"
    if pd.Timestamp(today) > pd.Timestamp(target_day):
        return "missed"
    x, y = _days(np.asarray(list(days), dtype=object)[known]), values[known]
    if len(y) < 2 or np.ptp(x) == 0:
        return "at_risk"
    slope, intercept = np.polyfit(x, y, 1)
    projected = slope * _days([target_day])[0] + intercept
    return "on_track" if (projected - target) * sign >= 0 else "at_risk"
