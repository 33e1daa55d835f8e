"""Idea matrix, quick wins, rater agreement and the implementation funnel.

Reference values: ``tests/reference/participation.R`` (Kendall's W by its formula with tie
correction; ``psych::ICC`` on Shrout & Fleiss' 1979 Table 2; one-way ICC from R's ``anova`` in
an unbalanced design) in
``participation_expected.json``, and hand computations in the comments. Tolerance 1e-12 unless
stated.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.errors import EvaluationError
from evaluation.participation import ideas as I
from evaluation.stats import icc_oneway, icc_two_way

REFERENCE = Path(__file__).parents[1] / "reference"
TOL = 1e-12


def reference() -> dict:
    return json.loads((REFERENCE / "participation_expected.json").read_text())


@pytest.fixture
def site_ideas() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Five ideas of site S rated by two raters, one idea of site T rated by one."""
    ideas = pd.DataFrame({
        "idea": ["I1", "I2", "I3", "I4", "I5", "T1"],
        "site": ["S"] * 5 + ["T"],
        "event": None,
        "title": ["Sprachcafé", "Lotsen", "Website", "Messe", "Frauentreff", "Fest"],
        "status": ["implemented", "planned", "idea", "idea", "planned", "idea"],
    })
    means = {"I1": (4, 5), "I2": (2, 4), "I3": (5, 2), "I4": (2, 2), "I5": (4, 4)}
    rows = []
    for idea, (feasibility, impact) in means.items():
        # rater r1 rates one point lower, r2 one point higher than the mean on impact
        rows.append((idea, "r1", feasibility, max(impact - 1, 1), 3))
        rows.append((idea, "r2", feasibility, min(impact + 1, 5), 3))
    rows.append(("T1", "r9", 3, 3, 3))
    ratings = pd.DataFrame(rows, columns=["idea", "rater", "feasibility", "impact",
                                          "innovation"])
    return ideas, ratings


def test_kendalls_w_with_ties_matches_the_r_formula() -> None:
    ref = reference()["kendall_w"]
    result = I.kendall_w(np.array(ref["ratings"]))
    # by hand: rank sums 17.5, 16, 14.5, 6.5, 5.5 around 12 -> S = 125; tie groups
    # r1 one pair, r2 two pairs -> sum T = 3 * (2^3 - 2) = 18;
    # W = 12 * 125 / (4^2 * (5^3 - 5) - 4 * 18) = 1500 / 1848 = 0.811688
    assert result.statistic == pytest.approx(ref["w"], abs=TOL)
    assert result.statistic == pytest.approx(1500 / 1848, abs=TOL)
    assert result.tie_correction == ref["ties"]
    assert result.chi2 == pytest.approx(ref["chi2"], abs=1e-10)
    assert result.df == ref["df"]
    assert result.pvalue == pytest.approx(ref["pvalue"], abs=1e-12)
    # without ties the correction vanishes: uncorrected W would be 1500 / 1920
    assert ref["w_uncorrected"] == pytest.approx(1500 / 1920, abs=TOL)


def test_kendalls_w_is_one_for_identical_orders_and_nan_for_all_ties() -> None:
    same = np.array([[1, 2, 3, 4], [2, 3, 4, 5], [1, 3, 4, 5]])
    assert I.kendall_w(same).statistic == pytest.approx(1.0, abs=TOL)
    assert np.isnan(I.kendall_w(np.full((3, 4), 3)).statistic)


def test_kendalls_w_needs_a_complete_block() -> None:
    with pytest.raises(I.IdeaInputError, match=r"rows \[1\]"):
        I.kendall_w(np.array([[1, 2, 3], [1, np.nan, 3]]))
    with pytest.raises(ValueError, match=r"\(1, 3\)"):
        I.kendall_w(np.array([[1, 2, 3]]))


