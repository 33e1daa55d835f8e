"""The vectorised site against pool equals the site-by-site implementation it replaced.

``_old_site_vs_pool`` below is the implementation of ``evaluation.analysis.compare.site_vs_pool``
before it was vectorised (kept verbatim apart from names): one Welch test per site, the
site's and the other sites' respondents selected by scanning the group. The new function
must give the same table: the same rows, columns and dtypes, site means, sds, percentiles
and flags bit for bit, and every other number to 1e-12.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluation import columns as C
from evaluation.analysis import compare as K
from evaluation.stats.welch import (
    complement_moments,
    group_moments,
    mean_ci,
    t_intervals,
    welch_arrays,
    welch_difference,
)

TOLERANCE = {"rtol": 1e-12, "atol": 1e-12}
BITWISE = [C.N, K.SUPPRESSED, C.MEAN, C.SD, C.SE, C.CI_LOW, C.CI_HIGH, K.OTHERS_N_SITES,
           K.BENCHMARK_N, K.PERCENTILE, K.FLAG, K.POOL_MEAN, K.POOL_SD, K.POOL_N,
           "funnel_low_95", "funnel_high_99_8"]


# -- the implementation before vectorisation ------------------------------------------------


def _old_site_vs_pool(scores: pd.DataFrame, *, value: str = C.SCORE, site: str = C.SITE,
                      by: Sequence[str] = (C.WAVE, C.SCALE), min_n: int = 5,
                      confidence: float = 0.95,
                      higher_is_better: bool | Mapping[str, bool] = True,
                      scale: str = C.SCALE,
                      funnel_coverage: Sequence[float] = K.DEFAULT_FUNNEL_COVERAGE
                      ) -> pd.DataFrame:
    by = list(by)
    data = scores.assign(**{value: pd.to_numeric(scores[value]).astype(float)})
    data = data[data[value].notna() & data[site].notna()]
    rows: list[dict[str, object]] = []
    groups = data.groupby(by, sort=True, observed=True) if by else [((), data)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        head = dict(zip(by, key, strict=True))
        better = K._direction(higher_is_better, head.get(scale))
        rows.extend(_old_compare_group(part, head, value=value, site=site, min_n=int(min_n),
                                       confidence=confidence, higher_is_better=better,
                                       funnel_coverage=funnel_coverage))
    columns = [*by, site, C.N, K.SUPPRESSED, C.MEAN, C.SD, C.SE, C.CI_LOW, C.CI_HIGH,
               K.BENCHMARK, K.BENCHMARK_N, K.BENCHMARK_SD, K.OTHERS_SITE_MEAN,
               K.OTHERS_N_SITES, K.DIFFERENCE, K.DIFFERENCE_CI_LOW, K.DIFFERENCE_CI_HIGH,
               C.STATISTIC, C.DF, C.PVALUE, K.PERCENTILE, K.FLAG, K.POOL_MEAN, K.POOL_SD,
               K.POOL_N]
    for level in funnel_coverage:
        columns += [K.funnel_column("low", level), K.funnel_column("high", level)]
    table = pd.DataFrame(rows, columns=columns)
    return table.astype({K.BENCHMARK_N: "Int64", K.OTHERS_N_SITES: "Int64"})


def _old_compare_group(part: pd.DataFrame, head: dict[str, object], *, value: str, site: str,
                       min_n: int, confidence: float, higher_is_better: bool,
                       funnel_coverage: Sequence[float]) -> list[dict[str, object]]:
    y = part[value].to_numpy(dtype=float)
    sites = part[site].to_numpy()
    pool_mean = float(y.mean())
    pool_sd = float(y.std(ddof=1)) if len(y) > 1 else np.nan
    sizes = part.groupby(site, sort=True, observed=True)[value].size()
    shown = sizes[sizes >= min_n].index
    shown_means = {s: float(y[sites == s].mean()) for s in shown}
    rows = []
    for name, n in sizes.items():
        row: dict[str, object] = {**head, site: name, C.N: int(n),
                                  K.SUPPRESSED: bool(n < min_n), K.POOL_MEAN: pool_mean,
                                  K.POOL_SD: pool_sd, K.POOL_N: len(y)}
        if n < min_n:
            row[K.FLAG] = K.NONE
            rows.append(row)
            continue
        comparison = K.compare_to_benchmark(y[sites == name], y[sites != name],
                                            confidence=confidence,
                                            higher_is_better=higher_is_better)
        others = np.array([m for s, m in shown_means.items() if s != name])
        mean = comparison.mean
        row.update({
            C.MEAN: mean, C.SD: comparison.sd, C.SE: comparison.se,
            C.CI_LOW: comparison.ci_low, C.CI_HIGH: comparison.ci_high,
            K.BENCHMARK: comparison.benchmark, K.BENCHMARK_N: comparison.benchmark_n,
            K.BENCHMARK_SD: comparison.benchmark_sd,
            K.OTHERS_SITE_MEAN: float(others.mean()) if len(others) else np.nan,
            K.OTHERS_N_SITES: len(others),
            K.DIFFERENCE: comparison.difference,
            K.DIFFERENCE_CI_LOW: comparison.difference_ci_low,
            K.DIFFERENCE_CI_HIGH: comparison.difference_ci_high,
            C.STATISTIC: comparison.statistic, C.DF: comparison.df,
            C.PVALUE: comparison.pvalue,
            K.PERCENTILE: (100 * (np.sum(others < mean) + 0.5 * np.sum(others == mean))
                           / len(others)) if len(others) else np.nan,
            K.FLAG: comparison.flag,
        })
        for level in funnel_coverage:
            half = stats.norm.ppf(0.5 + level / 2) * pool_sd / np.sqrt(n)
            row[K.funnel_column("low", level)] = pool_mean - half
            row[K.funnel_column("high", level)] = pool_mean + half
        rows.append(row)
    return rows


# -- test data ------------------------------------------------------------------------------


def random_scores(seed: int, *, n_sites: int = 40) -> pd.DataFrame:
    """Scores of two waves and several scales with ties, small sites and odd groups.

    * ``trust``: sizes 1 to 30 (many below 5), scores in thirds (many tied site means,
      sums that are not exact in binary);
    * ``benefit``: integer scores, sizes 3 to 12;
    * ``synergy``: every site constant (zero variances: exact differences);
    * ``lonely``: a single site;
    * ``steady``: every site but one constant at the same value (an almost constant pool
      without that site);
    * ``tiny``: only sites below the minimum.
    Missing scores and respondents without a site are mixed in; row order is shuffled.
    """
    rng = np.random.default_rng(seed)
    frames = []
    for wave in (1, 2):
        sizes = rng.integers(1, 31, size=n_sites)
        site = np.repeat([f"S{i:03d}" for i in range(n_sites)], sizes)
        frames.append(pd.DataFrame({"site": site, "wave": wave, "scale": "trust",
                                    "score": rng.integers(3, 16, size=len(site)) / 3}))
        sizes = rng.integers(3, 13, size=n_sites)
        site = np.repeat([f"S{i:03d}" for i in range(n_sites)], sizes)
        frames.append(pd.DataFrame({"site": site, "wave": wave, "scale": "benefit",
                                    "score": rng.integers(1, 6, size=len(site))
                                    .astype(float)}))
        level = rng.integers(1, 6, size=12).astype(float)
        frames.append(pd.DataFrame({"site": np.repeat([f"S{i:03d}" for i in range(12)], 6),
                                    "wave": wave, "scale": "synergy",
                                    "score": np.repeat(level, 6)}))
        frames.append(pd.DataFrame({"site": "S000", "wave": wave, "scale": "lonely",
                                    "score": rng.integers(1, 6, size=9).astype(float)}))
        steady = np.full(8 * 7, 4.0)
        steady[:7] = rng.integers(1, 6, size=7)
        frames.append(pd.DataFrame({"site": np.repeat([f"S{i:03d}" for i in range(8)], 7),
                                    "wave": wave, "scale": "steady", "score": steady}))
        frames.append(pd.DataFrame({"site": np.repeat(["S001", "S002"], 3), "wave": wave,
                                    "scale": "tiny", "score": [1.0, 2.0, 3.0, 2.0, 2.0, 5.0]}))
    scores = pd.concat(frames, ignore_index=True)
    scores.loc[rng.random(len(scores)) < 0.03, "score"] = np.nan
    scores.loc[rng.random(len(scores)) < 0.01, "site"] = None
    return scores.iloc[rng.permutation(len(scores))].reset_index(drop=True)


def assert_same_table(new: pd.DataFrame, old: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(new, old, check_exact=False, **TOLERANCE)
    for column in BITWISE:
        assert new[column].equals(old[column]), column


# -- agreement ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("min_n", [1, 2, 5])
def test_vectorised_site_vs_pool_equals_the_site_by_site_version(seed: int,
                                                                 min_n: int) -> None:
    scores = random_scores(seed)
    direction = {"benefit": False}
    assert_same_table(K.site_vs_pool(scores, min_n=min_n, higher_is_better=direction),
                      _old_site_vs_pool(scores, min_n=min_n, higher_is_better=direction))


def test_the_versions_agree_on_categorical_columns_and_other_groupings() -> None:
    scores = random_scores(3)
    categorical = scores.astype({"site": "category", "scale": "category"})
    assert_same_table(K.site_vs_pool(categorical), _old_site_vs_pool(categorical))
    numbered = scores.assign(site=scores["site"].str[1:].astype(float))
    assert_same_table(K.site_vs_pool(numbered, by=["scale"], confidence=0.9),
                      _old_site_vs_pool(numbered, by=["scale"], confidence=0.9))
    one = scores[scores["scale"] == "trust"]
    assert_same_table(K.site_vs_pool(one, by=[]), _old_site_vs_pool(one, by=[]))


def test_tied_site_means_in_thirds_give_the_same_percentiles() -> None:
    # site means such as 11/3 summed in another order can differ in the last bit; the new
    # means are those of x.mean() for each site, so ties are ties exactly as before
    scores = random_scores(4, n_sites=600)
    trust = scores[scores["scale"] == "trust"]
    new, old = K.site_vs_pool(trust), _old_site_vs_pool(trust)
    shown = new[~new["suppressed"]]
    assert shown.duplicated(["wave", "mean"]).sum() > 100  # many tied means
    assert_same_table(new, old)


def test_no_rows_and_only_suppressed_rows_give_the_same_empty_or_nan_columns() -> None:
    empty = pd.DataFrame({"site": [], "wave": [], "scale": [], "score": []})
    assert_same_table(K.site_vs_pool(empty), _old_site_vs_pool(empty))
    small = random_scores(5)
    small = small[small["scale"] == "tiny"]
    assert_same_table(K.site_vs_pool(small), _old_site_vs_pool(small))


def test_ten_thousand_sites_take_well_under_a_second_per_scale() -> None:
    # the site-by-site version took 7.5 s for 2,000 sites and grew with the square
    rng = np.random.default_rng(0)
    site = np.repeat(np.arange(10_800), 30)
    scores = pd.DataFrame({"site": site, "wave": 1, "scale": "trust",
                           "score": rng.integers(3, 16, size=len(site)) / 3})
    start = time.process_time()
    table = K.site_vs_pool(scores)
    assert time.process_time() - start < 3
    assert len(table) == 10_800


# -- the building blocks --------------------------------------------------------------------


def test_group_moments_equal_numpy_on_each_group_bit_for_bit() -> None:
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 60, size=4000)
    values = rng.integers(3, 16, size=4000) / 3 + rng.standard_normal(4000)
    moments = group_moments(values, codes, 62)
    for g in range(62):
        x = values[codes == g]
        assert moments.n[g] == len(x)
        assert moments.mean[g] == x.mean() if len(x) else np.isnan(moments.mean[g])
        assert moments.var[g] == x.var(ddof=1) if len(x) > 1 else np.isnan(moments.var[g])


def test_complement_moments_equal_the_pool_without_each_group() -> None:
    rng = np.random.default_rng(2)
    codes = rng.integers(0, 30, size=900)
    values = rng.integers(1, 6, size=900) / 3 + 1e6  # far from zero: centring matters
    moments = complement_moments(values, codes, 30)
    for g in range(30):
        rest = values[codes != g]
        assert moments.n[g] == len(rest)
        assert moments.mean[g] == pytest.approx(rest.mean(), rel=1e-15)
        assert moments.var[g] == pytest.approx(rest.var(ddof=1), rel=1e-12)


def test_an_almost_constant_pool_without_the_group_is_recomputed_exactly() -> None:
    # every group but 3 constant: the pool without group 3 has variance 0, which the
    # subtraction would only approximate; it is recomputed directly
    rng = np.random.default_rng(2)
    codes = rng.integers(0, 30, size=900)
    values = np.full(900, 2.0 + 1e6)
    values[codes == 3] = rng.integers(1, 6, size=int((codes == 3).sum())) + 1e6
    moments = complement_moments(values, codes, 30)
    assert moments.var[3] == 0.0
    assert moments.mean[3] == 2.0 + 1e6
    for g in range(30):
        assert moments.var[g] == pytest.approx(values[codes != g].var(ddof=1), rel=1e-12)


def test_interval_and_welch_arrays_equal_the_functions_for_one_sample() -> None:
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 20, size=300)
    values = rng.integers(1, 6, size=300).astype(float)
    values[codes == 4] = 3.0  # zero variance
    values[codes == 5] = 3.0
    values[np.flatnonzero(codes == 6)[1:]] = np.nan  # one value: no interval
    keep = np.isfinite(values)
    a = group_moments(values[keep], codes[keep], 20)
    b = complement_moments(values[keep], codes[keep], 20)
    sd, se, low, high = t_intervals(a, confidence=0.9)
    welch = welch_arrays(a, b, confidence=0.9)
    for g in range(20):
        x, rest = values[keep][codes[keep] == g], values[keep][codes[keep] != g]
        single = mean_ci(x, confidence=0.9)
        np.testing.assert_array_equal([a.mean[g], sd[g], se[g], low[g], high[g]], single)
        np.testing.assert_allclose([w[g] for w in welch],
                                   welch_difference(x, rest, confidence=0.9), **TOLERANCE)
    pair = group_moments(np.array([4.0, 4, 4, 2, 2, 2, 2]), np.array([0, 0, 0, 1, 1, 1, 1]), 2)
    exact = welch_arrays(*(type(pair)(n=pair.n[[g]], mean=pair.mean[[g]],
                                      var=pair.var[[g]]) for g in (0, 1)))
    assert [float(w[0]) for w in exact[:3]] == [2.0, 2.0, 2.0]
    assert float(exact[5][0]) == 0.0
