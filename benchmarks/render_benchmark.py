"""Rendering benchmark: our batch against the naive per-site loop and the render floor.

Usage::

    python benchmarks/render_benchmark.py --sites 18 100 400 [--jobs 2] [--readme]

Data. The example project (18 sites, ``surveys/example``) is computed once; for N sites its
results are replicated: site ``K001`` ... ``K{N}`` is a copy of example site
``K{(i - 1) % 18 + 1}`` in every table with a ``site`` column and in the site networks, with
the site names numbered; pool-level tables stay as they are. Every site report therefore does
the same work as a report of the example (same rows per site, same charts), while the run
folder grows with N as it would with real data. The reports are the real
``notebooks/site_report.ipynb``, alternately partner and evaluator edition.

Measured in one run, each in its own process (memory of one does not count for another):

``ours``
    :func:`evaluation.execution.batch.run_batch` with the warm executor on ``--jobs`` worker
    processes (default: the cores), rendering and writing each report as the pipeline does;
    worker start-up and kernel start included.
``naive``
    for each site, the ``papermill`` command, then ``jupyter nbconvert --to html
    --no-input``. Above ``--naive-max`` sites, ``--naive-sample`` sites are run and the
    time is extrapolated (the output says so).
``floor``
    the notebook's cells run by an IPython shell inside one warm process (no kernel, no
    messages), outputs captured and rendered and written like a report: median of
    ``--repeats`` rounds after a warm-up round.

Memory: peak of the summed resident memory of the measuring process and all its descendants
(sampled from ``/proc`` every 0.2 s), the largest ``VmHWM`` of any kernel process, and the
drift of a kernel's resident memory from the middle to the end of the batch (growth per
report would show there). CPU seconds are those of the measuring process and all its
descendants (``getrusage`` of self and children), which a busy machine does not inflate the
way it inflates wall time.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "site_report.ipynb"
EXAMPLE = ROOT / "surveys" / "example"
BIN = Path(sys.executable).parent
WAVE, LANGUAGE = "w3", "de"
SOURCE_DATE = "2026-11-01T00:00:00+00:00"
RUN_DIR, STORE_DIR = "_run", "charts"  # evaluation.pipeline.RUN_DIR, report.chart_store


# ------------------------------------------------------------------------------- data


def example_results(work: Path) -> Path:
    """The example project's run folder (computed once, reused while inputs are unchanged)."""
    from evaluation.config import load_project
    from evaluation.io import validate_project
    from evaluation.pipeline import RUN_DIR, cache_key, load_or_compute

    project = load_project(EXAMPLE)
    run_dir = work / "example" / RUN_DIR
    load_or_compute(project, validate_project(project), run_dir, cache_key(project))
    return run_dir


def site_keys(n: int) -> list[str]:
    return [f"K{i:03d}" for i in range(1, n + 1)]


def replicate(base_run: Path, n: int, folder: Path) -> Path:
    """A project folder whose ``_run`` holds the example's results copied to ``n`` sites."""
    import pandas as pd

    from evaluation.results import load_results, save_results

    target = folder / "_run" / "results.pkl"
    if target.is_file():
        return folder
    base = load_results(base_run)
    originals = [s["key"] for s in base.meta["sites"]]
    mapping = {new: originals[i % len(originals)] for i, new in enumerate(site_keys(n))}
    tables = {}
    for name, table in base.tables.items():
        if "site" not in table.columns:
            tables[name] = table
            continue
        parts = [table[table["site"] == old].assign(site=new) for new, old in mapping.items()]
        tables[name] = pd.concat(parts, ignore_index=True)
    sites = {s["key"]: s for s in base.meta["sites"]}
    meta = {**base.meta, "sites": [{**sites[old], "key": new, "name": f"{sites[old]['name']} {new}"}
                                   for new, old in mapping.items()]}
    networks = base.objects.get("networks") or {}
    objects = {**base.objects, "networks": {
        (new, wave): dataclasses.replace(net, site=new)
        for new, old in mapping.items() for (site, wave), net in networks.items() if site == old}}
    results = type(base)(meta=meta, tables=tables, objects=objects)
    save_results(results, target.parent, key={"benchmark_sites": n})
    return folder


