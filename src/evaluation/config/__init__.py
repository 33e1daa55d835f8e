"""What is evaluated: the instrument codebook and the project file.

``codebook``        the codebook model (:class:`Codebook`, scales, items, labels, attributes)
``codebook_load``   loading and checking a YAML codebook (:func:`load_codebook`), every problem at once
``project``         the project file (:class:`Project`, :func:`load_project`): sites, waves, files, privacy
``vocabulary``      controlled vocabularies shared across the package (actor types and sectors)
``yamlio``          safe YAML loading that refuses duplicate keys

Layer: above the foundation (``errors``, ``columns``, ``language``); imports nothing else.
"""

from __future__ import annotations

from evaluation.config.codebook import (
    ID_FIELDS,
    SCALE_KINDS,
    Attribute,
    AttributeValue,
    Codebook,
    Item,
    Label,
    NumericAttribute,
    Scale,
    code_key,
    normalise_column,
    normalise_text,
)
from evaluation.config.codebook_load import (
    load_codebook,
    parse_codebook,
)
from evaluation.config.project import (
    EDITIONS,
    MIN_K_FLOOR,
    PARTICIPATION_TABLES,
    PROJECT_FILE,
    SURVEY_FORMATS,
    Branding,
    Privacy,
    Project,
    Site,
    SurveyFile,
    Wave,
    find_project_file,
    load_project,
)
from evaluation.config.vocabulary import (
    ACTOR_TYPE_SECTORS,
    ACTOR_TYPES,
)

__all__ = [
    "ACTOR_TYPES",
    "ACTOR_TYPE_SECTORS",
    "EDITIONS",
    "ID_FIELDS",
    "MIN_K_FLOOR",
    "PARTICIPATION_TABLES",
    "PROJECT_FILE",
    "SCALE_KINDS",
    "SURVEY_FORMATS",
    "Attribute",
    "AttributeValue",
    "Branding",
    "Codebook",
    "Item",
    "Label",
    "NumericAttribute",
    "Privacy",
    "Project",
    "Scale",
    "Site",
    "SurveyFile",
    "Wave",
    "code_key",
    "find_project_file",
    "load_codebook",
    "load_project",
    "normalise_column",
    "normalise_text",
    "parse_codebook",
]
