"""A warm kernel per worker: report notebooks without a kernel start and imports per report.

:class:`WarmKernelExecutor` keeps one real Jupyter kernel (this environment's ipykernel) for
all the notebooks one worker runs. Each run goes through papermill exactly like
:class:`~evaluation.executors.PapermillExecutor` (same parameter checks, same
``injected-parameters`` cell, same ``metadata.papermill``, same error cells), only with a
papermill engine of our own that hands nbclient the running kernel and its client instead of
starting a new one. The rendered reports are byte-identical (``tests/test_warm_executor.py``).

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

Not reset (a notebook must not rely on them; report notebooks are thin, see STYLE.md):
in-place changes to objects of third-party modules (a class attribute of pandas, a mutable
module global of a library), threads a notebook leaves running, and IPython configuration
changed with ``%config``. ``max_tasks_per_kernel`` bounds how long any such state can live.
"""

from __future__ import annotations

import ast
import functools
import gc
import logging
import os
import random
import shutil
import sys
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.executors import (
    KERNEL_NAME,
    NotebookExecutionError,
    _error_summary,
    _kernel_manager_class,
    check_parameters,
)

__all__ = ["WARM_ENGINE", "WarmKernelExecutor"]

log = logging.getLogger("evaluation")

#: the papermill engine name registered for warm kernels
WARM_ENGINE = "evaluation-warm"
_KERNEL_MODULE = "evaluation.warm"
#: imported when a kernel starts: the libraries every report uses (settings recorded clean)
DEFAULT_PRELOAD = ("numpy", "pandas", "matplotlib", "matplotlib.figure",
                   "matplotlib.backends.backend_agg", "evaluation.results_io")


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
                exc.add_note(f"evaluation.warm: cell {client.cell_index}")
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


class KernelCodeError(RuntimeError):
    """Code the executor itself ran in the kernel (prepare, reset) failed."""


class _Kernel:
    """One running kernel with its manager, client and neutral home folder."""

    def __init__(self, executor: WarmKernelExecutor) -> None:
        from traitlets.config import Config

        self.home = tempfile.mkdtemp(prefix="evaluation-kernel-")
        config = Config()
        config.VenvKernelManager.kernel_log = str(executor.kernel_log or "")
        self.km = _kernel_manager_class()(kernel_name=executor.kernel_name, config=config)
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
        """Run ``evaluation.warm.<call>`` in the kernel, silently; raise if it fails."""
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

    def execute(self, notebook_path: str | os.PathLike[str], params: Mapping[str, Any], *,
                cwd: str | os.PathLike[str]) -> Any:
        """Check ``params``, run the notebook in ``cwd`` on the warm kernel, return it.

        Raises :class:`~evaluation.errors.ParameterError` before the kernel is used, and
        :class:`~evaluation.executors.NotebookExecutionError` if a cell fails, the kernel
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
            summary, detail, cell = _error_summary(exc)
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
                     if n.startswith("evaluation.warm: cell ") and n[-1].isdigit()), None)
        where = f"cell {cell}" if cell is not None else "the notebook"
        replaced = "; the kernel was replaced for the next report"
        if isinstance(exc, DeadKernelError):
            summary = (f"DeadKernelError: the kernel died while running {where} (a crash, "
                       f"os._exit or lack of memory){replaced}")
        elif isinstance(exc, TimeoutError):
            summary = (f"TimeoutError: {where} ran longer than the time limit of "
                       f"{self.timeout:g} s{replaced}")
        else:
            summary = _error_summary(exc)[0] + replaced
        return NotebookExecutionError(path, summary, detail=_error_summary(exc)[1],
                                      cell_index=cell)

    def close(self) -> None:
        """Shut the kernel down (a new one starts if the executor is used again)."""
        self._discard_kernel()


# ------------------------------------------------------------------------ the kernel side
# Runs inside the kernel process (imported there as evaluation.warm): standard library only
# at import time, everything else looked up in sys.modules.

_BASE: dict[str, Any] = {}
#: rcParams that belong to the kernel session (set when the inline backend is activated)
_RC_SESSION_KEYS = frozenset({"backend", "backend_fallback", "interactive"})


def _setup(home: str, guarded: list[str], preload: list[str]) -> None:
    """Record the kernel's pristine state (called once, right after the kernel starts)."""
    shell = _shell()
    _BASE.update(
        home=home, cwd=home, guarded=tuple(guarded), environ=dict(os.environ),
        sys_path=list(sys.path), roots=_roots(sys.path), filters=list(warnings.filters),
        defaultaction=warnings.defaultaction,
        streams=(sys.stdout, sys.stderr, sys.displayhook, sys.excepthook),
        modules=set(sys.modules), dicts={}, third_party={},
        logging={"disable": logging.root.manager.disable, "loggers": {}},
        formatters={name: (dict(f.type_printers), dict(f.deferred_printers), f.enabled)
                    for name, f in shell.display_formatter.formatters.items()},
    )
    _import(preload)


