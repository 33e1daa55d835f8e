"""Read export files into raw tables without interpreting their values.

Every reader returns a :class:`RawTable`: a DataFrame of the cells as found (text for CSV,
Python scalars for Excel and SPSS), the spreadsheet row number of each record, and what the
file declares about its values (SPSS value labels and user-missing codes). Interpretation
against the codebook happens in :mod:`evaluation.io.ingest`.

Raw input files are only ever opened for reading.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.errors import InputFileError, Problem

__all__ = [
    "DELIMITERS",
    "MAX_BYTES",
    "MAX_ROWS",
    "TEXT_SUFFIXES",
    "RawTable",
    "decode_text",
    "read_csv",
    "read_raw",
    "read_sav",
    "read_xlsx",
    "sav_user_missing",
    "sniff_delimiter",
]

log = logging.getLogger("evaluation")

DELIMITERS = (";", ",", "\t")
#: more data rows than this in one file are refused before parsing (memory safety); survey
#: exports of network actors have hundreds or thousands of rows, not millions
MAX_ROWS = 500_000
#: Largest input file read at all (any format), checked before it is opened.
MAX_BYTES = 512 * 2**20
TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".dat")


@dataclass(kw_only=True)
class RawTable:
    """Cells of one export file, uninterpreted."""

    path: Path
    frame: pd.DataFrame
    first_row: int  # spreadsheet row number of the first record (2 below a header row)
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    user_missing: dict[str, set[Any]] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)  # warnings found while reading

    def row_number(self, position: int) -> int:
        return self.first_row + position


def read_raw(path: str | Path, *, kind: str = "auto", encoding: str | None = None,
             delimiter: str | None = None, sheet: str | int | None = None) -> RawTable:
    """Read a CSV, Excel or SPSS file into a :class:`RawTable`.

    ``kind`` is ``auto`` (by suffix), ``csv``, ``xlsx`` or ``sav``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found")
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(path, "the file is empty")
    if size > MAX_BYTES:
        raise InputFileError(path, f"the file has {size / 2**20:,.0f} MiB, more than the limit "
                             f"of {MAX_BYTES // 2**20:,} MiB per input file; split the export "
                             "by wave or site")
    if kind == "auto":
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            kind = "xlsx"
        elif suffix in (".sav", ".zsav"):
            kind = "sav"
        elif suffix in TEXT_SUFFIXES:
            kind = "csv"
        else:
            raise InputFileError(path, f"unknown file type {suffix!r}; expected .csv, .tsv, "
                                 ".txt, .xlsx or .sav")
    if kind == "csv":
        return read_csv(path, encoding=encoding, delimiter=delimiter)
    if kind == "xlsx":
        return read_xlsx(path, sheet=sheet)
    if kind == "sav":
        return read_sav(path)
    raise InputFileError(path, f"unknown file kind {kind!r}")


def _codec_name(encoding: str | None) -> str:
    """The codec's canonical name (``utf-16``, ``cp1252``), or ``""`` when there is none."""
    if not encoding:
        return ""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return ""


def decode_text(path: Path, data: bytes, encoding: str | None) -> tuple[str, list[Problem]]:
    """Decode bytes of a text export; detect UTF-8 (with or without BOM), UTF-16, cp1252."""
    notes: list[Problem] = []
    wide = (data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
            or _codec_name(encoding).startswith(("utf-16", "utf-32")))
    head = data[:4096]
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13))
    if not wide and b"\x00" in head and controls * 20 >= len(head):  # 5 % control bytes
        raise InputFileError(path, "the file contains binary data (NUL bytes); expected a "
                             "text export (CSV; for UTF-16 without a byte order mark set "
                             "'encoding: utf-16') or set the format to xlsx or sav")
    if encoding:
        try:
            return data.decode(encoding), notes
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputFileError(path, f"text is not valid {encoding} (byte "
                                 f"0x{data[exc.start]:02x} at offset {exc.start}); save the "
                                 "file as UTF-8 or set 'encoding' in the project file",
                                 row=line) from None
        except LookupError:
            raise InputFileError(path, f"unknown encoding {encoding!r}") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), notes
    try:
        return data.decode("utf-8-sig"), notes
    except UnicodeDecodeError:
        pass
    _refuse_mixed_encoding(path, data)
    try:
        text = data.decode("cp1252")
        used = "Windows-1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        used = "Latin-1"
    notes.append(Problem(file=str(path), severity="warning",
                         message=f"not UTF-8; read as {used} (German Excel export)"))
    return text, notes


