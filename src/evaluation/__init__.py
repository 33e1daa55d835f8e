"""transfer-evaluation: evaluate municipal integration networks in transfer projects.

The public API for a notebook session (``docs/api.md`` walks through one)::

    import evaluation as ev

    project = ev.load_project("surveys/example")          # codebook and project file, checked
    validation = ev.validate_project(project)             # every data problem in one pass
    results = ev.compute_results(project, validation.survey, validation.participation)
    results.table("aggregation")                          # a registered table of the run
    ev.run_pipeline("surveys/example", "reports/example") # the whole batch, as the CLI runs it
    results = ev.load_results("reports/example/_run")     # what a run computed

Every error the package raises on purpose derives from :class:`EvaluationError`. The
estimators are in :mod:`evaluation.stats`; the subpackages follow the data flow (see
``docs/architecture.md``). Nothing is computed or imported beyond this file at import time:
the names below are loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from evaluation.errors import EvaluationError
from evaluation.version import __version__

if TYPE_CHECKING:
    from evaluation.analysis import compute_results
    from evaluation.config import Codebook, Project, load_codebook, load_project
    from evaluation.io import (
        ParticipationData,
        SurveyData,
        ValidationResult,
        load_participation,
        load_survey,
        validate_project,
    )
    from evaluation.pipeline import RunSummary, run_pipeline
    from evaluation.results import TABLES, Results, load_results

#: Public name -> the subpackage that defines it (its one import path below this package).
_API: dict[str, str] = {
    "Codebook": "evaluation.config",
    "Project": "evaluation.config",
    "load_codebook": "evaluation.config",
    "load_project": "evaluation.config",
    "ParticipationData": "evaluation.io",
    "SurveyData": "evaluation.io",
    "ValidationResult": "evaluation.io",
    "load_participation": "evaluation.io",
    "load_survey": "evaluation.io",
    "validate_project": "evaluation.io",
    "compute_results": "evaluation.analysis",
    "Results": "evaluation.results",
    "TABLES": "evaluation.results",
    "load_results": "evaluation.results",
    "RunSummary": "evaluation.pipeline",
    "run_pipeline": "evaluation.pipeline",
}

__all__ = [
    "TABLES",
    "Codebook",
    "EvaluationError",
    "ParticipationData",
    "Project",
    "Results",
    "RunSummary",
    "SurveyData",
    "ValidationResult",
    "__version__",
    "compute_results",
    "load_codebook",
    "load_participation",
    "load_project",
    "load_results",
    "load_survey",
    "run_pipeline",
    "validate_project",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its subpackage on first use (PEP 562)."""
    try:
        module = _API[name]
    except KeyError:
        raise AttributeError(f"module 'evaluation' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
