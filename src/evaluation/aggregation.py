"""May site means be shown? ICC(1), ICC(2), REML variance components and rwg(j).

Before a report compares municipalities by their mean scores, the evaluator checks per scale
that respondents of one site resemble each other more than respondents of different sites
(ICC(1)), that a site mean is a reliable number (ICC(2)), and that respondents within a site
agree (rwg(j)). :func:`aggregation_table` puts the three together, one row per wave and
scale, with a plain-language reading in English and German.

This module also holds the pieces the other statistics modules share: the input errors
(:class:`StatisticsInputError` and its subclasses) and :func:`fit_random_intercept`, a
warning-free, convergence-recording fit of a linear mixed model with random site intercepts.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from . import columns as C
from .errors import EvaluationError

log = logging.getLogger("evaluation")

# column names of the tables of this module (in addition to evaluation.columns)
ICC1 = "icc1"
ICC2 = "icc2"
ICC_REML = "icc_reml"
DF_BETWEEN = "df_between"
DF_WITHIN = "df_within"
N_GROUPS = "n_groups"
SITE_VARIANCE = "site_variance"
RESIDUAL_VARIANCE = "residual_variance"
CONVERGED = "converged"
RWG_J = "rwg_j"
N_ITEMS = "n_items"
MEAN_ITEM_VARIANCE = "mean_item_variance"
RWG_MEAN = "rwg_mean"
RWG_MEDIAN = "rwg_median"
RWG_SHARE_AGREE = "rwg_share_agree"
N_RWG_GROUPS = "n_rwg_groups"
VERDICT = "verdict"
READING_EN = "reading_en"
READING_DE = "reading_de"

# thresholds of the plain-language reading (see aggregation_table, Notes)
ICC1_NEGLIGIBLE = 0.01
ICC1_SUBSTANTIAL = 0.05
ICC2_RELIABLE = 0.70
ICC2_USABLE = 0.50
RWG_STRONG = 0.70
RWG_MODERATE = 0.50

# verdicts of the reading
MEANINGFUL = "meaningful"
USABLE_WITH_CARE = "usable_with_care"
UNRELIABLE = "unreliable"
NO_SITE_DIFFERENCES = "no_site_differences"
NOT_ESTIMABLE = "not_estimable"

# optimisers tried in turn by fit_random_intercept
DEFAULT_METHODS: tuple[str, ...] = ("bfgs", "lbfgs", "cg", "powell", "nm")
# tighter gradient tolerances than SciPy's defaults, tried first, so that estimates agree
# with lme4 to about 1e-7; the default tolerance is the fallback (precision loss)
_TIGHT_OPTIONS: dict[str, dict[str, float]] = {
    "bfgs": {"gtol": 1e-9}, "cg": {"gtol": 1e-9}, "powell": {"ftol": 1e-12},
    "nm": {"ftol": 1e-12, "maxiter": 20000}}


# ---------------------------------------------------------------------------------------------
# errors and input checks shared by the statistics modules


class StatisticsInputError(EvaluationError, ValueError):
    """A statistics function was given a table or a parameter it cannot work with."""


class MissingColumnError(StatisticsInputError):
    """A column named by a keyword argument is not in the table."""


class InsufficientDataError(StatisticsInputError):
    """Too few observations or groups for the statistic asked for."""


class ModelFitError(StatisticsInputError):
    """No optimiser could fit the mixed model at all."""


def require_columns(frame: pd.DataFrame, columns: Iterable[str], *, what: str = "table") -> None:
    """Raise :class:`MissingColumnError` naming every column of ``columns`` not in ``frame``."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumnError(
            f"{what} lacks column(s) {missing}; it has {list(frame.columns)}. Pass the right "
            "names as keyword arguments (e.g. value='score', group='site')."
        )


def check_confidence(confidence: float) -> None:
    """Raise :class:`StatisticsInputError` unless ``0 < confidence < 1``."""
    if not 0 < confidence < 1:
        raise StatisticsInputError(
            f"confidence must lie strictly between 0 and 1, got {confidence!r}"
        )


def numeric_values(frame: pd.DataFrame, column: str, *, what: str = "table") -> pd.Series:
    """The column as float; raise with the offending values when it is not numeric."""
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = frame[column][values.isna() & frame[column].notna()]
    if len(bad):
        raise StatisticsInputError(
            f"{what}: column {column!r} must be numeric; found {bad.unique()[:5].tolist()} "
            f"(first row index {bad.index[0]!r})"
        )
    return values.astype(float)


