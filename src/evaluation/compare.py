"""One site against the pool: site means with uncertainty, benchmarks and funnel limits.

A partner report shows each municipality its own mean per scale with a 95 % confidence
interval, next to a benchmark made of the other sites. The site is marked as a strength or a
weakness only where the confidence interval of the difference excludes zero, and funnel
limits (pool mean ± z·sd/√n) show how far a site of that size may stray by chance alone, so
that sites are not ranked in league tables.

The benchmark is the pool *without* the site: the mean over the respondents of all other
sites (``benchmark``), because it is what the Welch difference and its interval are computed
against. The mean of the other sites' means (``others_site_mean``, every site weighted
equally) is kept beside it for reports that prefer it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from . import columns as C
from .aggregation import (
    InsufficientDataError,
    StatisticsInputError,
    check_confidence,
    numeric_values,
    require_columns,
)

log = logging.getLogger("evaluation")

# column names of the tables of this module (in addition to evaluation.columns)
SUPPRESSED = "suppressed"
BENCHMARK = "benchmark"
BENCHMARK_N = "benchmark_n"
BENCHMARK_SD = "benchmark_sd"
OTHERS_SITE_MEAN = "others_site_mean"
OTHERS_N_SITES = "others_n_sites"
DIFFERENCE = "difference"
DIFFERENCE_CI_LOW = "difference_ci_low"
DIFFERENCE_CI_HIGH = "difference_ci_high"
PERCENTILE = "percentile"
FLAG = "flag"
POOL_MEAN = "pool_mean"
POOL_SD = "pool_sd"
POOL_N = "pool_n"
COVERAGE = "coverage"
LOW = "low"
HIGH = "high"

# values of the flag column
STRENGTH = "strength"
WEAKNESS = "weakness"
NONE = "none"

DEFAULT_MIN_N = 5
DEFAULT_FUNNEL_COVERAGE: tuple[float, ...] = (0.95, 0.998)


def funnel_column(kind: str, coverage: float) -> str:
    """Column name of a funnel limit: ``funnel_low_95``, ``funnel_high_99_8`` and so on."""
    label = f"{coverage * 100:g}".replace(".", "_")
    return f"funnel_{kind}_{label}"


@dataclass(frozen=True, kw_only=True)
class SiteComparison:
    """A site's mean with its t interval and the Welch difference to a benchmark group.

    ``difference = mean - benchmark``; ``statistic``, ``df`` and ``pvalue`` are those of
    Welch's t test; ``flag`` is ``"strength"``, ``"weakness"`` or ``"none"``.
    """

    n: int
    mean: float
    sd: float
    se: float
    ci_low: float
    ci_high: float
    benchmark: float
    benchmark_n: int
    benchmark_sd: float
    difference: float
    difference_ci_low: float
    difference_ci_high: float
    statistic: float
    df: float
    pvalue: float
    flag: str


def mean_ci(values: Sequence[float] | np.ndarray | pd.Series, *, confidence: float = 0.95
            ) -> tuple[float, float, float, float, float]:
    """Mean, sd, se and the t confidence interval of a sample (NaN dropped).

    ``mean ± t_(n-1, 1-alpha/2) · sd/√n``, as ``t.test(x)$conf.int`` in R. Returns
    ``(mean, sd, se, ci_low, ci_high)``; sd, se and the interval are NaN for n < 2.
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
    :math:`d \\pm t_{df,1-\\alpha/2}\\,se`. When both variances are zero the difference is exact:
    the interval collapses to it and the p-value is 0 (or 1 for a zero difference).
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
    if se == 0:
        return diff, diff, diff, np.nan, np.nan, (1.0 if diff == 0 else 0.0)
    df = float((va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1)))
    t = diff / se
    half = float(stats.t.ppf(0.5 + confidence / 2, df) * se)
    pvalue = float(2 * stats.t.sf(abs(t), df))
    return diff, diff - half, diff + half, t, df, pvalue


