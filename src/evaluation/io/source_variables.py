"""One variable of a survey as a source describes it (a LimeSurvey structure, an SPSS file,
SoSci Survey's R import script, a response export), and the small readings of codes the
sources share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Variable", "answer_number", "as_integer", "question_of"]


@dataclass
class Variable:
    """One column of the survey as the source describes it."""

    column: str                      # the export column name
    text: dict[str, str]             # wording by language ("de", "en")
    group: str                       # the question it belongs to
    labels: dict[Any, dict[str, str]] = field(default_factory=dict)  # code -> wording
    missing: dict[Any, str] = field(default_factory=dict)  # user-missing code -> label
    values: tuple[Any, ...] = ()     # values seen (response exports only)
    numeric_codes: dict[str, int] = field(default_factory=dict)  # text code -> value (A1 -> 1)
    group_text: str = ""             # the question's own title, where the source has one
    reversed_in_file: bool = False   # the tool stored the item's codes reversed (SoSci)
    nominal: bool = False            # labelled as categories, not as a rating (SoSci factor)


def answer_number(value: Any) -> int | None:
    """An answer as a number: a whole number, or a LimeSurvey answer code ``A<n>`` as ``n``."""
    match = re.fullmatch(r"A(\d{1,2})", str(value).strip())
    return int(match.group(1)) if match else as_integer(value)


def as_integer(value: Any) -> int | None:
    """``value`` as an int where it is a whole number (``3``, ``'3'``, ``3.0``), else None."""
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def question_of(column: str) -> str:
    """The question a column belongs to: ``TR01_02`` and ``TR01[SQ002]`` -> ``TR01``."""
    name = re.sub(r"\[[^\]]*\]$", "", column)
    stem = re.sub(r"[_.]?\d+$", "", name)
    return stem or name
