"""Exact profiled (RE)ML fit of a random-intercept model with fixed effects.

For ``y = X beta + u_site + e`` the (restricted) likelihood, with the fixed effects and the
residual variance profiled out in closed form, depends on one parameter, the variance ratio
:math:`\\gamma = \\tau^2/\\sigma^2`, and every quantity it needs is a sum over sites.
:func:`profiled_mixed_fit` maximises it exactly, as
:func:`evaluation.stats.reml.profiled_random_intercept` does for the intercept-only model: a
grid over the ratio brackets every local maximum, Brent's method solves the score equation
inside each bracket, and a site variance of zero is taken exactly where the likelihood falls
from there on. :func:`evaluation.stats.mixed.fit_random_intercept` starts statsmodels
``MixedLM`` from this solution.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize

#: Grid over rho = gamma / (1 + gamma) in [0, 1) that brackets the maxima of the profiled
#: likelihood: dense near 0 (small site variances) and near 1 (tiny residual variances).
RHO_GRID = np.unique(np.concatenate([
    [0.0], np.geomspace(1e-9, 1e-2, 15), np.linspace(0.02, 0.98, 49),
    1 - np.geomspace(1e-2, 1e-9, 8)]))


def profile_minima(profile: Callable[[np.ndarray], tuple[np.ndarray, ...]]
                   ) -> np.ndarray | None:
    """Variance ratios where a profiled deviance may have its minimum, or ``None``.

    ``profile(gamma)`` returns the deviance, its slope in rho = gamma / (1 + gamma) and Q,
    each for every ratio in ``gamma``. The grid :data:`RHO_GRID` brackets every local
    minimum; Brent's method solves slope = 0 inside each bracket, and ratio 0 is a candidate
    where the deviance rises from there. ``None`` when the profile is not finite or still
    falls at rho -> 1 (the residual variance goes to zero): no maximum of the likelihood at a
    finite ratio. The caller evaluates the candidates and keeps the smallest deviance.
    """
    deviance, slope, q = profile(RHO_GRID / (1 - RHO_GRID))
    if not (q[0] > 0 and np.isfinite(deviance).all() and np.isfinite(slope).all()):
        return None
    if slope[-1] < 0:  # still falling at rho -> 1: the residual variance goes to 0
        return None

    def score(rho: float) -> float:
        return float(profile(np.array([rho / (1 - rho)]))[1][0])

    candidates = [0.0] if slope[0] >= 0 else []
    for i in np.flatnonzero((slope[:-1] < 0) & (slope[1:] >= 0)):
        candidates.append(optimize.brentq(score, RHO_GRID[i], RHO_GRID[i + 1],
                                          xtol=1e-15, rtol=4 * np.finfo(float).eps))
    rho = np.array(candidates)
    return rho / (1 - rho)


@dataclass(frozen=True, kw_only=True, eq=False)
class ProfiledMixedFit:
    """The maximum of the profiled (restricted) likelihood of a random-intercept model.

    ``coefficients`` are the GLS estimates at the maximum, ``fe_cov`` their covariance
    :math:`\\hat\\sigma^2 (X^\\top W^{-1} X)^{-1}` (lme4's ``vcov``), ``ratio`` is
    :math:`\\gamma = \\tau^2/\\sigma^2` and ``loglike`` the (restricted) log-likelihood with
    lme4's constants (``-deviance / 2``, or ``-REMLcrit / 2``).
    """

    coefficients: np.ndarray
    fe_cov: np.ndarray
    site_variance: float
    residual_variance: float
    ratio: float
    loglike: float


@dataclass(frozen=True)
class _Summaries:
    sizes: np.ndarray  # (G,) rows per site
    x_means: np.ndarray  # (G, p) site means of the columns of X
    y_means: np.ndarray  # (G,) site means of y
    xx: np.ndarray  # (p, p) within-site cross-products of X
    xy: np.ndarray  # (p,) within-site cross-products of X and y
    yy: float  # within-site sum of squares of y


def _summaries(y: np.ndarray, x: np.ndarray, codes: np.ndarray, n_groups: int) -> _Summaries:
    sizes = np.bincount(codes, minlength=n_groups).astype(float)
    x_means = np.stack([np.bincount(codes, weights=col, minlength=n_groups) for col in x.T],
                       axis=1) / sizes[:, None]
    y_means = np.bincount(codes, weights=y, minlength=n_groups) / sizes
    xc = x - x_means[codes]
    yc = y - y_means[codes]
    return _Summaries(sizes, x_means, y_means, xc.T @ xc, xc.T @ yc, float(yc @ yc))


def _profile(gamma: np.ndarray, s: _Summaries, reml: bool
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Profiled deviance (up to constants), its derivative in gamma, Q, beta and X'W^-1X."""
    n, p = s.sizes.sum(), s.xx.shape[0]
    g = np.asarray(gamma, dtype=float)[:, None]
    weight = s.sizes / (1 + g * s.sizes)  # (k, G)
    a = s.xx + np.einsum("kg,gi,gj->kij", weight, s.x_means, s.x_means)
    b = s.xy + np.einsum("kg,gi,g->ki", weight, s.x_means, s.y_means)
    beta = np.linalg.solve(a, b[..., None])[..., 0]
    spread = s.y_means - np.einsum("gi,ki->kg", s.x_means, beta)  # site mean residuals
    # Q = (y - X beta)' W^-1 (y - X beta): within-site part plus the weighted site means
    within = s.yy - 2 * (beta * s.xy).sum(axis=1) + np.einsum("ki,ij,kj->k", beta, s.xx, beta)
    q = within + (weight * spread**2).sum(axis=1)
    dof = n - p if reml else n
    with np.errstate(divide="ignore", invalid="ignore"):
        deviance = dof * np.log(q) + np.log1p(g * s.sizes).sum(axis=1)
        slope = -dof * (weight**2 * spread**2).sum(axis=1) / q + weight.sum(axis=1)
        if reml:
            deviance += np.linalg.slogdet(a)[1]
            # tr(A^-1 dA/dgamma) = -sum_g w_g^2 xbar_g' A^-1 xbar_g
            solved = np.linalg.solve(a, np.swapaxes(np.broadcast_to(
                s.x_means, (len(g), *s.x_means.shape)), 1, 2))
            slope -= (weight**2 * np.einsum("gi,kig->kg", s.x_means, solved)).sum(axis=1)
    return deviance, slope, q, beta, a


def profiled_mixed_fit(endog: np.ndarray, exog: np.ndarray, codes: np.ndarray, *,
                       reml: bool = True) -> ProfiledMixedFit | None:
    """Exact (RE)ML fit of ``y = X beta + u_site + e`` by a one-dimensional profile.

    Parameters
    ----------
    endog : numpy.ndarray
        Outcome (N,), finite.
    exog : numpy.ndarray
        Fixed-effects design (N, p) including the intercept column, full column rank.
    codes : numpy.ndarray
        Site of each row as codes 0 .. G - 1, every code present.
    reml : bool
        Restricted (default) or full maximum likelihood.

    Returns
    -------
    ProfiledMixedFit or None
        ``None`` when the profile has no maximum at a finite ratio (the residual variance
        goes to zero), when the design is rank deficient or the data are not finite;
        callers then use the general optimisers.

    Notes
    -----
    With :math:`W_g^{-1} = I - \\gamma/(1+\\gamma n_g)\\,\\mathbf{1}\\mathbf{1}^\\top`,
    :math:`w_g = n_g/(1+\\gamma n_g)`, and the site means :math:`\\bar x_g, \\bar y_g`,

    .. math::

        A(\\gamma) = X^\\top W^{-1} X = X_w^\\top X_w + \\sum_g w_g \\bar x_g \\bar x_g^\\top,
        \\quad \\hat\\beta(\\gamma) = A^{-1} X^\\top W^{-1} y,

    (:math:`X_w` the design centred within sites), and
    :math:`Q(\\gamma) = (y - X\\hat\\beta)^\\top W^{-1} (y - X\\hat\\beta)`. With
    :math:`\\hat\\sigma^2 = Q/(N-p)` profiled out, the restricted deviance is, up to a
    constant, :math:`(N-p)\\log Q + \\sum_g \\log(1+\\gamma n_g) + \\log|A|` (full ML:
    :math:`N` for :math:`N - p` and no :math:`\\log|A|`), with derivative

    .. math::

        -(N-p)\\frac{\\sum_g w_g^2 (\\bar y_g - \\bar x_g^\\top\\hat\\beta)^2}{Q}
        + \\sum_g w_g - \\sum_g w_g^2\\, \\bar x_g^\\top A^{-1} \\bar x_g .

    Maxima are bracketed on a grid over :math:`\\rho = \\gamma/(1+\\gamma)` and solved with
    Brent's method; :math:`\\gamma = 0` is a candidate when the derivative there is not
    negative. Then :math:`\\tau^2 = \\gamma\\hat\\sigma^2` and the covariance of
    :math:`\\hat\\beta` is :math:`\\hat\\sigma^2 A^{-1}`.

    References
    ----------
    Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects
    models using lme4. *Journal of Statistical Software*, 67(1), section 3.4.

    Examples
    --------
    Same estimates as ``lme4::lmer(y ~ x + (1 | site), REML = TRUE)``; see
    ``tests/stats/test_mixed_profiled.py``.
    """
    y = np.asarray(endog, dtype=float)
    x = np.asarray(exog, dtype=float)
    codes = np.asarray(codes, dtype=np.intp)
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    n, p = x.shape
    dof = n - p if reml else n
    if n_groups < 2 or dof <= 0 or not (np.isfinite(y).all() and np.isfinite(x).all()):
        return None
    s = _summaries(y, x, codes, n_groups)
    if (s.sizes == 0).any() or np.linalg.matrix_rank(x) < p:
        return None
    gamma = profile_minima(lambda g: _profile(g, s, reml)[:3])
    if gamma is None:
        return None
    deviance, _, q, beta, a = _profile(gamma, s, reml)
    best = int(np.argmin(deviance))
    ratio, coefficients = float(gamma[best]), beta[best]
    # Q once more from the residuals themselves, free of cancellation
    resid = y - x @ coefficients
    sums = np.bincount(codes, weights=resid, minlength=n_groups)
    quad = float(resid @ resid - (ratio / (1 + ratio * s.sizes) * sums**2).sum())
    residual = quad / dof
    loglike = -0.5 * float(deviance[best] - dof * np.log(q[best])
                           + dof * (np.log(2 * np.pi * residual) + 1))
    return ProfiledMixedFit(coefficients=coefficients,
                            fe_cov=residual * np.linalg.inv(a[best]),
                            site_variance=ratio * residual, residual_variance=residual,
                            ratio=ratio, loglike=loglike)


__all__ = ["RHO_GRID", "ProfiledMixedFit", "profile_minima", "profiled_mixed_fit"]
