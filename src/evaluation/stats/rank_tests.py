"""Rank tests between groups: Kruskal-Wallis, Mann-Whitney and Dunn.

Scale scores are bounded, often skewed means of a few Likert items, so groups are compared by
rank tests: Kruskal-Wallis with epsilon squared across several groups, Mann-Whitney with the
rank-biserial correlation for two, and pairwise Mann-Whitney or Dunn's test after a significant
Kruskal-Wallis, with p-values adjusted across pairs (:mod:`evaluation.stats.multiple_testing`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.errors import InsufficientDataError
from evaluation.stats.checks import check_confidence, numeric_values, require_columns
from evaluation.stats.multiple_testing import PAdjust, adjust_pvalues

__all__ = [
    "DUNN",
    "EPSILON_SQUARED",
    "GROUP_A",
    "GROUP_B",
    "KRUSKAL_WALLIS",
    "MANN_WHITNEY",
    "N_A",
    "N_B",
    "RANK_BISERIAL",
    "KruskalResult",
    "MannWhitneyResult",
    "dunn",
    "epsilon_squared",
    "kruskal",
    "mann_whitney",
    "pairwise_mann_whitney",
]

# column names of the pairwise tables (in addition to evaluation.columns)
GROUP_A = "group_a"
GROUP_B = "group_b"
N_A = "n_a"
N_B = "n_b"

# names of the tests and effect sizes (values of the test and effect_size_kind columns of
# evaluation.analysis.eye_level.eye_level)
MANN_WHITNEY = "mann_whitney"
KRUSKAL_WALLIS = "kruskal_wallis"
DUNN = "dunn"
RANK_BISERIAL = "rank_biserial"
EPSILON_SQUARED = "epsilon_squared"


# ---------------------------------------------------------------------------------------------
# Kruskal-Wallis with epsilon squared


@dataclass(frozen=True, kw_only=True)
class KruskalResult:
    """Kruskal-Wallis H test (tie-corrected) with epsilon squared and its bootstrap CI."""

    statistic: float
    df: int
    pvalue: float
    n: int
    n_groups: int
    epsilon_squared: float
    ci_low: float
    ci_high: float
    confidence: float
    n_boot: int
    seed: int | None


def _groups(frame: pd.DataFrame, dv: str, between: str) -> tuple[np.ndarray, np.ndarray,
                                                                   np.ndarray]:
    require_columns(frame, [dv, between])
    y = numeric_values(frame, dv)
    keep = y.notna() & frame[between].notna()
    values = y[keep].to_numpy(dtype=float)
    codes, labels = pd.factorize(frame.loc[keep, between], sort=True)
    return values, codes, np.asarray(labels)


def _h_statistic(values: np.ndarray, codes: np.ndarray) -> float:
    """Tie-corrected Kruskal-Wallis H; NaN with fewer than two groups or all values tied."""
    from scipy import stats  # here, not at import: report kernels load this module

    present = np.unique(codes)
    if len(present) < 2:
        return np.nan
    n = len(values)
    ranks = stats.rankdata(values)
    _, ties = np.unique(values, return_counts=True)
    correction = 1 - np.sum(ties**3 - ties) / (n**3 - n)
    if correction <= 0:
        return np.nan
    sizes = np.bincount(codes)
    sums = np.bincount(codes, weights=ranks)
    used = sizes > 0
    h = 12 / (n * (n + 1)) * np.sum(sums[used] ** 2 / sizes[used]) - 3 * (n + 1)
    return float(h / correction)


def epsilon_squared(statistic: float, n: int) -> float:
    """Epsilon squared of a Kruskal-Wallis H: ``H / ((n^2 - 1) / (n + 1))`` = ``H / (n - 1)``."""
    return float(statistic / ((n**2 - 1) / (n + 1)))


def kruskal(
    frame: pd.DataFrame,
    *,
    dv: str = C.SCORE,
    between: str = C.SITE,
    n_boot: int = 2000,
    confidence: float = 0.95,
    seed: int | None = 0,
) -> KruskalResult:
    """Kruskal-Wallis test of ``dv`` across ``between`` groups, with epsilon squared.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent.
    dv, between : str
        Column names of the score and of the grouping.
    n_boot : int
        Bootstrap resamples for the interval of epsilon squared (0 skips it).
    confidence : float
        Level of the percentile interval.
    seed : int or None
        Seed of ``numpy.random.default_rng``; the same seed gives the same interval.

    Returns
    -------
    KruskalResult

    Raises
    ------
    InsufficientDataError
        With fewer than two groups or when all values are equal.

    Notes
    -----
    H is SciPy's tie-corrected statistic (as R ``kruskal.test``), referred to
    :math:`\\chi^2_{G-1}`. Epsilon squared is
    :math:`\\varepsilon^2 = H / ((n^2 - 1)/(n + 1)) = H/(n-1)`, as
    ``rcompanion::epsilonSquared``. The interval resamples respondents with replacement
    (not stratified by group, as rcompanion via ``boot``) and takes the percentile interval
    of the resampled epsilon squared; resamples with a single group are skipped. Rough
    magnitudes (Tomczak & Tomczak 2014, as used by rcompanion): .01 small, .08 medium,
    .26 large.

    References
    ----------
    Kelley, T. L. (1935). An unbiased correlation ratio measure. *PNAS, 21*(9), 554-559.

    Tomczak, M., & Tomczak, E. (2014). The need to report effect size estimates revisited.
    *Trends in Sport Sciences, 1*(21), 19-25.

    Examples
    --------
    In R: ``h <- kruskal.test(score ~ factor(site), d)$statistic;
    h / ((n^2 - 1) / (n + 1))`` (``rcompanion::epsilonSquared(d$score, d$site)``).
    """
    from scipy import stats  # here, not at import: report kernels load this module

    check_confidence(confidence)
    values, codes, labels = _groups(frame, dv, between)
    if len(labels) < 2:
        raise InsufficientDataError(
            f"Kruskal-Wallis needs at least two groups in column {between!r}; "
            f"found {labels.tolist()}")
    if np.unique(values).size < 2:
        raise InsufficientDataError(
            f"Kruskal-Wallis is undefined when all {len(values)} values of {dv!r} are equal")
    samples = [values[codes == k] for k in range(len(labels))]
    h, p = stats.kruskal(*samples)
    n = len(values)
    eps = epsilon_squared(float(h), n)
    low = high = np.nan
    if n_boot:
        rng = np.random.default_rng(seed)
        boot = np.empty(n_boot)
        for b in range(n_boot):
            idx = rng.integers(0, n, n)
            boot[b] = _h_statistic(values[idx], codes[idx])
        boot = boot[np.isfinite(boot)] / (n - 1)
        if len(boot):
            alpha = 1 - confidence
            low, high = (float(v) for v in np.quantile(boot, [alpha / 2, 1 - alpha / 2]))
    return KruskalResult(statistic=float(h), df=len(labels) - 1, pvalue=float(p), n=n,
                         n_groups=len(labels), epsilon_squared=eps, ci_low=low, ci_high=high,
                         confidence=confidence, n_boot=int(n_boot), seed=seed)


# ---------------------------------------------------------------------------------------------
# Mann-Whitney with the rank-biserial correlation


@dataclass(frozen=True, kw_only=True)
class MannWhitneyResult:
    """Mann-Whitney U test with the rank-biserial correlation.

    ``statistic`` is U of the first sample (R's ``W``); ``rank_biserial`` is positive when
    the first sample tends to have the higher values.
    """

    statistic: float
    pvalue: float
    rank_biserial: float
    n1: int
    n2: int
    alternative: str
    method: str
    use_continuity: bool


def mann_whitney(
    x: Sequence[float] | np.ndarray | pd.Series,
    y: Sequence[float] | np.ndarray | pd.Series,
    *,
    alternative: Literal["two-sided", "less", "greater"] = "two-sided",
    method: Literal["asymptotic", "exact", "auto"] = "asymptotic",
    use_continuity: bool = True,
) -> MannWhitneyResult:
    """Mann-Whitney U test of two samples with the rank-biserial correlation (NaN dropped).

    Parameters
    ----------
    x, y : array-like
        The two samples.
    alternative : {"two-sided", "less", "greater"}
        As in SciPy.
    method : {"asymptotic", "exact", "auto"}
        p-value method of ``scipy.stats.mannwhitneyu``. The default normal approximation
        with tie correction is what R's ``wilcox.test(exact = FALSE)`` computes, and is the
        only choice when there are ties (the rule with Likert scores).
    use_continuity : bool
        Continuity correction of the normal approximation (R's ``correct``; default True as
        in both R and SciPy).

    Returns
    -------
    MannWhitneyResult

    Notes
    -----
    With :math:`U_1` the U statistic of ``x`` (pairs with x > y plus half the ties) and
    :math:`U_2 = n_1 n_2 - U_1`:

    .. math::

        r = 1 - \\frac{2 U_2}{n_1 n_2} = \\frac{2 U_1}{n_1 n_2} - 1
          = P(X > Y) - P(X < Y)

    so r > 0 means that ``x`` tends to be higher. Rough magnitudes: .1 small, .3 medium,
    .5 large.

    References
    ----------
    Kerby, D. S. (2014). The simple difference formula: an approach to teaching
    nonparametric correlation. *Comprehensive Psychology, 3*, 11.IT.3.1.

    Examples
    --------
    >>> result = mann_whitney([3, 4, 5, 5], [1, 2, 3])
    >>> result.statistic, round(result.rank_biserial, 4)
    (11.5, 0.9167)

    In R: ``wilcox.test(x, y, exact = FALSE, correct = TRUE)`` (``W`` is the statistic);
    ``2 * W / (n1 * n2) - 1`` is the rank-biserial r.
    """
    from scipy import stats  # here, not at import: report kernels load this module

    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) == 0 or len(b) == 0:
        raise InsufficientDataError(
            f"Mann-Whitney needs values in both samples; got {len(a)} and {len(b)}")
    result = stats.mannwhitneyu(a, b, use_continuity=use_continuity, alternative=alternative,
                                method=method)
    u1 = float(result.statistic)
    return MannWhitneyResult(statistic=u1, pvalue=float(result.pvalue),
                             rank_biserial=2 * u1 / (len(a) * len(b)) - 1, n1=len(a),
                             n2=len(b), alternative=alternative, method=method,
                             use_continuity=use_continuity)


def pairwise_mann_whitney(
    frame: pd.DataFrame,
    *,
    dv: str = C.SCORE,
    between: str = C.SITE,
    padjust: PAdjust = "holm",
    use_continuity: bool = True,
) -> pd.DataFrame:
    """Mann-Whitney U tests between every pair of groups, p-values adjusted across pairs.

    Returns
    -------
    pandas.DataFrame
        One row per pair (groups in sorted order, ``group_a < group_b``): ``group_a,
        group_b, n_a, n_b, statistic`` (U of group_a), ``pvalue, pvalue_adj,
        effect_size`` (rank-biserial r, positive when group_a is higher).

    Examples
    --------
    In R: ``pairwise.wilcox.test(d$score, d$site, p.adjust.method = "holm",
    exact = FALSE, correct = TRUE)``.
    """
    values, codes, labels = _groups(frame, dv, between)
    if len(labels) < 2:
        raise InsufficientDataError(
            f"pairwise tests need at least two groups in {between!r}; found {labels.tolist()}")
    rows = []
    for i, j in itertools.combinations(range(len(labels)), 2):
        result = mann_whitney(values[codes == i], values[codes == j],
                              use_continuity=use_continuity)
        rows.append({GROUP_A: labels[i], GROUP_B: labels[j], N_A: result.n1, N_B: result.n2,
                     C.STATISTIC: result.statistic, C.PVALUE: result.pvalue,
                     C.EFFECT_SIZE: result.rank_biserial})
    table = pd.DataFrame(rows)
    table.insert(6, C.PVALUE_ADJ, adjust_pvalues(table[C.PVALUE], padjust))
    return table


def dunn(
    frame: pd.DataFrame,
    *,
    dv: str = C.SCORE,
    between: str = C.SITE,
    padjust: PAdjust = "holm",
) -> pd.DataFrame:
    """Dunn's test of every pair of groups on the joint ranks, p-values adjusted.

    Returns
    -------
    pandas.DataFrame
        One row per pair (``group_a < group_b``): ``group_a, group_b, n_a, n_b, statistic``
        (z, positive when group_a has the higher mean rank), ``pvalue`` (two-sided),
        ``pvalue_adj``.

    Notes
    -----
    With ranks over all N values, mean ranks :math:`\\bar R_a, \\bar R_b` and the tie
    counts :math:`t` of the joint ranking:

    .. math::

        z = \\frac{\\bar R_a - \\bar R_b}
                 {\\sqrt{\\left(\\frac{N(N+1)}{12} - \\frac{\\sum (t^3 - t)}{12(N-1)}\\right)
                         \\left(\\frac1{n_a} + \\frac1{n_b}\\right)}}

    References
    ----------
    Dunn, O. J. (1964). Multiple comparisons using rank sums. *Technometrics, 6*(3),
    241-252.

    Examples
    --------
    In R: ``dunn.test::dunn.test(d$score, d$site, method = "holm")`` gives the same z
    (with the sign of the first-named group minus the second) and, doubling its one-sided
    p-values, the same two-sided p-values; ``tests/reference/groups.R`` computes it by hand.
    """
    from scipy import stats  # here, not at import: report kernels load this module

    values, codes, labels = _groups(frame, dv, between)
    if len(labels) < 2:
        raise InsufficientDataError(
            f"Dunn's test needs at least two groups in {between!r}; found {labels.tolist()}")
    n = len(values)
    ranks = stats.rankdata(values)
    _, ties = np.unique(values, return_counts=True)
    variance = n * (n + 1) / 12 - np.sum(ties**3 - ties) / (12 * (n - 1))
    sizes = np.bincount(codes)
    mean_ranks = np.bincount(codes, weights=ranks) / sizes
    rows = []
    for i, j in itertools.combinations(range(len(labels)), 2):
        se = np.sqrt(variance * (1 / sizes[i] + 1 / sizes[j]))
        z = (mean_ranks[i] - mean_ranks[j]) / se if se > 0 else np.nan
        rows.append({GROUP_A: labels[i], GROUP_B: labels[j], N_A: int(sizes[i]),
                     N_B: int(sizes[j]), C.STATISTIC: float(z),
                     C.PVALUE: float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else np.nan})
    table = pd.DataFrame(rows)
    table[C.PVALUE_ADJ] = adjust_pvalues(table[C.PVALUE], padjust)
    return table
