"""End to end: run the hello notebook on a real kernel, render both editions, open them in
headless Chromium, and check what a reader (and a network observer) would see.

The screenshots land in pytest's temporary folder (``.../browser0/*.png``); look at them
when the template changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from evaluation.atomic import write_atomic
from evaluation.execution.executors import PapermillExecutor
from evaluation.render import failure_page, htmlcheck, render_html
from tests.browser import chromium_available, open_page

pytestmark = pytest.mark.slow

HELLO = Path(__file__).parents[1] / "data" / "notebooks" / "hello.ipynb"
WHEN = dt.datetime(2025, 11, 21, tzinfo=dt.UTC)
BRAND = {"project_name": "Willkommen vor Ort", "primary_colour": "#1f5f8b",
         "accent_colour": "#c8553d"}
EDITIONS = ("partner", "evaluator")
needs_chromium = pytest.mark.skipif(
    not chromium_available(),
    reason="Debian's /usr/bin/chromium is not installed (apt-get install chromium)",
)


def _run_and_render(out: Path, params: dict) -> dict[str, Path]:
    nb = PapermillExecutor().execute(HELLO, params, cwd=HELLO.parent)
    paths = {}
    for edition in EDITIONS:
        html = render_html(nb, edition=edition, language="de", branding=BRAND,
                           source_date=WHEN)
        paths[edition] = write_atomic(out / f"{params['site']}-{edition}.html", html)
    return paths


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> list[dict[str, Path]]:
    """The same site run twice, each time on a new kernel, into separate folders."""
    results = []
    for attempt in ("first", "second"):
        start = time.perf_counter()
        results.append(_run_and_render(tmp_path_factory.mktemp(attempt),
                                       {"site": "K03", "n": 5}))
        print(f"execute + render both editions: {time.perf_counter() - start:.2f} s")
    return results


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser")


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_executed_reports_pass_every_report_check(runs, edition):
    html = runs[0][edition].read_text(encoding="utf-8")
    assert htmlcheck.check_report(html, edition=edition, language="de") == []
    assert htmlcheck.heading_outline(html) == [
        (1, "Hallo-Bericht"), (2, "Diagramm"), (2, "Tabelle"), (3, "Hinweis"),
        (2, "Herkunft der Ergebnisse")]


def test_the_partner_report_shows_results_but_no_code_parameters_or_diagnostics(runs):
    html = runs[0]["partner"].read_text(encoding="utf-8")
    assert htmlcheck.input_cells_present(html) == 0
    assert htmlcheck.prompts_present(html) == 0
    assert not htmlcheck.traceback_present(html)
    assert "injected-parameters" not in html
    assert "# Parameters" not in html
    assert "diagnostic note for evaluators" not in html  # stderr
    assert "Kommune <strong>K03</strong>, 5 Werte, Mittelwert 3,00." in html
    assert 'alt="Balkendiagramm: 5 Werte für K03, von 1,5 bis 7,5."' in html
    assert 'alt="Liniendiagramm mit 5 Punkten."' in html
    assert "<caption>Kennzahlen für K03 &amp; Pool</caption>" in html


def test_the_evaluator_report_folds_the_code_and_keeps_diagnostics(runs):
    html = runs[0]["evaluator"].read_text(encoding="utf-8")
    assert htmlcheck.input_cells_present(html) == 4  # sparkline cell is remove-input
    assert "diagnostic note for evaluators" in html


@pytest.mark.parametrize("edition", EDITIONS)
def test_a_rerun_gives_byte_identical_reports(runs, edition):
    first, second = (r[edition].read_bytes() for r in runs)
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


@needs_chromium
@pytest.mark.parametrize("edition", EDITIONS)
def test_chromium_loads_only_the_file_itself_and_data_uris(runs, shots, edition):
    shot = shots / f"{edition}.png"
    visit = open_page(runs[0][edition], screenshot=shot)
    assert visit.requests[0] == runs[0][edition].resolve().as_uri()
    assert visit.requests_outside(("file", "data")) == []
    assert visit.console_errors == []
    assert visit.dialogs == []
    assert visit.title == "Hallo-Bericht"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert visit.content_height > 800  # the whole page, not just the viewport


@needs_chromium
def test_the_print_stylesheet_hides_folded_code_and_keeps_charts(runs, shots):
    visit = open_page(
        runs[0]["evaluator"], screenshot=shots / "evaluator-print.png", media="print",
        expressions=[
            "getComputedStyle(document.querySelector('details.cell-input')).display",
            "document.querySelectorAll('img').length",
            "[...document.images].every(i => i.complete && i.naturalWidth > 0)",
        ],
    )
    assert visit.values == ["none", 2, True]
    assert visit.console_errors == []


@needs_chromium
def test_code_is_folded_until_the_reader_opens_it(runs):
    visit = open_page(runs[0]["evaluator"], expressions=[
        "[...document.querySelectorAll('details.cell-input')].some(d => d.open)",
        "document.querySelector('details.cell-input pre').checkVisibility()",
        "document.querySelector('details.cell-input').open = true;"
        " document.querySelector('details.cell-input pre').checkVisibility()",
    ])
    assert visit.values == [False, False, True]


@needs_chromium
def test_a_remote_url_smuggled_into_an_output_is_blocked_and_reported(tmp_path):
    # negative control: the recorder sees a request a page without our policy makes ...
    bare = tmp_path / "bare.html"
    bare.write_text('<!DOCTYPE html><html lang="de"><title>t</title>'
                    '<img src="http://127.0.0.1:9/pixel.png" alt="x"></html>')
    assert open_page(bare).requests_outside(("file", "data")) == [
        "http://127.0.0.1:9/pixel.png"]
    # ... and our template's Content-Security-Policy stops the same request
    nb = new_notebook(cells=[
        new_markdown_cell("# Titel"),
        new_code_cell("x", outputs=[new_output("display_data", data={
            "text/html": '<img src="http://127.0.0.1:9/pixel.png" alt="Fremdbild">'})]),
    ], metadata={"language_info": {"name": "python"}})
    page = write_atomic(tmp_path / "report.html", render_html(
        nb, edition="partner", language="de", branding=BRAND, source_date=WHEN))
    assert htmlcheck.external_urls(page.read_text()) == [
        "<img src>: http://127.0.0.1:9/pixel.png"]
    visit = open_page(page)
    assert visit.blocked == ["http://127.0.0.1:9/pixel.png (csp)"]
    assert visit.sent_outside(("file", "data")) == []
    assert any("Content Security Policy" in e for e in visit.console_errors)


@needs_chromium
def test_the_failure_page_opens_cleanly(tmp_path, shots):
    page = write_atomic(tmp_path / "K09.html", failure_page(
        "K09", "w1", "ValueError: keine Antworten für K09", "de", branding=BRAND,
        source_date=WHEN))
    visit = open_page(page, screenshot=shots / "failure.png")
    assert visit.requests_outside(("file", "data")) == []
    assert visit.console_errors == []
    assert visit.title == "Der Bericht für K09 (w1) konnte nicht erstellt werden"
