"""An index directory on disk: immutable generations and an atomic pointer to the live one.

    INDEX/CURRENT         name of the live generation, replaced atomically
    INDEX/LOCK            held by the one process allowed to write
    INDEX/gen-000007-3f2a9c1e/   passages.jsonl, files.json, info.json, chroma/, bm25/,
                                 bm25-sentences/, vectors.npy + vectors.json (index.matrix)
    INDEX/uploads/        the upload workspace: files added from the Library, indexed as uploads

A writer builds a new generation beside the live one (copying the vectors it keeps) and only then
moves CURRENT. A crash or a bad file mid-ingest leaves CURRENT, and so the previous index, untouched.
In server mode (GMA_CHROMA_URL) a generation's vectors are a server collection instead of chroma/,
created, copied and deleted along with the folder by the `VectorSpace` (see index/vectors.py).
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import GmaError, IndexBusyError, IndexNotFoundError, IndexWriteError
from core.models import Passage
from index.chroma_server import ServerVectors
from index.generation import FileRecord, is_outdated, read_files, read_info, read_passages
from index.vectors import EmbeddedVectors, VectorReader, VectorSpace, VectorStore

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
LOCK = "LOCK"
UPLOADS_DIR = "uploads"
# Generations kept besides the live one, so a reader that opened the previous one can finish.
KEEP_PREVIOUS = 1
# Times a reader re-reads CURRENT when the generation it named was deleted before it could hold it.
_HOLD_ATTEMPTS = 5
# A generation's name: its number, then a random tag so a path is never reused (Chroma caches clients
# by path within a process, and a reused path would reach the deleted files of an abandoned attempt).
_GENERATION_NAME = re.compile(r"gen-(\d+)-[0-9a-f]+")


class IndexStore:
    """Finds, reads and atomically replaces the generations of one index directory.

    `vector_space` says where each generation's vectors live (default: embedded, in the generation's folder).
    """

    def __init__(self, root: Path, vector_space: VectorSpace | None = None) -> None:
        self.root = Path(root)
        self.vector_space = vector_space or EmbeddedVectors()

    @property
    def uploads(self) -> Path:
        """The upload workspace: every file under it is indexed as an upload, and can be cleared at once."""
        return self.root / UPLOADS_DIR

    def outdated(self) -> bool:
        """Whether the live generation was written in an older format, to be rebuilt rather than extended."""
        generation = self.current()
        return generation is not None and is_outdated(generation)

    def current(self) -> Path | None:
        try:
            name = (self.root / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        generation = self.root / name
        return generation if name and generation.is_dir() else None

    def require_current(self) -> Path:
        generation = self.current()
        if generation is None:
            raise IndexNotFoundError(self.root)
        return generation

    def files(self, generation: Path | None = None) -> dict[str, FileRecord]:
        generation = generation or self.current()
        return read_files(generation) if generation else {}

    def passages(self, generation: Path | None = None) -> list[Passage]:
        generation = generation or self.current()
        return read_passages(generation) if generation else []

    def info(self, generation: Path | None = None) -> dict[str, Any]:
        generation = generation or self.current()
        return read_info(generation) if generation else {}

    def vectors(self, generation: Path) -> VectorStore:
        """The vectors of a generation being written."""
        return self.vector_space.open(generation)

    def vector_reader(self, generation: Path) -> VectorReader:
        """The vectors of a published generation, for searching; nothing is written under the index folder."""
        return self.vector_space.reader(generation)

    def hold_current(self) -> tuple[Path, GenerationHold]:
        """The live generation, held against deletion until the hold is released (by any writer, in any
        process); retried when a writer deleted it between reading CURRENT and taking the hold."""
        for _ in range(_HOLD_ATTEMPTS):
            generation = self.require_current()
            try:
                hold = GenerationHold.take(generation)
            except FileNotFoundError:
                continue
            if generation.is_dir():  # a writer deleting it held it exclusively: now it is gone or kept
                return generation, hold
            hold.release()
        raise IndexNotFoundError(self.root)

    def close(self) -> None:
        """Release the connection to where the vectors live (a Chroma server's client)."""
        self.vector_space.close()

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive right to write; a second writer fails at once instead of waiting."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = (self.root / LOCK).open("a")
        except OSError as exc:
            raise IndexWriteError(self.root, exc.strerror or str(exc)) from exc
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise IndexBusyError(self.root) from exc
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def new_generation(self) -> Iterator[Path]:
        """A fresh generation directory seeded with the live one's vectors; published only on success.

        Call inside `lock()`. If the block raises, the directory is removed and CURRENT is unchanged.
        """
        self._remove_abandoned()
        try:
            self.vector_space.remove_orphans(self.root, self._generations())
        except GmaError as exc:
            log.warning("could not remove the orphan vectors of %s: %s", self.root, exc)
        base = self.current()
        number = max((_number(p) for p in self._generations()), default=0) + 1
        target = self.root / f"gen-{number:06d}-{uuid.uuid4().hex[:8]}"
        try:
            target.mkdir()
            self.vector_space.seed(base, target)
            yield target
            self.vector_space.freeze(target)
            _fsync_tree(target)
            self._publish(target)
        except OSError as exc:
            self._discard(target)
            raise IndexWriteError(self.root, exc.strerror or str(exc)) from exc
        except BaseException:
            self._discard(target)
            raise
        self._remove_old(keep=target)

    def _publish(self, generation: Path) -> None:
        pointer = self.root / f"{CURRENT}.tmp"
        with pointer.open("w", encoding="utf-8") as handle:
            handle.write(generation.name)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(pointer, self.root / CURRENT)
        _fsync_dir(self.root)

    def _generations(self) -> list[Path]:
        found = (p for p in self.root.glob("gen-*") if p.is_dir() and _GENERATION_NAME.fullmatch(p.name))
        return sorted(found, key=_number)

    def _remove_abandoned(self) -> None:
        """Generations newer than the live one were left by a writer that died before publishing."""
        live = self.current()
        for generation in self._generations():
            if live is None or _number(generation) > _number(live):
                self._discard(generation)

    def _remove_old(self, keep: Path) -> None:
        """Generations older than the previous one go, except those a reader still holds: a later ingest
        removes them once they are released."""
        older = [g for g in self._generations() if _number(g) < _number(keep)]
        for generation in older[: max(0, len(older) - KEEP_PREVIOUS)]:
            try:
                hold = GenerationHold.take(generation, exclusive=True)
            except (BlockingIOError, FileNotFoundError):
                log.info("%s is still being read; it is removed at a later ingest", generation.name)
                continue
            try:
                self._discard(generation)
            finally:
                hold.release()

    def _discard(self, generation: Path) -> None:
        """Best effort, like the folder's removal: a leftover costs space, never the published index."""
        try:
            self.vector_space.drop(generation)
        except GmaError as exc:
            log.warning("could not delete the vectors of %s: %s", generation.name, exc)
        shutil.rmtree(generation, ignore_errors=True)


@dataclass
class GenerationHold:
    """A lock on a generation's folder: shared by its readers, exclusive for the writer deleting it.

    flock on the folder itself, so it needs no file of its own (a read-only index can be held too), and
    the kernel releases it when a reader dies.
    """

    fd: int | None

    @classmethod
    def take(cls, generation: Path, exclusive: bool = False) -> GenerationHold:
        """Shared: waits for a writer finishing a deletion. Exclusive: BlockingIOError while held."""
        fd = os.open(generation, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB if exclusive else fcntl.LOCK_SH)
        except BaseException:
            os.close(fd)
            raise
        return cls(fd)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def vector_space(chroma_url: str | None) -> VectorSpace:
    """The embedded space, or the Chroma server at `chroma_url` (Settings.chroma_url, GMA_CHROMA_URL)."""
    if not chroma_url:
        return EmbeddedVectors()
    return ServerVectors(chroma_url)


def _number(generation: Path) -> int:
    match = _GENERATION_NAME.fullmatch(generation.name)
    return int(match.group(1)) if match else -1


def _fsync_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(root)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
