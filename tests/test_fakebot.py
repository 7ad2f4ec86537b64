"""The fake Bot API behaves as Telegram does towards python-telegram-bot's own HTTP stack."""

from __future__ import annotations

import asyncio
import threading
import time
import warnings
from collections.abc import AsyncIterator

import httpx
import pytest
import telegram
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from tests.fakebot import FakeBotAPI, fake_bot_api_fixture  # noqa: F401
from tests.fakebot.entities import EntityParseError, ParsedText, entity_text, normalize, parse_html, utf16_len


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI) -> AsyncIterator[telegram.Bot]:
    """A real telegram.Bot talking HTTP to the fake."""
    async with telegram.Bot(fake_bot_api.token, base_url=fake_bot_api.base_url) as real_bot:
        yield real_bot


def button(text: str, data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data)]])


# ------------------------------------------------------------------ HTML parsing


def test_html_parse_gives_plain_text_and_utf16_entities() -> None:
    """Entity offsets count emoji as two UTF-16 units, as the Bot API reports them."""
    parsed = parse_html('😀 <b>bold</b> <a href="https://example.org/a?b=1&amp;c=2">link</a>')
    assert parsed.text == "😀 bold link"
    bold, link = parsed.entities
    assert bold == {"type": "bold", "offset": 3, "length": 4}
    assert link["url"] == "https://example.org/a?b=1&c=2"
    assert entity_text(parsed.text, link) == "link"
    assert utf16_len(parsed.text) == len(parsed.text) + 1


@pytest.mark.parametrize(
    ("html", "kind"),
    [
        ("<b>x</b>", "bold"),
        ("<strong>x</strong>", "bold"),
        ("<i>x</i>", "italic"),
        ("<em>x</em>", "italic"),
        ("<u>x</u>", "underline"),
        ("<ins>x</ins>", "underline"),
        ("<s>x</s>", "strikethrough"),
        ("<strike>x</strike>", "strikethrough"),
        ("<del>x</del>", "strikethrough"),
        ('<span class="tg-spoiler">x</span>', "spoiler"),
        ("<tg-spoiler>x</tg-spoiler>", "spoiler"),
        ("<code>x</code>", "code"),
        ("<pre>x</pre>", "pre"),
        ("<blockquote>x</blockquote>", "blockquote"),
        ("<blockquote expandable>x</blockquote>", "expandable_blockquote"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "custom_emoji"),
    ],
)
def test_every_documented_tag_becomes_its_entity(html: str, kind: str) -> None:
    assert [e["type"] for e in parse_html(html).entities] == [kind]


def test_pre_with_code_language_is_one_pre_entity() -> None:
    parsed = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert parsed.entities == ({"type": "pre", "offset": 0, "length": 5, "language": "python"},)


@pytest.mark.parametrize(
    "html",
    [
        "<b>unclosed",
        "<script>alert(1)</script>",
        "<b>mismatched</i>",
        "a < b",
        "trailing <",
        "Tom & Jerry",
        "&nbsp;",
        "</b>",
        "<span>plain span</span>",
        '<a href="unclosed>x</a>',
        "<b><i>crossed</b></i>",
    ],
)
def test_invalid_html_is_refused(html: str) -> None:
    with pytest.raises(EntityParseError):
        parse_html(html)


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("ab<u", "Unclosed start tag at byte offset 2"),
        ("ab<marquee x>", 'Unsupported start tag "marquee" at byte offset 2'),
        ("é<b =x>", 'Empty attribute name in the tag "b" at byte offset 2'),
        ("<b  x = ", 'Unclosed start tag "b" at byte offset 0'),
        ("<b x=ab,c>", "Unexpected end of name token at byte offset 5"),
        ('<b x="never closed>y</b>', "Unclosed start tag at byte offset 0"),
        ("😀</", "Unexpected end tag at byte offset 4"),
        ("<b>x</b   ", "Unclosed end tag at byte offset 4"),
        ("<b>x</i  >", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<i>open", 'Can\'t find end tag corresponding to start tag "i"'),
        ("&#xD83D;", "unmatched surrogate code units"),
    ],
)
def test_errors_read_as_telegram_words_them(html: str, error: str) -> None:
    """Descriptions and UTF-8 byte offsets follow tdlib's parse_html."""
    with pytest.raises(EntityParseError) as caught:
        parse_html(html)
    assert error in str(caught.value)


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [
        ("<i>x</>", "x", [("italic", 0, 1)]),
        ("<i>x</   >", "x", [("italic", 0, 1)]),
        ("<i whatever>x</i>", "x", [("italic", 0, 1)]),
        ("<b a = 'q' c=d.e-f>x</b>", "x", [("bold", 0, 1)]),
        ("<b></b>y", "y", []),
        ("<blockquote expandable=no>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        ("<pre><code>x</code></pre>", "x", [("pre", 0, 1), ("code", 0, 1)]),
        ("<pre><code class='language-'>x</code></pre>", "x", [("pre", 0, 1), ("code", 0, 1)]),
        ("<pre> <code class='language-go'>x</code></pre>", " x", [("pre", 0, 2), ("code", 1, 1)]),
        ("<code><b>x</b></code>", "x", [("code", 0, 1), ("bold", 0, 1)]),
        ("<i><b>x</b>y</i>", "xy", [("italic", 0, 2), ("bold", 0, 1)]),
        ("<a>not a link</a>", "not a link", []),
    ],
)
def test_parsing_matches_tdlib_on_edge_cases(
    html: str, text: str, entities: list[tuple[str, int, int]]
) -> None:
    parsed = parse_html(html)
    assert parsed.text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed.entities] == entities


