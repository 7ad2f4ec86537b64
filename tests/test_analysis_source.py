"""The source line: outlet, the agency it cites, language and reading time."""

from __future__ import annotations

import pytest

from gazebot.analysis import analyze, source
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


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The firm made £600m, and the shares of the group rose in the morning.", "en"),
        ("Le président a visité la ville et a dit que les gens des villes sont là.", "fr"),
        ("Le président a dit que c’est le moment pour les gens des villes.", "fr"),
        ("El presidente dijo que los niños y las niñas de la ciudad es una prioridad.", "es"),
        ("Über die Straße und das Haus: der Mann ist nicht mit den Kindern.", "de"),
    ],
)
def test_language_is_detected_through_symbols_accents_and_curly_quotes(text: str, language: str) -> None:
    """Latin-1 text is read by a fast path, other text by regexes: both count the same words."""
    assert detect_language(text) == language


def test_english_function_words_belong_to_no_other_language() -> None:
    """detect_language stops counting once English has half the function words: that holds
    only while no English function word is also another language's."""
    english = source._LATIN_STOPWORDS["en"]
    assert all(not english & words for language, words in source._LATIN_STOPWORDS.items() if language != "en")


@pytest.mark.parametrize(
    ("story", "agency"),
    [
        ("The figures were confirmed, according to\tReuters.", "Reuters"),
        ("Troops advanced — AFP", "AFP"),
        ("Shares fell /Bloomberg/ on Monday.", "Bloomberg"),
        ("He told AP on Monday that it was over.", "AP"),
        ("APPLE shares fell and CAPITAL flowed out.", None),
    ],
)
def test_every_kind_of_agency_mention_is_found(story: str, agency: str | None) -> None:
    assert find_via([], story, None) == agency
