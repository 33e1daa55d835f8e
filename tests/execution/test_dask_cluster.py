"""The cluster path as the README documents it: `dask scheduler` and `dask worker` started as
separate processes, then `transfer-eval run PROJECT --scheduler ADDRESS`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
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


def _start(log: Path, *args: str, env: dict[str, str] | None = None
           ) -> subprocess.Popen[bytes]:
    with log.open("wb") as handle:  # the child keeps its own copy of the file
        # own session: stopping a worker stops its kernels too, as when a machine is lost
        return subprocess.Popen([str(BIN / "dask"), *args], stdout=handle,
                                stderr=subprocess.STDOUT, env=env, start_new_session=True)


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in reversed(processes):
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


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
        _stop(processes)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TRANSFER_EVAL_KEY"}
    return subprocess.run([str(BIN / "transfer-eval"), *args], capture_output=True, text=True,
                          timeout=900, env=env, check=False)


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    """The example project and the SHA-256 of its reports from a local run."""
    project = copy_example(tmp_path_factory.mktemp("local"))
    out = project.parent.parent / "out"
    done = _run("run", str(project), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return project, report_sha256(out)


def test_the_cli_on_separate_scheduler_and_worker_processes_matches_the_local_run(
        scheduler, local_run, tmp_path):
    project, local_files = local_run
    on_cluster = _run("run", str(project), "--out", str(tmp_path / "cluster"), "--scheduler",
                      scheduler)
    assert on_cluster.returncode == 0, on_cluster.stderr
    assert "39 of 39 reports written" in on_cluster.stdout
    cluster_files = report_sha256(tmp_path / "cluster")
    # 39 reports, 19 workbooks, the data dictionary, index, manifest, marker
    assert len(cluster_files) == 62
    assert cluster_files == local_files


def test_a_worker_killed_mid_batch_fails_only_its_reports_clearly(local_run, tmp_path):
    """Two workers without nannies (a lost worker stays lost) and a scheduler that does not
    retry a task whose worker died; one worker and its kernels are killed while both are
    busy. Its reports fail with one clear line each; every other report equals the local
    run's byte for byte; a rerun without the dead worker completes the folder."""
    project, local_files = local_run
    logs = tmp_path / "logs"
    logs.mkdir()
    address = f"tcp://127.0.0.1:{_free_port()}"
    host, port = address.removeprefix("tcp://").split(":")
    no_retry = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"}
    processes = [_start(logs / "scheduler.log", "scheduler", "--host", host, "--port", port,
                        "--no-dashboard", env=no_retry)]
    try:
        with distributed.Client(address, timeout=60) as client:
            for i in range(2):
                processes.append(_start(logs / f"worker{i}.log", "worker", address,
                                        "--nthreads", "1", "--no-nanny", "--no-dashboard"))
            client.wait_for_workers(2, timeout=120)
            pids = client.run(os.getpid)
            out = tmp_path / "out"
            env = {k: v for k, v in os.environ.items() if k != "TRANSFER_EVAL_KEY"}
            run = subprocess.Popen(
                [str(BIN / "transfer-eval"), "run", str(project), "--out", str(out),
                 "--scheduler", address], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, env=env)
            victim = None
            deadline = time.monotonic() + 600
            while run.poll() is None and time.monotonic() < deadline:
                busy = {worker: keys for worker, keys in client.processing().items() if keys}
                # both busy, and the batch past its first tasks: mid-batch
                if victim is None and len(busy) == 2 and all(
                        int(key.rsplit("-", 1)[1]) >= 4 for key in busy[min(busy)]):
                    victim = min(busy)
                    os.killpg(pids[victim], signal.SIGKILL)
                time.sleep(0.2)
            stdout, stderr = run.communicate(timeout=600)
    finally:
        _stop(processes)
    assert victim is not None, "the batch ended before both workers were busy"
    assert run.returncode == 1, stderr
    assert "Traceback" not in stdout + stderr
    failed = [line for line in stdout.splitlines() if line.startswith("  - ")]
    assert 1 <= len(failed) <= 2, stdout  # the task it ran, and one it may have held
    assert all("the Dask worker running this report stopped before it was done" in line
               for line in failed)
    assert f"{39 - len(failed)} of 39 reports written" in stdout
    written = report_sha256(out)
    for name in ("index.html", "manifest.json"):
        written.pop(name, None)
        local_files = {k: v for k, v in local_files.items() if k != name}
    failed_reports = {line.split(":")[0].removeprefix("  - ") + ".html" for line in failed}
    assert failed_reports <= set(local_files)
    for report, digest in local_files.items():
        if report in failed_reports:
            assert "Traceback" not in (out / report).read_text(encoding="utf-8")
        else:
            assert written[report] == digest, report
    rerun = _run("run", str(project), "--out", str(out))
    assert rerun.returncode == 0, rerun.stderr
    assert report_sha256(out) == local_run[1]


def test_an_unreachable_scheduler_is_one_clear_line(tmp_path):
    project = copy_example(tmp_path)
    done = _run("run", str(project), "--out", str(tmp_path / "out"), "--scheduler",
                f"tcp://127.0.0.1:{_free_port()}")
    assert done.returncode == 1
    assert "cannot reach the Dask scheduler" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
