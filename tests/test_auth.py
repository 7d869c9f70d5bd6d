"""Local accounts, password hashes, sign-in and what each role sees."""

from __future__ import annotations

import subprocess
import sys

import pytest
from apptest_util import map_args, run_app
from conftest import ROOT

from dashboard.model.accounts import (
    AccountsError,
    add_account,
    authenticate,
    hash_password,
    load_accounts,
    verify_password,
)
from dashboard.present.problems import message


def rejected(call, *args, **kwargs):
    """The one problem an accounts call raises, as (file, section, field, code) and its German words."""
    with pytest.raises(AccountsError) as info:
        call(*args, **kwargs)
    p = info.value.problem
    return (p.file and str(p.file).rsplit("/", 1)[-1], p.layer, p.field, p.code), message(p, "de")


def test_hashes_are_salted_and_verified():
    a, b = hash_password("geheim123"), hash_password("geheim123")
    assert a != b and a.startswith("scrypt$")
    assert verify_password("geheim123", a) and not verify_password("geheim124", a)
    assert not verify_password("x", "not a hash")
    with pytest.raises(ValueError):
        hash_password("kurz")


def test_accounts_file(tmp_path):
    path = tmp_path / "konten.toml"
    add_account(path, "anna", "planner", "geheim123")
    add_account(path, "awo", "partner", "partner123", organisation="P003")
    accounts = load_accounts(path)
    assert accounts["awo"].organisation == "P003" and accounts["anna"].role == "planner"
    assert "geheim123" not in path.read_text()
    assert authenticate(accounts, "anna", "geheim123").role == "planner"
    assert authenticate(accounts, "anna", "falsch") is None and authenticate(accounts, "nobody", "x") is None
    where, _ = rejected(add_account, path, "x", "partner", "partner123")
    assert where[2:] == ("organisation", "partner_needs_organisation")
    path.write_text('[users.eve]\nrole = "admin"\npassword = "scrypt$1"\n')
    where, words = rejected(load_accounts, path)
    assert where == ("konten.toml", "users", "role", "unknown_value")
    assert "konten.toml" in words and "'role'" in words and "admin" in words


