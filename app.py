"""Präventionsatlas – entry script: `streamlit run app.py` (or `make run`)."""

import streamlit as st

from dashboard import ui

st.set_page_config(page_title="Präventionsatlas", page_icon="🧭", layout="wide")
ui.language_selector()
pages = [
    st.Page("pages/home.py", title=ui.t("page_home"), icon=":material/home:", url_path="home", default=True),
    st.Page("pages/map.py", title=ui.t("page_map"), icon=":material/map:", url_path="map"),
    st.Page("pages/chain.py", title=ui.t("page_chain"), icon=":material/timeline:", url_path="chain"),
    st.Page("pages/gaps.py", title=ui.t("page_gaps"), icon=":material/troubleshoot:", url_path="gaps"),
    st.Page("pages/profile.py", title=ui.t("page_profile"), icon=":material/description:", url_path="profile"),
    st.Page("pages/partner.py", title=ui.t("page_partner"), icon=":material/handshake:", url_path="partner"),
    st.Page("pages/lotse.py", title=ui.t("page_lotse"), icon=":material/family_restroom:", url_path="lotse"),
    st.Page("pages/networks.py", title=ui.t("page_networks"), icon=":material/hub:", url_path="networks"),
    st.Page("pages/present.py", title=ui.t("page_present"), icon=":material/slideshow:", url_path="present"),
    st.Page("pages/edit.py", title=ui.t("page_edit"), icon=":material/edit_note:", url_path="edit"),
    st.Page("pages/import.py", title=ui.t("page_import"), icon=":material/upload_file:", url_path="import"),
    st.Page("pages/account.py", title=ui.t("page_account"), icon=":material/login:", url_path="account"),
]
ui.account_badge()
ui.run_guarded(st.navigation(pages))
