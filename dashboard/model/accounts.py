"""Local accounts with salted password hashes (scrypt) and the roles they grant.

The accounts file (TOML, path in PRAEVENTIONSATLAS_ACCOUNTS) is written by
``python -m dashboard user add NAME --role planner|partner|viewer [--organisation ID]``;
there are no default passwords. Without an accounts file the app is a read-only viewer.

    [users.anna]
    role = "planner"
    password = "scrypt$131072$8$1$<salt>$<hash>"

    [users.awo]
    role = "partner"
    organisation = "P003"          # partner_id whose offers this account may edit
    password = "scrypt$..."

With single sign-on (OpenID Connect through Streamlit's ``st.login``, configured in
``.streamlit/secrets.toml``) the same file maps verified e-mail addresses to roles
(``python -m dashboard user add anna@stadt.de --role planner --sso``):

    [sso]
    default_role = "viewer"        # any other signed-in person

    [sso.users."anna@stadt.de"]
    role = "planner"

    [sso.groups]                   # groups named in the ID token's claim (group_claim = "groups")
    "jugendamt-planung" = "planner"
    "awo-team" = { role = "partner", organisation = "P003" }
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from dashboard.model.problems import ProblemError, problem
from dashboard.model.roles import ROLES


class AccountsError(ProblemError):
    """The accounts file, or an account to be added, is not valid (file, section, field, code)."""


_N, _R, _P = 2**17, 8, 1  # OWASP's scrypt parameters (N = 2^17, r = 8, p = 1): 128 MiB, about 0.3 s
_MAXMEM = 256 * 1024 * 1024


def hash_password(password: str) -> str:
    """A salted scrypt hash ('scrypt$N$r$p$salt$hash', base64) of a non-empty password."""
    if not password or len(password) < 8:
        raise AccountsError([problem("password_short", field="password", n=8)])
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32, maxmem=_MAXMEM)
    return "$".join(["scrypt", str(_N), str(_R), str(_P), base64.b64encode(salt).decode(),
                     base64.b64encode(digest).decode()])


def verify_password(password: str, stored: str) -> bool:
    """True if ``password`` matches the stored hash (constant-time comparison)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected), maxmem=_MAXMEM)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str) -> bool:
    """True for a hash made with weaker parameters than today's (upgraded at the next sign-in)."""
    try:
        kind, n, r, p, _, _ = stored.split("$")
        return kind != "scrypt" or (int(n), int(r), int(p)) < (_N, _R, _P)
    except ValueError:
        return True


def upgrade_hash(path: str | os.PathLike, name: str, password: str) -> bool:
    """After a successful sign-in: store the account's hash again with today's parameters if
    it was made with weaker ones (written atomically). True when it was upgraded."""
    path = Path(path)
    accounts = load_accounts(path)
    account = accounts.get(name)
    if account is None or not needs_rehash(account.password) or not verify_password(password, account.password):
        return False
    accounts[name] = replace(account, password=hash_password(password))
    _write(path, accounts, load_sso_roles(path))
    log.info("password hash of account %r upgraded to scrypt N=%d", name, _N)
    return True


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    organisation: str | None
    password: str


def load_accounts(path: str | os.PathLike) -> dict[str, Account]:
    """Accounts from the TOML file; raises :class:`AccountsError` naming the file, account and field."""
    path = Path(path)
    accounts = {}
    for name, entry in _read_toml(path).get("users", {}).items():
        role = entry.get("role")
        _check_role(path, "users", name, role, entry.get("organisation"))
        if not str(entry.get("password", "")).startswith("scrypt$"):
            raise AccountsError([problem("password_not_hash", file=path, layer="users", field="password", record_id=name)])
        accounts[name] = Account(name, role, entry.get("organisation"), entry["password"])
    return accounts


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AccountsError([problem("accounts_unreadable", file=path, detail=str(exc)[:200])]) from exc


def _check_role(path: Path, where: str, name: str, role, organisation) -> None:
    if role not in ROLES:
        raise AccountsError([problem("unknown_value", file=path, layer=where, field="role", record_id=name, value=role,
                                     known=", ".join(ROLES))])
    if role == "partner" and not organisation:
        raise AccountsError([problem("partner_needs_organisation", file=path, layer=where, field="organisation",
                                     record_id=name)])


