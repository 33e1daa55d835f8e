"""Interpreting one raw survey table against the codebook, cell by cell.

:class:`TidyParser` maps the export's columns to codebook items, attributes and id fields,
reads respondent ids, sites, waves and attributes, classifies every answer as a valid value or
a missing category (``no_answer``, ``cannot_judge``, ``not_shown``, ``faulty``) and collects a
:class:`~evaluation.errors.Problem` for each cell it cannot read. It is run by
:func:`evaluation.io.ingest.tidy_from_raw` and returns a :class:`~evaluation.io.SurveyData`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from evaluation import columns as C
from evaluation.config import (
    ID_FIELDS,
    Codebook,
    Label,
    code_key,
    normalise_column,
    normalise_text,
)
from evaluation.errors import Problem
from evaluation.io.readers import RawTable
from evaluation.io.survey_data import STATUS_DTYPE, Dialect, SurveyData, cell_text
from evaluation.numbers import parse_number


class TidyParser:
    def __init__(self, raw: RawTable, codebook: Codebook, dialect: Dialect, *,
                 sites: dict[str, str] | None, waves: tuple[str, ...] | None) -> None:
        self.raw = raw
        self.book = codebook
        self.dialect = dialect
        self.sites = sites
        self.waves = waves
        self.file = str(raw.path)
        self.problems: list[Problem] = list(raw.notes)

    def problem(self, message: str, *, position: int | None = None,
                column: str | None = None, value: object = None,
                expected: str | None = None, severity: str = "error") -> None:
        row = None if position is None else self.raw.row_number(position)
        self.problems.append(Problem(file=self.file, row=row, column=column, value=value,
                                     message=message, expected=expected, severity=severity))

    # -- mapping columns ---------------------------------------------------------------
    def map_columns(self) -> dict[str, str]:
        targets: dict[str, str] = {}
        claimed: dict[str, str] = {}
        known = {*self.book.items, *self.book.attributes, *self.book.numeric_attributes,
                 *ID_FIELDS}
        for column in self.raw.frame.columns:
            name = normalise_column(column)
            if name in self.dialect.columns:  # the file's own mapping comes first
                wanted = self.dialect.columns[name]
                target = next((k for k in known if normalise_column(k) ==
                               normalise_column(wanted)), wanted)  # keys in any case
                if target not in known:
                    self.problem("the survey file's 'columns' maps this column to an unknown "
                                 "key", column=column, value=target,
                                 expected="an item, attribute, or respondent/site/wave")
                    continue
            elif self.book.is_ignored(column):
                continue
            else:
                # a system column only where the codebook does not name or map it (an
                # anonymous LimeSurvey export's id mapped to the respondent)
                target = self.book.target_of(column) or self.book.target_of_heading(column)
                if target is None and self.dialect.is_system_column(column):
                    continue
            if target is None:
                self.problem("column not in the codebook", column=column,
                             expected="an item key, a mapping under 'columns', or an entry "
                             "under 'ignore'")
                continue
            if target in claimed:
                self.problem(f"column holds {target!r}, which column {claimed[target]!r} "
                             "holds already", column=column, expected="one column per item")
                continue
            targets[column] = target
            claimed[target] = column
        return targets

    def run(self, *, fixed_wave: str | None, fixed_site: str | None) -> SurveyData:
        frame = self.raw.frame
        targets = self.map_columns()
        by_target = {t: c for c, t in targets.items()}
        n = len(frame)
        if n == 0:
            self.problem("the file has a header but no respondents")

        for item in self.book.items:
            if item not in by_target:
                self.problem("codebook item not found in the data", column=item,
                             expected="a column for every codebook item")

        respondents = pd.DataFrame(index=pd.RangeIndex(n))
        respondents[C.RESPONDENT] = self.ids(frame, by_target.get(C.RESPONDENT))
        sites = (None if self.sites is None else
                 {**self.sites, **self.dialect.site_codes})  # the file's site codes too
        respondents[C.SITE] = self.keyed(frame, by_target.get(C.SITE), C.SITE, fixed_site,
                                         sites)
        wave_lookup = None if self.waves is None else {normalise_text(w): w for w in self.waves}
        respondents[C.WAVE] = self.keyed(frame, by_target.get(C.WAVE), C.WAVE, fixed_wave,
                                         wave_lookup)
        attributes = self.book.respondent_attributes()
        self.check_attribute_codes(attributes)
        for key, attribute in attributes.items():
            column = by_target.get(key)
            lookup = {**attribute.lookup(), **{normalise_text(code): value for code, value in
                                               self.dialect.attribute_codes.get(key, {}).items()}}
            respondents[key] = (self.attribute(frame[column], column, lookup,
                                               ", ".join(attribute.keys()))
                                if column else pd.Series(pd.NA, index=respondents.index,
                                                         dtype=object))
        for key, spec in self.book.numeric_attributes.items():
            column = by_target.get(key)
            respondents[key] = (self.numeric(frame[column], column, spec.min, spec.max)
                                if column else np.nan)
        respondents[C.SOURCE_FILE] = self.raw.path.name
        respondents[C.SOURCE_ROW] = np.arange(n) + self.raw.first_row

        items = [i for i in self.book.items if i in by_target]
        values = np.full((n, len(items)), np.nan)
        statuses = np.empty((n, len(items)), dtype=object)
        for j, item in enumerate(items):
            column = by_target[item]
            values[:, j], statuses[:, j] = self.answers(frame[column], column,
                                                        flipped=self.flipped(item))
        responses = pd.DataFrame({
            C.RESPONDENT: np.repeat(respondents[C.RESPONDENT].to_numpy(), len(items)),
            C.SITE: np.repeat(respondents[C.SITE].to_numpy(), len(items)),
            C.WAVE: np.repeat(respondents[C.WAVE].to_numpy(), len(items)),
            C.ITEM: np.tile(np.array(items, dtype=object), n),
            C.VALUE: values.reshape(-1),
            C.STATUS: pd.Categorical(statuses.reshape(-1), dtype=STATUS_DTYPE),
        })
        self.duplicates(respondents)
        return SurveyData(respondents=respondents, responses=responses,
                          problems=self.problems)

    def flipped(self, item: str) -> bool:
        """Whether the item's codes run the other way round in this file: the file's own
        ``reversed_in_file`` list where it has one, else the codebook's mark."""
        if self.dialect.reversed_items is not None:
            return item in self.dialect.reversed_items
        return self.book.items[item].reversed_in_file

    def check_attribute_codes(self, attributes: Mapping[str, Any]) -> None:
        """The file's ``attribute_codes`` name attributes and values of the codebook."""
        for item in sorted((self.dialect.reversed_items or frozenset()) - set(self.book.items)):
            self.problem("the survey file's 'reversed_in_file' names an unknown item", value=item,
                         expected="item keys of the codebook")
        for key, table in self.dialect.attribute_codes.items():
            if key not in attributes:
                self.problem("the survey file's 'attribute_codes' names an unknown attribute",
                             value=key, expected=", ".join(attributes) or "no attributes")
                continue
            values = set(attributes[key].keys())
            for code, value in table.items():
                if value not in values:
                    self.problem(f"the survey file's 'attribute_codes' gives code {code!r} of "
                                 f"{key!r} an unknown value", value=value,
                                 expected=", ".join(sorted(values)))

    # -- column parsers ----------------------------------------------------------------
    def ids(self, frame: pd.DataFrame, column: str | None) -> pd.Series:
        if column is None:
            self.problem("no respondent identifier column", column=C.RESPONDENT,
                         expected="a column 'respondent' (or one mapped to it, e.g. CASE)")
            return pd.Series([f"row{i + self.raw.first_row}" for i in range(len(frame))],
                             dtype=object)
        ids = frame[column].map(cell_text)
        for pos in np.flatnonzero(ids.to_numpy() == ""):
            self.problem("respondent identifier is empty", position=int(pos), column=column)
        return ids.astype(object)

    def keyed(self, frame: pd.DataFrame, column: str | None, field_name: str,
              fixed: str | None, lookup: dict[str, str] | None) -> pd.Series:
        if fixed is not None:
            if column is not None:
                values = frame[column].map(cell_text)
                clash = values[(values != "") & (values.map(
                    lambda v: (lookup or {}).get(normalise_text(v), v)) != fixed)]
                for pos, value in clash.items():
                    self.problem(f"{field_name} differs from the {field_name} set for this "
                                 "file in the project", position=int(pos), column=column,
                                 value=value, expected=fixed)
            return pd.Series(fixed, index=frame.index, dtype=object)
        if column is None:
            self.problem(f"no {field_name} column and no {field_name} set for this file",
                         column=field_name,
                         expected=f"a column {field_name!r} or '{field_name}:' in the project")
            return pd.Series("", index=frame.index, dtype=object)
        raw = frame[column].map(cell_text)
        if lookup is None:
            return raw.astype(object)
        mapping = {v: lookup.get(normalise_text(v)) for v in raw.unique()}
        keys = raw.map(mapping)
        expected = ", ".join(sorted(set(lookup.values())))
        for pos in np.flatnonzero(keys.isna().to_numpy()):
            self.problem(f"unknown {field_name}", position=int(pos), column=column,
                         value=raw.iloc[pos], expected=f"one of {expected}")
        return keys.fillna("").astype(object)

    def attribute(self, series: pd.Series, column: str, lookup: dict[str, str],
                  expected: str) -> pd.Series:
        labels = self.raw.value_labels.get(column, {})
        missing_codes = self.raw.user_missing.get(column, set())

        def classify(value: Any) -> Any:
            text = cell_text(value)
            if text == "" or value in missing_codes or code_key(text) in \
                    self.dialect.missing_codes:
                return pd.NA
            key = lookup.get(normalise_text(text))
            if key is None and value in labels:
                key = lookup.get(normalise_text(labels[value]))
            return key if key is not None else _UNKNOWN

        mapping = {v: classify(v) for v in series.unique()}
        keys = series.map(mapping)
        for pos in np.flatnonzero((keys == _UNKNOWN).to_numpy()):
            self.problem("unknown attribute value", position=int(pos), column=column,
                         value=series.iloc[pos], expected=f"one of {expected}")
        return keys.where(keys != _UNKNOWN, pd.NA).astype(object)

    def numeric(self, series: pd.Series, column: str, lo: float, hi: float) -> pd.Series:
        def parse(value: Any) -> float | str:
            text = cell_text(value)
            if text == "" or code_key(text) in self.dialect.missing_codes \
                    or value in self.raw.user_missing.get(column, set()):
                return np.nan
            number = _to_number(text)
            if number is None or not lo <= number <= hi:
                return _UNKNOWN
            return number

        mapping = {v: parse(v) for v in series.unique()}
        parsed = series.map(mapping)
        for pos in np.flatnonzero((parsed == _UNKNOWN).to_numpy()):
            self.problem("not a number in the valid range", position=int(pos), column=column,
                         value=series.iloc[pos], expected=f"a number from {lo:g} to {hi:g}")
        return pd.to_numeric(parsed.where(parsed != _UNKNOWN, np.nan))

    def answers(self, series: pd.Series, column: str, *, flipped: bool = False
                ) -> tuple[np.ndarray, np.ndarray]:
        """Values and statuses of one item column; problems for invalid answers.
        ``flipped``: the file's codes run the other way round (``reversed_in_file``): code
        ``c`` is the answer the scale labels ``min + max - c``, and is read as that answer."""
        labels = self.raw.value_labels.get(column, {})
        user_missing = self.raw.user_missing.get(column, set())
        smin, smax = self.book.scale_min, self.book.scale_max
        missing_by_label = self.missing_by_label

        def answer(code: float) -> float:
            return smin + smax - code if flipped else code

        self.check_value_labels(column, labels, {
            text: int(answer(code)) for text, code in self.code_by_label.items()},
            flipped=flipped)

        def classify(value: Any) -> tuple[float, str | None]:
            text = cell_text(value)
            if text == "":
                return np.nan, self.dialect.blank
            key = code_key(text)
            if key in self.dialect.missing_codes:
                return np.nan, self.dialect.missing_codes[key]
            if value in user_missing:
                category = missing_by_label.get(normalise_text(labels.get(value, "")))
                return np.nan, category  # None: declared missing but meaning unknown
            if key in self.dialect.answer_codes:
                meaning = self.dialect.answer_codes[key]
                if isinstance(meaning, str):
                    return np.nan, meaning
                return float(answer(meaning)), C.VALID
            number = _to_number(text)
            if number is not None and number.is_integer() and smin <= number <= smax:
                return answer(number), C.VALID
            # an export of label texts ("trifft voll zu", "keine Angabe") instead of codes
            named = normalise_text(text)
            if named in self.code_by_label:
                return float(self.code_by_label[named]), C.VALID
            if named in missing_by_label:
                return np.nan, missing_by_label[named]
            return np.nan, _UNKNOWN

        uniques = series.unique()
        table = {v: classify(v) for v in uniques}
        values = series.map({v: r[0] for v, r in table.items()}).to_numpy(dtype=float)
        statuses = series.map({v: r[1] for v, r in table.items()}).to_numpy(dtype=object)
        for pos in np.flatnonzero(statuses == _UNKNOWN):
            self.problem("answer outside the response scale", position=int(pos),
                         column=column, value=series.iloc[pos],
                         expected=f"an integer from {smin} to {smax} or a missing code "
                         f"({', '.join(sorted(self.dialect.missing_codes))})")
        for pos in np.flatnonzero(pd.isna(statuses)):
            self.problem("value is declared user-missing in the file but the codebook does "
                         "not say what it means", position=int(pos), column=column,
                         value=series.iloc[pos], expected="a code listed under missing.codes")
        statuses = np.where((statuses == _UNKNOWN) | pd.isna(statuses), C.FAULTY, statuses)
        return values, statuses

    @functools.cached_property
    def code_by_label(self) -> dict[str, int]:
        """Answer code of every response-scale label of the codebook, German and English."""
        return _by_label(self.book.scale_labels)

    @functools.cached_property
    def missing_by_label(self) -> dict[str, str]:
        """Missing category of every missing label of the codebook, German and English."""
        return _by_label(self.book.missing_labels)

    def check_value_labels(self, column: str, labels: dict[Any, str],
                           code_by_label: dict[str, int], *, flipped: bool = False) -> None:
        """The file's value labels of an item column (SPSS) against the codebook's
        (``code_by_label``: the code each label should have): a label the codebook gives to
        another code means the column is coded the other way round (or shifted), and every
        answer would be read wrongly; one problem per column."""
        moved = {}
        for value, text in labels.items():
            number = _to_number(cell_text(value))
            meant = code_by_label.get(normalise_text(text))
            if number is not None and meant is not None and number != meant:
                moved[int(number) if number.is_integer() else number] = (text, meant)
        if not moved:
            return
        in_file = "; ".join(f"{code} = {text!r}" for code, (text, _) in sorted(moved.items()))
        labels_of = self.book.scale_labels
        in_book = "; ".join(
            f"{self.code_by_label[normalise_text(text)]} = "
            f"{labels_of[self.code_by_label[normalise_text(text)]].de!r}"
            for _, (text, _) in sorted(moved.items()))
        smin, smax = self.book.scale_min, self.book.scale_max
        mirrored = all(meant == smin + smax - code for code, (_, meant) in moved.items())
        if flipped:
            advice = ("the item is marked 'reversed_in_file: true', but the file labels its "
                      "codes the usual way round: remove the mark (for this file)")
        elif mirrored:
            advice = ("recode the column to the codebook's codes, or mark the item "
                      "'reversed_in_file: true' where its codes run the other way round (as "
                      "after SoSci Survey's 'Antwortcodes invertieren')")
        else:
            advice = ("recode the column to the codebook's codes, or correct the codebook's "
                      "response_scale if the file is right")
        self.problem("the file's value labels give the answers other codes than the codebook "
                     f"(file: {in_file}; codebook: {in_book}); every answer of this column "
                     "would be read wrongly", column=column, value=in_file, expected=advice)

    def duplicates(self, respondents: pd.DataFrame) -> None:
        key = respondents[[C.WAVE, C.RESPONDENT]]
        dup = key.duplicated(keep="first") & (respondents[C.RESPONDENT] != "")
        first = {}
        for pos, (wave, rid) in enumerate(key.itertuples(index=False)):
            if dup.iloc[pos]:
                self.problem(f"respondent appears twice in wave {wave!r} (first in row "
                             f"{first[(wave, rid)]})", position=pos, column=C.RESPONDENT,
                             value=rid, expected="one row per respondent and wave")
            else:
                first.setdefault((wave, rid), self.raw.row_number(pos))


K = TypeVar("K")


def _by_label(labels: Mapping[K, Label]) -> dict[str, K]:
    """Each key of ``labels`` under its German and English label, normalised (the first
    key wins where two share a label)."""
    table: dict[str, K] = {}
    for key, label in labels.items():
        for text in (label.de, label.en):
            table.setdefault(normalise_text(text), key)
    return table


class _Unknown:
    def __repr__(self) -> str:
        return "<unknown>"


_UNKNOWN = _Unknown()


def _to_number(text: str) -> float | None:
    return parse_number(text)
