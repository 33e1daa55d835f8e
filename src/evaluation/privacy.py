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
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx
import numpy as np
import pandas as pd
from scipy.optimize import linprog

from . import columns as C
from .atomic import atomic_open
from .errors import EvaluationError
from .network import ACTOR_TYPE_SECTORS

if TYPE_CHECKING:
    from .ingest import SurveyData
    from .project import Privacy

log = logging.getLogger("evaluation")

SUPPRESSED = "suppressed"
DECISION_ROLE = "decision_role"
MIN_KEY_BYTES = 16
PSEUDONYM_PREFIX = "P"
PSEUDONYM_HEX_CHARS = 16
DEFAULT_KEY_ENV = "TRANSFER_EVAL_KEY"
DEFAULT_QUASI_IDENTIFIERS = (C.SITE, C.ACTOR_TYPE, DECISION_ROLE)

PLACEHOLDER_EMAIL = "[E-Mail]"
PLACEHOLDER_URL = "[URL]"
PLACEHOLDER_PHONE = "[Telefon]"
PLACEHOLDER_NAME = "[Name]"


class PrivacyError(EvaluationError, ValueError):
    """Bad input to a privacy routine, or a rule that cannot be met."""


class PseudonymKeyError(PrivacyError):
    """The pseudonym key is set but unusable (too short, unreadable, inside the project)."""


class PseudonymKeyMissing(PrivacyError):
    """Identifiers must be pseudonymised but no key is available."""

    def __init__(self, env_name: str = DEFAULT_KEY_ENV, *, reason: str | None = None) -> None:
        self.env_name = env_name
        why = reason or "respondent identifiers must be pseudonymised"
        super().__init__(
            f"{why}, but no pseudonym key is set. Set the environment variable {env_name} "
            f"to a secret of at least {MIN_KEY_BYTES} characters, for example\n"
            f"    export {env_name}=\"$(python -c 'import secrets; "
            "print(secrets.token_hex(32))')\"\n"
            f"or write the key into a file outside the project folder and the output folders "
            f"and set {env_name}_FILE to that file's path. Keep the key safe and use the same "
            "key for every wave: the same key gives the same pseudonyms, so respondents stay "
            "linked across waves. (privacy.pseudonym_key_env in project.yml names the "
            "variable.)")


class DisclosureError(PrivacyError):
    """A disclosure rule cannot be met; ``classes`` lists the groups concerned."""

    def __init__(self, message: str, *, classes: pd.DataFrame | None = None) -> None:
        self.classes = classes
        super().__init__(message)


# -- pseudonyms ------------------------------------------------------------------------------

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def load_key(privacy: Privacy, *, env: Mapping[str, str] = os.environ,
             forbidden: Iterable[str | Path] = ()) -> bytes | None:
    """The pseudonym key from the environment, or ``None`` when none is set.

    Parameters
    ----------
    privacy
        The project's privacy settings; ``privacy.pseudonym_key_env`` names the variable
        (default ``TRANSFER_EVAL_KEY``).
    env
        The environment to read (``os.environ``; a dict in tests).
    forbidden
        Folders a key file must not lie in: pass the project folder and every output
        folder, so that the key never travels with the data or the reports.

    Returns
    -------
    bytes or None
        The key: the value of ``<NAME>``, or the content of the file named by
        ``<NAME>_FILE``, with surrounding whitespace (a trailing newline) removed. An empty
        variable counts as unset.

    Raises
    ------
    PseudonymKeyError
        The setting does not name a variable, both variables are set, the key file is
        missing or inside a forbidden folder, or the key is shorter than 16 bytes. The
        messages never contain the key.
    """
    name = privacy.pseudonym_key_env
    if not _ENV_NAME.fullmatch(name):
        # do not echo the value: it may be the key pasted into the project file
        raise PseudonymKeyError(
            "privacy.pseudonym_key_env must be the name of an environment variable (letters, "
            "digits and underscores, such as TRANSFER_EVAL_KEY); it must never hold the key "
            "itself. If you pasted the key there, remove it from project.yml and treat that "
            "key as disclosed.")
    file_name = f"{name}_FILE"
    value = (env.get(name) or "").strip()
    file_value = (env.get(file_name) or "").strip()
    if value and file_value:
        raise PseudonymKeyError(f"both {name} and {file_name} are set; set only one of them")
    if value:
        key = value.encode("utf-8")
        source = f"environment variable {name}"
    elif file_value:
        key = _read_key_file(Path(file_value).expanduser(), file_name, forbidden)
        source = f"the key file named by {file_name}"
    else:
        return None
    _check_key(key, source)
    return key


def _read_key_file(path: Path, variable: str, forbidden: Iterable[str | Path]) -> bytes:
    resolved = path.resolve()
    for folder in forbidden:
        folder_path = Path(folder).expanduser().resolve()
        if resolved.is_relative_to(folder_path) or path.absolute().is_relative_to(folder_path):
            raise PseudonymKeyError(
                f"the key file {path} (named by {variable}) lies inside {folder_path}; keep the "
                "key outside the project folder and the output folders so that it never "
                "travels with the data or the reports")
    if not resolved.is_file():
        raise PseudonymKeyError(f"the key file {path} named by {variable} does not exist or is "
                                "not a file")
    try:
        key = resolved.read_bytes().strip()
    except OSError as exc:
        raise PseudonymKeyError(f"the key file {path} named by {variable} cannot be read: "
                                f"{exc.strerror}") from None
    mode = resolved.stat().st_mode
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("the pseudonym key file %s can be read by other users; "
                    "restrict it with chmod 600", path)
    return key


