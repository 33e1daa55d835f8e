"""Validation of a whole project and the data-quality summary evaluators read first.

:func:`validate_project` reads the survey and participation data, collects every problem in
one pass, and computes the data-quality tables: respondents per site and wave with response
rates, missing and cannot-judge shares per item, and straight-lining.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.config import Project
from evaluation.errors import Problem
from evaluation.io.ingest import SurveyData, canonical_order, read_project_survey
from evaluation.io.participation import ParticipationData, read_participation

__all__ = [
    "STRAIGHTLINE_MIN_ITEMS",
    "ValidationResult",
    "format_summary",
    "item_quality",
    "response_counts",
    "sort_problems",
    "straightlining",
    "validate_project",
]

STRAIGHTLINE_MIN_ITEMS = 10


@dataclass(kw_only=True)
class ValidationResult:
    """Everything found while validating a project."""

    project: Project
    survey: SurveyData
    participation: ParticipationData
    counts: pd.DataFrame = field(default_factory=pd.DataFrame)
    item_quality: pd.DataFrame = field(default_factory=pd.DataFrame)
    straightlining: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def problems(self) -> list[Problem]:
        return [*self.survey.problems, *self.participation.problems]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_project(project: Project) -> ValidationResult:
    """Read and check all data of a project; never raises on data problems."""
    survey = read_project_survey(project)
    if not survey.errors:
        survey = canonical_order(survey, project)
    participation = read_participation(project)
    result = ValidationResult(project=project, survey=survey, participation=participation)
    result.counts = response_counts(survey, project)
    result.item_quality = item_quality(survey, project)
    result.straightlining = straightlining(survey, project)
    return result


def response_counts(survey: SurveyData, project: Project) -> pd.DataFrame:
    """Respondents per site and wave, with the response rate where invitations are known."""
    counts = survey.respondents.groupby([C.SITE, C.WAVE]).size()
    rows = []
    for site in project.sites:
        for wave in project.wave_keys:
            n = int(counts.get((site.key, wave), 0))
            invited = site.invited.get(wave)
            rate = n / invited if invited else np.nan
            rows.append({C.SITE: site.key, C.WAVE: wave, C.N: n,
                         "invited": invited if invited is not None else np.nan,
                         "response_rate": rate})
    return pd.DataFrame(rows)


def item_quality(survey: SurveyData, project: Project) -> pd.DataFrame:
    """Per item: answers and the share of each status (valid and each missing category)."""
    responses = survey.responses
    if responses.empty:
        return pd.DataFrame(columns=[C.ITEM, C.N, *[f"share_{s}" for s in C.STATUSES]])
    table = pd.crosstab(responses[C.ITEM], responses[C.STATUS], normalize="index")
    table = table.reindex(columns=list(C.STATUSES), fill_value=0.0)
    table.columns = [f"share_{s}" for s in table.columns]
    n_valid = responses[responses[C.STATUS] == C.VALID].groupby(C.ITEM).size()
    order = [i for i in project.codebook.items if i in table.index]
    table = table.reindex(order)
    table.insert(0, C.N, n_valid.reindex(order).fillna(0).astype(int))
    return table.reset_index().rename(columns={"index": C.ITEM})


def straightlining(survey: SurveyData, project: Project) -> pd.DataFrame:
    """Respondents who gave the same answer to every success-factor item they answered.

    Only respondents with at least :data:`STRAIGHTLINE_MIN_ITEMS` valid factor answers are
    judged; reverse-keyed items are taken as answered (before reversal), so a respondent who
    ticks the same box throughout is caught even where reversal would make it look varied.
    """
    factor_items = [i for s in project.codebook.factors.values() for i in s.items]
    responses = survey.responses
    sub = responses[responses[C.ITEM].isin(factor_items) & (responses[C.STATUS] == C.VALID)]
    if sub.empty:
        return pd.DataFrame(columns=[C.SITE, C.WAVE, C.N, "n_straightlining", "share"])
    per_person = sub.groupby([C.SITE, C.WAVE, C.RESPONDENT])[C.VALUE].agg(["count", "std"])
    judged = per_person[per_person["count"] >= STRAIGHTLINE_MIN_ITEMS]
    flags = judged["std"].fillna(0) == 0
    table = flags.groupby(level=[0, 1]).agg(["size", "sum"])
    table.columns = [C.N, "n_straightlining"]
    table["share"] = table["n_straightlining"] / table[C.N]
    return table.reset_index()


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Order problems by file, then row (file-level first), then column."""
    return sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or ""))


