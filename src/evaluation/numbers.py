"""The one reading of a number in a data cell: ASCII digits, one decimal point or comma.

Python's ``float`` also accepts what no survey tool writes for an answer and what a person
would not mean as one: Arabic-Indic or full-width digits (``٤``, ``４``), underscores
(``0_4``), exponents (``4e0``), a plus sign (``+4``), ``inf`` and ``nan``. Taking those as
numbers would turn a broken cell into a valid answer. :func:`parse_number` accepts only an
optional minus sign (also the typographic minus ``−``), ASCII digits and one decimal separator
(point or comma, as German Excel writes it).
"""

from __future__ import annotations

import re

__all__ = ["NUMBER_PATTERN", "finite_or_none", "parse_number"]

#: What a number in a cell may look like (after stripping surrounding spaces).
NUMBER_PATTERN = re.compile(r"-?(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)")


def parse_number(text: object) -> float | None:
    """The number ``text`` writes, or ``None`` when it is not one in the sense above.

    >>> parse_number(" 4 "), parse_number("3,5"), parse_number("−2")
    (4.0, 3.5, -2.0)
    >>> parse_number("٤"), parse_number("4e0"), parse_number("+4"), parse_number("0_4")
    (None, None, None, None)
    """
    cleaned = str(text).strip().replace("\u2212", "-")
    if not NUMBER_PATTERN.fullmatch(cleaned):
        return None
    return float(cleaned.replace(",", "."))


def finite_or_none(value: object) -> float | None:
    """A computed value (not a data cell) as a float, ``None`` where it is missing or NaN.

    >>> finite_or_none(2), finite_or_none(None), finite_or_none(float("nan"))
    (2.0, None, None)
    """
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if out != out else out
