"""Running report notebooks: parameter checks, a swappable executor, and a parallel batch.

The script of one report run: check the parameters against the notebook's typed parameters
cell (before any kernel starts), execute the notebook on a kernel of *this* Python environment,
and hand the executed notebook to a finishing step (rendering, writing) in the same worker.

An :class:`Executor` is anything with ``execute(notebook_path, params, *, cwd)`` and
``close()``. :class:`PapermillExecutor` starts a fresh kernel per notebook;
:class:`evaluation.warm.WarmKernelExecutor` keeps one kernel per worker process and gives the
same reports. :func:`run_batch` hands every worker process one executor at start-up and
closes it when the pool ends; an executor that schedules a batch itself (it has
``run_tasks(tasks, progress=...)``, like :class:`evaluation.distributed.DaskExecutor`) is
handed the whole batch. :func:`make_executor` builds any of them by name.

Parameters cells follow papermill's self-documenting form, one parameter per line::

    site: str = "K01"  # site key
    n: int = 3  # a number

Types understood: ``str``, ``int``, ``float`` (an int is accepted and converted), ``bool``,
``None``, ``list``, ``dict``, ``tuple``, ``list[T]``, ``dict[K, V]``, ``tuple[T, ...]``,
``T | None``, ``Optional[T]``, ``Union[...]``, ``Literal[...]`` and ``Any``.
"""

from __future__ import annotations

import ast
import functools
import io
import logging
import multiprocessing
import os
import sys
import time
import tokenize
import traceback
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import nbformat

from evaluation.errors import EvaluationError, ParameterError

__all__ = [
    "Executor",
    "ExecutorError",
    "NotebookExecutionError",
    "PapermillExecutor",
    "Task",
    "TaskResult",
    "check_parameters",
    "make_executor",
    "run_batch",
]

log = logging.getLogger("evaluation")

KERNEL_NAME = "python3"


class NotebookExecutionError(EvaluationError, RuntimeError):
    """A notebook raised an error while it ran; ``summary`` is one line, ``detail`` the rest."""

    def __init__(self, notebook: str | os.PathLike[str], summary: str, *, detail: str = "",
                 cell_index: int | None = None) -> None:
        self.notebook = str(notebook)
        self.summary = summary
        self.detail = detail
        self.cell_index = cell_index
        where = f" in cell {cell_index}" if cell_index is not None else ""
        super().__init__(f"{self.notebook}{where}: {summary}")


# --------------------------------------------------------------------------- parameter checks

_ATOMS: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "float": (float, int), "bool": (bool,),
    "list": (list,), "dict": (dict,), "tuple": (tuple, list),
}
_KNOWN_NAMES = (*_ATOMS, "None", "Any", "object", "Optional", "Union", "Literal",
                "List", "Dict", "Tuple")


class _TypeSpecError(ValueError):
    pass


def _parse_type(text: str) -> ast.expr:
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise _TypeSpecError(f"cannot read the type annotation {text!r}") from exc


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # typing.Optional, t.Literal
        return node.attr
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    raise _TypeSpecError(f"unsupported type expression {ast.unparse(node)!r}")


