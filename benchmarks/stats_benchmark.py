"""How long do the statistics take? The example project, and every German municipality.

Run from the repository root::

    python benchmarks/stats_benchmark.py                    # compute_results on the example
    python benchmarks/stats_benchmark.py --large            # + 10,800 sites x 30 x 52 items
    python benchmarks/stats_benchmark.py --large --sites 2000 --skip-example

The example part loads ``surveys/example`` and times
:func:`evaluation.analysis.compute.compute_results` step by step (every statistics function it
calls is wrapped with a timer). The large part builds a synthetic
:class:`~evaluation.io.SurveyData` directly with numpy (categorical columns, no CSV) and
times the statistics whose cost grows with the number of sites: the item matrix (built once
and shared), scoring, item analysis, the reliability table (pooled
alpha and omega with bootstrap, alpha per site), the aggregation table (ICC, REML variance
components, rwg(j)), site against pool for every scale and site, and the change of every
site between two waves (a second wave of scores made from the first). Each step prints wall
and CPU seconds and the peak resident memory so far (``resource.getrusage``);
``--tracemalloc`` adds the peak of traced allocations per step (numpy arrays included;
slows the run a little).

See ``benchmarks/README.md`` for measured figures.
"""

from __future__ import annotations

import argparse
import functools
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "surveys" / "example"

#: functions compute_results calls, timed where evaluation.analysis.compute looks them up
EXAMPLE_STEPS = (
    "item_matrix", "score_scales", "response_counts", "item_quality", "straightlining",
    "site_vs_pool",
    "item_analysis", "reliability_table", "aggregation_table", "eye_level", "wave_change",
    "paired_change", "attrition_table", "wave_model", "wide_scores", "driver_model",
    "challenge_table", "analyse_networks", "analyse_participation", "analyse_ideas",
)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (ru_maxrss is KB on Linux)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 / (1024 if sys.platform == "darwin" else 1)


@dataclass
class Timing:
    calls: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    rss_mb: float = 0.0
    traced_mb: float = float("nan")


@dataclass
class Report:
    title: str
    steps: dict[str, Timing] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @contextmanager
    def step(self, name: str, *, traced: bool = False) -> Iterator[None]:
        timing = self.steps.setdefault(name, Timing())
        if traced:
            tracemalloc.reset_peak()
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            timing.calls += 1
            timing.wall += time.perf_counter() - wall
            timing.cpu += time.process_time() - cpu
            timing.rss_mb = peak_rss_mb()
            if traced:
                timing.traced_mb = tracemalloc.get_traced_memory()[1] / 2**20

    def print(self, *, total: str | None = None) -> None:
        print(f"\n## {self.title}\n")
        print(f"{'step':<38} {'calls':>5} {'wall s':>8} {'cpu s':>8} {'peak RSS MB':>12} "
              f"{'traced MB':>10}")
        for name, t in self.steps.items():
            traced = "" if np.isnan(t.traced_mb) else f"{t.traced_mb:10.0f}"
            print(f"{name:<38} {t.calls:>5} {t.wall:8.2f} {t.cpu:8.2f} {t.rss_mb:12.0f} "
                  f"{traced:>10}")
        if total is not None:
            t = self.steps[total]
            print(f"{'TOTAL (' + total + ')':<38} {'':>5} {t.wall:8.2f} {t.cpu:8.2f} "
                  f"{t.rss_mb:12.0f}")
        for note in self.notes:
            print(f"- {note}")


# -- the example project ----------------------------------------------------------------------


def run_example(n_boot: int, *, traced: bool) -> Report:
    from evaluation.analysis import compute as analysis
    from evaluation.config import load_project
    from evaluation.io import load_survey
    from evaluation.io.participation import load_participation
    from evaluation.participation import goals

    report = Report("compute_results on surveys/example")
    with report.step("load project, survey, participation"):
        project = load_project(EXAMPLE)
        survey = load_survey(project)
        participation = load_participation(project)

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with report.step(f"  {name}"):
                return function(*args, **kwargs)
        return wrapper

    # item_matrix is timed once compute_results builds it itself (and shares it)
    originals = {name: getattr(analysis, name) for name in EXAMPLE_STEPS
                 if hasattr(analysis, name)}
    goal_originals = {name: getattr(goals, name) for name in ("goal_progress", "goal_summary")}
    try:
        for name, function in originals.items():
            setattr(analysis, name, timed(name, function))
        for name, function in goal_originals.items():
            setattr(goals, name, timed(name, function))
        with report.step("compute_results", traced=traced):
            results = analysis.compute_results(project, survey, participation, n_boot=n_boot)
    finally:
        for name, function in originals.items():
            setattr(analysis, name, function)
        for name, function in goal_originals.items():
            setattr(goals, name, function)
    report.notes.append(f"{len(survey.respondents)} questionnaires, "
                        f"{len(project.sites)} sites, {len(project.wave_keys)} waves, "
                        f"{len(results.tables)} tables, n_boot={n_boot}")
    return report


