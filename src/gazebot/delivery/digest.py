"""Daily digests: which stories each subscriber gets (pure ranking) and the pass that queues them.

The scheduler never keeps a timer per subscriber: each pass reads who is due from the
`next_digest_at` index, builds their digests (identical ones only once), and commits a batch —
outbox rows, next instants and last-digest times — in one transaction per batch.
"""

from __future__ import annotations

import logging
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gazebot.analysis.topics import topic_key_forms
from gazebot.clock import Clock
from gazebot.delivery.messages import StoryRef, digest_message, to_params
from gazebot.render import Message
from gazebot.schedule import next_digest_at
from gazebot.settings import parse_hh_mm
from gazebot.store.articles import fts_query
from gazebot.store.digests import CandidateArticle, DigestOutcome, DigestStore, DueSubscriber

log = logging.getLogger(__name__)

LATE_LIMIT = timedelta(hours=3)  # a digest later than this after downtime is skipped
FIRST_DIGEST_LOOKBACK = timedelta(hours=24)  # a new subscriber's first digest covers a day
MAX_LOOKBACK = timedelta(hours=36)  # older stories are not news, however long since the last
MAX_CANDIDATES = 2000
DIGEST_STORIES = 10
BATCH_SIZE = 2000
SAME_STORY_SIMILARITY = 0.5
RECENCY_HALF_LIFE_HOURS = 12.0

_TITLE_WORD = re.compile(r"\w{4,}", re.UNICODE)
_STOP_WORDS = frozenset(
    [
        "that",
        "this",
        "with",
        "from",
        "have",
        "will",
        "were",
        "been",
        "their",
        "they",
        "after",
        "about",
        "over",
        "into",
        "says",
        "said",
        "what",
        "when",
        "more",
        "than",
        "also",
        "amid",
        "live",
        "news",
        "update",
        "updates",
    ]
)


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about the same event, led by the most informative one."""

    lead: CandidateArticle
    member_ids: frozenset[int]
    sources: int
    newest_fetch: datetime
    score: float


@dataclass(slots=True)
class DigestPassReport:
    """What one scheduler pass did."""

    queued: int = 0
    skipped_late: int = 0
    nothing_new: int = 0
    subscribers: int = 0
    distinct_texts: int = 0
    timings: dict[str, float] = field(default_factory=dict)


# --- pure ranking -------------------------------------------------------------------------


def title_words(title: str) -> frozenset[str]:
    return frozenset(word for word in _TITLE_WORD.findall(title.lower()) if word not in _STOP_WORDS)


def _source_of(article: CandidateArticle) -> str:
    return (article.source or urlsplit(article.url).hostname or article.url).lower()


def importance(lead: CandidateArticle, sources: int, now: datetime) -> float:
    """How much a story deserves a digest slot: fresh, carried by several sources, with
    figures and quotes to show."""
    age_hours = max(0.0, (now - lead.time).total_seconds() / 3600)
    recency = math.pow(0.5, age_hours / RECENCY_HALF_LIFE_HOURS)
    return (
        2.0 * recency
        + math.log2(1 + sources)
        + 0.15 * min(3, len(lead.card.figures))
        + 0.2 * min(2, len(lead.card.quotes))
    )


def group_stories(articles: Sequence[CandidateArticle], now: datetime) -> list[Story]:
    """Cluster articles whose titles share most of their words into stories, best first."""
    groups: list[list[CandidateArticle]] = []
    group_words: list[frozenset[str]] = []
    by_word: dict[str, list[int]] = defaultdict(list)
    for article in articles:
        words = title_words(article.title)
        best, best_similarity = -1, 0.0
        for index in {i for word in words for i in by_word.get(word, ())}:
            other = group_words[index]
            similarity = len(words & other) / len(words | other)
            if similarity > best_similarity:
                best, best_similarity = index, similarity
        if best >= 0 and best_similarity >= SAME_STORY_SIMILARITY:
            groups[best].append(article)
            continue
        groups.append([article])
        group_words.append(words)
        for word in words:
            by_word[word].append(len(groups) - 1)
    stories = []
    for members in groups:
        lead = max(members, key=lambda a: (len(a.card.figures) + len(a.card.quotes), a.time))
        sources = len({_source_of(member) for member in members})
        stories.append(
            Story(
                lead=lead,
                member_ids=frozenset(member.id for member in members),
                sources=sources,
                newest_fetch=max(member.fetched_at for member in members),
                score=importance(lead, sources, now),
            )
        )
    stories.sort(key=lambda story: (-story.score, -story.lead.id))
    return stories


def pick_stories(
    stories: Sequence[Story], since: datetime, followed_ids: frozenset[int], limit: int
) -> list[tuple[Story, bool]]:
    """The stories new since `since`: those touching a followed topic first, then by
    importance (the input order); each with whether it was followed."""
    fresh = [story for story in stories if story.newest_fetch > since]
    followed = [story for story in fresh if story.member_ids & followed_ids]
    chosen_ids = {id(story) for story in followed}
    rest = [story for story in fresh if id(story) not in chosen_ids]
    picked = [(story, True) for story in followed] + [(story, False) for story in rest]
    return picked[:limit]


def ref_of(article: CandidateArticle) -> StoryRef:
    return StoryRef(article.id, article.card, article.url, article.title, article.source)


def digest_heading(local_day: datetime) -> str:
    return f"Your daily digest · {local_day.day} {local_day:%b %Y}"


def build_digest(
    stories: Sequence[Story], since: datetime, followed_ids: frozenset[int], heading: str
) -> Message | None:
    picked = pick_stories(stories, since, followed_ids, DIGEST_STORIES)
    refs = [ref_of(story.lead) for story, _ in picked]
    return digest_message(refs, heading)


# --- the imperative shell -----------------------------------------------------------------


def follow_expression(topic: str) -> str | None:
    """The same full-text expression /topic would use for these words."""
    return fts_query(topic.split(), topic_key_forms)


class DigestBuilder:
    """Builds digests against the store, caching what a pass shares: stories, topic matches
    and finished texts."""

    def __init__(self, digests: DigestStore, now: datetime) -> None:
        self._digests = digests
        self._now = now
        self._stories: list[Story] | None = None
        self._candidate_ids: frozenset[int] = frozenset()
        self._topic_ids: dict[str, frozenset[int]] = {}
        self._texts: dict[tuple[Any, ...], dict[str, Any] | None] = {}

    @property
    def distinct_texts(self) -> int:
        return len(self._texts)

    async def stories(self) -> list[Story]:
        if self._stories is None:
            candidates = await self._digests.candidates(self._now - MAX_LOOKBACK, MAX_CANDIDATES)
            self._candidate_ids = frozenset(article.id for article in candidates)
            self._stories = group_stories(candidates, self._now)
        return self._stories

    async def followed_ids(self, topics: Iterable[str]) -> frozenset[int]:
        found: set[int] = set()
        for topic in topics:
            if topic not in self._topic_ids:
                expression = follow_expression(topic)
                matched = (
                    await self._digests.matching(expression, self._now - MAX_LOOKBACK)
                    if expression
                    else set()
                )
                self._topic_ids[topic] = frozenset(matched) & self._candidate_ids
            found |= self._topic_ids[topic]
        return frozenset(found)

    async def params(self, since: datetime, topics: Sequence[str], heading: str) -> dict[str, Any] | None:
        """sendMessage parameters (without chat_id) of the digest, or None if nothing is new."""
        stories = await self.stories()
        since = max(since, self._now - MAX_LOOKBACK)
        key = (since, tuple(sorted(topics)), heading)
        if key not in self._texts:
            followed = await self.followed_ids(topics)
            message = build_digest(stories, since, followed, heading)
            self._texts[key] = to_params(message) if message else None
        return self._texts[key]

    async def message(self, since: datetime, topics: Sequence[str], heading: str) -> Message | None:
        followed = await self.followed_ids(topics) if await self.stories() else frozenset()
        return build_digest(await self.stories(), max(since, self._now - MAX_LOOKBACK), followed, heading)


def _settings_of(sub: DueSubscriber) -> tuple[str, time]:
    """The subscriber's zone and digest time; a value the bot should never have stored falls
    back to UTC / 08:00 rather than stalling everyone's digests."""
    try:
        ZoneInfo(sub.timezone)
        timezone = sub.timezone
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("chat %d has an unknown time zone %r; using UTC", sub.chat_id, sub.timezone)
        timezone = "UTC"
    try:
        local_time = parse_hh_mm(sub.digest_time)
    except ValueError:
        log.warning("chat %d has a bad digest time %r; using 08:00", sub.chat_id, sub.digest_time)
        local_time = time(8, 0)
    return timezone, local_time


