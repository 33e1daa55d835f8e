"""Loading and checking a YAML codebook, and building its :class:`~evaluation.config.Codebook`.

:class:`_Checker` walks every section of the codebook (response scale, missing and answer
codes, scales and items, challenges, attributes, column mappings), collects each problem as a
:class:`~evaluation.errors.Problem` instead of stopping at the first, and builds the parts of
the codebook from what it could read. :func:`parse_codebook` (parsed YAML) and
:func:`load_codebook` (a file) raise :class:`~evaluation.errors.CodebookError` listing the
problems. Import the public names from :mod:`evaluation.config`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from evaluation import columns as C
from evaluation.config.codebook import (
    ID_FIELDS,
    Attribute,
    AttributeValue,
    Codebook,
    Item,
    Label,
    NumericAttribute,
    Scale,
    code_key,
    normalise_column,
    normalise_text,
)
from evaluation.config.settings import did_you_mean
from evaluation.config.yamlio import load_yaml
from evaluation.errors import CodebookError, Problem
from evaluation.language import LANGUAGES

__all__ = [
    "HIGHER_IS_BETTER",
    "LOWER_IS_BETTER",
    "load_codebook",
    "parse_codebook",
]


HIGHER_IS_BETTER = "higher_is_better"
LOWER_IS_BETTER = "lower_is_better"
SCALE_KEYS = frozenset({"label", "items", "direction", "question"})


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str, *, value: object = None,
                expected: str | None = None) -> None:
        self.problems.append(Problem(file=self.source, column=where, message=message,
                                     value=value, expected=expected))

    def mapping(self, where: str, node: Any) -> dict[Any, Any]:
        """``node`` as a mapping: empty for an absent node, empty with a problem for any other
        type, so that every later step reads a mapping."""
        if node is None:
            return {}
        if not isinstance(node, dict):
            self.problem(where, "expected a mapping (lines of 'key: value')", value=node)
            return {}
        return node

    def label(self, where: str, node: Any) -> Label:
        if not isinstance(node, dict):
            self.problem(where, "label must be a mapping with 'de' and 'en'", value=node,
                         expected="{de: ..., en: ...}")
            return Label(de=str(node), en=str(node))
        texts = {}
        for lang in LANGUAGES:
            text = node.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.problem(where, f"missing or empty '{lang}' text", value=text,
                             expected="a non-empty string")
                text = str(text)
            texts[lang] = text.strip()
        return Label(**texts)

    def parse(self, data: Any) -> Codebook | None:
        if not isinstance(data, dict):
            self.problem("<top>", "a codebook must be a YAML mapping", value=type(data).__name__)
            return None
        known = {"codebook", "version", "title", "response_scale", "missing", "answer_codes",
                 "min_valid_share", "factors", "outcomes", "challenges", "attributes",
                 "columns", "ignore"}
        for key in data:
            if key not in known:
                self.problem(str(key), f"unknown top-level section{did_you_mean(key, known)}",
                             value=key,
                             expected=", ".join(sorted(known)))
        name = str(data.get("codebook") or "")
        if not name:
            self.problem("codebook", "the codebook needs a name")
        version = str(data.get("version", ""))
        title = self.label("title", data.get("title", {"de": name, "en": name}))

        smin, smax, slabels = self.response_scale(data.get("response_scale"))
        missing_codes, blank, missing_labels = self.missing(data.get("missing"), smin, smax)
        answer_codes = self.answer_codes(data.get("answer_codes") or {}, smin, smax)

        share = data.get("min_valid_share", 2 / 3)
        if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 < share <= 1:
            self.problem("min_valid_share", "must be a number in (0, 1]", value=share)
            share = 2 / 3

        items: dict[str, Item] = {}
        scales: dict[str, Scale] = {}
        for section, kind in (("factors", "factor"), ("outcomes", "outcome")):
            self.scales(section, kind, data.get(section), items, scales)
        if not any(s.kind == "factor" for s in scales.values()):
            self.problem("factors", "the codebook defines no factor")
        self.challenges(data.get("challenges") or {}, items)
        by_column: dict[str, str] = {}
        for key in items:  # export columns are matched without regard to case
            other = by_column.setdefault(normalise_column(key), key)
            if other != key:
                self.problem("items", f"item keys {other!r} and {key!r} differ only in case "
                             "or brackets, so both would read the same column", value=key,
                             expected="item keys that differ in more than case")

        attributes, numeric = self.attributes(data.get("attributes") or {})
        for key in (*attributes, *numeric):
            if key in items or key in ID_FIELDS:
                self.problem(f"attributes.{key}", "attribute key is also an item or id field",
                             value=key)

        targets = set(items) | set(attributes) | set(numeric) | set(ID_FIELDS)
        column_map = self.columns(data.get("columns") or {}, targets)
        ignore_node = data.get("ignore") or []
        if not isinstance(ignore_node, list):
            self.problem("ignore", "must be a list of column names", value=ignore_node)
            ignore_node = []
        ignore = frozenset(normalise_column(c) for c in ignore_node)

        return Codebook(
            name=name, version=version, title=title, scale_min=smin, scale_max=smax,
            scale_labels=slabels, missing_codes=missing_codes, blank=blank,
            missing_labels=missing_labels, answer_codes=answer_codes,
            min_valid_share=float(share), scales=scales, items=items,
            attributes=attributes, numeric_attributes=numeric, columns=column_map,
            ignore=ignore, source=self.source, raw=data,
        )

    def response_scale(self, node: Any) -> tuple[int, int, dict[int, Label]]:
        if not isinstance(node, dict):
            self.problem("response_scale", "missing or not a mapping",
                         expected="min, max and labels")
            return 1, 5, {}
        smin, smax = node.get("min"), node.get("max")
        if not (isinstance(smin, int) and isinstance(smax, int)) or smin >= smax:
            self.problem("response_scale", "min and max must be integers with min < max",
                         value=f"{smin}..{smax}")
            return 1, 5, {}
        labels: dict[int, Label] = {}
        raw = self.mapping("response_scale.labels", node.get("labels"))
        for value, text in raw.items():
            if not isinstance(value, int) or not smin <= value <= smax:
                self.problem("response_scale.labels", "label for a value outside the scale",
                             value=value, expected=f"an integer in {smin}..{smax}")
                continue
            labels[value] = self.label(f"response_scale.labels.{value}", text)
        for value in range(smin, smax + 1):
            if value not in labels and value not in raw:
                self.problem("response_scale.labels", "no label for a valid value",
                             value=value)
        return smin, smax, labels

    def missing(self, node: Any, smin: int, smax: int
                ) -> tuple[dict[str, str], str, dict[str, Label]]:
        node = self.mapping("missing", node)
        codes: dict[str, str] = {}
        for code, category in self.mapping("missing.codes", node.get("codes")).items():
            if category not in C.MISSING_CATEGORIES:
                self.problem("missing.codes", "unknown missing category", value=category,
                             expected=", ".join(C.MISSING_CATEGORIES))
                continue
            key = code_key(code)
            try:
                number = float(key)
            except ValueError:
                number = None
            if number is not None and smin <= number <= smax:
                self.problem("missing.codes", "missing code collides with a valid answer",
                             value=code, expected=f"a value outside {smin}..{smax}")
            codes[key] = category
        blank = node.get("blank", C.NO_ANSWER)
        if blank not in C.MISSING_CATEGORIES:
            self.problem("missing.blank", "unknown missing category", value=blank,
                         expected=", ".join(C.MISSING_CATEGORIES))
            blank = C.NO_ANSWER
        defaults = {
            C.NO_ANSWER: Label(de="keine Angabe", en="no answer"),
            C.CANNOT_JUDGE: Label(de="kann ich nicht beurteilen", en="cannot judge"),
            C.NOT_SHOWN: Label(de="nicht gezeigt", en="not shown"),
            C.FAULTY: Label(de="fehlerhafte Daten", en="faulty data"),
        }
        for category, text in self.mapping("missing.labels", node.get("labels")).items():
            if category not in C.MISSING_CATEGORIES:
                self.problem("missing.labels", "unknown missing category", value=category)
                continue
            defaults[category] = self.label(f"missing.labels.{category}", text)
        return codes, blank, defaults

    def answer_codes(self, node: Any, smin: int, smax: int) -> dict[str, float | str]:
        if not isinstance(node, dict):
            self.problem("answer_codes", "must be a mapping", value=node)
            return {}
        table: dict[str, float | str] = {}
        for code, meaning in node.items():
            if isinstance(meaning, str):
                if meaning not in C.MISSING_CATEGORIES:
                    self.problem("answer_codes", "unknown missing category", value=meaning,
                                 expected=", ".join(C.MISSING_CATEGORIES))
                    continue
                table[code_key(code)] = meaning
            elif isinstance(meaning, (int, float)) and not isinstance(meaning, bool) \
                    and smin <= meaning <= smax:
                table[code_key(code)] = float(meaning)
            else:
                self.problem("answer_codes", "answer code must map to a valid value or a "
                             "missing category", value=f"{code}: {meaning}",
                             expected=f"a number in {smin}..{smax}")
        return table

    def scales(self, section: str, kind: str, node: Any, items: dict[str, Item],
               scales: dict[str, Scale]) -> None:
        if node is None:
            return
        if not isinstance(node, dict):
            self.problem(section, "must be a mapping of scale keys", value=node)
            return
        for key, spec in node.items():
            where = f"{section}.{key}"
            if key in scales:
                self.problem(where, "scale defined twice", value=key)
                continue
            if not isinstance(spec, dict):
                self.problem(where, "a scale needs a label and items", value=spec)
                continue
            label = self.label(f"{where}.label", spec.get("label"))
            members = spec.get("items")
            if not isinstance(members, dict) or not members:
                self.problem(f"{where}.items", "a scale needs at least one item")
                members = {}
            for extra in set(spec) - SCALE_KEYS:
                if extra == "reverse":
                    self.problem(where, "a reverse flag on a scale, not on an item",
                                 value=extra, expected="reverse: true inside an item")
                else:
                    self.problem(where, "unknown key in scale"
                                 + did_you_mean(extra, SCALE_KEYS), value=extra,
                                 expected=", ".join(sorted(SCALE_KEYS)))
            direction = spec.get("direction", HIGHER_IS_BETTER)
            if direction not in (HIGHER_IS_BETTER, LOWER_IS_BETTER):
                self.problem(f"{where}.direction", "unknown direction", value=direction,
                             expected=f"{HIGHER_IS_BETTER} (default) or {LOWER_IS_BETTER}")
                direction = HIGHER_IS_BETTER
            keys = []
            for item_key, item_spec in members.items():
                item = self.item(f"{where}.items.{item_key}", str(item_key), item_spec,
                                 kind=kind, scale=str(key))
                if item is None:
                    continue
                if item.key in items:
                    other = items[item.key].scale or items[item.key].kind
                    self.problem(f"{where}.items", f"item also belongs to {other!r}",
                                 value=item.key, expected="each item in exactly one scale")
                    continue
                items[item.key] = item
                keys.append(item.key)
            question = (self.label(f"{where}.question", spec["question"])
                        if "question" in spec else None)
            scales[str(key)] = Scale(key=str(key), kind=kind, label=label, items=tuple(keys),
                                     higher_is_better=direction == HIGHER_IS_BETTER,
                                     question=question)

    def item(self, where: str, key: str, spec: Any, *, kind: str,
             scale: str | None) -> Item | None:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", key):
            self.problem(where, "an item key is an identifier", value=key,
                         expected="letters (any case), digits and underscores, starting with "
                         "a letter, e.g. TR01_01 or trust_1")
        if not isinstance(spec, dict):
            self.problem(where, "an item needs German and English wording", value=spec)
            return None
        reverse = spec.get("reverse", False)
        if "reverse" in spec and kind == "challenge":
            self.problem(where, "reverse flag on a single challenge item, which has no "
                         "scale score", value=reverse, expected="no reverse flag")
            reverse = False
        if not isinstance(reverse, bool):
            self.problem(where, "reverse must be true or false", value=reverse)
            reverse = False
        in_file = spec.get("reversed_in_file", False)
        if not isinstance(in_file, bool):
            self.problem(where, "reversed_in_file must be true or false", value=in_file)
            in_file = False
        if in_file and kind == "challenge":
            self.problem(where, "reversed_in_file on a single challenge item",
                         value=in_file, expected="no reversed_in_file flag")
            in_file = False
        known = {"de", "en", "reverse", "reversed_in_file"} | (
            {"question"} if kind == "challenge" else set())
        for extra in set(spec) - known:
            hint = did_you_mean(extra, known)
            self.problem(where, f"unknown key in item{hint}", value=extra,
                         expected=", ".join(sorted(known)))
        label = self.label(where, {k: spec.get(k) for k in LANGUAGES})
        question = (self.label(f"{where}.question", spec["question"])
                    if "question" in spec and kind == "challenge" else None)
        return Item(key=key, label=label, kind=kind, scale=scale, reverse=reverse,
                    reversed_in_file=in_file, question=question)

    def challenges(self, node: Any, items: dict[str, Item]) -> None:
        if not isinstance(node, dict):
            self.problem("challenges", "must be a mapping of item keys", value=node)
            return
        for key, spec in node.items():
            item = self.item(f"challenges.{key}", str(key), spec, kind="challenge", scale=None)
            if item is None:
                continue
            if item.key in items:
                self.problem("challenges", f"item also belongs to {items[item.key].scale!r}",
                             value=item.key, expected="each item in exactly one place")
                continue
            items[item.key] = item

    def attributes(self, node: Any
                   ) -> tuple[dict[str, Attribute], dict[str, NumericAttribute]]:
        attributes: dict[str, Attribute] = {}
        numeric: dict[str, NumericAttribute] = {}
        if not isinstance(node, dict):
            self.problem("attributes", "must be a mapping", value=node)
            return attributes, numeric
        for level in node:
            if level not in ("respondent", "municipality", "numeric"):
                self.problem(f"attributes.{level}", "unknown attribute level", value=level,
                             expected="respondent, municipality, numeric")
        for key, spec in self.mapping("attributes.numeric", node.get("numeric")).items():
            where = f"attributes.numeric.{key}"
            spec = self.mapping(where, spec)
            lo, hi = spec.get("min"), spec.get("max")
            if not all(isinstance(v, (int, float)) for v in (lo, hi)) or lo >= hi:
                self.problem(where, "numeric attribute needs min < max", value=f"{lo}..{hi}")
                lo, hi = float("-inf"), float("inf")
            numeric[key] = NumericAttribute(key=key, label=self.label(where, spec.get("label")),
                                            min=float(lo), max=float(hi))
        for level in ("respondent", "municipality"):
            for key, spec in self.mapping(f"attributes.{level}", node.get(level)).items():
                where = f"attributes.{level}.{key}"
                if key in attributes or key in numeric:
                    self.problem(where, "attribute defined twice", value=key)
                    continue
                if not isinstance(spec, dict) or not isinstance(spec.get("values"), dict) \
                        or not spec["values"]:
                    self.problem(where, "an attribute needs a label and a mapping of values")
                    continue
                if "reverse" in spec:
                    self.problem(where, "a reverse flag on an attribute, which is not an item",
                                 value=spec["reverse"], expected="no reverse flag")
                values = []
                seen: dict[str, str] = {}
                for vkey, vspec in spec["values"].items():
                    vwhere = f"{where}.values.{vkey}"
                    vspec = self.mapping(vwhere, vspec)
                    code = vspec.get("code")
                    if isinstance(code, str) and code.strip():
                        code = code.strip()  # a text code as tools export them ("A1")
                    elif code is not None and (not isinstance(code, int)
                                               or isinstance(code, bool)):
                        self.problem(vwhere, "code must be an integer or a text code",
                                     value=code, expected="e.g. 1 or A1")
                        code = None
                    value = AttributeValue(key=str(vkey), code=code,
                                           label=self.label(vwhere, vspec))
                    spellings = {value.key, value.label.de, value.label.en}
                    if code is not None:
                        spellings.add(str(code))
                    for s in spellings:
                        n = normalise_text(s)
                        if n in seen and seen[n] != value.key:
                            self.problem(where, f"values {seen[n]!r} and {value.key!r} share a "
                                         "key, code or label", value=s)
                        seen[n] = value.key
                    values.append(value)
                attributes[key] = Attribute(key=key, level=level,
                                            label=self.label(f"{where}.label", spec.get("label")),
                                            values=tuple(values))
        return attributes, numeric

    def columns(self, node: Any, targets: set[str]) -> dict[str, str]:
        if not isinstance(node, dict):
            self.problem("columns", "must be a mapping of export column -> key", value=node)
            return {}
        table: dict[str, str] = {}
        claimed: dict[str, str] = {}
        for column, target in node.items():
            name = normalise_column(column)
            if not isinstance(target, str) or target not in targets:
                self.problem("columns", f"column {column!r} maps to an unknown key",
                             value=target, expected="an item, attribute, or respondent/site/wave")
                continue
            if name in table and table[name] != target:
                self.problem("columns", "column mapped twice", value=column)
                continue
            if target in claimed and claimed[target] != name and target not in ID_FIELDS:
                self.problem("columns", f"columns {claimed[target]!r} and {column!r} both map "
                             f"to {target!r}", value=target, expected="one column per item")
                continue
            table[name] = target
            claimed[target] = name
        return table


# -- loading ---------------------------------------------------------------------------


def load_codebook(path: str | Path) -> Codebook:
    """Load and check a YAML codebook; raise :class:`CodebookError` listing every problem."""
    path = Path(path)
    data = load_yaml(path)
    return parse_codebook(data, source=str(path))


def parse_codebook(data: Any, *, source: str = "<codebook>") -> Codebook:
    """Check a codebook given as parsed YAML and build a :class:`Codebook`."""
    checker = _Checker(source)
    book = checker.parse(data)
    if checker.problems or book is None:
        raise CodebookError(checker.problems, what=f"codebook {source}")
    return book
