"""Key figures: what find_figures reports for English and Ukrainian text, and what it leaves out."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gazebot.analysis import figures
from gazebot.analysis.figures import find_figures

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_abead91fc19a55a8.txt"


def values(text: str, language: str = "en") -> list[float]:
    return [figure.value for figure in find_figures(text, language)]


def texts(text: str, language: str = "en") -> list[str]:
    return [figure.text for figure in find_figures(text, language)]


def figure_for(text: str, value: float, language: str = "en") -> str:
    """The text of the figure with `value` (fails the test when there is none)."""
    for figure in find_figures(text, language):
        if figure.value == pytest.approx(value, rel=1e-9):
            return figure.text
    raise AssertionError(f"no figure valued {value} in {find_figures(text, language)}")


@pytest.mark.skipif(not SEED.exists(), reason="seed article absent")
def test_seed_article_figures_are_the_casualty_counts_with_context_and_no_unit_names() -> None:
    text = SEED.read_text(encoding="utf-8")
    figures = find_figures(text)
    top = figures[:5]
    assert sorted(figure.value for figure in top) == [13.0, 200.0, 291.0, 500.0, 1000.0]
    by_value = {figure.value: figure.text for figure in top}
    assert by_value[1000.0].startswith("over 1,000 Russian soldiers")
    assert by_value[291.0] == "291 wounded"
    assert by_value[13.0] == "13 taken prisoner"
    assert by_value[200.0] == "around 200 enemy troops"
    assert by_value[500.0] == "up to 500 civilians"
    every_text = " | ".join(figure.text for figure in figures)
    for not_a_figure in ("13th", "475th", "92nd", "144th", "9.2", "2022", "2024"):
        assert not_a_figure not in every_text
    assert {figure.value for figure in figures} & {9.2, 2022.0, 2024.0, 475.0, 92.0, 144.0} == set()
    for figure in figures:
        assert figure.text in text


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("The deal was worth $1.13bn last year.", 1.13e9, "$1.13bn"),
        ("Turnout reached 76% on Sunday.", 76.0, "76%"),
        ("The fine of £800 million was upheld.", 8e8, "£800 million"),
        ("It sold for US$ 2.5 million.", 2.5e6, "US$ 2.5 million"),
        ("Prices rose 4.5 per cent in May.", 4.5, "4.5 per cent"),
        ("Shares fell 3pc.", 3.0, "3pc"),
        ("Revenue rose to €12,400 in the quarter.", 12400.0, "€12,400"),
        ("They owe 3 billion euros to the bank.", 3e9, "3 billion euros"),
    ],
)
def test_money_and_percentages_are_valued_with_their_scale(text: str, value: float, span: str) -> None:
    assert figure_for(text, value) == span


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("Hundreds of troops were encircled.", 100.0, "Hundreds of troops"),
        ("Nearly two-thirds of voters agreed.", 2 / 3, "Nearly two-thirds of voters"),
        ("A dozen drones were shot down.", 12.0, "A dozen drones were shot down"),
        ("Tens of thousands of people fled.", 1e4, "Tens of thousands of people"),
        ("Dozens of homes burned.", 12.0, "Dozens of homes"),
        ("Twenty-five children were rescued.", 25.0, "Twenty-five children were rescued"),
        ("One in five adults smoke.", 0.2, "One in five adults"),
        ("They fired three hundred and six shells.", 306.0, "three hundred and six shells"),
    ],
)
def test_spelled_out_and_vague_quantities_are_figures(text: str, value: float, span: str) -> None:
    assert figure_for(text, value) == span


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("Officials said more than 6,650 employees will go.", 6650.0, "more than 6,650 employees"),
        ("The bill could reach up to $5 billion.", 5e9, "up to $5 billion"),
        ("Analysts expect about 5% growth.", 5.0, "about 5%"),
        ("At least 12 people were killed in the strike.", 12.0,
         "At least 12 people were killed"),
        ("The temperature fell to minus 20 degrees.", -20.0, "minus 20 degrees"),
    ],
)
def test_a_figure_keeps_its_modifier_and_what_it_counts(text: str, value: float, span: str) -> None:
    assert figure_for(text, value) == span


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Fees range from 5 to 7 per cent.", 5.0),
        ("It will cost $3 billion to $5 billion.", 3e9),
        ("Between 50 and 70 people attended.", 50.0),
        ("There are 1 to 2 thousand people.", 1000.0),
        ("Speeds of 15-22 miles per hour were recorded.", 15.0),
    ],
)
def test_a_range_is_one_figure_valued_at_its_first_end(text: str, value: float) -> None:
    assert values(text) == [value]


@pytest.mark.parametrize(
    ("text", "excluded"),
    [
        ("The 13th Operational Brigade and the 475th Assault Regiment advanced.", "13"),
        ("Russia invaded in 2022 and again in September 2024.", "2022"),
        ("The talks were held on 12 March and again on March 29.", "12"),
        ("The meeting starts at 10:30 and ends at 5pm.", "10"),
        ("Call +380 44 123 4567 or (555) 123-4567 for details.", "44"),
        ('The unit "Code 9.2" flew a Boeing 737 on Windows 11.', "9.2"),
        ("COVID-19 cases rose.", "19"),
        ("Under Article 5 of the treaty, section 3 applies.", "5"),
        ("Sales in the 1990s were slow.", "1990"),
        ("He is one of the best players in the Six Nations.", "one"),
        ("He was tried for his 1973-90 rule.", "90"),
        ("The debut of its own 787 Dreamliner was delayed.", "787"),
    ],
)
def test_ordinals_years_dates_times_phones_and_names_are_not_figures(
    text: str, excluded: str
) -> None:
    assert find_figures(text) == []


def test_casualties_money_and_percentages_rank_above_bare_numbers() -> None:
    text = (
        "Player 7 scored 3 times. The club, valued at $2bn, said 40 fans were injured "
        "and ticket prices rose 12%."
    )
    ranked = texts(text)
    assert ranked[0] == "40 fans were injured"
    assert set(ranked[1:3]) == {"$2bn", "12%"}
    assert ranked.index("3 times") > ranked.index("12%")


def test_a_lone_one_counts_only_when_it_counts_something() -> None:
    assert values("No one came, and the same one left.") == []
    assert values("She won one medal.") == [1.0]


@pytest.mark.parametrize(
    ("text", "value", "span"),
    [
        ("Укртрансгаз уклав договір на 7,08 млн грн з фірмою.", 7.08e6, "7,08 млн грн"),
        ("Ціна зросла на 20 відсотків.", 20.0, "20 відсотків"),
        ("Інфляція сягнула 12,5%.", 12.5, "12,5%"),
        ("Вони заплатили 10 000 гривень.", 1e4, "10 000 гривень"),
        ("Понад 1,5 млн грн витратили на ремонт.", 1.5e6, "Понад 1,5 млн грн"),
        ("Загинули двадцять п'ять людей.", 25.0, "двадцять п'ять людей"),
        ("Сотні військових потрапили в оточення.", 100.0, "Сотні військових"),
        ("Ділянка площею 0,1 га.", 0.1, "0,1 га"),
        ("Це коштувало майже мільйон гривень.", 1e6, "майже мільйон гривень"),
    ],
)
def test_ukrainian_money_percent_and_quantities(text: str, value: float, span: str) -> None:
    assert figure_for(text, value, "uk") == span


@pytest.mark.parametrize(
    "text",
    [
        "Договір підписали 29 квітня 2019 року.",
        "У 2022 році 13-та бригада вийшла до міста.",
        "Зустріч почнеться о 10:30.",
        "Згідно зі статтею 36 закону.",
    ],
)
def test_ukrainian_dates_years_times_and_articles_are_not_figures(text: str) -> None:
    assert find_figures(text, "uk") == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.-$%£€abcmnkothusndrеґйщ'\n")),
               max_size=80))
def test_every_figure_is_a_verbatim_span_of_any_text(text: str) -> None:
    for language in ("en", "uk"):
        for figure in find_figures(text, language):
            assert figure.text
            assert figure.text in text


def test_a_repeated_figure_sinks_below_new_ones() -> None:
    text = "He scored two tries. Later 5,000 fans sang. Then came two tries again and 40 minutes."
    ranked = texts(text)
    assert ranked.index("5,000 fans") < ranked.index("40 minutes")
    assert ranked[-1] == "two tries"
    assert ranked.count("two tries") == 2


def test_what_is_counted_stops_before_a_name_and_a_year_stays_a_year() -> None:
    assert texts("The 5000m champion Eliud Kipchoge won.") == ["5000m champion"]
    assert find_figures("He won the 2000 US Open.") == []


def test_ukrainian_war_report_gives_casualty_counts_first_and_no_unit_names_or_years() -> None:
    text = (
        "Командири повідомили, що понад 1000 російських військових було вбито, 291 поранено, "
        "а 13 потрапили в полон. Близько 200 ворожих військових залишаються в місті. До 500 "
        "цивільних досі перебувають у місті. 13-та окрема бригада та 475-й штурмовий полк "
        "«Код 9.2» діяли з 2022 року. Зустріч 12 листопада о 10:30."
    )
    figures = find_figures(text, "uk")
    assert [figure.value for figure in figures] == [1000.0, 200.0, 500.0, 291.0, 13.0]
    assert figures[0].text == "понад 1000 російських військових було вбито"
    assert "13 потрапили в полон" in [figure.text for figure in figures]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_no_scale_money_percent_unit_time_or_range_after_a_number_is_overlooked(
    data: st.DataObject,
) -> None:
    """Speed guard: the parts that may follow a number are only tried where one quick pattern
    matches; it must match wherever any part does, or "5 per cent", "$3bn" or "10 km" would be
    read as bare numbers. Strings are generated from each part itself."""
    for part in figures._EN_AFTER_NUMBER_PARTS:
        text = data.draw(st.from_regex(part), label=part.pattern[:40])
        caseless = figures._caseless(figures._folded(text))
        for position in range(len(text)):
            if part.match(text, position):
                assert figures._EN_MAY_FOLLOW_NUMBER.match(caseless, position), (part, text)
    for mark in "/^⁄×":
        assert figures._EN_MAY_FOLLOW_NUMBER.match(mark)
