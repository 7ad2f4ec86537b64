"""The card: what analysis hands to storage and rendering, and its JSON shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation: `text` is the verbatim words inside the quote marks."""

    text: str
    speaker: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "speaker": self.speaker}


@dataclass(frozen=True, slots=True)
class Figure:
    """A key figure: `text` is a verbatim span (number with modifier and what it counts)."""

    text: str
    value: float

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "value": self.value}


@dataclass(frozen=True, slots=True)
class Card:
    """Everything a reader sees of one article; every text field is verbatim from the article."""

    title: str = ""
    url: str = ""
    source: str | None = None
    via: str | None = None
    language: str = "en"
    summary: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = ()
    topics: tuple[str, ...] = ()
    reading_minutes: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "via": self.via,
            "language": self.language,
            "summary": list(self.summary),
            "quotes": [quote.to_dict() for quote in self.quotes],
            "figures": [figure.to_dict() for figure in self.figures],
            "topics": list(self.topics),
            "reading_minutes": self.reading_minutes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Card:
        """Rebuild a card from `to_dict()` output (as stored in the database)."""
        return cls(
            title=str(data.get("title", "")),
            url=str(data.get("url", "")),
            source=data.get("source"),
            via=data.get("via"),
            language=str(data.get("language", "en")),
            summary=tuple(str(s) for s in data.get("summary", ())),
            quotes=tuple(
                Quote(text=str(q["text"]), speaker=q.get("speaker"))
                for q in data.get("quotes", ())
            ),
            figures=tuple(
                Figure(text=str(f["text"]), value=float(f["value"]))
                for f in data.get("figures", ())
            ),
            topics=tuple(str(t) for t in data.get("topics", ())),
            reading_minutes=int(data.get("reading_minutes", 1)),
        )
