"""Raw files to tidy data: readers, survey and participation import, validation, export.

``readers``        export files (CSV dialects, xlsx, SPSS, LimeSurvey, SoSci) as raw tables
``survey_data``    :class:`SurveyData` (the tidy survey) and the dialect of an export
``tidy_parser``    one raw table interpreted against the codebook, cell by cell
``ingest``         survey files and whole projects to one :class:`SurveyData`
``participation``  the participation tables with schema and cross-table checks
``validate``       validation of a whole project and the data-quality summary
``microdata``      pseudonymised, k-anonymous microdata as one CSV

Layer: above ``config`` and ``privacy``.
"""

from __future__ import annotations

from evaluation.io.ingest import (
    load_survey,
    read_project_survey,
    read_survey_file,
    tidy_from_raw,
)
from evaluation.io.microdata import (
    export_microdata,
    write_csv_atomic,
)
from evaluation.io.participation import (
    EVENT_TYPES,
    IDEA_STATUSES,
    KEYS,
    RESOURCES,
    SCHEMAS,
    Column,
    ParticipationData,
    empty_table,
    load_participation,
    read_participation,
    read_table,
)
from evaluation.io.readers import (
    DELIMITERS,
    MAX_ROWS,
    TEXT_SUFFIXES,
    RawTable,
    decode_text,
    read_csv,
    read_raw,
    read_sav,
    read_xlsx,
    sniff_delimiter,
)
from evaluation.io.survey_data import (
    SOSCI_MISSING,
    SOSCI_TIME_COLUMN,
    STATUS_DTYPE,
    SYSTEM_COLUMNS,
    Dialect,
    SurveyData,
    dialect_for,
)
from evaluation.io.validate import (
    STRAIGHTLINE_MIN_ITEMS,
    ValidationResult,
    format_summary,
    item_quality,
    response_counts,
    sort_problems,
    straightlining,
    validate_project,
)

__all__ = [
    "DELIMITERS",
    "EVENT_TYPES",
    "IDEA_STATUSES",
    "KEYS",
    "MAX_ROWS",
    "RESOURCES",
    "SCHEMAS",
    "SOSCI_MISSING",
    "SOSCI_TIME_COLUMN",
    "STATUS_DTYPE",
    "STRAIGHTLINE_MIN_ITEMS",
    "SYSTEM_COLUMNS",
    "TEXT_SUFFIXES",
    "Column",
    "Dialect",
    "ParticipationData",
    "RawTable",
    "SurveyData",
    "ValidationResult",
    "decode_text",
    "dialect_for",
    "empty_table",
    "export_microdata",
    "format_summary",
    "item_quality",
    "load_participation",
    "load_survey",
    "read_csv",
    "read_participation",
    "read_project_survey",
    "read_raw",
    "read_sav",
    "read_survey_file",
    "read_table",
    "read_xlsx",
    "response_counts",
    "sniff_delimiter",
    "sort_problems",
    "straightlining",
    "tidy_from_raw",
    "validate_project",
    "write_csv_atomic",
]
