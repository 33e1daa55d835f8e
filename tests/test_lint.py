"""The code passes ruff with the rules configured in pyproject.toml ([tool.ruff.lint]).

ruff is pinned in the ``test`` extra (and in environment.yml); it runs as
``python -m ruff`` from the environment running the tests, on the folders CI lints.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

LINTED = ("src", "tests", "benchmarks")


def test_ruff_finds_nothing_in_src_tests_and_benchmarks():
    pytest.importorskip("ruff", reason="ruff is not installed; pip install -e '.[test]'")
    command = [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format",
               "concise", *LINTED]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    if done.returncode != 0:
        findings = (done.stdout + done.stderr).strip()
        pytest.fail(f"ruff check {' '.join(LINTED)} (exit {done.returncode}); fix the findings "
                    f"or, for a deliberate exception, add `# noqa: CODE` with the reason:\n"
                    f"{findings}", pytrace=False)
