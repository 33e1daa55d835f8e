"""Scale scores: reverse-keying, the two-thirds rule, cannot-judge as missing, wide form.

Reference values come from ``tests/reference/reliability.R`` (see the comments at each use).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation import columns as C
from evaluation.analysis import ABSENT, item_matrix
from evaluation.analysis.scales import (
    ScaleError,
    required_valid,
    reverse_keyed,
    reverse_score,
    score_scales,
    scores_wide,
)
from evaluation.config import load_codebook, parse_codebook
from evaluation.io.ingest import STATUS_DTYPE, SurveyData
from tests.bfi import reference_survey

REFERENCE = Path(__file__).parents[1] / "reference"
ROOT = Path(__file__).parents[2]
LABEL = {"de": "x", "en": "x"}


def make_codebook(*, scale_min: int = 1, scale_max: int = 5,
                  min_valid_share: float = 2 / 3) -> object:
    """trust: 3 items (trust_3 reversed); rules: 2 items; satisfaction: 1 item."""
    return parse_codebook({
        "codebook": "test",
        "response_scale": {"min": scale_min, "max": scale_max,
                           "labels": {v: LABEL for v in range(scale_min, scale_max + 1)}},
        "min_valid_share": min_valid_share,
        "factors": {
            "trust": {"label": LABEL, "items": {
                "trust_1": LABEL, "trust_2": LABEL, "trust_3": {**LABEL, "reverse": True}}},
            "rules": {"label": LABEL, "items": {"rules_1": LABEL, "rules_2": LABEL}},
        },
        "outcomes": {"satisfaction": {"label": LABEL, "items": {"satisfaction_1": LABEL}}},
    })


def make_data(answers: dict[tuple[str, str, str], dict[str, object]]) -> SurveyData:
    """Survey data from {(wave, site, respondent): {item: value or status name}}."""
    rows = []
    for (wave, site, respondent), items in answers.items():
        for item, answer in items.items():
            if isinstance(answer, str):
                value, status = np.nan, answer
            else:
                value, status = float(answer), C.VALID
            rows.append({C.RESPONDENT: respondent, C.SITE: site, C.WAVE: wave,
                         C.ITEM: item, C.VALUE: value, C.STATUS: status})
    responses = pd.DataFrame(rows)
    responses[C.STATUS] = responses[C.STATUS].astype(STATUS_DTYPE)
    respondents = responses[[C.RESPONDENT, C.SITE, C.WAVE]].drop_duplicates()
    return SurveyData(respondents=respondents.reset_index(drop=True), responses=responses)


def score_of(scores: pd.DataFrame, respondent: str, scale: str, wave: str = "w1") -> float:
    row = scores[(scores[C.RESPONDENT] == respondent) & (scores[C.SCALE] == scale)
                 & (scores[C.WAVE] == wave)]
    assert len(row) == 1
    return float(row[C.SCORE].iloc[0])


FULL = {"trust_1": 4, "trust_2": 5, "trust_3": 2, "rules_1": 3, "rules_2": 4,
        "satisfaction_1": 5}


# -- reverse-keying -------------------------------------------------------------------


def test_reverse_score_maps_the_ends_of_the_scale_onto_each_other() -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0, np.nan])
    out = reverse_score(values, scale_min=1, scale_max=5)
    np.testing.assert_array_equal(out, [5.0, 4.0, 3.0, 2.0, 1.0, np.nan])
    assert reverse_score(0.0, scale_min=0, scale_max=10) == 10.0


@given(st.lists(st.one_of(st.integers(-3, 12).map(float), st.just(np.nan)), max_size=30),
       st.integers(-3, 3), st.integers(1, 9))
def test_reversing_twice_is_the_identity(values: list[float], low: int, width: int) -> None:
    arr = np.array(values, dtype=float)
    twice = reverse_score(reverse_score(arr, scale_min=low, scale_max=low + width),
                          scale_min=low, scale_max=low + width)
    np.testing.assert_array_equal(twice, arr)


def test_reverse_keyed_rescores_only_reverse_items_and_leaves_the_input_alone() -> None:
    book = make_codebook()
    data = make_data({("w1", "a", "r1"): FULL})
    out = reverse_keyed(data.responses, book)
    by_item = dict(zip(out[C.ITEM], out[C.VALUE], strict=True))
    assert by_item["trust_3"] == 4.0  # 1 + 5 - 2
    assert by_item["trust_1"] == 4.0
    assert data.responses.loc[data.responses[C.ITEM] == "trust_3", C.VALUE].item() == 2.0


# -- scoring by hand --------------------------------------------------------------------


def test_scale_score_is_the_mean_of_the_valid_items_after_reversal() -> None:
    scores = score_scales(make_data({("w1", "a", "r1"): FULL}), make_codebook())
    assert score_of(scores, "r1", "trust") == pytest.approx((4 + 5 + 4) / 3)  # trust_3: 2 -> 4
    assert score_of(scores, "r1", "rules") == pytest.approx(3.5)
    assert score_of(scores, "r1", "satisfaction") == 5.0


def test_two_of_three_valid_items_give_a_score_and_one_of_three_does_not() -> None:
    data = make_data({
        ("w1", "a", "two"): {**FULL, "trust_2": C.NO_ANSWER},
        ("w1", "a", "one"): {**FULL, "trust_1": C.NO_ANSWER, "trust_2": C.CANNOT_JUDGE},
    })
    scores = score_scales(data, make_codebook())
    assert score_of(scores, "two", "trust") == pytest.approx((4 + 4) / 2)  # hand: (4 + (6-2))/2
    assert np.isnan(score_of(scores, "one", "trust"))


def test_two_item_scale_needs_both_items_under_the_two_thirds_rule() -> None:
    data = make_data({("w1", "a", "r1"): {**FULL, "rules_2": C.NO_ANSWER}})
    assert np.isnan(score_of(score_scales(data, make_codebook()), "r1", "rules"))


def test_cannot_judge_is_missing_and_never_a_low_score() -> None:
    data = make_data({("w1", "a", "r1"): {**FULL, "trust_1": C.CANNOT_JUDGE}})
    scores = score_scales(data, make_codebook())
    assert score_of(scores, "r1", "trust") == pytest.approx((5 + 4) / 2)
    row = scores[(scores[C.SCALE] == "trust")].iloc[0]
    assert (row["n_items"], row["n_valid"], row["n_cannot_judge"]) == (3, 2, 1)


def test_a_value_left_in_a_missing_row_is_ignored() -> None:
    data = make_data({("w1", "a", "r1"): FULL})
    hit = (data.responses[C.ITEM] == "trust_1").to_numpy()
    data.responses.loc[hit, C.STATUS] = C.CANNOT_JUDGE  # value 4 stays, status says missing
    assert score_of(score_scales(data, make_codebook()), "r1", "trust") == pytest.approx(4.5)


def test_items_without_any_row_count_as_missing() -> None:
    answers = {k: v for k, v in FULL.items() if k != "trust_2"}
    data = make_data({("w1", "a", "r1"): answers})
    scores = score_scales(data, make_codebook())
    assert score_of(scores, "r1", "trust") == pytest.approx(4.0)
    matrix = item_matrix(data, ["trust_1", "trust_2"])
    assert matrix.status[0, 1] == ABSENT


@pytest.mark.parametrize(("n_items", "share", "needed"), [
    (3, 2 / 3, 2), (3, 0.667, 2), (3, 0.67, 2), (4, 2 / 3, 3), (5, 2 / 3, 4),
    (2, 2 / 3, 2), (1, 2 / 3, 1), (6, 0.5, 3), (4, 1.0, 4), (10, 0.1, 1),
])
def test_required_valid_items_follow_the_share_written_in_the_codebook(
        n_items: int, share: float, needed: int) -> None:
    assert required_valid(n_items, share) == needed


def test_the_default_instruments_0667_share_still_accepts_two_of_three() -> None:
    book = load_codebook(ROOT / "surveys" / "instruments" / "default.yml")
    assert required_valid(3, book.min_valid_share) == 2


def test_min_valid_share_can_be_overridden_per_call() -> None:
    data = make_data({("w1", "a", "r1"): {**FULL, "trust_2": C.NO_ANSWER}})
    scores = score_scales(data, make_codebook(), min_valid_share=1.0)
    assert np.isnan(score_of(scores, "r1", "trust"))


def test_score_table_has_one_row_per_wave_respondent_and_scale_in_codebook_order() -> None:
    data = make_data({("w1", "a", "r1"): FULL, ("w1", "b", "r2"): FULL,
                      ("w2", "a", "r1"): FULL})
    scores = score_scales(data, make_codebook())
    assert list(scores.columns) == [C.RESPONDENT, C.SITE, C.WAVE, C.SCALE, C.SCORE,
                                    "n_items", "n_valid", "n_cannot_judge"]
    assert len(scores) == 3 * 3
    assert scores[C.SCALE].tolist()[:3] == ["trust", "rules", "satisfaction"]
    assert scores[[C.WAVE, C.RESPONDENT]].drop_duplicates().shape[0] == 3


def test_only_the_requested_scales_are_scored() -> None:
    scores = score_scales(make_data({("w1", "a", "r1"): FULL}), make_codebook(),
                          scales=["rules"])
    assert scores[C.SCALE].unique().tolist() == ["rules"]


# -- errors -----------------------------------------------------------------------------


def test_unknown_scale_is_reported_with_the_known_ones() -> None:
    with pytest.raises(ScaleError, match=r"unknown scale\(s\) \['trsut'\].*'trust'"):
        score_scales(make_data({("w1", "a", "r1"): FULL}), make_codebook(), scales=["trsut"])


def test_valid_answer_outside_the_response_scale_names_respondent_item_and_value() -> None:
    data = make_data({("w1", "a", "r1"): FULL, ("w1", "a", "r9"): {**FULL, "rules_1": 7}})
    with pytest.raises(ScaleError, match=r"respondent 'r9'.*item 'rules_1' value 7"):
        score_scales(data, make_codebook())


def test_unknown_answer_status_is_rejected() -> None:
    data = make_data({("w1", "a", "r1"): FULL})
    data.responses[C.STATUS] = data.responses[C.STATUS].astype(object)
    data.responses.loc[0, C.STATUS] = "maybe"
    with pytest.raises(ScaleError, match=r"unknown answer status.*maybe"):
        score_scales(data, make_codebook())


@pytest.mark.parametrize("share", [0, 1.5, -0.1])
def test_min_valid_share_outside_the_unit_interval_is_rejected(share: float) -> None:
    with pytest.raises(ScaleError, match="min_valid_share"):
        score_scales(make_data({("w1", "a", "r1"): FULL}), make_codebook(),
                     min_valid_share=share)


def test_scale_errors_are_value_errors_of_the_package() -> None:
    from evaluation.errors import EvaluationError

    assert issubclass(ScaleError, EvaluationError)
    assert issubclass(ScaleError, ValueError)


# -- layout -----------------------------------------------------------------------------


def test_shuffled_responses_give_the_same_item_matrix_as_ordered_ones() -> None:
    rng = np.random.default_rng(3)
    answers = {("w1" if i % 3 else "w2", f"s{i % 4}", f"r{i}"): {
        k: int(v) for k, v in zip(FULL, rng.integers(1, 6, len(FULL)), strict=True)}
        for i in range(40)}
    data = make_data(answers)
    shuffled = SurveyData(respondents=data.respondents,
                          responses=data.responses.sample(frac=1, random_state=1))
    items = list(FULL)
    ordered = item_matrix(data, items)
    mixed = item_matrix(shuffled, items)
    key = [C.WAVE, C.RESPONDENT]
    left = pd.concat([ordered.index, pd.DataFrame(ordered.values, columns=items)], axis=1)
    right = pd.concat([mixed.index, pd.DataFrame(mixed.values, columns=items)], axis=1)
    pd.testing.assert_frame_equal(left.sort_values(key).reset_index(drop=True),
                                  right.sort_values(key).reset_index(drop=True))


def test_respondent_answering_in_two_waves_gives_two_rows() -> None:
    data = make_data({("w1", "a", "r1"): FULL, ("w2", "a", "r1"): {**FULL, "rules_1": 1}})
    wide = scores_wide(score_scales(data, make_codebook()))
    assert wide.loc[("w1", "r1"), "rules"] == pytest.approx(3.5)
    assert wide.loc[("w2", "r1"), "rules"] == pytest.approx(2.5)


def test_scores_wide_has_a_row_per_wave_and_respondent_a_site_column_and_scale_columns() -> None:
    data = make_data({("w1", "a", "r1"): FULL, ("w1", "b", "r2"): FULL})
    wide = scores_wide(score_scales(data, make_codebook()))
    assert wide.index.names == [C.WAVE, C.RESPONDENT]
    assert list(wide.columns) == [C.SITE, "trust", "rules", "satisfaction"]
    assert wide[C.SITE].tolist() == ["a", "b"]
    assert wide.loc[("w1", "r2"), "trust"] == pytest.approx(13 / 3)


def test_scores_wide_of_reordered_or_partial_rows_fills_the_gaps_with_nan() -> None:
    data = make_data({("w1", "a", "r1"): FULL, ("w1", "b", "r2"): FULL})
    scores = score_scales(data, make_codebook())
    partial = scores.drop(index=[1]).sample(frac=1, random_state=2)
    wide = scores_wide(partial)
    regular = scores_wide(scores)
    assert np.isnan(wide.loc[("w1", "r1"), "rules"])
    assert wide.loc[("w1", "r2"), "rules"] == regular.loc[("w1", "r2"), "rules"]
    assert wide.loc[("w1", "r2"), C.SITE] == "b"


def test_scores_wide_does_not_share_memory_with_the_long_table() -> None:
    scores = score_scales(make_data({("w1", "a", "r1"): FULL}), make_codebook())
    wide = scores_wide(scores)
    wide.iloc[0, 1] = -99.0
    assert (scores[C.SCORE] != -99.0).all()


def test_empty_survey_gives_an_empty_score_table() -> None:
    data = make_data({("w1", "a", "r1"): FULL})
    empty = SurveyData(respondents=data.respondents.iloc[:0],
                       responses=data.responses.iloc[:0])
    scores = score_scales(empty, make_codebook())
    assert scores.empty
    assert list(scores.columns)[:5] == [C.RESPONDENT, C.SITE, C.WAVE, C.SCALE, C.SCORE]


# -- against R --------------------------------------------------------------------------


def test_scores_match_psych_score_items_with_the_two_thirds_rule() -> None:
    # R: psych::scoreItems(list(agree = c("-A1", "A2", "A3", "A4", "A5")), x,
    #    impute = "none", min = 1, max = 6)$scores, NA where fewer than 4 of 5 items valid
    data, book, expected = reference_survey()
    scores = score_scales(data, book).set_index(C.RESPONDENT).loc[
        expected["scores"]["respondent"]]
    want = np.array(expected["scores"]["score"], dtype=float)
    np.testing.assert_allclose(scores[C.SCORE].to_numpy(), want, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(scores["n_valid"].to_numpy(), expected["scores"]["n_valid"])


# -- properties -------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.one_of(st.integers(1, 5), st.sampled_from(
    [C.NO_ANSWER, C.CANNOT_JUDGE, C.NOT_SHOWN])), min_size=6, max_size=6),
    min_size=1, max_size=12))
def test_scores_stay_within_the_response_scale(rows: list[list[object]]) -> None:
    book = make_codebook()
    answers = {("w1", "a", f"r{i}"): dict(zip(FULL, row, strict=True))
               for i, row in enumerate(rows)}
    scores = score_scales(make_data(answers), book)[C.SCORE].dropna()
    assert ((scores >= book.scale_min) & (scores <= book.scale_max)).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(1, 7), min_size=6, max_size=6), min_size=1,
                max_size=8),
       st.integers(0, 3))
def test_scores_stay_within_any_response_scale(rows: list[list[int]], low: int) -> None:
    book = make_codebook(scale_min=low, scale_max=low + 6)
    answers = {("w1", "a", f"r{i}"): {k: v - 1 + low for k, v in zip(FULL, row, strict=True)}
               for i, row in enumerate(rows)}
    scores = score_scales(make_data(answers), book)[C.SCORE]
    assert scores.notna().all()
    assert ((scores >= low) & (scores <= low + 6)).all()


# -- speed ------------------------------------------------------------------------------


@pytest.mark.slow
def test_scoring_ten_thousand_sites_gives_one_row_per_respondent() -> None:
    book = load_codebook(ROOT / "surveys" / "instruments" / "default.yml")
    items = np.array(list(book.items), dtype=object)
    n_sites, per_site, k = 10_800, 30, len(items)
    n = n_sites * per_site
    rng = np.random.default_rng(0)
    respondent = np.array([f"p{i:07d}" for i in range(n)], dtype=object)
    site = np.repeat(np.array([f"site{s}" for s in range(n_sites)], dtype=object), per_site)
    status = rng.choice(np.array([C.VALID, C.CANNOT_JUDGE, C.NO_ANSWER], dtype=object),
                        n * k, p=[0.9, 0.06, 0.04])
    values = np.where(status == C.VALID, rng.integers(1, 6, n * k), np.nan)
    responses = pd.DataFrame({
        C.RESPONDENT: np.repeat(respondent, k), C.SITE: np.repeat(site, k),
        C.WAVE: np.full(n * k, "w1", dtype=object), C.ITEM: np.tile(items, n),
        C.VALUE: values, C.STATUS: pd.Categorical(status, dtype=STATUS_DTYPE)})
    data = SurveyData(respondents=pd.DataFrame(), responses=responses)
    scores = score_scales(data, book)
    wide = scores_wide(scores)
    assert wide.shape == (n, 1 + len(book.scales))
