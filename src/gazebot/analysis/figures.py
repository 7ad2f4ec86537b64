"""Key figures: numbers with their modifier and what they count, found in English or Ukrainian text.

A figure is a verbatim span ("over 1,000 Russian soldiers have been killed", "$1.13bn", "76%",
"1,5 млн грн", "hundreds of troops") with its numeric value. Conventions for the value:

- money and scale words are expanded ("$1.13bn" -> 1.13e9, "1,5 млн грн" -> 1.5e6);
- a percentage is the number before the sign ("76%" -> 76.0); a fraction word is its ratio
  ("two-thirds" -> 0.667, "one in five" -> 0.2);
- a vague plural is the least it can mean ("dozens of" -> 12, "hundreds of" -> 100,
  "tens of thousands" -> 10,000);
- a range ("$3bn to $5bn", "5-7%", "between 62 and 68") is one figure valued at its first end,
  which takes the scale of the second when it has none of its own ("1 to 2 thousand" -> 1000);
- "minus" and a leading minus sign make the value negative.

Not figures: ordinals (13th Brigade), years and dates (2022, September 2024, 12 March), times
(10:30, 5am), phone numbers, street addresses, numbers inside names (Code 9.2, Boeing 737,
COVID-19, Windows 11, the Six Nations), section/article/model numbers, decades (the 1990s),
"several"/"a few" (no number to give), spelled-out compounds ("a five-year deal"), and the idioms
"one of the …", "number one", "the same one" (a lone "one" counts only when it counts a noun).
A plain four-digit integer from 1000 to 2199 is a year unless money, a unit, a scale or a counted
plural noun says otherwise ("2,000 troops", "1000 customers", "1520 sq m").
Figures are ranked: casualty counts, money, percentages and numbers that count a noun phrase
first, bare numbers and a lone "one" last; earlier mentions break ties.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import NamedTuple

from gazebot.analysis.card import Figure
from gazebot.analysis.numbers import (
    APOSTROPHES,
    EN_FRACTIONS,
    EN_HUNDRED,
    EN_SCALES,
    EN_UNITS,
    EN_VAGUE,
    SCALE_ABBREVIATIONS,
    UK_SCALES,
    UK_VAGUE,
    UK_WORDS,
    parse_english_words,
    parse_numeral,
    parse_ukrainian_words,
)

__all__ = ["find_figures"]


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation built as a trie, so a scan fails fast at each letter (speed budget)."""
    tree: dict[str, dict[str, object]] = {}
    for word in words:
        node = tree
        for letter in APOSTROPHES.sub("'", word):
            node = node.setdefault(letter, {})  # type: ignore[assignment]
        node[""] = {}
    return _trie_pattern(tree)


def _trie_pattern(node: dict[str, dict[str, object]]) -> str:
    branches = []
    for letter, child in sorted(node.items()):
        if letter:
            escaped = "['’ʼ]" if letter == "'" else re.escape(letter)
            branches.append(escaped + _trie_pattern(child))  # type: ignore[arg-type]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return "(?:" + body + ")?"
    return body


_EN_WORD = (
    r"(?:" + _alternation([*EN_UNITS, "hundred", "dozen", "thousand", "million", "billion", "trillion"])
    + r")\b"
)
# Scanned over lower-cased text: case-insensitive matching would double the scan time.
_EN_ATOM = re.compile(
    r"(?P<num>(?=[\d.])(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![.,]\d)|\.\d+))"
    r"|\b(?=[zotfsenhmbdaq])(?:"
    r"(?P<frac>(?:a|one|two|three|four|five|six|seven|eight|nine)[\s-]"
    r"(?:halves|half|thirds?|quarters?|fifths?|tenths?)\b(?!-))"
    r"|(?P<half>half(?=\s+(?:of|the|a|an)\b))"
    r"|(?P<vague>(?:(?:tens|hundreds|dozens)\s+of\s+)?"
    r"(?:dozens|scores|hundreds|thousands|millions|billions|trillions|tens)(?=\s+of\b))"
    r"|(?P<words>(?:an?\s+(?=(?:hundred|thousand|million|billion|trillion|dozen)\b))?"
    + _EN_WORD + r"(?:(?:\s+and\s+|[\s-]+)" + _EN_WORD + r")*))"
)
# A scale word alone is a number ("мільйон гривень"); plural "тисячі" is vague, handled above.
_UK_LONE_SCALES = ("мільйон", "мільярд", "трильйон", "тисяча", "тисячу", "півмільйона",
                   "півмільярда")
_UK_FIRST_LETTERS = "".join(sorted(
    {APOSTROPHES.sub("'", word)[0] for word in [*UK_VAGUE, *UK_WORDS, *_UK_LONE_SCALES]}
))
# Numerals first behind a digit look-ahead, words behind a first-letter look-ahead: the scan
# then rejects most positions at once (five times faster than leading with look-behinds).
_UK_ATOM = re.compile(
    r"(?P<num>(?=\d)(?<!\d)(?:\d{1,3}(?:[\u00a0\u202f ]\d{3})+(?!\d)|\d+)(?:,\d+|\.\d+)?"
    r"(?![.,]\d))"
    r"|(?=[" + _UK_FIRST_LETTERS + r"])(?<![\w'’ʼ])(?:"
    r"(?P<vague>(?:(?:десятки|сотні)\s+)?(?:" + _alternation(UK_VAGUE)
    + r")(?![\w'’ʼ])(?=\s+[а-яіїєґ]))"
    r"|(?P<words>(?:" + _alternation([*UK_WORDS, *_UK_LONE_SCALES])
    + r")(?![\w'’ʼ])"
    r"(?:\s+(?:" + _alternation([*UK_WORDS, *UK_SCALES]) + r")(?![\w'’ʼ]))*))"
)

def _atom_starts(first_words: Iterable[str], word_before: str, *extra: str) -> re.Pattern[str]:
    """A pattern for every place an atom may start: a digit, one of `extra`, or a word of
    `first_words` not preceded by a `word_before` character (found as a prefix only).

    Every alternative opens with a literal letter or digit, so the regex engine skips ahead
    to those characters at C speed; the atom pattern, whose look-arounds come first and defeat
    that skip, is then only tried where a number can be (about 1.5x less scan time)."""
    by_letter: dict[str, list[str]] = {}
    for word in first_words:
        by_letter.setdefault(word[0], []).append(word[1:])
    alternatives = [*"0123456789", *extra]
    for letter, rests in sorted(by_letter.items()):
        alternatives.append(re.escape(letter) + rf"(?<!{word_before}.)" + _alternation(rests))
    return re.compile("|".join(alternatives))


_EN_FIRST_WORD = (
    r"(?:" + _alternation(
        [*EN_UNITS, *EN_VAGUE, "hundred", "dozen", "thousand", "million", "billion", "trillion",
         "half"]
    ) + r")(?![a-z])"
    # "a"/"an" open an atom only before a fraction or a scale word ("a third", "a million").
    r"|an?[\s-]+[hmbtdqf]"
)
_UK_ATOM_START = _atom_starts(
    [*UK_VAGUE, *UK_WORDS, *_UK_LONE_SCALES, "десятки", "сотні"], r"[\w'’ʼ]"
)


# English atoms are found in C-speed passes whose matches are a superset of _EN_ATOM's starts
# (_EN_ATOM decides): a number word after any character that is not a letter (a space
# included), found by skipping from one such character to the next; a digit; a ".5".
# Scanning for every letter that may open a number word, as _atom_starts does, stops at almost
# every word and cost four times as much. The passes run on a byte copy of the text, one byte
# per character, with every ASCII digit written "0" and every character but an ASCII letter or
# "_" written "#": the regex engine skips ahead to a literal first character at C speed, but
# tests a character class at every position (this saves a third of the scan).
_ASCII_CLASSES = bytes(
    ord("0") if chr(code).isdigit()
    else code if chr(code).isalpha() or chr(code) == "_"
    else ord("#")
    for code in range(128)
) + b"#" * 128
_FIRST_WORD_IN_CLASSES = (
    _EN_FIRST_WORD.replace(r"[\s-]", r"[\s#]")  # "-", spaces and line breaks are "#" there
).encode("ascii")
_ASCII_WORD_AFTER_MARK = re.compile(rb"#(?=" + _FIRST_WORD_IN_CLASSES + rb")")
_ASCII_DIGIT = re.compile(rb"0")
_REPLACED = re.compile(rb"\?")
_POINT_BEFORE_DIGIT = re.compile(r"\.(?=\d)")


