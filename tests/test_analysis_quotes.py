"""Direct quotes with their speakers: what a reader of the card sees under "Key quotes"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gazebot.analysis.card import Quote
from gazebot.analysis.quotes import find_quote_spans, find_quotes

ZELENSKYY = "Volodymyr Zelenskyy"


def _body(seed_text: str) -> str:
    """The seed without its title line, as analyze() hands it over."""
    return seed_text.split("\n", 1)[1]


def test_seed_finds_the_three_zelenskyy_quotes_with_his_full_name(seed_text: str) -> None:
    quotes = find_quotes(_body(seed_text))
    openings = ["Today, I am in the Kupyansk sector", "Today, achieving results", "It's like with Pokrovsk"]
    for opening in openings:
        matching = [q for q in quotes if q.text.startswith(opening)]
        assert len(matching) == 1, opening
        assert matching[0].speaker == ZELENSKYY
    assert len(quotes) == 3


def test_seed_ranks_the_quote_that_carries_the_story_first(seed_text: str) -> None:
    top = find_quotes(_body(seed_text))[0]
    assert top.text.startswith("Today, achieving results on the frontline is crucial")
    assert top.text.endswith("in the negotiations to end the war,")
    assert top.speaker == ZELENSKYY


def test_seed_unit_names_in_quote_marks_are_not_quotes(seed_text: str) -> None:
    texts = [q.text for q in find_quotes(_body(seed_text))]
    assert not any(t.startswith(("Code 9.2", "Kupyansk")) for t in texts)


def test_seed_nested_quote_stays_inside_the_pokrovsk_quote(seed_text: str) -> None:
    texts = [q.text for q in find_quotes(_body(seed_text))]
    assert "they have surrounded Kupyansk" not in texts
    pokrovsk = next(t for t in texts if t.startswith("It's like with Pokrovsk"))
    assert "‘they have surrounded Kupyansk’" in pokrovsk
    assert pokrovsk.endswith("I am honestly surprised by such questions,")


def test_every_quote_text_is_verbatim_from_the_article(seed_text: str) -> None:
    body = _body(seed_text)
    assert all(q.text in body for q in find_quotes(body))


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("“", "”"), ('"', '"'), ("«", "»"), ("„", "“"), ("‘", "’")],
)
def test_each_quote_mark_style_is_recognised(opening: str, closing: str) -> None:
    text = (
        "Angela Merkel spoke in Berlin on Monday.\n"
        f"{opening}We will keep supporting Ukraine for as long as it takes,{closing} "
        "Merkel told reporters."
    )
    assert find_quotes(text) == [
        Quote("We will keep supporting Ukraine for as long as it takes,", "Angela Merkel")
    ]


def test_quote_split_by_its_cue_is_one_quotation_in_two_adjacent_parts() -> None:
    text = (
        "Kaja Kallas arrived in Kyiv on Tuesday.\n"
        '"The first part of what I came to say is simple," she said. '
        '"The second part is that Europe stands with Ukraine."'
    )
    spans = find_quote_spans(text)
    assert len(spans) == 1
    assert len(spans[0].parts) == 2
    assert find_quotes(text) == [
        Quote("The first part of what I came to say is simple,", "Kaja Kallas"),
        Quote("The second part is that Europe stands with Ukraine.", "Kaja Kallas"),
    ]


def test_second_quote_with_its_own_cue_is_a_separate_quotation() -> None:
    text = (
        '"We are ready to talk about a ceasefire today," Emmanuel Macron said. '
        'He added, "But nobody should mistake that for weakness."'
    )
    spans = find_quote_spans(text)
    assert len(spans) == 2
    assert all(span.speaker == "Emmanuel Macron" for span in spans)


def test_titles_names_and_scare_quotes_are_not_quotes() -> None:
    text = (
        'The film "Grizzly Adams" was shown on Sunday. '
        'Critics called the plan a "witch hunt" and moved on. '
        'The 47th Brigade "Magura" held the line near the town.'
    )
    assert find_quotes(text) == []


def test_partial_quote_inside_a_reporters_sentence_is_not_a_quote() -> None:
    text = 'Donald Trump said the deal was "a disaster for the country" and left the room.'
    assert find_quotes(text) == []


def test_pronoun_and_title_resolve_to_the_full_name_seen_before() -> None:
    text = (
        "President Volodymyr Zelenskyy met soldiers near Kupyansk.\n"
        '"We are holding our positions and will hold them," he said.\n'
        '"Diplomacy is built on results at the front," the Head of State noted.'
    )
    assert [q.speaker for q in find_quotes(text)] == [ZELENSKYY, ZELENSKYY]


def test_surname_alone_resolves_to_the_full_name_seen_earlier() -> None:
    text = (
        "Keir Starmer visited Washington.\n"
        "“Our support will not waver, whatever happens next,” Starmer told reporters."
    )
    assert find_quotes(text)[0].speaker == "Keir Starmer"


def test_cue_before_the_quote_gives_the_speaker() -> None:
    text = 'Mark Rutte said in a statement: "The alliance will respond to any attack on its members."'
    assert find_quotes(text) == [
        Quote("The alliance will respond to any attack on its members.", "Mark Rutte")
    ]


def test_speaker_is_none_when_nobody_is_named() -> None:
    text = "The meeting ended late.\n“This changes nothing for the people on the ground,” a source said."
    assert find_quotes(text) == [Quote("This changes nothing for the people on the ground,", None)]


def test_ukrainian_quotes_get_their_speakers() -> None:
    text = (
        "Президент Володимир Зеленський відвідав Харківщину.\n"
        "«Сьогодні результати на фронті важливі для дипломатії», — заявив Зеленський.\n"
        "За словами Зеленського, «ситуація під контролем, і ми продовжуємо роботу».\n"
        "«Ми не віддамо жодного міста без бою», — наголосив глава держави."
    )
    quotes = find_quotes(text)
    assert {q.text for q in quotes} == {
        "Сьогодні результати на фронті важливі для дипломатії",
        "ситуація під контролем, і ми продовжуємо роботу",
        "Ми не віддамо жодного міста без бою",
    }
    assert all(q.speaker == "Володимир Зеленський" for q in quotes)


def test_quote_over_several_sentences_is_kept_whole() -> None:
    text = (
        "Ursula von der Leyen addressed parliament.\n"
        "“Europe must pay for its own defence. This is not a choice any more. "
        "It is our duty to the next generation,” von der Leyen said."
    )
    (quote,) = find_quotes(text)
    assert quote.text.startswith("Europe must pay")
    assert quote.text.endswith("next generation,")
    assert quote.speaker == "Ursula von der Leyen"


def test_text_without_quote_marks_has_no_quotes() -> None:
    assert find_quotes("Shelling continued overnight. No casualties were reported.") == []
    assert find_quotes("") == []


def test_paragraph_long_quote_without_cue_continues_the_quote_before_it() -> None:
    text = (
        "Mark Rutte spoke in Brussels on Monday.\n"
        "“We will keep the alliance ready for anything that comes,” Rutte said.\n"
        "“Nobody should doubt that the alliance will defend every inch of its territory.”\n"
        "Ministers meet again in June."
    )
    spans = find_quote_spans(text)
    assert len(spans) == 1
    assert len(spans[0].parts) == 2
    assert [q.speaker for q in find_quotes(text)] == ["Mark Rutte", "Mark Rutte"]


def test_quote_nobody_is_said_to_have_said_is_left_out() -> None:
    text = (
        "The rally ended late in the evening.\n"
        "“Freedom for everyone who wants it, and bread for everyone who needs it.”\n"
        "The crowd dispersed."
    )
    assert find_quotes(text) == []


def test_speaker_named_on_the_line_under_the_quote() -> None:
    text = (
        "Claims made in the debate, checked.\n"
        '"Boeing and GE and other multinationals pay zero taxes."\n'
        "- Bernie Sanders.\n"
        "This is a complex issue."
    )
    assert find_quotes(text) == [
        Quote("Boeing and GE and other multinationals pay zero taxes.", "Bernie Sanders")
    ]


def test_speaker_in_a_cue_sentence_after_a_quote_that_closed_its_own() -> None:
    text = (
        "Donald Trump spoke in Florida.\n"
        "“Russia, if you’re listening, I hope you’re able to find the emails.” Trump said.\n"
    )
    assert find_quotes(text) == [
        Quote("Russia, if you’re listening, I hope you’re able to find the emails.", "Donald Trump")
    ]


def test_speaker_line_under_the_quote_is_found_across_an_empty_line() -> None:
    """Sources that separate paragraphs by an empty line still give the "- Name" line its quote."""
    text = (
        "Claims made in the debate, checked.\n\n"
        '"Boeing and GE and other multinationals pay zero taxes."\n\n'
        "- Bernie Sanders.\n\n"
        "This is a complex issue."
    )
    assert find_quotes(text) == [
        Quote("Boeing and GE and other multinationals pay zero taxes.", "Bernie Sanders")
    ]


def test_quote_after_a_sentence_that_ends_in_its_cue_gets_that_speaker() -> None:
    text = (
        "Analysts expect a close race in Iowa.\n\n"
        "Iowa State University's Dianne Bystrom agreed. "
        '"Mainstream Republicans are running out of time to find an alternative."\n\n'
        "Or maybe not."
    )
    assert find_quotes(text) == [
        Quote("Mainstream Republicans are running out of time to find an alternative.", "Dianne Bystrom")
    ]


def test_quote_right_before_a_cued_quote_shares_its_speaker() -> None:
    text = (
        "Voters lined up in Concord before dawn.\n\n"
        "“I have waited four years for this morning to come.” "
        "“Nobody is going to keep me from the polls today,” said Mary Jones, a retired teacher."
    )
    assert [q.speaker for q in find_quotes(text)] == ["Mary Jones", "Mary Jones"]


def test_quote_paragraph_after_a_speakers_paragraph_continues_that_speaker() -> None:
    """A speech told in turns: quote and narration, then a paragraph that is only quote."""
    text = (
        "Delegates crowded the hall on the last night.\n\n"
        "“We came here to win,” Susan Miller said as she turned around and spread her cape "
        "for the cameras that filled the aisle beside the Texas delegation all evening long.\n\n"
        "“But he is our candidate, and we love him!”"
    )
    quotes = find_quotes(text)
    assert {q.text for q in quotes} == {"We came here to win,", "But he is our candidate, and we love him!"}
    assert all(q.speaker == "Susan Miller" for q in quotes)


def test_ukrainian_low_high_quotes_inside_guillemets_stay_in_one_quote() -> None:
    text = (
        "Міністр закордонних справ Андрій Сибіга виступив у Брюсселі.\n"
        "«Ми чуємо від партнерів „так“, але нам потрібні рішення вже сьогодні», — наголосив Сибіга."
    )
    assert find_quotes(text) == [
        Quote(
            "Ми чуємо від партнерів „так“, але нам потрібні рішення вже сьогодні",
            "Андрій Сибіга",
        )
    ]


QUOTE_ALPHABET = "ab Zelenskyy Trump said he noted, . : \n\"“”«»„‘’'-—"


@given(st.text(alphabet=st.sampled_from(list(QUOTE_ALPHABET)), max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_gives_verbatim_quotes_and_never_fails(text: str) -> None:
    """Whatever the input, every quote returned is a verbatim substring of it."""
    for quote in find_quotes(text):
        assert quote.text
        assert quote.text in text


def test_he_resolves_to_the_narrative_name_not_one_inside_a_quotation() -> None:
    text = (
        "Senator John Smith spoke in Denver on Monday.\n\n"
        "“I told Mary Jones that the bill would pass this week,” Smith said.\n\n"
        "“We have the votes and we will use them,” he added."
    )
    assert [q.speaker for q in find_quotes(text)] == ["John Smith", "John Smith"]


def test_quote_in_parentheses_with_its_cue_is_a_quote() -> None:
    text = (
        "The chair called the vote twice.\n\n"
        "(“I don’t want to have fisticuffs,” said Ron Armstrong, the party chairman.)"
    )
    assert find_quotes(text) == [Quote("I don’t want to have fisticuffs,", "Ron Armstrong")]


def test_quote_followed_by_a_dashed_aside_is_still_a_quote() -> None:
    text = (
        "Billionaire entrepreneur Peter Thiel said, "
        '"I am proud to be gay. I am proud to be a Republican" - the first to say so on that stage.'
    )
    assert find_quotes(text) == [Quote("I am proud to be gay. I am proud to be a Republican", "Peter Thiel")]


def test_speaker_is_the_person_not_the_place_or_body_after_of() -> None:
    text = (
        "Delegates cheered in Cleveland.\n\n"
        "“There is just a passion for Donald,” said Robert Antonacci of the New York delegation."
    )
    assert [q.speaker for q in find_quotes(text)] == ["Robert Antonacci"]


def test_party_tag_in_parentheses_is_not_the_speaker() -> None:
    text = "Rep. Earl Blumenauer (D-Ore.) said, “There is tremendous energy in a whole host of races.”"
    assert [q.speaker for q in find_quotes(text)] == ["Earl Blumenauer"]


def test_short_quote_after_a_cue_and_colon_is_a_quote() -> None:
    text = "Ted Cruz kept smiling as a heckler in the back row yelled: “You suck!”"
    assert [q.text for q in find_quotes(text)] == ["You suck!"]


def test_curly_quote_closed_by_a_straight_mark_does_not_swallow_the_cue() -> None:
    """Mixed marks (“…," then "…”) are two parts around the cue, not one quote holding it."""
    text = (
        "Donald Trump celebrated in Manchester.\n\n"
        '“We are going to start winning again and we are going to win so much," Trump said '
        'at his victory party. "You are going to be so happy.”'
    )
    assert [q.text for q in find_quotes(text)] == [
        "We are going to start winning again and we are going to win so much,",
        "You are going to be so happy.",
    ]


def test_lower_case_quote_after_a_cue_clause_is_a_whole_quote() -> None:
    """ "He added, “actually, …”": a clause quoted in full though its first word is lower case."""
    text = (
        "Senator Jane Holt toured the flooded valley on Friday.\n\n"
        "She added, “actually, the levees held better than anyone here expected.”"
    )
    assert find_quotes(text) == [
        Quote("actually, the levees held better than anyone here expected.", "Jane Holt")
    ]


def test_lower_case_quote_that_ends_the_reporters_clause_is_not_a_quote() -> None:
    """ "A downturn, he said, “could be …”": the quote finishes the reporter's own sentence."""
    text = (
        "Mayor Tom Reed spoke about the budget.\n\n"
        "A slower year, he said, “could be a good time to repair the roads.”"
    )
    assert find_quotes(text) == []