def _conforms(value: Any, node: ast.expr) -> bool:
    """Whether ``value`` matches the annotation ``node``; raises _TypeSpecError if unknown."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _conforms(value, node.left) or _conforms(value, node.right)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # "str" forward ref
        return _conforms(value, _parse_type(node.value))
    if isinstance(node, ast.Subscript):
        outer = _name(node.value)
        args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if outer == "Optional":
            return value is None or _conforms(value, args[0])
        if outer == "Union":
            return any(_conforms(value, a) for a in args)
        if outer == "Literal":
            allowed = [ast.literal_eval(a) for a in args]
            return any(value == a and type(value) is type(a) for a in allowed)
        if outer in ("list", "List"):
            return isinstance(value, list) and all(_conforms(v, args[0]) for v in value)
        if outer in ("dict", "Dict"):
            key_t, value_t = (args + [ast.Name("Any")])[:2]
            return isinstance(value, dict) and all(
                _conforms(k, key_t) and _conforms(v, value_t) for k, v in value.items())
        if outer in ("tuple", "Tuple"):
            if not isinstance(value, tuple | list):
                return False
            if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is ...:
                return all(_conforms(v, args[0]) for v in value)
            return len(value) == len(args) and all(
                _conforms(v, a) for v, a in zip(value, args, strict=True))
        raise _TypeSpecError(f"unsupported type {ast.unparse(node)!r}")
    name = _name(node)
    if name in ("Any", "object"):
        return True
    if name == "None":
        return value is None
    if name in ("List", "Dict", "Tuple"):
        name = name.lower()
    if name not in _ATOMS:
        raise _TypeSpecError(f"unsupported type {name!r}; use one of {', '.join(_KNOWN_NAMES)}")
    if isinstance(value, bool) and name in ("int", "float"):
        return False  # True is an int to Python, not to a reader of a report parameter
    return isinstance(value, _ATOMS[name])


def _coerce(value: Any, node: ast.expr) -> Any:
    """Convert ints given for a plain ``float`` parameter; everything else stays."""
    if isinstance(node, ast.Name) and node.id == "float" and isinstance(value, int):
        return float(value)
    if isinstance(node, ast.BinOp) and isinstance(value, int) and not isinstance(value, bool):
        names = set()
        for side in (node.left, node.right):
            if isinstance(side, ast.Name):
                names.add(side.id)
        if "float" in names and "int" not in names:
            return float(value)
    return value


def _describe(spec: Mapping[str, Any]) -> str:
    text = f"{spec['name']}: {spec['inferred_type_name']}"
    if spec.get("help"):
        text += f" ({spec['help']})"
    return text


def _declared_parameters(path: Path, inspected: Mapping[str, Mapping[str, Any]]
                         ) -> dict[str, dict[str, Any]]:
    """papermill's view of the parameters cell, corrected from the cell's syntax tree.

    papermill's pattern reads annotations made of words, brackets and commas only, so it
    silently drops ``previous: str | None = None`` and ``Literal["a", "b"]``, and it takes a
    ``#`` inside a string default for the start of the help text. Every assignment the
    Python parser finds therefore takes its annotation from :mod:`ast` and its help from the
    comment token on its last line.
    """
    declared = {name: dict(spec) for name, spec in inspected.items()}
    nb = nbformat.read(path, as_version=4)
    cell = next((c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])),
                None)
    if cell is None:
        return declared
    source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{path}: the parameters cell is not valid Python "
                             f"(line {exc.lineno}: {exc.msg})") from None
    comments: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#").strip()
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, annotation = node.target.id, ast.unparse(node.annotation)
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1
              and isinstance(node.targets[0], ast.Name)):
            name, annotation = node.targets[0].id, "None"
        else:
            continue
        help_text = comments.get(node.end_lineno or node.lineno, "")
        spec = declared.setdefault(name, {"name": name, "default": ""})
        spec["inferred_type_name"] = annotation
        spec["help"] = help_text
    return declared


def check_parameters(notebook_path: str | os.PathLike[str], params: Mapping[str, Any]
                     ) -> dict[str, Any]:
    """Check report parameters against the notebook's typed parameters cell.

    Reads the cell tagged ``parameters`` with :func:`papermill.inspect_notebook` (no kernel is
    started) and checks every given parameter: it must be declared there and its value must
    match the declared type.

    Returns
    -------
    dict
        The parameters to inject, with ints for ``float`` parameters converted.

    Raises
    ------
    ParameterError
        Naming the notebook, the parameter, its value, the expected type and the known
        parameters with their help texts.
    """
    import papermill

    path = Path(notebook_path)
    if not path.is_file():
        raise ParameterError(f"{path}: notebook not found")
    declared = _declared_parameters(path, papermill.inspect_notebook(str(path)))
    known = "; ".join(_describe(spec) for spec in declared.values()) or "none"
    checked: dict[str, Any] = {}
    for name, value in params.items():
        spec = declared.get(name)
        if spec is None:
            raise ParameterError(
                f"{path}: unknown parameter {name!r} (value {value!r}); "
                f"known parameters: {known}"
            )
        type_name = str(spec.get("inferred_type_name") or "None")
        if type_name == "None":  # papermill's word for "no annotation"
            raise ParameterError(
                f"{path}: parameter {name!r} has no type annotation in the notebook's "
                f"parameters cell; write it as `{name}: <type> = <default>  # <help>`"
            )
        try:
            node = _parse_type(type_name)
            ok = _conforms(value, node)
        except _TypeSpecError as exc:
            raise ParameterError(f"{path}: parameter {name!r}: {exc}") from None
        if not ok:
            raise ParameterError(
                f"{path}: parameter {name!r} = {value!r} is a {type(value).__name__}, "
                f"expected {type_name}; known parameters: {known}"
            )
        checked[name] = _coerce(value, node)
    return checked


# --------------------------------------------------------------------------------- executors


class ExecutorError(EvaluationError, ValueError):
    """An executor was asked for by an unknown name or without what it needs."""


EXECUTOR_KINDS = ("warm", "papermill", "dask")


def make_executor(kind: str = "warm", *, scheduler: str | None = None, **options: Any
                  ) -> Executor:
    """The executor called ``kind``.

    ``warm`` (default)
        :class:`evaluation.warm.WarmKernelExecutor`: one kernel per worker process, reset
        between notebooks; the reports are byte-identical to ``papermill``'s.
    ``papermill``
        :class:`PapermillExecutor`: a new kernel for every notebook.
    ``dask``
        :class:`evaluation.distributed.DaskExecutor` on the Dask scheduler at ``scheduler``
        (e.g. ``tcp://10.0.0.5:8786``); every Dask worker thread keeps a warm kernel.

    ``options`` go to the (worker) executor, e.g. ``timeout=300`` or ``kernel_log=path``.
    A ``scheduler`` given with ``kind="warm"`` selects ``dask``.
    """
    if kind == "warm" and scheduler:
        kind = "dask"
    if kind == "papermill":
        return PapermillExecutor(**options)
    if kind == "warm":
        from evaluation.warm import WarmKernelExecutor

        return WarmKernelExecutor(**options)
    if kind == "dask":
        if not scheduler:
            raise ExecutorError("the dask executor needs a scheduler address, e.g. "
                                "tcp://10.0.0.5:8786 (`scheduler:` in the project file)")
        from evaluation.distributed import DaskExecutor
        from evaluation.warm import WarmKernelExecutor

        return DaskExecutor(scheduler=scheduler, worker_executor=WarmKernelExecutor(**options))
    raise ExecutorError(f"unknown executor {kind!r}; expected one of {', '.join(EXECUTOR_KINDS)}")


@runtime_checkable
class Executor(Protocol):
    """Runs one notebook with parameters and returns the executed notebook."""

    def execute(self, notebook_path: Path, params: Mapping[str, Any], *, cwd: Path
                ) -> nbformat.NotebookNode: ...

    def close(self) -> None: ...


@functools.lru_cache(maxsize=1)
def _kernel_manager_class() -> type:
    """A kernel manager whose ``python3`` kernel is always this interpreter's ipykernel.

    A ``python3`` kernelspec found first on the Jupyter path (say, one in the user's home
    pointing at another Python) would otherwise run the notebooks with other packages. The
    spec is built in memory, so nothing is written into the environment at run time.
    """
    from ipykernel.kernelspec import RESOURCES, make_ipkernel_cmd
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from traitlets import Unicode, default

    class VenvKernelSpecManager(KernelSpecManager):  # type: ignore[misc]
        def get_kernel_spec(self, kernel_name: str, *args: Any, **kwargs: Any) -> KernelSpec:
            if kernel_name != KERNEL_NAME:
                return super().get_kernel_spec(kernel_name, *args, **kwargs)
            argv = make_ipkernel_cmd(executable=sys.executable,
                                     extra_arguments=["--HistoryManager.enabled=False"])
            return KernelSpec(
                resource_dir=RESOURCES, argv=argv, display_name="Python 3 (evaluation)",
                language="python",
                # curve: the kernel manager provisions CurveZMQ keys, so the kernel does not
                # warn about plain-text TCP
                metadata={"debugger": False, "supported_encryption": ["curve"]},
                # debugpy would print a frozen-modules warning to the kernel's stderr
                env={"PYDEVD_DISABLE_FILE_VALIDATION": "1"},
            )

    class VenvKernelManager(AsyncKernelManager):  # type: ignore[misc]
        kernel_log = Unicode(
            "", config=True,
            help="File the kernel process's own stdout and stderr are appended to; empty: "
                 "discarded (it holds only start-up chatter and the KeyboardInterrupt that "
                 "jupyter_client sends before every shutdown; cell output is not there).",
        )

        @default("kernel_spec_manager")
        def _kernel_spec_manager_default(self) -> KernelSpecManager:
            return VenvKernelSpecManager(data_dir=self.data_dir)

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            if "stdout" in kw or "stderr" in kw:
                await super()._async_launch_kernel(kernel_cmd, **kw)
                return
            if self.kernel_log:
                fd = os.open(self.kernel_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            else:
                fd = os.open(os.devnull, os.O_WRONLY)
            try:
                await super()._async_launch_kernel(kernel_cmd, stdout=fd, stderr=fd, **kw)
            finally:
                os.close(fd)  # the kernel process holds its own copy

    return VenvKernelManager


def _error_summary(exc: BaseException) -> tuple[str, str, int | None]:
    """(one-line summary, detail, cell index) of an execution failure."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        evalue = str(exc.evalue).strip().splitlines()
        summary = f"{exc.ename}: {evalue[0] if evalue else ''}".rstrip(": ")
        detail = "\n".join(exc.traceback) if exc.traceback else str(exc)
        return summary, detail, exc.cell_index
    lines = str(exc).strip().splitlines()
    summary = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return summary, "".join(traceback.format_exception(exc)), None


@dataclass(frozen=True, kw_only=True)
class PapermillExecutor:
    """Execute each notebook with papermill on a new ``python3`` kernel of this environment.

    Parameters
    ----------
    timeout : float or None
        Seconds one cell may run; ``None`` for no limit.
    start_timeout : float
        Seconds the kernel may take to start.
    kernel_log : Path, optional
        Append the kernel process's own stdout/stderr there (for debugging a kernel that
        dies); by default it is discarded. Cell outputs are always in the notebook.
    """

    timeout: float | None = 600.0
    start_timeout: float = 60.0
    kernel_name: str = KERNEL_NAME
    kernel_log: Path | None = None

    def execute(self, notebook_path: str | os.PathLike[str], params: Mapping[str, Any], *,
                cwd: str | os.PathLike[str]) -> nbformat.NotebookNode:
        """Check ``params``, run the notebook in ``cwd``, return the executed notebook.

        Raises :class:`ParameterError` before any kernel starts, and
        :class:`NotebookExecutionError` (summary, detail and cell index) if a cell fails.
        """
        import papermill
        from papermill.exceptions import PapermillException
        from traitlets.config import Config

        checked = check_parameters(notebook_path, params)
        config = Config()
        config.VenvKernelManager.kernel_log = str(self.kernel_log or "")
        try:
            return papermill.execute_notebook(
                str(notebook_path), None, parameters=checked, kernel_name=self.kernel_name,
                cwd=str(cwd), progress_bar=False, log_output=False,
                request_save_on_cell_execute=False, execution_timeout=self.timeout,
                start_timeout=self.start_timeout, kernel_manager_class=_kernel_manager_class(),
                config=config,
            )
        except (PapermillException, RuntimeError, TimeoutError) as exc:
            summary, detail, cell = _error_summary(exc)
            raise NotebookExecutionError(notebook_path, summary, detail=detail,
                                         cell_index=cell) from exc

    def close(self) -> None:
        """Nothing to release: every notebook had its own kernel."""


# ------------------------------------------------------------------------------------- batch


@dataclass(frozen=True, kw_only=True)
class Task:
    """One notebook run of a batch.

    ``finish(nb, task)`` runs in the worker right after execution (render, write files) and
    its return value becomes :attr:`TaskResult.value`; it must be a module-level function so
    that it can be sent to a worker process. Without it the executed notebook is returned.
    """

    key: str
    notebook: Path
    params: Mapping[str, Any] = field(default_factory=dict)
    cwd: Path = field(default_factory=Path.cwd)
    finish: Callable[[nbformat.NotebookNode, Task], Any] | None = None


@dataclass(frozen=True, kw_only=True)
class TaskResult:
    """What became of one task: ``ok`` with a value, or failed with a short ``error``."""

    key: str
    ok: bool
    value: Any = None
    error: str | None = None
    detail: str | None = None
    seconds: float = 0.0


def _run_task(task: Task, executor: Executor) -> TaskResult:
    start = time.perf_counter()
    try:
        nb = executor.execute(task.notebook, task.params, cwd=task.cwd)
        value = task.finish(nb, task) if task.finish is not None else nb
    except Exception as exc:  # a failed site never stops the batch
        if isinstance(exc, NotebookExecutionError):
            summary, detail = exc.summary, exc.detail
        else:
            summary, detail, _ = _error_summary(exc)
        log.warning("task %s failed: %s", task.key, summary)
        return TaskResult(key=task.key, ok=False, error=summary, detail=detail,
                          seconds=time.perf_counter() - start)
    return TaskResult(key=task.key, ok=True, value=value, seconds=time.perf_counter() - start)


_worker_executor: Executor | None = None


def _init_worker(executor: Executor) -> None:
    global _worker_executor
    from multiprocessing import util

    _worker_executor = executor
    # worker processes end with os._exit, which skips atexit; multiprocessing's own
    # finalizers do run when the pool shuts its workers down
    util.Finalize(None, executor.close, exitpriority=10)


def _run_in_worker(task: Task) -> TaskResult:
    if _worker_executor is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker process has no executor")
    return _run_task(task, _worker_executor)


def _progress_bar(total: int, progress: bool | None) -> Any:
    from tqdm import tqdm

    enabled = sys.stderr.isatty() if progress is None else progress
    return tqdm(total=total, file=sys.stderr, disable=not enabled, unit="report",
                desc="reports", dynamic_ncols=True)


def run_batch(tasks: Sequence[Task], executor: Executor, jobs: int | None = None, *,
              progress: bool | None = None) -> list[TaskResult]:
    """Run tasks on ``jobs`` worker processes; return one result per task, in task order.

    A task that fails (bad parameters, an error in the notebook, an error in ``finish``)
    gives a failed :class:`TaskResult` with a one-line summary; the other tasks go on. If a
    worker process dies, the tasks it had not finished are reported as failed.

    Parameters
    ----------
    tasks : sequence of Task
    executor : Executor
        Sent to every worker process once, at its start (it must be picklable). An executor
        with a ``run_tasks`` method (Dask) gets the whole batch instead and ``jobs`` is
        not used.
    jobs : int, optional
        Worker processes; default: the number of CPU cores, at most one per task. ``1`` runs
        the tasks in this process, one after the other.
    progress : bool, optional
        Show a tqdm bar on stderr; by default only when stderr is a terminal.
    """
    tasks = list(tasks)
    keys = [t.key for t in tasks]
    if len(set(keys)) != len(keys):
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"task keys must be unique; repeated: {', '.join(duplicates)}")
    run_tasks = getattr(executor, "run_tasks", None)
    if callable(run_tasks):  # schedules the batch itself (e.g. on a Dask cluster); no jobs
        return list(run_tasks(tasks, progress=progress))
    if jobs is None:
        jobs = os.cpu_count() or 1
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    jobs = min(jobs, max(len(tasks), 1))
    results: list[TaskResult | None] = [None] * len(tasks)
    with _progress_bar(len(tasks), progress) as bar:
        if jobs == 1:
            try:
                for i, task in enumerate(tasks):
                    results[i] = _run_task(task, executor)
                    bar.update(1)
            finally:
                executor.close()
            return [r for r in results if r is not None]
        context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                 initializer=_init_worker, initargs=(executor,)) as pool:
            futures: dict[Future[TaskResult], int] = {
                pool.submit(_run_in_worker, task): i for i, task in enumerate(tasks)
            }
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    i = futures[future]
                    try:
                        results[i] = future.result()
                    except BrokenProcessPool:
                        results[i] = TaskResult(key=tasks[i].key, ok=False,
                                                error="worker process died before the task "
                                                      "finished")
                    except Exception as exc:  # e.g. a task that cannot be pickled
                        summary, detail, _ = _error_summary(exc)
                        results[i] = TaskResult(key=tasks[i].key, ok=False, error=summary,
                                                detail=detail)
                    bar.update(1)
    return [r for r in results if r is not None]
