"""Content to files: HTML pages, slides and handout, the index, provenance and HTML checks.

``page``        what every page shares: header, labels, provenance block, stylesheet, templates
``html``        executed notebooks to self-contained, accessible, reproducible HTML
``slides``      slides and handout of the transfer conference
``index_page``  the index page of a batch
``provenance``  data hash, parameters, versions and the manifest
``htmlcheck``   checks of a rendered page on its HTML text

Layer: above ``report`` and ``execution``.
"""

from __future__ import annotations

from evaluation.render.html import (
    failure_page,
    normalise_notebook,
    render_html,
)
from evaluation.render.htmlcheck import (
    ReportOutline,
    check_report,
    external_urls,
    heading_outline,
    heading_problems,
    images_without_alt,
    input_cells_present,
    parse,
    prompts_present,
    tables_without_headers,
    traceback_present,
)
from evaluation.render.index_page import (
    index_html,
)
from evaluation.render.page import (
    EDITIONS,
    LABELS,
    TEMPLATE_DIR,
    TEMPLATE_NAME,
    page_context,
    page_environment,
    page_stylesheet,
)
from evaluation.render.provenance import (
    DEFAULT_SOURCE_DATE,
    PACKAGES,
    data_hash,
    manifest,
    manifest_json,
    source_date,
    versions,
)
from evaluation.render.slides import (
    digest_outputs,
    digest_task,
    finish_digest,
    render_handout,
    render_slides,
)

__all__ = [
    "DEFAULT_SOURCE_DATE",
    "EDITIONS",
    "LABELS",
    "PACKAGES",
    "TEMPLATE_DIR",
    "TEMPLATE_NAME",
    "ReportOutline",
    "check_report",
    "data_hash",
    "digest_outputs",
    "digest_task",
    "external_urls",
    "failure_page",
    "finish_digest",
    "heading_outline",
    "heading_problems",
    "images_without_alt",
    "index_html",
    "input_cells_present",
    "manifest",
    "manifest_json",
    "normalise_notebook",
    "page_context",
    "page_environment",
    "page_stylesheet",
    "parse",
    "prompts_present",
    "render_handout",
    "render_html",
    "render_slides",
    "source_date",
    "tables_without_headers",
    "traceback_present",
    "versions",
]
