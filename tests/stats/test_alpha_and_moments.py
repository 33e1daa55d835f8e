"""The shortcuts of the reliability table keep its numbers: blocked bootstrap moments, omega in
two steps, no bootstrap behind an omega that is not shown, one DataFrame built at the end.

The reference numbers against R stay in ``tests/analysis/test_reliability.py``; here every
fast path is
compared with the slower computation it replaces.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation import columns as C
from evaluation.analysis import reliability as R
from evaluation.stats import covariance, weighted_moments
from evaluation.stats.omega import mcdonald_omega, omega_interval, omega_point
from tests.analysis.test_reliability import reference_items, reference_survey


def likert_items(n: int = 300, k: int = 4, seed: int = 5) -> np.ndarray:
    """Answers 1..5 of ``k`` items driven by one factor, about 5% missing."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1)) + rng.normal(scale=0.8, size=(n, k))
    x = np.clip(np.round(3 + latent), 1, 5)
    x[rng.uniform(size=x.shape) < 0.05] = np.nan
    return x


@pytest.mark.parametrize("n_boot", [1, 2, 3, 7, 40])
@pytest.mark.parametrize("nan_policy", ["pairwise", "listwise"])
def test_bootstrap_moments_computed_in_blocks_equal_one_matrix_product(
        monkeypatch: pytest.MonkeyPatch, n_boot: int, nan_policy: str) -> None:
    x = likert_items(n=60)
    weights = np.random.default_rng(1).multinomial(60, np.full(60, 1 / 60), size=n_boot)
    whole = weighted_moments(x, weights, nan_policy)  # type: ignore[arg-type]
    # a threshold this small forces blocks of two or three replicates
    monkeypatch.setattr(covariance, "_SINGLE_THREAD_PRODUCT", 2 * 60 * 16)
    blocked = weighted_moments(x, weights, nan_policy)  # type: ignore[arg-type]
    for a, b in zip(whole, blocked, strict=True):
        assert a.shape == (n_boot, 4, 4)
        np.testing.assert_allclose(b, a, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("nan_policy", ["pairwise", "listwise"])
def test_omega_in_two_steps_equals_mcdonald_omega_to_the_last_bit(nan_policy: str) -> None:
    x = reference_items()
    whole = mcdonald_omega(x, nan_policy=nan_policy, n_boot=60, seed=4)  # type: ignore[arg-type]
    point = omega_point(x, nan_policy)  # type: ignore[arg-type]
    low, high, failed, heywood = omega_interval(point, n_boot=60, seed=4)
    assert point.omega == whole.omega
    assert (low, high) == (whole.ci_low, whole.ci_high)
    assert (failed, heywood) == (whole.n_boot_failed, whole.n_boot_heywood)
    assert point.n == whole.n
    assert tuple(point.uniquenesses) == whole.uniquenesses


def test_omega_interval_rejects_a_negative_bootstrap_count() -> None:
    point = omega_point(likert_items())
    with pytest.raises(R.ReliabilityError, match="-1"):
        omega_interval(point, n_boot=-1)


def test_table_runs_no_bootstrap_behind_an_omega_that_did_not_converge(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data, book = reference_survey()
    original = R.omega_points

    def unconverged(samples: list[np.ndarray], nan_policy: str) -> list[object]:
        return [type(point)(x=point.x, n=point.n, nan_policy=point.nan_policy,
                            loadings=np.full_like(point.loadings, np.nan),
                            uniquenesses=np.full_like(point.uniquenesses, np.nan),
                            converged=False, heywood=False)
                for point in original(samples, nan_policy)]  # type: ignore[arg-type]

    def no_bootstrap(*args: object, **kwargs: object) -> None:
        raise AssertionError("the bootstrap ran behind an omega that is not shown")

    monkeypatch.setattr(R, "omega_points", unconverged)
    monkeypatch.setattr(R, "omega_interval", no_bootstrap)
    table = R.reliability_table(data, book, scales=["agree"], by_site=False, n_boot=50)
    assert table["alpha"].notna().all()
    assert table[["omega", "omega_ci_low", "omega_ci_high"]].isna().all().all()
    assert not table["omega_heywood"].any()


def test_table_omega_columns_equal_mcdonald_omega_of_the_keyed_items() -> None:
    data, book = reference_survey()
    table = R.reliability_table(data, book, scales=["agree"], by_site=False, n_boot=80,
                                seed=2)
    result = mcdonald_omega(reference_items(), n_boot=80, seed=2)
    row = table.iloc[0]
    assert (row["omega"], row["omega_ci_low"], row["omega_ci_high"]) == (
        result.omega, result.ci_low, result.ci_high)


@pytest.mark.parametrize("wave", [None, "w1", "w9"])
def test_table_columns_have_the_documented_types(wave: str | None) -> None:
    data, book = reference_survey()
    table = R.reliability_table(data, book, wave=wave, min_n=10, n_boot=10)
    assert isinstance(table.index, pd.RangeIndex)
    assert table.dtypes.to_dict() == {
        C.SCALE: object, "level": object, C.SITE: object, C.WAVE: object,
        C.N: np.int64, "n_items": np.int64, "alpha": float, "alpha_ci_low": float,
        "alpha_ci_high": float, "omega": float, "omega_ci_low": float,
        "omega_ci_high": float, "omega_heywood": bool, "nan_policy": object}
    assert table[C.WAVE].tolist() == [wave] * len(table)
    pool = table[table["level"] == "pool"]
    assert pool[C.SITE].map(lambda site: site is None).all()
    assert table.loc[table["level"] == "site", C.SITE].map(type).eq(str).all()
