"""The ``transfer-eval`` command.

``transfer-eval validate PROJECT``
    check a project's codebook, configuration and data; print the data-quality summary;
    exit 1 when errors are found.
``transfer-eval run PROJECT``
    validate, compute once, render every report, the synthesis and the digest.
``transfer-eval digest PROJECT`` / ``transfer-eval partners PROJECT``
    only the conference digest, or only the learning-partner tables.
``transfer-eval export PROJECT --out FILE``
    pseudonymised, k-anonymous microdata (needs the pseudonym key).
``transfer-eval demo``
    run the main job on the bundled example project.
``transfer-eval codebook draft SOURCE --out codebook.yml``
    a draft codebook from a LimeSurvey structure, an SPSS file or a response export.
``transfer-eval init FOLDER``
    a commented ``project.yml`` from the survey files in ``FOLDER/data``.

Errors the user can fix are printed as messages, never as tracebacks (``--debug`` shows them).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from evaluation.errors import EvaluationError, OutputFolderError
from evaluation.execution import avoid_slow_imports
from evaluation.version import __version__

log = logging.getLogger("evaluation")

EXIT_OK = 0
EXIT_DATA_ERRORS = 1
EXIT_USAGE = 2


def example_project() -> Path:
    """The bundled example project (``surveys/example`` in the source tree)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "surveys" / "example" / "project.yml"
        if candidate.is_file():
            return candidate.parent
    raise EvaluationError("the example project (surveys/example) was not found; run from a "
                          "source checkout of transfer-evaluation")


def _configure_logging(verbose: int) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(level)


def cmd_validate(args: argparse.Namespace) -> int:
    from evaluation.config import load_project
    from evaluation.io import format_summary, validate_project

    project = load_project(args.project)
    result = validate_project(project)
    print(format_summary(result))
    return EXIT_OK if result.ok else EXIT_DATA_ERRORS


def run_project(project_path: str | Path, out_dir: str | Path, *,
                jobs: int | None = None, scheduler: str | None = None,
                formats: tuple[str, ...] = ()) -> int:
    """Run the batch, print what happened, return the exit code."""
    from evaluation.io import format_summary
    from evaluation.pipeline import run_pipeline

    summary = run_pipeline(project_path, out_dir, jobs=jobs, scheduler=scheduler,
                           progress=None, formats=formats)
    if summary.validation is not None and not summary.validation.ok:
        print(format_summary(summary.validation))
        print("\nNothing was written: fix the errors above and run again.")
        return EXIT_DATA_ERRORS
    files = [r for r in summary.reports if r["key"] in WRITTEN_ALWAYS
             or r.get("format", "html") != "html"]
    pages = [r for r in summary.reports if r not in files]
    n_ok = sum(1 for r in pages if not r.get("failed"))
    reuse = " (computed results reused)" if summary.reused_results else ""
    print(f"{n_ok} of {len(pages)} reports written to {summary.out_dir}{reuse}")
    if files:
        counts = {}
        for r in files:
            counts[r["format"]] = counts.get(r["format"], 0) + (not r.get("failed"))
        print("other files: " + ", ".join(f"{n} {fmt.upper()}" for fmt, n in counts.items()))
    print(f"index: {summary.out_dir / 'index.html'}")
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in summary.seconds.items())
    print(f"time: {timing}")
    failed_files = [r for r in files if r.get("failed")]
    if summary.failures or failed_files:
        if summary.failures:
            print(f"\n{len(summary.failures)} report(s) FAILED:")
            for failure in summary.failures:
                print(f"  - {failure.key}: {failure.error}")
        if failed_files:
            print(f"\n{len(failed_files)} file(s) FAILED:")
            for record in failed_files:
                print(f"  - {record['key']}: {record['error']}")
        return EXIT_DATA_ERRORS
    return EXIT_OK


#: files of every run that are not reports (the data dictionary)
WRITTEN_ALWAYS = ("data_dictionary",)


def _formats(args: argparse.Namespace) -> tuple[str, ...]:
    """The formats asked for on the command line (besides the project's)."""
    return tuple(f for f, wanted in (("pdf", args.pdf), ("docx", args.docx)) if wanted)


