"""The item matrix: categorical and text columns give the same matrix, and one matrix built
beforehand gives the same scores, item statistics and reliabilities as building it anew."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation import columns as C
from evaluation.analysis.itemmatrix import ABSENT, ItemMatrix, ScaleError, item_matrix
from evaluation.analysis.items import item_analysis
from evaluation.analysis.reliability import reliability_table
from evaluation.analysis.scales import score_scales
from evaluation.config import parse_codebook
from evaluation.io.ingest import STATUS_DTYPE, SurveyData

LABEL = {"de": "x", "en": "x"}
ITEMS = ["trust_1", "trust_2", "trust_3", "rules_1", "rules_2", "satisfaction_1", "extra"]


def make_codebook() -> object:
    """trust: 3 items (trust_3 reversed); rules: 2 items; satisfaction: 1 item."""
    return parse_codebook({
        "codebook": "test",
        "response_scale": {"min": 1, "max": 5, "labels": {v: LABEL for v in range(1, 6)}},
        "factors": {
            "trust": {"label": LABEL, "items": {
                "trust_1": LABEL, "trust_2": LABEL, "trust_3": {**LABEL, "reverse": True}}},
            "rules": {"label": LABEL, "items": {"rules_1": LABEL, "rules_2": LABEL}},
        },
        "outcomes": {"satisfaction": {"label": LABEL, "items": {"satisfaction_1": LABEL}}},
    })


def random_survey(seed: int = 0, *, n_sites: int = 6, per_site: int = 25,
                  categorical: bool = False) -> SurveyData:
    """Two waves, every respondent answering all items in the same order (the usual
    layout), 10 % cannot judge, 5 % no answer; ``extra`` is an item of no scale."""
    rng = np.random.default_rng(seed)
    n, k = n_sites * per_site * 2, len(ITEMS)
    person = np.repeat(np.arange(n), k)
    status = rng.choice(np.array([C.VALID, C.CANNOT_JUDGE, C.NO_ANSWER], dtype=object),
                        n * k, p=[0.85, 0.1, 0.05])
    responses = pd.DataFrame({
        C.RESPONDENT: np.array([f"r{i % (n // 2)}" for i in range(n)], dtype=object)[person],
        C.SITE: np.array([f"s{(i % (n // 2)) // per_site}" for i in range(n)],
                         dtype=object)[person],
        C.WAVE: np.where(person < n // 2, "w1", "w2").astype(object),
        C.ITEM: np.tile(np.array(ITEMS, dtype=object), n),
        C.VALUE: np.where(status == C.VALID, rng.integers(1, 6, n * k), np.nan),
        C.STATUS: pd.Categorical(status, dtype=STATUS_DTYPE)})
    if categorical:
        responses = responses.astype({c: "category"
                                      for c in (C.RESPONDENT, C.SITE, C.WAVE, C.ITEM)})
    respondents = responses[[C.RESPONDENT, C.SITE, C.WAVE]].drop_duplicates()
    return SurveyData(respondents=respondents.reset_index(drop=True), responses=responses)


def assert_same_matrix(a: ItemMatrix, b: ItemMatrix) -> None:
    assert a.items == b.items
    pd.testing.assert_frame_equal(a.index, b.index)
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.status, b.status)


@pytest.mark.parametrize("shuffle", [False, True])
def test_categorical_and_text_columns_give_the_same_matrix(shuffle: bool) -> None:
    text, categorical = random_survey(categorical=False), random_survey(categorical=True)
    if shuffle:  # no regular layout: the rows are scattered into the matrix
        order = np.random.default_rng(1).permutation(len(text.responses))
        text = SurveyData(respondents=text.respondents, responses=text.responses.iloc[order])
        categorical = SurveyData(respondents=categorical.respondents,
                                 responses=categorical.responses.iloc[order])
    # (shuffled and without items, a categorical column lists its items in the order of its
    # categories, a text column in order of appearance, as before)
    for items in ([None] if not shuffle else []) + [ITEMS[:3], [*ITEMS[:2], "never_asked"]]:
        assert_same_matrix(item_matrix(categorical, items), item_matrix(text, items))


def test_selecting_columns_equals_building_the_matrix_with_those_items() -> None:
    data = random_survey()
    full = item_matrix(data)
    for items in (ITEMS, ITEMS[::-1], ["rules_2", "trust_1"], ["trust_1", "never_asked"]):
        assert_same_matrix(full.select(items), item_matrix(data, items))
    assert full.select(["never_asked"]).status[0, 0] == ABSENT
    assert np.shares_memory(full.select(ITEMS[1:4]).values, full.values)  # side by side
    assert full.select(ITEMS) is full
    with pytest.raises(ScaleError, match="twice"):
        full.select(["trust_1", "trust_1"])


@pytest.mark.parametrize("categorical", [False, True])
def test_a_matrix_built_beforehand_gives_the_same_tables(categorical: bool) -> None:
    data, book = random_survey(categorical=categorical), make_codebook()
    matrix = item_matrix(data)  # every item of the data, the scales' and others
    pd.testing.assert_frame_equal(score_scales(data, book, matrix=matrix),
                                  score_scales(data, book))
    pd.testing.assert_frame_equal(score_scales(data, book, scales=["rules"], matrix=matrix),
                                  score_scales(data, book, scales=["rules"]))
    for wave in (None, "w2"):
        pd.testing.assert_frame_equal(item_analysis(data, book, wave=wave, matrix=matrix),
                                      item_analysis(data, book, wave=wave))
        pd.testing.assert_frame_equal(
            reliability_table(data, book, wave=wave, n_boot=20, min_n=10, matrix=matrix),
            reliability_table(data, book, wave=wave, n_boot=20, min_n=10))


def test_something_else_than_a_matrix_is_rejected_with_its_type() -> None:
    data, book = random_survey(), make_codebook()
    with pytest.raises(TypeError, match="DataFrame"):
        score_scales(data, book, matrix=data.responses)  # type: ignore[arg-type]
