"""Find an article page's main text: trafilatura's candidates, then our own furniture filtering."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import trafilatura
from lxml.html import HtmlElement

from gazebot.extraction.container import refine_with_container
from gazebot.extraction.metadata import squash_spaces

_WORD = re.compile(r"\w+")
_LIST_BULLET = re.compile(r"^(?:[-•*·▪►]\s+)")

# Lines that are page furniture whatever the site: calls to share, follow, subscribe or read on,
# comment-thread chrome, reading-time badges. Anchored and short so article sentences survive.
_FURNITURE_LINE = re.compile(
    r"""^(?:
        (?:read|see|watch|view)\s+(?:more|also|next|full\s+story)\b.{0,160}
      | (?:lea|lee|leia|leggi|lire|à\s+lire|lesen\s+sie|читайте|дивіться|смотрите)\s+
        (?:también|tambien|também|anche|aussi|auch|також|также|more)\b.{0,160}
      | (?:mehr\s+zum\s+thema|по\s+теме|на\s+тему)\s*:.{0,160}
      | (?:photo|foto|фото|image|picture)?\s*credits?\s*:.{0,80}
      | (?:photo|foto|фото|image|picture)\s*:.{0,80}
      | categor(?:y|ies)\s*:.{0,100}
      | (?:related|more|recommended|most\s+read|trending|you\s+(?:may|might)\s+also\s+like)
        \s*[:…].{0,160}
      | related\s+(?:articles?|stories|posts?|coverage|content|links?|reading)\b.{0,160}
      | also\s+on\s+\S+\.[a-z]{2,}\b.{0,160}
      | (?:related|more|recommended|you\s+(?:may|might)\s+also\s+like\.*)
      | like\s+this\s+(?:story|article)\?.{0,120}
      | (?:share|tweet|email|print)\s+(?:this|on|via)\b.{0,80}
      | (?:follow|like)\s+(?:us|the\s+\w+(?:\s+\w+){0,5}|\w+)\s+on\s+
        (?:facebook|twitter|instagram|x|telegram|linkedin)\b.{0,160}
      | (?:sign\s+up|subscribe)\b.{0,160}\b(?:newsletter|inbox|email|today|free)\b.{0,80}
      | get\s+the\s+latest\b.{0,80}\b(?:inbox|newsletter)\b.{0,80}
      | click\s+here\b.{0,120}
      | \d+\s+comments?
      | (?:all\s+)?comments?\s*(?:\(\d+\))?
      | leave\s+a\s+(?:reply|comment)\b.{0,60}
      | want\s+to\s+join\s+the\s+discussion\?
      | feel\s+free\s+to\s+contribute!?
      | filed\s+under\s*:.{0,120}
      | tags?\s*:.{0,200}
      | (?:tempo\s+de\s+leitura|reading\s+time|lesezeit|время\s+чтения)\s*:?.{0,30}
      | \d+\s+min(?:ute)?s?\s+read
      | (?:link\s+permanente|permalink)
      | ©.{0,120}
      | copyright\s*(?:©|\(c\)|\d{4}).{0,120}
      | copyright\b(?=.{0,80}$).{0,40}\b(?:19|20)\d\d\b.*
      | advertisement|advertising|anzeige|реклама
      | (?:this\s+)?(?:story|article)\s+continues\s+below.{0,40}
      | \(?(?:additional\s+)?(?:reporting|writing)\s+by\b.{0,300}\b(?:editing|edited)\s+by\b.{0,200}
      | \((?:additional\s+)?reporting\s+by\b[^)]{0,300}\)\.?
      | have\s+a\s+(?:news\s+)?tip\?.{0,300}
      | tell\s+us\s+what\s+you\s+think.{0,40}
      | (?:\w+\s+){0,3}newsletter
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# Calls to action inside an otherwise ordinary line; only short lines are judged by them, so an
# article that happens to discuss newsletters keeps its paragraphs.
_PROMOTION = re.compile(
    r"""
      \b(?:sign(?:ing)?\s+up|subscribe)\b[^.!?]{0,120}\b(?:newsletters?|inbox)\b
    | \bclick\s+here\b
    | \bplease\s+subscribe\b|\bsubscribe\s+(?:now|today|to\s+our|for\s+(?:the\s+)?full)\b
    | \balready\s+a\s+subscriber\b
    | (?:^|[.!?]\s+)follow\s+(?:us|the\s+\w+(?:\s+\w+){0,4}|\w+)\s+on\s+
      (?:facebook|twitter|instagram|x|telegram)\b
    | \bnever\s+miss\s+(?:the\s+latest|a\s+story|an?\s+update)\b
    | \bdownload\s+our\s+(?:\w+\s+){0,3}app\b|\bfor\s+the\s+latest\b[^.]{0,80}\bdownload\b
    | \bwe(?:\s+want|['’]d\s+like|\s+would\s+like)\s+to\s+hear\s+(?:what\s+you\s+think|from\s+you)\b
    | \bthis\s+(?:post|article|story|page)\s+(?:may\s+)?contains?\s+(?:affiliate|references\s+to\s+products)
    | \bthis\s+(?:article|content|story)\s+is\s+(?:the\s+)?copyright
    | \ball\s+rights\s+reserved\b
    | \[/[a-z_]+\]|\[[a-z_]+\s+[a-z_]+\s*=  # WordPress shortcodes left unrendered
    """,
    re.IGNORECASE | re.VERBOSE,
)
_PROMOTION_MAX_WORDS = 40

# Phrases that open the comment thread: everything from here on belongs to readers, not the piece.
_COMMENTS_START = re.compile(
    r"^(?:\d+\s+comments?|comments?|(?:all\s+)?comments?\s*\(\d+\)|leave\s+a\s+(?:reply|comment)|"
    r"(?:\d+|one|two|three)\s+responses?\s+to\s+.{1,120}|комментарии|коментарі|kommentare|comentários)"
    r"\s*:?$",
    re.IGNORECASE,
)
# The comment-thread cut only applies in the last part of the text, where threads sit.
_COMMENTS_CUT_FROM = 0.5
# A candidate shorter than this share of the fuller one has probably lost part of the article.
_PRECISION_KEEPS_AT_LEAST = 0.6
_MIN_ARTICLE_WORDS = 15
# How far up from the main container to look for its sibling chunks, and what a chunk must hold.
_CHUNK_ANCESTOR_LEVELS = 4
_MIN_CHUNK_WORDS = 30
_MAX_CHUNK_LINK_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class BodyCandidate:
    """A guess at the article's paragraphs and the method that produced it."""

    method: str
    paragraphs: tuple[str, ...]

    @property
    def word_count(self) -> int:
        """How many word tokens the paragraphs hold."""
        return sum(len(_WORD.findall(paragraph)) for paragraph in self.paragraphs)


def extract_body(
    root: HtmlElement, url: str, headlines: tuple[str, ...], json_ld_body: str
) -> tuple[str, ...]:
    """The article's paragraphs in reading order, furniture removed; empty if there is no article."""
    precise = _trafilatura_candidate(root, url, favor_precision=True)
    chosen = precise
    if precise.word_count < _MIN_ARTICLE_WORDS * 4:
        fuller = _trafilatura_candidate(root, url, favor_precision=False)
        if precise.word_count < fuller.word_count * _PRECISION_KEEPS_AT_LEAST:
            chosen = fuller
    linked = BodyCandidate("json-ld", tuple(json_ld_body.splitlines()))
    if linked.word_count > max(chosen.word_count * 2, _MIN_ARTICLE_WORDS):
        chosen = linked
    lines = chosen.paragraphs
    if chosen.method != "json-ld":
        lines = recover_split_chunks(root, refine_with_container(root, lines))
    paragraphs = clean_paragraphs(lines, headlines)
    if sum(len(_WORD.findall(paragraph)) for paragraph in paragraphs) < _MIN_ARTICLE_WORDS // 3:
        return ()
    return paragraphs


def _trafilatura_candidate(root: HtmlElement, url: str, *, favor_precision: bool) -> BodyCandidate:
    document = trafilatura.bare_extraction(
        root,
        url=url or None,
        favor_precision=favor_precision,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    text = getattr(document, "text", None) or ""
    method = "trafilatura-precision" if favor_precision else "trafilatura"
    return BodyCandidate(method, tuple(text.splitlines()))


def recover_split_chunks(root: HtmlElement, lines: tuple[str, ...]) -> tuple[str, ...]:
    """The lines plus paragraphs from sibling containers built like the one they came from.

    Some sites cut an article into several identical containers (between ads or a paywall
    marker); trafilatura keeps the best-scoring one. When most extracted paragraphs share a parent
    with a class, the other elements with that tag and class nearby hold the rest of the story.
    """
    elements_by_key: dict[str, list[HtmlElement]] = {}
    for paragraph in root.iter("p"):
        elements_by_key.setdefault(_key(paragraph.text_content()), []).append(paragraph)
    matched: list[HtmlElement | None] = []
    for line in lines:
        found = elements_by_key.get(_key(line))
        matched.append(found[0] if found and len(found) == 1 else None)
    parents = Counter(element.getparent() for element in matched if element is not None)
    if not parents:
        return lines
    container, shared = parents.most_common(1)[0]
    if container is None or shared < 2 or not (container.get("class") or "").strip():
        return lines
    chunks = _sibling_chunks(container)
    if not chunks:
        return lines
    already = {element for element in matched if element is not None}
    extra = [
        paragraph
        for chunk in chunks
        for paragraph in chunk.iterchildren("p")
        if paragraph not in already and _WORD.search(paragraph.text_content())
    ]
    if not extra:
        return lines
    order = {element: index for index, element in enumerate(root.iter())}
    positioned: list[tuple[int, str]] = []
    position = -1
    for line, element in zip(lines, matched, strict=True):
        if element is not None:
            position = order[element]
        positioned.append((position, line))
    positioned.extend((order[paragraph], squash_spaces(paragraph.text_content())) for paragraph in extra)
    positioned.sort(key=lambda item: item[0])
    return tuple(line for _, line in positioned)


def _sibling_chunks(container: HtmlElement) -> list[HtmlElement]:
    """Repeats of the container's structure under a close ancestor that read like article text.

    A repeat sits at the same depth below the shared ancestor, and every element on its way up
    has the same tag and class as the container's own ancestors: the page built it from the same
    template, not merely from the same rich-text class.
    """
    chain = [container]
    for _ in range(_CHUNK_ANCESTOR_LEVELS):
        parent = chain[-1].getparent()
        if parent is None:
            break
        chain.append(parent)
    signatures = [_signature(element) for element in chain]
    for depth in range(1, len(chain)):
        ancestor = chain[depth]
        chunks = [
            candidate
            for candidate in ancestor.iter(container.tag)
            if candidate is not container
            and _same_template_path(candidate, ancestor, signatures[:depth])
            and _reads_like_article_text(candidate)
        ]
        if chunks:
            return chunks
    return []


def _signature(element: HtmlElement) -> tuple[str, str]:
    return (str(element.tag), " ".join((element.get("class") or "").split()))


def _same_template_path(
    candidate: HtmlElement, ancestor: HtmlElement, signatures: list[tuple[str, str]]
) -> bool:
    """Whether the candidate and its ancestors below ``ancestor`` match the container's chain."""
    element: HtmlElement | None = candidate
    for signature in signatures:
        if element is None or element is ancestor or _signature(element) != signature:
            return False
        element = element.getparent()
    return element is ancestor


def _reads_like_article_text(chunk: HtmlElement) -> bool:
    paragraphs = list(chunk.iterchildren("p"))
    words = sum(len(_WORD.findall(paragraph.text_content())) for paragraph in paragraphs)
    link_words = sum(
        len(_WORD.findall(link.text_content())) for paragraph in paragraphs for link in paragraph.iter("a")
    )
    return words >= _MIN_CHUNK_WORDS and link_words <= words * _MAX_CHUNK_LINK_SHARE


def clean_paragraphs(lines: tuple[str, ...], headlines: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Paragraphs without furniture, the repeated headline, doubled blocks or the comment thread."""
    squashed = [_LIST_BULLET.sub("", squash_spaces(line)) for line in lines]
    squashed = [line for line in squashed if _WORD.search(line)]
    squashed = _cut_comment_thread(squashed)
    headline_keys = {_key(headline) for headline in headlines} - {""}
    kept: list[str] = []
    previous_key = ""
    for index, line in enumerate(squashed):
        key = _key(line)
        if index < 3 and key in headline_keys:
            continue
        if _FURNITURE_LINE.match(line):
            continue
        if _PROMOTION.search(line) and len(_WORD.findall(line)) <= _PROMOTION_MAX_WORDS:
            continue
        # A paragraph straight after itself is the page's mobile and desktop copies of one block;
        # repeats further apart are content (an interview asking each guest the same question).
        if key == previous_key:
            continue
        previous_key = key
        kept.append(line)
    return tuple(kept)


def _cut_comment_thread(lines: list[str]) -> list[str]:
    start = int(len(lines) * _COMMENTS_CUT_FROM)
    for index in range(max(start, 1), len(lines)):
        if _COMMENTS_START.match(lines[index]):
            return lines[:index]
    return lines


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))
