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


@pytest.mark.parametrize(("field", "word", "answer"), [
    ("cost_free", "ja", "ja"), ("cost_free", "x", "ja"), ("cost_free", "kostenlos", "ja"), ("cost_free", "frei", "ja"),
    ("cost_free", "Gebühr", "nein"), ("cost_free", "5 €", "nein"), ("cost_free", "0,00 EUR", "ja"),
    ("cost_free", "keine Kosten", "ja"), ("cost_free", "kostenpflichtig", "nein"), ("cost_free", "teilweise", "unbekannt"),
    ("cost_free", "–", "unbekannt"), ("cost_free", "", "unbekannt"), ("cost_free", None, "unbekannt"),
    ("cost_free", "auf Anfrage", None), ("barrier_free", "barrierefrei", "ja"), ("barrier_free", "Stufen", "nein"),
    ("barrier_free", "nicht barrierefrei", "nein"), ("barrier_free", "eingeschränkt", "unbekannt"),
    ("barrier_free", "rollstuhlgerecht", "ja"), ("barrier_free", "Gebühr", None), ("barrier_free", "nein", "nein"),
])
def test_yes_no_from_the_words_of_a_list(field, word, answer):
    from dashboard.sources.phase_words import yes_no_from_word

    assert yes_no_from_word(field, word) == answer
