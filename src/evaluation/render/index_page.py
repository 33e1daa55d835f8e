"""The index page of a batch: links to every report, for the evaluation team."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from evaluation.config import Project
from evaluation.language import check_language
from evaluation.render.page import page_context, page_environment, page_stylesheet

TEXT = {
    "de": {
        "title": "Berichte der Evaluation",
        "synthetic": "Synthetische Daten: Alle Zahlen dieses Beispielprojekts sind erfunden.",
        "intro": "Übersicht für das Evaluationsteam. Jede Kommune erhält nur ihren eigenen "
                 "Partnerbericht; diese Seite und die Evaluationsfassungen bleiben im Team.",
        "synthesis_heading": "Standortübergreifende Auswertung",
        "synthesis": "Synthese aller Kommunen",
        "digest_heading": "Transfertagung",
        "slides": "Folien (alle Kommunen zusammen, ohne Namen)",
        "handout": "Handout zum Ausdrucken",
        "sites_heading": "Berichte je Kommune",
        "caption": "Partner- und Evaluationsbericht je Kommune",
        "columns": ["Kürzel", "Kommune", "Partnerbericht", "Evaluationsfassung"],
        "partner": "Partnerbericht",
        "evaluator": "Evaluationsfassung",
        "failed": "Fehlgeschlagen",
        "failed_one": "fehlgeschlagen",
        "note": "Fehlgeschlagene Berichte sind durch eine Seite ersetzt, die den Fehler nennt.",
        "as_format": "als",
        "team_heading": "Für das Evaluationsteam",
        "dictionary": "Datenwörterbuch des Fragebogens (Items, Skalen, Codes)",
        "workbook": "Alle Ergebnistabellen als Excel-Arbeitsmappe",
    },
    "en": {
        "title": "Evaluation reports",
        "synthetic": "Synthetic data: every figure of this example project is invented.",
        "intro": "Overview for the evaluation team. Each municipality receives only its own "
                 "partner report; this page and the evaluator editions stay with the team.",
        "synthesis_heading": "Cross-site analysis",
        "synthesis": "Synthesis of all sites",
        "digest_heading": "Transfer conference",
        "slides": "Slides (pool level, no names)",
        "handout": "Printable handout",
        "sites_heading": "Reports per site",
        "caption": "Partner and evaluator report per site",
        "columns": ["Code", "Municipality", "Partner report", "Evaluator edition"],
        "partner": "Partner report",
        "evaluator": "Evaluator edition",
        "failed": "Failed",
        "failed_one": "failed",
        "note": "Failed reports are replaced by a page that names the error.",
        "as_format": "as",
        "team_heading": "For the evaluation team",
        "dictionary": "Data dictionary of the questionnaire (items, scales, codes)",
        "workbook": "Every results table as an Excel workbook",
    },
}


FORMAT_LABELS = {"pdf": "PDF", "xlsx": "Excel", "docx": "Word"}


def _formats(key: str, written: set[str], text: Mapping[str, Any]) -> list[dict[str, str]]:
    """Links to the other formats of the page ``key`` that were written."""
    return [{"href": f"{key}.{ext}", "label": label,
             "title": f"{text['as_format']} {label}"}
            for ext, label in FORMAT_LABELS.items() if f"{key}.{ext}" in written]


def index_html(project: Project, reports: Sequence[Mapping[str, Any]], *, wave: str,
               date_iso: str) -> str:
    """The index page; links are relative so the folder can be moved or zipped.

    ``reports`` are the run's report records (``key``, and ``failed`` where a report failed).
    """
    language = project.language
    text = TEXT[language]
    report = page_context(edition="evaluator", language=language, branding=project.branding,
                          source_date=dt.datetime.fromisoformat(date_iso),
                          title=f"{text['title']} – {project.name}")
    failed = {r["key"] for r in reports if r.get("failed")}
    written = {r["key"] for r in reports}
    rows = []
    for site in project.sites:
        links = []
        for edition in ("partner", "evaluator"):
            key = f"{edition}/{site.key}"
            links.append({"href": f"{key}.html" if key in written else None,
                          "label": text[edition], "failed": key in failed,
                          "formats": _formats(key, written - failed, text)})
        rows.append({"key": site.key, "name": site.name, "links": links})
    team = [{"href": key, "label": text[label]}
            for key, label in (("data_dictionary.html", "dictionary"),
                               ("evaluator/tables.xlsx", "workbook"))
            if key.removesuffix(".html") in written - failed]
    template = page_environment().get_template("index_page.html.j2")
    return template.render(report=report, css_block=page_stylesheet(), text=text, rows=rows,
                           synthetic=project.synthetic, synthesis_href="synthesis.html",
                           synthesis_failed="synthesis" in failed,
                           synthesis_formats=_formats("synthesis", written - failed, text),
                           handout_formats=_formats("digest/handout", written - failed, text),
                           team=team,
                           digest=[{"href": "digest/slides.html", "label": text["slides"],
                                    "failed": "digest" in failed},
                                   {"href": "digest/handout.html", "label": text["handout"],
                                    "failed": "digest" in failed}]
                           if "digest" in written else [],
                           failures=sorted(failed), wave=wave)


INCOMPLETE = {
    "de": ("Lauf unvollständig",
           "Dieser Ordner wird gerade neu geschrieben, oder der letzte Lauf wurde abgebrochen. "
           "Die Berichte darin können aus verschiedenen Läufen stammen; verlassen Sie sich "
           "erst wieder auf sie, wenn ein Lauf vollständig durchgelaufen ist und diese Seite "
           "durch die Übersicht ersetzt hat."),
    "en": ("Run incomplete",
           "This folder is being written, or the last run was stopped before it finished. "
           "The reports in it may come from different runs; rely on them again only once a "
           "run has finished and replaced this page with the overview."),
}


def incomplete_index_html(language: str) -> str:
    """The index page while a run writes (or after it was stopped): says the folder is
    incomplete; self-contained, loads nothing."""
    title, body = INCOMPLETE[check_language(language)]
    style = ("body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;"
             "padding:0 1rem;line-height:1.5}h1{color:#8a1c1c}")
    csp = ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
           "form-action 'none'")
    return (f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
            f"<title>{title}</title>\n<style>{style}</style>\n</head>\n<body>\n<main>\n"
            f"<h1>{title}</h1>\n<p>{body}</p>\n</main>\n</body>\n</html>\n")
