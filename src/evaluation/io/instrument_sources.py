"""The variables of a survey as a LimeSurvey structure (``.lss``), an SPSS file's metadata
(``.sav``), SoSci Survey's R import script (``.r``, :mod:`evaluation.io.sosci_script`) or a
response export (CSV, Excel) describes them: the input of the draft codebook
(:mod:`evaluation.io.instrument_draft`).

LimeSurvey structures of version 3 (question text and answers as fields of their rows) and of
versions 4 to 6 (``question_l10ns``, ``answer_l10ns``, subquestions in their own table) are
read with :mod:`defusedxml`, which refuses entity expansion and external entities.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from evaluation.errors import InputFileError
from evaluation.io.readers import TEXT_SUFFIXES, read_raw, sav_user_missing
from evaluation.io.sosci_script import read_sosci_script
from evaluation.io.source_variables import Variable, answer_number, as_integer, question_of

__all__ = ["FIXED_SCALES", "Variable", "answer_number", "as_integer", "question_of",
           "read_instrument_source"]

#: LimeSurvey question types with fixed numeric answers: 5-point choice, 5- and 10-point arrays
FIXED_SCALES = {"5": (1, 5), "A": (1, 5), "B": (1, 10)}


# -- reading the sources ------------------------------------------------------------------


def read_instrument_source(path: str | Path) -> list[Variable]:
    """The variables of a ``.lss``, ``.sav``, CSV or Excel source, in source order."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "file not found")
    suffix = path.suffix.lower()
    if suffix == ".lss":
        return _from_lss(path)
    if suffix in (".sav", ".zsav"):
        return _from_sav(path)
    if suffix == ".r":
        return read_sosci_script(path)
    if suffix in TEXT_SUFFIXES or suffix in (".xlsx", ".xlsm"):
        return _from_export(path)
    raise InputFileError(path, f"cannot draft a codebook from a {suffix!r} file; expected a "
                         "LimeSurvey structure (.lss), an SPSS file (.sav), SoSci Survey's R "
                         "import script (.r) or a response export (.csv, .xlsx)")


def _from_sav(path: Path) -> list[Variable]:
    import pyreadstat

    try:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True, user_missing=True)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise InputFileError(path, f"cannot read as an SPSS .sav file: {exc}") from None
    labels_of = meta.column_names_to_labels or {}
    value_labels = meta.variable_value_labels or {}
    missing = sav_user_missing(meta)
    ranges = {column: [(r.get("lo"), r.get("hi")) for r in found]
              for column, found in (meta.missing_ranges or {}).items()}
    out = []
    for column in meta.column_names:
        labels = {_code(k): v for k, v in (value_labels.get(column) or {}).items()}
        user_missing = {_code(v): str(labels.get(_code(v), "")) for v in missing.get(column, ())}
        for code, label in labels.items():  # labelled codes inside a missing range
            if isinstance(code, int) and any(lo is not None and hi is not None and
                                             lo <= code <= hi for lo, hi in ranges.get(column, ())):
                user_missing[code] = str(label)
            elif isinstance(code, int) and code < 0:  # a labelled negative code: a missing
                user_missing.setdefault(code, str(label))  # code not declared as such
        text = str(labels_of.get(column) or column)
        out.append(Variable(column=column, text={"de": text}, group=question_of(column),
                            labels={c: {"de": str(t)} for c, t in labels.items()
                                    if c not in user_missing},
                            missing=user_missing))
    return out


def _from_export(path: Path) -> list[Variable]:
    raw = read_raw(path)
    out = []
    for column in raw.frame.columns:
        values = tuple(v for v in raw.frame[column].unique() if str(v).strip() != "")
        out.append(Variable(column=str(column), text={"de": str(column)},
                            group=question_of(str(column)), values=values))
    return out


