"""Tables people read about districts, in the UI language: one district at a glance (the map
page's panel), the numbers behind one district × phase cell, the life-chain heat matrix, and
the gap, duplicate and transition lists (headings from :func:`dashboard.present.i18n.headed`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis.coverage import Coverage, public_table
from dashboard.analysis.district import offer_counts_by_phase
from dashboard.analysis.indicators import indicator_summary
from dashboard.analysis.population import TargetPopulation
from dashboard.analysis.secrecy import protect_counts
from dashboard.present.classify import palette
from dashboard.present.format import format_count, format_number, format_range
from dashboard.present.i18n import headed, own_label, own_unit, phase_labels, t, term


def population_table(ws, tp: TargetPopulation, district_id: str, threshold: int = 3, lang: str = "de"):
    """Target population per phase in the district with its share and the city's share (%)."""
    labels = phase_labels(ws.life_phases, lang)
    persons = protect_counts(tp.persons.astype(float), threshold).loc[district_id]  # as on every page
    total = tp.total.loc[district_id]
    share = persons / total * 100 if total > 0 else persons * np.nan
    city_share = tp.city() / tp.total.sum() * 100
    return headed(pd.DataFrame({
        "phase_label": [labels[p] for p in tp.persons.columns],
        "persons": [format_count(v, threshold, lang) for v in persons],
        "share": [format_number(v, 1, lang) for v in share],
        "city_share": [format_number(v, 1, lang) for v in city_share],
        "estimated": [t("yes", lang) if e else "" for e in tp.estimated.loc[district_id]],
    }), lang)


def indicator_table(ws, tp: TargetPopulation, district_id: str, lang: str = "de") -> pd.DataFrame:
    """Latest value of every indicator in the district beside the city value."""
    rows = [{"indicator": own_label(item["entry"], lang), "value": format_number(item["value"], 1, lang),
             "city": format_number(item["city"], 1, lang), "unit": own_unit(item["entry"], lang), "year": item["year"]}
            for item in indicator_summary(ws, district_id, tp.total)]
    return headed(pd.DataFrame(rows, columns=["indicator", "value", "city", "unit", "year"]), lang)


