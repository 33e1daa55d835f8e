"""Goals on the Wirkungstreppe: stage targeted against stage reached (hand computations)."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.errors import EvaluationError
from evaluation.participation import goals as G


@pytest.fixture
def goals() -> pd.DataFrame:
    return pd.DataFrame({
        "goal": ["G1", "G2", "G3", "G1", "G2"],
        "site": ["S", "S", "S", "S", "T"],
        "wave": ["w1", "w1", "w1", "w2", "w1"],
        "title": ["Lotsen", "Sprachcafé", "Arbeitsmarkt", "Lotsen", "Fest"],
        "stage_targeted": [3, 5, 7, 3, 2],
        "stage_reached": [4, 3, 2, 3, 1],
    })


def test_a_goal_is_reached_when_the_reached_stage_is_at_least_the_target(goals) -> None:
    table = G.goal_progress(goals)
    s1 = table[(table["site"] == "S") & (table["wave"] == "w1")].set_index("goal")
    assert s1["reached"].tolist() == [True, False, False]
    assert s1["gap"].tolist() == [0, 2, 5]  # max(targeted - reached, 0)
    assert s1["level_targeted"].tolist() == ["output", "outcome", "impact"]
    assert s1.loc["G1", "level_reached"] == "outcome"  # stage 4


def test_share_of_goals_reached_per_site_and_wave(goals) -> None:
    table = G.goal_summary(goals).set_index(["site", "wave"])
    # S w1: 1 of 3 reached; mean targeted (3 + 5 + 7)/3 = 5, reached (4 + 3 + 2)/3 = 3,
    # mean gap (0 + 2 + 5)/3 = 7/3
    s1 = table.loc[("S", "w1")]
    assert (s1["n"], s1["n_reached"]) == (3, 1)
    assert s1["share_reached"] == pytest.approx(1 / 3)
    assert s1["mean_stage_targeted"] == pytest.approx(5.0)
    assert s1["mean_gap"] == pytest.approx(7 / 3)
    assert table.loc[("S", "w2"), "share_reached"] == 1.0
    assert table.loc[("T", "w1"), "share_reached"] == 0.0


def test_stages_have_german_and_english_labels_and_levels() -> None:
    assert sorted(G.STAGES) == [1, 2, 3, 4, 5, 6, 7]
    assert all(de and en for de, en in G.STAGES.values())
    assert [G.stage_level(s) for s in (1, 3, 4, 6, 7)] == ["output", "output", "outcome",
                                                           "outcome", "impact"]
    assert G.stage_level(float("nan")) is None


def test_stages_outside_the_staircase_are_rejected_with_the_goal(goals) -> None:
    bad = goals.assign(stage_reached=[4, 3, 9, 3, 1])
    with pytest.raises(G.GoalInputError, match=r"\['G3'\].*9"):
        G.goal_progress(bad)
    with pytest.raises(EvaluationError, match="stage_reached"):
        G.goal_summary(goals.drop(columns="stage_reached"))
