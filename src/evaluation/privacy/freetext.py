"""Free text: e-mail addresses, URLs, telephone numbers and titled names replaced.

:func:`scrub_free_text` is a safety net, not an anonymisation: free text still needs a human
read before it leaves the evaluation team. Part of the privacy rules collected in
:mod:`evaluation.privacy`.
"""

from __future__ import annotations

import re

from evaluation.privacy.checks import PrivacyError

PLACEHOLDER_EMAIL = "[E-Mail]"
PLACEHOLDER_URL = "[URL]"
PLACEHOLDER_PHONE = "[Telefon]"
PLACEHOLDER_NAME = "[Name]"

_EMAIL = re.compile(
    r"[\w.+\-]+\s*(?:@|\(at\)|\[at\])\s*[\w\-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[\w\-]+)*"
    r"\s*(?:\.|\(dot\)|\[dot\])\s*[A-Za-z]{2,}\b", re.IGNORECASE)
_URL = re.compile(
    r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"']+"
    r"|\b[\w\-]+(?:\.[\w\-]+)*\.(?:de|com|org|net|eu|info|at|ch|io|nrw|berlin|bayern|hamburg)"
    r"\b(?:/[^\s<>\"']*)?", re.IGNORECASE)
_PHONE = re.compile(r"""
    (?<![\w/.,+\-])                                   # not in the middle of a number or word
    (?:
        (?:\+|00)\s?49[ \t\-/]*(?:\(0\)[ \t\-/]*)?\(?\d{2,5}\)?   # +49 (0)621, 0049 30
      | \(0\d{2,5}\)                                    # (0621)
      | 0\d{2,5}                                        # 0621
    )
    (?:[ \t\-/]{0,3}\d){3,12}                           # subscriber number
    (?!\w)
    """, re.VERBOSE)
_TITLE = r"(?:Herrn?|Frau|Hr\.|Fr\.|Dr\.|Prof\.)"
_DEGREE = r"(?:Dr\.|Prof\.|med\.|phil\.|jur\.|rer\.\s?nat\.|h\.\s?c\.|Dipl\.-[A-Z][a-z]*\.)"
_PARTICLE = r"(?:von\s+der|van\s+der|von|van|zu|de|ter)"
_NAME_WORD = r"(?:[A-ZÄÖÜ]\.|[A-ZÄÖÜ][^\W\d_]*(?:-[A-ZÄÖÜ][^\W\d_]*)*)"
# "Frau Schmidt von der Caritas": after a particle, an organisation is not part of the name
_ORGANISATION_WORD = (
    r"(?:[A-ZÄÖÜ]{2,}|Stadt|Stadtverwaltung|Gemeinde|Gemeindeverwaltung|Kreis|Landkreis|"
    r"Kreisverwaltung|Verwaltung|Kommune|Caritas|Diakonie|Arbeiterwohlfahrt|Lebenshilfe|"
    r"Volkshochschule|Agentur|Arbeitsagentur|Ausländerbehörde|Integrationsstelle|Jobcenter|"
    r"Sozialamt|Schule|Grundschule|Kita|Kammer|Handwerkskammer|Polizei|Kirche|"
    r"Kirchengemeinde|Moschee|Moscheegemeinde|Beratungsstelle|Migrationsberatung|Tafel|"
    r"Universität|Hochschule|Stiftung|Initiative|Flüchtlingshilfe|Verein|Integrationsrat|"
    r"Migrantenorganisation|Gewerkschaft|Uni)\b")
_NAME_PART = rf"(?:{_PARTICLE}\s+(?!{_ORGANISATION_WORD}))?{_NAME_WORD}"
_NAME = re.compile(
    rf"(?<![\w.]){_TITLE}(?:\s+{_DEGREE})*\s+{_NAME_PART}(?:\s+{_NAME_PART})?")
_TRAILING = ".,;:!?)]}'\""


def _url_placeholder(match: re.Match[str]) -> str:
    text = match.group(0)
    stripped = text.rstrip(_TRAILING)
    return PLACEHOLDER_URL + text[len(stripped):]


def scrub_free_text(text: str) -> str:
    """Replace e-mail addresses, URLs, telephone numbers and titled names by placeholders.

    ========================================  =======================================
    found                                     replaced by
    ========================================  =======================================
    ``anna.schmidt@lindwarden.de``,           ``[E-Mail]``
    ``a.schmidt (at) stadt.de``
    ``https://...``, ``www.x.de``, ``x.de/a`` ``[URL]``
    ``+49 621 123456``, ``0049 30 1234567``,  ``[Telefon]``
    ``0621/123456``, ``0171-1234567``,
    ``(0621) 12 34 56``
    ``Frau Schmidt``, ``Herrn Dr. Klaus       ``[Name]``
    Weber``, ``Prof. von der Heide``
    ========================================  =======================================

    A name is recognised only after ``Herr``/``Herrn``/``Frau``/``Hr.``/``Fr.``/``Dr.``/
    ``Prof.`` (further titles allowed), as one or two capitalised words (initials and
    particles such as *von* included, but not "von der Caritas", "von der MSO" and other
    organisations after a particle). Because German capitalises nouns, a noun right after
    the name is taken as well ("Frau Schmidt Bescheid" -> "[Name]"): the rule errs on the
    side of removing too much. Dates, years, postcodes, amounts and times are left alone.
    Names without a title, street addresses and descriptions that identify a person ("die
    Leiterin des Jobcenters") are *not* found: read free text before releasing it.
    """
    if not isinstance(text, str):
        raise PrivacyError(f"scrub_free_text needs a str, got {type(text).__name__}")
    text = _EMAIL.sub(PLACEHOLDER_EMAIL, text)
    text = _URL.sub(_url_placeholder, text)
    text = _PHONE.sub(PLACEHOLDER_PHONE, text)
    return _NAME.sub(PLACEHOLDER_NAME, text)


__all__ = ["PLACEHOLDER_EMAIL", "PLACEHOLDER_NAME", "PLACEHOLDER_PHONE", "PLACEHOLDER_URL",
           "scrub_free_text"]