def test_quote_closed_by_an_opening_mark_before_its_cue_is_found() -> None:
    text = (
        "Governor Ann Lee left the hearing early.\n\n"
        "“Apparently not,“ she said. “Nobody here is ready to change course.”"
    )
    assert find_quotes(text) == [
        Quote("Apparently not,", "Ann Lee"),
        Quote("Nobody here is ready to change course.", "Ann Lee"),
    ]


def test_paragraph_opened_by_a_closing_mark_is_a_quote() -> None:
    text = "Readers wrote in all week.\n\n”This is why the bridge has to be rebuilt now,” wrote Tom Kerr."
    assert find_quotes(text) == [Quote("This is why the bridge has to be rebuilt now,", "Tom Kerr")]


def test_headline_quote_in_straight_single_marks_after_a_colon() -> None:
    text = "Harry Reid: 'Never underestimate the voters.'\n\nThe senator spoke on Tuesday."
    assert find_quotes(text) == [Quote("Never underestimate the voters.", "Harry Reid")]


def test_apostrophes_are_not_single_quote_marks() -> None:
    text = "Note: 'tis the season, and the mayor's office won't close.'\n\nThe office opens at nine."
    assert find_quotes(text) == []


def test_retaliated_and_recommended_are_cues() -> None:
    text = (
        "The report reached ministers on Monday.\n\n"
        "“Keep the tax at its current level for the rest of the decade,” the panel recommended.\n\n"
        "“The tax stays where it is,” an angry Minister Paul Dyer retaliated."
    )
    quotes = find_quotes(text)
    assert {q.text for q in quotes} == {
        "Keep the tax at its current level for the rest of the decade,",
        "The tax stays where it is,",
    }
    assert {q.speaker for q in quotes} == {None, "Paul Dyer"}


