"""Telegram HTML for cards, digests and story lists: pure functions, every message within limits.

Text is built as *rich text* — a sequence of spans, each plain text with the tags around it — and
turned into HTML only at the end.  That keeps three promises by construction: everything from an
article or a user is escaped exactly once; lengths are counted on the text Telegram shows (UTF-16
code units, emoji count 2) rather than on the HTML; and a long item can be cut at a word boundary
without ever cutting a tag or an entity, because tags are re-balanced around every piece.

Buttons are plain data (`Button`); the bot converts them to PTB's InlineKeyboardMarkup, so this
module never imports `telegram`.  Callback data is at most 64 bytes, checked when a button is made.

What callers use: `Story` (id, card, published time, URL; `Story.from_article`);
`card_message` / `card_rich` (a full card); `digest_item` and `digest_messages` (compact items
packed into messages); `pack` (any rich items into messages ≤ 4096, split between items);
`text_message` (foreign text, escaped and split); `escape` / `escape_attribute` / `safe_url`;
`read_button`, `more_button`, `breaking_keyboard`, `settings_message`; `callback_data` /
`parse_callback` for `MorePage`, `BreakingAction` and `SettingChange`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Literal
from urllib.parse import quote, urlsplit, urlunsplit

from gazebot.analysis.card import Card
from gazebot.models import Article

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
# Telegram counts UTF-16 code units after entity parsing; we count the same way and still keep a
# margin, so a miscount of a few characters (or a future change on Telegram's side) cannot bounce.
MESSAGE_BUDGET = 4000
CAPTION_BUDGET = 1000
CALLBACK_DATA_LIMIT = 64
ELLIPSIS = "…"

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

TITLE_CAP = 300
SENTENCE_CAP = 600
SUMMARY_CAP = 1500
FIGURE_CAP = 200
QUOTE_CAP = 500
SPEAKER_CAP = 100
SOURCE_CAP = 80

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_RUNS_OF_SPACE = re.compile(r"\s+")
_HOST = re.compile(r"^[A-Za-z0-9.-]+$")
_INVISIBLE = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"})
_QUOTE_MARKS = "\"'“”„«»‘’‚ "
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# Characters a URL may carry as they are; everything else is percent-encoded.
_URL_SAFE = "/:@!$&'()*+,;=-._~%"


# --------------------------------------------------------------------------- escaping


def clean(text: str) -> str:
    """Make foreign text sendable: lone surrogates become U+FFFD, control characters (other
    than newline and tab) are dropped, CRLF becomes LF.  Zero-width and bidi characters stay:
    they are part of real titles in some languages."""
    text = _LONE_SURROGATE.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """`clean` plus every run of whitespace (newlines included) folded into one space."""
    return _RUNS_OF_SPACE.sub(" ", clean(text)).strip()


def escape(text: str) -> str:
    """Escape text for Telegram HTML: `&`, `<` and `>` become entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(text: str) -> str:
    """Escape text for a double-quoted HTML attribute value (also `"`)."""
    return escape(text).replace('"', "&quot;")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (characters beyond U+FFFF count 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def safe_url(url: str | None) -> str | None:
    """An http(s) URL Telegram accepts for links and buttons, or None.

    Spaces and non-ASCII characters are percent-encoded, international host names become IDNA;
    other schemes (javascript:, data:, file:) and host-less URLs are refused.
    """
    if not url:
        return None
    url = clean(url).strip()
    if not url:
        return None
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not hostname:
        return None
    try:
        host = hostname.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if not _HOST.match(host) or "." not in host.strip("."):
        return None
    netloc = host if port is None else f"{host}:{port}"
    rebuilt = urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            quote(parts.path, safe=_URL_SAFE),
            quote(parts.query, safe=_URL_SAFE + "?"),
            quote(parts.fragment, safe=_URL_SAFE + "?#"),
        )
    )
    return rebuilt if len(rebuilt) <= 2048 else None


# --------------------------------------------------------------------------- rich text


