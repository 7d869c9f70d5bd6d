"""A throwaway PostgreSQL 15 + PostGIS server for the tests and benchmarks.

``initdb`` into a temporary folder, started on a free port of 127.0.0.1 (trust authentication:
only this machine's processes reach it). PostgreSQL refuses to run as root, so as root the
server runs as the ``postgres`` user (``runuser``). Installed by ``make database`` (part of
``make test``): Debian's ``postgresql-15`` and ``postgresql-15-postgis-3``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("PRAEVENTIONSATLAS_PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")


def missing() -> str | None:
    """Why no server can be started here (None: it can)."""
    if not (PG_BIN / "initdb").exists():
        return f"PostgreSQL 15 is not installed ({PG_BIN}/initdb missing; make database installs it)"
    if not POSTGIS_CONTROL.exists():
        return "PostGIS 3 is not installed (postgresql-15-postgis-3; make database installs it)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: PostgreSQL refuses to run as root"
    return None


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (also the app servers' of the tests)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``with Server() as pg: pg.url("arnsberg")`` → a workspace URL on a fresh database."""

    def __init__(self, database: str = "atlas"):
        self.database = database
        self.folder = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
        self.port = free_port()
        self.process_user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(PG_BIN / args[0]), *args[1:]]
        if self.process_user:
            cmd = ["runuser", "-u", self.process_user, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> "Server":
        if self.process_user:
            shutil.chown(self.folder, self.process_user, self.process_user)
        self._run("initdb", "-D", str(self.folder / "data"), "--auth=trust", "-U", "postgres", "--encoding=UTF8",
                  "--locale=C.UTF-8")
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c max_connections=200 -c synchronous_commit=off")
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-o", options, "-l", str(self.folder / "server.log"),
                  "-w", "-t", "120", "start")
        self.create_database(self.database)
        return self

    def admin_url(self, database: str | None = None) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database or self.database}"

    def url(self, schema: str, database: str | None = None) -> str:
        """A workspace URL in the server's database (or another one of it)."""
        return f"{self.admin_url(database)}?schema={schema}"

    def create_database(self, name: str, template: str | None = None) -> None:
        """A new database, empty with PostGIS or a copy of ``template`` (which must have no
        open connection: close the pools first)."""
        import psycopg

        with psycopg.connect(self.admin_url("postgres"), autocommit=True) as conn:
            if template:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                return
            conn.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(self.admin_url(name), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")

    def tool(self, name: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run one of the server's client tools (pg_dump, pg_restore, psql) as the server's user."""
        return self._run(name, *args, check=check)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
