"""The vectorised change between waves equals the site-by-site implementation it replaced.

``_old_wave_change`` is ``evaluation.analysis.waves.wave_change`` before it was vectorised (one
``.loc`` selection and one Welch test per site, scale and wave pair). The new function must
give the same table, bit for bit: the per-site means and variances are those NumPy gives
for each site alone (:func:`evaluation.stats.welch.group_moments`), and the Welch arithmetic is
the same.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from evaluation import columns as C
from evaluation.analysis import waves as W
from evaluation.analysis.compare import SUPPRESSED
from evaluation.stats.welch import welch_difference

# -- the implementation before vectorisation ------------------------------------------------


def _old_wave_change(scores: pd.DataFrame, *, waves: Sequence[Any] | None = None,
                     value: str = C.SCORE, site: str = C.SITE, wave: str = C.WAVE,
                     by: Sequence[str] = (C.SCALE,), min_n: int = 5,
                     confidence: float = 0.95) -> pd.DataFrame:
    by = list(by)
    w0, w1 = W.resolve_waves(scores, wave=wave, waves=waves)
    data = scores.assign(**{value: pd.to_numeric(scores[value]).astype(float)})
    data = data[data[value].notna() & data[wave].isin([w0, w1])]
    rows = []
    groups = data.groupby(by, sort=True, observed=True) if by else [((), data)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        head = dict(zip(by, key, strict=True))
        for name, site_part in part.groupby(site, sort=True, observed=True):
            rows.append(_old_change_row(site_part, head, W.SITE_LEVEL, name, site=site,
                                        value=value, wave=wave, w0=w0, w1=w1, min_n=min_n,
                                        confidence=confidence))
        rows.append(_old_change_row(part, head, W.POOL_LEVEL, None, site=site, value=value,
                                    wave=wave, w0=w0, w1=w1, min_n=1, confidence=confidence))
    columns = [*by, W.LEVEL, site, W.WAVE_FROM, W.WAVE_TO, W.N_FROM, W.N_TO, W.MEAN_FROM,
               W.MEAN_TO, W.DIFFERENCE, C.CI_LOW, C.CI_HIGH, C.STATISTIC, C.DF, C.PVALUE,
               SUPPRESSED]
    return pd.DataFrame(rows, columns=columns)


def _old_change_row(part: pd.DataFrame, head: dict[str, Any], level: str, name: Any, *,
                    site: str, value: str, wave: str, w0: Any, w1: Any, min_n: int,
                    confidence: float) -> dict[str, Any]:
    before = part.loc[part[wave] == w0, value].to_numpy(dtype=float)
    after = part.loc[part[wave] == w1, value].to_numpy(dtype=float)
    row: dict[str, Any] = {**head, W.LEVEL: level, site: name, W.WAVE_FROM: w0,
                           W.WAVE_TO: w1, W.N_FROM: len(before), W.N_TO: len(after),
                           SUPPRESSED: bool(min(len(before), len(after)) < min_n)}
    if row[SUPPRESSED]:
        return row
    diff, low, high, t, df, p = welch_difference(after, before, confidence=confidence)
    row.update({W.MEAN_FROM: float(before.mean()), W.MEAN_TO: float(after.mean()),
                W.DIFFERENCE: diff, C.CI_LOW: low, C.CI_HIGH: high, C.STATISTIC: t,
                C.DF: df, C.PVALUE: p})
    return row


# -- test data ------------------------------------------------------------------------------


def random_scores(seed: int, *, n_sites: int = 30) -> pd.DataFrame:
    """Three waves; sites of 0 to 20 respondents per wave, constant sites, a scale with
    one site, missing scores and respondents without a site; shuffled rows."""
    rng = np.random.default_rng(seed)
    frames = []
    for wave in ("w1", "w2", "w3"):
        sizes = rng.integers(0, 21, size=n_sites)
        site = np.repeat([f"S{i:02d}" for i in range(n_sites)], sizes)
        frames.append(pd.DataFrame({"site": site, "wave": wave, "scale": "trust",
                                    "score": rng.integers(3, 16, size=len(site)) / 3}))
        frames.append(pd.DataFrame({"site": np.repeat(["S00", "S01", "S02"], 6), "wave": wave,
                                    "scale": "benefit",
                                    "score": np.repeat(rng.integers(1, 6, size=3), 6)
                                    .astype(float)}))
        frames.append(pd.DataFrame({"site": "S05", "wave": wave, "scale": "lonely",
                                    "score": rng.integers(1, 6, size=7).astype(float)}))
    scores = pd.concat(frames, ignore_index=True)
    scores.loc[rng.random(len(scores)) < 0.05, "score"] = np.nan
    scores.loc[rng.random(len(scores)) < 0.02, "site"] = None
    return scores.iloc[rng.permutation(len(scores))].reset_index(drop=True)


# -- agreement ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("min_n", [1, 2, 5])
def test_vectorised_wave_change_equals_the_site_by_site_version(seed: int,
                                                                min_n: int) -> None:
    scores = random_scores(seed)
    for waves in [("w1", "w2"), ("w3", "w1")]:
        pd.testing.assert_frame_equal(
            W.wave_change(scores, waves=waves, min_n=min_n),
            _old_wave_change(scores, waves=waves, min_n=min_n), check_exact=True)


def test_the_versions_agree_on_categorical_and_numbered_columns() -> None:
    scores = random_scores(3)
    categorical = scores.astype({"site": "category", "scale": "category", "wave": "category"})
    pd.testing.assert_frame_equal(W.wave_change(categorical, waves=("w1", "w2")),
                                  _old_wave_change(categorical, waves=("w1", "w2")),
                                  check_exact=True)
    numbered = scores.assign(site=scores["site"].str[1:].astype(float),
                             wave=scores["wave"].str[1:].astype(int))
    numbered = numbered[numbered["wave"] < 3]
    pd.testing.assert_frame_equal(W.wave_change(numbered, by=[], confidence=0.9),
                                  _old_wave_change(numbered, by=[], confidence=0.9),
                                  check_exact=True)


def test_a_scale_with_rows_in_one_wave_only_is_suppressed_as_before() -> None:
    scores = random_scores(4)
    scores = scores[~((scores["scale"] == "lonely") & (scores["wave"] == "w2"))]
    pd.testing.assert_frame_equal(W.wave_change(scores, waves=("w1", "w2")),
                                  _old_wave_change(scores, waves=("w1", "w2")),
                                  check_exact=True)
    empty = scores.assign(score=np.nan)  # waves present, no valid score
    pd.testing.assert_frame_equal(W.wave_change(empty, waves=("w1", "w2")),
                                  _old_wave_change(empty, waves=("w1", "w2")))


def test_the_versions_agree_bit_for_bit_on_two_thousand_sites() -> None:
    # Welch's df squares variances; an array's ** 2 differs from one number's ** 2 in the
    # last bit for about one value in a thousand, so many sites are needed to see it
    scores = random_scores(5, n_sites=2000)
    trust = scores[scores["scale"] == "trust"]
    pd.testing.assert_frame_equal(W.wave_change(trust, waves=("w1", "w2"), min_n=2),
                                  _old_wave_change(trust, waves=("w1", "w2"), min_n=2),
                                  check_exact=True)


def test_ten_thousand_sites_take_well_under_a_second_per_scale() -> None:
    rng = np.random.default_rng(0)
    site = np.tile(np.repeat(np.arange(10_800), 30), 2)
    wave = np.repeat([1, 2], 10_800 * 30)
    scores = pd.DataFrame({"site": site, "wave": wave, "scale": "trust",
                           "score": rng.integers(3, 16, size=len(site)) / 3})
    start = time.process_time()
    table = W.wave_change(scores)
    assert time.process_time() - start < 3
    assert len(table) == 10_801
