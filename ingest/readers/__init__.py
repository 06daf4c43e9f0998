"""File readers by extension: PDF, Markdown, plain text and HTML."""

from __future__ import annotations

from pathlib import Path

from core.errors import ReadError
from ingest.readers.base import Reader
from ingest.readers.html import HtmlReader
from ingest.readers.pdf import PdfReader
from ingest.readers.text import MarkdownReader, TextReader

READERS: tuple[Reader, ...] = (PdfReader(), MarkdownReader(), TextReader(), HtmlReader())
SUPPORTED_EXTENSIONS = tuple(ext for reader in READERS for ext in reader.extensions)


def reader_for(path: Path) -> Reader:
    """The reader for a file's extension; ReadError naming the supported ones when there is none."""
    suffix = path.suffix.lower()
    for reader in READERS:
        if suffix in reader.extensions:
            return reader
    shown = suffix or "(no extension)"
    raise ReadError(path, f"unsupported file type {shown}; supported: {', '.join(SUPPORTED_EXTENSIONS)}")
