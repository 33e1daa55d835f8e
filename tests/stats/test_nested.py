"""Site and person intercepts, persons nested in sites, against lme4; the wave model with a
respondent intercept.

Reference values: tests/reference/nested.R (R 4.2.2, lme4 1.1-31, tightened optimiser
tolerances) fits ``lmer(y ~ factor(wave) + (1 | site) + (1 | site:person))`` by REML and ML
to the three simulated cases of tests/reference/nested_data.csv, and
``lmer(score ~ factor(wave) + (1 | site) + (1 | site:respondent))`` to each scale of
tests/reference/stats_scores.csv; it writes tests/reference/nested_expected.json.
Regenerate the CSV with ``python -m tests.stats.test_nested`` from the repository root, then
run the R script.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis.wave_effects import N_PERSONS, PERSON_VARIANCE, wave_model
from evaluation.errors import InsufficientDataError, ModelFitError, StatisticsInputError
from evaluation.stats import (
    SINGULAR_PERSON,
    SINGULAR_SITE,
    fit_nested_intercepts,
    fit_random_intercept,
    wald_table,
)

REFERENCE = Path(__file__).parents[1] / "reference"
DATA_CSV = REFERENCE / "nested_data.csv"
# lme4 with tightened tolerances. Largest relative differences seen over the six fits and
# the five wave models: variances 1.5e-7, fixed effects, standard errors and Wald limits
# 4e-8, log-likelihoods 4e-15; lme4 puts a variance at the boundary at 0 or below 1e-15,
# which the absolute tolerance covers.
LMER = {"rel": 1e-6, "abs": 1e-10}
# statsmodels MixedLM with BFGS at gtol 1e-9; largest relative difference seen: 2.3e-9
MIXEDLM = {"rel": 1e-7, "abs": 1e-10}
CASES = ("interior", "person_boundary", "site_boundary")
OLD_COLUMNS = ["scale", "term", "estimate", "se", "statistic", "pvalue", "ci_low", "ci_high",
               "n", "n_groups", "site_variance", "residual_variance", "converged", "boundary",
               "method"]



@pytest.fixture(scope="module")
def expected() -> dict:
    with open(REFERENCE / "nested_expected.json", encoding="utf-8") as handle:
        return json.load(handle)


def simulate(seed: int, persons_per_site: list[int], site_sd: float, person_sd: float,
             resid_sd: float = 0.8) -> pd.DataFrame:
    """Persons in 1 to 3 of 3 waves (40, 35, 25 %), ``y`` rounded to 6 decimals."""
    rng = np.random.default_rng(seed)
    rows = []
    for g, count in enumerate(persons_per_site):
        u = rng.normal(0, site_sd)
        for i in range(count):
            v = rng.normal(0, person_sd)
            k = rng.choice([1, 2, 3], p=[0.4, 0.35, 0.25])
            for w in np.sort(rng.choice(3, k, replace=False)) + 1:
                y = 3 + 0.3 * (w == 2) - 0.2 * (w == 3) + u + v + rng.normal(0, resid_sd)
                rows.append((f"S{g + 1}", f"S{g + 1}P{i + 1:02d}", int(w), round(float(y), 6)))
    return pd.DataFrame(rows, columns=["site", "person", "wave", "y"])


def reference_data() -> pd.DataFrame:
    """The cases of nested_data.csv; the seeds of the boundary cases are the first that put
    the REML variance at zero."""
    cases = {"interior": simulate(7, [12, 18, 15, 20, 14, 16], 0.5, 0.6),
             "person_boundary": simulate(1, [8, 10, 7, 9, 6, 8], 0.5, 0.0),
             "site_boundary": simulate(2, [8, 10, 7, 9, 6, 8], 0.0, 0.6)}
    return pd.concat([d.assign(case=name) for name, d in cases.items()], ignore_index=True)[
        ["case", "site", "person", "wave", "y"]]


def design(frame: pd.DataFrame) -> pd.DataFrame:
    """``model.matrix(~ factor(wave))`` of R."""
    wave = frame["wave"].to_numpy()
    return pd.DataFrame({"Intercept": 1.0, "factor(wave)2": (wave == 2).astype(float),
                         "factor(wave)3": (wave == 3).astype(float)})


def case_data(case: str) -> pd.DataFrame:
    frame = pd.read_csv(DATA_CSV)
    return frame[frame["case"] == case].reset_index(drop=True)


def test_the_reference_data_are_the_simulated_cases() -> None:
    pd.testing.assert_frame_equal(pd.read_csv(DATA_CSV), reference_data(), rtol=0, atol=1e-12)


@pytest.mark.parametrize("reml", [True, False], ids=["reml", "ml"])
@pytest.mark.parametrize("case", CASES)
def test_fixed_effects_and_variances_agree_with_lme4(expected: dict, case: str,
                                                    reml: bool) -> None:
    data = case_data(case)
    lmer = {c["case"]: c for c in expected["cases"]}[case]
    ref = lmer["reml" if reml else "ml"]
    fit = fit_nested_intercepts(data["y"], design(data), data["site"], data["person"],
                                reml=reml)
    # lmer(y ~ factor(wave) + (1 | site) + (1 | site:person), REML = reml): fixef, vcov,
    # VarCorr, logLik, isSingular, ngrps
    assert fit.method == ("nested_profiled_reml" if reml else "nested_profiled_ml")
    assert fit.converged
    assert (fit.n, fit.n_groups, fit.n_persons) == (
        lmer["n"], ref["ngrps"]["site"], ref["ngrps"]["site:person"])
    assert fit.boundary == ref["singular"]
    assert fit.coefficients.to_numpy() == pytest.approx(ref["coefficients"], **LMER)
    assert fit.fe_cov == pytest.approx(np.array(ref["vcov"]), **LMER)
    assert fit.site_variance == pytest.approx(ref["site_variance"], **LMER)
    assert fit.person_variance == pytest.approx(ref["person_variance"], **LMER)
    assert fit.residual_variance == pytest.approx(ref["residual_variance"], **LMER)
    assert fit.llf == pytest.approx(ref["loglike"], **LMER)
    table = wald_table(fit)
    assert table["se"].to_numpy() == pytest.approx(ref["se"], **LMER)


@pytest.mark.parametrize("reml", [True, False], ids=["reml", "ml"])
def test_a_variance_at_the_boundary_is_exactly_zero_and_says_which(reml: bool) -> None:
    data = case_data("person_boundary")
    fit = fit_nested_intercepts(data["y"], design(data), data["site"], data["person"],
                                reml=reml)
    assert fit.person_variance == 0.0
    assert fit.site_variance > 0
    assert (fit.boundary, fit.person_boundary, fit.site_boundary) == (True, True, False)
    assert fit.messages == (SINGULAR_PERSON,)
    # with no person variance the model is the site model
    site_only = fit_random_intercept(data["y"], design(data), data["site"], reml=reml)
    assert fit.coefficients.to_numpy() == pytest.approx(site_only.coefficients.to_numpy(),
                                                        rel=1e-9)
    assert fit.site_variance == pytest.approx(site_only.site_variance, rel=1e-7)
    assert fit.llf == pytest.approx(site_only.llf, rel=1e-12)
    data = case_data("site_boundary")
    fit = fit_nested_intercepts(data["y"], design(data), data["site"], data["person"],
                                reml=reml)
    assert fit.site_variance == 0.0
    assert (fit.boundary, fit.person_boundary, fit.site_boundary) == (True, False, True)
    assert fit.messages == (SINGULAR_SITE,)


def test_variance_components_agree_with_statsmodels_mixedlm() -> None:
    smf = pytest.importorskip("statsmodels.formula.api")
    data = case_data("interior")
    fit = fit_nested_intercepts(data["y"], design(data), data["site"], data["person"])
    model = smf.mixedlm("y ~ C(wave)", data, groups="site", re_formula="1",
                        vc_formula={"person": "0 + C(person)"})
    result = model.fit(reml=True, method=["bfgs"], gtol=1e-9)
    assert fit.coefficients.to_numpy() == pytest.approx(result.fe_params.to_numpy(), **MIXEDLM)
    assert fit.site_variance == pytest.approx(float(result.cov_re.iloc[0, 0]), **MIXEDLM)
    assert fit.person_variance == pytest.approx(float(result.vcomp[0]), **MIXEDLM)
    assert fit.residual_variance == pytest.approx(result.scale, **MIXEDLM)
    assert fit.llf == pytest.approx(result.llf, rel=1e-12)
    assert fit.llf >= result.llf - 1e-9


def test_the_fit_depends_neither_on_the_order_of_the_rows_nor_on_the_origin() -> None:
    data = case_data("interior")
    shuffled = data.sample(frac=1.0, random_state=3).reset_index(drop=True)
    a = fit_nested_intercepts(data["y"], design(data), data["site"], data["person"])
    b = fit_nested_intercepts(shuffled["y"], design(shuffled), shuffled["site"],
                              shuffled["person"])
    c = fit_nested_intercepts(data["y"] + 1e4, design(data), data["site"], data["person"])
    assert b.coefficients.to_numpy() == pytest.approx(a.coefficients.to_numpy(), rel=1e-8)
    assert c.coefficients.to_numpy() == pytest.approx(
        a.coefficients.to_numpy() + np.array([1e4, 0, 0]), rel=1e-8)
    for other in (b, c):
        assert (other.site_variance, other.person_variance, other.residual_variance
                ) == pytest.approx((a.site_variance, a.person_variance, a.residual_variance),
                                   rel=1e-7)
        assert other.fe_cov == pytest.approx(a.fe_cov, rel=1e-7)


def test_the_fit_refuses_a_person_in_two_sites_naming_the_person_and_the_sites() -> None:
    data = case_data("interior")
    moved = data["person"].where(data["person"] != "S2P03", "S1P01")
    with pytest.raises(StatisticsInputError,
                       match=r"person 'S1P01' in sites 'S1', 'S2'.*one identifier per site"):
        fit_nested_intercepts(data["y"], design(data), data["site"], moved)


def test_data_that_cannot_carry_a_person_intercept_raise_an_error_that_says_why() -> None:
    data = case_data("interior")
    exog = design(data)
    with pytest.raises(InsufficientDataError, match=r"a person with two rows"):
        fit_nested_intercepts(data["y"], exog, data["site"], pd.Series(range(len(data))))
    with pytest.raises(InsufficientDataError, match="no variance"):
        fit_nested_intercepts(pd.Series(3.0, index=data.index), exog, data["site"],
                              data["person"])
    # the same score in every wave of each person: no variation left within persons
    flat = data.groupby("person")["y"].transform("first")
    with pytest.raises(ModelFitError, match="residual variance goes to zero"):
        fit_nested_intercepts(flat, exog, data["site"], data["person"])
    with pytest.raises(StatisticsInputError, match="1 row"):
        fit_nested_intercepts(data["y"], exog, data["site"], data["person"].where(
            data.index != 4))


# -- the wave model -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "stats_scores.csv")


def test_the_wave_model_with_respondent_intercepts_agrees_with_lme4(
        expected: dict, scores: pd.DataFrame) -> None:
    table = wave_model(scores).set_index("scale")
    assert list(table.reset_index().columns) == [*OLD_COLUMNS, PERSON_VARIANCE, N_PERSONS]
    for ref in expected["waves"]:
        row = table.loc[ref["scale"]]
        # lmer(score ~ factor(wave) + (1 | site) + (1 | site:respondent), REML = TRUE):
        # fixef, sqrt(diag(vcov)), confint(method = "Wald"), VarCorr, ngrps
        assert row["term"] == 2
        assert row["method"] == ("nested_profiled_reml: (1 | site) + (1 | site:respondent)")
        assert row["converged"]
        assert row["boundary"] == ref["singular"]
        assert (row["n"], row[N_PERSONS], row["n_groups"]) == (
            ref["n"], ref["n_persons"], ref["n_groups"])
        for column in ("estimate", "se", "ci_low", "ci_high", "site_variance",
                       PERSON_VARIANCE, "residual_variance"):
            assert row[column] == pytest.approx(ref[column], **LMER), column


def test_without_linked_respondents_the_wave_model_is_the_site_model(
        scores: pd.DataFrame) -> None:
    with open(REFERENCE / "waves_expected.json", encoding="utf-8") as handle:
        site_model = {m["scale"]: m for m in json.load(handle)["models"]}
    unlinked = scores.assign(respondent=scores["respondent"] + "-" + scores["wave"].astype(str))
    tables = {"person=None": wave_model(scores, person=None),
              "no column": wave_model(scores.drop(columns="respondent")),
              "nobody linked": wave_model(unlinked)}
    for name, table in tables.items():
        assert list(table.columns) == [*OLD_COLUMNS, PERSON_VARIANCE, N_PERSONS], name
        assert table[PERSON_VARIANCE].isna().all(), name
        for _, row in table.iterrows():
            # lmer(score ~ factor(wave) + (1 | site), REML = TRUE), tests/reference/waves.R
            ref = site_model[row["scale"]]
            for column in ("estimate", "se", "site_variance", "residual_variance"):
                assert row[column] == pytest.approx(ref[column], abs=1e-6), (name, column)
    assert (tables["person=None"]["method"] == "profiled_reml").all()
    assert tables["person=None"][N_PERSONS].isna().all()
    assert tables["no column"][N_PERSONS].isna().all()
    assert (tables["nobody linked"]["method"]
            == "profiled_reml: (1 | site); nobody in two waves").all()
    assert (tables["nobody linked"][N_PERSONS] == tables["nobody linked"]["n"]).all()


def test_a_scale_without_variation_within_respondents_falls_back_and_says_why() -> None:
    data = case_data("interior")
    flat = data.assign(y=data.groupby("person")["y"].transform("first"), scale="flat")
    scores = pd.concat([data.assign(scale="varied"), flat]).rename(
        columns={"y": "score", "person": "respondent"})
    table = wave_model(scores).set_index(["scale", "term"])
    assert table.loc[("varied", 2), "method"].startswith("nested_profiled_reml")
    assert table.loc[("varied", 2), PERSON_VARIANCE] > 0
    method = table.loc[("flat", 2), "method"]
    assert method.startswith("profiled_reml: (1 | site); respondent intercept not fitted: ")
    assert np.isnan(table.loc[("flat", 2), PERSON_VARIANCE])
    assert table.loc[("flat", 2), N_PERSONS] == data["person"].nunique()


def test_a_row_without_a_pseudonym_counts_as_a_respondent_of_its_own() -> None:
    data = case_data("interior").rename(columns={"y": "score", "person": "respondent"})
    data = data.assign(scale="trust")
    anonymous = data.assign(respondent=data["respondent"].where(data.index >= 10))
    labelled = data.assign(respondent=data["respondent"].where(
        data.index >= 10, pd.Series([f"anon{i}" for i in range(len(data))])))
    a, b = wave_model(anonymous), wave_model(labelled)
    assert a[N_PERSONS].iloc[0] == data["respondent"].iloc[10:].nunique() + 10
    pd.testing.assert_frame_equal(a, b)


if __name__ == "__main__":  # writes tests/reference/nested_data.csv
    frame = reference_data()
    DATA_CSV.write_text(frame.to_csv(index=False, lineterminator="\n"))
    print(f"wrote {DATA_CSV} ({len(frame)} rows)")


def test_a_respondent_who_answered_for_two_sites_counts_as_two_persons_as_in_lme4():
    from evaluation.analysis.wave_effects import wave_model

    rng = np.random.default_rng(7)
    rows = []
    for s in range(4):
        for i in range(12):
            for w in (1, 2):
                rows.append({"site": f"S{s}", "respondent": f"P{s}{i}", "wave": w,
                             "scale": "trust", "score": 3 + 0.2 * w + rng.normal(0, 0.6)})
    rows.append({"site": "S1", "respondent": "P00", "wave": 2, "scale": "trust",
                 "score": 3.5})  # P00 answered for S0 in both waves, and for S1 once
    table = wave_model(pd.DataFrame(rows))
    assert table["method"].iloc[0].startswith("nested_profiled_reml")
    assert table["n_persons"].iloc[0] == 4 * 12 + 1
