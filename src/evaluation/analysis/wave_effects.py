"""Wave effects in a mixed model: ``score ~ C(wave) + (1 | site)`` per scale.

:func:`wave_model` estimates the change between waves with all respondents at once and a
random intercept per site; the per-site and paired comparisons of two waves are in
:mod:`evaluation.analysis.waves`, which also exports this function.
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
from evaluation.stats import check_confidence, fit_random_intercept, wald_table

log = logging.getLogger("evaluation")

# column names of the table of this module (in addition to evaluation.columns)
BOUNDARY = "boundary"


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
) -> pd.DataFrame:
    """Wave effects from ``score ~ C(wave) + (1 | site)``, fitted by REML per ``by`` group.

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

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` group and non-reference wave: ``term`` (the wave),
        ``estimate`` (difference to the reference wave, adjusted for sites), ``se,
        statistic`` (z), ``pvalue, ci_low, ci_high``, ``n, n_groups, site_variance,
        residual_variance, converged, boundary, method``. Where the data cannot carry the
        model (an outcome without variance, one site) the row holds no estimate and
        ``method`` reads ``"not computable: <reason>"``.

    Notes
    -----
    :math:`y_{si} = \\beta_0 + \\sum_w \\beta_w [wave = w] + u_s + e_{si}`,
    :math:`u_s \\sim N(0, \\tau^2)`, fitted by
    :func:`evaluation.stats.mixed.fit_random_intercept` (the exact maximum of the REML likelihood
    profiled to the variance ratio; statsmodels ``MixedLM`` where that has no finite
    maximum). A site variance of zero is a boundary fit (lme4's singular fit). Intervals
    are Wald intervals :math:`\\hat\\beta \\pm z_{1-\\alpha/2}\\,se`, as
    ``confint(fit, method = "Wald")`` in lme4; p-values are from the normal distribution.
    Respondents linked across waves are treated as independent (no respondent intercept).

    Examples
    --------
    In R: ``m <- lme4::lmer(score ~ factor(wave) + (1 | site), d, REML = TRUE);
    lme4::fixef(m); confint(m, method = "Wald")``.
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
        try:
            fit = fit_random_intercept(part[value].reset_index(drop=True), exog,
                                       part[site].reset_index(drop=True), reml=reml)
        except (InsufficientDataError, ModelFitError) as exc:
            log.info("wave model %s not computable: %s", head, exc)
            rows.extend({**head, C.TERM: w, C.ESTIMATE: np.nan, C.SE: np.nan,
                         C.STATISTIC: np.nan, C.PVALUE: np.nan, C.CI_LOW: np.nan,
                         C.CI_HIGH: np.nan, C.N: len(part), C.N_GROUPS: part[site].nunique(),
                         SITE_VARIANCE: np.nan, RESIDUAL_VARIANCE: np.nan, CONVERGED: False,
                         BOUNDARY: False, C.METHOD: f"not computable: {exc}"} for w in others)
            continue
        table = wald_table(fit, confidence=confidence, terms=[str(w) for w in others])
        for record, w in zip(table.to_dict("records"), others, strict=True):
            rows.append({**head, C.TERM: w, **{k: v for k, v in record.items() if k != "term"},
                         C.N: fit.n, C.N_GROUPS: fit.n_groups,
                         SITE_VARIANCE: fit.site_variance,
                         RESIDUAL_VARIANCE: fit.residual_variance, CONVERGED: fit.converged,
                         BOUNDARY: fit.boundary, C.METHOD: fit.method})
    columns = [*by, C.TERM, C.ESTIMATE, C.SE, C.STATISTIC, C.PVALUE, C.CI_LOW, C.CI_HIGH, C.N,
               C.N_GROUPS, SITE_VARIANCE, RESIDUAL_VARIANCE, CONVERGED, BOUNDARY, C.METHOD]
    return pd.DataFrame(rows, columns=columns)


__all__ = ["BOUNDARY", "wave_model"]
