"""The run folder: tables stored one file each and read only when a report uses them."""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
import pytest

from evaluation.results import LEVELS, TABLES
from evaluation.results.store import (
    FRAMES_DIR,
    RESULTS_FILE,
    RUN_FILE,
    LazyTables,
    Results,
    RunFolderError,
    cached_key,
    load_results,
    save_results,
)

COUNTS = pd.DataFrame({"site": ["K01", "K02"], "wave": ["w1", "w1"], "n": [7, 9],
                       "invited": [10, 12], "response_rate": [0.7, 0.75]})
SCORES = pd.DataFrame({"respondent": ["P1", "P2", "P3"], "site": ["K01", "K01", "K02"],
                       "wave": "w1", "scale": "trust", "score": [1.5, 2.0, 4.25],
                       "n_items": 3, "n_valid": 3, "n_cannot_judge": 0})


@pytest.fixture
def run_dir(tmp_path):
    results = Results(meta={"project": "Test"},
                      objects={"networks": [{"site": "K01", "wave": "w1"}]},
                      tables={"counts": COUNTS, "scores": SCORES})
    folder = tmp_path / "_run"
    save_results(results, folder, key={"data_sha256": "x"})
    return folder


def test_loading_reads_no_table_until_one_is_used(run_dir):
    results = load_results(run_dir)
    assert isinstance(results.tables, LazyTables)
    assert list(results.tables) == ["counts", "scores"]
    assert "scores" in results.tables
    assert repr(results.tables) == "LazyTables(2 tables, 0 loaded)"
    assert results.tables["counts"]["n"].tolist() == [7, 9]
    assert repr(results.tables) == "LazyTables(2 tables, 1 loaded)"
    assert results.meta == {"project": "Test"}
    assert results.objects == {"networks": [{"site": "K01", "wave": "w1"}]}


def test_tables_come_back_with_their_values_and_dtypes(run_dir):
    results = load_results(run_dir)
    pd.testing.assert_frame_equal(results["scores"], SCORES)
    assert results.tables.get("missing") is None
    with pytest.raises(KeyError):
        results.tables["missing"]


def test_a_loaded_results_object_pickles_with_all_its_tables(run_dir):
    copy = pickle.loads(pickle.dumps(load_results(run_dir)))
    assert type(copy.tables) is dict
    assert sorted(copy.tables) == ["counts", "scores"]


def test_tables_can_be_added_and_removed_in_memory_only(run_dir):
    results = load_results(run_dir)
    results.tables["extra"] = pd.DataFrame({"a": [1]})
    del results.tables["scores"]
    assert list(results.tables) == ["counts", "extra"]
    assert sorted(load_results(run_dir).tables) == ["counts", "scores"]


def test_a_missing_table_file_names_the_file_and_what_to_do(run_dir):
    (run_dir / FRAMES_DIR / "counts.json").unlink()
    with pytest.raises(RunFolderError, match=r"counts\.json.*transfer-eval run"):
        load_results(run_dir).tables["counts"]


def test_a_results_file_of_another_format_is_refused(run_dir):
    (run_dir / RESULTS_FILE).write_text('{"format": 1, "meta": {}}')
    with pytest.raises(RunFolderError, match="not a results file of this version"):
        load_results(run_dir)
    (run_dir / RESULTS_FILE).write_bytes(pickle.dumps(Results(meta={})))
    with pytest.raises(RunFolderError, match="cannot be read"):
        load_results(run_dir)


def test_saving_again_leaves_nothing_of_the_earlier_run(run_dir):
    (run_dir / "charts").mkdir()
    (run_dir / "charts" / "old.json").write_text("{}")
    save_results(Results(meta={}, tables={"counts": COUNTS.head(1)}), run_dir,
                 key={"data_sha256": "y"})
    assert sorted(p.name for p in (run_dir / FRAMES_DIR).iterdir()) == ["counts.json"]
    assert list((run_dir / "charts").iterdir()) == []
    assert cached_key(run_dir) == {"data_sha256": "y"}