# ---------------------------------------------------------------------------------------------
# ICC(1) and ICC(2) from the one-way ANOVA


@dataclass(frozen=True, kw_only=True)
class ICCResult:
    """ICC(1), ICC(2) and the one-way ANOVA they come from.

    ``group_size`` is the k used in ICC(1) and ``group_size_method`` says which one
    (``"k0"`` or ``"mean"``); ``statistic`` and ``pvalue`` are the ANOVA F test of equal
    group means.
    """

    icc1: float
    icc2: float
    ms_between: float
    ms_within: float
    df_between: int
    df_within: int
    statistic: float
    pvalue: float
    n: int
    n_groups: int
    group_size: float
    group_size_method: str


def icc(
    frame: pd.DataFrame,
    *,
    value: str = C.SCORE,
    group: str = C.SITE,
    group_size: Literal["k0", "mean"] = "k0",
) -> ICCResult:
    """ICC(1) and ICC(2) of ``value`` within ``group`` from a one-way ANOVA.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent (of one wave and one scale).
    value, group : str
        Column names of the score and of the site.
    group_size : {"k0", "mean"}
        The group size k in ICC(1). ``"k0"`` (default) is the usual correction for unequal
        group sizes, ``k0 = (N - sum(n_g^2) / N) / (G - 1)``; ``"mean"`` is ``N / G`` as in
        R ``multilevel::ICC1``. Both agree when all groups have the same size.

    Returns
    -------
    ICCResult

    Raises
    ------
    InsufficientDataError
        With fewer than two groups or no degrees of freedom within groups.

    Notes
    -----
    With G groups of sizes :math:`n_g`, N respondents, group means :math:`\\bar y_g` and grand
    mean :math:`\\bar y`:

    .. math::

        MSB = \\frac{\\sum_g n_g(\\bar y_g - \\bar y)^2}{G-1},\\quad
        MSW = \\frac{\\sum_g\\sum_i (y_{gi} - \\bar y_g)^2}{N-G}

        ICC(1) = \\frac{MSB - MSW}{MSB + (k-1)\\,MSW},\\quad
        ICC(2) = \\frac{MSB - MSW}{MSB}

    ICC(1) is the share of variance due to the site (it can be negative when sites differ
    less than chance would make them); ICC(2) is the reliability of a site mean, the
    Spearman-Brown step-up of ICC(1) to k respondents, and does not depend on which k is
    used. Rows with a missing value are dropped.

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability. In K. J.
    Klein & S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and methods in
    organizations* (pp. 349-381). Jossey-Bass.

    Snedecor, G. W., & Cochran, W. G. (1989). *Statistical methods* (8th ed.), section 13.9
    (k0 for unequal group sizes).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"site": list("aaabbbccc"),
    ...                       "score": [1, 2, 3, 3, 4, 5, 2, 3, 4]})
    >>> result = icc(frame)
    >>> round(result.icc1, 4), round(result.icc2, 4)
    (0.4, 0.6667)

    In R: ``m <- summary(aov(score ~ factor(site), d))[[1]]; msb <- m[1, 3]; msw <- m[2, 3]``
    then ``(msb - msw) / (msb + (k - 1) * msw)`` and ``(msb - msw) / msb``, or
    ``multilevel::ICC1(aov(...))`` for ``group_size="mean"``.
    """
    require_columns(frame, [value, group])
    if group_size not in ("k0", "mean"):
        raise StatisticsInputError(f"group_size must be 'k0' or 'mean', got {group_size!r}")
    y = numeric_values(frame, value)
    keep = y.notna() & frame[group].notna()
    y, g = y[keep].to_numpy(), frame.loc[keep, group].to_numpy()
    codes, uniques = pd.factorize(g)
    n_groups, n = len(uniques), len(y)
    if n_groups < 2 or n - n_groups < 1:
        raise InsufficientDataError(
            f"ICC needs at least two groups and more respondents than groups; got "
            f"{n} respondent(s) in {n_groups} group(s) of column {group!r}"
        )
    sizes = np.bincount(codes).astype(float)
    means = np.bincount(codes, weights=y) / sizes
    grand = y.mean()
    ss_between = float(np.sum(sizes * (means - grand) ** 2))
    ss_within = float(np.sum((y - means[codes]) ** 2))
    df_b, df_w = n_groups - 1, n - n_groups
    msb, msw = ss_between / df_b, ss_within / df_w
    k = (n - np.sum(sizes**2) / n) / df_b if group_size == "k0" else n / n_groups
    with np.errstate(divide="ignore", invalid="ignore"):
        icc1 = (msb - msw) / (msb + (k - 1) * msw) if msb + (k - 1) * msw > 0 else np.nan
        icc2 = (msb - msw) / msb if msb > 0 else np.nan
        f_stat = msb / msw if msw > 0 else (np.inf if msb > 0 else np.nan)
    pvalue = float(stats.f.sf(f_stat, df_b, df_w)) if np.isfinite(f_stat) else (
        0.0 if f_stat == np.inf else np.nan)
    return ICCResult(
        icc1=float(icc1), icc2=float(icc2), ms_between=msb, ms_within=msw,
        df_between=df_b, df_within=df_w, statistic=float(f_stat), pvalue=pvalue,
        n=n, n_groups=n_groups, group_size=float(k), group_size_method=group_size,
    )


