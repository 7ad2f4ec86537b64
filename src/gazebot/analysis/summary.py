"""The summary: two or three verbatim sentences that carry the story, in article order."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Sequence

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
_WORD = re.compile(r"\w+(?:[’']\w+)*")
_DIGIT = re.compile(r"\d")
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


def _content_words(text: str) -> frozenset[str]:
    """The sentence's content words, crudely stemmed (the first six letters: enough to match
    "profit" with "profits", language-blind)."""
    words = set(_WORD.findall(text.lower().replace("_", " ")))
    words -= _STOPWORDS
    return frozenset([word[:_STEM_LENGTH] for word in words if len(word) > 1])


def sentence_features(sentences: Sequence[Sentence], title: str = "") -> list[list[float]]:
    """One feature row per sentence, in the order of FEATURE_NAMES."""
    return [list(row) for row in _feature_rows(sentences, title, word_counts(sentences))]


def word_counts(sentences: Sequence[Sentence]) -> list[int]:
    """Each sentence's length in white-space separated words (also what reading time counts)."""
    return [len(sentence.text.split()) for sentence in sentences]


def _feature_rows(
    sentences: Sequence[Sentence], title: str, word_counts: Sequence[int]
) -> list[tuple[float, ...]]:
    count = len(sentences)
    bags = [_content_words(sentence.text) for sentence in sentences]
    title_bag = _content_words(title)
    # Degree centrality: each sentence's cosine similarities to the others (binary word
    # bags) summed, through word totals: sum_j |A&B_j|/(|A||B_j|)^0.5 is, word by word,
    # the sum over A's words of sum_j 1/|B_j|^0.5 over the other sentences holding it.
    # Linear in the words, where pairwise similarity would be quadratic in the sentences.
    inverse_norms = [1.0 / math.sqrt(len(bag)) if bag else 0.0 for bag in bags]
    word_weight: dict[str, float] = {}
    for bag, inverse in zip(bags, inverse_norms, strict=True):
        for word in bag:
            word_weight[word] = word_weight.get(word, 0.0) + inverse
    weight_of = word_weight.__getitem__
    centralities = [
        inverse * (sum(map(weight_of, bag)) - len(bag) * inverse)
        for bag, inverse in zip(bags, inverse_norms, strict=True)
    ]
    top_centrality = max(centralities, default=0.0) or 1.0
    title_size = len(title_bag)
    rows: list[tuple[float, ...]] = []
    previous_paragraph = -1
    for i, sentence in enumerate(sentences):
        text = sentence.text
        words = word_counts[i]
        rows.append(
            (
                1.0,
                1.0 if i == 0 else 0.0,
                1.0 / (i + 1),
                i / count,
                1.0 if sentence.paragraph != previous_paragraph else 0.0,
                math.log(words + 1),
                1.0 if words < 8 else 0.0,
                len(bags[i] & title_bag) / title_size if title_size else 0.0,
                centralities[i] / top_centrality,
                1.0 if _DIGIT.search(text) else 0.0,
                1.0 if _QUOTE_MARK.search(text) else 0.0,
                1.0 if text.rstrip("\"”»’' ").endswith("?") else 0.0,
            )
        )
        previous_paragraph = sentence.paragraph
    return rows


def _probabilities(sentences: Sequence[Sentence], title: str, word_counts: Sequence[int]) -> list[float]:
    """Each sentence's learnt chance of belonging in a reader's summary."""
    return [
        1.0 / (1.0 + math.exp(-sum(map(operator.mul, _WEIGHTS, row))))
        for row in _feature_rows(sentences, title, word_counts)
    ]


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
    shortlist = sorted(range(len(sentences)), key=lambda i: (-chances[i], i))[:_SHORTLIST]
    best = _best_set(shortlist, lengths, [lengths[i] * chances[i] for i in range(len(sentences))], budget)
    return tuple(sentences[i].text for i in sorted(best))


def _best_set(
    shortlist: Sequence[int], lengths: Sequence[int], worth: Sequence[float], budget: int
) -> tuple[int, ...]:
    """The pair or triple from `shortlist` (in its order, first found among equals) of the most
    worth within `budget` words, else the single best sentence that fits, else the first.

    Pairs are tried before triples, as itertools.combinations would give them; a pair over
    the budget rules out every triple that holds it."""
    best: tuple[int, ...] = (shortlist[0],)
    best_value = -1.0
    size = len(shortlist)
    fitting_pairs: list[tuple[int, int, int, float]] = []
    for a in range(size):
        first = shortlist[a]
        for b in range(a + 1, size):
            second = shortlist[b]
            words = lengths[first] + lengths[second]
            if words > budget:
                continue
            value = worth[first] + worth[second]
            fitting_pairs.append((b, first, second, value))
            if value > best_value:
                best, best_value = (first, second), value
    for b, first, second, pair_value in fitting_pairs:
        room = budget - lengths[first] - lengths[second]
        for c in range(b + 1, size):
            third = shortlist[c]
            if lengths[third] <= room and pair_value + worth[third] > best_value:
                best, best_value = (first, second, third), pair_value + worth[third]
    if best_value >= 0:
        return best
    # No two fit: a single sentence, the one worth most among those within the budget.
    for index in shortlist:
        if lengths[index] <= budget and worth[index] > best_value:
            best, best_value = (index,), worth[index]
    return best