def _en_atom_starts(folded: str) -> list[int]:
    """Every position where an English atom may start, in order (the first always)."""
    starts = [0]
    if folded.isascii():
        classes = folded.encode("ascii").translate(_ASCII_CLASSES)
    else:
        # Every other character is one "?" (a "#" in the classes: not a letter, as for the
        # regex engine's [a-z]), so offsets stay those of the text. A digit that is not ASCII
        # (\d matches it) is found among the "?"s.
        replaced = folded.encode("ascii", "replace")
        classes = replaced.translate(_ASCII_CLASSES)
        starts += [match.start() for match in _REPLACED.finditer(replaced)
                   if folded[match.start()].isdecimal()]
    starts += [match.end() for match in _ASCII_WORD_AFTER_MARK.finditer(classes)]
    starts += [match.start() for match in _ASCII_DIGIT.finditer(classes)]
    if "." in folded:
        starts += [match.start() for match in _POINT_BEFORE_DIGIT.finditer(folded)]
    starts.sort()
    return starts


def _uk_atom_starts(folded: str) -> list[int]:
    """Every position where a Ukrainian atom may start, in order."""
    # A word alternative of _UK_ATOM_START only matches after a non-letter, so no start lies
    # inside an earlier match and finditer sees them all.
    return [match.start() for match in _UK_ATOM_START.finditer(folded)]


_CURRENCY_BEFORE = re.compile(
    r"(?:(?:(?:US|U\.S\.|A|AU|C|CA|HK|NZ|S|R|NT)|(?<![\w.])(?:us|u\.s\.?|hk|c))?\s?\$"
    r"(?:US|A|NZ|C)?|[€£¥₴₽₹]"
    r"|(?<![A-Za-z])(?:USD|EUR|GBP|JPY|CHF|CNY|RMB|INR|UAH|RUB|AUD|CAD|NZD|HKD|RM|Rs\.?|PS|Y=))"
    r"\s?[-−]?$"
)
_SIGN_BEFORE = re.compile(r"(?:\bminus[\s-]|\bnegative\s|(?:^|(?<=[\s(\[$]))[-−])$", re.IGNORECASE)
# The four English patterns below are lower-case and matched on the caseless text (see
# find_figures): a case-sensitive match there finds what a case-insensitive one finds in the
# text, at the same offsets, and is faster.
_EN_MODIFIER_BEFORE = re.compile(
    r"(?:\b(?:(?:well|just|slightly|far|much|a\s+little)\s+)?"
    r"(?:(?:more|less|fewer|greater|higher|lower)\s+than|over|under|up\s+to|about|around|"
    r"approximately|roughly|nearly|almost|some|at\s+least|at\s+most|as\s+(?:many|much|few|"
    r"little)\s+as|just|only|close\s+to|upwards\s+of|in\s+excess\s+of|below|above|exactly|"
    r"(?:an\s+)?estimated|a\s+total\s+of|a\s+record|as\s+high\s+as|as\s+low\s+as|"
    r"between|from|by|to|nearly|barely|almost|precisely|circa|c\.)|~|≈|\+)\s*$",
)
_UK_MODIFIER_BEFORE = re.compile(
    r"(?:(?<![\w'’ʼ])(?:понад|більше\s+ніж|більш\s+ніж|більше|менше\s+ніж|менш\s+ніж|менше|"
    r"майже|близько|приблизно|до|щонайменше|щонайбільше|не\s+менше|не\s+більше|"
    r"орієнтовно|всього|усього|лише|тільки|від|майже|понад|понад\s+як|на|із|з)|~|≈|\+)\s*$",
    re.IGNORECASE,
)
_MODIFIERS_THAT_ARE_PREPOSITIONS = frozenset({"between", "from", "by", "to", "на", "із", "з"})

# Letters glued to a numeral ("87mph", "$1.13bn", "13th") or a hyphenated compound
# ("45-year-old", "18-month"), which says what the number measures.
_EN_SUFFIX = re.compile(r"[A-Za-zμΩ″′°]+(?:/[A-Za-z]+)?\d?|(?:-[A-Za-z]+)+")
_UK_SUFFIX = re.compile(r"[A-Za-zА-Яа-яІіЇїЄєҐґμ°]+\.?")
_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th|s|am|pm|AM|PM|′s|’s|'s|-ї|-й|-го|-те)$")
_ORDINAL_AFTER = re.compile(r"(?:[′’']s\b|-?(?:st|nd|rd|th)\b|-[а-яіїєґ]{1,3}(?![\w'’ʼ]))")

_EN_SCALE_AFTER = re.compile(
    r"(?:\s?-?(?:hundred|thousand|million|billion|trillion|mn|bn|tn)\b)+", re.IGNORECASE
)
_EN_MONEY_SCALE_AFTER = re.compile(r"\s?(?:m|k|b|M|K|B)\b(?![-'’]\w)")
_UK_SCALE_AFTER = re.compile(
    r"\s?(?:тис|млн|млрд|трлн)(?![\w'’ʼ])(?:\s?\.)?"
    r"|\s(?:тисяч\w*|мільйон\w*|мільярд\w*|трильйон\w*)",
    re.IGNORECASE,
)
_EN_PERCENT_AFTER = re.compile(
    r"\s?(?:%|per\s?cent\b|percent\b|pc\b|percentage\s+points?\b|basis\s+points?\b|bps\b)"
    r"(?:-\w+)?",
    re.IGNORECASE,
)
_UK_PERCENT_AFTER = re.compile(
    r"\s?(?:%|відсот\w*|процент\w*|в\.\s?п\.|п\.\s?п\.)", re.IGNORECASE
)
_EN_MONEY_AFTER = re.compile(
    r"[\s-](?:(?:US|Australian|Canadian|Hong\s+Kong|New\s+Zealand|Singapore)\s)?"
    r"(?:dollars?|euros?|pounds?|yen|shekels?|crowns?|rupees?|yuan|francs?|hryvnias?|roubles?|"
    r"rubles?|cents?|pence|won|pesos?|lira|rand|ringgit|sen)\b"
    r"|\s?(?:[€£$](?!\w)|(?:USD|EUR|GBP|JPY|CHF|UAH)\b)",
)
_UK_MONEY_AFTER = re.compile(
    r"\s?(?:грн(?![\w'’ʼ])(?:\s?\.)?|гривн\w*|гривен\w*|гривень|доларів(?:\s+США)?|долар\w*|"
    r"євро(?![\w'’ʼ])|рубл\w*|копій\w*|коп(?![\w'’ʼ])\.?|фунт\w*|€|\$|USD|EUR|UAH)",
    re.IGNORECASE,
)
_EN_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to-?|and)\s*(?=[$€£¥\d.a-zA-Z])", re.IGNORECASE)
_UK_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|до)\s*(?=[$€\d])", re.IGNORECASE)
_EN_TIME_AFTER = re.compile(
    r"(?::\d|\s?(?:a\.m\.|p\.m\.|am\b|pm\b|AM\b|PM\b|GMT\b|UTC\b|EDT\b|EST\b|BST\b|CET\b|"
    r"PDT\b|PST\b|ET\b|PT\b|hrs\b))"
)
_UK_TIME_AFTER = re.compile(r":\d|\s?(?:год\.?|годині|ранку|вечора)(?=\s|$|[.,])")
_TIME_BEFORE = re.compile(r"\d[:]$")
# Each alternative opens with a literal ("+", "(", "-") so the scan skips ahead quickly.
# Phone numbers, as two patterns that each open with one literal character, which the regex
# engine skips to at C speed (a pattern opening with either one tests every character). The
# first "+" form ends with the whole "(" form, so a "(" match inside it ends where it does:
# together they cover what one pattern of the three forms covers.
_PHONE_PLUS = re.compile(
    r"\+\d{1,3}[\s.-]?\(\d{2,5}\)[\s.-]?\d{2,4}[\s.-]?\d{2,4}(?:[\s.-]?\d{2,4})?"
    r"|\+\d{1,3}(?:[\s.-]?\d{2,4}){3,4}"
)
_PHONE_PARENTHESIS = re.compile(r"\(\d{2,5}\)[\s.-]?\d{2,4}[\s.-]?\d{2,4}(?:[\s.-]?\d{2,4})?")
_US_PHONE = re.compile(r"-\d{3}-\d{4}(?!\d)")

