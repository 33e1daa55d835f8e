"""The warm kernel: the same reports as a fresh kernel per notebook, nothing carried over.

Equivalence is checked on the rendered HTML, byte for byte, against PapermillExecutor (a new
kernel per notebook). The leak probe (tests/data/notebooks/leak/site.ipynb) prints what an
earlier notebook could have left behind and then leaves exactly such traces itself: globals,
an attribute and a function of an evaluation module, matplotlib rcParams, pandas and numpy
options, an environment variable, a file and a module in its folder, a sys.path entry, a
logging handler, warning filters, an IPython callback and display formatter.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from evaluation.errors import ExecutorError, ParameterError
from evaluation.execution import Task, make_executor, run_batch
from evaluation.execution.executors import NotebookExecutionError, PapermillExecutor
from evaluation.execution.warm import WarmKernelExecutor, _notebook_imports
from evaluation.render import render_html
from evaluation.results import Results, save_results
from tests.conftest import ROOT

NOTEBOOKS = ROOT / "tests" / "data" / "notebooks"
HELLO = NOTEBOOKS / "hello.ipynb"
LEAK = NOTEBOOKS / "leak" / "site.ipynb"
STANDIN = NOTEBOOKS / "pipeline"
REAL = ROOT / "notebooks"
SOURCE_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
kernel_file = re.compile(r"ipykernel_\d+")


def report(nb, edition: str = "evaluator") -> str:
    return render_html(nb, edition=edition, language="de", branding={"project_name": "Test"},
                       source_date=SOURCE_DATE)


@pytest.fixture(scope="module")
def warm():
    executor = WarmKernelExecutor(timeout=60)
    yield executor
    executor.close()


@pytest.fixture(scope="module")
def standin_folder(tmp_path_factory) -> Path:
    """A folder with a small run folder ``_run`` such as the stand-in notebooks load."""
    folder = tmp_path_factory.mktemp("standin")
    counts = pd.DataFrame({"site": ["K01", "K02", "K03"], "wave": ["w3"] * 3, "n": [12, 7, 9],
                           "invited": [20, 20, 20], "response_rate": [0.6, 0.35, 0.45]})
    save_results(Results(meta={}, tables={"counts": counts}), folder / "_run", key={})
    return folder


def leak_folder(base: Path, name: str, helper: str) -> Path:
    folder = base / name
    folder.mkdir()
    (folder / "site_helper.py").write_text(f"NAME = {helper!r}\n", encoding="utf-8")
    return folder


# ---------------------------------------------------------------------- without a kernel


def test_a_pickled_warm_executor_keeps_its_settings_and_leaves_its_kernel_behind():
    executor = WarmKernelExecutor(timeout=5, max_tasks_per_kernel=3)
    executor._kernel = object()  # stands for a running kernel
    copy = pickle.loads(pickle.dumps(executor))
    assert copy.timeout == 5
    assert copy.max_tasks_per_kernel == 3
    assert copy._kernel is None


def test_the_imports_a_kernel_preloads_are_read_from_the_code_cells():
    imports = _notebook_imports(str(HELLO), HELLO.stat().st_mtime_ns)
    assert imports[:4] == ("base64", "html", "io", "sys")
    assert {"matplotlib", "pandas", "IPython.display", "matplotlib.figure",
            "evaluation.report.formatting"} <= set(imports)


def test_bad_parameters_fail_before_a_kernel_is_started():
    executor = WarmKernelExecutor()
    with pytest.raises(ParameterError, match="'colour'"):
        executor.execute(HELLO, {"colour": "red"}, cwd=HELLO.parent)
    assert executor.kernel_pid is None


@pytest.mark.parametrize(("kind", "expected"), [("warm", WarmKernelExecutor),
                                                ("papermill", PapermillExecutor)])
def test_executors_are_made_by_name(kind, expected):
    assert isinstance(make_executor(kind, timeout=30), expected)
    assert make_executor(kind, timeout=30).timeout == 30


def test_an_unknown_executor_or_a_dask_executor_without_scheduler_is_refused():
    with pytest.raises(ExecutorError, match="unknown executor 'fast'"):
        make_executor("fast")
    with pytest.raises(ExecutorError, match="scheduler address"):
        make_executor("dask")


# ----------------------------------------------------------------------- real kernels


@pytest.mark.slow
def test_reports_from_a_warm_kernel_are_byte_identical_to_fresh_kernel_reports(
        warm, standin_folder):
    runs = [(HELLO, {"site": "K01", "n": 3}), (STANDIN / "site_report.ipynb", {"site": "K02"}),
            (HELLO, {"site": "K02", "n": 5, "language": "en"}),
            (STANDIN / "synthesis.ipynb", {}), (STANDIN / "site_report.ipynb", {"site": "K01"}),
            (HELLO, {"site": "K01", "n": 3})]
    fresh = PapermillExecutor(timeout=60)
    for notebook, params in runs:
        ours = warm.execute(notebook, params, cwd=standin_folder)
        theirs = fresh.execute(notebook, params, cwd=standin_folder)
        assert ours.metadata.papermill.parameters == theirs.metadata.papermill.parameters
        for edition in ("partner", "evaluator"):
            assert report(ours, edition) == report(theirs, edition), (notebook.name, params)


@pytest.mark.slow
def test_a_site_run_after_another_on_the_same_kernel_sees_nothing_of_it(warm, tmp_path):
    fresh_b = PapermillExecutor(timeout=60).execute(
        LEAK, {"site": "B"}, cwd=leak_folder(tmp_path, "fresh-b", "helper of B"))
    warm.execute(LEAK, {"site": "A"}, cwd=leak_folder(tmp_path, "a", "helper of A"))
    warm_b = warm.execute(LEAK, {"site": "B"}, cwd=leak_folder(tmp_path, "b", "helper of B"))

    html = report(warm_b)
    # a warning names the cell's file, /tmp/ipykernel_<kernel pid>/<hash>.py: it differs
    # between any two kernels, fresh or warm
    assert kernel_file.sub("ipykernel_PID", html) == kernel_file.sub("ipykernel_PID",
                                                                     report(fresh_b))
    outputs = json.dumps([cell.get("outputs", []) for cell in warm_b.cells])
    for trace in ("replaced by A", "the way A likes", "written-by-A", "helper of A",
                  "callback left behind by A", "leak-added", "7.5", '\\"environment\\": \\"A',
                  '\\"global\\": \\"A', '\\"module_attribute\\": \\"A', "[0.33]",
                  "<td>0.33</td>"):
        assert trace not in outputs, trace
    assert '\\"environment\\": null' in outputs  # the probe's printout, JSON in JSON
    probe = "".join(warm_b.cells[4].outputs[0]["text"])
    assert probe == "".join(fresh_b.cells[4].outputs[0]["text"])  # execution count too
    assert '"open_figures": 0' in probe
    assert '"files_in_cwd": [\n  "site_helper.py"\n ]' in probe
    assert "a warning every report shows (B)" in html  # A's filter "ignore" is gone
    assert (tmp_path / "a" / "written-by-A.txt").exists()  # A really left its traces


@pytest.mark.slow
def test_a_kernel_crash_fails_that_task_clearly_and_the_next_task_succeeds(warm, tmp_path):
    folder = leak_folder(tmp_path, "crash", "helper")
    warm.execute(HELLO, {}, cwd=tmp_path)
    pid = warm.kernel_pid
    with pytest.raises(NotebookExecutionError) as caught:
        warm.execute(LEAK, {"site": "C", "crash": True}, cwd=folder)
    assert caught.value.summary.startswith(
        "DeadKernelError: the kernel died while running cell 8")
    assert caught.value.summary.endswith("the kernel was replaced for the next report")
    assert caught.value.cell_index == 8  # counted with the injected-parameters cell
    nb = warm.execute(HELLO, {"site": "K09"}, cwd=tmp_path)
    assert "K09" in report(nb)
    assert warm.kernel_pid not in (None, pid)


@pytest.mark.slow
def test_a_cell_over_the_time_limit_fails_its_task_and_the_kernel_is_replaced(tmp_path):
    executor = WarmKernelExecutor(timeout=3)
    try:
        executor.execute(HELLO, {}, cwd=tmp_path)
        pid = executor.kernel_pid
        with pytest.raises(NotebookExecutionError,
                           match="TimeoutError: cell 8 ran longer than the time limit of 3 s"):
            executor.execute(LEAK, {"site": "S", "sleep": 60.0},
                             cwd=leak_folder(tmp_path, "slow", "helper"))
        assert "K05" in report(executor.execute(HELLO, {"site": "K05"}, cwd=tmp_path))
        assert executor.kernel_pid not in (None, pid)
    finally:
        executor.close()


@pytest.mark.slow
def test_an_error_in_a_cell_reads_like_papermills_and_keeps_the_kernel(warm, tmp_path):
    warm.execute(HELLO, {}, cwd=tmp_path)
    pid = warm.kernel_pid
    with pytest.raises(NotebookExecutionError) as ours:
        warm.execute(HELLO, {"n": 0}, cwd=tmp_path)
    with pytest.raises(NotebookExecutionError) as theirs:
        PapermillExecutor(timeout=60).execute(HELLO, {"n": 0}, cwd=tmp_path)
    assert ours.value.summary == theirs.value.summary == "ZeroDivisionError: division by zero"
    assert ours.value.cell_index == theirs.value.cell_index
    assert warm.kernel_pid == pid


@pytest.mark.slow
def test_a_kernel_is_replaced_after_the_given_number_of_notebooks(tmp_path):
    executor = WarmKernelExecutor(max_tasks_per_kernel=2)
    try:
        pids = []
        for site in ("K01", "K02", "K03"):
            executor.execute(HELLO, {"site": site}, cwd=tmp_path)
            pids.append(executor.kernel_pid)
        assert pids[0] == pids[1] != pids[2]
    finally:
        executor.close()


def first_heading(nb, task):
    return report(nb, "partner")


@pytest.mark.slow
def test_a_batch_on_warm_worker_processes_matches_the_papermill_batch(standin_folder):
    tasks = [Task(key=f"{site}-{edition}", notebook=STANDIN / "site_report.ipynb",
                  params={"site": site, "edition": edition}, cwd=standin_folder,
                  finish=first_heading)
             for site in ("K01", "K02", "K03") for edition in ("partner", "evaluator")]
    ours = run_batch(tasks, WarmKernelExecutor(timeout=60), jobs=2, progress=False)
    theirs = run_batch(tasks, PapermillExecutor(timeout=60), jobs=2, progress=False)
    assert [(r.key, r.ok, r.value, r.error) for r in ours] == [
        (r.key, r.ok, r.value, r.error) for r in theirs]
    assert [r.ok for r in ours] == [True, True, True, True, False, False]


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    """The example project's computed results, for the real report notebooks."""
    from evaluation.config import load_project
    from evaluation.io import validate_project
    from evaluation.pipeline import RUN_DIR, cache_key, load_or_compute
    from tests.conftest import EXAMPLE

    folder = tmp_path_factory.mktemp("example")
    project = load_project(EXAMPLE)
    load_or_compute(project, validate_project(project), folder / RUN_DIR, cache_key(project))
    return folder