@dataclass(frozen=True, slots=True)
class Style:
    """One HTML tag around a span: `tag` is b, i, u, s, code, pre, blockquote, tg-spoiler or a
    (then `href` is the link)."""

    tag: str
    href: str | None = None

    def open(self) -> str:
        if self.tag == "a":
            return f'<a href="{escape_attribute(self.href or "")}">'
        return f"<{self.tag}>"

    def close(self) -> str:
        return f"</{self.tag}>"


BOLD = Style("b")
ITALIC = Style("i")
QUOTE = Style("blockquote")


@dataclass(frozen=True, slots=True)
class Span:
    """Plain text (not yet escaped) with the tags that wrap it, outermost first."""

    text: str
    styles: tuple[Style, ...] = ()


Rich = tuple[Span, ...]


def plain(text: str, *styles: Style) -> Rich:
    """Rich text of one span."""
    return (Span(text, styles),) if text else ()


def styled(rich: Rich, style: Style) -> Rich:
    """Wrap every span of `rich` in `style` (outermost)."""
    return tuple(Span(span.text, (style, *span.styles)) for span in rich)


def join(parts: Iterable[Rich], separator: str = "") -> Rich:
    """Concatenate rich texts, with a plain separator between non-empty parts."""
    out: list[Span] = []
    for part in parts:
        if not part:
            continue
        if out and separator:
            out.append(Span(separator))
        out.extend(part)
    return tuple(out)


def rich_length(rich: Rich) -> int:
    """UTF-16 length of the text Telegram will show."""
    return sum(utf16_len(span.text) for span in rich)


def rich_text(rich: Rich) -> str:
    """The plain text Telegram will show (before it trims outer whitespace)."""
    return "".join(span.text for span in rich)


def to_html(rich: Rich) -> str:
    """Telegram HTML for rich text; adjacent spans share their common outer tags."""
    out: list[str] = []
    stack: list[Style] = []
    for span in rich:
        if not span.text:
            continue
        common = 0
        while (
            common < len(stack)
            and common < len(span.styles)
            and stack[common] == span.styles[common]
        ):
            common += 1
        out.extend(style.close() for style in reversed(stack[common:]))
        del stack[common:]
        for style in span.styles[common:]:
            out.append(style.open())
            stack.append(style)
        out.append(escape(span.text))
    out.extend(style.close() for style in reversed(stack))
    return "".join(out)


def _cut_point(text: str, max_units: int) -> int:
    """Index in `text` of the last word boundary whose prefix fits `max_units` UTF-16 units;
    -1 when no boundary fits."""
    units = 0
    best = -1
    for index, char in enumerate(text):
        if units > max_units:
            break
        if char.isspace():
            best = index
        units += 2 if ord(char) > 0xFFFF else 1
    if units <= max_units:
        return len(text)
    return best