def _check_key(key: object, source: str = "the key argument") -> bytes:
    if not isinstance(key, bytes):
        raise PseudonymKeyError(f"the pseudonym key from {source} must be bytes, "
                                f"got {type(key).__name__}")
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(
            f"the pseudonym key from {source} is {len(key)} bytes long; at least "
            f"{MIN_KEY_BYTES} are needed. Generate one with "
            "python -c 'import secrets; print(secrets.token_hex(32))'")
    return key


def require_key(privacy: Privacy, ids: pd.Series | None = None, *,
                env: Mapping[str, str] = os.environ,
                forbidden: Iterable[str | Path] = ()) -> bytes | None:
    """The key where one is needed; :class:`PseudonymKeyMissing` where it is missing.

    With ``ids`` the key is needed only when they look like direct identifiers
    (:func:`looks_identifying`); without ``ids`` it is always needed (microdata export).
    Returns ``None`` when no key is set and none is needed.
    """
    key = load_key(privacy, env=env, forbidden=forbidden)
    if key is not None:
        return key
    if ids is None:
        raise PseudonymKeyMissing(privacy.pseudonym_key_env)
    if looks_identifying(ids):
        raise PseudonymKeyMissing(
            privacy.pseudonym_key_env,
            reason="respondent identifiers look like direct identifiers (e-mail addresses, "
                   "names or telephone numbers) and must be pseudonymised")
    return None


def pseudonymise(ids: pd.Series, key: bytes) -> pd.Series:
    """Keyed pseudonyms: ``"P" + HMAC-SHA256(key, id).hexdigest()[:16]``.

    Parameters
    ----------
    ids
        Identifiers; each is taken as text with surrounding whitespace removed (an integral
        float such as ``17.0`` as ``"17"``). Missing or empty identifiers stay missing.
    key
        At least 16 bytes (:func:`load_key`).

    Returns
    -------
    pandas.Series
        Same index and name, object dtype.

    Notes
    -----
    The pseudonym is reproducible elsewhere, e.g. in R with
    ``paste0("P", substr(digest::hmac(key, id, "sha256"), 1, 16))``. 16 hex characters are
    64 bits; a collision between two identifiers is checked for and raises
    :class:`PrivacyError` (for a few thousand respondents its chance is about 1e-12).
    """
    key = _check_key(key)
    if not isinstance(ids, pd.Series):
        ids = pd.Series(ids, dtype=object)
    texts = ids.astype(object).map(_id_text)
    uniques = [t for t in pd.unique(texts.to_numpy(dtype=object)) if t is not None]
    mapping = {t: PSEUDONYM_PREFIX + hmac.new(key, t.encode("utf-8"), hashlib.sha256)
               .hexdigest()[:PSEUDONYM_HEX_CHARS] for t in uniques}
    if len(set(mapping.values())) != len(mapping):
        raise PrivacyError("two different identifiers received the same pseudonym; use "
                           "another key")
    out = texts.map(lambda t: pd.NA if t is None else mapping[t])
    return out.astype(object).rename(ids.name)


def _id_text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


_EMAIL_IN_ID = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_NAME_IN_ID = re.compile(r"[^\W\d_]{2,}[.,]?\s+[^\W\d_]{2,}")
_PHONE_LIKE_ID = re.compile(r"\+?[\d\s()/.\-]+")
_LONG_DIGIT_RUN = re.compile(r"\d{9,}")


def looks_identifying(ids: pd.Series | Iterable[Any]) -> bool:
    """Whether any identifier looks like a direct identifier.

    Heuristics, one hit is enough: an e-mail address (``x@y.z``); two words of letters
    separated by whitespace (a name such as ``Anna Schmidt`` or ``Schmidt, Anna``); a
    telephone-like string (digits with ``+ ( ) / . -`` or spaces, at least 7 digits,
    starting with ``0`` or ``+``); any run of 9 or more digits. Codes such as ``R0001``,
    survey tokens and serial numbers do not trigger it.
    """
    for value in ids:
        text = _id_text(value)
        if text is None:
            continue
        if _EMAIL_IN_ID.search(text) or _NAME_IN_ID.search(text) \
                or _LONG_DIGIT_RUN.search(text):
            return True
        digits = sum(ch.isdigit() for ch in text)
        if _PHONE_LIKE_ID.fullmatch(text) and digits >= 7 and text[0] in "+0(":
            return True
    return False


# -- minimum group size ----------------------------------------------------------------------


