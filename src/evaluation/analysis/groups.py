"""Rank tests between groups: Kruskal-Wallis, Mann-Whitney, Dunn, p-value adjustment and the
"eye level" (Augenhöhe) check.

Scale scores are bounded, often skewed means of a few Likert items, so groups are compared by
rank tests: Kruskal-Wallis with epsilon squared across several groups, Mann-Whitney with the
rank-biserial correlation for two, pairwise Mann-Whitney or Dunn's test after a significant
Kruskal-Wallis, and Holm or Benjamini-Hochberg adjustment across many tests.
:func:`eye_level` asks whether volunteers, migrant organisations or other actor types rate
trust and benefit differently, and says so in plain English and German.

This module gathers the group comparisons in one place; they are defined in
:mod:`evaluation.stats.rank_tests` (the tests), :mod:`evaluation.stats.multiple_testing` (p-value
adjustment) and :mod:`evaluation.analysis.eye_level` (the eye-level check and its wording).
"""

from __future__ import annotations

from evaluation.analysis.eye_level import (
    ATTRIBUTE,
    DIFFERENT,
    DROPPED_GROUPS,
    EFFECT_SIZE_KIND,
    GROUPS,
    HIGHEST_GROUP,
    LOWEST_GROUP,
    N_GROUPS,
    READING_DE,
    READING_EN,
    TEST,
    eye_level,
)
from evaluation.stats.multiple_testing import PAdjust, adjust_pvalues
from evaluation.stats.rank_tests import (
    DUNN,
    EPSILON_SQUARED,
    GROUP_A,
    GROUP_B,
    KRUSKAL_WALLIS,
    MANN_WHITNEY,
    N_A,
    N_B,
    RANK_BISERIAL,
    KruskalResult,
    MannWhitneyResult,
    dunn,
    epsilon_squared,
    kruskal,
    mann_whitney,
    pairwise_mann_whitney,
)
from evaluation.stats.rank_tests import _h_statistic as _h_statistic  # checked by the tests

__all__ = [
    "ATTRIBUTE", "DIFFERENT", "DROPPED_GROUPS", "DUNN", "EFFECT_SIZE_KIND", "EPSILON_SQUARED",
    "GROUPS", "GROUP_A", "GROUP_B", "HIGHEST_GROUP", "KRUSKAL_WALLIS", "LOWEST_GROUP",
    "MANN_WHITNEY", "N_A", "N_B", "N_GROUPS", "RANK_BISERIAL", "READING_DE", "READING_EN",
    "TEST", "KruskalResult", "MannWhitneyResult", "PAdjust", "adjust_pvalues", "dunn",
    "epsilon_squared", "eye_level", "kruskal", "mann_whitney", "pairwise_mann_whitney",
]
