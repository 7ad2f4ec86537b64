"""A local HTTP server on 127.0.0.1 serving the feeds, pages and hostile responses tests register.

It runs in its own thread (or, as `ProcessServer`, its own process), so it never shares the
event loop under test. Every request is logged (method, path, headers) so tests can assert what the
client sent, e.g. `If-None-Match` on a second poll.

    def test_x(webserver: WebServer) -> None:
        webserver.add("/feed.xml", rss_bytes, content_type="application/rss+xml", etag='"v1"')
        url = webserver.url("/feed.xml")

Besides plain routes it serves redirects, arbitrary status codes, slow or endless bodies, gzip
bombs, any response a callable builds from the request (`route`), and a `fallback` for every path
no route names (e.g. generated pages for links rewritten from outside hosts).
"""

from __future__ import annotations

import gzip
import io
import multiprocessing
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]

    def header(self, name: str) -> str | None:
        """Header value by case-insensitive name."""
        return self.headers.get(name.lower())


@dataclass(slots=True)
class Response:
    """What a route answers. `chunks` (if given) is streamed instead of `body`, with `chunk_delay`
    seconds between chunks and no Content-Length (the connection closes at the end)."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    chunks: Callable[[], Iterable[bytes]] | None = None
    chunk_delay: float = 0.0


Handler = Callable[[RecordedRequest], Response]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, owner: WebServer):
        self.owner = owner
        super().__init__((HOST, 0), _RequestHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up mid-response (size caps, timeouts) are expected, not news."""


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, the client's delayed ACK
    # would stall every response by ~40 ms.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: the request log is the record."""

    def do_GET(self) -> None:
        self._answer(include_body=True)

    def do_HEAD(self) -> None:
        self._answer(include_body=False)

    def _answer(self, *, include_body: bool) -> None:
        request = RecordedRequest(
            method=self.command,
            path=self.path,
            headers={name.lower(): value for name, value in self.headers.items()},
        )
        owner = self.server.owner
        owner._record(request)
        response = owner._respond(request)
        if response.delay:
            time.sleep(response.delay)
        if _not_modified(request, response):
            self.send_response(304)
            self._validators(response)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(response.status)
        if response.content_type is not None:
            self.send_header("Content-Type", response.content_type)
        self._validators(response)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.chunks is not None:
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if include_body:
                self._stream(response)
            return
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if include_body:
            try:
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    def _validators(self, response: Response) -> None:
        if response.etag is not None:
            self.send_header("ETag", response.etag)
        if response.last_modified is not None:
            self.send_header("Last-Modified", response.last_modified)

    def _stream(self, response: Response) -> None:
        assert response.chunks is not None
        stopping = self.server.owner._stopping
        try:
            for chunk in response.chunks():
                if stopping.is_set():
                    return
                self.wfile.write(chunk)
                self.wfile.flush()
                if response.chunk_delay and stopping.wait(response.chunk_delay):
                    return
        except (BrokenPipeError, ConnectionResetError, OSError):
            return


def _not_modified(request: RecordedRequest, response: Response) -> bool:
    if response.status != 200:
        return False
    if_none_match = request.header("if-none-match")
    if response.etag is not None and if_none_match is not None:
        return response.etag in [tag.strip() for tag in if_none_match.split(",")]
    if_modified_since = request.header("if-modified-since")
    return (
        response.last_modified is not None
        and if_modified_since is not None
        and if_modified_since == response.last_modified
    )


def http_date(epoch_seconds: float) -> str:
    """An HTTP date (RFC 7231) for Last-Modified."""
    return formatdate(epoch_seconds, usegmt=True)


def gzip_bomb(decompressed_bytes: int) -> bytes:
    """A small gzip body that inflates to `decompressed_bytes` of zeros."""
    block = b"\0" * (1 << 20)
    buffer = io.BytesIO()
    # Streamed through the compressor so the inflated bytes are never held in memory.
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as stream:
        remaining = decompressed_bytes
        while remaining > 0:
            piece = block[: min(remaining, len(block))]
            stream.write(piece)
            remaining -= len(piece)
    return buffer.getvalue()


def endless(chunk: bytes = b"<p>" + b"x" * 1000 + b"</p>\n") -> Callable[[], Iterator[bytes]]:
    """A body that never ends."""

    def chunks() -> Iterator[bytes]:
        while True:
            yield chunk

    return chunks


