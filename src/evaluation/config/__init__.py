"""What is evaluated: the instrument codebook and the project file.

``codebook``        the codebook model (:class:`Codebook`, scales, items, labels, attributes)
``codebook_load``   loading and checking a YAML codebook (:func:`load_codebook`), all
                    problems at once
``project``         the project model (:class:`Project`): sites, waves, files, privacy
``project_load``    loading and checking a project file (:func:`load_project`), all problems
                    at once
``settings``        the known settings of a project file and the checks of reading options
``vocabulary``      controlled vocabularies shared across the package (actor types and sectors)
``yamlio``          safe YAML loading that refuses duplicate keys; one-line YAML values

Layer: above the foundation (``errors``, ``columns``, ``language``); imports nothing else.
"""

import lazy_loader

# Names load from their module on first use (SPEC 1): importing the package costs nothing,
# and a report kernel never imports an estimator it does not call.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "codebook": [
            "ID_FIELDS", "SCALE_KINDS", "Attribute", "AttributeValue", "Codebook", "Item",
            "Label", "NumericAttribute", "Scale", "code_key", "normalise_column",
            "normalise_text",
        ],
        "codebook_load": [
            "HIGHER_IS_BETTER", "LOWER_IS_BETTER", "load_codebook", "parse_codebook",
        ],
        "project": [
            "DEFAULT_FORMATS", "EDITIONS", "FORMATS", "MIN_K_FLOOR", "PARTICIPATION_TABLES",
            "PROJECT_FILE", "SURVEY_FORMATS",
            "ONE_WAVE", "Branding", "Privacy", "Project", "Site", "SurveyFile", "Wave",
            "find_project_file",
        ],
        "project_load": [
            "ProjectParser", "load_project",
        ],
        "settings": [
            "DEFAULT_EYE_LEVEL",
        ],
        "vocabulary": [
            "ACTOR_TYPES", "ACTOR_TYPE_SECTORS",
        ],
        "yamlio": [
            "inline_yaml", "load_yaml",
        ],
    },
)
