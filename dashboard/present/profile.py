"""Sozialraumprofil in words: the figures of :mod:`dashboard.analysis.profile`, formatted and
labelled in the UI language.

The profile page, the PDF report and the tests all read the same :class:`Profile`, so the
figures in a PDF are those of the library functions. Person counts below the disclosure
threshold are already withheld here ("< 3").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.analysis import coverage as C
from dashboard.analysis.profile import DistrictFigures, district_figures
from dashboard.present.format import format_count, format_number
from dashboard.present.i18n import fictional_label, meta_text, own_label, own_unit, phase_labels, t
from dashboard.present.sentences import duplicate_sentences, gap_sentences, transition_sentences


@dataclass
class Profile:
    """One district's story. Tables have display-ready (formatted, withheld) text columns
    and, where a figure is compared in tests, the raw number beside it (``*_value``)."""

    district_id: str
    name: str
    parent: str | None
    population: pd.DataFrame  # phase, persons, share %, city share %
    total_population: float
    indicators: pd.DataFrame  # indicator, value, previous, change, arrow, city, unit, year
    need_rank: int
    need_of: int
    need_class: int
    chain: pd.DataFrame  # phase, reach_share, offers, status (ok | gap | none)
    gaps: list[str]
    duplicates: list[str]
    transitions: list[str]
    offers: pd.DataFrame  # phase, name, provider, category, address / service area
    family_centres: list[str]
    partners: list[str]
    sources: str
    data_stand: str
    licences: str
    fictional_label: str | None
    lang: str = "de"
    extra: dict = field(default_factory=dict)


def _arrow(change: float) -> str:
    if pd.isna(change) or abs(change) < 0.05:
        return "→"
    return "↑" if change > 0 else "↓"


def render(ws, figures: DistrictFigures, params: C.CoverageParams, *, lang: str = "de",
           threshold: int = 3) -> Profile:
    """The profile in ``lang``: formatted figures, labels and sentences (nothing is computed)."""
    labels = phase_labels(ws.life_phases, lang)
    pop = figures.population
    population = pd.DataFrame({
        "phase_id": pop["phase_id"], "phase_label": pop["phase_id"].map(labels),
        "persons": [format_count(v, threshold, lang) for v in pop["persons"]],
        "persons_value": pop["persons"].to_numpy(),
        "share": [format_number(v, 1, lang) for v in pop["share"]],
        "city_share": [format_number(v, 1, lang) for v in pop["city_share"]],
        "share_value": pop["share"].to_numpy(),  # per cent of the district's persons (numbers for charts and tables)
        "city_share_value": pop["city_share"].to_numpy(),  # per cent of the city's persons
    })
    ind = figures.indicators
    indicators = pd.DataFrame({
        "indicator": own_label(ind, lang),
        "value": [format_number(v, 1, lang) for v in ind["value"]], "value_raw": ind["value"],
        "previous": [format_number(v, 1, lang) for v in ind["previous"]],
        "change": ["" if pd.isna(c) else ("+" if c > 0 else "") + format_number(c, 1, lang) for c in ind["change"]],
        "arrow": [_arrow(c) for c in ind["change"]],
        "city": [format_number(v, 1, lang) for v in ind["city"]], "unit": [own_unit(r, lang) for r in ind.to_dict("records")], "year": ind["year"],
    })
    chain = figures.chain.assign(phase_label=figures.chain["phase_id"].map(labels))[
        ["phase_id", "phase_label", "reach_share", "offers", "status"]]
    off = figures.offers
    offers = pd.DataFrame({
        "phase_label": off["phase_id"].map(labels), "name": off["name"], "provider": off["provider"],
        "category": off["category"], "where": np.where(off["outreach"], t("layer_outreach", lang), off["address"]),
    })
    meta = ws.meta
    return Profile(
        district_id=figures.district_id, name=figures.name, parent=figures.parent, population=population,
        total_population=figures.total_population, indicators=indicators, need_rank=figures.need_rank,
        need_of=figures.need_of, need_class=figures.need_class, chain=chain,
        gaps=gap_sentences(figures.gaps, ws, params, lang, threshold),
        duplicates=duplicate_sentences(figures.duplicates, lang, ws.life_phases),
        transitions=transition_sentences(figures.transitions, ws, lang),
        offers=offers, family_centres=figures.family_centres, partners=figures.partners,
        sources=meta_text(meta, "sources", lang), data_stand=str(meta.get("data_stand", "")),
        licences=meta_text(meta, "licences", lang),
        fictional_label=fictional_label(meta, lang) if ws.is_fictional else None,
        lang=lang,
    )


def district_profile(ws, district_id: str, cov: C.Coverage, *, lang: str = "de", threshold: int = 3,
                     duplicates: pd.DataFrame | None = None, city=None) -> Profile:
    """The profile of ``district_id`` in ``lang`` (:func:`dashboard.analysis.profile.district_figures`,
    rendered; ``city``: its :func:`~dashboard.analysis.profile.city_parts`, shared by many profiles)."""
    figures = district_figures(ws, district_id, cov, threshold=threshold, duplicates=duplicates, city=city)
    return render(ws, figures, cov.params, lang=lang, threshold=threshold)
