"""Item analysis: distribution, floor and ceiling, missing shares, item-rest r, alpha if dropped.

Reference values come from ``tests/reference/reliability.R`` (see the comments at each use).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation import columns as C
from evaluation.analysis.items import item_analysis, item_rest_statistics
from evaluation.config import parse_codebook
from evaluation.errors import ReliabilityError
from evaluation.io.ingest import STATUS_DTYPE, SurveyData
from tests.bfi import reference_survey

REFERENCE = Path(__file__).parents[1] / "reference"
LABEL = {"de": "x", "en": "x"}


def make_codebook(reverse: tuple[str, ...] = ()) -> object:
    items = ("q_1", "q_2", "q_3", "q_4")
    return parse_codebook({
        "codebook": "test",
        "response_scale": {"min": 1, "max": 5, "labels": {v: LABEL for v in range(1, 6)}},
        "factors": {
            "scale": {"label": LABEL, "items": {
                i: {**LABEL, **({"reverse": True} if i in reverse else {})} for i in items}},
            "pair": {"label": LABEL, "items": {"p_1": LABEL, "p_2": LABEL}},
        },
        "outcomes": {"single": {"label": LABEL, "items": {"s_1": LABEL}}},
    })


def make_data(table: dict[str, list[object]], site: str = "a") -> SurveyData:
    """Survey data from {item: answers per respondent}; strings are missing categories."""
    rows = []
    for item, answers in table.items():
        for i, answer in enumerate(answers):
            missing = isinstance(answer, str)
            rows.append({C.RESPONDENT: f"r{i}", C.SITE: site, C.WAVE: "w1", C.ITEM: item,
                         C.VALUE: np.nan if missing else float(answer),
                         C.STATUS: answer if missing else C.VALID})
    responses = pd.DataFrame(rows)
    responses[C.STATUS] = responses[C.STATUS].astype(STATUS_DTYPE)
    return SurveyData(respondents=responses[[C.RESPONDENT, C.SITE, C.WAVE]].drop_duplicates(),
                      responses=responses)


ALL_ITEMS = ("q_1", "q_2", "q_3", "q_4", "p_1", "p_2", "s_1")


def coherent_answers(*, flip: tuple[str, ...] = (), n: int = 60) -> dict[str, list[int]]:
    """Answers 1..5 to every item, driven by one common factor (reversed for ``flip``)."""
    rng = np.random.default_rng(7)
    common = rng.normal(size=n)
    answers = {}
    for item in ALL_ITEMS:
        raw = 3 + 1.2 * common + rng.normal(scale=0.6, size=n)
        values = np.clip(np.rint(raw), 1, 5).astype(int)
        answers[item] = [int(v) for v in (6 - values if item in flip else values)]
    return answers


def test_shares_floor_ceiling_and_the_two_missing_shares_by_hand() -> None:
    answers = {
        "q_1": [1, 1, 2, 5, C.CANNOT_JUDGE, C.NO_ANSWER, C.NOT_SHOWN, 3],
        "q_2": [1, 2, 3, 4, 5, 1, 2, 3], "q_3": [2, 2, 3, 4, 5, 1, 2, 3],
        "q_4": [1, 2, 3, 5, 5, 2, 2, 3], "p_1": [1] * 8, "p_2": [2] * 8, "s_1": [3] * 8,
    }
    table = item_analysis(make_data(answers), make_codebook()).set_index(C.ITEM)
    row = table.loc["q_1"]
    # hand: valid answers 1, 1, 2, 5, 3 -> n 5; of 8 rows 1 cannot judge, 2 other missing
    assert row[C.N] == 5
    assert row["n_total"] == 8
    assert row["share_1"] == pytest.approx(2 / 5)
    assert row["share_4"] == 0.0
    assert row["floor"] == pytest.approx(2 / 5)
    assert row["ceiling"] == pytest.approx(1 / 5)
    assert row["cannot_judge_share"] == pytest.approx(1 / 8)
    assert row["missing_share"] == pytest.approx(2 / 8)
    assert row[C.MEAN] == pytest.approx(12 / 5)
    assert row[C.SD] == pytest.approx(np.std([1, 1, 2, 5, 3], ddof=1))
    shares = [row[f"share_{v}"] for v in range(1, 6)]
    assert sum(shares) == pytest.approx(1.0)


def test_table_has_one_row_per_item_in_codebook_order() -> None:
    answers = coherent_answers()
    table = item_analysis(make_data(answers), make_codebook())
    assert table[C.ITEM].tolist() == ["q_1", "q_2", "q_3", "q_4", "p_1", "p_2", "s_1"]
    assert table[C.SCALE].tolist() == ["scale"] * 4 + ["pair"] * 2 + ["single"]
    assert {C.N, C.MEAN, C.SD, "item_rest_r", "alpha_if_dropped",
            "reverse_problem"} <= set(table.columns)


def test_two_item_scale_has_the_correlation_as_item_rest_r_and_no_alpha_if_dropped() -> None:
    answers = coherent_answers()
    first, second = answers["p_1"], answers["p_2"]
    table = item_analysis(make_data(answers), make_codebook()).set_index(C.ITEM)
    r = np.corrcoef(first, second)[0, 1]
    assert table.loc["p_1", "item_rest_r"] == pytest.approx(r)
    assert table.loc["p_2", "item_rest_r"] == pytest.approx(r)
    assert np.isnan(table.loc["p_1", "alpha_if_dropped"])
    assert np.isnan(table.loc["s_1", "item_rest_r"])
    assert np.isnan(table.loc["s_1", "alpha_if_dropped"])


def test_reverse_keyed_item_that_respondents_did_not_read_as_reversed_is_flagged() -> None:
    # q_4 is keyed as reverse, but its answers run with the other items: after rescoring
    # it correlates negatively with the rest
    answers = coherent_answers()
    table = item_analysis(make_data(answers), make_codebook(reverse=("q_4",))).set_index(C.ITEM)
    assert table.loc["q_4", "reverse"]
    assert table.loc["q_4", "item_rest_r"] < 0
    assert table.loc["q_4", "reverse_problem"]
    assert not table.loc[["q_1", "q_2", "q_3"], "reverse_problem"].any()


def test_reverse_keyed_item_answered_in_reverse_is_not_flagged() -> None:
    answers = coherent_answers(flip=("q_4",))
    table = item_analysis(make_data(answers), make_codebook(reverse=("q_4",))).set_index(C.ITEM)
    assert table.loc["q_4", "item_rest_r"] > 0.3
    assert not table.loc["q_4", "reverse_problem"]
    # the distribution describes the answers as given, not the rescored values
    assert table.loc["q_4", C.MEAN] == pytest.approx(np.mean(answers["q_4"]))


def test_item_rest_statistics_of_a_covariance_matrix_by_hand() -> None:
    cov = np.array([[2.5, 2.0, 1.5], [2.0, 1.8, 1.05], [1.5, 1.05, 1.3]])
    rest_r, dropped = item_rest_statistics(cov)
    # hand: item 1 against items 2 + 3: cov 2.0 + 1.5, var(rest) 1.8 + 1.3 + 2 * 1.05
    assert rest_r[0] == pytest.approx(3.5 / np.sqrt(2.5 * 5.2))
    # hand: alpha of items 2 and 3 = 2 * (1 - 3.1 / 5.2)
    assert dropped[0] == pytest.approx(2 * (1 - 3.1 / 5.2))


def test_wave_selects_the_rows_of_one_wave() -> None:
    answers = coherent_answers()
    data = make_data(answers)
    later = data.responses.assign(**{C.WAVE: "w2"})
    both = SurveyData(respondents=data.respondents,
                      responses=pd.concat([data.responses, later], ignore_index=True))
    assert item_analysis(both, make_codebook(), wave="w2")["n_total"].eq(60).all()
    assert item_analysis(both, make_codebook())["n_total"].eq(120).all()


def test_a_wave_without_data_gives_rows_without_statistics() -> None:
    table = item_analysis(make_data(coherent_answers()), make_codebook(), wave="w2")
    assert table["n_total"].eq(0).all()
    assert table[C.N].eq(0).all()
    assert table[C.MEAN].isna().all()
    assert table["item_rest_r"].isna().all()
    assert table["missing_share"].isna().all()


def test_unknown_nan_policy_is_rejected() -> None:
    answers = coherent_answers()
    with pytest.raises(ReliabilityError, match=r"nan_policy.*'everything'"):
        item_analysis(make_data(answers), make_codebook(), nan_policy="everything")


# -- against R --------------------------------------------------------------------------


@pytest.mark.parametrize("nan_policy", ["listwise", "pairwise"])
def test_item_rest_r_and_alpha_if_dropped_match_psych_alpha(nan_policy: str) -> None:
    # R: a <- psych::alpha(x, use = "pairwise") (pairwise) or psych::alpha(x[complete, ])
    #    (listwise), x = A1..A5 with A1 reversed as 7 - A1;
    #    a$item.stats$r.drop and a$alpha.drop$raw_alpha
    data, book, expected = reference_survey()
    table = item_analysis(data, book, nan_policy=nan_policy)
    ref = expected["pooled"][nan_policy]
    np.testing.assert_allclose(table["item_rest_r"], ref["r_drop"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(table["alpha_if_dropped"], ref["alpha_drop"], rtol=0, atol=1e-10)


def test_item_distribution_matches_r() -> None:
    # R: sum(!is.na(v)), mean(v, na.rm = TRUE), sd(v, na.rm = TRUE), mean(v == 1) and
    #    mean(v == 6) over the valid answers, mean(is.na(v)) - on the answers as given
    data, book, expected = reference_survey()
    table = item_analysis(data, book).set_index(C.ITEM)
    for ref in expected["item_stats"]:
        row = table.loc[ref["item"].lower()]
        assert row[C.N] == ref["n"]
        assert row[C.MEAN] == pytest.approx(ref["mean"], abs=1e-12)
        assert row[C.SD] == pytest.approx(ref["sd"], abs=1e-12)
        assert row["floor"] == pytest.approx(ref["floor"], abs=1e-12)
        assert row["ceiling"] == pytest.approx(ref["ceiling"], abs=1e-12)
        # R's NA covers both kinds of missing that the table keeps apart
        assert row["missing_share"] + row["cannot_judge_share"] == pytest.approx(
            ref["missing"], abs=1e-12)
        assert row["cannot_judge_share"] > 0