# ---------------------------------------------------------------------------------------------
# linear mixed models with a random intercept per site


@dataclass(frozen=True, kw_only=True, eq=False)
class MixedFit:
    """A fitted random-intercept model and how the fit went.

    ``result`` is the statsmodels ``MixedLMResults``. ``converged`` is False when no
    optimiser converged (the fit with the highest likelihood is kept); ``boundary`` is True
    when the site variance is (practically) zero, the situation lme4 reports as a singular
    fit; ``messages`` are the warnings statsmodels raised during the accepted fit.
    ``fe_cov`` is the covariance of the fixed effects given the variance components,
    :math:`\\sigma^2 (X^\\top W^{-1} X)^{-1}` with :math:`W = I + (\\tau^2/\\sigma^2) Z Z^\\top`,
    which is what ``vcov()`` of lme4 reports (statsmodels' ``bse_fe`` comes from the full
    Hessian instead and differs by a few per cent in small samples).
    """

    result: Any
    converged: bool
    boundary: bool
    method: str
    messages: tuple[str, ...]
    n: int
    n_groups: int
    fe_cov: np.ndarray

    @property
    def site_variance(self) -> float:
        return float(np.asarray(self.result.cov_re)[0, 0])

    @property
    def residual_variance(self) -> float:
        return float(self.result.scale)


_FATAL_MESSAGES = ("optimization failed", "Retrying MixedLM", "Gradient optimization failed")


def fit_random_intercept(
    endog: pd.Series,
    exog: pd.DataFrame,
    groups: pd.Series,
    *,
    reml: bool = True,
    methods: Sequence[str] = DEFAULT_METHODS,
) -> MixedFit:
    """Fit ``endog ~ exog + (1 | groups)`` with statsmodels ``MixedLM``, without warnings.

    The optimisers in ``methods`` are tried in turn; the first fit that converges to a
    finite likelihood with a positive site variance is kept. A fit with the site variance at
    zero is compared with the other optimisers' fits and the highest likelihood wins.
    Warnings are recorded in the result rather than emitted: the boundary warning of
    statsmodels (site variance below 0.01 in absolute terms) and a Hessian that is not
    positive definite are kept as messages, while an optimiser that does not converge makes
    the next one be tried.

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
    methods : sequence of str
        Optimisers of ``MixedLM.fit`` to try in turn.

    Returns
    -------
    MixedFit

    Raises
    ------
    InsufficientDataError
        With fewer than two sites or no residual degrees of freedom.
    ModelFitError
        When every optimiser fails with an exception.
    """
    from statsmodels.regression.mixed_linear_model import MixedLM

    n, n_groups = len(endog), int(pd.Series(groups).nunique())
    if n_groups < 2 or n <= exog.shape[1] + 1:
        raise InsufficientDataError(
            f"a random-intercept model needs at least two sites and more rows than "
            f"parameters; got {n} row(s), {n_groups} site(s), {exog.shape[1]} fixed effect(s)"
        )

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
    boundary = bool(between <= 1e-6 * (between + within))
    return MixedFit(result=result, converged=converged, boundary=boundary, method=method,
                    messages=messages, n=n, n_groups=g,
                    fe_cov=_conditional_fe_cov(result, between, within))


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
    result = fit.result
    names = list(result.model.exog_names)
    params = np.asarray(result.fe_params, dtype=float)
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