def test_language_moves_to_the_pre_whichever_way_they_nest() -> None:
    for html in (
        '<pre><code class="language-go">x</code></pre>',
        '<code class="language-go"><pre>x</pre></code>',
    ):
        assert parse_html(html).entities == (
            {"type": "pre", "offset": 0, "length": 1, "language": "go"},
        )


def test_links_are_stored_as_telegram_normalises_them() -> None:
    def url(html: str) -> str:
        (entity,) = parse_html(html).entities
        return str(entity["url"])

    assert url("<a href=example.org>x</a>") == "http://example.org/"
    assert url("<a href='example.org?a&lt;b'>x</a>") == "http://example.org/?a<b"
    assert url("<a>https://example.org/p?q#f</a>") == "https://example.org/p?q#f"
    assert parse_html('<a href="javascript:alert(1)">x</a>').entities == ()
    assert parse_html('<a href="tg://user?id=42">x</a>').entities[0]["type"] == "text_mention"


def test_lenient_mode_keeps_unknown_references_literally() -> None:
    parsed = parse_html("&ge;&lt&#1114112;&#0;", strict_ampersand=False)
    assert parsed.text == "&ge;<&#1114112;&#0;"


MARKUP_SOUP = st.lists(
    st.one_of(
        st.sampled_from(list("<>&/=\"' ;#x")),
        st.sampled_from(["b", "i", "a", "pre", "code", "href", "amp", "lt", "blockquote", "😀"]),
        st.characters(),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(MARKUP_SOUP, st.booleans())
def test_any_input_parses_or_is_refused_cleanly(html: str, strict: bool) -> None:
    """Fuzz: only EntityParseError escapes, and every entity lies inside the text."""
    try:
        parsed = parse_html(html, strict_ampersand=strict)
    except EntityParseError:
        return
    size = utf16_len(parsed.text)
    for entity in parsed.entities:
        assert entity["length"] > 0
        assert entity["offset"] >= 0
        assert entity["offset"] + entity["length"] <= size


@settings(deadline=None)  # a busy shared machine must not fail a correct example
@given(st.text())
def test_escaped_text_parses_back_to_itself(text: str) -> None:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert parse_html(escaped) == ParsedText(text, ())


def test_only_the_four_named_entities_and_numeric_ones_decode() -> None:
    parsed = parse_html("&lt;&gt;&amp;&quot;&#65;&#x1F600;")
    assert parsed.text == '<>&"A😀'


def test_lenient_mode_keeps_a_bare_ampersand_like_tdlib() -> None:
    assert parse_html("Tom & Jerry", strict_ampersand=False).text == "Tom & Jerry"


def test_normalize_trims_whitespace_and_moves_entities() -> None:
    parsed = normalize(parse_html("\n  <b>x</b> y \n"))
    assert parsed.text == "x y"
    assert parsed.entities == ({"type": "bold", "offset": 0, "length": 1},)


# ------------------------------------------------------------------ sending through PTB


async def test_send_message_returns_the_stored_message(
    fake_bot_api: FakeBotAPI, bot: telegram.Bot
) -> None:
    first = await bot.send_message(42, "<b>Hello</b> &amp; welcome", parse_mode="HTML")
    second = await bot.send_message(42, "plain", reply_markup=button("More", "more:1"))
    assert first.text == "Hello & welcome"
    assert first.entities[0].type == "bold"
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.id == 42
    stored = fake_bot_api.sent_messages(42)
    assert [m.text for m in stored] == ["Hello & welcome", "plain"]
    assert stored[1].callback_data == ["more:1"]
    assert fake_bot_api.method_counts["sendMessage"] == 2


async def test_bad_html_is_a_bad_request(fake_bot_api: FakeBotAPI, bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)parse entities"):
        await bot.send_message(42, "<b>oops", parse_mode="HTML")
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)parse entities"):
        await bot.send_message(42, "1 < 2", parse_mode="HTML")
    assert fake_bot_api.sent_messages(42) == []


async def test_empty_and_too_long_texts_are_refused(bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(42, "<b> </b>", parse_mode="HTML")
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(42, "😀" * 2049)
    accepted = await bot.send_message(42, "<b>" + "😀" * 2048 + "</b>", parse_mode="HTML")
    assert accepted.text == "😀" * 2048


async def test_button_limits_are_enforced(bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(42, "x", reply_markup=button("b", "x" * 65))
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)URL"):
        await bot.send_message(
            42,
            "x",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Read", url="javascript:alert(1)")]]
            ),
        )
    sent = await bot.send_message(42, "x", reply_markup=button("b", "é" * 32))
    assert sent.reply_markup is not None


@pytest.fixture
async def frozen_bot() -> AsyncIterator[tuple[FakeBotAPI, telegram.Bot]]:
    """A fake whose rate buckets never refill (frozen clock), so limits are exact, and a Bot."""
    with FakeBotAPI(rate_clock=lambda: 1000.0) as fake:
        async with telegram.Bot(fake.token, base_url=fake.base_url) as real_bot:
            yield fake, real_bot


async def test_flooding_a_chat_gets_retry_after(
    frozen_bot: tuple[FakeBotAPI, telegram.Bot],
) -> None:
    fake, bot = frozen_bot
    fake.set_limits(per_chat_burst=3, per_chat_rate=0.25)
    for n in range(3):
        await bot.send_message(42, f"message {n}")
    with pytest.raises(telegram.error.RetryAfter) as caught:
        await bot.send_message(42, "one too many")
    refused = fake.calls_to("sendMessage")[-1]
    assert refused.status == 429
    assert refused.description == "Too Many Requests: retry after 4"
    with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
        warnings.simplefilter("ignore")
        assert caught.value.retry_after == 4
    assert fake.rate_limited == 1
    await bot.send_message(43, "another chat is not limited")


async def test_groups_get_twenty_messages_a_minute(
    frozen_bot: tuple[FakeBotAPI, telegram.Bot],
) -> None:
    fake, bot = frozen_bot
    fake.set_limits(per_chat_burst=20)
    for n in range(20):
        await bot.send_message(-100, f"group message {n}")
    with pytest.raises(telegram.error.RetryAfter, match="Retry in 3 seconds"):
        await bot.send_message(-100, "one too many")  # the next slot is three seconds away


async def test_overall_rate_limit_applies_across_chats(
    frozen_bot: tuple[FakeBotAPI, telegram.Bot],
) -> None:
    fake, bot = frozen_bot
    fake.set_limits(global_rate=5)
    results = await asyncio.gather(
        *(bot.send_message(1000 + n, "hi") for n in range(8)), return_exceptions=True
    )
    limited = [r for r in results if isinstance(r, telegram.error.RetryAfter)]
    assert len(limited) == 3
    assert fake.rate_limited == 3


async def test_raised_limits_allow_fast_broadcasts(
    fake_bot_api: FakeBotAPI, bot: telegram.Bot
) -> None:
    fake_bot_api.set_limits(global_rate=300)
    await asyncio.gather(*(bot.send_message(2000 + n, "hi") for n in range(100)))
    assert fake_bot_api.rate_limited == 0


async def test_chat_faults_map_to_ptb_errors(fake_bot_api: FakeBotAPI, bot: telegram.Bot) -> None:
    fake_bot_api.block_chat(1)
    fake_bot_api.deactivate_user(2)
    fake_bot_api.chat_not_found(3)
    fake_bot_api.migrate_chat(-4, -1004)
    with pytest.raises(telegram.error.Forbidden, match=r"(?i)blocked"):
        await bot.send_message(1, "x")
    with pytest.raises(telegram.error.Forbidden, match=r"(?i)deactivated"):
        await bot.send_message(2, "x")
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(3, "x")
    with pytest.raises(telegram.error.ChatMigrated) as migrated:
        await bot.send_message(-4, "x")
    assert migrated.value.new_chat_id == -1004
    assert (await bot.send_message(-1004, "x")).chat.type == "supergroup"


async def test_injected_502s_then_a_hang_that_delivers_but_times_out(fake_bot_api: FakeBotAPI) -> None:
    fake_bot_api.fail_next("sendMessage", 2)
    fake_bot_api.hang_next("sendMessage", seconds=5, deliver=True)
    request = HTTPXRequest(read_timeout=1.0)  # well past a normal answer, even on a busy box
    async with telegram.Bot(
        fake_bot_api.token, base_url=fake_bot_api.base_url, request=request
    ) as bot:
        for _ in range(2):
            with pytest.raises(telegram.error.NetworkError, match=r"(?i)Bad Gateway"):
                await bot.send_message(42, "x")
        with pytest.raises(telegram.error.TimedOut):
            await bot.send_message(42, "delivered but unanswered")
        assert [m.text for m in fake_bot_api.sent_messages(42)] == ["delivered but unanswered"]
        assert (await bot.send_message(42, "fine again")).message_id == 2


async def test_random_failures_are_seeded(fake_bot_api: FakeBotAPI, bot: telegram.Bot) -> None:
    def run() -> list[bool]:
        fake_bot_api.fail_randomly(0.3, seed=7)
        return [fake_bot_api.handle(f"/bot{fake_bot_api.token}/sendMessage",
                                    {"chat_id": 5000 + n, "text": "x"})[0] == 200
                for n in range(40)]

    fake_bot_api.set_limits(enabled=False)
    first, second = run(), run()
    assert first == second
    assert 0 < first.count(False) < 40


async def test_edit_message_text_applies_and_refuses_no_change(
    fake_bot_api: FakeBotAPI, bot: telegram.Bot
) -> None:
    sent = await bot.send_message(42, "Sending… 0/10")
    edited = await bot.edit_message_text("Sent <b>10</b>/10", 42, sent.message_id, parse_mode="HTML")
    assert isinstance(edited, telegram.Message)
    assert edited.text == "Sent 10/10"
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("Sent <b>10</b>/10", 42, sent.message_id, parse_mode="HTML")
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)not found"):
        await bot.edit_message_text("x", 42, 999)
    (stored,) = fake_bot_api.sent_messages(42)
    assert stored.text == "Sent 10/10"
    assert stored.history == ["Sending… 0/10"]
    assert stored.edit_date is not None


