"""Variance components of the random-intercept model ``value ~ 1 + (1 | site)``.

:func:`variance_components` gives the model-based ICC of the aggregation diagnostics. For
this intercept-only model the (restricted) likelihood depends on the data only through the
site sizes, site means and the within-site sum of squares, and, with the intercept and the
residual variance profiled out in closed form, on one parameter, the variance ratio.
:func:`profiled_random_intercept` maximises it exactly: a grid over the ratio brackets every
local maximum, a root finder solves the score equation inside each bracket, and a site
variance of zero is taken exactly where the likelihood falls from there on. The general
path through statsmodels ``MixedLM`` (:func:`evaluation.stats.mixed.fit_random_intercept`)
stays available with ``method="mixedlm"`` and is used where the fast path declines (no
variation within sites). Import the public names from :mod:`evaluation.stats`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.errors import InsufficientDataError
from evaluation.stats.checks import StatisticsInputError, numeric_values, require_columns
from evaluation.stats.mixed import BOUNDARY_SHARE, fit_random_intercept
from evaluation.stats.mixed_profiled import profile_minima

log = logging.getLogger("evaluation")

VarianceMethod = Literal["profiled", "mixedlm"]


@dataclass(frozen=True, kw_only=True)
class VarianceComponents:
    """REML variance components of a random-intercept model ``value ~ 1 + (1 | site)``.

    ``icc`` is ``site_variance / (site_variance + residual_variance)``. ``method`` is
    ``"profiled_reml"`` (or ``"profiled_ml"``) for the exact fast path, otherwise the
    statsmodels optimiser used.
    """

    site_variance: float
    residual_variance: float
    icc: float
    intercept: float
    n: int
    n_groups: int
    converged: bool
    boundary: bool
    method: str
    messages: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ProfiledFit:
    """The maximum of the profiled (restricted) likelihood of the one-way model."""

    site_variance: float
    residual_variance: float
    intercept: float
    ratio: float
    loglike: float


def group_summaries(values: np.ndarray, codes: np.ndarray, n_groups: int
                    ) -> tuple[np.ndarray, np.ndarray, float]:
    """Sizes, means and the pooled within-group sum of squares (all groups at once)."""
    sizes = np.bincount(codes, minlength=n_groups).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.bincount(codes, weights=values, minlength=n_groups) / sizes
    within = float(np.sum((values - means[codes]) ** 2))
    return sizes, means, within


def _profile(gamma: np.ndarray, sizes: np.ndarray, means: np.ndarray, within: float,
             reml: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Profiled deviance (up to constants), its derivative in gamma, Q and the intercept."""
    n = sizes.sum()
    g = np.asarray(gamma, dtype=float)[:, None]
    weight = sizes / (1 + g * sizes)
    total_weight = weight.sum(axis=1)
    intercept = (weight * means).sum(axis=1) / total_weight
    spread = (means - intercept[:, None]) ** 2
    q = within + (weight * spread).sum(axis=1)
    dof = n - 1 if reml else n
    with np.errstate(divide="ignore", invalid="ignore"):
        deviance = dof * np.log(q) + np.log1p(g * sizes).sum(axis=1)
        slope = -dof * (weight**2 * spread).sum(axis=1) / q + total_weight
        if reml:
            deviance += np.log(total_weight)
            slope -= (weight**2).sum(axis=1) / total_weight
    return deviance, slope, q, intercept


