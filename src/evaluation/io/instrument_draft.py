"""A draft codebook from what an evaluator already has: a LimeSurvey survey structure
(``.lss``), an SPSS file's metadata (``.sav``: variable and value labels, user-missing values)
or a response export (CSV or Excel, as LimeSurvey or SoSci Survey write it).

The draft reads the source into :class:`~evaluation.io.instrument_sources.Variable` records
(:mod:`evaluation.io.instrument_sources`), finds the response scale (the value
labels most item columns share), sorts the variables into items (grouped by question into draft
scales), attributes (other labelled variables), the respondent identifier and the tools' system
columns, and writes a commented YAML codebook that loads as it is. What a person must decide is
marked ``TODO``: scale membership and names, reverse-keyed items, the direction of each scale,
English wording where the source has none. :func:`draft_codebook` returns the text;
``transfer-eval codebook draft SOURCE`` writes it.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from evaluation import columns as C
from evaluation.config import inline_yaml, normalise_column, normalise_text
from evaluation.errors import InputFileError
from evaluation.io.instrument_sources import (
    Variable,
    answer_number,
    as_integer,
    read_instrument_source,
)
from evaluation.io.survey_data import LIMESURVEY_TIME_COLUMN, SOSCI_TIME_COLUMN, SYSTEM_COLUMNS

__all__ = ["ID_NAMES", "SITE_NAMES", "WAVE_NAMES", "draft_codebook"]

#: Column names that hold the respondent identifier in the tools' exports.
ID_NAMES = ("respondent", "case", "id", "token", "serial", "lfdn", "caseid")
#: Column names that likely hold the site or the wave.
SITE_NAMES = ("site", "kommune", "standort", "ort", "municipality")
WAVE_NAMES = ("wave", "welle", "erhebungswelle")
#: Words in a missing value's label and the category they mean.
MISSING_WORDS = ((("nicht beurteilen", "weiß nicht", "weiss nicht", "don't know",
                   "cannot judge", "kann ich nicht"), C.CANNOT_JUDGE),
                 (("nicht gezeigt", "not shown", "nicht gestellt"), C.NOT_SHOWN))
#: The categories of unlabelled negative codes in a response export (the default codebook's
#: and SoSci's conventions); every one is marked for checking.
GUESSED_MISSING = {-1: C.CANNOT_JUDGE, -2: C.NOT_SHOWN}


# -- deciding what each variable is ----------------------------------------------------------


def _response_scale(variables: list[Variable]) -> tuple[int, int, dict[int, dict[str, str]]]:
    """The scale most labelled variables share: the (lowest, highest) labelled code of the
    most variables (SPSS files often label the ends only), with the fullest wording found;
    for a response export, the range of its small-integer columns."""
    variables = [v for v in variables if _named_role(v) is None  # not id, site or system
                 and not v.nominal]  # nor a choice question's categories
    ends: Counter[tuple[int, int]] = Counter()
    wordings: dict[tuple[int, int], list[dict[int, dict[str, str]]]] = {}
    for v in variables:
        codes = sorted(c for c in v.labels if isinstance(c, int))
        if len(codes) >= 2 and 2 <= codes[-1] - codes[0] <= 10:
            shape = (codes[0], codes[-1])
            ends[shape] += 1
            if not v.reversed_in_file:
                wordings.setdefault(shape, []).append({c: v.labels[c] for c in codes})
    if ends:
        low, high = ends.most_common(1)[0][0]
        found = wordings.get((low, high)) or [{}]

        def end_words(wording: dict[int, dict[str, str]]) -> tuple[str, str]:
            return tuple(normalise_text((wording.get(c) or {}).get("de", "")) for c in (low, high))

        # the direction most variables label (a question listed the other way round is the
        # exception), and of those the fullest wording
        usual = Counter(end_words(w) for w in found).most_common(1)[0][0]
        return low, high, max((w for w in found if end_words(w) == usual), key=len)
    lows, highs = [], []  # a response export: the range of its small-integer columns
    for v in variables:
        numbers = [answer_number(x) for x in v.values]
        valid = {n for n in numbers if n is not None and n >= 0}
        if v.values and None not in numbers and len(valid) >= 2 and \
                max(valid) - min(valid) <= 10:
            lows.append(min(valid))
            highs.append(max(valid))
    if not lows:
        return 1, 5, {}
    return min(lows), max(highs), {}


def _named_role(v: Variable) -> str | None:
    """The role a column's name gives it (identifier, site, wave, a tool's system column)."""
    name = normalise_column(v.column)
    if name in ID_NAMES:
        return "respondent"
    if name in SITE_NAMES:
        return C.SITE
    if name in WAVE_NAMES:
        return C.WAVE
    if name in {normalise_column(c) for cs in SYSTEM_COLUMNS.values() for c in cs} or \
            SOSCI_TIME_COLUMN.fullmatch(name) or LIMESURVEY_TIME_COLUMN.fullmatch(name):
        return "system"
    return None


def _mirrored(v: Variable, scale: dict[int, dict[str, str]], low: int, high: int) -> bool:
    """Whether the item's end labels are the scale's, swapped (stored reversed)."""
    def text(labels: dict, code: int) -> str:
        return normalise_text((labels.get(code) or {}).get("de", ""))

    return bool(text(scale, low)) and text(scale, low) != text(scale, high) and \
        text(v.labels, low) == text(scale, high) and text(v.labels, high) == text(scale, low)


def _labelled_role(v: Variable) -> str | None:
    """Site or wave for a category variable whose label is the name of one ("Kommune",
    "Ihre Kommune", a question titled "Standort"); a longer question that only mentions the
    municipality is not taken for the site."""
    for text in (v.group_text, v.text.get("de") or ""):
        words = re.findall(r"\w+", normalise_text(text))
        if not words or len(words) > 3:
            continue
        if set(words) & set(SITE_NAMES):
            return C.SITE
        if set(words) & set(WAVE_NAMES):
            return C.WAVE
    return None


def _role(v: Variable, low: int, high: int) -> str:
    named = _named_role(v)
    if named is not None:
        return named
    codes = [c for c in v.labels if isinstance(c, int)]
    if codes:
        if not v.nominal and (min(codes), max(codes)) == (low, high) and len(codes) >= 2:
            return "item"
        return _labelled_role(v) or "attribute"
    numbers = [n for n in (answer_number(x) for x in v.values) if n is not None]
    if v.values and len(numbers) == len(v.values):
        inside = [n for n in numbers if low <= n <= high]
        outside = [n for n in numbers if not low <= n <= high]
        return "item" if len(inside) >= 0.5 * len(numbers) and len(set(inside)) >= 2 \
            and all(n < 0 for n in outside) else "other"
    if 2 <= len(v.values) <= 12 and not numbers:  # a few text values: an attribute
        return "attribute"
    return "other"


# -- writing the draft -------------------------------------------------------------------------


#: German letters as keys spell them (``Tätigkeit`` -> ``taetigkeit``)
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe",
                                  "Ü": "Ue", "ß": "ss"})


def _key(text: str) -> str:
    key = re.sub(r"[^0-9a-zA-Z]+", "_", text.translate(_TRANSLITERATION)).strip("_").lower()
    return key if key and key[0].isalpha() else f"x_{key}"


def _label(text: dict[str, str], fallback: str) -> tuple[str, bool]:
    """``{de: ..., en: ...}`` and whether the English wording is a copy to translate."""
    de = text.get("de") or text.get("en") or fallback
    en = text.get("en")
    return inline_yaml({"de": de, "en": en or de}), en is None


def _missing_category(label: str) -> str:
    lowered = normalise_text(label)
    for words, category in MISSING_WORDS:
        if any(w in lowered for w in words):
            return category
    return C.NO_ANSWER


def draft_codebook(path: str | Path, *, name: str | None = None) -> str:
    """The YAML text of a draft codebook for the source at ``path`` (see the module notes)."""
    path = Path(path)
    variables = read_instrument_source(path)
    seen: dict[str, str] = {}
    for v in variables:  # the survey reader matches columns without case and brackets
        other = seen.setdefault(normalise_column(v.column), v.column)
        if other != v.column:
            raise InputFileError(path, f"columns {other!r} and {v.column!r} have the same "
                                 "name once case and brackets are ignored, so no codebook can "
                                 "tell them apart; rename one in the export")
    low, high, scale_labels = _response_scale(variables)
    roles = {v.column: _role(v, low, high) for v in variables}
    items = [v for v in variables if roles[v.column] == "item"]
    if not items:
        raise InputFileError(path, "no column looks like an item on a response scale (a "
                             "question with at least three ordered answers); nothing to draft")
    lines = [
        f"# Draft codebook from {path.name}, written by `transfer-eval codebook draft`.",
        "# It loads as it is; decide every TODO before the first report, then run",
        "# `transfer-eval validate PROJECT`. See docs/codebook.md for every key.",
        f"codebook: {inline_yaml(name or _key(path.stem))}",
        'version: "0.1"',
        f"title: {inline_yaml({'de': path.stem, 'en': path.stem})}"
        "  # TODO: the questionnaire's name",
        "",
        "response_scale:",
        f"  min: {low}",
        f"  max: {high}",
        "  labels:",
    ]
    for code in range(low, high + 1):
        label, copied = _label(scale_labels.get(code, {}), str(code))
        todo = "  # TODO: English wording" if copied and code in scale_labels else ""
        todo = todo or ("  # TODO: the wording of this answer" if code not in scale_labels
                        else "")
        lines.append(f"    {code}: {label}{todo}")
    missing = {c: label for v in items for c, label in v.missing.items()}
    for v in variables:  # codes the items do not label but other questions do (SoSci's -9)
        if roles[v.column] == "attribute":
            for code, label in v.missing.items():
                missing.setdefault(code, label)
    if not any(v.missing for v in items):  # a response export: its negative codes
        missing = {n: "" for v in items for n in (as_integer(x) for x in v.values)
                   if n is not None and n < 0}
    lines += ["", "missing:", "  codes:"]
    if missing:
        for code, label in sorted(missing.items(), key=lambda kv: str(kv[0])):
            category = _missing_category(label) if label else GUESSED_MISSING.get(
                code, C.NO_ANSWER)
            lines.append(f"    {inline_yaml(code)}: {category}"
                         f"  # {inline_yaml(label) if label else 'no label'}; TODO: check")
    else:
        lines += ["    -9: no_answer          # TODO: the export's missing codes",
                  "    -1: cannot_judge"]
    lines.append("  blank: no_answer")
    numeric_codes = {code: value for v in items for code, value in v.numeric_codes.items()}
    for v in items:  # a response export with the tool's answer codes (A1..): in the scale
        numeric_codes.update({str(x).strip(): n for x in v.values
                              if (n := answer_number(x)) is not None and low <= n <= high
                              and as_integer(x) is None})
    if numeric_codes:
        lines += ["", "answer_codes:                     # the tool's answer codes -> values"]
        lines += [f"  {inline_yaml(code)}: {value}" for code, value in sorted(
            numeric_codes.items(), key=lambda kv: (kv[1], kv[0]))]
    lines += ["", "# TODO: decide which scales are success factors and which are outcomes (move",
              "# outcome scales under 'outcomes:'), the scale names, the items of each scale,",
              "# reverse-keyed items (reverse: true) and scales on which lower is better",
              "# (direction: lower_is_better).", "factors:"]
    columns: dict[str, str] = {}
    used: set[str] = set()
    groups: dict[str, list[Variable]] = {}
    for v in items:
        groups.setdefault(v.group, []).append(v)
    scale_keys: set[str] = set()  # scales and items are named apart
    for group, members in groups.items():
        scale = _unique(_key(group), scale_keys)
        title = members[0].group_text or group
        label, _ = _label({"de": title}, title)
        lines += [f"  {inline_yaml(scale)}:", f"    label: {label}  # TODO: the scale's name",
                  "    items:"]
        for v in members:
            key = _column_key(v.column, used, columns)
            wording, copied = _label(v.text, v.column)
            todo = "  # TODO: English wording" if copied else ""
            if v.reversed_in_file:  # inverted by the tool: a negatively worded item
                wording = wording[:-1] + ", reverse: true, reversed_in_file: true}"
                todo += ("  # the tool inverted its codes (a negatively worded item): read as "
                         "labelled, counted reversed")
            elif _mirrored(v, scale_labels, low, high):
                wording = wording[:-1] + ", reversed_in_file: true}"
                todo += ("  # TODO: its codes run the other way round (read as labelled); add "
                         "reverse: true if the statement is worded negatively")
            lines.append(f"      {inline_yaml(key)}: {wording}{todo}")
    attributes = [v for v in variables if roles[v.column] == "attribute"]
    if attributes:
        lines += ["", "attributes:", "  respondent:   # TODO: keep what the reports should "
                  "compare by; site and wave are set in the project"]
        for v in attributes:
            key = _column_key(v.group_text or v.column, used, columns, column=v.column)
            label, _ = _label({"de": v.group_text} if v.group_text else v.text, v.column)
            lines += [f"    {inline_yaml(key)}:", f"      label: {label}", "      values:"]
            value_keys: set[str] = set()
            labels = list(v.labels.items()) or [(None, {"de": x})
                                                 for x in sorted(map(str, v.values))]
            kept: dict[str, tuple[Any, dict[str, str]]] = {}
            for code, wording in labels:  # values spelled alike are one value to the reader
                kept.setdefault(normalise_text(wording.get("de") or str(code)), (code, wording))
            labels = list(kept.values())
            as_exported = {number: code for code, number in v.numeric_codes.items()}
            for code, wording in labels:
                text = wording.get("de") or str(code)
                code = as_exported.get(code, code)  # the tool's own code ("A1")
                vkey = _unique(_key(text)[:40], value_keys)
                value = {**({"code": code} if code is not None else {}), "de": text,
                         "en": wording.get("en") or text}
                lines.append(f"        {inline_yaml(vkey)}: {inline_yaml(value)}")
    respondent = [v.column for v in variables if roles[v.column] == "respondent"]
    for role in (C.RESPONDENT, C.SITE, C.WAVE):
        found = [v for v in variables if roles[v.column] == role]
        if found and normalise_column(found[0].column) != role:
            columns[found[0].column] = role
        if found and found[0].labels and role != C.RESPONDENT:
            coded = ", ".join(f"{code} = {' '.join(str(wording.get('de')).split())}"
                              for code, wording in found[0].labels.items())  # one line
            lines += ["", f"# {role} codes in {found[0].column}: {coded}",
                      "# (TODO: give them as site_codes/the sites' names in the project file)"]
    if columns:
        lines += ["", "columns:                          # export column -> key"]
        lines += [f"  {inline_yaml(c)}: {inline_yaml(k)}" for c, k in columns.items()]
    other = [v.column for v in variables if roles[v.column] == "other"]
    system = [v.column for v in variables if roles[v.column] == "system"]
    if other or system or respondent[1:]:
        lines += ["", "# columns that carry no answers for the reports (TODO: check the list;",
                  "# a site or wave column is named in the project file, not here)",
                  f"ignore: {inline_yaml([*system, *other, *respondent[1:]])}"]
    return "\n".join(lines) + "\n"


def _column_key(name: str, used: set[str], columns: dict[str, str], *,
                column: str | None = None) -> str:
    """A new key from ``name`` for an export column (``name`` itself unless given); the
    column is mapped to the key where the names differ."""
    column = column or name
    key = _unique(_key(name), used)
    if normalise_column(key) != normalise_column(column):
        columns[column] = key
    return key


def _unique(key: str, used: set[str]) -> str:
    candidate, n = key, 2
    while normalise_column(candidate) in used:
        candidate, n = f"{key}_{n}", n + 1
    used.add(normalise_column(candidate))
    return candidate
