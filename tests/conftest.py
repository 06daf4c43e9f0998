"""Shared fixtures: the network is blocked (loopback allowed), data directories live under tmp_path."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chroma_process import CHROMA, ChromaServer

SHARED_CORPUS = Path(os.environ.get("GMA_SHARED_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
_LOOPBACK = ("127.", "::1", "localhost")


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection beyond this machine fails the test that opened it."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family == socket.AF_UNIX or str(host).startswith(_LOOPBACK):
            return real_connect(self, address)
        raise RuntimeError(f"test tried to reach the network: {address}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GMA_HOME", str(tmp_path / "gma-home"))
    monkeypatch.delenv("GMA_CHROMA_URL", raising=False)
    monkeypatch.delenv("GMA_EMBED_MODEL", raising=False)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a real Chroma server on loopback, started once for every server-mode test."""
    if not CHROMA.is_file():
        pytest.skip(f"no chroma executable at {CHROMA} (it comes with the chromadb package)")
    server = ChromaServer.start(tmp_path_factory.mktemp("chroma-server"))
    yield server.url
    server.stop()


@pytest.fixture(scope="session", params=["embedded", "server"])
def chroma_url(request: pytest.FixtureRequest) -> str | None:
    """Where index tests keep their vectors: each runs with the embedded store (None) and a Chroma server."""
    return request.getfixturevalue("chroma_server") if request.param == "server" else None


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not (SHARED_CORPUS / "resolutions").is_dir():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS}")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def real_embedder():  # noqa: ANN201
    """The packaged all-MiniLM-L6-v2, loaded once per test session."""
    from index.embedder import Embedder

    embedder = Embedder()
    embedder.embed_query("warm up")
    return embedder


@pytest.fixture(scope="session")
def corpus_index(shared_corpus: Path, real_embedder, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: ANN001
    """The whole shared corpus ingested once with the real model (about a minute)."""
    from ingest.pipeline import Ingestor

    index_dir = tmp_path_factory.mktemp("corpus-index")
    report = Ingestor(index_dir, real_embedder).ingest([shared_corpus])
    assert not report.failed, report.failed
    return index_dir


@pytest.fixture(scope="session")
def corpus_assistant(corpus_index: Path, real_embedder):  # noqa: ANN001, ANN201
    from assistant.service import Assistant
    from core.settings import Settings

    return Assistant(Settings(index_dir=corpus_index), embedder=real_embedder)


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """../shared/fixtures (official PDFs and their reference extraction), beside the shared corpus."""
    fixtures = SHARED_CORPUS.parent / "fixtures"
    if not (fixtures / "un-pdfs").is_dir():
        pytest.skip(f"shared fixtures not found at {fixtures}")
    return fixtures
