"""Charts drawn once per run and shared by a site's editions: a content-addressed store.

The partner and the evaluator edition of a site show the same five charts, and drawing them
with matplotlib is most of a report's time. :func:`draw` looks a chart up in a store folder
inside the run folder (``_run/charts``) before drawing it, and stores what it drew.

The key of a chart is the SHA-256 of everything that decides it: the drawing function's
module and name (module-level functions only; lambdas and local functions are drawn every
time), its arguments (pickled: the site's view, network or idea table, the language,
sizes), the source code of this package and the version of matplotlib. Every chart is drawn
from matplotlib's defaults plus the fixed settings of
:func:`evaluation.report.netplots.chart_style`, so no matplotlibrc or notebook setting enters
a chart. Equal keys therefore mean equal charts, byte for byte, and a report read from the
store is the report a fresh drawing would give; a chart of one site can only be found again
by the same site's data. A key that is not reproducible (an argument that pickles
differently in another process) only costs a new drawing. Entries are JSON files written
atomically, so workers that draw the same chart at the same time both write the same bytes;
a damaged entry is drawn again.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evaluation.atomic import write_atomic
from evaluation.report.netplots import Chart

__all__ = ["STORE_DIR", "code_fingerprint", "draw"]

log = logging.getLogger("evaluation")

#: Folder of the store inside the run folder.
STORE_DIR = "charts"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over this package's source files and matplotlib's version."""
    import matplotlib

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(f"matplotlib {matplotlib.__version__}\n".encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _canonical(value: Any) -> Any:
    """``value`` with sets sorted and dataclasses opened up (a site view without its store).

    A set pickles in the order of its string hashes, which differ between processes.
    """
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted((_canonical(v) for v in value), key=repr)))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__module__, type(value).__qualname__,
                tuple((f.name, _canonical(getattr(value, f.name)))
                      for f in dataclasses.fields(value) if f.name != "chart_store"))
    if isinstance(value, dict):
        return ("dict", tuple((_canonical(k), _canonical(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(_canonical(v) for v in value))
    return value


def _key(function: Callable[..., Chart], args: tuple[Any, ...], kwargs: dict[str, Any]
         ) -> str | None:
    if "<" in function.__qualname__:  # a lambda or local function: its name is not its code
        return None
    try:
        payload = pickle.dumps((function.__module__, function.__qualname__, _canonical(args),
                                _canonical(sorted(kwargs.items()))), protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        log.debug("chart %s not stored: %s", function.__qualname__, exc)
        return None
    return hashlib.sha256(code_fingerprint().encode() + payload).hexdigest()


def _read(path: Path) -> Chart | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Chart(svg=data["svg"], alt_de=data["alt_de"], alt_en=data["alt_en"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("chart store entry %s is unreadable (%s); drawing again", path, exc)
        return None


def draw(store: str | Path | None, function: Callable[..., Chart], *args: Any,
         **kwargs: Any) -> Chart:
    """``function(*args, **kwargs)``, taken from ``store`` when it was drawn before.

    Parameters
    ----------
    store : str or Path or None
        The store folder (made when needed); ``None`` draws without a store.
    function : callable
        A chart function returning :class:`~evaluation.report.netplots.Chart`.
    args, kwargs
        Its arguments; a :class:`~evaluation.report.view.SiteView` among them is keyed
        without its own ``chart_store`` field.
    """
    if store is None:
        return function(*args, **kwargs)
    key = _key(function, args, kwargs)
    if key is None:
        return function(*args, **kwargs)
    path = Path(store) / f"{key}.json"
    chart = _read(path)
    if chart is not None:
        return chart
    chart = function(*args, **kwargs)
    try:
        write_atomic(path, json.dumps(dataclasses.asdict(chart), sort_keys=True))
    except OSError as exc:  # a read-only run folder: the report is still right
        log.warning("chart store %s not writable: %s", store, exc)
    return chart
