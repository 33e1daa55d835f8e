"""The report checks, on small hand-written documents."""

from __future__ import annotations

import pytest

from evaluation.render import htmlcheck


def _page(body: str, *, head: str = "", lang: str = "de") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><title>t</title>{head}</head>'
            f"<body>{body}</body></html>")


GOOD = _page(
    '<h1>Bericht</h1><h2>A</h2><h3>A.1</h3><h2>B</h2>'
    '<img src="data:image/png;base64,AAAA" alt="Balken">'
    '<a href="#b">Sprung</a><a href="anhang.html">Anhang</a>'
    '<a href="mailto:team@example.org">Kontakt</a>'
    '<table><caption>T</caption><tr><th scope="col">a</th></tr><tr><td>1</td></tr></table>'
    '<svg role="img" aria-label="Linie"><path d="M0 0"/></svg>',
    head="<style>body{background:url(data:image/png;base64,AAAA)}</style>",
)


def test_a_clean_report_has_no_findings():
    assert htmlcheck.check_report(GOOD, edition="partner", language="de") == []


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ('<img src="https://cdn.example.org/x.png" alt="x">', "https://cdn.example.org/x.png"),
        ('<script src="//cdn.example.org/require.js"></script>', "//cdn.example.org/require.js"),
        ('<link rel="stylesheet" href="http://fonts.example.org/css">', "http://fonts"),
        ('<div style="background: url(\'https://x.example.org/a.png\')"></div>', "https://x"),
        ('<img srcset="a.png 1x, https://x.example.org/b.png 2x" alt="a">', "https://x"),
        ("<style>@import 'https://fonts.example.org/css';</style>", "https://fonts"),
        ('<a href="https://example.org">link</a>', "https://example.org"),
        ('<iframe src="ftp://example.org/x"></iframe>', "ftp://example.org/x"),
    ],
)
def test_every_kind_of_external_url_is_found(snippet, expected):
    found = htmlcheck.external_urls(_page(snippet))
    assert len(found) == 1
    assert expected in found[0]


def test_data_uris_fragments_relative_links_and_mailto_are_not_external():
    assert htmlcheck.external_urls(GOOD) == []


def test_the_heading_outline_is_read_in_document_order():
    assert htmlcheck.heading_outline(GOOD) == [(1, "Bericht"), (2, "A"), (3, "A.1"), (2, "B")]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<h2>A</h2>", "exactly one h1"),
        ("<h1>A</h1><h1>B</h1>", "exactly one h1"),
        ("<h1>A</h1><h3>B</h3>", "h3 'B' follows h1"),
        ("<h2>A</h2><h1>B</h1>", "first heading is h2"),
    ],
)
def test_heading_problems_are_named(body, message):
    problems = htmlcheck.heading_problems(_page(body))
    assert any(message in p for p in problems), problems


def test_going_back_up_several_heading_levels_is_fine():
    page = _page("<h1>a</h1><h2>b</h2><h3>c</h3><h4>d</h4><h2>e</h2>")
    assert htmlcheck.heading_problems(page) == []


@pytest.mark.parametrize(
    "snippet",
    [
        '<img src="data:image/png;base64,AA">',
        '<img src="data:image/png;base64,AA" alt="  ">',
        "<svg><path d='M0 0'/></svg>",
        "<svg><g><title>nested titles do not count</title></g></svg>",
        '<div role="img"></div>',
    ],
)
def test_images_without_text_alternative_are_found(snippet):
    assert htmlcheck.images_without_alt(_page(snippet))


@pytest.mark.parametrize(
    "snippet",
    [
        "<svg><title>Linie</title><path d='M0 0'/></svg>",
        '<svg aria-hidden="true"><path/></svg>',
        '<svg aria-labelledby="c"><path/></svg>',
        '<div role="img" aria-label="Netzwerk"></div>',
    ],
)
def test_labelled_or_hidden_graphics_pass(snippet):
    assert htmlcheck.images_without_alt(_page(snippet)) == []


def test_empty_alt_passes_only_when_decorative_images_are_allowed():
    page = _page('<img src="data:image/png;base64,AA" alt="">')
    assert htmlcheck.images_without_alt(page)
    assert htmlcheck.images_without_alt(page, allow_decorative=True) == []


def test_tables_without_header_cells_or_caption_are_found():
    page = _page("<table><tr><td>1</td></tr></table>"
                 "<table><caption>c</caption><tr><th>h</th></tr></table>")
    assert htmlcheck.tables_without_headers(page) == [
        "table 1 has no header cells (<th>)", "table 1 has no <caption>"]
    assert htmlcheck.tables_without_headers(page, require_caption=False) == [
        "table 1 has no header cells (<th>)"]


def test_nested_tables_are_judged_each_on_its_own():
    page = _page("<table><caption>o</caption><tr><th>h</th><td>"
                 "<table><tr><td>inner</td></tr></table></td></tr></table>")
    assert htmlcheck.tables_without_headers(page) == [
        "table 2 has no header cells (<th>)", "table 2 has no <caption>"]


def test_code_inputs_prompts_and_tracebacks_are_found():
    page = _page('<h1>x</h1><details class="cell-input"><summary>Code</summary></details>'
                 '<div class="jp-InputPrompt">In [3]:</div>'
                 "<pre>Traceback (most recent call last):\n  File \"x\"</pre>")
    assert htmlcheck.input_cells_present(page) == 1
    assert htmlcheck.prompts_present(page) >= 1
    assert htmlcheck.traceback_present(page)
    problems = htmlcheck.check_report(page, edition="partner")
    assert any("code input" in p for p in problems)
    assert any("prompt" in p for p in problems)
    assert any("traceback" in p for p in problems)
    assert not any("code input" in p for p in htmlcheck.check_report(page, edition="evaluator"))


def test_an_ipython_traceback_without_the_python_header_is_found():
    page = _page("<h1>x</h1><pre>Cell In[4], line 2\n----> 2 1/0\nZeroDivisionError</pre>")
    assert htmlcheck.traceback_present(page)


def test_a_missing_or_wrong_lang_attribute_is_reported():
    assert "<html> has no lang attribute" in htmlcheck.check_report(
        "<html><body><h1>x</h1></body></html>", edition="evaluator")
    assert any("expected 'en'" in p for p in htmlcheck.check_report(
        _page("<h1>x</h1>", lang="de"), edition="evaluator", language="en"))
