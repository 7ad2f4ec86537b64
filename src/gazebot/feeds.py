"""Feed bytes → typed items: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

Safety: the bytes are capped before parsing and always handed to feedparser as a stream (a bare
bytes argument could be taken for a file name). Documents declaring nested entities ("billion
laughs") are refused before parsing; feedparser turns external entity loading off in its SAX
parser (so XXE reads nothing) and sanitises HTML; expat ≥ 2.4 caps amplification underneath.

Leniency follows feedparser's: a document it can read despite errors ("bozo", e.g. a truncated
feed or a wrong encoding label) is a feed with a `warning`; bytes that yield no feed at all (an
HTML page, a JSON error, not XML) raise FeedError with the reason, and so does malformed XML from
which no item could be salvaged.
"""

from __future__ import annotations

import calendar
import io
import json
import re
import xml.sax
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import feedparser
import lxml.html
from lxml import etree

from gazebot.errors import FeedError

DEFAULT_MAX_FEED_BYTES: Final = 5 * 1024 * 1024
MAX_TITLE_CHARS: Final = 300

_BLOCK_TAGS: Final = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
     "tr", "table", "section", "article", "header", "footer", "pre", "figure", "figcaption", "hr",
     "dd", "dt"}
)
_DROP_TAGS: Final = ("script", "style", "noscript", "template", "iframe", "object", "svg")
_SPACES: Final = re.compile(r"[ \t\r\f\v\u00a0]+")
_LOOKS_LIKE_HTML: Final = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b",
                                     re.IGNORECASE | re.DOTALL)
