"""The dense side of the hybrid index: a Chroma collection holding one vector per passage sentence.

Chroma's nested result dictionaries are converted to (passage id, similarity) pairs here and nowhere else.
Where a generation's collection lives is a `VectorSpace`: an embedded store in the generation's folder
(the default) or, with GMA_CHROMA_URL, a Chroma server (`index.chroma_server`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from core.errors import ConfigError, IndexReadError
from index.matrix import MatrixVectors, has_matrix, write_matrix

COLLECTION = "passages"
# The embedded store's folder inside a generation.
CHROMA = "chroma"
# Similarity is cosine everywhere: the embedder's vectors are normalised and scores are read as 1 - distance.
COLLECTION_METADATA = {"hnsw:space": "cosine"}
# Chroma accepts at most this many records per call (its max_batch_size is larger; this keeps memory flat).
_WRITE_BATCH = 2000


def client_settings() -> Any:  # noqa: ANN401 - chromadb.config.Settings, imported lazily
    from chromadb.config import Settings

    # Telemetry would open a network connection; the assistant never does at question time.
    return Settings(anonymized_telemetry=False)


def passage_of(sentence_id: str) -> str:
    """The passage a sentence vector belongs to: `A/RES/80/16#3:0` -> `A/RES/80/16#3`."""
    return sentence_id.rsplit(":", 1)[0]


class VectorStore:
    """One vector per passage sentence, with the metadata the filters need (doc_id, doc_type, symbol, year, state).

    >>> store = VectorStore.open(Path("/tmp/gma-doctest-chroma"))  # doctest: +SKIP
    """

    def __init__(self, collection: Any, client: Any = None, private: Path | None = None) -> None:  # noqa: ANN401
        self._collection = collection  # a chromadb Collection
        self._client = client  # the chromadb client, closed with the store when the store opened it
        self._private = private  # a private copy the store reads from, deleted with it

    @classmethod
    def open(cls, directory: Path, private: Path | None = None) -> VectorStore:
        """The embedded store in `directory` (`private`: a copy to delete on close)."""
        import chromadb

        client = chromadb.PersistentClient(path=str(directory), settings=client_settings())
        collection = client.get_or_create_collection(COLLECTION, metadata=COLLECTION_METADATA, embedding_function=None)
        return cls(collection, client, private)

    def close(self) -> None:
        """Release the Chroma client this store opened (its SQLite connection, HNSW segments and memory):
        Chroma keeps a client per path for the life of the process unless it is closed."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None

    def count(self) -> int:
        return self._collection.count()

    def add(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[Mapping[str, Any]]) -> None:
        for start in range(0, len(ids), _WRITE_BATCH):
            end = start + _WRITE_BATCH
            self._collection.add(
                ids=list(ids[start:end]), embeddings=vectors[start:end], metadatas=[dict(m) for m in metadatas[start:end]]
            )

    def batches(self) -> Iterator[tuple[list[str], np.ndarray, list[Mapping[str, Any]]]]:
        """Every record as (ids, vectors, metadatas), batch by batch so memory stays flat."""
        for start in range(0, self.count(), _WRITE_BATCH):
            got = self._collection.get(include=["embeddings", "metadatas"], limit=_WRITE_BATCH, offset=start)
            yield got["ids"], np.asarray(got["embeddings"], dtype=np.float32), got["metadatas"]

    def copy_to(self, target: VectorStore) -> None:
        """Every record (id, vector, metadata) into `target`."""
        for ids, vectors, metadatas in self.batches():
            target.add(ids, vectors, metadatas)

    def delete_documents(self, doc_ids: Sequence[str]) -> None:
        if doc_ids:
            self._collection.delete(where={"doc_id": {"$in": list(doc_ids)}})

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of the given passages (those that exist)."""
        if not ids:
            return {}
        got = self._collection.get(ids=list(ids), include=["embeddings"])
        return {pid: np.asarray(v, dtype=np.float32) for pid, v in zip(got["ids"], got["embeddings"], strict=True)}

    def search(self, vector: np.ndarray, k: int, where: Mapping[str, Any] | None = None) -> list[tuple[str, float]]:
        """The k nearest vectors as (id, cosine similarity), best first."""
        total = self.count()
        if total == 0 or k < 1:
            return []
        result = self._collection.query(
            query_embeddings=[vector], n_results=min(k, total), where=dict(where) if where else None, include=["distances"]
        )
        return [(pid, 1.0 - float(d)) for pid, d in zip(result["ids"][0], result["distances"][0], strict=True)]


class VectorReader(Protocol):
    """What a search reads of a generation's vectors: a Chroma `VectorStore`, or its `MatrixVectors` copy."""

    def count(self) -> int: ...

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]: ...

    def search(self, vector: np.ndarray, k: int, where: Mapping[str, Any] | None = None) -> list[tuple[str, float]]: ...

    def close(self) -> None: ...


