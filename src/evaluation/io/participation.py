"""Participation data importers with schema checks.

Seven tables describe who takes part in what (docs/project.md); each is a CSV
or ``.xlsx`` file with the columns of :data:`SCHEMAS`. Reading collects every problem with file,
row, column, value and expectation; cross-table checks (a tie naming an organisation missing
from the roster, attendance at an unknown event) run in :func:`read_participation`.

Tidy result columns use the package vocabulary (:mod:`evaluation.columns`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.config import Project, normalise_text
from evaluation.errors import DataValidationError, InputFileError, Problem
from evaluation.io.readers import read_raw
from evaluation.numbers import parse_number

__all__ = [
    "EVENT_TYPES",
    "IDEA_STATUSES",
    "KEYS",
    "RESOURCES",
    "SCHEMAS",
    "Column",
    "ParticipationData",
    "empty_table",
    "load_participation",
    "read_participation",
    "read_table",
]

EVENT_TYPES = ("network_meeting", "steering_group", "idea_workshop", "peer_exchange",
               "transfer_conference")
#: Formats of one site, attended by its own organisations only.
SITE_FORMATS = ("network_meeting", "steering_group", "idea_workshop")
RESOURCES = ("information", "contacts", "staff", "rooms", "money", "expertise", "materials")
IDEA_STATUSES = ("idea", "planned", "implemented")


@dataclass(frozen=True, kw_only=True)
class Column:
    """One column of a participation table."""

    name: str
    kind: str  # "text", "int", "date", "choice", "list", "bool"
    required: bool = True  # column must exist and cells must be filled
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()
    foreign: str | None = None  # "site", "wave", "organisation", "event", "idea", "actor_type"


def _int(name: str, lo: float, hi: float, *, required: bool = True) -> Column:
    return Column(name=name, kind="int", lo=lo, hi=hi, required=required)


SCHEMAS: dict[str, tuple[Column, ...]] = {
    "roster": (
        Column(name=C.ORGANISATION, kind="text"),
        Column(name=C.SITE, kind="text", foreign="site"),
        Column(name="name", kind="text"),
        Column(name=C.ACTOR_TYPE, kind="text", foreign="actor_type"),
        Column(name="joined", kind="date"),
        Column(name="left", kind="date", required=False),
    ),
    "events": (
        Column(name=C.EVENT, kind="text"),
        Column(name=C.SITE, kind="text", foreign="site", required=False),  # blank: cross-site
        Column(name=C.WAVE, kind="text", foreign="wave"),
        Column(name="event_type", kind="choice", choices=EVENT_TYPES),
        Column(name="date", kind="date"),
    ),
    "attendance": (
        Column(name=C.EVENT, kind="text", foreign="event"),
        Column(name=C.ORGANISATION, kind="text", foreign="organisation"),
        _int("attendees", 1, 100),
        _int("decision_makers", 0, 100),
    ),
    "ties": (
        Column(name=C.SITE, kind="text", foreign="site"),
        Column(name=C.WAVE, kind="text", foreign="wave"),
        Column(name="ego", kind="text", foreign="organisation"),
        Column(name="alter", kind="text", foreign="organisation"),
        _int("frequency", 0, 5),
        _int("collaboration", 0, 5),
        *(_int(f"trust_{i}", 1, 4, required=False) for i in (1, 2, 3)),
        *(_int(f"value_{i}", 1, 4, required=False) for i in (1, 2, 3)),
        Column(name="resources", kind="list", choices=RESOURCES, required=False),
    ),
    "ideas": (
        Column(name="idea", kind="text"),
        Column(name=C.SITE, kind="text", foreign="site"),
        Column(name=C.EVENT, kind="text", foreign="event", required=False),
        Column(name="title", kind="text"),
        Column(name="status", kind="choice", choices=IDEA_STATUSES),
    ),
    "idea_ratings": (
        Column(name="idea", kind="text", foreign="idea"),
        Column(name="rater", kind="text"),
        _int("feasibility", 1, 5),
        _int("impact", 1, 5),
        _int("innovation", 1, 5),
    ),
    "goals": (
        Column(name="goal", kind="text"),
        Column(name=C.SITE, kind="text", foreign="site"),
        Column(name=C.WAVE, kind="text", foreign="wave"),
        Column(name="title", kind="text"),
        _int("stage_targeted", 1, 7),
        _int("stage_reached", 1, 7),
    ),
}

KEYS: dict[str, tuple[str, ...]] = {
    "roster": (C.ORGANISATION,),
    "events": (C.EVENT,),
    "attendance": (C.EVENT, C.ORGANISATION),
    "ties": (C.WAVE, "ego", "alter"),
    "ideas": ("idea",),
    "idea_ratings": ("idea", "rater"),
    "goals": ("goal", C.WAVE),
}


@dataclass(kw_only=True)
class ParticipationData:
    """The participation tables of a project (empty frames for tables not given)."""

    tables: dict[str, pd.DataFrame]
    problems: list[Problem] = field(default_factory=list)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in SCHEMAS:
            return tables[name] if name in tables else empty_table(name)
        raise AttributeError(name)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def empty_table(name: str) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype=_dtype(c)) for c in SCHEMAS[name]})


def _dtype(column: Column) -> Any:
    return {"int": "Int64", "date": "datetime64[ns]", "bool": "boolean"}.get(column.kind,
                                                                             object)


def read_table(name: str, path: Path, *, problems: list[Problem]) -> pd.DataFrame | None:
    """Read one participation table and check it against its schema."""
    try:
        raw = read_raw(path)
    except InputFileError as exc:
        problems.append(exc.as_problem())
        return None
    problems.extend(raw.notes)
    file = str(path)
    frame = raw.frame
    schema = SCHEMAS[name]
    present = {normalise_text(c): c for c in frame.columns}
    known = {c.name for c in schema}
    for column in frame.columns:
        if normalise_text(column) not in known:
            problems.append(Problem(file=file, column=column, severity="warning",
                                    message=f"column not part of the {name} table; ignored",
                                    expected=", ".join(c.name for c in schema)))
    out: dict[str, pd.Series] = {}
    for spec in schema:
        source = present.get(spec.name)
        if source is None:
            if spec.required:
                problems.append(Problem(file=file, column=spec.name,
                                        message=f"required column missing from the {name} "
                                        "table", expected=", ".join(c.name for c in schema)))
            out[spec.name] = pd.Series([pd.NA] * len(frame), dtype=_dtype(spec))
            continue
        out[spec.name] = _parse_column(frame[source], spec, file, raw.first_row, problems)
    table = pd.DataFrame(out)
    table["source_row"] = np.arange(len(table)) + raw.first_row
    if len(table) == 0:
        problems.append(Problem(file=file, message=f"the {name} table has no rows"))
    key = [k for k in KEYS[name] if k in table]
    dup = table.duplicated(subset=key, keep="first")
    for pos in np.flatnonzero(dup.to_numpy()):
        values = ", ".join(str(table[k].iloc[pos]) for k in key)
        problems.append(Problem(file=file, row=int(table["source_row"].iloc[pos]),
                                column=key[-1], value=values,
                                message=f"duplicate entry for {' + '.join(key)}",
                                expected="each combination once"))
    return table


def _parse_column(series: pd.Series, spec: Column, file: str, first_row: int,
                  problems: list[Problem]) -> pd.Series:
    texts = series.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v))
                       else (str(int(v)) if isinstance(v, float) and v.is_integer()
                             else str(v).strip()))
    result: list[Any] = []
    seen: dict[str, tuple[Any, str]] = {}  # a text parses the same way wherever it stands
    originals = series.to_numpy(dtype=object)
    for pos, text in enumerate(texts):
        row = first_row + pos
        if text == "":
            if spec.required:
                problems.append(Problem(file=file, row=row, column=spec.name,
                                        message="required value is empty"))
            result.append(pd.NA if spec.kind != "date" else pd.NaT)
            continue
        original = originals[pos]
        if isinstance(original, dt.date | pd.Timestamp):  # a date cell of a spreadsheet
            parsed, expected = _parse_cell(text, spec, original)
        else:
            if text not in seen:
                seen[text] = _parse_cell(text, spec, original)
            parsed, expected = seen[text]
        if parsed is _BAD:
            problems.append(Problem(file=file, row=row, column=spec.name, value=text,
                                    message="invalid value", expected=expected))
            parsed = pd.NA if spec.kind != "date" else pd.NaT
        result.append(parsed)
    return pd.Series(result, dtype=_dtype(spec))


_BAD = object()
_DATE_CELL = re.compile(r"(\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4})(?:[ T]00:00(?::00)?)?")


def _parse_cell(text: str, spec: Column, original: Any) -> tuple[Any, str]:
    if spec.kind == "int":
        expected = f"a whole number from {spec.lo:g} to {spec.hi:g}"
        number = parse_number(text)
        if number is None:
            return _BAD, expected
        if not number.is_integer() or not spec.lo <= number <= spec.hi:  # type: ignore[operator]
            return _BAD, expected
        return int(number), expected
    if spec.kind == "date":
        expected = "a date YYYY-MM-DD (or DD.MM.YYYY)"
        if isinstance(original, (dt.date, pd.Timestamp)):
            return pd.Timestamp(original), expected
        # a date alone, or with the midnight time a spreadsheet adds; no words after it
        match = _DATE_CELL.fullmatch(text.strip())
        if match is None:
            return _BAD, expected
        for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                return pd.Timestamp(dt.datetime.strptime(match.group(1), fmt)), expected
            except ValueError:
                continue
        return _BAD, expected
    if spec.kind == "choice":
        expected = "one of " + ", ".join(spec.choices)
        return (text if text in spec.choices else _BAD), expected
    if spec.kind == "list":
        expected = "items separated by '|' from " + ", ".join(spec.choices)
        parts = [p.strip() for p in text.replace(";", "|").split("|") if p.strip()]
        if any(p not in spec.choices for p in parts):
            return _BAD, expected
        return "|".join(parts), expected
    return text, "text"


def read_participation(project: Project) -> ParticipationData:
    """Read all participation tables of a project and run the cross-table checks."""
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    for name in SCHEMAS:
        path = project.participation.get(name)
        if path is None:
            continue
        table = read_table(name, path, problems=problems)
        if table is not None:
            tables[name] = table
    _check_references(project, tables, problems)
    _check_logic(project, tables, problems)
    _check_sites(project, tables, problems)
    return ParticipationData(tables=tables, problems=problems)


def load_participation(project: Project) -> ParticipationData:
    data = read_participation(project)
    if data.errors:
        raise DataValidationError(data.problems, what=f"participation data of {project.path}")
    return data


def _check_references(project: Project, tables: dict[str, pd.DataFrame],
                      problems: list[Problem]) -> None:
    actor = project.codebook.attributes.get(C.ACTOR_TYPE)
    actor_lookup = actor.lookup() if actor else {}
    known: dict[str, set[str] | None] = {
        "site": set(project.site_keys),
        "wave": set(project.wave_keys),
        "organisation": set(tables["roster"][C.ORGANISATION].dropna())
        if "roster" in tables else None,
        "event": set(tables["events"][C.EVENT].dropna()) if "events" in tables else None,
        "idea": set(tables["ideas"]["idea"].dropna()) if "ideas" in tables else None,
    }
    for name, table in tables.items():
        file = str(project.participation[name])
        for spec in SCHEMAS[name]:
            if spec.foreign is None or spec.name not in table:
                continue
            if spec.foreign == "actor_type":
                keys = table[spec.name].map(
                    lambda v: actor_lookup.get(normalise_text(v)) if isinstance(v, str) else v)
                for pos in np.flatnonzero((table[spec.name].notna() & keys.isna()).to_numpy()):
                    problems.append(Problem(
                        file=file, row=int(table["source_row"].iloc[pos]), column=spec.name,
                        value=table[spec.name].iloc[pos], message="unknown actor type",
                        expected="one of " + ", ".join(actor.keys() if actor else ())))
                table[spec.name] = keys
                continue
            valid = known[spec.foreign]
            if valid is None:
                continue
            what = {"organisation": "organisation missing from the roster"}.get(
                spec.foreign, f"unknown {spec.foreign}")
            bad = table[spec.name].notna() & ~table[spec.name].isin(valid)
            for pos in np.flatnonzero(bad.to_numpy()):
                problems.append(Problem(file=file, row=int(table["source_row"].iloc[pos]),
                                        column=spec.name, value=table[spec.name].iloc[pos],
                                        message=what))


def _site_mismatches(table: pd.DataFrame, column: str, owner: dict[Any, Any],
                     expected_site: pd.Series, file: str, what: str) -> list[Problem]:
    """Rows whose ``column`` points at something of another site than ``expected_site``."""
    other = table[column].map(owner)
    bad = other.notna() & expected_site.notna() & (other != expected_site)
    return [Problem(file=file, row=int(table["source_row"].iloc[pos]), column=column,
                    value=table[column].iloc[pos],
                    message=f"{what} belongs to site {other.iloc[pos]!r}",
                    expected=f"{what} of site {expected_site.iloc[pos]!r}")
            for pos in np.flatnonzero(bad.to_numpy(dtype=bool))]


def _check_sites(project: Project, tables: dict[str, pd.DataFrame],
                 problems: list[Problem]) -> None:
    """Attendance, ideas and idea ratings stay within one site: a site's own formats
    (network meetings, steering groups, idea workshops) are attended by its own organisations;
    peer exchanges and transfer conferences bring sites together and are not checked."""
    home = (dict(zip(tables["roster"][C.ORGANISATION], tables["roster"][C.SITE], strict=True))
            if "roster" in tables else {})
    event_site = (dict(zip(tables["events"][C.EVENT], tables["events"][C.SITE], strict=True))
                  if "events" in tables else {})
    if "attendance" in tables and home and event_site:
        att = tables["attendance"]
        events = tables["events"]
        own_format = events["event_type"].isin(SITE_FORMATS)
        own_site = dict(zip(events.loc[own_format, C.EVENT], events.loc[own_format, C.SITE],
                            strict=True))
        problems += _site_mismatches(att, C.ORGANISATION, home, att[C.EVENT].map(own_site),
                                     str(project.participation["attendance"]),
                                     "the organisation")
    if "ideas" in tables and event_site and C.EVENT in tables["ideas"]:
        ideas = tables["ideas"]
        problems += _site_mismatches(ideas, C.EVENT, event_site, ideas[C.SITE],
                                     str(project.participation["ideas"]), "the event")
    if "idea_ratings" in tables and "ideas" in tables and home:
        ratings = tables["idea_ratings"]
        idea_site = dict(zip(tables["ideas"]["idea"], tables["ideas"][C.SITE], strict=True))
        file = str(project.participation["idea_ratings"])
        problems += _site_mismatches(ratings, "rater", home, ratings["idea"].map(idea_site),
                                     file, "the rater")
        unknown = ratings["rater"].notna() & ~ratings["rater"].isin(home)
        if unknown.any():
            first = int(np.flatnonzero(unknown.to_numpy(dtype=bool))[0])
            problems.append(Problem(
                file=file, row=int(ratings["source_row"].iloc[first]), column="rater",
                value=ratings["rater"].iloc[first], severity="warning",
                message=f"{int(unknown.sum())} rating(s) by raters who are not roster "
                        "organisations; they are counted as raters of their idea's site"))


def _check_logic(project: Project, tables: dict[str, pd.DataFrame],
                 problems: list[Problem]) -> None:
    if "roster" in tables:
        roster = tables["roster"]
        file = str(project.participation["roster"])
        bad = roster["left"].notna() & roster["joined"].notna() & \
            (roster["left"] < roster["joined"])
        for pos in np.flatnonzero(bad.to_numpy()):
            problems.append(Problem(file=file, row=int(roster["source_row"].iloc[pos]),
                                    column="left", value=str(roster["left"].iloc[pos].date()),
                                    message="organisation left before it joined",
                                    expected=f"a date after {roster['joined'].iloc[pos].date()}"))
    if "attendance" in tables:
        att = tables["attendance"]
        file = str(project.participation["attendance"])
        bad = att["decision_makers"].notna() & att["attendees"].notna() & \
            (att["decision_makers"] > att["attendees"])
        for pos in np.flatnonzero(bad.to_numpy(dtype=bool)):
            problems.append(Problem(file=file, row=int(att["source_row"].iloc[pos]),
                                    column="decision_makers",
                                    value=int(att["decision_makers"].iloc[pos]),
                                    message="more decision makers than attendees",
                                    expected=f"at most {int(att['attendees'].iloc[pos])}"))
    if "ties" in tables:
        ties = tables["ties"]
        file = str(project.participation["ties"])
        for pos in np.flatnonzero((ties["ego"] == ties["alter"]).to_numpy(dtype=bool)):
            problems.append(Problem(file=file, row=int(ties["source_row"].iloc[pos]),
                                    column="alter", value=ties["alter"].iloc[pos],
                                    message="an organisation names itself as partner",
                                    expected="a different organisation"))
        if "roster" in tables:
            home = dict(zip(tables["roster"][C.ORGANISATION], tables["roster"][C.SITE],
                            strict=True))
            for who in ("ego", "alter"):
                other_site = ties[who].map(home)
                bad = other_site.notna() & (other_site != ties[C.SITE])
                for pos in np.flatnonzero(bad.to_numpy(dtype=bool)):
                    problems.append(Problem(
                        file=file, row=int(ties["source_row"].iloc[pos]), column=who,
                        value=ties[who].iloc[pos],
                        message=f"organisation belongs to site {other_site.iloc[pos]!r}",
                        expected=f"an organisation of site {ties[C.SITE].iloc[pos]!r}"))
