"""Cooperation networks per site and wave, built from the roster question (``ties`` table).

Each site and wave gives one directed network: the nodes are the roster organisations of the
site that were *active* at the wave's reference date, the edges the ties ``ego -> alter`` that
an active organisation reported about another active organisation of the same site.

Ties
    A row of the ``ties`` table is a tie when its contact frequency is at least
    ``min_frequency`` (default 1: any contact; a missing frequency counts as contact) and its
    collaboration level at least ``min_collaboration`` (default 0: any level). Exports that
    list every roster organisation with frequency 0 for "no contact" are therefore read
    correctly, and ``min_collaboration=3`` restricts the network to coordination and more.

Activity
    An organisation is active at a date ``d`` when ``joined <= d`` and it has not left by
    then (``left`` blank or ``left > d``). A wave without a date counts every roster
    organisation of the site as active (a warning is logged).
Coverage
    Network statistics depend on who answered. *Coverage* is the share of active
    organisations that answered the roster question in that wave (appear as ``ego`` in at
    least one row, whatever the level). It is reported next to every metric.
Sectors
    Cross-sector ties are counted twice: across *actor types* (``cross_type_share``) and across
    the coarser sectors of :data:`ACTOR_TYPE_SECTORS` (public administration and services,
    civil society, business, other; ``cross_sector_share``).

Tables follow the package vocabulary (:mod:`evaluation.columns`); extra column names are the
constants of this module.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd

from . import columns as C
from .errors import EvaluationError

if TYPE_CHECKING:
    from .participation_io import ParticipationData
    from .project import Project

log = logging.getLogger("evaluation")

# extra column names of the tables of this module
METRIC = "metric"
PREVIOUS_WAVE = "previous_wave"
N_ORGANISATIONS = "n_organisations"
N_RESPONDENTS = "n_respondents"
COVERAGE = "coverage"
SUPPRESSED = "suppressed"
LEVEL = "level"
SHARE = "share"
RANK = "rank"
BETWEENNESS = "betweenness"
SECTOR = "sector"

#: Default actor types (keys of the default instrument); their number is the k of the IQV.
ACTOR_TYPES: tuple[str, ...] = (
    "administration", "immigration_office", "social_welfare_office", "jobcenter",
    "welfare_organisation", "mso", "association_volunteer", "education", "business",
    "politics", "other",
)

#: Coarse sectors of the actor types. Schools, adult education and councils are counted as
#: public; welfare organisations (AWO, Caritas, Diakonie), MSO and associations as civil
#: society; unknown actor types fall into ``other``.
ACTOR_TYPE_SECTORS: Mapping[str, str] = {
    "administration": "public",
    "immigration_office": "public",
    "social_welfare_office": "public",
    "jobcenter": "public",
    "education": "public",
    "politics": "public",
    "welfare_organisation": "civil_society",
    "mso": "civil_society",
    "association_volunteer": "civil_society",
    "business": "business",
    "other": "other",
}

#: Levels of the Levels of Collaboration Scale (Frey et al. 2006), as used by ``collaboration``.
COLLABORATION_LEVELS: Mapping[int, tuple[str, str]] = {
    0: ("keine Zusammenarbeit", "no interaction"),
    1: ("Vernetzung (Information austauschen)", "networking"),
    2: ("Kooperation (punktuell abstimmen)", "cooperation"),
    3: ("Koordination (gemeinsam planen)", "coordination"),
    4: ("Koalition (Ressourcen teilen)", "coalition"),
    5: ("Kollaboration (gemeinsame Einheit)", "collaboration"),
}

#: Metrics of :func:`network_table`, in the order they are listed.
NETWORK_METRICS: tuple[str, ...] = (
    "n_ties", "density", "reciprocity", "degree_centralisation", "betweenness_max",
    "n_isolates", "n_components", "blau", "iqv", "cross_type_share", "cross_sector_share",
)

TRUST_ITEMS = ("trust_1", "trust_2", "trust_3")
VALUE_ITEMS = ("value_1", "value_2", "value_3")


class NetworkInputError(EvaluationError, ValueError):
    """Participation tables or parameters cannot be turned into networks."""


# --------------------------------------------------------------------------------------------
# activity and network construction


def wave_dates(project: Project) -> dict[str, dt.date | None]:
    """The reference date of every wave of a project, in wave order."""
    return {w.key: w.date for w in project.waves}


def _check_columns(frame: pd.DataFrame, needed: Iterable[str], what: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise NetworkInputError(f"the {what} table lacks column(s) {missing}; it has "
                                f"{list(frame.columns)}")


def active_mask(roster: pd.DataFrame, date: dt.date | None) -> pd.Series:
    """Boolean mask of roster rows active at ``date`` (all rows when ``date`` is None).

    Notes
    -----
    Active means ``joined <= date`` and (``left`` missing or ``left > date``): an organisation
    that leaves on the reference date no longer counts.
    """
    if date is None:
        return pd.Series(True, index=roster.index)
    stamp = pd.Timestamp(date)
    joined = pd.to_datetime(roster["joined"])
    left = pd.to_datetime(roster["left"]) if "left" in roster else pd.Series(pd.NaT,
                                                                               index=roster.index)
    return ((joined.isna() | (joined <= stamp)) & (left.isna() | (left > stamp))).astype(bool)


def active_organisations(roster: pd.DataFrame, *, site: str,
                         date: dt.date | None) -> pd.DataFrame:
    """Roster rows of ``site`` active at ``date``, sorted by organisation."""
    _check_columns(roster, (C.ORGANISATION, C.SITE, C.ACTOR_TYPE, "joined"), "roster")
    rows = roster[(roster[C.SITE] == site).to_numpy(dtype=bool)]
    rows = rows[active_mask(rows, date).to_numpy(dtype=bool)]
    return rows.sort_values(C.ORGANISATION, kind="stable")


@dataclass(frozen=True, kw_only=True)
class SiteNetwork:
    """The directed cooperation network of one site in one wave.

    ``graph`` has one node per active organisation (attributes ``actor_type``, ``name``,
    ``respondent``) and one edge per tie (attributes ``collaboration``, ``frequency``).
    ``respondents`` are the active organisations that answered the roster question;
    ``ties_excluded`` counts ties (rows meeting the tie definition) that were dropped because
    one end was not an active organisation of the site.
    """

    site: str
    wave: str
    date: dt.date | None
    graph: nx.DiGraph
    respondents: frozenset[str]
    ties_excluded: int = 0

    @property
    def n_organisations(self) -> int:
        return int(self.graph.number_of_nodes())

    @property
    def n_ties(self) -> int:
        return int(self.graph.number_of_edges())

    @property
    def n_respondents(self) -> int:
        return len(self.respondents)

    @property
    def coverage(self) -> float:
        n = self.n_organisations
        return self.n_respondents / n if n else float("nan")


def build_network(ties: pd.DataFrame, roster: pd.DataFrame, *, site: str, wave: str,
                  date: dt.date | None, min_frequency: int = 1,
                  min_collaboration: int = 0) -> SiteNetwork:
    """Build the directed network of one site and wave.

    Parameters
    ----------
    ties, roster
        The ``ties`` and ``roster`` tables of :class:`~evaluation.participation_io.
        ParticipationData`.
    site, wave
        Which network.
    date
        Reference date of the wave (activity of organisations); None counts every roster
        organisation of the site as active.
    min_frequency
        Lowest contact frequency (0-5) that counts as a tie; the default 1 drops rows
        answered with "no contact".
    min_collaboration
        Lowest collaboration level (0-5) that counts as a tie.
    """
    for name, value in (("min_frequency", min_frequency),
                        ("min_collaboration", min_collaboration)):
        if not 0 <= value <= 5:
            raise NetworkInputError(f"{name} must be a level from 0 to 5, got {value!r}")
    _check_columns(ties, (C.SITE, C.WAVE, "ego", "alter", "collaboration"), "ties")
    active = active_organisations(roster, site=site, date=date)
    graph = nx.DiGraph()
    for row in active.itertuples(index=False):
        org = getattr(row, C.ORGANISATION)
        graph.add_node(org, actor_type=getattr(row, C.ACTOR_TYPE),
                       name=getattr(row, "name", org), respondent=False)
    rows = ties[((ties[C.SITE] == site) & (ties[C.WAVE] == wave)).to_numpy(dtype=bool)]
    respondents = frozenset(str(o) for o in rows["ego"] if o in graph)
    for org in respondents:
        graph.nodes[org]["respondent"] = True
    level = pd.to_numeric(rows["collaboration"], errors="coerce")
    contact = (pd.to_numeric(rows["frequency"], errors="coerce") if "frequency" in rows
               else pd.Series(np.nan, index=rows.index))
    keep = (level >= min_collaboration) & (contact.isna() | (contact >= min_frequency))
    present = rows[keep.to_numpy(dtype=bool)]
    excluded = 0
    frequency = contact[keep.to_numpy(dtype=bool)]
    for ego, alter, collab, freq in zip(present["ego"], present["alter"],
                                        present["collaboration"], frequency, strict=True):
        if ego == alter:
            continue
        if ego not in graph or alter not in graph:
            excluded += 1
            continue
        graph.add_edge(ego, alter, collaboration=int(collab),
                       frequency=None if pd.isna(freq) else int(freq))
    if date is None:
        log.warning("wave %s has no date: every roster organisation of site %s counts as "
                    "active", wave, site)
    if excluded:
        log.info("site %s, wave %s: %d tie(s) name organisations not active at the wave",
                 site, wave, excluded)
    return SiteNetwork(site=site, wave=wave, date=date, graph=graph,
                       respondents=respondents, ties_excluded=excluded)


def build_networks(ties: pd.DataFrame, roster: pd.DataFrame, *,
                   wave_dates: Mapping[str, dt.date | None],
                   sites: Sequence[str] | None = None, min_frequency: int = 1,
                   min_collaboration: int = 0) -> dict[tuple[str, str], SiteNetwork]:
    """Networks of every site (roster sites unless given) and wave, keyed ``(site, wave)``.

    The order of ``wave_dates`` is the wave order used for changes between waves.
    """
    if sites is None:
        sites = sorted(roster[C.SITE].dropna().unique())
    return {(site, wave): build_network(ties, roster, site=site, wave=wave, date=date,
                                        min_frequency=min_frequency,
                                        min_collaboration=min_collaboration)
            for site in sites for wave, date in wave_dates.items()}


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
    counts = pd.Series(list(categories)).value_counts(dropna=True).to_numpy(dtype=float)
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
    if n_categories < 2:
        raise NetworkInputError(f"the IQV needs at least 2 possible categories, got "
                                f"n_categories={n_categories!r}")
    return blau_index(categories) * n_categories / (n_categories - 1)


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
        One site network from :func:`build_network`.
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
    n = graph.number_of_nodes()
    m = graph.number_of_edges()
    types = [a.get(C.ACTOR_TYPE) for _, a in graph.nodes(data=True)]
    betweenness = nx.betweenness_centrality(graph, normalized=True) if n else {}
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
        blau=blau_index(types),
        iqv=iqv(types, n_categories=n_categories),
        cross_type_share=_cross_share(graph, None),
        cross_sector_share=_cross_share(graph, sectors),
    )


# --------------------------------------------------------------------------------------------
# tables


def _networks(networks: Mapping[tuple[str, str], SiteNetwork] | Iterable[SiteNetwork],
              ) -> list[SiteNetwork]:
    values = networks.values() if isinstance(networks, Mapping) else networks
    return list(values)


def network_table(networks: Mapping[tuple[str, str], SiteNetwork] | Iterable[SiteNetwork], *,
                  n_categories: int = len(ACTOR_TYPES),
                  sectors: Mapping[str, str] = ACTOR_TYPE_SECTORS) -> pd.DataFrame:
    """One row per site, wave and metric of :func:`network_metrics`.

    Columns: ``site``, ``wave``, ``metric``, ``value``, ``n_organisations`` (active roster
    organisations), ``n_respondents`` (those that answered the roster question) and
    ``coverage`` (their share), the last three repeated on every row so that no metric is
    read without its coverage.
    """
    rows = []
    for network in _networks(networks):
        metrics = network_metrics(network, n_categories=n_categories, sectors=sectors)
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
    columns = [C.SITE, C.WAVE, C.ORGANISATION, C.ACTOR_TYPE, "respondent", "in_degree",
               "out_degree", BETWEENNESS, "isolate", RANK]
    rows = []
    for network in _networks(networks):
        graph = network.graph
        if graph.number_of_nodes() == 0:
            continue
        betweenness = nx.betweenness_centrality(graph, normalized=True)
        order = sorted(graph.nodes, key=lambda o: (-betweenness[o], str(o)))
        rank = {org: i + 1 for i, org in enumerate(order)}
        for org in sorted(graph.nodes, key=str):
            attrs = graph.nodes[org]
            rows.append({C.SITE: network.site, C.WAVE: network.wave, C.ORGANISATION: org,
                         C.ACTOR_TYPE: attrs.get(C.ACTOR_TYPE),
                         "respondent": bool(attrs.get("respondent")),
                         "in_degree": int(graph.in_degree(org)),
                         "out_degree": int(graph.out_degree(org)),
                         BETWEENNESS: float(betweenness[org]),
                         "isolate": graph.degree(org) == 0, RANK: rank[org]})
    return pd.DataFrame(rows, columns=columns)


def brokers(networks: Mapping[tuple[str, str], SiteNetwork] | Iterable[SiteNetwork], *,
            top: int = 3) -> pd.DataFrame:
    """The ``top`` organisations per site and wave by betweenness (only those above zero).

    Columns as in :func:`organisation_table`. Organisation keys are pseudonymous roster ids;
    whether names are shown is decided when reporting.
    """
    if top < 1:
        raise NetworkInputError(f"top must be at least 1, got {top!r}")
    table = organisation_table(networks)
    keep = (table[RANK] <= top) & (table[BETWEENNESS] > 0)
    return table[keep].sort_values([C.SITE, C.WAVE, RANK], kind="stable").reset_index(drop=True)


def _active_ties(ties: pd.DataFrame, roster: pd.DataFrame,
                 wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    """Tie rows whose ego and alter were active organisations of the tie's site at its wave."""
    _check_columns(ties, (C.SITE, C.WAVE, "ego", "alter", "collaboration"), "ties")
    unknown = sorted(set(ties[C.WAVE].dropna()) - set(wave_dates))
    if unknown:
        raise NetworkInputError(f"ties name wave(s) {unknown} that are not among the waves "
                                f"{list(wave_dates)}")
    keep = pd.Series(False, index=ties.index)
    for wave, date in wave_dates.items():
        active = roster[active_mask(roster, date).to_numpy(dtype=bool)]
        home = dict(zip(active[C.ORGANISATION], active[C.SITE], strict=True))
        in_wave = ties[C.WAVE] == wave
        ego_ok = ties["ego"].map(home) == ties[C.SITE]
        alter_ok = ties["alter"].map(home) == ties[C.SITE]
        keep |= (in_wave & ego_ok & alter_ok).fillna(False).astype(bool)
    return ties[keep.to_numpy(dtype=bool)]


