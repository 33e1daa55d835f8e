"""Wave effects in a mixed model: ``score ~ C(wave) + (1 | site) + (1 | site:respondent)``
per scale.

:func:`wave_model` estimates the change between waves with all respondents at once, a
random intercept per site and, where panel respondents are linked across waves, a random
intercept per respondent within the site; the per-site and paired comparisons of two waves
are in :mod:`evaluation.analysis.waves`, which also exports this function.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.analysis.aggregation import (
    CONVERGED,
    RESIDUAL_VARIANCE,
    SITE_VARIANCE,
    InsufficientDataError,
    ModelFitError,
    StatisticsInputError,
    numeric_values,
    require_columns,
)
from evaluation.stats import (
    MixedFit,
    check_confidence,
    fit_nested_intercepts,
    fit_random_intercept,
    wald_table,
)

log = logging.getLogger("evaluation")

# column names of the table of this module (in addition to evaluation.columns)
BOUNDARY = "boundary"
PERSON_VARIANCE = "person_variance"
N_PERSONS = "n_persons"


def wave_model(
    scores: pd.DataFrame,
    *,
    value: str = C.SCORE,
    wave: str = C.WAVE,
    site: str = C.SITE,
    by: Sequence[str] = (C.SCALE,),
    reference: Any = None,
    confidence: float = 0.95,
    reml: bool = True,
    person: str | None = C.RESPONDENT,
) -> pd.DataFrame:
    """Wave effects from ``score ~ C(wave) + (1 | site) + (1 | site:respondent)``, fitted by
    REML per ``by`` group.

    Parameters
    ----------
    scores : pandas.DataFrame
        Tidy scores of all waves.
    value, wave, site : str
        Column names.
    by : sequence of str
        Models fitted separately (default one per scale).
    reference : optional
        The reference wave (default the first in sorted order).
    confidence : float
        Level of the Wald intervals.
    reml : bool
        REML (default) or maximum likelihood.
    person : str or None
        Column of the respondent's pseudonym that links the waves (default ``respondent``).
        Where the column is there and at least one respondent of a ``by`` group has scores
        in two waves, the group's model gets a respondent intercept nested in the site;
        otherwise (no such column, ``None``, nobody linked) it is
        ``score ~ C(wave) + (1 | site)``. A row without a pseudonym counts as a respondent
        of its own.

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` group and non-reference wave: ``term`` (the wave),
        ``estimate`` (difference to the reference wave, adjusted for sites), ``se,
        statistic`` (z), ``pvalue, ci_low, ci_high``, ``n, n_groups, site_variance,
        residual_variance, converged, boundary, method, person_variance, n_persons``.
        ``n_persons`` is the number of distinct respondents (NaN without a ``person``
        column), ``person_variance`` the variance of the respondent intercept (NaN where
        the model has none); ``boundary`` is True when any variance is estimated as zero.
        ``method`` names the fit and the random part: ``"nested_profiled_reml: (1 | site)
        + (1 | site:respondent)"``; ``"profiled_reml: (1 | site); nobody in two waves"``
        or ``"profiled_reml: (1 | site); respondent intercept not fitted: <reason>"`` where
        the group falls back to the site intercept; ``"profiled_reml"`` without a
        ``person`` column. Where the data cannot carry even the site model (an outcome
        without variance, one site) the row holds no estimate and ``method`` reads
        ``"not computable: <reason>"``.

    Raises
    ------
    StatisticsInputError
        When a linked respondent appears in two sites (the error names them): the
        respondent intercept is nested in the site.

    Notes
    -----
    :math:`y_{sit} = \\beta_0 + \\sum_w \\beta_w [t = w] + u_s + v_{si} + e_{sit}` for
    respondent :math:`i` of site :math:`s` in wave :math:`t`, :math:`u_s \\sim N(0, \\tau^2)`,
    :math:`v_{si} \\sim N(0, \\nu^2)`, fitted by
    :func:`evaluation.stats.nested.fit_nested_intercepts` (the exact maximum of the REML
    likelihood profiled to the two variance ratios). The respondent intercept makes the
    scores of a panel respondent correlated across waves, so a wave difference is
    estimated partly within respondents, and its standard error no longer treats the
    waves of one respondent as independent answers. Without linked respondents the model
    is :math:`y_{si} = \\beta_0 + \\sum_w \\beta_w [wave = w] + u_s + e_{si}`, fitted by
    :func:`evaluation.stats.mixed.fit_random_intercept` (the exact profiled REML maximum;
    statsmodels ``MixedLM`` where that has no finite maximum); the same fallback serves a
    group where the nested model cannot be fitted (e.g. no variation within respondents),
    and ``method`` says why. A variance of zero is a boundary fit (lme4's singular fit).
    Intervals are Wald intervals :math:`\\hat\\beta \\pm z_{1-\\alpha/2}\\,se`, as
    ``confint(fit, method = "Wald")`` in lme4; p-values are from the normal distribution.

    Examples
    --------
    In R: ``m <- lme4::lmer(score ~ factor(wave) + (1 | site) + (1 | site:respondent), d,
    REML = TRUE); lme4::fixef(m); confint(m, method = "Wald"); lme4::VarCorr(m)``, or
    ``score ~ factor(wave) + (1 | site)`` where nobody is linked (``person = None``).
    """
    by = list(by)
    require_columns(scores, [*by, value, wave, site], what="scores")
    check_confidence(confidence)
    data = scores.assign(**{value: numeric_values(scores, value, what="scores")})
    data = data[data[value].notna() & data[wave].notna() & data[site].notna()]
    waves = sorted(data[wave].unique().tolist())
    if reference is None and waves:
        reference = waves[0]
    if reference not in waves:
        raise StatisticsInputError(
            f"reference wave {reference!r} not found in column {wave!r}; present: {waves}")
    if person is not None and person not in data.columns:
        log.info("wave model: no column %r, no respondent intercept", person)
        person = None
    rows = []
    groups = data.groupby(by, sort=True, observed=True) if by else [((), data)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        head = dict(zip(by, key, strict=True))
        others = [w for w in sorted(part[wave].unique().tolist()) if w != reference]
        if not others or reference not in set(part[wave]):
            log.info("wave model %s: needs the reference wave and another wave", head)
            continue
        exog = pd.DataFrame({"Intercept": np.ones(len(part))})
        for w in others:
            exog[str(w)] = (part[wave].to_numpy() == w).astype(float)
        endog, sites = part[value].reset_index(drop=True), part[site].reset_index(drop=True)
        persons, n_persons = None, np.nan
        if person is not None:
            # as lme4's site:respondent, a respondent is nested in a site: one who answered
            # for two sites counts as two persons (the site model must not stop for them)
            persons = _person_ids(part[person].reset_index(drop=True), person)
            persons = sites.astype(str) + "\x1f" + persons.astype(str)
            n_persons = int(persons.nunique())
        fit, note = _fit(endog, exog, sites, persons, part[wave].to_numpy(), reml=reml,
                         site=site, person=person, head=head)
        if isinstance(fit, Exception):
            rows.extend({**head, C.TERM: w, C.ESTIMATE: np.nan, C.SE: np.nan,
                         C.STATISTIC: np.nan, C.PVALUE: np.nan, C.CI_LOW: np.nan,
                         C.CI_HIGH: np.nan, C.N: len(part), C.N_GROUPS: part[site].nunique(),
                         SITE_VARIANCE: np.nan, RESIDUAL_VARIANCE: np.nan, CONVERGED: False,
                         BOUNDARY: False, C.METHOD: f"not computable: {fit}",
                         PERSON_VARIANCE: np.nan, N_PERSONS: n_persons} for w in others)
            continue
        table = wald_table(fit, confidence=confidence, terms=[str(w) for w in others])
        for record, w in zip(table.to_dict("records"), others, strict=True):
            rows.append({**head, C.TERM: w, **{k: v for k, v in record.items() if k != "term"},
                         C.N: fit.n, C.N_GROUPS: fit.n_groups,
                         SITE_VARIANCE: fit.site_variance,
                         RESIDUAL_VARIANCE: fit.residual_variance, CONVERGED: fit.converged,
                         BOUNDARY: fit.boundary, C.METHOD: fit.method + note,
                         PERSON_VARIANCE: getattr(fit, "person_variance", np.nan),
                         N_PERSONS: n_persons})
    columns = [*by, C.TERM, C.ESTIMATE, C.SE, C.STATISTIC, C.PVALUE, C.CI_LOW, C.CI_HIGH, C.N,
               C.N_GROUPS, SITE_VARIANCE, RESIDUAL_VARIANCE, CONVERGED, BOUNDARY, C.METHOD,
               PERSON_VARIANCE, N_PERSONS]
    return pd.DataFrame(rows, columns=columns)


def _person_ids(ids: pd.Series, person: str) -> pd.Series:
    """Pseudonyms as labels; a row without one is a respondent of its own."""
    missing = ids.isna()
    if not missing.any():
        return ids
    ids = ids.astype(object).copy()
    ids[missing] = [f"(row {i} without {person})" for i in np.flatnonzero(missing)]
    return ids


def _linked(persons: pd.Series, waves: np.ndarray) -> bool:
    """Whether a person has rows in two waves."""
    person_codes = pd.factorize(persons)[0]
    wave_codes, wave_labels = pd.factorize(waves)
    pairs = np.unique(person_codes.astype(np.int64) * len(wave_labels) + wave_codes)
    return bool((np.bincount(pairs // len(wave_labels)) > 1).any())


def _fit(endog: pd.Series, exog: pd.DataFrame, sites: pd.Series, persons: pd.Series | None,
         waves: np.ndarray, *, reml: bool, site: str, person: str | None,
         head: dict[str, Any]) -> tuple[MixedFit | StatisticsInputError, str]:
    """The nested fit where respondents are linked, else the site model, with a note for
    ``method``; the exception where not even the site model can be fitted."""
    note = ""
    if persons is not None:
        if _linked(persons, waves):
            try:
                fit = fit_nested_intercepts(endog, exog, sites, persons, reml=reml)
            except (InsufficientDataError, ModelFitError) as exc:
                log.info("wave model %s: no respondent intercept: %s", head, exc)
                note = f": (1 | {site}); respondent intercept not fitted: {exc}"
            else:
                return fit, f": (1 | {site}) + (1 | {site}:{person})"
        else:
            note = f": (1 | {site}); nobody in two waves"
    try:
        return fit_random_intercept(endog, exog, sites, reml=reml), note
    except (InsufficientDataError, ModelFitError) as exc:
        log.info("wave model %s not computable: %s", head, exc)
        return exc, note


__all__ = ["BOUNDARY", "N_PERSONS", "PERSON_VARIANCE", "wave_model"]
