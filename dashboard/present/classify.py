"""Class breaks (mapclassify) and colour-blind-safe sequential palettes for choropleths."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd
from branca.utilities import color_brewer

SCHEMES = {
    "quantiles": mapclassify.Quantiles,
    "natural_breaks": mapclassify.FisherJenks,  # optimal (deterministic) natural breaks
    "equal_interval": mapclassify.EqualInterval,
}
# names in the UI: i18n keys 'scheme.<scheme>'
# ColorBrewer sequential schemes marked colour-blind safe, plus viridis/cividis.
_VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b",
            "#fde725"]
_CIVIDIS = ["#00224e", "#123570", "#3b496c", "#575d6d", "#707173", "#8a8678", "#a59c74", "#c3b369", "#e1cc55",
            "#fee838"]
PALETTES = ("YlGnBu", "YlOrRd", "PuBu", "viridis", "cividis")
NO_DATA_COLOUR = "#bdbdbd"
K_RANGE = (3, 7)


def palette(name: str, k: int, reverse: bool = False) -> list[str]:
    """``k`` hex colours from light (low) to dark (high); ``reverse`` flips them."""
    if name not in PALETTES:
        raise ValueError(f"unknown palette {name!r}; choose one of {PALETTES}")
    if name in ("viridis", "cividis"):
        anchors = (_VIRIDIS if name == "viridis" else _CIVIDIS)[::-1]  # light → dark
        colours = [anchors[int(round(i))] for i in np.linspace(0, len(anchors) - 1, k)]
    else:
        colours = [c.upper() for c in color_brewer(name, n=max(k, 3))[:k]]
    return colours[::-1] if reverse else colours


@dataclass(frozen=True)
class Classification:
    """Classes of a value series: ``classes`` has -1 for missing values; class i spans
    (``edges[i]``, ``edges[i + 1]``] (the first class includes its lower edge)."""

    scheme: str
    edges: tuple[float, ...]
    classes: pd.Series

    @property
    def k(self) -> int:
        return max(len(self.edges) - 1, 0)


def classify(values: pd.Series, scheme: str = "quantiles", k: int = 5) -> Classification:
    """Class breaks for the known (non-missing) values with mapclassify.

    ``k`` is limited to 3–7 and to the number of distinct values.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; choose one of {tuple(SCHEMES)}")
    if not K_RANGE[0] <= k <= K_RANGE[1]:
        raise ValueError(f"k must be between {K_RANGE[0]} and {K_RANGE[1]}, got {k}")
    v = values.astype(float)
    known = v.dropna()
    classes = pd.Series(-1, index=v.index, dtype=int)
    if known.empty:
        return Classification(scheme, (), classes)
    distinct = known.nunique()
    if distinct == 1:
        value = float(known.iloc[0])
        classes[v.notna()] = 0
        return Classification(scheme, (value, value), classes)
    k = min(k, distinct)
    with warnings.catch_warnings():  # mapclassify warns when ties leave fewer classes; handled below
        warnings.simplefilter("ignore", UserWarning)
        fitted = SCHEMES[scheme](known.to_numpy(), k=k)
    edges = (float(known.min()), *[float(b) for b in fitted.bins])
    # drop repeated edges (quantiles on tied values)
    edges = tuple(dict.fromkeys(edges))
    upper = np.array(edges[1:])
    idx = np.searchsorted(upper, known.to_numpy(), side="left")
    classes[known.index] = np.minimum(idx, len(upper) - 1)
    return Classification(scheme, edges, classes)
