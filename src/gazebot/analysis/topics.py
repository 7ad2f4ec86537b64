"""Topics: the people, places and organisations a story is about, with spelling variants folded."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
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
# The same, and a leading title with a possessive ending ("President's"), in one set.
_SKIPPED_OPENERS_AND_TITLES_OF = _SKIPPED_OPENERS | {
    title + ending for title in _LEADING_TITLES for ending in ("'s", "’s", "ʼs")
}
# Endings of Ukrainian nouns and adjectives in an oblique case (locative, dative, genitive…).
_OBLIQUE_CYRILLIC = re.compile(r"(?:ого|ому|ою|ої|ові|еві|ем|ом|і|у|ю)$")
_DEMONYM = re.compile(
    r"(?:ian|ean|ese|ish|i)s?$"
    r"|^(?:americans?|africans?|mexicans?|koreans?|germans?|french|dutch|greeks?|thai|swiss|welsh)$"
)


# The same steps as `_ENDING` and a possessive, applied to each line of a text of words.
_POSSESSIVE_AT_LINE_END = re.compile(r"[’'ʼ]s$", re.MULTILINE)
# `_ENDING` for each line: the longest ending that leaves at least three letters before it, found
# as the leftmost one (each branch opens with a letter so that the search skips other letters
# in C, and the deletion needs no template).
_ENDING_OF_LINE = re.compile(
    r"(?:i(?<=[^\n]{4})(?:akh|u|a)?|a(?<=[^\n]{4})(?:kh|mi)?|o(?<=[^\n]{4})(?:vi|mu|ho|iu|m)"
    r"|e(?<=[^\n]{4})(?:vi|iu|m)|u(?<=[^\n]{4}))$",
    re.MULTILINE,
)
_POSSESSIVE_IN_RUN = ("'s", "’s", "ʼs")
# A word of a key, or the tab that stands between two names folded together.
_KEY_WORD_OR_TAB = re.compile(_KEY_WORD.pattern + "|\t")
# Before a run, the marks that open a quotation (or an aside), and the newline that stands for
# the start of a sentence in the text the runs are found in.
_OPENERS = frozenset('\n"“«„‘([—–-')
_RUN_AND_GAPS = re.compile(f"({_CAPITALISED_RUN.pattern})")


def _fold_lines(words: str) -> str:
    """Each line's key (one word per line): transliterated, accents and apostrophes gone, y→i,
    doubled letters single, a Ukrainian case ending dropped.

    Words are folded as the lines of one text, so that each step is one pass in C for all
    the words of an article rather than several calls per word."""
    lowered = words.lower()
    if "'" in lowered or "’" in lowered or "ʼ" in lowered or "`" in lowered:
        if "ʼ" in lowered:
            # "ʼ" is a letter: a word that is all letters and digits keeps it.
            lowered = "\n".join(
                line if line.isalnum() else _APOSTROPHES.sub("", _POSSESSIVE.sub("", line))
                for line in lowered.split("\n")
            )
        else:
            # Only a line with "'", "’" or "`" has anything to remove, and such a line is
            # not all letters and digits: one pass over the text does what each word needs.
            lowered = _APOSTROPHES.sub("", _POSSESSIVE_AT_LINE_END.sub("", lowered))
    if not lowered.isascii():
        lowered = lowered.translate(_TRANSLITERATION)
        if not lowered.isascii():
            lowered = "\n".join(
                line if line.isascii() else _without_accents(line) for line in lowered.split("\n")
            )
    folded = _DOUBLED.sub("", lowered.replace("y", "i").replace("ie", "i"))
    return _ENDING_OF_LINE.sub("", folded)


def _without_accents(word: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", word) if not unicodedata.combining(char))


def topic_key(text: str) -> str:
    """The search key of a topic or phrase: its words folded (Kup’iansk, Kupiansk, Kupyansk and
    Куп'янськ all give "kupiansk"), space-separated, only [a-z0-9 ] and other letters."""
    return " ".join(topic_keys_for_query(text))


def topic_keys_for_query(words: str) -> list[str]:
    """One key per word of a `/topic` or `/follow` query, in order (apostrophes stay inside
    a word, so "Kup’iansk" is one word)."""
    found = _KEY_WORD.findall(words)
    if not found:
        return []
    return [key for key in _fold_lines("\n".join(found)).split("\n") if key]


@dataclass(slots=True)
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
    parts: list[list[str]] = [[]]
    for token in run.split():
        parts[-1].append(token)
        if token.endswith(_POSSESSIVE_ENDINGS):
            parts.append([])
    return [part for part in parts if part]


def _count_runs(sentences: Sequence[Sentence]) -> tuple[Counter[tuple[bool, str]], Counter[tuple[bool, str]]]:
    """How often each capitalised run occurs, and how often in the opening sentences, keyed by
    whether it opens a sentence or quotation and by its text, in order of first occurrence.

    Sentences are searched as one text per stretch of opening or later sentences, each
    sentence after a newline; the text before each run (from `re.split`) tells whether the run
    opens a sentence or quotation, with no call per run."""
    stretches: list[tuple[bool, list[str]]] = []
    for sentence in sentences:
        lead = sentence.index < _LEAD_SENTENCES
        if stretches and stretches[-1][0] == lead:
            stretches[-1][1].append(sentence.text)
        else:
            stretches.append((lead, [sentence.text]))
    runs: list[tuple[bool, str]] = []
    lead_runs: list[tuple[bool, str]] = []
    for lead, texts in stretches:
        text = "\n" + "\n".join(texts)
        if text.count("\n") != len(texts):
            # A line break inside a sentence neither joins nor opens a run, like a carriage return.
            text = "\n" + "\n".join(part.replace("\n", "\r") for part in texts)
        pieces = _RUN_AND_GAPS.split(text)
        # A run opens a sentence or quotation when only blanks and apostrophes stand between it
        # and the sentence's start or an opening mark.
        opens = [gap.rstrip(" \t'")[-1:] in _OPENERS for gap in pieces[0:-1:2]]
        found = list(zip(opens, pieces[1::2], strict=True))
        runs += found
        if lead:
            lead_runs += found
    return Counter(runs), Counter(lead_runs)


def find_topics(sentences: Sequence[Sentence], title: str = "", limit: int = MAX_TOPICS) -> tuple[str, ...]:
    """The article's topics, most important first.

    Candidates are runs of capitalised words; a run's first word at the start of a sentence
    or quotation counts only if the article also capitalises it elsewhere. Variants with the same key fold
    together, and a surname alone counts towards the full name seen elsewhere. Score:
    mentions, plus a bonus for the title and for the opening sentences."""
    # Names recur: each distinct run (and whether it opens a sentence) is handled once, with
    # its number of mentions.
    counts, lead_counts = _count_runs(sentences)
    parts: list[tuple[list[str], bool, int, int]] = []
    mid_sentence_words: set[str] = set()
    for entry, mentions in counts.items():
        opens, run = entry
        lead = lead_counts.get(entry, 0)
        if "s" in run and ("'s" in run or "’s" in run or "ʼs" in run):
            for number, tokens in enumerate(_split_runs(run)):
                at_opening = number == 0 and opens
                if len(tokens) == 1 and tokens[0].lower() in _NEVER_ALONE:
                    continue
                if not at_opening:
                    mid_sentence_words.update(map(_bare, tokens))
                parts.append((tokens, at_opening, mentions, lead))
        else:
            tokens = run.split()
            if len(tokens) == 1 and run.lower() in _NEVER_ALONE:
                continue
            if not opens:
                mid_sentence_words.update(tokens)
            parts.append((tokens, opens, mentions, lead))
    named: list[tuple[str, int, int]] = []
    for run_tokens, at_opening, mentions, lead in parts:
        dropped = at_opening and _bare(run_tokens[0]) not in mid_sentence_words
        surface = _name_of(run_tokens[1:] if dropped else run_tokens)
        if surface is not None:
            named.append((surface, mentions, lead))
    keys = _keys_of([surface for surface, _, _ in named])
    candidates: dict[str, _Candidate] = {}
    for (surface, mentions, lead), key in zip(named, keys, strict=True):
        if not key:
            continue
        candidate = candidates.get(key)
        if candidate is None:
            candidate = candidates[key] = _Candidate(key=key, first_seen=len(candidates))
        candidate.forms[surface] = candidate.forms.get(surface, 0) + mentions
        candidate.mentions += mentions
        candidate.bonus += lead * _LEAD_BONUS
    _absorb_into_suffixes(candidates)
    _fold_short_forms(candidates)
    title_keys = set(topic_key(title).split())
    for candidate in candidates.values():
        if title_keys and title_keys.issuperset(candidate.key.split()):
            candidate.bonus += _TITLE_BONUS
            candidate.in_title = True
    ranked = sorted(candidates.values(), key=lambda c: (-c.score, c.first_seen))
    return tuple(c.display() for c in ranked if c.mentions >= _MIN_MENTIONS or c.in_title)[:limit]


def _name_of(tokens: list[str]) -> str | None:
    """The name a run of capitalised words gives once titles and roles are trimmed: what
    follows the last role word, without leading titles, articles and connectors or a
    trailing connector, without a possessive ending; None if that names nothing.

    Only a run's last word can end with a possessive (runs are cut after one)."""
    lowered = " ".join(tokens).lower().split()
    start = 0
    if not _ROLES.isdisjoint(lowered):
        for i, word in enumerate(lowered):
            if word in _ROLES:
                start = i + 1
    end = len(tokens)
    while start < end and lowered[start] in _SKIPPED_OPENERS_AND_TITLES_OF:
        start += 1
    while start < end and lowered[end - 1] in _CONNECTORS:
        end -= 1
    if start == end or not tokens[start][0].isupper():
        return None
    surface = " ".join(tokens[start:end])
    if surface.endswith(_POSSESSIVE_ENDINGS):
        surface = surface[:-2]
    if end - start == 1:
        word = surface.lower()
        if word in _NOT_TOPICS or len(word) < 2:
            return None
        if _DEMONYM.search(word) and not tokens[start].isupper():
            return None
    return surface


def _keys_of(names: list[str]) -> list[str]:
    """Each name's `topic_key`, all folded in one go: the names' words one per line, a tab
    line between two names."""
    if not names:
        return []
    words = "\n".join(_KEY_WORD_OR_TAB.findall("\t".join(names)))
    return [" ".join(filter(None, name.split("\n"))) for name in _fold_lines(words).split("\n\t\n")]


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
