"""Building an executor by name: ``warm`` (default), ``papermill`` or ``dask``.

Kept apart from :mod:`evaluation.execution.executors` because it knows every kind of
executor, and the warm and Dask executors build on the executors module.
"""

from __future__ import annotations

from typing import Any

from evaluation.errors import ExecutorError
from evaluation.execution.executors import EXECUTOR_KINDS, Executor, PapermillExecutor
from evaluation.execution.warm import WarmKernelExecutor

__all__ = ["make_executor"]


def make_executor(kind: str = "warm", *, scheduler: str | None = None, **options: Any
                  ) -> Executor:
    """The executor called ``kind``.

    ``warm`` (default)
        :class:`evaluation.execution.warm.WarmKernelExecutor`: one kernel per worker process,
        reset between notebooks; the reports are byte-identical to ``papermill``'s.
    ``papermill``
        :class:`PapermillExecutor`: a new kernel for every notebook.
    ``dask``
        :class:`evaluation.execution.distributed.DaskExecutor` on the Dask scheduler at
        ``scheduler`` (e.g. ``tcp://10.0.0.5:8786``); every Dask worker thread keeps a warm
        kernel.

    ``options`` go to the (worker) executor, e.g. ``timeout=300`` or ``kernel_log=path``.
    A ``scheduler`` given with ``kind="warm"`` selects ``dask``.
    """
    if kind == "warm" and scheduler:
        kind = "dask"
    if kind == "papermill":
        return PapermillExecutor(**options)
    if kind == "warm":
        return WarmKernelExecutor(**options)
    if kind == "dask":
        if not scheduler:
            raise ExecutorError("the dask executor needs a scheduler address, e.g. "
                                "tcp://10.0.0.5:8786 (`scheduler:` in the project file)")
        from evaluation.execution.distributed import DaskExecutor
        return DaskExecutor(scheduler=scheduler, worker_executor=WarmKernelExecutor(**options))
    raise ExecutorError(f"unknown executor {kind!r}; expected one of {', '.join(EXECUTOR_KINDS)}")
