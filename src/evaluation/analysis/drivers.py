"""Which success factors go together with the outcomes? A mixed model with random site
intercepts on z-standardised scores, collinearity (VIF) and a ranking.

The data are cross-sectional ratings by the same people, so a coefficient is an
*association*: where a factor is rated better, the outcome tends to be rated higher. The
wording is in :mod:`evaluation.report.readings`
(:func:`~evaluation.report.readings.driver_reading`), which never says "effect" or "cause";
every directional sentence carries the reminder that it is an association and not proof of
a cause.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.analysis.aggregation import StatisticsInputError, numeric_values, require_columns
from evaluation.stats import check_confidence, fit_random_intercept, wald_table

__all__ = [
    "CI_EXCLUDES_ZERO",
    "RANK",
    "VIF",
    "DriverModel",
    "driver_model",
    "vif",
    "wide_scores",
]

log = logging.getLogger("evaluation")

# column names of the tables of this module (in addition to evaluation.columns)
VIF = "vif"
RANK = "rank"
CI_EXCLUDES_ZERO = "ci_excludes_zero"

@dataclass(frozen=True, kw_only=True, eq=False)
class DriverModel:
    """A fitted driver model.

    ``coefficients`` has one row per factor: ``factor, estimate`` (standardised
    coefficient), ``se, statistic`` (z), ``pvalue, ci_low, ci_high, vif, rank`` (1 = largest
    absolute coefficient), ``ci_excludes_zero``. Its sentences are
    :func:`evaluation.report.readings.driver_reading`.
    """

    outcome: str
    coefficients: pd.DataFrame
    n: int
    n_groups: int
    site_variance: float
    residual_variance: float
    converged: bool
    boundary: bool
    method: str
    messages: tuple[str, ...]
    #: rows given (respondents of the wave); ``n`` of them had every value (complete cases)
    n_rows: int = 0
    intercept: float = float("nan")
    intercept_se: float = float("nan")
    #: Nakagawa and Schielzeth's R²: the share of the variance the factors explain
    #: (marginal) and the factors and sites together (conditional)
    r2_marginal: float = float("nan")
    r2_conditional: float = float("nan")


def wide_scores(
    scores: pd.DataFrame,
    *,
    value: str = C.SCORE,
    scale: str = C.SCALE,
    index: Sequence[str] = (C.RESPONDENT, C.SITE, C.WAVE),
) -> pd.DataFrame:
    """Tidy scores to one row per respondent (and wave) with one column per scale."""
    index = [c for c in index if c in scores.columns]
    require_columns(scores, [*index, scale, value], what="scores")
    duplicated = scores.duplicated([*index, scale])
    if duplicated.any():
        raise StatisticsInputError(
            f"scores must have one row per {[*index, scale]}; duplicated: "
            f"{scores.loc[duplicated, [*index, scale]].head(5).to_dict('records')}")
    wide = scores.pivot(index=index, columns=scale, values=value).reset_index()
    wide.columns.name = None
    return wide


def vif(data: pd.DataFrame, *, factors: Sequence[str]) -> pd.DataFrame:
    """Variance inflation factor of each factor among the others (complete cases).

    Returns
    -------
    pandas.DataFrame
        ``factor, vif``.

    Notes
    -----
    :math:`VIF_j = 1 / (1 - R_j^2)`, with :math:`R_j^2` from the least-squares regression of
    factor j on the other factors and an intercept, computed as statsmodels'
    ``variance_inflation_factor`` does (the tests compare with it) without importing
    statsmodels. Values above 5 (some say 10) signal that coefficients of those factors are
    hard to tell apart; exactly collinear factors give a huge or infinite VIF.

    Examples
    --------
    In R, without the car package: ``1 / (1 - summary(lm(f1 ~ f2 + f3, d))$r.squared)``.
    """
    factors = list(factors)
    require_columns(data, factors)
    x = pd.concat([numeric_values(data, f) for f in factors], axis=1).dropna()
    if len(factors) == 1:
        return pd.DataFrame({C.FACTOR: factors, VIF: [1.0]})
    if len(x) <= len(factors) + 1:
        raise StatisticsInputError(
            f"VIF needs more complete rows than factors; got {len(x)} rows for {factors}")
    values = x.to_numpy(dtype=float)
    vifs = []
    for j in range(len(factors)):
        target = values[:, j]
        others = np.column_stack([np.ones(len(values)), np.delete(values, j, axis=1)])
        coef, *_ = np.linalg.lstsq(others, target, rcond=None)
        residual = target - others @ coef
        centred = target - target.mean()
        total = centred @ centred
        if total == 0:  # a constant factor: no variance to inflate
            vifs.append(float("nan"))
            continue
        r_squared = 1.0 - residual @ residual / total
        with np.errstate(divide="ignore"):
            vifs.append(float(1.0 / (1.0 - r_squared)))
    return pd.DataFrame({C.FACTOR: factors, VIF: vifs})


def driver_model(
    data: pd.DataFrame,
    *,
    outcome: str,
    factors: Sequence[str],
    group: str = C.SITE,
    confidence: float = 0.95,
    reml: bool = True,
) -> DriverModel:
    """Standardised associations of success factors with an outcome, random site intercepts.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent with a column per scale (see :func:`wide_scores`) and the
        site.
    outcome : str
        Column of the outcome (e.g. ``"synergy"``).
    factors : sequence of str
        Columns of the success factors.
    group : str
        Column of the site.
    confidence : float
        Level of the Wald intervals.
    reml : bool
        REML (default, as ``lme4::lmer``) or maximum likelihood.

    Returns
    -------
    DriverModel

    Notes
    -----
    Rows with a missing outcome, factor or site are dropped (complete cases); then outcome
    and factors are z-standardised over those rows (mean 0, sd 1 with n - 1). The model is

    .. math:: z_{y,si} = \\beta_0 + \\sum_f \\beta_f z_{f,si} + u_s + e_{si},\\quad
              u_s \\sim N(0, \\tau^2)

    fitted by :func:`evaluation.stats.mixed.fit_random_intercept` (exact profiled REML). A
    coefficient is the difference in the outcome, in standard deviations, that goes with one
    standard deviation more of the factor at equal values of the other factors. Intervals
    are Wald intervals (``confint(method = "Wald")`` in lme4), p-values from the normal
    distribution. Standardising over the pool mixes associations within and between sites.
    Factors are ranked by the absolute coefficient; read the ranking together with the VIF,
    because correlated factors share their association with the outcome.

    Examples
    --------
    In R: ``z <- as.data.frame(scale(d[, c(outcome, factors)])); z$site <- d$site;
    m <- lme4::lmer(synergy ~ network_management + trust + (1 | site), z, REML = TRUE);
    lme4::fixef(m); confint(m, method = "Wald")``.
    """
    factors = list(factors)
    if not factors:
        raise StatisticsInputError("factors must name at least one column")
    if outcome in factors:
        raise StatisticsInputError(f"the outcome {outcome!r} is also listed among the factors")
    if len(set(factors)) != len(factors):
        raise StatisticsInputError(f"factors are listed twice: {factors}")
    require_columns(data, [outcome, *factors, group])
    check_confidence(confidence)
    columns = {c: numeric_values(data, c) for c in [outcome, *factors]}
    frame = pd.DataFrame(columns).assign(**{"__site": data[group]}).dropna()
    constant = [c for c in [outcome, *factors] if frame[c].std(ddof=1) == 0]
    if constant:
        raise StatisticsInputError(
            f"column(s) {constant} do not vary in the {len(frame)} complete rows; they cannot "
            "be standardised")
    dropped = len(data) - len(frame)
    if dropped:
        log.info("driver model %s: %d of %d rows dropped for missing values", outcome,
                 dropped, len(data))
    z = (frame[[outcome, *factors]] - frame[[outcome, *factors]].mean()) / frame[
        [outcome, *factors]].std(ddof=1)
    exog = pd.concat([pd.Series(1.0, index=z.index, name="Intercept"), z[factors]], axis=1)
    fit = fit_random_intercept(z[outcome].reset_index(drop=True), exog.reset_index(drop=True),
                               frame["__site"].reset_index(drop=True), reml=reml)
    table = wald_table(fit, confidence=confidence, terms=factors)
    table = table.rename(columns={"term": C.FACTOR})
    table[VIF] = vif(frame, factors=factors)[VIF].to_numpy()
    table[RANK] = table[C.ESTIMATE].abs().rank(ascending=False, method="min").astype(int)
    table[CI_EXCLUDES_ZERO] = (table[C.CI_LOW] > 0) | (table[C.CI_HIGH] < 0)
    table = table.sort_values(RANK, kind="stable").reset_index(drop=True)
    r2_marginal, r2_conditional = nakagawa_r2(exog.to_numpy(dtype=float),
                                              fit.coefficients.to_numpy(dtype=float),
                                              fit.site_variance, fit.residual_variance)
    return DriverModel(outcome=outcome, coefficients=table, n=fit.n, n_groups=fit.n_groups,
                       site_variance=fit.site_variance,
                       residual_variance=fit.residual_variance, converged=fit.converged,
                       boundary=fit.boundary, method=fit.method, messages=fit.messages,
                       n_rows=len(data), intercept=float(fit.coefficients["Intercept"]),
                       intercept_se=float(np.sqrt(fit.fe_cov[0, 0])),
                       r2_marginal=r2_marginal, r2_conditional=r2_conditional)


def nakagawa_r2(exog: np.ndarray, coefficients: np.ndarray, site_variance: float,
                residual_variance: float) -> tuple[float, float]:
    """Marginal and conditional R² of a random-intercept model (Nakagawa & Schielzeth 2013):
    with :math:`\\sigma^2_f` the variance (n - 1) of the fixed-effect predictions
    :math:`X\\hat\\beta`, :math:`R^2_m = \\sigma^2_f / (\\sigma^2_f + \\tau^2 + \\sigma^2)`
    and :math:`R^2_c = (\\sigma^2_f + \\tau^2) / (\\sigma^2_f + \\tau^2 + \\sigma^2)`, as
    ``performance::r2_nakagawa`` (and ``MuMIn::r.squaredGLMM``) compute them for ``lmer``."""
    fixed = float(np.var(exog @ coefficients, ddof=1))
    total = fixed + site_variance + residual_variance
    if not np.isfinite(total) or total <= 0:
        return float("nan"), float("nan")
    return fixed / total, (fixed + site_variance) / total


