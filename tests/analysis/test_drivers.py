"""Driver models against lmer, VIF against lm, ranking and association-only wording.

Reference values: tests/reference/drivers.R (R 4.2, lme4 1.1-31, performance 0.10.2) on the
synthetic data of tests/reference/make_stats_data.R, stored in
tests/reference/drivers_expected.json.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis import drivers as D
from evaluation.errors import StatisticsInputError
from evaluation.report.readings import describe_association, driver_reading

REFERENCE = Path(__file__).parents[1] / "reference"
EXACT = {"rel": 1e-9, "abs": 1e-12}
REML = {"abs": 1e-6}
CAUSAL_WORDS = ("effect", "causes", "caused", "leads to", "drives", "Wirkung", "bewirkt",
                "führt zu", "verursacht")


@pytest.fixture(scope="module")
def expected() -> dict:
    with open(REFERENCE / "drivers_expected.json", encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def wide() -> pd.DataFrame:
    scores = pd.read_csv(REFERENCE / "stats_scores.csv")
    return D.wide_scores(scores[scores["wave"] == 1])


@pytest.mark.parametrize("model", [0, 1], ids=["synergy_singular", "benefit_interior"])
def test_standardised_coefficients_match_lmer(expected: dict, wide: pd.DataFrame,
                                              model: int) -> None:
    ref = expected["models"][model]
    result = D.driver_model(wide, outcome=ref["outcome"], factors=ref["factors"])
    table = result.coefficients.set_index("factor").loc[ref["factors"]]
    # lmer(z_outcome ~ z_factors + (1 | site), REML = TRUE) on scale()d complete cases:
    # fixef, sqrt(diag(vcov)), confint(method = "Wald"), 2 * pnorm(-|t|), VarCorr
    assert (result.n, result.n_groups) == (ref["n"], ref["n_groups"])
    assert result.converged
    assert result.boundary == ref["singular"]
    for column in ("estimate", "se", "ci_low", "ci_high", "pvalue"):
        assert table[column].to_numpy() == pytest.approx(ref[column], **REML), column
    assert result.site_variance == pytest.approx(ref["site_variance"], **REML)
    assert result.residual_variance == pytest.approx(ref["residual_variance"], **REML)
    # 1 / (1 - summary(lm(f_j ~ others))$r.squared)
    assert table["vif"].to_numpy() == pytest.approx(ref["vif"], **EXACT)


@pytest.mark.parametrize("model", [0, 1], ids=["synergy_singular", "benefit_interior"])
def test_intercept_and_nakagawa_r2_match_lmer_and_performance(expected: dict,
                                                              wide: pd.DataFrame,
                                                              model: int) -> None:
    ref = expected["models"][model]
    result = D.driver_model(wide, outcome=ref["outcome"], factors=ref["factors"])
    # fixef(fit)[1], sqrt(diag(vcov(fit)))[1]; performance::r2_nakagawa (by hand for the
    # singular fit, where performance leaves out the zero site variance)
    assert result.intercept == pytest.approx(ref["intercept"], **REML)
    assert result.intercept_se == pytest.approx(ref["intercept_se"], **REML)
    assert result.r2_marginal == pytest.approx(ref["r2_marginal"], **REML)
    assert result.r2_conditional == pytest.approx(ref["r2_conditional"], **REML)
    assert result.n_rows == len(wide)


def test_vif_of_two_factors_is_one_over_one_minus_r_squared() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    y = np.array([2.0, 1.0, 4.0, 3.0, 6.0, 5.0])
    r = np.corrcoef(x, y)[0, 1]
    table = D.vif(pd.DataFrame({"a": x, "b": y}), factors=["a", "b"])
    assert table["vif"].to_numpy() == pytest.approx([1 / (1 - r**2)] * 2)


def test_drivers_are_ranked_by_the_size_of_their_association(wide: pd.DataFrame) -> None:
    result = D.driver_model(wide, outcome="synergy",
                            factors=["trust", "benefit", "network_management", "transparency"])
    table = result.coefficients
    assert table["rank"].tolist() == [1, 2, 3, 4]
    assert table["estimate"].abs().is_monotonic_decreasing
    assert table.loc[0, "factor"] == "network_management"
    assert table["ci_excludes_zero"].tolist() == [
        (lo > 0) or (hi < 0) for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)]


def test_the_german_sentence_says_association_and_not_cause() -> None:
    text = describe_association("network_management", "synergy", estimate=0.4, ci_low=0.2,
                                  ci_high=0.6)
    assert text == ("Wo das Netzwerkmanagement besser bewertet wird, wird auch die Synergie "
                    "höher eingeschätzt (Zusammenhang, kein Nachweis einer Ursache).")


def test_the_english_sentence_says_association_and_not_cause() -> None:
    text = describe_association("network_management", "synergy", estimate=0.4, ci_low=0.2,
                                  ci_high=0.6, language="en")
    assert text == ("Where network management is rated better, synergy is also rated higher "
                    "(an association, not proof of a cause).")


@pytest.mark.parametrize(
    ("estimate", "low", "high", "english", "german"),
    [
        (-0.3, -0.5, -0.1, "tends to be rated lower", "eher niedriger"),
        (0.1, -0.1, 0.3, "no clear association", "kein klarer Zusammenhang"),
        (np.nan, np.nan, np.nan, "no clear association", "kein klarer Zusammenhang"),
    ],
)
def test_direction_is_stated_only_when_the_interval_excludes_zero(
        estimate: float, low: float, high: float, english: str, german: str) -> None:
    en = describe_association("trust", "synergy", estimate=estimate, ci_low=low,
                                ci_high=high, language="en")
    de = describe_association("trust", "synergy", estimate=estimate, ci_low=low,
                                ci_high=high, language="de")
    assert english in en
    assert german in de


def test_no_reading_of_a_model_uses_causal_words(wide: pd.DataFrame) -> None:
    result = D.driver_model(wide, outcome="benefit",
                            factors=["network_management", "trust", "transparency"])
    labels = {"benefit": ("benefit", "der Nutzen")}
    for _, row in result.coefficients.assign(outcome="benefit").iterrows():
        for language in ("en", "de"):
            text = driver_reading(row, language, labels=labels)
            assert not any(word in text for word in CAUSAL_WORDS), text
    first = result.coefficients.assign(outcome="benefit").loc[0]
    assert "der Nutzen" in driver_reading(first, "de", labels=labels)


def test_a_factor_that_does_not_vary_is_named_in_the_error(wide: pd.DataFrame) -> None:
    data = wide.assign(constant=3.0)
    with pytest.raises(StatisticsInputError, match="'constant'"):
        D.driver_model(data, outcome="synergy", factors=["trust", "constant"])


def test_the_outcome_cannot_also_be_a_factor(wide: pd.DataFrame) -> None:
    with pytest.raises(StatisticsInputError, match="'synergy'"):
        D.driver_model(wide, outcome="synergy", factors=["trust", "synergy"])


def test_wide_scores_refuses_duplicate_rows() -> None:
    scores = pd.DataFrame({"respondent": ["a", "a"], "site": "x", "wave": 1,
                           "scale": ["trust", "trust"], "score": [1.0, 2.0]})
    with pytest.raises(StatisticsInputError, match="duplicated"):
        D.wide_scores(scores)


@pytest.mark.parametrize("collinear", [False, True])
def test_vif_equals_statsmodels_variance_inflation_factor(collinear: bool) -> None:
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    rng = np.random.default_rng(7)
    data = pd.DataFrame(rng.normal(size=(60, 4)), columns=["a", "b", "c", "d"])
    data["c"] += 0.8 * data["a"]
    if collinear:
        data["d"] = data["a"] + data["b"]
    table = D.vif(data, factors=["a", "b", "c", "d"])
    exog = np.column_stack([np.ones(len(data)), data.to_numpy()])
    with np.errstate(divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels warns about the collinear design
        expected = [variance_inflation_factor(exog, i + 1) for i in range(4)]
    if collinear:  # d = a + b: a, b and d cannot be told apart, c still can
        ours = table["vif"].to_numpy()
        assert np.all(ours[[0, 1, 3]] > 1e12)
        assert np.all(np.asarray(expected)[[0, 1, 3]] > 1e12)
        assert ours[2] == pytest.approx(expected[2], rel=1e-6)
    else:
        assert table["vif"].to_numpy() == pytest.approx(expected, rel=1e-10)
