"""Provenance: data hash, versions, the report date, the manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil

import pytest

from evaluation.render.provenance import (
    DEFAULT_SOURCE_DATE,
    ProvenanceError,
    data_hash,
    manifest,
    manifest_json,
    source_date,
    versions,
)


@pytest.fixture
def data_folder(tmp_path):
    folder = tmp_path / "project" / "data"
    (folder / "wave1").mkdir(parents=True)
    (folder / "wave1" / "survey.csv").write_bytes(b"id;q1\n1;4\n")
    (folder / "roster.csv").write_bytes(b"org;type\nA;MSO\n")
    return folder


def test_the_data_hash_does_not_depend_on_where_the_project_lies(data_folder, tmp_path):
    moved = tmp_path / "elsewhere" / "data"
    shutil.copytree(data_folder, moved)
    assert data_hash([data_folder]) == data_hash([moved])


def test_the_data_hash_does_not_depend_on_the_order_the_files_are_given(data_folder):
    files = [data_folder / "roster.csv", data_folder / "wave1" / "survey.csv"]
    assert data_hash(files) == data_hash(list(reversed(files)))
    assert data_hash([data_folder]) == data_hash(files)  # a folder is walked recursively


def test_the_data_hash_changes_when_a_byte_changes(data_folder):
    before = data_hash([data_folder])
    (data_folder / "roster.csv").write_bytes(b"org;type\nA;MSP\n")
    assert data_hash([data_folder]) != before


def test_the_data_hash_changes_when_a_file_is_renamed(data_folder):
    before = data_hash([data_folder])
    (data_folder / "roster.csv").rename(data_folder / "roster2.csv")
    assert data_hash([data_folder]) != before


def test_the_data_hash_of_one_file_matches_a_hand_computation(tmp_path):
    # hand computation of the documented stream: header, then per file the length-prefixed
    # relative path, the size and the bytes
    path = tmp_path / "a.csv"
    path.write_bytes(b"x\n")
    stream = (b"evaluation-data-hash-v1 1\n" + (5).to_bytes(8, "big") + b"a.csv"
              + (2).to_bytes(8, "big") + b"x\n")
    assert data_hash([path]) == hashlib.sha256(stream).hexdigest()


def test_a_missing_data_file_is_named_in_the_error(tmp_path):
    with pytest.raises(ProvenanceError, match=r"missing\.csv"):
        data_hash([tmp_path / "missing.csv"])


def test_a_file_outside_the_given_root_is_an_error(data_folder, tmp_path):
    with pytest.raises(ProvenanceError, match="outside the root"):
        data_hash([data_folder / "roster.csv"], root=tmp_path / "other")


def test_versions_name_python_and_the_packages_that_shape_a_report():
    found = versions()
    for name in ("python", "evaluation", "pandas", "numpy", "scipy", "statsmodels",
                 "matplotlib", "nbconvert", "papermill"):
        assert found[name]
        assert found[name] != "not installed"


def test_source_date_epoch_wins_over_the_configured_date():
    got = source_date(dt.date(2025, 11, 21), environ={"SOURCE_DATE_EPOCH": "1700000000"})
    assert got == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)


def test_the_configured_report_date_is_used_without_source_date_epoch():
    assert source_date(dt.date(2025, 11, 21), environ={}) == dt.datetime(
        2025, 11, 21, tzinfo=dt.UTC)


def test_without_any_date_a_fixed_default_is_used_and_never_the_clock():
    assert source_date(None, environ={}) == DEFAULT_SOURCE_DATE
    assert source_date(None, environ={"SOURCE_DATE_EPOCH": ""}) == DEFAULT_SOURCE_DATE


@pytest.mark.parametrize("raw", ["yesterday", "1.5", "-3"])
def test_a_malformed_source_date_epoch_is_an_error_naming_the_value(raw):
    with pytest.raises(ProvenanceError, match="SOURCE_DATE_EPOCH"):
        source_date(None, environ={"SOURCE_DATE_EPOCH": raw})


def test_the_manifest_is_json_with_sorted_keys_and_the_same_text_every_time():
    when = dt.datetime(2025, 11, 21, tzinfo=dt.UTC)
    record = manifest(parameters={"site": "K01", "n": 3}, data_sha256="ab" * 32,
                      source_date=when, versions={"python": "3.11"}, site="K01", wave="w1")
    text = manifest_json(record)
    assert text == manifest_json(manifest(parameters={"n": 3, "site": "K01"},
                                          data_sha256="ab" * 32, source_date=when,
                                          versions={"python": "3.11"}, wave="w1",
                                          site="K01"))
    loaded = json.loads(text)
    assert loaded["generated"] == "2025-11-21T00:00:00+00:00"
    assert loaded["parameters"] == {"n": 3, "site": "K01"}
    assert list(loaded) == sorted(loaded)
    assert text.endswith("\n")


def test_the_manifest_records_installed_versions_by_default():
    record = manifest(parameters={}, data_sha256=None, source_date=DEFAULT_SOURCE_DATE)
    assert record["versions"]["nbconvert"] == versions()["nbconvert"]