_EN_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_EN_MONTH_BEFORE = re.compile(r"\b" + _EN_MONTHS + r"\.?,?\s+$")
_EN_MONTH_AFTER = re.compile(r"(?:\s+of)?\s+" + _EN_MONTHS + r"\b")
_UK_MONTHS = (
    r"(?:січ|лют|берез|квіт|трав|черв|лип|серп|верес|жовт|листопад|груд)[а-яіїєґ]*"
)
_UK_MONTH_BEFORE = re.compile(r"(?<![\w])" + _UK_MONTHS + r"\s+$", re.IGNORECASE)
_UK_MONTH_AFTER = re.compile(r"\s+" + _UK_MONTHS + r"(?![\w])", re.IGNORECASE)
_EN_YEAR_BEFORE = re.compile(
    r"(?:\b(?:in|since|of|by|from|until|till|through|before|after|during|year|mid|early|late|"
    r"circa|spring|summer|autumn|fall|winter|fiscal|fy|between|and|to|the|season|"
    r"end\s+of|start\s+of)|[-–(])\s*$",
)
_UK_YEAR_AFTER = re.compile(r"\s?(?:р\.|рр\.|року|рік|роки|років|роках|році)(?![\w])")
_UK_YEAR_BEFORE = re.compile(r"(?:(?<![\w])(?:у|в|з|із|до|від|по|після|між|і|та)|[-–(])\s*$")
_EN_LABEL_BEFORE = re.compile(
    r"\b(?:article|section|clause|paragraph|part|chapter|item|no|nos|number|resolution|decree|"
    r"law|rule|row|page|pages|line|version|route|highway|flight|room|seat|platform|gate|"
    r"level|phase|stage|round|category|unit|group|channel|game|model|grade|class|type|"
    r"size|series|episode|season|vol|volume|act|bill|code|district|zone|block|lot|block|"
    r"building|apartment|suite|floor|track|stand|week|day|number|figure|table|step|"
    r"region|ward|tier|division|league|ranked|rank|top|no\.)\.?\s+$|[#№]\s*$",
)
_UK_LABEL_BEFORE = re.compile(
    r"(?:(?<![\w])(?:стаття|статті|статтею|статтю|ст\.|пункт|пункту|п\.|частина|частини|ч\.|"
    r"розділ|розділу|додаток|додатку|номер|номером|№|постанова|постанови|указ|закон|"
    r"закону|рішення|кабінет|палата|квартира|кв\.|будинок|буд\.|корпус|вул\.|офіс|"
    r"маршрут|рейс|км)\s*$|[#№]\s*$)",
    re.IGNORECASE,
)
_WORD_AFTER = re.compile(r"(?:\s+of)?\s+([A-Za-z][A-Za-z'’-]*)")
_EN_NOUN_RUN = re.compile(r"[ \t]+(of[ \t]+)?([A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*)")
_UK_NOUN_RUN = re.compile(
    r"[ \t]+([A-Za-zА-Яа-яІіЇїЄєҐґ'’ʼ]+(?:-[А-Яа-яІіЇїЄєҐґ]+)*"
    r"(?:(?:(?<=кв)|(?<=тис|грн|коп|руб|дол|млн)|(?<=млрд))\.)?)"
)
_UK_UNIT_AFTER = re.compile(
    r"\s?(?:кв\.?\s?м|км|кілометр|м\b|метр|мм|см|мкм|сантиметр|міліметр|га\b|гектар|кг|"
    r"кілограм|грам|г\b|тон|т\b|л\b|літр|мл\b|°|градус|МВт|кВт|ГВт|осіб|людей|чоловік)",
    re.IGNORECASE,
)
_EN_CASUALTY_AFTER = re.compile(
    r"(?:[ \t]+(?:have|has|had|were|was|are|is)(?:[ \t]+(?:been|now|reportedly|also))*)?"
    r"[ \t]+(?:killed|wounded|injured|dead|died|missing|captured|taken[ \t]+(?:prisoner|captive|"
    r"hostage)|detained|arrested|displaced|evacuated|hospitali[sz]ed|rescued|hurt|executed|"
    r"deported|abducted|kidnapped|held[ \t]+hostage|freed|released|liberated|destroyed|"
    r"shot[ \t]+down|intercepted|downed|damaged|killed[ \t]+or[ \t]+wounded)\b",
)
_UK_CASUALTY_AFTER = re.compile(
    r"[ \t]+(?:було[ \t]+|були[ \t]+)?(?:загинул\w*|загинуло|вбит\w*|убит\w*|поранен\w*|"
    r"зникл\w*|поло(?:нен|не)\w*|евакуйован\w*|затриман\w*|знищен\w*|збит\w*|звільнен\w*|"
    r"постраждал\w*|ліквідован\w*|(?:потрапил\w*|взят\w*|узят\w*)[ \t]+(?:в|у)[ \t]+полон)"
    r"(?![\w])",
    re.IGNORECASE,
)
_EN_CASUALTY_NOUNS = frozenset(
    [
        "soldiers", "troops", "civilians", "people", "deaths", "dead", "casualties", "victims",
        "refugees", "prisoners", "children", "residents", "fighters", "servicemen", "personnel",
        "persons", "lives", "bodies", "hostages", "migrants", "men", "women", "drones", "missiles",
        "tanks", "villages", "settlements", "killed", "wounded", "injured", "jobs", "workers",
        "employees", "homes", "households", "families", "patients", "cases"
    ]
)
_UK_CASUALTY_STEMS = (
    "людей", "люди", "осіб", "особи", "військов", "солдат", "цивільн", "загибл", "поранен",
    "жертв", "дітей", "діти", "мешкан", "окупант", "дрон", "ракет", "танк", "біженц",
)
_EN_STOP = frozenset(
    [
        "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or",
        "but", "as", "than", "that", "which", "who", "whom", "whose", "this", "these", "those",
        "it", "its", "their", "his", "her", "our", "my", "your", "they", "them", "he", "she", "we",
        "you", "i", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "do",
        "does", "did", "will", "would", "can", "could", "should", "may", "might", "must", "shall",
        "not", "no", "so", "if", "when", "while", "since", "after", "before", "during", "into",
        "over", "under", "about", "then", "there", "here", "also", "still", "now", "just", "only",
        "more", "most", "less", "each", "every", "all", "some", "any", "said", "says", "say",
        "told", "according", "against", "per", "until", "up", "down", "out", "off", "via", "amid",
        "among", "across", "between", "within", "without", "toward", "towards", "upon", "what",
        "where", "why", "how", "yet", "ago", "earlier", "later", "last", "next", "this", "year's",
        "s", "t", "up", "than", "such", "other", "another", "both", "either", "neither", "same",
        "own", "too", "very", "again", "further", "once", "even", "ever", "much", "many", "few",
        "several", "alone", "already", "always", "never", "often", "sometimes", "around", "nearly",
        "almost", "roughly", "approximately", "including", "include", "includes", "included",
        "whereas", "although", "though", "because", "reportedly", "remaining", "left"
    ]
)
# Past and present verb endings: a noun phrase after a number stops at its verb.
_UK_VERB_ENDINGS = ("или", "али", "ули", "іли", "яли", "лися", "лись", "ться", "ють", "ують",
                    "ить", "ать", "ало", "ило", "уло", "яла", "ала", "ула", "іла", "ися")
_UK_YEAR_TAILS = frozenset(
    ["у", "в", "з", "із", "від", "по", "після", "між", "і", "та", "року", "році", "рік", "кінця",
     "початку", "середини"]
)
_UK_STOP = frozenset(
    [
        "і", "й", "та", "а", "але", "в", "у", "на", "з", "із", "зі", "що", "від", "до", "за", "по",
        "про", "при", "для", "як", "це", "цей", "ця", "ці", "той", "ті", "його", "її", "їх", "він",
        "вона", "воно", "вони", "ми", "ви", "я", "не", "ні", "же", "ж", "б", "би", "бо", "чи",
        "також", "було", "був", "була", "були", "є", "буде", "будуть", "має", "мають", "який",
        "яка", "яке", "які", "ще", "вже", "тоді", "лише", "тільки", "понад", "більше", "менше",
        "майже", "близько", "приблизно", "після", "перед", "між", "через", "під", "над", "біля",
        "коло", "або", "де", "коли", "щоб", "якщо", "тому", "тобто", "ним", "ними", "нього", "неї",
        "року", "році", "р.", "рр.", "сума", "суми", "усі", "всі", "все", "усе", "разом",
        "потім", "тут", "там", "теж", "досі", "зараз", "нині", "наразі", "сьогодні", "вчора"
    ]
)
_OUT_OF = re.compile(
    r"\s+(?:out\s+of|in)\s+(" + _EN_WORD + r"(?:(?:\s+and\s+|[\s-]+)" + _EN_WORD + r")*|\d+)\b"
    r"(?![.,]\d)"
)
_ADDRESS_AFTER = re.compile(
    r"(?:\s+[A-Z0-9][\w'’.-]*){1,3}\s+(?:St|Street|Road|Rd|Way|Ave|Avenue|Boulevard|Blvd|Lane|"
    r"Ln|Drive|Dr|Place|Pl|Square|Sq|Court|Ct|Terrace|Close|Crescent|Parkway|Highway)\b"
)
_EN_UNIT_AFTER = re.compile(
    r"\s?(?:sq\.?\s?(?:m|ft|km|mi|yd)|square\s+(?:metres|meters|feet|miles|kilometres|"
    r"kilometers)|cubic\s|km/h|km|kg|mg|ml|mm|cm|m|ft|lb|lbs|oz|mph|kph|MW|GW|kW|kWh|GWh|MWh|"
    r"mAh|GB|TB|MB|Hz|GHz|MHz|hp|bhp|ppb|ppm|p|g|t|l)\b"
)
# The parts of a reading that may follow a number: a scale, money, a percentage, a unit, a
# time, a month, a range, a fraction's bar.
_EN_AFTER_NUMBER_PARTS = (_EN_SCALE_AFTER, _EN_MONEY_SCALE_AFTER, _EN_TIME_AFTER, _EN_MONTH_AFTER,
                          _EN_RANGE_JOIN, _EN_MONEY_AFTER, _EN_PERCENT_AFTER, _EN_UNIT_AFTER)
