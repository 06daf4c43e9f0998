"""One generation's files, the index's on-disk format, written and read only here.

    passages.jsonl   every passage, one JSON object a line (core.models.Passage.to_dict)
    files.json       what the index knows of each ingested file (FileRecord), by path
    info.json        how the generation was built (format, embedding model, passage count, time)
    bm25/            BM25 over whole passages          (index.lexical)
    bm25-sentences/  BM25 over single sentences
    chroma/          one vector per sentence, unless the vectors live on a Chroma server (index.vectors)
    vectors.npy, vectors.json   a copy of chroma/ that questions search without chromadb (index.matrix)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from core.errors import IndexDamagedError, IndexOutdatedError
from core.models import Passage
from index.lexical import LexicalIndex, passage_lexical_index, sentence_lexical_index

PASSAGES = "passages.jsonl"
FILES = "files.json"
INFO = "info.json"
BM25 = "bm25"
BM25_SENTENCES = "bm25-sentences"
# The passages' format: 2 since each document records its provenance. An older generation is rebuilt, not read.
FORMAT = 2


@dataclass(frozen=True)
class FileRecord:
    """What the index knows of one ingested file; an unchanged sha256 means nothing to do."""

    path: str
    sha256: str
    doc_id: str
    passages: int
    size: int
    alternate: bool = False  # another rendition of a document indexed from a better one


def write_generation(
    generation: Path, passages: list[Passage], files: dict[str, FileRecord], info: dict[str, Any]
) -> None:
    """Everything of a generation but its vectors: the passages, both BM25 indexes, the file records, and
    how it was built."""
    passage_lexical_index(passages).save(generation / BM25)
    sentence_lexical_index(passages).save(generation / BM25_SENTENCES)
    with (generation / PASSAGES).open("w", encoding="utf-8") as out:
        for passage in passages:
            out.write(json.dumps(passage.to_dict(), ensure_ascii=False) + "\n")
    (generation / FILES).write_text(
        json.dumps({path: asdict(r) for path, r in sorted(files.items())}, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    (generation / INFO).write_text(json.dumps({"format": FORMAT, **info}, indent=1), encoding="utf-8")


def is_outdated(generation: Path) -> bool:
    """Whether a generation was written in an older format than FORMAT (its passages lack provenance)."""
    info = read_info(generation)
    with _damage_reported(generation / INFO):
        return int(info.get("format", 1)) < FORMAT


def read_passages(generation: Path) -> list[Passage]:
    """The passages of a generation; IndexOutdatedError for one written in an older format."""
    if is_outdated(generation):
        raise IndexOutdatedError(generation.parent)
    with _damage_reported(generation / PASSAGES), (generation / PASSAGES).open(encoding="utf-8") as lines:
        return [Passage.from_dict(json.loads(line)) for line in lines if line.strip()]


def read_files(generation: Path) -> dict[str, FileRecord]:
    with _damage_reported(generation / FILES):
        raw = json.loads((generation / FILES).read_text(encoding="utf-8"))
        return {path: FileRecord(**record) for path, record in raw.items()}


def read_info(generation: Path) -> dict[str, Any]:
    with _damage_reported(generation / INFO):
        info = json.loads((generation / INFO).read_text(encoding="utf-8"))
        if not isinstance(info, dict):
            raise TypeError("not a JSON object")
        return info


def read_lexical(generation: Path, name: str) -> LexicalIndex:
    """One of the generation's BM25 indexes: `BM25` (passages) or `BM25_SENTENCES`."""
    with _damage_reported(generation / name):
        return LexicalIndex.load(generation / name)


@contextmanager
def _damage_reported(file: Path) -> Iterator[None]:
    """A missing or unreadable file of a generation becomes one clear IndexDamagedError."""
    try:
        yield
    except FileNotFoundError as exc:
        raise IndexDamagedError(file, "missing") from exc
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise IndexDamagedError(file, str(exc).splitlines()[0][:160] or type(exc).__name__) from exc
