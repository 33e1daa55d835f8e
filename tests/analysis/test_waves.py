"""Change between waves against R: Welch per site and pooled, paired Wilcoxon for linked
respondents, lmer wave effects, attrition.

Reference values: tests/reference/waves.R (R 4.2, lme4 1.1-31) on the synthetic data of
tests/reference/make_stats_data.R, stored in tests/reference/waves_expected.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis import wave_model
from evaluation.analysis import waves as W
from evaluation.errors import StatisticsInputError

REFERENCE = Path(__file__).parents[1] / "reference"
EXACT = {"rel": 1e-9, "abs": 1e-12}
REML = {"abs": 1e-6}


@pytest.fixture(scope="module")
def expected() -> dict:
    with open(REFERENCE / "waves_expected.json", encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "stats_scores.csv")


def test_change_per_site_and_pooled_matches_r_welch(expected: dict,
                                                   scores: pd.DataFrame) -> None:
    table = W.wave_change(scores, min_n=5)
    assert len(table) == len(expected["change"])
    for ref in expected["change"]:
        if ref["level"] == "pool":
            row = table[(table["scale"] == ref["scale"]) & (table["level"] == "pool")].iloc[0]
        else:
            row = table[(table["scale"] == ref["scale"]) & (table["site"] == ref["site"])].iloc[0]
        assert (row["n_from"], row["n_to"]) == (ref["n_from"], ref["n_to"])
        assert bool(row["suppressed"]) == ref["suppressed"]
        if ref["suppressed"]:
            assert np.isnan(row["difference"])
            continue
        # t.test(after, before): estimate difference, conf.int, statistic, parameter, p.value
        for column in ("difference", "ci_low", "ci_high", "statistic", "df", "pvalue"):
            assert row[column] == pytest.approx(ref[column], **EXACT), column


def test_paired_change_matches_r_wilcox_signed_rank(expected: dict,
                                                   scores: pd.DataFrame) -> None:
    table = W.paired_change(scores).set_index("scale")
    corrected = W.paired_change(scores, correction=True).set_index("scale")
    for ref in expected["paired"]:
        row = table.loc[ref["scale"]]
        # wilcox.test(after, before, paired = TRUE, exact = FALSE, correct = FALSE)
        assert (row["n_linked"], row["n_nonzero"]) == (ref["n_linked"], ref["n_nonzero"])
        assert row["statistic"] == pytest.approx(ref["statistic"], **EXACT)
        assert row["pvalue"] == pytest.approx(ref["pvalue"], **EXACT)
        # ... correct = TRUE
        assert corrected.loc[ref["scale"], "pvalue"] == pytest.approx(ref["pvalue_corrected"],
                                                                      **EXACT)
        # by hand in R: (T+ - T-) / (T+ + T-), mean(d), median(d)
        assert row["effect_size"] == pytest.approx(ref["effect_size"], **EXACT)
        assert row["difference"] == pytest.approx(ref["mean_difference"], **EXACT)
        assert row["median_difference"] == pytest.approx(ref["median_difference"], **EXACT)


def test_matched_pairs_rank_biserial_of_a_small_case_matches_the_hand_computation() -> None:
    # differences +2, +1, -1, 0 (dropped): |d| ranks 3, 1.5, 1.5; T+ = 4.5, T- = 1.5;
    # r = (4.5 - 1.5) / 6 = 0.5
    scores = pd.DataFrame({"respondent": list("abcd") * 2, "scale": "trust",
                           "wave": [1] * 4 + [2] * 4,
                           "score": [2, 3, 4, 3, 4, 4, 3, 3]})
    row = W.paired_change(scores, min_n=1).iloc[0]
    assert (row["n_linked"], row["n_nonzero"]) == (4, 3)
    assert row["statistic"] == 4.5
    assert row["effect_size"] == pytest.approx(0.5)


def test_wave_effects_match_lmer_with_wald_intervals(expected: dict,
                                                     scores: pd.DataFrame) -> None:
    table = wave_model(scores, person=None).set_index("scale")  # site intercept only
    for ref in expected["models"]:
        row = table.loc[ref["scale"]]
        # lmer(score ~ factor(wave) + (1 | site), REML = TRUE): fixef, sqrt(diag(vcov)),
        # confint(method = "Wald"), VarCorr
        assert row["term"] == 2
        assert row["converged"]
        assert row["boundary"] == ref["singular"]
        assert row["n"] == ref["n"]
        for column in ("estimate", "se", "ci_low", "ci_high", "site_variance",
                       "residual_variance"):
            assert row[column] == pytest.approx(ref[column], **REML), column


def test_attrition_matches_the_counts_in_r(expected: dict) -> None:
    respondents = pd.read_csv(REFERENCE / "stats_respondents.csv")
    table = W.attrition_table(respondents)
    sites = table[table["level"] == "site"].set_index("site")
    for ref in expected["attrition"]:
        row = sites.loc[ref["site"]]
        # length(unique(...)), length(intersect(a, b)) / length(a)
        assert (row["n_from"], row["n_to"], row["linked"]) == (
            ref["n_from"], ref["n_to"], ref["linked"])
        assert row["retention"] == pytest.approx(ref["retention"], **EXACT)
    pool = table[table["level"] == "pool"].iloc[0]
    assert pool["linked"] == sum(r["linked"] for r in expected["attrition"])


def test_attrition_can_link_respondents_who_moved_between_sites() -> None:
    frame = pd.DataFrame({"respondent": ["a", "b", "a", "b"], "site": ["x", "x", "x", "y"],
                          "wave": [1, 1, 2, 2]})
    by_site = W.attrition_table(frame).set_index("site")
    anywhere = W.attrition_table(frame, linked_within="pool").set_index("site")
    assert by_site.loc["x", "linked"] == 1
    assert anywhere.loc["x", "linked"] == 2
    assert anywhere.loc["x", "retention"] == 1.0


def test_more_than_two_waves_need_an_explicit_choice() -> None:
    scores = pd.DataFrame({"respondent": list("abc"), "site": "x", "scale": "trust",
                           "wave": ["baseline", "middle", "end"], "score": [1.0, 2.0, 3.0]})
    with pytest.raises(StatisticsInputError, match="'baseline'"):
        W.wave_change(scores)
    with pytest.raises(StatisticsInputError, match="'final'"):
        W.wave_change(scores, waves=("baseline", "final"))


def test_sites_with_few_respondents_in_either_wave_are_suppressed(
        scores: pd.DataFrame) -> None:
    table = W.wave_change(scores, min_n=10)
    site_rows = table[table["level"] == "site"]
    small = site_rows[(site_rows["n_from"] < 10) | (site_rows["n_to"] < 10)]
    assert small["suppressed"].all()
    assert small["mean_from"].isna().all()
    assert not table[table["level"] == "pool"]["suppressed"].any()
