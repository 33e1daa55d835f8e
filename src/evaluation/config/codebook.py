"""Instrument codebooks: the data model of a YAML codebook, and the questions it answers.

The format is described in ``docs/codebook.md``. This module holds the data model
(:class:`Codebook` and its parts) and the normalisation of column names, texts and codes.
Loading and checking are in :mod:`evaluation.config.codebook_load`:
:func:`~evaluation.config.codebook_load.load_codebook` collects every problem of a codebook in
one pass and raises :class:`~evaluation.errors.CodebookError` listing them. Import the public
names from :mod:`evaluation.config`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from evaluation import columns as C
from evaluation.numbers import parse_number

__all__ = [
    "ID_FIELDS",
    "SCALE_KINDS",
    "Attribute",
    "AttributeValue",
    "Codebook",
    "Item",
    "Label",
    "NumericAttribute",
    "Scale",
    "code_key",
    "normalise_column",
    "normalise_text",
]

ID_FIELDS = (C.RESPONDENT, C.SITE, C.WAVE)
SCALE_KINDS = ("factor", "outcome")


@dataclass(frozen=True, kw_only=True)
class Label:
    de: str
    en: str

    def text(self, language: str) -> str:
        return self.de if language == "de" else self.en


@dataclass(frozen=True, kw_only=True)
class Item:
    key: str
    label: Label
    kind: str  # "factor", "outcome" or "challenge"
    scale: str | None
    reverse: bool = False
    #: True where the file's codes of this item run the other way round: the lowest code
    #: carries the scale's highest label (SoSci Survey's "Antwortcodes invertieren", a
    #: LimeSurvey question whose answers are listed from "agree" down). Codes are read as the
    #: answers they label; ``reverse`` still says whether the item counts reversed.
    reversed_in_file: bool = False
    #: a question for the peer exchange where many agree (challenge items only), optional
    question: Label | None = None


@dataclass(frozen=True, kw_only=True)
class Scale:
    key: str
    kind: str  # "factor" or "outcome"
    label: Label
    items: tuple[str, ...]
    #: False for a scale on which a lower score is the better one (``direction:
    #: lower_is_better``, e.g. a scale of strain or conflict).
    higher_is_better: bool = True
    #: a question the site can take into the peer exchange where the scale is weak, optional
    question: Label | None = None


@dataclass(frozen=True, kw_only=True)
class AttributeValue:
    key: str
    code: int | str | None
    label: Label


@dataclass(frozen=True, kw_only=True)
class Attribute:
    key: str
    level: str  # "respondent" or "municipality"
    label: Label
    values: tuple[AttributeValue, ...]

    def keys(self) -> tuple[str, ...]:
        return tuple(v.key for v in self.values)

    def lookup(self) -> dict[str, str]:
        """Map every accepted spelling (key, code, German or English label) to the key."""
        table: dict[str, str] = {}
        for v in self.values:
            spellings = [v.key, v.label.de, v.label.en]
            if isinstance(v.code, int):
                spellings += [str(v.code), f"{v.code}.0"]
            elif v.code is not None:
                spellings.append(v.code)
            for s in spellings:
                table[normalise_text(s)] = v.key
        return table

    def label_of(self, key: str, language: str) -> str:
        for v in self.values:
            if v.key == key:
                return v.label.text(language)
        return key


@dataclass(frozen=True, kw_only=True)
class NumericAttribute:
    key: str
    label: Label
    min: float
    max: float


@dataclass(frozen=True, kw_only=True)
class Codebook:
    """A checked instrument codebook."""

    name: str
    version: str
    title: Label
    scale_min: int
    scale_max: int
    scale_labels: dict[int, Label]
    missing_codes: dict[str, str]  # normalised code text -> missing category
    blank: str
    missing_labels: dict[str, Label]
    answer_codes: dict[str, float | str]
    min_valid_share: float
    scales: dict[str, Scale]
    items: dict[str, Item]
    attributes: dict[str, Attribute]
    numeric_attributes: dict[str, NumericAttribute]
    columns: dict[str, str]  # normalised export column name -> target
    ignore: frozenset[str]
    source: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # -- convenience views -------------------------------------------------------------
    @property
    def factors(self) -> dict[str, Scale]:
        return {k: s for k, s in self.scales.items() if s.kind == "factor"}

    @property
    def outcomes(self) -> dict[str, Scale]:
        return {k: s for k, s in self.scales.items() if s.kind == "outcome"}

    @property
    def challenges(self) -> tuple[str, ...]:
        return tuple(k for k, i in self.items.items() if i.kind == "challenge")

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(self.items)

    @property
    def reverse_items(self) -> tuple[str, ...]:
        return tuple(k for k, i in self.items.items() if i.reverse)

    def respondent_attributes(self) -> dict[str, Attribute]:
        return {k: a for k, a in self.attributes.items() if a.level == "respondent"}

    def municipality_attributes(self) -> dict[str, Attribute]:
        return {k: a for k, a in self.attributes.items() if a.level == "municipality"}

    def target_of(self, column: str) -> str | None:
        """The item key, attribute or id field that an export column holds, or ``None``."""
        name = normalise_column(column)
        if name in self.columns:
            return self.columns[name]
        for key in (*self.items, *self.attributes, *self.numeric_attributes, *ID_FIELDS):
            if normalise_column(key) == name:
                return key
        return None

    def target_of_heading(self, column: str) -> str | None:
        """The item whose wording a column heading is (an export with full question texts as
        headings: the wording itself, or LimeSurvey's ``Question [subquestion]`` with the
        item's wording in the brackets), or ``None`` where no single item's wording fits."""
        text = normalise_text(column)
        candidates = {text}
        bracket = re.search(r"\[([^\[\]]+)\]\s*$", str(column))
        if bracket:
            candidates.add(normalise_text(bracket.group(1)))
        found = {key for key, item in self.items.items()
                 if {normalise_text(item.label.de), normalise_text(item.label.en)} & candidates}
        return found.pop() if len(found) == 1 else None

    def is_ignored(self, column: str) -> bool:
        return normalise_column(column) in self.ignore


def normalise_column(name: str) -> str:
    """Normalise an export column name: ``Q1[SQ001]`` and ``Q1_SQ001`` compare equal."""
    text = str(name).strip()
    text = re.sub(r"\[([^\]]*)\]", r"_\1", text)
    return text.casefold()


def normalise_text(value: object) -> str:
    """Normalise a text value for lookups: trimmed, single spaces, case-folded."""
    return re.sub(r"\s+", " ", str(value)).strip().casefold()


def code_key(code: object) -> str:
    """Canonical text of a missing or answer code: ``-9``, ``-9.0`` and ``'-9'`` agree."""
    text = str(code).strip()
    number = parse_number(text)
    if number is None:  # not a number as a cell writes one (see evaluation.numbers)
        return text.casefold()
    return str(int(number)) if number.is_integer() else repr(number)
