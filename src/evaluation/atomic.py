"""Atomic file writes: a reader sees the old file or the complete new one, never a part.

The data go to a temporary file in the same folder, which is flushed, synced and renamed over
the target with :func:`os.replace` (atomic on POSIX and Windows). On any error the temporary
file is removed and an existing target keeps its content. Light on imports on purpose: report
kernels import it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], *, text: bool = True,
                mode: int = 0o644) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path``.

    Text files are UTF-8 with ``\\n`` line ends. ``mode`` sets the permissions (0600 for
    files only their owner may read, such as microdata).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        handle = (os.fdopen(fd, "w", encoding="utf-8", newline="") if text
                  else os.fdopen(fd, "wb"))
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        if exc.errno is not None and exc.filename in (None, tmp_name):
            # name the file that was meant, not our temporary one
            raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc
        raise
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, mode: int = 0o644) -> Path:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` atomically; return the path."""
    if isinstance(data, str):
        payload = data.encode("utf-8")
    elif isinstance(data, bytes | bytearray | memoryview):
        payload = bytes(data)
    else:
        raise TypeError(f"write_atomic writes str or bytes, got {type(data).__name__}")
    with atomic_open(path, text=False, mode=mode) as handle:
        handle.write(payload)
    return Path(path)
