"""Reports printed to tagged PDF by headless Chromium, from the same HTML and print stylesheet.

Why Chromium: the browser tests already use it, so the PDF shows exactly what a reader prints
from the HTML (A4, running header, "Seite n von m", charts at 1:1), and its DevTools command
``Page.printToPDF`` writes a *tagged* PDF (``generateTaggedPDF``): a structure tree with
headings, lists, tables with header cells and figures with the images' alt texts, ``/Lang``
from ``<html lang>``, ``/Title`` from ``<title>``, bookmarks from the headings
(``generateDocumentOutline``) and embedded font subsets. WeasyPrint, the other candidate, lays
the page out with its own engine (no ``:has()`` in our print rules, its own SVG renderer), so
the PDF would differ from what the browser prints.

Each PDF is then normalised with pikepdf (qpdf), so that the same HTML gives the same bytes:

- the creation and modification dates are the run's date
  (:func:`evaluation.render.provenance.source_date`: ``SOURCE_DATE_EPOCH`` where set, else the
  report date), the creator names this package instead of the browser's user agent;
- Chromium numbers structure elements after its DOM nodes (``node00000238``), which shift by
  one between browser runs; they are renumbered in document order, in the ID tree and in the
  table cells' ``/Headers``;
- an HTML ``<figure>`` is tagged as a ``/Figure`` without alt text around the image's
  ``/Figure`` that has it; the outer one becomes a ``/Div`` (PDF/UA wants alt text on every
  figure, and the grouping element is not one);
- the file ID is derived from the content (``deterministic_id``).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.atomic import write_atomic
from evaluation.render.chromium import BrowserError, CdpPipe, launched
from evaluation.version import __version__

log = logging.getLogger("evaluation")

__all__ = ["PRINT_OPTIONS", "PdfJob", "PdfOutcome", "normalise_pdf", "print_pdfs",
           "tag_problems"]

#: ``Page.printToPDF`` options: the page size and margins come from the print stylesheet
PRINT_OPTIONS: dict[str, Any] = {
    "printBackground": True,
    "preferCSSPageSize": True,
    "displayHeaderFooter": False,
    "generateTaggedPDF": True,
    "generateDocumentOutline": True,
}


@dataclass(frozen=True)
class PdfJob:
    """One page to print: the HTML file and the PDF to write."""

    html: Path
    pdf: Path


@dataclass(frozen=True)
class PdfOutcome:
    """What became of a job: ``error`` is None where the PDF was written."""

    job: PdfJob
    error: str | None = None
    pages: int = 0


def _walk(element: Any, visit: Callable[[Any], None]) -> None:
    """Visit the structure elements under ``element`` in document order."""
    import pikepdf

    if isinstance(element, pikepdf.Array):
        for item in element:
            _walk(item, visit)
        return
    if not isinstance(element, pikepdf.Dictionary) or element.get("/Type") == "/MCR":
        return
    if "/S" in element:
        visit(element)
    kids = element.get("/K")
    if kids is not None:
        _walk(kids, visit)


def normalise_pdf(data: bytes, *, date: dt.datetime) -> bytes:
    """The PDF ``data`` made reproducible and its grouping figures untangled (module notes)."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    stamp = date.astimezone(dt.UTC).strftime("D:%Y%m%d%H%M%SZ")
    pdf.docinfo["/CreationDate"] = stamp
    pdf.docinfo["/ModDate"] = stamp
    pdf.docinfo["/Creator"] = f"transfer-evaluation {__version__} (Chromium)"
    root = pdf.Root.get("/StructTreeRoot")
    if root is not None:
        elements: list[Any] = []
        _walk(root.get("/K"), elements.append)
        renamed: dict[str, str] = {}
        for element in elements:
            if "/ID" in element:
                new = f"node{len(renamed):06d}"
                renamed[str(element.ID)] = new
                element.ID = pikepdf.String(new)
            if element.S == "/Figure" and "/Alt" not in element:
                inner: list[Any] = []
                _walk(element.get("/K"), inner.append)
                if any(e.S == "/Figure" and "/Alt" in e for e in inner):
                    element.S = pikepdf.Name("/Div")
        for element in elements:
            attributes = element.get("/A")
            if attributes is None:
                continue
            for attribute in (attributes if isinstance(attributes, pikepdf.Array)
                              else [attributes]):
                if isinstance(attribute, pikepdf.Dictionary) and "/Headers" in attribute:
                    attribute.Headers = pikepdf.Array(
                        [pikepdf.String(renamed.get(str(h), str(h)))
                         for h in attribute.Headers])
        if renamed:
            names = pikepdf.Array()
            for element in elements:
                if "/ID" in element:
                    names.append(element.ID)
                    names.append(element)
            root.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=names))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def tag_problems(path: Path) -> list[str]:
    """What keeps the PDF at ``path`` from being a tagged, accessible document: missing
    structure tree, ``/Lang``, ``/Title`` or bookmarks, a figure without alt text, a table
    without header cells. Empty when none."""
    import pikepdf

    problems = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        if "/StructTreeRoot" not in root:
            return [f"{path.name}: no structure tree (untagged PDF)"]
        if not str(root.get("/Lang", "")):
            problems.append(f"{path.name}: no document language (/Lang)")
        if not str(pdf.docinfo.get("/Title", "")):
            problems.append(f"{path.name}: no title (/Title)")
        if "/Outlines" not in root:
            problems.append(f"{path.name}: no bookmarks")
        mark = root.get("/MarkInfo")
        if mark is None or not bool(mark.get("/Marked")):
            problems.append(f"{path.name}: not marked as tagged (/MarkInfo /Marked)")
        elements: list[Any] = []
        _walk(root.StructTreeRoot.get("/K"), elements.append)
        for element in elements:
            if element.S == "/Figure" and not str(element.get("/Alt", "")).strip():
                problems.append(f"{path.name}: a figure without alt text")
            if element.S == "/Table":
                cells: list[Any] = []
                _walk(element.get("/K"), cells.append)
                if not any(c.S == "/TH" for c in cells):
                    problems.append(f"{path.name}: a table without header cells")
    return problems


