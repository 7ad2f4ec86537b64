"""The pure helpers behind the use cases: query words, topic cleaning, packing, headlines."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gazebot.bot.services import MAX_TOPIC_CHARS, clean_topic, pack_html, search_words
from gazebot.render import MESSAGE_BUDGET


def test_search_words_drop_filler_but_never_everything() -> None:
    assert search_words("the war in Kupyansk") == ["war", "Kupyansk"]
    assert search_words("The Who") == ["Who"]
    assert search_words("the") == ["the"]  # nothing but filler: searched as typed


def test_clean_topic_is_one_capped_line_without_control_characters() -> None:
    assert clean_topic("  energy\n\tprices\x00 ") == "energy prices"
    assert len(clean_topic("word " * 100)) <= MAX_TOPIC_CHARS


@given(st.lists(st.text(min_size=1, max_size=600), max_size=40))
def test_pack_html_keeps_every_block_in_order_within_the_budget(blocks: list[str]) -> None:
    packed = pack_html(blocks)
    assert all(len(message) <= MESSAGE_BUDGET for message in packed)
    assert "\n\n".join(packed) == "\n\n".join(blocks)
