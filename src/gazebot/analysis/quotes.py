"""Direct quotations in an article, each with its speaker, best first (the ones that carry the story).

A quotation is the verbatim text between a pair of quote marks (“…”, "…", «…», „…“, ‘…’, and the
doubled apostrophes ''…'' of some wire copy) that stands as speech: it opens a sentence, follows a
cue ("he said, “…”", "saying: “…”") or a colon, and reads as a clause. Quote marks around a name,
a title or a scare-quoted word inside a sentence ("Code 9.2", the group "Kupyansk") are not
quotes, nor is a quoted fragment the reporter's sentence carries on. A quotation split by its
cue (“First part,” he said. “Second part.”), or continued by a cue-less paragraph that is all
quote, is one quotation of several parts; each part is a separate `Quote` in the output (each
verbatim), adjacent and with the same speaker. A quote in lower case is a whole quotation only
after a cue clause that opens its sentence and when it ends that sentence ("He added, “actually,
…”"); after "said that" or inside the reporter's clause it is a fragment. Sloppy copy is read as
meant: a quote closed by an opening mark before its cue (“Not yet,“ he said), a paragraph opened
by a closing mark, and a headline's straight single marks after a colon (Reid: 'Never …').

The speaker comes from the cue next to the quote (said, told, noted, according to, сказав,
заявив, за словами, …), from a lead-in ending in a colon, or from a cue-only sentence or a
"- Name" line after it: the name, title or pronoun there, resolved by `gazebot.analysis.names`
to the full name already seen ("the Head of State" -> "Volodymyr Zelenskyy"). Vox pops,
epigraphs and pull quotes have no cue: a dash and the speaker's name end the quote's line
(“…” ― Sonya Herridge; “…” - Jane Doe, 34, Phoenix), and such a quote is speech when it is a
whole statement that opens its sentence; its line's name is its speaker and nobody else's. A
dash before lower-case words or before more of a sentence is the reporter's. A quote with no
cue of its own takes its speaker from the discourse: a sentence just before it that ends in
its cue ("Bystrom agreed. “…”"), the cued quote right after it (“A.” “B,” said X.), or the
quotation of the paragraph before when it opens a paragraph of its own. A quote that
nobody is said to have said — no cue, no lead-in, no speaker — is left out: slogans, headlines
and the tails of paraphrases look like that. Speaker None: attributed, but to no person we
can name ("a source said", "the statement read").

Ranking (`find_quotes`): a full statement (25–60 words) by a named speaker whose words the rest
of the article echoes (reporters paraphrase the line that matters), earlier before later.

Measured by `bench/quotes.py` on PolNeAR; pure regex work, no models or data files.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from gazebot.analysis.card import Quote
from gazebot.analysis.names import (
    NameMention,
    ReferenceKind,
    find_names,
    follows_name_word,
    mention_in_run,
    name_alone,
    name_runs,
    needs_mentions,
    reference_at,
    resolve_latest_first,
    single_name_word,
)

__all__ = ["QuoteSpan", "find_quote_spans", "find_quotes"]

# Outermost quote pairs within one paragraph; nested quotes of another style stay inside. The
# last two alternatives catch a paragraph that opens a quote and never closes it: in news
# style a quotation running over several paragraphs closes only in its last one.
_QUOTE_PAIR = re.compile(
    # Every branch opens with its literal mark (conditions on what precedes it are lookbehinds
    # after the mark) so the engine can skip ahead to the next quote mark: twice as fast as a
    # leading lookahead, which it would evaluate at every character.
    r"(?:«(?P<guillemet>[^«»\n]*(?:«[^«»\n]*»[^«»\n]*)*)»"
    r"|„(?P<low>[^„“”\n]*)[“”]"
    r"|“(?P<curly>[^“”\"\n]*(?:“[^“”\"\n]*”[^“”\"\n]*)*)”"
    # “Apparently not,“ he said: an opening mark after punctuation, before the cue, closes.
    r"|“(?P<curly_reclosed>[^“”\"\n]*[,.?!…])“(?=[ \u00a0]+[a-z]|(?m:$))"
    # A closing mark that opens a paragraph (”Sorry, Sarah …,” she wrote) stands for an opening one.
    r"|”(?<![^\n\u202a]”)(?P<reversed>[^“”\n]*)”"
    # Possessive runs: the mark that must follow is outside the class, so giving characters
    # back cannot help; without `+` every straight pair (which this branch tries and fails
    # first) would be scanned twice more, backwards.
    r"|“(?P<mixed>[^“”\"\n]*+)\""
    r"|\"(?P<straight_curly>[^\"“”\n]*+)”"
    r"|''(?P<doubled>(?:[^'\n]|'(?!'))*)''"
    r"|\"(?P<straight>[^\"\n]*)\""
    # Headline style: "Reid: 'Never underestimate Trump.'" (straight single marks are apostrophes
    # everywhere else, so only a whole sentence after a colon to the end of the line counts).
    r"|'(?<=: ')(?P<headline>[A-Z][^\n]*[.!?])'(?m:$)"
    r"|‘(?<![\w’']‘)(?P<single>[^‘’\n]*(?:’\w[^‘’\n]*)*)’(?!\w)"
    r"|“(?P<open_tagged>[^“”\n]*)(?=“?\s*\[[A-Z][^\]\n]{0,40}\]\s*(?m:$))"
    r"|“(?<=(?m:^)“)(?P<open_curly>[^“”\n]*)$"
    r"|\"(?<=(?m:^)\")(?P<open_straight>[^\"\n]*)$"
    r"|“(?P<open_curly_inside>[^“”\n]*)(?m:$)(?=\n+“)"
    r"|\"(?P<open_straight_inside>[^\"\n]*)(?m:$)(?=\n+\")"
    r")"
)


# The first character of every `_QUOTE_PAIR` branch but the straight single mark's.
_OPENING_CHARACTERS = '«„“”"‘'


def _prefix_set(words: str) -> frozenset[str]:
    """Six-letter prefixes of a whitespace-separated word list, to compare with `_STEM` stems."""
    return frozenset(word[:6] for word in words.split())


_CUE_WORDS = (
    # English speech and writing verbs, all forms a news sentence uses.
    r"said|says|say|saying|told|tells|telling|tell|noted|notes|noting|stressed|stresses|stressing"
    r"|added|adds|adding|emphasi[sz]ed|emphasi[sz]es|emphasi[sz]ing|explained|explains|explaining"
    r"|wrote|writes|writing|tweeted|tweets|tweeting|posted|asked|asks|asking|continued|continues"
    r"|recalled|recalls|declared|declares|insisted|insists|insisting|warned|warns|warning"
    r"|argued|argues|arguing|claimed|claims|claiming|stated|states|announced|announces|replied"
    r"|replies|responded|responds|notified|commented|comments|admitted|admits|acknowledged"
    r"|acknowledges|suggested|suggests|concluded|remarked|urged|urges|joked|jokes|quipped"
    r"|quips|yelled|shouted|chanted|cried|screamed|whispered|mused|observed|pointed out"
    r"|went on|told reporters|reported|reports|confirmed|confirms|predicted|predicts|promised"
    r"|promises|vowed|vows|pledged|boasted|boasts|complained|complains|conceded|concedes"
    r"|recounted|recounts|described|describes|offered|countered|counters|agreed|agrees"
    r"|added|interjected|pleaded|repeated|reiterated|protested|proclaimed|thundered|sighed"
    r"|assured|assures|answered|answers|conclude|explain|note|add|insist|argue|warn|contend"
    r"|contended|contends|wondered|wonders|recalls|cautioned|cautions|testified|announced"
    r"|informed|texted|emailed|wrote in|tweeted|retorted|snapped|exclaimed|boasted|bragged"
    r"|lamented|marveled|marvelled|scoffed|shot back|fired back|chimed in|went on to say"
    r"|fumed|mocked|mocks|charged|charges|sniffed|demanded|bemoaned|echoed|advised|chided|teased"
    r"|rejoined|interrupted|asserted|asserts|maintained|maintains|confided|cracked|griped|grumbled"
    r"|crowed|gushed|raved|hinted|speculated|surmised|reasoned|ventured|confessed|reflected"
    r"|points out|pointed out|questioned|pressed|summed up|laughed|boomed|exhorted|remarking"
    r"|barked|growled|concludes|opined|opines|interjecting|interjects|sings|sang|chanting"
    r"|yelling|shouting|shouts|yells|exclaiming|exclaims|joking|quipping|recalling|recounting"
    r"|countered|stated"
    r"|observes|adds|notes|explains"
    r"|recalled|read|reads"
    r"|recommended|recommends|retaliated|claim|admit|tweet|predict|recall"
    r"|put it|puts it|according to|in the words of"
    # Ukrainian and Russian.
    r"|сказав|сказала|сказали|каже|кажуть|заявив|заявила|заявили|заявляє|зазначив|зазначила"
    r"|зазначили|зазначає|наголосив|наголосила|наголосили|наголошує|повідомив|повідомила"
    r"|повідомили|повідомляє|додав|додала|додали|підкреслив|підкреслила|розповів|розповіла"
    r"|пояснив|пояснила|написав|написала|відповів|відповіла|запевнив|запевнила|вважає"
    r"|звернувся|закликав|закликала|заявляють|пише|говорить|говорив|за словами"
    r"|сказал|сказала|заявил|отметил|отметила|добавил|подчеркнул|по словам"
)


def _trie_pattern(words: list[str]) -> str:
    """A regex alternation factored by common prefixes: the engine then tries a handful of
    branches per word instead of every cue (a flat 200-word alternation is 20x slower)."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:  # type: ignore[type-arg]
        branches = [re.escape(char) + render(child) for char, child in node.items() if char]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not optional else "(?:" + "|".join(branches) + ")"
        return body + "?" if optional else body

    return render(trie)


