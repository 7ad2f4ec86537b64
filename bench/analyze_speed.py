"""Time `analyze()` per BBC article, whole card and its stages, beside sumy LexRank.

Run from the project root:

    python bench/analyze_speed.py --corpora ../shared/corpora
    python bench/analyze_speed.py --repeat 9          # more rounds, steadier on a busy machine
    python bench/analyze_speed.py --stages            # and each stage of analyze() alone

What it measures
----------------
Corpus: `summaries/bbc` (743 articles). For each article, in one run and interleaved so both see
the same machine load:

- `analyze(body, title)`: the whole card (text preparation, summary, quotes, figures, topics,
  source line);
- our part alone: `prepare` + `summarize` + `find_topics` + outlet/via/language/reading time;
- `find_quotes` + `find_figures` on the prepared text (the rest of the card);
- sumy LexRank (3 sentences) on the same sentences from our splitter, built straight into sumy's
  document model: its word tokenising (sumy's own: nltk's Treebank tokenizer and sumy's word
  filter), stemming and ranking are timed; its sentence splitting is not (Punkt's model is a
  download, and our splitter already gave the sentences; see bench/summaries.py);
- for reference, the same LexRank reading words with a plain regex instead (what this benchmark
  compared against before): faster, but not sumy as it comes.

First every system runs once over the whole corpus untimed (`--warm-up` rounds), so imports,
compiled regexes, sumy's stemmer caches and the CPU caches are warm for all of them alike.
Then each article is timed `--repeat` times per system (the systems taking turns, so a burst
of load from other processes hits them alike) and its fastest time kept: on a shared 2-core
machine the other times are mostly noise. The table gives the median and 95th percentile over
articles in milliseconds, and how many times faster `analyze()` is than LexRank at the median
and at the 95th percentile. Targets: `analyze()` median <= 3 ms and >= 5x faster than
LexRank; our part <= 1.5 ms median.

With `--stages`, a last line breaks `analyze()` into its stages, each timed alone on the
prepared text (best of `--repeat`, median over articles): prepare, summary, quotes, figures,
topics and the source line (language, outlet, agency, word counts). Their sum falls short of
`analyze()` itself by the cost of running them back to back, each evicting the others' code
and data from the CPU caches, not by work of its own (the same calls made in sequence take as
long as `analyze()`).
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
from gazebot.analysis.source import detect_language, find_outlet, find_via, minutes_for_words, reading_minutes
from gazebot.analysis.summary import summarize, word_counts
from gazebot.analysis.text import PreparedText, prepare
from gazebot.analysis.topics import find_topics

sys.path.insert(0, str(Path(__file__).resolve().parent))
from summaries import Article, PlainWordTokenizer, WordTokenizer, load, sumy_document

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


def source_line(article: Article, prepared: PreparedText) -> None:
    """What analyze() does besides the stages: language, outlet, agency, word counts."""
    furniture = [s.text for s in prepared.furniture]
    language = detect_language(prepared.clean or article.body)
    outlet = find_outlet(furniture, "")
    find_via(furniture, prepared.clean, outlet)
    minutes_for_words(sum(word_counts(prepared.sentences)), language)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=PROJECT_ROOT.parent / "shared" / "corpora")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per article and system")
    parser.add_argument("--warm-up", type=int, default=1, help="untimed rounds over the corpus first")
    parser.add_argument("--stages", action="store_true", help="also time each stage of analyze() alone")
    args = parser.parse_args(argv)
    if not (args.corpora / "summaries" / "bbc").is_dir():
        print(f"skipped: {args.corpora / 'summaries' / 'bbc'} is absent")
        return 0
    articles = load(args.corpora)
    lex_rank = LexRankSummarizer(Stemmer("english"))
    lex_rank.stop_words = get_stop_words("english")
    tokenizer = WordTokenizer()
    plain_tokenizer = PlainWordTokenizer()
    prepared_texts = [prepare(article.body, article.title) for article in articles]
    systems: dict[str, Callable[[Article, PreparedText], object]] = {
        "analyze() (whole card)": lambda a, p: analyze(a.body, a.title),
        "our part": lambda a, p: our_part(a),
        "quotes + figures": lambda a, p: (find_quotes(p.clean), find_figures(p.clean, "en")),
        "LexRank": lambda a, p: lex_rank(sumy_document(p.sentences, tokenizer), 3),
        "LexRank, plain regex words": lambda a, p: lex_rank(sumy_document(p.sentences, plain_tokenizer), 3),
    }
    stages: dict[str, Callable[[Article, PreparedText], object]] = (
        {
            "prepare": lambda a, p: prepare(a.body, a.title),
            "summary": lambda a, p: summarize(p.sentences, a.title),
            "quotes": lambda a, p: find_quotes(p.clean),
            "figures": lambda a, p: find_figures(p.clean, "en"),
            "topics": lambda a, p: find_topics(p.sentences, a.title),
            "source line": source_line,
        }
        if args.stages
        else {}
    )
    for _ in range(args.warm_up):
        for article, prepared in zip(articles, prepared_texts, strict=True):
            for system in [*systems.values(), *stages.values()]:
                system(article, prepared)
    timings: dict[str, list[float]] = {name: [] for name in systems}
    stage_timings: dict[str, list[float]] = {name: [] for name in stages}
    for article, prepared in zip(articles, prepared_texts, strict=True):
        best = dict.fromkeys(systems, float("inf"))
        for _ in range(args.repeat):
            for name, system in systems.items():
                start = time.perf_counter()
                system(article, prepared)
                best[name] = min(best[name], time.perf_counter() - start)
        for name, seconds in best.items():
            timings[name].append(seconds * 1000)
        for name, stage in stages.items():
            fastest = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                stage(article, prepared)
                fastest = min(fastest, time.perf_counter() - start)
            stage_timings[name].append(fastest * 1000)
    print(
        f"BBC News Summary: {len(articles)} articles, {args.warm_up} warm-up round(s), "
        f"best of {args.repeat} per article, ms"
    )
    print(f"{'system':26} {'median':>8} {'p95':>8}")
    for name, values in timings.items():
        print(f"{name:26} {statistics.median(values):8.2f} {percentile(values, 0.95):8.2f}")
    ours, peer = timings["analyze() (whole card)"], timings["LexRank"]
    ratio = statistics.median(peer) / statistics.median(ours)
    tail_ratio = percentile(peer, 0.95) / percentile(ours, 0.95)
    print(
        f"analyze() is {ratio:.1f}x faster than sumy LexRank at the median (target >= 5x), "
        f"{tail_ratio:.1f}x at the 95th percentile"
    )
    plain = timings["LexRank, plain regex words"]
    print(
        f"(and {statistics.median(plain) / statistics.median(ours):.1f}x at the median, "
        f"{percentile(plain, 0.95) / percentile(ours, 0.95):.1f}x at the 95th percentile, "
        "than LexRank reading words with a plain regex)"
    )
    if not stages:
        return 0
    medians = {name: statistics.median(values) for name, values in stage_timings.items()}
    print(
        "stages alone (median ms): "
        + ", ".join(f"{name} {value:.3f}" for name, value in medians.items())
        + f"; sum {sum(medians.values()):.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
