"""Where a run may write, and how it marks, locks and finishes its output folder.

A run writes only into a folder that is new, empty, or marked as ours by an earlier run
(:data:`MARKER`; folders of runs before the marker existed are recognised by their
``manifest.json`` and ``_run/run.json``). It never writes into the root of the file system,
the user's home folder, the project folder or anything inside it, nor into a folder that holds
one of the run's input files. Every file a report is written to is resolved and proven to lie
inside the output folder.

While a run writes, it holds an exclusive lock on :data:`LOCK_FILE` (a second run into the same
folder stops at once with a clear message) and the marker says ``"complete": false``; the
previous ``manifest.json`` is removed and ``index.html`` says that the run is incomplete, so a
run that is killed half way leaves a folder that says so. Only the end of a successful write
puts the index, the manifest and ``"complete": true`` back.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from evaluation.atomic import write_atomic
from evaluation.errors import OutputFolderError

__all__ = [
    "LOCK_FILE",
    "MARKER",
    "check_output_file",
    "check_output_folder",
    "inside",
    "is_ours",
    "locked",
    "mark",
]

#: The file that marks a folder as the output of transfer-evaluation.
MARKER = ".transfer-evaluation.json"
#: The file a run locks while it writes.
LOCK_FILE = ".transfer-evaluation.lock"


def _forbidden_roots() -> list[tuple[Path, str]]:
    home = Path.home().resolve()
    return [(Path(home.anchor), "the root of the file system"), (home, "your home folder")]


def _protected(target: Path, *, project_dir: Path, inputs: Iterable[Path]) -> str | None:
    """Why ``target`` (a resolved path) must not be written, or ``None``."""
    for root, what in _forbidden_roots():
        if target == root:
            return f"it is {what}"
    project_dir = project_dir.resolve()
    if target == project_dir or target.is_relative_to(project_dir):
        return f"it is inside the project folder {project_dir}, which holds the raw data"
    for path in inputs:
        path = Path(path).resolve()
        if path == target:
            return "it is an input file of the project"
        if path.is_relative_to(target):
            return f"it holds the input file {path}"
    return None


def _first_symlink(folder: Path) -> Path | None:
    """The first symbolic link below ``folder`` (links are never followed), or ``None``."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(root) / name
            if path.is_symlink():
                return path
    return None


def is_ours(folder: Path) -> bool:
    """Whether ``folder`` carries our marker, or is the output of a run from before it."""
    if (folder / MARKER).is_file():
        with contextlib.suppress(OSError, ValueError):
            return json.loads((folder / MARKER).read_text(encoding="utf-8")).get(
                "tool") == "transfer-evaluation"
        return False
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(manifest, dict) and {"data_sha256", "outputs", "versions"} <= set(manifest)
            and (folder / "_run" / "run.json").is_file())


def was_completed(folder: Path) -> bool:
    """Whether the last run that wrote ``folder`` finished (an empty folder: no)."""
    try:
        return bool(json.loads((folder / MARKER).read_text(encoding="utf-8")).get("complete"))
    except (OSError, ValueError, AttributeError):
        return is_ours(folder)  # a folder from before the marker existed: its manifest


def check_output_folder(out: str | Path, *, project_dir: Path, inputs: Iterable[Path]) -> Path:
    """The resolved output folder, or :class:`OutputFolderError` saying why it is refused."""
    target = Path(out).expanduser().resolve()
    why = _protected(target, project_dir=project_dir, inputs=inputs)
    if why is None and target.exists() and not target.is_dir():
        why = "it is a file, not a folder"
    if why is None and target.is_dir() and any(target.iterdir()) and not is_ours(target):
        why = ("it is not empty and was not written by transfer-evaluation (no "
               f"{MARKER}); nothing in it is replaced or deleted")
    if why is None and target.is_dir():
        link = _first_symlink(target)
        if link is not None:
            why = (f"it holds the symbolic link {link}; a run writes and deletes only real "
                   "files and folders inside its output folder")
    if why is not None:
        raise OutputFolderError(f"cannot write the outputs into {target}: {why}. Choose a new "
                                "or empty folder with --out.")
    return target


def check_output_file(out: str | Path, *, project_dir: Path, inputs: Iterable[Path],
                      overwrite: bool = False) -> Path:
    """The resolved path of a single output file, or :class:`OutputFolderError`; an existing
    file is replaced only with ``overwrite``."""
    target = Path(out).expanduser().resolve()
    why = _protected(target, project_dir=project_dir, inputs=inputs)
    if why is None and target.is_dir():
        why = "it is a folder, not a file"
    if why is None and not target.parent.is_dir():
        why = f"the folder {target.parent} does not exist"
    if why is None and (target.exists() or target.is_symlink()) and not overwrite:
        why = "the file exists (pass --force to replace it)"
    if why is not None:
        raise OutputFolderError(f"cannot write {target}: {why}. Choose a file outside the "
                                "project folder with --out.")
    return target


def inside(folder: Path, relative: str | Path) -> Path:
    """``folder / relative``, proven to stay inside ``folder`` after resolving it."""
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise OutputFolderError(f"refusing to write {path}: it lies outside the output folder "
                                f"{folder}")
    return path


def mark(folder: Path, *, complete: bool, version: str) -> None:
    """Write the marker: ours, and whether the last run finished writing."""
    write_atomic(folder / MARKER, json.dumps(
        {"tool": "transfer-evaluation", "version": version, "complete": complete},
        indent=2, sort_keys=True) + "\n")


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the folder's lock; :class:`OutputFolderError` if another run holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_FILE, os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputFolderError(f"another run is writing into {folder}; wait until it has "
                                    "finished, or choose another folder with --out") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock
