"""Deterministic, accessible charts of networks, ideas and participation.

Every function draws on its own :class:`matplotlib.figure.Figure` with an Agg canvas (no
pyplot, no global backend switch), inside an ``rc_context`` that fixes fonts, sizes and the
SVG id salt, and returns a :class:`Chart`: the SVG text and an alternative text in German and
English written from the data. The same input gives byte-identical SVG.

Accessibility: colours are the Okabe-Ito palette (distinguishable with the common colour
vision deficiencies) and every category also has its own marker shape, so no information is
carried by colour alone. Privacy: organisation names are drawn only with ``show_names=True``;
by default the map shows actor types.

References
----------
Okabe, M., & Ito, K. (2008). Color universal design (CUD): how to make figures and
presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.config import ACTOR_TYPES
from evaluation.errors import ChartInputError
from evaluation.language import LANGUAGES, check_language
from evaluation.network import SiteNetwork, network_metrics
from evaluation.participation import QUADRANTS

#: Okabe-Ito palette without black (black is used for text and outlines).
OKABE_ITO: tuple[str, ...] = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2",
                              "#D55E00", "#CC79A7", "#999999")
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "h", "<", ">", "p", "*")

#: Short actor type labels for legends and alt texts (German, English).
ACTOR_TYPE_LABELS: Mapping[str, tuple[str, str]] = {
    "administration": ("Verwaltung / Integrationsstelle", "administration / integration office"),
    "immigration_office": ("Ausländerbehörde", "immigration office"),
    "social_welfare_office": ("Sozialamt", "social welfare office"),
    "jobcenter": ("Jobcenter / Arbeitsagentur", "jobcenter / employment agency"),
    "welfare_organisation": ("Wohlfahrtsverband", "welfare organisation"),
    "mso": ("Migrantenorganisation (MSO)", "migrant organisation (MSO)"),
    "association_volunteer": ("Verein / Ehrenamt", "association / volunteering"),
    "education": ("Bildung", "education"),
    "business": ("Wirtschaft / Kammer", "business / chamber"),
    "politics": ("Politik", "politics"),
    "other": ("Sonstige", "other"),
}

EVENT_TYPE_LABELS: Mapping[str, tuple[str, str]] = {
    "network_meeting": ("Netzwerktreffen", "network meeting"),
    "steering_group": ("Steuerungsgruppe", "steering group"),
    "idea_workshop": ("Ideenwerkstatt", "idea workshop"),
    "peer_exchange": ("Peer-Austausch", "peer exchange"),
    "transfer_conference": ("Transfertagung", "transfer conference"),
}

MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
             "September", "Oktober", "November", "Dezember")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

#: Fixed settings that make the SVG reproducible and readable.
RC: Mapping[str, Any] = {
    "svg.hashsalt": "transfer-evaluation",
    "svg.fonttype": "none",
    # labels come from data (site, organisation, scale names): "$...$" is text, not mathtext
    "text.parse_math": False,
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 11.0,
    "axes.labelsize": 9.0,
    "legend.fontsize": 9.0,
    "xtick.labelsize": 9.0,
    "ytick.labelsize": 9.0,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "path.simplify": False,
    "figure.dpi": 100.0,
    "savefig.dpi": 100.0,
}


@dataclass(frozen=True, kw_only=True)
class Chart:
    """One rendered chart: SVG text and alternative texts in German and English."""

    svg: str
    alt_de: str
    alt_en: str

    def alt(self, language: str = "de") -> str:
        """The alternative text in ``language`` (``de`` or ``en``)."""
        check_language(language)
        return self.alt_de if language == "de" else self.alt_en


def _lang(language: str) -> int:
    check_language(language)
    return LANGUAGES.index(language)


def _number(value: float, language: str, digits: int = 2) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language == "de" else text


def _percent(value: float, language: str) -> str:
    return f"{round(100 * value):d} %" if language == "de" else f"{round(100 * value):d}%"


def _join(words: list[str], language: str) -> str:
    if len(words) <= 1:
        return "".join(words)
    last = " und " if language == "de" else " and "
    return ", ".join(words[:-1]) + last + words[-1]


def _style(key: str, order: tuple[str, ...]) -> dict[str, Any]:
    """Scatter keywords of one category: Okabe-Ito colour and its own marker shape.

    Beyond the eight colours the markers are drawn hollow (white face, coloured outline), so
    that no two of up to sixteen categories look alike.
    """
    index = order.index(key) if key in order else len(order) + sum(map(ord, str(key)))
    colour = OKABE_ITO[index % len(OKABE_ITO)]
    marker = MARKERS[index % len(MARKERS)]
    if (index // len(OKABE_ITO)) % 2:
        return {"c": "#ffffff", "marker": marker, "edgecolors": colour, "linewidths": 1.8}
    return {"c": colour, "marker": marker, "edgecolors": "#222222", "linewidths": 0.8}


def new_figure(width: float, height: float) -> Any:
    """A figure with its own Agg canvas: no pyplot, no global backend state."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _legend(figure: Any, loc: str, *, ncols: int = 1) -> None:
    """Figure legend outside the axes, with markers of one size whatever the node sizes."""
    legend = figure.legend(loc=loc, ncols=ncols)
    for handle in legend.legend_handles:
        if hasattr(handle, "set_sizes"):
            handle.set_sizes([50.0])


