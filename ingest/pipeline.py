"""Ingest: files -> passages -> a new index generation, incrementally and atomically."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.manifest import Manifest
from ingest.embedder import TextEmbedder
from ingest.errors import GmaError, ReadError
from ingest.lexical import passage_lexical_index, sentence_lexical_index
from ingest.metadata import MetadataResolver
from ingest.models import Passage
from ingest.readers import SUPPORTED_EXTENSIONS, reader_for
from ingest.segment import Segmenter
from ingest.store import BM25, BM25_SENTENCES, FileRecord, IndexStore, write_generation_files
from ingest.vectors import VectorStore, vector_space
from ingest.vocabulary import spell_out

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class Failure:
    path: str
    error: str


@dataclass
class IngestReport:
    """What one ingest did; `to_json` is the shape of `gma ingest --json`."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    passages: int = 0
    total_passages: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "failed": [{"path": f.path, "error": f.error} for f in self.failed],
            "passages": self.passages,
            "removed": len(self.removed),
            "total_passages": self.total_passages,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class _Parsed:
    path: str
    sha256: str
    size: int
    passages: list[Passage]


class Ingestor:
    """Adds, updates and removes documents in an index directory; with `chroma_url` (Settings.chroma_url)
    the vectors go to that Chroma server, everything else stays in the directory.

    >>> from ingest.embedder import Embedder
    >>> report = Ingestor(Path(".gma"), Embedder()).ingest([Path("../shared/corpus")])  # doctest: +SKIP
    """

    def __init__(
        self,
        index_dir: Path,
        embedder: TextEmbedder,
        manifest: Manifest | None = None,
        segmenter: Segmenter | None = None,
        progress: ProgressCallback | None = None,
        chroma_url: str | None = None,
    ) -> None:
        self.store = IndexStore(index_dir, vector_space(chroma_url))
        self.embedder = embedder
        self.resolver = MetadataResolver(manifest or Manifest.load())
        self.segmenter = segmenter or Segmenter()
        self.progress = progress

    def ingest(self, paths: Sequence[Path]) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        candidates = self._discover(paths, report)
        with self.store.lock():
            records = self.store.files()
            changed = self._read_changed(candidates, records, report)
            if changed:
                self._write(records, changed, removed=[], report=report)
            report.total_passages = sum(r.passages for r in self.store.files().values())
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, targets: Sequence[str]) -> IngestReport:
        """Remove documents by file path or doc_id; unknown targets are reported as failures."""
        started = time.perf_counter()
        report = IngestReport()
        with self.store.lock():
            records = self.store.files()
            doomed: list[str] = []
            for target in targets:
                resolved = str(Path(target).resolve())
                matches = [p for p, r in records.items() if p == resolved or r.doc_id == target]
                if not matches:
                    report.failed.append(Failure(target, "not in the index (give a file path or a doc_id)"))
                doomed += [m for m in matches if m not in doomed]
            if doomed:
                self._write(records, [], removed=doomed, report=report)
            report.total_passages = sum(r.passages for r in self.store.files().values())
        report.seconds = time.perf_counter() - started
        return report

    def _discover(self, paths: Sequence[Path], report: IngestReport) -> list[Path]:
        found: list[Path] = []
        index_root = self.store.root.resolve()
        for path in paths:
            if not path.exists():
                report.failed.append(Failure(str(path), "no such file or directory"))
            elif path.is_dir():
                for child in sorted(path.rglob("*")):
                    hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                    inside_index = index_root in child.resolve().parents
                    if child.is_file() and not hidden and not inside_index:
                        found.append(child)
            else:
                found.append(path)
        unique = list(dict.fromkeys(p.resolve() for p in found))
        for path in unique:
            if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
                report.failed.append(Failure(str(path), f"unsupported file type {path.suffix or '(no extension)'}"))
        return [p for p in unique if p.suffix.lower() in SUPPORTED_EXTENSIONS]

    def _read_changed(
        self, candidates: Iterable[Path], records: dict[str, FileRecord], report: IngestReport
    ) -> list[_Parsed]:
        by_hash = {r.sha256: p for p, r in records.items() if Path(p).exists()}
        by_doc = {r.doc_id: p for p, r in records.items() if Path(p).exists()}
        changed: list[_Parsed] = []
        for path in candidates:
            key = str(path)
            try:
                data = path.read_bytes()
            except OSError as exc:
                report.failed.append(Failure(key, f"cannot open the file ({exc.strerror or exc})"))
                continue
            digest = hashlib.sha256(data).hexdigest()
            if key in records and records[key].sha256 == digest:
                report.unchanged.append(key)
                continue
            if by_hash.get(digest, key) != key:
                report.failed.append(Failure(key, f"same content as {by_hash[digest]}; skipped"))
                continue
            try:
                passages = self._passages(path)
            except GmaError as exc:
                report.failed.append(Failure(key, getattr(exc, "reason", str(exc))))
                continue
            except Exception as exc:  # a reader bug must cost one file, never the whole ingest
                log.exception("unexpected error reading %s", path)
                report.failed.append(Failure(key, f"unexpected error while reading ({type(exc).__name__}: {exc})"))
                continue
            doc_id = passages[0].doc.doc_id
            if by_doc.get(doc_id, key) != key:
                report.failed.append(Failure(key, f"document {doc_id} is already indexed from {by_doc[doc_id]}; skipped"))
                continue
            by_hash[digest] = by_doc[doc_id] = key
            (report.updated if key in records else report.added).append(key)
            changed.append(_Parsed(key, digest, len(data), passages))
        return changed

    def _passages(self, path: Path) -> list[Passage]:
        parsed = reader_for(path).read(path)
        meta = self.resolver.describe(parsed)
        passages = self.segmenter.segment(meta, parsed.blocks)
        if not passages:
            raise ReadError(path, "no citable text found")
        return passages

    def _write(
        self, records: dict[str, FileRecord], changed: list[_Parsed], removed: list[str], report: IngestReport
    ) -> None:
        """Build and publish a new generation: old passages of changed or removed files out, new ones in."""
        replaced = {records[p].doc_id for p in [*removed, *(c.path for c in changed)] if p in records}
        # A renamed file (same content or same document, old path gone) replaces the old record.
        new_docs = {c.passages[0].doc.doc_id for c in changed}
        stale = [p for p, r in records.items() if r.doc_id in new_docs and p not in {c.path for c in changed}]
        replaced |= {records[p].doc_id for p in stale}
        kept = [p for p in self.store.passages() if p.doc.doc_id not in replaced]
        fresh = [p for c in changed for p in c.passages]
        files = {p: r for p, r in records.items() if p not in removed and p not in stale}
        for c in changed:
            files[c.path] = FileRecord(c.path, c.sha256, c.passages[0].doc.doc_id, len(c.passages), c.size)
        with self.store.new_generation() as generation:
            vectors = self.store.vectors(generation)
            vectors.delete_documents(sorted(replaced))
            self._embed_into(vectors, fresh)
            every = kept + fresh
            passage_lexical_index(every).save(generation / BM25)
            sentence_lexical_index(every).save(generation / BM25_SENTENCES)
            info = {"embed_model": self.embedder.model_name, "passages": len(every), "created": time.time()}
            write_generation_files(generation, every, files, info)
        report.removed.extend(removed)
        report.passages = len(fresh)

    def _embed_into(self, vectors: VectorStore, passages: list[Passage]) -> None:
        """One vector per sentence: a passage's dense score is its best sentence's, and the answerer
        reads each sentence's similarity to the question without embedding anything at question time."""
        ids: list[str] = []
        texts: list[str] = []
        metadatas: list[dict[str, Any]] = []
        for passage in passages:
            for number, (sentence, _, _) in enumerate(passage.sentences):
                ids.append(passage.sentence_id(number))
                texts.append(spell_out(sentence))
                metadatas.append(vector_metadata(passage))
        if not ids:
            return
        done = 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            if self.progress:
                self.progress("embedding", done, len(ids))

        vectors.add(ids, self.embedder.embed_documents(texts, progress=step), metadatas)


def vector_metadata(passage: Passage) -> dict[str, Any]:
    """The fields Chroma filters on, and the passage a sentence belongs to; Chroma metadata cannot hold None."""
    doc = passage.doc
    return {
        "passage_id": passage.passage_id,
        "doc_id": doc.doc_id,
        "doc_type": doc.doc_type,
        "symbol": doc.symbol or "",
        "year": doc.year or 0,
        "state": doc.state or "",
        "footnote": passage.is_footnote,
    }
