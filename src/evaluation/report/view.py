"""What one site's report may show: :class:`SiteView`, built from the results of a run.

The view is the privacy boundary of the partner report. It holds

- the site's own rows (scores against the benchmark, change, challenges, network,
  participation, ideas, goals) for one wave;
- the pool only as a distribution: the sorted means of the *other* shown sites, without
  their keys or names, their quantiles, and the benchmark (all respondents of the other
  shown sites); pool rows never include the site itself;
- pool-level model results that carry no site at all (drivers of synergy).

A site below the disclosure threshold k in the wave (``results.table("shown")``;
k = ``meta["min_group_size"]``, default 5) gets a view with ``shown=False`` and no numbers
at all, not even its count. The view never holds another site's key, name or attributes;
its :class:`~evaluation.report.labels.Labels` know only the site's own name. Open
benchmarking (naming other sites) is not offered by the partner report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.errors import ReportError
from evaluation.network import network_from_record
from evaluation.numbers import finite_or_none
from evaluation.peers import partner_peer_hints
from evaluation.report.chart_store import STORE_DIR
from evaluation.report.grammar import NameForms, german_forms
from evaluation.report.labels import Labels, labels_from_meta, min_group_size
from evaluation.report.network_matrix import MIN_PER_TYPE
from evaluation.results import Results
from evaluation.stats import weighted_mean, wilson_interval

#: Fewer other sites than this and the pool is not shown (its mean would be a site's mean).
MIN_POOL_SITES = 3
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)

FACTOR_COLUMNS = ["scale", "kind", "higher_is_better", "label_de", "label_en", "n",
                  "suppressed", "mean", "ci_low",
                  "ci_high", "benchmark", "difference", "difference_ci_low",
                  "difference_ci_high", "flag", "others", "n_other_sites", "others_mean",
                  "q10", "q25", "q50", "q75", "q90"]
CHANGE_COLUMNS = ["scale", "kind", "label_de", "label_en", "wave_from", "n_from", "n_to",
                  "mean_from", "mean_to", "difference", "ci_low", "ci_high", "clear"]
CHALLENGE_COLUMNS = ["item", "label_de", "label_en", "n", "mean", "share_agree",
                     "share_ci_low", "share_ci_high", "others_mean", "others_share_agree",
                     "n_other_sites", "flag"]
#: A challenge is flagged where the site's agreement share is clearly above the others': the
#: lower end of its 95 % Wilson interval above their share, by at least this much.
CHALLENGE_MARGIN = 0.10


@dataclass(frozen=True, kw_only=True)
class SiteView:
    """The partner-safe content of one site's report for one wave (see the module notes)."""

    site: str
    site_name: str
    wave: str
    #: the article the project gives the site's name (``der``, ``die``, ``das``, ``""``), or
    #: None: from the name's first word
    site_article: str | None = None
    labels: Labels
    k: int
    shown: bool
    synthetic: bool = False
    project: str = ""
    report_date: dt.date | None = None
    change_from: str | None = None  # wave the change is measured from
    n: int | None = None
    invited: int | None = None
    response_rate: float | None = None
    n_pool_sites: int = 0  # other sites that reach k in this wave
    factors: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FACTOR_COLUMNS))
    change: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    challenges: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=CHALLENGE_COLUMNS))
    network: Any = None  # evaluation.network.SiteNetwork of the site, or None
    network_metrics: dict[str, float] = field(default_factory=dict)
    network_changes: dict[str, float] = field(default_factory=dict)
    participation: dict[str, float] = field(default_factory=dict)
    participation_by_event: pd.DataFrame = field(default_factory=pd.DataFrame)
    ideas: pd.DataFrame = field(default_factory=pd.DataFrame)
    goals: pd.DataFrame = field(default_factory=pd.DataFrame)
    drivers: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: change from the first wave, where that is not the wave ``change`` starts from
    since_baseline: pd.DataFrame = field(default_factory=pd.DataFrame)
    # store of drawn charts shared by the site's editions (evaluation.report.chart_store)
    chart_store: Path | None = None
    #: the site's mean of every scale in every wave up to this one (columns: scale, kind,
    #: label_de, label_en and one per wave key; NaN where a wave had fewer than k answers)
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: learning-partner hints by language (:func:`evaluation.peers.partner_peer_hint`: peers
    #: named only where both sites agreed to open exchange)
    peer_hints: dict[str, list[str]] = field(default_factory=dict)
    #: who answers questions about the report (the project's ``contact``)
    contact: dict[str, str] = field(default_factory=dict)
    #: partner organisations kept, lost and gained between consecutive waves up to this one
    #: (columns of ``network_partner_retention``: wave, previous_wave, n_before, n_left,
    #: n_joined, n_after; a pair only where both waves reach k for the site)
    partner_changes: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def previous_wave(self) -> str | None:
        return self.labels.previous_wave(self.wave)

    @property
    def factor_rows(self) -> pd.DataFrame:
        return self.factors[self.factors["kind"] == "factor"]

    @property
    def names(self) -> NameForms:
        """The site's name with its article and case forms (German sentences)."""
        return german_forms(self.site_name, self.site_article)

    @property
    def pool_shown(self) -> bool:
        """Whether the pool is large enough to be shown at all."""
        return self.n_pool_sites >= MIN_POOL_SITES


def _rows(table: pd.DataFrame | None, **where: Any) -> pd.DataFrame:
    if table is None or table.empty:
        return pd.DataFrame()
    mask = pd.Series(True, index=table.index)
    for column, value in where.items():
        if column not in table:
            return table.iloc[0:0]
        mask &= table[column] == value
    return table[mask]


def _trend_table(results: Results, labels: Labels, site: str, wave: str) -> pd.DataFrame:
    """The site's means per scale over every wave up to ``wave`` (below k: NaN)."""
    order = list(labels.wave_keys)
    waves = order[:order.index(wave) + 1] if wave in order else [wave]
    table = results.table("site_vs_pool")
    own = table[(table[C.SITE] == site) & table[C.WAVE].isin(waves)]
    means = {(scale, w): np.nan if suppressed else float(mean)
             for scale, w, mean, suppressed in zip(own[C.SCALE], own[C.WAVE], own[C.MEAN],
                                                   own["suppressed"].astype(bool), strict=True)}
    rows = []
    for key in labels.scale_order(own[C.SCALE].unique()):
        info = labels.scale(key)
        record: dict[str, Any] = {"scale": key, "kind": info.kind, "label_de": info.label_de,
                                  "label_en": info.label_en}
        for w in waves:
            record[w] = means.get((key, w), np.nan)
        rows.append(record)
    return pd.DataFrame(rows, columns=["scale", "kind", "label_de", "label_en", *waves])


def _factor_table(results: Results, labels: Labels, site: str, wave: str) -> pd.DataFrame:
    table = results.table("site_vs_pool")
    in_wave = table[table[C.WAVE] == wave]
    own = in_wave[in_wave[C.SITE] == site]
    others = in_wave[(in_wave[C.SITE] != site) & ~in_wave["suppressed"].astype(bool)]
    own_rows = {key: row for key, row in zip(own[C.SCALE], own.to_dict("records"),
                                             strict=True)}
    other_means = {key: np.sort(part[C.MEAN].dropna().to_numpy(float))
                   for key, part in others.groupby(C.SCALE, sort=False)}
    rows = []
    for key in labels.scale_order(own[C.SCALE]):
        row = own_rows[key]
        info = labels.scale(key)
        means = other_means.get(key, np.array([], dtype=float))
        suppressed = bool(row["suppressed"])
        record: dict[str, Any] = {
            "scale": key, "kind": info.kind, "higher_is_better": info.higher_is_better,
            "label_de": info.label_de,
            "label_en": info.label_en, "n": None if suppressed else int(row[C.N]),
            "suppressed": suppressed, "others": tuple(float(m) for m in means),
            "n_other_sites": len(means),
            "others_mean": float(means.mean()) if len(means) else math.nan,
        }
        for q, name in zip(QUANTILES, ("q10", "q25", "q50", "q75", "q90"), strict=True):
            record[name] = float(np.quantile(means, q)) if len(means) else math.nan
        for column in ("mean", "ci_low", "ci_high", "benchmark", "difference",
                       "difference_ci_low", "difference_ci_high"):
            record[column] = math.nan if suppressed else finite_or_none(row[column])
        record["flag"] = "none" if suppressed else str(row.get("flag") or "none")
        rows.append(record)
    return pd.DataFrame(rows, columns=FACTOR_COLUMNS)


def _change_table(results: Results, labels: Labels, site: str, wave: str, *,
                  baseline: bool = False) -> tuple[pd.DataFrame, str | None]:
    """Change into ``wave`` from the latest earlier wave with data, or (``baseline``) from the
    first wave."""
    table = results.table("change")
    rows = _rows(table, level="site", site=site, wave_to=wave)
    if rows.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS), None
    rows = rows[~rows["suppressed"].astype(bool)]
    order = list(labels.wave_keys)
    earlier = [w for w in rows["wave_from"].unique() if w in order]
    if not earlier:
        return pd.DataFrame(columns=CHANGE_COLUMNS), None
    wave_from = (min if baseline else max)(earlier, key=order.index)
    rows = rows[rows["wave_from"] == wave_from]
    out = []
    for key in labels.scale_order(rows[C.SCALE]):
        row = rows[rows[C.SCALE] == key].iloc[0]
        info = labels.scale(key)
        low, high = finite_or_none(row[C.CI_LOW]), finite_or_none(row[C.CI_HIGH])
        out.append({"scale": key, "kind": info.kind, "label_de": info.label_de,
                    "label_en": info.label_en, "wave_from": wave_from,
                    "n_from": int(row["n_from"]), "n_to": int(row["n_to"]),
                    "mean_from": finite_or_none(row["mean_from"]),
                    "mean_to": finite_or_none(row["mean_to"]),
                    "difference": finite_or_none(row["difference"]), "ci_low": low,
                    "ci_high": high,
                    "clear": bool(low is not None and high is not None
                                  and (low > 0 or high < 0))})
    return pd.DataFrame(out, columns=CHANGE_COLUMNS), wave_from


