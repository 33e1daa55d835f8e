"""Rater agreement and funnel from one pass over the ratings equal the per-site implementation.

The ``_old_*`` functions below are :mod:`evaluation.participation.ideas` before it was vectorised (a data
frame, a ``dropna`` and three group-bys per site and criterion for the one-way ICC, one
boolean filter per site for the funnel). The new code takes every idea's mean from one
pandas group mean (the same compensated sum per idea) and the remaining sums from NumPy in
the same order, so the tables must be equal bit for bit (``check_exact``): on the example
project, and on random ratings with complete rater blocks, unanswered criteria, unrated ideas
and non-integer ratings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation import columns as C
from evaluation.network import SHARE
from evaluation.participation import ideas as I
from evaluation.participation.ideas import _ratings_with_site

from .frames import assert_same_frame

EXAMPLE = Path(__file__).resolve().parents[1] / "surveys" / "example"

# -- the implementation before vectorisation ------------------------------------------------


def _old_icc_oneway(values: Sequence[float] | np.ndarray,
                    items: Sequence[object] | np.ndarray) -> I.OneWayICC:
    frame = pd.DataFrame({"y": np.asarray(values, dtype=float),
                          "g": np.asarray(items, dtype=object)}).dropna()
    n = len(frame)
    sizes = frame.groupby("g", sort=True)["y"].size()
    j = sizes.size
    if j < 2 or n - j < 1:
        raise I.IdeaInputError(f"the one-way ICC needs at least 2 items and more ratings "
                               f"than items, got {j} item(s) and {n} rating(s)")
    means = frame.groupby("g", sort=True)["y"].transform("mean")
    grand = frame["y"].mean()
    msb = float((sizes * (frame.groupby("g", sort=True)["y"].mean() - grand) ** 2).sum()
                / (j - 1))
    msw = float(((frame["y"] - means) ** 2).sum() / (n - j))
    n0 = float((n - (sizes**2).sum() / n) / (j - 1))
    denominator = msb + (n0 - 1) * msw
    return I.OneWayICC(icc1=(msb - msw) / denominator if denominator else float("nan"),
                       icc1_k=(msb - msw) / msb if msb else float("nan"), n_items=j,
                       n_ratings=n, n0=n0)


def _old_rater_agreement(ideas: pd.DataFrame, ratings: pd.DataFrame, *,
                         criteria: Sequence[str] = I.CRITERIA) -> pd.DataFrame:
    frame = _ratings_with_site(ideas, ratings)
    columns = [C.SITE, I.CRITERION, "n_ideas", I.N_RATERS, "n_ratings", "n_complete_raters",
               "icc1", "icc1_k", C.STATISTIC, "chi2", C.DF, C.PVALUE, "icc2_k"]
    rows = []
    for site, sub in frame.groupby(C.SITE, sort=True):
        n_ideas = sub[I.IDEA].nunique()
        per_rater = sub.groupby(I.RATER)[I.IDEA].nunique()
        complete = sorted(per_rater[per_rater == n_ideas].index)
        block = sub[sub[I.RATER].isin(complete)]
        for criterion in criteria:
            valid = sub.dropna(subset=[criterion])
            row: dict[str, object] = {
                C.SITE: site, I.CRITERION: criterion, "n_ideas": int(n_ideas),
                I.N_RATERS: int(per_rater.size), "n_ratings": len(valid),
                "n_complete_raters": len(complete), "icc1": np.nan, "icc1_k": np.nan,
                C.STATISTIC: np.nan, "chi2": np.nan, C.DF: np.nan, C.PVALUE: np.nan,
                "icc2_k": np.nan}
            if valid[I.IDEA].nunique() >= 2 and len(valid) > valid[I.IDEA].nunique():
                oneway = _old_icc_oneway(valid[criterion], valid[I.IDEA])
                row.update({"icc1": oneway.icc1, "icc1_k": oneway.icc1_k})
            if len(complete) >= 2 and n_ideas >= 2:
                wide = block.pivot(index=I.RATER, columns=I.IDEA, values=criterion)
                wide = wide.sort_index().sort_index(axis=1)
                if not wide.isna().to_numpy().any():
                    w = I.kendall_w(wide.to_numpy())
                    row.update({C.STATISTIC: w.statistic, "chi2": w.chi2, C.DF: w.df,
                                C.PVALUE: w.pvalue, "icc2_k": I.icc(wide.to_numpy().T).icc2_k})
            rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def _old_implementation_funnel(ideas: pd.DataFrame, *,
                               matrix: pd.DataFrame | None = None) -> pd.DataFrame:
    groups = [("all", ideas)]
    if matrix is not None:
        wins = set(matrix.loc[matrix[I.QUADRANT] == "quick_win", I.IDEA])
        groups.append(("quick_win", ideas[ideas[I.IDEA].isin(wins)]))
    rows = []
    for site in sorted(ideas[C.SITE].dropna().unique()):
        for group, frame in groups:
            status = frame.loc[frame[C.SITE] == site, C.STATUS]
            level = status.map({s: i for i, s in enumerate(I.STATUSES)})
            total = int(level.notna().sum())
            previous = None
            for i, stage in enumerate(I.STATUSES):
                n = int((level >= i).sum())
                rows.append({C.SITE: site, "group": group, I.STAGE: stage, C.N: n,
                             SHARE: n / total if total else float("nan"),
                             "conversion": (n / previous) if previous else float("nan")})
                previous = n
    return pd.DataFrame(rows, columns=[C.SITE, "group", I.STAGE, C.N, SHARE, "conversion"])


# -- comparison helpers and inputs ----------------------------------------------------------


def random_ideas(seed: int, *, fractional: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ideas of four sites and their ratings; S1 has a complete block of raters."""
    rng = np.random.default_rng(seed)
    idea_rows, rating_rows = [], []
    for site in ("S1", "S2", "S3", "S4"):
        n_ideas = 1 if site == "S4" else int(rng.integers(2, 8))
        keys = [f"{site}-I{k:02d}" for k in range(n_ideas)]
        for key in keys:
            idea_rows.append({"idea": key, C.SITE: site, "title": f"Idea {key}",
                              C.STATUS: [*I.STATUSES, None][rng.integers(0, 4)]})
        raters = [f"{site}-R{k}" for k in range(int(rng.integers(2, 9)))]
        for r, rater in enumerate(raters):
            rated = (keys if site == "S1" and r < 3
                     else [k for k in keys if rng.random() < 0.6])
            for key in rated:
                row = {"idea": key, "rater": rater}
                for criterion in I.CRITERIA:
                    value = rng.uniform(1, 5) if fractional else float(rng.integers(1, 6))
                    missing = rng.random() < 0.1 and not (site == "S1" and r < 3 and seed % 2)
                    row[criterion] = np.nan if missing else value
                rating_rows.append(row)
    ideas = pd.DataFrame(idea_rows)
    ratings = pd.DataFrame(rating_rows).sample(frac=1.0, random_state=seed)
    return ideas, ratings.reset_index(drop=True)


