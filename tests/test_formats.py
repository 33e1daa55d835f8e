"""The evaluation team's workbook leaves out what every report leaves out: rows of a
site-wave below k, also a change from or into such a wave."""

from __future__ import annotations

import pandas as pd

from evaluation.formats import below_k_removed
from evaluation.results import Results


def test_rows_of_a_site_wave_below_k_are_left_out_also_in_changes_from_or_into_it():
    shown = pd.DataFrame({"site": ["K1", "K1", "K2", "K2"], "wave": ["w1", "w2", "w1", "w2"],
                          "n": [20, 3, 25, 30], "shown": [True, False, True, True]})
    change = pd.DataFrame({"site": ["K1", "K2", "K1"], "wave_from": ["w1", "w1", "w0"],
                           "wave_to": ["w2", "w2", "w1"], "n_from": [20, 25, 18]})
    pooled = pd.DataFrame({"wave": ["w1", "w2"], "mean": [3.1, 3.2]})  # no site: kept
    results = Results(meta={}, tables={"shown": shown, "change": change, "pooled": pooled})
    kept, removed = below_k_removed(results)
    assert removed == 2
    assert kept.tables["shown"]["n"].tolist() == [20, 25, 30]
    assert kept.tables["change"]["site"].tolist() == ["K2", "K1"]
    assert kept.tables["pooled"].equals(pooled)
    assert results.tables["shown"]["n"].tolist() == [20, 3, 25, 30]  # the run is untouched
