"""Comparing result tables bit for bit (test helper of the equivalence tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal


def assert_same_frame(new: pd.DataFrame, old: pd.DataFrame) -> None:
    """Equal tables with equal dtypes, floats equal bit for bit (NaN where NaN)."""
    assert_frame_equal(new, old, check_exact=True)
    for column in new.columns:
        if new[column].dtype.kind == "f":
            a, b = new[column].to_numpy(), old[column].to_numpy()
            assert np.array_equal(a.view(np.int64), b.view(np.int64)), column
