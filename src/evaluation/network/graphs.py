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

from .. import columns as C
from ..errors import EvaluationError

if TYPE_CHECKING:
    from ..project import Project

log = logging.getLogger("evaluation")

# extra column names of the tables of this package
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
