"""The shared client and Fetcher: address guard (SSRF), redirects, caps, timeouts, conditional GET."""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from gazebot.errors import FetchError
from gazebot.fetch import USER_AGENT, Expect, Fetcher, build_client, is_public_address
from tests.webserver import RecordedRequest, Response, WebServer, free_port


class RecordingTransport(httpx.AsyncBaseTransport):
    """The transport seam: records every connection the guard let through. Without `inner` it
    refuses to connect anywhere, so a broken guard fails the test instead of sending traffic."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None):
        self.attempts: list[str] = []
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts.append(str(request.url))
        if self._inner is None or request.url.host not in ("127.0.0.1", "localhost"):
            raise AssertionError(f"a connection to {request.url} was attempted")
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()


def fixed_resolver(table: dict[str, list[str]]) -> Callable[[str], Any]:
    """A resolver seam answering from a table (unknown names fail the test)."""

    async def resolve(host: str) -> list[str]:
        if host not in table:
            raise AssertionError(f"unexpected DNS lookup of {host}")
        return table[host]

    return resolve


@pytest.fixture
async def loopback_fetcher(make_settings: Any) -> AsyncIterator[Fetcher]:
    """A Fetcher allowed to reach 127.0.0.1 (the test server) and nothing else."""
    settings = make_settings(allow_private_hosts="127.0.0.1")
    transport = RecordingTransport(httpx.AsyncHTTPTransport(trust_env=False))
    client = build_client(settings, resolver=fixed_resolver({}), transport=transport)
    async with client:
        yield Fetcher(client, max_bytes=256 * 1024, total_seconds=5)


# -- SSRF: refused before any connection --------------------------------------------------------

REFUSED_URLS = [
    "http://127.0.0.1/admin",
    "http://10.0.0.1/feed.xml",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8080/",
    "http://[::ffff:127.0.0.1]/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://internal.example/",  # resolves to a private address through the resolver seam
    "http://mixed.example/",  # one public and one private answer: refused
]


@pytest.mark.parametrize("url", REFUSED_URLS)
async def test_private_and_reserved_addresses_are_refused_without_connecting(
    make_settings: Any, url: str
) -> None:
    transport = RecordingTransport()
    resolver = fixed_resolver(
        {"internal.example": ["10.20.30.40"], "mixed.example": ["93.184.215.14", "192.168.1.5"]}
    )
    async with build_client(make_settings(), resolver=resolver, transport=transport) as client:
        with pytest.raises(FetchError, match="loopback, private or reserved") as refused:
            await Fetcher(client).get(url)
    assert "GAZEBOT_ALLOW_PRIVATE_HOSTS" in str(refused.value)
    assert transport.attempts == []


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "file:///etc/passwd", "gopher://x/"])
async def test_only_http_and_https_are_fetched(make_settings: Any, url: str) -> None:
    transport = RecordingTransport()
    async with build_client(make_settings(), transport=transport) as client:
        with pytest.raises(FetchError, match="only http and https"):
            await Fetcher(client).get(url)
    assert transport.attempts == []


async def test_redirect_from_allowed_host_to_private_address_is_refused(
    webserver: WebServer, make_settings: Any
) -> None:
    webserver.redirect("/hop", "http://10.0.0.1/secret")
    transport = RecordingTransport(httpx.AsyncHTTPTransport(trust_env=False))
    settings = make_settings(allow_private_hosts="127.0.0.1")
    async with build_client(settings, resolver=fixed_resolver({}), transport=transport) as client:
        with pytest.raises(FetchError, match=r"refused http://10\.0\.0\.1/secret"):
            await Fetcher(client).get(webserver.url("/hop"))
    assert transport.attempts == [webserver.url("/hop")]


async def test_hostname_resolving_to_public_address_is_let_through_to_the_transport(
    make_settings: Any,
) -> None:
    transport = RecordingTransport()
    resolver = fixed_resolver({"news.example": ["93.184.215.14"]})
    async with build_client(make_settings(), resolver=resolver, transport=transport) as client:
        with pytest.raises(AssertionError, match=r"connection to http://93\.184\.215\.14/"):
            await Fetcher(client).get("http://news.example/")
    assert transport.attempts == ["http://93.184.215.14/"]


class AnsweringTransport(httpx.AsyncBaseTransport):
    """The transport seam answering 200 itself (nothing is sent), keeping what it was handed;
    addresses in `unreachable` fail to connect, as a dead server would."""

    def __init__(self, unreachable: tuple[str, ...] = ()):
        self.requests: list[httpx.Request] = []
        self._unreachable = unreachable

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host in self._unreachable:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, headers={"Content-Type": "text/html"}, stream=OneChunk(b"<p>ok</p>"))


class OneChunk(httpx.AsyncByteStream):
    """A body streamed as a server would send it (a `content=` body counts as already read)."""

    def __init__(self, body: bytes):
        self._body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._body


async def test_connection_goes_to_the_checked_address_with_the_name_in_host_and_tls(
    make_settings: Any,
) -> None:
    """The name is resolved once, by the guard: the transport gets the checked address, the
    Host header and TLS server name keep the name, and the caller sees the URL it asked for."""
    transport = AnsweringTransport()
    resolver = fixed_resolver({"news.example": ["93.184.215.14"]})
    async with build_client(make_settings(), resolver=resolver, transport=transport) as client:
        result = await Fetcher(client).get("https://news.example:8443/story?id=1")
    assert result.url == "https://news.example:8443/story?id=1"
    assert result.content == b"<p>ok</p>"
    [sent] = transport.requests
    assert str(sent.url) == "https://93.184.215.14:8443/story?id=1"
    assert sent.headers["Host"] == "news.example:8443"
    assert sent.extensions["sni_hostname"] == "news.example"


async def test_dns_answer_that_changes_after_the_check_is_never_connected_to(
    make_settings: Any,
) -> None:
    """DNS rebinding: a name that answers a public address to the check and a private one
    afterwards still only ever reaches the public address it was checked with."""
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])
    lookups: list[str] = []

    async def rebinding_resolver(host: str) -> list[str]:
        lookups.append(host)
        return next(answers)

    transport = AnsweringTransport()
    async with build_client(make_settings(), resolver=rebinding_resolver, transport=transport) as client:
        await Fetcher(client).get("http://rebind.example/")
    assert lookups == ["rebind.example"]
    assert [request.url.host for request in transport.requests] == ["93.184.215.14"]


async def test_an_unreachable_address_falls_over_to_the_next_checked_one(make_settings: Any) -> None:
    transport = AnsweringTransport(unreachable=("2606:4700::1111",))
    resolver = fixed_resolver({"news.example": ["2606:4700::1111", "93.184.215.14"]})
    async with build_client(make_settings(), resolver=resolver, transport=transport) as client:
        result = await Fetcher(client).get("http://news.example/")
    assert result.content == b"<p>ok</p>"
    assert [request.url.host for request in transport.requests] == ["2606:4700::1111", "93.184.215.14"]


async def test_no_reachable_address_is_a_fetch_error(make_settings: Any) -> None:
    transport = AnsweringTransport(unreachable=("93.184.215.14",))
    resolver = fixed_resolver({"news.example": ["93.184.215.14"]})
    async with build_client(make_settings(), resolver=resolver, transport=transport) as client:
        with pytest.raises(FetchError, match=r"http://news\.example/: ConnectError"):
            await Fetcher(client).get("http://news.example/")


async def test_allowed_private_host_by_name_is_fetched(
    webserver: WebServer, make_settings: Any
) -> None:
    webserver.add_page("/page", "<p>hello</p>")
    settings = make_settings(allow_private_hosts="127.0.0.1, LocalHost")
    async with build_client(settings, resolver=fixed_resolver({})) as client:
        result = await Fetcher(client).get(webserver.url("/page").replace("127.0.0.1", "localhost"))
    assert result.content == b"<p>hello</p>"


def test_public_address_classification() -> None:
    assert is_public_address("93.184.215.14")
    assert is_public_address("2606:4700:4700::1111")
    for address in ("127.0.0.1", "10.1.1.1", "172.16.0.1", "192.168.0.1", "169.254.169.254",
                    "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fc00::1",
                    "::ffff:10.0.0.1", "240.0.0.1", "255.255.255.255"):
        assert not is_public_address(address), address


# -- ordinary fetching --------------------------------------------------------------------------


async def test_user_agent_names_the_bot(webserver: WebServer, loopback_fetcher: Fetcher) -> None:
    webserver.add_page("/ua", "<p>x</p>")
    await loopback_fetcher.get(webserver.url("/ua"))
    (request,) = webserver.requests_for("/ua")
    assert request.header("user-agent") == USER_AGENT
    assert USER_AGENT.startswith("gazebot/")


async def test_redirects_are_followed_by_hand_up_to_five(
    webserver: WebServer, loopback_fetcher: Fetcher
) -> None:
    webserver.add_page("/end", "<p>arrived</p>")
    for hop in range(5):
        webserver.redirect(f"/r{hop}", f"/r{hop + 1}" if hop < 4 else "/end", status=301)
    result = await loopback_fetcher.get(webserver.url("/r0"))
    assert result.content == b"<p>arrived</p>"
    assert result.url == webserver.url("/end")


async def test_a_sixth_redirect_is_refused(webserver: WebServer, loopback_fetcher: Fetcher) -> None:
    for hop in range(7):
        webserver.redirect(f"/loop{hop}", f"/loop{hop + 1}")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        await loopback_fetcher.get(webserver.url("/loop0"))
    assert len(webserver.requests) == 6


@pytest.mark.parametrize("status", [403, 404, 410, 500, 503])
async def test_error_statuses_become_fetch_errors(
    webserver: WebServer, loopback_fetcher: Fetcher, status: int
) -> None:
    webserver.status("/err", status)
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        await loopback_fetcher.get(webserver.url("/err"))


async def test_conditional_get_returns_not_modified(
    webserver: WebServer, loopback_fetcher: Fetcher
) -> None:
    webserver.add_feed("/feed", "<rss/>", etag='"v7"', last_modified="Mon, 02 Nov 2026 10:00:00 GMT")
    first = await loopback_fetcher.get(webserver.url("/feed"), expect=Expect.FEED)
    assert first.status == 200
    assert first.etag == '"v7"'
    second = await loopback_fetcher.get(
        webserver.url("/feed"), expect=Expect.FEED, etag=first.etag,
        last_modified=first.last_modified,
    )
    assert second.not_modified
    assert second.content == b""
    sent = webserver.requests_for("/feed")[1]
    assert sent.header("if-none-match") == '"v7"'
    assert sent.header("if-modified-since") == "Mon, 02 Nov 2026 10:00:00 GMT"


async def test_content_type_is_checked(webserver: WebServer, loopback_fetcher: Fetcher) -> None:
    webserver.add("/picture", b"\x89PNG....", content_type="image/png")
    with pytest.raises(FetchError, match="unexpected content type image/png"):
        await loopback_fetcher.get(webserver.url("/picture"))
    webserver.add("/movie", b"...", content_type="video/mp4")
    with pytest.raises(FetchError, match="unexpected content type video/mp4 for a feed"):
        await loopback_fetcher.get(webserver.url("/movie"), expect=Expect.FEED)


async def test_declared_oversize_body_is_refused(
    webserver: WebServer, loopback_fetcher: Fetcher
) -> None:
    webserver.add_page("/big", b"x" * (300 * 1024))
    with pytest.raises(FetchError, match="larger than 256 KiB"):
        await loopback_fetcher.get(webserver.url("/big"))


async def test_endless_body_stops_at_the_cap_while_streaming(
    webserver: WebServer, loopback_fetcher: Fetcher
) -> None:
    webserver.endless("/endless")
    with pytest.raises(FetchError, match="larger than 256 KiB"):
        await loopback_fetcher.get(webserver.url("/endless"))


async def test_gzip_bomb_stops_at_the_cap(webserver: WebServer, loopback_fetcher: Fetcher) -> None:
    webserver.gzip_bomb("/bomb", decompressed_bytes=64 << 20)
    with pytest.raises(FetchError, match="larger than 256 KiB"):
        await loopback_fetcher.get(webserver.url("/bomb"))


async def test_gzip_body_is_inflated(webserver: WebServer, loopback_fetcher: Fetcher) -> None:
    webserver.add("/gz", gzip.compress(b"<p>compressed</p>"), headers={"Content-Encoding": "gzip"})
    result = await loopback_fetcher.get(webserver.url("/gz"))
    assert result.content == b"<p>compressed</p>"


async def test_corrupt_gzip_is_a_fetch_error(
    webserver: WebServer, loopback_fetcher: Fetcher
) -> None:
    webserver.add("/badgz", b"\x1f\x8b\x08garbage", headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="corrupt compressed body"):
        await loopback_fetcher.get(webserver.url("/badgz"))


async def test_slow_dribbling_response_hits_the_total_deadline(
    webserver: WebServer, make_settings: Any
) -> None:
    webserver.slow("/slow", chunk=b"<", interval=0.2)
    settings = make_settings(allow_private_hosts="127.0.0.1")
    async with build_client(settings, resolver=fixed_resolver({})) as client:
        started = time.monotonic()
        with pytest.raises(FetchError, match="no complete response within 1 s"):
            await Fetcher(client, total_seconds=1).get(webserver.url("/slow"), expect=Expect.FEED)
    assert time.monotonic() - started < 3


async def test_connection_refused_is_a_fetch_error(loopback_fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="ConnectError"):
        await loopback_fetcher.get(f"http://127.0.0.1:{free_port()}/")


async def test_at_most_two_requests_in_flight_per_host(
    webserver: WebServer, loopback_fetcher: Fetcher
) -> None:
    lock = threading.Lock()
    in_flight = [0]
    peak = [0]

    def handler(_request: RecordedRequest) -> Response:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.15)
        with lock:
            in_flight[0] -= 1
        return Response(body=b"<p>ok</p>")

    webserver.route("/polite", handler)
    await asyncio.gather(*(loopback_fetcher.get(webserver.url("/polite")) for _ in range(6)))
    assert len(webserver.requests_for("/polite")) == 6
    assert peak[0] == 2
