"""Who is signed in (local account or single sign-on) and what their role may see."""

from __future__ import annotations

import logging

import streamlit as st

from dashboard.app.state import lang, settings, t
from dashboard.model.problems import ProblemError
from dashboard.present import problems
from dashboard.present.format import md

log = logging.getLogger("praeventionsatlas")


@st.cache_resource(show_spinner=False)
def sign_in_guard():
    """The server's throttles for local sign-in (one per process, shared by all sessions)."""
    from dashboard.model.accounts import SignInGuard

    return SignInGuard()


def client_address() -> str | None:
    """The browser's address as the server sees it (a reverse proxy's address behind one)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None


def role() -> str:
    """The current user's role. Without configured authentication (or before signing in)
    the app is a read-only viewer (no personal contact data)."""
    return st.session_state.get("role", "viewer")


def sso_configured() -> bool:
    """True if single sign-on (OpenID Connect, ``[auth]`` in Streamlit's secrets.toml) is set up."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError):
        return False


@st.cache_data(show_spinner=False)
def _sso_roles(path: str | None, mtime_ns: int):
    from dashboard.model.accounts import load_sso_roles

    return load_sso_roles(path)


def _identify_sso_user() -> None:
    """Keep the session's role in step with the OIDC sign-in (``st.user``)."""
    if sso_configured() and st.user.is_logged_in:
        path = settings().accounts
        mtime = path.stat().st_mtime_ns if path is not None and path.exists() else 0
        account = _sso_roles(str(path) if path else None, mtime).account(st.user.to_dict())
        st.session_state.update(user=account.name, role=account.role, organisation=account.organisation,
                                auth="sso")
    elif st.session_state.get("auth") == "sso":
        for key in ("user", "role", "organisation", "auth"):
            st.session_state.pop(key, None)


def account_badge() -> None:
    """Sidebar line: who is signed in, or read-only."""
    try:
        _identify_sso_user()
    except ProblemError as exc:  # a broken accounts file: stay read-only, say why
        st.sidebar.error(t("accounts_error", detail=problems.message(exc.problem, lang())))
    except Exception:  # e.g. an incomplete [auth] section: the app stays usable, read-only
        log.exception("single sign-on is misconfigured")
        st.sidebar.error(t("sso_error"))
    user = st.session_state.get("user")
    if user:
        st.sidebar.caption(t("signed_in_as", name=md(user), role=t(f"role_{role()}")))
    else:
        st.sidebar.caption(t("read_only"))


def may_see_personal_contacts() -> bool:
    from dashboard.model.roles import can_see_personal_contacts

    return can_see_personal_contacts(role())
