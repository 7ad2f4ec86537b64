"""Text preparation: paragraphs, sentences with their offsets, and site-furniture removal."""

from __future__ import annotations

import re
import string
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


# Each field's slot setter, for `prepare` (see there).
_SENTENCE_SLOT_SETTERS = tuple(
    vars(Sentence)[field].__set__ for field in ("text", "start", "end", "paragraph", "index")
)


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


# A line's text without its surrounding white space (group 1): the regex strips the line, so no
# Python loop walks in from either end.
_PARAGRAPH = re.compile(r"[^\S\n]*(\S(?:[^\n]*\S)?)")

# A boundary candidate: terminal punctuation, closing quotes/brackets, then white space.
_CLOSING_QUOTES = "\"”»’'"
# After a quotation that ends in ! or ?, "Clinton said." or "said the minister" goes on.
_ATTRIBUTION = re.compile(
    r"\s+(?:(?:[A-Z][\w.’'-]*\s+){1,4}(?:said|says|asked|asks|added|told|wrote|noted|replied"
    r"|shouted|explained|stressed|tweeted|insisted)\b"
    r"|(?:said|says|asked|added|wrote|noted|replied)\s+[A-Z])"
)
_BOUNDARY = re.compile(r"[.!?…][.!?…]*[\"”»’'\)\]]*(?=\s+(\S))")
# The same where the paragraph has no "!", "?" or "…": a pattern that opens with a literal is
# found by a fast scan for that character, where a character set is tested at every position.
_FULL_STOP_BOUNDARY = re.compile(r"\.[.!?…]*[\"”»’'\)\]]*(?=\s+(\S))")
_NON_SPACE_RUN = re.compile(r"\S+")

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
# What a plain word before a full stop says of it, from the four lists above (the first list
# that holds the word decides).
_CONTINUES, _BEFORE_NUMBER, _ENDS, _BEFORE_OPENER = "continues", "before number", "ends", "before opener"
_STOP_RULES = {
    **dict.fromkeys(_AMBIGUOUS, _BEFORE_OPENER),
    **dict.fromkeys(_PHRASE_ENDINGS, _ENDS),
    **dict.fromkeys(_NUMBER_PREFIXES, _BEFORE_NUMBER),
    **dict.fromkeys(_NAME_PREFIXES, _CONTINUES),
}
_LONGEST_RULE_WORD = max(map(len, _STOP_RULES))
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
# What the word after a boundary may open with, besides a capital letter or a digit.
_SENTENCE_OPENING_MARKS = _OPENERS + "‘'(—–-"
# The ASCII ones of those, with the capital letters and digits: most openings, found by one
# set lookup.
_ASCII_SENTENCE_OPENINGS = frozenset(
    string.ascii_uppercase
    + string.digits
    + "".join(mark for mark in _SENTENCE_OPENING_MARKS if mark.isascii())
)
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

# What furniture can open with, lower-cased: the first three letters of a pattern's words, a
# two-letter word and the white space after it, or (_FURNITURE_LEADS) a leading bullet,
# bracket, dash or ©.
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_FURNITURE_HEADS = _word_set(
    """
    rea see wat lis als rel mor cli tap sub sig fol joi sha lik don pho pic ima vid sou cre ill
    all add rep wri edi thi adv чит див так під фот дже авт ілю якщ наг
    """
) | frozenset(word + space for word in ("if", "as", "як") for space in _WHITE_SPACE)
_FURNITURE_LEADS = "([•*>|—–-©"
# Characters re.IGNORECASE matches to a letter of those patterns that str.lower() does not
# turn into that letter, or turns into two characters (re._casefix lists them).
_CASE_TRAPS = re.compile("[İıſ\u1c80-\u1c88]")


def paragraphs(text: str) -> list[Paragraph]:
    """Non-blank lines of the text, stripped, with their offsets."""
    return [Paragraph(match.group(1), *match.span(1)) for match in _PARAGRAPH.finditer(text)]


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