def _print_one(pipe: CdpPipe, job: PdfJob, *, date: dt.datetime, timeout: float) -> int:
    """Print ``job`` in a new tab of the browser behind ``pipe``; returns its page count."""
    import pikepdf

    session = pipe.open_tab(job.html.resolve().as_uri(), timeout=timeout)
    try:
        reply = pipe.call("Page.printToPDF", PRINT_OPTIONS, session=session, timeout=timeout)
    finally:
        pipe.close_tab(session)
    data = normalise_pdf(base64.b64decode(reply["data"]), date=date)
    write_atomic(job.pdf, data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def _print_all(jobs: Sequence[PdfJob], *, date: dt.datetime, timeout: float
               ) -> list[PdfOutcome]:
    """Print ``jobs`` in order with one browser (started again if it dies)."""
    outcomes: list[PdfOutcome] = []
    pending = list(jobs)
    while pending:
        with launched() as pipe:
            while pending:
                job = pending.pop(0)
                try:
                    pages = _print_one(pipe, job, date=date, timeout=timeout)
                except BrowserError as exc:
                    log.warning("PDF of %s not written: %s", job.html.name, exc)
                    outcomes.append(PdfOutcome(job, error=str(exc)))
                    if "closed the debugging pipe" in str(exc):
                        break  # start a new browser for the rest
                    continue
                except (OSError, ValueError) as exc:  # unreadable page, PDF the parser refuses
                    log.warning("PDF of %s not written: %s", job.html.name, exc)
                    outcomes.append(PdfOutcome(job, error=f"{type(exc).__name__}: {exc}"))
                    continue
                outcomes.append(PdfOutcome(job, pages=pages))
    return outcomes


def print_pdfs(jobs: Sequence[PdfJob], *, date: dt.datetime, workers: int = 1,
               timeout: float = 120.0) -> list[PdfOutcome]:
    """Print every job, with ``workers`` headless browsers side by side; outcomes in the
    order of ``jobs``. Each failure is isolated: a page that cannot be printed gets an
    outcome with its error, the others are still printed. Raises
    :class:`evaluation.errors.PdfError` only if Chromium cannot be started at all."""
    workers = max(1, min(workers, len(jobs)))
    if workers == 1:
        return _print_all(jobs, date=date, timeout=timeout)
    from concurrent.futures import ThreadPoolExecutor

    shares = [list(jobs[i::workers]) for i in range(workers)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = list(pool.map(lambda share: _print_all(share, date=date, timeout=timeout),
                             shares))
    by_job = {id(o.job): o for outcomes in done for o in outcomes}
    return [by_job[id(job)] for job in jobs]
