"""Peer learning: learning partners, tandems and peer-workshop groups from site-vs-pool results.

Everything here starts from ``results.tables["site_vs_pool"]`` of one wave, success factors
only (``kind == "factor"`` in ``meta["scales"]``; outcomes are not something to learn from a
peer), and only from site-waves that may be shown: rows with ``suppressed`` set, without a
flag, or with fewer than k respondents are dropped first, and so are site-waves marked not
shown in ``results.tables["shown"]``. A suppressed site-wave is therefore never suggested,
never paired and never counted.

Learning partners (:func:`peer_suggestions`)
    ``clear``: the peer is flagged ``strength`` (the 95% CI of its difference to the pool
    excludes 0) on a factor where the site is flagged ``weakness``, in the same wave. Peers of
    similar structure come first (same ``municipality_type``, then same ``size_class``), then
    the peer whose lower CI bound is highest. ``relative`` (weaker evidence): a site with fewer
    than ``min_suggestions`` clear suggestions gets fill-ins from factors where it lies in the
    bottom quarter of the pool (percentile <= 25) paired with peers in the top quarter
    (percentile >= 75), none of them flagged the other way. Their texts say that the
    difference is not statistically secured.

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

Closed benchmarking: the tables name sites and are for the evaluation team. Partner-facing
text comes from :func:`partner_peer_hint`, which under closed benchmarking
(``meta["open_benchmarking"]`` false) names no site, neither key nor name nor attributes.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import columns as C
from .errors import EvaluationError

__all__ = ["optimal_pairs", "pair_scores", "partner_peer_hint", "peer_groups",
           "peer_suggestions", "peer_tables", "shown_profiles", "tandems"]

STRENGTH, WEAKNESS = "strength", "weakness"
CLEAR, RELATIVE = "clear", "relative"
LOW_QUARTER, HIGH_QUARTER = 25.0, 75.0
#: points of the tandem score (see the module notes)
SCORE_CLEAR, SCORE_RELATIVE, SCORE_SAME_TYPE, SCORE_SAME_SIZE = 4, 1, 2, 1
DEFAULT_K = 5

STRUCTURE_TEXT = {
    "de": {"both": "gleicher Kommunentyp und gleiche Größenklasse",
           "type": "gleicher Kommunentyp", "size": "gleiche Größenklasse",
           "none": "andere Struktur"},
    "en": {"both": "same municipality type and size class", "type": "same municipality type",
           "size": "same size class", "none": "different structure"},
}


class PeerError(EvaluationError, ValueError):
    """The results lack what peer suggestions need (a table, a wave)."""


# ------------------------------------------------------------------------------ inputs

def scale_labels(meta: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """``{scale: {"de": ..., "en": ..., "kind": ...}}`` from the results' meta (keys if absent)."""
    return {str(s["key"]): {"de": str(s.get("label_de") or s["key"]),
                            "en": str(s.get("label_en") or s["key"]),
                            "kind": str(s.get("kind") or "factor")}
            for s in meta.get("scales") or ()}


def wave_order(results: Any) -> list[str]:
    """Waves in project order (``meta["waves"]``), else sorted from ``site_vs_pool``."""
    waves = [str(w["key"]) for w in results.meta.get("waves") or ()]
    table = results.tables.get("site_vs_pool")
    present = sorted(table[C.WAVE].dropna().unique()) if table is not None else []
    return [w for w in waves if w in present] or [str(w) for w in present]


def latest_wave(results: Any) -> str:
    """The last wave with at least one shown row in ``site_vs_pool``."""
    table = results.tables.get("site_vs_pool")
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
    table = results.tables["site_vs_pool"]
    labels = scale_labels(results.meta)
    k = int(results.meta.get("min_group_size") or DEFAULT_K)
    rows = table[(table[C.WAVE] == wave) & ~table["suppressed"].astype(bool)]
    rows = rows[rows["flag"].isin((STRENGTH, WEAKNESS, "none")) & (rows[C.N] >= k)]
    if labels:
        rows = rows[rows[C.SCALE].map(lambda s: labels.get(s, {}).get("kind")) == "factor"]
    shown = results.tables.get("shown")
    if shown is not None:
        ok = shown.loc[(shown[C.WAVE] == wave) & shown["shown"].astype(bool), C.SITE]
        rows = rows[rows[C.SITE].isin(set(ok))]
    keep = [C.SITE, C.SCALE, C.N, C.MEAN, C.CI_LOW, C.CI_HIGH, "difference_ci_low",
            "difference_ci_high", "percentile", "flag"]
    return rows[keep].sort_values([C.SITE, C.SCALE], kind="stable").reset_index(drop=True)


