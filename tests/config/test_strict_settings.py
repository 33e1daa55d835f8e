"""Settings are checked, not guessed: unknown keys with a hint, types, ranges, collisions."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from evaluation.config import load_project
from evaluation.config.yamlio import load_yaml
from evaluation.errors import ConfigError, InputFileError
from tests.conftest import SMALL_CODEBOOK, write_project


def _problems(tmp_path: Path, survey_options: dict | None = None, **extra) -> list[str]:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "w1.csv").write_text("respondent,site,wave\n", encoding="utf-8")
    survey = [{"path": "data/w1.csv", "format": "csv", "wave": "w1", **(survey_options or {})}]
    folder = write_project(tmp_path, copy.deepcopy(SMALL_CODEBOOK), survey, **extra)
    with pytest.raises(ConfigError) as caught:
        load_project(folder)
    return [str(p) for p in caught.value.problems]


def _one(problems: list[str], text: str) -> str:
    found = [p for p in problems if text in p]
    assert len(found) == 1, problems
    return found[0]


def test_a_misspelt_privacy_setting_is_named_with_the_setting_it_likely_means(tmp_path):
    problem = _one(_problems(tmp_path, privacy={"min_group_sise": 10}), "min_group_sise")
    assert "unknown setting; did you mean 'min_group_size'?" in problem


@pytest.mark.parametrize(("wrong", "right"), [("encodng", "encoding"),
                                              ("delimeter", "delimiter")])
def test_a_misspelt_survey_option_is_named_with_the_option_it_likely_means(tmp_path, wrong,
                                                                          right):
    problem = _one(_problems(tmp_path, {wrong: "x"}), wrong)
    assert f"did you mean {right!r}?" in problem


def test_a_missing_code_that_is_a_valid_answer_is_refused(tmp_path):
    problem = _one(_problems(tmp_path, {"missing_codes": {3: "no_answer"}}), "missing_codes.3")
    assert "valid answer of the response scale" in problem


@pytest.mark.parametrize(("options", "text"), [
    ({"blank": "valid"}, "an empty cell must mean a missing category"),
    ({"missing_codes": {-9: "nothing"}}, "unknown missing category"),
    ({"encoding": "utf-9"}, "unknown text encoding"),
    ({"delimiter": "x"}, "unusual delimiter"),
    ({"missing_codes": "-9"}, "expected a mapping 'code: category'"),
])
def test_survey_options_outside_their_values_are_refused(tmp_path, options, text):
    _one(_problems(tmp_path, options), text)


@pytest.mark.parametrize("env", ["PATH", "HOME", "LC_ALL", "PYTHONPATH", "lower_case"])
def test_an_environment_variable_the_system_sets_is_no_pseudonym_key(tmp_path, env):
    problem = _one(_problems(tmp_path, privacy={"pseudonym_key_env": env}),
                   "privacy.pseudonym_key_env")
    assert "not one the system sets" in problem


def test_editions_given_as_a_string_are_one_clear_problem(tmp_path):
    problems = _problems(tmp_path, outputs={"editions": "partner"})
    _one(problems, "expected a list of editions")
    assert not any("unknown edition" in p for p in problems)


def test_a_logo_that_is_no_image_is_refused(tmp_path):
    (tmp_path / "logo.png").write_text("site,name\nK01,Lindenau\n", encoding="utf-8")
    _one(_problems(tmp_path, branding={"logo": "logo.png"}), "is not a PNG, JPEG, GIF or SVG")


def test_a_section_that_is_no_mapping_is_a_problem_not_a_traceback(tmp_path):
    _one(_problems(tmp_path, privacy=5), "expected a mapping")


def test_every_problem_of_a_project_file_is_reported_in_one_pass(tmp_path):
    problems = _problems(tmp_path, {"encodng": "utf-8", "missing_codes": {3: "no_answer"}},
                         privacy={"min_group_sise": 10, "pseudonym_key_env": "PATH"},
                         outputs={"editions": "partner"})
    assert len(problems) == 5, problems


def _yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "file.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_billion_laughs_file_is_refused_before_it_is_built(tmp_path):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    with pytest.raises(InputFileError, match="expands to more than 1,000,000 values"):
        load_yaml(_yaml(tmp_path, "\n".join(lines) + "\n"))


def test_deep_nesting_a_list_as_key_and_an_impossible_date_are_named(tmp_path):
    with pytest.raises(InputFileError, match="nested deeper than 50 levels"):
        load_yaml(_yaml(tmp_path, "a: " + "[" * 3000 + "]" * 3000 + "\n"))
    with pytest.raises(InputFileError, match=r"a list cannot be a key \(line 1\)"):
        load_yaml(_yaml(tmp_path, "? [1, 2]\n: x\n"))
    assert load_yaml(_yaml(tmp_path, "report_date: 2026-13-45\n")) == {
        "report_date": "2026-13-45"}


def test_an_impossible_report_date_is_a_problem_of_the_project_file(tmp_path):
    problem = _one(_problems(tmp_path, project={"name": "P", "report_date": "2026-13-45"}),
                   "project.report_date")
    assert "not a date" in problem
