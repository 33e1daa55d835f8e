"""Reliability of multi-item scales: Cronbach's alpha and McDonald's omega total.

The coefficient functions take a wide table (rows are respondents, columns the items of one
scale, already reverse-keyed, NaN for every missing category) and return frozen result
records. :func:`reliability_table` computes both for every scale of a codebook from tidy
survey data, pooled and per site, and returns one row per scale and site.

Missing answers are handled as in R's ``psych::alpha``: ``nan_policy="pairwise"`` (the
default, as ``use = "pairwise"``) estimates every covariance from the respondents who
answered both items; ``nan_policy="listwise"`` keeps only respondents who answered every
item of the scale.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy import stats

from . import columns as C
from .errors import EvaluationError
from .scales import _check_scales, item_matrix

if TYPE_CHECKING:
    from .ingest import SurveyData
    from .instrument import Codebook

log = logging.getLogger("evaluation")

NanPolicy = Literal["pairwise", "listwise"]
NAN_POLICIES = ("pairwise", "listwise")

# column names of the reliability table beyond the shared vocabulary in evaluation.columns
LEVEL = "level"
POOL = "pool"
N_ITEMS = "n_items"
ALPHA = "alpha"
ALPHA_CI_LOW = "alpha_ci_low"
ALPHA_CI_HIGH = "alpha_ci_high"
OMEGA = "omega"
OMEGA_CI_LOW = "omega_ci_low"
OMEGA_CI_HIGH = "omega_ci_high"
NAN_POLICY = "nan_policy"


#: Gradient tolerance of the factor model in bootstrap replicates: moves replicate omegas by
#: about 1e-5, far below the width of any interval, and saves a third of the time.
BOOTSTRAP_GTOL = 1e-5


class ReliabilityError(EvaluationError, ValueError):
    """A reliability coefficient cannot be computed from the data or arguments given."""


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


@dataclass(frozen=True, kw_only=True)
class OmegaResult:
    """McDonald's omega total of one scale from a one-factor maximum-likelihood model.

    ``loadings`` and ``uniquenesses`` are on the correlation metric, in item order, with the
    loadings' sign chosen so that they sum to a positive number. ``ci_low``/``ci_high`` are
    bootstrap percentile limits (NaN when ``n_boot`` is 0); ``n_boot_failed`` counts
    replicates whose model could not be fitted and which were left out.
    """

    omega: float
    ci_low: float
    ci_high: float
    n: int
    n_items: int
    loadings: tuple[float, ...]
    uniquenesses: tuple[float, ...]
    converged: bool
    n_boot: int
    n_boot_failed: int
    confidence: float
    nan_policy: str


# -- moments ------------------------------------------------------------------------------


def _as_matrix(items: pd.DataFrame | np.ndarray) -> np.ndarray:
    if isinstance(items, pd.DataFrame):
        bad = [c for c in items.columns if not pd.api.types.is_numeric_dtype(items[c])]
        if bad:
            raise ReliabilityError(
                f"item columns must be numeric; not numeric: {bad!r} "
                f"(dtypes {[str(items[c].dtype) for c in bad]!r})")
        matrix = items.to_numpy(dtype=float, na_value=np.nan)
    else:
        matrix = np.asarray(items, dtype=float)
    if matrix.ndim != 2:
        raise ReliabilityError(f"items must be a 2-d table (respondents x items); got an "
                               f"array of shape {matrix.shape}")
    return matrix


def _check_policy(nan_policy: str) -> None:
    if nan_policy not in NAN_POLICIES:
        raise ReliabilityError(f"nan_policy must be one of {NAN_POLICIES}; got {nan_policy!r}")


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ReliabilityError(f"confidence must lie strictly between 0 and 1; got {confidence!r}")


def _usable_rows(x: np.ndarray, nan_policy: str) -> np.ndarray:
    """Rows that carry information: complete rows (listwise) or rows with any answer."""
    finite = np.isfinite(x)
    return finite.all(axis=1) if nan_policy == "listwise" else finite.any(axis=1)


def moments(x: np.ndarray, nan_policy: NanPolicy = "pairwise", *,
            weights: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair counts, covariance and correlation matrices of the columns of ``x``.

    With ``nan_policy="pairwise"`` each covariance uses the rows where both items are valid
    (R: ``cov(x, use = "pairwise")``; the diagonal holds each item's variance over all its
    valid rows) and each correlation uses the pair's own means and standard deviations
    (R: ``cor(x, use = "pairwise")``). With ``"listwise"`` only complete rows are used.
    Entries with fewer than two rows are NaN. ``weights`` are frequency weights: a row of
    weight 3 counts as three identical rows.

    Returns
    -------
    counts, cov, corr : numpy.ndarray
        Arrays of shape ``(k, k)``.
    """
    _check_policy(nan_policy)
    x = np.asarray(x, dtype=float)
    w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
    if nan_policy == "listwise":
        keep = np.isfinite(x).all(axis=1)
        x, w = x[keep], w[keep]
    mask = np.isfinite(x)
    m = mask.astype(float)
    wm = m * w[:, None]
    counts_col = wm.sum(axis=0)
    sums = (np.where(mask, x, 0.0) * w[:, None]).sum(axis=0)
    center = np.divide(sums, counts_col, out=np.zeros_like(sums), where=counts_col > 0)
    x0 = np.where(mask, x - center, 0.0)
    wx0 = x0 * w[:, None]
    counts = m.T @ wm
    cross = x0.T @ wx0
    partial = wx0.T @ m  # [i, j]: sum of item i over rows where i and j are valid
    partial_sq = (x0 * wx0).T @ m
    return (counts, *_finish(counts, cross, partial, partial_sq))


