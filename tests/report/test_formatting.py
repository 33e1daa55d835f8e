"""Display formatting: German and English numbers, intervals, p-values, accessible tables.

Expected strings are written by hand from the conventions in the module docstring (DIN 5008
for German: decimal comma, narrow no-break space before %, semicolon in intervals).
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from evaluation.errors import LanguageError
from evaluation.render import htmlcheck
from evaluation.report.formatting import (
    MISSING,
    NARROW_NBSP,
    FormattingError,
    fmt_ci,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_percent,
    fmt_pvalue,
    html_table,
)


@pytest.mark.parametrize(
    ("value", "digits", "de", "en"),
    [
        (3.456, 2, "3,46", "3.46"),
        (3.45, 1, "3,5", "3.5"),  # half away from zero on the decimal text
        (2.675, 2, "2,68", "2.68"),  # Python's round() gives 2.67 (binary float)
        (-2.5, 0, "-3", "-3"),
        (0.0, 2, "0,00", "0.00"),
        (-0.001, 2, "0,00", "0.00"),  # no negative zero
        (1234.5, 1, "1234,5", "1,234.5"),  # German groups only from five digits
        (12345.678, 2, f"12{NARROW_NBSP}345,68", "12,345.68"),
        (-1234567.0, 0, f"-1{NARROW_NBSP}234{NARROW_NBSP}567", "-1,234,567"),
        (7, 2, "7,00", "7.00"),
    ],
)
def test_numbers_follow_german_and_english_conventions(value, digits, de, en):
    assert fmt_number(value, digits, "de") == de
    assert fmt_number(value, digits, "en") == en


@pytest.mark.parametrize("missing", [None, float("nan"), math.nan, pd.NA])
def test_missing_values_are_shown_as_an_en_dash(missing):
    assert fmt_number(missing, 2, "de") == MISSING
    assert fmt_percent(missing, 0, "de") == MISSING
    assert fmt_pvalue(missing, "en") == MISSING


def test_infinite_values_are_shown_as_infinity_signs():
    assert fmt_number(float("inf"), 2, "de") == "\u221e"
    assert fmt_number(float("-inf"), 2, "en") == "-\u221e"


def test_counts_are_integers_with_digit_groups():
    assert fmt_int(12345, "de") == f"12{NARROW_NBSP}345"
    assert fmt_int(12345, "en") == "12,345"
    assert fmt_int(999, "de") == "999"


def test_percent_takes_a_share_and_uses_a_narrow_no_break_space_in_german():
    assert fmt_percent(0.45, 0, "de") == f"45{NARROW_NBSP}%"
    assert fmt_percent(0.4567, 1, "de") == f"45,7{NARROW_NBSP}%"
    assert fmt_percent(0.45, 0, "en") == "45%"


def test_confidence_intervals_use_a_semicolon_in_german_and_a_comma_in_english():
    assert fmt_ci(3.14, 3.76, 1, "de") == "[3,1; 3,8]"
    assert fmt_ci(3.14, 3.76, 1, "en") == "[3.1, 3.8]"
    assert fmt_ci(None, 3.76, 1, "de") == MISSING


@pytest.mark.parametrize(
    ("p", "de", "en"),
    [
        (0.0004, "p < 0,001", "p < 0.001"),
        (0.001, "p = 0,001", "p = 0.001"),
        (0.0345, "p = 0,035", "p = 0.035"),  # 0.0345 rounds half up
        (1.0, "p = 1,000", "p = 1.000"),
        (0.0, "p < 0,001", "p < 0.001"),
    ],
)
def test_p_values_have_three_decimals_and_a_floor(p, de, en):
    assert fmt_pvalue(p, "de") == de
    assert fmt_pvalue(p, "en") == en


def test_p_values_without_prefix_suit_a_table_column():
    assert fmt_pvalue(0.0004, "de", prefix=False) == "< 0,001"
    assert fmt_pvalue(0.25, "en", prefix=False) == "0.250"


def test_a_p_value_outside_zero_and_one_is_an_error():
    with pytest.raises(FormattingError, match="between 0 and 1"):
        fmt_pvalue(1.2, "de")


def test_dates_are_day_month_year_in_german_and_iso_in_english():
    day = dt.date(2025, 11, 21)
    assert fmt_date(day, "de") == "21.11.2025"
    assert fmt_date(dt.datetime(2025, 11, 21, 13, 5, tzinfo=dt.UTC), "en") == "2025-11-21"


def test_an_unknown_language_is_named_in_the_error():
    with pytest.raises(LanguageError, match="'fr'"):
        fmt_number(1.0, 2, "fr")


def test_booleans_are_not_silently_formatted_as_numbers():
    with pytest.raises(FormattingError, match="truth value"):
        fmt_number(True, 2, "de")


# ------------------------------------------------------------------------------- html_table


def _site_table() -> pd.DataFrame:
    return pd.DataFrame(
        {"n": [12, 7], "mean": [3.456, float("nan")], "share": [0.25, 0.5],
         "note": ["<b>bold</b> & more", "ok"], "reached": [True, False]},
        index=pd.Index(["K01", "Pool"], name="site"),
    )


def test_a_table_has_a_caption_column_headers_and_row_headers():
    html = html_table(_site_table(), caption="Mittelwerte", language="de")
    assert "<caption>Mittelwerte</caption>" in html
    assert html.count('<th scope="col"') == 6  # index header + five columns
    assert '<th scope="row">K01</th>' in html
    assert htmlcheck.tables_without_headers(html) == []


def test_table_cells_are_escaped_and_numbers_formatted_for_the_language():
    html = html_table(_site_table(), caption="A <caption> & more", language="de")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html
    assert "<b>" not in html
    assert "A &lt;caption&gt; &amp; more" in html
    assert '<td class="num">3,46</td>' in html
    assert '<td class="num">12</td>' in html
    assert f'<td class="num">{MISSING}</td>' in html  # missing keeps the numeric alignment
    assert "<td>ja</td>" in html
    assert "<td>nein</td>" in html
    english = html_table(_site_table(), caption="Means", language="en")
    assert '<td class="num">3.46</td>' in english
    assert "<td>yes</td>" in english


def test_digits_labels_and_formatters_can_be_set_per_column():
    html = html_table(
        _site_table(), caption="x", language="de", digits={"mean": 1},
        column_labels={"mean": "Mittelwert"},
        formatters={"share": lambda v: fmt_percent(v, 0, "de")},
    )
    assert '<td class="num">3,5</td>' in html
    assert ">Mittelwert</th>" in html
    assert f'<td class="num">25{NARROW_NBSP}%</td>' in html


def test_a_column_can_serve_as_the_row_header():
    frame = pd.DataFrame({"factor": ["Vertrauen", "Nutzen"], "mean": [3.2, 4.1]})
    html = html_table(frame, caption="Faktoren", language="de", row_header="factor")
    assert '<th scope="row">Vertrauen</th>' in html
    assert ">0</th>" not in html  # the RangeIndex is not shown
    assert htmlcheck.tables_without_headers(html) == []


def test_a_multiindex_is_flattened_into_readable_headers():
    frame = pd.DataFrame(
        [[1.0, 2.0]], columns=pd.MultiIndex.from_tuples([("w1", "mean"), ("w2", "mean")]),
        index=pd.MultiIndex.from_tuples([("K01", "Verwaltung")], names=["site", "actor"]),
    )
    html = html_table(frame, caption="Wellen", language="en")
    assert ">w1 \u2013 mean</th>" in html
    assert '<th scope="row">K01 \u2013 Verwaltung</th>' in html
    assert '<th scope="col">site \u2013 actor</th>' in html


def test_a_table_without_a_caption_is_refused():
    with pytest.raises(FormattingError, match="caption"):
        html_table(_site_table(), caption="  ", language="de")


def test_an_unknown_row_header_column_is_named_in_the_error():
    with pytest.raises(FormattingError, match="'nope'"):
        html_table(_site_table(), caption="x", language="de", row_header="nope")
