"""Input checks shared by the statistics modules.

The checks raise :class:`~evaluation.errors.StatisticsInputError` or one of its subclasses
(defined in :mod:`evaluation.errors`), which is what the statistics functions
(:mod:`evaluation.stats.icc`, :mod:`evaluation.stats.mixed`, :mod:`evaluation.stats.reml`,
:mod:`evaluation.stats.rwg`, :mod:`evaluation.stats.rank_tests`,
:mod:`evaluation.analysis.aggregation`, :mod:`evaluation.analysis.compare`,
:mod:`evaluation.analysis.eye_level`, :mod:`evaluation.analysis.waves`,
:mod:`evaluation.analysis.drivers`) raise for a table or parameter they cannot work with.
Import the public names from :mod:`evaluation.stats`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from evaluation.errors import (
    MissingColumnError,
    StatisticsInputError,
)


def require_columns(frame: pd.DataFrame, columns: Iterable[str], *, what: str = "table") -> None:
    """Raise :class:`MissingColumnError` naming every column of ``columns`` not in ``frame``."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumnError(
            f"{what} lacks column(s) {missing}; it has {list(frame.columns)}. Pass the right "
            "names as keyword arguments (e.g. value='score', group='site')."
        )


def check_confidence(confidence: float) -> None:
    """Raise :class:`StatisticsInputError` unless ``0 < confidence < 1``."""
    if not 0 < confidence < 1:
        raise StatisticsInputError(
            f"confidence must lie strictly between 0 and 1, got {confidence!r}"
        )


def numeric_values(frame: pd.DataFrame, column: str, *, what: str = "table") -> pd.Series:
    """The column as float; raise with the offending values when it is not numeric."""
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = frame[column][values.isna() & frame[column].notna()]
    if len(bad):
        raise StatisticsInputError(
            f"{what}: column {column!r} must be numeric; found {bad.unique()[:5].tolist()} "
            f"(first row index {bad.index[0]!r})"
        )
    return values.astype(float)


__all__ = [
    "check_confidence",
    "numeric_values",
    "require_columns",
]