def profiled_random_intercept(sizes: np.ndarray, means: np.ndarray, within: float, *,
                              reml: bool = True) -> ProfiledFit | None:
    """Exact (RE)ML fit of ``y_gi = mu + u_g + e_gi`` from the group summaries.

    Parameters
    ----------
    sizes, means : numpy.ndarray
        Size and mean of each group (groups without rows must be left out).
    within : float
        Pooled within-group sum of squares.
    reml : bool
        Restricted (default) or full maximum likelihood.

    Returns
    -------
    ProfiledFit or None
        ``None`` when the likelihood has no maximum at a finite ratio (no variation within
        groups, or none at all); callers then use the general ``MixedLM`` path.

    Notes
    -----
    With :math:`\\gamma = \\tau^2/\\sigma^2`, :math:`w_g = n_g / (1 + \\gamma n_g)`,
    :math:`\\hat\\mu(\\gamma) = \\sum_g w_g \\bar y_g / \\sum_g w_g` and
    :math:`Q(\\gamma) = W + \\sum_g w_g (\\bar y_g - \\hat\\mu)^2` (W the within-group sum of
    squares), the restricted log-likelihood with :math:`\\hat\\sigma^2 = Q/(N-1)` profiled
    out is, up to a constant,

    .. math::

        -\\tfrac12\\Big[(N-1)\\log Q(\\gamma) + \\sum_g \\log(1+\\gamma n_g)
        + \\log \\sum_g w_g\\Big]

    (full ML: :math:`N` instead of :math:`N - 1` and no last term). Its derivative is
    :math:`-\\tfrac12[-(N-1)\\sum_g w_g^2 (\\bar y_g - \\hat\\mu)^2 / Q + \\sum_g w_g -
    \\sum_g w_g^2 / \\sum_g w_g]`. The deviance is evaluated on a grid over
    :math:`\\rho = \\gamma / (1 + \\gamma) \\in [0, 1)`; every sign change of the derivative
    from negative to positive is solved with Brent's method to machine precision, and
    :math:`\\gamma = 0` is a candidate when the derivative there is not negative. The
    candidate with the smallest deviance wins; then :math:`\\tau^2 = \\gamma\\hat\\sigma^2`.

    References
    ----------
    Searle, S. R., Casella, G., & McCulloch, C. E. (1992). *Variance components*, sections
    3.7 and 6.6. Wiley.

    Examples
    --------
    Same estimates as ``lme4::lmer(y ~ 1 + (1 | g), REML = TRUE)``; see
    ``tests/stats/test_estimators_at_scale.py``.
    """
    sizes = np.asarray(sizes, dtype=float)
    means = np.asarray(means, dtype=float)
    n = float(sizes.sum())
    dof = n - 1 if reml else n
    if len(sizes) < 2 or dof <= 0 or not np.isfinite(means).all():
        return None
    gamma = profile_minima(lambda g: _profile(g, sizes, means, within, reml)[:3])
    if gamma is None:
        return None
    deviance, _, q, intercept = _profile(gamma, sizes, means, within, reml)
    best = int(np.argmin(deviance))
    residual = float(q[best] / dof)
    constant = dof * (np.log(2 * np.pi * residual) + 1)  # deviance of the full likelihood
    return ProfiledFit(site_variance=float(gamma[best]) * residual,
                       residual_variance=residual, intercept=float(intercept[best]),
                       ratio=float(gamma[best]),
                       loglike=-0.5 * float(deviance[best] - dof * np.log(q[best])
                                            + constant))


