"""The one exception of the report package."""

from __future__ import annotations

from evaluation.errors import EvaluationError


class ReportError(EvaluationError, ValueError):
    """A report cannot be built from these results and parameters (unknown site, wave, ...)."""
