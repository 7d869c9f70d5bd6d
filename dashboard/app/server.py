"""``python -m dashboard serve``: start the app server without any outside request."""

from __future__ import annotations

import sys

from dashboard.model.settings import ENTRY_SCRIPT


def serve(streamlit_args: list[str]) -> int:
    """``streamlit run dashboard/app/main.py`` with Streamlit's external-IP lookup switched off.

    Streamlit asks checkip.amazonaws.com for the machine's public address when it prints its
    URLs on a wildcard address and when a browser connects under a name it does not know; a
    municipal intranet must see no such request (and no 2 s wait for its time-out)."""
    from streamlit import net_util
    from streamlit.web import cli as streamlit_cli

    net_util.get_external_ip = lambda: None
    _page_language(_default_language())
    sys.argv = ["streamlit", "run", str(ENTRY_SCRIPT), *streamlit_args]
    return streamlit_cli.main()


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
