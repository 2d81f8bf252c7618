"""Problems found in a file being imported, each named by file, line and column.

Pure: no Django import (the wording is translated through `nextsteps.i18n`). Importers
collect every problem they can find before writing anything, then raise `ImportProblems`
with the whole list.
"""

from __future__ import annotations

from dataclasses import dataclass

from nextsteps.i18n import translate as _
from nextsteps.people.kernels.identity import Conflict


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input: where (file, line, column) and what, in plain words.

    Line 0 means the file as a whole (a missing file, a wrong header); lines count from 1,
    the header being line 1, as a spreadsheet program shows them.
    """

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where = _("%(where)s, line %(line)s") % {"where": where, "line": self.line}
        if self.column:
            where = _("%(where)s, column %(column)s") % {"where": where, "column": self.column}
        return f"{where}: {self.message}"

    def as_row(self) -> dict[str, str | int]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "problem": self.message,
        }


class ImportProblems(Exception):
    """The input cannot be imported; nothing was written. Carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__(self.describe())

    def describe(self, limit: int = 50) -> str:
        lines = [str(problem) for problem in self.problems[:limit]]
        if len(self.problems) > limit:
            more = len(self.problems) - limit
            lines.append(_("… and %(more)s more problems") % {"more": more})
        return "\n".join(lines)


class IdentityConflicts(ImportProblems):
    """Rows whose identifier names an existing pupil who is someone else; nothing was written.

    Raised by an import asked to apply (not a dry run) without leave to skip the conflicts:
    the person must look at them and then choose to apply the rest.
    """

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = sorted(conflicts, key=lambda c: (c.file, c.line))
        super().__init__([Problem(c.file, c.line, "UPN", c.message()) for c in self.conflicts])


class ProblemList:
    """Collects problems; stops collecting (but keeps counting) past a generous cap."""

    CAP = 10_000

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.count = 0
        self.warnings: list[Problem] = []

    def warn(self, file: str, line: int, column: str, message: str) -> None:
        """Something read with a doubt that does not stop the import: shown with its summary."""
        if len(self.warnings) < self.CAP:
            self.warnings.append(Problem(file, line, column, message))

    def add(self, file: str, line: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < self.CAP:
            self.items.append(Problem(file, line, column, message))

    def __bool__(self) -> bool:
        return self.count > 0

    def raise_if_any(self) -> None:
        if self.items:
            problems = list(self.items)
            if self.count > len(problems):
                more = self.count - len(problems)
                problems.append(
                    Problem("", 0, "", _("%(more)s further problems not listed") % {"more": more})
                )
            raise ImportProblems(problems)
