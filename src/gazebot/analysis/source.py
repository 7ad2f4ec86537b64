"""The source line: the outlet, the agency it cites ("via Reuters"), language, reading time."""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["detect_language", "find_outlet", "find_via", "minutes_for_words", "reading_minutes"]

WORDS_PER_MINUTE = 230
# Ukrainian words are longer on average than English ones: fewer of them per minute.
WORDS_PER_MINUTE_UK = 180

_NAME = r"[A-ZА-ЯІЇЄҐ][\w’'&.-]*(?:[ \t]+(?:of[ \t]+|the[ \t]+)?[A-ZА-ЯІЇЄҐ][\w’'&.-]*){0,4}"

# How an outlet names itself in its own furniture.
_OUTLET_PATTERNS = (
    re.compile(
        rf"^\W*(?P<name>(?:The[ \t]+)?{_NAME})[ \t]+(?:reports?|reported|writes|wrote|informs?)\b"
        r"[^.]{0,40}?(?:referring to|citing|with reference to|according to)\b"
    ),
    re.compile(rf"\b[Aa]s[ \t]+(?P<name>(?:The[ \t]+)?{_NAME})[ \t]+(?:has[ \t]+)?reported\b"),
    re.compile(
        rf"^\W*(?:Read|See)[ \t]+(?:also|more)[ \t]+(?:on|at|in)[ \t]+(?P<name>(?:The[ \t]+)?{_NAME})"
        r"[ \t]*[:—–-]"
    ),
    re.compile(rf"^\W*(?:Читайте[ \t]+також[ \t]+на|Як[ \t]+повідомля[вл]и?)[ \t]+(?P<name>{_NAME})"),
)

# How a story names the agency it rests on.
# The agency's name is the whole rest of the clause ("citing Reuters.", "на «Укрінформ»"),
# not the first word of a description ("на Єдиний держреєстр").
_CLAUSE_END = r"(?=[ \t]*(?:[.,;:)]|$))"
_AGENCY_NAME = rf"(?:«(?P<quoted>[^»]{{2,60}})»|(?P<name>{_NAME}){_CLAUSE_END})"
_VIA_PATTERNS = (
    re.compile(
        r"\b(?:reports?|reported|writes|wrote|informs?)\b[^.]{0,40}?"
        rf"\b(?:referring to|citing|with reference to)[ \t]+(?:the[ \t]+)?{_AGENCY_NAME}"
    ),
    re.compile(rf"з[ \t]+посиланням[ \t]+на[ \t]+{_AGENCY_NAME}"),
)

_AGENCIES = (
    "Reuters",
    "Associated Press",
    "AP",
    "AFP",
    "Agence France-Presse",
    "Bloomberg",
    "dpa",
    "Interfax-Ukraine",
    "Interfax",
    "Ukrinform",
    "UNIAN",
    "TASS",
    "RIA Novosti",
    "Xinhua",
    "EFE",
    "ANSA",
    "Kyodo",
    "Yonhap",
    "Anadolu",
    "PA Media",
    "Укрінформ",
    "УНІАН",
    "Інтерфакс-Україна",
    "Рейтер",
)
_AGENCY_ALTERNATION = "|".join(re.escape(name) for name in _AGENCIES)
# Datelines and credits: "KYIV (Reuters) -", "(AP) —", "/AFP/", "according to Reuters".
_AGENCY_MENTION = re.compile(
    rf"\((?P<a>{_AGENCY_ALTERNATION})\)|/(?P<b>{_AGENCY_ALTERNATION})/"
    rf"|\b(?:according to|citing|told|reported by|via)[ \t]+(?P<c>{_AGENCY_ALTERNATION})\b"
    rf"|[—–-][ \t]*(?P<d>{_AGENCY_ALTERNATION})[ \t]*$",
    re.MULTILINE,
)
# The same mentions one kind at a time, a little looser (the cue without its word boundary,
# spaces optional), each pattern opening with a literal: found by a fast scan for it, where
# the whole pattern, or the names alone, test a character set at every position of a story.
_AGENCY_MENTION_PARTS = tuple(
    re.compile(rf"{re.escape(opening)}[ \t]*(?:{_AGENCY_ALTERNATION}){closing}", re.MULTILINE)
    for opening, closing in (
        ("(", r"\)"),
        ("/", "/"),
        *((cue, r"\b") for cue in ("according to", "citing", "told", "reported by", "via")),
        *((dash, r"[ \t]*$") for dash in "—–-"),
    )
)

# Outlets whose name cannot be read off their host name.
_KNOWN_HOSTS = {
    "bbc.co.uk": "BBC",
    "bbc.com": "BBC",
    "reuters.com": "Reuters",
    "apnews.com": "AP",
    "theguardian.com": "The Guardian",
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "cnn.com": "CNN",
    "kyivindependent.com": "The Kyiv Independent",
    "kyivpost.com": "Kyiv Post",
    "pravda.com.ua": "Ukrainska Pravda",
    "ukrinform.net": "Ukrinform",
    "ukrinform.ua": "Ukrinform",
    "unian.net": "UNIAN",
    "unian.ua": "UNIAN",
    "suspilne.media": "Suspilne",
    "rbc.ua": "RBC-Ukraine",
    "nv.ua": "NV",
    "interfax.com.ua": "Interfax-Ukraine",
}

