"""Agreement within a site: rwg(j) against a uniform null (James, Demaree & Wolf 1984).

:func:`rwg_j` gives one row per site for the items of one scale; :class:`ItemVariances`
computes the item variances of every site (or wave and site) in one vectorised pass over a
long item table, from which :func:`evaluation.analysis.aggregation.aggregation_table` takes
rwg(j) of every scale. Import the public names from :mod:`evaluation.stats`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.stats.checks import StatisticsInputError, numeric_values, require_columns

# column names of rwg_j's table (in addition to evaluation.columns)
N_ITEMS = "n_items"
MEAN_ITEM_VARIANCE = "mean_item_variance"
RWG_J = "rwg_j"


def rwg_j(
    items: pd.DataFrame,
    *,
    value: str = C.VALUE,
    item: str = C.ITEM,
    group: str = C.SITE,
    respondent: str = C.RESPONDENT,
    n_options: int = 5,
    truncate: bool = True,
) -> pd.DataFrame:
    """Within-site agreement rwg(j) on the items of one scale (James, Demaree & Wolf 1984).

    Parameters
    ----------
    items : pandas.DataFrame
        Long item answers of one scale and one wave: one row per respondent and item, with
        missing values as NaN (e.g. :attr:`evaluation.io.SurveyData.responses` filtered
        to the scale's items).
    value, item, group, respondent : str
        Column names.
    n_options : int
        A, the number of answer options (5 for the default instrument).
    truncate : bool
        Set rwg(j) to 0 when the mean observed variance exceeds the null variance (the usual
        practice, also in ``multilevel::rwg.j``); otherwise the formula's value is returned
        (which can be negative or exceed 1 in that case).

    Returns
    -------
    pandas.DataFrame
        One row per site: ``group, n, n_items, mean_item_variance, rwg_j``. ``n`` counts
        respondents with at least one valid answer, ``n_items`` the items whose variance
        could be computed (two valid answers or more). ``rwg_j`` is NaN for a site without
        such an item.

    Notes
    -----
    With :math:`\\bar s^2` the mean of the item variances (denominator n - 1) within the
    site, J the number of items and the variance of the uniform ("no agreement") null
    :math:`\\sigma^2_{EU} = (A^2 - 1) / 12`:

    .. math::

        r_{wg(J)} = \\frac{J(1 - \\bar s^2/\\sigma^2_{EU})}
                         {J(1 - \\bar s^2/\\sigma^2_{EU}) + \\bar s^2/\\sigma^2_{EU}}

    Item variances use each item's valid answers, so a respondent with a missing answer
    still counts for the other items. Reverse keying does not change a variance, so raw
    answers can be used.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
    reliability with and without response bias. *Journal of Applied Psychology, 69*(1),
    85-98.

    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
    reliability and interrater agreement. *Organizational Research Methods, 11*(4), 815-852.

    Examples
    --------
    In R, per site: ``s2 <- mean(apply(x, 2, var, na.rm = TRUE)); r <- s2 / ((A^2 - 1) / 12);
    J * (1 - r) / (J * (1 - r) + r)`` (0 when ``r > 1``); ``multilevel::rwg.j(x, site, 2)``
    gives the same for complete data.
    """
    require_columns(items, [value, item, group, respondent], what="item table")
    if int(n_options) != n_options or n_options < 2:
        raise StatisticsInputError(f"n_options must be an integer >= 2, got {n_options!r}")
    variances = ItemVariances.of(items, value=value, units=[group], item=item,
                                 respondent=respondent, empty_units=True,
                                 count_respondents=True)
    j, mean_var = variances.scale(np.arange(variances.n_items))
    rwg = rwg_from_variances(j, mean_var, n_options=n_options, truncate=truncate)
    return pd.DataFrame({group: variances.units[group].to_numpy(), C.N: variances.respondents,
                         N_ITEMS: j, MEAN_ITEM_VARIANCE: mean_var, RWG_J: rwg},
                        columns=[group, C.N, N_ITEMS, MEAN_ITEM_VARIANCE, RWG_J])


def rwg_from_variances(j: np.ndarray, mean_var: np.ndarray, *, n_options: int,
                       truncate: bool) -> np.ndarray:
    """rwg(j) from the number of items with a variance and their mean variance."""
    ratio = mean_var / ((n_options**2 - 1) / 12)
    denominator = j * (1 - ratio) + ratio
    with np.errstate(divide="ignore", invalid="ignore"):
        rwg = np.where(denominator != 0, j * (1 - ratio) / denominator, np.nan)
    if truncate:
        rwg = np.where(ratio > 1, 0.0, rwg)
    return np.where(j > 0, rwg, np.nan)


#: Largest number of possible key combinations counted with a dense array (else hashed).
_DENSE_LIMIT = 1 << 25


def column_codes(series: pd.Series, rows: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Codes of a key column in ``groupby(sort=True)`` order (-1 for missing) and its keys.

    A categorical column keeps its categories' order, as ``groupby`` does; other columns
    are sorted (or left in order of appearance when their values cannot be compared).
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        codes = (codes if rows is None else codes[rows]).astype(np.int64)
        return codes, np.asarray(series.cat.categories, dtype=object)
    values = series.to_numpy() if rows is None else series.to_numpy()[rows]
    try:
        codes, keys = pd.factorize(values, sort=True)
    except TypeError:
        codes, keys = pd.factorize(values, sort=False)
    return codes.astype(np.int64), np.asarray(keys, dtype=object)


def _compact(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Renumber the codes that occur (order kept) and return which of ``size`` occur."""
    missing = bool(len(codes)) and int(codes.min()) < 0
    valid = codes[codes >= 0] if missing else codes
    if size <= max(_DENSE_LIMIT, 4 * len(codes)):
        present = np.flatnonzero(np.bincount(valid, minlength=size))
        lookup = np.full(size, -1, dtype=np.int64)
        lookup[present] = np.arange(len(present))
        if not missing:
            return lookup[codes], present
        return np.where(codes >= 0, lookup[np.maximum(codes, 0)], -1), present
    present, inverse = np.unique(valid, return_inverse=True)
    if not missing:
        return inverse.astype(np.int64), present
    compact = np.full(len(codes), -1, dtype=np.int64)
    compact[codes >= 0] = inverse
    return compact, present


def group_codes(frame: pd.DataFrame, columns: Sequence[str], rows: np.ndarray | None = None
                ) -> tuple[np.ndarray, pd.DataFrame]:
    """One code per distinct combination of ``columns`` in the selected rows, sorted as
    ``groupby(sort=True, observed=True)``, and the combinations (a table with one row per
    code); rows with a missing key get code -1. Numbers the combinations densely rather
    than hashing them where their count allows (categorical columns, few keys)."""
    n_rows = len(frame) if rows is None else int(np.count_nonzero(rows))
    combined: np.ndarray | None = None
    size = 1
    parts: list[np.ndarray] = []
    for column in columns:
        codes, keys = column_codes(frame[column], rows)
        width = max(len(keys), 1)
        if size * width >= 1 << 62:  # too many combinations to number densely
            return _grouped_codes(frame, columns, rows)
        if combined is None:
            combined = codes
        elif len(codes) and min(int(codes.min()), int(combined.min())) < 0:
            combined = np.where((combined < 0) | (codes < 0), -1, combined * width + codes)
        else:
            combined = combined * width + codes
        size *= width
        parts.append(keys)
    if combined is None:
        combined = np.zeros(n_rows, dtype=np.int64)
    unit, present = _compact(combined, size)
    table: dict[str, np.ndarray] = {}
    rest = present
    for column, keys in zip(reversed(columns), reversed(parts), strict=True):
        width = max(len(keys), 1)
        table[column] = keys[rest % width] if len(keys) else np.zeros(0, dtype=object)
        rest = rest // width
    return unit, pd.DataFrame({c: table[c] for c in columns}, index=pd.RangeIndex(len(present)))


def _grouped_codes(frame: pd.DataFrame, columns: Sequence[str], rows: np.ndarray | None
                   ) -> tuple[np.ndarray, pd.DataFrame]:
    """:func:`group_codes` through pandas, for keys with too many combinations to number."""
    keys = frame.loc[:, list(columns)] if rows is None else frame.loc[rows, list(columns)]
    grouped = keys.groupby(list(columns), sort=True, observed=True, dropna=True)
    unit = grouped.ngroup().fillna(-1).to_numpy().astype(np.int64)
    table = grouped.size().reset_index()[list(columns)]
    return unit, table


@dataclass(frozen=True, kw_only=True, eq=False)
class ItemVariances:
    """Per unit (site, or wave and site) and item: the variance of the valid answers.

    A respondent who answered an item twice within a unit counts once, with the first
    valid answer (as ``pivot_table(aggfunc="first")``).
    """

    units: pd.DataFrame
    n_items: int
    item_keys: np.ndarray
    variance: np.ndarray  # (n_units, n_items), NaN with fewer than two valid answers
    respondents: np.ndarray | None  # respondents with a valid answer per unit, if counted

    @classmethod
    def of(cls, items: pd.DataFrame, *, value: str, units: Sequence[str], item: str,
           respondent: str, rows: np.ndarray | None = None, empty_units: bool = False,
           count_respondents: bool = False) -> ItemVariances:
        """Variances of every item in every unit (combination of the ``units`` columns).

        ``rows`` (a boolean mask) selects rows of ``items`` without copying the table.
        Units whose rows have no valid answer are listed (with NaN variances) only with
        ``empty_units``; ``count_respondents`` also counts the respondents with a valid
        answer per unit.
        """
        values = numeric_values(items, value, what="item table").to_numpy()
        select = rows
        if not empty_units:  # leave out missing answers before anything is coded
            finite = np.isfinite(values)
            select = finite if rows is None else (rows & finite)
        if select is not None:
            values = values[select]
        unit, unit_table = group_codes(items, list(units), select)
        item_code, item_keys = column_codes(items[item], select)
        resp_code, resp_keys = column_codes(items[respondent], select)
        n_units, n_items, n_people = len(unit_table), len(item_keys), max(len(resp_keys), 1)
        valid = np.isfinite(values) & (unit >= 0) & (item_code >= 0) & (resp_code >= 0)
        x = values
        if not valid.all():
            unit, item_code, resp_code, x = (a[valid] for a in (unit, item_code, resp_code,
                                                                  values))
        if _answered_twice(unit, resp_code, n_people, item_code, n_items):
            answer, _ = _compact(unit * n_people + resp_code, n_units * n_people)
            first = ~pd.Series(answer * n_items + item_code).duplicated(keep="first")
            keep = first.to_numpy()
            unit, item_code, resp_code, x = (a[keep] for a in (unit, item_code, resp_code,
                                                                 x))
        cell = unit * max(n_items, 1) + item_code
        size = n_units * n_items
        count = np.bincount(cell, minlength=size).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.bincount(cell, weights=x, minlength=size) / count
            square = np.bincount(cell, weights=(x - mean[cell]) ** 2, minlength=size)
            variance = np.where(count >= 2, square / (count - 1), np.nan)
        answered = None
        if count_respondents:
            _, people = _compact(unit * n_people + resp_code, n_units * n_people)
            answered = np.bincount(people // n_people, minlength=n_units).astype(int)
        return cls(units=unit_table, n_items=n_items, item_keys=item_keys,
                   variance=variance.reshape(n_units, n_items), respondents=answered)

    def columns(self, keys: Sequence[object]) -> np.ndarray:
        """Positions of the given items (items without any row are left out)."""
        position = {key: i for i, key in enumerate(self.item_keys.tolist())}
        return np.array([position[k] for k in keys if k in position], dtype=np.intp)

    def scale(self, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per unit: items of ``columns`` with a variance, and the mean of their variances."""
        part = self.variance[:, columns]
        j = np.isfinite(part).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_var = np.where(j > 0, np.nansum(part, axis=1) / j, np.nan)
        return j, mean_var


def _answered_twice(unit: np.ndarray, respondent: np.ndarray, n_people: int,
                    item: np.ndarray, n_items: int) -> bool:
    """Whether some respondent answered an item twice within a unit (cheap test first)."""
    if n_people * n_items <= _DENSE_LIMIT:
        pairs = np.bincount(respondent * n_items + item, minlength=n_people * n_items)
        if not len(pairs) or pairs.max() <= 1:
            return False  # not even across units
    key = (unit * n_people + respondent) * n_items + item
    return bool(pd.Series(key).duplicated().any())


__all__ = ["MEAN_ITEM_VARIANCE", "N_ITEMS", "RWG_J", "ItemVariances", "column_codes",
           "group_codes", "rwg_from_variances", "rwg_j"]