@dataclass(frozen=True, kw_only=True)
class VarianceComponents:
    """REML variance components of a random-intercept model ``value ~ 1 + (1 | site)``.

    ``icc`` is ``site_variance / (site_variance + residual_variance)``.
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


def variance_components(
    frame: pd.DataFrame,
    *,
    value: str = C.SCORE,
    group: str = C.SITE,
    reml: bool = True,
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

    Returns
    -------
    VarianceComponents

    Notes
    -----
    The model is :math:`y_{gi} = \\mu + u_g + e_{gi}` with :math:`u_g \\sim N(0, \\tau^2)` and
    :math:`e_{gi} \\sim N(0, \\sigma^2)`; the ICC is :math:`\\tau^2 / (\\tau^2 + \\sigma^2)`.
    Unlike the ANOVA ICC(1) it cannot be negative: when sites differ less than chance
    would make them, :math:`\\tau^2` is 0 and ``boundary`` is True. The fit is done by
    :func:`fit_random_intercept`, which records rather than emits convergence warnings.

    Examples
    --------
    In R: ``m <- lme4::lmer(score ~ 1 + (1 | site), d, REML = TRUE);
    vc <- as.data.frame(lme4::VarCorr(m)); vc$vcov[1] / sum(vc$vcov)``.
    """
    require_columns(frame, [value, group])
    y = numeric_values(frame, value)
    keep = y.notna() & frame[group].notna()
    y = y[keep].reset_index(drop=True)
    groups = frame.loc[keep, group].reset_index(drop=True)
    exog = pd.DataFrame({"Intercept": np.ones(len(y))})
    fit = fit_random_intercept(y, exog, groups, reml=reml)
    between, within = fit.site_variance, fit.residual_variance
    return VarianceComponents(
        site_variance=between, residual_variance=within,
        icc=between / (between + within) if between + within > 0 else np.nan,
        intercept=float(np.asarray(fit.result.fe_params)[0]),
        n=fit.n, n_groups=fit.n_groups, converged=fit.converged, boundary=fit.boundary,
        method=fit.method, messages=fit.messages,
    )


# ---------------------------------------------------------------------------------------------
# rwg(j): agreement within a site against a uniform null


