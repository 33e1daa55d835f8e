"""The networks built once for all sites equal the site-by-site implementation they replaced.

The ``_old_*`` functions below are :mod:`evaluation.network` before it was vectorised (one
roster filter, activity mask and sort per site and wave, one ``ties`` filter per network,
betweenness computed again for every table, ``value_counts`` for the Blau index). The new
code must give the same networks (nodes, edges, attributes, in the same order) and the same
tables, bit for bit (``check_exact``), on the example project and on random tables with
the awkward cases: organisations joining and leaving, waves without date, ties to inactive or
unknown organisations, self-ties, repeated rows, missing frequencies and rating items.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from evaluation import columns as C
from evaluation import network as N
from evaluation.network.graphs import _check_columns

from .frames import assert_same_frame

EXAMPLE = Path(__file__).resolve().parents[1] / "surveys" / "example"
DATES = {"w1": dt.date(2024, 3, 1), "w2": dt.date(2025, 3, 1), "w3": dt.date(2026, 3, 1)}

# -- the implementation before vectorisation ------------------------------------------------


def _old_active_mask(roster: pd.DataFrame, date: dt.date | None) -> pd.Series:
    if date is None:
        return pd.Series(True, index=roster.index)
    stamp = pd.Timestamp(date)
    joined = pd.to_datetime(roster["joined"])
    left = pd.to_datetime(roster["left"]) if "left" in roster else pd.Series(pd.NaT,
                                                                               index=roster.index)
    return ((joined.isna() | (joined <= stamp)) & (left.isna() | (left > stamp))).astype(bool)


def _old_active_organisations(roster: pd.DataFrame, *, site: str,
                              date: dt.date | None) -> pd.DataFrame:
    _check_columns(roster, (C.ORGANISATION, C.SITE, C.ACTOR_TYPE, "joined"), "roster")
    rows = roster[(roster[C.SITE] == site).to_numpy(dtype=bool)]
    rows = rows[_old_active_mask(rows, date).to_numpy(dtype=bool)]
    return rows.sort_values(C.ORGANISATION, kind="stable")


def _old_build_network(ties: pd.DataFrame, roster: pd.DataFrame, *, site: str, wave: str,
                       date: dt.date | None, min_frequency: int = 1,
                       min_collaboration: int = 0) -> N.SiteNetwork:
    for name, value in (("min_frequency", min_frequency),
                        ("min_collaboration", min_collaboration)):
        if not 0 <= value <= 5:
            raise N.NetworkInputError(f"{name} must be a level from 0 to 5, got {value!r}")
    _check_columns(ties, (C.SITE, C.WAVE, "ego", "alter", "collaboration"), "ties")
    active = _old_active_organisations(roster, site=site, date=date)
    graph = nx.DiGraph()
    for row in active.itertuples(index=False):
        org = getattr(row, C.ORGANISATION)
        graph.add_node(org, actor_type=getattr(row, C.ACTOR_TYPE),
                       name=getattr(row, "name", org), respondent=False)
    rows = ties[((ties[C.SITE] == site) & (ties[C.WAVE] == wave)).to_numpy(dtype=bool)]
    respondents = frozenset(str(o) for o in rows["ego"] if o in graph)
    for org in respondents:
        graph.nodes[org]["respondent"] = True
    level = pd.to_numeric(rows["collaboration"], errors="coerce")
    contact = (pd.to_numeric(rows["frequency"], errors="coerce") if "frequency" in rows
               else pd.Series(np.nan, index=rows.index))
    keep = (level >= min_collaboration) & (contact.isna() | (contact >= min_frequency))
    present = rows[keep.to_numpy(dtype=bool)]
    excluded = 0
    frequency = contact[keep.to_numpy(dtype=bool)]
    for ego, alter, collab, freq in zip(present["ego"], present["alter"],
                                        present["collaboration"], frequency, strict=True):
        if ego == alter:
            continue
        if ego not in graph or alter not in graph:
            excluded += 1
            continue
        graph.add_edge(ego, alter, collaboration=int(collab),
                       frequency=None if pd.isna(freq) else int(freq))
    return N.SiteNetwork(site=site, wave=wave, date=date, graph=graph,
                         respondents=respondents, ties_excluded=excluded)


def _old_build_networks(ties: pd.DataFrame, roster: pd.DataFrame, *,
                        wave_dates: Mapping[str, dt.date | None],
                        sites: Sequence[str] | None = None, min_frequency: int = 1,
                        min_collaboration: int = 0) -> dict[tuple[str, str], N.SiteNetwork]:
    if sites is None:
        sites = sorted(roster[C.SITE].dropna().unique())
    return {(site, wave): _old_build_network(ties, roster, site=site, wave=wave, date=date,
                                             min_frequency=min_frequency,
                                             min_collaboration=min_collaboration)
            for site in sites for wave, date in wave_dates.items()}


def _old_blau_index(categories: Iterable[Any]) -> float:
    counts = pd.Series(list(categories)).value_counts(dropna=True).to_numpy(dtype=float)
    total = counts.sum()
    if total == 0:
        return float("nan")
    return float(1.0 - ((counts / total) ** 2).sum())


def _old_network_metrics(network: N.SiteNetwork, *, n_categories: int = len(N.ACTOR_TYPES),
                         sectors: Mapping[str, str] = N.ACTOR_TYPE_SECTORS) -> N.NetworkMetrics:
    from evaluation.network.metrics import _cross_share, _reciprocity

    graph = network.graph
    n = graph.number_of_nodes()
    m = graph.number_of_edges()
    types = [a.get(C.ACTOR_TYPE) for _, a in graph.nodes(data=True)]
    betweenness = nx.betweenness_centrality(graph, normalized=True) if n else {}
    return N.NetworkMetrics(
        site=network.site, wave=network.wave, n_organisations=n,
        n_respondents=network.n_respondents, coverage=network.coverage, n_ties=m,
        density=m / (n * (n - 1)) if n > 1 else float("nan"),
        reciprocity=_reciprocity(graph),
        degree_centralisation=N.degree_centralisation(graph),
        betweenness_max=float(max(betweenness.values())) if n > 2 else float("nan"),
        n_isolates=sum(1 for _ in nx.isolates(graph)),
        n_components=nx.number_weakly_connected_components(graph) if n else 0,
        blau=_old_blau_index(types),
        iqv=_old_blau_index(types) * n_categories / (n_categories - 1),
        cross_type_share=_cross_share(graph, None),
        cross_sector_share=_cross_share(graph, sectors),
    )


def _old_network_table(networks: Mapping[tuple[str, str], N.SiteNetwork], *,
                       n_categories: int = len(N.ACTOR_TYPES)) -> pd.DataFrame:
    rows = []
    for network in networks.values():
        metrics = _old_network_metrics(network, n_categories=n_categories)
        for metric in N.NETWORK_METRICS:
            rows.append({C.SITE: network.site, C.WAVE: network.wave, N.METRIC: metric,
                         C.VALUE: float(getattr(metrics, metric)),
                         N.N_ORGANISATIONS: metrics.n_organisations,
                         N.N_RESPONDENTS: metrics.n_respondents, N.COVERAGE: metrics.coverage})
    return pd.DataFrame(rows, columns=[C.SITE, C.WAVE, N.METRIC, C.VALUE, N.N_ORGANISATIONS,
                                       N.N_RESPONDENTS, N.COVERAGE])


def _old_organisation_table(networks: Mapping[tuple[str, str], N.SiteNetwork]) -> pd.DataFrame:
    columns = [C.SITE, C.WAVE, C.ORGANISATION, C.ACTOR_TYPE, "respondent", "in_degree",
               "out_degree", N.BETWEENNESS, "isolate", N.RANK]
    rows = []
    for network in networks.values():
        graph = network.graph
        if graph.number_of_nodes() == 0:
            continue
        betweenness = nx.betweenness_centrality(graph, normalized=True)
        order = sorted(graph.nodes, key=lambda o, b=betweenness: (-b[o], str(o)))
        rank = {org: i + 1 for i, org in enumerate(order)}
        for org in sorted(graph.nodes, key=str):
            attrs = graph.nodes[org]
            rows.append({C.SITE: network.site, C.WAVE: network.wave, C.ORGANISATION: org,
                         C.ACTOR_TYPE: attrs.get(C.ACTOR_TYPE),
                         "respondent": bool(attrs.get("respondent")),
                         "in_degree": int(graph.in_degree(org)),
                         "out_degree": int(graph.out_degree(org)),
                         N.BETWEENNESS: float(betweenness[org]),
                         "isolate": graph.degree(org) == 0, N.RANK: rank[org]})
    return pd.DataFrame(rows, columns=columns)


def _old_brokers(networks: Mapping[tuple[str, str], N.SiteNetwork], *,
                 top: int = 3) -> pd.DataFrame:
    table = _old_organisation_table(networks)
    keep = (table[N.RANK] <= top) & (table[N.BETWEENNESS] > 0)
    return table[keep].sort_values([C.SITE, C.WAVE, N.RANK], kind="stable").reset_index(
        drop=True)


def _old_active_ties(ties: pd.DataFrame, roster: pd.DataFrame,
                     wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    keep = pd.Series(False, index=ties.index)
    for wave, date in wave_dates.items():
        active = roster[_old_active_mask(roster, date).to_numpy(dtype=bool)]
        home = dict(zip(active[C.ORGANISATION], active[C.SITE], strict=True))
        in_wave = ties[C.WAVE] == wave
        ego_ok = ties["ego"].map(home) == ties[C.SITE]
        alter_ok = ties["alter"].map(home) == ties[C.SITE]
        keep |= (in_wave & ego_ok & alter_ok).fillna(False).astype(bool)
    return ties[keep.to_numpy(dtype=bool)]


def _old_coverage_frame(ties: pd.DataFrame, roster: pd.DataFrame,
                        wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    rows = []
    for site in sorted(roster[C.SITE].dropna().unique()):
        for wave, date in wave_dates.items():
            active = set(_old_active_organisations(roster, site=site, date=date)[C.ORGANISATION])
            egos = set(ties.loc[((ties[C.SITE] == site) & (ties[C.WAVE] == wave))
                                .to_numpy(dtype=bool), "ego"]) & active
            rows.append({C.SITE: site, C.WAVE: wave, N.N_ORGANISATIONS: len(active),
                         N.N_RESPONDENTS: len(egos),
                         N.COVERAGE: len(egos) / len(active) if active else float("nan")})
    return pd.DataFrame(rows, columns=[C.SITE, C.WAVE, N.N_ORGANISATIONS, N.N_RESPONDENTS,
                                       N.COVERAGE])


def _old_tie_ratings(ties: pd.DataFrame, roster: pd.DataFrame, *,
                     wave_dates: Mapping[str, dt.date | None], min_raters: int = 3,
                     min_items: int = 2) -> pd.DataFrame:
    columns = [C.SITE, C.WAVE, C.ORGANISATION, C.ACTOR_TYPE, N.METRIC, C.N, C.MEAN, C.SD,
               N.SUPPRESSED]
    rows = _old_active_ties(ties, roster, wave_dates)
    types = dict(zip(roster[C.ORGANISATION], roster[C.ACTOR_TYPE], strict=True))
    parts = []
    for metric, items in (("trust", N.TRUST_ITEMS), ("value", N.VALUE_ITEMS)):
        present = [i for i in items if i in rows]
        if not present:
            continue
        values = rows[present].apply(pd.to_numeric, errors="coerce").astype(float)
        score = values.mean(axis=1).where(values.notna().sum(axis=1) >= min_items)
        frame = pd.DataFrame({C.SITE: rows[C.SITE], C.WAVE: rows[C.WAVE],
                              C.ORGANISATION: rows["alter"], "ego": rows["ego"],
                              "score": score}).dropna(subset=["score"])
        grouped = frame.groupby([C.SITE, C.WAVE, C.ORGANISATION], sort=True)["score"]
        summary = grouped.agg(n="count", mean="mean", sd="std").reset_index()
        summary[N.METRIC] = metric
        parts.append(summary)
    if not parts:
        return pd.DataFrame(columns=columns)
    table = pd.concat(parts, ignore_index=True)
    table[C.ACTOR_TYPE] = table[C.ORGANISATION].map(types)
    table[N.SUPPRESSED] = table[C.N] < min_raters
    table.loc[table[N.SUPPRESSED], [C.MEAN, C.SD]] = np.nan
    table = table.sort_values([C.SITE, C.WAVE, N.METRIC, C.ORGANISATION], kind="stable")
    return table[columns].reset_index(drop=True)


def _old_collaboration_levels(ties: pd.DataFrame, roster: pd.DataFrame, *,
                              wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    rows = _old_active_ties(ties, roster, wave_dates)
    coverage = _old_coverage_frame(ties, roster, wave_dates)
    level = pd.to_numeric(rows["collaboration"], errors="coerce")
    counts = (pd.DataFrame({C.SITE: rows[C.SITE], C.WAVE: rows[C.WAVE], N.LEVEL: level})
              .dropna().astype({N.LEVEL: int})
              .groupby([C.SITE, C.WAVE, N.LEVEL]).size())
    out = []
    for cov in coverage.itertuples(index=False):
        site, wave = getattr(cov, C.SITE), getattr(cov, C.WAVE)
        total = sum(int(counts.get((site, wave, lv), 0)) for lv in N.COLLABORATION_LEVELS)
        for lv in N.COLLABORATION_LEVELS:
            n = int(counts.get((site, wave, lv), 0))
            out.append({C.SITE: site, C.WAVE: wave, N.LEVEL: lv, C.N: n,
                        N.SHARE: n / total if total else float("nan"),
                        N.N_ORGANISATIONS: getattr(cov, N.N_ORGANISATIONS),
                        N.N_RESPONDENTS: getattr(cov, N.N_RESPONDENTS),
                        N.COVERAGE: getattr(cov, N.COVERAGE)})
    return pd.DataFrame(out, columns=[C.SITE, C.WAVE, N.LEVEL, C.N, N.SHARE,
                                      N.N_ORGANISATIONS, N.N_RESPONDENTS, N.COVERAGE])


def _old_partner_retention(roster: pd.DataFrame, *,
                           wave_dates: Mapping[str, dt.date | None]) -> pd.DataFrame:
    dated = [(w, d) for w, d in wave_dates.items() if d is not None]
    rows = []
    for site in sorted(roster[C.SITE].dropna().unique()):
        for (w1, d1), (w2, d2) in pairwise(dated):
            a = set(_old_active_organisations(roster, site=site, date=d1)[C.ORGANISATION])
            b = set(_old_active_organisations(roster, site=site, date=d2)[C.ORGANISATION])
            rows.append({C.SITE: site, C.WAVE: w2, N.PREVIOUS_WAVE: w1, "n_before": len(a),
                         "n_retained": len(a & b), "n_left": len(a - b),
                         "n_joined": len(b - a), "n_after": len(b),
                         "retention": len(a & b) / len(a) if a else float("nan")})
    return pd.DataFrame(rows, columns=[C.SITE, C.WAVE, N.PREVIOUS_WAVE, "n_before",
                                       "n_retained", "n_left", "n_joined", "n_after",
                                       "retention"])


# -- comparison helpers and inputs ----------------------------------------------------------


def assert_same_networks(new: Mapping[tuple[str, str], N.SiteNetwork],
                         old: Mapping[tuple[str, str], N.SiteNetwork]) -> None:
    """Same keys, nodes, edges and attributes, all in the same order."""
    assert list(new) == list(old)
    for key, a in new.items():
        b = old[key]
        assert (a.site, a.wave, a.date, a.respondents, a.ties_excluded) == (
            b.site, b.wave, b.date, b.respondents, b.ties_excluded), key
        assert [(n, list(d.items())) for n, d in a.graph.nodes(data=True)] == [
            (n, list(d.items())) for n, d in b.graph.nodes(data=True)], key
        assert [(u, v, list(d.items())) for u, v, d in a.graph.edges(data=True)] == [
            (u, v, list(d.items())) for u, v, d in b.graph.edges(data=True)], key
        assert {n: list(a.graph.pred[n]) for n in a.graph} == {
            n: list(b.graph.pred[n]) for n in b.graph}, key


def random_tables(seed: int, *, frequency: bool = True,
                  names: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Roster and ties of three sites with every awkward case drawn at random."""
    rng = np.random.default_rng(seed)
    actor_types = [*N.ACTOR_TYPES, None]
    roster_rows = []
    for site in ("S1", "S2", "S3"):
        for k in range(int(rng.integers(3, 10))):
            joined = pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(rng.integers(0, 1300)))
            left = (joined + pd.Timedelta(days=int(rng.integers(1, 900)))
                    if rng.random() < 0.3 else pd.NaT)
            roster_rows.append({
                C.ORGANISATION: f"{site}-{rng.integers(0, 99):02d}-{k}", C.SITE: site,
                "name": f"Org {site} {k}", C.ACTOR_TYPE: actor_types[rng.integers(0, 12)],
                "joined": pd.NaT if rng.random() < 0.1 else joined, "left": left})
    roster = pd.DataFrame(roster_rows).sample(frac=1.0, random_state=seed)
    roster = roster.reset_index(drop=True)
    if not names:
        roster = roster.drop(columns="name")
    orgs = roster.groupby(C.SITE)[C.ORGANISATION].apply(list).to_dict()
    tie_rows = []
    for site in ("S1", "S2", "S3", "S4"):  # S4 has ties but no roster
        for wave in ("w1", "w2", "w3"):
            mine = orgs.get(site, ["S4-A", "S4-B"])
            for _ in range(int(rng.integers(0, 25))):
                ego = mine[rng.integers(0, len(mine))]
                pool = [*mine, "unknown", orgs["S1"][0]]
                alter = ego if rng.random() < 0.05 else pool[rng.integers(0, len(pool))]
                row = {C.SITE: site, C.WAVE: wave, "ego": ego, "alter": alter,
                       "frequency": pd.NA if rng.random() < 0.1 else int(rng.integers(0, 6)),
                       "collaboration": int(rng.integers(0, 6))}
                for item in (*N.TRUST_ITEMS, *N.VALUE_ITEMS):
                    row[item] = pd.NA if rng.random() < 0.2 else int(rng.integers(1, 5))
                tie_rows.append(row)
                if rng.random() < 0.05:
                    tie_rows.append(dict(row, collaboration=int(rng.integers(0, 6))))
    ties = pd.DataFrame(tie_rows)
    for column in ("frequency", "collaboration", *N.TRUST_ITEMS, *N.VALUE_ITEMS):
        ties[column] = ties[column].astype("Int64")
    if not frequency:
        ties = ties.drop(columns="frequency")
    return roster, ties


