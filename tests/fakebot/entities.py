"""Telegram's HTML parse mode, reimplemented after tdlib's parse_html: text plus Bot API entities.

Offsets and lengths are in UTF-16 code units, as the Bot API reports them.  Errors carry the
description tdlib gives (the Bot API prefixes it with "Bad Request: can't parse entities: ").

One deliberate difference: tdlib keeps a bare or unknown ``&`` as a literal character, but a
renderer that leaves ``&`` unescaped is broken all the same (``&lt`` in a headline would turn into
``<``), so by default this parser rejects it; pass ``strict_ampersand=False`` for tdlib's leniency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

SPACES = " \t\r\n\v\f"

TAG_TO_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

# tdlib orders entities starting at the same place by length (longest first), then by type.
TYPE_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}

NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

URL_SCHEMES = frozenset({"http", "https", "tg", "ton", "tonsite"})
_USER_LINK = re.compile(r"^tg://user\?id=(\d{1,19})$", re.IGNORECASE)
_SPECIAL = re.compile(r"[<&]")
_DOMAIN = re.compile(r"^[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#].*)?$")


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; str() is tdlib's description of why."""


@dataclass(frozen=True, slots=True)
class ParsedText:
    """Plain text as Telegram stores it, with its entities in Bot API JSON shape."""

    text: str
    entities: tuple[dict[str, Any], ...] = field(default=())

    @property
    def length(self) -> int:
        """Length in UTF-16 code units: what Telegram's 4096 limit counts."""
        return utf16_len(self.text)


def utf16_len(text: str) -> int:
    """Number of UTF-16 code units: characters outside the BMP (most emoji) count 2."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def check_link(url: str) -> str | None:
    """The URL Telegram would store for a link, or None when Telegram would refuse it."""
    if not url or any(char in url for char in SPACES) or len(url) > 2048:
        return None
    if "://" not in url and ":" not in url.split("/", 1)[0]:
        return _with_root_path(f"http://{url}") if _DOMAIN.match(url) else None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in URL_SCHEMES:
        return None
    if scheme in {"http", "https"}:
        return _with_root_path(url) if parts.hostname else None
    if scheme == "tg" and not (parts.netloc or parts.path):
        return None
    return url


def _with_root_path(url: str) -> str:
    """Telegram stores "http://host" and "http://host?q" with the root path: "http://host/"."""
    parts = urlsplit(url)
    if parts.path:
        return url
    head = f"{parts.scheme}://{parts.netloc}/"
    return head + url[len(f"{parts.scheme}://{parts.netloc}") :]


def _decode_entity(html: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at html[pos] == '&' the way tdlib does; None if invalid."""
    end = pos + 1
    if end < len(html) and html[end] == "#":
        end += 1
        hexadecimal = end < len(html) and html[end] in "xX"
        if hexadecimal:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        start = end
        value = 0
        while end < len(html) and html[end] in digits:
            value = value * (16 if hexadecimal else 10) + int(html[end], 16)
            end += 1
            if value >= 0x10FFFF:
                return None
        if end == start or value == 0:
            return None
        if 0xD800 <= value <= 0xDFFF:
            raise EntityParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, check "
                "for unmatched surrogate code units"
            )
        char = chr(value)
    else:
        start = end
        while end < len(html) and html[end].isascii() and html[end].isalpha():
            end += 1
        name = html[start:end]
        if name not in NAMED_ENTITIES:
            return None
        char = NAMED_ENTITIES[name]
    if end < len(html) and html[end] == ";":
        end += 1
    return char, end


def _byte_offset(html: str, pos: int) -> int:
    return len(html[:pos].encode("utf-8", "surrogatepass"))


@dataclass(slots=True)
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    text_index: int


def _ampersand(html: str, pos: int, end: int, strict_ampersand: bool) -> tuple[str, int]:
    """The character an "&" at `pos` stands for (reading no further than `end`) and where
    parsing resumes. A bare "&" or an unknown reference is an error when strict, else itself."""
    decoded = _decode_entity(html if end == len(html) else html[:end], pos)
    if decoded is not None:
        return decoded
    if strict_ampersand:
        raise EntityParseError(
            f"Unsupported character reference or bare \"&\" at byte offset {_byte_offset(html, pos)}"
        )
    return "&", pos + 1


