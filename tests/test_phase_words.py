"""Free-text target groups → life phases (dashboard/sources/phase_words.py)."""

from __future__ import annotations

import pytest

from dashboard.model.life_phases import default_life_phases
from dashboard.sources.phase_words import phases_from_words

PHASES = default_life_phases()


@pytest.mark.parametrize("text, expected", [
    ("U3", ["early_childhood"]),
    ("Kinder unter 3", ["early_childhood"]),
    ("Kinder 3-6", ["kita"]),
    ("Kinder von 3 bis 6 Jahren", ["kita"]),
    ("6–10 Jahre", ["primary"]),
    ("ab 14", ["youth", "transition"]),
    ("14+", ["youth", "transition"]),
    ("ab 65", ["seniors"]),
    ("Schwangere", ["pregnancy"]),
    ("werdende Eltern", ["pregnancy"]),
    ("Eltern mit Babys", ["early_childhood"]),
    ("Schwangere und Eltern mit Babys", ["pregnancy", "early_childhood"]),
    ("Kita-Kinder und Eltern", ["kita"]),
    ("Grundschulkinder", ["primary"]),
    ("Jugendliche", ["youth"]),
    ("Azubis", ["transition"]),
    ("Seniorinnen und Senioren", ["seniors"]),
    ("Familien", []),
    ("", []),
])
def test_target_groups_name_their_phases(text, expected):
    assert phases_from_words(text, PHASES) == expected