def variance_components(
    frame: pd.DataFrame,
    *,
    value: str = C.SCORE,
    group: str = C.SITE,
    reml: bool = True,
    method: VarianceMethod = "profiled",
) -> VarianceComponents:
    """Model-based ICC from the variance components of a random-intercept model.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent.
    value, group : str
        Column names of the score and of the site.
    reml : bool
        REML (default) or maximum likelihood.
    method : {"profiled", "mixedlm"}
        ``"profiled"`` (default) maximises the profiled likelihood exactly
        (:func:`profiled_random_intercept`, about a millisecond for any number of sites);
        ``"mixedlm"`` fits statsmodels ``MixedLM`` through
        :func:`evaluation.stats.mixed.fit_random_intercept`. The profiled path falls back to
        ``MixedLM`` where the likelihood has no finite maximum (no variation within sites).

    Returns
    -------
    VarianceComponents

    Raises
    ------
    InsufficientDataError
        With fewer than two sites or fewer than three rows.

    Notes
    -----
    The model is :math:`y_{gi} = \\mu + u_g + e_{gi}` with :math:`u_g \\sim N(0, \\tau^2)` and
    :math:`e_{gi} \\sim N(0, \\sigma^2)`; the ICC is :math:`\\tau^2 / (\\tau^2 + \\sigma^2)`.
    Unlike the ANOVA ICC(1) it cannot be negative: when sites differ less than chance
    would make them, :math:`\\tau^2` is 0 (exactly, on the profiled path) and ``boundary`` is
    True.

    Examples
    --------
    In R: ``m <- lme4::lmer(score ~ 1 + (1 | site), d, REML = TRUE);
    vc <- as.data.frame(lme4::VarCorr(m)); vc$vcov[1] / sum(vc$vcov)``.
    """
    require_columns(frame, [value, group])
    y = numeric_values(frame, value)
    keep = (y.notna() & frame[group].notna()).to_numpy()
    codes, uniques = pd.factorize(frame[group].to_numpy()[keep])
    return variance_components_of(y.to_numpy()[keep], codes, len(uniques), reml=reml,
                                  method=method)


def variance_components_of(values: np.ndarray, codes: np.ndarray, n_codes: int, *,
                           reml: bool = True, method: VarianceMethod = "profiled"
                           ) -> VarianceComponents:
    """:func:`variance_components` from finite values and site codes (0 .. n_codes - 1).

    Codes without rows are allowed (they do not count as sites), so the codes of a whole
    table can be used for any part of it.
    """
    if method not in ("profiled", "mixedlm"):
        raise StatisticsInputError(f"method must be 'profiled' or 'mixedlm', got {method!r}")
    values = np.asarray(values, dtype=float)
    codes = np.asarray(codes, dtype=np.intp)
    sizes, means, within = group_summaries(values, codes, n_codes)
    present = sizes > 0
    n, n_groups = len(values), int(present.sum())
    if n_groups < 2 or n <= 2:
        raise InsufficientDataError(
            f"a random-intercept model needs at least two sites and more rows than "
            f"parameters; got {n} row(s), {n_groups} site(s), 1 fixed effect(s)")
    if np.ptp(values) == 0:
        raise InsufficientDataError(
            f"every one of the {n} values is {values[0]:g}: there is no variance to divide "
            "between and within sites")
    if method == "profiled":
        fit = profiled_random_intercept(sizes[present], means[present], within, reml=reml)
        if fit is not None:
            between, residual = fit.site_variance, fit.residual_variance
            return VarianceComponents(
                site_variance=between, residual_variance=residual,
                icc=between / (between + residual) if between + residual > 0 else np.nan,
                intercept=fit.intercept, n=n, n_groups=n_groups, converged=True,
                boundary=bool(between <= BOUNDARY_SHARE * (between + residual)),
                method="profiled_reml" if reml else "profiled_ml", messages=())
        log.debug("profiled likelihood has no finite maximum; fitting MixedLM instead")
    exog = pd.DataFrame({"Intercept": np.ones(n)})
    mixed = fit_random_intercept(pd.Series(values), exog, pd.Series(codes), reml=reml,
                                 profiled=False)
    between, within_variance = mixed.site_variance, mixed.residual_variance
    return VarianceComponents(
        site_variance=between, residual_variance=within_variance,
        icc=(between / (between + within_variance) if between + within_variance > 0
             else np.nan),
        intercept=float(mixed.coefficients.iloc[0]),
        n=mixed.n, n_groups=mixed.n_groups, converged=mixed.converged,
        boundary=mixed.boundary, method=mixed.method, messages=mixed.messages,
    )


__all__ = ["ProfiledFit", "VarianceComponents", "group_summaries",
           "profiled_random_intercept", "variance_components", "variance_components_of"]
