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

import lazy_loader

# Names load from their module on first use (SPEC 1): importing the package costs nothing,
# and a report kernel never imports an estimator it does not call.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "batch": [
            "Task", "TaskResult", "WorkerPool", "run_batch",
        ],
        "distributed": [
            "DaskExecutor", "WarmKernelPlugin",
        ],
        "executors": [
            "Executor", "PapermillExecutor",
        ],
        "factory": [
            "make_executor",
        ],
        "notebook_params": [
            "check_parameters",
        ],
        "startup": [
            "avoid_slow_imports",
        ],
        "warm": [
            "WARM_ENGINE", "WarmKernelExecutor",
        ],
    },
)
