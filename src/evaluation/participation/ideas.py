"""Ideas from idea workshops: feasibility x impact matrix, quick wins, rater agreement, funnel.

Inputs are the ``ideas`` and ``idea_ratings`` tables of
:class:`~evaluation.io.participation.ParticipationData`: every rater rates ideas on
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

from evaluation import columns as C
from evaluation.errors import IdeaInputError
from evaluation.network import SHARE
from evaluation.stats import icc_two_way, kendall_w, oneway_icc_sorted

if TYPE_CHECKING:
    from evaluation.io import ParticipationData

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
    "quick_win": ("Schnelle Erfolge", "Quick wins"),
    "major_project": ("Große Vorhaben", "Major projects"),
    "fill_in": ("Leicht umsetzbar, geringe Wirkung", "Easy, low impact"),
    # described, not prescribed: an idea already implemented is not told to be deferred
    "low_priority": ("Schwer umsetzbar, geringe Wirkung", "Hard, low impact"),
}


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
    _check_thresholds(impact_threshold, feasibility_threshold)
    return _idea_matrix(ideas, _ratings_with_site(ideas, ratings),
                        impact_threshold=impact_threshold,
                        feasibility_threshold=feasibility_threshold)


def _check_thresholds(impact_threshold: float, feasibility_threshold: float) -> None:
    for name, value in (("impact_threshold", impact_threshold),
                        ("feasibility_threshold", feasibility_threshold)):
        if not 1 <= value <= 5:
            raise IdeaInputError(f"{name} must lie on the 1-5 rating scale, got {value!r}")


def _idea_matrix(ideas: pd.DataFrame, frame: pd.DataFrame, *, impact_threshold: float,
                 feasibility_threshold: float) -> pd.DataFrame:
    """:func:`idea_matrix` of the ratings with their site (``_ratings_with_site``)."""
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
# rater agreement (the statistics are in :mod:`evaluation.stats.rater_agreement`)


def rater_agreement(ideas: pd.DataFrame, ratings: pd.DataFrame, *,
                    criteria: Sequence[str] = CRITERIA) -> pd.DataFrame:
    """Agreement of the raters of each site on each criterion.

    Two views, because workshop raters often rate only some of the ideas:

    - one-way ICCs over *all* ratings (:func:`evaluation.stats.icc_oneway`): ``icc1``
      (reliability of a single rating) and ``icc1_k`` (reliability of the idea means shown in
      the matrix);
    - on the *complete block* of raters who rated every idea of the site (if there are at least
      two): Kendall's W with tie correction (:func:`kendall_w`: do raters order the ideas
      alike?) with its chi-squared test, and the two-way ``icc2_k``
      (:func:`~evaluation.stats.icc_two_way`).

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
    return _rater_agreement(_ratings_with_site(ideas, ratings), criteria=criteria)


