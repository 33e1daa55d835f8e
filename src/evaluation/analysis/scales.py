"""Scale scores: reverse-keying and the mean of valid items, with the two-thirds rule.

The survey's long form (one row per respondent, wave and item) is turned once into a numeric
matrix (:class:`~evaluation.analysis.itemmatrix.ItemMatrix`, respondent x wave in rows, items in
columns; built by :func:`~evaluation.analysis.itemmatrix.item_matrix`), on which scoring,
item analysis (:mod:`evaluation.analysis.items`) and reliability
(:mod:`evaluation.analysis.reliability`) work. Every missing category, "kann ich nicht
beurteilen" (``cannot_judge``) included, is missing: it never counts as a low answer.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.analysis.itemmatrix import (
    CANNOT_JUDGE_CODE,
    ItemMatrix,
    ScaleError,
    _key_codes,
    _regular_layout,
    _runs,
    matrix_of,
)

if TYPE_CHECKING:
    from evaluation.config import Codebook
    from evaluation.io import SurveyData

log = logging.getLogger("evaluation")

# column names of the score table beyond the shared vocabulary in evaluation.columns
N_ITEMS = "n_items"
N_VALID = "n_valid"
N_CANNOT_JUDGE = "n_cannot_judge"
SCORE_COLUMNS = (C.RESPONDENT, C.SITE, C.WAVE, C.SCALE, C.SCORE, N_ITEMS, N_VALID,
                 N_CANNOT_JUDGE)

#: A share written with two or three decimals (0.67, 0.667) stands for the fraction it
#: rounds (2/3); shares within this distance below ``min_valid_share`` still count.
SHARE_TOLERANCE = 0.005

# -- reverse-keying -----------------------------------------------------------------------


def reverse_score(values: float | np.ndarray | pd.Series, *, scale_min: float,
                  scale_max: float) -> np.ndarray | pd.Series | float:
    """Rescore a reverse-keyed answer: ``x' = scale_min + scale_max - x``.

    NaN stays NaN; applying the function twice gives the original values back.

    Examples
    --------
    R: ``psych::reverse.code(-1, x, mini = 1, maxi = 5)``.

    >>> reverse_score(np.array([1.0, 2.0, np.nan, 5.0]), scale_min=1, scale_max=5)
    array([ 5.,  4., nan,  1.])
    """
    if isinstance(values, pd.Series):
        return scale_min + scale_max - values
    result = scale_min + scale_max - np.asarray(values, dtype=float)
    return float(result) if np.ndim(result) == 0 else result


def reverse_keyed(responses: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """A copy of tidy responses with the values of reverse-keyed items rescored.

    Parameters
    ----------
    responses : DataFrame
        Long form with columns ``item`` and ``value`` (as
        :attr:`evaluation.io.SurveyData.responses`).
    codebook : Codebook
        Says which items are reverse-keyed and gives the response scale.
    """
    for column in (C.ITEM, C.VALUE):
        if column not in responses.columns:
            raise ScaleError(f"responses lack the column {column!r}; columns are "
                             f"{list(responses.columns)!r}")
    out = responses.copy()
    flip = out[C.ITEM].isin(codebook.reverse_items).to_numpy()
    values = out[C.VALUE].to_numpy(dtype=float, copy=True)
    values[flip] = reverse_score(values[flip], scale_min=codebook.scale_min,
                                 scale_max=codebook.scale_max)
    out[C.VALUE] = values
    return out


# -- scores -------------------------------------------------------------------------------


def check_scales(codebook: Codebook, scales: Sequence[str] | None) -> list[str]:
    if scales is None:
        return list(codebook.scales)
    if isinstance(scales, str):
        scales = [scales]
    unknown = [s for s in scales if s not in codebook.scales]
    if unknown:
        raise ScaleError(f"unknown scale(s) {unknown!r}; the codebook {codebook.name!r} has "
                         f"{list(codebook.scales)!r}")
    return list(dict.fromkeys(scales))


def required_valid(n_items: int, min_valid_share: float) -> int:
    """Smallest number of valid items that gives a score (2 of 3 for a share of 2/3).

    Notes
    -----
    :math:`\\lceil (s - 0.005) k \\rceil`, at least 1: a share written rounded (0.67,
    0.667) is honoured as the fraction it stands for (see :data:`SHARE_TOLERANCE`).
    """
    return max(1, math.ceil(round((min_valid_share - SHARE_TOLERANCE) * n_items, 9)))


def score_scales(data: SurveyData, codebook: Codebook, *,
                 scales: Sequence[str] | None = None,
                 min_valid_share: float | None = None,
                 matrix: ItemMatrix | None = None) -> pd.DataFrame:
    """Scale scores of every respondent and wave: the mean of the valid, keyed items.

    Parameters
    ----------
    data : SurveyData
        Tidy survey data (see :mod:`evaluation.io.ingest`).
    codebook : Codebook
        Scales, their items, reverse-keyed items and the response scale.
    scales : sequence of str, optional
        Scale keys to score; default every scale (factors and outcomes) in codebook order.
    min_valid_share : float, optional
        Share of a scale's items that must be valid for a score; default the codebook's
        ``min_valid_share`` (2/3 in the default instrument).
    matrix : ItemMatrix, optional
        ``item_matrix(data)`` built beforehand, to share one pivot of the answers between
        scoring, :func:`evaluation.analysis.items.item_analysis` and
        :func:`evaluation.analysis.reliability.reliability_table`; its columns for the scales' items
        are used (an item it lacks counts as missing for every respondent).

    Returns
    -------
    pandas.DataFrame
        One row per wave x respondent x scale: ``respondent``, ``site``, ``wave``, ``scale``,
        ``score`` (NaN when too few items are valid), ``n_items``, ``n_valid``,
        ``n_cannot_judge``. Rows in order of first appearance of the respondent, scales in
        codebook order.

    Raises
    ------
    ScaleError
        Unknown scale, unknown answer status, a valid answer outside the response scale or
        a ``min_valid_share`` outside (0, 1].

    Notes
    -----
    Reverse-keyed items are rescored as :math:`x' = min + max - x`. With :math:`V` the
    valid items of a scale of :math:`k` items, the score is :math:`\\bar x_V` if
    :math:`|V| \\geq \\lceil s k \\rceil` (:func:`required_valid`) and missing otherwise.
    "Kann ich nicht beurteilen" and every other missing category are not valid; they are
    counted in ``n_cannot_judge`` (only that category) so that reports can tell "no
    opinion" from "no answer".

    Examples
    --------
    R: ``psych::scoreItems(keys, items, impute = "none", min = 1, max = 5)$scores``, then
    ``NA`` where ``rowSums(!is.na(items)) < ceiling(2/3 * k)``.
    """
    share = codebook.min_valid_share if min_valid_share is None else min_valid_share
    if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 < share <= 1:
        raise ScaleError(f"min_valid_share must be a number in (0, 1]; got {share!r}")
    keys = check_scales(codebook, scales)
    members = {key: list(codebook.scales[key].items) for key in keys}
    matrix = matrix_of(data, [i for key in keys for i in members[key]], matrix=matrix)
    keyed = matrix.keyed(codebook)
    _check_range(keyed, matrix, codebook)

    n_rows, n_scales = len(matrix.index), len(keys)
    score = np.full((n_rows, n_scales), np.nan)
    n_items = np.zeros(n_scales, dtype=np.int64)
    n_valid = np.zeros((n_rows, n_scales), dtype=np.int64)
    n_cannot = np.zeros((n_rows, n_scales), dtype=np.int64)
    start = 0
    for s, key in enumerate(keys):
        k = len(members[key])
        block = keyed[:, start:start + k]
        valid = np.isfinite(block)
        count = valid.sum(axis=1)
        total = np.where(valid, block, 0.0).sum(axis=1)
        enough = count >= required_valid(k, share)
        np.divide(total, count, out=score[:, s], where=enough & (count > 0))
        n_items[s] = k
        n_valid[:, s] = count
        n_cannot[:, s] = (matrix.status[:, start:start + k] == CANNOT_JUDGE_CODE).sum(axis=1)
        start += k

    index = matrix.index
    return pd.DataFrame({
        C.RESPONDENT: np.repeat(index[C.RESPONDENT].to_numpy(), n_scales),
        C.SITE: np.repeat(index[C.SITE].to_numpy(), n_scales),
        C.WAVE: np.repeat(index[C.WAVE].to_numpy(), n_scales),
        C.SCALE: np.tile(np.array(keys, dtype=object), n_rows),
        C.SCORE: score.reshape(-1),
        N_ITEMS: np.tile(n_items, n_rows),
        N_VALID: n_valid.reshape(-1),
        N_CANNOT_JUDGE: n_cannot.reshape(-1),
    })


def _check_range(keyed: np.ndarray, matrix: ItemMatrix, codebook: Codebook) -> None:
    lo, hi = codebook.scale_min, codebook.scale_max
    low = np.fmin.reduce(keyed, axis=None) if keyed.size else np.nan
    high = np.fmax.reduce(keyed, axis=None) if keyed.size else np.nan
    if not (low < lo or high > hi):
        return
    bad_rows, bad_cols = np.nonzero((keyed < lo) | (keyed > hi))
    examples = []
    for r, j in list(zip(bad_rows, bad_cols, strict=True))[:5]:
        item = matrix.items[j]
        raw = matrix.values[r, j]
        examples.append(f"respondent {matrix.index[C.RESPONDENT].iat[r]!r} wave "
                        f"{matrix.index[C.WAVE].iat[r]!r} item {item!r} value {raw:g}")
    raise ScaleError(f"{len(bad_rows)} valid answer(s) outside the response scale "
                     f"{lo}..{hi}, e.g. " + "; ".join(examples))


def scores_wide(scores: pd.DataFrame) -> pd.DataFrame:
    """Scores as one row per wave and respondent and one column per scale.

    Parameters
    ----------
    scores : DataFrame
        The output of :func:`score_scales` (or rows of it).

    Returns
    -------
    pandas.DataFrame
        Index (``wave``, ``respondent``); first column ``site``, then one float column per
        scale in order of first appearance. Missing combinations are NaN.
    """
    missing = [c for c in (C.RESPONDENT, C.SITE, C.WAVE, C.SCALE, C.SCORE)
               if c not in scores.columns]
    if missing:
        raise ScaleError(f"scores lack the columns {missing!r}; pass the output of "
                         "score_scales")
    wave = scores[C.WAVE].to_numpy()
    respondent = scores[C.RESPONDENT].to_numpy()
    score = scores[C.SCORE].to_numpy(dtype=float, na_value=np.nan)
    starts = _runs(wave, respondent)
    regular = _regular_layout(scores[C.SCALE].to_numpy(), starts, len(scores))
    if regular is not None:
        _, first_run = _key_codes(wave[starts], respondent[starts])
        if len(first_run) != len(starts):
            regular = None
    if regular is not None:  # the usual layout: a reshape suffices
        scale_keys = list(regular)
        table = score.reshape(len(starts), len(scale_keys)).copy()
        first = starts
    else:
        row_code, first = _key_codes(wave, respondent)
        scale_code, scale_uniques = pd.factorize(scores[C.SCALE], sort=False)
        scale_keys = list(scale_uniques)
        table = np.full((len(first), len(scale_keys)), np.nan)
        table[row_code, scale_code] = score
    index = pd.MultiIndex.from_arrays([wave[first], respondent[first]],
                                      names=[C.WAVE, C.RESPONDENT])
    site = scores[C.SITE].to_numpy()[first]
    wide = pd.DataFrame(table, index=index, columns=pd.Index(scale_keys))
    wide.insert(0, C.SITE, site)
    return wide


__all__ = [
    "required_valid",
    "reverse_keyed",
    "reverse_score",
    "score_scales",
    "scores_wide",
]