def test_military_rank_abbreviation_does_not_cut_the_speakers_name() -> None:
    text = "“The supply lines held all winter,” said Army Capt. Maria Lopez, who served two tours."
    assert find_quotes(text) == [Quote("The supply lines held all winter,", "Maria Lopez")]


# The dash attribution of vox pops, epigraphs and pull quotes: “…” ― Name, to the end of the line.


def test_vox_pop_quotes_take_the_name_after_each_kind_of_dash() -> None:
    """Every dash a writer uses before the name (―, —, –, a spaced hyphen, a double hyphen)."""
    text = (
        "Readers Share Their Thoughts On The Bridge.\n\n"
        "“The new bridge saves me an hour every single day.” ― Sonya Herrera\n"
        "“I never drive across it because the tolls are too high.” — Paul Okafor\n"
        "“It is the best thing the city has built in my lifetime.” – Ana María Ruiz\n"
        "“Nobody asked the people who live under it.” - Tom Kerr\n"
        "“The noise keeps my children awake at night.” -- Li Wei"
    )
    assert find_quotes(text) == [
        Quote("The new bridge saves me an hour every single day.", "Sonya Herrera"),
        Quote("I never drive across it because the tolls are too high.", "Paul Okafor"),
        Quote("It is the best thing the city has built in my lifetime.", "Ana María Ruiz"),
        Quote("Nobody asked the people who live under it.", "Tom Kerr"),
        Quote("The noise keeps my children awake at night.", "Li Wei"),
    ]


