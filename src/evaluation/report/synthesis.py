"""Sections of the cross-site synthesis, a document for the evaluation team only.

Sites may be named here. Site-waves below k stay suppressed ("–") even so: the synthesis is
often shared within a team larger than the people allowed to see raw data. Pool-level
sections (reliability, aggregation, eye level, drivers, paired change) reuse
:mod:`evaluation.report.evaluator` with ``level=2``.
"""

from __future__ import annotations

import pandas as pd

from evaluation import columns as C
from evaluation.errors import ReportError
from evaluation.report.charts import chart_html
from evaluation.report.evaluator import full_labels
from evaluation.report.formatting import fmt_int, fmt_number, fmt_percent, fmt_pvalue, html_table
from evaluation.report.fragments import Fragment, esc, heading, note, paragraph, style_block
from evaluation.report.labels import min_group_size, month_year
from evaluation.report.sections import ci_text
from evaluation.report.synthesis_charts import site_heatmap
from evaluation.report.texts import text
from evaluation.results import Results


def _t(de: str, en: str, language: str) -> str:
    return de if language == "de" else en


def _check_wave(results: Results, wave: str) -> None:
    waves = sorted(results.table("counts")[C.WAVE].unique())
    if wave not in waves:
        raise ReportError(f"wave {wave!r} is not in the results; known waves: "
                          f"{', '.join(waves)}")


def title(results: Results, wave: str, language: str = "de") -> Fragment:
    """``h1``, the wave and pool size, the evaluator-only notice, the synthetic label."""
    _check_wave(results, wave)
    labels = full_labels(results)
    shown = results.table("shown")
    in_wave = shown[(shown[C.WAVE] == wave) & shown["shown"]]
    wave_text = labels.wave_label(wave, language)
    when = month_year(labels.wave_date(wave), language)
    heading_text = f"{text('synthesis_title', language)}: {wave_text}"
    facts = _t(f"{len(in_wave)} Standorte mit mindestens {min_group_size(results.meta)} "
               f"Antworten, {fmt_int(in_wave[C.N].sum(), language)} Befragte",
               f"{len(in_wave)} sites with at least {min_group_size(results.meta)} answers, "
               f"{fmt_int(in_wave[C.N].sum(), language)} respondents", language)
    if when:
        facts = f"{when} \u00b7 {facts}"
    parts = [style_block(), heading(1, heading_text, anchor="title"),
             paragraph(facts, css="er-facts"),
             note(_t("Nur für die wissenschaftliche Begleitung: Dieses Dokument nennt "
                     "Standorte und darf nicht an Projektpartner weitergegeben werden.",
                     "For the evaluation team only: this document names sites and must not be "
                     "passed on to project partners.", language))]
    if results.meta.get("synthetic"):
        parts.append(f'<p class="er-synthetic"><strong>{esc(text("synthetic", language))}'
                     f"</strong> \u2013 {esc(text('synthetic_note', language))}</p>")
    return Fragment("\n".join(parts), markdown=f"# {heading_text}")


def overview(results: Results, wave: str, language: str = "de") -> str:
    """Sites with name, responses, invited, response rate and whether they are shown."""
    labels = full_labels(results)
    counts = results.table("counts")
    rows = counts[counts[C.WAVE] == wave].merge(
        results.table("shown")[[C.SITE, C.WAVE, "shown"]], on=[C.SITE, C.WAVE], how="left")
    visible = rows["shown"].fillna(False).astype(bool).to_numpy()
    table = pd.DataFrame({
        _t("Standort", "Site", language): [f"{s} {labels.site_name(s)}" for s in rows[C.SITE]],
        "n": pd.Series([int(n) if ok else None for n, ok in zip(rows[C.N], visible, strict=True)],
                       dtype=object),  # object: an int column with gaps would print "31,00"
        _t("eingeladen", "invited", language): rows["invited"].to_numpy(),
        _t("Rücklauf", "response rate", language): [
            fmt_percent(x, 0, language) if ok else None
            for x, ok in zip(rows["response_rate"], visible, strict=True)],
        _t("gezeigt", "shown", language): visible,
    })
    k = min_group_size(results.meta)
    return "\n".join([
        heading(2, _t("Standorte und Rücklauf", "Sites and responses", language),
                anchor="sites"),
        html_table(table, caption=_t("Rücklauf je Standort", "Responses per site", language),
                   language=language, index=False,
                   row_header=_t("Standort", "Site", language),
                   note=_t(f"– = weniger als {k} Antworten (unterdrückt).",
                           f"– = fewer than {k} answers (suppressed).", language))])


#: Site columns per table, so that a sites x scales matrix fits a printed page.
SITES_PER_TABLE = 9


