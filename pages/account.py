"""Sign in with a local account (salted password hashes); without accounts: read-only."""

import streamlit as st

from dashboard import ui
from dashboard.auth import authenticate, load_accounts

cfg = ui.settings()
st.title(ui.t("page_account"))
if cfg.accounts is None:
    st.info(ui.t("no_auth"))
    st.stop()
try:
    accounts = load_accounts(cfg.accounts)
except ValueError as exc:
    st.error(ui.t("accounts_error", detail=str(exc)))
    st.stop()

if st.session_state.get("user"):
    st.success(ui.t("signed_in_as", name=st.session_state["user"], role=ui.t(f"role_{ui.role()}")))
    if st.button(ui.t("sign_out"), key="sign_out"):
        for key in ("user", "role", "organisation"):
            st.session_state.pop(key, None)
        st.rerun()
    st.stop()

with st.form("sign_in_form"):
    name = st.text_input(ui.t("user_name"), key="login_name")
    password = st.text_input(ui.t("password"), type="password", key="login_password")
    submitted = st.form_submit_button(ui.t("sign_in"))
if submitted:
    account = authenticate(accounts, name.strip(), password)
    if account is None:
        st.error(ui.t("bad_login"))
    else:
        st.session_state.update(user=account.name, role=account.role, organisation=account.organisation)
        st.rerun()