def _full_stop_continues(paragraph: str, stop: int, next_start: int) -> bool:
    """`_stop_continues` for the full stop at `paragraph[stop]`, read over the look-back window,
    the next word opening at `next_start`.

    Most full stops end a plain word ("said.", "2004."): that word is read with one `rfind`
    and, unless it is longer than any abbreviation, one dictionary lookup; anything else in it
    (dots, apostrophes, brackets, odd spaces) takes the general path."""
    if stop and paragraph[stop - 1].isdecimal():
        return paragraph[next_start].isdigit()
    window_start = stop - _LOOK_BACK if stop > _LOOK_BACK else 0
    space = paragraph.rfind(" ", window_start, stop)
    word = paragraph[space + 1 if space >= 0 else window_start : stop]
    if not word.isalnum():
        return _stop_continues(paragraph[window_start : stop + 1], _next_word(paragraph, next_start))
    if len(word) > _LONGEST_RULE_WORD:
        # No abbreviation is this long (lower-casing never shortens), nor is a lone letter.
        return False
    lowered = word.lower()
    rule = _STOP_RULES.get(lowered)
    if rule is None:
        # A lone capital after a space is an initial; a lone letter, an abbreviation.
        return (len(word) == 1 and word in _INITIAL_LETTERS) or (len(lowered) == 1 and lowered.isalpha())
    if rule == _CONTINUES:
        return True
    if rule == _BEFORE_NUMBER:
        return paragraph[next_start].isdigit()
    if rule == _ENDS:
        return False
    following = _next_word(paragraph, next_start)
    return following.lstrip("\"“«„‘'(").rstrip(".,;:!?\"”»’')").lower() not in _OPENER_WORDS


