"""One site's partner report as an Excel workbook, built from its :class:`SiteView`.

The view is the privacy boundary (:mod:`evaluation.report.view`): the workbook shows only what
the view holds, and of that only what the partner report shows. Figures below the k rule are
empty cells, never numbers; a view with ``shown=False`` gives the explanation sheet alone,
saying that too few people answered. Sheets (names in German, or English with
``language="en"``):

``Erläuterungen``            project, site, wave, date, data basis, the rules (k, comparison
                             group, intervals) and what every sheet and column means
``Profil``                   each scale: answers, mean, 95 % interval, the other
                             municipalities' value, the difference and its assessment in words
``Veränderung``              change since the latest earlier wave with enough answers
``Veränderung seit Beginn``  change since the first wave, where that is another wave
``Verlauf``                  the site's mean per scale in every wave so far
``Herausforderungen``        agreement with the challenge statements
``Beteiligung``, ``Beteiligung nach Format``   participation in events
``Ideen``, ``Ziele``         the site's ideas and goals

Numbers are stored unrounded and shown with two decimals (means) or as percent (shares).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.export.site_words import (
    CHALLENGE_WORDS,
    IDEA_STATUS,
    PARTICIPATION_METRICS,
    assessment,
    change_words,
    explanation,
    word,
)
from evaluation.export.workbook import (
    COUNT_FORMAT,
    MEAN_FORMAT,
    SHARE_FORMAT,
    add_table,
    add_text_sheet,
    new_workbook,
    save_workbook,
    unique_sheet_names,
)
from evaluation.language import check_language
from evaluation.numbers import finite_or_none
from evaluation.participation import QUADRANTS
from evaluation.render import source_date
from evaluation.report import MIN_POOL_SITES, SiteView

__all__ = ["write_site_workbook"]


@dataclass(frozen=True)
class Sheet:
    """One data sheet: its name, table, number formats by header, and what it shows."""

    key: str
    name: str
    frame: pd.DataFrame
    formats: dict[str, str]
    about: str
    columns: dict[str, str]  # header -> meaning


def _label(row: pd.Series, language: str) -> str:
    return str(row["label_de"] if language == "de" else row["label_en"])


def _count(value: Any) -> int | None:
    number = finite_or_none(value)
    return None if number is None else int(number)


def _kind(value: object, language: str) -> str:
    return word("kind_" + str(value), language) if str(value) in ("factor", "outcome") \
        else str(value)


def _builder(language: str) -> Callable[..., tuple[str, str]]:
    """``h("mean", ...)``: the header of a column and its meaning on the explanation sheet."""
    def header(key: str, **values: Any) -> tuple[str, str]:
        return word(key, language, **values), word(f"{key}_means", language, **values)
    return header


def _profile(view: SiteView, language: str) -> Sheet | None:
    rows = view.factors
    if rows.empty:
        return None
    h = _builder(language)
    pool = view.pool_shown
    columns = [h("area"), h("kind"), h("answers"),
               h("mean", scale=view.labels.ends_text(language)), h("ci_low"), h("ci_high"),
               h("benchmark", pool=MIN_POOL_SITES), h("difference"), h("assessment")]
    values = [
        [_label(r, language) for _, r in rows.iterrows()],
        [_kind(k, language) for k in rows["kind"]],
        [None if r["suppressed"] else _count(r["n"]) for _, r in rows.iterrows()],
        *([None if r["suppressed"] else finite_or_none(r[c]) for _, r in rows.iterrows()]
          for c in ("mean", "ci_low", "ci_high")),
        *([finite_or_none(r[c]) if pool and not r["suppressed"] else None
           for _, r in rows.iterrows()] for c in ("benchmark", "difference")),
        [assessment(r, pool_shown=pool, language=language) for _, r in rows.iterrows()],
    ]
    return _sheet("profile", columns, values, language,
                  formats={2: COUNT_FORMAT, 3: MEAN_FORMAT, 4: MEAN_FORMAT, 5: MEAN_FORMAT,
                           6: MEAN_FORMAT, 7: MEAN_FORMAT},
                  about=word("profile_about", language))


def _change(view: SiteView, table: pd.DataFrame, key: str, language: str) -> Sheet | None:
    if table.empty:
        return None
    h = _builder(language)
    since = view.labels.wave_label(str(table["wave_from"].iloc[0]), language)
    now = view.labels.wave_label(view.wave, language)
    columns = [h("area"), h("kind"), h("answers_in", wave=since), h("answers_in", wave=now),
               h("mean_in", wave=since), h("mean_in", wave=now), h("change"),
               h("ci_low"), h("ci_high"), h("assessment")]
    values = [
        [_label(r, language) for _, r in table.iterrows()],
        [_kind(k, language) for k in table["kind"]],
        *([_count(v) for v in table[c]] for c in ("n_from", "n_to")),
        *([finite_or_none(v) for v in table[c]] for c in ("mean_from", "mean_to", "difference",
                                                   "ci_low", "ci_high")),
        [change_words(r["difference"], bool(r["clear"]),
                      view.labels.scale(str(r["scale"])).higher_is_better, language)
         for _, r in table.iterrows()],
    ]
    return _sheet(key, columns, values, language,
                  formats={2: COUNT_FORMAT, 3: COUNT_FORMAT, 4: MEAN_FORMAT, 5: MEAN_FORMAT,
                           6: MEAN_FORMAT, 7: MEAN_FORMAT, 8: MEAN_FORMAT},
                  about=word(f"{key}_about", language, since=since, now=now))


def _trend(view: SiteView, language: str) -> Sheet | None:
    waves = [c for c in view.trend.columns if c not in ("scale", "kind", "label_de", "label_en")]
    if len(waves) < 2 or view.trend.empty:
        return None
    h = _builder(language)
    columns = [h("area"), h("kind"),
               *(h("mean_in", wave=view.labels.wave_label(w, language)) for w in waves)]
    values = [[_label(r, language) for _, r in view.trend.iterrows()],
              [_kind(k, language) for k in view.trend["kind"]],
              *([finite_or_none(v) for v in view.trend[w]] for w in waves)]
    return _sheet("trend", columns, values, language,
                  formats={2 + i: MEAN_FORMAT for i in range(len(waves))},
                  about=word("trend_about", language, k=view.k))


def _challenges(view: SiteView, language: str) -> Sheet | None:
    rows = view.challenges
    if rows.empty:
        return None
    h = _builder(language)
    pool = view.pool_shown
    columns = [h("statement"), h("answers"), h("agree", agree=view.labels.agree_text(language)),
               h("ci_low"), h("ci_high"), h("agree_others"), h("assessment")]
    values = [
        [_label(r, language) for _, r in rows.iterrows()],
        [_count(v) for v in rows["n"]],
        *([finite_or_none(v) for v in rows[c]] for c in ("share_agree", "share_ci_low",
                                                  "share_ci_high")),
        [finite_or_none(v) if pool else None for v in rows["others_share_agree"]],
        # only the flag the report marks; no flag is no judgement (as on the page: empty)
        [word(CHALLENGE_WORDS["higher"], language) if f == "higher"
         else None if pool else word(CHALLENGE_WORDS["no_pool"], language)
         for f in rows["flag"]],
    ]
    return _sheet("challenges", columns, values, language,
                  formats={1: COUNT_FORMAT, 2: SHARE_FORMAT, 3: SHARE_FORMAT, 4: SHARE_FORMAT,
                           5: SHARE_FORMAT},
                  about=word("challenges_about", language))


def _participation(view: SiteView, language: str) -> Sheet | None:
    metrics = [(m, view.participation[m]) for m in PARTICIPATION_METRICS
               if finite_or_none(view.participation.get(m)) is not None]
    if not metrics:
        return None
    h = _builder(language)
    columns = [h("measure"), h("count"), h("share")]
    values = [[word(f"metric_{m}", language) for m, _ in metrics],
              [None if PARTICIPATION_METRICS[m] else _count(v) for m, v in metrics],
              [finite_or_none(v) if PARTICIPATION_METRICS[m] else None for m, v in metrics]]
    return _sheet("participation", columns, values, language,
                  formats={1: COUNT_FORMAT, 2: SHARE_FORMAT},
                  about=word("participation_about", language))


def _events(view: SiteView, language: str) -> Sheet | None:
    events = view.participation_by_event
    if events.empty:
        return None
    h = _builder(language)
    columns = [h("event_type"), h("n_events"), h("n_attendances"), h("attendees"),
               h("decision_share", k=view.k)]
    values = [[view.labels.event_type(str(e), language) for e in events["event_type"]],
              *([_count(v) for v in events[c]] for c in ("n_events", "n_attendances",
                                                         "attendees")),
              [finite_or_none(v) for v in events["decision_maker_share"]]]
    return _sheet("events", columns, values, language,
                  formats={1: COUNT_FORMAT, 2: COUNT_FORMAT, 3: COUNT_FORMAT, 4: SHARE_FORMAT},
                  about=word("events_about", language))


def _ideas(view: SiteView, language: str) -> Sheet | None:
    ideas = view.ideas
    if ideas.empty:
        return None
    h = _builder(language)
    i = 0 if language == "de" else 1

    def rated(row: pd.Series) -> bool:  # the view hides the ratings of fewer than k raters
        return pd.notna(row.get("quadrant"))

    def group(row: pd.Series) -> str:
        if rated(row):
            return QUADRANTS[str(row["quadrant"])][i]
        few = (_count(row.get("n_raters")) or 0) > 0
        return word("rated_by_few" if few else "not_rated", language, k=view.k)

    columns = [h("idea"), h("idea_id"), h("status"), h("raters"), h("feasibility"),
               h("impact"), h("group")]
    values = [[str(t) for t in ideas["title"]], [str(t) for t in ideas["idea"]],
              [word(IDEA_STATUS[str(s)], language) if str(s) in IDEA_STATUS else str(s)
               for s in ideas["status"]],
              [_count(r.get("n_raters")) if rated(r) else None for _, r in ideas.iterrows()],
              *([finite_or_none(r.get(c)) if rated(r) else None for _, r in ideas.iterrows()]
                for c in ("feasibility", "impact")),
              [group(r) for _, r in ideas.iterrows()]]
    return _sheet("ideas", columns, values, language,
                  formats={3: COUNT_FORMAT, 4: MEAN_FORMAT, 5: MEAN_FORMAT},
                  about=word("ideas_about", language, k=view.k))


def _goals(view: SiteView, language: str) -> Sheet | None:
    goals = view.goals
    if goals.empty:
        return None
    h = _builder(language)
    columns = [h("goal"), h("stage_targeted"), h("stage_reached"), h("reached")]
    values = [[str(t) for t in goals["title"]],
              *([_count(v) for v in goals[c]] for c in ("stage_targeted", "stage_reached")),
              [word("yes" if bool(v) else "no", language) if pd.notna(v) else None
               for v in goals["reached"]]]
    return _sheet("goals", columns, values, language,
                  formats={1: COUNT_FORMAT, 2: COUNT_FORMAT},
                  about=word("goals_about", language))


def _sheet(key: str, columns: list[tuple[str, str]], values: list[list[Any]], language: str,
           *, formats: dict[int, str], about: str) -> Sheet:
    headers = [c[0] for c in columns]
    frame = pd.DataFrame(dict(zip(range(len(headers)), values, strict=True)), dtype=object)
    frame.columns = headers
    return Sheet(key=key, name=word(f"{key}_sheet", language), frame=frame,
                 formats={headers[j]: f for j, f in formats.items()}, about=about,
                 columns=dict(columns))


def site_sheets(view: SiteView, language: str = "de") -> list[Sheet]:
    """The data sheets of ``view`` in their order; none where the view is not shown."""
    language = check_language(language)
    if not view.shown:
        return []
    found = [_profile(view, language),
             _change(view, view.change, "change", language),
             _change(view, view.since_baseline, "baseline", language),
             _trend(view, language), _challenges(view, language),
             _participation(view, language), _events(view, language),
             _ideas(view, language), _goals(view, language)]
    return [s for s in found if s is not None]


def write_site_workbook(view: SiteView, path: str | Path, *, language: str = "de") -> Path:
    """Write the partner workbook of ``view`` (see the module notes) to ``path``.

    Parameters
    ----------
    view : evaluation.report.SiteView
        ``build_site_view(results, site, wave)``.
    path : path
        The ``.xlsx`` file; written atomically. The same view gives the same bytes: the
        workbook carries the view's report date (or ``SOURCE_DATE_EPOCH``), never the clock.
    language : {"de", "en"}
        Language of sheet names, headers and words.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    language = check_language(language)
    if not isinstance(view, SiteView):
        raise TypeError(f"write_site_workbook needs a SiteView, got {type(view).__name__}")
    sheets = site_sheets(view, language)
    names = unique_sheet_names([word("explanation_sheet", language), *(s.name for s in sheets)])
    rows, bold, titles = explanation(view, language, [
        (s.key, name, s.about, s.columns) for name, s in zip(names[1:], sheets, strict=True)])
    book = new_workbook()
    add_text_sheet(book, names[0], rows, widths=(42, 110), bold_rows=bold,
                   title_rows=titles)
    for name, sheet in zip(names[1:], sheets, strict=True):
        add_table(book, name, sheet.frame, formats=sheet.formats)
    title = word("title", language, site=view.site_name)
    return save_workbook(book, path, stamp=source_date(view.report_date), title=title)