def _out_dir(args: argparse.Namespace) -> Path:
    project = Path(args.project)
    return Path(args.out) if args.out else Path("reports") / project.resolve().name


def cmd_demo(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else Path("reports") / "example"
    return run_project(example_project(), out, jobs=args.jobs, scheduler=args.scheduler,
                       formats=_formats(args))


def cmd_run(args: argparse.Namespace) -> int:
    return run_project(Path(args.project), _out_dir(args), jobs=args.jobs,
                       scheduler=args.scheduler, formats=_formats(args))


def cmd_digest(args: argparse.Namespace) -> int:
    from evaluation.io import format_summary
    from evaluation.pipeline import prepared, write_digest

    with prepared(Path(args.project), _out_dir(args)) as (project, out, results, validation):
        if results is None:
            print(format_summary(validation))
            return EXIT_DATA_ERRORS
        written = write_digest(project, out, results)
    print(f"slides: {written['path']}")
    print(f"handout: {written['handout']['path']}")
    return EXIT_OK


def cmd_partners(args: argparse.Namespace) -> int:
    from evaluation.io import format_summary
    from evaluation.pipeline import prepared, write_partner_tables

    with prepared(Path(args.project), _out_dir(args)) as (_, out, results, validation):
        if results is None:
            print(format_summary(validation))
            return EXIT_DATA_ERRORS
        written = write_partner_tables(out, results)
    for name, path in written.items():
        print(f"{name}: {path}")
    return EXIT_OK


def _write_new(path: Path, text: str, *, force: bool, sources: Sequence[Path] = ()) -> None:
    """Write ``text`` to ``path`` in one step; never over a source, never over an existing
    file without ``--force``."""
    from evaluation.atomic import write_atomic

    target = path.resolve()
    if any(target == s.resolve() for s in sources):
        raise OutputFolderError(f"{path} is the input file; write the draft to another file")
    if target.exists() and not force:
        raise OutputFolderError(f"{path} exists; choose another file or add --force to "
                                "replace it")
    if target.is_dir():
        raise OutputFolderError(f"{path} is a folder; give a file name")
    write_atomic(target, text)


def cmd_codebook_draft(args: argparse.Namespace) -> int:
    from evaluation.io import draft_codebook

    source = Path(args.source)
    text = draft_codebook(source, name=args.name)
    if args.out is None:
        print(text, end="")
        return EXIT_OK
    _write_new(Path(args.out), text, force=args.force, sources=[source])
    todo = text.count("TODO")
    print(f"draft codebook written to {args.out} ({todo} TODO marks to decide); then run "
          "`transfer-eval init` or `transfer-eval validate`")
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from evaluation.io import draft_project

    folder = Path(args.folder)
    text = draft_project(folder)
    _write_new(folder / "project.yml", text, force=args.force)
    print(f"project file written to {folder / 'project.yml'} ({text.count('TODO')} TODO marks "
          f"to decide); next: transfer-eval validate {folder}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from evaluation.config import load_project
    from evaluation.io import export_microdata, load_survey
    from evaluation.pipeline import input_files
    from evaluation.privacy import require_key
    from evaluation.render import check_output_file

    project = load_project(args.project)
    out = check_output_file(args.out, project_dir=project.folder, inputs=input_files(project),
                            overwrite=args.force)
    survey = load_survey(project)
    key = require_key(project.privacy, None, forbidden=[project.folder, out.parent])
    path = export_microdata(survey, out, k=project.privacy.min_group_size, key=key,
                            on_failure="drop" if args.drop_small else "raise",
                            key_env=project.privacy.pseudonym_key_env)
    print(f"microdata: {path}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="transfer-eval",
        description="Evaluate municipal integration networks: survey and participation data "
                    "to site reports, evaluator notebooks and conference digests.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more log output (-vv for debug)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a project and print the data-quality summary")
    p.add_argument("project", help="project folder or project.yml")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("run", help="validate, compute and write all outputs of a project")
    p.add_argument("project", help="project folder or project.yml")
    p.add_argument("--out", help="output folder (default: reports/<project folder name>)")
    p.add_argument("--jobs", type=int, default=None, help="parallel workers (default: cores)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler for the reports (tcp://host:8786); default: "
                        "'scheduler:' in the project file, else local worker processes")
    p.add_argument("--pdf", action="store_true",
                   help="also print every report to tagged PDF (needs Debian's chromium)")
    p.add_argument("--docx", action="store_true",
                   help="also write each partner report as a Word file (needs chromium)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("digest", help="only the conference digest (slides and handout)")
    p.add_argument("project", help="project folder or project.yml")
    p.add_argument("--out", help="output folder (default: reports/<project folder name>)")
    p.set_defaults(func=cmd_digest)

    p = sub.add_parser("partners", help="only the learning-partner tables (evaluation team)")
    p.add_argument("project", help="project folder or project.yml")
    p.add_argument("--out", help="output folder (default: reports/<project folder name>)")
    p.set_defaults(func=cmd_partners)

    p = sub.add_parser("export", help="pseudonymised, k-anonymous microdata for evaluators")
    p.add_argument("project", help="project folder or project.yml")
    p.add_argument("--out", required=True, help="CSV file to write (outside the project)")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    p.add_argument("--drop-small", action="store_true",
                   help="leave out groups still below k after generalisation (default: refuse)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("codebook", help="work with instrument codebooks")
    codebook_sub = p.add_subparsers(dest="codebook_command", required=True)
    q = codebook_sub.add_parser(
        "draft", help="draft a codebook from a LimeSurvey structure (.lss), an SPSS file "
        "(.sav) or a response export (.csv, .xlsx)")
    q.add_argument("source", help="the .lss, .sav, .csv or .xlsx file")
    q.add_argument("--out", help="codebook file to write (default: print it)")
    q.add_argument("--name", help="the codebook's short name (default: the file name)")
    q.add_argument("--force", action="store_true", help="replace the file if it exists")
    q.set_defaults(func=cmd_codebook_draft)

    p = sub.add_parser("init", help="scaffold a commented project.yml from the survey files "
                       "in FOLDER/data")
    p.add_argument("folder", help="the project folder (with a data folder of exports)")
    p.add_argument("--force", action="store_true", help="replace an existing project.yml")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="run the bundled example project into reports/example")
    p.add_argument("--out", help="output folder (default: reports/example)")
    p.add_argument("--jobs", type=int, default=None, help="parallel workers (default: cores)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler for the reports")
    p.add_argument("--pdf", action="store_true",
                   help="also print every report to tagged PDF (needs Debian's chromium)")
    p.add_argument("--docx", action="store_true",
                   help="also write each partner report as a Word file (needs chromium)")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    avoid_slow_imports()
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    try:
        return int(args.func(args))
    except OutputFolderError as exc:  # a usage error: another --out fixes it
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except EvaluationError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DATA_ERRORS
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # a full disk, a read-only folder, a missing file, ...
        if args.debug:
            raise
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error: cannot read or write{where}: {exc.strerror or _first_line(exc)} "
              f"(details in {_traceback_log(exc)})", file=sys.stderr)
        return EXIT_DATA_ERRORS
    except Exception as exc:  # a bug: one line here, the traceback in a log file
        if args.debug:
            raise
        print(f"error: unexpected {type(exc).__name__}: {_first_line(exc)}. This is a bug in "
              f"transfer-evaluation; the traceback is in {_traceback_log(exc)} (or run again "
              "with --debug)", file=sys.stderr)
        return EXIT_DATA_ERRORS


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _traceback_log(exc: BaseException) -> str:
    """Write the traceback of ``exc`` to a new log file; its path, for the one-line message."""
    import tempfile
    import traceback

    try:
        with tempfile.NamedTemporaryFile("w", prefix="transfer-eval-error-", suffix=".log",
                                         delete=False, encoding="utf-8") as handle:
            handle.write("".join(traceback.format_exception(exc)))
        return handle.name
    except OSError:
        return "no log file (the temporary folder is not writable either)"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
