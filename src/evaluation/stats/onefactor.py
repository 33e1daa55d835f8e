"""One-factor maximum-likelihood models of a correlation matrix, one at a time or in batches.

:func:`one_factor_ml_batch` fits many models at once with a projected Newton method on the
uniquenesses that is vectorised with numpy over the models. It gives omega's point estimates
(the scales of a table in one call per number of items) and its bootstrap replicates, with
the estimates of R ``psych::fa(fm = "ml")``, Heywood cases included.
:func:`one_factor_ml` fits one model with statsmodels ``Factor(method="ml")``; the package
no longer calls it (statsmodels is imported only when it is), and the tests keep it as an
independent cross-check of the batched fit, which reaches the same maximum of the
likelihood wherever statsmodels converges (``tests/stats/test_estimators_at_scale.py``,
``tests/stats/test_omega_heywood.py``). The Newton method itself is in
:mod:`evaluation.stats.onefactor_newton`, the short cuts for three items in
:mod:`evaluation.stats.onefactor_three`.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np

from evaluation.stats.covariance import ReliabilityError
from evaluation.stats.onefactor_newton import (
    _discrepancy as _discrepancy,  # re-exported for the tests
)
from evaluation.stats.onefactor_newton import (
    gradient_hessian as gradient_hessian,  # as _discrepancy
)
from evaluation.stats.onefactor_newton import newton, spectrum
from evaluation.stats.onefactor_three import three_item_corners, three_items

log = logging.getLogger("evaluation")

#: Lower bound of the uniquenesses in :func:`one_factor_ml_batch`, the ``lower = .005`` of
#: R ``psych::fa(fm = "ml")``. A uniqueness at the bound is a Heywood case; the fit counts
#: as converged, as in psych (statsmodels lets the uniqueness run towards 0 instead).
HEYWOOD_LOWER = 0.005

#: Convergence: largest projected gradient of the ML discrepancy in log-uniquenesses.
BATCH_TOL = 1e-9
BATCH_MAX_ITER = 100
PD_FLOOR = 1e-10  # smallest eigenvalue of a correlation matrix that is fitted at all


def one_factor_ml(corr: np.ndarray, *, nobs: int,
                  start: tuple[np.ndarray, np.ndarray] | None = None,
                  gtol: float | None = None
                  ) -> tuple[np.ndarray, np.ndarray, bool] | None:
    """Fit a one-factor maximum-likelihood model to a correlation matrix with statsmodels.

    The independent cross-check of :func:`one_factor_ml_batch` in the tests. Uses
    ``statsmodels.multivariate.factor.Factor(method="ml")`` with deterministic starting
    values (first principal axis, or ``start`` = loadings and uniquenesses); ``gtol`` sets
    the optimiser's gradient tolerance (statsmodels' default when ``None``). Returns
    loadings (signed to sum positive), uniquenesses and whether the optimiser converged (a
    Heywood case, a uniqueness near zero, still counts as converged when the optimiser
    says so); ``None`` when the matrix has NaN or is not positive definite.
    """
    from statsmodels.multivariate.factor import Factor
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, EstimationWarning

    corr = np.asarray(corr, dtype=float)
    if not np.isfinite(corr).all():
        return None
    values, vectors = np.linalg.eigh(corr)
    if values[0] <= PD_FLOOR:
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


@dataclass(frozen=True, kw_only=True, eq=False)
class OneFactorFits:
    """Many one-factor ML fits: arrays with one row (or entry) per correlation matrix.

    ``loadings`` (signed to sum positive) and ``uniquenesses`` have shape ``(B, k)`` and are
    NaN where ``converged`` is False (a matrix with NaN, not positive definite, or no
    convergence within the iteration limit). ``heywood`` marks converged fits with a
    uniqueness at the lower bound; ``iterations`` counts Newton steps, over all starts (0
    for the closed form of three items).
    """

    loadings: np.ndarray
    uniquenesses: np.ndarray
    converged: np.ndarray
    heywood: np.ndarray
    iterations: np.ndarray

    @property
    def omega(self) -> np.ndarray:
        """Omega total of every fit, ``(sum lambda)^2 / ((sum lambda)^2 + sum psi)``."""
        common = self.loadings.sum(axis=-1) ** 2
        return common / (common + self.uniquenesses.sum(axis=-1))


def one_factor_ml_batch(corr: np.ndarray, *, start: np.ndarray | None = None,
                        lower: float = HEYWOOD_LOWER, tol: float = BATCH_TOL,
                        max_iter: int = BATCH_MAX_ITER) -> OneFactorFits:
    """Fit a one-factor ML model to each of a stack of correlation matrices at once.

    Parameters
    ----------
    corr : numpy.ndarray
        Correlation matrices, shape ``(B, k, k)``.
    start : numpy.ndarray, optional
        Starting uniquenesses, shape ``(k,)`` (the same for all, e.g. the full-sample
        solution for bootstrap replicates) or ``(B, k)``; default from the first principal
        axis of each matrix, as :func:`one_factor_ml`.
    lower : float
        Lower bound of the uniquenesses (:data:`HEYWOOD_LOWER`, as ``psych::fa``).
    tol : float
        Convergence when the largest projected gradient (in log-uniquenesses) is below it.
    max_iter : int
        Newton steps at most; fits still moving after that are not converged.

    Returns
    -------
    OneFactorFits

    Notes
    -----
    For uniquenesses :math:`\\Psi` the best loadings are known in closed form (Jöreskog,
    1967): with :math:`\\theta_1 \\geq \\dots \\geq \\theta_k` and :math:`\\omega_j` the
    eigenvalues and eigenvectors of :math:`R^* = \\Psi^{-1/2} R \\Psi^{-1/2}`,
    :math:`\\lambda = \\Psi^{1/2}\\omega_1\\sqrt{\\max(\\theta_1 - 1, 0)}`, and the ML
    discrepancy :math:`\\log|\\Sigma| + \\mathrm{tr}(\\Sigma^{-1}R) - \\log|R| - k` becomes
    :math:`f(\\Psi) = \\sum_{j \\geq 2} (\\theta_j - \\log\\theta_j - 1)`. In
    :math:`\\phi = \\log\\psi` its gradient is
    :math:`g_i = -\\sum_{j\\geq 2}(\\theta_j - 1)\\,\\omega_{ij}^2` and its Hessian, from
    first-order eigen-perturbation, is

    .. math::

        H = (Q \\circ P) + \\sum_{j \\geq 2} c_j\\, u_j u_j^\\top,\\quad
        Q = \\sum_{j\\geq 2}\\theta_j\\omega_j\\omega_j^\\top,\\;
        P = \\sum_{j\\geq 2}\\omega_j\\omega_j^\\top,\\;
        u_j = \\omega_j \\circ \\omega_1,\\;
        c_j = \\frac{(\\theta_j - 1)(\\theta_j + \\theta_1)}{\\theta_j - \\theta_1}.

    Each iteration takes a Newton step in :math:`\\psi` (the Hessian above transformed from
    :math:`\\phi`) on the uniquenesses that are not held at a bound, where uniquenesses
    within a small distance of the lower bound that the gradient pushes against are moved
    onto it (projected Newton with an epsilon-active set, Bertsekas 1982); a backtracking
    (Armijo) line search tries the full step, then the step to the bound; where the Hessian
    is not positive definite its eigenvalues are replaced by their absolute values. All fits
    advance together, one batched eigen-decomposition per step. A Heywood solution depends
    on the start (each item at the bound is a corner of its own), so fits that end at the
    bound are refitted from psych's start and from the mirror corner and the smallest
    discrepancy is kept. Three items are just identified: where the closed form
    :math:`\\lambda_i^2 = r_{ij} r_{ik} / r_{jk}` lies inside the bounds it is the solution;
    where :math:`r_{12} r_{13} r_{23} > 0` but it does not, every local minimum has a
    uniqueness at the bound, and the best of the three corners, each fitted with its
    uniqueness held there, is the solution (:mod:`evaluation.stats.onefactor_three`).
    The one-factor model of two items is not identified (any
    :math:`\\lambda_1\\lambda_2 = r` fits); as statsmodels does from its symmetric start,
    the equal-loadings solution :math:`\\lambda_i = \\sqrt{|r|}` is returned, so omega is
    the Spearman-Brown value :math:`2r / (1 + r)` for :math:`r > 0`.

    References
    ----------
    Jöreskog, K. G. (1967). Some contributions to maximum likelihood factor analysis.
    *Psychometrika*, 32(4), 443-482.

    Bertsekas, D. P. (1982). Projected Newton methods for optimization problems with
    simple constraints. *SIAM Journal on Control and Optimization*, 20(2), 221-246.

    Examples
    --------
    Same estimates as R ``psych::fa(r, nfactors = 1, fm = "ml")`` for each matrix ``r``
    and, away from Heywood cases, as statsmodels ``Factor(corr=r, n_factor=1,
    method="ml").fit()``.
    """
    corr = np.asarray(corr, dtype=float)
    if corr.ndim != 3 or corr.shape[1] != corr.shape[2]:
        raise ReliabilityError(f"corr must have shape (B, k, k); got {corr.shape}")
    if not 0 < lower < 1:
        raise ReliabilityError(f"lower must lie in (0, 1); got {lower!r}")
    n_fits, k = corr.shape[:2]
    loadings = np.full((n_fits, k), np.nan)
    uniquenesses = np.full((n_fits, k), np.nan)
    converged = np.zeros(n_fits, dtype=bool)
    heywood = np.zeros(n_fits, dtype=bool)
    iterations = np.zeros(n_fits, dtype=np.int64)
    fits = OneFactorFits(loadings=loadings, uniquenesses=uniquenesses, converged=converged,
                         heywood=heywood, iterations=iterations)
    if n_fits == 0 or k < 2:
        return fits
    usable = np.isfinite(corr).all(axis=(1, 2))
    usable[usable] = np.linalg.eigvalsh(corr[usable])[:, 0] > PD_FLOOR
    index = np.flatnonzero(usable)
    if not len(index):
        return fits
    if k == 2:
        r = corr[index, 0, 1]
        size = np.sqrt(np.abs(r))
        loadings[index] = np.column_stack([size, np.where(r < 0, -size, size)])
        uniquenesses[index] = (1 - np.abs(r))[:, None]
        converged[index] = True
        return fits
    if start is not None and np.ndim(start) == 2:
        start = np.asarray(start, dtype=float)[index]
    psi = np.full((len(index), k), np.nan)
    done = np.zeros(len(index), dtype=bool)
    bound = np.zeros(len(index), dtype=bool)
    steps = np.zeros(len(index), dtype=np.int64)
    if k == 3:  # just identified: a perfect fit inside the bounds is the ML solution
        exact_loadings, exact = three_items(corr[index], lower)
        rows = index[exact]
        loadings[rows] = exact_loadings[exact]
        uniquenesses[rows] = 1 - exact_loadings[exact] ** 2
        converged[rows] = True
        index, psi, done, bound, steps = (a[~exact] for a in (index, psi, done, bound, steps))
        if not len(index):
            return fits
        if start is not None and np.ndim(start) == 2:
            start = start[~exact]
        # sign-consistent items without an exact fit: the best of the three Heywood corners
        r = corr[index]
        corners = np.flatnonzero(r[:, 0, 1] * r[:, 0, 2] * r[:, 1, 2] > 0)
        if len(corners):
            psi[corners], done[corners], bound[corners], steps[corners] = (
                three_item_corners(r[corners], lower, tol, max_iter))
    rest = np.flatnonzero(~done)
    if len(rest):
        if start is not None and np.ndim(start) == 2:
            start = start[rest]
        psi[rest], done[rest], bound[rest], rest_steps = _fit(corr[index[rest]], start,
                                                              lower, tol, max_iter)
        steps[rest] += rest_steps
    fitted = np.flatnonzero(done)
    theta, vectors = spectrum(corr[index[fitted]], np.log(psi[fitted]))
    top = vectors[:, :, -1]
    lam = np.sqrt(psi[fitted]) * top * np.sqrt(np.maximum(theta[:, -1] - 1, 0))[:, None]
    lam *= np.where(lam.sum(axis=1) < 0, -1.0, 1.0)[:, None]
    ok = index[fitted]
    loadings[ok] = lam
    uniquenesses[ok] = psi[fitted]
    converged[ok] = True
    heywood[ok] = bound[fitted]
    iterations[index] = steps
    return fits


def _fit(corr: np.ndarray, start: np.ndarray | None, lower: float, tol: float,
         max_iter: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Newton from ``start``, Heywood cases and failures refitted from two other starts.

    Returns the uniquenesses, whether each fit converged, whether it is a Heywood case and
    the Newton steps of all starts.
    """
    low = np.log(lower)
    psi, done, bound, steps, value = newton(corr, _start(corr, start, lower), low, tol,
                                             max_iter)
    # a Heywood solution may be the corner nearest the start rather than the best one:
    # refit those (and failures) from psych's start, then from the mirror corner (the
    # uniqueness at the bound swapped with the next smallest), keeping the best fit
    for restart in (_smc_start, _mirror_start):
        again = np.flatnonzero(bound | ~done)
        if not len(again):
            break
        psi2, done2, bound2, steps2, value2 = newton(
            corr[again], restart(corr[again], psi[again], lower), low, tol, max_iter)
        better = done2 & (~done[again] | (value2 < value[again] - 1e-12))
        take = again[better]
        psi[take], done[take], bound[take] = psi2[better], True, bound2[better]
        value[take] = value2[better]
        steps[again] += steps2
    return psi, done, bound, steps