async def test_commands_round_trip(fake_bot_api: FakeBotAPI, bot: telegram.Bot) -> None:
    await bot.set_my_commands([("start", "Subscribe"), ("latest", "Newest stories")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "latest"]
    assert fake_bot_api.published_commands()[1]["description"] == "Newest stories"
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Start!", "bad")])
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_unknown_method_is_404_and_wrong_token_401(fake_bot_api: FakeBotAPI) -> None:
    async with httpx.AsyncClient() as client:
        unknown = await client.post(f"{fake_bot_api.base_url}{fake_bot_api.token}/sendTelepathy")
        wrong = await client.post(f"{fake_bot_api.base_url}1:wrong/getMe")
        json_body = await client.post(
            f"{fake_bot_api.base_url}{fake_bot_api.token}/sendMessage",
            json={"chat_id": 9, "text": "<i>json</i>", "parse_mode": "HTML"},
        )
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert wrong.status_code == 401
    assert json_body.json()["result"]["entities"] == [{"type": "italic", "offset": 0, "length": 4}]


# ------------------------------------------------------------------ updates


async def test_get_updates_long_polls_and_honours_offset(
    fake_bot_api: FakeBotAPI, bot: telegram.Bot
) -> None:
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await fake_bot_api.wait_until_async(lambda: fake_bot_api.in_flight["getUpdates"])
    assert not waiting.done()  # the poll is held open while there is nothing to deliver
    fake_bot_api.send_command(7, "/latest 3")
    (update,) = await asyncio.wait_for(waiting, 3)
    assert update.message is not None
    assert update.effective_user is not None
    assert update.message.text == "/latest 3"
    assert update.message.entities[0].type == "bot_command"
    assert update.message.entities[0].length == len("/latest")
    assert update.effective_user.id == 7
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [update.update_id]
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert fake_bot_api.pending_updates() == 0


async def test_allowed_updates_filters_update_types(
    fake_bot_api: FakeBotAPI, bot: telegram.Bot
) -> None:
    fake_bot_api.send_text(7, "hello")
    fake_bot_api.block_bot(7)
    updates = await bot.get_updates(timeout=0, allowed_updates=["my_chat_member"])
    assert [u.my_chat_member is not None for u in updates] == [True]
    member = updates[0].my_chat_member
    assert member is not None
    assert (member.old_chat_member.status, member.new_chat_member.status) == ("member", "kicked")


async def test_pressing_a_button_sends_a_callback_query(
    fake_bot_api: FakeBotAPI, bot: telegram.Bot
) -> None:
    sent = await bot.send_message(7, "Pick", reply_markup=button("Next", "page:2"))
    (stored,) = fake_bot_api.sent_messages(7)
    query_id = fake_bot_api.press_button(7, stored, "page:2")
    with pytest.raises(LookupError):
        fake_bot_api.press_button(7, stored, "page:3")
    (update,) = await bot.get_updates(timeout=1)
    query = update.callback_query
    assert query is not None
    assert query.message is not None
    assert (query.id, query.data, query.message.message_id) == (query_id, "page:2", sent.message_id)
    assert query.chat_instance
    assert await query.answer("Done")
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)query ID is invalid"):
        await query.answer("twice")
    assert fake_bot_api.callback_answers[0]["text"] == "Done"