def _next_word(paragraph: str, start: int) -> str:
    """The run of non-space characters that opens at `paragraph[start]`."""
    found = _NON_SPACE_RUN.match(paragraph, start)
    return found.group() if found else ""


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) within one paragraph.

    A full stop after an abbreviation, an initial or a number does not end a sentence unless
    a capitalised word follows a number; a boundary inside a quotation that closes later in
    the paragraph does not split it, so a quote of several sentences stays one sentence."""
    spans = []
    start = 0
    # Without an opening curly or angle quote, none is ever open (closing ones alone count
    # for nothing); without a straight one, no straight quotation is open.
    has_curly = "“" in paragraph or "«" in paragraph or "„" in paragraph
    has_straight = '"' in paragraph
    depth, straight_open, read_to = 0, False, 0
    boundaries = (
        _BOUNDARY if "!" in paragraph or "?" in paragraph or "…" in paragraph else _FULL_STOP_BOUNDARY
    )
    for match in boundaries.finditer(paragraph):
        # Group 1 is the first character of the word after the white space: `regs` gives
        # both spans in one call.
        (stop, end), (next_start, _) = match.regs
        first = paragraph[next_start]
        if first not in _ASCII_SENTENCE_OPENINGS and not (
            first.isupper() or first.isdigit() or first in _SENTENCE_OPENING_MARKS
        ):
            continue
        mark = paragraph[stop]
        if mark == ".":
            # Seven letters or digits before the stop: a word longer than any abbreviation,
            # which ends the sentence (unless it ends in a digit: a decimal or a reference).
            if (
                paragraph[stop + 1] != "."
                and not (
                    stop >= 7 and paragraph[stop - 7 : stop].isalnum() and not paragraph[stop - 1].isdecimal()
                )
                and _full_stop_continues(paragraph, stop, next_start)
            ):
                continue
        elif mark in "!?" and paragraph[end - 1] in _CLOSING_QUOTES and _ATTRIBUTION.match(paragraph, end):
            continue
        if (has_curly or has_straight) and paragraph[end - 1] not in '"”»':
            # The double-quote state up to here: curly or angle quotations open, a straight one open.
            read = paragraph[read_to:end]
            if has_curly:
                opened = read.count("“") + read.count("«") + read.count("„")
                depth = max(0, depth + opened - read.count("”") - read.count("»"))
            if has_straight and read.count(_STRAIGHT_QUOTE) % 2:
                straight_open = not straight_open
            read_to = end
            # Inside a quotation that closes within 500 characters: the sentence goes on.
            if (depth or straight_open) and (
                paragraph.find("”", end, end + 500) >= 0
                or paragraph.find("»", end, end + 500) >= 0
                or paragraph.find('"', end, end + 500) >= 0
            ):
                continue
        spans.append((start, end))
        # The next sentence opens at the word after the white space the boundary ends at.
        start = next_start
    # Each span so far ends at a boundary after its start; the rest may be blank.
    end = len(paragraph.rstrip())
    if end > start:
        spans.append((start, end))
    return spans


def is_furniture(sentence: str) -> bool:
    """Is this sentence or paragraph site furniture (read-also links, credits, prompts,
    "as X reported earlier", a "reports, citing …" source line) rather than the story?"""
    stripped = sentence.strip()
    lowered = _lowered_for_prechecks(stripped)
    if lowered is None:
        return bool(_FURNITURE.match(stripped) or _SOURCE_LINE.match(stripped))
    return bool(
        (_may_open_furniture(lowered) or "+" in stripped) and _FURNITURE.match(stripped)
    ) or bool(_may_be_source_line(lowered) and _SOURCE_LINE.match(stripped))


def _lowered_for_prechecks(text: str) -> str | None:
    """The text lower-cased, character for character, if plain substring tests on it can
    rule out what the furniture patterns (re.IGNORECASE) would find; else None."""
    if text.isascii() or not _CASE_TRAPS.search(text):
        return text.lower()
    return None


def _may_open_furniture(lowered: str) -> bool:
    """Could a text whose lower-cased form is `lowered` match `_FURNITURE` (apart from its
    "Ctrl+Enter" branch)?"""
    return lowered[:3] in _FURNITURE_HEADS or lowered[:1] in _FURNITURE_LEADS


def _may_be_source_line(lowered: str) -> bool:
    """Could the lower-cased text match `_SOURCE_LINE`? Each source line holds one of its words."""
    return (
        "citing" in lowered
        or "referring" in lowered
        or "reference" in lowered
        or "повідомля" in lowered
        or "пише" in lowered
        or "інформу" in lowered
    )


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
    # Sentences are made by the thousand: setting the slots of a new instance directly spares
    # the frozen dataclass's __init__ (one object.__setattr__ call per field), half the cost.
    new_sentence = object.__new__
    set_text, set_start, set_end, set_paragraph, set_index = _SENTENCE_SLOT_SETTERS
    # The furniture patterns are costly and rarely match: cheap tests on the lower-cased text
    # rule them out for most sentences (see is_furniture). An ASCII article is lower-cased
    # once, and searched once for the words of a source line: its offsets are the original's,
    # and a slice of it is the paragraph lower-cased (a first three characters that run past
    # the paragraph's end can only let more sentences through to the patterns). Other text
    # is lower-cased paragraph by paragraph: str.lower() has a fast path for ASCII text only.
    text_lowered = text.lower() if text.isascii() else None
    any_source_line = text_lowered is None or _may_be_source_line(text_lowered)
    any_plus = "+" in text
    for number, match in enumerate(_PARAGRAPH.finditer(text)):
        paragraph = match.group(1)
        offset, paragraph_end = match.span(1)
        if number == 0 and title_folded and " ".join(paragraph.split()).casefold() == title_folded:
            removed.append((offset, paragraph_end))
            continue
        # `lowered[base + i]` is the paragraph's character i lower-cased.
        lowered: str | None
        if text_lowered is not None:
            lowered, base = text_lowered, offset
        else:
            lowered = paragraph.lower() if paragraph.isascii() or not _CASE_TRAPS.search(paragraph) else None
            base = 0
        if lowered is None:
            may_be_source_line = ctrl_enter = True
        else:
            may_be_source_line = any_source_line and _may_be_source_line(
                lowered[base : base + len(paragraph)]
            )
            ctrl_enter = any_plus and "+" in paragraph
        # A paragraph that opens as furniture ("Read also: …", "As X reported earlier, …")
        # is furniture throughout: what follows belongs to another story.
        paragraph_is_furniture = bool(
            (lowered is None or ctrl_enter or _may_open_furniture(lowered[base : base + 3]))
            and _FURNITURE.match(paragraph)
        )
        kept_any = False
        for start, end in split_sentences(paragraph):
            sentence = new_sentence(Sentence)
            sentence_text = paragraph[start:end]
            set_text(sentence, sentence_text)
            set_start(sentence, offset + start)
            set_end(sentence, offset + end)
            set_paragraph(sentence, paragraph_number)
            set_index(sentence, len(kept))
            # Sentences are stripped already (they open and end at a non-space character).
            at = base + start
            if (
                paragraph_is_furniture
                or (
                    (lowered is None or ctrl_enter or _may_open_furniture(lowered[at : at + 3]))
                    and _FURNITURE.match(sentence_text)
                )
                or (may_be_source_line and _SOURCE_LINE.match(sentence_text))
            ):
                furniture.append(sentence)
                removed.append((offset + start, offset + end))
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
