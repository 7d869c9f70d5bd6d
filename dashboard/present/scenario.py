"""A scenario in words and tables: its changes, its effect (scenario − Ist) per district and
life phase, and the council's page as PDF and XLSX ("Szenario 'Elterncafés Nord' – Wirkung").

Nothing is computed here but formatting: the figures come from
:func:`dashboard.analysis.scenario.compare` (published persons only).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.analysis.scenario import changed_rows, changes_of
from dashboard.present.format import format_count, format_date, format_number
from dashboard.present.i18n import fictional_label, phase_labels, t


def _signed(value, lang: str, threshold: int = 3) -> str:
    """'↑ 12', '↓ 3', '±0' or 'keine Angabe' (withheld). Arrows, not '+' and '-': a table cell
    starting with them would be a formula in a spreadsheet (and get a guarding apostrophe)."""
    if value is None or pd.isna(value):
        return t("not_disclosed", lang)
    v = round(float(value))
    return "±0" if v == 0 else (f"↑ {format_count(v, 0, lang)}" if v > 0 else f"↓ {format_count(-v, 0, lang)}")


def _share(value, lang: str) -> str:
    return t("not_disclosed", lang) if value is None or pd.isna(value) else f"{format_number(100 * value, 0, lang)} %"


def change_sentences(ws, scenario_id: str, lang: str = "de") -> list[str]:
    """One line per change of the scenario, in its order."""
    labels = phase_labels(ws.life_phases, lang)
    names = {**dict(zip(ws.offers["offer_id"], ws.offers["name"])),
             **dict(zip(ws.family_centres["centre_id"], ws.family_centres["name"]))}
    districts = dict(zip(ws.districts["district_id"], ws.districts["name"]))
    out = []
    for c in changes_of(ws, scenario_id):
        f = c.fields or {}
        phases = ", ".join(labels.get(p, p) for p in f.get("life_phases", []) or [])
        record = names.get(c.record_id, c.record_id)
        if c.action == "add":
            out.append(t(f"scenario_change.add_{c.layer}", lang, name=f.get("name", "–"), phases=phases or "–"))
        elif c.action == "close":
            out.append(t("scenario_change.close_on" if c.valid_from else "scenario_change.close", lang, name=record,
                         day=format_date(c.valid_from, lang) if c.valid_from else ""))
        elif c.action == "move":
            out.append(t("scenario_change.move", lang, name=record))
        elif c.action == "change":
            out.append(t("scenario_change.change", lang, name=record, what=", ".join(
                t(f"scenario_field.{k}", lang) if f"scenario_field.{k}" in _FIELDS else k for k in f)))
        elif c.action == "housing":
            persons = "; ".join(f"{labels.get(p, p)}: {format_count(n, 0, lang)}" for p, n in
                                (f.get("persons") or {}).items())
            out.append(t("scenario_change.housing", lang, name=f.get("name") or "–", persons=persons or "–"))
        elif c.action == "population":
            out.append(t("scenario_change.population", lang, district=districts.get(f.get("district_id"), "–"),
                         phase=labels.get(f.get("phase_id"), "–"),
                         percent=f"{'+' if float(f.get('percent', 0)) > 0 else ''}"
                                 f"{format_number(float(f.get('percent', 0)), 0, lang)} %"))
    return out


def _field_keys() -> set:
    from dashboard.present.i18n import TEXT

    return {k for k in TEXT if k.startswith("scenario_field.")}


_FIELDS = _field_keys()


def effect_table(table: pd.DataFrame, ws, lang: str = "de", changed_only: bool = True) -> pd.DataFrame:
    """Scenario − Ist for people to read: district, life phase, target population, persons
    reached (Ist, scenario, change), share reached, offers, gap and Parallelstrukturen (words)."""
    rows = table[changed_rows(table)] if changed_only else table
    labels = phase_labels(ws.life_phases, lang)

    def gap(change) -> str:
        return t("scenario_gap.closed" if change < 0 else "scenario_gap.opened" if change > 0 else "scenario_gap.same",
                 lang)

    out = pd.DataFrame({
        t("district", lang): rows["district_name"].to_numpy(),
        t("phase", lang): rows["phase_id"].map(labels).to_numpy(),
        t("scenario_col.target", lang): [f"{format_count(a, 3, lang)} → {format_count(b, 3, lang)}" for a, b in
                                         zip(rows["target_population_ist"], rows["target_population_scenario"])],
        t("scenario_col.reached_ist", lang): [format_count(v, 3, lang) for v in rows["reached_ist"]],
        t("scenario_col.reached_scenario", lang): [format_count(v, 3, lang) for v in rows["reached_scenario"]],
        t("scenario_col.reached_change", lang): [_signed(v, lang) for v in rows["reached_change"]],
        t("scenario_col.share", lang): [f"{_share(a, lang)} → {_share(b, lang)}" for a, b in
                                        zip(rows["reach_share_ist"], rows["reach_share_scenario"])],
        t("scenario_col.offers", lang): [_signed(v, lang) for v in rows["offers_change"]],
        t("scenario_col.gap", lang): [gap(v) for v in rows["gap_change"]],
        t("scenario_col.duplicates", lang): [_signed(v, lang) for v in rows["duplicates_change"]],
    })
    return out.reset_index(drop=True)


def effect_sentences(table: pd.DataFrame, ws, lang: str = "de") -> list[str]:
    """The effect in a few sentences: gaps closed and opened, persons newly reached per phase,
    Parallelstrukturen created."""
    labels = phase_labels(ws.life_phases, lang)
    out = []
    for code, sign in (("closed", -1), ("opened", 1)):
        hit = table[table["gap_change"] == sign]
        if len(hit):
            out.append(t(f"scenario_effect.gaps_{code}", lang, n=len(hit), which="; ".join(
                f"{d} – {labels.get(p, p)}" for d, p in zip(hit["district_name"], hit["phase_id"]))))
    changed = table[changed_rows(table)]
    for phase, rows in changed.groupby("phase_id", sort=False):
        total = rows["reached_change"].to_numpy(float)
        if np.isnan(total).any():
            out.append(t("scenario_effect.reached_withheld", lang, phase=labels.get(phase, phase)))
        elif round(total.sum()) != 0:
            out.append(t("scenario_effect.more" if total.sum() > 0 else "scenario_effect.fewer", lang,
                         phase=labels.get(phase, phase), n=format_count(abs(total.sum()), 0, lang)))
    new_pairs = int(table["duplicates_change"].clip(lower=0).sum())
    if new_pairs:
        out.append(t("scenario_effect.duplicates", lang, n=new_pairs))
    if not out:
        out.append(t("scenario_effect.none", lang))
    return out


def assumptions_sentence(cov, lang: str = "de", valid_on: date | None = None) -> str:
    """What the comparison rests on (distance rule, day, published counts)."""
    from dashboard.present.sentences import walk_rule

    day = format_date(valid_on, lang) if valid_on else t("sites_all_offers", lang)
    return t("scenario_assumptions", lang, rule=walk_rule(cov, lang), day=day)


def effect_xlsx(ws, name: str, table: pd.DataFrame, lang: str = "de", changes: list[str] | None = None,
                notes: list[str] | None = None) -> bytes:
    """The council's workbook: the effect table (changed rows), all rows, the changes."""
    from dashboard.present.export import to_xlsx

    sheets = {t("scenario_sheet.effect", lang): effect_table(table, ws, lang),
              t("scenario_sheet.all", lang): effect_table(table, ws, lang, changed_only=False),
              t("scenario_sheet.changes", lang): pd.DataFrame({t("scenario_sheet.changes", lang): changes or []}),
              t("scenario_sheet.notes", lang): pd.DataFrame({name: notes or []})}
    return to_xlsx(sheets)


def effect_pdf(ws, name: str, table: pd.DataFrame, lang: str = "de", changes: list[str] | None = None,
               notes: list[str] | None = None) -> bytes:
    """One council-ready A4 document: "Szenario 'NAME' – Wirkung", the changes, the effect in
    sentences and the table of what changes per district and life phase."""
    from dashboard.present.report import _Document

    title = t("scenario_pdf_title", lang, name=name)
    fictional = fictional_label(ws.meta, lang) if ws.is_fictional else None
    pdf = _Document(title, fictional, lang)
    pdf.add_page()
    pdf.h1(title)
    pdf.h2(t("scenario_pdf.changes", lang))
    pdf.bullets(changes or [])
    pdf.h2(t("scenario_pdf.effect", lang))
    pdf.bullets(effect_sentences(table, ws, lang))
    shown = effect_table(table, ws, lang)
    if len(shown):
        pdf.h2(t("scenario_pdf.table", lang))
        pdf.grid(list(shown.columns), shown.itertuples(index=False, name=None),
                 (24, 24, 22, 14, 16, 14, 24, 13, 16, 13),
                 ["LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "RIGHT"], size=7,
                 line_height=3.5)
    for note in notes or []:
        pdf.para(note, size=7)
    return bytes(pdf.output())
