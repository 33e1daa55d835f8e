"""Rank tests between groups: Kruskal-Wallis, Mann-Whitney, Dunn, p-value adjustment and the
"eye level" (Augenhöhe) check.

Scale scores are bounded, often skewed means of a few Likert items, so groups are compared by
rank tests: Kruskal-Wallis with epsilon squared across several groups, Mann-Whitney with the
rank-biserial correlation for two, pairwise Mann-Whitney or Dunn's test after a significant
Kruskal-Wallis, and Holm or Benjamini-Hochberg adjustment across many tests.
:func:`eye_level` asks whether volunteers, migrant organisations or other actor types rate
trust and benefit differently, and says so in plain English and German.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from . import columns as C
from .aggregation import (
    InsufficientDataError,
    StatisticsInputError,
    check_confidence,
    numeric_values,
    require_columns,
)

log = logging.getLogger("evaluation")

# column names of the tables of this module (in addition to evaluation.columns)
GROUP_A = "group_a"
GROUP_B = "group_b"
N_A = "n_a"
N_B = "n_b"
N_GROUPS = "n_groups"
ATTRIBUTE = "attribute"
TEST = "test"
EFFECT_SIZE_KIND = "effect_size_kind"
GROUPS = "groups"
DROPPED_GROUPS = "dropped_groups"
LOWEST_GROUP = "lowest_group"
HIGHEST_GROUP = "highest_group"
DIFFERENT = "different"
READING_EN = "reading_en"
READING_DE = "reading_de"

# values of the test and effect_size_kind columns
MANN_WHITNEY = "mann_whitney"
KRUSKAL_WALLIS = "kruskal_wallis"
DUNN = "dunn"
RANK_BISERIAL = "rank_biserial"
EPSILON_SQUARED = "epsilon_squared"

PAdjust = Literal["holm", "fdr_bh", "none"]
_PADJUST = ("holm", "fdr_bh", "none")


# ---------------------------------------------------------------------------------------------
# p-value adjustment


def adjust_pvalues(pvalues: Sequence[float] | np.ndarray | pd.Series,
                   method: PAdjust = "holm") -> np.ndarray:
    """Adjust p-values for multiple testing (Holm or Benjamini-Hochberg).

    Parameters
    ----------
    pvalues : array-like
        Raw p-values; NaN entries stay NaN and do not count as tests.
    method : {"holm", "fdr_bh", "none"}
        Holm's step-down family-wise adjustment, Benjamini-Hochberg false discovery rate, or
        no adjustment.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order.

    Notes
    -----
    For m tests with ordered p-values :math:`p_{(1)} \\le \\dots \\le p_{(m)}`, Holm gives
    :math:`\\tilde p_{(i)} = \\max_{j \\le i} \\min(1, (m - j + 1) p_{(j)})` and BH gives
    :math:`\\tilde p_{(i)} = \\min_{j \\ge i} \\min(1, m\\,p_{(j)} / j)`. Computed with
    ``statsmodels.stats.multitest.multipletests``.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03]).round(4).tolist()
    [0.03, 0.06, 0.06]

    In R: ``p.adjust(c(0.01, 0.04, 0.03), method = "holm")`` (``"BH"`` for ``fdr_bh``).
    """
    from statsmodels.stats.multitest import multipletests

    if method not in _PADJUST:
        raise StatisticsInputError(f"method must be one of {_PADJUST}, got {method!r}")
    p = np.asarray(pvalues, dtype=float)
    bad = p[np.isfinite(p) & ((p < 0) | (p > 1))]
    if len(bad):
        raise StatisticsInputError(f"p-values must lie in [0, 1]; got {bad[:5].tolist()}")
    out = p.copy()
    finite = np.isfinite(p)
    if method == "none" or not finite.any():
        return out
    out[finite] = multipletests(p[finite], method=method)[1]
    return out


# ---------------------------------------------------------------------------------------------
# Kruskal-Wallis with epsilon squared


@dataclass(frozen=True, kw_only=True)
class KruskalResult:
    """Kruskal-Wallis H test (tie-corrected) with epsilon squared and its bootstrap CI."""

    statistic: float
    df: int
    pvalue: float
    n: int
    n_groups: int
    epsilon_squared: float
    ci_low: float
    ci_high: float
    confidence: float
    n_boot: int
    seed: int | None


def _groups(frame: pd.DataFrame, dv: str, between: str) -> tuple[np.ndarray, np.ndarray,
                                                                   np.ndarray]:
    require_columns(frame, [dv, between])
    y = numeric_values(frame, dv)
    keep = y.notna() & frame[between].notna()
    values = y[keep].to_numpy(dtype=float)
    codes, labels = pd.factorize(frame.loc[keep, between], sort=True)
    return values, codes, np.asarray(labels)


def _h_statistic(values: np.ndarray, codes: np.ndarray) -> float:
    """Tie-corrected Kruskal-Wallis H; NaN with fewer than two groups or all values tied."""
    present = np.unique(codes)
    if len(present) < 2:
        return np.nan
    n = len(values)
    ranks = stats.rankdata(values)
    _, ties = np.unique(values, return_counts=True)
    correction = 1 - np.sum(ties**3 - ties) / (n**3 - n)
    if correction <= 0:
        return np.nan
    sizes = np.bincount(codes)
    sums = np.bincount(codes, weights=ranks)
    used = sizes > 0
    h = 12 / (n * (n + 1)) * np.sum(sums[used] ** 2 / sizes[used]) - 3 * (n + 1)
    return float(h / correction)


def epsilon_squared(statistic: float, n: int) -> float:
    """Epsilon squared of a Kruskal-Wallis H: ``H / ((n^2 - 1) / (n + 1))`` = ``H / (n - 1)``."""
    return float(statistic / ((n**2 - 1) / (n + 1)))


def kruskal(
    frame: pd.DataFrame,
    *,
    dv: str = C.SCORE,
    between: str = C.SITE,
    n_boot: int = 2000,
    confidence: float = 0.95,
    seed: int | None = 0,
) -> KruskalResult:
    """Kruskal-Wallis test of ``dv`` across ``between`` groups, with epsilon squared.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per respondent.
    dv, between : str
        Column names of the score and of the grouping.
    n_boot : int
        Bootstrap resamples for the interval of epsilon squared (0 skips it).
    confidence : float
        Level of the percentile interval.
    seed : int or None
        Seed of ``numpy.random.default_rng``; the same seed gives the same interval.

    Returns
    -------
    KruskalResult

    Raises
    ------
    InsufficientDataError
        With fewer than two groups or when all values are equal.

    Notes
    -----
    H is SciPy's tie-corrected statistic (as R ``kruskal.test``), referred to
    :math:`\\chi^2_{G-1}`. Epsilon squared is
    :math:`\\varepsilon^2 = H / ((n^2 - 1)/(n + 1)) = H/(n-1)`, as
    ``rcompanion::epsilonSquared``. The interval resamples respondents with replacement
    (not stratified by group, as rcompanion via ``boot``) and takes the percentile interval
    of the resampled epsilon squared; resamples with a single group are skipped. Rough
    magnitudes (Tomczak & Tomczak 2014, as used by rcompanion): .01 small, .08 medium,
    .26 large.

    References
    ----------
    Kelley, T. L. (1935). An unbiased correlation ratio measure. *PNAS, 21*(9), 554-559.

    Tomczak, M., & Tomczak, E. (2014). The need to report effect size estimates revisited.
    *Trends in Sport Sciences, 1*(21), 19-25.

    Examples
    --------
    In R: ``h <- kruskal.test(score ~ factor(site), d)$statistic;
    h / ((n^2 - 1) / (n + 1))`` (``rcompanion::epsilonSquared(d$score, d$site)``).
    """
    check_confidence(confidence)
    values, codes, labels = _groups(frame, dv, between)
    if len(labels) < 2:
        raise InsufficientDataError(
            f"Kruskal-Wallis needs at least two groups in column {between!r}; "
            f"found {labels.tolist()}")
    if np.unique(values).size < 2:
        raise InsufficientDataError(
            f"Kruskal-Wallis is undefined when all {len(values)} values of {dv!r} are equal")
    samples = [values[codes == k] for k in range(len(labels))]
    h, p = stats.kruskal(*samples)
    n = len(values)
    eps = epsilon_squared(float(h), n)
    low = high = np.nan
    if n_boot:
        rng = np.random.default_rng(seed)
        boot = np.empty(n_boot)
        for b in range(n_boot):
            idx = rng.integers(0, n, n)
            boot[b] = _h_statistic(values[idx], codes[idx])
        boot = boot[np.isfinite(boot)] / (n - 1)
        if len(boot):
            alpha = 1 - confidence
            low, high = (float(v) for v in np.quantile(boot, [alpha / 2, 1 - alpha / 2]))
    return KruskalResult(statistic=float(h), df=len(labels) - 1, pvalue=float(p), n=n,
                         n_groups=len(labels), epsilon_squared=eps, ci_low=low, ci_high=high,
                         confidence=confidence, n_boot=int(n_boot), seed=seed)


# ---------------------------------------------------------------------------------------------
# Mann-Whitney with the rank-biserial correlation


@dataclass(frozen=True, kw_only=True)
class MannWhitneyResult:
    """Mann-Whitney U test with the rank-biserial correlation.

    ``statistic`` is U of the first sample (R's ``W``); ``rank_biserial`` is positive when
    the first sample tends to have the higher values.
    """

    statistic: float
    pvalue: float
    rank_biserial: float
    n1: int
    n2: int
    alternative: str
    method: str
    use_continuity: bool


def mann_whitney(
    x: Sequence[float] | np.ndarray | pd.Series,
    y: Sequence[float] | np.ndarray | pd.Series,
    *,
    alternative: Literal["two-sided", "less", "greater"] = "two-sided",
    method: Literal["asymptotic", "exact", "auto"] = "asymptotic",
    use_continuity: bool = True,
) -> MannWhitneyResult:
    """Mann-Whitney U test of two samples with the rank-biserial correlation (NaN dropped).

    Parameters
    ----------
    x, y : array-like
        The two samples.
    alternative : {"two-sided", "less", "greater"}
        As in SciPy.
    method : {"asymptotic", "exact", "auto"}
        p-value method of ``scipy.stats.mannwhitneyu``. The default normal approximation
        with tie correction is what R's ``wilcox.test(exact = FALSE)`` computes, and is the
        only choice when there are ties (the rule with Likert scores).
    use_continuity : bool
        Continuity correction of the normal approximation (R's ``correct``; default True as
        in both R and SciPy).

    Returns
    -------
    MannWhitneyResult

    Notes
    -----
    With :math:`U_1` the U statistic of ``x`` (pairs with x > y plus half the ties) and
    :math:`U_2 = n_1 n_2 - U_1`:

    .. math::

        r = 1 - \\frac{2 U_2}{n_1 n_2} = \\frac{2 U_1}{n_1 n_2} - 1
          = P(X > Y) - P(X < Y)

    so r > 0 means that ``x`` tends to be higher. Rough magnitudes: .1 small, .3 medium,
    .5 large.

    References
    ----------
    Kerby, D. S. (2014). The simple difference formula: an approach to teaching
    nonparametric correlation. *Comprehensive Psychology, 3*, 11.IT.3.1.

    Examples
    --------
    >>> result = mann_whitney([3, 4, 5, 5], [1, 2, 3])
    >>> result.statistic, round(result.rank_biserial, 4)
    (11.5, 0.9167)

    In R: ``wilcox.test(x, y, exact = FALSE, correct = TRUE)`` (``W`` is the statistic);
    ``2 * W / (n1 * n2) - 1`` is the rank-biserial r.
    """
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) == 0 or len(b) == 0:
        raise InsufficientDataError(
            f"Mann-Whitney needs values in both samples; got {len(a)} and {len(b)}")
    result = stats.mannwhitneyu(a, b, use_continuity=use_continuity, alternative=alternative,
                                method=method)
    u1 = float(result.statistic)
    return MannWhitneyResult(statistic=u1, pvalue=float(result.pvalue),
                             rank_biserial=2 * u1 / (len(a) * len(b)) - 1, n1=len(a),
                             n2=len(b), alternative=alternative, method=method,
                             use_continuity=use_continuity)


def pairwise_mann_whitney(
    frame: pd.DataFrame,
    *,
    dv: str = C.SCORE,
    between: str = C.SITE,
    padjust: PAdjust = "holm",
    use_continuity: bool = True,
) -> pd.DataFrame:
    """Mann-Whitney U tests between every pair of groups, p-values adjusted across pairs.

    Returns
    -------
    pandas.DataFrame
        One row per pair (groups in sorted order, ``group_a < group_b``): ``group_a,
        group_b, n_a, n_b, statistic`` (U of group_a), ``pvalue, pvalue_adj,
        effect_size`` (rank-biserial r, positive when group_a is higher).

    Examples
    --------
    In R: ``pairwise.wilcox.test(d$score, d$site, p.adjust.method = "holm",
    exact = FALSE, correct = TRUE)``.
    """
    values, codes, labels = _groups(frame, dv, between)
    if len(labels) < 2:
        raise InsufficientDataError(
            f"pairwise tests need at least two groups in {between!r}; found {labels.tolist()}")
    rows = []
    for i, j in itertools.combinations(range(len(labels)), 2):
        result = mann_whitney(values[codes == i], values[codes == j],
                              use_continuity=use_continuity)
        rows.append({GROUP_A: labels[i], GROUP_B: labels[j], N_A: result.n1, N_B: result.n2,
                     C.STATISTIC: result.statistic, C.PVALUE: result.pvalue,
                     C.EFFECT_SIZE: result.rank_biserial})
    table = pd.DataFrame(rows)
    table.insert(6, C.PVALUE_ADJ, adjust_pvalues(table[C.PVALUE], padjust))
    return table


def dunn(
    frame: pd.DataFrame,
    *,
    dv: str = C.SCORE,
    between: str = C.SITE,
    padjust: PAdjust = "holm",
) -> pd.DataFrame:
    """Dunn's test of every pair of groups on the joint ranks, p-values adjusted.

    Returns
    -------
    pandas.DataFrame
        One row per pair (``group_a < group_b``): ``group_a, group_b, n_a, n_b, statistic``
        (z, positive when group_a has the higher mean rank), ``pvalue`` (two-sided),
        ``pvalue_adj``.

    Notes
    -----
    With ranks over all N values, mean ranks :math:`\\bar R_a, \\bar R_b` and the tie
    counts :math:`t` of the joint ranking:

    .. math::

        z = \\frac{\\bar R_a - \\bar R_b}
                 {\\sqrt{\\left(\\frac{N(N+1)}{12} - \\frac{\\sum (t^3 - t)}{12(N-1)}\\right)
                         \\left(\\frac1{n_a} + \\frac1{n_b}\\right)}}

    References
    ----------
    Dunn, O. J. (1964). Multiple comparisons using rank sums. *Technometrics, 6*(3),
    241-252.

    Examples
    --------
    In R: ``dunn.test::dunn.test(d$score, d$site, method = "holm")`` gives the same z
    (with the sign of the first-named group minus the second) and, doubling its one-sided
    p-values, the same two-sided p-values; ``tests/reference/groups.R`` computes it by hand.
    """
    values, codes, labels = _groups(frame, dv, between)
    if len(labels) < 2:
        raise InsufficientDataError(
            f"Dunn's test needs at least two groups in {between!r}; found {labels.tolist()}")
    n = len(values)
    ranks = stats.rankdata(values)
    _, ties = np.unique(values, return_counts=True)
    variance = n * (n + 1) / 12 - np.sum(ties**3 - ties) / (12 * (n - 1))
    sizes = np.bincount(codes)
    mean_ranks = np.bincount(codes, weights=ranks) / sizes
    rows = []
    for i, j in itertools.combinations(range(len(labels)), 2):
        se = np.sqrt(variance * (1 / sizes[i] + 1 / sizes[j]))
        z = (mean_ranks[i] - mean_ranks[j]) / se if se > 0 else np.nan
        rows.append({GROUP_A: labels[i], GROUP_B: labels[j], N_A: int(sizes[i]),
                     N_B: int(sizes[j]), C.STATISTIC: float(z),
                     C.PVALUE: float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else np.nan})
    table = pd.DataFrame(rows)
    table[C.PVALUE_ADJ] = adjust_pvalues(table[C.PVALUE], padjust)
    return table


# ---------------------------------------------------------------------------------------------
# the eye-level check


_DEFAULT_LABELS: dict[str, tuple[str, str]] = {
    # scales
    "trust": ("trust and equal footing", "Vertrauen und Augenhöhe"),
    "benefit": ("recognisable benefit", "erkennbarer Nutzen"),
    # attributes
    "employment": ("employment (paid or volunteer)", "Haupt- oder Ehrenamt"),
    "actor_type": ("actor type", "Akteursgruppe"),
    "decision_role": ("decision-making role", "Entscheidungsbefugnis"),
    # attribute values; the German labels are dative forms, read after "bei"
    "paid": ("paid staff", "Hauptamtlichen"),
    "volunteer": ("volunteers", "Ehrenamtlichen"),
    "administration": ("the administration / integration office",
                       "der Verwaltung / Integrationsstelle"),
    "immigration_office": ("the immigration office", "der Ausländerbehörde"),
    "social_welfare_office": ("the social welfare office", "dem Sozialamt"),
    "jobcenter": ("the Jobcenter / employment agency", "Jobcenter / Arbeitsagentur"),
    "welfare_organisation": ("welfare organisations", "Wohlfahrtsverbänden"),
    "mso": ("migrant organisations (MSO)", "Migrantenorganisationen (MSO)"),
    "association_volunteer": ("associations / volunteering", "Vereinen / im Ehrenamt"),
    "education": ("education", "Bildungseinrichtungen"),
    "business": ("business / chambers", "Unternehmen / Kammern"),
    "politics": ("politics", "der Politik"),
    "other": ("other actors", "sonstigen Akteuren"),
}


def _label(key: object, labels: Mapping[str, tuple[str, str]], language: int) -> str:
    text = str(key)
    pair = labels.get(text) or _DEFAULT_LABELS.get(text)
    return pair[language] if pair else text


def _number(value: float, german: bool) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if german else text


def eye_level(
    scores: pd.DataFrame,
    respondents: pd.DataFrame,
    *,
    scales: Sequence[str] = ("trust", "benefit"),
    by: Sequence[str] = ("employment", C.ACTOR_TYPE),
    value: str = C.SCORE,
    scale: str = C.SCALE,
    respondent: str = C.RESPONDENT,
    wave: str = C.WAVE,
    min_group_n: int = 5,
    padjust: PAdjust = "holm",
    alpha: float = 0.05,
    labels: Mapping[str, tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Do actor groups rate trust and benefit alike? ("Augenhöhe" check.)

    For each scale in ``scales`` and each respondent attribute in ``by`` (and each wave, if
    both tables have a ``wave`` column), the groups of the attribute are compared: two
    groups by Mann-Whitney with the rank-biserial r, more by Kruskal-Wallis with epsilon
    squared. All p-values of the table form one family and are adjusted together.

    Parameters
    ----------
    scores : pandas.DataFrame
        Tidy scores (``respondent, site, wave, scale, score``).
    respondents : pandas.DataFrame
        One row per respondent (and wave) with the attributes in ``by``.
    scales, by : sequence of str
        Scales to test and attributes to split by.
    value, scale, respondent, wave : str
        Column names.
    min_group_n : int
        Groups with fewer respondents are left out of the test (listed in
        ``dropped_groups``), both for stable tests and so that no statistic describes fewer
        than this many people.
    padjust : {"holm", "fdr_bh", "none"}
        Adjustment across all tests of the table (default Holm, family-wise).
    alpha : float
        Level at which an adjusted p-value counts as a difference.
    labels : mapping, optional
        English and German labels ``key -> (en, de)`` for scales, attributes and attribute
        values, overriding the built-in ones (keys of the default instrument). German labels
        of attribute values are read after "bei", so give them in the dative ("bei
        Ehrenamtlichen", "bei der Ausländerbehörde").

    Returns
    -------
    pandas.DataFrame
        One row per (wave,) scale and attribute: ``scale, attribute, test, n, n_groups,
        groups, dropped_groups, statistic, pvalue, pvalue_adj, effect_size,
        effect_size_kind, lowest_group, highest_group`` (by mean rank), ``different``
        (adjusted p < alpha), ``reading_en, reading_de``.

    Notes
    -----
    Tests use the asymptotic p-values with tie correction (Mann-Whitney with continuity
    correction), see :func:`mann_whitney` and :func:`kruskal`; no bootstrap interval is
    computed here. The wording says "differs beyond chance" only where the adjusted p-value
    is below ``alpha`` and otherwise that no difference beyond chance was found, which is
    not proof that groups rate alike.

    Examples
    --------
    In R, per scale: ``wilcox.test(score ~ employment, d, exact = FALSE)``,
    ``kruskal.test(score ~ factor(actor_type), d)``, then ``p.adjust(p, "holm")`` over all.
    """
    labels = dict(labels or {})
    require_columns(scores, [respondent, scale, value], what="scores")
    require_columns(respondents, [respondent, *by], what="respondents")
    if not 0 < alpha < 1:
        raise StatisticsInputError(f"alpha must lie between 0 and 1, got {alpha!r}")
    keys = [respondent] + ([wave] if wave in scores.columns and wave in respondents.columns
                           else [])
    duplicated = respondents.duplicated(keys)
    if duplicated.any():
        raise StatisticsInputError(
            f"respondents must have one row per {keys}; duplicated: "
            f"{respondents.loc[duplicated, keys].head(5).to_dict('records')}")
    attributes = respondents[[*keys, *[b for b in by if b not in keys]]]
    data = scores[scores[scale].isin(list(scales))]
    overlap = [c for c in by if c in data.columns and c not in keys]
    data = data.drop(columns=overlap).merge(attributes, on=keys, how="left")
    split = [wave] if len(keys) == 2 else []
    rows = []
    grouping = [*split, scale]
    for key, part in data.groupby(grouping, sort=True, observed=True):
        key = key if isinstance(key, tuple) else (key,)
        head = dict(zip(grouping, key, strict=True))
        for attribute in by:
            rows.append({**head, ATTRIBUTE: attribute,
                         **_eye_level_test(part, value=value, attribute=attribute,
                                           min_group_n=min_group_n)})
    columns = [*split, scale, ATTRIBUTE, TEST, C.N, N_GROUPS, GROUPS, DROPPED_GROUPS,
               C.STATISTIC, C.PVALUE, C.PVALUE_ADJ, C.EFFECT_SIZE, EFFECT_SIZE_KIND,
               LOWEST_GROUP, HIGHEST_GROUP, DIFFERENT, READING_EN, READING_DE]
    table = pd.DataFrame(rows)
    if table.empty:
        return pd.DataFrame(columns=columns)
    table[C.PVALUE_ADJ] = adjust_pvalues(table[C.PVALUE], padjust)
    table[DIFFERENT] = table[C.PVALUE_ADJ] < alpha
    m = int(table[C.PVALUE].notna().sum())
    readings = [_eye_level_reading(row, scale=scale, labels=labels, m=m, padjust=padjust)
                for row in table.to_dict("records")]
    table[READING_EN] = [r[0] for r in readings]
    table[READING_DE] = [r[1] for r in readings]
    return table[columns]


def _eye_level_test(part: pd.DataFrame, *, value: str, attribute: str,
                    min_group_n: int) -> dict[str, Any]:
    values = pd.to_numeric(part[value], errors="coerce")
    frame = pd.DataFrame({"y": values, "g": part[attribute]}).dropna()
    sizes = frame.groupby("g", sort=True, observed=True).size()
    kept = sizes[sizes >= min_group_n].index.tolist()
    dropped = sizes[sizes < min_group_n].index.tolist()
    frame = frame[frame["g"].isin(kept)]
    out: dict[str, Any] = {
        TEST: None, C.N: len(frame), N_GROUPS: len(kept),
        GROUPS: ", ".join(map(str, kept)), DROPPED_GROUPS: ", ".join(map(str, dropped)),
        C.STATISTIC: np.nan, C.PVALUE: np.nan, C.EFFECT_SIZE: np.nan,
        EFFECT_SIZE_KIND: None, LOWEST_GROUP: None, HIGHEST_GROUP: None,
    }
    if len(kept) < 2 or frame["y"].nunique() < 2:
        log.info("eye level: %s has fewer than two groups of at least %d respondents "
                 "(or no variation); not tested", attribute, min_group_n)
        return out
    ranks = stats.rankdata(frame["y"])
    mean_ranks = pd.Series(ranks, index=frame.index).groupby(frame["g"]).mean()
    out[LOWEST_GROUP] = mean_ranks.idxmin()
    out[HIGHEST_GROUP] = mean_ranks.idxmax()
    if len(kept) == 2:
        a, b = kept
        result = mann_whitney(frame.loc[frame["g"] == a, "y"], frame.loc[frame["g"] == b, "y"])
        out.update({TEST: MANN_WHITNEY, C.STATISTIC: result.statistic,
                    C.PVALUE: result.pvalue, C.EFFECT_SIZE: result.rank_biserial,
                    EFFECT_SIZE_KIND: RANK_BISERIAL})
    else:
        k = kruskal(frame, dv="y", between="g", n_boot=0)
        out.update({TEST: KRUSKAL_WALLIS, C.STATISTIC: k.statistic, C.PVALUE: k.pvalue,
                    C.EFFECT_SIZE: k.epsilon_squared, EFFECT_SIZE_KIND: EPSILON_SQUARED})
    return out


def _eye_level_reading(row: Mapping[str, Any], *, scale: str,
                       labels: Mapping[str, tuple[str, str]], m: int,
                       padjust: str) -> tuple[str, str]:
    scale_en, scale_de = (_label(row[scale], labels, i) for i in (0, 1))
    attr_en, attr_de = (_label(row[ATTRIBUTE], labels, i) for i in (0, 1))
    if row[TEST] is None:
        return (
            f"Ratings of “{scale_en}” by {attr_en} were not tested: fewer than two groups "
            "with enough respondents.",
            f"Die Bewertungen von „{scale_de}“ nach {attr_de} wurden nicht geprüft: weniger "
            "als zwei Gruppen mit genügend Befragten.",
        )
    adjusted_en = (f"after adjusting for {m} tests" if padjust != "none" and m > 1
                   else "")
    adjusted_de = (f"nach Korrektur für {m} Tests" if padjust != "none" and m > 1 else "")
    low_en, low_de = (_label(row[LOWEST_GROUP], labels, i) for i in (0, 1))
    high_en, high_de = (_label(row[HIGHEST_GROUP], labels, i) for i in (0, 1))
    if not row[DIFFERENT]:
        tail_en = f" ({adjusted_en})" if adjusted_en else ""
        tail_de = f" ({adjusted_de})" if adjusted_de else ""
        return (
            f"Ratings of “{scale_en}” show no difference by {attr_en} beyond chance{tail_en}; "
            "this does not prove that all groups see it the same way.",
            f"Die Bewertungen von „{scale_de}“ unterscheiden sich nach {attr_de} nicht über "
            f"den Zufall hinaus{tail_de}; gleich sehen es deshalb nicht zwingend alle "
            "Gruppen.",
        )
    effect = float(row[C.EFFECT_SIZE])
    if row[TEST] == MANN_WHITNEY:
        size_en = f"rank-biserial r = {_number(abs(effect), False)}"
        size_de = f"Rang-biseriales r = {_number(abs(effect), True)}"
        return (
            f"Ratings of “{scale_en}” are lower among {low_en} than among {high_en} "
            f"({size_en}; a difference beyond chance{', ' + adjusted_en if adjusted_en else ''}).",
            f"Die Bewertungen von „{scale_de}“ sind bei {low_de} niedriger als bei {high_de} "
            f"({size_de}; ein Unterschied über den Zufall hinaus"
            f"{', ' + adjusted_de if adjusted_de else ''}).",
        )
    return (
        f"Ratings of “{scale_en}” differ by {attr_en} (epsilon squared = "
        f"{_number(effect, False)}; beyond chance{', ' + adjusted_en if adjusted_en else ''}): "
        f"lowest among {low_en}, highest among {high_en}.",
        f"Die Bewertungen von „{scale_de}“ unterscheiden sich je nach {attr_de} "
        f"(Epsilon-Quadrat = {_number(effect, True)}; über den Zufall hinaus"
        f"{', ' + adjusted_de if adjusted_de else ''}): am niedrigsten bei {low_de}, am "
        f"höchsten bei {high_de}.",
    )
