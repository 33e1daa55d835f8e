"""Intercepts for sites and persons nested in them: ``y ~ X + (1 | site) + (1 | site:person)``.

Panel respondents answer in several waves; their rows share a person intercept, and each
person belongs to one site. :func:`fit_nested_intercepts` fits the model by REML (or ML)
exactly. With the fixed effects and the residual variance profiled out, the likelihood
depends on the two variance ratios only, and every quantity it needs is a sum over
(site, person size) cells of the person means of ``[X y]``; a fit costs a few milliseconds
and never forms an N x N matrix. Import the public names from :mod:`evaluation.stats`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.errors import InsufficientDataError, ModelFitError, StatisticsInputError
from evaluation.stats.mixed import BOUNDARY_SHARE, MixedFit

# grid over rho = theta / (1 + theta) in [0, 1), for each of the two ratios, whose local
# minima of the deviance start the optimiser: dense near 0 and near 1
_GRID = np.array([0.0, 1e-3, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95,
                  0.99, 0.999])
# largest rho the optimiser may reach (theta 1e9); a maximum there has no finite ratio
_RHO_MAX = 1 - 1e-9
_RHO_FINITE = 1 - 1e-7
SINGULAR_SITE = "boundary (singular) fit: the site variance is estimated as zero"
SINGULAR_PERSON = "boundary (singular) fit: the person variance is estimated as zero"
_NOT_CONVERGED = "the optimiser stopped short of a zero gradient"


@dataclass(frozen=True, kw_only=True, eq=False)
class NestedFit(MixedFit):
    """A fitted model with a site intercept and a person intercept nested in sites.

    The fields of :class:`~evaluation.stats.mixed.MixedFit` (so that
    :func:`~evaluation.stats.mixed.wald_table` applies), with ``fe_cov``
    :math:`\\hat\\sigma^2 (X^\\top W^{-1} X)^{-1}` (lme4's ``vcov``), plus
    ``person_variance`` and ``n_persons``. ``boundary`` is True when either variance is
    (practically) zero, as lme4's ``isSingular``; ``site_boundary`` and ``person_boundary``
    say which. ``method`` is ``"nested_profiled_reml"`` (or ``"nested_profiled_ml"``);
    ``result`` is None.
    """

    person_variance: float
    n_persons: int
    site_boundary: bool
    person_boundary: bool


@dataclass(frozen=True)
class _Summaries:
    """Sufficient statistics of ``[X y]`` by (site, person size) cell."""

    n: int
    p: int
    sizes: np.ndarray  # (M,) the distinct numbers of rows of a person
    count: np.ndarray  # (G, M) persons of each size per site
    sums: np.ndarray  # (G, M, q) sums of the person means of [X y]
    outer: np.ndarray  # (G, M, q, q) sums of their outer products
    within: np.ndarray  # (q, q) cross-products of [X y] centred within persons
    persons_of_size: np.ndarray  # (M,) count summed over sites
    outer_by_size: np.ndarray  # (M, q, q) outer summed over sites


def _summaries(z: np.ndarray, p: int, person: np.ndarray, home: np.ndarray,
               n_sites: int) -> _Summaries:
    n_persons, q = len(home), z.shape[1]
    rows = np.bincount(person, minlength=n_persons)
    means = np.stack([np.bincount(person, weights=col, minlength=n_persons) for col in z.T],
                     axis=1) / rows[:, None]
    centred = z - means[person]
    sizes, size_code = np.unique(rows, return_inverse=True)
    m = len(sizes)
    features = np.column_stack([np.ones(n_persons), means,
                                (means[:, :, None] * means[:, None, :]).reshape(n_persons, -1)])
    cell = home * m + size_code
    cells = np.stack([np.bincount(cell, weights=col, minlength=n_sites * m)
                      for col in features.T], axis=1).reshape(n_sites, m, -1)
    outer = cells[..., 1 + q:].reshape(n_sites, m, q, q)
    return _Summaries(n=len(z), p=p, sizes=sizes.astype(float), count=cells[..., 0],
                      sums=cells[..., 1:1 + q], outer=outer, within=centred.T @ centred,
                      persons_of_size=cells[..., 0].sum(axis=0), outer_by_size=outer.sum(axis=0))


def _profile(theta: np.ndarray, s: _Summaries, reml: bool, gradient: bool = False
             ) -> tuple[np.ndarray, ...]:
    """Profiled deviance (up to constants) at the ratios ``theta`` (K, 2), with beta, Q and
    X'W^-1X; with ``gradient``, also the derivatives in the two ratios (K, 2)."""
    p, dof = s.p, s.n - s.p if reml else s.n
    n_sites, m, q = s.sums.shape
    ts, tp = theta[:, :1], theta[:, 1:]
    w = s.sizes / (1 + tp * s.sizes)  # (K, M) person weight m / (1 + theta_p m)
    total = w @ s.count.T  # (K, G) T_g = 1' D_g^-1 1
    big = (w @ s.sums.transpose(1, 0, 2).reshape(m, -1)).reshape(-1, n_sites, q)  # S_g
    keep = 1 / (1 + ts * total)  # (K, G)
    shrink = ts * keep
    a = (s.within + (w @ s.outer_by_size.reshape(m, -1)).reshape(-1, q, q)
         - np.matmul((shrink[..., None] * big).transpose(0, 2, 1), big))  # [X y]' W^-1 [X y]
    axx = a[:, :p, :p]
    beta = np.linalg.solve(axx, a[:, :p, p:])[..., 0]
    quad = a[:, p, p] - (a[:, :p, p] * beta).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        deviance = (dof * np.log(quad) + np.log1p(tp * s.sizes) @ s.persons_of_size
                    + np.log1p(ts * total).sum(axis=1))
    if reml:
        deviance = deviance + np.linalg.slogdet(axx)[1]
    if not gradient:
        return deviance, beta, quad, axx
    k = len(beta)
    u = np.concatenate([-beta, np.ones((k, 1))], axis=1)  # residual = [X y] u
    r = np.matmul(big, u[..., None])[..., 0]  # (K, G) S_g(r)
    su = (s.sums.reshape(-1, q) @ u.T).T.reshape(k, n_sites, m)
    uou = (s.outer.reshape(-1, q * q) @ (u[:, :, None] * u[:, None, :]).reshape(k, -1).T
           ).T.reshape(k, n_sites, m)
    w2 = (w**2)[:, None, :]
    sr = (shrink * r)[..., None]
    # squared norms of Z_p' W^-1 r and Z_s' W^-1 r, traces of W^-1 Z_p Z_p' and W^-1 Z_s Z_s'
    norm_p = (w2 * (uou - 2 * sr * su + s.count * sr**2)).sum(axis=(1, 2))
    norm_s = ((keep * r) ** 2).sum(axis=1)
    trace_p = (s.count * (w[:, None, :] - shrink[..., None] * w2)).sum(axis=(1, 2))
    trace_s = (total * keep).sum(axis=1)
    grad_p = -dof * norm_p / quad + trace_p
    grad_s = -dof * norm_s / quad + trace_s
    if reml:  # - tr(A^-1 X' W^-1 Z Z' W^-1 X)
        inv = np.linalg.inv(axx)
        bx = big[..., :p]  # (K, G, p)
        t_outer = (s.outer[:, :, :p, :p].reshape(-1, p * p) @ inv.reshape(k, -1).T
                   ).T.reshape(k, n_sites, m)
        solved = np.matmul(bx, inv)  # (K, G, p)
        t_cross = np.matmul(s.sums[None, :, :, :p], solved[..., None])[..., 0]  # (K, G, M)
        t_site = (solved * bx).sum(axis=2)
        sh = shrink[..., None]
        grad_p -= (w2 * (t_outer - 2 * sh * t_cross + s.count * sh**2 * t_site[..., None])
                   ).sum(axis=(1, 2))
        grad_s -= (keep**2 * t_site).sum(axis=1)
    return deviance, beta, quad, axx, np.column_stack([grad_s, grad_p])


def _in_rho(rho: np.ndarray, s: _Summaries, reml: bool, gradient: bool = False
            ) -> tuple[np.ndarray, ...]:
    """Deviance (with ``gradient``, and its gradient) at rho = theta / (1 + theta), (K, 2)."""
    out = _profile(rho / (1 - rho), s, reml, gradient)
    return (out[0], out[-1] / (1 - rho) ** 2) if gradient else (out[0],)


def _minimise(s: _Summaries, reml: bool) -> tuple[np.ndarray, bool]:
    """Ratios (theta_site, theta_person) at the smallest deviance, and whether the gradient
    vanished there; ModelFitError where the deviance has no minimum at finite ratios."""
    size = len(_GRID)
    grid = np.stack(np.meshgrid(_GRID, _GRID, indexing="ij"), axis=-1).reshape(-1, 2)
    chunk = max(1, 2**20 // s.sums.size)  # grid points per call: arrays of at most 8 MB
    deviance = np.concatenate([_in_rho(grid[i:i + chunk], s, reml)[0]
                               for i in range(0, len(grid), chunk)]).reshape(size, size)
    if not np.isfinite(deviance).all():
        raise ModelFitError("the profiled likelihood is not finite on its grid")
    # local minima of the grid (no larger than their eight neighbours) start the search
    padded = np.pad(deviance, 1, constant_values=np.inf)
    minimum = np.all([deviance <= padded[1 + i:1 + i + size, 1 + j:1 + j + size]
                      for i in (-1, 0, 1) for j in (-1, 0, 1) if i or j], axis=0)
    starts = np.argwhere(minimum)
    starts = starts[np.argsort(deviance[tuple(starts.T)])[:4]]
    scale = max(float(abs(deviance.min())), 1.0)
    found = [_newton(_GRID[start], s, reml, scale) for start in starts]
    _, rho, gradient_ok = min(found, key=lambda f: f[0])
    if (rho > _RHO_FINITE).any():
        raise ModelFitError("the likelihood keeps rising as the residual variance goes to zero")
    return rho / (1 - rho), gradient_ok


def _free(rho: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """Coordinates not held at a bound by a gradient pointing out of the box."""
    return ((rho > 0) | (grad < 0)) & ((rho < _RHO_MAX) | (grad > 0))


def _newton(rho: np.ndarray, s: _Summaries, reml: bool, scale: float
            ) -> tuple[float, np.ndarray, bool]:
    """Projected Newton iterations on rho in [0, _RHO_MAX]^2 from a grid point.

    The Hessian comes from forward differences of the analytic gradient (evaluated together
    with the gradient itself), the step length from a backtracking (Armijo) search along
    the projected path, whose trial points are evaluated at once; where the deviance is too
    flat to resolve a step, a Newton step that shrinks the gradient is taken. Returns the
    deviance, rho and whether the gradient of the free coordinates fell below 1e-6 of the
    deviance's scale.
    """
    lengths = 0.5 ** np.arange(12)
    for _ in range(100):
        steps = 1e-7 * np.maximum(rho, 1e-3)
        steps = np.where(rho + steps > _RHO_MAX, -steps, steps)
        points = np.repeat(rho[None], 3, axis=0)
        points[[1, 2], [0, 1]] += steps
        values, grads = _in_rho(points, s, reml, gradient=True)
        value, grad = float(values[0]), grads[0]
        free = _free(rho, grad)
        if not free.any() or np.abs(grad[free]).max() <= 1e-10 * scale:
            break
        idx = np.flatnonzero(free)
        hess = ((grads[1:] - grad) / steps[:, None])[np.ix_(idx, idx)]
        hess = (hess + hess.T) / 2
        direction = -grad[idx]
        try:
            np.linalg.cholesky(hess)
            direction = np.linalg.solve(hess, direction)
        except np.linalg.LinAlgError:  # not convex here: a scaled gradient step
            direction = direction / np.maximum(np.abs(np.diag(hess)), 1e-8 * scale)
        for tried in (lengths, lengths * 0.5 ** len(lengths)):
            trials = np.repeat(rho[None], len(tried), axis=0)
            trials[:, idx] = np.clip(rho[idx] + tried[:, None] * direction, 0.0, _RHO_MAX)
            decrease = _in_rho(trials, s, reml)[0] - value - 1e-4 * ((trials - rho) @ grad)
            good = np.flatnonzero(np.isfinite(decrease) & (decrease <= 0))
            if len(good):
                break
        if len(good) and not np.array_equal(trials[good[0]], rho):
            rho = trials[good[0]]
            continue
        # no decrease the deviance can resolve (its rounding is ~1e-13 of its size): near
        # the minimum, the full step is taken where it makes the gradient smaller
        if -direction @ grad[idx] > 1e-9 * scale:
            break
        full = rho.copy()
        full[idx] = np.clip(rho[idx] + direction, 0.0, _RHO_MAX)
        nearer = _in_rho(full[None], s, reml, gradient=True)[1][0]
        if np.abs(nearer[idx]).max() >= np.abs(grad[idx]).max():
            break
        rho = full
    free = _free(rho, grad)
    ok = bool(not free.any() or np.abs(grad[free]).max() <= 1e-6 * scale)
    return value, rho, ok


def _codes(values: Sequence[object] | pd.Series, what: str) -> tuple[np.ndarray, np.ndarray]:
    codes, labels = pd.factorize(pd.Series(values), sort=False)
    if (codes < 0).any():
        raise StatisticsInputError(f"{int((codes < 0).sum())} row(s) have no {what}")
    return codes.astype(np.intp), np.asarray(labels, dtype=object)


def _homes(person: np.ndarray, site: np.ndarray, persons: np.ndarray, sites: np.ndarray
           ) -> np.ndarray:
    """The site of each person; StatisticsInputError naming persons seen in several sites."""
    home = np.full(len(persons), -1, dtype=np.intp)
    home[person] = site
    moved = np.unique(person[home[person] != site])
    if len(moved):
        named = "; ".join(f"person '{persons[code]}' in sites " + ", ".join(
            sorted({f"'{v}'" for v in sites[site[person == code]]})) for code in moved[:5])
        more = f" and {len(moved) - 5} more" if len(moved) > 5 else ""
        raise StatisticsInputError(
            f"persons must be nested in sites, but {named}{more}: give a person who changed "
            "site one identifier per site (as lme4's site:person does) or leave the rows of "
            "one site out")
    return home


def fit_nested_intercepts(
    endog: pd.Series,
    exog: pd.DataFrame,
    sites: pd.Series,
    persons: pd.Series,
    *,
    reml: bool = True,
) -> NestedFit:
    """Fit ``endog ~ exog + (1 | site) + (1 | site:person)`` by (RE)ML, exactly.

    Parameters
    ----------
    endog : pandas.Series
        Outcome, finite.
    exog : pandas.DataFrame
        Fixed-effects design including the intercept column, full column rank; its column
        names become the names of the coefficients.
    sites, persons : pandas.Series
        Site and person of each row; every person belongs to one site.
    reml : bool
        Restricted maximum likelihood (default, as ``lme4::lmer(REML = TRUE)``).

    Returns
    -------
    NestedFit

    Raises
    ------
    StatisticsInputError
        When a person appears in more than one site (naming persons and sites) or a row has
        no site or person.
    InsufficientDataError
        With fewer than two sites, no person with two rows, no residual degrees of freedom,
        or an outcome with the same value in every row.
    ModelFitError
        With a rank-deficient design, or where the likelihood has no maximum at finite
        variance ratios (no variation within persons).

    Notes
    -----
    :math:`y = X\\beta + u_{s} + v_{i} + e`, :math:`u_s \\sim N(0, \\tau^2)`,
    :math:`v_i \\sim N(0, \\nu^2)`, :math:`e \\sim N(0, \\sigma^2)`, person :math:`i` in site
    :math:`s`, so :math:`V = \\sigma^2 W` with :math:`W = I + \\theta_p Z_p Z_p^\\top + \\theta_s
    Z_s Z_s^\\top`. Within a site, :math:`W_s = D_s + \\theta_s \\mathbf 1 \\mathbf 1^\\top` with
    :math:`D_s` block diagonal over persons, so (Sherman–Morrison twice) for any columns
    :math:`a, b`, person means :math:`\\bar a_i` of a person with :math:`m_i` rows,
    :math:`w_i = m_i/(1+\\theta_p m_i)`, :math:`T_s = \\sum_{i \\in s} w_i` and
    :math:`S_s(a) = \\sum_{i\\in s} w_i \\bar a_i`,

    .. math::

        a^\\top W^{-1} b = a_w^\\top b_w + \\sum_i w_i \\bar a_i \\bar b_i
          - \\sum_s \\frac{\\theta_s}{1+\\theta_s T_s} S_s(a) S_s(b),
        \\qquad \\log|W| = \\sum_i \\log(1+\\theta_p m_i) + \\sum_s \\log(1+\\theta_s T_s),

    (:math:`a_w` centred within persons): sums over (site, person size) cells. With the GLS
    :math:`\\hat\\beta`, :math:`Q = r^\\top W^{-1} r` and :math:`\\hat\\sigma^2 = Q/(N-p)`
    profiled out, the restricted deviance is :math:`(N-p)\\log Q + \\log|W| +
    \\log|X^\\top W^{-1} X|` up to a constant (ML: :math:`N \\log Q + \\log|W|`); its gradient
    in :math:`\\theta_k`, :math:`-(N-p)\\lVert Z_k^\\top W^{-1} r\\rVert^2/Q +
    \\operatorname{tr}(W^{-1}Z_kZ_k^\\top) - \\operatorname{tr}(A^{-1} X^\\top W^{-1} Z_k
    Z_k^\\top W^{-1} X)`, comes from the same cells. Projected Newton iterations in
    :math:`\\rho_k = \\theta_k/(1+\\theta_k)`, bounded at 0 (Hessian from differences of the
    gradient, Armijo backtracking), start from each local minimum of the deviance on a grid
    and stop where the gradient vanishes to about 1e-10 of the deviance. A ratio at 0 is a
    boundary fit (lme4's singular fit). Then :math:`\\tau^2 = \\theta_s\\hat\\sigma^2`,
    :math:`\\nu^2 = \\theta_p\\hat\\sigma^2`, the covariance of :math:`\\hat\\beta` is
    :math:`\\hat\\sigma^2 (X^\\top W^{-1} X)^{-1}`; the log-likelihood has lme4's constants.

    References
    ----------
    Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects
    models using lme4. *Journal of Statistical Software*, 67(1), section 3.4.

    Examples
    --------
    Same estimates as ``lme4::lmer(y ~ x + (1 | site) + (1 | site:person), REML = TRUE)``;
    see ``tests/stats/test_nested.py``.
    """
    y = pd.to_numeric(pd.Series(endog), errors="coerce").to_numpy(dtype=float)
    x = np.asarray(exog, dtype=float)
    n, p = x.shape
    if not (len(y) == n == len(sites) == len(persons)) or not np.isfinite(y).all() or not (
            np.isfinite(x).all()):
        raise StatisticsInputError(
            f"outcome, design, sites and persons need the same length ({len(y)}, {n}, "
            f"{len(sites)}, {len(persons)}) and finite numbers")
    site, site_labels = _codes(sites, "site")
    person, person_labels = _codes(persons, "person")
    n_sites, n_persons = len(site_labels), len(person_labels)
    home = _homes(person, site, person_labels, site_labels)
    dof = n - p if reml else n
    if n_sites < 2 or n_persons >= n or dof <= 0:
        raise InsufficientDataError(
            f"a model with site and person intercepts needs at least two sites, a person with "
            f"two rows and more rows than fixed effects; got {n} row(s), {n_sites} site(s), "
            f"{n_persons} person(s), {p} fixed effect(s)")
    if np.ptp(y) == 0:
        raise InsufficientDataError(f"the outcome is {y[0]:g} in every one of the {n} rows: "
                                    "there is no variance to model")
    if np.linalg.matrix_rank(x) < p:
        raise ModelFitError(f"the design of {p} fixed effects is rank deficient")
    # with an intercept, the outcome centred: its cross-products then lose no digits
    constant = np.flatnonzero((np.ptp(x, axis=0) == 0) & (x[0] != 0))
    shift = float(y.mean()) if len(constant) else 0.0
    s = _summaries(np.column_stack([x, y - shift]), p, person, home, n_sites)
    theta, converged = _minimise(s, reml)
    _, beta, _, axx = _profile(theta[None], s, reml)
    beta, axx = beta[0], axx[0]
    if len(constant):
        beta[constant[0]] += shift / x[0, constant[0]]
    # Q once more from the residuals themselves, free of cancellation
    resid = y - x @ beta
    rows = np.bincount(person, minlength=n_persons)
    rbar = np.bincount(person, weights=resid, minlength=n_persons) / rows
    w = rows / (1 + theta[1] * rows)
    total = np.bincount(home, weights=w, minlength=n_sites)
    sums = np.bincount(home, weights=w * rbar, minlength=n_sites)
    quad = float(((resid - rbar[person]) ** 2).sum() + (w * rbar**2).sum()
                 - (theta[0] / (1 + theta[0] * total) * sums**2).sum())
    residual = quad / dof
    logdet = float(np.log1p(theta[1] * rows).sum() + np.log1p(theta[0] * total).sum())
    if reml:
        logdet += float(np.linalg.slogdet(axx)[1])
    loglike = -0.5 * (dof * (np.log(2 * np.pi * residual) + 1) + logdet)
    between, persons_var = float(theta[0] * residual), float(theta[1] * residual)
    all_var = between + persons_var + residual
    site_boundary = bool(between <= BOUNDARY_SHARE * all_var)
    person_boundary = bool(persons_var <= BOUNDARY_SHARE * all_var)
    messages = tuple(m for m, flag in ((SINGULAR_SITE, site_boundary), (SINGULAR_PERSON,
                     person_boundary), (_NOT_CONVERGED, not converged)) if flag)
    return NestedFit(
        coefficients=pd.Series(beta, index=list(pd.DataFrame(exog).columns)),
        fe_cov=residual * np.linalg.inv(axx), site_variance=between,
        person_variance=persons_var, residual_variance=residual, llf=float(loglike),
        converged=converged, boundary=site_boundary or person_boundary,
        site_boundary=site_boundary, person_boundary=person_boundary,
        method="nested_profiled_reml" if reml else "nested_profiled_ml", messages=messages,
        n=n, n_groups=n_sites, n_persons=n_persons)


__all__ = ["SINGULAR_PERSON", "SINGULAR_SITE", "NestedFit", "fit_nested_intercepts"]
