"""Reliability of multi-item scales: Cronbach's alpha and McDonald's omega total.

The coefficient functions take a wide table (rows are respondents, columns the items of one
scale, already reverse-keyed, NaN for every missing category) and return frozen result
records. :func:`reliability_table` computes both for every scale of a codebook from tidy
survey data, pooled and per site, and returns one row per scale and site.

Missing answers are handled as in R's ``psych::alpha``: ``nan_policy="pairwise"`` (the
default, as ``use = "pairwise"``) estimates every covariance from the respondents who
answered both items; ``nan_policy="listwise"`` keeps only respondents who answered every
item of the scale.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import special

from . import columns as C
from .covariance import (
    NAN_POLICIES,
    NanPolicy,
    ReliabilityError,
    _as_matrix,
    _check_confidence,
    _check_policy,
    _effective_n,
    _usable_rows,
    grouped_moments,
    moments,
    weighted_moments,
)
from .itemmatrix import ItemMatrix, matrix_of
from .omega import (
    OmegaResult,
    bootstrap_omega,
    mcdonald_omega,
    omega_from_loadings,
    omega_interval,
    omega_point,
)
from .onefactor import one_factor_ml, one_factor_ml_batch
from .scales import _check_scales

if TYPE_CHECKING:
    from .ingest import SurveyData
    from .instrument import Codebook

log = logging.getLogger("evaluation")

# column names of the reliability table beyond the shared vocabulary in evaluation.columns
LEVEL = "level"
POOL = "pool"
N_ITEMS = "n_items"
ALPHA = "alpha"
ALPHA_CI_LOW = "alpha_ci_low"
ALPHA_CI_HIGH = "alpha_ci_high"
OMEGA = "omega"
OMEGA_CI_LOW = "omega_ci_low"
OMEGA_CI_HIGH = "omega_ci_high"
NAN_POLICY = "nan_policy"
# the columns filled scale by scale (wave and nan_policy are added last), and their types
_TABLE_COLUMNS = (C.SCALE, LEVEL, C.SITE, C.N, N_ITEMS, ALPHA, ALPHA_CI_LOW, ALPHA_CI_HIGH,
                  OMEGA, OMEGA_CI_LOW, OMEGA_CI_HIGH)
_COLUMN_DTYPES: dict[str, type] = {C.SCALE: object, LEVEL: object, C.SITE: object,
                                   C.N: np.int64, N_ITEMS: np.int64}


@dataclass(frozen=True, kw_only=True)
class AlphaResult:
    """Cronbach's alpha of one scale with its Feldt confidence interval.

    ``n`` is the number of respondents behind the estimate: the complete cases for
    ``nan_policy="listwise"``, the smallest number of respondents who answered a pair of
    items for ``"pairwise"``; the interval uses this ``n``.
    """

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    n_items: int
    confidence: float
    nan_policy: str


# -- Cronbach's alpha -----------------------------------------------------------------------


def alpha_from_cov(cov: np.ndarray) -> np.ndarray:
    """Cronbach's alpha from one covariance matrix or a stack of them (last two axes).

    ``k / (k - 1) * (1 - trace(C) / sum(C))``; NaN where ``C`` has a NaN, where the total
    variance is not positive, or for fewer than two items.
    """
    cov = np.asarray(cov, dtype=float)
    k = cov.shape[-1]
    if k < 2:
        return np.full(cov.shape[:-2], np.nan)
    trace = np.trace(cov, axis1=-2, axis2=-1)
    total = cov.sum(axis=(-2, -1))
    ok = np.isfinite(total) & (total > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = k / (k - 1) * (1 - trace / total)
    return np.where(ok, alpha, np.nan)


def feldt_interval(alpha: float | np.ndarray, *, n: int | np.ndarray,
                   n_items: int, confidence: float = 0.95
                   ) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Feldt confidence interval of Cronbach's alpha.

    Parameters
    ----------
    alpha : float or array
        Sample alpha.
    n : int or array
        Number of respondents.
    n_items : int
        Number of items ``k``.
    confidence : float
        Coverage of the interval.

    Returns
    -------
    ci_low, ci_high
        NaN where ``n < 2``, ``n_items < 2`` or alpha is NaN.

    Notes
    -----
    With :math:`\\gamma = 1 - \\text{confidence}`, :math:`df_1 = n - 1` and
    :math:`df_2 = (n - 1)(k - 1)`, the limits are
    :math:`1 - (1 - \\alpha) F_{1-\\gamma/2}(df_1, df_2)` and
    :math:`1 - (1 - \\alpha) F_{\\gamma/2}(df_1, df_2)` (Feldt, Woodruff & Salih, 1987).

    References
    ----------
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
    coefficient alpha. *Applied Psychological Measurement*, 11(1), 93-103.

    Examples
    --------
    Same numbers as R ``psych::alpha.ci(0.7, n.obs = 100, n.var = 5)``:

    >>> low, high = feldt_interval(0.7, n=100, n_items=5)
    >>> round(float(low), 3), round(float(high), 3)
    (0.596, 0.784)
    """
    _check_confidence(confidence)
    alpha_arr = np.asarray(alpha, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    ok = (n_arr >= 2) & (n_items >= 2) & np.isfinite(alpha_arr)
    df1 = np.where(ok, n_arr - 1, 1.0)
    df2 = df1 * max(n_items - 1, 1)
    gamma = 1 - confidence
    # special.fdtri is the quantile function behind stats.f.ppf, without its argument checks
    low = np.where(ok, 1 - (1 - alpha_arr) * special.fdtri(df1, df2, 1 - gamma / 2), np.nan)
    high = np.where(ok, 1 - (1 - alpha_arr) * special.fdtri(df1, df2, gamma / 2), np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def cronbach_alpha(items: pd.DataFrame | np.ndarray, *, nan_policy: NanPolicy = "pairwise",
                   confidence: float = 0.95) -> AlphaResult:
    """Cronbach's alpha with a Feldt confidence interval.

    Parameters
    ----------
    items : DataFrame or 2-d array
        Respondents in rows, the items of one scale in columns, reverse-keyed items already
        rescored (see :func:`evaluation.scales.reverse_score`), NaN for missing answers
        (including "kann ich nicht beurteilen").
    nan_policy : {"pairwise", "listwise"}
        ``"pairwise"`` uses the pairwise-complete covariance matrix (R ``psych::alpha`` with
        ``use = "pairwise"``); ``"listwise"`` keeps complete rows only.
    confidence : float
        Coverage of the Feldt interval.

    Returns
    -------
    AlphaResult

    Raises
    ------
    ReliabilityError
        Fewer than two items, non-numeric columns, or an unknown ``nan_policy``.

    Notes
    -----
    :math:`\\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_i \\sigma_i^2}{\\sum_{i,j}
    \\sigma_{ij}}\\right)` with :math:`\\sigma_{ij}` the item covariances. For the
    interval see :func:`feldt_interval`; its ``n`` is the number of complete rows
    (listwise) or the smallest pairwise count (pairwise, a conservative choice). A
    pairwise covariance matrix need not be positive semi-definite, so with many missing
    answers pairwise alpha can fall outside [0, 1] (as in ``psych::alpha``).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16, 297-334.

    Examples
    --------
    R: ``psych::alpha(x, use = "pairwise")$total$raw_alpha``.

    >>> import numpy as np
    >>> x = np.array([[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5], [5, 5, 4]])
    >>> round(cronbach_alpha(x).alpha, 4)  # 3/2 * (1 - 5.6 / 14.7)
    0.9286
    """
    _check_policy(nan_policy)
    _check_confidence(confidence)
    x = _as_matrix(items)
    k = x.shape[1]
    if k < 2:
        raise ReliabilityError(f"Cronbach's alpha needs at least two items; got {k}")
    counts, cov, _ = moments(x, nan_policy)
    n = int(_effective_n(counts))
    alpha = float(alpha_from_cov(cov))
    low, high = feldt_interval(alpha, n=n, n_items=k, confidence=confidence)
    return AlphaResult(alpha=alpha, ci_low=float(low), ci_high=float(high), n=n, n_items=k,
                       confidence=confidence, nan_policy=nan_policy)

# -- the table ----------------------------------------------------------------------------


def reliability_table(data: SurveyData, codebook: Codebook, *,
                      scales: Sequence[str] | None = None, wave: str | None = None,
                      by_site: bool = True, min_n: int = 20,
                      nan_policy: NanPolicy = "pairwise", confidence: float = 0.95,
                      n_boot: int = 1000, site_omega: bool = False,
                      seed: int = 0, matrix: ItemMatrix | None = None) -> pd.DataFrame:
    """Alpha and omega of every multi-item scale, pooled and per site.

    Parameters
    ----------
    data : SurveyData
        Tidy survey data (see :mod:`evaluation.ingest`).
    codebook : Codebook
        Scales, reverse-keyed items and response scale.
    scales : sequence of str, optional
        Scale keys; default every scale of the codebook (factors and outcomes).
    wave : str, optional
        Use only this wave; default all waves, every respondent x wave one row.
    by_site : bool
        Add one row per site and scale.
    min_n : int
        Coefficients are left NaN where ``n`` (complete rows, or smallest pairwise count)
        is below ``min_n``; the row is kept so that ``n`` is visible.
    nan_policy : {"pairwise", "listwise"}
        See :func:`cronbach_alpha`.
    confidence : float
        Coverage of the intervals.
    n_boot : int
        Bootstrap replicates of the omega interval (0: no interval). Each replicate refits
        the factor model; all replicates of a scale are fitted together, some 10-20 ms per
        scale for 500 replicates.
    site_omega : bool
        Also fit omega per site (one factor model per site and scale, plus ``n_boot``
        replicates each; slow for many sites). Default: alpha only for sites.
    seed : int
        Seed of the bootstraps.
    matrix : ItemMatrix, optional
        ``item_matrix(data)`` built beforehand and shared with the other statistics (see
        :func:`evaluation.scales.score_scales`); default: pivot ``data`` here.

    Returns
    -------
    pandas.DataFrame
        One row per scale and level: ``scale``, ``level`` (``"pool"`` or ``"site"``),
        ``site`` (None for the pool), ``wave`` (None when pooled over waves), ``n``,
        ``n_items``, ``alpha``, ``alpha_ci_low``, ``alpha_ci_high``, ``omega``,
        ``omega_ci_low``, ``omega_ci_high``, ``nan_policy``. Single-item scales get a row
        with NaN coefficients.

    Notes
    -----
    Reverse-keyed items are rescored first (:math:`x' = min + max - x`); every missing
    category, "kann ich nicht beurteilen" included, is NaN. Per-site alphas are computed
    for all sites at once from grouped sums, so thousands of sites take seconds. Omega and
    its interval stay NaN where the full-sample factor model does not converge; its
    bootstrap is then skipped.

    Examples
    --------
    R, per scale and site: ``psych::alpha(keyed_items, use = "pairwise")`` and
    ``psych::alpha.ci(alpha, n.obs = n, n.var = k)``.
    """
    _check_policy(nan_policy)
    _check_confidence(confidence)
    if min_n < 2:
        raise ReliabilityError(f"min_n must be at least 2; got {min_n!r}")
    keys = _check_scales(codebook, scales)
    matrix = matrix_of(data, [i for s in keys for i in codebook.scales[s].items],
                       matrix=matrix, wave=wave)
    keyed = matrix.keyed(codebook)
    site_codes, site_keys = pd.factorize(matrix.index[C.SITE], sort=False)
    has_site = site_codes >= 0  # rows without a site count for the pool only

    columns: dict[str, list[np.ndarray]] = {name: [] for name in _TABLE_COLUMNS}
    n_sites = len(site_keys)
    for key in keys:
        members = list(codebook.scales[key].items)
        x = keyed[:, [matrix.position(i) for i in members]]
        k = len(members)
        pool = _pool_row(x, k, min_n=min_n, nan_policy=nan_policy, confidence=confidence,
                         n_boot=n_boot, seed=seed)
        _append(columns, {C.SCALE: [key], LEVEL: [POOL], C.SITE: [None],
                          **{name: [value] for name, value in pool.items()}})
        if by_site and n_sites:
            sites = _site_rows(x[has_site], site_codes[has_site], n_sites, k,
                               min_n=min_n, nan_policy=nan_policy, confidence=confidence,
                               n_boot=n_boot if site_omega else 0, omega=site_omega,
                               seed=seed)
            _append(columns, {C.SCALE: [key] * n_sites, LEVEL: ["site"] * n_sites,
                              C.SITE: list(site_keys), **sites})
    table = pd.DataFrame({name: np.concatenate(parts) for name, parts in columns.items()})
    table.insert(3, C.WAVE, np.full(len(table), wave, dtype=object))
    table[NAN_POLICY] = np.full(len(table), nan_policy, dtype=object)
    return table


def _append(columns: dict[str, list[np.ndarray]], rows: Mapping[str, Sequence[object]]
            ) -> None:
    """Add rows to the table's columns (one DataFrame is built at the end, not per scale)."""
    size = len(rows[C.SCALE])
    for name, parts in columns.items():
        values = rows.get(name, np.full(size, np.nan))
        parts.append(np.asarray(values, dtype=_COLUMN_DTYPES.get(name, float)))


def _empty_coefficients() -> dict[str, float]:
    return {ALPHA: np.nan, ALPHA_CI_LOW: np.nan, ALPHA_CI_HIGH: np.nan, OMEGA: np.nan,
            OMEGA_CI_LOW: np.nan, OMEGA_CI_HIGH: np.nan}


def _pool_row(x: np.ndarray, k: int, *, min_n: int, nan_policy: str, confidence: float,
              n_boot: int, seed: int) -> dict[str, object]:
    row: dict[str, object] = {N_ITEMS: k, **_empty_coefficients()}
    usable = x[_usable_rows(x, nan_policy)]
    if k < 2:
        row[C.N] = len(usable)
        return row
    result = cronbach_alpha(usable, nan_policy=nan_policy,  # type: ignore[arg-type]
                            confidence=confidence)
    row[C.N] = result.n
    if result.n < min_n:
        return row
    row.update({ALPHA: result.alpha, ALPHA_CI_LOW: result.ci_low,
                ALPHA_CI_HIGH: result.ci_high})
    row.update(_omega_columns(usable, nan_policy, n_boot, confidence, seed))
    return row


def _omega_columns(x: np.ndarray, nan_policy: str, n_boot: int, confidence: float,
                   seed: int) -> dict[str, float]:
    """Omega and its interval, or nothing where the full-sample fit did not converge.

    The table leaves omega out where the point estimate did not converge, so the bootstrap
    (most of the cost of a scale) is then not run at all.
    """
    try:
        point = omega_point(x, nan_policy)  # type: ignore[arg-type]
    except ReliabilityError as exc:
        log.info("omega not computed: %s", exc)
        return {}
    if not point.converged:
        return {}
    low = high = np.nan
    if n_boot:
        low, high, _, _ = omega_interval(point, n_boot=n_boot, confidence=confidence,
                                         seed=seed)
    return {OMEGA: point.omega, OMEGA_CI_LOW: low, OMEGA_CI_HIGH: high}


def _site_rows(x: np.ndarray, codes: np.ndarray, n_sites: int, k: int, *, min_n: int,
               nan_policy: str, confidence: float, n_boot: int, omega: bool,
               seed: int) -> dict[str, np.ndarray]:
    """The columns of the site rows of one scale (arrays over all sites at once)."""
    columns = {name: np.full(n_sites, np.nan) for name in _empty_coefficients()}
    if k < 2:
        usable = _usable_rows(x, nan_policy)
        counts = np.bincount(codes[usable], minlength=n_sites)
        return {C.N: counts.astype(int), N_ITEMS: np.full(n_sites, k), **columns}
    counts, cov, _ = grouped_moments(x, codes, n_sites, nan_policy)  # type: ignore[arg-type]
    n = _effective_n(counts)
    alpha = alpha_from_cov(cov)
    low, high = feldt_interval(alpha, n=n, n_items=k, confidence=confidence)
    enough = n >= min_n
    columns[ALPHA] = np.where(enough, alpha, np.nan)
    columns[ALPHA_CI_LOW] = np.where(enough, low, np.nan)
    columns[ALPHA_CI_HIGH] = np.where(enough, high, np.nan)
    if omega and enough.any():
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(n_sites + 1))
        for g in np.flatnonzero(enough):
            sub = x[order[bounds[g]:bounds[g + 1]]]
            values = _omega_columns(sub[_usable_rows(sub, nan_policy)], nan_policy, n_boot,
                                    confidence, seed)
            for name, value in values.items():
                columns[name][g] = value
    return {C.N: n.astype(int), N_ITEMS: np.full(n_sites, k), **columns}


__all__ = ["NAN_POLICIES", "AlphaResult", "NanPolicy", "OmegaResult", "ReliabilityError",
           "alpha_from_cov", "bootstrap_omega", "cronbach_alpha", "feldt_interval",
           "grouped_moments", "mcdonald_omega", "moments", "omega_from_loadings",
           "one_factor_ml", "one_factor_ml_batch", "reliability_table", "weighted_moments"]
