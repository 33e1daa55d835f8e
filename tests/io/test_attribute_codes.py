"""Attribute codes belong to the data source: one survey file may code an attribute with the
tool's own answer codes (LimeSurvey's ``A1``..) while another uses the codebook's."""

from __future__ import annotations

import pytest

from evaluation.config import load_project
from evaluation.errors import ConfigError
from evaluation.io.ingest import read_project_survey
from tests.formats import write_csv

from .test_ingest import _write_sites, project_for, wide_survey


def _project(tmp_path, codebook_dict, attribute_codes, actor_types):
    frame = wide_survey().assign(actor_type=actor_types)
    path = write_csv(frame, tmp_path / "w.csv")
    folder = project_for(tmp_path, codebook_dict, {"survey.csv": path.read_bytes()},
                         [{"path": "data/survey.csv", "attribute_codes": attribute_codes}])
    _write_sites(folder)
    return folder


def test_a_files_own_attribute_codes_are_read_as_the_codebooks_values(tmp_path,
                                                                         codebook_dict):
    codes = {"actor_type": {"A1": "administration", "A2": "mso"}}
    folder = _project(tmp_path, codebook_dict, codes, ["A1", "a2", "A1", "administration"])
    data = read_project_survey(load_project(folder))
    assert not data.errors
    assert list(data.respondents["actor_type"]) == ["administration", "mso", "administration",
                                                    "administration"]


def test_attribute_codes_naming_an_unknown_attribute_or_value_are_problems(tmp_path,
                                                                          codebook_dict):
    codes = {"actor_typ": {"A1": "administration"}, "actor_type": {"A2": "ministry"}}
    folder = _project(tmp_path, codebook_dict, codes, ["A1", "A2", "mso", "mso"])
    messages = [(p.message, p.value) for p in read_project_survey(load_project(folder)).errors]
    assert ("the survey file's 'attribute_codes' names an unknown attribute",
            "actor_typ") in messages
    assert ("the survey file's 'attribute_codes' gives code 'A2' of 'actor_type' an unknown "
            "value", "ministry") in messages
    assert [m for m, v in messages if m == "unknown attribute value"]  # A1 stays unknown


def test_attribute_codes_of_the_wrong_shape_are_a_project_error(tmp_path, codebook_dict):
    folder = _project(tmp_path, codebook_dict, {"actor_type": ["A1", "A2"]},
                      ["mso"] * 4)
    with pytest.raises(ConfigError, match="attribute_codes"):
        load_project(folder)
