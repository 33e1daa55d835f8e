"""Means with t intervals and Welch's difference: for one sample, or for many groups at once.

:func:`mean_ci` and :func:`welch_difference` take one or two samples. The array versions
(:func:`group_moments`, :func:`complement_moments`, :func:`t_intervals`, :func:`welch_arrays`)
compute the same numbers for every group of a grouped sample in a few vectorised passes;
:func:`evaluation.analysis.compare.site_vs_pool` (each site against the pool without it) and
:func:`evaluation.analysis.waves.wave_change` (each site's change between two waves) use them, so
that thousands of sites cost no more than a few scans of the data. :func:`group_rows` and
:func:`sorted_codes` give them the comparison groups and the sites as integer positions and
codes, so that no DataFrame is split per group or site.

:func:`group_moments` gives the same means and variances, bit for bit, as NumPy gives for
each group's values taken out on their own (``x.mean()``, ``x.var(ddof=1)``): the values of
all groups of one size are gathered into one matrix and reduced along its rows, which NumPy
sums pairwise exactly as it sums a single row. :func:`welch_arrays` then repeats the
arithmetic of :func:`welch_difference` operation by operation, so equal moments give equal
results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.stats.checks import check_confidence

#: :func:`complement_moments` recomputes a complement directly when its sum of squares is
#: below this share of the sums it is obtained from by subtraction (see its Notes).
DIRECT_SHARE = 1e-2
#: R's ``t.test`` stops with "data are essentially constant" when the standard error is below
#: this multiple of the mean's size (``10 * .Machine$double.eps``); we give no interval then.
CONSTANT_TOLERANCE = 10 * np.finfo(float).eps


def _essentially_constant(se: Any, size: Any) -> Any:
    """Whether a standard error is zero or below R's ``10 * eps`` of the mean's size (scalars
    or arrays): the data are essentially constant and give no interval or test."""
    return (se == 0) | (se < CONSTANT_TOLERANCE * size)


def mean_ci(values: Sequence[float] | np.ndarray | pd.Series, *, confidence: float = 0.95
            ) -> tuple[float, float, float, float, float]:
    """Mean, sd, se and the t confidence interval of a sample (NaN dropped).

    ``mean ± t_(n-1, 1-alpha/2) · sd/√n``, as ``t.test(x)$conf.int`` in R. Returns
    ``(mean, sd, se, ci_low, ci_high)``; sd, se and the interval are NaN for n < 2, and the
    interval is NaN for data that are essentially constant (R's rule,
    ``se < 10 · eps · |mean|``, where ``t.test`` stops).
    """
    check_confidence(confidence)
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return (np.nan,) * 5
    mean = float(x.mean())
    if n < 2:
        return mean, np.nan, np.nan, np.nan, np.nan
    sd = float(x.std(ddof=1))
    se = sd / np.sqrt(n)
    if _essentially_constant(se, abs(mean)):
        return mean, sd, se, np.nan, np.nan
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * se
    return mean, sd, se, mean - half, mean + half


def welch_difference(x: Sequence[float] | np.ndarray | pd.Series,
                     y: Sequence[float] | np.ndarray | pd.Series,
                     *, confidence: float = 0.95) -> tuple[float, float, float, float, float,
                                                           float]:
    """Welch's difference ``mean(x) - mean(y)`` with its interval, t, df and p (NaN dropped).

    Returns ``(difference, ci_low, ci_high, statistic, df, pvalue)``, all NaN when a sample
    has fewer than two values. As ``t.test(x, y, var.equal = FALSE)`` in R.

    Notes
    -----
    :math:`se = \\sqrt{s_x^2/n_x + s_y^2/n_y}`, Welch-Satterthwaite
    :math:`df = se^4 / ((s_x^2/n_x)^2/(n_x-1) + (s_y^2/n_y)^2/(n_y-1))`, interval
    :math:`d \\pm t_{df,1-\\alpha/2}\\,se`. When both samples are constant (both variances
    zero) there is nothing to test: the difference is given, the interval, t, df and p are NaN
    ("not computable"), as R's ``t.test`` refuses such data ("data are essentially constant").
    """
    check_confidence(confidence)
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) < 2 or len(b) < 2:
        return (np.nan,) * 6
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    diff = float(a.mean() - b.mean())
    se = float(np.sqrt(va + vb))
    if _essentially_constant(se, max(abs(a.mean()), abs(b.mean()))):
        return diff, np.nan, np.nan, np.nan, np.nan, np.nan  # constant: no test, no interval
    df = float((va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1)))
    t = diff / se
    half = float(stats.t.ppf(0.5 + confidence / 2, df) * se)
    pvalue = float(2 * stats.t.sf(abs(t), df))
    return diff, diff - half, diff + half, t, df, pvalue


# -- many groups at once ------------------------------------------------------------------


def group_rows(frame: pd.DataFrame, by: Sequence[str]
               ) -> list[tuple[tuple[Any, ...], np.ndarray]]:
    """Key and row positions of every group of ``frame.groupby(by, sort=True, observed=True)``.

    Keys are tuples, in the order in which that groupby gives them; positions ascend, so the
    values of a group keep their order. Rows with a missing key belong to no group (as in the
    groupby); without ``by`` there is one group of all rows. Only integer positions are
    returned, so the caller takes the columns it needs without copying the frame per group.
    """
    if not by:
        return [((), np.arange(len(frame)))]
    grouped = frame.groupby(list(by), sort=True, observed=True)
    number = grouped.ngroup()
    keys = grouped.size().index
    rows = np.flatnonzero(number.notna().to_numpy() & (number.to_numpy() >= 0))
    codes = number.to_numpy()[rows].astype(np.intp)
    rows = rows[stable_order(codes, len(keys))]
    bounds = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=len(keys)))))
    return [(key if isinstance(key, tuple) else (key,), rows[bounds[g]:bounds[g + 1]])
            for g, key in enumerate(keys)]


def sorted_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes that number the values of ``column`` in sorted order, and the labels.

    The numbering of ``column.groupby(column, sort=True, observed=True)`` (category order for
    a categorical column); -1 for a missing value. Within any subset of the rows, ordering
    the codes orders the labels as a groupby of that subset would.
    """
    grouped = column.groupby(column, sort=True, observed=True)
    number = grouped.ngroup()
    codes = np.where(number.notna().to_numpy(), number.to_numpy(), -1).astype(np.intp)
    return codes, np.asarray(grouped.size().index, dtype=object)


