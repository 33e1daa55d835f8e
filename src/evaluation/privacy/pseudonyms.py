"""Pseudonyms: keyed hashes of respondent identifiers, and the key they need.

Respondent identifiers are replaced by a keyed hash,
``"P" + HMAC-SHA256(key, identifier as UTF-8 text).hexdigest()[:16]``. The same key gives
the same pseudonym in every wave, so panel links keep working; without the key the
pseudonyms cannot be recomputed from a list of names or e-mail addresses. The key is read
from the environment (:func:`load_key`), never from the project folder, and it never
enters an output, a log line or an error message. :func:`looks_identifying` tells whether
identifiers look like direct identifiers, which then must be pseudonymised.

Part of the privacy rules collected in :mod:`evaluation.privacy`.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from evaluation.errors import PseudonymKeyError, PseudonymKeyMissing
from evaluation.privacy.checks import PrivacyError

if TYPE_CHECKING:
    from evaluation.config import Privacy

log = logging.getLogger("evaluation")

MIN_KEY_BYTES = 16
PSEUDONYM_PREFIX = "P"
PSEUDONYM_HEX_CHARS = 16
DEFAULT_KEY_ENV = "TRANSFER_EVAL_KEY"


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
    check_key(key, source)
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


def check_key(key: object, source: str = "the key argument") -> bytes:
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
        raise PseudonymKeyMissing(privacy.pseudonym_key_env, min_key_bytes=MIN_KEY_BYTES)
    if looks_identifying(ids):
        raise PseudonymKeyMissing(
            privacy.pseudonym_key_env, min_key_bytes=MIN_KEY_BYTES,
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
    key = check_key(key)
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


__all__ = [
    "DEFAULT_KEY_ENV",
    "MIN_KEY_BYTES",
    "PSEUDONYM_HEX_CHARS",
    "PSEUDONYM_PREFIX",
    "load_key",
    "looks_identifying",
    "pseudonymise",
    "require_key",
]
