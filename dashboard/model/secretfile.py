"""Secrets kept in a file of their own (0600): the workspace's cell-key secret, the sign-in
session key. Created once, in one step (written to a temporary file, then linked to its name,
which fails if another process was quicker: then that one's secret is used)."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger("praeventionsatlas")
SECRET_BYTES = 32


def read_secret(file: str | os.PathLike, create: bool = True, renew: bool = False) -> bytes | None:
    """The secret in ``file`` (hex), created with 32 random bytes when missing (``create``) or
    replaced (``renew``). None when it can neither be read nor created (logged)."""
    file = Path(file)
    if renew and file.exists():
        file.unlink()
    try:
        return bytes.fromhex(file.read_text().strip())
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        log.error("the secret file %s is unreadable (%s)", file, exc)
        return None
    if not create:
        return None
    secret = os.urandom(SECRET_BYTES)
    try:
        if not write_new_secret(secret, file):
            return read_secret(file, create=False)
    except OSError as exc:
        log.error("cannot create the secret file %s (%s)", file, exc)
        return None
    return secret


def _temp_copy(secret: bytes, folder: Path) -> str:
    """A temporary file (0600) in ``folder`` holding ``secret`` (hex), flushed to disk."""
    fd, tmp = tempfile.mkstemp(prefix=".secret-", dir=folder)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secret.hex() + "\n")
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def write_new_secret(secret: bytes, file: Path) -> bool:
    """Write ``secret`` to a new file (0600) in one step; False when the file existed."""
    tmp = _temp_copy(secret, Path(file).parent)
    try:
        os.link(tmp, file)
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)


def replace_secret(secret: bytes, file: Path) -> None:
    """Write ``secret`` to ``file`` (0600), replacing what it held, in one step."""
    tmp = _temp_copy(secret, Path(file).parent)
    try:
        os.replace(tmp, file)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