def test_dash_byline_speaker_is_the_whole_name_without_its_full_stop_or_age_and_town() -> None:
    """Initials, no-break spaces, a closing full stop and ", age, town" after the name."""
    text = (
        "“Maybe we can build a wall around the stadium.”\u00a0―\u00a0Steve Quinlan.\n"
        "“He has never once answered the question he was asked.”― Julie A. Diaz Martinez\u00a0\n"
        "“I will vote, but I will not be happy about it.” — Christina N Luis Olidem\n"
        "“Prices went up and wages did not.” — Maria Lopez, 45, Phoenix, Arizona."
    )
    assert [q.speaker for q in find_quotes(text)] == [
        "Steve Quinlan",
        "Julie A. Diaz Martinez",
        "Christina N Luis Olidem",
        "Maria Lopez",
    ]


def test_dash_byline_quote_opened_by_a_closing_mark_is_found() -> None:
    text = "Voices From The Rally.\n\n”Fear. I am truly afraid of what happens next.” ― Nell Carden Grey"
    assert find_quotes(text) == [Quote("Fear. I am truly afraid of what happens next.", "Nell Carden Grey")]


def test_short_epigraph_with_a_dash_byline_is_a_quote() -> None:
    text = "“Never again.” ― Elie Wiesel\n\nThe museum opened its new wing on Sunday."
    assert find_quotes(text) == [Quote("Never again.", "Elie Wiesel")]