_CYRILLIC = re.compile(r"[а-яіїєґёыэъ]", re.IGNORECASE)
_UKRAINIAN_ONLY = re.compile(r"[іїєґ]", re.IGNORECASE)
_RUSSIAN_ONLY = re.compile(r"[ёыэъ]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_LATIN_WORD = re.compile(r"[a-zäöüßéèêàâçñ]+")
# Function words, as Latin-1 bytes: words are compared as read from the encoded text.
_LATIN_STOPWORDS = {
    language: frozenset(word.encode("latin-1") for word in words.split())
    for language, words in {
        "en": "the and of to is in that was for with",
        "de": "der die und das ist nicht mit den ein sich",
        "fr": "le la les et des est une pour dans que",
        "es": "el los las y es una para con por que",
    }.items()
}
_ALL_LATIN_STOPWORDS = frozenset().union(*_LATIN_STOPWORDS.values())
# The letters of _LATIN_WORD kept (Latin-1 bytes), every other byte blanked.
_LATIN_LETTER_BYTES = bytes(
    byte if chr(byte) in string.ascii_lowercase + "äöüßéèêàâçñ" else ord(" ") for byte in range(256)
)
_SAMPLE = 600


def _clean_name(name: str) -> str:
    return name.strip(" \t.,;:’'\"").removesuffix("’s").removesuffix("'s")


def find_outlet(furniture: Iterable[str], url: str = "") -> str | None:
    """The outlet: as its own furniture names it ("The Gaze reports…", "As The Gaze reported
    earlier", "Read also on The Gaze:"), else from the URL's host, else None."""
    for line in furniture:
        for pattern in _OUTLET_PATTERNS:
            match = pattern.search(line)
            if match:
                return _clean_name(match.group("name"))
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if not host:
        return None
    for known, name in _KNOWN_HOSTS.items():
        if host == known or host.endswith("." + known):
            return name
    return host


def find_via(furniture: Iterable[str], story: str, outlet: str | None) -> str | None:
    """The agency the story rests on: from a source line ("…, referring to Reuters"), a
    dateline ("(Reuters) -") or a credit ("according to AFP"); None if the outlet is its own."""
    for line in furniture:
        for pattern in _VIA_PATTERNS:
            match = pattern.search(line)
            if match:
                name = _clean_name(match.group("quoted") or match.group("name"))
                return None if name == outlet else name
    # Most stories name no agency: quick tests spare the big pattern.
    if not any(part.search(story) for part in _AGENCY_MENTION_PARTS):
        return None
    match = _AGENCY_MENTION.search(story)
    if match:
        name = next(group for group in match.groups() if group)
        return None if name == outlet else name
    return None


def detect_language(text: str) -> str:
    """ISO 639-1 code from letters and function words: "uk", "ru", "en", "de", "fr", "es"."""
    sample = text[:_SAMPLE]
    lowered = sample.lower()
    try:
        # Text in Latin-1 after lower-casing (most English, with its "£") holds no Cyrillic,
        # and its words are read by splitting bytes: letters kept, all else blanked.
        latin = lowered.encode("latin-1")
    except UnicodeEncodeError:
        return _detect_language_by_regex(sample, lowered)
    return _language_by_function_words(latin.translate(_LATIN_LETTER_BYTES).split())


def _detect_language_by_regex(sample: str, lowered: str) -> str:
    """`detect_language` for text that is not Latin-1 once lower-cased."""
    # Most text has no Cyrillic at all: one search spares counting letters.
    if _CYRILLIC.search(sample):
        cyrillic = len(_CYRILLIC.findall(sample))
        if cyrillic * 4 > len(sample) or cyrillic > len(_LATIN.findall(sample)):
            ukrainian = len(_UKRAINIAN_ONLY.findall(sample))
            russian = len(_RUSSIAN_ONLY.findall(sample))
            return "ru" if russian > ukrainian else "uk"
    return _language_by_function_words([word.encode("latin-1") for word in _LATIN_WORD.findall(lowered)])


def _language_by_function_words(words: list[bytes]) -> str:
    """The Latin-script language whose function words are most of `words` (Latin-1 encoded),
    English unless another has strictly more."""
    hits = list(filter(_ALL_LATIN_STOPWORDS.__contains__, words))
    # No English function word is another language's (a test holds this): when English has
    # at least half the hits, no other language can have more.
    if 2 * sum(map(_LATIN_STOPWORDS["en"].__contains__, hits)) >= len(hits):
        return "en"
    counts = {
        language: sum(map(stopwords.__contains__, hits)) for language, stopwords in _LATIN_STOPWORDS.items()
    }
    best = max(counts, key=lambda language: counts[language])
    return best if counts[best] > counts["en"] else "en"


def reading_minutes(text: str, language: str = "en") -> int:
    """Minutes to read the text at an ordinary reading pace, rounded up."""
    return minutes_for_words(len(text.split()), language)


def minutes_for_words(words: int, language: str = "en") -> int:
    """Minutes to read `words` words at an ordinary reading pace, rounded up (at least one)."""
    pace = WORDS_PER_MINUTE_UK if language in {"uk", "ru"} else WORDS_PER_MINUTE
    return max(1, math.ceil(words / pace))
