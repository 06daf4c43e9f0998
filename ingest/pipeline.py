"""Ingest: files -> passages -> a new index generation, incrementally and atomically."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from core.errors import GmaError, IndexOutdatedError, ReadError
from core.models import Passage
from core.vocabulary import spell_out
from corpus.manifest import Manifest
from index.embedder import Embedder, TextEmbedder
from index.generation import FileRecord, write_generation
from index.onnx_embedder import has_export
from index.store import IndexStore, vector_space
from index.vectors import VectorStore
from ingest.metadata import MetadataResolver
from ingest.provenance import file_source, with_source
from ingest.readers import SUPPORTED_EXTENSIONS, reader_for
from ingest.renditions import rendition_rank
from ingest.segment import Segmenter

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int], None]  # (stage, done, total)
# The longest document of the corpus (the Convention) has about 900 passages: a file with more than this is
# a dump or a generated file, whose sentences would all be embedded, and is refused before any of that.
MAX_PASSAGES_PER_FILE = 5_000


@dataclass(frozen=True)
class Failure:
    path: str
    error: str


@dataclass(frozen=True)
class Conflict:
    """A file's declaration (front matter, manifest) that its own masthead contradicts."""

    path: str
    message: str


@dataclass(frozen=True)
class Merged:
    """One document found in two files: indexed once, from the better rendition."""

    doc_id: str
    indexed_from: str
    also_from: str