def test_dash_byline_surname_resolves_to_the_full_name_seen_before() -> None:
    text = (
        "Senator Ted Cruz spoke to supporters in Houston on Monday night.\n\n"
        "“We will not stop until every vote is counted.” — Cruz"
    )
    assert find_quotes(text) == [Quote("We will not stop until every vote is counted.", "Ted Cruz")]


def test_dash_byline_quotes_stay_separate_and_do_not_lend_their_speaker() -> None:
    """Each line's name is its own quote's; a quote line without one after them is not theirs."""
    text = (
        "“The plant kept this town alive for forty years.” ― Ruth Adams\n"
        "“Now half the shops on Main Street are empty.” ― Joe Barnes\n"
        "“Nobody will tell us what happens next.”"
    )
    assert find_quotes(text) == [
        Quote("The plant kept this town alive for forty years.", "Ruth Adams"),
        Quote("Now half the shops on Main Street are empty.", "Joe Barnes"),
    ]


def test_dash_before_lower_case_words_is_an_aside_not_a_byline() -> None:
    text = (
        "The mayor listened in silence.\n\n"
        "“We are closing the plant in March.” — and then Tom Reed walked out."
    )
    assert find_quotes(text) == []


def test_dash_before_a_sentence_opener_is_not_a_byline() -> None:
    text = "The council met again.\n\n“We will rebuild the bridge next year.” — Then Silence."
    assert find_quotes(text) == []


def test_quoted_title_followed_by_a_dash_and_more_sentence_is_not_a_quote() -> None:
    text = "“Gone With the Wind” — Margaret Mitchell’s only novel — sold a million copies in six months."
    assert find_quotes(text) == []


def test_quoted_title_with_its_author_after_a_dash_is_not_a_quote() -> None:
    """A reading list ("“Title” — Author") names books: a title ends in no full stop."""
    text = (
        "Books for the summer.\n\n"
        "“Gone With the Wind” — Margaret Mitchell\n"
        "“The Old Man and the Sea” — Ernest Hemingway"
    )
    assert find_quotes(text) == []


def test_name_in_quote_marks_mid_sentence_before_a_dash_is_not_a_quote() -> None:
    text = "Her brother, known to everyone on the block as “Bobby the Builder.” — Robert Smith"
    assert find_quotes(text) == []
