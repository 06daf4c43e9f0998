"""A paragraph several documents say in the same words (a draft and the resolution adopted from it, a
paragraph repeated year after year) is one sentence of an answer citing them all: the invented lineage of
tests/test_lineage.py, and two fictional resolutions sharing a footnote."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from index.reader import Filters, SearchIndex
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder, synthetic_assistant
from tests.samples import resolution
from tests.test_lineage import STRESSES, write_lineage

NOTED = "1. Decides to convene example harbour conference {number} in Example City;<sup>1</sup>\n\n---\n\n1 See the example harbour report."


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_lineage(tmp_path_factory.mktemp("docs"))
    for number, day in ((50, 1), (51, 2)):
        text = resolution(f"A/RES/99/{number}", f"Example harbour conference {number}", date(2099, 12, day),
                          "53rd plenary meeting", NOTED.format(number=number))
        (root / f"r{number}.md").write_text(text, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    Ingestor(index_dir, HashEmbedder()).ingest([root])
    return index_dir


def test_the_index_knows_the_paragraphs_documents_share_but_not_their_footnotes(index_dir: Path) -> None:
    index = SearchIndex.open(index_dir)
    try:
        saying = {index.by_id[pid].text for pid in index.copies}
        assert STRESSES in saying
        assert not any(index.by_id[pid].is_footnote for pid in index.copies)
        assert "See the example harbour report." not in saying
        stressed = next(pid for pid in index.copies if index.by_id[pid].text == STRESSES)
        assert len(index.copies[stressed]) == 4  # three yearly resolutions and the draft
    finally:
        index.close()


def test_a_sentence_several_documents_say_cites_them_all_the_one_found_first(index_dir: Path) -> None:
    answer = synthetic_assistant(index_dir).ask("Who shall maintain every beacon?")
    first = answer.sentences[0]
    assert first.text == STRESSES
    assert sorted(p.doc.symbol for p in first.passages) == ["A/C.1/99/L.5", "A/RES/97/10", "A/RES/98/11", "A/RES/99/12"]
    later = [p.doc.date for p in first.passages[1:]]
    assert later == sorted(later)
    assert f"{STRESSES} [{first.citation}]" in answer.text


def test_a_copy_the_filters_exclude_is_not_cited(index_dir: Path) -> None:
    answer = synthetic_assistant(index_dir).ask("Who shall maintain every beacon?", filters=Filters(doc_type="resolution"))
    assert sorted(p.doc.symbol for p in answer.sentences[0].passages) == ["A/RES/97/10", "A/RES/98/11", "A/RES/99/12"]


def test_a_question_naming_a_document_cites_that_documents_copy_only(index_dir: Path) -> None:
    answer = synthetic_assistant(index_dir).ask("Who shall maintain every beacon according to resolution 98/11?")
    assert answer.sentences[0].text == STRESSES
    assert [p.citation for p in answer.sentences[0].passages] == ["A/RES/98/11, para. 2"]