def rwg_j(
    items: pd.DataFrame,
    *,
    value: str = C.VALUE,
    item: str = C.ITEM,
    group: str = C.SITE,
    respondent: str = C.RESPONDENT,
    n_options: int = 5,
    truncate: bool = True,
) -> pd.DataFrame:
    """Within-site agreement rwg(j) on the items of one scale (James, Demaree & Wolf 1984).

    Parameters
    ----------
    items : pandas.DataFrame
        Long item answers of one scale and one wave: one row per respondent and item, with
        missing values as NaN (e.g. :attr:`evaluation.ingest.SurveyData.responses` filtered
        to the scale's items).
    value, item, group, respondent : str
        Column names.
    n_options : int
        A, the number of answer options (5 for the default instrument).
    truncate : bool
        Set rwg(j) to 0 when the mean observed variance exceeds the null variance (the usual
        practice, also in ``multilevel::rwg.j``); otherwise the formula's value is returned
        (which can be negative or exceed 1 in that case).

    Returns
    -------
    pandas.DataFrame
        One row per site: ``group, n, n_items, mean_item_variance, rwg_j``. ``n`` counts
        respondents with at least one valid answer, ``n_items`` the items whose variance
        could be computed (two valid answers or more). ``rwg_j`` is NaN for a site without
        such an item.

    Notes
    -----
    With :math:`\\bar s^2` the mean of the item variances (denominator n - 1) within the
    site, J the number of items and the variance of the uniform ("no agreement") null
    :math:`\\sigma^2_{EU} = (A^2 - 1) / 12`:

    .. math::

        r_{wg(J)} = \\frac{J(1 - \\bar s^2/\\sigma^2_{EU})}
                         {J(1 - \\bar s^2/\\sigma^2_{EU}) + \\bar s^2/\\sigma^2_{EU}}

    Item variances use each item's valid answers, so a respondent with a missing answer
    still counts for the other items. Reverse keying does not change a variance, so raw
    answers can be used.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
    reliability with and without response bias. *Journal of Applied Psychology, 69*(1),
    85-98.

    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
    reliability and interrater agreement. *Organizational Research Methods, 11*(4), 815-852.

    Examples
    --------
    In R, per site: ``s2 <- mean(apply(x, 2, var, na.rm = TRUE)); r <- s2 / ((A^2 - 1) / 12);
    J * (1 - r) / (J * (1 - r) + r)`` (0 when ``r > 1``); ``multilevel::rwg.j(x, site, 2)``
    gives the same for complete data.
    """
    require_columns(items, [value, item, group, respondent], what="item table")
    if int(n_options) != n_options or n_options < 2:
        raise StatisticsInputError(f"n_options must be an integer >= 2, got {n_options!r}")
    null_variance = (n_options**2 - 1) / 12
    values = numeric_values(items, value, what="item table")
    data = items.assign(**{value: values})
    rows = []
    for site, part in data.groupby(group, sort=True, observed=True):
        wide = part.pivot_table(index=respondent, columns=item, values=value,
                                aggfunc="first", dropna=False, observed=True)
        variances = wide.var(axis=0, ddof=1, skipna=True).dropna()
        n_resp = int(wide.notna().any(axis=1).sum())
        j = len(variances)
        if j == 0:
            rows.append({group: site, C.N: n_resp, N_ITEMS: 0,
                         MEAN_ITEM_VARIANCE: np.nan, RWG_J: np.nan})
            continue
        mean_var = float(variances.mean())
        ratio = mean_var / null_variance
        if truncate and ratio > 1:
            rwg = 0.0
        else:
            denominator = j * (1 - ratio) + ratio
            rwg = j * (1 - ratio) / denominator if denominator != 0 else np.nan
        rows.append({group: site, C.N: n_resp, N_ITEMS: j,
                     MEAN_ITEM_VARIANCE: mean_var, RWG_J: float(rwg)})
    return pd.DataFrame(rows, columns=[group, C.N, N_ITEMS, MEAN_ITEM_VARIANCE, RWG_J])


# ---------------------------------------------------------------------------------------------
# the table per scale with its reading


_READINGS: dict[str, tuple[str, str]] = {
    MEANINGFUL: (
        "Site means are meaningful: sites differ clearly and their means are reliable.",
        "Standortmittelwerte sind aussagekräftig: Die Standorte unterscheiden sich deutlich, "
        "und ihre Mittelwerte sind verlässlich.",
    ),
    USABLE_WITH_CARE: (
        "Site means can be used with care: sites differ, but a site mean is only moderately "
        "reliable; read it together with its confidence interval.",
        "Standortmittelwerte sind mit Vorsicht nutzbar: Die Standorte unterscheiden sich, "
        "aber ein Standortmittelwert ist nur mäßig verlässlich; bitte immer mit dem "
        "Vertrauensintervall lesen.",
    ),
    UNRELIABLE: (
        "Site means are not reliable enough to compare sites: the differences between sites "
        "are small compared with the spread within sites at this number of respondents.",
        "Standortmittelwerte sind für Vergleiche zwischen Standorten nicht verlässlich "
        "genug: Die Unterschiede zwischen den Standorten sind klein im Vergleich zur Streuung "
        "innerhalb der Standorte bei dieser Zahl von Befragten.",
    ),
    NO_SITE_DIFFERENCES: (
        "Sites hardly differ: almost all variation lies between respondents within a site, "
        "so the pool says more than site comparisons.",
        "Die Standorte unterscheiden sich kaum: Fast die gesamte Streuung liegt zwischen den "
        "Befragten innerhalb eines Standorts; der Pool sagt hier mehr als Standortvergleiche.",
    ),
    NOT_ESTIMABLE: (
        "Not enough data to judge whether site means are meaningful.",
        "Zu wenige Daten, um zu beurteilen, ob Standortmittelwerte aussagekräftig sind.",
    ),
}

_AGREEMENT: dict[str, tuple[str, str]] = {
    "strong": (
        "Respondents within a site largely agree.",
        "Innerhalb der Standorte sind sich die Befragten weitgehend einig.",
    ),
    "moderate": (
        "Agreement within sites is moderate.",
        "Die Übereinstimmung innerhalb der Standorte ist mäßig.",
    ),
    "weak": (
        "Respondents within a site often disagree, so a site mean hides different views.",
        "Innerhalb der Standorte gehen die Einschätzungen oft auseinander; ein Mittelwert "
        "verdeckt unterschiedliche Sichtweisen.",
    ),
}


