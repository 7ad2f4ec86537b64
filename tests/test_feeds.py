"""Feed parsing: every format to typed items, hostile documents refused or defused."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gazebot.errors import FeedError
from gazebot.feeds import html_to_text, parse_feed

RSS20 = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>The Gaze</title>
  <link>https://thegaze.example/</link>
  <item>
    <title>Zelenskyy visits Kupyansk</title>
    <link>https://thegaze.example/news/1?utm_source=rss</link>
    <guid isPermaLink="false">gaze-1</guid>
    <pubDate>Mon, 23 Nov 2026 10:30:00 +0200</pubDate>
    <description>&lt;p&gt;Short &lt;b&gt;excerpt&lt;/b&gt; &amp;amp; more.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>First paragraph.</p><script>alert(1)</script>
      <p>Second paragraph.</p>]]></content:encoded>
  </item>
  <item>
    <title>Relative link</title>
    <link>/news/2</link>
    <pubDate>not a date at all</pubDate>
  </item>
</channel>
</rss>"""

RSS091 = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><link>http://old.example/</link>
<item><title>Old story</title><link>http://old.example/1</link><description>Hi</description></item>
</channel></rss>"""

RSS10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://rdf.example/"><title>RDF news</title><link>http://rdf.example/</link></channel>
  <item rdf:about="http://rdf.example/a"><title>RDF story</title><link>http://rdf.example/a</link>
    <dc:date>2026-11-20T08:00:00Z</dc:date><description>About RDF.</description></item>
</rdf:RDF>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom news</title>
  <link href="https://atom.example/"/>
  <updated>2026-11-21T12:00:00Z</updated>
  <id>urn:atom</id>
  <entry>
    <title type="html">Atom &lt;em&gt;story&lt;/em&gt;</title>
    <link rel="alternate" href="https://atom.example/story"/>
    <id>urn:atom:1</id>
    <published>2026-11-21T11:00:00+01:00</published>
    <updated>2026-11-21T12:00:00Z</updated>
    <summary>The summary.</summary>
    <content type="html">&lt;p&gt;Full body one.&lt;/p&gt;&lt;p&gt;Full body two.&lt;/p&gt;</content>
  </entry>
</feed>"""

JSON_FEED = b"""{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "JSON news",
  "home_page_url": "https://json.example/",
  "items": [
    {"id": "1", "url": "https://json.example/1", "title": "JSON story",
     "content_html": "<p>One.</p><p>Two.</p>", "summary": "Sum.",
     "date_published": "2026-11-22T09:00:00Z"},
    {"id": 2, "external_url": "https://elsewhere.example/2", "content_text": "Untitled note.\\nSecond line.",
     "date_modified": "2026-11-22T10:00:00+02:00"},
    "not an object"
  ]
}"""


def test_rss20_items_are_typed_with_plain_text() -> None:
    feed = parse_feed(RSS20, url="https://thegaze.example/rss")
    assert feed.title == "The Gaze"
    assert feed.format == "rss20"
    first, second = feed.items
    assert first.title == "Zelenskyy visits Kupyansk"
    assert first.link == "https://thegaze.example/news/1?utm_source=rss"
    assert first.guid == "gaze-1"
    assert first.published == datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    assert first.summary == "Short excerpt & more."
    assert first.content == "First paragraph.\nSecond paragraph."
    assert "alert" not in first.text
    assert second.link == "https://thegaze.example/news/2"
    assert second.published is None


def test_rss091_and_rss10_and_atom_are_read() -> None:
    old = parse_feed(RSS091)
    assert old.format.startswith("rss09")
    assert [(i.title, i.link) for i in old.items] == [("Old story", "http://old.example/1")]
    rdf = parse_feed(RSS10)
    assert rdf.format == "rss10"
    assert rdf.items[0].link == "http://rdf.example/a"
    assert rdf.items[0].published == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    atom = parse_feed(ATOM)
    assert atom.format == "atom10"
    (entry,) = atom.items
    assert entry.title == "Atom story"
    assert entry.link == "https://atom.example/story"
    assert entry.guid == "urn:atom:1"
    assert entry.published == datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    assert entry.summary == "The summary."
    assert entry.content == "Full body one.\nFull body two."


