"""The registry of run tables: every table a run computes, its columns, level and audience.

Reports look tables up by a registered name (:meth:`evaluation.results.Results.table`), never
by a free string: a misspelt or unknown name fails at once, naming the tables there are, and
:func:`check_tables` holds a run's tables to their registered columns before they are saved.

``level`` says what one row describes (``respondent``, ``organisation``, ``site``, ``pool``,
``item``, ``scale``, ``idea``, ``goal``, ``event``, ``group``); ``partner_safe`` says whether a
partner report may show rows of the table (the k rule and the other privacy rules already
applied, no respondent or organisation identifiers); evaluator-only tables stay in the run
folder and the evaluator edition.

``columns`` are the columns every run has; a table may carry more (``items`` has one
``share_<code>`` column per response code of the instrument).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from evaluation.errors import RunFolderError

__all__ = ["LEVELS", "TABLES", "TableSpec", "check_tables", "empty_table", "table_spec"]

LEVELS = ("respondent", "organisation", "site", "pool", "item", "scale", "idea", "goal",
          "event", "group")


@dataclass(frozen=True, kw_only=True)
class TableSpec:
    """One registered table of a run."""

    name: str
    level: str
    partner_safe: bool
    columns: tuple[str, ...]
    description: str


def _spec(name: str, level: str, partner_safe: bool, columns: str, description: str
          ) -> TableSpec:
    return TableSpec(name=name, level=level, partner_safe=partner_safe,
                     columns=tuple(columns.split()), description=description)


_SPECS = (
    _spec("scores", "respondent", False,
          "respondent site wave scale score n_items n_valid n_cannot_judge",
          "scale scores per respondent and wave (pseudonymised; never in a report)"),
    _spec("counts", "site", True, "site wave n invited response_rate",
          "respondents and response rate per site and wave"),
    _spec("shown", "site", True, "site wave n shown",
          "whether a site-wave reaches the minimum group size k"),
    _spec("item_quality", "item", False,
          "item n share_valid share_no_answer share_cannot_judge share_not_shown share_faulty",
          "answer statuses per item"),
    _spec("straightlining", "site", False, "site wave n n_straightlining share",
          "respondents answering every item alike"),
    _spec("items", "item", False,
          "scale item reverse n_total n mean sd floor ceiling missing_share cannot_judge_share "
          "item_rest_r alpha_if_dropped reverse_problem wave",
          "item analysis per scale and wave (plus one share_<code> column per response code)"),
    _spec("reliability", "scale", False,
          "scale level site wave n n_items alpha alpha_ci_low alpha_ci_high omega omega_ci_low "
          "omega_ci_high omega_heywood nan_policy",
          "Cronbach's alpha and McDonald's omega, pooled and per site"),
    _spec("aggregation", "scale", False,
          "wave scale n n_groups icc1 icc2 statistic df_between df_within pvalue icc_reml "
          "site_variance residual_variance converged rwg_mean rwg_median rwg_share_agree "
          "n_rwg_groups verdict",
          "ICC(1), ICC(2), REML components and rwg(j): may site means be shown?"),
    _spec("site_vs_pool", "site", True,
          "wave scale site n suppressed mean sd se ci_low ci_high benchmark benchmark_n "
          "benchmark_sd others_site_mean others_n_sites difference difference_ci_low "
          "difference_ci_high statistic df pvalue percentile flag pool_mean pool_sd pool_n "
          "funnel_low_95 funnel_high_95 funnel_low_99_8 funnel_high_99_8",
          "each site against the pool without it, k rule applied"),
    _spec("challenges", "site", True, "wave site item n mean share_agree suppressed",
          "single challenge items per site, k rule applied"),
    _spec("change", "site", True,
          "scale level site wave_from wave_to n_from n_to mean_from mean_to difference ci_low "
          "ci_high statistic df pvalue suppressed",
          "change between waves per site and pooled, k rule applied"),
    _spec("paired_change", "pool", False,
          "scale wave_from wave_to n_linked n_nonzero mean_from mean_to difference "
          "median_difference statistic pvalue effect_size suppressed",
          "change of linked panel respondents"),
    _spec("attrition", "site", False,
          "level site wave_from wave_to n_from n_to linked retention",
          "panel links between waves"),
    _spec("wave_model", "scale", False,
          "scale term estimate se statistic pvalue ci_low ci_high n n_groups site_variance "
          "residual_variance converged boundary method",
          "wave effects in a random-intercept model per scale"),
    _spec("drivers", "scale", True,
          "factor estimate se statistic pvalue ci_low ci_high vif rank ci_excludes_zero "
          "wave n outcome converged n_rows n_groups intercept intercept_se site_variance "
          "residual_variance r2_marginal r2_conditional",
          "success factors and outcomes in a random-intercept model (pool level)"),
    _spec("eye_level", "group", False,
          "wave scale attribute test n n_groups groups dropped_groups statistic pvalue "
          "pvalue_adj effect_size effect_size_kind lowest_group highest_group different "
          "n_tests padjust",
          "the eye-level check: actor groups compared by rank tests"),
    _spec("group_differences", "group", False,
          "wave scale attribute test n n_groups groups dropped_groups statistic pvalue "
          "pvalue_adj effect_size effect_size_kind lowest_group highest_group different "
          "n_tests padjust",
          "groups of the project's compare_by attributes compared on every scale"),
    _spec("network_metrics", "site", True,
          "site wave metric value n_organisations n_respondents coverage",
          "structure of each site network"),
    _spec("network_organisations", "organisation", False,
          "site wave organisation actor_type respondent in_degree out_degree betweenness "
          "isolate rank", "position of every organisation in its network"),
    _spec("network_brokers", "organisation", False,
          "site wave organisation actor_type respondent in_degree out_degree betweenness "
          "isolate rank", "organisations that bridge their network"),
    _spec("network_tie_ratings", "organisation", False,
          "site wave organisation actor_type metric n mean sd suppressed",
          "ratings of ties to named organisations (min. raters applied)"),
    _spec("network_collaboration_levels", "site", True,
          "site wave level n share n_organisations n_respondents coverage",
          "ties by collaboration level"),
    _spec("network_tie_changes", "site", True,
          "site wave previous_wave ties_before ties_after stable gained gained_new lost "
          "lost_departed lost_silent lost_continuing jaccard coverage",
          "ties gained and lost between waves"),
    _spec("network_departed_partners", "organisation", False,
          "site organisation actor_type left previous_wave wave",
          "roster organisations that left"),
    _spec("network_partner_retention", "site", True,
          "site wave previous_wave n_before n_retained n_left n_joined n_after retention",
          "roster organisations retained between waves"),
    _spec("participation_summary", "site", True, "site wave metric value n",
          "participation in network formats per site and wave"),
    _spec("participation_by_type", "site", True,
          "site wave event_type actor_type n_events n_organisations n_attendances attendees "
          "decision_makers", "attendance by event type and actor type"),
    _spec("participation_concentration", "site", False,
          "site wave n_organisations n_zero mean statistic top_share",
          "how concentrated participation is"),
    _spec("participation_event_retention", "event", False,
          "site event date event_type wave previous_event n_organisations n_returning n_new "
          "retention", "returning organisations from event to event"),
    _spec("participation_wave_retention", "site", False,
          "site wave previous_wave n_previous n_retained n_new n_current retention",
          "organisations retained between waves"),
    _spec("idea_matrix", "idea", True,
          "site idea title status n_raters feasibility impact innovation quadrant rank",
          "feasibility x impact matrix of the ideas"),
    _spec("idea_agreement", "site", False,
          "site criterion n_ideas n_raters n_ratings n_complete_raters icc1 icc1_k statistic "
          "chi2 df pvalue icc2_k", "agreement of idea raters"),
    _spec("idea_funnel", "site", False, "site group stage n share conversion",
          "ideas from idea to implementation"),
    _spec("goal_progress", "goal", True,
          "site wave goal title stage_targeted stage_reached reached gap level_targeted "
          "level_reached", "goals on the Wirkungstreppe"),
    _spec("goal_summary", "site", False,
          "site wave n n_reached share_reached mean_stage_targeted mean_stage_reached mean_gap",
          "goals reached per site and wave"),
    _spec("peer_suggestions", "site", False,
          "wave site rank factor peer kind evidence structure site_mean site_ci_low "
          "site_ci_high peer_mean peer_ci_low peer_ci_high site_name peer_name reason_de "
          "reason_en", "learning partners per site (names: evaluation team only)"),
    _spec("tandems", "group", False, "wave tandem site_a site_b site_c score reason_de reason_en",
          "tandems of sites that learn together"),
    _spec("peer_groups", "group", False,
          "wave group factor label_de label_en site role evidence n_learn",
          "peer-workshop groups per factor"),
)

#: Every registered table by name.
TABLES: Mapping[str, TableSpec] = {spec.name: spec for spec in _SPECS}


def table_spec(name: str) -> TableSpec:
    """The registered table ``name``; :class:`RunFolderError` naming the known tables if none."""
    try:
        return TABLES[name]
    except KeyError:
        raise RunFolderError(f"no table {name!r} is registered; the registered tables are "
                             f"{', '.join(sorted(TABLES))}") from None


def empty_table(name: str) -> pd.DataFrame:
    """The registered table ``name`` without rows (an analysis the data could not carry)."""
    return pd.DataFrame(columns=list(table_spec(name).columns))


def check_tables(tables: Mapping[str, pd.DataFrame], *, names: Iterable[str] | None = None
                 ) -> None:
    """Raise :class:`RunFolderError` listing every table that is unregistered or lacks a
    registered column (all problems at once)."""
    problems = []
    for name in sorted(names if names is not None else tables):
        if name not in TABLES:
            problems.append(f"{name}: not a registered table")
            continue
        missing = [c for c in TABLES[name].columns if c not in tables[name].columns]
        if missing:
            problems.append(f"{name}: lacks registered column(s) {', '.join(missing)}")
    if problems:
        raise RunFolderError("the run's tables do not match the registry "
                             "(evaluation.results.registry):\n  - " + "\n  - ".join(problems))
