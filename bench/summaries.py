"""Benchmark the card's summary on BBC News Summary against Lead-3, sumy TextRank and LexRank.

Run from the project root:

    python bench/summaries.py --corpora ../shared/corpora
    python bench/summaries.py --peer-sentences 5      # peers may give more sentences
    python bench/summaries.py --no-stop-words         # sumy as it comes (weaker peers)
    python bench/summaries.py --plain-words           # sumy reading words with a plain regex

What it measures
----------------
Corpus: `summaries/bbc` (articles: title line, blank line, body; reference summaries are
extractive, roughly 40% of the article, sentences joined without spaces — split on
`(?<=[.!?"])(?=[A-Z"])` and joined with one space).

Systems, every output cut at 75 words before scoring:

- ours: `analyze(body, title).summary` (two or three verbatim sentences, article order);
- Lead-3: the first three sentences;
- sumy TextRank and sumy LexRank, each given `--peer-sentences` sentences (default 3),
  in article order as sumy returns them.

Every system sees the same sentences: our splitter's (`gazebot.analysis.text.prepare`), built
straight into sumy's document objects. Sumy reads each sentence's words as it does out of the
box: nltk's Treebank word tokenizer, then sumy's own word filter (`Tokenizer.to_words`). The one
step of sumy's that is left out is the Punkt sentence split `nltk.word_tokenize` runs first:
Punkt's model is a download, and each text it would get is already one sentence.
`--plain-words` gives sumy a plain word regex instead (what this benchmark used before: it finds
different words in two sentences of three, and runs faster).
Sumy uses its English Snowball stemmer and, unless `--no-stop-words`, its English stop words
(the stronger setting: TextRank gains some 12 ROUGE-2 points from them on this corpus).

Score: ROUGE-1, ROUGE-2 and ROUGE-L F1 (`rouge-score`, Porter stemming), mean over articles, x100.
The summary weights were learnt on the even-numbered half of this corpus (in sorted path order);
the odd half is printed on its own as the held-out check.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nltk.tokenize import word_tokenize
from rouge_score import rouge_scorer
from sumy.models.dom import ObjectDocumentModel, Paragraph
from sumy.models.dom import Sentence as SumySentence
from sumy.nlp.stemmers import Stemmer
from sumy.nlp.tokenizers import Tokenizer as SumyTokenizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

from gazebot.analysis import analyze
from gazebot.analysis.text import Sentence, prepare

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CUT_WORDS = 75
_REFERENCE_SPLIT = re.compile(r"(?<=[.!?\"])(?=[A-Z\"])")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
METRICS = ("rouge1", "rouge2", "rougeL")


@dataclass(frozen=True)
class Article:
    """One BBC article with its reference summary."""

    number: int
    title: str
    body: str
    reference: str


class WordTokenizer:
    """Sumy's tokenizer interface with sumy's own English word tokenizing: nltk's Treebank
    tokenizer (what `nltk.word_tokenize` runs on each sentence), then sumy's word filter.
    Sentences come from our splitter, so no Punkt model is needed."""

    language = "english"

    def to_words(self, text: str) -> tuple[str, ...]:
        return tuple(filter(SumyTokenizer._is_word, word_tokenize(text, preserve_line=True)))

    def to_sentences(self, text: str) -> tuple[str, ...]:
        return tuple(sentence.text for sentence in prepare(text).sentences)


class PlainWordTokenizer(WordTokenizer):
    """Sumy's tokenizer interface over a plain word regex (`--plain-words`)."""

    def to_words(self, text: str) -> tuple[str, ...]:
        return tuple(_WORD.findall(text))


def load(corpora: Path) -> list[Article]:
    root = corpora / "summaries" / "bbc"
    articles = []
    for number, path in enumerate(sorted((root / "articles").glob("*/*.txt"))):
        raw = path.read_text(encoding="utf-8", errors="replace")
        title, _, body = raw.partition("\n")
        summary_path = root / "summaries" / path.parent.name / path.name
        summary = summary_path.read_text(encoding="utf-8", errors="replace")
        reference = " ".join(_REFERENCE_SPLIT.split(summary.strip()))
        articles.append(Article(number, title.strip(), body, reference))
    return articles


