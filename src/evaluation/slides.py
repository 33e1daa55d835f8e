"""Slides and handout for the transfer conference, from ``notebooks/digest.ipynb``.

The script of one digest: execute the digest notebook on the run folder (parameters
``run_dir``, ``wave``, ``language``), render the executed notebook into a reveal.js deck
(:func:`render_slides`) and into a one-page printable handout (:func:`render_handout`), write
both atomically (:func:`digest_outputs`).

The deck is one HTML file: reveal.js 5 (MIT; ``templates/slides/static``: ``reveal.js``,
``reveal.css``, the ``white`` theme with its web-font import removed) is inlined, so it opens
offline and loads nothing. The notebook marks slides with the cell metadata
``slideshow.slide_type``; cells that compute only are ``skip``. The handout reuses the
report stylesheet and page header (``templates/handout``, one A4 page in print).

Both are deterministic: the same executed notebook, branding and date give the same bytes.
Both are pool-level only: the digest names no site (see :mod:`evaluation.digest`).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import html
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import nbformat
from nbconvert.exporters.slides import SlidesExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from traitlets.config import Config

from . import columns as C
from .digest import EVIDENCE_LABELS, findings
from .errors import EvaluationError
from .formatting import LANGUAGES, fmt_int, fmt_number
from .netplots import RC, Chart
from .peers import latest_wave, peer_groups, scale_labels, tandems
from .render import (
    DISPLAY_PRIORITY,
    TEMPLATE_DIR,
    _report_context,
    normalise_notebook,
    write_atomic,
)

__all__ = ["DIGEST_MIMETYPE", "digest_outputs", "digest_payload", "digest_task",
           "drivers_chart", "finish_digest", "render_handout", "render_slides"]

DIGEST_NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "digest.ipynb"
DIGEST_MIMETYPE = "application/vnd.transfer-evaluation.digest+json"
STATIC = TEMPLATE_DIR / "slides" / "static"
REVEAL_CONFIG = {"controls": True, "progress": True, "slideNumber": "c/t", "hash": False,
                 "history": False, "transition": "none", "backgroundTransition": "none",
                 "width": 1280, "height": 720, "margin": 0.05, "center": False}
TEXT = {
    "de": {"deck": "Transfertagung: zentrale Befunde", "handout": "Handout Transfertagung",
           "title": "Zentrale Befunde der wissenschaftlichen Begleitung",
           "key": "Die Kernbotschaft", "evidence": "Evidenz", "basis": "Grundlage",
           "units": {"respondents": "Befragte", "organisations": "Organisationen",
                     "responses": "Antworten aus den verglichenen Wellen"},
           "synthetic": "Synthetische Beispieldaten",
           "pool": "{sites}\u00a0Kommunen, {n}\u00a0Befragte", "peers": "Voneinander lernen",
           "tandems": "{n} Tandems: Jede Kommune mit Daten dieser Welle erhält eine "
                      "Partnerkommune; die Paare sind so gewählt, dass Stärken und "
                      "Entwicklungsbedarfe einander möglichst ergänzen.",
           "groups": "Peer-Workshops zu gemeinsamen Entwicklungsthemen:",
           "group": "{label}: {learn} Kommunen mit Entwicklungsbedarf, {share} mit Stärke",
           "reading": "So lesen Sie die Befunde", "findings": "Die Befunde im Einzelnen",
           "legend": ["stark: über Wellen und Modelle hinweg gleich, Intervalle klar",
                      "mittel: in dieser Welle klar, noch nicht wiederholt bestätigt",
                      "schwach: Hinweis, statistisch nicht gesichert"],
           "rules": "Zusammenhänge, keine Wirkungen. Keine Rangliste, keine Namen: jede Zahl "
                    "beruht auf mindestens {k} Befragten.",
           "chart": "Erfolgsfaktoren und Synergie"},
    "en": {"deck": "Transfer conference: key findings", "handout": "Transfer conference handout",
           "title": "Key findings of the evaluation", "key": "The key message",
           "evidence": "Evidence", "basis": "Basis",
           "units": {"respondents": "respondents", "organisations": "organisations",
                     "responses": "responses in the compared waves"},
           "synthetic": "Synthetic example data",
           "pool": "{sites}\u00a0municipalities, {n}\u00a0respondents",
           "peers": "Learning from each other",
           "tandems": "{n} tandems: every municipality with data in this wave gets a partner; "
                      "the pairs are chosen so that strengths and room to grow complement each "
                      "other as far as possible.",
           "groups": "Peer workshops on shared development topics:",
           "group": "{label}: {learn} municipalities with room to grow, {share} with a strength",
           "reading": "How to read the findings", "findings": "The findings",
           "legend": ["strong: consistent across waves and models, clear intervals",
                      "medium: clear in this wave, not yet confirmed again",
                      "weak: a hint, not statistically secured"],
           "rules": "Associations, not effects. No league table, no names: every number rests "
                    "on at least {k} respondents.",
           "chart": "Success factors and synergy"},
}


class SlidesError(EvaluationError, ValueError):
    """The digest cannot be rendered (language, missing digest output in the notebook)."""


def _check(language: str) -> dict[str, Any]:
    if language not in LANGUAGES:
        raise SlidesError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    return TEXT[language]


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


# ------------------------------------------------------------------ notebook fragments

def digest_payload(results: Any, *, wave: str | None = None, language: str = "de"
                   ) -> dict[str, Any]:
    """Everything the slides and the handout show, as JSON-ready data (pool level only)."""
    text = _check(language)
    wave = wave or latest_wave(results)
    table = findings(results, language, wave=wave)
    meta = results.meta
    shown = results.tables["shown"]
    rows = shown[(shown[C.WAVE] == wave) & shown["shown"].astype(bool)]
    wave_label = next((str(w.get(f"label_{language}") or wave) for w in meta.get("waves") or ()
                       if w["key"] == wave), wave)
    pool = text["pool"].format(sites=len(rows), n=fmt_int(int(rows[C.N].sum()), language))
    groups = peer_groups(results, wave=wave)
    topics = []
    for _, g in groups.groupby("group", sort=True):
        topics.append(text["group"].format(label=g[f"label_{language}"].iloc[0],
                                           learn=int((g["role"] == "learn").sum()),
                                           share=int((g["role"] == "share").sum())))
    return {"language": language, "wave": wave, "project": str(meta.get("project") or ""),
            "subtitle": " · ".join(x for x in (str(meta.get("project") or ""), wave_label,
                                                pool) if x),
            "synthetic": bool(meta.get("synthetic")), "k": int(meta.get("min_group_size") or 5),
            "n_tandems": int(len(tandems(results, wave=wave))), "topics": topics[:4],
            "findings": json.loads(table.to_json(orient="records", force_ascii=False))}


def _show(html_text: str, plain: str) -> None:
    from IPython.display import display

    display({"text/html": html_text, "text/plain": plain}, raw=True)


def show_title(payload: Mapping[str, Any]) -> None:
    """Title slide: h1, project, wave and pool size, synthetic label."""
    text = TEXT[payload["language"]]
    parts = [f"<h1>{_esc(text['title'])}</h1>",
             f'<p class="deck-subtitle">{_esc(payload["subtitle"])}</p>']
    if payload["synthetic"]:
        parts.append(f'<p class="deck-synthetic">{_esc(text["synthetic"])}</p>')
    _show("\n".join(parts), text["title"])


def _evidence(row: Mapping[str, Any], language: str) -> str:
    text = TEXT[language]
    return (f'<p class="evidence evidence-{_esc(row["evidence"])}">{_esc(text["evidence"])}: '
            f'{_esc(row["evidence_label"])}</p>')


def _basis(row: Mapping[str, Any], language: str) -> str:
    text = TEXT[language]
    return (f'<p class="basis">{_esc(text["basis"])}: n = {_esc(fmt_int(row["n"], language))} '
            f'{_esc(text["units"].get(row.get("unit"), ""))}</p>')


def show_key_message(payload: Mapping[str, Any]) -> None:
    """The one key message (1:3:25): the first finding."""
    language, row = payload["language"], payload["findings"][0]
    text = TEXT[language]
    _show(f"<h2>{_esc(text['key'])}</h2>\n<p class=\"key-message\">{_esc(row['text'])}</p>\n"
          + _evidence(row, language) + "\n" + _basis(row, language), row["text"])


def show_finding(payload: Mapping[str, Any], rank: int) -> None:
    """One finding slide: title, text, evidence grade, basis."""
    language = payload["language"]
    row = next((r for r in payload["findings"] if int(r["rank"]) == rank), None)
    if row is None:
        return  # fewer findings: the cell stays empty and is skipped in the deck
    _show(f"<h2>{_esc(row['title'])}</h2>\n<p class=\"finding-text\">{_esc(row['text'])}</p>\n"
          + _evidence(row, language) + "\n" + _basis(row, language), row["text"])


def show_peer_learning(payload: Mapping[str, Any]) -> None:
    """Peer formats at pool level: number of tandems, workshop topics with counts only."""
    text = TEXT[payload["language"]]
    items = "".join(f"<li>{_esc(t)}</li>" for t in payload["topics"])
    tandem_text = text["tandems"].format(n=payload["n_tandems"])
    body = (f"<h2>{_esc(text['peers'])}</h2>\n<p>{_esc(tandem_text)}</p>\n"
            f"<p>{_esc(text['groups'])}</p>\n<ul class=\"deck-list\">{items}</ul>")
    _show(body, text["peers"])


def show_reading(payload: Mapping[str, Any]) -> None:
    """How to read: evidence grades, association not cause, k."""
    text = TEXT[payload["language"]]
    items = "".join(f"<li>{_esc(t)}</li>" for t in text["legend"])
    _show(f"<h2>{_esc(text['reading'])}</h2>\n<ul class=\"deck-list\">{items}</ul>\n"
          f"<p>{_esc(text['rules'].format(k=payload['k']))}</p>", text["reading"])


def show_payload(payload: Mapping[str, Any]) -> None:
    """Emit the payload for the handout (the cell is tagged ``remove-cell``)."""
    from IPython.display import display

    display({DIGEST_MIMETYPE: dict(payload), "text/plain": "digest payload"}, raw=True)


def drivers_chart(results: Any, *, wave: str | None = None,
                  language: str = "de") -> Chart | None:
    """Standardised coefficients of every factor for synergy, with 95% CIs (pool level).

    ``None`` when no driver model could be fitted (e.g. a wave with a single site).
    """
    _check(language)
    table = results.tables.get("drivers")
    if table is None or table.empty:
        return None
    wave = wave if wave in set(table[C.WAVE]) else str(table[C.WAVE].iloc[-1])
    rows = table[table[C.WAVE] == wave].sort_values(C.ESTIMATE)
    labels = scale_labels(results.meta)
    names = [labels.get(f, {}).get(language, f) for f in rows["factor"]]
    clear = (rows[C.CI_LOW] > 0).to_numpy()
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context({**RC, "font.size": 12.0, "axes.labelsize": 12.0}):
        figure = Figure(figsize=(10.5, 5.2), layout="constrained")
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        y = range(len(rows))
        for i, (est, lo, hi, ok) in enumerate(zip(rows[C.ESTIMATE], rows[C.CI_LOW],
                                                  rows[C.CI_HIGH], clear, strict=True)):
            colour = "#0072B2" if ok else "#4d4d4d"
            ax.plot([lo, hi], [i, i], color=colour, linewidth=1.6)
            ax.plot([est], [i], marker="^" if ok else "o", color=colour, markersize=6)
        ax.axvline(0, color="#999999", linewidth=0.8)
        ax.set_yticks(list(y), [n if len(n) <= 56 else n[:54] + "…" for n in names])
        ax.set_xlabel("standardisierter Koeffizient (95-%-KI)" if language == "de"
                      else "standardised coefficient (95% CI)")
        import io

        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    top = rows[clear].sort_values(C.ESTIMATE, ascending=False)
    alt = {}
    for lang in ("de", "en"):
        lab = [f"{labels.get(f, {}).get(lang, f)} ({fmt_number(e, 2, lang)})"
               for f, e in zip(top["factor"], top[C.ESTIMATE], strict=True)]
        alt[lang] = (f"Punktdiagramm der standardisierten Koeffizienten von {len(rows)} "
                     f"Erfolgsfaktoren für die wahrgenommene Synergie mit "
                     f"95-%-Konfidenzintervallen. Klar über null: {', '.join(lab) or 'keiner'}; "
                     f"bei den übrigen schließt das Intervall null ein oder liegt nahe null."
                     if lang == "de" else
                     f"Dot plot of the standardised coefficients of {len(rows)} success factors "
                     f"for perceived synergy with 95% confidence intervals. Clearly above zero: "
                     f"{', '.join(lab) or 'none'}; for the others the interval includes zero or "
                     f"lies close to it.")
    return Chart(svg=buffer.getvalue(), alt_de=alt["de"], alt_en=alt["en"])


def show_chart(chart: Chart | None, payload: Mapping[str, Any]) -> None:
    """A chart slide: heading, image with alt text (nothing when there is no chart)."""
    if chart is None:
        return
    language = payload["language"]
    text = TEXT[language]
    data = base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")
    _show(f"<h2>{_esc(text['chart'])}</h2>\n<figure><img src=\"data:image/svg+xml;base64,{data}\" "
          f"alt=\"{_esc(chart.alt(language))}\"></figure>", chart.alt(language))


# ----------------------------------------------------------------------------- rendering

class DeckExporter(SlidesExporter):
    """SlidesExporter without the BeautifulSoup pass (see :class:`render.ReportExporter`)."""

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
    text = _check(language)
    clean = normalise_notebook(nb, edition="partner")
    for cell in clean.cells:  # a code cell without output would be an empty slide
        if cell.cell_type == "code" and not cell.get("outputs"):
            cell.metadata.setdefault("slideshow", {})["slide_type"] = "skip"
    report = _report_context(nb=None, edition="partner", language=language, branding=branding,
                             source_date=source_date, provenance=None,
                             title=title or text["title"])
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

    ``source`` is the executed digest notebook or a payload from :func:`digest_payload`.
    """
    text = _check(language)
    payload = (_payload_from(source) if isinstance(source, nbformat.NotebookNode)
               else dict(source))
    payload["findings"] = [{**row, "n_text": fmt_int(row["n"], language)}
                           for row in payload["findings"]]
    report = _report_context(nb=None, edition="partner", language=language, branding=branding,
                             source_date=source_date, provenance=None, title=text["title"])
    report["edition_label"] = text["handout"]
    css = (TEMPLATE_DIR / "report" / "static" / "report.css").read_text(encoding="utf-8")
    css += (TEMPLATE_DIR / "handout" / "handout.css").read_text(encoding="utf-8")
    css_block = markupsafe.Markup('<style type="text/css">\n{}</style>').format(
        markupsafe.Markup(css))
    template = _handout_environment().get_template("handout/handout.html.j2")
    return template.render(report=report, css_block=css_block, payload=payload, text=text,
                           evidence_labels=EVIDENCE_LABELS[language])


@functools.lru_cache(maxsize=1)
def _handout_environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                              keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


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
    """The digest as one :class:`evaluation.batch.Task` of the pipeline's batch.

    Parameters are checked against the notebook before any kernel starts; the task's key is
    ``digest`` and its finish step writes ``digest/slides.html`` and ``digest/handout.html``.
    """
    from .batch import Task
    from .notebook_params import check_parameters

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

    ``executor`` is an :class:`evaluation.executors.Executor` (e.g. ``PapermillExecutor()``);
    the notebook runs in ``out_dir`` with ``run_dir`` given relative to it. Returns
    ``{"path", "sha256", "handout": {"path", "sha256"}}`` (``path`` is the deck).
    """
    _check(language)
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    run = Path(run_dir).resolve()
    if wave is None:
        from .results_io import load_results

        wave = latest_wave(load_results(run))
    params = {"run_dir": os.path.relpath(run, out), "wave": wave, "language": language}
    nb = executor.execute(Path(notebook or DIGEST_NOTEBOOK), params, cwd=out)
    return finish_digest(nb, out_dir=out, language=language, branding=branding,
                         date_iso=source_date.isoformat())