@dataclass(frozen=True)
class SsoRoles:
    """Roles of people signed in through OpenID Connect: by verified e-mail address, else by
    a group the identity provider names in the ``group_claim`` (e.g. Keycloak's ``groups``)."""

    default_role: str = "viewer"
    users: dict = None  # lower-case e-mail -> (role, organisation)
    groups: dict = None  # group name -> (role, organisation)
    group_claim: str = "groups"

    def account(self, claims) -> Account:
        """The account for the identity provider's claims (``st.user``): the listed role for a
        verified e-mail address; else the strongest role of the person's listed groups
        (planner > partner > viewer); else ``default_role`` (a partner role is never a default)."""
        email = str(claims.get("email") or "").strip().lower()
        verified = claims.get("email_verified", True) not in (False, "false")
        name = str(claims.get("name") or email or claims.get("sub") or "?")
        if verified and email and email in (self.users or {}):
            role, organisation = self.users[email]
            return Account(name, role, organisation, "")
        member_of = claims.get(self.group_claim) or []
        member_of = [member_of] if isinstance(member_of, str) else list(member_of)
        granted = [(self.groups or {})[g] for g in map(str, member_of) if g in (self.groups or {})]
        if granted:
            role, organisation = min(granted, key=lambda r: ROLES.index(r[0]))
            return Account(name, role, organisation, "")
        return Account(name, self.default_role, None, "")


def load_sso_roles(path: str | os.PathLike | None) -> SsoRoles:
    """The ``[sso]`` section of the accounts file (no file: everybody is a viewer)."""
    if path is None or not Path(path).exists():
        return SsoRoles(users={}, groups={})
    path = Path(path)
    section = _read_toml(path).get("sso", {})
    default = section.get("default_role", "viewer")
    if default not in ("planner", "viewer"):
        raise AccountsError([problem("unknown_value", file=path, layer="sso", field="default_role", value=default,
                                     known="viewer, planner")])
    users = {}
    for email, entry in section.get("users", {}).items():
        _check_role(path, "sso.users", email, entry.get("role"), entry.get("organisation"))
        users[email.strip().lower()] = (entry["role"], entry.get("organisation"))
    groups = {}
    for group, entry in section.get("groups", {}).items():
        entry = {"role": entry} if isinstance(entry, str) else entry
        _check_role(path, "sso.groups", group, entry.get("role"), entry.get("organisation"))
        groups[group] = (entry["role"], entry.get("organisation"))
    return SsoRoles(default, users, groups, str(section.get("group_claim", "groups")))


def authenticate(accounts: dict[str, Account], name: str, password: str) -> Account | None:
    """The account if name and password match, else None (same work either way)."""
    account = accounts.get(name)
    ok = verify_password(password, account.password if account else hash_password_dummy())
    return account if account and ok else None


_DUMMY = None
log = logging.getLogger("praeventionsatlas.auth")


class AuthStore:
    """Sign-in state shared by every server process of one installation: failed attempts, the
    one-time tickets that turn a sign-in into a session cookie, and revoked sessions. A SQLite
    file beside the accounts file (0600); each change is one transaction."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if not self.path.exists():
            self.path.touch(mode=0o600)
        with self._connect() as db:
            db.executescript("""
                CREATE TABLE IF NOT EXISTS failures (key TEXT PRIMARY KEY, count INTEGER, last REAL);
                CREATE TABLE IF NOT EXISTS tickets (token TEXT PRIMARY KEY, user TEXT, expires REAL);
                CREATE TABLE IF NOT EXISTS revoked (nonce TEXT PRIMARY KEY, expires REAL);""")

    def _connect(self):
        import sqlite3

        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 30000")
        return db

    def _transaction(self, work):
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            result = work(db)
            db.execute("COMMIT")
            return result
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    # failed attempts per key
    def failures(self, key: str) -> tuple[int, float]:
        db = self._connect()
        try:
            row = db.execute("SELECT count, last FROM failures WHERE key = ?", (key,)).fetchone()
        finally:
            db.close()
        return (int(row[0]), float(row[1])) if row else (0, 0.0)

    def add_failure(self, key: str, now: float, forget_s: float) -> int:
        def work(db):
            row = db.execute("SELECT count, last FROM failures WHERE key = ?", (key,)).fetchone()
            count = 1 if row is None or now - row[1] >= forget_s else row[0] + 1
            db.execute("INSERT OR REPLACE INTO failures VALUES (?, ?, ?)", (key, count, now))
            return count
        return self._transaction(work)

    def clear_failures(self, key: str) -> None:
        self._transaction(lambda db: db.execute("DELETE FROM failures WHERE key = ?", (key,)))

    # one-time tickets: a signed-in page hands its ticket to the server, which sets the cookie
    def issue_ticket(self, user: str, now: float, valid_s: float = 120.0) -> str:
        token = secrets.token_urlsafe(32)

        def work(db):
            db.execute("DELETE FROM tickets WHERE expires < ?", (now,))
            db.execute("INSERT INTO tickets VALUES (?, ?, ?)", (token, user, now + valid_s))
        self._transaction(work)
        return token

    def redeem_ticket(self, token: str, now: float) -> str | None:
        """The ticket's user, once (the ticket is gone afterwards); None if unknown or expired."""
        def work(db):
            row = db.execute("SELECT user, expires FROM tickets WHERE token = ?", (token,)).fetchone()
            db.execute("DELETE FROM tickets WHERE token = ?", (token,))
            return row[0] if row and row[1] >= now else None
        return self._transaction(work)

    # revoked sessions (signed out before they expired)
    def revoke(self, nonce: str, expires: float, now: float) -> None:
        def work(db):
            db.execute("DELETE FROM revoked WHERE expires < ?", (now,))
            db.execute("INSERT OR REPLACE INTO revoked VALUES (?, ?)", (nonce, expires))
        self._transaction(work)

    def is_revoked(self, nonce: str) -> bool:
        db = self._connect()
        try:
            return db.execute("SELECT 1 FROM revoked WHERE nonce = ?", (nonce,)).fetchone() is not None
        finally:
            db.close()


