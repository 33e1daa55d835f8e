"""The short cuts for three items give the fit of the general Newton path.

:mod:`evaluation.stats.onefactor_three` fits a three-item model by the closed form where it lies
inside the bounds, and by the best Heywood corner where the items' signs agree
(:math:`r_{12} r_{13} r_{23} > 0`) but the closed form puts a uniqueness below the bound.
Each is compared with :func:`evaluation.stats.onefactor.one_factor_ml_batch` with the short cut
switched off, i.e. the projected Newton method with its restarts, on simulated correlation
matrices and on the bootstrap of the example's Heywood-prone ``benefit`` scale. Tolerances
are set above the largest difference measured (in the comments).
"""

from __future__ import annotations

import numpy as np
import pytest

from evaluation.stats import mcdonald_omega, onefactor
from evaluation.stats.onefactor import HEYWOOD_LOWER, OneFactorFits, one_factor_ml_batch
from evaluation.stats.onefactor_newton import _discrepancy, spectrum
from evaluation.stats.onefactor_three import three_item_corners

from .test_omega_heywood import WAVES, reference_items


def simulated_correlations(seed: int, count: int) -> np.ndarray:
    """Sample correlations of three items from one-factor populations.

    Loadings of either sign (so that the signs of the sample correlations often disagree),
    in a third of the populations one loading near 1 (Heywood cases), n from 30 to 400.
    """
    rng = np.random.default_rng(seed)
    matrices = []
    for _ in range(count):
        loadings = rng.uniform(0.1, 0.9, 3) * rng.choice([-1.0, 1.0], 3)
        if rng.uniform() < 1 / 3:
            loadings[rng.integers(3)] = rng.uniform(0.9, 0.99) * np.sign(loadings[0])
        population = np.outer(loadings, loadings)
        np.fill_diagonal(population, 1.0)
        x = rng.multivariate_normal(np.zeros(3), population, size=int(rng.choice([30, 100, 400])))
        matrices.append(np.corrcoef(x.T))
    return np.stack(matrices)


def no_closed_form(corr: np.ndarray, lower: float) -> tuple[np.ndarray, np.ndarray]:
    return np.full((len(corr), 3), np.nan), np.zeros(len(corr), dtype=bool)