async def test_group_commands_carry_the_group_chat(
    fake_bot_api: FakeBotAPI, bot: telegram.Bot
) -> None:
    fake_bot_api.send_group_message(7, -100, "/start@gazebot_test_bot")
    (update,) = await bot.get_updates(timeout=1)
    assert update.effective_chat is not None
    assert update.message is not None
    assert update.effective_chat.id == -100
    assert update.effective_chat.type == "group"
    assert update.message.entities[0].length == len("/start@gazebot_test_bot")


async def test_application_answers_start_via_long_polling(fake_bot_api: FakeBotAPI) -> None:
    """A minimal PTB Application polls the fake and replies to /start and a button press."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        assert update.effective_user is not None
        await update.effective_message.reply_html(
            f"Welcome, <b>{update.effective_user.first_name}</b>!",
            reply_markup=button("Settings", "settings"),
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("Settings open")

    app = (
        Application.builder()
        .token(fake_bot_api.token)
        .base_url(fake_bot_api.base_url)
        .get_updates_request(HTTPXRequest(read_timeout=5))
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=2)
        try:
            fake_bot_api.send_command(7, "/start")
            (welcome,) = await fake_bot_api.wait_for_messages_async(7, 1)
            assert welcome.text == "Welcome, User7!"
            assert welcome.entities_of("bold") == ["User7"]
            fake_bot_api.press_button(7, welcome, "settings")
            await fake_bot_api.wait_until_async(lambda: fake_bot_api.callback_answers)
            await fake_bot_api.wait_until_async(
                lambda: fake_bot_api.sent_messages(7)[0].text == "Settings open"
            )
        finally:
            await app.updater.stop()
            await app.stop()
    methods = {call.method for call in fake_bot_api.calls}
    assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage"} <= methods


def test_wait_for_messages_times_out_with_what_arrived(fake_bot_api: FakeBotAPI) -> None:
    with pytest.raises(AssertionError, match=r"(?i)wanted 1"):
        fake_bot_api.wait_for_messages(7, 1, timeout=0.1)


async def test_a_restarted_application_takes_over_polling(fake_bot_api: FakeBotAPI) -> None:
    """Stopping one Application and starting another against the same fake loses no update."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo {update.effective_message.text}")

    for round_number in range(2):
        app = Application.builder().token(fake_bot_api.token).base_url(fake_bot_api.base_url)
        application = app.build()
        application.add_handler(CommandHandler("ping", echo))
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0, timeout=1)
            before = fake_bot_api.count_sent(7)
            fake_bot_api.send_command(7, f"/ping {round_number}")
            await fake_bot_api.wait_for_messages_async(7, before + 1)
            assert fake_bot_api.last_message(7).text == f"echo /ping {round_number}"
            await application.updater.stop()
            await application.stop()
    assert fake_bot_api.pending_updates() == 0


