"""The item matrix: the long answers pivoted once into respondent x item arrays.

The survey's long form (one row per respondent, wave and item) is turned into a numeric
matrix (:class:`ItemMatrix`, respondent x wave in rows, items in columns), on which scoring
(:mod:`evaluation.analysis.scales`), item analysis (:mod:`evaluation.analysis.items`) and
reliability (:mod:`evaluation.analysis.reliability`) work. Build it once with
:func:`item_matrix` and pass it to each of them (keyword ``matrix``) to save the pivot, which
is the costly step for many sites.
Every missing category, "kann ich nicht beurteilen" (``cannot_judge``) included, is NaN in
``values``; ``status`` keeps which category it was.

Import the public names from :mod:`evaluation.analysis`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.errors import ScaleError

if TYPE_CHECKING:
    from evaluation.config import Codebook
    from evaluation.io import SurveyData

log = logging.getLogger("evaluation")

#: Status code in :attr:`ItemMatrix.status` for a respondent without a row for the item.
ABSENT = -1
_STATUS_CODE = {status: code for code, status in enumerate(C.STATUSES)}
VALID_CODE = _STATUS_CODE[C.VALID]
CANNOT_JUDGE_CODE = _STATUS_CODE[C.CANNOT_JUDGE]


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

    def select(self, items: Sequence[str]) -> ItemMatrix:
        """The columns of ``items``, in that order.

        An item the matrix lacks gets an all-missing column with status :data:`ABSENT`, as
        :func:`item_matrix` gives for an item without rows; so a matrix of every item in the
        data serves any scale of the codebook. Items that stand side by side in the matrix,
        in the order asked for, are returned as a view (no copy): treat the arrays of an
        item matrix as read-only.
        """
        wanted = tuple(items)
        if len(set(wanted)) != len(wanted):
            twice = sorted({i for i in wanted if wanted.count(i) > 1})
            raise ScaleError(f"items listed twice: {twice!r}")
        if wanted == self.items:
            return self
        position = {item: j for j, item in enumerate(self.items)}
        columns = np.array([position.get(item, -1) for item in wanted], dtype=np.intp)
        if len(columns) and (columns >= 0).all() and (np.diff(columns) == 1).all():
            block = slice(columns[0], columns[-1] + 1)
            values, status = self.values[:, block], self.status[:, block]
        elif (columns >= 0).all():
            values, status = self.values[:, columns], self.status[:, columns]
        else:
            n_rows, have = len(self.values), columns >= 0
            values = np.full((n_rows, len(wanted)), np.nan)
            status = np.full((n_rows, len(wanted)), ABSENT, dtype=np.int8)
            values[:, have] = self.values[:, columns[have]]
            status[:, have] = self.status[:, columns[have]]
        return ItemMatrix(index=self.index, items=wanted, values=values, status=status)

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
        """``values`` with reverse-keyed items rescored (a copy).

        ``x' = scale_min + scale_max - x``, as :func:`evaluation.analysis.scales.reverse_score`.
        """
        keyed = self.values.copy()
        for j, item in enumerate(self.items):
            spec = codebook.items.get(item)
            if spec is not None and spec.reverse:
                keyed[:, j] = codebook.scale_min + codebook.scale_max - keyed[:, j]
        return keyed


def matrix_of(data: SurveyData, items: Sequence[str], *, matrix: ItemMatrix | None = None,
              wave: str | None = None) -> ItemMatrix:
    """The item matrix of ``items`` (and ``wave``, all waves for ``None``).

    From ``matrix``, built beforehand by :func:`item_matrix` of ``data``, if given (rows of
    the wave first, then the columns of ``items``: see :meth:`ItemMatrix.select`); else by
    pivoting ``data``.
    """
    if matrix is None:
        return item_matrix(data, items).of_wave(wave)
    if not isinstance(matrix, ItemMatrix):
        raise TypeError(f"matrix must be an ItemMatrix built by item_matrix(data), got "
                        f"{type(matrix).__name__}")
    return matrix.of_wave(wave).select(items)


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
    Categorical key columns are compared by their integer codes; object columns element by
    element (cheaper than factorising them first).
    """
    responses = data.responses
    missing = [c for c in (C.RESPONDENT, C.SITE, C.WAVE, C.ITEM, C.VALUE, C.STATUS)
               if c not in responses.columns]
    if missing:
        raise ScaleError(f"responses lack the columns {missing!r}; columns are "
                         f"{list(responses.columns)!r}")
    n_rows = len(responses)
    respondent = _comparable(responses[C.RESPONDENT])
    wave = _comparable(responses[C.WAVE])

    # 1. rows: runs of the same (wave, respondent), then one code per distinct key
    starts = _runs(wave, respondent)
    run_code, first_run = _key_codes(wave[starts], respondent[starts])
    unique_runs = len(first_run) == len(starts)
    n_out = len(first_run)
    first_row = starts[first_run]
    index = pd.DataFrame({name: responses[name].iloc[first_row].to_numpy()
                          for name in (C.WAVE, C.RESPONDENT, C.SITE)})

    # 2. columns
    item_column = responses[C.ITEM]
    regular = _regular_layout(_comparable(item_column), starts, n_rows)
    if regular is not None and unique_runs:
        present = _labels(item_column, regular)
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
    if regular is not None and unique_runs:
        width = len(regular)
        source_cols = np.flatnonzero(column_of_present >= 0)
        target_cols = column_of_present[source_cols]
        if len(target_cols) == k:  # every wanted column is present: one copy, no fill
            take = source_cols[np.argsort(target_cols)]
            values = values_in.reshape(n_out, width)[:, take]
            status = status_in.reshape(n_out, width)[:, take]
        else:
            values = np.full((n_out, k), np.nan)
            status = np.full((n_out, k), ABSENT, dtype=np.int8)
            values[:, target_cols] = values_in.reshape(n_out, width)[:, source_cols]
            status[:, target_cols] = status_in.reshape(n_out, width)[:, source_cols]
    else:
        values = np.full((n_out, k), np.nan)
        status = np.full((n_out, k), ABSENT, dtype=np.int8)
        if n_rows:
            row = run_code[_run_of_row(starts, n_rows)]
            col = np.where(item_code >= 0, column_of_present[np.maximum(item_code, 0)], -1)
            keep = col >= 0
            values[row[keep], col[keep]] = values_in[keep]
            status[row[keep], col[keep]] = status_in[keep]
    return ItemMatrix(index=index, items=tuple(wanted), values=values, status=status)


def _comparable(column: pd.Series) -> np.ndarray:
    """Integer codes of a categorical column (-1 for missing), else its values."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy()
    return column.to_numpy()


def _labels(column: pd.Series, keys: tuple[Any, ...]) -> list[Any]:
    """The values behind keys from :func:`_comparable`."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return list(keys)
    categories = column.cat.categories
    return [categories[code] if code >= 0 else np.nan for code in keys]


def _runs(wave: np.ndarray, respondent: np.ndarray) -> np.ndarray:
    """First row of each run of equal (wave, respondent)."""
    n_rows = len(respondent)
    start = np.ones(n_rows, dtype=bool)
    if n_rows > 1:
        start[1:] = (respondent[1:] != respondent[:-1]) | (wave[1:] != wave[:-1])
    return np.flatnonzero(start)


def _run_of_row(starts: np.ndarray, n_rows: int) -> np.ndarray:
    """The run number of every row, from the first rows of the runs."""
    start = np.zeros(n_rows, dtype=np.intp)
    start[starts] = 1
    return np.cumsum(start) - 1


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


__all__ = [
    "ABSENT",
    "CANNOT_JUDGE_CODE",
    "VALID_CODE",
    "ItemMatrix",
    "item_matrix",
    "matrix_of",
]