def _structure(a: str, b: str, sites: pd.DataFrame) -> str:
    info = sites.set_index("site")
    if a not in info.index or b not in info.index:
        return "none"
    same = [bool(info.at[a, c]) and info.at[a, c] == info.at[b, c]
            for c in ("municipality_type", "size_class")]
    return {(True, True): "both", (True, False): "type", (False, True): "size",
            (False, False): "none"}[tuple(same)]


_STRUCTURE_RANK = {"both": 0, "type": 1, "size": 2, "none": 3}


# ----------------------------------------------------------------------- suggestions

def _quote(label: str, language: str) -> str:
    return f"„{label}“" if language == "de" else f"“{label}”"


def _reason(kind: str, site: str, peer: str, label: str, structure: str, language: str) -> str:
    tail, label = STRUCTURE_TEXT[language][structure], _quote(label, language)
    if language == "de":
        if kind == CLEAR:
            return f"{peer} ist deutlich stark bei {label}, wo {site} deutlich schwach ist; {tail}"
        return (f"{peer} liegt bei {label} im oberen Viertel des Pools, {site} im unteren "
                f"Viertel; nur ein relativer Vergleich, statistisch nicht gesichert "
                f"(schwächere Evidenz); {tail}")
    if kind == CLEAR:
        return f"{peer} is clearly strong on {label}, where {site} is clearly weak; {tail}"
    return (f"{peer} is in the top quarter of the pool on {label}, {site} in the bottom "
            f"quarter; a relative comparison only, not statistically secured (weaker "
            f"evidence); {tail}")


def _candidates(profiles: pd.DataFrame, site: str, scale: str, kind: str,
                sites: pd.DataFrame) -> pd.DataFrame:
    rows = profiles[(profiles[C.SCALE] == scale) & (profiles[C.SITE] != site)]
    if kind == CLEAR:
        rows = rows[rows["flag"] == STRENGTH]
    else:
        rows = rows[(rows["percentile"] >= HIGH_QUARTER) & (rows["flag"] != WEAKNESS)]
    rows = rows.assign(structure=[_structure(site, p, sites) for p in rows[C.SITE]])
    rows = rows.assign(_rank=rows["structure"].map(_STRUCTURE_RANK))
    return rows.sort_values(["_rank", "difference_ci_low", C.SITE],
                            ascending=[True, False, True], kind="stable")


