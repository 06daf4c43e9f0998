"""Hybrid retrieval, precedent search and the extractive answerer on a small synthetic index.

The index tests run twice (the `chroma_url` fixture): vectors in the embedded store, and in a Chroma server.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.answer import AnswerPolicy
from assistant.langchain_retriever import PassageRetriever
from assistant.phrase import PhraseSearcher, fold
from assistant.query import analyse, question_parts
from assistant.retriever import FusionWeights
from assistant.service import Assistant
from core.errors import ConfigError
from core.text import folded
from index.reader import Filters, SearchIndex
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder, synthetic_assistant
from tests.samples import write_sample_corpus


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, chroma_url: str | None) -> SearchIndex:
    root = write_sample_corpus(tmp_path_factory.mktemp("docs"))
    index_dir = tmp_path_factory.mktemp("index")
    Ingestor(index_dir, HashEmbedder(), chroma_url=chroma_url).ingest([root])
    return SearchIndex.open(index_dir, chroma_url)


@pytest.fixture(scope="module")
def searcher(index: SearchIndex, chroma_url: str | None) -> Assistant:
    return synthetic_assistant(index.store.root, chroma_url)


def test_query_analysis_reads_symbols_and_acronyms() -> None:
    query = analyse("What did resolution 80/16 and A/79/214 say about DTGs and the PoA?")
    assert query.symbols == ("A/RES/80/16", "A/79/214")
    assert "dedicated thematic groups" in query.expanded and "programme of action" in query.expanded
    assert query.dense.startswith("What did resolution 80/16 and A/79/214 say about DTGs (dedicated thematic groups)")
    assert analyse("Which States supported it?").asks_attribution
    # symbols written in full as the documents write them: committee drafts, subsidiary bodies, revisions
    draft = analyse("What does operative paragraph 2 of draft a/c.1/99/l.7/rev.1 decide, and what did A/AC.300/2099/INF/4 add?")
    assert draft.symbols == ("A/C.1/99/L.7/Rev.1", "A/AC.300/2099/INF/4")
    assert draft.session_numbers == (), "neither is numbered by session"
    assert analyse("What did A/RES/99/2 decide?").session_numbers == ("99/2",)


def test_query_analysis_reads_the_paragraphs_and_articles_named() -> None:
    assert analyse("What does paragraph 2 of resolution 99/2 say?").locators == ("para. 2",)
    article = analyse("What must each State Party designate under article 41 of the example convention?")
    assert article.locators == ("art. 41",)
    assert article.names_locator("annex, art. 41, para. 1") and article.names_locator("annex, art. 41(b)")
    assert not article.names_locator("annex, art. 4, para. 1") and not article.names_locator("para. 41")
    within = analyse("What does paragraph 3 of article 41 require?")
    assert within.locators == ("art. 41, para. 3",)
    assert within.names_locator("annex, art. 41, para. 3") and not within.names_locator("annex, art. 41, para. 1")
    assert not within.names_locator("para. 3"), "a resolution's paragraph 3 is not the article's"
    assert analyse("When was it adopted?").asks_date


def test_a_question_asks_for_the_document_its_which_determines() -> None:
    for question in ("Which resolution set up the example panel?", "Pursuant to which General Assembly resolution was it set up?",
                     "Which Committee's report was resolution 99/2 adopted on?", "By which decision was the panel set up?",
                     "What is the symbol of the panel's report?", 'Where does the wording "a calm handover" appear?'):
        assert analyse(question).asks_source, question
    # a document the question names, and "report" as a verb, ask for none
    for question in ("Which States voted against resolution 99/2?", "To which Committee will the example panel report?",
                     "At which plenary meeting was resolution 99/2 adopted?"):
        assert not analyse(question).asks_source, question


def test_search_finds_by_words_and_acronyms(searcher: Assistant) -> None:
    top = searcher.search("How many dedicated thematic groups does the mechanism have?", k=3)
    assert top[0].citation == "Example analysis, section 1"
    assert searcher.search("DTGs", k=1)[0].citation == "Example analysis, section 1"
    assert [p.score for p in top] == sorted((p.score for p in top), reverse=True)


def test_named_symbol_leads_to_its_document(searcher: Assistant) -> None:
    top = searcher.search("When was resolution 99/2 adopted?", k=3)
    assert top[0].citation == "A/RES/99/2, header"
    assert "adopted by the General Assembly on 2 December 2092" in top[0].text


def test_footnotes_come_with_the_paragraph_that_cites_them(searcher: Assistant) -> None:
    top = searcher.search("Which States supported a standing body?", k=3)
    assert [p.locator for p in top[:2]] == ["section 2", "footnote 1"]


def test_filters_restrict_results(searcher: Assistant) -> None:
    results = searcher.search("stakeholders voice vote", k=5, filters=Filters(symbol="A/RES/99/2"))
    assert results and {p.doc.symbol for p in results} == {"A/RES/99/2"}
    later = searcher.search("stakeholders voice vote", k=10, filters=Filters(year_from=2092))
    assert {p.doc.year for p in later} <= {2092, 2093}
    assert all(p.doc.doc_type == "analysis" for p in searcher.search("positions", k=5, filters=Filters(doc_type="analysis")))


def test_langchain_retriever_returns_documents_with_passage_metadata(searcher: Assistant) -> None:
    documents = PassageRetriever(assistant=searcher, k=2).invoke("dedicated thematic groups")
    assert documents[0].metadata["citation"] == "Example analysis, section 1"
    assert documents[0].page_content == documents[0].metadata["text"]


def test_phrase_search_normalises_and_orders_by_date(index: SearchIndex) -> None:
    hits = PhraseSearcher(index).exact("A  Voice, not a Vote")
    assert [h.passage.citation for h in hits] == ["A/RES/99/1, para. 1"]
    assert [hits[0].passage.text[s:e] for s, e in hits[0].spans] == ["a voice, not a vote"]
    dashed = PhraseSearcher(index).exact('"a voice - not a vote"')
    assert [h.passage.citation for h in dashed] == ["A/RES/99/2, para. 1"]
    assert [dashed[0].passage.text[s:e] for s, e in dashed[0].spans] == ["“a voice — not a vote”"]
    both = PhraseSearcher(index).exact("not a vote")
    assert [h.passage.doc.date for h in both] == ["2091-12-01", "2092-12-02"], "oldest first"
    assert PhraseSearcher(index).exact("not in any passage at all") == []


def test_fold_maps_offsets_back_to_the_original() -> None:
    folded, offsets = fold("A  “Voice” —\nnot")
    assert folded == 'a "voice" - not'
    assert len(offsets) == len(folded) and offsets[-1] == len("A  “Voice” —\nnot") - 1


@given(st.text(alphabet=st.sampled_from(list(" \t\n\u00a0\u2009\u3000aAé’“—-İ.")) | st.characters(), max_size=60))
def test_the_fast_fold_gives_folds_text(text: str) -> None:
    assert folded(text) == fold(text)[0]


def test_extractive_answer_cites_every_sentence(searcher: Assistant) -> None:
    answer = searcher.ask("Which States supported a standing body?")
    assert not answer.abstained
    assert answer.text.startswith("Some delegations supported a standing body. [Example analysis, section 2]")
    assert "For example, Ruritania (session 1); Freedonia (session 2). [Example analysis, footnote 1]" in answer.text
    assert [p.citation for p in answer.citations] == ["Example analysis, section 2", "Example analysis, footnote 1"]
    payload = answer.to_json()
    assert set(payload) >= {"question", "answer", "abstained", "citations", "retrieved", "timings_ms"}
    assert set(payload["timings_ms"]) >= {"retrieve", "answer"}


def test_extractive_answer_abstains_without_support(searcher: Assistant) -> None:
    answer = searcher.ask("What is the annual budget of the secretariat in euros?")
    assert answer.abstained and answer.text == "" and answer.citations == []
    assert answer.message


def test_search_rejects_bad_k(searcher: Assistant, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="k must be at least 1, got 0"):
        searcher.search("anything", k=0)


def test_the_answer_reads_exactly_the_k_passages_asked_for(searcher: Assistant) -> None:
    for k in (1, 3):
        answer = searcher.ask("Which States supported a standing body?", k=k)
        assert len(answer.retrieved) == k
        assert {p.passage_id for p in answer.citations} <= {p.passage_id for p in answer.retrieved} | {
            f for p in answer.retrieved for f in p.footnotes
        }


def test_the_langchain_retriever_composes_into_a_chain(searcher: Assistant) -> None:
    from langchain_core.runnables import RunnableLambda

    chain = PassageRetriever(assistant=searcher, k=2) | RunnableLambda(lambda docs: [d.metadata["citation"] for d in docs])
    assert chain.invoke("dedicated thematic groups")[0] == "Example analysis, section 1"


@pytest.mark.parametrize(
    ("knobs", "message"),
    [
        (lambda: FusionWeights(lexical=-1.0), "FusionWeights.lexical must be a finite number of at least 0"),
        (lambda: FusionWeights(title_share=1.5), "FusionWeights.title_share is a share and must be at most 1"),
        (lambda: AnswerPolicy(min_score=float("nan")), "AnswerPolicy.min_score must be a finite number"),
        (lambda: AnswerPolicy(rerank="15"), "AnswerPolicy.rerank must be a finite number"),
    ],
)
def test_weights_and_policies_are_checked_where_they_are_built(knobs: Callable[[], object], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        knobs()


def test_a_two_part_question_is_answered_part_by_part_and_names_the_part_it_cannot_support(searcher: Assistant) -> None:
    answer = searcher.ask("When was resolution 99/2 adopted, and what is the annual budget of the secretariat in euros?")
    assert "2 December 2092" in answer.text and "[A/RES/99/2, header]" in answer.text
    assert answer.message == (
        "The documents do not support an answer to: \u201cwhat is the annual budget of the secretariat in euros?\u201d"
    )
    both = searcher.ask("When was resolution 99/2 adopted, and which States supported a standing body?")
    assert "2 December 2092" in both.text and "Ruritania" in both.text and not both.message


def test_question_parts_split_only_coordinated_questions() -> None:
    assert question_parts("What do the OEWG and the GGE recommend, and how many groups will they have?") == [
        "What do the OEWG and the GGE recommend?", "how many groups will they have? do the OEWG and the GGE recommend",
    ]
    assert question_parts("When was resolution 99/2 adopted, and which States supported a standing body?") == [
        "When was resolution 99/2 adopted?", "which States supported a standing body?",
    ]
    # a pronoun points back at the document the first part names; a part too short to search takes its predicate
    assert question_parts("What did resolution 99/2 decide on the example report, and which panel did it establish?") == [
        "What did resolution 99/2 decide on the example report?", "which panel did it establish? resolution 99/2",
    ]
    assert question_parts("When was resolution 99/2 adopted, and at which plenary meeting?") == [
        "When was resolution 99/2 adopted?", "at which plenary meeting? was resolution 99/2 adopted",
    ]
    assert question_parts("Which States and groups supported a standing body?") == [
        "Which States and groups supported a standing body?"
    ]
    assert question_parts("By which resolution, and when?") == ["By which resolution, and when?"]
    assert question_parts("When was it first held, and where did the review panel meet, according to CircleID?") == [
        "When was it first held? according to CircleID", "where did the review panel meet, according to CircleID?",
    ]
    # a scope named by symbol is the whole symbol, however it is written
    for scope in ("A/C.1/99/L.7", "resolution 99/2", "A/RES/99/2", "A/AC.300/2099/INF/5/Rev.1"):
        assert question_parts(f"What does the example panel decide, and where will the review board meet, according to {scope}?") == [
            f"What does the example panel decide? according to {scope}", f"where will the review board meet, according to {scope}?",
        ]


def test_similar_wording_widens_until_it_has_the_passages_asked_for(tmp_path: Path) -> None:
    # Paragraph 1 of r1 repeats the sentence, so the nearest sentence vectors all belong to one passage.
    repeated = " ".join(["Stakeholders may speak again."] * 12)
    paragraphs = {1: repeated, 2: "Stakeholders may speak again, it is decided.", 3: "Decides to hold a conference;"}
    index_dir = tmp_path / "index"
    Ingestor(index_dir, HashEmbedder()).ingest([write_sample_corpus(tmp_path, paragraphs)])
    phrases = PhraseSearcher(SearchIndex.open(index_dir), HashEmbedder())
    found = phrases.similar("Stakeholders may speak again", k=2)
    assert [p.citation for p in found] == ["A/RES/99/1, para. 1", "A/RES/99/2, para. 1"]

    floor = 0.5
    few = phrases.similar("Stakeholders may speak again", k=10, min_similarity=floor)
    assert 2 <= len(few) < 10 and all(p.score >= floor for p in few), "fewer only below the floor"
    assert len(phrases.similar("Stakeholders may speak again", k=10, min_similarity=0.0)) == 10
