"""The network vocabulary and the networks themselves: one directed graph per site and wave.

Column names, actor types and their sectors shared by the tables of :mod:`evaluation.network`;
which roster organisations are active at a date (:func:`active_mask`); and
:func:`build_network`, which turns the ``ties`` table into the :class:`SiteNetwork` of one site
and wave (see :mod:`evaluation.network` for the definitions of ties, activity and coverage).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.errors import NetworkInputError

if TYPE_CHECKING:
    from evaluation.config import Project

log = logging.getLogger("evaluation")

# extra column names of the tables of this package
METRIC = "metric"
PREVIOUS_WAVE = "previous_wave"
N_ORGANISATIONS = "n_organisations"
N_RESPONDENTS = "n_respondents"
COVERAGE = "coverage"
SUPPRESSED = "suppressed"
SHARE = "share"
RANK = "rank"
BETWEENNESS = "betweenness"
SECTOR = "sector"


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


def _as_datetime(values: pd.Series) -> pd.Series:
    """``pd.to_datetime(values)``, skipped when the column already holds datetimes."""
    if isinstance(values.dtype, pd.DatetimeTZDtype) or values.dtype.kind == "M":
        return values
    return pd.to_datetime(values)


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
    joined = _as_datetime(roster["joined"])
    left = _as_datetime(roster["left"]) if "left" in roster else pd.Series(pd.NaT,
                                                                            index=roster.index)
    return ((joined.isna() | (joined <= stamp)) & (left.isna() | (left > stamp))).astype(bool)


def active_organisations(roster: pd.DataFrame, *, site: str,
                         date: dt.date | None) -> pd.DataFrame:
    """Roster rows of ``site`` active at ``date``, sorted by organisation."""
    _check_columns(roster, (C.ORGANISATION, C.SITE, C.ACTOR_TYPE, "joined"), "roster")
    rows = roster[(roster[C.SITE] == site).to_numpy(dtype=bool)]
    rows = rows[active_mask(rows, date).to_numpy(dtype=bool)]
    return rows.sort_values(C.ORGANISATION, kind="stable")


def active_positions(roster: pd.DataFrame, *, wave_dates: Mapping[str, dt.date | None],
                     sites: Iterable[str]) -> dict[tuple[str, str], np.ndarray]:
    """Positions of the active organisations of every site and wave in ``roster``.

    Parameters
    ----------
    roster
        The ``roster`` table.
    wave_dates
        Reference date of every wave (None: every roster organisation of the site counts).
    sites
        Which sites.

    Returns
    -------
    dict
        ``(site, wave)`` -> integer positions (for ``roster.iloc``) of the rows that
        :func:`active_organisations` returns for that site and date, in the same order
        (by organisation, ties in roster order).

    Notes
    -----
    One :func:`active_mask` per wave and one sort of the whole roster replace a filter, a
    mask and a sort per site and wave: a stable sort restricted to a subset of rows is the
    stable sort of that subset.
    """
    _check_columns(roster, (C.ORGANISATION, C.SITE, C.ACTOR_TYPE, "joined"), "roster")
    order = roster[C.ORGANISATION].reset_index(drop=True).sort_values(kind="stable")
    order = order.index.to_numpy(dtype=np.intp)
    active = {wave: active_mask(roster, date).to_numpy(dtype=bool)[order]
              for wave, date in wave_dates.items()}
    out: dict[tuple[str, str], np.ndarray] = {}
    for site in sites:
        here = (roster[C.SITE] == site).to_numpy(dtype=bool)[order]
        for wave, mask in active.items():
            out[(site, wave)] = order[here & mask]
    return out


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


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds (for JSON)."""
    return value.item() if isinstance(value, np.generic) else value


def network_record(network: SiteNetwork) -> dict[str, object]:
    """The network as plain data (JSON): nodes and edges in their order, with attributes."""
    return {
        "site": network.site, "wave": network.wave,
        "date": network.date.isoformat() if network.date is not None else None,
        "nodes": [[node, {k: _plain(v) for k, v in attrs.items()}]
                  for node, attrs in network.graph.nodes(data=True)],
        "edges": [[u, v, {k: _plain(x) for k, x in attrs.items()}]
                  for u, v, attrs in network.graph.edges(data=True)],
        "respondents": sorted(network.respondents),
        "ties_excluded": int(network.ties_excluded),
    }


def network_from_record(record: dict[str, object]) -> SiteNetwork:
    """The :class:`SiteNetwork` that :func:`network_record` wrote, nodes and edges in order."""
    graph = nx.DiGraph()
    graph.add_nodes_from((node, attrs) for node, attrs in record["nodes"])  # type: ignore[attr-defined]
    graph.add_edges_from((u, v, attrs) for u, v, attrs in record["edges"])  # type: ignore[attr-defined]
    date = record.get("date")
    return SiteNetwork(site=str(record["site"]), wave=str(record["wave"]),
                       date=dt.date.fromisoformat(str(date)) if date else None, graph=graph,
                       respondents=frozenset(record["respondents"]),  # type: ignore[arg-type]
                       ties_excluded=int(record["ties_excluded"]))  # type: ignore[arg-type]


