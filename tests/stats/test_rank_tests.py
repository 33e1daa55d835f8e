"""Rank tests between groups and the eye-level check against R and hand computations.

Reference values: tests/reference/groups.R (R 4.2, base R and boot) on the synthetic data of
tests/reference/make_stats_data.R, stored in tests/reference/groups_expected.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation import stats as G
from evaluation.analysis import eye_level
from evaluation.errors import InsufficientDataError, StatisticsInputError
from evaluation.report.readings import eye_level_reading
from evaluation.stats.rank_tests import _h_statistic

REFERENCE = Path(__file__).parents[1] / "reference"
EXACT = {"rel": 1e-9, "abs": 1e-12}
# the bootstrap interval is a Monte Carlo quantity: R's boot and NumPy draw different
# resamples, so only agreement within Monte Carlo error (2000 resamples) is expected
BOOTSTRAP = {"abs": 0.03}
CAUSAL_WORDS = ("effect", "cause", "Wirkung", "Ursache", "bewirkt", "führt zu")


@pytest.fixture(scope="module")
def expected() -> dict:
    with open(REFERENCE / "groups_expected.json", encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "stats_scores.csv")


@pytest.fixture(scope="module")
def respondents() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "stats_respondents.csv")


@pytest.fixture(scope="module")
def trust(scores: pd.DataFrame) -> pd.DataFrame:
    return scores[(scores["wave"] == 1) & (scores["scale"] == "trust")]


def test_holm_on_three_pvalues_matches_the_hand_computation() -> None:
    # sorted 0.01, 0.03, 0.04 -> 3 * 0.01 = 0.03, 2 * 0.03 = 0.06, max(0.06, 1 * 0.04) = 0.06
    assert G.adjust_pvalues([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])


def test_benjamini_hochberg_on_three_pvalues_matches_the_hand_computation() -> None:
    # sorted 0.01, 0.03, 0.04: 0.04 * 3 / 3 = 0.04, min(0.03 * 3 / 2, 0.04) = 0.04,
    # min(0.01 * 3, 0.04) = 0.03
    assert G.adjust_pvalues([0.01, 0.04, 0.03], "fdr_bh") == pytest.approx([0.03, 0.04, 0.04])


def test_adjusted_pvalues_match_r_p_adjust(expected: dict) -> None:
    ref = expected["adjust"]
    # p.adjust(p, "holm") and p.adjust(p, "BH")
    assert G.adjust_pvalues(ref["p"], "holm") == pytest.approx(ref["holm"], **EXACT)
    assert G.adjust_pvalues(ref["p"], "fdr_bh") == pytest.approx(ref["bh"], **EXACT)


def test_missing_pvalues_stay_missing_and_do_not_count_as_tests() -> None:
    adjusted = G.adjust_pvalues([0.01, np.nan, 0.04])
    assert np.isnan(adjusted[1])
    assert adjusted[[0, 2]] == pytest.approx([0.02, 0.04])

@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
@pytest.mark.parametrize("variant", ["random", "ties", "tiny_and_one", "single"])
def test_adjusted_pvalues_equal_statsmodels_to_the_last_bit(method: str, variant: str) -> None:
    # adjust_pvalues repeats the arithmetic of statsmodels' multipletests without its
    # gc.collect(); the values must not move at all
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(3)
    p = {"random": rng.uniform(size=200),
         "ties": np.repeat(rng.uniform(size=20), 5),
         "tiny_and_one": np.concatenate([rng.uniform(0, 1e-6, 30), np.ones(5),
                                         rng.uniform(size=30)]),
         "single": np.array([0.3])}[variant]
    np.testing.assert_array_equal(G.adjust_pvalues(p, method),  # type: ignore[arg-type]
                                  multipletests(p, method=method)[1])



def test_pvalues_outside_the_unit_interval_are_rejected() -> None:
    with pytest.raises(StatisticsInputError, match=r"1\.2"):
        G.adjust_pvalues([0.2, 1.2])
    with pytest.raises(StatisticsInputError, match="'bonferroni'"):
        G.adjust_pvalues([0.2], "bonferroni")  # type: ignore[arg-type]


def test_kruskal_wallis_and_epsilon_squared_match_r(expected: dict,
                                                    scores: pd.DataFrame) -> None:
    wave1 = scores[scores["wave"] == 1]
    for ref in expected["kruskal"]:
        part = wave1[wave1["scale"] == ref["scale"]]
        result = G.kruskal(part, n_boot=0)
        # kruskal.test(score, factor(site)); H / ((n^2 - 1) / (n + 1))
        assert result.statistic == pytest.approx(ref["statistic"], **EXACT)
        assert result.pvalue == pytest.approx(ref["pvalue"], **EXACT)
        assert result.df == ref["df"]
        assert result.n == ref["n"]
        assert result.epsilon_squared == pytest.approx(ref["epsilon_squared"], **EXACT)


def test_bootstrap_interval_of_epsilon_squared_agrees_with_r_boot(
        expected: dict, trust: pd.DataFrame) -> None:
    ref = next(r for r in expected["kruskal"] if r["scale"] == "trust")
    result = G.kruskal(trust, n_boot=2000, seed=1)
    # boot(d, eps2 of kruskal.test on rows i, R = 2000); boot.ci(type = "perc")
    assert result.ci_low == pytest.approx(ref["ci_low"], **BOOTSTRAP)
    assert result.ci_high == pytest.approx(ref["ci_high"], **BOOTSTRAP)
    assert result.ci_low < result.epsilon_squared < result.ci_high


def test_bootstrap_interval_is_reproducible_with_a_seed(trust: pd.DataFrame) -> None:
    first = G.kruskal(trust, n_boot=200, seed=7)
    second = G.kruskal(trust, n_boot=200, seed=7)
    other = G.kruskal(trust, n_boot=200, seed=8)
    assert (first.ci_low, first.ci_high) == (second.ci_low, second.ci_high)
    assert (first.ci_low, first.ci_high) != (other.ci_low, other.ci_high)


def test_the_bootstrap_h_equals_scipys_tie_corrected_h(trust: pd.DataFrame) -> None:
    codes, _ = pd.factorize(trust["site"], sort=True)
    own = _h_statistic(trust["score"].to_numpy(), codes)
    assert own == pytest.approx(G.kruskal(trust, n_boot=0).statistic, **EXACT)


def test_epsilon_squared_of_perfectly_separated_groups_is_one() -> None:
    # ranks 1-3 and 4-6: H = 12 / 42 * (36 / 3 + 225 / 3) - 21 = 3.857; n - 1 = 5
    frame = pd.DataFrame({"site": list("aaabbb"), "score": [1, 2, 3, 4, 5, 6]})
    result = G.kruskal(frame, n_boot=0)
    assert result.statistic == pytest.approx(27 / 7)
    assert result.epsilon_squared == pytest.approx(27 / 35)


def test_pairwise_mann_whitney_matches_r_pairwise_wilcox_test(expected: dict,
                                                             trust: pd.DataFrame) -> None:
    table = G.pairwise_mann_whitney(trust).set_index(["group_a", "group_b"])
    uncorrected = G.pairwise_mann_whitney(trust, use_continuity=False).set_index(
        ["group_a", "group_b"])
    assert len(table) == len(expected["pairwise"])
    for ref in expected["pairwise"]:
        row = table.loc[(ref["group_a"], ref["group_b"])]
        # wilcox.test(x, y, exact = FALSE, correct = TRUE): W and p;
        # pairwise.wilcox.test(..., p.adjust.method = "holm") for the adjusted p
        assert row["statistic"] == pytest.approx(ref["statistic"], **EXACT)
        assert row["pvalue"] == pytest.approx(ref["pvalue"], **EXACT)
        assert row["pvalue_adj"] == pytest.approx(ref["pvalue_adj"], **EXACT)
        assert row["effect_size"] == pytest.approx(ref["rank_biserial"], **EXACT)
        # wilcox.test(x, y, exact = FALSE, correct = FALSE)
        assert uncorrected.loc[(ref["group_a"], ref["group_b"]), "pvalue"] == pytest.approx(
            ref["pvalue_uncorrected"], **EXACT)


def test_dunn_test_matches_the_formula_computed_in_r(expected: dict,
                                                     trust: pd.DataFrame) -> None:
    table = G.dunn(trust).set_index(["group_a", "group_b"])
    for ref in expected["dunn"]:
        row = table.loc[(ref["group_a"], ref["group_b"])]
        # by hand in R: mean-rank difference over sqrt((N(N+1)/12 - ties/(12(N-1)))(1/na+1/nb))
        assert row["statistic"] == pytest.approx(ref["statistic"], **EXACT)
        assert row["pvalue"] == pytest.approx(ref["pvalue"], **EXACT)
        assert row["pvalue_adj"] == pytest.approx(ref["pvalue_adj"], **EXACT)


def test_rank_biserial_is_positive_when_the_first_sample_is_higher() -> None:
    # U1 = 11.5 of 12 pairs: r = 2 * 11.5 / 12 - 1
    result = G.mann_whitney([3, 4, 5, 5], [1, 2, 3])
    assert result.statistic == 11.5
    assert result.rank_biserial == pytest.approx(23 / 12 - 1)
    assert G.mann_whitney([1, 2, 3], [3, 4, 5, 5]).rank_biserial == pytest.approx(
        -(23 / 12 - 1))


def test_eye_level_matches_r_tests_and_holm_over_the_whole_table(
        expected: dict, scores: pd.DataFrame, respondents: pd.DataFrame) -> None:
    table = eye_level(scores, respondents)
    indexed = table.set_index(["wave", "scale", "attribute"])
    assert len(indexed) == len(expected["eye_level"])
    for ref in expected["eye_level"]:
        row = indexed.loc[(ref["wave"], ref["scale"], ref["attribute"])]
        # wilcox.test(score ~ employment, exact = FALSE, correct = TRUE) and
        # kruskal.test(score, actor_type); p.adjust(all 8 p-values, "holm")
        assert row["test"] == ref["test"]
        assert row["n"] == ref["n"]
        assert row["statistic"] == pytest.approx(ref["statistic"], **EXACT)
        assert row["pvalue"] == pytest.approx(ref["pvalue"], **EXACT)
        assert row["pvalue_adj"] == pytest.approx(ref["pvalue_adj"], **EXACT)
        assert row["effect_size"] == pytest.approx(ref["effect_size"], **EXACT)


def test_eye_level_wording_names_the_lower_group_in_both_languages(
        scores: pd.DataFrame, respondents: pd.DataFrame) -> None:
    table = eye_level(scores, respondents)
    row = table[(table["wave"] == 1) & (table["scale"] == "trust")
                & (table["attribute"] == "employment")].iloc[0]
    assert row["different"]
    assert "lower among volunteers than among paid staff" in eye_level_reading(row, "en")
    assert "bei Ehrenamtlichen niedriger als bei Hauptamtlichen" in eye_level_reading(row, "de")
    calm = table[~table["different"]].iloc[0]
    assert "no difference" in eye_level_reading(calm, "en")
    assert "nicht über den Zufall hinaus" in eye_level_reading(calm, "de")
    for _, each in table.iterrows():
        for language in ("en", "de"):
            text = eye_level_reading(each, language)
            assert not any(word in text for word in CAUSAL_WORDS), text


def test_eye_level_leaves_out_groups_below_the_minimum_size() -> None:
    scores = pd.DataFrame({"respondent": [f"r{i}" for i in range(13)], "scale": "trust",
                           "score": [4, 4, 5, 4, 5, 2, 3, 2, 3, 2, 1, 5, 3]})
    respondents = pd.DataFrame({"respondent": [f"r{i}" for i in range(13)],
                                "actor_type": ["administration"] * 5 + ["mso"] * 5
                                + ["politics"] * 3})
    table = eye_level(scores, respondents, scales=("trust",), by=("actor_type",))
    row = table.iloc[0]
    assert row["dropped_groups"] == "politics"
    assert row["n"] == 10
    assert row["test"] == G.MANN_WHITNEY
    assert row["lowest_group"] == "mso"


def test_eye_level_with_a_single_group_reports_no_test() -> None:
    scores = pd.DataFrame({"respondent": list("abcdef"), "scale": "trust",
                           "score": [1, 2, 3, 4, 5, 3]})
    respondents = pd.DataFrame({"respondent": list("abcdef"), "employment": "paid"})
    table = eye_level(scores, respondents, scales=("trust",), by=("employment",))
    assert table.loc[0, "test"] is None
    assert np.isnan(table.loc[0, "pvalue"])
    assert "not tested" in eye_level_reading(table.loc[0], "en")


def test_duplicate_respondents_are_reported() -> None:
    scores = pd.DataFrame({"respondent": ["a"], "scale": ["trust"], "score": [3.0]})
    respondents = pd.DataFrame({"respondent": ["a", "a"], "employment": ["paid", "volunteer"]})
    with pytest.raises(StatisticsInputError, match="'a'"):
        eye_level(scores, respondents, scales=("trust",), by=("employment",))


def test_kruskal_with_identical_values_raises_a_clear_error() -> None:
    frame = pd.DataFrame({"site": list("aabb"), "score": [3, 3, 3, 3]})
    with pytest.raises(InsufficientDataError, match="all 4 values"):
        G.kruskal(frame)
