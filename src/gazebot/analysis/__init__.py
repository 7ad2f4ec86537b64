"""Pure, deterministic article analysis: text in, a Card out (no I/O, no clock)."""

from __future__ import annotations

import re

from gazebot.analysis.card import Card, Figure, Quote

__all__ = ["Card", "Figure", "Quote", "analyze"]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“«A-ZА-ЯІЇЄҐ])")


def analyze(text: str, title: str = "", url: str = "") -> Card:
    """Return the card for one article (placeholder lead summary until the analysis lands)."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    sentences = [s for p in paragraphs for s in _SENTENCE_END.split(p) if s]
    words = len(text.split())
    return Card(
        title=title,
        url=url,
        summary=tuple(sentences[:3]),
        reading_minutes=max(1, round(words / 230)),
    )