def _hard_cut(text: str, max_units: int) -> int:
    """Index of the longest prefix of `text` that fits `max_units` (one unbreakable word)."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > max_units:
            return index
    return len(text)


def split_rich(rich: Rich, max_units: int) -> tuple[Rich, Rich]:
    """Split `rich` into a head of at most `max_units` (≥ 2) and the rest, at the last word
    boundary that fits; a single word longer than the limit is cut inside it, as nothing else
    can be.  Whitespace at the cut is dropped; tags stay balanced on both sides."""
    if rich_length(rich) <= max_units:
        return rich, ()
    text = rich_text(rich)
    cut = _cut_point(text, max_units)
    if cut <= 0 or not text[:cut].strip():
        cut = _hard_cut(text, max(max_units, 2))
    head: list[Span] = []
    rest: list[Span] = []
    seen = 0
    for span in rich:
        end = seen + len(span.text)
        if end <= cut:
            head.append(span)
        elif seen >= cut:
            rest.append(span)
        else:
            head.append(Span(span.text[: cut - seen], span.styles))
            rest.append(Span(span.text[cut - seen :], span.styles))
        seen = end
    return _trim(tuple(head), right=True), _trim(tuple(rest), right=False)


def _trim(rich: Rich, *, right: bool) -> Rich:
    """Drop whitespace at one end of rich text (the side where it was cut)."""
    spans = list(rich)
    while spans:
        index = -1 if right else 0
        span = spans[index]
        text = span.text.rstrip() if right else span.text.lstrip()
        if text:
            spans[index] = Span(text, span.styles)
            break
        spans.pop(index)
    return tuple(spans)


def truncate(rich: Rich, max_units: int) -> Rich:
    """`rich` shortened to at most `max_units` at a word boundary, with an ellipsis if cut."""
    if rich_length(rich) <= max_units:
        return rich
    head, _ = split_rich(rich, max(max_units - 1, 1))
    if not head:
        return plain(ELLIPSIS)
    last = head[-1]
    return (*head[:-1], Span(last.text + ELLIPSIS, last.styles))


def cap(text: str, max_units: int) -> str:
    """Plain text shortened at a word boundary to at most `max_units`, with an ellipsis."""
    return rich_text(truncate(plain(text), max_units))


# --------------------------------------------------------------------------- buttons and messages


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: `text` and exactly one of `url` (http/https) or `callback_data`
    (1–64 bytes of UTF-8)."""

    text: str
    url: str | None = None
    callback_data: str | None = None

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("a button needs a label")
        if (self.url is None) == (self.callback_data is None):
            raise ValueError("a button has exactly one of url and callback_data")
        if self.callback_data is not None:
            size = len(self.callback_data.encode("utf-8"))
            if not 1 <= size <= CALLBACK_DATA_LIMIT:
                raise ValueError(f"callback data is {size} bytes; Telegram takes 1–64")
        if self.url is not None and safe_url(self.url) != self.url:
            raise ValueError(f"not a URL Telegram accepts as is: {self.url!r}")


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class Message:
    """One message to send: Telegram HTML `text` (parse_mode HTML), its inline keyboard, and
    whether to show a link preview."""

    text: str
    keyboard: Keyboard = ()
    link_preview: bool = False
    length: int = field(default=0, compare=False)  # UTF-16 units Telegram will count


def message(rich: Rich, keyboard: Keyboard = (), *, link_preview: bool = False) -> Message:
    """A Message from rich text; its length is what Telegram counts."""
    return Message(to_html(rich), keyboard, link_preview, rich_length(rich))


def read_button(url: str | None, label: str = "Read") -> Button | None:
    """The "Read" URL button for an article, or None when the URL is not one Telegram takes."""
    checked = safe_url(url)
    return Button(label, url=checked) if checked else None


# --------------------------------------------------------------------------- stories


@dataclass(frozen=True, slots=True)
class Story:
    """What rendering needs of a stored article: its id, its card, when it was published, and
    its stored URL (empty: the card's)."""

    article_id: int
    card: Card
    published: datetime | None = None
    url: str = ""

    @classmethod
    def from_article(cls, article: Article) -> Story:
        return cls(article.id, article.card, article.published_at, article.url)

    @property
    def link(self) -> str | None:
        """The article URL as Telegram will accept it, or None."""
        return safe_url(self.url or self.card.url)

    @property
    def title(self) -> str:
        """The title on one line, never blank."""
        title = one_line(self.card.title)
        visible = any(unicodedata.category(char) not in _INVISIBLE for char in title)
        return title if visible else "Untitled story"


def _title(story: Story, link: str | None) -> Rich:
    title = plain(cap(story.title, TITLE_CAP), BOLD)
    return styled(title, Style("a", link)) if link else title