def test_cli_adds_accounts_without_echoing_passwords(tmp_path):
    path = tmp_path / "konten.toml"
    result = subprocess.run([sys.executable, "-m", "dashboard", "user", "add", "anna", "--role", "planner",
                             "--accounts", str(path), "--password-stdin"], input="geheim123\n", cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0 and "geheim123" not in result.stdout + path.read_text()
    listed = subprocess.run([sys.executable, "-m", "dashboard", "user", "list", "--accounts", str(path)], cwd=ROOT,
                            capture_output=True, text=True)
    assert "anna" in listed.stdout and "planner" in listed.stdout


def test_without_accounts_the_app_is_read_only(monkeypatch):
    monkeypatch.delenv("PRAEVENTIONSATLAS_ACCOUNTS", raising=False)
    at = run_app("pages/account.py")
    assert "nur lesend" in at.info[0].value


def test_sign_in_as_planner_shows_personal_contacts(monkeypatch, tmp_path, demo_ws):
    path = tmp_path / "konten.toml"
    add_account(path, "anna", "planner", "geheim123")
    monkeypatch.setenv("PRAEVENTIONSATLAS_ACCOUNTS", str(path))
    at = run_app("pages/account.py")
    at.text_input(key="login_name").input("anna")
    at.text_input(key="login_password").input("falsch!!")
    at.button[0].click().run()
    assert at.error[0].value == "Benutzername oder Passwort falsch."
    assert "role" not in at.session_state  # still a viewer
    at.text_input(key="login_password").input("geheim123")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["role"] == "planner" and at.session_state["user"] == "anna"
    at.switch_page("pages/map.py").run()
    assert demo_ws.offers["contact_email"].iloc[0] in map_args(at)["feature_group"]


def test_sso_roles_map_verified_emails(tmp_path):
    from dashboard.model.accounts import add_sso_user, load_sso_roles

    path = tmp_path / "konten.toml"
    add_account(path, "anna", "planner", "geheim123")
    add_sso_user(path, "Bea@Stadt.de", "partner", organisation="P003")
    add_sso_user(path, "carl@stadt.de", "planner")
    add_account(path, "dora", "viewer", "geheim456")  # rewriting keeps the SSO section
    sso = load_sso_roles(path)
    assert set(load_accounts(path)) == {"anna", "dora"}
    bea = sso.account({"email": "bea@stadt.de", "email_verified": True, "name": "Bea B."})
    assert (bea.name, bea.role, bea.organisation) == ("Bea B.", "partner", "P003")
    assert sso.account({"email": "CARL@stadt.de"}).role == "planner"
    # unverified or unknown addresses get the default role only
    assert sso.account({"email": "carl@stadt.de", "email_verified": False}).role == "viewer"
    assert sso.account({"email": "eve@example.org"}).role == "viewer"
    assert sso.account({"sub": "xyz"}).role == "viewer"
    assert load_sso_roles(tmp_path / "missing.toml").account({"email": "carl@stadt.de"}).role == "viewer"
    assert rejected(add_sso_user, path, "x@stadt.de", "partner")[0][2] == "organisation"
    assert rejected(add_sso_user, path, 'x"]\n[users.evil', "planner")[0][3] == "email_invalid"
    path.write_text('[sso]\ndefault_role = "partner"\n')
    where, words = rejected(load_sso_roles, path)
    assert where[:3] == ("konten.toml", "sso", "default_role") and "default_role" in words


def test_cli_adds_sso_user(tmp_path):
    path = tmp_path / "konten.toml"
    result = subprocess.run([sys.executable, "-m", "dashboard", "user", "add", "anna@stadt.de", "--role", "planner",
                             "--sso", "--accounts", str(path)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    listed = subprocess.run([sys.executable, "-m", "dashboard", "user", "list", "--accounts", str(path)], cwd=ROOT,
                            capture_output=True, text=True)
    assert "anna@stadt.de" in listed.stdout and "(SSO)" in listed.stdout


def test_sso_page_offers_the_login_button(monkeypatch):
    monkeypatch.delenv("PRAEVENTIONSATLAS_ACCOUNTS", raising=False)
    at = run_app("pages/account.py", secrets={"auth": {"redirect_uri": "http://127.0.0.1:1/oauth2callback",
                                                       "cookie_secret": "x"}})
    assert not at.exception
    assert [b.label for b in at.button] == ["Mit Verwaltungskonto anmelden"]
    assert not at.info  # not the "no sign-in configured" notice


def test_sso_roles_by_group_claim(tmp_path):
    from dashboard.model.accounts import add_sso_user, load_sso_roles

    path = tmp_path / "konten.toml"
    path.write_text('[sso]\ngroup_claim = "roles"\n\n[sso.groups]\n"jugendamt-planung" = "planner"\n'
                    '"awo-team" = { role = "partner", organisation = "P003" }\n"gaeste" = "viewer"\n')
    sso = load_sso_roles(path)
    assert sso.account({"email": "x@stadt.de", "roles": ["gaeste", "jugendamt-planung"]}).role == "planner"
    awo = sso.account({"email": "y@awo.de", "roles": "awo-team"})
    assert (awo.role, awo.organisation) == ("partner", "P003")
    assert sso.account({"email": "z@stadt.de", "groups": ["jugendamt-planung"]}).role == "viewer"  # other claim
    add_sso_user(path, "x@stadt.de", "viewer")  # an explicit e-mail entry wins over groups, file keeps groups
    sso = load_sso_roles(path)
    assert sso.account({"email": "x@stadt.de", "roles": ["jugendamt-planung"]}).role == "viewer"
    assert sso.group_claim == "roles" and set(sso.groups) == {"jugendamt-planung", "awo-team", "gaeste"}
    path.write_text('[sso.groups]\n"team" = { role = "partner" }\n')
    where, words = rejected(load_sso_roles, path)
    assert where[:3] == ("konten.toml", "sso.groups", "organisation") and "konten.toml" in words


def test_broken_sso_keeps_the_app_read_only(monkeypatch):
    from dashboard.app import session

    def broken():
        raise RuntimeError("incomplete [auth] section")

    monkeypatch.setattr(session, "_identify_sso_user", broken)
    at = run_app()  # the home page (entry-script elements are kept only on the first run)
    assert not at.exception
    assert "fehlerhaft eingerichtet" in at.sidebar.error[0].value
    assert "role" not in at.session_state
    at.switch_page("pages/map.py").run()
    assert not at.exception


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_throttle_grows_the_wait_and_never_locks():
    from dashboard.model.accounts import Throttle

    clock = FakeClock()
    throttle = Throttle(clock=clock)
    waits = []
    for _ in range(12):
        throttle.failed("anna")
        waits.append(throttle.wait_s("anna"))
    assert waits == [0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256]  # three free, then doubling, no lock
    throttle.failed("anna")
    assert throttle.wait_s("anna") == 300  # at most five minutes
    assert throttle.wait_s("ben") == 0  # per key
    clock.now += 299
    assert throttle.wait_s("anna") == pytest.approx(1)
    clock.now += 900
    assert throttle.wait_s("anna") == 0  # forgotten 15 minutes after the last failure
    throttle.failed("anna")
    assert throttle.wait_s("anna") == 0


def test_sign_in_refuses_while_throttled_and_logs_without_password(tmp_path, caplog):
    import logging

    from dashboard.model.accounts import SignInGuard, SignInResult, Throttle, sign_in

    path = tmp_path / "konten.toml"
    add_account(path, "anna", "planner", "geheim123")
    accounts = load_accounts(path)
    clock = FakeClock()
    guard = SignInGuard(Throttle(clock=clock), Throttle(free_attempts=10, clock=clock))
    caplog.set_level(logging.INFO, logger="praeventionsatlas.auth")
    for _ in range(4):
        assert sign_in(accounts, "anna", "falsch-123", guard, "10.0.0.7") == SignInResult(None, 0.0)
    refused = sign_in(accounts, "anna", "geheim123", guard, "10.0.0.7")  # the right password, too early
    assert refused.account is None and refused.wait_s == pytest.approx(1)
    clock.now += 1
    assert sign_in(accounts, "anna", "geheim123", guard, "10.0.0.7").account.role == "planner"
    assert guard.pairs.wait_s("anna\x1f10.0.0.7") == 0  # cleared by the success
    text = caplog.text
    assert "sign-in failed for account 'anna' from 10.0.0.7" in text and "throttled" in text
    assert "sign-in of account 'anna' (planner) from 10.0.0.7" in text
    assert "falsch-123" not in text and "geheim123" not in text
    # one client guessing many accounts is slowed down by the client throttle
    for k in range(11):  # ten free failures per client address, then a wait
        sign_in(accounts, f"user{k}", "x" * 8, guard, "10.0.0.9")
    assert sign_in(accounts, "anna", "geheim123", guard, "10.0.0.9").wait_s > 0


def test_password_guessing_on_the_sign_in_page(tmp_path, monkeypatch, caplog):
    """25 wrong passwords through the page within a second: after the fourth failure the page
    refuses without checking, and the right password does not work until the wait is over."""
    import logging

    from dashboard.app import session
    from dashboard.model.accounts import SignInGuard, Throttle

    path = tmp_path / "konten.toml"
    add_account(path, "anna", "planner", "geheim123")
    monkeypatch.setenv("PRAEVENTIONSATLAS_ACCOUNTS", str(path))
    clock = FakeClock()
    guard = SignInGuard(Throttle(clock=clock), Throttle(free_attempts=10, clock=clock))
    monkeypatch.setattr(session, "sign_in_guard", lambda: guard)
    caplog.set_level(logging.INFO, logger="praeventionsatlas.auth")
    at = run_app("pages/account.py")
    messages = []
    for _ in range(25):
        at.text_input(key="login_name").input("anna")
        at.text_input(key="login_password").input("falsch!!")
        at.button[0].click().run()
        messages.append(at.error[0].value)
    assert messages[:4] == ["Benutzername oder Passwort falsch."] * 4
    assert messages[4:] == ["Zu viele Fehlversuche: Anmeldung erst in 1 s wieder möglich."] * 21
    at.text_input(key="login_password").input("geheim123")
    at.button[0].click().run()
    assert at.error[0].value.startswith("Zu viele Fehlversuche") and "role" not in at.session_state
    clock.now += 1
    at.text_input(key="login_password").input("geheim123")
    at.button[0].click().run()
    assert at.session_state["role"] == "planner"
    assert caplog.text.count("sign-in failed for account 'anna'") >= 3 and "falsch!!" not in caplog.text


def test_a_stranger_cannot_lock_a_named_planner_out(tmp_path):
    """Wrong passwords for anna from anywhere else (many addresses, 30 tries) never refuse
    anna's own sign-in from her address; the stranger's own address is slowed down."""
    from dashboard.model.accounts import AuthStore, SignInGuard, sign_in, store_path

    path = tmp_path / "konten.toml"
    add_account(path, "anna", "planner", "geheim123")
    accounts = load_accounts(path)
    clock = FakeClock()
    guard = SignInGuard.shared(AuthStore(store_path(path)), clock=clock)
    for k in range(30):
        sign_in(accounts, "anna", "falsch-123", guard, f"203.0.113.{k % 10}")
        clock.now += 0.5
    assert sign_in(accounts, "anna", "geheim123", guard, "10.0.0.7").account.name == "anna"
    for _ in range(4):  # one address guessing fast is slowed down, even with the right password next
        sign_in(accounts, "anna", "falsch-123", guard, "203.0.113.1")
    assert sign_in(accounts, "anna", "geheim123", guard, "203.0.113.1").wait_s > 0


def test_throttle_counts_are_shared_between_processes(tmp_path):
    """Two server processes (two stores on one file) count the same failures."""
    from dashboard.model.accounts import AuthStore, SignInGuard, sign_in

    path = tmp_path / "konten.toml"
    add_account(path, "anna", "planner", "geheim123")
    accounts = load_accounts(path)
    clock = FakeClock()
    first = SignInGuard.shared(AuthStore(tmp_path / "state.sqlite"), clock=clock)
    second = SignInGuard.shared(AuthStore(tmp_path / "state.sqlite"), clock=clock)
    for guard in (first, second, first, second):
        sign_in(accounts, "anna", "falsch-123", guard, "10.0.0.7")
    assert second.pairs.wait_s("anna\x1f10.0.0.7") == pytest.approx(1)  # four failures seen by both
    assert oct((tmp_path / "state.sqlite").stat().st_mode & 0o777) == "0o600"


def test_old_hashes_are_upgraded_at_the_next_sign_in(tmp_path):
    import hashlib

    from dashboard.model import accounts as A

    path = tmp_path / "konten.toml"
    add_account(path, "anna", "planner", "geheim123")
    assert load_accounts(path)["anna"].password.startswith("scrypt$131072$8$1$")  # OWASP: N = 2^17
    salt = b"0123456789abcdef"
    old = "$".join(["scrypt", "16384", "8", "1", base64(salt),
                    base64(hashlib.scrypt(b"geheim123", salt=salt, n=2**14, r=8, p=1, dklen=32))])
    path.write_text(path.read_text().replace(load_accounts(path)["anna"].password, old))
    assert A.needs_rehash(old) and verify_password("geheim123", old)
    assert not A.upgrade_hash(path, "anna", "falsch-123")  # only with the right password
    assert A.upgrade_hash(path, "anna", "geheim123")
    stored = load_accounts(path)["anna"].password
    assert stored.startswith("scrypt$131072$") and verify_password("geheim123", stored)
    assert not A.needs_rehash(stored) and not A.upgrade_hash(path, "anna", "geheim123")


def base64(data: bytes) -> str:
    import base64 as b64

    return b64.b64encode(data).decode()


def test_session_cookie_values_are_signed_and_expire():
    from dashboard.model.sessions import SessionKeys

    keys = SessionKeys(b"k" * 32)
    value, session = keys.make("anna", now=1000.0, valid_s=60)
    assert keys.read(value, 1030.0) == session and session.user == "anna"
    assert keys.read(value, 1061.0) is None  # expired
    assert SessionKeys(b"x" * 32).read(value, 1030.0) is None  # another installation's key
    body, mac = value.split(".")
    import base64 as b64
    import json

    forged = b64.urlsafe_b64encode(json.dumps({"u": "admin", "e": 9e9, "n": "x"}).encode()).rstrip(b"=").decode()
    assert keys.read(f"{forged}.{mac}", 1030.0) is None and keys.read("garbage", 1030.0) is None
    assert keys.make("anna", 1000.0)[1].nonce != session.nonce  # a new nonce each sign-in


def test_client_address_behind_trusted_proxies():
    """Behind the city's reverse proxies the throttle counts the client named in X-Forwarded-For,
    never an address the client wrote into the header itself; without trusted proxies the
    header is ignored."""
    from dashboard.model.problems import ProblemError
    from dashboard.model.settings import client_address, from_env

    trusted = from_env({"PRAEVENTIONSATLAS_TRUSTED_PROXIES": "10.0.0.5, 10.0.1.0/24"}).trusted_proxies
    assert client_address("203.0.113.9", "198.51.100.7", trusted) == "203.0.113.9"  # not through a proxy
    assert client_address("10.0.0.5", "198.51.100.7", trusted) == "198.51.100.7"
    assert client_address("10.0.0.5", "6.6.6.6, 198.51.100.7, 10.0.1.3", trusted) == "198.51.100.7"  # two proxies
    assert client_address("10.0.0.5", None, trusted) == "10.0.0.5"
    assert client_address("10.0.0.5", "kein-ip", trusted) == "10.0.0.5"
    assert client_address("10.0.0.5", "198.51.100.7", ()) == "10.0.0.5"
    with pytest.raises(ProblemError) as caught:
        from_env({"PRAEVENTIONSATLAS_TRUSTED_PROXIES": "10.0.0.5, kein-netz"})
    assert caught.value.problem.field == "PRAEVENTIONSATLAS_TRUSTED_PROXIES"
