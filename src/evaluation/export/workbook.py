"""Writing tidy tables into Excel workbooks that run nothing and come out byte for byte the same.

Shared by :mod:`~evaluation.export.site_workbook` and
:mod:`~evaluation.export.evaluator_workbook`. openpyxl is the engine; sheets are written in its
write-only mode (rows streamed, little memory even for the respondent-level tables).

Cells
    Every text cell goes through :func:`evaluation.spreadsheet.spreadsheet_safe` (a leading
    ``=``, ``+``, ``-``, ``@``, tab or carriage return gets an apostrophe), headers included,
    so that no cell is stored as a formula. Characters XML cannot hold are replaced by U+FFFD,
    text longer than an Excel cell holds is cut. Missing values (``None``, ``NaN``, ``NaT``)
    are empty cells; infinities are written as the text ``inf`` / ``-inf``; time zones are
    converted to UTC and dropped (Excel has none).
Sheets
    Row 1 is the header (bold, shaded, frozen); numbers take the format of their column
    (:data:`MEAN_FORMAT` for means, :data:`SHARE_FORMAT` for shares, ...); column widths follow
    the longest text of the first rows. Sheet names are at most 31 characters, without the
    characters Excel refuses, and unique regardless of case (:func:`unique_sheet_names`).
Bytes
    :func:`save_workbook` stamps the document with a given time instead of the clock, rewrites
    the archive with that time on every entry, and writes the file atomically. The same
    workbook content and stamp give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from evaluation.atomic import atomic_open
from evaluation.spreadsheet import spreadsheet_safe

__all__ = [
    "COUNT_FORMAT",
    "EXCEL_MAX_CELL_TEXT",
    "EXCEL_MAX_COLUMNS",
    "EXCEL_MAX_ROWS",
    "MEAN_FORMAT",
    "SHARE_FORMAT",
    "SHEET_NAME_LIMIT",
    "unique_sheet_names",
]

#: Excel's limits: rows and columns of a sheet (the header is a row), characters of a cell
#: and of a sheet name.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
EXCEL_MAX_CELL_TEXT = 32_767
SHEET_NAME_LIMIT = 31
#: Number formats: means and intervals with two decimals, shares as whole percent, counts.
MEAN_FORMAT = "0.00"
SHARE_FORMAT = "0%"
COUNT_FORMAT = "0"
#: Zip entries cannot carry a time before 1980.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_FORBIDDEN_IN_NAMES = re.compile(r"[\[\]:*?/\\]")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E8ECF0")
_TITLE_FONT = Font(bold=True, size=13)
_WRAP = Alignment(wrap_text=True, vertical="top")
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_WIDTH_SAMPLE = 500  # rows looked at for the column widths


def unique_sheet_names(names: Iterable[str], *, limit: int = SHEET_NAME_LIMIT) -> list[str]:
    """Sheet names for ``names``: characters Excel refuses (``[]:*?/\\``, control
    characters) replaced by ``_``,
    at most ``limit`` characters, unique regardless of case (a clash ends in ``~2``, ``~3``).

    >>> unique_sheet_names(["scores_by_site", "scores_by_wave", "a/b"], limit=9)
    ['scores_by', 'scores_~2', 'a_b']
    """
    out: list[str] = []
    taken: set[str] = set()
    for raw in names:
        name = _FORBIDDEN_IN_NAMES.sub("_", ILLEGAL_CHARACTERS_RE.sub("_", str(raw)))
        name = name.strip("'") or "sheet"
        candidate, n = name[:limit], 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f"~{n}"
            candidate = name[: limit - len(suffix)] + suffix
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def new_workbook() -> Workbook:
    """An empty write-only workbook."""
    return Workbook(write_only=True)


def cell_value(value: Any) -> Any:
    """``value`` as openpyxl writes it without surprises (see the module notes)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
        if value is pd.NaT:
            return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime(warn=False)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, bool | int | dt.date | dt.time):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else value
    if isinstance(value, list | tuple | dict | set | frozenset):
        value = json.dumps(sorted(value) if isinstance(value, set | frozenset) else value,
                           ensure_ascii=False, default=str)
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
    return text[:EXCEL_MAX_CELL_TEXT]