def _challenge_table(results: Results, labels: Labels, site: str, wave: str) -> pd.DataFrame:
    table = results.table("challenges")
    in_wave = _rows(table, wave=wave)
    if in_wave.empty:
        return pd.DataFrame(columns=CHALLENGE_COLUMNS)
    # an item answered by fewer than k people at a site: no share for that site, and it
    # does not enter the other sites' average either (the k rule per item, as per scale)
    min_n = min_group_size(results.meta)
    valid = in_wave[~in_wave["suppressed"].astype(bool) & (in_wave[C.SITE] != "pool")
                    & (in_wave[C.N] >= min_n)]
    own = valid[valid[C.SITE] == site]
    others = valid[valid[C.SITE] != site]
    order = list(labels.challenge_keys)
    keys = sorted(own[C.ITEM].unique(), key=lambda k: (order.index(k) if k in order
                                                       else len(order), k))
    out = []
    for key in keys:
        row = own[own[C.ITEM] == key].iloc[0]
        rest = others[others[C.ITEM] == key]
        weight = rest[C.N].to_numpy(float)
        share = float(row["share_agree"])
        low, high = wilson_interval(share, int(row[C.N]))
        out.append({
            "item": key, "label_de": labels.item_label(key, "de"),
            "label_en": labels.item_label(key, "en"), "n": int(row[C.N]),
            "mean": float(row[C.MEAN]), "share_agree": share,
            "share_ci_low": low, "share_ci_high": high,
            "others_mean": weighted_mean(rest[C.MEAN], weight),
            "others_share_agree": weighted_mean(rest["share_agree"], weight),
            "n_other_sites": len(rest),
        })
        others_share = out[-1]["others_share_agree"]
        out[-1]["flag"] = ("higher" if len(rest) >= MIN_POOL_SITES and np.isfinite(others_share)
                           and low > others_share + CHALLENGE_MARGIN else "none")
    return pd.DataFrame(out, columns=CHALLENGE_COLUMNS)