class VectorSpace(Protocol):
    """Where the vectors of each index generation live; `IndexStore` calls it as generations come and go."""

    def open(self, generation: Path) -> VectorStore:
        """The vectors of an existing generation, to write."""
        ...

    def seed(self, base: Path | None, target: Path) -> None:
        """Create `target`'s vectors as a copy of `base`'s (empty without a base), before `target` is written."""
        ...

    def drop(self, generation: Path) -> None:
        """Delete a discarded generation's vectors; a no-op when there are none."""
        ...

    def freeze(self, generation: Path) -> None:
        """Called once `generation`'s vectors are complete, before it is published."""
        ...

    def reader(self, generation: Path) -> VectorReader:
        """The vectors of a published generation, for questions: nothing is written under `generation`."""
        ...

    def remove_orphans(self, index_root: Path, generations: Sequence[Path]) -> None:
        """Delete the vectors this index left behind for generations that no longer exist (a writer that
        died mid-way); a no-op where vectors live in the generations' own folders."""
        ...

    def close(self) -> None:
        """Release the connection to where the vectors live."""
        ...


class EmbeddedVectors:
    """The default space: an embedded Chroma store in each generation's own folder."""

    def open(self, generation: Path) -> VectorStore:
        return VectorStore.open(_store_folder(generation))

    def _private_copy(self, generation: Path) -> VectorStore:
        """A private copy of the generation's store, in the temporary folder: Chroma writes to the store it
        opens (its SQLite file and HNSW segments, even to answer a query), and a published generation must
        stay as it was written, on a read-only disk too. The copy costs about a millisecond per megabyte
        (docs/robustness.md) and is deleted when the store is closed."""
        folder = _store_folder(generation)
        private = Path(tempfile.mkdtemp(prefix=f"gma-{generation.name}-"))
        try:
            shutil.copytree(folder, private / CHROMA)
        except OSError as exc:
            shutil.rmtree(private, ignore_errors=True)
            raise IndexReadError(folder, f"{exc.strerror or exc} while copying it to {private.parent}") from exc
        return VectorStore.open(private / CHROMA, private)

    def seed(self, base: Path | None, target: Path) -> None:
        if base is None:
            (target / CHROMA).mkdir()
        else:
            shutil.copytree(_store_folder(base), target / CHROMA)

    def drop(self, generation: Path) -> None:
        """Nothing to do: the vectors go with the generation's folder."""

    def freeze(self, generation: Path) -> None:
        """Copy the collection into the generation's matrix (index.matrix), which questions search."""
        store = self.open(generation)
        try:
            batches = list(store.batches())
        finally:
            store.close()
        ids = [sid for batch in batches for sid in batch[0]]
        metadatas = [metadata for batch in batches for metadata in batch[2]]
        vectors = np.vstack([batch[1] for batch in batches]) if batches else np.zeros((0, 1), np.float32)
        write_matrix(generation, ids, vectors, metadatas)

    def reader(self, generation: Path) -> VectorReader:
        """The matrix, which reading writes nothing to; a generation written before there were matrices is
        searched through a private copy of its Chroma store."""
        return MatrixVectors.load(generation) if has_matrix(generation) else self._private_copy(generation)

    def remove_orphans(self, index_root: Path, generations: Sequence[Path]) -> None:
        """Nothing to do: the vectors went with their generation's folder."""

    def close(self) -> None:
        """Nothing to do: each VectorStore closes its own client."""


def _store_folder(generation: Path) -> Path:
    """The generation's embedded store, which must exist: opening a missing one would create it empty,
    and every dense search (and every vector a new generation keeps) would silently be lost."""
    folder = generation / CHROMA
    if not folder.is_dir():
        raise ConfigError(
            f"{generation} holds no vectors: the index was built against a Chroma server; "
            "set GMA_CHROMA_URL to that server"
        )
    return folder
