"""The summary: two or three verbatim sentences, short, in article order, about the story."""

from __future__ import annotations

import math
import operator
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gazebot.analysis import analyze
from gazebot.analysis.summary import (
    _WEIGHTS,
    FEATURE_NAMES,
    WORD_BUDGET,
    _probabilities,
    sentence_features,
    summarize,
    word_counts,
)
from gazebot.analysis.text import prepare

ARTICLE = """Storm Ciara closes schools across Wales

Storm Ciara closed 300 schools across Wales on Monday as winds of 90mph hit the coast.
The Met Office issued an amber warning for wind, and Welsh ministers urged people to stay home.
My neighbour's cat, however, slept through the whole thing.
Rail services between Cardiff and Swansea were cancelled, and 20,000 homes lost power in Wales.
Schools in Wales are expected to reopen on Wednesday once the storm passes, officials said.
In other news, a local bakery won a prize for its bread.
"""


def test_summary_is_two_or_three_verbatim_sentences_in_article_order() -> None:
    title, _, body = ARTICLE.partition("\n")
    summary = summarize(prepare(body, title).sentences, title)
    assert 2 <= len(summary) <= 3
    assert all(sentence in body for sentence in summary)
    positions = [body.index(sentence) for sentence in summary]
    assert positions == sorted(positions)
    assert sum(len(sentence.split()) for sentence in summary) <= WORD_BUDGET


def test_summary_leaves_out_the_asides() -> None:
    title, _, body = ARTICLE.partition("\n")
    summary = " ".join(summarize(prepare(body, title).sentences, title))
    assert "Storm Ciara closed 300 schools" in summary
    assert "cat" not in summary
    assert "bakery" not in summary


def test_summary_never_holds_site_furniture() -> None:
    body = (
        "As The Gaze reported earlier, the ministry denied everything said about the city.\n"
        "The army retook the city of Kupyansk on Monday.\n"
        "The Gaze reports on it, referring to Reuters.\n"
        "The city of Kupyansk had been held by Russian troops since spring.\n"
        "Read also on The Gaze: The city of Kupyansk in ten pictures\n"
    )
    summary = analyze(body, "The army retakes Kupyansk").summary
    assert summary
    assert not any("The Gaze" in sentence or "Read also" in sentence for sentence in summary)


def test_a_short_article_gives_what_it_has() -> None:
    assert summarize(prepare("Only one sentence here.").sentences) == ("Only one sentence here.",)
    assert summarize(prepare("").sentences) == ()


def test_two_sentences_even_when_one_long_sentence_would_fill_the_card() -> None:
    long_lead = "The storm closed schools across Wales " + "and the storm closed roads " * 13 + "."
    text = f"{long_lead} The storm hit Wales hard. Schools in Wales reopen on Friday."
    summary = summarize(prepare(text).sentences, "Storm closes schools in Wales")
    assert len(summary) >= 2
    assert sum(len(sentence.split()) for sentence in summary) <= WORD_BUDGET


def test_a_single_sentence_longer_than_the_budget_is_still_given() -> None:
    long_sentence = " ".join(["word"] * 120) + "."
    assert summarize(prepare(long_sentence).sentences) == (long_sentence,)


@pytest.mark.corpus
def test_summaries_beat_lead3_on_bbc_articles(corpora: Path) -> None:
    """On a sample of BBC articles, our cut-at-75-words summaries share more bigrams with the
    human summaries than the first three sentences do."""
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    root = corpora / "summaries" / "bbc"
    paths = sorted((root / "articles").glob("*/*.txt"))[1::12]
    assert paths
    ours = lead = 0.0
    for path in paths:
        title, _, body = path.read_text(encoding="utf-8", errors="replace").partition("\n")
        reference_path = root / "summaries" / path.parent.name / path.name
        reference = " ".join(re.split(r"(?<=[.!?\"])(?=[A-Z\"])", reference_path.read_text(errors="replace")))
        summary = analyze(body, title).summary
        assert all(sentence in body for sentence in summary)
        first_three = " ".join(s.text for s in prepare(body, title).sentences[:3])
        ours += scorer.score(reference, " ".join(" ".join(summary).split()[:75]))["rouge2"].fmeasure
        lead += scorer.score(reference, " ".join(first_three.split()[:75]))["rouge2"].fmeasure
    assert ours / len(paths) > lead / len(paths) + 0.05


_CHARACTERS = ["A", "b", " ", "c", "Д", ".", "!", "?", '"', "“", "”", "«", "»", "'", "’", "\n", "—", ",", "3"]
_WORDS = ["Mr. ", "Read also: ", "Kyiv ", "said. ", "The Gaze reports on it, referring to Reuters.\n"]
_PIECES = st.sampled_from([*_CHARACTERS, *_WORDS])


@given(st.lists(_PIECES, max_size=120).map("".join))
@settings(max_examples=150, deadline=None)
def test_any_text_gives_a_card_whose_summary_is_verbatim(text: str) -> None:
    card = analyze(text, "A title")
    assert len(card.summary) <= 3
    assert all(sentence and sentence in text for sentence in card.summary)
    assert card.reading_minutes >= 1


def test_summary_reads_curly_and_straight_apostrophes_and_symbols_alike() -> None:
    """ASCII sentences are read by a fast path, the others by a regex: both find the same words."""
    title, _, body = ARTICLE.partition("\n")
    curly = body.replace("'", "’").replace("300 schools", "300 schools (£2m)")
    straight = body.replace("300 schools", "300 schools (2m)")

    def chosen(text: str) -> list[int]:
        sentences = prepare(text, title).sentences
        return [[s.text for s in sentences].index(text) for text in summarize(sentences, title)]

    assert chosen(curly) == chosen(straight)
    assert sentence_features(prepare(curly, title).sentences, title) == sentence_features(
        prepare(straight, title).sentences, title
    )


def test_features_mark_numbers_quotes_and_questions() -> None:
    sentences = prepare('Profits rose 5%. "We won," he said. Why now? Nothing else.').sentences
    rows = sentence_features(sentences, "Profits")
    column = {name: [row[FEATURE_NAMES.index(name)] for row in rows] for name in FEATURE_NAMES}
    assert column["has_number"] == [1.0, 0.0, 0.0, 0.0]
    assert column["quotation"] == [0.0, 1.0, 0.0, 0.0]
    assert column["question"] == [0.0, 0.0, 1.0, 0.0]
    assert column["title_overlap"][0] == 1.0


@given(st.lists(_PIECES, max_size=120).map("".join), st.sampled_from(["", "Kyiv said", "Storm Ciara"]))
@example(ARTICLE.partition("\n")[2], ARTICLE.partition("\n")[0])
@settings(max_examples=150, deadline=None)
def test_the_scorer_gives_the_logistic_of_the_documented_features(text: str, title: str) -> None:
    """`summarize` scores sentences by a fused loop for speed; its chances must stay those of
    the weights applied to `sentence_features`, the features the weights were learnt on."""
    sentences = prepare(text, title).sentences
    rows = sentence_features(sentences, title)
    expected = [1.0 / (1.0 + math.exp(-sum(map(operator.mul, _WEIGHTS, row)))) for row in rows]
    assert _probabilities(sentences, title, word_counts(sentences)) == pytest.approx(expected, rel=1e-12)