# -- the large synthetic case -----------------------------------------------------------------


def synthetic_survey(codebook: Any, *, n_sites: int, per_site: int, n_items: int = 52,
                     seed: int = 0, missing: float = 0.05, cannot_judge: float = 0.03) -> Any:
    """One wave of ``n_sites`` x ``per_site`` respondents answering ``n_items`` items.

    The items are the codebook's scale items (51 in the default instrument), then its other
    items (challenges) up to ``n_items``. Answers on the codebook's scale come from a
    general factor, one factor per scale and a site effect per scale (ICC around .05 to
    .10), rounded and clipped; reverse-keyed items are mirrored. A share ``missing`` of
    answers is "no answer" and ``cannot_judge`` is "kann ich nicht beurteilen" (both NaN).
    Columns are categorical as after ingest; rows are respondent by respondent.
    """
    from evaluation import columns as C
    from evaluation.io.ingest import STATUS_DTYPE, SurveyData

    rng = np.random.default_rng(seed)
    keys = list(codebook.scales)
    items = [i for key in keys for i in codebook.scales[key].items]
    scale_of_item = [keys.index(key) for key in keys for _ in codebook.scales[key].items]
    extra = [i for i in codebook.items if i not in set(items)][:max(n_items - len(items), 0)]
    items = (items + extra)[:n_items]
    scale_of_item = np.array((scale_of_item + [0] * len(extra))[:n_items])
    reverse = np.array([bool(codebook.items[i].reverse) for i in items])
    n, k = n_sites * per_site, len(items)
    lo, hi = codebook.scale_min, codebook.scale_max
    site_of_person = np.repeat(np.arange(n_sites, dtype=np.int32), per_site)
    latent = (0.6 * rng.standard_normal((n, 1)) + 0.7 * rng.standard_normal((n, len(keys)))
              + 0.3 * rng.standard_normal((n_sites, len(keys)))[site_of_person])
    middle = (lo + hi) / 2
    answers = np.empty((n, k))
    for j in range(k):  # column by column keeps the temporaries small
        raw = middle + 0.8 * latent[:, scale_of_item[j]] + 0.7 * rng.standard_normal(n)
        raw = np.clip(np.rint(raw), lo, hi)
        answers[:, j] = lo + hi - raw if reverse[j] else raw
    del latent
    draw = rng.random((n, k))
    status = np.zeros((n, k), dtype=np.int8)  # codes of STATUS_DTYPE: 0 valid
    status[draw < missing] = list(STATUS_DTYPE.categories).index(C.NO_ANSWER)
    status[(draw >= missing) & (draw < missing + cannot_judge)] = list(
        STATUS_DTYPE.categories).index(C.CANNOT_JUDGE)
    del draw
    answers[status != 0] = np.nan
    respondent_ids = pd.Index([f"R{i:07d}" for i in range(n)])
    site_ids = pd.Index([f"S{s:05d}" for s in range(n_sites)])
    person = np.repeat(np.arange(n, dtype=np.int32), k)
    responses = pd.DataFrame({
        C.RESPONDENT: pd.Categorical.from_codes(person, categories=respondent_ids),
        C.SITE: pd.Categorical.from_codes(np.repeat(site_of_person, k), categories=site_ids),
        C.WAVE: pd.Categorical.from_codes(np.zeros(n * k, dtype=np.int8), categories=["w1"]),
        C.ITEM: pd.Categorical.from_codes(np.tile(np.arange(k, dtype=np.int8), n),
                                          categories=items),
        C.VALUE: answers.reshape(-1),
        C.STATUS: pd.Categorical.from_codes(status.reshape(-1), dtype=STATUS_DTYPE),
    })
    respondents = pd.DataFrame({
        C.RESPONDENT: pd.Categorical.from_codes(np.arange(n), categories=respondent_ids),
        C.SITE: pd.Categorical.from_codes(site_of_person, categories=site_ids),
        C.WAVE: pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=["w1"]),
    })
    return SurveyData(respondents=respondents, responses=responses)


