"""The batch on a Dask cluster gives the same reports as the local worker pool.

A LocalCluster with two worker processes of one thread each stands for a real cluster; every
worker keeps a warm kernel for the batch and shuts it down when the batch ends.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pandas as pd
import pytest

from evaluation.execution import Task, make_executor, run_batch
from evaluation.execution.warm import WarmKernelExecutor
from evaluation.pipeline import RenderJob, finish_report
from evaluation.results import Results, save_results
from tests.conftest import ROOT

distributed = pytest.importorskip(
    "distributed", reason="dask.distributed is not installed (the optional `dask` extra)")

pytestmark = pytest.mark.slow

STANDIN = ROOT / "tests" / "data" / "notebooks" / "pipeline"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local_cluster:
        yield local_cluster


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster) as connected:
        yield connected


def batch(folder: Path) -> list[Task]:
    """Site reports of the stand-in notebook, K03 failing on purpose, written into folder."""
    counts = pd.DataFrame({"site": ["K01", "K02", "K03", "K04"], "wave": ["w3"] * 4,
                           "n": [12, 7, 9, 30], "invited": 40,
                           "response_rate": [0.3, 0.175, 0.225, 0.75]})
    save_results(Results(meta={}, tables={"counts": counts}), folder / "_run", key={})
    tasks = []
    for edition in ("partner", "evaluator"):
        for site in ("K01", "K02", "K03", "K04"):
            job = RenderJob(target=folder / edition / f"{site}.html", edition=edition,
                            language="de", branding={"project_name": "Test"},
                            date_iso="2026-01-01T00:00:00+00:00",
                            provenance={"parameters": {"site": site}})
            tasks.append(Task(key=f"{edition}/{site}", notebook=STANDIN / "site_report.ipynb",
                              params={"site": site, "edition": edition}, cwd=folder,
                              finish=functools.partial(finish_report, job=job)))
    return tasks


def outcome(results):
    return [(r.key, r.ok, r.error, r.value and r.value["sha256"]) for r in results]


def kernel_processes() -> int:
    """Child processes of this (worker) process: its kernels."""
    children = 0
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children", encoding="ascii") as handle:
            children += len(handle.read().split())
    return children


def test_a_batch_on_dask_workers_gives_the_same_reports_as_the_local_pool(client, tmp_path):
    local = run_batch(batch(tmp_path / "local"), WarmKernelExecutor(timeout=60), jobs=2,
                      progress=False)
    executor = make_executor("dask", scheduler=client.scheduler.address, timeout=60)
    try:
        remote = run_batch(batch(tmp_path / "dask"), executor, progress=False)
    finally:
        executor.close()
    assert outcome(remote) == outcome(local)
    assert [r.ok for r in remote] == [True, True, False, True] * 2
    assert "planted failure for K03" in remote[2].error
    for edition in ("partner", "evaluator"):
        for site in ("K01", "K02", "K04"):
            name = Path(edition) / f"{site}.html"
            assert (tmp_path / "dask" / name).read_bytes() == (
                tmp_path / "local" / name).read_bytes()


def test_both_workers_take_tasks_and_shut_their_kernels_down_afterwards(client, tmp_path):
    from evaluation.execution.distributed import DaskExecutor

    executor = DaskExecutor(scheduler=client, worker_executor=WarmKernelExecutor(timeout=60))
    with distributed.get_task_stream(client=client) as stream:
        results = executor.run_tasks(batch(tmp_path), progress=False)
    executor.close()  # a client passed in stays open
    assert len(results) == 8
    assert client.status == "running"
    assert len({record["worker"] for record in stream.data}) == 2
    assert set(client.run(kernel_processes).values()) == {0}
    assert not client.futures


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    from evaluation.errors import ExecutorError
    from evaluation.execution.distributed import DaskExecutor

    executor = DaskExecutor(scheduler="tcp://127.0.0.1:9", connect_timeout=1)
    with pytest.raises(ExecutorError, match=r"cannot reach the Dask scheduler at tcp://127"):
        run_batch(batch(tmp_path), executor, progress=False)
