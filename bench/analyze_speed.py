"""Time `analyze()` per BBC article, whole card and its stages, beside sumy LexRank.

Run from the project root:

    python bench/analyze_speed.py --corpora ../shared/corpora
    python bench/analyze_speed.py --repeat 5          # more rounds, steadier on a busy machine

What it measures
----------------
Corpus: `summaries/bbc` (743 articles). For each article, in one run and interleaved so both see
the same machine load:

- `analyze(body, title)`: the whole card (text preparation, summary, quotes, figures, topics,
  source line);
- our part alone: `prepare` + `summarize` + `find_topics` + outlet/via/language/reading time;
- `find_quotes` + `find_figures` on the prepared text (the rest of the card);
- sumy LexRank (3 sentences) on the same sentences from our splitter, built straight into sumy's
  document model (its sentence splitting is not timed; its word tokenising, stemming and
  ranking are).

Each article is timed `--repeat` times and its fastest time kept (the others are noise from
other processes); the table gives the median and 95th percentile over articles in
milliseconds, and how many times faster `analyze()` is than LexRank at the median.
Targets: `analyze()` median <= 3 ms, >= 5x faster than LexRank; our part <= 1.5 ms median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words

from gazebot.analysis import analyze
from gazebot.analysis.figures import find_figures
from gazebot.analysis.quotes import find_quotes
from gazebot.analysis.source import detect_language, find_outlet, find_via, reading_minutes
from gazebot.analysis.summary import summarize
from gazebot.analysis.text import prepare
from gazebot.analysis.topics import find_topics

sys.path.insert(0, str(Path(__file__).resolve().parent))
from summaries import Article, WordTokenizer, load, sumy_document

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def our_part(article: Article) -> None:
    prepared = prepare(article.body, article.title)
    furniture = [s.text for s in prepared.furniture]
    language = detect_language(prepared.clean)
    outlet = find_outlet(furniture, "")
    find_via(furniture, prepared.clean, outlet)
    reading_minutes(prepared.clean, language)
    summarize(prepared.sentences, article.title)
    find_topics(prepared.sentences, article.title)


def fastest(task: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        task()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=PROJECT_ROOT.parent / "shared" / "corpora")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not (args.corpora / "summaries" / "bbc").is_dir():
        print(f"skipped: {args.corpora / 'summaries' / 'bbc'} is absent")
        return 0
    articles = load(args.corpora)
    lex_rank = LexRankSummarizer(Stemmer("english"))
    lex_rank.stop_words = get_stop_words("english")
    tokenizer = WordTokenizer()
    timings: dict[str, list[float]] = {
        "analyze() (whole card)": [],
        "our part": [],
        "quotes + figures": [],
        "LexRank": [],
    }
    for article in articles:
        prepared = prepare(article.body, article.title)
        sentences = prepared.sentences
        timings["analyze() (whole card)"].append(
            fastest(lambda a=article: analyze(a.body, a.title), args.repeat)
        )
        timings["our part"].append(fastest(lambda a=article: our_part(a), args.repeat))
        timings["quotes + figures"].append(
            fastest(lambda c=prepared.clean: (find_quotes(c), find_figures(c, "en")), args.repeat)
        )
        timings["LexRank"].append(
            fastest(lambda s=sentences: lex_rank(sumy_document(s, tokenizer), 3), args.repeat)
        )
    print(f"BBC News Summary: {len(articles)} articles, best of {args.repeat} per article, ms")
    print(f"{'system':26} {'median':>8} {'p95':>8}")
    for name, values in timings.items():
        print(f"{name:26} {statistics.median(values):8.2f} {percentile(values, 0.95):8.2f}")
    ratio = statistics.median(timings["LexRank"]) / statistics.median(timings["analyze() (whole card)"])
    print(f"analyze() is {ratio:.1f}x faster than sumy LexRank at the median (target >= 5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