def flag_difference(ci_low: float, ci_high: float, *, higher_is_better: bool = True) -> str:
    """``"strength"``/``"weakness"`` when the interval of the difference excludes 0, else
    ``"none"`` (also for NaN)."""
    if not (np.isfinite(ci_low) and np.isfinite(ci_high)):
        return NONE
    if ci_low > 0:
        return STRENGTH if higher_is_better else WEAKNESS
    if ci_high < 0:
        return WEAKNESS if higher_is_better else STRENGTH
    return NONE


def compare_to_benchmark(
    site_values: Sequence[float] | np.ndarray | pd.Series,
    other_values: Sequence[float] | np.ndarray | pd.Series,
    *,
    confidence: float = 0.95,
    higher_is_better: bool = True,
) -> SiteComparison:
    """Compare one site's scores with the scores of the respondents of the other sites.

    Parameters
    ----------
    site_values, other_values : array-like
        Scores of the site's respondents and of the other sites' respondents (NaN dropped).
    confidence : float
        Confidence level of both intervals.
    higher_is_better : bool
        Direction of the scale; False swaps strength and weakness (e.g. for challenges).

    Returns
    -------
    SiteComparison

    Notes
    -----
    Site mean interval: :math:`\\bar x \\pm t_{n-1,1-\\alpha/2} s/\\sqrt n`. Difference to the
    benchmark: Welch's interval (see :func:`welch_difference`). The flag is set only where
    that interval excludes 0.

    Examples
    --------
    >>> comparison = compare_to_benchmark([4, 5, 4, 5, 4], [2, 3, 3, 2, 3, 2])
    >>> comparison.flag
    'strength'

    In R: ``t.test(site)`` for the site's interval and
    ``t.test(site, others, var.equal = FALSE)`` for the difference.
    """
    x = np.asarray(site_values, dtype=float)
    y = np.asarray(other_values, dtype=float)
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    if len(x) == 0:
        raise InsufficientDataError("the site has no valid values to compare")
    mean, sd, se, low, high = mean_ci(x, confidence=confidence)
    diff, d_low, d_high, t, df, p = welch_difference(x, y, confidence=confidence)
    return SiteComparison(
        n=len(x), mean=mean, sd=sd, se=se, ci_low=low, ci_high=high,
        benchmark=float(y.mean()) if len(y) else np.nan, benchmark_n=len(y),
        benchmark_sd=float(y.std(ddof=1)) if len(y) > 1 else np.nan,
        difference=diff, difference_ci_low=d_low, difference_ci_high=d_high,
        statistic=t, df=df, pvalue=p,
        flag=flag_difference(d_low, d_high, higher_is_better=higher_is_better),
    )


def funnel_limits(
    pool_mean: float,
    pool_sd: float,
    n: Sequence[int] | np.ndarray | int,
    *,
    coverage: Sequence[float] = DEFAULT_FUNNEL_COVERAGE,
) -> pd.DataFrame:
    """Funnel-plot control limits ``pool_mean ± z · pool_sd / √n`` for site sizes ``n``.

    Parameters
    ----------
    pool_mean, pool_sd : float
        Mean and standard deviation over all respondents of the pool.
    n : int or array-like of int
        Site sizes (e.g. ``range(2, 60)`` to draw the funnel).
    coverage : sequence of float
        Two-sided coverages; z is the ``(1 + coverage) / 2`` normal quantile (1.96 for 95 %,
        3.09 for 99.8 %).

    Returns
    -------
    pandas.DataFrame
        One row per size and coverage: ``n, coverage, low, high``.

    Notes
    -----
    Spiegelhalter (2005): a site inside the 99.8 % limits differs from the pool no more than
    chance would let a site of its size differ; the 95 % limits are the usual warning line.

    References
    ----------
    Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
    *Statistics in Medicine, 24*(8), 1185-1202.

    Examples
    --------
    In R: ``m + c(-1, 1) * qnorm((1 + 0.95) / 2) * s / sqrt(n)``.
    """
    sizes = np.atleast_1d(np.asarray(n, dtype=float))
    if np.any(sizes < 1):
        raise StatisticsInputError(f"site sizes must be at least 1, got {sizes[sizes < 1]}")
    rows = []
    for level in coverage:
        check_confidence(level)
        half = stats.norm.ppf(0.5 + level / 2) * pool_sd / np.sqrt(sizes)
        rows.append(pd.DataFrame({C.N: sizes.astype(int), COVERAGE: level,
                                  LOW: pool_mean - half, HIGH: pool_mean + half}))
    return pd.concat(rows, ignore_index=True)


