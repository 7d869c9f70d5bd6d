"""Numbers for people: counts, measured values and dates with German or English separators;
a count below the disclosure threshold is written as '< 3', a withheld one as 'keine Angabe'."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd

from dashboard.present.i18n import t


def format_count(value, threshold: int = 3, lang: str = "de", withheld_text: str | None = None) -> str:
    """A person count for display: '1.234' (de) / '1,234' (en), '< 3' below the threshold,
    'keine Angabe' / 'not disclosed' when missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return withheld_text or t("not_disclosed", lang)
    if 0 < value < threshold:
        return f"< {threshold}"
    text = f"{round(float(value)):,}"
    return text.replace(",", ".") if lang == "de" else text


def format_number(value, decimals: int = 1, lang: str = "de") -> str:
    """A measured value (rate, share) for display with German or English separators."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return t("not_disclosed", lang)
    text = f"{float(value):,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return text



def format_range(lo, hi, decimals: int = 1, lang: str = "de") -> str:
    """A class's range as people read it, e.g. "4,7 – 7,5" (legends, the ranking's class)."""
    return f"{format_number(lo, decimals, lang)} – {format_number(hi, decimals, lang)}"

def format_stand(value, lang: str = "de") -> str:
    """A data stand for display: an ISO date as 09.05.2011 (de) or 2011-05-09 (en); a year
    or any other text as it is."""
    text = str(value or "").strip()
    try:
        day = pd.Timestamp(text) if len(text) == 10 and text[4] == "-" else None
    except ValueError:
        day = None
    if day is None:
        return text
    return format_date(day, lang)


def format_date(day, lang: str = "de") -> str:
    """A date (or Timestamp) as 09.05.2011 (de) or 2011-05-09 (en); '' for a missing one."""
    if day is None or pd.isna(day):
        return ""
    return day.strftime(t("date_format", lang))


def format_dates(days: pd.Series, lang: str = "de") -> pd.Series:
    """:func:`format_date` for a datetime column ('' where missing)."""
    return days.dt.strftime(t("date_format", lang)).fillna("")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:=])")
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www|@)(?=[:.\w])")


def md(text) -> str:
    """Text from the data (names, sentences with names) for Streamlit's Markdown (st.markdown,
    titles, captions, messages): every Markdown, HTML, LaTeX and colour/icon directive
    character is backslash-escaped and line breaks become spaces, so a name such as
    ``![x](https://…)`` shows as written and never loads an image, links or formats."""
    plain = " ".join(str("" if text is None else text).splitlines()).replace("&", "&amp;")
    # an invisible break keeps web addresses from turning into links (autolinks ignore escapes)
    plain = _AUTOLINK.sub("\\1\u200b", plain)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain)


def html_text(text) -> str:
    """Text from the data inside an HTML block of st.markdown(unsafe_allow_html=True): escaped,
    on one line (a blank line would end the HTML block and start Markdown)."""
    return html.escape(" ".join(str("" if text is None else text).splitlines()))
