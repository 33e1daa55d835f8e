"""German forms of a municipality's name: with its article where the name starts with the kind
of municipality ("Landkreis Mühlengrund" is "der Landkreis", "im Landkreis"; "Stadt Auenfeld"
is "die Stadt", "in der Stadt"), bare where it is a place name ("Erlenbrück", "in
Erlenbrück")."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ARTICLES", "NameForms", "german_forms"]

#: The first word of a name and the gender of the noun it is.
KINDS = {
    "landkreis": "m", "kreis": "m", "markt": "m", "bezirk": "m", "stadtbezirk": "m",
    "stadt": "f", "gemeinde": "f", "verbandsgemeinde": "f", "samtgemeinde": "f",
    "hansestadt": "f", "kreisstadt": "f", "region": "f", "städteregion": "f",
    "stadtgemeinde": "f", "ortsgemeinde": "f", "verwaltungsgemeinschaft": "f",
    "amt": "n", "land": "n",
}


@dataclass(frozen=True)
class NameForms:
    """A name in the cases a report sentence needs (German)."""

    nominative: str  # "der Landkreis X" ... liegt über
    dative: str      # "dem Landkreis X"
    within: str      # "im Landkreis X" / "in Erlenbrück"
    of: str          # "vom Landkreis X" / "von Erlenbrück"
    for_: str        # "für den Landkreis X" / "für Erlenbrück"


#: the article a project may give a site (``article: der``) and the gender it stands for
ARTICLES = {"der": "m", "die": "f", "das": "n", "": None}


def german_forms(name: str, article: str | None = None) -> NameForms:
    """The forms of ``name``; ``article`` (``der``, ``die``, ``das`` or ``""`` for none) as
    the project gives it, else the article of the noun the name starts with (see
    :data:`KINDS`)."""
    if article is not None and article in ARTICLES:
        gender = ARTICLES[article]
    else:
        gender = KINDS.get(name.split(" ", 1)[0].casefold()) if " " in name.strip() else None
    if gender == "m":
        return NameForms(f"der {name}", f"dem {name}", f"im {name}", f"vom {name}",
                         f"für den {name}")
    if gender == "f":
        return NameForms(f"die {name}", f"der {name}", f"in der {name}", f"von der {name}",
                         f"für die {name}")
    if gender == "n":
        return NameForms(f"das {name}", f"dem {name}", f"im {name}", f"vom {name}",
                         f"für das {name}")
    return NameForms(name, name, f"in {name}", f"von {name}", f"für {name}")
