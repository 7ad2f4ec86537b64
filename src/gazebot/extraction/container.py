"""Check extracted lines against the page's DOM: keep the main container's text, recover its loose runs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

_WORD = re.compile(r"\w+")
# Elements whose whole text is one line of the extraction.
_LINE_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd", "figcaption"}
)
# Inline elements continue the run of text they sit in; anything else (and <br>) ends it.
_INLINE_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "dfn",
        "em",
        "font",
        "i",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
    }
)
# Inline wrappers around these (a linked <figure>, say) are blocks, not part of a run of text.
_BLOCK_TAGS = (
    "address",
    "article",
    "aside",
    "blockquote",
    "div",
    "dl",
    "figure",
    "figcaption",
    "footer",
    "form",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
)
# The main container is the deepest element holding this share of the located words.
_MAIN_SHARE = 0.8
# How many levels above the main container its neighbourhood reaches.
_NEIGHBOURHOOD_LEVELS = 2
# Limits that keep pathological pages (one text repeated thousands of times) linear.
_MAX_MATCHES = 8
_MAX_LOOSE_RUNS = 500
# Zero-width and soft-hyphen characters that trafilatura drops from the text it returns.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
# A line is link text when links hold this share of its words.
_LINK_TEXT_SHARE = 0.8
# Lines outside the main container are dropped only while they are this small a share.
_STRAY_MAX_SHARE = 0.2
# A loose run of text in the container must be this long to count as a paragraph.
_MIN_RUN_WORDS = 15


def refine_with_container(root: HtmlElement, lines: tuple[str, ...]) -> tuple[str, ...]:
    """Lines with strays from outside the main container dropped and its unwrapped text added.

    trafilatura sometimes opens with a sidebar teaser, and it skips paragraphs that are bare text
    separated by <br> rather than wrapped in <p>; both show once the lines are put back in the DOM.
    """
    located, anchors, order = _locate(root, lines)
    words = [len(_WORD.findall(line)) for line in lines]
    total = sum(count for count, element in zip(words, located, strict=True) if element is not None)
    if total == 0:
        return lines
    main = _main_container(root, lines, located, words, total)
    if main is root or main.tag == "body":
        return lines
    # Standfirsts and bylines sit beside the body container and other chunks of a split story
    # further off, so distance alone proves nothing; a far-off line that is all link, though, is
    # a teaser for another page.
    neighbourhood = main
    for _ in range(_NEIGHBOURHOOD_LEVELS):
        parent = neighbourhood.getparent()
        neighbourhood = neighbourhood if parent is None else parent
    inside = [
        element is None or _contains(neighbourhood, element) or not _is_link_text(element)
        for element in located
    ]
    stray_words = sum(count for count, keep in zip(words, inside, strict=True) if not keep)
    if stray_words > total * _STRAY_MAX_SHARE:
        inside = [True] * len(lines)
    # trafilatura's order stands; positions only say where recovered runs slot in, so a line
    # matched to a lookalike elsewhere on the page (a ticker, a teaser) cannot move anything.
    kept: list[tuple[int, str]] = []
    position = order[main]
    for line, anchor, keep in zip(lines, anchors, inside, strict=True):
        if not keep:
            continue
        if anchor is not None and order[anchor] > position:
            position = order[anchor]
        kept.append((position, line))
    known = "\n".join(_key(line) for line in lines)
    # Bare text runs are read from the container itself and from every element inside it that
    # already supplied a run-shaped line: that is where unwrapped paragraphs live.
    run_hosts = [main] + [
        element
        for element, keep in zip(located, inside, strict=True)
        if element is not None and keep and element is not main and element.tag not in _LINE_TAGS
    ]
    recovered: list[tuple[int, str]] = []
    candidates = [run for host in dict.fromkeys(run_hosts) for run in _loose_runs(host)]
    # An article has a handful of loose runs; thousands mean a page of something else, and
    # checking each against the whole text would cost too much.
    if len(candidates) > _MAX_LOOSE_RUNS:
        candidates = []
    for anchor, run in candidates:
        if len(_WORD.findall(run)) >= _MIN_RUN_WORDS and _key(run) not in known:
            recovered.append((order[anchor], run))
            known += "\n" + _key(run)
    merged: list[str] = []
    pending = sorted(recovered, key=lambda item: item[0])
    for line_position, line in kept:
        while pending and pending[0][0] < line_position:
            merged.append(pending.pop(0)[1])
        merged.append(line)
    merged.extend(run for _, run in pending)
    return tuple(merged)


def _locate(
    root: HtmlElement, lines: tuple[str, ...]
) -> tuple[list[HtmlElement | None], list[HtmlElement | None], dict[HtmlElement, int]]:
    """For each line, the one element holding exactly that text (if exactly one) and its anchor.

    The text is either a whole paragraph-like element (its own anchor) or a loose run of some
    element's own text, bare between <br>s: then the element is returned, and as anchor the
    child just before the run, which places the line in reading order. Also returns every
    element's position in document order, gathered on the same single walk over the page.
    """
    wanted = {_key(line) for line in lines}
    found: dict[str, list[tuple[HtmlElement, HtmlElement]]] = {}
    order: dict[HtmlElement, int] = {}
    for index, element in enumerate(root.iter()):
        order[element] = index
        tag = element.tag
        if not isinstance(tag, str) or tag in _INLINE_TAGS:
            continue
        if tag in _LINE_TAGS:
            key = _key(element.text_content())
            if key in wanted:
                found.setdefault(key, []).append((element, element))
        elif _has_own_text(element):
            for anchor, run in _loose_runs(element):
                key = _key(run)
                if key in wanted:
                    found.setdefault(key, []).append((element, anchor))
    unique: dict[str, tuple[HtmlElement, HtmlElement] | None] = {}
    for key, matches in found.items():
        # Text that occurs in many places cannot place a line; do not look closer.
        innermost = _innermost(matches) if len(matches) <= _MAX_MATCHES else matches
        unique[key] = innermost[0] if len(innermost) == 1 else None
    located: list[HtmlElement | None] = []
    anchors: list[HtmlElement | None] = []
    for line in lines:
        match = unique.get(_key(line))
        located.append(None if match is None else match[0])
        anchors.append(None if match is None else match[1])
    return located, anchors, order


def _innermost(
    matches: list[tuple[HtmlElement, HtmlElement]],
) -> list[tuple[HtmlElement, HtmlElement]]:
    """The matches without those that merely wrap another match (a <div> around its one <p>)."""
    if len(matches) < 2:
        return matches
    elements = {id(element) for element, _ in matches}
    return [
        (element, anchor)
        for element, anchor in matches
        if not any(id(inner) in elements for inner in element.iterdescendants())
    ]


def _main_container(
    root: HtmlElement,
    lines: tuple[str, ...],
    located: list[HtmlElement | None],
    words: list[int],
    total: int,
) -> HtmlElement:
    weight: dict[HtmlElement, int] = {}
    for element, count in zip(located, words, strict=True):
        if element is None:
            continue
        for ancestor in (element, *element.iterancestors()):
            weight[ancestor] = weight.get(ancestor, 0) + count
    main = root
    while True:
        heavy = next(
            (child for child in main.iterchildren() if weight.get(child, 0) >= total * _MAIN_SHARE),
            None,
        )
        if heavy is None or heavy.tag in _LINE_TAGS:
            return main
        main = heavy


def _is_link_text(element: HtmlElement) -> bool:
    """Whether the element is a link or its words are nearly all link words."""
    if any(ancestor.tag == "a" for ancestor in element.iterancestors()):
        return True
    words = len(_WORD.findall(element.text_content()))
    link_words = sum(len(_WORD.findall(link.text_content())) for link in element.iter("a"))
    return words > 0 and link_words >= words * _LINK_TEXT_SHARE


def _contains(container: HtmlElement, element: HtmlElement) -> bool:
    return element is container or any(ancestor is container for ancestor in element.iterancestors())


def _loose_runs(container: HtmlElement) -> Iterator[tuple[HtmlElement, str]]:
    """Runs of the container's own text, split at <br> and block children, with their anchors."""
    anchor = container
    parts: list[str] = [container.text or ""]
    for child in container.iterchildren():
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        if child.tag in _INLINE_TAGS and next(child.iter(*_BLOCK_TAGS), None) is None:
            parts.append(child.text_content())
            parts.append(child.tail or "")
            continue
        run = " ".join("".join(parts).split())
        if run:
            yield anchor, run
        anchor = child
        parts = [child.tail or ""]
    run = " ".join("".join(parts).split())
    if run:
        yield anchor, run


def _key(text: str) -> str:
    # Whitespace-free and case-folded: cheap enough to compute for every paragraph on a page.
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    return "".join(text.split()).casefold()


def _has_own_text(element: HtmlElement) -> bool:
    return bool((element.text or "").strip()) or any((child.tail or "").strip() for child in element)
