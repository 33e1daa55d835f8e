"""The package's layers hold: checked on the source, and shown to catch planted violations."""

from __future__ import annotations

import importlib
import inspect
import shutil
from pathlib import Path

import pytest

from tests.architecture.layers import LAYERS, check

SRC = Path(__file__).resolve().parents[2] / "src"
UNITS = [unit for layer in LAYERS for unit in layer
         if unit and (SRC / "evaluation" / unit / "__init__.py").is_file()]


def test_the_package_keeps_its_layers_faces_and_no_cycles() -> None:
    assert [str(v) for v in check(SRC)] == []


@pytest.fixture
def planted(tmp_path: Path):
    """A copy of the package in which a test plants one violation."""
    shutil.copytree(SRC / "evaluation", tmp_path / "evaluation",
                    ignore=shutil.ignore_patterns("__pycache__", "notebooks"))

    def plant(module: str, code: str) -> list[str]:
        path = tmp_path / "evaluation" / module
        path.write_text(path.read_text(encoding="utf-8") + "\n" + code + "\n", encoding="utf-8")
        return [f"{v.rule}: {v.detail}" for v in check(tmp_path)]

    return plant


def test_an_upward_import_inside_a_function_is_caught(planted) -> None:
    found = planted("stats/welch.py",
                    "def _planted():\n    from evaluation.report import show\n    return show")
    assert found[0] == "upward import: stats imports evaluation.report"
    # report builds on stats, so the planted import also closes a cycle
    assert [f.split(":")[0] for f in found[1:]] == ["import cycle"]


def test_an_import_between_units_of_one_layer_is_caught(planted) -> None:
    found = planted("config/project.py", "from evaluation.stats import cronbach_alpha")
    assert found == ["sibling import: config and stats share a layer"]


def test_an_import_past_a_public_face_is_caught(planted) -> None:
    found = planted("analysis/drivers.py", "from evaluation.stats.welch import welch_table")
    assert found == ["past the public face: import from evaluation.stats, not "
                     "evaluation.stats.welch"]


def test_a_private_name_from_another_unit_is_caught(planted) -> None:
    found = planted("analysis/drivers.py", "from evaluation.stats import _planted")
    assert found == ["private name across units: _planted from evaluation.stats"]


def test_a_cycle_inside_a_unit_is_caught(planted) -> None:
    found = planted("stats/checks.py",
                    "def _planted():\n    from evaluation.stats.welch import welch_table")
    assert len(found) == 1
    assert found[0].startswith("import cycle: ")
    assert "evaluation.stats.checks" in found[0]
    assert "evaluation.stats.welch" in found[0]


def test_a_subpackage_missing_from_the_layers_is_caught(planted, tmp_path: Path) -> None:
    (tmp_path / "evaluation" / "extras").mkdir()
    (tmp_path / "evaluation" / "extras" / "__init__.py").write_text("")
    found = planted("extras/__init__.py", "from evaluation.stats import cronbach_alpha")
    assert len(found) == 1
    assert "unit 'extras' is in no layer" in found[0]


@pytest.mark.parametrize("unit", UNITS)
def test_a_public_face_offers_only_names_defined_in_its_own_subpackage(unit: str) -> None:
    face = importlib.import_module(f"evaluation.{unit}")
    foreign = []
    for name in face.__all__:
        obj = getattr(face, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue  # constants and type aliases carry no module
        module = obj.__module__
        if not module.startswith(f"evaluation.{unit}"):
            foreign.append(f"{name} from {module}")
    assert foreign == []


def test_no_function_or_class_has_two_public_faces() -> None:
    seen: dict[int, str] = {}
    twice = []
    for unit in UNITS:
        face = importlib.import_module(f"evaluation.{unit}")
        for name in face.__all__:
            obj = getattr(face, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                if id(obj) in seen:
                    twice.append(f"{name}: {seen[id(obj)]} and {unit}")
                seen[id(obj)] = unit
    assert twice == []


def test_the_public_api_lists_exactly_the_names_it_loads() -> None:
    import evaluation as ev

    assert sorted(ev.__all__) == sorted({"EvaluationError", "__version__", *ev._API})
    for name in ev.__all__:
        assert getattr(ev, name) is not None
    assert ev.load_project is importlib.import_module("evaluation.config").load_project
