"""Raw files to tidy data: readers, survey and participation import, validation, export.

``readers``        export files (CSV dialects, xlsx, SPSS, LimeSurvey, SoSci) as raw tables
``survey_data``    :class:`SurveyData` (the tidy survey) and the dialect of an export
``tidy_parser``    one raw table interpreted against the codebook, cell by cell
``ingest``         survey files and whole projects to one :class:`SurveyData`
``participation``  the participation tables with schema and cross-table checks
``validate``       validation of a whole project and the data-quality summary
``microdata``      pseudonymised, k-anonymous microdata as one CSV
``instrument_sources``  the variables a LimeSurvey structure, SPSS file or export describes
``instrument_draft``  a draft codebook written from them
``project_draft``  a commented project file scaffolded from the survey files of a project

Layer: above ``config`` and ``privacy``.
"""

import lazy_loader

# Names load from their module on first use (SPEC 1): importing the package costs nothing,
# and a report kernel never imports an estimator it does not call.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "ingest": [
            "load_survey", "read_project_survey", "read_survey_file", "tidy_from_raw",
        ],
        "instrument_draft": [
            "ID_NAMES", "SITE_NAMES", "WAVE_NAMES", "draft_codebook",
        ],
        "instrument_sources": [
            "FIXED_SCALES", "Variable", "as_integer", "read_instrument_source",
        ],
        "project_draft": [
            "DataFile", "draft_project", "inspect_data_file",
        ],
        "microdata": [
            "export_microdata", "write_csv_atomic",
        ],
        "participation": [
            "EVENT_TYPES", "IDEA_STATUSES", "KEYS", "RESOURCES", "SCHEMAS", "Column",
            "ParticipationData", "empty_table", "load_participation", "read_participation",
            "read_table",
        ],
        "readers": [
            "DELIMITERS", "MAX_BYTES", "MAX_ROWS", "TEXT_SUFFIXES", "RawTable", "decode_text",
            "read_csv", "read_raw", "read_sav", "read_xlsx", "sav_user_missing",
            "sniff_delimiter",
        ],
        "survey_data": [
            "SOSCI_MISSING", "SOSCI_TIME_COLUMN", "STATUS_DTYPE", "SYSTEM_COLUMNS", "Dialect",
            "SurveyData", "cell_text", "dialect_for",
        ],
        "validate": [
            "STRAIGHTLINE_MIN_ITEMS", "ValidationResult", "format_summary", "item_quality",
            "response_counts", "sort_problems", "straightlining", "validate_project",
        ],
    },
)
