"""Damaged and unusual export files: each is read right or refused with file, row and column."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from evaluation.errors import InputFileError
from evaluation.io import read_raw

HEADER = "respondent,site,wave,trust_1\n"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_nul_byte_deep_in_the_file_is_named_by_row_and_column(tmp_path: Path) -> None:
    rows = "".join(f"R{i},K01,w1,4\n" for i in range(2000))  # well past the first 4 KiB
    path = tmp_path / "survey.csv"
    path.write_bytes((HEADER + rows + "R9999,K01,w1,4\x00\n").encode())
    before = _sha(path)
    with pytest.raises(InputFileError, match=r"row 2002: a NUL byte in column 'trust_1'"):
        read_raw(path)
    assert _sha(path) == before


def test_lines_that_end_in_cr_only_are_read_as_lines(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_bytes(b"respondent,site,wave,trust_1\rR1,K01,w1,4\rR2,K01,w1,5\r")
    raw = read_raw(path)
    assert raw.frame["trust_1"].tolist() == ["4", "5"]
    assert any("CR only" in note.message for note in raw.notes)


def test_a_header_with_the_same_name_twice_once_with_spaces_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text("respondent,site,wave,trust_1, trust_1\nR1,K01,w1,4,5\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="'trust_1' appears twice"):
        read_raw(path)


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_a_formula_cell_without_a_stored_value_is_refused_by_its_cell(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "survey.xlsx", {
        "Daten": [["respondent", "site", "wave", "trust_1"], ["R1", "K01", "w1", "=2+2"]]})
    with pytest.raises(InputFileError, match=r"1 formula cell\(s\) without a stored value "
                                             r"\(D2\)"):
        read_raw(path)


def test_a_missing_sheet_is_named_with_the_sheets_there_are(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "survey.xlsx", {"Info": [["x"]], "Daten": [["respondent"]]})
    with pytest.raises(InputFileError, match="no sheet 'Umfrage'; the workbook has the sheets "
                                             "'Info', 'Daten'"):
        read_raw(path, sheet="Umfrage")
    raw = read_raw(path, sheet="Daten")
    assert list(raw.frame.columns) == ["respondent"]


def test_the_first_of_several_sheets_is_read_with_a_note_naming_the_others(tmp_path):
    path = _workbook(tmp_path / "survey.xlsx", {"Info": [["respondent"], ["R1"]],
                                                "Daten": [["respondent"], ["R2"]]})
    raw = read_raw(path)
    assert raw.frame["respondent"].tolist() == ["R1"]
    assert any("'Info', 'Daten'" in note.message for note in raw.notes)


def test_a_small_workbook_with_a_cell_far_outside_the_data_is_refused_before_loading(
        tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["respondent", "site"])
    sheet["XFD1048576"] = "x"
    path = tmp_path / "survey.xlsx"
    book.save(path)
    assert path.stat().st_size < 20_000
    with pytest.raises(InputFileError, match="1,048,576 rows and 16,384 columns, more than"):
        read_raw(path)


def test_a_wrong_delimiter_is_one_message_naming_the_likely_one(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(HEADER + "R1,K01,w1,4\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="seems to use ',' as delimiter"):
        read_raw(path, delimiter=";")


def test_an_unclosed_quote_is_named_by_the_row_where_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text(HEADER + 'R1,K01,w1,4\nR2,K01,w1,4\nR3,"K01,w1,4\nR4,K01,w1,4\n',
                    encoding="utf-8")
    with pytest.raises(InputFileError, match=r"row 4: a quote \(\"\) opens a cell in this row"):
        read_raw(path)