def aggregation_verdict(icc1: float, icc2: float) -> str:
    """The verdict key for an ICC(1)/ICC(2) pair (thresholds in :func:`aggregation_table`)."""
    if not (np.isfinite(icc1) and np.isfinite(icc2)):
        return NOT_ESTIMABLE
    if icc1 < ICC1_NEGLIGIBLE:
        return NO_SITE_DIFFERENCES
    if icc1 >= ICC1_SUBSTANTIAL and icc2 >= ICC2_RELIABLE:
        return MEANINGFUL
    if icc2 >= ICC2_USABLE:
        return USABLE_WITH_CARE
    return UNRELIABLE


def aggregation_reading(icc1: float, icc2: float, rwg_median: float = np.nan
                        ) -> tuple[str, str, str]:
    """Verdict key and the English and German reading for one scale."""
    verdict = aggregation_verdict(icc1, icc2)
    english, german = _READINGS[verdict]
    if np.isfinite(rwg_median) and verdict != NOT_ESTIMABLE:
        level = ("strong" if rwg_median >= RWG_STRONG
                 else "moderate" if rwg_median >= RWG_MODERATE else "weak")
        english = f"{english} {_AGREEMENT[level][0]}"
        german = f"{german} {_AGREEMENT[level][1]}"
    return verdict, english, german


def aggregation_table(
    scores: pd.DataFrame,
    items: pd.DataFrame | None = None,
    *,
    scale_items: Mapping[str, Sequence[str]] | None = None,
    by: Sequence[str] = (C.WAVE, C.SCALE),
    value: str = C.SCORE,
    group: str = C.SITE,
    scale: str = C.SCALE,
    item: str = C.ITEM,
    item_value: str = C.VALUE,
    respondent: str = C.RESPONDENT,
    n_options: int = 5,
    group_size: Literal["k0", "mean"] = "k0",
) -> pd.DataFrame:
    """ICC(1), ICC(2), REML ICC and rwg(j) per scale, with a reading in English and German.

    Parameters
    ----------
    scores : pandas.DataFrame
        Tidy scores as returned by ``evaluation.scales.score_scales``: one row per
        respondent, wave and scale.
    items : pandas.DataFrame, optional
        Long item answers (``respondent, site, wave, item, value``) for rwg(j). Without it
        (or without ``scale_items``) the rwg columns are NaN and the reading leaves out
        agreement.
    scale_items : mapping, optional
        Scale key to the keys of its items.
    by : sequence of str
        Columns that define one table row; each must be in ``scores`` (and, apart from
        ``scale``, in ``items``).
    value, group, scale, item, item_value, respondent : str
        Column names.
    n_options : int
        Number of answer options, for the rwg(j) null variance.
    group_size : {"k0", "mean"}
        k in ICC(1), see :func:`icc`.

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` combination with ``n, n_groups, icc1, icc2, statistic`` (ANOVA F),
        ``df_between, df_within, pvalue, icc_reml, site_variance, residual_variance,
        converged`` (REML fit), ``rwg_mean, rwg_median, rwg_share_agree`` (share of sites
        with rwg(j) >= .70), ``n_rwg_groups, verdict, reading_en, reading_de``.

    Notes
    -----
    The reading uses these thresholds:

    * ICC(1) < .01: sites hardly differ (``no_site_differences``); .01 is the "small" effect
      of LeBreton & Senter (2008, Table 3), below it a grouping explains practically nothing.
    * ICC(1) >= .05 and ICC(2) >= .70: ``meaningful``. Bliese (2000) reports ICC(1) values of
      .05 to .20 as typical of meaningful group effects; ICC(2) >= .70 is the conventional
      bar for reliable group means (LeBreton & Senter 2008, question 17).
    * ICC(2) >= .50 otherwise: ``usable_with_care``. The .50 bound is this package's choice,
      not a published standard.
    * else ``unreliable``.
    * Agreement from the median rwg(j) across sites: >= .70 strong, .50 to .70 moderate,
      below .50 weak (after LeBreton & Senter 2008, Table 3).

    References
    ----------
    Bliese, P. D. (2000), see :func:`icc`.

    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
    reliability and interrater agreement. *Organizational Research Methods, 11*(4), 815-852.

    Examples
    --------
    In R, per wave and scale: ``aov(score ~ factor(site))`` for ICC(1)/ICC(2) (see
    :func:`icc`), ``lme4::lmer(score ~ 1 + (1 | site), REML = TRUE)`` for ``icc_reml``, and
    rwg(j) by hand or ``multilevel::rwg.j`` (see :func:`rwg_j`).
    """
    by = list(by)
    require_columns(scores, [*by, value, group], what="scores")
    if items is not None and scale_items is not None:
        item_by = [b for b in by if b != scale]
        require_columns(items, [*item_by, item, item_value, group, respondent],
                        what="item table")
    rows = []
    for key, part in scores.groupby(by, sort=True, observed=True):
        key = key if isinstance(key, tuple) else (key,)
        row: dict[str, Any] = dict(zip(by, key, strict=True))
        try:
            result = icc(part, value=value, group=group, group_size=group_size)
        except InsufficientDataError as exc:
            log.info("aggregation: %s skipped: %s", row, exc)
            result = None
        row[C.N] = int(numeric_values(part, value).notna().sum())
        row[N_GROUPS] = int(part[group].nunique())
        row.update({
            ICC1: result.icc1 if result else np.nan,
            ICC2: result.icc2 if result else np.nan,
            C.STATISTIC: result.statistic if result else np.nan,
            DF_BETWEEN: result.df_between if result else np.nan,
            DF_WITHIN: result.df_within if result else np.nan,
            C.PVALUE: result.pvalue if result else np.nan,
        })
        row.update(_reml_columns(part, value=value, group=group))
        row.update(_rwg_columns(
            items, scale_items, row, by=by, scale=scale, item=item,
            item_value=item_value, group=group, respondent=respondent, n_options=n_options))
        row[VERDICT], row[READING_EN], row[READING_DE] = aggregation_reading(
            row[ICC1], row[ICC2], row[RWG_MEDIAN])
        rows.append(row)
    columns = [*by, C.N, N_GROUPS, ICC1, ICC2, C.STATISTIC, DF_BETWEEN, DF_WITHIN, C.PVALUE,
               ICC_REML, SITE_VARIANCE, RESIDUAL_VARIANCE, CONVERGED, RWG_MEAN, RWG_MEDIAN,
               RWG_SHARE_AGREE, N_RWG_GROUPS, VERDICT, READING_EN, READING_DE]
    return pd.DataFrame(rows, columns=columns)