# Every word, lower-cased, that one of those parts may open with after white space or a dash
# (a range may also open with any word starting "to" or "and": its part ends in no \b).
_EN_AFTER_NUMBER_WORDS = (
    # scales
    "hundred", "thousand", "million", "billion", "trillion", "mn", "bn", "tn", "m", "k", "b",
    # times
    "a", "p", "am", "pm", "gmt", "utc", "edt", "est", "bst", "cet", "pdt", "pst", "et", "pt", "hrs",
    # months
    "of", "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept",
    "sep", "oct", "nov", "dec",
    # money
    "us", "australian", "canadian", "hong", "new", "singapore", "dollar", "dollars", "euro",
    "euros", "pound", "pounds", "yen", "shekel", "shekels", "crown", "crowns", "rupee", "rupees",
    "yuan", "franc", "francs", "hryvnia", "hryvnias", "rouble", "roubles", "ruble", "rubles",
    "cent", "cents", "pence", "won", "peso", "pesos", "lira", "rand", "ringgit", "sen", "usd",
    "eur", "gbp", "jpy", "chf", "uah",
    # percentages
    "per", "percent", "pc", "percentage", "basis", "bps",
    # units
    "sq", "sqm", "sqft", "sqkm", "sqmi", "sqyd", "square", "cubic", "km", "kg", "mg", "ml", "mm",
    "cm", "ft", "lb", "lbs", "oz", "mph", "kph", "mw", "gw", "kw", "kwh", "gwh", "mwh", "mah",
    "gb", "tb", "mb", "hz", "ghz", "mhz", "hp", "bhp", "ppb", "ppm", "g", "t", "l",
)
# Matched on the caseless text where a number ends, this matches wherever one of the parts
# would match (and a little more): where it fails, as after most numbers, the parts are not
# tried at all. One pattern opening with words and marks is three times faster than their
# union (a test generates strings from each part to hold the "wherever").
_EN_MAY_FOLLOW_NUMBER = re.compile(
    r"[:/^⁄×]|\s*-?\s*(?:[%$€£¥–—-]|(?:" + _alternation(_EN_AFTER_NUMBER_WORDS)
    + r")(?![a-z])|to|and)"
)
_RATIO_AFTER = re.compile(r"(?:/(?=\d+\s+of\b)|⁄)(\d+)")
_HYPHEN_LEAD = re.compile(r"(?:sub|minus|over|under|mid|up|top|around)-$", re.IGNORECASE)
_LETTERS = re.compile(r"[A-Za-z]+")
_WORD_SEPARATOR = re.compile(r"[\s-]+")
_WORD_PIECE = re.compile(r"[^\s-]+")
_RANGE_CURRENCY = re.compile(r"(?:US\s?|HK\s?|A|C)?\$|[€£¥]|USD|EUR|GBP")
_RANGE_TAIL = re.compile(r"[-–](?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d.,]\d)")
_CAPITALISED = re.compile(r"[A-ZА-ЯІЇЄҐ]")
_ONE_DETERMINERS = frozenset(
    [
        "no", "the", "this", "that", "each", "every", "any", "which", "same", "another", "someone",
        "anyone", "everyone", "such", "only", "number", "no.", "world"
    ]
)


# Named tuples, not frozen dataclasses: a frozen dataclass sets each field through
# object.__setattr__, and these are made for every number read (a tenth of the time budget).
class _Found(NamedTuple):
    start: int
    end: int
    value: float
    score: float


class _Number(NamedTuple):
    """One number read at a position: its value, where it ends, and what was attached."""

    value: float
    end: int
    scaled: bool
    money: bool
    percent: bool
    unit: bool
    is_plain_integer: bool


_CASELESS_LETTERS = str.maketrans({"ſ": "s", "ı": "i", "İ": "i"})


def _folded(text: str) -> str:
    """`text` lower-cased letter by letter, so that offsets stay the same."""
    folded = text.lower()
    if len(folded) != len(text):
        folded = "".join(letter.lower() if len(letter.lower()) == 1 else letter
                         for letter in text)
    return folded


def _caseless(folded: str) -> str:
    """For the case-insensitive English patterns: the folded text, with the letters a
    case-insensitive match takes for an ASCII letter though their lower case is not one."""
    if not folded.isascii() and ("ſ" in folded or "ı" in folded or "İ" in folded):
        return folded.translate(_CASELESS_LETTERS)
    return folded


def find_figures(text: str, language: str = "en") -> list[Figure]:
    """Every figure in `text`, ranked best first (see the module docstring for what counts)."""
    ukrainian = language.lower().startswith("uk")
    match_atom = _UK_ATOM.match if ukrainian else _EN_ATOM.match
    folded = _folded(text)
    caseless = _caseless(folded)
    excluded = [match.span() for match in _PHONE_PLUS.finditer(text)] if "+" in text else []
    if "(" in text:
        excluded += [match.span() for match in _PHONE_PARENTHESIS.finditer(text)]
    excluded += [(match.start() - 3, match.end()) for match in _US_PHONE.finditer(text)
                 if text[max(0, match.start() - 3):match.start()].isdigit()]
    found: list[_Found] = []
    consumed = 0
    position = 0
    for start in _uk_atom_starts(folded) if ukrainian else _en_atom_starts(folded):
        if start < position:
            continue
        atom = match_atom(folded, start)
        if atom is None:
            continue
        position = atom_end = atom.end()
        if start < consumed:
            continue
        if excluded and any(begin <= start < end for begin, end in excluded):
            continue
        figure = _read_uk(text, atom) if ukrainian else _read_en(text, caseless, atom)
        if figure is not None:
            found.append(figure)
            consumed = figure.end
            # A word run cut short ("ten and fifteen") leaves the rest to scan again.
            position = consumed if consumed >= atom_end else max(consumed, start + 1)
    return _ranked(text, found)


def _ranked(text: str, found: list[_Found]) -> list[Figure]:
    """Best first; a value already shown better elsewhere, or the same words again, sink."""
    best_for_value: dict[float, _Found] = {}
    for item in found:
        best = best_for_value.get(item.value)
        if best is None or item.score > best.score:
            best_for_value[item.value] = item
    seen_texts: set[str] = set()
    # (-score, start, index, span text): the index keeps equal (score, start) in found order.
    adjusted: list[tuple[float, int, int, str, float]] = []
    for index, item in enumerate(found):
        score = item.score
        if best_for_value[item.value] is not item:
            score -= 1.5
        written = text[item.start:item.end]
        words = written.lower()
        if words in seen_texts:
            score -= 5.0
        seen_texts.add(words)
        adjusted.append((-score, item.start, index, written, item.value))
    adjusted.sort()
    # 12 significant digits hide float noise from scaling (16.4 * 1e6 = 16399999.999999998);
    # a whole number below 1e12 has none, and is kept without the (slower) round trip.
    return [Figure(written, value if value.is_integer() and -1e12 < value < 1e12
                   else float(f"{value:.12g}"))
            for _, _, _, written, value in adjusted]


def _tail_word(text: str, position: int) -> str:
    """The lower-cased word (or symbol run) just before `position`: a cheap gate for look-backs."""
    if position >= 2 and text[position - 1] == " " and not text[position - 2].isspace():
        # One space after the word (the common case): find where the word starts directly.
        word = text[max(0, position - 24):position - 1].rpartition(" ")[2]
        if "\n" not in word and "\t" not in word:
            return word.lower()
    window = text[max(0, position - 24):position].rstrip()
    cut = max(window.rfind(" "), window.rfind("\n"), window.rfind("\t"))
    return window[cut + 1:].lower()