def grouped_moments(x: np.ndarray, groups: np.ndarray, n_groups: int,
                    nan_policy: NanPolicy = "pairwise"
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`moments` for every group at once; arrays of shape ``(n_groups, k, k)``.

    ``groups`` holds the group number (0 .. ``n_groups`` - 1) of each row of ``x``.
    """
    _check_policy(nan_policy)
    x = np.asarray(x, dtype=float)
    groups = np.asarray(groups, dtype=np.intp)
    if nan_policy == "listwise":
        keep = np.isfinite(x).all(axis=1)
        x, groups = x[keep], groups[keep]
    k = x.shape[1]
    mask = np.isfinite(x)
    m = mask.astype(float)
    counts_col = m.sum(axis=0)
    sums = np.where(mask, x, 0.0).sum(axis=0)
    center = np.divide(sums, counts_col, out=np.zeros_like(sums), where=counts_col > 0)
    x0 = np.where(mask, x - center, 0.0)
    shape = (n_groups, k, k)
    counts, cross, partial, partial_sq = (np.zeros(shape) for _ in range(4))
    for i in range(k):
        for j in range(i, k):
            both = m[:, i] * m[:, j]
            counts[:, i, j] = counts[:, j, i] = np.bincount(groups, both, n_groups)
            cross[:, i, j] = cross[:, j, i] = np.bincount(groups, x0[:, i] * x0[:, j], n_groups)
            partial[:, i, j] = np.bincount(groups, x0[:, i] * both, n_groups)
            partial[:, j, i] = np.bincount(groups, x0[:, j] * both, n_groups)
            partial_sq[:, i, j] = np.bincount(groups, x0[:, i] ** 2 * both, n_groups)
            partial_sq[:, j, i] = np.bincount(groups, x0[:, j] ** 2 * both, n_groups)
    return (counts, *_finish(counts, cross, partial, partial_sq))


def _finish(counts: np.ndarray, cross: np.ndarray, partial: np.ndarray,
            partial_sq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Covariances and correlations from the sums of :func:`moments`."""
    partial_t = np.swapaxes(partial, -1, -2)
    enough = counts >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = (cross - partial * partial_t / counts) / (counts - 1)
        var_i = (partial_sq - partial**2 / counts) / (counts - 1)
        var_j = np.swapaxes(var_i, -1, -2)
        corr = cov / np.sqrt(var_i * var_j)
    cov = np.where(enough, cov, np.nan)
    corr = np.where(enough & (var_i > 0) & (var_j > 0), corr, np.nan)
    diagonal = np.arange(counts.shape[-1])
    diag_ok = np.isfinite(corr[..., diagonal, diagonal])
    corr[..., diagonal, diagonal] = np.where(diag_ok, 1.0, np.nan)
    return cov, corr


def _effective_n(counts: np.ndarray) -> np.ndarray:
    """The smallest pair count (the n behind the weakest covariance)."""
    return counts.min(axis=(-1, -2)).astype(int)


def alpha_from_cov(cov: np.ndarray) -> np.ndarray:
    """Cronbach's alpha from one covariance matrix or a stack of them (last two axes).

    ``k / (k - 1) * (1 - trace(C) / sum(C))``; NaN where ``C`` has a NaN, where the total
    variance is not positive, or for fewer than two items.
    """
    cov = np.asarray(cov, dtype=float)
    k = cov.shape[-1]
    if k < 2:
        return np.full(cov.shape[:-2], np.nan)
    trace = np.trace(cov, axis1=-2, axis2=-1)
    total = cov.sum(axis=(-2, -1))
    ok = np.isfinite(total) & (total > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = k / (k - 1) * (1 - trace / total)
    return np.where(ok, alpha, np.nan)


# -- Cronbach's alpha ---------------------------------------------------------------------


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
    _check_confidence(confidence)
    alpha_arr = np.asarray(alpha, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    ok = (n_arr >= 2) & (n_items >= 2) & np.isfinite(alpha_arr)
    df1 = np.where(ok, n_arr - 1, 1.0)
    df2 = df1 * max(n_items - 1, 1)
    gamma = 1 - confidence
    low = np.where(ok, 1 - (1 - alpha_arr) * stats.f.ppf(1 - gamma / 2, df1, df2), np.nan)
    high = np.where(ok, 1 - (1 - alpha_arr) * stats.f.ppf(gamma / 2, df1, df2), np.nan)
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
        rescored (see :func:`evaluation.scales.reverse_score`), NaN for missing answers
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
    _check_policy(nan_policy)
    _check_confidence(confidence)
    x = _as_matrix(items)
    k = x.shape[1]
    if k < 2:
        raise ReliabilityError(f"Cronbach's alpha needs at least two items; got {k}")
    counts, cov, _ = moments(x, nan_policy)
    n = int(_effective_n(counts))
    alpha = float(alpha_from_cov(cov))
    low, high = feldt_interval(alpha, n=n, n_items=k, confidence=confidence)
    return AlphaResult(alpha=alpha, ci_low=float(low), ci_high=float(high), n=n, n_items=k,
                       confidence=confidence, nan_policy=nan_policy)


# -- McDonald's omega ---------------------------------------------------------------------


def one_factor_ml(corr: np.ndarray, *, nobs: int,
                  start: tuple[np.ndarray, np.ndarray] | None = None,
                  gtol: float | None = None
                  ) -> tuple[np.ndarray, np.ndarray, bool] | None:
    """Fit a one-factor maximum-likelihood model to a correlation matrix.

    Uses ``statsmodels.multivariate.factor.Factor(method="ml")`` with deterministic starting
    values (first principal axis, or ``start`` = loadings and uniquenesses, e.g. the
    full-sample solution for bootstrap replicates); ``gtol`` loosens the optimiser's
    gradient tolerance (statsmodels' default when ``None``). Returns loadings (signed to sum
    positive), uniquenesses and whether the optimiser converged (a Heywood case, a
    uniqueness near zero, still counts as converged); ``None`` when the matrix has NaN or
    is not positive definite.
    """
    from statsmodels.multivariate.factor import Factor
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, EstimationWarning

    corr = np.asarray(corr, dtype=float)
    if not np.isfinite(corr).all():
        return None
    values, vectors = np.linalg.eigh(corr)
    if values[0] <= 1e-10:
        return None
    if start is None:
        start_load = vectors[:, -1] * np.sqrt(values[-1])
        start_load *= np.sign(start_load.sum()) or 1.0
        start_uniq = np.clip(1 - start_load**2, 0.05, 0.95)
        start_load = np.sqrt(1 - start_uniq) * np.sign(start_load)
    else:
        start_load = np.asarray(start[0], dtype=float).copy()
        start_uniq = np.clip(np.asarray(start[1], dtype=float), 0.05, 0.95)
    converged = True
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = Factor(corr=corr, n_factor=1, method="ml", nobs=nobs)
            result = model.fit(start=(start_load[:, None], start_uniq),
                               opt=None if gtol is None else {"gtol": gtol})
        except (np.linalg.LinAlgError, ValueError):
            return None
    for warning in caught:
        if issubclass(warning.category, ConvergenceWarning):
            converged = False
        elif issubclass(warning.category, EstimationWarning):
            # a Heywood case (a uniqueness near zero): the solution is still the ML one
            log.debug("one-factor ML model: %s", warning.message)
        else:  # pragma: no cover - anything unexpected is passed on
            warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                   warning.lineno)
    loadings = np.asarray(result.loadings, dtype=float)[:, 0]
    uniquenesses = np.asarray(result.uniqueness, dtype=float)
    if loadings.sum() < 0:
        loadings = -loadings
    if not (np.isfinite(loadings).all() and np.isfinite(uniquenesses).all()):
        return None
    return loadings, uniquenesses, converged


def omega_from_loadings(loadings: np.ndarray, uniquenesses: np.ndarray) -> float:
    """Omega total ``(sum lambda)^2 / ((sum lambda)^2 + sum psi)``."""
    common = float(np.sum(loadings)) ** 2
    return common / (common + float(np.sum(uniquenesses)))


def _distinct_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``x`` (NaN equal to NaN) and how often each occurs."""
    code = np.zeros(len(x), dtype=np.int64)
    for column in x.T:
        column_code, uniques = pd.factorize(column, use_na_sentinel=False)
        code, _ = pd.factorize(code * (len(uniques) + 1) + column_code)
    frequency = np.bincount(code)
    first = np.full(len(frequency), len(x), dtype=np.int64)
    np.minimum.at(first, code, np.arange(len(x)))
    return x[first], frequency


def _bootstrap_omega(x: np.ndarray, nan_policy: str, *, n_boot: int,
                     seed: int | np.random.Generator | None,
                     start: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Omega of ``n_boot`` resamples of the rows of ``x`` (NaN where a fit fails).

    Identical rows are pooled first, and a resample of the ``n`` rows is drawn as
    multinomial frequencies of the distinct rows; this is the ordinary row bootstrap, but
    costs little for answers on a short response scale, where few patterns occur.
    """
    patterns, frequency = _distinct_rows(x)
    n = len(x)
    probabilities = frequency / n
    rng = np.random.default_rng(seed)
    replicates = np.full(n_boot, np.nan)
    for b in range(n_boot):
        weights = rng.multinomial(n, probabilities)
        counts, _, corr = moments(patterns, nan_policy, weights=weights)  # type: ignore[arg-type]
        fit = one_factor_ml(corr, nobs=max(int(_effective_n(counts)), 2), start=start,
                            gtol=BOOTSTRAP_GTOL)
        if fit is not None and fit[2]:
            replicates[b] = omega_from_loadings(fit[0], fit[1])
    return replicates


def mcdonald_omega(items: pd.DataFrame | np.ndarray, *, nan_policy: NanPolicy = "pairwise",
                   n_boot: int = 1000, confidence: float = 0.95,
                   seed: int | np.random.Generator | None = 0) -> OmegaResult:
    """McDonald's omega total from a one-factor maximum-likelihood model.

    Parameters
    ----------
    items : DataFrame or 2-d array
        Respondents x items of one scale, reverse-keyed items rescored, NaN for missing.
    nan_policy : {"pairwise", "listwise"}
        Correlation matrix from pairwise-complete pairs (R ``cor(x, use = "pairwise")``)
        or from complete rows only.
    n_boot : int
        Bootstrap replicates for the percentile interval; 0 skips the interval. Each
        replicate refits the model (a few milliseconds each).
    confidence : float
        Coverage of the interval.
    seed : int, Generator or None
        Seed of the bootstrap; the default 0 makes results reproducible.

    Returns
    -------
    OmegaResult

    Raises
    ------
    ReliabilityError
        Fewer than two items, fewer than three usable rows, negative ``n_boot``, or a
        correlation matrix to which no factor model can be fitted.

    Notes
    -----
    A one-factor model :math:`R = \\lambda\\lambda^\\top + \\Psi` is fitted by maximum
    likelihood to the item correlation matrix, and
    :math:`\\omega_t = (\\sum_i \\lambda_i)^2 / ((\\sum_i \\lambda_i)^2 + \\sum_i \\psi_i)`.
    The interval takes the ``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` quantiles
    of omega over ``n_boot`` resamples of respondents (rows with at least one answer for
    pairwise, complete rows for listwise); respondents are treated as independent.
    ``psych::omega`` divides by the observed total ``sum(R)`` instead of the model-implied
    one, which differs in the third or fourth decimal.

    References
    ----------
    McDonald, R. P. (1999). *Test theory: A unified treatment*. Mahwah, NJ: Erlbaum.

    Examples
    --------
    R: ``f <- psych::fa(cor(x, use = "pairwise"), nfactors = 1, fm = "ml", n.obs = n)``,
    then ``sum(f$loadings)^2 / (sum(f$loadings)^2 + sum(f$uniquenesses))``.

    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> common = rng.normal(size=(300, 1))
    >>> x = common + rng.normal(size=(300, 4))
    >>> result = mcdonald_omega(x, n_boot=50)
    >>> 0.7 < result.omega < 0.9
    True
    """
    _check_policy(nan_policy)
    _check_confidence(confidence)
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        raise ReliabilityError(f"n_boot must be a non-negative integer; got {n_boot!r}")
    x = _as_matrix(items)
    k = x.shape[1]
    if k < 2:
        raise ReliabilityError(f"omega needs at least two items; got {k}")
    x = x[_usable_rows(x, nan_policy)]
    if len(x) < 3:
        raise ReliabilityError(f"omega needs at least three usable rows ({nan_policy}); "
                               f"got {len(x)}")
    counts, _, corr = moments(x, nan_policy)
    n = int(_effective_n(counts))
    fit = one_factor_ml(corr, nobs=max(n, 2))
    if fit is None:
        raise ReliabilityError(
            "no one-factor model can be fitted: the item correlation matrix has missing "
            "entries or is not positive definite (correlations "
            f"{np.round(corr, 3).tolist()!r})")
    loadings, uniquenesses, converged = fit
    if not converged:
        log.warning("one-factor ML model for omega did not converge cleanly (%d items, n=%d)",
                    k, n)
    omega = omega_from_loadings(loadings, uniquenesses)

    low = high = np.nan
    failed = 0
    if n_boot:
        replicates = _bootstrap_omega(x, nan_policy, n_boot=n_boot, seed=seed,
                                      start=(loadings, uniquenesses))
        good = replicates[np.isfinite(replicates)]
        failed = n_boot - len(good)
        if failed:
            log.info("omega bootstrap: %d of %d replicates could not be fitted and were "
                     "left out", failed, n_boot)
        if len(good):
            gamma = 1 - confidence
            low, high = (float(q) for q in np.quantile(good, [gamma / 2, 1 - gamma / 2]))
    return OmegaResult(omega=omega, ci_low=low, ci_high=high, n=n, n_items=k,
                       loadings=tuple(float(v) for v in loadings),
                       uniquenesses=tuple(float(v) for v in uniquenesses),
                       converged=converged, n_boot=int(n_boot), n_boot_failed=failed,
                       confidence=confidence, nan_policy=nan_policy)


# -- the table ----------------------------------------------------------------------------


def reliability_table(data: SurveyData, codebook: Codebook, *,
                      scales: Sequence[str] | None = None, wave: str | None = None,
                      by_site: bool = True, min_n: int = 20,
                      nan_policy: NanPolicy = "pairwise", confidence: float = 0.95,
                      n_boot: int = 1000, site_omega: bool = False,
                      seed: int = 0) -> pd.DataFrame:
    """Alpha and omega of every multi-item scale, pooled and per site.

    Parameters
    ----------
    data : SurveyData
        Tidy survey data (see :mod:`evaluation.ingest`).
    codebook : Codebook
        Scales, reverse-keyed items and response scale.
    scales : sequence of str, optional
        Scale keys; default every scale of the codebook (factors and outcomes).
    wave : str, optional
        Use only this wave; default all waves, every respondent x wave one row.
    by_site : bool
        Add one row per site and scale.
    min_n : int
        Coefficients are left NaN where ``n`` (complete rows, or smallest pairwise count)
        is below ``min_n``; the row is kept so that ``n`` is visible.
    nan_policy : {"pairwise", "listwise"}
        See :func:`cronbach_alpha`.
    confidence : float
        Coverage of the intervals.
    n_boot : int
        Bootstrap replicates of the omega interval (0: no interval). Each replicate refits
        the factor model, some 5-10 ms per scale and replicate.
    site_omega : bool
        Also fit omega per site (one factor model per site and scale, plus ``n_boot``
        replicates each; slow for many sites). Default: alpha only for sites.
    seed : int
        Seed of the bootstraps.

    Returns
    -------
    pandas.DataFrame
        One row per scale and level: ``scale``, ``level`` (``"pool"`` or ``"site"``),
        ``site`` (None for the pool), ``wave`` (None when pooled over waves), ``n``,
        ``n_items``, ``alpha``, ``alpha_ci_low``, ``alpha_ci_high``, ``omega``,
        ``omega_ci_low``, ``omega_ci_high``, ``nan_policy``. Single-item scales get a row
        with NaN coefficients.

    Notes
    -----
    Reverse-keyed items are rescored first (:math:`x' = min + max - x`); every missing
    category, "kann ich nicht beurteilen" included, is NaN. Per-site alphas are computed
    for all sites at once from grouped sums, so thousands of sites take seconds.

    Examples
    --------
    R, per scale and site: ``psych::alpha(keyed_items, use = "pairwise")`` and
    ``psych::alpha.ci(alpha, n.obs = n, n.var = k)``.
    """
    _check_policy(nan_policy)
    _check_confidence(confidence)
    if min_n < 2:
        raise ReliabilityError(f"min_n must be at least 2; got {min_n!r}")
    keys = _check_scales(codebook, scales)
    matrix = item_matrix(data, [i for s in keys for i in codebook.scales[s].items])
    matrix = matrix.of_wave(wave)
    keyed = matrix.keyed(codebook)
    site_codes, site_keys = pd.factorize(matrix.index[C.SITE], sort=False)
    has_site = site_codes >= 0  # rows without a site count for the pool only

    rows: list[dict[str, object]] = []
    for key in keys:
        members = list(codebook.scales[key].items)
        x = keyed[:, [matrix.position(i) for i in members]]
        k = len(members)
        pool_row = _pool_row(x, k, min_n=min_n, nan_policy=nan_policy,
                             confidence=confidence, n_boot=n_boot, seed=seed)
        rows.append({C.SCALE: key, LEVEL: POOL, C.SITE: None, **pool_row})
        if by_site and len(site_keys):
            rows.extend({C.SCALE: key, LEVEL: "site", C.SITE: site, **values}
                        for site, values in zip(site_keys, _site_rows(
                            x[has_site], site_codes[has_site], len(site_keys), k, min_n=min_n,
                            nan_policy=nan_policy, confidence=confidence,
                            n_boot=n_boot if site_omega else 0, omega=site_omega,
                            seed=seed), strict=True))
    columns = [C.SCALE, LEVEL, C.SITE, C.WAVE, C.N, N_ITEMS, ALPHA, ALPHA_CI_LOW,
               ALPHA_CI_HIGH, OMEGA, OMEGA_CI_LOW, OMEGA_CI_HIGH, NAN_POLICY]
    table = pd.DataFrame(rows, columns=columns)
    table[C.WAVE] = wave
    table[NAN_POLICY] = nan_policy
    table[C.N] = table[C.N].astype(int)
    table[N_ITEMS] = table[N_ITEMS].astype(int)
    return table


def _empty_coefficients() -> dict[str, float]:
    return {ALPHA: np.nan, ALPHA_CI_LOW: np.nan, ALPHA_CI_HIGH: np.nan, OMEGA: np.nan,
            OMEGA_CI_LOW: np.nan, OMEGA_CI_HIGH: np.nan}


def _pool_row(x: np.ndarray, k: int, *, min_n: int, nan_policy: str, confidence: float,
              n_boot: int, seed: int) -> dict[str, object]:
    row: dict[str, object] = {N_ITEMS: k, **_empty_coefficients()}
    usable = x[_usable_rows(x, nan_policy)]
    if k < 2:
        row[C.N] = len(usable)
        return row
    result = cronbach_alpha(usable, nan_policy=nan_policy,  # type: ignore[arg-type]
                            confidence=confidence)
    row[C.N] = result.n
    if result.n < min_n:
        return row
    row.update({ALPHA: result.alpha, ALPHA_CI_LOW: result.ci_low,
                ALPHA_CI_HIGH: result.ci_high})
    row.update(_omega_columns(usable, nan_policy, n_boot, confidence, seed))
    return row


def _omega_columns(x: np.ndarray, nan_policy: str, n_boot: int, confidence: float,
                   seed: int) -> dict[str, float]:
    try:
        omega = mcdonald_omega(x, nan_policy=nan_policy,  # type: ignore[arg-type]
                               n_boot=n_boot, confidence=confidence, seed=seed)
    except ReliabilityError as exc:
        log.info("omega not computed: %s", exc)
        return {}
    if not omega.converged:
        return {}
    return {OMEGA: omega.omega, OMEGA_CI_LOW: omega.ci_low, OMEGA_CI_HIGH: omega.ci_high}


def _site_rows(x: np.ndarray, codes: np.ndarray, n_sites: int, k: int, *, min_n: int,
               nan_policy: str, confidence: float, n_boot: int, omega: bool,
               seed: int) -> list[dict[str, object]]:
    if k < 2:
        usable = _usable_rows(x, nan_policy)
        counts = np.bincount(codes[usable], minlength=n_sites)
        return [{C.N: int(c), N_ITEMS: k, **_empty_coefficients()} for c in counts]
    counts, cov, _ = grouped_moments(x, codes, n_sites, nan_policy)  # type: ignore[arg-type]
    n = _effective_n(counts)
    alpha = alpha_from_cov(cov)
    low, high = feldt_interval(alpha, n=n, n_items=k, confidence=confidence)
    rows: list[dict[str, object]] = []
    for g in range(n_sites):
        row: dict[str, object] = {C.N: int(n[g]), N_ITEMS: k, **_empty_coefficients()}
        if n[g] >= min_n:
            row.update({ALPHA: float(alpha[g]), ALPHA_CI_LOW: float(low[g]),
                        ALPHA_CI_HIGH: float(high[g])})
            if omega:
                sub = x[codes == g]
                row.update(_omega_columns(sub[_usable_rows(sub, nan_policy)], nan_policy,
                                          n_boot, confidence, seed))
        rows.append(row)
    return rows


__all__ = ["AlphaResult", "OmegaResult", "ReliabilityError", "alpha_from_cov",
           "cronbach_alpha", "feldt_interval", "grouped_moments", "mcdonald_omega",
           "moments", "one_factor_ml", "omega_from_loadings", "reliability_table"]
