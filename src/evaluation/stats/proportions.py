"""Shares with their uncertainty, and means of site figures weighted by their respondents.

:func:`wilson_interval` is the score interval of a proportion (Wilson 1927), which stays inside
[0, 1] and keeps its coverage for small ``n`` and shares near 0 or 1, where the Wald interval
fails. :func:`weighted_mean` is the mean of per-site figures weighted by their ``n``: the
figure of the respondents of those sites taken together.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["Z_95", "weighted_mean", "wilson_interval"]

#: The 97.5 % quantile of the standard normal distribution (R: ``qnorm(0.975)``).
Z_95 = 1.959963984540054


def wilson_interval(share: float, n: int, *, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of a proportion ``share`` observed among ``n``.

    .. math::

        \\frac{p + z^2/2n}{1 + z^2/n} \\pm
        \\frac{z}{1 + z^2/n}\\sqrt{\\frac{p(1-p)}{n} + \\frac{z^2}{4n^2}}

    ``(nan, nan)`` for ``n <= 0`` or a missing share. Same as R's
    ``prop.test(x, n, correct = FALSE)$conf.int``.

    >>> [round(b, 4) for b in wilson_interval(0.0, 10)]
    [0.0, 0.2775]
    """
    if n <= 0 or share is None or math.isnan(share):
        return (math.nan, math.nan)
    denom = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denom
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def weighted_mean(values: pd.Series | np.ndarray, weights: pd.Series | np.ndarray) -> float:
    """``sum(values * weights) / sum(weights)``; NaN when the weights sum to zero.

    >>> weighted_mean(np.array([2.0, 4.0]), np.array([1, 3]))
    3.5
    """
    w = np.asarray(weights, dtype=float)
    total = w.sum()
    return float((values * w).sum() / total) if total else math.nan
