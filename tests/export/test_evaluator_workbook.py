"""The evaluator workbook: every table of a run one sheet, a contents sheet, the dictionary."""

from __future__ import annotations

import math
import stat
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pandas as pd
import pytest

from evaluation.errors import RenderError
from evaluation.export import data_dictionary, unique_sheet_names, write_evaluator_workbook
from evaluation.export import evaluator_workbook as module
from evaluation.results import Results


@pytest.fixture(scope="module")
def written(example, tmp_path_factory) -> Path:
    project, results = example
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        return write_evaluator_workbook(results, project.codebook,
                                       tmp_path_factory.mktemp("evaluator") / "run.xlsx")


@pytest.fixture(scope="module")
def contents(written) -> pd.DataFrame:
    return pd.read_excel(written, sheet_name="Inhalt")


def _tiny(**tables: pd.DataFrame) -> Results:
    return Results(meta={"project": "Test", "report_date": "2026-01-15"}, tables=tables)


def rows_per_sheet(path: Path) -> dict[str, int]:
    """The rows of every sheet, counted in the file's XML (without reading the cells)."""
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as archive:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target").removeprefix("/xl/") for r in rels}
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        return {sheet.get("name"): archive.read("xl/" + targets[sheet.get(rel)]).count(b"<row ")
                for sheet in book.iter() if sheet.tag.endswith("}sheet")}


def assert_same_cells(sheet: pd.DataFrame, table: pd.DataFrame) -> None:
    """Every cell of ``sheet`` (read back) holds the table's value: missing as missing,
    numbers equal to 16 significant digits (openpyxl writes ``%.16g``), the rest equal."""
    assert list(sheet.columns) == list(table.columns)
    assert sheet.shape == table.shape
    for a, b in zip(sheet.astype(object).itertuples(index=False),
                    table.astype(object).itertuples(index=False), strict=True):
        for x, y in zip(a, b, strict=True):
            if pd.isna(y):
                assert pd.isna(x), (x, y)
            elif isinstance(y, float | int) and not isinstance(y, bool):
                assert math.isclose(x, y, rel_tol=1e-15), (x, y)
            else:
                assert x == y, (x, y)


def test_every_table_of_the_run_is_one_sheet_with_its_rows(example, written, contents):
    _, results = example
    assert openpyxl.load_workbook(written, read_only=True).sheetnames == [
        "Inhalt", *results.tables, "Datenwörterbuch"]
    rows = rows_per_sheet(written)
    listed = dict(zip(contents["Tabelle"], contents["Zeilen"], strict=True))
    for name, table in results.tables.items():
        assert listed[name] == rows[name] - 1 == len(table), name  # less the header row
    for name in ("counts", "site_vs_pool", "idea_matrix"):
        sheet = pd.read_excel(written, sheet_name=name)
        assert_same_cells(sheet, results.tables[name])
    scores = pd.read_excel(written, sheet_name="scores", nrows=500)
    expected = results.tables["scores"].head(500)
    assert list(scores.columns) == list(expected.columns)
    assert scores["respondent"].tolist() == expected["respondent"].tolist()
    np.testing.assert_allclose(scores["score"], expected["score"], rtol=1e-15)


def test_the_contents_say_what_each_table_is_and_whether_a_partner_may_see_it(contents):
    contents = contents.set_index("Tabelle")
    assert contents.at["scores", "eine Zeile je"] == "respondent"
    assert contents.at["scores", "darf in den Partnerbericht"] == "nein"
    assert contents.at["site_vs_pool", "darf in den Partnerbericht"] == "ja"
    assert contents.at["codebook default", "Tabellenblatt"] == "Datenwörterbuch"
    assert "pseudonymised" in contents.at["scores", "Beschreibung"]


def test_the_dictionary_sheet_is_the_codebooks_data_dictionary(example, written):
    project, _ = example
    sheet = pd.read_excel(written, sheet_name="Datenwörterbuch")
    expected = data_dictionary(project.codebook)
    assert len(sheet) == len(expected)
    assert sheet["Kennung"].tolist() == expected["variable"].tolist()
    assert set(sheet["umgepolt"].dropna()) == {"ja", "nein"}


