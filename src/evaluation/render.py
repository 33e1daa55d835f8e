"""Executed notebooks to self-contained, accessible, reproducible HTML reports.

The script of one rendering: copy the notebook and strip what varies between runs (timestamps,
papermill and execution metadata, random cell ids), drop what a partner must not see (code,
prompts, stderr, tracebacks, the parameters cells), then convert with nbconvert and our own
template (``templates/report``), which inlines its stylesheet, loads nothing from the network
and prints the provenance of the report at its end.

Two editions:

``partner``
    for the municipal coordinator: no code, no prompts, no injected-parameters cell, no
    stderr, no tracebacks.
``evaluator``
    for the scientific team: every code cell folded into a ``<details>`` element above its
    outputs; warnings and errors shown.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import datetime as dt
import functools
import html
import json
import logging
import mimetypes
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from traitlets.config import Config

from evaluation.atomic import write_atomic
from evaluation.errors import EvaluationError
from evaluation.formatting import LANGUAGES, fmt_date

__all__ = [
    "EDITIONS",
    "TEMPLATE_DIR",
    "failure_page",
    "normalise_notebook",
    "render_html",
    "write_atomic",
]

log = logging.getLogger("evaluation")

EDITIONS = ("partner", "evaluator")
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "report"

#: Cell tags whose cells never appear in a report.
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell",
                         "papermill-error-cell-tag"})
#: Cell metadata that differs between runs or says nothing to a reader.
VOLATILE_CELL_METADATA = ("papermill", "execution", "collapsed", "scrolled", "ExecuteTime")
VOLATILE_NB_METADATA = ("papermill", "widgets", "toc", "varInspector")

LABELS: dict[str, dict[str, str]] = {
    "de": {
        "skip": "Zum Inhalt springen",
        "edition_partner": "Bericht für Projektpartner",
        "edition_evaluator": "Auswertung für die wissenschaftliche Begleitung",
        "date": "Stand",
        "code": "Code",
        "logo": "Logo",
        "provenance": "Herkunft der Ergebnisse",
        "provenance_intro": ("Diese Angaben machen nachvollziehbar, aus welchen Daten und mit "
                             "welcher Software dieser Bericht erstellt wurde."),
        "provenance_caption": "Daten und Erstellung",
        "parameters_caption": "Einstellungen des Berichts",
        "versions_caption": "Software-Versionen",
        "generated": "Stand",
        "data_sha256": "Prüfsumme der Daten (SHA-256)",
        "site": "Kommune",
        "wave": "Erhebungswelle",
        "project": "Projekt",
        "edition": "Ausgabe",
        "name": "Name",
        "value": "Wert",
        "package": "Paket",
        "version": "Version",
        "failure_title": "Der Bericht für {site} ({wave}) konnte nicht erstellt werden",
        "failure_what": "Was ist passiert?",
        "failure_next": "Wie geht es weiter?",
        "failure_advice": ("Die übrigen Berichte sind davon nicht betroffen. Bitte wenden Sie "
                           "sich an die wissenschaftliche Begleitung; sie erhält den genauen "
                           "Fehlerbericht."),
        "failure_details": "Fehlerbericht",
        "failure_unknown": "Unbekannter Fehler.",
    },
    "en": {
        "skip": "Skip to content",
        "edition_partner": "Report for project partners",
        "edition_evaluator": "Evaluator edition",
        "date": "As of",
        "code": "Code",
        "logo": "Logo",
        "provenance": "Provenance",
        "provenance_intro": ("These details make it possible to trace which data and which "
                             "software produced this report."),
        "provenance_caption": "Data and production",
        "parameters_caption": "Report parameters",
        "versions_caption": "Software versions",
        "generated": "As of",
        "data_sha256": "Data checksum (SHA-256)",
        "site": "Municipality",
        "wave": "Survey wave",
        "project": "Project",
        "edition": "Edition",
        "name": "Name",
        "value": "Value",
        "package": "Package",
        "version": "Version",
        "failure_title": "The report for {site} ({wave}) could not be produced",
        "failure_what": "What happened?",
        "failure_next": "What next?",
        "failure_advice": ("The other reports are not affected. Please contact the evaluation "
                           "team; they receive the full error report."),
        "failure_details": "Error report",
        "failure_unknown": "Unknown error.",
    },
}

DISPLAY_PRIORITY = [
    "text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/latex",
    "text/vnd.mermaid", "text/plain", "application/javascript",
    "application/vnd.jupyter.widget-view+json",
]

_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_DEFAULT_COLOURS = {"primary_colour": "#1f5f8b", "accent_colour": "#c8553d"}
_LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".svg": "image/svg+xml", ".gif": "image/gif", ".webp": "image/webp"}


class RenderError(EvaluationError, ValueError):
    """A report cannot be rendered with the options given (edition, language, branding)."""


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


def _check_options(edition: str, language: str) -> None:
    if edition not in EDITIONS:
        raise RenderError(f"unknown edition {edition!r}; expected one of {', '.join(EDITIONS)}")
    if language not in LANGUAGES:
        raise RenderError(
            f"unknown report language {language!r}; expected one of {', '.join(LANGUAGES)}"
        )


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


def _branding(branding: Mapping[str, Any] | Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(branding) and not isinstance(branding, type):
        branding = dataclasses.asdict(branding)
    if not isinstance(branding, Mapping):
        raise RenderError(f"branding must be a mapping or a Branding record, got {branding!r}")
    out = dict(branding)
    for key, default in _DEFAULT_COLOURS.items():
        value = out.get(key) or default
        if not (isinstance(value, str) and _HEX.fullmatch(value)):
            raise RenderError(f"branding {key} must be a hex colour like #1f5f8b, got {value!r}")
        out[key] = value
    out["project_name"] = str(out.get("project_name") or "")
    return out


def _logo_data_uri(logo: Any) -> str:
    if not logo:
        return ""
    text = str(logo)
    if text.startswith("data:"):
        return text
    path = Path(logo)
    mime = _LOGO_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    if mime is None or not mime.startswith("image/"):
        raise RenderError(f"{path}: logo must be PNG, JPEG, SVG, GIF or WebP")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RenderError(f"{path}: cannot read the logo ({exc.strerror})") from exc
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _first_heading(nb: nbformat.NotebookNode) -> str | None:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            sources = [cell.source]
        elif cell.cell_type == "code":
            sources = [o.get("data", {}).get("text/markdown", "") for o in cell.get("outputs", [])]
        else:
            continue
        for source in sources:
            match = re.search(r"^#\s+(.+?)\s*#*\s*$", str(source), flags=re.MULTILINE)
            if match:
                return re.sub(r"[*_`]", "", match.group(1)).strip()
    return None


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _provenance_view(provenance: Mapping[str, Any] | None, nb: nbformat.NotebookNode,
                     labels: Mapping[str, str], date_text: str) -> dict[str, Any]:
    if provenance is None:
        from evaluation.provenance import versions

        meta = nb.metadata.get("evaluation", {})
        provenance = {
            "parameters": dict(nb.metadata.get("papermill", {}).get("parameters", {})),
            "data_sha256": meta.get("data_sha256"),
            "versions": versions(),
        }
    facts: list[tuple[str, str]] = [(labels["generated"], date_text)]
    if provenance.get("data_sha256"):
        facts.append((labels["data_sha256"], str(provenance["data_sha256"])))
    skip = {"parameters", "versions", "data_sha256", "generated"}
    for key in sorted(k for k in provenance if k not in skip):
        facts.append((labels.get(key, key), _value_text(provenance[key])))
    parameters = sorted((str(k), _value_text(v))
                        for k, v in dict(provenance.get("parameters") or {}).items())
    versions_ = sorted((str(k), str(v)) for k, v in dict(provenance.get("versions") or {}).items())
    return {"facts": facts, "parameters": parameters, "versions": versions_}


def _report_context(*, nb: nbformat.NotebookNode | None, edition: str, language: str,
                    branding: Mapping[str, Any] | Any, source_date: dt.datetime,
                    provenance: Mapping[str, Any] | None, title: str | None) -> dict[str, Any]:
    brand = _branding(branding)
    labels = LABELS[language]
    date_text = fmt_date(source_date, language)
    project_name = brand["project_name"]
    context: dict[str, Any] = {
        "language": language,
        "edition": edition,
        "edition_label": labels[f"edition_{edition}"],
        "title": title or (nb is not None and _first_heading(nb)) or project_name or "Report",
        "project_name": project_name,
        "logo_data_uri": _logo_data_uri(brand.get("logo")),
        "logo_alt": f"{labels['logo']}: {project_name}" if project_name else labels["logo"],
        "primary_colour": brand["primary_colour"],
        "accent_colour": brand["accent_colour"],
        "date_text": date_text,
        "labels": labels,
        "provenance": {},
    }
    if nb is not None or provenance is not None:
        context["provenance"] = _provenance_view(provenance, nb or nbformat.v4.new_notebook(),
                                                 labels, date_text)
    return context


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
    branding : mapping or :class:`evaluation.project.Branding`
        ``project_name``, ``logo`` (path or data URI, embedded), ``primary_colour`` and
        ``accent_colour`` (``#rrggbb``).
    source_date : datetime
        The date the report carries (see :func:`evaluation.provenance.source_date`); the
        clock is never read.
    provenance : mapping, optional
        A record from :func:`evaluation.provenance.manifest`; by default the parameters
        papermill recorded in the notebook and the installed package versions.
    title : str, optional
        The ``<title>``; by default the first level-1 heading of the notebook.

    Returns
    -------
    str
        The HTML text. The same inputs give the same text, byte for byte.
    """
    _check_options(edition, language)
    report = _report_context(nb=nb, edition=edition, language=language, branding=branding,
                             source_date=source_date, provenance=provenance, title=title)
    clean = normalise_notebook(nb, edition=edition)
    exporter = _exporter(edition, language)
    body, _ = exporter.from_notebook_node(clean, resources={"report": report})
    return body


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


