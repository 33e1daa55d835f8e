"""The "eye level" (Augenhöhe) check: do actor groups rate trust and benefit alike?

:func:`eye_level` asks whether volunteers, migrant organisations or other actor types rate
trust and benefit differently (Mann-Whitney or Kruskal-Wallis, see
:mod:`evaluation.stats.rank_tests`, with all p-values adjusted together), and says so in plain
English and German.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from evaluation import columns as C
from evaluation.analysis.aggregation import StatisticsInputError, require_columns
from evaluation.analysis.vocabulary import (
    ATTRIBUTE,
    DIFFERENT,
    DROPPED_GROUPS,
    EFFECT_SIZE_KIND,
    EYE_LEVEL_ATTRIBUTES,
    GROUPS,
    HIGHEST_GROUP,
    LOWEST_GROUP,
    N_TESTS,
    PADJUST,
    TEST,
)
from evaluation.stats import (
    EPSILON_SQUARED,
    KRUSKAL_WALLIS,
    MANN_WHITNEY,
    RANK_BISERIAL,
    PAdjust,
    adjust_pvalues,
    kruskal,
    mann_whitney,
)

__all__ = [
    "eye_level",
]

log = logging.getLogger("evaluation")


def eye_level(
    scores: pd.DataFrame,
    respondents: pd.DataFrame,
    *,
    scales: Sequence[str] = ("trust", "benefit"),
    by: Sequence[str] = EYE_LEVEL_ATTRIBUTES,
    value: str = C.SCORE,
    scale: str = C.SCALE,
    respondent: str = C.RESPONDENT,
    wave: str = C.WAVE,
    min_group_n: int = 5,
    padjust: PAdjust = "holm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Do actor groups rate trust and benefit alike? ("Augenhöhe" check.)

    For each scale in ``scales`` and each respondent attribute in ``by`` (and each wave, if
    both tables have a ``wave`` column), the groups of the attribute are compared: two
    groups by Mann-Whitney with the rank-biserial r, more by Kruskal-Wallis with epsilon
    squared. All p-values of the table form one family and are adjusted together.

    Parameters
    ----------
    scores : pandas.DataFrame
        Tidy scores (``respondent, site, wave, scale, score``).
    respondents : pandas.DataFrame
        One row per respondent (and wave) with the attributes in ``by``.
    scales, by : sequence of str
        Scales to test and attributes to split by.
    value, scale, respondent, wave : str
        Column names.
    min_group_n : int
        Groups with fewer respondents are left out of the test (listed in
        ``dropped_groups``), both for stable tests and so that no statistic describes fewer
        than this many people.
    padjust : {"holm", "fdr_bh", "none"}
        Adjustment across all tests of the table (default Holm, family-wise).
    alpha : float
        Level at which an adjusted p-value counts as a difference.

    Returns
    -------
    pandas.DataFrame
        One row per (wave,) scale and attribute: ``scale, attribute, test, n, n_groups,
        groups, dropped_groups, statistic, pvalue, pvalue_adj, effect_size,
        effect_size_kind, lowest_group, highest_group`` (by mean rank), ``different``
        (adjusted p < alpha), ``n_tests`` (tests in the adjusted family), ``padjust``
        (the adjustment method).

    Notes
    -----
    Tests use the asymptotic p-values with tie correction (Mann-Whitney with continuity
    correction), see :func:`mann_whitney` and :func:`kruskal`; no bootstrap interval is
    computed here. The reading of a row
    (:func:`evaluation.report.readings.eye_level_reading`) says "differs beyond chance" only
    where the adjusted p-value is below ``alpha`` and otherwise that no difference beyond
    chance was found, which is not proof that groups rate alike.

    Examples
    --------
    In R, per scale: ``wilcox.test(score ~ employment, d, exact = FALSE)``,
    ``kruskal.test(score ~ factor(actor_type), d)``, then ``p.adjust(p, "holm")`` over all.
    """
    require_columns(scores, [respondent, scale, value], what="scores")
    require_columns(respondents, [respondent, *by], what="respondents")
    if not 0 < alpha < 1:
        raise StatisticsInputError(f"alpha must lie between 0 and 1, got {alpha!r}")
    keys = [respondent] + ([wave] if wave in scores.columns and wave in respondents.columns
                           else [])
    duplicated = respondents.duplicated(keys)
    if duplicated.any():
        raise StatisticsInputError(
            f"respondents must have one row per {keys}; duplicated: "
            f"{respondents.loc[duplicated, keys].head(5).to_dict('records')}")
    attributes = respondents[[*keys, *[b for b in by if b not in keys]]]
    data = scores[scores[scale].isin(list(scales))]
    overlap = [c for c in by if c in data.columns and c not in keys]
    data = data.drop(columns=overlap).merge(attributes, on=keys, how="left")
    split = [wave] if len(keys) == 2 else []
    rows = []
    grouping = [*split, scale]
    for key, part in data.groupby(grouping, sort=True, observed=True):
        key = key if isinstance(key, tuple) else (key,)
        head = dict(zip(grouping, key, strict=True))
        for attribute in by:
            rows.append({**head, ATTRIBUTE: attribute,
                         **_eye_level_test(part, value=value, attribute=attribute,
                                           min_group_n=min_group_n)})
    columns = [*split, scale, ATTRIBUTE, TEST, C.N, C.N_GROUPS, GROUPS, DROPPED_GROUPS,
               C.STATISTIC, C.PVALUE, C.PVALUE_ADJ, C.EFFECT_SIZE, EFFECT_SIZE_KIND,
               LOWEST_GROUP, HIGHEST_GROUP, DIFFERENT, N_TESTS, PADJUST]
    table = pd.DataFrame(rows)
    if table.empty:
        return pd.DataFrame(columns=columns)
    table[C.PVALUE_ADJ] = adjust_pvalues(table[C.PVALUE], padjust)
    table[DIFFERENT] = table[C.PVALUE_ADJ] < alpha
    table[N_TESTS] = int(table[C.PVALUE].notna().sum())
    table[PADJUST] = padjust
    return table[columns]


