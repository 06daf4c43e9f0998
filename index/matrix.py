"""A generation's sentence vectors as one numpy matrix, searched exactly, without importing chromadb.

Chroma stays the store that ingest writes (and, with GMA_CHROMA_URL, the one questions read). For the
embedded store, a copy of the collection is written beside it when a generation is complete:

    vectors.npy    float32, one normalised row per sentence
    vectors.json   {"ids": [...], "metadata": {"doc_id": [...], "year": [...], ...}}, one column per field

Importing chromadb and starting its client cost a new process about a second; this matrix loads in
milliseconds, and an exact cosine search over it ranks as Chroma's HNSW index does wherever that one is exact.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import IndexDamagedError

MATRIX = "vectors.npy"
COLUMNS = "vectors.json"


def write_matrix(
    generation: Path, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[Mapping[str, Any]]
) -> None:
    """The records of a generation's collection, as the matrix and its columns."""
    fields = sorted({field for metadata in metadatas for field in metadata})
    columns = {field: [metadata.get(field) for metadata in metadatas] for field in fields}
    np.save(generation / MATRIX, np.asarray(vectors, dtype=np.float32))
    (generation / COLUMNS).write_text(json.dumps({"ids": list(ids), "metadata": columns}), encoding="utf-8")


def has_matrix(generation: Path) -> bool:
    return (generation / MATRIX).is_file()


class MatrixVectors:
    """Exact cosine search over a generation's vectors, with Chroma's `where` clauses on their metadata.

    >>> MatrixVectors.load(Path(".gma/gen-000001-3f2a9c1e")).search(vector, k=5)  # doctest: +SKIP
    [('A/RES/80/16#3:0', 0.71), ...]
    """

    def __init__(self, ids: list[str], matrix: np.ndarray, columns: Mapping[str, Sequence[Any]]) -> None:
        if matrix.shape[0] != len(ids) or any(len(column) != len(ids) for column in columns.values()):
            raise ValueError(f"{len(ids)} ids for {matrix.shape[0]} vectors")
        self.ids = ids
        self._matrix = matrix
        self._columns = {field: np.asarray(column) for field, column in columns.items()}
        self._row = {sid: row for row, sid in enumerate(ids)}

    @classmethod
    def load(cls, generation: Path) -> MatrixVectors:
        """The generation's matrix; a missing, truncated or inconsistent file is an IndexDamagedError."""
        try:
            matrix = np.load(generation / MATRIX, allow_pickle=False)
            stored = json.loads((generation / COLUMNS).read_text(encoding="utf-8"))
            return cls(stored["ids"], matrix, stored["metadata"])
        except FileNotFoundError as exc:
            raise IndexDamagedError(Path(exc.filename or generation / COLUMNS), "missing") from exc
        except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
            raise IndexDamagedError(generation / MATRIX, str(exc).splitlines()[0][:160] or type(exc).__name__) from exc

    def count(self) -> int:
        return len(self.ids)

    def close(self) -> None:
        """Nothing to release: the matrix is plain memory."""

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of the given sentences (those that exist)."""
        return {sid: self._matrix[self._row[sid]] for sid in ids if sid in self._row}

    def search(self, vector: np.ndarray, k: int, where: Mapping[str, Any] | None = None) -> list[tuple[str, float]]:
        """The k nearest vectors as (id, cosine similarity), best first; equal similarities in stored order."""
        if not self.ids or k < 1:
            return []
        similarity = self._matrix @ np.asarray(vector, dtype=np.float32)
        rows = np.flatnonzero(self._admitted(where)) if where else np.arange(len(self.ids))
        best = rows[np.argsort(-similarity[rows], kind="stable")[:k]]
        return [(self.ids[row], float(similarity[row])) for row in best]

    def _admitted(self, where: Mapping[str, Any]) -> np.ndarray:
        """The rows a Chroma `where` clause admits: field equality, `$gte`, `$lte`, `$in`, and `$and` of those."""
        admitted = np.ones(len(self.ids), dtype=bool)
        for field, condition in where.items():
            if field == "$and":
                for clause in condition:
                    admitted &= self._admitted(clause)
                continue
            column = self._columns.get(field)
            if column is None:  # Chroma admits no record that lacks the field
                return np.zeros(len(self.ids), dtype=bool)
            admitted &= _compare(column, condition)
        return admitted


def _compare(column: np.ndarray, condition: Any) -> np.ndarray:  # noqa: ANN401 - a value or {operator: value}
    if not isinstance(condition, Mapping):
        return column == condition
    admitted = np.ones(len(column), dtype=bool)
    for operator, value in condition.items():
        if operator == "$gte":
            admitted &= column >= value
        elif operator == "$lte":
            admitted &= column <= value
        elif operator == "$in":
            admitted &= np.isin(column, list(value))
        else:
            raise ValueError(f"unsupported operator {operator!r} in a where clause")
    return admitted
