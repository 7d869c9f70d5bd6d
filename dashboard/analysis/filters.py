"""Filtering offers, Familienzentren and network partners (one filter object for all)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

import numpy as np
import pandas as pd

from dashboard.sources.timeline import valid_on


@dataclass(frozen=True)
class OfferFilter:
    """What a planner chose; empty tuples mean "no restriction".

    ``life_phases``: any of these phases; ``sectors``/``languages``: any of these;
    ``networks``: offers of providers (``partner_id``) and partners that are members;
    ``valid_on``: only offers valid on that day (open start/end count as valid).
    """

    life_phases: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()  # Themen (e.g. "Beratung/Lotsendienst Frühe Hilfen"); offers without one are out
    cost_free: bool = False
    barrier_free: bool = False
    valid_on: date | None = None

    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self))


def is_yes(values: pd.Series) -> np.ndarray:
    """True where a yes / no / unknown field is yes (unknown is not yes)."""
    return values.astype(object).isin([True]).to_numpy(bool)


def is_unknown(values: pd.Series) -> np.ndarray:
    """True where a yes / no / unknown field is unknown."""
    return values.astype(object).isna().to_numpy(bool)


def any_of(lists: pd.Series, wanted) -> np.ndarray:
    """Boolean mask: the row's list (tuple) contains any of ``wanted`` (vectorised via explode)."""
    if len(lists) == 0:
        return np.zeros(0, bool)
    exploded = lists.explode()
    hit = exploded.isin(list(wanted))
    return hit.groupby(level=0, sort=False).any().reindex(lists.index, fill_value=False).to_numpy()


def membership_matrix(lists: pd.Series, values) -> np.ndarray:
    """Boolean (rows × values): row's list contains the value (one explode for all values)."""
    values = list(values)
    out = np.zeros((len(lists), len(values)), bool)
    if len(lists) == 0:
        return out
    exploded = lists.reset_index(drop=True).explode()
    col = pd.Index(values).get_indexer(exploded.to_numpy())
    ok = col >= 0
    out[exploded.index.to_numpy()[ok], col[ok]] = True
    return out


def network_members(ws, networks) -> set[str]:
    m = ws.memberships
    return set(m.loc[m["network_id"].isin(list(networks)), "partner_id"])


def offer_mask(ws, f: OfferFilter) -> np.ndarray:
    """Which offers pass the filter (boolean array in offer order)."""
    offers = ws.offers.reset_index(drop=True)
    keep = np.ones(len(offers), bool)
    if f.life_phases:
        keep &= any_of(offers["life_phases"], f.life_phases)
    if f.sectors:
        keep &= any_of(offers["sectors"], f.sectors)
    if f.languages:
        keep &= any_of(offers["languages"], f.languages)
    if f.categories:
        keep &= offers["category"].isin(list(f.categories)).to_numpy()
    if f.topics:
        topic = offers["topic"] if "topic" in offers else pd.Series(None, index=offers.index, dtype=object)
        keep &= topic.isin(list(f.topics)).to_numpy()
    if f.providers:
        keep &= offers["provider"].isin(list(f.providers)).to_numpy()
    if f.networks:
        column = offers["partner_id"] if "partner_id" in offers else pd.Series(None, index=offers.index)
        keep &= column.isin(network_members(ws, f.networks)).to_numpy()
    if f.cost_free:  # yes only: an offer whose costs are unknown is not listed as free
        keep &= is_yes(offers["cost_free"])
    if f.barrier_free:
        keep &= is_yes(offers["barrier_free"])
    if f.valid_on is not None:
        keep &= valid_on(offers, f.valid_on)
    return keep


def filter_offers(ws, f: OfferFilter):
    """The offers passing ``f`` (GeoDataFrame, original order)."""
    return ws.offers[offer_mask(ws, f)]


def filter_family_centres(ws, f: OfferFilter):
    """Familienzentren serving any chosen phase (all when no phase is chosen or none listed)."""
    centres = ws.family_centres
    if not f.life_phases or "life_phases" not in centres or len(centres) == 0:
        return centres
    listed = centres["life_phases"].map(len).to_numpy() > 0
    return centres[~listed | any_of(centres["life_phases"], f.life_phases)]


def filter_partners(ws, f: OfferFilter):
    """Partners of a chosen sector and member of a chosen network."""
    partners = ws.partners
    keep = np.ones(len(partners), bool)
    if f.sectors:
        keep &= partners["sector"].isin(list(f.sectors)).to_numpy()
    if f.networks:
        keep &= partners["partner_id"].isin(network_members(ws, f.networks)).to_numpy()
    return partners[keep]


def first_phase(lists: pd.Series, chain: list[str], chosen=()) -> pd.Series:
    """Per row, the earliest phase of the life chain among the row's phases (restricted to
    ``chosen`` when given) – used to colour an offer that serves several phases."""
    rank = {p: i for i, p in enumerate(chain)}
    allowed = set(chosen) or set(chain)

    def pick(items):
        hits = [p for p in items if p in allowed and p in rank]
        return min(hits, key=rank.get) if hits else None

    return lists.map(pick)


def options(ws) -> dict[str, list[str]]:
    """Values offered in the filter widgets, from the workspace's own data."""
    offers = ws.offers
    return {
        "life_phases": list(ws.life_phases["phase_id"]),
        "sectors": sorted(set(offers["sectors"].explode().dropna()) | set(ws.partners["sector"].dropna())),
        "categories": sorted(set(offers["category"].dropna())),
        "networks": list(ws.networks["network_id"]),
        "providers": sorted(set(offers["provider"].dropna())),
        "languages": sorted(set(offers["languages"].explode().dropna())),
        "topics": sorted(set(offers["topic"].dropna())) if "topic" in offers else [],
    }