def renumber(codes: np.ndarray, n_codes: int) -> tuple[np.ndarray, np.ndarray]:
    """The codes that occur (ascending) and every code's position among them.

    As ``np.unique(codes, return_inverse=True)`` for codes in ``range(n_codes)``, without a
    sort.
    """
    present = np.flatnonzero(np.bincount(codes, minlength=n_codes))
    position = np.zeros(n_codes, dtype=np.intp)
    position[present] = np.arange(len(present))
    return present, position[codes]


def stable_order(codes: np.ndarray, n_codes: int) -> np.ndarray:
    """``np.argsort(codes, kind="stable")`` for codes in ``range(n_codes)``; fewer than
    65,536 codes are sorted as 16-bit integers, for which NumPy uses a radix sort."""
    if n_codes <= np.iinfo(np.uint16).max + 1:
        return np.argsort(codes.astype(np.uint16), kind="stable")
    return np.argsort(codes, kind="stable")


@dataclass(frozen=True, kw_only=True, eq=False)
class Moments:
    """Count, mean and variance (``ddof=1``) per group; NaN where undefined or not asked."""

    n: np.ndarray
    mean: np.ndarray
    var: np.ndarray


def group_moments(values: np.ndarray, codes: np.ndarray, n_groups: int, *,
                  which: np.ndarray | None = None) -> Moments:
    """Count, mean and variance of the values of every group, as NumPy computes them alone.

    Parameters
    ----------
    values : 1-d float array
        The sample (finite).
    codes : 1-d int array
        Group of every value, ``0 <= code < n_groups``.
    n_groups : int
        Number of groups.
    which : boolean array over the groups, optional
        Compute mean and variance only for these groups (the others get NaN; their count
        is still returned).

    Returns
    -------
    Moments
        ``mean`` is NaN for empty groups, ``var`` for groups of fewer than two values.
        ``mean[g]`` and ``var[g]`` equal ``x.mean()`` and ``x.var(ddof=1)`` of
        ``x = values[codes == g]`` bit for bit.
    """
    n = np.bincount(codes, minlength=n_groups)
    mean = np.full(n_groups, np.nan)
    var = np.full(n_groups, np.nan)
    wanted = (n > 0) if which is None else (n > 0) & which
    if not wanted.any():
        return Moments(n=n, mean=mean, var=var)
    order = stable_order(codes, n_groups)  # keeps every group's values in their order
    ordered = values[order]
    starts = np.cumsum(n) - n
    sizes = n[wanted]
    for size in np.unique(sizes):
        groups = np.flatnonzero(wanted & (n == size))
        block = ordered[starts[groups][:, None] + np.arange(size)]
        mean[groups] = block.mean(axis=1)
        if size > 1:
            var[groups] = block.var(axis=1, ddof=1)
    return Moments(n=n, mean=mean, var=var)


