"""Topics: the people, places and organisations a story is about, with spelling variants folded."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from gazebot.analysis.text import Sentence

__all__ = ["MAX_TOPICS", "find_topics", "topic_key", "topic_keys_for_query"]

MAX_TOPICS = 6
# A topic is mentioned at least twice, or named in the title.
_MIN_MENTIONS = 2
_TITLE_BONUS = 2.0
_LEAD_BONUS = 1.0
_LEAD_SENTENCES = 2


def _word_set(words: str) -> frozenset[str]:
    """A constant word list written as white-space separated text."""
    return frozenset(words.split())


_CAPITAL = "A-ZА-ЯІЇЄҐ"
_TOKEN = rf"[{_CAPITAL}][\w’'ʼ`-]*\w|[{_CAPITAL}]"
_CONNECTORS = _word_set("of for de da van von der bin al la le du del")
_CONNECTOR = "(?:" + "|".join(sorted(_CONNECTORS)) + ")"
# A run of capitalised words, allowing "of"-like connectors between them ("Bank of England").
# A small number may close it ("Channel 4", "Half-Life 2").
_CAPITALISED_RUN = re.compile(
    rf"(?:{_TOKEN})(?:[ \t]+(?:{_CONNECTOR}[ \t]+)?(?:{_TOKEN}))*(?:[ \t]\d{{1,2}}\b(?![.,]\d))?"
)
_OPENING_MARKS = ':"“«„‘([—–-'
_SKIPPED_BEFORE_RUN = " \t\"“«„‘'([—–-"
_POSSESSIVE = re.compile(r"[’'ʼ]s$")
_POSSESSIVE_ENDINGS = ("'s", "’s", "ʼs")
_KEY_WORD = re.compile(r"[^\W_]+(?:[’'ʼ`][^\W_]+)*")
_APOSTROPHES = re.compile(r"[’'ʼ`]")
# A letter followed by the same letter: removing each such letter keeps one of a run.
_DOUBLED = re.compile(r"(\w)(?=\1)")
# Case endings of Ukrainian nouns as they read once transliterated (longest first), so that
# "Куп'янську" and "Kupiansk" share a key; a stem keeps at least four letters.
_ENDING = re.compile(r"(.{3,}?)(?:iakh|akh|ami|ovi|evi|omu|oho|oiu|eiu|iu|om|em|ia|a|u|i)$")

_TRANSLITERATION = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "h",
        "ґ": "g",
        "д": "d",
        "е": "e",
        "є": "ie",
        "ж": "zh",
        "з": "z",
        "и": "y",
        "і": "i",
        "ї": "i",
        "й": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ь": "",
        "ю": "iu",
        "я": "ia",
        "ы": "y",
        "э": "e",
        "ё": "e",
        "ъ": "",
    }
)

# Words that open a capitalised run without naming anything: titles, calendar words.
_LEADING_TITLES = _word_set(
    """
    president prime minister mr mrs ms miss dr sir dame lord lady chief general gen colonel col
    lt lieutenant major commander secretary chancellor king queen prince princess senator
    sen governor gov mayor head chairman chairwoman chair director ceo judge pope foreign
    defence defense deputy vice former acting state interior finance health justice
    spokesman spokeswoman spokesperson ambassador professor prof minister's
    president's speaker sergeant captain admiral archbishop bishop saint st
    the a an this that these those his her its their our my mr. but and or
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    президент прем'єр прем’єр міністр голова генерал полковник пан пані
    """
)
# Role words inside a run: the name is what follows ("Conservative MP Michael Mates").
_ROLES = _word_set(
    """
    mp mep mps president minister secretary general chief chancellor spokesman spokeswoman
    leader boss chairman chairwoman coach manager captain director ceo officer governor senator
    mayor head commissioner ambassador judge
    """
)
_NOT_TOPICS = _word_set(
    """
    i i'm i've i'd i'll ok tv internet web he she we you they it who what why how this that
    there here these those our your their his her its my yes no if when but and so
    він вона вони ми ви я це той ця цей там тут але і та
    тов пат прат зат ват дп кп пп фоп ат
    """
)
_NEVER_ALONE = _LEADING_TITLES | _NOT_TOPICS
_SKIPPED_OPENERS = _LEADING_TITLES | _CONNECTORS
# Endings of Ukrainian nouns and adjectives in an oblique case (locative, dative, genitive…).
_OBLIQUE_CYRILLIC = re.compile(r"(?:ого|ому|ою|ої|ові|еві|ем|ом|і|у|ю)$")
_DEMONYM = re.compile(
    r"(?:ian|ean|ese|ish|i)s?$"
    r"|^(?:americans?|africans?|mexicans?|koreans?|germans?|french|dutch|greeks?|thai|swiss|welsh)$"
)


def _fold(word: str) -> str:
    """One word's key: transliterated, accents and apostrophes gone, y→i, doubled letters
    single, a Ukrainian case ending dropped."""
    lowered = word.lower()
    if not lowered.isalnum():
        lowered = _APOSTROPHES.sub("", _POSSESSIVE.sub("", lowered))
    if not lowered.isascii():
        lowered = lowered.translate(_TRANSLITERATION)
    plain = (
        lowered
        if lowered.isascii()
        else "".join(
            char for char in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(char)
        )
    )
    folded = _DOUBLED.sub("", plain.replace("y", "i").replace("ie", "i"))
    stem = _ENDING.match(folded)
    return stem.group(1) if stem else folded


def topic_key(text: str) -> str:
    """The search key of a topic or phrase: its words folded (Kup’iansk, Kupiansk, Kupyansk and
    Куп'янськ all give "kupiansk"), space-separated, only [a-z0-9 ] and other letters."""
    return " ".join(key for key in (_fold(m.group(0)) for m in _KEY_WORD.finditer(text)) if key)


def topic_keys_for_query(words: str) -> list[str]:
    """One key per word of a `/topic` or `/follow` query, in order (apostrophes stay inside
    a word, so "Kup’iansk" is one word)."""
    return [key for key in (_fold(m.group(0)) for m in _KEY_WORD.finditer(words)) if key]


@dataclass
class _Candidate:
    key: str
    forms: dict[str, int] = field(default_factory=dict)
    mentions: int = 0
    bonus: float = 0.0
    first_seen: int = 0
    in_title: bool = False

    @property
    def score(self) -> float:
        return self.mentions + self.bonus

    def display(self) -> str:
        """The most used surface form, a Ukrainian one only among those not in an oblique
        case ("Київ" over "Києві"); among equals, the longest."""
        return max(
            self.forms.items(),
            key=lambda item: (not _OBLIQUE_CYRILLIC.search(item[0]), item[1], len(item[0])),
        )[0]


def _bare(token: str) -> str:
    """The word without a possessive ending."""
    return token[:-2] if token.endswith(_POSSESSIVE_ENDINGS) else token


def _split_runs(run: str) -> list[list[str]]:
    """A run's words, cut after a possessive: "Tennis Australia's Geoff Pollard" names two."""
    if "s" not in run or not any(mark in run for mark in "'’ʼ"):
        return [run.split()]
    parts: list[list[str]] = [[]]
    for token in run.split():
        parts[-1].append(token)
        if token.endswith(_POSSESSIVE_ENDINGS):
            parts.append([])
    return [part for part in parts if part]


def _trim(tokens: list[str]) -> list[str]:
    """Keep what follows the last role word, then drop leading titles, articles and
    connectors, and a trailing connector; a run that is only a role is nothing."""
    lowered = [token.lower() for token in tokens]
    start = 0
    for i, word in enumerate(lowered):
        if word in _ROLES:
            start = i + 1
    end = len(tokens)
    while start < end and (lowered[start] in _SKIPPED_OPENERS or _bare(lowered[start]) in _LEADING_TITLES):
        start += 1
    while start < end and lowered[end - 1] in _CONNECTORS:
        end -= 1
    return tokens[start:end]


def _is_name(tokens: list[str]) -> bool:
    if not tokens or not tokens[0][0].isupper():
        return False
    if len(tokens) == 1:
        word = _bare(tokens[0]).lower()
        if word in _NOT_TOPICS or len(word) < 2:
            return False
        if _DEMONYM.search(word) and not tokens[0].isupper():
            return False
    return True


def find_topics(sentences: Sequence[Sentence], title: str = "", limit: int = MAX_TOPICS) -> tuple[str, ...]:
    """The article's topics, most important first.

    Candidates are runs of capitalised words; a run's first word at the start of a sentence
    or quotation counts only if the article also capitalises it elsewhere. Variants with the same key fold
    together, and a surname alone counts towards the full name seen elsewhere. Score:
    mentions, plus a bonus for the title and for the opening sentences."""
    runs: list[tuple[list[str], int, bool]] = []
    mid_sentence_words: set[str] = set()
    for sentence in sentences:
        text = sentence.text
        for match in _CAPITALISED_RUN.finditer(text):
            # A sentence's start, or a quotation's, capitalises any word.
            opens = _opens_sentence_or_quote(text, match.start())
            for number, tokens in enumerate(_split_runs(match.group(0))):
                at_opening = number == 0 and opens
                if len(tokens) == 1 and tokens[0].lower() in _NEVER_ALONE:
                    continue
                if not at_opening:
                    mid_sentence_words.update(map(_bare, tokens))
                runs.append((tokens, sentence.index, at_opening))
    candidates: dict[str, _Candidate] = {}
    # Names recur: each distinct run is trimmed and folded once.
    named: dict[tuple[str, ...], tuple[str, str] | None] = {}
    folded: dict[str, str] = {}
    order = 0
    for run, index, at_opening in runs:
        words = tuple(run[1:] if at_opening and _bare(run[0]) not in mid_sentence_words else run)
        if words in named:
            name = named[words]
        else:
            name = named[words] = _surface_and_key(words, folded)
        if name is None:
            continue
        surface, key = name
        candidate = candidates.get(key)
        if candidate is None:
            candidate = candidates[key] = _Candidate(key=key, first_seen=order)
            order += 1
        candidate.forms[surface] = candidate.forms.get(surface, 0) + 1
        candidate.mentions += 1
        if index < _LEAD_SENTENCES:
            candidate.bonus += _LEAD_BONUS
    _absorb_into_suffixes(candidates)
    _fold_short_forms(candidates)
    title_keys = set(topic_key(title).split())
    for candidate in candidates.values():
        if title_keys and all(part in title_keys for part in candidate.key.split()):
            candidate.bonus += _TITLE_BONUS
            candidate.in_title = True
    ranked = sorted(candidates.values(), key=lambda c: (-c.score, c.first_seen))
    return tuple(c.display() for c in ranked if c.mentions >= _MIN_MENTIONS or c.in_title)[:limit]


def _surface_and_key(run: tuple[str, ...], folded: dict[str, str]) -> tuple[str, str] | None:
    """The name a run of capitalised words gives, as written and as a key (`topic_key`, with
    each word's key kept in `folded` for the next run); None if it names nothing once titles
    and roles are trimmed."""
    tokens = _trim(list(run))
    if not _is_name(tokens):
        return None
    surface = " ".join(map(_bare, tokens))
    keys = []
    for match in _KEY_WORD.finditer(surface):
        word = match.group(0)
        key = folded.get(word)
        if key is None:
            key = folded[word] = _fold(word)
        if key:
            keys.append(key)
    return (surface, " ".join(keys)) if keys else None


def _opens_sentence_or_quote(text: str, position: int) -> bool:
    """Does the word at `position` start the sentence or a quotation (capitalised anyway)?"""
    index = position - 1
    while index >= 0 and text[index] in _SKIPPED_BEFORE_RUN:
        if text[index] in _OPENING_MARKS:
            return True
        index -= 1
    return index < 0


def _absorb_into_suffixes(candidates: dict[str, _Candidate]) -> None:
    """Count a run that ends with a better-known name as that name: "Києва Олег Голяшкін"
    (a court's city, then the judge) is a mention of "Олег Голяшкін"."""
    for key in sorted(candidates, key=lambda k: -k.count(" ")):
        parts = key.split()
        for cut in range(1, len(parts) - 1):
            suffix = candidates.get(" ".join(parts[cut:]))
            if suffix is not None and suffix.mentions >= candidates[key].mentions:
                absorbed = candidates.pop(key)
                suffix.mentions += absorbed.mentions
                suffix.bonus += absorbed.bonus
                suffix.first_seen = min(suffix.first_seen, absorbed.first_seen)
                break


def _fold_short_forms(candidates: dict[str, _Candidate]) -> None:
    """Count a one-word candidate towards the one longer name that ends with it ("Zelenskyy"
    → "Volodymyr Zelenskyy"), or that starts with it when the longer name is the more used
    ("Lleyton" → "Lleyton Hewitt", but "Ukraine" stays apart from "Ukraine Defence
    Ministry"), and show the longer name."""
    by_last: dict[str, list[_Candidate]] = {}
    by_first: dict[str, list[_Candidate]] = {}
    for candidate in candidates.values():
        parts = candidate.key.split()
        if len(parts) > 1:
            by_last.setdefault(parts[-1], []).append(candidate)
            by_first.setdefault(parts[0], []).append(candidate)
    for key in [key for key in candidates if " " not in key]:
        short = candidates[key]
        owners = by_last.get(key, [])
        if not owners:
            owners = [c for c in by_first.get(key, []) if c.mentions > short.mentions]
        if len(owners) != 1:
            continue
        del candidates[key]
        owner = owners[0]
        owner.mentions += short.mentions
        owner.bonus += short.bonus
        owner.first_seen = min(owner.first_seen, short.first_seen)
        # The full name is what the reader should see, however often the surname alone was.
        best = owner.display()
        owner.forms[best] = max(owner.forms.values()) + short.mentions
