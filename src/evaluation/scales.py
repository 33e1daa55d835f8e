"""Scale scores: reverse-keying and the mean of valid items, with the two-thirds rule.

The survey's long form (one row per respondent, wave and item) is turned once into a numeric
matrix (:class:`ItemMatrix`, respondent x wave in rows, items in columns), on which scoring,
item analysis (:mod:`evaluation.items`) and reliability (:mod:`evaluation.reliability`) work.
Every missing category, "kann ich nicht beurteilen" (``cannot_judge``) included, is missing:
it never counts as a low answer.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import columns as C
from .errors import EvaluationError

if TYPE_CHECKING:
    from .ingest import SurveyData
    from .instrument import Codebook

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

#: Status code in :attr:`ItemMatrix.status` for a respondent without a row for the item.
ABSENT = -1
_STATUS_CODE = {status: code for code, status in enumerate(C.STATUSES)}
VALID_CODE = _STATUS_CODE[C.VALID]
CANNOT_JUDGE_CODE = _STATUS_CODE[C.CANNOT_JUDGE]


class ScaleError(EvaluationError, ValueError):
    """Survey data or arguments that cannot be scored against the codebook."""


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
        Long form with columns ``item`` and ``value`` (as :attr:`SurveyData.responses`).
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


# -- the item matrix ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, eq=False)
class ItemMatrix:
    """Answers as a matrix: one row per wave x respondent, one column per item.

    ``index`` has the columns ``wave``, ``respondent`` and ``site`` (row order = order of
    first appearance in the responses); ``values`` holds the valid answers as given (NaN for
    every missing category); ``status`` holds the position of the answer's status in
    :data:`evaluation.columns.STATUSES`, or :data:`ABSENT` where the data have no row.
    """

    index: pd.DataFrame
    items: tuple[str, ...]
    values: np.ndarray
    status: np.ndarray

    def position(self, item: str) -> int:
        try:
            return self.items.index(item)
        except ValueError:
            raise ScaleError(f"item {item!r} is not in the matrix; items are "
                             f"{list(self.items)!r}") from None

    def subset(self, rows: np.ndarray) -> ItemMatrix:
        """The rows selected by a boolean mask or an index array."""
        return ItemMatrix(index=self.index[rows].reset_index(drop=True), items=self.items,
                          values=self.values[rows], status=self.status[rows])

    def of_wave(self, wave: str | None) -> ItemMatrix:
        """The rows of one wave (all rows for ``None``).

        A wave without data gives an empty matrix (a project may declare a wave that has
        not been surveyed yet); this is logged.
        """
        if wave is None:
            return self
        waves = self.index[C.WAVE].to_numpy()
        rows = waves == wave
        if not rows.any():
            known = list(dict.fromkeys(waves.tolist()))
            log.info("wave %r does not occur in the data (waves: %s)", wave, known)
        return self.subset(rows)

    def keyed(self, codebook: Codebook) -> np.ndarray:
        """``values`` with reverse-keyed items rescored (a copy)."""
        keyed = self.values.copy()
        for j, item in enumerate(self.items):
            spec = codebook.items.get(item)
            if spec is not None and spec.reverse:
                keyed[:, j] = reverse_score(keyed[:, j], scale_min=codebook.scale_min,
                                            scale_max=codebook.scale_max)
        return keyed


def item_matrix(data: SurveyData, items: Sequence[str] | None = None) -> ItemMatrix:
    """Pivot the long responses once into an :class:`ItemMatrix`.

    Parameters
    ----------
    data : SurveyData
        Tidy survey data.
    items : sequence of str, optional
        Item keys in the column order wanted; default every item in the responses in order
        of appearance. Items without any row give all-NaN columns.

    Notes
    -----
    Rows are identified by (wave, respondent). Consecutive rows of the same respondent and
    wave are grouped first, so the usual layout (each respondent's items next to each other)
    costs a few vectorised passes; if, in addition, every group lists the same items in the
    same order, the values are reshaped without any scatter. A (wave, respondent, item)
    that occurs twice keeps its last row (ingest reports such duplicates as errors).
    """
    responses = data.responses
    missing = [c for c in (C.RESPONDENT, C.SITE, C.WAVE, C.ITEM, C.VALUE, C.STATUS)
               if c not in responses.columns]
    if missing:
        raise ScaleError(f"responses lack the columns {missing!r}; columns are "
                         f"{list(responses.columns)!r}")
    n_rows = len(responses)
    respondent = responses[C.RESPONDENT].to_numpy()
    wave = responses[C.WAVE].to_numpy()
    site = responses[C.SITE].to_numpy()

    # 1. rows: runs of the same (wave, respondent), then one code per distinct key
    starts, run_of_row = _runs(wave, respondent)
    run_code, first_run = _key_codes(wave[starts], respondent[starts])
    unique_runs = len(first_run) == len(starts)
    n_out = len(first_run)
    first_row = starts[first_run]
    index = pd.DataFrame({C.WAVE: wave[first_row], C.RESPONDENT: respondent[first_row],
                          C.SITE: site[first_row]})

    # 2. columns
    item_column = responses[C.ITEM]
    regular = _regular_layout(item_column.to_numpy(), starts, n_rows)
    if regular is not None and unique_runs:
        present = list(regular)
    else:
        if isinstance(item_column.dtype, pd.CategoricalDtype):
            item_code = item_column.cat.codes.to_numpy()
            present = list(item_column.cat.categories)
        else:
            item_code, uniques = pd.factorize(item_column, sort=False)
            present = list(uniques)
    wanted = list(dict.fromkeys(present)) if items is None else list(items)
    if len(set(wanted)) != len(wanted):
        twice = sorted({i for i in wanted if wanted.count(i) > 1})
        raise ScaleError(f"items listed twice: {twice!r}")
    position = {item: j for j, item in enumerate(wanted)}
    column_of_present = np.array([position.get(item, -1) for item in present], dtype=np.intp)

    values_in = responses[C.VALUE].to_numpy(dtype=float, na_value=np.nan)
    status_in = _status_codes(responses[C.STATUS])
    values_in = np.where(status_in == VALID_CODE, values_in, np.nan)

    k = len(wanted)
    values = np.full((n_out, k), np.nan)
    status = np.full((n_out, k), ABSENT, dtype=np.int8)
    if regular is not None and unique_runs:
        width = len(regular)
        source_cols = np.flatnonzero(column_of_present >= 0)
        target_cols = column_of_present[source_cols]
        values[:, target_cols] = values_in.reshape(n_out, width)[:, source_cols]
        status[:, target_cols] = status_in.reshape(n_out, width)[:, source_cols]
    elif n_rows:
        row = run_code[run_of_row]
        col = np.where(item_code >= 0, column_of_present[np.maximum(item_code, 0)], -1)
        keep = col >= 0
        values[row[keep], col[keep]] = values_in[keep]
        status[row[keep], col[keep]] = status_in[keep]
    return ItemMatrix(index=index, items=tuple(wanted), values=values, status=status)


def _runs(wave: np.ndarray, respondent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First row of each run of equal (wave, respondent) and the run number of every row."""
    n_rows = len(respondent)
    start = np.ones(n_rows, dtype=bool)
    if n_rows > 1:
        start[1:] = (respondent[1:] != respondent[:-1]) | (wave[1:] != wave[:-1])
    return np.flatnonzero(start), np.cumsum(start) - 1


def _key_codes(wave: np.ndarray, respondent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Code of every (wave, respondent) pair in order of first appearance, and the position
    of each code's first occurrence."""
    if not len(wave):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    wave_code, _ = _factorize(wave)
    respondent_code, n_respondents = _factorize(respondent)
    combined = wave_code.astype(np.int64) * max(n_respondents, 1) + respondent_code
    code, uniques = pd.factorize(combined)
    if len(uniques) == len(code):
        return code, code
    return code, _first_positions(code)


def _factorize(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes in order of first appearance; a missing key gets a code of its own."""
    code, uniques = pd.factorize(values)
    if (code < 0).any():
        code = np.where(code < 0, len(uniques), code)
        return code, len(uniques) + 1
    return code, len(uniques)


def _first_positions(code: np.ndarray) -> np.ndarray:
    """Where each code occurs first, for codes numbered in order of first appearance."""
    previous_max = np.maximum.accumulate(np.concatenate(([-1], code[:-1])))
    return np.flatnonzero(code > previous_max)


def _regular_layout(items: np.ndarray, starts: np.ndarray, n_rows: int) -> tuple | None:
    """The item order if every run lists the same items in the same order, else None."""
    if not len(starts):
        return ()
    width = int(starts[1]) if len(starts) > 1 else n_rows
    if width == 0 or n_rows != width * len(starts):
        return None
    if not np.array_equal(starts, np.arange(len(starts)) * width):
        return None
    first = items[:width]
    if len(set(first.tolist())) != width:
        return None
    if not (items.reshape(-1, width) == first).all():
        return None
    return tuple(first.tolist())


def _status_codes(status: pd.Series) -> np.ndarray:
    """Positions in :data:`evaluation.columns.STATUSES` (int8); unknown statuses raise."""
    if isinstance(status.dtype, pd.CategoricalDtype):
        categories = list(status.cat.categories)
        unknown = [c for c in categories if c not in _STATUS_CODE]
        lookup = np.array([_STATUS_CODE.get(c, -2) for c in categories] + [ABSENT],
                          dtype=np.int8)
        codes = lookup[status.cat.codes.to_numpy()]  # code -1 (NaN) -> last entry
        if unknown and (codes == -2).any():
            raise ScaleError(f"unknown answer status {unknown!r}; expected one of "
                             f"{list(C.STATUSES)!r}")
        return codes
    categorical = pd.Categorical(status, categories=list(C.STATUSES))
    codes = categorical.codes.astype(np.int8)
    bad = (codes == -1) & status.notna().to_numpy()
    if bad.any():
        raise ScaleError(f"unknown answer status {sorted(set(status[bad].astype(str)))[:5]!r}; "
                         f"expected one of {list(C.STATUSES)!r}")
    return codes


# -- scores -------------------------------------------------------------------------------


def _check_scales(codebook: Codebook, scales: Sequence[str] | None) -> list[str]:
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
                 min_valid_share: float | None = None) -> pd.DataFrame:
    """Scale scores of every respondent and wave: the mean of the valid, keyed items.

    Parameters
    ----------
    data : SurveyData
        Tidy survey data (see :mod:`evaluation.ingest`).
    codebook : Codebook
        Scales, their items, reverse-keyed items and the response scale.
    scales : sequence of str, optional
        Scale keys to score; default every scale (factors and outcomes) in codebook order.
    min_valid_share : float, optional
        Share of a scale's items that must be valid for a score; default the codebook's
        ``min_valid_share`` (2/3 in the default instrument).

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
    keys = _check_scales(codebook, scales)
    members = {key: list(codebook.scales[key].items) for key in keys}
    matrix = item_matrix(data, [i for key in keys for i in members[key]])
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
    starts, _ = _runs(wave, respondent)
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


__all__ = ["ABSENT", "ItemMatrix", "ScaleError", "item_matrix", "required_valid",
           "reverse_keyed", "reverse_score", "score_scales", "scores_wide"]
