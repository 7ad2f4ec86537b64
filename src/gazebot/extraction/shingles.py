"""The Article Extraction Benchmark's score: token 4-gram shingle precision, recall and F1.

This reproduces scrapinghub/article-extraction-benchmark's ``evaluate.py`` exactly, so figures
compare with theirs and with trafilatura's published ones:

* tokens are the matches of the regex ``\\w+`` (Unicode word characters), case kept as written;
* a text's shingles are the multiset (counts, not a set) of its consecutive 4-token tuples; a text
  with fewer than 4 tokens has one shingle, all its tokens; an empty text has none;
* per page, with ``true`` the gold body and ``pred`` the extraction, over every shingle:
  TP += min(true count, pred count), FP += excess in pred, FN += excess in true; the three are
  then divided by their sum so that long pages weigh no more than short ones;
* per page precision = TP / (TP + FP) and recall = TP / (TP + FN), both 1 when FP = FN = 0 and 0
  when there is nothing to match; pages with TP + FP = 0 are left out of the mean precision and
  pages with TP + FN = 0 out of the mean recall;
* corpus precision and recall are the means of the per-page values, and corpus F1 is the
  harmonic mean of those two means (not the mean of per-page F1s).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

SHINGLE_SIZE = 4
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PageMatch:
    """One page's shingle counts, normalised to sum to 1."""

    true_positive: float
    false_positive: float
    false_negative: float

    @property
    def precision(self) -> float:
        """Share of the extracted shingles that are in the gold text."""
        if self.false_positive == self.false_negative == 0:
            return 1.0
        if self.true_positive == self.false_positive == 0:
            return 0.0
        return self.true_positive / (self.true_positive + self.false_positive)

    @property
    def recall(self) -> float:
        """Share of the gold shingles that were extracted."""
        if self.false_positive == self.false_negative == 0:
            return 1.0
        if self.true_positive == self.false_negative == 0:
            return 0.0
        return self.true_positive / (self.true_positive + self.false_negative)


@dataclass(frozen=True, slots=True)
class CorpusScore:
    """Mean precision, mean recall and their harmonic mean over a set of pages."""

    precision: float
    recall: float
    f1: float


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """The text's token shingles with their counts."""
    tokens = _TOKEN.findall(text)
    return Counter(
        tuple(tokens[start : start + size]) for start in range(max(1, len(tokens) - size + 1)) if tokens
    )


def match_page(true: str, predicted: str) -> PageMatch:
    """How the extraction's shingles overlap the gold text's, normalised per page."""
    gold, extracted = shingles(true), shingles(predicted)
    true_positive = sum((gold & extracted).values())
    false_positive = sum((extracted - gold).values())
    false_negative = sum((gold - extracted).values())
    total = true_positive + false_positive + false_negative
    if total == 0:
        return PageMatch(0.0, 0.0, 0.0)
    return PageMatch(true_positive / total, false_positive / total, false_negative / total)


def score_corpus(matches: Iterable[PageMatch]) -> CorpusScore:
    """The benchmark's corpus figures from per-page matches."""
    pages = list(matches)
    precisions = [page.precision for page in pages if page.true_positive + page.false_positive > 0]
    recalls = [page.recall for page in pages if page.true_positive + page.false_negative > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return CorpusScore(precision, recall, f1)