def _from_lss(path: Path) -> list[Variable]:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.parse(str(path)).getroot()
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise InputFileError(path, f"not a readable LimeSurvey structure (.lss): {exc}") from None
    if root.findtext("LimeSurveyDocType") not in ("Survey", None):
        raise InputFileError(path, "not a LimeSurvey survey structure (LimeSurveyDocType is "
                             f"{root.findtext('LimeSurveyDocType')!r})")
    questions = _rows(root, "questions") + _rows(root, "subquestions")
    texts: dict[str, dict[str, str]] = {}
    for row in _rows(root, "question_l10ns") + questions:  # LimeSurvey >= 4, and 3
        if row.get("question") and row.get("language"):
            texts.setdefault(row["qid"], {})[_language(row["language"])] = _plain(row["question"])
    answer_texts: dict[str, dict[str, str]] = {}
    for row in _rows(root, "answer_l10ns"):
        answer_texts.setdefault(row.get("aid", ""), {})[_language(row.get("language", "de"))] = \
            _plain(row.get("answer", ""))
    answers: dict[str, dict[str, dict[str, Any]]] = {}
    for row in _rows(root, "answers"):
        if row.get("scale_id", "0") not in ("0", ""):
            continue
        entry = answers.setdefault(row["qid"], {}).setdefault(
            row["code"], {"text": {}, "order": int(row.get("sortorder") or 0),
                          "value": row.get("assessment_value")})
        if row.get("answer"):
            entry["text"][_language(row.get("language", "de"))] = _plain(row["answer"])
        entry["text"].update(answer_texts.get(row.get("aid", ""), {}))
    parents = {r["qid"]: r for r in questions if r.get("parent_qid", "0") in ("0", "")}
    children: dict[str, list[dict[str, str]]] = {}
    for row in questions:
        if row.get("parent_qid", "0") not in ("0", "") and row.get("scale_id", "0") in ("0", ""):
            children.setdefault(row["parent_qid"], []).append(row)
    out: list[Variable] = []
    for qid, q in sorted(parents.items(), key=lambda kv: (int(kv[1].get("gid") or 0),
                                                          int(kv[1].get("question_order") or 0))):
        kind, title = q.get("type", ""), q["title"]
        labels, codes = _answer_labels(kind, answers.get(qid, {}))
        subs = sorted({r["qid"]: r for r in children.get(qid, [])}.values(),
                      key=lambda r: int(r.get("question_order") or 0))
        if subs:
            for sub in subs:
                wording = texts.get(sub["qid"], {})
                out.append(Variable(column=f"{title}[{sub['title']}]", text=wording or
                                    {"de": f"{title} {sub['title']}"}, group=title,
                                    labels=labels, numeric_codes=codes))
        else:
            out.append(Variable(column=title, text=texts.get(qid) or {"de": title},
                                group=title, labels=labels, numeric_codes=codes))
    if not out:
        raise InputFileError(path, "the survey structure has no questions")
    return out


def _answer_labels(kind: str, rows: dict[str, dict[str, Any]]
                   ) -> tuple[dict[Any, dict[str, str]], dict[str, int]]:
    """Value labels of a LimeSurvey question (code -> wording) and, for text codes, the
    number each stands for (its assessment value, else its position)."""
    if kind in FIXED_SCALES:
        low, high = FIXED_SCALES[kind]
        return {v: {"de": str(v)} for v in range(low, high + 1)}, {}
    if not rows:
        return {}, {}
    ordered = sorted(rows.items(), key=lambda kv: kv[1]["order"])
    labels: dict[Any, dict[str, str]] = {}
    numeric: dict[str, int] = {}
    for position, (code, entry) in enumerate(ordered, start=1):
        number = as_integer(code)
        if number is None:
            value = as_integer(entry.get("value"))
            numeric[code] = value if value not in (None, 0) else position
            number = numeric[code]
        labels[number] = entry["text"] or {"de": code}
    return labels, numeric


def _rows(root: Any, table: str) -> list[dict[str, str]]:
    node = root.find(table)
    if node is None:
        return []
    return [{child.tag: (child.text or "").strip() for child in row}
            for row in node.iter("row")]


def _plain(text: str) -> str:
    """Question text without HTML tags and entities, on one line."""
    import html

    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip()


def _language(code: str) -> str:
    return "en" if code.lower().startswith("en") else "de"


def _code(value: Any) -> Any:
    number = as_integer(value)
    return number if number is not None else value
