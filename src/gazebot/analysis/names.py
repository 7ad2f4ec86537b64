"""Person names in article text: name runs, and surnames, titles and pronouns resolved to full names.

The API is eight functions and one named tuple:

- `find_names(text, people_only=False)` lists every capitalised run that could be a person's
  name, with offsets and the title word written just before it ("President Volodymyr
  Zelenskyy" -> title "president"); `people_only` keeps only the runs `resolve` can use.
  `name_runs` and `mention_in_run` are its two halves, for a caller that needs only a few of
  the names (listing the runs is cheap, reading a name out of each is not).
- `reference_at(phrase)` classifies a short phrase (a cue's subject) as a name, a title
  ("the President", "the Head of State", "глава держави") or a pronoun ("he", "вона").
- `needs_mentions(reference)` tells whether `resolve` needs those mentions at all (a full
  name does not), so a caller can skip listing names.
- `resolve(reference, mentions, before)` turns a reference into the full name already seen
  before offset `before`: a surname into the full name that ends with it, a title into the
  person last written with that title, a pronoun into the person last named;
  `resolve_latest_first` does the same with the names supplied lazily, latest first.
- `name_alone(phrase)` is the name a phrase consists of and nothing else (the attribution
  line after a quote: "― Sonya Herridge"), or None.

English and Ukrainian (with a few Russian forms); no gazetteer, so "name" means "looks like one".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Literal, NamedTuple


def _word_set(words: str) -> frozenset[str]:
    """A constant set from a whitespace-separated word list (easier to read than a literal)."""
    return frozenset(words.split())


ReferenceKind = Literal["name", "title", "pronoun"]

_UPPER = "A-ZÀ-ÖØ-ÞА-ЯІЇЄҐЁ"
_LOWER = "a-zß-öø-ÿа-яіїєґё"
# "Zelenskyy", "McCain", "DeSantis", "O’Malley", "Abu-Bakr"
_NAME_WORD = (
    rf"(?:[{_UPPER}][{_LOWER}]*[{_UPPER}]?[{_LOWER}]+|[{_UPPER}]['’][{_UPPER}][{_LOWER}]+)"
    rf"(?:[-'’][{_UPPER}]?[{_LOWER}]+)*"
)
_INITIAL = rf"[{_UPPER}]\."
_PARTICLE = r"(?:de|da|del|der|van|von|bin|al|la|le)"
_PARTICLES = frozenset(_PARTICLE[3:-1].split("|"))
# A run of capitalised words and initials, optionally with lower-case particles between them.
_NAME_RUN_HEAD = rf"(?=[{_UPPER}])(?<![\w{_UPPER}{_LOWER}])(?:{_NAME_WORD}|{_INITIAL})"
_NAME_RUN_NEXT = rf"(?:[ \u00a0](?:{_PARTICLE}[ \u00a0]){{0,2}}(?!(?:Jr|Sr)\.)(?:{_NAME_WORD}|{_INITIAL}))"
_NAME_RUN_SUFFIX = r"(?:,? (?:Jr\.|Sr\.|(?:III|II|IV)\b))?"
NAME_RUN = re.compile(rf"{_NAME_RUN_HEAD}{_NAME_RUN_NEXT}*{_NAME_RUN_SUFFIX}")
# Runs of two words or more: the only ones `resolve` can use.
_MULTI_WORD_RUN = re.compile(rf"{_NAME_RUN_HEAD}{_NAME_RUN_NEXT}+{_NAME_RUN_SUFFIX}")
# Cheap supersets of the runs above (capitalised tokens separated by single spaces). The exact
# patterns are slow to scan a whole article with, so they only run inside these candidates.
# Possessive `\S*+`: a word never gives back characters, so a failed run fails at once.
_CANDIDATE_NEXT = rf"[ \u00a0](?:{_PARTICLE}[ \u00a0]){{0,2}}[{_UPPER}]\S*+"
_CANDIDATE_RUN = re.compile(rf"[{_UPPER}]\S*+(?:{_CANDIDATE_NEXT})*")
_CANDIDATE_MULTI_WORD_RUN = re.compile(rf"[{_UPPER}]\S*+(?:{_CANDIDATE_NEXT})+")
# Characters a name word cannot end in, which `_CANDIDATE_RUN` takes along after one.
_TRAILING_PUNCTUATION = ".,;:!?)\"”’'-"
_PLAIN_RUN = re.compile(rf"[{_UPPER}][{_LOWER}]+(?: [{_UPPER}][{_LOWER}]+)*")

_HONORIFICS = _word_set(
    "mr mr. mrs mrs. ms ms. miss dr dr. sir madam rep rep. sen sen. gov gov. gen gen. пан пані"
)

# Title words, lower-case; multi-word titles are matched as phrases. Values are a canonical key,
# so "Head of State" and "President" resolve to the same person.
_TITLES: dict[str, str] = {
    "president": "president",
    "head of state": "president",
    "the head of state": "president",
    "vice president": "vice president",
    "prime minister": "prime minister",
    "premier": "prime minister",
    "minister": "minister",
    "foreign minister": "foreign minister",
    "defense minister": "defense minister",
    "defence minister": "defense minister",
    "secretary": "secretary",
    "secretary of state": "secretary of state",
    "chancellor": "chancellor",
    "governor": "governor",
    "senator": "senator",
    "sen.": "senator",
    "sen": "senator",
    "mayor": "mayor",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "spokesperson": "spokesperson",
    "commander": "commander",
    "commander-in-chief": "commander",
    "general": "general",
    "gen.": "general",
    "chief": "chief",
    "ambassador": "ambassador",
    "chairman": "chairman",
    "chairwoman": "chairman",
    "candidate": "candidate",
    "nominee": "candidate",
    "congressman": "congressman",
    "congresswoman": "congressman",
    "rep.": "congressman",
    "king": "king",
    "queen": "queen",
    "pope": "pope",
    "президент": "president",
    "президента": "president",
    "глава держави": "president",
    "голова держави": "president",
    "прем'єр": "prime minister",
    "прем’єр": "prime minister",
    "прем'єр-міністр": "prime minister",
    "прем’єр-міністр": "prime minister",
    "міністр": "minister",
    "речник": "spokesperson",
    "речниця": "spokesperson",
    "мер": "mayor",
    "посол": "ambassador",
    "командувач": "commander",
    "головнокомандувач": "commander",
    "генерал": "general",
    "очільник": "chief",
    "керівник": "chief",
}
_TITLE_PHRASE = re.compile(
    r"\b(?:the\s+|this\s+|that\s+|our\s+|their\s+|ukrainian\s+|us\s+|u\.s\.\s+|russian\s+)?"
    r"(" + "|".join(sorted((re.escape(t) for t in _TITLES), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)

_PRONOUNS = _word_set("he she they we him her він вона вони ми він же она он они")

# Capitalised words that start a run but are not names (sentence openers, months, days, demonyms
# that lead "Ukrainian Armed Forces"-like runs). Checked on the first and last word of a run.
_NOT_NAMES = _word_set(
    """
    a an the this that these those it its i we you he she they my our your his her their
    in on at of for from to by with after before as and but or if when while since during
    according although though however meanwhile today yesterday tomorrow also then there here
    what who why how where which read said says asked told
    later earlier now still yet so even last next first since until despite because unlike
    like both all some many most several other another every each such only just instead thus
    indeed again once speaking writing under over between among across through without within
    against about around near recently currently finally moreover furthermore otherwise perhaps
    maybe not no yes one two three new old former late dear please thanks thank
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    mr mrs ms dr sir
    president minister secretary senator governor mayor general chief head state house
    white republican republicans democrat democrats democratic gop congress senate
    ukraine ukrainian ukrainians russia russian russians american americans america european
    europe english british american chinese french german israeli iranian syrian
    kyiv moscow washington london
    u.s. us un nato eu
    street avenue party committee news times post university college department ministry
    forces army brigade regiment office council court company group agency
    в у на з із за до від після про це цей ця ці та і й але як що коли
    україна україни росія росії сша київ москва сьогодні вчора завтра ми ви я він вона вони
    також крім під над через для після тому
    """
)

_NOT_NAME_WORDS = _NOT_NAMES | frozenset(_TITLES)
# Words of the lists above that are also surnames: after a first name ("David French", "Al
# From", "Amy Pope") they end the name rather than follow it.
_ALSO_SURNAMES = _word_set("french english pope from king white may young brown rice long")
# Last words of titles ("spokeswoman", "state" of "head of state"): a name after one of these
# may carry the title; after any other word, `_title_before` need not look.
_TITLE_TAIL_WORDS = frozenset(title.split()[-1] for title in _TITLES)
_CYRILLIC = re.compile(r"[а-яіїєґё]")
# One word of a name as an attribution line writes it: capitalised ("Raúl", "O’Malley",
# "DeSantis"), or an initial with or without its dot ("A.", "N").
_WRITTEN_NAME_WORD = re.compile(rf"[{_UPPER}](?:[{_UPPER}{_LOWER}'’-]*[{_UPPER}{_LOWER}])?\.?")
_MOST_NAME_WORDS = 6
_WORD = re.compile(rf"[{_UPPER}{_LOWER}][\w'’.-]*")


class NameMention(NamedTuple):
    """A capitalised run that looks like a person's name, with the title written just before it.

    A named tuple rather than a frozen dataclass: an article has dozens and they are made in
    the hot loop of `find_names`, where a frozen dataclass's `__init__` costs several times more.
    """

    start: int
    end: int
    name: str
    title: str | None = None
    # Two or more name words (honorifics aside): a full name that later surnames and pronouns
    # resolve to. Set by `find_names`; stored because `resolve` asks for it again and again.
    is_full: bool = False


def _name_words(name: str) -> list[str]:
    return [w for w in name.replace("\u00a0", " ").split() if w.lower() not in _HONORIFICS]


def find_names(
    text: str, *, people_only: bool = False, spans: Sequence[tuple[int, int]] = ()
) -> list[NameMention]:
    """Every capitalised run in `text` that could be a person's name, in order.

    Leading non-name words ("The", "According", "President") are trimmed off the run; a trimmed
    title word is kept as the mention's `title` so "the President" can later find its holder.
    `people_only` skips one-word runs ("Kupyansk", "Trump"): `resolve` only ever resolves to a
    full name or a titled one, and most runs in an article are single words, so this is the
    fast way to list what `resolve` needs. `spans`, (start, end) offsets in order, limits the
    search to those stretches of `text` (offsets stay those of the whole text).
    """
    if text.islower():
        # No capital letter anywhere, so no run (a cheap test: cue subjects are often "he").
        return []
    mentions: list[NameMention] = []
    for run_start, run in name_runs(text, people_only=people_only, spans=spans):
        mention = mention_in_run(text, run_start, run, people_only=people_only)
        if mention is not None:
            mentions.append(mention)
    return mentions


def name_runs(
    text: str, *, people_only: bool = False, spans: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, str]]:
    """The capitalised runs `find_names` reads names from, as (offset, run) in order: the cheap
    regex half of it. A caller that needs only some of the names (the latest before a quote)
    can list the runs and turn only those it reaches into mentions with `mention_in_run`."""
    exact, candidates = (
        (_MULTI_WORD_RUN, _CANDIDATE_MULTI_WORD_RUN) if people_only else (NAME_RUN, _CANDIDATE_RUN)
    )
    plain = _PLAIN_RUN.fullmatch
    runs: list[tuple[int, str]] = []
    # Cheap candidate spans first; a candidate made of plain capitalised words is a run as it
    # stands (the common case), any other is searched with the exact pattern.
    for start, end in spans or ((0, len(text)),):
        for candidate in candidates.finditer(text, start, end):
            found = candidate.group()
            if plain(found):
                runs.append((candidate.start(), found))
                continue
            # "John Smith," / "Mr Smith." / "(Jane Doe)": plain words before trailing
            # punctuation, the next commonest case. The exact pattern would take the words
            # and stop at the punctuation, when nothing before the run is a word character and
            # the last word is no "Jr"/"Sr" whose dot is its suffix.
            core = found.rstrip(_TRAILING_PUNCTUATION)
            at = candidate.start()
            if (
                plain(core)
                and (at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_"))
                and not (core.endswith((" Jr", " Sr")) and found[len(core)] == ".")
            ):
                runs.append((at, core))
            else:
                runs.extend((run.start(), run.group()) for run in exact.finditer(text, *candidate.span()))
    return runs


def mention_in_run(text: str, run_start: int, run: str, *, people_only: bool = False) -> NameMention | None:
    """The name in one run of `name_runs` (at offset `run_start` of `text`), or None."""
    # This runs for every capitalised run of an article: locals, and each test only when it
    # can change anything, keep it cheap.
    not_name_words = _NOT_NAME_WORDS
    # Runs separate words by exactly one space (or no-break space), so offsets add up.
    words = run.split()
    first, last = 0, len(words)
    while first < last and words[first].lower().strip(".,") in not_name_words:
        first += 1
    while last > first and words[last - 1].lower().strip(".,") in not_name_words:
        if last - first >= 2 and words[last - 1].lower().strip(".,") in _ALSO_SURNAMES:
            break
        last -= 1
    # "Iowa State University's Dianne Bystrom": the person follows the possessive.
    if "'s" in run or "’s" in run:
        for index in range(last - 2, first - 1, -1):
            if words[index].endswith(("'s", "’s")):
                first = index + 1
                break
    if first >= last:
        return None
    # `resolve` uses only full names and titled ones: a lone untrimmed word is neither.
    if people_only and last - first == 1 and first == 0 and not _may_follow_title(text, run_start):
        return None
    start = run_start + sum(len(word) + 1 for word in words[:first]) if first else run_start
    name = " ".join(words[first:last]).rstrip(",")
    if name.endswith(("'s", "’s")):
        name = name[:-2]
    if len(name) < 2 or (name.endswith(".") and not name.endswith(("Jr.", "Sr."))):
        return None
    # A title is either trimmed off the run ("President") or a lower-case word before it
    # ("spokeswoman Hope Hicks"); looking only then keeps this cheap.
    may_have_title = (
        words[first - 1].lower() in _TITLE_TAIL_WORDS if first > 0 else _may_follow_title(text, start)
    )
    title = _title_before(text, start) if may_have_title else None
    written = text[start : start + len(name)]
    full = last - first >= 2 and (
        # Most names hold no honorific: one set test in C rules that out before counting.
        _HONORIFICS.isdisjoint(map(str.lower, words[first:last]))
        or last - first - sum(1 for w in words[first:last] if w.lower() in _HONORIFICS) >= 2
    )
    return NameMention(start, start + len(name), written, title, full)


def follows_name_word(text: str, offset: int) -> bool:
    """Whether the word at `offset` can be a later word of a full name ("John Smith", "J.
    Smith", "Ursula von der Leyen", "Tony Blair" in "Mr Tony Blair"): one space back there is
    a capitalised word or a particle that is not an honorific ("Mr Blair" is no full name).
    False rules out any full name there; True is only a maybe."""
    while offset >= 2 and text[offset - 1] in " \u00a0":
        start = offset - 2
        while start >= 0 and (text[start].isalpha() or text[start] in "'’-."):
            start -= 1
        word = text[start + 1 : offset - 1].lstrip("'’-.")
        if not (word[:1].isupper() or word in _PARTICLES):
            return False
        if word.lower() not in _HONORIFICS:
            return True
        offset -= 1 + len(word)
    return False


def name_alone(phrase: str) -> str | None:
    """The person's name that `phrase` consists of, with nothing else in it: an attribution line
    ("Nell Carden Grey", "Christina N Luis Olidem", "Julie A. Diaz Martinez"), its words joined
    by single spaces, a leading honorific or title dropped ("Sen. Ted Cruz" -> "Ted Cruz", "Mr.
    Trump" -> "Trump"). None for anything else: a lower-case word ("and then he left"), a
    sentence opener or other word that is no name ("Then", "The"), more than six words."""
    words = phrase.split()
    first = 0
    while first < len(words) - 1 and (words[first].lower() in _HONORIFICS or words[first].lower() in _TITLES):
        first += 1
    name = words[first:]
    if not 1 <= len(name) <= _MOST_NAME_WORDS:
        return None
    last = len(name) - 1
    for index, word in enumerate(name):
        # "Ursula von der Leyen": particles only between name words.
        if _WRITTEN_NAME_WORD.fullmatch(word) is None and not (0 < index < last and word in _PARTICLES):
            return None
    opening, closing = name[0].lower().rstrip("."), name[-1].lower().rstrip(".")
    if opening in _NOT_NAME_WORDS or (
        closing in _NOT_NAME_WORDS and (len(name) == 1 or closing not in _ALSO_SURNAMES)
    ):
        return None
    return " ".join(name)


def _may_follow_title(text: str, start: int) -> bool:
    """Whether the word just before offset `start` (which follows a space) could end a title."""
    space = text.rfind(" ", max(0, start - 30), start - 1)
    return text[space + 1 : start - 1].lower() in _TITLE_TAIL_WORDS


def _title_before(text: str, start: int) -> str | None:
    """The canonical title written immediately before offset `start` ("President X", "Sen. X")."""
    words = text[max(0, start - 40) : start].lower().split()[-3:]
    for size in (3, 2, 1):
        if len(words) >= size and (title := _TITLES.get(" ".join(words[-size:]))):
            return title
    return None


def reference_at(phrase: str) -> tuple[ReferenceKind, str] | None:
    """Classify a cue's subject phrase: ("name", "Zelenskyy"), ("title", "president"), ("pronoun", "he").

    Returns None when the phrase holds no person reference (e.g. "a statement").
    """
    stripped = phrase.strip(" \u00a0,.;:—–-")
    if not stripped:
        return None
    lowered = stripped.lower()
    if lowered in _PRONOUNS:
        return ("pronoun", lowered)
    title = _TITLE_PHRASE.fullmatch(lowered)
    if title:
        return ("title", _TITLES[title.group(1)])
    names = find_names(stripped)
    if names:
        return ("name", names[0].name)
    if title := _TITLE_PHRASE.search(lowered):
        return ("title", _TITLES[title.group(1)])
    return None


def _same_word(surname: str, word: str) -> bool:
    """Equal names; for Cyrillic, equal up to the case ending ("Зеленського" = "Зеленський")."""
    a, b = surname.lower().strip(".,’'"), word.lower().strip(".,’'")
    if a == b:
        return True
    if not _CYRILLIC.search(a):
        return False
    shared = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return shared >= 4 and shared >= min(len(a), len(b)) - 3


def _surname_matches(surname: str, full: str) -> bool:
    words = _name_words(full)
    return len(words) >= 2 and any(_same_word(surname, word) for word in words[1:])


def needs_mentions(reference: tuple[ReferenceKind, str]) -> bool:
    """Whether `resolve` needs the earlier mentions for this reference: a full name resolves to
    itself, so finding every name in the article (the costly part) can be skipped."""
    kind, value = reference
    return kind != "name" or len(_name_words(value)) < 2


def single_name_word(reference: tuple[ReferenceKind, str]) -> str | None:
    """The one name word of a surname reference ("Mr. Manafort" -> "Manafort"), which `resolve`
    matches against full names; None for any other reference."""
    kind, value = reference
    if kind != "name":
        return None
    words = _name_words(value)
    return words[0] if len(words) == 1 else None


def resolve(
    reference: tuple[ReferenceKind, str],
    mentions: Sequence[NameMention],
    before: int,
) -> str | None:
    """The full name a reference stands for, using only names written before offset `before`.

    A name with two or more words is returned as written (honorifics dropped); a single word
    (a surname, "Mr. Manafort") becomes the latest earlier full name containing it, else itself;
    a title becomes the latest person written with that title, else the latest full name;
    a pronoun becomes the latest full name. None when nothing earlier fits.
    """
    earlier = [m for m in mentions if m.end <= before]
    return resolve_latest_first(reference, lambda: reversed(earlier))


def resolve_latest_first(
    reference: tuple[ReferenceKind, str], latest_first: Callable[[], Iterable[NameMention]]
) -> str | None:
    """`resolve` with the earlier names given latest first by `latest_first()`, called afresh
    for each pass: a caller can list them lazily, nearest first, and stop where one fits."""
    kind, value = reference
    if kind == "name":
        words = _name_words(value)
        if not words:
            return None
        if len(words) == 1:
            for mention in latest_first():
                if mention.is_full and _surname_matches(words[0], mention.name):
                    return " ".join(_name_words(mention.name))
        return " ".join(words)
    if kind == "title":
        for mention in latest_first():
            if mention.title == value:
                return _full_form(mention, latest_first)
    for mention in latest_first():
        if mention.is_full:
            return " ".join(_name_words(mention.name))
    return None


def _full_form(mention: NameMention, latest_first: Callable[[], Iterable[NameMention]]) -> str:
    words = _name_words(mention.name)
    if len(words) == 1:
        for other in latest_first():
            if other.is_full and _surname_matches(words[0], other.name):
                return " ".join(_name_words(other.name))
    return " ".join(words)
