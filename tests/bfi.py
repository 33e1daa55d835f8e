"""The committed R reference data (psych's bfi agreeableness items) as tidy survey data.

Shared by the item-analysis and scoring tests; tests/reference/reliability.R wrote the CSV
and the expected values.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.config import parse_codebook
from evaluation.io.ingest import STATUS_DTYPE, SurveyData

REFERENCE = Path(__file__).parent / "reference"
LABEL = {"de": "x", "en": "x"}


def reference_survey() -> tuple[SurveyData, object, dict]:
    """The bfi data on a 1-6 scale (A1 reversed by the codebook); NA cells alternate between
    "cannot judge" and "no answer", both missing. Returns data, codebook, expected values."""
    expected = json.loads((REFERENCE / "reliability_expected.json").read_text())
    frame = pd.read_csv(REFERENCE / "reliability_data.csv")
    items = expected["items"]
    book = parse_codebook({
        "codebook": "bfi",
        "response_scale": {"min": 1, "max": 6, "labels": {v: LABEL for v in range(1, 7)}},
        "min_valid_share": 2 / 3,
        "factors": {"agree": {"label": LABEL, "items": {
            i.lower(): {**LABEL, **({"reverse": True} if i == expected["reverse"] else {})}
            for i in items}}},
    })
    long = frame.melt(id_vars=[C.RESPONDENT, C.SITE], value_vars=items, var_name=C.ITEM,
                      value_name=C.VALUE)
    long[C.ITEM] = long[C.ITEM].str.lower()
    long[C.WAVE] = "w1"
    status = np.where(long[C.VALUE].notna(), C.VALID,
                      np.where(np.arange(len(long)) % 2 == 0, C.CANNOT_JUDGE, C.NO_ANSWER))
    long[C.STATUS] = pd.Categorical(status, dtype=STATUS_DTYPE)
    data = SurveyData(respondents=frame[[C.RESPONDENT, C.SITE]].assign(wave="w1"),
                      responses=long)
    return data, book, expected
