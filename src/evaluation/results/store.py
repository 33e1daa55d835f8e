"""The run folder: computed results stored once, loaded by every report notebook.

Layout of a run folder::

    results.json      metadata, objects (network graphs as node and edge lists), the names of
                      the tables and the SHA-256 of each table file
    frames/NAME.json  every tidy table as JSON that restores it exactly (dtypes kept)
    tables/NAME.csv   every tidy table as CSV, for evaluators who work in other software
    run.json          the cache key (data hash, parameters, package version) and timings
    charts/           drawn charts shared by a site's editions (evaluation.report.chart_store)

Only the pipeline writes here, atomically (temporary file, then rename); ``run.json`` is
removed first and written last, so a folder without it is incomplete. Notebooks read through
:func:`load_results`, which reads a table only when a report first uses it: a site report
never loads the respondent-level ``scores`` or tables it does not show, so what a report
kernel holds does not grow with the respondents of the whole programme. Respondent-level
tables stay in the run folder and are never copied into partner reports.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.atomic import write_atomic
from evaluation.errors import RunFolderError
from evaluation.results.frames import frame_from_json, frame_to_json
from evaluation.results.registry import TABLES, check_tables, table_spec
from evaluation.spreadsheet import spreadsheet_safe

__all__ = [
    "FRAMES_DIR",
    "RESULTS_FILE",
    "RESULTS_FORMAT",
    "RUN_FILE",
    "TABLES_DIR",
    "LazyTables",
    "Results",
    "cached_key",
    "load_results",
    "save_results",
]

RESULTS_FILE = "results.json"
#: bumped whenever the stored form of :class:`Results` changes (enters the cache key)
RESULTS_FORMAT = 5
RUN_FILE = "run.json"
TABLES_DIR = "tables"
FRAMES_DIR = "frames"
#: What a run of ours writes below the run folder: the only files a new save deletes.
OWN_FILES = ((TABLES_DIR, "*.csv"), (FRAMES_DIR, "*.json"), (FRAMES_DIR, "*.pkl"),
             ("charts", "*.json"))


@dataclass(kw_only=True)
class Results:
    """All computed tables of one project run (tidy DataFrames) plus metadata.

    Defined here, away from the statistics modules, so that a report kernel can load it
    without importing statsmodels or scipy. ``meta`` and ``objects`` hold plain data only
    (what JSON can hold): they are stored as JSON, never as code-carrying pickles.
    """

    meta: dict[str, Any]
    # a dict when computed; a LazyTables when loaded from a run folder
    tables: MutableMapping[str, pd.DataFrame] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)  # e.g. network graphs for maps

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def table(self, name: str) -> pd.DataFrame | None:
        """The registered table ``name`` of this run, or ``None`` where the run has none
        (no participation data, say). A name that is not registered raises
        :class:`~evaluation.errors.RunFolderError` naming the registered tables, so a misspelt
        table fails at once instead of leaving a report section silently empty.
        """
        table_spec(name)
        return self.tables.get(name)


class LazyTables(MutableMapping[str, pd.DataFrame]):
    """The tables of a run folder, each read from ``frames/NAME.json`` when first used.

    Behaves as a dict of DataFrames: ``in``, ``len`` and iteration use the stored names
    without reading anything; a table set here replaces the stored one in memory only.
    Pickles as a plain dict of all tables.
    """

    def __init__(self, folder: Path, names: Iterable[str], *, token: str = "") -> None:
        self._folder = folder
        self._names = list(dict.fromkeys(names))
        self._loaded: dict[str, pd.DataFrame] = {}
        self._token = token  # the save the metadata came from; every table must match it

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name in self._loaded:
            return self._loaded[name]
        if name not in self._names:
            raise KeyError(name)
        path = self._folder / f"{name}.json"
        try:
            token, table = frame_from_json(path.read_bytes())
        except (OSError, ValueError, TypeError, KeyError, OverflowError, RecursionError,
                RunFolderError) as exc:
            raise RunFolderError(f"{path}: table {name!r} cannot be read ({exc}); run "
                                 "`transfer-eval run PROJECT` again") from exc
        if token != self._token:
            raise RunFolderError(f"{path}: the run folder was written again after these "
                                 "results were loaded; load the results again")
        self._loaded[name] = table
        return table

    def __setitem__(self, name: str, table: pd.DataFrame) -> None:
        self._loaded[name] = table
        if name not in self._names:
            self._names.append(name)

    def __delitem__(self, name: str) -> None:
        if name not in self._names:
            raise KeyError(name)
        self._names.remove(name)
        self._loaded.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"LazyTables({len(self._names)} tables, {len(self._loaded)} loaded)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self.items()),))


def save_results(results: Results, run_dir: Path, *, key: dict[str, Any]) -> None:
    """Write results (tables one file each), their CSV tables and the cache key.

    Every table must be registered in :mod:`evaluation.results.registry` with its columns;
    otherwise :class:`~evaluation.errors.RunFolderError` lists every mismatch and nothing is
    written.
    """
    all_tables = dict(results.tables.items())  # read (lazy) tables before anything is removed
    check_tables(all_tables)  # every table registered, with its registered columns
    run_dir.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex  # ties the tables to the metadata of this save
    (run_dir / RUN_FILE).unlink(missing_ok=True)  # incomplete until run.json is back
    # nothing of an earlier run stays, and nothing else is deleted: only the files a run of
    # ours writes (charts/: evaluation.report.chart_store.STORE_DIR)
    for folder, pattern in OWN_FILES:
        for path in (run_dir / folder).glob(pattern):
            if path.is_file() and not path.is_symlink():
                path.unlink()
    tables, frames = run_dir / TABLES_DIR, run_dir / FRAMES_DIR
    tables.mkdir(exist_ok=True)
    frames.mkdir(exist_ok=True)
    hashes: dict[str, str] = {}
    for name, table in sorted(all_tables.items()):
        write_atomic(tables / f"{name}.csv",
                     spreadsheet_safe(table).to_csv(index=False, lineterminator="\n"))
        text = frame_to_json(table, name=name, token=token)
        write_atomic(frames / f"{name}.json", text)
        hashes[name] = hashlib.sha256(text.encode()).hexdigest()
    stored = {"format": RESULTS_FORMAT, "meta": results.meta, "objects": results.objects,
              "tables": list(all_tables), "sha256": hashes, "token": token}
    try:
        text = json.dumps(stored, ensure_ascii=False, indent=1)  # key order is meaningful
    except (TypeError, ValueError) as exc:
        raise RunFolderError(f"{run_dir / RESULTS_FILE}: the metadata and objects must be "
                             f"plain data (JSON): {exc}") from exc
    write_atomic(run_dir / RESULTS_FILE, text + "\n")
    # run.json last: its presence marks a complete run folder
    write_atomic(run_dir / RUN_FILE, json.dumps(key, indent=2, sort_keys=True) + "\n")


def _stored_results(path: Path) -> dict[str, Any]:
    """The parsed ``results.json`` at ``path``, checked: this format, plain metadata and
    objects, a list of registered table names; :class:`RunFolderError` otherwise."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise RunFolderError(f"{path}: cannot be read ({type(exc).__name__}); run "
                             "`transfer-eval run PROJECT` again") from exc
    if (not isinstance(stored, dict) or stored.get("format") != RESULTS_FORMAT
            or not isinstance(stored.get("meta"), dict)
            or not isinstance(stored.get("objects"), dict)
            or not isinstance(stored.get("tables"), list)):
        raise RunFolderError(f"{path}: not a results file of this version of the package; "
                             "run `transfer-eval run PROJECT` again")
    unknown = [name for name in stored["tables"] if name not in TABLES]
    if unknown:
        raise RunFolderError(f"{path}: names tables that are not registered "
                             f"({', '.join(map(repr, unknown[:5]))}); run "
                             "`transfer-eval run PROJECT` again")
    return stored