def params(site: str, index: int) -> dict[str, str]:
    edition = "partner" if index % 2 == 0 else "evaluator"
    return {"run_dir": "_run", "site": site, "wave": WAVE, "edition": edition,
            "language": LANGUAGE}


# --------------------------------------------------------------------------- memory


class TreeMemory:
    """Samples this process and its descendants: summed RSS, kernels' VmHWM and RSS drift."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval, self.peak_kb, self.kernel_hwm_kb = interval, 0, 0
        self.kernel_rss: dict[int, list[int]] = {}  # kernel pid -> RSS samples (kB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._cpu = _cpu_seconds()

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.cpu_seconds = _cpu_seconds() - self._cpu

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        tree, frontier = [os.getpid()], [os.getpid()]
        while frontier:
            children = _children(frontier.pop())
            tree += children
            frontier += children
        total = 0
        for pid in tree:
            status = _status(pid)
            total += status.get("VmRSS", 0)
            if "ipykernel" in _cmdline(pid):
                self.kernel_hwm_kb = max(self.kernel_hwm_kb, status.get("VmHWM", 0))
                self.kernel_rss.setdefault(pid, []).append(status.get("VmRSS", 0))
        self.peak_kb = max(self.peak_kb, total)

    def kernel_drift_kb(self) -> int:
        """Largest growth of a kernel's RSS from the middle of its life to its end.

        Both ends are medians over a tenth of the samples, so one report's peak does not
        count; the first half (start-up, first imports) is left out.
        """
        drifts = []
        for rss in self.kernel_rss.values():
            tenth = len(rss) // 10
            if tenth >= 2:
                drifts.append(statistics.median(rss[-tenth - 1:-1])
                              - statistics.median(rss[len(rss) // 2:][:tenth]))
        return int(max(drifts, default=0))


def _cpu_seconds() -> float:
    import resource

    return sum(u.ru_utime + u.ru_stime for u in (
        resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(c) for c in handle.read().split()]
    except OSError:
        pass
    return found


def _status(pid: int) -> dict[str, int]:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in handle)
                    if k in ("VmRSS", "VmHWM")}
    except OSError:
        return {}


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().decode(errors="replace")
    except OSError:
        return ""


def memory_record(memory: TreeMemory) -> dict[str, float]:
    """What :class:`TreeMemory` saw, and this process's own ``VmHWM``.

    ``getrusage(...).ru_maxrss`` is not used: Linux keeps it across fork and exec, so a
    measuring process started from a big parent reports the parent's peak.
    """
    mb = 1024.0
    return {"cpu_seconds": memory.cpu_seconds,
            "peak_tree_mb": memory.peak_kb / mb, "kernel_hwm_mb": memory.kernel_hwm_kb / mb,
            "kernel_drift_mb": memory.kernel_drift_kb() / mb,
            "self_hwm_mb": _status(os.getpid()).get("VmHWM", 0) / mb}


# ---------------------------------------------------------------------- measurements


def forget_charts(folder: Path) -> None:
    """Empty the run folder's chart store: every way draws its charts (one edition per site)."""
    shutil.rmtree(folder / RUN_DIR / STORE_DIR, ignore_errors=True)


