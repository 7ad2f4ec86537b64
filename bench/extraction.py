"""Main-text extraction quality and speed: gazebot's extract_article beside trafilatura.

Two corpora from ``--corpora`` (default ``../shared/corpora`` from the project root):

* ``extraction/aeb`` (scrapinghub's Article Extraction Benchmark: real news pages with the gold
  article body), scored with that benchmark's own metric, token 4-gram shingle precision, recall
  and F1, exactly as its ``evaluate.py`` computes them (see ``gazebot.extraction.shingles``);
  also the median milliseconds per page (decompressed bytes in, text out). The last column,
  "F1 alt", is a looser reading of the metric for comparison only: lowercased tokens, shingles
  as sets, F1 per page, mean over pages.
* ``extraction/trafilatura_eval`` (trafilatura's own evaluation pages), scored as trafilatura's
  ``tests/comparison_small.py`` does: per page, each "with" snippet found in the text is a true
  positive, missed a false negative; each "without" snippet found is a false positive, absent a
  true negative; precision, recall, F1 and accuracy over all snippets.

Rows: gazebot (the article text, what the analysis reads), trafilatura.extract with its
defaults, with favor_precision=True and with favor_recall=True. On trafilatura_eval, whose "with"
snippets often include the headline (which trafilatura keeps in its text and gazebot returns
as a separate title), a further row scores what ``gazebot extract`` prints: title, then text.

Last, seconds for two synthetic 5 MB pages (an article followed by 440,000 nested <div>s, and
one followed by 50,000 short paragraphs), gazebot beside trafilatura's defaults; skip with
``--skip-huge``.

Run from the project root:

    python bench/extraction.py --corpora ../shared/corpora [--show-worst 5]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from gazebot.extract import ExtractionError, extract_article
from gazebot.extraction.metadata import squash_spaces
from gazebot.extraction.shingles import PageMatch, match_page, score_corpus, shingles

Extractor = Callable[[bytes, str], str]


@dataclass(frozen=True)
class Page:
    key: str
    url: str
    html: bytes


def gazebot_text(html: bytes, url: str) -> str:
    try:
        article = extract_article(html, url)
    except ExtractionError:
        return ""
    return article.text


def gazebot_printed(html: bytes, url: str) -> str:
    """What ``gazebot extract`` prints: the title line, a blank line, the paragraphs."""
    try:
        article = extract_article(html, url)
    except ExtractionError:
        return ""
    return f"{article.title}\n\n{article.text}"


def trafilatura_text(**options: bool) -> Extractor:
    def run(html: bytes, url: str) -> str:
        return trafilatura.extract(html, url=url, **options) or ""

    return run


EXTRACTORS: dict[str, Extractor] = {
    "gazebot": gazebot_text,
    "trafilatura default": trafilatura_text(),
    "trafilatura favor_precision": trafilatura_text(favor_precision=True),
    "trafilatura favor_recall": trafilatura_text(favor_recall=True),
}


def load_aeb(root: Path) -> tuple[list[Page], dict[str, str]]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [
        Page(key, item["url"], gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes()))
        for key, item in sorted(truth.items())
    ]
    return pages, {key: item["articleBody"] for key, item in truth.items()}


def load_trafilatura_eval(root: Path) -> tuple[list[Page], dict[str, tuple[list[str], list[str]]]]:
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    pages: list[Page] = []
    snippets: dict[str, tuple[list[str], list[str]]] = {}
    for url, item in sorted(data.items()):
        path = root / "eval" / item["file"]
        if not path.exists():
            continue
        pages.append(Page(url, url, path.read_bytes()))
        snippets[url] = (item.get("with", []), item.get("without", []))
    return pages, snippets


def set_f1(true: str, predicted: str) -> float:
    """One page's F1 under a looser reading of the metric: lowercased, shingles as sets."""
    gold, extracted = set(shingles(true.lower())), set(shingles(predicted.lower()))
    overlap = len(gold & extracted)
    if not overlap:
        return 1.0 if not gold and not extracted else 0.0
    precision, recall = overlap / len(extracted), overlap / len(gold)
    return 2 * precision * recall / (precision + recall)


def run_extractor(extract: Extractor, pages: list[Page]) -> tuple[dict[str, str], float]:
    texts: dict[str, str] = {}
    timings: list[float] = []
    for page in pages:
        started = time.perf_counter()
        texts[page.key] = extract(page.html, page.url)
        timings.append(time.perf_counter() - started)
    return texts, statistics.median(timings) * 1000


