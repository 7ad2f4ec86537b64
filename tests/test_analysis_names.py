"""Person names: finding them, and resolving surnames, titles and pronouns to the full name."""

from __future__ import annotations

from collections.abc import Iterator

from gazebot.analysis.names import (
    NameMention,
    find_names,
    follows_name_word,
    mention_in_run,
    name_alone,
    name_runs,
    needs_mentions,
    reference_at,
    resolve,
    resolve_latest_first,
)

SEED_OPENING = (
    "President Volodymyr Zelenskyy visited the frontline city of Kupyansk. "
    "The Head of State met soldiers there."
)


def test_full_name_is_found_without_its_title_and_remembers_the_title() -> None:
    mentions = find_names(SEED_OPENING)
    zelenskyy = next(m for m in mentions if m.name == "Volodymyr Zelenskyy")
    assert zelenskyy.title == "president"
    assert zelenskyy.is_full
    assert SEED_OPENING[zelenskyy.start : zelenskyy.end] == "Volodymyr Zelenskyy"


def test_sentence_openers_and_title_words_are_not_names() -> None:
    names = [m.name for m in find_names("The Head of State said. According to Reuters, it ended.")]
    assert not {"The", "According", "Head", "State"} & set(names)
    assert "Reuters" in names


def test_names_keep_initials_particles_and_suffixes() -> None:
    text = "John F. Kennedy met Ursula von der Leyen and Donald Trump Jr. in town."
    names = [m.name for m in find_names(text)]
    assert "John F. Kennedy" in names
    assert "Ursula von der Leyen" in names
    assert "Donald Trump Jr." in names


def test_possessive_is_not_part_of_the_name() -> None:
    assert [m.name for m in find_names("Zelenskyy’s office replied.")] == ["Zelenskyy"]


def test_reference_kinds_for_cue_subjects() -> None:
    assert reference_at("he") == ("pronoun", "he")
    assert reference_at("вона") == ("pronoun", "вона")
    assert reference_at("the Head of State") == ("title", "president")
    assert reference_at("глава держави") == ("title", "president")
    assert reference_at("the President") == ("title", "president")
    assert reference_at("Zelenskyy") == ("name", "Zelenskyy")
    assert reference_at("a statement") is None


def test_title_resolves_to_the_person_written_with_it() -> None:
    mentions = find_names("Andrii Hnatov spoke first. " + SEED_OPENING)
    end = len("Andrii Hnatov spoke first. " + SEED_OPENING)
    assert resolve(("title", "president"), mentions, end) == "Volodymyr Zelenskyy"


def test_pronoun_resolves_to_the_latest_full_name_before_it() -> None:
    text = "Andrii Hnatov spoke. Later Volodymyr Zelenskyy arrived."
    mentions = find_names(text)
    assert resolve(("pronoun", "he"), mentions, len(text)) == "Volodymyr Zelenskyy"
    assert resolve(("pronoun", "he"), mentions, text.index("Later")) == "Andrii Hnatov"


def test_surname_resolves_to_the_full_name_seen_earlier_only() -> None:
    text = "Donald Trump spoke. Trump left."
    mentions = find_names(text)
    assert resolve(("name", "Trump"), mentions, len(text)) == "Donald Trump"
    assert resolve(("name", "Trump"), mentions, 0) == "Trump"


def test_honorific_is_dropped_when_resolving_a_surname() -> None:
    text = "Paul Manafort arrived."
    assert resolve(("name", "Mr. Manafort"), find_names(text), len(text)) == "Paul Manafort"


def test_inflected_ukrainian_surname_resolves_to_the_full_name() -> None:
    text = "Володимир Зеленський прибув до Києва."
    mentions = find_names(text)
    assert resolve(("name", "Зеленського"), mentions, len(text)) == "Володимир Зеленський"


def test_nothing_to_resolve_to_gives_none() -> None:
    assert resolve(("pronoun", "she"), [], 100) is None
    assert resolve(("title", "president"), [], 100) is None