def _reml_columns(part: pd.DataFrame, *, value: str, group: str) -> dict[str, Any]:
    try:
        vc = variance_components(part, value=value, group=group)
    except (InsufficientDataError, ModelFitError) as exc:
        log.info("aggregation: REML variance components skipped: %s", exc)
        return {ICC_REML: np.nan, SITE_VARIANCE: np.nan, RESIDUAL_VARIANCE: np.nan,
                CONVERGED: False}
    return {ICC_REML: vc.icc, SITE_VARIANCE: vc.site_variance,
            RESIDUAL_VARIANCE: vc.residual_variance, CONVERGED: vc.converged}


def _rwg_columns(items: pd.DataFrame | None, scale_items: Mapping[str, Sequence[str]] | None,
                 row: Mapping[str, Any], *, by: list[str], scale: str, item: str,
                 item_value: str, group: str, respondent: str, n_options: int
                 ) -> dict[str, Any]:
    empty = {RWG_MEAN: np.nan, RWG_MEDIAN: np.nan, RWG_SHARE_AGREE: np.nan, N_RWG_GROUPS: 0}
    if items is None or scale_items is None or row.get(scale) not in scale_items:
        return empty
    mask = items[item].isin(list(scale_items[row[scale]]))
    for column in by:
        if column != scale:
            mask &= items[column] == row[column]
    table = rwg_j(items[mask], value=item_value, item=item, group=group,
                  respondent=respondent, n_options=n_options)
    values = table[RWG_J].dropna()
    if values.empty:
        return empty
    return {RWG_MEAN: float(values.mean()), RWG_MEDIAN: float(values.median()),
            RWG_SHARE_AGREE: float((values >= RWG_STRONG).mean()),
            N_RWG_GROUPS: len(values)}
