"""Synthetic example project: invented data with a documented, planted structure.

``python -m evaluation.synthetic`` regenerates two folders under ``surveys/``:

``example/``
    a complete project (``project.yml``, one survey export per wave, the seven participation
    tables and a ``README.md`` documenting every planted effect with the values realised in
    the files). Every name, answer and organisation is invented.
``example-own/``
    a second project on another instrument (7-point scale, a scale on which lower is better,
    one wave, no participation data), delivered as a LimeSurvey and a SoSci export
    (:func:`generate_own_example`).
``example-dirty/``
    the same project with one realistic data error of each kind planted at a known file, row
    and column, listed in ``PLANTED_ERRORS.md`` and returned by :func:`generate_dirty`.

The output is byte-identical between runs: every random draw comes from
:func:`numpy.random.default_rng` seeded with ``[seed, part]`` (one independent stream per part
of the project, so a change in one table does not reshuffle the others), rows are written in
sorted order, numbers are written as integers or with fixed formatting, and lines end in
``'\n'``. A change of NumPy's random streams would change the files; the test
``tests/synthetic/test_example_project.py`` then says so, and the example is regenerated.

Nothing happens at import time; see :func:`generate_example`, :func:`generate_dirty` and
:func:`main`.

Modules
-------
:mod:`~evaluation.synthetic.design`
    the constants: file names, model municipalities, waves, planted structure, latent model.
:mod:`~evaluation.synthetic.plan`
    the plan shared by all tables, the records passed between generators, random streams.
:mod:`~evaluation.synthetic.survey`, :mod:`~evaluation.synthetic.participation`
    the survey exports and the seven participation tables.
:mod:`~evaluation.synthetic.example`, :mod:`~evaluation.synthetic.readme`
    the clean project folder (:func:`generate_example`) and its ``README.md``.
:mod:`~evaluation.synthetic.dirty`
    the copy with planted data errors (:func:`generate_dirty`, :class:`PlantedError`).
:mod:`~evaluation.synthetic.files`, :mod:`~evaluation.synthetic.cli`
    CSV text and file writing; the command line (:func:`main`).
"""

import lazy_loader

# Names load from their module on first use (SPEC 1): importing the package costs nothing,
# and a report kernel never imports an estimator it does not call.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "cli": [
            "main",
        ],
        "design": [
            "DEFAULT_SEED", "INSTRUMENT", "PARTICIPATION_FILES", "PLANTED_ERRORS_FILE", "SITES",
            "SURVEY_FILE", "WAVES", "SiteSpec", "WaveSpec",
        ],
        "dirty": [
            "PlantedError", "generate_dirty",
        ],
        "example": [
            "generate_example",
        ],
        "own": [
            "OWN_SEED", "generate_own_example",
        ],
    },
)
