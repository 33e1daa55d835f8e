"""Survey importers: every format and dialect lands in the same tidy form."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation import columns as C
from evaluation.config import load_project
from evaluation.errors import DataValidationError, InputFileError
from evaluation.io.ingest import load_survey, read_project_survey
from tests.conftest import write_project
from tests.formats import write_csv, write_sav, write_xlsx

ITEMS = ["trust_1", "trust_2", "trust_3", "benefit_1", "benefit_2", "synergy_1",
         "challenge_funding"]


def wide_survey() -> pd.DataFrame:
    """Four respondents in two sites (one given by name with an umlaut) and two waves."""
    return pd.DataFrame({
        "respondent": ["R1", "R2", "R3", "R1"],
        "site": ["K01", "Bärenfels", "K02", "K01"],
        "wave": ["w1", "w1", "w1", "w2"],
        "actor_type": ["administration", "mso", "association_volunteer", "administration"],
        "employment": ["paid", "volunteer", "volunteer", "paid"],
        "years_in_network": [3.5, 1.0, np.nan, 4.5],
        "trust_1": [4, 5, -1, 3],
        "trust_2": [5, np.nan, 2, 4],
        "trust_3": [2, 1, -9, -2],
        "benefit_1": [-1, 4, 3, 5],
        "benefit_2": [4, 4, 3, 2],
        "synergy_1": [4, 5, 1, 3],
        "challenge_funding": [3, 2, 5, -9],
    })


def project_for(tmp_path: Path, codebook_dict, files: dict[str, bytes | None],
                entries: list[dict]) -> Path:
    folder = tmp_path / "project"
    (folder / "data").mkdir(parents=True)
    for name, data in files.items():
        if data is not None:
            (folder / "data" / name).write_bytes(data)
    return write_project(folder, codebook_dict, entries)


def tidy(folder: Path):
    return load_survey(load_project(folder))


EXPECTED_STATUS = {
    ("R1", "w1", "benefit_1"): C.CANNOT_JUDGE,
    ("R2", "w1", "trust_2"): C.NO_ANSWER,
    ("R3", "w1", "trust_1"): C.CANNOT_JUDGE,
    ("R3", "w1", "trust_3"): C.NO_ANSWER,
    ("R1", "w2", "trust_3"): C.NOT_SHOWN,
    ("R1", "w2", "challenge_funding"): C.NO_ANSWER,
}


def check_tidy(data) -> None:
    """The tidy frame every dialect of :func:`wide_survey` must produce."""
    resp = data.responses
    assert list(resp.columns) == [C.RESPONDENT, C.SITE, C.WAVE, C.ITEM, C.VALUE, C.STATUS]
    assert len(resp) == 4 * len(ITEMS)
    got = {(r.respondent, r.wave, r.item): r.status for r in resp.itertuples()
           if r.status != C.VALID}
    assert got == EXPECTED_STATUS
    assert resp.loc[resp[C.STATUS] != C.VALID, C.VALUE].isna().all()
    r2 = data.respondents.set_index([C.WAVE, C.RESPONDENT])
    assert r2.loc[("w1", "R2"), C.SITE] == "K02"  # given by name "Bärenfels"
    assert r2.loc[("w1", "R2"), "actor_type"] == "mso"
    assert r2.loc[("w2", "R1"), "years_in_network"] == 4.5
    assert np.isnan(r2.loc[("w1", "R3"), "years_in_network"])
    value = resp.set_index([C.RESPONDENT, C.WAVE, C.ITEM])[C.VALUE]
    assert value[("R1", "w1", "trust_3")] == 2.0  # raw answer; reversal happens in scoring


@pytest.fixture
def codebook(codebook_dict):
    return codebook_dict


def _write_sites(folder: Path) -> None:
    import yaml
    config = yaml.safe_load((folder / "project.yml").read_text(encoding="utf-8"))
    config["sites"][1]["name"] = "Bärenfels"
    (folder / "project.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                        encoding="utf-8")


@pytest.mark.parametrize(("encoding", "sep", "decimal", "bom"), [
    ("utf-8", ",", ".", False),
    ("utf-8", ",", ".", True),
    ("utf-8", ";", ",", True),
    ("cp1252", ";", ",", False),
    ("latin-1", ";", ",", False),
    ("cp1252", "\t", ",", False),
    ("utf-8", "\t", ".", False),
])
def test_csv_dialects_give_the_same_tidy_frame(tmp_path, codebook, encoding, sep, decimal,
                                                bom):
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    write_csv(wide_survey(), folder / "data" / "survey.csv", encoding=encoding, sep=sep,
              decimal=decimal, bom=bom)
    write_project(folder, codebook, [{"path": "data/survey.csv"}])
    _write_sites(folder)
    check_tidy(tidy(folder))


def test_excel_workbooks_give_the_same_tidy_frame(tmp_path, codebook):
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    write_xlsx(wide_survey(), folder / "data" / "survey.xlsx")
    write_project(folder, codebook, [{"path": "data/survey.xlsx"}])
    _write_sites(folder)
    check_tidy(tidy(folder))


def write_survey_sav(path: Path) -> Path:
    """:func:`wide_survey` as SPSS: attributes as labelled codes, items with user-missing."""
    return write_sav(wide_survey(), path, item_columns=ITEMS,
                     attribute_codes={"actor_type": {"administration": 1, "mso": 6,
                                                     "association_volunteer": 7},
                                      "employment": {"paid": 1, "volunteer": 2}},
                     attribute_labels={"actor_type": {1: "Verwaltung / Integrationsstelle",
                                                      6: "Migrantenorganisation (MSO)",
                                                      7: "Verein / Ehrenamt"},
                                       "employment": {1: "hauptamtlich",
                                                      2: "ehrenamtlich"}})


def test_spss_files_with_value_labels_and_user_missing_give_the_same_tidy_frame(
        tmp_path, codebook):
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    write_survey_sav(folder / "data" / "survey.sav")
    write_project(folder, codebook, [{"path": "data/survey.sav"}])
    _write_sites(folder)
    check_tidy(tidy(folder))


def test_spss_user_missing_codes_are_read_by_their_labels_when_the_codebook_lacks_them(
        tmp_path, codebook):
    codebook["missing"]["codes"] = {-9: "no_answer"}  # -1 and -2 known only by their label
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    write_survey_sav(folder / "data" / "survey.sav")
    write_project(folder, codebook, [{"path": "data/survey.sav"}])
    _write_sites(folder)
    check_tidy(tidy(folder))


def limesurvey_frame() -> pd.DataFrame:
    frame = wide_survey()
    out = pd.DataFrame({"id": range(1, 5), "submitdate": "2024-03-01 10:00:00",
                        "lastpage": 3, "token": frame["respondent"]})
    for column in ("site", "wave", "actor_type", "employment", "years_in_network"):
        out[column] = frame[column]
    for i, item in enumerate(["trust_1", "trust_2", "trust_3"], start=1):
        out[f"TR[SQ00{i}]"] = frame[item].map(
            lambda v: "" if np.isnan(v) or v == -9 else ("A6" if v == -1 else
                                                          (v if v == -2 else f"A{int(v)}")))
    for item in ITEMS[3:]:
        out[item] = frame[item].map(lambda v: "" if v == -9 else v)
    return out


def test_limesurvey_csv_with_array_columns_and_answer_codes_gives_the_same_tidy_frame(
        tmp_path, codebook):
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    write_csv(limesurvey_frame(), folder / "data" / "results-survey123.csv")
    write_project(folder, codebook, [{"path": "data/results-survey123.csv",
                                      "format": "limesurvey"}])
    _write_sites(folder)
    check_tidy(tidy(folder))


def test_limesurvey_spss_column_names_map_like_their_csv_twins(tmp_path, codebook):
    frame = limesurvey_frame().rename(columns=lambda c: c.replace("[", "_").replace("]", ""))
    assert "TR_SQ001" in frame.columns
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    write_xlsx(frame, folder / "data" / "limesurvey.xlsx")
    write_project(folder, codebook, [{"path": "data/limesurvey.xlsx", "format": "limesurvey"}])
    _write_sites(folder)
    check_tidy(tidy(folder))


def test_sosci_residual_codes_keep_their_meaning(tmp_path, codebook):
    frame = wide_survey().rename(columns={"respondent": "CASE"})
    frame.insert(0, "SERIAL", "")
    frame.insert(1, "QUESTNNR", "base")
    for item in ITEMS:
        frame[item] = frame[item].map(lambda v: np.nan if v == -2 else v)
    frame.loc[1, "trust_2"] = -9  # SoSci writes -9 for an unanswered item
    frame.loc[2, "benefit_2"] = -8  # faulty data
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    write_csv(frame, folder / "data" / "data_sosci.csv", sep="\t", encoding="utf-16")
    write_project(folder, codebook, [{"path": "data/data_sosci.csv", "format": "sosci"}])
    _write_sites(folder)
    data = tidy(folder)
    statuses = data.responses.set_index([C.RESPONDENT, C.WAVE, C.ITEM])[C.STATUS]
    assert statuses[("R1", "w2", "trust_3")] == C.NOT_SHOWN  # empty cell in SoSci
    assert statuses[("R2", "w1", "trust_2")] == C.NO_ANSWER  # -9
    assert statuses[("R3", "w1", "trust_1")] == C.CANNOT_JUDGE  # -1, residual option 1
    assert statuses[("R3", "w1", "benefit_2")] == C.FAULTY  # -8


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_problem_in_a_survey_file_is_reported_in_one_pass(tmp_path, codebook):
    frame = wide_survey()
    frame = frame.astype(object)
    frame.loc[0, "trust_1"] = 7
    frame.loc[1, "benefit_2"] = "3.5"
    frame.loc[2, "site"] = "K99"
    frame.loc[3, "wave"] = "w9"
    frame.loc[2, "actor_type"] = "Feuerwehr"
    frame.loc[1, "years_in_network"] = 99
    frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)  # duplicate R1 in w1
    frame["trust_5"] = 3
    frame = frame.drop(columns=["benefit_1"])
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    path = write_csv(frame, folder / "data" / "survey.csv")
    before = sha(path)
    write_project(folder, codebook, [{"path": "data/survey.csv"}])
    _write_sites(folder)
    project = load_project(folder)
    with pytest.raises(DataValidationError) as info:
        load_survey(project)
    found = {(p.row, p.column, p.message.split(" (")[0]) for p in info.value.problems}
    assert found >= {
        (2, "trust_1", "answer outside the response scale"),
        (3, "benefit_2", "answer outside the response scale"),
        (4, "site", "unknown site"),
        (5, "wave", "unknown wave"),
        (4, "actor_type", "unknown attribute value"),
        (3, "years_in_network", "not a number in the valid range"),
        (None, "trust_5", "column not in the codebook"),
        (None, "benefit_1", "codebook item not found in the data"),
    }
    duplicate = [p for p in info.value.problems if "appears twice" in p.message]
    assert [(p.row, p.value) for p in duplicate] == [(6, "R1")]
    assert "first in row 2" in duplicate[0].message
    text = str(info.value)
    assert "survey.csv, row 2, column 'trust_1'" in text
    assert "expected an integer from 1 to 5" in text
    assert sha(path) == before  # raw input never changed


def test_an_empty_file_is_reported_with_its_name(tmp_path, codebook):
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "survey.csv").write_bytes(b"")
    write_project(folder, codebook, [{"path": "data/survey.csv"}])
    data = read_project_survey(load_project(folder))
    assert [p.message for p in data.errors] == ["the file is empty"]
    assert data.errors[0].file.endswith("survey.csv")


def test_text_that_is_not_in_the_declared_encoding_is_reported_with_its_row(
        tmp_path, codebook):
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    write_csv(wide_survey(), folder / "data" / "survey.csv", encoding="cp1252")
    write_project(folder, codebook, [{"path": "data/survey.csv", "encoding": "utf-8"}])
    _write_sites(folder)
    data = read_project_survey(load_project(folder))
    assert len(data.errors) == 1
    assert data.errors[0].row == 3
    assert "text is not valid utf-8" in data.errors[0].message


def test_binary_garbage_is_refused_as_not_a_text_export(tmp_path, codebook):
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "survey.csv").write_bytes(bytes(range(256)) * 10)
    write_project(folder, codebook, [{"path": "data/survey.csv"}])
    data = read_project_survey(load_project(folder))
    assert "binary data" in data.errors[0].message


def test_a_cp1252_file_read_without_declared_encoding_gives_a_warning_not_an_error(
        tmp_path, codebook):
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    write_csv(wide_survey(), folder / "data" / "survey.csv", encoding="cp1252", sep=";")
    write_project(folder, codebook, [{"path": "data/survey.csv"}])
    _write_sites(folder)
    data = read_project_survey(load_project(folder))
    assert not data.errors
    assert any("Windows-1252" in p.message for p in data.problems)


def test_a_respondent_duplicated_across_two_files_of_a_wave_is_reported(tmp_path, codebook):
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    frame = wide_survey()
    write_csv(frame.iloc[:2], folder / "data" / "a.csv")
    write_csv(frame.iloc[[0]], folder / "data" / "b.csv")
    write_project(folder, codebook, [{"path": "data/a.csv"}, {"path": "data/b.csv"}])
    _write_sites(folder)
    data = read_project_survey(load_project(folder))
    assert [(Path(p.file).name, p.row, p.value) for p in data.errors] == [("b.csv", 2, "R1")]


def test_a_respondent_in_two_files_of_the_same_name_in_two_folders_is_reported(tmp_path,
                                                                               codebook):
    folder = tmp_path / "p"
    for sub in ("site_a", "site_b"):
        (folder / "data" / sub).mkdir(parents=True)
    frame = wide_survey()
    write_csv(frame.iloc[:2], folder / "data" / "site_a" / "survey.csv")
    write_csv(frame.iloc[[0]], folder / "data" / "site_b" / "survey.csv")
    write_project(folder, codebook, [{"path": "data/site_a/survey.csv"},
                                     {"path": "data/site_b/survey.csv"}])
    _write_sites(folder)
    data = read_project_survey(load_project(folder))
    assert [(Path(p.file).parent.name, p.row, p.value) for p in data.errors] == [
        ("site_b", 2, "R1")]
    assert "site_a" in data.errors[0].message


def test_a_wave_set_in_the_project_file_applies_to_the_whole_file(tmp_path, codebook):
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    write_csv(wide_survey().iloc[:3].drop(columns=["wave"]), folder / "data" / "w1.csv")
    write_project(folder, codebook, [{"path": "data/w1.csv", "wave": "w1"}])
    _write_sites(folder)
    data = tidy(folder)
    assert set(data.respondents[C.WAVE]) == {"w1"}


def test_an_unreadable_file_type_is_refused(tmp_path):
    from evaluation.io.readers import read_raw
    path = tmp_path / "survey.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(InputFileError, match="unknown file type"):
        read_raw(path)


def test_identifiers_are_replaced_by_keyed_pseudonyms_that_link_waves(tmp_path, codebook,
                                                                      monkeypatch):
    monkeypatch.setenv("TRANSFER_EVAL_KEY", "k" * 32)
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    write_csv(wide_survey(), folder / "data" / "survey.csv")
    write_project(folder, codebook, [{"path": "data/survey.csv"}])
    _write_sites(folder)
    data = tidy(folder)
    ids = data.respondents.set_index(C.WAVE)[C.RESPONDENT]
    assert not set(ids) & {"R1", "R2", "R3"}
    assert all(i.startswith("P") and len(i) == 17 for i in ids)
    assert ids["w2"] in set(ids["w1"])  # R1 in both waves keeps one pseudonym
    assert set(data.responses[C.RESPONDENT]) == set(ids)


def test_direct_identifiers_without_a_key_are_an_error(tmp_path, codebook, monkeypatch):
    monkeypatch.delenv("TRANSFER_EVAL_KEY", raising=False)
    monkeypatch.delenv("TRANSFER_EVAL_KEY_FILE", raising=False)
    frame = wide_survey()
    frame["respondent"] = ["anna.schmidt@example.org", "R2", "R3", "anna.schmidt@example.org"]
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    write_csv(frame, folder / "data" / "survey.csv")
    write_project(folder, codebook, [{"path": "data/survey.csv"}])
    _write_sites(folder)
    data = read_project_survey(load_project(folder))
    assert len(data.errors) == 1
    assert "TRANSFER_EVAL_KEY" in data.errors[0].message
    assert "anna.schmidt" not in data.errors[0].message


@pytest.mark.parametrize("cell", ["\u0664", "\uff14", "0_4", "4e0", "+4", "inf", "4,0,0"])
def test_only_ascii_digits_make_a_number_so_a_look_alike_is_reported_not_read_as_4(
        tmp_path, codebook, cell):
    frame = wide_survey().astype(object)
    frame.loc[0, "trust_1"] = cell
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    path = write_csv(frame, folder / "data" / "survey.csv")
    before = sha(path)
    write_project(folder, codebook, [{"path": "data/survey.csv"}])
    _write_sites(folder)
    with pytest.raises(DataValidationError) as info:
        load_survey(load_project(folder))
    found = [(p.row, p.column, p.value) for p in info.value.problems]
    assert (2, "trust_1", cell) in found
    assert sha(path) == before


@pytest.mark.parametrize(("text", "number"), [("4", 4.0), (" 4 ", 4.0), ("3,5", 3.5),
                                               ("3.5", 3.5), ("-9", -9.0), ("\u22129", -9.0)])
def test_numbers_as_survey_tools_write_them_are_read(text, number):
    from evaluation.numbers import parse_number

    assert parse_number(text) == number
