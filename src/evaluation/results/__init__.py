"""The run folder: computed results stored once and read by every report.

``store``      :class:`Results`, :func:`save_results`, :func:`load_results`, the cache key
``registry``   every table of a run with its columns, level and whether a partner report may show it

Layer: above the foundation; imports nothing else of the package.
"""

import lazy_loader

# Names load from their module on first use (SPEC 1): importing the package costs nothing,
# and a report kernel never imports an estimator it does not call.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "registry": [
            "LEVELS", "TABLES", "TableSpec", "check_tables", "empty_table", "table_spec",
        ],
        "store": [
            "FRAMES_DIR", "RESULTS_FILE", "RESULTS_FORMAT", "RUN_FILE", "TABLES_DIR",
            "LazyTables", "Results", "cached_key", "load_results", "save_results",
        ],
    },
)
