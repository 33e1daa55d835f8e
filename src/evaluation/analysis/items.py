"""Item analysis: how each item of a scale behaves.

One row per item: answer distribution, floor and ceiling, missing and "kann ich nicht
beurteilen" shares (kept apart), corrected item-total correlation (item-rest r) and alpha if
the item is dropped, and a flag for reverse-keyed items that do not behave as reversed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.analysis.itemmatrix import CANNOT_JUDGE_CODE, VALID_CODE, ItemMatrix, matrix_of
from evaluation.analysis.reliability import (
    NanPolicy,
    ReliabilityError,
    alpha_from_cov,
    check_nan_policy,
)
from evaluation.analysis.scales import check_scales
from evaluation.stats import moments

if TYPE_CHECKING:
    from evaluation.config import Codebook
    from evaluation.io import SurveyData

log = logging.getLogger("evaluation")

# column names of the item table beyond the shared vocabulary in evaluation.columns
REVERSE = "reverse"
N_TOTAL = "n_total"
FLOOR = "floor"
CEILING = "ceiling"
MISSING_SHARE = "missing_share"
CANNOT_JUDGE_SHARE = "cannot_judge_share"
ITEM_REST_R = "item_rest_r"
ALPHA_IF_DROPPED = "alpha_if_dropped"
REVERSE_PROBLEM = "reverse_problem"
SHARE_PREFIX = "share_"


def share_column(value: int) -> str:
    """Name of the column with the share of answers equal to ``value`` (``share_3``)."""
    return f"{SHARE_PREFIX}{value}"


def item_rest_statistics(cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Item-rest correlation and alpha if dropped of every item, from the covariance matrix.

    Notes
    -----
    With :math:`C` the covariance matrix of the (keyed) items,
    :math:`r_{i,rest} = (\\sum_j C_{ij} - C_{ii}) / \\sqrt{C_{ii}\\,\\sum_{j,l \\neq i}
    C_{jl}}`, and alpha if dropped is Cronbach's alpha of :math:`C` without row and column
    :math:`i` (NaN for scales of fewer than three items). This is what R ``psych::alpha``
    reports as ``r.drop`` and ``alpha.drop$raw_alpha``.
    """
    cov = np.asarray(cov, dtype=float)
    k = cov.shape[0]
    rest_r = np.full(k, np.nan)
    dropped = np.full(k, np.nan)
    if k < 2:
        return rest_r, dropped
    for i in range(k):
        others = [j for j in range(k) if j != i]
        rest_var = cov[np.ix_(others, others)].sum()
        covariance = cov[i].sum() - cov[i, i]
        denominator = cov[i, i] * rest_var
        if np.isfinite(denominator) and denominator > 0:
            rest_r[i] = covariance / np.sqrt(denominator)
        if k > 2:
            dropped[i] = float(alpha_from_cov(cov[np.ix_(others, others)]))
    return rest_r, dropped


