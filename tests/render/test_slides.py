"""Slides and handout of the conference digest: executed on a real kernel, opened offline.

A run folder of the example project is computed once (n_boot = 0: the bootstrap intervals
of omega are not used by the digest). ``digest.ipynb`` then runs twice on it through
:func:`evaluation.render.slides.digest_outputs`, into two folders, to check byte-identical output.
Screenshots of the first slide and of the handout go to the test's temporary folder (the
path is printed with ``-s``); they were looked at when this test was written.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import re
import time
from pathlib import Path

import pytest

from evaluation.analysis import compute_results
from evaluation.config import load_project
from evaluation.execution import run_batch
from evaluation.execution.executors import PapermillExecutor
from evaluation.io import validate_project
from evaluation.pipeline import results_meta
from evaluation.render import htmlcheck
from evaluation.render.slides import SlidesError, digest_task, render_handout
from evaluation.report import digest_payload
from evaluation.results import save_results
from tests.browser import chromium_available, open_page

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[2] / "surveys" / "example"
WHEN = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
A4_PRINTABLE = (688, 1032)  # 210 x 297 mm at 96 dpi minus the handout's @page margins


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A run folder of the example project and the project itself."""
    project = load_project(EXAMPLE)
    validation = validate_project(project)
    results = compute_results(project, validation.survey, validation.participation, n_boot=0)
    results.meta.update(results_meta(project, {"data_sha256": "x" * 64}))
    out = tmp_path_factory.mktemp("digest")
    save_results(results, out / "_run", key={"data_sha256": "x" * 64})
    return {"project": project, "results": results, "out": out}


@pytest.fixture(scope="module")
def outputs(run, tmp_path_factory):
    """Digest outputs written twice (German), once into the run's folder, once elsewhere."""
    from evaluation.render import digest_outputs

    written = []
    for folder in (run["out"], tmp_path_factory.mktemp("again")):
        start = time.perf_counter()
        written.append(digest_outputs(run["out"] / "_run", folder, language="de",
                                      branding=run["project"].branding, source_date=WHEN,
                                      executor=PapermillExecutor()))
        print(f"digest notebook + slides + handout: {time.perf_counter() - start:.1f} s")
    return written


def _read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def _visible(html_text: str) -> str:
    """The document without its inlined scripts and styles (the reveal.js library)."""
    return re.sub(r"<(script|style)\b.*?</\1>", "", html_text, flags=re.DOTALL)


def test_slides_and_handout_are_byte_identical_on_a_rerun(outputs):
    first, second = outputs
    assert first["sha256"] == second["sha256"]
    assert first["handout"]["sha256"] == second["handout"]["sha256"]
    assert Path(first["path"]).name == "slides.html"
    assert Path(first["handout"]["path"]).name == "handout.html"


@pytest.mark.parametrize("which", ["slides", "handout"])
def test_the_digest_passes_the_report_checks(outputs, which):
    path = outputs[0]["path"] if which == "slides" else outputs[0]["handout"]["path"]
    html_text = _read(path)
    assert htmlcheck.check_report(html_text, edition="partner", language="de") == []
    assert '<html lang="de">' in html_text


@pytest.mark.parametrize("which", ["slides", "handout"])
def test_no_site_key_or_name_appears_anywhere(run, outputs, which):
    path = outputs[0]["path"] if which == "slides" else outputs[0]["handout"]["path"]
    html_text = _read(path)
    for site in run["results"].meta["sites"]:
        for word in (site["key"], site["name"]):
            assert re.search(rf"\b{re.escape(word)}\b", html_text) is None, word


@pytest.mark.parametrize("which", ["slides", "handout"])
def test_every_number_shown_rests_on_at_least_k(run, outputs, which):
    path = outputs[0]["path"] if which == "slides" else outputs[0]["handout"]["path"]
    counts = [int(n) for n in re.findall(r"n = (\d+)", _visible(_read(path)))]
    assert len(counts) >= 5
    assert min(counts) >= run["results"].meta["min_group_size"]


