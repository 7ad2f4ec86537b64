"""What delivery sends (digest, breaking card, topic alert) as render Messages and as the exact
sendMessage parameters stored in the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from gazebot import render
from gazebot.analysis.card import Card

BREAKING_HEADING = "🔴 Breaking news"
ALERT_HEADING = "New on topics you follow"


@dataclass(frozen=True, slots=True)
class StoryRef:
    """A stored story as delivery knows it: enough to render it."""

    article_id: int
    card: Card
    url: str
    title: str
    source: str | None


def story(ref: StoryRef) -> render.Story:
    """The render Story, with the stored title, URL and source filling gaps in the card."""
    card = replace(
        ref.card,
        title=ref.card.title or ref.title,
        url=ref.card.url or ref.url,
        source=ref.card.source or ref.source,
    )
    return render.Story(ref.article_id, card, None, ref.url)


def to_params(message: render.Message) -> dict[str, Any]:
    """sendMessage parameters (without chat_id) for a message."""
    params: dict[str, Any] = {
        "text": message.text,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": not message.link_preview},
    }
    if message.keyboard:
        params["reply_markup"] = {
            "inline_keyboard": [
                [
                    {"text": b.text, "callback_data": b.callback_data}
                    if b.callback_data is not None
                    else {"text": b.text, "url": b.url}
                    for b in row
                ]
                for row in message.keyboard
            ]
        }
    return params


def _one_message(refs: Sequence[StoryRef], title: str, more: render.Button | None) -> render.Message | None:
    """The longest prefix of the stories that fits one message (at least one story, cut if
    it must be), or None when there are none."""
    stories = [story(ref) for ref in refs]
    count = len(stories)
    while count > 0:
        messages = render.digest_messages(stories[:count], title=title, more=more, numbered=True)
        if len(messages) == 1 or count == 1:
            first = messages[0]
            if len(messages) > 1 and more is not None:
                first = render.Message(first.text, ((more,),), first.link_preview, first.length)
            return first
        count -= 1
    return None


def digest_message(refs: Sequence[StoryRef], heading: str) -> render.Message | None:
    """The digest: the best stories that fit one message ≤ 4096, with a "More" button."""
    return _one_message(refs, heading, render.more_button("latest", 0))


def alert_message(refs: Sequence[StoryRef]) -> render.Message | None:
    """One message listing the new stories that matched a chat's followed topics."""
    return _one_message(refs, f"{ALERT_HEADING} ({len(refs)})", None)


def breaking_message(ref: StoryRef) -> render.Message:
    """The breaking card: a red heading over the full card, with its "Read" button."""
    rendered = story(ref)
    heading = render.plain(BREAKING_HEADING, render.BOLD)
    budget = render.MESSAGE_BUDGET - render.rich_length(heading) - 2
    body = render.card_rich(rendered, budget=budget)
    button = render.read_button(rendered.link)
    return render.message(render.join([heading, body], "\n\n"), ((button,),) if button else ())
