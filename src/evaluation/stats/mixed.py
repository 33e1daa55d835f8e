"""Linear mixed models with a random intercept per site: ``y ~ X + (1 | site)``.

:func:`fit_random_intercept` is the general path for models with fixed effects (wave
models, driver models). It maximises the (restricted) likelihood profiled to the variance
ratio exactly (:mod:`evaluation.stats.mixed_profiled`) and falls back to statsmodels ``MixedLM``,
trying several optimisers and recording convergence, where the profile has no finite
maximum; ``profiled=False`` always uses ``MixedLM``, the field's tool, which the tests use as
the independent check besides lme4. The intercept-only model of the aggregation
diagnostics has an even faster path from site summaries in :mod:`evaluation.stats.reml`.
Import the public names from :mod:`evaluation.stats`.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from evaluation import columns as C
from evaluation.errors import InsufficientDataError, ModelFitError
from evaluation.stats.checks import check_confidence
from evaluation.stats.mixed_profiled import profiled_mixed_fit

log = logging.getLogger("evaluation")

# optimisers tried in turn by the MixedLM path of fit_random_intercept
DEFAULT_METHODS: tuple[str, ...] = ("bfgs", "lbfgs", "cg", "powell", "nm")
# tighter gradient tolerances than SciPy's defaults, tried first, so that estimates agree
# with lme4 to about 1e-7; the default tolerance is the fallback (precision loss)
_TIGHT_OPTIONS: dict[str, dict[str, float]] = {
    "bfgs": {"gtol": 1e-9}, "cg": {"gtol": 1e-9}, "powell": {"ftol": 1e-12},
    "nm": {"ftol": 1e-12, "maxiter": 20000}}
#: Share of the total variance below which the site variance counts as a boundary fit
#: (lme4's singular fit).
BOUNDARY_SHARE = 1e-6


@dataclass(frozen=True, kw_only=True, eq=False)
class MixedFit:
    """A fitted random-intercept model and how the fit went.

    ``coefficients`` are the fixed effects (indexed by the columns of the design) and
    ``fe_cov`` their covariance given the variance components,
    :math:`\\sigma^2 (X^\\top W^{-1} X)^{-1}` with :math:`W = I + (\\tau^2/\\sigma^2) Z Z^\\top`,
    which is what ``vcov()`` of lme4 reports (statsmodels' ``bse_fe`` comes from the full
    Hessian instead and differs by a few per cent in small samples). ``llf`` is the
    (restricted) log-likelihood with lme4's and statsmodels' constants. ``converged`` is
    False when no optimiser converged (the fit with the highest likelihood is kept);
    ``boundary`` is True when the site variance is (practically) zero, the situation lme4
    reports as a singular fit; ``messages`` are the warnings of the accepted fit.
    ``method`` is ``"profiled_reml"`` (or ``"profiled_ml"``) for the exact profiled fit,
    otherwise the statsmodels optimiser(s) used; ``result`` is the statsmodels
    ``MixedLMResults`` of such a fit and None for the profiled one.
    """

    coefficients: pd.Series
    fe_cov: np.ndarray
    site_variance: float
    residual_variance: float
    llf: float
    converged: bool
    boundary: bool
    method: str
    messages: tuple[str, ...]
    n: int
    n_groups: int
    result: Any = None


_FATAL_MESSAGES = ("optimization failed", "Retrying MixedLM", "Gradient optimization failed")
SINGULAR_MESSAGE = "boundary (singular) fit: the site variance is estimated as zero"


def fit_random_intercept(
    endog: pd.Series,
    exog: pd.DataFrame,
    groups: pd.Series,
    *,
    reml: bool = True,
    profiled: bool = True,
    methods: Sequence[str] = DEFAULT_METHODS,
) -> MixedFit:
    """Fit ``endog ~ exog + (1 | groups)`` by (RE)ML, exactly and without warnings.

    By default the likelihood, profiled to the one variance ratio, is maximised exactly
    (:func:`evaluation.stats.mixed_profiled.profiled_mixed_fit`, one or two milliseconds). Where
    that declines (no finite maximum, a rank-deficient design) or with ``profiled=False``,
    statsmodels ``MixedLM`` is fitted with the optimisers in ``methods`` tried in turn; the
    first fit that converges to a finite likelihood with a positive site variance is kept.
    A fit with the site variance at zero is compared with the other optimisers' fits and
    the highest likelihood wins. Warnings are recorded in the result rather than emitted:
    the boundary warning of statsmodels (site variance below 0.01 in absolute terms) and a
    Hessian that is not positive definite are kept as messages, while an optimiser that
    does not converge makes the next one be tried.

    Parameters
    ----------
    endog : pandas.Series
        Outcome, no missing values.
    exog : pandas.DataFrame
        Fixed-effects design including the intercept column; its column names become the
        names of the coefficients.
    groups : pandas.Series
        Site of each row.
    reml : bool
        Restricted maximum likelihood (default, as ``lme4::lmer(REML = TRUE)``).
    profiled : bool
        Exact profiled fit (default); False always fits statsmodels ``MixedLM``.
    methods : sequence of str
        Optimisers of ``MixedLM.fit`` to try in turn.

    Returns
    -------
    MixedFit

    Raises
    ------
    InsufficientDataError
        With fewer than two sites, no residual degrees of freedom, or an outcome that has
        the same value in every row.
    ModelFitError
        When every optimiser fails with an exception.

    Notes
    -----
    Both paths maximise the same likelihood; the profiled path agrees with ``MixedLM`` and
    with lme4 to about 1e-8 (``tests/stats/test_mixed_profiled.py``).
    """
    n, n_groups = len(endog), int(pd.Series(groups).nunique())
    if n_groups < 2 or n <= exog.shape[1] + 1:
        raise InsufficientDataError(
            f"a random-intercept model needs at least two sites and more rows than "
            f"parameters; got {n} row(s), {n_groups} site(s), {exog.shape[1]} fixed effect(s)"
        )
    outcome = np.asarray(endog, dtype=float)
    if np.ptp(outcome) == 0:
        raise InsufficientDataError(
            f"the outcome is {outcome[0]:g} in every one of the {n} rows: there is no variance "
            "to model")
    if profiled:
        codes = pd.factorize(np.asarray(groups))[0]
        fit = None
        if (codes >= 0).all():
            fit = profiled_mixed_fit(np.asarray(endog, dtype=float),
                                     np.asarray(exog, dtype=float), codes, reml=reml)
        if fit is not None:
            between, within = fit.site_variance, fit.residual_variance
            boundary = bool(between <= BOUNDARY_SHARE * (between + within))
            return MixedFit(
                coefficients=pd.Series(fit.coefficients, index=list(exog.columns)),
                fe_cov=fit.fe_cov, site_variance=between, residual_variance=within,
                llf=fit.loglike, converged=True, boundary=boundary,
                method="profiled_reml" if reml else "profiled_ml",
                messages=(SINGULAR_MESSAGE,) if boundary else (), n=n, n_groups=n_groups)
        log.debug("profiled likelihood has no finite maximum; fitting MixedLM instead")
    return _fit_mixedlm(endog, exog, groups, reml=reml, methods=methods, n=n,
                        n_groups=n_groups)


def _fit_mixedlm(endog: pd.Series, exog: pd.DataFrame, groups: pd.Series, *, reml: bool,
                 methods: Sequence[str], n: int, n_groups: int) -> MixedFit:
    """statsmodels ``MixedLM`` with the optimisers in ``methods`` tried in turn."""
    from statsmodels.regression.mixed_linear_model import MixedLM

    def make_model() -> Any:
        return MixedLM(np.asarray(endog, dtype=float), exog.reset_index(drop=True).astype(float),
                       groups=np.asarray(groups), exog_re=np.ones((n, 1)))

    accepted: list[tuple[float, Any, str, tuple[str, ...]]] = []
    candidates: list[tuple[float, Any, str, tuple[str, ...]]] = []
    failures: list[str] = []
    attempts = [(m, o) for m in methods
                for o in ((_TIGHT_OPTIONS[m], {}) if m in _TIGHT_OPTIONS else ({},))]
    for method, options in attempts:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = make_model().fit(reml=reml, method=[method], **options)
            except (np.linalg.LinAlgError, ValueError, ZeroDivisionError) as exc:
                failures.append(f"{method}: {exc}")
                continue
        messages = tuple(dict.fromkeys(str(w.message) for w in caught))
        llf = float(result.llf)
        if not np.isfinite(llf) or not np.all(np.isfinite(np.asarray(result.fe_params))):
            failures.append(f"{method}: non-finite likelihood or estimates")
            continue
        failed = (not result.converged) or any(
            marker in m for m in messages for marker in _FATAL_MESSAGES)
        if failed:
            log.debug("MixedLM with %s did not converge: %s", method, messages)
            candidates.append((llf, result, method, messages))
            continue
        accepted.append((llf, result, method, messages))
        # an interior solution is taken at once; a site variance at zero is checked against
        # the other optimisers, which sometimes find the interior maximum the first missed
        if not _mixed_fit(result, method, messages, converged=True, n=n, g=n_groups).boundary:
            break
    if accepted:
        llf, result, method, messages = max(accepted, key=lambda c: c[0])
        if method != methods[0]:
            result, method, messages = _polish(make_model(), result, llf, method, messages,
                                               reml=reml)
        return _mixed_fit(result, method, messages, converged=True, n=n, g=n_groups)
    if not candidates:
        raise ModelFitError(f"no optimiser could fit the mixed model: {failures}")
    _, result, method, messages = max(candidates, key=lambda c: c[0])
    log.warning("mixed model did not converge with any of %s; keeping %s", list(methods),
                method)
    return _mixed_fit(result, method, messages, converged=False, n=n, g=n_groups)


def _polish(model: Any, result: Any, llf: float, method: str, messages: tuple[str, ...], *,
            reml: bool) -> tuple[Any, str, tuple[str, ...]]:
    """Restart BFGS from a derivative-free optimiser's solution to reach lme4's precision."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            polished = model.fit(reml=reml, method=["bfgs"], start_params=result.params_object,
                                 **_TIGHT_OPTIONS["bfgs"])
        except (np.linalg.LinAlgError, ValueError, ZeroDivisionError):
            return result, method, messages
    more = tuple(dict.fromkeys(str(w.message) for w in caught))
    fatal = any(marker in m for m in more for marker in _FATAL_MESSAGES)
    if polished.converged and not fatal and np.isfinite(polished.llf) and (
            polished.llf >= llf - 1e-9):
        return polished, f"{method}+bfgs", more
    return result, method, messages


