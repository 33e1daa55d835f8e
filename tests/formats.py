"""Write one wide survey table in the dialects evaluators receive (test helper).

The table uses the codebook's generic codes: numbers 1..5, -9 no answer, -1 cannot judge,
-2 not shown, blank for no answer. Each writer turns it into one export dialect.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

GENERIC_TO_SOSCI = {-9: -9, -1: -1, -2: None}  # not shown: SoSci leaves the cell empty
GENERIC_TO_LIMESURVEY = {-9: "", -1: "A6"}


def _text(value: object, decimal: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float):
        text = f"{int(value)}" if value.is_integer() else f"{value}"
        return text.replace(".", decimal)
    return str(value)


def write_csv(frame: pd.DataFrame, path: Path, *, encoding: str = "utf-8", sep: str = ",",
              decimal: str = ".", bom: bool = False) -> Path:
    cells = frame.map(lambda v: _text(v, decimal))
    text = cells.to_csv(sep=sep, index=False, lineterminator="\r\n" if sep == ";" else "\n")
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


def write_xlsx(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_excel(path, index=False, engine="openpyxl")
    return path


def write_sav(frame: pd.DataFrame, path: Path, *, item_columns: list[str],
              attribute_codes: dict[str, dict[str, int]],
              attribute_labels: dict[str, dict[int, str]]) -> Path:
    """SPSS file: attributes as labelled numeric codes, items with user-missing -9/-1/-2."""
    out = frame.copy()
    value_labels: dict[str, dict[float, str]] = {}
    for column, codes in attribute_codes.items():
        out[column] = out[column].map(lambda v, c=codes: c.get(v, np.nan)).astype(float)
        value_labels[column] = {float(k): v for k, v in attribute_labels[column].items()}
    missing = {}
    for column in item_columns:
        out[column] = pd.to_numeric(out[column]).astype(float)
        value_labels[column] = {-9.0: "keine Angabe", -1.0: "kann ich nicht beurteilen",
                                -2.0: "nicht gezeigt", 1.0: "trifft gar nicht zu",
                                5.0: "trifft voll zu"}
        missing[column] = [-9.0, -1.0, -2.0]
    pyreadstat.write_sav(out, str(path), variable_value_labels=value_labels,
                         missing_ranges=missing)
    return path
