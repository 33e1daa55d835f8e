"""The batch: validate, compute once, render every report, write the index and the manifest.

:func:`run_pipeline` reads like the script it is:

1. load the project file and check it;
2. validate all data in one pass (errors stop the run before anything is written);
3. compute every statistic once into the run folder ``OUT/_run`` (reused when the data, the
   parameters and the package version are unchanged);
4. check the parameters of every report before any report runs (the worker processes and
   their kernels start while step 3 runs);
5. render each site's partner and evaluator report, the cross-site synthesis and the
   conference digest in parallel
   (a failing report gets a page saying what failed; the batch goes on);
6. write ``index.html`` and ``manifest.json``.

Outputs (``OUT`` is e.g. ``reports/example``)::

    index.html                 links to every report (for the evaluation team)
    partner/<site>.html        one per site, for the municipal coordinator
    evaluator/<site>.html      one per site, for the evaluation team
    synthesis.html             cross-site synthesis (evaluation team)
    digest/slides.html         conference slides (pool level, no site named)
    digest/handout.html        one-page printable handout of the same findings
    manifest.json              data hash, parameters, versions, outputs with their hashes
    _run/                      computed results (see :mod:`evaluation.results.store`)
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from evaluation import columns as C
from evaluation.atomic import write_atomic
from evaluation.config import Branding, Project, load_project
from evaluation.errors import EvaluationError
from evaluation.execution import (
    Executor,
    Task,
    TaskResult,
    WorkerPool,
    check_parameters,
    make_executor,
    run_batch,
)
from evaluation.formats import write_formats
from evaluation.io import ValidationResult, validate_project
from evaluation.render import (
    check_output_folder,
    data_hash,
    failure_page,
    incomplete_index_html,
    index_html,
    inside,
    locked,
    manifest,
    manifest_json,
    mark,
    render_html,
    source_date,
    versions,
    was_completed,
)
from evaluation.results import RESULTS_FORMAT, Results, cached_key, load_results, save_results
from evaluation.spreadsheet import spreadsheet_safe
from evaluation.version import __version__

log = logging.getLogger("evaluation")

NOTEBOOK_DIR = Path(__file__).resolve().parent / "notebooks"
SITE_NOTEBOOK = "site_report.ipynb"
SYNTHESIS_NOTEBOOK = "synthesis.ipynb"
DIGEST_NOTEBOOK = "digest.ipynb"
RUN_DIR = "_run"
#: parameters of the computation that enter the cache key
COMPUTE_PARAMETERS = {"n_boot": 500}


@dataclass(kw_only=True)
class RunSummary:
    """What a run did: reports written, failures, whether results were reused."""

    project: Project | None
    out_dir: Path
    validation: ValidationResult | None = None
    reused_results: bool = False
    reports: list[dict[str, Any]] = field(default_factory=list)
    failures: list[TaskResult] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (self.validation is None or self.validation.ok) and not self.failures


def input_files(project: Project) -> list[Path]:
    """Every file whose content determines the results."""
    files = [project.path, project.instrument_path]
    files += [f.path for f in project.survey_files]
    files += list(project.participation.values())
    if project.branding.logo is not None:
        files.append(project.branding.logo)
    return sorted(set(files))


def cache_key(project: Project) -> dict[str, Any]:
    """What must be unchanged for computed results to be reused."""
    root = Path(*_common_root(input_files(project)))
    return {"data_sha256": data_hash(input_files(project), root=root),
            "package_version": __version__, "parameters": dict(COMPUTE_PARAMETERS),
            "results_format": RESULTS_FORMAT}


def _common_root(paths: list[Path]) -> tuple[str, ...]:
    parts = [p.resolve().parts for p in paths]
    common: list[str] = []
    for items in zip(*parts, strict=False):
        if len(set(items)) != 1:
            break
        common.append(items[0])
    return tuple(common)


def load_or_compute(project: Project, validation: ValidationResult, run_dir: Path,
                    key: dict[str, Any]) -> tuple[Results, bool]:
    """Results from the run folder when its key matches, else computed and stored."""
    if cached_key(run_dir) == key:
        log.info("inputs unchanged: reusing computed results in %s", run_dir)
        return load_results(run_dir), True
    from evaluation.analysis import compute_results

    log.info("computing all statistics")
    results = compute_results(project, validation.survey, validation.participation,
                              n_boot=COMPUTE_PARAMETERS["n_boot"])
    results.meta.update(results_meta(project, key))
    # learning partners name sites: run folder and evaluator outputs only
    from evaluation.peers import peer_tables

    results.tables.update(peer_tables(results))
    save_results(results, run_dir, key=key)
    return results, False


def results_meta(project: Project, key: dict[str, Any]) -> dict[str, Any]:
    """Metadata the report notebooks need besides the tables."""
    book = project.codebook
    return {
        "project": project.name,
        "synthetic": project.synthetic,
        "language": project.language,
        "report_date": project.report_date.isoformat() if project.report_date else None,
        "data_sha256": key["data_sha256"],
        "min_group_size": project.privacy.min_group_size,
        "open_benchmarking": project.privacy.open_benchmarking,
        "waves": [{"key": w.key, "label_de": w.label.de, "label_en": w.label.en,
                   "date": w.date.isoformat() if w.date else None} for w in project.waves],
        "sites": [{"key": s.key, "name": s.name, **s.attributes,
                   **({"open_exchange": True} if s.open_exchange else {}),
                   **({"article": s.article} if s.article is not None else {})}
                  for s in project.sites],
        "contact": dict(project.contact),
        "instrument_path": str(project.instrument_path),
        "instrument": f"{book.name} {book.version}",
        "min_valid_share": book.min_valid_share,
        "response_scale": {"min": book.scale_min, "max": book.scale_max,
                           "labels": {str(code): {"de": label.de, "en": label.en}
                                      for code, label in sorted(book.scale_labels.items())}},
        "challenges": list(book.challenges),
        "participation_tables": sorted(project.participation),
        "scales": [{"key": s.key, "kind": s.kind, "label_de": s.label.de,
                    "label_en": s.label.en, "items": list(s.items),
                    "higher_is_better": s.higher_is_better,
                    **({"question": {"de": s.question.de, "en": s.question.en}}
                       if s.question else {})}
                   for s in book.scales.values()],
        "items": {k: {"de": i.label.de, "en": i.label.en, "scale": i.scale,
                      "reverse": i.reverse, "kind": i.kind,
                      **({"question": {"de": i.question.de, "en": i.question.en}}
                         if i.question else {})} for k, i in book.items.items()},
        "attribute_labels": {a.key: {v.key: {"de": v.label.de, "en": v.label.en}
                                     for v in a.values} for a in book.attributes.values()},
        "attribute_names": {a.key: {"de": a.label.de, "en": a.label.en}
                            for a in book.attributes.values()},
        "eye_level": {"by": list(project.eye_level_by),
                      "scales": list(project.eye_level_scales)},
    }


def pool_composition(results: Results, wave: str) -> dict[str, Any]:
    """The pool a report compares with: how many sites and respondents entered it."""
    shown = results.table("shown")
    rows = shown[(shown[C.WAVE] == wave) & shown["shown"]]
    return {"wave": wave, "sites": len(rows), "respondents": int(rows[C.N].sum())}


@dataclass(frozen=True, kw_only=True)
class RenderJob:
    """Everything the worker needs to turn an executed notebook into a written report."""

    target: Path
    edition: str
    language: str
    branding: Branding
    date_iso: str
    provenance: dict[str, Any]


def finish_report(nb: nbformat.NotebookNode, task: Task, *, job: RenderJob) -> dict[str, Any]:
    """Render an executed notebook and write it atomically (runs in the worker)."""
    import datetime as dt

    html_text = render_html(nb, edition=job.edition, language=job.language,
                            branding=job.branding,
                            source_date=dt.datetime.fromisoformat(job.date_iso),
                            provenance=job.provenance)
    write_atomic(job.target, html_text)
    return {"path": str(job.target), "sha256": hashlib.sha256(html_text.encode()).hexdigest()}


def report_tasks(project: Project, results: Results, out_dir: Path, *, wave: str,
                 date_iso: str, key: dict[str, Any], notebooks: Path) -> list[Task]:
    """One task per site and edition, plus the synthesis; parameters checked here."""
    tasks: list[Task] = []
    site_nb = notebooks / SITE_NOTEBOOK
    synth_nb = notebooks / SYNTHESIS_NOTEBOOK
    pool = pool_composition(results, wave)
    vers = versions()

    def job(target: Path, edition: str, params: dict[str, Any], **extra: Any) -> RenderJob:
        record = manifest(parameters=params, data_sha256=key["data_sha256"],
                          source_date=_date(date_iso), versions=vers, pool=pool,
                          project=project.name, edition=edition, **extra)
        return RenderJob(target=target, edition=edition, language=project.language,
                         branding=project.branding, date_iso=date_iso, provenance=record)

    for edition in project.editions:
        for site in project.site_keys:
            params = {"run_dir": RUN_DIR, "site": site, "wave": wave, "edition": edition,
                      "language": project.language}
            params = check_parameters(site_nb, params)
            target = _target(out_dir, f"{edition}/{site}")
            tasks.append(Task(key=f"{edition}/{site}", notebook=site_nb, params=params,
                              cwd=out_dir, finish=functools.partial(
                                  finish_report, job=job(target, edition, params, site=site))))
    from evaluation.render import digest_task

    tasks.append(digest_task(out_dir, wave=wave, language=project.language,
                             branding=project.branding, date_iso=date_iso, run_dir=RUN_DIR,
                             notebook=notebooks / DIGEST_NOTEBOOK))
    params = check_parameters(synth_nb, {"run_dir": RUN_DIR, "wave": wave,
                                         "language": project.language})
    tasks.append(Task(key="synthesis", notebook=synth_nb, params=params, cwd=out_dir,
                      finish=functools.partial(finish_report, job=job(
                          _target(out_dir, "synthesis"), "evaluator", params)), priority=1))
    return tasks


def _date(iso: str) -> Any:
    import datetime as dt

    return dt.datetime.fromisoformat(iso)


def run_pipeline(project_path: str | Path, out_dir: str | Path, *, jobs: int | None = None,
                 executor: Executor | None = None, progress: bool | None = None,
                 notebooks: Path | None = None, scheduler: str | None = None,
                 formats: Sequence[str] = ()) -> RunSummary:
    """Run the whole batch for a project; see the module docstring. ``formats`` are written
    besides those the project names (``outputs.formats``; see :mod:`evaluation.formats`)."""
    started = time.perf_counter()
    project = load_project(project_path)
    out = Path(out_dir).expanduser().resolve()
    summary = RunSummary(project=project, out_dir=out)

    validation = validate_project(project)
    summary.validation = validation
    summary.seconds["validate"] = time.perf_counter() - started
    if not validation.ok:
        return summary

    out = check_output_folder(out, project_dir=project.folder, inputs=input_files(project))
    summary.out_dir = out
    with locked(out):
        _start_writing(out, project)
        _write_outputs(project, validation, out, summary, jobs=jobs, executor=executor,
                       progress=progress, notebooks=notebooks or NOTEBOOK_DIR,
                       scheduler=scheduler,
                       formats=tuple(dict.fromkeys((*project.formats, *formats))))
        mark(out, complete=True, version=__version__)
    summary.seconds["total"] = time.perf_counter() - started
    return summary


def _start_writing(out: Path, project: Project) -> None:
    """Mark the folder ours and incomplete: no manifest, an index that says so."""
    mark(out, complete=False, version=__version__)
    (out / "manifest.json").unlink(missing_ok=True)
    write_atomic(out / "index.html", incomplete_index_html(project.language))


def _write_outputs(project: Project, validation: ValidationResult, out: Path,
                   summary: RunSummary, *, jobs: int | None, executor: Executor | None,
                   progress: bool | None, notebooks: Path, scheduler: str | None,
                   formats: Sequence[str] = ()) -> None:
    """Compute (or reuse) the results and write every report, the index and the manifest."""
    key = cache_key(project)
    # the workers (and their warm kernels) start while this process computes
    pool = _early_pool(project, notebooks, executor=executor, jobs=jobs, scheduler=scheduler)
    try:
        t0 = time.perf_counter()
        results, summary.reused_results = load_or_compute(project, validation, out / RUN_DIR,
                                                          key)
        summary.seconds["compute"] = time.perf_counter() - t0

        wave = report_wave(project, results)
        date_iso = source_date(project.report_date).isoformat()
        tasks = report_tasks(project, results, out, wave=wave, date_iso=date_iso, key=key,
                             notebooks=notebooks)
        t0 = time.perf_counter()
        if pool is not None:
            outcomes = pool.run(tasks, progress=progress)
        else:
            own_executor = executor is None
            # on a cluster when a Dask scheduler is given
            executor = executor or make_executor(scheduler=scheduler or project.scheduler)
            try:
                outcomes = run_batch(tasks, executor, jobs=jobs, progress=progress)
            finally:
                if own_executor:
                    executor.close()
    finally:
        if pool is not None:
            pool.close()
    summary.seconds["render"] = time.perf_counter() - t0

    for task, outcome in zip(tasks, outcomes, strict=True):
        target = _target(out, task.key)
        if outcome.ok:
            value = dict(outcome.value)
            handout = value.pop("handout", None)
            summary.reports.append({"key": task.key, **value})
            if handout:
                summary.reports.append({"key": "digest/handout", **handout})
            continue
        summary.failures.append(outcome)
        edition = task.key.split("/")[0] if "/" in task.key else "evaluator"
        site = task.params.get("site", task.key)
        page = failure_page(site, wave, outcome.error or "", project.language,
                            edition=edition, branding=project.branding,
                            source_date=_date(date_iso))
        write_atomic(target, page)
        summary.reports.append({"key": task.key, "path": str(target), "failed": True,
                                "sha256": hashlib.sha256(page.encode()).hexdigest()})

    t0 = time.perf_counter()
    summary.reports.extend(write_formats(project, results, out, summary.reports, wave=wave,
                                         date=_date(date_iso), formats=formats,
                                         workers=min(2, jobs or os.cpu_count() or 1)))
    summary.seconds["formats"] = time.perf_counter() - t0
    write_atomic(out / "index.html", index_html(project, summary.reports, wave=wave,
                                                date_iso=date_iso))
    record = manifest(parameters={"wave": wave, "editions": list(project.editions),
                                  **COMPUTE_PARAMETERS},
                      data_sha256=key["data_sha256"], source_date=_date(date_iso),
                      project=project.name,
                      outputs={r["key"]: {"path": str(Path(r["path"]).relative_to(out)),
                                          "format": r.get("format", "html"),
                                          "sha256": r["sha256"],
                                          "failed": bool(r.get("failed"))}
                               for r in summary.reports},
                      pool=pool_composition(results, wave))
    write_atomic(out / "manifest.json", manifest_json(record))


def _early_pool(project: Project, notebooks: Path, *, executor: Executor | None,
                jobs: int | None, scheduler: str | None) -> WorkerPool | None:
    """Local worker processes with warm kernels, started now; None for Dask or own executors."""
    if executor is not None or scheduler or project.scheduler:
        return None
    reports = len(project.editions) * len(project.site_keys) + 2  # + synthesis and digest
    jobs = min(jobs or os.cpu_count() or 1, reports)
    return WorkerPool(make_executor(), jobs, modules=(__name__,),
                      warm_up=[notebooks / SITE_NOTEBOOK, notebooks / SYNTHESIS_NOTEBOOK,
                               notebooks / DIGEST_NOTEBOOK])


def report_wave(project: Project, results: Results) -> str:
    """The wave reports are made for: the last wave of the project that has respondents."""
    counts = results.table("counts")
    with_data = set(counts.loc[counts[C.N] > 0, C.WAVE])
    for wave in reversed(project.wave_keys):
        if wave in with_data:
            return wave
    raise EvaluationError("no wave of the project has any respondents")


def _target(out: Path, key: str) -> Path:
    if key == "synthesis":
        return inside(out, "synthesis.html")
    if key == "digest":
        return inside(out, Path("digest") / "slides.html")
    return inside(out, f"{key}.html")


@contextlib.contextmanager
def prepared(project_path: str | Path, out_dir: str | Path
             ) -> Iterator[tuple[Project, Path, Results | None, ValidationResult]]:
    """Load, validate and compute (or reuse) results, holding the output folder's lock: the
    shared start of the subcommands that write only part of the outputs.

    ``results`` is ``None`` when validation found errors; nothing is written then. The output
    folder is checked as for :func:`run_pipeline` and marked incomplete while the block runs.
    When the results were reused, the folder keeps the state it had (complete or not); when
    they had to be computed again (the data changed), the reports already there no longer match
    them, so the manifest is removed and the index says the folder is incomplete until a full
    run.
    """
    project = load_project(project_path)
    validation = validate_project(project)
    out = Path(out_dir).expanduser().resolve()
    if not validation.ok:
        yield project, out, None, validation
        return
    out = check_output_folder(out, project_dir=project.folder, inputs=input_files(project))
    with locked(out):
        was_complete = was_completed(out)
        mark(out, complete=False, version=__version__)
        results, reused = load_or_compute(project, validation, out / RUN_DIR,
                                          cache_key(project))
        if not reused:
            _start_writing(out, project)  # earlier reports no longer match these results
        yield project, out, results, validation
        if reused:
            mark(out, complete=was_complete, version=__version__)


def write_digest(project: Project, out: Path, results: Results) -> dict[str, Any]:
    """Only the conference digest (slides and handout) of a prepared run; what was written."""
    from evaluation.render import digest_outputs

    executor = make_executor()
    try:
        return digest_outputs(out / RUN_DIR, out, language=project.language,
                              branding=project.branding,
                              source_date=source_date(project.report_date),
                              executor=executor, wave=report_wave(project, results),
                              notebook=NOTEBOOK_DIR / DIGEST_NOTEBOOK)
    finally:
        executor.close()


#: The learning-partner tables :func:`write_partner_tables` writes.
PARTNER_TABLES = ("peer_suggestions", "tandems", "peer_groups")


def write_partner_tables(out: Path, results: Results) -> dict[str, Path]:
    """The learning-partner tables of a prepared run as CSV, for the evaluation team."""
    written = {}
    for name in PARTNER_TABLES:
        path = out / "learning_partners" / f"{name}.csv"
        write_atomic(path, spreadsheet_safe(results.tables[name]).to_csv(
            index=False, lineterminator="\n"))
        written[name] = path
    return written
