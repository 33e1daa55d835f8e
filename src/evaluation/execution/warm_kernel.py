"""The kernel side of :class:`evaluation.execution.warm.WarmKernelExecutor`: record, prepare, reset.

Imported inside the warm kernel (by the executor's own silent calls
``__import__("evaluation.execution.warm_kernel")._setup(...)`` etc.); standard library only at
import time, everything else looked up in :data:`sys.modules`. What is reset after every
notebook is listed in :mod:`evaluation.execution.warm`.
"""

from __future__ import annotations

import gc
import logging
import os
import random
import sys
import warnings
from typing import Any

_BASE: dict[str, Any] = {}
#: rcParams that belong to the kernel session (set when the inline backend is activated)
_RC_SESSION_KEYS = frozenset({"backend", "backend_fallback", "interactive"})


def _setup(home: str, guarded: list[str], preload: list[str]) -> None:
    """Record the kernel's pristine state (called once, right after the kernel starts)."""
    from evaluation.execution.startup import avoid_slow_imports

    avoid_slow_imports()  # as in the batch's own processes (jsonschema's iri checker)
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
    # warning filters that these imports added belong to the baseline: every report,
    # the first after the warm-up too, runs under the same filters
    _BASE["filters"] = list(warnings.filters)
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
        if (name not in dicts and module is not None and name != __name__
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
        raise RuntimeError(
            "evaluation.execution.warm_kernel steps must run inside an IPython kernel")
    return shell