WAVE_DATES = [DATES, {"w1": DATES["w1"], "w2": None, "w3": DATES["w3"]}]


# -- tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dates", WAVE_DATES, ids=["dated", "undated_w2"])
def test_networks_equal_the_site_by_site_construction_on_random_tables(seed, dates) -> None:
    roster, ties = random_tables(seed, frequency=seed % 2 == 0, names=seed % 3 != 0)
    for min_frequency, min_collaboration in ((1, 0), (0, 0), (2, 3)):
        new = N.build_networks(ties, roster, wave_dates=dates, min_frequency=min_frequency,
                               min_collaboration=min_collaboration)
        old = _old_build_networks(ties, roster, wave_dates=dates, min_frequency=min_frequency,
                                  min_collaboration=min_collaboration)
        assert_same_networks(new, old)
    sites = ["S2", "S4", "S1"]
    assert_same_networks(N.build_networks(ties, roster, wave_dates=dates, sites=sites),
                         _old_build_networks(ties, roster, wave_dates=dates, sites=sites))
    one = N.build_network(ties, roster, site="S1", wave="w2", date=dates["w2"])
    assert_same_networks({("S1", "w2"): one},
                         {("S1", "w2"): _old_build_network(ties, roster, site="S1", wave="w2",
                                                           date=dates["w2"])})


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dates", WAVE_DATES, ids=["dated", "undated_w2"])
def test_network_tables_equal_the_site_by_site_tables_on_random_tables(seed, dates) -> None:
    roster, ties = random_tables(seed)
    networks = N.build_networks(ties, roster, wave_dates=dates)
    assert_same_frame(N.network_table(networks, n_categories=11),
                      _old_network_table(networks, n_categories=11))
    assert_same_frame(N.organisation_table(networks), _old_organisation_table(networks))
    assert_same_frame(N.brokers(networks, top=2), _old_brokers(networks, top=2))
    assert_same_frame(N.tie_ratings(ties, roster, wave_dates=dates, min_raters=2),
                      _old_tie_ratings(ties, roster, wave_dates=dates, min_raters=2))
    assert_same_frame(N.collaboration_levels(ties, roster, wave_dates=dates),
                      _old_collaboration_levels(ties, roster, wave_dates=dates))
    assert_same_frame(N.partner_retention(roster, wave_dates=dates),
                      _old_partner_retention(roster, wave_dates=dates))
    for date in (*dates.values(), dt.date(2030, 1, 1)):
        pd.testing.assert_series_equal(N.active_mask(roster, date),
                                       _old_active_mask(roster, date))


