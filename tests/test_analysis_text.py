"""Text preparation: sentences with offsets, abbreviations, quotes, Ukrainian, furniture."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gazebot.analysis.text import Sentence, is_furniture, paragraphs, prepare, split_sentences


def sentences_of(paragraph: str) -> list[str]:
    return [paragraph[start:end] for start, end in split_sentences(paragraph)]


def test_abbreviations_initials_and_decimals_do_not_end_a_sentence() -> None:
    text = (
        "Mr. Smith met Dr. J. R. Tolkien in the U.S. on Jan. 5. "
        "Profits rose 3.5% to $1.13bn. St. Paul's was shut."
    )
    assert sentences_of(text) == [
        "Mr. Smith met Dr. J. R. Tolkien in the U.S. on Jan. 5.",
        "Profits rose 3.5% to $1.13bn.",
        "St. Paul's was shut.",
    ]


def test_dotted_acronym_ends_a_sentence_before_a_typical_opener() -> None:
    assert sentences_of("He moved to the U.S. The firm, Acme Inc. said no.") == [
        "He moved to the U.S.",
        "The firm, Acme Inc. said no.",
    ]


def test_a_year_or_a_number_can_end_a_sentence() -> None:
    assert sentences_of("It ended in 2004. See No. 10 for more. Then it rained 3 mm. Done.") == [
        "It ended in 2004.",
        "See No. 10 for more.",
        "Then it rained 3 mm.",
        "Done.",
    ]


def test_a_quotation_of_several_sentences_stays_one_sentence() -> None:
    text = '"We won. We are happy," he said. “It works. Really,” she added. Next.'
    assert sentences_of(text) == [
        '"We won. We are happy," he said.',
        "“It works. Really,” she added.",
        "Next.",
    ]


def test_an_attribution_after_an_exclaimed_or_asked_quotation_stays_with_it() -> None:
    text = '"We will win!" Clinton said. "Why now?" asked Mr. Trump. "Go!" The crowd ran.'
    assert sentences_of(text) == [
        '"We will win!" Clinton said.',
        '"Why now?" asked Mr. Trump.',
        '"Go!"',
        "The crowd ran.",
    ]


def test_ukrainian_punctuation_and_abbreviations() -> None:
    text = (
        "Зеленський відвідав м. Куп’янськ у 2022 р. Там було 1,5 млн грн. "
        "«Ми переможемо. Слава Україні», — сказав він. Кінець!"
    )
    assert sentences_of(text) == [
        "Зеленський відвідав м. Куп’янськ у 2022 р.",
        "Там було 1,5 млн грн.",
        "«Ми переможемо. Слава Україні», — сказав він.",
        "Кінець!",
    ]


def test_question_and_exclamation_marks_end_sentences() -> None:
    assert sentences_of("Why now? Because! It is late… Still here.") == [
        "Why now?",
        "Because!",
        "It is late…",
        "Still here.",
    ]


def test_paragraphs_keep_their_offsets() -> None:
    text = "  First line.\n\nSecond line.  \n"
    found = paragraphs(text)
    assert [p.text for p in found] == ["First line.", "Second line."]
    assert all(text[p.start : p.end] == p.text for p in found)


def test_sentences_are_verbatim_slices_of_the_article() -> None:
    text = "Title\n\nOne sentence here. Another one, Mr. Brown said.\nSecond paragraph."
    prepared = prepare(text, "Title")
    assert [s.text for s in prepared.sentences] == [
        "One sentence here.",
        "Another one, Mr. Brown said.",
        "Second paragraph.",
    ]
    assert all(text[s.start : s.end] == s.text for s in prepared.sentences)
    assert [s.paragraph for s in prepared.sentences] == [0, 0, 1]


def test_a_first_line_repeating_the_title_is_not_story() -> None:
    prepared = prepare("Big News Today\nThe story itself.", "Big  news today")
    assert [s.text for s in prepared.sentences] == ["The story itself."]


def test_site_furniture_is_set_aside() -> None:
    text = "\n".join(
        [
            "Troops advanced on the city.",
            "The Gaze reports on it, referring to Reuters.",
            "Read also: Ten things to know",
            "Photo: Getty Images",
            "Subscribe to our Telegram channel.",
            "As The Gaze reported earlier, a general warned of more attacks. He said more.",
            "Читайте також: Новини дня",
            "The city is strategically important.",
        ]
    )
    prepared = prepare(text)
    assert [s.text for s in prepared.sentences] == [
        "Troops advanced on the city.",
        "The city is strategically important.",
    ]
    assert prepared.clean == "Troops advanced on the city.\nThe city is strategically important."
    assert "He said more." in [s.text for s in prepared.furniture]


def test_clean_text_is_verbatim_between_the_cuts() -> None:
    text = (
        "Title line\n\nFirst  paragraph, with two  spaces. It goes on.\n\n"
        "Read also: elsewhere\n\nLast one. Photo: Getty Images\n"
    )
    prepared = prepare(text, "Title line")
    assert "Title line" not in prepared.clean
    assert "Read also" not in prepared.clean
    assert "Getty" not in prepared.clean
    assert "First  paragraph, with two  spaces. It goes on." in prepared.clean
    assert prepared.clean.endswith("Last one.")


def test_an_article_without_furniture_is_its_own_clean_text() -> None:
    text = "  One.  Two.\n\nThree.  "
    assert prepare(text).clean == text.strip()


def test_story_sentences_that_mention_reports_are_not_furniture() -> None:
    assert not is_furniture("Ukrainian commanders reported that 291 soldiers were wounded.")
    assert not is_furniture("Reuters reported the deal on Monday.")
    assert not is_furniture("Readers will see more of this.")
    assert not is_furniture("The ministry earlier reported 291 wounded.")
    assert not is_furniture("Commanders reported 291 wounded, citing the General Staff.")
    assert is_furniture("Reuters reports, citing two sources.")
    assert not is_furniture("As the minister said before, the line will hold.")
    assert is_furniture("As we previously reported, the plant was shelled.")
    assert is_furniture("Reporting by Jane Doe; Editing by John Roe")
    assert is_furniture("Якщо ви помітили помилку, виділіть її та натисніть Ctrl+Enter.")
    assert is_furniture("Фото: Укрінформ")
    assert is_furniture("Photo — Getty Images")
    assert not is_furniture("Video-on-demand will offer a deeper range of content.")
    assert not is_furniture("Source-code leaks worried the firm.")
    assert not is_furniture("''Follow us,'' Ms. Gil said, and the boys followed.")
    assert is_furniture("(Reporting by Jane Doe; Editing by John Roe.)")
    assert is_furniture("Read more: the full story")
    assert is_furniture("As previously reported, the talks stalled.")


@given(st.text(alphabet=st.sampled_from(list("ab .!?\"“”«»'\nM r 3,")), max_size=120))
def test_any_text_gives_non_overlapping_verbatim_sentences(text: str) -> None:
    prepared = prepare(text)
    last_end = -1
    for sentence in [*prepared.sentences]:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
        assert sentence.start >= last_end
        last_end = sentence.end


@given(
    st.lists(
        st.sampled_from(
            [
                "Troops advanced.",
                "Read also: more news",
                "Photo: Getty Images",
                '"We won. Again," he said.',
                "Mr. Smith  left.",
                "As The Gaze reported earlier, talks failed.",
                "",
                "  ",
            ]
        ),
        max_size=8,
    ),
    st.sampled_from(["\n", "\n\n", "\r\n", " "]),
)
def test_every_story_sentence_is_in_the_clean_text(parts: list[str], separator: str) -> None:
    text = separator.join(parts)
    prepared = prepare(text)
    for sentence in prepared.sentences:
        assert sentence.text in prepared.clean
    for sentence in prepared.furniture:
        assert sentence.text not in prepared.clean or prepared.clean.count(sentence.text) < (
            text.count(sentence.text)
        )


def test_furniture_is_found_after_bullets_dashes_and_in_any_case() -> None:
    """The cheap tests that spare the furniture patterns let through every way furniture can open."""
    assert is_furniture("• Read also: Ten things to know")
    assert is_furniture("— SUBSCRIBE to our channel")
    assert is_furniture("© 2024 The Gaze. All rights reserved.")
    assert is_furniture("Press Ctrl + Enter to report a typo.")
    assert is_furniture("ЧИТАЙТЕ ТАКОЖ: Новини дня")
    assert is_furniture("Нагадаємо, війна триває.")
    assert is_furniture("Про це повідомляє Укрінформ.")
    assert not is_furniture("Theresa May said more.")
    assert is_furniture("As\u2009we previously reported, the plant was shelled.")
    assert is_furniture("If\tyou notice an error, tell us.")
    assert is_furniture("Як\u00a0повідомляло видання, переговори зірвалися.")


def test_letters_that_only_case_folding_matches_are_read_as_the_patterns_read_them() -> None:
    """A long s or a dotless i matches "s" or "i" under re.IGNORECASE though lower() keeps it:
    such text goes to the patterns themselves, in a paragraph as alone."""
    assert is_furniture("ſubscribe to our newsletter")
    assert is_furniture("Photo credıt: Reuters") == is_furniture("Photo credit: Reuters")
    prepared = prepare("Troops advanced.\nſubscribe to our newsletter. Then more.\nIt ended.")
    assert [s.text for s in prepared.sentences] == ["Troops advanced.", "It ended."]


def test_a_paragraph_with_only_full_stops_splits_as_one_with_other_marks() -> None:
    plain = "He left at 5 p.m. The talks failed. Mr. Li stayed. It rained 3.5 mm. Done."
    assert sentences_of(plain) == [
        "He left at 5 p.m.",
        "The talks failed.",
        "Mr. Li stayed.",
        "It rained 3.5 mm.",
        "Done.",
    ]
    assert sentences_of(plain + " Why?")[:-1] == sentences_of(plain)


def test_a_word_too_long_for_the_look_back_ends_its_sentence() -> None:
    long_word = "x" * 45
    assert sentences_of(f"See {long_word}. Then A. Smith came. Done.") == [
        f"See {long_word}.",
        "Then A. Smith came.",
        "Done.",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Read also: Ten things to know",
        "See more: the full story",
        "Watch more on our site",
        "Listen also to the podcast",
        "Also read: the timeline",
        "Related stories: the war",
        "More on this story",
        "Click here to vote",
        "Tap here to vote",
        "Subscribe to our channel",
        "Sign up for the newsletter",
        "Follow us on X",
        "Join us on Telegram",
        "Share this article",
        "Like us on Facebook",
        "Don't miss our podcast",
        "Photographs: Getty Images",
        "Pictures: Reuters",
        "Images courtesy: AP",
        "Video: the attack",
        "Source: ministry",
        "Credits: Jane Doe",
        "Illustration: John Roe",
        "Photo by Jane Doe",
        "Image by John Roe",
        "© The Gaze",
        "All rights reserved",
        "Additional reporting by Jane Doe",
        "Writing by Jane Doe",
        "Editing by John Roe",
        "This article was first published in Ukrainian",
        "If you notice an error, tell us",
        "Advertisement",
        "Like the BBC reported earlier, talks failed",
        "As previously reported, talks failed",
        "Читайте також: новини",
        "Дивіться також: відео",
        "Також читайте: новини",
        "Підписуйтесь на наш канал",
        "Фото: Укрінформ",
        "Джерело: міністерство",
        "Автор фото: Іван",
        "Ілюстративне фото: архів",
        "Якщо ви помітили помилку, напишіть нам",
        "Як раніше повідомляло видання, переговори зірвалися",
        "Нагадаємо, переговори зірвалися",
        "Reuters reports, citing two sources.",
        "Про це повідомляє Укрінформ.",
    ],
)
def test_each_kind_of_furniture_is_set_aside_alone_and_after_a_sentence(line: str) -> None:
    """The cheap tests that spare the furniture patterns pass every way furniture opens."""
    assert is_furniture(line)
    assert is_furniture(line.upper()) == is_furniture(line)
    prepared = prepare(f"Troops advanced.\n{line}\nTroops left.")
    assert [s.text for s in prepared.sentences] == ["Troops advanced.", "Troops left."]
    if line[0].isupper():  # a "©" opens no sentence: it stays with the one before
        assert [s.text for s in prepare(f"Troops left. {line}").sentences] == ["Troops left."]


def test_prepared_sentences_are_ordinary_frozen_values() -> None:
    """prepare() fills its Sentence objects' slots directly: they equal, hash and freeze like
    sentences made by the constructor."""
    sentence = prepare("Troops advanced. They left.").sentences[1]
    made = Sentence(text="They left.", start=17, end=27, paragraph=0, index=1)
    assert sentence == made
    assert hash(sentence) == hash(made)
    assert dataclasses.replace(sentence, index=5).index == 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        sentence.index = 3  # type: ignore[misc]
