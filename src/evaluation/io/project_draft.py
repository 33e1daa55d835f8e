"""A commented ``project.yml`` scaffolded from the data files of a new project.

:func:`draft_project` reads every survey file in the project's ``data`` folder (CSV, Excel,
SPSS), detects the export tool (LimeSurvey, SoSci Survey or a plain table), its text encoding
and delimiter, the site and wave columns and the values in them, and writes a project file in
which every site found has an entry, every file its format and dialect, and what a person must
decide is marked ``TODO``. The file is written so that ``transfer-eval validate`` runs on it at
once; ``transfer-eval init FOLDER`` writes it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from evaluation.config import inline_yaml, load_yaml, normalise_column, normalise_text
from evaluation.errors import InputFileError
from evaluation.io.instrument_draft import ID_NAMES, SITE_NAMES, WAVE_NAMES
from evaluation.io.readers import TEXT_SUFFIXES, decode_text, read_raw, sniff_delimiter
from evaluation.io.survey_data import cell_text

__all__ = ["DataFile", "draft_project", "inspect_data_file"]

DATA_SUFFIXES = (*TEXT_SUFFIXES, ".xlsx", ".sav")


@dataclass
class DataFile:
    """What the scaffold needs to know about one survey file."""

    path: Path
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    respondent: str | None = None
    site: str | None = None
    wave: str | None = None
    sites: list[str] = field(default_factory=list)
    waves: list[str] = field(default_factory=list)
    site_labels: dict[str, str] = field(default_factory=dict)  # code -> name (SPSS labels)
    rows: int = 0


def inspect_data_file(path: Path, mapped: dict[str, str] | None = None) -> DataFile:
    """Format, dialect, identifier, site and wave columns of one survey file; ``mapped``: the
    codebook's column mapping (export column -> key), which names them where the file's
    column names do not (SoSci's ``SD01`` for the site)."""
    raw = read_raw(path)
    names = {normalise_column(c): str(c) for c in raw.frame.columns}
    if {"questnnr", "serial", "time_sum", "missrel"} & set(names):  # SoSci's own variables
        fmt = "sosci"
    elif {"submitdate", "startlanguage"} & set(names):  # SoSci has a LASTPAGE, too
        fmt = "limesurvey"
    else:
        fmt = {".xlsx": "xlsx", ".sav": "sav"}.get(path.suffix.lower(), "csv")
    found = DataFile(path=path, format=fmt, rows=len(raw.frame))
    if path.suffix.lower() in TEXT_SUFFIXES:
        data = path.read_bytes()
        text, notes = decode_text(path, data, None)
        found.encoding = ("utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else
                          "cp1252" if notes else "utf-8")
        found.delimiter = sniff_delimiter(text.lstrip("\ufeff"))
    for role, candidates in (("respondent", ID_NAMES), ("site", SITE_NAMES),
                             ("wave", WAVE_NAMES)):
        column = next((names[n] for n in candidates if n in names), None)
        column = column or next((names[n] for n, key in (mapped or {}).items()
                                 if n in names and normalise_column(key) == role), None)
        setattr(found, role, column)
    for role, values in (("site", "sites"), ("wave", "waves")):
        column = getattr(found, role)
        if column is not None:
            seen = raw.frame[column].map(cell_text)  # as the survey reader reads the cell
            setattr(found, values, sorted({v for v in seen if v}, key=_natural))
    if found.site is not None:  # SPSS value labels name the sites behind their codes
        labels = raw.value_labels.get(found.site) or {}
        found.site_labels = {cell_text(code): str(label) for code, label in labels.items()}
    return found


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", text))


def draft_project(folder: str | Path) -> str:
    """The YAML text of a project file for the survey files in ``folder/data``."""
    folder = Path(folder)
    data = folder / "data"
    files = sorted(p for p in data.glob("*") if p.suffix.lower() in DATA_SUFFIXES
                   and p.is_file()) if data.is_dir() else []
    if not files:
        raise InputFileError(data, "no survey files (.csv, .tsv, .txt, .xlsx, .sav) found; put "
                             "the exports into the project's data folder first")
    codebook = next((p for p in sorted(folder.glob("*.yml")) if p.name != "project.yml"), None)
    mapped = _codebook_columns(codebook)
    found = [inspect_data_file(p, mapped) for p in files]
    # values equal but for case and spacing are one site, as the survey reader matches them
    spelled: dict[str, str] = {}
    for value in sorted({s for f in found for s in f.sites}, key=_natural):
        spelled.setdefault(normalise_text(value), value)
    site_values = list(spelled.values())
    wave_values = sorted({w for f in found for w in f.waves}, key=_natural)
    keys = {value: _site_key(value, i) for i, value in enumerate(site_values, start=1)}
    names = {value: label for f in found for value, label in f.site_labels.items()}
    lines = [
        "# Project file scaffolded by `transfer-eval init` from the files in data/.",
        "# Check every TODO, then run `transfer-eval validate` on this folder.",
        "# docs/project.md explains every setting.",
        "project:",
        f"  name: {inline_yaml(folder.resolve().name)}   # TODO: the project's name in reports",
        "  synthetic: false",
        f"  report_date: {dt.date.today().isoformat()}          # printed in every report; "
        "fixed, so reruns give the same bytes",
        f"instrument: {inline_yaml(codebook.name if codebook else 'default')}"
        + ("" if codebook else "   # TODO: your codebook (transfer-eval codebook draft)"),
        "language: de",
    ]
    if wave_values:  # the waves the files' wave columns hold
        lines += ["waves:                             # TODO: labels and dates of the waves"]
        lines += [f"  - {{key: {inline_yaml(w)}, "
                  f"label: {inline_yaml({'de': w, 'en': w})}}}" for w in wave_values]
    elif len(found) > 1:
        lines += ["waves:                             # TODO: one wave per file? name them",
                  *(f"  - {{key: w{i}}}" for i in range(1, len(found) + 1))]
    lines += ["sites:                             # TODO: the municipalities' names"]
    if keys:
        for value, key in keys.items():
            lines.append(f"  - {{key: {key}, name: {inline_yaml(names.get(value, value))}}}")
    else:
        lines.append("  - {key: K01, name: TODO}          # TODO: no site column was found")
    lines.append("survey:")
    several_waves = not wave_values and len(found) > 1
    for i, f in enumerate(found, start=1):
        entry = {"path": f.path.relative_to(folder).as_posix(), "format": f.format}
        if f.encoding:
            entry["encoding"] = f.encoding
        if f.delimiter:
            entry["delimiter"] = f.delimiter
        if several_waves and f.wave is None:
            entry["wave"] = f"w{i}"
        columns = {column: role for role in ("respondent", "site", "wave")
                   if (column := getattr(f, role)) and normalise_column(column) != role
                   and normalise_column(column) not in mapped}  # mapped in the codebook
        if columns:
            entry["columns"] = columns
        codes = {value: keys[spelled[normalise_text(value)]] for value in f.sites
                 if keys[spelled[normalise_text(value)]] != value}
        if codes:
            entry["site_codes"] = codes
        note = f"   # {f.rows} rows" + ("" if f.site else "; TODO: no site column, set site:")
        lines.append(f"  - {inline_yaml(entry)}{note}")
    lines += ["privacy:", "  min_group_size: 5                 # k: no figure for fewer people",
              "outputs: {editions: [partner, evaluator]}"]
    return "\n".join(lines) + "\n"


def _codebook_columns(path: Path | None) -> dict[str, str]:
    """The ``columns`` mapping of the codebook at ``path`` (normalised column -> key); empty
    where there is none or the file does not read (validate reports that later)."""
    if path is None:
        return {}
    try:
        columns = (load_yaml(path) or {}).get("columns") or {}
    except (InputFileError, AttributeError):
        return {}
    if not isinstance(columns, dict):
        return {}
    return {normalise_column(str(c)): str(k) for c, k in columns.items()}


def _site_key(value: str, number: int) -> str:
    """The value itself where it is a usable key (``K01``), else ``K01``, ``K02``, ..."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,15}", value) and any(c.isdigit() for c in value):
        return value
    return f"K{number:02d}"
