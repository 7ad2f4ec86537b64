"""Fetching the open web safely: one shared httpx client behind an address guard, capped streaming.

Every request made through the client from `build_client` passes `GuardedTransport`, which lets
only http/https through and refuses hosts that are, or resolve to, loopback, private, link-local,
shared, multicast or reserved addresses (unless named in `GAZEBOT_ALLOW_PRIVATE_HOSTS`). The client
never follows redirects itself: `Fetcher.get` follows at most five by hand, so every hop goes back
through the guard. Bodies are read raw and inflated here with a bounded decompressor, so a size cap
holds while streaming (a gzip bomb stops at the cap, not after it has filled memory).

Two seams let tests prove that nothing leaves the machine: `resolver` (an async host → addresses
function) and `transport` (the inner transport the guard hands allowed requests to).

A name is resolved once, by the guard, and the connection goes to an address it checked (the URL
given to the inner transport carries that address; the Host header and TLS server name keep the
name): a DNS answer that changes between the check and the connect (rebinding) cannot lead the
client to a private address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import zlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Final
from urllib.parse import urljoin

import httpx

from gazebot import __version__
from gazebot.errors import FetchError
from gazebot.settings import ENV_PREFIX, Settings

log = logging.getLogger(__name__)

USER_AGENT: Final = f"gazebot/{__version__} (+https://github.com/gazebot)"
DEFAULT_MAX_BYTES: Final = 5 * 1024 * 1024
MAX_REDIRECTS: Final = 5
DEFAULT_TIMEOUT: Final = httpx.Timeout(connect=10.0, read=20.0, write=10.0, pool=30.0)
DEFAULT_TOTAL_SECONDS: Final = 60.0
DEFAULT_PER_HOST: Final = 2
_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_ALLOWED_SCHEMES: Final = frozenset({"http", "https"})

Resolver = Callable[[str], Awaitable[list[str]]]


class Expect(Enum):
    """What the caller hopes to receive; decides which content types are acceptable."""

    FEED = "feed"
    PAGE = "page"
    FEED_OR_PAGE = "feed or page"


# Feeds are served under many types (text/xml, application/rss+xml, text/plain, JSON Feed, even
# text/html by careless servers — the parser then says whether it is a feed). Pages are HTML or text.
_FEED_TYPE_HINTS: Final = ("xml", "rss", "atom", "json", "text/plain", "text/html", "octet-stream")
_PAGE_TYPE_HINTS: Final = ("text/html", "xhtml", "text/plain", "xml", "octet-stream")


async def system_resolve(host: str) -> list[str]:
    """Every address the system resolver gives for `host`."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {host!r}: {exc}") from exc
    # In the resolver's order (RFC 6724 preference): the first is the one to connect to.
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address; False for loopback, private, link-local,
    shared (CGNAT), multicast, reserved and unspecified ones (IPv4-mapped IPv6 judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _literal_address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


class AddressGuard:
    """Decides whether a host may be fetched, resolving names through the injectable resolver."""

    def __init__(self, allowed_hosts: Iterable[str] = (), resolver: Resolver = system_resolve):
        self._allowed = frozenset(host.lower().strip("[]") for host in allowed_hosts)
        self._resolver = resolver

    async def check_url(self, url: httpx.URL) -> list[str]:
        """Raise FetchError unless `url` is http(s) to a public host (or an allowed one).

        Returns the checked addresses a name resolved to, to connect to in order; empty when
        there is nothing to pin (an address literal, or a host allowed by name)."""
        if url.scheme not in _ALLOWED_SCHEMES:
            raise FetchError(f"refused {url}: only http and https URLs are fetched")
        host = url.host.lower()
        if not host:
            raise FetchError(f"refused {url}: no host")
        if host in self._allowed:
            return []
        literal = _literal_address(host)
        addresses = [literal] if literal is not None else await self._resolver(host)
        if not addresses:
            raise FetchError(f"refused {url}: host {host!r} has no address")
        for address in addresses:
            if not is_public_address(address):
                shown = host if literal is not None else f"{host} ({address})"
                raise FetchError(
                    f"refused {url}: {shown} is a loopback, private or reserved address "
                    f"(allow it with {ENV_PREFIX}ALLOW_PRIVATE_HOSTS)"
                )
        return [] if literal is not None else addresses


class GuardedTransport(httpx.AsyncBaseTransport):
    """Checks every request's URL with the guard before the inner transport may connect, and
    connects to the addresses the guard checked, never to a fresh DNS answer."""

    def __init__(self, guard: AddressGuard, inner: httpx.AsyncBaseTransport):
        self._guard = guard
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        addresses = await self._guard.check_url(request.url)
        if not addresses:
            return await self._inner.handle_async_request(request)
        # The Host header already names the host; the TLS handshake must name (and verify) it too.
        extensions = {**request.extensions, "sni_hostname": request.url.host}
        failure: httpx.ConnectError | None = None
        for address in addresses:
            pinned = httpx.Request(
                request.method,
                request.url.copy_with(host=address),
                headers=request.headers,
                stream=request.stream,
                extensions=extensions,
            )
            try:
                return await self._inner.handle_async_request(pinned)
            except httpx.ConnectError as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def aclose(self) -> None:
        await self._inner.aclose()


def build_client(
    settings: Settings,
    *,
    resolver: Resolver = system_resolve,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
) -> httpx.AsyncClient:
    """The one shared client: guarded, no automatic redirects, no proxies from the environment
    (a proxy would bypass the guard), our User-Agent, and only encodings we inflate ourselves."""
    inner = transport or httpx.AsyncHTTPTransport(
        trust_env=False,
        retries=0,
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
    )
    guard = AddressGuard(settings.allow_private_hosts, resolver)
    return httpx.AsyncClient(
        transport=GuardedTransport(guard, inner),
        follow_redirects=False,
        timeout=timeout,
        trust_env=False,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
    )


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A completed fetch: the final URL after redirects and either the body or 'not modified'."""

    url: str
    status: int
    content: bytes
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _Inflater:
    """Content-Encoding decoding with a hard output cap (zlib's max_length bounds each step)."""

    def __init__(self, encoding: str, limit: int, url: str):
        self._limit = limit
        self._url = url
        self._size = 0
        self._parts: list[bytes] = []
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._zlib = None
        elif encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header, detected
        else:
            raise FetchError(f"{url}: unsupported content encoding {encoding!r}")

    def feed(self, raw: bytes) -> None:
        if self._zlib is None:
            self._append(raw)
            return
        data = raw
        try:
            while data:
                out = self._zlib.decompress(data, self._limit - self._size + 1)
                self._append(out)
                data = self._zlib.unconsumed_tail
        except zlib.error as exc:
            raise FetchError(f"{self._url}: corrupt compressed body ({exc})") from exc

    def finish(self) -> bytes:
        if self._zlib is not None:
            try:
                self._append(self._zlib.flush())
            except zlib.error as exc:
                raise FetchError(f"{self._url}: corrupt compressed body ({exc})") from exc
            if not self._zlib.eof:
                raise FetchError(f"{self._url}: corrupt compressed body (truncated)")
        return b"".join(self._parts)

    def _append(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise FetchError(f"{self._url}: response larger than {self._limit // 1024} KiB")
        if data:
            self._parts.append(data)


def _content_type(response: httpx.Response) -> tuple[str | None, str | None]:
    header = response.headers.get("content-type")
    if not header:
        return None, None
    mime, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return mime.strip().lower(), charset


def _acceptable(mime: str | None, expect: Expect) -> bool:
    if mime is None:
        return True
    hints = {
        Expect.FEED: _FEED_TYPE_HINTS,
        Expect.PAGE: _PAGE_TYPE_HINTS,
        Expect.FEED_OR_PAGE: _FEED_TYPE_HINTS + _PAGE_TYPE_HINTS,
    }[expect]
    return any(hint in mime for hint in hints)


class Fetcher:
    """GETs through the shared client: redirects by hand, conditional GET, size and time caps,
    and at most `per_host` requests in flight to any one host."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        per_host: int = DEFAULT_PER_HOST,
        total_seconds: float = DEFAULT_TOTAL_SECONDS,
    ):
        self._client = client
        self._max_bytes = max_bytes
        self._per_host = per_host
        self._total_seconds = total_seconds
        self._host_slots: dict[str, asyncio.Semaphore] = {}

    def _slot(self, host: str) -> asyncio.Semaphore:
        slot = self._host_slots.get(host)
        if slot is None:
            slot = self._host_slots[host] = asyncio.Semaphore(self._per_host)
        return slot

    async def get(
        self,
        url: str,
        *,
        expect: Expect = Expect.PAGE,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """Fetch `url`; FetchError (with a reason a person can act on) on any failure."""
        try:
            async with asyncio.timeout(self._total_seconds):
                return await self._follow(url, expect, etag, last_modified)
        except TimeoutError:
            raise FetchError(f"{url}: no complete response within {self._total_seconds:g} s") from None

    async def _follow(
        self, url: str, expect: Expect, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                target = httpx.URL(current)
            except (httpx.InvalidURL, ValueError) as exc:
                raise FetchError(f"invalid URL {current!r}: {exc}") from exc
            if target.scheme not in _ALLOWED_SCHEMES:
                # Said here with the whole URL: httpx would read a host-less one as relative.
                raise FetchError(f"refused {current}: only http and https URLs are fetched")
            async with self._slot(target.host.lower()):
                result, location = await self._request(target, expect, headers)
            if location is None:
                assert result is not None
                return result
            current = urljoin(str(target), location)
            log.debug("redirect %s -> %s", target, current)
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")

    async def _request(
        self, url: httpx.URL, expect: Expect, headers: dict[str, str]
    ) -> tuple[FetchResult | None, str | None]:
        """One hop: (result, None) when done, (None, location) on a redirect."""
        accept = (
            "application/rss+xml, application/atom+xml, application/feed+json, "
            "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
            if expect is not Expect.PAGE
            else "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
        )
        try:
            async with self._client.stream(
                "GET", url, headers={**headers, "Accept": accept}
            ) as response:
                if response.status_code in _REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"{url}: redirect without a Location")
                    return None, location
                if response.status_code == 304:
                    return self._result(url, response, b""), None
                if response.status_code >= 400:
                    raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
                if response.status_code != 200:
                    raise FetchError(f"{url}: unexpected HTTP status {response.status_code}")
                mime, _ = _content_type(response)
                if not _acceptable(mime, expect):
                    raise FetchError(f"{url}: unexpected content type {mime} for a {expect.value}")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self._max_bytes:
                    raise FetchError(
                        f"{url}: response larger than {self._max_bytes // 1024} KiB "
                        f"({int(declared) // 1024} KiB declared)"
                    )
                inflater = _Inflater(
                    response.headers.get("content-encoding", ""), self._max_bytes, str(url)
                )
                async for raw in response.aiter_raw():
                    inflater.feed(raw)
                return self._result(url, response, inflater.finish()), None
        except httpx.TimeoutException as exc:
            raise FetchError(f"{url}: timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc

    @staticmethod
    def _result(url: httpx.URL, response: httpx.Response, content: bytes) -> FetchResult:
        mime, charset = _content_type(response)
        return FetchResult(
            url=str(url),
            status=response.status_code,
            content=content,
            content_type=mime,
            charset=charset,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )
