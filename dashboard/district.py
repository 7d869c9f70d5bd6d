"""One district at a glance: population by phase, indicators vs. city, offers, sites."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import schema
from .indicators import indicator_summary
from .life_phases import phase_labels
from .population import TargetPopulation
from .secrecy import format_count, format_number, protect_counts


def offer_districts(ws, offers) -> pd.DataFrame:
    """Which districts each offer serves: rows (offer_id, district_id, outreach).

    A sited offer serves the district it lies in; an outreach offer every district of its
    service area ('city' = all districts).
    """
    ids = ws.districts["district_id"].to_numpy()
    sited = offers[offers.geometry.notna()]
    hit = ws.districts.sindex.query(sited.geometry.to_numpy(), predicate="intersects")
    first = pd.Series(hit[1], index=hit[0]).groupby(level=0).first()  # a point on a border: one district
    rows = [pd.DataFrame({"offer_id": sited["offer_id"].to_numpy()[first.index], "district_id": ids[first.to_numpy()],
                          "outreach": False})]
    outreach = offers[offers.geometry.isna()]
    if len(outreach):
        area = outreach[["offer_id", "service_area"]].explode("service_area").dropna()
        city = area["service_area"] == schema.CITY_WIDE
        whole = area.loc[city, ["offer_id"]].merge(pd.DataFrame({"district_id": ids}), how="cross")
        part = area.loc[~city].rename(columns={"service_area": "district_id"})
        rows += [whole.assign(outreach=True), part.assign(outreach=True)]
    out = pd.concat(rows, ignore_index=True).drop_duplicates(["offer_id", "district_id"])
    return out[out["district_id"].isin(ids)].reset_index(drop=True)


def sites_in_district(ws, frame, district_id: str):
    """Rows of a point layer (family centres, partners) lying in the district."""
    row = ws.districts[ws.districts["district_id"] == district_id]
    if row.empty or len(frame) == 0:
        return frame.iloc[0:0]
    mask = np.array(frame.geometry.notna(), dtype=bool)
    mask[mask] = frame.geometry[mask].intersects(row.geometry.iloc[0]).to_numpy()
    return frame[mask]


def population_table(ws, tp: TargetPopulation, district_id: str, threshold: int = 3, lang: str = "de"):
    """Target population per phase in the district with its share and the city's share (%)."""
    labels = phase_labels(ws.life_phases, lang)
    persons = protect_counts(tp.persons.astype(float), threshold).loc[district_id]  # as on every page
    total = tp.total.loc[district_id]
    share = persons / total * 100 if total > 0 else persons * np.nan
    city_share = tp.city() / tp.total.sum() * 100
    de = lang == "de"
    return pd.DataFrame({
        "Lebensphase" if de else "Life phase": [labels[p] for p in tp.persons.columns],
        "Personen" if de else "Persons": [format_count(v, threshold, lang) for v in persons],
        "Anteil %" if de else "Share %": [format_number(v, 1, lang) for v in share],
        "Stadt %" if de else "City %": [format_number(v, 1, lang) for v in city_share],
        "geschätzt" if de else "estimated": [("ja" if de else "yes") if e else "" for e in tp.estimated.loc[district_id]],
    })


def indicator_table(ws, tp: TargetPopulation, district_id: str, lang: str = "de") -> pd.DataFrame:
    """Latest value of every indicator in the district beside the city value."""
    rows = []
    for item in indicator_summary(ws, district_id, tp.total):
        entry = item["entry"]
        rows.append({
            "Indikator" if lang == "de" else "Indicator": entry["label_de" if lang == "de" else "label_en"],
            "Wert" if lang == "de" else "Value": format_number(item["value"], 1, lang),
            "Stadt" if lang == "de" else "City": format_number(item["city"], 1, lang),
            "Einheit" if lang == "de" else "Unit": entry["unit"],
            "Jahr" if lang == "de" else "Year": item["year"],
        })
    return pd.DataFrame(rows)


def offers_per_phase(ws, offers, district_id: str, lang: str = "de") -> pd.DataFrame:
    """Number of (filtered) offers serving the district per phase: on site and outreach."""
    labels = phase_labels(ws.life_phases, lang)
    served = offer_districts(ws, offers)
    served = served[served["district_id"] == district_id]
    phases = offers.set_index("offer_id").loc[served["offer_id"], "life_phases"]
    table = pd.DataFrame({"phase": phases.to_numpy(), "outreach": served["outreach"].to_numpy()}).explode("phase")
    counts = table.groupby(["phase", "outreach"]).size().unstack(fill_value=0) if len(table) else pd.DataFrame()
    de = lang == "de"
    return pd.DataFrame({
        "Lebensphase" if de else "Life phase": list(labels.values()),
        "vor Ort" if de else "on site": [int(counts.get(False, pd.Series()).get(p, 0)) for p in labels],
        "aufsuchend" if de else "outreach": [int(counts.get(True, pd.Series()).get(p, 0)) for p in labels],
    })
