"""The Qualitätskreislauf in words, tables and charts: quality goals with their values per
report day, trend and target status, targets, what changed, comparison values, and the
council's Monitoringbericht as PDF and XLSX.

Nothing is computed here but formatting: the figures come from
:mod:`dashboard.analysis.quality` (published values only).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.analysis import quality as Q
from dashboard.analysis.trends import trend
from dashboard.model.workspace import not_retired
from dashboard.present.format import format_count, format_date, format_number, format_stand
from dashboard.present.i18n import fictional_label, meta_text, phase_labels, t
from dashboard.sources.targets import COUNT_MEASURES, SHARE_MEASURES

ARROWS = {1: "↑", -1: "↓", 0: "→"}


def measure_label(measure: str, lang: str = "de") -> str:
    return t(f"measure.{measure}", lang)


def format_value(measure: str, value, lang: str = "de") -> str:
    """A measure's value as people read it: shares in %, the rank correlation with two
    decimals, counts whole, rates with one or two decimals; withheld/unknown as "keine Angabe"."""
    if value is None or pd.isna(value):
        return t("not_disclosed", lang)
    if measure in SHARE_MEASURES:
        return f"{format_number(100 * float(value), 0, lang)} %"
    if measure == "need_correlation":
        return format_number(value, 2, lang).replace("-", "−")  # a minus sign, never a formula's '-'
    if measure in COUNT_MEASURES:
        return format_count(value, 0, lang)
    return format_number(value, 2 if measure in ("offers_per_1000", "access_2sfca") else 1, lang)


def trend_text(values, measure: str, lang: str = "de") -> str:
    """'↑ besser', '↓ schlechter', '→ gleich' or 'unbekannt': the arrow shows where the value
    went, the word whether that is good by the measure's direction."""
    values = np.asarray(values, float)
    word = trend(values, measure, Q.SAME_WITHIN.get(measure, 0.0))
    if word == "unknown":
        return t("trend.unknown", lang)
    step = 0 if word == "same" else int(np.sign(values[-1] - values[-2]))
    return f"{ARROWS[step]} {t(f'trend.{word}', lang)}"


def _day_heading(day, lang):
    return format_date(pd.Timestamp(day), lang)


def area_name(district_id, ws, lang: str = "de") -> str:
    """A district's name, or the whole city for none."""
    if district_id is None or pd.isna(district_id):
        return t("quality_city", lang)
    return dict(zip(ws.districts["district_id"], ws.districts["name"])).get(district_id, str(district_id))


def phase_name(phase_id, ws, lang: str = "de") -> str:
    """A life phase's label, or all phases for none."""
    if phase_id is None or pd.isna(phase_id):
        return t("quality_all_phases", lang)
    return phase_labels(ws.life_phases, lang).get(phase_id, str(phase_id))


def target_text(row, lang: str = "de") -> str:
    """'≥ 80 % bis 31.12.2027' (or '≤ 2 …' for a measure where lower is better)."""
    from dashboard.analysis.trends import direction

    sign = "≥" if direction(row["measure"]) > 0 else "≤"
    return f"{sign} {format_value(row['measure'], row['value'], lang)} " \
           f"{t('heading.due', lang)} {format_date(pd.Timestamp(row['due']), lang)}"