def measure_ours(folder: Path, n: int, jobs: int) -> dict[str, Any]:
    from evaluation.execution import Task, run_batch
    from evaluation.execution.warm import WarmKernelExecutor
    from evaluation.pipeline import RenderJob, finish_report

    tasks = []
    for i, site in enumerate(site_keys(n)):
        p = params(site, i)
        job = RenderJob(target=folder / "ours" / p["edition"] / f"{site}.html",
                        edition=p["edition"], language=LANGUAGE,
                        branding={"project_name": "Benchmark"}, date_iso=SOURCE_DATE,
                        provenance={"parameters": p})
        tasks.append(Task(key=site, notebook=NOTEBOOK, params=p, cwd=folder,
                          finish=functools.partial(finish_report, job=job)))
    forget_charts(folder)
    with TreeMemory() as memory:
        start = time.perf_counter()
        results = run_batch(tasks, WarmKernelExecutor(), jobs=jobs, progress=False)
        seconds = time.perf_counter() - start
    failed = [f"{r.key}: {r.error}" for r in results if not r.ok]
    return {"seconds": seconds, "reports": n, "failed": failed, **memory_record(memory)}


def measure_naive(folder: Path, sites: list[str], all_sites: list[str]) -> dict[str, Any]:
    out = folder / "naive"
    out.mkdir(exist_ok=True)
    forget_charts(folder)
    with TreeMemory() as memory:
        start = time.perf_counter()
        for site in sites:
            executed = out / f"{site}.ipynb"
            p = params(site, all_sites.index(site))
            subprocess.run([str(BIN / "papermill"), str(NOTEBOOK), str(executed), "--cwd",
                            str(folder), "-y", json.dumps(p), "--no-progress-bar",
                            "--log-level", "ERROR"], check=True, stdout=subprocess.DEVNULL)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                            "--output-dir", str(out), str(executed)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "reports": len(sites), **memory_record(memory)}


def measure_floor(folder: Path, sites: list[str], repeats: int) -> dict[str, Any]:
    """Median seconds to run one report's cells in a warm process, render and write it."""
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from nbformat.v4 import new_code_cell, new_output

    from evaluation.atomic import write_atomic
    from evaluation.render import render_html

    shell = InteractiveShell.instance()
    template = nbformat.read(NOTEBOOK, as_version=4)
    os.chdir(folder)

    def one(site: str, index: int) -> tuple[float, float]:
        forget_charts(folder)
        start, cpu = time.perf_counter(), time.process_time()
        p = params(site, index)
        nb = nbformat.from_dict(template)
        position = next(i for i, c in enumerate(nb.cells)
                        if "parameters" in c.metadata.get("tags", []))
        injected = new_code_cell("\n".join(f"{k} = {v!r}" for k, v in p.items()),
                                 metadata={"tags": ["injected-parameters"]})
        nb.cells.insert(position + 1, injected)
        shell.reset(new_session=False)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            with capture_output() as captured:
                shell.run_cell(cell.source, store_history=False)
            cell.outputs = [new_output("display_data", data=o.data, metadata=o.metadata)
                            for o in captured.outputs]
            if captured.stdout:
                cell.outputs.append(new_output("stream", name="stdout", text=captured.stdout))
        html_text = render_html(nb, edition=p["edition"], language=LANGUAGE,
                                branding={"project_name": "Benchmark"},
                                source_date=dt.datetime.fromisoformat(SOURCE_DATE))
        write_atomic(folder / "floor" / f"{site}.html", html_text)
        return time.perf_counter() - start, time.process_time() - cpu

    with TreeMemory() as memory:
        for i, site in enumerate(sites[:2]):
            one(site, i)  # warm-up: imports, caches, fonts
        times = [one(site, i) for _ in range(repeats) for i, site in enumerate(sites)]
    return {**memory_record(memory), "seconds": statistics.median(t for t, _ in times),
            "cpu_per_report": statistics.median(c for _, c in times), "samples": len(times)}


