"""The projected Newton method of ``evaluation.stats.onefactor_newton``: held uniquenesses and
Hessians that cannot be decomposed.

The minimum on a face of the box is checked against SciPy's L-BFGS-B on the same
discrepancy; the degenerate case against R ``psych::fa``.
"""

from __future__ import annotations

import numpy as np
import pytest

from evaluation.stats import HEYWOOD_LOWER, one_factor_ml_batch
from evaluation.stats.onefactor_newton import (
    _discrepancy,
    _modified_newton,
    gradient_hessian,
    newton,
    spectrum,
)


def value(corr: np.ndarray, psi: np.ndarray) -> float:
    return float(_discrepancy(spectrum(corr[None], np.log(psi)[None])[0])[0])


@pytest.mark.parametrize("held", [0, 2])
def test_a_held_uniqueness_stays_at_its_start_and_the_others_reach_the_face_minimum(
        held: int) -> None:
    from scipy.optimize import minimize

    corr = np.array([[1, .5, .4, .3], [.5, 1, .35, .3], [.4, .35, 1, .25], [.3, .3, .25, 1]])
    start = np.full(4, 0.6)
    start[held] = 0.3  # away from the optimum of this uniqueness
    fixed = np.zeros((1, 4), dtype=bool)
    fixed[0, held] = True
    psi, done, bound, _, reached = newton(corr[None], np.log(start)[None],
                                           np.log(HEYWOOD_LOWER), 1e-9, 100, fixed=fixed)
    assert done.tolist() == [True]
    assert not bound[0]
    assert psi[0, held] == np.exp(np.log(0.3))  # not moved
    gradient, _ = gradient_hessian(*spectrum(corr[None], np.log(psi)))
    free = np.arange(4) != held
    assert np.abs(gradient[0, free]).max() < 1e-9
    assert abs(gradient[0, held]) > 1e-3  # the full problem would move it

    def on_face(free_psi: np.ndarray) -> float:
        full = np.full(4, 0.3)
        full[free] = free_psi
        return value(corr, full)

    other = minimize(on_face, np.full(3, 0.6), method="L-BFGS-B",
                     bounds=[(HEYWOOD_LOWER, 1.0)] * 3, options={"ftol": 1e-15, "gtol": 1e-12})
    assert reached[0] <= other.fun + 1e-12
    np.testing.assert_allclose(psi[0, free], other.x, atol=1e-7)  # measured 1.6e-8


def test_a_hessian_with_nan_gives_a_steepest_descent_direction() -> None:
    hessian = np.array([[[np.nan, 0.0], [0.0, 1.0]], [[2.0, 0.0], [0.0, 4.0]]])
    gradient = np.array([[1.0, -2.0], [2.0, 4.0]])
    direction = _modified_newton(hessian, gradient)
    np.testing.assert_array_equal(direction[0], [-1.0, 2.0])
    np.testing.assert_allclose(direction[1], [-1.0, -1.0])


def test_two_equal_largest_eigenvalues_no_longer_stop_the_whole_batch() -> None:
    # on the way to its fit, R* of this matrix has two equal largest eigenvalues (1.6714):
    # the Hessian had NaN and numpy.linalg.eigh raised LinAlgError for the whole batch (so
    # did 48 more of the 46,656 matrices with correlations in {-.3, -.2, -.1, 0, .1, .3})
    corr = np.eye(4)
    corr[np.triu_indices(4, 1)] = (-0.3, -0.1, 0.0, 0.0, -0.1, 0.3)
    corr = np.triu(corr) + np.triu(corr, 1).T
    other = np.array([[1, .5, .4], [.5, 1, .3], [.4, .3, 1]])
    fits = one_factor_ml_batch(np.stack([corr, corr]))
    assert fits.converged.all()
    assert fits.heywood.all()
    assert one_factor_ml_batch(other[None]).converged.all()
    # R 4.2.2, psych 2.2.9: psych::fa(r, nfactors = 1, fm = "ml", n.obs = 300) puts the
    # third uniqueness at the bound, uniquenesses .9899597897 .9999999998 .0049999493
    # .9095569583; the matrix maps onto itself with items 1 <-> 3 and 2 <-> 4 (signs aside),
    # and the fit here is the mirror corner of equal discrepancy
    psych = np.array([.9899597897, .9999999998, .0049999493, .9095569583])
    np.testing.assert_allclose(fits.uniquenesses[0], psych[[2, 3, 0, 1]], atol=1e-6)
    assert value(corr, fits.uniquenesses[0]) == pytest.approx(
        value(corr, np.maximum(psych, HEYWOOD_LOWER)), abs=1e-9)