def snippet_score(
    texts: dict[str, str], snippets: dict[str, tuple[list[str], list[str]]]
) -> tuple[float, float, float, float]:
    tp = fp = tn = fn = 0
    for key, (wanted, unwanted) in snippets.items():
        text = squash_spaces(texts.get(key, ""))
        for snippet in wanted:
            if squash_spaces(snippet) in text:
                tp += 1
            else:
                fn += 1
        for snippet in unwanted:
            if squash_spaces(snippet) in text:
                fp += 1
            else:
                tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = (tp + tn) / (tp + tn + fp + fn) if tp + tn + fp + fn else 0.0
    return precision, recall, f1, accuracy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    parser.add_argument(
        "--only", choices=sorted(EXTRACTORS), action="append", help="run only these extractors (repeatable)"
    )
    parser.add_argument(
        "--show-worst", type=int, default=0, metavar="N", help="list gazebot's N lowest-F1 aeb pages"
    )
    parser.add_argument("--skip-trafilatura-eval", action="store_true")
    parser.add_argument("--skip-huge", action="store_true", help="skip the synthetic 5 MB pages")
    args = parser.parse_args()

    aeb_root = args.corpora / "extraction" / "aeb"
    eval_root = args.corpora / "extraction" / "trafilatura_eval"
    if not aeb_root.exists():
        print(f"corpus not found: {aeb_root}", file=sys.stderr)
        return 1
    names = args.only or list(EXTRACTORS)

    pages, truth = load_aeb(aeb_root)
    print(f"aeb: {len(pages)} pages, metric: AEB token 4-gram shingles (evaluate.py)")
    print(f"{'extractor':<30} {'P':>6} {'R':>6} {'F1':>6} {'ms/page (median)':>17} {'F1 alt':>7}")
    for name in names:
        texts, median_ms = run_extractor(EXTRACTORS[name], pages)
        matches = {page.key: match_page(truth[page.key], texts[page.key]) for page in pages}
        score = score_corpus(matches.values())
        alternative = statistics.fmean(set_f1(truth[page.key], texts[page.key]) for page in pages)
        print(
            f"{name:<30} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f} "
            f"{median_ms:17.1f} {alternative:7.3f}"
        )
        if name == "gazebot" and args.show_worst:
            print_worst(matches, pages, args.show_worst)

    if not args.skip_trafilatura_eval and eval_root.exists():
        print_trafilatura_eval(eval_root, names)
    if not args.skip_huge:
        print_huge_pages(names)
    return 0


def print_trafilatura_eval(eval_root: Path, names: list[str]) -> None:
    eval_pages, snippets = load_trafilatura_eval(eval_root)
    print(
        f"\ntrafilatura_eval: {len(eval_pages)} pages, "
        f"{sum(len(w) + len(wo) for w, wo in snippets.values())} snippets (must / must not appear)"
    )
    print(f"{'extractor':<30} {'P':>6} {'R':>6} {'F1':>6} {'acc':>6} {'ms/page (median)':>17}")
    eval_rows: dict[str, Extractor] = {}
    for name in names:
        eval_rows[name] = EXTRACTORS[name]
        if name == "gazebot":
            eval_rows["gazebot title + text"] = gazebot_printed
    for name, extract in eval_rows.items():
        texts, median_ms = run_extractor(extract, eval_pages)
        precision, recall, f1, accuracy = snippet_score(texts, snippets)
        print(f"{name:<30} {precision:6.3f} {recall:6.3f} {f1:6.3f} {accuracy:6.3f} {median_ms:17.1f}")


def huge_pages() -> dict[str, bytes]:
    article = "".join(
        f"<p>Paragraph {number} of the article, long enough to read as running text in a story.</p>"
        for number in range(8)
    )
    shell = (
        "<html><head><title>Huge page</title></head>"
        "<body><article><h1>Huge page</h1>{}</article></body></html>"
    )
    depth = 440_000
    nested = article + "<div>" * depth + "<p>Deep note.</p>" + "</div>" * depth
    entry = "<div class='entry'><p>Archive entry {}: the council met and adjourned without a vote.</p></div>"
    wide = article + "".join(entry.format(number) for number in range(50_000))
    return {
        "5 MB nested divs": shell.format(nested).encode(),
        "5 MB of short paragraphs": shell.format(wide).encode(),
    }


def print_huge_pages(names: list[str]) -> None:
    print("\nsynthetic huge pages: seconds per page")
    pages = huge_pages()
    print(f"{'extractor':<30} " + " ".join(f"{label:>26}" for label in pages))
    for name in [name for name in names if name in {"gazebot", "trafilatura default"}]:
        seconds = []
        for html in pages.values():
            started = time.perf_counter()
            EXTRACTORS[name](html, "")
            seconds.append(time.perf_counter() - started)
        print(f"{name:<30} " + " ".join(f"{value:26.2f}" for value in seconds))


def print_worst(matches: dict[str, PageMatch], pages: list[Page], count: int) -> None:
    urls = {page.key: page.url for page in pages}

    def f1(match: PageMatch) -> float:
        total = match.precision + match.recall
        return 2 * match.precision * match.recall / total if total else 0.0

    for key, match in sorted(matches.items(), key=lambda item: f1(item[1]))[:count]:
        print(f"    {f1(match):.3f} P={match.precision:.3f} R={match.recall:.3f} {key[:10]} {urls[key][:70]}")


if __name__ == "__main__":
    sys.exit(main())
