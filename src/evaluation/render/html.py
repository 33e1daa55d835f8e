"""Executed notebooks to self-contained, accessible, reproducible HTML reports.

The script of one rendering: copy the notebook and strip what varies between runs (timestamps,
papermill and execution metadata, random cell ids), drop what a partner must not see (code,
prompts, stderr, tracebacks, the parameters cells), then convert with nbconvert and our own
template (``templates/report``), which inlines its stylesheet, loads nothing from the network
and prints the provenance of the report at its end. Header, labels, provenance table and
stylesheet are the page furniture every HTML page shares (:mod:`evaluation.render.page`).

Two editions:

``partner``
    for the municipal coordinator: no code, no prompts, no injected-parameters cell, no
    stderr, no tracebacks.
``evaluator``
    for the scientific team: every code cell folded into a ``<details>`` element above its
    outputs; warnings and errors shown.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import html
import logging
import re
from collections.abc import Mapping
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from traitlets.config import Config

from evaluation.render.contents import add_contents
from evaluation.render.page import (
    TEMPLATE_DIR,
    TEMPLATE_NAME,
    page_context,
    page_environment,
    page_stylesheet,
)

__all__ = [
    "failure_page",
    "normalise_notebook",
    "render_html",
]

log = logging.getLogger("evaluation")

#: Cell tags whose cells never appear in a report.
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell",
                         "papermill-error-cell-tag"})
#: Cell metadata that differs between runs or says nothing to a reader.
VOLATILE_CELL_METADATA = ("papermill", "execution", "collapsed", "scrolled", "ExecuteTime")
VOLATILE_NB_METADATA = ("papermill", "widgets", "toc", "varInspector")

DISPLAY_PRIORITY = [
    "text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/latex",
    "text/vnd.mermaid", "text/plain", "application/javascript",
    "application/vnd.jupyter.widget-view+json",
]


class ReportExporter(HTMLExporter):
    """HTMLExporter without the BeautifulSoup pass of nbconvert 7.

    ``HTMLExporter.from_notebook_node`` re-parses its own output to add a generic alt text
    ("No description has been provided for this image") to every image without one and
    ``tabindex`` attributes to lab's classes. The generic alt text would hide exactly the
    mistake our accessibility check must find, and the re-serialisation costs time on
    reports full of base64 images; our template sets alt text from output metadata itself.
    """

    def from_notebook_node(  # type: ignore[override]
        self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@functools.lru_cache(maxsize=8)
def _exporter(edition: str, language: str) -> ReportExporter:
    partner = edition == "partner"
    config = Config()
    config.TemplateExporter.exclude_input = partner
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.TemplateExporter.exclude_output_stdin = True
    # Static representations first; scripts and widgets last, so that an output that also
    # has an HTML, image or text form is shown in that form (the template drops scripts).
    config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
    exporter = ReportExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
    )
    exporter.embed_images = True  # markdown images and attachments become data URIs
    exporter.exclude_anchor_links = True  # no pilcrow links after every heading
    exporter.sanitize_html = False  # outputs are our own code's; scripts are dropped anyway
    exporter.language_code = language
    return exporter


def normalise_notebook(nb: nbformat.NotebookNode, *, edition: str | None = None
                       ) -> nbformat.NotebookNode:
    """Return a copy without anything that varies between two runs of the same inputs.

    Removes papermill's and nbclient's timestamps and status records (notebook and cell
    metadata), gives cells deterministic ids (``cell-0``, ``cell-1``, ...) and, for the
    ``partner`` edition, drops the hidden cells (see :data:`HIDDEN_TAGS`), error outputs and
    stderr streams. The result is also what the batch should save as the executed ``.ipynb``.
    """
    nb = copy.deepcopy(nb)
    for key in VOLATILE_NB_METADATA:
        nb.metadata.pop(key, None)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if edition == "partner" and (tags & HIDDEN_TAGS or "evaluator-only" in tags):
            continue
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code" and edition == "partner":
            cell.outputs = [
                out for out in cell.outputs
                if out.output_type != "error"
                and not (out.output_type == "stream" and out.get("name") == "stderr")
            ]
        cells.append(cell)
    for index, cell in enumerate(cells):
        if "id" in cell or nb.nbformat_minor >= 5:
            cell["id"] = f"cell-{index}"
    nb.cells = cells
    return nb


def render_html(nb: nbformat.NotebookNode, *, edition: str, language: str,
                branding: Mapping[str, Any] | Any, source_date: dt.datetime,
                provenance: Mapping[str, Any] | None = None, title: str | None = None) -> str:
    """Render an executed notebook to one self-contained HTML report.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook (as returned by an executor); it is not changed.
    edition : {"partner", "evaluator"}
        Who reads it; see the module notes.
    language : {"de", "en"}
        Sets ``<html lang>``, the labels of the page furniture and the date format.
    branding : mapping or :class:`evaluation.config.project.Branding`
        ``project_name``, ``logo`` (path or data URI, embedded), ``primary_colour`` and
        ``accent_colour`` (``#rrggbb``).
    source_date : datetime
        The date the report carries (see :func:`evaluation.render.provenance.source_date`); the
        clock is never read.
    provenance : mapping, optional
        A record from :func:`evaluation.render.provenance.manifest`; by default the parameters
        papermill recorded in the notebook and the installed package versions.
    title : str, optional
        The ``<title>``; by default the first level-1 heading of the notebook.

    Returns
    -------
    str
        The HTML text. The same inputs give the same text, byte for byte.
    """
    report = page_context(edition=edition, language=language, branding=branding,
                          source_date=source_date, title=title, nb=nb, provenance=provenance)
    clean = normalise_notebook(nb, edition=edition)
    exporter = _exporter(edition, language)
    body, _ = exporter.from_notebook_node(clean, resources={"report": report})
    return add_contents(body, language)


_TRACEBACK_LINE = re.compile(r"^(Traceback \(most recent call last\)|\s*File \"|-{20,}|Cell In\[)")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def short_reason(error_summary: str, *, limit: int = 300) -> str:
    """The one line of an error summary a partner may read: no traceback, no ANSI, short."""
    text = _ANSI.sub("", str(error_summary or ""))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    lines = [ln for ln in lines if not _TRACEBACK_LINE.match(ln) and not ln.startswith("---->")]
    reason = lines[-1] if lines else ""
    for line in lines:  # prefer the "ExcType: message" line if there is one
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b", line):
            reason = line
    if len(reason) > limit:
        reason = reason[: limit - 1].rstrip() + "\u2026"
    return reason


def failure_page(site: str, wave: str, error_summary: str, language: str, *,
                 edition: str = "partner", branding: Mapping[str, Any] | Any = None,
                 source_date: dt.datetime | None = None,
                 provenance: Mapping[str, Any] | None = None) -> str:
    """The page a site gets instead of its report when rendering it failed.

    Says which report failed. The ``evaluator`` edition gives a short reason (the last
    ``Error: message`` line of the summary) and the full summary; the ``partner`` edition
    shows no exception text at all, only that a technical error occurred and whom to ask.
    Everything is escaped. Deterministic like :func:`render_html`.
    """
    from evaluation.render.provenance import DEFAULT_SOURCE_DATE

    report = page_context(
        edition=edition, language=language,
        branding=branding if branding is not None else {"project_name": ""},
        source_date=source_date or DEFAULT_SOURCE_DATE, provenance=provenance,
    )
    labels = dict(report["labels"])
    labels["failure_title"] = labels["failure_title"].format(site=site, wave=wave)
    report["labels"] = labels
    report["title"] = labels["failure_title"]
    if edition == "evaluator":
        reason = short_reason(error_summary) or labels["failure_unknown"]
    else:
        reason = labels["failure_partner"]
    details = _ANSI.sub("", str(error_summary or "")).strip() if edition == "evaluator" else ""
    template = page_environment().get_template("failure.html.j2")
    return template.render(report=report, css_block=page_stylesheet(), reason=reason,
                           details=details)


def escape(text: str) -> str:
    """HTML-escape text (quotes too), for notebooks that build small fragments."""
    return html.escape(text, quote=True)
