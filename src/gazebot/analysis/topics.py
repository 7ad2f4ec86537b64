"""Topics: the people, places and organisations a story is about, with spelling variants folded."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from itertools import compress, groupby
from operator import itemgetter

from gazebot.analysis.text import Sentence

__all__ = ["MAX_TOPICS", "find_topics", "topic_key", "topic_key_forms", "topic_keys_for_query"]

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
# A capitalised word: a capital, then letters and digits, with apostrophes or hyphens only
# between them ("ʼ" is a letter). Possessive quantifiers: a word ends where it ends, with no
# backtracking.
_TOKEN = rf"[{_CAPITAL}]\w*+(?:[’'`-]++\w++)*+"
_CONNECTORS = _word_set("of for de da van von der bin al la le du del")
_CONNECTOR = "(?:" + "|".join(sorted(_CONNECTORS)) + ")"
_CONNECTOR_INITIALS = "".join(sorted({connector[0] for connector in _CONNECTORS}))
# A run of capitalised words, allowing "of"-like connectors between them ("Bank of England").
# A small number may close it ("Channel 4", "Half-Life 2"). After a blank only a capital or a
# connector's first letter can go on with the run; testing that first spares trying every
# connector before each lower-case word.
_CAPITALISED_RUN = re.compile(
    rf"{_TOKEN}(?:[ \t]++(?=[{_CAPITAL}{_CONNECTOR_INITIALS}])"
    rf"(?:{_CONNECTOR}[ \t]++)?{_TOKEN})*+(?:[ \t]\d{{1,2}}\b(?![.,]\d))?"
)
# The same, captured, so that `split` gives the text before each run as well; for ASCII text
# the same with ASCII classes, which sre tests from a table.
_RUNS_AND_GAPS = re.compile(f"({_CAPITALISED_RUN.pattern})")
_RUNS_AND_GAPS_ASCII = re.compile(_RUNS_AND_GAPS.pattern, re.ASCII)
# A run opens a sentence or quotation (and so is capitalised anyway) when only blanks and
# apostrophes stand between it and an opening mark or the sentence's start, written as a newline.
_OPENERS = frozenset('\n"“«„‘([—–-')
_BLANKS_BEFORE_RUN = " \t'"
_POSSESSIVE_ENDINGS = ("'s", "’s", "ʼs")

# Keys are folded one word per line (see `_fold_lines`).
_KEY_WORD = re.compile(r"[^\W_]+(?:[’'ʼ`][^\W_]+)*")
# A word of a key, or the tab that stands between two names folded together.
_KEY_WORD_OR_TAB = re.compile(_KEY_WORD.pattern + "|\t")
_POSSESSIVE = re.compile(r"[’'ʼ]s$", re.MULTILINE)
_APOSTROPHES = re.compile(r"[’'ʼ`]")
# A letter followed by the same letter: removing each such letter keeps one of a run. In ASCII
# text the same letters as a class sre tests from a table.
_DOUBLED = re.compile(r"(\w)(?=\1)")
_DOUBLED_ASCII = re.compile(r"([A-Za-z0-9_])(?=\1)")
# Case endings of Ukrainian nouns as they read once transliterated, so that "Куп'янську" and
# "Kupiansk" share a key: the longest of iakh akh ami ovi evi omu oho oiu eiu iu om em ia a u i
# that leaves at least three letters before it. Sought in the text reversed, each ending
# (reversed) just after a newline: sre finds the newlines in C and tries the endings there
# only, longest first.
_ENDING_REVERSED = re.compile(
    r"\n(?:h(?:kai|ka)|i(?:ma|vo|ve)?|u(?:mo|io|ie|i)?|oho|m[oe]|a(?:i)?)(?=[^\n]{3})"
)

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
    title + ending for title in _LEADING_TITLES for ending in _POSSESSIVE_ENDINGS
}
# A run with none of these words is a name as it stands, with nothing to trim.
_TRIMMED_WORDS = _ROLES | _SKIPPED_OPENERS_AND_TITLES_OF
# A word that is trimmed away, or is not a topic, when it stands alone.
_NOT_A_NAME_ALONE = _TRIMMED_WORDS | _NOT_TOPICS
# Endings of Ukrainian nouns and adjectives in an oblique case (locative, dative, genitive…).
_OBLIQUE_CYRILLIC = re.compile(r"(?:ого|ому|ою|ої|ові|еві|ем|ом|і|у|ю)$")
# Words that name a people, not a topic ("Russian", "Iraqis", "Chinese"), singular and plural.
# A list, not endings: "-ian", "-i" or "-is" would also catch Brian, Modi, Miami and Paris.
_DEMONYM_STEMS = (
    "afghan albanian algerian american angolan argentine argentinian armenian australian austrian"
    " azerbaijani bahraini bangladeshi belarusian belgian bolivian bosnian brazilian british"
    " bulgarian burmese cambodian cameroonian canadian chadian chilean chinese colombian congolese"
    " croatian cuban cypriot czech danish dutch ecuadorian egyptian emirati english eritrean"
    " estonian ethiopian filipino finnish french georgian german ghanaian greek guatemalan haitian"
    " honduran hungarian icelandic indian indonesian iranian iraqi irish israeli italian ivorian"
    " jamaican japanese jordanian kazakh kenyan korean kosovan kurdish kuwaiti kyrgyz latvian"
    " lebanese liberian libyan lithuanian macedonian malaysian malian maltese mexican moldovan"
    " mongolian montenegrin moroccan mozambican namibian nepalese nepali nicaraguan nigerian"
    " norwegian omani pakistani palestinian panamanian paraguayan peruvian polish portuguese qatari"
    " romanian russian rwandan saudi scottish senegalese serbian singaporean slovak slovakian"
    " slovenian somali spanish sudanese swedish swiss syrian taiwanese tajik tanzanian thai tibetan"
    " tunisian turkish turkmen ugandan ukrainian uruguayan uzbek venezuelan vietnamese welsh yemeni"
    " zambian zimbabwean african asian european arab kashmiri punjabi bengali"
    " chechen catalan basque nazi"
)
_DEMONYMS = _word_set(_DEMONYM_STEMS) | {word + "s" for word in _DEMONYM_STEMS.split()} | _word_set(
    "brits scots swedes danes finns poles turks serbs croats czechs slovaks kiwis aussies kurds jewish"
)


def _fold_lines(words: str) -> str:
    """Each line's key, for a text of one word per line: transliterated, accents and apostrophes
    gone, y→i, doubled letters single, a Ukrainian case ending dropped.

    The words of an article are folded as the lines of one text, so that each step is one
    pass in C for all of them rather than several calls per word."""
    lowered = words.lower()
    if "'" in lowered or "’" in lowered or "ʼ" in lowered or "`" in lowered:
        # Every apostrophe goes, "ʼ" (a letter to Unicode, the Ukrainian apostrophe) too:
        # Купʼянськ and Куп'янськ are one place.
        lowered = _APOSTROPHES.sub("", _POSSESSIVE.sub("", lowered))
    if not lowered.isascii():
        lowered = lowered.translate(_TRANSLITERATION)
        if not lowered.isascii():
            lowered = "\n".join(
                line if line.isascii() else _without_accents(line) for line in lowered.split("\n")
            )
    plain = lowered.replace("y", "i").replace("ie", "i")
    single = (_DOUBLED_ASCII if plain.isascii() else _DOUBLED).sub("", plain)
    # A newline before the first line, reversed, stands at the end and is dropped.
    return _ENDING_REVERSED.sub("\n", "\n" + single[::-1])[:0:-1]


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


# A key ending in a consonant and -iv, -ov or -ev, the final syllable split off.
_ALTERNATING_TAIL = re.compile(r"([a-z]*[b-df-hj-np-tv-z])([ioe])v")
_CONSONANT = frozenset("bcdfghjklmnpqrstvwxz")


def topic_key_forms(word: str) -> tuple[str, ...]:
    """The topic keys a query word stands for: its `topic_key`, and the keys of the name's
    other forms where folding the case ending away leaves them apart.

    Ukrainian writes Харків, but Харкова and Харкові (and the Russian-style Kharkov); Львів,
    but Львова; Медведєв where English writes Medvedev. Each form folds to its own key
    (kharkiv, kharkov, khark), so a search for one must ask for the others:
    - -iv: the -ov and -ev forms (Медведєв folds to medvediv), and the bare stem that the
      -ові ending leaves (khark);
    - -ov, -ev: the -iv form (not the bare stem: Іванов must not find Іван);
    - a stem of two consonants (Lviv, Lvov): the other vowel only;
    - after a consonant, the instrumental -им (з Зеленським, Будановим, Путіним), which
      folding keeps, as English names end in it too (Ibrahim);
    - -o after a consonant: the key without it (Кличко, but Кличка and Кличком)."""
    key = topic_key(word)
    if not key or " " in key:
        return (key,) if key else ()
    forms = [key]
    match = _ALTERNATING_TAIL.fullmatch(key)
    if match is not None:
        stem, vowel = match.groups()
        if len(stem) == 2 and set(stem) <= _CONSONANT:
            forms.append(stem + ("ov" if vowel == "i" else "iv"))
        elif len(stem) >= 4:
            forms += [stem + "ov", stem + "ev", stem] if vowel == "i" else [stem + "iv"]
    if len(key) >= 4 and key[-1] in _CONSONANT:
        forms.append(key + "im")
    elif len(key) >= 5 and key[-1] == "o" and key[-2] in _CONSONANT:
        forms.append(key[:-1])
    return tuple(forms)


def _keys_of(names: list[str], title: str) -> tuple[list[str], set[str]]:
    """Each name's `topic_key` (a name given twice is folded twice: cheaper than finding it
    again), and the words of the title's, all folded in one go: the words one per line, with
    a line holding a tab after each name."""
    title_words = _KEY_WORD.findall(title)
    texts = []
    if names:
        text = "\t".join(names)
        if text.replace(" ", "").replace("\t", "").replace("-", "").isalnum():
            # Words of letters and digits only, between blanks and hyphens: the usual names.
            texts.append(text.replace(" ", "\n").replace("-", "\n").replace("\t", "\n\t\n"))
        else:
            texts.append("\n".join(_KEY_WORD_OR_TAB.findall(text)))
    if title_words:
        texts.append("\n".join(title_words))
    folded = _fold_lines("\n\t\n".join(texts))
    if "\n\n" in folded or folded.startswith("\n") or folded.endswith("\n"):
        # A word folded to nothing (a lone soft sign, or between two hyphens) leaves no blank
        # in its name's key.
        keys = [" ".join(filter(None, name.split("\n"))) for name in folded.split("\n\t\n")]
    else:
        keys = folded.replace("\n", " ").split(" \t ")
    # The title, when it has words, is the last of the keys.
    return keys, set(keys[-1].split()) if title_words else set()


class _Candidates:
    """The candidate topics of one article by key, in order of first mention, each with its
    mentions, score bonus, surface forms (with their mentions) and key words.

    Kept as one dict per field rather than an object per candidate: an article has a dozen
    or more, and each is touched only a few times."""

    __slots__ = ("bonus", "first_seen", "forms", "mentions", "several", "words")

    def __init__(self) -> None:
        self.mentions: dict[str, int] = {}
        self.bonus: dict[str, float] = {}
        self.first_seen: dict[str, int] = {}
        self.forms: dict[str, dict[str, int]] = {}
        self.words: dict[str, list[str]] = {}
        # The keys of several words, in order: only they take part in folding.
        self.several: list[str] = []

    def remove(self, key: str) -> None:
        del self.mentions[key], self.bonus[key], self.first_seen[key], self.forms[key], self.words[key]

    def merge(self, key: str, into: str) -> None:
        """Count candidate `key` as mentions of `into`, and forget it."""
        self.mentions[into] += self.mentions[key]
        self.bonus[into] += self.bonus[key]
        self.first_seen[into] = min(self.first_seen[into], self.first_seen[key])
        self.remove(key)

    def display(self, key: str) -> str:
        """The most used surface form, a Ukrainian one only among those not in an oblique
        case ("Київ" over "Києві"); among equals, the longest."""
        forms = self.forms[key]
        if len(forms) == 1:
            return next(iter(forms))
        return max(
            forms.items(),
            key=lambda item: (
                item[0].isascii() or not _OBLIQUE_CYRILLIC.search(item[0]),
                item[1],
                len(item[0]),
            ),
        )[0]


def find_topics(sentences: Sequence[Sentence], title: str = "", limit: int = MAX_TOPICS) -> tuple[str, ...]:
    """The article's topics, most important first.

    Candidates are runs of capitalised words; a run's first word at the start of a sentence
    or quotation counts only if the article also capitalises it elsewhere. Variants with the same key fold
    together, and a surname alone counts towards the full name seen elsewhere. Score:
    mentions, plus a bonus for the title and for the opening sentences."""
    named = _names_of_runs(*_count_runs(sentences))
    if not named:
        return ()
    keys, title_keys = _keys_of([name for name, _, _ in named], title)
    found = _Candidates()
    mentions, bonus, forms = found.mentions, found.bonus, found.forms
    first_seen, words_of, several = found.first_seen, found.words, found.several
    # `keys` ends with the title's when the title has words.
    for (name, times, lead), key in zip(named, keys, strict=False):
        if not key:
            continue
        if key in mentions:
            mentions[key] += times
            bonus[key] += lead * _LEAD_BONUS
            key_forms = forms[key]
            key_forms[name] = key_forms.get(name, 0) + times
        else:
            words = [key] if key.isalnum() else key.split()
            first_seen[key] = len(mentions)
            mentions[key] = times
            bonus[key] = lead * _LEAD_BONUS
            forms[key] = {name: times}
            words_of[key] = words
            if len(words) > 1:
                several.append(key)
    if found.several:
        _absorb_into_suffixes(found)
        _fold_short_forms(found)
    in_title = set()
    if title_keys:
        for key, words in found.words.items():
            # Most keys share no first word with the title: the set test settles them.
            if (not words or words[0] in title_keys) and title_keys.issuperset(words):
                bonus[key] += _TITLE_BONUS
                in_title.add(key)
    shown = [key for key, times in mentions.items() if times >= _MIN_MENTIONS or key in in_title]
    shown.sort(key=lambda key: (-(mentions[key] + bonus[key]), first_seen[key]))
    return tuple(map(found.display, shown[:limit]))


def _count_runs(sentences: Sequence[Sentence]) -> tuple[Counter[str], set[str], Counter[str]]:
    """How often each capitalised run occurs (in order of first occurrence), which runs occur
    somewhere other than at the opening of a sentence or quotation, and how often each occurs
    in the opening sentences.

    The sentences are searched as one text per stretch of opening or later sentences, each
    sentence after a newline; the text `split` gives before each run tells whether it opens a
    sentence or quotation."""
    texts = [sentence.text for sentence in sentences]
    leads = [sentence.index < _LEAD_SENTENCES for sentence in sentences]
    first_later = leads.count(True)
    if True in leads[first_later:]:
        # The opening sentences are not all first: take the stretches as they come.
        stretches = [
            (lead, [text for _, text in group])
            for lead, group in groupby(zip(leads, texts, strict=True), itemgetter(0))
        ]
    else:
        stretches = [(True, texts[:first_later]), (False, texts[first_later:])]
    runs: list[str] = []
    inside: list[bool] = []
    lead_runs: list[str] = []
    for lead, stretch in stretches:
        if not stretch:
            continue
        text = "\n" + "\n".join(stretch)
        if text.count("\n") != len(stretch):
            # A line break inside a sentence neither joins nor opens a run, as a carriage return.
            text = "\n" + "\n".join(part.replace("\n", "\r") for part in stretch)
        if text.isascii():
            pieces = _RUNS_AND_GAPS_ASCII.split(text)
        elif (plain := text.replace("£", "$")).isascii():
            # The pound sign, the one character outside ASCII in most British news, is in no
            # run and opens none, as "$": the faster ASCII search gives the same runs, and
            # each gap's last character is still no opener.
            pieces = _RUNS_AND_GAPS_ASCII.split(plain)
        else:
            pieces = _RUNS_AND_GAPS.split(text)
        found = pieces[1::2]
        runs += found
        inside += [gap.rstrip(_BLANKS_BEFORE_RUN)[-1:] not in _OPENERS for gap in pieces[0:-1:2]]
        if lead:
            lead_runs += found
    return Counter(runs), set(compress(runs, inside)), Counter(lead_runs)


def _names_of_runs(
    counts: Counter[str], seen_inside: set[str], lead_counts: Counter[str]
) -> list[tuple[str, int, int]]:
    """The name each counted run gives, with its mentions and its mentions in the opening
    sentences, in order.

    A lone word that never names anything is dropped before it counts as capitalised
    mid-sentence; a run that opens a sentence or quotation loses its first word unless the
    article capitalises that word mid-sentence too, which is known once every run has been
    seen. So a run also seen mid-sentence names the same wherever it stands, and only a run
    always at an opening waits for the end. The usual runs (one word, or no apostrophe)
    take the short ways below; they give what the general way (`_split_runs`, `_name_of`)
    would."""
    named: list[tuple[str, int, int]] = []
    # What the runs not waiting say about capitals mid-sentence, as text: made a set of words
    # only if some run waits.
    mid_sentence_runs: list[str] = []
    # Runs always at an opening: their place in `named`, their words, mentions and mentions
    # in the opening sentences.
    waiting: list[tuple[int, list[str], list[str], int, int]] = []
    for run, mentions in counts.items():
        one_word = " " not in run and "\t" not in run
        lowered_word = run.lower() if one_word else ""
        if lowered_word in _NEVER_ALONE:
            continue
        always_opens = run not in seen_inside
        lead = lead_counts.get(run, 0)
        if "'" in run or "’" in run or "ʼ" in run:
            if one_word:
                # "Blair's", "O'Neill": one part, taken as the loop below would.
                if always_opens:
                    waiting.append((len(named), [run], [lowered_word], mentions, lead))
                    continue
                mid_sentence_runs.append(_bare(run))
                name = _name_of([run], [lowered_word])
                if name is not None:
                    named.append((name, mentions, lead))
                continue
            # Perhaps a possessive, to cut the run after: "Tennis Australia's Geoff Pollard".
            for number, tokens in enumerate(_split_runs(run)):
                lowered = [token.lower() for token in tokens]
                if len(tokens) == 1 and lowered[0] in _NEVER_ALONE:
                    continue
                if always_opens and number == 0:
                    waiting.append((len(named), tokens, lowered, mentions, lead))
                    continue
                mid_sentence_runs.append(" ".join(map(_bare, tokens)))
                name = _name_of(tokens, lowered)
                if name is not None:
                    named.append((name, mentions, lead))
        elif one_word:
            if always_opens:
                waiting.append((len(named), [run], [lowered_word], mentions, lead))
            else:
                mid_sentence_runs.append(run)
                # As `_name_of` would for one word (the run opens with a capital): not trimmed
                # away, not a non-topic, two letters or more, not a people unless in capitals.
                if (
                    lowered_word not in _NOT_A_NAME_ALONE
                    and len(lowered_word) > 1
                    and (lowered_word not in _DEMONYMS or run.isupper())
                ):
                    named.append((run, mentions, lead))
        else:
            lowered = run.lower().split()
            if always_opens:
                waiting.append((len(named), run.split(), lowered, mentions, lead))
                continue
            mid_sentence_runs.append(run)
            if not _TRIMMED_WORDS.isdisjoint(lowered):
                name = _name_of(run.split(), lowered)
            elif "\t" in run or "  " in run:
                name = " ".join(run.split())
            else:
                # Words with nothing to trim, one space apart: the run is the name.
                name = run
            if name is not None:
                named.append((name, mentions, lead))
    if not waiting:
        return named
    mid_sentence_words = set(" ".join(mid_sentence_runs).split())
    # Last first, so that each place in `named` still stands when its name goes in.
    for place, tokens, lowered, mentions, lead in reversed(waiting):
        first = tokens[0]
        if _bare(first) in mid_sentence_words:
            name = _name_of(tokens, lowered)
        elif len(tokens) > 1:
            name = _name_of(tokens[1:], lowered[1:])
        else:
            continue  # a lone word capitalised only where a sentence or quotation opens
        if name is not None:
            named.insert(place, (name, mentions, lead))
    return named


def _bare(token: str) -> str:
    """The word without a possessive ending."""
    return token[:-2] if token.endswith(_POSSESSIVE_ENDINGS) else token


def _split_runs(run: str) -> list[list[str]]:
    """A run's words, cut after each possessive ("Tennis Australia's Geoff Pollard" names
    two)."""
    parts: list[list[str]] = [[]]
    for token in run.split():
        parts[-1].append(token)
        if token.endswith(_POSSESSIVE_ENDINGS):
            parts.append([])
    return [part for part in parts if part]


def _name_of(tokens: list[str], lowered: list[str]) -> str | None:
    """The name a run of capitalised words gives: what follows its last role word, without
    leading titles, articles and connectors or a trailing connector, and without a possessive
    ending (only a run's last word can have one); None if that names nothing."""
    start = 0
    end = len(tokens)
    if not _TRIMMED_WORDS.isdisjoint(lowered):
        if not _ROLES.isdisjoint(lowered):
            for i, word in enumerate(lowered):
                if word in _ROLES:
                    start = i + 1
        while start < end and lowered[start] in _SKIPPED_OPENERS_AND_TITLES_OF:
            start += 1
        while start < end and lowered[end - 1] in _CONNECTORS:
            end -= 1
    if start == end or not tokens[start][0].isupper():
        return None
    name = " ".join(tokens[start:end]) if start or end < len(tokens) else " ".join(tokens)
    if name.endswith(_POSSESSIVE_ENDINGS):
        name = name[:-2]
    if end - start == 1:
        # One word: not a non-topic, two letters or more, not a people unless in capitals.
        word = name.lower()
        if word in _NOT_TOPICS or len(word) < 2:
            return None
        if not tokens[start].isupper() and word in _DEMONYMS:
            return None
    return name


def _absorb_into_suffixes(found: _Candidates) -> None:
    """Count a run that ends with a better-known name as that name: "Києва Олег Голяшкін"
    (a court's city, then the judge) is a mention of "Олег Голяшкін"."""
    words, mentions = found.words, found.mentions
    # Only a key of three words or more can end with another; most articles have none.
    longest_first = [key for key in found.several if len(words[key]) > 2]
    if len(longest_first) > 1:
        longest_first.sort(key=lambda key: -key.count(" "))
    for key in longest_first:
        parts = words[key]
        for cut in range(1, len(parts) - 1):
            suffix = " ".join(parts[cut:])
            if suffix in mentions and mentions[suffix] >= mentions[key]:
                found.merge(key, into=suffix)
                break


def _fold_short_forms(found: _Candidates) -> None:
    """Count a one-word candidate towards the one longer name that ends with it ("Zelenskyy"
    → "Volodymyr Zelenskyy"), or that starts with it when the longer name is the more used
    ("Lleyton" → "Lleyton Hewitt", but "Ukraine" stays apart from "Ukraine Defence
    Ministry"), and show the longer name."""
    words, mentions = found.words, found.mentions
    several = [key for key in found.several if key in mentions]
    # Only a one-word key that ends or starts a longer one can fold into it (a key word holds
    # no blank, so such a key is one word); most articles have one or two.
    ends = {words[key][-1] for key in several}
    ends.update([words[key][0] for key in several])
    shorts = ends.intersection(mentions)
    if not shorts:
        return
    first_seen = found.first_seen
    # In order of first mention, as the candidates were made (a one-word key has not been
    # merged into, so its first mention is its own).
    for short in sorted(shorts, key=first_seen.__getitem__) if len(shorts) > 1 else shorts:
        short_mentions = mentions[short]
        owners = [key for key in several if words[key][-1] == short] or [
            key for key in several if words[key][0] == short and mentions[key] > short_mentions
        ]
        if len(owners) != 1:
            continue
        owner = owners[0]
        found.merge(short, into=owner)
        # The full name is what the reader should see, however often the surname alone was.
        owner_forms = found.forms[owner]
        best = found.display(owner)
        owner_forms[best] = max(owner_forms.values()) + short_mentions
