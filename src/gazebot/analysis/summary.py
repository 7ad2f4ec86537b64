"""The summary: two or three verbatim sentences that carry the story, in article order."""

from __future__ import annotations

import math
import operator
import re
import string
from collections.abc import Sequence
from itertools import accumulate, filterfalse, repeat

from gazebot.analysis.text import Sentence

__all__ = ["FEATURE_NAMES", "WORD_BUDGET", "sentence_features", "summarize", "word_counts"]


def _word_set(words: str) -> frozenset[str]:
    """A constant word list written as white-space separated text."""
    return frozenset(words.split())


WORD_BUDGET = 75
MIN_SENTENCES = 2
MAX_SENTENCES = 3
# Only the likeliest sentences are combined: enough for the best set, cheap to search.
_SHORTLIST = 10

_STEM_LENGTH = 6
# Underscores are blanked before the scan ("___" separators are no word): `\w` then reads as
# `[^\W_]`, and scans twice as fast.
# Words (\w+ joined by apostrophes) longer than one character, all a bag keeps: a
# one-character word stands alone, so leaving it out changes no other match.
_LONG_WORD = re.compile(r"\w(?=\w|[’']\w)\w*(?:[’']\w+)*")
_STEM = operator.itemgetter(slice(_STEM_LENGTH))
# For ASCII text, byte by byte: letters (lower-cased), digits, apostrophes and newlines kept,
# all else blanked. (bytes.translate reads a 256-byte table; str.translate is eight times
# slower, and slower still when anything in the text is not ASCII.)
_ASCII_WORD_CHARACTERS = string.ascii_lowercase + string.digits + "'\n"
_ASCII_WORD_BYTES = bytes(
    ord(chr(byte).lower()) if chr(byte).lower() in _ASCII_WORD_CHARACTERS else ord(" ") for byte in range(256)
)
_NOT_DIGIT_OR_NEWLINE = bytes(byte for byte in range(256) if chr(byte) not in string.digits + "\n")
# An apostrophe joins a word only between two word characters.
_LONE_APOSTROPHE = re.compile(r"'(?:(?<![a-z0-9]')|(?![a-z0-9]))")
_DIGIT = re.compile(r"\d")
_TEXT_OF = operator.attrgetter("text")
# What str.split() takes for white space in ASCII, besides the space.
_ASCII_SPACES_BUT_SPACE = "".join(
    character for character in map(chr, range(128)) if character.isspace() and character != " "
)
_QUOTE_MARK = re.compile(r"[\"“”«»„]")

# Function words carry no topic: left out of overlap and centrality (English and Ukrainian).
_STOPWORDS = _word_set(
    """
    a an the and or but if of to in on at by for with from as is are was were be been being
    it its it's this that these those he she they we i you his her their our my your him them
    us me not no so than then there here what which who whom whose when where why how all any
    each some such more most other also only just into over after before about up out would
    will can could should may might must shall has have had do does did said says say told
    one two new last first year years mr mrs ms
    і й та а але що як це в у на з із зі до від по за для про при під над не ні чи же би б
    він вона вони воно ми ви я його її їх їхній цей ця ці той та те також вже ще був була було
    були є буде бути може сказав заявив
    """
)
# One-character words are no content words either (the ASCII ones: those split() yields).
_ASCII_STOPWORDS_AND_LETTERS = _STOPWORDS | frozenset(string.ascii_lowercase + string.digits)

FEATURE_NAMES = (
    "bias",
    "first",
    "inverse_position",
    "relative_position",
    "paragraph_opening",
    "log_words",
    "short",
    "title_overlap",
    "centrality",
    "has_number",
    "quotation",
    "question",
)

