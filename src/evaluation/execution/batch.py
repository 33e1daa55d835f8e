"""Running a batch of notebook tasks on worker processes, each holding one executor.

:func:`run_batch` runs a list of :class:`Task` objects and returns one :class:`TaskResult`
per task, in task order; a failed task never stops the others. Local batches run on a
:class:`WorkerPool`: ``jobs`` processes started with ``spawn``, each given the executor once
at start-up and closing it when the pool ends. A pool can be started before the batch is
known (:func:`evaluation.pipeline.run_pipeline` starts it while it computes the statistics),
so that worker start-up, kernel start and imports overlap with that work. An executor that
schedules a batch itself (it has ``run_tasks(tasks, progress=...)``, like
:class:`evaluation.execution.distributed.DaskExecutor`) is handed the whole batch instead.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from evaluation.execution.executors import Executor, NotebookExecutionError, error_summary
from evaluation.execution.startup import avoid_slow_imports

if TYPE_CHECKING:
    import nbformat

__all__ = ["Task", "TaskResult", "WorkerPool", "run_batch"]

log = logging.getLogger("evaluation")


@dataclass(frozen=True, kw_only=True)
class Task:
    """One notebook run of a batch.

    ``finish(nb, task)`` runs in the worker right after execution (render, write files) and
    its return value becomes :attr:`TaskResult.value`; it must be a module-level function so
    that it can be sent to a worker process. Without it the executed notebook is returned.
    Worker pools start tasks of higher ``priority`` first (give long tasks a higher one, so
    that no worker waits for them at the end); results keep the order of the task list.
    """

    key: str
    notebook: Path
    params: Mapping[str, Any] = field(default_factory=dict)
    cwd: Path = field(default_factory=Path.cwd)
    finish: Callable[[nbformat.NotebookNode, Task], Any] | None = None
    priority: int = 0


@dataclass(frozen=True, kw_only=True)
class TaskResult:
    """What became of one task: ``ok`` with a value, or failed with a short ``error``."""

    key: str
    ok: bool
    value: Any = None
    error: str | None = None
    detail: str | None = None
    seconds: float = 0.0


def run_task(task: Task, executor: Executor) -> TaskResult:
    start = time.perf_counter()
    try:
        nb = executor.execute(task.notebook, task.params, cwd=task.cwd)
        value = task.finish(nb, task) if task.finish is not None else nb
    except Exception as exc:  # a failed site never stops the batch
        if isinstance(exc, NotebookExecutionError):
            summary, detail = exc.summary, exc.detail
        else:
            summary, detail, _ = error_summary(exc)
        log.warning("task %s failed: %s", task.key, summary)
        return TaskResult(key=task.key, ok=False, error=summary, detail=detail,
                          seconds=time.perf_counter() - start)
    seconds = time.perf_counter() - start
    log.debug("task %s done in %.2f s", task.key, seconds)
    return TaskResult(key=task.key, ok=True, value=value, seconds=seconds)


_worker_executor: Executor | None = None


def _init_worker(executor: Executor, notebooks: tuple[str, ...],
                 modules: tuple[str, ...]) -> None:
    """Worker start-up: keep the executor, import ``modules``, warm the executor up."""
    global _worker_executor
    from multiprocessing import util

    avoid_slow_imports()
    _worker_executor = executor
    # worker processes end with os._exit, which skips atexit; multiprocessing's own
    # finalizers do run when the pool shuts its workers down
    util.Finalize(None, executor.close, exitpriority=10)
    for name in modules:
        importlib.import_module(name)
    warm_up = getattr(executor, "warm_up", None)
    if callable(warm_up):
        try:
            warm_up([Path(p) for p in notebooks])
        except Exception as exc:  # the first task starts the executor again and reports
            log.warning("worker warm-up failed: %s", exc)


def _started() -> int:
    return os.getpid()


def _run_in_worker(task: Task) -> TaskResult:
    if _worker_executor is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker process has no executor")
    return run_task(task, _worker_executor)


class WorkerPool:
    """``jobs`` worker processes, each with one executor, started when the pool is made.

    Parameters
    ----------
    executor : Executor
        Sent to every worker process once, at its start (it must be picklable). With
        ``jobs == 1`` it runs the tasks in this process.
    jobs : int, optional
        Worker processes; default: the number of CPU cores.
    warm_up : sequence of Path
        Notebooks the tasks will run; an executor with a ``warm_up(notebooks)`` method
        prepares for them at worker start (a warm kernel starts and imports what they
        import).
    modules : sequence of str
        Modules every worker imports at start (e.g. the module of the tasks' ``finish``).

    The pool is a context manager; :meth:`close` waits for the workers to end and closes
    the executors.
    """

    def __init__(self, executor: Executor, jobs: int | None = None, *,
                 warm_up: Sequence[str | os.PathLike[str]] = (),
                 modules: Sequence[str] = ()) -> None:
        if jobs is None:
            jobs = os.cpu_count() or 1
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.executor = executor
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        if jobs > 1:
            context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
            self._pool = ProcessPoolExecutor(
                max_workers=jobs, mp_context=context, initializer=_init_worker,
                initargs=(executor, tuple(str(p) for p in warm_up), tuple(modules)))
            for _ in range(jobs):  # no idle worker yet: every submit spawns one now
                self._pool.submit(_started)

    def run(self, tasks: Sequence[Task], *, progress: bool | None = None
            ) -> list[TaskResult]:
        """Run ``tasks``; one result per task, in task order (see :func:`run_batch`)."""
        tasks = _unique(tasks)
        results: list[TaskResult | None] = [None] * len(tasks)
        order = sorted(range(len(tasks)), key=lambda i: -tasks[i].priority)  # stable
        with progress_bar(len(tasks), progress) as bar:
            if self._pool is None:
                for i in order:
                    results[i] = run_task(tasks[i], self.executor)
                    bar.update(1)
                return [r for r in results if r is not None]
            futures: dict[Future[TaskResult], int] = {}
            for i in order:
                try:
                    futures[self._pool.submit(_run_in_worker, tasks[i])] = i
                except BrokenProcessPool:  # a worker died (e.g. out of memory) before
                    results[i] = TaskResult(key=tasks[i].key, ok=False,
                                            error="worker process died before the task "
                                                  "started")
                    bar.update(1)
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
                        summary, detail, _ = error_summary(exc)
                        results[i] = TaskResult(key=tasks[i].key, ok=False, error=summary,
                                                detail=detail)
                    bar.update(1)
        return [r for r in results if r is not None]

    def close(self) -> None:
        """End the workers (their executors close) or close the in-process executor."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        else:
            self.executor.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def _unique(tasks: Sequence[Task]) -> list[Task]:
    tasks = list(tasks)
    keys = [t.key for t in tasks]
    if len(set(keys)) != len(keys):
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"task keys must be unique; repeated: {', '.join(duplicates)}")
    return tasks


def progress_bar(total: int, progress: bool | None) -> Any:
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
    tasks = _unique(tasks)
    run_tasks = getattr(executor, "run_tasks", None)
    if callable(run_tasks):  # schedules the batch itself (e.g. on a Dask cluster); no jobs
        return list(run_tasks(tasks, progress=progress))
    if jobs is None:
        jobs = os.cpu_count() or 1
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    with WorkerPool(executor, min(jobs, max(len(tasks), 1))) as pool:
        return pool.run(tasks, progress=progress)
