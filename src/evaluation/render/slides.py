"""Slides and handout for the transfer conference, from ``notebooks/digest.ipynb``.

The script of one digest: execute the digest notebook on the run folder (parameters
``run_dir``, ``wave``, ``language``), render the executed notebook into a reveal.js deck
(:func:`render_slides`) and into a one-page printable handout (:func:`render_handout`), write
both atomically (:func:`digest_outputs`). What the notebook's cells show (the payload, one
function per slide, the chart) is :mod:`evaluation.report.slide_cells`, which the notebook
imports through the report face (``from evaluation.report import slide_cells as slides``) and
calls as ``slides.show_title(...)`` and so on.

The deck is one HTML file: reveal.js 5 (MIT; ``templates/slides/static``: ``reveal.js``,
``reveal.css``, the ``white`` theme with its web-font import removed) is inlined, so it opens
offline and loads nothing. The notebook marks slides with the cell metadata
``slideshow.slide_type``; cells that compute only are ``skip``. The handout reuses the
report stylesheet and page header (``templates/handout``, one A4 page in print).

Both are deterministic: the same executed notebook, branding and date give the same bytes.
Both are pool-level only: the digest names no site (see :mod:`evaluation.report.digest`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters.slides import SlidesExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from traitlets.config import Config

from evaluation.atomic import write_atomic
from evaluation.errors import SlidesError
from evaluation.peers import latest_wave
from evaluation.render.html import DISPLAY_PRIORITY, normalise_notebook
from evaluation.render.page import TEMPLATE_DIR, page_context, page_environment, page_stylesheet
from evaluation.report import DIGEST_MIMETYPE, EVIDENCE_LABELS, digest_text, fmt_int

__all__ = [
    "digest_outputs",
    "digest_task",
    "finish_digest",
    "render_handout",
    "render_slides",
]

DIGEST_NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "digest.ipynb"
STATIC = TEMPLATE_DIR / "slides" / "static"
REVEAL_CONFIG = {"controls": True, "progress": True, "slideNumber": "c/t", "hash": False,
                 "history": False, "transition": "none", "backgroundTransition": "none",
                 "width": 1280, "height": 720, "margin": 0.05, "center": False}


# ----------------------------------------------------------------------------- rendering

class DeckExporter(SlidesExporter):
    """SlidesExporter without the BeautifulSoup pass.

    See :class:`evaluation.render.html.ReportExporter`.
    """

    def from_notebook_node(  # type: ignore[override]
        self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", Highlight2HTML(parent=self))
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@functools.lru_cache(maxsize=4)
def _deck_exporter(language: str) -> DeckExporter:
    config = Config()
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.TemplateExporter.exclude_output_stdin = True
    config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
    exporter = DeckExporter(config=config, template_name="slides",
                            extra_template_basedirs=[str(TEMPLATE_DIR)],
                            extra_template_paths=[str(TEMPLATE_DIR)])  # for 'report/...'
    exporter.embed_images = True
    exporter.exclude_anchor_links = True
    exporter.sanitize_html = False
    exporter.language_code = language
    return exporter


@functools.lru_cache(maxsize=1)
def _deck_assets() -> dict[str, str]:
    assets = {name: (STATIC / file).read_text(encoding="utf-8") for name, file in (
        ("reveal_js", "reveal.js"), ("reveal_css", "reveal.css"), ("theme_css", "white.css"),
        ("deck_css", "deck.css"))}
    for name, text in assets.items():
        if "</script" in text.lower() or "@import" in text:
            raise SlidesError(f"{name}: embedded asset must not contain </script> or @import")
    assets["config_json"] = json.dumps(REVEAL_CONFIG, sort_keys=True)
    return assets


def render_slides(nb: nbformat.NotebookNode, *, language: str, branding: Mapping[str, Any] | Any,
                  source_date: dt.datetime, title: str | None = None) -> str:
    """Render the executed digest notebook into one self-contained reveal.js deck."""
    text = digest_text(language)
    clean = normalise_notebook(nb, edition="partner")
    for cell in clean.cells:  # a code cell without output would be an empty slide
        if cell.cell_type == "code" and not cell.get("outputs"):
            cell.metadata.setdefault("slideshow", {})["slide_type"] = "skip"
    report = page_context(edition="partner", language=language, branding=branding,
                          source_date=source_date, title=title or text["title"])
    report["edition_label"] = text["deck"]
    body, _ = _deck_exporter(language).from_notebook_node(
        clean, resources={"report": report, "deck": _deck_assets()})
    return body


def _payload_from(nb: nbformat.NotebookNode) -> dict[str, Any]:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if DIGEST_MIMETYPE in data:
                payload = data[DIGEST_MIMETYPE]
                return json.loads(payload) if isinstance(payload, str) else dict(payload)
    raise SlidesError(f"the notebook has no {DIGEST_MIMETYPE} output; run digest.ipynb first")


def render_handout(source: nbformat.NotebookNode | Mapping[str, Any], *, language: str,
                   branding: Mapping[str, Any] | Any, source_date: dt.datetime) -> str:
    """A one-page printable handout: key message and the findings with their evidence.

    ``source`` is the executed digest notebook or a payload from
    :func:`evaluation.report.digest_payload`.
    """
    text = digest_text(language)
    payload = (_payload_from(source) if isinstance(source, nbformat.NotebookNode)
               else dict(source))
    payload["findings"] = [{**row, "n_text": fmt_int(row["n"], language)}
                           for row in payload["findings"]]
    report = page_context(edition="partner", language=language, branding=branding,
                          source_date=source_date, title=text["title"])
    report["edition_label"] = text["handout"]
    template = page_environment().get_template("handout/handout.html.j2")
    return template.render(report=report,
                           css_block=page_stylesheet(TEMPLATE_DIR / "handout" / "handout.css"),
                           payload=payload, text=text, evidence_labels=EVIDENCE_LABELS[language])


# ------------------------------------------------------------------------------- outputs

def finish_digest(nb: nbformat.NotebookNode, task: Any = None, *, out_dir: str | os.PathLike[str],
                  language: str, branding: Mapping[str, Any] | Any, date_iso: str
                  ) -> dict[str, Any]:
    """Render and write ``digest/slides.html`` and ``digest/handout.html`` (a batch finish step)."""
    when = dt.datetime.fromisoformat(date_iso)
    out: dict[str, Any] = {}
    for name, text in (("slides", render_slides(nb, language=language, branding=branding,
                                                source_date=when)),
                       ("handout", render_handout(nb, language=language, branding=branding,
                                                  source_date=when))):
        path = write_atomic(Path(out_dir) / "digest" / f"{name}.html", text)
        out[name] = {"path": str(path), "sha256": hashlib.sha256(text.encode()).hexdigest()}
    return {"path": out["slides"]["path"], "sha256": out["slides"]["sha256"],
            "handout": out["handout"]}


def digest_task(out_dir: str | os.PathLike[str], *, wave: str, language: str,
                branding: Mapping[str, Any] | Any, date_iso: str, run_dir: str = "_run",
                notebook: str | os.PathLike[str] | None = None) -> Any:
    """The digest as one :class:`evaluation.execution.batch.Task` of the pipeline's batch.

    Parameters are checked against the notebook before any kernel starts; the task's key is
    ``digest`` and its finish step writes ``digest/slides.html`` and ``digest/handout.html``.
    """
    from evaluation.execution import Task, check_parameters

    path = Path(notebook or DIGEST_NOTEBOOK)
    params = check_parameters(path, {"run_dir": run_dir, "wave": wave, "language": language})
    return Task(key="digest", notebook=path, params=params, cwd=Path(out_dir),
                finish=functools.partial(finish_digest, out_dir=str(out_dir), language=language,
                                         branding=branding, date_iso=date_iso),
                priority=1)  # the longest task of a batch: started first


def digest_outputs(run_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str], *,
                   language: str, branding: Mapping[str, Any] | Any, source_date: dt.datetime,
                   executor: Any, wave: str | None = None,
                   notebook: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Execute ``digest.ipynb`` on a run folder and write slides and handout into ``out_dir``.

    ``executor`` is an :class:`evaluation.execution.Executor` (e.g. ``PapermillExecutor()``); the
    notebook runs in ``out_dir`` with ``run_dir`` given relative to it. Returns
    ``{"path", "sha256", "handout": {"path", "sha256"}}`` (``path`` is the deck).
    """
    digest_text(language)
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    run = Path(run_dir).resolve()
    if wave is None:
        from evaluation.results import load_results

        wave = latest_wave(load_results(run))
    params = {"run_dir": os.path.relpath(run, out), "wave": wave, "language": language}
    nb = executor.execute(Path(notebook or DIGEST_NOTEBOOK), params, cwd=out)
    return finish_digest(nb, out_dir=out, language=language, branding=branding,
                         date_iso=source_date.isoformat())
