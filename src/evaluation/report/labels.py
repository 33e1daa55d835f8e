"""Display labels of scales, items, waves, sites and categories, read from the results' meta.

The pipeline stores the codebook labels in ``Results.meta`` (keys ``scales``, ``items``,
``waves``, ``sites``, ``attribute_labels``; see :func:`evaluation.pipeline.results_meta`).
A run folder written without them still works: the labels are then read from the codebook
at ``meta["instrument_path"]`` when that file exists, and otherwise the keys themselves are
shown.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.errors import ReportError
from evaluation.language import LANGUAGES, check_language
from evaluation.report.netplots import ACTOR_TYPE_LABELS, EVENT_TYPE_LABELS

log = logging.getLogger("evaluation")

DEFAULT_MIN_GROUP_SIZE = 5

MONTHS = {"de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                 "September", "Oktober", "November", "Dezember"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December")}


EDITIONS = ("partner", "evaluator")


def check_edition(edition: str) -> str:
    """Return ``edition`` if it is a report edition, else raise :class:`ReportError`."""
    if edition not in EDITIONS:
        raise ReportError(f"unknown report edition {edition!r}; expected one of "
                          f"{', '.join(EDITIONS)}")
    return edition


def month_year(day: dt.date | None, language: str) -> str:
    """``März 2026`` / ``March 2026``; empty text for no date."""
    if day is None:
        return ""
    return f"{MONTHS[check_language(language)][day.month - 1]} {day.year}"


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@dataclass(frozen=True, kw_only=True)
class ScaleInfo:
    """One scale of the instrument: key, kind (``factor``/``outcome``), labels, items."""

    key: str
    kind: str
    label_de: str
    label_en: str
    items: tuple[str, ...] = ()
    higher_is_better: bool = True
    #: the codebook's question for the peer exchange (``{"de": ..., "en": ...}``), if any
    question: Mapping[str, str] | None = None

    def label(self, language: str) -> str:
        return self.label_de if check_language(language) == "de" else self.label_en


@dataclass(frozen=True, kw_only=True)
class Labels:
    """Everything a report needs to name things, in both report languages."""

    scales: tuple[ScaleInfo, ...]
    items: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    waves: tuple[Mapping[str, Any], ...] = ()
    sites: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    #: The response scale of the instrument: lowest and highest answer code, and the label
    #: of each code that has one (``{code: {"de": ..., "en": ...}}``).
    scale_min: int = 1
    scale_max: int = 5
    answer_labels: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    #: The participation tables the project has (``None``: not recorded, an older run).
    participation_tables: tuple[str, ...] | None = None

    def has_participation(self, *tables: str) -> bool:
        """Whether the project has any of ``tables`` (any participation table without
        arguments); true where an older run did not record it."""
        if self.participation_tables is None:
            return True
        return bool(set(tables or self.participation_tables) & set(self.participation_tables))

    @property
    def has_challenges(self) -> bool:
        return any(v.get("kind") == "challenge" for v in self.items.values())

    # ------------------------------------------------------------------ response scale
    def range_text(self, language: str) -> str:
        """``1 bis 5`` / ``1 to 5``: the response scale as a caption says it."""
        word = "bis" if check_language(language) == "de" else "to"
        return f"{self.scale_min} {word} {self.scale_max}"

    def answer_label(self, code: int, language: str) -> str:
        """The label of answer ``code`` (empty where the codebook gives none)."""
        return str((self.answer_labels.get(code) or {}).get(check_language(language), ""))

    def ends_text(self, language: str) -> str:
        """``1 = trifft gar nicht zu, 5 = trifft voll zu`` (or the range alone without
        labels): what the ends of the axis mean."""
        low, high = (self.answer_label(c, language) for c in (self.scale_min, self.scale_max))
        if not (low and high):
            return self.range_text(language)
        return f"{self.scale_min} = {low}, {self.scale_max} = {high}"

    def range_with_labels(self, language: str) -> str:
        """``1 („trifft gar nicht zu“) bis 5 („trifft voll zu“)``: the range with the labels
        of its ends, as the reading guide says it."""
        de = check_language(language) == "de"
        quote = ("\u201e{}\u201c" if de else "\u201c{}\u201d").format
        ends = [f"{code} ({quote(label)})" if label else str(code)
                for code, label in ((c, self.answer_label(c, language))
                                    for c in (self.scale_min, self.scale_max))]
        return f" {'bis' if de else 'to'} ".join(ends)

    @property
    def agree_codes(self) -> tuple[int, int]:
        """The two highest answers, whose share is reported as agreement."""
        return (self.scale_max - 1, self.scale_max)

    def agree_text(self, language: str) -> str:
        """``„trifft eher zu“ oder „trifft voll zu“`` (or ``4 oder 5``): what agreement means."""
        word = "oder" if check_language(language) == "de" else "or"
        labels = [self.answer_label(c, language) for c in self.agree_codes]
        if all(labels):
            quote = ("\u201e{}\u201c" if language == "de" else "\u201c{}\u201d").format
            return f" {word} ".join(quote(t) for t in labels)
        return f" {word} ".join(str(c) for c in self.agree_codes)

    # ------------------------------------------------------------------ scales and items
    def scale(self, key: str) -> ScaleInfo:
        for info in self.scales:
            if info.key == key:
                return info
        return ScaleInfo(key=key, kind="factor", label_de=key, label_en=key)

    def scale_label(self, key: str, language: str) -> str:
        return self.scale(key).label(language)

    @property
    def factor_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.scales if s.kind == "factor")

    @property
    def outcome_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.scales if s.kind == "outcome")

    def scale_order(self, keys: Any) -> list[str]:
        """``keys`` sorted in codebook order (factors, then outcomes), unknown keys last."""
        order = [s.key for s in self.scales]
        return sorted({str(k) for k in keys},
                      key=lambda k: (order.index(k) if k in order else len(order), k))

    def item_label(self, key: str, language: str) -> str:
        spec = self.items.get(key) or {}
        return str(spec.get(check_language(language)) or key)

    @property
    def challenge_keys(self) -> tuple[str, ...]:
        return tuple(k for k, v in self.items.items() if v.get("kind") == "challenge")

    # ------------------------------------------------------------------ waves and sites
    @property
    def wave_keys(self) -> tuple[str, ...]:
        return tuple(str(w["key"]) for w in self.waves)

    def _wave(self, key: str) -> Mapping[str, Any]:
        for wave in self.waves:
            if str(wave["key"]) == key:
                return wave
        return {"key": key}

    def wave_label(self, key: str, language: str) -> str:
        wave = self._wave(key)
        return str(wave.get(f"label_{check_language(language)}") or key)

    def wave_date(self, key: str) -> dt.date | None:
        return _date(self._wave(key).get("date"))

    def previous_wave(self, key: str) -> str | None:
        keys = self.wave_keys
        if key not in keys:
            return None
        i = keys.index(key)
        return keys[i - 1] if i > 0 else None

    def site_name(self, key: str) -> str:
        return self.sites.get(key) or key

    # ------------------------------------------------------------------ categories
    def actor_type(self, key: str, language: str) -> str:
        values = self.attributes.get("actor_type", {})
        if key in values:
            return str(values[key].get(language) or key)
        pair = ACTOR_TYPE_LABELS.get(key)
        return pair[LANGUAGES.index(language)] if pair else key

    def attribute_value(self, attribute: str, key: str, language: str) -> str:
        values = self.attributes.get(attribute, {})
        if key in values:
            return str(values[key].get(language) or key)
        if attribute == "actor_type":
            return self.actor_type(key, language)
        return key

    @staticmethod
    def event_type(key: str, language: str) -> str:
        pair = EVENT_TYPE_LABELS.get(key)
        return pair[LANGUAGES.index(check_language(language))] if pair else key


def _from_codebook(path: str | Path) -> tuple[tuple[ScaleInfo, ...], dict[str, Any]]:
    from evaluation.config import load_codebook

    book = load_codebook(path)
    scales = tuple(ScaleInfo(key=s.key, kind=s.kind, label_de=s.label.de, label_en=s.label.en,
                             items=tuple(s.items), higher_is_better=s.higher_is_better,
                             question={"de": s.question.de, "en": s.question.en}
                             if s.question else None)
                   for s in book.scales.values())
    items = {k: {"de": i.label.de, "en": i.label.en, "scale": i.scale, "reverse": i.reverse,
                 "kind": i.kind, **({"question": {"de": i.question.de, "en": i.question.en}}
                                    if i.question else {})} for k, i in book.items.items()}
    return scales, items


def labels_from_meta(meta: Mapping[str, Any], tables: Mapping[str, Any] | None = None
                     ) -> Labels:
    """Build :class:`Labels` from ``Results.meta`` (see the module notes for fallbacks)."""
    scales: tuple[ScaleInfo, ...] = tuple(
        ScaleInfo(key=str(s["key"]), kind=str(s.get("kind", "factor")),
                  label_de=str(s.get("label_de") or s["key"]),
                  label_en=str(s.get("label_en") or s["key"]),
                  items=tuple(s.get("items", ())),
                  higher_is_better=bool(s.get("higher_is_better", True)),
                  question=s.get("question"))
        for s in meta.get("scales") or ())
    items: dict[str, Any] = dict(meta.get("items") or {})
    if not scales:
        path = meta.get("instrument_path")
        if path and Path(path).is_file():
            scales, book_items = _from_codebook(path)
            items = items or book_items
        else:
            log.warning("results meta holds no scale labels and no readable instrument_path; "
                        "reports show scale keys")
    if not scales and tables is not None and "site_vs_pool" in tables:
        keys = sorted(tables["site_vs_pool"]["scale"].dropna().unique())
        scales = tuple(ScaleInfo(key=str(k), kind="outcome" if k in ("synergy", "satisfaction")
                                 else "factor", label_de=str(k), label_en=str(k))
                       for k in keys)
    if not any(v.get("kind") == "challenge" for v in items.values()) and tables is not None \
            and "challenges" in tables:
        for key in sorted(tables["challenges"]["item"].dropna().unique()):
            items.setdefault(str(key), {"de": str(key), "en": str(key), "kind": "challenge"})
    waves = tuple(dict(w) for w in meta.get("waves") or ())
    if not waves and tables is not None and "counts" in tables:
        waves = tuple({"key": str(w)} for w in sorted(tables["counts"]["wave"].unique()))
    sites = {str(s["key"]): str(s.get("name") or s["key"]) for s in meta.get("sites") or ()}
    response = meta.get("response_scale") or {}
    return Labels(scales=scales, items=items, waves=waves, sites=sites,
                  attributes=dict(meta.get("attribute_labels") or {}),
                  scale_min=int(response.get("min", 1)), scale_max=int(response.get("max", 5)),
                  answer_labels={int(code): dict(label) for code, label
                                 in (response.get("labels") or {}).items()},
                  participation_tables=(tuple(meta["participation_tables"])
                                        if "participation_tables" in meta else None))


def min_group_size(meta: Mapping[str, Any]) -> int:
    """The k of the disclosure rule: ``meta["min_group_size"]`` (or ``privacy``), default 5."""
    value = meta.get("min_group_size")
    if value is None:
        value = (meta.get("privacy") or {}).get("min_group_size", DEFAULT_MIN_GROUP_SIZE)
    return int(value)
