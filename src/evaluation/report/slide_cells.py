"""What the cells of ``notebooks/digest.ipynb`` show: the payload and one function per slide.

The digest notebook stays thin: it loads the run folder, builds the pool-level payload
(:func:`digest_payload`: the findings of :mod:`evaluation.report.digest`, the pool size, the peer
formats as counts) and calls one ``show_*`` function per slide. Each displays one HTML
fragment with a plain-text fallback; :func:`show_payload` hands the payload to the handout
through an output of type :data:`DIGEST_MIMETYPE`. :func:`drivers_chart` draws the chart of the
key message; findings with a chart of their own (:mod:`evaluation.report.digest_charts`) carry
it on their slide. Rendering the executed notebook into deck and handout is
:mod:`evaluation.render.slides`.

Pool level only: nothing here names a site (see :mod:`evaluation.report.digest`).
"""

from __future__ import annotations

import base64
import html
import json
import re
import textwrap
from collections.abc import Mapping
from typing import Any

from evaluation import columns as C
from evaluation.language import pick
from evaluation.peers import latest_wave, peer_groups, scale_labels, tandems
from evaluation.report.digest import findings
from evaluation.report.digest_charts import finding_chart, number_ticks
from evaluation.report.formatting import fmt_int, fmt_number
from evaluation.report.netplots import Chart, chart_style, new_figure, svg_text

__all__ = [
    "DIGEST_MIMETYPE",
    "TEXT",
    "digest_payload",
    "digest_text",
    "drivers_chart",
    "show_chart",
    "show_finding",
    "show_key_message",
    "show_payload",
    "show_peer_learning",
    "show_reading",
    "show_title",
]

DIGEST_MIMETYPE = "application/vnd.transfer-evaluation.report.digest+json"
#: The words of deck and handout, per language.
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
           "group": "{label}: {learn} Kommunen mit Entwicklungsbedarf; {share} Kommunen mit "
                    "Stärke stellen dort ihre Erfahrungen vor",
           "group_one": "{label}: {learn} Kommunen mit Entwicklungsbedarf; eine Kommune mit "
                        "Stärke stellt dort ihre Erfahrungen vor",
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
           "group": "{label}: {learn} municipalities with room to grow; {share} municipalities "
                    "with a strength present their experience there",
           "group_one": "{label}: {learn} municipalities with room to grow; one municipality "
                        "with a strength presents its experience there",
           "reading": "How to read the findings", "findings": "The findings",
           "legend": ["strong: consistent across waves and models, clear intervals",
                      "medium: clear in this wave, not yet confirmed again",
                      "weak: a hint, not statistically secured"],
           "rules": "Associations, not effects. No league table, no names: every number rests "
                    "on at least {k} respondents.",
           "chart": "Success factors and synergy"},
}


def digest_text(language: str) -> dict[str, Any]:
    """The words of deck and handout in ``language``.

    Raises :class:`~evaluation.errors.SlidesError` if the language is unknown.
    """
    return pick(TEXT, language)


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


# ------------------------------------------------------------------ notebook fragments

def digest_payload(results: Any, *, wave: str | None = None, language: str = "de"
                   ) -> dict[str, Any]:
    """Everything the slides and the handout show, as JSON-ready data (pool level only)."""
    text = digest_text(language)
    wave = wave or latest_wave(results)
    table = findings(results, language, wave=wave)
    meta = results.meta
    shown = results.table("shown")
    rows = shown[(shown[C.WAVE] == wave) & shown["shown"].astype(bool)]
    wave_label = next((str(w.get(f"label_{language}") or wave) for w in meta.get("waves") or ()
                       if w["key"] == wave), wave)
    pool = text["pool"].format(sites=len(rows), n=fmt_int(int(rows[C.N].sum()), language))
    groups = peer_groups(results, wave=wave)
    topics = []
    for _, g in groups.groupby("group", sort=True):
        share = int((g["role"] == "share").sum())
        topics.append(text["group_one" if share == 1 else "group"].format(
            label=g[f"label_{language}"].iloc[0], learn=int((g["role"] == "learn").sum()),
            share=share))
    return {"language": language, "wave": wave, "project": str(meta.get("project") or ""),
            "subtitle": " · ".join(x for x in (str(meta.get("project") or ""), wave_label,
                                                pool) if x),
            "synthetic": bool(meta.get("synthetic")), "k": int(meta.get("min_group_size") or 5),
            "n_tandems": len(tandems(results, wave=wave)), "topics": topics[:4],
            "findings": json.loads(table.to_json(orient="records", force_ascii=False)),
            "charts": _finding_charts(results, table, wave, language)}


def _finding_charts(results: Any, table: Any, wave: str, language: str
                    ) -> dict[str, dict[str, str]]:
    """The slide chart of each finding that has one: SVG text and alt text."""
    charts = {}
    for key in table["finding_key"]:
        chart = finding_chart(results, str(key), wave, language)
        if chart is not None:
            charts[str(key)] = {"svg": chart.svg, "alt": chart.alt(language)}
    return charts


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