@dataclass
class IngestReport:
    """What one ingest did; `to_json` is the shape of `gma ingest --json`."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    merged: list[Merged] = field(default_factory=list)
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
            "conflicts": [{"path": c.path, "message": c.message} for c in self.conflicts],
            "merged": [{"doc_id": m.doc_id, "indexed_from": m.indexed_from, "also_from": m.also_from} for m in self.merged],
        }


@dataclass
class _Parsed:
    """A file read in this ingest; `passages` is empty when another file renders its document better."""

    path: str
    sha256: str
    size: int
    doc_id: str
    passages: list[Passage]


class Ingestor:
    """Adds, updates and removes documents in an index directory; with `chroma_url` (Settings.chroma_url)
    the vectors go to that Chroma server, everything else stays in the directory.

    >>> from index.embedder import Embedder
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

    def ingest(self, paths: Sequence[Path], stored_as: Mapping[Path, Path] | None = None) -> IngestReport:
        """Index the supported files under `paths`. `stored_as` maps a file read from a temporary name to
        the path it will be kept at (ingest/uploads.py): the index records that path, and the file is moved
        there only once its version is published."""
        started = time.perf_counter()
        report = IngestReport()
        candidates = self._discover(paths, report)
        recorded = {path.resolve(): Path(final) for path, final in (stored_as or {}).items()}
        with self.store.lock():
            start_over = self.store.outdated()  # an index of an older format is rebuilt from these paths
            records = {} if start_over else self.store.files()
            changed, demoted = self._read_changed(candidates, records, report, recorded)
            if changed or start_over:
                self._write(records, changed, removed=[], report=report, demoted=demoted, start_over=start_over)
            report.total_passages = sum(r.passages for r in self.store.files().values())
            self._export_for_questions()
        report.seconds = time.perf_counter() - started
        return report

    def reingest(self) -> IngestReport:
        """Every file the index was built from read again: changed ones re-indexed, unchanged ones skipped
        at no cost, vanished ones reported as failures (their documents stay until removed)."""
        return self.ingest([Path(path) for path in self.store.files()])

    def _export_for_questions(self) -> None:
        """The sentence-transformers model exported to ONNX into the index, once per model: questions are then
        embedded without torch (index/onnx_embedder.py). Other embedders (test fakes) have nothing to export."""
        if not isinstance(self.embedder, Embedder) or has_export(self.store.root, self.embedder.model_name):
            return
        if self.progress:
            self.progress("exporting the model for questions", 0, 1)
        from index.onnx_export import export  # imports torch: only when there is something to export

        export(self.embedder, self.store.root)
        if self.progress:
            self.progress("exporting the model for questions", 1, 1)

    def remove(self, targets: Sequence[str] = (), uploads: bool = False) -> IngestReport:
        """Remove documents by file path or doc_id; unknown targets are reported as failures. With `uploads`
        the upload workspace is cleared: every file in it leaves the index and the disk, the rest stays."""
        started = time.perf_counter()
        report = IngestReport()
        with self.store.lock():
            if self.store.outdated():
                raise IndexOutdatedError(self.store.root)
            records = self.store.files()
            workspace = self.store.uploads.resolve()
            if uploads:
                targets = [*targets, *(p for p in records if workspace in Path(p).parents)]
            doomed: list[str] = []
            for target in targets:
                resolved = str(Path(target).resolve())
                matches = [p for p, r in records.items() if p == resolved or r.doc_id == target]
                if not matches:
                    report.failed.append(Failure(target, "not in the index (give a file path or a doc_id)"))
                doomed += [m for m in matches if m not in doomed]
            # A document's alternate renditions go with it, so that a later ingest reads them afresh.
            gone = {records[p].doc_id for p in doomed}
            doomed += [p for p, r in records.items() if r.doc_id in gone and r.alternate and p not in doomed]
            if doomed:
                self._write(records, [], removed=doomed, report=report)
            if uploads:  # only once the index no longer holds them
                shutil.rmtree(workspace, ignore_errors=True)
            report.total_passages = sum(r.passages for r in self.store.files().values())
        report.seconds = time.perf_counter() - started
        return report

    def _discover(self, paths: Sequence[Path], report: IngestReport) -> list[Path]:
        """The supported files under `paths`; every path that cannot be followed (a symbolic-link loop, a
        dangling link, a folder it may not read) is reported on its own line and the rest are still found."""
        found: list[Path] = []
        index_root = self.store.root.resolve()
        for path in paths:
            if path.is_dir():
                found += _files_under(path, index_root, report)
            elif (resolved := _resolved(path, report)) is not None:
                found.append(resolved)
        unique = list(dict.fromkeys(found))
        for path in unique:
            if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
                report.failed.append(Failure(str(path), f"unsupported file type {path.suffix or '(no extension)'}"))
        return [p for p in unique if p.suffix.lower() in SUPPORTED_EXTENSIONS]

    def _read_changed(
        self, candidates: Iterable[Path], records: dict[str, FileRecord], report: IngestReport,
        recorded: Mapping[Path, Path],
    ) -> tuple[list[_Parsed], list[str]]:
        """The files that are new or changed, read; and the indexed files whose documents they render better."""
        by_hash = {r.sha256: p for p, r in records.items() if Path(p).exists()}
        by_doc = {r.doc_id: p for p, r in records.items() if Path(p).exists() and not r.alternate}
        changed: dict[str, _Parsed] = {}
        demoted: list[str] = []

        @cache
        def indexed() -> dict[str, list[Passage]]:
            """The live index's passages by document, read once, and only if two files hold one document."""
            found: dict[str, list[Passage]] = {}
            for passage in self.store.passages():
                found.setdefault(passage.doc.doc_id, []).append(passage)
            return found

        candidates = list(candidates)
        for number, path in enumerate(candidates, 1):
            if self.progress:
                self.progress("reading files", number, len(candidates))
            key = str(recorded.get(path, path))
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
                passages = self._passages(path, digest, report, Path(key))
            except GmaError as exc:
                report.failed.append(Failure(key, getattr(exc, "reason", str(exc))))
                continue
            except Exception as exc:  # a reader bug must cost one file, never the whole ingest
                log.exception("unexpected error reading %s", path)
                report.failed.append(Failure(key, f"unexpected error while reading ({type(exc).__name__}: {exc})"))
                continue
            parsed = _Parsed(key, digest, len(data), passages[0].doc.doc_id, passages)
            holder = by_doc.get(parsed.doc_id, key)
            if holder != key:
                held = changed[holder].passages if holder in changed else indexed().get(parsed.doc_id, [])
                by_doc[parsed.doc_id] = _keep_better(parsed, holder, held, changed, demoted, report)
            else:
                by_doc[parsed.doc_id] = key
            by_hash[digest] = key
            (report.updated if key in records else report.added).append(key)
            changed[key] = parsed
        return list(changed.values()), demoted

    def _passages(self, path: Path, sha256: str, report: IngestReport, recorded: Path) -> list[Passage]:
        """The passages of the file at `path`, described as the file at `recorded` (its name and source)."""
        parsed = replace(reader_for(path).read(path), path=recorded)
        resolved = self.resolver.resolve(parsed)
        report.conflicts.extend(Conflict(str(recorded), message) for message in resolved.conflicts)
        meta = with_source(resolved.meta, file_source(recorded, sha256, self.store.uploads), sha256)
        passages = self.segmenter.segment(meta, parsed.blocks)
        if not passages:
            raise ReadError(recorded, "no citable text found")
        if len(passages) > MAX_PASSAGES_PER_FILE:
            raise ReadError(
                recorded, f"{len(passages):,} passages is over the {MAX_PASSAGES_PER_FILE:,}-passage limit for one document"
            )
        return passages

    def _write(
        self,
        records: dict[str, FileRecord],
        changed: list[_Parsed],
        removed: list[str],
        report: IngestReport,
        demoted: Sequence[str] = (),
        start_over: bool = False,
    ) -> None:
        """Build and publish a new generation: old passages of changed or removed files out, new ones in;
        with `start_over`, every old passage and vector out."""
        changed_paths = {c.path for c in changed}
        indexed = [c for c in changed if c.passages]
        replaced = {r.doc_id for p, r in records.items() if p in removed or p in changed_paths if not r.alternate}
        replaced |= {c.doc_id for c in indexed}
        if start_over:
            replaced |= {r.doc_id for r in self.store.files().values()}
        # A renamed file (its old path gone) leaves a record behind; a demoted rendition stays, as an alternate.
        stale = [p for p, r in records.items() if r.doc_id in replaced and p not in changed_paths and not Path(p).exists()]
        kept = [] if start_over else [p for p in self.store.passages() if p.doc.doc_id not in replaced]
        fresh = [p for c in indexed for p in c.passages]
        files = {p: r for p, r in records.items() if p not in removed and p not in stale}
        for c in changed:
            files[c.path] = FileRecord(c.path, c.sha256, c.doc_id, len(c.passages), c.size, alternate=not c.passages)
        for path in demoted:
            files[path] = replace(files[path], passages=0, alternate=True)
        every = _with_sources(kept + fresh, files)
        with self.store.new_generation() as generation:
            vectors = self.store.vectors(generation)
            try:
                vectors.delete_documents(sorted(replaced))
                self._embed_into(vectors, fresh)
            finally:
                vectors.close()
            info = {"embed_model": self.embedder.model_name, "passages": len(every), "created": time.time()}
            write_generation(generation, every, files, info)
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
                self.progress("embedding sentences", done, len(ids))

        vectors.add(ids, self.embedder.embed_documents(texts, progress=step), metadatas)