def _start(corr: np.ndarray, start: np.ndarray | None, lower: float) -> np.ndarray:
    """Log-uniquenesses to start from, inside the bounds."""
    if start is None:
        values, vectors = np.linalg.eigh(corr)
        first = vectors[:, :, -1] ** 2 * values[:, -1:]
        psi = np.clip(1 - first, 0.05, 0.95)
    else:
        psi = np.broadcast_to(np.asarray(start, dtype=float), corr.shape[:2])
    return np.log(np.clip(psi, lower, 1.0))


def _smc_start(corr: np.ndarray, psi: np.ndarray, lower: float) -> np.ndarray:
    """psych's start, ``(1 - 0.5 / k) / diag(solve(r))``, as log-uniquenesses."""
    k = corr.shape[1]
    start = (1 - 0.5 / k) / np.einsum("bii->bi", np.linalg.inv(corr))
    return np.log(np.clip(start, lower, 1.0))


def _mirror_start(corr: np.ndarray, psi: np.ndarray, lower: float) -> np.ndarray:
    """The solution ``psi`` with its two smallest uniquenesses swapped, as log-uniquenesses.

    In a Heywood case the two items with the largest loadings often have two corners of
    almost equal fit, one for each item at the bound; this starts in the other one.
    """
    order = np.argsort(psi, axis=1)
    rows = np.arange(len(psi))
    start = np.where(np.isfinite(psi), psi, 0.5)
    smallest, second = order[:, 0], order[:, 1]
    start[rows, smallest], start[rows, second] = start[rows, second], start[rows, smallest]
    return np.log(np.clip(start, lower, 1.0))


__all__ = ["BATCH_TOL", "HEYWOOD_LOWER", "OneFactorFits", "one_factor_ml",
           "one_factor_ml_batch"]
