"""Value labels are data: the labels an export carries are checked against the codebook's, and
cells holding label texts are read as their codes."""

from __future__ import annotations

import pandas as pd
import pyreadstat

from evaluation import columns as C
from evaluation.config import load_project
from evaluation.io.ingest import read_project_survey
from tests.formats import write_csv

from .test_ingest import ITEMS, _write_sites, check_tidy, project_for, tidy, wide_survey

GERMAN = {1: "trifft gar nicht zu", 2: "trifft eher nicht zu", 3: "teils/teils",
          4: "trifft eher zu", 5: "trifft voll zu", -9: "keine Angabe",
          -1: "kann ich nicht beurteilen", -2: "nicht gezeigt"}


def test_cells_holding_the_codebooks_label_texts_are_read_as_their_codes(tmp_path,
                                                                          codebook_dict):
    frame = wide_survey()
    for item in ITEMS:
        frame[item] = frame[item].map(lambda v: GERMAN.get(v, v) if pd.notna(v) else v)
    frame.loc[0, "trust_1"] = "  Trifft  eher ZU "  # spacing and case as exports vary
    frame.loc[3, "benefit_1"] = "fully"  # the English label
    path = write_csv(frame, tmp_path / "labels.csv")
    folder = project_for(tmp_path, codebook_dict, {"survey.csv": path.read_bytes()},
                         [{"path": "data/survey.csv"}])
    _write_sites(folder)
    data = tidy(folder)
    check_tidy(data)
    values = data.responses.set_index([C.RESPONDENT, C.WAVE, C.ITEM])[C.VALUE]
    assert values[("R1", "w1", "trust_1")] == 4.0
    assert values[("R1", "w2", "benefit_1")] == 5.0


def _sav(tmp_path, labels: dict[float, str]) -> bytes:
    frame = wide_survey()[["respondent", "site", "wave", *ITEMS]].copy()
    for item in ITEMS:
        frame[item] = pd.to_numeric(frame[item]).astype(float)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "labelled.sav"
    pyreadstat.write_sav(frame, str(path),
                         variable_value_labels={item: labels for item in ITEMS[:2]},
                         missing_ranges={item: [-9.0, -1.0, -2.0] for item in ITEMS})
    return path.read_bytes()


def _problems(tmp_path, codebook_dict, labels: dict[float, str]) -> list:
    folder = project_for(tmp_path, codebook_dict, {"survey.sav": _sav(tmp_path, labels)},
                         [{"path": "data/survey.sav"}])
    _write_sites(folder)
    return read_project_survey(load_project(folder)).errors


def test_a_sav_file_labelled_the_other_way_round_is_an_error_per_column(tmp_path,
                                                                         codebook_dict):
    reversed_labels = {1.0: "trifft voll zu", 2.0: "trifft eher zu", 3.0: "teils/teils",
                       4.0: "trifft eher nicht zu", 5.0: "trifft gar nicht zu",
                       -9.0: "keine Angabe"}
    problems = [p for p in _problems(tmp_path, codebook_dict, reversed_labels)
                if "value labels" in p.message]
    assert [p.column for p in problems] == ["trust_1", "trust_2"]
    message = problems[0].message
    assert "file: 1 = 'trifft voll zu'; 2 = 'trifft eher zu'; 4 = 'trifft eher nicht zu'; " \
           "5 = 'trifft gar nicht zu'" in message
    assert "codebook: 5 = 'trifft voll zu'; 4 = 'trifft eher zu'; 2 = 'trifft eher nicht " \
           "zu'; 1 = 'trifft gar nicht zu'" in message
    assert "reversed_in_file" in problems[0].expected  # a mirror image: the tool's reversal?


