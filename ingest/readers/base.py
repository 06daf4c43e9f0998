"""What every reader shares: the Reader protocol and turning a file's bytes into text safely."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from core.errors import ReadError
from core.models import ParsedFile

# A text file with more than this share of control characters is binary data under a text name.
MAX_CONTROL_SHARE = 0.01
# Far beyond any document of the corpus (the longest text is 15 kB, the 46-page Convention 0.5 MB as a
# PDF): a larger "document" is a dump or a log, and would hold an ingest for many minutes.
MAX_FILE_BYTES = 20_000_000


class Reader(Protocol):
    """Turns one file into blocks in reading order; raises ReadError naming the reason it cannot."""

    extensions: tuple[str, ...]

    def read(self, path: Path) -> ParsedFile: ...


def decode_text(path: Path) -> str:
    """Read a UTF-8 text file, refusing empty, binary, oversized and non-UTF-8 files with a clear reason."""
    check_size(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(path, f"cannot open the file ({exc.strerror or exc})") from exc
    if not data.strip():
        raise ReadError(path, "empty file")
    if b"\x00" in data[:8192]:
        raise ReadError(path, "binary data, not text (is the extension right?)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(
            path, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); re-save it as UTF-8"
        ) from exc
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > MAX_CONTROL_SHARE * len(text):
        raise ReadError(path, "binary data, not text (is the extension right?)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_size(path: Path) -> None:
    """ReadError when the file is larger than a reader accepts (MAX_FILE_BYTES)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(path, f"cannot open the file ({exc.strerror or exc})") from exc
    if size > MAX_FILE_BYTES:
        raise ReadError(path, f"{size / 1e6:.1f} MB is over the {MAX_FILE_BYTES / 1e6:.0f} MB limit for one document")
