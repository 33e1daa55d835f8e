"""Names the analysis tables share with the report: column names, verdict keys, thresholds.

Defined apart from the analyses so that the report's words (:mod:`evaluation.report.readings`)
can use them without loading the estimators.
"""

from evaluation.config import DEFAULT_EYE_LEVEL

__all__ = [
    "ATTRIBUTE",
    "CONVERGED",
    "DF_BETWEEN",
    "DF_WITHIN",
    "DIFFERENT",
    "DROPPED_GROUPS",
    "EFFECT_SIZE_KIND",
    "EYE_LEVEL_ATTRIBUTES",
    "GROUPS",
    "HIGHEST_GROUP",
    "ICC1",
    "ICC1_NEGLIGIBLE",
    "ICC1_SUBSTANTIAL",
    "ICC2",
    "ICC2_RELIABLE",
    "ICC2_USABLE",
    "ICC_REML",
    "LOWEST_GROUP",
    "MEANINGFUL",
    "NOT_ESTIMABLE",
    "NO_SITE_DIFFERENCES",
    "N_RWG_GROUPS",
    "N_TESTS",
    "PADJUST",
    "RESIDUAL_VARIANCE",
    "RWG_MEAN",
    "RWG_MEDIAN",
    "RWG_MODERATE",
    "RWG_SHARE_AGREE",
    "RWG_STRONG",
    "SITE_VARIANCE",
    "TEST",
    "UNRELIABLE",
    "USABLE_WITH_CARE",
]

#: The respondent attributes of the eye-level check where a project does not set its own:
#: paid or volunteer, and actor type (``analysis.eye_level`` in the project).
EYE_LEVEL_ATTRIBUTES = DEFAULT_EYE_LEVEL["by"]

# columns of the aggregation table (in addition to evaluation.columns)
ICC1 = "icc1"
ICC2 = "icc2"
ICC_REML = "icc_reml"
DF_BETWEEN = "df_between"
DF_WITHIN = "df_within"
SITE_VARIANCE = "site_variance"
RESIDUAL_VARIANCE = "residual_variance"
CONVERGED = "converged"
RWG_MEAN = "rwg_mean"
RWG_MEDIAN = "rwg_median"
RWG_SHARE_AGREE = "rwg_share_agree"
N_RWG_GROUPS = "n_rwg_groups"

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

# columns of the eye-level table
ATTRIBUTE = "attribute"
TEST = "test"
EFFECT_SIZE_KIND = "effect_size_kind"
GROUPS = "groups"
DROPPED_GROUPS = "dropped_groups"
LOWEST_GROUP = "lowest_group"
HIGHEST_GROUP = "highest_group"
DIFFERENT = "different"
N_TESTS = "n_tests"  # tests in the family the p-values were adjusted over
PADJUST = "padjust"  # the adjustment method
