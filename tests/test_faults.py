"""Faults a real run meets: a full disk, a run killed half way, two runs into one folder.

Each runs the installed command in its own process, as a user would. The full-disk cases mount
a small tmpfs in a private mount namespace (``unshare -m``), which needs root.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import report_sha256, tree_sha256

pytestmark = pytest.mark.slow

COMMAND = str(Path(sys.executable).parent / "transfer-eval")
ROOT_AND_UNSHARE = os.geteuid() == 0 and shutil.which("unshare") is not None


@pytest.fixture
def project(example_copy: Path) -> Path:
    return example_copy






def _says_incomplete(out: Path) -> None:
    assert json.loads((out / ".transfer-evaluation.json").read_text())["complete"] is False
    assert "Lauf unvollständig" in (out / "index.html").read_text(encoding="utf-8")
    assert not (out / "manifest.json").exists()


@pytest.mark.skipif(not ROOT_AND_UNSHARE, reason="a private tmpfs needs root and unshare")
@pytest.mark.parametrize("size", ["2M", "9M"])  # full while saving results / while rendering
def test_a_full_disk_ends_in_one_line_and_a_folder_marked_incomplete(project: Path,
                                                                     tmp_path: Path,
                                                                     size: str) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    inputs = tree_sha256(project)
    script = (f"mount -t tmpfs -o size={size} tmpfs {disk} && "
              f"{COMMAND} run {project} --out {disk}/out; code=$?; "
              f"cp -a {disk}/out {tmp_path}/seen; exit $code")
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True,
                          text=True, timeout=900, check=False)
    assert done.returncode == 1, done.stderr[-2000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: cannot read or write {disk}/out/"), last
    assert "No space left on device" in last
    assert "Traceback" not in done.stderr + done.stdout
    _says_incomplete(tmp_path / "seen")
    assert tree_sha256(project) == inputs


def test_a_run_killed_half_way_is_marked_incomplete_and_a_rerun_completes_it(
        project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = subprocess.Popen([COMMAND, "run", str(project), "--out", str(out)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not list((out / "partner").glob("K0*.html")):
            time.sleep(0.2)
        assert list((out / "partner").glob("K0*.html")), "no report was written"
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    _says_incomplete(out)
    rerun = subprocess.run([COMMAND, "run", str(project), "--out", str(out)],
                           capture_output=True, text=True, timeout=900, check=False)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert json.loads((out / ".transfer-evaluation.json").read_text())["complete"] is True
    clean = subprocess.run([COMMAND, "run", str(project), "--out", str(tmp_path / "clean")],
                           capture_output=True, text=True, timeout=900, check=False)
    assert clean.returncode == 0
    assert report_sha256(out) == report_sha256(tmp_path / "clean")


def test_a_second_run_into_a_folder_being_written_stops_at_once(project: Path,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = subprocess.Popen([COMMAND, "run", str(project), "--out", str(out)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not (out / ".transfer-evaluation.json").exists():
            time.sleep(0.1)
        second = subprocess.run([COMMAND, "run", str(project), "--out", str(out)],
                                capture_output=True, text=True, timeout=900, check=False)
    finally:
        assert first.wait(timeout=900) == 0
    assert second.returncode == 2
    assert "another run is writing into" in second.stderr
    assert json.loads((out / ".transfer-evaluation.json").read_text())["complete"] is True
