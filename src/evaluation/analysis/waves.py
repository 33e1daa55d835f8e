"""Change between survey waves: per site and pooled, paired for linked respondents, and in a
mixed model with random site intercepts; plus who stayed (attrition).

Respondents answer under a pseudonym, so a person who takes part in two waves can be linked.
Most respondents are not linked (people join and leave networks), so the main comparison of
two waves treats them as independent samples (Welch); the linked respondents get a paired
Wilcoxon signed-rank test of their own. :func:`~evaluation.analysis.wave_effects.wave_model`
(in :mod:`evaluation.analysis.wave_effects`) estimates the wave effects with all respondents
at once, with random intercepts for the sites. Import the public names from
:mod:`evaluation.analysis`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from evaluation import columns as C
from evaluation.analysis.aggregation import StatisticsInputError, numeric_values, require_columns
from evaluation.analysis.compare import DEFAULT_MIN_N, SUPPRESSED
from evaluation.stats import (
    Moments,
    check_confidence,
    group_moments,
    group_rows,
    renumber,
    sorted_codes,
    welch_arrays,
    welch_difference,
)

log = logging.getLogger("evaluation")

# column names of the tables of this module (in addition to evaluation.columns)
WAVE_FROM = "wave_from"
WAVE_TO = "wave_to"
N_FROM = "n_from"
N_TO = "n_to"
MEAN_FROM = "mean_from"
MEAN_TO = "mean_to"
N_LINKED = "n_linked"
N_NONZERO = "n_nonzero"
MEDIAN_DIFFERENCE = "median_difference"
LINKED = "linked"
RETENTION = "retention"

# values of the level column
SITE_LEVEL = "site"
POOL_LEVEL = "pool"



def resolve_waves(frame: pd.DataFrame, *, wave: str = C.WAVE,
                  waves: Sequence[Any] | None = None) -> tuple[Any, Any]:
    """The two waves to compare: ``waves`` if given (both must occur), else the two waves
    present, in sorted order."""
    present = sorted(frame[wave].dropna().unique().tolist())
    if waves is None:
        if len(present) != 2:
            raise StatisticsInputError(
                f"column {wave!r} holds {len(present)} wave(s) {present}; pass "
                "waves=(from, to) to choose two")
        return present[0], present[1]
    if len(waves) != 2 or waves[0] == waves[1]:
        raise StatisticsInputError(f"waves must be two different waves, got {waves!r}")
    missing = [w for w in waves if w not in present]
    if missing:
        raise StatisticsInputError(
            f"wave(s) {missing} not found in column {wave!r}; present: {present}")
    return waves[0], waves[1]


def wave_change(
    scores: pd.DataFrame,
    *,
    waves: Sequence[Any] | None = None,
    value: str = C.SCORE,
    site: str = C.SITE,
    wave: str = C.WAVE,
    by: Sequence[str] = (C.SCALE,),
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Change of the mean score from one wave to the next, per site and pooled (Welch).

    Parameters
    ----------
    scores : pandas.DataFrame
        Tidy scores (``respondent, site, wave, scale, score``).
    waves : (from, to), optional
        The two waves; by default the two waves present, in sorted order.
    value, site, wave : str
        Column names.
    by : sequence of str
        Columns that define one comparison besides the site (default the scale).
    min_n : int
        A site with fewer valid scores than this in either wave gets ``suppressed=True`` and
        NaN statistics. The pooled row uses every respondent.
    confidence : float
        Level of the interval of the difference.

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` group and site plus one pooled row (``level`` ``"site"`` or
        ``"pool"``, ``site`` missing in the pooled row): ``wave_from, wave_to, n_from, n_to,
        mean_from, mean_to, difference`` (to minus from), ``ci_low, ci_high, statistic, df,
        pvalue, suppressed``.

    Notes
    -----
    Welch's unpaired interval :math:`\\bar y_{to} - \\bar y_{from} \\pm t_{df}\\,se` (see
    :func:`evaluation.stats.welch.welch_difference`). Respondents who answered in both waves
    make the two samples dependent; treating them as independent ignores their positive
    correlation, which makes the interval wider (conservative) rather than too narrow. The
    paired view of the linked respondents is :func:`paired_change`. All sites of a ``by``
    group are tested at once from grouped moments (:mod:`evaluation.stats.welch`), with the same
    numbers as one test per site.

    Examples
    --------
    In R, per site: ``t.test(d$score[d$wave == 2], d$score[d$wave == 1])`` (Welch).
    """
    by = list(by)
    require_columns(scores, [*by, value, site, wave], what="scores")
    check_confidence(confidence)
    w0, w1 = resolve_waves(scores, wave=wave, waves=waves)
    values = numeric_values(scores, value, what="scores").to_numpy()
    usable = ~np.isnan(values) & scores[wave].isin([w0, w1]).to_numpy()
    later = scores[wave].isin([w1]).to_numpy()
    site_codes, site_labels = sorted_codes(scores[site])
    columns = [*by, C.LEVEL, site, WAVE_FROM, WAVE_TO, N_FROM, N_TO, MEAN_FROM, MEAN_TO,
               C.DIFFERENCE, C.CI_LOW, C.CI_HIGH, C.STATISTIC, C.DF, C.PVALUE, SUPPRESSED]
    parts: list[dict[str, np.ndarray]] = []
    for key, rows in group_rows(scores, by):
        rows = rows[usable[rows]]
        if not len(rows):
            continue
        head = dict(zip(by, key, strict=True))
        y, to = values[rows], later[rows]
        parts.append(_site_changes(y, to, site_codes[rows], site_labels, head, site=site,
                                   w0=w0, w1=w1, min_n=min_n, confidence=confidence))
        pool = _change_row(y[~to], y[to], head, POOL_LEVEL, None, site=site, w0=w0, w1=w1,
                           min_n=1, confidence=confidence)
        parts.append({c: np.array([pool.get(c, np.nan)], dtype=object) for c in columns})
    if not parts:
        return pd.DataFrame([], columns=columns)
    table = pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in columns},
                         columns=columns)
    # as a table built row by row (with None for the pool's site) would infer them
    return table.infer_objects()


