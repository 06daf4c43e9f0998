"""Server mode (GMA_CHROMA_URL): the vectors of each generation in a collection of a real Chroma server.

test_index.py and test_retrieval.py already run every scenario in both modes; these tests check what only
server mode has: one collection per generation, copied forward and deleted with its generation, and a
clear one-line error whenever the server cannot be reached or does not hold the index's vectors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from assistant.cli import main
from core.errors import ChromaServerError, ConfigError
from index import vectors
from index.chroma_server import ServerAddress, ServerVectors, collection_name
from index.reader import SearchIndex
from index.store import IndexStore
from ingest.pipeline import Ingestor
from tests.chroma_process import ChromaServer, free_port
from tests.fakes import HashEmbedder
from tests.test_index import DOC_A, DOC_B

QUERY = "dedicated thematic groups"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    for name, text in {"a.md": DOC_A, "b.md": DOC_B}.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


def on_server(url: str, generation: Path) -> bool:
    """Whether the server holds the collection of `generation`."""
    try:
        ServerVectors(url).open(generation)
    except ConfigError:
        return False
    return True


def generations(index_dir: Path) -> list[Path]:
    return sorted(index_dir.glob("gen-*"))


def dense_top(index_dir: Path, url: str | None) -> list[tuple[str, float]]:
    index = SearchIndex.open(index_dir, url)
    try:
        return index.vectors.search(HashEmbedder().embed_query(QUERY), k=3)
    finally:
        index.close()  # an open index holds its generation, which no ingest would then delete


class FailingEmbedder(HashEmbedder):
    """Fails while the new generation is half written, noting which generations existed at that moment."""

    def __init__(self, index_dir: Path, url: str) -> None:
        super().__init__(fail_after=0)
        self.index_dir, self.url = index_dir, url
        self.seen: list[tuple[str, bool]] = []

    def embed_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        self.seen = [(g.name, on_server(self.url, g)) for g in generations(self.index_dir)]
        return super().embed_documents(texts, progress)


def test_each_generation_is_a_collection_deleted_with_its_generation(
    corpus: Path, index_dir: Path, chroma_server: str
) -> None:
    ingest = Ingestor(index_dir, HashEmbedder(), chroma_url=chroma_server)
    ingest.ingest([corpus])
    (first,) = generations(index_dir)
    assert on_server(chroma_server, first) and not (first / vectors.CHROMA).exists(), "no embedded store"
    assert dense_top(index_dir, chroma_server)[0][0] == "A/RES/99/1#2:0"
    (corpus / "a.md").write_text(DOC_A.replace("five years", "ten years"), encoding="utf-8")
    ingest.ingest([corpus])
    second = IndexStore(index_dir).require_current()
    assert generations(index_dir) == [first, second] and on_server(chroma_server, first), "previous one kept"
    ingest.remove([str(corpus / "b.md")])
    third = IndexStore(index_dir).require_current()
    assert generations(index_dir) == [second, third]
    assert [on_server(chroma_server, g) for g in (first, second, third)] == [False, True, True]
    assert {pid.split("#")[0] for pid, _ in dense_top(index_dir, chroma_server)} == {"A/RES/99/1"}


def test_reingest_copies_the_kept_vectors_exactly(
    corpus: Path, index_dir: Path, chroma_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectors, "_WRITE_BATCH", 2)  # several batches even for this small index
    Ingestor(index_dir, HashEmbedder(), chroma_url=chroma_server).ingest([corpus])
    store = IndexStore(index_dir, ServerVectors(chroma_server))
    kept = [p.sentence_id(n) for p in store.passages() if p.doc.doc_id != "A/RES/99/1" for n in range(len(p.sentences))]
    first = store.vectors(store.require_current())
    assert first.count() > 2 * vectors._WRITE_BATCH
    before = first.vectors(kept)
    (corpus / "a.md").write_text(DOC_A.replace("two dedicated", "three dedicated"), encoding="utf-8")
    report = Ingestor(index_dir, HashEmbedder(), chroma_url=chroma_server).ingest([corpus])
    assert (len(report.updated), len(report.unchanged)) == (1, 1)
    live = store.vectors(store.require_current())
    after = live.vectors(kept)
    assert after.keys() == before.keys() == set(kept)
    assert all(np.allclose(after[i], before[i]) for i in kept)
    assert live.count() == sum(len(p.sentences) for p in store.passages())


def test_failed_ingest_drops_its_collection_and_the_previous_one_answers(
    corpus: Path, index_dir: Path, chroma_server: str
) -> None:
    Ingestor(index_dir, HashEmbedder(), chroma_url=chroma_server).ingest([corpus])
    (live,) = generations(index_dir)
    open_before = SearchIndex.open(index_dir, chroma_server)
    before = dense_top(index_dir, chroma_server)
    (corpus / "a.md").write_text(DOC_A.replace("five years", "ten years"), encoding="utf-8")
    embedder = FailingEmbedder(index_dir, chroma_server)
    with pytest.raises(RuntimeError, match="on purpose"):
        Ingestor(index_dir, embedder, chroma_url=chroma_server).ingest([corpus])
    assert len(embedder.seen) == 2
    attempt, seeded = embedder.seen[-1]
    assert seeded, "the attempt had a collection of its own while it was written"
    assert generations(index_dir) == [live] and not on_server(chroma_server, index_dir / attempt)
    assert dense_top(index_dir, chroma_server) == before
    assert open_before.vectors.search(HashEmbedder().embed_query(QUERY), k=3) == before


def test_index_and_server_that_do_not_match_are_a_clear_error(corpus: Path, tmp_path: Path, chroma_server: str) -> None:
    embedded, served = tmp_path / "embedded", tmp_path / "served"
    Ingestor(embedded, HashEmbedder()).ingest([corpus])
    Ingestor(served, HashEmbedder(), chroma_url=chroma_server).ingest([corpus])
    # The vectors open on first use (exact-wording search needs none), and the mismatch is found there.
    with pytest.raises(ConfigError, match=f"the Chroma server at {chroma_server} has no collection gma-gen-"):
        SearchIndex.open(embedded, chroma_server).vectors  # noqa: B018
    with pytest.raises(ConfigError, match="the index was built against a Chroma server; set GMA_CHROMA_URL"):
        SearchIndex.open(served).vectors  # noqa: B018
    (corpus / "a.md").write_text(DOC_A.replace("five years", "ten years"), encoding="utf-8")
    for index_dir, url in ((embedded, chroma_server), (served, None)):
        live = generations(index_dir)
        with pytest.raises(ConfigError, match="was built"):  # never a new generation missing the kept vectors
            Ingestor(index_dir, HashEmbedder(), chroma_url=url).ingest([corpus])
        assert generations(index_dir) == live


def test_unreachable_server_is_one_line_naming_the_url(corpus: Path, index_dir: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ChromaServerError, match=f"^cannot reach the Chroma server at {url} "):
        Ingestor(index_dir, HashEmbedder(), chroma_url=url)
    runner = CliRunner()
    for command in (["ingest", str(corpus)], ["remove", "A/RES/99/1"], ["search", "thematic groups"]):
        result = runner.invoke(main, [*command, "--index", str(index_dir)], env={"GMA_CHROMA_URL": url})
        assert result.exit_code == 1, result.output
        assert result.output.startswith(f"Error: cannot reach the Chroma server at {url} (GMA_CHROMA_URL)")
        assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_server_that_goes_away_is_the_same_clear_error(corpus: Path, index_dir: Path, tmp_path: Path) -> None:
    server = ChromaServer.start(tmp_path / "short-lived")
    try:
        Ingestor(index_dir, HashEmbedder(), chroma_url=server.url).ingest([corpus])
        index = SearchIndex.open(index_dir, server.url)
    finally:
        server.stop()
    with pytest.raises(ChromaServerError, match=f"at {server.url} "):
        index.vectors.search(HashEmbedder().embed_query(QUERY), k=3)


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:8000", ServerAddress("127.0.0.1", 8000, False)),
        ("http://chroma.internal/", ServerAddress("chroma.internal", 8000, False)),
        ("https://vectors.example.org", ServerAddress("vectors.example.org", 443, True)),
        ("https://[::1]:9443", ServerAddress("::1", 9443, True)),
    ],
)
def test_server_url_gives_host_port_and_ssl(url: str, address: ServerAddress) -> None:
    assert ServerAddress.parse(url) == address


@pytest.mark.parametrize("url", ["127.0.0.1:8000", "ftp://host:21", "http://host:port", "http://host:8000/api", "http://"])
def test_malformed_server_url_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match="GMA_CHROMA_URL must look like http://127.0.0.1:8000"):
        ServerAddress.parse(url)


def test_collection_names_fit_chroma_rules() -> None:
    assert collection_name(Path("gen-000007-3f2a9c1e")) == "gma-gen-000007-3f2a9c1e"
    assert collection_name(Path("gen 7 é..x_")) == "gma-gen-7-x"
    assert len(collection_name(Path("gen-" + "9" * 100))) == 63
