"""Safe YAML loading that refuses duplicate keys and reports where a file is broken.

Besides the safe loader (no Python objects), a file is refused before it is built when it is
larger than :data:`MAX_BYTES`, nests deeper than :data:`MAX_DEPTH` levels or would expand to
more than :data:`MAX_NODES` values through aliases (a "billion laughs" file is a few hundred
bytes). Keys that cannot be keys (a list as a key) and impossible dates (``2026-13-45``) are
reported with their line instead of ending in a traceback; such a date stays text, and the
project file's check names it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from evaluation.errors import InputFileError

#: Largest YAML file read (a project or codebook file is a few kilobytes).
MAX_BYTES = 5_000_000
#: Deepest nesting of mappings and lists.
MAX_DEPTH = 50
#: Most values a file may expand to, aliases counted as often as they are used.
MAX_NODES = 1_000_000


__all__ = ["inline_yaml", "load_yaml"]

class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that treats a repeated mapping key as an error, not a silent overwrite."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode,
                       deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"a {type(key).__name__} cannot be a key (line {mark.line + 1})",
                mark) from None
        if key in mapping:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (line {mark.line + 1})", mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


def _construct_timestamp(loader: _UniqueKeyLoader, node: yaml.ScalarNode) -> Any:
    """A date as a date; an impossible one (month 13) as its text, for the checks to name."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                 _construct_mapping)
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _check_shape(node: yaml.Node) -> None:
    """Refuse too deep nesting and too large an expansion, before anything is built."""
    sizes: dict[int, int] = {}

    def size(current: yaml.Node, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise yaml.YAMLError(f"nested deeper than {MAX_DEPTH} levels (line "
                                 f"{current.start_mark.line + 1})")
        known = sizes.get(id(current))
        if known is not None:
            return known
        total = 1
        if isinstance(current, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in current.value)
        if total > MAX_NODES:
            raise yaml.YAMLError(f"expands to more than {MAX_NODES:,} values through aliases "
                                 "(*name); refused")
        sizes[id(current)] = total
        return total

    size(node, 0)


def inline_yaml(value: Any) -> str:
    """``value`` as one line of YAML flow style (quoted where YAML would misread it, as
    ``'no'`` or ``'1'``), for files written with their own comments."""
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True,
                          width=10_000).strip().removesuffix("...").strip()


def load_yaml(path: str | Path) -> Any:
    """Read a YAML file safely; raise :class:`InputFileError` with the line of a problem."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found")
    if path.stat().st_size > MAX_BYTES:
        raise InputFileError(path, f"larger than {MAX_BYTES:,} bytes; a project or codebook "
                             "file is a few kilobytes")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"not UTF-8 text (byte {exc.start})") from None
    loader = None
    try:
        loader = _UniqueKeyLoader(text)  # safe: a SafeLoader subclass
        node = loader.get_single_node()
        if node is None:
            return None
        _check_shape(node)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise InputFileError(path, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise InputFileError(path, f"invalid YAML: nested deeper than {MAX_DEPTH} levels"
                             ) from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # explicit tags with values they cannot hold (!!int abc, !!bool maybe, !!map [1]),
        # integers beyond Python's digit limit
        raise InputFileError(path, f"invalid YAML: a value cannot be read "
                             f"({type(exc).__name__}: {exc})") from None
    finally:
        if loader is not None:
            loader.dispose()
