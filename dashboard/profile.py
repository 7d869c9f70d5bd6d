"""Sozialraumprofil: everything told about one district, as plain data.

The profile page, the PDF report and the tests all read the same :class:`Profile`, so the
figures in a PDF are those of the library functions. Person counts below the disclosure
threshold are already withheld here ("< 3").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import district as district_mod
from .analysis import coverage as C
from .i18n import meta_text, t
from .indicators import indicator_summary
from .life_phases import phase_labels
from .secrecy import format_count, format_number, protect_counts


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


def district_profile(ws, district_id: str, cov: C.Coverage, *, lang: str = "de", threshold: int = 3,
                     duplicates: pd.DataFrame | None = None) -> Profile:
    """The profile of ``district_id`` from a coverage result (see :func:`coverage`)."""
    rows = ws.districts[ws.districts["district_id"] == district_id]
    if rows.empty:
        raise KeyError(f"unknown district {district_id!r}")
    row = rows.iloc[0]
    de = lang == "de"
    labels = phase_labels(ws.life_phases, lang)
    table = cov.table[cov.table["district_id"] == district_id].set_index("phase_id").reindex(list(labels))

    # as every page publishes it: protected against subtraction from the district's and the city's totals
    persons = protect_counts(cov.matrix("target_population").astype(float), threshold).loc[district_id].reindex(
        table.index)
    district_total = float(cov.totals.get(district_id, np.nan))
    city_totals = cov.city.set_index("phase_id")["target_population"].reindex(list(labels))
    city_all = float(cov.totals.sum())
    share = persons.to_numpy() / district_total * 100 if district_total > 0 else np.full(len(persons), np.nan)
    city_share = city_totals.to_numpy(float) / city_all * 100 if city_all > 0 else np.full(len(persons), np.nan)
    population = pd.DataFrame({
        "phase_id": list(labels),
        "phase": list(labels.values()),
        "persons": [format_count(v, threshold, lang) for v in persons],
        "persons_value": persons.to_numpy(),
        "share": [format_number(v, 1, lang) for v in share],
        "city_share": [format_number(v, 1, lang) for v in city_share],
        "share_value": share,  # per cent of the district's persons (numbers for charts and tables)
        "city_share_value": city_share,  # per cent of the city's persons
    })

    ind_rows = []
    for item in indicator_summary(ws, district_id, cov.totals):
        entry, value, previous = item["entry"], item["value"], item["previous"]
        change = value - previous
        ind_rows.append({
            "indicator": entry["label_de" if de else "label_en"], "value": format_number(value, 1, lang),
            "value_raw": value, "previous": format_number(previous, 1, lang),
            "change": ("" if pd.isna(change) else ("+" if change > 0 else "") + format_number(change, 1, lang)),
            "arrow": _arrow(change), "city": format_number(item["city"], 1, lang),
            "unit": entry["unit"], "year": item["year"],
        })
    indicators = pd.DataFrame(ind_rows)

    chain = pd.DataFrame({
        "phase_id": list(labels), "phase": list(labels.values()),
        "reach_share": table["reach_share"].to_numpy(), "offers": table["offers"].to_numpy(),
    })
    chain["status"] = np.where(table["target_population"].to_numpy() <= 0, "none",
                               np.where(chain["reach_share"] < cov.params.min_reach, "gap", "ok"))

    gaps = C.gaps(cov, ws, lang, threshold)
    transitions = C.broken_transitions(cov, ws, lang, threshold)
    dup_lines = []
    if duplicates is not None and len(duplicates):
        mine = set(district_mod.offer_districts(ws, ws.offers).query("district_id == @district_id")["offer_id"])
        local = duplicates[duplicates["offer_a"].isin(mine) | duplicates["offer_b"].isin(mine)]
        for d in local.itertuples():
            dup_lines.append(
                f"{d.name_a} ({d.provider_a}) ↔ {d.name_b} ({d.provider_b}): "
                + (f"{100 * d.overlap:.0f} % gemeinsame Zielgruppe, {d.distance_m:.0f} m Abstand" if de else
                   f"{100 * d.overlap:.0f} % shared target group, {d.distance_m:.0f} m apart"))

    served = district_mod.offer_districts(ws, ws.offers)
    mine = ws.offers[ws.offers["offer_id"].isin(served.loc[served["district_id"] == district_id, "offer_id"])]
    exploded = mine.assign(phase_id=mine["life_phases"]).explode("phase_id")
    exploded = exploded[exploded["phase_id"].isin(list(labels))]
    exploded["order"] = exploded["phase_id"].map({p: i for i, p in enumerate(labels)})
    offers = pd.DataFrame({
        "phase": exploded["phase_id"].map(labels), "name": exploded["name"], "provider": exploded["provider"],
        "category": exploded["category"],
        "where": np.where(exploded.geometry.isna(), t("layer_outreach", lang), exploded["address"].fillna("")),
        "order": exploded["order"],
    }).sort_values(["order", "name"]).drop(columns="order").reset_index(drop=True)

    need = cov.need.loc[district_id]
    meta = ws.meta
    return Profile(
        district_id=district_id, name=str(row["name"]),
        parent=row.get("parent_name") if isinstance(row.get("parent_name"), str) else None,
        population=population, total_population=district_total, indicators=indicators,
        need_rank=int(need["rank"]), need_of=len(ws.districts), need_class=int(need["need_class"]), chain=chain,
        gaps=list(gaps.loc[gaps["district_id"] == district_id, "sentence"]),
        duplicates=dup_lines,
        transitions=list(transitions.loc[transitions["district_id"] == district_id, "sentence"]),
        offers=offers,
        family_centres=list(district_mod.sites_in_district(ws, ws.family_centres, district_id)["name"]),
        partners=list(district_mod.sites_in_district(ws, ws.partners, district_id)["organisation"]),
        sources=meta_text(meta, "sources", lang), data_stand=str(meta.get("data_stand", "")),
        licences=meta_text(meta, "licences", lang),
        fictional_label=(meta_text(meta, "fictional_label", lang) or "Fiktive Demodaten") if ws.is_fictional else None,
        lang=lang,
    )
