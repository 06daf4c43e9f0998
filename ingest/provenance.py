"""Where an ingested file came from: the upload workspace, a verified `gma fetch` download, or a corpus folder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from core.models import DocumentMeta, Source
from corpus.checksums import is_fetched


def file_source(path: Path, sha256: str, uploads: Path) -> Source:
    """An upload when the file lies in the upload workspace; fetched when the fetcher's checksum record
    beside it vouches for exactly these bytes; otherwise a corpus file (a folder given to `gma ingest`)."""
    if uploads.resolve() in path.resolve().parents:
        return Source.UPLOAD
    return Source.FETCHED if is_fetched(path, sha256) else Source.CORPUS


def with_source(meta: DocumentMeta, source: Source, sha256: str) -> DocumentMeta:
    """The document's metadata with where its file came from and the file's checksum recorded."""
    return replace(meta, provenance=replace(meta.provenance, source=source, sha256=sha256))
