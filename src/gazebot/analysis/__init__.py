"""Pure, deterministic article analysis: text in, a Card out (no I/O, no clock)."""

from __future__ import annotations

from gazebot.analysis.card import Card, Figure, Quote
from gazebot.analysis.figures import find_figures
from gazebot.analysis.quotes import find_quotes
from gazebot.analysis.source import detect_language, find_outlet, find_via, minutes_for_words, reading_minutes
from gazebot.analysis.summary import summarize, word_counts
from gazebot.analysis.text import prepare
from gazebot.analysis.topics import find_topics, topic_key, topic_key_forms, topic_keys_for_query

__all__ = ["Card", "Figure", "Quote", "analyze", "topic_key", "topic_key_forms", "topic_keys_for_query"]


def analyze(text: str, title: str = "", url: str = "") -> Card:
    """The card for one article: summary, quotes, figures, topics and source line.

    Site furniture ("Read also …", "As X reported earlier, …", credits, a "reports, citing
    Reuters" line) is set aside first: it names the outlet and agency but is never summary,
    quote, figure or topic material."""
    prepared = prepare(text, title)
    furniture = [sentence.text for sentence in prepared.furniture]
    language = detect_language(prepared.clean or text)
    outlet = find_outlet(furniture, url)
    # The sentences cover every word of the clean text: counted once, for summary and reading.
    lengths = word_counts(prepared.sentences)
    minutes = minutes_for_words(sum(lengths), language) if lengths else reading_minutes(text, language)
    return Card(
        title=title,
        url=url,
        source=outlet,
        via=find_via(furniture, prepared.clean, outlet),
        language=language,
        summary=summarize(prepared.sentences, title, lengths=lengths),
        quotes=tuple(find_quotes(prepared.clean)),
        figures=tuple(find_figures(prepared.clean, language)),
        topics=find_topics(prepared.sentences, title),
        reading_minutes=minutes,
    )
