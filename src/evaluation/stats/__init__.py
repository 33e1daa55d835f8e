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
``rank_tests``          Kruskal-Wallis, Mann-Whitney, Dunn with their effect sizes
``multiple_testing``    Holm and Benjamini-Hochberg
``welch``               means with t intervals and Welch's difference
``proportions``         shares with Wilson intervals
``rater_agreement``     Kendall's W and intraclass correlations of raters
``checks``              input checks shared by the estimators

Layer: above the foundation; imports nothing else of the package.
"""

from __future__ import annotations

from evaluation.stats.alpha import (
    AlphaResult,
    alpha_from_cov,
    cronbach_alpha,
    feldt_interval,
)
from evaluation.stats.checks import (
    check_confidence,
    numeric_values,
    require_columns,
)
from evaluation.stats.covariance import (
    NAN_POLICIES,
    NanPolicy,
    check_nan_policy,
    check_reliability_confidence,
    effective_n,
    grouped_moments,
    moments,
    usable_rows,
    weighted_moments,
)
from evaluation.stats.icc import (
    ICCResult,
    icc,
    icc_from_codes,
)
from evaluation.stats.mixed import (
    BOUNDARY_SHARE,
    DEFAULT_METHODS,
    SINGULAR_MESSAGE,
    MixedFit,
    fit_random_intercept,
    wald_table,
)
from evaluation.stats.mixed_profiled import (
    RHO_GRID,
    ProfiledMixedFit,
    profile_minima,
    profiled_mixed_fit,
)
from evaluation.stats.multiple_testing import (
    PAdjust,
    adjust_pvalues,
)
from evaluation.stats.omega import (
    OmegaPoint,
    OmegaResult,
    bootstrap_omega,
    mcdonald_omega,
    omega_from_loadings,
    omega_interval,
    omega_point,
    omega_points,
)
from evaluation.stats.onefactor import (
    BATCH_TOL,
    HEYWOOD_LOWER,
    OneFactorFits,
    one_factor_ml,
    one_factor_ml_batch,
)
from evaluation.stats.proportions import (
    Z_95,
    weighted_mean,
    wilson_interval,
)
from evaluation.stats.rank_tests import (
    DUNN,
    EPSILON_SQUARED,
    GROUP_A,
    GROUP_B,
    KRUSKAL_WALLIS,
    MANN_WHITNEY,
    N_A,
    N_B,
    RANK_BISERIAL,
    KruskalResult,
    MannWhitneyResult,
    dunn,
    epsilon_squared,
    kruskal,
    mann_whitney,
    pairwise_mann_whitney,
)
from evaluation.stats.rater_agreement import (
    KendallW,
    OneWayICC,
    TwoWayICC,
    icc_oneway,
    icc_two_way,
    kendall_w,
    oneway_icc_sorted,
)
from evaluation.stats.reml import (
    ProfiledFit,
    VarianceComponents,
    group_summaries,
    profiled_random_intercept,
    variance_components,
    variance_components_of,
)
from evaluation.stats.rwg import (
    MEAN_ITEM_VARIANCE,
    N_ITEMS,
    RWG_J,
    ItemVariances,
    column_codes,
    group_codes,
    rwg_from_variances,
    rwg_j,
)
from evaluation.stats.welch import (
    DIRECT_SHARE,
    Moments,
    complement_moments,
    group_moments,
    group_rows,
    mean_ci,
    renumber,
    sorted_codes,
    stable_order,
    t_intervals,
    welch_arrays,
    welch_difference,
)

__all__ = [
    "BATCH_TOL",
    "BOUNDARY_SHARE",
    "DEFAULT_METHODS",
    "DIRECT_SHARE",
    "DUNN",
    "EPSILON_SQUARED",
    "GROUP_A",
    "GROUP_B",
    "HEYWOOD_LOWER",
    "KRUSKAL_WALLIS",
    "MANN_WHITNEY",
    "MEAN_ITEM_VARIANCE",
    "NAN_POLICIES",
    "N_A",
    "N_B",
    "N_ITEMS",
    "RANK_BISERIAL",
    "RHO_GRID",
    "RWG_J",
    "SINGULAR_MESSAGE",
    "Z_95",
    "AlphaResult",
    "ICCResult",
    "ItemVariances",
    "KendallW",
    "KruskalResult",
    "MannWhitneyResult",
    "MixedFit",
    "Moments",
    "NanPolicy",
    "OmegaPoint",
    "OmegaResult",
    "OneFactorFits",
    "OneWayICC",
    "PAdjust",
    "ProfiledFit",
    "ProfiledMixedFit",
    "TwoWayICC",
    "VarianceComponents",
    "adjust_pvalues",
    "alpha_from_cov",
    "bootstrap_omega",
    "check_confidence",
    "check_nan_policy",
    "check_reliability_confidence",
    "column_codes",
    "complement_moments",
    "cronbach_alpha",
    "dunn",
    "effective_n",
    "epsilon_squared",
    "feldt_interval",
    "fit_random_intercept",
    "group_codes",
    "group_moments",
    "group_rows",
    "group_summaries",
    "grouped_moments",
    "icc",
    "icc_from_codes",
    "icc_oneway",
    "icc_two_way",
    "kendall_w",
    "kruskal",
    "mann_whitney",
    "mcdonald_omega",
    "mean_ci",
    "moments",
    "numeric_values",
    "omega_from_loadings",
    "omega_interval",
    "omega_point",
    "omega_points",
    "one_factor_ml",
    "one_factor_ml_batch",
    "oneway_icc_sorted",
    "pairwise_mann_whitney",
    "profile_minima",
    "profiled_mixed_fit",
    "profiled_random_intercept",
    "renumber",
    "require_columns",
    "rwg_from_variances",
    "rwg_j",
    "sorted_codes",
    "stable_order",
    "t_intervals",
    "usable_rows",
    "variance_components",
    "variance_components_of",
    "wald_table",
    "weighted_mean",
    "weighted_moments",
    "welch_arrays",
    "welch_difference",
    "wilson_interval",
]
