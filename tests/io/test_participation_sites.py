"""Participation rows stay within their site: a site's own formats, ideas and ratings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.config import load_project
from evaluation.errors import DataValidationError
from evaluation.io import load_participation
from tests.conftest import tree_sha256


@pytest.fixture
def project(example_copy: Path) -> Path:
    return example_copy


def _edit(path: Path, row: int, column: str, value: str) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row - 2, column] = value  # spreadsheet row: header is row 1
    frame.to_csv(path, index=False, lineterminator="\n")


def _problems(project: Path) -> list[tuple[str, int, str, str]]:
    data = project / "data"
    before = tree_sha256(data)
    with pytest.raises(DataValidationError) as caught:
        load_participation(load_project(project))
    assert tree_sha256(data) == before
    return [(Path(p.file).name, p.row, p.column, p.message) for p in caught.value.problems
            if p.severity == "error"]


def test_an_organisation_of_another_site_at_a_network_meeting_is_named(project: Path) -> None:
    events = pd.read_csv(project / "data" / "events.csv")
    meeting = events[(events["site"] == "K01") & (events["event_type"] == "network_meeting")]
    attendance = pd.read_csv(project / "data" / "attendance.csv")
    row = int(attendance.index[attendance["event"] == meeting["event"].iloc[0]][0]) + 2
    _edit(project / "data" / "attendance.csv", row, "organisation", "K02-O01")
    assert ("attendance.csv", row, "organisation",
            "the organisation belongs to site 'K02'") in _problems(project)


def test_an_idea_from_another_sites_workshop_is_named(project: Path) -> None:
    _edit(project / "data" / "ideas.csv", 2, "event", "K02-w1-IW1")
    assert ("ideas.csv", 2, "event", "the event belongs to site 'K02'") in _problems(project)


def test_a_rating_by_an_organisation_of_another_site_is_named(project: Path) -> None:
    _edit(project / "data" / "idea_ratings.csv", 2, "rater", "K05-O01")
    assert ("idea_ratings.csv", 2, "rater", "the rater belongs to site 'K05'") in \
        _problems(project)
