"""Compute every statistic of a project once, into one :class:`Results` object.

The pipeline calls :func:`compute_results` after validation and stores the result in the run
folder; report notebooks only load it and draw. Privacy rules applied here, before anything is
stored for reports:

- a site with fewer than ``min_group_size`` respondents in a wave is shown with suppressed
  statistics for that wave, and its respondents are left out of every pool figure of that
  wave, so that "pool with the site" minus "pool without it" reveals nothing about it;
- tie ratings of an organisation need ``min_raters_per_organisation`` raters (network module).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.analysis.aggregation import aggregation_table
from evaluation.analysis.compare import site_vs_pool
from evaluation.analysis.drivers import driver_model, wide_scores
from evaluation.analysis.eye_level import eye_level
from evaluation.analysis.itemmatrix import item_matrix
from evaluation.analysis.items import item_analysis
from evaluation.analysis.reliability import reliability_table
from evaluation.analysis.scales import score_scales
from evaluation.analysis.wave_effects import wave_model
from evaluation.analysis.waves import attrition_table, paired_change, wave_change
from evaluation.config import Project
from evaluation.errors import EvaluationError
from evaluation.io import (
    ParticipationData,
    SurveyData,
    item_quality,
    response_counts,
    straightlining,
)
from evaluation.network import analyse_networks, network_record
from evaluation.participation import analyse_ideas, analyse_participation
from evaluation.privacy import pool_rows
from evaluation.results import Results, empty_table

__all__ = [
    "OUTCOME_FOR_DRIVERS",
    "challenge_table",
    "compare_sites",
    "compute_results",
    "drivers_outcome",
    "guarded",
    "pool_scores",
    "shown_sites",
    "shown_survey",
]

log = logging.getLogger("evaluation")

OUTCOME_FOR_DRIVERS = "synergy"


def shown_sites(counts: pd.DataFrame, k: int) -> pd.DataFrame:
    """Per site and wave: ``n`` and whether the site reaches the minimum group size."""
    out = counts[[C.SITE, C.WAVE, C.N]].copy()
    out["shown"] = out[C.N] >= k
    return out


def pool_scores(scores: pd.DataFrame, shown: pd.DataFrame, *, k: int) -> pd.DataFrame:
    """Scores that may enter pool figures.

    A site-wave needs ``k`` respondents, and a site needs ``k`` valid scores of a scale in a
    wave (:func:`evaluation.privacy.pool_rows`); everything else stays out of every pool
    figure, so no suppressed value can be recovered by differencing.
    """
    keep = shown.loc[shown["shown"], [C.SITE, C.WAVE]]
    rows = scores.merge(keep, on=[C.SITE, C.WAVE], how="inner")
    return pool_rows(rows, k=k, by=[C.WAVE, C.SCALE], value=C.SCORE)


def compare_sites(scores: pd.DataFrame, pooled: pd.DataFrame, *, k: int,
                  higher_is_better: bool | Mapping[str, bool] = True) -> pd.DataFrame:
    """Site against pool for every wave and scale; small sites suppressed and kept out.
    ``higher_is_better`` (one for all, or per scale) decides which side is a strength."""
    table = site_vs_pool(pooled, min_n=k, higher_is_better=higher_is_better)
    present = scores[[C.SITE, C.WAVE, C.SCALE]].drop_duplicates()
    done = table[[C.SITE, C.WAVE, C.SCALE]].drop_duplicates()
    hidden = present.merge(done, how="left", indicator=True)
    hidden = hidden[hidden["_merge"] == "left_only"].drop(columns="_merge")
    if not hidden.empty:
        hidden = hidden.assign(suppressed=True, **{C.N: 0})  # n itself is not published
        table = pd.concat([table, hidden], ignore_index=True)
    return table.sort_values([C.WAVE, C.SCALE, C.SITE], kind="stable").reset_index(drop=True)


def _consecutive(waves: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = list(itertools.pairwise(waves))
    if len(waves) > 2:
        pairs.append((waves[0], waves[-1]))
    return pairs


def compute_results(project: Project, survey: SurveyData, participation: ParticipationData,
                    *, meta: dict[str, Any] | None = None, n_boot: int = 500) -> Results:
    """Compute every statistic the reports show (see the module docstring for privacy)."""
    book = project.codebook
    k = project.privacy.min_group_size
    waves = project.wave_keys
    results = Results(meta=dict(meta or {}))
    t = results.tables
    respondents = survey.respondents

    log.info("scoring scales")
    matrix = item_matrix(survey)  # one pivot of the answers, shared by the next three steps
    scores = score_scales(survey, book, matrix=matrix)
    t["scores"] = scores
    counts = response_counts(survey, project)
    t["counts"] = counts
    shown = shown_sites(counts, k)
    t["shown"] = shown
    # every pool-level figure below uses only the site-waves that reach k
    survey_pool = shown_survey(survey, shown)
    matrix_pool = item_matrix(survey_pool)
    t["item_quality"] = item_quality(survey_pool, project)
    t["straightlining"] = straightlining(survey, project)

    log.info("site against pool")
    pooled = pool_scores(scores, shown, k=k)
    t["site_vs_pool"] = compare_sites(
        scores, pooled, k=k,
        higher_is_better={key: s.higher_is_better for key, s in book.scales.items()})

    log.info("item analysis and reliability")
    t["items"] = pd.concat(
        [item_analysis(survey_pool, book, wave=w, matrix=matrix_pool).assign(**{C.WAVE: w})
         for w in waves], ignore_index=True)
    t["reliability"] = pd.concat(
        [reliability_table(survey_pool, book, wave=w, n_boot=n_boot, matrix=matrix_pool,
                           nan_policy=project.missing_items
                           ).assign(**{C.WAVE: w}) for w in waves], ignore_index=True)

    log.info("aggregation diagnostics")
    scale_items = {key: list(s.items) for key, s in book.scales.items() if len(s.items) > 1}
    t["aggregation"] = _concat("aggregation", [guarded(
        results, "aggregation", None, lambda: aggregation_table(
            pooled, survey_pool.responses, scale_items=scale_items,
            n_options=book.scale_max - book.scale_min + 1))])

    log.info("group differences (eye level)")
    if not (project.eye_level_by and project.eye_level_scales):
        # an instrument without these attributes has no eye-level comparison: not a problem
        log.info("eye level: not configured for this instrument; comparison left out")
        t["eye_level"] = empty_table("eye_level")
    else:
        t["eye_level"] = _concat("eye_level", [guarded(
            results, "eye_level", w, lambda w=w: eye_level(
                pooled[pooled[C.WAVE] == w], respondents[respondents[C.WAVE] == w],
                scales=list(project.eye_level_scales), by=list(project.eye_level_by),
                min_group_n=k).assign(**{C.WAVE: w})) for w in waves])

    if project.compare_by:
        log.info("group comparisons by %s", ", ".join(project.compare_by))
        t["group_differences"] = _concat("group_differences", [guarded(
            results, "group_differences", w, lambda w=w: eye_level(
                pooled[pooled[C.WAVE] == w], respondents[respondents[C.WAVE] == w],
                scales=list(book.scales), by=list(project.compare_by),
                min_group_n=k).assign(**{C.WAVE: w})) for w in waves])

    log.info("change across waves")
    changes, paired, attrition = [], [], []
    for a, b in _consecutive(waves):
        sub = pooled[pooled[C.WAVE].isin((a, b))]
        changes.append(wave_change(sub, waves=(a, b), min_n=k))
        paired.append(paired_change(sub, waves=(a, b)))
        attrition.append(attrition_table(respondents, waves=(a, b)))
    t["change"] = _concat("change", changes)
    t["paired_change"] = _concat("paired_change", paired)
    t["attrition"] = _concat("attrition", attrition)
    if len(waves) > 1:
        t["wave_model"] = _concat("wave_model", [guarded(results, "wave_model", None,
                                                         lambda: wave_model(pooled))])

    outcome = drivers_outcome(book)
    log.info("drivers of %s", outcome)
    if outcome is not None:
        def drivers_of(wave: str) -> pd.DataFrame:
            wide = wide_scores(pooled[pooled[C.WAVE] == wave])
            factors = varying_factors(results, wave, wide, list(book.factors))
            model = driver_model(wide, outcome=outcome, factors=factors)
            return model.coefficients.assign(**{
                C.WAVE: wave, C.N: model.n, "outcome": model.outcome,
                "converged": model.converged, "n_rows": model.n_rows,
                "n_groups": model.n_groups, "intercept": model.intercept,
                "intercept_se": model.intercept_se, "site_variance": model.site_variance,
                "residual_variance": model.residual_variance,
                "r2_marginal": model.r2_marginal, "r2_conditional": model.r2_conditional})

        t["drivers"] = _concat("drivers", [guarded(results, "drivers", w,
                                                   lambda w=w: drivers_of(w)) for w in waves])

    log.info("challenges")
    t["challenges"] = challenge_table(survey, book.challenges, shown,
                                      agree_from=book.scale_max - 1)

    if participation.tables:
        log.info("networks, participation, ideas, goals")
        networks = analyse_networks(participation, project)
        # plain data (JSON) in the run folder; evaluation.network.network_from_record reads it
        results.objects["networks"] = [network_record(n) for n in networks.networks.values()]
        for name in ("metrics", "organisations", "brokers", "tie_ratings",
                     "collaboration_levels", "tie_changes", "departed_partners",
                     "partner_retention"):
            t[f"network_{name}"] = getattr(networks, name)
        part = analyse_participation(participation, project)
        for name in ("summary", "by_type", "concentration", "wave_retention",
                     "event_retention"):
            t[f"participation_{name}"] = getattr(part, name)
        if not participation.ideas.empty:
            ideas = analyse_ideas(participation)
            t["idea_matrix"] = ideas.matrix
            t["idea_agreement"] = ideas.agreement
            t["idea_funnel"] = ideas.funnel
        if not participation.goals.empty:
            from evaluation.participation import goal_progress, goal_summary
            t["goal_progress"] = goal_progress(participation.goals)
            t["goal_summary"] = goal_summary(participation.goals)
    return results


def shown_survey(survey: SurveyData, shown: pd.DataFrame) -> SurveyData:
    """The survey restricted to the site-waves that reach k (input of every pool figure)."""
    keep = set(map(tuple, shown.loc[shown["shown"], [C.SITE, C.WAVE]].to_numpy()))

    def mask(frame: pd.DataFrame) -> np.ndarray:
        return pd.MultiIndex.from_arrays([frame[C.SITE], frame[C.WAVE]]).isin(list(keep))

    return SurveyData(respondents=survey.respondents[mask(survey.respondents)],
                      responses=survey.responses[mask(survey.responses)].reset_index(drop=True),
                      problems=survey.problems)


def guarded(results: Results, name: str, wave: str | None, compute: Any) -> Any:
    """Run one model; where the data cannot carry it (one site in a wave, too few answers),
    log it, record it in ``meta["skipped"]`` and return ``None`` so the batch goes on."""
    try:
        return compute()
    except EvaluationError as exc:
        where = f"{name} ({wave})" if wave else name
        log.warning("%s not computed: %s", where, exc)
        results.meta.setdefault("skipped", []).append({"analysis": name, "wave": wave,
                                                       "reason": str(exc)})
        return None


def drivers_outcome(book: Any) -> str | None:
    """The outcome of the driver model: ``synergy`` where the instrument has it (the default
    instrument), else its first outcome scale; ``None`` without an outcome scale."""
    outcomes = [key for key, scale in book.scales.items() if scale.kind == "outcome"]
    if OUTCOME_FOR_DRIVERS in outcomes:
        return OUTCOME_FOR_DRIVERS
    return outcomes[0] if outcomes else None


def _concat(name: str, parts: list[pd.DataFrame | None]) -> pd.DataFrame:
    """The parts that could be computed, one below the other; the registered table ``name``
    without rows when none could."""
    frames = [p for p in parts if p is not None]
    return pd.concat(frames, ignore_index=True) if frames else empty_table(name)


def varying_factors(results: Results, wave: str, wide: pd.DataFrame,
                    factors: list[str]) -> list[str]:
    """The factors that vary among the respondents of ``wave``; a factor on which every
    respondent has the same score cannot enter a regression, so it is left out of the driver
    model, and ``meta["skipped"]`` says so."""
    keep = []
    for factor in factors:
        values = wide[factor].dropna() if factor in wide else pd.Series(dtype=float)
        if len(values) > 1 and values.nunique() == 1:
            reason = (f"factor {factor!r} has the same score ({values.iloc[0]:g}) for every "
                      f"respondent of wave {wave}; it is left out of the driver model")
            log.warning("drivers (%s): %s", wave, reason)
            results.meta.setdefault("skipped", []).append(
                {"analysis": "drivers", "wave": wave, "reason": reason})
            continue
        keep.append(factor)
    return keep


def challenge_table(survey: SurveyData, challenges: tuple[str, ...],
                    shown: pd.DataFrame, *, agree_from: float = 4) -> pd.DataFrame:
    """Mean and agreement share (answers from ``agree_from`` up: the two highest answers of
    the response scale, 4 or 5 on a scale of 1 to 5) of each challenge item per site and
    wave, and pool.

    Site-waves below k get NaN and ``suppressed``; they are left out of the pool rows.
    """
    resp = survey.responses
    sub = resp[resp[C.ITEM].isin(challenges) & (resp[C.STATUS] == C.VALID)]
    sub = sub.assign(agree=sub[C.VALUE] >= agree_from)
    keep = shown.loc[shown["shown"], [C.SITE, C.WAVE]]
    sub_shown = sub.merge(keep, on=[C.SITE, C.WAVE], how="inner")
    per_site = sub_shown.groupby([C.WAVE, C.SITE, C.ITEM]).agg(
        n=(C.VALUE, "size"), mean=(C.VALUE, "mean"), share_agree=("agree", "mean"))
    pool = sub_shown.groupby([C.WAVE, C.ITEM]).agg(
        n=(C.VALUE, "size"), mean=(C.VALUE, "mean"), share_agree=("agree", "mean"))
    pool = pool.reset_index().assign(**{C.SITE: "pool"})
    table = pd.concat([per_site.reset_index(), pool], ignore_index=True)
    hidden = shown.loc[~shown["shown"] & (shown[C.N] > 0), [C.SITE, C.WAVE]]
    if not hidden.empty:
        rows = hidden.merge(pd.DataFrame({C.ITEM: list(challenges)}), how="cross")
        rows = rows.assign(n=0, mean=np.nan, share_agree=np.nan)
        table = pd.concat([table, rows], ignore_index=True)
    table["suppressed"] = table[C.N] < 1
    return table.sort_values([C.WAVE, C.SITE, C.ITEM], kind="stable").reset_index(drop=True)
