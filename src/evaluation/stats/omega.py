"""McDonald's omega total from a one-factor ML model, with a bootstrap percentile interval.

The point estimates and the bootstrap replicates are fitted by the same batched ML fit,
:func:`evaluation.stats.onefactor.one_factor_ml_batch` (the estimates of R ``psych::fa(fm = "ml")``,
Heywood cases included): :func:`omega_points` fits the full samples of many scales together,
:func:`omega_interval` the replicates of one. Import the public names from
:mod:`evaluation.stats`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.stats.covariance import (
    NanPolicy,
    ReliabilityError,
    as_matrix,
    check_nan_policy,
    check_reliability_confidence,
    effective_n,
    moments,
    usable_rows,
    weighted_moments,
)
from evaluation.stats.onefactor import HEYWOOD_LOWER, PD_FLOOR, one_factor_ml_batch

log = logging.getLogger("evaluation")

#: Bootstrap replicates are drawn and fitted in chunks of at most this many weights
#: (replicates x distinct answer patterns), which bounds the memory of large scales.
BOOTSTRAP_CHUNK = 1 << 22


@dataclass(frozen=True, kw_only=True)
class OmegaResult:
    """McDonald's omega total of one scale from a one-factor maximum-likelihood model.

    ``loadings`` and ``uniquenesses`` are on the correlation metric, in item order, with the
    loadings' sign chosen so that they sum to a positive number. ``ci_low``/``ci_high`` are
    bootstrap percentile limits (NaN when ``n_boot`` is 0); ``n_boot_failed`` counts
    replicates whose model could not be fitted (correlation matrix with NaN or not positive
    definite, or no convergence) and which were left out; ``n_boot_heywood`` counts the
    replicates that were kept with a uniqueness at the lower bound (Heywood cases).
    ``heywood`` is True when the full-sample fit itself has a uniqueness at the lower bound
    :data:`~evaluation.stats.onefactor.HEYWOOD_LOWER`; omega is then the value ``psych::fa``
    reports, but one item is taken as measured without error and omega leans on it.
    ``loadings``, ``uniquenesses`` and ``omega`` are NaN when ``converged`` is False.
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
    n_boot_heywood: int = 0
    heywood: bool = False


def omega_from_loadings(loadings: np.ndarray, uniquenesses: np.ndarray) -> float:
    """Omega total ``(sum lambda)^2 / ((sum lambda)^2 + sum psi)``."""
    common = float(np.sum(loadings)) ** 2
    return common / (common + float(np.sum(uniquenesses)))


