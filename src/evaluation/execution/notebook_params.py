"""Checking report parameters against a notebook's typed parameters cell, before any kernel.

Parameters cells follow papermill's self-documenting form, one parameter per line::

    site: str = "K01"  # site key
    n: int = 3  # a number

Types understood: ``str``, ``int``, ``float`` (an int is accepted and converted), ``bool``,
``None``, ``list``, ``dict``, ``tuple``, ``list[T]``, ``dict[K, V]``, ``tuple[T, ...]``,
``T | None``, ``Optional[T]``, ``Union[...]``, ``Literal[...]`` and ``Any``.
"""

from __future__ import annotations

import ast
import io
import os
import tokenize
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evaluation.errors import ParameterError

__all__ = ["check_parameters"]


_ATOMS: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "float": (float, int), "bool": (bool,),
    "list": (list,), "dict": (dict,), "tuple": (tuple, list),
}
_KNOWN_NAMES = (*_ATOMS, "None", "Any", "object", "Optional", "Union", "Literal",
                "List", "Dict", "Tuple")


class _TypeSpecError(ValueError):
    pass


def _parse_type(text: str) -> ast.expr:
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise _TypeSpecError(f"cannot read the type annotation {text!r}") from exc


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # typing.Optional, t.Literal
        return node.attr
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    raise _TypeSpecError(f"unsupported type expression {ast.unparse(node)!r}")


def _conforms(value: Any, node: ast.expr) -> bool:
    """Whether ``value`` matches the annotation ``node``; raises _TypeSpecError if unknown."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _conforms(value, node.left) or _conforms(value, node.right)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # "str" forward ref
        return _conforms(value, _parse_type(node.value))
    if isinstance(node, ast.Subscript):
        outer = _name(node.value)
        args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if outer == "Optional":
            return value is None or _conforms(value, args[0])
        if outer == "Union":
            return any(_conforms(value, a) for a in args)
        if outer == "Literal":
            allowed = [ast.literal_eval(a) for a in args]
            return any(value == a and type(value) is type(a) for a in allowed)
        if outer in ("list", "List"):
            return isinstance(value, list) and all(_conforms(v, args[0]) for v in value)
        if outer in ("dict", "Dict"):
            key_t, value_t = [*args, ast.Name("Any")][:2]
            return isinstance(value, dict) and all(
                _conforms(k, key_t) and _conforms(v, value_t) for k, v in value.items())
        if outer in ("tuple", "Tuple"):
            if not isinstance(value, tuple | list):
                return False
            if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is ...:
                return all(_conforms(v, args[0]) for v in value)
            return len(value) == len(args) and all(
                _conforms(v, a) for v, a in zip(value, args, strict=True))
        raise _TypeSpecError(f"unsupported type {ast.unparse(node)!r}")
    name = _name(node)
    if name in ("Any", "object"):
        return True
    if name == "None":
        return value is None
    if name in ("List", "Dict", "Tuple"):
        name = name.lower()
    if name not in _ATOMS:
        raise _TypeSpecError(f"unsupported type {name!r}; use one of {', '.join(_KNOWN_NAMES)}")
    if isinstance(value, bool) and name in ("int", "float"):
        return False  # True is an int to Python, not to a reader of a report parameter
    return isinstance(value, _ATOMS[name])


def _coerce(value: Any, node: ast.expr) -> Any:
    """Convert ints given for a plain ``float`` parameter; everything else stays."""
    if isinstance(node, ast.Name) and node.id == "float" and isinstance(value, int):
        return float(value)
    if isinstance(node, ast.BinOp) and isinstance(value, int) and not isinstance(value, bool):
        names = set()
        for side in (node.left, node.right):
            if isinstance(side, ast.Name):
                names.add(side.id)
        if "float" in names and "int" not in names:
            return float(value)
    return value


def _describe(spec: Mapping[str, Any]) -> str:
    text = f"{spec['name']}: {spec['inferred_type_name']}"
    if spec.get("help"):
        text += f" ({spec['help']})"
    return text


def _declared_parameters(path: Path, inspected: Mapping[str, Mapping[str, Any]]
                         ) -> dict[str, dict[str, Any]]:
    """papermill's view of the parameters cell, corrected from the cell's syntax tree.

    papermill's pattern reads annotations made of words, brackets and commas only, so it
    silently drops ``previous: str | None = None`` and ``Literal["a", "b"]``, and it takes a
    ``#`` inside a string default for the start of the help text. Every assignment the
    Python parser finds therefore takes its annotation from :mod:`ast` and its help from the
    comment token on its last line.
    """
    import nbformat

    declared = {name: dict(spec) for name, spec in inspected.items()}
    nb = nbformat.read(path, as_version=4)
    cell = next((c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])),
                None)
    if cell is None:
        return declared
    source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{path}: the parameters cell is not valid Python "
                             f"(line {exc.lineno}: {exc.msg})") from None
    comments: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#").strip()
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, annotation = node.target.id, ast.unparse(node.annotation)
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1
              and isinstance(node.targets[0], ast.Name)):
            name, annotation = node.targets[0].id, "None"
        else:
            continue
        help_text = comments.get(node.end_lineno or node.lineno, "")
        spec = declared.setdefault(name, {"name": name, "default": ""})
        spec["inferred_type_name"] = annotation
        spec["help"] = help_text
    return declared


def check_parameters(notebook_path: str | os.PathLike[str], params: Mapping[str, Any]
                     ) -> dict[str, Any]:
    """Check report parameters against the notebook's typed parameters cell.

    Reads the cell tagged ``parameters`` with :func:`papermill.inspect_notebook` (no kernel is
    started) and checks every given parameter: it must be declared there and its value must
    match the declared type.

    Returns
    -------
    dict
        The parameters to inject, with ints for ``float`` parameters converted.

    Raises
    ------
    ParameterError
        Naming the notebook, the parameter, its value, the expected type and the known
        parameters with their help texts.
    """
    import papermill

    path = Path(notebook_path)
    if not path.is_file():
        raise ParameterError(f"{path}: notebook not found")
    declared = _declared_parameters(path, papermill.inspect_notebook(str(path)))
    known = "; ".join(_describe(spec) for spec in declared.values()) or "none"
    checked: dict[str, Any] = {}
    for name, value in params.items():
        spec = declared.get(name)
        if spec is None:
            raise ParameterError(
                f"{path}: unknown parameter {name!r} (value {value!r}); "
                f"known parameters: {known}"
            )
        type_name = str(spec.get("inferred_type_name") or "None")
        if type_name == "None":  # papermill's word for "no annotation"
            raise ParameterError(
                f"{path}: parameter {name!r} has no type annotation in the notebook's "
                f"parameters cell; write it as `{name}: <type> = <default>  # <help>`"
            )
        try:
            node = _parse_type(type_name)
            ok = _conforms(value, node)
        except _TypeSpecError as exc:
            raise ParameterError(f"{path}: parameter {name!r}: {exc}") from None
        if not ok:
            raise ParameterError(
                f"{path}: parameter {name!r} = {value!r} is a {type(value).__name__}, "
                f"expected {type_name}; known parameters: {known}"
            )
        checked[name] = _coerce(value, node)
    return checked
