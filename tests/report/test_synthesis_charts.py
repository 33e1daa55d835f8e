"""The synthesis heat map: every site on every scale, the favourable side always blue."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.report.labels import Labels, ScaleInfo
from evaluation.report.synthesis_charts import site_heatmap


def _svp() -> pd.DataFrame:
    rows = []
    for scale in ("trust", "strain"):
        for site, diff, flag, suppressed in (("K01", 0.6, "strength", False),
                                             ("K02", -0.1, "none", False),
                                             ("K03", np.nan, "none", True)):
            rows.append({"wave": "w1", "scale": scale, "site": site, "mean": 3.0 + diff,
                         "difference": diff, "flag": flag, "suppressed": suppressed})
    return pd.DataFrame(rows)


def _labels() -> Labels:
    return Labels(scales=(ScaleInfo(key="trust", kind="factor", label_de="Vertrauen",
                                    label_en="Trust"),
                          ScaleInfo(key="strain", kind="factor", label_de="Belastung",
                                    label_en="Strain", higher_is_better=False)))


def test_the_heat_map_names_each_sites_marks_and_leaves_suppressed_sites_grey():
    chart = site_heatmap(_svp(), _labels(), wave="w1", language="de")
    assert chart.alt_de.startswith("Mittelwerte von 2 Standorten auf 2 Skalen")
    assert "K01 2 ▲ / 0 ▼" in chart.alt_de
    assert "K03" not in chart.alt_de  # below k: no verdict, grey cell
    assert ">▲<" in chart.svg
    assert "Clearly above (▲) or below (▼) the others: K01" in chart.alt_en


def test_on_a_scale_where_lower_is_better_a_higher_mean_is_drawn_orange(monkeypatch):
    import matplotlib.axes

    drawn = {}
    original = matplotlib.axes.Axes.pcolormesh

    def spy(self, x, y, data, *args, **kwargs):
        drawn["data"] = np.ma.filled(np.ma.masked_invalid(data), np.nan)
        return original(self, x, y, data, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "pcolormesh", spy)
    site_heatmap(_svp(), _labels(), wave="w1", language="de")
    trust, strain = drawn["data"]
    assert trust[0] == 0.6  # K01 above on trust: blue side
    assert strain[0] == -0.6  # K01 above on strain, where lower is better: orange side
    assert np.isnan(trust[2])
