"""Sozialraumprofil in figures: everything told about one district, as numbers and codes.

The profile page, the PDF report and the tests read the same :class:`DistrictFigures`
(words are added by :mod:`dashboard.present.profile`). Person counts are published ones:
withheld counts are missing (NaN), and so is every share that would reveal one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.analysis import coverage as C
from dashboard.analysis.district import offer_districts, sites_in_district
from dashboard.analysis.indicators import indicator_summary
from dashboard.analysis.secrecy import protect_counts


@dataclass
class DistrictFigures:
    """One district's figures (persons, per cent, counts; NaN = withheld or unknown)."""

    district_id: str
    name: str
    parent: str | None
    population: pd.DataFrame  # phase_id, persons, share, city_share (per cent)
    total_population: float
    indicators: pd.DataFrame  # indicator, label_de, label_en, value, previous, change, city, unit, year
    need_rank: int
    need_of: int
    need_class: int
    chain: pd.DataFrame  # phase_id, reach_share, offers, status (ok | gap | none)
    gaps: pd.DataFrame  # rows of coverage.gaps for the district
    duplicates: pd.DataFrame  # pairs of coverage.duplicates with an offer serving the district
    transitions: pd.DataFrame  # rows of coverage.broken_transitions for the district
    offers: pd.DataFrame  # phase_id, name, provider, category, address, outreach (bool)
    family_centres: list[str]
    partners: list[str]


@dataclass
class CityParts:
    """What every district's figures take from the whole city (computed once for a report of
    many districts): published person counts (district × phase), published coverage table,
    the districts each offer serves, gaps, broken transitions and duplicate pairs."""

    persons: pd.DataFrame
    published: pd.DataFrame
    served: pd.DataFrame
    gaps: pd.DataFrame
    transitions: pd.DataFrame
    duplicates: pd.DataFrame | None


def city_parts(ws, cov: C.Coverage, *, threshold: int = 3, duplicates: pd.DataFrame | None = None) -> CityParts:
    """The city-wide parts of :func:`district_figures` for ``cov`` (see :class:`CityParts`)."""
    # as every page publishes it: protected against subtraction from the district's and the city's totals
    return CityParts(persons=protect_counts(cov.matrix("target_population").astype(float), threshold),
                     published=C.public_table(cov.table, threshold), served=offer_districts(ws, ws.offers),
                     gaps=C.gaps(cov, ws, threshold), transitions=C.broken_transitions(cov, ws, threshold),
                     duplicates=duplicates)


def district_figures(ws, district_id: str, cov: C.Coverage, *, threshold: int = 3,
                     duplicates: pd.DataFrame | None = None, city: CityParts | None = None) -> DistrictFigures:
    """The figures of ``district_id`` from a coverage result (see :func:`dashboard.analysis.coverage.coverage`);
    ``duplicates``: :func:`dashboard.analysis.coverage.duplicates` of the same parameters; ``city``:
    :func:`city_parts` of the same coverage, threshold and duplicates (else computed here)."""
    rows = ws.districts[ws.districts["district_id"] == district_id]
    if rows.empty:
        raise KeyError(f"unknown district {district_id!r}")
    city = city or city_parts(ws, cov, threshold=threshold, duplicates=duplicates)
    duplicates = city.duplicates
    row = rows.iloc[0]
    phases = list(ws.life_phases["phase_id"])
    table = cov.table[cov.table["district_id"] == district_id].set_index("phase_id").reindex(phases)

    persons = city.persons.loc[district_id].reindex(table.index)
    district_total = float(cov.totals.get(district_id, np.nan))
    city_totals = cov.city.set_index("phase_id")["target_population"].reindex(phases)
    city_all = float(cov.totals.sum())
    share = persons.to_numpy() / district_total * 100 if district_total > 0 else np.full(len(persons), np.nan)
    city_share = city_totals.to_numpy(float) / city_all * 100 if city_all > 0 else np.full(len(persons), np.nan)
    population = pd.DataFrame({"phase_id": phases, "persons": persons.to_numpy(), "share": share,
                               "city_share": city_share})

    indicators = pd.DataFrame([{
        "indicator": item["entry"].get("indicator"), "label_de": item["entry"]["label_de"],
        "label_en": item["entry"]["label_en"], "value": item["value"], "previous": item["previous"],
        "change": item["value"] - item["previous"], "city": item["city"], "unit": item["entry"]["unit"],
        "unit_en": item["entry"].get("unit_en"), "year": item["year"]} for item in indicator_summary(ws, district_id, cov.totals)],
        columns=["indicator", "label_de", "label_en", "value", "previous", "change", "city", "unit", "unit_en", "year"])

    published = city.published  # reach shares as every page publishes them
    shown = published[published["district_id"] == district_id].set_index("phase_id").reindex(phases)
    chain = pd.DataFrame({"phase_id": phases, "reach_share": shown["reach_share"].to_numpy(),
                          "offers": table["offers"].to_numpy()})
    chain["status"] = np.where(table["target_population"].to_numpy() <= 0, "none",
                               np.where(chain["reach_share"] < cov.params.min_reach, "gap", "ok"))

    served = city.served
    mine_ids = served.loc[served["district_id"] == district_id, "offer_id"]
    gaps, transitions = city.gaps, city.transitions
    if duplicates is None or duplicates.empty:
        local = pd.DataFrame(columns=["offer_a", "name_a", "provider_a", "offer_b", "name_b", "provider_b", "overlap",
                                      "distance_m"])
    else:
        local = C.public_table(duplicates[duplicates["offer_a"].isin(mine_ids) | duplicates["offer_b"].isin(mine_ids)],
                               threshold)

    mine = ws.offers[ws.offers["offer_id"].isin(mine_ids)]
    exploded = mine.assign(phase_id=mine["life_phases"]).explode("phase_id")
    exploded = exploded[exploded["phase_id"].isin(phases)]
    order = exploded["phase_id"].map({p: i for i, p in enumerate(phases)})
    offers = pd.DataFrame({
        "phase_id": exploded["phase_id"], "name": exploded["name"], "provider": exploded["provider"],
        "category": exploded["category"], "address": exploded["address"].fillna(""),
        "outreach": exploded.geometry.isna().to_numpy(), "order": order,
    }).sort_values(["order", "name"]).drop(columns="order").reset_index(drop=True)

    need = cov.need.loc[district_id]
    return DistrictFigures(
        district_id=district_id, name=str(row["name"]),
        parent=row.get("parent_name") if isinstance(row.get("parent_name"), str) else None,
        population=population, total_population=district_total, indicators=indicators,
        need_rank=int(need["rank"]), need_of=len(ws.districts), need_class=int(need["need_class"]), chain=chain,
        gaps=gaps[gaps["district_id"] == district_id].reset_index(drop=True),
        duplicates=local.reset_index(drop=True),
        transitions=transitions[transitions["district_id"] == district_id].reset_index(drop=True),
        offers=offers,
        family_centres=list(sites_in_district(ws, ws.family_centres, district_id)["name"]),
        partners=list(sites_in_district(ws, ws.partners, district_id)["organisation"]),
    )
