"""Key findings at pool level for a transfer conference: the digest behind slides and handout.

:func:`findings` turns computed results into 5 to 8 findings, each a few sentences whose
wording is generated from the numbers, with the strength of evidence behind it. The rules:

* pool level only: no site key or name, no league table; sites appear as counts;
* every number rests on at least k respondents (``meta["min_group_size"]``); suppressed
  site-waves never enter (they are already out of every pool table); a finding whose ``n``
  would be below k is dropped;
* association, not cause: the wording says "goes together with", never "leads to";
* uncertainty is said: intervals, corrections for many tests, and the evidence grade.

The findings themselves, with the evidence grade each one gives (``strong`` / ``medium`` /
``weak``; German ``stark`` / ``mittel`` / ``schwach``), are in
:mod:`evaluation.report.digest_findings`; their wording helpers in
:mod:`evaluation.report.digest_wording`.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from evaluation.language import check_language
from evaluation.peers import latest_wave
from evaluation.report.digest_findings import FINDERS
from evaluation.report.digest_wording import EVIDENCE_LABELS, DigestContext

__all__ = [
    "findings",
]

log = logging.getLogger("evaluation")

MAX_FINDINGS = 8
COLUMNS = ["rank", "finding_key", "title", "text", "evidence", "evidence_label", "n", "unit",
           "wave", "value"]


def findings(results: Any, language: str = "de", *, wave: str | None = None) -> pd.DataFrame:
    """The conference digest: 5 to 8 pool-level findings, most important first.

    Returns a tidy DataFrame, one row per finding: ``rank, finding_key, title, text,
    evidence (strong/medium/weak), evidence_label (in the language), n, unit`` (what ``n``
    counts: ``respondents``, ``responses`` over the compared waves, or ``organisations``;
    always >= k), ``wave`` and ``value`` (the count of ``sites_improved``, else missing).
    Fewer than 5 rows only when the results hold too little (one wave, no drivers); that is
    logged.
    """
    check_language(language)
    ctx = DigestContext(results, wave or latest_wave(results), language)
    rows = []
    for finder in FINDERS:
        found = finder(ctx)
        if found is not None and found["n"] < ctx.k:
            log.info("digest: %s dropped, it rests on %d < k = %d", found["finding_key"],
                     found["n"], ctx.k)
        elif found is not None:
            rows.append(found)
    rows = rows[:MAX_FINDINGS]
    if len(rows) < 5:
        log.warning("digest: only %d findings could be made from these results", len(rows))
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in
                                        ("rank", "evidence_label", "wave")])
    table.insert(0, "rank", range(1, len(table) + 1))
    table["evidence_label"] = table["evidence"].map(EVIDENCE_LABELS[language])
    table["wave"] = ctx.wave
    table["value"] = table["value"].astype("Int64")
    return table[COLUMNS]
