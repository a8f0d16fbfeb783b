"""Headless Chromium (Debian's, not Playwright's download) and a live WSGI server."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, Route

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS: list[str] = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE_VIEWPORT: dict[str, int] = {"width": 360, "height": 740}
LOCAL_HOSTS: frozenset[str] = frozenset({"127.0.0.1", "localhost", "::1"})


def launch_chromium(playwright: Playwright, **kwargs: Any) -> Browser:
    """Launch headless /usr/bin/chromium with the project's fixed arguments."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True, **kwargs
    )


def new_phone_page(browser: Browser, base_url: str, javascript: bool = True) -> Page:
    """A page in a fresh phone-sized context (360×740 @2x, touch, mobile).

    The page gains two lists tests should assert empty:
    ``page.console_errors`` (console errors and uncaught page errors) and
    ``page.offsite_requests`` (URLs of requests to any host other than
    localhost, which are aborted: a third-party request is a failure).
    Close it with ``page.context.close()``.
    """
    context = browser.new_context(
        viewport=dict(PHONE_VIEWPORT),
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
        base_url=base_url,
    )
    console_errors: list[str] = []
    offsite_requests: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            console_errors.append(f"console.error: {msg.text} ({loc.get('url', '')}:{loc.get('lineNumber', '')})")

    def on_page_error(exc: Exception) -> None:
        console_errors.append(f"pageerror: {exc}")

    def guard(route: Route, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            offsite_requests.append(request.url)
            route.abort("blockedbyclient")
        else:
            # fallback(), not continue_(): lets routes a test adds to the context still apply.
            route.fallback()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.console_errors = console_errors  # type: ignore[attr-defined]
    page.offsite_requests = offsite_requests  # type: ignore[attr-defined]
    return page


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # noqa: D102 - silence access log
        pass


class LiveServer:
    """Serve a WSGI app (e.g. a Flask app) on 127.0.0.1 in a daemon thread."""

    def __init__(self, app: Any, host: str = "127.0.0.1", quiet: bool = True) -> None:
        self.app = app
        self.host = host
        self.quiet = quiet
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> LiveServer:
        """Bind a free port and start serving; returns self."""
        if self._server is not None:
            return self
        handler = _QuietHandler if self.quiet else None
        self._server = make_server(self.host, 0, self.app, threaded=True, request_handler=handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"LiveServer:{self.port}", daemon=True,
        )
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("LiveServer is not started")
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, without a trailing slash."""
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
