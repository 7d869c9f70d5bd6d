"""Präventionsatlas – the Streamlit entry script (``make run`` = ``python -m dashboard serve``).

Every URL, also a shared deep link as a server's very first request, runs this script: it
sets the layout, the language switch and the account line, then ``st.navigation`` runs the
requested page from the top-level ``pages/`` folder (see ``dashboard/app/__init__.py``).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app/main.py` from any folder
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard.app import guard, session, state  # noqa: E402

st.set_page_config(page_title="Präventionsatlas", page_icon="🧭", layout="wide")
state.page_style()
state.language_selector()
pages = [st.Page(state.page_file(name), title=state.t(f"page_{name}"), icon=icon, url_path=name if name != "home" else
                 "start", default=name == "home") for name, icon in state.PAGES.items()]
# `/home` (linked in older notes and bookmarks) leads to the start page, keeping the view's parameters.
home_alias = st.Page(lambda: st.switch_page(pages[0], query_params=st.query_params.to_dict()), title=state.t("page_home"),
                     url_path="home", visibility="hidden")
footer = [st.Page(state.page_file(name), title=state.t(f"page_{name}"), icon=icon, url_path=name, visibility="hidden")
          for name, icon in state.FOOTER_PAGES.items()]
session.account_badge()
navigation = st.navigation([*pages, home_alias, *footer], expanded=True)
for page in footer:  # e.g. the accessibility statement, reachable from every page
    st.sidebar.page_link(page, label=page.title, icon=page.icon)
guard.run_guarded(navigation)