def test_an_item_whose_codes_run_the_other_way_is_read_as_the_answers_its_labels_give(
        tmp_path, codebook_dict):
    """SoSci Survey's 'Antwortcodes invertieren' stores the item's codes reversed and labels
    them so (1 = 'trifft voll zu'); ``reversed_in_file: true`` reads code 1 as that answer."""
    reversed_labels = {1.0: "trifft voll zu", 2.0: "trifft eher zu", 3.0: "teils/teils",
                       4.0: "trifft eher nicht zu", 5.0: "trifft gar nicht zu"}
    for item in ITEMS[:2]:
        codebook_dict["factors"]["trust"]["items"][item]["reversed_in_file"] = True
    assert not _problems(tmp_path / "sav", codebook_dict, reversed_labels)

    frame = wide_survey()  # codes and label texts in the cells of a reversed-in-file item
    frame["trust_1"] = frame["trust_1"].astype(object)
    frame.loc[0, "trust_1"] = "trifft eher zu"
    path = write_csv(frame, tmp_path / "labels.csv")
    folder = project_for(tmp_path / "csv", codebook_dict, {"survey.csv": path.read_bytes()},
                         [{"path": "data/survey.csv"}])
    _write_sites(folder)
    values = tidy(folder).responses.set_index([C.RESPONDENT, C.WAVE, C.ITEM])[C.VALUE]
    assert values[("R1", "w1", "trust_1")] == 4.0  # the label's answer
    assert values[("R1", "w2", "trust_1")] == 3.0  # code 3 of 1..5: the middle either way
    assert values[("R1", "w1", "trust_2")] == 1.0  # code 5 = 'trifft gar nicht zu'


def test_a_files_own_reversed_in_file_list_overrides_the_codebooks_mark(tmp_path,
                                                                       codebook_dict):
    """One tool's file inverted the item, another's did not: the mark belongs to the file."""
    codebook_dict["factors"]["trust"]["items"]["trust_1"]["reversed_in_file"] = True
    path = write_csv(wide_survey(), tmp_path / "plain.csv")
    values = {}
    for name, own in (("codebook", None), ("file", []), ("unknown", ["trust_9"])):
        entry = {"path": "data/survey.csv"}
        if own is not None:
            entry["reversed_in_file"] = own
        folder = project_for(tmp_path / name, codebook_dict, {"survey.csv": path.read_bytes()},
                             [entry])
        _write_sites(folder)
        data = read_project_survey(load_project(folder))
        values[name] = data.responses.set_index([C.RESPONDENT, C.WAVE, C.ITEM])[C.VALUE]
        if name == "unknown":
            assert [p.value for p in data.errors] == ["trust_9"]
    assert values["codebook"][("R1", "w1", "trust_1")] == 2.0  # code 4 read mirrored
    assert values["file"][("R1", "w1", "trust_1")] == 4.0  # this file: as it is


def test_a_sav_file_with_labels_shifted_by_one_is_an_error(tmp_path, codebook_dict):
    shifted = {0.0: "trifft gar nicht zu", 1.0: "trifft eher nicht zu", 2.0: "teils/teils",
               3.0: "trifft eher zu", 4.0: "trifft voll zu"}
    problems = [p for p in _problems(tmp_path, codebook_dict, shifted)
                if "value labels" in p.message]
    assert len(problems) == 2
    assert "0 = 'trifft gar nicht zu'" in problems[0].message


def test_a_sav_file_labelled_as_the_codebook_or_in_own_words_reads_without_a_problem(
        tmp_path, codebook_dict):
    same = {1.0: "Trifft gar nicht zu", 5.0: "trifft voll zu", -9.0: "keine Angabe"}
    assert not _problems(tmp_path / "same", codebook_dict, same)
    own_words = {1.0: "stimme überhaupt nicht zu", 5.0: "stimme voll und ganz zu"}
    assert not _problems(tmp_path / "own", codebook_dict, own_words)


def test_a_reversed_in_file_mark_on_a_column_labelled_the_usual_way_says_so(tmp_path,
                                                                          codebook_dict):
    codebook_dict["factors"]["trust"]["items"]["trust_1"]["reversed_in_file"] = True
    usual = {1.0: "trifft gar nicht zu", 5.0: "trifft voll zu"}
    (problem,) = [p for p in _problems(tmp_path, codebook_dict, usual)
                  if "value labels" in p.message]
    assert problem.column == "trust_1"
    assert "codebook: 1 = 'trifft gar nicht zu'; 5 = 'trifft voll zu'" in problem.message
    assert "remove the mark" in problem.expected