#: figures in brackets ("(standardisierter Koeffizient 0,40; 95-%-Konfidenzintervall ...)")
_FIGURES = re.compile(r"\s*\((?=[^()]*(?:\d|=|α|ICC|Modell|model|Holm))[^()]*\)")
_PLAIN = {
    "de": ((re.compile(r"schließt das 95-%-Konfidenzintervall des (Anstiegs|Rückgangs|"
                       r"Unterschieds) 0 aus"),
            lambda m: {"Anstiegs": "ist der Anstieg", "Rückgangs": "ist der Rückgang",
                       "Unterschieds": "ist der Unterschied"}[m.group(1)]
            + " für sich genommen größer als die statistische Unsicherheit"),
           (re.compile(r"dessen 95-%-Konfidenzintervall 0 ausschließt"),
            lambda m: "der größer ist als die statistische Unsicherheit")),
    "en": ((re.compile(r"the 95% confidence interval of the (rise|fall|difference) excludes 0"),
            lambda m: f"the {m.group(1)} on its own is larger than the statistical "
            "uncertainty"),
           (re.compile(r"whose 95% confidence interval excludes 0"),
            lambda m: "larger than the statistical uncertainty")),
}
#: findings that help to read the others: no evidence grade of their own
READING_AIDS = frozenset({"reliability"})


def plain_words(text: str, language: str) -> str:
    """A finding for a conference audience: the figures in brackets left out (they stay in
    the handout and the speaker notes) and interval wording said in words."""
    out = _FIGURES.sub("", text)
    for pattern, replace in _PLAIN.get(language, ()):
        out = pattern.sub(replace, out)
    return re.sub(r"\s+([.,;:])", r"\1", out)


def _notes(text: str) -> str:
    """The finding with its figures, as reveal.js speaker notes."""
    return f'<aside class="notes">{_esc(text)}</aside>'


def show_key_message(payload: Mapping[str, Any]) -> None:
    """The one key message (1:3:25): the first finding."""
    language, row = payload["language"], payload["findings"][0]
    text = TEXT[language]
    plain = plain_words(row["text"], language)
    _show(f"<h2>{_esc(text['key'])}</h2>\n<p class=\"key-message\">{_esc(plain)}</p>\n"
          + _evidence(row, language) + "\n" + _basis(row, language) + "\n"
          + _notes(row["text"]), plain)


def show_finding(payload: Mapping[str, Any], rank: int) -> None:
    """One finding slide: title, text, evidence grade, basis."""
    language = payload["language"]
    row = next((r for r in payload["findings"] if int(r["rank"]) == rank), None)
    if row is None:
        return  # fewer findings: the cell stays empty and is skipped in the deck
    plain = plain_words(row["text"], language)
    evidence = "" if row.get("finding_key") in READING_AIDS else _evidence(row, language) + "\n"
    chart = (payload.get("charts") or {}).get(str(row.get("finding_key")))
    figure = ""
    if chart:
        data = base64.b64encode(chart["svg"].encode("utf-8")).decode("ascii")
        figure = (f'<figure class="finding-chart"><img src="data:image/svg+xml;base64,{data}" '
                  f'alt="{_esc(chart["alt"])}"></figure>\n')
    _show(f"<h2>{_esc(row['title'])}</h2>\n<p class=\"finding-text\">{_esc(plain)}</p>\n"
          + figure + evidence + _basis(row, language) + "\n" + _notes(row["text"]), plain)


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
    digest_text(language)
    table = results.table("drivers")
    if table is None or table.empty:
        return None
    wave = wave if wave in set(table[C.WAVE]) else str(table[C.WAVE].iloc[-1])
    rows = table[table[C.WAVE] == wave].sort_values(C.ESTIMATE)
    labels = scale_labels(results.meta)
    names = [labels.get(f, {}).get(language, f) for f in rows["factor"]]
    clear = (rows[C.CI_LOW] > 0).to_numpy()
    with chart_style(**{"font.size": 12.0, "axes.labelsize": 12.0}):
        figure = new_figure(10.5, 5.8)
        ax = figure.add_subplot()
        y = range(len(rows))
        for i, (est, lo, hi, ok) in enumerate(zip(rows[C.ESTIMATE], rows[C.CI_LOW],
                                                  rows[C.CI_HIGH], clear, strict=True)):
            colour = "#0072B2" if ok else "#4d4d4d"
            ax.plot([lo, hi], [i, i], color=colour, linewidth=1.6)
            ax.plot([est], [i], marker="^" if ok else "o", color=colour, markersize=6)
        ax.axvline(0, color="#999999", linewidth=0.8)
        ax.set_yticks(list(y), ["\n".join(textwrap.wrap(n, 60)) for n in names], fontsize=10)
        number_ticks(ax, language)
        ax.set_xlabel("Stärke des Zusammenhangs mit der Synergie (mit 95-%-Intervall)"
                      if language == "de" else
                      "strength of the association with synergy (with 95% interval)")
        svg = svg_text(figure)
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
    return Chart(svg=svg, alt_de=alt["de"], alt_en=alt["en"])


def show_chart(chart: Chart | None, payload: Mapping[str, Any]) -> None:
    """A chart slide: heading, image with alt text (nothing when there is no chart)."""
    if chart is None:
        return
    language = payload["language"]
    text = TEXT[language]
    data = base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")
    _show(f"<h2>{_esc(text['chart'])}</h2>\n<figure><img src=\"data:image/svg+xml;base64,{data}\" "
          f"alt=\"{_esc(chart.alt(language))}\"></figure>", chart.alt(language))
