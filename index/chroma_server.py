"""Vectors in a Chroma server (GMA_CHROMA_URL): one collection per index generation.

Only the vectors move to the server; passages, BM25, files.json and the CURRENT pointer stay in the index
folder. A new generation gets a collection of its own, seeded with a copy of the live one's vectors, so
publishing is still one atomic rename of CURRENT and a failed ingest leaves the live collection untouched.

    >>> space = ServerVectors("http://127.0.0.1:8000")  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.errors import ChromaServerError, ConfigError
from index.vectors import COLLECTION_METADATA, VectorStore, client_settings

# `chroma run` listens on 8000 unless told otherwise.
DEFAULT_PORT = {"http": 8000, "https": 443}
# Chroma's collection names: 3-63 characters of letters, digits, `_`, `-`, `.`, alphanumeric at both ends.
_NAME_LENGTH = 63
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_-]+")
# The collection metadata naming the index folder a collection belongs to.
INDEX_KEY = "gma_index"


@dataclass(frozen=True)
class ServerAddress:
    """Host, port and scheme of a Chroma server, from a URL such as `http://127.0.0.1:8000`."""

    host: str
    port: int
    ssl: bool

    @classmethod
    def parse(cls, url: str) -> ServerAddress:
        parts = urlsplit(url.strip())
        try:
            port = parts.port
        except ValueError:
            port = -1
        if parts.scheme not in DEFAULT_PORT or not parts.hostname or port == -1 or parts.path not in ("", "/"):
            raise ConfigError(f"GMA_CHROMA_URL must look like http://127.0.0.1:8000, got {url!r}")
        return cls(parts.hostname, port or DEFAULT_PORT[parts.scheme], parts.scheme == "https")


def collection_name(generation: Path) -> str:
    """The server collection of a generation: `gma-gen-000007-3f2a9c1e`, fitted to Chroma's naming rules."""
    name = _NOT_IN_NAME.sub("-", f"gma-{generation.name}")[:_NAME_LENGTH]
    return name.rstrip("_-")


@contextmanager
def _reaching(url: str) -> Iterator[None]:
    """A server that stops answering becomes one clear error instead of an httpx traceback."""
    import httpx

    try:
        yield
    except httpx.TransportError as exc:
        raise ChromaServerError(url) from exc


class _GuardedCollection:
    """A server collection whose every call fails with ChromaServerError when the server is gone."""

    def __init__(self, collection: Any, url: str) -> None:  # noqa: ANN401 - chromadb Collection
        self._collection = collection
        self._url = url

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - the collection's attribute, guarded if a method
        method = getattr(self._collection, name)
        if not callable(method):
            return method

        def call(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401 - whatever Chroma returns
            with _reaching(self._url):
                return method(*args, **kwargs)

        return call


class ServerVectors:
    """The vector space of server mode: generation `gen-…` lives in collection `gma-gen-…`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client = _connect(url)

    def open(self, generation: Path) -> VectorStore:
        from chromadb.errors import NotFoundError

        name = collection_name(generation)
        try:
            with _reaching(self.url):
                collection = self._client.get_collection(name, embedding_function=None)
        except NotFoundError as exc:
            # An index built with the embedded store (or another server) must not look like an empty one.
            raise ConfigError(
                f"the Chroma server at {self.url} has no collection {name} for {generation}: the index was built "
                "with the embedded store or another server; unset GMA_CHROMA_URL or point it at that server"
            ) from exc
        return VectorStore(_GuardedCollection(collection, self.url))

    def seed(self, base: Path | None, target: Path) -> None:
        # The collection names its index, so that orphans can be told from other indexes' collections.
        metadata = {**COLLECTION_METADATA, INDEX_KEY: str(target.parent.resolve())}
        with _reaching(self.url):
            collection = self._client.create_collection(collection_name(target), metadata=metadata, embedding_function=None)
        if base is not None:
            # Chroma forks collections only in its hosted service; a local server needs the records re-added.
            self.open(base).copy_to(VectorStore(_GuardedCollection(collection, self.url)))

    def freeze(self, generation: Path) -> None:
        """Nothing to do: questions search the server's collection."""

    def reader(self, generation: Path) -> VectorStore:
        """The same collection: on a server, reading writes nothing under the index folder."""
        return self.open(generation)

    def drop(self, generation: Path) -> None:
        from chromadb.errors import NotFoundError

        try:
            with _reaching(self.url):
                self._client.delete_collection(collection_name(generation))
        except NotFoundError:
            pass

    def remove_orphans(self, index_root: Path, generations: Sequence[Path]) -> None:
        """Delete this index's collections whose generation folder is gone: an ingest killed, or whose
        server died, after creating its collection and before it could delete it. Collections of other
        indexes on the same server (another INDEX_KEY, or none) are left alone."""
        root = str(index_root.resolve())
        kept = {collection_name(g) for g in generations}
        with _reaching(self.url):
            for collection in self._client.list_collections():
                if (collection.metadata or {}).get(INDEX_KEY) == root and collection.name not in kept:
                    self._client.delete_collection(collection.name)

    def close(self) -> None:
        self._client.close()


def _connect(url: str) -> Any:  # noqa: ANN401 - chromadb ClientAPI, imported lazily
    import chromadb

    address = ServerAddress.parse(url)
    try:
        with _reaching(url):
            return chromadb.HttpClient(
                host=address.host, port=address.port, ssl=address.ssl, settings=client_settings()
            )
    except ValueError as exc:  # chromadb's "Could not connect to a Chroma server", or not a Chroma server
        raise ChromaServerError(url) from exc
