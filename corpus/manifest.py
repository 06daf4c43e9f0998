"""The manifest of core documents: the facts a citation needs, and where the official PDF lives."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from core.errors import ConfigError
from core.models import DOC_TYPES

DEFAULT_MANIFEST = Path(__file__).with_name("manifest.toml")


@dataclass(frozen=True)
class ManifestEntry:
    """One document the project knows about, by UN symbol or (for texts without one) by file name."""

    title: str
    doc_type: str
    symbol: str | None = None
    file: str | None = None
    date: str | None = None
    url: str | None = None
    short_title: str | None = None
    author: str | None = None

    @property
    def download_name(self) -> str:
        """File name under corpus/raw/: the symbol with slashes made safe, e.g. `A_RES_80_16.pdf`."""
        if not self.symbol:
            raise ValueError(f"manifest entry {self.title!r} has no symbol to download")
        return self.symbol.replace("/", "_") + ".pdf"


class Manifest:
    """The entries of a manifest file, looked up by symbol or file name.

    >>> Manifest.load().by_symbol("A/RES/80/16").doc_type
    'resolution'
    """

    def __init__(self, entries: list[ManifestEntry]) -> None:
        self.entries = tuple(entries)
        self._by_symbol = {e.symbol.upper(): e for e in entries if e.symbol}
        self._by_file = {e.file: e for e in entries if e.file}

    @classmethod
    def load(cls, path: Path | None = None) -> Manifest:
        path = path or DEFAULT_MANIFEST
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the manifest ({exc})") from exc
        return cls([_entry(path, i, raw) for i, raw in enumerate(data.get("document", []))])

    def by_symbol(self, symbol: str) -> ManifestEntry | None:
        return self._by_symbol.get(symbol.upper())

    def by_file(self, name: str) -> ManifestEntry | None:
        return self._by_file.get(name)

    def downloadable(self) -> list[ManifestEntry]:
        return [e for e in self.entries if e.url and e.symbol]


def _entry(path: Path, index: int, raw: dict[str, object]) -> ManifestEntry:
    where = f"{path}: document {index + 1}"
    known = {"title", "doc_type", "symbol", "file", "date", "url", "short_title", "author"}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if not raw.get("title") or not raw.get("doc_type"):
        raise ConfigError(f"{where}: `title` and `doc_type` are required")
    if raw["doc_type"] not in DOC_TYPES:
        raise ConfigError(f"{where}: doc_type {raw['doc_type']!r} is not one of {', '.join(DOC_TYPES)}")
    if not raw.get("symbol") and not raw.get("file"):
        raise ConfigError(f"{where}: needs a `symbol` or a `file`")
    return ManifestEntry(**{k: str(v) for k, v in raw.items()})