def test_icc_matches_psych_on_shrout_and_fleiss_table_2() -> None:
    ref = reference()["icc"]
    result = icc_two_way(np.array(ref["data"]))
    # psych::ICC(sf, lmer = FALSE): ICC1 0.166, ICC2 0.290, ICC2k 0.620 (paper: .17, .29, .62)
    assert result.icc1 == pytest.approx(ref["icc1"], abs=1e-12)
    assert result.icc2_1 == pytest.approx(ref["icc2_1"], abs=1e-12)
    assert result.icc2_k == pytest.approx(ref["icc2_k"], abs=1e-12)
    assert (round(result.icc1, 2), round(result.icc2_1, 2), round(result.icc2_k, 2)) == (
        0.17, 0.29, 0.62)


def test_quick_wins_come_first_ordered_by_impact_then_feasibility(site_ideas) -> None:
    ideas, ratings = site_ideas
    matrix = I.idea_matrix(ideas, ratings)
    s = matrix[matrix["site"] == "S"]
    # means (feasibility, impact): I1 (4, 4.5), I2 (2, 4), I3 (5, 2), I4 (2, 2), I5 (4, 4)
    assert s["idea"].tolist() == ["I1", "I5", "I2", "I3", "I4"]
    assert s["quadrant"].tolist() == ["quick_win", "quick_win", "major_project", "fill_in",
                                      "low_priority"]
    assert s["rank"].tolist() == [1, 2, 3, 4, 5]
    assert s.set_index("idea").loc["I1", "impact"] == pytest.approx(4.5)
    assert I.quick_wins(matrix)["idea"].tolist() == ["I1", "I5"]


def test_thresholds_are_inclusive_and_configurable(site_ideas) -> None:
    assert I.classify(3.5, 3.5) == "quick_win"
    assert I.classify(3.49, 3.5) == "fill_in"
    assert I.classify(float("nan"), 4.0) is None
    ideas, ratings = site_ideas
    strict = I.idea_matrix(ideas, ratings, impact_threshold=4.5, feasibility_threshold=4.0)
    assert I.quick_wins(strict)["idea"].tolist() == ["I1"]
    with pytest.raises(I.IdeaInputError, match="6"):
        I.idea_matrix(ideas, ratings, impact_threshold=6)


def test_an_unrated_idea_is_listed_last_without_quadrant(site_ideas) -> None:
    ideas, ratings = site_ideas
    ideas = pd.concat([ideas, pd.DataFrame({"idea": ["I0"], "site": ["S"], "event": [None],
                                            "title": ["neu"], "status": ["idea"]})])
    s = I.idea_matrix(ideas, ratings).query("site == 'S'")
    assert s["idea"].iloc[-1] == "I0"
    assert s["quadrant"].iloc[-1] is None
    assert s["n_raters"].iloc[-1] == 0


def test_one_way_icc_matches_r_anova_in_an_unbalanced_design() -> None:
    ref = reference()["icc_oneway"]
    result = icc_oneway(ref["y"], ref["item"])
    # by hand: MSB = 4.8333 / 2 = 2.4167, MSW = 3.1667 / 6 = 0.5278, n0 = (9 - 29/9) / 2 = 26/9
    # ICC(1) = 1.8889 / (2.4167 + 1.8889 * 0.5278) = 0.5533; ICC(1,k) = 1.8889 / 2.4167 = 0.7816
    assert result.n0 == pytest.approx(26 / 9, abs=TOL)
    assert result.icc1 == pytest.approx(ref["icc1"], abs=TOL)
    assert result.icc1_k == pytest.approx(ref["icc1_k"], abs=TOL)


def test_one_way_icc_equals_psych_icc1_in_a_balanced_design() -> None:
    ref = reference()["icc"]
    data = np.array(ref["data"])  # 6 targets x 4 judges
    items = np.repeat(np.arange(6), 4)
    result = icc_oneway(data.ravel(), items)
    # psych::ICC(sf, lmer = FALSE): ICC1 0.1657, ICC1k 0.4428
    assert result.icc1 == pytest.approx(ref["icc1"], abs=1e-12)
    assert result.icc1_k == pytest.approx(ref["icc1_k"], abs=1e-12)
    assert result.icc1 == pytest.approx(icc_two_way(data).icc1, abs=1e-12)
    with pytest.raises(I.IdeaInputError, match="1 item"):
        icc_oneway([1, 2], ["a", "a"])