def _check_levels(min_frequency: int, min_collaboration: int) -> None:
    for name, value in (("min_frequency", min_frequency),
                        ("min_collaboration", min_collaboration)):
        if not 0 <= value <= 5:
            raise NetworkInputError(f"{name} must be a level from 0 to 5, got {value!r}")


class _TieRows:
    """The ``ties`` table read once: rows per site and wave, and which rows are ties."""

    def __init__(self, ties: pd.DataFrame, *, min_frequency: int,
                 min_collaboration: int) -> None:
        level = pd.to_numeric(ties["collaboration"], errors="coerce")
        contact = (pd.to_numeric(ties["frequency"], errors="coerce") if "frequency" in ties
                   else pd.Series(np.nan, index=ties.index))
        # kept as a pandas array: a missing level makes the mask of its network unusable,
        # exactly as when each network's rows were filtered on their own
        self.keep = ((level >= min_collaboration)
                     & (contact.isna() | (contact >= min_frequency))).array
        self.ego = list(ties["ego"])
        self.alter = list(ties["alter"])
        self.collaboration = list(ties["collaboration"])
        self.frequency = list(contact)
        groups: dict[tuple[object, object], list[int]] = {}
        for i, key in enumerate(zip(ties[C.SITE], ties[C.WAVE], strict=True)):
            groups.setdefault(key, []).append(i)
        self.groups = groups

    def positions(self, site: str, wave: str) -> list[int]:
        """Rows of ``site`` and ``wave``, in table order."""
        return self.groups.get((site, wave), [])


def _site_network(tie_rows: _TieRows, nodes: list[tuple[object, dict[str, object]]], *,
                  site: str, wave: str, date: dt.date | None) -> SiteNetwork:
    """One network from the active organisations (node, attributes) and the tie rows."""
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    rows = tie_rows.positions(site, wave)
    ego, alter = tie_rows.ego, tie_rows.alter
    respondents = frozenset(str(ego[i]) for i in rows if ego[i] in graph)
    for org in respondents:
        graph.nodes[org]["respondent"] = True
    keep = tie_rows.keep[np.asarray(rows, dtype=np.intp)].to_numpy(dtype=bool)
    excluded = 0
    for i, kept in zip(rows, keep, strict=True):
        if not kept or ego[i] == alter[i]:
            continue
        if ego[i] not in graph or alter[i] not in graph:
            excluded += 1
            continue
        freq = tie_rows.frequency[i]
        graph.add_edge(ego[i], alter[i], collaboration=int(tie_rows.collaboration[i]),
                       frequency=None if pd.isna(freq) else int(freq))
    if date is None:
        log.warning("wave %s has no date: every roster organisation of site %s counts as "
                    "active", wave, site)
    if excluded:
        log.info("site %s, wave %s: %d tie(s) name organisations not active at the wave",
                 site, wave, excluded)
    return SiteNetwork(site=site, wave=wave, date=date, graph=graph,
                       respondents=respondents, ties_excluded=excluded)


def build_network(ties: pd.DataFrame, roster: pd.DataFrame, *, site: str, wave: str,
                  date: dt.date | None, min_frequency: int = 1,
                  min_collaboration: int = 0) -> SiteNetwork:
    """Build the directed network of one site and wave.

    Parameters
    ----------
    ties, roster
        The ``ties`` and ``roster`` tables of :class:`~evaluation.io.participation.
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
    networks = build_networks(ties, roster, wave_dates={wave: date}, sites=[site],
                              min_frequency=min_frequency,
                              min_collaboration=min_collaboration)
    return networks[(site, wave)]


def build_networks(ties: pd.DataFrame, roster: pd.DataFrame, *,
                   wave_dates: Mapping[str, dt.date | None],
                   sites: Sequence[str] | None = None, min_frequency: int = 1,
                   min_collaboration: int = 0) -> dict[tuple[str, str], SiteNetwork]:
    """Networks of every site (roster sites unless given) and wave, keyed ``(site, wave)``.

    The order of ``wave_dates`` is the wave order used for changes between waves. Parameters
    as in :func:`build_network`; the tables are read once for all networks.
    """
    if sites is None:
        sites = sorted(roster[C.SITE].dropna().unique())
    if not sites or not wave_dates:
        return {}
    _check_levels(min_frequency, min_collaboration)
    _check_columns(ties, (C.SITE, C.WAVE, "ego", "alter", "collaboration"), "ties")
    active = active_positions(roster, wave_dates=wave_dates, sites=sites)
    tie_rows = _TieRows(ties, min_frequency=min_frequency,
                        min_collaboration=min_collaboration)
    organisation = list(roster[C.ORGANISATION])
    actor_type = list(roster[C.ACTOR_TYPE])
    name = list(roster["name"]) if "name" in roster.columns else organisation
    networks = {}
    for site in sites:
        for wave, date in wave_dates.items():
            nodes = [(organisation[i], {C.ACTOR_TYPE: actor_type[i], "name": name[i],
                                        "respondent": False})
                     for i in active[(site, wave)]]
            networks[(site, wave)] = _site_network(tie_rows, nodes, site=site, wave=wave,
                                                   date=date)
    return networks
