"""The accessibility statement (Erklärung zur Barrierefreiheit, § 10b BGG NRW, BITV NRW) in
words, from one source: status, the date and method of the last check, the known gaps, the
feedback contact and the enforcement body (both configurable per municipality)."""

from __future__ import annotations

import pandas as pd

from dashboard.present.format import format_date, md
from dashboard.present.i18n import t

CHECKED = "2026-11-27"
"""The product's last check: axe-core (WCAG 2.0/2.1 A and AA) on every page in German and
English and in the states a user reaches, keyboard walk-throughs and layout measurements in
headless Chromium (``tests/test_barrierefreiheit.py``, ``tests/test_keyboard.py``,
``tests/test_layout.py``, part of ``make test``)."""
STATUS = "partly"
"""``full`` or ``partly`` compliant (BITV 2.0 / WCAG 2.1 AA)."""
KNOWN_GAPS = ("map_visual", "map_colours", "pdf_untagged", "streamlit_widgets")
"""What is not (fully) accessible yet, and why (words: ``statement.gap.<code>``)."""
OMBUDS = ("Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen bei der Beauftragten "
          "für die Belange der Menschen mit Behinderung, ombudsstelle-barrierefreie-it@mags.nrw.de, "
          "www.lbbp.nrw.de/ombudsstelle")
"""The NRW enforcement body (§§ 10d, 10e BGG NRW, §§ 9 ff. BITV NRW), unless configured."""


def statement_markdown(settings, lang: str = "de") -> str:
    """The statement as Markdown (configured texts escaped)."""
    try:
        checked = format_date(pd.Timestamp(settings.a11y_checked or CHECKED), lang)
    except ValueError:  # a configured date that is no date: shown as written
        checked = md(settings.a11y_checked)
    contact = md(settings.a11y_contact) if settings.a11y_contact else t("statement.no_contact", lang)
    ombuds = md(settings.a11y_ombuds or OMBUDS)
    parts = [
        t("statement.scope", lang),
        f"### {t('statement.status_heading', lang)}",
        t(f"statement.status.{STATUS}", lang),
        t("statement.method", lang, date=checked),
        f"### {t('statement.gaps_heading', lang)}",
        "\n".join(f"- {t(f'statement.gap.{code}', lang)}" for code in KNOWN_GAPS),
        f"### {t('statement.feedback_heading', lang)}",
        t("statement.feedback", lang, contact=contact),
        f"### {t('statement.ombuds_heading', lang)}",
        t("statement.ombuds", lang, ombuds=ombuds),
    ]
    return "\n\n".join(parts)
