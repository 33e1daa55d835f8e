"""The run folder: computed results stored once and read by every report.

``store``      :class:`Results`, :func:`save_results`, :func:`load_results`, the cache key
``registry``   every table of a run with its columns, level and whether a partner report may show it

Layer: above the foundation; imports nothing else of the package.
"""

from __future__ import annotations

from evaluation.results.registry import (
    LEVELS,
    TABLES,
    TableSpec,
    check_tables,
    table_spec,
)
from evaluation.results.store import (
    FRAMES_DIR,
    RESULTS_FILE,
    RESULTS_FORMAT,
    RUN_FILE,
    TABLES_DIR,
    LazyTables,
    Results,
    cached_key,
    load_results,
    save_results,
)

__all__ = [
    "FRAMES_DIR",
    "LEVELS",
    "RESULTS_FILE",
    "RESULTS_FORMAT",
    "RUN_FILE",
    "TABLES",
    "TABLES_DIR",
    "LazyTables",
    "Results",
    "TableSpec",
    "cached_key",
    "check_tables",
    "load_results",
    "save_results",
    "table_spec",
]
