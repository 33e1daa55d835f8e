"""The site profiles peer learning starts from, and what peer texts share.

Peer learning (:mod:`evaluation.peers.partners`, :mod:`evaluation.peers.pairing`) starts from
``results.table("site_vs_pool")`` of one wave, success factors only (``kind == "factor"`` in
``meta["scales"]``; outcomes are not something to learn from a peer), and only from
site-waves that may be shown: rows with ``suppressed`` set, without a flag, or with fewer
than k respondents are dropped first, and so are site-waves marked not shown in
``results.table("shown")`` (:func:`shown_profiles`). A suppressed site-wave is therefore
never suggested, never paired and never counted.

Two sites are of similar structure when their municipality type and size class agree
(:func:`structure_match`); similar structure makes transfer easier and breaks ties.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from evaluation import columns as C
from evaluation.errors import PeerError

__all__ = [
    "CLEAR",
    "DEFAULT_K",
    "HIGH_QUARTER",
    "LOW_QUARTER",
    "RELATIVE",
    "STRENGTH",
    "STRUCTURE_RANK",
    "STRUCTURE_TEXT",
    "WEAKNESS",
    "latest_wave",
    "quote",
    "scale_labels",
    "shown_profiles",
    "sites_frame",
    "structure_match",
    "wave_order",
]

STRENGTH, WEAKNESS = "strength", "weakness"
CLEAR, RELATIVE = "clear", "relative"
LOW_QUARTER, HIGH_QUARTER = 25.0, 75.0
DEFAULT_K = 5

STRUCTURE_TEXT = {
    "de": {"both": "gleicher Kommunentyp und gleiche Größenklasse",
           "type": "gleicher Kommunentyp", "size": "gleiche Größenklasse",
           "none": "andere Struktur"},
    "en": {"both": "same municipality type and size class", "type": "same municipality type",
           "size": "same size class", "none": "different structure"},
}


def scale_labels(meta: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """``{scale: {"de": ..., "en": ..., "kind": ...}}`` from the results' meta (keys if absent)."""
    return {str(s["key"]): {"de": str(s.get("label_de") or s["key"]),
                            "en": str(s.get("label_en") or s["key"]),
                            "kind": str(s.get("kind") or "factor")}
            for s in meta.get("scales") or ()}


def wave_order(results: Any) -> list[str]:
    """Waves in project order (``meta["waves"]``), else sorted from ``site_vs_pool``."""
    waves = [str(w["key"]) for w in results.meta.get("waves") or ()]
    table = results.table("site_vs_pool")
    present = sorted(table[C.WAVE].dropna().unique()) if table is not None else []
    return [w for w in waves if w in present] or [str(w) for w in present]


def latest_wave(results: Any) -> str:
    """The last wave with at least one shown row in ``site_vs_pool``."""
    table = results.table("site_vs_pool")
    if table is None:
        raise PeerError("results have no site_vs_pool table; run compute_results first")
    shown = table[~table["suppressed"].astype(bool)]
    for wave in reversed(wave_order(results)):
        if (shown[C.WAVE] == wave).any():
            return wave
    raise PeerError("site_vs_pool has no unsuppressed row in any wave")


def sites_frame(meta: Mapping[str, Any]) -> pd.DataFrame:
    """Site key, name, municipality type and size class (empty strings where unknown)."""
    rows = [{"site": str(s["key"]), "name": str(s.get("name") or s["key"]),
             "municipality_type": str(s.get("municipality_type") or ""),
             "size_class": str(s.get("size_class") or "")} for s in meta.get("sites") or ()]
    return pd.DataFrame(rows, columns=["site", "name", "municipality_type", "size_class"])


def shown_profiles(results: Any, wave: str) -> pd.DataFrame:
    """Factor rows of ``site_vs_pool`` in ``wave`` that may be used (see the module notes)."""
    table = results.table("site_vs_pool")
    labels = scale_labels(results.meta)
    k = int(results.meta.get("min_group_size") or DEFAULT_K)
    rows = table[(table[C.WAVE] == wave) & ~table["suppressed"].astype(bool)]
    rows = rows[rows["flag"].isin((STRENGTH, WEAKNESS, "none")) & (rows[C.N] >= k)]
    if labels:
        rows = rows[rows[C.SCALE].map(lambda s: labels.get(s, {}).get("kind")) == "factor"]
    shown = results.table("shown")
    if shown is not None:
        ok = shown.loc[(shown[C.WAVE] == wave) & shown["shown"].astype(bool), C.SITE]
        rows = rows[rows[C.SITE].isin(set(ok))]
    keep = [C.SITE, C.SCALE, C.N, C.MEAN, C.CI_LOW, C.CI_HIGH, "difference_ci_low",
            "difference_ci_high", "percentile", "flag"]
    return rows[keep].sort_values([C.SITE, C.SCALE], kind="stable").reset_index(drop=True)


def structure_match(a: str, b: str, sites: pd.DataFrame) -> str:
    """How alike sites ``a`` and ``b`` are: ``both``, ``type``, ``size`` or ``none``.

    ``type``: same municipality type; ``size``: same size class; unknown (empty) values
    never match. ``sites`` is :func:`sites_frame`.
    """
    info = sites.set_index("site")
    if a not in info.index or b not in info.index:
        return "none"
    same = [bool(info.at[a, c]) and info.at[a, c] == info.at[b, c]
            for c in ("municipality_type", "size_class")]
    return {(True, True): "both", (True, False): "type", (False, True): "size",
            (False, False): "none"}[tuple(same)]


#: Closer structure first: the order in which equally good peers are offered.
STRUCTURE_RANK = {"both": 0, "type": 1, "size": 2, "none": 3}


def quote(label: str, language: str) -> str:
    """A factor's label in the quotation marks of ``language`` (German „…“, English “…”)."""
    return f"„{label}“" if language == "de" else f"“{label}”"
