"""Topic alerts: new stories matching a followed topic, at most one message per chat an hour."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from gazebot.clock import Clock
from gazebot.delivery.digest import follow_expression, ref_of
from gazebot.delivery.messages import alert_message, to_params
from gazebot.store.digests import DigestStore

ALERT_INTERVAL = timedelta(hours=1)
MAX_ITEMS = 20


@dataclass(frozen=True, slots=True)
class AlertReport:
    matched: int
    queued: int


class TopicAlerts:
    """Records matches as articles arrive and sends each chat's waiting matches in one message
    once its last alert is an hour old."""

    def __init__(self, digests: DigestStore, clock: Clock) -> None:
        self._digests = digests
        self._clock = clock

    async def on_new_articles(self, article_ids: Sequence[int]) -> AlertReport:
        """Match new articles against every followed topic, then send what is due."""
        matched = 0
        if article_ids:
            matches: list[tuple[int, int, str]] = []
            for topic, chats in (await self._digests.all_followed_topics()).items():
                expression = follow_expression(topic)
                if expression is None:
                    continue
                for start in range(0, len(article_ids), 500):
                    found = await self._digests.matching_among(expression, article_ids[start : start + 500])
                    matches.extend((chat, article, topic) for article in sorted(found) for chat in chats)
            matched = await self._digests.add_alert_matches(matches, self._clock.now())
        queued = await self.flush()
        return AlertReport(matched=matched, queued=queued)

    async def flush(self) -> int:
        """Queue one alert per chat whose matches are waiting and whose last alert is an hour
        old; how many messages were queued."""
        now = self._clock.now()
        waiting = await self._digests.alerts_ready(now - ALERT_INTERVAL)
        if not waiting:
            return 0
        by_chat: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for alert in waiting:
            by_chat[alert.chat_id].append((alert.article_id, alert.topic))
        article_ids = sorted({alert.article_id for alert in waiting})
        articles = {}
        for start in range(0, len(article_ids), 500):
            for article in await self._digests.articles(article_ids[start : start + 500]):
                articles[article.id] = article
        messages = []
        for chat_id, found in by_chat.items():
            listed = [ref_of(articles[a]) for a, _ in found[:MAX_ITEMS] if a in articles]
            message = alert_message(listed)
            if message is not None:
                messages.append((chat_id, to_params(message), [a for a, _ in found]))
        return await self._digests.commit_alerts(messages, now)