def _check_k(k: object, what: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise PrivacyError(f"{what} must be a positive integer, got {k!r}")
    return int(k)


def _require(frame: pd.DataFrame, names: Iterable[str], what: str) -> None:
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise PrivacyError(f"{what} lacks column(s) {', '.join(map(repr, missing))}; it has "
                           f"{', '.join(map(repr, map(str, frame.columns)))}")


def suppress(table: pd.DataFrame, *, n: str = C.N, k: int,
             value_columns: Sequence[str] | str) -> pd.DataFrame:
    """Primary suppression: hide the values of every row with fewer than ``k`` respondents.

    Parameters
    ----------
    table
        One row per group with its count in column ``n``.
    n
        Count column; a missing count counts as below ``k``. The count itself stays visible.
    k
        Minimum group size (``privacy.min_group_size``).
    value_columns
        Columns set to missing in suppressed rows.

    Returns
    -------
    pandas.DataFrame
        A copy with a boolean ``suppressed`` column (combined with an existing one by
        *or*) and the value columns missing where ``suppressed``.
    """
    k = _check_k(k)
    columns = [value_columns] if isinstance(value_columns, str) else list(value_columns)
    _require(table, [n, *columns], "the table")
    counts = pd.to_numeric(table[n], errors="coerce")
    below = (counts.isna() | (counts < k)).to_numpy(dtype=bool)
    out = table.copy()
    if SUPPRESSED in out.columns:
        earlier = out[SUPPRESSED].map(lambda v: True if pd.isna(v) else bool(v))
        below = below | earlier.to_numpy(dtype=bool)
    for column in columns:
        out[column] = out[column].mask(below)
    out[SUPPRESSED] = below
    return out


def secondary_suppress(counts: pd.DataFrame, k: int, *,
                       primary: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cells to hide in a table published with row and column totals.

    Parameters
    ----------
    counts
        Inner cells of the table (rows x columns of respondent counts, no margins); the
        row and column totals are taken to be published.
    k
        Minimum group size. Primary cells are those with ``0 < count < k``: an empty cell
        describes nobody and is not sensitive.
    primary
        Boolean frame of the same shape to use as primary cells instead (e.g. where the
        cells are means and ``counts`` their n).

    Returns
    -------
    pandas.DataFrame
        Boolean mask, ``True`` for every cell to hide (primary and secondary).

    Raises
    ------
    DisclosureError
        A primary cell is alone in a row or column of length one, or empty cells leave no
        room to hide it, so the totals give it away whatever else is hidden: publish that
        table without totals or merge categories first (:func:`merge_small_categories`).

    Notes
    -----
    A hidden cell can be computed from the published cells and the totals exactly when it
    is a *bridge* of the bipartite graph whose nodes are rows and columns and whose edges are
    the hidden cells; otherwise it lies on a cycle of hidden cells, along which the values
    can be shifted by ``+t, -t, +t, ...`` without changing any total. The routine therefore
    repeats two fixes until neither applies (a fixed point):

    1. every row and column with exactly one hidden cell gets a second one, chosen among
       the visible cells of that line by: non-empty before empty; then a cell whose crossing
       line also has exactly one hidden cell (one cell mends two lines), then one whose
       crossing line has two or more, then one in a line without hidden cells (which would
       need a further cell); then the smallest count; then position;
    2. every bridge gets a cycle: the smallest visible (non-empty first) cell joining the
       two parts the bridge separates.

    Choosing non-empty cells matters with the bound ``count >= 0``: a cycle through cells
    that are all positive can be shifted both ways, so each of its cells has a range of
    possible values. Where empty cells had to be hidden, the pattern is checked exactly by
    linear programming (minimum and maximum of each hidden cell) and refused if a cell is
    still determined. This is the classic greedy
    heuristic; the pattern is safe but not always the smallest possible (finding that one is
    NP-hard).
    """
    k = _check_k(k)
    values = _count_matrix(counts)
    if primary is None:
        mask = (values > 0) & (values < k)
    else:
        if primary.shape != counts.shape:
            raise PrivacyError(f"primary has shape {primary.shape}, counts {counts.shape}")
        mask = primary.to_numpy(dtype=bool).copy()
    rows, cols = values.shape

    def lonely(line_mask: np.ndarray) -> int:
        return int(line_mask.sum())

    def fix_lines() -> bool:
        for axis in (0, 1):
            count = rows if axis == 0 else cols
            for i in range(count):
                line = mask[i, :] if axis == 0 else mask[:, i]
                if lonely(line) != 1:
                    continue
                candidates = np.flatnonzero(~line)
                if not len(candidates):
                    j = int(np.flatnonzero(line)[0])
                    cell = (i, j) if axis == 0 else (j, i)
                    raise DisclosureError(
                        f"cell ({counts.index[cell[0]]!r}, {counts.columns[cell[1]]!r}) is "
                        f"below k={k} and alone in its {'row' if axis == 0 else 'column'}: "
                        "its total gives it away. Publish this table without that total or "
                        "merge categories first.")

                def rank(j: int, i: int = i, axis: int = axis) -> tuple[Any, ...]:
                    cell = (i, j) if axis == 0 else (j, i)
                    other = mask[:, j] if axis == 0 else mask[j, :]
                    hidden = lonely(other)
                    closes = 0 if hidden == 1 else (1 if hidden >= 2 else 2)
                    value = values[cell]
                    return (value == 0, closes, value, j)

                j = min((int(c) for c in candidates), key=rank)
                mask[(i, j) if axis == 0 else (j, i)] = True
                return True
        return False

    def fix_bridge() -> bool:
        graph = nx.Graph()
        for i, j in zip(*np.nonzero(mask), strict=True):
            graph.add_edge(("r", int(i)), ("c", int(j)))
        bridges = sorted(tuple(sorted(b)) for b in nx.bridges(graph))
        if not bridges:
            return False
        node_c, node_r = bridges[0]  # ("c", j) sorts before ("r", i)
        graph.remove_edge(node_r, node_c)
        side_r = nx.node_connected_component(graph, node_r)
        side_c = nx.node_connected_component(graph, node_c)
        rows_r = [n[1] for n in side_r if n[0] == "r"]
        cols_r = [n[1] for n in side_r if n[0] == "c"]
        rows_c = [n[1] for n in side_c if n[0] == "r"]
        cols_c = [n[1] for n in side_c if n[0] == "c"]
        candidates = [(i, j) for i in rows_r for j in cols_c if not mask[i, j]]
        candidates += [(i, j) for i in rows_c for j in cols_r if not mask[i, j]]
        if not candidates:  # cannot happen for a bridge; guard against a silent loop
            raise DisclosureError("secondary suppression found no cell to close a cycle")
        i, j = min(candidates, key=lambda c: (values[c] == 0, values[c], c))
        mask[i, j] = True
        return True

    while fix_lines() or fix_bridge():
        pass
    if (mask & (values == 0)).any():
        # cycles through empty cells may be blocked by the bound count >= 0: check exactly
        exposed = _recoverable_cells(values, mask)
        if exposed:
            where = ", ".join(f"({counts.index[i]!r}, {counts.columns[j]!r})"
                              for i, j in exposed)
            raise DisclosureError(
                f"hidden cell(s) {where} can still be computed from the totals because too "
                "many cells of the table are empty. Publish this table without totals or "
                "merge categories first.")
    n_secondary = int(mask.sum() - ((values > 0) & (values < k)).sum()) if primary is None \
        else int(mask.sum() - primary.to_numpy(dtype=bool).sum())
    if n_secondary:
        log.debug("secondary suppression hid %d further cell(s)", n_secondary)
    return pd.DataFrame(mask, index=counts.index, columns=counts.columns)


def _recoverable_cells(values: np.ndarray, mask: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells whose value the published cells, totals and ``>= 0`` pin down."""
    cells = [(int(i), int(j)) for i, j in zip(*np.nonzero(mask), strict=True)]
    position = {c: p for p, c in enumerate(cells)}
    a_eq, b_eq = [], []
    for axis in (0, 1):
        for line in range(values.shape[axis]):
            members = [c for c in cells if c[axis] == line]
            if not members:
                continue
            row = np.zeros(len(cells))
            row[[position[c] for c in members]] = 1
            a_eq.append(row)
            b_eq.append(sum(values[c] for c in members))
    exposed = []
    for cell in cells:
        objective = np.zeros(len(cells))
        objective[position[cell]] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if low.status != 0 or high.status != 0 or -high.fun - low.fun < 1e-9:
            exposed.append(cell)
    return exposed


def _count_matrix(counts: pd.DataFrame) -> np.ndarray:
    if not isinstance(counts, pd.DataFrame):
        raise PrivacyError(f"counts must be a DataFrame, got {type(counts).__name__}")
    try:
        values = counts.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise PrivacyError("counts must hold numbers only") from None
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        i, j = (int(x[0]) for x in np.nonzero(bad))
        raise PrivacyError(f"counts must be non-negative numbers; cell ({counts.index[i]!r}, "
                           f"{counts.columns[j]!r}) holds {counts.iat[i, j]!r}")
    return values


# -- pool and differencing -------------------------------------------------------------------


def pool_members(counts_per_site: Mapping[Any, Any] | pd.Series, k: int) -> set[Any]:
    """Sites whose data may enter pool statistics: those with at least ``k`` respondents.

    The differencing rule: a site below ``k`` is excluded from *every* published pool
    figure (pool, "pool without site X", distribution of site means). If it were in the
    pool, the pool total next to the benchmark without it, or next to the other sites'
    figures, would give its sum and mean by subtraction. Apply the rule per comparison
    (wave, scale): the counts are the respondents with a valid value there.
    """
    k = _check_k(k)
    items = counts_per_site.items()
    return {site for site, n in items if not pd.isna(n) and n >= k}


def pool_without_site_safe(site_n: int, pool_n: int, k: int) -> bool:
    """Whether "pool without the site" may be published next to "pool".

    ``pool_n`` counts the pool *including* the site. The difference of the two figures is
    the site's own figure, so both may appear only where the site has no respondents or
    has at least ``k`` and the rest of the pool has at least ``k`` as well. For a site with
    ``0 < site_n < k`` this is ``False``: exclude the site from the pool
    (:func:`pool_members`), after which pool and pool-without-it coincide.
    """
    k = _check_k(k)
    if site_n < 0 or pool_n < site_n:
        raise PrivacyError(f"need 0 <= site_n <= pool_n, got site_n={site_n}, pool_n={pool_n}")
    if site_n == 0:
        return pool_n >= k
    return site_n >= k and pool_n - site_n >= k


def pool_rows(frame: pd.DataFrame, *, k: int, site: str = C.SITE,
              by: Sequence[str] = (), value: str | None = None) -> pd.DataFrame:
    """The rows that may enter pool statistics, per comparison group ``by``.

    Within each group the sites with fewer than ``k`` rows (with a non-missing ``value``,
    when given) are dropped, following the rule of :func:`pool_members`.
    """
    k = _check_k(k)
    by = list(by)
    _require(frame, [site, *by, *([value] if value else [])], "the frame")
    valid = frame[value].notna() if value else pd.Series(True, index=frame.index)
    keys = [frame[c] for c in [*by, site]]
    n = valid.astype(int).groupby(keys, dropna=False, sort=False).transform("sum")
    return frame[(n >= k).to_numpy(dtype=bool)]


# -- categories and raters -------------------------------------------------------------------


def merge_small_categories(series: pd.Series, *, k: int, other: str = "other") -> pd.Series:
    """Merge categories with fewer than ``k`` members into ``other``.

    Rules, in this order:

    1. every category with fewer than ``k`` members (except ``other`` itself) becomes
       ``other``; an existing ``other`` category is kept and receives them;
    2. while ``other`` has members but fewer than ``k``, the smallest remaining category
       (ties by name) is merged into it as well;
    3. if that leaves only ``other`` and it still has fewer than ``k`` members (the whole
       series has fewer than ``k``), every value is suppressed (set missing).

    Missing values stay missing and do not count. Returns an object Series with the same
    index and name.
    """
    k = _check_k(k)
    values = series.astype(object)
    present = values[values.notna()]
    counts = present.value_counts(sort=False)
    sizes = {cat: int(n) for cat, n in counts.items() if n > 0}
    merged: list[Any] = [c for c, n in sizes.items() if n < k and c != other]
    other_n = sizes.get(other, 0) + sum(sizes[c] for c in merged)
    rest = {c: n for c, n in sizes.items() if c not in merged and c != other}
    while 0 < other_n < k and rest:
        smallest = min(rest, key=lambda c: (rest[c], str(c)))
        merged.append(smallest)
        other_n += rest.pop(smallest)
    if not merged and other not in sizes:
        return values.copy()
    if other_n < k and not rest:
        log.info("merge_small_categories: only %d value(s) in all; every value suppressed",
                 other_n)
        return pd.Series(pd.NA, index=series.index, name=series.name, dtype=object)
    out = values.where(~values.isin(merged), other)
    return out.astype(object)


def min_raters_ok(counts: Any, min_raters: int = 3) -> Any:
    """Whether a rated organisation has enough raters to be shown (DESIGN.md: at least 3).

    Works element-wise on a number, a Series or an array; a missing count is ``False``.
    """
    min_raters = _check_k(min_raters, "min_raters")
    if isinstance(counts, pd.Series):
        numbers = pd.to_numeric(counts, errors="coerce")
        return (numbers >= min_raters).astype(bool)
    if np.ndim(counts) == 0:
        return bool(not pd.isna(counts) and counts >= min_raters)
    array = np.asarray(counts, dtype=float)
    return np.nan_to_num(array, nan=-np.inf) >= min_raters


# -- free text -------------------------------------------------------------------------------

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


# -- k-anonymity and microdata ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class GeneralisationStep:
    """One step of a generalisation hierarchy.

    ``mapping`` recodes the column's values (values it does not list and that are not
    among its results become ``fallback``); ``mapping=None`` drops the value (missing).
    """

    column: str
    mapping: Mapping[Any, Any] | None = None
    fallback: Any = "other"
    description: str = ""

    def apply(self, values: np.ndarray, missing: object) -> np.ndarray:
        if self.mapping is None:
            return np.full(len(values), missing, dtype=object)
        mapping = self.mapping
        targets = set(mapping.values())

        def recode(value: Any) -> Any:
            if value is missing:
                return missing
            if value in mapping:
                return mapping[value]
            return value if value in targets else self.fallback

        return np.array([recode(v) for v in values], dtype=object)


DEFAULT_HIERARCHY: tuple[GeneralisationStep, ...] = (
    GeneralisationStep(column=DECISION_ROLE, mapping=None,
                       description="decision role dropped"),
    GeneralisationStep(column=C.ACTOR_TYPE, mapping=ACTOR_TYPE_SECTORS, fallback="other",
                       description="actor type generalised to its sector (public, "
                                   "civil_society, business, other)"),
    GeneralisationStep(column=C.ACTOR_TYPE, mapping=None, description="actor type dropped"),
)
"""The default order of generalisation, finest and least used attribute first.

1. ``decision_role`` is dropped: a binary attribute used in few analyses, yet "the head of
   the Jobcenter in X" is often a single known person;
2. ``actor_type`` is coarsened to its sector (:data:`evaluation.network.ACTOR_TYPE_SECTORS`),
   which keeps the public / civil-society comparison behind the "Augenhöhe" check;
3. ``actor_type`` is dropped.

The site (and the wave) are never generalised: a class still below ``k`` after step 3 is a
site with fewer than ``k`` respondents in a wave, and :func:`generalise_for_k` refuses or
drops it.
"""


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


def k_anonymity(frame: pd.DataFrame,
                quasi_identifiers: Sequence[str] = DEFAULT_QUASI_IDENTIFIERS, *,
                k: int) -> pd.DataFrame:
    """Equivalence classes with fewer than ``k`` rows.

    Rows are counted, so give one row per person (for panel data include ``wave`` among the
    quasi-identifiers). A missing value is a value of its own.

    Returns
    -------
    pandas.DataFrame
        The quasi-identifier columns and ``n``, one row per class below ``k``, sorted by the
        quasi-identifiers; empty when the frame is k-anonymous.
    """
    k = _check_k(k)
    qis = list(quasi_identifiers)
    _require(frame, qis, "the frame")
    codes = _encode(frame, qis)
    ids, sizes = _classes(codes)
    small = np.flatnonzero(sizes < k)
    return _class_table(codes, ids, sizes, small, qis)


def _encode(frame: pd.DataFrame, qis: list[str]) -> np.ndarray:
    """Quasi-identifiers as an object array (columns x rows) with one missing marker."""
    out = np.empty((len(qis), len(frame)), dtype=object)
    for q, column in enumerate(qis):
        values = frame[column].to_numpy(dtype=object)
        out[q] = [_MISSING if _is_missing(v) else v for v in values]
    return out


def _is_missing(value: Any) -> bool:
    return value is None or value is _MISSING or (not isinstance(value, str)
                                                  and bool(pd.isna(value)))


def _classes(codes: np.ndarray, active: np.ndarray | None = None) -> tuple[np.ndarray,
                                                                          np.ndarray]:
    """Class id per row (-1 for inactive rows) and the size of each class."""
    n = codes.shape[1]
    ids = np.full(n, -1, dtype=int)
    index: dict[tuple[Any, ...], int] = {}
    for i in range(n):
        if active is not None and not active[i]:
            continue
        ids[i] = index.setdefault(tuple(codes[:, i]), len(index))
    sizes = np.bincount(ids[ids >= 0], minlength=len(index))
    return ids, sizes


def _class_table(codes: np.ndarray, ids: np.ndarray, sizes: np.ndarray,
                 which: Iterable[int], qis: list[str]) -> pd.DataFrame:
    rows = []
    for c in which:
        first = int(np.flatnonzero(ids == c)[0])
        row = {q: (pd.NA if codes[j, first] is _MISSING else codes[j, first])
               for j, q in enumerate(qis)}
        row[C.N] = int(sizes[c])
        rows.append(row)
    table = pd.DataFrame(rows, columns=[*qis, C.N])
    if len(table):
        table = table.sort_values(qis, kind="stable", na_position="last",
                                  key=lambda s: s.astype(str)).reset_index(drop=True)
    return table.astype({C.N: int})


def generalise_for_k(frame: pd.DataFrame,
                     quasi_identifiers: Sequence[str] = DEFAULT_QUASI_IDENTIFIERS, *,
                     k: int,
                     hierarchy: Sequence[GeneralisationStep] = DEFAULT_HIERARCHY,
                     identity: str | None = None,
                     on_failure: Literal["raise", "drop"] = "raise") -> pd.DataFrame:
    """Generalise quasi-identifiers step by step until every class has ``k`` rows.

    Parameters
    ----------
    frame
        One row per person (and wave); the quasi-identifier columns are recoded.
    quasi_identifiers
        Columns that together could single someone out. Steps may only touch these.
    k
        Minimum class size.
    hierarchy
        Generalisation steps in order (:data:`DEFAULT_HIERARCHY`); a row at level ``j``
        shows its values after steps ``1..j``.
    identity
        Column identifying a person across rows (the pseudonym, with one row per wave):
        all rows of a person end at the same level, so linking waves cannot undo a
        generalisation.
    on_failure
        ``"raise"`` (default): raise :class:`DisclosureError` naming the classes still
        below ``k`` after the last step. ``"drop"``: leave their rows out (logged).

    Returns
    -------
    pandas.DataFrame
        A copy with recoded quasi-identifiers (missing where dropped); without the dropped
        rows under ``on_failure="drop"``.

    Notes
    -----
    *Local recoding, as few rows as possible.* Only classes below ``k`` are generalised.
    For each such class the routine looks, from its current level up, for the lowest level
    at which it reaches ``k`` together with other classes below ``k`` that show the same
    values there (smallest first), and moves them there together. Where no level is enough,
    the class goes one level up and takes along the smallest larger classes that show the
    same values there (e.g. the site's other public-sector respondents) until it reaches
    ``k`` (at the class's own level where that is enough). Large classes thus keep their
    detail wherever the small ones can be pooled among themselves. Repeat until no class
    below ``k`` can move; the classes left (all at the last level) are refused or dropped.
    With ``identity`` each person's rows are then raised to that person's highest level, and
    the loop starts again. Levels only grow and rows are only dropped, so the loop ends.
    """
    k = _check_k(k)
    qis = list(quasi_identifiers)
    if on_failure not in ("raise", "drop"):
        raise PrivacyError(f"on_failure must be 'raise' or 'drop', got {on_failure!r}")
    _require(frame, [*qis, *([identity] if identity else [])], "the frame")
    for step in hierarchy:
        if step.column not in qis:
            raise PrivacyError(f"generalisation step on {step.column!r}, which is not a "
                               f"quasi-identifier ({', '.join(qis)})")
    n = len(frame)
    depth = len(hierarchy)
    levels_codes = [_encode(frame, qis)]
    for step in hierarchy:
        nxt = levels_codes[-1].copy()
        q = qis.index(step.column)
        nxt[q] = step.apply(nxt[q], _MISSING)
        levels_codes.append(nxt)
    stacked = np.stack(levels_codes)  # level x qi x row
    level = np.zeros(n, dtype=int)
    active = np.ones(n, dtype=bool)
    people = None
    if identity is not None:
        people, _ = pd.factorize(frame[identity].astype(object))
        unknown = people < 0  # rows without an identity are people of their own
        people[unknown] = people.max(initial=-1) + 1 + np.arange(int(unknown.sum()))
    unresolved: list[pd.DataFrame] = []

    def current() -> np.ndarray:
        return stacked[level, :, np.arange(n)].T

    def matches(codes: np.ndarray, target: np.ndarray) -> np.ndarray:
        return np.all(codes == target[:, None], axis=0)

    def take_along(candidates: np.ndarray, ids: np.ndarray, sizes: np.ndarray,
                   count: int) -> tuple[np.ndarray, int]:
        """Whole classes among ``candidates``, smallest first, until ``count`` reaches k."""
        chosen = np.zeros(n, dtype=bool)
        for other in sorted(set(ids[candidates].tolist()), key=lambda o: (sizes[o], o)):
            if count >= k:
                break
            rows = candidates & (ids == other)
            chosen |= rows
            count += int(rows.sum())
        return chosen, count

    while True:
        codes = current()
        ids, sizes = _classes(codes, active)
        small = [int(c) for c in np.flatnonzero(sizes < k)]
        touched = np.zeros(n, dtype=bool)
        raised = False
        in_small = active & np.isin(ids, small)
        for c in small:
            members = ids == c
            if touched[members].any():
                continue  # changed by another class of this sweep; look again next sweep
            first = int(np.flatnonzero(members)[0])
            top = int(level[members].max())
            now = current()
            choice = None
            # the lowest level at which the class reaches k together with other small classes
            for target_level in range(top, depth + 1):
                target = stacked[target_level, :, first]
                existing = active & ~members & matches(now, target)
                family = (active & ~members & ~existing & ~touched & (level < target_level)
                          & matches(stacked[target_level], target))
                chosen, count = take_along(family & in_small, ids, sizes,
                                           int(members.sum() + existing.sum()))
                if count >= k:
                    choice = target_level, chosen
                    break
            # otherwise take along the smallest larger classes, at the class's own level if
            # that is enough, else one level further
            for target_level in range(top, min(top + 1, depth) + 1):
                if choice is not None:
                    break
                target = stacked[target_level, :, first]
                existing = active & ~members & matches(now, target)
                family = (active & ~members & ~existing & ~touched & (level < target_level)
                          & matches(stacked[target_level], target))
                chosen, count = take_along(family, ids, sizes,
                                           int(members.sum() + existing.sum()))
                if count >= k:
                    choice = target_level, chosen
                elif target_level > top:
                    choice = target_level, family
            if choice is None:
                continue  # at the last level: unresolved unless others join it later
            target_level, chosen = choice
            moved = members | chosen
            before = level[moved]
            level[moved] = np.maximum(before, target_level)
            touched |= moved
            raised = raised or bool((level[moved] != before).any())
        if raised:
            continue
        if small:
            unresolved.append(_class_table(codes, ids, sizes, small, qis))
            for c in small:
                active[ids == c] = False
        if people is not None:
            highest = pd.Series(np.where(active, level, -1)).groupby(people).transform("max")
            propagated = np.where(active, np.maximum(level, highest.to_numpy()), level)
            if (propagated != level).any():
                level = propagated
                continue
        break

    if unresolved:
        table = pd.concat(unresolved, ignore_index=True)
        names = "; ".join(_describe_class(row, qis) for row in table.head(20).to_dict("records"))
        more = f" and {len(table) - 20} more" if len(table) > 20 else ""
        if on_failure == "raise":
            raise DisclosureError(
                f"{len(table)} group(s) stay below k={k} after every generalisation step: "
                f"{names}{more}. Leave these respondents out of the export "
                "(on_failure='drop'), merge sites, or publish aggregates only.", classes=table)
        log.warning("microdata: %d row(s) in %d group(s) below k=%d left out: %s%s",
                    int(table[C.N].sum()), len(table), k, names, more)

    out = frame.copy()
    codes = current()
    for q, column in enumerate(qis):
        out[column] = pd.Series([pd.NA if v is _MISSING else v for v in codes[q]],
                                index=frame.index, dtype=object)
    for j, step in enumerate(hierarchy, start=1):
        count = int(((level >= j) & active).sum())
        if count:
            log.info("microdata: %s for %d row(s)", step.description or step.column, count)
    return out[active]


def _describe_class(row: Mapping[str, Any], qis: list[str]) -> str:
    parts = [f"{q}={'(hidden)' if pd.isna(row[q]) else row[q]}" for q in qis]
    return f"{', '.join(parts)} (n={row[C.N]})"


def write_csv_atomic(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a CSV (UTF-8, ``\\n``, no index) so that ``path`` is complete or untouched.

    The file is created with mode 0600 (readable by its owner only); see
    :mod:`evaluation.atomic`.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise PrivacyError(f"cannot write {path}: the folder {path.parent} does not exist")
    with atomic_open(path, mode=0o600) as handle:
        frame.to_csv(handle, index=False, lineterminator="\n")
    return path


def export_microdata(survey: SurveyData, path: str | Path, *, k: int, key: bytes | None,
                     quasi_identifiers: Sequence[str] = DEFAULT_QUASI_IDENTIFIERS,
                     hierarchy: Sequence[GeneralisationStep] = DEFAULT_HIERARCHY,
                     on_failure: Literal["raise", "drop"] = "raise",
                     key_env: str = DEFAULT_KEY_ENV) -> Path:
    """Write pseudonymised, k-anonymous survey microdata as one tidy CSV.

    Columns: ``respondent`` (keyed pseudonym), ``site``, ``wave``, the other
    quasi-identifiers (generalised, see :func:`generalise_for_k`), ``item``, ``value``,
    ``status``; one row per respondent, wave and item; rows sorted by wave, site and
    pseudonym (never by the original code), items in codebook order.

    Every exported respondent attribute is a quasi-identifier: attributes not listed in
    ``quasi_identifiers`` are left out (by default ``employment``, ``years_in_network``), and
    so are ``source_file``/``source_row``, which lead back to the raw export. Wave and site
    always count as quasi-identifiers and are never generalised; classes are formed per
    wave, and a respondent's rows are generalised alike in every wave.

    Raises
    ------
    PseudonymKeyMissing
        ``key`` is ``None``.
    DisclosureError
        Some group stays below ``k`` (for instance a site with fewer than ``k`` respondents
        in a wave) and ``on_failure`` is ``"raise"``; nothing is written.
    """
    k = _check_k(k)
    if key is None:
        raise PseudonymKeyMissing(key_env, reason="microdata are exported with pseudonyms only")
    key = _check_key(key)
    qis = [C.WAVE, C.SITE, *(q for q in quasi_identifiers if q not in (C.WAVE, C.SITE))]
    respondents = survey.respondents
    _require(respondents, [C.RESPONDENT, *qis], "the survey's respondents")
    _require(survey.responses, [C.RESPONDENT, C.WAVE, C.ITEM, C.VALUE, C.STATUS],
             "the survey's responses")
    twice = respondents.duplicated([C.RESPONDENT, C.WAVE])
    if twice.any():
        raise PrivacyError(f"{int(twice.sum())} respondent row(s) repeat a respondent of the "
                           "same wave; resolve the duplicates (transfer-eval validate) before "
                           "exporting")
    people = respondents[[C.RESPONDENT, *qis]].copy()
    people["_pseudonym"] = pseudonymise(people[C.RESPONDENT], key)
    people = generalise_for_k(people, qis, k=k, hierarchy=hierarchy, identity="_pseudonym",
                              on_failure=on_failure)
    answers = survey.responses[[C.RESPONDENT, C.WAVE, C.ITEM, C.VALUE, C.STATUS]].copy()
    answers["_order"] = np.arange(len(answers))
    table = people.merge(answers, on=[C.RESPONDENT, C.WAVE], how="inner")
    # waves and sites in the order of the survey (project order after load_survey)
    for column in (C.WAVE, C.SITE):
        order = {v: i for i, v in enumerate(pd.unique(respondents[column].astype(object)))}
        table[f"_{column}_rank"] = table[column].map(order)
    table[C.RESPONDENT] = table.pop("_pseudonym")
    table[C.STATUS] = table[C.STATUS].astype(str)
    table = table.sort_values([f"_{C.WAVE}_rank", f"_{C.SITE}_rank", C.RESPONDENT, "_order"],
                              kind="stable")
    others = [q for q in qis if q not in (C.WAVE, C.SITE)]
    columns = [C.RESPONDENT, C.SITE, C.WAVE, *others, C.ITEM, C.VALUE, C.STATUS]
    written = write_csv_atomic(table[columns], path)
    log.info("microdata: %d answer(s) of %d respondent row(s) written to %s", len(table),
             len(people), written)
    return written


__all__ = [
    "DEFAULT_HIERARCHY", "DEFAULT_QUASI_IDENTIFIERS", "SUPPRESSED", "DisclosureError",
    "GeneralisationStep", "PrivacyError", "PseudonymKeyError", "PseudonymKeyMissing",
    "export_microdata", "generalise_for_k", "k_anonymity", "load_key", "looks_identifying",
    "merge_small_categories", "min_raters_ok", "pool_members", "pool_rows",
    "pool_without_site_safe", "pseudonymise", "require_key", "scrub_free_text",
    "secondary_suppress", "suppress", "write_csv_atomic",
]
