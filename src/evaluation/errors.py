"""One exception tree for the whole package.

Every error a user can cause derives from :class:`EvaluationError`. Input problems are
collected as :class:`Problem` records so that a single run reports all of them at once, each
naming the file, the row as a spreadsheet shows it, the column, the value and what was
expected.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


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


class LanguageError(EvaluationError, ValueError):
    """A language argument is not one of the report languages (``de``, ``en``)."""


class ParameterError(EvaluationError, TypeError):
    """A report parameter is unknown or of the wrong type."""


# ---------------------------------------------------------------------------- statistics


class StatisticsInputError(EvaluationError, ValueError):
    """A statistics function was given a table or a parameter it cannot work with."""


class MissingColumnError(StatisticsInputError):
    """A column named by a keyword argument is not in the table."""


class InsufficientDataError(StatisticsInputError):
    """Too few observations or groups for the statistic asked for."""


class ModelFitError(StatisticsInputError):
    """No optimiser could fit the mixed model at all."""


class ReliabilityError(EvaluationError, ValueError):
    """A reliability coefficient cannot be computed from the data or arguments given."""


class IdeaInputError(EvaluationError, ValueError):
    """Idea tables or parameters are unusable."""


# -------------------------------------------------------------------------------- scales


class ScaleError(EvaluationError, ValueError):
    """Survey data or arguments that cannot be scored against the codebook."""


# ------------------------------------------------------------------------------- privacy


class PrivacyError(EvaluationError, ValueError):
    """Bad input to a privacy routine, or a rule that cannot be met."""


class DisclosureError(PrivacyError):
    """A disclosure rule cannot be met; ``classes`` lists the groups concerned."""

    def __init__(self, message: str, *, classes: pd.DataFrame | None = None) -> None:
        self.classes = classes
        super().__init__(message)


class PseudonymKeyError(PrivacyError):
    """The pseudonym key is set but unusable (too short, unreadable, inside the project)."""


class PseudonymKeyMissing(PrivacyError):
    """Identifiers must be pseudonymised but no key is available."""

    def __init__(self, env_name: str, *, min_key_bytes: int, reason: str | None = None
                 ) -> None:
        self.env_name = env_name
        why = reason or "respondent identifiers must be pseudonymised"
        super().__init__(
            f"{why}, but no pseudonym key is set. Set the environment variable {env_name} "
            f"to a secret of at least {min_key_bytes} characters, for example\n"
            f"    export {env_name}=\"$(python -c 'import secrets; "
            "print(secrets.token_hex(32))')\"\n"
            f"or write the key into a file outside the project folder and the output folders "
            f"and set {env_name}_FILE to that file's path. Keep the key safe and use the same "
            "key for every wave: the same key gives the same pseudonyms, so respondents stay "
            "linked across waves. (privacy.pseudonym_key_env in project.yml names the "
            "variable.)")


# ------------------------------------------------------------ networks and participation


class NetworkInputError(EvaluationError, ValueError):
    """Participation tables or parameters cannot be turned into networks."""


class ParticipationInputError(EvaluationError, ValueError):
    """Attendance, events or roster tables do not fit together."""


class GoalInputError(EvaluationError, ValueError):
    """The goals table is unusable."""


# ------------------------------------------------------------------------------- results


class RunFolderError(EvaluationError, ValueError):
    """A run folder is missing or was written by an incompatible version."""


# --------------------------------------------------------------------------------- peers


class PeerError(EvaluationError, ValueError):
    """The results lack what peer suggestions need (a table, a wave)."""


# ------------------------------------------------------------------------ report content


class ReportError(EvaluationError, ValueError):
    """A report cannot be built from these results and parameters (unknown site, wave, ...)."""


class FormattingError(EvaluationError, ValueError):
    """A value or option cannot be formatted (unknown language, negative digits, ...)."""


class ChartInputError(EvaluationError, ValueError):
    """The data or parameters of a chart are unusable."""


class SlidesError(EvaluationError, ValueError):
    """The digest cannot be rendered (language, missing digest output in the notebook)."""


# ----------------------------------------------------------------------------- rendering


class RenderError(EvaluationError, ValueError):
    """A report cannot be rendered with the options given (edition, language, branding)."""


class PdfError(EvaluationError, RuntimeError):
    """A page cannot be printed to PDF (Chromium missing, closed, or refusing a command)."""


class OutputFolderError(EvaluationError, ValueError):
    """An output folder or file cannot be written safely (it holds inputs, is not ours, ...)."""


class ProvenanceError(EvaluationError, ValueError):
    """A provenance input is invalid (a missing data file, a malformed SOURCE_DATE_EPOCH)."""


# ----------------------------------------------------------------------------- execution


class NotebookExecutionError(EvaluationError, RuntimeError):
    """A notebook raised an error while it ran; ``summary`` is one line, ``detail`` the rest."""

    def __init__(self, notebook: str | os.PathLike[str], summary: str, *, detail: str = "",
                 cell_index: int | None = None) -> None:
        self.notebook = str(notebook)
        self.summary = summary
        self.detail = detail
        self.cell_index = cell_index
        where = f" in cell {cell_index}" if cell_index is not None else ""
        super().__init__(f"{self.notebook}{where}: {summary}")


class ExecutorError(EvaluationError, ValueError):
    """An executor was asked for by an unknown name or without what it needs."""


class KernelCodeError(EvaluationError, RuntimeError):
    """Code the executor itself ran in the kernel (prepare, reset) failed."""
