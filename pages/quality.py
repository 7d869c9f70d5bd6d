"""Qualitätsziele: the Qualitätskreislauf. The seven quality goals measured on the report days
(value, trend, target status), the targets (planners set, change and retire them, or import a
table), every district's change over time, what changed since an earlier day, comparison values
(Kreis, NRW, other municipalities) and the council's Monitoringbericht as PDF and XLSX."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.analysis import quality as Q
from dashboard.analysis.coverage import CoverageParams
from dashboard.app import cache, session, state, widgets
from dashboard.app.state import t
from dashboard.model import schema
from dashboard.model.problems import ProblemError
from dashboard.present import quality as words
from dashboard.present.format import format_date, md
from dashboard.present.i18n import phase_labels
from dashboard.present.problems import message
from dashboard.sources import targets as store

whole = cache.workspace(include_retired=True)  # retired records count on the days they were valid
cfg = state.settings()
lang = state.lang()
role = session.role()
planner = store.may_set_targets(role)
user = st.session_state.get("user") or role
threshold = cfg.disclosure_threshold
labels = phase_labels(whole.life_phases, lang)
districts = dict(zip(whole.districts["district_id"], whole.districts["name"]))
widgets.page_header(t("page_quality"), whole)

params = CoverageParams()
mon = cache.monitoring(whole, params, threshold)
targets = store.current(whole.targets)
status = Q.target_table(mon, targets)
scenario = widgets.scenario_workspace(cache.workspace())  # targets checked against a scenario, if one is chosen
if scenario.scenario is not None and len(status):
    status = Q.check_targets(status, cache.scenario_values(scenario, params, threshold))
assessments = store.current(whole.assessments)
day_names = {d: format_date(pd.Timestamp(d), lang) for d in mon.days}
st.caption(t("quality_intro", days=", ".join(day_names.values())))


def store_call(action, *args, **kwargs) -> bool:
    """A change of the stored targets/assessments/comparison values; problems in the UI
    language, nothing half-written."""
    try:
        action(cfg.workspace, *args, user=user, role=role, **kwargs)
        return True
    except ProblemError as exc:  # shown at the top of the page's next run
        st.session_state["_quality_problems"] = [message(p, lang) for p in exc.problems[:20]]
        st.rerun()


for line in st.session_state.pop("_quality_problems", []):
    st.error(line)

tab_goals, tab_targets, tab_districts, tab_changes, tab_reference, tab_report = st.tabs(
    [t(f"quality_tab.{k}") for k in ("goals", "targets", "districts", "changes", "reference", "report")])

with tab_goals:
    widgets.plain_table(words.goal_table(mon, whole, lang, status, assessments))
    for goal, measures in Q.GOAL_MEASURES.items():
        st.subheader(t(f"goal.{goal}"))
        if not measures:
            st.caption(t("measure_def.participation"))
            st.write(md(words.assessment_text(assessments, goal, lang)))
            if planner:
                with st.form(f"quality_assess_{goal}", clear_on_submit=True):
                    rating = st.selectbox(t("quality_rating"), schema.ASSESSMENT_RATINGS, key=f"q_rating_{goal}",
                                          format_func=lambda r: t(f"rating.{r}"))
                    note = st.text_area(t("quality_note"), key=f"q_note_{goal}")
                    day = st.date_input(t("quality_assessed_on"), value=date.today(), key=f"q_day_{goal}",
                                        format="DD.MM.YYYY")
                    if st.form_submit_button(t("quality_save_assessment")):
                        if store_call(store.set_assessment, {"goal": goal, "rating": rating, "note": note,
                                                             "assessed_on": day}):
                            st.rerun()
            continue
        columns = st.columns(len(measures))
        for column, measure in zip(columns, measures):
            with column:
                series = mon.series(measure)
                mine = status[(status["measure"] == measure) & status["district_id"].isna()] if len(status) \
                    else status
                st.metric(words.measure_label(measure, lang), words.format_value(measure, series.iloc[-1], lang),
                          words.trend_text(series.to_numpy(float), measure, lang), delta_color="off",
                          delta_arrow="off")  # the arrow is in the text: where the value went
                if series.notna().sum() >= 2:
                    st.image(cache.series_png(whole, params, threshold, measure, None, None, lang,
                                              tuple(mine["value"]), "", (3.6, 1.9)),
                             alt=words.series_alt_text(mon, measure, lang=lang, targets=mine))
                if words.has_definition(measure):
                    st.caption(t(f"measure_def.{measure}"))

with tab_targets:
    shown = words.target_rows(status, whole, lang,
                              scenario.scenario.name if scenario.scenario is not None else None)
    if len(shown):
        widgets.plain_table(shown)
    else:
        st.info(t("quality_no_targets"))
    if planner:
        measure_options = list(schema.TARGET_MEASURES)
        names = {r.target_id: f"{words.area_name(r.district_id, whole, lang)} · {words.phase_name(r.phase_id, whole, lang)}"
                              f" · {words.measure_label(r.measure, lang)} ({r.target_id})" for r in targets.itertuples()}
        if st.session_state.pop("_q_t_saved", False) or st.session_state.get("q_t_pick") not in (None, *names):
            st.session_state["q_t_pick"] = None

        pick = st.selectbox(t("quality_edit_target"), [None, *names], key="q_t_pick",
                            format_func=lambda k: t("quality_new_target") if k is None else names[k])
        row = targets.set_index("target_id").loc[pick] if pick else None
        suffix = "" if pick is None else f"_{pick}"  # the chosen target's own form, filled with its values

        def given(column):
            return None if row is None or pd.isna(row[column]) else row[column]

        with st.form("quality_target_form", clear_on_submit=True):
            st.markdown(f"**{t('quality_new_target') if pick is None else names[pick]}**")
            options = [None, *districts]
            where = st.selectbox(t("heading.where"), options, index=options.index(given("district_id")),
                                 key=f"q_t_district{suffix}",
                                 format_func=lambda d: t("quality_city") if d is None else districts[d])
            options = [None, *labels]
            phase = st.selectbox(t("heading.phase_label"), options, index=options.index(given("phase_id")),
                                 key=f"q_t_phase{suffix}",
                                 format_func=lambda p: t("quality_all_phases") if p is None else labels[p])
            measure = st.selectbox(t("heading.measure"), measure_options, key=f"q_t_measure{suffix}",
                                   index=measure_options.index(given("measure") or measure_options[0]),
                                   format_func=lambda m: words.measure_label(m, lang))
            value = st.text_input(t("quality_target_value"), key=f"q_t_value{suffix}",
                                  value="" if row is None else words.format_value(row["measure"], row["value"], lang),
                                  help=t("quality_target_value_help"))
            due = st.date_input(t("heading.due"), key=f"q_t_due{suffix}", format="DD.MM.YYYY",
                                value=date(date.today().year + 1, 12, 31) if row is None else
                                pd.Timestamp(row["due"]).date())
            note = st.text_input(t("heading.note"), key=f"q_t_note{suffix}", value=given("note") or "")
            if st.form_submit_button(t("quality_save_target"), type="primary"):
                version = int(targets.set_index("target_id").loc[pick, "version"]) if pick else None
                if store_call(store.set_target, {"district_id": where, "phase_id": phase, "measure": measure,
                                                 "value": value, "due": due, "note": note},
                              target_id=pick, expected_version=version):
                    st.session_state["_q_t_saved"] = True
                    st.rerun()
        if len(targets):
            with st.form("quality_retire_form"):
                pick = st.selectbox(t("quality_retire_target"), list(names), format_func=names.get, key="q_retire")
                if st.form_submit_button(t("quality_retire")):
                    if store_call(store.retire_target, pick):
                        st.rerun()
        with st.expander(t("quality_target_history")):
            from dashboard.sources.editing import history_table

            history = history_table(whole, "targets")
            widgets.dataframe(history.drop(columns=["change_id", "layer"]), hide_index=True, width="stretch")
        upload = st.file_uploader(t("quality_import_targets"), type=["csv", "xlsx"], key="q_t_upload",
                                  help=t("quality_import_targets_help"))
        if upload is not None and st.button(t("quality_import"), key="q_t_import"):
            if store_call(lambda path, **kw: store.import_targets(path, upload.name, upload.getvalue(), **kw)):
                st.rerun()

with tab_districts:
    left, right = st.columns(2)
    measure = left.selectbox(t("heading.measure"), Q.COVERAGE_MEASURES + Q.COUNT_MEASURES, key="q_d_measure",
                             format_func=lambda m: words.measure_label(m, lang))
    per_phase = measure in Q.COVERAGE_MEASURES
    phase = right.selectbox(t("heading.phase_label"), list(labels), key="q_d_phase", format_func=labels.get,
                            disabled=not per_phase)
    phase = phase if per_phase else None
    widgets.plain_table(words.district_table(mon, whole, measure, phase, lang))
    focus = st.selectbox(t("heading.where"), [None, *districts], key="q_d_focus",
                         format_func=lambda d: t("quality_city") if d is None else districts[d])
    mine = status[(status["measure"] == measure) & (status["district_id"].fillna("") == (focus or ""))
                  & (status["phase_id"].fillna("") == (phase or ""))] if len(status) else status
    if mon.series(measure, focus, phase).notna().sum() >= 2:
        st.image(cache.series_png(whole, params, threshold, measure, focus, phase, lang, tuple(mine["value"]),
                                  t("quality_city") if focus is None else districts[focus], (6.0, 2.4)),
                 alt=words.series_alt_text(mon, measure, focus, phase, lang, mine,
                                           t("quality_city") if focus is None else districts[focus]))
    groups = whole.districts.set_index("district_id")["parent_name"]
    if groups.dropna().nunique() > 1 and measure in Q.GROUP_MEASURES and phase is not None:
        st.markdown(f"**{t('quality_groups')}**")
        table = Q.group_values(mon, groups, measure, phase)
        shown = pd.DataFrame({t("heading.where"): table.index})
        for day in table.columns:
            shown[day_names[day]] = [words.format_value(measure, v, lang) for v in table[day]]
        widgets.plain_table(shown)

with tab_changes:
    last = mon.days[-1]
    default = mon.days[-2] if len(mon.days) > 1 else date(last.year - 1, 12, 31)
    since = st.date_input(t("quality_since_day"), value=default, max_value=last, key="q_since", format="DD.MM.YYYY",
                          help=t("quality_since_help"))
    if since >= last:
        st.info(t("quality_one_day"))
    else:
        day, changes = cache.changes_since(whole, params, threshold, since)
        st.markdown(f"**{t('quality_changes_title', since=format_date(pd.Timestamp(day), lang), until=day_names[last])}**")
        for line in words.change_lines(changes, lang):
            st.markdown(f"- {md(line)}")
        details = words.change_details(changes, whole, lang)
        if len(details):
            widgets.long_table(details)

with tab_reference:
    ref = words.reference_table(mon, whole.reference_values, whole, lang)
    if len(ref):
        widgets.plain_table(ref)
    else:
        st.info(t("quality_no_reference"))
    if planner:
        upload = st.file_uploader(t("quality_import_reference"), type=["csv", "xlsx"], key="q_r_upload",
                                  help=t("quality_import_reference_help"))
        if upload is not None and st.button(t("quality_import"), key="q_r_import"):
            if store_call(lambda path, **kw: store.import_reference_values(path, upload.name, upload.getvalue(),
                                                                           **kw)):
                st.rerun()

with tab_report:
    earlier = mon.days[:-1]
    since = st.selectbox(t("quality_since"), earlier[::-1], key="q_report_since", format_func=day_names.get) \
        if earlier else None
    st.caption(t("quality_report_help"))

    def _report(kind: str) -> bytes:
        day, changes = cache.changes_since(whole, params, threshold, since) if since else (None, None)
        if kind == "pdf":
            return words.monitoring_pdf(whole, mon, status, changes, day, lang, assessments)
        return words.monitoring_xlsx(whole, mon, status, changes, lang, assessments)

    st.download_button(t("quality_download_pdf"), lambda: _report("pdf"), "monitoringbericht.pdf", "application/pdf",
                       key="q_pdf")
    st.download_button(t("quality_download_xlsx"), lambda: _report("xlsx"), "monitoringbericht.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="q_xlsx")
