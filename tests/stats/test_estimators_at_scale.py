"""The fast paths agree with the slow ones and with R.

* the batched one-factor ML fit of the omega bootstrap (``evaluation.stats.onefactor``) against
  statsmodels ``Factor(method="ml")`` and R ``psych::fa(fm = "ml")``, Heywood cases included;
* the profiled REML variance components (``evaluation.stats.reml``) against lme4 and statsmodels
  ``MixedLM``;
* the vectorised rwg(j) (``evaluation.stats.rwg``) against a per-site computation.

Tolerances are stated next to each comparison; they are set a decade or more above the
largest difference measured (given in the comments).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis import aggregation as A
from evaluation.stats import (
    bootstrap_omega,
    icc,
    mcdonald_omega,
    moments,
    omega_from_loadings,
    rwg_j,
    weighted_moments,
)
from evaluation.stats.onefactor import (
    HEYWOOD_LOWER,
    OneFactorFits,
    one_factor_ml,
    one_factor_ml_batch,
)
from evaluation.stats.reml import group_summaries, profiled_random_intercept, variance_components

REFERENCE = Path(__file__).parents[1] / "reference"
RELIABILITY = json.loads((REFERENCE / "reliability_expected.json").read_text())
AGGREGATION = json.loads((REFERENCE / "aggregation_expected.json").read_text())

# one-factor fits: both reach the likelihood maximum; statsmodels (gtol 1e-10) and the
# batched fit differ by at most 5e-9 in omega and 4e-8 in loadings over 40 data sets
FIT_OMEGA_ATOL = 1e-7
FIT_PARAM_ATOL = 1e-6
# REML: the profiled path solves the score equation to machine precision; lme4 and
# statsmodels stop at their optimisers' tolerances (largest differences seen: 1.4e-8)
REML_ATOL = 1e-7


def simulated_correlations(seed: int, k: int, n: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    loadings = rng.uniform(0.3, 0.85, k)
    population = np.outer(loadings, loadings)
    np.fill_diagonal(population, 1.0)
    x = rng.multivariate_normal(np.zeros(k), population, size=n)
    return np.corrcoef(x.T)


def reference_items() -> np.ndarray:
    frame = pd.read_csv(REFERENCE / "reliability_data.csv")
    frame["A1"] = 7 - frame["A1"]  # reverse-keyed on the 1..6 scale, as in reliability.R
    return frame[RELIABILITY["items"]].to_numpy(dtype=float)


# -- the batched one-factor fit ---------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_batched_fit_reaches_the_statsmodels_maximum(seed: int) -> None:
    k, n = (3, 4, 5, 6, 8)[seed % 5], (150, 300, 600)[seed % 3]
    corr = simulated_correlations(seed, k, n)
    fast = one_factor_ml_batch(corr[None])
    # gtol 1e-10 is at the limit of BFGS: statsmodels may report a loss of precision while
    # standing at the maximum, so its convergence flag is not asked for
    slow = one_factor_ml(corr, nobs=n, gtol=1e-10)
    assert slow is not None
    if fast.heywood[0]:
        pytest.skip("Heywood case: statsmodels runs the uniqueness towards 0 (tested below)")
    assert fast.converged[0]
    assert fast.omega[0] == pytest.approx(omega_from_loadings(slow[0], slow[1]),
                                          abs=FIT_OMEGA_ATOL)
    np.testing.assert_allclose(fast.loadings[0], slow[0], atol=FIT_PARAM_ATOL)
    np.testing.assert_allclose(fast.uniquenesses[0], slow[1], atol=FIT_PARAM_ATOL)


@pytest.mark.parametrize("nan_policy", ["listwise", "pairwise"])
def test_batched_fit_matches_psych_fa_on_the_reference_data(nan_policy: str) -> None:
    # R: psych::fa(r, nfactors = 1, fm = "ml", n.obs = n), tests/reference/reliability.R
    ref = RELIABILITY["pooled"][nan_policy]["omega"]
    x = reference_items()
    x = x[np.isfinite(x).all(axis=1)] if nan_policy == "listwise" else x
    _, _, corr = moments(x, nan_policy)
    fast = one_factor_ml_batch(corr[None])
    assert fast.converged[0]
    assert not fast.heywood[0]
    assert fast.omega[0] == pytest.approx(ref["omega"], abs=1e-6)  # measured 2e-7
    np.testing.assert_allclose(fast.loadings[0], ref["loadings"], atol=1e-5)
    np.testing.assert_allclose(fast.uniquenesses[0], ref["uniquenesses"], atol=1e-5)


HEYWOOD = {
    "three": [[1, .6, .6], [.6, 1, .3], [.6, .3, 1]],
    "four": [[1, .7, .6, .5], [.7, 1, .35, .3], [.6, .35, 1, .3], [.5, .3, .3, 1]],
    "five": [[1, .75, .7, .6, .55], [.75, 1, .5, .45, .4], [.7, .5, 1, .35, .3],
             [.6, .45, .35, 1, .3], [.55, .4, .3, .3, 1]],
}
# R 4.2.2, psych 2.2.9: f <- psych::fa(r, nfactors = 1, fm = "ml", n.obs = 300) for each
# matrix above; as.numeric(f$loadings) and sum(l)^2 / (sum(l)^2 + sum(f$uniquenesses)).
# psych holds the first uniqueness at its bound 0.005 but reports 1 - loading^2 for it
# (0.0049973 etc.), so its omega differs from the bound's by about 3e-7.
PSYCH_HEYWOOD = {
    "three": ([0.9974982395, 0.6012140398, 0.6012140398], 0.7905698089),
    "four": ([0.9975004107, 0.7012440936, 0.6010046421, 0.5008927052], 0.8049051364),
    "five": ([0.9975042610, 0.7516287500, 0.7008422148, 0.6008725594, 0.5505168814],
             0.8502256751),
}


@pytest.mark.parametrize("name", list(HEYWOOD))
def test_heywood_cases_stop_at_the_psych_bound_with_psych_loadings(name: str) -> None:
    corr = np.array(HEYWOOD[name], dtype=float)
    fits = one_factor_ml_batch(corr[None])
    loadings, omega = PSYCH_HEYWOOD[name]
    assert fits.converged[0]
    assert fits.heywood[0]
    assert fits.uniquenesses[0, 0] == pytest.approx(HEYWOOD_LOWER, abs=1e-12)
    np.testing.assert_allclose(fits.loadings[0], loadings, atol=1e-6)  # measured 4e-9
    assert fits.omega[0] == pytest.approx(omega, abs=1e-5)  # measured 3.6e-7


def test_a_heywood_case_approaches_the_exact_limit_that_statsmodels_misses() -> None:
    # three items with r12 r13 / r23 = 1.2 > 1: with psi_1 -> 0 the exact solution is
    # lambda = (1, .6, .6), psi = (0, .64, .64), omega = 2.2^2 / (2.2^2 + 1.28) (by hand);
    # statsmodels stops near it with loadings above 1 and a ConvergenceWarning
    corr = np.array(HEYWOOD["three"], dtype=float)
    fits = one_factor_ml_batch(corr[None], lower=1e-9)
    exact = 2.2**2 / (2.2**2 + 1.28)
    assert fits.omega[0] == pytest.approx(exact, abs=1e-7)
    np.testing.assert_allclose(fits.loadings[0], [1.0, 0.6, 0.6], atol=1e-6)
    slow = one_factor_ml(corr, nobs=300)
    assert slow is not None
    assert not slow[2]  # statsmodels: not converged
    assert omega_from_loadings(slow[0], slow[1]) == pytest.approx(exact, abs=1e-3)


def test_the_fit_is_never_worse_than_the_fit_from_other_starts() -> None:
    # a Heywood-prone bootstrap: the uniqueness at the bound must be the best corner, i.e.
    # the discrepancy of the batched fit is not above that of a refit from psych's start
    from evaluation.stats.onefactor import _discrepancy, _smc_start, newton, spectrum

    rng = np.random.default_rng(4)
    common = rng.normal(size=(400, 1))
    x = np.column_stack([common + 0.5 * rng.normal(size=(400, 1)),
                         common + 0.6 * rng.normal(size=(400, 1)),
                         rng.normal(size=(400, 1))])  # the third item measures nothing
    weights = rng.multinomial(400, np.full(400, 1 / 400), size=200)
    _, _, corr = weighted_moments(x, weights)
    fits = one_factor_ml_batch(corr)
    assert fits.converged.all()
    ours = _discrepancy(spectrum(corr, np.log(fits.uniquenesses))[0])
    psi, done, *_ = newton(corr, _smc_start(corr, fits.uniquenesses, HEYWOOD_LOWER),
                            np.log(HEYWOOD_LOWER), 1e-9, 200)
    other = _discrepancy(spectrum(corr[done], np.log(psi[done]))[0])
    assert (ours[done] <= other + 1e-12).all()


def test_two_items_take_the_equal_loadings_solution_as_statsmodels() -> None:
    for r in (0.3, 0.6, -0.2):
        corr = np.array([[1.0, r], [r, 1.0]])
        fast = one_factor_ml_batch(corr[None])
        slow = one_factor_ml(corr, nobs=100)
        assert slow is not None
        np.testing.assert_allclose(np.abs(fast.loadings[0]), np.abs(slow[0]), atol=1e-6)
        np.testing.assert_allclose(fast.uniquenesses[0], slow[1], atol=1e-6)
        # Spearman-Brown for r > 0; loadings of opposite sign sum to 0 otherwise
        assert fast.omega[0] == pytest.approx(max(2 * r / (1 + r), 0.0), abs=1e-12)


def test_matrices_that_cannot_be_fitted_are_marked_and_the_rest_fitted() -> None:
    good = simulated_correlations(1, 4, 300)
    singular = np.ones((4, 4))
    missing = good.copy()
    missing[0, 1] = missing[1, 0] = np.nan
    fits = one_factor_ml_batch(np.stack([good, singular, missing, good]))
    assert isinstance(fits, OneFactorFits)
    assert fits.converged.tolist() == [True, False, False, True]
    assert np.isnan(fits.omega[[1, 2]]).all()
    assert fits.omega[0] == fits.omega[3]


def test_gradient_and_hessian_of_the_discrepancy_match_finite_differences() -> None:
    from evaluation.stats.onefactor import _discrepancy, gradient_hessian, spectrum

    corr = simulated_correlations(7, 5, 300)[None]
    phi = np.log(np.random.default_rng(7).uniform(0.3, 0.9, 5))[None]

    def value(p: np.ndarray) -> float:
        return float(_discrepancy(spectrum(corr, p)[0])[0])

    gradient, hessian = gradient_hessian(*spectrum(corr, phi))
    step = 1e-6
    for i in range(5):
        e = np.zeros((1, 5))
        e[0, i] = step
        numeric = (value(phi + e) - value(phi - e)) / (2 * step)
        assert gradient[0, i] == pytest.approx(numeric, abs=1e-8)
        column = (gradient_hessian(*spectrum(corr, phi + e))[0]
                  - gradient_hessian(*spectrum(corr, phi - e))[0]) / (2 * step)
        np.testing.assert_allclose(hessian[0, :, i], column[0], atol=1e-7)


# -- the bootstrap ----------------------------------------------------------------------


@pytest.mark.parametrize("nan_policy", ["pairwise", "listwise"])
def test_weighted_moments_equal_moments_with_each_weight_vector(nan_policy: str) -> None:
    x = reference_items()
    weights = np.random.default_rng(3).multinomial(len(x), np.full(len(x), 1 / len(x)),
                                                   size=5)
    counts, cov, corr = weighted_moments(x, weights, nan_policy)  # type: ignore[arg-type]
    for b in range(5):
        c1, v1, r1 = moments(x, nan_policy, weights=weights[b])  # type: ignore[arg-type]
        np.testing.assert_allclose(counts[b], c1)
        np.testing.assert_allclose(cov[b], v1, atol=1e-12)
        np.testing.assert_allclose(corr[b], r1, atol=1e-12)


def test_bootstrap_replicates_equal_one_statsmodels_fit_per_resample() -> None:
    # the resamples are the multinomial draws of the former loop (one draw per replicate,
    # in order); each replicate's omega equals statsmodels' fit of its correlation matrix
    from evaluation.stats.omega import _distinct_rows

    x = reference_items()
    x = x[np.isfinite(x).any(axis=1)]
    full = mcdonald_omega(x, n_boot=0)
    replicates, heywood = bootstrap_omega(x, n_boot=40, seed=11,
                                          start=np.array(full.uniquenesses))
    patterns, frequency = _distinct_rows(x)
    rng = np.random.default_rng(11)
    for b in range(40):
        weights = rng.multinomial(len(x), frequency / len(x))
        counts, _, corr = moments(patterns, weights=weights)
        slow = one_factor_ml(corr, nobs=int(counts.min()), gtol=1e-10)
        assert slow is not None
        assert not heywood[b]
        assert replicates[b] == pytest.approx(omega_from_loadings(slow[0], slow[1]),
                                              abs=FIT_OMEGA_ATOL)


def test_bootstrap_is_seeded_and_deterministic() -> None:
    x = reference_items()
    first = mcdonald_omega(x, n_boot=200, seed=5)
    second = mcdonald_omega(x, n_boot=200, seed=5)
    assert (first.ci_low, first.ci_high) == (second.ci_low, second.ci_high)
    assert first.n_boot_failed == 0


def test_heywood_replicates_are_kept_and_counted() -> None:
    # two items that share a factor and a third that measures almost nothing: many
    # resamples put a uniqueness at the bound; they stay in the interval and are counted
    rng = np.random.default_rng(8)
    common = rng.normal(size=(300, 1))
    x = np.column_stack([common + 0.55 * rng.normal(size=(300, 1)),
                         common + 0.6 * rng.normal(size=(300, 1)),
                         0.1 * common + rng.normal(size=(300, 1))])
    x = np.clip(np.rint(3 + x), 1, 5)
    result = mcdonald_omega(x, n_boot=300, seed=1)
    assert result.n_boot_heywood > 0
    assert result.n_boot_failed == 0
    assert result.ci_low <= result.ci_high


def test_replicates_with_an_undefined_correlation_are_counted_as_failed() -> None:
    # the first item varies in only two of 30 rows: some resamples miss both, its variance
    # is 0 and the replicate's correlation matrix has NaN
    rng = np.random.default_rng(2)
    x = rng.integers(1, 6, size=(30, 3)).astype(float)
    x[:, 0] = 3.0
    x[0, 0], x[1, 0] = 1.0, 5.0
    x[:, 1] = x[:, 1] + x[:, 2]
    result = mcdonald_omega(x, n_boot=200, seed=0)
    assert 0 < result.n_boot_failed < 200
    replicates, _ = bootstrap_omega(x, n_boot=200, seed=0, start=np.array(
        result.uniquenesses))
    assert np.isnan(replicates).sum() == result.n_boot_failed




# -- REML variance components -----------------------------------------------------------


def test_profiled_reml_matches_lmer_to_its_precision() -> None:
    scores = pd.read_csv(REFERENCE / "stats_scores.csv")
    for ref in AGGREGATION["icc"]:
        part = scores[(scores["wave"] == ref["wave"]) & (scores["scale"] == ref["scale"])]
        # as.data.frame(VarCorr(lmer(score ~ 1 + (1 | site), REML = TRUE)))
        result = variance_components(part)
        assert result.method == "profiled_reml"
        assert result.site_variance == pytest.approx(ref["site_variance"], abs=REML_ATOL)
        assert result.residual_variance == pytest.approx(ref["residual_variance"],
                                                         abs=REML_ATOL)
        assert result.icc == pytest.approx(ref["icc_reml"], abs=REML_ATOL)
        assert result.intercept == pytest.approx(ref["intercept"], abs=REML_ATOL)


# R 4.2.2, lme4 1.1-31: set.seed(1); d <- data.frame(g = factor(rep(1:6, times = c(3, 5, 8,
# 4, 10, 6)))); d$y <- 1 + rnorm(6, sd = .7)[d$g] + rnorm(nrow(d)); m <- lmer(y ~ 1 + (1 | g),
# d); lmer reports a singular fit: site variance 0, residual variance 0.701692438314,
# intercept 1.03923146171, logLik -45.2550565035 (REML) and -44.1980297356 (REML = FALSE).
# y below is d$y rounded to 10 decimals.
LMER_SIZES = [3, 5, 8, 4, 10, 6]
LMER_Y = [
    1.0489113849, 1.2998070376, 1.1372636841, 0.8231619398, 2.6403314954, 1.5183935634,
    0.5073097464, -1.0861495602, 1.5399908895, 0.3701263623, 0.3988697082, 1.358896182,
    1.2362811664, 1.0089612925, 1.3340373429, 1.197196272, 2.1912615449, 0.1273448656,
    2.7365223094, 2.060567822, 1.0748599336, -0.2400969436, 0.7525053852, 1.6485970005,
    2.5893349918, 1.1278677129, 1.6183270518, 1.1768503997, -0.1464041166, 0.815660877,
    0.0313821774, 0.3663587344, 1.5256975031, 1.1888478796, 0.2611485349, 0.172310451]


def test_a_singular_lmer_fit_gives_a_site_variance_of_exactly_zero() -> None:
    frame = pd.DataFrame({"site": np.repeat(np.arange(6), LMER_SIZES), "score": LMER_Y})
    result = variance_components(frame)
    assert result.site_variance == 0.0
    assert result.boundary
    assert result.converged
    assert result.residual_variance == pytest.approx(0.701692438314, abs=1e-9)
    assert result.intercept == pytest.approx(1.03923146171, abs=1e-9)
    sizes, means, within = group_summaries(np.array(LMER_Y), np.repeat(np.arange(6),
                                                                       LMER_SIZES), 6)
    for reml, loglike in ((True, -45.2550565035), (False, -44.1980297356)):
        fit = profiled_random_intercept(sizes, means, within, reml=reml)
        assert fit is not None
        assert fit.loglike == pytest.approx(loglike, abs=1e-8)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("reml", [True, False])
def test_profiled_fit_matches_statsmodels_mixedlm(seed: int, reml: bool) -> None:
    rng = np.random.default_rng(seed)
    n_sites = (5, 12, 30)[seed % 3]
    sizes = rng.integers(2, 25, n_sites)
    site = np.repeat(np.arange(n_sites), sizes)
    spread = (0.0, 0.1, 0.5, 1.0)[seed % 4]
    y = 2 + spread * rng.standard_normal(n_sites)[site] + rng.standard_normal(len(site))
    frame = pd.DataFrame({"site": site, "score": y})
    fast = variance_components(frame, reml=reml)
    slow = variance_components(frame, reml=reml, method="mixedlm")
    assert fast.method == ("profiled_reml" if reml else "profiled_ml")
    # largest differences over these 24 fits: 8e-9
    for name in ("site_variance", "residual_variance", "icc", "intercept"):
        assert getattr(fast, name) == pytest.approx(getattr(slow, name), abs=1e-6)
    assert fast.boundary == slow.boundary
    assert (fast.site_variance == 0.0) == fast.boundary


def test_balanced_sites_give_the_anova_estimator() -> None:
    # with equal sizes REML is (MSB - MSW) / n and MSW when MSB > MSW (Searle et al. 1992,
    # section 3.7)
    rng = np.random.default_rng(5)
    site = np.repeat(np.arange(15), 8)
    y = rng.standard_normal(15)[site] + rng.standard_normal(len(site))
    result = icc(pd.DataFrame({"site": site, "score": y}))
    assert result.ms_between > result.ms_within
    fit = variance_components(pd.DataFrame({"site": site, "score": y}))
    assert fit.residual_variance == pytest.approx(result.ms_within, rel=1e-12)
    assert fit.site_variance == pytest.approx((result.ms_between - result.ms_within) / 8,
                                              rel=1e-10)


def test_no_variation_within_sites_falls_back_to_mixedlm() -> None:
    frame = pd.DataFrame({"site": np.repeat(list("abcd"), 3),
                          "score": np.repeat([1.0, 2.0, 4.0, 3.0], 3)})
    sizes, means, within = group_summaries(frame["score"].to_numpy(),
                                           pd.factorize(frame["site"])[0], 4)
    assert profiled_random_intercept(sizes, means, within) is None
    result = variance_components(frame)
    assert not result.method.startswith("profiled")


def test_an_unknown_method_is_rejected() -> None:
    with pytest.raises(A.StatisticsInputError, match="'lme4'"):
        variance_components(pd.DataFrame({"site": list("aabb"), "score": [1, 2, 3, 4]}),
                            method="lme4")  # type: ignore[arg-type]


@pytest.mark.slow
def test_variance_components_of_ten_thousand_municipalities_recover_the_planted_icc() -> None:
    rng = np.random.default_rng(1)
    site = np.repeat(np.arange(10_800), 30)
    frame = pd.DataFrame({"site": site, "score": rng.standard_normal(10_800)[site] * 0.3
                          + rng.standard_normal(len(site))})
    result = variance_components(frame)
    assert result.icc == pytest.approx(0.09 / 1.09, abs=0.02)


# -- rwg(j) -------------------------------------------------------------------------------


def rwg_by_pivot(items: pd.DataFrame, n_options: int = 5) -> pd.DataFrame:
    """The per-site pivot computation that rwg_j replaced (the reference)."""
    null_variance = (n_options**2 - 1) / 12
    rows = []
    for site, part in items.groupby("site", sort=True, observed=True):
        wide = part.pivot_table(index="respondent", columns="item", values="value",
                                aggfunc="first", dropna=False, observed=True)
        variances = wide.var(axis=0, ddof=1, skipna=True).dropna()
        j = len(variances)
        mean_var = float(variances.mean()) if j else np.nan
        ratio = mean_var / null_variance
        rwg = np.nan if not j else 0.0 if ratio > 1 else j * (1 - ratio) / (j * (1 - ratio)
                                                                          + ratio)
        rows.append({"site": site, "n": int(wide.notna().any(axis=1).sum()), "n_items": j,
                     "mean_item_variance": mean_var, "rwg_j": rwg})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", range(5))
def test_vectorised_rwg_equals_the_per_site_pivot(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 120
    frame = pd.DataFrame({
        "respondent": np.repeat([f"r{i}" for i in range(n)], 4),
        "site": np.repeat(rng.choice(list("abcdefg"), n), 4),
        "item": np.tile(["i1", "i2", "i3", "i4"], n),
        "value": rng.integers(1, 6, 4 * n).astype(float),
    })
    frame.loc[rng.random(len(frame)) < 0.2, "value"] = np.nan
    frame.loc[frame["site"] == "g", "value"] = np.nan  # a site without any valid answer
    duplicate = frame.sample(15, random_state=seed).assign(value=3.0)  # answered twice
    frame = pd.concat([frame, duplicate], ignore_index=True)
    fast = rwg_j(frame)
    slow = rwg_by_pivot(frame)
    assert fast["site"].tolist() == slow["site"].tolist()
    assert fast["n"].tolist() == slow["n"].tolist()
    assert fast["n_items"].tolist() == slow["n_items"].tolist()
    np.testing.assert_allclose(fast["mean_item_variance"], slow["mean_item_variance"],
                               rtol=1e-12)
    np.testing.assert_allclose(fast["rwg_j"], slow["rwg_j"], rtol=1e-12)


def test_aggregation_table_rwg_equals_rwg_j_per_wave_and_scale() -> None:
    scores = pd.read_csv(REFERENCE / "stats_scores.csv")
    items = pd.read_csv(REFERENCE / "stats_items.csv")
    scale_items = {"trust": [f"trust_{i}" for i in range(1, 5)],
                   "benefit": [f"benefit_{i}" for i in range(1, 4)]}
    table = A.aggregation_table(scores, items, scale_items=scale_items).set_index(
        ["wave", "scale"])
    for wave, (scale, keys) in ((w, s) for w in (1, 2) for s in scale_items.items()):
        part = items[(items["wave"] == wave) & items["item"].isin(keys)]
        values = rwg_j(part)["rwg_j"].dropna()
        row = table.loc[(wave, scale)]
        assert row["rwg_mean"] == pytest.approx(values.mean(), rel=1e-12)
        assert row["rwg_median"] == pytest.approx(values.median(), rel=1e-12)
        assert row["n_rwg_groups"] == len(values)
