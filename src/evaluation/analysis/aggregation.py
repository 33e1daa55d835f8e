"""May site means be shown? ICC(1), ICC(2), REML variance components and rwg(j).

Before a report compares municipalities by their mean scores, the evaluator checks per scale
that respondents of one site resemble each other more than respondents of different sites
(ICC(1)), that a site mean is a reliable number (ICC(2)), and that respondents within a site
agree (rwg(j)). :func:`aggregation_table` puts the three together, one row per wave and
scale, with a verdict key; its plain-language reading in English and German is in
:mod:`evaluation.report.readings`.

The estimators come from :mod:`evaluation.stats` (:func:`~evaluation.stats.icc`, the exact
REML variance components, :func:`~evaluation.stats.rwg_j`); this module applies them to the
scale scores of a project and states the verdict.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.analysis.vocabulary import (
    CONVERGED,
    DF_BETWEEN,
    DF_WITHIN,
    ICC1,
    ICC1_NEGLIGIBLE,
    ICC1_SUBSTANTIAL,
    ICC2,
    ICC2_RELIABLE,
    ICC2_USABLE,
    ICC_REML,
    MEANINGFUL,
    N_RWG_GROUPS,
    NO_SITE_DIFFERENCES,
    NOT_ESTIMABLE,
    RESIDUAL_VARIANCE,
    RWG_MEAN,
    RWG_MEDIAN,
    RWG_SHARE_AGREE,
    RWG_STRONG,
    SITE_VARIANCE,
    UNRELIABLE,
    USABLE_WITH_CARE,
)
from evaluation.errors import (
    InsufficientDataError,
    ModelFitError,
    StatisticsInputError,
)
from evaluation.stats import (
    ItemVariances,
    column_codes,
    group_codes,
    icc_from_codes,
    numeric_values,
    require_columns,
    rwg_from_variances,
    variance_components_of,
)

log = logging.getLogger("evaluation")

#: Level of the ANOVA F test below which a scale is never said to show no site differences.
SITE_TEST_ALPHA = 0.05



# ---------------------------------------------------------------------------------------------
# the table per scale with its reading


def aggregation_verdict(icc1: float, icc2: float, pvalue: float = np.nan) -> str:
    """The verdict key for an ICC(1)/ICC(2) pair and the p-value of the ANOVA F test
    (thresholds in :func:`aggregation_table`)."""
    if not (np.isfinite(icc1) and np.isfinite(icc2)):
        return NOT_ESTIMABLE
    if icc1 < ICC1_NEGLIGIBLE and not (np.isfinite(pvalue) and pvalue < SITE_TEST_ALPHA):
        return NO_SITE_DIFFERENCES
    if icc1 >= ICC1_SUBSTANTIAL and icc2 >= ICC2_RELIABLE:
        return MEANINGFUL
    if icc2 >= ICC2_USABLE:
        return USABLE_WITH_CARE
    return UNRELIABLE


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
    """ICC(1), ICC(2), REML ICC and rwg(j) per scale, with the verdict key of a reading.

    Parameters
    ----------
    scores : pandas.DataFrame
        Tidy scores as returned by ``evaluation.analysis.scales.score_scales``: one row per
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
        k in ICC(1), see :func:`evaluation.stats.icc.icc`.

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` combination with ``n, n_groups, icc1, icc2, statistic`` (ANOVA F),
        ``df_between, df_within, pvalue, icc_reml, site_variance, residual_variance,
        converged`` (REML fit), ``rwg_mean, rwg_median, rwg_share_agree`` (share of sites
        with rwg(j) >= .70), ``n_rwg_groups, verdict`` (the verdict key; its words are in
        :mod:`evaluation.report.readings`).

    Notes
    -----
    The reading uses these thresholds:

    * ICC(1) < .01 and the F test of the one-way ANOVA not significant (p >= .05): sites
      hardly differ (``no_site_differences``); .01 is the "small" effect of LeBreton &
      Senter (2008, Table 3), below it a grouping explains practically nothing. Where the F
      test finds differences (p < .05) the scale is never called free of site differences,
      because the partner reports flag single sites by a test of the same data; it then
      falls to the ICC(2) rules below (usually ``unreliable``: the differences are real but
      small against the spread within sites).
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
    Bliese, P. D. (2000), see :func:`evaluation.stats.icc.icc`.

    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
    reliability and interrater agreement. *Organizational Research Methods, 11*(4), 815-852.

    Examples
    --------
    In R, per wave and scale: ``aov(score ~ factor(site))`` for ICC(1)/ICC(2) (see
    :func:`evaluation.stats.icc.icc`), ``lme4::lmer(score ~ 1 + (1 | site), REML = TRUE)`` for
    ``icc_reml``, and rwg(j) by hand or ``multilevel::rwg.j`` (see
    :func:`evaluation.stats.rwg.rwg_j`).
    """
    by = list(by)
    require_columns(scores, [*by, value, group], what="scores")
    if items is not None and scale_items is not None:
        item_by = [b for b in by if b != scale]
        require_columns(items, [*item_by, item, item_value, group, respondent],
                        what="item table")
    # item variances of every unit (wave and site) in one pass over the item table
    variances = None
    if items is not None and scale_items is not None:
        wanted = list(dict.fromkeys(k for keys in scale_items.values() for k in keys))
        variances = ItemVariances.of(items, value=item_value,
                                     units=[*(b for b in by if b != scale), group], item=item,
                                     respondent=respondent,
                                     rows=items[item].isin(wanted).to_numpy())
    if group_size not in ("k0", "mean"):
        raise StatisticsInputError(f"group_size must be 'k0' or 'mean', got {group_size!r}")
    # one pass over the scores: codes of the rows (by) and of the sites, then array slices
    y_all = numeric_values(scores, value, what="scores").to_numpy()
    site_all, site_keys = column_codes(scores[group])
    unit, keys = group_codes(scores, by)
    order = np.argsort(unit, kind="stable")
    bounds = np.searchsorted(unit[order], np.arange(len(keys) + 1))
    rows = []
    for u in range(len(keys)):
        rows_of_unit = order[bounds[u]:bounds[u + 1]]
        row: dict[str, Any] = {b: keys[b].iat[u] for b in by}
        y, sites = y_all[rows_of_unit], site_all[rows_of_unit]
        finite = ~np.isnan(y)  # as notna(): what the ANOVA and the model use
        row[C.N] = int(finite.sum())
        row[C.N_GROUPS] = len(np.unique(sites[sites >= 0]))
        keep = finite & (sites >= 0)
        y, sites = y[keep], sites[keep]
        try:
            result = icc_from_codes(y, sites, len(site_keys), group_size=group_size, group=group)
        except InsufficientDataError as exc:
            log.info("aggregation: %s skipped: %s", row, exc)
            result = None
        row.update({
            ICC1: result.icc1 if result else np.nan,
            ICC2: result.icc2 if result else np.nan,
            C.STATISTIC: result.statistic if result else np.nan,
            DF_BETWEEN: result.df_between if result else np.nan,
            DF_WITHIN: result.df_within if result else np.nan,
            C.PVALUE: result.pvalue if result else np.nan,
        })
        row.update(_reml_columns(y, sites, len(site_keys)))
        row.update(_rwg_columns(variances, scale_items, row, by=by, scale=scale, group=group,
                                n_options=n_options))
        row[C.VERDICT] = aggregation_verdict(row[ICC1], row[ICC2], row[C.PVALUE])
        rows.append(row)
    columns = [*by, C.N, C.N_GROUPS, ICC1, ICC2, C.STATISTIC, DF_BETWEEN, DF_WITHIN, C.PVALUE,
               ICC_REML, SITE_VARIANCE, RESIDUAL_VARIANCE, CONVERGED, RWG_MEAN, RWG_MEDIAN,
               RWG_SHARE_AGREE, N_RWG_GROUPS, C.VERDICT]
    return pd.DataFrame(rows, columns=columns)


def _reml_columns(y: np.ndarray, sites: np.ndarray, n_sites: int) -> dict[str, Any]:
    try:
        vc = variance_components_of(y, sites, n_sites)
    except (InsufficientDataError, ModelFitError) as exc:
        log.info("aggregation: REML variance components skipped: %s", exc)
        return {ICC_REML: np.nan, SITE_VARIANCE: np.nan, RESIDUAL_VARIANCE: np.nan,
                CONVERGED: False}
    return {ICC_REML: vc.icc, SITE_VARIANCE: vc.site_variance,
            RESIDUAL_VARIANCE: vc.residual_variance, CONVERGED: vc.converged}


def _rwg_columns(variances: ItemVariances | None,
                 scale_items: Mapping[str, Sequence[str]] | None, row: Mapping[str, Any], *,
                 by: list[str], scale: str, group: str, n_options: int) -> dict[str, Any]:
    empty = {RWG_MEAN: np.nan, RWG_MEDIAN: np.nan, RWG_SHARE_AGREE: np.nan, N_RWG_GROUPS: 0}
    if variances is None or scale_items is None or row.get(scale) not in scale_items:
        return empty
    keep = np.ones(len(variances.units), dtype=bool)
    for column in by:
        if column != scale:
            keep &= (variances.units[column] == row[column]).to_numpy()
    j, mean_var = variances.scale(variances.columns(scale_items[row[scale]]))
    rwg = rwg_from_variances(j[keep], mean_var[keep], n_options=n_options, truncate=True)
    values = rwg[np.isfinite(rwg)]
    if not len(values):
        return empty
    return {RWG_MEAN: float(values.mean()), RWG_MEDIAN: float(np.median(values)),
            RWG_SHARE_AGREE: float((values >= RWG_STRONG).mean()),
            N_RWG_GROUPS: len(values)}


__all__ = [
    "aggregation_table",
    "aggregation_verdict",
]
