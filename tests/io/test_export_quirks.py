"""Exports as the survey tools write them: the mapping belongs to the data source.

A LimeSurvey wave and a SoSci wave share one instrument: each file carries its own column
mapping and site codes; LimeSurvey's anonymous export keeps only ``id``; headings may be the
full question texts; SoSci adds its own system variables; attribute codes may be text.
"""

from __future__ import annotations

import copy

import pandas as pd

from evaluation import columns as C
from evaluation.config import load_project
from evaluation.io.ingest import read_project_survey
from tests.conftest import SMALL_CODEBOOK, write_project

ANSWERS = {"trust_1": [4, 5, 3, 2], "trust_2": [5, 4, 3, 3], "trust_3": [2, 1, 3, 4],
           "benefit_1": [4, 4, 3, 5], "benefit_2": [4, 4, 3, 2], "synergy_1": [4, 5, 1, 3],
           "challenge_funding": [3, 2, 5, 1]}


def _limesurvey_anonymous() -> pd.DataFrame:
    """LimeSurvey, anonymous: ``id`` is the only identifier, sites as answer codes A1/A2,
    items under the tool's own codes, timing columns."""
    frame = pd.DataFrame({"id": [11, 12, 13, 14], "submitdate": ["2025-03-01"] * 4,
                          "lastpage": [3] * 4, "startlanguage": ["de"] * 4,
                          "ORT": ["A1", "A1", "A2", "A2"], "AKT": ["A1", "A6", "A7", "A1"],
                          "interviewtime": [300.5, 200.1, 180.0, 240.2],
                          "groupTime10": [100.0, 90.0, 80.0, 70.0]})
    for i, values in enumerate(ANSWERS.values(), start=1):
        frame[f"F{i:02d}"] = values
    return frame


def _project(tmp_path, frames: dict[str, pd.DataFrame], entries: list[dict],
             codebook: dict | None = None):
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    for name, frame in frames.items():
        frame.to_csv(folder / "data" / name, index=False)
    book = copy.deepcopy(codebook or SMALL_CODEBOOK)
    book["attributes"]["respondent"]["actor_type"]["values"]["administration"]["code"] = "A1"
    book["attributes"]["respondent"]["actor_type"]["values"]["mso"]["code"] = "A6"
    book["attributes"]["respondent"]["actor_type"]["values"]["association_volunteer"][
        "code"] = "A7"
    write_project(folder, book, entries, waves=[{"key": "w1"}, {"key": "w2"}])
    return load_project(folder)


def test_a_limesurvey_and_a_sosci_wave_share_one_instrument_with_their_own_mappings(tmp_path):
    lime_columns = {"id": "respondent", "ORT": "site", "AKT": "actor_type",
                    **{f"F{i:02d}": item for i, item in enumerate(ANSWERS, start=1)}}
    sosci = pd.DataFrame({"CASE": [1, 2, 3, 4], "SERIAL": [""] * 4, "QUESTNNR": ["q"] * 4,
                          "MODE": ["interview"] * 4, "LANGUAGE": ["ger"] * 4,
                          "STARTED": ["2026-03-01"] * 4, "TIME001": [10] * 4,
                          "TIME_SUM": [400] * 4, "MAILSENT": [""] * 4, "LASTDATA": [""] * 4,
                          "SD01": [1, 1, 2, 2], "SD02": ["A1", "A6", "A7", "A1"],
                          **{f"TR{i:02d}": v for i, v in enumerate(ANSWERS.values(), start=1)}})
    sosci_columns = {"CASE": "respondent", "SD01": "site", "SD02": "actor_type",
                     **{f"TR{i:02d}": item for i, item in enumerate(ANSWERS, start=1)}}
    project = _project(tmp_path, {"lime.csv": _limesurvey_anonymous(), "sosci.csv": sosci}, [
        {"path": "data/lime.csv", "format": "limesurvey", "wave": "w1",
         "columns": lime_columns, "site_codes": {"A1": "K01", "A2": "K02"}},
        {"path": "data/sosci.csv", "format": "sosci", "wave": "w2",
         "columns": sosci_columns, "site_codes": {1: "K01", 2: "K02"}}])
    data = read_project_survey(project)
    assert not data.errors, [str(p) for p in data.errors]
    people = data.respondents
    for wave in ("w1", "w2"):
        assert list(people.loc[people[C.WAVE] == wave, C.SITE]) == ["K01", "K01", "K02", "K02"]
    assert list(people.loc[people[C.WAVE] == "w1", "actor_type"]) == [
        "administration", "mso", "association_volunteer", "administration"]
    answers = data.responses

    def values(wave: str, item: str) -> list[float]:
        chosen = answers[(answers[C.WAVE] == wave) & (answers[C.ITEM] == item)]
        return list(chosen[C.VALUE])

    assert values("w1", "trust_1") == [4.0, 5.0, 3.0, 2.0]
    assert values("w2", "challenge_funding") == [3.0, 2.0, 5.0, 1.0]


def test_an_unknown_site_code_and_an_unknown_mapped_key_are_named(tmp_path):
    columns = {"id": "respondent", "ORT": "site", "AKT": "actor_type", "F01": "trust_one",
               **{f"F{i:02d}": item for i, item in enumerate(ANSWERS, start=1) if i > 1}}
    frame = _limesurvey_anonymous()
    frame.loc[3, "ORT"] = "A9"
    project = _project(tmp_path, {"lime.csv": frame}, [
        {"path": "data/lime.csv", "format": "limesurvey", "wave": "w1", "columns": columns,
         "site_codes": {"A1": "K01", "A2": "K02"}}])
    errors = read_project_survey(project).errors
    messages = {(p.column, p.message, str(p.value)) for p in errors}
    assert ("F01", "the survey file's 'columns' maps this column to an unknown key",
            "trust_one") in messages
    assert ("ORT", "unknown site", "A9") in messages


def test_headings_with_the_full_question_texts_are_matched_to_their_items(tmp_path):
    frame = pd.DataFrame({"respondent": ["R1", "R2"], "site": ["K01", "K02"]})
    book = SMALL_CODEBOOK
    for key, spec in {**book["factors"]["trust"]["items"], **book["factors"]["benefit"]["items"],
                      **book["outcomes"]["synergy"]["items"], **book["challenges"]}.items():
        heading = (f"Zusammenarbeit im Netzwerk [{spec['de']}]" if key.startswith("trust")
                   else spec["de"])
        frame[heading] = ANSWERS[key][:2]
    project = _project(tmp_path, {"full.csv": frame}, [{"path": "data/full.csv", "wave": "w1"}])
    data = read_project_survey(project)
    assert not data.errors, [str(p) for p in data.errors]
    values = data.responses.set_index([C.RESPONDENT, C.ITEM])[C.VALUE]
    assert values[("R2", "trust_3")] == 1.0
    assert values[("R1", "benefit_2")] == 4.0


def test_an_attribute_code_may_be_text_as_the_tools_export_it(tmp_path):
    frame = pd.DataFrame({"respondent": ["R1", "R2"], "site": ["K01", "K02"],
                          "actor_type": ["A6", "a7"],
                          **{key: values[:2] for key, values in ANSWERS.items()}})
    project = _project(tmp_path, {"s.csv": frame}, [{"path": "data/s.csv", "wave": "w1"}])
    data = read_project_survey(project)
    assert not data.errors
    assert list(data.respondents["actor_type"]) == ["mso", "association_volunteer"]
