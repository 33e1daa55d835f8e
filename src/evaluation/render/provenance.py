"""Where a report came from: a hash of its data, its parameters and the software that made it.

Every report carries this record (the template prints it at the end), and the batch writes it
as ``manifest.json`` beside the reports, so that a reader can tell whether two reports were made
from the same data by the same code.

Nothing here reads the clock: the date a report carries comes from ``SOURCE_DATE_EPOCH``
(https://reproducible-builds.org/specs/source-date-epoch/), else from the project's configured
report date, else from a fixed default, so that the same inputs give byte-identical reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
from collections.abc import Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from evaluation.errors import ProvenanceError

__all__ = [
    "DEFAULT_SOURCE_DATE",
    "PACKAGES",
    "data_hash",
    "manifest",
    "manifest_json",
    "source_date",
    "versions",
]

#: The date used when neither SOURCE_DATE_EPOCH nor a configured report date is given.
DEFAULT_SOURCE_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

#: Distributions whose versions every report records, as ``name shown -> distribution``.
PACKAGES: dict[str, str] = {
    "evaluation": "transfer-evaluation",
    "pandas": "pandas",
    "numpy": "numpy",
    "scipy": "scipy",
    "statsmodels": "statsmodels",
    "matplotlib": "matplotlib",
    "nbconvert": "nbconvert",
    "nbformat": "nbformat",
    "papermill": "papermill",
    "ipykernel": "ipykernel",
    "jinja2": "jinja2",
}


def _files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise ProvenanceError(f"{path}: cannot hash a data file that does not exist")
    return found


def data_hash(paths: Iterable[str | os.PathLike[str]], *, root: str | os.PathLike[str] | None = None
              ) -> str:
    """SHA-256 over the data files, independent of where the project folder lies.

    Folders are walked recursively. The files are sorted by their path relative to ``root``
    (POSIX separators); for each file the relative path, its length in bytes and its bytes
    enter the hash, each part length-prefixed so that no two different file sets can give the
    same stream. ``root`` defaults to the common folder of all files.

    Returns
    -------
    str
        64 lowercase hex digits.
    """
    files = sorted({p.resolve() for p in _files(paths)})
    if root is None:
        root_path = Path(os.path.commonpath([p.parent for p in files])) if files else Path()
    else:
        root_path = Path(root).resolve()
    entries = []
    for path in files:
        try:
            rel = path.relative_to(root_path).as_posix()
        except ValueError as exc:
            raise ProvenanceError(f"{path}: data file lies outside the root {root_path}") from exc
        entries.append((rel, path))
    entries.sort()
    digest = hashlib.sha256()
    digest.update(f"evaluation-data-hash-v1 {len(entries)}\n".encode())
    for rel, path in entries:
        name = rel.encode("utf-8")
        size = path.stat().st_size
        digest.update(len(name).to_bytes(8, "big") + name + size.to_bytes(8, "big"))
        with path.open("rb") as fh:
            for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def versions() -> dict[str, str]:
    """Versions of Python and of the packages that shape a report's numbers and look."""
    return _package_versions()


def _package_versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for shown, dist in PACKAGES.items():
        try:
            found[shown] = version(dist)
        except PackageNotFoundError:
            found[shown] = "not installed"
    return found


def source_date(project_report_date: dt.date | dt.datetime | None = None, *,
                environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The date a report carries, as an aware UTC datetime; never the current time.

    ``SOURCE_DATE_EPOCH`` (whole seconds since 1970) wins, then the configured report date
    (midnight UTC), then :data:`DEFAULT_SOURCE_DATE`.
    """
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH")
    if raw is not None and raw.strip() != "":
        try:
            seconds = int(raw.strip())
        except ValueError:
            raise ProvenanceError(
                f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds since 1970-01-01"
            ) from None
        if seconds < 0:
            raise ProvenanceError(f"SOURCE_DATE_EPOCH={raw!r} lies before 1970")
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    if isinstance(project_report_date, dt.datetime):
        if project_report_date.tzinfo is None:
            return project_report_date.replace(tzinfo=dt.UTC)
        return project_report_date.astimezone(dt.UTC)
    if isinstance(project_report_date, dt.date):
        return dt.datetime(project_report_date.year, project_report_date.month,
                           project_report_date.day, tzinfo=dt.UTC)
    return DEFAULT_SOURCE_DATE


def _plain(value: Any) -> Any:
    """Make a value JSON-serialisable in a stable way."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return value.as_posix()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def manifest(*, parameters: Mapping[str, Any], data_sha256: str | None,
             source_date: dt.datetime, versions: Mapping[str, str] | None = None,
             **extra: Any) -> dict[str, Any]:
    """The provenance record of one report (or one batch), JSON-ready with sorted keys.

    ``extra`` takes further context such as ``site``, ``wave``, ``edition``, ``project``.
    """
    record: dict[str, Any] = {
        "data_sha256": data_sha256,
        "generated": source_date.astimezone(dt.UTC).isoformat(),
        "parameters": _plain(dict(parameters)),
        "versions": dict(versions) if versions is not None else _package_versions(),
    }
    for key, value in extra.items():
        record[key] = _plain(value)
    return _plain(record)  # type: ignore[no-any-return]


def manifest_json(record: Mapping[str, Any]) -> str:
    """Serialise a manifest deterministically (sorted keys, two-space indent, final newline)."""
    return json.dumps(_plain(record), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
