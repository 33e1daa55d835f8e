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
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import columns as C
from .errors import DataValidationError, InputFileError, Problem
from .instrument import ID_FIELDS, Codebook, code_key, normalise_column, normalise_text
from .project import Project, SurveyFile
from .readers import RawTable, read_raw

log = logging.getLogger("evaluation")

# SoSci Survey residual codes: -1..-3 residual options (here option 1 is "kann ich nicht
# beurteilen"), -8 faulty data, -9 no answer; an empty cell means the item was not shown.
SOSCI_MISSING = {"-1": C.CANNOT_JUDGE, "-2": C.NO_ANSWER, "-3": C.NO_ANSWER,
                 "-8": C.FAULTY, "-9": C.NO_ANSWER}
STATUS_DTYPE = pd.CategoricalDtype(list(C.STATUSES))
# system columns the survey tools add to every export; they carry no answers
SYSTEM_COLUMNS = {
    "limesurvey": ("id", "submitdate", "lastpage", "startlanguage", "seed", "startdate",
                   "datestamp", "ipaddr", "refurl"),
    "sosci": ("SERIAL", "REF", "QUESTNNR", "MODE", "STARTED", "FINISHED", "Q_VIEWER",
              "LASTPAGE", "MAXPAGE", "MISSING", "MISSREL", "TIME_RSI", "DEG_TIME", "LASTDATA"),
}
SOSCI_TIME_COLUMN = re.compile(r"time\d+", re.IGNORECASE)


