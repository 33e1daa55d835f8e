"""One exception tree for the whole package.

Every error a user can cause derives from :class:`EvaluationError`. Input problems are
collected as :class:`Problem` records so that a single run reports all of them at once, each
naming the file, the row as a spreadsheet shows it, the column, the value and what was
expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class EvaluationError(Exception):
    """Base class of every error raised on purpose by this package."""


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One problem found in an input file.

    ``row`` is the row number as a spreadsheet program shows it (the header is row 1, the
    first data row is row 2); ``None`` where the problem concerns the file or a column as a
    whole.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: object = None
    expected: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = f"{', '.join(where)}: {self.message}"
        if self.value is not None:
            text += f" (value {_short(self.value)!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text


def _short(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ProblemsError(EvaluationError, ValueError):
    """Raised with the complete list of problems found in one pass."""

    def __init__(self, problems: list[Problem], *, what: str = "input") -> None:
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        head = f"{len(errors)} problem(s) in {what}:"
        body = "\n".join(f"  - {p}" for p in errors)
        super().__init__(f"{head}\n{body}")


class CodebookError(ProblemsError):
    """An instrument codebook is inconsistent."""


class ConfigError(ProblemsError):
    """A project configuration file is invalid."""


class DataValidationError(ProblemsError):
    """Survey or participation data do not match the codebook or schema."""


class InputFileError(EvaluationError, ValueError):
    """A file cannot be read at all (missing, empty, undecodable, unknown format)."""

    def __init__(self, path: str | Path, message: str, *, row: int | None = None) -> None:
        self.path = str(path)
        self.detail = message
        self.row = row
        where = f"{path}, row {row}" if row is not None else str(path)
        super().__init__(f"{where}: {message}")

    def as_problem(self) -> Problem:
        """The same error as a :class:`Problem`, to be listed with the others."""
        return Problem(file=self.path, row=self.row, message=self.detail)


class ParameterError(EvaluationError, TypeError):
    """A report parameter is unknown or of the wrong type."""
