"""The run folder: computed results stored once, loaded by every report notebook.

Layout of a run folder::

    results.pkl       the :class:`~evaluation.results_io.Results` object (tables, metadata)
    tables/NAME.csv   every tidy table as CSV, for evaluators who work in other software
    run.json          the cache key (data hash, parameters, package version) and timings

Only the pipeline writes here, atomically (temporary file, then rename). Notebooks read
through :func:`load_results`. Respondent-level tables (``scores``) stay in the run folder
and are never copied into partner reports.
"""

from __future__ import annotations

import json
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .atomic import write_atomic
from .errors import EvaluationError

RESULTS_FILE = "results.pkl"
#: bumped whenever the stored form of :class:`Results` changes (enters the cache key)
RESULTS_FORMAT = 2
RUN_FILE = "run.json"
TABLES_DIR = "tables"


@dataclass(kw_only=True)
class Results:
    """All computed tables of one project run (tidy DataFrames) plus metadata.

    Defined here, away from the statistics modules, so that a report kernel can unpickle it
    without importing statsmodels or scipy.
    """

    meta: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)  # e.g. network graphs for maps

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


class RunFolderError(EvaluationError, ValueError):
    """A run folder is missing or was written by an incompatible version."""


def save_results(results: Results, run_dir: Path, *, key: dict[str, Any]) -> None:
    """Write results, their CSV tables and the cache key into ``run_dir``."""
    run_dir.mkdir(parents=True, exist_ok=True)
    tables = run_dir / TABLES_DIR
    tables.mkdir(exist_ok=True)
    for name, table in sorted(results.tables.items()):
        write_atomic(tables / f"{name}.csv", table.to_csv(index=False, lineterminator="\n"))
    write_atomic(run_dir / RESULTS_FILE, pickle.dumps(results, protocol=5))
    # run.json last: its presence marks a complete run folder
    write_atomic(run_dir / RUN_FILE, json.dumps(key, indent=2, sort_keys=True) + "\n")


def cached_key(run_dir: Path) -> dict[str, Any] | None:
    """The cache key of a complete run folder, or ``None``."""
    path = run_dir / RUN_FILE
    if not path.is_file() or not (run_dir / RESULTS_FILE).is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load_results(run_dir: str | Path) -> Results:
    """Load the results of a run folder (what report notebooks call first)."""
    path = Path(run_dir) / RESULTS_FILE
    if not path.is_file():
        raise RunFolderError(f"{path}: no computed results; run `transfer-eval run PROJECT` "
                             "first or pass the run folder of a finished run")
    with path.open("rb") as handle:
        results = pickle.load(handle)  # noqa: S301 - our own run folder, written by us
    if not isinstance(results, Results):
        raise RunFolderError(f"{path}: not a results file of this package")
    return results
