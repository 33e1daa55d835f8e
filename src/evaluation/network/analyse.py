"""Every network analysis of a project at once: :func:`analyse_networks`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from evaluation import columns as C
from evaluation.config import ACTOR_TYPE_SECTORS, ACTOR_TYPES
from evaluation.network.graphs import (
    SiteNetwork,
    build_networks,
    wave_dates,
)
from evaluation.network.metrics import (
    _betweenness_of,
    _brokers,
    _network_table,
    _organisation_table,
)
from evaluation.network.ties import (
    _active_ties,
    _check_rating_rules,
    _collaboration_levels,
    _coverage_frame,
    _tie_ratings,
    departed_partners,
    partner_retention,
    tie_changes,
)

if TYPE_CHECKING:
    from evaluation.config import Project
    from evaluation.io import ParticipationData


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
    """Run every network analysis of this package on a project's participation data.

    Sites are those of the project, waves and their order those of the project, the rater
    threshold ``privacy.min_raters_per_organisation`` and the IQV's number of categories the
    actor types of the project's codebook.
    """
    dates = wave_dates(project)
    actor = project.codebook.attributes.get(C.ACTOR_TYPE)
    n_categories = len(actor.keys()) if actor is not None else len(ACTOR_TYPES)
    ties, roster = data.ties, data.roster  # each attribute access may build a frame
    networks = build_networks(ties, roster, wave_dates=dates, sites=list(project.site_keys),
                              min_frequency=min_frequency, min_collaboration=min_collaboration)
    # betweenness once per network, shared by the metrics, organisation and broker tables
    nets = list(networks.values())
    betweenness = _betweenness_of(nets)
    organisations = _organisation_table(nets, betweenness)
    metrics = _network_table(nets, betweenness, n_categories=n_categories,
                             sectors=ACTOR_TYPE_SECTORS)
    top = _brokers(organisations, top=top_brokers)
    # tie rows between active organisations, shared by ratings and collaboration levels
    min_raters = project.privacy.min_raters_per_organisation
    _check_rating_rules(min_raters, 2)
    active_ties = _active_ties(ties, roster, dates)
    return NetworkResults(
        networks=networks,
        metrics=metrics,
        organisations=organisations,
        brokers=top,
        tie_ratings=_tie_ratings(active_ties, roster, min_raters=min_raters, min_items=2),
        collaboration_levels=_collaboration_levels(active_ties,
                                                   _coverage_frame(ties, roster, dates)),
        tie_changes=tie_changes(networks, waves=list(dates)),
        departed_partners=departed_partners(roster, wave_dates=dates),
        partner_retention=partner_retention(roster, wave_dates=dates),
    )