def test_rater_agreement_uses_raters_who_rated_every_idea(site_ideas) -> None:
    ideas, ratings = site_ideas
    extra = pd.DataFrame({"idea": ["I1"], "rater": ["r3"], "feasibility": [1], "impact": [1],
                          "innovation": [1]})
    table = I.rater_agreement(ideas, pd.concat([ratings, extra]))
    s = table[table["site"] == "S"].set_index("criterion")
    assert s.loc["feasibility", "n_raters"] == 3
    assert s.loc["feasibility", "n_complete_raters"] == 2  # r3 rated one idea only
    assert s.loc["feasibility", "n_ratings"] == 11
    # identical feasibility ratings of r1 and r2 give W = 1 on the complete block
    assert s.loc["feasibility", "statistic"] == pytest.approx(1.0, abs=TOL)
    assert s.loc["feasibility", "df"] == 4
    # the one-way ICC uses all 11 ratings, r3's too
    expected = icc_oneway(pd.concat([ratings, extra]).query("idea != 'T1'")["feasibility"],
                            pd.concat([ratings, extra]).query("idea != 'T1'")["idea"])
    assert s.loc["feasibility", "icc1"] == pytest.approx(expected.icc1, abs=TOL)
    # all innovation ratings of S equal 3 except r3's: W undefined on the complete block
    assert np.isnan(s.loc["innovation", "statistic"])
    t = table[table["site"] == "T"]
    assert t["statistic"].isna().all()  # one rater only
    assert t["icc1"].isna().all()


def test_rater_agreement_without_a_complete_block_still_reports_the_one_way_icc() -> None:
    ideas = pd.DataFrame({"idea": ["a", "b", "c"], "site": "S", "event": None,
                          "title": list("abc"), "status": "idea"})
    ratings = pd.DataFrame({"idea": ["a", "a", "a", "b", "b", "c", "c", "c", "c"],
                            "rater": ["r1", "r2", "r3", "r1", "r4", "r2", "r3", "r4", "r5"],
                            "feasibility": [4, 5, 4, 2, 3, 3, 3, 4, 2], "impact": 3,
                            "innovation": 3})
    row = I.rater_agreement(ideas, ratings, criteria=["feasibility"]).iloc[0]
    assert row["n_complete_raters"] == 0
    assert np.isnan(row["statistic"])
    # the unbalanced example of participation.R: ICC(1) = 0.5533
    assert row["icc1"] == pytest.approx(reference()["icc_oneway"]["icc1"], abs=TOL)


def test_implementation_funnel_is_cumulative(site_ideas) -> None:
    ideas, ratings = site_ideas
    funnel = I.implementation_funnel(ideas, matrix=I.idea_matrix(ideas, ratings))
    s = funnel[(funnel["site"] == "S") & (funnel["group"] == "all")].set_index("stage")
    # statuses implemented, planned, idea, idea, planned: 5 ideas, 3 planned or further,
    # 1 implemented
    assert s["n"].tolist() == [5, 3, 1]
    assert s["share"].tolist() == pytest.approx([1.0, 0.6, 0.2])
    assert s.loc["implemented", "conversion"] == pytest.approx(1 / 3)
    wins = funnel[(funnel["site"] == "S") & (funnel["group"] == "quick_win")]
    assert wins["n"].tolist() == [2, 2, 1]  # I1 implemented, I5 planned


def test_unknown_ideas_and_statuses_raise_package_errors(site_ideas) -> None:
    ideas, ratings = site_ideas
    stray = pd.concat([ratings, pd.DataFrame({"idea": ["X9"], "rater": ["r1"],
                                              "feasibility": [3], "impact": [3],
                                              "innovation": [3]})])
    with pytest.raises(EvaluationError, match="X9"):
        I.idea_matrix(ideas, stray)
    odd = ideas.assign(status=["idea"] * 5 + ["done"])
    with pytest.raises(ValueError, match="done"):
        I.implementation_funnel(odd)
