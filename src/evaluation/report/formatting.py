"""Numbers, intervals, p-values and tables as a reader of a German or English report sees them.

Everything here is for display only: statistics are computed unrounded elsewhere and rounded
here, once, at the last moment (STYLE habit 3).

Conventions, decided once for every report
------------------------------------------
German (``"de"``) follows DIN 5008 and the Duden:

* decimal comma: ``3,45``;
* digit groups only from five integer digits on, separated by a narrow no-break space
  (U+202F): ``1234`` but ``12 345``; the dot is *not* used as a group separator because it is
  read as a decimal point by anyone used to English notation;
* a space between number and percent sign, again a narrow no-break space so that the two never
  part at a line break: ``45 %``;
* confidence intervals with a semicolon, because the comma is the decimal mark: ``[3,1; 3,8]``;
* dates as ``21.11.2025``.

English (``"en"``): decimal point, comma groups from four integer digits on (``1,234``), no
space before ``%`` (``45%``), intervals ``[3.1, 3.8]``, ISO dates ``2025-11-21``.

Both languages: the minus sign is the ASCII hyphen-minus, so that a number copied from a report
into a spreadsheet stays a number; a negative value that rounds to zero is shown as ``0``;
missing values (``None``, ``NaN``) are shown as an en dash (``–``); rounding is half away from
zero on the shortest decimal representation of the float (``2.675`` -> ``2.68``, as a reader
computing by hand, or SPSS, expects; Python's ``round`` would give ``2.67``).
P-values are shown with three decimals and as ``p < 0,001`` / ``p < 0.001`` below that.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import numbers
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from evaluation.errors import FormattingError
from evaluation.language import check_language

__all__ = [
    "MISSING",
    "NARROW_NBSP",
    "count_word",
    "fmt_ci",
    "fmt_date",
    "fmt_int",
    "fmt_number",
    "fmt_percent",
    "fmt_pvalue",
    "html_table",
    "join_words",
    "quoted",
]

NARROW_NBSP = "\u202f"
MISSING = "\u2013"  # en dash

_YES_NO = {"de": ("ja", "nein"), "en": ("yes", "no")}


def _is_missing(x: object) -> bool:
    if x is None or type(x).__name__ in ("NAType", "NaTType"):  # pandas.NA, pandas.NaT
        return True
    try:
        return bool(isinstance(x, numbers.Real) and math.isnan(float(x)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _round_half_up(x: float, digits: int) -> Decimal:
    if digits < 0:
        raise FormattingError(f"digits must be 0 or more, got {digits}")
    try:
        value = Decimal(repr(float(x)))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise FormattingError(f"cannot format {x!r} as a number") from exc
    quantum = Decimal(1).scaleb(-digits)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    return rounded


def _group(integer_digits: str, language: str) -> str:
    if language == "de":
        if len(integer_digits) < 5:
            return integer_digits
        sep = NARROW_NBSP
    else:
        if len(integer_digits) < 4:
            return integer_digits
        sep = ","
    head = len(integer_digits) % 3 or 3
    groups = [integer_digits[:head]]
    groups += [integer_digits[i : i + 3] for i in range(head, len(integer_digits), 3)]
    return sep.join(groups)


def fmt_number(x: float | int | None, digits: int = 2, language: str = "de") -> str:
    """Format a number for display: ``fmt_number(3.456, 2, "de") == "3,46"``.

    Parameters
    ----------
    x : float, int or None
        The value; ``None`` and ``NaN`` give an en dash, infinities ``∞`` / ``-∞``.
    digits : int
        Decimal places shown (rounding half away from zero).
    language : {"de", "en"}
        Report language; see the module notes for the conventions.
    """
    check_language(language)
    if _is_missing(x):
        return MISSING
    if isinstance(x, bool):
        raise FormattingError(f"cannot format the truth value {x!r} as a number")
    try:
        f = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise FormattingError(f"cannot format {x!r} as a number") from exc
    if math.isinf(f):
        return "\u221e" if f > 0 else "-\u221e"
    rounded = _round_half_up(f, digits)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):.{digits}f}"
    integer, _, fraction = text.partition(".")
    integer = _group(integer, language)
    decimal_mark = "," if language == "de" else "."
    return sign + integer + (decimal_mark + fraction if fraction else "")


def fmt_int(x: int | float | None, language: str = "de") -> str:
    """Format a count: ``fmt_int(12345, "de") == "12\u202f345"``."""
    return fmt_number(x, 0, language)


def fmt_percent(share: float | None, digits: int = 0, language: str = "de") -> str:
    """Format a proportion (0..1) as percent: ``fmt_percent(0.45, 0, "de") == "45\u202f%"``.

    The input is a share, not a percentage, so that the unrounded statistic can be passed
    straight through.
    """
    if _is_missing(share):
        return MISSING
    number = fmt_number(float(share) * 100, digits, language)  # type: ignore[arg-type]
    return f"{number}{NARROW_NBSP}%" if language == "de" else f"{number}%"


def fmt_ci(low: float | None, high: float | None, digits: int = 2, language: str = "de") -> str:
    """Format a confidence interval: ``"[3,1; 3,8]"`` (de) or ``"[3.1, 3.8]"`` (en)."""
    if _is_missing(low) or _is_missing(high):
        return MISSING
    sep = "; " if language == "de" else ", "
    return f"[{fmt_number(low, digits, language)}{sep}{fmt_number(high, digits, language)}]"


def fmt_pvalue(p: float | None, language: str = "de", *, digits: int = 3,
               prefix: bool = True) -> str:
    """Format a p-value: ``"p = 0,034"``, ``"p < 0,001"`` (de); ``"p < 0.001"`` (en).

    Values below ``10**-digits`` are shown as ``p < 0,001``; with ``prefix=False`` only the
    number (``"< 0,001"``, ``"0,034"``) is returned, as a table column needs it.
    """
    check_language(language)
    if _is_missing(p):
        return MISSING
    value = float(p)  # type: ignore[arg-type]
    if not 0.0 <= value <= 1.0:
        raise FormattingError(f"a p-value lies between 0 and 1, got {p!r}")
    threshold = 10.0 ** -digits
    if value < threshold:
        text = f"< {fmt_number(threshold, digits, language)}"
        return f"p {text}" if prefix else text
    text = fmt_number(value, digits, language)
    return f"p = {text}" if prefix else text


def fmt_date(day: dt.date | dt.datetime, language: str = "de") -> str:
    """Format a date: ``21.11.2025`` (de) or ``2025-11-21`` (en)."""
    check_language(language)
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.strftime("%d.%m.%Y") if language == "de" else day.isoformat()


def _fmt_cell(value: Any, *, digits: int, language: str) -> tuple[str, bool]:
    """Return the escaped display text of one cell and whether it is numeric."""
    if _is_missing(value):
        return MISSING, False
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        yes, no = _YES_NO[language]
        return (yes if value else no), False
    if isinstance(value, numbers.Integral):
        return html.escape(fmt_int(int(value), language)), True
    if isinstance(value, numbers.Real):
        return html.escape(fmt_number(float(value), digits, language)), True
    if isinstance(value, dt.date):
        return html.escape(fmt_date(value, language)), False
    return html.escape(str(value)), False


def _label(value: Any) -> str:
    if isinstance(value, tuple):
        return " \u2013 ".join(str(v) for v in value if str(v) != "")
    return str(value)


def html_table(
    df: Any,
    *,
    caption: str,
    language: str,
    digits: int | Mapping[str, int] = 2,
    index: bool = True,
    index_label: str | None = None,
    column_labels: Mapping[Any, str] | None = None,
    formatters: Mapping[Any, Callable[[Any], str]] | None = None,
    row_header: Any = None,
    note: str | None = None,
    table_class: str = "report-table",
) -> str:
    """Render a DataFrame as an accessible HTML table.

    Every header is a ``<th>`` with ``scope="col"`` (column headers) or ``scope="row"`` (the
    index, or the column named by ``row_header``); the caption is required; every text that
    comes from the data is escaped with :func:`html.escape`. Numbers are formatted with
    :func:`fmt_number` and right-aligned (class ``num``); missing values show an en dash.

    Parameters
    ----------
    df : pandas.DataFrame
        The table; a MultiIndex on either axis is flattened with en dashes.
    caption : str
        What the table shows; plain text, escaped.
    language : {"de", "en"}
        Number and yes/no formatting.
    digits : int or mapping
        Decimal places, for all columns or per column (others default to 2).
    index : bool
        Show the index as row headers. Ignored when ``row_header`` names a column.
    index_label : str, optional
        Header of the index column (defaults to the index name, else empty).
    column_labels : mapping, optional
        Display labels for columns (escaped).
    formatters : mapping, optional
        Per-column function value -> text; the result is escaped too.
    row_header : column key, optional
        Use this column as the row header instead of the index.
    note : str, optional
        A note shown under the table (escaped), e.g. where suppressed cells are explained.

    Returns
    -------
    str
        An HTML fragment ``<div class="table-wrap"><table>...</table></div>``.

    Examples
    --------
    >>> import pandas as pd
    >>> html_table(pd.DataFrame({"mean": [3.456]}, index=["K01"]), caption="Mittel",
    ...            language="de")  # doctest: +ELLIPSIS
    '<div class="table-wrap" ...3,46...'
    """
    check_language(language)
    if not caption or not str(caption).strip():
        raise FormattingError("a table needs a caption that says what it shows")
    labels = dict(column_labels or {})
    fmts = dict(formatters or {})
    columns = list(df.columns)
    if row_header is not None:
        if row_header not in columns:
            raise FormattingError(
                f"row_header {row_header!r} is not a column; columns are {columns!r}"
            )
        index = False
    data_columns = [c for c in columns if c != row_header]

    def col_digits(col: Any) -> int:
        if isinstance(digits, Mapping):
            return int(digits.get(col, 2))
        return int(digits)

    def cell(col: Any, value: Any) -> tuple[str, bool]:
        if col in fmts and not _is_missing(value):
            return html.escape(str(fmts[col](value))), True
        return _fmt_cell(value, digits=col_digits(col), language=language)

    esc = html.escape
    out: list[str] = [
        '<div class="table-wrap" tabindex="0">', f'<table class="{esc(table_class)}">',
        f"<caption>{esc(str(caption))}</caption>", "<thead>", "<tr>",
    ]
    if index:
        if index_label is not None:
            name = index_label
        else:
            name = " \u2013 ".join(str(n) for n in df.index.names if n is not None)
        out.append(f'<th scope="col">{esc(str(name))}</th>')
    if row_header is not None:
        out.append(f'<th scope="col">{esc(labels.get(row_header, _label(row_header)))}</th>')
    numeric_columns = {col: _is_numeric_column(df[col]) for col in data_columns}
    for col in data_columns:
        cls = ' class="num"' if numeric_columns[col] else ""
        out.append(f'<th scope="col"{cls}>{esc(labels.get(col, _label(col)))}</th>')
    out += ["</tr>", "</thead>", "<tbody>"]
    for key, row in zip(df.index, df.itertuples(index=False, name=None), strict=True):
        values = dict(zip(columns, row, strict=True))
        out.append("<tr>")
        if index:
            out.append(f'<th scope="row">{esc(_label(key))}</th>')
        if row_header is not None:
            text, _ = cell(row_header, values[row_header])
            out.append(f'<th scope="row">{text}</th>')
        for col in data_columns:
            text, numeric = cell(col, values[col])
            cls = ' class="num"' if numeric or numeric_columns[col] else ""
            out.append(f"<td{cls}>{text}</td>")
        out.append("</tr>")
    out += ["</tbody>", "</table>"]
    if note:
        out.append(f'<p class="table-note">{esc(str(note))}</p>')
    out.append("</div>")
    return "\n".join(out)


def _is_numeric_column(series: Any) -> bool:
    kind = getattr(getattr(series, "dtype", None), "kind", "O")
    return kind in "iuf"


_COUNT_WORDS = {
    "de": ("", "ein", "beiden", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun",
           "zehn", "elf", "zwölf"),
    "en": ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve"),
}


def count_word(n: int, language: str) -> str:
    """A count as a word after a definite article (``die beiden``, ``die drei``; ``the two``),
    digits from 13 on."""
    words = _COUNT_WORDS[check_language(language)]
    return words[n] if 0 < n < len(words) else str(n)


def quoted(text: str, language: str) -> str:
    """``text`` in the quotation marks of the language: „…“ in German, “…” in English."""
    return f"„{text}“" if language == "de" else f"\u201c{text}\u201d"


def join_words(words: list[str], language: str) -> str:
    """``a, b und c`` / ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + (" und " if language == "de" else " and ") + words[-1]
