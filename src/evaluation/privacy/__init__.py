"""Privacy: pseudonyms, minimum group sizes, secondary suppression, free text and microdata.

The rules of docs/privacy.md (DSGVO Art. 89, BDSG § 27) as library
functions. The pipeline decides where to apply them; this module decides *how*.

Pseudonyms
    Respondent identifiers are replaced by a keyed hash,
    ``"P" + HMAC-SHA256(key, identifier as UTF-8 text).hexdigest()[:16]``. The same key gives
    the same pseudonym in every wave, so panel links keep working; without the key the
    pseudonyms cannot be recomputed from a list of names or e-mail addresses. The key is read
    from the environment (:func:`load_key`), never from the project folder, and it never
    enters an output, a log line or an error message.
Minimum group size
    No statistic is shown for fewer than ``k`` respondents (:func:`suppress`). Where a table
    is published with row and column totals, :func:`secondary_suppress` hides further cells
    so that no hidden cell can be recovered from the totals.
Pool and differencing
    A site below ``k`` is left out of *every* published pool figure: the pool, each
    "pool without site X" benchmark and the distribution of site means
    (:func:`pool_members`, :func:`pool_rows`). Otherwise the pool published next to the
    benchmark "pool without site X" (or next to the other sites' figures) would give the
    suppressed site's sum and hence its mean by subtraction. With the rule, pool-with and
    pool-without a suppressed site are the same figure, and nothing can be differenced out.
Free text
    :func:`scrub_free_text` replaces e-mail addresses, URLs, telephone numbers and names
    introduced by a salutation or title with placeholders. It is a safety net, not an
    anonymisation: free text still needs a human read before it leaves the evaluation team.
Microdata
    :func:`export_microdata` writes tidy, pseudonymised answers in which every combination of
    quasi-identifiers (wave, site, actor type, decision role) is shared by at least ``k``
    respondents, generalising step by step (:func:`generalise_for_k`) and refusing where
    that is not enough.

The rules live in one module per topic; import them from here (:mod:`evaluation.privacy`):
``pseudonyms`` (keys, pseudonyms, :func:`looks_identifying`), ``suppression`` (minimum group
size, secondary suppression, pool rule, small categories, raters), ``freetext``
(:func:`scrub_free_text`), ``generalisation`` (k-anonymity and generalisation) and ``checks``
(the argument checks they share). The microdata export that applies them is
:func:`evaluation.io.export_microdata`; the errors are in :mod:`evaluation.errors`.
"""

import lazy_loader

# Names load from their module on first use (SPEC 1): importing the package costs nothing,
# and a report kernel never imports an estimator it does not call.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "checks": [
            "check_k", "require_columns",
        ],
        "freetext": [
            "PLACEHOLDER_EMAIL", "PLACEHOLDER_NAME", "PLACEHOLDER_PHONE", "PLACEHOLDER_URL",
            "scrub_free_text",
        ],
        "generalisation": [
            "DECISION_ROLE", "DEFAULT_HIERARCHY", "DEFAULT_QUASI_IDENTIFIERS",
            "GeneralisationStep", "generalise_for_k", "k_anonymity",
        ],
        "pseudonyms": [
            "DEFAULT_KEY_ENV", "MIN_KEY_BYTES", "PSEUDONYM_HEX_CHARS", "PSEUDONYM_PREFIX",
            "check_key", "load_key", "looks_identifying", "pseudonymise", "require_key",
        ],
        "suppression": [
            "SUPPRESSED", "merge_small_categories", "min_raters_ok", "pool_members", "pool_rows",
            "pool_without_site_safe", "secondary_suppress", "suppress",
        ],
    },
)
