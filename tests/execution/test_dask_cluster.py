"""The cluster path as the README documents it: `dask scheduler` and `dask worker` started as
separate processes, then `transfer-eval run PROJECT --scheduler ADDRESS`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_example, report_sha256

distributed = pytest.importorskip(
    "distributed", reason="dask.distributed is not installed (the optional `dask` extra)")

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as handle:  # the child keeps its own copy of the file
        return subprocess.Popen([str(BIN / "dask"), *args], stdout=handle,
                                stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """A scheduler and two single-thread workers, each its own process, as the README says."""
    logs = tmp_path_factory.mktemp("dask-logs")
    address = f"tcp://127.0.0.1:{_free_port()}"
    host, port = address.removeprefix("tcp://").split(":")
    processes = [_start(logs / "scheduler.log", "scheduler", "--host", host, "--port", port,
                        "--no-dashboard")]
    try:
        with distributed.Client(address, timeout=60) as client:
            processes.append(_start(logs / "worker.log", "worker", address, "--nthreads", "1",
                                    "--nworkers", "2", "--no-dashboard"))
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TRANSFER_EVAL_KEY"}
    return subprocess.run([str(BIN / "transfer-eval"), *args], capture_output=True, text=True,
                          timeout=900, env=env, check=False)




def test_the_cli_on_separate_scheduler_and_worker_processes_matches_the_local_run(
        scheduler, tmp_path):
    project = copy_example(tmp_path)
    on_cluster = _run("run", str(project), "--out", str(tmp_path / "cluster"), "--scheduler",
                      scheduler)
    assert on_cluster.returncode == 0, on_cluster.stderr
    assert "39 of 39 reports written" in on_cluster.stdout
    local = _run("run", str(project), "--out", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr
    cluster_files = report_sha256(tmp_path / "cluster")
    assert len(cluster_files) == 42  # 39 reports, index, manifest, marker
    assert cluster_files == report_sha256(tmp_path / "local")


def test_an_unreachable_scheduler_is_one_clear_line(tmp_path):
    project = copy_example(tmp_path)
    done = _run("run", str(project), "--out", str(tmp_path / "out"), "--scheduler",
                f"tcp://127.0.0.1:{_free_port()}")
    assert done.returncode == 1
    assert "cannot reach the Dask scheduler" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
