"""Find an article page's main text: trafilatura's candidates, then our own furniture filtering."""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from lxml.html import HtmlElement

from gazebot.extraction.metadata import squash_spaces

_WORD = re.compile(r"\w+")
_LIST_BULLET = re.compile(r"^(?:[-•*·▪►]\s+)")

# Lines that are page furniture whatever the site: calls to share, follow, subscribe or read on,
# comment-thread chrome, reading-time badges. Anchored and short so article sentences survive.
_FURNITURE_LINE = re.compile(
    r"""^(?:
        (?:read|see|watch|view)\s+(?:more|also|next|full\s+story)\b.{0,160}
      | (?:related|more|also\s+on\s+\S+|you\s+(?:may|might)\s+also\s+like|recommended
         |most\s+read|trending)\b[:.…\s].{0,160}
      | (?:related|more|recommended|you\s+may\s+also\s+like\.*)\s*:?
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
      | (?:copyright|©)\s.{0,120}
      | advertisement|advertising|anzeige|реклама
      | (?:this\s+)?(?:story|article)\s+continues\s+below.{0,40}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# Phrases that open the comment thread: everything from here on belongs to readers, not the piece.
_COMMENTS_START = re.compile(
    r"^(?:\d+\s+comments?|comments?|(?:all\s+)?comments?\s*\(\d+\)|leave\s+a\s+(?:reply|comment)|"
    r"(?:\d+\s+)?responses?\s+to\s+.{1,120}|комментарии|kommentare|comentários)\s*:?$",
    re.IGNORECASE,
)
# The comment-thread cut only applies in the last part of the text, where threads sit.
_COMMENTS_CUT_FROM = 0.5
# A candidate shorter than this share of the fuller one has probably lost part of the article.
_PRECISION_KEEPS_AT_LEAST = 0.6
_MIN_ARTICLE_WORDS = 15


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
    paragraphs = clean_paragraphs(chosen.paragraphs, headlines)
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


def clean_paragraphs(lines: tuple[str, ...], headlines: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Paragraphs without furniture lines, the repeated headline, duplicates or the comment thread."""
    squashed = [_LIST_BULLET.sub("", squash_spaces(line)) for line in lines]
    squashed = [line for line in squashed if _WORD.search(line)]
    squashed = _cut_comment_thread(squashed)
    headline_keys = {_key(headline) for headline in headlines} - {""}
    kept: list[str] = []
    seen: set[str] = set()
    for index, line in enumerate(squashed):
        key = _key(line)
        if index < 3 and key in headline_keys:
            continue
        if _FURNITURE_LINE.match(line):
            continue
        # Repeated paragraphs are pull quotes and sticky captions; long ones only, since short
        # lines such as "___" or "Also at Walmart" legitimately repeat.
        if len(key) > 40 and key in seen:
            continue
        seen.add(key)
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
