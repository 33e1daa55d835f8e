"""How notebooks run: executors, warm kernels, the batch and Dask.

``executors``        :class:`Executor`, the papermill executor (a fresh kernel per notebook)
``warm``, ``warm_kernel``   one warm kernel per worker, reset after every notebook
``distributed``      the same batch on a Dask cluster
``factory``          :func:`make_executor` by name
``batch``            :class:`Task`, :func:`run_batch`, :class:`WorkerPool`
``notebook_params``  parameters checked against a notebook's typed parameters cell
``startup``          process start-up settings of our own processes

Knows nothing of surveys or reports. Layer: above the foundation.
"""

from __future__ import annotations

from evaluation.execution.batch import (
    Task,
    TaskResult,
    WorkerPool,
    run_batch,
)
from evaluation.execution.distributed import (
    DaskExecutor,
    WarmKernelPlugin,
)
from evaluation.execution.executors import (
    Executor,
    PapermillExecutor,
)
from evaluation.execution.factory import (
    make_executor,
)
from evaluation.execution.notebook_params import (
    check_parameters,
)
from evaluation.execution.startup import (
    avoid_slow_imports,
)
from evaluation.execution.warm import (
    WARM_ENGINE,
    WarmKernelExecutor,
)

__all__ = [
    "WARM_ENGINE",
    "DaskExecutor",
    "Executor",
    "PapermillExecutor",
    "Task",
    "TaskResult",
    "WarmKernelExecutor",
    "WarmKernelPlugin",
    "WorkerPool",
    "avoid_slow_imports",
    "check_parameters",
    "make_executor",
    "run_batch",
]
