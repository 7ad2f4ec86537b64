"""Turn an article page's HTML into its title, main text and metadata (pure: no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from gazebot.errors import SourceError
from gazebot.extraction.body import extract_body
from gazebot.extraction.encoding import decode_html
from gazebot.extraction.metadata import read_metadata

__all__ = ["ExtractedArticle", "ExtractionError", "extract_article"]

_MAX_FALLBACK_TITLE_WORDS = 20
# Readable characters kept from a page; the longest long reads are a few hundred thousand.
_MAX_TEXT_CHARS = 400_000
_INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template"})

# Start and end tags, for flattening pages nested deeper than libxml2 will go (it stops at depth
# 2048 and silently drops the rest of the page).
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*?(/?)>")
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_MAX_NESTING = 256


class ExtractionError(SourceError, ValueError):
    """The page holds no article text at all (an index page, an empty shell, a non-HTML file)."""


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """An article as gazebot reads it off a page."""

    title: str
    text: str  # paragraphs separated by "\n"; no blank lines, no furniture
    published: datetime | None  # timezone-aware when the page says so
    site_name: str | None  # e.g. "BBC News", from og:site_name / publisher metadata
    language: str | None  # from <html lang> / metadata, e.g. "en", "uk"
    canonical_url: str | None  # <link rel=canonical> / og:url, resolved against the page URL


def extract_article(html: str | bytes, url: str = "") -> ExtractedArticle:
    """The article on the page at ``url`` (used to resolve links; may be empty).

    Bytes are decoded by their BOM or the page's declared charset, else as UTF-8 with bad bytes
    replaced. The text is trafilatura's precision-mode extraction (its default mode, or the
    page's JSON-LD articleBody, when that finds much more), checked against the DOM: lines
    that are teaser links far from the article's container go, paragraphs left as bare text
    between <br>s and the rest of a story split across repeated containers come back, and
    furniture lines (share, follow, subscribe and read-more prompts, credits, comment threads,
    the repeated headline) are dropped. The title is og:title, the JSON-LD headline, <title> or
    the first <h1>, without the site's name; failing all of those, the first paragraph if it is
    no longer than a headline, else "".

    Raises ExtractionError when the page has no article text at all.
    """
    root = _parse(decode_html(html) if isinstance(html, bytes) else html)
    metadata = read_metadata(root, url)
    paragraphs = extract_body(root, url, metadata.headlines, metadata.json_ld_body)
    if not paragraphs:
        raise ExtractionError(f"no article text found on {url or 'the page'}")
    # A page with no title anywhere gets its first paragraph as title only when it is heading-sized.
    first_words = paragraphs[0].split()
    title = metadata.title or (paragraphs[0] if len(first_words) <= _MAX_FALLBACK_TITLE_WORDS else "")
    return ExtractedArticle(
        title=title,
        text="\n".join(paragraphs),
        published=metadata.published,
        site_name=metadata.site_name,
        language=metadata.language,
        canonical_url=metadata.canonical_url,
    )


def _parse(text: str) -> HtmlElement:
    # lxml refuses str input that carries an XML encoding declaration, and stray NULs cut it short.
    cleaned = text.replace("\x00", "")
    if cleaned.lstrip().startswith("<?xml"):
        cleaned = cleaned[cleaned.find("?>") + 2 :]
    if not cleaned.strip():
        raise ExtractionError("the page is empty")
    root = _parse_tolerantly(cleaned)
    if root is None:
        root = _parse_tolerantly(_flatten_nesting(cleaned, _MAX_NESTING))
    if root is None:
        raise ExtractionError("the page is nested too deeply to read")
    if len(cleaned) > _MAX_TEXT_CHARS:  # a shorter page cannot hold more text than that
        _truncate_text(root, _MAX_TEXT_CHARS)
    return root


def _truncate_text(root: HtmlElement, budget: int) -> None:
    """Cut the page after ``budget`` characters of readable text, in document order.

    trafilatura's time grows with the amount of text; no article runs to this length, and a page
    that does (an archive, a data dump) would otherwise take minutes.
    """
    seen = 0
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag not in _INVISIBLE_TAGS:
            seen += len(element.text or "")
        seen += len(element.tail or "")
        if seen > budget:
            break
    else:
        return
    element.tail = None
    for kept in (element, *element.iterancestors()):
        for sibling in list(kept.itersiblings()):
            sibling.getparent().remove(sibling)


def _flatten_nesting(text: str, limit: int) -> str:
    """The page with every tag nested deeper than ``limit`` removed, text and shallow tags kept.

    Depth is counted from the tags as written, so unclosed elements make it drift upwards; this
    only runs on pages libxml2 has already refused, where losing some deep structure is the
    price of keeping the text.
    """
    pieces: list[str] = []
    depth = 0
    copied_to = 0
    for match in _TAG.finditer(text):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID_TAGS or self_closing:
            continue
        deep = (depth if closing else depth + 1) > limit
        depth = max(depth - 1, 0) if closing else depth + 1
        if deep:
            pieces.append(text[copied_to : match.start()])
            copied_to = match.end()
    pieces.append(text[copied_to:])
    return "".join(pieces)


def _parse_tolerantly(text: str) -> HtmlElement | None:
    """The parsed page, or None when libxml2 cut it short for nesting too deep."""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as error:
        raise ExtractionError(f"the page is not HTML: {error}") from error
    if any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log):
        return None
    return root
