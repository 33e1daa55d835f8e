"""Controlled vocabularies shared by several parts of the package: actor types and sectors.

The defaults of the bundled instrument; a project's own codebook lists its actor types as
respondent attributes, and an actor type missing from :data:`ACTOR_TYPE_SECTORS` falls into
the sector ``other``.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["ACTOR_TYPES", "ACTOR_TYPE_SECTORS"]

#: Default actor types (keys of the default instrument); their number is the k of the IQV.
ACTOR_TYPES: tuple[str, ...] = (
    "administration", "immigration_office", "social_welfare_office", "jobcenter",
    "welfare_organisation", "mso", "association_volunteer", "education", "business",
    "politics", "other",
)

#: Coarse sectors of the actor types. Schools, adult education and councils are counted as
#: public; welfare organisations (AWO, Caritas, Diakonie), MSO and associations as civil
#: society; unknown actor types fall into ``other``.
ACTOR_TYPE_SECTORS: Mapping[str, str] = {
    "administration": "public",
    "immigration_office": "public",
    "social_welfare_office": "public",
    "jobcenter": "public",
    "education": "public",
    "politics": "public",
    "welfare_organisation": "civil_society",
    "mso": "civil_society",
    "association_volunteer": "civil_society",
    "business": "business",
    "other": "other",
}
