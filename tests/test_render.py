"""Rendering: cards and digests are valid Telegram HTML within limits, whatever the article says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazebot.analysis.card import Card, Figure, Quote
from gazebot.render import (
    CALLBACK_DATA_LIMIT,
    MESSAGE_LIMIT,
    BreakingAction,
    Button,
    Message,
    MorePage,
    SettingChange,
    Story,
    Style,
    breaking_keyboard,
    callback_data,
    card_message,
    digest_messages,
    escape,
    escape_attribute,
    join,
    more_button,
    pack,
    parse_callback,
    plain,
    rich_text,
    safe_url,
    settings_message,
    split_rich,
    styled,
    text_message,
    to_html,
)
from tests.fakebot.entities import ParsedText, check_link, entity_text, normalize, parse_html, utf16_len

SEED_URL = "https://thegaze.example/news/zelenskyy-kupyansk"


def seed_story(card: Card | None = None) -> Story:
    """The seed article's card as a stored story (or another card with the same metadata)."""
    if card is not None:
        return Story(article_id=1, card=card, published=datetime(2026, 11, 24, 14, 5, tzinfo=UTC))
    card = Card(
        title="Zelenskyy visits Kupyansk sector",
        url=SEED_URL,
        source="The Gaze",
        via="Reuters",
        summary=(
            "Zelenskyy visited the Kupyansk sector after Ukrainian forces retook parts of the city.",
            "Districts were liberated and supply routes cut.",
        ),
        quotes=(
            Quote(
                "Today, achieving results on the frontline is crucial so that Ukraine can "
                "achieve results in diplomacy.",
                "Volodymyr Zelenskyy",
            ),
            Quote("We are holding.", "A commander"),
            Quote("Third quote never shown.", "Someone"),
        ),
        figures=(
            Figure("over 1,000 Russian soldiers killed", 1000),
            Figure("291 wounded", 291),
            Figure("13 taken prisoner", 13),
            Figure("around 200 enemy troops", 200),
            Figure("up to 500 civilians", 500),
        ),
        reading_minutes=3,
    )
    return Story(article_id=1, card=card, published=datetime(2026, 11, 24, 14, 5, tzinfo=UTC))


def accepted(message: Message) -> ParsedText:
    """What the strict fake Bot API would store, asserting it accepts the message."""
    parsed = normalize(parse_html(message.text))
    assert parsed.text, "Telegram refuses an empty message"
    assert utf16_len(parsed.text) <= MESSAGE_LIMIT
    assert utf16_len(parsed.text) <= message.length
    for row in message.keyboard:
        for button in row:
            if button.callback_data is not None:
                assert 1 <= len(button.callback_data.encode()) <= CALLBACK_DATA_LIMIT
            if button.url is not None:
                assert safe_url(button.url) == button.url
    return parsed


def covered(parsed: ParsedText, kind: str) -> list[str]:
    return [entity_text(parsed.text, e) for e in parsed.entities if e["type"] == kind]


# ------------------------------------------------------------------ escaping and URLs


def test_escape_covers_what_telegram_html_needs() -> None:
    assert escape('<script>alert("x")</script> & co') == (
        '&lt;script&gt;alert("x")&lt;/script&gt; &amp; co'
    )
    assert escape_attribute('a"b&c') == "a&quot;b&amp;c"
    assert parse_html(escape("a < b && c > d; &lt;")).text == "a < b && c > d; &lt;"


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "https://", "/relative", ""],
)
def test_unsafe_or_hostless_urls_are_refused(url: str) -> None:
    assert safe_url(url) is None


def test_urls_are_percent_encoded_for_telegram() -> None:
    assert safe_url('https://Example.org/a b?q="x"&y=1') == "https://example.org/a%20b?q=%22x%22&y=1"
    assert safe_url("https://пример.рф/новости") == (
        "https://xn--e1afmkfd.xn--p1ai/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8"
    )


@settings(deadline=None)  # a busy shared machine must not fail a correct example
@given(st.text())
def test_safe_url_is_idempotent(text: str) -> None:
    once = safe_url("https://example.org/" + text)
    assert once is not None
    assert safe_url(once) == once
    assert check_link(once) == once  # the fake (like Telegram) takes it as it is
    Button("Read", url=once)


# ------------------------------------------------------------------ the card