_EN_MODIFIER_TAILS = frozenset(
    [
        "than", "over", "under", "to", "about", "around", "approximately", "roughly", "nearly",
        "almost", "some", "least", "most", "as", "just", "only", "of", "excess", "below", "above",
        "exactly", "estimated", "record", "high", "low", "between", "from", "by", "barely",
        "precisely", "circa", "c.", "upwards"
    ]
)
_EN_YEAR_TAILS = frozenset(
    [
        "in", "since", "of", "by", "from", "until", "till", "through", "before", "after", "during",
        "year", "mid", "early", "late", "circa", "spring", "summer", "autumn", "fall", "winter",
        "fiscal", "fy", "between", "and", "to", "the", "season"
    ]
)
_EN_MONTH_TAILS = frozenset(
    [
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept",
        "sep", "oct", "nov", "dec"
    ]
)
_EN_DATE_TAILS = _EN_YEAR_TAILS | _EN_MONTH_TAILS
_EN_LABEL_TAILS = frozenset(
    [
        "article", "section", "clause", "paragraph", "part", "chapter", "item", "no", "nos",
        "number", "resolution", "decree", "law", "rule", "row", "page", "pages", "line", "version",
        "route", "highway", "flight", "room", "seat", "platform", "gate", "level", "phase", "stage",
        "round", "category", "unit", "group", "channel", "game", "model", "grade", "class", "type",
        "size", "series", "episode", "season", "vol", "volume", "act", "bill", "code", "district",
        "zone", "block", "lot", "building", "apartment", "suite", "floor", "track", "stand", "week",
        "day", "figure", "table", "step", "region", "ward", "tier", "division", "league", "ranked",
        "rank", "top", "no.", "art.", "sec.", "vol.", "#"
    ]
)
_UK_MODIFIER_TAILS = frozenset(
    [
        "понад", "ніж", "більше", "менше", "майже", "близько", "приблизно", "до", "щонайменше",
        "щонайбільше", "орієнтовно", "всього", "усього", "лише", "тільки", "від", "як", "на", "із",
        "з"
    ]
)


# The one-word modifiers, each with the words that may come right before it in a longer one:
# a lead ("well over", "a little below") or the start of a phrase ("up to", "an estimated").
_EN_MODIFIER_LEADS = ("well", "just", "slightly", "far", "much", "little")
_EN_WORDS_BEFORE_ONE_WORD_MODIFIER = {
    **dict.fromkeys(
        ["over", "under", "about", "around", "approximately", "roughly", "nearly", "almost",
         "some", "just", "only", "below", "above", "exactly", "between", "from", "by", "barely",
         "precisely", "circa"],
        _EN_MODIFIER_LEADS,
    ),
    "to": (*_EN_MODIFIER_LEADS, "up", "close"),
    "estimated": (*_EN_MODIFIER_LEADS, "an"),
}


def _en_modifier_before(caseless: str, begin: int, tail: str) -> re.Match[str] | None:
    """The modifier ending right before `begin` ("more than", "about"), as _look_back finds it.

    Two cheaper routes, each giving what the look-back gives: after "of" only "upwards of", "in
    excess of" and "a total of" are modifiers, so without their word in the look-back's window
    none can match; after a one-word modifier with one space before the number (most of those
    left), a longer match needs one of a few words right before it, so without any of them in
    the window, the modifier is the tail word alone, matched once instead of four times."""
    if not _gate(tail, _EN_MODIFIER_TAILS, "~≈+"):
        return None
    window = caseless[max(0, begin - 40):begin]
    if tail == "of":
        if "upwards" in window or "excess" in window or "total" in window:
            return _look_back(_EN_MODIFIER_BEFORE, caseless, begin, 4)
        return None
    words_before = _EN_WORDS_BEFORE_ONE_WORD_MODIFIER.get(tail)
    word_start = begin - 1 - len(tail)
    if (words_before is not None and word_start > 0 and caseless[begin - 1] == " "
            and caseless[word_start - 1] in " \t\n" and caseless.startswith(tail, word_start)):
        before = window[:-1 - len(tail)]
        for word in words_before:
            if word in before:
                break
        else:
            return _EN_MODIFIER_BEFORE.match(caseless, word_start, begin)
    return _look_back(_EN_MODIFIER_BEFORE, caseless, begin, 4)


def _gate(tail: str, words: frozenset[str], symbols: str = "") -> bool:
    return tail.rstrip(".,") in words or tail in words or (bool(tail) and tail[-1] in symbols)


def _previous_word(text: str, position: int) -> str:
    """The word right before `position` when exactly one space or tab separates them."""
    if position < 2 or text[position - 1] not in " \t" or text[position - 2] in " \t\n":
        return ""
    start = position - 1
    limit = max(0, position - 40)
    while start > limit and (text[start - 1].isalnum() or text[start - 1] in "&'’.-_"):
        start -= 1
    return text[start:position - 1]


# The last four words before a position, read from the reversed text so one anchored match
# finds them all: group n spans the n-th word back ("\n" and tabs end a word too; spaces and
# tabs before a word are skipped; a word may be empty, e.g. between two line breaks).
_WORDS_BACKWARDS = re.compile(r"[ \t]*" + r"(?:(?=[\s\S])([^ \t\n]*)[ \t\n]?[ \t]*)?" * 4)


def _look_back(pattern: re.Pattern[str], text: str, end: int, words: int = 3) -> \
        re.Match[str] | None:
    """`pattern` (ending in `$`) matched on the last few (at most four) words of the 40
    characters before `end`, longest first; then on a symbol glued to the number.

    Anchored matches at a handful of word starts instead of a search across the window: the
    look-back patterns are wide alternations, and searching them cost most of the time budget.
    """
    limit = max(0, end - 40)
    backwards = _WORDS_BACKWARDS.match(text[limit:end][::-1])
    assert backwards is not None  # every part of the pattern is optional
    for group in range(words, 0, -1):
        word_end = backwards.end(group)
        if word_end >= 0:
            match = pattern.match(text, end - word_end, end)
            if match is not None:
                return match
    if end > 0 and text[end - 1] in "-–(~≈+#№":
        return pattern.match(text, end - 1, end)  # glued to the number: "mid-2024", "(2019"
    return None


# Characters that may end a currency or a sign written before a number (" " is skipped).
_MAY_OPEN_CURRENCY_OR_SIGN = " -−$€£¥₴₽₹=.s"
# What a suffix (_EN_SUFFIX), an ordinal (_ORDINAL_AFTER) or a ratio (_RATIO_AFTER) may open with.
_EN_GLUED_TO_NUMERAL = frozenset(string.ascii_letters + "μΩ″′°-’'/⁄")


def _numeral_left_context(
    text: str, start: int, *, ukrainian: bool
) -> tuple[int, bool, bool] | None:
    """Where the figure's currency/sign begins, whether it is money, whether negative; None to skip."""
    if start >= 2 and text[start - 1] == " ":
        # After a space and a character that opens no currency or sign (the common case),
        # the general reading below finds nothing: say so at once.
        last = text[start - 2]
        if last not in _MAY_OPEN_CURRENCY_OR_SIGN and not last.isupper() and not text.endswith(
                ("minus ", "negative "), max(0, start - 12), start):
            return start, False, False
    before = text[max(0, start - 12):start]
    money = False
    negative = False
    begin = start
    last = before.rstrip(" -−")[-1:]
    currency = _CURRENCY_BEFORE.search(before) if last and (
        last in "$€£¥₴₽₹=.s" or last.isupper()) else None
    if currency is not None and currency.group(0).strip():
        money = True
        negative = currency.group(0).rstrip().endswith(("-", "−"))
        begin = start - len(currency.group(0).lstrip())
        before = text[max(0, begin - 12):begin]
    sign = _SIGN_BEFORE.search(before) if before.endswith(("-", "−", "minus ", "negative ")) \
        else None
    if sign is not None and sign.group(0) in "-−" and text[max(0, begin - 12):begin - 1].rstrip(
    ).rpartition(" ")[2].isupper():
        return None  # "COVID -19": a name with a stray space, not minus nineteen
    if sign is not None:
        negative = True
        begin -= len(sign.group(0))
        before = text[max(0, begin - 12):begin]
    if begin == start or not money:
        previous = text[begin - 1] if begin > 0 else " "
        if previous in "-–" and begin > 1 and text[begin - 2].isdigit():
            return None  # the tail of "1973-90": a range we did not take (years) is no figure
        if previous.isalnum() or previous in "_/\\.,":
            if previous in ".," and (begin < 2 or not text[begin - 2].isdigit()):
                return begin, money, negative
            return None
        if previous == "-" and begin > 1 and text[begin - 2].isalpha():
            lead = _HYPHEN_LEAD.search(text, max(0, begin - 8), begin)
            if lead is None:
                return None
            if lead.group(0).lower().startswith("minus"):
                negative = True
        if previous in "'’" and not ukrainian:
            return None
    return begin, money, negative