@functools.lru_cache(maxsize=1)
def _failure_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR / TEMPLATE_NAME)),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def failure_page(site: str, wave: str, error_summary: str, language: str, *,
                 edition: str = "partner", branding: Mapping[str, Any] | Any = None,
                 source_date: dt.datetime | None = None,
                 provenance: Mapping[str, Any] | None = None) -> str:
    """The page a site gets instead of its report when rendering it failed.

    Says which report failed and a short reason (the last ``Error: message`` line of the
    summary, without traceback); the ``evaluator`` edition adds the full summary. Everything
    is escaped. Deterministic like :func:`render_html`.
    """
    _check_options(edition, language)
    from evaluation.provenance import DEFAULT_SOURCE_DATE

    report = _report_context(
        nb=None, edition=edition, language=language,
        branding=branding if branding is not None else {"project_name": ""},
        source_date=source_date or DEFAULT_SOURCE_DATE, provenance=provenance, title=None,
    )
    labels = dict(report["labels"])
    labels["failure_title"] = labels["failure_title"].format(site=site, wave=wave)
    report["labels"] = labels
    report["title"] = labels["failure_title"]
    reason = short_reason(error_summary) or labels["failure_unknown"]
    details = _ANSI.sub("", str(error_summary or "")).strip() if edition == "evaluator" else ""
    css = (TEMPLATE_DIR / TEMPLATE_NAME / "static" / "report.css").read_text(encoding="utf-8")
    css_block = markupsafe.Markup('<style type="text/css">\n{}</style>').format(
        markupsafe.Markup(css))
    template = _failure_environment().get_template("failure.html.j2")
    return template.render(report=report, css_block=css_block, reason=reason, details=details)


def escape(text: str) -> str:
    """HTML-escape text (quotes too); re-exported for notebooks that build small fragments."""
    return html.escape(text, quote=True)
