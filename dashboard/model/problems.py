"""Problems found in a workspace, collected and reported all at once.

Every problem names the file, layer, row (1-based feature number as QGIS shows it), field,
a code and its parameters; the words (German in the UI, English in the CLI) are made from
the code in :mod:`dashboard.present.problems`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem in a workspace.

    ``row`` is the 1-based feature number within the layer (None for layer-wide
    problems); ``record_id`` is the row's id where one could be read.
    """

    file: str
    layer: str | None
    row: int | None
    field: str | None
    code: str
    params: dict = field(default_factory=dict, hash=False, compare=False)
    record_id: str | None = None


def problem(code: str, *, file: str | None = None, layer: str | None = None, row: int | None = None,
            field: str | None = None, record_id: str | None = None, **params) -> Problem:
    """One problem: ``code`` with its message parameters, where it is (only a file's name is kept)."""
    return Problem(Path(str(file)).name if file else "", layer, None if row is None else int(row), field, code, params,
                   None if record_id is None else str(record_id))


class Problems:
    """The one collector: problems of one task (a file read, a build, an import, an edit),
    gathered and reported all at once."""

    def __init__(self, file: str | None = None):
        self.file = file
        self.items: list[Problem] = []

    def add(self, code: str, *, file: str | None = None, layer: str | None = None, row: int | None = None,
            field: str | None = None, record_id: str | None = None, **params) -> None:
        """Add one problem (see :func:`problem`); ``file`` defaults to the collector's file."""
        self.items.append(problem(code, file=file if file is not None else self.file, layer=layer, row=row,
                                  field=field, record_id=record_id, **params))

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self, error: type[ProblemError] | None = None) -> None:
        if self.items:
            raise (error or WorkspaceError)(self.items)


class ProblemError(ValueError):
    """Bad input a person can fix: ``problems`` lists every problem found (file, layer, row,
    field, code, parameters); the words come from :mod:`dashboard.present.problems`. The
    exception's own text is for logs only."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s): " + "; ".join(
            f"{p.file} {p.layer or ''} row {p.row} field {p.field}: {p.code} {p.params}" for p in self.problems[:20]))

    @property
    def problem(self) -> Problem:
        """The first (often the only) problem."""
        return self.problems[0]


class WorkspaceError(ProblemError):
    """A workspace could not be loaded, built or saved."""