def _read_numeral(text: str, atom: re.Match[str], *, ukrainian: bool) -> _Number | None:
    raw = atom.group("num")
    end = atom.end()
    if not ukrainian:
        # The English numeral pattern admits digits, thousands commas and one point only.
        value = float(raw.replace(",", ""))
        if text[end:end + 1] not in _EN_GLUED_TO_NUMERAL:
            # Nothing glued to the number (the common case): no suffix, ordinal or ratio.
            # tuple.__new__ skips the named tuple's Python-level __new__ (half the cost).
            return tuple.__new__(_Number, (value, end, False, False, False, False, raw.isdigit()))
    else:
        parsed = parse_numeral(raw, decimal_comma=True)
        if parsed is None:
            return None
        value = parsed
    scaled = money = percent = unit = False
    suffix = (_UK_SUFFIX if ukrainian else _EN_SUFFIX).match(text, end)
    if suffix is not None:
        letters = suffix.group(0).rstrip(".")
        if _ORDINAL_SUFFIX.fullmatch(letters) or letters.lower() in ("am", "pm"):
            return None
        scale = (UK_SCALES if ukrainian else SCALE_ABBREVIATIONS).get(letters.lower())
        if scale is not None and (ukrainian or letters != "m"):
            value *= scale
            scaled = True
            end = suffix.end() if ukrainian else end + len(letters)
        elif letters.lower() == "pc":
            percent = True
            end += len(letters)
        elif letters == "m" and not ukrainian:
            # "37m" is metres unless money says otherwise ("$37m"); the caller rescales.
            unit = True
            end += len(letters)
        else:
            unit = True
            end = suffix.end() if ukrainian else end + len(suffix.group(0))
    elif _ORDINAL_AFTER.match(text, end):
        return None
    plain_integer = raw.isdigit()
    ratio = _RATIO_AFTER.match(text, end) if text[end:end + 1] in ("/", "⁄") else None
    if ratio is not None and plain_integer and int(ratio.group(1)):
        return _Number(value / int(ratio.group(1)), ratio.end(1), False, False, False, False,
                       False)
    return _Number(value, end, scaled, money, percent, unit, plain_integer)


def _read_en(text: str, caseless: str, atom: re.Match[str]) -> _Found | None:
    start = atom.start()
    kind = atom.lastgroup
    money = negative = False
    begin = start
    if kind == "num":
        context = _numeral_left_context(text, start, ukrainian=False)
        if context is None:
            return None
        begin, money, negative = context
        read = _read_numeral(text, atom, ukrainian=False)
        if read is None:
            return None
        number = read
        if number.is_plain_integer and not money and text.startswith((" in ", " out "),
                                                                       number.end):
            number = _ratio(text, number.end, number.value) or number
    else:
        read = _read_english_word_atom(text, atom)
        if read is None:
            return None
        number = read
        sign = _SIGN_BEFORE.search(text, max(0, start - 10), start) if text[
            max(0, start - 10):start].endswith(("-", "−", "minus ", "negative ")) else None
        if sign is not None:
            negative = True
            begin = sign.start()
    value, end = number.value, number.end
    scaled, percent, unit = number.scaled, number.percent, number.unit
    # The one position known to have nothing after it (see _EN_MAY_FOLLOW_NUMBER), or -1.
    bare = end if end == atom.end() and _EN_MAY_FOLLOW_NUMBER.match(caseless, end) is None \
        else -1
    if kind in ("num", "words") and not scaled and end != bare:
        scale = _EN_SCALE_AFTER.match(text, end)
        if scale is not None:
            for word in _LETTERS.findall(scale.group(0)):
                value *= SCALE_ABBREVIATIONS[word.lower()]
            end, scaled = scale.end(), True
    if money and number.unit and not scaled:
        letters = text[atom.end():end]
        if letters.lower() in ("m", "k", "b"):
            value *= SCALE_ABBREVIATIONS[letters.lower()]
            scaled, unit = True, False
    elif money and not scaled and end != bare:
        scale_letter = _EN_MONEY_SCALE_AFTER.match(text, end)
        if scale_letter is not None:
            value *= SCALE_ABBREVIATIONS[scale_letter.group(0).strip().lower()]
            end, scaled = scale_letter.end(), True
    tail = _tail_word(text, begin)
    modifier = _en_modifier_before(caseless, begin, tail)
    modifier_word = text[modifier.start():modifier.end()].strip().lower() if modifier else ""
    if kind == "num" and _excluded_en_numeral(
        text, caseless, atom=atom, begin=begin, end=end, tail=tail, number=number, money=money,
        scaled=scaled, modifier_word=modifier_word, bare=end == bare,
    ):
        return None
    if kind == "words":
        if atom.group(0).split(None, 1)[0] in SCALE_ABBREVIATIONS and \
                text[max(0, start - 3):start].rstrip()[-1:].isdigit():
            return None  # a scale left over after its number was refused ("1973-90 million")
        if text[start].isupper() and _mid_sentence(text, begin):
            return None  # "the Six Nations", "Formula One": a capitalised number word is a name
        if number.value == 1 and not (scaled or negative) and not _one_counts(text, begin, end) \
                and (end == bare or not _EN_MONEY_AFTER.match(text, end)):
            return None
        # "a five-year deal" is a description, not a figure; "several hundred" has no number.
        if text[end:end + 1] == "-" and text[end + 1:end + 2].isalpha() and (
                end == bare or not _EN_MONEY_AFTER.match(text, end)):
            return None
        if tail in ("several", "few", "many"):
            return None
    # A range: the second end shares the first's kind; the first takes its scale if it has none.
    range_end, second_scale, second_money, second_percent = _en_range(
        text, end, first_value=value, money=money, modifier_word=modifier_word
    ) if end != bare else (None, 1.0, False, False)
    if range_end is not None:
        if second_scale > 1 and not scaled and value * second_scale >= 1:
            value *= second_scale
            scaled = True
        money = money or second_money
        percent = percent or second_percent
        end = range_end
    money_after = _EN_MONEY_AFTER.match(text, end) if end != bare else None
    if money_after is not None and not (money and money_after.group(0).strip() in "$€£"):
        money, end = True, money_after.end()
    elif money and text.startswith(" US", end) and not text[end + 3:end + 4].isalpha():
        end += 3  # "$76 US a barrel"
    if not percent and not money and end != bare:
        percent_after = _EN_PERCENT_AFTER.match(text, end)
        if percent_after is not None:
            percent, end = True, percent_after.end()
    if kind == "num" and not (money or percent or scaled):
        following = text[end + 1:end + 2]
        if (following.isupper() or following.isdigit()) and _ADDRESS_AFTER.match(text, end):
            return None
        unit = unit or (end != bare and _EN_UNIT_AFTER.match(text, end) is not None)
        if (number.is_plain_integer and not unit and atom.end() - start == 4
                and _looks_like_year_en(text, caseless, atom, begin, end, tail=tail,
                                                            modifier_word=modifier_word)):
            return None
    if negative:
        value = -value
    noun_words: list[str] = []
    if (money or percent) and not text.startswith(" of ", end):
        noun_end = end  # "$1.13bn last year": money says what it is
    else:
        noun_end, noun_words = _en_noun_phrase(text, end,
                                               allow_of=kind in ("vague", "frac", "half")
                                               or money or percent)
    casualty = _EN_CASUALTY_AFTER.match(caseless, noun_end) if text[noun_end:noun_end + 1] in " \t" \
        else None
    if casualty is not None:
        noun_end = casualty.end()
    counts_lower = bool(noun_words) and noun_words[0][:1].islower()
    if kind == "num" and not (money or percent or scaled or unit or modifier_word or counts_lower
                              or casualty) and _name_before(text, begin):
        return None
    if kind == "num" and noun_words and not (money or percent or scaled or unit or modifier_word
                                             or casualty) and all(
            map(str.istitle, noun_words)  # maps, not a generator: most fail at the first word
    ) and min(map(len, noun_words)) > 2 and not noun_words[-1].endswith("s") \
            and "," not in atom.group(0):
        # "787 Dreamliner", "11 Pro Max": a model name, not a count ("4 Russians", "300 PS",
        # "63,150 Model 3s" are: model numbers are not written with thousands commas)
        return None
    if modifier is not None and (modifier_word not in _MODIFIERS_THAT_ARE_PREPOSITIONS or (
            range_end is not None and modifier_word in ("between", "from"))):
        begin = modifier.start()
    score = _score(money=money, percent=percent, scaled=scaled, unit=unit,
                   counted=bool(noun_words) or casualty is not None,
                   casualty=casualty is not None
                   or not _EN_CASUALTY_NOUNS.isdisjoint(map(str.lower, noun_words)),
                   modified=bool(modifier_word), vague=kind in ("vague", "frac", "half"),
                   value=value)
    if kind == "words" and abs(value) == 1:
        score -= 2.0
    return tuple.__new__(_Found, (begin, noun_end, value, score))  # see _read_numeral


_EN_WORD_VALUES = {**EN_UNITS, **EN_HUNDRED, **EN_SCALES}
_EN_SCALE_WORDS = frozenset(["hundred", "thousand", "million", "billion", "trillion"])


