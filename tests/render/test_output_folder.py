"""A run writes only where it may: refused folders, the marker, the lock, contained paths."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import evaluation.pipeline as pipeline
from evaluation.cli import main
from evaluation.errors import ConfigError, OutputFolderError
from evaluation.render import (
    MARKER,
    check_output_file,
    check_output_folder,
    inside,
    is_ours,
    locked,
    mark,
)
from tests.conftest import SMALL_CODEBOOK, tree_sha256, write_project


@pytest.fixture
def project(example_copy: Path) -> Path:
    return example_copy


def _check(out: Path, project: Path) -> Path:
    inputs = [project / "project.yml", *sorted((project / "data").glob("*"))]
    return check_output_folder(out, project_dir=project, inputs=inputs)


@pytest.mark.parametrize(("where", "reason"), [
    ("root", "root of the file system"),
    ("home", "your home folder"),
    ("project", "inside the project folder"),
    ("data", "inside the project folder"),
    ("ancestor", "holds the input file"),
])
def test_a_folder_that_holds_data_or_is_a_system_place_is_refused(
        project: Path, where: str, reason: str) -> None:
    out = {"root": Path("/"), "home": Path.home(), "project": project,
           "data": project / "data", "ancestor": project.parent}[where]
    with pytest.raises(OutputFolderError, match=reason):
        _check(out, project)


def test_a_foreign_folder_with_files_is_refused_and_left_as_it_was(project: Path,
                                                                  tmp_path: Path) -> None:
    own = tmp_path / "my_documents"
    own.mkdir()
    (own / "index.html").write_text("my own page")
    (own / "manifest.json").write_text("{}")
    before = tree_sha256(own)
    with pytest.raises(OutputFolderError, match="not empty and was not written by"):
        _check(own, project)
    assert tree_sha256(own) == before


def test_a_file_given_as_output_folder_is_refused(project: Path, tmp_path: Path) -> None:
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(OutputFolderError, match="is a file"):
        _check(tmp_path / "a_file", project)


def test_new_empty_marked_and_earlier_output_folders_are_accepted(project: Path,
                                                                  tmp_path: Path) -> None:
    assert _check(tmp_path / "new", project) == (tmp_path / "new").resolve()
    (tmp_path / "empty").mkdir()
    assert _check(tmp_path / "empty", project).is_dir()
    marked = tmp_path / "marked"
    marked.mkdir()
    mark(marked, complete=True, version="0")
    (marked / "index.html").write_text("old")
    assert is_ours(marked)
    assert _check(marked, project) == marked.resolve()
    earlier = tmp_path / "earlier"  # written before the marker existed
    (earlier / "_run").mkdir(parents=True)
    (earlier / "_run" / "run.json").write_text("{}")
    (earlier / "manifest.json").write_text(json.dumps(
        {"data_sha256": "x", "outputs": {}, "versions": {}}))
    assert _check(earlier, project) == earlier.resolve()


def test_an_output_file_may_not_be_an_input_or_lie_in_the_project(project: Path,
                                                                  tmp_path: Path) -> None:
    survey = project / "data" / "survey_w1.csv"
    for target in (survey, project / "export.csv"):
        with pytest.raises(OutputFolderError, match="inside the project folder"):
            check_output_file(target, project_dir=project, inputs=[survey])
    with pytest.raises(OutputFolderError, match="does not exist"):
        check_output_file(tmp_path / "nowhere" / "x.csv", project_dir=project, inputs=[])
    assert check_output_file(tmp_path / "x.csv", project_dir=project, inputs=[survey]).name \
        == "x.csv"


def test_a_path_that_leaves_the_output_folder_is_refused(tmp_path: Path) -> None:
    assert inside(tmp_path, "partner/K01.html") == (tmp_path / "partner" / "K01.html").resolve()
    with pytest.raises(OutputFolderError, match="outside the output folder"):
        inside(tmp_path, "partner/../../ESCAPED/K01.html")


def test_a_second_run_into_a_locked_folder_stops_at_once(tmp_path: Path) -> None:
    with locked(tmp_path), pytest.raises(OutputFolderError, match="another run is writing"), \
            locked(tmp_path):
        pass
    with locked(tmp_path):  # released again
        pass


def test_a_site_key_that_could_leave_the_folder_is_refused_on_load(tmp_path: Path) -> None:
    folder = write_project(tmp_path, copy.deepcopy(SMALL_CODEBOOK), [],
                           sites=[{"key": "../../ESCAPED/K01", "name": "Escaped"}])
    with pytest.raises(ConfigError, match="a site key names the site's report files"):
        pipeline.load_project(folder)


def test_a_run_stopped_half_way_leaves_a_folder_that_says_it_is_incomplete(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    mark(out, complete=True, version="0")
    (out / "manifest.json").write_text('{"old": true}')

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "_write_outputs", stopped)
    with pytest.raises(KeyboardInterrupt):
        pipeline.run_pipeline(project, out)
    assert not (out / "manifest.json").exists()
    assert json.loads((out / MARKER).read_text())["complete"] is False
    assert "Lauf unvollständig" in (out / "index.html").read_text(encoding="utf-8")


def test_the_cli_refuses_to_export_over_a_raw_survey_file(project: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys) -> None:
    monkeypatch.setenv("TRANSFER_EVAL_KEY", "0123456789abcdef0123456789abcdef")
    before = tree_sha256(project)
    code = main(["export", str(project), "--out", str(project / "data" / "survey_w1.csv")])
    assert code == 2
    assert "inside the project folder" in capsys.readouterr().err
    assert tree_sha256(project) == before


def test_the_cli_refuses_a_foreign_output_folder_with_a_usage_error(project: Path,
                                                                   tmp_path: Path,
                                                                   capsys) -> None:
    own = tmp_path / "home_like"
    own.mkdir()
    (own / "index.html").write_text("mine")
    assert main(["run", str(project), "--out", str(own)]) == 2
    assert "was not written by transfer-evaluation" in capsys.readouterr().err
    assert (own / "index.html").read_text() == "mine"


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_incomplete_page_is_a_self_contained_page_with_one_heading(language: str) -> None:
    from evaluation.render import htmlcheck, incomplete_index_html

    page = incomplete_index_html(language)
    assert f'<html lang="{language}">' in page
    assert "Content-Security-Policy" in page
    assert htmlcheck.heading_problems(page) == []
    assert htmlcheck.external_urls(page) == []
    assert page.count("<h1>") == 1


def test_a_symbolic_link_inside_an_output_folder_stops_the_run(project: Path,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "_run").mkdir(parents=True)
    mark(out, complete=True, version="0")
    (out / "_run" / "tables").symlink_to(project / "data")
    before = tree_sha256(project)
    with pytest.raises(OutputFolderError, match="holds the symbolic link"):
        _check(out, project)
    assert main(["run", str(project), "--out", str(out)]) == 2
    assert tree_sha256(project) == before


def test_an_existing_export_file_is_replaced_only_with_force(project: Path,
                                                             tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputFolderError, match="the file exists"):
        check_output_file(tmp_path / "notes.txt", project_dir=project, inputs=[])
    assert check_output_file(tmp_path / "notes.txt", project_dir=project, inputs=[],
                             overwrite=True).name == "notes.txt"


def test_partial_outputs_over_changed_data_leave_the_folder_marked_incomplete(
        project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "_run").mkdir(parents=True)
    mark(out, complete=True, version="0")
    (out / "manifest.json").write_text('{"old": true}')
    (out / "index.html").write_text("old overview")
    # the results must be computed (nothing to reuse): earlier reports no longer match
    assert main(["partners", str(project), "--out", str(out)]) == 0
    assert (out / "learning_partners" / "tandems.csv").is_file()
    assert not (out / "manifest.json").exists()
    assert json.loads((out / MARKER).read_text())["complete"] is False
    assert "Lauf unvollständig" in (out / "index.html").read_text(encoding="utf-8")
    # with the results reused, a partial command leaves the folder as it was: incomplete
    # until a full run, which then marks it complete
    assert main(["partners", str(project), "--out", str(out)]) == 0
    assert json.loads((out / MARKER).read_text())["complete"] is False