def _site_changes(y: np.ndarray, later: np.ndarray, site_codes: np.ndarray,
                  site_labels: np.ndarray, head: dict[str, Any], *, site: str, w0: Any,
                  w1: Any, min_n: int, confidence: float) -> dict[str, np.ndarray]:
    """The site rows of one ``by`` group, all sites at once (as :func:`_change_row`).

    ``y`` are the group's scores in row order, ``later`` marks those of wave ``w1``,
    ``site_codes`` are codes of :func:`~evaluation.stats.welch.sorted_codes` into ``site_labels``
    (-1: no site; such rows count for the pool row only).
    """
    has_site = site_codes >= 0
    present, code = renumber(site_codes[has_site], len(site_labels))  # sites, sorted
    n_sites = len(present)
    cell = 2 * code + later[has_site]  # (site, wave): 2 s for w0, 2 s + 1 for w1
    n = np.bincount(cell, minlength=2 * n_sites).reshape(n_sites, 2)
    suppressed = n.min(axis=1) < min_n
    moments = group_moments(y[has_site], cell, 2 * n_sites,
                            which=np.repeat(~suppressed, 2))
    before, after = (Moments(n=moments.n[w::2], mean=moments.mean[w::2],
                             var=moments.var[w::2]) for w in (0, 1))
    diff, low, high, t, df, p = welch_arrays(after, before, confidence=confidence)
    out: dict[str, np.ndarray] = {
        **{name: np.full(n_sites, key, dtype=object) for name, key in head.items()},
        C.LEVEL: np.full(n_sites, SITE_LEVEL, dtype=object), site: site_labels[present],
        WAVE_FROM: np.full(n_sites, w0, dtype=object),
        WAVE_TO: np.full(n_sites, w1, dtype=object),
        N_FROM: n[:, 0].astype(object), N_TO: n[:, 1].astype(object),
        SUPPRESSED: suppressed.astype(object)}
    for name, column in {MEAN_FROM: before.mean, MEAN_TO: after.mean, C.DIFFERENCE: diff,
                         C.CI_LOW: low, C.CI_HIGH: high, C.STATISTIC: t, C.DF: df,
                         C.PVALUE: p}.items():
        out[name] = np.where(suppressed, np.nan, column).astype(object)
    return out


def _change_row(before: np.ndarray, after: np.ndarray, head: dict[str, Any], level: str,
                name: Any, *, site: str, w0: Any, w1: Any, min_n: int,
                confidence: float) -> dict[str, Any]:
    row: dict[str, Any] = {**head, C.LEVEL: level, site: name, WAVE_FROM: w0, WAVE_TO: w1,
                           N_FROM: len(before), N_TO: len(after),
                           SUPPRESSED: bool(min(len(before), len(after)) < min_n)}
    if row[SUPPRESSED]:
        return row
    diff, low, high, t, df, p = welch_difference(after, before, confidence=confidence)
    row.update({MEAN_FROM: float(before.mean()), MEAN_TO: float(after.mean()),
                C.DIFFERENCE: diff, C.CI_LOW: low, C.CI_HIGH: high, C.STATISTIC: t, C.DF: df,
                C.PVALUE: p})
    return row


