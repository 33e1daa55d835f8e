"""ICC(1) and ICC(2) from the one-way ANOVA of a value across groups.

ICC(1) is the share of variance between groups (Bliese 2000), ICC(2) the reliability of the
group means. :func:`icc` takes a tidy frame and column names; :func:`icc_from_codes` takes
finite values and integer group codes, for callers that factorised the groups already.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from evaluation import columns as C
from evaluation.errors import InsufficientDataError, StatisticsInputError
from evaluation.stats.checks import numeric_values, require_columns

__all__ = ["ICCResult", "icc", "icc_from_codes"]


# ---------------------------------------------------------------------------------------------
# ICC(1) and ICC(2) from the one-way ANOVA


@dataclass(frozen=True, kw_only=True)
class ICCResult:
    """ICC(1), ICC(2) and the one-way ANOVA they come from.

    ``group_size`` is the k used in ICC(1) and ``group_size_method`` says which one
    (``"k0"`` or ``"mean"``); ``statistic`` and ``pvalue`` are the ANOVA F test of equal
    group means.
    """

    icc1: float
    icc2: float
    ms_between: float
    ms_within: float
    df_between: int
    df_within: int
    statistic: float
    pvalue: float
    n: int
    n_groups: int
    group_size: float
    group_size_method: str


def icc(
    frame: pd.DataFrame,
    *,
    value: str = C.SCORE,
    group: str = C.SITE,
    group_size: Literal["k0", "mean"] = "k0",
) -> ICCResult:
    """ICC(1) and ICC(2) of ``value`` within ``group`` from a one-way ANOVA.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent (of one wave and one scale).
    value, group : str
        Column names of the score and of the site.
    group_size : {"k0", "mean"}
        The group size k in ICC(1). ``"k0"`` (default) is the usual correction for unequal
        group sizes, ``k0 = (N - sum(n_g^2) / N) / (G - 1)``; ``"mean"`` is ``N / G`` as in
        R ``multilevel::ICC1``. Both agree when all groups have the same size.

    Returns
    -------
    ICCResult

    Raises
    ------
    InsufficientDataError
        With fewer than two groups or no degrees of freedom within groups.

    Notes
    -----
    With G groups of sizes :math:`n_g`, N respondents, group means :math:`\\bar y_g` and grand
    mean :math:`\\bar y`:

    .. math::

        MSB = \\frac{\\sum_g n_g(\\bar y_g - \\bar y)^2}{G-1},\\quad
        MSW = \\frac{\\sum_g\\sum_i (y_{gi} - \\bar y_g)^2}{N-G}

        ICC(1) = \\frac{MSB - MSW}{MSB + (k-1)\\,MSW},\\quad
        ICC(2) = \\frac{MSB - MSW}{MSB}

    ICC(1) is the share of variance due to the site (it can be negative when sites differ
    less than chance would make them); ICC(2) is the reliability of a site mean, the
    Spearman-Brown step-up of ICC(1) to k respondents, and does not depend on which k is
    used. Rows with a missing value are dropped.

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability. In K. J.
    Klein & S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and methods in
    organizations* (pp. 349-381). Jossey-Bass.

    Snedecor, G. W., & Cochran, W. G. (1989). *Statistical methods* (8th ed.), section 13.9
    (k0 for unequal group sizes).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"site": list("aaabbbccc"),
    ...                       "score": [1, 2, 3, 3, 4, 5, 2, 3, 4]})
    >>> result = icc(frame)
    >>> round(result.icc1, 4), round(result.icc2, 4)
    (0.4, 0.6667)

    In R: ``m <- summary(aov(score ~ factor(site), d))[[1]]; msb <- m[1, 3]; msw <- m[2, 3]``
    then ``(msb - msw) / (msb + (k - 1) * msw)`` and ``(msb - msw) / msb``, or
    ``multilevel::ICC1(aov(...))`` for ``group_size="mean"``.
    """
    require_columns(frame, [value, group])
    if group_size not in ("k0", "mean"):
        raise StatisticsInputError(f"group_size must be 'k0' or 'mean', got {group_size!r}")
    y = numeric_values(frame, value)
    keep = y.notna() & frame[group].notna()
    y, g = y[keep].to_numpy(), frame.loc[keep, group].to_numpy()
    codes, uniques = pd.factorize(g)
    return icc_from_codes(y, codes, len(uniques), group_size=group_size, group=group)


def icc_from_codes(y: np.ndarray, codes: np.ndarray, n_codes: int, *, group_size: str, group: str
         ) -> ICCResult:
    """:func:`icc` from finite values and their group codes (codes without rows allowed)."""
    sizes = np.bincount(codes, minlength=n_codes).astype(float)
    present = sizes > 0
    n_groups, n = int(present.sum()), len(y)
    if n_groups < 2 or n - n_groups < 1:
        raise InsufficientDataError(
            f"ICC needs at least two groups and more respondents than groups; got "
            f"{n} respondent(s) in {n_groups} group(s) of column {group!r}"
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.bincount(codes, weights=y, minlength=n_codes) / sizes
    grand = y.mean()
    ss_between = float(np.sum(sizes[present] * (means[present] - grand) ** 2))
    ss_within = float(np.sum((y - means[codes]) ** 2))
    df_b, df_w = n_groups - 1, n - n_groups
    msb, msw = ss_between / df_b, ss_within / df_w
    k = (n - np.sum(sizes**2) / n) / df_b if group_size == "k0" else n / n_groups
    with np.errstate(divide="ignore", invalid="ignore"):
        icc1 = (msb - msw) / (msb + (k - 1) * msw) if msb + (k - 1) * msw > 0 else np.nan
        icc2 = (msb - msw) / msb if msb > 0 else np.nan
        f_stat = msb / msw if msw > 0 else (np.inf if msb > 0 else np.nan)
    pvalue = float(stats.f.sf(f_stat, df_b, df_w)) if np.isfinite(f_stat) else (
        0.0 if f_stat == np.inf else np.nan)
    return ICCResult(
        icc1=float(icc1), icc2=float(icc2), ms_between=msb, ms_within=msw,
        df_between=df_b, df_within=df_w, statistic=float(f_stat), pvalue=pvalue,
        n=n, n_groups=n_groups, group_size=float(k), group_size_method=group_size,
    )
