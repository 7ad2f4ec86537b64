"""The source line: outlet, the agency it cites, language and reading time."""

from __future__ import annotations

import pytest

from gazebot.analysis import analyze
from gazebot.analysis.source import detect_language, find_outlet, find_via, reading_minutes


def test_outlet_and_agency_come_from_the_source_line() -> None:
    card = analyze("Troops advanced.\nThe Gaze reports on it, referring to Reuters.\nMore fighting followed.")
    assert (card.source, card.via) == ("The Gaze", "Reuters")


@pytest.mark.parametrize(
    "line",
    [
        "As The Gaze reported earlier, talks stalled.",
        "Read also on The Gaze: Ten things to know",
    ],
)
def test_outlet_is_read_from_its_own_furniture(line: str) -> None:
    assert find_outlet([line]) == "The Gaze"


def test_outlet_falls_back_to_the_url() -> None:
    assert find_outlet([], "https://www.bbc.co.uk/news/world-123") == "BBC"
    assert find_outlet([], "https://news.example.org/a") == "news.example.org"
    assert find_outlet([], "") is None


@pytest.mark.parametrize(
    ("story", "agency"),
    [
        ("KYIV (Reuters) - Troops advanced on Monday.", "Reuters"),
        ("The ministry confirmed the figures, according to AFP.", "AFP"),
        ("The minister spoke to reporters in Kyiv.", None),
    ],
)
def test_agency_from_datelines_and_credits(story: str, agency: str | None) -> None:
    assert find_via([], story, None) == agency


def test_ukrainian_source_line_names_the_agency() -> None:
    assert find_via(["Про це повідомляє Суспільне з посиланням на Укрінформ."], "", None) == ("Укрінформ")


def test_a_description_is_not_an_agency() -> None:
    line = "Про це пише «Перша інстанція» з посиланням на Єдиний держреєстр судових рішень."
    assert find_via([line], "", None) is None
    assert find_via(["Про це пише видання з посиланням на «Укрінформ»."], "", None) == "Укрінформ"


def test_the_outlet_is_not_its_own_agency() -> None:
    assert find_via([], "LONDON (Reuters) - Shares fell.", "Reuters") is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The president visited the city and said that it was time to act.", "en"),
        ("Президент відвідав місто і заявив, що настав час діяти. Їхня позиція єдина.", "uk"),
        ("Президент посетил город и заявил, что пришло время действовать. Это ещё не всё.", "ru"),
        ("Der Präsident besuchte die Stadt und sagte, dass es Zeit sei, nicht zu warten.", "de"),
        ("", "en"),
    ],
)
def test_language_is_detected(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_reading_minutes_round_up_and_never_fall_below_one() -> None:
    assert reading_minutes("word " * 10) == 1
    assert reading_minutes("word " * 231) == 2
    assert reading_minutes("слово " * 181, "uk") == 2
