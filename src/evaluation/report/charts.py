"""Charts of a site report: success-factor profile, change, challenges; and how to show them.

Every chart draws on its own :class:`matplotlib.figure.Figure` with an Agg canvas inside an
``rc_context`` with the fixed settings of :data:`evaluation.report.netplots.RC` (SVG id salt, text
as text, fonts), and is saved with ``metadata={"Date": None}``: the same view gives
byte-identical SVG. Each returns a :class:`evaluation.report.netplots.Chart` (SVG text plus German
and English alternative text written from the data).

Colours are Okabe-Ito (blue for "above", vermillion for "below", grey for "no clear
difference"), and every state also has its own marker shape (triangle up, triangle down,
circle), so nothing is said by colour alone.
"""

from __future__ import annotations

import base64
import html
import textwrap
from typing import Any

import numpy as np
import pandas as pd

from evaluation.language import check_language
from evaluation.report.chart_text import challenges_alt_text, change_alt_text, profile_alt_text
from evaluation.report.formatting import fmt_number
from evaluation.report.labels import Labels
from evaluation.report.netplots import Chart, chart_style, new_figure, svg_text
from evaluation.report.texts import change_judgement
from evaluation.report.view import SiteView

BLUE, VERMILLION, GREY, SKY = "#0072B2", "#D55E00", "#4d4d4d", "#56B4E9"
BAND_OUTER, BAND_INNER = "#e3e6ea", "#bfc6ce"
STATE_STYLE = {  # flag -> marker, colour
    "strength": ("^", BLUE), "weakness": ("v", VERMILLION), "none": ("o", GREY),
    "up": ("^", BLUE), "down": ("v", VERMILLION),
}


def scale_axis(ax: Any, labels: Labels, language: str, *, fontsize: float = 9) -> None:
    """The x axis over the whole response scale, the same in every chart of every site (a
    zoomed axis would make the same difference look larger at one site than at another);
    ticks at every half point up to a 5-point scale, else at every point."""
    lo, hi = float(labels.scale_min), float(labels.scale_max)
    step = 0.5 if hi - lo <= 4 else 1.0
    ticks = np.arange(lo, hi + 0.01, step)
    ax.set_xlim(lo - 0.05, hi + 0.05)
    ax.set_xticks(ticks)
    ax.set_xticklabels([fmt_number(x, 1 if step < 1 else 0, language) for x in ticks],
                       fontsize=fontsize)


def _wrap(text: str, width: int = 36) -> str:
    return "\n".join(textwrap.wrap(str(text), width=width)) or str(text)


def _label(row: Any, language: str) -> str:
    return str(row["label_de"] if language == "de" else row["label_en"])


# -------------------------------------------------------------------------------- profile


def profile_chart(view: SiteView, *, language: str = "de", width: float = 7.0) -> Chart:
    """Site mean with 95 % CI per scale against the pool (bands) and the benchmark (tick)."""
    de = check_language(language) == "de"
    table = view.factors.reset_index(drop=True)
    n_rows = len(table)
    y = np.arange(n_rows)[::-1].astype(float)
    with chart_style():
        figure = new_figure(width, 1.4 + 0.30 * n_rows)
        ax = figure.add_subplot()
        for i, row in table.iterrows():
            yi = y[i]
            if view.pool_shown and row["n_other_sites"] >= 3:
                ax.barh(yi, row["q90"] - row["q10"], left=row["q10"], height=0.56,
                        color=BAND_OUTER, zorder=1)
                ax.barh(yi, row["q75"] - row["q25"], left=row["q25"], height=0.56,
                        color=BAND_INNER, zorder=1)
                if pd.notna(row["benchmark"]):
                    ax.plot([row["benchmark"]] * 2, [yi - 0.34, yi + 0.34], color="#000000",
                            linewidth=1.6, zorder=2)
            if row["suppressed"]:
                ax.text(3.0, yi, (f"weniger als {view.k} Antworten" if de
                                  else f"fewer than {view.k} answers"),
                        ha="center", va="center", fontsize=9, color=GREY, zorder=3)
                continue
            marker, colour = STATE_STYLE.get(row["flag"], STATE_STYLE["none"])
            ax.plot([row["ci_low"], row["ci_high"]], [yi, yi], color=colour, linewidth=2.2,
                    solid_capstyle="butt", zorder=3)
            ax.plot(row["mean"], yi, marker=marker, markersize=9 if marker != "o" else 7,
                    color=colour, markeredgecolor="#000000", markeredgewidth=0.6, zorder=4)
        labels = []
        for _, row in table.iterrows():
            name = _label(row, language)
            if not row.get("higher_is_better", True):
                name += " (niedriger = besser)" if de else " (lower = better)"
            text = _wrap(name, 38)
            if row["flag"] == "strength":
                text += " \u25b2"
            elif row["flag"] == "weakness":
                text += " \u25bc"
            labels.append(text)
        ax.set_yticks(y)
        ax.set_yticklabels(labels, fontsize=9.5)
        for tick, (_, row) in zip(ax.get_yticklabels(), table.iterrows(), strict=True):
            if row["flag"] in ("strength", "weakness"):
                tick.set_fontweight("bold")
        outcomes = [i for i, k in enumerate(table["kind"]) if k != "factor"]
        if outcomes and len(outcomes) < n_rows:
            ax.axhline(y[outcomes[0]] + 0.5, color="#999999", linewidth=0.8, linestyle=":")
        scale_axis(ax, view.labels, language)
        ax.set_ylim(-0.7, n_rows - 0.3)
        ax.set_xlabel(("Mittelwert ({})" if de else "Mean ({})").format(
            view.labels.ends_text(language)))
        ax.grid(axis="x", color="#dddddd", linewidth=0.6, zorder=0)
        ax.set_axisbelow(True)
        _profile_legend(figure, ax, de, view.pool_shown,
                        favourable=not table.get("higher_is_better",
                                                 pd.Series([True])).astype(bool).all())
        svg = svg_text(figure)
    return Chart(svg=svg, alt_de=profile_alt_text(view, "de"),
                 alt_en=profile_alt_text(view, "en"))