def svg_text(figure: Any) -> str:
    """The figure as SVG text without a date (byte-identical for the same figure)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


@contextlib.contextmanager
def chart_style(**extra: Any) -> Iterator[None]:
    """matplotlib's defaults plus :data:`RC` (and ``extra``) while a chart is drawn.

    Starting from the defaults, not from the process's settings, makes a chart the same
    whatever a matplotlibrc file or a notebook set; the chart store relies on it.
    """
    import matplotlib

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update({**RC, **extra})
        yield


# --------------------------------------------------------------------------------------------
# network map


def _layout(graph: nx.DiGraph, layout: str, seed: int) -> dict[Any, tuple[float, float]]:
    nodes = sorted(graph.nodes, key=lambda o: (type_rank(graph.nodes[o].get(C.ACTOR_TYPE)),
                                               str(o)))
    if layout == "circle":
        n = len(nodes)
        return {o: (math.sin(2 * math.pi * i / n), math.cos(2 * math.pi * i / n))
                for i, o in enumerate(nodes)}
    if layout == "spring":
        ordered = nx.DiGraph()
        ordered.add_nodes_from(nodes)
        ordered.add_edges_from(sorted(graph.edges(), key=lambda e: (str(e[0]), str(e[1]))))
        pos = nx.spring_layout(ordered, seed=seed)
        return {o: (float(p[0]), float(p[1])) for o, p in pos.items()}
    raise ChartInputError(f"layout must be 'circle' or 'spring', got {layout!r}")


def type_rank(actor_type: Any) -> tuple[int, str]:
    key = str(actor_type)
    return (ACTOR_TYPES.index(key) if key in ACTOR_TYPES else len(ACTOR_TYPES), key)


def network_alt_text(network: SiteNetwork, *, show_names: bool = False,
                     labels: Mapping[str, tuple[str, str]] = ACTOR_TYPE_LABELS,
                     ) -> tuple[str, str]:
    """German and English alternative text of a network map, written from the data."""
    metrics = network_metrics(network)
    graph = network.graph
    texts = []
    for language in LANGUAGES:
        k = _lang(language)
        if language == "de":
            text = (f"Netzwerk mit {metrics.n_organisations} Organisationen und "
                    f"{metrics.n_ties} Kooperationsbeziehungen")
            if metrics.n_organisations > 1:
                text += f"; Dichte {_number(metrics.density, language)}"
            if metrics.n_ties:
                text += (f"; {_percent(metrics.reciprocity, language)} der Beziehungen sind "
                         "gegenseitig")
            text += (f"; {metrics.n_isolates} Organisation ohne Beziehung"
                     if metrics.n_isolates == 1 else
                     f"; {metrics.n_isolates} Organisationen ohne Beziehung")
        else:
            text = (f"Network of {metrics.n_organisations} organisations and "
                    f"{metrics.n_ties} cooperation ties")
            if metrics.n_organisations > 1:
                text += f"; density {_number(metrics.density, language)}"
            if metrics.n_ties:
                text += f"; {_percent(metrics.reciprocity, language)} of ties are mutual"
            text += (f"; {metrics.n_isolates} organisation without ties"
                     if metrics.n_isolates == 1 else
                     f"; {metrics.n_isolates} organisations without ties")
        if metrics.n_organisations > 2 and metrics.betweenness_max > 0:
            betweenness = nx.betweenness_centrality(graph, normalized=True)
            top = sorted(graph.nodes, key=lambda o: (-betweenness[o], str(o)))[0]
            kind = str(graph.nodes[top].get(C.ACTOR_TYPE))
            kind_label = labels.get(kind, (kind, kind))[k]
            who = (f"{graph.nodes[top].get('name', top)} ({kind_label})" if show_names
                   else kind_label)
            text += (f"; wichtigste Vermittlungsposition: {who}" if language == "de"
                     else f"; main broker: {who}")
        coverage = _percent(network.coverage, language) if network.n_organisations else "-"
        text += (f" (Rücklauf der Netzwerkfrage: {coverage})." if language == "de"
                 else f" (roster question answered by {coverage}).")
        texts.append(text)
    return texts[0], texts[1]


def network_map(network: SiteNetwork, *, language: str = "de", show_names: bool = False,
                layout: str = "circle", seed: int = 20240301, title: str | None = None,
                labels: Mapping[str, tuple[str, str]] = ACTOR_TYPE_LABELS,
                width: float = 7.0, height: float = 5.5) -> Chart:
    """Map of one site network, organisations coloured and shaped by actor type.

    Parameters
    ----------
    network
        From :func:`evaluation.network.build_network`.
    language
        Language of the legend (``de`` or ``en``); the alt text comes in both.
    show_names
        Draw organisation names next to the nodes and name the main broker in the alt text.
        Off by default (privacy): only actor types are shown.
    layout
        ``circle``: organisations on a circle, grouped by actor type (fully deterministic);
        ``spring``: force-directed layout with the fixed ``seed``.
    labels
        Actor type key -> (German, English) label.

    Notes
    -----
    Mutual ties are solid lines, one-way ties thinner lines with an arrow head; node area
    grows with the total degree (largest node = highest degree).
    """
    k = _lang(language)
    graph = network.graph
    with chart_style():
        figure = new_figure(width, height)
        ax = figure.add_subplot()
        ax.set_axis_off()
        ax.set_aspect("equal")
        pos = _layout(graph, layout, seed) if graph.number_of_nodes() else {}
        drawn: set[tuple[Any, Any]] = set()
        for u, v in sorted(graph.edges(), key=lambda e: (str(e[0]), str(e[1]))):
            if (v, u) in drawn:
                continue
            mutual = graph.has_edge(v, u)
            ax.annotate("", xy=pos[v], xytext=pos[u], zorder=1,
                        arrowprops={"arrowstyle": "-" if mutual else "-|>",
                                    "color": "#444444" if mutual else "#888888",
                                    "linewidth": 1.6 if mutual else 0.8,
                                    "shrinkA": 7, "shrinkB": 7, "mutation_scale": 9})
            drawn.add((u, v))
        types = sorted({str(graph.nodes[o].get(C.ACTOR_TYPE)) for o in graph.nodes},
                       key=type_rank)
        top_degree = max((d for _, d in graph.degree()), default=0) or 1
        for kind in types:
            members = sorted((o for o in graph.nodes
                              if str(graph.nodes[o].get(C.ACTOR_TYPE)) == kind), key=str)
            xy = np.array([pos[o] for o in members])
            sizes = [50 + 250 * graph.degree(o) / top_degree for o in members]
            ax.scatter(xy[:, 0], xy[:, 1], s=sizes, zorder=2,
                       label=labels.get(kind, (kind, kind))[k], **_style(kind, ACTOR_TYPES))
        if show_names:
            for o in sorted(graph.nodes, key=str):
                x, y = pos[o]
                ax.annotate(str(graph.nodes[o].get("name", o)), (x, y), xytext=(6, 6),
                            textcoords="offset points", fontsize=9, zorder=3)
        # legend entries for the two kinds of ties
        ax.plot([], [], color="#444444", linewidth=1.6,
                label=("gegenseitige Beziehung", "mutual tie")[k])
        ax.plot([], [], color="#888888", linewidth=0.8,
                label=("einseitige Beziehung (Pfeil)", "one-way tie (arrow)")[k])
        _legend(figure, "outside right center")
        ax.set_xlim(-1.25, 1.25)
        ax.set_ylim(-1.25, 1.25)
        if title:
            ax.set_title(title)
        svg = svg_text(figure)
    alt_de, alt_en = network_alt_text(network, show_names=show_names, labels=labels)
    return Chart(svg=svg, alt_de=alt_de, alt_en=alt_en)


# --------------------------------------------------------------------------------------------
# quick-win matrix


def _site_rows(frame: pd.DataFrame, site: str | None, what: str) -> pd.DataFrame:
    if site is None:
        sites = sorted(frame[C.SITE].dropna().unique()) if C.SITE in frame else []
        if len(sites) > 1:
            raise ChartInputError(f"the {what} holds several sites {sites}; pass site=...")
        return frame
    rows = frame[frame[C.SITE] == site]
    if rows.empty:
        raise ChartInputError(f"no rows for site {site!r} in the {what}")
    return rows


def idea_alt_text(matrix: pd.DataFrame, *, impact_threshold: float = 3.5,
                  feasibility_threshold: float = 3.5) -> tuple[str, str]:
    """German and English alternative text of a quick-win matrix."""
    rated = matrix[matrix["quadrant"].notna()]
    counts = rated["quadrant"].value_counts()
    wins = rated.loc[rated["quadrant"] == "quick_win", "idea"].astype(str).tolist()
    texts = []
    for language in LANGUAGES:
        k = _lang(language)
        t_i = _number(impact_threshold, language, 1)
        t_f = _number(feasibility_threshold, language, 1)
        if language == "de":
            text = (f"Ideenmatrix mit {len(rated)} bewerteten Ideen, Umsetzbarkeit gegen Wirkung "
                    f"(Schwelle Wirkung {t_i}, Umsetzbarkeit {t_f} auf der Skala 1 bis 5)")
        else:
            text = (f"Idea matrix of {len(rated)} rated ideas, feasibility against impact "
                    f"(thresholds impact {t_i}, feasibility {t_f} on the 1 to 5 scale)")
        parts = [f"{labels[k]}: {int(counts.get(q, 0))}" for q, labels in QUADRANTS.items()]
        text += ". " + "; ".join(parts)
        if wins:
            text += (f". Schnelle Erfolge in dieser Reihenfolge: {_join(wins, language)}."
                     if language == "de" else
                     f". Quick wins in this order: {_join(wins, language)}.")
        else:
            text += ". Keine Idee erreicht beide Schwellen." if language == "de" else \
                ". No idea reaches both thresholds."
        texts.append(text)
    return texts[0], texts[1]


#: Label positions around a point (offset in points, alignment), tried in this order.
LABEL_SLOTS = ((5, 4, "left"), (5, -10, "left"), (-5, 4, "right"), (-5, -10, "right"),
               (-3, 10, "right"), (3, -16, "left"))
_CHAR_PT = 5.6  # width of a 9-pt label character, in points
_LABEL_PT = 9.0  # height of a label, in points


def _label_box(x: float, y: float, slot: int, text: str, scale: tuple[float, float]
               ) -> tuple[float, float, float, float]:
    """The box (in points on the page) of ``text`` placed at data point (x, y) in ``slot``."""
    dx, dy, ha = LABEL_SLOTS[slot]
    px, py = x * scale[0] + dx, y * scale[1] + dy
    width = _CHAR_PT * len(text)
    left = px if ha == "left" else px - width
    return (left, py, left + width, py + _LABEL_PT)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]
             ) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _label_slot(x: float, y: float, text: str, placed: list[tuple[float, float, float, float]],
                points: list[tuple[float, float]], scale: tuple[float, float]) -> int:
    """The first label slot whose box overlaps no label placed before and no other point
    (marker about 8 pt wide); where every slot collides, the one with the least overlap."""
    marks = [(px * scale[0] - 4, py * scale[1] - 4, px * scale[0] + 4, py * scale[1] + 4)
             for px, py in points if (px, py) != (x, y)]
    others = [*placed, *marks]
    covered = []
    for slot in range(len(LABEL_SLOTS)):
        box = _label_box(x, y, slot, text, scale)
        area = sum(max(0.0, min(box[2], o[2]) - max(box[0], o[0]))
                   * max(0.0, min(box[3], o[3]) - max(box[1], o[1])) for o in others)
        if area == 0:
            return slot
        covered.append(area)
    return int(np.argmin(covered))


def quick_win_matrix(matrix: pd.DataFrame, *, site: str | None = None, language: str = "de",
                     show_titles: bool = False, impact_threshold: float = 3.5,
                     feasibility_threshold: float = 3.5, title: str | None = None,
                     width: float = 5.6, height: float = 5.4) -> Chart:
    """Feasibility x impact matrix of one site's ideas with labelled quadrants.

    Parameters
    ----------
    matrix
        :func:`evaluation.participation.idea_matrix` (all sites or one; pass ``site`` for
        several).
    show_titles
        Label points with idea titles instead of idea keys.
    impact_threshold, feasibility_threshold
        Where the quadrant lines are drawn; use the values the matrix was classified with.
    """
    k = _lang(language)
    rows = _site_rows(matrix, site, "idea matrix")
    rated = rows[rows["quadrant"].notna()].sort_values("rank", kind="stable")
    order = tuple(QUADRANTS)
    with chart_style():
        figure = new_figure(width, height)
        ax = figure.add_subplot()
        ax.set_xlim(1, 5.0)
        ax.set_ylim(1, 5.0)
        ticks = np.arange(1.0, 5.01, 0.5)
        labels = [_number(t, language, 1) for t in ticks]  # decimal comma in German
        ax.set_xticks(ticks, labels)
        ax.set_yticks(ticks, labels)
        ax.axvline(feasibility_threshold, color="#555555", linestyle="--", linewidth=0.8)
        ax.axhline(impact_threshold, color="#555555", linestyle="--", linewidth=0.8)
        for quadrant in order:
            sub = rated[rated["quadrant"] == quadrant]
            if sub.empty:
                continue
            ax.scatter(sub["feasibility"], sub["impact"], s=55, zorder=3,
                       label=QUADRANTS[quadrant][k], **_style(quadrant, order))
        # points per scale unit on the page, estimated from the figure's size (the plot area
        # is the figure less the axis labels and the legend below)
        scale = (width * 72 * 0.78 / 4.0, height * 72 * 0.7 / 4.0)
        points = [(float(r.feasibility), float(r.impact)) for r in rated.itertuples()]
        # the quadrants are named in the legend (by their markers), not in the corners, where
        # their names would cover the labels of ideas close to the edge
        placed: list[tuple[float, float, float, float]] = []
        for row in rated.itertuples(index=False):
            text = str(row.title) if show_titles and hasattr(row, "title") else str(row.idea)
            x, y = float(row.feasibility), float(row.impact)
            slot = _label_slot(x, y, text, placed, points, scale)
            placed.append(_label_box(x, y, slot, text, scale))
            dx, dy, ha = LABEL_SLOTS[slot]
            ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha,
                        fontsize=9, zorder=4)
        ax.set_xlabel(("Umsetzbarkeit (Mittelwert 1-5)", "Feasibility (mean 1-5)")[k])
        ax.set_ylabel(("Wirkung (Mittelwert 1-5)", "Impact (mean 1-5)")[k])
        if len(rated):
            _legend(figure, "outside lower center", ncols=2)
        if title:
            ax.set_title(title)
        svg = svg_text(figure)
    alt_de, alt_en = idea_alt_text(rows, impact_threshold=impact_threshold,
                                   feasibility_threshold=feasibility_threshold)
    return Chart(svg=svg, alt_de=alt_de, alt_en=alt_en)


# --------------------------------------------------------------------------------------------
# participation over time


def _month(date: dt.date, language: str) -> str:
    months = MONTHS_DE if language == "de" else MONTHS_EN
    return f"{months[date.month - 1]} {date.year}"


def _per_event(records: pd.DataFrame) -> pd.DataFrame:
    needed = (C.EVENT, C.ORGANISATION, "event_type", "date")
    missing = [c for c in needed if c not in records]
    if missing:
        raise ChartInputError(f"attendance records lack column(s) {missing}; use "
                              "evaluation.participation.attendance_records")
    per = (records.groupby([C.EVENT, "event_type", "date"], sort=False)[C.ORGANISATION]
           .nunique().rename(C.N).reset_index())
    return per.sort_values(["date", C.EVENT], kind="stable").reset_index(drop=True)


def participation_alt_text(records: pd.DataFrame) -> tuple[str, str]:
    """German and English alternative text of a participation chart."""
    per = _per_event(records)
    texts = []
    for language in LANGUAGES:
        if per.empty:
            texts.append("Keine Teilnahme erfasst." if language == "de"
                         else "No attendance recorded.")
            continue
        first, last = per["date"].iloc[0].date(), per["date"].iloc[-1].date()
        lo, hi = int(per[C.N].min()), int(per[C.N].max())
        mean = _number(float(per[C.N].mean()), language, 1)
        if language == "de":
            text = (f"Teilnahme an {len(per)} Veranstaltungen von {_month(first, language)} "
                    f"bis {_month(last, language)}: {lo} bis {hi} Organisationen je "
                    f"Veranstaltung (Mittelwert {mean}); bei der letzten "
                    f"{int(per[C.N].iloc[-1])}.")
        else:
            text = (f"Attendance at {len(per)} events from {_month(first, language)} to "
                    f"{_month(last, language)}: {lo} to {hi} organisations per event "
                    f"(mean {mean}); {int(per[C.N].iloc[-1])} at the latest.")
        texts.append(text)
    return texts[0], texts[1]


def participation_over_time(records: pd.DataFrame, *, site: str | None = None,
                            language: str = "de", title: str | None = None,
                            width: float = 7.0, height: float = 3.8) -> Chart:
    """Organisations attending each event of a site over time, marked by event type.

    Parameters
    ----------
    records
        :func:`evaluation.participation.records.attendance_records` (all sites or one).
    """
    k = _lang(language)
    rows = _site_rows(records, site, "attendance records")
    per = _per_event(rows)
    with chart_style():
        figure = new_figure(width, height)
        ax = figure.add_subplot()
        if not per.empty:
            x = np.array([d.toordinal() for d in per["date"].dt.date], dtype=float)
            ax.plot(x, per[C.N], color="#555555", linewidth=1.0, zorder=1)
            order = tuple(EVENT_TYPE_LABELS)
            for kind in sorted(per["event_type"].unique(),
                               key=lambda t: order.index(t) if t in order else len(order)):
                sub = per["event_type"] == kind
                ax.scatter(x[sub.to_numpy()], per.loc[sub, C.N], s=45, zorder=2,
                           label=EVENT_TYPE_LABELS.get(kind, (kind, kind))[k],
                           **_style(kind, order))
            from matplotlib.ticker import MaxNLocator

            ticks = sorted({dt.date(d.year, d.month, 1).toordinal()
                            for d in per["date"].dt.date})
            step = max(1, math.ceil(len(ticks) / 8))
            ticks = ticks[::step]
            ax.set_xticks(ticks)
            ax.set_xticklabels([dt.date.fromordinal(t).strftime("%m.%Y") if language == "de"
                                else dt.date.fromordinal(t).strftime("%Y-%m") for t in ticks],
                               rotation=45, ha="right")
            ax.set_ylim(0, float(per[C.N].max()) * 1.15 + 1)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            _legend(figure, "outside right upper")
        ax.set_ylabel(("teilnehmende Organisationen", "organisations attending")[k])
        if title:
            ax.set_title(title)
        svg = svg_text(figure)
    alt_de, alt_en = participation_alt_text(rows)
    return Chart(svg=svg, alt_de=alt_de, alt_en=alt_en)
