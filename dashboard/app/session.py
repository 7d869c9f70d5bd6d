"""Who is signed in (local account or single sign-on) and what their role may see."""

from __future__ import annotations

import logging

import streamlit as st

from dashboard.app.state import lang, settings, t
from dashboard.model.problems import ProblemError
from dashboard.present import problems
from dashboard.present.format import md

log = logging.getLogger("praeventionsatlas")


def sign_in_guard():
    """The throttles for local sign-in: counted in the installation's shared store (every server
    process sees the same counts; :func:`dashboard.model.accounts.open_auth_store`)."""
    where = _store_key()
    return _guard(*where) if where is not None else _memory_guard()


@st.cache_resource(show_spinner=False)
def _guard(accounts: str, workspace: str):
    from dashboard.model.accounts import SignInGuard

    return SignInGuard.shared(_open_store(accounts, workspace))  # the same store as tickets and revocations


@st.cache_resource(show_spinner=False)
def _memory_guard():
    from dashboard.model.accounts import SignInGuard

    return SignInGuard()


def _store_key() -> tuple[str, str] | None:
    path = settings().accounts
    if path is None or not path.exists():
        return None
    return str(path), str(settings().workspace)


def _store():
    """The shared sign-in store of the installation (None without an accounts file)."""
    where = _store_key()
    return _open_store(*where) if where is not None else None


@st.cache_resource(show_spinner=False)
def _open_store(accounts: str, workspace: str):
    from dashboard.model.accounts import open_auth_store

    return open_auth_store(accounts, workspace)


def _keys():
    from dashboard.model.sessions import session_keys

    store = _store()
    if store is None:
        return None
    return session_keys(settings().accounts, database=store if hasattr(store, "session_secret") else None)


def _route(name: str) -> str:
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + (base + "/" if base else "") + name


def _post(route: str, body: str = "") -> None:
    """Let the browser send one POST to our own server (it receives or deletes the cookie)."""
    import json

    st.sidebar.html(f"<script>fetch({json.dumps(_route(route))}, {{method: 'POST', body: {json.dumps(body)}, "
            "credentials: 'same-origin', cache: 'no-store'}).catch(function() {});</script>",
            unsafe_allow_javascript=True, width="content")


def remember_sign_in(account) -> None:
    """After a local sign-in: the session's identity, and a one-time ticket the page hands to
    the server for the session cookie (the next run sends it, see :func:`restore_sign_in`).
    A session cookie held before is revoked: the sign-in rotates it."""
    import time

    forget_sign_in(delete_cookie=False)
    st.session_state.update(user=account.name, role=account.role, organisation=account.organisation, auth="local")
    store = _store()
    if store is not None and _keys() is not None:
        st.session_state["_session_ticket"] = store.issue_ticket(account.name, time.time())


def forget_sign_in(delete_cookie: bool = True) -> None:
    """Sign out: the session's identity gone, its cookie session revoked (for every server
    process) and the cookie deleted by the next run."""
    import time

    from dashboard.model.sessions import COOKIE

    keys, store = _keys(), _store()
    if keys is not None and store is not None:
        session = keys.read(st.context.cookies.get(COOKIE), time.time())
        if session is not None:
            store.revoke(session.nonce, session.expires, time.time())
    for key in ("user", "role", "organisation", "auth"):
        st.session_state.pop(key, None)
    if delete_cookie:
        st.session_state["_session_end"] = True


def restore_sign_in() -> None:
    """Every run: hand a pending ticket to the server or delete a signed-out cookie; and, in a
    new browser session (a reload, a typed URL, a bookmark), take the sign-in from a valid,
    unrevoked session cookie whose account still exists (role from the accounts file)."""
    import time

    from dashboard.model.accounts import load_accounts
    from dashboard.model.sessions import COOKIE, ROUTE_END, ROUTE_START

    if st.session_state.pop("_session_end", False):
        _post(ROUTE_END)
        st.session_state["_cookie_gone"] = True  # this browser session's cookie is void until reloaded
    ticket = st.session_state.pop("_session_ticket", None)
    if ticket:
        _post(ROUTE_START, ticket)
        st.session_state.pop("_cookie_gone", None)
    if st.session_state.get("user") or st.session_state.get("_cookie_gone") or ticket:
        return
    value = st.context.cookies.get(COOKIE)
    keys, store = (_keys(), _store()) if value else (None, None)
    if keys is None or store is None:
        return
    session = keys.read(value, time.time())
    if session is None or store.is_revoked(session.nonce):
        return
    account = load_accounts(settings().accounts).get(session.user)
    if account is not None:
        st.session_state.update(user=account.name, role=account.role, organisation=account.organisation,
                                auth="local")


def client_address() -> str | None:
    """The browser's address: as the server sees it, or, behind a trusted reverse proxy
    (``PRAEVENTIONSATLAS_TRUSTED_PROXIES``), as the proxy's ``X-Forwarded-For`` names it."""
    from dashboard.model.settings import client_address as resolve

    address = st.context.ip_address
    peer = address if isinstance(address, str) else None
    trusted = settings().trusted_proxies
    if not trusted:
        return peer
    return resolve(peer, st.context.headers.get("X-Forwarded-For"), trusted)


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
        restore_sign_in()
    except ProblemError as exc:  # a broken accounts file: stay read-only, say why
        st.sidebar.error(t("accounts_error", detail=problems.message(exc.problem, lang())))
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