# Logistic weights learnt on half of the BBC News Summary development split (label: the
# sentence is in the reference summary), checked on the other half; see bench/summaries.py.
_WEIGHTS = (
    -1.87,  # bias
    0.13,  # first
    0.07,  # inverse_position
    -0.13,  # relative_position
    0.22,  # paragraph_opening
    0.01,  # log_words
    -0.12,  # short
    0.59,  # title_overlap
    2.72,  # centrality
    0.07,  # has_number
    -0.35,  # quotation
    0.00,  # question
)
(
    _W_BIAS,
    _W_FIRST,
    _W_INVERSE_POSITION,
    _W_RELATIVE_POSITION,
    _W_PARAGRAPH_OPENING,
    _W_LOG_WORDS,
    _W_SHORT,
    _W_TITLE_OVERLAP,
    _W_CENTRALITY,
    _W_HAS_NUMBER,
    _W_QUOTATION,
    _W_QUESTION,
) = _WEIGHTS


def _content_words(text: str) -> set[str]:
    """The text's content words, crudely stemmed (the first six letters: enough to match
    "profit" with "profits", language-blind)."""
    if text.isascii():
        return _ascii_bag(_ascii_words(text))
    words = _LONG_WORD.findall(text.lower().replace("_", " "))
    return set(map(_STEM, filterfalse(_STOPWORDS.__contains__, words)))


def _ascii_words(text: str) -> str:
    """The text lower-cased with every character that is not part of a word blanked (newlines
    kept), so that `str.split` reads, in its ASCII lines, the words `_LONG_WORD` would find
    and the one-letter ones (splitting is four times faster than a regex scan, which pays per
    match). Other characters are blanked too: a line that held any is to be read otherwise."""
    blanked = text.encode("ascii", "replace").translate(_ASCII_WORD_BYTES).decode("ascii")
    return _LONE_APOSTROPHE.sub(" ", blanked) if "'" in blanked else blanked


def _ascii_bag(words: str) -> set[str]:
    """The stems of the content words of `_ascii_words` output."""
    return set(map(_STEM, filterfalse(_ASCII_STOPWORDS_AND_LETTERS.__contains__, words.split())))


def _read_sentences(texts: Sequence[str]) -> tuple[list[set[str]], list[bool], list[bool]]:
    """Each text's `_content_words`, whether it holds a digit and whether a double quote mark.

    The ASCII texts are read together: joined by newlines (no prepared sentence holds one;
    checked, for sentences made by hand), blanked for splitting in one call, and their digits
    kept alone in another, so that a regex search per sentence is left to the others."""
    joined = "\n".join(texts).encode("ascii", "replace")
    blanked = joined.translate(_ASCII_WORD_BYTES).decode("ascii")
    parts = (_LONE_APOSTROPHE.sub(" ", blanked) if "'" in blanked else blanked).split("\n")
    if len(parts) != len(texts):
        return (
            [_content_words(text) for text in texts],
            [bool(_DIGIT.search(text)) for text in texts],
            [bool(_QUOTE_MARK.search(text)) for text in texts],
        )
    digit_runs = joined.translate(None, _NOT_DIGIT_OR_NEWLINE).split(b"\n")
    if all(map(str.isascii, texts)):
        is_stop_word = _ASCII_STOPWORDS_AND_LETTERS.__contains__  # `_ascii_bag`, inlined
        return (
            [set(map(_STEM, filterfalse(is_stop_word, part.split()))) for part in parts],
            list(map(bool, digit_runs)),
            ['"' in text for text in texts],
        )
    bags: list[set[str]] = []
    has_digit: list[bool] = []
    has_quote_mark: list[bool] = []
    for text, part, digits in zip(texts, parts, digit_runs, strict=True):
        if text.isascii():
            bags.append(_ascii_bag(part))
            has_digit.append(bool(digits))
            has_quote_mark.append('"' in text)
        else:
            bags.append(_content_words(text))
            has_digit.append(bool(_DIGIT.search(text)))
            has_quote_mark.append(bool(_QUOTE_MARK.search(text)))
    return bags, has_digit, has_quote_mark


