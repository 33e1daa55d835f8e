"""environment.yml stays equivalent to pyproject.toml."""

from __future__ import annotations

import re
import tomllib

import yaml

from tests.conftest import ROOT

# conda-forge names where they differ from PyPI, and extras that are separate packages
RENAMES = {"dask[distributed]": ["dask", "distributed"]}


def _split(requirement: str) -> tuple[str, str]:
    requirement = requirement.split("#")[0].strip().replace(" ", "")
    match = re.match(r"([A-Za-z0-9_.\-\[\]]+)(.*)", requirement)
    assert match, requirement
    return match.group(1).lower(), match.group(2)


def pyproject_requirements() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    out: dict[str, str] = {}
    for req in reqs:
        name, spec = _split(req)
        for conda_name in RENAMES.get(name, [name]):
            out[conda_name] = spec
    out["python"] = project["requires-python"]
    return out


def environment_requirements() -> dict[str, str]:
    data = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for dep in data["dependencies"]:
        if isinstance(dep, str) and dep != "pip":
            name, spec = _split(dep)
            out[name] = spec
    return out


def test_environment_yml_lists_the_same_packages_and_ranges_as_pyproject():
    assert environment_requirements() == pyproject_requirements()


def test_environment_yml_installs_the_package_itself():
    data = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in data["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
