"""The report languages and the one way to check a language and pick a text by it.

Report text is German by default and English on request; every text table of the package is a
mapping from these keys. :func:`check_language` is the only check of a language argument, and
:class:`~evaluation.errors.LanguageError` the only error it raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from evaluation.errors import LanguageError

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "check_language", "pick"]

#: Languages every report, chart and text table is available in; the first is the default.
LANGUAGES: tuple[str, ...] = ("de", "en")
DEFAULT_LANGUAGE = LANGUAGES[0]

T = TypeVar("T")


def check_language(language: object) -> str:
    """Return ``language`` if it is one of :data:`LANGUAGES`, else raise :class:`LanguageError`.

    >>> check_language("de")
    'de'
    """
    if not isinstance(language, str) or language not in LANGUAGES:
        raise LanguageError(f"unknown report language {language!r}; expected one of "
                            f"{', '.join(LANGUAGES)}")
    return language


def pick(texts: Mapping[str, T], language: str) -> T:
    """The entry of ``texts`` for ``language``, after :func:`check_language`.

    >>> pick({"de": "Vertrauen", "en": "trust"}, "en")
    'trust'
    """
    return texts[check_language(language)]
