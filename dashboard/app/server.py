"""``python -m dashboard serve``: start the app server without any outside request."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from dashboard.model.settings import ENTRY_SCRIPT

PROJECT_CONFIG = Path(ENTRY_SCRIPT).resolve().parents[2] / ".streamlit" / "config.toml"
"""The app's Streamlit settings (no usage statistics, no error details, no file watcher, no
garbage collection after every run …); :func:`serve` passes them as options, so they hold
when the app is started from another folder, where Streamlit would not find this file."""


def serve(streamlit_args: list[str]) -> int:
    """``streamlit run dashboard/app/main.py`` with Streamlit's external-IP lookup switched off.

    Streamlit asks checkip.amazonaws.com for the machine's public address when it prints its
    URLs on a wildcard address and when a browser connects under a name it does not know; a
    municipal intranet must see no such request (and no 2 s wait for its time-out)."""
    from streamlit import net_util
    from streamlit.web import cli as streamlit_cli

    net_util.get_external_ip = lambda: None
    _page_language(_default_language())
    _session_routes()
    sys.argv = ["streamlit", "run", str(ENTRY_SCRIPT), *project_options(), *streamlit_args]
    return streamlit_cli.main()


def project_options(path: Path = PROJECT_CONFIG) -> list[str]:
    """The settings in ``path`` as ``streamlit run`` options (``--section.name=value``); options
    given to :func:`serve` come after them and win. No file (an installed package): none."""
    if not path.is_file():
        return []
    options = []
    for section, values in tomllib.loads(path.read_text(encoding="utf-8")).items():
        for name, value in values.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            options.append(f"--{section}.{name}={text}")
    return options


def _default_language() -> str:
    """The UI's default language (PRAEVENTIONSATLAS_LANG; German when unset or invalid: the
    app itself reports an invalid setting)."""
    from dashboard.model.problems import ProblemError
    from dashboard.model.settings import from_env

    try:
        return from_env().lang
    except ProblemError:
        return "de"


def _page_language(code: str) -> None:
    """Streamlit's page says ``<html lang="en">``; ours speaks German by default: the page is
    sent with ``lang="de"`` (the app sets it again when a user switches,
    :func:`dashboard.app.state.document_language`). Wraps Streamlit's static file handler; if
    Streamlit's internals change, the page keeps its own attribute and the app's script alone
    sets it."""
    try:
        from starlette.responses import FileResponse, Response
        from streamlit.web.server.starlette import starlette_static_routes as routes
    except ImportError:  # another Streamlit server
        return
    original = routes.create_streamlit_static_handler

    def create(directory, base_url):
        handler = original(directory, base_url)
        served = type(handler).get_response

        async def get_response(self, path, scope):
            response = await served(self, path, scope)
            if isinstance(response, FileResponse) and str(response.path).endswith("index.html"):
                with open(response.path, "rb") as page:
                    body = page.read().replace(b'<html lang="en">', f'<html lang="{code}">'.encode(), 1)
                headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "etag",
                                                                                       "last-modified")}
                return Response(body, status_code=response.status_code, headers=headers, media_type="text/html")
            return response

        type(handler).get_response = get_response
        return handler

    routes.create_streamlit_static_handler = create


def _session_routes() -> None:
    """Two routes beside Streamlit's own (its script cannot set an HttpOnly cookie):
    ``POST /_pa/session`` takes a one-time sign-in ticket and answers with the session cookie;
    ``POST /_pa/signout`` revokes the cookie's session and deletes the cookie
    (:mod:`dashboard.model.sessions`)."""
    try:
        from streamlit.web.server.starlette import starlette_app
    except ImportError:  # another Streamlit server: sign-in lasts for the page only
        return
    original = starlette_app.create_streamlit_routes

    def create(runtime):
        from starlette.routing import Route
        from streamlit import config
        from streamlit.url_util import make_url_path

        from dashboard.model.sessions import ROUTE_END, ROUTE_START

        base_url = config.get_option("server.baseUrlPath")
        return [Route(make_url_path(base_url, "/" + ROUTE_START), _start_session, methods=["POST"]),
                Route(make_url_path(base_url, "/" + ROUTE_END), _end_session, methods=["POST"]),
                *original(runtime)]

    starlette_app.create_streamlit_routes = create


def _installation():
    """(accounts file, shared store, session keys) of the configured installation, or None."""
    from dashboard.model.accounts import open_auth_store
    from dashboard.model.problems import ProblemError
    from dashboard.model.sessions import session_keys
    from dashboard.model.settings import from_env

    try:
        settings = from_env()
        accounts = settings.accounts
        if accounts is None or not accounts.exists():
            return None
        store = open_auth_store(accounts, settings.workspace)
    except ProblemError:
        return None
    keys = session_keys(accounts, database=store if hasattr(store, "session_secret") else None)
    return (accounts, store, keys) if keys else None


def _cookie_options(request) -> dict:
    from dashboard.model.sessions import COOKIE

    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"
    return {"key": COOKIE, "path": "/", "httponly": True, "samesite": "strict", "secure": secure}


async def _start_session(request):
    import time

    from starlette.responses import Response

    from dashboard.model.sessions import SESSION_S

    found = _installation()
    ticket = (await request.body())[:200].decode("ascii", "replace").strip()
    if found is None or not ticket:
        return Response(status_code=404)
    _, store, keys = found
    user = store.redeem_ticket(ticket, time.time())
    if user is None:
        return Response(status_code=403)
    value, _ = keys.make(user, time.time())
    response = Response(status_code=204)
    response.set_cookie(value=value, max_age=SESSION_S, **_cookie_options(request))
    return response


async def _end_session(request):
    import time

    from starlette.responses import Response

    from dashboard.model.sessions import COOKIE

    found = _installation()
    if found is not None:
        _, store, keys = found
        session = keys.read(request.cookies.get(COOKIE), time.time())
        if session is not None:
            store.revoke(session.nonce, session.expires, time.time())
    response = Response(status_code=204)
    options = _cookie_options(request)
    response.delete_cookie(options.pop("key"), **options)
    return response
