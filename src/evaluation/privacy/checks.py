"""Input checks shared by the privacy routines.

The checks raise :class:`~evaluation.errors.PrivacyError`, the base of every error of
:mod:`evaluation.privacy.pseudonyms`, :mod:`evaluation.privacy.suppression`,
:mod:`evaluation.privacy.freetext`, :mod:`evaluation.privacy.generalisation` and
:mod:`evaluation.io.microdata`; it and its subclasses are defined in :mod:`evaluation.errors`.
Import the public names from :mod:`evaluation.privacy`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from evaluation.errors import PrivacyError


def check_k(k: object, what: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise PrivacyError(f"{what} must be a positive integer, got {k!r}")
    return int(k)


def require_columns(frame: pd.DataFrame, names: Iterable[str], what: str) -> None:
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise PrivacyError(f"{what} lacks column(s) {', '.join(map(repr, missing))}; it has "
                           f"{', '.join(map(repr, map(str, frame.columns)))}")


__all__ = [
    "check_k",
    "require_columns",
]
