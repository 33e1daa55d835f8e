"""Ideas from idea workshops: feasibility x impact matrix, quick wins, rater agreement, funnel.

Inputs are the ``ideas`` and ``idea_ratings`` tables of
:class:`~evaluation.participation_io.ParticipationData`: every rater rates ideas on
feasibility, impact and innovation (1-5), and each idea has a status ``idea``, ``planned``
or ``implemented``.

Quadrants of the matrix (thresholds on the mean ratings, default 3.5 on the 1-5 scale, i.e.
half-way between the neutral midpoint 3 and "rather agree" 4, so an idea must be rated clearly
positive on average):

=================  ===================  =========================================
quadrant           rule                 meaning
=================  ===================  =========================================
``quick_win``      impact >= t_i and    start first: visible results soon
                   feasibility >= t_f
``major_project``  impact >= t_i only   worth it, needs resources and time
``fill_in``        feasibility >= t_f   easy, little effect
                   only
``low_priority``   neither              park
=================  ===================  =========================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from . import columns as C
from .errors import EvaluationError
from .network import SHARE

if TYPE_CHECKING:
    from .participation_io import ParticipationData

IDEA = "idea"
RATER = "rater"
QUADRANT = "quadrant"
RANK = "rank"
CRITERION = "criterion"
STAGE = "stage"
N_RATERS = "n_raters"
CRITERIA: tuple[str, ...] = ("feasibility", "impact", "innovation")
STATUSES: tuple[str, ...] = ("idea", "planned", "implemented")

#: Quadrants in reporting order (quick wins first) with German and English labels.
QUADRANTS: Mapping[str, tuple[str, str]] = {
    "quick_win": ("Schnelle Erfolge (Quick Wins)", "Quick wins"),
    "major_project": ("Große Vorhaben", "Major projects"),
    "fill_in": ("Leicht umsetzbar, geringe Wirkung", "Fill-ins"),
    "low_priority": ("Zurückstellen", "Low priority"),
}


class IdeaInputError(EvaluationError, ValueError):
    """Idea tables or parameters are unusable."""


def _need(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise IdeaInputError(f"the {what} table lacks column(s) {missing}; it has "
                             f"{list(frame.columns)}")


def _ratings_with_site(ideas: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    _need(ideas, (IDEA, C.SITE), "ideas")
    _need(ratings, (IDEA, RATER, *CRITERIA), "idea_ratings")
    unknown = sorted(set(ratings[IDEA].dropna()) - set(ideas[IDEA]))
    if unknown:
        raise IdeaInputError(f"idea_ratings name ideas {unknown} missing from the ideas table")
    frame = ratings[[IDEA, RATER, *CRITERIA]].merge(ideas[[IDEA, C.SITE]], on=IDEA,
                                                    how="left", validate="many_to_one")
    for criterion in CRITERIA:
        frame[criterion] = pd.to_numeric(frame[criterion], errors="coerce").astype(float)
    return frame


def classify(impact: float, feasibility: float, *, impact_threshold: float = 3.5,
             feasibility_threshold: float = 3.5) -> str | None:
    """Quadrant key of one idea from its mean impact and feasibility (None if unrated)."""
    if np.isnan(impact) or np.isnan(feasibility):
        return None
    high_impact = impact >= impact_threshold
    feasible = feasibility >= feasibility_threshold
    if high_impact and feasible:
        return "quick_win"
    if high_impact:
        return "major_project"
    if feasible:
        return "fill_in"
    return "low_priority"


def idea_matrix(ideas: pd.DataFrame, ratings: pd.DataFrame, *,
                impact_threshold: float = 3.5,
                feasibility_threshold: float = 3.5) -> pd.DataFrame:
    """Mean ratings of every idea with its quadrant, quick wins first.

    Parameters
    ----------
    ideas, ratings
        The ``ideas`` and ``idea_ratings`` tables.
    impact_threshold, feasibility_threshold
        Lowest mean that counts as high (default 3.5 on the 1-5 scale; see the module
        docstring).

    Returns
    -------
    DataFrame
        One row per idea: ``site``, ``idea``, ``title``, ``status``, ``n_raters``,
        ``feasibility``, ``impact``, ``innovation`` (means), ``quadrant`` (None without
        ratings) and ``rank`` within the site. Rows are ordered per site by quadrant
        (quick wins, major projects, fill-ins, low priority, unrated), then by mean impact
        and mean feasibility (both descending), then idea key.
    """
    for name, value in (("impact_threshold", impact_threshold),
                        ("feasibility_threshold", feasibility_threshold)):
        if not 1 <= value <= 5:
            raise IdeaInputError(f"{name} must lie on the 1-5 rating scale, got {value!r}")
    frame = _ratings_with_site(ideas, ratings)
    means = frame.groupby(IDEA)[list(CRITERIA)].mean()
    counts = frame.groupby(IDEA)[RATER].nunique()
    table = ideas[[c for c in (C.SITE, IDEA, "title", C.STATUS) if c in ideas]].copy()
    table[N_RATERS] = table[IDEA].map(counts).fillna(0).astype(int)
    for criterion in CRITERIA:
        table[criterion] = table[IDEA].map(means[criterion]).astype(float)
    table[QUADRANT] = [classify(i, f, impact_threshold=impact_threshold,
                                feasibility_threshold=feasibility_threshold)
                       for i, f in zip(table["impact"], table["feasibility"], strict=True)]
    order = {q: k for k, q in enumerate(QUADRANTS)}
    table["_q"] = table[QUADRANT].map(order).fillna(len(order))
    table["_i"] = -table["impact"].fillna(-np.inf)
    table["_f"] = -table["feasibility"].fillna(-np.inf)
    table = table.sort_values([C.SITE, "_q", "_i", "_f", IDEA], kind="stable")
    table[RANK] = table.groupby(C.SITE).cumcount() + 1
    return table.drop(columns=["_q", "_i", "_f"]).reset_index(drop=True)


def quick_wins(matrix: pd.DataFrame) -> pd.DataFrame:
    """The quick-win rows of an :func:`idea_matrix`, in their order."""
    return matrix[matrix[QUADRANT] == "quick_win"].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# rater agreement


@dataclass(frozen=True, kw_only=True)
class KendallW:
    """Kendall's coefficient of concordance for one complete rater x item block."""

    statistic: float
    n_raters: int
    n_items: int
    chi2: float
    df: int
    pvalue: float
    tie_correction: float  # sum over raters of sum(t^3 - t) over tied groups


