"""Benchmark Ukrainian figure finding: money, percent and quantity spans of NER-UK 2.0.

Run from the project root:

    python bench/figures_uk.py --corpora ../shared/corpora
    python bench/figures_uk.py --errors 40        # also list gold spans we miss

What it measures
----------------
Corpus: `uk/ner-uk` (BRAT: `*.txt` + `*.ann`, lines `T4<TAB>MON<TAB>178<TAB>190<TAB>7,08 млн грн`),
every text in `bruk/` and `ng/`. Gold spans: the tags MON (money), PCT (percent) and QUANT
(quantity). The texts are tokenised (spaces around punctuation: "200 тис . грн ."); we read them
as they are.

Recall: a gold span counts as found when one of `find_figures(text, "uk")`'s spans overlaps it
and agrees on the number. The gold's number is read independently of our parser from its first
numeral (digits with spaces for thousands and a decimal comma) times the scale word in the span
(тис/тисяч… 1e3, млн/мільйон… 1e6, млрд/мільярд… 1e9, трлн 1e12); ours agrees when equal to it
within a relative 1e-6, or equal to the bare numeral (the gold span "300 тис" read as 300 when we
only saw "300" would not agree; this second allowance is for spans where the annotators put the
scale outside the span). A gold span with no digits ("десять відсотків", "сорок кілометрів")
counts as found on overlap alone, since reading its number would need our own word parser.

Precision (for information only): the share of our spans that overlap a MON/PCT/QUANT span.
NER-UK does not tag plain counts ("200 людей") or other numbers, so this understates precision.

Speed: median milliseconds per call of `find_figures(text, "uk")` over the corpus texts of
300-500 words (one warm-up pass, then five timed passes).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

from gazebot.analysis.figures import find_figures

TAGS = ("MON", "PCT", "QUANT")
# A decimal comma may have a space after it: the corpus is tokenised ("129, 63 млн гривень").
_NUMERAL = re.compile(r"\d{1,3}(?:[ \u00a0]\d{3})+(?!\d)(?:,\d+)?|\d+(?:, ?\d+)?")
_SCALES = (("трлн", 1e12), ("трильйон", 1e12), ("млрд", 1e9), ("мільярд", 1e9), ("млн", 1e6),
           ("мільйон", 1e6), ("тис", 1e3))


def gold_numbers(span: str) -> list[float]:
    """The values the gold span can mean: scaled and bare; empty when it has no digits."""
    match = _NUMERAL.search(span)
    if match is None:
        return []
    bare = float(re.sub(r"[ \u00a0]", "", match.group(0)).replace(",", "."))
    lowered = span.lower()
    for stem, scale in _SCALES:
        if stem in lowered:
            return [bare * scale, bare]
    return [bare]


def agrees(value: float, numbers: list[float]) -> bool:
    return not numbers or any(
        abs(abs(value) - number) <= 1e-6 * max(abs(value), number) for number in numbers
    )


def read_gold(path: Path) -> list[tuple[str, int, int, str]]:
    gold = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) >= 5 and fields[1] in TAGS and fields[2].isdigit() and fields[3].isdigit():
            gold.append((fields[1], int(fields[2]), int(fields[3]), fields[4]))
    return gold


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    options.add_argument("--errors", type=int, default=0, help="list this many missed spans")
    args = options.parse_args()
    root = args.corpora / "uk" / "ner-uk"
    texts = sorted(root.glob("*/*.txt"))
    if not texts:
        print(f"corpus not found: {root} (skipping)")
        return 0
    found_by_tag = dict.fromkeys(TAGS, 0)
    gold_by_tag = dict.fromkeys(TAGS, 0)
    ours_total = ours_on_gold = 0
    missed: list[str] = []
    timed: list[str] = []
    for text_path in texts:
        ann_path = text_path.with_suffix(".ann")
        if not ann_path.exists():
            continue
        text = text_path.read_text(encoding="utf-8")
        gold = read_gold(ann_path)
        figures = find_figures(text, "uk")
        # Figure texts are verbatim: every place a figure's text occurs counts as one of its spans.
        spans = []
        for text_of_figure, value in {(f.text, f.value) for f in figures}:
            start = text.find(text_of_figure)
            while start >= 0:
                spans.append((start, start + len(text_of_figure), value))
                start = text.find(text_of_figure, start + 1)
        ours_total += len(figures)
        ours_on_gold += sum(
            1 for figure in figures
            if any(start < g_end and g_start < end and text[start:end] == figure.text
                   for start, end, _ in spans for _, g_start, g_end, _ in gold)
        )
        for tag, g_start, g_end, g_text in gold:
            gold_by_tag[tag] += 1
            numbers = gold_numbers(g_text)
            if any(start < g_end and g_start < end and agrees(value, numbers)
                   for start, end, value in spans):
                found_by_tag[tag] += 1
            else:
                context = text[max(0, g_start - 40):g_end + 30].replace("\n", " ")
                missed.append(f"  {tag} {g_text!r}  …{context}…")
        if 300 <= len(text.split()) <= 500:
            timed.append(text)
    total_gold = sum(gold_by_tag.values())
    total_found = sum(found_by_tag.values())
    print(f"NER-UK 2.0: {len(texts)} texts, {total_gold} MON/PCT/QUANT spans")
    for tag in TAGS:
        if gold_by_tag[tag]:
            print(f"  {tag:5} recall {found_by_tag[tag] / gold_by_tag[tag]:.3f} "
                  f"({found_by_tag[tag]}/{gold_by_tag[tag]})")
    print(f"  all   recall {total_found / total_gold:.3f}   target >= 0.80")
    if ours_total:
        print(f"  precision against those tags (information only): "
              f"{ours_on_gold / ours_total:.3f} ({ours_on_gold}/{ours_total})")
    for line in missed[:args.errors]:
        print(line)
    if timed:
        for text in timed:
            find_figures(text, "uk")  # warm-up pass
        samples = []
        for _ in range(5):
            for text in timed:
                started = time.perf_counter()
                find_figures(text, "uk")
                samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        print(f"Speed on {len(timed)} texts of 300-500 words: median "
              f"{statistics.median(samples):.3f} ms, p95 "
              f"{samples[int(0.95 * (len(samples) - 1))]:.3f} ms per call (budget 0.7)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
