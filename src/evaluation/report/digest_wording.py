"""The numbers and words every finding of the digest needs (:mod:`evaluation.report.digest`).

:class:`DigestContext` holds what a finding is computed from (the tables, the report wave,
the waves in order, the scale labels, k) and says it in the report language: the German or
English sentence (:meth:`DigestContext.say`), factor labels in the language's quotation
marks, numbers, signed changes, confidence intervals and percentages in the language's
format. :func:`finding_record` turns one finding's text into its row of the digest table.
"""

from __future__ import annotations

from typing import Any

from evaluation import columns as C
from evaluation.peers import scale_labels, wave_order
from evaluation.report.formatting import fmt_ci, fmt_number, fmt_percent
from evaluation.report.labels import labels_from_meta

__all__ = ["EVIDENCE_LABELS", "UNITS", "DigestContext", "finding_record"]

EVIDENCE_LABELS = {"de": {"strong": "stark", "medium": "mittel", "weak": "schwach"},
                   "en": {"strong": "strong", "medium": "medium", "weak": "weak"}}
#: what ``n`` counts, per finding
UNITS = {"drivers": "respondents", "topics": "respondents", "pooled_change": "responses",
         "sites_improved": "responses", "eye_level": "respondents",
         "network": "organisations", "reliability": "respondents"}


class DigestContext:
    """What every finding needs: tables, wave, language, labels, k; and number formats."""

    def __init__(self, results: Any, wave: str, language: str) -> None:
        self.results, self.wave, self.language = results, wave, language
        self.de = language == "de"
        self.t = results.tables
        self.labels = scale_labels(results.meta)
        self.waves = wave_order(results)
        self.k = int(results.meta.get("min_group_size") or 5)
        self.factors = [s for s, v in self.labels.items() if v["kind"] == "factor"] or sorted(
            set(self.t["site_vs_pool"][C.SCALE]) - {"synergy", "satisfaction"})
        #: factors on which a lower score is the better one (never "lowest rated")
        self.lower_better = {str(s["key"]) for s in results.meta.get("scales") or ()
                             if not s.get("higher_is_better", True)}

    def say(self, de: str, en: str) -> str:
        return de if self.de else en

    def scale_range(self) -> str:
        """``1 bis 5`` / ``1 to 5``: the instrument's response scale."""
        return labels_from_meta(self.results.meta).range_text(self.language)

    def label(self, scale: str) -> str:
        text = self.labels.get(scale, {}).get(self.language, scale)
        return self.say(f"„{text}“", f"“{text}”")

    def wave_label(self, wave: str) -> str:
        for w in self.results.meta.get("waves") or ():
            if w["key"] == wave:
                return str(w.get(f"label_{self.language}") or wave)
        return wave

    def attr(self, attribute: str, value: str) -> str:
        labels = (self.results.meta.get("attribute_labels") or {}).get(attribute, {})
        return str(labels.get(value, {}).get(self.language, value))

    def num(self, x: float, digits: int = 2) -> str:
        return fmt_number(x, digits, self.language)

    def signed(self, x: float) -> str:
        return ("+" if x > 0 else "") + self.num(x)

    def ci(self, low: float, high: float) -> str:
        return fmt_ci(low, high, 2, self.language)

    def pct(self, x: float) -> str:
        return fmt_percent(x, 0, self.language)

    def join(self, items: list[str]) -> str:
        if len(items) <= 1:
            return "".join(items)
        return "; ".join(items[:-1]) + self.say(" und ", " and ") + items[-1]


def finding_record(ctx: DigestContext, key: str, title: tuple[str, str], text: str,
                   evidence: str, n: int, value: int | None = None) -> dict[str, Any]:
    """One row of the digest table; ``title`` is the German and the English title."""
    return {"finding_key": key, "title": ctx.say(*title), "text": text, "evidence": evidence,
            "n": int(n), "unit": UNITS[key], "value": value}
