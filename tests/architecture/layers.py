"""The layer rules of the package, checked on its source with :mod:`ast`.

The package is a stack of units (subpackages and a few top-level modules). A unit may import
only units of a lower layer; units of one layer are independent of each other. Every import
counts, including those inside functions and under ``TYPE_CHECKING``, and a lazy public face
(``lazy_loader.attach``) counts as importing every submodule it names. Across units, names come
from the unit's public face (its ``__init__``), never from its modules, and never a private
(``_``-prefixed) name. The module graph has no cycle.

``docs/architecture.md`` draws the same stack.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "evaluation"

#: Units from the bottom of the stack to the top; a tuple holds units of one layer.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "columns", "language", "atomic", "numbers", "spreadsheet", "version"),
    ("config", "stats", "results", "execution"),             # independent of each other
    ("privacy",),
    ("io", "synthetic"),
    ("network",),
    ("participation",),
    ("analysis",),
    ("peers",),
    ("report",),
    ("render",),
    ("export",),  # workbooks, data dictionary; above render (its stylesheet, source date)
    ("formats",),  # which formats a run writes besides HTML, each isolated
    ("pipeline",),
    ("cli",),
    ("",),  # the package's own __init__: the public API, on top of everything
)
#: The foundation's modules may use each other (errors <- language), never a unit above.
FOUNDATION = LAYERS[0]


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.rule}: {self.detail}"


def rank_of(unit: str) -> int:
    for rank, layer in enumerate(LAYERS):
        if unit in layer:
            return rank
    raise KeyError(f"unit {unit!r} is in no layer; add it to LAYERS in {__file__}")


def module_name(path: Path, src: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(src).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


def unit_of(module: str) -> str:
    """``evaluation.stats.welch`` -> ``stats``; ``evaluation`` -> ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@dataclass(frozen=True)
class Import:
    line: int
    target: str          # the module imported from
    names: tuple[str, ...]


def imports_of(path: Path, module: str, is_package: bool) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield Import(node.lineno, alias.name, ())
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == PACKAGE:
                yield Import(node.lineno, target, tuple(a.name for a in node.names))
        elif (is_package and isinstance(node, ast.Call)
              and ast.unparse(node.func) == "lazy_loader.attach"):
            # a lazy public face: each submodule it names is loaded on first use
            for keyword in node.keywords:
                if keyword.arg == "submod_attrs" and isinstance(keyword.value, ast.Dict):
                    for key in keyword.value.keys:
                        if isinstance(key, ast.Constant):
                            yield Import(node.lineno, f"{module}.{key.value}", ())


def check(src: Path) -> list[Violation]:
    """Every violation of the layer rules in the package under ``src`` (the ``src`` folder)."""
    root = src / PACKAGE
    modules: dict[str, tuple[Path, bool]] = {}
    for path in sorted(root.rglob("*.py")):
        name, is_package = module_name(path, src)
        modules[name] = (path, is_package)
    violations: list[Violation] = []
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, is_package) in modules.items():
        unit = unit_of(name)
        for imp in imports_of(path, name, is_package):
            targets = [imp.target]
            if imp.target == PACKAGE or (imp.target in modules and modules[imp.target][1]):
                # "from evaluation import columns": a module imported by name
                targets = [f"{imp.target}.{n}" if f"{imp.target}.{n}" in modules else imp.target
                           for n in imp.names] or [imp.target]
            for target in targets:
                if target in modules:
                    graph[name].add(target)
                other = unit_of(target)
                if other == unit:
                    continue
                try:
                    mine, theirs = rank_of(unit), rank_of(other)
                except KeyError as error:
                    violations.append(Violation(name, imp.line, "unknown unit", str(error)))
                    continue
                if theirs > mine:
                    violations.append(Violation(name, imp.line, "upward import",
                                                f"{unit or PACKAGE} imports {target}"))
                elif theirs == mine and not (unit in FOUNDATION and other in FOUNDATION):
                    violations.append(Violation(name, imp.line, "sibling import",
                                                f"{unit} and {other} share a layer"))
                face = f"{PACKAGE}.{other}" if other else PACKAGE
                if target != face and other not in FOUNDATION:
                    violations.append(Violation(name, imp.line, "past the public face",
                                                f"import from {face}, not {target}"))
                private = [n for n in imp.names if n.startswith("_") and not n.startswith("__")]
                if private:
                    violations.append(Violation(name, imp.line, "private name across units",
                                                f"{', '.join(private)} from {target}"))
    violations += [Violation(cycle[0], 0, "import cycle", " -> ".join([*cycle, cycle[0]]))
                   for cycle in cycles(graph)]
    return violations


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), or with a self-loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found