@pytest.mark.slow
@pytest.mark.skipif(not (REAL / "site_report.ipynb").is_file()
                    or not (REAL / "synthesis.ipynb").is_file(),
                    reason="the real report notebooks (notebooks/*.ipynb) are not written yet")
def test_the_real_report_notebooks_render_identically_on_a_warm_kernel(warm, example_run):
    common = {"run_dir": "_run", "wave": "w3", "language": "de"}
    runs = [(REAL / "site_report.ipynb", {**common, "site": site, "edition": edition})
            for site, edition in [("K01", "partner"), ("K02", "evaluator"),
                                  ("K01", "evaluator"), ("K05", "partner")]]
    runs += [(REAL / name, common) for name in ("synthesis.ipynb", "digest.ipynb")
             if (REAL / name).is_file()]
    fresh = PapermillExecutor(timeout=300)
    charts = example_run / "_run" / "charts"
    for notebook, params in runs:
        shutil.rmtree(charts, ignore_errors=True)  # each kernel draws its own charts
        ours = warm.execute(notebook, params, cwd=example_run)
        shutil.rmtree(charts, ignore_errors=True)
        theirs = fresh.execute(notebook, params, cwd=example_run)
        edition = params.get("edition", "evaluator")
        assert report(ours, edition) == report(theirs, edition), params


@pytest.mark.slow
def test_a_warmed_up_kernel_renders_its_first_report_as_a_fresh_kernel(example_run):
    notebooks = [REAL / "site_report.ipynb", REAL / "synthesis.ipynb", REAL / "digest.ipynb",
                 REAL / "missing.ipynb"]  # a missing notebook is skipped, not fatal
    warmed = WarmKernelExecutor(timeout=300)
    try:
        warmed.warm_up(notebooks)
        params = {"run_dir": "_run", "site": "K03", "wave": "w3", "edition": "evaluator",
                  "language": "de"}
        charts = example_run / "_run" / "charts"
        shutil.rmtree(charts, ignore_errors=True)
        ours = warmed.execute(REAL / "site_report.ipynb", params, cwd=example_run)
        shutil.rmtree(charts, ignore_errors=True)
        theirs = PapermillExecutor(timeout=300).execute(REAL / "site_report.ipynb", params,
                                                        cwd=example_run)
    finally:
        warmed.close()
    assert report(ours, "evaluator") == report(theirs, "evaluator")