# Case-sensitive (much faster) with the capitalised forms that open a sentence ("According to").
_CUE_WORDS = _trie_pattern(
    sorted({form for cue in _CUE_WORDS.split("|") for form in (cue, cue[:1].upper() + cue[1:])})
)
_CUE = re.compile(rf"(?<![\w-])(?:{_CUE_WORDS})(?![\w-])")
_OBJECT_CUES = frozenset({"according to", "in the words of", "за словами", "по словам"})

# A sentence ends at . ! ? … (and closing marks) before a capital, except after the
# abbreviations and initials that precede names ("Mr. Obama", "Sen. Ted Cruz", "John F. Kennedy").
_SENTENCE_END = re.compile(
    r"[.!?…](?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bSen\.)(?<!\bRep\.)"
    r"(?<!\bGov\.)(?<!\bGen\.)(?<!\bLt\.)(?<!\bCol\.)(?<!\bSgt\.)(?<!\bJr\.)(?<!\bSr\.)"
    r"(?<!\bNo\.)(?<!\bvs\.)(?<!\bU\.S\.)(?<!\b[A-ZА-ЯІЇЄҐ]\.)(?<!\bCapt\.)(?<!\bMaj\.)(?<!\bAdm\.)"
    r"(?<!\bRev\.)"
    r"[)\"”’»']*\s+(?=[\"“«„‘'A-ZА-ЯІЇЄҐ(])"
)
_OPENS_SPEECH = re.compile(r"(?:[.!?…:;][)\"”’»']*\s*|[”\"»’']\s+|[—–]\s*|\s--?\s*|(?<!\w)\()$")
# "he said, “…”", "Trump told reporters on Monday, “…”": the cue a few words before the comma.
_CUE_THEN_COMMA = re.compile(rf"(?<![\w-])(?:{_CUE_WORDS})(?:[\s\u00a0]+[^\s,]+){{0,6}},\s*$")
_OBJECT_CUE_THEN_NAME = re.compile(
    r"(?:[Aa]ccording to|[Зз]а словами|[Пп]о словам)(?:[\s\u00a0]+[^\s,]+){1,5},\s*$"
)
# "… Dianne Bystrom agreed." / "… said in a statement.": a sentence whose cue is its end.
_CUE_ENDS_SENTENCE = re.compile(rf"(?<![\w-])(?:{_CUE_WORDS})(?:[\s\u00a0]+[^\s.]+){{0,4}}[.:]$")
_QUOTE_MARK = re.compile(r"[«»„“”\"‘’]|''")
_DASH_AFTER = re.compile(r"\s+(?:[-—–]|--)\s")
_CLOSES_SENTENCE = re.compile(r"[.…]\W*$")
_CLOSES_QUESTION = re.compile(r"[?!]\W*$")
_SPACE_THEN_CAPITAL = re.compile(r"\s*[A-ZА-ЯІЇЄҐ]")
_ENDS_SENTENCE = re.compile(r"[.!?…]\W*$")
_UPPER_START = re.compile(r"\W*[A-ZА-ЯІЇЄҐ]")
# " Trump said." / " Beck questioned." — a sentence that is nothing but a cue.
_SHORT_CUE_SENTENCE = re.compile(
    rf"\s*(?:[^\s.\"“”«»]+[\s\u00a0]+){{1,5}}(?:{_CUE_WORDS})(?:[\s\u00a0]+[^\s.\"“”«»]+){{0,3}}\.(?=\s|$)"
)
_DASH_ATTRIBUTION = re.compile(r"[-—–―]\s*([A-ZА-ЯІЇЄҐ][^\n]{0,80}?)\.?$")
# The attribution of vox pops, epigraphs and pull quotes: a dash after the closing mark and the
# speaker's name to the end of the line (“…” ― Sonya Herridge / “…” - Jane Doe, 34, Phoenix.).
# A hyphen counts only between spaces. Tried after every quote, so it fails at the first
# character that is neither a space nor a dash.
_DASH_NAME_LINE = re.compile(
    r"(?:[^\S\n]*(?:[―—–]|--)|[^\S\n]+-(?=[^\S\n]))[^\S\n]*"
    r"(?P<name>[^,\n]{2,80}?)\.?(?:,[^\n“”\"«»]{0,80})?[^\S\n]*$"
)
_ENDS_STATEMENT = re.compile(r"[.!?…][\"”’»')]*\s*$")
_SOURCE_TAG = re.compile(r"“?\s*\[[A-Z][^\]\n]{0,40}\]")
_STARTS_SENTENCE = re.compile(r"\s+[A-ZА-ЯІЇЄҐ]")
# Where the noun phrase after a cue ends: punctuation, but not the dot of "Mr." or an initial.
_PHRASE_END = re.compile(
    r"[,;:!?()]|\.(?<!\bMr\.)(?<!\bMrs\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSen\.)(?<!\bRep\.)"
    r"(?<!\bGov\.)(?<!\bGen\.)(?<!\bSt\.)(?<!\b[A-Z]\.)(?<!\bCapt\.)(?<!\bLt\.)(?<!\bCol\.)"
    r"(?<!\bSgt\.)(?<!\bMaj\.)(?<!\bAdm\.)(?<!\bRev\.)(?=\s|$)"
)
_PARENTHESES = re.compile(r"\([^()]*\)")
_FIRST_LETTER = re.compile(r"[^\W\d_]")
_BARE_CUE = re.compile(rf"(?<![\w-])(?:{_CUE_WORDS})\s*$")
# The punctuation that ends a clause, tested on a quote's last visible character.
_CLAUSE_ENDS = frozenset(",.!?…:;—–-")
_LOWER_START = re.compile(r"\s*[a-zа-яіїєґ]")
# The first four to six letters of every word of four letters or more (counted in C, no loop).
# An explicit lower-case class without \b scans several times faster than [^\W\d_] with it;
# the trailing run consumes the rest of the word so no match starts inside one.
_STEM = re.compile(r"([a-zß-öø-ÿа-яіїєґё]{4,6})[a-zß-öø-ÿа-яіїєґё]*")
# The letters of `_STEM` and its longest stem, for `_has_stem`.
_STEM_LETTERS = frozenset(
    [chr(c) for c in range(ord("a"), ord("z") + 1)]
    + [chr(c) for c in range(ord("ß"), ord("ö") + 1)]
    + [chr(c) for c in range(ord("ø"), ord("ÿ") + 1)]
    + [chr(c) for c in range(ord("а"), ord("я") + 1)]
    + list("іїєґё")
)
_STEM_SIZE = 6
# A byte table keeping a-z and turning every other byte into a space.
_ASCII_LETTERS_ONLY = bytes(code if ord("a") <= code <= ord("z") else ord(" ") for code in range(256))
_NEXT_LINE = re.compile(r"\s*([^\n]*)")
# One paragraph break, however many empty lines it spans.
_LINE_BREAKS = re.compile(r"\n\s*")
_CUE_CLAUSE_WORDS = 25
_NAME_BLOCK_CHARS = 300
_CUE_NEAR_WORDS = 12
_CUE_AT_ONCE_WORDS = 5
_LOOK_BACK = 400
_FULL_STATEMENT_WORDS = 25
_LONG_QUOTE_WORDS = 60
_BETWEEN_PARTS_WORDS = 40
_SUBJECT_WORDS = 30
_SHORT_QUOTE_WORDS = 3
_STOPWORDS = _prefix_set(
    """
    that this with have from they were been will would their what when which there about
    just than then them these those into more some such very also only over your ours here
    said says like could should because being does done after before while where whom
    який яка які якщо тому коли цього цей того цих буде були було вони його їхній наших
    """
)


