"""Every network analysis of a project at once: :func:`analyse_networks`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from .. import columns as C
from .graphs import ACTOR_TYPES, SiteNetwork, build_networks, wave_dates
from .metrics import brokers, network_table, organisation_table
from .ties import (
    collaboration_levels,
    departed_partners,
    partner_retention,
    tie_changes,
    tie_ratings,
)

if TYPE_CHECKING:
    from ..participation_io import ParticipationData
    from ..project import Project


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