def _prepare(cwd: str, modules: list[str]) -> None:
    """Before a notebook: preload its imports into the baseline, then enter its folder."""
    os.chdir(_BASE["home"])  # nothing of the task folder can shadow an installed module
    _import(modules)
    os.chdir(cwd)
    _BASE["cwd"] = cwd
    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()
    _shell().execution_count = 1


def _import(modules: list[str]) -> None:
    import importlib

    for name in modules:
        if name not in sys.modules:
            try:
                importlib.import_module(name)
            except Exception:  # the notebook meets the same error and reports it
                continue
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and hasattr(pyplot, "_get_backend_mod"):
        pyplot._get_backend_mod()  # activate the inline backend now, as a first figure would
    _snapshot()
    _BASE["modules"] = set(sys.modules)  # imported here, from no task folder: clean
    _freeze()


def _freeze() -> None:
    """Collect, then exempt the survivors (modules, the shell) from later collections.

    A full collection over the objects of pandas, matplotlib and IPython costs about half a
    second; after this, a collection only looks at what notebooks created since.
    """
    gc.collect()
    gc.freeze()


def _roots(paths: list[str]) -> tuple[str, ...]:
    return tuple(os.path.realpath(p) + os.sep for p in paths if p and os.path.isdir(p))


def _snapshot() -> None:
    """Record modules of guarded packages, loggers and library settings seen first now."""
    dicts = _BASE["dicts"]
    for name, module in list(sys.modules.items()):
        if (name not in dicts and module is not None and name != _KERNEL_MODULE
                and name.split(".")[0] in _BASE["guarded"]):
            dicts[name] = dict(vars(module))
    loggers = _BASE["logging"]["loggers"]
    for name, lg in _loggers().items():
        if name not in loggers:
            loggers[name] = (lg.level, list(lg.handlers), list(lg.filters), lg.propagate,
                             lg.disabled)
    third = _BASE["third_party"]
    if "matplotlib" in sys.modules and "rc" not in third:
        third["rc"] = _rc_params()
    if "pandas" in sys.modules and "pandas" not in third:
        third["pandas"] = _pandas_options()
    if "numpy" in sys.modules and "numpy" not in third:
        numpy = sys.modules["numpy"]
        third["numpy"] = (numpy.get_printoptions(), numpy.geterr())