def test_the_deck_embeds_reveal_js_and_loads_nothing(outputs):
    html_text = _read(outputs[0]["path"])
    assert "reveal.js 5." in html_text
    assert "Reveal.initialize(" in html_text
    for remote in ("unpkg", "cdnjs", "jsdelivr", "googleapis", "@import", "<link rel=\"stylesheet"):
        assert remote not in html_text
    assert htmlcheck.external_urls(html_text) == []
    assert "script-src 'unsafe-inline'" in html_text  # and nothing else may load


def test_the_deck_has_one_slide_per_finding_and_an_alt_text_on_every_chart(run, outputs):
    html_text = _visible(_read(outputs[0]["path"]))
    payload = digest_payload(run["results"], language="de")
    # title, key message, chart, findings 2..n, peer learning, how to read
    assert html_text.count("<section>") == 2 * (len(payload["findings"]) + 4)
    alts = re.findall(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="([^"]+)"', html_text)
    # the drivers chart and one chart for each finding that has one (topics, change, network)
    assert set(payload["charts"]) <= {"topics", "pooled_change", "network"}
    assert len(alts) == 1 + len(payload["charts"]) >= 3
    assert "Gemeinsame, regelmäßig überprüfte Ziele (0,40)" in alts[0]
    assert any(a.startswith("Durchschnitt jedes Erfolgsfaktors über alle Kommunen") for a in alts)


@pytest.mark.skipif(not chromium_available(), reason="needs Chromium")
def test_the_deck_opens_offline_without_requests_or_errors(outputs, tmp_path_factory):
    shots = tmp_path_factory.mktemp("shots")
    visit = open_page(outputs[0]["path"], screenshot=shots / "slide-1.png", width=1280,
                      height=720, settle=1.0,
                      expressions=["Reveal.isReady()", "Reveal.getTotalSlides()",
                                   "document.querySelector('.present h1').textContent"])
    print(f"screenshot: {shots / 'slide-1.png'}")
    assert visit.requests_outside(("file", "data")) == []
    assert visit.blocked == []
    assert visit.console_errors == []
    ready, total, heading = visit.values
    assert ready is True
    assert total >= 8
    assert heading == "Zentrale Befunde der wissenschaftlichen Begleitung"


@pytest.mark.skipif(not chromium_available(), reason="needs Chromium")
def test_the_handout_fits_one_printed_a4_page(outputs, tmp_path_factory):
    shots = tmp_path_factory.mktemp("shots")
    width, height = A4_PRINTABLE
    visit = open_page(outputs[0]["handout"]["path"], screenshot=shots / "handout.png",
                      width=width, height=height, media="print")
    print(f"screenshot: {shots / 'handout.png'}")
    assert visit.requests_outside(("file", "data")) == []
    assert visit.console_errors == []
    assert visit.content_height <= height


def test_the_digest_runs_as_a_task_of_the_batch(run, outputs, tmp_path):
    task = digest_task(tmp_path, wave="w3", language="de", branding=run["project"].branding,
                       date_iso=WHEN.isoformat(),
                       run_dir=os.path.relpath(run["out"] / "_run", tmp_path))
    pickle.dumps(task)  # a worker process must be able to receive it
    [result] = run_batch([task], PapermillExecutor(), jobs=1, progress=False)
    assert result.ok, result.error
    assert result.value["sha256"] == outputs[0]["sha256"]
    assert (tmp_path / "digest" / "handout.html").is_file()


def test_the_handout_renders_from_a_payload_without_a_kernel(run):
    payload = digest_payload(run["results"], language="en")
    first = render_handout(payload, language="en", branding=run["project"].branding,
                           source_date=WHEN)
    assert first == render_handout(payload, language="en", branding=run["project"].branding,
                                   source_date=WHEN)
    assert '<html lang="en">' in first
    assert "The key message" in first
    assert htmlcheck.check_report(first, edition="partner", language="en") == []


def test_a_notebook_without_the_digest_output_is_refused():
    import nbformat

    with pytest.raises(SlidesError,
                       match=re.escape("no application/vnd.transfer-evaluation.report.digest")):
        render_handout(nbformat.v4.new_notebook(), language="de", branding={}, source_date=WHEN)
