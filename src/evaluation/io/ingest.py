"""Survey exports to one tidy form.

Whatever the source (generic CSV in any German Excel dialect, ``.xlsx``, SPSS ``.sav``,
LimeSurvey or SoSci Survey exports), the result is a :class:`SurveyData` with two frames:

``respondents``
    one row per respondent and wave: ``respondent``, ``site``, ``wave``, the respondent
    attributes of the codebook (as controlled keys), ``source_file``, ``source_row``.
``responses``
    one row per respondent, wave and item: ``respondent``, ``site``, ``wave``, ``item``,
    ``value`` (float, NaN unless valid) and ``status`` (``valid``, ``no_answer``,
    ``cannot_judge``, ``not_shown``, ``faulty``), so missing categories stay distinguishable.

Every problem is collected with file, row, column and value; :func:`load_survey` raises
:class:`~evaluation.errors.DataValidationError` listing them all.

This module reads files and whole projects (combining files, pseudonymising respondents,
sorting in canonical order); how the cells of one table are interpreted against the codebook
is in :mod:`evaluation.io.tidy_parser`.
"""

from __future__ import annotations

import logging

import pandas as pd

from evaluation import columns as C
from evaluation.config import Codebook, Project, SurveyFile, normalise_text
from evaluation.errors import DataValidationError, EvaluationError, InputFileError, Problem
from evaluation.io.readers import RawTable, read_raw
from evaluation.io.survey_data import STATUS_DTYPE, Dialect, SurveyData, dialect_for
from evaluation.io.tidy_parser import TidyParser
from evaluation.privacy import pseudonymise, require_key

log = logging.getLogger("evaluation")


def read_survey_file(survey_file: SurveyFile, codebook: Codebook, *,
                     sites: dict[str, str] | None = None,
                     waves: tuple[str, ...] | None = None) -> SurveyData:
    """Read one export file into tidy form, collecting problems instead of raising.

    ``sites`` maps every accepted spelling of a site (key or name, normalised) to its key;
    ``waves`` lists the wave keys. Unreadable files raise :class:`InputFileError`.
    """
    options = survey_file.options
    kind = {"limesurvey": "auto", "sosci": "auto"}.get(survey_file.format, survey_file.format)
    raw = read_raw(survey_file.path, kind=kind, encoding=options.get("encoding"),
                   delimiter=options.get("delimiter"), sheet=options.get("sheet"))
    return tidy_from_raw(raw, codebook, dialect_for(codebook, survey_file), sites=sites,
                         waves=waves, fixed_wave=survey_file.wave, fixed_site=survey_file.site)


def tidy_from_raw(raw: RawTable, codebook: Codebook, dialect: Dialect, *,
                  sites: dict[str, str] | None = None, waves: tuple[str, ...] | None = None,
                  fixed_wave: str | None = None, fixed_site: str | None = None) -> SurveyData:
    """Interpret a raw table against the codebook; see :func:`read_survey_file`."""
    parser = TidyParser(raw, codebook, dialect, sites=sites, waves=waves)
    return parser.run(fixed_wave=fixed_wave, fixed_site=fixed_site)


# -- whole projects --------------------------------------------------------------------


def site_lookup(project: Project) -> dict[str, str]:
    """Every accepted spelling of a site (key or name) -> key."""
    table = {}
    for site in project.sites:
        table[normalise_text(site.name)] = site.key
        table[normalise_text(site.key)] = site.key
    return table


def read_project_survey(project: Project) -> SurveyData:
    """Read every survey file of a project, collecting all problems (never raises on data)."""
    parts: list[SurveyData] = []
    paths: list[str] = []  # the full path of each part's file (names may repeat in folders)
    problems: list[Problem] = []
    sites = site_lookup(project)
    for survey_file in project.survey_files:
        try:
            part = read_survey_file(survey_file, project.codebook, sites=sites,
                                    waves=project.wave_keys)
        except InputFileError as exc:
            problems.append(exc.as_problem())
            continue
        parts.append(part)
        paths.append(str(survey_file.path))
        problems.extend(part.problems)
    data = combine(parts)
    data.problems = problems
    file_of_row = [path for path, part in zip(paths, parts, strict=True)
                   for _ in range(len(part.respondents))]
    _pseudonymise(data, project, problems)
    # duplicates across files of the same wave (within a file the parser reports them)
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for path, row in zip(file_of_row, data.respondents[[C.WAVE, C.RESPONDENT, C.SOURCE_ROW]
                                                       ].itertuples(index=False), strict=True):
        k = (row[0], row[1])
        if k in seen and seen[k][0] != path:
            first, first_row = seen[k]
            problems.append(Problem(file=path, row=int(row[2]), column=C.RESPONDENT,
                                    value=row[1], message=f"respondent appears twice in wave "
                                    f"{row[0]!r} (also in {first} row {first_row})",
                                    expected="one row per respondent and wave"))
        seen.setdefault(k, (path, int(row[2])))
    return data