def _refuse_mixed_encoding(path: Path, data: bytes) -> None:
    """Rows with UTF-8 umlauts and rows that are not UTF-8 in one file (rows appended by
    another program): no single encoding reads both, so name the rows that are not UTF-8."""
    utf8_rows, other_rows = 0, []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            other_rows.append((number, line[exc.start], exc.start))
        else:
            utf8_rows += 1
    if utf8_rows and other_rows:
        shown = ", ".join(f"{row} (byte 0x{byte:02x} at position {at + 1})"
                          for row, byte, at in other_rows[:5])
        more = f" and {len(other_rows) - 5} more" if len(other_rows) > 5 else ""
        raise InputFileError(
            path, f"the file mixes text encodings: {utf8_rows} row(s) with non-ASCII "
            f"characters are UTF-8, but row(s) {shown}{more} are not (likely Windows-1252, "
            "e.g. rows pasted from another export); save the whole file as UTF-8",
            row=other_rows[0][0])


def _refuse_unclosed_quote(path: Path, text: str, sep: str) -> None:
    """A quoted field that is opened and never closed: name the row where it opens.

    Only a quote at the start of a field opens one (``5" breit`` in the middle of a cell is
    text, as the parser reads it); inside a quoted field, ``""`` is an escaped quote.
    """
    inside, opened, at_field_start = False, 0, True
    row = 1
    i, size = 0, len(text)
    while i < size:
        ch = text[i]
        if inside:
            if ch == '"':
                if i + 1 < size and text[i + 1] == '"':
                    i += 1  # an escaped quote
                else:
                    inside = False
            elif ch == "\n":
                row += 1
        elif ch == '"' and at_field_start:
            inside, opened = True, row
        elif ch == "\n":
            row += 1
        at_field_start = (not inside) and ch in (sep, "\n")
        i += 1
    if inside:
        raise InputFileError(path, 'a quote (") opens a cell in this row and is never closed, '
                             "so the rest of the file would be one cell; close or remove it",
                             row=opened)


def _refuse_nul(path: Path, text: str, sep: str) -> None:
    """A NUL character anywhere is a damaged cell: name its row and column."""
    at = text.find("\x00")
    if at < 0:
        return
    line = text.count("\n", 0, at) + 1
    start = text.rfind("\n", 0, at) + 1
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=sep), [])
    field = text[start:at].count(sep)
    column = header[field].strip() if field < len(header) else f"field {field + 1}"
    raise InputFileError(path, f"a NUL byte in column {column!r} (a damaged or binary cell); "
                         "re-export the file as text", row=line)


