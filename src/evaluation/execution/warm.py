"""A warm kernel per worker: report notebooks without a kernel start and imports per report.

:class:`WarmKernelExecutor` keeps one real Jupyter kernel (this environment's ipykernel) for
all the notebooks one worker runs. Each run goes through papermill exactly like
:class:`~evaluation.execution.executors.PapermillExecutor` (same parameter checks, same
``injected-parameters`` cell, same ``metadata.papermill``, same error cells), only with a
papermill engine of our own that hands nbclient the running kernel and its client instead of
starting a new one. The rendered reports are byte-identical
(``tests/execution/test_warm_executor.py``).

The script of one report run:

1. check the parameters against the notebook's parameters cell (before the kernel is used);
2. prepare the kernel: import what the notebook's code cells import (into a clean baseline,
   from a neutral folder), then move to the task's folder, reseed ``random`` and
   ``numpy.random`` from the OS, and start counting executions at 1 again;
3. execute the notebook with papermill on that kernel;
4. reset the kernel (also after a failed notebook): user namespace (``%reset -f``), working
   folder, environment variables, ``sys.path``, warning filters and once-registries,
   ``logging`` configuration, matplotlib figures and ``rcParams``, pandas options, numpy
   print and error options, every attribute of the guarded packages' modules (default:
   ``evaluation``) together with their ``lru_cache`` contents, modules imported from the
   task's folder, and IPython event callbacks and display formatters defined in the notebook.

A kernel that dies, times out, or cannot be reset is replaced by a new one; the task in
progress fails with a one-line error and the next task runs normally.

Not reset (a notebook must not rely on them; report notebooks are thin, see docs/architecture.md):
in-place changes to objects of third-party modules (a class attribute of pandas, a mutable
module global of a library), threads a notebook leaves running, and IPython configuration
changed with ``%config``. ``max_tasks_per_kernel`` bounds how long any such state can live.
"""

from __future__ import annotations

import ast
import functools
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.errors import KernelCodeError
from evaluation.execution.executors import (
    KERNEL_NAME,
    NotebookExecutionError,
    error_summary,
    kernel_manager_class,
)
from evaluation.execution.notebook_params import check_parameters

__all__ = ["WARM_ENGINE", "WarmKernelExecutor"]

log = logging.getLogger("evaluation")

#: the papermill engine name registered for warm kernels
WARM_ENGINE = "evaluation-warm"
_KERNEL_MODULE = "evaluation.execution.warm_kernel"
#: imported when a kernel starts: the libraries every report uses (settings recorded clean)
DEFAULT_PRELOAD = ("numpy", "pandas", "matplotlib", "matplotlib.figure",
                   "matplotlib.backends.backend_agg", "evaluation.results.store")


# ------------------------------------------------------------------------ the parent side


@functools.lru_cache(maxsize=1)
def _register_engine() -> str:
    """Register (once per process) a papermill engine that runs on a given kernel."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmNotebookClient(PapermillNotebookClient):  # type: ignore[misc]
        """papermill's client on a running kernel: no start, no shutdown, same client."""

        def __init__(self, nb_man: Any, *, kc: Any, **kw: Any) -> None:
            super().__init__(nb_man, **kw)
            self.kc = kc  # nbclient would otherwise open (and leak) a new client per run
            self.cell_index: int | None = None

        def execute_cell(self, cell: Any, cell_index: int, *args: Any, **kw: Any) -> Any:
            self.cell_index = cell_index
            return super().execute_cell(cell, cell_index, *args, **kw)

    class WarmEngine(NBClientEngine):  # type: ignore[misc]
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, *, km: Any, kc: Any,
                                     start_timeout: float = 60, execution_timeout: float | None
                                     = None, **kwargs: Any) -> Any:
            kwargs.pop("input_path", None)
            client = WarmNotebookClient(
                nb_man, km=km, kc=kc, timeout=execution_timeout,
                startup_timeout=start_timeout, kernel_name=kernel_name,
                log=logging.getLogger("papermill"), **kwargs)
            try:
                return client.execute()
            except Exception as exc:
                exc.add_note(f"evaluation.execution.warm: cell {client.cell_index}")
                raise

    papermill_engines.register(WARM_ENGINE, WarmEngine)
    return WARM_ENGINE