def _coverage_frame(ties: pd.DataFrame, roster: pd.DataFrame,
                    wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    rows = []
    for site in sorted(roster[C.SITE].dropna().unique()):
        for wave, date in wave_dates.items():
            active = set(active_organisations(roster, site=site, date=date)[C.ORGANISATION])
            egos = set(ties.loc[((ties[C.SITE] == site) & (ties[C.WAVE] == wave))
                                .to_numpy(dtype=bool), "ego"]) & active
            rows.append({C.SITE: site, C.WAVE: wave, N_ORGANISATIONS: len(active),
                         N_RESPONDENTS: len(egos),
                         COVERAGE: len(egos) / len(active) if active else float("nan")})
    return pd.DataFrame(rows, columns=[C.SITE, C.WAVE, N_ORGANISATIONS, N_RESPONDENTS,
                                       COVERAGE])


def tie_ratings(ties: pd.DataFrame, roster: pd.DataFrame, *,
                wave_dates: Mapping[str, dt.date | None], min_raters: int = 3,
                min_items: int = 2) -> pd.DataFrame:
    """Trust in and value of each rated organisation, shown only with enough raters.

    Each tie row gives a trust score and a value score: the mean of the answered items
    ``trust_1..3`` / ``value_1..3`` (1-4), provided at least ``min_items`` of the three are
    answered (two thirds, as for survey scales). Per site, wave and rated organisation
    (``alter``) the scores of the distinct raters (``ego``) are averaged.

    Parameters
    ----------
    min_raters
        An organisation's mean is reported only if at least this many partners rated it
        (privacy rule of DESIGN.md, default 3); otherwise ``mean`` and ``sd`` are NaN and
        ``suppressed`` is True. The count ``n`` stays visible.

    Returns
    -------
    DataFrame
        ``site``, ``wave``, ``organisation``, ``actor_type``, ``metric`` (``trust`` or
        ``value``), ``n`` (raters), ``mean``, ``sd``, ``suppressed``.
    """
    if min_raters < 1:
        raise NetworkInputError(f"min_raters must be at least 1, got {min_raters!r}")
    if not 1 <= min_items <= 3:
        raise NetworkInputError(f"min_items must be 1, 2 or 3, got {min_items!r}")
    columns = [C.SITE, C.WAVE, C.ORGANISATION, C.ACTOR_TYPE, METRIC, C.N, C.MEAN, C.SD,
               SUPPRESSED]
    rows = _active_ties(ties, roster, wave_dates)
    types = dict(zip(roster[C.ORGANISATION], roster[C.ACTOR_TYPE], strict=True))
    parts = []
    for metric, items in (("trust", TRUST_ITEMS), ("value", VALUE_ITEMS)):
        present = [i for i in items if i in rows]
        if not present:
            continue
        values = rows[present].apply(pd.to_numeric, errors="coerce").astype(float)
        score = values.mean(axis=1).where(values.notna().sum(axis=1) >= min_items)
        frame = pd.DataFrame({C.SITE: rows[C.SITE], C.WAVE: rows[C.WAVE],
                              C.ORGANISATION: rows["alter"], "ego": rows["ego"],
                              "score": score}).dropna(subset=["score"])
        grouped = frame.groupby([C.SITE, C.WAVE, C.ORGANISATION], sort=True)["score"]
        summary = grouped.agg(n="count", mean="mean", sd="std").reset_index()
        summary[METRIC] = metric
        parts.append(summary)
    if not parts:
        return pd.DataFrame(columns=columns)
    table = pd.concat(parts, ignore_index=True)
    table[C.ACTOR_TYPE] = table[C.ORGANISATION].map(types)
    table[SUPPRESSED] = table[C.N] < min_raters
    table.loc[table[SUPPRESSED], [C.MEAN, C.SD]] = np.nan
    table = table.sort_values([C.SITE, C.WAVE, METRIC, C.ORGANISATION], kind="stable")
    return table[columns].reset_index(drop=True)


def collaboration_levels(ties: pd.DataFrame, roster: pd.DataFrame, *,
                         wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    """Distribution of the collaboration levels 0-5 per site and wave.

    All answered rows between active organisations count, level 0 ("no interaction")
    included. Levels follow the Levels of Collaboration Scale (Frey et al. 2006): 0 none,
    1 networking, 2 cooperation, 3 coordination, 4 coalition, 5 collaboration.

    Returns
    -------
    DataFrame
        ``site``, ``wave``, ``level`` (0-5, every level listed), ``n``, ``share`` (of the
        answered rows of that site and wave), ``n_organisations``, ``n_respondents``,
        ``coverage``.

    References
    ----------
    Frey, B. B., Lohmeier, J. H., Lee, S. W., & Tollefson, N. (2006). Measuring collaboration
    among grant partners. *American Journal of Evaluation*, 27(3), 383-392.
    """
    rows = _active_ties(ties, roster, wave_dates)
    coverage = _coverage_frame(ties, roster, wave_dates)
    level = pd.to_numeric(rows["collaboration"], errors="coerce")
    counts = (pd.DataFrame({C.SITE: rows[C.SITE], C.WAVE: rows[C.WAVE], LEVEL: level})
              .dropna().astype({LEVEL: int})
              .groupby([C.SITE, C.WAVE, LEVEL]).size())
    out = []
    for cov in coverage.itertuples(index=False):
        site, wave = getattr(cov, C.SITE), getattr(cov, C.WAVE)
        total = sum(int(counts.get((site, wave, lv), 0)) for lv in COLLABORATION_LEVELS)
        for lv in COLLABORATION_LEVELS:
            n = int(counts.get((site, wave, lv), 0))
            out.append({C.SITE: site, C.WAVE: wave, LEVEL: lv, C.N: n,
                        SHARE: n / total if total else float("nan"),
                        N_ORGANISATIONS: getattr(cov, N_ORGANISATIONS),
                        N_RESPONDENTS: getattr(cov, N_RESPONDENTS),
                        COVERAGE: getattr(cov, COVERAGE)})
    return pd.DataFrame(out, columns=[C.SITE, C.WAVE, LEVEL, C.N, SHARE, N_ORGANISATIONS,
                                      N_RESPONDENTS, COVERAGE])


def tie_changes(networks: Mapping[tuple[str, str], SiteNetwork], *,
                waves: Sequence[str]) -> pd.DataFrame:
    """Ties gained and lost between consecutive waves, per site.

    A directed tie is *gained* when it exists in the later wave only and *lost* when it
    existed in the earlier wave only. Lost ties are split by why they may have gone:
    ``lost_departed`` (an end is no longer an active organisation), ``lost_silent`` (both
    ends still active, but the ego did not answer the roster question in the later wave, so
    the tie could not be reported) and ``lost_continuing`` (the rest: ties really given up).
    ``gained_new`` counts gained ties with an end that was not active in the earlier wave.

    Returns
    -------
    DataFrame
        One row per site and later wave: ``site``, ``wave``, ``previous_wave``,
        ``ties_before``, ``ties_after``, ``stable``, ``gained``, ``gained_new``, ``lost``,
        ``lost_departed``, ``lost_silent``, ``lost_continuing``, ``jaccard`` (stable ties /
        ties in either wave) and ``coverage`` of the later wave.
    """
    columns = [C.SITE, C.WAVE, PREVIOUS_WAVE, "ties_before", "ties_after", "stable", "gained",
               "gained_new", "lost", "lost_departed", "lost_silent", "lost_continuing",
               "jaccard", COVERAGE]
    sites = sorted({site for site, _ in networks})
    rows = []
    for site in sites:
        for before, after in pairwise(waves):
            if (site, before) not in networks or (site, after) not in networks:
                continue
            old, new = networks[(site, before)], networks[(site, after)]
            e_old, e_new = set(old.graph.edges()), set(new.graph.edges())
            gained, lost = e_new - e_old, e_old - e_new
            departed = {e for e in lost if e[0] not in new.graph or e[1] not in new.graph}
            silent = {e for e in lost - departed if e[0] not in new.respondents}
            union = e_old | e_new
            rows.append({
                C.SITE: site, C.WAVE: after, PREVIOUS_WAVE: before,
                "ties_before": len(e_old), "ties_after": len(e_new),
                "stable": len(e_old & e_new), "gained": len(gained),
                "gained_new": sum(1 for u, v in gained
                                  if u not in old.graph or v not in old.graph),
                "lost": len(lost), "lost_departed": len(departed), "lost_silent": len(silent),
                "lost_continuing": len(lost) - len(departed) - len(silent),
                "jaccard": len(e_old & e_new) / len(union) if union else float("nan"),
                COVERAGE: new.coverage,
            })
    return pd.DataFrame(rows, columns=columns)


def _ordered_dates(wave_dates: Mapping[str, dt.date | None]) -> list[tuple[str, dt.date]]:
    dated = [(w, d) for w, d in wave_dates.items() if d is not None]
    for (w1, d1), (w2, d2) in pairwise(dated):
        if d2 <= d1:
            raise NetworkInputError(f"wave dates must increase in wave order; wave {w2!r} "
                                    f"({d2}) is not after wave {w1!r} ({d1})")
    return dated


def departed_partners(roster: pd.DataFrame, *,
                      wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    """Organisations that left between two consecutive (dated) waves.

    An organisation departs between waves ``a`` and ``b`` when it was active at ``a`` and its
    ``left`` date lies in ``(date_a, date_b]``.

    Returns
    -------
    DataFrame
        ``site``, ``organisation``, ``actor_type``, ``left``, ``previous_wave``, ``wave``
        (the first wave it is missing from).
    """
    _check_columns(roster, (C.ORGANISATION, C.SITE, C.ACTOR_TYPE, "joined", "left"), "roster")
    dated = _ordered_dates(wave_dates)
    rows = []
    left = pd.to_datetime(roster["left"])
    for (w1, d1), (w2, d2) in pairwise(dated):
        was_active = active_mask(roster, d1)
        gone = was_active & (left > pd.Timestamp(d1)) & (left <= pd.Timestamp(d2))
        for row in roster[gone.fillna(False).to_numpy(dtype=bool)].itertuples(index=False):
            rows.append({C.SITE: getattr(row, C.SITE),
                         C.ORGANISATION: getattr(row, C.ORGANISATION),
                         C.ACTOR_TYPE: getattr(row, C.ACTOR_TYPE), "left": row.left,
                         PREVIOUS_WAVE: w1, C.WAVE: w2})
    table = pd.DataFrame(rows, columns=[C.SITE, C.ORGANISATION, C.ACTOR_TYPE, "left",
                                        PREVIOUS_WAVE, C.WAVE])
    return table.sort_values([C.SITE, "left", C.ORGANISATION], kind="stable").reset_index(
        drop=True)


def partner_retention(roster: pd.DataFrame, *,
                      wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    """Partners retained, lost and gained per site between consecutive (dated) waves.

    Notes
    -----
    With :math:`A_a` the organisations active at wave :math:`a` and :math:`A_b` those active
    at the next wave :math:`b`: ``n_left`` :math:`= |A_a \\setminus A_b|`, ``n_retained``
    :math:`= |A_a \\cap A_b|`, ``n_joined`` :math:`= |A_b \\setminus A_a|`, and
    ``retention`` :math:`= |A_a \\cap A_b| / |A_a|`.

    Returns
    -------
    DataFrame
        ``site``, ``wave``, ``previous_wave``, ``n_before``, ``n_retained``, ``n_left``,
        ``n_joined``, ``n_after``, ``retention``.
    """
    _check_columns(roster, (C.ORGANISATION, C.SITE, C.ACTOR_TYPE, "joined"), "roster")
    dated = _ordered_dates(wave_dates)
    rows = []
    for site in sorted(roster[C.SITE].dropna().unique()):
        for (w1, d1), (w2, d2) in pairwise(dated):
            a = set(active_organisations(roster, site=site, date=d1)[C.ORGANISATION])
            b = set(active_organisations(roster, site=site, date=d2)[C.ORGANISATION])
            rows.append({C.SITE: site, C.WAVE: w2, PREVIOUS_WAVE: w1, "n_before": len(a),
                         "n_retained": len(a & b), "n_left": len(a - b),
                         "n_joined": len(b - a), "n_after": len(b),
                         "retention": len(a & b) / len(a) if a else float("nan")})
    return pd.DataFrame(rows, columns=[C.SITE, C.WAVE, PREVIOUS_WAVE, "n_before",
                                       "n_retained", "n_left", "n_joined", "n_after",
                                       "retention"])


# --------------------------------------------------------------------------------------------
# everything at once


@dataclass(frozen=True, kw_only=True)
class NetworkResults:
    """All network tables of a project (see the functions of the same names)."""

    networks: dict[tuple[str, str], SiteNetwork]
    metrics: pd.DataFrame
    organisations: pd.DataFrame
    brokers: pd.DataFrame
    tie_ratings: pd.DataFrame
    collaboration_levels: pd.DataFrame
    tie_changes: pd.DataFrame
    departed_partners: pd.DataFrame
    partner_retention: pd.DataFrame


def analyse_networks(data: ParticipationData, project: Project, *, min_frequency: int = 1,
                     min_collaboration: int = 0, top_brokers: int = 3) -> NetworkResults:
    """Run every network analysis of this module on a project's participation data.

    Sites are those of the project, waves and their order those of the project, the rater
    threshold ``privacy.min_raters_per_organisation`` and the IQV's number of categories the
    actor types of the project's codebook.
    """
    dates = wave_dates(project)
    actor = project.codebook.attributes.get(C.ACTOR_TYPE)
    n_categories = len(actor.keys()) if actor is not None else len(ACTOR_TYPES)
    networks = build_networks(data.ties, data.roster, wave_dates=dates,
                              sites=list(project.site_keys), min_frequency=min_frequency,
                              min_collaboration=min_collaboration)
    return NetworkResults(
        networks=networks,
        metrics=network_table(networks, n_categories=n_categories),
        organisations=organisation_table(networks),
        brokers=brokers(networks, top=top_brokers),
        tie_ratings=tie_ratings(data.ties, data.roster, wave_dates=dates,
                                min_raters=project.privacy.min_raters_per_organisation),
        collaboration_levels=collaboration_levels(data.ties, data.roster, wave_dates=dates),
        tie_changes=tie_changes(networks, waves=list(dates)),
        departed_partners=departed_partners(data.roster, wave_dates=dates),
        partner_retention=partner_retention(data.roster, wave_dates=dates),
    )
