"""The partner report's network picture counts ties between actor groups (hand-counted on a
small network), merges groups too small to hide an organisation, and describes itself."""

from __future__ import annotations

import networkx as nx
import numpy as np

from evaluation.network import SiteNetwork
from evaluation.report.network_matrix import OTHERS, actor_type_matrix, type_ties, type_ties_table


def _network() -> SiteNetwork:
    graph = nx.DiGraph()
    kinds = {"a1": "administration", "a2": "administration", "a3": "administration",
             "v1": "association_volunteer", "v2": "association_volunteer",
             "v3": "association_volunteer", "p1": "politics"}
    for org, kind in kinds.items():
        graph.add_node(org, actor_type=kind, name=org.upper())
    # a1<->a2 mutual (one pair), a1->v1, v1->a1 (one pair), a2->v2, v3->p1, p1->a3
    for u, v in [("a1", "a2"), ("a2", "a1"), ("a1", "v1"), ("v1", "a1"), ("a2", "v2"),
                 ("v3", "p1"), ("p1", "a3")]:
        graph.add_edge(u, v)
    return SiteNetwork(site="K01", wave="w1", date=None, graph=graph,
                       respondents=frozenset(kinds))


def test_ties_are_counted_once_per_pair_of_organisations_between_and_within_groups():
    table = type_ties(_network())
    assert table.groups == ("administration", "association_volunteer", OTHERS)
    assert table.organisations == (3, 3, 1)
    # by hand: within administration a1-a2; administration-volunteer a1-v1, a2-v2;
    # administration-others p1-a3; volunteer-others v3-p1
    assert table.ties.tolist() == [[1, 2, 1], [2, 0, 1], [1, 1, 0]]
    assert table.possible.tolist() == [[3, 9, 3], [9, 3, 3], [3, 3, 0]]
    assert np.isclose(table.share[0, 1], 2 / 9)


def test_the_only_organisation_of_its_type_is_never_shown_as_its_type():
    chart = actor_type_matrix(_network(), language="de")
    assert "Politik" not in chart.svg
    assert "Politik" not in chart.alt_de
    assert "weitere Akteure (1)" in chart.svg
    assert ">P1<" not in chart.svg  # no organisation names
    assert "<image" not in chart.svg  # vector only: no embedded raster
    assert ">25\u202f%<" in chart.svg  # the colour scale in German numbers
    assert chart.alt_de.startswith("Beziehungen zwischen Akteursgruppen: 7 Organisationen in 3 "
                                   "Gruppen, 5 Paare von Organisationen mit "
                                   "Zusammenarbeit.")
    assert "zusammengefasst" in chart.alt_de
    assert "Ties between actor groups: 7 organisations" in chart.alt_en


def test_the_matrix_table_gives_the_chart_s_pairs_and_shares_for_screen_readers():
    table = type_ties_table(_network(), language="de")
    assert list(table.columns) == ["Akteursgruppe", "Verwaltung / Integrationsstelle (3)",
                                   "Verein / Ehrenamt (3)", "weitere Akteure (1)"]
    row = table.set_index("Akteursgruppe").loc["Verwaltung / Integrationsstelle (3)"]
    # by hand: 1 of 3 pairs within the administration, 2 of 9 with the volunteers
    assert row.tolist() == ["1 (33\u202f%)", "2 (22\u202f%)", "1 (33\u202f%)"]
    # one organisation has no pair within its group: no share, a dash
    assert table.iloc[2, 3] == "\u2013"
    assert "Politik" not in table.to_string()
