"""The assistant on the real shared corpus with the real model (skipped when the corpus is absent)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.cli import main
from index.reader import Filters

pytestmark = [pytest.mark.corpus, pytest.mark.model]


def test_answers_from_a_resolution_paragraph(corpus_assistant) -> None:  # noqa: ANN001
    answer = corpus_assistant.ask("What does resolution 80/16 decide in paragraph 1?")
    assert not answer.abstained
    assert answer.sentences[0].rendered == (
        "Decides to endorse the final report of the open-ended working group as contained in document A/80/257; "
        "[A/RES/80/16, para. 1]"
    )


def test_answers_from_the_header_when_asked_about_adoption(corpus_assistant) -> None:  # noqa: ANN001
    answer = corpus_assistant.ask("When was resolution 80/16 adopted?")
    assert answer.text.startswith("Resolution adopted by the General Assembly on 1 December 2025 [A/RES/80/16, header]")


def test_answers_who_supported_with_the_footnote_naming_states(corpus_assistant) -> None:  # noqa: ANN001
    answer = corpus_assistant.ask("Which States supported a permanent Programme of Action?")
    citations = [p.citation for p in answer.citations]
    assert "UNIDIR chapter, section 2.1" in citations and "UNIDIR chapter, footnote 22" in citations
    assert "Argentina (session 1, meeting 9)" in answer.text


def test_answers_votes_from_a_footnote(corpus_assistant) -> None:  # noqa: ANN001
    answer = corpus_assistant.ask("How many votes did resolution 77/37 receive?")
    assert "156 votes in favour, 7 against and 14 abstentions" in answer.text
    assert answer.citations[0].citation == "UNIDIR chapter, footnote 32"


def test_answers_from_a_commentary_paragraph(corpus_assistant) -> None:  # noqa: ANN001
    answer = corpus_assistant.ask("When is the first Review Conference of the Global Mechanism?")
    assert "2031" in answer.text
    assert all(p.doc.doc_type == "commentary" for p in answer.citations)


def test_abstains_on_what_the_corpus_does_not_say(corpus_assistant) -> None:  # noqa: ANN001
    answer = corpus_assistant.ask("What is the 2027 budget of the Global Mechanism?")
    assert answer.abstained and answer.text == "" and answer.message


def test_every_answer_sentence_carries_a_citation(corpus_assistant) -> None:  # noqa: ANN001
    for question in ("Who serves as the Secretariat of the Global Mechanism?", "Are DTG meetings formal or informal?"):
        answer = corpus_assistant.ask(question)
        assert answer.sentences and all(s.passages for s in answer.sentences)
        assert answer.text.count("[") == len(answer.sentences)


def test_precedent_search_orders_by_date(corpus_assistant) -> None:  # noqa: ANN001
    hits = corpus_assistant.exact_phrase("smooth and seamless transition")
    # First used in the First Committee's draft (13 October 2025), then in the resolution adopted from it.
    assert [h.passage.citation for h in hits] == ["A/C.1/80/L.20, para. 2", "A/RES/80/16, para. 2"]
    for hit in hits:
        assert [hit.passage.text[s:e] for s, e in hit.spans] == ["smooth and seamless transition"]
    dates = [h.passage.doc.date or "9999" for h in corpus_assistant.exact_phrase("Global Mechanism")]
    assert dates == sorted(dates)


def test_filters_by_document_type_and_symbol(corpus_assistant) -> None:  # noqa: ANN001
    only_resolutions = corpus_assistant.search("review conference", k=5, filters=Filters(doc_type="resolution"))
    assert only_resolutions and {p.doc.doc_type for p in only_resolutions} == {"resolution"}
    only_80_16 = corpus_assistant.search("transition", k=3, filters=Filters(symbol="A/RES/80/16"))
    assert {p.doc.symbol for p in only_80_16} == {"A/RES/80/16"}


def test_cli_ask_and_search_json_follow_the_spec(corpus_index, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    runner = CliRunner()
    asked = runner.invoke(main, ["ask", "How many votes did resolution 77/37 receive?", "--index", str(corpus_index), "--json"])
    assert asked.exit_code == 0, asked.output
    payload = json.loads(asked.stdout)
    assert set(payload) >= {"question", "answer", "abstained", "citations", "retrieved", "timings_ms"}
    passage_keys = {"doc_id", "symbol", "title", "doc_type", "date", "locator", "text", "score"}
    assert passage_keys <= set(payload["citations"][0]) and passage_keys <= set(payload["retrieved"][0])
    searched = runner.invoke(main, ["search", "a voice, not a vote", "--phrase", "--index", str(corpus_index), "--json"])
    result = json.loads(searched.stdout)
    assert result["query"] == "a voice, not a vote"
    assert result["results"][0]["locator"] == "section 3.5" and result["results"][0]["matches"]
    human = runner.invoke(main, ["ask", "What is the 2027 budget of the Global Mechanism?", "--index", str(corpus_index)])
    assert human.exit_code == 0 and "do not support an answer" in human.output and "Closest passages:" in human.output
