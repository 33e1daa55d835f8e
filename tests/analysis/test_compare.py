"""Site against pool: intervals, Welch differences, flags, percentiles and funnel limits.

Reference values: tests/reference/compare.R (R 4.2, base R) on the synthetic data of
tests/reference/make_stats_data.R, stored in tests/reference/compare_expected.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluation.analysis import compare as K
from evaluation.analysis import wave_change
from evaluation.errors import MissingColumnError, StatisticsInputError

REFERENCE = Path(__file__).parents[1] / "reference"
EXACT = {"rel": 1e-9, "abs": 1e-12}

STATISTICS = ["mean", "sd", "ci_low", "ci_high", "benchmark", "others_site_mean",
              "difference", "difference_ci_low", "difference_ci_high", "statistic", "df",
              "pvalue", "percentile", "pool_mean", "pool_sd", "funnel_low_95",
              "funnel_high_95", "funnel_low_99_8", "funnel_high_99_8"]


@pytest.fixture(scope="module")
def expected() -> dict:
    with open(REFERENCE / "compare_expected.json", encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return K.site_vs_pool(pd.read_csv(REFERENCE / "stats_scores.csv"), min_n=5)


def test_every_site_row_matches_r(expected: dict, table: pd.DataFrame) -> None:
    indexed = table.set_index(["wave", "scale", "site"])
    assert len(indexed) == len(expected["rows"])
    for ref in expected["rows"]:
        row = indexed.loc[(ref["wave"], ref["scale"], ref["site"])]
        assert row["n"] == ref["n"]
        assert bool(row["suppressed"]) == ref["suppressed"]
        if ref["suppressed"]:
            continue
        # t.test(x)$conf.int; t.test(x, others) (Welch); by hand: percentile, funnel limits
        for column in STATISTICS:
            assert row[column] == pytest.approx(ref[column], **EXACT), column
        assert row["benchmark_n"] == ref["benchmark_n"]
        assert row["flag"] == ref["flag"]


def test_sites_below_the_minimum_get_no_statistics(table: pd.DataFrame) -> None:
    small = table[table["suppressed"]]
    assert not small.empty
    assert (small["n"] < 5).all()
    for column in STATISTICS:
        if column.startswith("pool"):
            continue  # the pool is not the site's statistic
        assert small[column].isna().all(), column
    assert (small["flag"] == K.NONE).all()


def test_a_suppressed_site_does_not_count_among_the_other_site_means(
        table: pd.DataFrame) -> None:
    wave1 = table[(table["wave"] == 1) & (table["scale"] == "trust")]
    shown = wave1[~wave1["suppressed"]]
    assert (shown["others_n_sites"] == len(shown) - 1).all()
    # but its respondents count in the benchmark of every other site
    assert (shown["benchmark_n"] == shown["pool_n"] - shown["n"]).all()


def test_flags_appear_only_where_the_interval_excludes_zero(table: pd.DataFrame) -> None:
    shown = table[~table["suppressed"]]
    strength = shown["flag"] == K.STRENGTH
    weakness = shown["flag"] == K.WEAKNESS
    assert (shown.loc[strength, "difference_ci_low"] > 0).all()
    assert (shown.loc[weakness, "difference_ci_high"] < 0).all()
    none = shown[shown["flag"] == K.NONE]
    assert ((none["difference_ci_low"] <= 0) & (none["difference_ci_high"] >= 0)).all()
    assert strength.any()
    assert weakness.any()
    assert (shown["flag"] == K.NONE).any()


def test_for_scales_where_lower_is_better_strength_and_weakness_swap() -> None:
    scores = pd.DataFrame({"site": ["a"] * 5 + ["b"] * 6, "scale": "challenges", "wave": 1,
                           "score": [4, 5, 4, 5, 4, 2, 3, 3, 2, 3, 2]})
    upward = K.site_vs_pool(scores).set_index("site")
    downward = K.site_vs_pool(scores, higher_is_better={"challenges": False}).set_index("site")
    assert upward.loc["a", "flag"] == K.STRENGTH
    assert downward.loc["a", "flag"] == K.WEAKNESS
    assert downward.loc["b", "flag"] == K.STRENGTH


def test_compare_to_benchmark_matches_a_hand_computed_welch_interval() -> None:
    # site 4, 5, 4, 5, 4: mean 4.4, var 0.3; others 2, 3, 3, 2, 3, 2: mean 2.5, var 0.3
    # se^2 = 0.3 / 5 + 0.3 / 6 = 0.11; df = 0.11^2 / (0.06^2 / 4 + 0.05^2 / 5) = 8.643
    result = K.compare_to_benchmark([4, 5, 4, 5, 4], [2, 3, 3, 2, 3, 2])
    se = np.sqrt(0.11)
    df = 0.11**2 / (0.06**2 / 4 + 0.05**2 / 5)
    assert result.difference == pytest.approx(1.9)
    assert result.df == pytest.approx(df)
    assert result.statistic == pytest.approx(1.9 / se)
    half = stats.t.ppf(0.975, df) * se
    assert (result.difference_ci_low, result.difference_ci_high) == pytest.approx(
        (1.9 - half, 1.9 + half))
    assert result.flag == K.STRENGTH


def test_percentile_counts_ties_as_half() -> None:
    # site means: a 3, b 3, c 1, d 5 (each five respondents, constant)
    scores = pd.DataFrame({"site": np.repeat(list("abcd"), 5), "wave": 1, "scale": "trust",
                           "score": np.repeat([3.0, 3.0, 1.0, 5.0], 5)})
    table = K.site_vs_pool(scores).set_index("site")
    # a: others 3, 1, 5 -> (1 below + 0.5 tie) / 3
    assert table.loc["a", "percentile"] == pytest.approx(100 * 1.5 / 3)
    assert table.loc["c", "percentile"] == 0
    assert table.loc["d", "percentile"] == 100


def test_funnel_limits_use_the_normal_quantiles() -> None:
    limits = K.funnel_limits(3.0, 1.0, [4, 25])
    wide = limits.set_index(["n", "coverage"])
    # qnorm(0.975) = 1.959964, qnorm(0.999) = 3.090232
    assert wide.loc[(4, 0.95), "high"] == pytest.approx(3 + 1.959963984540054 / 2)
    assert wide.loc[(25, 0.998), "low"] == pytest.approx(3 - 3.090232306167813 / 5)


def test_constant_samples_give_the_difference_but_no_test_and_no_interval() -> None:
    # R: t.test(c(4, 4, 4), c(2, 2, 2, 2)) stops with "data are essentially constant"
    result = K.welch_difference([4, 4, 4], [2, 2, 2, 2])
    assert result[0] == 2.0
    assert all(np.isnan(v) for v in result[1:])


def test_a_scale_without_variance_in_both_waves_is_never_a_significant_change() -> None:
    scores = pd.DataFrame({
        "respondent": [f"r{i}" for i in range(12)], "site": ["K01"] * 6 + ["K02"] * 6,
        "wave": (["w1"] * 3 + ["w2"] * 3) * 2, "scale": "trust",
        "score": [3.0] * 3 + [2.0] * 3 + [4.0] * 6})
    change = wave_change(scores, min_n=3)
    sites = change[change["site"].isin(["K01", "K02"])]
    assert len(sites) == 2
    assert sites["pvalue"].isna().all()
    assert sites["ci_low"].isna().all()
    assert sites.loc[sites["site"] == "K01", "difference"].tolist() == [-1.0]


def test_bad_parameters_are_rejected_with_their_values() -> None:
    scores = pd.DataFrame({"site": ["a"], "wave": [1], "scale": ["trust"], "score": [3.0]})
    with pytest.raises(StatisticsInputError, match="0"):
        K.site_vs_pool(scores, min_n=0)
    with pytest.raises(StatisticsInputError, match=r"1\.5"):
        K.site_vs_pool(scores, confidence=1.5)
    with pytest.raises(MissingColumnError, match="'municipality'"):
        K.site_vs_pool(scores, site="municipality")
