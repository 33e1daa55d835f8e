"""The variables of a SoSci Survey project as its R import script describes them.

SoSci Survey's data download offers, for GNU R, a script (``import_<project>_<date>.r``) that
reads the tab-separated data file and then labels it: the data frame's columns in order
(``col.names = c(...)``), every variable's label (``comment(ds$AB01_01) = "Question: item"``),
the value labels of choice questions (``ds$SD01 = factor(ds$SD01, levels=c("1", ..., "-9"),
labels=c("Stadt", ..., "[NA] nicht beantwortet"))``) and the labelled ends of scales
(``attr(ds$AB01_01, "1") = "trifft gar nicht zu"``). Labels starting with ``[NA]`` mark
missing codes. An item whose codes SoSci stored reversed ("Antwortcodes invertieren") carries
its labels the other way round and, in the tool's German or English wording, "(umgepolt)" or
"(reversed)" after its text.

The script is read as text, never run: only the string literals of these four statement forms
are taken from it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from evaluation.errors import InputFileError
from evaluation.io.source_variables import Variable, as_integer, question_of

__all__ = ["SCRIPT_SUFFIXES", "read_sosci_script"]

SCRIPT_SUFFIXES = (".r",)
#: SoSci's marker of a missing code in a value label ("[NA] nicht beantwortet")
MISSING_MARK = "[NA]"

_STRING = r'"(?:[^"\\]|\\.)*"'
_REVERSED_MARK = re.compile(r"\s*\((?:umgepolt|reversed|invertiert)\)[.\s]*$", re.IGNORECASE)
_FRAME_COLUMN = r"\w+\$`?([A-Za-z][\w.]*)`?"
_COMMENT = re.compile(rf"comment\(\s*{_FRAME_COLUMN}\s*\)\s*(?:=|<-)\s*({_STRING})")
_ATTR = re.compile(rf"attr\(\s*{_FRAME_COLUMN}\s*,\s*({_STRING})\s*\)\s*(?:=|<-)\s*({_STRING})")
_FACTOR = re.compile(rf"factor\(\s*{_FRAME_COLUMN}\s*,\s*levels\s*=\s*c\(((?:\s*{_STRING}\s*,?)*)"
                     rf"\)\s*,\s*labels\s*=\s*c\(((?:\s*{_STRING}\s*,?)*)\)")
_NAMES = re.compile(rf"col\.names\s*=\s*c\(((?:\s*{_STRING}\s*,?)*)\)")


def read_sosci_script(path: str | Path) -> list[Variable]:
    """The variables of SoSci Survey's R import script at ``path``, in the data's order."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_bytes().decode("latin-1")
    names = _NAMES.search(text)
    if names is None or "read.table" not in text:
        raise InputFileError(path, "not a SoSci Survey R import script: no read.table(...) "
                             "with col.names = c(...) in it; download the data as 'GNU R' "
                             "in SoSci Survey and give the script (import_*.r)")
    columns = _strings(names.group(1))
    texts: dict[str, str] = {}
    labels: dict[str, dict[Any, str]] = {c: {} for c in columns}
    for match in _COMMENT.finditer(text):
        texts[match.group(1)] = _string(match.group(2))
    nominal = set()
    for match in _FACTOR.finditer(text):  # choice questions: categories
        levels, names_ = _strings(match.group(2)), _strings(match.group(3))
        labels.setdefault(match.group(1), {}).update(zip(levels, names_, strict=False))
        nominal.add(match.group(1))
    for match in _ATTR.finditer(text):
        labels.setdefault(match.group(1), {})[_string(match.group(2))] = _string(match.group(3))
    out = []
    for column in columns:
        wording = texts.get(column, column)
        marked = _REVERSED_MARK.search(wording)
        reversed_ = marked is not None
        if marked:
            wording = wording[:marked.start()].rstrip()
        valid: dict[Any, dict[str, str]] = {}
        missing: dict[Any, str] = {}
        for code, label in labels.get(column, {}).items():
            number = as_integer(code)
            if number is None:  # FINISHED's "T"/"F" and the like: no answer codes
                continue
            if label.startswith(MISSING_MARK):
                missing[number] = label[len(MISSING_MARK):].strip()
            elif number < 0:
                missing[number] = label
            else:
                valid[number] = {"de": label}
        title, item = _split(wording)
        out.append(Variable(column=column, text={"de": item}, group=question_of(column),
                            group_text=title, labels=valid, missing=missing,
                            reversed_in_file=reversed_, nominal=column in nominal))
    return out


def _split(comment: str) -> tuple[str, str]:
    """The question's title and the item's own wording: SoSci labels a variable
    "Question title: item text"."""
    title, sep, item = comment.partition(": ")
    if sep and title.strip() and item.strip():
        return title.strip(), item.strip()
    return "", comment.strip()


def _strings(body: str) -> list[str]:
    return [_string(m) for m in re.findall(_STRING, body)]


def _string(literal: str) -> str:
    """An R string literal's text (``"a \\"b\\""`` -> ``a "b"``)."""
    body = literal[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)
