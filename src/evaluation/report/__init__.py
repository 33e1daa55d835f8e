"""Report content: what a site report and the synthesis show, built from computed results.

Pure functions over :class:`evaluation.results.Results`; the notebooks in ``notebooks/`` only
call them. Every word a reader sees lives in this subpackage. Modules, by domain:

``view``              :class:`SiteView`, the partner-safe content of one site report
``messages``          key messages with careful wording
``readings``          plain-language readings of statistical results (verdicts, associations)
``charts``, ``chart_text``, ``netplots``   charts and their alternative texts
``chart_store``       charts drawn once per run and shared by a site's editions
``texts``, ``questions``, ``labels``   fixed texts, peer-exchange questions, display labels
``formatting``        numbers, intervals and p-values as a German or English reader sees them
``sections``, ``network_sections``     partner report sections as HTML fragments
``guidance``          next steps, learning partner, contact and glossary of a site report
``evaluator``         evaluator-only sections of a site report
``synthesis``         sections of the cross-site synthesis (evaluation team only)
``digest``, ``digest_findings``, ``digest_wording``, ``slide_cells``   the conference digest
``fragments``         HTML helpers and :func:`show`

Layer: above ``analysis``, ``peers``, ``participation``, ``network`` and ``results``.
"""

import lazy_loader

# Names load from their module on first use (SPEC 1): importing the package costs nothing,
# and a report kernel imports only the modules of the sections it shows.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "chart_store": [
            "STORE_DIR", "code_fingerprint", "draw",
        ],
        "charts": [
            "chart_html", "display_chart",
        ],
        "digest": [
            "findings",
        ],
        "digest_findings": [
            "FINDERS",
        ],
        "digest_wording": [
            "EVIDENCE_LABELS", "UNITS", "DigestContext", "finding_record",
        ],
        "formatting": [
            "MISSING", "NARROW_NBSP", "fmt_ci", "fmt_date", "fmt_int", "fmt_number",
            "fmt_percent", "fmt_pvalue", "html_table",
        ],
        "fragments": [
            "Fragment", "show",
        ],
        "labels": [
            "check_edition",
        ],
        "messages": [
            "Message", "key_messages",
        ],
        "readings": [
            "AGGREGATION_READINGS", "AGREEMENT_READINGS", "DRIVER_LABELS", "EYE_LEVEL_LABELS",
            "aggregation_reading", "describe_association", "driver_reading", "eye_level_reading",
        ],
        "sections": [
            "assessment",
        ],
        "slide_cells": [
            "DIGEST_MIMETYPE", "TEXT", "digest_payload", "digest_text", "drivers_chart",
            "show_chart", "show_finding", "show_key_message", "show_payload",
            "show_peer_learning", "show_reading", "show_title",
        ],
        "texts": [
            "change_reading", "text",
        ],
        "view": [
            "MIN_POOL_SITES", "SiteView", "build_site_view",
        ],
    },
)