def _keep_better(
    parsed: _Parsed,
    holder: str,
    held: list[Passage],
    changed: dict[str, _Parsed],
    demoted: list[str],
    report: IngestReport,
) -> str:
    """Two files hold one document: the better rendition keeps its passages, the other becomes an
    alternate source of it. Returns the path the document is indexed from."""
    if rendition_rank(parsed.passages) > rendition_rank(held):
        if holder in changed:
            changed[holder].passages = []
        else:
            demoted.append(holder)
        report.merged.append(Merged(parsed.doc_id, indexed_from=parsed.path, also_from=holder))
        return parsed.path
    parsed.passages = []
    report.merged.append(Merged(parsed.doc_id, indexed_from=holder, also_from=parsed.path))
    return holder


def _files_under(root: Path, index_root: Path, report: IngestReport) -> list[Path]:
    """The files of a folder tree, hidden ones and the index's own left out; links to folders are not
    followed (a loop of them would never end); unreadable folders are reported."""

    def unreadable(error: OSError) -> None:
        report.failed.append(Failure(str(error.filename), f"cannot read the folder ({error.strerror or error})"))

    files: list[Path] = []
    for folder, dirs, names in os.walk(root, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(n for n in names if not n.startswith(".")):
            resolved = _resolved(Path(folder) / name, report)
            if resolved is not None and resolved.is_file() and index_root not in resolved.parents:
                files.append(resolved)
    return files


def _resolved(path: Path, report: IngestReport) -> Path | None:
    """The real path of a file, or None (reported) for one that is missing or a link that leads nowhere."""
    try:
        return path.resolve(strict=True)
    except FileNotFoundError:
        reason = "dangling symbolic link" if path.is_symlink() else "no such file or directory"
    except RuntimeError:  # Python 3.11 reports a symbolic-link loop this way
        reason = "symbolic-link loop"
    except OSError as exc:
        reason = "symbolic-link loop" if exc.errno == errno.ELOOP else f"cannot open the file ({exc.strerror or exc})"
    report.failed.append(Failure(str(path), reason))
    return None


def _with_sources(passages: list[Passage], files: dict[str, FileRecord]) -> list[Passage]:
    """Every passage names all the files its document was read from, the one indexed first."""
    sources: dict[str, list[str]] = {}
    for path, record in sorted(files.items(), key=lambda item: (item[1].alternate, item[0])):
        sources.setdefault(record.doc_id, []).append(path)
    return [
        p if p.doc.sources == tuple(sources.get(p.doc.doc_id, ())) or p.doc.doc_id not in sources
        else replace(p, doc=replace(p.doc, sources=tuple(sources[p.doc.doc_id])))
        for p in passages
    ]


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