def parse_html(html: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse Telegram HTML into plain text and entities, or raise EntityParseError.

    Leading and trailing whitespace is kept here; `normalize` trims it as Telegram does when
    it stores a message.
    """
    out: list[str] = []
    utf16_offset = 0
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []
    size = len(html)
    i = 0
    while i < size:
        char = html[i]
        if char == "&":
            char, i = _ampersand(html, i, len(html), strict_ampersand)
            out.append(char)
            utf16_offset += utf16_len(char)
            continue
        if char != "<":
            special = _SPECIAL.search(html, i)
            stop = special.start() if special else size
            chunk = html[i:stop]
            out.append(chunk)
            utf16_offset += utf16_len(chunk)
            i = stop
            continue

        begin = i
        i += 1
        if i < size and html[i] == "/":
            i = _close_tag(html, begin, stack, entities, out, utf16_offset)
            continue

        while i < size and html[i] not in SPACES and html[i] != ">":
            i += 1
        if i >= size:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(html, begin)}")
        tag_name = html[begin + 1 : i].lower()
        if tag_name not in TAG_TO_ENTITY:
            raise EntityParseError(
                f'Unsupported start tag "{tag_name}" at byte offset {_byte_offset(html, begin)}'
            )
        argument = ""
        has_emoji_id = False
        while True:
            while i < size and html[i] in SPACES:
                i += 1
            if i >= size:
                raise EntityParseError(
                    f'Unclosed start tag "{tag_name}" at byte offset {_byte_offset(html, begin)}'
                )
            if html[i] == ">":
                break
            name_start = i
            while i < size and html[i] not in SPACES and html[i] not in "=>":
                i += 1
            attribute_name = html[name_start:i].lower()
            if not attribute_name:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{tag_name}" at byte offset '
                    f"{_byte_offset(html, begin)}"
                )
            while i < size and html[i] in SPACES:
                i += 1
            if i >= size or html[i] != "=":
                # An attribute without a value: only "expandable" on a blockquote means anything.
                if tag_name == "blockquote" and attribute_name == "expandable":
                    argument = "expandable"
                continue
            i += 1
            while i < size and html[i] in SPACES:
                i += 1
            if i >= size:
                raise EntityParseError(
                    f'Unclosed start tag "{tag_name}" at byte offset {_byte_offset(html, begin)}'
                )
            value, i = _attribute_value(html, i, begin, strict_ampersand)
            if tag_name == "a" and attribute_name == "href":
                argument = value
            elif tag_name == "code" and attribute_name == "class":
                if value.startswith("language-"):
                    argument = value.removeprefix("language-")
            elif tag_name == "span" and attribute_name == "class":
                if value.startswith("tg-"):
                    argument = value.removeprefix("tg-")
            elif tag_name == "tg-emoji" and attribute_name == "emoji-id":
                argument = value
                has_emoji_id = True
            elif tag_name == "blockquote" and attribute_name == "expandable":
                argument = "expandable"  # whatever its value, as Telegram reads it
            # Telegram ignores every other attribute.
        if tag_name == "span" and argument != "spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{_byte_offset(html, begin)}"
            )
        if tag_name == "tg-emoji" and (not has_emoji_id or not argument.isdigit()):
            raise EntityParseError(
                f'Tag "tg-emoji" must have a numeric attribute "emoji-id" at byte offset '
                f"{_byte_offset(html, begin)}"
            )
        stack.append(_OpenTag(tag_name, argument, utf16_offset, len(out)))
        i += 1  # the closing '>'
    if stack:
        raise EntityParseError(
            f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"'
        )
    for entity in entities:
        entity.pop("_language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"], TYPE_PRIORITY.get(e["type"], 50)))
    return ParsedText("".join(out), tuple(entities))


def _attribute_value(html: str, i: int, begin: int, strict_ampersand: bool) -> tuple[str, int]:
    """Read a quoted or bare attribute value starting at html[i]; return it and the next index."""
    size = len(html)
    if html[i] not in "'\"":
        start = i
        while i < size and (html[i].isascii() and (html[i].isalnum() or html[i] in ".-")):
            i += 1
        if i >= size or (html[i] not in SPACES and html[i] != ">"):
            raise EntityParseError(
                f"Unexpected end of name token at byte offset {_byte_offset(html, start)}"
            )
        return html[start:i].lower(), i
    quote = html[i]
    i += 1
    end = html.find(quote, i)
    if end < 0:
        raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(html, begin)}")
    value: list[str] = []
    while i < end:
        if html[i] == "&":
            char, i = _ampersand(html, i, end, strict_ampersand)
            value.append(char)
        else:
            value.append(html[i])
            i += 1
    return "".join(value), end + 1


def _close_tag(
    html: str,
    begin: int,
    stack: list[_OpenTag],
    entities: list[dict[str, Any]],
    out: list[str],
    utf16_offset: int,
) -> int:
    """Handle the end tag starting at html[begin] == '<'; return the index after its '>'."""
    size = len(html)
    if not stack:
        raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(html, begin)}")
    i = begin + 2
    while i < size and html[i] not in SPACES and html[i] != ">":
        i += 1
    end_name = html[begin + 2 : i].lower()
    while i < size and html[i] in SPACES:
        i += 1
    if i >= size or html[i] != ">":
        raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(html, begin)}")
    opened = stack.pop()
    if end_name and end_name != opened.name:
        raise EntityParseError(
            f"Unmatched end tag at byte offset {_byte_offset(html, begin)}, expected "
            f'"</{opened.name}>", found "</{end_name}>"'
        )
    length = utf16_offset - opened.utf16_offset
    if length > 0:
        entity = _entity_for(opened, length, entities, "".join(out[opened.text_index :]))
        if entity is not None:
            entities.append(entity)
    return i + 1


def _entity_for(
    opened: _OpenTag,
    length: int,
    entities: list[dict[str, Any]],
    inner_text: str,
) -> dict[str, Any] | None:
    """The Bot API entity for a closed tag (None when Telegram makes none), merging <pre> and
    <code class="language-…"> of the same span into one pre with a language."""
    offset = opened.utf16_offset
    kind = TAG_TO_ENTITY[opened.name]
    entity: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
    if kind == "text_link":
        url = opened.argument or inner_text
        user = _USER_LINK.match(url)
        if user:
            return {
                "type": "text_mention",
                "offset": offset,
                "length": length,
                "user": {"id": int(user.group(1)), "is_bot": False, "first_name": ""},
            }
        checked = check_link(url)
        if checked is None:
            return None  # Telegram silently drops links it cannot accept
        entity["url"] = checked
    elif kind == "code":
        previous = entities[-1] if entities else None
        if (
            opened.argument
            and previous is not None
            and previous["type"] == "pre"
            and (previous["offset"], previous["length"]) == (offset, length)
        ):
            # <code class="language-x"><pre>…</pre></code>: one pre entity with the language.
            previous["language"] = opened.argument
            return None
        if opened.argument:
            entity["_language"] = opened.argument  # claimed by an enclosing <pre> of equal span
    elif kind == "pre":
        previous = entities[-1] if entities else None
        if (
            previous is not None
            and previous["type"] == "code"
            and previous.get("_language")
            and (previous["offset"], previous["length"]) == (offset, length)
        ):
            # <pre><code class="language-x">…</code></pre>: one pre entity with the language.
            entities.pop()
            entity["language"] = previous["_language"]
    elif kind == "blockquote" and opened.argument == "expandable":
        entity["type"] = "expandable_blockquote"
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = opened.argument
    return entity


def normalize(parsed: ParsedText) -> ParsedText:
    """Trim leading and trailing whitespace as Telegram does, moving and clipping entities."""
    text = parsed.text
    stripped_left = text.lstrip(SPACES)
    cut_left = utf16_len(text[: len(text) - len(stripped_left)])
    stripped = stripped_left.rstrip(SPACES)
    new_length = utf16_len(stripped)
    entities: list[dict[str, Any]] = []
    for entity in parsed.entities:
        start = max(entity["offset"] - cut_left, 0)
        end = min(entity["offset"] + entity["length"] - cut_left, new_length)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return ParsedText(stripped, tuple(entities))


def entity_text(text: str, entity: dict[str, Any]) -> str:
    """The slice of `text` an entity covers (offsets are UTF-16, so slice in UTF-16)."""
    encoded = text.encode("utf-16-le", "surrogatepass")
    start = entity["offset"] * 2
    end = start + entity["length"] * 2
    return encoded[start:end].decode("utf-16-le", "surrogatepass")
