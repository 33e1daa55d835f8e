"""Project configuration: checks, relative paths, privacy settings."""

from __future__ import annotations

import pytest
import yaml

from evaluation.config import load_project
from evaluation.errors import ConfigError, InputFileError
from tests.conftest import write_project


def _project(tmp_path, codebook_dict, **extra):
    folder = tmp_path / "p"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "survey.csv").write_text("respondent\n", encoding="utf-8")
    return write_project(folder, codebook_dict, [{"path": "data/survey.csv"}], **extra)


def test_paths_in_a_project_file_are_relative_to_the_file(tmp_path, codebook_dict, monkeypatch):
    folder = _project(tmp_path, codebook_dict)
    monkeypatch.chdir(tmp_path)
    project = load_project(folder / "project.yml")
    assert project.survey_files[0].path == (folder / "data" / "survey.csv").resolve()
    assert project.privacy.min_group_size == 5
    assert project.language == "de"
    assert project.site("K01").attributes == {"municipality_type": "county"}


def test_a_path_that_leaves_the_project_folder_is_refused(tmp_path, codebook_dict):
    folder = _project(tmp_path, codebook_dict)
    (tmp_path / "secret.csv").write_text("x\n", encoding="utf-8")
    config = yaml.safe_load((folder / "project.yml").read_text(encoding="utf-8"))
    config["survey"] = [{"path": "../secret.csv"}, {"path": "/etc/passwd"}]
    (folder / "project.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_project(folder)
    messages = [p.message for p in info.value.problems]
    assert messages == ["path leaves the project folder",
                        "paths must be relative to the project file"]


def test_a_minimum_group_size_below_three_is_refused(tmp_path, codebook_dict):
    folder = _project(tmp_path, codebook_dict, privacy={"min_group_size": 2})
    with pytest.raises(ConfigError, match="minimum group size must be an integer of at least 3"):
        load_project(folder)


def test_every_problem_of_a_project_file_is_reported_at_once(tmp_path, codebook_dict):
    folder = _project(tmp_path, codebook_dict, language="fr",
                      participation={"roster": "data/none.csv", "bogus": "x.csv"})
    config = yaml.safe_load((folder / "project.yml").read_text(encoding="utf-8"))
    config["sites"][0]["municipality_type"] = "Großstadt"
    config["sites"][0]["invited"] = {"w7": 3}
    config["survey"][0]["wave"] = "w9"
    (folder / "project.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                        encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_project(folder)
    found = {(p.column, p.message) for p in info.value.problems}
    assert found == {
        ("language", "unsupported report language"),
        ("sites[0].municipality_type", "unknown value"),
        ("sites[0].invited", "unknown wave"),
        ("survey[0].wave", "unknown wave"),
        ("participation.roster", "file not found"),
        ("participation", "unknown participation table"),
    }


def test_a_broken_codebook_is_reported_through_the_project(tmp_path, codebook_dict):
    codebook_dict["challenges"]["challenge_funding"]["reverse"] = True
    folder = _project(tmp_path, codebook_dict)
    with pytest.raises(ConfigError, match="reverse flag on a single challenge item"):
        load_project(folder)


def test_the_instrument_can_be_named_from_the_library_beside_the_project(tmp_path,
                                                                         codebook_dict):
    library = tmp_path / "instruments"
    library.mkdir()
    (library / "small.yml").write_text(yaml.safe_dump(codebook_dict, allow_unicode=True),
                                       encoding="utf-8")
    folder = _project(tmp_path, codebook_dict, instrument="small")
    assert load_project(folder).codebook.name == "small"


# ------------------------------------------------------------------ paths and YAML: hostile input


def _set(folder, **changes):
    config = yaml.safe_load((folder / "project.yml").read_text(encoding="utf-8"))
    config.update(changes)
    (folder / "project.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                        encoding="utf-8")


def _problems(folder):
    with pytest.raises(ConfigError) as info:
        load_project(folder)
    return [(p.column, p.message) for p in info.value.problems]


def test_a_data_file_that_is_a_symlink_to_outside_the_folder_is_refused(tmp_path, codebook_dict):
    folder = _project(tmp_path, codebook_dict)
    (tmp_path / "secret.csv").write_text("respondent\n", encoding="utf-8")
    (folder / "data" / "link.csv").symlink_to(tmp_path / "secret.csv")
    _set(folder, survey=[{"path": "data/link.csv"}])
    assert _problems(folder) == [("survey[0].path", "path leaves the project folder")]


def test_a_symlinked_folder_that_leads_outside_is_refused(tmp_path, codebook_dict):
    folder = _project(tmp_path, codebook_dict)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "roster.csv").write_text("organisation\n", encoding="utf-8")
    (folder / "shared").symlink_to(outside, target_is_directory=True)
    _set(folder, participation={"roster": "shared/roster.csv"},
         branding={"logo": "shared/../elsewhere/roster.csv"})
    assert sorted(_problems(folder)) == [
        ("branding.logo", "path leaves the project folder"),
        ("participation.roster", "path leaves the project folder")]


def test_an_instrument_symlinked_or_named_out_of_the_folder_is_refused(tmp_path, codebook_dict):
    folder = _project(tmp_path, codebook_dict)
    (folder / "book.yml").symlink_to(folder / "codebook.yml")  # inside: fine
    _set(folder, instrument="book.yml")
    assert load_project(folder).codebook.name == "small"
    (tmp_path / "outside.yml").write_text((folder / "codebook.yml").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    (folder / "book.yml").unlink()
    (folder / "book.yml").symlink_to(tmp_path / "outside.yml")
    assert ("instrument", "path leaves the project folder") in _problems(folder)
    _set(folder, instrument="../outside.yml")
    assert ("instrument", "path leaves the project folder") in _problems(folder)


def test_a_symlink_that_stays_inside_the_folder_is_accepted(tmp_path, codebook_dict):
    folder = _project(tmp_path, codebook_dict)
    (folder / "data" / "current.csv").symlink_to(folder / "data" / "survey.csv")
    _set(folder, survey=[{"path": "data/current.csv"}])
    assert load_project(folder).survey_files[0].path == (folder / "data" / "survey.csv")


@pytest.mark.parametrize("tagged", [
    "project: !!python/object/apply:os.system ['echo hacked']\n",
    "project: !!python/name:os.system\n",
    "project: !!python/object/new:subprocess.Popen [['echo', 'hacked']]\n",
    "project: !include ../secret.yml\n",
])
def test_yaml_tags_in_a_project_file_are_refused(tmp_path, codebook_dict, tagged):
    folder = _project(tmp_path, codebook_dict)
    text = (folder / "project.yml").read_text(encoding="utf-8")
    (folder / "project.yml").write_text(tagged + text.replace("project:", "meta:", 1),
                                        encoding="utf-8")
    with pytest.raises(InputFileError, match="invalid YAML"):
        load_project(folder)


def test_a_repeated_key_in_a_project_file_is_refused(tmp_path, codebook_dict):
    folder = _project(tmp_path, codebook_dict)
    text = (folder / "project.yml").read_text(encoding="utf-8")
    (folder / "project.yml").write_text(text + "instrument: ../elsewhere.yml\n",
                                        encoding="utf-8")
    with pytest.raises(InputFileError, match="duplicate key 'instrument'"):
        load_project(folder)


def test_a_one_wave_project_needs_no_wave_settings(tmp_path, codebook_dict):
    folder = write_project(tmp_path / "p", codebook_dict, [{"path": "data.csv"}])
    config = yaml.safe_load((folder / "project.yml").read_text(encoding="utf-8"))
    del config["waves"]
    for site in config["sites"]:
        site.pop("invited", None)
    (folder / "project.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (folder / "data.csv").write_text("respondent,site\n", encoding="utf-8")
    project = load_project(folder)
    assert [w.key for w in project.waves] == ["w1"]
    assert project.survey_files[0].wave == "w1"


@pytest.mark.parametrize(("value", "ok"), [("listwise", True), ("pairwise", True),
                                           ("complete", False)])
def test_the_handling_of_missing_items_in_omega_is_a_checked_project_setting(tmp_path,
                                                                            codebook_dict,
                                                                            value, ok):
    folder = write_project(tmp_path / "p", codebook_dict, [{"path": "data.csv", "wave": "w1"}],
                           analysis={"missing_items": value})
    (folder / "data.csv").write_text("respondent,site\n", encoding="utf-8")
    if ok:
        assert load_project(folder).missing_items == value
    else:
        with pytest.raises(ConfigError, match="unknown handling of missing items"):
            load_project(folder)


def test_group_comparisons_name_respondent_attributes_of_the_codebook(tmp_path, codebook_dict):
    folder = write_project(tmp_path / "p", codebook_dict, [{"path": "data.csv", "wave": "w1"}],
                           analysis={"compare_by": ["employment", "actor_typ"]})
    (folder / "data.csv").write_text("respondent,site\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'actor_type'"):
        load_project(folder)


def _eye_level(tmp_path, codebook_dict, **analysis):
    folder = write_project(tmp_path / "p", codebook_dict, [{"path": "data.csv", "wave": "w1"}],
                           analysis=analysis)
    (folder / "data.csv").write_text("respondent,site\n", encoding="utf-8")
    project = load_project(folder)
    return project.eye_level_by, project.eye_level_scales


def test_the_eye_level_comparison_is_the_default_instruments_unless_configured(
        tmp_path, codebook_dict):
    assert _eye_level(tmp_path / "a", codebook_dict) == (("employment", "actor_type"),
                                                          ("trust", "benefit"))
    assert _eye_level(tmp_path / "b", codebook_dict, eye_level=False) == ((), ())
    assert _eye_level(tmp_path / "c", codebook_dict, eye_level={
        "by": ["actor_type"], "scales": ["synergy"]}) == (("actor_type",), ("synergy",))
    del codebook_dict["attributes"]["respondent"]["employment"]  # an own instrument
    assert _eye_level(tmp_path / "d", codebook_dict) == ((), ())


def test_an_eye_level_comparison_naming_unknown_attributes_or_scales_is_refused(
        tmp_path, codebook_dict):
    with pytest.raises(ConfigError) as raised:
        _eye_level(tmp_path, codebook_dict, eye_level={"by": ["actor_typ"],
                                                      "scales": ["trust", "trsut"]})
    text = str(raised.value)
    assert "analysis.eye_level.by" in text
    assert "did you mean 'actor_type'" in text
    assert "analysis.eye_level.scales" in text
    assert "did you mean 'trust'" in text


def test_sites_spelled_alike_but_for_case_are_refused(tmp_path, codebook_dict):
    folder = write_project(tmp_path / "p", codebook_dict, [{"path": "data.csv", "wave": "w1"}],
                           sites=[{"key": "K01", "name": "Bad Homburg"},
                                  {"key": "K02", "name": "bad  homburg"}])
    (folder / "data.csv").write_text("respondent,site\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is spelled like site 'K01'"):
        load_project(folder)