def test_the_workbook_is_for_its_owner_only_and_the_same_run_gives_the_same_bytes(
        example, written, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project, results = example
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    again = write_evaluator_workbook(results, project.codebook, tmp_path / "again.xlsx")
    assert again.read_bytes() == written.read_bytes()
    with zipfile.ZipFile(again) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 11, 1, 0, 0, 0)}


def test_long_table_names_are_shortened_uniquely_to_31_characters(example, tmp_path):
    project, _ = example
    long = "participation_by_event_type_and_actor_type"
    results = _tiny(**{f"{long}_w1": pd.DataFrame({"a": [1]}),
                       f"{long}_w2": pd.DataFrame({"a": [1, 2]})})
    path = write_evaluator_workbook(results, project.codebook, tmp_path / "long.xlsx",
                                    language="en")
    names = openpyxl.load_workbook(path).sheetnames
    assert names == ["Contents", long[:31], long[:29] + "~2", "Data dictionary"]
    contents = pd.read_excel(path, sheet_name="Contents")
    assert contents["Sheet"].tolist()[:2] == names[1:3]
    assert contents["Table"].tolist()[:2] == [f"{long}_w1", f"{long}_w2"]
    assert contents["Rows"].tolist()[:2] == [1, 2]


def test_sheet_names_drop_the_characters_excel_refuses_and_ignore_case():
    assert unique_sheet_names(["a/b:c", "A/B:C", "[x]*?"]) == ["a_b_c", "A_B_C~2", "_x___"]


def test_a_table_longer_than_a_sheet_is_split_over_numbered_sheets(example, tmp_path,
                                                                     monkeypatch):
    project, _ = example
    monkeypatch.setattr(module, "ROWS_PER_SHEET", 3)
    results = _tiny(big=pd.DataFrame({"i": range(7)}), small=pd.DataFrame({"i": [0]}))
    path = write_evaluator_workbook(results, project.codebook, tmp_path / "split.xlsx")
    assert openpyxl.load_workbook(path).sheetnames[1:5] == ["big (1)", "big (2)", "big (3)",
                                                            "small"]
    parts = [pd.read_excel(path, sheet_name=f"big ({i})")["i"].tolist() for i in (1, 2, 3)]
    assert parts == [[0, 1, 2], [3, 4, 5], [6]]
    contents = pd.read_excel(path, sheet_name="Inhalt")
    assert contents["erste Zeile der Tabelle"].tolist()[:3] == [1, 4, 7]
    assert contents["letzte Zeile der Tabelle"].tolist()[:3] == [3, 6, 7]


def test_a_table_wider_than_a_sheet_or_an_unknown_table_is_refused(example, tmp_path,
                                                                   monkeypatch):
    project, _ = example
    monkeypatch.setattr(module, "EXCEL_MAX_COLUMNS", 2)
    results = _tiny(wide=pd.DataFrame({"a": [1], "b": [2], "c": [3]}))
    with pytest.raises(RenderError, match="'wide' has 3 columns"):
        write_evaluator_workbook(results, project.codebook, tmp_path / "wide.xlsx")
    with pytest.raises(RenderError, match="no table"):
        write_evaluator_workbook(results, project.codebook, tmp_path / "x.xlsx",
                                 tables=["nope"])
    assert not list(tmp_path.iterdir())


def test_odd_cells_are_written_as_excel_can_hold_them(example, tmp_path):
    project, _ = example
    frame = pd.DataFrame({
        "when": pd.to_datetime(["2026-01-02T03:04:05+01:00", None], utc=True),
        "x": [np.inf, np.nan], "flag": [True, False], "items": [("a", "b"), None],
        "text": ["=1+1", "bell\x07"], "n": pd.array([1, None], dtype="Int64")})
    path = write_evaluator_workbook(_tiny(odd=frame), project.codebook, tmp_path / "odd.xlsx")
    sheet = openpyxl.load_workbook(path)["odd"]
    assert [c.value for c in sheet[2]] == [pd.Timestamp("2026-01-02T02:04:05").to_pydatetime(),
                                          "inf", True, '["a", "b"]', "'=1+1", 1]
    assert [c.value for c in sheet[3]] == [None, None, False, None, "bell\ufffd", None]
