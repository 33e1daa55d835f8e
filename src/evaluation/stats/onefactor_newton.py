"""The projected Newton method behind :func:`evaluation.stats.onefactor.one_factor_ml_batch`.

The ML discrepancy of a one-factor model as a function of the uniquenesses alone (the best
loadings profiled out, Jöreskog 1967), its gradient and Hessian, and a projected Newton method
with an epsilon-active set and a backtracking line search that advances a whole stack of
correlation matrices at once, one batched eigen-decomposition per step. The formulas are in
the Notes of :func:`evaluation.stats.onefactor.one_factor_ml_batch`.
"""

from __future__ import annotations

import numpy as np

_ARMIJO = 1e-4
_MAX_HALVINGS = 40
_ACTIVE_EPS = 1e-2  # largest distance from a bound at which a uniqueness is held there
_STALL_TOL = 1e-6  # a fit whose line search stalls counts as converged below this gradient


def spectrum(corr: np.ndarray, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and eigenvectors of Psi^-1/2 R Psi^-1/2."""
    scale = np.exp(-phi / 2)
    return np.linalg.eigh(corr * scale[:, :, None] * scale[:, None, :])


def _discrepancy(theta: np.ndarray) -> np.ndarray:
    """The ML discrepancy at the best loadings, from the eigenvalues of R*."""
    terms = theta - np.log(theta) - 1
    top = theta[:, -1]
    return terms[:, :-1].sum(axis=1) + np.where(top < 1, terms[:, -1], 0.0)


def gradient_hessian(theta: np.ndarray, vectors: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Gradient and Hessian of the discrepancy in log-uniquenesses.

    The formulas are in the Notes of :func:`evaluation.stats.onefactor.one_factor_ml_batch`.
    """
    top = theta[:, -1]
    factor = top > 1
    weight = theta - 1
    weight[:, -1] = np.where(factor, 0.0, weight[:, -1])
    gradient = -(vectors**2 @ weight[:, :, None])[:, :, 0]
    rest, first, rest_theta = vectors[:, :, :-1], vectors[:, :, -1], theta[:, :-1]
    rest_t = np.swapaxes(rest, 1, 2)
    q = (rest * rest_theta[:, None, :]) @ rest_t
    p = rest @ rest_t
    u = rest * first[:, :, None]
    # two equal largest eigenvalues give c = inf and a Hessian with NaN (see _modified_newton)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = (rest_theta - 1) * (rest_theta + top[:, None]) / (rest_theta - top[:, None])
        hessian = q * p + (u * c[:, None, :]) @ np.swapaxes(u, 1, 2)
    # without a common factor (theta_1 <= 1) the loadings are 0 and f = sum(1/psi + log psi)
    no_factor = np.flatnonzero(~factor)
    if len(no_factor):
        diag = np.einsum("bii->bi", q + first[:, :, None] * first[:, None, :] * top[:, None, None])
        hessian[no_factor] = 0.0
        hessian[no_factor] += diag[no_factor][:, :, None] * np.eye(theta.shape[1])
    return gradient, hessian


def newton(corr: np.ndarray, phi: np.ndarray, low: float, tol: float, max_iter: int,
            fixed: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Projected Newton on the uniquenesses in [exp(low), 1] for every matrix of the stack.

    Starts from log-uniquenesses ``phi``. Steps are taken in psi itself (in log psi a
    Heywood case would need many steps to reach the bound); convergence is judged on the
    gradient in log psi, which does not depend on the size of psi. ``fixed`` (boolean, the
    shape of ``phi``) holds uniquenesses at their start: they do not move and their
    gradient is left out of the convergence test, so the fit is the minimum on that face
    of the box. Returns the uniquenesses, whether each fit converged, whether it is a
    Heywood case, the number of steps and the discrepancy reached.
    """
    n_fits, k = phi.shape
    psi = np.exp(phi)
    lower = float(np.exp(low))
    theta, vectors = spectrum(corr, phi)
    value = _discrepancy(theta)
    done = np.zeros(n_fits, dtype=bool)
    bound = np.zeros(n_fits, dtype=bool)
    steps = np.zeros(n_fits, dtype=np.int64)
    failed = np.zeros(n_fits, dtype=bool)
    eye = np.eye(k, dtype=bool)
    for _ in range(max_iter + 1):
        todo = np.flatnonzero(~done & ~failed)
        if not len(todo):
            break
        log_gradient, log_hessian = gradient_hessian(theta[todo], vectors[todo])
        if fixed is not None:  # a held uniqueness neither moves nor counts for convergence
            log_gradient = np.where(fixed[todo], 0.0, log_gradient)
        current = psi[todo]
        at_low = current <= lower * (1 + 1e-12)
        at_high = current >= 1 - 1e-12
        projected = np.where((at_low & (log_gradient > 0)) | (at_high & (log_gradient < 0)),
                             0.0, log_gradient)
        finished = np.abs(projected).max(axis=1) < tol
        done[todo[finished]] = True
        bound[todo[finished]] = at_low[finished].any(axis=1)
        keep = ~finished & (steps[todo] < max_iter)
        todo, log_gradient, log_hessian, current = (
            a[keep] for a in (todo, log_gradient, log_hessian, current))
        if not len(todo):
            continue
        steps[todo] += 1
        # from phi = log psi to psi: g = g_phi / psi, H = (H_phi - diag(g_phi)) / (psi psi')
        gradient = log_gradient / current
        hessian = log_hessian.copy()
        hessian[:, np.arange(k), np.arange(k)] -= log_gradient
        hessian /= current[:, :, None] * current[:, None, :]
        # epsilon-active set (Bertsekas 1982): a uniqueness within epsilon of a bound that
        # the gradient pushes against is moved onto the bound and left out of the Newton step
        gap = np.abs(current - np.clip(current - gradient, lower, 1.0)).max(axis=1)
        epsilon = np.minimum(_ACTIVE_EPS, gap)[:, None]
        to_low = (current <= lower + epsilon) & (gradient > 0)
        to_high = (current >= 1 - 1e-12) & (gradient < 0)
        held = to_low | to_high
        if fixed is not None:
            held |= fixed[todo]
        free = ~held
        reduced = np.where(free[:, :, None] & free[:, None, :], hessian, eye)
        free_gradient = np.where(held, 0.0, gradient)
        with np.errstate(all="ignore"):
            try:
                direction = -np.linalg.solve(reduced, free_gradient[:, :, None])[:, :, 0]
            except np.linalg.LinAlgError:
                direction = np.full_like(gradient, np.nan)
        slope = np.einsum("bi,bi->b", free_gradient, direction)
        size = np.linalg.norm(free_gradient, axis=1) * np.linalg.norm(direction, axis=1)
        uphill = ~np.isfinite(slope) | (slope >= -1e-12 * size)
        if uphill.any():  # negative curvature: Newton on the absolute eigenvalues instead
            direction[uphill] = _modified_newton(reduced[uphill], free_gradient[uphill])
        # psi lies in (0, 1]: longer steps than 1 only cost halvings in the line search
        direction /= np.maximum(np.abs(direction).max(axis=1, keepdims=True), 1.0)
        direction = np.where(to_low, -1.0, np.where(to_high, 1.0, direction))
        stalled = _line_search(corr, psi, theta, vectors, value, todo, gradient, direction,
                               lower)
        # no descent possible at rounding level: converged if the gradient is nearly zero
        rows = todo[stalled]
        nearly = np.abs(np.where(held[stalled], 0.0, log_gradient[stalled])).max(axis=1) \
            < _STALL_TOL
        done[rows[nearly]] = True
        bound[rows[nearly]] = (psi[rows[nearly]] <= lower * (1 + 1e-12)).any(axis=1)
        failed[rows[~nearly]] = True
    return psi, done, bound, steps, value


def _modified_newton(hessian: np.ndarray, gradient: np.ndarray) -> np.ndarray:
    """Descent directions from Hessians that are not positive definite.

    The eigenvalues are replaced by their absolute values, floored at a small share of the
    largest (Nocedal & Wright 2006, section 3.4), so that a direction of negative curvature
    is followed downhill rather than towards the saddle. A Hessian with NaN or inf (two
    equal largest eigenvalues of R*, where the eigen-perturbation formula divides by 0) is
    replaced by the identity: a steepest-descent step, where LAPACK would raise for the
    whole batch.
    """
    finite = np.isfinite(hessian).all(axis=(1, 2))
    if not finite.all():
        hessian = np.where(finite[:, None, None], hessian, np.eye(hessian.shape[1]))
    values, vectors = np.linalg.eigh(hessian)
    size = np.abs(values)
    floor = np.maximum(size.max(axis=1, keepdims=True) * 1e-6, 1e-12)
    inverse = 1 / np.maximum(size, floor)
    along = np.einsum("bji,bj->bi", vectors, gradient) * inverse
    return -np.einsum("bij,bj->bi", vectors, along)


def _line_search(corr: np.ndarray, psi: np.ndarray, theta: np.ndarray, vectors: np.ndarray,
                 value: np.ndarray, todo: np.ndarray, gradient: np.ndarray,
                 direction: np.ndarray, lower: float) -> np.ndarray:
    """Backtracking along the projected path; updates the state arrays in place.

    Returns the positions in ``todo`` where no step decreased the discrepancy.
    """
    step = np.ones(len(todo))
    # the step at which the first uniqueness reaches the lower bound: tried second, since
    # the projected path beyond it bends and often fails where this step succeeds
    with np.errstate(divide="ignore", invalid="ignore"):
        reach = np.where(direction < 0, (psi[todo] - lower) / -direction, np.inf)
    reach = np.where(reach > 1e-12, reach, np.inf).min(axis=1)
    first = True
    searching = np.arange(len(todo))
    for _ in range(_MAX_HALVINGS):
        rows = todo[searching]
        trial = np.clip(psi[rows] + step[searching, None] * direction[searching], lower, 1.0)
        trial_theta, trial_vectors = spectrum(corr[rows], np.log(trial))
        trial_value = _discrepancy(trial_theta)
        change = np.einsum("bi,bi->b", gradient[searching], trial - psi[rows])
        slack = 1e-13 * (1 + np.abs(value[rows]))
        accepted = (np.isfinite(trial_value) & (trial_theta[:, 0] > 0)
                    & (trial_value <= value[rows] + _ARMIJO * change + slack))
        good = rows[accepted]
        psi[good] = trial[accepted]
        theta[good] = trial_theta[accepted]
        vectors[good] = trial_vectors[accepted]
        value[good] = trial_value[accepted]
        # next step from the minimum of the quadratic through f(0), f'(0) and f(t),
        # kept within [t/10, t/2]
        rejected = ~accepted
        slope = np.einsum("bi,bi->b", gradient[searching], direction[searching])[rejected]
        t = step[searching][rejected]
        with np.errstate(all="ignore"):
            curve = trial_value[rejected] - value[rows][rejected] - slope * t
            best = -slope * t**2 / (2 * curve)
        best = np.where(np.isfinite(best), best, t / 2)
        searching = searching[rejected]
        if not len(searching):
            return searching
        step[searching] = np.clip(best, t / 10, t / 2)
        if first:
            bounded = reach[searching] < 1
            step[searching[bounded]] = reach[searching[bounded]]
            first = False
    return searching