def sniff_delimiter(text: str) -> str:
    """Pick ``;``, ``,`` or tab from the header line, ignoring quoted parts."""
    header = text.split("\n", 1)[0]
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path, *, encoding: str | None = None,
             delimiter: str | None = None) -> RawTable:
    data = path.read_bytes()
    text, notes = decode_text(path, data, encoding)
    if not text.strip():
        raise InputFileError(path, "the file has no content")
    if "\r" in text and "\n" not in text:  # classic Mac line ends
        text = text.replace("\r", "\n")
        notes.append(Problem(file=str(path), severity="warning",
                             message="lines end in CR only (old Mac export); read as lines"))
    sep = delimiter or sniff_delimiter(text)
    _refuse_nul(path, text, sep)
    _refuse_unclosed_quote(path, text, sep)
    lines = text.count("\n")
    if lines > MAX_ROWS:
        raise InputFileError(path, f"the file has about {lines:,} rows, more than the limit of "
                             f"{MAX_ROWS:,} rows per survey file; split the export by wave or "
                             "site")
    notes += _ragged_rows(path, text, sep)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            na_filter=False, skipinitialspace=False, engine="c")
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputFileError(path, f"cannot parse as delimited text with {sep!r}: {exc}"
                             ) from None
    except pd.errors.EmptyDataError:
        raise InputFileError(path, "the file has no header row") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if len(frame.columns) == 1:
        likely = sniff_delimiter(text)
        if likely != sep and likely in text.split("\n", 1)[0]:
            raise InputFileError(path, f"the header is one single column when split by {sep!r}; "
                                 f"the file seems to use {likely!r} as delimiter (set "
                                 "'delimiter' in the project file or leave it out)")
    _check_header(path, frame)
    return RawTable(path=path, frame=frame, first_row=2, notes=notes)