def _rater_agreement(frame: pd.DataFrame, *, criteria: Sequence[str]) -> pd.DataFrame:
    """:func:`rater_agreement` of the ratings with their site (``_ratings_with_site``)."""
    columns = [C.SITE, CRITERION, "n_ideas", N_RATERS, "n_ratings", "n_complete_raters",
               "icc1", "icc1_k", C.STATISTIC, "chi2", C.DF, C.PVALUE, "icc2_k"]
    # every idea's mean rating on every criterion in one pandas group mean: the compensated
    # sum of each idea's ratings in row order, as icc_oneway's own group mean takes it
    wanted = list(dict.fromkeys(criteria))
    idea_means = frame.groupby([C.SITE, IDEA], sort=True)[wanted].mean()
    mean_of = {c: dict(zip(idea_means.index, idea_means[c].to_numpy(), strict=True))
               for c in wanted}
    rows = []
    for site, sub in frame.groupby(C.SITE, sort=True):
        idea = sub[IDEA].to_numpy(dtype=object)
        n_ideas = sub[IDEA].nunique()
        rated: dict[object, set[object]] = {}  # rater -> ideas rated (groupby nunique)
        for rater, item in zip(sub[RATER], idea, strict=True):
            if not pd.isna(rater):
                seen = rated.setdefault(rater, set())
                if not pd.isna(item):
                    seen.add(item)
        complete = sorted(r for r, seen in rated.items() if len(seen) == n_ideas)
        for criterion in criteria:
            y = sub[criterion].to_numpy(dtype=float)
            answered = ~np.isnan(y)
            y, items = y[answered], idea[answered]
            row: dict[str, object] = {
                C.SITE: site, CRITERION: criterion, "n_ideas": int(n_ideas),
                N_RATERS: len(rated), "n_ratings": int(answered.sum()),
                "n_complete_raters": len(complete), "icc1": np.nan, "icc1_k": np.nan,
                C.STATISTIC: np.nan, "chi2": np.nan, C.DF: np.nan, C.PVALUE: np.nan,
                "icc2_k": np.nan}
            known = np.array([not pd.isna(i) for i in items], dtype=bool)
            codes, uniques = pd.factorize(items[known], sort=True)
            if uniques.size >= 2 and y.size > uniques.size:
                means = np.array([mean_of[criterion][(site, u)] for u in uniques], dtype=float)
                oneway = oneway_icc_sorted(y[known], codes, means)
                row.update({"icc1": oneway.icc1, "icc1_k": oneway.icc1_k})
            if len(complete) >= 2 and n_ideas >= 2:
                block = sub[sub[RATER].isin(complete)]
                wide = block.pivot(index=RATER, columns=IDEA, values=criterion)
                wide = wide.sort_index().sort_index(axis=1)
                if not wide.isna().to_numpy().any():
                    w = kendall_w(wide.to_numpy())
                    row.update({C.STATISTIC: w.statistic, "chi2": w.chi2, C.DF: w.df,
                                C.PVALUE: w.pvalue,
                                "icc2_k": icc_two_way(wide.to_numpy().T).icc2_k})
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
    groups = [("all", np.ones(len(ideas), dtype=bool))]
    if matrix is not None:
        wins = set(matrix.loc[matrix[QUADRANT] == "quick_win", IDEA])
        groups.append(("quick_win", ideas[IDEA].isin(wins).to_numpy(dtype=bool)))
    # stage reached by each idea (NaN without status) and the ideas of each site
    reached = ideas[C.STATUS].map({s: i for i, s in enumerate(STATUSES)}).to_numpy(dtype=float)
    ideas_of: dict[object, list[int]] = {}
    for position, site in enumerate(ideas[C.SITE]):
        ideas_of.setdefault(site, []).append(position)
    rows = []
    for site in sorted(ideas[C.SITE].dropna().unique()):
        here = np.asarray(ideas_of[site], dtype=np.intp)
        for group, member in groups:
            level = reached[here[member[here]]]
            total = int((~np.isnan(level)).sum())
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
    _check_thresholds(impact_threshold, feasibility_threshold)
    ideas = data.ideas  # each attribute access may build a frame
    frame = _ratings_with_site(ideas, data.idea_ratings)  # shared by matrix and agreement
    matrix = _idea_matrix(ideas, frame, impact_threshold=impact_threshold,
                          feasibility_threshold=feasibility_threshold)
    return IdeaResults(matrix=matrix, agreement=_rater_agreement(frame, criteria=CRITERIA),
                       funnel=implementation_funnel(ideas, matrix=matrix))


__all__ = [
    "CRITERIA",
    "CRITERION",
    "IDEA",
    "N_RATERS",
    "QUADRANT",
    "QUADRANTS",
    "RANK",
    "RATER",
    "STAGE",
    "STATUSES",
    "IdeaResults",
    "analyse_ideas",
    "classify",
    "idea_matrix",
    "implementation_funnel",
    "quick_wins",
    "rater_agreement",
]
