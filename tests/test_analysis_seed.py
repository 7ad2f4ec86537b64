"""Issue 3, Show 1: the seed article's card holds what SPEC.md lists."""

from __future__ import annotations

import re

import pytest

from gazebot.analysis import Card, analyze
from gazebot.analysis.topics import topic_key

URL = "https://thegaze.example/news/zelenskyy-kupyansk"


@pytest.fixture
def seed_card(seed_text: str) -> Card:
    title, _, body = seed_text.partition("\n")
    return analyze(body, title, URL)


@pytest.fixture
def seed_body(seed_text: str) -> str:
    return seed_text.partition("\n")[2]


def test_summary_tells_the_visit_and_the_encirclement(seed_card: Card, seed_body: str) -> None:
    summary = " ".join(seed_card.summary)
    assert 2 <= len(seed_card.summary) <= 3
    assert len(summary.split()) <= 80
    assert "Zelenskyy visited the frontline city of Kupyansk" in summary
    assert "encircled Russian units" in summary
    assert all(sentence in seed_body for sentence in seed_card.summary)


def test_summary_has_no_site_furniture(seed_card: Card) -> None:
    summary = " ".join(seed_card.summary)
    for furniture in ("Read also", "As The Gaze reported", "The Gaze reports", "Hnatov"):
        assert furniture not in summary


def test_source_line_is_the_gaze_via_reuters(seed_card: Card) -> None:
    assert seed_card.source == "The Gaze"
    assert seed_card.via == "Reuters"
    assert seed_card.language == "en"
    assert seed_card.reading_minutes in (2, 3)


def test_topics_include_kupyansk_and_zelenskyy(seed_card: Card) -> None:
    keys = [topic_key(topic) for topic in seed_card.topics]
    assert topic_key("Kupyansk") in keys
    assert "Volodymyr Zelenskyy" in seed_card.topics
    assert "The Gaze" not in seed_card.topics
    assert len(seed_card.topics) <= 8


def test_card_survives_its_json_round_trip(seed_card: Card) -> None:
    assert Card.from_dict(seed_card.to_dict()) == seed_card


def test_key_figures_with_their_context(seed_card: Card, seed_body: str) -> None:
    values = {figure.value for figure in seed_card.figures}
    assert {1000.0, 291.0, 13.0, 200.0, 500.0} <= values
    texts = " | ".join(figure.text for figure in seed_card.figures)
    assert "soldiers" in texts
    assert "civilians" in texts
    assert all(figure.text in seed_body for figure in seed_card.figures)


def test_unit_names_and_years_are_not_figures(seed_card: Card) -> None:
    for figure in seed_card.figures:
        assert not re.search(r"\b(?:13th|475th|92nd|144th|9\.2|2022|2024)\b", figure.text)
        assert figure.value not in {475.0, 92.0, 144.0, 9.2, 2022.0, 2024.0}


def test_the_three_zelenskyy_quotes_are_found_and_attributed(seed_card: Card, seed_body: str) -> None:
    openings = (
        "Today, I am in the Kupyansk sector",
        "Today, achieving results on the frontline is crucial",
        "It's like with Pokrovsk",
    )
    for opening in openings:
        matching = [quote for quote in seed_card.quotes if quote.text.startswith(opening)]
        assert matching, opening
        assert matching[0].speaker == "Volodymyr Zelenskyy"
    assert all(quote.text in seed_body for quote in seed_card.quotes)


def test_names_in_quote_marks_are_not_quotes(seed_card: Card) -> None:
    texts = {quote.text.strip(" ,.") for quote in seed_card.quotes}
    assert not texts & {"Code 9.2", "Kupyansk"}
