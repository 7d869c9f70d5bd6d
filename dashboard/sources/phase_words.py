"""The life phases a planner's free-text target group names: "U3", "Kinder 3-6", "ab 14",
"Schwangere", "Eltern mit Babys" → phase ids, by the ages the text gives or by the words
for ages (Babys, Kita-Kinder, Schulkinder, Jugendliche, Senioren …). A proposal the planner
confirms in the import wizard; texts without a hint give none.

Rules: an age range ("3-6", "3 bis 6", "3–6 Jahre") counts as from the first to under the
second age; "U3", "unter 3", "bis 3" as 0 to under 3; "ab 14", "14+", "über 14" as 14 to
under 24 (an open range in an offers list means the next years, not the rest of life; "ab 65"
is simply the seniors). The phases overlapping those ages are proposed; the pregnancy phase
only for the words for it (Schwangere, werdende Eltern, Geburt), as its age range (the
newborns) only stands in for its target group.
"""

from __future__ import annotations

import re

import pandas as pd

OPEN_RANGE_YEARS = 10.0
"""'ab 14' reads as 14 to under 24."""

_RANGE = re.compile(r"(\d{1,2})\s*(?:-|–|bis|to)\s*(\d{1,2})")
_UNDER = re.compile(r"(?:\bu|\bunter|\bbis|<)\s*(\d{1,2})\b")
_FROM = re.compile(r"(?:\bab|\büber|\bueber|>=?)\s*(\d{1,2})\b|\b(\d{1,2})\s*\+")

# words for ages (lower case stems) → (from, to) years; None: the pregnancy phase
_WORDS = (
    (r"schwanger|werdende|geburt|hebamme|prenatal|pregnan", None),
    (r"baby|babys|säugling|saeugling|neugeboren|newborn|infant", (0.0, 1.0)),
    (r"kleinkind|krippe|krabbel|toddler", (1.0, 3.0)),
    (r"kita|kindergarten|vorschul|pre-?school", (3.0, 6.0)),
    (r"grundschul|schulkind|primary", (6.0, 10.0)),
    (r"jugendlich|teenager|teens?\b|youth", (12.0, 18.0)),
    (r"azubi|auszubildend|ausbildung|berufseinst|junge erwachsene|young adult", (18.0, 27.0)),
    (r"senior|ältere|aeltere|older people|rentner", (65.0, 80.0)),
)


def phases_from_words(text, life_phases: pd.DataFrame) -> list[str]:
    """The phase ids (in life-chain order) whose ages the text names (see the module doc)."""
    words = str(text or "").lower()
    if not words.strip():
        return []
    ranges, pregnancy = [], False
    for lo, hi in _RANGE.findall(words):
        ranges.append((float(lo), float(hi)))
    rest = _RANGE.sub(" ", words)
    for hi in _UNDER.findall(rest):
        ranges.append((0.0, float(hi)))
    rest = _UNDER.sub(" ", rest)
    for lo, plus in _FROM.findall(rest):
        start = float(lo or plus)
        ranges.append((start, start + OPEN_RANGE_YEARS))
    for pattern, ages in _WORDS:
        if re.search(pattern, words):
            if ages is None:
                pregnancy = True
            else:
                ranges.append(ages)
    phases = life_phases.sort_values("position") if "position" in life_phases else life_phases
    out = []
    for row in phases.itertuples():
        if row.phase_id == "pregnancy":
            if pregnancy:
                out.append(row.phase_id)
            continue
        top = float("inf") if pd.isna(row.age_to) else float(row.age_to)
        if any(min(hi, top) - max(lo, float(row.age_from)) > 0 for lo, hi in ranges):
            out.append(row.phase_id)
    return out


# ---------------------------------------------------------------------------------------
# Yes / no / unknown fields (cost_free, barrier_free) from a list's own words
# ---------------------------------------------------------------------------------------
YES, NO, UNKNOWN = "ja", "nein", "unbekannt"
"""The words a proposal gives: the workspace reads them as yes, no and unknown."""

_PLAIN = {
    YES: {"ja", "j", "yes", "y", "x", "✓", "✔", "true", "wahr", "1"},
    NO: {"nein", "n", "no", "false", "falsch", "0"},
    UNKNOWN: {"", "-", "–", "—", "?", "unbekannt", "unknown", "k.a.", "k. a.", "keine angabe", "n/a", "na"},
}
_PARTLY = re.compile(r"teilweise|teils|tlw|eingeschränkt|eingeschraenkt|bedingt|nach absprache|partly|partial")
_NEGATED = re.compile(r"\b(?:nicht|kein|keine|ohne|not|no)\b")
_AMOUNT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:€|eur\b|euro\b)|(?:€|eur\b)\s*(\d+(?:[.,]\d+)?)")
_FIELD_WORDS = {  # (yes pattern, no pattern), checked after negation and "partly"
    "cost_free": (r"kostenlos|kostenfrei|gratis|umsonst|frei\b|free", r"gebühr|gebuehr|kostenpflichtig|beitrag|"
                  r"eigenanteil|entgelt|kosten|fee|charge|paid"),
    "barrier_free": (r"barrierefrei|barrierearm|rollstuhl|stufenlos|ebenerdig|aufzug|wheelchair|step-free|accessible",
                     r"stufe|treppe|stairs|steps"),
}


def yes_no_from_word(field: str, text) -> str | None:
    """The yes / no / unknown a list's word says for ``field`` ('cost_free' or 'barrier_free'):
    :data:`YES`, :data:`NO`, :data:`UNKNOWN`, or None when the word gives no hint (the planner
    decides). "kostenlos", "Gebühr", "5 €", "0 €", "keine Kosten", "barrierefrei", "Stufen",
    "nicht barrierefrei"; "teilweise" and an empty cell are unknown (a fact only partly true is
    not a yes)."""
    word = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text).strip().lower()
    for answer, words in _PLAIN.items():
        if word in words:
            return answer
    if _PARTLY.search(word):
        return UNKNOWN
    if field == "cost_free":
        amount = _AMOUNT.search(word)
        if amount:
            return YES if float((amount.group(1) or amount.group(2)).replace(",", ".")) == 0 else NO
    yes, no = _FIELD_WORDS.get(field, (None, None))
    if yes is None:
        return None
    negated = bool(_NEGATED.search(word))
    if field == "cost_free" and negated and re.search(r"kosten|gebühr|gebuehr|beitrag|entgelt|fee|charge", word):
        return YES  # "keine Kosten", "ohne Gebühr"
    if re.search(yes, word):
        return NO if negated else YES
    if re.search(no, word):
        return YES if negated and field == "barrier_free" else NO
    return None
