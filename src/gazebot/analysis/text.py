"""Text preparation: paragraphs, sentences with their offsets, and site-furniture removal."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "Paragraph",
    "PreparedText",
    "Sentence",
    "is_furniture",
    "paragraphs",
    "prepare",
    "split_sentences",
]


def _word_set(words: str) -> frozenset[str]:
    """A constant word list written as white-space separated text."""
    return frozenset(words.split())


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: `text == article[start:end]`, with its paragraph and overall index."""

    text: str
    start: int
    end: int
    paragraph: int
    index: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph: `text == article[start:end]`."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PreparedText:
    """An article after preparation: the story's sentences and the furniture set aside."""

    original: str
    clean: str
    sentences: tuple[Sentence, ...]
    furniture: tuple[Sentence, ...]
    paragraph_count: int


_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")

# A boundary candidate: terminal punctuation, closing quotes/brackets, then white space.
_CLOSING_QUOTES = "\"”»’'"
# After a quotation that ends in ! or ?, "Clinton said." or "said the minister" goes on.
_ATTRIBUTION = re.compile(
    r"\s+(?:(?:[A-Z][\w.’'-]*\s+){1,4}(?:said|says|asked|asks|added|told|wrote|noted|replied"
    r"|shouted|explained|stressed|tweeted|insisted)\b"
    r"|(?:said|says|asked|added|wrote|noted|replied)\s+[A-Z])"
)
_BOUNDARY = re.compile(r"(?:[.!?…]+)[\"”»’'\)\]]*(?=\s+(\S+))")

# Words that end with a full stop without ending the sentence (lower-cased, no final dot).
# Titles and place prefixes come before a name: never a sentence end.
_NAME_PREFIXES = _word_set(
    """
    mr mrs ms dr prof st rev gen col lt sgt capt cmdr maj adm gov sen rep pres hon messrs mme
    mlle fr supt insp det cpl pte brig jan feb mar apr jun jul aug sep sept oct nov dec
    ім м вул просп пл ген полк лейт св акад доц проф пров буд с смт
    """
)
# Reference prefixes come before a number: a sentence end unless a digit follows.
_NUMBER_PREFIXES = _word_set("no nos vol vols fig figs p pp ch sec art para ст стор рис табл")
# Unit-like endings of a phrase: a sentence end when a capitalised word follows.
_PHRASE_ENDINGS = _word_set("etc р рр грн тис млн млрд коп дол обл т.д т.п ін")
# Company suffixes and dotted acronyms: a sentence end only before a typical sentence opener.
_AMBIGUOUS = _word_set(
    "inc ltd co corp bros plc jr sr u.s u.k u.n e.u u.s.a d.c a.m p.m al vs v e.g i.e cf ca"
)
_OPENER_WORDS = _word_set(
    """
    the a an he she it they we i you this that these those there his her its their our my
    but and however in on at as if when while after before since so yet also meanwhile
    mr mrs ms dr some many most one two what who why how
    """
)

# Initials ("J.", "U.S."): capital letters, each with its full stop, after a space or an
# opening mark. Read by scanning back from the stop: a `$`-anchored regex search tried every
# start in the window, and was most of the time spent splitting sentences.
_INITIAL_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "".join(map(chr, range(0x410, 0x430))) + "ІЇЄҐ")
_BEFORE_INITIALS = "(\"“«"
# Characters of the word a full stop ends, besides letters, digits and "_".
_WORD_MARKS = "_.’'-"
# Enough text before a full stop to read the abbreviation or initials it ends.
_LOOK_BACK = 40
_OPENERS = '"“«„'
_STRAIGHT_QUOTE = '"'

