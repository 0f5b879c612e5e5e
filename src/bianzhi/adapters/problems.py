"""Located input problems shared by the file adapters and the CLI.

Every reader collects *all* the problems it finds before giving up, each tied
to the place the user has to fix: a file, a spreadsheet row and column, a
configuration key or a command-line option. The Chinese `__str__` is the
message the user sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with the input.

    `file` is the file name as the user gave it (or "命令行选项" for an
    option); `row` is the spreadsheet row number (the first row of the sheet
    is 1) or a line number of a configuration file; `column` is the column
    header, configuration key or option name; `letter` is the spreadsheet
    column letter when the problem is in a table cell.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    letter: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column is not None:
            where.append(f"{self.letter} 列“{self.column}”" if self.letter else f"“{self.column}”")
        return f"{' '.join(where)}：{self.message}"


class InputError(ValueError):
    """Input that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems: tuple[InputProblem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def closest(name: str, candidates: Sequence[str]) -> str | None:
    """The candidate the user most likely meant by `name`, or None.

    Chinese headers are short (two to four characters), so one shared
    character is already a strong hint: a candidate that contains `name` or
    is contained in it wins, then the best difflib ratio of at least 0.5.
    """
    import difflib

    if not name:
        return None
    for candidate in candidates:
        if candidate and (name in candidate or candidate in name):
            return candidate
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.5)
    return matches[0] if matches else None
