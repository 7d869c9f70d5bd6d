"""Sign-in that lasts: a signed, expiring session cookie.

After a local sign-in the page hands a one-time ticket (:meth:`AuthStore.issue_ticket`) to the
server's ``/_pa/session`` route, which answers with the cookie ``pa_session`` (HttpOnly,
SameSite=Strict, Secure behind HTTPS, 8 hours); the browser sends it with every later page
load, so a reload, a typed URL or a bookmark keep the sign-in. The cookie holds the account
name, its expiry and a random nonce, signed with HMAC-SHA-256; it names no role (the role is
read from the accounts file each time). Signing out revokes the nonce in the shared store
(every server process sees it) and deletes the cookie. The key comes from
``PRAEVENTIONSATLAS_SESSION_SECRET`` or from a file beside the accounts file (0600), made once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from dashboard.model.secretfile import read_secret

COOKIE = "pa_session"
SESSION_S = 8 * 3600  # a working day
ROUTE_START, ROUTE_END = "_pa/session", "_pa/signout"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Session:
    user: str
    expires: float  # seconds since the epoch
    nonce: str


@dataclass(frozen=True)
class SessionKeys:
    """Makes and checks session cookie values with one secret."""

    secret: bytes

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self.secret, body.encode(), hashlib.sha256).digest())

    def make(self, user: str, now: float, valid_s: float = SESSION_S) -> tuple[str, Session]:
        session = Session(user, now + valid_s, secrets.token_urlsafe(16))
        body = _b64(json.dumps({"u": user, "e": session.expires, "n": session.nonce}).encode())
        return f"{body}.{self._mac(body)}", session

    def read(self, value: str | None, now: float) -> Session | None:
        """The session a cookie value stands for, or None (forged, damaged or expired)."""
        if not value or value.count(".") != 1 or len(value) > 1000:
            return None
        body, mac = value.split(".")
        if not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            data = json.loads(_unb64(body))
            session = Session(str(data["u"]), float(data["e"]), str(data["n"]))
        except (ValueError, KeyError, TypeError):
            return None
        return session if session.expires > now else None


def session_keys(accounts_path: str | os.PathLike, env: dict | None = None, database=None) -> SessionKeys | None:
    """The installation's session keys: from ``PRAEVENTIONSATLAS_SESSION_SECRET`` (any text; set
    the same for every server process), else from the workspace's database (``database``: a
    :class:`dashboard.model.postgis.DatabaseAuthStore`; made once, shared by every app server),
    else from ``<accounts file>.session-key`` (made once, 0600). None when none can be had
    (sign-in then lasts for the page only)."""
    env = os.environ if env is None else env
    given = env.get("PRAEVENTIONSATLAS_SESSION_SECRET", "")
    if given:
        return SessionKeys(hashlib.sha256(given.encode()).digest())
    if database is not None:
        return SessionKeys(database.session_secret())
    path = Path(accounts_path)
    secret = read_secret(path.with_name(path.name + ".session-key"))
    return SessionKeys(secret) if secret else None
