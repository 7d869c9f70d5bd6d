"""The accessibility statement page (Erklärung zur Barrierefreiheit) in German and English,
with the contact and the enforcement body configurable per municipality."""

from __future__ import annotations

from apptest_util import run_app

from dashboard.model.settings import from_env
from dashboard.present.statement import CHECKED, statement_markdown


def test_the_statement_names_status_check_gaps_contact_and_ombudsperson(monkeypatch):
    monkeypatch.delenv("PRAEVENTIONSATLAS_A11Y_CONTACT", raising=False)
    at = run_app("pages/statement.py")
    assert not at.exception and at.title[0].value == "Erklärung zur Barrierefreiheit"
    text = at.markdown[0].value
    for words in ("teilweise vereinbar", "Letzte Prüfung: 27.11.2026", "Nicht barrierefreie Inhalte",
                  "`PRAEVENTIONSATLAS_A11Y_CONTACT`", "Ombudsstelle für barrierefreie Informationstechnik"):
        assert words in text, words
    english = run_app("pages/statement.py", query={"lang": "en"})
    assert english.title[0].value == "Accessibility statement" and "partly compliant" in english.markdown[0].value


def test_the_contact_is_the_municipalitys_and_escaped(monkeypatch):
    monkeypatch.setenv("PRAEVENTIONSATLAS_A11Y_CONTACT", "Jugendamt <b>Team</b> *Planung*, barrierefrei@stadt.de")
    monkeypatch.setenv("PRAEVENTIONSATLAS_A11Y_CHECKED", "2027-03-01")
    text = statement_markdown(from_env(), "de")
    assert "<b>" not in text and "\\*Planung\\*" in text and "01.03.2027" in text and CHECKED != "2027-03-01"