def in_subprocess(kind: str, *args: str) -> dict[str, Any]:
    """Run one measurement in a fresh Python process; return its JSON record."""
    done = subprocess.run([sys.executable, __file__, "_measure", kind, *args], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------- report


def run(sizes: list[int], jobs: int, naive_max: int, naive_sample: int, repeats: int,
        work: Path) -> list[dict[str, Any]]:
    base_run = example_results(work)
    rows = []
    for n in sizes:
        folder = replicate(base_run, n, work / f"sites-{n}")
        keys = site_keys(n)
        print(f"[{n} sites] floor ...", file=sys.stderr, flush=True)
        floor = in_subprocess("floor", str(folder), ",".join(keys[:4]), str(repeats))
        print(f"[{n} sites] ours (jobs={jobs}) ...", file=sys.stderr, flush=True)
        ours = in_subprocess("ours", str(folder), str(n), str(jobs))
        sample = keys if n <= naive_max else keys[:: max(1, n // naive_sample)][:naive_sample]
        print(f"[{n} sites] naive loop on {len(sample)} sites ...", file=sys.stderr, flush=True)
        naive = in_subprocess("naive", str(folder), ",".join(sample), str(n))
        naive_per = naive["seconds"] / naive["reports"]
        rows.append({"sites": n, "jobs": jobs, "floor": floor, "ours": ours, "naive": naive,
                     "naive_extrapolated": len(sample) < n,
                     "naive_total": naive_per * n, "naive_per_report": naive_per,
                     "naive_cpu_per_report": naive["cpu_seconds"] / naive["reports"],
                     "ours_per_report": ours["seconds"] / n,
                     "ours_cpu_per_report": ours["cpu_seconds"] / n,
                     "ours_core_seconds_per_report": ours["seconds"] * jobs / n})
        print(table(rows[-1:]), file=sys.stderr)
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """Seconds per report (wall and CPU), the two ratios the targets name, and memory."""
    lines = ["| sites | naive s/report | ours s/report | floor s/report | naive / ours "
             "(batch wall time) | ours / floor (CPU s per report) | ours / floor (core-s "
             "per report) | peak memory ours / naive (MB) | kernel VmHWM (MB) | kernel RSS "
             "drift (MB) |",
             "|---:|---|---|---|---:|---:|---:|---|---:|---:|"]
    for r in rows:
        sample = (f", extrapolated from {r['naive']['reports']} sites"
                  if r["naive_extrapolated"] else "")
        lines.append(
            f"| {r['sites']} | {r['naive_per_report']:.2f} wall, "
            f"{r['naive_cpu_per_report']:.2f} CPU{sample} | "
            f"{r['ours_per_report']:.2f} wall, {r['ours_cpu_per_report']:.2f} CPU | "
            f"{r['floor']['seconds']:.2f} wall, {r['floor']['cpu_per_report']:.2f} CPU | "
            f"{r['naive_total'] / r['ours']['seconds']:.1f}x | "
            f"{r['ours_cpu_per_report'] / r['floor']['cpu_per_report']:.2f} | "
            f"{r['ours_core_seconds_per_report'] / r['floor']['seconds']:.2f} | "
            f"{r['ours']['peak_tree_mb']:.0f} / {r['naive']['peak_tree_mb']:.0f} | "
            f"{r['ours']['kernel_hwm_mb']:.0f} | {r['ours']['kernel_drift_mb']:+.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_measure":
        kind, folder, *rest = argv[1:]
        if kind == "ours":
            record = measure_ours(Path(folder), int(rest[0]), int(rest[1]))
        elif kind == "naive":
            record = measure_naive(Path(folder), rest[0].split(","), site_keys(int(rest[1])))
        else:
            record = measure_floor(Path(folder), rest[0].split(","), int(rest[1]))
        print(json.dumps(record))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, nargs="+", default=[18, 100, 400])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--naive-max", type=int, default=100,
                        help="run the naive loop on every site up to this many sites")
    parser.add_argument("--naive-sample", type=int, default=20,
                        help="sites the naive loop runs above --naive-max (extrapolated)")
    parser.add_argument("--repeats", type=int, default=3, help="floor rounds over 4 sites")
    parser.add_argument("--work", type=Path, default=Path("/tmp/render-benchmark"))
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = run(args.sites, args.jobs, args.naive_max, args.naive_sample, args.repeats,
               args.work)
    print(table(rows))
    print(f"\n{os.cpu_count()} cores, load average at the end "
          f"{os.getloadavg()[0]:.1f}; benchmark took {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