def _centralities(bags: Sequence[set[str]]) -> list[float]:
    """Degree centrality: each sentence's cosine similarities to the others (binary word
    bags) summed, through word totals: sum_j |A&B_j|/(|A||B_j|)^0.5 is, word by word, the
    sum over A's words of sum_j 1/|B_j|^0.5 over the other sentences holding it. Linear in
    the words, where pairwise similarity would be quadratic in the sentences."""
    inverse_norms = [1.0 / math.sqrt(len(bag)) if bag else 0.0 for bag in bags]
    word_weight: dict[str, float] = {}
    get_weight = word_weight.get
    for bag, inverse in zip(bags, inverse_norms, strict=True):
        for word in bag:
            word_weight[word] = get_weight(word, 0.0) + inverse
    weight_of = word_weight.__getitem__
    return [
        inverse * (sum(map(weight_of, bag)) - len(bag) * inverse)
        for bag, inverse in zip(bags, inverse_norms, strict=True)
    ]


def sentence_features(sentences: Sequence[Sentence], title: str = "") -> list[list[float]]:
    """One feature row per sentence, in the order of FEATURE_NAMES."""
    lengths = word_counts(sentences)
    bags, has_digit, has_quote_mark = _read_sentences([sentence.text for sentence in sentences])
    title_bag = _content_words(title)
    centralities = _centralities(bags)
    top_centrality = max(centralities, default=0.0) or 1.0
    count = len(sentences)
    title_size = len(title_bag)
    rows: list[list[float]] = []
    previous_paragraph = -1
    for i, sentence in enumerate(sentences):
        text = sentence.text
        words = lengths[i]
        rows.append(
            [
                1.0,
                1.0 if i == 0 else 0.0,
                1.0 / (i + 1),
                i / count,
                1.0 if sentence.paragraph != previous_paragraph else 0.0,
                math.log(words + 1),
                1.0 if words < 8 else 0.0,
                len(bags[i] & title_bag) / title_size if title_size else 0.0,
                centralities[i] / top_centrality,
                1.0 if has_digit[i] else 0.0,
                1.0 if has_quote_mark[i] else 0.0,
                1.0 if text.rstrip("\"”»’' ").endswith("?") else 0.0,
            ]
        )
        previous_paragraph = sentence.paragraph
    return rows


def word_counts(sentences: Sequence[Sentence]) -> list[int]:
    """Each sentence's length in white-space separated words (also what reading time counts)."""
    texts = list(map(_TEXT_OF, sentences))
    spaced = " ".join(texts)
    if (
        "  " not in spaced
        and spaced[:1] != " "
        and spaced[-1:] != " "
        and "" not in texts
        and not any(map(spaced.__contains__, _ASCII_SPACES_BUT_SPACE))
    ):
        # Single-spaced words and no other white space (in ASCII, checked above; elsewhere
        # every white-space character but the space is unprintable): one word more than
        # spaces, counted without making the words.
        if spaced.isascii():
            return list(map(operator.add, map(str.count, texts, repeat(" ")), repeat(1)))
        return [
            text.count(" ") + 1 if text.isascii() or text.isprintable() else len(text.split())
            for text in texts
        ]
    return [len(text.split()) for text in texts]


def _probabilities(sentences: Sequence[Sentence], title: str, lengths: Sequence[int]) -> list[float]:
    """Each sentence's learnt chance of belonging in a reader's summary: the logistic of
    _WEIGHTS . sentence_features, its terms added in the same order.

    Fused rather than built as rows: a feature that is 0 adds nothing (x + 0.0 == x), one
    that is 1 adds its weight."""
    bags, has_digit, has_quote_mark = _read_sentences([sentence.text for sentence in sentences])
    title_bag = _content_words(title)
    title_size = len(title_bag)
    centralities = _centralities(bags)
    top_centrality = max(centralities, default=0.0) or 1.0
    count = len(sentences)
    log = math.log
    exp = math.exp
    chances: list[float] = []
    previous_paragraph = -1
    for i, (sentence, words, bag, centrality, digit, quote_mark) in enumerate(
        zip(sentences, lengths, bags, centralities, has_digit, has_quote_mark, strict=True)
    ):
        score = _W_BIAS + _W_FIRST if i == 0 else _W_BIAS
        score += _W_INVERSE_POSITION * (1.0 / (i + 1))
        score += _W_RELATIVE_POSITION * (i / count)
        if sentence.paragraph != previous_paragraph:
            score += _W_PARAGRAPH_OPENING
            previous_paragraph = sentence.paragraph
        score += _W_LOG_WORDS * log(words + 1)
        if words < 8:
            score += _W_SHORT
        if title_size:
            score += _W_TITLE_OVERLAP * (len(bag & title_bag) / title_size)
        score += _W_CENTRALITY * (centrality / top_centrality)
        if digit:
            score += _W_HAS_NUMBER
        if quote_mark:
            score += _W_QUOTATION
        if _W_QUESTION and sentence.text.rstrip("\"”»’' ").endswith("?"):
            score += _W_QUESTION
        chances.append(1.0 / (1.0 + exp(-score)))
    return chances


