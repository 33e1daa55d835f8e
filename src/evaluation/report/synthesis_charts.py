"""Charts of the cross-site synthesis (evaluation team): every site on every scale at a glance.

:func:`site_heatmap` draws scales (rows) by sites (columns): the cell's shade is the site's
difference to the other sites (orange below, blue above; on a scale where lower is better the
colours are turned, so blue is always the favourable side), ▲/▼ where the 95 % interval of the
difference excludes zero, and a grey cell a site below k. The means themselves are in the
synthesis' tables below the chart. Colours are the Okabe-Ito scheme's orange and blue, readable
with the common colour-vision deficiencies; the marks carry the verdict without colour.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.report.labels import Labels
from evaluation.report.netplots import Chart, chart_style, new_figure, svg_text

__all__ = ["site_heatmap"]

#: differences beyond this many scale points get the full colour
FULL_SHADE = 0.75
MARKS = {"strength": "\u25b2", "weakness": "\u25bc"}


def site_heatmap(svp: pd.DataFrame, labels: Labels, *, wave: str, language: str = "de",
                 width: float = 7.0) -> Chart:
    """Scales x sites of ``svp`` (the ``site_vs_pool`` rows of one wave); see the notes."""
    from matplotlib.colors import LinearSegmentedColormap

    rows = svp[svp[C.WAVE] == wave]
    sites = sorted(rows[C.SITE].unique())
    keys = labels.scale_order(rows[C.SCALE].unique())
    index = rows.set_index([C.SCALE, C.SITE])
    shade = np.full((len(keys), len(sites)), np.nan)
    text = [[""] * len(sites) for _ in keys]
    for i, key in enumerate(keys):
        sign = 1.0 if labels.scale(key).higher_is_better else -1.0
        for j, site in enumerate(sites):
            if (key, site) not in index.index:
                continue
            row = index.loc[(key, site)]
            if bool(row["suppressed"]) or pd.isna(row[C.MEAN]):
                continue
            shade[i, j] = sign * float(row["difference"])
            text[i][j] = MARKS.get(str(row["flag"]), "")
    colours = LinearSegmentedColormap.from_list(
        "okabe_ito_diverging", ["#D55E00", "#F4C39B", "#FFFFFF", "#9CCBEA", "#0072B2"]
    ).with_extremes(bad="#d9d9d9")
    with chart_style():
        figure = new_figure(width, 1.8 + 0.36 * len(keys))
        ax = figure.add_subplot()
        # vector cells (an SVG without embedded raster images); grey shows through where
        # a site is below k
        ax.set_facecolor("#d9d9d9")
        ax.pcolormesh(np.arange(len(sites) + 1) - 0.5, np.arange(len(keys) + 1) - 0.5,
                      np.ma.masked_invalid(shade), cmap=colours, vmin=-FULL_SHADE,
                      vmax=FULL_SHADE)
        ax.set_xlim(-0.5, len(sites) - 0.5)
        ax.set_ylim(len(keys) - 0.5, -0.5)
        for i in range(len(keys)):
            for j in range(len(sites)):
                dark = not np.isnan(shade[i, j]) and abs(shade[i, j]) > 0.9 * FULL_SHADE
                ax.text(j, i, text[i][j], ha="center", va="center", fontsize=9,
                        color="#ffffff" if dark else "#000000")
        ax.set_xticks(range(len(sites)), sites, fontsize=9, rotation=90)
        ax.set_yticks(range(len(keys)), ["\n".join(textwrap.wrap(
            labels.scale_label(k, language), 34)) for k in keys], fontsize=9)
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        svg = svg_text(figure)
    return Chart(svg=svg, alt_de=_alt(rows, labels, "de"), alt_en=_alt(rows, labels, "en"))


def _alt(rows: pd.DataFrame, labels: Labels, language: str) -> str:
    de = language == "de"
    shown = rows[~rows["suppressed"].astype(bool)]
    sites = sorted(shown[C.SITE].unique())
    per_site = []
    for site in sites:
        own = shown[shown[C.SITE] == site]
        up, down = int((own["flag"] == "strength").sum()), int((own["flag"] == "weakness").sum())
        if up or down:
            per_site.append(f"{site} {up} ▲ / {down} ▼")
    lead = (f"Mittelwerte von {len(sites)} Standorten auf "
            f"{rows[C.SCALE].nunique()} Skalen, als Farbe der Abstand zu den übrigen "
            "Standorten (blau günstiger, orange ungünstiger). " if de else
            f"Means of {len(sites)} sites on {rows[C.SCALE].nunique()} scales, coloured by the "
            "distance to the other sites (blue favourable, orange unfavourable). ")
    if not per_site:
        return lead + ("Kein Standort liegt deutlich über oder unter den übrigen." if de else
                       "No site lies clearly above or below the others.")
    return lead + ("Deutlich über (▲) oder unter (▼) den übrigen: " if de else
                   "Clearly above (▲) or below (▼) the others: ") + "; ".join(per_site) + "."
