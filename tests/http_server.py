"""A real HTTP server on 127.0.0.1 whose routes can redirect, fail, stall, cut bodies short and serve ranges.

It stands in for documents.un.org in the fetcher tests: every misbehaviour the fetcher must survive is a
field of `Route`, and every request it receives is kept in `requests` so tests can count and inspect them.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """How the server answers one path (query string included)."""

    body: bytes = b""
    content_type: str = "application/pdf"
    status: int = 200  # anything but 200 is sent as an HTML error page
    fail_first: int = 0  # answer this many requests with 503 before behaving
    redirect_to: str | None = None  # answer 302 with this Location, like the UN symbol API
    cut_after: int | None = None  # send only this many body bytes (announcing the full length) ...
    cut_times: int = 1  # ... this many times
    ranges: bool = True  # honour `Range: bytes=N-` with 206
    delay: float = 0.0  # wait this long before answering


@dataclass(frozen=True)
class SeenRequest:
    path: str
    headers: dict[str, str]


@dataclass
class PdfServer:
    """Serves `routes` until `close()`; `url(path)` is the address of a route."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[SeenRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: Route) -> str:
        with self._lock:
            self.routes[path] = route
        return self.url(path)

    def requests_for(self, path: str) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up early are part of the tests (timeouts, non-PDF bodies), not server errors."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(server: PdfServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server dispatches to
            with server._lock:
                server.requests.append(SeenRequest(self.path, dict(self.headers.items())))
                route = server.routes.get(self.path)
                failing = route is not None and route.fail_first > 0
                if failing:
                    route.fail_first -= 1
                cut = route is not None and route.cut_after is not None and route.cut_times > 0
                if cut:
                    route.cut_times -= 1
            if route is None:
                return self._page(404, "Not Found")
            if route.delay:
                time.sleep(route.delay)
            if failing:
                return self._page(503, "Service Unavailable")
            if route.redirect_to:
                self.send_response(302)
                self.send_header("Location", route.redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if route.status != 200:
                return self._page(route.status, "Error")
            self._body(route, cut)
            return None

        def _body(self, route: Route, cut: bool) -> None:
            body, start = route.body, 0
            match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
            if match and route.ranges:
                start = int(match.group(1))
                if start >= len(body):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(body)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            else:
                self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(body) - start))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            payload = body[start:]
            self.wfile.write(payload[: route.cut_after] if cut else payload)
            self.close_connection = True

        def _page(self, status: int, title: str) -> None:
            page = f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{title}</body></html>".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            """Keep the test output quiet."""

    return Handler
