"""The formats a run writes besides its HTML pages: Excel workbooks, tagged PDF and Word.

Every format comes from the same content as the HTML, never around it: a site's workbook
from the :class:`~evaluation.report.SiteView` its partner report is built from (the privacy
boundary, the same k rule), the PDFs from the written HTML pages and their print stylesheet,
the Word file from the written partner page. The project chooses them with
``outputs.formats`` (:data:`evaluation.config.FORMATS`; default: Excel), ``transfer-eval run``
adds more with ``--pdf`` and ``--docx``.

=================================  =========================================================
``partner/<site>.xlsx``            the site's own figures (``xlsx``)
``evaluator/tables.xlsx``          every run table of site level and above, with the data
                                   dictionary (``xlsx``; respondent and organisation tables
                                   stay in ``_run``, rows of site-waves below k are left out
                                   as in every report)
``data_dictionary.html``           the instrument's items, scales and codes (always)
``<page>.pdf``                     each partner and evaluator report, the synthesis and the
                                   handout (``pdf``)
``partner/<site>.docx``            the partner report for editing (``docx``)
=================================  =========================================================

Each file is written atomically and isolated: a file that fails is recorded as failed and
the others are still written. The records go into the index page and the manifest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation import columns as C
from evaluation.atomic import write_atomic
from evaluation.config import Project
from evaluation.errors import EvaluationError, PdfError
from evaluation.results import TABLES, Results

log = logging.getLogger("evaluation")

__all__ = ["EVALUATOR_WORKBOOK", "PDF_PAGES", "below_k_removed", "write_formats"]

#: the evaluator workbook, beside the evaluator editions
EVALUATOR_WORKBOOK = "evaluator/tables.xlsx"
DICTIONARY_PAGE = "data_dictionary.html"
#: table levels that never leave the run folder (one row per person or organisation)
PRIVATE_LEVELS = ("respondent", "organisation")
#: columns that name a wave a row belongs to
WAVE_COLUMNS = (C.WAVE, "wave_from", "wave_to", "previous_wave")
#: pages printed to PDF: every report page except the slides (the handout is their print)
PDF_PAGES = ("partner/", "evaluator/", "synthesis", "digest/handout")


def _record(out: Path, key: str, path: Path, fmt: str, *, error: str | None = None
            ) -> dict[str, Any]:
    record: dict[str, Any] = {"key": key, "path": str(path), "format": fmt}
    if error is None:
        record["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    else:
        record.update(failed=True, error=error, sha256="")
    return record


def _isolated(out: Path, key: str, path: Path, fmt: str, write: Callable[[], Any]
              ) -> dict[str, Any]:
    """Write one file; a failure becomes a failed record (logged), not an exception."""
    try:
        write()
    except (EvaluationError, OSError, ValueError, KeyError) as exc:
        log.warning("%s not written: %s", path.relative_to(out), exc)
        return _record(out, key, path, fmt, error=f"{type(exc).__name__}: {exc}")
    return _record(out, key, path, fmt)


def below_k_removed(results: Results) -> tuple[Results, int]:
    """``results`` without the rows of site-waves below k in any table with a site and a
    wave column (also a change from or into such a wave), as every report leaves them out;
    and how many rows were removed."""
    shown = results.table("shown")
    if shown is None or shown.empty:
        return results, 0
    hidden = {(str(s), str(w)) for s, w, ok in zip(shown[C.SITE], shown[C.WAVE],
                                                  shown["shown"], strict=True) if not ok}
    tables, removed = {}, 0
    for name, table in results.tables.items():
        waves = [c for c in WAVE_COLUMNS if c in table.columns]
        if hidden and C.SITE in table.columns and waves:
            sites = table[C.SITE].astype(str)
            keep = pd.Series(True, index=table.index)
            for column in waves:
                keep &= ~pd.Series([(s, str(w)) in hidden for s, w in
                                    zip(sites, table[column], strict=True)], index=table.index)
            removed += int((~keep).sum())
            table = table[keep]
        tables[name] = table
    return dataclasses.replace(results, tables=tables), removed


def _workbooks(project: Project, results: Results, out: Path, wave: str
               ) -> list[dict[str, Any]]:
    from evaluation.export import write_evaluator_workbook, write_site_workbook
    from evaluation.report import build_site_view

    records = []
    if "partner" in project.editions:
        for site in project.site_keys:
            path = out / "partner" / f"{site}.xlsx"
            records.append(_isolated(
                out, f"partner/{site}.xlsx", path, "xlsx",
                lambda s=site, p=path: write_site_workbook(build_site_view(results, s, wave), p,
                                                           language=project.language)))
    if "evaluator" in project.editions:
        tables = [name for name in results.tables
                  if name not in TABLES or TABLES[name].level not in PRIVATE_LEVELS]
        shown_only, removed = below_k_removed(results)
        log.info("evaluator workbook: %d rows of site-waves below k left out", removed)
        path = out / EVALUATOR_WORKBOOK
        records.append(_isolated(out, EVALUATOR_WORKBOOK, path, "xlsx", lambda: (
            write_evaluator_workbook(shown_only, project.codebook, path,
                                     language=project.language, tables=tables,
                                     project=project))))
    return records


def _pdfs(out: Path, pages: Sequence[Mapping[str, Any]], date: dt.datetime,
          workers: int) -> list[dict[str, Any]]:
    from evaluation.render import PdfJob, print_pdfs

    jobs = [PdfJob(Path(r["path"]), Path(r["path"]).with_suffix(".pdf")) for r in pages]
    outcomes = print_pdfs(jobs, date=date, workers=workers)
    return [_record(out, f"{r['key']}.pdf", o.job.pdf, "pdf", error=o.error)
            for r, o in zip(pages, outcomes, strict=True)]


def _word(out: Path, pages: Sequence[Mapping[str, Any]], date: dt.datetime
          ) -> list[dict[str, Any]]:
    from evaluation.export import html_to_docx
    from evaluation.render import launched, svgs_to_png_with

    records = []
    with launched() as pipe:  # one browser draws the charts of every page
        for r in pages:
            page = Path(r["path"])
            target = page.with_suffix(".docx")
            records.append(_isolated(
                out, f"{r['key']}.docx", target, "docx",
                lambda p=page, t=target: html_to_docx(
                    p.read_text(encoding="utf-8"), t, stamp=date,
                    svg_to_png=lambda svgs: svgs_to_png_with(pipe, svgs))))
    return records


def write_formats(project: Project, results: Results, out: Path,
                  reports: Sequence[Mapping[str, Any]], *, wave: str, date: dt.datetime,
                  formats: Sequence[str], workers: int = 1) -> list[dict[str, Any]]:
    """Write ``formats`` for the reports of a run (the records of its HTML pages) and the
    data dictionary; returns one record per file (``key, path, format, sha256``, and
    ``failed, error`` where it could not be written)."""
    from evaluation.export import data_dictionary_html

    written = [r for r in reports if not r.get("failed") and r.get("format", "html") == "html"]
    path = out / DICTIONARY_PAGE
    records = [_isolated(out, "data_dictionary", path, "html", lambda: write_atomic(
        path, data_dictionary_html(project.codebook, project.language, project=project)))]
    if "xlsx" in formats:
        records += _workbooks(project, results, out, wave)
    printed = [r for r in written if r["key"].startswith(PDF_PAGES)]
    partner = [r for r in written if r["key"].startswith("partner/")]
    for fmt, pages, write in (("pdf", printed, lambda: _pdfs(out, printed, date, workers)),
                              ("docx", partner, lambda: _word(out, partner, date))):
        if fmt not in formats:
            continue
        try:
            records += write()
        except PdfError as exc:  # no browser at all: every file of the format failed
            log.warning("no %s files: %s", fmt.upper(), exc)
            records += [_record(out, f"{r['key']}.{fmt}",
                                Path(r["path"]).with_suffix(f".{fmt}"), fmt, error=str(exc))
                        for r in pages]
    return records
