"""Questions a site can take into the peer exchange, generated from its own results.

Chosen from the site's weakest areas (flagged "below average" first, then the largest gaps
to the benchmark), its most agreed-with challenges and, to give something back, its
strengths. A scale or challenge with a ``question`` in the codebook (the default instrument
has one for each) asks that; others a general one built from their label.
"""

from __future__ import annotations

import pandas as pd

from evaluation.language import check_language
from evaluation.report.view import SiteView

N_WEAK = 3
N_CHALLENGES = 2
MIN_CHALLENGE_SHARE = 0.25

def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[0] if language == "de" else pair[1]


def weakest_factors(view: SiteView, n: int = N_WEAK) -> pd.DataFrame:
    """Success factors (not outcomes) with ``weakness`` first, then the largest gaps."""
    rows = view.factors[(view.factors["kind"] == "factor") & ~view.factors["suppressed"]].copy()
    if rows.empty:
        return rows
    rows["_weak"] = rows["flag"] != "weakness"
    if view.pool_shown:
        gap = rows["difference"].astype(float)
        mirrored = -gap
    else:  # no comparison: the own mean, mirrored on the scale where lower is better
        gap = rows["mean"].astype(float)
        mirrored = view.labels.scale_min + view.labels.scale_max - gap
    if "higher_is_better" in rows:
        gap = gap.where(rows["higher_is_better"].astype(bool), mirrored)
    rows["_gap"] = gap
    rows = rows.sort_values(["_weak", "_gap", "scale"], kind="stable")
    if view.pool_shown:  # only areas at or below the benchmark count as weak
        rows = rows[(rows["flag"] == "weakness") | (rows["_gap"] <= 0)]
    return rows.head(n).drop(columns=["_weak", "_gap"])


def peer_questions(view: SiteView, language: str = "de") -> list[str]:
    """Questions for the peer exchange (plain text; at most six), in a fixed order."""
    de = check_language(language) == "de"
    if not view.shown:
        return [
            "Wie gewinnen andere Netzwerke viele Akteure für die Teilnahme an der Befragung?"
            if de else "How do other networks get many actors to take part in the survey?",
        ]
    questions: list[str] = []
    for _, row in weakest_factors(view).iterrows():
        own = view.labels.scale(str(row["scale"])).question
        pair = (own["de"], own["en"]) if own else None
        if pair is None:
            label = row["label_de"] if de else row["label_en"]
            if row.get("higher_is_better", True):
                pair = (f"Was hat anderen Netzwerken geholfen, „{label}“ zu stärken?",
                        f"What helped other networks strengthen \u201c{label}\u201d?")
            else:
                pair = (f"Was hat anderen Netzwerken geholfen, „{label}“ zu verringern?",
                        f"What helped other networks reduce \u201c{label}\u201d?")
        questions.append(_pick(pair, language))
    challenges = view.challenges.sort_values(["share_agree", "item"], ascending=[False, True],
                                             kind="stable")
    for _, row in challenges.head(N_CHALLENGES).iterrows():
        if row["share_agree"] < MIN_CHALLENGE_SHARE:
            continue
        own = (view.labels.items.get(str(row["item"])) or {}).get("question")
        pair = (own["de"], own["en"]) if own else None
        if pair is None:
            label = row["label_de"] if de else row["label_en"]
            pair = (f"Wie gehen andere Netzwerke damit um: „{label}“?",
                    f"How do other networks deal with this: \u201c{label}\u201d?")
        questions.append(_pick(pair, language))
    strengths = view.factors[view.factors["flag"] == "strength"].sort_values(
        "difference", ascending=False, kind="stable")
    if not strengths.empty:
        label = strengths.iloc[0]["label_de" if de else "label_en"]
        questions.append(f"Was können Sie selbst zu „{label}“ an andere Netzwerke weitergeben?"
                         if de else
                         f"What can you pass on to other networks about \u201c{label}\u201d?")
    return questions[:6]
