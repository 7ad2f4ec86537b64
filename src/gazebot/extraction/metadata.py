"""Read an article page's metadata: title, publication time, site name, language, canonical URL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|/)\s+")
_NON_WORD = re.compile(r"\W+")
_SPACES = re.compile(r"\s+")
_LANGUAGE_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
_URL_LIKE = re.compile(r"^(?:https?:)?//|^www\.", re.IGNORECASE)
_ARTICLE_TYPE = re.compile(r"Article|Posting|Report|WebPage", re.IGNORECASE)
# A trailing segment this short that is capitalised like a name is almost always the site's brand.
_BRAND_MAX_WORDS = 4

_PUBLISHED_META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What the page says about itself, before the body is looked at."""

    title: str
    published: datetime | None
    site_name: str | None
    language: str | None
    canonical_url: str | None
    json_ld_body: str
    headlines: tuple[str, ...]  # every form of the headline the page shows, to drop from the body


def squash_spaces(text: str) -> str:
    """Text with every run of whitespace (including no-break spaces) turned into one space."""
    return _SPACES.sub(" ", text).strip()


def read_metadata(root: HtmlElement, url: str) -> PageMetadata:
    """Every metadata field the page offers, the most specific source first."""
    meta = _meta_values(root)
    linked = list(_json_ld_objects(root))
    articles = [item for item in linked if _ARTICLE_TYPE.search(_type_of(item))]
    site_name = _site_name(meta, articles)
    title = _title(root, meta, articles, site_name, url)
    return PageMetadata(
        title=title,
        published=_published(root, meta, articles),
        site_name=site_name,
        language=_language(root, meta, articles),
        canonical_url=_canonical_url(root, meta, url),
        json_ld_body=max(
            (squash_body(body) for item in articles if isinstance(body := item.get("articleBody"), str)),
            key=len,
            default="",
        ),
        headlines=(title, *_headline_candidates(root, meta, articles)),
    )


