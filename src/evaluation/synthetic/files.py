"""Writing the example's files: CSV text with ``'\\n'`` line endings, and where the default
instrument is found.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from evaluation.synthetic.design import INSTRUMENT


def _csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Comma-separated text with a header row and ``'\\n'`` line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _parse_csv(text: str) -> list[list[str]]:
    """The rows of CSV text (header included)."""
    return [list(r) for r in csv.reader(io.StringIO(text))]


def _write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write text with ``'\\n'`` line endings, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="\n") as handle:
        handle.write(text)


def _instrument_path(folder: Path) -> Path:
    """The default instrument the project will use: the library beside the folder if it
    exists there, else the library of this source tree."""
    beside = folder.parent / "instruments" / f"{INSTRUMENT}.yml"
    if beside.is_file():
        return beside
    # src/evaluation/synthetic/files.py -> the repository root is parents[3]
    return Path(__file__).resolve().parents[3] / "surveys" / "instruments" / f"{INSTRUMENT}.yml"