def _eye_level_test(part: pd.DataFrame, *, value: str, attribute: str,
                    min_group_n: int) -> dict[str, Any]:
    values = pd.to_numeric(part[value], errors="coerce")
    frame = pd.DataFrame({"y": values, "g": part[attribute]}).dropna()
    sizes = frame.groupby("g", sort=True, observed=True).size()
    kept = sizes[sizes >= min_group_n].index.tolist()
    dropped = sizes[sizes < min_group_n].index.tolist()
    frame = frame[frame["g"].isin(kept)]
    out: dict[str, Any] = {
        TEST: None, C.N: len(frame), C.N_GROUPS: len(kept),
        GROUPS: ", ".join(map(str, kept)), DROPPED_GROUPS: ", ".join(map(str, dropped)),
        C.STATISTIC: np.nan, C.PVALUE: np.nan, C.EFFECT_SIZE: np.nan,
        EFFECT_SIZE_KIND: None, LOWEST_GROUP: None, HIGHEST_GROUP: None,
    }
    if len(kept) < 2 or frame["y"].nunique() < 2:
        log.info("eye level: %s has fewer than two groups of at least %d respondents "
                 "(or no variation); not tested", attribute, min_group_n)
        return out
    ranks = stats.rankdata(frame["y"])
    mean_ranks = pd.Series(ranks, index=frame.index).groupby(frame["g"]).mean()
    out[LOWEST_GROUP] = mean_ranks.idxmin()
    out[HIGHEST_GROUP] = mean_ranks.idxmax()
    if len(kept) == 2:
        a, b = kept
        result = mann_whitney(frame.loc[frame["g"] == a, "y"], frame.loc[frame["g"] == b, "y"])
        out.update({TEST: MANN_WHITNEY, C.STATISTIC: result.statistic,
                    C.PVALUE: result.pvalue, C.EFFECT_SIZE: result.rank_biserial,
                    EFFECT_SIZE_KIND: RANK_BISERIAL})
    else:
        k = kruskal(frame, dv="y", between="g", n_boot=0)
        out.update({TEST: KRUSKAL_WALLIS, C.STATISTIC: k.statistic, C.PVALUE: k.pvalue,
                    C.EFFECT_SIZE: k.epsilon_squared, EFFECT_SIZE_KIND: EPSILON_SQUARED})
    return out