class WebServer:
    """The server and its routes; thread-safe to register routes while it runs."""

    def __init__(self) -> None:
        self._routes: dict[str, Handler] = {}
        self._fallback: Handler | None = None
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> WebServer:
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> WebServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the server first"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def url(self, path: str = "/") -> str:
        """Absolute URL of a path on this server."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    # -- routes --------------------------------------------------------------------------------

    def route(self, path: str, handler: Handler) -> str:
        """Answer `path` (exact, with query; else without query) with `handler(request)`."""
        with self._lock:
            self._routes[path] = handler
        return self.url(path)

    def fallback(self, handler: Handler | None) -> None:
        """Answer every path no route names with `handler(request)` (None: 404 again)."""
        with self._lock:
            self._fallback = handler

    def add(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str | None = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        delay: float = 0.0,
    ) -> str:
        """Serve fixed bytes (304 when the request's validators match `etag`/`last_modified`)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        response = Response(
            body=data,
            status=status,
            content_type=content_type,
            headers=dict(headers or {}),
            etag=etag,
            last_modified=last_modified,
            delay=delay,
        )
        return self.route(path, lambda _request: response)

    def add_feed(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str = "application/rss+xml",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> str:
        return self.add(
            path, body, content_type=content_type, etag=etag, last_modified=last_modified
        )

    def add_page(self, path: str, html: bytes | str) -> str:
        return self.add(path, html, content_type="text/html; charset=utf-8")

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        """Redirect `path` to `location` (absolute or relative)."""
        return self.add(path, b"", status=status, content_type=None, headers={"Location": location})

    def status(self, path: str, code: int, body: bytes | str = b"") -> str:
        """Answer with any status code."""
        return self.add(path, body, status=code, content_type="text/plain; charset=utf-8")

    def slow(
        self,
        path: str,
        *,
        chunk: bytes = b" ",
        interval: float = 1.0,
        count: int | None = None,
        content_type: str = "application/rss+xml",
    ) -> str:
        """Dribble `chunk` every `interval` seconds, `count` times (None: forever)."""

        def chunks() -> Iterator[bytes]:
            sent = 0
            while count is None or sent < count:
                yield chunk
                sent += 1

        response = Response(content_type=content_type, chunks=chunks, chunk_delay=interval)
        return self.route(path, lambda _request: response)

    def endless(self, path: str, *, content_type: str = "text/html; charset=utf-8") -> str:
        """A body that never ends, sent as fast as the client reads."""
        response = Response(content_type=content_type, chunks=endless())
        return self.route(path, lambda _request: response)

    def gzip_bomb(
        self, path: str, decompressed_bytes: int = 64 << 20, content_type: str = "text/html"
    ) -> str:
        """A small gzip-encoded body that inflates to `decompressed_bytes`."""
        return self.add(
            path,
            gzip_bomb(decompressed_bytes),
            content_type=content_type,
            headers={"Content-Encoding": "gzip"},
        )

    # -- request log ---------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_for(self, path: str) -> list[RecordedRequest]:
        """Requests whose path (query ignored unless `path` has one) equals `path`."""
        return [r for r in self.requests if r.path == path or urlsplit(r.path).path == path]

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _respond(self, request: RecordedRequest) -> Response:
        with self._lock:
            handler = (
                self._routes.get(request.path)
                or self._routes.get(urlsplit(request.path).path)
                or self._fallback
            )
        if handler is None:
            return Response(body=b"not found", status=404, content_type="text/plain")
        return handler(request)


@pytest.fixture
def webserver() -> Iterator[WebServer]:
    """A started local server, stopped after the test."""
    with WebServer() as server:
        yield server


# -- a server in its own process (benchmarks: keep it off the measured process's cores) ---------


def _serve_files(
    port_out: Any, routes: dict[str, tuple[bytes, str]], stop: Any
) -> None:  # pragma: no cover - child process
    server = WebServer().start()
    for path, (body, content_type) in routes.items():
        server.add(path, body, content_type=content_type)
    port_out.send(server.port)
    stop.wait()
    server.stop()


class ProcessServer:
    """Fixed routes (path → (body, content type)) served from a child process."""

    def __init__(self, routes: dict[str, tuple[bytes, str]]):
        self._routes = routes
        self._stop = multiprocessing.Event()
        self._process: multiprocessing.Process | None = None
        self.port = 0

    def __enter__(self) -> ProcessServer:
        receive, send = multiprocessing.Pipe(duplex=False)
        self._process = multiprocessing.Process(
            target=_serve_files, args=(send, self._routes, self._stop), daemon=True
        )
        self._process.start()
        if not receive.poll(30):
            raise RuntimeError("the web server process did not start")
        self.port = int(receive.recv())
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._process is not None:
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.terminate()

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"


def free_port() -> int:
    """A port nobody listens on (for connection-refused tests)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])
