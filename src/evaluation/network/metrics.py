"""Structure of the site networks: density, reciprocity, centralisation, brokerage, diversity.

Single statistics (:func:`degree_centralisation`, :func:`blau_index`, :func:`iqv`), all metrics
of one network (:func:`network_metrics`), and the tables of metrics, organisations and brokers
across networks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.config import ACTOR_TYPE_SECTORS, ACTOR_TYPES
from evaluation.network.graphs import (
    BETWEENNESS,
    COVERAGE,
    METRIC,
    N_ORGANISATIONS,
    N_RESPONDENTS,
    RANK,
    NetworkInputError,
    SiteNetwork,
)

#: Metrics of :func:`network_table`, in the order they are listed.
NETWORK_METRICS: tuple[str, ...] = (
    "n_ties", "density", "reciprocity", "degree_centralisation", "betweenness_max",
    "n_isolates", "n_components", "blau", "iqv", "cross_type_share", "cross_sector_share",
)


# --------------------------------------------------------------------------------------------
# single statistics


def degree_centralisation(graph: nx.DiGraph) -> float:
    """Freeman's degree centralisation on total degree (in + out), normalised to 0-1.

    Notes
    -----
    With total degree :math:`d_i = d_i^{in} + d_i^{out}` of a directed graph without loops on
    :math:`n` nodes,

    .. math:: C_D = \\frac{\\sum_i (d_{max} - d_i)}{2 (n - 1)(n - 2)},

    where the denominator is the value of a star whose centre is tied in both directions to
    every other node (the most centralised directed graph). This equals igraph's
    ``centr_degree(g, mode = "all", loops = FALSE, normalized = TRUE)$centralization``.
    igraph's *default* ``loops = TRUE`` divides by :math:`2 (n - 1)^2` instead, i.e. gives
    :math:`C_D (n - 2) / (n - 1)`. Undefined (NaN) for fewer than three nodes.

    References
    ----------
    Freeman, L. C. (1979). Centrality in social networks: conceptual clarification.
    *Social Networks*, 1(3), 215-239.
    """
    n = graph.number_of_nodes()
    if n < 3:
        return float("nan")
    degree = np.array([d for _, d in graph.degree()], dtype=float)
    return float((degree.max() - degree).sum() / (2 * (n - 1) * (n - 2)))


def blau_index(categories: Iterable[Any]) -> float:
    """Blau's index of heterogeneity, :math:`1 - \\sum_c p_c^2` (NaN for no observations).

    References
    ----------
    Blau, P. M. (1977). *Inequality and heterogeneity*. New York: Free Press.
    """
    tally = Counter(c for c in categories if not pd.isna(c))
    # largest count first, as value_counts gives them: equal counts are equal summands, so
    # the sum is the same whatever their order
    counts = np.array(sorted(tally.values(), reverse=True), dtype=float)
    total = counts.sum()
    if total == 0:
        return float("nan")
    return float(1.0 - ((counts / total) ** 2).sum())


def iqv(categories: Iterable[Any], *, n_categories: int) -> float:
    """Index of qualitative variation: Blau's index scaled to 0-1 by its maximum.

    Notes
    -----
    :math:`IQV = \\frac{k}{k - 1} \\left(1 - \\sum_c p_c^2\\right)` with :math:`k` the number
    of *possible* categories (not only those observed), so that 1 means equal shares in every
    category.

    References
    ----------
    Agresti, A., & Agresti, B. F. (1978). Statistical analysis of qualitative variation.
    *Sociological Methodology*, 9, 204-237.
    """
    return _iqv_of_blau(blau_index(categories), n_categories)


def _iqv_of_blau(blau: float, n_categories: int) -> float:
    if n_categories < 2:
        raise NetworkInputError(f"the IQV needs at least 2 possible categories, got "
                                f"n_categories={n_categories!r}")
    return blau * n_categories / (n_categories - 1)


def _reciprocity(graph: nx.DiGraph) -> float:
    if graph.number_of_edges() == 0:
        return float("nan")
    return float(nx.reciprocity(graph))


def _cross_share(graph: nx.DiGraph, key: Mapping[str, str] | None) -> float:
    if graph.number_of_edges() == 0:
        return float("nan")
    kind = {n: a.get(C.ACTOR_TYPE) for n, a in graph.nodes(data=True)}
    if key is not None:
        kind = {n: key.get(str(t), "other") for n, t in kind.items()}
    crossing = sum(kind[u] != kind[v] for u, v in graph.edges())
    return crossing / graph.number_of_edges()


@dataclass(frozen=True, kw_only=True)
class NetworkMetrics:
    """Structure of one site network in one wave (see :func:`network_metrics`)."""

    site: str
    wave: str
    n_organisations: int
    n_respondents: int
    coverage: float
    n_ties: int
    density: float
    reciprocity: float
    degree_centralisation: float
    betweenness_max: float
    n_isolates: int
    n_components: int
    blau: float
    iqv: float
    cross_type_share: float
    cross_sector_share: float


def network_metrics(network: SiteNetwork, *, n_categories: int = len(ACTOR_TYPES),
                    sectors: Mapping[str, str] = ACTOR_TYPE_SECTORS) -> NetworkMetrics:
    """Density, reciprocity, centralisation, brokerage, fragmentation and diversity.

    Parameters
    ----------
    network
        One site network from :func:`~evaluation.network.build_network`.
    n_categories
        Number of possible actor types, the :math:`k` of the IQV (11 in the default
        instrument).
    sectors
        Actor type -> sector, for ``cross_sector_share``.

    Notes
    -----
    With :math:`n` organisations and :math:`m` directed ties:

    - density :math:`m / (n (n - 1))` (igraph ``edge_density``);
    - reciprocity: share of ties whose reverse tie also exists, :math:`2 M / m` with :math:`M`
      mutual pairs (networkx ``reciprocity``, igraph ``reciprocity(mode = "default")``);
    - degree centralisation: :func:`degree_centralisation`;
    - betweenness: highest normalised betweenness :math:`b_i / ((n - 1)(n - 2))` on directed
      shortest paths (igraph ``betweenness(normalized = TRUE)``);
    - isolates: organisations without any tie in either direction; components are weak
      components, isolates included (igraph ``components(mode = "weak")$no``);
    - Blau index and IQV of the organisations' actor types (:func:`blau_index`, :func:`iqv`);
    - cross-type / cross-sector share: share of ties whose two ends differ in actor type /
      sector.

    Ratios without a denominator (no ties, fewer than 2 or 3 nodes) are NaN.

    References
    ----------
    Wasserman, S., & Faust, K. (1994). *Social network analysis*. Cambridge University Press,
    chapters 4 and 13.
    """
    graph = network.graph
    betweenness = (nx.betweenness_centrality(graph, normalized=True)
                   if graph.number_of_nodes() else {})
    return _metrics(network, betweenness, n_categories=n_categories, sectors=sectors)


def _metrics(network: SiteNetwork, betweenness: Mapping[Any, float], *, n_categories: int,
             sectors: Mapping[str, str]) -> NetworkMetrics:
    """:func:`network_metrics` with the betweenness of every node already computed."""
    graph = network.graph
    n = graph.number_of_nodes()
    m = graph.number_of_edges()
    types = [a.get(C.ACTOR_TYPE) for _, a in graph.nodes(data=True)]
    blau = blau_index(types)
    return NetworkMetrics(
        site=network.site,
        wave=network.wave,
        n_organisations=n,
        n_respondents=network.n_respondents,
        coverage=network.coverage,
        n_ties=m,
        density=m / (n * (n - 1)) if n > 1 else float("nan"),
        reciprocity=_reciprocity(graph),
        degree_centralisation=degree_centralisation(graph),
        betweenness_max=float(max(betweenness.values())) if n > 2 else float("nan"),
        n_isolates=sum(1 for _ in nx.isolates(graph)),
        n_components=nx.number_weakly_connected_components(graph) if n else 0,
        blau=blau,
        iqv=_iqv_of_blau(blau, n_categories),
        cross_type_share=_cross_share(graph, None),
        cross_sector_share=_cross_share(graph, sectors),
    )


# --------------------------------------------------------------------------------------------
# tables


def _networks(networks: Mapping[tuple[str, str], SiteNetwork] | Iterable[SiteNetwork],
              ) -> list[SiteNetwork]:
    values = networks.values() if isinstance(networks, Mapping) else networks
    return list(values)


def _betweenness_of(networks: Iterable[SiteNetwork]) -> list[dict[Any, float]]:
    """Normalised betweenness of every node, per network (empty for an empty network)."""
    return [nx.betweenness_centrality(net.graph, normalized=True)
            if net.graph.number_of_nodes() else {} for net in networks]


def network_table(networks: Mapping[tuple[str, str], SiteNetwork] | Iterable[SiteNetwork], *,
                  n_categories: int = len(ACTOR_TYPES),
                  sectors: Mapping[str, str] = ACTOR_TYPE_SECTORS) -> pd.DataFrame:
    """One row per site, wave and metric of :func:`network_metrics`.

    Columns: ``site``, ``wave``, ``metric``, ``value``, ``n_organisations`` (active roster
    organisations), ``n_respondents`` (those that answered the roster question) and
    ``coverage`` (their share), the last three repeated on every row so that no metric is
    read without its coverage.
    """
    nets = _networks(networks)
    return _network_table(nets, _betweenness_of(nets), n_categories=n_categories,
                          sectors=sectors)


def _network_table(networks: Sequence[SiteNetwork],
                   betweenness: Sequence[Mapping[Any, float]], *, n_categories: int,
                   sectors: Mapping[str, str]) -> pd.DataFrame:
    """:func:`network_table` with the betweenness of each network (same order) given."""
    rows = []
    for network, between in zip(networks, betweenness, strict=True):
        metrics = _metrics(network, between, n_categories=n_categories, sectors=sectors)
        for metric in NETWORK_METRICS:
            rows.append({C.SITE: network.site, C.WAVE: network.wave, METRIC: metric,
                         C.VALUE: float(getattr(metrics, metric)),
                         N_ORGANISATIONS: metrics.n_organisations,
                         N_RESPONDENTS: metrics.n_respondents, COVERAGE: metrics.coverage})
    return pd.DataFrame(rows, columns=[C.SITE, C.WAVE, METRIC, C.VALUE, N_ORGANISATIONS,
                                       N_RESPONDENTS, COVERAGE])


def organisation_table(networks: Mapping[tuple[str, str], SiteNetwork] | Iterable[SiteNetwork],
                       ) -> pd.DataFrame:
    """One row per site, wave and active organisation with its position in the network.

    Columns: ``site``, ``wave``, ``organisation``, ``actor_type``, ``respondent`` (answered the
    roster question), ``in_degree``, ``out_degree``, ``betweenness`` (normalised as in
    :func:`network_metrics`), ``isolate`` and ``rank`` (1 = highest betweenness in the network;
    ties broken by organisation key).
    """
    nets = _networks(networks)
    return _organisation_table(nets, _betweenness_of(nets))


def _organisation_table(networks: Sequence[SiteNetwork],
                        betweenness: Sequence[Mapping[Any, float]]) -> pd.DataFrame:
    """:func:`organisation_table` with the betweenness of each network (same order) given."""
    columns = [C.SITE, C.WAVE, C.ORGANISATION, C.ACTOR_TYPE, "respondent", "in_degree",
               "out_degree", BETWEENNESS, "isolate", RANK]
    rows = []
    for network, between in zip(networks, betweenness, strict=True):
        graph = network.graph
        if graph.number_of_nodes() == 0:
            continue
        order = sorted(graph.nodes, key=lambda o, b=between: (-b[o], str(o)))
        rank = {org: i + 1 for i, org in enumerate(order)}
        succ, pred = graph.succ, graph.pred
        for org in sorted(graph.nodes, key=str):
            attrs = graph.nodes[org]
            n_in, n_out = len(pred[org]), len(succ[org])  # a self-loop counts in both
            rows.append({C.SITE: network.site, C.WAVE: network.wave, C.ORGANISATION: org,
                         C.ACTOR_TYPE: attrs.get(C.ACTOR_TYPE),
                         "respondent": bool(attrs.get("respondent")),
                         "in_degree": n_in, "out_degree": n_out,
                         BETWEENNESS: float(between[org]),
                         "isolate": n_in + n_out == 0, RANK: rank[org]})
    return pd.DataFrame(rows, columns=columns)


def brokers(networks: Mapping[tuple[str, str], SiteNetwork] | Iterable[SiteNetwork], *,
            top: int = 3) -> pd.DataFrame:
    """The ``top`` organisations per site and wave by betweenness (only those above zero).

    Columns as in :func:`organisation_table`. Organisation keys are pseudonymous roster ids;
    whether names are shown is decided when reporting.
    """
    if top < 1:
        raise NetworkInputError(f"top must be at least 1, got {top!r}")
    return _brokers(organisation_table(networks), top=top)


def _brokers(organisations: pd.DataFrame, *, top: int) -> pd.DataFrame:
    """:func:`brokers` from the :func:`organisation_table` of the networks."""
    if top < 1:
        raise NetworkInputError(f"top must be at least 1, got {top!r}")
    keep = (organisations[RANK] <= top) & (organisations[BETWEENNESS] > 0)
    return organisations[keep].sort_values([C.SITE, C.WAVE, RANK], kind="stable").reset_index(
        drop=True)