def _safe_frame(frame: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    """Headers and cells with every formula-like text neutralised."""
    headers = spreadsheet_safe(pd.DataFrame([[str(c) for c in frame.columns]], dtype=object))
    body = frame.copy()
    body.columns = range(len(frame.columns))
    return list(headers.iloc[0]), spreadsheet_safe(body)


def _width(cells: Iterable[Any]) -> float:
    """A column width for ``cells``: the longest text, a number as about ten characters."""
    longest = max((10 if isinstance(c, int | float) else len(str(c))
                   for c in cells if c is not None), default=0)
    return float(min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH))


def add_table(book: Workbook, title: str, frame: pd.DataFrame, *,
              formats: Mapping[str, str] | None = None,
              widths: Mapping[str, float] | None = None) -> None:
    """Append a sheet ``title`` holding ``frame``: header row frozen, ``formats`` by column."""
    sheet = book.create_sheet(title)
    headers, body = _safe_frame(frame)
    formats = dict(formats or {})
    widths = dict(widths or {})
    column_formats = [formats.get(str(c)) for c in frame.columns]
    rows = [[cell_value(v) for v in row] for row in body.itertuples(index=False, name=None)]
    for j, (name, header) in enumerate(zip(frame.columns, headers, strict=True), start=1):
        sample = [header, *(row[j - 1] for row in rows[:_WIDTH_SAMPLE])]
        sheet.column_dimensions[get_column_letter(j)].width = (
            widths.get(str(name)) or _width(sample))
    sheet.freeze_panes = "A2"
    sheet.append([_styled(sheet, h, font=_HEADER_FONT, fill=_HEADER_FILL) for h in headers])
    for row in rows:
        sheet.append([_styled(sheet, v, number_format=f) if f and v is not None else v
                      for v, f in zip(row, column_formats, strict=True)])


def add_text_sheet(book: Workbook, title: str, rows: Sequence[Sequence[Any]], *,
                   widths: Sequence[float], bold_rows: Iterable[int] = (),
                   title_rows: Iterable[int] = ()) -> None:
    """Append a sheet of text rows (an explanation): long cells wrap, ``bold_rows`` (0-based)
    are bold, ``title_rows`` larger; nothing is frozen."""
    sheet = book.create_sheet(title)
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = width
    n_columns = max((len(r) for r in rows), default=0)
    frame = pd.DataFrame([list(r) + [None] * (n_columns - len(r)) for r in rows],
                         dtype=object)
    safe = spreadsheet_safe(frame) if n_columns else frame
    bold, titles = set(bold_rows), set(title_rows)
    for i, row in enumerate(safe.itertuples(index=False, name=None)):
        font = _TITLE_FONT if i in titles else _HEADER_FONT if i in bold else None
        sheet.append([_styled(sheet, cell_value(v), font=font, alignment=_WRAP)
                      if v is not None else None for v in row])


def _styled(sheet: Any, value: Any, *, font: Font | None = None,
            fill: PatternFill | None = None, number_format: str | None = None,
            alignment: Alignment | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if number_format is not None:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _naive_utc(stamp: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(stamp, dt.datetime):
        stamp = dt.datetime(stamp.year, stamp.month, stamp.day)
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    return stamp.replace(microsecond=0)


def workbook_bytes(book: Workbook, *, stamp: dt.datetime | dt.date, title: str = "") -> bytes:
    """The ``.xlsx`` bytes of ``book``, stamped ``stamp`` (document properties and every zip
    entry) instead of the current time."""
    when = _naive_utc(stamp)
    props = book.properties
    props.created = props.modified = when
    props.creator = "transfer-evaluation"
    props.lastModifiedBy = None
    props.title = ILLEGAL_CHARACTERS_RE.sub("\ufffd", title) or None
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).write_data()  # save_workbook() would stamp "now"
    zip_time = max(when.timetuple()[:6], _ZIP_EPOCH)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=zip_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # as on Unix, wherever it was written
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info), compresslevel=6)
    return out.getvalue()


def save_workbook(book: Workbook, path: str | Path, *, stamp: dt.datetime | dt.date,
                  title: str = "", mode: int = 0o644) -> Path:
    """Write ``book`` to ``path`` atomically (see :func:`workbook_bytes`); return the path."""
    data = workbook_bytes(book, stamp=stamp, title=title)
    with atomic_open(path, text=False, mode=mode) as handle:
        handle.write(data)
    return Path(path)
