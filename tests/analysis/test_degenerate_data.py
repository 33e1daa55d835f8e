"""Data without variance give "not computable" with a reason, never a test result.

References (R 4.x, base ``stats``), kept here because they are one line each:

- ``t.test(c(3, 3, 3))`` stops with "data are essentially constant" (no interval); the same
  for ``t.test(c(3, 3), c(3, 3))``. R's rule is ``stderr < 10 * .Machine$double.eps *
  abs(mean)``, which :data:`evaluation.stats.CONSTANT_TOLERANCE` copies.
- ``wilcox.test(c(3, 3, 3, 3), c(3, 3, 3, 3), paired = TRUE, exact = FALSE, correct = FALSE)``
  gives ``V = 0`` and ``p-value = NaN``.
- ``lme4::lmer`` on a constant outcome has nothing to estimate; we refuse before fitting.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation import columns as C
from evaluation.analysis import aggregation_table, compute_results, paired_change, wave_model
from evaluation.config import load_project
from evaluation.errors import InsufficientDataError
from evaluation.io import validate_project
from evaluation.report import digest
from evaluation.results import check_tables
from evaluation.stats import (
    fit_random_intercept,
    group_moments,
    mean_ci,
    t_intervals,
    variance_components_of,
    welch_arrays,
    welch_difference,
)
from tests.conftest import copy_example


def _constant_scores(value: float = 3.0) -> pd.DataFrame:
    rows = []
    for site in ("K01", "K02", "K03"):
        for wave in ("w1", "w2"):
            for i in range(6):
                rows.append({C.RESPONDENT: f"{site}-{i}", C.SITE: site, C.WAVE: wave,
                             C.SCALE: "trust", C.SCORE: value})
    return pd.DataFrame(rows)


def test_the_interval_of_a_constant_sample_is_not_computable_as_r_refuses_it():
    mean, sd, se, low, high = mean_ci([3.0, 3.0, 3.0, 3.0])
    assert (mean, sd, se) == (3.0, 0.0, 0.0)
    assert np.isnan(low)
    assert np.isnan(high)


def test_an_essentially_constant_sample_by_rs_rule_has_no_interval_either():
    nearly = np.array([3.0, 3.0, 3.0, np.nextafter(3.0, 4.0)])
    assert np.isnan(mean_ci(nearly)[3])
    assert np.isfinite(mean_ci([3.0, 3.0, 3.0, 3.001])[3])


def test_the_difference_of_two_constant_samples_is_given_without_a_test():
    diff, low, high, t, df, p = welch_difference([3.0, 3.0, 3.0], [2.0, 2.0, 2.0])
    assert diff == 1.0
    assert all(np.isnan(v) for v in (low, high, t, df, p))


def test_group_wise_intervals_and_tests_agree_with_the_single_ones_on_constant_groups():
    values = np.array([3.0, 3.0, 3.0, 1.0, 2.0, 4.0])
    codes = np.array([0, 0, 0, 1, 1, 1])
    moments = group_moments(values, codes, 2)
    _sd, _se, low, _high = t_intervals(moments)
    assert np.isnan(low[0])
    assert np.isfinite(low[1])
    assert low[1] == pytest.approx(mean_ci([1.0, 2.0, 4.0])[3], abs=1e-12)
    constant = group_moments(np.array([3.0] * 6), codes, 2)
    diff, low, _high, _t, _df, p = welch_arrays(constant, constant)
    assert list(diff) == [0.0, 0.0]
    assert np.isnan(p).all()
    assert np.isnan(low).all()


def test_linked_respondents_without_any_change_get_no_p_value():
    table = paired_change(_constant_scores(), waves=("w1", "w2"), min_n=5)
    row = table.iloc[0]
    assert (row["n_linked"], row["n_nonzero"], row[C.STATISTIC]) == (18, 0, 0.0)
    assert np.isnan(row[C.PVALUE])
    assert np.isnan(row[C.EFFECT_SIZE])


def test_a_mixed_model_of_a_constant_outcome_is_refused_with_the_reason():
    scores = _constant_scores()
    exog = pd.DataFrame({"Intercept": np.ones(len(scores)),
                         "w2": (scores[C.WAVE] == "w2").astype(float)})
    with pytest.raises(InsufficientDataError, match="no variance"):
        fit_random_intercept(scores[C.SCORE], exog, scores[C.SITE])
    with pytest.raises(InsufficientDataError, match="no variance"):
        variance_components_of(scores[C.SCORE].to_numpy(), pd.factorize(scores[C.SITE])[0], 3)


def test_the_wave_model_of_a_constant_scale_says_not_computable_and_gives_no_p_value():
    table = wave_model(_constant_scores())
    assert len(table) == 1
    row = table.iloc[0]
    assert row[C.TERM] == "w2"
    assert np.isnan(row[C.PVALUE])
    assert np.isnan(row[C.ESTIMATE])
    assert row[C.METHOD].startswith("not computable: the outcome is 3 in every one of the 36")


def test_the_aggregation_verdict_of_a_constant_scale_is_not_estimable():
    table = aggregation_table(_constant_scores().query("wave == 'w1'"))
    row = table.iloc[0]
    assert row[C.VERDICT] == "not_estimable"
    assert np.isnan(row["icc1"])
    assert np.isnan(row["icc_reml"])


def test_a_project_with_a_scale_everybody_answered_alike_computes_and_says_why(tmp_path):
    project_folder = copy_example(tmp_path)
    items = ("transparency_1", "transparency_2", "transparency_3")
    for path in sorted((project_folder / "data").glob("survey_w*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for item in items:
            frame[item] = frame[item].where(~frame[item].isin(list("12345")), "3")
        frame.to_csv(path, index=False)
    project = load_project(project_folder)
    validation = validate_project(project)
    results = compute_results(project, validation.survey, validation.participation, n_boot=0)
    check_tables(results.tables)
    model = results.tables["wave_model"].query("scale == 'transparency'")
    assert model[C.PVALUE].isna().all()
    assert model[C.METHOD].str.startswith("not computable").all()
    assert "transparency" not in set(results.tables["drivers"]["factor"])
    reasons = [s["reason"] for s in results.meta["skipped"] if s["analysis"] == "drivers"]
    assert len(reasons) == 3
    assert all("'transparency' has the same score (3)" in r for r in reasons)
    findings = digest.findings(results, "de")
    assert not findings["text"].str.contains("Transparenz und Kommunikation [+-]",
                                             regex=True).any()
