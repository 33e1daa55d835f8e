"""Process start-up settings of our own command-line and worker processes.

Only called from entry points (:func:`evaluation.cli.main`, the batch's worker start-up),
never at import time: importing :mod:`evaluation` changes nothing in the interpreter.
"""

from __future__ import annotations

import logging
import sys

__all__ = ["avoid_slow_imports"]

log = logging.getLogger("evaluation")

#: Optional modules that other libraries import eagerly although we never need them, and why.
SKIPPED_OPTIONAL_MODULES = {
    # jsonschema (through nbformat and papermill) imports its checker of the "iri" string
    # format at import time when the package is installed (jupyterlab's dependencies bring
    # it); it compiles about 35 Earley parsers, 1 to 3 s per process
    # (python-jsonschema/jsonschema#1428). No notebook schema uses that format, and without
    # the package jsonschema simply leaves the format unchecked.
    "rfc3987_syntax": "jsonschema's iri format checker, unused by notebook schemas",
}


def avoid_slow_imports() -> None:
    """Mark :data:`SKIPPED_OPTIONAL_MODULES` as absent in this process.

    Does nothing for a module that is already imported, or once jsonschema is imported
    (it has then made its choice).
    """
    if "jsonschema" in sys.modules:
        return
    for name in SKIPPED_OPTIONAL_MODULES:
        if name not in sys.modules:
            sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
            log.debug("skipping optional module %s", name)