@functools.lru_cache(maxsize=64)
def _notebook_imports(path: str, mtime_ns: int) -> tuple[str, ...]:
    """Modules the code cells import at their top level (what a warm kernel preloads)."""
    import nbformat

    names: list[str] = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines()
                           if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
    return tuple(dict.fromkeys(names))


def _run_sync(coroutine_function: Any, *args: Any, **kwargs: Any) -> Any:
    from jupyter_core.utils import run_sync

    return run_sync(coroutine_function)(*args, **kwargs)


class _Kernel:
    """One running kernel with its manager, client and neutral home folder."""

    def __init__(self, executor: WarmKernelExecutor) -> None:
        from traitlets.config import Config

        self.home = tempfile.mkdtemp(prefix="evaluation-kernel-")
        config = Config()
        config.VenvKernelManager.kernel_log = str(executor.kernel_log or "")
        self.km = kernel_manager_class()(kernel_name=executor.kernel_name, config=config)
        self.kc: Any = None
        self.tasks = 0
        self.timeout = executor.start_timeout
        try:
            _run_sync(self.km.start_kernel, cwd=self.home)
            self.kc = self.km.client()
            self.kc.start_channels()
            _run_sync(self.kc.wait_for_ready, timeout=executor.start_timeout)
            self.kc.allow_stdin = False
            self.run(f"_setup({self.home!r}, {list(executor.guarded)!r}, "
                     f"{list(executor.preload)!r})")
        except BaseException:
            self.shutdown()
            raise

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    def alive(self) -> bool:
        return bool(_run_sync(self.km.is_alive))

    def run(self, call: str, timeout: float | None = None) -> None:
        """Run ``evaluation.execution.warm_kernel.<call>`` in the kernel, silently.

        Raises if the call fails.
        """
        code = f"__import__({_KERNEL_MODULE!r}, fromlist=['_']).{call}"
        errors: list[str] = []

        def hook(msg: dict[str, Any]) -> None:
            if msg["msg_type"] == "error":
                errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

        reply = _run_sync(self.kc.execute_interactive, code, silent=True, store_history=False,
                          allow_stdin=False, timeout=timeout or self.timeout, output_hook=hook)
        content = reply["content"]
        if content.get("status") != "ok":
            errors.append(f"{content.get('ename')}: {content.get('evalue')}")
            raise KernelCodeError(f"kernel step {call.split('(')[0]} failed: {errors[-1]}")

    def shutdown(self) -> None:
        try:
            if self.kc is not None:
                self.kc.stop_channels()
            if self.km.has_kernel:
                _run_sync(self.km.shutdown_kernel, now=True)
        except Exception as exc:  # pragma: no cover - best effort at the end of a worker
            log.debug("kernel shutdown: %s", exc)
        finally:
            shutil.rmtree(self.home, ignore_errors=True)


