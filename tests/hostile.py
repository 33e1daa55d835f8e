"""A copy of the example project whose every text field from the data carries injections.

A test helper, not a test (see ``tests/render/test_hostile_strings.py``). Keys (sites, items,
organisations) stay as they are; names, titles, labels and wording are replaced by a short
readable prefix followed by :data:`PAYLOAD`, which strings together HTML, Markdown, LaTeX and
Jinja injections. ``{{7*7}}`` is framed by ``«»`` so that a template evaluation would show up
as ``«49»``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "surveys" / "example"
INSTRUMENTS = ROOT / "surveys" / "instruments"

INJECTIONS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    '<iframe src="https://example.org">',
    "[click](javascript:alert(3))",
    "![x](https://example.org/x.png)",
    "$\\href{javascript:alert(4)}{x}$",
    "$$\\unicode{x}$$",
    "«{{7*7}}»",
    "{% raw %}",
    "</style><script>alert(5)</script>",
    "'><svg onload=alert(6)>",
)
PAYLOAD = " ".join(INJECTIONS)


def hostile(prefix: str) -> str:
    """A label that starts readable and carries every injection."""
    return f"{prefix} {PAYLOAD}"


def _labels(node: dict[str, Any], prefix: str) -> None:
    """Replace ``de``/``en`` of a label mapping in place."""
    for language in ("de", "en"):
        if language in node:
            node[language] = hostile(f"{prefix}-{language}")


def _codebook(source: Path, target: Path) -> None:
    book = yaml.safe_load(source.read_text(encoding="utf-8"))
    _labels(book["title"], "Titel")
    for section in ("factors", "outcomes"):
        for key, scale in book[section].items():
            _labels(scale["label"], f"Skala {key}")
            for item, wording in scale["items"].items():
                _labels(wording, f"Item {item}")
    for item, wording in book["challenges"].items():
        _labels(wording, f"Item {item}")
    for group in ("respondent", "municipality"):
        for key, attribute in book["attributes"][group].items():
            _labels(attribute["label"], f"Merkmal {key}")
            for value, spec in attribute["values"].items():
                _labels(spec, f"Wert {value}")
    for key, attribute in book["attributes"]["numeric"].items():
        _labels(attribute["label"], f"Merkmal {key}")
    target.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False),
                      encoding="utf-8")


def _csv(path: Path, column: str, prefix: str, key: str) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame[column] = [hostile(f"{prefix} {k}") for k in frame[key]]
    frame.to_csv(path, index=False, lineterminator="\n")


def hostile_project(folder: Path) -> Path:
    """Copy the example into ``folder`` (with the instrument library) and poison its texts.

    Returns the project folder ``folder/example``.
    """
    project = folder / "example"
    shutil.copytree(EXAMPLE, project)
    shutil.copytree(INSTRUMENTS, folder / "instruments")
    _codebook(INSTRUMENTS / "default.yml", folder / "instruments" / "default.yml")
    config = yaml.safe_load((project / "project.yml").read_text(encoding="utf-8"))
    config["project"]["name"] = hostile("Projekt")
    config["branding"]["project_name"] = hostile("Marke")
    for wave in config["waves"]:
        _labels(wave["label"], f"Welle {wave['key']}")
    for site in config["sites"]:
        site["name"] = hostile(f"Ort {site['key']}")
    (project / "project.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    data = project / "data"
    _csv(data / "roster.csv", "name", "Organisation", "organisation")
    _csv(data / "ideas.csv", "title", "Idee", "idea")
    _csv(data / "goals.csv", "title", "Ziel", "goal")
    return project
