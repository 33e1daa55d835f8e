"""Item moments behind the reliability coefficients: pair counts, covariances, correlations.

Shared by :mod:`evaluation.stats.alpha` (alpha), :mod:`evaluation.stats.omega` (omega and its
bootstrap), :mod:`evaluation.analysis.reliability` (the table) and
:mod:`evaluation.analysis.items` (item-rest statistics), together with their input checks; the
error they raise, :class:`~evaluation.errors.ReliabilityError`, is in :mod:`evaluation.errors`.
Import the public names from :mod:`evaluation.stats`.

Missing answers are handled as in R's ``psych::alpha``: ``nan_policy="pairwise"`` (the
default, as ``use = "pairwise"``) estimates every covariance from the respondents who
answered both items; ``nan_policy="listwise"`` keeps only respondents who answered every
item of the scale.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from evaluation.errors import ReliabilityError

NanPolicy = Literal["pairwise", "listwise"]
NAN_POLICIES = ("pairwise", "listwise")

#: Largest matrix product (rows x inner x columns) that :func:`weighted_moments` hands to
#: BLAS in one call: OpenBLAS computes products up to 4 * 65536 on one thread and larger
#: ones on all cores, which for these thin products costs about ten times the CPU time
#: without being faster (200 products of 500 x 300 x 16: 0.31 s against 0.03 s on two
#: cores). Blocks of replicates give the same sums as one product up to rounding in the
#: last bit, as one and two threads do.
_SINGLE_THREAD_PRODUCT = 1 << 18


def as_matrix(items: pd.DataFrame | np.ndarray) -> np.ndarray:
    if isinstance(items, pd.DataFrame):
        bad = [c for c in items.columns if not pd.api.types.is_numeric_dtype(items[c])]
        if bad:
            raise ReliabilityError(
                f"item columns must be numeric; not numeric: {bad!r} "
                f"(dtypes {[str(items[c].dtype) for c in bad]!r})")
        matrix = items.to_numpy(dtype=float, na_value=np.nan)
    else:
        matrix = np.asarray(items, dtype=float)
    if matrix.ndim != 2:
        raise ReliabilityError(f"items must be a 2-d table (respondents x items); got an "
                               f"array of shape {matrix.shape}")
    return matrix


def check_nan_policy(nan_policy: str) -> None:
    if nan_policy not in NAN_POLICIES:
        raise ReliabilityError(f"nan_policy must be one of {NAN_POLICIES}; got {nan_policy!r}")


def check_reliability_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ReliabilityError(f"confidence must lie strictly between 0 and 1; got {confidence!r}")


def usable_rows(x: np.ndarray, nan_policy: str) -> np.ndarray:
    """Rows that carry information: complete rows (listwise) or rows with any answer."""
    finite = np.isfinite(x)
    return finite.all(axis=1) if nan_policy == "listwise" else finite.any(axis=1)


def moments(x: np.ndarray, nan_policy: NanPolicy = "pairwise", *,
            weights: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair counts, covariance and correlation matrices of the columns of ``x``.

    With ``nan_policy="pairwise"`` each covariance uses the rows where both items are valid
    (R: ``cov(x, use = "pairwise")``; the diagonal holds each item's variance over all its
    valid rows) and each correlation uses the pair's own means and standard deviations
    (R: ``cor(x, use = "pairwise")``). With ``"listwise"`` only complete rows are used.
    Entries with fewer than two rows are NaN. ``weights`` are frequency weights: a row of
    weight 3 counts as three identical rows.

    Returns
    -------
    counts, cov, corr : numpy.ndarray
        Arrays of shape ``(k, k)``.
    """
    check_nan_policy(nan_policy)
    x = np.asarray(x, dtype=float)
    w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
    if nan_policy == "listwise":
        keep = np.isfinite(x).all(axis=1)
        x, w = x[keep], w[keep]
    mask = np.isfinite(x)
    m = mask.astype(float)
    wm = m * w[:, None]
    counts_col = wm.sum(axis=0)
    sums = (np.where(mask, x, 0.0) * w[:, None]).sum(axis=0)
    center = np.divide(sums, counts_col, out=np.zeros_like(sums), where=counts_col > 0)
    x0 = np.where(mask, x - center, 0.0)
    wx0 = x0 * w[:, None]
    counts = m.T @ wm
    cross = x0.T @ wx0
    partial = wx0.T @ m  # [i, j]: sum of item i over rows where i and j are valid
    partial_sq = (x0 * wx0).T @ m
    return (counts, *_finish(counts, cross, partial, partial_sq))