def no_corners(corr: np.ndarray, lower: float, tol: float, max_iter: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n_fits = len(corr)
    return (np.full((n_fits, 3), np.nan), np.zeros(n_fits, dtype=bool),
            np.zeros(n_fits, dtype=bool), np.zeros(n_fits, dtype=np.int64))


def newton_only(monkeypatch: pytest.MonkeyPatch, corr: np.ndarray, **kwargs: object
                ) -> OneFactorFits:
    """The fit with both short cuts switched off: projected Newton with its restarts."""
    with monkeypatch.context() as patch:
        patch.setattr(onefactor, "three_items", no_closed_form)
        patch.setattr(onefactor, "three_item_corners", no_corners)
        return one_factor_ml_batch(corr, **kwargs)  # type: ignore[arg-type]


def discrepancy(corr: np.ndarray, uniquenesses: np.ndarray) -> np.ndarray:
    """The ML discrepancy of each fit, at its uniquenesses and the best loadings."""
    return _discrepancy(spectrum(corr, np.log(uniquenesses))[0])


def sign_product(corr: np.ndarray) -> np.ndarray:
    return corr[:, 0, 1] * corr[:, 0, 2] * corr[:, 1, 2]


@pytest.fixture(scope="module")
def simulated() -> np.ndarray:
    return simulated_correlations(1, 3000)


def admissible(corr: np.ndarray) -> np.ndarray:
    # by hand: lambda_1^2 = r12 r13 / r23 etc. exist (product > 0) and leave every
    # uniqueness 1 - lambda^2 at or above the bound
    r12, r13, r23 = corr[:, 0, 1], corr[:, 0, 2], corr[:, 1, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        squares = np.column_stack([r12 * r13 / r23, r12 * r23 / r13, r13 * r23 / r12])
    return (r12 * r13 * r23 > 0) & (1 - squares >= HEYWOOD_LOWER).all(axis=1)


def test_the_closed_form_is_taken_exactly_where_it_lies_inside_the_bounds(
        simulated: np.ndarray) -> None:
    fits = one_factor_ml_batch(simulated)
    exact = admissible(simulated)
    assert 0.3 < exact.mean() < 0.9  # both kinds are well represented
    assert fits.converged.all()
    np.testing.assert_array_equal(fits.iterations == 0, exact)
    assert not fits.heywood[exact].any()
    assert fits.heywood[~exact & (sign_product(simulated) > 0)].all()


def test_the_closed_form_equals_the_newton_fit_on_admissible_matrices(
        monkeypatch: pytest.MonkeyPatch, simulated: np.ndarray) -> None:
    corr = simulated[admissible(simulated)]
    fast = one_factor_ml_batch(corr)
    slow = newton_only(monkeypatch, corr)
    assert fast.converged.all()
    assert slow.converged.all()
    np.testing.assert_array_equal(fast.heywood, slow.heywood)
    # the closed form reproduces R: discrepancy 0 up to rounding, never above Newton's
    assert discrepancy(corr, fast.uniquenesses).max() < 1e-12
    assert (discrepancy(corr, fast.uniquenesses)
            <= discrepancy(corr, slow.uniquenesses) + 1e-12).all()
    # Newton stops at a gradient of 1e-9, which leaves more than that in the uniquenesses
    # of the weakest factors (two loadings near 0, a flat likelihood); measured over these
    # 1,983 matrices: 8.1e-8 in the loadings, 1.3e-7 in the uniquenesses, 4.3e-8 in omega
    np.testing.assert_allclose(fast.loadings, slow.loadings, atol=1e-6)
    np.testing.assert_allclose(fast.uniquenesses, slow.uniquenesses, atol=1e-6)
    np.testing.assert_allclose(fast.omega, slow.omega, atol=1e-6)


@pytest.mark.parametrize("start", [None, "uniform"])
def test_sign_consistent_heywood_cases_take_the_newton_fit_from_the_best_corner(
        monkeypatch: pytest.MonkeyPatch, simulated: np.ndarray, start: str | None) -> None:
    corr = simulated[~admissible(simulated) & (sign_product(simulated) > 0)]
    assert len(corr) > 200
    # the general path depends on its start (the bootstrap starts from the full sample)
    begin = None if start is None else np.full(3, 0.5)
    fast = one_factor_ml_batch(corr, start=begin)
    slow = newton_only(monkeypatch, corr, start=begin)
    assert fast.converged.all()
    assert slow.converged.all()
    assert fast.heywood.all()
    assert slow.heywood.all()
    assert (fast.iterations > 0).all()
    # the same minimum: measured over these 656 matrices 7e-15 in the discrepancy, 9.2e-10
    # in the uniquenesses, 4.4e-12 in the loadings and 1.5e-10 in omega (at most 9.9e-10
    # and 2.2e-10 over 20,000 more and a grid of 31,000 with correlations in steps of .05)
    fast_value = discrepancy(corr, fast.uniquenesses)
    slow_value = discrepancy(corr, slow.uniquenesses)
    np.testing.assert_allclose(fast_value, slow_value, rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(fast.uniquenesses, slow.uniquenesses, atol=1e-8)
    np.testing.assert_allclose(fast.loadings, slow.loadings, atol=1e-8)
    np.testing.assert_allclose(fast.omega, slow.omega, atol=2e-9)
    at_bound = np.isclose(fast.uniquenesses, HEYWOOD_LOWER, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(at_bound.sum(axis=1), 1)


def test_items_whose_signs_disagree_keep_the_general_newton_path(
        monkeypatch: pytest.MonkeyPatch, simulated: np.ndarray) -> None:
    corr = simulated[sign_product(simulated) <= 0]
    fast = one_factor_ml_batch(corr)
    with monkeypatch.context() as patch:
        patch.setattr(onefactor, "three_item_corners", no_corners)
        slow = one_factor_ml_batch(corr)
    for field in ("loadings", "uniquenesses", "converged", "heywood", "iterations"):
        np.testing.assert_array_equal(getattr(fast, field), getattr(slow, field))


def test_a_corner_holds_its_uniqueness_at_the_bound_with_psych_loadings() -> None:
    # R 4.2.2, psych 2.2.9: psych::fa(r, nfactors = 1, fm = "ml", n.obs = 300) gives
    # loadings .9974982395, .6012140398, .6012140398
    # (tests/stats/test_estimators_at_scale.py, HEYWOOD)
    corr = np.array([[[1, .6, .6], [.6, 1, .3], [.6, .3, 1]]])
    psi, done, heywood, steps = three_item_corners(corr, HEYWOOD_LOWER, 1e-9, 100)
    assert done.tolist() == [True]
    assert heywood.tolist() == [True]
    assert psi[0, 0] == np.exp(np.log(HEYWOOD_LOWER))  # held, not moved
    assert steps[0] > 0
    fits = one_factor_ml_batch(corr)
    np.testing.assert_allclose(fits.loadings[0], [.9974982395, .6012140398, .6012140398],
                               atol=1e-6)  # measured 4e-9


@pytest.mark.parametrize("wave", WAVES)
def test_the_benefit_bootstrap_of_the_example_is_unchanged_by_the_corners(
        monkeypatch: pytest.MonkeyPatch, wave: str) -> None:
    # 236, 398 and 437 of the 500 replicates are Heywood cases in w1, w2 and w3; before the
    # corners all of them took the general path. Measured: omega 5.8e-11, limits 1.1e-11.
    x = reference_items(wave)
    fast = mcdonald_omega(x, n_boot=500, seed=0)
    with monkeypatch.context() as patch:
        patch.setattr(onefactor, "three_item_corners", no_corners)
        slow = mcdonald_omega(x, n_boot=500, seed=0)
    assert fast.heywood is slow.heywood
    assert (fast.n_boot_heywood, fast.n_boot_failed) == (slow.n_boot_heywood,
                                                         slow.n_boot_failed)
    assert fast.n_boot_heywood > 200
    assert fast.omega == pytest.approx(slow.omega, abs=1e-9)
    assert fast.ci_low == pytest.approx(slow.ci_low, abs=1e-9)
    assert fast.ci_high == pytest.approx(slow.ci_high, abs=1e-9)
