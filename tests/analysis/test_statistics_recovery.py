"""The statistics recover what the example project plants (surveys/example/README.md)."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation import columns as C
from evaluation.analysis.drivers import driver_model, wide_scores
from evaluation.analysis.eye_level import eye_level
from evaluation.analysis.items import item_analysis
from evaluation.analysis.scales import score_scales
from evaluation.analysis.waves import wave_change
from evaluation.config import load_project
from evaluation.io import load_survey
from evaluation.report.readings import eye_level_reading
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def example():
    project = load_project(EXAMPLE)
    survey = load_survey(project)
    return project, survey, score_scales(survey, project.codebook)


@pytest.mark.parametrize("wave", ["w1", "w2", "w3"])
def test_network_management_and_shared_goals_come_out_as_the_strongest_drivers(example, wave):
    project, _, scores = example
    wide = wide_scores(scores[scores[C.WAVE] == wave])
    model = driver_model(wide, outcome="synergy", factors=list(project.codebook.factors))
    table = model.coefficients.sort_values("rank")
    assert set(table["factor"].iloc[:2]) == {"network_management", "shared_goals"}
    top = table.iloc[:2]
    assert (top[C.CI_LOW] > 0).all()
    # the third driver is clearly weaker than either planted one
    assert table[C.ESTIMATE].iloc[2] < 0.5 * top[C.ESTIMATE].min()


def test_the_improving_site_shows_a_significant_change_from_first_to_last_wave(example):
    _, _, scores = example
    change = wave_change(scores[scores[C.WAVE].isin(["w1", "w3"])], waves=("w1", "w3"))
    sites = change[change["level"] == "site"]
    k07 = sites[sites[C.SITE] == "K07"]
    # most factors improve significantly at K07, and at no other site as broadly
    share_k07 = (k07[C.PVALUE] < 0.05).mean()
    assert share_k07 >= 0.6
    per_site = sites.groupby(C.SITE)[C.PVALUE].apply(lambda p: (p < 0.05).mean())
    assert per_site.idxmax() == "K07"
    assert (k07.loc[k07[C.PVALUE] < 0.05, "difference"] > 0).all()


def test_the_badly_behaving_reverse_item_is_flagged_and_the_others_are_not(example):
    project, survey, _ = example
    items = item_analysis(survey, project.codebook)
    flagged = set(items.loc[items["reverse_problem"].astype(bool), C.ITEM])
    assert flagged == {"benefit_3"}
    rest = items.set_index(C.ITEM)["item_rest_r"]
    assert rest["benefit_3"] < 0.30
    assert min(rest[["trust_4", "commitment_3", "autonomy_2"]]) > 0.40


def test_volunteers_lower_trust_is_detected_at_eye_level_check(example):
    _, survey, scores = example
    for wave in ("w1", "w2", "w3"):
        table = eye_level(scores[scores[C.WAVE] == wave],
                          survey.respondents[survey.respondents[C.WAVE] == wave])
        row = table[(table[C.SCALE] == "trust") & (table["attribute"] == "employment")].iloc[0]
        assert row["different"]
        assert row["lowest_group"] == "volunteer"
        assert "Ehrenamtlichen niedriger" in eye_level_reading(row, "de")


def test_the_small_site_is_below_the_disclosure_threshold_in_one_wave_only(example):
    _, survey, _ = example
    counts = survey.respondents.groupby([C.SITE, C.WAVE]).size()
    small = counts[counts < 5]
    assert list(small.index) == [("K18", "w2")]
    assert isinstance(small, pd.Series)