def peer_suggestions(results: Any, *, wave: str | None = None, per_site: int = 3,
                     peers_per_factor: int = 2, min_suggestions: int = 2,
                     site: str | None = None) -> pd.DataFrame:
    """Learning partners per site: one row per (site, factor, peer); see the module notes.

    Columns: ``wave, site, rank, factor, peer, kind (clear/relative), evidence
    (strong/weak), structure (both/type/size/none), site_mean, site_ci_low, site_ci_high,
    peer_mean, peer_ci_low, peer_ci_high, site_name, peer_name, reason_de, reason_en``.
    At most ``per_site`` factors per site, ``peers_per_factor`` peers per factor; with
    ``site``, only that site's suggestions.
    """
    wave = wave or latest_wave(results)
    profiles = shown_profiles(results, wave)
    sites = sites_frame(results.meta)
    names = dict(zip(sites["site"], sites["name"], strict=True))
    labels = scale_labels(results.meta)
    out: list[dict[str, Any]] = []
    keys = sorted(profiles[C.SITE].unique()) if site is None else [site]
    for key in keys:
        own = profiles[profiles[C.SITE] == key]
        weak = own[own["flag"] == WEAKNESS].sort_values(["difference_ci_high", C.SCALE])
        low = own[(own["percentile"] <= LOW_QUARTER) & (own["flag"] != STRENGTH)]
        low = low[~low[C.SCALE].isin(weak[C.SCALE])].sort_values(["percentile", C.MEAN, C.SCALE])
        chosen: list[tuple[str, pd.Series, pd.DataFrame]] = []
        for kind, pool in ((CLEAR, weak), (RELATIVE, low)):
            for _, row in pool.iterrows():
                limit = per_site if kind == CLEAR else min_suggestions
                if len(chosen) >= limit:
                    break
                peers = _candidates(profiles, key, row[C.SCALE], kind, sites)
                if not peers.empty:
                    chosen.append((kind, row, peers.head(peers_per_factor)))
        for rank, (kind, row, peers) in enumerate(chosen, start=1):
            label = labels.get(row[C.SCALE], {"de": row[C.SCALE], "en": row[C.SCALE]})
            for _, peer in peers.iterrows():
                out.append({
                    "wave": wave, "site": key, "rank": rank, "factor": row[C.SCALE],
                    "peer": peer[C.SITE], "kind": kind,
                    "evidence": "strong" if kind == CLEAR else "weak",
                    "structure": peer["structure"], "site_mean": row[C.MEAN],
                    "site_ci_low": row[C.CI_LOW], "site_ci_high": row[C.CI_HIGH],
                    "peer_mean": peer[C.MEAN], "peer_ci_low": peer[C.CI_LOW],
                    "peer_ci_high": peer[C.CI_HIGH], "site_name": names.get(key, key),
                    "peer_name": names.get(peer[C.SITE], peer[C.SITE]),
                    **{f"reason_{lang}": _reason(kind, key, peer[C.SITE], label[lang],
                                                 peer["structure"], lang)
                       for lang in ("de", "en")}})
    columns = ["wave", "site", "rank", "factor", "peer", "kind", "evidence", "structure",
               "site_mean", "site_ci_low", "site_ci_high", "peer_mean", "peer_ci_low",
               "peer_ci_high", "site_name", "peer_name", "reason_de", "reason_en"]
    return pd.DataFrame(out, columns=columns)


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
        structure = _structure(keys[i], keys[j], sites)
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
    return [_quote(labels.get(s, {}).get(language, s), language) for s in sorted(set(a) & set(b))]


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
    structures = {_structure(a, b, sites) for a, b in itertools.combinations(members, 2)}
    if not structures:  # a single shown site
        return ("keine weitere Kommune mit Daten in dieser Welle" if language == "de"
                else "no other municipality with data in this wave")
    tail = STRUCTURE_TEXT[language][min(structures, key=_STRUCTURE_RANK.__getitem__)]
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
        closeness = [sum(3 - _STRUCTURE_RANK[_structure(s, x, sites)] for x in learners)
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


# ---------------------------------------------------------------- partner-facing text

def partner_peer_hint(site: str, results: Any, *, wave: str | None = None,
                      language: str = "de", named: bool | None = None) -> list[str]:
    """Hints for one site's partner report: who in the pool is strong where the site is weak.

    Without ``named`` (default: ``meta["open_benchmarking"]``), the hints name no other
    site: no key, no name, no municipality type, only how many sites of the pool are clearly
    strong. A site that is not shown in the wave gets no hint at all.
    """
    if language not in ("de", "en"):
        raise PeerError(f"unknown language {language!r}; expected 'de' or 'en'")
    named = bool(results.meta.get("open_benchmarking")) if named is None else named
    wave = wave or latest_wave(results)
    table = peer_suggestions(results, wave=wave, peers_per_factor=10**6, site=site)
    profiles = shown_profiles(results, wave)
    hints = []
    for (_, factor, kind), rows in table.groupby(["rank", "factor", "kind"], sort=True):
        label = scale_labels(results.meta).get(factor, {}).get(language, factor)
        if kind == CLEAR:
            count = int((profiles[(profiles[C.SCALE] == factor)]["flag"] == STRENGTH).sum())
        else:
            count = len(rows)
        names = list(rows["peer_name"]) if named else []
        hints.append(_hint_text(names, count, _quote(label, language), kind, language))
    return hints


def _hint_text(names: list[str], count: int, label: str, kind: str, language: str) -> str:
    plural = len(names) > 1 if names else count > 1
    if names:
        who = ", ".join(names)
    elif language == "de":
        who = "Eine Kommune im Pool" if count == 1 else f"{count} Kommunen im Pool"
    else:
        who = ("One municipality in the pool" if count == 1 else
               f"{count} municipalities in the pool")
    if language == "de":
        if kind == CLEAR:
            return (f"{who} {'sind' if plural else 'ist'} deutlich stark bei {label}, wo "
                    f"Ihre Kommune deutlich unter dem Pool liegt. Die wissenschaftliche "
                    f"Begleitung kann den Kontakt vermitteln.")
        return (f"{who} {'liegen' if plural else 'liegt'} bei {label} im oberen Viertel, "
                f"Ihre Kommune im unteren Viertel (relativer Vergleich, statistisch nicht "
                f"gesichert). Ein Austausch kann sich trotzdem lohnen; die wissenschaftliche "
                f"Begleitung vermittelt ihn.")
    if kind == CLEAR:
        return (f"{who} {'are' if plural else 'is'} clearly strong on {label}, where your "
                f"municipality is clearly below the pool. The evaluation team can put you in "
                f"touch.")
    return (f"{who} {'are' if plural else 'is'} in the top quarter on {label}, your "
            f"municipality in the bottom quarter (a relative comparison, not statistically "
            f"secured). An exchange may still help; the evaluation team can arrange it.")


def peer_tables(results: Any, *, wave: str | None = None) -> dict[str, pd.DataFrame]:
    """The three peer tables of a run, for the evaluation team (they name sites)."""
    wave = wave or latest_wave(results)
    return {"peer_suggestions": peer_suggestions(results, wave=wave),
            "tandems": tandems(results, wave=wave),
            "peer_groups": peer_groups(results, wave=wave)}
