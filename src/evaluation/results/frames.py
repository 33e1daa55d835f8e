"""Tables as JSON that restores them exactly: values, column order and dtypes.

The run folder holds data, never code: a table is written as JSON (``columns``, ``dtypes`` and
one list of values per column) and read back into a DataFrame equal to the one written, bit
for bit (floats are written with all their digits; NaN, infinities and missing values kept).
Supported dtypes are the ones the analyses produce: ``float64``, ``int64``, ``bool``,
``Int64`` (integers with missing values), ``datetime64[ns]`` and ``object`` columns holding
text, ``None``, numbers and booleans. Anything else is refused when the table is written, with
its table and column named.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from evaluation.errors import RunFolderError

__all__ = ["frame_from_json", "frame_to_json"]

_NUMERIC = {"float64", "int64", "bool"}


def _object_value(value: Any, where: str) -> Any:
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, (int, float, np.integer, np.floating, np.bool_)):
        return value.item() if isinstance(value, np.generic) else value
    raise RunFolderError(f"{where}: a value of type {type(value).__name__} ({value!r:.60}) "
                         "cannot be stored in the run folder; expected text, a number, "
                         "true/false or nothing")


def frame_to_json(frame: pd.DataFrame, *, name: str = "table", token: str = "") -> str:
    """``frame`` as JSON text (see the module docstring); ``token`` ties it to its save."""
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0 \
            or frame.index.step != 1:
        frame = frame.reset_index(drop=True)
    columns, dtypes, data = [], [], []
    for column in frame.columns:
        values = frame[column]
        dtype = str(values.dtype)
        where = f"table {name!r}, column {column!r}"
        if not isinstance(column, str):
            raise RunFolderError(f"{where}: column names must be text")
        if dtype in _NUMERIC:
            data.append(values.to_numpy().tolist())
        elif dtype == "Int64":
            data.append([None if v is pd.NA else int(v) for v in values.array])
        elif dtype == "datetime64[ns]":
            data.append([None if pd.isna(v) else int(v) for v in values.array.asi8])
        elif dtype == "object":
            data.append([_object_value(v, where) for v in values])
        else:
            raise RunFolderError(f"{where}: dtype {dtype} cannot be stored in the run folder")
        columns.append(column)
        dtypes.append(dtype)
    return json.dumps({"token": token, "n": len(frame), "columns": columns, "dtypes": dtypes,
                       "data": data}, ensure_ascii=False, separators=(",", ":"))


def frame_from_json(text: str | bytes) -> tuple[str, pd.DataFrame]:
    """The token and the table :func:`frame_to_json` wrote."""
    stored = json.loads(text)
    n = int(stored["n"])
    columns, dtypes, data = stored["columns"], stored["dtypes"], stored["data"]
    if not (len(columns) == len(dtypes) == len(data)) or len(set(columns)) != len(columns):
        raise RunFolderError("the table's columns, dtypes and data do not match")
    out: dict[str, pd.Series] = {}
    for column, dtype, values in zip(columns, dtypes, data, strict=True):
        if not isinstance(column, str) or not isinstance(values, list) or len(values) != n:
            raise RunFolderError(f"column {column!r}: expected {n} values")
        if dtype == "bool" and not all(isinstance(v, bool) for v in values):
            raise RunFolderError(f"column {column!r}: a bool column holds other values")
        if dtype == "object" and not all(v is None or isinstance(v, (str, int, float, bool))
                                         for v in values):
            raise RunFolderError(f"column {column!r}: a text column holds other values")
        if dtype == "float64":
            series = pd.Series(np.array(values, dtype=float), dtype="float64")
        elif dtype in ("int64", "bool"):
            series = pd.Series(np.array(values, dtype=dtype), dtype=dtype)
        elif dtype == "Int64":
            series = pd.Series(pd.array(values, dtype="Int64"))
        elif dtype == "datetime64[ns]":
            series = pd.Series(pd.to_datetime([pd.NaT if v is None else v for v in values],
                                              unit="ns"), dtype="datetime64[ns]")
        elif dtype == "object":
            series = pd.Series(values, dtype=object)
        else:
            raise RunFolderError(f"column {column!r}: unknown stored dtype {dtype}")
        out[column] = series
    frame = pd.DataFrame(out, index=pd.RangeIndex(n)) if out else pd.DataFrame(
        index=pd.RangeIndex(n))
    return str(stored.get("token", "")), frame

