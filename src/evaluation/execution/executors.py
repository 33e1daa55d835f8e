"""Executors: run one report notebook on a kernel of *this* Python environment.

An :class:`Executor` is anything with ``execute(notebook_path, params, *, cwd)`` and
``close()``. :class:`PapermillExecutor` starts a fresh kernel per notebook;
:class:`evaluation.execution.warm.WarmKernelExecutor` keeps one kernel per worker process and
gives the same reports. Both check the parameters first
(:func:`evaluation.execution.notebook_params.check_parameters`, before any kernel starts).
:func:`evaluation.execution.factory.make_executor` builds any executor by name; batches of
notebooks run in :mod:`evaluation.execution.batch`. Import the public names from
:mod:`evaluation.execution`.

nbformat and papermill are imported only when a notebook runs, so that a worker process can
prepare itself (:func:`evaluation.execution.startup.avoid_slow_imports`) before they load.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from evaluation.errors import NotebookExecutionError
from evaluation.execution.notebook_params import check_parameters

if TYPE_CHECKING:
    import nbformat

__all__ = [
    "Executor",
    "PapermillExecutor",
]

log = logging.getLogger("evaluation")

KERNEL_NAME = "python3"


# --------------------------------------------------------------------------------- executors


EXECUTOR_KINDS = ("warm", "papermill", "dask")


@runtime_checkable
class Executor(Protocol):
    """Runs one notebook with parameters and returns the executed notebook."""

    def execute(self, notebook_path: Path, params: Mapping[str, Any], *, cwd: Path
                ) -> nbformat.NotebookNode: ...

    def close(self) -> None: ...


@functools.lru_cache(maxsize=1)
def kernel_manager_class() -> type:
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


def error_summary(exc: BaseException) -> tuple[str, str, int | None]:
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

        Raises :class:`~evaluation.errors.ParameterError` before any kernel starts, and
        :class:`~evaluation.errors.NotebookExecutionError` (summary, detail and cell index) if a
        cell fails.
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
                start_timeout=self.start_timeout, kernel_manager_class=kernel_manager_class(),
                config=config,
            )
        except (PapermillException, RuntimeError, TimeoutError) as exc:
            summary, detail, cell = error_summary(exc)
            raise NotebookExecutionError(notebook_path, summary, detail=detail,
                                         cell_index=cell) from exc

    def close(self) -> None:
        """Nothing to release: every notebook had its own kernel."""