# Furniture: paragraphs or sentences that belong to the site, not the story.
# Leading bullets, brackets and dashes may come first; a quote mark may not (a quotation
# that opens "Follow us," is story).
_FURNITURE = re.compile(
    r"""^[\s(\[•*>|—–-]*(?:
        (?:read|see|watch|listen)\s+(?:also|more)\b
      | also\s+read\b
      | related(?:\s+(?:stories|articles|news|content))?\s*:
      | more\s+(?:on\s+this\s+story|from|news|stories)\b
      | (?:click|tap)\s+here\b
      | (?:subscribe|sign\s+up|follow\s+us|join\s+us|share\s+(?:this|on)|like\s+us)\b
      | don[’']t\s+miss\b
      | (?:photo(?:graph)?s?|pictures?|images?|video|source|credits?|illustration)
          (?:\s+(?:credit|by|courtesy))?(?:\s*[:©|]|\s+[—–-]\s)
      | (?:photo|image)\s+by\b
      | ©
      | all\s+rights\s+reserved
      | (?:additional\s+)?(?:reporting|writing|editing)\s+by\b
      | (?:this\s+(?:article|story)\s+(?:was\s+)?(?:first|originally)\s+(?:published|appeared))
      | (?:if\s+you\s+(?:notice|find|see)\s+an?\s+(?:error|mistake|typo))
      | .{0,80}ctrl\s*\+\s*enter
      | advertisement\s*$
      | (?:as|like)\s+[\w’'. -]{2,40}?\s+(?:has\s+|had\s+)?(?:reported|wrote|informed)
          \s+(?:earlier|previously|before)\b
      | as\s+(?:[\w’'. -]{2,40}?\s+)?(?:has\s+|had\s+|was\s+)?(?:previously|earlier)\s+reported\b
      | читайте\s+(?:також|більше|нас)
      | дивіться\s+також
      | також\s+читайте
      | підписуйте?с[ья]
      | (?:фото|джерело|автор\s+фото|ілюстративне\s+фото)(?:\s*[:©|]|\s+[—–-]\s)
      | якщо\s+ви\s+(?:помітили|знайшли)\s+помилку
      | як\s+(?:раніше\s+)?(?:повідомля[вл][аио]?|писа[вл][аио]?)
      | нагадаємо
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# "The Gaze reports on it, referring to Reuters." / "…, citing AFP." — a source line.
_SOURCE_LINE = re.compile(
    r"""^\W*(?:[\w’'.-]+\s+){0,4}?(?:reports?|reported|writes|wrote|informs?)
        (?:\s+(?:on|about)\s+(?:it|this|that))?,?
        \s+(?:referring\s+to|citing|with\s+reference\s+to)\s+[^.]{2,60}\.?\W*$
      | ^\W*(?:про\s+це\s+)?(?:повідомля[єю]|пише|інформу[єю])\b[^.]{0,80}\.?\W*$
    """,
    re.IGNORECASE | re.VERBOSE,
)


def paragraphs(text: str) -> list[Paragraph]:
    """Non-blank lines of the text, stripped, with their offsets."""
    found = []
    for match in _PARAGRAPH.finditer(text):
        start, end = match.span()
        while text[start].isspace():
            start += 1
        while text[end - 1].isspace():
            end -= 1
        found.append(Paragraph(text[start:end], start, end))
    return found


def _stop_continues(before: str, following: str) -> bool:
    """Does the full stop that ends `before` leave the sentence going on, given the word
    after it (an abbreviation, an initial, a decimal or a reference number)?"""
    next_word = following.lstrip("\"“«„‘'(").rstrip(".,;:!?\"”»’')").lower()
    if len(before) > 1 and before[-2].isdecimal():
        return following[0].isdigit()
    word = _word_before_stop(before).lower().lstrip("'’-")
    if word in _NAME_PREFIXES:
        return True
    if word in _NUMBER_PREFIXES:
        return following[0].isdigit()
    if word in _PHRASE_ENDINGS:
        return False
    if word in _AMBIGUOUS:
        return next_word not in _OPENER_WORDS
    return _ends_with_initials(before) or (len(word) == 1 and word.isalpha())


def _word_before_stop(before: str) -> str:
    """The run of word characters, dots, apostrophes and hyphens the final full stop ends
    ("U.S" in "the U.S."), without that stop."""
    start = len(before) - 1
    while start > 0 and (before[start - 1].isalnum() or before[start - 1] in _WORD_MARKS):
        start -= 1
    return before[start:-1]


def _ends_with_initials(before: str) -> bool:
    """Does `before` end with initials ("J.", "U.S.") that open at its start, after white
    space or after an opening bracket or quote mark?"""
    start = len(before)
    while start > 1 and before[start - 1] == "." and before[start - 2] in _INITIAL_LETTERS:
        start -= 2
    if start == len(before):
        return False
    return start == 0 or before[start - 1].isspace() or before[start - 1] in _BEFORE_INITIALS


def _quote_state(text: str, depth: int, straight_open: bool) -> tuple[int, bool]:
    """The double-quote state after reading `text`: how many curly or angle quotations are
    open, and whether a straight one is."""
    opened = text.count("“") + text.count("«") + text.count("„")
    closed = text.count("”") + text.count("»")
    return max(0, depth + opened - closed), straight_open ^ (text.count(_STRAIGHT_QUOTE) % 2 == 1)


def _quote_closes_soon(paragraph: str, position: int, limit: int = 500) -> bool:
    """Does a closing double quote follow within `limit` characters?"""
    window = paragraph[position : position + limit]
    return any(mark in window for mark in '”»"')


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) within one paragraph.

    A full stop after an abbreviation, an initial or a number does not end a sentence unless
    a capitalised word follows a number; a boundary inside a quotation that closes later in
    the paragraph does not split it, so a quote of several sentences stays one sentence."""
    spans = []
    start = 0
    has_quotes = any(mark in paragraph for mark in '"“«„')
    depth, straight_open, read_to = 0, False, 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.end()
        following = match.group(1)
        first = following[0]
        if not (first.isupper() or first.isdigit() or first in _OPENERS or first in "‘'(—–-"):
            continue
        punctuation = match.group(0)
        if (
            punctuation[-1] in _CLOSING_QUOTES
            and punctuation[0] in "!?"
            and _ATTRIBUTION.match(paragraph, end)
        ):
            continue
        if (
            punctuation.startswith(".")
            and not punctuation.startswith("..")
            and _stop_continues(paragraph[max(0, match.start() - _LOOK_BACK) : match.start() + 1], following)
        ):
            continue
        if has_quotes and punctuation[-1] not in '"”»':
            depth, straight_open = _quote_state(paragraph[read_to:end], depth, straight_open)
            read_to = end
            if (depth or straight_open) and _quote_closes_soon(paragraph, end):
                continue
        spans.append((start, end))
        start = end
        while start < len(paragraph) and paragraph[start].isspace():
            start += 1
    if start < len(paragraph):
        spans.append((start, len(paragraph.rstrip())))
    return [(s, e) for s, e in spans if e > s]


def is_furniture(sentence: str) -> bool:
    """Is this sentence or paragraph site furniture (read-also links, credits, prompts,
    "as X reported earlier", a "reports, citing …" source line) rather than the story?"""
    stripped = sentence.strip()
    return bool(_FURNITURE.match(stripped) or _SOURCE_LINE.match(stripped))


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the spans cut out, each with the blanks after it, and a whole line's
    newline too: what is left reads verbatim from the original between the cuts."""
    pieces = []
    position = 0
    line_start = True
    for start, end in sorted(spans):
        # A cut that follows a cut from the start of its line also starts the line.
        line_start = (start == position and line_start) or start == 0 or text[start - 1] == "\n"
        pieces.append(text[position:start])
        position = end
        while position < len(text) and text[position] in " \t":
            position += 1
        if line_start and position < len(text) and text[position] == "\r":
            position += 1
        if line_start and position < len(text) and text[position] == "\n":
            position += 1
    pieces.append(text[position:])
    return "".join(pieces).strip()


def prepare(text: str, title: str = "") -> PreparedText:
    """Split the article into paragraphs and sentences and set the furniture aside.

    A first paragraph that repeats the title is skipped; a paragraph that opens as
    furniture is furniture throughout. `clean` is the story's text: the original with the
    title line and the furniture cut out, so a quote or figure found in it is verbatim in
    the original too."""
    kept: list[Sentence] = []
    furniture: list[Sentence] = []
    removed: list[tuple[int, int]] = []
    title_folded = " ".join(title.split()).casefold()
    paragraph_number = 0
    for number, paragraph in enumerate(paragraphs(text)):
        if number == 0 and title_folded and " ".join(paragraph.text.split()).casefold() == title_folded:
            removed.append((paragraph.start, paragraph.end))
            continue
        kept_any = False
        # A paragraph that opens as furniture ("Read also: …", "As X reported earlier, …")
        # is furniture throughout: what follows belongs to another story.
        paragraph_is_furniture = bool(_FURNITURE.match(paragraph.text))
        for start, end in split_sentences(paragraph.text):
            sentence = Sentence(
                text=paragraph.text[start:end],
                start=paragraph.start + start,
                end=paragraph.start + end,
                paragraph=paragraph_number,
                index=len(kept),
            )
            if paragraph_is_furniture or is_furniture(sentence.text):
                furniture.append(sentence)
                removed.append((sentence.start, sentence.end))
            else:
                kept.append(sentence)
                kept_any = True
        if kept_any:
            paragraph_number += 1
    return PreparedText(
        original=text,
        clean=_without(text, removed) if removed else text.strip(),
        sentences=tuple(kept),
        furniture=tuple(furniture),
        paragraph_count=paragraph_number,
    )