def _metric_dict(table: pd.DataFrame | None, site: str, wave: str) -> dict[str, float]:
    rows = _rows(table, site=site, wave=wave)
    if rows.empty:
        return {}
    out = {str(m): float(v) for m, v in zip(rows["metric"], rows["value"], strict=True)}
    for extra in ("n_organisations", "n_respondents", "coverage"):
        if extra in rows:
            out[extra] = float(rows[extra].iloc[0])
    return out


def _by_event(table: pd.DataFrame | None, site: str, wave: str, *, k: int = 5
              ) -> pd.DataFrame:
    rows = _rows(table, site=site, wave=wave)
    if rows.empty:
        return pd.DataFrame()
    grouped = rows.groupby("event_type", sort=True).agg(
        n_events=("n_events", "max"), n_attendances=("n_attendances", "sum"),
        attendees=("attendees", "sum"), decision_makers=("decision_makers", "sum"))
    share = grouped["decision_makers"] / grouped["attendees"]
    # a share of fewer than k people would tell what each of them is: not shown
    grouped["decision_maker_share"] = share.where(grouped["attendees"] >= k)
    return grouped.reset_index()


def _between_shown_waves(rows: pd.DataFrame, shown_waves: set[str]) -> pd.DataFrame:
    """Rows of a change between waves (``wave``, ``previous_wave``) where the site reaches k
    in both: no change is reported against a wave below k."""
    if rows.empty or "previous_wave" not in rows:
        return rows
    return rows[rows[C.WAVE].astype(str).isin(shown_waves)
                & rows["previous_wave"].astype(str).isin(shown_waves)]


