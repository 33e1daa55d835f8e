"""Open a page in headless Chromium and record what it did: a test helper, not a test.

Talks the Chrome DevTools Protocol through the package's own client
(:mod:`evaluation.render.chromium`: ``--remote-debugging-pipe``, no websocket, no port).

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
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from evaluation.render import BrowserError, chromium_path, launched


def chromium_available() -> bool:
    return chromium_path() is not None


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
    url = str(path_or_url)
    if "://" not in url:
        url = Path(url).resolve().as_uri()
    visit = PageVisit(url=url)
    with launched() as pipe:
        def prepare(session: str) -> None:
            pipe.call("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1,
                       "mobile": False}, session=session)
            if media:
                pipe.call("Emulation.setEmulatedMedia", {"media": media}, session=session)

        session = pipe.open_tab(url, timeout=timeout, prepare=prepare,
                                domains=("Page", "Network", "Runtime", "Log"))
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
    return visit