def complement_moments(values: np.ndarray, codes: np.ndarray, n_groups: int, *,
                       which: np.ndarray | None = None) -> Moments:
    """Count, mean and variance of all values *outside* each group (the pool without it).

    Parameters as :func:`group_moments`.

    Notes
    -----
    With :math:`c` the mean of all values and :math:`e = y - c`, the complement of group
    :math:`g` has :math:`d_{-g} = \\sum e - \\sum_g e` and :math:`q_{-g} = \\sum e^2 -
    \\sum_g e^2`, mean :math:`c + d_{-g}/n_{-g}` and sum of squares :math:`q_{-g} -
    d_{-g}^2/n_{-g}`. Centring keeps the subtraction accurate (relative error about
    :math:`10^{-15}`) unless the complement's sum of squares is a tiny share of the sums it
    is taken from (the complement almost constant); below :data:`DIRECT_SHARE` of them the
    complement is recomputed directly, as ``x.mean()`` and ``x.var(ddof=1)`` would.
    """
    n = np.bincount(codes, minlength=n_groups)
    total = len(values)
    n_out = total - n
    mean = np.full(n_groups, np.nan)
    var = np.full(n_groups, np.nan)
    wanted = (n_out > 0) if which is None else (n_out > 0) & which
    if not wanted.any():
        return Moments(n=n_out, mean=mean, var=var)
    centre = values.mean()
    e = values - centre
    d_out = e.sum() - np.bincount(codes, weights=e, minlength=n_groups)
    q_all = (e * e).sum()
    q_out = q_all - np.bincount(codes, weights=e * e, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = d_out**2 / n_out
        mean = np.where(wanted, centre + d_out / n_out, np.nan)
        ss_out = q_out - shift
        var = np.where(wanted & (n_out > 1), ss_out / (n_out - 1), np.nan)
    unstable = wanted & (n_out > 1) & ~(ss_out > DIRECT_SHARE * (q_all + shift))
    for g in np.flatnonzero(unstable):
        rest = values[codes != g]
        mean[g] = rest.mean()
        var[g] = rest.var(ddof=1)
    return Moments(n=n_out, mean=mean, var=var)


def t_intervals(moments: Moments, *, confidence: float = 0.95
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``sd, se, ci_low, ci_high`` of every group's mean, as :func:`mean_ci` (NaN for n < 2,
    no interval for constant data)."""
    check_confidence(confidence)
    ok = (moments.n >= 2) & np.isfinite(moments.var)
    sd = np.full(len(moments.n), np.nan)
    se = np.full(len(moments.n), np.nan)
    low = np.full(len(moments.n), np.nan)
    high = np.full(len(moments.n), np.nan)
    sd[ok] = np.sqrt(moments.var[ok])
    se[ok] = sd[ok] / np.sqrt(moments.n[ok])
    ok &= ~_essentially_constant(se, np.abs(moments.mean))
    half = stats.t.ppf(0.5 + confidence / 2, moments.n[ok] - 1) * se[ok]
    low[ok] = moments.mean[ok] - half
    high[ok] = moments.mean[ok] + half
    return sd, se, low, high


def welch_arrays(a: Moments, b: Moments, *, confidence: float = 0.95
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                            np.ndarray]:
    """:func:`welch_difference` of ``a`` minus ``b`` for every group at once.

    Returns ``(difference, ci_low, ci_high, statistic, df, pvalue)`` as arrays, computed by
    the same operations as :func:`welch_difference` and so equal to it for equal moments.
    """
    check_confidence(confidence)
    size = len(a.n)
    out = [np.full(size, np.nan) for _ in range(6)]
    diff, low, high, t, df, pvalue = out
    ok = (a.n >= 2) & (b.n >= 2)
    va = a.var[ok] / a.n[ok]
    vb = b.var[ok] / b.n[ok]
    d = a.mean[ok] - b.mean[ok]
    se = np.sqrt(va + vb)
    diff[ok] = d
    scale = np.maximum(np.abs(a.mean[ok]), np.abs(b.mean[ok]))
    exact = _essentially_constant(se, scale)  # constant: no test, no interval
    where = np.flatnonzero(ok)
    tested = where[~exact]
    va, vb, d, se = va[~exact], vb[~exact], d[~exact], se[~exact]
    n_a, n_b = a.n[tested], b.n[tested]
    # float_power calls the C library's pow() as ``x ** 2`` does for one number; an array's
    # ``** 2`` multiplies, which differs in the last bit for about one value in a thousand
    square = np.float_power
    dof = square(va + vb, 2) / (square(va, 2) / (n_a - 1) + square(vb, 2) / (n_b - 1))
    statistic = d / se
    half = stats.t.ppf(0.5 + confidence / 2, dof) * se
    low[tested] = d - half
    high[tested] = d + half
    t[tested] = statistic
    df[tested] = dof
    pvalue[tested] = 2 * stats.t.sf(np.abs(statistic), dof)
    return diff, low, high, t, df, pvalue


__all__ = ["CONSTANT_TOLERANCE", "DIRECT_SHARE", "Moments", "complement_moments",
           "group_moments", "group_rows",
           "mean_ci", "renumber", "sorted_codes", "stable_order", "t_intervals", "welch_arrays",
           "welch_difference"]