@dataclass(kw_only=True)
class WarmKernelExecutor:
    """Execute notebooks one after the other on one long-lived kernel of this environment.

    Parameters
    ----------
    timeout : float or None
        Seconds one cell may run; ``None`` for no limit. A cell that runs longer fails its
        task and the kernel is replaced.
    start_timeout : float
        Seconds the kernel may take to start (and the executor's own kernel steps to run).
    kernel_log : Path, optional
        Append the kernel process's own stdout/stderr there; by default discarded.
    guarded : tuple of str
        Packages whose module attributes and ``lru_cache`` contents are restored after
        every notebook.
    preload : tuple of str
        Modules to import when the kernel starts, besides those the notebooks import.
    max_tasks_per_kernel : int, optional
        Replace the kernel after this many notebooks; ``None``: keep it for the whole batch.
    """

    timeout: float | None = 600.0
    start_timeout: float = 60.0
    kernel_name: str = KERNEL_NAME
    kernel_log: Path | None = None
    guarded: tuple[str, ...] = ("evaluation",)
    preload: tuple[str, ...] = DEFAULT_PRELOAD
    max_tasks_per_kernel: int | None = None
    _kernel: _Kernel | None = field(default=None, init=False, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_kernel"] = None  # a running kernel stays with the process that started it
        return state

    @property
    def kernel_pid(self) -> int | None:
        """Process id of the running kernel, if one is running."""
        return self._kernel.pid if self._kernel is not None else None

    def _ready_kernel(self) -> _Kernel:
        kernel = self._kernel
        if kernel is not None and (
                not kernel.alive() or (self.max_tasks_per_kernel is not None
                                       and kernel.tasks >= self.max_tasks_per_kernel)):
            self._discard_kernel()
            kernel = None
        if kernel is None:
            kernel = self._kernel = _Kernel(self)
        return kernel

    def _discard_kernel(self) -> None:
        kernel, self._kernel = self._kernel, None
        if kernel is not None:
            kernel.shutdown()

    def warm_up(self, notebooks: Sequence[str | os.PathLike[str]] = ()) -> None:
        """Start the kernel now and import what ``notebooks`` import (a batch's first step).

        The same imports the first run of each notebook would make, into the same clean
        baseline, so the reports are the same as without a warm-up; papermill's engine is
        registered too.
        """
        _register_engine()
        modules: list[str] = []
        for notebook in notebooks:
            path = Path(notebook)
            if not path.is_file():  # its task will say so
                log.warning("warm-up: notebook %s not found", path)
                continue
            modules += _notebook_imports(str(path.resolve()), path.stat().st_mtime_ns)
        self._ready_kernel().run(f"_import({list(dict.fromkeys(modules))!r})")

    def execute(self, notebook_path: str | os.PathLike[str], params: Mapping[str, Any], *,
                cwd: str | os.PathLike[str]) -> Any:
        """Check ``params``, run the notebook in ``cwd`` on the warm kernel, return it.

        Raises :class:`~evaluation.errors.ParameterError` before the kernel is used, and
        :class:`~evaluation.errors.NotebookExecutionError` if a cell fails, the kernel
        dies or a cell runs out of time (the kernel is then replaced).
        """
        import papermill
        from papermill.exceptions import PapermillExecutionError

        checked = check_parameters(notebook_path, params)
        path = Path(notebook_path)
        modules = list(_notebook_imports(str(path.resolve()), path.stat().st_mtime_ns))
        call = f"_prepare({str(Path(cwd).resolve())!r}, {modules!r})"
        try:
            kernel = self._ready_kernel()
            kernel.run(call)
        except (KernelCodeError, TimeoutError, RuntimeError) as exc:  # replaced, once
            log.warning("kernel not ready (%s); starting a new one", exc)
            self._discard_kernel()
            kernel = self._ready_kernel()
            kernel.run(call)
        kernel.tasks += 1
        try:
            return papermill.execute_notebook(
                str(path), None, parameters=checked, engine_name=_register_engine(),
                kernel_name=self.kernel_name, progress_bar=False, log_output=False,
                request_save_on_cell_execute=False, execution_timeout=self.timeout,
                start_timeout=self.start_timeout, km=kernel.km, kc=kernel.kc)
        except PapermillExecutionError as exc:  # an error in a cell: the kernel is fine
            summary, detail, cell = error_summary(exc)
            raise NotebookExecutionError(path, summary, detail=detail, cell_index=cell) from exc
        except Exception as exc:  # died, timed out, lost: never reuse this kernel
            self._discard_kernel()
            raise self._kernel_failure(path, exc) from exc
        finally:
            if self._kernel is kernel:
                try:
                    kernel.run("_reset()")
                except Exception as exc:
                    log.warning("kernel reset failed, replacing the kernel: %s", exc)
                    self._discard_kernel()

    def _kernel_failure(self, path: Path, exc: Exception) -> NotebookExecutionError:
        from nbclient.exceptions import DeadKernelError

        cell = next((int(n.rsplit(" ", 1)[1]) for n in getattr(exc, "__notes__", [])
                     if n.startswith("evaluation.execution.warm: cell ") and n[-1].isdigit()), None)
        where = f"cell {cell}" if cell is not None else "the notebook"
        replaced = "; the kernel was replaced for the next report"
        if isinstance(exc, DeadKernelError):
            summary = (f"DeadKernelError: the kernel died while running {where} (a crash, "
                       f"os._exit or lack of memory){replaced}")
        elif isinstance(exc, TimeoutError):
            summary = (f"TimeoutError: {where} ran longer than the time limit of "
                       f"{self.timeout:g} s{replaced}")
        else:
            summary = error_summary(exc)[0] + replaced
        return NotebookExecutionError(path, summary, detail=error_summary(exc)[1],
                                      cell_index=cell)

    def close(self) -> None:
        """Shut the kernel down (a new one starts if the executor is used again)."""
        self._discard_kernel()
