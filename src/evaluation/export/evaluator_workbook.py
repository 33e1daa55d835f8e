"""Every table of a run in one Excel workbook, for the evaluation team.

Sheets, in this order:

1. the contents (``Inhalt`` / ``Contents``): per sheet the table it holds, its rows and
   columns, which rows of the table it holds, the table's level, whether a partner report may
   show it, and its description from :mod:`evaluation.results.registry`;
2. one sheet per table of ``results.tables``, in the run's order, the columns as the run
   stores them (the same names as ``_run/tables/*.csv``). Names longer than 31 characters are
   shortened, uniquely. A table with more rows than an Excel sheet holds (1,048,575 below
   the header) is split over several sheets, ``name (1)``, ``name (2)``, ..., each listed in
   the contents with its rows;
3. the data dictionary of the codebook (:func:`evaluation.export.data_dictionary`).

Given every table, the workbook holds the respondent-level ``scores`` and the organisation-
level network tables: like ``_run/`` it must not leave the evaluation team, and it is written
with mode 0600. The run's own workbook (``evaluator/tables.xlsx``, :mod:`evaluation.formats`)
asks only for tables of site level and above and leaves out site-waves below k.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.config import Codebook, Project
from evaluation.errors import RenderError
from evaluation.export.dictionary import data_dictionary, localised_dictionary
from evaluation.export.workbook import (
    COUNT_FORMAT,
    EXCEL_MAX_COLUMNS,
    EXCEL_MAX_ROWS,
    SHEET_NAME_LIMIT,
    add_table,
    new_workbook,
    save_workbook,
    unique_sheet_names,
)
from evaluation.language import check_language
from evaluation.render import source_date
from evaluation.results import TABLES, Results

__all__ = ["write_evaluator_workbook"]

log = logging.getLogger("evaluation")

#: Data rows per sheet: an Excel sheet's rows less the header row.
ROWS_PER_SHEET = EXCEL_MAX_ROWS - 1
_WORDS = {
    "contents": ("Inhalt", "Contents"),
    "dictionary": ("Datenwörterbuch", "Data dictionary"),
    "sheet": ("Tabellenblatt", "Sheet"),
    "table": ("Tabelle", "Table"),
    "rows": ("Zeilen", "Rows"),
    "columns": ("Spalten", "Columns"),
    "first": ("erste Zeile der Tabelle", "First row of the table"),
    "last": ("letzte Zeile der Tabelle", "Last row of the table"),
    "level": ("eine Zeile je", "One row per"),
    "partner": ("darf in den Partnerbericht", "Partner report may show it"),
    "description": ("Beschreibung", "Description"),
    "yes": ("ja", "yes"), "no": ("nein", "no"),
    "dictionary_description": ("Aussagen, Merkmale und Codes des Fragebogens {name}",
                               "statements, attributes and codes of the questionnaire {name}"),
}


def _word(key: str, language: str, **values: Any) -> str:
    pair = _WORDS[key]
    text = pair[0] if language == "de" else pair[1]
    return text.format(**values) if values else text


def _part_name(name: str, part: int, parts: int) -> str:
    if parts == 1:
        return name
    suffix = f" ({part})"
    return name[: SHEET_NAME_LIMIT - len(suffix)] + suffix


def _report_date(meta: Mapping[str, Any]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(meta.get("report_date") or "")[:10])
    except ValueError:
        return None


def write_evaluator_workbook(results: Results, book: Codebook, path: str | Path, *,
                             language: str = "de", tables: Iterable[str] | None = None,
                             project: Project | None = None) -> Path:
    """Write every table of ``results`` and the data dictionary of ``book`` to ``path``.

    Parameters
    ----------
    results : evaluation.results.Results
        Computed (``compute_results``) or loaded (``load_results``) results of a run.
    book : evaluation.config.Codebook
        The codebook of the run (``project.codebook``), for the data dictionary.
    path : path
        The ``.xlsx`` file; written atomically, mode 0600 (see the module notes).
    language : {"de", "en"}
        Language of the contents sheet and the dictionary's headers; the tables keep their
        column names.
    tables : iterable of str, optional
        The tables to write, in this order; default every table of the run.
    project : evaluation.config.Project, optional
        Adds the survey files' column names to the data dictionary.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    RenderError
        A table has more columns than an Excel sheet holds (16,384), or a name in ``tables``
        is not a table of the run.
    """
    language = check_language(language)
    started = time.perf_counter()
    names = list(results.tables) if tables is None else list(tables)
    unknown = [n for n in names if n not in results.tables]
    if unknown:
        raise RenderError(f"the run has no table(s) {', '.join(unknown)}; it has "
                          f"{', '.join(results.tables)}")
    planned: list[tuple[str, str, int, int, int]] = []  # sheet, table, part, first, last
    for name in names:
        frame = results.tables[name]
        if frame.shape[1] > EXCEL_MAX_COLUMNS:
            raise RenderError(f"table {name!r} has {frame.shape[1]} columns; an Excel sheet "
                              f"holds {EXCEL_MAX_COLUMNS}. Leave it out (tables=...) or read "
                              f"_run/tables/{name}.csv instead")
        parts = max(1, -(-len(frame) // ROWS_PER_SHEET))
        if parts > 1:
            log.warning("table %s has %d rows, more than an Excel sheet holds; it is split "
                        "over %d sheets", name, len(frame), parts)
        for part in range(parts):
            first = part * ROWS_PER_SHEET
            planned.append((_part_name(name, part + 1, parts), name, part, first,
                            min(first + ROWS_PER_SHEET, len(frame))))
    sheet_names = unique_sheet_names([_word("contents", language),
                                      *(p[0] for p in planned),
                                      _word("dictionary", language)])
    dictionary = data_dictionary(book, project=project)
    contents = _contents(planned, sheet_names, results, dictionary, book, language)
    workbook = new_workbook()
    add_table(workbook, sheet_names[0], contents,
              formats={_word(k, language): COUNT_FORMAT for k in ("rows", "columns", "first",
                                                                    "last")},
              widths={_word("description", language): 70})
    for sheet, (_, name, _, first, last) in zip(sheet_names[1:-1], planned, strict=True):
        add_table(workbook, sheet, results.tables[name].iloc[first:last])
    readable = localised_dictionary(dictionary, language)
    add_table(workbook, sheet_names[-1], readable,
              widths={readable.columns[i]: 50 for i, c in enumerate(dictionary.columns)
                      if c.startswith(("text_", "values_", "missing_"))})
    written = save_workbook(workbook, path, stamp=source_date(_report_date(results.meta)),
                            title=str(results.meta.get("project") or ""), mode=0o600)
    log.info("evaluator workbook %s: %d sheets, %d bytes, %.1f s", written, len(sheet_names),
             written.stat().st_size, time.perf_counter() - started)
    return written


def _contents(planned: list[tuple[str, str, int, int, int]], sheet_names: list[str],
              results: Results, dictionary: pd.DataFrame, book: Codebook, language: str
              ) -> pd.DataFrame:
    yes, no = _word("yes", language), _word("no", language)
    rows = []
    for sheet, (_, name, _, first, last) in zip(sheet_names[1:-1], planned, strict=True):
        spec = TABLES.get(name)
        rows.append({"sheet": sheet, "table": name, "rows": last - first,
                     "columns": results.tables[name].shape[1],
                     "first": first + 1 if last > first else None,
                     "last": last if last > first else None,
                     "level": spec.level if spec else None,
                     "partner": (yes if spec.partner_safe else no) if spec else None,
                     "description": spec.description if spec else None})
    rows.append({"sheet": sheet_names[-1], "table": f"codebook {book.name}",
                 "rows": len(dictionary), "columns": dictionary.shape[1],
                 "first": 1, "last": len(dictionary), "level": None, "partner": yes,
                 "description": _word("dictionary_description", language, name=book.name)})
    frame = pd.DataFrame(rows, columns=["sheet", "table", "rows", "columns", "first", "last",
                                        "level", "partner", "description"])
    return frame.rename(columns={k: _word(k, language) for k in frame.columns})