def _pseudonymise(data: SurveyData, project: Project, problems: list[Problem]) -> None:
    """Replace respondent identifiers by keyed pseudonyms, in place.

    With a key (environment variable or key file outside the project, see
    :func:`evaluation.privacy.load_key`) every identifier is replaced, so links across waves
    keep working; without one, identifiers that look direct (e-mail, names, phone numbers)
    are an error, and codes that are already pseudonymous (``R0001``) are kept.
    """
    ids = data.respondents[C.RESPONDENT] if len(data.respondents) else None
    if ids is None:
        return
    try:
        key = require_key(project.privacy, ids, forbidden=[project.folder])
    except EvaluationError as exc:
        problems.append(Problem(file=str(project.path), column=C.RESPONDENT,
                                message=str(exc)))
        return
    if key is None:
        return
    mapping = dict(zip(ids, pseudonymise(ids, key), strict=True))
    data.respondents[C.RESPONDENT] = ids.map(mapping)
    data.responses[C.RESPONDENT] = data.responses[C.RESPONDENT].map(mapping)
    log.info("respondent identifiers replaced by keyed pseudonyms")


def combine(parts: list[SurveyData]) -> SurveyData:
    if not parts:
        return SurveyData(respondents=pd.DataFrame(columns=[C.RESPONDENT, C.SITE, C.WAVE,
                                                            C.SOURCE_FILE, C.SOURCE_ROW]),
                          responses=pd.DataFrame(columns=[C.RESPONDENT, C.SITE, C.WAVE, C.ITEM,
                                                          C.VALUE, C.STATUS]))
    respondents = pd.concat([p.respondents for p in parts], ignore_index=True)
    responses = pd.concat([p.responses for p in parts], ignore_index=True)
    responses[C.STATUS] = responses[C.STATUS].astype(STATUS_DTYPE)
    return SurveyData(respondents=respondents, responses=responses,
                      problems=[p for part in parts for p in part.problems])


def load_survey(project: Project) -> SurveyData:
    """Read a project's survey and raise :class:`DataValidationError` on any error."""
    data = read_project_survey(project)
    if data.errors:
        raise DataValidationError(data.problems, what=f"survey data of {project.path}")
    return canonical_order(data, project)


def canonical_order(data: SurveyData, project: Project) -> SurveyData:
    """Sort rows by wave order, site order, respondent and item (reproducible output)."""
    wave_rank = {w: i for i, w in enumerate(project.wave_keys)}
    site_rank = {s: i for i, s in enumerate(project.site_keys)}
    item_rank = {k: i for i, k in enumerate(project.codebook.items)}
    resp = data.respondents.assign(
        _w=data.respondents[C.WAVE].map(wave_rank), _s=data.respondents[C.SITE].map(site_rank))
    resp = resp.sort_values(["_w", "_s", C.RESPONDENT], kind="stable").drop(columns=["_w", "_s"])
    resp = resp.reset_index(drop=True)
    rsp = data.responses.assign(
        _w=data.responses[C.WAVE].map(wave_rank), _s=data.responses[C.SITE].map(site_rank),
        _i=data.responses[C.ITEM].map(item_rank))
    rsp = rsp.sort_values(["_w", "_s", C.RESPONDENT, "_i"], kind="stable")
    rsp = rsp.drop(columns=["_w", "_s", "_i"]).reset_index(drop=True)
    for name in (C.SITE, C.WAVE):
        resp[name] = resp[name].astype(object)
    return SurveyData(respondents=resp, responses=rsp, problems=data.problems)


__all__ = [
    "load_survey",
    "read_project_survey",
    "read_survey_file",
    "tidy_from_raw",
]
