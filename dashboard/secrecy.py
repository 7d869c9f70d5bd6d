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
