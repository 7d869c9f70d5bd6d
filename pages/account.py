"""Sign in: single sign-on (OpenID Connect via st.login) and/or local accounts; without
either the app is read-only."""

import streamlit as st

from dashboard import ui
from dashboard.auth import load_accounts, sign_in

cfg = ui.settings()
st.title(ui.t("page_account"))
sso = ui.sso_configured()
if cfg.accounts is None and not sso:
    st.info(ui.t("no_auth"))
    st.stop()

if st.session_state.get("user"):
    st.success(ui.t("signed_in_as", name=st.session_state["user"], role=ui.t(f"role_{ui.role()}")))
    if st.button(ui.t("sign_out"), key="sign_out"):
        was_sso = st.session_state.get("auth") == "sso"
        for key in ("user", "role", "organisation", "auth"):
            st.session_state.pop(key, None)
        if was_sso:
            st.logout()
        st.rerun()
    st.stop()

if sso:
    st.write(ui.t("sso_hint"))
    if st.button(ui.t("sso_sign_in"), key="sso_sign_in", type="primary"):
        st.login()
if cfg.accounts is None or (sso and not cfg.accounts.exists()):
    st.stop()
try:
    accounts = load_accounts(cfg.accounts)
except ValueError as exc:
    st.error(ui.t("accounts_error", detail=str(exc)))
    st.stop()
if not accounts:
    st.stop()
if sso:
    st.divider()
    st.caption(ui.t("local_sign_in"))
with st.form("sign_in_form"):
    name = st.text_input(ui.t("user_name"), key="login_name")
    password = st.text_input(ui.t("password"), type="password", key="login_password")
    submitted = st.form_submit_button(ui.t("sign_in"))
if submitted:
    result = sign_in(accounts, name.strip(), password, ui.sign_in_guard(), ui.client_address())
    account = result.account
    if result.wait_s > 0:
        st.error(ui.t("login_throttled", seconds=int(result.wait_s + 0.999)))
    elif account is None:
        st.error(ui.t("bad_login"))
    else:
        st.session_state.update(user=account.name, role=account.role, organisation=account.organisation,
                                auth="local")
        st.rerun()