def _ragged_rows(path: Path, text: str, sep: str, *, limit: int = 50) -> list[Problem]:
    """Rows with fewer or more fields than the header (a truncated file, a lost delimiter)."""
    # one huge cell must not stop the check (the csv module's default limit is 128 KiB)
    csv.field_size_limit(min(max(csv.field_size_limit(), len(text) + 1), 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    problems: list[Problem] = []
    width = None
    record = 0
    try:
        rows = list(reader)
    except csv.Error as exc:  # e.g. a lone carriage return inside a line
        return [Problem(file=str(path), message=f"cannot be split into rows ({exc}); save "
                        "the file again as CSV with ordinary line ends")]
    for fields in rows:
        if not fields or fields == [""]:
            continue  # blank lines are skipped, as the parser does
        record += 1
        if width is None:
            width = len(fields)
            continue
        if len(fields) != width and len(problems) < limit:
            problems.append(Problem(
                file=str(path), row=record, value=f"{len(fields)} fields",
                message="row has a different number of fields than the header "
                        "(truncated file or a missing delimiter?)",
                expected=f"{width} fields separated by {sep!r}"))
    return problems


#: Largest number of columns a survey workbook may have (checked before loading it).
MAX_COLUMNS = 5_000


def _inspect_workbook(path: Path, sheet: str | int | None) -> tuple[str, list[Problem]]:
    """The sheet to read, checked before pandas loads anything: it exists, its size is within
    the limits, and no formula lacks the value Excel stores with it."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # zipfile and XML errors of damaged files
        raise InputFileError(path, f"damaged or not an .xlsx workbook ({type(exc).__name__})"
                             ) from None
    try:
        names = list(book.sheetnames)
        if sheet is None:
            chosen = names[0]
        elif isinstance(sheet, int) and 0 <= sheet < len(names):
            chosen = names[sheet]
        elif isinstance(sheet, str) and sheet in names:
            chosen = sheet
        else:
            raise InputFileError(path, f"no sheet {sheet!r}; the workbook has the sheets "
                                 f"{', '.join(map(repr, names))}")
        ws = book[chosen]
        rows, cols = ws.max_row or 0, ws.max_column or 0
        if rows > MAX_ROWS + 1 or cols > MAX_COLUMNS:
            raise InputFileError(path, f"sheet {chosen!r} spans {rows:,} rows and {cols:,} "
                                 f"columns, more than the limit of {MAX_ROWS:,} rows and "
                                 f"{MAX_COLUMNS:,} columns (a stray cell far outside the data?)")
        formulas = [(cell.row, cell.column) for row in ws.iter_rows() for cell in row
                    if getattr(cell, "data_type", None) == "f"]
    finally:
        book.close()
    notes: list[Problem] = []
    if formulas:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            ws = values[chosen]
            stored = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row}
        finally:
            values.close()
        missing = [(r, c) for r, c in formulas if stored.get((r, c)) is None]
        if missing:
            cells = ", ".join(f"{get_column_letter(c)}{r}" for r, c in missing[:10])
            raise InputFileError(path, f"sheet {chosen!r}: {len(missing)} formula cell(s) "
                                 f"without a stored value ({cells}); open the file in Excel "
                                 "or LibreOffice, let it calculate and save it again")
    if sheet is None and len(names) > 1:
        notes.append(Problem(file=str(path), severity="warning",
                             message=f"the workbook has the sheets {', '.join(map(repr, names))}"
                                     f"; read {chosen!r} (set 'sheet' to choose another)"))
    return chosen, notes


def read_xlsx(path: Path, *, sheet: str | int | None = None) -> RawTable:
    sheet, sheet_notes = _inspect_workbook(path, sheet)
    try:
        frame = pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl")
    except (ValueError, KeyError, OSError) as exc:
        raise InputFileError(path, f"cannot read as an Excel workbook: {exc}") from None
    except Exception as exc:  # openpyxl raises zipfile/XML errors on damaged files
        raise InputFileError(path, f"damaged or not an .xlsx workbook ({type(exc).__name__})"
                             ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.astype(object).where(frame.notna(), "")
    _check_header(path, frame)
    return RawTable(path=path, frame=frame, first_row=2, notes=sheet_notes)


def sav_user_missing(meta: Any) -> dict[str, set[Any]]:
    """The user-missing values of every column of an SPSS file's metadata (pyreadstat):
    the discrete values and the one-value ranges."""
    user_missing: dict[str, set[Any]] = {}
    for column, values in (meta.missing_user_values or {}).items():
        user_missing.setdefault(column, set()).update(values)
    for column, ranges in (meta.missing_ranges or {}).items():
        for r in ranges:
            if r.get("lo") == r.get("hi"):
                user_missing.setdefault(column, set()).add(r["lo"])
    return user_missing


def read_sav(path: Path) -> RawTable:
    import pyreadstat

    try:
        # the header first: rows and columns are checked before any data is loaded
        _, head = pyreadstat.read_sav(str(path), metadataonly=True)
        rows, cols = head.number_rows, head.number_columns
        if (rows is not None and rows > MAX_ROWS) or (cols is not None and cols > MAX_COLUMNS):
            raise InputFileError(path, f"the file has {rows:,} cases and {cols:,} variables, "
                                 f"more than the limit of {MAX_ROWS:,} rows and "
                                 f"{MAX_COLUMNS:,} columns per survey file; split the export "
                                 "by wave or site")
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True,
                                          apply_value_formats=False)
    except InputFileError:
        raise
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise InputFileError(path, f"cannot read as an SPSS .sav file: {exc}") from None
    user_missing = sav_user_missing(meta)
    frame = frame.astype(object).where(frame.notna(), "")
    # SPSS case numbers: the first case is row 1 in SPSS's data view
    return RawTable(path=path, frame=frame, first_row=1,
                    value_labels=dict(meta.variable_value_labels or {}),
                    user_missing=user_missing)


def _check_header(path: Path, frame: pd.DataFrame) -> None:
    names = list(frame.columns)
    if not names or all(n == "" or n.startswith("Unnamed:") for n in names):
        raise InputFileError(path, "no header row with column names")
    seen: set[str] = set()
    for name in names:
        if name in seen:  # equal once surrounding spaces are removed ("trust_1", " trust_1")
            raise InputFileError(path, f"column {name!r} appears twice in the header (perhaps "
                                 "once with spaces around it)")
        base = name.split(".")[0] if name.rsplit(".", 1)[-1].isdigit() else name
        if base in seen and base != name:
            raise InputFileError(path, f"column {base!r} appears twice in the header")
        seen.add(name)