def test_json_feed_is_parsed_by_hand() -> None:
    feed = parse_feed(JSON_FEED)
    assert feed.format == "json11"
    assert feed.title == "JSON news"
    assert feed.link == "https://json.example/"
    first, second = feed.items
    assert (first.title, first.link, first.guid) == ("JSON story", "https://json.example/1", "1")
    assert first.content == "One.\nTwo."
    assert first.summary == "Sum."
    assert first.published == datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    assert second.title == ""
    assert second.link == "https://elsewhere.example/2"
    assert second.guid == "2"
    assert second.content == "Untitled note.\nSecond line."
    assert second.published == datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<!DOCTYPE html><html><head><title>Home</title></head><body>Hi</body></html>",
         "HTML page"),
        (b"this is plain text, not a feed", "not a feed"),
        (b"   \n", "empty"),
        (b"{\"error\": \"rate limited\"}", "JSON without a JSON Feed version"),
        (b"{not json", "invalid JSON"),
        (b"/etc/passwd", "not a feed"),  # never taken for a file name
        (b"<?xml version='1.0'?><catalog><book id='1'/></catalog>", "not a feed"),
    ],
)
def test_documents_that_are_not_feeds_raise_feed_error(data: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_feed(data)


def test_truncated_feed_is_read_leniently_with_a_warning() -> None:
    truncated = RSS20[: RSS20.index(b"<item>", RSS20.index(b"</item>"))]
    feed = parse_feed(truncated)
    assert feed.warning
    assert [item.title for item in feed.items] == ["Zelenskyy visits Kupyansk"]


def test_oversized_feed_is_refused_before_parsing() -> None:
    with pytest.raises(FeedError, match="larger than 1 KiB"):
        parse_feed(b"<rss>" + b" " * 2048 + b"</rss>", max_bytes=1024)


def _billion_laughs(newline: str = "") -> str:
    levels = "".join(
        f'{newline}<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{levels}]>'
        "<rss version='2.0'><channel><title>Bomb</title>"
        "<item><title>&lol9;</title><link>http://x.example/1</link></item></channel></rss>"
    )


@pytest.mark.parametrize("newline", ["", "\n"])
def test_entity_bomb_is_refused_before_expansion(newline: str) -> None:
    started = time.monotonic()
    with pytest.raises(FeedError, match="refused: the feed declares nested entities"):
        parse_feed(_billion_laughs(newline).encode())
    assert time.monotonic() - started < 0.5


def test_entity_bomb_in_utf16_is_refused_too() -> None:
    document = _billion_laughs().replace('encoding="utf-8"', "").encode("utf-16")
    with pytest.raises(FeedError, match="refused"):
        parse_feed(document)


@pytest.mark.parametrize(
    "declaration",
    [
        '<!ENTITY xxe SYSTEM "{uri}">',
        '<!ENTITY xxe PUBLIC "-//x//EN" "{uri}">',
        '<!ENTITY % xxe SYSTEM "{uri}"> %xxe;',
    ],
)
def test_external_entities_are_never_read(tmp_path: Path, declaration: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{declaration.format(uri=secret.as_uri())}]>'
        "<rss version='2.0'><channel><title>X</title>"
        "<item><title>t &xxe;</title><link>http://x.example/1</link>"
        "<description>&xxe; end</description></item></channel></rss>"
    ).encode()
    feed = parse_feed(xxe)
    assert [item.link for item in feed.items] == ["http://x.example/1"]
    assert all("TOP-SECRET" not in item.title + item.text for item in feed.items)


def test_plain_text_entities_are_still_read() -> None:
    document = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY copy "(C)">\n<!ENTITY deg "&#176;">\n]>'
        b"<rss version='2.0'><channel><title>Safe &copy;</title>"
        b"<item><title>Warm 20&deg;</title><link>http://x.example/1</link></item></channel></rss>"
    )
    feed = parse_feed(document)
    assert feed.title == "Safe (C)"
    assert feed.items[0].title == "Warm 20\u00b0"


def test_item_text_prefers_the_longer_of_content_and_summary() -> None:
    atom = parse_feed(ATOM)
    assert atom.items[0].text == "Full body one.\nFull body two."


def test_html_to_text_keeps_paragraphs_and_drops_scripts() -> None:
    fragment = "<div><p>One&nbsp;two</p><script>x()</script><ul><li>a</li><li>b</li></ul>tail<br>end</div>"
    assert html_to_text(fragment) == "One two\na\nb\ntail\nend"
    assert html_to_text("plain  text") == "plain text"
    assert html_to_text("AT&amp;T") == "AT&T"


def test_overlong_titles_are_cut_at_a_word() -> None:
    words = " ".join(["headline"] * 20_000)
    feed = parse_feed(
        f"<rss version='2.0'><channel><title>{words}</title>"
        f"<item><title>{words}</title><link>http://x.example/1</link></item></channel></rss>".encode()
    )
    assert feed.title is not None
    assert len(feed.title) <= 300
    assert feed.title.endswith("headline…")
    assert len(feed.items[0].title) <= 300
