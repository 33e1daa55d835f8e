"""ICC(1), ICC(2), REML variance components and rwg(j) against R and hand computations.

Reference values: tests/reference/aggregation.R (R 4.2, lme4 1.1-31) on the synthetic data of
tests/reference/make_stats_data.R, stored in tests/reference/aggregation_expected.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis import aggregation as A
from evaluation.errors import EvaluationError, MissingColumnError
from evaluation.report.readings import aggregation_reading
from evaluation.stats import icc, rwg_j, variance_components

REFERENCE = Path(__file__).parents[1] / "reference"
TRUST_ITEMS = [f"trust_{i}" for i in range(1, 5)]
BENEFIT_ITEMS = [f"benefit_{i}" for i in range(1, 4)]

# closed-form statistics agree with R to rounding; REML estimates to the optimiser's tolerance
EXACT = {"rel": 1e-9, "abs": 1e-12}
REML = {"abs": 1e-6}


@pytest.fixture(scope="module")
def expected() -> dict:
    with open(REFERENCE / "aggregation_expected.json", encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "stats_scores.csv")


@pytest.fixture(scope="module")
def items() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "stats_items.csv")


@pytest.fixture(scope="module")
def table(scores: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    return A.aggregation_table(scores, items,
                               scale_items={"trust": TRUST_ITEMS, "benefit": BENEFIT_ITEMS})


def toy() -> pd.DataFrame:
    # three sites of three: means 2, 4, 3, grand mean 3
    return pd.DataFrame({"site": list("aaabbbccc"), "score": [1, 2, 3, 3, 4, 5, 2, 3, 4]})


def test_icc_of_a_three_site_toy_example_matches_the_hand_computation() -> None:
    # SSB = 3 * (1 + 1 + 0) = 6, MSB = 6 / 2 = 3; SSW = 3 * 2 = 6, MSW = 6 / 6 = 1; k = 3
    # ICC(1) = (3 - 1) / (3 + 2 * 1) = 0.4; ICC(2) = (3 - 1) / 3; F = 3 and, for F(2, 6),
    # P(F > f) = (1 + 2 f / 6)^(-3) = 1 / 8
    result = icc(toy())
    assert result.ms_between == pytest.approx(3)
    assert result.ms_within == pytest.approx(1)
    assert result.icc1 == pytest.approx(0.4)
    assert result.icc2 == pytest.approx(2 / 3)
    assert result.statistic == pytest.approx(3)
    assert result.pvalue == pytest.approx(0.125)
    assert (result.df_between, result.df_within, result.n, result.n_groups) == (2, 6, 9, 3)


def test_k0_for_unequal_sites_follows_the_textbook_formula() -> None:
    # sizes 2, 3, 5: N = 10, sum n^2 = 38, k0 = (10 - 3.8) / 2 = 3.1; mean size 10 / 3
    frame = pd.DataFrame({"site": ["a"] * 2 + ["b"] * 3 + ["c"] * 5,
                          "score": [1, 2, 2, 3, 4, 3, 4, 5, 4, 5]})
    assert icc(frame).group_size == pytest.approx(3.1)
    assert icc(frame, group_size="mean").group_size == pytest.approx(10 / 3)


def test_icc_matches_r_aov_for_every_wave_and_scale(expected: dict,
                                                    scores: pd.DataFrame) -> None:
    for ref in expected["icc"]:
        part = scores[(scores["wave"] == ref["wave"]) & (scores["scale"] == ref["scale"])]
        k0 = icc(part)
        mean_k = icc(part, group_size="mean")
        # summary(aov(score ~ factor(site)))
        assert k0.ms_between == pytest.approx(ref["ms_between"], **EXACT)
        assert k0.ms_within == pytest.approx(ref["ms_within"], **EXACT)
        assert k0.statistic == pytest.approx(ref["f"], **EXACT)
        assert k0.pvalue == pytest.approx(ref["pvalue"], **EXACT)
        assert (k0.df_between, k0.df_within) == (ref["df_between"], ref["df_within"])
        # by hand in R: (msb - msw) / (msb + (k - 1) * msw), k = k0 or N / G
        assert k0.icc1 == pytest.approx(ref["icc1_k0"], **EXACT)
        assert mean_k.icc1 == pytest.approx(ref["icc1_mean"], **EXACT)
        assert k0.icc2 == pytest.approx(ref["icc2"], **EXACT)
        assert mean_k.icc2 == pytest.approx(ref["icc2"], **EXACT)


def test_reml_variance_components_match_lmer(expected: dict, scores: pd.DataFrame) -> None:
    for ref in expected["icc"]:
        part = scores[(scores["wave"] == ref["wave"]) & (scores["scale"] == ref["scale"])]
        result = variance_components(part)
        # as.data.frame(VarCorr(lmer(score ~ 1 + (1 | site), REML = TRUE)))
        assert result.converged
        assert result.site_variance == pytest.approx(ref["site_variance"], **REML)
        assert result.residual_variance == pytest.approx(ref["residual_variance"], **REML)
        assert result.icc == pytest.approx(ref["icc_reml"], **REML)
        assert result.intercept == pytest.approx(ref["intercept"], **REML)


def test_reml_variance_components_through_mixedlm_also_match_lmer(
        expected: dict, scores: pd.DataFrame) -> None:
    # the general statsmodels path, kept for models with fixed effects, on the same models
    for ref in expected["icc"]:
        part = scores[(scores["wave"] == ref["wave"]) & (scores["scale"] == ref["scale"])]
        result = variance_components(part, method="mixedlm")
        # as.data.frame(VarCorr(lmer(score ~ 1 + (1 | site), REML = TRUE)))
        assert result.converged
        assert not result.method.startswith("profiled")
        assert result.site_variance == pytest.approx(ref["site_variance"], **REML)
        assert result.residual_variance == pytest.approx(ref["residual_variance"], **REML)
        assert result.icc == pytest.approx(ref["icc_reml"], **REML)
        assert result.intercept == pytest.approx(ref["intercept"], **REML)


def test_rwg_of_a_small_site_matches_the_hand_computation() -> None:
    # item 1: 3, 4, 5 (variance 1); item 2: 2, 2, 2 (variance 0); mean variance 0.5;
    # null variance (25 - 1) / 12 = 2; ratio 0.25; rwg(2) = 2 * 0.75 / (2 * 0.75 + 0.25)
    frame = pd.DataFrame({"respondent": ["r1", "r2", "r3"] * 2, "site": "a",
                          "item": ["i1"] * 3 + ["i2"] * 3, "value": [3, 4, 5, 2, 2, 2]})
    result = rwg_j(frame)
    assert result.loc[0, "rwg_j"] == pytest.approx(1.5 / 1.75)
    assert result.loc[0, "mean_item_variance"] == pytest.approx(0.5)
    assert (result.loc[0, "n"], result.loc[0, "n_items"]) == (3, 2)


def test_rwg_is_truncated_at_zero_when_answers_spread_more_than_uniform() -> None:
    # 1, 5, 1, 5: variance 16/3 > 2, so the formula would leave [0, 1]
    frame = pd.DataFrame({"respondent": ["r1", "r2", "r3", "r4"], "site": "a", "item": "i1",
                          "value": [1, 5, 1, 5]})
    assert rwg_j(frame).loc[0, "rwg_j"] == 0
    untruncated = rwg_j(frame, truncate=False).loc[0, "rwg_j"]
    assert untruncated == pytest.approx(1 - (16 / 3) / 2)


def test_rwg_matches_r_for_every_site(expected: dict, items: pd.DataFrame) -> None:
    # by hand in R (tests/reference/aggregation.R, rwg_one): mean(apply(x, 2, var,
    # na.rm = TRUE)) against (5^2 - 1) / 12
    for wave in (1, 2):
        for scale, keys in (("trust", TRUST_ITEMS), ("benefit", BENEFIT_ITEMS)):
            part = items[(items["wave"] == wave) & items["item"].isin(keys)]
            result = rwg_j(part).set_index("site")
            refs = [r for r in expected["rwg"] if r["wave"] == wave and r["scale"] == scale]
            assert len(refs) == len(result)
            for ref in refs:
                row = result.loc[ref["site"]]
                assert row["rwg_j"] == pytest.approx(ref["rwg_j"], **EXACT)
                assert row["mean_item_variance"] == pytest.approx(ref["mean_item_variance"],
                                                                  **EXACT)
                assert row["n_items"] == ref["n_items"]


def test_aggregation_table_matches_r_per_wave_and_scale(expected: dict,
                                                       table: pd.DataFrame) -> None:
    indexed = table.set_index(["wave", "scale"])
    for ref in expected["icc"]:
        row = indexed.loc[(ref["wave"], ref["scale"])]
        assert row["icc1"] == pytest.approx(ref["icc1_k0"], **EXACT)
        assert row["icc2"] == pytest.approx(ref["icc2"], **EXACT)
        assert row["icc_reml"] == pytest.approx(ref["icc_reml"], **REML)
        assert row["n"] == ref["n"]
        assert row["n_groups"] == ref["n_groups"]
    for ref in expected["rwg_summary"]:
        row = indexed.loc[(ref["wave"], ref["scale"])]
        # mean(), median() and mean(values >= 0.70) over the sites in R
        assert row["rwg_mean"] == pytest.approx(ref["rwg_mean"], **EXACT)
        assert row["rwg_median"] == pytest.approx(ref["rwg_median"], **EXACT)
        assert row["rwg_share_agree"] == pytest.approx(ref["rwg_share_agree"], **EXACT)


def test_aggregation_verdicts_read_in_english_and_german(table: pd.DataFrame) -> None:
    for _, row in table.iterrows():
        for language in ("en", "de"):
            assert len(aggregation_reading(row["verdict"], row["rwg_median"], language)) > 20
    trust = table[(table["wave"] == 1) & (table["scale"] == "trust")].iloc[0]
    # ICC(1) = .24, ICC(2) = .77, median rwg(j) = .86
    assert trust["verdict"] == A.MEANINGFUL
    english = aggregation_reading(trust["verdict"], trust["rwg_median"], "en")
    assert english.startswith("Site means are meaningful")
    assert "largely agree" in english
    assert "Standortmittelwerte sind aussagekräftig" in aggregation_reading(
        trust["verdict"], trust["rwg_median"], "de")
    # scales without item data get no agreement sentence and NaN rwg
    synergy = table[(table["wave"] == 1) & (table["scale"] == "synergy")].iloc[0]
    assert np.isnan(synergy["rwg_median"])
    assert "agree" not in aggregation_reading(synergy["verdict"], synergy["rwg_median"], "en")


@pytest.mark.parametrize(
    ("icc1", "icc2", "verdict"),
    [
        (0.005, 0.80, A.NO_SITE_DIFFERENCES),
        (0.05, 0.70, A.MEANINGFUL),
        (0.20, 0.69, A.USABLE_WITH_CARE),
        (0.03, 0.75, A.USABLE_WITH_CARE),
        (0.02, 0.30, A.UNRELIABLE),
        (np.nan, 0.5, A.NOT_ESTIMABLE),
    ],
)
def test_verdict_follows_the_documented_thresholds(icc1: float, icc2: float,
                                                   verdict: str) -> None:
    assert A.aggregation_verdict(icc1, icc2) == verdict


def test_a_negligible_icc_with_a_significant_f_test_is_not_called_free_of_site_differences():
    # the questionnaire issue: ICC(1) < .01 but F test p = .002 had read "no site differences"
    # while the partner reports flagged a site on the same scale
    assert A.aggregation_verdict(0.008, 0.45, pvalue=0.002) == A.UNRELIABLE
    assert A.aggregation_verdict(0.008, 0.45, pvalue=0.30) == A.NO_SITE_DIFFERENCES


def test_weak_agreement_is_said_in_both_languages() -> None:
    verdict = A.aggregation_verdict(0.2, 0.8)
    english = aggregation_reading(verdict, 0.3, "en")
    german = aggregation_reading(verdict, 0.3, "de")
    assert "often disagree" in english
    assert "gehen die Einschätzungen oft auseinander" in german


def test_a_site_variance_of_zero_is_recorded_as_boundary_without_warnings() -> None:
    # every site has the same values, so the REML site variance is 0 (lme4: singular fit);
    # pytest turns any warning into an error, so this also checks that none escapes
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    frame = pd.DataFrame({"site": np.repeat(list("abcd"), 5), "score": values * 4})
    result = variance_components(frame)
    assert result.boundary
    assert result.converged
    assert result.site_variance == pytest.approx(0, abs=1e-6)
    # with no site variance, REML gives the total variance: SS = 4 * 10 over N - 1 = 19
    assert result.residual_variance == pytest.approx(40 / 19, rel=1e-4)


def test_icc_with_one_site_raises_an_error_naming_the_counts() -> None:
    frame = pd.DataFrame({"site": ["a", "a", "a"], "score": [1, 2, 3]})
    with pytest.raises(A.InsufficientDataError, match=r"3 respondent\(s\) in 1 group"):
        icc(frame)


def test_missing_columns_are_named_in_the_error() -> None:
    with pytest.raises(MissingColumnError, match="'mean_score'") as info:
        icc(toy(), value="mean_score")
    assert isinstance(info.value, EvaluationError)
    assert isinstance(info.value, ValueError)


def test_non_numeric_scores_are_reported_with_their_values() -> None:
    frame = toy().astype({"score": object})
    frame.loc[4, "score"] = "vier"
    with pytest.raises(A.StatisticsInputError, match="vier"):
        icc(frame)


def test_an_unknown_group_size_convention_is_rejected() -> None:
    with pytest.raises(A.StatisticsInputError, match="'harmonic'"):
        icc(toy(), group_size="harmonic")  # type: ignore[arg-type]