def goal_table(mon: Q.Monitoring, ws, lang: str = "de", status: pd.DataFrame | None = None,
               assessments: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per quality goal indicator (city): goal, indicator, the value on every report
    day, trend, and the city target's status where one is set; Beteiligungsorientierung with
    the latest assessment."""
    rows = []
    city_targets = status[status["district_id"].isna() & status["phase_id"].isna()] if status is not None \
        and len(status) else pd.DataFrame(columns=["measure", "status", "value", "due"])
    for goal, measures in Q.GOAL_MEASURES.items():
        if not measures:
            rows.append({t("heading.goal", lang): t(f"goal.{goal}", lang),
                         t("heading.measure", lang): assessment_text(assessments, goal, lang)})
            continue
        for measure in measures:
            series = mon.series(measure)
            row = {t("heading.goal", lang): t(f"goal.{goal}", lang), t("heading.measure", lang): measure_label(measure, lang)}
            for day, value in series.items():
                row[_day_heading(day, lang)] = format_value(measure, value, lang)
            row[t("heading.trend", lang)] = trend_text(series.to_numpy(float), measure, lang)
            mine = city_targets[city_targets["measure"] == measure]
            row[t("heading.target", lang)] = "; ".join(target_text(r, lang) for _, r in mine.iterrows())
            row[t("heading.status", lang)] = "; ".join(t(f"status.{s}", lang) for s in mine["status"])
            rows.append(row)
    return pd.DataFrame(rows).fillna("")


def assessment_text(assessments: pd.DataFrame | None, goal: str, lang: str = "de") -> str:
    """The latest (not retired) city-wide assessment of ``goal`` in words."""
    if assessments is None or not len(assessments):
        return t("quality_no_assessment", lang)
    live = not_retired(assessments)
    live = live[live["goal"] == goal]
    live = live[live["district_id"].isna()] if "district_id" in live else live
    if not len(live):
        return t("quality_no_assessment", lang)
    last = live.sort_values("assessed_on").iloc[-1]
    return t("quality_assessment", lang, day=format_date(pd.Timestamp(last["assessed_on"]), lang),
             who=last["assessed_by"] or "–", rating=t(f"rating.{last['rating']}", lang), note=last["note"] or "")


def district_table(mon: Q.Monitoring, ws, measure: str, phase_id: str | None, lang: str = "de") -> pd.DataFrame:
    """Every district (and the city) with ``measure``'s value on each report day and the trend."""
    rows = []
    for district_id, name in [(None, t("quality_city", lang)), *zip(ws.districts["district_id"], ws.districts["name"])]:
        series = mon.series(measure, district_id, phase_id)
        row = {t("heading.where", lang): name}
        for day, value in series.items():
            row[_day_heading(day, lang)] = format_value(measure, value, lang)
        row[t("heading.trend", lang)] = trend_text(series.to_numpy(float), measure, lang)
        rows.append(row)
    return pd.DataFrame(rows)


def target_rows(status: pd.DataFrame, ws, lang: str = "de", scenario: str | None = None) -> pd.DataFrame:
    """The targets with their last value (the last report day's), trend and status, for people to
    read; with the columns of :func:`dashboard.analysis.quality.check_targets`, the value in the
    scenario ``scenario`` (its name) and whether the target is met there."""
    rows = []
    checked = "scenario_value" in status.columns
    for _, r in status.iterrows():
        row = {t("heading.where", lang): area_name(r["district_id"], ws, lang),
               t("heading.phase_label", lang): phase_name(r["phase_id"], ws, lang),
               t("heading.measure", lang): measure_label(r["measure"], lang),
               t("heading.target", lang): target_text(r, lang),
               t("heading.last_value", lang): format_value(r["measure"], r["last_value"], lang),
               t("heading.trend", lang): trend_text([r["previous_value"], r["last_value"]], r["measure"], lang),
               t("heading.status", lang): t(f"status.{r['status']}", lang),
               t("heading.note", lang): r.get("note") if isinstance(r.get("note"), str) else ""}
        if checked:
            met = r["scenario_met"]
            row[t("quality_in_scenario", lang, name=scenario or "–")] = format_value(r["measure"], r["scenario_value"],
                                                                                   lang)
            row[t("quality_scenario_met", lang)] = t(
                "status.unknown" if met is None or pd.isna(met) else "status.met" if met else "quality_not_met", lang)
        rows.append(row)
    return pd.DataFrame(rows)


def change_lines(changes: dict, lang: str = "de") -> list[str]:
    """The change list's counts as lines a council member reads ("17 Angebote eröffnet")."""
    order = ("opened", "closed", "gaps_closed", "gaps_opened", "duplicates_resolved", "duplicates_new",
             "transitions_fixed", "transitions_broken")
    return [f"{t(f'quality_change.{k}', lang)}: {format_count(len(changes[k]), 0, lang)}" for k in order]


def change_details(changes: dict, ws, lang: str = "de") -> pd.DataFrame:
    """Every change as one row: what, where, which phase, which offer(s)."""
    labels = phase_labels(ws.life_phases, lang)
    names = dict(zip(ws.districts["district_id"], ws.districts["name"]))
    rows = []
    for kind in ("opened", "closed"):
        for _, r in changes[kind].iterrows():
            rows.append((t(f"quality_change.{kind}", lang), "", ", ".join(
                labels.get(p, p) for p in r["life_phases"]), f"{r['name']} ({r['provider']})"))
    for kind in ("gaps_closed", "gaps_opened"):
        for _, r in changes[kind].iterrows():
            rows.append((t(f"quality_change.{kind}", lang), names.get(r["district_id"], ""),
                         labels.get(r["phase_id"], r["phase_id"]), ""))
    for kind in ("transitions_fixed", "transitions_broken"):
        for _, r in changes[kind].iterrows():
            rows.append((t(f"quality_change.{kind}", lang), names.get(r["district_id"], ""),
                         f"{labels.get(r['from_phase'], r['from_phase'])} → {labels.get(r['to_phase'], r['to_phase'])}",
                         ""))
    for kind in ("duplicates_resolved", "duplicates_new"):
        for _, r in changes[kind].iterrows():
            rows.append((t(f"quality_change.{kind}", lang), "",
                         labels.get(r["phase_id"], r["phase_id"]), f"{r['name_a']} / {r['name_b']}"))
    return pd.DataFrame(rows, columns=[t("heading.quality_change", lang), t("heading.where", lang),
                                       t("heading.phase_label", lang), t("heading.offer", lang)])


def reference_table(mon: Q.Monitoring, references: pd.DataFrame, ws, lang: str = "de") -> pd.DataFrame:
    """The comparison values beside the city's own value of the same measure, phase and year
    (the report day in that year)."""
    if not len(references):
        return pd.DataFrame()
    by_year = {d.year: d for d in mon.days}
    rows = []
    for _, r in references.sort_values(["measure", "year", "area"]).iterrows():
        phase = None if pd.isna(r["phase_id"]) else r["phase_id"]
        day = by_year.get(int(r["year"]))
        own = mon.series(r["measure"], None, phase).get(day, np.nan) if day else np.nan
        rows.append({t("heading.measure", lang): measure_label(r["measure"], lang),
                     t("heading.phase_label", lang): phase_name(phase, ws, lang),
                     t("heading.year", lang): int(r["year"]),
                     t("heading.area", lang): r["area"],
                     t("heading.value", lang): format_value(r["measure"], r["value"], lang),
                     meta_text(ws.meta, "municipality_name", lang) or t("quality_city", lang):
                         format_value(r["measure"], own, lang),
                     t("source", lang): r["source"] if isinstance(r["source"], str) else ""})
    return pd.DataFrame(rows)


def series_chart(mon: Q.Monitoring, measure: str, district_id=None, phase_id=None, lang: str = "de",
                 target_values=(), title: str | None = None, size=(3.6, 1.9)):
    """A small line chart of one measure over the report days (withheld values leave a gap),
    the targets as dashed reference lines, the trend in the title."""
    from dashboard.present.charts import figure

    series = mon.series(measure, district_id, phase_id)
    scale = 100.0 if measure in SHARE_MEASURES else 1.0
    fig, ax = figure(size)  # fixed margins: a constrained layout costs more than the drawing
    fig.subplots_adjust(left=0.13, right=0.97, bottom=0.16, top=0.86 if title != "" else 0.95)
    x = pd.to_datetime(pd.Series(series.index))
    ax.plot(x, series.to_numpy(float) * scale, marker="o", color="#2c7fb8", linewidth=1.6)
    for value in target_values:
        ax.axhline(float(value) * scale, color="#d95f02", linestyle="--", linewidth=1)
        ax.annotate(t("heading.target", lang), (x.iloc[0], float(value) * scale), fontsize=6, color="#d95f02",
                    va="bottom")
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.set_xticks(x, [format_date(d, lang) for d in x], fontsize=6)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=measure in COUNT_MEASURES))
    ax.yaxis.set_major_formatter(FuncFormatter(  # German decimal commas on the axis too
        lambda v, _: format_number(v, 0 if float(v).is_integer() else 1, lang)))
    ax.tick_params(axis="y", labelsize=6)
    if measure in SHARE_MEASURES:
        ax.set_ylabel("%", fontsize=6)
    top = np.nanmax(np.r_[series.to_numpy(float) * scale, [float(v) * scale for v in target_values], 0.0])
    ax.set_ylim(0, 100 if measure in SHARE_MEASURES else max(1.0, top * 1.15))  # from 0: no change looks bigger
    ax.spines[["top", "right"]].set_visible(False)
    if title != "":
        ax.set_title(f"{title or measure_label(measure, lang)} ({trend_text(series.to_numpy(float), measure, lang)})",
                     fontsize=7, loc="left")
    return fig


