"""The bot's own words as Telegram HTML: greetings, help, usage hints, confirmations, reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from gazebot.models import Feed, Subscriber
from gazebot.render import clean, escape, one_line

MAX_LATEST = 20
DEFAULT_LATEST = 5


@dataclass(frozen=True, slots=True)
class CommandInfo:
    """A command as the Telegram menu (setMyCommands) and /help show it."""

    name: str
    description: str
    usage: str = ""


SUBSCRIBER_COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("start", "Subscribe and see what I can do"),
    CommandInfo("help", "The commands"),
    CommandInfo("latest", "The newest stories as cards", f"/latest [n] (1–{MAX_LATEST})"),
    CommandInfo("topic", "Stories about a topic", "/topic <words>"),
    CommandInfo("follow", "Follow a topic in your digest and alerts", "/follow <words>"),
    CommandInfo("unfollow", "Stop following a topic", "/unfollow <words>"),
    CommandInfo("following", "The topics you follow"),
    CommandInfo("digest", "Today's digest now"),
    CommandInfo("settings", "Digest time, time zone, breaking news"),
    CommandInfo("time", "Set your digest time", "/time HH:MM"),
    CommandInfo("timezone", "Set your time zone", "/timezone Area/City"),
    CommandInfo("stop", "Unsubscribe"),
)

ADMIN_COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("breaking", "Push breaking news", "/breaking <url or text>"),
    CommandInfo("addfeed", "Add a feed", "/addfeed <feed url>"),
    CommandInfo("removefeed", "Remove a feed", "/removefeed <feed url>"),
    CommandInfo("feeds", "Feeds and their health"),
    CommandInfo("stats", "Subscribers, articles, feeds, deliveries"),
)

_USAGE_EXAMPLES = {
    "latest": "e.g. /latest 10",
    "topic": "e.g. /topic Kupyansk",
    "follow": "e.g. /follow energy prices",
    "unfollow": "see /following for what you follow",
    "time": "24-hour clock, e.g. /time 07:30",
    "timezone": "e.g. /timezone Europe/Kyiv",
    "breaking": "a link to the article, or the text itself (first line is the title)",
    "addfeed": "e.g. /addfeed https://example.com/rss.xml",
    "removefeed": "/feeds lists them",
}


def usage(command: str) -> str:
    """One line saying how to use `command`."""
    info = next(c for c in SUBSCRIBER_COMMANDS + ADMIN_COMMANDS if c.name == command)
    line = f"Usage: {_shown(info.usage or '/' + info.name)}"
    example = _USAGE_EXAMPLES.get(command)
    return f"{line} — {_shown(example)}" if example else line


def _command_lines(commands: Sequence[CommandInfo]) -> list[str]:
    return [f"{_shown(c.usage or '/' + c.name)} — {_shown(c.description.lower())}" for c in commands]


def help_text(*, is_admin: bool) -> str:
    lines = ["<b>What I can do</b>", *_command_lines(SUBSCRIBER_COMMANDS)]
    if is_admin:
        lines += ["", "<b>Admin</b>", *_command_lines(ADMIN_COMMANDS)]
    return "\n".join(lines)


def welcome(subscriber: Subscriber, *, returning: bool, already: bool) -> str:
    if already:
        opening = "You are already subscribed."
    elif returning:
        opening = "Welcome back! You are subscribed again, with your old settings."
    else:
        opening = "Welcome to gazebot! You are subscribed."
    return (
        f"<b>{opening}</b>\n"
        "I read the news and turn each story into a short card: a few sentences, "
        "the key quotes and the key figures.\n\n"
        f"Your daily digest comes at <b>{_shown(subscriber.digest_time)}</b> "
        f"({_shown(subscriber.timezone)}) — change it in /settings.\n"
        "Try /latest for the newest stories, /topic &lt;words&gt; to search, "
        "/follow &lt;words&gt; to put a topic first. /help lists everything, /stop unsubscribes."
    )


def not_subscribed() -> str:
    return "You are not subscribed. Send /start to subscribe first."


def stopped(*, was_active: bool) -> str:
    if was_active:
        return "You are unsubscribed: I will send you nothing more. Send /start to come back."
    return "You were not subscribed. Send /start to subscribe."


def no_articles() -> str:
    return "No stories yet — I have not read any feed so far. Try again in a few minutes."


def no_more() -> str:
    return "That was everything."


def no_match(words: str) -> str:
    return (
        f"Nothing found for <b>{_shown(words)}</b>. Try fewer or other words, "
        "a person's surname or a place name — or /latest for the newest stories."
    )


def search_header(words: str, first: int) -> str:
    """Plain text: the caller sets it in bold and escapes it (HTML here would show as tags)."""
    if first == 0:
        return f"Stories about {clean(words)}, best first:"
    return f"More stories about {clean(words)}:"


def followed(topic: str, *, added: bool, topics: Sequence[str]) -> str:
    if not added:
        return f"You already follow <b>{_shown(topic)}</b>. /following lists your topics."
    return (
        f"Following <b>{_shown(topic)}</b>: matching stories come first in your digest, "
        f"and I alert you when one appears. You follow {len(topics)} topic"
        f"{'' if len(topics) == 1 else 's'}."
    )


def follow_limit(limit: int) -> str:
    return f"You follow {limit} topics already — /unfollow one first."


def unfollowed(topic: str, *, removed: bool) -> str:
    if removed:
        return f"You no longer follow <b>{_shown(topic)}</b>."
    return f"You do not follow <b>{_shown(topic)}</b>. /following lists your topics."


def following_list(topics: Sequence[str]) -> str:
    if not topics:
        return "You follow no topics. Add one with /follow &lt;words&gt;, e.g. /follow Kupyansk"
    items = "\n".join(f"• {_shown(topic)}" for topic in topics)
    return f"<b>You follow</b>\n{items}\n\n/unfollow &lt;words&gt; removes one."


def digest_time_set(subscriber: Subscriber) -> str:
    return (
        f"Your digest now comes at <b>{_shown(subscriber.digest_time)}</b> "
        f"({_shown(subscriber.timezone)})."
    )


def timezone_set(subscriber: Subscriber) -> str:
    return (
        f"Your time zone is now <b>{_shown(subscriber.timezone)}</b>; the digest comes at "
        f"{_shown(subscriber.digest_time)} there."
    )


def bad_time(value: str) -> str:
    return f"{_shown(_clip(value))} is not a time. {usage('time')}"


def bad_timezone(value: str) -> str:
    return f"I do not know the time zone {_shown(_clip(value))}. {usage('timezone')}"


def empty_digest() -> str:
    return "Nothing new for your digest yet — try /latest."


def unknown_command() -> str:
    return "I do not know that command. /help lists what I can do."


def not_admin() -> str:
    return "Sorry, that command is for the bot's admins."


def rate_limited() -> str:
    return "You are sending commands very fast — I will answer the next ones in a moment."


def apology() -> str:
    return "Sorry, something went wrong on my side. Please try again in a moment."


def expired_button() -> str:
    return "This button has expired — send the command again."


# --- admin ---


def breaking_failed(reason: str) -> str:
    return f"Could not prepare that story: {_shown(_clip(reason, 300))}"


def breaking_preview_header() -> str:
    return "<b>Breaking news preview</b> — send it to every subscriber with breaking news on?"


def breaking_starting() -> str:
    return "Sending breaking news…"


def breaking_nothing_to_send() -> str:
    return "Nothing sent: this broadcast was sent or cancelled already, or nobody has breaking news on."


def breaking_cancelled(*, cancelled: bool) -> str:
    if cancelled:
        return "Cancelled: nothing was sent."
    return "Too late to cancel: it was sent or cancelled already."


def feed_added(url: str, *, added: bool) -> str:
    if added:
        return f"Added {_shown(url)} — I will read it shortly."
    return f"{_shown(url)} is already one of my feeds."


def feed_removed(url: str, *, removed: bool) -> str:
    if removed:
        return f"Removed {_shown(url)}. Its stories stay."
    return f"{_shown(url)} is not one of my feeds. /feeds lists them."


def bad_feed_url(value: str) -> str:
    return f"{_shown(_clip(value))} is not an http(s) URL. {usage('addfeed')}"


def feeds_health(feeds: Sequence[Feed], now: datetime) -> list[str]:
    """One block per feed (the caller packs them into messages)."""
    if not feeds:
        return ["No feeds yet. Add one with /addfeed &lt;feed url&gt;."]
    blocks = []
    for feed in feeds:
        status = "✅" if feed.consecutive_errors == 0 and feed.last_success_at else "⚠️"
        if feed.last_success_at is None and feed.last_error is None:
            status = "⏳"
        name = _shown(feed.title or feed.url)
        last_success = (
            f"{_duration(now - feed.last_success_at)} ago" if feed.last_success_at else "never"
        )
        lines = [
            f"{status} <b>{name}</b>",
            _shown(feed.url),
            f"Last success: {last_success} · Articles: {feed.article_count}",
        ]
        if feed.consecutive_errors:
            lines.append(
                f"Errors in a row: {feed.consecutive_errors} — {_shown(_clip(feed.last_error or '', 200))}"
            )
        blocks.append("\n".join(lines))
    return blocks


@dataclass(frozen=True, slots=True)
class Stats:
    """The figures /stats reports."""

    subscribers_active: int
    subscribers_inactive: int
    articles: int
    feeds: int
    feeds_failing: int
    deliveries: dict[str, int]


def stats_text(stats: Stats) -> str:
    deliveries = stats.deliveries
    return "\n".join(
        [
            "<b>gazebot stats</b>",
            f"Subscribers: {stats.subscribers_active} active, "
            f"{stats.subscribers_inactive} blocked or stopped",
            f"Articles: {stats.articles}",
            f"Feeds: {stats.feeds} ({stats.feeds_failing} failing)",
            f"Deliveries: {deliveries.get('sent', 0)} sent, {deliveries.get('pending', 0)} pending, "
            f"{deliveries.get('failed', 0)} failed",
        ]
    )


def _shown(text: str) -> str:
    """Foreign text (a user's, a feed's) as Telegram HTML: control characters and lone
    surrogates Telegram would refuse are dropped, then `<`, `>`, `&` escaped."""
    return escape(clean(text))


def _clip(text: str, limit: int = 80) -> str:
    """User input quoted back, shortened so a hint stays one line."""
    flat = one_line(text)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _duration(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} days"