class QuoteSpan(NamedTuple):
    """One quotation as offsets into the text: `parts` are the inner spans (quote marks excluded).

    A named tuple rather than a frozen dataclass: one is made per quotation of every article,
    and a frozen dataclass's `__init__` costs several times more."""

    parts: tuple[tuple[int, int], ...]
    speaker: str | None
    score: float


@dataclass(slots=True)
class _Pair:
    start: int  # opening mark
    end: int  # just after the closing mark (paragraph end when unclosed)
    inner_start: int
    inner_end: int
    paragraph_start: int
    paragraph_end: int


def _mark_offsets(text: str) -> list[int]:
    """The offsets of every character that can open a `_QUOTE_PAIR`, in order. A `str.find`
    per mark runs at memory speed; the regex engine would test each character of the article."""
    offsets: list[int] = []
    for mark in _OPENING_CHARACTERS:
        found = text.find(mark)
        while found >= 0:
            offsets.append(found)
            found = text.find(mark, found + 1)
    # A straight single mark opens a pair only as the first of two ('') or after ": " (the
    # headline branch); any other is an apostrophe, the commonest mark of all, and trying the
    # pattern at each would cost more than all the real quotes.
    found = text.find("''")
    while found >= 0:
        offsets.append(found)
        found = text.find("''", found + 1)
    found = text.find(": '")
    while found >= 0:
        # Unless the mark is the first of two, and so listed already.
        if text[found + 3 : found + 4] != "'":
            offsets.append(found + 2)
        found = text.find(": '", found + 1)
    offsets.sort()
    return offsets


# A quote that reads as speech: the pair, its sentence before, its clause after, its kind
# (`_SPEECH` or `_CONTINUATION`) and the first cue in the clause after.
_Speech = tuple[_Pair, str, str, int, "re.Match[str] | None"]