def kendall_w(matrix: np.ndarray | pd.DataFrame) -> KendallW:
    """Kendall's W with the correction for tied ranks.

    Parameters
    ----------
    matrix
        Ratings, one row per rater and one column per item (idea); no missing values.

    Notes
    -----
    Each rater's ratings are ranked (mid-ranks for ties). With :math:`m` raters, :math:`n`
    items, rank sums :math:`R_i` and :math:`T_j = \\sum_g (t_g^3 - t_g)` over the groups of
    tied ratings of rater :math:`j`,

    .. math:: W = \\frac{12 \\sum_i (R_i - \\bar R)^2}{m^2 (n^3 - n) - m \\sum_j T_j},

    :math:`\\bar R = m (n + 1) / 2`. The large-sample test uses :math:`\\chi^2 = m (n - 1) W`
    on :math:`n - 1` degrees of freedom. W is NaN when every rater gave every item the same
    rating (the denominator is zero).

    References
    ----------
    Kendall, M. G., & Babington Smith, B. (1939). The problem of m rankings. *Annals of
    Mathematical Statistics*, 10(3), 275-287. — Siegel, S., & Castellan, N. J. (1988).
    *Nonparametric statistics for the behavioral sciences* (2nd ed.), section 9.4, eq. 9.16.
    """
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise IdeaInputError(f"Kendall's W needs at least 2 raters x 2 items, got shape "
                             f"{x.shape}")
    if np.isnan(x).any():
        rows = sorted({int(i) for i in np.where(np.isnan(x))[0]})
        raise IdeaInputError("Kendall's W needs a complete rater x item matrix; found missing "
                             f"ratings in rows {rows}")
    m, n = x.shape
    ranks = np.apply_along_axis(stats.rankdata, 1, x)
    sums = ranks.sum(axis=0)
    s = float(((sums - m * (n + 1) / 2) ** 2).sum())
    ties = 0.0
    for row in x:
        _, counts = np.unique(row, return_counts=True)
        ties += float((counts**3 - counts).sum())
    denominator = m**2 * (n**3 - n) - m * ties
    w = 12 * s / denominator if denominator > 0 else float("nan")
    chi2 = m * (n - 1) * w
    df = n - 1
    pvalue = float(stats.chi2.sf(chi2, df)) if not np.isnan(w) else float("nan")
    return KendallW(statistic=float(w), n_raters=m, n_items=n, chi2=float(chi2), df=df,
                    pvalue=pvalue, tie_correction=ties)


