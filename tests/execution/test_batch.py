"""Worker pools started ahead of the batch, their warm-up, and our processes' start-up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from evaluation.execution import Task, WorkerPool

HELLO = Path(__file__).parents[1] / "data" / "notebooks" / "hello.ipynb"


@dataclass(frozen=True)
class RecordingExecutor:
    """Writes a file per warm-up; its notebooks say which process ran them and what it had."""

    folder: str
    fail_warm_up: bool = False

    def warm_up(self, notebooks):
        if self.fail_warm_up:
            raise RuntimeError("kernel did not start")
        names = ",".join(Path(n).name for n in notebooks)
        Path(self.folder, f"warm-{os.getpid()}.txt").write_text(names)

    def execute(self, notebook_path, params, *, cwd):
        from nbformat.v4 import new_notebook  # not at import: the worker unpickles this module

        skipped = sys.modules.get("rfc3987_syntax", "absent") is None
        nb = new_notebook()
        nb.metadata.update(pid=os.getpid(), site=params["site"], skipped=skipped,
                           started=time.monotonic_ns(),
                           pipeline="evaluation.pipeline" in sys.modules)
        return nb

    def close(self):
        pass


def _tasks(sites):
    return [Task(key=s, notebook=HELLO, params={"site": s}, cwd=HELLO.parent) for s in sites]


def _wait_for(folder: Path, count: int, seconds: float = 120.0) -> list[Path]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = sorted(folder.glob("warm-*.txt"))
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"only {len(list(folder.glob('warm-*.txt')))} of {count} workers "
                         f"warmed up within {seconds} s")


def test_workers_start_and_warm_up_before_any_task_is_given(tmp_path):
    with WorkerPool(RecordingExecutor(str(tmp_path)), 2, warm_up=[HELLO],
                    modules=("evaluation.pipeline",)) as pool:
        warmed = _wait_for(tmp_path, 2)
        assert [p.read_text() for p in warmed] == ["hello.ipynb", "hello.ipynb"]
        results = pool.run(_tasks(["K01", "K02", "K03", "K04"]), progress=False)
    assert [r.key for r in results] == ["K01", "K02", "K03", "K04"]
    assert all(r.ok for r in results)
    pids = {int(p.stem.split("-")[1]) for p in warmed}
    assert {r.value.metadata["pid"] for r in results} <= pids
    # the workers imported the given modules and skipped jsonschema's slow optional import
    assert all(r.value.metadata["pipeline"] for r in results)
    assert all(r.value.metadata["skipped"] for r in results)


def test_tasks_of_higher_priority_start_first_and_results_keep_the_task_order(tmp_path):
    tasks = [Task(key=s, notebook=HELLO, params={"site": s}, cwd=HELLO.parent,
                  priority=p) for s, p in (("K01", 0), ("K02", 0), ("long", 1))]
    with WorkerPool(RecordingExecutor(str(tmp_path)), 1) as pool:  # one at a time
        results = pool.run(tasks, progress=False)
    assert [r.key for r in results] == ["K01", "K02", "long"]
    started = sorted(results, key=lambda r: r.value.metadata["started"])
    assert [r.key for r in started] == ["long", "K01", "K02"]


def test_a_failed_warm_up_does_not_fail_the_batch(tmp_path):
    with WorkerPool(RecordingExecutor(str(tmp_path), fail_warm_up=True), 2,
                    warm_up=[HELLO]) as pool:
        results = pool.run(_tasks(["K01", "K02"]), progress=False)
    assert [r.ok for r in results] == [True, True]


def test_one_job_runs_the_tasks_in_this_process(tmp_path):
    with WorkerPool(RecordingExecutor(str(tmp_path)), 1, warm_up=[HELLO]) as pool:
        (result,) = pool.run(_tasks(["K01"]), progress=False)
    assert result.value.metadata["pid"] == os.getpid()


def test_our_processes_skip_the_slow_iri_checker_and_still_validate_notebooks():
    code = (
        "import sys\n"
        "from evaluation.execution.startup import avoid_slow_imports\n"
        "avoid_slow_imports()\n"
        "import nbformat\n"
        "from nbformat.v4 import new_notebook, new_code_cell\n"
        "nbformat.validate(new_notebook(cells=[new_code_cell('1')]))\n"
        "bad = new_notebook(); bad.cells.append({'cell_type': 'code'})\n"
        "try:\n"
        "    nbformat.validate(bad)\n"
        "except nbformat.ValidationError:\n"
        "    print('invalid notebook refused')\n"
        "print(sys.modules['rfc3987_syntax'] is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[:2] == ["invalid notebook refused", "True"]
