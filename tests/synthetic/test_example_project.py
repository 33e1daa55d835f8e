"""The synthetic example project: current, loadable, shaped as documented, and its dirty copy
reports every planted error at the right file, row and column.

Statistical recovery of the planted effects is tested with the analyses themselves; here only
the shape of the data and the readers' reports are checked.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from evaluation.config import Project, load_project
from evaluation.errors import Problem
from evaluation.io.ingest import SurveyData, read_project_survey
from evaluation.io.participation import ParticipationData, read_participation
from evaluation.synthetic import PLANTED_ERRORS_FILE, PlantedError, generate_dirty, generate_example

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"
EXAMPLE = SURVEYS / "example"
DIRTY = SURVEYS / "example-dirty"

# what the readers say about each kind of planted error (a fragment of the message)
MESSAGES = {
    "out_of_range": "outside the response scale",
    "decimal_answer": "outside the response scale",
    "unknown_site": "unknown site",
    "unknown_wave": "unknown wave",
    "duplicate_respondent": "appears twice",
    "extra_column": "column not in the codebook",
    "missing_column": "codebook item not found",
    "unknown_attribute_value": "unknown attribute value",
    "numeric_out_of_range": "valid range",
    "unknown_organisation": "missing from the roster",
    "unknown_event": "unknown event",
    "empty_file": "empty",
    "undecodable_text": "not valid utf-8",
}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _differences(expected: Path, actual: Path) -> list[str]:
    a, b = _files(expected), _files(actual)
    return sorted({name for name in a.keys() | b.keys() if a.get(name) != b.get(name)})


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[PlantedError]]:
    """A fresh generation beside a copy of the instrument library."""
    root = tmp_path_factory.mktemp("surveys")
    shutil.copytree(SURVEYS / "instruments", root / "instruments")
    generate_example(root / "example")
    planted = generate_dirty(root / "example", root / "example-dirty")
    return root / "example", root / "example-dirty", planted


@pytest.fixture(scope="module")
def example() -> tuple[Project, SurveyData, ParticipationData]:
    project = load_project(EXAMPLE)
    return project, read_project_survey(project), read_participation(project)


@pytest.fixture(scope="module")
def dirty_problems() -> list[Problem]:
    project = load_project(DIRTY)  # file-level errors must not stop the project from loading
    return read_project_survey(project).problems + read_participation(project).problems


# -- the committed example is current -------------------------------------------------


def test_the_generator_gives_byte_identical_files_on_every_run(
        fresh: tuple[Path, Path, list[PlantedError]], tmp_path: Path) -> None:
    shutil.copytree(SURVEYS / "instruments", tmp_path / "instruments")
    generate_example(tmp_path / "again")
    generate_dirty(tmp_path / "again", tmp_path / "again-dirty")
    assert _differences(fresh[0], tmp_path / "again") == []
    assert _differences(fresh[1], tmp_path / "again-dirty") == []


def test_the_committed_example_equals_a_fresh_generation_byte_for_byte(
        fresh: tuple[Path, Path, list[PlantedError]]) -> None:
    differences = _differences(EXAMPLE, fresh[0])
    assert differences == [], ("surveys/example is out of date; regenerate it with "
                               f"`python -m evaluation.synthetic` (differs: {differences})")


def test_the_committed_dirty_copy_equals_a_fresh_generation_byte_for_byte(
        fresh: tuple[Path, Path, list[PlantedError]]) -> None:
    differences = _differences(DIRTY, fresh[1])
    assert differences == [], ("surveys/example-dirty is out of date; regenerate it with "
                               f"`python -m evaluation.synthetic` (differs: {differences})")


# -- the example as documented ---------------------------------------------------------


def test_the_example_loads_without_errors_or_warnings(
        example: tuple[Project, SurveyData, ParticipationData]) -> None:
    _, survey, participation = example
    assert [str(p) for p in survey.problems] == []
    assert [str(p) for p in participation.problems] == []
    assert set(participation.tables) == {"roster", "events", "attendance", "ties", "ideas",
                                         "idea_ratings", "goals"}


def test_the_example_is_labelled_synthetic_and_uses_the_default_instrument(
        example: tuple[Project, SurveyData, ParticipationData]) -> None:
    project, _, _ = example
    assert project.synthetic is True
    assert project.codebook.name == "default"
    assert project.report_date is not None
    assert project.report_date.isoformat() == "2026-11-01"
    assert "ALL data" in (EXAMPLE / "README.md").read_text(encoding="utf-8")


def test_the_example_has_18_sites_and_3_waves_with_15_to_60_respondents_except_k18_in_w2(
        example: tuple[Project, SurveyData, ParticipationData]) -> None:
    project, survey, _ = example
    assert project.site_keys == tuple(f"K{i:02d}" for i in range(1, 19))
    assert project.wave_keys == ("w1", "w2", "w3")
    counts = survey.respondents.groupby(["site", "wave"]).size()
    assert len(counts) == 18 * 3
    assert counts["K18", "w2"] == 3
    others = counts.drop(("K18", "w2"))
    assert others.between(15, 60).all(), others[~others.between(15, 60)]
    for site in project.sites:
        assert set(site.invited) == {"w1", "w2", "w3"}
        for wave, n in site.invited.items():
            assert n >= counts[site.key, wave]


def test_the_survey_files_hold_every_codebook_item_in_codebook_order(
        example: tuple[Project, SurveyData, ParticipationData]) -> None:
    project, _, _ = example
    for wave in project.wave_keys:
        header = (EXAMPLE / "data" / f"survey_{wave}.csv").read_text(
            encoding="utf-8").split("\n", 1)[0].split(",")
        assert header == ["respondent", "site", "wave", "actor_type", "employment",
                          "decision_role", "years_in_network", *project.codebook.items]


def test_panel_respondents_reappear_in_the_next_wave_with_the_same_code(
        example: tuple[Project, SurveyData, ParticipationData]) -> None:
    project, survey, _ = example
    resp = survey.respondents
    for before, after in zip(project.wave_keys, project.wave_keys[1:], strict=False):
        earlier = resp[resp["wave"] == before].set_index("respondent")
        later = resp[resp["wave"] == after].set_index("respondent")
        linked = earlier.index.intersection(later.index)
        assert 0.5 <= len(linked) / len(earlier) <= 0.65
        # a panel member stays in the same site with the same actor type
        assert (earlier.loc[linked, "site"] == later.loc[linked, "site"]).all()
        assert (earlier.loc[linked, "actor_type"] == later.loc[linked, "actor_type"]).all()
        per_site = later.loc[linked].groupby("site").size()
        assert set(per_site.index) == set(project.site_keys)


def test_dropped_out_organisations_stop_appearing_in_ties_and_attendance_after_leaving(
        example: tuple[Project, SurveyData, ParticipationData]) -> None:
    project, _, participation = example
    roster = participation.roster.set_index("organisation")
    left = roster["left"].dropna()
    assert left.groupby(roster.loc[left.index, "site"]).size().to_dict() == {
        "K03": 5, "K09": 1, "K11": 4, "K16": 1}
    wave_date = {w.key: pd.Timestamp(w.date) for w in project.waves}
    ties = participation.ties.assign(date=participation.ties["wave"].map(wave_date))
    attendance = participation.attendance.merge(participation.events[["event", "date"]],
                                                on="event")
    for organisation, day in left.items():
        in_ties = ties[(ties["ego"] == organisation) | (ties["alter"] == organisation)]
        assert (in_ties["date"] < day).all(), organisation
        assert len(in_ties) > 0, organisation  # they took part before leaving
        attended = attendance[attendance["organisation"] == organisation]
        assert (attended["date"] < day).all(), organisation
    joined = roster["joined"]
    assert (ties["date"] >= ties["ego"].map(joined)).all()
    assert (ties["date"] >= ties["alter"].map(joined)).all()
    assert (attendance["date"] >= attendance["organisation"].map(joined)).all()


def test_every_site_with_idea_workshops_has_a_quick_win(
        example: tuple[Project, SurveyData, ParticipationData]) -> None:
    project, _, participation = example
    means = participation.idea_ratings.groupby("idea")[["feasibility", "impact"]].mean()
    raters = participation.idea_ratings.groupby("idea").size()
    assert raters.between(5, 8).all()  # at least k = 5: the reports show them
    ideas = participation.ideas.set_index("idea")
    quick = means[(means["feasibility"] >= 4) & (means["impact"] >= 4)]
    sites_with_workshops = set(participation.events.loc[
        participation.events["event_type"] == "idea_workshop", "site"])
    assert sites_with_workshops == set(project.site_keys) - {"K04", "K13", "K18"}
    assert set(ideas.loc[quick.index, "site"]) == sites_with_workshops
    assert ideas.groupby("site").size().between(6, 12).all()
    assert {"K01-I03", "K01-I09"} <= set(quick.index)  # as the README documents


def test_the_example_stays_small(example: tuple[Project, SurveyData, ParticipationData]) -> None:
    assert sum(len(b) for b in _files(EXAMPLE).values()) < 3_000_000


# -- the dirty copy --------------------------------------------------------------------


def _reports(problem: Problem, planted: PlantedError) -> bool:
    if problem.severity != "error":
        return False
    if Path(problem.file).resolve() != (DIRTY / planted.file).resolve():
        return False
    if problem.column != planted.column:
        return False
    if problem.row != planted.row:
        return False
    return MESSAGES[planted.kind] in problem.message.lower()


def test_the_dirty_copy_plants_one_error_of_each_kind(
        fresh: tuple[Path, Path, list[PlantedError]]) -> None:
    planted = fresh[2]
    assert sorted(p.kind for p in planted) == sorted(
        [*MESSAGES, "out_of_range"])  # out of range twice: 7 and 0
    assert {p.value for p in planted if p.kind == "out_of_range"} == {"7", "0"}


def test_every_planted_error_is_reported_at_its_file_row_and_column(
        fresh: tuple[Path, Path, list[PlantedError]], dirty_problems: list[Problem]) -> None:
    missed = [p for p in fresh[2] if not any(_reports(q, p) for q in dirty_problems)]
    assert missed == []


def test_the_dirty_copy_reports_no_error_that_was_not_planted(
        fresh: tuple[Path, Path, list[PlantedError]], dirty_problems: list[Problem]) -> None:
    unplanted = [str(q) for q in dirty_problems
                 if q.severity == "error" and not any(_reports(q, p) for p in fresh[2])]
    assert unplanted == []


def test_planted_errors_md_lists_every_planted_error(
        fresh: tuple[Path, Path, list[PlantedError]]) -> None:
    table = [line for line in (DIRTY / PLANTED_ERRORS_FILE).read_text(
        encoding="utf-8").splitlines() if line.startswith("| ") and "`data/" in line]
    assert len(table) == len(fresh[2])
    for line, planted in zip(table, fresh[2], strict=True):
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[1] == f"`{planted.file}`"
        assert cells[2] == ("—" if planted.row is None else str(planted.row))
        assert cells[3] == ("—" if planted.column is None else f"`{planted.column}`")
        assert cells[4] == planted.kind
