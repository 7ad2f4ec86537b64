"""Breaking news: an admin's draft card, sent to every subscriber with breaking news on."""

from __future__ import annotations

from gazebot.clock import Clock
from gazebot.delivery.messages import StoryRef, breaking_message, to_params
from gazebot.errors import GazebotError
from gazebot.store.articles import ArticleStore
from gazebot.store.outbox import OutboxStore


class BreakingError(GazebotError):
    """The breaking broadcast cannot be made (the article is gone)."""


class BreakingNews:
    """Draft → queued for everyone in one transaction → sent by the sender, or cancelled."""

    def __init__(self, outbox: OutboxStore, articles: ArticleStore, clock: Clock) -> None:
        self._outbox = outbox
        self._articles = articles
        self._clock = clock

    async def create(self, article_id: int, admin_chat_id: int) -> int:
        article = await self._articles.get(article_id)
        if article is None:
            raise BreakingError(f"article {article_id} is not stored")
        ref = StoryRef(article.id, article.card, article.url, article.title, article.source)
        params = to_params(breaking_message(ref))
        return await self._outbox.create_broadcast(
            "breaking",
            self._clock.now(),
            article_id=article_id,
            payload=params,
            created_by=admin_chat_id,
        )

    async def send(self, broadcast_id: int, progress_chat_id: int, progress_message_id: int) -> int:
        """Queue the draft for every active subscriber with breaking on; 0 when it was already
        sent or cancelled (a second press of Send does nothing)."""
        queued = await self._outbox.start_breaking(
            broadcast_id,
            self._clock.now(),
            progress_chat_id=progress_chat_id,
            progress_message_id=progress_message_id,
        )
        return queued or 0

    async def cancel(self, broadcast_id: int) -> bool:
        return await self._outbox.cancel_broadcast(broadcast_id, self._clock.now())
