"""The Lebenskette: ordered life phases with age ranges (years) and colours."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
DEFAULT_LIFE_PHASES = pd.DataFrame(
    [
        ("pregnancy", 1, "Schwangerschaft & Geburt", "Pregnancy & birth", 0.0, 1.0, "#CC79A7",
         "Zielgruppe angenähert durch die unter 1-Jährigen (jährliche Geburten).",
         "Neugeborenen (unter 1 Jahr)", "newborns (under 1)",
         "Angebot rund um Schwangerschaft und Geburt", "offer around pregnancy and birth"),
        ("early_childhood", 2, "Frühe Kindheit (0–<3)", "Early childhood (0–<3)", 0.0, 3.0, "#E69F00", None,
         "0- bis unter 3-Jährigen", "children aged 0 to under 3", "Angebot der Frühen Hilfen",
         "early-help offer"),
        ("kita", 3, "Kita-Alter (3–<6)", "Pre-school (3–<6)", 3.0, 6.0, "#56B4E9", None,
         "3- bis unter 6-Jährigen", "children aged 3 to under 6", "Angebot für Kita-Kinder und Familien",
         "offer for pre-school children and families"),
        ("primary", 4, "Grundschulalter (6–<10)", "Primary school (6–<10)", 6.0, 10.0, "#009E73", None,
         "6- bis unter 10-Jährigen", "children aged 6 to under 10", "Angebot für Grundschulkinder",
         "offer for primary-school children"),
        ("youth", 5, "Kinder & Jugendliche (10–<18)", "Youth (10–<18)", 10.0, 18.0, "#F0E442", None,
         "10- bis unter 18-Jährigen", "young people aged 10 to under 18", "Angebot für Kinder und Jugendliche",
         "offer for young people"),
        ("transition", 6, "Übergang Schule–Beruf (18–<27)", "School to work (18–<27)", 18.0, 27.0, "#0072B2",
         None, "18- bis unter 27-Jährigen", "young adults aged 18 to under 27",
         "Angebot am Übergang Schule–Beruf", "school-to-work offer"),
        ("adults", 7, "Erwachsene (27–<65)", "Adults (27–<65)", 27.0, 65.0, "#D55E00", None,
         "27- bis unter 65-Jährigen", "adults aged 27 to under 65", "Angebot für Erwachsene", "offer for adults"),
        ("seniors", 8, "Seniorinnen & Senioren (65+)", "Seniors (65+)", 65.0, None, "#555555", None,
         "Menschen ab 65", "people aged 65 and over", "Angebot für Ältere", "offer for older people"),
    ],
    columns=["phase_id", "position", "label_de", "label_en", "age_from", "age_to", "colour", "target_note",
             "group_de", "group_en", "offer_de", "offer_en"],
)


# The programme's focus ("kinderstark"): pregnancy up to the transition into work comes first.
FOCUS_AGE_TO = 27.0


def default_life_phases() -> pd.DataFrame:
    """A fresh copy of the default Lebenskette (8 phases, ordered by ``position``), with the
    default ``priority`` (see :func:`phase_priority`)."""
    phases = DEFAULT_LIFE_PHASES.copy()
    phases["priority"] = phase_priority(phases).to_numpy()
    return phases


def phase_priority(life_phases: pd.DataFrame) -> pd.Series:
    """Priority of each phase for ranking gaps (1 = first), by ``phase_id``: the workspace's
    ``priority`` column where given, else 1 for phases that start before 27 (pregnancy to the
    transition into work, the programme's focus) and 2 for the others."""
    default = (life_phases["age_from"].astype(float) < FOCUS_AGE_TO).map({True: 1, False: 2})
    given = life_phases["priority"] if "priority" in life_phases else pd.Series(np.nan, index=life_phases.index)
    values = pd.to_numeric(given, errors="coerce").fillna(default).astype(int)
    return pd.Series(values.to_numpy(), index=life_phases["phase_id"].to_numpy())