def test_card_shows_title_link_source_summary_figures_and_quotes() -> None:
    message = card_message(seed_story())
    parsed = accepted(message)
    lines = parsed.text.split("\n")
    assert lines[0] == "Zelenskyy visits Kupyansk sector"
    assert lines[1] == "The Gaze · via Reuters · 3 min · 24 Nov 2026, 14:05 UTC"
    (link,) = [e for e in parsed.entities if e["type"] == "text_link"]
    assert link["url"] == SEED_URL
    assert entity_text(parsed.text, link) == lines[0]
    assert covered(parsed, "bold") == [lines[0]]
    assert "Districts were liberated and supply routes cut." in parsed.text
    assert "• 291 wounded" in parsed.text
    assert "up to 500 civilians" not in parsed.text  # four figures at most by default
    quotes = covered(parsed, "blockquote")
    assert len(quotes) == 2
    assert quotes[0].startswith("“Today, achieving results on the frontline")
    assert quotes[0].endswith("— Volodymyr Zelenskyy")
    assert "Third quote" not in parsed.text
    assert message.keyboard == ((Button("Read", url=SEED_URL),),)


def test_card_time_follows_the_readers_zone() -> None:
    kyiv = timezone(timedelta(hours=2), "EET")
    parsed = accepted(card_message(seed_story(), zone=kyiv))
    assert "24 Nov 2026, 16:05 EET" in parsed.text


def test_card_without_a_usable_url_has_no_link_and_no_button() -> None:
    story = seed_story(card=Card(title="Plain", url="javascript:alert(1)", summary=("S.",)))
    message = card_message(story)
    parsed = accepted(message)
    assert not [e for e in parsed.entities if e["type"] == "text_link"]
    assert message.keyboard == ()


def test_blank_title_still_gives_a_readable_card() -> None:
    story = seed_story(card=Card(title=" \u200b\n ", url=SEED_URL))
    parsed = accepted(card_message(story))
    assert parsed.text.startswith("Untitled story")


def test_hostile_title_is_shown_literally() -> None:
    title = '<script>alert("x")</script> & <b>bold</b> &amp;'
    parsed = accepted(card_message(seed_story(card=Card(title=title, url=SEED_URL))))
    assert parsed.text.split("\n")[0] == title
    assert covered(parsed, "bold") == [title]


def test_a_huge_card_fits_one_message_and_caption_fits_1024() -> None:
    word = "Kupyansk😀 "
    big = Card(
        title=word * 500,
        url=SEED_URL,
        source="The Gaze",
        summary=tuple(word * 1000 for _ in range(5)),
        quotes=tuple(Quote(word * 300, "Speaker " * 50) for _ in range(4)),
        figures=tuple(Figure(word * 100, 1) for _ in range(6)),
    )
    story = seed_story(card=big)
    parsed = accepted(card_message(story))
    assert parsed.text.startswith("Kupyansk😀 Kupyansk😀")
    assert "…" in parsed.text
    caption = card_message(story, caption=True)
    assert utf16_len(accepted(caption).text) <= 1024


def test_a_tight_budget_drops_quotes_then_figures_before_shortening_the_summary() -> None:
    sentence = ("Kupyansk " * 33).strip() + "."
    summary = " ".join([sentence] * 3)  # 893 characters
    story = seed_story(
        card=Card(
            title="Tight",
            url=SEED_URL,
            summary=(sentence,) * 3,
            quotes=(Quote("A quote that will not fit.", "Someone"),),
            figures=(Figure("291 wounded", 291), Figure("13 taken prisoner", 13)),
        )
    )
    parsed = accepted(card_message(story, caption=True))
    assert summary in parsed.text
    assert "A quote that will not fit" not in parsed.text
    assert "• 291 wounded" in parsed.text


# ------------------------------------------------------------------ digests and packing


def numbered_story(n: int, summary: str = "A sentence about it.") -> Story:
    card = Card(
        title=f"Story number {n}",
        url=f"https://example.org/{n}",
        summary=(summary, "Second sentence not in the digest."),
        figures=(Figure(f"{n} people", n),),
    )
    return Story(article_id=n, card=card, published=None)


def test_digest_item_has_title_link_first_sentence_and_top_figure() -> None:
    (message,) = digest_messages([numbered_story(7)], title="Your digest")
    parsed = accepted(message)
    assert parsed.text == "Your digest\n\nStory number 7\nA sentence about it.\n📊 7 people"
    assert [e["url"] for e in parsed.entities if e["type"] == "text_link"] == [
        "https://example.org/7"
    ]


def test_digest_is_split_between_items_and_keeps_them_all_in_order() -> None:
    stories = [numbered_story(n, "Long sentence. " * 30) for n in range(60)]
    messages = digest_messages(stories, more=more_button("latest", 60))
    assert len(messages) > 1
    texts = [accepted(m).text for m in messages]
    titles = [line for text in texts for line in text.split("\n") if line.startswith("Story")]
    assert titles == [f"Story number {n}" for n in range(60)]
    for text in texts[1:]:
        assert text.startswith("Story number")  # each later message starts with a whole item
    assert [m.keyboard for m in messages[:-1]] == [()] * (len(messages) - 1)
    assert parse_callback(messages[-1].keyboard[0][0].callback_data or "") == MorePage(
        "latest", 60
    )