def _pairs(text: str) -> list[_Pair]:
    pairs: list[_Pair] = []
    taken = 0
    # The same matches as `_QUOTE_PAIR.finditer(text)`: every branch opens with one of these
    # characters, so a match can start nowhere else; a match's lookbehinds still see the text
    # before the offset it is tried at.
    for offset in _mark_offsets(text):
        if offset < taken:
            continue
        match = _QUOTE_PAIR.match(text, offset)
        if match is None:
            continue
        taken = match.end()
        group = match.lastgroup
        assert group is not None
        inner_start, inner_end = match.span(group)
        paragraph_start = text.rfind("\n", 0, match.start()) + 1
        paragraph_end = text.find("\n", match.end())
        if paragraph_end < 0:
            paragraph_end = len(text)
        pairs.append(
            _Pair(match.start(), match.end(), inner_start, inner_end, paragraph_start, paragraph_end)
        )
    return pairs


def _follows_a_word(text: str, pair: _Pair) -> bool:
    """Whether the quote mark follows a word that is not a cue, with no source tag after it."""
    start = pair.start
    # A mark at a paragraph's start or after punctuation (the common speech case) follows no
    # word: only a letter or digit or a space before it needs the look further back.
    if start == 0 or not (text[start - 1].isalnum() or text[start - 1] in " \u00a0"):
        return False
    lead = text[max(0, start - 40) : start].rstrip(" \u00a0")
    return (
        lead[-1:].isalnum()
        and _BARE_CUE.search(lead + " ") is None
        and _SOURCE_TAG.match(text, pair.end) is None
    )


def _ends_in_cue(before: str) -> bool:
    """Whether `before` ends in a cue word ("The ad says"). Every cue ends in a letter, so most
    sentences (ending in a comma, a full stop, a colon) are ruled out without a regex."""
    return before.rstrip()[-1:].isalpha() and _BARE_CUE.search(before[-40:]) is not None


def _sentence_before(text: str, pair: _Pair) -> str:
    """The text of the quote's sentence before its opening mark."""
    before = text[max(pair.paragraph_start, pair.start - _LOOK_BACK) : pair.start]
    # The last boundary, looked for from the end: `_SENTENCE_END` can only start at one of
    # these marks, and its matches never overlap, so the last mark where it matches is the
    # last match `finditer` would give (a scan of the whole stretch costs several times more).
    end = len(before)
    while True:
        mark = max(before.rfind(".", 0, end), before.rfind("!", 0, end), before.rfind("?", 0, end))
        mark = max(mark, before.rfind("…", 0, end))
        if mark < 0:
            return before
        boundary = _SENTENCE_END.match(before, mark)
        if boundary is not None:
            return before[boundary.end() :]
        end = mark


def _clause_after(text: str, pair: _Pair, limit: int) -> str:
    """The text after the closing mark up to the end of its sentence (or `limit`)."""
    after = text[pair.end : min(pair.paragraph_end, limit)]
    # “… the end of it.” Then a new sentence: the quote closed its own sentence. (Tested
    # before the sentence end is looked for, which it makes unnecessary.)
    if _STARTS_SENTENCE.match(after) and _CLOSES_SENTENCE.search(text, pair.inner_start, pair.inner_end):
        return ""
    boundary = _SENTENCE_END.search(after)
    return after[: boundary.start() + 1] if boundary else after


def _words_up_to(fragment: str, limit: int) -> int:
    """The number of words in `fragment`, counted only up to `limit` + 1: enough to compare with
    `limit`, without splitting a long quotation into all its words."""
    return len(fragment.split(maxsplit=limit))


def _word_count(fragment: str) -> int:
    # Whitespace tokens: close enough for the length thresholds here, and several times faster.
    return len(fragment.split())


_NOT_SPEECH, _CONTINUATION, _SPEECH = 0, 1, 2


def _speech_kind(text: str, pair: _Pair, before: str, after: str, cue: re.Match[str] | None) -> int:
    """Whether the pair is a direct quotation rather than a name, title or scare quote.

    `_CONTINUATION` marks a quote that starts in lower case ("…,” Trump said, “and I …”): it
    can only be the later part of a split quotation, never a quotation of its own (a lower-case
    quote after a comma is otherwise a fragment of the reporter's sentence).
    """
    inner = text[pair.inner_start : pair.inner_end]
    # Only whether the quote has more than a few words matters here: stop counting there.
    words = _words_up_to(inner, _SHORT_QUOTE_WORDS)
    first_letter = _FIRST_LETTER.search(inner)
    if words == 0 or first_letter is None:
        return _NOT_SPEECH
    # Each test below is made only where its answer can change the outcome (most quotes open
    # their sentence, so the other ways to be speech are never asked about).
    lead = before.rstrip()
    # The anchored patterns only need the end of `before`; searching all of it is slow.
    opens_sentence = not lead or _OPENS_SPEECH.search(before[-12:]) is not None
    # Both forms need the comma at the end; testing it first spares two regex scans.
    ends_with_comma = lead.endswith(",")
    follows_cue = ends_with_comma and (
        _CUE_THEN_COMMA.search(before[-120:]) is not None
        # "Said Dorothy Poynter, who grew up with Ali, “We were …”": a cue earlier in the sentence.
        or (_UPPER_START.match(text, pair.inner_start) is not None and _CUE.search(before) is not None)
    )
    ends_with_colon = lead.endswith(":")
    ends_clause = inner.rstrip()[-1:] in _CLAUSE_ENDS
    if not (
        opens_sentence
        or follows_cue
        # "The ad says “nothing will change …”": a whole clause straight after the cue verb.
        or (
            words > _SHORT_QUOTE_WORDS
            and (ends_clause or not after.strip(" \u00a0.!?;"))
            and _ends_in_cue(before)
        )
        # Digest style: "HEADLINE IN CAPITALS “quoted excerpt.” [WaPo.]" — the tag names the source.
        or _SOURCE_TAG.match(after) is not None
    ):
        # “These guys know how,” said Sherman, speaking of politicians, “and leave …”
        lower_after_comma = ends_with_comma and inner[:1].islower()
        return _CONTINUATION if lower_after_comma else _NOT_SPEECH
    lower_after = _LOWER_START.match(after) is not None
    # Asked about only for a short quote or one the reporter's clause runs on from.
    cue_after = (
        cue is not None
        and (words <= _SHORT_QUOTE_WORDS or lower_after)
        and _words_up_to(after[: cue.start()], _CUE_NEAR_WORDS) <= _CUE_NEAR_WORDS
    )
    if (
        words <= _SHORT_QUOTE_WORDS
        and not (
            ends_clause
            and (
                cue_after
                or follows_cue
                # "the heckler yelled: “You suck!”": a cue and a colon introduce even a short quotation.
                or (ends_with_colon and _CUE.search(before[-40:]) is not None)
            )
        )
    ):
        # “…,” he said. “Very good.” — a short clause only as the end of a split quotation.
        return _CONTINUATION if ends_clause else _NOT_SPEECH
    # A quoted title or name runs on into the reporter's sentence: “Code 9.2” was formed …,
    # ''The Trumps,'' by Gwenda Blair, …
    if lower_after and not cue_after and not (follows_cue or ends_with_colon):
        return _NOT_SPEECH
    # “Many would consider that an embarrassment” if she lost …: a quoted fragment carried on
    # by the reporter, not a quotation (unless a cue follows at once: “…” he said).
    # (A dash after the quote sets off the reporter's aside: “…” - the first to say so.)
    if (
        not ends_clause
        and after.strip(" \u00a0.!?;)")
        and not (
            cue is not None and _words_up_to(after[: cue.start()], _CUE_AT_ONCE_WORDS) <= _CUE_AT_ONCE_WORDS
        )
        and not _DASH_AFTER.match(after)
    ):
        return _NOT_SPEECH
    if first_letter.group().islower():
        # "За словами Зеленського, «ситуація …»" / "According to X, “…”" quote a whole clause,
        # and so does "He added, “actually, I …”" when the quote ends its sentence and no
        # earlier quote in the sentence could be the part it continues.
        whole_clause = (
            follows_cue
            and _cue_opens_sentence(before)
            and _ENDS_SENTENCE.search(inner) is not None
            and not after.strip(" \u00a0")
            and _QUOTE_MARK.search(before) is None
        )
        return _SPEECH if whole_clause or _OBJECT_CUE_THEN_NAME.search(before) else _CONTINUATION
    return _SPEECH


