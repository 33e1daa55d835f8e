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

from evaluation import columns as C
from evaluation.analysis.aggregation import (
    InsufficientDataError,
    StatisticsInputError,
    numeric_values,
    require_columns,
)
from evaluation.stats import (
    check_confidence,
    complement_moments,
    group_moments,
    group_rows,
    mean_ci,
    renumber,
    sorted_codes,
    t_intervals,
    welch_arrays,
    welch_difference,
)

__all__ = [
    "BENCHMARK",
    "BENCHMARK_N",
    "BENCHMARK_SD",
    "COVERAGE",
    "DEFAULT_FUNNEL_COVERAGE",
    "DEFAULT_MIN_N",
    "DIFFERENCE_CI_HIGH",
    "DIFFERENCE_CI_LOW",
    "FLAG",
    "HIGH",
    "LOW",
    "NONE",
    "OTHERS_N_SITES",
    "OTHERS_SITE_MEAN",
    "PERCENTILE",
    "POOL_MEAN",
    "POOL_N",
    "POOL_SD",
    "STRENGTH",
    "SUPPRESSED",
    "WEAKNESS",
    "SiteComparison",
    "compare_to_benchmark",
    "flag_difference",
    "funnel_column",
    "funnel_limits",
    "site_vs_pool",
]

log = logging.getLogger("evaluation")

# column names of the tables of this module (in addition to evaluation.columns)
SUPPRESSED = "suppressed"
BENCHMARK = "benchmark"
BENCHMARK_N = "benchmark_n"
BENCHMARK_SD = "benchmark_sd"
OTHERS_SITE_MEAN = "others_site_mean"
OTHERS_N_SITES = "others_n_sites"
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
    * All sites of a comparison are computed at once from grouped sums (see
      :mod:`evaluation.stats.welch`), so the time grows with the number of respondents, not with
      its square; the site means and variances are those of each site's scores alone.

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
    values = numeric_values(scores, value, what="scores").to_numpy()
    site_codes, site_labels = sorted_codes(scores[site])
    usable = ~np.isnan(values) & (site_codes >= 0)
    columns = [*by, site, C.N, SUPPRESSED, C.MEAN, C.SD, C.SE, C.CI_LOW, C.CI_HIGH,
               BENCHMARK, BENCHMARK_N, BENCHMARK_SD, OTHERS_SITE_MEAN, OTHERS_N_SITES,
               C.DIFFERENCE, DIFFERENCE_CI_LOW, DIFFERENCE_CI_HIGH, C.STATISTIC, C.DF,
               C.PVALUE, PERCENTILE, FLAG, POOL_MEAN, POOL_SD, POOL_N]
    for level in funnel_coverage:
        columns += [funnel_column("low", level), funnel_column("high", level)]
    parts: list[dict[str, np.ndarray]] = []
    for key, rows in group_rows(scores, by):
        rows = rows[usable[rows]]
        if not len(rows):
            continue
        head = dict(zip(by, key, strict=True))
        better = _direction(higher_is_better, head.get(scale))
        parts.append(_compare_group(values[rows], site_codes[rows], site_labels, head,
                                    site=site, min_n=int(min_n), confidence=confidence,
                                    higher_is_better=better, funnel_coverage=funnel_coverage))
    if not parts:
        table = pd.DataFrame([], columns=columns)
        return table.astype({BENCHMARK_N: "Int64", OTHERS_N_SITES: "Int64"})
    table = pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in columns},
                         columns=columns)
    for column in [*by, site]:  # as a table built row by row would infer them
        table[column] = table[column].infer_objects()
    return table.astype({BENCHMARK_N: "Int64", OTHERS_N_SITES: "Int64"})


def _direction(higher_is_better: bool | Mapping[str, bool], scale_key: object) -> bool:
    if isinstance(higher_is_better, Mapping):
        return bool(higher_is_better.get(scale_key, True)) if isinstance(scale_key, str) else True
    return bool(higher_is_better)


