"""Report content: what a site report and the synthesis show, built from computed results.

Pure functions over :class:`evaluation.results.store.Results`; the notebooks in ``notebooks/`` only
call them. Modules, by domain:

``view``              :class:`SiteView`, the partner-safe content of one site report
``messages``          key messages with careful wording
``charts``            profile, change and challenges charts; :func:`display_chart`
``texts``, ``questions``, ``labels``   fixed texts, peer-exchange questions, display labels
``sections``, ``network_sections``     partner report sections as HTML fragments
``evaluator``         evaluator-only sections of a site report
``synthesis``         sections of the cross-site synthesis (evaluation team only)
``fragments``         HTML helpers and :func:`show`
"""

from __future__ import annotations

from evaluation.report.chart_store import (
    STORE_DIR,
    code_fingerprint,
    draw,
)
from evaluation.report.charts import (
    chart_html,
    display_chart,
)
from evaluation.report.digest import (
    findings,
)
from evaluation.report.digest_findings import (
    FINDERS,
    holm_adjusted,
)
from evaluation.report.digest_wording import (
    EVIDENCE_LABELS,
    UNITS,
    DigestContext,
    finding_record,
)
from evaluation.report.formatting import (
    MISSING,
    NARROW_NBSP,
    fmt_ci,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_percent,
    fmt_pvalue,
    html_table,
)
from evaluation.report.fragments import (
    Fragment,
    show,
)
from evaluation.report.labels import (
    check_edition,
)
from evaluation.report.messages import (
    Message,
    key_messages,
)
from evaluation.report.readings import (
    AGGREGATION_READINGS,
    AGREEMENT_READINGS,
    DRIVER_LABELS,
    EYE_LEVEL_LABELS,
    aggregation_reading,
    describe_association,
    driver_reading,
    eye_level_reading,
)
from evaluation.report.slide_cells import (
    DIGEST_MIMETYPE,
    TEXT,
    digest_payload,
    digest_text,
    drivers_chart,
    show_chart,
    show_finding,
    show_key_message,
    show_payload,
    show_peer_learning,
    show_reading,
    show_title,
)
from evaluation.report.view import (
    SiteView,
    build_site_view,
)

__all__ = [
    "AGGREGATION_READINGS",
    "AGREEMENT_READINGS",
    "DIGEST_MIMETYPE",
    "DRIVER_LABELS",
    "EVIDENCE_LABELS",
    "EYE_LEVEL_LABELS",
    "FINDERS",
    "MISSING",
    "NARROW_NBSP",
    "STORE_DIR",
    "TEXT",
    "UNITS",
    "DigestContext",
    "Fragment",
    "Message",
    "SiteView",
    "aggregation_reading",
    "build_site_view",
    "chart_html",
    "check_edition",
    "code_fingerprint",
    "describe_association",
    "digest_payload",
    "digest_text",
    "display_chart",
    "draw",
    "driver_reading",
    "drivers_chart",
    "eye_level_reading",
    "finding_record",
    "findings",
    "fmt_ci",
    "fmt_date",
    "fmt_int",
    "fmt_number",
    "fmt_percent",
    "fmt_pvalue",
    "holm_adjusted",
    "html_table",
    "key_messages",
    "show",
    "show_chart",
    "show_finding",
    "show_key_message",
    "show_payload",
    "show_peer_learning",
    "show_reading",
    "show_title",
]
