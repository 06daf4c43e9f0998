"""Questions that name an article of a convention annexed to a resolution: a fictional convention whose
articles' numbers the index terms do not hold ("5" is no term), indexed with hashed-word vectors."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from assistant.answer import AnswerPolicy
from assistant.query import analyse
from assistant.rerank import Reranker
from assistant.retriever import DEFAULT_WEIGHTS, HybridSearcher
from assistant.service import Assistant
from index.reader import SearchIndex
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder, synthetic_assistant
from tests.samples import resolution

BODY = """
Recalling its resolution 98/2,

1. Adopts the Convention on Example Matters annexed to the present resolution;

2. Decides that the archive referred to in article 6 of the Convention shall be kept by the example secretariat;
"""
# Article 5 says what it requires without the word "require"; article 6 has the word and says something else.
CONVENTION = """
Annex

Convention on Example Matters

Article 1 Purpose

The purpose of this Convention is to promote example matters.

Article 2 Registries

1. Each State Party shall keep a registry of example matters.

2. The registry shall be open to the lantern keepers of every coast once a decade.

Article 3 Reports

Each State Party shall report every year on the registry it keeps.

Article 4 Depositary

The Secretary-General is the depositary of this Convention.

Article 5 Independence of registries

States Parties shall carry out their obligations in a manner consistent with the independence of registries.

Article 6 Archives

A State Party may require an archive of example matters to be kept for ten years.
"""
ARTICLE_5 = "annex, art. 5"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("docs")
    text = resolution("A/RES/99/7", "Convention on Example Matters", date(2099, 12, 3), "60th plenary meeting", BODY)
    (root / "A_RES_99_7.md").write_text(text + CONVENTION, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    Ingestor(index_dir, HashEmbedder()).ingest([root])
    return index_dir


@pytest.fixture(scope="module")
def assistant(index_dir: Path) -> Assistant:
    return synthetic_assistant(index_dir)


def test_the_article_a_question_names_is_one_of_its_terms(assistant: Assistant) -> None:
    # "require" is in article 6 only; the article named is what the question is about
    answer = assistant.ask("What does article 5 of the Convention on Example Matters require of States Parties?")
    assert answer.sentences and answer.sentences[0].passages[0].locator == ARTICLE_5, answer.text


def test_the_paragraph_named_of_a_document_named_leads_the_answer(index_dir: Path) -> None:
    # article 3 holds every other word of the question; the paragraph named is still what it asks for
    answer = synthetic_assistant(index_dir, policy=AnswerPolicy(min_confidence=0.0)).ask(
        "What does paragraph 2 of article 2 of A/RES/99/7 say about each State Party reporting every year on the registry it keeps?"
    )
    assert answer.sentences and answer.sentences[0].passages[0].locator == "annex, art. 2, para. 2", answer.text


def test_the_paragraph_named_of_a_document_named_joins_the_candidates_whatever_its_score(index_dir: Path) -> None:
    # No locator bonus and a reranker reading only the best fused candidate: the paragraph named still joins.
    index = SearchIndex.open(index_dir)
    reranker = Reranker(Reranker.packaged().model, depth=1)
    searcher = HybridSearcher(index, HashEmbedder(), replace(DEFAULT_WEIGHTS, locator=0.0), reranker)
    ranking = searcher.rank(analyse("What does paragraph 2 of article 2 of A/RES/99/7 say about example matters?"))
    located = [pid for pid in ranking.ids if index.by_id[pid].locator == "annex, art. 2, para. 2"]
    assert located and ranking.ids[0] != located[0]
