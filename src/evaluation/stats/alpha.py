"""Cronbach's alpha of a multi-item scale, with the Feldt confidence interval.

The coefficient functions take a wide table (rows are respondents, columns the items of one
scale, already reverse-keyed, NaN for every missing category) and return frozen result
records; :func:`alpha_from_cov` and :func:`feldt_interval` work on whole stacks of
covariance matrices (one per site) at once. Import the public names from
:mod:`evaluation.stats`; :func:`~evaluation.analysis.reliability.reliability_table` (in
:mod:`evaluation.analysis`) puts alpha and omega of every scale into one table.

Missing answers are handled as in R's ``psych::alpha``: ``nan_policy="pairwise"`` (the
default, as ``use = "pairwise"``) estimates every covariance from the respondents who
answered both items; ``nan_policy="listwise"`` keeps only respondents who answered every
item of the scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from evaluation.stats.covariance import (
    NanPolicy,
    ReliabilityError,
    as_matrix,
    check_nan_policy,
    check_reliability_confidence,
    effective_n,
    moments,
)


@dataclass(frozen=True, kw_only=True)
class AlphaResult:
    """Cronbach's alpha of one scale with its Feldt confidence interval.

    ``n`` is the number of respondents behind the estimate: the complete cases for
    ``nan_policy="listwise"``, the smallest number of respondents who answered a pair of
    items for ``"pairwise"``; the interval uses this ``n``.
    """

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    n_items: int
    confidence: float
    nan_policy: str


def alpha_from_cov(cov: np.ndarray) -> np.ndarray:
    """Cronbach's alpha from one covariance matrix or a stack of them (last two axes).

    ``k / (k - 1) * (1 - trace(C) / sum(C))``; NaN where ``C`` has a NaN, where the total
    variance is not positive (zero up to rounding: at most ``1e-12`` times the summed absolute
    covariances, as when every respondent has the same total), or for fewer than two items.
    """
    cov = np.asarray(cov, dtype=float)
    k = cov.shape[-1]
    if k < 2:
        return np.full(cov.shape[:-2], np.nan)
    trace = np.trace(cov, axis1=-2, axis2=-1)
    total = cov.sum(axis=(-2, -1))
    scale = np.abs(cov).sum(axis=(-2, -1))
    ok = np.isfinite(total) & (total > 1e-12 * scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = k / (k - 1) * (1 - trace / total)
    return np.where(ok, alpha, np.nan)


def feldt_interval(alpha: float | np.ndarray, *, n: int | np.ndarray,
                   n_items: int, confidence: float = 0.95
                   ) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Feldt confidence interval of Cronbach's alpha.

    Parameters
    ----------
    alpha : float or array
        Sample alpha.
    n : int or array
        Number of respondents.
    n_items : int
        Number of items ``k``.
    confidence : float
        Coverage of the interval.

    Returns
    -------
    ci_low, ci_high
        NaN where ``n < 2``, ``n_items < 2`` or alpha is NaN.

    Notes
    -----
    With :math:`\\gamma = 1 - \\text{confidence}`, :math:`df_1 = n - 1` and
    :math:`df_2 = (n - 1)(k - 1)`, the limits are
    :math:`1 - (1 - \\alpha) F_{1-\\gamma/2}(df_1, df_2)` and
    :math:`1 - (1 - \\alpha) F_{\\gamma/2}(df_1, df_2)` (Feldt, Woodruff & Salih, 1987).

    References
    ----------
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
    coefficient alpha. *Applied Psychological Measurement*, 11(1), 93-103.

    Examples
    --------
    Same numbers as R ``psych::alpha.ci(0.7, n.obs = 100, n.var = 5)``:

    >>> low, high = feldt_interval(0.7, n=100, n_items=5)
    >>> round(float(low), 3), round(float(high), 3)
    (0.596, 0.784)
    """
    check_reliability_confidence(confidence)
    alpha_arr = np.asarray(alpha, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    ok = (n_arr >= 2) & (n_items >= 2) & np.isfinite(alpha_arr)
    df1 = np.where(ok, n_arr - 1, 1.0)
    df2 = df1 * max(n_items - 1, 1)
    gamma = 1 - confidence
    # special.fdtri is the quantile function behind stats.f.ppf, without its argument checks
    low = np.where(ok, 1 - (1 - alpha_arr) * special.fdtri(df1, df2, 1 - gamma / 2), np.nan)
    high = np.where(ok, 1 - (1 - alpha_arr) * special.fdtri(df1, df2, gamma / 2), np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def cronbach_alpha(items: pd.DataFrame | np.ndarray, *, nan_policy: NanPolicy = "pairwise",
                   confidence: float = 0.95) -> AlphaResult:
    """Cronbach's alpha with a Feldt confidence interval.

    Parameters
    ----------
    items : DataFrame or 2-d array
        Respondents in rows, the items of one scale in columns, reverse-keyed items already
        rescored (see :func:`evaluation.analysis.scales.reverse_score`), NaN for missing answers
        (including "kann ich nicht beurteilen").
    nan_policy : {"pairwise", "listwise"}
        ``"pairwise"`` uses the pairwise-complete covariance matrix (R ``psych::alpha`` with
        ``use = "pairwise"``); ``"listwise"`` keeps complete rows only.
    confidence : float
        Coverage of the Feldt interval.

    Returns
    -------
    AlphaResult

    Raises
    ------
    ReliabilityError
        Fewer than two items, non-numeric columns, or an unknown ``nan_policy``.

    Notes
    -----
    :math:`\\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_i \\sigma_i^2}{\\sum_{i,j}
    \\sigma_{ij}}\\right)` with :math:`\\sigma_{ij}` the item covariances. For the
    interval see :func:`feldt_interval`; its ``n`` is the number of complete rows
    (listwise) or the smallest pairwise count (pairwise, a conservative choice). A
    pairwise covariance matrix need not be positive semi-definite, so with many missing
    answers pairwise alpha can fall outside [0, 1] (as in ``psych::alpha``).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16, 297-334.

    Examples
    --------
    R: ``psych::alpha(x, use = "pairwise")$total$raw_alpha``.

    >>> import numpy as np
    >>> x = np.array([[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5], [5, 5, 4]])
    >>> round(cronbach_alpha(x).alpha, 4)  # 3/2 * (1 - 5.6 / 14.7)
    0.9286
    """
    check_nan_policy(nan_policy)
    check_reliability_confidence(confidence)
    x = as_matrix(items)
    k = x.shape[1]
    if k < 2:
        raise ReliabilityError(f"Cronbach's alpha needs at least two items; got {k}")
    counts, cov, _ = moments(x, nan_policy)
    n = int(effective_n(counts))
    alpha = float(alpha_from_cov(cov))
    low, high = feldt_interval(alpha, n=n, n_items=k, confidence=confidence)
    return AlphaResult(alpha=alpha, ci_low=float(low), ci_high=float(high), n=n, n_items=k,
                       confidence=confidence, nan_policy=nan_policy)


__all__ = ["AlphaResult", "alpha_from_cov", "cronbach_alpha", "feldt_interval"]
