"""Write transactions on a workspace, whichever back end holds it.

>>> with transaction("stadt.gpkg") as edit:                 # doctest: +SKIP
...     new = change(edit.workspace)
...     after = edit.save(new)

A GeoPackage file is changed under an exclusive lock on a lock file beside it: the file is read,
changed and written whole, atomically. A database workspace (``postgresql://…?schema=…``,
:mod:`dashboard.model.postgis`) writes only the records that changed, row by row, in one
database transaction with optimistic locking; a record someone else saved in between raises
:class:`StaleWrite` and nothing is written. Callers turn that into their conflict message.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from dashboard.model import postgis
from dashboard.model.postgis import StaleWrite
from dashboard.model.secretfile import replace_secret
from dashboard.model.workspace import Workspace, is_database, key_file, read_workspace, write_workspace

__all__ = ["StaleWrite", "transaction", "save_current", "location_name", "change_stamp", "copy_workspace"]


def location_name(location) -> str:
    """What messages call a workspace: the file's name or the database URL (without password)."""
    if is_database(location):
        return postgis.parse_url(location).name
    return Path(location).name


@contextmanager
def _locked(path: Path):
    lock = path.with_name(f".{path.name}.lock")
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _FileEdit:
    def __init__(self, path: Path):
        self.path = path
        self.workspace = read_workspace(path)

    def save(self, new: Workspace) -> Workspace:
        write_workspace(new, self.path)  # validates everything first; atomic replace
        return read_workspace(self.path)


class _DatabaseEdit:
    def __init__(self, workspace: Workspace, sole: bool = False):
        self.workspace, self.sole = workspace, sole

    def save(self, new: Workspace) -> Workspace:
        postgis.save_changes(self.workspace, new, sole=self.sole)  # validates everything first; one transaction
        return read_workspace(self.workspace.path)


@contextmanager
def transaction(location, sole: bool = False):
    """``edit.workspace`` is the workspace as it is now; ``edit.save(new)`` writes ``new`` (only
    what changed, on a database) and returns the workspace as stored. Nothing is written if the
    block raises or ``save`` is not called. ``sole`` (database): no other app writer commits
    while the block runs (:func:`postgis.sole_writer`); a file's lock always does that."""
    if is_database(location):
        if sole:
            with postgis.sole_writer(postgis.parse_url(location)):
                yield _DatabaseEdit(read_workspace(location), sole=True)
        else:
            yield _DatabaseEdit(read_workspace(location))
        return
    path = Path(location)
    with _locked(path):
        yield _FileEdit(path)


def save_current(location, change, tries: int = 5) -> Workspace:
    """Save ``change(workspace)``, computed from the workspace as it is *now* (with its own check
    of the version a person's form started from); ``change`` returns the workspace to save, or
    None when there is nothing to save. Returns the workspace as stored (as read, if nothing was
    saved).

    When someone else saved a record the change touches between its read and its write
    (database back end; a file's lock lets writers in one at a time, so its first try always
    holds), the change is computed again on the newer state. A try after a stale one holds the
    workspace's writer lock alone (``sole``), so it cannot go stale through another app writer,
    however busy they are. Thus two planners adding to one scenario at the same moment both
    land, as they queue on a file; a form opened on an older version still gets its conflict
    from ``change``'s own check. After ``tries`` stale tries (edits outside the app, e.g. in
    QGIS, take no writer lock) the last :class:`StaleWrite` propagates.
    """
    for n in range(tries):
        with transaction(location, sole=n > 0) as edit:
            new = change(edit.workspace)
            if new is None:
                return edit.workspace
            try:
                return edit.save(new)  # validates everything first; atomic (file) or row by row (database)
            except StaleWrite:
                if n == tries - 1:
                    raise


def change_stamp(location) -> tuple:
    """Changes whenever the workspace does (a cache key): the database's change counter, a
    file's modification time and size."""
    if is_database(location):
        return ("db", postgis.change_counter(postgis.parse_url(location)))
    stat = os.stat(location)
    return ("file", stat.st_mtime_ns, stat.st_size)


def copy_workspace(source, target):
    """Copy a workspace between back ends (GeoPackage ↔ PostGIS, or alike), losslessly: every
    layer, record, geometry, the history, meta and the cell-key secret (published area counts
    stay the same). The target is replaced whole, in one step; on any problem it stays as it
    was. Returns the target's location."""
    ws = read_workspace(source)
    where = write_workspace(ws, target)
    if not is_database(target) and ws.cell_key_secret:
        replace_secret(ws.cell_key_secret, key_file(target))
    return where