def _mark(flag: object) -> str:
    return {"strength": "\u00a0\u25b2", "weakness": "\u00a0\u25bc"}.get(str(flag), "")


def _chunks(sites: list[str]) -> list[list[str]]:
    n = max(1, -(-len(sites) // SITES_PER_TABLE))  # tables needed
    size = -(-len(sites) // n)  # even split
    return [sites[i:i + size] for i in range(0, len(sites), size)]


def _matrix_tables(first: dict[str, list[str]], columns: dict[str, list[str]], *,
                   caption: str, language: str, note_text: str,
                   extra: dict[str, list[str]] | None = None) -> str:
    """Sites x scales as several tables of at most SITES_PER_TABLE site columns."""
    sites = list(columns)
    chunks = _chunks(sites)
    out = []
    for i, chunk in enumerate(chunks):
        data = dict(first)
        data.update({site: columns[site] for site in chunk})
        data.update(extra or {})
        part = f" ({chunk[0]}\u2013{chunk[-1]})" if len(chunks) > 1 else ""
        out.append(html_table(pd.DataFrame(data), caption=caption + part, language=language,
                              index=False, row_header=next(iter(first)),
                              note=note_text if i == len(chunks) - 1 else None))
    return "\n".join(out)


def site_means(results: Results, wave: str, language: str = "de") -> str:
    """Scales x sites: site means, marked where the CI of the difference excludes the
    benchmark; suppressed site-waves shown as en dash."""
    labels = full_labels(results)
    svp = results.table("site_vs_pool")
    svp = svp[svp[C.WAVE] == wave]
    sites = sorted(svp[C.SITE].unique())
    keys = labels.scale_order(svp[C.SCALE].unique())
    first = {_t("Skala", "Scale", language): [labels.scale_label(k, language) for k in keys]}
    data: dict[str, list[str]] = {}
    index = svp.set_index([C.SCALE, C.SITE])
    for site in sites:
        column = []
        for key in keys:
            row = index.loc[(key, site)] if (key, site) in index.index else None
            if row is None or bool(row["suppressed"]):
                column.append("\u2013")
            else:
                column.append(fmt_number(row[C.MEAN], 2, language) + _mark(row["flag"]))
        data[site] = column
    pool = svp.groupby(C.SCALE)["pool_mean"].first()
    extra = {_t("Alle Kommunen", "Pool", language): [fmt_number(pool.get(k), 2, language)
                                                     for k in keys]}
    counts = results.table("counts")
    counts = counts[counts[C.WAVE] == wave].set_index(C.SITE)[C.N]
    first = {name: [_t("Befragte (n)", "Respondents (n)", language), *values]
             for name, values in first.items()}
    data = {site: [str(int(counts.get(site, 0))), *values] for site, values in data.items()}
    extra = {name: [str(int(counts.sum())), *values] for name, values in extra.items()}
    chart = site_heatmap(svp, labels, wave=wave, language=language)
    return "\n".join([
        heading(2, _t("Mittelwerte der Standorte", "Site means", language), anchor="means"),
        chart_html(chart, language, caption=_t(
            f"Alle Standorte auf allen Skalen ({labels.wave_label(wave, language)}): Farbe = "
            "Abstand zu den übrigen Standorten (blau günstiger, orange ungünstiger, je "
            "kräftiger, desto größer; volle Farbe ab 0,75 Skalenpunkten), ▲/▼ deutlich; grau = "
            f"weniger als {min_group_size(results.meta)} Antworten",
            f"Every site on every scale ({labels.wave_label(wave, language)}): colour = "
            "distance to the other sites (blue favourable, orange unfavourable, the stronger "
            "the larger; full colour from 0.75 scale points), ▲/▼ clear; grey = fewer than "
            f"{min_group_size(results.meta)} answers", language)),
        paragraph(_t("▲/▼: Das 95-%-Intervall des Unterschieds zu allen übrigen Kommunen "
                     "schließt null aus. Keine Rangliste: Die Reihenfolge folgt den "
                     "Standortschlüsseln.",
                     "▲/▼: the 95% interval of the difference to the pool without the site "
                     "excludes zero. No league table: columns follow the site keys.", language)),
        _matrix_tables(first, data, caption=_t(
            f"Mittelwerte je Skala und Standort ({labels.wave_label(wave, language)})",
            f"Means per scale and site ({labels.wave_label(wave, language)})", language),
            language=language, extra=extra,
            note_text=_t("– = weniger als k Antworten (unterdrückt).",
                         "– = fewer than k answers (suppressed).", language))])


def reliability_overview(results: Results, language: str = "de") -> str:
    """Alpha with its Feldt interval per scale and wave (pool)."""
    labels = full_labels(results)
    rel = results.tables.get("reliability", pd.DataFrame())
    rel = rel[(rel["level"] == "pool") & (rel["n_items"] > 1)] if not rel.empty else rel
    if rel.empty:
        return ""
    waves = [w for w in labels.wave_keys if w in set(rel[C.WAVE])] or sorted(rel[C.WAVE].unique())
    keys = labels.scale_order(rel[C.SCALE].unique())
    index = rel.set_index([C.SCALE, C.WAVE])
    data: dict[str, list[str]] = {_t("Skala", "Scale", language):
                                  [labels.scale_label(k, language) for k in keys]}
    for w in waves:
        cells = []
        for key in keys:
            if (key, w) not in index.index:
                cells.append("\u2013")
                continue
            r = index.loc[(key, w)]
            cells.append(f"{fmt_number(r['alpha'], 2, language)} "
                         f"{ci_text(r['alpha_ci_low'], r['alpha_ci_high'], language)}")
        data[f"α {labels.wave_label(w, language)}"] = cells
    return "\n".join([
        heading(2, _t("Reliabilität über die Wellen", "Reliability across waves", language),
                anchor="reliability-waves"),
        html_table(pd.DataFrame(data), caption=_t(
            "Cronbachs α mit 95-%-Intervall nach Feldt (alle Kommunen)",
            "Cronbach's α with 95% Feldt interval (pool)", language), language=language,
            index=False, row_header=_t("Skala", "Scale", language))])


def change_across_waves(results: Results, wave: str, language: str = "de") -> str:
    """Pooled wave effects (mixed model) and site changes into ``wave`` (marked if clear)."""
    labels = full_labels(results)
    if len(labels.waves) == 1:  # a one-wave project: nothing to compare
        return ""
    parts = [heading(2, _t("Veränderung über die Wellen", "Change across waves", language),
                     anchor="change")]
    model = results.tables.get("wave_model", pd.DataFrame())
    if not model.empty:
        model = model[model["term"] == wave]
    if not model.empty:
        keys = labels.scale_order(model[C.SCALE])
        m = model.set_index(C.SCALE)
        first = labels.wave_label(labels.wave_keys[0], language) if labels.wave_keys else ""
        table = pd.DataFrame({
            _t("Skala", "Scale", language): [labels.scale_label(k, language) for k in keys],
            _t("Schätzung", "Estimate", language): [m.loc[k, C.ESTIMATE] for k in keys],
            _t("95-%-KI", "95% CI", language): [ci_text(m.loc[k, C.CI_LOW], m.loc[k, C.CI_HIGH],
                                                       language) for k in keys],
            "p": [fmt_pvalue(m.loc[k, C.PVALUE], language, prefix=False) for k in keys],
            _t("Standardfehler", "SE", language): [m.loc[k, C.SE] for k in keys],
            _t("Varianz Kommune", "Site variance", language): [
                m.loc[k, "site_variance"] for k in keys],
            _t("Varianz Person", "Person variance", language): [
                m.loc[k, "person_variance"] if "person_variance" in m else None for k in keys],
            _t("Varianz Rest", "Residual variance", language): [
                m.loc[k, "residual_variance"] for k in keys],
            _t("Befragte / Antworten", "Respondents / answers", language): [
                (f"{fmt_int(m.loc[k, 'n_persons'], language)} / "
                 f"{fmt_int(m.loc[k, C.N], language)}"
                 if "n_persons" in m and pd.notna(m.loc[k, "n_persons"])
                 else fmt_int(m.loc[k, C.N], language)) for k in keys],
        })
        nested = "n_persons" in m and m["method"].astype(str).str.startswith("nested").any()
        parts.append(html_table(table, caption=_t(
            f"Unterschied {labels.wave_label(wave, language)} gegenüber {first} im "
            "Mehrebenenmodell (zufälliger Achsenabschnitt je Standort"
            + (" und je befragter Person: wer in mehreren Wellen antwortete, wird mit sich "
               "selbst verglichen)" if nested else ")"),
            f"Difference {labels.wave_label(wave, language)} against {first} in the multilevel "
            "model (random intercept per site"
            + (" and per respondent: who answered in several waves is compared with "
               "themselves)" if nested else ")"), language), language=language, index=False,
            row_header=_t("Skala", "Scale", language), digits=3))
    change = results.tables.get("change", pd.DataFrame())
    previous = labels.previous_wave(wave)
    if change.empty or previous is None:
        parts.append(note(_t("Für diese Welle gibt es keine frühere Welle.",
                             "This wave has no earlier wave.", language)))
        return "\n".join(parts)
    sub = change[(change["level"] == "site") & (change["wave_to"] == wave)
                 & (change["wave_from"] == previous)]
    keys = labels.scale_order(sub[C.SCALE].unique())
    index = sub.set_index([C.SCALE, C.SITE])
    first = {_t("Skala", "Scale", language): [labels.scale_label(k, language) for k in keys]}
    data: dict[str, list[str]] = {}
    for site in sorted(sub[C.SITE].unique()):
        cells = []
        for key in keys:
            r = index.loc[(key, site)] if (key, site) in index.index else None
            if r is None or bool(r["suppressed"]):
                cells.append("\u2013")
                continue
            mark = ("\u00a0\u25b2" if r[C.CI_LOW] > 0 else
                    ("\u00a0\u25bc" if r[C.CI_HIGH] < 0 else ""))
            cells.append(fmt_number(r["difference"], 2, language) + mark)
        data[site] = cells
    parts.append(_matrix_tables(first, data, caption=_t(
        f"Veränderung der Standortmittelwerte von der {labels.wave_label(previous, language)} "
        f"zur {labels.wave_label(wave, language)}",
        f"Change of site means from the {labels.wave_label(previous, language)} to the "
        f"{labels.wave_label(wave, language)}", language), language=language,
        note_text=_t("▲/▼: 95-%-Intervall schließt null aus; – = unterdrückt (weniger als k "
                "Antworten in einer der Wellen).", "▲/▼: 95% interval excludes zero; – = "
                "suppressed (fewer than k answers in one of the waves).", language)))
    return "\n".join(parts)


def network_summary(results: Results, wave: str, language: str = "de") -> str:
    """Per site: organisations, coverage, ties, density, reciprocity, centralisation,
    attendance, quick wins."""
    metrics = results.tables.get("network_metrics", pd.DataFrame())
    if metrics.empty:
        return ""
    labels = full_labels(results)
    m = metrics[metrics[C.WAVE] == wave]
    wide = m.pivot_table(index=C.SITE, columns="metric", values="value", aggfunc="first")
    info = m.groupby(C.SITE)[["n_organisations", "coverage"]].first()
    part = results.tables.get("participation_summary", pd.DataFrame())
    part = (part[part[C.WAVE] == wave].pivot_table(index=C.SITE, columns="metric",
                                                    values="value", aggfunc="first")
            if not part.empty else pd.DataFrame())
    ideas = results.tables.get("idea_matrix", pd.DataFrame())
    wins = (ideas[ideas["quadrant"] == "quick_win"].groupby(C.SITE).size()
            if not ideas.empty else pd.Series(dtype=int))
    sites = sorted(wide.index)

    def get(frame: pd.DataFrame, site: str, col: str) -> float | None:
        return frame.loc[site, col] if site in frame.index and col in frame else None

    table = pd.DataFrame({
        _t("Standort", "Site", language): sites,
        _t("Organisationen", "Organisations", language):
            [int(info.loc[s, "n_organisations"]) for s in sites],
        _t("Rücklauf Netzwerkfrage", "Roster coverage", language):
            [fmt_percent(info.loc[s, "coverage"], 0, language) for s in sites],
        _t("Beziehungen", "Ties", language): [int(get(wide, s, "n_ties") or 0) for s in sites],
        _t("Dichte", "Density", language): [get(wide, s, "density") for s in sites],
        _t("Gegenseitigkeit", "Reciprocity", language): [get(wide, s, "reciprocity")
                                                         for s in sites],
        _t("Zentralisierung", "Centralisation", language):
            [get(wide, s, "degree_centralisation") for s in sites],
        _t("Teilnahmequote", "Attending share", language):
            [fmt_percent(get(part, s, "attending_share"), 0, language) for s in sites],
        _t("Schnelle Erfolge", "Quick wins", language): [int(wins.get(s, 0)) for s in sites],
    })
    return "\n".join([
        heading(2, _t("Netzwerk und Beteiligung je Standort", "Network and participation per "
                      "site", language), anchor="network"),
        paragraph(_t("Netzwerkdaten beschreiben Organisationen, nicht Befragte; der Rücklauf "
                     "der Netzwerkfrage steht dabei, weil fehlende Antworten Dichte und "
                     "Gegenseitigkeit verzerren.", "Network data describe organisations, not "
                     "respondents; roster coverage is shown because missing answers bias "
                     "density and reciprocity.", language)),
        html_table(table, caption=_t(f"Netzwerkkennzahlen ({labels.wave_label(wave, language)})",
                                     f"Network measures ({labels.wave_label(wave, language)})",
                                     language),
                   language=language, index=False,
                   row_header=_t("Standort", "Site", language))])
