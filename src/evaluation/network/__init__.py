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
    the coarser sectors of :data:`evaluation.config.ACTOR_TYPE_SECTORS` (public administration
    and services, civil society, business, other; ``cross_sector_share``).

Tables follow the package vocabulary (:mod:`evaluation.columns`); extra column names are the
constants of this package (defined in :mod:`evaluation.network.graphs`).

Modules
-------
:mod:`~evaluation.network.graphs`
    column names, actor types and sectors; activity; building the networks.
:mod:`~evaluation.network.metrics`
    structure of each network and the tables of metrics, organisations and brokers.
:mod:`~evaluation.network.ties`
    tie ratings, collaboration levels, tie changes, departed and retained partners.
:mod:`~evaluation.network.analyse`
    everything at once (:func:`analyse_networks`).

Every public name of these modules can be imported from :mod:`evaluation.network`.
"""

import lazy_loader

# Names load from their module on first use (SPEC 1): importing the package costs nothing,
# and a report kernel never imports an estimator it does not call.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "analyse": [
            "NetworkResults", "analyse_networks",
        ],
        "graphs": [
            "BETWEENNESS", "COVERAGE", "METRIC", "N_ORGANISATIONS", "N_RESPONDENTS",
            "PREVIOUS_WAVE", "RANK", "SECTOR", "SHARE", "SUPPRESSED", "SiteNetwork",
            "active_mask", "active_organisations", "active_positions", "build_network",
            "build_networks", "network_from_record", "network_record", "wave_dates",
        ],
        "metrics": [
            "NETWORK_METRICS", "NetworkMetrics", "blau_index", "brokers", "degree_centralisation",
            "iqv", "network_metrics", "network_table", "organisation_table",
        ],
        "ties": [
            "COLLABORATION_LEVELS", "TRUST_ITEMS", "VALUE_ITEMS", "collaboration_levels",
            "departed_partners", "partner_retention", "tie_changes", "tie_ratings",
        ],
    },
)
