"""Peer learning: suggestions, optimal tandems, workshop groups, anonymous partner hints.

Every test builds its site-vs-pool rows by hand, so that flags, intervals and percentiles
are exactly what the test says. No kernel, no example project.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from evaluation.analysis.compute import Results
from evaluation.errors import PeerError
from evaluation.peers import optimal_pairs, pair_scores
from evaluation.peers import partners as peers

SITES = [  # key, name, municipality type, size class
    ("K01", "Lindwarden", "independent_city", "large"),
    ("K02", "Landkreis Auental", "county", "large"),
    ("K03", "Erlenbrück", "municipality", "medium"),
    ("K04", "Hohenmoor", "county", "large"),
    ("K05", "Kranichsfelde", "municipality", "small"),
    ("K06", "Rabenquell", "independent_city", "medium"),
]
FACTORS = {"trust": ("Vertrauen und Augenhöhe", "Trust and equal footing"),
           "transparency": ("Transparenz und Kommunikation", "Transparency and communication"),
           "shared_goals": ("Gemeinsame Ziele", "Shared goals")}


def row(site: str, scale: str, flag: str = "none", *, percentile: float = 50.0,
        mean: float = 3.5, n: int = 20, suppressed: bool = False, wave: str = "w1") -> dict:
    """One site_vs_pool row whose difference interval agrees with its flag."""
    low, high = {"strength": (0.1, 0.6), "weakness": (-0.6, -0.1), "none": (-0.3, 0.3)}[flag]
    return {"wave": wave, "scale": scale, "site": site, "n": n, "suppressed": suppressed,
            "mean": mean, "ci_low": mean - 0.3, "ci_high": mean + 0.3,
            "difference_ci_low": low, "difference_ci_high": high, "percentile": percentile,
            "flag": None if suppressed else flag}


def results(rows: list[dict], *, sites=SITES, k: int = 5, open_benchmarking: bool = False,
            shown: pd.DataFrame | None = None) -> Results:
    table = pd.DataFrame(rows)
    meta = {"min_group_size": k, "open_benchmarking": open_benchmarking,
            "waves": [{"key": "w1", "label_de": "Ausgangserhebung", "label_en": "Baseline"}],
            "sites": [{"key": s, "name": n, "municipality_type": t, "size_class": c}
                      for s, n, t, c in sites],
            "scales": [{"key": f, "kind": "factor", "label_de": de, "label_en": en}
                       for f, (de, en) in FACTORS.items()]
            + [{"key": "synergy", "kind": "outcome", "label_de": "Synergie",
                "label_en": "Synergy"}]}
    if shown is None:
        shown = (table.groupby(["site", "wave"], as_index=False)["suppressed"].max()
                 .assign(n=20, shown=lambda d: ~d["suppressed"]).drop(columns="suppressed"))
    return Results(meta=meta, tables={"site_vs_pool": table, "shown": shown})


def brute_force_best(weights: np.ndarray) -> int:
    """Largest total weight over every perfect matching (enumerated recursively)."""
    def best(nodes: tuple[int, ...]) -> int:
        if not nodes:
            return 0
        first, rest = nodes[0], nodes[1:]
        return max(int(weights[first, other]) + best(tuple(x for x in rest if x != other))
                   for other in rest)
    return best(tuple(range(len(weights))))


def total(weights: np.ndarray, pairs: list[tuple[int, int]]) -> int:
    return sum(int(weights[i, j]) for i, j in pairs)


# ------------------------------------------------------------------------------- matching

def test_tandem_matching_is_optimal_on_four_sites_checked_by_hand():
    #        A  B  C  D
    w = np.array([[0, 10, 7, 3],
                  [10, 0, 1, 7],
                  [7, 1, 0, 0],
                  [3, 7, 0, 0]])
    # The three perfect matchings of four sites, by hand:
    #   {A-B, C-D} = 10 + 0 = 10   (what greedy gets by taking the heaviest pair A-B first)
    #   {A-C, B-D} =  7 + 7 = 14   <- the optimum
    #   {A-D, B-C} =  3 + 1 =  4
    assert brute_force_best(w) == 14
    pairs = optimal_pairs(w)
    assert pairs == [(0, 2), (1, 3)]
    assert total(w, pairs) == 14


def test_longer_assignment_cycles_fall_back_to_the_exact_blossom_matching():
    # Two heavy triangles {0,1,2} and {3,4,5}: the assignment relaxation takes two 3-cycles
    # (value 6 x 10 = 60), which is no pairing; the best pairing has one pair inside each
    # triangle and one across: 10 + 10 + 0 = 20.
    w = np.zeros((6, 6), dtype=int)
    for a, b in [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)]:
        w[a, b] = w[b, a] = 10
    cost = -w.copy()
    np.fill_diagonal(cost, 10**6)
    _, cols = linear_sum_assignment(cost)
    assert any(cols[cols[i]] != i for i in range(6))  # not an involution: the fallback runs
    pairs = optimal_pairs(w)
    assert total(w, pairs) == brute_force_best(w) == 20
    assert sorted(x for p in pairs for x in p) == list(range(6))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=4).flatmap(
    lambda half: st.lists(st.integers(min_value=0, max_value=12),
                          min_size=half * (2 * half - 1), max_size=half * (2 * half - 1))))
def test_tandem_matching_equals_brute_force_on_random_scores(upper):
    n = next(m for m in (2, 4, 6, 8) if m * (m - 1) // 2 == len(upper))
    w = np.zeros((n, n), dtype=int)
    for value, (i, j) in zip(upper, itertools.combinations(range(n), 2), strict=True):
        w[i, j] = w[j, i] = value
    pairs = optimal_pairs(w)
    assert sorted(x for p in pairs for x in p) == list(range(n))  # every site, no self pair
    assert total(w, pairs) == brute_force_best(w)


def test_optimal_pairs_rejects_asymmetric_or_odd_matrices():
    with pytest.raises(PeerError, match="symmetric matrix of even size"):
        optimal_pairs(np.array([[0, 1], [2, 0]]))
    with pytest.raises(PeerError, match="even size"):
        optimal_pairs(np.zeros((3, 3), dtype=int))


def test_pair_scores_follow_the_documented_points():
    rows = [row("K02", "trust", "strength"), row("K02", "transparency", "weakness"),
            row("K04", "trust", "weakness"), row("K04", "transparency", "strength"),
            row("K02", "shared_goals", percentile=90), row("K04", "shared_goals", percentile=10)]
    profiles = peers.shown_profiles(results(rows), "w1")
    scores = pair_scores(profiles, peers.sites_frame(results(rows).meta))
    # two clear complements (4 + 4), one relative complement (1), both counties (2), both
    # large (1): 4 + 4 + 1 + 2 + 1 = 12
    assert scores.at["K02", "K04"] == scores.at["K04", "K02"] == 12


def test_tandems_pair_every_shown_site_once_and_form_a_triad_when_odd():
    rows = [row(s, f) for s, *_ in SITES[:5] for f in FACTORS]
    table = peers.tandems(results(rows, sites=SITES[:5]))
    members = [m for r in table.itertuples() for m in (r.site_a, r.site_b, r.site_c) if m]
    assert sorted(members) == [s for s, *_ in SITES[:5]]
    assert table["site_c"].notna().sum() == 1
    assert all(r.site_a != r.site_b for r in table.itertuples())


# ---------------------------------------------------------------------------- suggestions

def test_clear_suggestions_need_a_strength_flag_not_just_a_high_mean():
    rows = [row("K01", "trust", "weakness", percentile=5, mean=2.8),
            # highest mean and percentile, but its interval includes the benchmark
            row("K02", "trust", "none", percentile=100, mean=4.4),
            row("K03", "trust", "strength", percentile=80, mean=4.0)]
    table = peers.peer_suggestions(results(rows))
    clear = table[(table["site"] == "K01") & (table["kind"] == "clear")]
    assert list(clear["peer"]) == ["K03"]
    assert clear["evidence"].tolist() == ["strong"]
    assert clear["reason_de"].iloc[0].startswith(
        "K03 ist deutlich stark bei „Vertrauen und Augenhöhe“, wo K01 deutlich schwach ist")


def test_without_clear_weaknesses_suggestions_are_relative_and_marked_as_weaker():
    rows = [row("K01", "trust", percentile=10), row("K02", "trust", percentile=90),
            row("K03", "trust", percentile=50)]
    table = peers.peer_suggestions(results(rows))
    mine = table[table["site"] == "K01"]
    assert mine["kind"].tolist() == ["relative"]
    assert mine["peer"].tolist() == ["K02"]
    assert mine["evidence"].tolist() == ["weak"]
    assert "statistisch nicht gesichert" in mine["reason_de"].iloc[0]
    assert "not statistically secured" in mine["reason_en"].iloc[0]


def test_peers_of_the_same_municipality_type_come_first():
    rows = [row("K02", "trust", "weakness"),  # a county
            row("K01", "trust", "strength"),  # a city
            row("K04", "trust", "strength")]  # a county, and large like K02
    table = peers.peer_suggestions(results(rows))
    mine = table[table["site"] == "K02"]
    assert mine["peer"].tolist() == ["K04", "K01"]
    assert mine["reason_de"].iloc[0].endswith("gleicher Kommunentyp und gleiche Größenklasse")


def test_suppressed_or_small_site_waves_are_never_suggested_paired_or_grouped():
    rows = [row("K01", "trust", "weakness"), row("K02", "trust", "weakness"),
            row("K03", "trust", "strength", suppressed=True),  # below k: suppressed
            row("K04", "trust", "strength", n=3),               # a scale with n < k
            row("K05", "trust", "strength"), row("K06", "trust")]
    res = results(rows)
    hidden = {"K03", "K04"}
    tables = peers.peer_tables(res)
    assert not hidden & set(tables["peer_suggestions"][["site", "peer"]].stack())
    tandem_sites = set(tables["tandems"][["site_a", "site_b", "site_c"]].stack().dropna())
    assert "K03" not in tandem_sites  # suppressed site-wave: no tandem at all
    assert not hidden & set(tables["peer_groups"]["site"])
    assert set(tables["peer_groups"].query("role == 'share'")["site"]) == {"K05"}


def test_a_site_marked_not_shown_is_left_out_even_with_unsuppressed_rows():
    rows = [row("K01", "trust", "weakness"), row("K02", "trust", "strength")]
    shown = pd.DataFrame({"site": ["K01", "K02"], "wave": "w1", "n": [20, 4],
                          "shown": [True, False]})
    assert peers.peer_suggestions(results(rows, shown=shown)).empty


def test_every_peer_group_has_a_site_to_learn_from():
    rows = [row("K01", "trust", "weakness"), row("K02", "trust", "weakness"),
            row("K03", "trust", "strength"), row("K04", "trust", percentile=90),
            row("K01", "transparency", "weakness"), row("K02", "transparency", "weakness"),
            row("K03", "transparency", percentile=85), row("K04", "transparency"),
            row("K01", "shared_goals", "weakness"), row("K02", "shared_goals", "weakness")]
    groups = peers.peer_groups(results(rows))
    for _, members in groups.groupby("group"):
        assert (members["role"] == "share").any()
        assert (members["role"] == "learn").sum() >= 2
    kinds = groups.drop_duplicates("factor").set_index("factor")["evidence"]
    assert kinds.to_dict() == {"trust": "clear", "transparency": "relative"}  # shared_goals: none


# --------------------------------------------------------------------------- partner hints

def _hint_rows() -> list[dict]:
    return [row("K01", "trust", "weakness", percentile=0),
            row("K02", "trust", "strength", percentile=100),
            row("K04", "trust", "strength", percentile=80),
            row("K01", "transparency", percentile=10),
            row("K03", "transparency", percentile=90),
            row("K05", "trust"), row("K06", "transparency")]


@pytest.mark.parametrize("language", ["de", "en"])
def test_partner_hints_never_name_a_site_under_closed_benchmarking(language):
    res = results(_hint_rows())
    for site, *_ in SITES:
        for hint in peers.partner_peer_hint(site, res, language=language):
            for key, name, *_ in SITES:
                assert key not in hint
                assert name not in hint
            for structure in ("Landkreis", "kreisfreie Stadt", "county", "city", "Typ", "type"):
                assert structure not in hint
    hints = peers.partner_peer_hint("K01", res, language=language)
    expected = {
        "de": "2 andere Kommunen sind deutlich stark bei „Vertrauen und Augenhöhe“, wo Ihre "
              "Kommune deutlich unter dem Durchschnitt liegt. Die wissenschaftliche Begleitung "
              "kann den Kontakt vermitteln.",
        "en": "2 other municipalities are clearly strong on “Trust and equal footing”, "
              "where your municipality is clearly below the average. The evaluation team can "
              "put you in touch.",
    }
    assert hints[0] == expected[language]


def test_partner_hints_name_peers_only_under_open_benchmarking():
    res = results(_hint_rows(), open_benchmarking=True)
    hints = peers.partner_peer_hint("K01", res)
    assert "Landkreis Auental" in hints[0]
    assert "Hohenmoor" in hints[0]


def test_a_learning_partner_is_named_only_where_both_sites_agreed_to_open_exchange():
    res = results(_hint_rows())
    for entry in res.meta["sites"]:
        entry["open_exchange"] = entry["key"] in ("K01", "K02")
    hint = peers.partner_peer_hint("K01", res)[0]
    assert hint.startswith("Landkreis Auental und 1 weitere Kommune sind deutlich stark")
    assert "Hohenmoor" not in hint  # K04 did not agree
    for other in ("K03", "K04", "K05", "K06"):  # sites that did not agree see no names
        for text in peers.partner_peer_hint(other, res):
            assert "Auental" not in text
            assert "Lindwarden" not in text


def test_a_suppressed_site_gets_no_hint():
    rows = [*_hint_rows(), row("K07", "trust", "weakness", suppressed=True)]
    res = results(rows, sites=[*SITES, ("K07", "Tannweiler", "municipality", "medium")])
    assert peers.partner_peer_hint("K07", res) == []
