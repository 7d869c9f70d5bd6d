"""Erklärung zur Barrierefreiheit: status, last check, known gaps, feedback contact and the
enforcement body (configurable per municipality, see dashboard/model/settings.py)."""

import streamlit as st

from dashboard.app import state
from dashboard.app.state import t
from dashboard.present.statement import statement_markdown

st.title(t("statement.title"))
st.markdown(statement_markdown(state.settings(), state.lang()))