def test_close_releases_hung_requests_at_once() -> None:
    fake = FakeBotAPI().start()
    fake.hang_next("getMe", seconds=60)
    outcome: list[str] = []

    def call() -> None:
        with httpx.Client(timeout=30) as client:
            try:
                client.post(f"{fake.base_url}{fake.token}/getMe")
                outcome.append("answered")
            except httpx.HTTPError:
                outcome.append("dropped")

    worker = threading.Thread(target=call)
    worker.start()
    fake.wait_until(lambda: fake.in_flight["getMe"], timeout=5)
    started = time.monotonic()
    fake.close()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert time.monotonic() - started < 5
    assert outcome


async def test_multipart_and_form_requests_are_decoded(fake_bot_api: FakeBotAPI) -> None:
    url = f"{fake_bot_api.base_url}{fake_bot_api.token}/sendMessage"
    markup = '{"inline_keyboard": [[{"text": "Read", "url": "https://example.org/"}]]}'
    async with httpx.AsyncClient() as client:
        multipart = await client.post(
            url,
            data={"chat_id": "-1001234567890", "text": "<b>multi</b>", "parse_mode": "HTML",
                  "reply_markup": markup},
            files={"unused": ("a.txt", b"file body")},
        )
        form = await client.post(url, data={"chat_id": "8", "text": "form"})
    result = multipart.json()["result"]
    assert result["chat"] == {"id": -1001234567890, "type": "supergroup",
                              "title": "Group -1001234567890"}
    assert result["entities"] == [{"type": "bold", "offset": 0, "length": 5}]
    assert result["reply_markup"]["inline_keyboard"][0][0]["url"] == "https://example.org/"
    assert form.json()["result"]["text"] == "form"