def _dash_byline(text: str, pair: _Pair, before: str) -> str | None:
    """The name on the quote's line after a dash (“…” ― Sonya Herridge), when the quote is a
    whole statement that opens its sentence and the name is all the line holds besides ", age,
    place" after it: the attribution of vox pops, epigraphs and pull quotes, which has no cue.
    A dash before lower-case words is the reporter's aside (“…” — and then he left); one before
    more of a sentence follows a quoted title or name; neither is a byline."""
    line = _DASH_NAME_LINE.match(text, pair.end, pair.paragraph_end)
    if line is None:
        return None
    name = name_alone(line.group("name"))
    if name is None or _ENDS_STATEMENT.search(text, pair.inner_start, pair.inner_end) is None:
        return None
    lead = before.rstrip()
    return name if not lead or _OPENS_SPEECH.search(before[-12:]) is not None else None


def _cue_opens_sentence(before: str) -> bool:
    """Whether the sentence before a quote is its cue clause alone ("He added, “…", "But, she
    said, “…") rather than the reporter's own clause with a cue set inside it ("An economic
    downturn, he said, “could be …”"), whose quote only finishes the reporter's sentence."""
    lead, comma, _ = before.rstrip().removesuffix(",").partition(",")
    return not comma or _word_count(lead) <= 1


def _reference_in_subject(phrase: str) -> tuple[ReferenceKind, str] | None:
    """The person in a cue's subject: the head before any comma, else a name in the apposition."""
    head, _, apposition = _PARENTHESES.sub("", phrase).strip(" ,\u00a0").partition(",")
    if head.strip() and _word_count(head) <= _SUBJECT_WORDS:
        names = _head_names(head)
        if names:
            return ("name", names[-1].name)
        reference = reference_at(head)
        if reference is not None:
            return reference
    if apposition.strip():
        names = find_names(apposition)
        if names:
            return ("name", names[0].name)
    return None


def _head_names(phrase: str) -> list[NameMention]:
    """The names in a noun phrase, leaving out those after "of" when a name comes before it:
    "Mujtaba Rahman of the Eurasia Group" is Rahman (but "Secretary of State John Kerry" is
    Kerry)."""
    head, of, _ = phrase.partition(" of ")
    if of:
        names = find_names(head)
        if names:
            return names
    return find_names(phrase)


def _reference_after_cue(fragment: str) -> tuple[ReferenceKind, str] | None:
    """The person named right after a cue: “…,” said Clinton, the former secretary …"""
    phrase_end = _PHRASE_END.search(fragment)
    phrase = fragment[: phrase_end.start()] if phrase_end else fragment
    if _word_count(phrase) > 8:
        return None
    names = _head_names(phrase)
    if names:
        # The head of "said Virginia delegate Beau Correll" is the last name in it.
        return ("name", names[-1].name)
    return reference_at(phrase)


def _reference_from_colon(text: str, pair: _Pair, before: str) -> tuple[ReferenceKind, str] | None:
    """The speaker introduced by a colon: "Clinton has since apologized: “…”", "Bush: “…”".

    The colon may end the previous paragraph ("Cruz continued:" then the quote on its own).
    """
    if before.strip():
        if not before.rstrip().endswith(":"):
            return None
        lead_in = before
    else:
        previous_end = pair.paragraph_start - 1
        previous_text = text[max(0, previous_end - _LOOK_BACK) : previous_end].rstrip()
        if not previous_text.endswith(":"):
            return None
        boundaries = list(_SENTENCE_END.finditer(previous_text))
        lead_in = previous_text[boundaries[-1].end() :] if boundaries else previous_text
        lead_in = lead_in[lead_in.rfind("\n") + 1 :]
    names = find_names(lead_in)
    if names:
        return ("name", names[0].name)
    first_words = " ".join(lead_in.split()[:3])
    return reference_at(first_words.split(" ")[0]) or reference_at(first_words)


def _reference_from_after(after: str) -> tuple[ReferenceKind, str] | None:
    return _reference_from_cue(after, _CUE.search(after))


def _reference_from_cue(after: str, cue: re.Match[str] | None) -> tuple[ReferenceKind, str] | None:
    """The speaker named around `cue`, the first cue in `after` (the clause after a quote)."""
    if cue is None:
        return None
    if cue.group().lower() in _OBJECT_CUES:
        return _reference_after_cue(after[cue.end() :])
    subject = after[: cue.start()]
    if subject.strip(" ,\u00a0—–-"):
        return _reference_in_subject(subject)
    return _reference_after_cue(after[cue.end() :])


