"""What kind of answer a question needs: States named in a paragraph, a vote record's wording, a State asked
about, the role a "who" question asks for, the source a "which resolution" question asks for.

The sample corpus's fictional analysis, two fictional resolutions and a fictional vote record, indexed with
hashed-word vectors, and the extractive answerer.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.answer import (
    CONFIDENCE_SIGNALS,
    DEFAULT_POLICY,
    AnswerPolicy,
    AnswerSentence,
    ExtractiveAnswerer,
    TextVectors,
    _answers_the_kind_of_question,
    _enumerates,
)
from assistant.linear import LinearModel
from assistant.query import analyse
from assistant.service import Assistant
from core.vocabulary import states_named
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder, synthetic_assistant
from tests.samples import write_sample_corpus

PARAGRAPHS = {
    4: "Decides that Chile and Norway shall be permitted to vote in the example assembly until the end of the "
    "example session;",
    5: "Takes note of the example explanations of position on the example report of the example working group;",
}
NOTE = """---
title: Example votes
doc_type: analysis
---

# Example votes

## 1. Record

Example resolution 99/6 was adopted by 10 votes in favour, 2 against and 3 abstentions.

## 2. Officers

The example working group met for the first time in 2099. The post of chair rotates among the regions.
The accounts of the example working group are audited by the example board.

## 3. Origins

The example board was created by a resolution of the example assembly.<sup>1</sup>

---