@dataclass(kw_only=True)
class SurveyData:
    """Tidy survey data; see the module docstring for the columns."""

    respondents: pd.DataFrame
    responses: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def wide(self, items: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
        """Valid values as respondents x items (NaN for every missing category)."""
        frame = self.responses
        if items is not None:
            frame = frame[frame[C.ITEM].isin(items)]
        table = frame.pivot_table(index=[C.WAVE, C.RESPONDENT], columns=C.ITEM,
                                  values=C.VALUE, aggfunc="first", dropna=False,
                                  observed=True)
        if items is not None:
            table = table.reindex(columns=list(items))
        return table


@dataclass(frozen=True, kw_only=True)
class Dialect:
    """How one file's cells are to be read: missing codes and the meaning of a blank."""

    missing_codes: dict[str, str]
    blank: str
    answer_codes: dict[str, float | str]
    system_columns: frozenset[str] = frozenset()
    format: str = "csv"

    def is_system_column(self, column: str) -> bool:
        name = normalise_column(column)
        if name in self.system_columns:
            return True
        return self.format == "sosci" and SOSCI_TIME_COLUMN.fullmatch(name) is not None


def dialect_for(codebook: Codebook, survey_file: SurveyFile) -> Dialect:
    """The codebook's codes, adjusted for the export format and the file's own options."""
    missing = dict(codebook.missing_codes)
    blank = codebook.blank
    if survey_file.format == "sosci":
        missing = {**missing, **SOSCI_MISSING}
        blank = C.NOT_SHOWN
    options = survey_file.options
    for code, category in (options.get("missing_codes") or {}).items():
        missing[code_key(code)] = category
    blank = options.get("blank", blank)
    system = frozenset(normalise_column(c) for c in SYSTEM_COLUMNS.get(survey_file.format, ()))
    return Dialect(missing_codes=missing, blank=blank, answer_codes=codebook.answer_codes,
                   system_columns=system, format=survey_file.format)


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
    parser = _TidyParser(raw, codebook, dialect, sites=sites, waves=waves)
    return parser.run(fixed_wave=fixed_wave, fixed_site=fixed_site)


class _TidyParser:
    def __init__(self, raw: RawTable, codebook: Codebook, dialect: Dialect, *,
                 sites: dict[str, str] | None, waves: tuple[str, ...] | None) -> None:
        self.raw = raw
        self.book = codebook
        self.dialect = dialect
        self.sites = sites
        self.waves = waves
        self.file = str(raw.path)
        self.problems: list[Problem] = list(raw.notes)

    def problem(self, message: str, *, position: int | None = None,
                column: str | None = None, value: object = None,
                expected: str | None = None, severity: str = "error") -> None:
        row = None if position is None else self.raw.row_number(position)
        self.problems.append(Problem(file=self.file, row=row, column=column, value=value,
                                     message=message, expected=expected, severity=severity))

    # -- mapping columns ---------------------------------------------------------------
    def map_columns(self) -> dict[str, str]:
        targets: dict[str, str] = {}
        claimed: dict[str, str] = {}
        for column in self.raw.frame.columns:
            if self.book.is_ignored(column) or self.dialect.is_system_column(column):
                continue
            target = self.book.target_of(column)
            if target is None:
                self.problem("column not in the codebook", column=column,
                             expected="an item key, a mapping under 'columns', or an entry "
                             "under 'ignore'")
                continue
            if target in claimed:
                self.problem(f"column holds {target!r}, which column {claimed[target]!r} "
                             "holds already", column=column, expected="one column per item")
                continue
            targets[column] = target
            claimed[target] = column
        return targets

    def run(self, *, fixed_wave: str | None, fixed_site: str | None) -> SurveyData:
        frame = self.raw.frame
        targets = self.map_columns()
        by_target = {t: c for c, t in targets.items()}
        n = len(frame)
        if n == 0:
            self.problem("the file has a header but no respondents")

        for item in self.book.items:
            if item not in by_target:
                self.problem("codebook item not found in the data", column=item,
                             expected="a column for every codebook item")

        respondents = pd.DataFrame(index=pd.RangeIndex(n))
        respondents[C.RESPONDENT] = self.ids(frame, by_target.get(C.RESPONDENT))
        respondents[C.SITE] = self.keyed(frame, by_target.get(C.SITE), C.SITE, fixed_site,
                                         self.sites)
        wave_lookup = None if self.waves is None else {normalise_text(w): w for w in self.waves}
        respondents[C.WAVE] = self.keyed(frame, by_target.get(C.WAVE), C.WAVE, fixed_wave,
                                         wave_lookup)
        for key, attribute in self.book.respondent_attributes().items():
            column = by_target.get(key)
            respondents[key] = (self.attribute(frame[column], column, attribute.lookup(),
                                               ", ".join(attribute.keys()))
                                if column else pd.Series(pd.NA, index=respondents.index,
                                                         dtype=object))
        for key, spec in self.book.numeric_attributes.items():
            column = by_target.get(key)
            respondents[key] = (self.numeric(frame[column], column, spec.min, spec.max)
                                if column else np.nan)
        respondents[C.SOURCE_FILE] = self.raw.path.name
        respondents[C.SOURCE_ROW] = np.arange(n) + self.raw.first_row

        items = [i for i in self.book.items if i in by_target]
        values = np.full((n, len(items)), np.nan)
        statuses = np.empty((n, len(items)), dtype=object)
        for j, item in enumerate(items):
            column = by_target[item]
            values[:, j], statuses[:, j] = self.answers(frame[column], column)
        responses = pd.DataFrame({
            C.RESPONDENT: np.repeat(respondents[C.RESPONDENT].to_numpy(), len(items)),
            C.SITE: np.repeat(respondents[C.SITE].to_numpy(), len(items)),
            C.WAVE: np.repeat(respondents[C.WAVE].to_numpy(), len(items)),
            C.ITEM: np.tile(np.array(items, dtype=object), n),
            C.VALUE: values.reshape(-1),
            C.STATUS: pd.Categorical(statuses.reshape(-1), dtype=STATUS_DTYPE),
        })
        self.duplicates(respondents)
        return SurveyData(respondents=respondents, responses=responses,
                          problems=self.problems)

    # -- column parsers ----------------------------------------------------------------
    def ids(self, frame: pd.DataFrame, column: str | None) -> pd.Series:
        if column is None:
            self.problem("no respondent identifier column", column=C.RESPONDENT,
                         expected="a column 'respondent' (or one mapped to it, e.g. CASE)")
            return pd.Series([f"row{i + self.raw.first_row}" for i in range(len(frame))],
                             dtype=object)
        ids = frame[column].map(_cell_text)
        for pos in np.flatnonzero(ids.to_numpy() == ""):
            self.problem("respondent identifier is empty", position=int(pos), column=column)
        return ids.astype(object)

    def keyed(self, frame: pd.DataFrame, column: str | None, field_name: str,
              fixed: str | None, lookup: dict[str, str] | None) -> pd.Series:
        if fixed is not None:
            if column is not None:
                values = frame[column].map(_cell_text)
                clash = values[(values != "") & (values.map(
                    lambda v: (lookup or {}).get(normalise_text(v), v)) != fixed)]
                for pos, value in clash.items():
                    self.problem(f"{field_name} differs from the {field_name} set for this "
                                 "file in the project", position=int(pos), column=column,
                                 value=value, expected=fixed)
            return pd.Series(fixed, index=frame.index, dtype=object)
        if column is None:
            self.problem(f"no {field_name} column and no {field_name} set for this file",
                         column=field_name,
                         expected=f"a column {field_name!r} or '{field_name}:' in the project")
            return pd.Series("", index=frame.index, dtype=object)
        raw = frame[column].map(_cell_text)
        if lookup is None:
            return raw.astype(object)
        mapping = {v: lookup.get(normalise_text(v)) for v in raw.unique()}
        keys = raw.map(mapping)
        expected = ", ".join(sorted(set(lookup.values())))
        for pos in np.flatnonzero(keys.isna().to_numpy()):
            self.problem(f"unknown {field_name}", position=int(pos), column=column,
                         value=raw.iloc[pos], expected=f"one of {expected}")
        return keys.fillna("").astype(object)

    def attribute(self, series: pd.Series, column: str, lookup: dict[str, str],
                  expected: str) -> pd.Series:
        labels = self.raw.value_labels.get(column, {})
        missing_codes = self.raw.user_missing.get(column, set())

        def classify(value: Any) -> Any:
            text = _cell_text(value)
            if text == "" or value in missing_codes or code_key(text) in \
                    self.dialect.missing_codes:
                return pd.NA
            key = lookup.get(normalise_text(text))
            if key is None and value in labels:
                key = lookup.get(normalise_text(labels[value]))
            return key if key is not None else _UNKNOWN

        mapping = {v: classify(v) for v in series.unique()}
        keys = series.map(mapping)
        for pos in np.flatnonzero((keys == _UNKNOWN).to_numpy()):
            self.problem("unknown attribute value", position=int(pos), column=column,
                         value=series.iloc[pos], expected=f"one of {expected}")
        return keys.where(keys != _UNKNOWN, pd.NA).astype(object)

    def numeric(self, series: pd.Series, column: str, lo: float, hi: float) -> pd.Series:
        def parse(value: Any) -> float | str:
            text = _cell_text(value)
            if text == "" or code_key(text) in self.dialect.missing_codes \
                    or value in self.raw.user_missing.get(column, set()):
                return np.nan
            number = _to_number(text)
            if number is None or not lo <= number <= hi:
                return _UNKNOWN
            return number

        mapping = {v: parse(v) for v in series.unique()}
        parsed = series.map(mapping)
        for pos in np.flatnonzero((parsed == _UNKNOWN).to_numpy()):
            self.problem("not a number in the valid range", position=int(pos), column=column,
                         value=series.iloc[pos], expected=f"a number from {lo:g} to {hi:g}")
        return pd.to_numeric(parsed.where(parsed != _UNKNOWN, np.nan))

    def answers(self, series: pd.Series, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Values and statuses of one item column; problems for invalid answers."""
        labels = self.raw.value_labels.get(column, {})
        user_missing = self.raw.user_missing.get(column, set())
        smin, smax = self.book.scale_min, self.book.scale_max
        missing_by_label = {normalise_text(lbl.de): cat
                            for cat, lbl in self.book.missing_labels.items()}
        missing_by_label.update({normalise_text(lbl.en): cat
                                 for cat, lbl in self.book.missing_labels.items()})

        def classify(value: Any) -> tuple[float, str | None]:
            text = _cell_text(value)
            if text == "":
                return np.nan, self.dialect.blank
            key = code_key(text)
            if key in self.dialect.missing_codes:
                return np.nan, self.dialect.missing_codes[key]
            if value in user_missing:
                category = missing_by_label.get(normalise_text(labels.get(value, "")))
                return np.nan, category  # None: declared missing but meaning unknown
            if key in self.dialect.answer_codes:
                meaning = self.dialect.answer_codes[key]
                if isinstance(meaning, str):
                    return np.nan, meaning
                return float(meaning), C.VALID
            number = _to_number(text)
            if number is not None and number.is_integer() and smin <= number <= smax:
                return number, C.VALID
            return np.nan, _UNKNOWN

        uniques = series.unique()
        table = {v: classify(v) for v in uniques}
        values = series.map({v: r[0] for v, r in table.items()}).to_numpy(dtype=float)
        statuses = series.map({v: r[1] for v, r in table.items()}).to_numpy(dtype=object)
        for pos in np.flatnonzero(statuses == _UNKNOWN):
            self.problem("answer outside the response scale", position=int(pos),
                         column=column, value=series.iloc[pos],
                         expected=f"an integer from {smin} to {smax} or a missing code "
                         f"({', '.join(sorted(self.dialect.missing_codes))})")
        for pos in np.flatnonzero(pd.isna(statuses)):
            self.problem("value is declared user-missing in the file but the codebook does "
                         "not say what it means", position=int(pos), column=column,
                         value=series.iloc[pos], expected="a code listed under missing.codes")
        statuses = np.where((statuses == _UNKNOWN) | pd.isna(statuses), C.FAULTY, statuses)
        return values, statuses

    def duplicates(self, respondents: pd.DataFrame) -> None:
        key = respondents[[C.WAVE, C.RESPONDENT]]
        dup = key.duplicated(keep="first") & (respondents[C.RESPONDENT] != "")
        first = {}
        for pos, (wave, rid) in enumerate(key.itertuples(index=False)):
            if dup.iloc[pos]:
                self.problem(f"respondent appears twice in wave {wave!r} (first in row "
                             f"{first[(wave, rid)]})", position=pos, column=C.RESPONDENT,
                             value=rid, expected="one row per respondent and wave")
            else:
                first.setdefault((wave, rid), self.raw.row_number(pos))


class _Unknown:
    def __repr__(self) -> str:
        return "<unknown>"


_UNKNOWN = _Unknown()


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _to_number(text: str) -> float | None:
    text = text.strip().replace("\u2212", "-")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if np.isfinite(number) else None


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
        problems.extend(part.problems)
    data = combine(parts)
    data.problems = problems
    _pseudonymise(data, project, problems)
    # duplicates across files of the same wave
    full_path = {f.path.name: str(f.path) for f in project.survey_files}
    seen: dict[tuple[str, str], str] = {}
    for row in data.respondents[[C.WAVE, C.RESPONDENT, C.SOURCE_FILE, C.SOURCE_ROW]
                                ].itertuples(index=False):
        k = (row[0], row[1])
        here = f"{row[2]} row {row[3]}"
        if k in seen and not seen[k].startswith(f"{row[2]} "):
            problems.append(Problem(file=full_path.get(row[2], row[2]), row=int(row[3]),
                                    column=C.RESPONDENT,
                                    value=row[1], message=f"respondent appears twice in wave "
                                    f"{row[0]!r} (also in {seen[k]})",
                                    expected="one row per respondent and wave"))
        seen.setdefault(k, here)
    return data


def _pseudonymise(data: SurveyData, project: Project, problems: list[Problem]) -> None:
    """Replace respondent identifiers by keyed pseudonyms, in place.

    With a key (environment variable or key file outside the project, see
    :func:`evaluation.privacy.load_key`) every identifier is replaced, so links across waves
    keep working; without one, identifiers that look direct (e-mail, names, phone numbers)
    are an error, and codes that are already pseudonymous (``R0001``) are kept.
    """
    from .errors import EvaluationError
    from .privacy import pseudonymise, require_key

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


__all__ = ["ID_FIELDS", "SurveyData", "load_survey", "read_project_survey",
           "read_survey_file", "tidy_from_raw"]