@dataclass(frozen=True, kw_only=True)
class ICC:
    """Intraclass correlations of a complete item x rater block (Shrout & Fleiss 1979)."""

    icc1: float  # ICC(1,1): one-way random, single rater
    icc2_1: float  # ICC(2,1): two-way random, absolute agreement, single rater
    icc2_k: float  # ICC(2,k): two-way random, absolute agreement, mean of the k raters
    n_items: int
    n_raters: int


def icc(matrix: np.ndarray | pd.DataFrame) -> ICC:
    """ICC(1), ICC(2,1) and ICC(2,k) of ratings, one row per *item* and one column per rater.

    Notes
    -----
    From the two-way ANOVA of :math:`n` targets by :math:`k` judges with mean squares
    :math:`BMS` (targets), :math:`JMS` (judges), :math:`EMS` (residual) and the one-way
    within-target :math:`WMS`:

    .. math::

        ICC(1) = \\frac{BMS - WMS}{BMS + (k - 1) WMS}, \\quad
        ICC(2,1) = \\frac{BMS - EMS}{BMS + (k - 1) EMS + k (JMS - EMS) / n}, \\quad
        ICC(2,k) = \\frac{BMS - EMS}{BMS + (JMS - EMS) / n}.

    Same values as ``psych::ICC`` (rows ICC1, ICC2, ICC2k).

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
    reliability. *Psychological Bulletin*, 86(2), 420-428.
    """
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2 or np.isnan(x).any():
        raise IdeaInputError(f"the ICC needs a complete matrix of at least 2 items x 2 "
                             f"raters, got shape {x.shape} with "
                             f"{int(np.isnan(x).sum()) if x.size else 0} missing")
    n, k = x.shape
    grand = x.mean()
    ss_rows = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_total = ((x - grand) ** 2).sum()
    ss_error = ss_total - ss_rows - ss_cols
    bms = ss_rows / (n - 1)
    jms = ss_cols / (k - 1)
    ems = ss_error / ((n - 1) * (k - 1))
    wms = (ss_cols + ss_error) / (n * (k - 1))

    def ratio(a: float, b: float) -> float:
        return float(a / b) if b != 0 else float("nan")

    return ICC(icc1=ratio(bms - wms, bms + (k - 1) * wms),
               icc2_1=ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n),
               icc2_k=ratio(bms - ems, bms + (jms - ems) / n), n_items=n, n_raters=k)


@dataclass(frozen=True, kw_only=True)
class OneWayICC:
    """One-way intraclass correlations of ratings grouped by item, unbalanced allowed."""

    icc1: float  # reliability of a single rating
    icc1_k: float  # reliability of an item's mean rating
    n_items: int
    n_ratings: int
    n0: float  # effective number of ratings per item


