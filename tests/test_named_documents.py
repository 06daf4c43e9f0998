"""Questions that name a document (by its subject or symbol), count something, or point at a source only a
footnote gives: a fictional resolution whose preamble repeats its title, and a fictional note whose footnote
only cites a report, beside the sample corpus, indexed with hashed-word vectors.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from assistant.answer import DEFAULT_POLICY
from assistant.query import analyse
from assistant.retriever import DEFAULT_WEIGHTS
from assistant.service import Assistant
from core.vocabulary import is_source_reference
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder, synthetic_assistant
from tests.samples import resolution, write_sample_corpus

# The preamble repeats the title's words; the operative paragraphs that answer questions mostly do not.
WIDGETS = resolution("A/RES/99/8", "Example widget verification", date(2099, 12, 8), "50th plenary meeting", """
Recalling its resolution 98/7 of 4 December 2098 on example widget verification,

Welcoming the preparatory meeting of States on example widget verification, held in 2098, and the example
widget verification guidelines,

Noting the views that members of the panel on example widget verification have shared with the Secretary-General,

1. Decides to convene the meeting of States in Example City from 3 to 7 May 2099;

2. Decides to establish a panel on example widget verification consisting of 12 members;

3. Requests the Secretary-General to report on example widget verification at its hundredth session;
""")
# The resolution proclaiming a day restates its title in the paragraph that proclaims it: there the title's
# words are what tells that paragraph from the preamble.
LANTERNS = resolution("A/RES/99/9", "Example Day of Lantern Keepers", date(2099, 12, 9), "51st plenary meeting", """
Recognizing the contribution that keepers of lanterns make to safe navigation,

Noting with appreciation the work of lantern keepers in remote coastal communities,

1. Decides to proclaim 9 March of each year the Example Day of Lantern Keepers;

2. Invites all Member States to observe it in an appropriate manner;
""")
# A resolution, and a later one whose title names it: the later one's passages are not the earlier one's.
BEACONS = resolution("A/RES/97/5", "Example beacon panel", date(2097, 12, 5), "41st plenary meeting",
                     "1. Decides to establish an example beacon panel;")
BEACONS_LATER = resolution(
    "A/RES/99/10", "Example beacon panel established pursuant to General Assembly resolution 97/5", date(2099, 12, 10),
    "52nd plenary meeting", "1. Decides that the example beacon panel shall continue its work;",
)
# A committee draft, named by its symbol: its paragraph 2 shares no word with a question asking what it decides
# but "decides" itself, which paragraph 1 shares too, beside the committee's name in its masthead.
DRAFT = """---
symbol: A/C.1/99/L.7
title: Example lighthouse registry
date: "2099-10-20"
---

United Nations A/C.1/99/L.7

General Assembly

Ninety-ninth session

First Committee

Example lighthouse registry

The General Assembly,

Recalling its resolution 97/5 on the example beacon panel,

1. Decides to establish an example lighthouse registry within the example beacon panel;

2. Also decides that the registry shall hold the charts of every coastal light;
"""
REVIEW = """---
title: Example review
doc_type: analysis
---

# Example review

## 1. Mandate

The example review panel was asked to elect its officers and adopt its agenda at its first session.<sup>1</sup>

## 2. Other matters

The example review panel also publishes an annual bulletin on example annex matters.

---