def _reference_from_before(before: str) -> tuple[ReferenceKind, str] | None:
    cues = list(_CUE.finditer(before))
    if not cues:
        return None
    cue = cues[-1]
    if cue.group().lower() in _OBJECT_CUES:
        return _reference_after_cue(before[cue.end() :])
    subject = _PARENTHESES.sub("", before[: cue.start()])
    names = _head_names(subject)
    if names:
        return ("name", names[-1].name)
    reference = reference_at(subject.split(",")[-1]) if subject.strip() else None
    if reference is not None:
        return reference
    return _reference_after_cue(before[cue.end() :])


def _stems(fragment: str) -> set[str]:
    """Content words by a six-letter prefix (a stemmer good enough for echo, in any language)."""
    return set(_STEM.findall(fragment.lower())) - _STOPWORDS


def _echoes(text: str, quotations: list[tuple[tuple[int, int], ...]]) -> list[float]:
    """For each quotation, the share of its content words that the rest of the article also
    uses (reporters paraphrase the line that matters): outside the quotations, or in another."""
    quote_stems = [_stems(" ".join(text[start:end] for start, end in parts)) for parts in quotations]
    # The stems of more than one quotation (set operations in C, not a Counter of every stem).
    seen: set[str] = set()
    shared: set[str] = set()
    for stems in quote_stems:
        shared |= seen & stems
        seen |= stems
    pieces, position = [], 0
    for start, end in sorted(span for parts in quotations for span in parts):
        pieces.append(text[position:start])
        position = max(position, end)
    pieces.append(text[position:])
    narrative = " ".join(pieces).lower()
    if narrative.isascii():
        # Every character but a-z (the only `_STEM` letters in ASCII) turned into a space, by one
        # byte translation: a stem then starts a word just where a space precedes it, and a
        # short one is the whole word just where a space follows too, so one substring test
        # per stem gives `_has_stem`'s answer.
        words = (" " + narrative + " ").encode("ascii").translate(_ASCII_LETTERS_ONLY).decode("ascii")
        return [
            (
                len(stems & shared)
                + sum(
                    1
                    for stem in stems - shared
                    if (" " + stem if len(stem) == _STEM_SIZE else " " + stem + " ") in words
                )
            )
            / len(stems)
            if stems
            else 0.0
            for stems in quote_stems
        ]
    return [
        (len(stems & shared) + sum(1 for stem in stems - shared if _has_stem(narrative, stem))) / len(stems)
        if stems
        else 0.0
        for stems in quote_stems
    ]


def _has_stem(lowered: str, stem: str) -> bool:
    """Whether `lowered` has a word with this `_STEM` stem: the same answer as looking the stem
    up among all the stems of `lowered`, by a string search for the few stems of the quotes
    instead (stemming the whole narrative was the costliest part of ranking). A stem starts a
    word (no `_STEM` letter before it), and one shorter than six letters is the whole word."""
    if stem not in lowered:
        return False
    size = len(stem)
    found = lowered.find(stem)
    while found >= 0:
        after = found + size
        if (found == 0 or lowered[found - 1] not in _STEM_LETTERS) and (
            size == _STEM_SIZE or after == len(lowered) or lowered[after] not in _STEM_LETTERS
        ):
            return True
        found = lowered.find(stem, found + 1)
    return False