# -- tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("fractional", [False, True], ids=["whole", "fractional"])
def test_rater_agreement_equals_the_per_site_computation_on_random_ratings(seed,
                                                                           fractional) -> None:
    ideas, ratings = random_ideas(seed, fractional=fractional)
    assert_same_frame(I.rater_agreement(ideas, ratings),
                      _old_rater_agreement(ideas, ratings))
    assert_same_frame(I.rater_agreement(ideas, ratings, criteria=["impact"]),
                      _old_rater_agreement(ideas, ratings, criteria=["impact"]))
    matrix = I.idea_matrix(ideas, ratings)
    assert_same_frame(I.implementation_funnel(ideas, matrix=matrix),
                      _old_implementation_funnel(ideas, matrix=matrix))
    assert_same_frame(I.implementation_funnel(ideas), _old_implementation_funnel(ideas))


def test_the_random_ratings_reach_kendalls_w_and_the_one_way_icc() -> None:
    reached = pd.concat([I.rater_agreement(*random_ideas(seed, fractional=False))
                         for seed in range(10)])
    assert reached[C.STATISTIC].notna().any()
    assert reached["icc1"].notna().any()
    assert reached["icc1"].isna().any()  # S4 has a single idea


@pytest.mark.parametrize("seed", range(20))
def test_one_way_icc_equals_the_old_one_bit_for_bit(seed) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 200))
    values = rng.normal(3, 1.5, n) * (10.0 ** rng.integers(-3, 4))
    values[rng.random(n) < 0.1] = np.nan
    items = np.array([f"g{k}" for k in rng.integers(0, max(2, n // 4), n)], dtype=object)
    items[rng.random(n) < 0.05] = None
    new, old = I.icc_oneway(values, items), _old_icc_oneway(values, items)
    for field in ("icc1", "icc1_k", "n0"):
        a, b = getattr(new, field), getattr(old, field)
        assert (np.isnan(a) and np.isnan(b)) or a == b, field
    assert (new.n_items, new.n_ratings) == (old.n_items, old.n_ratings)


@pytest.mark.skipif(not (EXAMPLE / "project.yml").is_file(),
                    reason="synthetic example project not generated")
def test_analyse_ideas_equals_the_per_site_analysis_on_the_example() -> None:
    from evaluation.config.project import load_project
    from evaluation.io.participation import load_participation

    data = load_participation(load_project(EXAMPLE))
    result = I.analyse_ideas(data)
    assert_same_frame(result.matrix, I.idea_matrix(data.ideas, data.idea_ratings))
    assert_same_frame(result.agreement, _old_rater_agreement(data.ideas, data.idea_ratings))
    assert_same_frame(result.funnel, _old_implementation_funnel(data.ideas,
                                                                matrix=result.matrix))