def _partner_changes(results: Results, site: str, wave: str, shown_waves: set[str],
                     waves: list[str]) -> pd.DataFrame:
    """The site's partner retention rows up to ``wave`` where both waves are shown."""
    rows = _rows(results.table("network_partner_retention"), site=site)
    if rows.empty or wave not in waves:
        return pd.DataFrame()
    rows = _between_shown_waves(rows[rows[C.WAVE].isin(waves[:waves.index(wave) + 1])],
                                shown_waves)
    columns = [C.WAVE, "previous_wave", "n_before", "n_left", "n_joined", "n_after"]
    rows = rows[columns]
    order = {w: i for i, w in enumerate(waves)}
    return rows.sort_values(C.WAVE, key=lambda s: s.map(order), kind="stable").reset_index(
        drop=True)


def _few_raters_hidden(ideas: pd.DataFrame, k: int) -> pd.DataFrame:
    """Ideas rated by fewer than ``k`` people keep their title and status but lose their
    means and their quadrant (the k rule, as for every other figure of the report)."""
    ideas = ideas.reset_index(drop=True).copy()
    if "n_raters" not in ideas:
        return ideas
    few = ideas["n_raters"].fillna(0).astype(int) < k
    for column in ("feasibility", "impact", "quadrant"):
        if column in ideas:
            ideas[column] = ideas[column].where(~few, None if column == "quadrant" else np.nan)
    return ideas


def _small_shares_hidden(metrics: dict[str, float], k: int) -> dict[str, float]:
    """Participation shares that describe fewer than k people or organisations removed."""
    out = dict(metrics)
    if out.get("attendees", 0) < k:
        out.pop("decision_maker_share", None)
    if out.get("n_attending", 0) < k:
        out.pop("mso_share_attending", None)
    share = out.get("mso_share_attending")
    if share is not None and 0 < round(share * out.get("n_attending", 0)) < MIN_PER_TYPE:
        # one or two migrant organisations: a share would single them out, as the network
        # picture merges groups that small (network_matrix.MIN_PER_TYPE)
        out.pop("mso_share_attending", None)
    return out


