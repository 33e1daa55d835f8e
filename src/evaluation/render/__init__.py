"""Content to files: HTML pages, slides and handout, the index, provenance and HTML checks.

``page``        what every page shares: header, labels, provenance block, stylesheet, templates
``html``        executed notebooks to self-contained, accessible, reproducible HTML
``slides``      slides and handout of the transfer conference
``index_page``  the index page of a batch (and the page of a run still writing)
``output_folder``  where a run may write: refused folders, the marker, the lock
``provenance``  data hash, parameters, versions and the manifest
``htmlcheck``   checks of a rendered page on its HTML text
``chromium``    headless Chromium over the DevTools protocol (a pipe, no port)
``pdf``         reports printed to tagged, reproducible PDF by Chromium, and their tag checks

Layer: above ``report`` and ``execution``.
"""

import lazy_loader

# Names load from their module on first use (SPEC 1): importing the package costs nothing,
# and a report kernel never imports an estimator it does not call.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "chromium": [
            "BrowserError", "CdpPipe", "chromium_path", "launched", "svg_images_to_png",
            "svgs_to_png_with",
        ],
        "html": [
            "failure_page", "normalise_notebook", "render_html",
        ],
        "htmlcheck": [
            "ReportOutline", "check_report", "external_urls", "heading_outline",
            "heading_problems", "images_without_alt", "input_cells_present", "parse",
            "prompts_present", "tables_without_headers", "traceback_present",
        ],
        "index_page": [
            "incomplete_index_html", "index_html",
        ],
        "output_folder": [
            "LOCK_FILE", "MARKER", "check_output_file", "check_output_folder", "inside",
            "is_ours", "locked", "mark", "was_completed",
        ],
        "page": [
            "EDITIONS", "LABELS", "TEMPLATE_DIR", "TEMPLATE_NAME", "page_context",
            "page_environment", "page_stylesheet",
        ],
        "pdf": [
            "PRINT_OPTIONS", "PdfJob", "PdfOutcome", "normalise_pdf", "print_pdfs", "tag_problems",
        ],
        "provenance": [
            "DEFAULT_SOURCE_DATE", "PACKAGES", "data_hash", "manifest", "manifest_json",
            "source_date", "versions",
        ],
        "slides": [
            "digest_outputs", "digest_task", "finish_digest", "render_handout", "render_slides",
        ],
    },
)
