"""Privacy: pseudonyms, minimum group sizes, secondary suppression, free text and microdata.

The rules of DESIGN.md ("Privacy and fairness"; DSGVO Art. 89, BDSG § 27) as library
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

The rules live in one module per topic, all importable from here:
:mod:`evaluation.privacy.pseudonyms` (keys, pseudonyms, :func:`looks_identifying`),
:mod:`evaluation.privacy.suppression` (minimum group size, secondary suppression, pool rule, small
categories, raters), :mod:`evaluation.privacy.freetext` (:func:`scrub_free_text`),
:mod:`evaluation.privacy.generalisation` (k-anonymity and generalisation) and
:mod:`evaluation.io.microdata` (the export); their errors are in :mod:`evaluation.privacy.checks`.
"""

from __future__ import annotations

from evaluation.privacy.checks import (
    check_k,
    require_columns,
)
from evaluation.privacy.freetext import (
    PLACEHOLDER_EMAIL,
    PLACEHOLDER_NAME,
    PLACEHOLDER_PHONE,
    PLACEHOLDER_URL,
    scrub_free_text,
)
from evaluation.privacy.generalisation import (
    DECISION_ROLE,
    DEFAULT_HIERARCHY,
    DEFAULT_QUASI_IDENTIFIERS,
    GeneralisationStep,
    generalise_for_k,
    k_anonymity,
)
from evaluation.privacy.pseudonyms import (
    DEFAULT_KEY_ENV,
    MIN_KEY_BYTES,
    PSEUDONYM_HEX_CHARS,
    PSEUDONYM_PREFIX,
    check_key,
    load_key,
    looks_identifying,
    pseudonymise,
    require_key,
)
from evaluation.privacy.suppression import (
    SUPPRESSED,
    merge_small_categories,
    min_raters_ok,
    pool_members,
    pool_rows,
    pool_without_site_safe,
    secondary_suppress,
    suppress,
)

__all__ = [
    "DECISION_ROLE",
    "DEFAULT_HIERARCHY",
    "DEFAULT_KEY_ENV",
    "DEFAULT_QUASI_IDENTIFIERS",
    "MIN_KEY_BYTES",
    "PLACEHOLDER_EMAIL",
    "PLACEHOLDER_NAME",
    "PLACEHOLDER_PHONE",
    "PLACEHOLDER_URL",
    "PSEUDONYM_HEX_CHARS",
    "PSEUDONYM_PREFIX",
    "SUPPRESSED",
    "GeneralisationStep",
    "check_k",
    "check_key",
    "generalise_for_k",
    "k_anonymity",
    "load_key",
    "looks_identifying",
    "merge_small_categories",
    "min_raters_ok",
    "pool_members",
    "pool_rows",
    "pool_without_site_safe",
    "pseudonymise",
    "require_columns",
    "require_key",
    "scrub_free_text",
    "secondary_suppress",
    "suppress",
]
