"""Network statistics per site and wave, checked against igraph and hand computations.

Reference values: ``tests/reference/network.R`` (igraph 1.3.5) reads ``network_nodes.csv`` and
``network_edges.csv`` beside it and writes ``network_expected.json``. Floating-point values
are compared with an absolute tolerance of 1e-12 (the JSON keeps 15 significant digits).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from evaluation import network as N
from evaluation.errors import EvaluationError, NetworkInputError

REFERENCE = Path(__file__).parents[1] / "reference"
ROOT = Path(__file__).resolve().parents[2]
TOL = 1e-12
W1 = dt.date(2024, 3, 1)
W2 = dt.date(2025, 3, 1)
DATES = {"w1": W1, "w2": W2}


def reference_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The igraph test graphs as roster and ties: one site per graph, one wave."""
    nodes = pd.read_csv(REFERENCE / "network_nodes.csv")
    edges = pd.read_csv(REFERENCE / "network_edges.csv")
    roster = pd.DataFrame({
        "organisation": nodes["organisation"], "site": nodes["graph"],
        "name": "Org " + nodes["organisation"], "actor_type": nodes["actor_type"],
        "joined": pd.Timestamp("2020-01-01"), "left": pd.NaT})
    ties = pd.DataFrame({"site": edges["graph"], "wave": "w1", "ego": edges["ego"],
                         "alter": edges["alter"], "frequency": 3, "collaboration": 2})
    return roster, ties


def expected() -> dict:
    return json.loads((REFERENCE / "network_expected.json").read_text(encoding="utf-8"))


