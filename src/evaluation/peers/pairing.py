"""Tandems and peer-workshop groups: which sites of a wave learn together.

Both start from the shown factor profiles of one wave
(:func:`evaluation.peers.profiles.shown_profiles`).

Tandems (:func:`tandems`)
    Every shown site gets one partner (one triad when the number of sites is odd), chosen to
    maximise the total tandem score over all pairs. The score of a pair is symmetric, in
    integer points::

        score(i, j) = 4 clear(i, j) + 1 relative(i, j) + 2 same_type(i, j) + 1 same_size(i, j)

    ``clear``: factors where one of the two is flagged strength and the other weakness;
    ``relative``: further factors where one is in the top and the other in the bottom quarter;
    ``same_type`` / ``same_size``: 1 if the municipality type / size class agree. A clear
    complement weighs most (something to teach each way), structure breaks ties between
    equally complementary partners and makes transfer easier.

    Optimality: :func:`optimal_pairs` solves the assignment problem (Hungarian method,
    :func:`scipy.optimize.linear_sum_assignment`) on the symmetric score matrix with the
    diagonal forbidden. Every perfect matching M is also an assignment (i -> partner(i)) of
    value 2 w(M), so the assignment optimum A* >= 2 max_M w(M). If the optimal assignment is
    an involution (all cycles of length 2) it *is* a perfect matching of value A*/2, hence a
    maximum-weight one. If it contains a longer cycle, the exact maximum-weight perfect matching
    is computed with Edmonds' blossom algorithm (:func:`networkx.max_weight_matching` with
    ``maxcardinality=True``; integer weights keep it exact). With an odd number of sites a
    dummy site with score 0 to everyone is added; the site matched to it joins the tandem
    with which its summed score is highest (the pairs are optimal, the triad is greedy).

Peer-workshop groups (:func:`peer_groups`)
    Shared development topics are factors on which at least ``min_weak`` sites are clearly
    weak. Each group holds those sites (role ``learn``) and up to ``max_strong`` clearly strong
    sites (role ``share``, structurally closest to the learners first); a topic without a
    clearly strong site takes the top-quarter site instead (``evidence = "relative"``); a topic
    with neither is dropped, so every group has someone to learn from.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.peers.profiles import (
    CLEAR,
    HIGH_QUARTER,
    LOW_QUARTER,
    RELATIVE,
    STRENGTH,
    STRUCTURE_RANK,
    STRUCTURE_TEXT,
    WEAKNESS,
    PeerError,
    latest_wave,
    quote,
    scale_labels,
    shown_profiles,
    sites_frame,
    structure_match,
)

__all__ = ["optimal_pairs", "pair_scores", "peer_groups", "tandems"]

#: points of the tandem score (see the module notes)
SCORE_CLEAR, SCORE_RELATIVE, SCORE_SAME_TYPE, SCORE_SAME_SIZE = 4, 1, 2, 1


# --------------------------------------------------------------------------- tandems

def pair_scores(profiles: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Symmetric tandem scores (integer points, see the module notes); diagonal 0.

    Returns a square DataFrame indexed and labelled by site key.
    """
    keys = sorted(profiles[C.SITE].unique())
    flag = profiles.pivot(index=C.SITE, columns=C.SCALE, values="flag").reindex(keys)
    pct = profiles.pivot(index=C.SITE, columns=C.SCALE, values="percentile").reindex(keys)
    f, p = flag.to_numpy(dtype=object), pct.to_numpy(dtype=float)
    strong, weak = f == STRENGTH, f == WEAKNESS
    top, bottom = (p >= HIGH_QUARTER) & ~weak, (p <= LOW_QUARTER) & ~strong
    n = len(keys)
    score = np.zeros((n, n), dtype=np.int64)
    for i, j in itertools.combinations(range(n), 2):
        clear = (strong[i] & weak[j]) | (strong[j] & weak[i])
        relative = ((top[i] & bottom[j]) | (top[j] & bottom[i])) & ~clear
        structure = structure_match(keys[i], keys[j], sites)
        value = (SCORE_CLEAR * int(clear.sum()) + SCORE_RELATIVE * int(relative.sum())
                 + SCORE_SAME_TYPE * (structure in ("both", "type"))
                 + SCORE_SAME_SIZE * (structure in ("both", "size")))
        score[i, j] = score[j, i] = value
    return pd.DataFrame(score, index=keys, columns=keys)


def optimal_pairs(weights: np.ndarray) -> list[tuple[int, int]]:
    """Maximum-weight perfect matching of an even number of nodes (module notes: optimality).

    ``weights`` is a symmetric integer matrix; the diagonal is ignored. Returns sorted pairs
    ``(i, j)`` with ``i < j``.
    """
    from scipy.optimize import linear_sum_assignment

    w = np.asarray(weights)
    n = w.shape[0]
    if w.shape != (n, n) or n % 2 or not np.array_equal(w, w.T):
        raise PeerError(f"need a symmetric matrix of even size, got shape {w.shape}")
    if n == 0:
        return []
    # any assignment through the diagonal then costs more than every derangement
    big = 2 * int(np.abs(w).sum()) + 1
    cost = -w.astype(np.int64)
    np.fill_diagonal(cost, big)
    rows, cols = linear_sum_assignment(cost)
    partner = dict(zip(rows.tolist(), cols.tolist(), strict=True))
    if all(partner[partner[i]] == i != partner[i] for i in range(n)):
        return sorted((i, j) for i, j in partner.items() if i < j)
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from((i, j, int(w[i, j]))
                                  for i, j in itertools.combinations(range(n), 2))
    matching = nx.max_weight_matching(graph, maxcardinality=True, weight="weight")
    return sorted((min(a, b), max(a, b)) for a, b in matching)