def _score(text: str, parts: tuple[tuple[int, int], ...], speaker: str | None, echo: float) -> float:
    """How much a quotation carries the story: a full statement, by a named person, on its theme
    (measured by its echo in the rest of the article, so no title is needed)."""
    words = sum(_word_count(text[start:end]) for start, end in parts)
    # A full statement of two or three sentences reads best on a card; a one-line remark says
    # less, and a paragraph-long quote gets cut.
    if words < _FULL_STATEMENT_WORDS:
        length = words / _FULL_STATEMENT_WORDS
    elif words <= _LONG_QUOTE_WORDS:
        length = 1.0
    else:
        length = _LONG_QUOTE_WORDS / words
    position = parts[0][0] / max(len(text), 1)
    return round(length + 2.0 * echo + (0.5 if speaker else 0.0) - 0.3 * position, 6)


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Every direct quotation in `text`, in article order, as offsets with speaker and score."""
    pairs = _pairs(text)
    if not pairs:
        return []
    speech: list[_Speech] = []
    # Speakers named by a dash after the quote, by the quote's start offset (a rare format).
    bylines: dict[int, str] = {}
    # Most quote marks in running text follow a word ("the group “Kupyansk”"): unless that word
    # is a cue ("says “…”"), nothing can make them speech, so the work below skips them.
    candidates = [pair for pair in pairs if not _follows_a_word(text, pair)]
    for index, pair in enumerate(candidates):
        # The clause after a quote runs on past a quoted name (“…,” Bill Eastland, wearing
        # “Ted Cruz” pins, said) up to the next quote that could be speech.
        limit = candidates[index + 1].start if index + 1 < len(candidates) else len(text)
        before = _sentence_before(text, pair)
        after = _clause_after(text, pair, limit)
        # The cue after the quote is asked about several times below: look for it once.
        cue = _CUE.search(after)
        byline = _dash_byline(text, pair, before)
        if byline is not None:
            # The byline is the quote's cue and speaker at once.
            bylines[pair.start] = byline
            speech.append((pair, before, after, _SPEECH, cue))
            continue
        kind = _speech_kind(text, pair, before, after, cue)
        if kind != _NOT_SPEECH:
            speech.append((pair, before, after, kind, cue))
    if not speech:
        return []
    # Names are listed paragraph by paragraph back from each reference, only as far as needed:
    # listing every name in the article is the costly part.
    narrative = _NarrativeNames(text, [item[0] for item in speech])

    def speaker_of(reference: tuple[ReferenceKind, str], at: int) -> str | None:
        if not needs_mentions(reference):
            return resolve_latest_first(reference, tuple)
        surname = single_name_word(reference)
        if surname is not None and surname.isascii():
            # A surname resolves only to a full name that contains it: only the paragraphs
            # where the word is written need listing, found by a plain string search.
            key = surname.lower().strip(".,'")
            if key:
                return resolve_latest_first(reference, lambda: narrative.latest_first_with(at, key))
        return resolve_latest_first(reference, lambda: narrative.latest_first(at))

    groups: list[tuple[list[_Pair], str | None]] = []
    previous: _Pair | None = None
    # Whether the last quotation had a byline: its line ends with the name, so nothing after it
    # continues it or inherits its speaker.
    closed_by_byline = False
    for index, (pair, before, after, kind, cue) in enumerate(speech):
        byline = bylines.get(pair.start) if bylines else None
        if byline is not None:
            groups.append(([pair], speaker_of(("name", byline), pair.start)))
            previous, closed_by_byline = pair, True
            continue
        joined = (
            previous is not None
            and not closed_by_byline
            and _continues(text, previous, pair, cue is not None)
        )
        if joined and groups:
            groups[-1][0].append(pair)
        elif kind == _CONTINUATION:
            continue
        else:
            trailing = None if after.strip() else _trailing_reference(text, pair)
            reference = (
                _reference_from_cue(after, cue)
                or _reference_from_before(before)
                or _reference_from_colon(text, pair, before)
                or trailing
            )
            nearby = None
            if reference is None:
                following = speech[index + 1] if index + 1 < len(speech) else None
                reference = nearby = _nearby_reference(text, pair, following)
            speaker = speaker_of(reference, pair.start) if reference else None
            if speaker is None and reference is None and groups and not closed_by_byline:
                speaker = _previous_speaker(text, previous, pair, groups[-1])
            if (
                trailing is None
                and nearby is None
                and _is_unattributed(text, pair, before, after, cue, speaker=speaker)
            ):
                previous, closed_by_byline = None, False
                continue
            groups.append(([pair], speaker))
            closed_by_byline = False
        previous = pair

    quotations = [tuple((p.inner_start, p.inner_end) for p in members) for members, _ in groups]
    # One quotation has nothing to be ranked against: its echo is not worth the scan.
    echoes = _echoes(text, quotations) if len(groups) > 1 else [0.0] * len(groups)
    return [
        QuoteSpan(parts, speaker, _score(text, parts, speaker, echo))
        for parts, (_, speaker), echo in zip(quotations, groups, echoes, strict=True)
    ]


def _is_unattributed(
    text: str, pair: _Pair, before: str, after: str, cue: re.Match[str] | None, *, speaker: str | None
) -> bool:
    """A quote nobody is said to have said: no cue after it and no lead-in ("X said:", "X
    said, …") before it, either opening a sentence mid-paragraph (the tail of a paraphrase
    whose cue was in the sentence before) or standing alone with no speaker to inherit.
    Slogans, headlines and pull quotes look like this; a reader cannot use them as quotes."""
    if cue is not None or _SOURCE_TAG.match(after) is not None:
        return False
    lead_in = before.rstrip()
    if lead_in.endswith((":", ",")) or _ends_in_cue(before):
        return False
    # "Dianne Bystrom agreed. “…”": the sentence before is nothing but the quote's cue.
    if (
        lead_in.endswith(".")
        and _CUE_ENDS_SENTENCE.search(lead_in) is not None
        and not _QUOTE_MARK.search(lead_in)
    ):
        return False
    if text[pair.paragraph_start : pair.start].strip():
        return True
    if text[max(0, pair.paragraph_start - 3) : pair.paragraph_start].rstrip().endswith(":"):
        return False
    return speaker is None


def _trailing_reference(text: str, pair: _Pair) -> tuple[ReferenceKind, str] | None:
    """A cue in the sentence after a quote that closed its own: “… missing.” Trump said. — or
    the fact-check style attribution line under a quote paragraph: "- Bernie Sanders."."""
    rest = text[pair.end : pair.paragraph_end]
    if rest.strip():
        short = _SHORT_CUE_SENTENCE.match(rest)
        return _reference_from_after(short.group()) if short else None
    dash = _DASH_ATTRIBUTION.match(_next_paragraph(text, pair.paragraph_end).strip())
    if dash is None:
        return None
    names = find_names(dash.group(1))
    return ("name", names[0].name) if names else None


def _next_paragraph(text: str, paragraph_end: int) -> str:
    """The paragraph after the one ending at `paragraph_end`, past any blank lines (some
    sources separate paragraphs by one line break, others by an empty line)."""
    following = _NEXT_LINE.match(text, paragraph_end)
    return following.group(1) if following else ""


class _NarrativeNames:
    """People named in the narrative, listed on demand back from each reference and kept per
    paragraph: a name inside a quotation is not who a later "he" refers to. Paragraphs not yet
    listed are listed together, about `_NAME_BLOCK_CHARS` at a time (a call per short
    paragraph would cost more than the names). Listing finds only the capitalised runs (one
    regex pass); the name in a run is read out when a reference reaches it, latest first, so a
    pronoun resolved by the last full name before it costs one run, not the paragraph's."""

    def __init__(self, text: str, quotes: list[_Pair]) -> None:
        self._text = text
        self._quotes = quotes
        self._quote_starts = [quote.start for quote in quotes]
        self._by_paragraph: dict[int, list[tuple[int, str]]] = {}
        self._mentions: dict[int, NameMention | None] = {}
        self._lower: str | None = None

    def _latest_first_in(self, paragraph: int, before: int, word: str = "") -> Iterator[NameMention]:
        """The names of the listed paragraph at `paragraph` that end before offset `before`,
        latest first; with `word` (lower case), only those whose run holds it."""
        mentions = self._mentions
        for run_start, run in reversed(self._by_paragraph[paragraph]):
            # A name starts inside its run and is two characters or more: a run starting at
            # `before` or later cannot hold one that ends by then.
            if run_start >= before or (word and word not in run.lower()):
                continue
            if run_start in mentions:
                mention = mentions[run_start]
            else:
                mention = mentions[run_start] = mention_in_run(self._text, run_start, run, people_only=True)
            if mention is not None and mention.end <= before:
                yield mention

    def latest_first(self, before: int) -> Iterator[NameMention]:
        """The names that end before offset `before`, nearest first."""
        start = self._text.rfind("\n", 0, before) + 1
        while True:
            if start not in self._by_paragraph:
                self._list_back_from(start)
            yield from self._latest_first_in(start, before)
            if start == 0:
                return
            start = self._text.rfind("\n", 0, start - 1) + 1

    def latest_first_with(self, before: int, word: str) -> Iterator[NameMention]:
        """The names that end before offset `before`, nearest first, of those that can hold the
        lower-case `word`: from only the paragraphs where it is written, and there from only
        the runs that hold it (a name holding it can be nowhere else)."""
        lowered = self._lowered()
        if lowered is None:
            yield from self.latest_first(before)
            return
        found = lowered.rfind(word, 0, before)
        while found >= 0:
            start = self._text.rfind("\n", 0, found) + 1
            if not follows_name_word(self._text, found):
                found = lowered.rfind(word, 0, found)
                continue
            if start not in self._by_paragraph:
                # Only this paragraph: the ones before it need listing only if they hold the word.
                self._list_back_from(start, block_chars=0)
            # A full name holding the word is written in a run that holds it: other runs
            # need not be read.
            yield from self._latest_first_in(start, before, word)
            if start == 0:
                return
            found = lowered.rfind(word, 0, start - 1)

    def _lowered(self) -> str | None:
        """The text in lower case, offset for offset; None when lower-casing a letter ("İ")
        lengthened it and offsets would no longer agree."""
        if self._lower is None:
            lowered = self._text.lower()
            self._lower = lowered if len(lowered) == len(self._text) else ""
        return self._lower or None

    def _list_back_from(self, start: int, block_chars: int = _NAME_BLOCK_CHARS) -> None:
        """List the paragraph at `start` and the unlisted ones before it, up to `block_chars`."""
        end = self._text.find("\n", start)
        end = len(self._text) if end < 0 else end
        starts = [start]
        while starts[0] > 0 and end - starts[0] < block_chars:
            previous = self._text.rfind("\n", 0, starts[0] - 1) + 1
            if previous in self._by_paragraph:
                break
            starts.insert(0, previous)
        spans, position = [], starts[0]
        for index in range(bisect_left(self._quote_starts, starts[0]), len(self._quotes)):
            quote = self._quotes[index]
            if quote.start >= end:
                break
            if quote.start > position:
                spans.append((position, quote.start))
            position = max(position, quote.end)
        if position < end:
            spans.append((position, end))
        for paragraph in starts:
            self._by_paragraph[paragraph] = []
        if spans:
            # A run never crosses a line break, so it belongs to the paragraph it starts in.
            for run in name_runs(self._text, people_only=True, spans=spans):
                self._by_paragraph[starts[bisect_right(starts, run[0]) - 1]].append(run)


