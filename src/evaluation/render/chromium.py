"""Headless Chromium driven over the DevTools protocol: the engine that prints reports to PDF.

The browser is started with ``--remote-debugging-pipe``: it reads commands from file
descriptor 3 and writes replies and events to descriptor 4, each message one JSON text ended by
a NUL byte. So no websocket library is needed and no port is opened. The same client serves the
browser tests (``tests/browser.py``), which record what a page does.

Chromium is Debian's ``chromium`` package (``/usr/bin/chromium``, or ``$CHROMIUM``); the
test set-up installs it where it can.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from evaluation.errors import PdfError

__all__ = ["FLAGS", "BrowserError", "CdpPipe", "chromium_path", "launched", "svg_images_to_png",
           "svgs_to_png_with"]

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--font-render-hinting=none",
    "--remote-debugging-pipe",
)


class BrowserError(PdfError):
    """Chromium is missing, closed its pipe, or refused or did not answer a command."""


def chromium_path() -> Path | None:
    """The Chromium executable (``$CHROMIUM``, else ``chromium`` on the PATH), or None."""
    named = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    path = Path(named)
    return path if path.is_file() and os.access(path, os.X_OK) else None


class CdpPipe:
    """A minimal DevTools-protocol client over the two pipes of ``--remote-debugging-pipe``."""

    def __init__(self, write_fd: int, read_fd: int) -> None:
        self._write = write_fd
        self._read = read_fd
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def _send_raw(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            written = os.write(self._write, data)
            data = data[written:]

    def _receive(self, deadline: float) -> dict[str, Any] | None:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self._read], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise BrowserError("Chromium closed the debugging pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)  # type: ignore[no-any-return]

    def _note(self, event: dict[str, Any]) -> None:
        """Keep an event; dismiss a JavaScript dialog at once, so that it cannot block."""
        self.events.append(event)
        if event["method"] == "Page.javascriptDialogOpening":
            self._next_id += 1
            message: dict[str, Any] = {"id": self._next_id,
                                       "method": "Page.handleJavaScriptDialog",
                                       "params": {"accept": False}}
            if event.get("sessionId"):
                message["sessionId"] = event["sessionId"]
            self._send_raw(message)  # the reply is read and dropped like any other

    def call(self, method: str, params: dict[str, Any] | None = None, *,
             session: str | None = None, timeout: float = 30.0) -> dict[str, Any]:
        """Send a command and wait for its reply (events that arrive meanwhile are kept)."""
        self._next_id += 1
        call_id = self._next_id
        message: dict[str, Any] = {"id": call_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send_raw(message)
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply is None:
                raise BrowserError(f"no reply to {method} within {timeout} s")
            if reply.get("id") == call_id:
                if "error" in reply:
                    raise BrowserError(f"{method} failed: {reply['error']}")
                return reply.get("result", {})  # type: ignore[no-any-return]
            if "method" in reply:
                self._note(reply)

    def pump(self, seconds: float) -> None:
        """Collect events for a while."""
        deadline = time.monotonic() + seconds
        while True:
            message = self._receive(deadline)
            if message is None:
                return
            if "method" in message:
                self._note(message)

    def wait_for(self, method: str, timeout: float, *, session: str | None = None
                 ) -> dict[str, Any]:
        """The first event ``method`` (of ``session``, where given), kept or still to come."""
        def matches(event: dict[str, Any]) -> bool:
            return event["method"] == method and (session is None
                                                  or event.get("sessionId") == session)

        for event in self.events:
            if matches(event):
                return event
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message is None:
                raise BrowserError(f"no {method} event within {timeout} s")
            if "method" in message:
                self._note(message)
                if matches(message):
                    return message

    def open_tab(self, url: str, *, timeout: float = 30.0,
                 domains: tuple[str, ...] = ("Page",),
                 prepare: Callable[[str], object] | None = None) -> str:
        """A new tab showing ``url`` once loaded; returns its session id. ``domains`` are
        enabled first (their events are kept from the navigation on); ``prepare(session)``
        runs before the navigation (e.g. the viewport or the emulated media)."""
        target = self.call("Target.createTarget", {"url": "about:blank"}, timeout=timeout)
        attached = self.call("Target.attachToTarget",
                             {"targetId": target["targetId"], "flatten": True})
        session = str(attached["sessionId"])
        for domain in domains:
            self.call(f"{domain}.enable", session=session)
        if prepare is not None:
            prepare(session)
        self.events.clear()
        navigated = self.call("Page.navigate", {"url": url}, session=session, timeout=timeout)
        if navigated.get("errorText"):  # e.g. net::ERR_FILE_NOT_FOUND: no page to print
            self.close_tab(session)
            raise BrowserError(f"{url} could not be opened: {navigated['errorText']}")
        self.wait_for("Page.loadEventFired", timeout, session=session)
        return session

    def close_tab(self, session: str) -> None:
        info = self.call("Target.getTargetInfo", session=session)
        self.call("Target.closeTarget", {"targetId": info["targetInfo"]["targetId"]})


def _above_four(fd: int) -> int:
    """Move a descriptor above 4, so that the shell's 3<& and 4>& cannot clobber it."""
    if fd > 4:
        return fd
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