def store_path(accounts_path: str | os.PathLike) -> Path:
    """The shared sign-in state beside the accounts file (``konten.toml.state.sqlite``)."""
    path = Path(accounts_path)
    return path.with_name(path.name + ".state.sqlite")


def open_auth_store(accounts_path: str | os.PathLike, workspace=None):
    """The installation's shared sign-in store: in the workspace's database when ``workspace``
    is a database URL (app servers on several machines share it), else the file beside the
    accounts file (:func:`store_path`; the server processes of one machine share it)."""
    from dashboard.model.postgis import DatabaseAuthStore, is_database_url

    if workspace is not None and is_database_url(workspace):
        return DatabaseAuthStore(workspace)
    return AuthStore(store_path(accounts_path))


@dataclass
class Throttle:
    """Failed sign-ins per key, with a growing wait and no lock-out.

    The first ``free_attempts`` failures cost nothing; each further one doubles the wait
    before the next attempt of that key is accepted (1 s, 2 s, 4 s … at most ``max_delay_s``).
    While a key must wait, an attempt is refused without looking at the password. Failures
    are forgotten ``forget_s`` seconds after the last one; a success clears the key. Counted
    in ``store`` (shared by server processes) or, without one, in memory. Times are wall-clock
    seconds (``clock``)."""

    free_attempts: int = 3
    max_delay_s: float = 300.0
    forget_s: float = 900.0
    clock: Callable[[], float] = time.time
    store: AuthStore | None = None
    prefix: str = ""
    _failures: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _get(self, key: str) -> tuple[int, float]:
        if self.store is not None:
            return self.store.failures(self.prefix + key)
        with self._lock:
            return self._failures.get(key, (0, 0.0))

    def wait_s(self, key: str) -> float:
        """Seconds until ``key`` may try again (0: now)."""
        count, last = self._get(key)
        now = self.clock()
        if not count or now - last >= self.forget_s or count <= self.free_attempts:
            return 0.0
        wait = min(2.0 ** (count - self.free_attempts - 1), self.max_delay_s)
        return max(0.0, last + wait - now)

    def failed(self, key: str) -> int:
        """Count a failure; returns the number of failures of ``key`` so far."""
        now = self.clock()
        if self.store is not None:
            return self.store.add_failure(self.prefix + key, now, self.forget_s)
        with self._lock:
            count, last = self._failures.get(key, (0, 0.0))
            count = 1 if now - last >= self.forget_s else count + 1
            self._failures[key] = (count, now)
            return count

    def clear(self, key: str) -> None:
        if self.store is not None:
            self.store.clear_failures(self.prefix + key)
            return
        with self._lock:
            self._failures.pop(key, None)


