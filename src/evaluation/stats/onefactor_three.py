"""The one-factor ML model of three items: exact inside the bounds, else a Heywood corner.

Three items are just identified (three loadings and three uniquenesses for three correlations
and three unit variances), which gives :func:`evaluation.stats.onefactor.one_factor_ml_batch` two
short cuts for ``k = 3``:

* :func:`three_items`: where :math:`r_{12} r_{13} r_{23} > 0` and the closed form lies
  inside the bounds, the model reproduces R exactly; that is the ML solution (discrepancy 0),
  no iteration needed.
* :func:`three_item_corners`: where :math:`r_{12} r_{13} r_{23} > 0` but a closed-form
  uniqueness lies below the bound (a Heywood case), the solution has a uniqueness at the
  bound; each of the three corners is fitted by Newton with that uniqueness held, and the
  best valid one is kept.

Why a corner: at a stationary point inside the box with a common factor, the residual
:math:`D = R - \\Sigma` has a zero diagonal (the ML equations for free uniquenesses,
Jöreskog 1967) and :math:`D \\Psi^{-1}\\lambda = 0`. A symmetric 3 x 3 matrix with a zero
diagonal is invertible (determinant :math:`2 d_{12} d_{13} d_{23}`) or, with an off-diagonal
0, has no null vector without zero entries unless it is 0; so with all loadings non-zero the
fit is exact. With :math:`r_{12} r_{13} r_{23} > 0` the items can be signed so that R, and
:math:`R^* = \\Psi^{-1/2} R \\Psi^{-1/2}`, have positive entries: the largest eigenvalue of
:math:`R^*` exceeds 1 and its eigenvector has no zero entry (Perron-Frobenius), so no loading
is 0 at any uniqueness. At a uniqueness of 1 the discrepancy then rises with it (at the rate
:math:`\\lambda_j^2`), so without an exact fit inside the bounds every local minimum has a
uniqueness at the lower bound. Items whose signs do not agree
(:math:`r_{12} r_{13} r_{23} \\leq 0`) can have solutions with a zero loading (a uniqueness
at 1) or ridges of equal fit, where the answer depends on the start; they keep the general
path of ``one_factor_ml_batch`` (Newton from the start, refitted from psych's start and the
mirror corner), as do matrices for which a corner fit does not converge.
"""

from __future__ import annotations

import numpy as np

from evaluation.stats.onefactor_newton import gradient_hessian, newton, spectrum


def three_items(corr: np.ndarray, lower: float) -> tuple[np.ndarray, np.ndarray]:
    """Closed-form loadings of three items, and where they fit inside the bounds.

    With :math:`r_{12} r_{13} r_{23} > 0` the model reproduces R exactly with
    :math:`\\lambda_1^2 = r_{12} r_{13} / r_{23}` (and so on); this is the ML solution when
    every :math:`\\lambda_i^2` lies in :math:`[0, 1 - lower]`. Elsewhere (Heywood cases, a
    negative product) :func:`three_item_corners` or the Newton fit is used.
    """
    r12, r13, r23 = corr[:, 0, 1], corr[:, 0, 2], corr[:, 1, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        squares = np.column_stack([r12 * r13 / r23, r12 * r23 / r13, r13 * r23 / r12])
    exact = (r12 * r13 * r23 > 0) & (squares <= 1 - lower).all(axis=1)
    sign = np.column_stack([np.ones_like(r12), np.sign(r12), np.sign(r13)])
    loadings = np.sqrt(np.where(exact[:, None], squares, 0.0)) * sign
    loadings *= np.where(loadings.sum(axis=1) < 0, -1.0, 1.0)[:, None]
    return loadings, exact


def three_item_corners(corr: np.ndarray, lower: float, tol: float, max_iter: int
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The best Heywood corner of three sign-consistent items without an exact fit in bounds.

    For each item i the uniqueness :math:`\\psi_i` is held at ``lower`` and the other two
    are fitted by :func:`~evaluation.stats.onefactor_newton._newton`, started from the limit
    :math:`\\psi_i \\to 0`, where item i is the factor and :math:`\\psi_j = 1 - r_{ij}^2`.
    A corner is valid when the gradient in :math:`\\log\\psi_i` there is not below
    ``-tol`` (otherwise the fit improves by moving :math:`\\psi_i` off the bound); of the
    valid corners the one with the smallest discrepancy is kept. A matrix for which a corner
    fit did not converge, or no corner is valid, is marked not done, for the general path.

    Returns the uniquenesses (NaN where not done), whether the fit is done, whether it is a
    Heywood case (always, where done) and the Newton steps of all three corners.
    """
    n_fits = len(corr)
    low = np.log(lower)
    psi = np.full((n_fits, 3), np.nan)
    value = np.full(n_fits, np.inf)
    every = np.ones(n_fits, dtype=bool)  # every corner fit converged
    bound = np.zeros(n_fits, dtype=bool)
    steps = np.zeros(n_fits, dtype=np.int64)
    for item in range(3):
        start = 1 - corr[:, item, :] ** 2
        start[:, item] = lower
        fixed = np.zeros((n_fits, 3), dtype=bool)
        fixed[:, item] = True
        corner, done, at_bound, corner_steps, corner_value = newton(
            corr, np.log(np.clip(start, lower, 1.0)), low, tol, max_iter, fixed=fixed)
        steps += corner_steps
        every &= done
        gradient, _ = gradient_hessian(*spectrum(corr, np.log(corner)))
        better = done & (gradient[:, item] > -tol) & (corner_value < value)
        psi[better], value[better], bound[better] = (
            corner[better], corner_value[better], at_bound[better])
    done = every & np.isfinite(value)
    psi[~done] = np.nan
    return psi, done, bound & done, steps