def test_only_a_full_name_resolves_without_the_article_names() -> None:
    assert not needs_mentions(("name", "Volodymyr Zelenskyy"))
    assert needs_mentions(("name", "Zelenskyy"))
    assert needs_mentions(("name", "Mr. Manafort"))
    assert needs_mentions(("title", "president"))
    assert needs_mentions(("pronoun", "he"))


def test_name_after_a_possessive_organisation_is_the_person_alone() -> None:
    """A person named after an organisation's possessive is the person alone."""
    names = find_names("Iowa State University's Dianne Bystrom agreed.")
    assert [m.name for m in names] == ["Dianne Bystrom"]


def test_lazy_resolution_stops_at_the_nearest_fitting_name() -> None:
    """Names supplied latest first are read only as far as the first one that fits."""
    text = "Joe Biden spoke first. Then Kamala Harris took the stage."
    mentions = find_names(text, people_only=True)
    read: list[str] = []

    def latest_first() -> Iterator[NameMention]:
        for mention in reversed(mentions):
            read.append(mention.name)
            yield mention

    assert resolve_latest_first(("pronoun", "she"), latest_first) == "Kamala Harris"
    assert read == ["Kamala Harris"]


def test_surname_that_is_also_a_common_word_stays_in_the_name() -> None:
    """ "David French" and "Amy Pope" are people; "French" alone or "the Pope" are not names."""
    names = [m.name for m in find_names("David French met Amy Pope in Paris. French wine was served.")]
    assert "David French" in names
    assert "Amy Pope" in names
    assert "French" not in names


def test_a_surname_after_an_honorific_alone_cannot_end_a_full_name() -> None:
    """ "Mr Blair" is no full name, "Mr Tony Blair" and "Ursula von der Leyen" may be."""
    text = "said Mr Blair, and Mr Tony Blair, then Ursula von der Leyen and (See Smith) too; and Jones"
    assert not follows_name_word(text, text.find("Blair"))
    assert follows_name_word(text, text.find("Blair", text.find("Tony")))
    assert follows_name_word(text, text.find("Leyen"))
    assert follows_name_word(text, text.find("Smith"))
    assert not follows_name_word(text, text.find("Jones"))


def test_names_read_run_by_run_are_the_names_find_names_lists() -> None:
    """Listing the runs and reading a name out of each gives find_names' names, titles and
    full-name flags, for people only and for every name alike."""
    text = (
        "President Volodymyr Zelenskyy met Mr. Paul Manafort and Iowa State University's "
        "Dianne Bystrom. The Head of State, spokeswoman Hope Hicks and Miss Jones spoke in Kyiv."
    )
    for people_only in (True, False):
        read = [
            mention
            for start, run in name_runs(text, people_only=people_only)
            if (mention := mention_in_run(text, start, run, people_only=people_only)) is not None
        ]
        assert read == find_names(text, people_only=people_only)
    names = {m.name: m for m in find_names(text, people_only=True)}
    assert names["Volodymyr Zelenskyy"].title == "president"
    assert names["Hope Hicks"].title == "spokesperson"
    assert names["Dianne Bystrom"].is_full
    assert not names["Miss Jones"].is_full


def test_name_alone_reads_an_attribution_line_as_the_name_it_holds() -> None:
    """The line after a vox-pop quote's dash is a name: kept whole, initials and particles
    included, its white space made single, a leading title dropped."""
    assert name_alone("Sonya Herridge") == "Sonya Herridge"
    assert name_alone("Julie  A. Diaz\u00a0Martinez") == "Julie A. Diaz Martinez"
    assert name_alone("Ursula von der Leyen") == "Ursula von der Leyen"
    assert name_alone("Sen. Ted Cruz") == "Ted Cruz"
    assert name_alone("Carlos Raúl") == "Carlos Raúl"


def test_name_alone_refuses_what_is_not_only_a_name() -> None:
    """An aside, a sentence opener, a particle at either end or a run too long to be one
    person is no attribution line."""
    assert name_alone("and then he left") is None
    assert name_alone("Then") is None
    assert name_alone("The") is None
    assert name_alone("von Trapp") is None
    assert name_alone("One Two Three Four Five Six Seven") is None
    assert name_alone("Sonya Herridge said so") is None