def format_summary(result: ValidationResult, *, max_problems: int = 200) -> str:
    """A readable plain-text data-quality summary for the terminal."""
    project = result.project
    lines = [f"Project: {project.name} ({project.path})",
             f"Instrument: {project.codebook.name} {project.codebook.version} "
             f"({len(project.codebook.items)} items, {len(project.codebook.factors)} factors)"]
    if project.synthetic:
        lines.append("Data: SYNTHETIC example data")
    lines.append("")
    counts = result.counts
    if not counts.empty:
        lines.append("Respondents per site and wave (response rate):")
        waves = list(project.wave_keys)
        lines.append("  " + "site".ljust(8) + "".join(w.rjust(14) for w in waves))
        for site in project.site_keys:
            cells = []
            for wave in waves:
                row = counts[(counts[C.SITE] == site) & (counts[C.WAVE] == wave)].iloc[0]
                rate = "" if np.isnan(row["response_rate"]) else \
                    f" ({row['response_rate']:.0%})"
                cells.append(f"{int(row[C.N])}{rate}".rjust(14))
            lines.append("  " + site.ljust(8) + "".join(cells))
        small = counts[(counts[C.N] > 0) & (counts[C.N] < project.privacy.min_group_size)]
        for row in small.itertuples(index=False):
            lines.append(f"  note: {row.site} in {row.wave} has {row.n} respondents, below "
                         f"the minimum group size {project.privacy.min_group_size}; its "
                         "figures will be suppressed")
        lines.append(f"  total: {int(counts[C.N].sum())} questionnaires")
        lines.append("")
    quality = result.item_quality
    if not quality.empty:
        lines.append("Items with the most missing answers "
                     "(no answer / cannot judge / not shown / faulty):")
        quality = quality.assign(_missing=1 - quality["share_valid"])
        for row in quality.sort_values("_missing", ascending=False).head(10).itertuples():
            lines.append(f"  {row.item:<24} {row.share_no_answer:6.1%} "
                         f"{row.share_cannot_judge:6.1%} {row.share_not_shown:6.1%} "
                         f"{row.share_faulty:6.1%}")
        overall = result.survey.responses[C.STATUS].value_counts(normalize=True)
        lines.append("  all items: " + ", ".join(
            f"{s} {overall.get(s, 0):.1%}" for s in C.STATUSES))
        lines.append("")
    sl = result.straightlining
    if not sl.empty:
        total = int(sl["n_straightlining"].sum())
        lines.append(f"Straight-lining: {total} of {int(sl[C.N].sum())} respondents gave "
                     "the same answer to every success-factor item")
        lines.append("")
    warnings = sort_problems([p for p in result.problems if p.severity != "error"])
    errors = sort_problems(result.errors)
    if warnings:
        lines.append(f"Warnings ({len(warnings)}):")
        lines += [f"  - {p}" for p in warnings[:max_problems]]
        lines.append("")
    if errors:
        lines.append(f"ERRORS ({len(errors)}):")
        lines += [f"  - {p}" for p in errors[:max_problems]]
        if len(errors) > max_problems:
            lines.append(f"  ... and {len(errors) - max_problems} more")
    else:
        lines.append("No errors found.")
    return "\n".join(lines)
