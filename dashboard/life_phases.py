"""The Lebenskette: ordered life phases with age ranges (years) and colours."""

from __future__ import annotations

import pandas as pd

# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
DEFAULT_LIFE_PHASES = pd.DataFrame(
    [
        ("pregnancy", 1, "Schwangerschaft & Geburt", "Pregnancy & birth", 0.0, 1.0, "#CC79A7",
         "Zielgruppe angenähert durch die unter 1-Jährigen (jährliche Geburten)."),
        ("early_childhood", 2, "Frühe Kindheit (0–<3)", "Early childhood (0–<3)", 0.0, 3.0, "#E69F00", None),
        ("kita", 3, "Kita-Alter (3–<6)", "Pre-school (3–<6)", 3.0, 6.0, "#56B4E9", None),
        ("primary", 4, "Grundschulalter (6–<10)", "Primary school (6–<10)", 6.0, 10.0, "#009E73", None),
        ("youth", 5, "Kinder & Jugendliche (10–<18)", "Youth (10–<18)", 10.0, 18.0, "#F0E442", None),
        ("transition", 6, "Übergang Schule–Beruf (18–<27)", "School to work (18–<27)", 18.0, 27.0, "#0072B2", None),
        ("adults", 7, "Erwachsene (27–<65)", "Adults (27–<65)", 27.0, 65.0, "#D55E00", None),
        ("seniors", 8, "Seniorinnen & Senioren (65+)", "Seniors (65+)", 65.0, None, "#555555", None),
    ],
    columns=["phase_id", "position", "label_de", "label_en", "age_from", "age_to", "colour", "target_note"],
)


def default_life_phases() -> pd.DataFrame:
    """A fresh copy of the default Lebenskette (8 phases, ordered by ``position``)."""
    return DEFAULT_LIFE_PHASES.copy()


def phase_labels(life_phases: pd.DataFrame, lang: str = "de") -> dict[str, str]:
    """phase_id -> label in ``lang``, in life-chain order."""
    ordered = life_phases.sort_values("position")
    return dict(zip(ordered["phase_id"], ordered["label_de" if lang == "de" else "label_en"]))
