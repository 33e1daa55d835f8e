"""The same batch on a Dask cluster: one warm kernel per Dask worker thread.

:class:`DaskExecutor` connects to a scheduler (``Client(address)``), registers a worker
plugin that gives every worker thread its own :class:`~evaluation.execution.warm.WarmKernelExecutor`
(started on first use, shut down when the batch ends), and submits the very
:class:`~evaluation.execution.batch.Task` objects the local pool runs. Each task runs there exactly
as in a local worker process (execute, then ``finish``: render and write the report), so the
results are the same; :func:`evaluation.execution.batch.run_batch` hands it the whole batch.

The workers write the reports themselves: they must see the project's output folder and run
folder under the same paths (one machine, or a shared file system), and have this package
installed in the same version. Use ``threads_per_worker=1`` and as many workers as cores;
each thread of a worker would hold a kernel of its own.

Start a cluster, e.g.::

    dask scheduler                                 # prints tcp://HOST:8786
    dask worker tcp://HOST:8786 --nthreads 1 --nworkers 4
"""

from __future__ import annotations

import copy
import logging
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.errors import ExecutorError
from evaluation.execution.batch import Task, TaskResult, progress_bar, run_task
from evaluation.execution.executors import Executor, NotebookExecutionError, error_summary
from evaluation.execution.warm import WarmKernelExecutor

__all__ = ["DaskExecutor", "WarmKernelPlugin"]

log = logging.getLogger("evaluation")

try:  # the plugin must be a WorkerPlugin subclass; without distributed it is never used
    from distributed import WorkerPlugin as _WorkerPluginBase
except ImportError:  # pragma: no cover - the `dask` extra is not installed
    _WorkerPluginBase = object  # type: ignore[assignment,misc]


class WarmKernelPlugin(_WorkerPluginBase):  # type: ignore[misc,valid-type]
    """Holds one executor per worker thread; closes them all when the plugin is removed."""

    def __init__(self, executor: Executor, name: str) -> None:
        self.executor = executor
        self.name = name
        self._executors: dict[int, Executor] = {}
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"executor": self.executor, "name": self.name}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["executor"], state["name"])  # type: ignore[misc]

    def executor_for_this_thread(self) -> Executor:
        with self._lock:
            ident = threading.get_ident()
            if ident not in self._executors:
                self._executors[ident] = copy.copy(self.executor)  # no kernel yet
            return self._executors[ident]

    def teardown(self, worker: Any) -> None:
        with self._lock:
            executors, self._executors = list(self._executors.values()), {}
        for executor in executors:
            try:
                executor.close()
            except Exception as exc:  # pragma: no cover - best effort
                log.warning("closing an executor on %s failed: %s", worker, exc)


def _run_on_worker(task: Task, plugin_name: str) -> TaskResult:
    from distributed import get_worker

    plugin = get_worker().plugins[plugin_name]
    return run_task(task, plugin.executor_for_this_thread())


@dataclass(kw_only=True)
class DaskExecutor:
    """Run a batch on the Dask scheduler at ``scheduler`` (an address or a ``Client``).

    Parameters
    ----------
    scheduler : str or distributed.Client
        ``tcp://host:8786``, or a connected client (which is then not closed here).
    worker_executor : Executor
        What every worker thread runs the notebooks with; a warm kernel by default.
    connect_timeout : float
        Seconds to wait for the scheduler.
    """

    scheduler: Any
    worker_executor: Executor = field(default_factory=lambda: _default_worker_executor())
    connect_timeout: float = 30.0
    _client: Any = field(default=None, init=False, repr=False, compare=False)
    _own_client: bool = field(default=False, init=False, repr=False, compare=False)

    def client(self) -> Any:
        """The connected ``distributed.Client`` (connects on first use)."""
        if self._client is None:
            try:
                from distributed import Client
            except ImportError as exc:
                raise ExecutorError("running on a Dask scheduler needs the `dask` extra: "
                                    "pip install 'transfer-evaluation[dask]'") from exc
            if isinstance(self.scheduler, str):
                try:
                    self._client = Client(self.scheduler, timeout=self.connect_timeout,
                                          set_as_default=False)
                except OSError as exc:
                    raise ExecutorError(f"cannot reach the Dask scheduler at "
                                        f"{self.scheduler}: {exc}") from exc
                self._own_client = True
            else:
                self._client = self.scheduler
        return self._client

    def run_tasks(self, tasks: Sequence[Task], *, progress: bool | None = None
                  ) -> list[TaskResult]:
        """Run every task on the cluster; one result per task, in task order."""
        from distributed import as_completed

        tasks = list(tasks)
        if not tasks:
            return []
        client = self.client()
        name = f"evaluation-warm-{uuid.uuid4().hex}"
        client.register_plugin(WarmKernelPlugin(self.worker_executor, name), name=name)
        results: list[TaskResult | None] = [None] * len(tasks)
        try:
            futures = client.map(_run_on_worker, tasks, plugin_name=name, pure=False,
                                 key=[f"{name}-{i}" for i in range(len(tasks))])
            index = {future.key: i for i, future in enumerate(futures)}
            with progress_bar(len(tasks), progress) as bar:
                for future in as_completed(futures, loop=client.loop):
                    i = index[future.key]
                    try:
                        results[i] = future.result()
                    except Exception as exc:  # the worker died, or the task never arrived
                        summary, detail, _ = error_summary(exc)
                        log.warning("task %s failed on the cluster: %s", tasks[i].key, summary)
                        results[i] = TaskResult(key=tasks[i].key, ok=False, detail=detail,
                                                error=_cluster_failure(exc, summary))
                    bar.update(1)
                    future.release()
        finally:
            client.unregister_worker_plugin(name)  # shuts the workers' kernels down
        return [r for r in results if r is not None]

    def execute(self, notebook_path: str | Path, params: Mapping[str, Any], *,
                cwd: str | Path) -> Any:
        """Run one notebook on the cluster and return it (the Executor interface)."""
        task = Task(key=str(notebook_path), notebook=Path(notebook_path), params=params,
                    cwd=Path(cwd))
        (result,) = self.run_tasks([task], progress=False)
        if not result.ok:
            raise NotebookExecutionError(notebook_path, result.error or "failed",
                                         detail=result.detail or "")
        return result.value

    def close(self) -> None:
        """Disconnect from the scheduler (a client passed in stays open)."""
        client, self._client = self._client, None
        if client is not None and self._own_client:
            client.close()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_client"], state["_own_client"] = None, False
        return state


def _cluster_failure(exc: BaseException, summary: str) -> str:
    """The one line a user reads for a task the cluster could not finish."""
    if type(exc).__name__ == "KilledWorker":
        return ("the Dask worker running this report stopped before it was done (KilledWorker); "
                "the other reports are not affected; run again to make this one")
    return f"the Dask worker failed: {summary}"


def _default_worker_executor() -> Executor:
    return WarmKernelExecutor()