@contextlib.contextmanager
def launched(*extra_flags: str) -> Iterator[CdpPipe]:
    """A headless Chromium for the block's duration (a fresh profile, removed afterwards)."""
    executable = chromium_path()
    if executable is None:
        raise BrowserError("Chromium was not found (Debian package 'chromium', or set "
                           "$CHROMIUM to the executable)")
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    to_browser_r, to_browser_w = (_above_four(fd) for fd in os.pipe())
    from_browser_r, from_browser_w = (_above_four(fd) for fd in os.pipe())
    # The browser wants the pipes on fds 3 and 4; bash moves them there before exec (dash
    # cannot: it reads only one-digit descriptor numbers in redirections).
    launcher = (f'exec "$0" "$@" 3<&{to_browser_r} 4>&{from_browser_w} '
                f"{to_browser_r}<&- {from_browser_w}>&-")
    process = subprocess.Popen(
        ["/bin/bash", "-c", launcher, str(executable), *FLAGS, *extra_flags,
         f"--user-data-dir={profile}", "about:blank"],
        pass_fds=(to_browser_r, from_browser_w),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(to_browser_r)
    os.close(from_browser_w)
    pipe = CdpPipe(to_browser_w, from_browser_r)
    try:
        yield pipe
        with contextlib.suppress(BrowserError):
            pipe.call("Browser.close", timeout=5)
    finally:
        os.close(to_browser_w)
        os.close(from_browser_r)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


def svgs_to_png_with(pipe: CdpPipe, svgs: list[str], *, scale: float = 2.0,
                     timeout: float = 60.0) -> list[bytes]:
    """Each SVG text drawn as a PNG at ``scale`` times its size, in the browser behind
    ``pipe`` (for formats that cannot show SVG, such as Word)."""
    import base64
    import re

    pngs = []
    for svg in svgs:
        size = re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"[^>]*\bheight="([\d.]+)pt"', svg)
        width, height = ((float(size.group(1)) * 4 / 3, float(size.group(2)) * 4 / 3)
                         if size else (800.0, 600.0))
        page = ("<!DOCTYPE html><html><head><style>html,body{margin:0;background:#fff}"
                "img{display:block}</style></head><body><img src=\"data:image/svg+xml;"
                f"base64,{base64.b64encode(svg.encode()).decode()}\"></body></html>")
        session = pipe.open_tab("data:text/html;base64,"
                                + base64.b64encode(page.encode()).decode(), timeout=timeout)
        try:
            shot = pipe.call("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": scale}},
                session=session, timeout=timeout)
        finally:
            pipe.close_tab(session)
        pngs.append(base64.b64decode(shot["data"]))
    return pngs


def svg_images_to_png(svgs: list[str], *, scale: float = 2.0, timeout: float = 60.0
                      ) -> list[bytes]:
    """:func:`svgs_to_png_with` in a browser of its own."""
    with launched() as pipe:
        return svgs_to_png_with(pipe, svgs, scale=scale, timeout=timeout)
