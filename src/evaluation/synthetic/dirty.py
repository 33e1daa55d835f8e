"""The dirty copy of the synthetic example: one realistic data error of each kind, planted.

:func:`generate_dirty` copies the clean example, plants each error at a known file, row and
column, lists them in ``PLANTED_ERRORS.md`` and returns them as :class:`PlantedError`.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from evaluation.config import load_codebook
from evaluation.synthetic.design import PARTICIPATION_FILES, PLANTED_ERRORS_FILE, SURVEY_FILE
from evaluation.synthetic.files import _csv_text, _instrument_path, _parse_csv, _write_text

log = logging.getLogger("evaluation")


@dataclass(frozen=True, kw_only=True)
class PlantedError:
    """One data error planted in the dirty copy.

    ``row`` is the spreadsheet row (header = row 1); ``None`` for an error concerning a whole
    column or file. ``column`` is ``None`` for an error concerning a whole file.
    """

    file: str  # path relative to the project folder, e.g. "data/survey_w1.csv"
    row: int | None
    column: str | None
    kind: str
    value: str
    description: str


def generate_dirty(clean_folder: Path, dirty_folder: Path) -> list[PlantedError]:
    """Copy the clean example into ``dirty_folder`` and plant one data error of each kind.

    The copy gets its own ``project.yml`` (same settings, another name) and a
    ``PLANTED_ERRORS.md`` table listing every planted error. All planted errors are reported
    in one pass by :func:`evaluation.io.ingest.read_project_survey` and
    :func:`evaluation.io.participation.read_participation`; loading the project itself
    succeeds.

    Parameters
    ----------
    clean_folder : pathlib.Path
        A folder written by :func:`evaluation.synthetic.generate_example`.
    dirty_folder : pathlib.Path
        The folder to write; its ``data/*.csv`` files are replaced.

    Returns
    -------
    list of PlantedError
        File (relative to the project folder), spreadsheet row (header = row 1; ``None`` for
        a whole column or file), column, kind, planted value and description of each error.
    """
    clean_folder, dirty_folder = Path(clean_folder), Path(dirty_folder)
    data = dirty_folder / "data"
    if data.is_dir():
        for stale in sorted(data.glob("*.csv")):
            stale.unlink()
    data.mkdir(parents=True, exist_ok=True)
    for source in sorted((clean_folder / "data").glob("*.csv")):
        shutil.copyfile(source, data / source.name)
    project = (clean_folder / "project.yml").read_text(encoding="utf-8")
    project = project.replace(
        "Beispielprojekt Integrationsnetzwerke (synthetische Daten)",
        "Beispielprojekt Integrationsnetzwerke (synthetisch, mit eingebauten Datenfehlern)")
    project = project.replace(
        "# Synthetic example project: ALL data are invented.",
        "# Dirty copy of the synthetic example project: ALL data are invented, and data "
        "errors are\n# planted on purpose (see PLANTED_ERRORS.md).")
    _write_text(dirty_folder / "project.yml", project)

    book = load_codebook(_instrument_path(clean_folder))
    planted: list[PlantedError] = []

    def edit(relative: str, change: Callable[[list[list[str]]], None]) -> None:
        path = dirty_folder / relative
        rows = _parse_csv(path.read_text(encoding="utf-8"))
        change(rows)
        _write_text(path, _csv_text(rows[0], rows[1:]))

    def set_cell(rows: list[list[str]], relative: str, row: int, column: str, value: str,
                 kind: str, description: str) -> None:
        j = rows[0].index(column)
        rows[row - 1][j] = value
        planted.append(PlantedError(file=relative, row=row, column=column, kind=kind,
                                    value=value, description=description))

    w1 = SURVEY_FILE.format(wave="w1")

    def dirty_w1(rows: list[list[str]]) -> None:
        set_cell(rows, w1, 4, "trust_2", "7", "out_of_range",
                 "answer 7 outside the response scale 1-5")
        set_cell(rows, w1, 9, "synergy_3", "0", "out_of_range",
                 "answer 0 outside the response scale 1-5")
        set_cell(rows, w1, 12, "site", "K99", "unknown_site", "site code not in the project")
        set_cell(rows, w1, 15, "wave", "w4", "unknown_wave", "wave not in the project")
        first = rows[20 - 1][rows[0].index("respondent")]
        set_cell(rows, w1, 21, "respondent", first, "duplicate_respondent",
                 "respondent code of row 20 repeated in the same wave")
        set_cell(rows, w1, 25, "actor_type", "Feuerwehr", "unknown_attribute_value",
                 "actor type not in the codebook's list")
        set_cell(rows, w1, 30, "shared_goals_2", "3.5", "decimal_answer",
                 "decimal number where a whole-number answer is expected")
        set_cell(rows, w1, 33, "years_in_network", "99", "numeric_out_of_range",
                 "years in the network above the codebook maximum (60)")
        # an extra column after trust_4, filled with plausible answers
        j = rows[0].index("trust_4") + 1
        rows[0].insert(j, "trust_5")
        for r, row in enumerate(rows[1:]):
            row.insert(j, str(1 + (r * 7) % 5))
        planted.append(PlantedError(file=w1, row=None, column="trust_5", kind="extra_column",
                                    value="trust_5",
                                    description="column not in the codebook (an item "
                                    "added to the export by hand)"))

    edit(w1, dirty_w1)

    w2 = SURVEY_FILE.format(wave="w2")

    def dirty_w2(rows: list[list[str]]) -> None:
        j = rows[0].index("data_based_2")
        for row in rows:
            del row[j]
        planted.append(PlantedError(file=w2, row=None, column="data_based_2",
                                    kind="missing_column", value="",
                                    description="codebook item missing from this wave's "
                                    "export (column dropped)"))

    edit(w2, dirty_w2)

    # w3: exported with German labels and saved as Windows-1252, declared as UTF-8
    w3 = SURVEY_FILE.format(wave="w3")
    rows = _parse_csv((dirty_folder / w3).read_text(encoding="utf-8"))
    for column in ("actor_type", "employment", "decision_role"):
        j = rows[0].index(column)
        attribute = book.attributes[column]
        for row in rows[1:]:
            if row[j]:
                row[j] = attribute.label_of(row[j], "de")
    raw = _csv_text(rows[0], rows[1:]).encode("cp1252")
    offset = next(i for i, byte in enumerate(raw) if byte >= 0x80)
    line = raw[:offset].count(b"\n") + 1
    (dirty_folder / w3).write_bytes(raw)
    planted.append(PlantedError(file=w3, row=line, column=None, kind="undecodable_text",
                                value=f"byte 0x{raw[offset]:02x}",
                                description="file saved as Windows-1252 (German labels "
                                "such as 'Ausländerbehörde') but declared 'encoding: utf-8' "
                                "in project.yml; the first undecodable byte is in this row"))

    ties = PARTICIPATION_FILES["ties"]

    def dirty_ties(rows: list[list[str]]) -> None:
        site = rows[6 - 1][rows[0].index("site")]
        set_cell(rows, ties, 6, "alter", f"{site}-O99", "unknown_organisation",
                 "tie names an organisation missing from the roster")

    edit(ties, dirty_ties)

    attendance = PARTICIPATION_FILES["attendance"]

    def dirty_attendance(rows: list[list[str]]) -> None:
        set_cell(rows, attendance, 8, "event", "K02-w1-NM9", "unknown_event",
                 "attendance at an event missing from the events table")

    edit(attendance, dirty_attendance)

    goals = PARTICIPATION_FILES["goals"]
    (dirty_folder / goals).write_bytes(b"")
    planted.append(PlantedError(file=goals, row=None, column=None, kind="empty_file",
                                value="", description="file is empty (0 bytes)"))

    planted.sort(key=lambda p: (p.file, p.row or 0, p.column or ""))
    _write_text(dirty_folder / PLANTED_ERRORS_FILE, _planted_markdown(planted))
    log.info("dirty copy written to %s (%d planted errors)", dirty_folder, len(planted))
    return planted


def _planted_markdown(planted: list[PlantedError]) -> str:
    """The table of planted errors."""
    lines = [
        "# Planted data errors",
        "",
        "This folder is a copy of the synthetic example project (`../example/`; ALL data are",
        "invented) with one realistic data error of each kind planted on purpose, to test that",
        "the readers report each one with the right file, row and column. It is written by",
        "`evaluation.synthetic.generate_dirty` (`python -m evaluation.synthetic`); do not edit",
        "by hand.",
        "",
        "Rows are spreadsheet rows (the header is row 1, the first respondent row 2). A dash",
        "means the error concerns a whole column or a whole file. For the undecodable file the",
        "row is the line of the first byte that is not UTF-8; the reader names it in its",
        "message.",
        "",
        "| # | file | row | column | kind | planted value | description |",
        "|---|---|---|---|---|---|---|",
    ]
    for k, p in enumerate(planted, start=1):
        row = "—" if p.row is None else str(p.row)
        column = "—" if p.column is None else f"`{p.column}`"
        value = f"`{p.value}`" if p.value else "—"
        lines.append(f"| {k} | `{p.file}` | {row} | {column} | {p.kind} | {value} | "
                     f"{p.description} |")
    return "\n".join(lines) + "\n"
