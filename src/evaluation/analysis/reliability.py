"""The reliability table: Cronbach's alpha and McDonald's omega of every scale, pooled and per site.

:func:`reliability_table` computes both coefficients for every scale of a codebook from tidy
survey data and returns one row per scale and site. The coefficients of one scale live in
:mod:`evaluation.stats.alpha` (alpha with its Feldt interval), :mod:`evaluation.stats.omega`
(omega with its bootstrap interval) and :mod:`evaluation.stats.onefactor` (the factor model
behind omega), with the item moments in :mod:`evaluation.stats.covariance`; import them from
:mod:`evaluation.stats`.

Missing answers are handled as in R's ``psych::alpha``: ``nan_policy="pairwise"`` (the
default, as ``use = "pairwise"``) estimates every covariance from the respondents who
answered both items; ``nan_policy="listwise"`` keeps only respondents who answered every
item of the scale.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.analysis.itemmatrix import ItemMatrix, matrix_of
from evaluation.analysis.scales import check_scales
from evaluation.errors import ReliabilityError
from evaluation.stats import (
    HEYWOOD_LOWER,
    NanPolicy,
    alpha_from_cov,
    check_nan_policy,
    check_reliability_confidence,
    cronbach_alpha,
    effective_n,
    feldt_interval,
    grouped_moments,
    omega_interval,
    omega_points,
    usable_rows,
)

if TYPE_CHECKING:
    from evaluation.config import Codebook
    from evaluation.io import SurveyData

log = logging.getLogger("evaluation")

# column names of the reliability table beyond the shared vocabulary in evaluation.columns
POOL = "pool"
N_ITEMS = "n_items"
ALPHA = "alpha"
ALPHA_CI_LOW = "alpha_ci_low"
ALPHA_CI_HIGH = "alpha_ci_high"
OMEGA = "omega"
OMEGA_CI_LOW = "omega_ci_low"
OMEGA_CI_HIGH = "omega_ci_high"
OMEGA_HEYWOOD = "omega_heywood"
NAN_POLICY = "nan_policy"
# the columns filled scale by scale (wave and nan_policy are added last), and their types
_TABLE_COLUMNS = (C.SCALE, C.LEVEL, C.SITE, C.N, N_ITEMS, ALPHA, ALPHA_CI_LOW, ALPHA_CI_HIGH,
                  OMEGA, OMEGA_CI_LOW, OMEGA_CI_HIGH, OMEGA_HEYWOOD)
_COLUMN_DTYPES: dict[str, type] = {C.SCALE: object, C.LEVEL: object, C.SITE: object,
                                   C.N: np.int64, N_ITEMS: np.int64, OMEGA_HEYWOOD: bool}


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
        Tidy survey data (see :mod:`evaluation.io.ingest`).
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
        :func:`evaluation.analysis.scales.score_scales`); default: pivot ``data`` here.

    Returns
    -------
    pandas.DataFrame
        One row per scale and level: ``scale``, ``level`` (``"pool"`` or ``"site"``),
        ``site`` (None for the pool), ``wave`` (None when pooled over waves), ``n``,
        ``n_items``, ``alpha``, ``alpha_ci_low``, ``alpha_ci_high``, ``omega``,
        ``omega_ci_low``, ``omega_ci_high``, ``omega_heywood``, ``nan_policy``.
        ``omega_heywood`` (bool) is True where the omega shown comes from a Heywood
        solution, False elsewhere (also where omega is NaN). Single-item scales get a row
        with NaN coefficients.

    Notes
    -----
    Reverse-keyed items are rescored first (:math:`x' = min + max - x`); every missing
    category, "kann ich nicht beurteilen" included, is NaN. Per-site alphas are computed
    for all sites at once from grouped sums, so thousands of sites take seconds. The
    full-sample factor models of all scales are fitted together
    (:func:`evaluation.stats.omega.omega_points`). Omega and its interval stay NaN where that
    model cannot be fitted or does not converge; its bootstrap is then skipped.

    A Heywood case, a uniqueness at the lower bound 0.005 of ``psych::fa(fm = "ml")``
    (typically a scale whose third item hardly correlates with the other two, so the model
    takes one of those as measured without error), converges like any other fit: omega is
    psych's value, its bootstrap interval is computed, and ``omega_heywood`` says that the
    number rests on a boundary solution and is best read together with alpha.

    Examples
    --------
    R, per scale and site: ``psych::alpha(keyed_items, use = "pairwise")`` and
    ``psych::alpha.ci(alpha, n.obs = n, n.var = k)``; omega as in
    :func:`evaluation.stats.omega.mcdonald_omega`.
    """
    check_nan_policy(nan_policy)
    check_reliability_confidence(confidence)
    if min_n < 2:
        raise ReliabilityError(f"min_n must be at least 2; got {min_n!r}")
    keys = check_scales(codebook, scales)
    matrix = matrix_of(data, [i for s in keys for i in codebook.scales[s].items],
                       matrix=matrix, wave=wave)
    keyed = matrix.keyed(codebook)
    site_codes, site_keys = pd.factorize(matrix.index[C.SITE], sort=False)
    has_site = site_codes >= 0  # rows without a site count for the pool only

    n_sites = len(site_keys)
    pools: list[dict[str, object]] = []
    sites: list[dict[str, np.ndarray] | None] = []
    samples: dict[str, np.ndarray] = {}  # the usable rows of each scale with enough n
    for key in keys:
        members = list(codebook.scales[key].items)
        x = keyed[:, [matrix.position(i) for i in members]]
        k = len(members)
        pool, usable = _pool_row(x, k, min_n=min_n, nan_policy=nan_policy,
                                 confidence=confidence)
        pools.append(pool)
        if usable is not None:
            samples[key] = usable
        sites.append(_site_rows(x[has_site], site_codes[has_site], n_sites, k, min_n=min_n,
                                nan_policy=nan_policy, confidence=confidence,
                                n_boot=n_boot if site_omega else 0, omega=site_omega,
                                seed=seed) if by_site and n_sites else None)
    omegas = dict(zip(samples, _omega_columns(list(samples.values()), nan_policy, n_boot,
                                              confidence, seed), strict=True))
    for key, values in omegas.items():
        if values.get(OMEGA_HEYWOOD):
            log.info("omega of scale %r (wave %s) is a Heywood case: a uniqueness is at the "
                     "lower bound %g; the table marks it in %r", key, wave, HEYWOOD_LOWER,
                     OMEGA_HEYWOOD)

    columns: dict[str, list[np.ndarray]] = {name: [] for name in _TABLE_COLUMNS}
    for key, pool, site in zip(keys, pools, sites, strict=True):
        pool.update(omegas.get(key, {}))
        _append(columns, {C.SCALE: [key], C.LEVEL: [POOL], C.SITE: [None],
                          **{name: [value] for name, value in pool.items()}})
        if site is not None:
            _append(columns, {C.SCALE: [key] * n_sites, C.LEVEL: ["site"] * n_sites,
                              C.SITE: list(site_keys), **site})
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