def series_alt_text(mon: Q.Monitoring, measure: str, district_id=None, phase_id=None, lang: str = "de",
                    targets: pd.DataFrame | None = None, where: str = "") -> str:
    """What :func:`series_chart` shows, in words (the chart's alternative text)."""
    series = mon.series(measure, district_id, phase_id)
    values = ", ".join(f"{format_date(pd.Timestamp(d), lang)}: {format_value(measure, v, lang)}" for d, v in series.items())
    text = f"{measure_label(measure, lang)}{' – ' + where if where else ''}: {values}; " \
           f"{t('heading.trend', lang)}: {trend_text(series.to_numpy(float), measure, lang)}"
    for _, row in (targets if targets is not None else pd.DataFrame()).iterrows():
        text += f"; {t('heading.target', lang)}: {target_text(row, lang)}"
    return text


def notes(ws, mon: Q.Monitoring, lang: str = "de") -> list[str]:
    """Sources, data stand and report days: on every page of the report."""
    days = ", ".join(format_date(pd.Timestamp(d), lang) for d in mon.days)
    return [t("quality_pdf.sources", lang, sources=meta_text(ws.meta, "sources", lang) or "–",
              stand=format_stand(ws.meta.get("data_stand"), lang) or "–", days=days)]


def monitoring_xlsx(ws, mon: Q.Monitoring, status: pd.DataFrame, changes: dict | None, lang: str = "de",
                    assessments: pd.DataFrame | None = None) -> bytes:
    """The council's workbook: quality goals, targets, changes, every district's reach per phase
    over the report days, comparison values, notes."""
    from dashboard.present.export import to_xlsx

    long = mon.values.copy()
    long = long[long["measure"].isin(Q.COVERAGE_MEASURES + Q.COUNT_MEASURES)]
    districts = pd.DataFrame({
        t("heading.day", lang): [format_date(pd.Timestamp(d), lang) for d in long["day"]],
        t("heading.where", lang): [area_name(d, ws, lang) for d in long["district_id"]],
        t("heading.phase_label", lang): [phase_name(p, ws, lang) for p in long["phase_id"]],
        t("heading.measure", lang): [measure_label(m, lang) for m in long["measure"]],
        t("heading.value", lang): [format_value(m, v, lang) for m, v in zip(long["measure"], long["value"])],
    })
    sheets = {t("quality_sheet.goals", lang): goal_table(mon, ws, lang, status, assessments),
              t("quality_sheet.targets", lang): target_rows(status, ws, lang),
              t("quality_sheet.changes", lang): change_details(changes, ws, lang) if changes else pd.DataFrame(),
              t("quality_sheet.districts", lang): districts,
              t("quality_sheet.reference", lang): reference_table(mon, ws.reference_values, ws, lang),
              t("quality_sheet.notes", lang): pd.DataFrame({t("quality_sheet.notes", lang): notes(ws, mon, lang)
                                                            + (change_lines(changes, lang) if changes else [])})}
    return to_xlsx(sheets)


