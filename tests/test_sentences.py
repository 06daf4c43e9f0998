"""How the extractive answerer picks its sentences: the words of a question it weighs, and which further
sentences join the best one.

A fictional note indexed with hashed-word vectors.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answer import DEFAULT_POLICY, ExtractiveAnswerer
from assistant.query import analyse
from assistant.retriever import HybridSearcher
from index.lexical import terms
from index.reader import SearchIndex
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder

NOTE = """---
title: Example panel
doc_type: analysis
---

# Example panel

## 1. Meetings

The example panel meets in the example city. Its first session opens on 3 March 2099. The example panel meets in the example city every spring.

## 2. Members

The example panel has seven members from the example regions. One recurring practical question for the members is travel.
"""
WHERE = "The example panel meets in the example city."
DATE = "Its first session opens on 3 March 2099."
AGAIN = "The example panel meets in the example city every spring."
MEMBERS = "The example panel has seven members from the example regions."
ANOTHER_NUMBER = "One recurring practical question for the members is travel."


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    root = tmp_path_factory.mktemp("docs")
    (root / "panel.md").write_text(NOTE, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    Ingestor(index_dir, HashEmbedder()).ingest([root])
    return SearchIndex.open(index_dir)


def drafted(index: SearchIndex, question: str, **policy: object) -> list[str]:
    answerer = ExtractiveAnswerer(index, HashEmbedder(), replace(DEFAULT_POLICY, **policy))
    result = HybridSearcher(index, HashEmbedder()).search(analyse(question), 5)
    return [s.text for s in answerer.draft(result).sentences]


def test_a_question_is_weighed_by_its_subject_words_only(index: SearchIndex) -> None:
    answerer = ExtractiveAnswerer(index, HashEmbedder())
    # function words (NLTK's list), a reporting verb, a word naming documents, a frame noun and an adverb go
    question = "According to the documents, what does the example panel say about the main role of its members, and how often?"
    assert set(answerer._term_weights(analyse(question))) == set(terms("example panel members"))
    # the modal auxiliaries are function words too: what the panel "must" do is what it does
    for modal in ("must", "shall", "might", "ought to", "could", "would"):
        assert set(answerer._term_weights(analyse(f"What {modal} the example panel publish?"))) == set(terms("example panel publish"))
    # and so are the prepositions NLTK's list lacks: the rarest word of a question, yet none of its subject
    for preposition in ("despite", "since", "upon", "towards", "regarding", "throughout"):
        question = f"What did the example panel publish {preposition} the review?"
        assert set(answerer._term_weights(analyse(question))) == set(terms("example panel publish review"))
    # the nouns naming wording as wording, as the question analysis reads them (query.WORDING_NOUNS)
    for noun in ("language", "formulation", "expression", "wording"):
        question = f'Where does the panel {noun} "calm and orderly handover" first appear?'
        assert set(answerer._term_weights(analyse(question))) == set(terms("panel calm orderly handover first"))


def test_a_further_sentence_joins_only_with_a_part_of_the_answer_the_others_lack(index: SearchIndex) -> None:
    question = "When does the example panel meet in the example city?"
    # every sentence scores enough to join (keep_ratio 0): only what it carries tells them apart. The date
    # "when" asks for joins the sentence holding the question's words; their repeat does not.
    assert drafted(index, question, keep_ratio=0.0) == [WHERE, DATE]
    assert AGAIN in drafted(index, question, keep_ratio=0.0, new_parts_only=False)


def test_a_number_joins_a_how_many_answer_only_when_it_counts_what_is_asked(index: SearchIndex) -> None:
    # "One ... for the members" holds a number and the word counted, but does not count them.
    assert drafted(index, "How many members does the example panel have?", keep_ratio=0.0) == [MEMBERS]
    assert ANOTHER_NUMBER in drafted(index, "How many members does the example panel have?", keep_ratio=0.0,
                                     new_parts_only=False)


def test_no_sentence_joins_one_that_answers_alone(index: SearchIndex) -> None:
    # The date sentence gives the date "when" asks for: the sentence naming the panel carries the
    # question's words "example panel", but nothing asked.
    question = "When does the first session of the example panel open?"
    assert drafted(index, question, keep_ratio=0.0) == [DATE]
    assert len(drafted(index, question, keep_ratio=0.0, new_parts_only=False)) > 1
    # a sentence that gives the date but lacks the place "where" asks for is not the whole answer
    assert len(drafted(index, "Where and when does the first session of the example panel open?", keep_ratio=0.0)) > 1


# One sentence of clauses set apart by semicolons, the clause that answers last, as operative paragraphs are.
CLAUSES = (
    "Decides that the example board shall convene in the example harbour; adopt its rules of procedure and "
    "its programme of work for the coming years at its opening meeting; elect a bureau of five officers; "
    "and report to the assembly at its hundredth session"
)
LAST_CLAUSE = "and report to the assembly at its hundredth session"


def analysis_index(tmp_path_factory: pytest.TempPathFactory, title: str, section: str, text: str) -> SearchIndex:
    """An index of one fictional analysis whose one section holds `text`."""
    root = tmp_path_factory.mktemp("docs")
    note = f"---\ntitle: {title}\ndoc_type: analysis\n---\n\n# {title}\n\n## 1. {section}\n\n{text}\n"
    (root / "note.md").write_text(note, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    Ingestor(index_dir, HashEmbedder()).ingest([root])
    return SearchIndex.open(index_dir)


@pytest.fixture(scope="module")
def clauses_index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    return analysis_index(tmp_path_factory, "Example board", "Mandate", f"{CLAUSES}.")


def test_a_sentence_of_clauses_is_as_close_to_the_question_as_its_closest_clause(clauses_index: SearchIndex) -> None:
    question = "To which session will the example board report?"
    result = HybridSearcher(clauses_index, HashEmbedder()).search(analyse(question), 5)
    embedder = HashEmbedder()
    answerer = ExtractiveAnswerer(clauses_index, embedder)
    sentence = next(c for c in answerer._reranked(result) if c.text.startswith(CLAUSES))
    whole = result.sentence_similarity[sentence.sentence_id]
    last = float(HashEmbedder().embed_query(LAST_CLAUSE) @ result.query_vector)
    assert last > whole, "the whole sentence reads further from the question than its last clause"
    assert sentence.similarity == pytest.approx(last, abs=1e-6)
    # its clauses are embedded once while the index version is open, not at every question
    embedded = embedder.calls
    answerer._reranked(result)
    assert embedder.calls == embedded


# The sentence that answers names the bodies only as "these bodies"; the one before it names them.
POINTING_BACK = (
    "The example panel works beside the Example Forum, the Sample Council and the Model Board. "
    "Coordination of the example panel with these bodies will be essential."
)


def test_a_sentence_pointing_back_brings_the_sentence_it_points_at(tmp_path_factory: pytest.TempPathFactory) -> None:
    index = analysis_index(tmp_path_factory, "Example panel", "Partners", POINTING_BACK)
    question = "Which bodies should the example panel coordinate with?"
    result = HybridSearcher(index, HashEmbedder()).search(analyse(question), 5)
    texts = [s.text for s in ExtractiveAnswerer(index, HashEmbedder(), DEFAULT_POLICY).draft(result).sentences]
    assert texts[:2] == [
        "The example panel works beside the Example Forum, the Sample Council and the Model Board.",
        "Coordination of the example panel with these bodies will be essential.",
    ]