def _compare_group(y: np.ndarray, site_codes: np.ndarray, site_labels: np.ndarray,
                   head: dict[str, object], *, site: str, min_n: int, confidence: float,
                   higher_is_better: bool,
                   funnel_coverage: Sequence[float]) -> dict[str, np.ndarray]:
    """The columns of the rows of one comparison group, all sites at once.

    ``y`` are the group's scores in row order, ``site_codes`` their sites (codes of
    :func:`~evaluation.stats.welch.sorted_codes` into ``site_labels``). Site means and variances
    are those of :func:`mean_ci` (:func:`group_moments`), the benchmark those of the pool
    without the site (:func:`complement_moments`); the other shown sites' means come from
    one sort of the shown means.
    """
    pool_mean = float(y.mean())
    pool_sd = float(y.std(ddof=1)) if len(y) > 1 else np.nan
    present, codes = renumber(site_codes, len(site_labels))  # sites in sorted order
    n_sites = len(present)
    shown = np.bincount(codes, minlength=n_sites) >= min_n
    # means of unsuppressed sites only: a suppressed site's mean is never computed
    own = group_moments(y, codes, n_sites, which=shown)
    others = complement_moments(y, codes, n_sites, which=shown)
    out: dict[str, np.ndarray] = {
        **{name: np.full(n_sites, key, dtype=object) for name, key in head.items()},
        site: site_labels[present], C.N: own.n.astype(np.int64),
        SUPPRESSED: ~shown, POOL_MEAN: np.full(n_sites, pool_mean),
        POOL_SD: np.full(n_sites, pool_sd), POOL_N: np.full(n_sites, len(y), dtype=np.int64),
        FLAG: np.full(n_sites, NONE, dtype=object),
    }
    sd, se, low, high = t_intervals(own, confidence=confidence)
    diff, d_low, d_high, t, df, p = welch_arrays(own, others, confidence=confidence)
    n_others = int(shown.sum()) - 1
    shown_means = own.mean[shown]
    ordered = np.sort(shown_means)
    below = np.searchsorted(ordered, shown_means, side="left")
    ties = np.searchsorted(ordered, shown_means, side="right") - below - 1
    others_mean = np.full(n_sites, np.nan)
    percentile = np.full(n_sites, np.nan)
    if n_others > 0:
        others_mean[shown] = (shown_means.sum() - shown_means) / n_others
        percentile[shown] = 100 * (below + 0.5 * ties) / n_others
    for name, column in {
        C.MEAN: own.mean, C.SD: sd, C.SE: se, C.CI_LOW: low, C.CI_HIGH: high,
        BENCHMARK: others.mean, BENCHMARK_N: others.n, BENCHMARK_SD: np.sqrt(others.var),
        OTHERS_SITE_MEAN: others_mean, OTHERS_N_SITES: np.full(n_sites, n_others),
        C.DIFFERENCE: diff, DIFFERENCE_CI_LOW: d_low, DIFFERENCE_CI_HIGH: d_high,
        C.STATISTIC: t, C.DF: df, C.PVALUE: p, PERCENTILE: percentile,
    }.items():
        out[name] = np.where(shown, column, np.nan)
    out[FLAG][shown] = _flags(d_low[shown], d_high[shown], higher_is_better=higher_is_better)
    n = own.n.astype(float)
    for level in funnel_coverage:
        half = stats.norm.ppf(0.5 + level / 2) * pool_sd / np.sqrt(n)
        out[funnel_column("low", level)] = np.where(shown, pool_mean - half, np.nan)
        out[funnel_column("high", level)] = np.where(shown, pool_mean + half, np.nan)
    if n_sites and not shown.any():
        log.info("site comparison %s: every site has fewer than %d respondents", head, min_n)
    return out


def _flags(ci_low: np.ndarray, ci_high: np.ndarray, *, higher_is_better: bool) -> np.ndarray:
    """:func:`flag_difference` for arrays of interval limits."""
    up, down = (STRENGTH, WEAKNESS) if higher_is_better else (WEAKNESS, STRENGTH)
    finite = np.isfinite(ci_low) & np.isfinite(ci_high)
    return np.where(finite & (ci_low > 0), up,
                    np.where(finite & (ci_high < 0), down, NONE)).astype(object)