def _reset() -> None:
    """After a notebook: bring the kernel back to its recorded state."""
    shell = _shell()
    shell.reset(new_session=False)
    _forget_local_modules()
    _snapshot()  # what a notebook imported inside a function, as the task left it
    os.chdir(_BASE["home"])
    _BASE["cwd"] = _BASE["home"]
    if dict(os.environ) != _BASE["environ"]:
        os.environ.clear()
        os.environ.update(_BASE["environ"])
    sys.path[:] = _BASE["sys_path"]
    sys.stdout, sys.stderr, sys.displayhook, sys.excepthook = _BASE["streams"]
    warnings.filters[:] = _BASE["filters"]
    warnings.defaultaction = _BASE["defaultaction"]
    warnings.onceregistry.clear()
    warnings._filters_mutated()  # type: ignore[attr-defined]  # forget "already shown"
    _restore_logging()
    _restore_guarded_modules()
    _restore_libraries()
    for callbacks in shell.events.callbacks.values():
        callbacks[:] = [c for c in callbacks if getattr(c, "__module__", "") != "__main__"]
    for name, formatter in shell.display_formatter.formatters.items():
        printers, deferred, enabled = _BASE["formatters"].get(name, ({}, {}, True))
        for table, base in ((formatter.type_printers, printers),
                            (formatter.deferred_printers, deferred)):
            for key in [k for k, f in table.items()
                        if getattr(f, "__module__", "") == "__main__"]:
                del table[key]
            table.update(base)
        formatter.enabled = enabled
    _BASE["modules"] = set(sys.modules)
    _freeze()


def _forget_local_modules() -> None:
    """Drop modules a notebook imported from its folder or from paths it added."""
    added = [p for p in sys.path if p not in _BASE["sys_path"]]
    local = _roots([_BASE["cwd"], *(os.path.join(_BASE["cwd"], p) for p in added)])
    for name in set(sys.modules) - _BASE["modules"]:
        origin = getattr(sys.modules.get(name), "__file__", None)
        if not origin:
            continue
        real = os.path.realpath(origin)
        if real.startswith(local) and not real.startswith(_BASE["roots"]):
            del sys.modules[name]


def _restore_guarded_modules() -> None:
    for name, saved in _BASE["dicts"].items():
        module = sys.modules.get(name)
        if module is None:
            continue
        namespace = vars(module)
        for key in [k for k in namespace if k not in saved]:
            if getattr(namespace[key], "__name__", None) != f"{name}.{key}":  # keep submodules
                del namespace[key]
        for key, value in saved.items():
            if namespace.get(key, _BASE) is not value:
                namespace[key] = value
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def _restore_libraries() -> None:
    third = _BASE["third_party"]
    if "rc" in third:
        matplotlib = sys.modules["matplotlib"]
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close("all")
        if _rc_params() != third["rc"]:
            dict.update(matplotlib.rcParams, third["rc"])  # no validation: recorded values
    if "pandas" in third and _pandas_options() != third["pandas"]:
        pandas = sys.modules["pandas"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for key, value in third["pandas"].items():
                if pandas.get_option(key) != value:
                    pandas.set_option(key, value)
    if "numpy" in third:
        numpy = sys.modules["numpy"]
        printoptions, errors = third["numpy"]
        numpy.set_printoptions(**printoptions)
        numpy.seterr(**errors)


def _rc_params() -> dict[str, Any]:
    """matplotlib's style settings; not the backend, which the kernel chose once for all."""
    rc = sys.modules["matplotlib"].rcParams
    return {key: dict.__getitem__(rc, key) for key in rc if key not in _RC_SESSION_KEYS}


def _pandas_options() -> dict[str, Any]:
    pandas = sys.modules["pandas"]
    from pandas._config import config

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {key: pandas.get_option(key) for key in sorted(config._registered_options)
                if key not in config._deprecated_options}


def _loggers() -> dict[str, logging.Logger]:
    return {"": logging.root, **{k: v for k, v in logging.root.manager.loggerDict.items()
                                 if isinstance(v, logging.Logger)}}


def _restore_logging() -> None:
    logging.disable(_BASE["logging"]["disable"])
    saved = _BASE["logging"]["loggers"]
    for name, lg in _loggers().items():
        level, handlers, filters, propagate, disabled = saved[name]
        lg.setLevel(level)
        lg.handlers[:], lg.filters[:] = handlers, filters
        lg.propagate, lg.disabled = propagate, disabled


def _shell() -> Any:
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:  # pragma: no cover - only ever called inside a kernel
        raise RuntimeError("evaluation.warm kernel steps must run inside an IPython kernel")
    return shell
