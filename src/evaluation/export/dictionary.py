"""The data dictionary of an instrument: every item and attribute of a codebook, one row each.

:func:`data_dictionary` gives it as a tidy frame (for the evaluator workbook, or a CSV), with
both languages side by side; :func:`data_dictionary_html` as a standalone page in one language
that a partner or funder can open offline (the report stylesheet inlined, a
Content-Security-Policy that loads nothing).

Rows (column ``entry``)
    ``item``
        one per item of the codebook, in codebook order (factors, outcomes, challenges):
        scale, wording, the response scale with its labels, reverse keying, missing codes.
    ``attribute``
        one per respondent or municipality attribute, its codes and labels in ``values_de``
        / ``values_en`` (``1 = Verwaltung (administration); ...``).
    ``numeric_attribute``
        one per numeric attribute, its valid range in ``min`` / ``max``.
    ``id``
        the id fields ``respondent``, ``site``, ``wave``.

``source_column`` names the export columns the codebook (``columns``) and, where a project is
given, each survey file of the project (``columns`` of the file) maps to the row; empty where
the export column carries the key itself as its name (matched without regard to case).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from evaluation import columns as C
from evaluation.config import ID_FIELDS, Codebook, Label, Project
from evaluation.language import check_language
from evaluation.render import page_stylesheet
from evaluation.report import html_table

__all__ = ["DICTIONARY_COLUMNS", "DICTIONARY_HEADERS", "data_dictionary",
           "data_dictionary_html"]

#: The columns of :func:`data_dictionary`, and their headers in each language.
DICTIONARY_HEADERS: Mapping[str, tuple[str, str]] = {
    "entry": ("Eintrag", "Entry"),
    "kind": ("Art", "Kind"),
    C.SCALE: ("Skala", "Scale"),
    "scale_de": ("Skala (deutsch)", "Scale (German)"),
    "scale_en": ("Skala (englisch)", "Scale (English)"),
    "variable": ("Kennung", "Key"),
    "text_de": ("Wortlaut (deutsch)", "Wording (German)"),
    "text_en": ("Wortlaut (englisch)", "Wording (English)"),
    "source_column": ("Spalte im Export", "Column in the export"),
    "min": ("kleinster Wert", "Lowest value"),
    "max": ("größter Wert", "Highest value"),
    "values_de": ("Werte und Bedeutung (deutsch)", "Values and meaning (German)"),
    "values_en": ("Werte und Bedeutung (englisch)", "Values and meaning (English)"),
    "answer_codes": ("Antwortcodes im Export", "Answer codes in the export"),
    "missing_de": ("fehlende Werte (deutsch)", "Missing values (German)"),
    "missing_en": ("fehlende Werte (englisch)", "Missing values (English)"),
    "reverse": ("umgepolt", "Reverse-keyed"),
    "reversed_in_file": ("Codes im Export umgekehrt", "Codes reversed in the file"),
    "higher_is_better": ("höhere Werte günstiger", "Higher is better"),
}
DICTIONARY_COLUMNS: tuple[str, ...] = tuple(DICTIONARY_HEADERS)

_KINDS = {"factor": ("Erfolgsfaktor", "success factor"), "outcome": ("Wirkung", "outcome"),
          "challenge": ("Herausforderung", "challenge"),
          "respondent": ("Befragte Person", "respondent"),
          "municipality": ("Kommune", "municipality"), "id": ("Kennung", "id")}
_IDS = {C.RESPONDENT: Label(de="Kennung der befragten Person", en="Respondent id"),
        C.SITE: Label(de="Kommune", en="Municipality (site)"),
        C.WAVE: Label(de="Erhebungswelle", en="Survey wave")}
_BLANK = ("leer", "blank")
_TEXT = {
    "title": ("Datenwörterbuch", "Data dictionary"),
    "intro": ("Alle Aussagen und Merkmale des Fragebogens „{title}“ (Codebuch {name}, Version "
              "{version}) mit ihrem Wortlaut, den gültigen Antworten und den Codes für fehlende "
              "Werte.",
              "Every statement and attribute of the questionnaire \u201c{title}\u201d (codebook "
              "{name}, version {version}) with its wording, the valid answers and the codes of "
              "missing values."),
    "scale_heading": ("Antwortskala", "Response scale"),
    "scale_text": ("Gültige Antworten sind die ganzen Zahlen von {min} bis {max}. Ein "
                   "Skalenwert wird berechnet, wenn mindestens {share} der Aussagen einer Skala "
                   "gültig beantwortet sind; fehlende Werte zählen nie als niedrige Bewertung.",
                   "Valid answers are the whole numbers from {min} to {max}. A scale score is "
                   "computed where at least {share} of a scale's statements have a valid "
                   "answer; missing values never count as a low rating."),
    "values_caption": ("Antworten und ihre Bedeutung", "Answers and their meaning"),
    "missing_caption": ("Codes für fehlende Werte", "Codes of missing values"),
    "answer_caption": ("Antwortcodes im Export (z. B. LimeSurvey)",
                       "Answer codes in the export (e.g. LimeSurvey)"),
    "code": ("Code", "Code"), "meaning": ("Bedeutung", "Meaning"),
    "items_heading": ("Aussagen", "Statements"),
    "items_caption": ("Aussagen des Fragebogens in der Reihenfolge des Codebuchs",
                      "Statements of the questionnaire in codebook order"),
    "items_note": ("Umgepolt: eine verneinte Aussage, deren Antworten vor der Auswertung "
                   "umgekehrt werden. Codes im Export umgekehrt: der niedrigste Code trägt im "
                   "Export die höchste Bedeutung; gelesen wird die Bedeutung. Spalte im Export "
                   "leer: die Spalte heißt wie die Kennung.",
                   "Reverse-keyed: a negatively worded statement whose answers are reversed "
                   "before the analysis. Codes reversed in the file: the lowest code carries "
                   "the highest meaning in the export; the meaning is what is read. Column in "
                   "the export empty: the column is named like the key."),
    "attributes_heading": ("Merkmale und Kennungen", "Attributes and ids"),
    "attributes_caption": ("Merkmale der Befragten und der Kommunen, Kennungen",
                           "Attributes of respondents and municipalities, ids"),
}


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[0] if language == "de" else pair[1]


def _code_text(code: object) -> str:
    return str(int(code)) if isinstance(code, float) and code.is_integer() else str(code)


def _sources(book: Codebook, project: Project | None) -> dict[str, list[str]]:
    """Export columns by the key they map to: the codebook's, then each survey file's."""
    found: dict[str, list[str]] = {}
    raw = book.raw.get("columns")
    mapping = raw if isinstance(raw, Mapping) else book.columns
    for column, target in mapping.items():
        found.setdefault(str(target), []).append(str(column))
    for survey in (project.survey_files if project is not None else ()):
        for column, target in (survey.options.get("columns") or {}).items():
            found.setdefault(str(target), []).append(f"{column} ({survey.path.name})")
    return found


def _response_values(book: Codebook, language: str) -> str:
    return "; ".join(f"{value} = {book.scale_labels[value].text(language)}"
                     for value in sorted(book.scale_labels))


def _missing_pairs(book: Codebook, language: str) -> list[tuple[str, str]]:
    """``(code, meaning)`` of every missing code (as the codebook spells it), then blank."""
    node = book.raw.get("missing")
    raw = node.get("codes") if isinstance(node, Mapping) else None
    codes = raw if isinstance(raw, Mapping) else book.missing_codes
    pairs = [(_code_text(code), book.missing_labels[category].text(language))
             for code, category in codes.items()]
    pairs.append((_pick(_BLANK, language), book.missing_labels[book.blank].text(language)))
    return pairs


def _answer_pairs(book: Codebook) -> list[tuple[str, str]]:
    """``(code, value or missing category)`` of every text answer code of the export."""
    raw = book.raw.get("answer_codes")
    codes = raw if isinstance(raw, Mapping) and raw else book.answer_codes
    return [(str(code), _code_text(meaning)) for code, meaning in codes.items()]


def _joined(pairs: list[tuple[str, str]], *, meaning_first: bool = False) -> str | None:
    """``1 = trifft gar nicht zu; ...``, or (codes that may be negative, which a spreadsheet
    would take for a formula at the start of a cell) ``keine Angabe (-9); ...``."""
    return "; ".join(f"{meaning} ({code})" if meaning_first else f"{code} = {meaning}"
                     for code, meaning in pairs) or None


def _attribute_values(values: Any, language: str) -> str:
    return "; ".join(
        (f"{_code_text(v.code)} = " if v.code is not None else "")
        + f"{v.label.text(language)} ({v.key})" for v in values)


def data_dictionary(book: Codebook, *, project: Project | None = None) -> pd.DataFrame:
    """The data dictionary of ``book``: one row per item, attribute and id field (see the
    module notes); columns :data:`DICTIONARY_COLUMNS`.

    Parameters
    ----------
    book : evaluation.config.Codebook
        A loaded codebook (``load_codebook`` or ``project.codebook``).
    project : evaluation.config.Project, optional
        Adds the column names each survey file of the project maps to the rows.
    """
    sources = _sources(book, project)

    def source(key: str) -> str | None:
        return ", ".join(sources[key]) if key in sources else None

    rows: list[dict[str, Any]] = []
    common = {"min": book.scale_min, "max": book.scale_max,
              "values_de": _response_values(book, "de"),
              "values_en": _response_values(book, "en"),
              "answer_codes": _joined(_answer_pairs(book)),
              "missing_de": _joined(_missing_pairs(book, "de"), meaning_first=True),
              "missing_en": _joined(_missing_pairs(book, "en"), meaning_first=True)}
    ordered = [*(i for s in book.scales.values() for i in s.items),
               *(k for k in book.items if book.items[k].scale is None)]
    for key in ordered:
        item = book.items[key]
        scale = book.scales.get(item.scale) if item.scale else None
        rows.append({"entry": "item", "kind": item.kind,
                     C.SCALE: scale.key if scale else None,
                     "scale_de": scale.label.de if scale else None,
                     "scale_en": scale.label.en if scale else None,
                     "variable": key, "text_de": item.label.de, "text_en": item.label.en,
                     "source_column": source(key), **common, "reverse": item.reverse,
                     "reversed_in_file": item.reversed_in_file,
                     "higher_is_better": scale.higher_is_better if scale else None})
    for key, attribute in book.attributes.items():
        rows.append({"entry": "attribute", "kind": attribute.level, "variable": key,
                     "text_de": attribute.label.de, "text_en": attribute.label.en,
                     "source_column": source(key),
                     "values_de": _attribute_values(attribute.values, "de"),
                     "values_en": _attribute_values(attribute.values, "en")})
    for key, numeric in book.numeric_attributes.items():
        rows.append({"entry": "numeric_attribute", "kind": "respondent", "variable": key,
                     "text_de": numeric.label.de, "text_en": numeric.label.en,
                     "source_column": source(key), "min": numeric.min, "max": numeric.max})
    for key in ID_FIELDS:
        rows.append({"entry": "id", "kind": "id", "variable": key, "text_de": _IDS[key].de,
                     "text_en": _IDS[key].en, "source_column": source(key)})
    frame = pd.DataFrame(rows, columns=list(DICTIONARY_COLUMNS))
    for column in ("reverse", "reversed_in_file", "higher_is_better"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def localised_dictionary(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """``frame`` (a :func:`data_dictionary`) as a reader sees it: headers in ``language``,
    truth values as ``ja``/``nein`` (``yes``/``no``)."""
    language = check_language(language)
    yes, no = ("ja", "nein") if language == "de" else ("yes", "no")
    out = frame.copy()
    for column in ("reverse", "reversed_in_file", "higher_is_better"):
        out[column] = [None if v is None or v is pd.NA else yes if v else no
                       for v in out[column]]
    return out.rename(columns={c: _pick(DICTIONARY_HEADERS[c], language)
                               for c in DICTIONARY_COLUMNS})


def _share_text(share: float, language: str) -> str:
    if abs(share - 2 / 3) < 0.01:
        return "zwei Drittel" if language == "de" else "two thirds"
    percent = round(share * 100)
    return f"{percent}\u202f%" if language == "de" else f"{percent}%"


def _kind(value: object, language: str) -> str:
    pair = _KINDS.get(str(value))
    return _pick(pair, language) if pair else str(value)


def _small_table(pairs: list[tuple[str, str]], caption: str, language: str) -> str:
    frame = pd.DataFrame(pairs, columns=[_pick(_TEXT["code"], language),
                                         _pick(_TEXT["meaning"], language)])
    return html_table(frame, caption=caption, language=language, index=False,
                      row_header=frame.columns[0])


def data_dictionary_html(book: Codebook, language: str = "de", *,
                         project: Project | None = None) -> str:
    """The data dictionary of ``book`` as a standalone HTML page in ``language``.

    The page loads nothing (stylesheet inlined, ``default-src 'none'``), names its language
    in ``<html lang>``, and every table has a caption and column headers
    (``<th scope="col">``). ``project`` adds the survey files' column names.
    """
    language = check_language(language)
    frame = data_dictionary(book, project=project)
    header = {c: _pick(DICTIONARY_HEADERS[c], language) for c in DICTIONARY_COLUMNS}
    text_column, scale_column = f"text_{language}", f"scale_{language}"
    title = f"{_pick(_TEXT['title'], language)}: {book.title.text(language)}"
    parts = [f"<h1>{html.escape(title)}</h1>",
             "<p>" + html.escape(_pick(_TEXT["intro"], language).format(
                 title=book.title.text(language), name=book.name, version=book.version))
             + "</p>",
             f"<h2>{html.escape(_pick(_TEXT['scale_heading'], language))}</h2>",
             "<p>" + html.escape(_pick(_TEXT["scale_text"], language).format(
                 min=book.scale_min, max=book.scale_max,
                 share=_share_text(book.min_valid_share, language))) + "</p>",
             _small_table([(str(v), book.scale_labels[v].text(language))
                           for v in sorted(book.scale_labels)],
                          _pick(_TEXT["values_caption"], language), language),
             _small_table(_missing_pairs(book, language),
                          _pick(_TEXT["missing_caption"], language), language)]
    if _answer_pairs(book):
        parts.append(_small_table(_answer_pairs(book), _pick(_TEXT["answer_caption"], language),
                                  language))
    items = frame[frame["entry"] == "item"]
    table = pd.DataFrame({
        header["variable"]: items["variable"].to_numpy(),
        header[C.SCALE]: [s if isinstance(s, str) else _kind(k, language)
                          for s, k in zip(items[scale_column], items["kind"], strict=True)],
        header[text_column]: items[text_column].to_numpy(),
        header["source_column"]: items["source_column"].to_numpy(),
        header["reverse"]: items["reverse"].to_numpy(),
        header["reversed_in_file"]: items["reversed_in_file"].to_numpy(),
        header["higher_is_better"]: items["higher_is_better"].to_numpy(),
    })
    parts += [f"<h2>{html.escape(_pick(_TEXT['items_heading'], language))}</h2>",
              html_table(table, caption=_pick(_TEXT["items_caption"], language),
                         language=language, index=False, row_header=header["variable"],
                         note=_pick(_TEXT["items_note"], language))]
    others = frame[frame["entry"] != "item"]
    values = f"values_{language}"
    table = pd.DataFrame({
        header["variable"]: others["variable"].to_numpy(),
        header["kind"]: [_kind(k, language) for k in others["kind"]],
        header[text_column]: others[text_column].to_numpy(),
        header[values]: [v if isinstance(v, str) else
                         (f"{_code_text(lo)}\u2013{_code_text(hi)}" if pd.notna(lo) else None)
                         for v, lo, hi in zip(others[values], others["min"], others["max"],
                                              strict=True)],
        header["source_column"]: others["source_column"].to_numpy(),
    })
    parts += [f"<h2>{html.escape(_pick(_TEXT['attributes_heading'], language))}</h2>",
              html_table(table, caption=_pick(_TEXT["attributes_caption"], language),
                         language=language, index=False, row_header=header["variable"])]
    return _page(title, "\n".join(parts), language)


def _page(title: str, body: str, language: str) -> str:
    csp = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
           "form-action 'none'")
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{language}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="generator" content="transfer-evaluation">', '<link rel="icon" href="data:,">',
        f"<title>{html.escape(title)}</title>", str(page_stylesheet()), "</head>",
        '<body class="report data-dictionary">', '<main id="main">', body, "</main>",
        "</body>", "</html>", ""])