def difference_table(ws, comparison: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """Reach by straight line vs. on the street network
    (:func:`dashboard.analysis.coverage.compare_distances`) with headings; shares in per cent."""
    labels = phase_labels(ws.life_phases, lang)
    shown = comparison.assign(phase_label=comparison["phase_id"].map(labels),
                              reach_straight=(100 * comparison["reach_straight"]).round(0),
                              reach_network=(100 * comparison["reach_network"]).round(0),
                              change=(100 * comparison["change"]).round(0))
    counts = ["target_population", "reach_straight", "reach_network", "change", "lost", "gained"]
    shown[counts] = shown[counts].round(0).astype("Int64")
    return headed(shown, lang, ["district_name", "phase_label", *counts])


def walking_area_table(ws, population: pd.DataFrame, threshold: int = 3, lang: str = "de") -> pd.DataFrame:
    """Persons per life phase living within each walking time (rows: phases; columns:
    'bis 5 min' …), withheld counts as 'keine Angabe'."""
    labels = phase_labels(ws.life_phases, lang)
    out = pd.DataFrame({t("heading.phase_label", lang): [labels[p] for p in population.columns]})
    for minutes, row in population.iterrows():
        out[t("walk_area_tip", lang, minutes=int(minutes))] = [format_count(v, threshold, lang) for v in row]
    return out


def offers_per_phase(ws, offers, district_id: str, lang: str = "de") -> pd.DataFrame:
    """Number of (filtered) offers serving the district per phase: on site and outreach."""
    counts = offer_counts_by_phase(ws, offers, district_id)
    labels = phase_labels(ws.life_phases, lang)
    return headed(counts.reset_index().assign(phase_label=lambda f: f["phase_id"].map(labels)), lang,
                  ["phase_label", "on_site", "outreach"])


def cell_facts(row: pd.Series, n_districts: int, threshold: int = 3, lang: str = "de",
               need: bool = True) -> pd.DataFrame:
    """The published figures of one district × phase (a row of the public coverage table),
    one line each: label and value as people read them."""
    share = row["reach_share"]
    figures = {
        "target_population": format_count(row["target_population"], threshold, lang)
        + (f" ({t('estimated', lang)})" if row["estimated"] else ""),
        "reached": format_count(row["reached"], threshold, lang),
        "reach_share": "–" if pd.isna(share) else f"{100 * share:.0f} %",
        "offers": f"{int(row['offers'])} ({int(row['outreach_offers'])})",
        "capacity": format_number(row["capacity"], 0, lang),
        "offers_per_1000": format_number(row["offers_per_1000"], 1, lang),
        "places_per_1000": format_number(row["places_per_1000"], 1, lang),
        "access_2sfca": format_number(row["access_2sfca"], 2, lang),
        "need_rank": f"{int(row['need_rank'])} / {n_districts}" if need else t("no_need_index", lang),
    }
    return pd.DataFrame({"": [t(f"fact.{key}", lang) for key in figures], t("heading.value", lang): list(figures.values())})


GAP_COLUMNS = ("sentence", "district_name", "phase_label", "target_population", "reached", "reach_share", "offers_per_1000",
               "need_rank", "priority_rank")
DUPLICATE_COLUMNS = ("cluster", "phase_label", "topic", "name_a", "provider_a", "name_b", "provider_b", "distance_m",
                     "shared_persons", "overlap")
TRANSITION_COLUMNS = ("sentence", "district_name", "reach_from", "reach_to")


def gap_table(ws, gaps: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """The gaps in words (:func:`dashboard.present.sentences.gaps_in_words`) as a table."""
    labels = phase_labels(ws.life_phases, lang)
    return headed(gaps.assign(phase_label=gaps["phase_id"].map(labels)), lang, GAP_COLUMNS)


def duplicate_table(ws, duplicates: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """Published duplicate pairs (:func:`dashboard.analysis.coverage.duplicates`) as a table."""
    labels = phase_labels(ws.life_phases, lang)
    return headed(duplicates.assign(topic=duplicates["topic"].map(lambda v: term(v, lang)),
                                    phase_label=duplicates["phase_id"].map(labels)), lang, DUPLICATE_COLUMNS)


def transition_table(transitions: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """Broken transitions in words (:func:`dashboard.present.sentences.transitions_in_words`)."""
    return headed(transitions, lang, TRANSITION_COLUMNS)


def offer_table(offers: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """Offers as a short list: name, provider, category, address."""
    return headed(offers.assign(category=offers["category"].map(lambda v: term(v, lang))), lang,
                  ["name", "provider", "category", "address"])


def chain_matrix(ws, cov: Coverage, measure: str, threshold: int = 3, lang: str = "de"):
    """The life-chain heat matrix: districts (and the city) × phases of one coverage measure,
    as people read it. Returns (texts, css): the published values as text (district names
    and phase ids as index/columns, the city last) and a CSS style per cell: five quantile
    classes of the shown values, gaps (reach below ``min_reach``) bold and red on light cells."""
    phases = list(phase_labels(ws.life_phases, lang))
    district_ids = list(ws.districts["district_id"])
    shown = public_table(cov.table, threshold)
    matrix = shown.pivot(index="district_id", columns="phase_id", values=measure).reindex(
        index=district_ids, columns=phases)
    city = public_table(cov.city, threshold).set_index("phase_id")[measure].reindex(phases)
    values = pd.concat([matrix, city.to_frame().T.set_axis(["__city__"])])
    names = dict(zip(ws.districts["district_id"], ws.districts["name"]))
    values.index = [names.get(i, t("city_row", lang)) for i in values.index]

    def text(v):
        if pd.isna(v):
            return "–"
        if measure == "reach_share":
            return f"{100 * v:.0f} %"
        if measure == "target_population":
            return format_count(v, threshold, lang)
        return format_number(v, 0 if measure == "offers" else 1, lang)

    numbers = values.to_numpy(float)
    finite = numbers[np.isfinite(numbers)]
    edges = np.quantile(finite, [0.2, 0.4, 0.6, 0.8]) if finite.size else np.array([])
    classes = np.where(np.isfinite(numbers), np.searchsorted(edges, np.nan_to_num(numbers), side="right")
                       if edges.size else 2, -1)
    below = np.zeros(numbers.shape, bool)
    if cov.table["target_population"].any():
        below[:len(district_ids)] = (cov.matrix("reach_share").reindex(index=district_ids, columns=phases)
                                     < cov.params.min_reach).to_numpy()
    colours = palette("YlGnBu", 5)
    css = np.full(numbers.shape, "", dtype=object)
    for k, colour in enumerate(colours):
        dark = k >= 3
        plain = f"background-color: {colour}; color: {'#ffffff' if dark else '#000000'};"
        gap = f"background-color: {colour}; color: {'#ffffff' if dark else '#b2182b'};font-weight: bold;"
        css[(classes == k) & ~below] = plain
        css[(classes == k) & below] = gap
    return values.map(text), pd.DataFrame(css, index=values.index, columns=values.columns)


def ranking_table(ws, values: pd.Series, decimals: int, unit: str, classes=None, lang: str = "de") -> pd.DataFrame:
    """The districts ranked by the value the map shows (highest first, withheld last): the map's
    equivalent table and a way to choose a district. ``values`` per district_id (as published,
    e.g. :func:`dashboard.present.mapview.choropleth_values`); ``classes`` the map's
    classification (its class is named by its range, so colour is not the only carrier).
    Columns (headings in ``lang``): district_id, rank, district_name, value, class."""
    ids = ws.districts["district_id"].to_numpy()
    shown = pd.Series(values).reindex(ids).astype(float)
    order = np.argsort(np.where(np.isnan(shown.to_numpy()), np.inf, -shown.to_numpy()), kind="stable")
    ranked = shown.iloc[order]
    names = ws.districts.set_index("district_id")["name"]
    label = {}
    if classes is not None and classes.k:
        ranges = [format_range(classes.edges[i], classes.edges[i + 1], decimals, lang) for i in range(classes.k)]
        by_district = pd.Series(classes.classes.to_numpy(), index=classes.classes.index).reindex(ids)
        label = {d: ranges[int(i)] for d, i in by_district.items() if not pd.isna(i) and int(i) >= 0}
    frame = pd.DataFrame({
        "district_id": ranked.index,
        "rank": [str(k + 1) if not np.isnan(v) else "–" for k, v in enumerate(ranked.to_numpy())],
        "district_name": [str(names.get(d, d)) for d in ranked.index],
        "value": [f"{format_number(v, decimals, lang)} {unit}".strip() if not np.isnan(v) else t("keine_angabe", lang)
                  for v in ranked.to_numpy()],
        "class": [label.get(d, "") for d in ranked.index],
    })
    return frame.reset_index(drop=True)


def offer_list(ws, offers: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """The offers a map shows, as a list a screen reader reads (and where colour is not the only
    carrier: each offer's life phases in words), by name. Columns (headings in ``lang``): name,
    life phases, provider, address ("aufsuchend" for outreach offers without a site)."""
    labels = phase_labels(ws.life_phases, lang)
    shown = offers.sort_values("name", kind="stable")
    frame = pd.DataFrame({
        "name": shown["name"].astype(str).to_numpy(),
        "life_phases": [", ".join(labels.get(p, p) for p in phases) for phases in shown["life_phases"]],
        "provider": shown["provider"].fillna("").astype(str).to_numpy(),
        "address": np.where(shown.geometry.isna(), t("heading.outreach", lang), shown["address"].fillna("").astype(str)),
    })
    return headed(frame, lang)