def test_active_mask_reads_dates_given_as_text_as_before() -> None:
    roster, _ = random_tables(1)
    text = roster.assign(joined=roster["joined"].dt.strftime("%Y-%m-%d"),
                         left=roster["left"].dt.strftime("%Y-%m-%d"))
    for date in DATES.values():
        pd.testing.assert_series_equal(N.active_mask(text, date), _old_active_mask(text, date))
        pd.testing.assert_series_equal(N.active_mask(text, date),
                                       N.active_mask(roster, date))


def test_blau_index_equals_value_counts_for_ties_in_the_counts() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        size = int(rng.integers(0, 40))
        categories = [None if rng.random() < 0.1 else f"t{rng.integers(0, 11)}"
                      for _ in range(size)]
        new, old = N.blau_index(categories), _old_blau_index(categories)
        assert (np.isnan(new) and np.isnan(old)) or new == old


def test_a_wave_without_date_still_warns_once_per_site(caplog) -> None:
    roster, ties = random_tables(2)
    with caplog.at_level(logging.WARNING, logger="evaluation"):
        N.build_networks(ties, roster, wave_dates={"w1": None, "w2": DATES["w2"]})
    warnings = [r for r in caplog.records if "no date" in r.getMessage()]
    assert len(warnings) == 3  # sites S1, S2, S3 of the roster


