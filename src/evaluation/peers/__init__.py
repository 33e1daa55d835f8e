"""Peer learning: learning partners, tandems and peer-workshop groups.

``profiles``   the site profiles peer learning starts from
``pairing``     tandems and workshop groups of a wave
``partners``   :func:`peer_tables`: every peer table of a run

Layer: above ``analysis``.
"""

import lazy_loader

# Names load from their module on first use (SPEC 1): importing the package costs nothing,
# and a report kernel never imports an estimator it does not call.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "pairing": [
            "optimal_pairs", "pair_scores", "peer_groups", "tandems",
        ],
        "partners": [
            "partner_peer_hint", "partner_peer_hints", "peer_suggestions", "peer_tables",
        ],
        "profiles": [
            "DEFAULT_K", "STRUCTURE_RANK", "STRUCTURE_TEXT", "latest_wave", "quote",
            "scale_labels", "shown_profiles", "sites_frame", "structure_match", "wave_order",
        ],
    },
)
