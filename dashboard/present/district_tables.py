"""One district at a glance, as tables for the map page's district panel: population by
phase, indicators beside the city, offers per phase (headings in the UI language)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analysis.district import offer_districts
from dashboard.analysis.indicators import indicator_summary
from dashboard.analysis.population import TargetPopulation
from dashboard.analysis.secrecy import protect_counts
from dashboard.present.format import format_count, format_number
from dashboard.present.i18n import phase_labels


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