1 A/98/100, Annex B, paragraph 3.
"""


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = write_sample_corpus(tmp_path_factory.mktemp("docs"))
    (root / "widgets.md").write_text(WIDGETS, encoding="utf-8")
    (root / "review.md").write_text(REVIEW, encoding="utf-8")
    (root / "lanterns.md").write_text(LANTERNS, encoding="utf-8")
    (root / "beacons.md").write_text(BEACONS, encoding="utf-8")
    (root / "beacons-later.md").write_text(BEACONS_LATER, encoding="utf-8")
    (root / "draft.md").write_text(DRAFT, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    Ingestor(index_dir, HashEmbedder()).ingest([root])
    return synthetic_assistant(index_dir)


def test_a_document_named_by_its_subject_is_searched_without_its_title_words(searcher: Assistant) -> None:
    question = "When will the meeting of States on example widget verification take place?"
    # The preamble welcoming the preparatory meeting repeats every word of the question; the paragraph that
    # convenes the meeting shares only "meeting of States" with it.
    assert searcher.search(question, k=1)[0].citation == "A/RES/99/8, para. 1"
    answer = searcher.ask(question)
    assert "Decides to convene the meeting of States in Example City from 3 to 7 May 2099; [A/RES/99/8, para. 1]" in answer.text


def test_a_document_named_by_its_symbol_is_searched_without_its_title_words(searcher: Assistant) -> None:
    # The preamble repeats the title and "meeting of States"; only the paragraph convening it says where.
    top = searcher.search("Where will resolution 99/8 convene the example widget verification meeting of States?", k=1)[0]
    assert top.citation == "A/RES/99/8, para. 1"


def test_the_paragraph_restating_a_title_keeps_its_place_in_the_document_it_names(searcher: Assistant) -> None:
    # Searched without its title words the proclaiming paragraph shares nothing with the question; searched
    # with them it matches best, and the fusion keeps that reading (the reranker is off: it would hide it).
    fused_only = synthetic_assistant(searcher.settings.index_dir, weights=replace(DEFAULT_WEIGHTS, rerank=False))
    assert fused_only.search("Is there a day for lantern keepers?", k=1)[0].citation == "A/RES/99/9, para. 1"
    assert "9 March" in searcher.ask("Is there a day for lantern keepers, and if so on what date?").text


def test_a_symbol_in_another_documents_title_does_not_make_its_passages_the_named_ones(searcher: Assistant) -> None:
    # By what they hold of the question alone (similarity weighed out): 99/10's title names 97/5, which its
    # own sentences do not; 97/5's "41st plenary meeting" holds as much of the question as 99/10's.
    by_terms = synthetic_assistant(searcher.settings.index_dir, policy=replace(DEFAULT_POLICY, similarity_weight=0.0))
    answer = by_terms.ask("At which plenary meeting was resolution 97/5 adopted?")
    assert "41st plenary meeting" in answer.text
    assert "52nd plenary meeting" not in answer.text


def test_how_many_finds_the_number_of_what_it_counts() -> None:
    query = analyse("How many members will the example panel have?")
    assert query.counted == ("member",)
    assert query.gives_count("a panel consisting of 12 members")
    assert query.gives_count("twelve independent members")
    assert not query.gives_count("Member States shared 12 views")
    assert not analyse("What will the example panel do?").gives_count("a panel consisting of 12 members")


def test_how_many_ranks_the_paragraph_giving_the_number_first(searcher: Assistant) -> None:
    # The preamble on the views of the panel's members matches the question better than the paragraph
    # giving their number does.
    top = searcher.search("How many members will the panel on example widget verification have?", k=1)[0]
    assert top.citation == "A/RES/99/8, para. 2"


def test_a_footnote_citing_only_a_source_gives_its_place_to_its_paragraph(searcher: Assistant) -> None:
    found = searcher.search("What was the example review panel to do according to Annex B of A/98/100?", k=3)
    assert found[0].citation == "Example review, section 1"
    assert all(not p.is_footnote for p in found)


def test_a_footnote_naming_states_is_more_than_a_source() -> None:
    assert is_source_reference("General Assembly, Example report, A/99/100.")
    assert not is_source_reference("General Assembly, Example draft resolution submitted by Chile and Norway, A/C.1/99/L.1.")


def test_when_a_question_points_at_a_paragraph_the_header_date_does_not_answer(searcher: Assistant) -> None:
    # Resolution 98/7 is not in the index; the preamble of 99/8 gives its date, the header 99/8's own.
    top = searcher.search("When was resolution 98/7 adopted, according to the preamble of A/RES/99/8?", k=1)[0]
    assert top.citation == "A/RES/99/8, preamble"
    assert top.text.startswith("Recalling its resolution 98/7")
    header = searcher.search("When was A/RES/99/8 adopted?", k=1)[0]
    assert header.citation == "A/RES/99/8, header"


def test_how_many_counts_what_it_asks_for_under_its_acronym_too() -> None:
    query = analyse("How many dedicated thematic groups will the example body have?")
    assert query.gives_count("it settled on two initial DTGs")
    assert query.gives_count("two dedicated thematic groups")
    assert not query.gives_count("two initial reports")


def test_a_paragraph_named_with_a_drafts_symbol_is_the_answer_and_the_whole_of_it(searcher: Assistant) -> None:
    question = "What does operative paragraph 2 of First Committee draft A/C.1/99/L.7 decide?"
    assert analyse(question).symbols == ("A/C.1/99/L.7",)
    answer = searcher.ask(question)
    assert [s.passages[0].citation for s in answer.sentences] == ["A/C.1/99/L.7, para. 2"]
    assert "hold the charts of every coastal light" in answer.text

