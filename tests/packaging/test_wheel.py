"""The package works when installed from its wheel, away from the source tree.

The wheel is built with pip (normal build isolation, so setuptools comes from the build
environment) from a copy of the checkout, installed with ``--no-deps`` into a new virtual
environment outside the repository, and ``transfer-eval run`` renders a copy of the example
project with it.

To stay fast the new environment does not install the dependencies again: a ``.pth`` file adds
the site-packages folder of the environment running the tests. A ``.pth`` line only appends a
folder to ``sys.path``; the ``.pth`` files inside that folder are not processed, so the
editable install of this repository (its ``.pth`` adds ``src/``) is not inherited, and
``evaluation`` can only come from the wheel. The dependencies' data files (nbconvert's base
templates, in ``share/jupyter``) are linked into the new environment where an ordinary
installation would have put them.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import nbformat
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SRC = ROOT / "src"
PACKAGE = SRC / "evaluation"
NOTEBOOKS = ("digest.ipynb", "explore_results.ipynb", "site_report.ipynb", "synthesis.ipynb")
TEMPLATES = PACKAGE / "render" / "templates"
# never copied into the build: VCS, environments, caches, earlier build output, generated reports
NOT_SOURCE = shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "build", "dist",
                                    "reports", "runs")

# Run in the new environment: where `evaluation` comes from there and in the kernel it starts.
PROBE = '''
import json, sys
from pathlib import Path

import evaluation
import nbformat
from evaluation.execution import WarmKernelExecutor
from evaluation.pipeline import NOTEBOOK_DIR

cell = ("import json, sys, evaluation\\n"
        "print(json.dumps({'executable': sys.executable, 'file': evaluation.__file__, "
        "'path': sys.path}))")
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                             "language": "python"}
nbformat.write(nb, "probe.ipynb")
executor = WarmKernelExecutor()
try:
    done = executor.execute("probe.ipynb", {}, cwd=".")
finally:
    executor.close()
print(json.dumps({
    "process": {"executable": sys.executable, "file": evaluation.__file__, "path": sys.path},
    "kernel": json.loads(done.cells[0].outputs[0]["text"]),
    "notebooks": {p.name: p.is_symlink() for p in sorted(NOTEBOOK_DIR.glob("*.ipynb"))},
    "notebook_dir_is_link": NOTEBOOK_DIR.is_symlink(),
}))
'''


def _run(command: list[Any], *, cwd: Path, env: dict[str, str],
         timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, (f"{' '.join(done.args)} exited {done.returncode}\n"
                                  f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}")
    return done.stdout


def _without_pythonpath() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return env


def _inside(path: str | Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel pip builds from a copy of the checkout.

    A copy, because pip builds a local folder in place: setuptools would write ``build/`` into
    the repository and pack whatever an earlier build left in ``build/lib``.
    """
    base = tmp_path_factory.mktemp("wheel")
    checkout = base / "checkout"
    shutil.copytree(ROOT, checkout, symlinks=True, ignore=NOT_SOURCE)
    wheelhouse = base / "wheelhouse"
    _ok(_run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir",
              "-w", wheelhouse, checkout], cwd=base, env=_without_pythonpath()))
    [built] = wheelhouse.glob("transfer_evaluation-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A new environment outside the repository with the wheel installed (no dependencies)."""
    base = tmp_path_factory.mktemp("installed")
    assert not _inside(base, ROOT)
    prefix = base / "venv"
    _ok(_run([sys.executable, "-m", "venv", "--without-pip", prefix], cwd=base,
             env=_without_pythonpath()))
    python = prefix / "bin" / "python"
    # the wheel first, into the bare environment: pip sees no other transfer-evaluation
    _ok(_run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
              "--no-index", wheel], cwd=base, env=_without_pythonpath()))
    purelib = Path(_ok(_run([python, "-c",
                             "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            cwd=base, env=_without_pythonpath())).strip())
    dependencies = [p for p in dict.fromkeys(site.getsitepackages()) if Path(p).is_dir()]
    assert dependencies
    assert not any(_inside(p, SRC) for p in dependencies)
    (purelib / "_test_dependencies.pth").write_text(
        "".join(f"{p}\n" for p in dependencies), encoding="utf-8")
    jupyter_data = Path(sys.prefix) / "share" / "jupyter"
    if jupyter_data.is_dir():
        (prefix / "share").mkdir(exist_ok=True)
        (prefix / "share" / "jupyter").symlink_to(jupyter_data, target_is_directory=True)
    env = _without_pythonpath()
    env.pop("PYTHONHOME", None)
    env["VIRTUAL_ENV"] = str(prefix)
    env["PATH"] = os.pathsep.join([str(prefix / "bin"), env.get("PATH", "")])
    return {"base": base, "prefix": prefix, "python": python, "purelib": purelib, "env": env}


@pytest.fixture(scope="module")
def probe(venv: dict[str, Any]) -> dict[str, Any]:
    """Where `evaluation` is imported from in the new environment and in a kernel it starts."""
    folder = venv["base"] / "probe"
    folder.mkdir()
    (folder / "probe.py").write_text(PROBE, encoding="utf-8")
    out = _ok(_run([venv["python"], "probe.py"], cwd=folder, env=venv["env"]))
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def example_run(venv: dict[str, Any]) -> dict[str, Any]:
    """The installed ``transfer-eval run`` on a copy of the example project."""
    base = venv["base"]
    surveys = base / "surveys"
    # the example names its instrument `default`: ../instruments/default.yml beside the project
    shutil.copytree(ROOT / "surveys" / "example", surveys / "example")
    shutil.copytree(ROOT / "surveys" / "instruments", surveys / "instruments")
    out = base / "out"
    done = _run([venv["prefix"] / "bin" / "transfer-eval", "run", surveys / "example",
                 "--out", out], cwd=base, env=venv["env"])
    return {"done": done, "out": out}


def test_the_wheel_ships_every_module_the_three_notebooks_and_the_templates(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        notebooks = {name: archive.read(name) for name in names
                     if name.startswith("evaluation/notebooks/")}
    source = set()
    for folder, dirs, files in os.walk(PACKAGE, followlinks=True):  # through the notebooks link
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
        source |= {(Path("evaluation") / Path(folder, f).relative_to(PACKAGE)).as_posix()
                   for f in files if not f.startswith(".") and not f.endswith(".pyc")}
    assert {n for n in names if n.startswith("evaluation/")} == source
    assert sorted(notebooks) == [f"evaluation/notebooks/{name}" for name in NOTEBOOKS]
    for name in NOTEBOOKS:
        content = notebooks[f"evaluation/notebooks/{name}"]
        assert content == (ROOT / "notebooks" / name).read_bytes()
        assert nbformat.reads(content.decode("utf-8"), as_version=4).cells
    templates = {f"evaluation/{p.relative_to(PACKAGE).as_posix()}"
                 for p in TEMPLATES.rglob("*") if p.is_file()}
    assert "evaluation/render/templates/report/index.html.j2" in templates
    assert "evaluation/render/templates/slides/index.html.j2" in templates
    assert templates <= names
    assert "evaluation/py.typed" in names


def test_the_installed_package_is_imported_from_the_new_environment_not_the_repository(
        venv, probe):
    process = probe["process"]
    assert Path(process["executable"]).parent == venv["prefix"] / "bin"
    assert _inside(process["file"], venv["purelib"])
    assert not _inside(process["file"], ROOT)
    assert not [p for p in process["path"] if p and _inside(p, SRC)]
    assert probe["notebooks"] == dict.fromkeys(NOTEBOOKS, False)  # real files, no links
    assert probe["notebook_dir_is_link"] is False


def test_a_kernel_started_by_the_installed_package_imports_the_installed_package(venv, probe):
    kernel = probe["kernel"]
    assert Path(kernel["executable"]).parent == venv["prefix"] / "bin"
    assert _inside(kernel["file"], venv["purelib"])
    assert not [p for p in kernel["path"] if p and _inside(p, SRC)]


def test_the_wheel_installed_outside_the_repository_renders_the_example(example_run):
    done, out = example_run["done"], example_run["out"]
    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    for name in ("index.html", "manifest.json", "partner/K01.html", "synthesis.html",
                 "digest/slides.html"):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    formats = [output["format"] for output in manifest["outputs"].values()]
    # 36 site reports, synthesis, slides, handout, data dictionary; 18 + 1 workbooks
    assert (formats.count("html"), formats.count("xlsx")) == (40, 19)
    assert [key for key, output in manifest["outputs"].items() if output["failed"]] == []
    assert all((out / output["path"]).is_file() for output in manifest["outputs"].values())
    source = str(SRC).encode()
    assert source not in (done.stdout + done.stderr).encode()
    assert [p.relative_to(out).as_posix() for p in sorted(out.rglob("*"))
            if p.is_file() and source in p.read_bytes()] == []
