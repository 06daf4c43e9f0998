"""What a question asks for, read off its wording (assistant/query.py): each alternative of a pattern on
questions about fictional bodies, and the near misses it must leave alone."""

from __future__ import annotations

import pytest

from assistant.query import analyse


@pytest.mark.parametrize(
    "question",
    [
        "Which States supported the example proposal?",
        "Which delegations objected to the example draft?",
        "Which member states favoured a standing forum?",
        "Whose proposal was the example panel?",
        "Who proposed a standing example forum?",
        "Who emphasized capacity-building in the example talks?",
        "Was the example draft tabled by a regional group?",
        "How did the Assembly vote on the example resolution?",
        "Who were the sponsors of the example draft?",
    ],
)
def test_a_question_on_who_took_a_position_asks_for_attribution(question: str) -> None:
    assert analyse(question).asks_attribution


@pytest.mark.parametrize(
    "question",
    [
        "Who chaired the example working group?",  # an actor, named in the text, not States in footnotes
        "Which body will serve as the example secretariat?",
        "What did the example panel decide?",
    ],
)
def test_an_actor_or_a_body_is_not_an_attribution(question: str) -> None:
    assert not analyse(question).asks_attribution


@pytest.mark.parametrize(
    "question",
    [
        "When will the example panel first meet?",
        "On what date is the Example Day observed?",
        "Which date did the Assembly set for the example review?",
        "At which plenary meeting was resolution 99/8 adopted?",  # the masthead dates and places it
        "What followed the adoption of the example convention?",
    ],
)
def test_a_time_or_an_adoption_asks_for_a_date(question: str) -> None:
    assert analyse(question).asks_date


@pytest.mark.parametrize(
    "question",
    ["Where will the example panel meet?", "How many members will the example panel have?", "Whence came the idea?"],
)
def test_a_place_a_count_or_a_word_containing_when_asks_for_no_date(question: str) -> None:
    assert not analyse(question).asks_date
