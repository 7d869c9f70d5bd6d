"""Sign in: single sign-on (OpenID Connect via st.login) and/or local accounts; without
either the app is read-only."""

import streamlit as st

from dashboard.app import session, state
from dashboard.app.state import t
from dashboard.model.accounts import load_accounts, needs_rehash, sign_in, upgrade_hash
from dashboard.model.problems import ProblemError
from dashboard.present import problems
from dashboard.present.format import md

cfg = state.settings()
st.title(t("page_account"))
sso = session.sso_configured()
if cfg.accounts is None and not sso:
    st.info(t("no_auth"))
    st.stop()

if st.session_state.get("user"):
    st.success(t("signed_in_as", name=md(st.session_state["user"]), role=t(f"role_{session.role()}")))
    if st.button(t("sign_out"), key="sign_out"):
        was_sso = st.session_state.get("auth") == "sso"
        session.forget_sign_in()
        if was_sso:
            st.logout()
        st.rerun()
    st.stop()

if sso:
    st.write(t("sso_hint"))
    if st.button(t("sso_sign_in"), key="sso_sign_in", type="primary"):
        st.login()
if cfg.accounts is None or (sso and not cfg.accounts.exists()):
    st.stop()
try:
    accounts = load_accounts(cfg.accounts)
except ProblemError as exc:
    st.error(t("accounts_error", detail=md(problems.message(exc.problem, state.lang()))))
    st.stop()
if not accounts:
    st.stop()
if sso:
    st.divider()
    st.caption(t("local_sign_in"))
with st.form("sign_in_form"):
    name = st.text_input(t("user_name"), key="login_name")
    password = st.text_input(t("password"), type="password", key="login_password")
    submitted = st.form_submit_button(t("sign_in"))
if submitted:
    result = sign_in(accounts, name.strip(), password, session.sign_in_guard(), session.client_address())
    account = result.account
    if result.wait_s > 0:
        st.error(t("login_throttled", seconds=int(result.wait_s + 0.999)))
    elif account is None:
        st.error(t("bad_login"))
    else:
        if needs_rehash(account.password):  # an older, weaker hash: stored again with today's parameters
            upgrade_hash(cfg.accounts, account.name, password)
        session.remember_sign_in(account)
        st.rerun()