def test_one_overlong_item_is_cut_at_word_boundaries_without_losing_words() -> None:
    words = [f"w{n}😀" for n in range(3000)]
    item = styled(plain(" ".join(words)), Style("b"))
    parts = pack([item])
    assert len(parts) > 1
    shown: list[str] = []
    for part in parts:
        parsed = accepted(Message(to_html(part), length=utf16_len(rich_text(part))))
        assert covered(parsed, "bold") == [parsed.text]  # the tag is re-opened in every part
        shown.extend(parsed.text.split(" "))
    assert shown == words


def test_a_word_that_fits_a_fresh_message_is_not_cut_at_the_bottom_of_a_full_one() -> None:
    first, second = plain("a" * 50), plain("b" * 60 + " " + "c" * 60)
    packed = [rich_text(rich) for rich in pack([first, second], budget=100)]
    assert packed == ["a" * 50, "b" * 60, "c" * 60]


def test_an_unbreakable_word_is_cut_where_it_must_be() -> None:
    head, rest = split_rich(plain("x" * 50), 20)
    assert rich_text(head) == "x" * 20
    assert rich_text(rest) == "x" * 30


def test_split_never_breaks_a_surrogate_pair() -> None:
    head, rest = split_rich(plain("😀" * 10), 5)
    assert rich_text(head) == "😀" * 2
    assert rich_text(rest) == "😀" * 8


def test_text_message_escapes_and_splits_foreign_text() -> None:
    text = "Breaking: <b>not bold</b> & more\n" + "para " * 2000
    messages = text_message(text, bold_first_line=True)
    assert len(messages) == 3
    first = accepted(messages[0])
    assert covered(first, "bold") == ["Breaking: <b>not bold</b> & more"]


# ------------------------------------------------------------------ buttons and callback data


def test_buttons_refuse_oversized_data_and_bad_urls() -> None:
    with pytest.raises(ValueError, match="64"):
        Button("x", callback_data="é" * 33)
    with pytest.raises(ValueError, match="URL"):
        Button("x", url="javascript:alert(1)")
    with pytest.raises(ValueError, match="exactly one"):
        Button("x")


@pytest.mark.parametrize(
    "callback",
    [
        MorePage("latest", 5),
        MorePage("topic", 20, "Kupyansk frontline"),
        BreakingAction("send", 123456789),
        BreakingAction("cancel", 1),
        SettingChange("breaking", "off"),
        SettingChange("time", "07:30"),
        SettingChange("tz", "America/Argentina/ComodRivadavia"),
    ],
)
def test_callback_data_round_trips(callback: MorePage | BreakingAction | SettingChange) -> None:
    data = callback_data(callback)
    assert len(data.encode()) <= CALLBACK_DATA_LIMIT
    assert parse_callback(data) == callback


@pytest.mark.parametrize("data", ["", "m:x:1:q", "m:l:-1:", "b:send:x", "s:time:25:00", "zzz"])
def test_forged_or_stale_callback_data_parses_to_none(data: str) -> None:
    assert parse_callback(data) is None


@settings(deadline=None)  # a busy shared machine must not fail a correct example
@given(st.text(), st.integers(min_value=0, max_value=10**12))
def test_topic_queries_of_any_size_fit_64_bytes(query: str, offset: int) -> None:
    data = callback_data(MorePage("topic", offset, query))
    assert len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT
    parsed = parse_callback(data)
    assert isinstance(parsed, MorePage)
    assert parsed.offset == offset


def test_breaking_and_settings_keyboards_carry_parseable_data() -> None:
    keyboards = [breaking_keyboard(42), settings_message("23:30", "Europe/Kyiv", False).keyboard]
    parsed = [
        parse_callback(button.callback_data or "")
        for keyboard in keyboards
        for row in keyboard
        for button in row
    ]
    assert BreakingAction("send", 42) in parsed
    assert SettingChange("time", "00:30") in parsed
    assert SettingChange("breaking", "on") in parsed
    assert None not in parsed


# ------------------------------------------------------------------ hostile content (properties)