def _profile_legend(figure: Any, ax: Any, de: bool, pool: bool, *,
                    favourable: bool = False) -> None:
    """The profile's legend; ``favourable`` names the marks by favourable/unfavourable (an
    instrument with a scale on which lower is better), else by above/below."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Line2D([], [], marker="o", color=GREY, markeredgecolor="#000000", linewidth=2.2,
               label="Ihre Kommune: Mittelwert mit 95-%-Intervall" if de
               else "Your municipality: mean with 95% interval"),
        Line2D([], [], marker="^", color=BLUE, markeredgecolor="#000000", linewidth=2.2,
               markersize=9, label=(
                   ("\u25b2 günstiger als der Durchschnitt der anderen" if de
                    else "\u25b2 better than the average of the others") if favourable else
                   ("\u25b2 über dem Durchschnitt der anderen" if de
                    else "\u25b2 above the average of the others"))),
        Line2D([], [], marker="v", color=VERMILLION, markeredgecolor="#000000", linewidth=2.2,
               markersize=9, label=(
                   ("\u25bc ungünstiger als der Durchschnitt der anderen" if de
                    else "\u25bc worse than the average of the others") if favourable else
                   ("\u25bc unter dem Durchschnitt der anderen" if de
                    else "\u25bc below the average of the others"))),
    ]
    if pool:
        handles += [
            Line2D([], [], marker="|", linestyle="none", color="#000000", markersize=12,
                   markeredgewidth=1.6, label="Durchschnitt der anderen Kommunen" if de
                   else "Average of the other municipalities"),
            Patch(color=BAND_OUTER, label="mittlere 80 % der anderen Kommunen" if de
                  else "middle 80% of the other municipalities"),
            Patch(color=BAND_INNER, label="mittlere Hälfte der anderen Kommunen" if de
                  else "middle half of the other municipalities"),
        ]
    figure.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=9)


# -------------------------------------------------------------------------------- change


def change_chart(view: SiteView, *, language: str = "de", width: float = 7.0) -> Chart:
    """Previous against current wave per scale (dumbbell); clear changes marked."""
    de = check_language(language) == "de"
    table = view.change.reset_index(drop=True)
    n_rows = max(len(table), 1)
    y = np.arange(len(table))[::-1].astype(float)
    w_from = view.labels.wave_label(view.change_from or "", language)
    w_to = view.labels.wave_label(view.wave, language)
    with chart_style():
        figure = new_figure(width, 1.3 + 0.32 * n_rows)
        ax = figure.add_subplot()
        for i, row in table.iterrows():
            yi = y[i]
            state = "none"
            if row["clear"]:
                state = "up" if row["difference"] > 0 else "down"
            marker, colour = STATE_STYLE[state]
            ax.plot([row["mean_from"], row["mean_to"]], [yi, yi], color=colour,
                    linewidth=2.4 if row["clear"] else 1.2, zorder=2)
            ax.plot(row["mean_from"], yi, marker="o", markersize=6, color="#ffffff",
                    markeredgecolor=GREY, markeredgewidth=1.2, zorder=3)
            ax.plot(row["mean_to"], yi, marker=marker, markersize=8 if marker != "o" else 6,
                    color=colour, markeredgecolor="#000000", markeredgewidth=0.6, zorder=4)
        labels = []
        for _, row in table.iterrows():
            text = _wrap(_label(row, language), 38)
            if row["clear"]:
                text += " \u25b2" if row["difference"] > 0 else " \u25bc"
                judgement = change_judgement(
                    row["difference"], view.labels.scale(row["scale"]).higher_is_better,
                    language)
                text += f" ({judgement})" if judgement else ""
            labels.append(text)
        ax.set_yticks(y)
        ax.set_yticklabels(labels, fontsize=9.5)
        scale_axis(ax, view.labels, language)
        ax.set_ylim(-0.7, n_rows - 0.3)
        ax.set_xlabel(("Mittelwert (Skala {})" if de else "Mean (scale {})").format(
            view.labels.range_text(language)))
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        from matplotlib.lines import Line2D

        handles = [
            Line2D([], [], marker="o", linestyle="none", color="#ffffff",
                   markeredgecolor=GREY, label=w_from),
            Line2D([], [], marker="o", linestyle="none", color=GREY,
                   markeredgecolor="#000000", label=f"{w_to}: "
                   + ("keine deutliche Veränderung" if de else "no clear change")),
            Line2D([], [], marker="^", color=BLUE, markeredgecolor="#000000", linewidth=2.4,
                   label=f"\u25b2 {'deutlich gestiegen' if de else 'clearly higher'}"),
            Line2D([], [], marker="v", color=VERMILLION, markeredgecolor="#000000",
                   linewidth=2.4,
                   label=f"\u25bc {'deutlich gesunken' if de else 'clearly lower'}"),
        ]
        figure.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=9)
        svg = svg_text(figure)
    return Chart(svg=svg, alt_de=change_alt_text(view, "de"), alt_en=change_alt_text(view, "en"))


# -------------------------------------------------------------------------------- challenges


def challenges_chart(view: SiteView, *, language: str = "de", width: float = 7.0) -> Chart:
    """Share agreeing with each challenge (with 95 % Wilson interval) against the others."""
    de = check_language(language) == "de"
    table = view.challenges.reset_index(drop=True)
    n_rows = max(len(table), 1)
    y = np.arange(len(table))[::-1].astype(float)
    with chart_style():
        figure = new_figure(width, 1.2 + 0.45 * n_rows)
        ax = figure.add_subplot()
        if len(table):
            share = table["share_agree"].to_numpy(float) * 100
            ax.barh(y, share, height=0.55, color=SKY, edgecolor="#000000", linewidth=0.6,
                    zorder=2)
            low = share - table["share_ci_low"].to_numpy(float) * 100
            high = table["share_ci_high"].to_numpy(float) * 100 - share
            ax.errorbar(share, y, xerr=[low, high], fmt="none", ecolor="#000000",
                        elinewidth=1.0, capsize=3, zorder=3)
            if view.pool_shown:
                ax.plot(table["others_share_agree"].to_numpy(float) * 100, y, linestyle="none",
                        marker="D", markersize=7, color="#ffffff", markeredgecolor="#000000",
                        markeredgewidth=1.4, zorder=4)
        flagged = (table["flag"] == "higher").to_numpy() if "flag" in table else \
            np.zeros(len(table), dtype=bool)
        ax.set_yticks(y)
        ax.set_yticklabels([_wrap(_label(r, language), 44) + (" \u25b2" if f else "")
                            for (_, r), f in zip(table.iterrows(), flagged, strict=True)],
                           fontsize=9.5)
        for tick, f in zip(ax.get_yticklabels(), flagged, strict=True):
            if f:
                tick.set_fontweight("bold")
        ax.set_xlim(0, 100)
        ax.set_ylim(-0.7, n_rows - 0.3)
        ax.set_xlabel(("Anteil {} (%)" if de else "Share {} (%)").format(
            view.labels.agree_text(language)))
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        handles = [Patch(facecolor=SKY, edgecolor="#000000",
                         label="Ihre Kommune (mit 95-%-Intervall)" if de
                         else "Your municipality (with 95% interval)")]
        if view.pool_shown:
            handles.append(Line2D([], [], linestyle="none", marker="D", color="#ffffff",
                                  markeredgecolor="#000000", markeredgewidth=1.4,
                                  label="andere Kommunen" if de else "other municipalities"))
        if flagged.any():
            handles.append(Line2D([], [], linestyle="none", marker="^", color="#000000",
                                  label="\u25b2 deutlich häufiger als anderswo" if de
                                  else "\u25b2 clearly more often than elsewhere"))
        figure.legend(handles=handles, loc="outside lower center", ncols=len(handles),
                      fontsize=9)
        svg = svg_text(figure)
    return Chart(svg=svg, alt_de=challenges_alt_text(view, "de"),
                 alt_en=challenges_alt_text(view, "en"))


# -------------------------------------------------------------------------------- display


def chart_html(chart: Chart, language: str, *, caption: str | None = None,
               max_width: str | None = None) -> str:
    """A ``<figure>`` with the SVG as a data-URI image, its alt text and an optional caption."""
    alt = chart.alt(check_language(language))
    data = base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")
    style = f' style="max-width:{html.escape(max_width)}"' if max_width else ""
    out = [f'<figure class="er-figure"><img src="data:image/svg+xml;base64,{data}" '
           f'alt="{html.escape(alt)}"{style}>']
    if caption:
        out.append(f"<figcaption>{html.escape(caption)}</figcaption>")
    out.append("</figure>")
    return "".join(out)


def display_chart(chart: Chart, language: str, *, caption: str | None = None,
                  max_width: str | None = None) -> None:
    """Show a chart in a notebook as an image with alt text (and caption) the report keeps.

    The output is HTML (a ``<figure>`` with a data-URI ``<img alt>``), which the report
    template copies as it is; its plain-text form is the alt text, so no Python repr is ever
    shown.
    """
    from IPython.display import display

    display({"text/html": chart_html(chart, language, caption=caption, max_width=max_width),
             "text/plain": chart.alt(language)}, raw=True)
