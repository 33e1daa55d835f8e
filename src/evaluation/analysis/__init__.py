"""Project analyses on tidy data, and :func:`compute_results`, which runs them all once.

``itemmatrix``, ``scales``, ``items``, ``reliability``
                  scoring, item analysis, alpha and omega per scale
``aggregation``   may site means be shown? ICC(1), ICC(2), rwg(j) per scale and wave
``compare``       one site against the pool, funnel limits
``eye_level``     the eye-level check: do actor groups rate trust and benefit alike?
``waves``, ``wave_effects``   change between waves, paired change, wave effects in a mixed model
``drivers``       which success factors go with the outcomes
``vocabulary``    column names, verdict keys and thresholds shared with the report
``compute``       :func:`compute_results`: every table of a run into one
                  :class:`~evaluation.results.Results`

Layer: above ``stats``, ``io``, ``network``, ``participation`` and ``results``.
"""

import lazy_loader

# Names load from their module on first use (SPEC 1): importing the package costs nothing,
# and a report kernel never imports an estimator it does not call.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "aggregation": [
            "aggregation_table", "aggregation_verdict",
        ],
        "compare": [
            "BENCHMARK", "BENCHMARK_N", "BENCHMARK_SD", "COVERAGE", "DEFAULT_FUNNEL_COVERAGE",
            "DEFAULT_MIN_N", "DIFFERENCE_CI_HIGH", "DIFFERENCE_CI_LOW", "FLAG", "HIGH", "LOW",
            "NONE", "OTHERS_N_SITES", "OTHERS_SITE_MEAN", "PERCENTILE", "POOL_MEAN", "POOL_N",
            "POOL_SD", "STRENGTH", "SUPPRESSED", "WEAKNESS", "SiteComparison",
            "compare_to_benchmark", "flag_difference", "funnel_column", "funnel_limits",
            "site_vs_pool",
        ],
        "compute": [
            "OUTCOME_FOR_DRIVERS", "challenge_table", "compare_sites", "compute_results",
            "drivers_outcome",
            "guarded", "pool_scores", "shown_sites", "shown_survey",
        ],
        "drivers": [
            "CI_EXCLUDES_ZERO", "RANK", "VIF", "DriverModel", "driver_model", "vif",
            "wide_scores",
        ],
        "eye_level": [
            "eye_level",
        ],
        "itemmatrix": [
            "ABSENT", "CANNOT_JUDGE_CODE", "VALID_CODE", "ItemMatrix", "item_matrix", "matrix_of",
        ],
        "items": [
            "item_analysis", "item_rest_statistics", "share_column",
        ],
        "reliability": [
            "reliability_table",
        ],
        "scales": [
            "required_valid", "reverse_keyed", "reverse_score", "score_scales", "scores_wide",
        ],
        "vocabulary": [
            "ATTRIBUTE", "CONVERGED", "DF_BETWEEN", "DF_WITHIN", "DIFFERENT", "DROPPED_GROUPS",
            "EFFECT_SIZE_KIND", "EYE_LEVEL_ATTRIBUTES", "GROUPS", "HIGHEST_GROUP", "ICC1",
            "ICC1_NEGLIGIBLE",
            "ICC1_SUBSTANTIAL", "ICC2", "ICC2_RELIABLE", "ICC2_USABLE", "ICC_REML",
            "LOWEST_GROUP", "MEANINGFUL", "NOT_ESTIMABLE", "NO_SITE_DIFFERENCES", "N_RWG_GROUPS",
            "N_TESTS", "PADJUST", "RESIDUAL_VARIANCE", "RWG_MEAN", "RWG_MEDIAN", "RWG_MODERATE",
            "RWG_SHARE_AGREE", "RWG_STRONG", "SITE_VARIANCE", "TEST", "UNRELIABLE",
            "USABLE_WITH_CARE",
        ],
        "wave_effects": [
            "BOUNDARY", "wave_model",
        ],
        "waves": [
            "LINKED", "MEAN_FROM", "MEAN_TO", "MEDIAN_DIFFERENCE", "N_FROM", "N_LINKED",
            "N_NONZERO", "N_TO", "POOL_LEVEL", "RETENTION", "SITE_LEVEL", "WAVE_FROM", "WAVE_TO",
            "attrition_table", "paired_change", "resolve_waves", "wave_change",
        ],
    },
)
