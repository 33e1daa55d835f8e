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

from evaluation.report.charts import chart_html, display_chart
from evaluation.report.errors import ReportError
from evaluation.report.fragments import Fragment, show
from evaluation.report.labels import check_edition, check_language
from evaluation.report.messages import Message, key_messages
from evaluation.report.view import SiteView, build_site_view

__all__ = [
    "Fragment",
    "Message",
    "ReportError",
    "SiteView",
    "build_site_view",
    "chart_html",
    "check_edition",
    "check_language",
    "display_chart",
    "key_messages",
    "show",
]