def roster_frame(rows: list[tuple[str, str, str, str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame({
        "organisation": [r[0] for r in rows], "site": [r[1] for r in rows],
        "name": [f"Name {r[0]}" for r in rows], "actor_type": [r[2] for r in rows],
        "joined": pd.to_datetime([r[3] for r in rows]),
        "left": pd.to_datetime([r[4] for r in rows])})


def ties_frame(rows: list[tuple], **extra: object) -> pd.DataFrame:
    """Tie rows (site, wave, ego, alter, collaboration[, frequency]); frequency 3 if absent."""
    rows = [r if len(r) == 6 else (*r, 3) for r in rows]
    frame = pd.DataFrame(rows, columns=["site", "wave", "ego", "alter", "collaboration",
                                        "frequency"])
    for key, value in extra.items():
        frame[key] = value
    return frame


@pytest.fixture
def small_site() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Site S with five organisations; E leaves between w1 and w2, F joins after w1."""
    roster = roster_frame([
        ("A", "S", "administration", "2020-01-01", None),
        ("B", "S", "welfare_organisation", "2020-01-01", None),
        ("C", "S", "mso", "2020-01-01", None),
        ("D", "S", "business", "2020-01-01", None),
        ("E", "S", "mso", "2020-01-01", "2024-09-30"),
        ("F", "S", "education", "2024-06-01", None),
    ])
    ties = ties_frame([
        ("S", "w1", "A", "B", 3), ("S", "w1", "B", "A", 2), ("S", "w1", "A", "E", 1),
        ("S", "w1", "C", "A", 2), ("S", "w1", "C", "D", 0, 0), ("S", "w1", "E", "A", 4),
        ("S", "w1", "D", "C", 1),
        ("S", "w2", "A", "B", 4), ("S", "w2", "A", "F", 2), ("S", "w2", "B", "C", 1),
        ("S", "w2", "A", "E", 3),  # E has left: excluded
    ])
    return roster, ties


# --------------------------------------------------------------------------------------------
# against igraph


@pytest.mark.parametrize("graph", ["star", "split", "dense"])
def test_structure_metrics_match_igraph(graph: str) -> None:
    roster, ties = reference_tables()
    ref = expected()[graph]
    net = N.build_network(ties, roster, site=graph, wave="w1", date=W1)
    m = N.network_metrics(net)
    assert m.n_organisations == ref["n"]
    assert m.n_ties == ref["m"]
    # edge_density(g, loops = FALSE)
    assert m.density == pytest.approx(ref["density"], abs=TOL)
    # reciprocity(g, mode = "default")
    assert m.reciprocity == pytest.approx(ref["reciprocity"], abs=TOL)
    # centr_degree(g, mode = "all", loops = FALSE, normalized = TRUE)$centralization
    assert m.degree_centralisation == pytest.approx(ref["centralisation"], abs=TOL)
    # components(g, mode = "weak")$no and sum(degree(g, mode = "all") == 0)
    assert m.n_components == ref["components"]
    assert m.n_isolates == ref["isolates"]
    # max of betweenness(g, directed = TRUE, normalized = TRUE)
    assert m.betweenness_max == pytest.approx(max(ref["betweenness"].values()), abs=TOL)


@pytest.mark.parametrize("graph", ["star", "split", "dense"])
def test_betweenness_of_every_organisation_matches_igraph(graph: str) -> None:
    roster, ties = reference_tables()
    net = N.build_network(ties, roster, site=graph, wave="w1", date=W1)
    table = N.organisation_table([net]).set_index("organisation")
    for org, value in expected()[graph]["betweenness"].items():
        assert table.loc[org, "betweenness"] == pytest.approx(value, abs=TOL)


@pytest.mark.parametrize("graph", ["star", "split", "dense"])
def test_igraph_default_centralisation_differs_only_by_the_loops_maximum(graph: str) -> None:
    # igraph's default loops = TRUE divides by 2(n-1)^2 instead of 2(n-1)(n-2)
    roster, ties = reference_tables()
    ref = expected()[graph]
    net = N.build_network(ties, roster, site=graph, wave="w1", date=W1)
    n = ref["n"]
    ours = N.degree_centralisation(net.graph)
    assert ours * (n - 2) / (n - 1) == pytest.approx(ref["centralisation_loops_default"],
                                                      abs=TOL)


def test_reference_script_reproduces_the_committed_igraph_values(tmp_path: Path) -> None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip("Rscript is not installed")
    probe = subprocess.run([rscript, "-e", "library(igraph); library(jsonlite)"],
                           capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("R packages igraph/jsonlite are not installed")
    out = tmp_path / "network.json"
    subprocess.run([rscript, "tests/reference/network.R", str(out)], cwd=ROOT, check=True,
                   capture_output=True)
    fresh = json.loads(out.read_text(encoding="utf-8"))
    committed = expected()
    for graph in ("star", "split", "dense"):
        for key in ("density", "reciprocity", "centralisation", "components", "isolates"):
            assert fresh[graph][key] == pytest.approx(committed[graph][key], abs=TOL)


def test_star_centralisation_by_hand_is_one() -> None:
    # centre tied both ways to 4 others: total degrees 8,2,2,2,2 -> sum(8 - d) = 24 and
    # 2 (n-1)(n-2) = 2 * 4 * 3 = 24, so C = 1; the empty graph has C = 0
    graph = nx.DiGraph()
    graph.add_edges_from([("c", x) for x in "abde"] + [(x, "c") for x in "abde"])
    assert N.degree_centralisation(graph) == pytest.approx(1.0, abs=TOL)
    empty = nx.DiGraph()
    empty.add_nodes_from("abc")
    assert N.degree_centralisation(empty) == 0.0


# --------------------------------------------------------------------------------------------
# diversity


def test_blau_index_and_iqv_match_hand_computation() -> None:
    # shares 2/6, 3/6, 1/6: sum p^2 = (4 + 9 + 1) / 36 = 14/36, Blau = 22/36 = 0.6111;
    # IQV with k = 11 possible actor types: 22/36 * 11/10 = 0.67222
    types = ["administration", "administration", "mso", "mso", "mso", "business"]
    assert N.blau_index(types) == pytest.approx(22 / 36, abs=TOL)
    assert N.iqv(types, n_categories=11) == pytest.approx(22 / 36 * 11 / 10, abs=TOL)
    assert N.blau_index(["mso"] * 4) == 0.0
    assert N.iqv(["a", "b"], n_categories=2) == pytest.approx(1.0, abs=TOL)


def test_iqv_rejects_fewer_than_two_categories() -> None:
    with pytest.raises(NetworkInputError, match="n_categories=1"):
        N.iqv(["a"], n_categories=1)


def test_cross_type_and_cross_sector_shares_of_the_star_graph() -> None:
    # 7 ties; all join different actor types; only B->C (welfare -> mso) stays inside the
    # civil-society sector, so cross-sector share = 6/7
    roster, ties = reference_tables()
    m = N.network_metrics(N.build_network(ties, roster, site="star", wave="w1", date=W1))
    assert m.cross_type_share == pytest.approx(1.0, abs=TOL)
    assert m.cross_sector_share == pytest.approx(6 / 7, abs=TOL)
    # Blau of A adm, B welfare, C mso, D mso, E assoc, F business: 1 - (4*1 + 4)/36 = 28/36
    assert m.blau == pytest.approx(28 / 36, abs=TOL)


# --------------------------------------------------------------------------------------------
# activity, coverage and tie definition


def test_only_organisations_active_at_the_wave_are_nodes(small_site) -> None:
    roster, ties = small_site
    w1 = N.build_network(ties, roster, site="S", wave="w1", date=W1)
    w2 = N.build_network(ties, roster, site="S", wave="w2", date=W2)
    assert sorted(w1.graph.nodes) == ["A", "B", "C", "D", "E"]  # F joins later
    assert sorted(w2.graph.nodes) == ["A", "B", "C", "D", "F"]  # E has left
    assert w2.ties_excluded == 1  # A -> E
    assert not w2.graph.has_edge("A", "E")


def test_rows_without_contact_are_not_ties_but_count_for_coverage(small_site) -> None:
    roster, ties = small_site
    net = N.build_network(ties, roster, site="S", wave="w1", date=W1)
    assert not net.graph.has_edge("C", "D")  # frequency 0: "no contact"
    assert net.graph.has_edge("D", "C")
    # egos A, B, C, D, E of 5 active: coverage 1.0; in w2 egos A, B of 5 active: 0.4
    assert net.coverage == 1.0
    w2 = N.build_network(ties, roster, site="S", wave="w2", date=W2)
    assert w2.n_respondents == 2
    assert w2.coverage == pytest.approx(0.4)


def test_a_named_partner_with_contact_is_a_tie_whatever_the_collaboration_level() -> None:
    roster = roster_frame([(o, "S", "mso", "2020-01-01", None) for o in "AB"])
    ties = ties_frame([("S", "w1", "A", "B", 0, 2), ("S", "w1", "B", "A", 0, 0)])
    net = N.build_network(ties, roster, site="S", wave="w1", date=W1)
    assert list(net.graph.edges) == [("A", "B")]
    everything = N.build_network(ties, roster, site="S", wave="w1", date=W1, min_frequency=0)
    assert everything.n_ties == 2


def test_min_collaboration_raises_the_bar_for_a_tie(small_site) -> None:
    roster, ties = small_site
    net = N.build_network(ties, roster, site="S", wave="w1", date=W1, min_collaboration=3)
    assert sorted(net.graph.edges) == [("A", "B"), ("E", "A")]
    with pytest.raises(NetworkInputError, match=r"min_collaboration.*got 6"):
        N.build_network(ties, roster, site="S", wave="w1", date=W1, min_collaboration=6)
    with pytest.raises(NetworkInputError, match=r"min_frequency.*got -1"):
        N.build_network(ties, roster, site="S", wave="w1", date=W1, min_frequency=-1)


def test_network_table_reports_coverage_next_to_every_metric(small_site) -> None:
    roster, ties = small_site
    nets = N.build_networks(ties, roster, wave_dates=DATES)
    table = N.network_table(nets)
    assert list(table.columns) == ["site", "wave", "metric", "value", "n_organisations",
                                   "n_respondents", "coverage"]
    assert len(table) == 2 * len(N.NETWORK_METRICS)
    assert table["coverage"].notna().all()
    w2 = table[table["wave"] == "w2"].set_index("metric")
    # w2: ties A->B, A->F, B->C among 5 nodes: density 3/20, no mutual ties
    assert w2.loc["density", "value"] == pytest.approx(3 / 20)
    assert w2.loc["reciprocity", "value"] == 0.0
    assert w2.loc["n_isolates", "value"] == 1.0  # D


def test_a_wave_without_date_counts_every_organisation_and_warns(small_site, caplog) -> None:
    roster, ties = small_site
    with caplog.at_level(logging.WARNING, logger="evaluation"):
        net = N.build_network(ties, roster, site="S", wave="w1", date=None)
    assert net.n_organisations == 6
    assert "no date" in caplog.text


def test_brokers_lists_the_highest_betweenness_first(small_site) -> None:
    roster, ties = small_site
    nets = N.build_networks(ties, roster, wave_dates={"w1": W1})
    top = N.brokers(nets, top=2)
    # w1: A bridges B/E and C; C bridges A and D -> A first
    assert top["organisation"].tolist()[0] == "A"
    assert (top["betweenness"] > 0).all()
    with pytest.raises(NetworkInputError, match="got 0"):
        N.brokers(nets, top=0)


# --------------------------------------------------------------------------------------------
# ratings, levels, changes, dropout


def test_tie_ratings_are_suppressed_below_the_minimum_number_of_raters() -> None:
    roster = roster_frame([(o, "S", "mso", "2020-01-01", None) for o in "ABCDE"])
    ties = ties_frame([("S", "w1", "B", "A", 2), ("S", "w1", "C", "A", 2),
                       ("S", "w1", "D", "A", 2), ("S", "w1", "A", "B", 2),
                       ("S", "w1", "C", "B", 2)])
    # trust items per row; B's rating of A answers only one item (below 2 of 3)
    ties["trust_1"] = [4, 3, 2, 4, 1]
    ties["trust_2"] = [pd.NA, 3, 3, 4, 1]
    ties["trust_3"] = [pd.NA, 4, 2, 4, 2]
    for i in (1, 2, 3):
        ties[f"value_{i}"] = [4, 3, 2, 4, 1]
    table = N.tie_ratings(ties, roster, wave_dates={"w1": W1}, min_raters=2)
    trust = table[table["metric"] == "trust"].set_index("organisation")
    # A: raters C (3,3,4 -> 10/3) and D (2,3,2 -> 7/3); mean 17/6; B's row has 1 item only
    assert trust.loc["A", "n"] == 2
    assert trust.loc["A", "mean"] == pytest.approx(17 / 6)
    # B rated by A (4) and C (4/3): n = 2, mean 8/3
    assert trust.loc["B", "mean"] == pytest.approx(8 / 3)
    value = table[table["metric"] == "value"].set_index("organisation")
    assert value.loc["A", "n"] == 3  # value items complete for B, C, D
    strict = N.tie_ratings(ties, roster, wave_dates={"w1": W1})  # default min_raters = 3
    strict_trust = strict[strict["metric"] == "trust"].set_index("organisation")
    assert strict_trust["suppressed"].all()
    assert strict_trust["mean"].isna().all()
    assert strict_trust.loc["A", "n"] == 2  # the count stays visible


def test_collaboration_levels_list_all_six_levels_with_shares(small_site) -> None:
    roster, ties = small_site
    table = N.collaboration_levels(ties, roster, wave_dates=DATES)
    w1 = table[table["wave"] == "w1"].set_index("level")
    assert w1.index.tolist() == [0, 1, 2, 3, 4, 5]
    # w1 rows: levels 3, 2, 1, 2, 0, 4, 1 -> counts 0:1, 1:2, 2:2, 3:1, 4:1, 5:0 of 7
    assert w1["n"].tolist() == [1, 2, 2, 1, 1, 0]
    assert w1["share"].sum() == pytest.approx(1.0)
    assert w1.loc[2, "share"] == pytest.approx(2 / 7)
    w2 = table[table["wave"] == "w2"]
    assert w2["n"].sum() == 3  # A -> E dropped: E no longer active


def test_tie_changes_separate_departed_silent_and_given_up_ties(small_site) -> None:
    roster, ties = small_site
    nets = N.build_networks(ties, roster, wave_dates=DATES)
    row = N.tie_changes(nets, waves=["w1", "w2"]).iloc[0]
    # w1 ties: A-B, B-A, A-E, C-A, E-A, D-C ; w2 ties: A-B, A-F, B-C
    assert row["ties_before"] == 6
    assert row["ties_after"] == 3
    assert row["stable"] == 1  # A-B
    assert row["gained"] == 2  # A-F (F new), B-C
    assert row["gained_new"] == 1
    assert row["lost"] == 5  # B-A, A-E, C-A, E-A, D-C
    assert row["lost_departed"] == 2  # A-E, E-A
    assert row["lost_silent"] == 2  # C-A, D-C: C and D did not answer in w2
    assert row["lost_continuing"] == 1  # B-A: B answered but no longer names A
    assert row["jaccard"] == pytest.approx(1 / 8)


def test_departed_partners_and_retention_come_from_left_dates(small_site) -> None:
    roster, _ = small_site
    gone = N.departed_partners(roster, wave_dates=DATES)
    assert gone["organisation"].tolist() == ["E"]
    assert gone["previous_wave"].tolist() == ["w1"]
    retention = N.partner_retention(roster, wave_dates=DATES).iloc[0]
    # 5 active at w1 (A-E), E left, F joined: retained 4 of 5
    assert (retention["n_before"], retention["n_retained"], retention["n_left"],
            retention["n_joined"]) == (5, 4, 1, 1)
    assert retention["retention"] == pytest.approx(0.8)


def test_wave_dates_out_of_order_are_rejected(small_site) -> None:
    roster, _ = small_site
    with pytest.raises(NetworkInputError, match="'w2'"):
        N.partner_retention(roster, wave_dates={"w1": W2, "w2": W1})


def test_missing_columns_and_unknown_waves_raise_package_errors(small_site) -> None:
    roster, ties = small_site
    with pytest.raises(EvaluationError, match="collaboration"):
        N.build_network(ties.drop(columns="collaboration"), roster, site="S", wave="w1",
                        date=W1)
    with pytest.raises(ValueError, match=r"\['w2'\]"):
        N.collaboration_levels(ties, roster, wave_dates={"w1": W1})