def _read_english_word_atom(text: str, atom: re.Match[str]) -> _Number | None:
    kind = atom.lastgroup
    raw = atom.group(0)
    end = atom.end()
    if kind == "frac":
        numerator_word, denominator_word = _WORD_SEPARATOR.split(raw.lower(), maxsplit=1)
        numerator = 1.0 if numerator_word == "a" else EN_UNITS[numerator_word]
        return _Number(numerator / EN_FRACTIONS[denominator_word], end, False, False, False,
                       False, False)
    if kind == "half":
        return _Number(0.5, end, False, False, False, False, False)
    if kind == "vague":
        least = 1.0
        for word in _LETTERS.findall(raw.lower()):
            if word != "of":
                least *= EN_VAGUE[word]
        return _Number(least, end, True, False, False, False, False)
    if raw.isalpha():
        # One number word (the common case; atoms are matched lower-cased): its value
        # as parse_english_words gives it, without splitting.
        single = float(_EN_WORD_VALUES[raw])
        return _ratio(text, end, single) or tuple.__new__(  # see _read_numeral
            _Number, (single, end, raw in _EN_SCALE_WORDS, False, False, False, False))
    words = _WORD_SEPARATOR.split(raw)
    for index, word in enumerate(words):
        if word.lower() == "and" and words[index - 1].lower() not in (
                "hundred", "thousand", "million", "billion", "trillion"):
            # "between ten and fifteen" is two numbers: the first stops before "and".
            words = words[:index]
            pieces = list(_WORD_PIECE.finditer(raw))
            end = atom.start() + pieces[index - 1].end()
            break
    value = parse_english_words(words)
    if value is None:
        return None
    ratio = _ratio(text, end, value)
    if ratio is not None:
        return ratio
    has_scale = any(word.lower() in ("hundred", "thousand", "million", "billion", "trillion")
                    for word in words)
    return _Number(value, end, has_scale, False, False, False, False)


def _ratio(text: str, end: int, numerator: float) -> _Number | None:
    """ "one in five", "3 out of 4": a share, when the first number is not above the second."""
    following = text[end + 1:end + 2]
    if not text[end:end + 1].isspace() or (
            following not in ("i", "o") and not following.isspace()):
        return None  # _OUT_OF needs white space, then "in" or "out" (most words say no here)
    match = _OUT_OF.match(text, end)
    if match is None:
        return None
    written = match.group(1)
    if written.isdigit():
        if len(written) == 4 and 1000 <= int(written) <= 2199:
            return None  # "2 in 2022" is a date
        denominator: float | None = float(written)
    else:
        denominator = parse_english_words(_WORD_SEPARATOR.split(written.lower()))
    if not denominator or numerator > denominator:
        return None
    return _Number(numerator / denominator, match.end(), False, False, False, False, False)


def _mid_sentence(text: str, position: int) -> bool:
    before = text[max(0, position - 4):position].rstrip(" \t")
    return bool(before) and before[-1] not in ".!?:;\"'“”‘’«(\n-–—"


def _one_counts(text: str, begin: int, end: int) -> bool:
    """A lone "one" is a figure only when it counts a noun ("one solution").

    "One of the biggest investors", "the same one", "number one" and "one day" are idioms,
    not quantities a reader wants on a card (NewsQuant annotates "one of" as 1; we do not).
    """
    previous = _previous_word(text, begin).lower()
    if previous in _ONE_DETERMINERS:
        return False
    following = _WORD_AFTER.match(text, end)
    if following is None or text[end:following.start(1)].strip() == "of":
        return False
    word = following.group(1).lower()
    return word not in _EN_STOP and not word.endswith(("ly", "ed")) and word not in (
        "another", "day", "better", "way", "thing", "time"
    )


def _excluded_en_numeral(
    text: str,
    caseless: str,
    *,
    atom: re.Match[str],
    begin: int,
    end: int,
    tail: str,
    number: _Number,
    money: bool,
    scaled: bool,
    modifier_word: str,
    bare: bool,
) -> bool:
    """A time, a date, a fraction's part or a label number ("Article 5"); `bare` says that
    nothing follows the number (see _EN_MAY_FOLLOW_NUMBER)."""
    start = atom.start()
    if not bare and (_EN_TIME_AFTER.match(text, atom.end())
                     or text.startswith(("/", "^", "⁄", "×"), number.end)):
        return True
    if start >= 2 and text[start - 1] == ":" and text[start - 2].isdecimal():
        return True  # "10:30"
    if money or number.percent:
        return False
    if number.value <= 31 and number.is_plain_integer and (
        (_gate(tail, _EN_MONTH_TAILS)
         and _look_back(_EN_MONTH_BEFORE, text, begin, 1))
        or (not bare and _EN_MONTH_AFTER.match(text, end))
    ):
        return True
    if _gate(tail, _EN_LABEL_TAILS, "#№") and _look_back(
        _EN_LABEL_BEFORE, caseless, begin, 1
    ) and not modifier_word:
        return not scaled
    return False


def _looks_like_year_en(
    text: str, caseless: str, atom: re.Match[str], begin: int, end: int, *, tail: str,
    modifier_word: str
) -> bool:
    value = float(atom.group("num"))
    if not (len(atom.group("num")) == 4 and 1000 <= value <= 2199):
        return False
    word_start = begin - 1 - len(tail)
    if tail in _EN_YEAR_TAILS and word_start >= 0 and caseless[begin - 1] == " " and (
            word_start == 0 or caseless[word_start - 1] in " \t\n") and caseless.startswith(
            tail, word_start):
        # "in 2004", "the 2005": every year tail is a word of _EN_YEAR_BEFORE, which the
        # look-back below would find right there.
        return True
    if (_gate(tail, _EN_DATE_TAILS, "-–(") or tail.endswith("-")) and (
        _look_back(_EN_YEAR_BEFORE, caseless, begin, 2)
        or _look_back(_EN_MONTH_BEFORE, text, begin, 1)
    ):
        return True
    if modifier_word and modifier_word not in _MODIFIERS_THAT_ARE_PREPOSITIONS:
        return False
    following = _WORD_AFTER.match(text, end)
    if following is None:
        return True
    word = following.group(1)
    # "1000 customers" counts; "2019 Rich List", "2018 sales" (possessive years) mostly do not.
    return not (word.islower() and word.endswith("s") and word not in _EN_STOP
                and not text[begin - 2:begin].endswith(("s ", "’ ")))


def _name_before(text: str, begin: int) -> bool:
    """A number right after a capitalised word, counting nothing, is part of a name (Code 9.2)."""
    if begin == 0 or text[begin - 1] not in " \t":
        return False
    previous = _previous_word(text, begin)
    if not previous or not _CAPITALISED.search(previous):
        return False
    if _EN_MODIFIER_BEFORE.search(previous.translate(_CASELESS_LETTERS).lower() + " "):
        return False
    # "At 2-0 down", "In 300 cases": a capitalised function word opens a sentence, not a name.
    return previous.lower() not in _EN_STOP


def _en_range(
    text: str, end: int, *, first_value: float, money: bool, modifier_word: str
) -> tuple[int | None, float, bool, bool]:
    """(end, scale for the first end, money, percent) of a range's second end, if one follows."""
    join = _EN_RANGE_JOIN.match(text, end)
    if join is None:
        return None, 1.0, False, False
    joiner = join.group(0).strip().lower().rstrip("-")
    if joiner == "and" and modifier_word != "between":
        return None, 1.0, False, False
    if joiner == "to" and modifier_word == "by":
        return None, 1.0, False, False
    position = join.end()
    currency = _RANGE_CURRENCY.match(text, position)
    second_money = currency is not None
    if second_money != money and joiner != "-":
        if money and not second_money:
            second_money = True
        else:
            return None, 1.0, False, False
    if currency is not None:
        position = currency.end()
    atom = _EN_ATOM.match(text, position)
    if atom is None or atom.lastgroup not in ("num", "words"):
        return None, 1.0, False, False
    if joiner in ("-", "–", "—") and atom.lastgroup != "num":
        return None, 1.0, False, False
    if atom.lastgroup == "num":
        number = _read_numeral(text, atom, ukrainian=False)
    else:
        number = _read_english_word_atom(text, atom)
    if number is None:
        return None, 1.0, False, False
    second_end = number.end
    second_value = number.value
    nested = _RANGE_TAIL.match(text, second_end)
    if nested is not None:
        second_end = nested.end()  # "from 24.2 to 33-35 billion": the scale is after the tail
    scale = _EN_SCALE_AFTER.match(text, second_end)
    if scale is not None and not number.scaled:
        for word in _LETTERS.findall(scale.group(0)):
            second_value *= SCALE_ABBREVIATIONS[word.lower()]
        second_end = scale.end()
    elif second_money and number.unit and text[atom.end():second_end].lower() in ("m", "k", "b"):
        second_value *= SCALE_ABBREVIATIONS[text[atom.end():second_end].lower()]
    elif second_money:
        letter = _EN_MONEY_SCALE_AFTER.match(text, second_end)
        if letter is not None:
            second_value *= SCALE_ABBREVIATIONS[letter.group(0).strip().lower()]
            second_end = letter.end()
    if atom.lastgroup == "num" and number.is_plain_integer and len(atom.group(0)) == 4 \
            and not second_money and 1000 <= number.value <= 2199:
        return None, 1.0, False, False
    # "$3 to $5 billion" shares the scale; "$200 to $4 million" does not (200 > 4).
    second_scale = (second_value / number.value
                    if number.value and abs(first_value) <= number.value else 1.0)
    percent = number.percent or _EN_PERCENT_AFTER.match(text, second_end) is not None
    return second_end, second_scale, second_money, percent


