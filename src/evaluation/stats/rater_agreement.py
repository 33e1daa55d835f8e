"""Agreement of raters: Kendall's W and intraclass correlations of idea ratings.

The statistics behind :func:`evaluation.participation.ideas.rater_agreement`: Kendall's
coefficient of concordance and the two-way ICCs of a complete rater x idea block, and the
one-way ICCs of ratings grouped by idea in any design. Import the public names from
:mod:`evaluation.stats`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.errors import IdeaInputError

__all__ = [
    "KendallW",
    "OneWayICC",
    "TwoWayICC",
    "icc_oneway",
    "icc_two_way",
    "kendall_w",
    "oneway_icc_sorted",
]


@dataclass(frozen=True, kw_only=True)
class KendallW:
    """Kendall's coefficient of concordance for one complete rater x item block."""

    statistic: float
    n_raters: int
    n_items: int
    chi2: float
    df: int
    pvalue: float
    tie_correction: float  # sum over raters of sum(t^3 - t) over tied groups


def kendall_w(matrix: np.ndarray | pd.DataFrame) -> KendallW:
    """Kendall's W with the correction for tied ranks.

    Parameters
    ----------
    matrix
        Ratings, one row per rater and one column per item (idea); no missing values.

    Notes
    -----
    Each rater's ratings are ranked (mid-ranks for ties). With :math:`m` raters, :math:`n`
    items, rank sums :math:`R_i` and :math:`T_j = \\sum_g (t_g^3 - t_g)` over the groups of
    tied ratings of rater :math:`j`,

    .. math:: W = \\frac{12 \\sum_i (R_i - \\bar R)^2}{m^2 (n^3 - n) - m \\sum_j T_j},

    :math:`\\bar R = m (n + 1) / 2`. The large-sample test uses :math:`\\chi^2 = m (n - 1) W`
    on :math:`n - 1` degrees of freedom. W is NaN when every rater gave every item the same
    rating (the denominator is zero).

    References
    ----------
    Kendall, M. G., & Babington Smith, B. (1939). The problem of m rankings. *Annals of
    Mathematical Statistics*, 10(3), 275-287. — Siegel, S., & Castellan, N. J. (1988).
    *Nonparametric statistics for the behavioral sciences* (2nd ed.), section 9.4, eq. 9.16.
    """
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise IdeaInputError(f"Kendall's W needs at least 2 raters x 2 items, got shape "
                             f"{x.shape}")
    if np.isnan(x).any():
        rows = sorted({int(i) for i in np.where(np.isnan(x))[0]})
        raise IdeaInputError("Kendall's W needs a complete rater x item matrix; found missing "
                             f"ratings in rows {rows}")
    m, n = x.shape
    from scipy import stats  # here, not at import: report kernels load this module

    ranks = np.apply_along_axis(stats.rankdata, 1, x)
    sums = ranks.sum(axis=0)
    s = float(((sums - m * (n + 1) / 2) ** 2).sum())
    ties = 0.0
    for row in x:
        _, counts = np.unique(row, return_counts=True)
        ties += float((counts**3 - counts).sum())
    denominator = m**2 * (n**3 - n) - m * ties
    w = 12 * s / denominator if denominator > 0 else float("nan")
    chi2 = m * (n - 1) * w
    df = n - 1
    pvalue = float(stats.chi2.sf(chi2, df)) if not np.isnan(w) else float("nan")
    return KendallW(statistic=float(w), n_raters=m, n_items=n, chi2=float(chi2), df=df,
                    pvalue=pvalue, tie_correction=ties)


@dataclass(frozen=True, kw_only=True)
class TwoWayICC:
    """Intraclass correlations of a complete item x rater block (Shrout & Fleiss 1979)."""

    icc1: float  # ICC(1,1): one-way random, single rater
    icc2_1: float  # ICC(2,1): two-way random, absolute agreement, single rater
    icc2_k: float  # ICC(2,k): two-way random, absolute agreement, mean of the k raters
    n_items: int
    n_raters: int