def _mixed_fit(result: Any, method: str, messages: tuple[str, ...], *, converged: bool,
               n: int, g: int) -> MixedFit:
    between = float(np.asarray(result.cov_re)[0, 0])
    within = float(result.scale)
    return MixedFit(coefficients=pd.Series(np.asarray(result.fe_params, dtype=float),
                                           index=list(result.model.exog_names)),
                    fe_cov=_conditional_fe_cov(result, between, within),
                    site_variance=between, residual_variance=within, llf=float(result.llf),
                    converged=converged,
                    boundary=bool(between <= BOUNDARY_SHARE * (between + within)),
                    method=method, messages=messages, n=n, n_groups=g, result=result)


def _conditional_fe_cov(result: Any, between: float, within: float) -> np.ndarray:
    """sigma^2 (X' W^-1 X)^-1 for a random intercept, W_g^-1 = I - g/(1 + g n_g) 11'."""
    model = result.model
    x = np.asarray(model.exog, dtype=float)
    gamma = max(between, 0.0) / within if within > 0 else 0.0
    xtwx = x.T @ x
    for rows in model.row_indices.values():
        total = x[rows].sum(axis=0)
        xtwx -= gamma / (1 + gamma * len(rows)) * np.outer(total, total)
    try:
        return within * np.linalg.inv(xtwx)
    except np.linalg.LinAlgError:
        return np.full_like(xtwx, np.nan)