def _empty_coefficients() -> dict[str, float | bool]:
    return {ALPHA: np.nan, ALPHA_CI_LOW: np.nan, ALPHA_CI_HIGH: np.nan, OMEGA: np.nan,
            OMEGA_CI_LOW: np.nan, OMEGA_CI_HIGH: np.nan, OMEGA_HEYWOOD: False}


def _pool_row(x: np.ndarray, k: int, *, min_n: int, nan_policy: str, confidence: float
              ) -> tuple[dict[str, object], np.ndarray | None]:
    """The pool row of one scale without omega, and the rows to fit omega to (or None)."""
    row: dict[str, object] = {N_ITEMS: k, **_empty_coefficients()}
    usable = x[usable_rows(x, nan_policy)]
    if k < 2:
        row[C.N] = len(usable)
        return row, None
    result = cronbach_alpha(usable, nan_policy=nan_policy,  # type: ignore[arg-type]
                            confidence=confidence)
    row[C.N] = result.n
    if result.n < min_n:
        return row, None
    row.update({ALPHA: result.alpha, ALPHA_CI_LOW: result.ci_low,
                ALPHA_CI_HIGH: result.ci_high})
    return row, usable


def _omega_columns(samples: list[np.ndarray], nan_policy: str, n_boot: int,
                   confidence: float, seed: int) -> list[dict[str, object]]:
    """Omega, its interval and the Heywood flag of each sample; nothing where not converged.

    The full-sample models of all samples are fitted together; the bootstrap (most of the
    cost of a scale) runs only behind an omega that converged and is shown.
    """
    columns: list[dict[str, object]] = []
    for point in omega_points(samples, nan_policy):  # type: ignore[arg-type]
        if isinstance(point, ReliabilityError):
            log.info("omega not computed: %s", point)
            columns.append({})
            continue
        if not point.converged:
            columns.append({})
            continue
        low = high = np.nan
        if n_boot:
            low, high, _, _ = omega_interval(point, n_boot=n_boot, confidence=confidence,
                                             seed=seed)
        columns.append({OMEGA: point.omega, OMEGA_CI_LOW: low, OMEGA_CI_HIGH: high,
                        OMEGA_HEYWOOD: point.heywood})
    return columns


def _site_rows(x: np.ndarray, codes: np.ndarray, n_sites: int, k: int, *, min_n: int,
               nan_policy: str, confidence: float, n_boot: int, omega: bool,
               seed: int) -> dict[str, np.ndarray]:
    """The columns of the site rows of one scale (arrays over all sites at once)."""
    columns = {name: np.full(n_sites, value) for name, value in _empty_coefficients().items()}
    if k < 2:
        usable = usable_rows(x, nan_policy)
        counts = np.bincount(codes[usable], minlength=n_sites)
        return {C.N: counts.astype(int), N_ITEMS: np.full(n_sites, k), **columns}
    counts, cov, _ = grouped_moments(x, codes, n_sites, nan_policy)  # type: ignore[arg-type]
    n = effective_n(counts)
    alpha = alpha_from_cov(cov)
    low, high = feldt_interval(alpha, n=n, n_items=k, confidence=confidence)
    enough = n >= min_n
    columns[ALPHA] = np.where(enough, alpha, np.nan)
    columns[ALPHA_CI_LOW] = np.where(enough, low, np.nan)
    columns[ALPHA_CI_HIGH] = np.where(enough, high, np.nan)
    if omega and enough.any():
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(n_sites + 1))
        chosen = np.flatnonzero(enough)
        samples = []
        for g in chosen:
            sub = x[order[bounds[g]:bounds[g + 1]]]
            samples.append(sub[usable_rows(sub, nan_policy)])
        fitted = _omega_columns(samples, nan_policy, n_boot, confidence, seed)
        for g, values in zip(chosen, fitted, strict=True):
            for name, value in values.items():
                columns[name][g] = value
    return {C.N: n.astype(int), N_ITEMS: np.full(n_sites, k), **columns}


__all__ = [
    "reliability_table",
]