def test_a_folder_whose_saving_was_interrupted_is_not_taken_as_complete(run_dir,
                                                                         monkeypatch):
    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("evaluation.results.store.write_atomic", fail)
    with pytest.raises(OSError, match="disk full"):
        save_results(Results(meta={}), run_dir, key={"data_sha256": "z"})
    assert not (run_dir / RUN_FILE).exists()
    assert cached_key(run_dir) is None


def test_tables_of_a_later_save_are_not_mixed_into_results_loaded_before(run_dir):
    results = load_results(run_dir)
    save_results(Results(meta={"project": "Other"},
                         tables={"counts": COUNTS.assign(site=["K09", "K10"])}),
                 run_dir, key={"data_sha256": "y"})
    with pytest.raises(RunFolderError, match="written again after these results were loaded"):
        results.tables["counts"]
    assert load_results(run_dir).tables["counts"]["site"].tolist() == ["K09", "K10"]


def test_loaded_results_can_be_saved_into_their_own_folder(run_dir):
    save_results(load_results(run_dir), run_dir, key={"data_sha256": "x"})
    assert load_results(run_dir).tables["scores"]["score"].tolist() == [1.5, 2.0, 4.25]


def test_a_registered_table_is_found_by_name_and_an_unknown_name_is_refused(run_dir):
    results = load_results(run_dir)
    assert results.table("counts")["n"].tolist() == [7, 9]
    assert results.table("idea_matrix") is None  # registered, but this run has none
    with pytest.raises(RunFolderError, match=r"no table 'count' is registered; .*counts"):
        results.table("count")


def test_saving_an_unregistered_table_or_one_without_its_columns_writes_nothing(tmp_path):
    results = Results(meta={}, tables={"counts": COUNTS.drop(columns=["invited"]),
                                       "my_table": pd.DataFrame({"x": [1]})})
    with pytest.raises(RunFolderError) as caught:
        save_results(results, tmp_path / "_run", key={})
    assert "counts: lacks registered column(s) invited" in str(caught.value)
    assert "my_table: not a registered table" in str(caught.value)
    assert not (tmp_path / "_run").exists()


def test_every_registered_table_names_a_known_level_and_unique_columns():
    for spec in TABLES.values():
        assert spec.level in LEVELS, spec.name
        assert len(set(spec.columns)) == len(spec.columns), spec.name


def test_saving_deletes_only_the_files_a_run_writes(run_dir):
    (run_dir / "tables" / "notes.txt").write_text("mine")
    (run_dir / "my_analysis.R").write_text("mine")
    save_results(load_results(run_dir), run_dir, key={"data_sha256": "x"})
    assert (run_dir / "tables" / "notes.txt").read_text() == "mine"
    assert (run_dir / "my_analysis.R").read_text() == "mine"


class _Payload:
    """Unpickling this writes a file: the proof that a pickle ran code."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (Path(self.marker), "payload ran"))


def test_a_planted_pickle_in_the_run_folder_is_never_run(run_dir, tmp_path):
    marker = tmp_path / "payload-ran"
    planted = pickle.dumps(_Payload(str(marker)))
    (run_dir / "results.pkl").write_bytes(planted)
    (run_dir / FRAMES_DIR / "counts.pkl").write_bytes(planted)
    (run_dir / FRAMES_DIR / "scores.json").write_bytes(planted)  # a table file replaced
    assert cached_key(run_dir) is None  # the changed table is not reused
    results = load_results(run_dir)
    with pytest.raises(RunFolderError, match="cannot be read"):
        results.tables["scores"]
    assert results.tables["counts"]["n"].tolist() == [7, 9]
    assert not marker.exists()


def test_a_table_file_changed_after_the_save_stops_the_cache_from_being_reused(run_dir):
    assert cached_key(run_dir) == {"data_sha256": "x"}
    path = run_dir / FRAMES_DIR / "counts.json"
    path.write_text(path.read_text().replace("7", "8"))
    assert cached_key(run_dir) is None