def site_vs_pool(
    scores: pd.DataFrame,
    *,
    value: str = C.SCORE,
    site: str = C.SITE,
    by: Sequence[str] = (C.WAVE, C.SCALE),
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
    higher_is_better: bool | Mapping[str, bool] = True,
    scale: str = C.SCALE,
    funnel_coverage: Sequence[float] = DEFAULT_FUNNEL_COVERAGE,
) -> pd.DataFrame:
    """Every site against the pool without it, one row per site and ``by`` group.

    Parameters
    ----------
    scores : pandas.DataFrame
        Tidy scores (``respondent, site, wave, scale, score``), one row per respondent.
    value, site : str
        Column names of the score and of the site.
    by : sequence of str
        Columns that define one comparison (default wave and scale).
    min_n : int
        Minimum number of respondents with a valid score. Sites below it get a row with
        ``suppressed=True``, their ``n`` and NaN for every statistic; their mean is not
        computed. Their respondents still count in the other sites' benchmark and in the pool.
    confidence : float
        Confidence level of the intervals.
    higher_is_better : bool or mapping of scale to bool
        Direction of the scales, for the flag.
    scale : str
        Column of the scale key, used to look up ``higher_is_better`` when it is a mapping.
    funnel_coverage : sequence of float
        Coverages of the funnel limits.

    Returns
    -------
    pandas.DataFrame
        ``*by, site, n, suppressed, mean, sd, se, ci_low, ci_high`` (site mean and t
        interval), ``benchmark, benchmark_n, benchmark_sd`` (respondents of all other sites),
        ``others_site_mean, others_n_sites`` (mean of the other unsuppressed site means),
        ``difference, difference_ci_low, difference_ci_high, statistic, df, pvalue``
        (Welch, site minus benchmark), ``percentile``, ``flag``,
        ``pool_mean, pool_sd, pool_n`` (all respondents) and the funnel limits
        ``funnel_low_95, funnel_high_95, funnel_low_99_8, funnel_high_99_8``.

    Notes
    -----
    * ``percentile``: the share of the other unsuppressed sites whose mean lies below the
      site's mean, ties counting half, in percent (100 = highest site, 0 = lowest).
    * ``flag``: ``strength``/``weakness`` only where the Welch interval of the difference
      excludes 0, otherwise ``none`` (also for suppressed rows).
    * Funnel limits use the mean and sd over all respondents of the group (site included)
      and the site's n: :math:`\\bar y \\pm z\\, s/\\sqrt n`.

    Examples
    --------
    In R, for site ``s`` of one wave and scale:
    ``t.test(d$score[d$site == s])$conf.int`` and
    ``t.test(d$score[d$site == s], d$score[d$site != s])`` (Welch by default).
    """
    by = list(by)
    require_columns(scores, [*by, value, site], what="scores")
    check_confidence(confidence)
    if int(min_n) != min_n or min_n < 1:
        raise StatisticsInputError(f"min_n must be a positive integer, got {min_n!r}")
    data = scores.assign(**{value: numeric_values(scores, value, what="scores")})
    data = data[data[value].notna() & data[site].notna()]
    rows: list[dict[str, object]] = []
    groups = data.groupby(by, sort=True, observed=True) if by else [((), data)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        head = dict(zip(by, key, strict=True))
        better = _direction(higher_is_better, head.get(scale))
        rows.extend(_compare_group(part, head, value=value, site=site, min_n=int(min_n),
                                   confidence=confidence, higher_is_better=better,
                                   funnel_coverage=funnel_coverage))
    columns = [*by, site, C.N, SUPPRESSED, C.MEAN, C.SD, C.SE, C.CI_LOW, C.CI_HIGH,
               BENCHMARK, BENCHMARK_N, BENCHMARK_SD, OTHERS_SITE_MEAN, OTHERS_N_SITES,
               DIFFERENCE, DIFFERENCE_CI_LOW, DIFFERENCE_CI_HIGH, C.STATISTIC, C.DF,
               C.PVALUE, PERCENTILE, FLAG, POOL_MEAN, POOL_SD, POOL_N]
    for level in funnel_coverage:
        columns += [funnel_column("low", level), funnel_column("high", level)]
    table = pd.DataFrame(rows, columns=columns)
    return table.astype({BENCHMARK_N: "Int64", OTHERS_N_SITES: "Int64"})


def _direction(higher_is_better: bool | Mapping[str, bool], scale_key: object) -> bool:
    if isinstance(higher_is_better, Mapping):
        return bool(higher_is_better.get(scale_key, True)) if isinstance(scale_key, str) else True
    return bool(higher_is_better)


def _compare_group(part: pd.DataFrame, head: dict[str, object], *, value: str, site: str,
                   min_n: int, confidence: float, higher_is_better: bool,
                   funnel_coverage: Sequence[float]) -> list[dict[str, object]]:
    y = part[value].to_numpy(dtype=float)
    sites = part[site].to_numpy()
    pool_mean = float(y.mean())
    pool_sd = float(y.std(ddof=1)) if len(y) > 1 else np.nan
    sizes = part.groupby(site, sort=True, observed=True)[value].size()
    shown = sizes[sizes >= min_n].index
    # means of unsuppressed sites only: a suppressed site's mean is never computed
    shown_means = {s: float(y[sites == s].mean()) for s in shown}
    rows = []
    for name, n in sizes.items():
        row: dict[str, object] = {**head, site: name, C.N: int(n),
                                  SUPPRESSED: bool(n < min_n), POOL_MEAN: pool_mean,
                                  POOL_SD: pool_sd, POOL_N: len(y)}
        if n < min_n:
            row[FLAG] = NONE
            rows.append(row)
            continue
        comparison = compare_to_benchmark(y[sites == name], y[sites != name],
                                          confidence=confidence,
                                          higher_is_better=higher_is_better)
        others = np.array([m for s, m in shown_means.items() if s != name])
        mean = comparison.mean
        row.update({
            C.MEAN: mean, C.SD: comparison.sd, C.SE: comparison.se,
            C.CI_LOW: comparison.ci_low, C.CI_HIGH: comparison.ci_high,
            BENCHMARK: comparison.benchmark, BENCHMARK_N: comparison.benchmark_n,
            BENCHMARK_SD: comparison.benchmark_sd,
            OTHERS_SITE_MEAN: float(others.mean()) if len(others) else np.nan,
            OTHERS_N_SITES: len(others),
            DIFFERENCE: comparison.difference,
            DIFFERENCE_CI_LOW: comparison.difference_ci_low,
            DIFFERENCE_CI_HIGH: comparison.difference_ci_high,
            C.STATISTIC: comparison.statistic, C.DF: comparison.df,
            C.PVALUE: comparison.pvalue,
            PERCENTILE: (100 * (np.sum(others < mean) + 0.5 * np.sum(others == mean))
                         / len(others)) if len(others) else np.nan,
            FLAG: comparison.flag,
        })
        for level in funnel_coverage:
            half = stats.norm.ppf(0.5 + level / 2) * pool_sd / np.sqrt(n)
            row[funnel_column("low", level)] = pool_mean - half
            row[funnel_column("high", level)] = pool_mean + half
        rows.append(row)
    if len(rows) and not len(shown):
        log.info("site comparison %s: every site has fewer than %d respondents", head, min_n)
    return rows