class DigestScheduler:
    """Finds due subscribers and queues their digests; safe to run at any moment, any number
    of times: a (chat, local date) gets at most one digest."""

    def __init__(self, digests: DigestStore, clock: Clock, batch_size: int = BATCH_SIZE) -> None:
        self._digests = digests
        self._clock = clock
        self._batch_size = batch_size

    async def run_once(self) -> DigestPassReport:
        now = self._clock.now()
        report = DigestPassReport()
        builder = DigestBuilder(self._digests, now)
        seen: set[int] = set()
        while True:
            due = [
                sub
                for sub in await self._digests.due_subscribers(now, self._batch_size)
                if sub.chat_id not in seen
            ]
            if not due:
                # Everyone due has been handled; a row the bot changed while we worked is left
                # for the next pass, which reads its new settings.
                break
            seen.update(sub.chat_id for sub in due)
            follows = await self._digests.follows([sub.chat_id for sub in due])
            outcomes = [await self._outcome(sub, follows.get(sub.chat_id, []), builder, now) for sub in due]
            report.subscribers += len(due)
            for outcome, sub in zip(outcomes, due, strict=True):
                if outcome.params is None and now - sub.next_digest_at >= LATE_LIMIT:
                    report.skipped_late += 1
                elif outcome.params is None:
                    report.nothing_new += 1
            report.queued += await self._digests.commit_digests(outcomes, now)
        report.distinct_texts = builder.distinct_texts
        return report

    async def _outcome(
        self, sub: DueSubscriber, topics: Sequence[str], builder: DigestBuilder, now: datetime
    ) -> DigestOutcome:
        timezone, local_time = _settings_of(sub)
        local_day = sub.next_digest_at.astimezone(ZoneInfo(timezone))
        following = next_digest_at(timezone, local_time, now)
        dedupe_key = f"digest:{sub.chat_id}:{local_day.date().isoformat()}"
        params = None
        if now - sub.next_digest_at < LATE_LIMIT:
            since = sub.last_digest_at or now - FIRST_DIGEST_LOOKBACK
            params = await builder.params(since, topics, digest_heading(local_day))
        return DigestOutcome(
            chat_id=sub.chat_id,
            scheduled_at=sub.next_digest_at,
            next_digest_at=following,
            params=params,
            dedupe_key=dedupe_key,
            sent_at=now if params is not None else None,
        )

    async def next_wake(self) -> datetime | None:
        return await self._digests.earliest_digest_at()
