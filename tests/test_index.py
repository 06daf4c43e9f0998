"""The incremental, atomic index: Chroma + BM25 generations, with a deterministic fake embedder.

Every test runs twice (the `chroma_url` fixture): vectors in the embedded store, and in a Chroma server.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from core.errors import IndexBusyError
from index.generation import BM25
from index.lexical import LexicalIndex, terms
from index.store import IndexStore, vector_space
from index.vectors import CHROMA
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder

MakeIngestor = Callable[..., Ingestor]

DOC_A = """---
symbol: A/RES/99/1
title: Example resolution one
date: "2099-01-02"
---

General Assembly A/RES/99/1

The General Assembly,

Recalling its earlier work on example matters,

1. Decides to establish two dedicated thematic groups on example matters;
2. Requests a review conference every five years;
"""

DOC_B = """# Example analysis

## 1. Introduction

The working group on example matters met in plenary sessions.
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "a.md").write_text(DOC_A, encoding="utf-8")
    (root / "b.md").write_text(DOC_B, encoding="utf-8")
    return root


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def store(index_dir: Path, chroma_url: str | None) -> IndexStore:
    return IndexStore(index_dir, vector_space(chroma_url))


@pytest.fixture
def ingestor(index_dir: Path, chroma_url: str | None) -> MakeIngestor:
    """A fresh Ingestor over the test index in the mode under test, with a HashEmbedder unless given one."""

    def make(embedder: HashEmbedder | None = None) -> Ingestor:
        return Ingestor(index_dir, embedder or HashEmbedder(), chroma_url=chroma_url)

    return make


def snapshot(store: IndexStore) -> dict:
    generation = store.require_current()
    vectors = store.vectors(generation)
    lexical = LexicalIndex.load(generation / BM25)
    return {
        "generation": generation.name,
        "passages": [(p.passage_id, p.locator, p.text) for p in store.passages()],
        "sentences": sum(len(p.sentences) for p in store.passages()),
        "vectors": vectors.count(),
        "bm25": lexical.search(terms("thematic groups"), k=3),
        "dense": vectors.search(HashEmbedder().embed_query("dedicated thematic groups"), k=3),
    }


def test_ingest_builds_vectors_bm25_and_passages(corpus: Path, store: IndexStore, ingestor: MakeIngestor) -> None:
    report = ingestor().ingest([corpus])
    assert (len(report.added), len(report.failed)) == (2, 0)
    state = snapshot(store)
    assert len(state["passages"]) == report.passages == report.total_passages
    assert state["vectors"] == state["sentences"] >= len(state["passages"]), "one vector per sentence"
    assert state["bm25"][0][0] == "A/RES/99/1#2"
    assert state["dense"][0][0] == "A/RES/99/1#2:0"
    assert ("A/RES/99/1#2", "para. 1", "Decides to establish two dedicated thematic groups on example matters;") in state[
        "passages"
    ]
    assert report.to_json().keys() >= {"added", "updated", "unchanged", "failed", "passages"}


def test_reingest_of_unchanged_files_does_no_work(corpus: Path, store: IndexStore, ingestor: MakeIngestor) -> None:
    ingestor().ingest([corpus])
    before = snapshot(store)
    embedder = HashEmbedder()
    report = ingestor(embedder).ingest([corpus])
    assert (len(report.unchanged), len(report.added), report.passages) == (2, 0, 0)
    assert embedder.calls == 0
    assert snapshot(store) == before, "no new generation for an unchanged corpus"


def test_changed_file_replaces_its_passages(corpus: Path, store: IndexStore, ingestor: MakeIngestor) -> None:
    ingestor().ingest([corpus])
    (corpus / "a.md").write_text(DOC_A.replace("two dedicated", "three dedicated"), encoding="utf-8")
    report = ingestor().ingest([corpus])
    assert (len(report.updated), len(report.unchanged)) == (1, 1)
    state = snapshot(store)
    texts = [t for _, _, t in state["passages"]]
    assert "Decides to establish three dedicated thematic groups on example matters;" in texts
    assert not any("two dedicated" in t for t in texts)
    assert state["vectors"] == state["sentences"]