def squash_body(text: str) -> str:
    """A JSON-LD articleBody as paragraphs: blank lines and indentation gone, line breaks kept."""
    lines = (squash_spaces(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _meta_values(root: HtmlElement) -> dict[str, str]:
    values: dict[str, str] = {}
    for element in root.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        content = element.get("content")
        if key and content and content.strip():
            values.setdefault(key.strip().lower(), squash_spaces(content))
    return values


def _json_ld_objects(root: HtmlElement) -> Iterator[dict[str, object]]:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue
        pending: list[object] = [data]
        while pending:
            item = pending.pop()
            if isinstance(item, list):
                pending.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    pending.extend(reversed(graph))


def _type_of(item: dict[str, object]) -> str:
    kind = item.get("@type")
    if isinstance(kind, list):
        return " ".join(str(part) for part in kind)
    return str(kind or "")


def _first_string(articles: list[dict[str, object]], key: str) -> str | None:
    for item in articles:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return squash_spaces(value)
    return None


def _site_name(meta: dict[str, str], articles: list[dict[str, object]]) -> str | None:
    candidates = [meta.get("og:site_name")]
    for item in articles:
        publisher = item.get("publisher")
        if isinstance(publisher, list) and publisher:
            publisher = publisher[0]
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            candidates.append(str(publisher["name"]))
    candidates.append(meta.get("application-name"))
    # Some sites put their address where the name belongs; a name is what a reader would say.
    names = (squash_spaces(candidate) for candidate in candidates if candidate)
    return next((name for name in names if name and not _URL_LIKE.match(name)), None)


def _title(
    root: HtmlElement,
    meta: dict[str, str],
    articles: list[dict[str, object]],
    site_name: str | None,
    url: str,
) -> str:
    candidates = _headline_candidates(root, meta, articles)
    heading = next((squash_spaces(h1.text_content()) for h1 in root.iter("h1")), "")
    title = next(iter(candidates), "")
    return strip_site_suffix(title, site_name, urlsplit(url).hostname or "", heading)


def _headline_candidates(
    root: HtmlElement, meta: dict[str, str], articles: list[dict[str, object]]
) -> tuple[str, ...]:
    title_element = next(iter(root.iter("title")), None)
    candidates = (
        meta.get("og:title"),
        meta.get("twitter:title"),
        _first_string(articles, "headline"),
        squash_spaces(title_element.text_content()) if title_element is not None else None,
        next((squash_spaces(h1.text_content()) for h1 in root.iter("h1")), None),
    )
    return tuple(candidate for candidate in candidates if candidate)


def strip_site_suffix(title: str, site_name: str | None, host: str, heading: str = "") -> str:
    """The title without the site's brand ("Kupyansk holds | The Gaze" -> "Kupyansk holds")."""
    segments = _TITLE_SEPARATORS.split(title)
    if len(segments) == 1:
        return title
    if heading and _words_key(heading) in {_words_key(segment) for segment in segments}:
        return heading
    brands = {_words_key(name) for name in (site_name or "",) if name}
    host_key = _words_key(host.removeprefix("www."))

    def is_brand(segment: str) -> bool:
        key = _words_key(segment)
        return bool(key) and (key in brands or (len(key) >= 3 and key in host_key))

    while len(segments) > 1 and is_brand(segments[-1]):
        segments.pop()
    while len(segments) > 1 and is_brand(segments[0]):
        segments.pop(0)
    if len(segments) > 1 and title.count(" | ") >= 1 and _looks_like_brand(segments[-1], segments[:-1]):
        segments.pop()
    separator_positions = [match.span() for match in _TITLE_SEPARATORS.finditer(title)]
    if len(segments) == len(separator_positions) + 1:
        return title
    # Re-join the kept segments with the separators the title used between them.
    return _rejoin(title, segments)


def _rejoin(title: str, segments: list[str]) -> str:
    start = title.find(segments[0])
    end_segment = segments[-1]
    end = title.find(end_segment, start) + len(end_segment)
    return title[start:end].strip()


def _looks_like_brand(last: str, rest: list[str]) -> bool:
    words = last.split()
    rest_words = sum(len(segment.split()) for segment in rest)
    capitalised = all(word[:1].isupper() or not word[:1].isalpha() for word in words)
    return capitalised and len(words) <= _BRAND_MAX_WORDS < rest_words


def _words_key(text: str) -> str:
    return _NON_WORD.sub("", text.casefold())


def _published(root: HtmlElement, meta: dict[str, str], articles: list[dict[str, object]]) -> datetime | None:
    candidates: list[str] = [meta[key] for key in _PUBLISHED_META_KEYS if key in meta]
    linked = _first_string(articles, "datePublished") or _first_string(articles, "dateCreated")
    if linked:
        candidates.insert(0, linked)
    for element in root.iter("time"):
        stamp = element.get("datetime")
        if stamp and (element.get("itemprop") == "datePublished" or element.get("pubdate") is not None):
            candidates.insert(0, stamp)
        elif stamp:
            candidates.append(stamp)
    for candidate in candidates:
        parsed = parse_timestamp(candidate)
        if parsed is not None:
            return parsed
    return None


def parse_timestamp(text: str) -> datetime | None:
    """An ISO 8601 or RFC 2822 timestamp; aware when the text carries an offset, else naive."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _language(root: HtmlElement, meta: dict[str, str], articles: list[dict[str, object]]) -> str | None:
    candidates = (
        root.get("lang"),
        root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        root.get("xml:lang"),
        meta.get("content-language"),
        meta.get("og:locale"),
        _first_string(articles, "inLanguage"),
    )
    for candidate in candidates:
        match = _LANGUAGE_TAG.match((candidate or "").strip())
        if match:
            return match.group(1).lower()
    for element in root.iter("meta"):
        if (element.get("http-equiv") or "").lower() == "content-language":
            match = _LANGUAGE_TAG.match((element.get("content") or "").strip())
            if match:
                return match.group(1).lower()
    return None


def _canonical_url(root: HtmlElement, meta: dict[str, str], url: str) -> str | None:
    for link in root.iter("link"):
        relations = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in relations and href:
            return _absolute_http_url(url, href)
    if meta.get("og:url"):
        return _absolute_http_url(url, meta["og:url"])
    return None


def _absolute_http_url(base: str, href: str) -> str | None:
    resolved = urljoin(base, href)
    return resolved if urlsplit(resolved).scheme in {"http", "https"} else None