def cut(text: str, words: int = CUT_WORDS) -> str:
    return " ".join(text.split()[:words])


def sumy_document(sentences: Sequence[Sentence], tokenizer: WordTokenizer) -> ObjectDocumentModel:
    """Our sentences, grouped by paragraph, as sumy's document model."""
    paragraphs: list[list[SumySentence]] = []
    last = -1
    for sentence in sentences:
        if sentence.paragraph != last:
            paragraphs.append([])
            last = sentence.paragraph
        paragraphs[-1].append(SumySentence(sentence.text, tokenizer))
    return ObjectDocumentModel([Paragraph(group) for group in paragraphs])


def peer(summarizer: object, count: int, tokenizer: WordTokenizer) -> Callable[[Article], str]:
    def run(article: Article) -> str:
        sentences = prepare(article.body, article.title).sentences
        if not sentences:
            return ""
        chosen = summarizer(sumy_document(sentences, tokenizer), count)  # type: ignore[operator]
        return " ".join(str(sentence) for sentence in chosen)

    return run


def ours(article: Article) -> str:
    return " ".join(analyze(article.body, article.title).summary)


def lead3(article: Article) -> str:
    return " ".join(s.text for s in prepare(article.body, article.title).sentences[:3])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=PROJECT_ROOT.parent / "shared" / "corpora")
    parser.add_argument("--peer-sentences", type=int, default=3)
    parser.add_argument(
        "--no-stop-words",
        action="store_true",
        help="run sumy as configured out of the box, without English stop words (weaker peers)",
    )
    parser.add_argument(
        "--plain-words", action="store_true", help="sumy reads words with a plain regex, not nltk's tokenizer"
    )
    args = parser.parse_args(argv)
    if not (args.corpora / "summaries" / "bbc").is_dir():
        print(f"skipped: {args.corpora / 'summaries' / 'bbc'} is absent")
        return 0
    articles = load(args.corpora)
    stemmer = Stemmer("english")
    text_rank = TextRankSummarizer(stemmer)
    lex_rank = LexRankSummarizer(stemmer)
    if not args.no_stop_words:
        text_rank.stop_words = get_stop_words("english")
        lex_rank.stop_words = get_stop_words("english")
    tokenizer = PlainWordTokenizer() if args.plain_words else WordTokenizer()
    systems: dict[str, Callable[[Article], str]] = {
        "gazebot (ours)": ours,
        "Lead-3": lead3,
        f"sumy TextRank ({args.peer_sentences} sent.)": peer(text_rank, args.peer_sentences, tokenizer),
        f"sumy LexRank ({args.peer_sentences} sent.)": peer(lex_rank, args.peer_sentences, tokenizer),
    }
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    splits = {"all": articles, "held-out (odd)": [a for a in articles if a.number % 2]}
    results: dict[str, dict[str, list[float]]] = {}
    for name, system in systems.items():
        per_article: dict[int, list[float]] = {}
        words = 0
        for article in articles:
            output = cut(system(article))
            words += len(output.split())
            scores = scorer.score(article.reference, output)
            per_article[article.number] = [scores[m].fmeasure * 100 for m in METRICS]
        for split, members in splits.items():
            rows = [per_article[a.number] for a in members]
            results.setdefault(split, {})[name] = [
                sum(row[i] for row in rows) / len(rows) for i in range(len(METRICS))
            ] + [words / len(articles)]
    for split, table in results.items():
        count = len(splits[split])
        print(f"\nBBC News Summary, {split}: {count} articles, outputs cut at {CUT_WORDS} words")
        print(f"{'system':32} {'R-1':>6} {'R-2':>6} {'R-L':>6} {'words':>6}")
        for name, (r1, r2, rl, mean_words) in table.items():
            print(f"{name:32} {r1:6.1f} {r2:6.1f} {rl:6.1f} {mean_words:6.1f}")
        best_peer = max(row[1] for name, row in table.items() if name != "gazebot (ours)")
        margin = table["gazebot (ours)"][1] - best_peer
        print(f"ROUGE-2 margin over the best peer: {margin:+.1f} (target +1.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
