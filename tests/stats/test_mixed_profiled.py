"""The exact profiled fit of random-intercept models with fixed effects, against lme4 and
statsmodels ``MixedLM``.

Reference values: tests/reference/mixed_profiled.R (R 4.2, lme4 1.1-31, tightened optimiser
tolerances), stored with the simulated data in tests/reference/mixed_profiled_expected.json.
The wave and driver models of tests/analysis/test_waves.py and tests/analysis/test_drivers.py
check the same
path against lme4 on the synthetic survey.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.errors import InsufficientDataError
from evaluation.stats.mixed import SINGULAR_MESSAGE, fit_random_intercept, wald_table
from evaluation.stats.mixed_profiled import profiled_mixed_fit

REFERENCE = Path(__file__).parents[1] / "reference"
# lme4 with tightened tolerances; largest differences seen over the six fits: 6e-9
LMER = {"abs": 1e-7}
# the statsmodels optimisers stop at gtol 1e-9; largest difference seen over the 24 fits: 7e-9
MIXEDLM = {"abs": 1e-6}

with open(REFERENCE / "mixed_profiled_expected.json", encoding="utf-8") as _handle:
    LMER_CASES = {case["case"]: case for case in json.load(_handle)}


def design(frame: pd.DataFrame) -> pd.DataFrame:
    """``model.matrix(~ x + factor(w))`` of R."""
    return pd.DataFrame({"Intercept": 1.0, "x": frame["x"],
                         "wb": (frame["w"] == "b").astype(float),
                         "wc": (frame["w"] == "c").astype(float)})


def simulated(seed: int) -> tuple[pd.Series, pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    n_sites = (4, 10, 25)[seed % 3]
    site = np.repeat(np.arange(n_sites), rng.integers(2, 30, n_sites))
    n = len(site)
    spread = (0.0, 0.1, 0.5, 1.0)[seed % 4]
    x = rng.standard_normal((n, 3)) + 0.5 * rng.standard_normal(n_sites)[site, None]
    exog = pd.DataFrame({"Intercept": 1.0, "a": x[:, 0], "b": x[:, 1], "c": x[:, 2]})
    y = x @ [0.4, -0.2, 0.0] + spread * rng.standard_normal(n_sites)[site] + rng.normal(size=n)
    return pd.Series(y), exog, pd.Series(site)


@pytest.mark.parametrize("reml", [True, False], ids=["reml", "ml"])
@pytest.mark.parametrize("case", ["interior", "many_small", "singular"])
def test_profiled_fit_with_fixed_effects_matches_lmer(case: str, reml: bool) -> None:
    data = LMER_CASES[case]
    frame = pd.DataFrame({k: data[k] for k in ("site", "x", "w", "y")})
    ref = data["reml" if reml else "ml"]
    fit = fit_random_intercept(frame["y"], design(frame), frame["site"], reml=reml)
    # lmer(y ~ x + factor(w) + (1 | site), REML = reml): fixef, vcov, VarCorr, logLik,
    # isSingular
    assert fit.method == ("profiled_reml" if reml else "profiled_ml")
    assert fit.result is None
    assert fit.converged
    assert fit.boundary == ref["singular"]
    assert fit.coefficients.to_numpy() == pytest.approx(ref["coefficients"], **LMER)
    assert fit.fe_cov == pytest.approx(np.array(ref["vcov"]), **LMER)
    assert fit.site_variance == pytest.approx(ref["site_variance"], **LMER)
    assert fit.residual_variance == pytest.approx(ref["residual_variance"], **LMER)
    assert fit.llf == pytest.approx(ref["loglike"], **LMER)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("reml", [True, False], ids=["reml", "ml"])
def test_profiled_fit_matches_statsmodels_mixedlm(seed: int, reml: bool) -> None:
    endog, exog, groups = simulated(seed)
    fast = fit_random_intercept(endog, exog, groups, reml=reml)
    slow = fit_random_intercept(endog, exog, groups, reml=reml, profiled=False)
    assert fast.method.startswith("profiled")
    assert not slow.method.startswith("profiled")
    assert list(fast.coefficients.index) == list(slow.coefficients.index) == list(exog)
    assert fast.coefficients.to_numpy() == pytest.approx(slow.coefficients.to_numpy(),
                                                         **MIXEDLM)
    assert fast.fe_cov == pytest.approx(slow.fe_cov, **MIXEDLM)
    assert fast.site_variance == pytest.approx(slow.site_variance, **MIXEDLM)
    assert fast.residual_variance == pytest.approx(slow.residual_variance, **MIXEDLM)
    # the same likelihood, with the same constants; the exact maximum is never lower
    assert fast.llf == pytest.approx(slow.llf, **MIXEDLM)
    assert fast.llf >= slow.llf - 1e-9
    assert fast.boundary == slow.boundary
    assert (fast.site_variance == 0.0) == fast.boundary


def test_a_singular_fit_has_a_site_variance_of_exactly_zero_and_says_so() -> None:
    data = LMER_CASES["singular"]
    frame = pd.DataFrame({k: data[k] for k in ("site", "x", "w", "y")})
    fit = fit_random_intercept(frame["y"], design(frame), frame["site"])
    assert fit.site_variance == 0.0
    assert fit.boundary
    assert fit.converged
    assert fit.messages == (SINGULAR_MESSAGE,)
    # with no site variance the fit is least squares: sigma^2 = RSS / (N - p)
    x = design(frame).to_numpy()
    beta, rss, *_ = np.linalg.lstsq(x, frame["y"].to_numpy(), rcond=None)
    assert fit.coefficients.to_numpy() == pytest.approx(beta, rel=1e-12, abs=1e-14)
    assert fit.residual_variance == pytest.approx(rss[0] / (len(x) - 4), rel=1e-12)


def test_wald_table_is_the_same_for_both_fitting_paths() -> None:
    endog, exog, groups = simulated(2)
    fast = wald_table(fit_random_intercept(endog, exog, groups), terms=["a", "b"])
    slow = wald_table(fit_random_intercept(endog, exog, groups, profiled=False),
                      terms=["a", "b"])
    assert fast["term"].tolist() == ["a", "b"]
    numbers = ["estimate", "se", "ci_low", "ci_high", "pvalue"]
    assert fast[numbers].to_numpy() == pytest.approx(slow[numbers].to_numpy(), **MIXEDLM)


def test_no_variation_within_sites_falls_back_to_mixedlm() -> None:
    # y is constant within sites: the profile keeps rising as the residual variance goes to 0
    site = np.repeat(np.arange(5), 4)
    exog = pd.DataFrame({"Intercept": 1.0, "x": np.tile([0.0, 1.0, 2.0, 3.0], 5)})
    y = np.array([1.0, 3.0, 2.0, 5.0, 4.0])[site]
    codes = pd.factorize(site)[0]
    assert profiled_mixed_fit(y, exog.to_numpy(), codes) is None
    fit = fit_random_intercept(pd.Series(y), exog, pd.Series(site))
    assert not fit.method.startswith("profiled")
    assert fit.result is not None


def test_a_rank_deficient_design_is_left_to_mixedlm() -> None:
    endog, exog, groups = simulated(1)
    doubled = exog.assign(d=2 * exog["a"])
    assert profiled_mixed_fit(endog.to_numpy(), doubled.to_numpy(),
                              groups.to_numpy()) is None


def test_a_model_with_one_site_raises_an_error_naming_the_counts() -> None:
    exog = pd.DataFrame({"Intercept": 1.0, "x": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(InsufficientDataError, match=r"4 row\(s\), 1 site\(s\)"):
        fit_random_intercept(pd.Series([1.0, 2.0, 2.0, 3.0]), exog, pd.Series(["a"] * 4))


@pytest.mark.slow
def test_driver_sized_fits_take_the_profiled_path() -> None:
    rng = np.random.default_rng(3)
    site = np.repeat(np.arange(18), rng.integers(5, 30, 18))
    x = rng.standard_normal((len(site), 16))
    exog = pd.DataFrame(np.column_stack([np.ones(len(site)), x]))
    y = pd.Series(x @ rng.normal(0, 0.2, 16) + 0.4 * rng.standard_normal(18)[site]
                  + rng.standard_normal(len(site)))
    fit = fit_random_intercept(y, exog, pd.Series(site))
    assert fit.method == "profiled_reml"
