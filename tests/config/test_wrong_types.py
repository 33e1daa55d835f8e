"""Every node of a codebook or project file replaced by a value of the wrong type gives a
checked error (a list of problems), never a Python traceback."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from evaluation.config import load_project, parse_codebook
from evaluation.config.yamlio import load_yaml
from evaluation.errors import CodebookError, ConfigError, EvaluationError
from tests.conftest import EXAMPLE, SMALL_CODEBOOK, write_project

WRONG = ("text", 3, [1, 2], None, {"unexpected": 1}, True)


def _paths(node: Any, path: tuple = ()) -> Iterator[tuple]:
    if path:
        yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


def _replaced(data: Any, path: tuple, value: Any) -> Any:
    changed = copy.deepcopy(data)
    node = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return changed


def test_no_node_of_the_default_codebook_with_a_wrong_type_gives_a_traceback():
    book = load_yaml(EXAMPLE.parent / "instruments" / "default.yml")
    tried = 0
    for path in _paths(book):
        for value in WRONG:
            tried += 1
            with contextlib.suppress(EvaluationError):
                parse_codebook(_replaced(book, path, value), source="default.yml")
    assert tried > 2000


def test_no_node_of_a_project_file_with_a_wrong_type_gives_a_traceback(tmp_path):
    folder = write_project(tmp_path / "p", copy.deepcopy(SMALL_CODEBOOK),
                           [{"path": "data.csv", "wave": "w1"}],
                           privacy={"min_group_size": 5}, branding={"project_name": "X"},
                           outputs={"editions": ["partner"]})
    (folder / "data.csv").write_text("respondent,site\n", encoding="utf-8")
    config = yaml.safe_load((folder / "project.yml").read_text(encoding="utf-8"))
    tried = 0
    for path in _paths(config):
        for value in ("text", [1, 2], {"unexpected": 1}, None):
            tried += 1
            (folder / "project.yml").write_text(
                yaml.safe_dump(_replaced(config, path, value)), encoding="utf-8")
            with contextlib.suppress(EvaluationError):
                load_project(folder)
    assert tried > 100


@pytest.mark.parametrize(("section", "wrong", "meant"), [
    ("factors", "factros", "factors"),
    ("response_scale", "Response_Scale", "response_scale"),
    ("attributes", "atributes", "attributes"),
])
def test_a_misspelt_codebook_section_is_named_with_the_section_it_likely_means(section, wrong,
                                                                             meant):
    book = copy.deepcopy(SMALL_CODEBOOK)
    book[wrong] = book.pop(section)
    with pytest.raises(CodebookError) as caught:
        parse_codebook(book, source="cb.yml")
    assert f"did you mean {meant!r}" in str(caught.value)


def test_a_misspelt_reverse_flag_on_an_item_is_named_not_ignored():
    book = copy.deepcopy(SMALL_CODEBOOK)
    scale = next(iter(book["factors"].values()))
    item = next(iter(scale["items"].values()))
    item["revrse"] = True
    with pytest.raises(CodebookError) as caught:
        parse_codebook(book, source="cb.yml")
    assert "unknown key in item; did you mean 'reverse'" in str(caught.value)


def test_a_wave_label_in_one_language_only_is_a_problem_of_the_project_file(tmp_path):
    folder = write_project(tmp_path / "p", copy.deepcopy(SMALL_CODEBOOK),
                           [{"path": "data.csv", "wave": "w1"}],
                           waves=[{"key": "w1", "label": {"de": "Basis", "fr": "base"}}])
    (folder / "data.csv").write_text("respondent,site\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_project(folder)
    assert "waves[0].label.fr" in str(caught.value)