@pytest.mark.skipif(not (EXAMPLE / "project.yml").is_file(),
                    reason="synthetic example project not generated")
def test_analyse_networks_equals_the_site_by_site_analysis_on_the_example() -> None:
    from evaluation.config.project import load_project
    from evaluation.io.participation import load_participation

    project = load_project(EXAMPLE)
    data = load_participation(project)
    dates = N.wave_dates(project)
    ties, roster = data.ties, data.roster
    result = N.analyse_networks(data, project)
    old = _old_build_networks(ties, roster, wave_dates=dates, sites=list(project.site_keys))
    assert_same_networks(result.networks, old)
    actor = project.codebook.attributes.get(C.ACTOR_TYPE)
    n_categories = len(actor.keys()) if actor is not None else len(N.ACTOR_TYPES)
    min_raters = project.privacy.min_raters_per_organisation
    assert_same_frame(result.metrics, _old_network_table(old, n_categories=n_categories))
    assert_same_frame(result.organisations, _old_organisation_table(old))
    assert_same_frame(result.brokers, _old_brokers(old))
    assert_same_frame(result.tie_ratings, _old_tie_ratings(ties, roster, wave_dates=dates,
                                                           min_raters=min_raters))
    assert_same_frame(result.collaboration_levels,
                      _old_collaboration_levels(ties, roster, wave_dates=dates))
    assert_same_frame(result.tie_changes, N.tie_changes(old, waves=list(dates)))
    assert_same_frame(result.partner_retention,
                      _old_partner_retention(roster, wave_dates=dates))
