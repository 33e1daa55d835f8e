"""The bad-input catalogue at import: each case gives a clear problem, never a traceback."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.config import load_project
from evaluation.errors import InputFileError
from evaluation.io.ingest import read_project_survey
from evaluation.io.readers import MAX_ROWS, read_raw
from tests.conftest import write_project
from tests.formats import write_csv, write_xlsx

from .test_ingest import _write_sites, wide_survey


def _project(tmp_path, codebook_dict, data: bytes, name: str = "survey.csv"):
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / name).write_bytes(data)
    write_project(folder, codebook_dict, [{"path": f"data/{name}"}])
    _write_sites(folder)
    return load_project(folder)


def test_a_truncated_csv_reports_the_short_row(tmp_path, codebook_dict):
    full = write_csv(wide_survey(), tmp_path / "full.csv").read_bytes()
    cut = full[: full.rindex(b"\n", 0, len(full) - 1) + 12]  # last row cut after a few fields
    data = read_project_survey(_project(tmp_path, codebook_dict, cut))
    short = [p for p in data.errors if "different number of fields" in p.message]
    assert [p.row for p in short] == [5]
    assert "truncated" in short[0].message


def test_a_truncated_excel_workbook_is_reported_as_damaged(tmp_path, codebook_dict):
    full = write_xlsx(wide_survey(), tmp_path / "full.xlsx").read_bytes()
    data = read_project_survey(_project(tmp_path, codebook_dict, full[: len(full) // 2],
                                        "survey.xlsx"))
    assert len(data.errors) == 1
    assert "Excel" in data.errors[0].message or "xlsx" in data.errors[0].message


def test_a_ten_megabyte_cell_gives_a_short_message(tmp_path, codebook_dict):
    frame = wide_survey().astype(object)
    frame.loc[0, "trust_1"] = "9" * 10_000_000
    path = write_csv(frame, tmp_path / "big.csv")
    data = read_project_survey(_project(tmp_path, codebook_dict, path.read_bytes()))
    assert len(data.errors) == 1
    text = str(data.errors[0])
    assert len(text) < 400
    assert "answer outside the response scale" in text


def test_a_file_with_more_rows_than_the_limit_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("respondent,trust_1\n")
        handle.write("R,1\n" * (MAX_ROWS + 1))
    with pytest.raises(InputFileError, match="more than the limit"):
        read_raw(path)


def test_a_sav_file_with_more_cases_than_the_limit_is_refused_from_its_header(tmp_path,
                                                                           monkeypatch):
    import pyreadstat

    from evaluation.io import readers

    path = tmp_path / "wide.sav"
    pyreadstat.write_sav(pd.DataFrame({"respondent": ["R1", "R2", "R3", "R4"],
                                       "trust_1": [1.0, 2.0, 3.0, 4.0]}), str(path))
    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    loaded = []
    real = pyreadstat.read_sav

    def spy(*args, **kwargs):
        loaded.append(kwargs.get("metadataonly", False))
        return real(*args, **kwargs)

    monkeypatch.setattr(pyreadstat, "read_sav", spy)
    with pytest.raises(InputFileError, match="has 4 cases and 2 variables, more than the limit"):
        read_raw(path)
    assert loaded == [True]  # the header only; the data were never loaded


def test_a_file_larger_than_the_byte_limit_is_refused_before_it_is_opened(tmp_path,
                                                                          monkeypatch):
    from evaluation.io import readers

    path = tmp_path / "survey.xlsx"
    path.write_bytes(b"PK" + b"\0" * 2000)
    monkeypatch.setattr(readers, "MAX_BYTES", 1024)
    with pytest.raises(InputFileError, match="more than the limit of 0 MiB per input file"):
        read_raw(path)


def test_every_answer_missing_is_read_as_missing_not_as_an_error(tmp_path, codebook_dict):
    frame = wide_survey()
    items = ["trust_1", "trust_2", "trust_3", "benefit_1", "benefit_2", "synergy_1",
             "challenge_funding"]
    frame[items] = -9
    path = write_csv(frame, tmp_path / "empty_answers.csv")
    data = read_project_survey(_project(tmp_path, codebook_dict, path.read_bytes()))
    assert not data.errors
    assert (data.responses["status"] == "no_answer").all()