def _continues(text: str, previous: _Pair, pair: _Pair, has_cue: bool) -> bool:
    """Whether `pair` is a later part of the quotation before it, split by the cue.

    “A,” he said. “B.” and “A,” he said, “and B.” are one quotation; the second part must not
    have a cue of its own (“A.” He added, “B.” and “A,” he said. “B,” she said. are two).
    """
    if pair.paragraph_start != previous.paragraph_start:
        return _continues_next_paragraph(text, previous, pair, has_cue)
    between = text[previous.end : pair.start]
    if not between.strip() or _words_up_to(between, _BETWEEN_PARTS_WORDS) > _BETWEEN_PARTS_WORDS:
        return False
    if has_cue:
        return False
    # "… went even further: “B.”" — a colon introduces a quotation of its own.
    if between.rstrip().endswith(":"):
        return False
    boundaries = [m.end() for m in _SENTENCE_END.finditer(text, previous.end, pair.start + 1)]
    first_closed = _CLOSES_SENTENCE.search(text, previous.inner_start, previous.inner_end)
    if first_closed and _SPACE_THEN_CAPITAL.match(between):
        boundaries.insert(0, previous.end)
    # “A?” He answered, “B.” — a question closes its sentence when a capital follows.
    elif (
        _CLOSES_QUESTION.search(text, previous.inner_start, previous.inner_end)
        and _SPACE_THEN_CAPITAL.match(between)
        and _CUE_THEN_COMMA.search(between)
    ):
        return False
    if not boundaries:
        return len(_CUE.findall(between)) == 1
    if len(boundaries) > 2:
        return False
    own_prefix = text[boundaries[-1] : pair.start]
    cue_sentence = text[previous.end : boundaries[-1]]
    return _CUE.search(own_prefix) is None and _CUE.search(cue_sentence) is not None


def _continues_next_paragraph(text: str, previous: _Pair, pair: _Pair, has_cue: bool) -> bool:
    """A paragraph that is nothing but a quotation, without a cue, right after a paragraph that
    ends in a quotation continues it (news style gives each paragraph of a long quote its own
    opening mark; PolNeAR annotates them as one quotation)."""
    return (
        pair.start == pair.paragraph_start
        and pair.end >= pair.paragraph_end - 1
        and not text[previous.paragraph_end : pair.paragraph_start].strip()
        and not has_cue
    )


def _previous_speaker(
    text: str, previous: _Pair | None, pair: _Pair, group: tuple[list[_Pair], str | None]
) -> str | None:
    """A quote without a cue continues the speaker of the quote just before it, or, when it
    opens a paragraph, of the quotation in the paragraph before (a speech told in turns of
    quote and narration: “…,” Susan said as she turned around. / “But he’s ours!”)."""
    members, previous_speaker = group
    if previous is not None:
        gap = text[previous.end : pair.start]
        if _words_up_to(gap, _CUE_CLAUSE_WORDS) <= _CUE_CLAUSE_WORDS and len(_LINE_BREAKS.findall(gap)) <= 1:
            return previous_speaker
    if pair.start != pair.paragraph_start:
        return None
    last = members[-1]
    between = text[last.paragraph_end : pair.paragraph_start]
    return previous_speaker if not between.strip() else None


def _nearby_reference(text: str, pair: _Pair, following: _Speech | None) -> tuple[ReferenceKind, str] | None:
    """The speaker of a quote with no cue of its own, from the sentence next to it: a cue after
    the quote that follows at once (“A.” “B,” said X.), or a sentence just before it that ends
    in its cue ("Dianne Bystrom agreed. “…”", "X said in a statement. / “…”")."""
    if following is not None:
        next_pair, _, next_after, _, next_cue = following
        if next_pair.paragraph_start == pair.paragraph_start and not text[pair.end : next_pair.start].strip():
            reference = _reference_from_cue(next_after, next_cue)
            if reference is not None:
                return reference
    window = text[max(0, pair.start - _LOOK_BACK) : pair.start].rstrip()
    window = window[window.rfind("\n", 0, max(0, len(window) - 1)) + 1 :]
    boundaries = list(_SENTENCE_END.finditer(window))
    if not window or window[-1] not in ".:":
        return None
    sentence = window[boundaries[-1].end() :] if boundaries else window
    if _QUOTE_MARK.search(sentence) or not _CUE_ENDS_SENTENCE.search(sentence):
        return None
    return _reference_from_before(sentence)


def find_quotes(text: str) -> list[Quote]:
    """Every direct quotation in `text`, best first; parts of a split quotation stay together."""
    spans = find_quote_spans(text)
    ranked = sorted(range(len(spans)), key=lambda i: (-spans[i].score, i))
    return [
        Quote(text=text[start:end], speaker=spans[i].speaker) for i in ranked for start, end in spans[i].parts
    ]