def cached_key(run_dir: Path) -> dict[str, Any] | None:
    """The cache key of a complete run folder whose files are intact, or ``None``.

    Intact: ``results.json`` passes the checks of :func:`load_results` and every table file
    has the SHA-256 recorded there, so a changed or planted file is never reused (it is
    computed again).
    """
    path = run_dir / RUN_FILE
    if not path.is_file() or not (run_dir / RESULTS_FILE).is_file():
        return None
    try:
        key = json.loads(path.read_text(encoding="utf-8"))
        stored = _stored_results(run_dir / RESULTS_FILE)
        hashes = stored["sha256"]
        if set(hashes) != set(stored["tables"]):
            return None
        for name, digest in hashes.items():
            frame = run_dir / FRAMES_DIR / f"{name}.json"
            if hashlib.sha256(frame.read_bytes()).hexdigest() != digest:
                return None
    except (RunFolderError, OSError, ValueError, KeyError, TypeError, AttributeError,
            RecursionError):
        return None
    return key if isinstance(key, dict) else None


def load_results(run_dir: str | Path) -> Results:
    """Load the results of a run folder (what report notebooks call first).

    Metadata and objects are read at once, each table when it is first used (see
    :class:`LazyTables`).
    """
    folder = Path(run_dir)
    path = folder / RESULTS_FILE
    if not path.is_file():
        raise RunFolderError(f"{path}: no computed results; run `transfer-eval run PROJECT` "
                             "first or pass the run folder of a finished run")
    stored = _stored_results(path)
    return Results(meta=stored["meta"], objects=stored["objects"],
                   tables=LazyTables(folder / FRAMES_DIR, stored["tables"],
                                     token=stored.get("token", "")))