def _distinct_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``x`` (NaN equal to NaN) in sorted order (NaN last, first column
    first) and how often each occurs: a function of the rows' multiset, so that a bootstrap
    drawn from them does not depend on the order of the rows in the file."""
    code = np.zeros(len(x), dtype=np.int64)
    for column in x.T:
        column_code, uniques = pd.factorize(column, use_na_sentinel=False)
        code, _ = pd.factorize(code * (len(uniques) + 1) + column_code)
    frequency = np.bincount(code)
    first = np.full(len(frequency), len(x), dtype=np.int64)
    np.minimum.at(first, code, np.arange(len(x)))
    patterns = x[first]
    order = np.lexsort(tuple(patterns[:, j] for j in reversed(range(patterns.shape[1]))))
    return patterns[order], frequency[order]


def bootstrap_omega(x: np.ndarray, nan_policy: NanPolicy = "pairwise", *, n_boot: int,
                    seed: int | np.random.Generator | None,
                    start: np.ndarray | None = None, lower: float = HEYWOOD_LOWER
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Omega of ``n_boot`` resamples of the rows of ``x``, and which are Heywood cases.

    Returns two arrays of length ``n_boot``: omega (NaN where the model could not be
    fitted) and whether a uniqueness of the fit lies at ``lower``.

    Notes
    -----
    Identical rows are pooled first, and a resample of the ``n`` rows is drawn as
    multinomial frequencies of the distinct rows (one ``Generator.multinomial`` draw per
    replicate, in order, so a seed gives the same resamples as before the batched fit);
    this is the ordinary row bootstrap, but costs little for answers on a short response
    scale, where few patterns occur. The correlation matrices of all replicates come from
    :func:`evaluation.stats.covariance.weighted_moments` and are fitted together by
    :func:`evaluation.stats.onefactor.one_factor_ml_batch`, started from ``start`` (e.g. the
    full-sample uniquenesses).
    """
    patterns, frequency = _distinct_rows(np.asarray(x, dtype=float))
    n = int(frequency.sum())
    probabilities = frequency / n
    rng = np.random.default_rng(seed)
    omega = np.full(n_boot, np.nan)
    heywood = np.zeros(n_boot, dtype=bool)
    chunk = max(1, BOOTSTRAP_CHUNK // max(len(patterns), 1))
    for begin in range(0, n_boot, chunk):
        size = min(chunk, n_boot - begin)
        weights = rng.multinomial(n, probabilities, size=size)
        _, _, corr = weighted_moments(patterns, weights, nan_policy)
        fits = one_factor_ml_batch(corr, start=start, lower=lower)
        omega[begin:begin + size] = np.where(fits.converged, fits.omega, np.nan)
        heywood[begin:begin + size] = fits.heywood
    return omega, heywood


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
        Bootstrap replicates for the percentile interval; 0 skips the interval. The
        replicates are fitted together (10-20 ms per 500 replicates of a short scale).
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
    The point estimate and the replicates are fitted by the batched projected-Newton fit of
    :func:`evaluation.stats.onefactor.one_factor_ml_batch`, the replicates starting from the point
    estimate's uniquenesses. A uniqueness that reaches the lower bound 0.005 (a Heywood
    case) is held there, as ``psych::fa(fm = "ml")`` holds it (``lower = .005``), and the
    fit counts as converged: the point estimate is then reported with ``heywood`` True, a
    replicate is kept and counted in ``n_boot_heywood``. ``psych::fa`` itself warns only
    of an ultra-Heywood case (a communality above 1), which the bound rules out; statsmodels
    ``Factor`` lets the uniqueness run towards 0 and does not converge. Replicates whose
    correlation matrix has a NaN or is not positive definite are left out and counted in
    ``n_boot_failed``.
    ``psych::omega`` divides by the observed total ``sum(R)`` instead of the model-implied
    one, which differs in the third or fourth decimal.
    The two steps are also available one by one: :func:`omega_point` fits the full
    sample, :func:`omega_interval` bootstraps around that fit.

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
    check_nan_policy(nan_policy)
    check_reliability_confidence(confidence)
    _check_n_boot(n_boot)
    point = omega_point(items, nan_policy)
    low = high = np.nan
    failed = heywood_count = 0
    if n_boot:
        low, high, failed, heywood_count = omega_interval(
            point, n_boot=n_boot, confidence=confidence, seed=seed)
    return OmegaResult(omega=point.omega, ci_low=low, ci_high=high, n=point.n,
                       n_items=point.x.shape[1],
                       loadings=tuple(float(v) for v in point.loadings),
                       uniquenesses=tuple(float(v) for v in point.uniquenesses),
                       converged=point.converged, n_boot=int(n_boot), n_boot_failed=failed,
                       confidence=confidence, nan_policy=nan_policy,
                       n_boot_heywood=heywood_count, heywood=point.heywood)


@dataclass(frozen=True, kw_only=True, eq=False)
class OmegaPoint:
    """The full-sample fit behind :func:`mcdonald_omega`, before any bootstrap.

    ``x`` holds the usable rows (rows with an answer, or complete rows for listwise) on
    which the bootstrap resamples; ``n`` is the effective number of respondents.
    ``loadings`` and ``uniquenesses`` are NaN when ``converged`` is False; ``heywood`` marks
    a converged fit with a uniqueness at the lower bound (see :func:`mcdonald_omega`).
    """

    x: np.ndarray
    n: int
    nan_policy: str
    loadings: np.ndarray
    uniquenesses: np.ndarray
    converged: bool
    heywood: bool

    @property
    def omega(self) -> float:
        """Omega total of the fit."""
        return omega_from_loadings(self.loadings, self.uniquenesses)


def _check_n_boot(n_boot: int) -> None:
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        raise ReliabilityError(f"n_boot must be a non-negative integer; got {n_boot!r}")


def omega_point(items: pd.DataFrame | np.ndarray, nan_policy: NanPolicy = "pairwise"
                ) -> OmegaPoint:
    """Fit the one-factor model of :func:`mcdonald_omega` to the full sample.

    Raises :class:`ReliabilityError` for fewer than two items, fewer than three usable
    rows, or a correlation matrix to which no model can be fitted. A fit that did not
    converge is returned (``converged`` False) and logged as a warning. For many scales at
    once use :func:`omega_points`, which fits them together.
    """
    (point,) = omega_points([items], nan_policy)
    if isinstance(point, ReliabilityError):
        raise point
    return point


