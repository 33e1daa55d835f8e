"""Minimum group sizes: primary and secondary suppression, the pool rule, small categories.

Minimum group size
    No statistic is shown for fewer than ``k`` respondents (:func:`suppress`). Where a table
    is published with row and column totals, :func:`secondary_suppress` hides further cells
    so that no hidden cell can be recovered from the totals.
Pool and differencing
    A site below ``k`` is left out of *every* published pool figure: the pool, each
    "pool without site X" benchmark and the distribution of site means
    (:func:`pool_members`, :func:`pool_rows`).
Categories and raters
    :func:`merge_small_categories` merges categories below ``k``; :func:`min_raters_ok`
    checks the raters of an organisation.

Part of the privacy rules collected in :mod:`evaluation.privacy`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy.optimize import linprog

from evaluation import columns as C
from evaluation.errors import DisclosureError
from evaluation.privacy.checks import PrivacyError, check_k, require_columns

log = logging.getLogger("evaluation")

SUPPRESSED = "suppressed"


def suppress(table: pd.DataFrame, *, n: str = C.N, k: int,
             value_columns: Sequence[str] | str) -> pd.DataFrame:
    """Primary suppression: hide the values of every row with fewer than ``k`` respondents.

    Parameters
    ----------
    table
        One row per group with its count in column ``n``.
    n
        Count column; a missing count counts as below ``k``. The count itself stays visible.
    k
        Minimum group size (``privacy.min_group_size``).
    value_columns
        Columns set to missing in suppressed rows.

    Returns
    -------
    pandas.DataFrame
        A copy with a boolean ``suppressed`` column (combined with an existing one by
        *or*) and the value columns missing where ``suppressed``.
    """
    k = check_k(k)
    columns = [value_columns] if isinstance(value_columns, str) else list(value_columns)
    require_columns(table, [n, *columns], "the table")
    counts = pd.to_numeric(table[n], errors="coerce")
    below = (counts.isna() | (counts < k)).to_numpy(dtype=bool)
    out = table.copy()
    if SUPPRESSED in out.columns:
        earlier = out[SUPPRESSED].map(lambda v: True if pd.isna(v) else bool(v))
        below = below | earlier.to_numpy(dtype=bool)
    for column in columns:
        out[column] = out[column].mask(below)
    out[SUPPRESSED] = below
    return out


def secondary_suppress(counts: pd.DataFrame, k: int, *,
                       primary: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cells to hide in a table published with row and column totals.

    Parameters
    ----------
    counts
        Inner cells of the table (rows x columns of respondent counts, no margins); the
        row and column totals are taken to be published.
    k
        Minimum group size. Primary cells are those with ``0 < count < k``: an empty cell
        describes nobody and is not sensitive.
    primary
        Boolean frame of the same shape to use as primary cells instead (e.g. where the
        cells are means and ``counts`` their n).

    Returns
    -------
    pandas.DataFrame
        Boolean mask, ``True`` for every cell to hide (primary and secondary).

    Raises
    ------
    DisclosureError
        A primary cell is alone in a row or column of length one, or empty cells leave no
        room to hide it, so the totals give it away whatever else is hidden: publish that
        table without totals or merge categories first (:func:`merge_small_categories`).

    Notes
    -----
    A hidden cell can be computed from the published cells and the totals exactly when it
    is a *bridge* of the bipartite graph whose nodes are rows and columns and whose edges are
    the hidden cells; otherwise it lies on a cycle of hidden cells, along which the values
    can be shifted by ``+t, -t, +t, ...`` without changing any total. The routine therefore
    repeats two fixes until neither applies (a fixed point):

    1. every row and column with exactly one hidden cell gets a second one, chosen among
       the visible cells of that line by: non-empty before empty; then a cell whose crossing
       line also has exactly one hidden cell (one cell mends two lines), then one whose
       crossing line has two or more, then one in a line without hidden cells (which would
       need a further cell); then the smallest count; then position;
    2. every bridge gets a cycle: the smallest visible (non-empty first) cell joining the
       two parts the bridge separates.

    Choosing non-empty cells matters with the bound ``count >= 0``: a cycle through cells
    that are all positive can be shifted both ways, so each of its cells has a range of
    possible values. Where empty cells had to be hidden, the pattern is checked exactly by
    linear programming (minimum and maximum of each hidden cell) and refused if a cell is
    still determined. This is the classic greedy
    heuristic; the pattern is safe but not always the smallest possible (finding that one is
    NP-hard).
    """
    k = check_k(k)
    values = _count_matrix(counts)
    if primary is None:
        mask = (values > 0) & (values < k)
    else:
        if primary.shape != counts.shape:
            raise PrivacyError(f"primary has shape {primary.shape}, counts {counts.shape}")
        mask = primary.to_numpy(dtype=bool).copy()
    rows, cols = values.shape

    def lonely(line_mask: np.ndarray) -> int:
        return int(line_mask.sum())

    def fix_lines() -> bool:
        for axis in (0, 1):
            count = rows if axis == 0 else cols
            for i in range(count):
                line = mask[i, :] if axis == 0 else mask[:, i]
                if lonely(line) != 1:
                    continue
                candidates = np.flatnonzero(~line)
                if not len(candidates):
                    j = int(np.flatnonzero(line)[0])
                    cell = (i, j) if axis == 0 else (j, i)
                    raise DisclosureError(
                        f"cell ({counts.index[cell[0]]!r}, {counts.columns[cell[1]]!r}) is "
                        f"below k={k} and alone in its {'row' if axis == 0 else 'column'}: "
                        "its total gives it away. Publish this table without that total or "
                        "merge categories first.")

                def rank(j: int, i: int = i, axis: int = axis) -> tuple[Any, ...]:
                    cell = (i, j) if axis == 0 else (j, i)
                    other = mask[:, j] if axis == 0 else mask[j, :]
                    hidden = lonely(other)
                    closes = 0 if hidden == 1 else (1 if hidden >= 2 else 2)
                    value = values[cell]
                    return (value == 0, closes, value, j)

                j = min((int(c) for c in candidates), key=rank)
                mask[(i, j) if axis == 0 else (j, i)] = True
                return True
        return False

    def fix_bridge() -> bool:
        graph = nx.Graph()
        for i, j in zip(*np.nonzero(mask), strict=True):
            graph.add_edge(("r", int(i)), ("c", int(j)))
        bridges = sorted(tuple(sorted(b)) for b in nx.bridges(graph))
        if not bridges:
            return False
        node_c, node_r = bridges[0]  # ("c", j) sorts before ("r", i)
        graph.remove_edge(node_r, node_c)
        side_r = nx.node_connected_component(graph, node_r)
        side_c = nx.node_connected_component(graph, node_c)
        rows_r = [n[1] for n in side_r if n[0] == "r"]
        cols_r = [n[1] for n in side_r if n[0] == "c"]
        rows_c = [n[1] for n in side_c if n[0] == "r"]
        cols_c = [n[1] for n in side_c if n[0] == "c"]
        candidates = [(i, j) for i in rows_r for j in cols_c if not mask[i, j]]
        candidates += [(i, j) for i in rows_c for j in cols_r if not mask[i, j]]
        if not candidates:  # cannot happen for a bridge; guard against a silent loop
            raise DisclosureError("secondary suppression found no cell to close a cycle")
        i, j = min(candidates, key=lambda c: (values[c] == 0, values[c], c))
        mask[i, j] = True
        return True

    while fix_lines() or fix_bridge():
        pass
    if (mask & (values == 0)).any():
        # cycles through empty cells may be blocked by the bound count >= 0: check exactly
        exposed = _recoverable_cells(values, mask)
        if exposed:
            where = ", ".join(f"({counts.index[i]!r}, {counts.columns[j]!r})"
                              for i, j in exposed)
            raise DisclosureError(
                f"hidden cell(s) {where} can still be computed from the totals because too "
                "many cells of the table are empty. Publish this table without totals or "
                "merge categories first.")
    n_secondary = int(mask.sum() - ((values > 0) & (values < k)).sum()) if primary is None \
        else int(mask.sum() - primary.to_numpy(dtype=bool).sum())
    if n_secondary:
        log.debug("secondary suppression hid %d further cell(s)", n_secondary)
    return pd.DataFrame(mask, index=counts.index, columns=counts.columns)


