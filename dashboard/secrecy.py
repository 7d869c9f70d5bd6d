"""Statistical secrecy (Geheimhaltung) for population figures shown to people.

A count below the disclosure threshold (default 3 persons) is never shown: it becomes
missing (drawn as "keine Angabe", written as "< 3"). Zero is shown as 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def suppress(values, threshold: int = 3):
    """Copy of ``values`` (array, Series or DataFrame) with 0 < v < threshold set to NaN."""
    if isinstance(values, (pd.Series, pd.DataFrame)):
        out = values.astype(float).copy()
        return out.mask((out > 0) & (out < threshold))
    arr = np.asarray(values, dtype=float).copy()
    arr[(arr > 0) & (arr < threshold)] = np.nan
    return arr


def format_count(value, threshold: int = 3, lang: str = "de", withheld_text: str | None = None) -> str:
    """A person count for display: '1.234' (de) / '1,234' (en), '< 3' below the threshold,
    'keine Angabe' / 'not disclosed' when missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return withheld_text or ("keine Angabe" if lang == "de" else "not disclosed")
    if 0 < value < threshold:
        return f"< {threshold}"
    text = f"{round(float(value)):,}"
    return text.replace(",", ".") if lang == "de" else text


def format_number(value, decimals: int = 1, lang: str = "de") -> str:
    """A measured value (rate, share) for display with German or English separators."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "keine Angabe" if lang == "de" else "not disclosed"
    text = f"{float(value):,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return text


def protect_table(values: pd.DataFrame, threshold: int = 3, row_totals: bool = True,
                  column_totals: bool = False) -> pd.DataFrame:
    """Primary and secondary suppression of a table of person counts (rows × additive columns).

    Primary: 0 < value < threshold is withheld. Secondary: where row (or column) totals are
    published, a row (column) with exactly one withheld cell would give it away by subtraction,
    so the smallest other non-zero cell of that row (column) is withheld too; repeated until no
    line has a single withheld cell. Returns a copy with withheld cells as NaN.
    """
    out = values.astype(float).copy()
    data = out.to_numpy()
    withheld = (data > 0) & (data < threshold)
    axes = ([1] if row_totals else []) + ([0] if column_totals else [])
    changed = True
    while changed:
        changed = False
        for axis in axes:
            lines = withheld if axis == 1 else withheld.T
            vals = data if axis == 1 else data.T
            for i in np.flatnonzero(lines.sum(axis=1) == 1):  # lines that give a cell away (few)
                candidates = np.flatnonzero(~lines[i] & (vals[i] > 0) & np.isfinite(vals[i]))
                if len(candidates) == 0:
                    continue
                j = candidates[np.argmin(vals[i][candidates])]
                if axis == 1:
                    withheld[i, j] = True
                else:
                    withheld[j, i] = True
                changed = True
    return out.mask(withheld)