HOSTILE_PIECES = st.sampled_from(
    [
        "<",
        ">",
        "&",
        "&amp;",
        "&lt",
        '"',
        "<script>alert(1)</script>",
        "</b>",
        "<b>",
        "😀",
        "👩‍👩‍👧",
        "🇺🇦",
        "مرحبا بالعالم",
        "שלום",
        "\u202e",
        "\u200b",
        "\u200d",
        "\ufeff",
        "\x00",
        "\r\n",
        "\ud800",
        " ",
        "\n",
        "word",
    ]
)
HOSTILE_TEXT = st.lists(st.one_of(HOSTILE_PIECES, st.text(max_size=20)), max_size=30).map("".join)
LONG_PARAGRAPH = st.builds(
    lambda piece, n: (piece + " ") * n, HOSTILE_TEXT, st.integers(min_value=0, max_value=10_000)
).map(lambda text: text[:10_000])


@st.composite
def hostile_cards(draw: st.DrawFn) -> Card:
    return Card(
        title=draw(st.one_of(HOSTILE_TEXT, LONG_PARAGRAPH)),
        url=draw(st.one_of(st.just(SEED_URL), HOSTILE_TEXT, st.just("https://x.org/<&>\""))),
        source=draw(st.one_of(st.none(), HOSTILE_TEXT)),
        via=draw(st.one_of(st.none(), HOSTILE_TEXT)),
        summary=tuple(draw(st.lists(st.one_of(HOSTILE_TEXT, LONG_PARAGRAPH), max_size=4))),
        quotes=tuple(
            Quote(text, speaker)
            for text, speaker in draw(
                st.lists(st.tuples(HOSTILE_TEXT, st.one_of(st.none(), HOSTILE_TEXT)), max_size=3)
            )
        ),
        figures=tuple(
            Figure(text, 1.0) for text in draw(st.lists(HOSTILE_TEXT, max_size=6))
        ),
        reading_minutes=draw(st.integers(min_value=-5, max_value=10_000)),
    )


HYPOTHESIS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@HYPOTHESIS
@given(hostile_cards(), st.booleans())
def test_any_card_is_accepted_by_the_strict_parser(card: Card, caption: bool) -> None:
    message = card_message(Story(1, card, None), caption=caption)
    parsed = accepted(message)
    if caption:
        assert utf16_len(parsed.text) <= 1024


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_cards(), min_size=1, max_size=12), HOSTILE_TEXT)
def test_any_digest_is_accepted_and_loses_no_story(cards: list[Card], title: str) -> None:
    stories = [Story(n, card, None) for n, card in enumerate(cards)]
    messages = digest_messages(stories, title=title, more=more_button("topic", 12, title))
    texts = [accepted(m).text for m in messages]
    assert messages[-1].keyboard
    joined = "\n".join(texts)
    for story in stories:
        # the title's first word survives (titles are capped, never dropped)
        first_word = story.title.split(" ", 1)[0]
        assert first_word.rstrip("…")[:10] in joined


@HYPOTHESIS
@given(st.lists(st.tuples(HOSTILE_TEXT, st.sampled_from(["b", "i", "code", "a", ""]))))
def test_rich_text_round_trips_through_the_parser(pieces: list[tuple[str, str]]) -> None:
    rich = join(
        [
            styled(plain(text), Style(tag, SEED_URL if tag == "a" else None)) if tag else plain(text)
            for text, tag in pieces
        ]
    )
    assert parse_html(to_html(rich)).text == rich_text(rich)


WORDS = st.lists(
    st.one_of(st.sampled_from(["😀", "<b>", "&", "word", "مرحبا", "x" * 300]), st.text(
        st.characters(blacklist_categories=["Zs", "Zl", "Zp", "Cc", "Cs"]), min_size=1,
        max_size=12,
    )),
    min_size=1,
    max_size=400,
)


@HYPOTHESIS
@given(
    st.lists(st.tuples(WORDS, st.sampled_from(["b", "i", "a", ""])), min_size=1, max_size=12),
    st.integers(min_value=60, max_value=4000),
)
def test_packing_respects_the_budget_and_keeps_every_word(
    items: list[tuple[list[str], str]], budget: int
) -> None:
    riches = [
        styled(plain(" ".join(words)), Style(tag, SEED_URL if tag == "a" else None))
        if tag
        else plain(" ".join(words))
        for words, tag in items
    ]
    packed = pack(riches, budget=budget)
    shown: list[str] = []
    for rich in packed:
        parsed = normalize(parse_html(to_html(rich)))
        assert 0 < utf16_len(parsed.text) <= budget
        shown.extend(parsed.text.split())
    expected = [word for words, _ in items for word in " ".join(words).split()]
    # Only words longer than a whole message may be cut, and then their pieces stay in order.
    assert "".join(shown) == "".join(expected)
    long_words = {word for word in expected if utf16_len(word) > budget}
    if not long_words:
        assert shown == expected