def format_time(moment: datetime, zone: tzinfo | None = None) -> str:
    """"24 Nov 2026, 14:05 UTC" in `zone` (UTC by default; naive times are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(zone or UTC)
    name = local.tzname() or "UTC"
    month = MONTHS[local.month - 1]  # not %b: that follows the process locale
    return f"{local.day} {month} {local.year}, {local:%H:%M} {name}"


def source_line(story: Story, zone: tzinfo | None = None) -> str:
    """"The Gaze · via Reuters · 3 min · 24 Nov 2026, 14:05 UTC" (parts that are known)."""
    card = story.card
    parts = []
    if card.source and one_line(card.source):
        parts.append(cap(one_line(card.source), SOURCE_CAP))
    if card.via and one_line(card.via):
        parts.append(f"via {cap(one_line(card.via), SOURCE_CAP)}")
    parts.append(f"{max(card.reading_minutes, 1)} min")
    if story.published is not None:
        parts.append(format_time(story.published, zone))
    return " · ".join(parts)


def _summary(card: Card, budget: int) -> Rich:
    sentences = [cap(one_line(s), SENTENCE_CAP) for s in card.summary if one_line(s)]
    return truncate(plain(" ".join(sentences)), budget)


def _figure_lines(card: Card, count: int) -> list[Rich]:
    return [
        plain(f"• {cap(line, FIGURE_CAP)}")
        for line in (one_line(figure.text) for figure in card.figures[:count])
        if line
    ]


def _quote(text: str, speaker: str | None) -> Rich:
    words = plain(f"“{cap(one_line(text).strip(_QUOTE_MARKS), QUOTE_CAP)}”")
    who = one_line(speaker or "")
    if not who:
        return styled(words, QUOTE)
    return styled(join([words, plain(f"— {cap(who, SPEAKER_CAP)}", ITALIC)], "\n"), QUOTE)


def card_rich(
    story: Story,
    *,
    max_figures: int = 4,
    max_quotes: int = 2,
    zone: tzinfo | None = None,
    budget: int = MESSAGE_BUDGET,
) -> Rich:
    """The card as rich text: linked bold title, source line, summary, figures, quotes.

    When the card would not fit `budget`, quotes go first (the last one first), then figures;
    the summary is shortened only when nothing else is left to drop.
    """
    title = _title(story, story.link)
    meta = plain(source_line(story, zone), ITALIC)
    quotes = [
        _quote(quote.text, quote.speaker) for quote in story.card.quotes if one_line(quote.text)
    ][:max_quotes]
    figures = _figure_lines(story.card, max_figures)
    head = join([title, meta], "\n")
    summary = _summary(story.card, SUMMARY_CAP)
    while True:
        tail = join([join(figures, "\n"), *quotes], "\n\n")
        room = budget - rich_length(head) - rich_length(tail) - 4
        if rich_length(summary) <= room:
            return join([head, summary, tail], "\n\n")
        if quotes:
            quotes.pop()
        elif figures:
            figures.pop()
        else:
            shortened = truncate(summary, room) if room > 40 else ()
            return truncate(join([head, shortened], "\n\n"), budget)


def card_message(
    story: Story,
    *,
    max_figures: int = 4,
    max_quotes: int = 2,
    zone: tzinfo | None = None,
    caption: bool = False,
) -> Message:
    """One story as a full card message with a "Read" button (fits a caption if `caption`)."""
    rich = card_rich(
        story,
        max_figures=max_figures,
        max_quotes=max_quotes,
        zone=zone,
        budget=CAPTION_BUDGET if caption else MESSAGE_BUDGET,
    )
    button = read_button(story.link)
    return message(rich, ((button,),) if button else ())


def digest_item(story: Story, *, number: int | None = None) -> Rich:
    """A compact item: linked title, the first summary sentence, the top figure."""
    title = _title(story, story.link)
    if number is not None:
        title = join([plain(f"{number}."), title], " ")
    first = next((line for line in map(one_line, story.card.summary) if line), "")
    sentence = plain(cap(first, SENTENCE_CAP))
    figure = next((line for line in (one_line(f.text) for f in story.card.figures) if line), "")
    top = plain(f"📊 {cap(figure, FIGURE_CAP)}", ITALIC) if figure else ()
    return join([title, sentence, top], "\n")


def pack(
    items: Sequence[Rich],
    *,
    header: Rich = (),
    footer: Rich = (),
    separator: str = "\n\n",
    budget: int = MESSAGE_BUDGET,
) -> list[Rich]:
    """Pack items into as few messages as fit `budget`, in order, splitting only between items.

    The header opens the first message and the footer closes the last.  An item too long for a
    message of its own is cut at word boundaries into several; nothing is ever dropped.
    """
    gap = utf16_len(separator)
    messages: list[Rich] = []
    current: Rich = header
    pieces = [*items, footer] if footer else list(items)
    for item in pieces:
        remaining = item
        while remaining:
            room = budget - rich_length(current) - (gap if current else 0)
            if rich_length(remaining) <= room:
                current = join([current, remaining], separator)
                break
            if current and (rich_length(remaining) <= budget or not _word_fits(remaining, room)):
                messages.append(current)  # start a fresh message rather than cut a word
                current = ()
                continue
            head, remaining = split_rich(remaining, max(room, 2))
            messages.append(join([current, head], separator))
            current = ()
    if current:
        messages.append(current)
    return [rich for rich in messages if rich]


def _word_fits(rich: Rich, room: int) -> bool:
    """Whether at least one whole word of `rich` fits in `room`."""
    text = rich_text(rich)
    cut = _cut_point(text, room) if room >= 2 else -1
    return cut > 0 and bool(text[:cut].strip())


def digest_messages(
    stories: Sequence[Story],
    *,
    title: str = "Your digest",
    more: Button | None = None,
    numbered: bool = False,
) -> list[Message]:
    """Stories as compact items under a bold heading, packed into messages ≤ 4096; `more` (e.g.
    a "More" button from `more_button`) goes under the last message."""
    header = plain(one_line(title), BOLD) if one_line(title) else ()
    items = [
        digest_item(story, number=index if numbered else None)
        for index, story in enumerate(stories, start=1)
    ]
    packed = pack(items, header=header)
    messages = [message(rich) for rich in packed]
    if more is not None and messages:
        last = messages[-1]
        messages[-1] = Message(last.text, ((more,),), last.link_preview, last.length)
    return messages


def text_message(text: str, *, bold_first_line: bool = False) -> list[Message]:
    """Plain foreign text (e.g. an admin's /breaking text) escaped and split into messages."""
    cleaned = clean(text).strip()
    if not cleaned:
        return []
    first, _, rest = cleaned.partition("\n")
    rich = join([plain(first, BOLD), plain(rest)], "\n") if bold_first_line else plain(cleaned)
    return [message(part) for part in pack([rich])]


# --------------------------------------------------------------------------- callback data

Kind = Literal["latest", "topic"]
_KIND_CODES: dict[str, Kind] = {"l": "latest", "t": "topic"}


@dataclass(frozen=True, slots=True)
class MorePage:
    """ "More" under /latest or /topic: show stories from `offset` on (for `query`)."""

    kind: Kind
    offset: int
    query: str = ""


@dataclass(frozen=True, slots=True)
class BreakingAction:
    """Send or Cancel on a breaking-news preview."""

    action: Literal["send", "cancel"]
    broadcast_id: int


@dataclass(frozen=True, slots=True)
class SettingChange:
    """A settings button: `name` is "breaking" (value "on"/"off"), "time" ("HH:MM") or
    "tz" (an IANA name)."""

    name: Literal["breaking", "time", "tz"]
    value: str


Callback = MorePage | BreakingAction | SettingChange


def _fit_bytes(text: str, limit: int) -> str:
    """The longest prefix of `text` of at most `limit` UTF-8 bytes, preferring a word end."""
    if len(text.encode("utf-8")) <= limit:
        return text
    out = text
    while len(out.encode("utf-8")) > limit:
        out = out[:-1]
    shorter = out.rsplit(" ", 1)[0]
    return shorter if shorter and " " in out else out


def callback_data(callback: Callback) -> str:
    """Encode a callback as button data of at most 64 bytes.

    A /topic query that does not fit is shortened at a word boundary; handlers that need the
    full query keep it themselves.
    """
    if isinstance(callback, MorePage):
        code = "l" if callback.kind == "latest" else "t"
        prefix = f"m:{code}:{max(callback.offset, 0)}:"
        query = _fit_bytes(one_line(callback.query), CALLBACK_DATA_LIMIT - len(prefix))
        data = prefix + query
    elif isinstance(callback, BreakingAction):
        data = f"b:{callback.action}:{callback.broadcast_id}"
    else:
        data = f"s:{callback.name}:{callback.value}"
    if len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over 64 bytes: {data!r}")
    return data


def parse_callback(data: str) -> Callback | None:
    """Decode what `callback_data` made; None for anything else (stale or forged buttons)."""
    parts = data.split(":", 3)
    try:
        if parts[0] == "m" and len(parts) == 4 and parts[1] in _KIND_CODES:
            offset = int(parts[2])
            if offset < 0:
                return None
            return MorePage(_KIND_CODES[parts[1]], offset, parts[3])
        if parts[0] == "b" and len(parts) == 3 and parts[1] in {"send", "cancel"}:
            action: Literal["send", "cancel"] = "send" if parts[1] == "send" else "cancel"
            return BreakingAction(action, int(parts[2]))
        if parts[0] == "s" and len(parts) >= 3:
            name, value = parts[1], data.split(":", 2)[2]
            if name == "breaking" and value in {"on", "off"}:
                return SettingChange("breaking", value)
            if name == "time" and _TIME.match(value):
                return SettingChange("time", value)
            if name == "tz" and value and len(value) <= 60:
                return SettingChange("tz", value)
    except ValueError:
        return None
    return None


def callback_button(text: str, callback: Callback) -> Button:
    """A button carrying an encoded callback."""
    return Button(text, callback_data=callback_data(callback))


def more_button(kind: Kind, offset: int, query: str = "") -> Button:
    """The "More" button for the next page of /latest or /topic."""
    return callback_button("More ▸", MorePage(kind, offset, query))


def breaking_keyboard(broadcast_id: int) -> Keyboard:
    """Send / Cancel under a breaking-news preview."""
    return (
        (
            callback_button("Send to subscribers", BreakingAction("send", broadcast_id)),
            callback_button("Cancel", BreakingAction("cancel", broadcast_id)),
        ),
    )


SUGGESTED_ZONES = ("UTC", "Europe/London", "Europe/Kyiv", "America/New_York", "Asia/Tokyo")


def shift_time(hhmm: str, hours: int) -> str:
    """"08:00" moved by whole hours around the clock."""
    match = _TIME.match(hhmm)
    if not match:
        raise ValueError(f"not a time: {hhmm!r}")
    hour = (int(match.group(1)) + hours) % 24
    return f"{hour:02d}:{match.group(2)}"


def settings_message(digest_time: str, timezone: str, breaking: bool) -> Message:
    """The /settings message: current values and buttons to change them."""
    rich = join(
        [
            plain("Settings", BOLD),
            join([plain("Daily digest at "), plain(f"{digest_time} ({one_line(timezone)})", BOLD)]),
            join([plain("Breaking news: "), plain("on" if breaking else "off", BOLD)]),
            plain("Set them directly with /time HH:MM and /timezone Area/City.", ITALIC),
        ],
        "\n",
    )
    zones = [zone for zone in SUGGESTED_ZONES if zone != timezone][:4]
    keyboard: Keyboard = (
        (
            callback_button("◂ 1 h earlier", SettingChange("time", shift_time(digest_time, -1))),
            callback_button("1 h later ▸", SettingChange("time", shift_time(digest_time, 1))),
        ),
        (
            callback_button(
                "Breaking news: turn off" if breaking else "Breaking news: turn on",
                SettingChange("breaking", "off" if breaking else "on"),
            ),
        ),
        tuple(callback_button(zone, SettingChange("tz", zone)) for zone in zones),
    )
    return message(rich, keyboard)
