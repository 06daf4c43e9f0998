"""Serving while an ingest publishes: askers hold their index version, retired versions are closed, and a
writer that died mid-way leaves nothing on a Chroma server after the next ingest (hardening issue, part 6)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assistant.answer import Answer
from assistant.service import Assistant
from core.settings import Settings
from index.chroma_server import ServerVectors, collection_name
from index.leases import Leases
from index.reader import SearchIndex
from index.store import IndexStore
from ingest.pipeline import Ingestor
from tests.fakes import HashEmbedder
from tests.samples import write_sample_corpus

ASKERS = 8
PUBLISHES = 6
QUESTION = "What are the two dedicated thematic groups?"


class _Version:
    """A stand-in version that records when it is closed."""

    def __init__(self) -> None:
        self.stale = False
        self.closed = False

    def is_stale(self) -> bool:
        return self.stale

    def close(self) -> None:
        self.closed = True


def test_a_retired_version_is_closed_when_its_last_reader_is_done() -> None:
    opened: list[_Version] = []
    leases = Leases(lambda: opened.append(_Version()) or opened[-1])
    with leases.hold() as first:
        first.stale = True  # an ingest published a newer version while this reader works
        with leases.hold() as second:
            assert second is not first and not first.closed, "the reader still holds the first"
        assert not second.closed, "the live version stays open"
    assert first.closed and not second.closed
    assert leases.open_versions() == 1
    second.stale = True
    assert leases.peek() is opened[2] and second.closed, "unread, a replaced version is closed at once"


def _indexed(tmp_path: Path, chroma_url: str | None = None) -> tuple[Path, Path, Ingestor]:
    """The sample corpus ingested: its folder, the index, and the ingestor to publish more with."""
    docs = tmp_path / "docs"
    docs.mkdir()
    write_sample_corpus(docs)
    ingestor = Ingestor(tmp_path / "index", HashEmbedder(), chroma_url=chroma_url)
    ingestor.ingest([docs])
    return docs, tmp_path / "index", ingestor


def _well_formed(answer: Answer) -> bool:
    cited = {p.passage_id for p in answer.citations}
    return answer.question == QUESTION and bool(answer.retrieved) and cited <= {p.passage_id for p in answer.retrieved}


def test_eight_askers_during_six_publishes_never_fail_and_old_versions_are_released(
    tmp_path: Path, chroma_url: str | None
) -> None:
    docs, index_dir, ingestor = _indexed(tmp_path, chroma_url)
    assistant = Assistant(Settings(index_dir=index_dir, chroma_url=chroma_url), embedder=HashEmbedder())
    assistant.ask(QUESTION)
    publishing = threading.Event()
    publishing.set()
    errors: list[BaseException] = []
    answers: list[Answer] = []

    def ask() -> None:
        while publishing.is_set():
            try:
                answers.append(assistant.ask(QUESTION))
                assistant.search("voice not a vote")
            except BaseException as exc:  # noqa: BLE001 - every failure is the finding
                errors.append(exc)

    askers = [threading.Thread(target=ask) for _ in range(ASKERS)]
    for thread in askers:
        thread.start()
    try:
        for number in range(PUBLISHES):
            (docs / f"note-{number}.md").write_text(
                f"# Note {number}\n\n## 1. Groups\n\nThe two dedicated thematic groups met {number + 2} times.\n",
                encoding="utf-8",
            )
            report = ingestor.ingest([docs])
            assert report.added and not report.failed, report.failed
    finally:
        publishing.clear()
        for thread in askers:
            thread.join(timeout=60)
    assert not errors, [f"{type(e).__name__}: {e}" for e in errors[:3]]
    assert len(answers) >= ASKERS and all(_well_formed(a) for a in answers)
    assistant.ask(QUESTION)  # the last question opens the last version and retires the one before
    assert assistant._versions.open_versions() == 1, "every replaced version was closed"
    # generations still read while a publish ran were kept; the next publish removes them, now released
    (docs / "note-last.md").write_text("# Last note\n\nThe groups met again.\n", encoding="utf-8")
    ingestor.ingest([docs])
    assert len(list(index_dir.glob("gen-*"))) == 2, "once released, old generations are deleted"


def test_a_generation_held_by_a_reader_is_not_deleted_under_it(tmp_path: Path) -> None:
    docs, index_dir, ingestor = _indexed(tmp_path)
    reader = SearchIndex.open(index_dir)
    for number in range(3):
        (docs / f"note-{number}.md").write_text(f"# Note {number}\n\nThe groups met {number} times.\n", encoding="utf-8")
        ingestor.ingest([docs])
    assert reader.generation.is_dir(), "kept while held, three publishes later"
    assert reader.vectors.search(HashEmbedder().embed_query(QUESTION), k=2)
    reader.close()
    (docs / "note-last.md").write_text("# Last\n\nThe groups met once more.\n", encoding="utf-8")
    ingestor.ingest([docs])
    assert not reader.generation.exists(), "removed by the next ingest once released"


@pytest.mark.slow
def test_orphan_collections_of_a_dead_ingest_are_removed_at_the_next_ingest(
    tmp_path: Path, chroma_server: str
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    write_sample_corpus(docs)
    index_dir = tmp_path / "index"
    Ingestor(index_dir, HashEmbedder(), chroma_url=chroma_server).ingest([docs])
    # An ingest that died after creating its collection, its folder gone (or the server down when it cleaned up).
    dead = index_dir / "gen-000009-0badcafe"
    space = ServerVectors(chroma_server)
    dead.mkdir()
    space.seed(IndexStore(index_dir).current(), dead)
    dead.rmdir()
    # Another index's collection on the same server must survive.
    other = tmp_path / "other-index" / "gen-000001-00c0ffee"
    other.mkdir(parents=True)
    space.seed(None, other)
    names = {c.name for c in space._client.list_collections()}
    assert collection_name(dead) in names and collection_name(other) in names

    (docs / "note.md").write_text("# Note\n\nThe groups met again.\n", encoding="utf-8")
    Ingestor(index_dir, HashEmbedder(), chroma_url=chroma_server).ingest([docs])
    names = {c.name for c in space._client.list_collections()}
    assert collection_name(dead) not in names, "the orphan is gone"
    assert collection_name(other) in names, "another index's collection is left alone"
    live = IndexStore(index_dir).current()
    assert live is not None and collection_name(live) in names
