"""Local accounts with salted password hashes (scrypt) and the roles they grant.

The accounts file (TOML, path in PRAEVENTIONSATLAS_ACCOUNTS) is written by
``python -m dashboard user add NAME --role planner|partner|viewer [--organisation ID]``;
there are no default passwords. Without an accounts file the app is a read-only viewer.

    [users.anna]
    role = "planner"
    password = "scrypt$16384$8$1$<salt>$<hash>"

    [users.awo]
    role = "partner"
    organisation = "P003"          # partner_id whose offers this account may edit
    password = "scrypt$..."
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .roles import ROLES

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """A salted scrypt hash ('scrypt$N$r$p$salt$hash', base64) of a non-empty password."""
    if not password or len(password) < 8:
        raise ValueError("password must have at least 8 characters")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
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
                                p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    organisation: str | None
    password: str


def load_accounts(path: str | os.PathLike) -> dict[str, Account]:
    """Accounts from the TOML file; raises ValueError naming the file, account and field."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path.name}: cannot read accounts ({exc})") from exc
    accounts = {}
    for name, entry in data.get("users", {}).items():
        role = entry.get("role")
        if role not in ROLES:
            raise ValueError(f"{path.name}, account {name!r}, field 'role': {role!r} is not one of {ROLES}")
        if not str(entry.get("password", "")).startswith("scrypt$"):
            raise ValueError(f"{path.name}, account {name!r}, field 'password': not a password hash")
        if role == "partner" and not entry.get("organisation"):
            raise ValueError(f"{path.name}, account {name!r}, field 'organisation': a partner needs its partner_id")
        accounts[name] = Account(name, role, entry.get("organisation"), entry["password"])
    return accounts


def authenticate(accounts: dict[str, Account], name: str, password: str) -> Account | None:
    """The account if name and password match, else None (same work either way)."""
    account = accounts.get(name)
    ok = verify_password(password, account.password if account else hash_password_dummy())
    return account if account and ok else None


_DUMMY = None


def hash_password_dummy() -> str:
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = hash_password(secrets.token_hex(16))
    return _DUMMY


def add_account(path: str | os.PathLike, name: str, role: str, password: str, organisation: str | None = None) -> None:
    """Add or replace an account in the TOML file (written atomically)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, got {role!r}")
    if role == "partner" and not organisation:
        raise ValueError("a partner account needs --organisation (the partner_id)")
    if not name.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise ValueError(f"account name {name!r} may hold letters, digits, '.', '-' and '_' only")
    path = Path(path)
    existing = {}
    if path.exists():
        existing = {a.name: a for a in load_accounts(path).values()}
    existing[name] = Account(name, role, organisation, hash_password(password))
    lines = ["# Präventionsatlas accounts (written by 'python -m dashboard user add'; hashes only)"]
    for account in existing.values():
        lines += ["", f"[users.{account.name}]", f'role = "{account.role}"']
        if account.organisation:
            lines.append(f'organisation = "{account.organisation}"')
        lines.append(f'password = "{account.password}"')
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