def icc_oneway(values: Sequence[float] | np.ndarray,
               items: Sequence[object] | np.ndarray) -> OneWayICC:
    """ICC(1) and the reliability of item means from a one-way ANOVA (any design).

    Works when raters rated different subsets of the ideas (the usual case in workshops),
    since raters do not enter the model.

    Notes
    -----
    With :math:`J` items, :math:`N` ratings, :math:`n_j` ratings of item :math:`j`, the
    between- and within-item mean squares :math:`MSB` and :math:`MSW` and
    :math:`n_0 = (N - \\sum_j n_j^2 / N) / (J - 1)`:

    .. math:: ICC(1) = \\frac{MSB - MSW}{MSB + (n_0 - 1) MSW}, \\quad
              ICC(1,k) = \\frac{MSB - MSW}{MSB}.

    In a balanced design :math:`n_0` is the number of raters and the values equal Shrout &
    Fleiss' ICC(1,1) and ICC(1,k) (``psych::ICC`` rows ICC1 and ICC1k); ICC(1,k) is Bliese's
    ICC(2), the reliability of the group means.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations. *Psychological Bulletin*,
    86(2), 420-428. — Bliese, P. D. (2000). Within-group agreement, non-independence, and
    reliability. In K. J. Klein & S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and
    methods in organizations* (pp. 349-381). Jossey-Bass.
    """
    frame = pd.DataFrame({"y": np.asarray(values, dtype=float),
                          "g": np.asarray(items, dtype=object)}).dropna()
    n = len(frame)
    sizes = frame.groupby("g", sort=True)["y"].size()
    j = sizes.size
    if j < 2 or n - j < 1:
        raise IdeaInputError(f"the one-way ICC needs at least 2 items and more ratings than "
                             f"items, got {j} item(s) and {n} rating(s)")
    means = frame.groupby("g", sort=True)["y"].transform("mean")
    grand = frame["y"].mean()
    msb = float((sizes * (frame.groupby("g", sort=True)["y"].mean() - grand) ** 2).sum()
                / (j - 1))
    msw = float(((frame["y"] - means) ** 2).sum() / (n - j))
    n0 = float((n - (sizes**2).sum() / n) / (j - 1))
    denominator = msb + (n0 - 1) * msw
    return OneWayICC(icc1=(msb - msw) / denominator if denominator else float("nan"),
                     icc1_k=(msb - msw) / msb if msb else float("nan"), n_items=j,
                     n_ratings=n, n0=n0)


def rater_agreement(ideas: pd.DataFrame, ratings: pd.DataFrame, *,
                    criteria: Sequence[str] = CRITERIA) -> pd.DataFrame:
    """Agreement of the raters of each site on each criterion.

    Two views, because workshop raters often rate only some of the ideas:

    - one-way ICCs over *all* ratings (:func:`icc_oneway`): ``icc1`` (reliability of a single
      rating) and ``icc1_k`` (reliability of the idea means shown in the matrix);
    - on the *complete block* of raters who rated every idea of the site (if there are at least
      two): Kendall's W with tie correction (:func:`kendall_w`: do raters order the ideas
      alike?) with its chi-squared test, and the two-way ``icc2_k`` (:func:`icc`).

    Returns
    -------
    DataFrame
        ``site``, ``criterion``, ``n_ideas``, ``n_raters`` (distinct), ``n_ratings``,
        ``n_complete_raters``, ``icc1``, ``icc1_k``, ``statistic`` (Kendall's W), ``chi2``,
        ``df``, ``pvalue``, ``icc2_k``; NaN where a statistic cannot be computed.
    """
    unknown = [c for c in criteria if c not in CRITERIA]
    if unknown:
        raise IdeaInputError(f"unknown rating criteria {unknown}; expected some of "
                             f"{list(CRITERIA)}")
    frame = _ratings_with_site(ideas, ratings)
    columns = [C.SITE, CRITERION, "n_ideas", N_RATERS, "n_ratings", "n_complete_raters",
               "icc1", "icc1_k", C.STATISTIC, "chi2", C.DF, C.PVALUE, "icc2_k"]
    rows = []
    for site, sub in frame.groupby(C.SITE, sort=True):
        n_ideas = sub[IDEA].nunique()
        per_rater = sub.groupby(RATER)[IDEA].nunique()
        complete = sorted(per_rater[per_rater == n_ideas].index)
        block = sub[sub[RATER].isin(complete)]
        for criterion in criteria:
            valid = sub.dropna(subset=[criterion])
            row: dict[str, object] = {
                C.SITE: site, CRITERION: criterion, "n_ideas": int(n_ideas),
                N_RATERS: int(per_rater.size), "n_ratings": len(valid),
                "n_complete_raters": len(complete), "icc1": np.nan, "icc1_k": np.nan,
                C.STATISTIC: np.nan, "chi2": np.nan, C.DF: np.nan, C.PVALUE: np.nan,
                "icc2_k": np.nan}
            if valid[IDEA].nunique() >= 2 and len(valid) > valid[IDEA].nunique():
                oneway = icc_oneway(valid[criterion], valid[IDEA])
                row.update({"icc1": oneway.icc1, "icc1_k": oneway.icc1_k})
            if len(complete) >= 2 and n_ideas >= 2:
                wide = block.pivot(index=RATER, columns=IDEA, values=criterion)
                wide = wide.sort_index().sort_index(axis=1)
                if not wide.isna().to_numpy().any():
                    w = kendall_w(wide.to_numpy())
                    row.update({C.STATISTIC: w.statistic, "chi2": w.chi2, C.DF: w.df,
                                C.PVALUE: w.pvalue, "icc2_k": icc(wide.to_numpy().T).icc2_k})
            rows.append(row)
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------------------------
# implementation funnel


