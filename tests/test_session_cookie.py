"""Sign-in that lasts, in Chromium with two app processes on one installation: the session
cookie (HttpOnly, SameSite=Strict) keeps the sign-in over a reload, a typed URL and the other
process; signing out revokes it for both."""

from __future__ import annotations

import re

from conftest import DEMO, app_idle, launch, new_context

from dashboard.model.accounts import add_account
from dashboard.model.sessions import COOKIE


def signed_in(page) -> bool:
    app_idle(page)
    page.wait_for_selector('[data-testid="stSidebar"]', timeout=60_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Angemeldet als", exact=False).or_(sidebar.get_by_text("Nur lesen", exact=False)) \
        .first.wait_for(timeout=60_000)
    return sidebar.get_by_text("Angemeldet als anna", exact=False).count() > 0


def sign_in_anna(page, url: str) -> None:
    """Sign in as anna / geheim123 on the server at ``url``: the page hands its one-time ticket
    to the server, which answers with the session cookie."""
    page.goto(url + "/account")
    page.get_by_label("Benutzername").fill("anna")
    page.get_by_label("Passwort").fill("geheim123")
    with page.expect_response(lambda r: r.url.endswith("/_pa/session"), timeout=60_000) as handed:
        page.get_by_role("button", name="Anmelden").click()
    assert handed.value.status == 204
    page.wait_for_selector("text=Angemeldet als anna", timeout=60_000)


def sign_out(page) -> None:
    """Press "Abmelden" on the account page shown; wait for the server's sign-out answer and
    the read-only view."""
    with page.expect_response(lambda r: r.url.endswith("/_pa/signout"), timeout=60_000):
        page.get_by_role("button", name="Abmelden").click()
    page.wait_for_selector("text=Nur lesen", timeout=60_000)


def test_sign_in_survives_reload_url_and_the_second_process(browser, tmp_path):
    accounts = tmp_path / "konten.toml"
    add_account(accounts, "anna", "planner", "geheim123")
    env = {"PRAEVENTIONSATLAS_ACCOUNTS": str(accounts)}
    first, second = launch(DEMO, env), launch(DEMO, env)  # two processes, one installation
    context = new_context(browser, width=1400, height=1000)
    try:
        page = context.new_page()
        sign_in_anna(page, first.url)
        cookie = next((c for c in context.cookies() if c["name"] == COOKIE), None)
        assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
        assert "anna" not in cookie["value"] or "." in cookie["value"]  # signed, not a bare name
        assert page.evaluate("document.cookie").find(COOKIE) == -1  # no script can read it
        page.reload()
        assert signed_in(page)
        page.goto(first.url + "/import")  # a typed URL
        assert signed_in(page) and page.get_by_text("Importieren dürfen nur", exact=False).count() == 0
        page.goto(second.url + "/account")  # the other process
        assert signed_in(page)
        sign_out(page)
        assert not any(c["name"] == COOKIE for c in context.cookies())
        page.goto(first.url + "/account")
        assert not signed_in(page)
        # a copy of the old cookie (stolen before sign-out) opens nothing: it was revoked
        context.add_cookies([{"name": COOKIE, "value": cookie["value"], "domain": cookie["domain"], "path": "/",
                              "httpOnly": True, "sameSite": "Strict"}])
        page.goto(second.url + "/account")
        assert not signed_in(page)
    finally:
        context.close()
        first.stop()
        second.stop()


def offers_shown(page, count: int) -> None:
    """Wait until the start page's metrics show ``count`` (the number of offers)."""
    page.get_by_test_id("stMetricValue").filter(has_text=re.compile(rf"^\s*{count}\s*$")).first.wait_for(
        timeout=60_000)


def test_two_app_servers_on_one_database_behave_as_one(browser, tmp_path, pg_workspace):
    """Two app servers with nothing shared but the database (each its own copy of the accounts
    file, as on two machines): a sign-in on one holds on the other, an edit saved through one is
    shown by the other at its next rerun, a sign-out on the other ends the session on both."""
    from dashboard.model.workspace import read_workspace
    from dashboard.sources import editing

    servers = []
    for machine in ("app1", "app2"):
        (tmp_path / machine).mkdir()
        accounts = tmp_path / machine / "konten.toml"
        add_account(accounts, "anna", "planner", "geheim123")
        servers.append(launch(pg_workspace, {"PRAEVENTIONSATLAS_ACCOUNTS": str(accounts)}))
    first, second = servers
    context = new_context(browser, width=1400, height=1000)
    try:
        page = context.new_page()
        page.goto(second.url + "/")
        app_idle(page)
        count = len(read_workspace(pg_workspace).current().offers)
        offers_shown(page, count)
        sign_in_anna(page, first.url)
        page.goto(second.url + "/account")  # the other server knows the session
        assert signed_in(page)
        ws = read_workspace(pg_workspace)  # an edit saved through the first server's code
        form = {**editing.form_values(ws.offers.iloc[0], "offers"), "name": "Neues Familiencafé"}
        editing.add_record(pg_workspace, "offers", form, user="anna", role="planner", record_id="NEU9")
        page.goto(second.url + "/")
        offers_shown(page, count + 1)
        page.goto(second.url + "/account")
        app_idle(page)
        sign_out(page)
        page.goto(first.url + "/account")
        assert not signed_in(page)
    finally:
        context.close()
        first.stop()
        second.stop()