def paired_change(
    scores: pd.DataFrame,
    *,
    waves: Sequence[Any] | None = None,
    value: str = C.SCORE,
    respondent: str = C.RESPONDENT,
    wave: str = C.WAVE,
    by: Sequence[str] = (C.SCALE,),
    min_n: int = DEFAULT_MIN_N,
    correction: bool = False,
) -> pd.DataFrame:
    """Wilcoxon signed-rank test for respondents linked by pseudonym across two waves.

    Parameters
    ----------
    scores : pandas.DataFrame
        Tidy scores; a respondent is linked when the same ``respondent`` has a valid score
        of the same ``by`` group in both waves.
    waves : (from, to), optional
        The two waves; by default the two waves present, in sorted order.
    value, respondent, wave : str
        Column names.
    by : sequence of str
        Groups tested separately (default the scale; add ``"site"`` for sites).
    min_n : int
        Groups with fewer linked respondents get ``suppressed=True`` and NaN statistics.
    correction : bool
        Continuity correction of the normal approximation (SciPy's default False; R's
        ``correct``).

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` group: ``n_linked, n_nonzero, mean_from, mean_to,
        mean_difference`` (``difference``), ``median_difference, statistic`` (V, the sum of
        the ranks of the positive differences to minus from, as R), ``pvalue, effect_size``
        (matched-pairs rank-biserial r), ``suppressed``.

    Notes
    -----
    When every difference is zero there is nothing to rank: V is 0 and the p-value and
    effect size are NaN ("not computable"), as R's ``wilcox.test`` gives.
    Differences :math:`d = y_{to} - y_{from}`; zero differences are dropped (Wilcoxon's
    convention, SciPy ``zero_method="wilcox"``, as R), the others ranked by :math:`|d|`
    with average ranks for ties. With :math:`T_+` and :math:`T_-` the rank sums of the
    positive and negative differences, the p-value is the normal approximation with tie
    correction (SciPy ``method="asymptotic"``) and the matched-pairs rank-biserial
    correlation is

    .. math:: r = \\frac{T_+ - T_-}{T_+ + T_-}

    (Kerby 2014), positive when scores rose.

    References
    ----------
    Kerby, D. S. (2014). The simple difference formula: an approach to teaching
    nonparametric correlation. *Comprehensive Psychology, 3*, 11.IT.3.1.

    Examples
    --------
    In R: ``wilcox.test(after, before, paired = TRUE, exact = FALSE, correct = FALSE)``
    (``V`` is the statistic).
    """
    by = list(by)
    require_columns(scores, [*by, value, respondent, wave], what="scores")
    w0, w1 = resolve_waves(scores, wave=wave, waves=waves)
    data = scores.assign(**{value: numeric_values(scores, value, what="scores")})
    data = data[data[value].notna() & data[wave].isin([w0, w1])]
    keys = [*by, respondent]
    duplicated = data.duplicated([*keys, wave])
    if duplicated.any():
        raise StatisticsInputError(
            f"scores must have one row per {[*keys, wave]}; duplicated: "
            f"{data.loc[duplicated, [*keys, wave]].head(5).to_dict('records')}")
    before = data[data[wave] == w0].set_index(keys)[value].rename("before")
    after = data[data[wave] == w1].set_index(keys)[value].rename("after")
    linked = pd.concat([before, after], axis=1, join="inner").reset_index()
    rows = []
    groups = linked.groupby(by, sort=True, observed=True) if by else [((), linked)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        row: dict[str, Any] = {**dict(zip(by, key, strict=True)), WAVE_FROM: w0, WAVE_TO: w1}
        row.update(_paired_row(part["before"].to_numpy(), part["after"].to_numpy(),
                               min_n=min_n, correction=correction))
        rows.append(row)
    columns = [*by, WAVE_FROM, WAVE_TO, N_LINKED, N_NONZERO, MEAN_FROM, MEAN_TO, C.DIFFERENCE,
               MEDIAN_DIFFERENCE, C.STATISTIC, C.PVALUE, C.EFFECT_SIZE, SUPPRESSED]
    return pd.DataFrame(rows, columns=columns)


def _paired_row(before: np.ndarray, after: np.ndarray, *, min_n: int,
                correction: bool) -> dict[str, Any]:
    d = after - before
    nonzero = d[d != 0]
    row: dict[str, Any] = {N_LINKED: len(d), N_NONZERO: len(nonzero),
                           SUPPRESSED: bool(len(d) < min_n)}
    if row[SUPPRESSED]:
        return row
    row.update({MEAN_FROM: float(before.mean()), MEAN_TO: float(after.mean()),
                C.DIFFERENCE: float(d.mean()), MEDIAN_DIFFERENCE: float(np.median(d))})
    if len(nonzero) == 0:  # nothing changed: no test (R: V = 0, p-value NaN)
        row.update({C.STATISTIC: 0.0, C.PVALUE: np.nan, C.EFFECT_SIZE: np.nan})
        return row
    ranks = stats.rankdata(np.abs(nonzero))
    t_plus = float(ranks[nonzero > 0].sum())
    t_minus = float(ranks[nonzero < 0].sum())
    result = stats.wilcoxon(nonzero, zero_method="wilcox", correction=correction,
                            method="asymptotic")
    row.update({C.STATISTIC: t_plus, C.PVALUE: float(result.pvalue),
                C.EFFECT_SIZE: (t_plus - t_minus) / (t_plus + t_minus)})
    return row


def attrition_table(
    frame: pd.DataFrame,
    *,
    waves: Sequence[Any] | None = None,
    respondent: str = C.RESPONDENT,
    site: str = C.SITE,
    wave: str = C.WAVE,
    linked_within: Literal["site", "pool"] = "site",
) -> pd.DataFrame:
    """Who answered again: per site the respondents of both waves, the linked ones and the
    retention share.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table with one or more rows per respondent and wave (respondents or scores).
    waves : (from, to), optional
        The two waves; by default the two waves present, in sorted order.
    respondent, site, wave : str
        Column names.
    linked_within : {"site", "pool"}
        Whether a pseudonym counts as linked only when it appears at the same site in both
        waves (default) or anywhere in the pool.

    Returns
    -------
    pandas.DataFrame
        One row per site plus a pooled row (``level``): ``site, wave_from, wave_to, n_from,
        n_to, linked, retention`` (linked / n_from, NaN when n_from is 0).

    Examples
    --------
    In R: ``a <- unique(d$respondent[d$wave == 1 & d$site == s]);
    b <- unique(d$respondent[d$wave == 2 & d$site == s]); length(intersect(a, b)) / length(a)``.
    """
    require_columns(frame, [respondent, site, wave])
    if linked_within not in ("site", "pool"):
        raise StatisticsInputError(
            f"linked_within must be 'site' or 'pool', got {linked_within!r}")
    w0, w1 = resolve_waves(frame, wave=wave, waves=waves)
    people = frame[[respondent, site, wave]].dropna().drop_duplicates()
    first = people[people[wave] == w0]
    second = people[people[wave] == w1]
    pool_second = set(second[respondent])
    rows = []
    for name in sorted(set(first[site]) | set(second[site])):
        a = set(first.loc[first[site] == name, respondent])
        b = set(second.loc[second[site] == name, respondent])
        linked = len(a & (b if linked_within == "site" else pool_second))
        rows.append({C.LEVEL: SITE_LEVEL, site: name, WAVE_FROM: w0, WAVE_TO: w1,
                     N_FROM: len(a), N_TO: len(b), LINKED: linked,
                     RETENTION: linked / len(a) if a else np.nan})
    a_all, b_all = set(first[respondent]), pool_second
    linked_all = (sum(r[LINKED] for r in rows) if linked_within == "site"
                  else len(a_all & b_all))
    rows.append({C.LEVEL: POOL_LEVEL, site: None, WAVE_FROM: w0, WAVE_TO: w1,
                 N_FROM: len(a_all), N_TO: len(b_all), LINKED: linked_all,
                 RETENTION: linked_all / len(a_all) if a_all else np.nan})
    return pd.DataFrame(rows, columns=[C.LEVEL, site, WAVE_FROM, WAVE_TO, N_FROM, N_TO, LINKED,
                                       RETENTION])


__all__ = [
    "LINKED",
    "MEAN_FROM",
    "MEAN_TO",
    "MEDIAN_DIFFERENCE",
    "N_FROM",
    "N_LINKED",
    "N_NONZERO",
    "N_TO",
    "POOL_LEVEL",
    "RETENTION",
    "SITE_LEVEL",
    "WAVE_FROM",
    "WAVE_TO",
    "attrition_table",
    "paired_change",
    "resolve_waves",
    "wave_change",
]