async def test_injected_429_carries_retry_after(fake_bot_api: FakeBotAPI, bot: telegram.Bot) -> None:
    fake_bot_api.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(telegram.error.RetryAfter, match="Retry in 7 seconds"):
        await bot.send_message(42, "x")
    assert (await bot.send_message(42, "y")).text == "y"


async def test_group_membership_and_migration_updates(
    fake_bot_api: FakeBotAPI, bot: telegram.Bot
) -> None:
    fake_bot_api.add_bot_to_group(7, -200, title="Newsroom")
    fake_bot_api.migrate_chat(-200, -1000000000200, announce=True)
    updates = await bot.get_updates(timeout=0)
    added, moved_out, moved_in = updates
    assert added.my_chat_member is not None
    assert added.my_chat_member.chat.title == "Newsroom"
    assert added.my_chat_member.new_chat_member.status == "member"
    assert moved_out.message is not None
    assert moved_in.message is not None
    assert moved_out.message.migrate_to_chat_id == -1000000000200
    assert moved_in.message.migrate_from_chat_id == -200
    assert moved_in.message.chat.title == "Newsroom"
    fake_bot_api.remove_bot_from_group(7, -1000000000200)
    with pytest.raises(telegram.error.Forbidden, match=r"(?i)kicked"):
        await bot.send_message(-1000000000200, "x")
    fake_bot_api.set_chat_error(99, 403, "Forbidden: bot can't initiate conversation with a user")
    with pytest.raises(telegram.error.Forbidden, match=r"(?i)initiate"):
        await bot.send_message(99, "x")


async def test_malformed_parameters_are_a_bad_request(fake_bot_api: FakeBotAPI) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"{fake_bot_api.base_url}{fake_bot_api.token}/getUpdates", data={"offset": "soon"}
        )
        markup = await client.post(
            f"{fake_bot_api.base_url}{fake_bot_api.token}/sendMessage",
            data={"chat_id": "5", "text": "x", "reply_markup": "{not json"},
        )
    assert answer.status_code == 400
    assert answer.json()["ok"] is False
    assert markup.status_code == 400
    assert fake_bot_api.internal_errors == []
