"""The settings a project file may have, and the checks of the ones that are easy to get wrong.

Known keys per section (for the did-you-mean of :meth:`ProjectParser.section`), the pattern of
keys that become file names, environment variables that can never hold a pseudonym key, what
a logo file must start with, and the checks of a survey file's reading options.
"""

from __future__ import annotations

import codecs
import difflib
import re
from pathlib import Path
from typing import Any

from evaluation import columns as C
from evaluation.config.codebook import code_key

__all__ = [
    "ANALYSIS_KEYS",
    "BRANDING_KEYS",
    "COMMON_ENVIRONMENT",
    "COMMON_ENVIRONMENT_PREFIXES",
    "CONTACT_KEYS",
    "DEFAULT_EYE_LEVEL",
    "DELIMITERS",
    "KEY_ENV",
    "OUTPUT_KEYS",
    "PRIVACY_KEYS",
    "PROJECT_KEYS",
    "SAFE_KEY",
    "SURVEY_FILE_KEYS",
    "did_you_mean",
    "is_image",
    "survey_option_problems",
]

PROJECT_KEYS = frozenset({"name", "synthetic", "report_date", "contact"})
CONTACT_KEYS = frozenset({"name", "organisation", "email", "phone"})
PRIVACY_KEYS = frozenset({"min_group_size", "open_benchmarking", "free_text",
                          "min_raters_per_organisation", "pseudonym_key_env"})
BRANDING_KEYS = frozenset({"project_name", "logo", "colours"})
OUTPUT_KEYS = frozenset({"editions", "formats"})
ANALYSIS_KEYS = frozenset({"missing_items", "compare_by", "eye_level"})
#: The eye-level comparison where a project does not configure it: the default instrument's
#: paid/volunteer and actor-type groups on trust and benefit, where the codebook has them.
DEFAULT_EYE_LEVEL = {"by": ("employment", "actor_type"), "scales": ("trust", "benefit")}
SURVEY_FILE_KEYS = frozenset({"path", "format", "wave", "site", "encoding", "delimiter", "sheet",
                              "missing_codes", "blank", "columns", "site_codes",
                              "attribute_codes", "reversed_in_file"})
DELIMITERS = (",", ";", "\t", "|")
KEY_ENV = re.compile(r"[A-Z][A-Z0-9_]{2,63}")
#: Environment variables the system or tools set: never a pseudonym key.
COMMON_ENVIRONMENT = frozenset({
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "PWD", "OLDPWD", "LANG", "LANGUAGE", "TERM",
    "HOSTNAME", "TMPDIR", "TEMP", "TMP", "TZ", "EDITOR", "VISUAL", "PAGER", "DISPLAY", "MAIL",
    "SHLVL", "VIRTUAL_ENV", "USERNAME", "COMPUTERNAME", "SSH_AUTH_SOCK", "MANPATH", "INFOPATH",
})
COMMON_ENVIRONMENT_PREFIXES = ("LC_", "XDG_", "PYTHON", "CONDA", "JUPYTER", "SSH_", "GIT_")


def did_you_mean(key: object, known: set[str] | frozenset[str]) -> str:
    """``"; did you mean 'x'?"`` for the known key that ``key`` most likely misspells (case
    and spacing ignored), or ``""``."""
    text = str(key).strip().lower()
    lowered = {name.lower(): name for name in known}
    if text in lowered and lowered[text] != str(key):
        return f"; did you mean {lowered[text]!r}?"
    close = difflib.get_close_matches(text, sorted(lowered), n=1, cutoff=0.75)
    return f"; did you mean {lowered[close[0]]!r}?" if close else ""


def is_image(path: Path) -> bool:
    """Whether the file starts as a PNG, JPEG, GIF or SVG file does."""
    try:
        head = path.read_bytes()[:512]
    except OSError:
        return False
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")):
        return True
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    return text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in head.lower())


#: Keys that become file names (site reports): no path separators, no leading dot.
SAFE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")



def survey_option_problems(where: str, options: dict[str, Any], valid_codes: set[str]
                           ) -> list[tuple[str, str, dict[str, Any]]]:
    """Problems of a survey file's reading options: a real codec, a usual delimiter, a sheet
    name or number, missing categories, and no missing code that is a valid answer.

    Each problem is ``(column, message, details)`` for the project parser to record.
    """
    found: list[tuple[str, str, dict[str, Any]]] = []

    def add(column: str, message: str, **details: Any) -> None:
        found.append((column, message, details))

    encoding = options.get("encoding")
    if encoding is not None:
        try:
            codecs.lookup(str(encoding))
        except LookupError:
            add(f"{where}.encoding", "unknown text encoding", value=encoding,
                expected="e.g. utf-8, utf-16, cp1252, latin-1")
    delimiter = options.get("delimiter")
    if delimiter is not None and delimiter not in DELIMITERS:
        add(f"{where}.delimiter", "unusual delimiter", value=delimiter,
            expected="one of , ; | or a tab")
    sheet = options.get("sheet")
    if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, (str, int))):
        add(f"{where}.sheet", "a sheet is a name or a number", value=sheet)
    blank = options.get("blank")
    if blank is not None and blank not in C.MISSING_CATEGORIES:
        add(f"{where}.blank", "an empty cell must mean a missing category", value=blank,
            expected=", ".join(C.MISSING_CATEGORIES))
    for name in ("columns", "site_codes"):
        table = options.get(name)
        if table is not None and (not isinstance(table, dict) or not all(
                isinstance(v, str) and v.strip() for v in table.values())):
            add(f"{where}.{name}", "expected a mapping 'export value: key'", value=table,
                expected="e.g. {TR01_01: trust_1}" if name == "columns" else
                "e.g. {A1: K01, A2: K02}")
    attribute_codes = options.get("attribute_codes")
    if attribute_codes is not None and (not isinstance(attribute_codes, dict) or not all(
            isinstance(table, dict) and all(isinstance(v, str) and v.strip()
                                            for v in table.values())
            for table in attribute_codes.values())):
        add(f"{where}.attribute_codes", "expected 'attribute: {export code: value key}'",
            value=attribute_codes, expected="e.g. {sektor: {A1: verwaltung, A2: wirtschaft}}")
    flipped = options.get("reversed_in_file")
    if flipped is not None and (not isinstance(flipped, list) or not all(
            isinstance(item, str) for item in flipped)):
        add(f"{where}.reversed_in_file", "expected the list of items whose codes run the "
            "other way round in this file", value=flipped, expected="e.g. [trust_3] or []")
    codes = options.get("missing_codes")
    if codes is None:
        return found
    if not isinstance(codes, dict):
        add(f"{where}.missing_codes", "expected a mapping 'code: category'", value=codes)
        return found
    for code, category in codes.items():
        if category not in C.MISSING_CATEGORIES:
            add(f"{where}.missing_codes.{code}", "unknown missing category", value=category,
                expected=", ".join(C.MISSING_CATEGORIES))
        if valid_codes and code_key(code) in valid_codes:
            add(f"{where}.missing_codes.{code}", "this code is a valid answer of the response "
                "scale; it cannot also mean missing", value=code,
                expected="a code outside the response scale, e.g. -9")
    return found