# Words that end what a number counts: function words, verbs that report it, number words.
_EN_NOT_COUNTED = _EN_STOP | frozenset(
    [*EN_UNITS, "hundred", "thousand", "million", "billion", "taken", "held", "shot"]
)


def _en_noun_phrase(text: str, end: int, *, allow_of: bool) -> tuple[int, list[str]]:
    """The few words after a number that say what it counts ("Russian soldiers")."""
    words: list[str] = []
    position = end
    while len(words) < 3:
        match = _EN_NOUN_RUN.match(text, position)
        if match is None:
            break
        word = match.group(2)
        if (match.group(1) is not None or word == "of") and not (allow_of and not words):
            break
        lowered = word.lower()
        if "’" in lowered:  # the only apostrophe an English noun run admits
            lowered = lowered.replace("’", "'")
        if lowered in _EN_NOT_COUNTED or (
                lowered.endswith(("ly", "ing", "ed")) and lowered not in _EN_CASUALTY_NOUNS):
            break
        if words and words[-1][:1].islower() and word[:1].isupper():
            break  # "5000m champion Eliud Kipchoge": a name after the noun is not what is counted
        words.append(word)
        position = match.end()
        if lowered.endswith("s") and len(lowered) > 3 and not lowered.endswith("ss"):
            break
    return position, words


def _uk_noun_phrase(text: str, end: int) -> tuple[int, list[str]]:
    """The few words after a number that say what it counts ("людей", "цивільних осіб")."""
    words: list[str] = []
    position = end
    while len(words) < 3:
        match = _UK_NOUN_RUN.match(text, position)
        if match is None:
            break
        word = match.group(1)
        lowered = APOSTROPHES.sub("'", word.lower())
        if lowered in _UK_STOP or lowered.rstrip(".") in _UK_STOP:
            break
        if lowered in UK_WORDS or lowered in UK_SCALES or lowered.endswith(_UK_VERB_ENDINGS):
            break
        if words and words[-1][:1].islower() and word[:1].isupper():
            break  # a name after the noun is not what is counted
        words.append(word)
        position = match.end()
    return position, words


def _score(
    *,
    money: bool,
    percent: bool,
    scaled: bool,
    unit: bool,
    counted: bool,
    casualty: bool,
    modified: bool,
    vague: bool,
    value: float,
) -> float:
    score = 0.0
    if casualty:
        score += 4.0
    if money:
        score += 3.0
    if percent:
        score += 3.0
    if counted:
        score += 2.0
    elif unit:
        score += 1.5
    if modified:
        score += 0.5
    if scaled and not vague:
        score += 0.5
    if vague:
        score -= 0.5
    if not (money or percent or counted or unit or casualty):
        score -= 1.0 if abs(value) < 10 else 0.0
    return score


def _read_uk(text: str, atom: re.Match[str]) -> _Found | None:
    start = atom.start()
    kind = atom.lastgroup
    begin = start
    money = negative = scaled = percent = unit = False
    if kind == "num":
        context = _numeral_left_context(text, start, ukrainian=True)
        if context is None:
            return None
        begin, money, negative = context
        number = _read_numeral(text, atom, ukrainian=True)
        if number is None:
            return None
        value, end = number.value, number.end
        scaled, unit = number.scaled, number.unit
        if scaled:
            unit = False
    elif kind == "vague":
        value = 1.0
        for word in atom.group(0).split():
            normal = APOSTROPHES.sub("'", word.lower())
            value *= UK_VAGUE.get(normal, UK_SCALES.get(normal, 1.0))
        end, scaled = atom.end(), True
        number = None
    else:
        parsed = parse_ukrainian_words(atom.group(0).split())
        if parsed is None:
            return None
        value, end = parsed, atom.end()
        scaled = any(APOSTROPHES.sub("'", word.lower()) in UK_SCALES
                     for word in atom.group(0).split())
        number = None
    if not scaled:
        scale = _UK_SCALE_AFTER.match(text, end)
        if scale is not None:
            value *= _uk_scale_value(scale.group(0))
            end, scaled = scale.end(), True
    modifier = _look_back(_UK_MODIFIER_BEFORE, text, begin, 3) if _gate(
        _tail_word(text, begin), _UK_MODIFIER_TAILS, "~≈+") else None
    modifier_word = modifier.group(0).strip().lower() if modifier else ""
    range_join = _UK_RANGE_JOIN.match(text, end)
    if range_join is not None and (range_join.group(0).strip() != "до" or modifier_word == "від"):
        second = _UK_ATOM.match(text, range_join.end() + (
            1 if text[range_join.end():range_join.end() + 1] in "$€" else 0))
        if second is not None and second.lastgroup == "num":
            second_number = _read_numeral(text, second, ukrainian=True)
            if second_number is not None:
                end = second_number.end
                if not scaled:
                    second_scale = _UK_SCALE_AFTER.match(text, end)
                    if second_scale is not None:
                        value *= _uk_scale_value(second_scale.group(0))
                        end, scaled = second_scale.end(), True
                    elif second_number.scaled and second_number.value:
                        mantissa = parse_numeral(second.group("num"), decimal_comma=True)
                        if mantissa:
                            value *= second_number.value / mantissa
                            scaled = True
    money_after = _UK_MONEY_AFTER.match(text, end)
    if money_after is not None:
        money, end = True, money_after.end()
    elif not money:
        percent_after = _UK_PERCENT_AFTER.match(text, end)
        if percent_after is not None:
            percent, end = True, percent_after.end()
    if kind == "num" and number is not None:
        if _excluded_uk_numeral(text, atom=atom, begin=begin, end=end, number=number,
                                measured=money or percent or scaled
                                or _UK_UNIT_AFTER.match(text, end) is not None,
                                modifier_word=modifier_word):
            return None
    elif kind == "words" and value == 1 and not (money or percent or scaled):
        return None
    if negative:
        value = -value
    noun_end, noun_words = _uk_noun_phrase(text, end)
    casualty = _UK_CASUALTY_AFTER.match(text, noun_end)
    if casualty is not None:
        noun_end = casualty.end()
    if kind == "num" and not (money or percent or scaled or unit or noun_words or casualty
                              or modifier_word) and _name_before(text, begin):
        return None
    if modifier is not None and modifier_word not in _MODIFIERS_THAT_ARE_PREPOSITIONS:
        begin = modifier.start()
    counted = bool(noun_words) and not (money or percent)
    casualty_found = casualty is not None or any(
        word.lower().startswith(_UK_CASUALTY_STEMS) for word in noun_words
    )
    score = _score(money=money, percent=percent, scaled=scaled, unit=unit, counted=counted,
                   casualty=casualty_found, modified=bool(modifier_word),
                   vague=kind == "vague", value=value)
    end_of_span = noun_end if (counted or casualty is not None) else end
    return _Found(begin, end_of_span, value, score)


def _uk_scale_value(written: str) -> float:
    word = re.sub(r"[\s.]", "", written).lower()
    if word in UK_SCALES:
        return UK_SCALES[word]
    for stem, value in (("тис", 1e3), ("млн", 1e6), ("мільйон", 1e6), ("млрд", 1e9),
                        ("мільярд", 1e9), ("трлн", 1e12), ("трильйон", 1e12)):
        if word.startswith(stem):
            return value
    return 1.0


def _looks_like_year_uk(text: str, begin: int, end: int, modifier_word: str) -> bool:
    """ "у 2022 році" is a year; "понад 1000 військових" is not."""
    if _UK_YEAR_AFTER.match(text, end) or _tail_word(text, begin) in _UK_YEAR_TAILS:
        return True
    if modifier_word and modifier_word not in _MODIFIERS_THAT_ARE_PREPOSITIONS:
        return False
    following = _UK_NOUN_RUN.match(text, end)
    if following is None:
        return True
    word = APOSTROPHES.sub("'", following.group(1).lower())
    return not (following.group(1)[:1].islower() and word not in _UK_STOP)


def _excluded_uk_numeral(
    text: str,
    *,
    atom: re.Match[str],
    begin: int,
    end: int,
    number: _Number,
    measured: bool,
    modifier_word: str,
) -> bool:
    start = atom.start()
    if _UK_TIME_AFTER.match(text, atom.end()) or _TIME_BEFORE.search(text, max(0, start - 2),
                                                                      start):
        return True
    if text.startswith("/", atom.end()):
        return True
    if measured:
        return False
    if number.is_plain_integer and number.value <= 31 and (
        _UK_MONTH_AFTER.match(text, end) or _look_back(_UK_MONTH_BEFORE, text, begin, 1)
    ):
        return True
    if number.is_plain_integer and len(atom.group("num")) == 4 and 1000 <= number.value <= 2199:
        return _looks_like_year_uk(text, begin, end, modifier_word)
    if _UK_YEAR_AFTER.match(text, end):
        return True
    return _look_back(_UK_LABEL_BEFORE, text, begin, 2) is not None