@dataclass
class SignInGuard:
    """Throttles for local sign-in: per account *and* client address (strict: someone guessing
    one account from one place), and per client address (looser, as many people may share one
    address behind a proxy). No throttle counts an account alone, so nobody elsewhere can lock
    a named planner out by typing wrong passwords for her."""

    pairs: Throttle = field(default_factory=Throttle)
    clients: Throttle = field(default_factory=lambda: Throttle(free_attempts=10))

    @classmethod
    def shared(cls, store: AuthStore, clock: Callable[[], float] = time.time) -> "SignInGuard":
        """The guard of an installation: counters in ``store``, shared by every server process."""
        return cls(Throttle(clock=clock, store=store, prefix="pair:"),
                   Throttle(free_attempts=10, clock=clock, store=store, prefix="client:"))


@dataclass(frozen=True)
class SignInResult:
    account: Account | None
    wait_s: float = 0.0  # > 0: refused without checking, try again in this many seconds


def sign_in(accounts: dict[str, Account], name: str, password: str, guard: SignInGuard,
            client: str | None = None) -> SignInResult:
    """Check a local sign-in under the guard's throttles and log the outcome (never the
    password): the account, or None, or the seconds to wait before the next attempt."""
    client = client or "unknown"
    pair = f"{name}\x1f{client}"
    wait = max(guard.pairs.wait_s(pair), guard.clients.wait_s(client))
    if wait > 0:
        log.warning("sign-in refused for account %r from %s: throttled for %.0f s", name, client, wait)
        return SignInResult(None, wait)
    account = authenticate(accounts, name, password)
    if account is None:
        n = guard.pairs.failed(pair)
        guard.clients.failed(client)
        log.warning("sign-in failed for account %r from %s (%d failures)", name, client, n)
        return SignInResult(None, 0.0)
    guard.pairs.clear(pair)
    log.info("sign-in of account %r (%s) from %s", account.name, account.role, client)
    return SignInResult(account)


def hash_password_dummy() -> str:
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = hash_password(secrets.token_hex(16))
    return _DUMMY


def _check_new(role: str, organisation: str | None) -> None:
    if role not in ROLES:
        raise AccountsError([problem("unknown_value", field="role", value=role, known=", ".join(ROLES))])
    if role == "partner" and not organisation:
        raise AccountsError([problem("partner_needs_organisation", field="organisation")])


def add_account(path: str | os.PathLike, name: str, role: str, password: str, organisation: str | None = None) -> None:
    """Add or replace a local account in the TOML file (written atomically)."""
    _check_new(role, organisation)
    if not name.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise AccountsError([problem("account_name_invalid", field="name", value=name)])
    path = Path(path)
    accounts = load_accounts(path) if path.exists() else {}
    accounts[name] = Account(name, role, organisation, hash_password(password))
    _write(path, accounts, load_sso_roles(path))


def add_sso_user(path: str | os.PathLike, email: str, role: str, organisation: str | None = None) -> None:
    """Map a single-sign-on e-mail address to a role in the TOML file (written atomically)."""
    _check_new(role, organisation)
    email = email.strip().lower()
    if "@" not in email or any(c in email for c in '"\\\n '):
        raise AccountsError([problem("email_invalid", field="email", value=email)])
    path = Path(path)
    accounts = load_accounts(path) if path.exists() else {}
    sso = load_sso_roles(path)
    _write(path, accounts, replace(sso, users={**sso.users, email: (role, organisation)}))


def _toml_str(value: str) -> str:
    """A TOML basic string (quotes, backslashes and line breaks escaped)."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _write(path: Path, accounts: dict[str, Account], sso: SsoRoles) -> None:
    lines = ["# Präventionsatlas accounts (written by 'python -m dashboard user add'; hashes only)"]
    for account in accounts.values():
        lines += ["", f"[users.{account.name}]", f'role = "{account.role}"']
        if account.organisation:
            lines.append(f"organisation = {_toml_str(account.organisation)}")
        lines.append(f'password = "{account.password}"')
    if sso.users or sso.groups or sso.default_role != "viewer":
        lines += ["", "[sso]", f'default_role = "{sso.default_role}"', f"group_claim = {_toml_str(sso.group_claim)}"]
        for kind, table in (("users", sso.users), ("groups", sso.groups)):
            for key, (role, organisation) in (table or {}).items():
                lines += ["", f"[sso.{kind}.{_toml_str(key)}]", f'role = "{role}"']
                if organisation:
                    lines.append(f"organisation = {_toml_str(organisation)}")
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
