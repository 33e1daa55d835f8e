"""Statistical estimators that know no codebook and no language.

A tidy DataFrame and keyword-only column names in, a frozen result or a tidy frame out, in the
manner of pingouin; the numpydoc of each function names the R call that gives the same number.

``alpha``               Cronbach's alpha with the Feldt interval
``covariance``          item moments (pair counts, covariances) and their input checks
``onefactor``, ``onefactor_newton``, ``onefactor_three``   one-factor ML models
``omega``               McDonald's omega total with a bootstrap interval
``reml``, ``icc``       random-intercept variance components (REML) and ICC(1)/ICC(2)
``rwg``                 within-group agreement rwg(j)
``mixed``, ``mixed_profiled``   random-intercept models with fixed effects
``nested``              site and person (nested in site) intercepts with fixed effects
``rank_tests``          Kruskal-Wallis, Mann-Whitney, Dunn with their effect sizes
``multiple_testing``    Holm and Benjamini-Hochberg
``welch``               means with t intervals and Welch's difference
``proportions``         shares with Wilson intervals
``rater_agreement``     Kendall's W and intraclass correlations of raters
``checks``              input checks shared by the estimators

Layer: above the foundation; imports nothing else of the package.
"""

import lazy_loader

# Names load from their module on first use (SPEC 1): importing the package costs nothing,
# and a report kernel never imports an estimator it does not call.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "alpha": [
            "AlphaResult", "alpha_from_cov", "cronbach_alpha", "feldt_interval",
        ],
        "checks": [
            "check_confidence", "numeric_values", "require_columns",
        ],
        "covariance": [
            "NAN_POLICIES", "NanPolicy", "check_nan_policy", "check_reliability_confidence",
            "effective_n", "grouped_moments", "moments", "usable_rows", "weighted_moments",
        ],
        "icc": [
            "ICCResult", "icc", "icc_from_codes",
        ],
        "mixed": [
            "BOUNDARY_SHARE", "DEFAULT_METHODS", "SINGULAR_MESSAGE", "MixedFit",
            "fit_random_intercept", "wald_table",
        ],
        "mixed_profiled": [
            "RHO_GRID", "ProfiledMixedFit", "profile_minima", "profiled_mixed_fit",
        ],
        "multiple_testing": [
            "PAdjust", "adjust_pvalues",
        ],
        "nested": [
            "SINGULAR_PERSON", "SINGULAR_SITE", "NestedFit", "fit_nested_intercepts",
        ],
        "omega": [
            "OmegaPoint", "OmegaResult", "bootstrap_omega", "mcdonald_omega",
            "omega_from_loadings", "omega_interval", "omega_point", "omega_points",
        ],
        "onefactor": [
            "BATCH_TOL", "HEYWOOD_LOWER", "OneFactorFits", "one_factor_ml", "one_factor_ml_batch",
        ],
        "proportions": [
            "Z_95", "weighted_mean", "wilson_interval",
        ],
        "rank_tests": [
            "DUNN", "EPSILON_SQUARED", "GROUP_A", "GROUP_B", "KRUSKAL_WALLIS", "MANN_WHITNEY",
            "N_A", "N_B", "RANK_BISERIAL", "KruskalResult", "MannWhitneyResult", "dunn",
            "epsilon_squared", "kruskal", "mann_whitney", "pairwise_mann_whitney",
        ],
        "rater_agreement": [
            "KendallW", "OneWayICC", "TwoWayICC", "icc_oneway", "icc_two_way", "kendall_w",
            "oneway_icc_sorted",
        ],
        "reml": [
            "ProfiledFit", "VarianceComponents", "group_summaries", "profiled_random_intercept",
            "variance_components", "variance_components_of",
        ],
        "rwg": [
            "MEAN_ITEM_VARIANCE", "N_ITEMS", "RWG_J", "ItemVariances", "column_codes",
            "group_codes", "rwg_from_variances", "rwg_j",
        ],
        "welch": [
            "CONSTANT_TOLERANCE", "DIRECT_SHARE", "Moments", "complement_moments",
            "group_moments", "group_rows",
            "mean_ci", "renumber", "sorted_codes", "stable_order", "t_intervals", "welch_arrays",
            "welch_difference",
        ],
    },
)
