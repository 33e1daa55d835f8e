"""Parameter checks before any kernel starts, the papermill executor, and the batch runner."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from evaluation.errors import EvaluationError, ParameterError
from evaluation.execution import Task, TaskResult, check_parameters, run_batch
from evaluation.execution.executors import NotebookExecutionError, PapermillExecutor

HELLO = Path(__file__).parents[1] / "data" / "notebooks" / "hello.ipynb"


def write_notebook(path: Path, parameters: str, *body: str) -> Path:
    cells = [new_code_cell(parameters, metadata={"tags": ["parameters"]})]
    cells += [new_code_cell(source) for source in body]
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.write(nb, path)
    return path


@pytest.fixture
def typed(tmp_path) -> Path:
    return write_notebook(tmp_path / "typed.ipynb", "\n".join([
        'site: str = "K01"  # site key',
        "n: int = 3  # a number",
        "share: float = 0.5  # a share",
        "draft: bool = False  # mark as draft",
        "waves: list[str] = []  # waves to compare",
        'weights: dict[str, float] = {}  # weights per factor',
        "previous: str | None = None  # previous wave",
        "limit: Optional[int] = None  # optional limit",
        'edition: Literal["partner", "evaluator"] = "partner"  # edition',
        "pair: tuple[int, int] = (1, 2)  # two numbers",
        "anything: Any = None  # free",
        "untyped = 1",
    ]))


# ------------------------------------------------------------------------ check_parameters


def test_the_hello_notebook_declares_typed_parameters():
    assert check_parameters(HELLO, {"site": "K07", "n": 5}) == {"site": "K07", "n": 5}


def test_an_unknown_parameter_is_named_with_its_value_and_the_known_parameters():
    with pytest.raises(ParameterError) as caught:
        check_parameters(HELLO, {"sitee": "K01"})
    message = str(caught.value)
    assert "unknown parameter 'sitee'" in message
    assert "'K01'" in message
    assert "site: str (site key)" in message
    assert "n: int (a number)" in message
    assert "hello.ipynb" in message


def test_an_ill_typed_parameter_names_the_value_and_the_expected_type():
    with pytest.raises(ParameterError) as caught:
        check_parameters(HELLO, {"n": "3"})
    message = str(caught.value)
    assert "parameter 'n' = '3' is a str, expected int" in message
    assert "known parameters" in message


def test_parameter_errors_belong_to_the_package_exception_tree():
    with pytest.raises(EvaluationError):
        check_parameters(HELLO, {"n": 1.5})
    with pytest.raises(TypeError):
        check_parameters(HELLO, {"n": 1.5})


@pytest.mark.parametrize(
    "params",
    [
        {"site": "K02", "n": 0, "share": 1, "draft": True},
        {"waves": ["w1", "w2"], "weights": {"trust": 1.0, "benefit": 2}},
        {"previous": None, "limit": None},
        {"previous": "w1", "limit": 3},
        {"edition": "evaluator", "pair": [3, 4], "anything": {"x": [1]}},
    ],
)
def test_values_of_the_declared_types_pass(typed, params):
    assert set(check_parameters(typed, params)) == set(params)


def test_an_int_for_a_float_parameter_becomes_a_float(typed):
    checked = check_parameters(typed, {"share": 1})
    assert checked["share"] == 1.0
    assert isinstance(checked["share"], float)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"n": True}, "expected int"),  # a bool is not a number here
        ({"share": "0.5"}, "expected float"),
        ({"draft": 1}, "expected bool"),
        ({"waves": ["w1", 2]}, "expected list[str]"),
        ({"weights": {"trust": "high"}}, "expected dict[str, float]"),
        ({"previous": 3}, "expected str | None"),
        ({"limit": "3"}, "expected Optional[int]"),
        ({"edition": "public"}, "expected Literal"),
        ({"pair": [1, 2, 3]}, "expected tuple[int, int]"),
        ({"site": None}, "expected str"),
    ],
)
def test_values_of_other_types_are_refused(typed, params, expected):
    with pytest.raises(ParameterError, match=expected.replace("[", r"\[").replace("|", r"\|")):
        check_parameters(typed, params)


def test_a_parameter_without_a_type_annotation_cannot_be_set(typed):
    with pytest.raises(ParameterError, match="'untyped' has no type annotation"):
        check_parameters(typed, {"untyped": 2})


def test_an_annotation_that_cannot_be_checked_is_reported(tmp_path):
    path = write_notebook(tmp_path / "odd.ipynb", "when: datetime = None  # a date")
    with pytest.raises(ParameterError, match="unsupported type 'datetime'"):
        check_parameters(path, {"when": "2025-01-01"})


def test_a_missing_notebook_is_a_parameter_error(tmp_path):
    with pytest.raises(ParameterError, match="notebook not found"):
        check_parameters(tmp_path / "nope.ipynb", {})


def test_bad_parameters_fail_before_any_kernel_starts(monkeypatch):
    import papermill

    def no_kernel(*args, **kwargs):
        raise AssertionError("papermill.execute_notebook must not be called")

    monkeypatch.setattr(papermill, "execute_notebook", no_kernel)
    with pytest.raises(ParameterError, match="'colour'"):
        PapermillExecutor().execute(HELLO, {"colour": "red"}, cwd=HELLO.parent)
    with pytest.raises(ParameterError, match="'n'"):
        PapermillExecutor().execute(HELLO, {"n": "many"}, cwd=HELLO.parent)


# ------------------------------------------------------------------------------- run_batch


@dataclass(frozen=True)
class FakeExecutor:
    """Pretends to run a notebook: fails for site 'BAD', returns a tiny notebook otherwise."""

    closed_marker: str = ""

    def execute(self, notebook_path, params, *, cwd):
        if params.get("site") == "BAD":
            raise ValueError(f"no data for site {params['site']}")
        nb = new_notebook()
        nb.metadata["site"] = params["site"]
        return nb

    def close(self):
        if self.closed_marker:
            Path(self.closed_marker).write_text("closed")


def site_of(nb, task):
    """A finishing step: what a worker would render and write."""
    return f"{task.key}:{nb.metadata['site']}"


def crash_on_finish(nb, task):
    raise RuntimeError("writing failed")


def _tasks(sites, finish=site_of):
    return [Task(key=f"{s}-w1", notebook=HELLO, params={"site": s}, cwd=HELLO.parent,
                 finish=finish) for s in sites]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_task_does_not_stop_the_others_and_results_keep_task_order(jobs):
    results = run_batch(_tasks(["K01", "BAD", "K03", "K04"]), FakeExecutor(), jobs=jobs,
                        progress=False)
    assert [r.key for r in results] == ["K01-w1", "BAD-w1", "K03-w1", "K04-w1"]
    assert [r.ok for r in results] == [True, False, True, True]
    assert results[0].value == "K01-w1:K01"
    assert results[1].error == "ValueError: no data for site BAD"
    assert "Traceback" in results[1].detail
    assert all(isinstance(r, TaskResult) and r.seconds >= 0 for r in results)


def test_an_error_in_the_finishing_step_fails_only_that_task():
    tasks = [*_tasks(["K01"]), *_tasks(["K02"], finish=crash_on_finish)]
    results = run_batch(tasks, FakeExecutor(), jobs=1, progress=False)
    assert [r.ok for r in results] == [True, False]
    assert results[1].error == "RuntimeError: writing failed"


def test_without_a_finishing_step_the_executed_notebook_is_returned():
    (result,) = run_batch(_tasks(["K01"], finish=None), FakeExecutor(), jobs=1,
                          progress=False)
    assert result.value.metadata["site"] == "K01"


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_executor_is_closed_when_the_batch_ends(tmp_path, jobs):
    marker = tmp_path / "closed.txt"
    run_batch(_tasks(["K01", "K02"]), FakeExecutor(str(marker)), jobs=jobs, progress=False)
    assert marker.read_text() == "closed"


def test_task_keys_must_be_unique():
    with pytest.raises(ValueError, match="K01-w1"):
        run_batch(_tasks(["K01", "K01"]), FakeExecutor(), jobs=1, progress=False)


def test_the_progress_bar_goes_to_stderr_when_asked(capsys):
    run_batch(_tasks(["K01", "K02"]), FakeExecutor(), jobs=1, progress=True)
    captured = capsys.readouterr()
    assert "2/2" in captured.err
    assert captured.out == ""


def test_no_progress_bar_is_drawn_when_stderr_is_not_a_terminal(capsys):
    run_batch(_tasks(["K01", "K02"]), FakeExecutor(), jobs=1)
    assert "2/2" not in capsys.readouterr().err


# --------------------------------------------------------------------- real kernels (slow)


@pytest.mark.slow
def test_the_kernel_runs_on_this_environments_python(tmp_path):
    path = write_notebook(tmp_path / "which.ipynb", 'label: str = "x"  # label',
                          "import sys\nprint(sys.executable)")
    nb = PapermillExecutor().execute(path, {"label": "y"}, cwd=tmp_path)
    printed = nb.cells[-1].outputs[0]["text"].strip()
    assert Path(printed).resolve() == Path(sys.executable).resolve()
    assert nb.metadata.papermill.parameters == {"label": "y"}


@pytest.mark.slow
def test_the_notebook_runs_in_the_given_working_directory(tmp_path):
    (tmp_path / "input.txt").write_text("aus dem Ordner")
    path = write_notebook(tmp_path / "cwd.ipynb", 'label: str = "x"  # label',
                          "print(open('input.txt').read())")
    nb = PapermillExecutor().execute(path, {}, cwd=tmp_path)
    assert nb.cells[-1].outputs[0]["text"].strip() == "aus dem Ordner"


@pytest.mark.slow
def test_an_error_in_a_cell_names_the_error_and_the_cell(tmp_path):
    with pytest.raises(NotebookExecutionError) as caught:
        PapermillExecutor().execute(HELLO, {"n": 0}, cwd=tmp_path)  # divides by n
    error = caught.value
    assert error.summary == "ZeroDivisionError: division by zero"
    assert error.cell_index is not None
    assert "hello.ipynb" in str(error)


@pytest.mark.slow
def test_the_kernel_log_receives_the_kernel_processes_own_output(tmp_path):
    log = tmp_path / "kernel.log"
    PapermillExecutor(kernel_log=log).execute(HELLO, {}, cwd=tmp_path)
    assert log.exists()  # may be empty; it must not reach the terminal


@pytest.mark.slow
def test_a_real_batch_isolates_a_failing_site(tmp_path):
    tasks = [Task(key=key, notebook=HELLO, params=params, cwd=tmp_path, finish=site_title)
             for key, params in [("K01", {"site": "K01"}), ("K02", {"site": "K02", "n": 0}),
                                 ("K03", {"site": "K03", "n": "x"})]]
    results = run_batch(tasks, PapermillExecutor(), jobs=2, progress=False)
    assert [r.ok for r in results] == [True, False, False]
    assert results[0].value == "K01"
    assert results[1].error == "ZeroDivisionError: division by zero"
    assert "parameter 'n' = 'x'" in results[2].error


def site_title(nb, task):
    return nb.metadata.papermill.parameters["site"]


def test_help_texts_are_read_from_comments_not_from_strings(tmp_path):
    path = write_notebook(tmp_path / "colour.ipynb",
                          'colour: str = "#1f5f8b"  # brand colour\nlevel: str | None = None')
    with pytest.raises(ParameterError) as caught:
        check_parameters(path, {"nope": 1})
    assert "colour: str (brand colour)" in str(caught.value)
    assert "level: str | None;" in str(caught.value) or str(caught.value).endswith(
        "level: str | None")
