"""Safe YAML loading that refuses duplicate keys and reports where a file is broken."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from evaluation.errors import InputFileError


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that treats a repeated mapping key as an error, not a silent overwrite."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode,
                       deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (line {mark.line + 1})", mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                 _construct_mapping)


def load_yaml(path: str | Path) -> Any:
    """Read a YAML file safely; raise :class:`InputFileError` with the line of a problem."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"not UTF-8 text (byte {exc.start})") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # safe: a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise InputFileError(path, f"invalid YAML: {exc}") from None