def icc_two_way(matrix: np.ndarray | pd.DataFrame) -> TwoWayICC:
    """ICC(1), ICC(2,1) and ICC(2,k) of ratings, one row per *item* and one column per rater.

    Notes
    -----
    From the two-way ANOVA of :math:`n` targets by :math:`k` judges with mean squares
    :math:`BMS` (targets), :math:`JMS` (judges), :math:`EMS` (residual) and the one-way
    within-target :math:`WMS`:

    .. math::

        ICC(1) = \\frac{BMS - WMS}{BMS + (k - 1) WMS}, \\quad
        ICC(2,1) = \\frac{BMS - EMS}{BMS + (k - 1) EMS + k (JMS - EMS) / n}, \\quad
        ICC(2,k) = \\frac{BMS - EMS}{BMS + (JMS - EMS) / n}.

    Same values as ``psych::ICC`` (rows ICC1, ICC2, ICC2k).

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
    reliability. *Psychological Bulletin*, 86(2), 420-428.
    """
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2 or np.isnan(x).any():
        raise IdeaInputError(f"the ICC needs a complete matrix of at least 2 items x 2 "
                             f"raters, got shape {x.shape} with "
                             f"{int(np.isnan(x).sum()) if x.size else 0} missing")
    n, k = x.shape
    grand = x.mean()
    ss_rows = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_total = ((x - grand) ** 2).sum()
    ss_error = ss_total - ss_rows - ss_cols
    bms = ss_rows / (n - 1)
    jms = ss_cols / (k - 1)
    ems = ss_error / ((n - 1) * (k - 1))
    wms = (ss_cols + ss_error) / (n * (k - 1))

    def ratio(a: float, b: float) -> float:
        return float(a / b) if b != 0 else float("nan")

    return TwoWayICC(icc1=ratio(bms - wms, bms + (k - 1) * wms),
               icc2_1=ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n),
               icc2_k=ratio(bms - ems, bms + (jms - ems) / n), n_items=n, n_raters=k)


@dataclass(frozen=True, kw_only=True)
class OneWayICC:
    """One-way intraclass correlations of ratings grouped by item, unbalanced allowed."""

    icc1: float  # reliability of a single rating
    icc1_k: float  # reliability of an item's mean rating
    n_items: int
    n_ratings: int
    n0: float  # effective number of ratings per item


def icc_oneway(values: Sequence[float] | np.ndarray,
               items: Sequence[object] | np.ndarray) -> OneWayICC:
    """ICC(1) and the reliability of item means from a one-way ANOVA (any design).

    Works when raters rated different subsets of the ideas (the usual case in workshops),
    since raters do not enter the model.

    Notes
    -----
    With :math:`J` items, :math:`N` ratings, :math:`n_j` ratings of item :math:`j`, the
    between- and within-item mean squares :math:`MSB` and :math:`MSW` and
    :math:`n_0 = (N - \\sum_j n_j^2 / N) / (J - 1)`:

    .. math:: ICC(1) = \\frac{MSB - MSW}{MSB + (n_0 - 1) MSW}, \\quad
              ICC(1,k) = \\frac{MSB - MSW}{MSB}.

    In a balanced design :math:`n_0` is the number of raters and the values equal Shrout &
    Fleiss' ICC(1,1) and ICC(1,k) (``psych::ICC`` rows ICC1 and ICC1k); ICC(1,k) is Bliese's
    ICC(2), the reliability of the group means.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations. *Psychological Bulletin*,
    86(2), 420-428. — Bliese, P. D. (2000). Within-group agreement, non-independence, and
    reliability. In K. J. Klein & S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and
    methods in organizations* (pp. 349-381). Jossey-Bass.
    """
    frame = pd.DataFrame({"y": np.asarray(values, dtype=float),
                          "g": np.asarray(items, dtype=object)}).dropna()
    grouped = frame.groupby("g", sort=True)["y"]
    return oneway_icc_sorted(frame["y"].to_numpy(), grouped.ngroup().to_numpy(),
                   grouped.mean().to_numpy())


def oneway_icc_sorted(y: np.ndarray, codes: np.ndarray, means: np.ndarray) -> OneWayICC:
    """:func:`icc_oneway` of ratings ``y`` (no missing values) of items ``codes``.

    ``codes`` numbers the items 0, 1, ... in sorted order and ``means`` holds their mean
    ratings as pandas' group mean computes them (a compensated sum), so that every sum below
    is the one :func:`icc_oneway` has always taken.
    """
    n = y.size
    sizes = np.bincount(codes, minlength=means.size)
    j = sizes.size
    if j < 2 or n - j < 1:
        raise IdeaInputError(f"the one-way ICC needs at least 2 items and more ratings than "
                             f"items, got {j} item(s) and {n} rating(s)")
    grand = y.sum() / n
    msb = float((sizes * (means - grand) ** 2).sum() / (j - 1))
    msw = float(((y - means[codes]) ** 2).sum() / (n - j))
    n0 = float((n - (sizes**2).sum() / n) / (j - 1))
    denominator = msb + (n0 - 1) * msw
    return OneWayICC(icc1=(msb - msw) / denominator if denominator else float("nan"),
                     icc1_k=(msb - msw) / msb if msb else float("nan"), n_items=j,
                     n_ratings=n, n0=n0)