def weighted_moments(x: np.ndarray, weights: np.ndarray, nan_policy: NanPolicy = "pairwise"
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`moments` for many frequency-weight vectors at once (bootstrap replicates).

    ``weights`` has shape ``(B, n)``, one row of frequency weights of the ``n`` rows of ``x``
    per replicate; the result holds arrays of shape ``(B, k, k)``, each equal to
    ``moments(x, nan_policy, weights=weights[b])`` up to rounding. The sums of all replicates
    are four matrix products of ``weights`` with per-row products of the centred items,
    taken in blocks of replicates small enough for OpenBLAS to use one thread (see
    :data:`_SINGLE_THREAD_PRODUCT`).
    """
    check_nan_policy(nan_policy)
    x = np.asarray(x, dtype=float)
    w = np.asarray(weights, dtype=float)
    if nan_policy == "listwise":
        keep = np.isfinite(x).all(axis=1)
        x, w = x[keep], w[:, keep]
    n, k = x.shape
    m, x0 = _centred(x)
    shape = (len(w), k, k)
    # blocks of replicates small enough that OpenBLAS computes each product on one thread
    # (at least two rows each: a single row would go to another BLAS routine)
    rows_per_block = max(2, _SINGLE_THREAD_PRODUCT // max(n * k * k, 1))
    n_blocks = max(1, min(-(-len(w) // rows_per_block), len(w) // 2))
    blocks = np.array_split(w, n_blocks)

    def weighted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        products = (a[:, :, None] * b[:, None, :]).reshape(n, k * k)
        if len(blocks) == 1:
            return (w @ products).reshape(shape)
        return np.concatenate([block @ products for block in blocks]).reshape(shape)

    counts = weighted(m, m)
    cross = weighted(x0, x0)
    partial = weighted(x0, m)
    partial_sq = weighted(x0**2, m)
    return (counts, *_finish(counts, cross, partial, partial_sq))


def grouped_moments(x: np.ndarray, groups: np.ndarray, n_groups: int,
                    nan_policy: NanPolicy = "pairwise"
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`moments` for every group at once; arrays of shape ``(n_groups, k, k)``.

    ``groups`` holds the group number (0 .. ``n_groups`` - 1) of each row of ``x``.
    """
    check_nan_policy(nan_policy)
    x = np.asarray(x, dtype=float)
    groups = np.asarray(groups, dtype=np.intp)
    if nan_policy == "listwise":
        keep = np.isfinite(x).all(axis=1)
        x, groups = x[keep], groups[keep]
    k = x.shape[1]
    m, x0 = _centred(x)
    shape = (n_groups, k, k)
    counts, cross, partial, partial_sq = (np.zeros(shape) for _ in range(4))
    for i in range(k):
        for j in range(i, k):
            both = m[:, i] * m[:, j]
            counts[:, i, j] = counts[:, j, i] = np.bincount(groups, both, n_groups)
            cross[:, i, j] = cross[:, j, i] = np.bincount(groups, x0[:, i] * x0[:, j], n_groups)
            partial[:, i, j] = np.bincount(groups, x0[:, i] * both, n_groups)
            partial[:, j, i] = np.bincount(groups, x0[:, j] * both, n_groups)
            partial_sq[:, i, j] = np.bincount(groups, x0[:, i] ** 2 * both, n_groups)
            partial_sq[:, j, i] = np.bincount(groups, x0[:, j] ** 2 * both, n_groups)
    return (counts, *_finish(counts, cross, partial, partial_sq))


def _centred(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Validity as 0/1 and the values centred at their column means, 0 where missing."""
    mask = np.isfinite(x)
    m = mask.astype(float)
    counts_col = m.sum(axis=0)
    sums = np.where(mask, x, 0.0).sum(axis=0)
    center = np.divide(sums, counts_col, out=np.zeros_like(sums), where=counts_col > 0)
    return m, np.where(mask, x - center, 0.0)


def _finish(counts: np.ndarray, cross: np.ndarray, partial: np.ndarray,
            partial_sq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Covariances and correlations from the sums of :func:`moments`."""
    partial_t = np.swapaxes(partial, -1, -2)
    enough = counts >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = (cross - partial * partial_t / counts) / (counts - 1)
        var_i = (partial_sq - partial**2 / counts) / (counts - 1)
        var_j = np.swapaxes(var_i, -1, -2)
        corr = cov / np.sqrt(var_i * var_j)
    cov = np.where(enough, cov, np.nan)
    corr = np.where(enough & (var_i > 0) & (var_j > 0), corr, np.nan)
    diagonal = np.arange(counts.shape[-1])
    diag_ok = np.isfinite(corr[..., diagonal, diagonal])
    corr[..., diagonal, diagonal] = np.where(diag_ok, 1.0, np.nan)
    return cov, corr


def effective_n(counts: np.ndarray) -> np.ndarray:
    """The smallest pair count (the n behind the weakest covariance)."""
    return counts.min(axis=(-1, -2)).astype(int)


__all__ = [
    "NAN_POLICIES",
    "NanPolicy",
    "grouped_moments",
    "moments",
    "weighted_moments",
]
