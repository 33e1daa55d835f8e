"""Formats partners and funders ask for: Excel workbooks and the data dictionary.

``site_workbook``       one site's partner report as an Excel workbook, built from its
                        :class:`~evaluation.report.SiteView` (the privacy boundary)
``evaluator_workbook``  every table of a run in one workbook, with an index and the data
                        dictionary (evaluation team only)
``dictionary``          the data dictionary of a codebook as a tidy frame and an offline page
``workbook``            shared by both workbooks: safe cells, sheet names, reproducible bytes
``site_docx``           a site's rendered partner page as a Word document for editing
                        (python-docx; charts drawn as PNG by Chromium), reproducible bytes

Layer: above ``render`` (its stylesheet and source date), ``report``, ``results`` and
``config``.
"""

import lazy_loader

# Names load from their module on first use (SPEC 1): importing the package costs nothing,
# openpyxl only when a workbook is written, python-docx only when a Word file is.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "dictionary": [
            "DICTIONARY_COLUMNS", "DICTIONARY_HEADERS", "data_dictionary", "data_dictionary_html",
        ],
        "evaluator_workbook": [
            "write_evaluator_workbook",
        ],
        "site_docx": [
            "DOCX_AUTHOR", "HEADING_STYLES", "SvgToPng", "docx_bytes", "html_to_docx",
        ],
        "site_workbook": [
            "write_site_workbook",
        ],
        "workbook": [
            "COUNT_FORMAT", "EXCEL_MAX_CELL_TEXT", "EXCEL_MAX_COLUMNS", "EXCEL_MAX_ROWS",
            "MEAN_FORMAT", "SHARE_FORMAT", "SHEET_NAME_LIMIT", "unique_sheet_names",
        ],
    },
)
