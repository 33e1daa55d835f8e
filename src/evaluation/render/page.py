"""What every HTML page of the project shares: header, labels, provenance, stylesheet, templates.

Site reports (:func:`evaluation.render.html.render_html`), the failure page
(:func:`evaluation.render.html.failure_page`), the index of a batch
(:func:`evaluation.render.index_page.index_html`) and the conference deck and handout
(:mod:`evaluation.render.slides`) all show the same page furniture: the project's name, logo and
colours, the edition, the date and, for reports, the provenance table at the end. The
templates in ``templates/report/report_layout.j2`` draw it from the dict built here by
:func:`page_context`; :func:`page_stylesheet` inlines the report stylesheet and
:func:`page_environment` loads the page templates that are not nbconvert templates.

Nothing here reads the clock or the network: the same inputs give the same page, byte for byte.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import functools
import json
import mimetypes
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import markupsafe

from evaluation.errors import RenderError
from evaluation.language import check_language
from evaluation.report import fmt_date

if TYPE_CHECKING:
    import nbformat

__all__ = [
    "EDITIONS",
    "LABELS",
    "TEMPLATE_DIR",
    "TEMPLATE_NAME",
    "page_context",
    "page_environment",
    "page_stylesheet",
]

EDITIONS = ("partner", "evaluator")
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
#: The nbconvert template of the reports; its folder also holds the page layout macros.
TEMPLATE_NAME = "report"

LABELS: dict[str, dict[str, str]] = {
    "de": {
        "skip": "Zum Inhalt springen",
        "edition_partner": "Bericht für Projektpartner",
        "edition_evaluator": "Auswertung für die wissenschaftliche Begleitung",
        "date": "Stand",
        "code": "Code",
        "logo": "Logo",
        "page": "Seite",
        "page_of": "von",
        "confidential": "vertraulich",
        "provenance": "Herkunft der Ergebnisse",
        "provenance_intro": ("Diese Angaben machen nachvollziehbar, aus welchen Daten und mit "
                             "welcher Software dieser Bericht erstellt wurde."),
        "provenance_caption": "Daten und Erstellung",
        "parameters_caption": "Einstellungen des Berichts",
        "versions_caption": "Software-Versionen",
        "param_run_dir": "Ordner der berechneten Ergebnisse",
        "param_site": "Kommune (Schlüssel)",
        "param_wave": "Erhebungswelle (Schlüssel)",
        "param_edition": "Ausgabe",
        "param_language": "Sprache",
        "generated": "Stand",
        "data_sha256": "Prüfsumme der Daten (SHA-256)",
        "site": "Kommune",
        "wave": "Erhebungswelle",
        "project": "Projekt",
        "pool": "Vergleichsgruppe",
        "pool_text": ("{sites} Kommunen mit {respondents} Befragten in dieser Welle; jede "
                      "Kommune wird mit den jeweils anderen verglichen"),
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
        "failure_partner": "Bei der Erstellung ist ein technischer Fehler aufgetreten.",
    },
    "en": {
        "skip": "Skip to content",
        "edition_partner": "Report for project partners",
        "edition_evaluator": "Evaluator edition",
        "date": "As of",
        "code": "Code",
        "logo": "Logo",
        "page": "Page",
        "page_of": "of",
        "confidential": "confidential",
        "provenance": "Provenance",
        "provenance_intro": ("These details make it possible to trace which data and which "
                             "software produced this report."),
        "provenance_caption": "Data and production",
        "parameters_caption": "Report parameters",
        "versions_caption": "Software versions",
        "param_run_dir": "Folder of the computed results",
        "param_site": "Municipality (key)",
        "param_wave": "Survey wave (key)",
        "param_edition": "Edition",
        "param_language": "Language",
        "generated": "As of",
        "data_sha256": "Data checksum (SHA-256)",
        "site": "Municipality",
        "wave": "Survey wave",
        "project": "Project",
        "pool": "Comparison group",
        "pool_text": ("{sites} municipalities with {respondents} respondents in this wave; "
                      "each is compared with the others"),
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
        "failure_partner": "A technical error occurred while producing it.",
    },
}

_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_DEFAULT_COLOURS = {"primary_colour": "#1f5f8b", "accent_colour": "#c8553d"}
_LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".svg": "image/svg+xml", ".gif": "image/gif", ".webp": "image/webp"}


def _check_options(edition: str, language: str) -> None:
    if edition not in EDITIONS:
        raise RenderError(f"unknown edition {edition!r}; expected one of {', '.join(EDITIONS)}")
    check_language(language)


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


def _fact_text(key: str, value: Any, labels: Mapping[str, str]) -> str:
    """A provenance fact in the report's words: the comparison pool as a sentence, the
    edition by its name; other values as they are."""
    if key == "pool" and isinstance(value, Mapping):
        return labels["pool_text"].format(sites=value.get("sites", "?"),
                                          respondents=value.get("respondents", "?"),
                                          wave=value.get("wave", "?"))
    if key == "edition" and f"edition_{value}" in labels:
        return labels[f"edition_{value}"]
    return _value_text(value)


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _provenance_view(provenance: Mapping[str, Any] | None, nb: nbformat.NotebookNode | None,
                     labels: Mapping[str, str], date_text: str) -> dict[str, Any]:
    if provenance is None:
        from evaluation.render.provenance import versions

        metadata = nb.metadata if nb is not None else {}
        provenance = {
            "parameters": dict(metadata.get("papermill", {}).get("parameters", {})),
            "data_sha256": metadata.get("evaluation", {}).get("data_sha256"),
            "versions": versions(),
        }
    facts: list[tuple[str, str]] = [(labels["generated"], date_text)]
    if provenance.get("data_sha256"):
        facts.append((labels["data_sha256"], str(provenance["data_sha256"])))
    skip = {"parameters", "versions", "data_sha256", "generated"}
    for key in sorted(k for k in provenance if k not in skip):
        facts.append((labels.get(key, key), _fact_text(key, provenance[key], labels)))
    parameters = sorted((labels.get(f"param_{k}", str(k)), str(k), _value_text(v))
                        for k, v in dict(provenance.get("parameters") or {}).items())
    versions_ = sorted((str(k), str(v)) for k, v in dict(provenance.get("versions") or {}).items())
    return {"facts": facts, "parameters": parameters, "versions": versions_}


def page_context(*, edition: str, language: str, branding: Mapping[str, Any] | Any,
                 source_date: dt.datetime, title: str | None = None,
                 nb: nbformat.NotebookNode | None = None,
                 provenance: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The ``report`` dict the page templates draw their header and footer from.

    Parameters
    ----------
    edition : {"partner", "evaluator"}
        Who reads the page; gives ``edition_label``. Callers may overwrite the label (the
        deck and the handout say what they are instead).
    language : {"de", "en"}
        Language of the labels (:data:`LABELS`) and of the date.
    branding : mapping or :class:`evaluation.config.project.Branding`
        ``project_name``, ``logo`` (path or data URI; embedded as a data URI),
        ``primary_colour`` and ``accent_colour`` (``#rrggbb``; defaults where missing).
    source_date : datetime
        The date the page carries; the clock is never read.
    title : str, optional
        The ``<title>``; by default the first level-1 heading of ``nb``, else the project
        name, else ``"Report"``.
    nb : NotebookNode, optional
        The executed notebook of a report: its heading and, without ``provenance``, the
        parameters papermill recorded in it.
    provenance : mapping, optional
        A record from :func:`evaluation.render.provenance.manifest`. Without ``nb`` and
        ``provenance`` the page has no provenance table (``"provenance"`` is empty).

    Returns
    -------
    dict
        ``language, edition, edition_label, title, project_name, logo_data_uri, logo_alt,
        primary_colour, accent_colour, date_text, labels, provenance`` (``provenance``:
        ``facts``, ``parameters`` and ``versions`` as sorted ``(label, text)`` pairs).

    Raises
    ------
    RenderError
        Unknown edition or language, a colour that is not ``#rrggbb``, an unreadable logo
        or one that is not an image.
    """
    _check_options(edition, language)
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
    context["print_css"] = _print_page_css(context, labels)
    if nb is not None or provenance is not None:
        context["provenance"] = _provenance_view(provenance, nb, labels, date_text)
    return context


