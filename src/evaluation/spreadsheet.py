"""Cells that a spreadsheet would run as a formula, neutralised before any CSV is written.

Evaluators open our CSV tables in Excel or LibreOffice. A text cell that begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is taken there as a formula (CSV injection), so
a site, organisation or idea name like ``=HYPERLINK(...)`` from the data would run. Following
the OWASP rule, such a cell gets a leading apostrophe, which the spreadsheet shows as text;
numbers (numeric columns, and text that is a plain number such as ``-0.5``) stay as they are.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["FORMULA_STARTS", "spreadsheet_safe"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _dangerous(value: object) -> bool:
    return (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not _PLAIN_NUMBER.fullmatch(value))


def _neutral(value: object) -> object:
    return "'" + value if _dangerous(value) else value  # type: ignore[operator]


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every formula-like text cell prefixed by ``'``; the same object when
    there is none (so tables without such cells are written exactly as before).

    >>> spreadsheet_safe(pd.DataFrame({"name": ["=1+1", "Linden"], "n": [-1, 2]}))["name"].tolist()
    ["'=1+1", 'Linden']
    """
    out = frame
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            if any(_dangerous(c) for c in values.cat.categories):
                out = out.copy() if out is frame else out
                out[column] = values.cat.rename_categories(
                    [_neutral(c) for c in values.cat.categories])
        elif values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            mask = values.map(_dangerous).astype(bool)
            if mask.any():
                out = out.copy() if out is frame else out
                out[column] = values.map(_neutral)
    return out