def build_site_view(results: Results, site: str, wave: str, *,
                    run_dir: str | Path | None = None) -> SiteView:
    """The :class:`SiteView` of ``site`` in ``wave`` (raises :class:`ReportError` if unknown).

    With ``run_dir`` (the run folder the results were loaded from), charts are drawn once
    and kept in its chart store for the site's other edition (see
    :mod:`evaluation.report.chart_store`).
    """
    meta = results.meta
    all_labels = labels_from_meta(meta, results.tables)
    counts = results.table("counts")
    if site not in set(counts[C.SITE]):
        raise ReportError(f"site {site!r} is not in the results; known sites: "
                          f"{', '.join(sorted(counts[C.SITE].unique()))}")
    if wave not in set(counts[C.WAVE]):
        raise ReportError(f"wave {wave!r} is not in the results; known waves: "
                          f"{', '.join(sorted(counts[C.WAVE].unique()))}")
    # the view knows only the site's own name: no other site can leak through its labels
    site_name = all_labels.site_name(site)
    labels = dataclasses.replace(all_labels, sites={site: site_name})
    k = min_group_size(meta)
    shown_table = results.table("shown")
    shown_rows = _rows(shown_table, site=site, wave=wave)
    shown = bool(len(shown_rows) and shown_rows["shown"].iloc[0])
    in_wave = shown_table[(shown_table[C.WAVE] == wave) & shown_table["shown"]]
    report_date = None
    if meta.get("report_date"):
        report_date = dt.date.fromisoformat(str(meta["report_date"])[:10])
    articles = {str(s.get("name")): s.get("article") for s in meta.get("sites") or ()}
    base = {"site": site, "site_name": site_name, "wave": wave, "labels": labels, "k": k,
            "site_article": articles.get(site_name),
            "synthetic": bool(meta.get("synthetic")), "project": str(meta.get("project") or ""),
            "report_date": report_date,
            "n_pool_sites": int((in_wave[C.SITE] != site).sum()),
            "contact": {str(k): str(v) for k, v in (meta.get("contact") or {}).items()},
            "chart_store": Path(run_dir) / STORE_DIR if run_dir is not None else None}
    if not shown:
        return SiteView(shown=False, **base)
    count = _rows(counts, site=site, wave=wave).iloc[0]
    change, change_from = _change_table(results, labels, site, wave)
    since_baseline, baseline = _change_table(results, labels, site, wave, baseline=True)
    if baseline == change_from:  # the baseline is the wave compared with anyway
        since_baseline = pd.DataFrame(columns=CHANGE_COLUMNS)
    record = next((r for r in results.objects.get("networks") or ()
                   if r["site"] == site and r["wave"] == wave), None)
    tie_changes = _rows(results.table("network_tie_changes"), site=site, wave=wave)
    ideas = _rows(results.table("idea_matrix"), site=site)
    if not ideas.empty:
        ideas = _few_raters_hidden(ideas.sort_values("rank", kind="stable"), k)
    goals = _rows(results.table("goal_progress"), site=site, wave=wave)
    factors = _factor_table(results, labels, site, wave)
    if base["n_pool_sites"] < MIN_POOL_SITES and not factors.empty:
        # too few other sites for a comparison: no site is marked above or below them
        factors = factors.assign(flag="none")
    drivers = _rows(results.table("drivers"), wave=wave)
    if not drivers.empty:
        keep = [c for c in ("factor", "estimate", "ci_low", "ci_high", "ci_excludes_zero",
                            "rank", "outcome", "n", "converged") if c in drivers]
        drivers = drivers[keep].reset_index(drop=True)
    peer_hints = {}
    site_shown = set(shown_table.loc[(shown_table[C.SITE] == site) & shown_table["shown"],
                                     C.WAVE].astype(str))
    partner_changes = _partner_changes(results, site, wave, site_shown, list(labels.wave_keys))
    tie_changes = _between_shown_waves(tie_changes, site_shown)
    if "site_vs_pool" in results.tables and base["n_pool_sites"] >= MIN_POOL_SITES:
        peer_hints = partner_peer_hints(site, results, wave=wave, name_forms={
            "de": lambda name: german_forms(name, articles.get(name)).nominative, "en": None})
    return SiteView(
        shown=True, **base, peer_hints=peer_hints, partner_changes=partner_changes,
        n=int(count[C.N]),
        invited=int(count["invited"]) if finite_or_none(count.get("invited")) else None,
        response_rate=finite_or_none(count.get("response_rate")),
        factors=factors,
        change=change, change_from=change_from, since_baseline=since_baseline,
        trend=_trend_table(results, labels, site, wave),
        challenges=_challenge_table(results, labels, site, wave),
        network=network_from_record(record) if record is not None else None,
        network_metrics=_metric_dict(results.table("network_metrics"), site, wave),
        network_changes=({c: float(tie_changes[c].iloc[0]) for c in
                          ("ties_before", "ties_after", "stable", "gained", "lost")
                          if c in tie_changes} if not tie_changes.empty else {}),
        participation=_small_shares_hidden(
            _metric_dict(results.table("participation_summary"), site, wave), k),
        participation_by_event=_by_event(results.table("participation_by_type"),
                                         site, wave, k=k),
        ideas=ideas.reset_index(drop=True),
        goals=goals.reset_index(drop=True),
        drivers=drivers,
    )
