"""Need index (Bedarfsindex): "Ungleiches ungleich behandeln".

For each chosen indicator (latest year by default) the district values are turned into
z-scores over the districts, z = (x − mean) / standard deviation, multiplied by −1 where
a higher value means *less* need (catalogue ``higher_is_need`` false). The index is the
weighted mean of the z-scores (default: every catalogue indicator, weight 1). A withheld
value counts as the city mean (z = 0) and is flagged. Rank 1 = highest need; five classes
by quintiles ("sehr hoch" … "sehr niedrig").
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def need_index(ws, indicators=None, weights: dict | None = None, year: int | None = None) -> pd.DataFrame:
    """Per district (index ``district_id``): ``score`` (weighted mean z), ``rank`` (1 =
    highest need), ``need_class`` 1–5 (5 = highest need), ``imputed`` (number of withheld
    values counted as the mean) and one ``z_<indicator>`` column per indicator."""
    catalogue = ws.indicator_catalogue.set_index("indicator")
    chosen = list(catalogue.index) if indicators is None else list(indicators)
    unknown = [i for i in chosen if i not in catalogue.index]
    if unknown:
        raise ValueError(f"unknown indicators: {unknown}")
    ids = ws.districts["district_id"].to_numpy()
    out = pd.DataFrame(index=pd.Index(ids, name="district_id"))
    if not chosen:
        return out.assign(score=0.0, rank=1, need_class=3, imputed=0)
    weights = {i: float((weights or {}).get(i, 1.0)) for i in chosen}
    total_w = sum(weights.values())
    if total_w <= 0:
        raise ValueError("weights must add up to a positive number")
    score = np.zeros(len(ids))
    imputed = np.zeros(len(ids), dtype=int)
    table = ws.indicators
    names = table["indicator"].to_numpy()
    years_all = table["year"].to_numpy()
    where = pd.Index(ids).get_indexer(table["district_id"].to_numpy())
    raw = table["value"].to_numpy(float)
    for ind in chosen:
        rows = names == ind
        years = sorted(int(y) for y in pd.unique(years_all[rows]))
        if not years:
            continue
        use = year if year in years else years[-1]
        pick = rows & (years_all == use) & (where >= 0)
        values = np.full(len(ids), np.nan)
        values[where[pick]] = raw[pick]
        mean, sd = (np.nanmean(values), np.nanstd(values)) if np.isfinite(values).any() else (np.nan, np.nan)
        z = np.zeros(len(ids)) if not sd > 0 else (values - mean) / sd
        if not bool(catalogue.at[ind, "higher_is_need"]):
            z = -z
        missing = np.isnan(z)
        imputed += missing
        z = np.where(missing, 0.0, z)
        out[f"z_{ind}"] = z
        score += weights[ind] * z
    out["score"] = score / total_w
    out["rank"] = out["score"].rank(ascending=False, method="min").astype(int)
    quint = pd.qcut(out["score"].rank(method="first"), 5, labels=False) if len(ids) >= 5 else \
        pd.Series(2, index=out.index)
    out["need_class"] = quint.astype(int) + 1
    out["imputed"] = imputed
    return out


def need_weight(score) -> np.ndarray:
    """Demand weight from the need score: exp(score / 2), i.e. about ×1.65 one standard
    deviation above the mean and ×0.6 below it; used to weight demand in 2SFCA and gaps."""
    return np.exp(np.asarray(score, float) / 2.0)
