"""Text cells a spreadsheet would run as formulas are neutralised in every CSV we write."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.results import Results, save_results
from evaluation.spreadsheet import spreadsheet_safe

ATTACK = "=2+5+cmd|' /C calc'!A0"


@pytest.mark.parametrize("cell", [ATTACK, "+1+1", "-1+cmd", "@SUM(A1)", "\tx", "\rx"])
def test_a_formula_like_text_cell_gets_a_leading_apostrophe(cell: str) -> None:
    frame = pd.DataFrame({"name": [cell, "Linden"]})
    assert spreadsheet_safe(frame)["name"].tolist() == ["'" + cell, "Linden"]


def test_numbers_and_plain_numbers_in_text_stay_as_they_are() -> None:
    frame = pd.DataFrame({"n": [-1, 2], "value": [-0.5, 1.0], "text": ["-0.5", "+3"]})
    assert spreadsheet_safe(frame) is frame


def test_categorical_columns_are_neutralised_in_their_categories() -> None:
    frame = pd.DataFrame({"site": pd.Categorical([ATTACK, "K01", ATTACK])})
    assert spreadsheet_safe(frame)["site"].tolist() == ["'" + ATTACK, "K01", "'" + ATTACK]
    assert frame["site"].tolist()[0] == ATTACK  # the input is not changed


def test_the_run_folder_csv_is_safe_while_the_stored_table_keeps_the_name(tmp_path) -> None:
    counts = pd.DataFrame({"site": [ATTACK], "wave": ["w1"], "n": [7], "invited": [9],
                           "response_rate": [7 / 9]})
    save_results(Results(meta={}, tables={"counts": counts}), tmp_path, key={})
    text = (tmp_path / "tables" / "counts.csv").read_text(encoding="utf-8")
    assert "\n\"'=2+5+cmd|' /C calc'!A0\"," in text or "\n'=2+5+cmd|' /C calc'!A0," in text
    assert "\n=2+5" not in text