def summarize(
    sentences: Sequence[Sentence],
    title: str = "",
    budget: int = WORD_BUDGET,
    lengths: Sequence[int] | None = None,
) -> tuple[str, ...]:
    """The two or three sentences, at most `budget` words together, that carry the most
    summary-worthy words, in article order (one when no two fit).

    Among the likeliest sentences, the chosen set maximises the expected number of words a
    reader's summary would share with it (each sentence's words times its probability), so a
    short card still fills its budget; a lone sentence longer than the budget is given only
    when nothing else fits, since a card needs something to say. `lengths`, if given, is
    `word_counts(sentences)` already counted by the caller."""
    if not sentences:
        return ()
    if lengths is None:
        lengths = word_counts(sentences)
    chances = _probabilities(sentences, title, lengths)
    # Most likely first; a stable sort keeps equals in article order, also when reversed.
    shortlist = sorted(range(len(sentences)), key=chances.__getitem__, reverse=True)[:_SHORTLIST]
    best = _best_set(shortlist, lengths, list(map(operator.mul, lengths, chances)), budget)
    return tuple(sentences[i].text for i in sorted(best))


def _best_set(
    shortlist: Sequence[int], lengths: Sequence[int], worth: Sequence[float], budget: int
) -> tuple[int, ...]:
    """The pair or triple from `shortlist` (in its order, first found among equals) of the most
    worth within `budget` words, else the single best sentence that fits, else the first.

    Pairs are tried before triples, as itertools.combinations would give them; a pair over
    the budget rules out every triple that holds it, and a pair that no later sentence fits
    or that even the worthiest later sentence cannot lift above the best so far is not
    extended."""
    best: tuple[int, ...] = (shortlist[0],)
    best_value = -1.0
    size = len(shortlist)
    short_lengths = [lengths[index] for index in shortlist]
    short_worth = [worth[index] for index in shortlist]
    # From each position on: the most worth, and the fewest words, of any shortlisted sentence.
    most_worth_from = [*accumulate([-math.inf, *reversed(short_worth)], max)][::-1]
    fewest_words_from = [*accumulate([budget + 1, *reversed(short_lengths)], min)][::-1]
    # Pairs kept for the triples: those with room for a third that could beat the best pair
    # so far (the best only grows, and adding never lowers a float sum's rounding).
    extensible_pairs: list[tuple[int, int, float, int]] = []
    for a in range(size):
        first_length, first_worth = short_lengths[a], short_worth[a]
        for b in range(a + 1, size):
            words = first_length + short_lengths[b]
            if words > budget:
                continue
            value = first_worth + short_worth[b]
            if value > best_value:
                best, best_value = (shortlist[a], shortlist[b]), value
            room = budget - words
            if room >= fewest_words_from[b + 1] and value + most_worth_from[b + 1] > best_value:
                extensible_pairs.append((a, b, value, room))
    for a, b, pair_value, room in extensible_pairs:
        if pair_value + most_worth_from[b + 1] <= best_value:
            continue
        for c in range(b + 1, size):
            if short_lengths[c] <= room and pair_value + short_worth[c] > best_value:
                best, best_value = (shortlist[a], shortlist[b], shortlist[c]), pair_value + short_worth[c]
    if best_value >= 0:
        return best
    # No two fit: a single sentence, the one worth most among those within the budget.
    for index in shortlist:
        if lengths[index] <= budget and worth[index] > best_value:
            best, best_value = (index,), worth[index]
    return best
