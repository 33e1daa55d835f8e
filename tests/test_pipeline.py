"""The batch: compute once, render many, isolate failures, reproduce byte for byte.

These tests run real kernels on stand-in notebooks (tests/data/notebooks/pipeline), which load
the computed results like the real report notebooks do and fail on purpose for site K03.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from evaluation.errors import ParameterError
from evaluation.pipeline import run_pipeline
from tests.conftest import EXAMPLE, ROOT

STANDIN = ROOT / "tests" / "data" / "notebooks" / "pipeline"
DIRTY = ROOT / "surveys" / "example-dirty"

pytestmark = pytest.mark.slow


class RecordingExecutor:
    """An executor that must never be called (parameters are checked before kernels)."""

    def __init__(self) -> None:
        self.calls = 0

    def execute(self, notebook_path, params, *, cwd):
        self.calls += 1
        raise AssertionError("a kernel was started")

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    """Stand-in site and synthesis notebooks beside the real digest notebook."""
    folder = tmp_path_factory.mktemp("notebooks")
    for path in STANDIN.glob("*.ipynb"):
        shutil.copy(path, folder / path.name)
    shutil.copy(ROOT / "notebooks" / "digest.ipynb", folder / "digest.ipynb")
    return folder


@pytest.fixture(scope="module")
def batch(tmp_path_factory, notebooks):
    out = tmp_path_factory.mktemp("batch") / "example"
    summary = run_pipeline(EXAMPLE, out, jobs=2, notebooks=notebooks, progress=False)
    return out, summary


def _html_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes()
            for p in sorted(out.rglob("*.html"))}


def test_a_failing_site_gets_a_failure_page_and_the_batch_goes_on(batch):
    out, summary = batch
    assert sorted(f.key for f in summary.failures) == ["evaluator/K03", "partner/K03"]
    assert "planted failure for K03" in summary.failures[0].error
    page = (out / "partner" / "K03.html").read_text(encoding="utf-8")
    assert "konnte nicht erstellt werden" in page
    assert "Traceback" not in page
    assert not summary.ok
    written = _html_files(out)
    assert len([k for k in written if k.startswith("partner/")]) == 18
    assert len([k for k in written if k.startswith("evaluator/")]) == 18
    assert "synthesis.html" in written
    assert "digest/slides.html" in written
    assert "digest/handout.html" in written


def test_the_index_links_every_report_and_names_the_failures(batch):
    out, _ = batch
    index = (out / "index.html").read_text(encoding="utf-8")
    for site in ("K01", "K18"):
        assert f'href="partner/{site}.html"' in index
        assert f'href="evaluator/{site}.html"' in index
    assert 'href="synthesis.html"' in index
    assert 'href="digest/slides.html"' in index
    assert "Fehlgeschlagen" in index
    assert "partner/K03" in index
    assert "Synthetische Daten" in index


def test_the_manifest_records_data_hash_parameters_versions_and_every_output(batch):
    out, _ = batch
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["data_sha256"]) == 64
    assert manifest["parameters"]["wave"] == "w3"
    assert "pandas" in manifest["versions"]
    pages = {k for k, v in manifest["outputs"].items() if v["format"] == "html"}
    assert len(pages) == 40  # 36 site reports, synthesis, slides, handout, data dictionary
    workbooks = {k for k, v in manifest["outputs"].items() if v["format"] == "xlsx"}
    assert len(workbooks) == 19  # the example's default format: one per site, the team's
    assert manifest["outputs"]["partner/K03"]["failed"] is True
    assert manifest["pool"]["sites"] == 18


def test_a_rerun_with_unchanged_inputs_reuses_results_and_gives_identical_bytes(
        batch, notebooks):
    out, first = batch
    assert not first.reused_results
    before = _html_files(out)
    books = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.xlsx"))}
    manifest_before = (out / "manifest.json").read_bytes()
    again = run_pipeline(EXAMPLE, out, jobs=2, notebooks=notebooks, progress=False)
    assert again.reused_results
    assert _html_files(out) == before
    assert {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.xlsx"))} == books
    assert (out / "manifest.json").read_bytes() == manifest_before


def test_an_ill_typed_parameter_fails_before_any_kernel_starts(batch, notebooks, tmp_path):
    out, _ = batch
    broken = tmp_path / "notebooks"
    shutil.copytree(notebooks, broken)
    nb = nbformat.read(broken / "site_report.ipynb", as_version=4)
    nb.cells[0].source = nb.cells[0].source.replace('site: str = "K01"', "site: int = 1")
    nbformat.write(nb, broken / "site_report.ipynb")
    executor = RecordingExecutor()
    with pytest.raises(ParameterError, match="site"):
        run_pipeline(EXAMPLE, out, jobs=1, notebooks=broken, executor=executor,
                     progress=False)
    assert executor.calls == 0


def test_a_project_with_data_errors_writes_nothing(tmp_path, notebooks):
    out = tmp_path / "dirty"
    summary = run_pipeline(DIRTY, out, jobs=1, notebooks=notebooks, progress=False)
    assert not summary.ok
    assert len(summary.validation.errors) == 14
    assert not out.exists()