def implementation_funnel(ideas: pd.DataFrame, *,
                          matrix: pd.DataFrame | None = None) -> pd.DataFrame:
    """How many ideas of each site got as far as planning and implementation.

    Stages are cumulative: ``idea`` counts every idea, ``planned`` those planned or
    implemented, ``implemented`` those implemented.

    Parameters
    ----------
    ideas
        The ``ideas`` table.
    matrix
        Optional :func:`idea_matrix`; if given, the funnel is also reported for the quick wins
        alone (``group == "quick_win"``).

    Returns
    -------
    DataFrame
        ``site``, ``group`` (``all`` or ``quick_win``), ``stage``, ``n``, ``share`` (of the
        ideas of the group) and ``conversion`` (of the previous stage; NaN for ``idea``).
    """
    _need(ideas, (IDEA, C.SITE, C.STATUS), "ideas")
    bad = sorted(set(ideas[C.STATUS].dropna()) - set(STATUSES))
    if bad:
        raise IdeaInputError(f"unknown idea status(es) {bad}; expected {list(STATUSES)}")
    groups = [("all", ideas)]
    if matrix is not None:
        wins = set(matrix.loc[matrix[QUADRANT] == "quick_win", IDEA])
        groups.append(("quick_win", ideas[ideas[IDEA].isin(wins)]))
    rows = []
    for site in sorted(ideas[C.SITE].dropna().unique()):
        for group, frame in groups:
            status = frame.loc[frame[C.SITE] == site, C.STATUS]
            level = status.map({s: i for i, s in enumerate(STATUSES)})
            total = int(level.notna().sum())
            previous = None
            for i, stage in enumerate(STATUSES):
                n = int((level >= i).sum())
                rows.append({C.SITE: site, "group": group, STAGE: stage, C.N: n,
                             SHARE: n / total if total else float("nan"),
                             "conversion": (n / previous) if previous else float("nan")})
                previous = n
    return pd.DataFrame(rows, columns=[C.SITE, "group", STAGE, C.N, SHARE, "conversion"])


@dataclass(frozen=True, kw_only=True)
class IdeaResults:
    """All idea tables of a project."""

    matrix: pd.DataFrame
    agreement: pd.DataFrame
    funnel: pd.DataFrame


def analyse_ideas(data: ParticipationData, *, impact_threshold: float = 3.5,
                  feasibility_threshold: float = 3.5) -> IdeaResults:
    """Matrix, rater agreement and funnel of a project's ideas."""
    matrix = idea_matrix(data.ideas, data.idea_ratings, impact_threshold=impact_threshold,
                         feasibility_threshold=feasibility_threshold)
    return IdeaResults(matrix=matrix, agreement=rater_agreement(data.ideas, data.idea_ratings),
                       funnel=implementation_funnel(data.ideas, matrix=matrix))
