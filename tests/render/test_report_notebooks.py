"""The report notebooks end to end: computed example results -> papermill -> HTML -> browser.

The run folder is built once per session from ``surveys/example`` (``n_boot`` small) with the
pipeline's own metadata. Screenshots of one partner report, one evaluator report and the
synthesis land in pytest's temporary folder (``.../report_shots0/*.png``); look at them
when the report content changes.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from evaluation.execution import check_parameters
from evaluation.execution.executors import PapermillExecutor
from evaluation.render import render_html
from evaluation.render.htmlcheck import check_report
from tests.browser import chromium_available, open_page
from tests.conftest import EXAMPLE, ROOT

NOTEBOOKS = ROOT / "notebooks"
SITE_NB = NOTEBOOKS / "site_report.ipynb"
SYNTHESIS_NB = NOTEBOOKS / "synthesis.ipynb"
WHEN = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
BRAND = {"project_name": "Beispielprojekt Integrationsnetzwerke"}
SITE_NAMES = {s["key"]: s["name"] for s in
              yaml.safe_load((EXAMPLE / "project.yml").read_text(encoding="utf-8"))["sites"]}
needs_chromium = pytest.mark.skipif(not chromium_available(),
                                    reason="Debian's /usr/bin/chromium is not installed")


def visible_text(page: str) -> str:
    """Text and SVG text of a page: data-URI SVGs decoded, other data URIs dropped."""
    page = re.sub(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)",
                  lambda m: base64.b64decode(m.group(1)).decode("utf-8"), page)
    page = re.sub(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+", "", page)
    return html.unescape(page)


# ------------------------------------------------------------------------- fast checks


@pytest.mark.parametrize("path", [SITE_NB, SYNTHESIS_NB])
def test_notebooks_are_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], cell.id
            assert cell.execution_count is None, cell.id


def test_parameters_cells_take_what_the_pipeline_passes():
    assert check_parameters(SITE_NB, {"run_dir": "_run", "site": "K02", "wave": "w1",
                                      "edition": "evaluator", "language": "en"})
    assert check_parameters(SYNTHESIS_NB, {"run_dir": "_run", "wave": "w1", "language": "en"})
    defaults = nbformat.read(SITE_NB, as_version=4).cells[1].source
    assert 'run_dir: str = "../reports/example/_run"' in defaults
    assert 'site: str = "K01"  # site key (Kxx)' in defaults


def test_evaluator_cells_are_tagged_and_partner_cells_hide_their_code():
    nb = nbformat.read(SITE_NB, as_version=4)
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if "evaluator." in cell.source or "evaluator_heading" in cell.source:
            assert "evaluator-only" in tags, cell.id
        elif cell.cell_type == "code" and "parameters" not in tags:
            assert "remove-input" in tags, cell.id


# ------------------------------------------------------------------------- end to end


@pytest.fixture(scope="session")
def example_run(tmp_path_factory) -> Path:
    from evaluation.analysis import compute_results
    from evaluation.config import load_project
    from evaluation.io import load_survey
    from evaluation.io.participation import load_participation
    from evaluation.pipeline import results_meta
    from evaluation.results import save_results

    project = load_project(EXAMPLE)
    results = compute_results(project, load_survey(project), load_participation(project),
                              n_boot=20)
    results.meta.update(results_meta(project, {"data_sha256": "0" * 64}))
    run_dir = tmp_path_factory.mktemp("example") / "_run"
    save_results(results, run_dir, key={"test": True})
    return run_dir


@pytest.fixture(scope="session")
def rendered(example_run, tmp_path_factory) -> dict[str, tuple[Path, float]]:
    """Execute and render each report once: name -> (HTML file, seconds)."""
    out = tmp_path_factory.mktemp("reports")
    executor = PapermillExecutor()
    jobs = {
        "K01-partner": (SITE_NB, {"site": "K01", "wave": "w3", "edition": "partner",
                                  "language": "de"}, "partner", "de"),
        "K07-evaluator": (SITE_NB, {"site": "K07", "wave": "w3", "edition": "evaluator",
                                    "language": "de"}, "evaluator", "de"),
        "K18-w2-partner-en": (SITE_NB, {"site": "K18", "wave": "w2", "edition": "partner",
                                        "language": "en"}, "partner", "en"),
        "synthesis": (SYNTHESIS_NB, {"wave": "w3", "language": "de"}, "evaluator", "de"),
    }
    done = {}
    for name, (notebook, params, edition, language) in jobs.items():
        start = time.perf_counter()
        nb = executor.execute(notebook, {"run_dir": str(example_run), **params},
                              cwd=NOTEBOOKS)
        page = render_html(nb, edition=edition, language=language, branding=BRAND,
                           source_date=WHEN)
        seconds = time.perf_counter() - start
        print(f"{name}: execute + render {seconds:.1f} s")
        path = out / f"{name}.html"
        path.write_text(page, encoding="utf-8")
        nbformat.write(nb, out / f"{name}.ipynb")
        done[name] = (path, seconds)
    return done


def _page(rendered, name: str) -> str:
    return rendered[name][0].read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize(("name", "edition", "language"), [
    ("K01-partner", "partner", "de"), ("K07-evaluator", "evaluator", "de"),
    ("K18-w2-partner-en", "partner", "en"), ("synthesis", "evaluator", "de")])
def test_reports_pass_the_accessibility_and_privacy_checks(rendered, name, edition, language):
    assert check_report(_page(rendered, name), edition=edition, language=language) == []


@pytest.mark.slow
def test_partner_report_names_no_other_site_and_is_labelled_synthetic(rendered):
    text = visible_text(_page(rendered, "K01-partner"))
    assert "Lindwarden" in text
    for key, name in SITE_NAMES.items():
        if key != "K01":
            assert name not in text, name
            assert key not in text, key
    assert "Synthetische Daten" in text


@pytest.mark.slow
def test_partner_report_uses_german_number_formats(rendered):
    text = visible_text(_page(rendered, "K01-partner"))
    assert re.search(r"\b\d,\d\d\b", text)  # decimal comma
    assert "Rücklauf 77\u202f%" in text  # 30 of 39, narrow no-break space before %
    assert re.search(r"\[\d,\d\d;\u00a0\d,\d\d\]", text)  # interval with semicolon
    main = text.split("<main", 1)[1].split("</main>", 1)[0]
    words = re.sub(r"<style>.*?</style>|<svg.*?</svg>|<[^>]+>", " ", main, flags=re.S)
    assert not re.search(r"\b\d\.\d\d\b", words)  # no decimal point in the text


@pytest.mark.slow
def test_reports_contain_no_python_reprs_warnings_or_errors(rendered):
    for name, (path, _) in rendered.items():
        nb = nbformat.read(path.with_suffix(".ipynb"), as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                assert output.output_type in ("display_data", "execute_result"), (name, output)
                assert "text/html" in output.get("data", {}), (name, cell.id)
        page = _page(rendered, name)
        assert "<IPython" not in page
        assert "DataFrame" not in page
        assert "Warning" not in page


@pytest.mark.slow
def test_suppressed_wave_report_says_so_and_shows_no_statistics(rendered):
    page = _page(rendered, "K18-w2-partner-en")
    text = visible_text(page)
    assert "Fewer than 5 people from Schwalbenried answered in this wave" in text
    assert "<img" not in page
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    words = re.sub(r"<style>.*?</style>|<[^>]+>", " ", main, flags=re.S)
    words = words.replace("3.5", "")  # the quick-win threshold in the methods notes
    assert not re.search(r"\d\.\d", words)  # no mean, share or interval
    assert "Schwalbenried" in words
    assert "3 " not in words


@pytest.mark.slow
def test_evaluator_report_adds_the_diagnostics(rendered):
    text = visible_text(_page(rendered, "K07-evaluator"))
    for heading in ("Datenqualität", "Itemanalyse", "Reliabilität",
                    "Aggregation auf Standortebene", "Augenhöhe", "Zusammenhänge mit der "
                    "wahrgenommenen Wirkung", "Veränderung bei denselben Personen"):
        assert heading in text
    assert "benefit_3" in text  # the planted reverse-keyed item that does not work


@pytest.mark.slow
def test_synthesis_names_sites_and_keeps_suppression(rendered):
    text = visible_text(_page(rendered, "synthesis"))
    assert all(name in text for name in SITE_NAMES.values())
    assert "Nur für die wissenschaftliche Begleitung" in text


@pytest.mark.slow
def test_each_report_executes_and_renders_in_reasonable_time(rendered):
    for name, (_, seconds) in rendered.items():
        assert seconds < 120, (name, seconds)


@pytest.mark.slow
@needs_chromium
def test_reports_open_in_a_browser_without_requests_or_errors(rendered, tmp_path_factory):
    shots = tmp_path_factory.mktemp("report_shots")
    for name in ("K01-partner", "K07-evaluator", "synthesis"):
        visit = open_page(rendered[name][0], screenshot=shots / f"{name}.png")
        assert visit.console_errors == [], name
        assert [r for r in visit.requests if not r.startswith(("file:", "data:"))] == []
        assert visit.content_height > 3000
        print(f"screenshot: {visit.screenshot}")


@pytest.mark.slow
def test_the_explore_notebook_runs_on_a_real_kernel_and_shows_the_tables(example_run):
    """The notebook that shows an evaluator how to reach the tables runs as committed."""
    explore = NOTEBOOKS / "explore_results.ipynb"
    committed = nbformat.read(explore, as_version=4)
    assert all(c.outputs == [] for c in committed.cells if c.cell_type == "code")
    assert sum(c.cell_type == "markdown" for c in committed.cells) >= 6  # it explains itself
    nb = PapermillExecutor().execute(explore, {"run_dir": str(example_run)}, cwd=NOTEBOOKS)
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "site_vs_pool" in text
    assert "Spearman rho" in text
    assert "r2_marginal" in text
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                if o.get("output_type") == "error"]
