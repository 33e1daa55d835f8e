"""Peer learning: learning partners, tandems and peer-workshop groups from site-vs-pool results.

Three formats, all from the shown factor profiles of one wave (which rows may be used, and
why a suppressed site-wave is never suggested, paired or counted:
:mod:`evaluation.peers.profiles`): learning partners per site (here), tandems and
peer-workshop groups (:mod:`evaluation.peers.pairing`). Import the public names from
:mod:`evaluation.peers`.

Learning partners (:func:`peer_suggestions`)
    ``clear``: the peer is flagged ``strength`` (the 95% CI of its difference to the pool
    excludes 0) on a factor where the site is flagged ``weakness``, in the same wave. Peers of
    similar structure come first (same ``municipality_type``, then same ``size_class``), then
    the peer whose lower CI bound is highest. ``relative`` (weaker evidence): a site with fewer
    than ``min_suggestions`` clear suggestions gets fill-ins from factors where it lies in the
    bottom quarter of the pool (percentile <= 25) paired with peers in the top quarter
    (percentile >= 75), none of them flagged the other way. Their texts say that the
    difference is not statistically secured.

Closed benchmarking: the tables name sites and are for the evaluation team. Partner-facing
text comes from :func:`partner_peer_hint`, which under closed benchmarking
(``meta["open_benchmarking"]`` false) names no site, neither key nor name nor attributes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from evaluation import columns as C
from evaluation.language import check_language
from evaluation.peers.pairing import peer_groups, tandems
from evaluation.peers.profiles import (
    CLEAR,
    HIGH_QUARTER,
    LOW_QUARTER,
    RELATIVE,
    STRENGTH,
    STRUCTURE_RANK,
    STRUCTURE_TEXT,
    WEAKNESS,
    latest_wave,
    quote,
    scale_labels,
    shown_profiles,
    sites_frame,
    structure_match,
)

__all__ = [
    "partner_peer_hint",
    "partner_peer_hints",
    "peer_suggestions",
    "peer_tables",
]


# ----------------------------------------------------------------------- suggestions

def _reason(kind: str, site: str, peer: str, label: str, structure: str, language: str) -> str:
    tail, label = STRUCTURE_TEXT[language][structure], quote(label, language)
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
    rows = rows.assign(structure=[structure_match(site, p, sites) for p in rows[C.SITE]])
    rows = rows.assign(_rank=rows["structure"].map(STRUCTURE_RANK))
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


# ---------------------------------------------------------------- partner-facing text

def partner_peer_hint(site: str, results: Any, *, wave: str | None = None,
                      language: str = "de", named: bool | None = None,
                      name_form: Callable[[str], str] | None = None) -> list[str]:
    """Hints for one site's partner report: who in the pool is strong where the site is weak.

    A peer is named where ``named`` (default: ``meta["open_benchmarking"]``) or where both
    the site and the peer agreed to open exchange (``open_exchange: true`` in the project's
    sites); otherwise the hints name no other site: no key, no name, no municipality type,
    only how many sites of the pool are clearly strong. A site that is not shown in the wave
    gets no hint at all. ``name_form`` gives a name the form a sentence needs (in German
    its article: "der Landkreis Mühlengrund").
    """
    return partner_peer_hints(site, results, wave=wave, named=named,
                              name_forms={language: name_form})[language]


def partner_peer_hints(site: str, results: Any, *, wave: str | None = None,
                       named: bool | None = None,
                       name_forms: Mapping[str, Callable[[str], str] | None] | None = None
                       ) -> dict[str, list[str]]:
    """:func:`partner_peer_hint` in every language of ``name_forms`` (default German and
    English), the suggestions computed once."""
    name_forms = dict(name_forms) if name_forms is not None else {"de": None, "en": None}
    for language in name_forms:
        check_language(language)
    opted = {str(s["key"]) for s in results.meta.get("sites") or () if s.get("open_exchange")}
    if named is None:
        named = bool(results.meta.get("open_benchmarking"))
    wave = wave or latest_wave(results)
    table = peer_suggestions(results, wave=wave, peers_per_factor=10**6, site=site)
    profiles = shown_profiles(results, wave)
    labels = scale_labels(results.meta)
    hints: dict[str, list[str]] = {language: [] for language in name_forms}
    for (_, factor, kind), rows in table.groupby(["rank", "factor", "kind"], sort=True):
        if kind == CLEAR:
            count = int((profiles[(profiles[C.SCALE] == factor)]["flag"] == STRENGTH).sum())
        else:
            count = len(rows)
        for language, name_form in name_forms.items():
            label = labels.get(factor, {}).get(language, factor)
            names = [(name_form or str)(str(name))
                     for peer, name in zip(rows["peer"], rows["peer_name"], strict=True)
                     if named or (site in opted and str(peer) in opted)]
            hints[language].append(_hint_text(names, max(count, len(names)),
                                              quote(label, language), kind, language))
    return hints


def _hint_text(names: list[str], count: int, label: str, kind: str, language: str) -> str:
    plural = count > 1
    rest = count - len(names)
    if names:
        who = ", ".join(names)
        who = who[:1].upper() + who[1:]  # a sentence's first word
        if rest > 0:
            who += (f" und {rest} weitere Kommune{'n' if rest > 1 else ''}" if language == "de"
                    else f" and {rest} further municipalit{'ies' if rest > 1 else 'y'}")
    elif language == "de":
        who = ("Eine andere Kommune" if count == 1 else f"{count} andere Kommunen")
    else:
        who = ("One other municipality" if count == 1 else f"{count} other municipalities")
    if language == "de":
        if kind == CLEAR:
            return (f"{who} {'sind' if plural else 'ist'} deutlich stark bei {label}, wo "
                    f"Ihre Kommune deutlich unter dem Durchschnitt liegt. Die wissenschaftliche "
                    f"Begleitung kann den Kontakt vermitteln.")
        return (f"{who} {'liegen' if plural else 'liegt'} bei {label} im oberen Viertel, "
                f"Ihre Kommune im unteren Viertel (relativer Vergleich, statistisch nicht "
                f"gesichert). Ein Austausch kann sich trotzdem lohnen; die wissenschaftliche "
                f"Begleitung vermittelt ihn.")
    if kind == CLEAR:
        return (f"{who} {'are' if plural else 'is'} clearly strong on {label}, where your "
                f"municipality is clearly below the average. The evaluation team can put you in "
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
