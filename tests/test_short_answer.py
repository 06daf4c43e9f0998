"""The short answer (assistant/short_answer.py): the span of the quoted sentences that a when / how many /
which resolution / which States question asks for, on invented sentences."""

from __future__ import annotations

import doctest

import pytest

import assistant.short_answer
from assistant.answer import AnswerSentence
from assistant.query import analyse
from assistant.short_answer import short_answer
from core.models import DocumentMeta, Passage, Provenance

DOC = DocumentMeta(doc_id="A/RES/99/7", title="Example resolution 7", doc_type="resolution", symbol="A/RES/99/7",
                   date="2097-12-07", source="/data/r7.md", provenance=Provenance(symbol_confirmed=True))


def quoted(text: str, locator: str = "para. 1") -> AnswerSentence:
    return AnswerSentence(text, (Passage(doc=DOC, locator=locator, text=text),))


def short(question: str, *sentences: AnswerSentence) -> str:
    found = short_answer(analyse(question), sentences)
    assert not found or any(found in s.text for s in sentences), "the span is a substring of a quoted sentence"
    return found


@pytest.mark.parametrize(
    ("sentence", "date"),
    [
        ("Decides to convene the example conference on 8 December 2097 in New York;", "8 December 2097"),
        ("The meeting will take place from 12 to 23 July 2098 in Geneva.", "12 to 23 July 2098"),
        ("It met from 30 November to 4 December 2096.", "30 November to 4 December 2096"),
        ("States are invited to report by 30 April each year.", "30 April"),
        ("The organizational session is planned for March 2098.", "March 2098"),
        ("The 2096 report asks for a review conference in 2099.", "2099"),  # not the year naming the report
    ],
)
def test_a_when_question_gets_the_date(sentence: str, date: str) -> None:
    assert short("When is the example meeting?", quoted(sentence)) == date


def test_a_question_that_only_mentions_an_adoption_does_not_get_its_date() -> None:
    header = quoted("Adopted at the 40th plenary meeting on 7 December 2097", "header")
    assert short("When was the example resolution adopted?", header) == "7 December 2097"
    assert short("At which plenary meeting was the example text adopted?", header) == ""


def test_a_how_many_question_gets_the_number_that_counts_what_it_asks_about() -> None:
    sentence = quoted("Decides on 8 December 2097 that the example group, meeting 3 times a year, shall have 21 members;")
    assert short("How many members will the example group have?", sentence) == "21"
    assert short("How many times a year does the example group meet?", sentence) == "3"
    # what it counts is not named next to a number: the first number, never the day of a date
    assert short("How many experts will the example group have?", sentence) == "3"
    assert short("How many experts are there?", quoted("On 8 December 2097 the example group was formed.")) == ""


def test_a_which_resolution_question_gets_a_symbol_it_does_not_name_itself() -> None:
    sentence = quoted("Recalling its resolution 98/12, as reaffirmed in A/RES/99/3, on the example board,")
    assert short("Which resolution established the example board?", sentence) == "resolution 98/12"
    assert short("Which resolution besides resolution 98/12 reaffirmed the example board?", sentence) == "A/RES/99/3"
    assert short("Which resolution established the example board?", quoted("The example board was set up.")) == ""
    drafted = quoted("Recalling draft resolution A/C.1/98/L.4 and its revision A/C.1/98/L.4/Rev.1,")
    assert short("Which draft resolution established the example board?", drafted) == "A/C.1/98/L.4"
    assert short("Which draft resolution revised A/C.1/98/L.4?", drafted) == "A/C.1/98/L.4/Rev.1"


def test_a_source_question_reads_the_footnote_quoted_after_the_sentence() -> None:
    sentence = quoted("The example board was created by a resolution of the example assembly.", "section 3")
    note = quoted("A/RES/99/4, para. 2.", "footnote 1")
    assert short("Which resolution created the example board?", sentence, note) == "A/RES/99/4"
    # a later sentence of the answer that is not one of its footnotes is not read
    assert short("Which resolution created the example board?", sentence, quoted("See A/RES/99/5.", "para. 2")) == ""


def test_where_quoted_wording_appears_is_not_a_symbol_the_sentence_holding_it_mentions() -> None:
    sentence = quoted("Decides, in accordance with A/RES/99/3, to ensure a calm and orderly handover;")
    assert short('Where does the phrase "calm and orderly handover" appear?', sentence) == ""
    note = quoted("A/RES/99/4, para. 2.", "footnote 1")
    assert short('Which resolution first used the words "calm and orderly handover"?', sentence, note) == "A/RES/99/4"


def test_a_which_states_question_gets_the_list_of_states_named() -> None:
    sentence = quoted("Decides that Chile and Norway shall be permitted to vote until the end of the example session;")
    assert short("Which States were permitted to vote in the example session?", sentence) == "Chile and Norway"
    # a question naming the State asks something else about it
    assert short("Until which session may Chile vote in the example assembly?", sentence) == ""
    lead = quoted("Some delegations spoke on the example roster.", "section 2")
    note = quoted("Example roster: Fiji (session 1); Chile (session 2) and Norway. Compare Peru.", "footnote 1")
    assert short("Which States spoke on the example roster?", lead, note) == "Fiji (session 1); Chile (session 2) and Norway"
    assert short("Which States spoke on the example roster?", lead) == ""


def test_no_span_for_a_question_that_asks_for_none() -> None:
    sentence = quoted("The example board, chaired by Chile since 2090, meets 4 times a year on 1 March.")
    assert short("Who chairs the example board?", sentence) == ""
    assert short("What does the example board do?", sentence) == ""
    assert short_answer(analyse("When does the example board meet?"), ()) == ""


def test_the_module_example_runs() -> None:
    assert doctest.testmod(assistant.short_answer).failed == 0