def second_wave(scores: pd.DataFrame, *, seed: int = 1) -> pd.DataFrame:
    """The scores again as wave ``w2``: every score moved by noise (sd 0.5) and a site shift
    (sd 0.2), rounded to thirds and clipped to the range of the first wave."""
    from evaluation import columns as C

    rng = np.random.default_rng(seed)
    site_code = scores[C.SITE].cat.codes.to_numpy() if isinstance(
        scores[C.SITE].dtype, pd.CategoricalDtype) else pd.factorize(scores[C.SITE])[0]
    shift = 0.2 * rng.standard_normal(site_code.max() + 1)[site_code]
    moved = scores[C.SCORE].to_numpy() + shift + 0.5 * rng.standard_normal(len(scores))
    low, high = np.nanmin(scores[C.SCORE]), np.nanmax(scores[C.SCORE])
    keep = [C.RESPONDENT, C.SITE, C.WAVE, C.SCALE, C.SCORE]
    later = scores[keep].assign(**{C.WAVE: "w2",
                                   C.SCORE: np.clip(np.round(moved * 3) / 3, low, high)})
    return pd.concat([scores[keep].assign(**{C.WAVE: "w1"}), later], ignore_index=True)


def run_large(n_sites: int, per_site: int, n_items: int, n_boot: int, *, shared_matrix: bool,
              traced: bool) -> Report:
    from evaluation.analysis import item_matrix
    from evaluation.analysis.aggregation import aggregation_table
    from evaluation.analysis.compare import site_vs_pool
    from evaluation.analysis.items import item_analysis
    from evaluation.analysis.reliability import reliability_table
    from evaluation.analysis.scales import score_scales
    from evaluation.analysis.waves import wave_change
    from evaluation.config import load_project

    book = load_project(EXAMPLE).codebook
    report = Report(f"synthetic: {n_sites:,} sites x {per_site} respondents x {n_items} items")
    with report.step("build SurveyData (not counted)"):
        survey = synthetic_survey(book, n_sites=n_sites, per_site=per_site, n_items=n_items)
    n_answers = len(survey.responses)
    counted = ["score_scales", "item_analysis", "reliability_table", "aggregation_table",
               "site_vs_pool (all scales and sites)", "wave_change (two waves)"]
    shared: dict[str, Any] = {}
    if shared_matrix:  # as compute_results: one pivot of the answers for the three steps
        counted.insert(0, "item_matrix (shared)")
        with report.step("item_matrix (shared)", traced=traced):
            shared["matrix"] = item_matrix(survey)
    with report.step("score_scales", traced=traced):
        scores = score_scales(survey, book, **shared)
    with report.step("item_analysis", traced=traced):
        item_analysis(survey, book, **shared)
    with report.step("reliability_table", traced=traced):
        reliability_table(survey, book, n_boot=n_boot, **shared)
    shared.clear()
    scale_items = {key: list(s.items) for key, s in book.scales.items() if len(s.items) > 1}
    with report.step("aggregation_table", traced=traced):
        aggregation_table(scores, survey.responses, scale_items=scale_items,
                          n_options=book.scale_max - book.scale_min + 1)
    with report.step("site_vs_pool (all scales and sites)", traced=traced):
        site_vs_pool(scores, min_n=5)
    del survey  # make room: the statistics of the answers are done
    with report.step("second wave of scores (not counted)"):
        both = second_wave(scores)
    with report.step("wave_change (two waves)", traced=traced):
        wave_change(both, waves=("w1", "w2"), min_n=5)
    total = sum(report.steps[step].wall for step in counted)
    total_cpu = sum(report.steps[step].cpu for step in counted)
    report.notes.append(
        f"total of the counted steps: {total:.1f} s wall, {total_cpu:.1f} s CPU; peak RSS "
        f"{peak_rss_mb():.0f} MB")
    report.notes.append(f"{n_answers:,} answer rows, {len(scores):,} scores, "
                        f"n_boot={n_boot}, "
                        f"{'one shared item matrix' if shared_matrix else 'matrix rebuilt'}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", action="store_true",
                        help="also run the synthetic case (default 10,800 sites)")
    parser.add_argument("--sites", type=int, default=10_800, help="sites of the large case")
    parser.add_argument("--respondents", type=int, default=30, help="respondents per site")
    parser.add_argument("--n-boot", type=int, default=500, help="omega bootstrap replicates")
    parser.add_argument("--items", type=int, default=52, help="items of the large case")
    parser.add_argument("--rebuild-matrix", action="store_true",
                        help="let scoring, item analysis and reliability each pivot the "
                             "answers (as before the matrix could be shared)")
    parser.add_argument("--skip-example", action="store_true")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also report the peak of traced allocations per step")
    args = parser.parse_args(argv)
    if args.sites < 2 or args.respondents < 2:
        parser.error("--sites and --respondents must be at least 2")
    if args.tracemalloc:
        tracemalloc.start()
    import os

    print(f"# stats benchmark, {time.strftime('%Y-%m-%d %H:%M')}, Python "
          f"{platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    if not args.skip_example:
        run_example(args.n_boot, traced=args.tracemalloc).print(total="compute_results")
    if args.large:
        run_large(args.sites, args.respondents, args.items, args.n_boot,
                  shared_matrix=not args.rebuild_matrix, traced=args.tracemalloc).print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
