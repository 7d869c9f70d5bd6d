"""Local accounts, password hashes, sign-in and what each role sees."""

from __future__ import annotations

import subprocess
import sys

import pytest

from apptest_util import map_args, run_app
from conftest import ROOT
from dashboard.auth import add_account, authenticate, hash_password, load_accounts, verify_password


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
    with pytest.raises(ValueError, match="organisation"):
        add_account(path, "x", "partner", "partner123")
    path.write_text('[users.eve]\nrole = "admin"\npassword = "scrypt$1"\n')
    with pytest.raises(ValueError, match="konten.toml, account 'eve', field 'role'"):
        load_accounts(path)


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
    from dashboard.auth import add_sso_user, load_sso_roles

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
    with pytest.raises(ValueError, match="organisation"):
        add_sso_user(path, "x@stadt.de", "partner")
    with pytest.raises(ValueError, match="e-mail"):
        add_sso_user(path, 'x"]\n[users.evil', "planner")
    path.write_text('[sso]\ndefault_role = "partner"\n')
    with pytest.raises(ValueError, match=r"konten.toml, \[sso\], field 'default_role'"):
        load_sso_roles(path)


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
    from dashboard.auth import add_sso_user, load_sso_roles

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
    with pytest.raises(ValueError, match="SSO group 'team', field 'organisation'"):
        load_sso_roles(path)


def test_broken_sso_keeps_the_app_read_only(monkeypatch):
    from dashboard import ui

    def broken():
        raise RuntimeError("incomplete [auth] section")

    monkeypatch.setattr(ui, "_identify_sso_user", broken)
    at = run_app()  # the home page (entry-script elements are kept only on the first run)
    assert not at.exception
    assert "fehlerhaft eingerichtet" in at.sidebar.error[0].value
    assert "role" not in at.session_state
    at.switch_page("pages/map.py").run()
    assert not at.exception
