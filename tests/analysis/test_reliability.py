"""Cronbach's alpha (listwise, pairwise, Feldt interval), McDonald's omega, the table.

Reference values come from ``tests/reference/reliability.R`` (psych 2.2.9), which writes
``reliability_expected.json`` from the committed ``reliability_data.csv``; the comment at
each comparison names the R call.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from evaluation import columns as C
from evaluation.analysis.reliability import (
    ReliabilityError,
    alpha_from_cov,
    cronbach_alpha,
    feldt_interval,
    grouped_moments,
    reliability_table,
)
from evaluation.config import parse_codebook
from evaluation.errors import EvaluationError
from evaluation.io.ingest import STATUS_DTYPE, SurveyData
from evaluation.stats import AlphaResult, mcdonald_omega, moments

REFERENCE = Path(__file__).parents[1] / "reference"
EXPECTED = json.loads((REFERENCE / "reliability_expected.json").read_text())
LABEL = {"de": "x", "en": "x"}

# Tolerances: alpha, item statistics and Feldt limits are closed-form and agree to rounding
# error; omega comes from two different optimisers of the same ML criterion.
CLOSED_FORM_ATOL = 1e-10
OMEGA_ATOL = 1e-5
LOADING_ATOL = 1e-4


def reference_frame() -> pd.DataFrame:
    frame = pd.read_csv(REFERENCE / "reliability_data.csv")
    frame["A1"] = 7 - frame["A1"]  # reverse-keyed on the 1..6 scale, as in the R script
    return frame


def reference_items() -> pd.DataFrame:
    return reference_frame()[EXPECTED["items"]]


def reference_survey() -> tuple[SurveyData, object]:
    """The committed data as survey data; A1 is reversed by the codebook, not by hand."""
    frame = pd.read_csv(REFERENCE / "reliability_data.csv")
    items = EXPECTED["items"]
    book = parse_codebook({
        "codebook": "bfi",
        "response_scale": {"min": 1, "max": 6, "labels": {v: LABEL for v in range(1, 7)}},
        "factors": {"agree": {"label": LABEL, "items": {
            x.lower(): {**LABEL, **({"reverse": True} if x == EXPECTED["reverse"] else {})}
            for x in items}}},
        "outcomes": {"single": {"label": LABEL, "items": {"one": LABEL}}},
    })
    frame["one"] = 3.0
    long = frame.melt(id_vars=[C.RESPONDENT, C.SITE], value_vars=[*items, "one"],
                      var_name=C.ITEM, value_name=C.VALUE)
    long[C.ITEM] = long[C.ITEM].str.lower()
    long[C.WAVE] = "w1"
    status = np.where(long[C.VALUE].notna(), C.VALID, C.CANNOT_JUDGE)
    long[C.STATUS] = pd.Categorical(status, dtype=STATUS_DTYPE)
    return SurveyData(respondents=frame[[C.RESPONDENT, C.SITE]].assign(wave="w1"),
                      responses=long), book


# -- alpha against R --------------------------------------------------------------------


@pytest.mark.parametrize("nan_policy", ["listwise", "pairwise"])
def test_alpha_and_feldt_interval_match_psych(nan_policy: str) -> None:
    # R: psych::alpha(x, use = "pairwise")$total$raw_alpha (pairwise);
    #    psych::alpha(x[complete.cases(x), ])$total$raw_alpha (listwise);
    #    psych::alpha.ci(alpha, n.obs = n, n.var = 5) with n = complete cases (listwise) or
    #    min(crossprod(!is.na(x))) (pairwise)
    ref = EXPECTED["pooled"][nan_policy]
    result = cronbach_alpha(reference_items(), nan_policy=nan_policy)
    assert result.n == ref["n"]
    assert result.n_items == 5
    assert result.alpha == pytest.approx(ref["alpha"], abs=CLOSED_FORM_ATOL)
    assert result.ci_low == pytest.approx(ref["ci_low"], abs=CLOSED_FORM_ATOL)
    assert result.ci_high == pytest.approx(ref["ci_high"], abs=CLOSED_FORM_ATOL)


@pytest.mark.parametrize("nan_policy", ["listwise", "pairwise"])
@pytest.mark.parametrize("site", ["s1", "s2", "s3", "s4"])
def test_site_alphas_in_the_table_match_psych(site: str, nan_policy: str) -> None:
    # R: the same psych::alpha / psych::alpha.ci calls on the 50 rows of each site
    data, book = reference_survey()
    table = reliability_table(data, book, nan_policy=nan_policy, min_n=10, n_boot=0)
    row = table[(table[C.SCALE] == "agree") & (table[C.SITE] == site)].iloc[0]
    ref = EXPECTED["sites"][site][nan_policy]
    assert row[C.N] == ref["n"]
    assert row["alpha"] == pytest.approx(ref["alpha"], abs=CLOSED_FORM_ATOL)
    assert row["alpha_ci_low"] == pytest.approx(ref["ci_low"], abs=CLOSED_FORM_ATOL)
    assert row["alpha_ci_high"] == pytest.approx(ref["ci_high"], abs=CLOSED_FORM_ATOL)


def test_feldt_interval_matches_psych_alpha_ci() -> None:
    # R: psych::alpha.ci(0.7, n.obs = 100, n.var = 5) -> 0.5958373063, 0.7838301230
    low, high = feldt_interval(0.7, n=100, n_items=5)
    assert low == pytest.approx(0.5958373063, abs=1e-9)
    assert high == pytest.approx(0.7838301230, abs=1e-9)


def test_feldt_interval_is_nan_for_too_few_respondents() -> None:
    low, high = feldt_interval(np.array([0.7, 0.8]), n=np.array([1, 30]), n_items=4)
    assert np.isnan(low[0])
    assert np.isnan(high[0])
    assert low[1] < 0.8 < high[1]


# -- alpha by hand ----------------------------------------------------------------------


def test_alpha_of_a_small_table_by_hand() -> None:
    x = np.array([[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5], [5, 5, 4]], dtype=float)
    # hand: item variances 2.5, 1.8, 1.3 (sum 5.6); all covariances sum to 14.7;
    # alpha = 3/2 * (1 - 5.6/14.7) = 0.928571...; R psych::alpha(x) gives 0.9285714286
    result = cronbach_alpha(x)
    assert isinstance(result, AlphaResult)
    assert result.alpha == pytest.approx(1.5 * (1 - 5.6 / 14.7), abs=1e-12)
    assert result.n == 5


def test_pairwise_and_listwise_agree_without_missing_answers() -> None:
    x = reference_items().dropna().to_numpy()
    assert cronbach_alpha(x, nan_policy="pairwise").alpha == pytest.approx(
        cronbach_alpha(x, nan_policy="listwise").alpha, abs=1e-12)


def test_pairwise_moments_match_pandas_pairwise_cov_and_corr() -> None:
    # pandas DataFrame.cov/.corr use pairwise-complete observations, like R's
    # cov/cor(use = "pairwise")
    items = reference_items()
    counts, cov, corr = moments(items.to_numpy(), "pairwise")
    np.testing.assert_allclose(cov, items.cov().to_numpy(), atol=1e-12)
    np.testing.assert_allclose(corr, items.corr().to_numpy(), atol=1e-12)
    assert counts[0, 0] == items["A1"].notna().sum()


def test_grouped_moments_equal_moments_of_each_group() -> None:
    frame = reference_frame()
    x = frame[EXPECTED["items"]].to_numpy()
    codes, sites = pd.factorize(frame[C.SITE])
    for policy in ("pairwise", "listwise"):
        counts, cov, corr = grouped_moments(x, codes, len(sites), policy)
        for g in range(len(sites)):
            c1, v1, r1 = moments(x[codes == g], policy)
            np.testing.assert_allclose(counts[g], c1)
            np.testing.assert_allclose(cov[g], v1, atol=1e-12)
            np.testing.assert_allclose(corr[g], r1, atol=1e-12)


def test_alpha_is_nan_when_the_items_do_not_vary() -> None:
    assert np.isnan(alpha_from_cov(np.zeros((3, 3))))


def test_alpha_is_nan_in_every_item_order_when_all_totals_are_equal() -> None:
    # every respondent's total is 8, so the total variance is 0 and alpha is undefined; in
    # floating point the covariance sum is +-1e-16 or so depending on the item order (found by
    # the property test below), which must not turn into alpha = -2e16
    x = np.array([[1.0, 5.0, 2.0], [1.0, 3.0, 4.0], [4.0, 2.0, 2.0]])
    for order in ([0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0]):
        assert np.isnan(cronbach_alpha(x[:, order]).alpha)


# -- properties -------------------------------------------------------------------------

answer_tables = hnp.arrays(
    np.float64, st.tuples(st.integers(4, 25), st.integers(2, 6)),
    elements=st.one_of(st.integers(1, 5).map(float), st.just(np.nan)))


@settings(max_examples=80, deadline=None)
@given(answer_tables, st.randoms(use_true_random=False), st.sampled_from(["pairwise", "listwise"]))
def test_alpha_does_not_depend_on_item_order(x: np.ndarray, random, nan_policy: str) -> None:
    order = list(range(x.shape[1]))
    random.shuffle(order)
    first = cronbach_alpha(x, nan_policy=nan_policy)
    second = cronbach_alpha(x[:, order], nan_policy=nan_policy)
    assert first.n == second.n
    if np.isnan(first.alpha):
        assert np.isnan(second.alpha)
    else:
        assert second.alpha == pytest.approx(first.alpha, abs=1e-9)
        if nan_policy == "listwise":  # a pairwise covariance matrix can exceed alpha = 1
            assert first.alpha <= 1 + 1e-12


@settings(max_examples=40, deadline=None)
@given(answer_tables, st.randoms(use_true_random=False))
def test_alpha_does_not_depend_on_row_order(x: np.ndarray, random) -> None:
    rows = list(range(x.shape[0]))
    random.shuffle(rows)
    first, second = cronbach_alpha(x).alpha, cronbach_alpha(x[rows]).alpha
    assert (np.isnan(first) and np.isnan(second)) or second == pytest.approx(first, abs=1e-9)


# -- omega ------------------------------------------------------------------------------


@pytest.mark.parametrize("nan_policy", ["listwise", "pairwise"])
def test_omega_total_matches_a_one_factor_ml_model_in_psych(nan_policy: str) -> None:
    # R: f <- psych::fa(r, nfactors = 1, fm = "ml", n.obs = n) with r = cor(x[complete, ])
    #    (listwise) or cor(x, use = "pairwise") (pairwise);
    #    omega = sum(f$loadings)^2 / (sum(f$loadings)^2 + sum(f$uniquenesses))
    ref = EXPECTED["pooled"][nan_policy]["omega"]
    result = mcdonald_omega(reference_items(), nan_policy=nan_policy, n_boot=0)
    assert result.converged
    assert result.omega == pytest.approx(ref["omega"], abs=OMEGA_ATOL)
    np.testing.assert_allclose(result.loadings, ref["loadings"], atol=LOADING_ATOL)
    np.testing.assert_allclose(result.uniquenesses, ref["uniquenesses"], atol=LOADING_ATOL)
    assert np.isnan(result.ci_low)
    assert np.isnan(result.ci_high)


def test_omega_is_close_to_psych_omega_which_uses_the_observed_total_variance() -> None:
    # R: psych::omega(cor(x[complete, ]), nfactors = 1, fm = "ml")$omega.tot divides by
    #    sum(R) instead of the model-implied total; the two agree to about 1e-3
    ref = EXPECTED["pooled"]["listwise"]["omega"]["psych_omega_tot"]
    result = mcdonald_omega(reference_items(), nan_policy="listwise", n_boot=0)
    assert result.omega == pytest.approx(ref, abs=1e-3)


def test_omega_bootstrap_interval_is_reproducible_and_brackets_the_estimate() -> None:
    items = reference_items()
    first = mcdonald_omega(items, n_boot=60, seed=11)
    second = mcdonald_omega(items, n_boot=60, seed=11)
    other = mcdonald_omega(items, n_boot=60, seed=12)
    assert (first.ci_low, first.ci_high) == (second.ci_low, second.ci_high)
    assert (first.ci_low, first.ci_high) != (other.ci_low, other.ci_high)
    assert first.ci_low < first.omega < first.ci_high
    assert first.n_boot == 60
    assert first.n_boot_failed == 0


def test_omega_equals_alpha_for_parallel_items() -> None:
    # equal loadings and uniquenesses (correlation 0.5 everywhere): omega = alpha =
    # 4 * 0.5 / (1 + 3 * 0.5) = 0.8 for standardised items
    rng = np.random.default_rng(5)
    cov = np.full((4, 4), 0.5) + np.eye(4) * 0.5
    x = rng.multivariate_normal(np.zeros(4), cov, size=20_000)
    omega = mcdonald_omega(x, n_boot=0).omega
    assert omega == pytest.approx(0.8, abs=0.01)
    assert omega == pytest.approx(cronbach_alpha(x).alpha, abs=0.005)


# -- errors -----------------------------------------------------------------------------


def test_one_item_is_not_enough_for_alpha_or_omega() -> None:
    with pytest.raises(ReliabilityError, match="at least two items; got 1"):
        cronbach_alpha(np.ones((5, 1)))
    with pytest.raises(ReliabilityError, match="at least two items; got 1"):
        mcdonald_omega(np.ones((5, 1)), n_boot=0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"nan_policy": "all"}, "nan_policy.*'all'"),
    ({"confidence": 95}, "confidence.*95"),
])
def test_bad_arguments_are_named_in_the_error(kwargs: dict, message: str) -> None:
    with pytest.raises(ReliabilityError, match=message):
        cronbach_alpha(reference_items(), **kwargs)


def test_text_columns_are_rejected_with_their_names() -> None:
    items = reference_items().assign(A2="x")
    with pytest.raises(ReliabilityError, match=r"not numeric: \['A2'\]"):
        cronbach_alpha(items)


def test_negative_bootstrap_count_is_rejected() -> None:
    with pytest.raises(ReliabilityError, match=r"n_boot.*-1"):
        mcdonald_omega(reference_items(), n_boot=-1)


def test_reliability_errors_are_value_errors_of_the_package() -> None:
    assert issubclass(ReliabilityError, EvaluationError)
    assert issubclass(ReliabilityError, ValueError)


# -- the table --------------------------------------------------------------------------


def test_table_has_a_pool_row_and_a_row_per_site_for_every_scale() -> None:
    data, book = reference_survey()
    table = reliability_table(data, book, min_n=10, n_boot=20)
    assert list(table.columns) == [
        C.SCALE, "level", C.SITE, C.WAVE, C.N, "n_items", "alpha", "alpha_ci_low",
        "alpha_ci_high", "omega", "omega_ci_low", "omega_ci_high", "omega_heywood",
        "nan_policy"]
    assert len(table) == 2 * (1 + 4)
    pool = table[(table[C.SCALE] == "agree") & (table["level"] == "pool")].iloc[0]
    ref = EXPECTED["pooled"]["pairwise"]
    # R: psych::alpha(x, use = "pairwise")$total$raw_alpha and the fa(fm = "ml") omega
    assert pool["alpha"] == pytest.approx(ref["alpha"], abs=CLOSED_FORM_ATOL)
    assert pool["omega"] == pytest.approx(ref["omega"]["omega"], abs=OMEGA_ATOL)
    assert pool["omega_ci_low"] < pool["omega"] < pool["omega_ci_high"]
    assert pool[C.SITE] is None
    sites = table[(table[C.SCALE] == "agree") & (table["level"] == "site")]
    assert sites[C.SITE].tolist() == ["s1", "s2", "s3", "s4"]
    assert sites["omega"].isna().all()  # site omega only on request
    assert not table["omega_heywood"].any()


def test_single_item_scale_gets_a_row_without_coefficients() -> None:
    data, book = reference_survey()
    table = reliability_table(data, book, min_n=10, n_boot=0, by_site=False)
    single = table[table[C.SCALE] == "single"].iloc[0]
    assert single["n_items"] == 1
    assert single[C.N] == 200
    assert np.isnan(single["alpha"])
    assert np.isnan(single["omega"])


def test_sites_below_min_n_keep_their_n_but_get_no_coefficients() -> None:
    data, book = reference_survey()
    table = reliability_table(data, book, scales=["agree"], min_n=40, n_boot=0,
                              nan_policy="pairwise")
    sites = table[table["level"] == "site"].set_index(C.SITE)
    ref_n = {s: EXPECTED["sites"][s]["pairwise"]["n"] for s in ("s1", "s2", "s3", "s4")}
    assert sites[C.N].to_dict() == ref_n
    small = sites[C.N] < 40
    assert small.any()
    assert sites.loc[small, "alpha"].isna().all()
    assert sites.loc[~small, "alpha"].notna().all()


def test_site_omega_on_request() -> None:
    data, book = reference_survey()
    table = reliability_table(data, book, scales=["agree"], min_n=10, n_boot=0,
                              site_omega=True)
    sites = table[table["level"] == "site"]
    assert sites["omega"].notna().all()
    assert sites["omega_ci_low"].isna().all()


def test_wave_restricts_the_rows_and_is_recorded() -> None:
    data, book = reference_survey()
    later = data.responses.assign(**{C.WAVE: "w2"})
    later = later[later[C.RESPONDENT] <= "r100"]
    both = SurveyData(respondents=data.respondents,
                      responses=pd.concat([data.responses, later], ignore_index=True))
    table = reliability_table(both, book, scales=["agree"], wave="w1", by_site=False,
                              n_boot=0)
    assert table[C.WAVE].tolist() == ["w1"]
    assert table["alpha"].iloc[0] == pytest.approx(EXPECTED["pooled"]["pairwise"]["alpha"],
                                                   abs=CLOSED_FORM_ATOL)


def test_a_wave_without_data_gives_rows_with_n_zero_and_no_coefficients() -> None:
    data, book = reference_survey()
    table = reliability_table(data, book, wave="w9", n_boot=0)
    assert table[C.N].eq(0).all()
    assert table["alpha"].isna().all()
    assert table["omega"].isna().all()
    assert table[C.WAVE].eq("w9").all()


def test_collinear_items_give_an_error_naming_the_correlations() -> None:
    x = reference_items().dropna().to_numpy()
    x = np.column_stack([x, x[:, 0]])  # an item twice: the correlation matrix is singular
    with pytest.raises(ReliabilityError, match="not positive definite"):
        mcdonald_omega(x, n_boot=0)


def test_min_n_below_two_is_rejected() -> None:
    data, book = reference_survey()
    with pytest.raises(ReliabilityError, match=r"min_n.*1"):
        reliability_table(data, book, min_n=1)


@pytest.mark.slow
def test_per_site_alphas_of_thousands_of_sites_equal_the_single_site_alpha() -> None:
    rng = np.random.default_rng(2)
    n_sites, per_site = 5_000, 30
    x = rng.normal(size=(n_sites * per_site, 1)) + rng.normal(size=(n_sites * per_site, 4))
    x[rng.random(x.shape) < 0.05] = np.nan
    codes = np.repeat(np.arange(n_sites), per_site)
    _, cov, _ = grouped_moments(x, codes, n_sites)
    alpha = alpha_from_cov(cov)
    first = cronbach_alpha(x[codes == 0]).alpha
    assert alpha[0] == pytest.approx(first, abs=1e-10)


def test_the_omega_bootstrap_interval_does_not_depend_on_the_order_of_the_rows():
    rng = np.random.default_rng(3)
    common = rng.normal(size=(120, 1))
    items = np.clip(np.round(3 + common + rng.normal(scale=0.8, size=(120, 4))), 1, 5)
    items[rng.random(items.shape) < 0.05] = np.nan
    first = mcdonald_omega(items, n_boot=200, seed=5)
    shuffled = mcdonald_omega(items[rng.permutation(len(items))], n_boot=200, seed=5)
    assert (first.ci_low, first.ci_high) == (shuffled.ci_low, shuffled.ci_high)
    assert first.omega == pytest.approx(shuffled.omega, abs=1e-12)
