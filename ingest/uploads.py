"""Uploaded files kept beside the index: staged, ingested, and only then moved into place, every version kept.

    INDEX/uploads/notes.md                                the version the index was built from
    INDEX/uploads/.versions/notes.md/20970301T101500-3f2a9c1e.md   the versions it replaced, newest last
    INDEX/uploads/.incoming/<random>/notes.md             an upload being ingested (gone afterwards)

An upload is written under `.incoming/` and ingested from there, recorded under its final name; only when
its version is published is it moved into place, the file it replaces moved to `.versions/`. A version that
fails to read or to index is deleted from `.incoming/`: the stored file, and the index built from it, stay as
they were. Hidden folders are never ingested, and ingest never reads under the index folder anyway.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.pipeline import Ingestor, IngestReport

INCOMING = ".incoming"
VERSIONS = ".versions"


@dataclass(frozen=True)
class StoredVersion:
    """One stored version of an uploaded file; `live` for the one under the upload's own name."""

    name: str
    path: Path
    sha256: str
    size: int
    saved: float  # modification time, seconds since the epoch
    live: bool


class UploadStore:
    """The uploads folder of one index: `add` ingests new versions safely, `versions` lists what is kept.

    >>> UploadStore(Path(".gma/uploads")).add(ingestor, [(Path(".gma/uploads/notes.md"), b"...")])  # doctest: +SKIP
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def add(self, ingestor: Ingestor, files: Sequence[tuple[Path, bytes]]) -> IngestReport:
        """Ingest each (target under `root`, content); a target is replaced only by a version now indexed
        (or already indexed with the same content). A GmaError from the ingest leaves every target as it was."""
        staged = {self._stage(target, data): target for target, data in files}
        try:
            report = ingestor.ingest(list(staged), stored_as=staged)
        except BaseException:
            for incoming in staged:
                _remove_staging(incoming)
            raise
        failed = {f.path for f in report.failed}
        for incoming, target in staged.items():
            if str(target) not in failed and str(incoming.resolve()) not in failed:
                self._keep(incoming, target)
            _remove_staging(incoming)
        return report

    def versions(self) -> list[StoredVersion]:
        """Every stored version of every upload: by name, the live one first, then the older ones newest first."""
        found: list[StoredVersion] = []
        for live in sorted(p for p in self.root.glob("*") if p.is_file() and not p.name.startswith(".")):
            found.append(_version(live.name, live, live=True))
            archive = self.root / VERSIONS / live.name
            older = sorted(archive.glob("*"), reverse=True) if archive.is_dir() else []
            found += [_version(live.name, path, live=False) for path in older]
        return found

    def _stage(self, target: Path, data: bytes) -> Path:
        """`data` written and flushed to disk under `.incoming/`, with the target's file name (which the
        document's id and title may come from)."""
        folder = self.root / INCOMING / uuid.uuid4().hex
        folder.mkdir(parents=True)
        incoming = folder / target.name
        with incoming.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        return incoming

    def _keep(self, incoming: Path, target: Path) -> None:
        """Move the indexed version into place; the one it replaces goes to `.versions/`, unless identical."""
        if target.is_file():
            if _sha256(target) == _sha256(incoming):
                return
            archive = self.root / VERSIONS / target.name
            archive.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(target.stat().st_mtime))
            os.replace(target, archive / f"{stamp}-{_sha256(target)[:8]}{target.suffix}")
        os.replace(incoming, target)


def _remove_staging(incoming: Path) -> None:
    shutil.rmtree(incoming.parent, ignore_errors=True)


def _version(name: str, path: Path, live: bool) -> StoredVersion:
    stat = path.stat()
    return StoredVersion(name, path, _sha256(path), stat.st_size, stat.st_mtime, live)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
