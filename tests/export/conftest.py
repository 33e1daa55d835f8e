"""Shared fixtures of the export tests: the example project computed once, small results.

``example`` computes the example project (surveys/example) once for every export test, as
tests/report/test_digest.py does (no bootstrap). ``small`` are the six-site results of
tests/report/test_report_content.py, where K06 has fewer than k answers in w2.
"""

from __future__ import annotations

import pytest

from evaluation.analysis import compute_results
from evaluation.config import Project, load_project
from evaluation.io import validate_project
from evaluation.pipeline import results_meta
from evaluation.results import Results
from tests.conftest import EXAMPLE
from tests.report.test_report_content import make_results


@pytest.fixture(scope="session")
def example() -> tuple[Project, Results]:
    project = load_project(EXAMPLE)
    validation = validate_project(project)
    results = compute_results(project, validation.survey, validation.participation, n_boot=0)
    results.meta.update(results_meta(project, {"data_sha256": "x" * 64}))
    return project, results


@pytest.fixture
def small() -> Results:
    """Fresh small results (tests may change their tables)."""
    return make_results()
