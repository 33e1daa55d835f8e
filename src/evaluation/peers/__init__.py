"""Peer learning: learning partners, tandems and peer-workshop groups.

``profiles``   the site profiles peer learning starts from
``pairing``     tandems and workshop groups of a wave
``partners``   :func:`peer_tables`: every peer table of a run

Layer: above ``analysis``.
"""

from __future__ import annotations

from evaluation.peers.pairing import (
    optimal_pairs,
    pair_scores,
    peer_groups,
    tandems,
)
from evaluation.peers.partners import (
    partner_peer_hint,
    peer_suggestions,
    peer_tables,
)
from evaluation.peers.profiles import (
    DEFAULT_K,
    STRUCTURE_RANK,
    STRUCTURE_TEXT,
    latest_wave,
    quote,
    scale_labels,
    shown_profiles,
    sites_frame,
    structure_match,
    wave_order,
)

__all__ = [
    "DEFAULT_K",
    "STRUCTURE_RANK",
    "STRUCTURE_TEXT",
    "latest_wave",
    "optimal_pairs",
    "pair_scores",
    "partner_peer_hint",
    "peer_groups",
    "peer_suggestions",
    "peer_tables",
    "quote",
    "scale_labels",
    "shown_profiles",
    "sites_frame",
    "structure_match",
    "tandems",
    "wave_order",
]
