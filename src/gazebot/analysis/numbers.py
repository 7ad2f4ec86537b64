"""Number words and numerals to floats, English and Ukrainian (the lexicon behind figures.py)."""

from __future__ import annotations

import re

APOSTROPHES = re.compile(r"[’ʼ`]")

EN_UNITS: dict[str, float] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
EN_HUNDRED = {"hundred": 100.0, "dozen": 12.0}
EN_SCALES: dict[str, float] = {
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
}
# Abbreviated scales as written after money or attached to a numeral ("$1.13bn", "10M").
SCALE_ABBREVIATIONS: dict[str, float] = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "million": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9, "tn": 1e12, "trn": 1e12, "trillion": 1e12,
    "hundred": 1e2,
}
# Vague plurals are valued at the least they can mean ("hundreds of" >= 100), which is also
# how NewsQuant records them (as ranges that start there).
EN_VAGUE: dict[str, float] = {
    "dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1e3, "millions": 1e6,
    "billions": 1e9, "trillions": 1e12, "tens": 10,
}
EN_FRACTIONS: dict[str, float] = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10,
}

UK_WORDS: dict[str, float] = {}
UK_SCALES: dict[str, float] = {}
UK_VAGUE: dict[str, float] = {}


def _add_uk(value: float, *forms: str) -> None:
    for form in forms:
        UK_WORDS[form] = value


_add_uk(1, "один", "одна", "одне", "одного", "одному", "одним", "одній", "одну", "однієї")
_add_uk(2, "два", "дві", "двох", "двом", "двома")
_add_uk(3, "три", "трьох", "трьом", "трьома")
_add_uk(4, "чотири", "чотирьох", "чотирьом", "чотирма")
_add_uk(5, "п'ять", "п'яти", "п'ятьма")
_add_uk(6, "шість", "шести", "шістьма")
_add_uk(7, "сім", "семи", "сімома")
_add_uk(8, "вісім", "восьми", "вісьмома")
_add_uk(9, "дев'ять", "дев'яти", "дев'ятьма")
_add_uk(10, "десять", "десяти", "десятьма")
_stem: str
_value: float
for _stem, _value in (
    ("одинадцят", 11), ("дванадцят", 12), ("тринадцят", 13), ("чотирнадцят", 14),
    ("п'ятнадцят", 15), ("шістнадцят", 16), ("сімнадцят", 17), ("вісімнадцят", 18),
    ("дев'ятнадцят", 19), ("двадцят", 20), ("тридцят", 30), ("п'ятдесят", 50),
    ("шістдесят", 60), ("сімдесят", 70), ("вісімдесят", 80),
):
    _add_uk(_value, _stem + "ь", _stem + "и", _stem + "ьма")
_add_uk(40, "сорок", "сорока")
_add_uk(90, "дев'яносто", "дев'яноста")
_add_uk(100, "сто", "ста", "сотня", "сотні", "сотню")
_add_uk(200, "двісті", "двохсот", "двомстам")
_add_uk(300, "триста", "трьохсот")
_add_uk(400, "чотириста", "чотирьохсот")
_add_uk(500, "п'ятсот", "п'ятисот")
_add_uk(600, "шістсот", "шестисот")
_add_uk(700, "сімсот", "семисот")
_add_uk(800, "вісімсот", "восьмисот")
_add_uk(900, "дев'ятсот", "дев'ятисот")
_add_uk(10, "десяток")
_add_uk(1.5, "півтора", "півтори", "півтору")
_add_uk(5e5, "півмільйона")
_add_uk(5e8, "півмільярда")
_add_uk(12, "дюжина", "дюжину")
for _form in ("тисяча", "тисячі", "тисяч", "тисячу", "тисячами", "тис"):
    UK_SCALES[_form] = 1e3
for _stem, _value in (("мільйон", 1e6), ("мільярд", 1e9), ("трильйон", 1e12)):
    for _ending in ("", "а", "и", "ів", "ам", "ами"):
        UK_SCALES[_stem + _ending] = _value
UK_SCALES.update({"млн": 1e6, "млрд": 1e9, "трлн": 1e12})
UK_VAGUE.update({
    "десятки": 10, "десятків": 10, "сотні": 100, "сотень": 100, "тисячі": 1e3, "тисяч": 1e3,
    "мільйони": 1e6, "мільйонів": 1e6, "мільярди": 1e9, "мільярдів": 1e9,
})

_DIGIT_SEPARATORS = re.compile(r"[\s\u00a0\u202f]")


def parse_numeral(numeral: str, *, decimal_comma: bool) -> float | None:
    """Value of a written numeral: "1,000", "1 000", "1,5" (with `decimal_comma`), ".001", "−5"."""
    cleaned = _DIGIT_SEPARATORS.sub("", numeral).replace("−", "-").replace("–", "-")
    if decimal_comma:
        cleaned = cleaned.replace(",", ".")
        if cleaned.count(".") > 1:
            return None
    else:
        cleaned = cleaned.replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        return None


def parse_english_words(words: list[str]) -> float | None:
    """Value of a run of English number words: ["two", "hundred", "and", "six"] -> 206."""
    total = 0.0
    group = 0.0
    seen = False
    for raw in words:
        word = raw.lower()
        if word in ("and", "a", "an"):
            if word != "and":
                group = max(group, 1.0)
                seen = True
            continue
        if word in EN_UNITS:
            group += EN_UNITS[word]
        elif word in EN_HUNDRED:
            group = max(group, 1.0) * EN_HUNDRED[word]
        elif word in EN_SCALES:
            total += max(group, 1.0) * EN_SCALES[word]
            group = 0.0
        else:
            return None
        seen = True
    return total + group if seen else None


def parse_ukrainian_words(words: list[str]) -> float | None:
    """Value of a run of Ukrainian number words in any case: ["двохсот", "тисяч"] -> 200000."""
    total = 0.0
    group = 0.0
    seen = False
    for raw in words:
        word = APOSTROPHES.sub("'", raw.lower()).rstrip(".")
        if word in UK_WORDS:
            group += UK_WORDS[word]
        elif word in UK_SCALES:
            total += max(group, 1.0) * UK_SCALES[word]
            group = 0.0
        else:
            return None
        seen = True
    return total + group if seen else None
