"""The partner report's picture of a site network: ties between actor groups, not between
organisations.

A map of every organisation and tie is a tangle a coordinator cannot read once a network has
more than a few dozen ties (the example's largest has 174), and it shows the only organisation
of its type as a recognisable point. :func:`actor_type_matrix` counts the cooperation ties
between and within actor groups instead: one cell per pair of groups with the number of
organisation pairs that named each other (either way) and, as its shade, the share of the
possible pairs. Groups of fewer than ``min_per_type`` organisations are merged into "weitere
Akteure", so no single organisation is singled out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.language import check_language
from evaluation.network import SiteNetwork
from evaluation.report.formatting import fmt_int, fmt_percent
from evaluation.report.netplots import (
    ACTOR_TYPE_LABELS,
    Chart,
    chart_style,
    new_figure,
    svg_text,
    type_rank,
)

__all__ = ["MIN_PER_TYPE", "TypeTies", "actor_type_matrix", "type_ties", "type_ties_table"]

#: actor groups with fewer organisations than this are merged ("weitere Akteure")
MIN_PER_TYPE = 3
OTHERS = "__others__"
OTHERS_LABEL = ("weitere Akteure", "other actors")


@dataclass(frozen=True)
class TypeTies:
    """Ties between actor groups: ``groups`` in order, their organisation counts, the
    number of tied organisation pairs (``ties[i, j]``, symmetric) and of possible pairs."""

    groups: tuple[str, ...]
    organisations: tuple[int, ...]
    ties: np.ndarray
    possible: np.ndarray

    @property
    def share(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.possible > 0, self.ties / self.possible, np.nan)


def type_ties(network: SiteNetwork, *, min_per_type: int = MIN_PER_TYPE) -> TypeTies:
    """Count the tied organisation pairs between and within actor groups."""
    graph = network.graph
    kind = {o: str(graph.nodes[o].get(C.ACTOR_TYPE)) for o in graph.nodes}
    sizes = Counter(kind.values())
    group = {o: t if sizes[t] >= min_per_type else OTHERS for o, t in kind.items()}
    groups = sorted(set(group.values()), key=lambda g: (g == OTHERS, type_rank(g)))
    index = {g: i for i, g in enumerate(groups)}
    counts = Counter(group.values())
    n = len(groups)
    ties = np.zeros((n, n), dtype=int)
    for pair in {frozenset((u, v)) for u, v in graph.edges() if u != v}:
        u, v = sorted(pair, key=str)
        i, j = index[group[u]], index[group[v]]
        ties[i, j] += 1
        if i != j:
            ties[j, i] += 1
    size = np.array([counts[g] for g in groups], dtype=float)
    possible = np.outer(size, size)
    np.fill_diagonal(possible, size * (size - 1) / 2)
    return TypeTies(groups=tuple(groups), organisations=tuple(int(x) for x in size),
                    ties=ties, possible=possible)


def type_ties_table(network: SiteNetwork, *, language: str = "de",
                    min_per_type: int = MIN_PER_TYPE) -> pd.DataFrame:
    """The matrix as a table (the chart's figures for screen readers): one row and one
    column per actor group (with its number of organisations), cells "pairs (share)"."""
    check_language(language)
    t = type_ties(network, min_per_type=min_per_type)
    names = [f"{_label(g, language)} ({fmt_int(n, language)})"
             for g, n in zip(t.groups, t.organisations, strict=True)]
    share = t.share
    cells = [[f"{fmt_int(t.ties[i, j], language)} ({fmt_percent(share[i, j], 0, language)})"
              if t.possible[i, j] > 0 else "\u2013" for j in range(len(names))]
             for i in range(len(names))]
    first = "Akteursgruppe" if language == "de" else "Actor group"
    return pd.DataFrame([[name, *row] for name, row in zip(names, cells, strict=True)],
                        columns=[first, *names])


def _label(group: str, language: str) -> str:
    k = 0 if language == "de" else 1
    if group == OTHERS:
        return OTHERS_LABEL[k]
    return ACTOR_TYPE_LABELS.get(group, (group, group))[k]


def actor_type_matrix(network: SiteNetwork, *, language: str = "de",
                      min_per_type: int = MIN_PER_TYPE, width: float = 7.0) -> Chart:
    """Heat map of the ties between actor groups (numbers in the cells, shade = share of the
    possible pairs); see the module notes."""
    check_language(language)
    table = type_ties(network, min_per_type=min_per_type)
    names = [f"{_label(g, language)} ({n})" for g, n in
             zip(table.groups, table.organisations, strict=True)]
    n = len(names)
    share = table.share
    with chart_style():
        figure = new_figure(width, 1.4 + 0.32 * max(n, 5))
        ax = figure.add_subplot()
        # vector cells (an SVG without embedded raster images)
        image = ax.pcolormesh(np.arange(n + 1) - 0.5, np.arange(n + 1) - 0.5,
                              np.nan_to_num(share), cmap="Blues", vmin=0.0, vmax=1.0)
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_aspect("equal")
        for i in range(n):
            for j in range(n):
                if table.possible[i, j] == 0:
                    continue
                dark = not np.isnan(share[i, j]) and share[i, j] > 0.7
                ax.text(j, i, fmt_int(int(table.ties[i, j]), language), ha="center",
                        va="center", fontsize=9.5, color="#ffffff" if dark else "#000000")
        ax.set_xticks(range(n), names, rotation=35, ha="right", fontsize=9)
        ax.set_yticks(range(n), names, fontsize=9)
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        bar = figure.colorbar(image, ax=ax, shrink=0.8)
        bar.solids.set_rasterized(False)  # matplotlib would embed it as a raster image
        bar.set_label("Anteil möglicher Paare" if language == "de" else
                      "share of possible pairs", fontsize=9)
        shares = [0.0, 0.25, 0.5, 0.75, 1.0]
        bar.set_ticks(shares, labels=[fmt_percent(x, 0, language) for x in shares])
        bar.ax.tick_params(labelsize=9)
        svg = svg_text(figure)
    return Chart(svg=svg, alt_de=_alt(table, "de", min_per_type),
                 alt_en=_alt(table, "en", min_per_type))


def _alt(table: TypeTies, language: str, min_per_type: int) -> str:
    de = language == "de"
    total = int(np.triu(table.ties).sum())
    orgs = sum(table.organisations)
    parts = [f"Beziehungen zwischen Akteursgruppen: {fmt_int(orgs, language)} Organisationen "
             f"in {len(table.groups)} Gruppen, {fmt_int(total, language)} Paare von "
             "Organisationen mit Zusammenarbeit." if de
             else f"Ties between actor groups: {fmt_int(orgs, language)} organisations in "
             f"{len(table.groups)} groups, {fmt_int(total, language)} pairs of organisations "
             "working together."]
    cells: list[tuple[int, str, Any]] = []
    for i in range(len(table.groups)):
        for j in range(i, len(table.groups)):
            if table.ties[i, j]:
                pair = (_label(table.groups[i], language) if i == j else
                        f"{_label(table.groups[i], language)} – "
                        f"{_label(table.groups[j], language)}")
                cells.append((int(table.ties[i, j]), pair, table.share[i, j]))
    cells.sort(key=lambda c: (-c[0], c[1]))
    if cells:
        top = "; ".join(f"{pair}: {fmt_int(n, language)} ({fmt_percent(s, 0, language)} "
                        f"{'der möglichen' if de else 'of possible'})"
                        for n, pair, s in cells[:3])
        parts.append(("Die meisten Beziehungen: " if de else "Most ties: ") + top + ".")
    if OTHERS in table.groups:
        parts.append(f"Gruppen mit weniger als {min_per_type} Organisationen sind als „weitere "
                     "Akteure“ zusammengefasst." if de else
                     f"Groups of fewer than {min_per_type} organisations are merged as “other "
                     "actors”.")
    return " ".join(parts)
