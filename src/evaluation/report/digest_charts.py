"""Charts for the conference slides: one per finding where a picture says it better than
words, at the level of all municipalities together (no site is named or can be picked out).

``topics``: the average of each success factor over all municipalities, lowest first, with
the spread of the site means (grey, 10th to 90th percentile). ``pooled_change``: the change of
each factor from the first to this wave across all municipalities, with its 95 % interval.
``network``: the density of every site's network in each wave as unlabelled dots, with the
median. :func:`finding_chart` picks the chart of a finding, or None.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from evaluation import columns as C
from evaluation.report.charts import scale_axis
from evaluation.report.formatting import fmt_number, fmt_percent
from evaluation.report.labels import labels_from_meta
from evaluation.report.netplots import Chart, chart_style, new_figure, svg_text

__all__ = ["FINDING_CHARTS", "finding_chart", "number_ticks"]

BLUE, GREY, DARK = "#0072B2", "#bdbdbd", "#4d4d4d"


def number_ticks(ax: Any, language: str, *, fontsize: float = 11) -> None:
    """The x axis's own ticks in the report's numbers (decimal comma), with as many digits
    as the tick step needs (0,05 steps: two)."""
    ticks = ax.get_xticks()
    step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else 1.0
    digits = max(1, int(-np.floor(np.log10(step)))) if step < 1 else 0
    ax.set_xticks(ticks, [fmt_number(t, digits, language) for t in ticks], fontsize=fontsize)


def _labels(results: Any, keys: list[str], language: str) -> list[str]:
    labels = labels_from_meta(results.meta)
    return ["\n".join(textwrap.wrap(labels.scale_label(k, language), 52)) for k in keys]


def topics_chart(results: Any, wave: str, language: str) -> Chart | None:
    """Factors by their average over all municipalities, lowest first."""
    svp = results.table("site_vs_pool")
    labels = labels_from_meta(results.meta)
    rows = svp[(svp[C.WAVE] == wave) & svp[C.SCALE].isin(labels.factor_keys)]
    if rows.empty:
        return None
    shown = rows[~rows["suppressed"].astype(bool)]
    pool = rows.groupby(C.SCALE)["pool_mean"].first().sort_values(ascending=False)
    keys = list(pool.index)
    with chart_style(**{"font.size": 12.0}):
        figure = new_figure(9.0, 5.0)
        ax = figure.add_subplot()
        for i, key in enumerate(keys):
            means = shown.loc[shown[C.SCALE] == key, C.MEAN].dropna().to_numpy(float)
            if means.size:
                lo, hi = np.quantile(means, [0.1, 0.9])
                ax.plot([lo, hi], [i, i], color=GREY, linewidth=7, solid_capstyle="butt")
            ax.plot([pool[key]], [i], marker="o", color=BLUE, markersize=8)
        ax.set_yticks(range(len(keys)), _labels(results, keys, language), fontsize=9.5)
        scale_axis(ax, labels, language, fontsize=11)
        ax.set_xlabel(("Durchschnitt über alle Kommunen (Punkt) und Spanne der Kommunen "
                       f"(grau), Skala {labels.range_text(language)}") if language == "de" else
                      ("Average over all municipalities (dot) and range of the municipalities "
                       f"(grey), scale {labels.range_text(language)}"))
        svg = svg_text(figure)
    low_two = [labels.scale_label(k, "de") for k in keys[-2:]][::-1]
    low_two_en = [labels.scale_label(k, "en") for k in keys[-2:]][::-1]
    return Chart(svg=svg,
                 alt_de=("Durchschnitt jedes Erfolgsfaktors über alle Kommunen mit der Spanne "
                         f"der Kommunen; am niedrigsten: {', '.join(low_two)}."),
                 alt_en=("Average of every success factor over all municipalities with the "
                         f"range of the municipalities; lowest: {', '.join(low_two_en)}."))


def change_chart(results: Any, wave: str, language: str) -> Chart | None:
    """Change of each factor from the first to this wave over all municipalities."""
    model = results.table("wave_model")
    labels = labels_from_meta(results.meta)
    rows = model[(model["term"] == wave) & model[C.SCALE].isin(labels.factor_keys)]
    rows = rows[rows[C.ESTIMATE].notna()].sort_values(C.ESTIMATE)
    if rows.empty:
        return None
    keys = list(rows[C.SCALE])
    with chart_style(**{"font.size": 12.0}):
        figure = new_figure(9.0, 5.0)
        ax = figure.add_subplot()
        for i, r in enumerate(rows.itertuples()):
            clear = r.ci_low > 0 or r.ci_high < 0
            colour = BLUE if clear else DARK
            ax.plot([r.ci_low, r.ci_high], [i, i], color=colour, linewidth=1.6)
            ax.plot([r.estimate], [i], marker="o", color=colour, markersize=6)
        ax.axvline(0, color="#999999", linewidth=0.8)
        ax.set_yticks(range(len(keys)), _labels(results, keys, language), fontsize=9.5)
        number_ticks(ax, language)
        first = labels.wave_label(labels.wave_keys[0], language)
        now = labels.wave_label(wave, language)
        ax.set_xlabel(f"Veränderung seit der {first} in Skalenpunkten (mit 95-%-Intervall)"
                      if language == "de" else
                      f"Change since the {first} in scale points (with 95% interval)")
        svg = svg_text(figure)
    clear = int(((rows[C.CI_LOW] > 0) | (rows[C.CI_HIGH] < 0)).sum())
    return Chart(svg=svg,
                 alt_de=(f"Veränderung von {len(rows)} Erfolgsfaktoren von der {first} zur "
                         f"{now} über alle Kommunen, mit 95-%-Intervallen; bei {clear} "
                         "schließt das Intervall null aus (ohne Korrektur für die Zahl der "
                         "Faktoren)."),
                 alt_en=(f"Change of {len(rows)} success factors from the first wave to this "
                         f"one over all municipalities, with 95% intervals; for {clear} the "
                         "interval excludes zero (without correction for the number of "
                         "factors)."))


def network_chart(results: Any, wave: str, language: str) -> Chart | None:
    """Every site's network density per wave as unlabelled dots, and the median."""
    metrics = results.table("network_metrics")
    labels = labels_from_meta(results.meta)
    dens = metrics[metrics["metric"] == "density"]
    waves = [w for w in labels.wave_keys if w in set(dens[C.WAVE])]
    if wave in waves:
        waves = waves[:waves.index(wave) + 1]
    if not waves:
        return None
    rng = np.random.default_rng(20240301)  # the same jitter in every run
    with chart_style(**{"font.size": 12.0}):
        figure = new_figure(8.5, 3.2)
        ax = figure.add_subplot()
        medians = []
        for i, w in enumerate(waves):
            values = dens.loc[dens[C.WAVE] == w, "value"].dropna().to_numpy(float)
            ax.scatter(values, i + rng.uniform(-0.12, 0.12, size=values.size), s=30,
                       color=GREY, edgecolors=DARK, linewidths=0.5, zorder=2)
            median = float(np.median(values)) if values.size else np.nan
            medians.append(median)
            ax.plot([median, median], [i - 0.3, i + 0.3], color=BLUE, linewidth=3, zorder=3)
        ax.set_yticks(range(len(waves)), [labels.wave_label(w, language) for w in waves],
                      fontsize=11)
        ax.set_ylim(len(waves) - 0.5, -0.5)
        ticks = ax.get_xticks()
        ax.set_xticks(ticks, [fmt_percent(t, 0, language) for t in ticks], fontsize=11)
        ax.set_xlabel("Dichte: Anteil der möglichen Beziehungen, die bestehen (ein Punkt je "
                      "Kommune, blau der Median)" if language == "de" else
                      "Density: share of possible ties that exist (one dot per municipality, "
                      "blue the median)")
        svg = svg_text(figure)
    text = "; ".join(f"{labels.wave_label(w, 'de')} {fmt_percent(m, 0, 'de')}"
                     for w, m in zip(waves, medians, strict=True))
    text_en = "; ".join(f"{labels.wave_label(w, 'en')} {fmt_percent(m, 0, 'en')}"
                        for w, m in zip(waves, medians, strict=True))
    return Chart(svg=svg,
                 alt_de=f"Dichte der Netzwerke aller Kommunen je Welle; Median: {text}.",
                 alt_en=f"Density of every municipality's network per wave; median: {text_en}.")


FINDING_CHARTS = {"topics": topics_chart, "pooled_change": change_chart,
                  "network": network_chart}


def finding_chart(results: Any, key: str, wave: str, language: str) -> Chart | None:
    """The chart of the finding ``key``, or None where it has none or no data."""
    function = FINDING_CHARTS.get(key)
    if function is None:
        return None
    table = {"topics": "site_vs_pool", "pooled_change": "wave_model",
             "network": "network_metrics"}[key]
    if table not in results.tables or results.table(table).empty:
        return None
    return function(results, wave, language)

