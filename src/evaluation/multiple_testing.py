"""P-value adjustment for multiple testing: Holm (family-wise) or Benjamini-Hochberg (FDR)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from .aggregation import StatisticsInputError

PAdjust = Literal["holm", "fdr_bh", "none"]
_PADJUST = ("holm", "fdr_bh", "none")


def adjust_pvalues(pvalues: Sequence[float] | np.ndarray | pd.Series,
                   method: PAdjust = "holm") -> np.ndarray:
    """Adjust p-values for multiple testing (Holm or Benjamini-Hochberg).

    Parameters
    ----------
    pvalues : array-like
        Raw p-values; NaN entries stay NaN and do not count as tests.
    method : {"holm", "fdr_bh", "none"}
        Holm's step-down family-wise adjustment, Benjamini-Hochberg false discovery rate, or
        no adjustment.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order.

    Notes
    -----
    For m tests with ordered p-values :math:`p_{(1)} \\le \\dots \\le p_{(m)}`, Holm gives
    :math:`\\tilde p_{(i)} = \\max_{j \\le i} \\min(1, (m - j + 1) p_{(j)})` and BH gives
    :math:`\\tilde p_{(i)} = \\min_{j \\ge i} \\min(1, m\\,p_{(j)} / j)`. Computed with
    ``statsmodels.stats.multitest.multipletests``.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03]).round(4).tolist()
    [0.03, 0.06, 0.06]

    In R: ``p.adjust(c(0.01, 0.04, 0.03), method = "holm")`` (``"BH"`` for ``fdr_bh``).
    """
    from statsmodels.stats.multitest import multipletests

    if method not in _PADJUST:
        raise StatisticsInputError(f"method must be one of {_PADJUST}, got {method!r}")
    p = np.asarray(pvalues, dtype=float)
    bad = p[np.isfinite(p) & ((p < 0) | (p > 1))]
    if len(bad):
        raise StatisticsInputError(f"p-values must lie in [0, 1]; got {bad[:5].tolist()}")
    out = p.copy()
    finite = np.isfinite(p)
    if method == "none" or not finite.any():
        return out
    out[finite] = multipletests(p[finite], method=method)[1]
    return out
