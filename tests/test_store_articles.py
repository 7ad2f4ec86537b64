"""Articles: stored once per canonical URL or content, newest first, full-text searchable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gazebot.analysis.card import Card, Figure, Quote
from gazebot.analysis.topics import topic_key, topic_key_forms
from gazebot.models import NewArticle
from gazebot.store import Store
from gazebot.store.articles import fts_query

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _article(n: int, *, text: str | None = None, **fields: object) -> NewArticle:
    base: dict[str, object] = {
        "url": f"https://news.example/story/{n}",
        "title": f"Story number {n}",
        "text": text if text is not None else f"Body of story {n}. It has its own words {n}.",
        "card": Card(
            title=f"Story number {n}",
            summary=(f"Body of story {n}.",),
            quotes=(Quote("We will win", "Volodymyr Zelenskyy"),),
            figures=(Figure("291 wounded", 291.0),),
        ),
        "published_at": NOW - timedelta(hours=n),
    }
    base.update(fields)
    return NewArticle(**base)  # type: ignore[arg-type]


async def test_an_article_is_stored_and_read_back_with_its_card(store: Store) -> None:
    article_id = await store.articles.add(_article(1, source="The Gaze"), NOW)
    assert article_id is not None
    stored = await store.articles.get(article_id)
    assert stored is not None
    assert stored.title == "Story number 1"
    assert stored.source == "The Gaze"
    assert stored.card.quotes[0].speaker == "Volodymyr Zelenskyy"
    assert stored.card.figures[0].value == 291.0
    assert stored.published_at == NOW - timedelta(hours=1)
    assert await store.articles.text(article_id) == "Body of story 1. It has its own words 1."


async def test_the_same_url_is_stored_once(store: Store) -> None:
    assert await store.articles.add(_article(1), NOW) is not None
    duplicate = _article(2, url="https://news.example/story/1")
    assert await store.articles.add(duplicate, NOW) is None
    assert await store.articles.count() == 1


async def test_the_same_content_under_another_url_is_stored_once(store: Store) -> None:
    assert await store.articles.add(_article(1, text="Same words here."), NOW) is not None
    syndicated = _article(2, text="  same   WORDS here. ")
    assert await store.articles.add(syndicated, NOW) is None
    assert await store.articles.count() == 1


async def test_latest_lists_newest_first_and_pages(store: Store) -> None:
    for n in range(6):
        await store.articles.add(_article(n), NOW)
    first = await store.articles.latest(3)
    second = await store.articles.latest(3, offset=3)
    assert [a.title for a in first] == ["Story number 0", "Story number 1", "Story number 2"]
    assert [a.title for a in second] == ["Story number 3", "Story number 4", "Story number 5"]


async def test_a_future_publication_date_does_not_pin_a_story_to_the_top(store: Store) -> None:
    await store.articles.add(_article(1), NOW)
    await store.articles.add(_article(9, published_at=NOW + timedelta(days=365)), NOW)
    newest = (await store.articles.latest(1))[0]
    assert newest.title == "Story number 9"
    assert newest.published_at == NOW


async def test_search_matches_words_and_prefixes_in_title_and_text(store: Store) -> None:
    await store.articles.add(_article(1, title="Zelenskyy visits Kupyansk"), NOW)
    await store.articles.add(_article(2, title="Markets rally"), NOW)
    assert [a.title for a in await store.articles.search(["kupyansk"])] == [
        "Zelenskyy visits Kupyansk"
    ]
    assert [a.title for a in await store.articles.search(["ZELENSK"])] == [
        "Zelenskyy visits Kupyansk"
    ]
    assert await store.articles.search(["kupyansk", "markets"]) == []


async def test_search_finds_a_spelling_variant_through_topic_keys(store: Store) -> None:
    await store.articles.add(
        _article(1, title="Zelenskyy visits Kupyansk", topic_keys=("kupjansk",)), NOW
    )
    found = await store.articles.search(["Kupiansk"], key_of=lambda word: ("kupjansk",))
    assert [a.title for a in found] == ["Zelenskyy visits Kupyansk"]


async def test_search_for_a_ukrainian_city_finds_its_other_cases(store: Store) -> None:
    """/topic Харків finds a story that only says "у Харкові" or "з Харкова" (the vowel and
    the ending change), and Львів one that says "до Львова"."""
    stories = {"Вибухи у Харкові": "Харкові", "Потяг з Харкова": "Харкова", "Шлях до Львова": "Львова"}
    for n, (title, topic) in enumerate(stories.items(), start=1):
        story = _article(n, title=title, text=title + ".", topic_keys=(topic_key(topic),))
        await store.articles.add(story, NOW)
    found = await store.articles.search(["Харків"], key_of=topic_key_forms)
    assert sorted(a.title for a in found) == ["Вибухи у Харкові", "Потяг з Харкова"]
    found = await store.articles.search(["Львів"], key_of=topic_key_forms)
    assert [a.title for a in found] == ["Шлях до Львова"]


async def test_search_for_a_surname_in_ov_does_not_find_the_first_name_it_comes_from(store: Store) -> None:
    await store.articles.add(
        _article(1, title="Іван Франко", text="Іван Франко.", topic_keys=(topic_key("Іван Франко"),)), NOW
    )
    assert await store.articles.search(["Іванов"], key_of=topic_key_forms) == []


async def test_search_input_cannot_inject_fts_syntax(store: Store) -> None:
    await store.articles.add(_article(1), NOW)
    for hostile in ['"', "NEAR(", "story OR", "*", "title:story", "a AND NOT b", "') --"]:
        await store.articles.search([hostile])  # must not raise a syntax error
    assert fts_query(["!!!", "..."]) is None


def test_a_word_with_an_apostrophe_is_one_clause_with_its_own_key() -> None:
    query = fts_query(["Kup’iansk", "Zelenskyy"], key_of=lambda word: (word.lower()[:3],))
    assert query == '("kup iansk"* OR topic_keys:"kup") AND ("zelenskyy"* OR topic_keys:"zel")'


async def test_search_finds_the_apostrophe_spelling_in_the_text(store: Store) -> None:
    await store.articles.add(_article(1, text="Moscow claims control over Kup’iansk."), NOW)
    assert len(await store.articles.search(["Kup'iansk"])) == 1


async def test_since_returns_only_newer_articles(store: Store) -> None:
    for n in range(4):
        await store.articles.add(_article(n), NOW)
    recent = await store.articles.since(NOW - timedelta(hours=1, minutes=30), limit=10)
    assert [a.title for a in recent] == ["Story number 0", "Story number 1"]


async def test_a_duplicate_points_at_the_stored_original(store: Store) -> None:
    original = await store.articles.add(_article(1, text="Same words here."), NOW)
    assert await store.articles.id_for_url("https://news.example/story/1") == original
    assert await store.articles.id_for_url("https://news.example/other") is None
    same_url = _article(2, url="https://news.example/story/1")
    same_text = _article(3, text="same words HERE.")
    assert await store.articles.duplicate_of(same_url) == original
    assert await store.articles.duplicate_of(same_text) == original
    assert await store.articles.duplicate_of(_article(4)) is None
