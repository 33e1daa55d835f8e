"""Privacy rules: pseudonyms, suppression, pool exclusion, free text, k-anonymous microdata.

Reference values: the pseudonym of ``R0001`` under the key ``example-key-0123456789`` is
``printf R0001 | openssl dgst -sha256 -hmac example-key-0123456789`` (OpenSSL 3), first 16
hex characters, prefixed ``P``. Whether a hidden cell can be recovered from the published
cells and totals is decided by linear programming (scipy's HiGHS): the minimum and the
maximum of the cell subject to every published number and ``cell >= 0``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from evaluation import privacy as P
from evaluation.config import Privacy, load_project
from evaluation.errors import (
    DisclosureError,
    EvaluationError,
    PrivacyError,
    PseudonymKeyError,
    PseudonymKeyMissing,
)
from evaluation.io import SurveyData, export_microdata, load_survey, write_csv_atomic
from tests.conftest import EXAMPLE

KEY = b"example-key-0123456789"
OTHER_KEY = b"another-key-9876543210"


@pytest.fixture(scope="module")
def example() -> SurveyData:
    return load_survey(load_project(EXAMPLE))


# -- pseudonyms ------------------------------------------------------------------------------


def test_pseudonym_matches_the_openssl_hmac_of_the_identifier() -> None:
    # printf R0001 | openssl dgst -sha256 -hmac example-key-0123456789
    # -> 61bddfde7117a2465f5868133806f43f58f87c630df06dd2b415fd0f5551cb56
    assert P.pseudonymise(pd.Series(["R0001"]), KEY).tolist() == ["P61bddfde7117a246"]


def test_pseudonym_is_stable_across_calls_and_waves() -> None:
    wave1 = pd.Series(["R0001", "R0002", "R0003"], name="respondent")
    wave2 = pd.Series(["R0003", " R0001 ", "R0009"], index=[10, 11, 12], name="respondent")
    first, second = P.pseudonymise(wave1, KEY), P.pseudonymise(wave2, KEY)
    assert first.tolist() == P.pseudonymise(wave1, KEY).tolist()
    assert second[11] == first[0]
    assert second[10] == first[2]
    assert list(second.index) == [10, 11, 12]
    assert second.name == "respondent"
    assert all(pd.Series(first).str.fullmatch(r"P[0-9a-f]{16}"))
    assert first.nunique() == 3


def test_pseudonym_differs_with_another_key() -> None:
    ids = pd.Series(["R0001", "anna.schmidt@lindwarden.de"])
    assert not set(P.pseudonymise(ids, KEY)) & set(P.pseudonymise(ids, OTHER_KEY))


def test_missing_identifiers_stay_missing_and_numbers_read_as_text() -> None:
    out = P.pseudonymise(pd.Series(["17", 17.0, None, np.nan, " "]), KEY)
    assert out[0] == out[1]
    assert out[2:].isna().all()


@pytest.mark.parametrize("ids", [["anna.schmidt@lindwarden.de"], ["Anna Schmidt"],
                                 ["Schmidt, Anna"], ["0171 1234567"], ["+49 621 123456"],
                                 ["R0001", "040/1234567"], ["1234567890123"]])
def test_direct_identifiers_are_recognised(ids: list[str]) -> None:
    assert P.looks_identifying(pd.Series(ids))


@pytest.mark.parametrize("ids", [["R0001", "R0002"], [1, 2, 3, 17], ["aB3xYz9Qw", "k7Hq2"],
                                 ["K01-017", "2024-0031"], [None, "R0001"]])
def test_codes_and_tokens_are_not_taken_for_direct_identifiers(ids: list[object]) -> None:
    assert not P.looks_identifying(pd.Series(ids, dtype=object))


def test_key_is_read_from_the_environment_variable_named_in_the_project() -> None:
    privacy = Privacy(pseudonym_key_env="MY_EVAL_KEY")
    assert P.load_key(privacy, env={"MY_EVAL_KEY": " example-key-0123456789\n"}) == KEY
    assert P.load_key(privacy, env={"TRANSFER_EVAL_KEY": "example-key-0123456789"}) is None
    assert P.load_key(privacy, env={"MY_EVAL_KEY": ""}) is None


def test_key_is_read_from_the_file_named_by_the_file_variable(tmp_path: Path) -> None:
    key_file = tmp_path / "secrets" / "eval.key"
    key_file.parent.mkdir()
    key_file.write_bytes(KEY + b"\n")
    key_file.chmod(0o600)
    env = {"TRANSFER_EVAL_KEY_FILE": str(key_file)}
    assert P.load_key(Privacy(), env=env, forbidden=[tmp_path / "project"]) == KEY


def test_key_file_inside_the_project_folder_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "eval.key").write_bytes(KEY)
    env = {"TRANSFER_EVAL_KEY_FILE": str(project / "eval.key")}
    with pytest.raises(PseudonymKeyError, match="outside the project folder") as info:
        P.load_key(Privacy(), env=env, forbidden=[project])
    assert KEY.decode() not in str(info.value)


def test_missing_key_file_and_two_sources_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PseudonymKeyError, match="does not exist"):
        P.load_key(Privacy(), env={"TRANSFER_EVAL_KEY_FILE": str(tmp_path / "nope.key")})
    with pytest.raises(PseudonymKeyError, match="set only one"):
        P.load_key(Privacy(), env={"TRANSFER_EVAL_KEY": KEY.decode(),
                                   "TRANSFER_EVAL_KEY_FILE": str(tmp_path / "x")})


def test_short_key_is_refused_without_revealing_it() -> None:
    with pytest.raises(PseudonymKeyError, match="at least 16") as info:
        P.load_key(Privacy(), env={"TRANSFER_EVAL_KEY": "geheim123"})
    assert "geheim123" not in str(info.value)
    with pytest.raises(PseudonymKeyError, match="at least 16"):
        P.pseudonymise(pd.Series(["R0001"]), b"short")


def test_key_pasted_into_the_setting_is_refused_without_echoing_it() -> None:
    pasted = "f3a9c0e1-7b2d-4c8e-a1f0-9e8d7c6b5a43"
    with pytest.raises(PseudonymKeyError, match="name of an environment variable") as info:
        P.load_key(Privacy(pseudonym_key_env=pasted), env={})
    assert pasted not in str(info.value)


def test_no_key_for_direct_identifiers_raises_an_error_saying_how_to_set_it() -> None:
    ids = pd.Series(["anna.schmidt@lindwarden.de", "R0002"])
    with pytest.raises(PseudonymKeyMissing) as info:
        P.require_key(Privacy(pseudonym_key_env="MY_EVAL_KEY"), ids, env={})
    error = info.value
    assert isinstance(error, EvaluationError)
    assert isinstance(error, ValueError)
    message = str(error)
    assert "export MY_EVAL_KEY=" in message
    assert "MY_EVAL_KEY_FILE" in message
    assert "secrets.token_hex" in message
    assert "anna.schmidt" not in message


def test_no_key_is_needed_for_codes_that_identify_nobody() -> None:
    assert P.require_key(Privacy(), pd.Series(["R0001", "R0002"]), env={}) is None
    assert P.require_key(Privacy(), pd.Series(["R0001"]),
                         env={"TRANSFER_EVAL_KEY": KEY.decode()}) == KEY
    with pytest.raises(PseudonymKeyMissing):
        P.require_key(Privacy(), None, env={})


# -- primary suppression and the pool ---------------------------------------------------------


def test_values_of_groups_below_k_are_suppressed_and_counts_stay() -> None:
    table = pd.DataFrame({"site": ["K01", "K02", "K03", "K04"], "n": [4, 5, 12, np.nan],
                          "mean": [3.1, 3.4, 2.9, 4.0], "sd": [1, 1, 1, 1],
                          "label": ["a", "b", "c", "d"]})
    out = P.suppress(table, k=5, value_columns=["mean", "sd"])
    assert out["suppressed"].tolist() == [True, False, False, True]
    assert out["mean"].isna().tolist() == [True, False, False, True]
    assert out["n"].tolist()[:3] == [4, 5, 12]
    assert out["label"].tolist() == list("abcd")
    assert "suppressed" not in table  # the input is left alone


def test_an_earlier_suppression_is_kept() -> None:
    table = pd.DataFrame({"n": [10, 10], "mean": [1.0, 2.0], "suppressed": [True, False]})
    out = P.suppress(table, k=5, value_columns="mean")
    assert out["suppressed"].tolist() == [True, False]
    assert out["mean"].isna().tolist() == [True, False]


def test_k18_in_wave_two_is_suppressed_and_left_out_of_the_pool(example: SurveyData) -> None:
    people = example.respondents
    counts = people[people["wave"] == "w2"].groupby("site").size()
    table = counts.rename("n").reset_index().assign(mean=1.0)
    out = P.suppress(table, k=5, value_columns=["mean"])
    assert out.loc[out["suppressed"], "site"].tolist() == ["K18"]
    members = P.pool_members(counts, 5)
    assert "K18" not in members
    assert len(members) == 17
    rows = P.pool_rows(people, k=5, by=["wave"])
    assert not ((rows["site"] == "K18") & (rows["wave"] == "w2")).any()
    assert ((rows["site"] == "K18") & (rows["wave"] == "w1")).sum() == 39


def test_pool_without_a_suppressed_site_equals_the_pool_so_nothing_differences_out() -> None:
    # site C has 2 respondents (< k = 5); were it in the pool, pool sum minus the pool
    # without C would give C's mean: (5*10 + 5*20 + 2*x) - (5*10 + 5*20) = 2x
    scores = pd.DataFrame({"site": ["A"] * 5 + ["B"] * 5 + ["C"] * 2,
                           "score": [2.0] * 5 + [4.0] * 5 + [1.0, 5.0]})
    pool = P.pool_rows(scores, k=5, value="score")
    without_c = P.pool_rows(scores[scores["site"] != "C"], k=5, value="score")
    assert pool["score"].mean() == without_c["score"].mean() == 3.0
    assert P.pool_members(scores.groupby("site").size(), 5) == {"A", "B"}


@pytest.mark.parametrize(("site_n", "pool_n", "safe"), [
    (0, 40, True), (3, 40, False), (5, 40, True), (5, 9, False), (20, 20, False),
    (0, 4, False)])
def test_pool_without_site_is_safe_only_when_both_parts_reach_k(site_n: int, pool_n: int,
                                                                safe: bool) -> None:
    assert P.pool_without_site_safe(site_n, pool_n, 5) is safe


def test_organisations_need_three_raters() -> None:
    assert P.min_raters_ok(pd.Series([1, 2, 3, 7, np.nan])).tolist() == [False, False, True,
                                                                          True, False]
    assert P.min_raters_ok(3) is True
    assert P.min_raters_ok(2) is False
    assert P.min_raters_ok(np.array([4, 2]), min_raters=4).tolist() == [True, False]


# -- secondary suppression ------------------------------------------------------------------


def cell_range(values: np.ndarray, hidden: np.ndarray, cell: tuple[int, int]
               ) -> tuple[float, float]:
    """Smallest and largest value of a hidden cell given published cells and totals."""
    cells = [tuple(int(x) for x in c) for c in zip(*np.nonzero(hidden), strict=True)]
    position = {c: i for i, c in enumerate(cells)}
    a_eq, b_eq = [], []
    for axis in (0, 1):
        for line in range(values.shape[axis]):
            members = [c for c in cells if c[axis] == line]
            if not members:
                continue
            row = np.zeros(len(cells))
            for c in members:
                row[position[c]] = 1
            line_values = values[line, :] if axis == 0 else values[:, line]
            line_hidden = hidden[line, :] if axis == 0 else hidden[:, line]
            a_eq.append(row)
            b_eq.append(line_values.sum() - line_values[~line_hidden].sum())
    objective = np.zeros(len(cells))
    objective[position[cell]] = 1
    low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    assert low.status == 0
    assert high.status == 0
    return float(low.fun), float(-high.fun)


def recoverable_cells(values: np.ndarray, hidden: np.ndarray) -> list[tuple[int, int]]:
    out = []
    for cell in zip(*np.nonzero(hidden), strict=True):
        low, high = cell_range(values, hidden, (int(cell[0]), int(cell[1])))
        if high - low < 1e-6:
            out.append((int(cell[0]), int(cell[1])))
    return out


TABLE = pd.DataFrame([[2, 10, 12, 8], [15, 3, 20, 9], [11, 14, 16, 13], [7, 9, 6, 30]],
                     index=["K01", "K02", "K03", "K04"],
                     columns=["administration", "jobcenter", "mso", "education"])


def test_primary_suppression_alone_can_be_undone_with_the_totals() -> None:
    values = TABLE.to_numpy(dtype=float)
    primary = (values > 0) & (values < 5)
    assert recoverable_cells(values, primary) == [(0, 0), (1, 1)]


def test_secondary_suppression_leaves_every_hidden_cell_undetermined() -> None:
    mask = P.secondary_suppress(TABLE, 5)
    assert list(mask.index) == list(TABLE.index)
    assert list(mask.columns) == list(TABLE.columns)
    hidden = mask.to_numpy()
    assert hidden[0, 0]
    assert hidden[1, 1]
    # the cheapest safe pattern here is the rectangle K01/K02 x administration/jobcenter
    assert hidden.sum() == 4
    assert hidden[0, 1]
    assert hidden[1, 0]
    assert recoverable_cells(TABLE.to_numpy(dtype=float), hidden) == []


def test_a_hidden_cell_joining_two_safe_blocks_is_protected_too() -> None:
    # every row and column has two hidden cells, yet cell (1, 2) is a bridge between the
    # blocks {0,1}x{0,1} and {2,3}x{2,3}: the totals give it away
    values = np.arange(1, 17, dtype=float).reshape(4, 4) + 10
    primary = np.zeros((4, 4), dtype=bool)
    for cell in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]:
        primary[cell] = True
    assert recoverable_cells(values, primary) == [(1, 2)]
    mask = P.secondary_suppress(pd.DataFrame(values), 5, primary=pd.DataFrame(primary))
    assert mask.to_numpy().sum() == 10
    assert recoverable_cells(values, mask.to_numpy()) == []


def test_empty_cells_are_not_primary_and_are_the_last_choice_for_secondary() -> None:
    counts = pd.DataFrame([[0, 3, 9, 12], [6, 7, 0, 8], [10, 11, 12, 13]])
    hidden = P.secondary_suppress(counts, 5).to_numpy()
    assert not hidden[0, 0]
    assert not hidden[1, 2]
    assert recoverable_cells(counts.to_numpy(dtype=float), hidden) == []


def test_a_small_cell_among_empty_cells_is_refused_rather_than_exposed() -> None:
    # whatever is hidden, the totals 4 (row K01, column mso) and 0 give the 4 away
    counts = pd.DataFrame([[0, 4], [0, 0]], index=["K01", "K02"], columns=["jobcenter", "mso"])
    with pytest.raises(DisclosureError, match=r"\('K01', 'mso'\)"):
        P.secondary_suppress(counts, 5)


def test_a_small_cell_alone_in_its_column_cannot_be_protected() -> None:
    with pytest.raises(DisclosureError, match="alone in its column"):
        P.secondary_suppress(pd.DataFrame({"K01": [3, 10]}).T, 5)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 5).flatmap(lambda r: st.integers(2, 5).flatmap(
    lambda c: st.lists(st.lists(st.integers(1, 25), min_size=c, max_size=c),
                       min_size=r, max_size=r))))
def test_no_hidden_cell_of_any_positive_table_can_be_recovered(rows: list[list[int]]) -> None:
    counts = pd.DataFrame(rows)
    hidden = P.secondary_suppress(counts, 5).to_numpy()
    values = counts.to_numpy(dtype=float)
    assert (hidden | ~((values > 0) & (values < 5))).all()  # every primary cell is hidden
    for line in (*hidden, *hidden.T):
        assert line.sum() != 1
    assert recoverable_cells(values, hidden) == []


# -- categories ---------------------------------------------------------------------------


def test_small_categories_are_merged_into_other() -> None:
    series = pd.Series(["jobcenter"] * 6 + ["mso"] * 5 + ["politics"] * 2 + ["business"] * 3
                       + [None], name="actor_type")
    out = P.merge_small_categories(series, k=5)
    assert out.value_counts().to_dict() == {"jobcenter": 6, "mso": 5, "other": 5}
    assert out.isna().sum() == 1
    assert out.name == "actor_type"


def test_other_still_below_k_takes_the_next_smallest_category() -> None:
    series = pd.Series(["a"] * 9 + ["b"] * 6 + ["c"] * 2 + ["other"] * 1)
    out = P.merge_small_categories(series, k=5)
    assert out.value_counts().to_dict() == {"a": 9, "other": 9}


def test_a_series_below_k_in_all_is_suppressed_entirely() -> None:
    out = P.merge_small_categories(pd.Series(["a", "a", "b"]), k=5)
    assert out.isna().all()
    single = P.merge_small_categories(pd.Series(["a", "a", "b", "c", "d"]), k=5)
    assert single.tolist() == ["other"] * 5


def test_categories_already_at_k_are_left_alone() -> None:
    series = pd.Series(pd.Categorical(["x"] * 5 + ["y"] * 7, categories=["x", "y", "z"]))
    assert P.merge_small_categories(series, k=5).tolist() == ["x"] * 5 + ["y"] * 7


# -- free text ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Bitte wenden Sie sich an anna.schmidt@lindwarden.de oder Tel. 0621/123456.",
     "Bitte wenden Sie sich an [E-Mail] oder Tel. [Telefon]."),
    ("Frau Dr. Meier-Schulz vom Jobcenter (+49 621 123 45-6) hat am 03.05.2024 zugesagt.",
     "[Name] vom Jobcenter ([Telefon]) hat am 03.05.2024 zugesagt."),
    ("Danke an Herrn Prof. Dr. Klaus Weber, mehr unter www.integration-lindwarden.de/netzwerk.",
     "Danke an [Name], mehr unter [URL]."),
    ("Protokoll: https://cloud.example.org/s/AbC123?dl=1. Treffen um 07:30 Uhr in 01067 "
     "Dresden, Budget 12.000 Euro, Start 2024-03-01, 0,5 Stellen.",
     "Protokoll: [URL]. Treffen um 07:30 Uhr in 01067 Dresden, Budget 12.000 Euro, Start "
     "2024-03-01, 0,5 Stellen."),
    ("Eine Frau aus Syrien hat mit Herr von der Heide und Frau A. Schmidt gesprochen.",
     "Eine Frau aus Syrien hat mit [Name] und [Name] gesprochen."),
    ("Handy 0171-1234567, Büro (0621) 12 34 56, Zentrale 0049 30 1234567.",
     "Handy [Telefon], Büro [Telefon], Zentrale [Telefon]."),
    ("Kontakt: m.mueller (at) awo-beispiel.de; Frauen und Herren sind willkommen.",
     "Kontakt: [E-Mail]; Frauen und Herren sind willkommen."),
    ("Hr. Demir und Fr. Öztürk von der MSO kamen 2x zu spät.",
     "[Name] und [Name] von der MSO kamen 2x zu spät."),
    ("Frau Schmidt von der Caritas und Herr Weber vom Jobcenter, Frau von der Stadt fehlte.",
     "[Name] von der Caritas und [Name] vom Jobcenter, Frau von der Stadt fehlte."),
])
def test_free_text_loses_contact_details_and_titled_names(text: str, expected: str) -> None:
    assert P.scrub_free_text(text) == expected


def test_text_without_personal_details_is_unchanged() -> None:
    text = ("Die Zusammenarbeit mit dem Sozialamt hat sich seit 2023 verbessert; 15 von 20 "
            "Akteuren nehmen regelmäßig teil (Stand 03/2024).")
    assert P.scrub_free_text(text) == text


# -- k-anonymity and microdata ---------------------------------------------------------------


def people(rows: list[tuple[str, str, str, str | None, int]]) -> pd.DataFrame:
    """Rows (wave, site, actor_type, decision_role, how many), respondents numbered."""
    records = []
    for wave, site, actor, role, count in rows:
        records += [{"wave": wave, "site": site, "actor_type": actor, "decision_role": role}
                    ] * count
    frame = pd.DataFrame(records)
    frame.insert(0, "respondent", [f"R{i:04d}" for i in range(len(frame))])
    return frame


QIS = ("wave", "site", "actor_type", "decision_role")


def test_classes_below_k_are_listed() -> None:
    frame = people([("w1", "K01", "jobcenter", "no", 6), ("w1", "K01", "jobcenter", "yes", 2),
                    ("w1", "K01", "mso", None, 1)])
    table = P.k_anonymity(frame, QIS, k=5)
    assert table.to_dict("records") == [
        {"wave": "w1", "site": "K01", "actor_type": "jobcenter", "decision_role": "yes", "n": 2},
        {"wave": "w1", "site": "K01", "actor_type": "mso", "decision_role": None, "n": 1}]


def test_dropping_the_decision_role_comes_first() -> None:
    frame = people([("w1", "K01", "jobcenter", "no", 4), ("w1", "K01", "jobcenter", "yes", 2),
                    ("w1", "K01", "mso", "no", 7)])
    out = P.generalise_for_k(frame, QIS, k=5)
    assert P.k_anonymity(out, QIS, k=5).empty
    assert out["actor_type"].tolist() == frame["actor_type"].tolist()
    assert out["decision_role"].isna().tolist() == [True] * 6 + [False] * 7


def test_actor_types_become_sectors_only_where_needed() -> None:
    frame = people([("w1", "K01", "jobcenter", "no", 3), ("w1", "K01", "administration", "no", 3),
                    ("w1", "K01", "mso", "no", 6), ("w1", "K01", "welfare_organisation", "no", 8)])
    out = P.generalise_for_k(frame, QIS, k=5)
    assert P.k_anonymity(out, QIS, k=5).empty
    assert out["actor_type"].value_counts().to_dict() == {"welfare_organisation": 8, "mso": 6,
                                                          "public": 6}


def test_a_lone_actor_type_is_dropped_and_takes_along_the_smallest_groups() -> None:
    frame = people([("w1", "K01", "business", "yes", 1), ("w1", "K01", "jobcenter", "no", 20),
                    ("w1", "K01", "mso", "no", 4), ("w1", "K01", "welfare_organisation", "no", 9)])
    out = P.generalise_for_k(frame, QIS, k=5)
    assert P.k_anonymity(out, QIS, k=5).empty
    # business (1) and mso (4) are hidden together; the large groups keep their detail
    assert out["actor_type"].isna().sum() == 5
    assert (out["actor_type"] == "jobcenter").sum() == 20


def test_generalisation_is_the_same_in_every_wave_of_a_respondent() -> None:
    w1 = people([("w1", "K01", "jobcenter", "no", 6), ("w1", "K01", "mso", "no", 6)])
    w2 = w1.assign(wave="w2")
    w2.loc[w2.index[:4], "wave"] = "gone"  # only two jobcenter respondents answer w2
    w2 = w2[w2["wave"] == "w2"]
    both = pd.concat([w1, w2], ignore_index=True)
    out = P.generalise_for_k(both, QIS, k=5, identity="respondent")
    assert P.k_anonymity(out, QIS, k=5).empty
    shown = out.groupby("respondent")["actor_type"].agg(lambda s: s.astype(str).nunique())
    assert (shown == 1).all()


def test_a_site_below_k_is_refused_with_its_name() -> None:
    frame = people([("w2", "K18", "jobcenter", "no", 2), ("w2", "K18", "mso", "yes", 1),
                    ("w2", "K01", "mso", "no", 9)])
    with pytest.raises(DisclosureError, match=r"wave=w2, site=K18.*\(n=3\)") as info:
        P.generalise_for_k(frame, QIS, k=5)
    assert info.value.classes[["site", "n"]].to_dict("records") == [{"site": "K18", "n": 3}]
    kept = P.generalise_for_k(frame, QIS, k=5, on_failure="drop")
    assert set(kept["site"]) == {"K01"}
    assert len(kept) == 9


def test_a_step_on_a_column_that_is_no_quasi_identifier_is_refused() -> None:
    frame = people([("w1", "K01", "jobcenter", "no", 6)])
    step = P.GeneralisationStep(column="employment")
    with pytest.raises(PrivacyError, match="employment"):
        P.generalise_for_k(frame, QIS, k=5, hierarchy=[step])


def test_example_export_is_refused_because_of_k18_in_wave_two(example: SurveyData,
                                                               tmp_path: Path) -> None:
    target = tmp_path / "microdata.csv"
    with pytest.raises(DisclosureError, match=r"wave=w2, site=K18.*\(n=3\)"):
        export_microdata(example, target, k=5, key=KEY)
    assert list(tmp_path.iterdir()) == []


def test_example_export_is_tidy_pseudonymised_and_k_anonymous(example: SurveyData,
                                                               tmp_path: Path) -> None:
    target = tmp_path / "microdata.csv"
    export_microdata(example, target, k=5, key=KEY, on_failure="drop")
    assert [p.name for p in tmp_path.iterdir()] == ["microdata.csv"]
    data = target.read_bytes()
    for secret in (KEY, KEY.hex().encode(), b"R0116", b"survey_w1.csv"):
        assert secret not in data
    table = pd.read_csv(target, keep_default_na=False, na_values=[""],
                        dtype={"value": float, "actor_type": object, "decision_role": object})
    assert list(table.columns) == ["respondent", "site", "wave", "actor_type", "decision_role",
                                   "item", "value", "status"]
    assert table["respondent"].str.fullmatch(r"P[0-9a-f]{16}").all()
    assert not ((table["site"] == "K18") & (table["wave"] == "w2")).any()
    per_person = table.drop_duplicates(["respondent", "wave"])
    assert len(per_person) == len(example.respondents) - 3
    assert P.k_anonymity(per_person, QIS, k=5).empty
    assert len(table) == len(per_person) * example.responses["item"].nunique()
    expected = example.responses.merge(
        example.respondents[["respondent", "wave", "site"]])
    expected = expected[~((expected["site"] == "K18") & (expected["wave"] == "w2"))]
    assert table["value"].sum() == pytest.approx(expected["value"].sum())
    assert table["status"].value_counts().to_dict() == \
        expected["status"].astype(str).value_counts().to_dict()


def test_export_is_byte_identical_between_runs_and_needs_a_key(tmp_path: Path) -> None:
    frame = people([("w1", "K01", "jobcenter", "no", 6), ("w1", "K02", "mso", "yes", 5)])
    responses = frame[["respondent", "site", "wave"]].assign(item="trust_1", value=3.0,
                                                             status="valid")
    survey = SurveyData(respondents=frame, responses=responses)
    first = export_microdata(survey, tmp_path / "a.csv", k=5, key=KEY).read_bytes()
    second = export_microdata(survey, tmp_path / "b.csv", k=5, key=KEY).read_bytes()
    assert first == second
    assert first.decode("utf-8").count("\n") == 12
    with pytest.raises(PseudonymKeyMissing, match="TRANSFER_EVAL_KEY"):
        export_microdata(survey, tmp_path / "c.csv", k=5, key=None)
    assert not (tmp_path / "c.csv").exists()


def test_a_failed_write_leaves_no_partial_file(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "microdata.csv"
    target.write_text("old content\n", encoding="utf-8")
    frame = pd.DataFrame({"respondent": ["P1", "P2"], "value": [1.0, 2.0]})

    def fail_midway(self: pd.DataFrame, handle: object, **kwargs: object) -> None:
        handle.write("respondent,value\nP1,1.0\n")  # type: ignore[attr-defined]
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail_midway)
    with pytest.raises(OSError, match="disk full"):
        write_csv_atomic(frame, target)
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["microdata.csv"]
    with pytest.raises(OSError, match="disk full"):
        write_csv_atomic(frame, tmp_path / "new.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["microdata.csv"]


def test_the_written_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = write_csv_atomic(pd.DataFrame({"a": [1]}), tmp_path / "x.csv")
    assert path.read_text(encoding="utf-8") == "a\n1\n"
    if os.name == "posix":
        assert path.stat().st_mode & 0o077 == 0