#: the page-margin text: the report's own font (margin boxes do not inherit it)
MARGIN_TEXT = ('font-family: system-ui, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; '
               "font-size: 8pt; color: #4d5660;")


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end the string or the style element:
    every character but letters, digits and spaces as a CSS escape (``\\3c `` for ``<``)."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def _print_page_css(context: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """The printed page: A4, a running header (title, edition, confidentiality) and page
    numbers ("Seite 2 von 7") in the page margins (CSS paged media, as Chromium prints it)."""
    header = f"{context['title']} · {context['edition_label']} · {labels['confidential']}"
    return (
        "@page { size: A4; margin: 14mm 14mm 14mm 14mm;\n"
        f"  @top-left {{ content: {css_string(header)}; {MARGIN_TEXT} }}\n"
        f"  @bottom-right {{ content: {css_string(labels['page'] + ' ')} counter(page) "
        f"{css_string(' ' + labels['page_of'] + ' ')} counter(pages); {MARGIN_TEXT} }} }}"
    )


@functools.lru_cache(maxsize=1)
def page_environment() -> jinja2.Environment:
    """The Jinja environment of the pages that nbconvert does not render.

    Autoescaping, strict undefined variables, trailing newline kept. Names are looked up in
    ``templates/report`` first (``failure.html.j2``, ``index_page.html.j2``, which import
    ``report_layout.j2``), then in ``templates`` (``handout/handout.html.j2``).
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(TEMPLATE_DIR / TEMPLATE_NAME), str(TEMPLATE_DIR)]),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def page_stylesheet(*extra: Path) -> markupsafe.Markup:
    """The report stylesheet, followed by the ``extra`` CSS files, as one inline ``<style>``.

    Pass the result to a page template as ``css_block``; the page then loads nothing.
    """
    css = (TEMPLATE_DIR / TEMPLATE_NAME / "static" / "report.css").read_text(encoding="utf-8")
    for path in extra:
        css += Path(path).read_text(encoding="utf-8")
    return markupsafe.Markup('<style type="text/css">\n{}</style>').format(markupsafe.Markup(css))