1 A/RES/99/4, para. 2.
"""


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = write_sample_corpus(tmp_path_factory.mktemp("docs"), PARAGRAPHS)
    (root / "votes.md").write_text(NOTE, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    Ingestor(index_dir, HashEmbedder()).ingest([root])
    return synthetic_assistant(index_dir)


def test_states_named_finds_member_states_by_their_un_names() -> None:
    assert states_named("Decides that Chile and Sao Tome and Principe may vote") == {"Chile", "Sao Tome and Principe"}
    assert states_named("Guinea-Bissau (session 2); Nigeria (session 3)") == {"Guinea-Bissau", "Nigeria"}
    assert states_named("Ruritania and Freedonia supported it") == set()


def test_a_state_named_in_everyday_english_is_the_state_its_un_name_names() -> None:
    assert states_named("the example report on Syria and Vietnam") == {"Syrian Arab Republic", "Viet Nam"}
    assert states_named("the example report on the Syrian Arab Republic and Viet Nam") == {"Syrian Arab Republic", "Viet Nam"}
    # A longer UN name holding a shorter one is one State, not two.
    assert states_named("the Democratic People's Republic of Korea and the United Republic of Tanzania") == {
        "Democratic People's Republic of Korea", "United Republic of Tanzania"}


def test_which_states_is_answered_by_a_paragraph_naming_them(answerer: Assistant) -> None:
    answer = answerer.ask("Which States were permitted to vote in the example assembly until the end of the session?")
    assert not answer.abstained, answer.message
    assert "Chile and Norway" in answer.text
    assert [p.citation for p in answer.citations][0] == "A/RES/99/4, para. 1"


def test_a_question_about_abstentions_is_answered_from_the_vote_record(answerer: Assistant) -> None:
    answer = answerer.ask("How many abstentions were recorded on example resolution 99/6?")
    assert not answer.abstained, answer.message
    assert "3 abstentions" in answer.text
    # "How many abstained" counts no noun the record puts a number before ("abstained" and "abstentions"
    # stem apart): the record's numbers count votes, and the answerer does not guess that they answer.
    assert answerer.ask("How many abstained on example resolution 99/6?").abstained


def test_what_a_state_said_needs_a_passage_naming_that_state(answerer: Assistant) -> None:
    about_report = answerer.ask("What explanations of position were noted on the example report?")
    assert not about_report.abstained, about_report.message
    # The same question about one State finds the same paragraph, which does not name it: no answer.
    assert answerer.ask("What did Chile note in its explanations of position on the example report?").abstained


def test_who_needs_a_sentence_naming_the_role_asked_for(answerer: Assistant) -> None:
    audit = answerer.ask("Who audits the accounts of the example working group?")
    assert audit.text.startswith("The accounts of the example working group are audited by the example board.")
    # The sentence on the group's first meeting matches every other word, but says nothing of a chair.
    assert answerer.ask("Who chaired the example working group that met for the first time in 2099?").abstained


def test_which_resolution_is_answered_with_the_source_footnote(answerer: Assistant) -> None:
    answer = answerer.ask("Which resolution created the example board?")
    assert answer.text.startswith("The example board was created by a resolution of the example assembly.")
    assert "A/RES/99/4, para. 2. [Example votes, footnote 1]" in answer.text
    # A footnote that only gives a source stays out of answers to other questions.
    assert "A/RES/99/4, para. 2." not in answerer.ask("How was the example board created?").text


class _SynonymEmbedder(HashEmbedder):
    """Hashed words, each word of `same` hashed as its partner: a model that holds them for near-synonyms."""

    def __init__(self, same: dict[str, str]) -> None:
        super().__init__()
        self.same = same

    def embed_query(self, text: str) -> np.ndarray:
        return super().embed_query(" ".join(self.same.get(w, w) for w in text.lower().split()))


def test_a_word_the_passages_hold_only_a_near_synonym_of_counts_as_held(answerer: Assistant) -> None:
    index = answerer.current_index()
    question = "Which body inspected the accounts of the example working group?"
    plain = synthetic_assistant(index.store.root)
    unsure = plain.ask(question)
    assert unsure.signals["focus_held"] < 1.0  # "inspected" is in no passage in any form
    # However calibrated the confidence, the near-synonym must make the draft quote the audit.
    knowing = Assistant(plain.settings, embedder=_SynonymEmbedder({"inspected": "audited"}),
                        policy=AnswerPolicy(min_confidence=0.0))
    answer = knowing.ask(question)
    assert "audited by the example board" in answer.text, answer.message
    assert answer.signals["focus_held"] == 1.0
    assert answer.signals["confidence"] > unsure.signals["confidence"]
    passage = next(p for p in index.passages if "audited" in p.text)
    extractive = ExtractiveAnswerer(index, knowing.embedder)
    assert extractive._near_synonyms(question, [passage], extractive._terms_of([passage])) == {"inspect"}
    unaware = ExtractiveAnswerer(index, HashEmbedder())
    assert unaware._near_synonyms(question, [passage], unaware._terms_of([passage])) == set()


@pytest.mark.model
def test_the_packaged_model_joins_inflections_the_stemmer_keeps_apart_and_nothing_looser(tmp_path: Path) -> None:
    from index.embedder import Embedder

    (tmp_path / "docs").mkdir()
    root = write_sample_corpus(tmp_path / "docs", {1: "Welcomes the entry into force of the example accord;"})
    Ingestor(tmp_path / "index", HashEmbedder()).ingest([root])
    index = synthetic_assistant(tmp_path / "index").current_index()
    passage = next(p for p in index.passages if "entry into force" in p.text)
    extractive = ExtractiveAnswerer(index, Embedder())
    present = extractive._terms_of([passage])
    assert extractive._near_synonyms("When did the accord enter into force?", [passage], present) == {"enter"}
    assert extractive._near_synonyms("Whom did the accord elect?", [passage], present) == set()


def test_text_vectors_embed_each_text_once_for_the_life_of_an_index_version() -> None:
    embedder = HashEmbedder()
    words = TextVectors(embedder)
    first = words.of(["entry", "force", "entry"])
    assert first.shape == (3, embedder.dimension) and np.array_equal(first[0], first[2])
    again = words.of(["force", "entry"])
    assert embedder.calls == 1, "texts already embedded are not embedded again"
    assert np.array_equal(again[1], first[0])
    words.of(["accord"])
    assert embedder.calls == 2


def test_an_answer_leads_with_the_span_that_answers_and_keeps_its_cited_text(answerer: Assistant) -> None:
    count = answerer.ask("How many dedicated thematic groups does the mechanism have?")
    assert count.short == "two" and count.to_json()["short_answer"] == "two"
    assert count.text.startswith("The mechanism has two dedicated thematic groups"), "the cited text is unchanged"
    assert answerer.ask("When was resolution 99/4 adopted?").short == "4 December 2094"
    assert answerer.ask("Which resolution created the example board?").short == "A/RES/99/4", "from its footnote"
    states = answerer.ask("Which States were permitted to vote in the example assembly until the end of the session?")
    assert states.short == "Chile and Norway"
    both = answerer.ask("When was resolution 99/4 adopted, and how many dedicated thematic groups does the mechanism have?")
    assert both.short == "4 December 2094; two"
    assert answerer.ask("Who audits the accounts of the example working group?").short == ""


def test_an_abstention_offers_its_closest_sentence_as_no_answer(answerer: Assistant) -> None:
    answer = answerer.ask("What is the annual budget of the secretariat in euros?")
    assert answer.abstained and answer.short == ""
    assert answer.closest is not None and answer.closest.text in answer.closest.passages[0].text
    shown = answer.to_json()
    assert shown["answer"] == "" and shown["short_answer"] == ""
    assert shown["closest"]["sentence"] == answer.closest.text
    assert shown["closest"]["citation"] == answer.closest.citation  # with any document saying it in the same words
    assert shown["closest"]["passage_id"] == answer.closest.passages[0].passage_id


def test_a_how_many_answer_is_a_number_of_what_is_counted_before_any_number() -> None:
    query = analyse("How many members will the example panel have?")
    assert _enumerates(query, "The panel shall consist of 12 members.") == 1.0
    assert _enumerates(query, "The panel shall meet in 2099 and report 3 times.") == 0.5
    assert _enumerates(query, "The panel shall report to the assembly.") == 0.0


def test_how_many_is_not_answered_by_a_number_of_something_else(answerer: Assistant) -> None:
    # The mechanism's paragraph gives a number of groups, not of the body's member States.
    answer = answerer.ask("How many member States have joined the dedicated thematic groups of the mechanism?")
    assert answer.abstained, answer.text
    assert answerer.ask("How many dedicated thematic groups does the mechanism have?").short == "two"


def test_the_answer_is_given_only_at_the_confidence_the_policy_asks_for(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    Ingestor(index_dir, HashEmbedder()).ingest([write_sample_corpus(tmp_path)])
    question = "How many dedicated thematic groups does the mechanism have?"
    sure = np.zeros(len(CONFIDENCE_SIGNALS))
    always = LinearModel(CONFIDENCE_SIGNALS, sure, sure, np.ones(len(CONFIDENCE_SIGNALS)), intercept=5.0)
    never = replace(always, intercept=-5.0)
    answered = synthetic_assistant(index_dir, confidence=always).ask(question)
    assert not answered.abstained and answered.signals["confidence"] == pytest.approx(1 / (1 + np.exp(-5.0)))
    refused = synthetic_assistant(index_dir, confidence=never).ask(question)
    assert refused.abstained and refused.closest is not None
    lenient = synthetic_assistant(index_dir, confidence=never, policy=AnswerPolicy(min_confidence=0.0)).ask(question)
    assert not lenient.abstained


def test_a_question_about_what_no_passage_names_is_refused_however_confident(answerer: Assistant) -> None:
    question = "What is the annual budget of the example working group in euros?"  # no passage names a budget
    always = LinearModel(CONFIDENCE_SIGNALS, *(np.zeros(len(CONFIDENCE_SIGNALS)),) * 2,
                         np.ones(len(CONFIDENCE_SIGNALS)), intercept=5.0)
    strict = Assistant(answerer.settings, embedder=HashEmbedder(), confidence=always,
                       policy=AnswerPolicy(unheld_focus_similarity=1.0))
    refused = strict.ask(question)
    assert refused.abstained and refused.signals["focus_held"] < 1.0
    waived = Assistant(answerer.settings, embedder=HashEmbedder(), confidence=always,
                       policy=AnswerPolicy(unheld_focus_similarity=0.0))
    assert not waived.ask(question).abstained


def test_where_is_answered_only_by_a_place() -> None:
    def answers(question: str, sentence: str) -> bool:
        return _answers_the_kind_of_question(analyse(question), [AnswerSentence(sentence, ())], DEFAULT_POLICY)

    for question in ("Where will the example panel meet?", "In which city will the example panel meet?",
                     "When and where will the example panel meet?"):
        assert answers(question, "The example panel shall meet in Example City from 3 to 7 May 2099."), question
        assert answers(question, "The panel shall meet at Example Headquarters."), question
        assert not answers(question, "The example panel shall meet every year in May."), question
        assert not answers(question, "The panel shall meet as set out in Annex B."), question
    # where a dispute goes is a place too; where wording appears asks for documents, not a place
    assert answers("Where may a dispute be referred?", "It may be referred to the Example Court of Arbitration.")
    assert answers('Where does the wording "a calm handover" appear?', "It calls for a calm handover.")