def _recoverable_cells(values: np.ndarray, mask: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells whose value the published cells, totals and ``>= 0`` pin down."""
    cells = [(int(i), int(j)) for i, j in zip(*np.nonzero(mask), strict=True)]
    position = {c: p for p, c in enumerate(cells)}
    a_eq, b_eq = [], []
    for axis in (0, 1):
        for line in range(values.shape[axis]):
            members = [c for c in cells if c[axis] == line]
            if not members:
                continue
            row = np.zeros(len(cells))
            row[[position[c] for c in members]] = 1
            a_eq.append(row)
            b_eq.append(sum(values[c] for c in members))
    exposed = []
    for cell in cells:
        objective = np.zeros(len(cells))
        objective[position[cell]] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if low.status != 0 or high.status != 0 or -high.fun - low.fun < 1e-9:
            exposed.append(cell)
    return exposed


def _count_matrix(counts: pd.DataFrame) -> np.ndarray:
    if not isinstance(counts, pd.DataFrame):
        raise PrivacyError(f"counts must be a DataFrame, got {type(counts).__name__}")
    try:
        values = counts.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise PrivacyError("counts must hold numbers only") from None
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        i, j = (int(x[0]) for x in np.nonzero(bad))
        raise PrivacyError(f"counts must be non-negative numbers; cell ({counts.index[i]!r}, "
                           f"{counts.columns[j]!r}) holds {counts.iat[i, j]!r}")
    return values


# -- pool and differencing -------------------------------------------------------------------


def pool_members(counts_per_site: Mapping[Any, Any] | pd.Series, k: int) -> set[Any]:
    """Sites whose data may enter pool statistics: those with at least ``k`` respondents.

    The differencing rule: a site below ``k`` is excluded from *every* published pool
    figure (pool, "pool without site X", distribution of site means). If it were in the
    pool, the pool total next to the benchmark without it, or next to the other sites'
    figures, would give its sum and mean by subtraction. Apply the rule per comparison
    (wave, scale): the counts are the respondents with a valid value there.
    """
    k = check_k(k)
    items = counts_per_site.items()
    return {site for site, n in items if not pd.isna(n) and n >= k}


def pool_without_site_safe(site_n: int, pool_n: int, k: int) -> bool:
    """Whether "pool without the site" may be published next to "pool".

    ``pool_n`` counts the pool *including* the site. The difference of the two figures is
    the site's own figure, so both may appear only where the site has no respondents or
    has at least ``k`` and the rest of the pool has at least ``k`` as well. For a site with
    ``0 < site_n < k`` this is ``False``: exclude the site from the pool
    (:func:`pool_members`), after which pool and pool-without-it coincide.
    """
    k = check_k(k)
    if site_n < 0 or pool_n < site_n:
        raise PrivacyError(f"need 0 <= site_n <= pool_n, got site_n={site_n}, pool_n={pool_n}")
    if site_n == 0:
        return pool_n >= k
    return site_n >= k and pool_n - site_n >= k


def pool_rows(frame: pd.DataFrame, *, k: int, site: str = C.SITE,
              by: Sequence[str] = (), value: str | None = None) -> pd.DataFrame:
    """The rows that may enter pool statistics, per comparison group ``by``.

    Within each group the sites with fewer than ``k`` rows (with a non-missing ``value``,
    when given) are dropped, following the rule of :func:`pool_members`.
    """
    k = check_k(k)
    by = list(by)
    require_columns(frame, [site, *by, *([value] if value else [])], "the frame")
    valid = frame[value].notna() if value else pd.Series(True, index=frame.index)
    keys = [frame[c] for c in [*by, site]]
    n = valid.astype(int).groupby(keys, dropna=False, sort=False).transform("sum")
    return frame[(n >= k).to_numpy(dtype=bool)]


# -- categories and raters -------------------------------------------------------------------


def merge_small_categories(series: pd.Series, *, k: int, other: str = "other") -> pd.Series:
    """Merge categories with fewer than ``k`` members into ``other``.

    Rules, in this order:

    1. every category with fewer than ``k`` members (except ``other`` itself) becomes
       ``other``; an existing ``other`` category is kept and receives them;
    2. while ``other`` has members but fewer than ``k``, the smallest remaining category
       (ties by name) is merged into it as well;
    3. if that leaves only ``other`` and it still has fewer than ``k`` members (the whole
       series has fewer than ``k``), every value is suppressed (set missing).

    Missing values stay missing and do not count. Returns an object Series with the same
    index and name.
    """
    k = check_k(k)
    values = series.astype(object)
    present = values[values.notna()]
    counts = present.value_counts(sort=False)
    sizes = {cat: int(n) for cat, n in counts.items() if n > 0}
    merged: list[Any] = [c for c, n in sizes.items() if n < k and c != other]
    other_n = sizes.get(other, 0) + sum(sizes[c] for c in merged)
    rest = {c: n for c, n in sizes.items() if c not in merged and c != other}
    while 0 < other_n < k and rest:
        smallest = min(rest, key=lambda c: (rest[c], str(c)))
        merged.append(smallest)
        other_n += rest.pop(smallest)
    if not merged and other not in sizes:
        return values.copy()
    if other_n < k and not rest:
        log.info("merge_small_categories: only %d value(s) in all; every value suppressed",
                 other_n)
        return pd.Series(pd.NA, index=series.index, name=series.name, dtype=object)
    out = values.where(~values.isin(merged), other)
    return out.astype(object)


def min_raters_ok(counts: Any, min_raters: int = 3) -> Any:
    """Whether a rated organisation has enough raters to be shown (docs/privacy.md: at least 3).

    Works element-wise on a number, a Series or an array; a missing count is ``False``.
    """
    min_raters = check_k(min_raters, "min_raters")
    if isinstance(counts, pd.Series):
        numbers = pd.to_numeric(counts, errors="coerce")
        return (numbers >= min_raters).astype(bool)
    if np.ndim(counts) == 0:
        return bool(not pd.isna(counts) and counts >= min_raters)
    array = np.asarray(counts, dtype=float)
    return np.nan_to_num(array, nan=-np.inf) >= min_raters


__all__ = ["SUPPRESSED", "merge_small_categories", "min_raters_ok", "pool_members",
           "pool_rows", "pool_without_site_safe", "secondary_suppress", "suppress"]