def _topics(profiles: pd.DataFrame, teacher: str, learner: str, labels: Mapping[str, Any],
            language: str) -> list[str]:
    a = profiles[(profiles[C.SITE] == teacher) & (profiles["flag"] == STRENGTH)][C.SCALE]
    b = profiles[(profiles[C.SITE] == learner) & (profiles["flag"] == WEAKNESS)][C.SCALE]
    return [quote(labels.get(s, {}).get(language, s), language) for s in sorted(set(a) & set(b))]


def _tandem_reason(members: list[str], profiles: pd.DataFrame, sites: pd.DataFrame,
                   labels: Mapping[str, Any], language: str) -> str:
    parts = []
    for teacher, learner in itertools.permutations(members, 2):
        topics = _topics(profiles, teacher, learner, labels, language)
        if topics:
            what = ", ".join(topics)
            parts.append(f"{learner} kann von {teacher} lernen bei {what}" if language == "de"
                         else f"{learner} can learn from {teacher} on {what}")
    if not parts:
        parts.append("keine deutliche Ergänzung, Partner nach relativer Lage und Struktur"
                     if language == "de" else
                     "no clear complement; partner chosen by relative position and structure")
    structures = {structure_match(a, b, sites) for a, b in itertools.combinations(members, 2)}
    if not structures:  # a single shown site
        return ("keine weitere Kommune mit Daten in dieser Welle" if language == "de"
                else "no other municipality with data in this wave")
    tail = STRUCTURE_TEXT[language][min(structures, key=STRUCTURE_RANK.__getitem__)]
    return "; ".join(parts) + f"; {tail}"


def tandems(results: Any, *, wave: str | None = None) -> pd.DataFrame:
    """Tandem partners for every shown site of ``wave`` (one row per tandem).

    Columns: ``wave, tandem, site_a, site_b, site_c (None unless a triad), score,
    reason_de, reason_en``; ``score`` is the summed pair score of the tandem.
    """
    wave = wave or latest_wave(results)
    profiles = shown_profiles(results, wave)
    sites = sites_frame(results.meta)
    labels = scale_labels(results.meta)
    scores = pair_scores(profiles, sites)
    keys = list(scores.index)
    w = scores.to_numpy()
    odd = len(keys) % 2 == 1
    if odd:
        w = np.pad(w, ((0, 1), (0, 1)))  # dummy node: score 0 with everyone
    pairs = optimal_pairs(w)
    groups = [[keys[i], keys[j]] for i, j in pairs if j < len(keys)]
    if odd and keys:
        left = next((keys[i] for i, j in pairs if j == len(keys)), keys[0])
        if groups:
            gain = [sum(int(scores.at[left, m]) for m in g) for g in groups]
            groups[gain.index(max(gain))].append(left)  # first of equal gains
        else:
            groups.append([left])
    rows = []
    for number, members in enumerate(groups, start=1):
        total = sum(int(scores.at[a, b]) for a, b in itertools.combinations(members, 2))
        rows.append({"wave": wave, "tandem": number, "site_a": members[0],
                     "site_b": members[1] if len(members) > 1 else None,
                     "site_c": members[2] if len(members) > 2 else None, "score": total,
                     "reason_de": _tandem_reason(members, profiles, sites, labels, "de"),
                     "reason_en": _tandem_reason(members, profiles, sites, labels, "en")})
    return pd.DataFrame(rows, columns=["wave", "tandem", "site_a", "site_b", "site_c", "score",
                                       "reason_de", "reason_en"])


# ---------------------------------------------------------------------------- groups

def peer_groups(results: Any, *, wave: str | None = None, min_weak: int = 2,
                max_strong: int = 2) -> pd.DataFrame:
    """Peer-workshop groups around shared development topics (one row per group member).

    Columns: ``wave, group, factor, label_de, label_en, site, role (learn/share), evidence
    (clear/relative), n_learn``. Groups are numbered by the number of learners, descending.
    """
    wave = wave or latest_wave(results)
    profiles = shown_profiles(results, wave)
    sites = sites_frame(results.meta)
    labels = scale_labels(results.meta)
    weak_counts = profiles[profiles["flag"] == WEAKNESS].groupby(C.SCALE)[C.SITE].nunique()
    topics = sorted((s for s, c in weak_counts.items() if c >= min_weak),
                    key=lambda s: (-int(weak_counts[s]), s))
    rows: list[dict[str, Any]] = []
    group = 0
    for scale in topics:
        rows_f = profiles[profiles[C.SCALE] == scale]
        learners = sorted(rows_f.loc[rows_f["flag"] == WEAKNESS, C.SITE])
        strong = rows_f[rows_f["flag"] == STRENGTH]
        evidence = CLEAR
        if strong.empty:
            strong = rows_f[(rows_f["percentile"] >= HIGH_QUARTER) & (rows_f["flag"] != WEAKNESS)]
            evidence = RELATIVE
        if strong.empty:
            continue
        closeness = [sum(3 - STRUCTURE_RANK[structure_match(s, x, sites)] for x in learners)
                     for s in strong[C.SITE]]
        strong = strong.assign(_close=closeness).sort_values(
            ["_close", "difference_ci_low", C.SITE], ascending=[False, False, True])
        group += 1
        label = labels.get(scale, {"de": scale, "en": scale})
        base = {"wave": wave, "group": group, "factor": scale, "label_de": label["de"],
                "label_en": label["en"], "evidence": evidence, "n_learn": len(learners)}
        rows += [{**base, "site": s, "role": "learn"} for s in learners]
        rows += [{**base, "site": s, "role": "share"} for s in strong[C.SITE].head(max_strong)]
    columns = ["wave", "group", "factor", "label_de", "label_en", "site", "role", "evidence",
               "n_learn"]
    return pd.DataFrame(rows, columns=columns)