def item_analysis(data: SurveyData, codebook: Codebook, *,
                  scales: Sequence[str] | None = None, wave: str | None = None,
                  nan_policy: NanPolicy = "pairwise",
                  min_item_rest_r: float = 0.30,
                  matrix: ItemMatrix | None = None) -> pd.DataFrame:
    """Item statistics of every scale, one row per item.

    Parameters
    ----------
    data : SurveyData
        Tidy survey data (see :mod:`evaluation.io.ingest`).
    codebook : Codebook
        Scales, items, reverse keys and the response scale.
    scales : sequence of str, optional
        Scale keys; default every scale of the codebook (factors and outcomes).
    wave : str, optional
        Use only this wave; default all waves (every respondent x wave is one row).
    nan_policy : {"pairwise", "listwise"}
        Covariances for item-rest r and alpha if dropped: pairwise-complete (as R
        ``psych::alpha`` with ``use = "pairwise"``) or complete rows of the scale only.
    min_item_rest_r : float
        A reverse-keyed item whose item-rest r (after rescoring) is below this value is
        flagged in ``reverse_problem``: respondents probably did not read it as reversed.
    matrix : ItemMatrix, optional
        ``item_matrix(data)`` built beforehand and shared with the other statistics (see
        :func:`evaluation.analysis.scales.score_scales`); default: pivot ``data`` here.

    Returns
    -------
    pandas.DataFrame
        One row per item in codebook order: ``scale``, ``item``, ``reverse``, ``n_total``
        (respondent x wave rows), ``n`` (valid answers), ``mean`` and ``sd`` of the answers
        as given (not rescored), ``share_<v>`` for every value of the response scale
        (share of the valid answers), ``floor`` and ``ceiling`` (share of valid answers at
        the lowest and highest value), ``missing_share`` (no answer, not shown, faulty or no
        row, share of ``n_total``), ``cannot_judge_share`` ("kann ich nicht beurteilen",
        share of ``n_total``), ``item_rest_r`` and ``alpha_if_dropped`` (after rescoring
        reverse-keyed items), ``reverse_problem``.

    Notes
    -----
    ``sd`` uses :math:`n - 1`. For the item-rest statistics see
    :func:`item_rest_statistics`; single-item scales get NaN there.

    Examples
    --------
    R: ``a <- psych::alpha(keyed_items, use = "pairwise")``; ``a$item.stats$r.drop`` and
    ``a$alpha.drop$raw_alpha``; ``psych::response.frequencies(items)`` for the shares.
    """
    check_nan_policy(nan_policy)
    if not np.isfinite(min_item_rest_r):
        raise ReliabilityError(f"min_item_rest_r must be a finite number; got "
                               f"{min_item_rest_r!r}")
    keys = check_scales(codebook, scales)
    matrix = matrix_of(data, [i for s in keys for i in codebook.scales[s].items],
                       matrix=matrix, wave=wave)
    keyed = matrix.keyed(codebook)
    values = matrix.values
    status = matrix.status
    n_total = len(matrix.index)
    scale_values = list(range(codebook.scale_min, codebook.scale_max + 1))

    rows: list[dict[str, object]] = []
    for key in keys:
        positions = [matrix.position(i) for i in codebook.scales[key].items]
        _, cov, _ = moments(keyed[:, positions], nan_policy)
        rest_r, dropped = item_rest_statistics(cov)
        for p, j in enumerate(positions):
            item = matrix.items[j]
            reverse = bool(codebook.items[item].reverse)
            answers = values[:, j]
            answers = answers[np.isfinite(answers)]
            n = len(answers)
            mean = float(answers.mean()) if n else np.nan
            sd = float(answers.std(ddof=1)) if n > 1 else np.nan
            cannot = int((status[:, j] == CANNOT_JUDGE_CODE).sum())
            # no answer, not shown, faulty, and no row at all (ABSENT)
            missing = int(((status[:, j] != VALID_CODE)
                           & (status[:, j] != CANNOT_JUDGE_CODE)).sum())
            row: dict[str, object] = {
                C.SCALE: key, C.ITEM: item, REVERSE: reverse, N_TOTAL: n_total, C.N: n,
                C.MEAN: mean, C.SD: sd,
            }
            for v in scale_values:
                row[share_column(v)] = float((answers == v).sum() / n) if n else np.nan
            row[FLOOR] = row[share_column(codebook.scale_min)]
            row[CEILING] = row[share_column(codebook.scale_max)]
            row[MISSING_SHARE] = missing / n_total if n_total else np.nan
            row[CANNOT_JUDGE_SHARE] = cannot / n_total if n_total else np.nan
            row[ITEM_REST_R] = float(rest_r[p])
            row[ALPHA_IF_DROPPED] = float(dropped[p])
            row[REVERSE_PROBLEM] = bool(reverse and np.isfinite(rest_r[p])
                                        and rest_r[p] < min_item_rest_r)
            rows.append(row)
    table = pd.DataFrame(rows, columns=[
        C.SCALE, C.ITEM, REVERSE, N_TOTAL, C.N, C.MEAN, C.SD,
        *(share_column(v) for v in scale_values), FLOOR, CEILING, MISSING_SHARE,
        CANNOT_JUDGE_SHARE, ITEM_REST_R, ALPHA_IF_DROPPED, REVERSE_PROBLEM])
    flagged = table.loc[table[REVERSE_PROBLEM], C.ITEM].tolist()
    if flagged:
        log.info("reverse-keyed items with item-rest r below %.2f: %s", min_item_rest_r,
                 ", ".join(flagged))
    return table


__all__ = ["item_analysis", "item_rest_statistics", "share_column"]