_JSON_FEED_VERSION: Final = "https://jsonfeed.org/version/"
_FEED_ROOTS: Final = frozenset({"rss", "feed", "rdf", "channel"})
_ROOT_START: Final = re.compile(r"<[A-Za-z_]")
_ROOT_NAME: Final = re.compile(r"<(?:[\w.-]+:)?([\w.-]+)")
_ENTITY_DECLARATION: Final = re.compile(
    r"""<!ENTITY\s+(?:%\s+)?\S+\s+(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""",
    re.IGNORECASE,
)
_NESTED_REFERENCE: Final = re.compile(r"[&%](?!#)")
_WIDE_ENCODINGS: Final = (
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"),
)


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry. `summary` and `content` are plain text (paragraphs separated by newlines);
    `content` is the fullest body the feed carries ('' when it has only a summary)."""

    title: str
    link: str | None
    guid: str | None
    published: datetime | None
    summary: str
    content: str
    raw_date: str | None = None
    """The date text the feed gave, kept so an unreadable one can be reported."""

    @property
    def text(self) -> str:
        """The longest text the feed gives for this item."""
        return self.content if len(self.content) >= len(self.summary) else self.summary


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: its own title and link, the format, the items, and any leniency warning."""

    title: str | None
    link: str | None
    format: str
    items: tuple[FeedItem, ...]
    warning: str | None = None


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: one line per block, entities decoded, scripts dropped."""
    if "<" not in fragment and "&" not in fragment:
        return _tidy(fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy(re.sub(r"<[^>]*>", " ", fragment))
    for tag in _DROP_TAGS:
        for element in root.iter(tag):
            element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            if element.tag.lower() != "br":
                element.text = "\n" + (element.text or "")
    return _tidy(root.text_content())


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _struct_to_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, TypeError, OSError):
        return None


def _first_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_feed(
    data: bytes,
    *,
    url: str = "",
    content_type: str | None = None,
    max_bytes: int = DEFAULT_MAX_FEED_BYTES,
) -> ParsedFeed:
    """Parse feed bytes; FeedError when they are too large or not a feed we can read."""
    if len(data) > max_bytes:
        raise FeedError(f"feed is larger than {max_bytes // 1024} KiB")
    if not data.strip():
        raise FeedError("empty response, not a feed")
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")) or (content_type is not None and "json" in content_type):
        return _parse_json_feed(data)
    return _parse_xml_feed(data, url=url, content_type=content_type)


def _prolog(data: bytes) -> str:
    """The document before its root element, decoded well enough to read declarations."""
    codec = next((name for mark, name in _WIDE_ENCODINGS if data.startswith(mark)), "latin-1")
    text = data.decode(codec, errors="ignore")
    root = _ROOT_START.search(text)
    return text[: root.start()] if root else text


def _root_name(data: bytes) -> str:
    """Local name of the root element, lower-cased ('' when there is none)."""
    codec = next((name for mark, name in _WIDE_ENCODINGS if data.startswith(mark)), "latin-1")
    text = data[:4096].decode(codec, errors="ignore")
    start = _ROOT_START.search(text)
    name = _ROOT_NAME.match(text, start.start()) if start else None
    return name.group(1).lower() if name else ""


def refuse_dangerous_entities(data: bytes) -> None:
    """FeedError when the DTD declares entities whose values reference other entities.

    That nesting is how "billion laughs" bombs amplify; expat caps the expansion, but only after
    seconds of work. Plain text entities (`<!ENTITY copy "(C)">`) are fine, and external ones
    (SYSTEM/PUBLIC, e.g. the XHTML entity sets old RSS 1.0 feeds declare) are never fetched:
    feedparser turns external entity loading off.
    """
    for declaration in _ENTITY_DECLARATION.finditer(_prolog(data)):
        value = declaration.group("dq") or declaration.group("sq") or ""
        if _NESTED_REFERENCE.search(value):
            raise FeedError("refused: the feed declares nested entities (an entity expansion bomb?)")


def _parse_xml_feed(data: bytes, *, url: str, content_type: str | None) -> ParsedFeed:
    refuse_dangerous_entities(data)
    headers = {"content-location": url} if url else {}
    # Without a type feedparser flags every document "bozo"; XML rules (the declaration names the
    # encoding) are the right default for bytes read from a file or an untyped response.
    headers["content-type"] = content_type or "application/xml"
    parsed = feedparser.parse(
        io.BytesIO(data), response_headers=headers, sanitize_html=True, resolve_relative_uris=True
    )
    version = str(parsed.get("version") or "")
    entries = list(parsed.get("entries") or ())
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    feed_info = parsed.get("feed") or {}
    if not version and not entries and _LOOKS_LIKE_HTML.match(data):
        raise FeedError("not a feed: the response is an HTML page")
    # An unknown format with no entries is still a feed when it parsed cleanly and its root is
    # a feed's (e.g. an empty CDF <CHANNEL>); any other document without entries is not one.
    if not version and not entries and (problem is not None or _root_name(data) not in _FEED_ROOTS):
        reason = f": {_one_line(problem)}" if problem is not None else ""
        raise FeedError(f"not a feed{reason}")
    if not entries and isinstance(problem, xml.sax.SAXException):
        # Lenient reading is for salvaging items; a broken document that yields none is an error
        # the feed's owner should hear about, not an empty success.
        raise FeedError(f"malformed feed with no readable items: {_one_line(problem)}")
    items = tuple(_xml_item(entry) for entry in entries)
    return ParsedFeed(
        title=_short(_first_text(feed_info.get("title"))) or None,
        link=_first_text(feed_info.get("link")) or None,
        format=version or "unknown",
        items=items,
        warning=_one_line(problem) if problem is not None else None,
    )


def _short(title: str) -> str:
    """A title no longer than MAX_TITLE_CHARS (a hostile feed may send megabytes of one)."""
    if len(title) <= MAX_TITLE_CHARS:
        return title
    return title[: MAX_TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _one_line(problem: object) -> str:
    return " ".join(str(problem).split())[:300] or type(problem).__name__


def _xml_item(entry: Any) -> FeedItem:
    summary = html_to_text(_first_text(entry.get("summary")))
    contents = [
        html_to_text(_first_text(part.get("value")))
        for part in entry.get("content") or ()
        if isinstance(part, dict)
    ]
    content = max(contents, key=len, default="")
    title = html_to_text(_first_text(entry.get("title"))).replace("\n", " ")
    link = _first_text(entry.get("link")) or None
    guid = _first_text(entry.get("id")) or None
    published = _struct_to_datetime(entry.get("published_parsed")) or _struct_to_datetime(
        entry.get("updated_parsed")
    )
    raw_date = _first_text(entry.get("published")) or _first_text(entry.get("updated")) or None
    return FeedItem(
        title=_short(title), link=link, guid=guid, published=published, summary=summary,
        content=content, raw_date=_short(raw_date) if raw_date else None,
    )


def _parse_json_feed(data: bytes) -> ParsedFeed:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError(f"not a feed: invalid JSON ({exc})") from exc
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(
        _JSON_FEED_VERSION
    ):
        raise FeedError("not a feed: JSON without a JSON Feed version")
    raw_items = document.get("items")
    if not isinstance(raw_items, list):
        raise FeedError("not a feed: JSON Feed without an items list")
    items = tuple(_json_item(item) for item in raw_items if isinstance(item, dict))
    version = str(document["version"]).removeprefix(_JSON_FEED_VERSION).strip("/")
    return ParsedFeed(
        title=_short(_first_text(document.get("title"))) or None,
        link=_first_text(document.get("home_page_url")) or None,
        format=f"json{version.replace('.', '')}",
        items=items,
    )


def _json_item(item: dict[str, Any]) -> FeedItem:
    content_html = _first_text(item.get("content_html"))
    content = html_to_text(content_html) if content_html else _tidy(
        _first_text(item.get("content_text"))
    )
    link = _first_text(item.get("url")) or _first_text(item.get("external_url")) or None
    guid = item.get("id")
    return FeedItem(
        title=_short(_tidy(_first_text(item.get("title"))).replace("\n", " ")),
        link=link,
        guid=str(guid) if guid is not None and str(guid).strip() else None,
        published=_iso_datetime(item.get("date_published"))
        or _iso_datetime(item.get("date_modified")),
        summary=_tidy(_first_text(item.get("summary"))),
        content=content,
        raw_date=_short(raw_date) if (raw_date := _first_text(item.get("date_published"))) else None,
    )


def _iso_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