def monitoring_pdf(ws, mon: Q.Monitoring, status: pd.DataFrame, changes: dict | None, since: date | None,
                   lang: str = "de", assessments: pd.DataFrame | None = None) -> bytes:
    """The Monitoringbericht: each quality goal with its indicators (value per report day,
    trend, target and status, a small chart), the targets, what changed since ``since``,
    comparison values; sources and data stand on every page."""
    from dashboard.present.charts import to_bytes
    from dashboard.present.report import _Document

    city = meta_text(ws.meta, "municipality_name", lang)
    title = t("quality_pdf_title", lang, city=city)
    fictional = fictional_label(ws.meta, lang) if ws.is_fictional else None
    pdf = _Document(title, fictional, lang)
    pdf.page_note = notes(ws, mon, lang)[0]
    pdf.set_auto_page_break(True, margin=24)  # room for the sources under every page
    pdf.add_page()
    pdf.h1(title)
    pdf.para(t("quality_intro", lang, days=", ".join(format_date(pd.Timestamp(d), lang) for d in mon.days)))
    pdf.para(pdf.page_note, size=7)
    if changes is not None and since is not None:
        pdf.h2(t("quality_changes_title", lang, since=format_date(pd.Timestamp(since), lang),
                 until=format_date(pd.Timestamp(mon.days[-1]), lang)))
        pdf.bullets(change_lines(changes, lang))
    city_targets = status[status["district_id"].isna() & status["phase_id"].isna()] if len(status) else status
    for goal, measures in Q.GOAL_MEASURES.items():
        pdf.h2(t(f"goal.{goal}", lang))
        if not measures:
            pdf.para(t("measure_def.participation", lang), size=8)
            pdf.para(assessment_text(assessments, goal, lang))
            continue
        for measure in measures:
            series = mon.series(measure)
            values = " · ".join(f"{format_date(pd.Timestamp(d), lang)}: {format_value(measure, v, lang)}"
                                for d, v in series.items())
            pdf.set_font("DejaVu", "B", 9)
            pdf.multi_cell(0, 4.5, f"{measure_label(measure, lang)} – {trend_text(series.to_numpy(float), measure, lang)}",
                           new_x="LMARGIN", new_y="NEXT")
            pdf.para(values)
            mine = city_targets[city_targets["measure"] == measure] if len(city_targets) else city_targets
            for _, r in mine.iterrows():
                state = t("status." + r["status"], lang)
                pdf.para(f"{t('heading.target', lang)}: {target_text(r, lang)} – {state}")
            if has_definition(measure):
                pdf.para(t(f"measure_def.{measure}", lang), size=7)
            if series.notna().sum() >= 2:
                fig = series_chart(mon, measure, lang=lang, target_values=tuple(mine["value"]), size=(4.2, 1.5),
                                   title="")
                pdf.image_bytes(to_bytes(fig, "png", dpi=160), 95)
    pdf.h2(t("quality_targets", lang))
    shown = target_rows(status, ws, lang)
    if len(shown):
        pdf.grid(list(shown.columns), shown.itertuples(index=False, name=None), (24, 24, 30, 26, 18, 20, 18, 20),
                 size=7, line_height=3.5)
    else:
        pdf.para(t("quality_no_targets", lang))
    if changes is not None:
        details = change_details(changes, ws, lang)
        if len(details):
            pdf.h2(t("quality_sheet.changes", lang))
            pdf.grid(list(details.columns), details.itertuples(index=False, name=None), (40, 30, 45, 65), size=7,
                     line_height=3.5)
    pdf.h2(t("quality_reference", lang))
    ref = reference_table(mon, ws.reference_values, ws, lang)
    if len(ref):
        pdf.grid(list(ref.columns), ref.itertuples(index=False, name=None), (34, 26, 12, 30, 20, 24, 34), size=7,
                 line_height=3.5)
    else:
        pdf.para(t("quality_no_reference", lang))
    return bytes(pdf.output())


def has_definition(measure: str) -> bool:
    """Whether the measure has a definition in words (``measure_def.<measure>``)."""
    from dashboard.present.i18n import TEXT

    return f"measure_def.{measure}" in TEXT
