"""Problems in words: the message of every problem code, in German (UI) and English (CLI)."""

from __future__ import annotations

from dashboard.model.problems import Problem
from dashboard.present.i18n import t


def text(problem: Problem, lang: str = "en") -> str:
    """The message without the location."""
    params = dict(problem.params)
    if problem.code == "recipe_unknown_key":  # the closest known key, else the known ones
        params["hint"] = t("problem_hint.suggest", lang, **params) if params.get("suggestion") else \
            t("problem_hint.known", lang, **params)
    elif problem.code in ("address_unmatched", "address_ambiguous"):  # why, and what comes closest
        reason = t(f"unmatched_reason.{params['reason']}", lang) if params.get("reason") else ""
        params["hint"] = "" if not reason else t("problem_hint.close" if params.get("close") else "problem_hint.reason",
                                                 lang, reason=reason, close=params.get("close", ""))
    return t(f"problem.{problem.code}", lang, **params)


def message(problem: Problem, lang: str = "en") -> str:
    """Full message naming file, layer, row and field, in ``lang`` ('de' or 'en')."""
    where = [problem.file]
    if problem.layer:
        where.append(t("problem_where_layer", lang, layer=problem.layer))
    if problem.row is not None:
        where.append(t("problem_where_row_id" if problem.record_id else "problem_where_row", lang, row=problem.row,
                       id=problem.record_id))
    if problem.field:
        where.append(t("problem_where_field", lang, field=problem.field))
    return ", ".join(where) + ": " + text(problem, lang)


def report(problems: list[Problem], lang: str = "en", limit: int | None = None) -> str:
    """All problems, one per line, under a count; ``limit`` cuts the list with a count of the rest."""
    shown = problems if limit is None else problems[:limit]
    lines = [message(p, lang) for p in shown]
    rest = len(problems) - len(shown)
    if rest > 0:
        lines.append(t("problems_more", lang, n=rest))
    return "\n".join([t("problems_found", lang, n=len(problems)), *lines])
