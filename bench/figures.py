"""Benchmark figure finding on NewsQuant by value, with quantulum3 beside ours in the same run.

Run from the project root:

    python bench/figures.py --corpora ../shared/corpora
    python bench/figures.py --errors 40          # also show misses and false alarms (ours)

What it measures
----------------
Corpus: `figures/newsquant/NewsQuant-dev.json` — news sentences with every quantity annotated
(`value` is a number or a range "a-b"). Gold and predictions are compared by value alone,
sentence by sentence:

- tolerance: two values match when |a - b| <= 1e-6 * max(|a|, |b|) (exact for zero);
- a gold range matches on either end: it offers both ends, and each end can absorb one
  prediction (so "from 240 to 273" may be found as one range figure or as two numbers);
- a single gold value absorbs one prediction (one-to-one: "0.5 WAR" twice needs two finds);
- precision = predictions that matched a gold end / predictions; recall = gold quantities with
  at least one matched end / gold quantities.

Value conventions are NewsQuant's, which are also ours: a percentage is the number before the
sign (76% -> 76), scale words multiply ($1.13bn -> 1.13e9), fractions are ratios (two-thirds ->
0.667), vague plurals are ranges that start at their least ("dozens" 12-120, "hundreds of" 100).

Peer: quantulum3's `parser.parse` on the same sentences, valued by `Quantity.value`.

Speed: median (and p95) milliseconds per call of `find_figures` on BBC News articles of 300-500
words (`summaries/bbc/articles`, a typical news article): one warm-up pass, then three timed
passes over every article; quantulum3's on the first 50 of them (one timed pass: it is slow).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from quantulum3 import parser

from gazebot.analysis.figures import find_figures

_GOLD_VALUE = re.compile(
    r"^\s*(-?[\d.]+(?:[eE][-+]?\d+)?)\s*(?:-\s*(-?[\d.]+(?:[eE][-+]?\d+)?))?\s*$"
)


def gold_ends(value: str) -> list[float]:
    """The one or two ends of a NewsQuant value ("252.0-287.0" -> [252.0, 287.0])."""
    match = _GOLD_VALUE.match(value)
    if match is None:
        return []
    return [float(end) for end in match.groups() if end is not None]


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b))


def match_sentence(
    gold: list[list[float]], predicted: list[float]
) -> tuple[int, int, list[int], list[float]]:
    """(matched predictions, found gold quantities, indices of missed gold, unmatched predictions)."""
    absorbed: list[list[bool]] = [[False] * len(ends) for ends in gold]
    correct = 0
    unmatched: list[float] = []
    for value in predicted:
        best: tuple[int, int] | None = None
        for index, ends in enumerate(gold):
            for end_index, end in enumerate(ends):
                if absorbed[index][end_index] or not same_value(value, end):
                    continue
                # Prefer a gold quantity nothing has matched yet.
                if best is None or (any(absorbed[best[0]]) and not any(absorbed[index])):
                    best = (index, end_index)
        if best is None:
            unmatched.append(value)
        else:
            absorbed[best[0]][best[1]] = True
            correct += 1
    found = sum(1 for flags in absorbed if any(flags))
    missed = [index for index, flags in enumerate(absorbed) if not any(flags)]
    return correct, found, missed, unmatched


def evaluate(
    records: list[dict[str, object]], system: Callable[[str], list[float]], errors: int = 0
) -> tuple[float, float, int, int]:
    predicted_total = correct_total = gold_total = found_total = 0
    shown = 0
    for record in records:
        text = str(record["text"])
        quantities = record["quantities"]
        assert isinstance(quantities, list)
        gold = [gold_ends(str(quantity["value"])) for quantity in quantities]
        gold = [ends for ends in gold if ends]
        predicted = system(text)
        correct, found, missed, unmatched = match_sentence(gold, predicted)
        predicted_total += len(predicted)
        correct_total += correct
        gold_total += len(gold)
        found_total += found
        if errors and shown < errors and (missed or unmatched):
            shown += 1
            print(f"  {text}")
            for index in missed:
                print(f"    MISS {gold[index]}")
            for value in unmatched:
                print(f"    FALSE {value}")
    precision = correct_total / predicted_total if predicted_total else 0.0
    recall = found_total / gold_total if gold_total else 0.0
    return precision, recall, predicted_total, gold_total


def ours(text: str) -> list[float]:
    return [figure.value for figure in find_figures(text, "en")]


def quantulum(text: str) -> list[float]:
    try:
        return [float(quantity.value) for quantity in parser.parse(text)]
    except Exception:
        return []


def typical_articles(corpora: Path, limit: int) -> list[str]:
    articles: list[str] = []
    for path in sorted((corpora / "summaries" / "bbc" / "articles").glob("*/*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if 300 <= len(text.split()) <= 500:
            articles.append(text)
        if len(articles) >= limit:
            break
    return articles


def timing(
    system: Callable[[str], object], texts: list[str], passes: int = 3
) -> tuple[float, float]:
    """Median and p95 ms per call over `passes` passes on every text (after one warm-up pass)."""
    for text in texts:
        system(text)
    samples = []
    for _ in range(passes):
        for text in texts:
            started = time.perf_counter()
            system(text)
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    options.add_argument("--errors", type=int, default=0, help="show this many sentences we miss")
    options.add_argument("--articles", type=int, default=200, help="articles for the speed run")
    options.add_argument("--no-peer", action="store_true", help="skip quantulum3")
    args = options.parse_args()
    path = args.corpora / "figures" / "newsquant" / "NewsQuant-dev.json"
    if not path.exists():
        print(f"corpus not found: {path} (skipping)")
        return 0
    records = json.loads(path.read_text(encoding="utf-8"))
    warnings.filterwarnings("ignore")
    print(f"NewsQuant dev: {len(records)} sentences")
    precision, recall, predicted, gold = evaluate(records, ours, args.errors)
    print(f"  ours        precision {precision:.3f}  recall {recall:.3f}  "
          f"({predicted} found, {gold} gold)   targets: P >= 0.90, R >= 0.85")
    if not args.no_peer:
        precision, recall, predicted, gold = evaluate(records, quantulum)
        print(f"  quantulum3  precision {precision:.3f}  recall {recall:.3f}  "
              f"({predicted} found, {gold} gold)")
    articles = typical_articles(args.corpora, args.articles)
    if articles:
        median, p95 = timing(lambda text: find_figures(text, "en"), articles)
        print(f"Speed on {len(articles)} BBC articles of 300-500 words (ms per call):")
        print(f"  ours        median {median:.3f}  p95 {p95:.3f}   budget: median <= 0.7")
        if not args.no_peer:
            median, p95 = timing(quantulum, articles[:50], passes=1)
            print(f"  quantulum3  median {median:.3f}  p95 {p95:.3f}   (first 50 articles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
