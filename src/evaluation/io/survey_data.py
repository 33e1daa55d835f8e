"""The tidy survey data model and the dialect of an export.

:class:`SurveyData` holds the two tidy frames every reader produces (``respondents`` and
``responses``, see :mod:`evaluation.io.ingest`); :class:`Dialect` says how the codes of one
export file are read (missing codes, blank cells, answer codes, system columns), built by
:func:`dialect_for` from the codebook, the export format and the file's own options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.config import Codebook, SurveyFile, code_key, normalise_column, normalise_text
from evaluation.errors import Problem

__all__ = [
    "SOSCI_MISSING",
    "SOSCI_TIME_COLUMN",
    "STATUS_DTYPE",
    "SYSTEM_COLUMNS",
    "Dialect",
    "SurveyData",
    "cell_text",
    "dialect_for",
]

# SoSci Survey residual codes: -1..-3 residual options (here option 1 is "kann ich nicht
# beurteilen"), -8 faulty data, -9 no answer; an empty cell means the item was not shown.
SOSCI_MISSING = {"-1": C.CANNOT_JUDGE, "-2": C.NO_ANSWER, "-3": C.NO_ANSWER,
                 "-8": C.FAULTY, "-9": C.NO_ANSWER}
STATUS_DTYPE = pd.CategoricalDtype(list(C.STATUSES))
# system columns the survey tools add to every export; they carry no answers
SYSTEM_COLUMNS = {
    "limesurvey": ("id", "token", "submitdate", "lastpage", "startlanguage", "seed",
                   "startdate", "datestamp", "ipaddr", "refurl", "interviewtime"),
    "sosci": ("SERIAL", "REF", "QUESTNNR", "MODE", "LANGUAGE", "STARTED", "FINISHED",
              "Q_VIEWER", "LASTPAGE", "MAXPAGE", "MISSING", "MISSREL", "TIME_SUM", "TIME_RSI",
              "DEG_TIME", "LASTDATA", "MAILSENT"),
}
SOSCI_TIME_COLUMN = re.compile(r"time\d+", re.IGNORECASE)
#: LimeSurvey's timing columns (``groupTime12``, ``TR01Time``) when timings are exported
LIMESURVEY_TIME_COLUMN = re.compile(r"grouptime\d+|interviewtime|[a-z0-9_]+time",
                                    re.IGNORECASE)


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
    #: this file's own column mapping (normalised export column -> codebook key), before
    #: the codebook's
    columns: dict[str, str] = field(default_factory=dict)
    #: this file's site codes (normalised code -> site key), e.g. LimeSurvey answer codes
    site_codes: dict[str, str] = field(default_factory=dict)
    #: this file's codes of respondent attributes (attribute -> code as written -> value key)
    attribute_codes: dict[str, dict[str, str]] = field(default_factory=dict)
    #: items whose codes run the other way round in this file (``None``: the codebook's
    #: ``reversed_in_file`` marks decide)
    reversed_items: frozenset[str] | None = None

    def is_system_column(self, column: str) -> bool:
        name = normalise_column(column)
        if name in self.system_columns:
            return True
        if self.format == "limesurvey":
            return LIMESURVEY_TIME_COLUMN.fullmatch(name) is not None
        return self.format == "sosci" and SOSCI_TIME_COLUMN.fullmatch(name) is not None


def cell_text(value: Any) -> str:
    """A cell as the survey reader compares it: empty for a missing cell, ``1`` for the
    float ``1.0`` a spreadsheet or SPSS file gives, else the text without surrounding space."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


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
    columns = {normalise_column(c): str(t) for c, t in (options.get("columns") or {}).items()}
    site_codes = {normalise_text(c): str(k) for c, k in (options.get("site_codes") or {}).items()}
    attribute_codes = {str(a): {str(c): str(k) for c, k in table.items()}
                       for a, table in (options.get("attribute_codes") or {}).items()}
    return Dialect(missing_codes=missing, blank=blank, answer_codes=codebook.answer_codes,
                   system_columns=system, format=survey_file.format, columns=columns,
                   site_codes=site_codes, attribute_codes=attribute_codes,
                   reversed_items=None if options.get("reversed_in_file") is None
                   else frozenset(map(str, options["reversed_in_file"])))