def omega_points(samples: Sequence[pd.DataFrame | np.ndarray],
                 nan_policy: NanPolicy = "pairwise") -> list[OmegaPoint | ReliabilityError]:
    """Fit the one-factor model of :func:`mcdonald_omega` to each of many samples at once.

    Parameters
    ----------
    samples : sequence of DataFrame or 2-d array
        One table of respondents x items per scale (or per scale and site), reverse-keyed,
        NaN for missing answers; the scales may have different numbers of items.
    nan_policy : {"pairwise", "listwise"}
        See :func:`mcdonald_omega`.

    Returns
    -------
    list
        One entry per sample, in order: its :class:`OmegaPoint`, or the
        :class:`ReliabilityError` that says why no model can be fitted (fewer than two
        items, fewer than three usable rows, a correlation matrix with missing entries or
        not positive definite). The caller decides whether to raise or to log it.

    Notes
    -----
    The correlation matrices of all samples with the same number of items are fitted in
    one call of :func:`evaluation.stats.onefactor.one_factor_ml_batch`; every fit in a batch runs
    the same arithmetic as a fit on its own, so batching does not change the numbers
    (``tests/stats/test_omega_heywood.py`` checks this).
    """
    check_nan_policy(nan_policy)
    points: list[OmegaPoint | ReliabilityError] = []
    # the samples that can be fitted, by number of items: (position, rows, n, correlations)
    prepared: dict[int, list[tuple[int, np.ndarray, int, np.ndarray]]] = {}
    for position, items in enumerate(samples):
        try:
            x, n, corr = _prepared_sample(items, nan_policy)
        except ReliabilityError as exc:
            points.append(exc)
        else:
            points.append(ReliabilityError("not fitted"))  # replaced by its fit below
            prepared.setdefault(x.shape[1], []).append((position, x, n, corr))
    for k, group in prepared.items():
        fits = one_factor_ml_batch(np.stack([corr for *_, corr in group]))
        for j, (position, x, n, _) in enumerate(group):
            converged = bool(fits.converged[j])
            if not converged:
                log.warning("one-factor ML model for omega did not converge (%d items, n=%d)",
                            k, n)
            points[position] = OmegaPoint(
                x=x, n=n, nan_policy=nan_policy, loadings=fits.loadings[j],
                uniquenesses=fits.uniquenesses[j], converged=converged,
                heywood=bool(fits.heywood[j]))
    return points


def _prepared_sample(items: pd.DataFrame | np.ndarray, nan_policy: str
                     ) -> tuple[np.ndarray, int, np.ndarray]:
    """The usable rows, effective ``n`` and correlation matrix of one sample, or an error."""
    x = as_matrix(items)
    k = x.shape[1]
    if k < 2:
        raise ReliabilityError(f"omega needs at least two items; got {k}")
    x = x[usable_rows(x, nan_policy)]
    if len(x) < 3:
        raise ReliabilityError(f"omega needs at least three usable rows ({nan_policy}); "
                               f"got {len(x)}")
    counts, _, corr = moments(x, nan_policy)  # type: ignore[arg-type]
    if not (np.isfinite(corr).all() and np.linalg.eigvalsh(corr)[0] > PD_FLOOR):
        raise ReliabilityError(
            "no one-factor model can be fitted: the item correlation matrix has missing "
            "entries or is not positive definite (correlations "
            f"{np.round(corr, 3).tolist()!r})")
    return x, int(effective_n(counts)), corr


def omega_interval(point: OmegaPoint, *, n_boot: int, confidence: float = 0.95,
                   seed: int | np.random.Generator | None = 0
                   ) -> tuple[float, float, int, int]:
    """Bootstrap percentile interval of omega around a full-sample fit.

    Returns ``ci_low``, ``ci_high`` (NaN when no replicate could be fitted), the number of
    replicates left out and the number of Heywood replicates; see :func:`mcdonald_omega`.
    """
    check_reliability_confidence(confidence)
    _check_n_boot(n_boot)
    replicates, heywood = bootstrap_omega(
        point.x, point.nan_policy, n_boot=n_boot,  # type: ignore[arg-type]
        seed=seed, start=point.uniquenesses if point.converged else None)
    good = replicates[np.isfinite(replicates)]
    failed = n_boot - len(good)
    heywood_count = int(heywood.sum())
    if failed:
        log.info("omega bootstrap: %d of %d replicates could not be fitted and were "
                 "left out", failed, n_boot)
    if heywood_count:
        log.debug("omega bootstrap: %d of %d replicates are Heywood cases (a uniqueness "
                  "at %g)", heywood_count, n_boot, HEYWOOD_LOWER)
    if not len(good):
        return np.nan, np.nan, failed, heywood_count
    gamma = 1 - confidence
    low, high = (float(q) for q in np.quantile(good, [gamma / 2, 1 - gamma / 2]))
    return low, high, failed, heywood_count


__all__ = ["OmegaPoint", "OmegaResult", "bootstrap_omega", "mcdonald_omega",
           "omega_from_loadings", "omega_interval", "omega_point", "omega_points"]
