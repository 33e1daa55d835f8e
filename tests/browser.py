"""Open a page in headless Chromium and record what it did: a test helper, not a test.

Talks the Chrome DevTools Protocol over ``--remote-debugging-pipe`` (the browser reads
commands from file descriptor 3 and writes replies and events to descriptor 4, each message
one JSON text ended by a NUL byte), so it needs no websocket library and opens no port.

Recorded: every network request the page starts (``Network.requestWillBeSent``; those the
browser then blocks itself, as a Content-Security-Policy does, are also listed in
``blocked`` from ``Network.loadingFailed``), console
errors (``Runtime.consoleAPICalled`` of level error, ``Runtime.exceptionThrown``,
``Log.entryAdded`` of level error, which is where Content-Security-Policy violations land),
JavaScript dialogs (``Page.javascriptDialogOpening``, dismissed at once), and a full-page
PNG screenshot.

Usage::

    visit = open_page(path_to_html, screenshot=tmp_path / "page.png")
    assert visit.requests_outside(("file", "data")) == []
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")

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


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


class BrowserError(RuntimeError):
    pass


@dataclass
class PageVisit:
    """What happened while a page was open."""

    url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    screenshot: Path | None = None
    title: str = ""
    content_height: int = 0
    values: list[Any] = field(default_factory=list)

    blocked: list[str] = field(default_factory=list)  # "url (reason)", e.g. reason csp

    def requests_outside(self, schemes: tuple[str, ...] = ("file", "data")) -> list[str]:
        """Requests the page attempted with another scheme (blocked ones included)."""
        return [u for u in self.requests if urlsplit(u).scheme.lower() not in schemes]

    def sent_outside(self, schemes: tuple[str, ...] = ("file", "data")) -> list[str]:
        """Requests with another scheme that the browser did not block itself."""
        stopped = {entry.rsplit(" (", 1)[0] for entry in self.blocked}
        return [u for u in self.requests_outside(schemes) if u not in stopped]


class _Pipe:
    """A minimal CDP client over the two pipes of --remote-debugging-pipe."""

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

    def wait_for(self, method: str, timeout: float) -> dict[str, Any]:
        for event in self.events:
            if event["method"] == method:
                return event
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message is None:
                raise BrowserError(f"no {method} event within {timeout} s")
            if "method" in message:
                self._note(message)
                if message["method"] == method:
                    return message


def _above_four(fd: int) -> int:
    """Move a descriptor above 4, so that the shell's 3<& and 4>& cannot clobber it."""
    if fd > 4:
        return fd
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


def _describe_exception(details: dict[str, Any]) -> str:
    exception = details.get("exception", {})
    return str(exception.get("description") or details.get("text") or details)


def open_page(path_or_url: str | os.PathLike[str], *, screenshot: Path | None = None,
              width: int = 1024, height: int = 800, media: str | None = None,
              settle: float = 0.5, timeout: float = 30.0,
              expressions: Sequence[str] = ()) -> PageVisit:
    """Load a page in headless Chromium, record its requests and errors, take a screenshot.

    ``media="print"`` emulates the print stylesheet. ``settle`` seconds after the load event
    are given to late requests and errors. Each JavaScript expression in ``expressions`` is
    evaluated in the loaded page (through the protocol, not by the page's own scripts) and
    its value stored in :attr:`PageVisit.values`.
    """
    if not chromium_available():
        raise BrowserError(f"{CHROMIUM} not found")
    url = str(path_or_url)
    if "://" not in url:
        url = Path(url).resolve().as_uri()
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    to_browser_r, to_browser_w = (_above_four(fd) for fd in os.pipe())
    from_browser_r, from_browser_w = (_above_four(fd) for fd in os.pipe())
    # The browser wants the pipes on fds 3 and 4; bash moves them there before exec (dash
    # cannot: it reads only one-digit descriptor numbers in redirections).
    launcher = (f'exec "$0" "$@" 3<&{to_browser_r} 4>&{from_browser_w} '
                f"{to_browser_r}<&- {from_browser_w}>&-")
    process = subprocess.Popen(
        ["/bin/bash", "-c", launcher, str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}",
         "about:blank"],
        pass_fds=(to_browser_r, from_browser_w),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(to_browser_r)
    os.close(from_browser_w)
    pipe = _Pipe(to_browser_w, from_browser_r)
    visit = PageVisit(url=url)
    try:
        target = pipe.call("Target.createTarget", {"url": "about:blank"}, timeout=timeout)
        attached = pipe.call("Target.attachToTarget",
                             {"targetId": target["targetId"], "flatten": True})
        session = attached["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            pipe.call(f"{domain}.enable", session=session)
        pipe.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                  session=session)
        if media:
            pipe.call("Emulation.setEmulatedMedia", {"media": media}, session=session)
        pipe.events.clear()
        pipe.call("Page.navigate", {"url": url}, session=session)
        pipe.wait_for("Page.loadEventFired", timeout)
        pipe.pump(settle)
        urls: dict[str, str] = {}
        for event in pipe.events:
            if event.get("sessionId") != session:
                continue
            method, params = event["method"], event.get("params", {})
            if method == "Network.requestWillBeSent":
                request_url = params["request"]["url"]
                if request_url.startswith("data:"):
                    request_url = request_url[:40] + "..."  # keep reports short
                urls[params["requestId"]] = request_url
                visit.requests.append(request_url)
            elif method == "Network.loadingFailed" and params.get("blockedReason"):
                blocked_url = urls.get(params["requestId"], params["requestId"])
                visit.blocked.append(f"{blocked_url} ({params['blockedReason']})")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error",
                                                                                  "assert"):
                texts = [str(a.get("value", a.get("description", ""))) for a in params["args"]]
                visit.console_errors.append("console: " + " ".join(texts))
            elif method == "Runtime.exceptionThrown":
                visit.console_errors.append(
                    "exception: " + _describe_exception(params["exceptionDetails"]))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                entry = params["entry"]
                visit.console_errors.append(f"log ({entry.get('source')}): {entry.get('text')}")
            elif method == "Page.javascriptDialogOpening":
                visit.dialogs.append(f"{params.get('type')}: {params.get('message')}")
        def evaluate(expression: str) -> Any:
            reply = pipe.call("Runtime.evaluate",
                              {"expression": expression, "returnByValue": True,
                               "awaitPromise": True},
                              session=session, timeout=timeout)
            if "exceptionDetails" in reply:
                problem = _describe_exception(reply["exceptionDetails"])
                raise BrowserError(f"{expression}: {problem}")
            return reply.get("result", {}).get("value")

        visit.title = str(evaluate("document.title"))
        visit.values = [evaluate(expression) for expression in expressions]
        metrics = pipe.call("Page.getLayoutMetrics", session=session)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        visit.content_height = int(size["height"])
        if screenshot is not None:
            shot = pipe.call("Page.captureScreenshot", {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": max(int(size["width"]), width),
                         "height": max(int(size["height"]), 1), "scale": 1},
            }, session=session, timeout=timeout)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
            visit.screenshot = screenshot
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
    return visit
