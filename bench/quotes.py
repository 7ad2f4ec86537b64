"""Benchmark direct-quote detection and speaker attribution on PolNeAR, beside a naive baseline.

Run from the project root:

    python bench/quotes.py --corpora ../shared/corpora            # the dev split (reported figure)
    python bench/quotes.py --split train --errors 40              # learn from train: show misses

What it measures
----------------
Corpus: `quotes/polnear/<split>` (BRAT standoff). Some articles were annotated by several
annotators (`<article>_<annotator>.ann`); the first annotator in name order is used, so every
article counts once.

Gold quotes: every attribution Content whose first span starts with a quote mark (", “, ”, «,
„, ‘, ') — PolNeAR's direct quotes — or starts with a letter right after an opening mark (18
train spans leave out the mark they follow).

How PolNeAR annotates them, and what we match (learnt from train):
- A quote split by its cue (“First part,” he said. “Second part.”) is one Content of several
  spans, so the whole Content is one gold quote; our unit is likewise one quotation with all its
  parts (`find_quote_spans`).
- A paragraph that is nothing but a cue-less quote, right after a paragraph ending in a quote,
  is usually the same Content (66 of 71 times in train); a second part with its own cue ("He
  added, “…”") is a separate Content.
- Partial quotes inside a paraphrase (`called the plan “a disaster”`) belong to a Content that
  starts with a word, so they are not gold direct quotes, and a system that reports them pays in
  precision. Likewise a quoted fragment the reporter carries on (`“…” if she lost`) is part of a
  longer Content that no quote extractor can return verbatim.
- A vox-pop list (“…” ― Sonya Herridge, one quote per line) annotates each line's quote as a
  Content whose Source is the name after the dash; the format is in dev (24 quotes in one
  article) but not in train.
- The annotation is not complete: some quotes with a cue are not annotated at all, and some
  annotated ones are chants, sign texts and single words that the spec says are not quotes.
  A quote opening a paragraph with no cue, lead-in or quote before it to continue ("…, Clinton
  said." / “And that is why …”) is annotated 9 times in 42 in train; a quote after "said
  that" once in 44.

Normalisation for a match: a quote's key is the sequence of its words (runs of letters and
digits), case-folded, over all its parts in order — so quote marks, punctuation and whitespace
anywhere do not count (annotators' spans sometimes drop a sentence's full stop between parts).
A predicted quote matches a gold quote of the same article when the keys are equal (one-to-one).
Precision = matched / predicted, recall = matched / gold, F1 their harmonic mean.

Speaker accuracy: over matched gold quotes whose Source is a name — the Source's head (the text
before its first comma, and before " of " when a name of two words or more precedes it:
"Gov. Terry E. Branstad of Iowa") starts with a capital letter and is not a pronoun or a
"The/A …" description — the share whose predicted speaker's last word equals the Source head's last word
(the surname; "Mr.", "Jr." and parenthesised party tags dropped, case-insensitive). A quote
whose speaker we leave as None counts as wrong.

Peer: a naive baseline run on the same articles — every span between matching quote marks is a
quote, and its speaker is the nearest capitalised word run before the nearest cue word (after the
quote in its sentence, else before it).

Speed: median time of `find_quotes` per article (best of five runs each) over the split's
articles of 300–500 words (a typical news article, though PolNeAR's are quote-dense), and the
baseline's, in the same run; and on the seed article (`../seed`, beside the corpora). The
machine is shared: re-run when it is quiet before quoting a figure.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gazebot.analysis.quotes import find_quote_spans, find_quotes


def _word_set(words: str) -> frozenset[str]:
    """A constant set from a whitespace-separated word list (easier to read than a literal)."""
    return frozenset(words.split())


PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUOTE_MARKS = "\"“”«»„‘’'"
OPENING_MARKS = "\"“«„‘'"
WORD = re.compile(r"[^\W_]+")
NOT_NAME_HEADS = _word_set(
    "he she they it we i you his her their its this that these those the a an one some "
    "who which both many most"
)


@dataclass(frozen=True)
class GoldQuote:
    parts: tuple[tuple[int, int], ...]
    source: str | None


@dataclass(frozen=True)
class Article:
    name: str
    text: str
    gold: tuple[GoldQuote, ...]


def normalise(text: str, parts: tuple[tuple[int, int], ...]) -> str:
    """The match key of a quote: its words in order, case-folded, without quote marks or punctuation."""
    return " ".join(word.casefold() for start, end in parts for word in WORD.findall(text[start:end]))


def load(split_dir: Path) -> list[Article]:
    articles = []
    seen: set[str] = set()
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        name = re.sub(r"_[0-9a-f]+$", "", ann.stem)
        if name in seen:
            continue
        seen.add(name)
        text = (split_dir / "text" / f"{name}.txt").read_text(encoding="utf-8")
        spans: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {}
        events = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if re.fullmatch(r"T\d+", fields[0]) and len(fields) >= 2:
                kind, _, offsets = fields[1].partition(" ")
                parts = tuple(sorted((int(a), int(b)) for a, b in (c.split() for c in offsets.split(";"))))
                spans[fields[0]] = (kind, parts)
            elif re.fullmatch(r"E\d+", fields[0]) and len(fields) >= 2:
                events.append(dict(arg.split(":", 1) for arg in fields[1].split()))
        gold = []
        for event in events:
            content = spans.get(event.get("Content", ""))
            if content is None:
                continue
            parts = content[1]
            first = parts[0][0]
            opens_with_mark = text[first : parts[0][1]].lstrip()[:1] in QUOTE_MARKS
            # A few spans leave out the opening mark they follow (an off-by-one in the corpus).
            follows_mark = first > 0 and text[first - 1] in OPENING_MARKS and text[first].isalnum()
            if not (opens_with_mark or follows_mark):
                continue
            source_span = spans.get(event.get("Source", ""))
            source = " ".join(text[a:b] for a, b in source_span[1]) if source_span is not None else None
            gold.append(GoldQuote(parts, source))
        articles.append(Article(name, text, tuple(gold)))
    return articles


def surname(name: str) -> str | None:
    words = [w.strip(".,’'") for w in name.split() if w.strip(".,").lower() not in {"jr", "sr"}]
    words = [w.removesuffix("’s").removesuffix("'s") for w in words if w]
    return words[-1].casefold() if words else None


def gold_name(source: str | None) -> str | None:
    """The gold Source when it is a name (see the module docstring), else None."""
    if not source:
        return None
    head = re.sub(r"\([^)]*\)", "", source).strip().split(",")[0].strip()
    if not head[:1].isupper() or head.split()[0].lower() in NOT_NAME_HEADS:
        return None
    # "Gov. Terry E. Branstad of Iowa" is Branstad ("Secretary of State John Kerry" is Kerry).
    person, of, _ = head.partition(" of ")
    if of and len(person.split()) >= 2 and person.split()[-1][:1].isupper():
        return person
    return head


# --- naive baseline -------------------------------------------------------------------------
NAIVE_PAIR = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|«[^»\n]*»|„[^“\n]*“|‘[^’\n]*’|''(?:[^'\n]|'(?!'))*''")
NAIVE_CUE = re.compile(
    r"\b(?:said|says|told|noted|added|stressed|wrote|asked|explained|according to|continued)\b"
)
NAIVE_NAME = re.compile(r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")


def naive_spans(text: str) -> list[tuple[tuple[tuple[int, int], ...], str | None]]:
    found = []
    for match in NAIVE_PAIR.finditer(text):
        width = 2 if match.group().startswith("''") else 1
        inner = ((match.start() + width, match.end() - width),)
        sentence_end = re.search(r"[.!?](?:\s|$)|\n", text[match.end() :])
        stop = match.end() + (sentence_end.start() if sentence_end else 0)
        cue = NAIVE_CUE.search(text, match.end(), stop)
        if cue is None:
            line_start = text.rfind("\n", 0, match.start()) + 1
            before = list(NAIVE_CUE.finditer(text, line_start, match.start()))
            cue = before[-1] if before else None
        speaker = None
        if cue is not None:
            region_start = match.end() if cue.start() >= match.end() else 0
            names = list(NAIVE_NAME.finditer(text, region_start, cue.start()))
            if not names and cue.start() >= match.end():
                names = list(NAIVE_NAME.finditer(text, 0, match.start()))
            speaker = names[-1].group() if names else None
        found.append((inner, speaker))
    return found


# --- scoring --------------------------------------------------------------------------------
@dataclass
class Tally:
    predicted: int = 0
    gold: int = 0
    matched: int = 0
    named: int = 0
    named_right: int = 0

    def line(self, label: str) -> str:
        precision = self.matched / self.predicted if self.predicted else 0.0
        recall = self.matched / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        speaker = self.named_right / self.named if self.named else 0.0
        return (
            f"{label:<10} precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  "
            f"speaker accuracy {speaker:.3f} ({self.named_right}/{self.named} named)  "
            f"[{self.matched} matched, {self.predicted} predicted, {self.gold} gold]"
        )


System = Callable[[str], list[tuple[tuple[tuple[int, int], ...], str | None]]]


def ours(text: str) -> list[tuple[tuple[tuple[int, int], ...], str | None]]:
    return [(span.parts, span.speaker) for span in find_quote_spans(text)]


def evaluate(articles: list[Article], system: System, errors: int, label: str) -> Tally:
    tally = Tally()
    shown = 0
    for article in articles:
        predicted = system(article.text)
        tally.predicted += len(predicted)
        tally.gold += len(article.gold)
        pool: dict[str, list[str | None]] = {}
        for parts, speaker in predicted:
            pool.setdefault(normalise(article.text, parts), []).append(speaker)
        misses = []
        for gold in article.gold:
            key = normalise(article.text, gold.parts)
            speakers = pool.get(key)
            if not speakers:
                misses.append(key)
                continue
            speaker = speakers.pop(0)
            tally.matched += 1
            name = gold_name(gold.source)
            if name is not None:
                tally.named += 1
                if speaker and surname(speaker) == surname(name):
                    tally.named_right += 1
                elif shown < errors:
                    shown += 1
                    print(f"[{label} speaker] {article.name}: {key[:70]!r} gold={name!r} ours={speaker!r}")
        if shown < errors:
            for key in misses:
                shown += 1
                print(f"[{label} miss] {article.name}: {key[:110]!r}")
            for key, left in pool.items():
                for _ in left:
                    shown += 1
                    print(f"[{label} extra] {article.name}: {key[:110]!r}")
    return tally


def median_ms(articles: list[Article], run: Callable[[str], object]) -> float:
    timings = []
    for article in articles:
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            run(article.text)
            best = min(best, time.perf_counter() - start)
        timings.append(best * 1000)
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpora", type=Path, default=PROJECT_ROOT.parent / "shared" / "corpora")
    parser.add_argument("--split", default="dev", choices=["train", "dev", "test"])
    parser.add_argument("--errors", type=int, default=0, help="print up to N misses per system")
    args = parser.parse_args(argv)

    split_dir = args.corpora / "quotes" / "polnear" / args.split
    if not split_dir.is_dir():
        print(f"skipped: {split_dir} is absent")
        return 0
    articles = load(split_dir)
    print(
        f"PolNeAR {args.split}: {len(articles)} articles, "
        f"{sum(len(a.gold) for a in articles)} gold direct quotes"
    )
    print(evaluate(articles, ours, args.errors, "gazebot").line("gazebot"))
    print(evaluate(articles, naive_spans, args.errors, "naive").line("naive"))

    typical = [a for a in articles if 300 <= len(a.text.split()) <= 500] or articles
    print(
        f"speed on {len(typical)} articles of 300-500 words (median per article, best of 5): "
        f"gazebot find_quotes {median_ms(typical, find_quotes):.3f} ms, "
        f"naive {median_ms(typical, naive_spans):.3f} ms"
    )
    seed = args.corpora.parent / "seed" / "000_abead91fc19a55a8.txt"
    if seed.is_file():
        body = seed.read_text(encoding="utf-8").split("\n", 1)[1]
        seed_article = [Article("seed", body, ())]
        print(
            f"speed on the seed article ({len(body.split())} words): "
            f"gazebot find_quotes {median_ms(seed_article, find_quotes):.3f} ms, "
            f"naive {median_ms(seed_article, naive_spans):.3f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