def wald_table(fit: MixedFit, *, confidence: float = 0.95,
               terms: Sequence[str] | None = None) -> pd.DataFrame:
    """Fixed effects of a :class:`MixedFit` with z tests and Wald confidence intervals.

    Columns ``term, estimate, se, statistic, pvalue, ci_low, ci_high``. Standard errors are
    from :attr:`MixedFit.fe_cov` (as lme4's ``vcov``); the intervals are
    ``estimate ± z_(1 - alpha/2) · se`` as ``confint(fit, method = "Wald")`` in lme4, the p-values
    two-sided from the normal distribution.
    """
    check_confidence(confidence)
    names = list(fit.coefficients.index)
    params = fit.coefficients.to_numpy(dtype=float)
    bse = np.sqrt(np.diag(fit.fe_cov))
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = params / bse
    table = pd.DataFrame({
        "term": names,
        C.ESTIMATE: params,
        C.SE: bse,
        C.STATISTIC: statistic,
        C.PVALUE: 2 * stats.norm.sf(np.abs(statistic)),
        C.CI_LOW: params - z * bse,
        C.CI_HIGH: params + z * bse,
    })
    if terms is not None:
        table = table[table["term"].isin(terms)].reset_index(drop=True)
    return table


__all__ = ["BOUNDARY_SHARE", "DEFAULT_METHODS", "SINGULAR_MESSAGE", "MixedFit",
           "fit_random_intercept", "wald_table"]