def test_remove_by_path_and_by_doc_id(corpus: Path, store: IndexStore, ingestor: MakeIngestor) -> None:
    ingestor().ingest([corpus])
    report = ingestor().remove([str(corpus / "b.md")])
    assert len(report.removed) == 1
    assert {pid.split("#")[0] for pid, _, _ in snapshot(store)["passages"]} == {"A/RES/99/1"}
    report = ingestor().remove(["A/RES/99/1", "no-such-doc"])
    assert len(report.removed) == 1
    assert report.failed[0].path == "no-such-doc"
    state = snapshot(store)
    assert state["passages"] == [] and state["vectors"] == 0


def test_bad_files_are_reported_and_the_rest_ingested(corpus: Path, ingestor: MakeIngestor) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (corpus / "latin1.md").write_bytes("Résolution".encode("latin-1"))
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4 garbage that is no PDF")
    (corpus / "data.xyz").write_text("whatever")
    (corpus / "copy-of-a.md").write_text(DOC_A, encoding="utf-8")
    report = ingestor().ingest([corpus, corpus / "missing.md"])
    assert len(report.added) == 2
    reasons = {Path(f.path).name: f.error for f in report.failed}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.txt"].startswith("binary data")
    assert reasons["latin1.md"].startswith("not UTF-8 text")
    assert "PDF" in reasons["scan.pdf"]
    assert reasons["data.xyz"] == "unsupported file type .xyz"
    assert reasons["missing.md"] == "no such file or directory"
    duplicate = reasons.get("copy-of-a.md") or reasons["a.md"]
    assert duplicate.startswith("same content as")


def test_same_document_under_two_names_is_indexed_once_from_the_fuller_one(
    corpus: Path, ingestor: MakeIngestor, store: IndexStore
) -> None:
    ingestor().ingest([corpus])
    (corpus / "a-v2.md").write_text(DOC_A + "\n3. Adds a paragraph;\n", encoding="utf-8")
    report = ingestor().ingest([corpus])
    assert not report.failed and len(report.unchanged) == 2
    assert [(m.doc_id, Path(m.indexed_from).name, Path(m.also_from).name) for m in report.merged] == [
        ("A/RES/99/1", "a-v2.md", "a.md")
    ]
    passages = [p for p in store.passages() if p.doc.doc_id == "A/RES/99/1"]
    assert "para. 3" in {p.locator for p in passages}
    assert {Path(source).name for p in passages for source in p.doc.sources} == {"a.md", "a-v2.md"}


def test_failure_while_writing_leaves_the_previous_index_intact(
    corpus: Path, index_dir: Path, store: IndexStore, ingestor: MakeIngestor
) -> None:
    ingestor().ingest([corpus])
    before = snapshot(store)
    (corpus / "a.md").write_text(DOC_A.replace("five years", "ten years"), encoding="utf-8")
    with pytest.raises(RuntimeError, match="on purpose"):
        ingestor(HashEmbedder(fail_after=0)).ingest([corpus])
    assert snapshot(store) == before
    assert [p.name for p in index_dir.glob("gen-*")] == [before["generation"]]
    report = ingestor().ingest([corpus])
    assert len(report.updated) == 1, "the failed change is picked up by the next run"


def test_abandoned_generation_is_ignored_and_cleaned(
    corpus: Path, index_dir: Path, store: IndexStore, ingestor: MakeIngestor
) -> None:
    ingestor().ingest([corpus])
    before = snapshot(store)
    half_written = index_dir / "gen-000099-0badf00d"
    (half_written / CHROMA).mkdir(parents=True)
    (half_written / "passages.jsonl").write_text("{not json")
    assert snapshot(store) == before
    (corpus / "b.md").write_text(DOC_B + "\nA new paragraph.\n", encoding="utf-8")
    ingestor().ingest([corpus])
    assert not half_written.exists()


def test_a_second_writer_is_refused(corpus: Path, store: IndexStore, ingestor: MakeIngestor) -> None:
    with store.lock(), pytest.raises(IndexBusyError, match="another ingest is writing"):
        ingestor().ingest([corpus])


def test_files_json_records_hashes(corpus: Path, store: IndexStore, ingestor: MakeIngestor) -> None:
    ingestor().ingest([corpus])
    generation = store.require_current()
    files = json.loads((generation / "files.json").read_text())
    record = files[str((corpus / "a.md").resolve())]
    assert record["doc_id"] == "A/RES/99/1" and len(record["sha256"]) == 64
